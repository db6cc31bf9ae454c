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
#include <malloc.h>
#include <math.h>
#include <netdb.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <microhttpd.h>

#include "cli.h"
#include "export-fmt.h"
#include "export-limits.h"

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
	"stlm_de_events", "stlm_de_limit",
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

/*
 * The exposition plan: every selected DE's series text up to its value
 * ("family_total{id=...,labels} "), its stlm_de_info line and the family
 * headers, built once per session, generation and sample layout. A scrape
 * is then one pass over the samples that copies pre-built text and
 * formats numbers, and allocates nothing once its buffer has grown.
 */
struct xseries {
	size_t sample;		/* index in the snapshot's samples */
	uint32_t id;
	size_t family;		/* index in xplan.fam */
	size_t head, head_len;	/* series text before the value (pool) */
	size_t info, info_len;	/* its stlm_de_info line (pool) */
	double scale, offset;
	const struct stlm_de *de;
	bool limits;		/* the catalog sets a limit on it */
};

struct xfamily {
	size_t plain, plain_len;	/* HELP and TYPE, text format 0.0.4 */
	size_t om, om_len;		/* the same for OpenMetrics */
};

struct xplan {
	bool built;
	struct stlm_session *s;
	uint64_t gen;
	size_t n_samples;
	struct xseries *ser;	/* by family, gauges first, then by id */
	size_t nser;
	size_t *info_order;	/* indices in ser, in sample order */
	struct xfamily *fam;
	size_t nfam;
	struct buf pool;
	size_t last_len;	/* the last exposition's length */
};

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
	struct xplan plan;	/* e->lock */
	pthread_mutex_t spare_lock;
	char *spare;		/* a sent exposition's buffer, for the next */
};

/* One selected DE while the plan is built. */
struct entry {
	char family[192];
	bool counter;
	bool fallback;		/* stlm_de_value or stlm_de_events */
	const char *suffix;
	const struct stlm_de *de;
	size_t sample;
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

/* The catalog keys that come first on a series, in this order; any other
 * key follows them, sorted. */
static const char *const label_keys[] = {
	"cluster", "core", "socket", "die", "domain", "rail", "channel", "port",
	"soc",
};

#define N_LABEL_KEYS (sizeof(label_keys) / sizeof(label_keys[0]))
#define MAX_DE_LABELS 160
#define LABEL_NAME_MAX 72

struct xlabel {
	const char *key, *val;
	size_t rank;
};

static int xlabel_cmp(const void *a, const void *b)
{
	const struct xlabel *x = a, *y = b;

	if (x->rank != y->rank)
		return x->rank < y->rank ? -1 : 1;
	return strcmp(x->key, y->key);
}

/* Every catalog label of a DE (stlm_de_label_at()), in series order. */
static size_t de_labels(const struct stlm_de *de, struct xlabel *out)
{
	const char *k, *v;
	size_t n = 0;

	for (unsigned int i = 0; n < MAX_DE_LABELS &&
	     stlm_de_label_at(de, i, &k, &v) == 0; i++) {
		size_t rank = N_LABEL_KEYS;

		if (!k || !v)
			continue;
		for (size_t j = 0; j < N_LABEL_KEYS; j++)
			if (!strcmp(k, label_keys[j]))
				rank = j;
		out[n++] = (struct xlabel){ .key = k, .val = v, .rank = rank };
	}
	qsort(out, n, sizeof(*out), xlabel_cmp);
	return n;
}

/*
 * A label name for catalog key @key, following Prometheus' rules
 * ([a-zA-Z_][a-zA-Z0-9_]*, no leading "__"), prefixed "label_" when
 * @prefix says so, when it would clash with a label the series already
 * has (id, component, instance, unit) or would not be a valid name.
 */
static void label_name(const char *key, bool prefix, char *name)
{
	static const char *const own[] = { "id", "component", "instance", "unit" };
	char tmp[LABEL_NAME_MAX - 8];
	size_t n = 0;
	bool clash = false;

	for (const char *p = key; *p && n < sizeof(tmp) - 1; p++) {
		char ch = *p;

		if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
		      ch == '_' || (n && ch >= '0' && ch <= '9')))
			ch = '_';
		tmp[n++] = ch;
	}
	tmp[n] = '\0';
	for (size_t j = 0; j < sizeof(own) / sizeof(own[0]); j++)
		clash |= !strcmp(tmp, own[j]);
	if (prefix || !n || clash || !strncmp(tmp, "__", 2))
		snprintf(name, LABEL_NAME_MAX, "label_%s", tmp);
	else
		snprintf(name, LABEL_NAME_MAX, "%s", tmp);
}

/* ',name="value"' for each label, a name used twice (two keys that
 * sanitise alike) only once. */
static void buf_labels(struct buf *b, const struct xlabel *l, size_t n,
		       bool prefix)
{
	char names[MAX_DE_LABELS][LABEL_NAME_MAX];

	for (size_t i = 0; i < n; i++) {
		bool dup = false;

		label_name(l[i].key, prefix, names[i]);
		for (size_t j = 0; j < i && !dup; j++)
			dup = !strcmp(names[i], names[j]);
		if (dup) {
			names[i][0] = '\0';
			continue;
		}
		buf_printf(b, ",%s=\"", names[i]);
		buf_label_value(b, l[i].val);
		buf_add(b, "\"", 1);
	}
}

static void plan_free(struct xplan *p)
{
	free(p->ser);
	free(p->info_order);
	free(p->fam);
	free(p->pool.p);
	memset(p, 0, sizeof(*p));
}

/* The plan for samples v[0..n) of session s at generation gen; e->lock
 * held. 0 or -ENOMEM. */
static int plan_build(struct exporter *e, struct stlm_session *s,
		      uint64_t gen, const struct stlm_sample *v, size_t n)
{
	struct xplan *p = &e->plan;
	struct xlabel labels[MAX_DE_LABELS];
	struct entry *ents;
	size_t ne = 0, *by_sample = NULL;
	bool moved = false;
	int r = -ENOMEM;

	plan_free(p);
	ents = calloc(n ? n : 1, sizeof(*ents));
	if (!ents)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++) {
		const struct stlm_de *de = stlm_de_get(s, v[i].id);
		struct entry *x;

		if (!de || !de_selected(e, de, v[i].id))
			continue;
		x = &ents[ne++];
		x->de = de;
		x->sample = i;
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

	p->ser = calloc(ne ? ne : 1, sizeof(*p->ser));
	p->fam = calloc(ne ? ne : 1, sizeof(*p->fam));
	p->info_order = calloc(ne ? ne : 1, sizeof(*p->info_order));
	by_sample = malloc((n ? n : 1) * sizeof(*by_sample));
	if (!p->ser || !p->fam || !p->info_order || !by_sample)
		goto out;
	for (size_t i = 0; i < n; i++)
		by_sample[i] = SIZE_MAX;
	for (size_t i = 0; i < ne; i++) {
		const struct entry *x = &ents[i];
		const struct unit_map *um = unit_of(x->de);
		struct xseries *xs = &p->ser[i];
		size_t nl = de_labels(x->de, labels);

		if (!i || strcmp(ents[i - 1].family, x->family) ||
		    ents[i - 1].counter != x->counter) {
			struct xfamily *f = &p->fam[p->nfam++];
			const char *help = x->fallback ?
				"DEs without a catalog or firmware name, by id and base unit." :
				x->counter ? "SCMI telemetry DE value (counter)." :
					     "SCMI telemetry DE value (gauge).";

			f->plain = p->pool.len;
			family_header(&p->pool, false, x->family, x->counter,
				      x->fallback ? NULL : x->suffix, help);
			f->plain_len = p->pool.len - f->plain;
			f->om = p->pool.len;
			family_header(&p->pool, true, x->family, x->counter,
				      x->fallback ? NULL : x->suffix, help);
			f->om_len = p->pool.len - f->om;
		}
		xs->family = p->nfam - 1;
		xs->sample = x->sample;
		xs->id = x->id;
		xs->scale = um->scale;
		xs->offset = um->offset;
		xs->de = x->de;
		{
			double lv;

			xs->limits = stlm_de_limit(x->de, STLM_LIMIT_WARN, &lv) == 0 ||
				     stlm_de_limit(x->de, STLM_LIMIT_CRIT, &lv) == 0;
		}
		by_sample[x->sample] = i;

		xs->head = p->pool.len;
		buf_printf(&p->pool, "%s%s{id=\"0x%08x\"", x->family,
			   x->counter ? "_total" : "", x->id);
		if (x->fallback) {
			buf_printf(&p->pool, ",unit=\"");
			buf_label_value(&p->pool, *um->suffix ? um->suffix :
					stlm_de_unit_name(x->de));
			buf_add(&p->pool, "\"", 1);
		} else {
			buf_printf(&p->pool, ",component=\"");
			buf_label_value(&p->pool, stlm_de_component_name(x->de));
			buf_printf(&p->pool, "\",instance=\"%u\"",
				   stlm_de_component_instance(x->de));
		}
		buf_labels(&p->pool, labels, nl, false);
		buf_add(&p->pool, "} ", 2);
		xs->head_len = p->pool.len - xs->head;

		xs->info = p->pool.len;
		buf_printf(&p->pool, "stlm_de_info{id=\"0x%08x\",name=\"", x->id);
		buf_label_value(&p->pool, stlm_de_name(x->de));
		buf_printf(&p->pool, "\",component=\"");
		buf_label_value(&p->pool, stlm_de_component_name(x->de));
		buf_printf(&p->pool, "\",instance=\"%u\",unit=\"",
			   stlm_de_component_instance(x->de));
		buf_label_value(&p->pool, *x->suffix ? x->suffix :
				stlm_de_unit_name(x->de));
		buf_printf(&p->pool, "\",kind=\"%s\"",
			   cli_kind_name(stlm_de_kind(x->de)));
		buf_labels(&p->pool, labels, nl, true);
		buf_add(&p->pool, "} 1\n", 4);
		xs->info_len = p->pool.len - xs->info;
	}
	if (p->pool.oom)
		goto out;
	for (size_t i = 0, k = 0; i < n; i++)
		if (by_sample[i] != SIZE_MAX)
			p->info_order[k++] = by_sample[i];
	p->nser = ne;
	p->s = s;
	p->gen = gen;
	p->n_samples = n;
	p->built = true;
	r = 0;
out:
	if (r < 0)
		plan_free(p);
	free(by_sample);
	free(ents);
	return r;
}

/* The plan still describes samples v[0..n) of session s at gen. */
static bool plan_fits(const struct xplan *p, struct stlm_session *s,
		      uint64_t gen, const struct stlm_sample *v, size_t n)
{
	if (!p->built || p->s != s || p->gen != gen || p->n_samples != n)
		return false;
	for (size_t i = 0; i < p->nser; i++)
		if (v[p->ser[i].sample].id != p->ser[i].id)
			return false;
	return true;
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
	plan_free(&e->plan);
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
	const struct xplan *p = &e->plan;
	size_t n = 0, valid = 0, invalid = 0, fam = SIZE_MAX;
	struct stlm_collection coll;
	struct timespec now;
	struct cli_limits lim = { 0 };
	uint64_t gen;
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
	gen = stlm_snapshot_generation(e->snap);
	if (!plan_fits(p, s, gen, v, n) && plan_build(e, s, gen, v, n) < 0) {
		b->oom = true;
		goto out;
	}
	/* room for the whole exposition at once */
	if (p->last_len + 4096 > b->cap) {
		char *q = realloc(b->p, p->last_len + 4096);

		if (!q) {
			b->oom = true;
			goto out;
		}
		b->p = q;
		b->cap = p->last_len + 4096;
	}
	memset(&e->tally, 0, sizeof(e->tally));
	for (size_t i = 0; i < p->nser; i++) {
		const struct stlm_sample *x = &v[p->ser[i].sample];

		cli_tally_add(&e->tally, x);
		if (x->flags & STLM_SAMPLE_VALID)
			valid++;
		else
			invalid++;
	}

	meta_up(b, 1);
	family_header(b, om, "stlm_generation", false, NULL,
		      "Platform configuration generation of the snapshot.");
	buf_printf(b, "stlm_generation %llu\n", (unsigned long long)gen);
	clock_gettime(CLOCK_REALTIME, &now);
	family_header(b, om, "stlm_snapshot_age_seconds", false, "seconds",
		      "Age of the snapshot when the exposition was made.");
	{
		double age = ((double)now.tv_sec * 1e9 + (double)now.tv_nsec -
			      (double)stlm_snapshot_time_ns(e->snap)) / 1e9;

		buf_printf(b, "stlm_snapshot_age_seconds %.15g\n",
			   age < 0 ? 0 : age);
	}
	family_header(b, om, "stlm_samples", false, NULL,
		      "Samples of the snapshot by state (exported DEs).");
	buf_printf(b, "stlm_samples{state=\"valid\"} %zu\n", valid);
	buf_printf(b, "stlm_samples{state=\"invalid\"} %zu\n", invalid);

	/* info: every exported DE (valid samples), in sample order */
	if (valid) {
		if (om) {
			buf_printf(b, "# HELP stlm_de DE descriptor and catalog labels.\n");
			buf_printf(b, "# TYPE stlm_de info\n");
		} else {
			family_header(b, false, "stlm_de_info", false, NULL,
				      "DE descriptor and catalog labels.");
		}
		for (size_t k = 0; k < p->nser; k++) {
			const struct xseries *xs = &p->ser[p->info_order[k]];

			if (v[xs->sample].flags & STLM_SAMPLE_VALID)
				buf_add(b, p->pool.p + xs->info, xs->info_len);
		}
	}

	/* the value series, family by family */
	for (size_t i = 0; i < p->nser; i++) {
		const struct xseries *xs = &p->ser[i];
		const struct stlm_sample *x = &v[xs->sample];
		char num[40];
		size_t nl;

		if (!(x->flags & STLM_SAMPLE_VALID))
			continue;
		if (xs->family != fam) {
			const struct xfamily *f = &p->fam[xs->family];

			fam = xs->family;
			buf_add(b, p->pool.p + (om ? f->om : f->plain),
				om ? f->om_len : f->plain_len);
		}
		buf_add(b, p->pool.p + xs->head, xs->head_len);
		nl = export_fmt_value(num, x->value * xs->scale + xs->offset);
		num[nl++] = '\n';
		buf_add(b, num, nl);
		if (xs->limits)
			cli_limits_add(&lim, xs->de, xs->scale, xs->offset,
				       b->oom ? NULL : b->p, b->len);
	}
	buf_add(b, lim.text ? lim.text : "", lim.len);
	b->oom |= lim.oom;
	free(lim.text);
	e->plan.last_len = b->len;
out:
	pthread_mutex_unlock(&e->lock);
	if (om)
		buf_printf(b, "# EOF\n");
}

/* ---------------------------------------------------------------- */
/* HTTP                                                             */

/* The exporter whose buffers sent responses give back (one per process). */
static struct exporter *spare_home;

/* A sent exposition's buffer becomes the next one's: a scrape neither
 * allocates nor faults in megabytes of fresh pages. */
static void buf_recycle(void *p)
{
	struct exporter *e = spare_home;

	if (e) {
		pthread_mutex_lock(&e->spare_lock);
		if (!e->spare) {
			e->spare = p;
			p = NULL;
		}
		pthread_mutex_unlock(&e->spare_lock);
	}
	free(p);
}

/* An empty buffer for an exposition: the spare one if there is one. */
static void buf_take_spare(struct exporter *e, struct buf *b)
{
	pthread_mutex_lock(&e->spare_lock);
	b->p = e->spare;
	e->spare = NULL;
	pthread_mutex_unlock(&e->spare_lock);
	b->cap = b->p ? malloc_usable_size(b->p) : 0;
	b->len = 0;
}

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
		buf_take_spare(e, &b);
		expose(e, &b, om);
		if (b.oom) {
			free(b.p);
			return MHD_NO;
		}
		resp = MHD_create_response_from_buffer_with_free_callback(
			b.len, b.p, buf_recycle);
		if (!resp) {
			free(b.p);
			return MHD_NO;
		}
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
	struct exporter e = { .c = c, .lock = PTHREAD_MUTEX_INITIALIZER,
			      .spare_lock = PTHREAD_MUTEX_INITIALIZER };
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
	spare_home = &e;
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
	spare_home = NULL;
	free(e.spare);
	plan_free(&e.plan);
	stlm_snapshot_free(e.snap);
	free(e.uri);
	return rc;
}
