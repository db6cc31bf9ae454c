// SPDX-License-Identifier: MIT
/*
 * Copyright (c) 2026 The stlm authors
 *
 * stlm report: loading a recording and building the series (cmd-report.c
 * has the theory of operation: steps 1 to 4).
 */
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "config.h"
#include "cli.h"
#include "record.h"
#include "report.h"
#include "report-internal.h"

/* ------------------------------------------------------------------ */
/* Small helpers                                                       */

static void *grow(void *p, size_t *cap, size_t need, size_t size)
{
	size_t n = *cap ? *cap : 16;
	void *x;

	if (need <= *cap)
		return p;
	while (n < need)
		n *= 2;
	x = realloc(p, n * size);
	if (x)
		*cap = n;
	return x;
}

/* "core 2" before "core 10": digit runs compare as numbers. */
static int natcmp(const char *a, const char *b)
{
	while (*a && *b) {
		if (*a >= '0' && *a <= '9' && *b >= '0' && *b <= '9') {
			const char *x = a, *y = b;
			size_t lx, ly;

			while (*x == '0')
				x++;
			while (*y == '0')
				y++;
			for (lx = 0; x[lx] >= '0' && x[lx] <= '9'; lx++)
				;
			for (ly = 0; y[ly] >= '0' && y[ly] <= '9'; ly++)
				;
			if (lx != ly)
				return lx < ly ? -1 : 1;
			for (size_t i = 0; i < lx; i++)
				if (x[i] != y[i])
					return x[i] < y[i] ? -1 : 1;
			a = x + lx;
			b = y + ly;
			continue;
		}
		if (*a != *b)
			return (unsigned char)*a < (unsigned char)*b ? -1 : 1;
		a++;
		b++;
	}
	return *a ? 1 : *b ? -1 : 0;
}

int series_cmp(const void *x, const void *y)
{
	const struct rpt_series *a = *(struct rpt_series *const *)x;
	const struct rpt_series *b = *(struct rpt_series *const *)y;
	int r;

	if (!a->aggregate != !b->aggregate)
		return a->aggregate ? 1 : -1;
	r = natcmp(a->name, b->name);
	return r ? r : (a->id > b->id) - (a->id < b->id);
}

/*
 * The metric key of a DE: its name with the component instance number
 * replaced by '*' ("cpu.3.temp" -> "cpu.*.temp", "cpu3_temp" ->
 * "cpu*_temp"). The name itself when no digit run equals the instance.
 */
static char *metric_key(const char *name, unsigned int instance)
{
	const char *p = name;
	char *k;

	while (*p) {
		if (*p >= '0' && *p <= '9') {
			const char *q = p;
			unsigned long v = 0;

			while (*q >= '0' && *q <= '9' && v < 1000000)
				v = v * 10 + (unsigned long)(*q++ - '0');
			while (*q >= '0' && *q <= '9')
				q++;
			if (v == instance) {
				size_t pre = (size_t)(p - name);

				k = malloc(strlen(name) + 2);
				if (!k)
					return NULL;
				memcpy(k, name, pre);
				k[pre] = '*';
				strcpy(k + pre + 1, q);
				return k;
			}
			p = q;
			continue;
		}
		p++;
	}
	return strdup(name);
}

FILE *open_out(struct cli *c, const char *path)
{
	FILE *f;

	if (!strcmp(path, "-"))
		return stdout;
	f = fopen(path, "we");
	if (!f)
		cli_err(c, "cannot create %s: %s", path, strerror(errno));
	return f;
}

int close_out(struct cli *c, FILE *f, const char *path)
{
	int bad;

	if (f == stdout)
		return fflush(f) ? -EIO : 0;
	bad = ferror(f);
	if (fclose(f) || bad) {
		cli_err(c, "cannot write %s", path);
		return -EIO;
	}
	return 0;
}

/* ------------------------------------------------------------------ */
/* Loading                                                             */

static int read_more(struct report *rp, int fd)
{
	for (;;) {
		ssize_t n;
		uint8_t *x = grow(rp->buf, &rp->cap, rp->len + 65536, 1);

		if (!x)
			return -ENOMEM;
		rp->buf = x;
		n = read(fd, rp->buf + rp->len, rp->cap - rp->len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (n == 0)
			return 0;
		rp->len += (size_t)n;
	}
}

static bool selected(const struct config *cfg, const struct rpt_view *v,
		     uint32_t id)
{
	uint32_t x;

	if (!cfg->n_des)
		return true;
	for (int i = 0; i < cfg->n_des; i++) {
		if (!cli_parse_u32(cfg->des[i], &x) && x == id)
			return true;
		if (!fnmatch(cfg->des[i], v->name, 0))
			return true;
	}
	return false;
}

static int header_ready(struct report *rp)
{
	int r = rec_header_decode(rp->buf, rp->len, &rp->h, &rp->hlen);

	if (r == -ENODATA)
		return 0;
	if (r < 0) {
		if (rp->len >= 8 && !memcmp(rp->buf, REC_FILE_MAGIC, 8))
			cli_err(rp->c, "%s: the header is corrupt or unsupported: %s",
				rp->cfg->file, strerror(-r));
		else
			cli_err(rp->c, "%s: not an stlm recording", rp->cfg->file);
		return r;
	}
	rp->have_header = true;
	/* Without --catalog: the recording's own, for state names. */
	r = rpt_catalog_load(rp->c, rp->cfg->catalog, &rp->h, &rp->cat);
	if (r < 0)
		return r;
	rp->de_raw = malloc(((size_t)rp->h.n_des + 1) * sizeof(int));
	if (!rp->de_raw)
		return -ENOMEM;
	for (uint32_t i = 0; i < rp->h.n_des; i++)
		rp->de_raw[i] = -2;
	rec_reader_init(&rp->rd, rp->buf, rp->len, rp->hlen);
	return 1;
}

static struct raw *raw_for(struct report *rp, uint32_t id)
{
	const struct rec_de *d = rec_header_find(&rp->h, id);
	size_t i;
	struct raw *x;

	if (!d) {
		rp->unknown_ids++;
		return NULL;
	}
	i = (size_t)(d - rp->h.des);
	if (rp->de_raw[i] == -2) {
		struct rpt_view v;

		rpt_view_of(rp->cat, &rp->h, id, &v);
		rp->de_raw[i] = -1;
		if (!selected(rp->cfg, &v, id))
			return NULL;
		x = grow(rp->raws, &rp->cap_raws, rp->n_raws + 1, sizeof(*x));
		if (!x)
			return NULL;
		rp->raws = x;
		memset(&x[rp->n_raws], 0, sizeof(*x));
		x[rp->n_raws].id = id;
		x[rp->n_raws].view = v;
		if (v.name == v.idbuf)
			x[rp->n_raws].view.name = NULL; /* re-pointed later */
		x[rp->n_raws].all_plat = true;
		rp->de_raw[i] = (int)rp->n_raws++;
	}
	if (rp->de_raw[i] < 0)
		return NULL;
	return &rp->raws[rp->de_raw[i]];
}

static int add_record(struct report *rp, const struct rec_record *rec)
{
	size_t ri = rp->n_recs;
	double *x = grow(rp->rec_host_us, &rp->cap_recs, ri + 1, sizeof(*x));

	if (!x)
		return -ENOMEM;
	rp->rec_host_us = x;
	x[ri] = (double)rec->mono_ns / 1000.0;
	rp->n_recs++;
	for (uint32_t i = 0; i < rec->n_samples; i++) {
		struct stlm_sample sm = { 0 };
		struct rec_sample s;
		struct raw *w;
		double v;

		rec_sample_get(rec, i, &s);
		w = raw_for(rp, s.id);
		if (!w)
			continue;
		sm.flags = s.flags;
		v = rpt_view_value(&w->view, &s);
		if (cli_sample_problem(&sm) || !isfinite(v)) {
			w->invalid++;
			continue;
		}
		if (w->n + 1 > w->cap) {
			size_t nc = w->cap ? w->cap * 2 : 64;
			double *nv = realloc(w->v, nc * sizeof(double));

			if (!nv)
				return -ENOMEM;
			w->v = nv;
			nv = realloc(w->plat_us, nc * sizeof(double));
			if (!nv)
				return -ENOMEM;
			w->plat_us = nv;
			uint32_t *nr = realloc(w->rec, nc * sizeof(uint32_t));

			if (!nr)
				return -ENOMEM;
			w->rec = nr;
			w->cap = nc;
		}
		w->v[w->n] = v;
		if ((s.flags & STLM_SAMPLE_TIMESTAMP) && s.ts_rate_khz) {
			w->plat_us[w->n] = (double)s.ts * 1000.0 /
					   (double)s.ts_rate_khz;
		} else {
			w->plat_us[w->n] = NAN;
			w->all_plat = false;
		}
		w->rec[w->n] = (uint32_t)ri;
		w->n++;
	}
	return 0;
}

/* Unknown-type records between @from and @to: the workload events. */
static void scan_events(struct report *rp, size_t from, size_t to)
{
	while (from + REC_PREFIX_SIZE <= to) {
		const uint8_t *p = rp->buf + from;
		uint32_t body = (uint32_t)p[8] | (uint32_t)p[9] << 8 |
				(uint32_t)p[10] << 16 | (uint32_t)p[11] << 24;
		struct rec_event e;

		if (!rec_event_decode(p, to - from, &e)) {
			if (e.kind == REC_EVENT_WORKLOAD_START && !rp->wl_start) {
				rp->wl_start = true;
				rp->wl_start_host_us = (double)e.mono_ns / 1000.0;
				free(rp->wl_cmd);
				rp->wl_cmd = strndup(e.text, e.text_len);
			} else if (e.kind == REC_EVENT_WORKLOAD_END) {
				rp->wl_end = true;
				rp->wl_end_host_us = (double)e.mono_ns / 1000.0;
				rp->wl_status = e.status;
			}
		}
		if (body > to - from - REC_PREFIX_SIZE)
			break;
		from += REC_PREFIX_SIZE + body;
	}
}

/* Walk the records read so far. With @follow a torn tail is left for
 * the next round; else it is reported once as an incomplete last record. */
/* A progress line over the bytes of the file (large recordings). */
static struct cli_progress load_prog;

static int walk(struct report *rp, bool follow)
{
	struct rec_record rec;
	struct rec_skip sk;
	int k, r;

	rp->rd.buf = rp->buf;
	rp->rd.len = rp->len;
	for (;;) {
		size_t before = rp->rd.off;
		uint64_t unk = rp->rd.unknown;

		k = rec_next(&rp->rd, &rec, &sk);
		if (k == REC_NEXT_END) {
			if (rp->rd.unknown != unk)
				scan_events(rp, before, rp->rd.off);
			return 0;
		}
		if (k == REC_NEXT_RECORD) {
			if (rp->rd.unknown != unk)
				scan_events(rp, before, rec.offset);
			r = add_record(rp, &rec);
			if (r < 0)
				return r;
			cli_progress_update(&load_prog, rp->rd.off);
			continue;
		}
		if (rp->rd.unknown != unk)
			scan_events(rp, before, sk.offset);
		if (k == REC_NEXT_TORN) {
			if (follow) {
				rp->rd.off = sk.offset;
				rp->rd.torn--;
				return 0;
			}
			rp->torn_tail = true;
			rp->torn_offset = sk.offset;
			return 0;
		}
		rp->corrupt++;
		if (!rp->c->quiet)
			fprintf(stderr, "stlm: %s: warning: corrupt record at byte offset %llu (%s); skipped %llu bytes\n",
				rp->cfg->file, (unsigned long long)sk.offset,
				sk.why, (unsigned long long)sk.length);
	}
}

static bool writer_active(int fd)
{
	if (flock(fd, LOCK_SH | LOCK_NB) < 0)
		return errno == EWOULDBLOCK;
	flock(fd, LOCK_UN);
	return false;
}

int load(struct report *rp)
{
	const struct config *cfg = rp->cfg;
	int fd, r = 0;
	struct stat st;

	fd = open(cfg->file, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		cli_err(rp->c, "cannot open %s: %s", cfg->file, strerror(errno));
		return -errno;
	}
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		cli_err(rp->c, "%s: not a regular file", cfg->file);
		close(fd);
		return -EINVAL;
	}
	if (cfg->follow)
		cli_catch_stop();
	cli_progress_begin(&load_prog, cfg->follow ? NULL : rp->c, "report",
			   (uint64_t)st.st_size);
	load_prog.bytes = true;
	for (;;) {
		bool active = cfg->follow && writer_active(fd);

		r = read_more(rp, fd);
		if (r < 0) {
			cli_err(rp->c, "cannot read %s: %s", cfg->file,
				strerror(-r));
			break;
		}
		if (!rp->have_header) {
			r = header_ready(rp);
			if (r < 0)
				break;
		}
		if (rp->have_header) {
			r = walk(rp, active && !cli_stop);
			if (r < 0) {
				cli_err(rp->c, "out of memory");
				break;
			}
		}
		if (!active || cli_stop)
			break;
		usleep(50000);
	}
	close(fd);
	cli_progress_end(&load_prog);
	if (r < 0)
		return r;
	if (!rp->have_header) {
		cli_err(rp->c, rp->len ? "%s: the header is incomplete (%zu bytes)" :
					 "%s: empty file%.0zu",
			cfg->file, rp->len);
		return -ENODATA;
	}
	if (rp->torn_tail && !rp->c->quiet)
		fprintf(stderr, "stlm: %s: the last record (byte offset %llu) is incomplete "
				"(still being written?); reporting the %zu complete records\n",
			cfg->file, (unsigned long long)rp->torn_offset,
			rp->n_recs);
	return 0;
}

/* ------------------------------------------------------------------ */
/* Series                                                              */

static struct rpt_series *series_new(const char *name, const char *unit,
				     const char *desc, const char *key)
{
	struct rpt_series *s = calloc(1, sizeof(*s));

	if (!s)
		return NULL;
	s->name = strdup(name);
	s->unit = strdup(unit ? unit : "");
	s->description = strdup(desc ? desc : "");
	s->key = strdup(key ? key : name);
	if (!s->name || !s->unit || !s->description || !s->key) {
		free(s->name);
		free(s->unit);
		free(s->description);
		free(s->key);
		free(s);
		return NULL;
	}
	return s;
}

void series_free(struct rpt_series *s)
{
	if (!s)
		return;
	free(s->name);
	free(s->unit);
	free(s->description);
	free(s->key);
	free(s->key_description);
	free(s->t_us);
	free(s->v);
	free(s->rec);
	free(s);
}

static int series_push(struct rpt_series *s, double t, double v, uint32_t rec)
{
	if (s->n + 1 > s->cap) {
		size_t nc = s->cap ? s->cap * 2 : 64;
		double *a = realloc(s->t_us, nc * sizeof(double));

		if (!a)
			return -ENOMEM;
		s->t_us = a;
		a = realloc(s->v, nc * sizeof(double));
		if (!a)
			return -ENOMEM;
		s->v = a;
		uint32_t *b = realloc(s->rec, nc * sizeof(uint32_t));

		if (!b)
			return -ENOMEM;
		s->rec = b;
		s->cap = nc;
	}
	s->t_us[s->n] = t;
	s->v[s->n] = v;
	s->rec[s->n] = rec;
	s->n++;
	return 0;
}

/* A counter is shown as its rate: "J" -> "J/s", no unit -> "1/s". */
static int counter_rate_unit(struct rpt_series *s)
{
	size_t n = strlen(s->unit);
	char *u = malloc(n + 3);

	if (!u)
		return -ENOMEM;
	snprintf(u, n + 3, "%s/s", n ? s->unit : "1");
	free(s->unit);
	s->unit = u;
	s->rate = true;
	return 0;
}

static int add_series(struct report *rp, struct rpt_series *s)
{
	struct rpt_series **x;

	if (!s)
		return -ENOMEM;
	x = realloc(rp->series, (rp->n_series + 1) * sizeof(*x));
	if (!x) {
		series_free(s);
		return -ENOMEM;
	}
	rp->series = x;
	x[rp->n_series++] = s;
	return 0;
}

int build_series(struct report *rp)
{
	enum clock_sel ck = rp->cfg->clock;
	bool all_plat = false;
	int r;

	/* Platform timestamps when there are samples and all have one. */
	for (size_t i = 0; i < rp->n_raws; i++)
		if (rp->raws[i].n)
			all_plat = true;
	for (size_t i = 0; i < rp->n_raws; i++)
		if (rp->raws[i].n && !rp->raws[i].all_plat)
			all_plat = false;
	if (ck == CLOCK_PLATFORM && !all_plat) {
		cli_err(rp->c, "--clock platform: some samples have no platform timestamp (use --clock host)");
		return -EINVAL;
	}
	rp->plat_clock = ck == CLOCK_PLATFORM || (ck == CLOCK_AUTO && all_plat);

	/* The time of each record in the chosen clock. */
	rp->rec_t_us = malloc((rp->n_recs + 1) * sizeof(double));
	if (!rp->rec_t_us)
		return -ENOMEM;
	for (size_t i = 0; i < rp->n_recs; i++)
		rp->rec_t_us[i] = rp->plat_clock ? NAN : rp->rec_host_us[i];
	if (rp->plat_clock)
		for (size_t i = 0; i < rp->n_raws; i++)
			for (size_t j = 0; j < rp->raws[i].n; j++) {
				struct raw *w = &rp->raws[i];
				double *t = &rp->rec_t_us[w->rec[j]];

				if (isnan(*t) || w->plat_us[j] > *t)
					*t = w->plat_us[j];
			}

	for (size_t i = 0; i < rp->n_raws; i++) {
		struct raw *w = &rp->raws[i];
		const struct rec_de *d = rec_header_find(&rp->h, w->id);
		struct rpt_series *s;
		char *key;

		if (!w->view.name) {
			snprintf(w->view.idbuf, sizeof(w->view.idbuf), "0x%08x",
				 w->id);
			w->view.name = w->view.idbuf;
		}
		key = metric_key(w->view.name, d ? d->compo_instance : 0);
		s = key ? series_new(w->view.name, w->view.unit,
				     w->view.description, key) : NULL;
		free(key);
		r = add_series(rp, s);
		if (r < 0)
			return r;
		/* "CPU 3 temperature" -> "CPU * temperature" for the metric. */
		s->key_description = metric_key(s->description,
						d ? d->compo_instance : 0);
		if (!s->key_description)
			return -ENOMEM;
		s->id = w->id;
		s->invalid = w->invalid;
		s->kind = w->view.kind;
		if (s->kind == STLM_KIND_COUNTER) {
			r = counter_rate_unit(s);
			if (r < 0)
				return r;
		}
		double pt = NAN, pv = NAN;

		for (size_t j = 0; j < w->n; j++) {
			double t = rp->plat_clock ? w->plat_us[j] :
						    rp->rec_host_us[w->rec[j]];

			if (rp->plat_clock && !isnan(pt) && !(t > pt)) {
				s->repeated++;
				continue;
			}
			if (s->rate) {
				/* The rate from consecutive samples; a value
				 * that fell is a wrap or a reset: a gap. */
				double dv = w->v[j] - pv, dt = (t - pt) / 1e6;

				r = 0;
				if (!isnan(pt) && dv < 0)
					s->gaps++;
				else if (!isnan(pt) && dt > 0)
					r = series_push(s, t, dv / dt, w->rec[j]);
				pt = t;
				pv = w->v[j];
			} else {
				r = series_push(s, t, w->v[j], w->rec[j]);
				pt = t;
			}
			if (r < 0)
				return r;
		}
	}
	return 0;
}

static int aggregate(struct report *rp, enum agg_fn fn, const char *key,
		     struct rpt_series **members, size_t n)
{
	struct rpt_series *s;
	size_t *cur;
	int r = 0;
	char name[512];

	snprintf(name, sizeof(name), "%s(%s)", agg_names[fn], key);
	s = series_new(name, members[0]->unit, "", key);
	r = add_series(rp, s);
	if (r < 0)
		return r;
	s->aggregate = agg_names[fn];
	s->n_members = (unsigned int)n;
	s->kind = members[0]->kind;
	s->rate = members[0]->rate;
	cur = calloc(n, sizeof(*cur));
	if (!cur)
		return -ENOMEM;
	for (size_t ri = 0; ri < rp->n_recs && r >= 0; ri++) {
		double acc = 0;
		size_t k = 0;

		for (size_t m = 0; m < n; m++) {
			struct rpt_series *x = members[m];
			double v;

			while (cur[m] < x->n && x->rec[cur[m]] < ri)
				cur[m]++;
			if (cur[m] >= x->n || x->rec[cur[m]] != ri)
				continue;
			v = x->v[cur[m]];
			if (!k)
				acc = v;
			else if (fn == AGG_MAX)
				acc = v > acc ? v : acc;
			else if (fn == AGG_MIN)
				acc = v < acc ? v : acc;
			else
				acc += v;
			k++;
		}
		if (!k) {
			s->invalid++;
			continue;
		}
		if (fn == AGG_MEAN)
			acc /= (double)k;
		r = series_push(s, rp->rec_t_us[ri], acc, (uint32_t)ri);
	}
	free(cur);
	return r;
}

int build_aggregates(struct report *rp)
{
	size_t n_de = rp->n_series;
	struct rpt_series **m;
	int r = 0;

	m = calloc(n_de + 1, sizeof(*m));
	if (!m)
		return -ENOMEM;
	for (int a = 0; a < rp->cfg->n_aggs && r >= 0; a++) {
		const struct agg_spec *sp = &rp->cfg->aggs[a];
		size_t k = 0;

		if (sp->glob) {
			for (size_t i = 0; i < n_de; i++)
				if (!fnmatch(sp->glob, rp->series[i]->name, 0))
					m[k++] = rp->series[i];
			if (!k) {
				cli_err(rp->c, "--aggregate %s:%s: no DE matches",
					agg_names[sp->fn], sp->glob);
				r = -ENOENT;
				break;
			}
			for (size_t i = 1; i < k; i++)
				if (strcmp(m[i]->unit, m[0]->unit)) {
					cli_err(rp->c, "--aggregate %s:%s: the DEs have different units (%s, %s)",
						agg_names[sp->fn], sp->glob,
						m[0]->unit, m[i]->unit);
					r = -EINVAL;
					break;
				}
			if (r >= 0)
				r = aggregate(rp, sp->fn, sp->glob, m, k);
			continue;
		}
		/* Automatic: groups of >= 2 DEs with one key, component
		 * type and unit. */
		for (size_t i = 0; i < n_de && r >= 0; i++) {
			struct rpt_series *s = rp->series[i];
			const struct rec_de *d = rec_header_find(&rp->h, s->id);
			bool seen = false;

			if (!strcmp(s->key, s->name))
				continue;
			for (size_t j = 0; j < i && !seen; j++) {
				const struct rec_de *e =
					rec_header_find(&rp->h, rp->series[j]->id);

				seen = !strcmp(rp->series[j]->key, s->key) &&
				       !strcmp(rp->series[j]->unit, s->unit) &&
				       (!d || !e || d->compo_type == e->compo_type);
			}
			if (seen)
				continue;
			k = 0;
			for (size_t j = i; j < n_de; j++) {
				const struct rec_de *e =
					rec_header_find(&rp->h, rp->series[j]->id);

				if (!strcmp(rp->series[j]->key, s->key) &&
				    !strcmp(rp->series[j]->unit, s->unit) &&
				    (!d || !e || d->compo_type == e->compo_type))
					m[k++] = rp->series[j];
			}
			if (k >= 2)
				r = aggregate(rp, sp->fn, s->key, m, k);
		}
	}
	free(m);
	return r;
}
