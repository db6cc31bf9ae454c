// SPDX-License-Identifier: MIT
/*
 * Copyright (c) 2026 The stlm authors
 *
 * Library benchmarks against an in-process emulator of N generated DEs
 * (stlmp_config_generate). Prints one line per figure:
 *   BENCH <name> <value> <unit> [ratio=<r> vs=<baseline>]
 *
 *  - full discovery (stlm_session_open, STLM_DISCOVERY_FULL) over shm:
 *    and unix: (goal < 100 ms at 50k over shm:)
 *  - lazy open (STLM_DISCOVERY_LAZY; goal < 5 ms)
 *  - one snapshot of every DE enabled, against a plain memcpy of the same
 *    SHMTI bytes measured in the same run (medians; goal <= 3x)
 *  - allocations per steady-state snapshot (goal 0)
 *
 * Usage: bench-lib [N] [RUNS]   (defaults 50000, 200)
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <stlm/stlm.h>

#include "platform.h"
#include "session.h"

/* ------------------------------------------------------------------ */
/* Allocation counter: forwarders to glibc's allocator                */

#if !defined(__SANITIZE_ADDRESS__) && !defined(__SANITIZE_THREAD__)
#define BENCH_COUNT_ALLOCS 1
extern void *__libc_malloc(size_t n);
extern void *__libc_calloc(size_t n, size_t sz);
extern void *__libc_realloc(void *p, size_t n);
extern void __libc_free(void *p);

static __thread bool counting;
static __thread unsigned long n_allocs;

void *malloc(size_t n);
void *calloc(size_t n, size_t sz);
void *realloc(void *p, size_t n);
void free(void *p);

void *malloc(size_t n)
{
	n_allocs += counting;
	return __libc_malloc(n);
}

void *calloc(size_t n, size_t sz)
{
	n_allocs += counting;
	return __libc_calloc(n, sz);
}

void *realloc(void *p, size_t n)
{
	n_allocs += counting;
	return __libc_realloc(p, n);
}

void free(void *p)
{
	__libc_free(p);
}
#else
#define BENCH_COUNT_ALLOCS 0
#endif

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double median(double *v, size_t n)
{
	qsort(v, n, sizeof(*v), cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* Library warnings and errors go to stderr (never timed: rare). */
static void log_stderr(void *data, int level, const char *fmt, va_list ap)
{
	if (level > STLM_LOG_WARNING)
		return;
	fputs("bench-lib: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

static int open_timed(const char *uri, int discovery, struct stlm_session **s,
		      double *ret_ms)
{
	struct stlm_open_opts o = {
		.size = sizeof(o),
		.timeout_ms = 10000,
		.discovery = discovery,
		.log = log_stderr,
		.no_catalog = true,
	};
	double t0 = now_ms();
	int r = stlm_session_open(uri, &o, s);

	*ret_ms = now_ms() - t0;
	return r;
}

/* Enable every DE: per group, then the DEs without a group. */
static int enable_all(struct stlm_session *s)
{
	int n_groups = stlm_group_count(s), n = stlm_de_count(s), r;

	if (n_groups < 0 || n < 0)
		return n_groups < 0 ? n_groups : n;
	for (int g = 0; g < n_groups; g++) {
		r = stlm_group_set(s, (uint32_t)g, true, true);
		if (r < 0)
			return r;
	}
	for (int i = 0; i < n; i++) {
		const struct stlm_de *de = stlm_de_at(s, (size_t)i);

		if (!de || stlm_de_group(de) != STLM_GROUP_NONE)
			continue;
		r = stlm_de_set(s, stlm_de_id(de), true, true);
		if (r < 0)
			return r;
	}
	return 0;
}

int main(int argc, char **argv)
{
	uint32_t n = argc > 1 ? (uint32_t)strtoul(argv[1], NULL, 0) : 50000;
	int runs = argc > 2 ? atoi(argv[2]) : 200;
	char dir[] = "/tmp/stlm-bench-lib-XXXXXX", uri[512], mem[256];
	struct stlmp_opts o = { .seed = 1 };
	struct stlmp_config *cfg;
	struct stlmp_platform *p;
	struct stlm_session *s;
	struct stlm_snapshot *snap;
	double ms, *t_snap, *t_copy, m_snap, m_copy;
	size_t total = 0, valid = 0, ns;
	const struct stlm_sample *v;
	uint8_t *buf;
	int r;

	if (runs < 1)
		runs = 1;
	if (!mkdtemp(dir))
		return 1;
	if (stlmp_config_generate(n, &cfg) < 0) {
		fprintf(stderr, "cannot generate %u DEs\n", n);
		return 1;
	}
	snprintf(mem, sizeof(mem), "%s/mem", dir);
	o.mem_path = mem;
	if (stlmp_platform_new(cfg, &o, &p) < 0)
		return 1;
	snprintf(uri, sizeof(uri), "unix:%s/p.sock", dir);
	if (stlmp_platform_listen(p, uri) < 0)
		return 1;
	snprintf(uri, sizeof(uri), "shm:%s", dir);
	if (stlmp_platform_listen(p, uri) < 0)
		return 1;

	/* lazy open (median of a few) */
	{
		double t[5];
		int k;

		for (k = 0; k < 5; k++) {
			r = open_timed(uri, STLM_DISCOVERY_LAZY, &s, &t[k]);
			if (r < 0)
				break;
			stlm_session_close(s);
		}
		if (k == 5)
			printf("BENCH lib_lazy_open_%uk_shm %.3f ms\n", n / 1000,
			       median(t, 5));
		else
			printf("# lazy open %s: %s\n", uri, strerror(-r));
	}

	/* full discovery over shm: and unix: */
	r = open_timed(uri, STLM_DISCOVERY_FULL, &s, &ms);
	if (r < 0) {
		printf("# full discovery %s: %s\n", uri, strerror(-r));
		goto out_platform;
	}
	printf("BENCH lib_discovery_%uk_shm %.1f ms\n", n / 1000, ms);
	stlm_session_close(s);
	snprintf(uri, sizeof(uri), "unix:%s/p.sock?mem=%s", dir, mem);
	r = open_timed(uri, STLM_DISCOVERY_FULL, &s, &ms);
	if (r == 0) {
		printf("BENCH lib_discovery_%uk_unix %.1f ms\n", n / 1000, ms);
		stlm_session_close(s);
	} else {
		printf("# full discovery %s: %s\n", uri, strerror(-r));
	}
	snprintf(uri, sizeof(uri), "shm:%s", dir);

	/* snapshot of every DE vs memcpy of the SHMTIs */
	r = open_timed(uri, STLM_DISCOVERY_FULL, &s, &ms);
	if (r < 0)
		goto out_platform;
	r = enable_all(s);
	if (r < 0) {
		printf("# enable: %s\n", strerror(-r));
		stlm_session_close(s);
		goto out_platform;
	}
	/* updates every second: the SHMTIs change, the readers rarely retry */
	stlm_collection_set(s, STLM_GROUP_ALL, true, STLM_MODE_ON_DEMAND,
			    1000000000ull);
	if (stlm_snapshot_new(s, &snap) < 0 || stlm_snapshot_take(snap, 0) < 0)
		return 1;
	v = stlm_snapshot_samples(snap, &ns);
	for (size_t i = 0; i < ns; i++)
		valid += !!(v[i].flags & STLM_SAMPLE_VALID);
	for (uint32_t i = 0; i < s->info.n_shmti; i++)
		total += s->shmti[i].desc.length;
	buf = malloc(total);
	t_snap = calloc((size_t)runs, sizeof(double));
	t_copy = calloc((size_t)runs, sizeof(double));
	if (!buf || !t_snap || !t_copy)
		return 1;
	for (int k = 0; k < runs; k++) {
		double t0 = now_ms();
		size_t off = 0;

		stlm_snapshot_take(snap, 0);
		t_snap[k] = now_ms() - t0;
		t0 = now_ms();
		for (uint32_t i = 0; i < s->info.n_shmti; i++) {
			memcpy(buf + off, s->shmti[i].base,
			       s->shmti[i].desc.length);
			off += s->shmti[i].desc.length;
		}
		__asm__ __volatile__("" : : "r"(buf) : "memory");
		t_copy[k] = now_ms() - t0;
	}
	m_snap = median(t_snap, (size_t)runs);
	m_copy = median(t_copy, (size_t)runs);
	printf("BENCH memcpy_shmti_bytes_%uk %.1f us (%zu bytes)\n", n / 1000,
	       m_copy * 1e3, total);
	printf("BENCH lib_snapshot_%uk %.1f us ratio=%.2f vs=memcpy_shmti_bytes"
	       " (%zu samples, %zu valid)\n",
	       n / 1000, m_snap * 1e3, m_snap / m_copy, ns, valid);

#if BENCH_COUNT_ALLOCS
	{
		unsigned long total_allocs;

		n_allocs = 0;
		counting = true;
		for (int k = 0; k < runs; k++)
			stlm_snapshot_take(snap, 0);
		counting = false;
		total_allocs = n_allocs;
		printf("BENCH lib_snapshot_allocs_%uk %.2f allocs/snapshot\n",
		       n / 1000, (double)total_allocs / runs);
	}
#endif

	free(t_snap);
	free(t_copy);
	free(buf);
	stlm_snapshot_free(snap);
	stlm_session_close(s);
out_platform:
	stlmp_platform_free(p);
	stlmp_config_free(cfg);
	unlink(mem);
	rmdir(dir);
	return 0;
}
