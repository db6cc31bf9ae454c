// SPDX-License-Identifier: MIT
/*
 * Copyright (c) 2026 The stlm authors
 *
 * stlm export: Prometheus text format 0.0.4 / OpenMetrics 1.0 exposition
 * of one consistent snapshot per scrape, served on /metrics (libmicrohttpd)
 * or written to a node_exporter textfile (atomic rename).
 *
 * Naming: stlm_<name>_<base unit>[_total], numeric name segments dropped
 * ("cpu.3.power" -> stlm_cpu_power_watts{id="0x00010301",component="cpu",
 * instance="3",core="3"}); DEs without a name: stlm_de_value{id=,unit=}. The
 * id label makes every series unique; the catalog's labels (core, rail...)
 * tell ports and rails apart; names are in stlm_de_info.
 */
#include <errno.h>
#include <fnmatch.h>
#include <getopt.h>
#include <netdb.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <microhttpd.h>

#include "cli.h"

#define EXPORT_DEFAULT_LISTEN "127.0.0.1:9760"
#define MAX_FILTERS 64

struct buf {
	char *p;
	size_t len, cap;
	bool oom;
};

static void buf_add(struct buf *b, const char *s, size_t n)
{
	if (b->oom)
		return;
	if (b->len + n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap * 2 : 4096;
		char *p;

		while (cap < b->len + n + 1)
			cap *= 2;
		p = realloc(b->p, cap);
		if (!p) {
			b->oom = true;
			return;
		}
		b->p = p;
		b->cap = cap;
	}
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
}

__attribute__((format(printf, 2, 3)))
static void buf_printf(struct buf *b, const char *fmt, ...)
{
	char tmp[512];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n < sizeof(tmp)) {
		buf_add(b, tmp, (size_t)n);
		return;
	}
	{
		char *big = malloc((size_t)n + 1);

		if (!big) {
			b->oom = true;
			return;
		}
		va_start(ap, fmt);
		vsnprintf(big, (size_t)n + 1, fmt, ap);
		va_end(ap);
		buf_add(b, big, (size_t)n);
		free(big);
	}
}

/* A label value: \\, \" and \n escaped. */
static void buf_label_value(struct buf *b, const char *s)
{
	for (; s && *s; s++) {
		if (*s == '\\')
			buf_add(b, "\\\\", 2);
		else if (*s == '"')
			buf_add(b, "\\\"", 2);
		else if (*s == '\n')
			buf_add(b, "\\n", 2);
		else
			buf_add(b, s, 1);
	}
}

static void buf_value(struct buf *b, double v)
{
	buf_printf(b, "%.15g", v);
}

/* ---------------------------------------------------------------- */
/* Units                                                            */

struct unit_map {
	uint8_t code;
	const char *suffix;	/* base unit, plural; "" = none */
	double scale;
	double offset;		/* base = v * scale + offset */
};

static const struct unit_map units[] = {
	{ 2, "celsius", 1, 0 },
	{ 3, "celsius", 5.0 / 9.0, -32.0 * 5.0 / 9.0 },
	{ 4, "kelvin", 1, 0 },
	{ 5, "volts", 1, 0 },
	{ 6, "amperes", 1, 0 },
	{ 7, "watts", 1, 0 },
	{ 8, "joules", 1, 0 },
	{ 9, "coulombs", 1, 0 },
	{ 10, "voltamperes", 1, 0 },
	{ 15, "pascals", 1000, 0 },
	{ 17, "newtons", 1, 0 },
	{ 19, "rpm", 1, 0 },
	{ 20, "hertz", 1, 0 },
	{ 21, "seconds", 1, 0 },
	{ 22, "seconds", 60, 0 },
	{ 23, "seconds", 3600, 0 },
	{ 24, "seconds", 86400, 0 },
	{ 31, "meters", 1, 0 },
	{ 33, "cubic_meters", 1, 0 },
	{ 34, "cubic_meters", 0.001, 0 },
	{ 36, "radians", 1, 0 },
	{ 60, "bytes", 0.125, 0 },
	{ 61, "bytes", 1, 0 },
	{ 65, "ratio", 0.01, 0 },
	{ 66, "pascals", 1, 0 },
	{ 68, "grams", 1, 0 },
	{ 86, "square_meters", 1, 0 },
	{ 90, "meters_per_second", 1, 0 },
	{ 95, "bytes_per_second", 1, 0 },
};

static const struct unit_map *unit_of(const struct stlm_de *de)
{
	static const struct unit_map none = { 0, "", 1, 0 };
	uint8_t u = stlm_de_unit(de);

	for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++)
		if (units[i].code == u)
			return &units[i];
	return &none;
}

/* ---------------------------------------------------------------- */
/* Names                                                            */

static const char *const reserved[] = {
	"stlm_up", "stlm_generation", "stlm_snapshot_age_seconds",
	"stlm_samples", "stlm_de", "stlm_de_info", "stlm_de_value",
	"stlm_de_events",
};

/* Name segments that abbreviate a unit ("idle_us"): dropped, since the
 * unit suffix names the base unit (Prometheus lint refuses them). */
static const char *const unit_abbrev[] = {
	"s", "ms", "us", "ns", "sec", "b", "kb", "mb", "gb", "tb", "pb",
	"m", "h", "d",
};

static bool is_unit_abbrev(const char *seg)
{
	for (size_t i = 0; i < sizeof(unit_abbrev) / sizeof(unit_abbrev[0]); i++)
		if (!strcmp(seg, unit_abbrev[i]))
			return true;
	return false;
}

/* The families of DEs without a usable name, or moved out of a family
 * that a gauge and a counter share: one per type, so that no family ever
 * holds both and the exposition needs no second pass. */
#define FALLBACK_GAUGE "stlm_de_value"
#define FALLBACK_COUNTER "stlm_de_events"

/* stlm_ + name lowercased, [^a-z0-9] -> _, numeric segments and unit
 * abbreviations dropped,
 * the unit suffix appended unless the name already ends with it. false if
 * nothing usable is left. */
static bool family_name(const char *name, const char *suffix, char *out,
			size_t len)
{
	char tmp[256], *seg, *save = NULL;
	size_t o = 0;

	if (!name || !*name)
		return false;
	snprintf(tmp, sizeof(tmp), "%s", name);
	for (char *p = tmp; *p; p++) {
		char ch = *p;

		if (ch >= 'A' && ch <= 'Z')
			ch = (char)(ch - 'A' + 'a');
		if (!((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9')))
			ch = '_';
		*p = ch;
	}
	o = (size_t)snprintf(out, len, "stlm");
	for (seg = strtok_r(tmp, "_", &save); seg;
	     seg = strtok_r(NULL, "_", &save)) {
		if (strspn(seg, "0123456789") == strlen(seg) ||
		    is_unit_abbrev(seg))
			continue;
		if (o + strlen(seg) + 2 >= len)
			return false;
		o += (size_t)snprintf(out + o, len - o, "_%s", seg);
	}
	if (o == 4)
		return false;
	if (*suffix) {
		size_t sl = strlen(suffix);

		if (!(o > sl + 1 && out[o - sl - 1] == '_' &&
		      !strcmp(out + o - sl, suffix))) {
			if (o + sl + 2 >= len)
				return false;
			o += (size_t)snprintf(out + o, len - o, "_%s", suffix);
		}
	}
	/* counters: the family name never ends with _total itself */
	for (size_t i = 0; i < sizeof(reserved) / sizeof(reserved[0]); i++)
		if (!strcmp(out, reserved[i]))
			return false;
	return true;
}

/* ---------------------------------------------------------------- */
/* Exporter state                                                   */

struct exporter {
	struct cli *c;
	struct stlm_snapshot *snap;
	pthread_mutex_t lock;
	char *uri;		/* to reopen after the channel failed */
	bool reopen;		/* the session's channel failed */
	const char *include[MAX_FILTERS];
	size_t n_include;
	const char *exclude[MAX_FILTERS];
	size_t n_exclude;
	bool has_group;
	uint32_t group;
	const char *component;
	struct cli_tally tally;	/* the last exposition's selected samples */
};

struct entry {
	char family[192];
	bool counter;
	bool fallback;		/* stlm_de_value or stlm_de_events */
	const char *suffix;
	const struct stlm_de *de;
	const struct stlm_sample *v;
	uint32_t id;
};

static bool de_selected(const struct exporter *e, const struct stlm_de *de,
			uint32_t id)
{
	const char *name = stlm_de_name(de);
	char idbuf[16];

	snprintf(idbuf, sizeof(idbuf), "0x%08x", id);
	if (e->has_group && stlm_de_group(de) != e->group)
		return false;
	if (e->component && strcmp(stlm_de_component_name(de), e->component))
		return false;
	if (e->n_include) {
		bool hit = false;

		for (size_t i = 0; i < e->n_include && !hit; i++)
			hit = (name && !fnmatch(e->include[i], name, 0)) ||
			      !fnmatch(e->include[i], idbuf, FNM_CASEFOLD);
		if (!hit)
			return false;
	}
	for (size_t i = 0; i < e->n_exclude; i++)
		if ((name && !fnmatch(e->exclude[i], name, 0)) ||
		    !fnmatch(e->exclude[i], idbuf, FNM_CASEFOLD))
			return false;
	return true;
}

static int entry_cmp(const void *a, const void *b)
{
	const struct entry *x = a, *y = b;
	int r = strcmp(x->family, y->family);

	if (r)
		return r;
	if (x->counter != y->counter)
		return x->counter ? 1 : -1;
	return x->id < y->id ? -1 : x->id > y->id;
}

static void family_header(struct buf *b, bool om, const char *family,
			  bool counter, const char *unit, const char *help)
{
	const char *sfx = counter && !om ? "_total" : "";

	buf_printf(b, "# HELP %s%s %s\n", family, sfx, help);
	buf_printf(b, "# TYPE %s%s %s\n", family, sfx,
		   counter ? "counter" : "gauge");
	if (om && unit && *unit)
		buf_printf(b, "# UNIT %s %s\n", family, unit);
}

static void meta_up(struct buf *b, int up)
{
	family_header(b, false, "stlm_up", false, NULL,
		      "1 if the telemetry platform answered this scrape, else 0.");
	buf_printf(b, "stlm_up %d\n", up);
}

static const char *const label_keys[] = {
	"cluster", "core", "socket", "die", "domain", "rail", "channel", "port",
	"soc",
};

/*
 * The catalog's labels on a value series, so that ports and rails are told
 * apart by more than their id: the key as a label name, made to follow
 * Prometheus' rules ([a-zA-Z_][a-zA-Z0-9_]*, no leading "__"), prefixed
 * "label_" when it would clash with a label the series already has.
 */
static void buf_catalog_labels(struct buf *b, const struct stlm_de *de)
{
	static const char *const own[] = { "id", "component", "instance", "unit" };

	for (size_t k = 0; k < sizeof(label_keys) / sizeof(label_keys[0]); k++) {
		const char *lv = stlm_de_label(de, label_keys[k]);
		char name[64];
		size_t n = 0;
		bool clash = false;

		if (!lv)
			continue;
		for (const char *p = label_keys[k]; *p && n < sizeof(name) - 1; p++) {
			char ch = *p;

			if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
			      ch == '_' || (n && ch >= '0' && ch <= '9')))
				ch = '_';
			name[n++] = ch;
		}
		name[n] = '\0';
		for (size_t j = 0; j < sizeof(own) / sizeof(own[0]); j++)
			clash |= !strcmp(name, own[j]);
		if (!n || clash || !strncmp(name, "__", 2))
			buf_printf(b, ",label_%s=\"", name);
		else
			buf_printf(b, ",%s=\"", name);
		buf_label_value(b, lv);
		buf_add(b, "\"", 1);
	}
}

/*
 * A session whose channel failed (the platform went away, or the framing
 * broke) stays failed: the library never reconnects by itself. Such
 * errors make the next scrape open a new session, so stlm_up returns to 1
 * as soon as the platform is back. A timeout or a refused command (BUSY
 * included) keeps the session.
 */
static bool channel_failed(int r)
{
	return r == -ECONNRESET || r == -EPIPE || r == -ENOTCONN ||
	       r == -EPROTO;
}

/* e->lock held. 0, or -errno with the old session kept closed. */
static int reopen(struct exporter *e)
{
	struct stlm_open_opts o = { .size = sizeof(o) };
	struct stlm_session *s = NULL;
	struct stlm_snapshot *snap = NULL;
	int r;

	stlm_snapshot_free(e->snap);
	e->snap = NULL;
	stlm_session_close(e->c->s);
	e->c->s = NULL;
	r = stlm_session_open(e->uri, &o, &s);
	if (r >= 0)
		r = stlm_snapshot_new(s, &snap);
	if (r < 0) {
		stlm_session_close(s);
		return r;
	}
	e->c->s = s;
	e->snap = snap;
	e->reopen = false;
	if (!e->c->quiet)
		fprintf(stderr, "stlm: export: platform %s is back\n", e->uri);
	return 0;
}

/* Build one exposition from a fresh snapshot. */
static void expose(struct exporter *e, struct buf *b, bool om)
{
	struct stlm_session *s;
	const struct stlm_sample *v;
	struct entry *ents = NULL;
	size_t n = 0, ne = 0, valid = 0, invalid = 0;
	struct stlm_collection coll;
	struct timespec now;
	int r;

	pthread_mutex_lock(&e->lock);
	if (e->reopen && e->uri && reopen(e) < 0) {
		meta_up(b, 0);
		goto out;
	}
	s = e->c->s;
	/* One request to the platform: shared memory alone would keep
	 * serving the last values of a platform that is gone. */
	r = stlm_collection_get(s, STLM_GROUP_ALL, &coll);
	if (r >= 0)
		r = stlm_snapshot_take(e->snap, 0);
	if (r < 0) {
		if (channel_failed(r) && !e->reopen) {
			e->reopen = true;
			if (!e->c->quiet)
				fprintf(stderr,
					"stlm: export: platform %s: %s; reopening at the next scrape\n",
					stlm_session_uri(s), cli_strerror(r));
		}
		meta_up(b, 0);
		goto out;
	}
	v = stlm_snapshot_samples(e->snap, &n);
	ents = calloc(n ? n : 1, sizeof(*ents));
	if (!ents) {
		b->oom = true;
		goto out;
	}
	memset(&e->tally, 0, sizeof(e->tally));
	for (size_t i = 0; i < n; i++) {
		const struct stlm_de *de = stlm_de_get(s, v[i].id);
		struct entry *x;

		if (!de || !de_selected(e, de, v[i].id))
			continue;
		cli_tally_add(&e->tally, &v[i]);
		if (!(v[i].flags & STLM_SAMPLE_VALID)) {
			invalid++;
			continue;
		}
		valid++;
		x = &ents[ne++];
		x->de = de;
		x->v = &v[i];
		x->id = v[i].id;
		x->counter = stlm_de_kind(de) == STLM_KIND_COUNTER;
		x->suffix = unit_of(de)->suffix;
		if (!family_name(stlm_de_name(de), x->suffix, x->family,
				 sizeof(x->family))) {
			x->fallback = true;
			snprintf(x->family, sizeof(x->family), "%s",
				 x->counter ? FALLBACK_COUNTER : FALLBACK_GAUGE);
		}
	}
	qsort(ents, ne, sizeof(*ents), entry_cmp);
	/*
	 * A family name used by both a gauge and a counter: the counters go
	 * to the counters' fallback family, so that every family has one
	 * type. Entries sort gauges first within a family, so a run holds a
	 * clash exactly when its first entry is a gauge and its last a
	 * counter. The fallback families hold one type each, so one pass and
	 * one sort settle it.
	 */
	bool moved = false;

	for (size_t i = 0; i < ne;) {
		size_t j = i + 1;

		while (j < ne && !strcmp(ents[j].family, ents[i].family))
			j++;
		if (!ents[i].counter && ents[j - 1].counter) {
			for (size_t k = i; k < j; k++) {
				if (!ents[k].counter)
					continue;
				ents[k].fallback = true;
				snprintf(ents[k].family, sizeof(ents[k].family),
					 "%s", FALLBACK_COUNTER);
				moved = true;
			}
		}
		i = j;
	}
	if (moved)
		qsort(ents, ne, sizeof(*ents), entry_cmp);

	meta_up(b, 1);
	family_header(b, om, "stlm_generation", false, NULL,
		      "Platform configuration generation of the snapshot.");
	buf_printf(b, "stlm_generation %llu\n",
		   (unsigned long long)stlm_snapshot_generation(e->snap));
	clock_gettime(CLOCK_REALTIME, &now);
	family_header(b, om, "stlm_snapshot_age_seconds", false, "seconds",
		      "Age of the snapshot when the exposition was made.");
	{
		double age = ((double)now.tv_sec * 1e9 + (double)now.tv_nsec -
			      (double)stlm_snapshot_time_ns(e->snap)) / 1e9;

		buf_printf(b, "stlm_snapshot_age_seconds ");
		buf_value(b, age < 0 ? 0 : age);
		buf_add(b, "\n", 1);
	}
	family_header(b, om, "stlm_samples", false, NULL,
		      "Samples of the snapshot by state (exported DEs).");
	buf_printf(b, "stlm_samples{state=\"valid\"} %zu\n", valid);
	buf_printf(b, "stlm_samples{state=\"invalid\"} %zu\n", invalid);

	/* info: every exported DE (valid samples) */
	if (ne) {
		if (om) {
			buf_printf(b, "# HELP stlm_de DE descriptor and catalog labels.\n");
			buf_printf(b, "# TYPE stlm_de info\n");
		} else {
			family_header(b, false, "stlm_de_info", false, NULL,
				      "DE descriptor and catalog labels.");
		}
		/* The exported entry of each sample (ents is sorted by
		 * family; x->v points into the samples): O(1) per sample. */
		const struct entry **by_sample = calloc(n ? n : 1,
							sizeof(*by_sample));

		if (!by_sample) {
			b->oom = true;
			goto out;
		}
		for (size_t j = 0; j < ne; j++)
			by_sample[ents[j].v - v] = &ents[j];
		for (size_t i = 0; i < n; i++) {
			const struct stlm_de *de = stlm_de_get(s, v[i].id);
			const struct entry *x = by_sample[i];

			if (!x)
				continue;
			buf_printf(b, "stlm_de_info{id=\"0x%08x\",name=\"", x->id);
			buf_label_value(b, stlm_de_name(de));
			buf_printf(b, "\",component=\"");
			buf_label_value(b, stlm_de_component_name(de));
			buf_printf(b, "\",instance=\"%u\",unit=\"",
				   stlm_de_component_instance(de));
			buf_label_value(b, *x->suffix ? x->suffix :
					stlm_de_unit_name(de));
			buf_printf(b, "\",kind=\"%s\"",
				   cli_kind_name(stlm_de_kind(de)));
			for (size_t k = 0; k < sizeof(label_keys) / sizeof(label_keys[0]); k++) {
				const char *lv = stlm_de_label(de, label_keys[k]);

				if (!lv)
					continue;
				buf_printf(b, ",label_%s=\"", label_keys[k]);
				buf_label_value(b, lv);
				buf_add(b, "\"", 1);
			}
			buf_printf(b, "} 1\n");
		}
		free(by_sample);
	}

	for (size_t i = 0; i < ne; i++) {
		const struct entry *x = &ents[i];
		const struct unit_map *um = unit_of(x->de);
		double val = x->v->value * um->scale + um->offset;

		if (!i || strcmp(ents[i - 1].family, x->family) ||
		    ents[i - 1].counter != x->counter) {
			char help[256];

			if (x->fallback)
				snprintf(help, sizeof(help),
					 "DEs without a catalog or firmware name, by id and base unit.");
			else
				snprintf(help, sizeof(help),
					 "SCMI telemetry DE value (%s).",
					 x->counter ? "counter" : "gauge");
			family_header(b, om, x->family, x->counter,
				      x->fallback ? NULL : x->suffix, help);
		}
		buf_printf(b, "%s%s{id=\"0x%08x\"", x->family,
			   x->counter ? "_total" : "", x->id);
		if (x->fallback) {
			buf_printf(b, ",unit=\"");
			buf_label_value(b, *um->suffix ? um->suffix :
					stlm_de_unit_name(x->de));
			buf_add(b, "\"", 1);
		} else {
			buf_printf(b, ",component=\"");
			buf_label_value(b, stlm_de_component_name(x->de));
			buf_printf(b, "\",instance=\"%u\"",
				   stlm_de_component_instance(x->de));
		}
		buf_catalog_labels(b, x->de);
		buf_printf(b, "} ");
		buf_value(b, val);
		buf_add(b, "\n", 1);
	}
out:
	pthread_mutex_unlock(&e->lock);
	if (om)
		buf_printf(b, "# EOF\n");
	free(ents);
}

/* ---------------------------------------------------------------- */
/* HTTP                                                             */

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn,
				  const char *url, const char *method,
				  const char *version, const char *upload,
				  size_t *upload_size, void **ptr)
{
	static int first;
	struct exporter *e = cls;
	struct MHD_Response *resp;
	const char *accept;
	struct buf b = { 0 };
	enum MHD_Result ret;
	unsigned int status = MHD_HTTP_OK;
	bool om;

	(void)version;
	(void)upload;
	if (*ptr != &first) {
		*ptr = &first;	/* headers only on the first call */
		return MHD_YES;
	}
	*ptr = NULL;
	if (strcmp(method, "GET") && strcmp(method, "HEAD")) {
		if (*upload_size) {
			/* Discard a request body, then answer 405 (a response
			 * queued with the body unread drops the connection). */
			*upload_size = 0;
			*ptr = &first;
			return MHD_YES;
		}
		resp = MHD_create_response_from_buffer(0, (void *)"",
						       MHD_RESPMEM_PERSISTENT);
		ret = MHD_queue_response(conn, MHD_HTTP_METHOD_NOT_ALLOWED, resp);
		MHD_destroy_response(resp);
		return ret;
	}
	if (!strcmp(url, "/metrics")) {
		accept = MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
						     MHD_HTTP_HEADER_ACCEPT);
		om = accept && strstr(accept, "application/openmetrics-text");
		expose(e, &b, om);
		if (b.oom) {
			free(b.p);
			return MHD_NO;
		}
		resp = MHD_create_response_from_buffer(b.len, b.p,
						       MHD_RESPMEM_MUST_FREE);
		MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, om ?
			"application/openmetrics-text; version=1.0.0; charset=utf-8" :
			"text/plain; version=0.0.4; charset=utf-8");
	} else {
		static const char index_page[] =
			"<html><head><title>stlm exporter</title></head><body>"
			"<h1>stlm exporter</h1><p><a href=\"/metrics\">Metrics</a>"
			"</p></body></html>\n";

		if (strcmp(url, "/"))
			status = MHD_HTTP_NOT_FOUND;
		resp = MHD_create_response_from_buffer(
			status == MHD_HTTP_OK ? strlen(index_page) : 10,
			(void *)(status == MHD_HTTP_OK ? index_page : "not found\n"),
			MHD_RESPMEM_PERSISTENT);
		MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE,
					status == MHD_HTTP_OK ? "text/html" :
					"text/plain");
	}
	ret = MHD_queue_response(conn, status, resp);
	MHD_destroy_response(resp);
	return ret;
}

static int listen_fd(int fd)
{
	return listen(fd, 64);
}

static int parse_listen(const char *arg, struct sockaddr_storage *ss,
			socklen_t *sl)
{
	char host[256], port[32];
	const char *colon;
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM,
				  .ai_flags = AI_NUMERICSERV };
	struct addrinfo *ai = NULL;
	int r;

	if (arg[0] == '[') {
		const char *end = strchr(arg, ']');

		if (!end || end[1] != ':')
			return -EINVAL;
		snprintf(host, sizeof(host), "%.*s", (int)(end - arg - 1), arg + 1);
		snprintf(port, sizeof(port), "%s", end + 2);
	} else if ((colon = strrchr(arg, ':'))) {
		snprintf(host, sizeof(host), "%.*s", (int)(colon - arg), arg);
		snprintf(port, sizeof(port), "%s", colon + 1);
	} else {
		snprintf(host, sizeof(host), "127.0.0.1");
		snprintf(port, sizeof(port), "%s", arg);
	}
	if (!host[0])
		snprintf(host, sizeof(host), "127.0.0.1");
	if (!port[0] || strspn(port, "0123456789") != strlen(port))
		return -EINVAL;
	r = getaddrinfo(host, port, &hints, &ai);
	if (r || !ai)
		return -EINVAL;
	memcpy(ss, ai->ai_addr, ai->ai_addrlen);
	*sl = ai->ai_addrlen;
	freeaddrinfo(ai);
	return 0;
}

static int write_textfile(struct exporter *e, const char *path)
{
	char tmp[4096];
	struct buf b = { 0 };
	FILE *f;
	int r = 0;

	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	expose(e, &b, false);
	if (b.oom) {
		free(b.p);
		return -ENOMEM;
	}
	f = fopen(tmp, "w");
	if (!f) {
		r = -errno;
		goto out;
	}
	if (fwrite(b.p, 1, b.len, f) != b.len || fflush(f) || fsync(fileno(f)))
		r = -EIO;
	if (fclose(f) && !r)
		r = -EIO;
	if (!r && rename(tmp, path) < 0)
		r = -errno;
	if (r)
		unlink(tmp);
out:
	free(b.p);
	return r;
}

static const char *export_help =
	"Serve the enabled DEs for Prometheus on http://HOST:PORT/metrics\n"
	"(text format 0.0.4, or OpenMetrics 1.0 when the scraper asks for\n"
	"application/openmetrics-text), one consistent snapshot per scrape;\n"
	"or write them to a node_exporter textfile.\n"
	"\n"
	"Options:\n"
	"  -l, --listen HOST:PORT  address to serve on (default "
	EXPORT_DEFAULT_LISTEN ")\n"
	"      --textfile PATH     write the exposition to PATH (via PATH.tmp\n"
	"                          and rename) once, or every --interval\n"
	"  -i, --interval TIME     with --textfile: rewrite every TIME (1s, 500ms)\n"
	"      --include GLOB      export only DEs whose name (or 0x id) matches\n"
	"      --exclude GLOB      do not export DEs that match (repeatable)\n"
	"      --group N           only DEs of group N\n"
	"      --component TYPE    only DEs of component type TYPE (cpu...)\n"
	"\n"
	"Enable DEs and start collection first (stlm enable, stlm config --on).\n"
	"Metrics: stlm_<name>_<unit>[_total]{id,component,instance}, unnamed\n"
	"DEs as stlm_de_value{id,unit}, stlm_de_info, stlm_up, stlm_generation,\n"
	"stlm_snapshot_age_seconds, stlm_samples{state}. See docs/prometheus.md.\n";

enum {
	OPT_TEXTFILE = 0x2001, OPT_INCLUDE, OPT_EXCLUDE, OPT_GROUP,
	OPT_COMPONENT,
};
static const struct option export_longopts[] = {
	CLI_COMMON_LONGOPTS,
	{ "listen", required_argument, NULL, 'l' },
	{ "textfile", required_argument, NULL, OPT_TEXTFILE },
	{ "interval", required_argument, NULL, 'i' },
	{ "include", required_argument, NULL, OPT_INCLUDE },
	{ "exclude", required_argument, NULL, OPT_EXCLUDE },
	{ "group", required_argument, NULL, OPT_GROUP },
	{ "component", required_argument, NULL, OPT_COMPONENT },
	{ 0 }
};
const struct cli_optab cli_export_optab = { .shortopts = "l:i:", .longopts = export_longopts };

int stlm_cmd_export_main(struct cli *c, int argc, char **argv)
{
	struct exporter e = { .c = c, .lock = PTHREAD_MUTEX_INITIALIZER };
	const char *listen = EXPORT_DEFAULT_LISTEN, *textfile = NULL;
	uint64_t interval_ns = 0;
	struct sockaddr_storage ss;
	socklen_t sl = 0;
	struct MHD_Daemon *d = NULL;
	int opt, r, rc = 1, lfd = -1, one = 1;

	while ((opt = cli_getopt(c, argc, argv, &cli_export_optab)) != -1) {
		switch (opt) {
		case 'h':
			return cli_help(c, export_help);
		case 'l':
			listen = optarg;
			break;
		case 'i':
			if (cli_parse_interval(optarg, &interval_ns) < 0 ||
			    !interval_ns)
				return cli_usage_err("export",
					"export: bad interval '%s'", optarg);
			break;
		case OPT_TEXTFILE:
			textfile = optarg;
			break;
		case OPT_INCLUDE:
			if (e.n_include == MAX_FILTERS)
				return cli_usage_err("export", "export: too many --include");
			e.include[e.n_include++] = optarg;
			break;
		case OPT_EXCLUDE:
			if (e.n_exclude == MAX_FILTERS)
				return cli_usage_err("export", "export: too many --exclude");
			e.exclude[e.n_exclude++] = optarg;
			break;
		case OPT_GROUP:
			if (cli_parse_u32(optarg, &e.group) < 0)
				return cli_usage_err("export",
					"export: bad group '%s'", optarg);
			e.has_group = true;
			break;
		case OPT_COMPONENT:
			e.component = optarg;
			break;
		default:
			if (!cli_common_opt(c, opt))
				return cli_bad_option(c, argv);
		}
	}
	if (cli_check_args(c, argc - optind))
		return 2;
	if (c->json)
		return cli_usage_err("export", "export: --json is not supported");
	if (interval_ns && !textfile)
		return cli_usage_err("export", "export: --interval needs --textfile");
	if (!textfile && parse_listen(listen, &ss, &sl) < 0)
		return cli_usage_err("export", "export: bad address '%s'", listen);
	if (cli_open(c, NULL) < 0)
		return 1;
	r = stlm_snapshot_new(c->s, &e.snap);
	if (r < 0) {
		cli_err(c, "cannot export: %s", cli_strerror(r));
		return 1;
	}
	e.uri = strdup(stlm_session_uri(c->s));
	if (!e.uri) {
		cli_err(c, "cannot export: %s", strerror(ENOMEM));
		stlm_snapshot_free(e.snap);
		return 1;
	}
	cli_catch_stop();

	if (textfile) {
		bool first = true;

		do {
			r = write_textfile(&e, textfile);
			if (r < 0) {
				cli_err(c, "cannot write %s: %s", textfile,
					strerror(-r));
				goto out;
			}
			/* the first exposition without a single value fails as
			 * read does, with the same words */
			if (first && cli_tally_verdict(c, &e.tally, NULL))
				goto out;
			first = false;
			if (interval_ns) {
				struct timespec ts = {
					.tv_sec = (time_t)(interval_ns / 1000000000u),
					.tv_nsec = (long)(interval_ns % 1000000000u),
				};

				while (nanosleep(&ts, &ts) < 0 && errno == EINTR &&
				       !cli_stop)
					;
			}
		} while (interval_ns && !cli_stop);
		rc = 0;
		goto out;
	}

	/* The listening socket is ours, so a failure to bind says why in
	 * our words (libmicrohttpd would print its own line, port 0). */
	lfd = socket(ss.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (lfd < 0 ||
	    setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) < 0 ||
	    bind(lfd, (struct sockaddr *)&ss, sl) < 0 || listen_fd(lfd) < 0) {
		cli_err(c, "cannot listen on %s: %s", listen,
			errno == EADDRINUSE ? "address in use (another program serves that port)" :
					      strerror(errno));
		goto out;
	}
	d = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_ERROR_LOG |
			     (ss.ss_family == AF_INET6 ? MHD_USE_IPv6 : 0),
			     0, NULL, NULL, on_request, &e,
			     MHD_OPTION_LISTEN_SOCKET, lfd,
			     MHD_OPTION_CONNECTION_TIMEOUT, (unsigned int)30,
			     MHD_OPTION_END);
	if (!d) {
		cli_err(c, "cannot serve on %s", listen);
		goto out;
	}
	lfd = -1;	/* the daemon's now: closed by MHD_stop_daemon() */
	if (!c->quiet)
		fprintf(stderr, "stlm: serving http://%s/metrics\n", listen);
	while (!cli_stop) {
		struct timespec ts = { .tv_nsec = 100000000 };

		nanosleep(&ts, NULL);
	}
	MHD_stop_daemon(d);
	rc = 0;
out:
	if (lfd >= 0)
		close(lfd);
	stlm_snapshot_free(e.snap);
	free(e.uri);
	return rc;
}
