/* SPDX-License-Identifier: MIT */
/*
 * Copyright (c) 2026 The stlm authors
 *
 * What the files of stlm report share: cmd-report.c (options and the
 * driver), report-load.c (loading, series, aggregates) and
 * report-stats.c (statistics and the table, JSON and CSV outputs).
 * Private to the CLI.
 */
#ifndef STLM_CLI_REPORT_INTERNAL_H
#define STLM_CLI_REPORT_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "record.h"
#include "report.h"

#define DEFAULT_BINS 10
#define MAX_BINS 1000
#define MAX_AGGS 64

enum clock_sel { CLOCK_AUTO, CLOCK_PLATFORM, CLOCK_HOST };
enum agg_fn { AGG_MAX, AGG_MIN, AGG_MEAN, AGG_SUM };
extern const char *const agg_names[];

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


struct stats {
	double min, max, mean, twa, first, last;
	unsigned int bins;
	uint64_t *hist;
};

/* report-load.c */
int series_cmp(const void *x, const void *y);
FILE *open_out(struct cli *c, const char *path);
int close_out(struct cli *c, FILE *f, const char *path);
int load(struct report *rp);
void series_free(struct rpt_series *s);
int build_series(struct report *rp);
int build_aggregates(struct report *rp);

/* report-stats.c */
const char *clock_name(const struct report *rp);
void write_summary_csv(struct report *rp, FILE *f);
void write_interval_csv(struct report *rp, FILE *f);
void write_wide_csv(struct report *rp, FILE *f);
void print_json(struct report *rp);
void print_table(struct report *rp, FILE *f);

#endif /* STLM_CLI_REPORT_INTERNAL_H */
