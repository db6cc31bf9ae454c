// SPDX-License-Identifier: MIT
/*
 * Copyright (c) 2026 The stlm authors
 *
 * stlm report: statistics per series and the outputs: table, JSON,
 * summary / interval / wide CSV (cmd-report.c has the theory of
 * operation: steps 5 and 6).
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
/* Statistics                                                          */

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

/*
 * A state DE's statistics: how long it was in each value, sample i lasting
 * until sample i + 1 (the last one has no known end). Sorted by value.
 */
struct tis {
	double v;
	double us;
};

static int tis_cmp(const void *x, const void *y)
{
	const struct tis *a = x, *b = y;

	return a->v < b->v ? -1 : a->v > b->v;
}

static long time_in_state(const struct rpt_series *s, struct tis **ret,
			  double *total_us)
{
	struct tis *t = NULL;
	size_t n = 0, cap = 0;

	*total_us = 0;
	for (size_t i = 0; i + 1 < s->n; i++) {
		double d = s->t_us[i + 1] - s->t_us[i];
		size_t k;

		for (k = 0; k < n && t[k].v != s->v[i]; k++)
			;
		if (k == n) {
			if (n == cap) {
				size_t nc = cap ? cap * 2 : 8;
				struct tis *x = realloc(t, nc * sizeof(*t));

				if (!x) {
					free(t);
					return -ENOMEM;
				}
				t = x;
				cap = nc;
			}
			t[n].v = s->v[i];
			t[n++].us = 0;
		}
		t[k].us += d;
		*total_us += d;
	}
	if (n)
		qsort(t, n, sizeof(*t), tis_cmp);
	*ret = t;
	return (long)n;
}

static const char *tis_name(const struct report *rp,
			    const struct rpt_series *s, double v)
{
	if (s->aggregate)
		return NULL;
	return rpt_state_name(rp->cat, s->id, (int64_t)v);
}

static bool is_state(const struct rpt_series *s)
{
	return s->kind == STLM_KIND_STATE;
}

/* "NAME (UNIT)", "NAME rate (UNIT/s)" for a counter. */
static void series_head(const struct rpt_series *s, char *buf, size_t len)
{
	snprintf(buf, len, "%s%s%s%s%s", s->name, s->rate ? " rate" : "",
		 s->unit[0] ? " (" : "", s->unit, s->unit[0] ? ")" : "");
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

const char *clock_name(const struct report *rp)
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

void write_summary_csv(struct report *rp, FILE *f)
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
		bool done = false, tis_head;

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

			snprintf(head, sizeof(head), "%s - %s%s (%s)", key,
				 s0->rate ? "rate of " : "",
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
			if (is_state(s))	/* no mean of states: time in each */
				m[0] = t[0] = '\0';
			cli_csv_str(f, s->name);
			fprintf(f, ",%s,%s,%s,%s,%zu\n", a, b, m, t, s->n);
			free(st.hist);
		}
		tis_head = false;
		for (j = i; j < rp->n_series; j++) {
			struct rpt_series *s = rp->series[j];
			struct tis *ts = NULL;
			double tot;
			long nt;

			if (strcmp(s->key, key) || !is_state(s))
				continue;
			nt = time_in_state(s, &ts, &tot);
			if (nt < 0)
				continue;
			if (!tis_head) {
				fprintf(f, "\nTime in State\nTarget,State,Value,Seconds,Fraction\n");
				tis_head = true;
			}
			for (long k = 0; k < nt; k++) {
				const char *sn = tis_name(rp, s, ts[k].v);

				cli_csv_str(f, s->name);
				fputc(',', f);
				cli_csv_str(f, sn ? sn : "");
				fprintf(f, ",%.0f,%.6f,%.4f\n", ts[k].v,
					ts[k].us / 1e6,
					tot > 0 ? ts[k].us / tot : 0.0);
			}
			free(ts);
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

void write_interval_csv(struct report *rp, FILE *f)
{
	for (size_t i = 0; i < rp->n_series; i++) {
		struct rpt_series *s = rp->series[i];
		char head[1024];

		if (i)
			fputc('\n', f);
		snprintf(head, sizeof(head), "%s on %s", s->key, s->name);
		cli_csv_str(f, head);
		if (s->rate)
			fprintf(f, "\ntimestamp_us,rate (%s)\n", s->unit);
		else
			fputs("\ntimestamp_us,value\n", f);
		for (size_t j = 0; j < s->n; j++)
			fprintf(f, "%.0f,%.17g\n", s->t_us[j], s->v[j]);
	}
}

void write_wide_csv(struct report *rp, FILE *f)
{
	size_t *cur = calloc(rp->n_series + 1, sizeof(*cur));

	if (!cur)
		return;
	fputs("timestamp_us", f);
	for (size_t i = 0; i < rp->n_series; i++) {
		char head[600];

		series_head(rp->series[i], head, sizeof(head));
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
	jw_kv_string(w, "kind", cli_kind_name(s->kind));
	jw_kv_bool(w, "rate", s->rate);
	if (s->rate)
		jw_kv_uint(w, "gaps", s->gaps);
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
	if (is_state(s)) {
		struct tis *ts = NULL;
		double tot;
		long nt = time_in_state(s, &ts, &tot);

		jw_kv_string(w, "mean", NULL);
		jw_kv_string(w, "time_weighted_mean", NULL);
		jw_key(w, "time_in_state");
		jw_array_begin(w);
		for (long k = 0; k < nt; k++) {
			jw_object_begin(w);
			jw_kv_double(w, "value", ts[k].v);
			jw_kv_string(w, "state", tis_name(rp, s, ts[k].v));
			jw_kv_double(w, "seconds", ts[k].us / 1e6);
			jw_kv_double(w, "fraction", tot > 0 ? ts[k].us / tot : 0);
			jw_object_end(w);
		}
		jw_array_end(w);
		free(ts);
	} else {
		jw_kv_double(w, "mean", st.mean);
		jw_kv_double(w, "time_weighted_mean", st.twa);
	}
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

void print_json(struct report *rp)
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

void print_table(struct report *rp, FILE *f)
{
	bool rates = false, states = false;
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
		if (is_state(s))
			snprintf(m, sizeof(m), "-"), snprintf(t, sizeof(t), "-");
		rates |= s->rate;
		states |= is_state(s);
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
	if (rates)
		fprintf(f, "\nCounters are shown as rates (UNIT/s, from consecutive samples; a wrap or reset is a gap).\n");
	for (size_t i = 0; states && i < rp->n_series; i++) {
		struct rpt_series *s = rp->series[i];
		struct tis *ts = NULL;
		double tot;
		long nt;

		if (!is_state(s) || (nt = time_in_state(s, &ts, &tot)) < 0)
			continue;
		fprintf(f, "\nTime in state: %s\n", s->name);
		for (long k = 0; k < nt; k++) {
			const char *sn = tis_name(rp, s, ts[k].v);
			char v[48];

			if (sn)
				snprintf(v, sizeof(v), "%s (%.0f)", sn, ts[k].v);
			else
				snprintf(v, sizeof(v), "%.0f", ts[k].v);
			fprintf(f, "  %-24s %12.3f s %6.1f%%\n", v,
				ts[k].us / 1e6,
				tot > 0 ? 100 * ts[k].us / tot : 0.0);
		}
		free(ts);
	}
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
