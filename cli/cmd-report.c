// SPDX-License-Identifier: MIT
/*
 * Copyright (c) 2026 The stlm authors
 *
 * stlm report: statistics, interval data, plots and a Perfetto trace from
 * a recording (docs/record-format.md), without any platform.
 *
 * Theory of operation:
 *
 *  1. Load. The file is read into memory (not mapped: it may still be
 *     growing) and walked with the record reader. A torn tail is the
 *     record being written: the reader stops at the last complete record.
 *     With --follow the file is read again as it grows, from the last
 *     complete record, until the recorder's exclusive flock() on it is
 *     gone (the writer stopped) or SIGINT. Workload event records
 *     (report.h) are picked out of the records the reader skips.
 *  2. Collect. Each selected DE (id or name glob; default: every DE that
 *     has samples) keeps its valid samples: value as recorded (or
 *     recomputed by --catalog, as stlm replay does), the record's host
 *     CLOCK_MONOTONIC time and the platform timestamp when the sample has
 *     one. Samples that are not valid (disabled, torn, invalid, no data)
 *     or not a number are excluded and counted.
 *  3. Clock. --clock auto (default) uses platform timestamps when every
 *     kept sample has one, else the host clock of the records; the choice
 *     is printed. With platform timestamps a sample whose timestamp did
 *     not move since the DE's previous one is the same sample read again:
 *     it is dropped and counted as repeated.
 *  4. Aggregates (--aggregate): per record, the max / min / mean / sum of
 *     the members' kept values in that record, at the record's time (the
 *     latest member timestamp with the platform clock). Automatic groups
 *     are DEs of one component type and unit whose names differ only in
 *     the component instance number ("cpu.*.temp"); an explicit group is
 *     FUNC:GLOB over the selected DEs' names.
 *  5. Statistics per series: count, min, max, mean, time-weighted mean
 *     (each value held until the next sample: sum v[i] * (t[i+1] - t[i])
 *     over t[n-1] - t[0]; the mean when the span is 0), first and last
 *     timestamp, and a histogram of --bins equal bins over [min, max] (the
 *     last bin closed).
 *  6. Output: a table (default), --json, the ATX-style summary CSV, the
 *     interval CSV (long and wide), SVG / PNG plots and a Chrome
 *     trace-event JSON for Perfetto; any number of them in one run.
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

#define DEFAULT_BINS 10
#define MAX_BINS 1000
#define MAX_AGGS 64

static const char help_text[] =
	"Summarise a recording: per DE (and aggregate) count, min, max, mean,\n"
	"time-weighted mean, first / last timestamp and a histogram; interval\n"
	"data as CSV; SVG / PNG plots; a Perfetto (Chrome JSON) trace. DEs are\n"
	"ids or name globs (default: every DE with samples). Works on a file\n"
	"that is still being written (up to its last complete record).\n"
	"\n"
	"Options:\n"
	"      --catalog PATH        apply a catalog (file or directory), as\n"
	"                            stlm replay does\n"
	"      --clock WHICH         auto (default), platform or host\n"
	"      --bins N              histogram bins (default 10)\n"
	"  -a, --aggregate SPEC      max, min, mean or sum over the instances of\n"
	"                            each component (cpu.*.temp), or FUNC:GLOB\n"
	"                            ('max:cpu.*.temp'); repeatable\n"
	"      --follow              keep reading while the recorder writes;\n"
	"                            report when it stops (or on SIGINT)\n"
	"      --csv                 the summary CSV on stdout instead of the table\n"
	"      --summary-csv FILE    the summary CSV (ATX style) to FILE\n"
	"      --interval-csv FILE   timestamp_us,value sections per series\n"
	"      --wide-csv FILE       one row per record, one column per series\n"
	"      --svg FILE            plot: one panel per unit\n"
	"      --svg-dir DIR         plot: one SVG file per series\n"
	"      --png FILE            plot through gnuplot (when installed)\n"
	"      --perfetto FILE       Chrome trace-event JSON (ui.perfetto.dev)\n"
	"      --histogram           print the histograms after the table\n"
	"\n"
	"FILE arguments may be '-' for stdout. See docs/report.md.\n";

enum {
	OPT_CATALOG = 0x2101,
	OPT_CLOCK,
	OPT_BINS,
	OPT_FOLLOW,
	OPT_SUMMARY,
	OPT_INTERVAL,
	OPT_WIDE,
	OPT_SVG,
	OPT_SVG_DIR,
	OPT_PNG,
	OPT_PERFETTO,
	OPT_HIST,
};

enum clock_sel { CLOCK_AUTO, CLOCK_PLATFORM, CLOCK_HOST };
enum agg_fn { AGG_MAX, AGG_MIN, AGG_MEAN, AGG_SUM };
static const char *const agg_names[] = { "max", "min", "mean", "sum" };

struct agg_spec {
	enum agg_fn fn;
	const char *glob;	/* NULL: automatic groups */
};

struct config {
	const char *file;
	char **des;
	int n_des;
	const char *catalog;
	enum clock_sel clock;
	unsigned int bins;
	bool follow;
	bool hist;
	const char *summary;
	const char *interval;
	const char *wide;
	const char *svg;
	const char *svg_dir;
	const char *png;
	const char *perfetto;
	struct agg_spec aggs[MAX_AGGS];
	int n_aggs;
	int argc;
	char **argv;
};

/* A selected DE while loading: its kept samples. */
struct raw {
	uint32_t id;
	struct rpt_view view;
	double *v;
	double *plat_us;	/* NaN: no platform timestamp */
	uint32_t *rec;
	size_t n, cap;
	uint64_t invalid;
	bool all_plat;
};

struct report {
	struct cli *c;
	const struct config *cfg;
	uint8_t *buf;
	size_t len, cap;
	struct rec_header h;
	size_t hlen;
	bool have_header;
	struct rec_reader rd;
	struct rpt_catalog *cat;
	int *de_raw;		/* per header DE: index in raws, -1 unselected,
				   -2 not decided yet */
	struct raw *raws;
	size_t n_raws, cap_raws;
	double *rec_host_us;	/* per record */
	size_t n_recs, cap_recs;
	uint64_t corrupt, unknown_ids;
	bool torn_tail;
	uint64_t torn_offset;
	bool plat_clock;
	/* workload */
	char *wl_cmd;
	bool wl_start, wl_end;
	double wl_start_host_us, wl_end_host_us;
	int wl_status;
	/* results */
	double *rec_t_us;	/* per record, in the chosen clock */
	struct rpt_series **series;
	size_t n_series;
};

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

static int series_cmp(const void *x, const void *y)
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

static FILE *open_out(struct cli *c, const char *path)
{
	FILE *f;

	if (!strcmp(path, "-"))
		return stdout;
	f = fopen(path, "we");
	if (!f)
		cli_err(c, "cannot create %s: %s", path, strerror(errno));
	return f;
}

static int close_out(struct cli *c, FILE *f, const char *path)
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
	if (rp->cfg->catalog) {
		r = rpt_catalog_load(rp->c, rp->cfg->catalog, &rp->h, &rp->cat);
		if (r < 0)
			return r;
	}
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

static int load(struct report *rp)
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

static void series_free(struct rpt_series *s)
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

static int build_series(struct report *rp)
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
		for (size_t j = 0; j < w->n; j++) {
			double t = rp->plat_clock ? w->plat_us[j] :
						    rp->rec_host_us[w->rec[j]];

			if (rp->plat_clock && s->n && !(t > s->t_us[s->n - 1])) {
				s->repeated++;
				continue;
			}
			r = series_push(s, t, w->v[j], w->rec[j]);
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

static int build_aggregates(struct report *rp)
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

/* ------------------------------------------------------------------ */
/* Statistics                                                          */

struct stats {
	double min, max, mean, twa, first, last;
	unsigned int bins;
	uint64_t *hist;
};

static int compute(const struct rpt_series *s, unsigned int bins,
		   struct stats *st)
{
	double sum = 0, wsum = 0, span;

	memset(st, 0, sizeof(*st));
	st->bins = bins;
	st->hist = calloc(bins, sizeof(uint64_t));
	if (!st->hist)
		return -ENOMEM;
	if (!s->n) {
		st->min = st->max = st->mean = st->twa = NAN;
		st->first = st->last = NAN;
		return 0;
	}
	st->min = st->max = s->v[0];
	for (size_t i = 0; i < s->n; i++) {
		sum += s->v[i];
		if (s->v[i] < st->min)
			st->min = s->v[i];
		if (s->v[i] > st->max)
			st->max = s->v[i];
		if (i + 1 < s->n)
			wsum += s->v[i] * (s->t_us[i + 1] - s->t_us[i]);
	}
	st->mean = sum / (double)s->n;
	span = s->t_us[s->n - 1] - s->t_us[0];
	st->twa = span > 0 ? wsum / span : st->mean;
	st->first = s->t_us[0];
	st->last = s->t_us[s->n - 1];
	for (size_t i = 0; i < s->n; i++) {
		size_t b = 0;

		if (st->max > st->min) {
			double x = (s->v[i] - st->min) / (st->max - st->min) *
				   (double)bins;

			b = x >= (double)bins ? bins - 1 : (size_t)x;
		}
		st->hist[b]++;
	}
	return 0;
}

static double bin_lo(const struct stats *st, unsigned int b)
{
	if (!(st->max > st->min))
		return st->min;
	return st->min + (st->max - st->min) * (double)b / (double)st->bins;
}

static double bin_hi(const struct stats *st, unsigned int b)
{
	if (!(st->max > st->min))
		return st->max;
	return b + 1 == st->bins ? st->max :
				   st->min + (st->max - st->min) *
						     (double)(b + 1) / (double)st->bins;
}

/* ------------------------------------------------------------------ */
/* Output                                                              */

static const char *clock_name(const struct report *rp)
{
	return rp->plat_clock ? "platform" : "host";
}

static void uuid_text(const uint8_t *u, char *buf, size_t len)
{
	snprintf(buf, len,
		 "%02X%02X%02X%02X-%02X%02X-%02X%02X-%02X%02X-%02X%02X%02X%02X%02X%02X",
		 u[0], u[1], u[2], u[3], u[4], u[5], u[6], u[7], u[8], u[9],
		 u[10], u[11], u[12], u[13], u[14], u[15]);
}

static void fmt2(char *buf, size_t len, double v)
{
	if (isnan(v))
		snprintf(buf, len, "-");
	else
		snprintf(buf, len, "%.2f", v);
}

static char *command_line(const struct config *cfg)
{
	size_t len = 16;
	char *s;

	for (int i = 0; i < cfg->argc; i++)
		len += strlen(cfg->argv[i]) + 1;
	s = malloc(len);
	if (!s)
		return NULL;
	strcpy(s, "stlm");
	for (int i = 0; i < cfg->argc; i++) {
		strcat(s, " ");
		strcat(s, cfg->argv[i]);
	}
	return s;
}

static void write_summary_csv(struct report *rp, FILE *f)
{
	char date[64], uuid[40];
	struct utsname un;
	time_t now = time(NULL);
	struct tm tm;
	char *cmd = command_line(rp->cfg);
	size_t i = 0;

	gmtime_r(&now, &tm);
	strftime(date, sizeof(date), "%Y-%m-%dT%H:%M:%SZ", &tm);
	memset(&un, 0, sizeof(un));
	uname(&un);
	uuid_text(rp->h.uuid, uuid, sizeof(uuid));
	fprintf(f, "Tool,stlm %s\nDate,%s\nCommand line,", STLM_VERSION, date);
	cli_csv_str(f, cmd ? cmd : "stlm report");
	fprintf(f, "\nRecording,");
	cli_csv_str(f, rp->cfg->file);
	fprintf(f, "\nRecorded by,");
	cli_csv_str(f, rp->h.tool);
	fprintf(f, "\nPlatform vendor,");
	cli_csv_str(f, rp->h.vendor);
	fprintf(f, "\nPlatform,");
	cli_csv_str(f, rp->h.sub_vendor);
	fprintf(f, "\nPlatform UUID,%s\nPlatform URI,", uuid);
	cli_csv_str(f, rp->h.uri);
	fprintf(f, "\nCatalog,");
	cli_csv_str(f, rpt_catalog_name(rp->cat) ? rpt_catalog_name(rp->cat) :
		   rp->h.catalog);
	fprintf(f, "\nOS,");
	cli_csv_str(f, un.sysname);
	fprintf(f, "\nKernel,");
	cli_csv_str(f, un.release);
	fprintf(f, "\nHost,");
	cli_csv_str(f, rp->h.host);
	fprintf(f, "\nArchitecture,");
	cli_csv_str(f, un.machine);
	fprintf(f, "\nClock,%s\nRecords,%zu\n", clock_name(rp), rp->n_recs);
	if (rp->wl_cmd) {
		fprintf(f, "Workload,");
		cli_csv_str(f, rp->wl_cmd);
		fputc('\n', f);
		if (rp->wl_end)
			fprintf(f, "Workload exit status,%s%d\n",
				rp->wl_status < 0 ? "signal " : "",
				rp->wl_status < 0 ? -rp->wl_status : rp->wl_status);
	}
	free(cmd);

	/* Sections by metric key, in natural order of the key. */
	while (i < rp->n_series) {
		const char *key = rp->series[i]->key;
		size_t j;
		bool done = false;

		/* Already printed with an earlier series of this key? */
		for (j = 0; j < i && !done; j++)
			done = !strcmp(rp->series[j]->key, key);
		if (done) {
			i++;
			continue;
		}
		fprintf(f, "\nMetric: ");
		{
			const struct rpt_series *s0 = rp->series[i];
			char head[1024];

			snprintf(head, sizeof(head), "%s - %s (%s)", key,
				 s0->key_description ? s0->key_description :
						       s0->description,
				 s0->unit);
			cli_csv_str(f, head);
		}
		fprintf(f, "\nSummary Statistics\nTarget,Min,Max,Average,Time Weighted Average,Count\n");
		for (j = i; j < rp->n_series; j++) {
			struct rpt_series *s = rp->series[j];
			struct stats st;
			char a[32], b[32], m[32], t[32];

			if (strcmp(s->key, key) || compute(s, rp->cfg->bins, &st) < 0)
				continue;
			fmt2(a, sizeof(a), st.min);
			fmt2(b, sizeof(b), st.max);
			fmt2(m, sizeof(m), st.mean);
			fmt2(t, sizeof(t), st.twa);
			cli_csv_str(f, s->name);
			fprintf(f, ",%s,%s,%s,%s,%zu\n", a, b, m, t, s->n);
			free(st.hist);
		}
		fprintf(f, "\nHistogram Summary\nTarget,Bin,Lower,Upper,Count\n");
		for (j = i; j < rp->n_series; j++) {
			struct rpt_series *s = rp->series[j];
			struct stats st;

			if (strcmp(s->key, key) || !s->n ||
			    compute(s, rp->cfg->bins, &st) < 0)
				continue;
			for (unsigned int b = 0; b < st.bins; b++) {
				cli_csv_str(f, s->name);
				fprintf(f, ",%u,%.2f,%.2f,%llu\n", b,
					bin_lo(&st, b), bin_hi(&st, b),
					(unsigned long long)st.hist[b]);
			}
			free(st.hist);
		}
		i++;
	}
}

static void write_interval_csv(struct report *rp, FILE *f)
{
	for (size_t i = 0; i < rp->n_series; i++) {
		struct rpt_series *s = rp->series[i];
		char head[1024];

		if (i)
			fputc('\n', f);
		snprintf(head, sizeof(head), "%s on %s", s->key, s->name);
		cli_csv_str(f, head);
		fputs("\ntimestamp_us,value\n", f);
		for (size_t j = 0; j < s->n; j++)
			fprintf(f, "%.0f,%.17g\n", s->t_us[j], s->v[j]);
	}
}

static void write_wide_csv(struct report *rp, FILE *f)
{
	size_t *cur = calloc(rp->n_series + 1, sizeof(*cur));

	if (!cur)
		return;
	fputs("timestamp_us", f);
	for (size_t i = 0; i < rp->n_series; i++) {
		char head[600];

		snprintf(head, sizeof(head), "%s%s%s%s", rp->series[i]->name,
			 rp->series[i]->unit[0] ? " (" : "",
			 rp->series[i]->unit,
			 rp->series[i]->unit[0] ? ")" : "");
		fputc(',', f);
		cli_csv_str(f, head);
	}
	fputc('\n', f);
	for (size_t ri = 0; ri < rp->n_recs; ri++) {
		if (isnan(rp->rec_t_us[ri]))
			continue;
		fprintf(f, "%.0f", rp->rec_t_us[ri]);
		for (size_t i = 0; i < rp->n_series; i++) {
			struct rpt_series *s = rp->series[i];

			while (cur[i] < s->n && s->rec[cur[i]] < ri)
				cur[i]++;
			if (cur[i] < s->n && s->rec[cur[i]] == ri)
				fprintf(f, ",%.17g", s->v[cur[i]]);
			else
				fputc(',', f);
		}
		fputc('\n', f);
	}
	free(cur);
}

static void json_series(struct report *rp, struct jw *w,
			const struct rpt_series *s)
{
	struct stats st;

	jw_object_begin(w);
	jw_kv_string(w, "name", s->name);
	jw_kv_string(w, "metric", s->key);
	if (s->aggregate) {
		jw_kv_string(w, "id", NULL);
		jw_kv_string(w, "aggregate", s->aggregate);
		jw_kv_uint(w, "members", s->n_members);
	} else {
		char id[16];

		snprintf(id, sizeof(id), "0x%08x", s->id);
		jw_kv_string(w, "id", id);
		jw_kv_string(w, "aggregate", NULL);
	}
	jw_kv_string(w, "unit", s->unit);
	jw_kv_string(w, "description", s->description);
	jw_kv_uint(w, "count", s->n);
	jw_kv_uint(w, "invalid", s->invalid);
	jw_kv_uint(w, "repeated", s->repeated);
	if (compute(s, rp->cfg->bins, &st) < 0) {
		jw_object_end(w);
		return;
	}
	jw_kv_double(w, "min", st.min);
	jw_kv_double(w, "max", st.max);
	jw_kv_double(w, "mean", st.mean);
	jw_kv_double(w, "time_weighted_mean", st.twa);
	jw_kv_double(w, "first_us", st.first);
	jw_kv_double(w, "last_us", st.last);
	jw_key(w, "histogram");
	jw_object_begin(w);
	jw_kv_uint(w, "bins", st.bins);
	jw_kv_double(w, "lo", st.min);
	jw_kv_double(w, "hi", st.max);
	jw_key(w, "counts");
	jw_array_begin(w);
	for (unsigned int b = 0; b < st.bins; b++)
		jw_uint(w, s->n ? st.hist[b] : 0);
	jw_array_end(w);
	jw_object_end(w);
	jw_object_end(w);
	free(st.hist);
}

static void print_json(struct report *rp)
{
	struct cli *c = rp->c;
	char uuid[40];
	struct jw w;

	uuid_text(rp->h.uuid, uuid, sizeof(uuid));
	cli_doc_begin(c, &w);
	jw_kv_string(&w, "file", rp->cfg->file);
	jw_kv_string(&w, "recorded_by", rp->h.tool);
	jw_kv_string(&w, "host", rp->h.host);
	jw_key(&w, "platform");
	jw_object_begin(&w);
	jw_kv_string(&w, "vendor", rp->h.vendor);
	jw_kv_string(&w, "sub_vendor", rp->h.sub_vendor);
	jw_kv_string(&w, "uuid", uuid);
	jw_kv_string(&w, "uri", rp->h.uri);
	jw_object_end(&w);
	jw_kv_string(&w, "catalog", rpt_catalog_name(rp->cat) ?
					    rpt_catalog_name(rp->cat) :
				    rp->h.catalog[0] ? rp->h.catalog : NULL);
	jw_kv_string(&w, "clock", clock_name(rp));
	jw_kv_uint(&w, "records", rp->n_recs);
	jw_kv_uint(&w, "corrupt", rp->corrupt);
	jw_kv_bool(&w, "incomplete_tail", rp->torn_tail);
	jw_key(&w, "workload");
	if (rp->wl_cmd) {
		jw_object_begin(&w);
		jw_kv_string(&w, "command", rp->wl_cmd);
		jw_kv_double(&w, "start_host_us", rp->wl_start_host_us);
		if (rp->wl_end) {
			jw_kv_double(&w, "end_host_us", rp->wl_end_host_us);
			if (rp->wl_status >= 0)
				jw_kv_int(&w, "exit_status", rp->wl_status);
			else
				jw_kv_int(&w, "signal", -rp->wl_status);
		}
		jw_object_end(&w);
	} else {
		jw_null(&w);
	}
	jw_key(&w, "series");
	jw_array_begin(&w);
	for (size_t i = 0; i < rp->n_series; i++)
		json_series(rp, &w, rp->series[i]);
	jw_array_end(&w);
	cli_doc_end(c, &w);
}

static void print_table(struct report *rp, FILE *f)
{
	struct out o;

	fprintf(f, "Recording:  %s (%zu record%s, %s/%s)\n", rp->cfg->file,
		rp->n_recs, rp->n_recs == 1 ? "" : "s", rp->h.vendor,
		rp->h.sub_vendor);
	fprintf(f, "Clock:      %s\n", rp->plat_clock ?
		"platform timestamps" : "host CLOCK_MONOTONIC of the records");
	if (rp->wl_cmd) {
		fprintf(f, "Workload:   %s", rp->wl_cmd);
		if (rp->wl_end && rp->wl_status >= 0)
			fprintf(f, " (exit status %d, %.3f s)", rp->wl_status,
				(rp->wl_end_host_us - rp->wl_start_host_us) / 1e6);
		else if (rp->wl_end)
			fprintf(f, " (killed by signal %d, %.3f s)", -rp->wl_status,
				(rp->wl_end_host_us - rp->wl_start_host_us) / 1e6);
		fputc('\n', f);
	}
	fputc('\n', f);
	out_init(&o, rp->c, NULL, OUT_TABLE);
	for (size_t i = 0; i < rp->n_series; i++) {
		struct rpt_series *s = rp->series[i];
		char a[32], b[32], m[32], t[32];
		struct stats st;

		if (compute(s, rp->cfg->bins, &st) < 0)
			continue;
		fmt2(a, sizeof(a), st.min);
		fmt2(b, sizeof(b), st.max);
		fmt2(m, sizeof(m), st.mean);
		fmt2(t, sizeof(t), st.twa);
		out_row_begin(&o);
		out_str(&o, NULL, "NAME", s->name);
		out_str(&o, NULL, "UNIT", s->unit);
		out_str(&o, NULL, "MIN", a);
		out_right(&o);
		out_str(&o, NULL, "MAX", b);
		out_right(&o);
		out_str(&o, NULL, "MEAN", m);
		out_right(&o);
		out_str(&o, NULL, "TW-MEAN", t);
		out_right(&o);
		out_uint(&o, NULL, "COUNT", s->n);
		out_right(&o);
		out_uint(&o, NULL, "INVALID", s->invalid);
		out_right(&o);
		out_row_end(&o);
		free(st.hist);
	}
	out_flush(&o);
	if (!rp->cfg->hist)
		return;
	for (size_t i = 0; i < rp->n_series; i++) {
		struct rpt_series *s = rp->series[i];
		struct stats st;
		uint64_t top = 1;

		if (!s->n || compute(s, rp->cfg->bins, &st) < 0)
			continue;
		fprintf(f, "\n%s (%s)\n", s->name, s->unit);
		for (unsigned int b = 0; b < st.bins; b++)
			if (st.hist[b] > top)
				top = st.hist[b];
		for (unsigned int b = 0; b < st.bins; b++) {
			int bar = (int)(40 * st.hist[b] / top);

			fprintf(f, "  [%12.2f, %12.2f%c %8llu %.*s\n",
				bin_lo(&st, b), bin_hi(&st, b),
				b + 1 == st.bins ? ']' : ')',
				(unsigned long long)st.hist[b], bar,
				"########################################");
		}
		free(st.hist);
	}
}

/* ------------------------------------------------------------------ */
/* Options and main                                                    */

static int parse_agg(const char *name, const char *arg, struct config *cfg)
{
	const char *colon = strchr(arg, ':');
	size_t n = colon ? (size_t)(colon - arg) : strlen(arg);
	struct agg_spec *sp;
	int fn = -1;

	if (cfg->n_aggs >= MAX_AGGS)
		return cli_usage_err(name, "%s: too many --aggregate options", name);
	for (int i = 0; i < 4; i++)
		if (strlen(agg_names[i]) == n && !strncmp(arg, agg_names[i], n))
			fn = i;
	if (fn < 0 || (colon && !colon[1]))
		return cli_usage_err(name, "%s: bad --aggregate '%s' (max, min, mean, sum, or FUNC:GLOB)",
				     name, arg);
	sp = &cfg->aggs[cfg->n_aggs++];
	sp->fn = (enum agg_fn)fn;
	sp->glob = colon ? colon + 1 : NULL;
	return 0;
}

static int parse_config(struct cli *c, int argc, char **argv,
			struct config *cfg)
{
	static const struct option opts[] = {
		{ "catalog", required_argument, NULL, OPT_CATALOG },
		{ "clock", required_argument, NULL, OPT_CLOCK },
		{ "bins", required_argument, NULL, OPT_BINS },
		{ "aggregate", required_argument, NULL, 'a' },
		{ "follow", no_argument, NULL, OPT_FOLLOW },
		{ "csv", no_argument, NULL, CLI_OPT_CSV },
		{ "summary-csv", required_argument, NULL, OPT_SUMMARY },
		{ "interval-csv", required_argument, NULL, OPT_INTERVAL },
		{ "wide-csv", required_argument, NULL, OPT_WIDE },
		{ "svg", required_argument, NULL, OPT_SVG },
		{ "svg-dir", required_argument, NULL, OPT_SVG_DIR },
		{ "png", required_argument, NULL, OPT_PNG },
		{ "perfetto", required_argument, NULL, OPT_PERFETTO },
		{ "histogram", no_argument, NULL, OPT_HIST },
		CLI_COMMON_LONGOPTS,
		{ 0 }
	};
	const char *name = c->cmd ? c->cmd->name : "report";
	int opt, stdout_users = 0;
	uint32_t u;

	memset(cfg, 0, sizeof(*cfg));
	cfg->bins = DEFAULT_BINS;
	cfg->argc = argc;
	cfg->argv = argv;
	while ((opt = getopt_long(argc, argv, CLI_COMMON_SHORTOPTS "a:", opts,
				  NULL)) != -1) {
		switch (opt) {
		case OPT_CATALOG:
			cfg->catalog = optarg;
			break;
		case OPT_CLOCK:
			if (!strcmp(optarg, "auto"))
				cfg->clock = CLOCK_AUTO;
			else if (!strcmp(optarg, "platform"))
				cfg->clock = CLOCK_PLATFORM;
			else if (!strcmp(optarg, "host"))
				cfg->clock = CLOCK_HOST;
			else
				return cli_usage_err(name, "%s: bad --clock '%s' (auto, platform, host)",
						     name, optarg);
			break;
		case OPT_BINS:
			if (cli_parse_u32(optarg, &u) < 0 || !u || u > MAX_BINS)
				return cli_usage_err(name, "%s: bad --bins '%s' (1..%d)",
						     name, optarg, MAX_BINS);
			cfg->bins = u;
			break;
		case 'a':
			if (parse_agg(name, optarg, cfg))
				return 2;
			break;
		case OPT_FOLLOW:
			cfg->follow = true;
			break;
		case CLI_OPT_CSV:
			c->csv = true;
			break;
		case OPT_SUMMARY:
			cfg->summary = optarg;
			break;
		case OPT_INTERVAL:
			cfg->interval = optarg;
			break;
		case OPT_WIDE:
			cfg->wide = optarg;
			break;
		case OPT_SVG:
			cfg->svg = optarg;
			break;
		case OPT_SVG_DIR:
			cfg->svg_dir = optarg;
			break;
		case OPT_PNG:
			cfg->png = optarg;
			break;
		case OPT_PERFETTO:
			cfg->perfetto = optarg;
			break;
		case OPT_HIST:
			cfg->hist = true;
			break;
		case 'h':
			cli_help(c, help_text);
			return -1;
		default:
			if (cli_common_opt(c, opt))
				break;
			return cli_bad_option(c, argv);
		}
	}
	if (cli_check_args(c, argc - optind))
		return 2;
	cfg->file = argv[optind];
	cfg->des = &argv[optind + 1];
	cfg->n_des = argc - optind - 1;
	stdout_users = (c->json || c->csv) +
		       (cfg->summary && !strcmp(cfg->summary, "-")) +
		       (cfg->interval && !strcmp(cfg->interval, "-")) +
		       (cfg->wide && !strcmp(cfg->wide, "-")) +
		       (cfg->svg && !strcmp(cfg->svg, "-")) +
		       (cfg->perfetto && !strcmp(cfg->perfetto, "-"));
	if (stdout_users > 1)
		return cli_usage_err(name, "%s: only one output can go to stdout", name);
	if (c->json && c->csv)
		return cli_usage_err(name, "%s: --json and --csv exclude each other", name);
	return 0;
}

static void report_free(struct report *rp)
{
	for (size_t i = 0; i < rp->n_raws; i++) {
		free(rp->raws[i].v);
		free(rp->raws[i].plat_us);
		free(rp->raws[i].rec);
	}
	free(rp->raws);
	for (size_t i = 0; i < rp->n_series; i++)
		series_free(rp->series[i]);
	free(rp->series);
	free(rp->rec_host_us);
	free(rp->rec_t_us);
	free(rp->de_raw);
	free(rp->wl_cmd);
	rpt_catalog_free(rp->cat);
	if (rp->have_header)
		rec_header_done(&rp->h);
	free(rp->buf);
}

static int write_file(struct report *rp, const char *path,
		      void (*fn)(struct report *, FILE *))
{
	FILE *f = open_out(rp->c, path);

	if (!f)
		return -EIO;
	fn(rp, f);
	return close_out(rp->c, f, path);
}

static void plot_of(struct report *rp, struct rpt_plot *p, char *title,
		    size_t tlen)
{
	memset(p, 0, sizeof(*p));
	p->series = rp->series;
	p->n_series = rp->n_series;
	p->t0_us = NAN;
	for (size_t i = 0; i < rp->n_recs; i++)
		if (!isnan(rp->rec_t_us[i])) {
			p->t0_us = rp->rec_t_us[i];
			break;
		}
	if (isnan(p->t0_us))
		p->t0_us = 0;
	snprintf(title, tlen, "%s (%s/%s, %s clock)", rp->cfg->file,
		 rp->h.vendor, rp->h.sub_vendor, clock_name(rp));
	p->title = title;
	p->ev_start_us = NAN;
	p->ev_end_us = NAN;
	/* The workload's events carry host times; with the host clock
	 * they are on the axis. With platform timestamps they are placed
	 * through the records around them. */
	if (rp->wl_start && rp->n_recs) {
		double s = rp->wl_start_host_us, e = rp->wl_end_host_us;

		if (!rp->plat_clock) {
			p->ev_start_us = s;
			p->ev_end_us = rp->wl_end ? e : NAN;
		} else {
			double off = NAN;

			for (size_t i = 0; i < rp->n_recs; i++)
				if (!isnan(rp->rec_t_us[i])) {
					off = rp->rec_t_us[i] - rp->rec_host_us[i];
					break;
				}
			if (!isnan(off)) {
				p->ev_start_us = s + off;
				p->ev_end_us = rp->wl_end ? e + off : NAN;
			}
		}
	}
}

static int write_trace(struct report *rp, const struct rpt_plot *p)
{
	struct rpt_trace t = { 0 };
	char proc[80];
	FILE *f;
	int r;

	snprintf(proc, sizeof(proc), "stlm: %s/%s", rp->h.vendor,
		 rp->h.sub_vendor);
	t.process = proc;
	t.clock = rp->plat_clock ? "platform timestamps" :
				   "host CLOCK_MONOTONIC";
	t.workload = rp->wl_cmd;
	t.has_end = rp->wl_end;
	t.status = rp->wl_status;
	f = open_out(rp->c, rp->cfg->perfetto);
	if (!f)
		return -EIO;
	r = rpt_trace_write(f, p, &t);
	if (r < 0)
		cli_err(rp->c, "cannot write %s: %s", rp->cfg->perfetto,
			strerror(-r));
	return close_out(rp->c, f, rp->cfg->perfetto) < 0 ? -EIO : r;
}

int stlm_cmd_report_main(struct cli *c, int argc, char **argv)
{
	struct report rp = { .c = c };
	struct config cfg;
	struct rpt_plot plot;
	char title[512], err[512];
	bool table;
	int r, ret = 1;

	r = parse_config(c, argc, argv, &cfg);
	if (r)
		return r < 0 ? 0 : r;
	rp.cfg = &cfg;
	if (load(&rp) < 0)
		goto out;
	if (build_series(&rp) < 0 || build_aggregates(&rp) < 0) {
		if (!c->errmsg[0])
			cli_err(c, "out of memory");
		goto out;
	}
	if (cfg.n_des && !rp.n_raws) {
		cli_err(c, "no DE of %s matches the selection", cfg.file);
		goto out;
	}
	qsort(rp.series, rp.n_series, sizeof(*rp.series), series_cmp);
	plot_of(&rp, &plot, title, sizeof(title));

	if (cfg.summary && write_file(&rp, cfg.summary, write_summary_csv) < 0)
		goto out;
	if (cfg.interval && write_file(&rp, cfg.interval, write_interval_csv) < 0)
		goto out;
	if (cfg.wide && write_file(&rp, cfg.wide, write_wide_csv) < 0)
		goto out;
	if (cfg.svg) {
		FILE *f = open_out(c, cfg.svg);

		if (!f)
			goto out;
		r = rpt_svg_write(f, &plot);
		if (close_out(c, f, cfg.svg) < 0 || r < 0)
			goto out;
	}
	if (cfg.svg_dir &&
	    rpt_svg_write_dir(cfg.svg_dir, &plot, err, sizeof(err)) < 0) {
		cli_err(c, "%s", err);
		goto out;
	}
	if (cfg.png && rpt_png_write(cfg.png, &plot, err, sizeof(err)) < 0) {
		cli_err(c, "%s", err);
		goto out;
	}
	if (cfg.perfetto && write_trace(&rp, &plot) < 0)
		goto out;

	table = !(cfg.summary && !strcmp(cfg.summary, "-")) &&
		!(cfg.interval && !strcmp(cfg.interval, "-")) &&
		!(cfg.wide && !strcmp(cfg.wide, "-")) &&
		!(cfg.svg && !strcmp(cfg.svg, "-")) &&
		!(cfg.perfetto && !strcmp(cfg.perfetto, "-"));
	if (c->json)
		print_json(&rp);
	else if (c->csv)
		write_summary_csv(&rp, c->out);
	else if (table)
		print_table(&rp, c->out);
	if (!rp.n_recs && !c->quiet)
		fprintf(stderr, "stlm: %s: no data collected (no complete record)\n",
			cfg.file);
	ret = 0;
out:
	report_free(&rp);
	return ret;
}
