/* SPDX-License-Identifier: MIT */
/*
 * Copyright (c) 2026 The stlm authors
 *
 * stlm report (cmd-report.c) and what it shares with stlm record:
 *
 *  - workload event records: `stlm record -- COMMAND` writes a record of
 *    type REC_TYPE_EVENT when the command starts and when it ends. They
 *    are ordinary records (magic, type, length, CRC), so readers that do
 *    not know the type skip them (docs/record-format.md, "Readers skip
 *    valid records ... of types they do not know"); docs/report.md
 *    describes the body.
 *  - the offline catalog (report-catalog.c), the same code stlm replay
 *    and stlm decode apply with --catalog;
 *  - the plot writers (report-plot.c) and the Perfetto export
 *    (report-trace.c), which work on struct rpt_series.
 */
#ifndef STLM_CLI_REPORT_H
#define STLM_CLI_REPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "record.h"

struct cli;

/* ------------------------------------------------------------------ */
/* Workload event records                                              */

#define REC_TYPE_EVENT		2u
/* realtime, monotonic, kind, status, text length */
#define REC_EVENT_FIXED		28
#define REC_EVENT_MAX_TEXT	4096u

enum rec_event_kind {
	REC_EVENT_WORKLOAD_START = 1,	/* text: the command line */
	REC_EVENT_WORKLOAD_END = 2,	/* status: exit code, or -signal */
};

/**
 * struct rec_event - a decoded event record
 * @time_ns, @mono_ns: CLOCK_REALTIME / CLOCK_MONOTONIC at the event
 * @kind:   ::rec_event_kind (others: skip)
 * @status: WORKLOAD_END: exit code 0..255, or minus the signal number
 * @text:   not NUL-terminated, @text_len bytes, inside the buffer
 */
struct rec_event {
	uint64_t time_ns;
	uint64_t mono_ns;
	uint32_t kind;
	int32_t status;
	const char *text;
	uint32_t text_len;
};

/* Encode an event record into @buf (REC_PREFIX_SIZE + REC_EVENT_FIXED +
 * text bytes, text cut at REC_EVENT_MAX_TEXT). Returns the size written
 * or -EINVAL. */
long rec_event_encode(uint8_t *buf, size_t len, const struct rec_event *e);
/* Decode the event record at @p (@len bytes available, prefix already
 * validated by the reader). Returns 0, or -EBADMSG. */
int rec_event_decode(const uint8_t *p, size_t len, struct rec_event *ret);

/* ------------------------------------------------------------------ */
/* Offline catalog (same reader as stlm replay / decode --catalog)     */

struct rpt_catalog;

/* Load @path (file or directory) matched against @h. Prints the error
 * and returns a negative errno on failure. */
int rpt_catalog_load(struct cli *c, const char *path,
		     const struct rec_header *h, struct rpt_catalog **ret);
void rpt_catalog_free(struct rpt_catalog *k);
/* Catalog name (for the metadata), or NULL. */
const char *rpt_catalog_name(const struct rpt_catalog *k);
/* The catalog's name of value v of state DE id, or NULL (none, no catalog). */
const char *rpt_state_name(const struct rpt_catalog *k, uint32_t id,
			   int64_t v);

/**
 * struct rpt_view - how a DE of a recording is named and scaled
 * @name:  display name (catalog, else recorded catalog name, else
 *         firmware name, else "0x%08x"); points into @idbuf or long-lived
 *         header / catalog memory
 * @unit:  display unit ("" for none)
 * @description: "" when unknown
 * @kind:  STLM_KIND_*
 */
struct rpt_view {
	const char *name;
	const char *unit;
	const char *description;
	int kind;
	char idbuf[16];
	const void *priv_de;
	const void *priv_cd;
};

/* @k may be NULL (no catalog). */
void rpt_view_of(const struct rpt_catalog *k, const struct rec_header *h,
		 uint32_t id, struct rpt_view *v);
/* The value: as recorded, or recomputed with the catalog's sign/scale. */
double rpt_view_value(const struct rpt_view *v, const struct rec_sample *s);

/* ------------------------------------------------------------------ */
/* Series (one per DE or aggregate)                                    */

/**
 * struct rpt_series - the valid samples of one DE or aggregate
 * @name, @unit, @description: display strings (owned)
 * @id:        DE id (aggregates: 0)
 * @aggregate: NULL for a DE, else "max", "min", "mean" or "sum"
 * @n_members: aggregates: member DEs
 * @key:       metric (DE name with the instance number as '*', or the
 *             aggregate's glob): the summary CSV's sections
 * @key_description: @description the same way ("CPU * temperature")
 * @t_us:      timestamps, µs in the report's clock, ascending
 * @v:         values
 * @rec:       index of the record each value comes from
 * @n:         valid samples
 * @invalid:   samples excluded (flags, NaN)
 * @repeated:  platform-clock samples dropped as repeats (same timestamp)
 * @kind:      ::stlm_kind of the DE (of the first member for an aggregate)
 * @rate:      a counter shown as its rate: @v per second, @unit "UNIT/s"
 * @gaps:      counter steps dropped as a wrap or reset (the value fell)
 */
struct rpt_series {
	char *name;
	char *unit;
	char *description;
	uint32_t id;
	const char *aggregate;
	unsigned int n_members;
	char *key;
	char *key_description;
	double *t_us;
	double *v;
	uint32_t *rec;
	size_t n, cap;
	uint64_t invalid;
	uint64_t repeated;
	int kind;
	bool rate;
	uint64_t gaps;
};

/**
 * struct rpt_plot - what the plot writers draw
 * @series, @n_series: in display order
 * @t0_us:   origin of the time axis (seconds since this)
 * @title:   plot title
 * @ev_start_us, @ev_end_us: the workload (NaN when absent)
 */
struct rpt_plot {
	struct rpt_series **series;
	size_t n_series;
	double t0_us;
	const char *title;
	double ev_start_us;
	double ev_end_us;
};

/* One SVG document: a grid with one panel per unit. 0 or -errno. */
int rpt_svg_write(FILE *f, const struct rpt_plot *p);
/* One SVG file per series in @dir (created). 0 or -errno, @err set. */
int rpt_svg_write_dir(const char *dir, const struct rpt_plot *p, char *err,
		      size_t errlen);
/* PNG through gnuplot. 0, -ENOENT (no gnuplot) or -errno; @err set. */
int rpt_png_write(const char *path, const struct rpt_plot *p, char *err,
		  size_t errlen);

/**
 * struct rpt_trace - what the Perfetto export needs besides the series
 * @process:   process name ("stlm: vendor/sub-vendor")
 * @clock:     "host CLOCK_MONOTONIC" / "platform"
 * @workload:  command line, or NULL
 * @status:    its end status (valid when @has_end)
 */
struct rpt_trace {
	const char *process;
	const char *clock;
	const char *workload;
	bool has_end;
	int status;
};

/* Chrome trace-event JSON. 0 or -errno. */
int rpt_trace_write(FILE *f, const struct rpt_plot *p,
		    const struct rpt_trace *t);

/* Subcommand */
int stlm_cmd_report_main(struct cli *c, int argc, char **argv);

#endif /* STLM_CLI_REPORT_H */
