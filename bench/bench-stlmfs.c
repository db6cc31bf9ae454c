// SPDX-License-Identifier: MIT
/*
 * Copyright (c) 2026 The stlm authors
 *
 * bench-stlmfs: open time and snapshot cost of any platform URI, for
 * comparing the stlmfs: backend (through stlmd's FUSE tree) with a direct
 * unix: session on an identical platform:
 *
 *   stlm-platform -n 1000 --listen unix:A.sock --mem A.mem &
 *   stlm-platform -n 1000 --listen unix:B.sock --mem B.mem &
 *   stlmd -f --platform 'unix:B.sock?mem=B.mem' --mount MNT &
 *   bench-stlmfs 'unix:A.sock?mem=A.mem' 200
 *   bench-stlmfs stlmfs:MNT/tlm_0 200
 *
 * Every DE is enabled and collection started first; the median of RUNS
 * stlm_snapshot_take() calls is printed with the number of valid samples.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <stlm/stlm.h>

static double now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
	int runs = argc > 2 ? atoi(argv[2]) : 200;
	struct stlm_open_opts o = { .size = sizeof(o), .no_catalog = true };
	const struct stlm_sample *v;
	struct stlm_session *s;
	struct stlm_snapshot *snap;
	size_t n, valid = 0;
	double t0, t_open, *t;
	char scheme[16];
	int r;

	if (argc < 2) {
		fprintf(stderr, "usage: %s URI [RUNS]\n", argv[0]);
		return 2;
	}
	if (runs < 1)
		runs = 1;
	snprintf(scheme, sizeof(scheme), "%.*s",
		 (int)strcspn(argv[1], ":"), argv[1]);
	t0 = now_us();
	r = stlm_session_open(argv[1], &o, &s);
	t_open = now_us() - t0;
	if (r < 0) {
		fprintf(stderr, "%s: %s\n", argv[1], strerror(-r));
		return 1;
	}
	r = stlm_all_set(s, true, false);
	if (r == 0)
		r = stlm_collection_set(s, STLM_GROUP_ALL, true,
					STLM_MODE_ON_DEMAND, 0);
	if (r == 0)
		r = stlm_snapshot_new(s, &snap);
	if (r < 0) {
		fprintf(stderr, "setup: %s\n", strerror(-r));
		stlm_session_close(s);
		return 1;
	}
	t = calloc((size_t)runs, sizeof(*t));
	if (!t)
		return 1;
	r = stlm_snapshot_take(snap, 0); /* warm-up: builds the plan */
	for (int i = 0; r >= 0 && i < runs; i++) {
		t0 = now_us();
		r = stlm_snapshot_take(snap, 0);
		t[i] = now_us() - t0;
	}
	if (r < 0) {
		fprintf(stderr, "snapshot: %s\n", strerror(-r));
		return 1;
	}
	v = stlm_snapshot_samples(snap, &n);
	for (size_t i = 0; i < n; i++)
		valid += !!(v[i].flags & STLM_SAMPLE_VALID);
	qsort(t, (size_t)runs, sizeof(*t), cmp_double);
	printf("BENCH open_%s_%d %.1f ms\n", scheme, stlm_de_count(s),
	       t_open / 1e3);
	printf("BENCH snapshot_%s_%d %.1f us (median of %d; %zu samples, %zu valid)\n",
	       scheme, stlm_de_count(s), t[runs / 2], runs, n, valid);
	free(t);
	stlm_snapshot_free(snap);
	stlm_session_close(s);
	return 0;
}
