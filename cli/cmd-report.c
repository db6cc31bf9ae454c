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
#include "report-internal.h"

static const char help_text[] =
	"Summarise a recording: per DE (and aggregate) count, min, max, mean,\n"
	"time-weighted mean, first / last timestamp and a histogram; interval\n"
	"data as CSV; SVG / PNG plots; a Perfetto (Chrome JSON) trace. DEs are\n"
	"ids or name globs (default: every DE with samples). Works on a file\n"
	"that is still being written (up to its last complete record).\n"
	"\n"
	"Options:\n"
	"  -c, --catalog PATH        apply a catalog (file or directory), as\n"
	"                            stlm replay does\n"
	"      --clock WHICH         auto (default), platform or host\n"
	"      --bins N              histogram bins (default 10)\n"
	"  -A, --aggregate SPEC      max, min, mean or sum over the instances of\n"
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
const char *const agg_names[] = { "max", "min", "mean", "sum" };

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

static const struct option report_longopts[] = {
	{ "clock", required_argument, NULL, OPT_CLOCK },
	{ "bins", required_argument, NULL, OPT_BINS },
	{ "aggregate", required_argument, NULL, 'A' },
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
/* Old spelling: -a is --all elsewhere. */
static const struct cli_oldopt report_old[] = {
	{ 'a', 'A', "-A/--aggregate" },
	{ 0 }
};
const struct cli_optab cli_report_optab = {
	"A:", report_longopts, report_old, "a:", NULL
};

static int parse_config(struct cli *c, int argc, char **argv,
			struct config *cfg)
{
	const char *name = c->cmd ? c->cmd->name : "report";
	int opt, stdout_users = 0;
	uint32_t u;

	memset(cfg, 0, sizeof(*cfg));
	cfg->bins = DEFAULT_BINS;
	cfg->argc = argc;
	cfg->argv = argv;
	while ((opt = cli_getopt(c, argc, argv, &cli_report_optab)) != -1) {
		switch (opt) {
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
		case 'A':
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
	/* -c/--catalog is the global option (also after the command) */
	cfg->catalog = c->catalog;
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
	/* No complete record: no series, and rp.series may be NULL. */
	if (rp.n_series)
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
