/* SPDX-License-Identifier: MIT */
/*
 * Copyright (c) 2026 The stlm authors
 *
 * What every benchmark shares: clocks, medians, time budgets and the one
 * output line per figure that scripts/bench-report.py reads:
 *
 *   BENCH <name> <des> <value> <unit> [vs <baseline> <value> <unit> ratio <r>]
 *
 * <des> is the number of DEs of the platform the figure was measured on;
 * the baseline, when there is one, was measured by the same program in
 * the same run, on the same data, and <r> is value / baseline (both in the
 * same unit). Lines starting with '#' are comments.
 */
#ifndef STLM_BENCH_UTIL_H
#define STLM_BENCH_UTIL_H

#include <dirent.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

static inline double bench_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static inline int bench_cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* Median of v[0..n) (sorts v). */
static inline double bench_median(double *v, size_t n)
{
	if (!n)
		return 0;
	qsort(v, n, sizeof(*v), bench_cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/*
 * Repetition control: keep going while fewer than min rounds ran, or while
 * fewer than max ran and the budget (ms since t0) is not spent.
 */
static inline bool bench_more(int done, int min, int max, double t0,
			      double budget_ms)
{
	if (done < min)
		return true;
	return done < max && bench_now_ms() - t0 < budget_ms;
}

/* A figure without a baseline. */
static inline void bench_figure(const char *name, unsigned int des,
				double value, const char *unit)
{
	printf("BENCH %s %u %.6g %s\n", name, des, value, unit);
	fflush(stdout);
}

/* A figure and its same-run baseline, in the same unit. */
static inline void bench_vs(const char *name, unsigned int des, double value,
			    const char *base, double base_value,
			    const char *unit)
{
	printf("BENCH %s %u %.6g %s vs %s %.6g %s ratio %.4g\n", name, des,
	       value, unit, base, base_value, unit,
	       base_value > 0 ? value / base_value : 0.0);
	fflush(stdout);
}

/*
 * The benchmark's private temporary directory (flat: sockets and memory
 * files only), removed with its content by bench_tmp_cleanup(): on the
 * error paths, and on SIGINT, SIGTERM, SIGHUP and SIGPIPE.
 */
static inline char *bench_tmp(void)
{
	static char dir[256];

	return dir;
}

static inline void bench_tmp_cleanup(void)
{
	char *dir = bench_tmp(), path[512];
	struct dirent *e;
	DIR *d;

	if (!dir[0])
		return;
	if ((d = opendir(dir))) {
		while ((e = readdir(d)))
			if (e->d_name[0] != '.') {
				snprintf(path, sizeof(path), "%s/%s", dir,
					 e->d_name);
				unlink(path);
			}
		closedir(d);
	}
	rmdir(dir);
	dir[0] = 0;
}

static inline void bench_tmp_on_signal(int sig)
{
	bench_tmp_cleanup();
	signal(sig, SIG_DFL);
	raise(sig);
}

/* mkdtemp(tmpl) and remember it; false on failure. */
static inline bool bench_tmp_make(char *tmpl)
{
	static const int sigs[] = { SIGINT, SIGTERM, SIGHUP, SIGPIPE };

	if (!mkdtemp(tmpl))
		return false;
	snprintf(bench_tmp(), 256, "%s", tmpl);
	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		signal(sigs[i], bench_tmp_on_signal);
	return true;
}

#endif
