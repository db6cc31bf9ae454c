/* SPDX-License-Identifier: MIT */
/*
 * Copyright (c) 2026 The stlm authors
 *
 * stlm top: the model (one row per DE, statistics since start, a ring of
 * recent values) and the frame renderer shared by the full-screen view
 * (cmd-top.c, ncurses) and --once / --batch (plain text lines).
 */
#ifndef STLM_CLI_TOP_H
#define STLM_CLI_TOP_H

#include <stdbool.h>
#include <stdint.h>

#include "cli.h"

#define TOP_HIST 40

enum top_sort { TOP_SORT_ID, TOP_SORT_NAME, TOP_SORT_VALUE, TOP_SORT_RATE,
		TOP_SORT_N };

struct top_de {
	const struct stlm_de *de;
	uint32_t id;
	int kind;
	int comp;		/* index into top.comps */
	bool shown;		/* passes the filter */
	bool have;		/* a valid value was seen */
	struct stlm_sample cur;
	bool cur_set;
	double prev, rate;	/* counters: per second over the last interval */
	bool rate_ok;
	uint64_t prev_ns;
	double min, max, sum;
	uint64_t n;
	float hist[TOP_HIST];	/* float: a sparkline needs no more */
	unsigned int hist_n, hist_pos;
};

struct top_comp {
	char name[64];
	bool collapsed;
	unsigned int n_shown;
};

/* One line of a frame: what the full-screen view needs to colour it. */
enum top_line_kind { TL_HEADER, TL_COLUMNS, TL_COMP, TL_DE, TL_FOOTER,
		     TL_TEXT };

struct top_line {
	enum top_line_kind kind;
	int row;		/* TL_COMP: comp index; TL_DE: index into des */
	char text[512];
};

struct top {
	struct cli *c;
	struct top_de *des;
	size_t n_des;
	struct top_comp *comps;
	size_t n_comps;
	uint32_t *ids;		/* selected for the snapshot */
	struct stlm_snapshot *snap;
	uint64_t interval_ns;
	uint64_t gen;
	uint64_t sample_mono_ns;	/* of the last good snapshot */
	uint64_t samples;
	int last_err;		/* of the last take (0: fine) */
	char filter[128];
	enum top_sort sort;
	bool reverse;
	bool paused;
	bool utf8;
	char status[256];	/* a one-shot message in the footer */
	/* the rows as shown: comp rows (-1 - comp) and DE rows (index) */
	long *order;
	size_t n_order;
	size_t sel;		/* index into order */
	size_t scroll;
	/* batch frames (rows 0) are printed in pages of the body */
	size_t page_from, page_len;
	/* configuration changed by a key, restored at exit */
	bool configured;
	bool col_saved_enabled;
	int col_saved_mode;
	uint64_t col_saved_ns;
	uint32_t *enabled_by_us;
	size_t n_enabled_by_us;
};

int top_init(struct top *t, struct cli *c, char **args, int n_args);
void top_free(struct top *t);
/* Take a snapshot and fold it into the statistics. 0 or negative errno
 * (kept in t->last_err; the view goes on). */
int top_sample(struct top *t);
/* Apply filter and sort, rebuild t->order. */
void top_layout(struct top *t);
/* The frame for a screen of @cols x @rows (rows 0: every row, batch). */
size_t top_frame(struct top *t, int cols, int rows, bool keys,
		 struct top_line **ret);
/* The detail page of one DE, as lines. */
size_t top_detail(struct top *t, size_t de_index, int cols,
		  struct top_line **ret);
/* --once --json: one document with every shown DE. */
void top_json(struct top *t);
const char *top_sort_name(enum top_sort s);
/* The display width of a UTF-8 string (one column per character). */
size_t top_width(const char *s);

#endif /* STLM_CLI_TOP_H */
