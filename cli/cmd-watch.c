// SPDX-License-Identifier: MIT
/*
 * Copyright (c) 2026 The stlm authors
 *
 * stlm watch [DE...]: every interval, one block of values, like
 * `perf stat -I`: elapsed time, DE name, value with unit. Counters show
 * the change over the interval (--delta, default) or per second (--rate),
 * unwrapped at their data size. Two snapshot objects alternate, so the
 * loop allocates nothing after the first interval.
 *
 * The platform's update interval is shared by every agent: watch sets it
 * for its run and puts the previous one back when it ends (count reached,
 * SIGINT / SIGTERM, or an error), unless someone changed it meanwhile.
 */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"

enum watch_counters { W_DELTA, W_RATE, W_TOTAL };

struct watch {
	struct cli *c;
	const uint32_t *ids;	/* DEs given, printed in this order */
	size_t n_ids;
	uint64_t interval_ns;
	uint64_t count;		/* 0: until interrupted */
	enum watch_counters counters;
	bool ts;
	bool enable;
	bool no_header;
	uint64_t start_mono;
	/* the interval watch set, and the one to put back at the end */
	bool restore;
	int mode;
	uint64_t saved_ns, set_ns;
};

static const char *watch_help =
	"DE: decimal or 0x-hex id, or name. Without DEs, every enabled DE.\n"
	"\n"
	"Options:\n"
	"  -i, --interval T   print every T (default 1s; 500 = 500ms, 2s...);\n"
	"                     the platform's update interval is set to the\n"
	"                     nearest supported value at or below T for the\n"
	"                     run, and put back when watch ends\n"
	"  -n, --count N      stop after N intervals (default: until Ctrl-C)\n"
	"  -d, --delta        counters: change over the interval (default)\n"
	"  -r, --rate         counters: change per second (unit/s)\n"
	"      --total        counters: the running value\n"
	"  -t, --timestamps   show the platform timestamp of each value (s)\n"
	"  -e, --enable       enable the DEs (all without arguments) and start\n"
	"                     collection first, if needed\n"
	"      --csv          CSV rows: time_s,id,name,value,unit\n"
	"      --no-header    no header line\n"
	"\n"
	"With --json the intervals are collected and printed as one document\n"
	"when the run ends (after -n intervals, or on Ctrl-C); use -n to bound\n"
	"it. On the built-in platform, when nothing is enabled and collection\n"
	"is off, watch enables the DEs (all, or those given) first.\n";

static uint64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* The supported interval nearest to @want at or below it (else lowest). */
static uint64_t pick_interval(const struct stlm_intervals *iv, uint64_t want)
{
	uint64_t best = 0, lowest = UINT64_MAX;

	if (iv->range && iv->n >= 3) {
		uint64_t lo = iv->v[0].ns, hi = iv->v[1].ns, step = iv->v[2].ns;

		if (want <= lo)
			return lo;
		if (want >= hi)
			return hi;
		return step ? lo + (want - lo) / step * step : lo;
	}
	for (size_t i = 0; i < iv->n; i++) {
		uint64_t ns = iv->v[i].ns;

		if (ns < lowest)
			lowest = ns;
		if (ns <= want && ns > best)
			best = ns;
	}
	return best ? best : lowest == UINT64_MAX ? 0 : lowest;
}

static void set_platform_interval(struct watch *wt)
{
	struct cli *c = wt->c;
	struct stlm_intervals iv;
	struct stlm_collection col;
	uint64_t ns;
	char buf[32];
	int r;

	if (stlm_intervals_get(c->s, STLM_GROUP_ALL, &iv) < 0 ||
	    stlm_collection_get(c->s, STLM_GROUP_ALL, &col) < 0)
		return;
	if (!col.enabled) {
		if (!c->quiet)
			fprintf(stderr, "stlm: collection is off; values will not "
					"change (stlm config --on, or watch --enable)\n");
		return;
	}
	ns = pick_interval(&iv, wt->interval_ns);
	if (!ns || ns == col.interval.ns)
		return;
	r = stlm_collection_set(c->s, STLM_GROUP_ALL, true, col.mode, ns);
	cli_format_ns(ns, buf, sizeof(buf));
	if (r < 0 && !c->quiet)
		fprintf(stderr, "stlm: cannot set the update interval to %s: %s\n",
			buf, cli_strerror(r));
	if (r >= 0) {
		wt->restore = true;
		wt->mode = col.mode;
		wt->saved_ns = col.interval.ns;
		wt->set_ns = ns;
	}
}

/* Put back the interval set_platform_interval() replaced. */
static void restore_platform_interval(struct watch *wt)
{
	struct cli *c = wt->c;
	struct stlm_collection col;
	char buf[32];
	int r;

	if (!wt->restore)
		return;
	wt->restore = false;
	/* Unreachable now (the error is already reported), or changed by
	 * someone else since (theirs now): leave it. */
	if (stlm_collection_get(c->s, STLM_GROUP_ALL, &col) < 0 ||
	    !col.enabled || col.interval.ns != wt->set_ns)
		return;
	r = stlm_collection_set(c->s, STLM_GROUP_ALL, true, col.mode,
				wt->saved_ns);
	cli_format_ns(wt->saved_ns, buf, sizeof(buf));
	if (r < 0 && !c->quiet)
		fprintf(stderr, "stlm: cannot restore the platform's update interval to %s: %s\n",
			buf, cli_strerror(r));
}

/*
 * The value to show for one sample: counters as delta / rate against the
 * previous snapshot. Returns false when there is none (null).
 */
static bool watch_value(const struct watch *wt, const struct stlm_de *de,
			const struct stlm_sample *v, const struct stlm_sample *p,
			double dt_snap, double *ret)
{
	uint64_t mask = UINT64_MAX, d;
	uint32_t size;
	double f, dt = dt_snap;

	if (!v || !(v->flags & STLM_SAMPLE_VALID))
		return false;
	if (!de || cli_de_kind(de) != STLM_KIND_COUNTER ||
	    wt->counters == W_TOTAL) {
		*ret = v->value;
		return true;
	}
	if (!p || !(p->flags & STLM_SAMPLE_VALID))
		return false;
	size = stlm_de_size(de);
	if (size >= 1 && size < 8)
		mask = (UINT64_C(1) << (8 * size)) - 1;
	d = (v->raw - p->raw) & mask;
	f = v->raw ? v->value / (double)v->raw :
		     pow(10.0, stlm_de_unit_exp(de));
	if (wt->counters == W_DELTA) {
		*ret = (double)d * f;
		return true;
	}
	if ((v->flags & p->flags & STLM_SAMPLE_TIMESTAMP) && v->ts_rate_khz &&
	    v->ts_rate_khz == p->ts_rate_khz && v->ts > p->ts)
		dt = (double)(v->ts - p->ts) / ((double)v->ts_rate_khz * 1000.0);
	if (!(dt > 0))
		return false;
	*ret = (double)d * f / dt;
	return true;
}

static void print_block(struct watch *wt, struct out *o,
			struct stlm_snapshot *cur, struct stlm_snapshot *prev,
			bool first, struct cli_tally *tally)
{
	struct cli *c = wt->c;
	const struct stlm_sample *v;
	size_t n;
	double elapsed = (double)(stlm_snapshot_mono_ns(cur) - wt->start_mono) / 1e9;
	double dt = (double)(stlm_snapshot_mono_ns(cur) -
			     stlm_snapshot_mono_ns(prev)) / 1e9;
	char tbuf[32];

	v = stlm_snapshot_samples(cur, &n);
	if (o->mode == OUT_JSON) {
		jw_object_begin(o->w);
		jw_kv_uint(o->w, "time_ns", stlm_snapshot_time_ns(cur));
		jw_kv_double(o->w, "elapsed_s", round(elapsed * 1e9) / 1e9);
		jw_kv_uint(o->w, "generation", stlm_snapshot_generation(cur));
		jw_key(o->w, "samples");
		jw_array_begin(o->w);
	}
	snprintf(tbuf, sizeof(tbuf), "%.9f", elapsed);
	o->no_header = wt->no_header || !first;
	if (wt->n_ids)
		n = wt->n_ids;
	for (size_t i = 0; i < n; i++) {
		const struct stlm_sample *vi = wt->n_ids ?
			stlm_snapshot_find(cur, wt->ids[i]) : &v[i];
		uint32_t id = wt->n_ids ? wt->ids[i] : v[i].id;
		const struct stlm_de *de = stlm_de_get(c->s, id);
		const struct stlm_sample *p = stlm_snapshot_find(prev, id);
		struct stlm_sample none = { .id = id,
					    .flags = STLM_SAMPLE_UNREACHABLE };

		if (!vi)
			vi = &none;
		cli_tally_add(tally, vi);
		bool counter = de && cli_de_kind(de) == STLM_KIND_COUNTER &&
			       wt->counters != W_TOTAL;
		const char *unit = de ? cli_de_unit(de) : "";
		char ubuf[48], buf[96];
		double val = 0;
		bool ok = watch_value(wt, de, vi, p, dt, &val);

		if (counter && wt->counters == W_RATE)
			snprintf(ubuf, sizeof(ubuf), "%s/s", unit[0] ? unit : "");
		else
			snprintf(ubuf, sizeof(ubuf), "%s", unit);
		out_row_begin(o);
		out_str(o, NULL, "#           time", tbuf);
		out_right(o);
		if (o->mode == OUT_CSV)
			out_str(o, "time_s", "time_s", tbuf);
		out_hex(o, "id", o->mode == OUT_CSV ? "id" : NULL, id);
		out_str(o, "name", "NAME", de && cli_de_name(de) ? cli_de_name(de) :
			o->mode == OUT_JSON ? NULL : "");
		if (o->mode == OUT_TABLE && (!de || !cli_de_name(de))) {
			/* unnamed: show the id in the name column */
			char idb[16];

			snprintf(idb, sizeof(idb), "0x%08x", id);
			free(o->cells[o->nrows * OUT_MAX_COLS + o->col - 1]);
			o->cells[o->nrows * OUT_MAX_COLS + o->col - 1] = strdup(idb);
		}
		if (o->mode == OUT_CSV) {
			if (ok)
				snprintf(buf, sizeof(buf), "%.15g", val);
			else
				buf[0] = '\0';
		} else if (!ok) {
			const char *pb = cli_sample_problem(vi);

			snprintf(buf, sizeof(buf), "(%s)", pb ? pb : "n/a");
		} else if (!counter) {
			struct stlm_sample s = *vi;

			s.value = val;
			cli_format_value(de, &s, buf, sizeof(buf));
		} else {
			cli_format_number(val, ubuf, buf, sizeof(buf));
		}
		out_num(o, "value", "VALUE", val, ok, buf);
		out_right(o);
		out_str(o, "unit", o->mode == OUT_CSV ? "unit" : NULL,
			ubuf[0] ? ubuf : NULL);
		if (o->mode == OUT_JSON) {
			jw_kv_string(o->w, "kind",
				     de ? cli_kind_name(cli_de_kind(de)) : NULL);
			jw_kv_string(o->w, "counter",
				     !counter ? NULL :
				     wt->counters == W_RATE ? "rate" : "delta");
			jw_key(o->w, "total");
			if (vi->flags & STLM_SAMPLE_VALID)
				jw_double(o->w, vi->value);
			else
				jw_null(o->w);
			jw_kv_bool(o->w, "valid", ok);
		}
		if (wt->ts && o->mode != OUT_JSON) {
			bool has = (vi->flags & STLM_SAMPLE_VALID) &&
				   (vi->flags & STLM_SAMPLE_TIMESTAMP) &&
				   vi->ts_rate_khz;

			if (has)
				snprintf(buf, sizeof(buf), "%.6f", (double)vi->ts /
					 ((double)vi->ts_rate_khz * 1000.0));
			else
				snprintf(buf, sizeof(buf), "-");
			out_str(o, "ts_s", o->mode == OUT_CSV ? "ts_s" : "TIMESTAMP",
				buf);
			out_right(o);
		} else if (wt->ts) {
			jw_key(o->w, "ts");
			if ((vi->flags & STLM_SAMPLE_VALID) &&
			    (vi->flags & STLM_SAMPLE_TIMESTAMP))
				jw_uint(o->w, vi->ts);
			else
				jw_null(o->w);
		}
		out_row_end(o);
	}
	if (o->mode == OUT_JSON) {
		jw_array_end(o->w);
		jw_object_end(o->w);
	} else {
		out_flush(o);
	}
}

enum { OPT_TOTAL = 0x2001, OPT_NO_HEADER };
static const struct option watch_longopts[] = {
	CLI_COMMON_LONGOPTS,
	{ "interval", required_argument, NULL, 'i' },
	{ "count", required_argument, NULL, 'n' },
	{ "delta", no_argument, NULL, 'd' },
	{ "rate", no_argument, NULL, 'r' },
	{ "total", no_argument, NULL, OPT_TOTAL },
	{ "timestamps", no_argument, NULL, 't' },
	{ "enable", no_argument, NULL, 'e' },
	{ "csv", no_argument, NULL, CLI_OPT_CSV },
	{ "no-header", no_argument, NULL, OPT_NO_HEADER },
	{ 0 }
};
const struct cli_optab cli_watch_optab = { .shortopts = "i:n:drte", .longopts = watch_longopts };

int stlm_cmd_watch_main(struct cli *c, int argc, char **argv)
{
	struct watch wt = { .c = c, .interval_ns = 1000000000ull };
	struct stlm_snapshot *cur = NULL, *prev = NULL, *tmp;
	struct cli_tally tally = { 0 };
	bool doc = false;
	uint32_t *ids = NULL, cnt;
	size_t n_ids = 0, name_w = 4;
	uint64_t next;
	int opt, r, rc = 1;
	struct out o;
	struct jw w;

	while ((opt = cli_getopt(c, argc, argv, &cli_watch_optab)) != -1) {
		switch (opt) {
		case 'h':
			return cli_help(c, watch_help);
		case 'i':
			if (cli_parse_interval(optarg, &wt.interval_ns) < 0 ||
			    wt.interval_ns < 1000000)
				return cli_usage_err("watch", "watch: --interval: expected e.g. 500 (ms), 100ms or 2s (at least 1ms), got '%s'",
						     optarg);
			break;
		case 'n':
			if (cli_parse_u32(optarg, &cnt) < 0 || !cnt)
				return cli_usage_err("watch", "watch: --count: expected a positive number, got '%s'",
						     optarg);
			wt.count = cnt;
			break;
		case 'd':
			wt.counters = W_DELTA;
			break;
		case 'r':
			wt.counters = W_RATE;
			break;
		case OPT_TOTAL:
			wt.counters = W_TOTAL;
			break;
		case 't':
			wt.ts = true;
			break;
		case 'e':
			wt.enable = true;
			break;
		case CLI_OPT_CSV:
			c->csv = true;
			break;
		case OPT_NO_HEADER:
			wt.no_header = true;
			break;
		default:
			if (!cli_common_opt(c, opt))
				return cli_bad_option(c, argv);
		}
	}
	if (cli_check_args(c, argc - optind))
		return 2;
	if (c->csv && c->json)
		return cli_usage_err("watch", "watch: --csv and --json exclude each other");
	cli_catch_stop();
	if (cli_open(c, NULL) < 0)
		return 1;
	/* DEs: ids, names or name globs */
	if (argc > optind &&
	    cli_parse_des(c, &argv[optind], argc - optind, &ids, &n_ids) < 0)
		goto out;
	if (cli_ensure_collection(c, ids, n_ids, wt.enable, 0) < 0)
		goto out;
	set_platform_interval(&wt);
	wt.ids = ids;
	wt.n_ids = n_ids;

	r = stlm_snapshot_new(c->s, &cur);
	if (r >= 0)
		r = stlm_snapshot_new(c->s, &prev);
	if (r >= 0)
		r = stlm_snapshot_select(cur, ids, n_ids);
	if (r >= 0)
		r = stlm_snapshot_select(prev, ids, n_ids);
	if (r >= 0)
		r = cli_take(c, prev, 0, c->auto_enabled ? 1500 : 0);
	if (r < 0) {
		cli_err(c, "cannot read: %s", cli_strerror(r));
		goto out;
	}
	{
		size_t n;
		const struct stlm_sample *v = stlm_snapshot_samples(prev, &n);

		if (!n && !c->quiet)
			fprintf(stderr, "stlm: no DE is enabled (see 'stlm enable', "
					"or 'stlm watch --enable')\n");
		/* Without the memory file nothing will ever come: fail now. */
		if (n && cli_uri_lacks_memory(c->s)) {
			struct cli_tally first = { 0 };

			for (size_t i = 0; i < n; i++)
				cli_tally_add(&first, &v[i]);
			if (cli_tally_verdict(c, &first, NULL))
				goto out;
			tally.hinted = first.hinted;
		}
		for (size_t i = 0; i < n; i++) {
			const struct stlm_de *de = stlm_de_get(c->s, v[i].id);
			const char *nm = de ? cli_de_name(de) : NULL;
			size_t l = nm ? strlen(nm) : 10;

			if (l > name_w)
				name_w = l;
		}
	}
	wt.start_mono = stlm_snapshot_mono_ns(prev);

	if (c->json) {
		cli_doc_begin(c, &w);
		jw_kv_uint(&w, "interval_ns", wt.interval_ns);
		jw_kv_string(&w, "counters", wt.counters == W_RATE ? "rate" :
			     wt.counters == W_DELTA ? "delta" : "total");
		jw_key(&w, "intervals");
		jw_array_begin(&w);
		doc = true;
	}
	out_init(&o, c, &w, c->json ? OUT_JSON : c->csv ? OUT_CSV : OUT_TABLE);
	o.minw[0] = 16;
	o.minw[1] = (int)name_w;
	o.minw[2] = 14;
	next = wt.start_mono;
	for (uint64_t k = 0; !wt.count || k < wt.count; k++) {
		struct timespec ts;

		next += wt.interval_ns;
		ts.tv_sec = (time_t)(next / 1000000000ull);
		ts.tv_nsec = (long)(next % 1000000000ull);
		while (!cli_stop &&
		       clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) ==
			       EINTR)
			;
		if (cli_stop)
			break;
		r = stlm_snapshot_take(cur, 0);
		if (r < 0) {
			cli_err(c, "cannot read: %s", cli_strerror(r));
			goto out;
		}
		print_block(&wt, &o, cur, prev, k == 0, &tally);
		tmp = prev;
		prev = cur;
		cur = tmp;
		if (mono_ns() > next + wt.interval_ns) /* fell behind: skip */
			next = mono_ns();
	}
	rc = cli_tally_verdict(c, &tally, NULL);
out:
	restore_platform_interval(&wt);
	if (doc) {
		/* Also after a failure: what was collected, in a valid
		 * document, with the error that ended the run. */
		jw_array_end(&w);
		if (rc)
			cli_doc_error(c, &w, rc);
		cli_doc_end(c, &w);
	}
	stlm_snapshot_free(cur);
	stlm_snapshot_free(prev);
	free(ids);
	return rc;
}
