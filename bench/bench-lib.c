// SPDX-License-Identifier: MIT
/*
 * Copyright (c) 2026 The stlm authors
 *
 * Library benchmarks against an in-process emulator of N generated DEs
 * (stlmp_config_generate), one line per figure (bench-util.h):
 *
 *  - full discovery (stlm_session_open, STLM_DISCOVERY_FULL) over shm:
 *    and unix: (goal < 100 ms at 50k over shm:), against the bare
 *    DE_DESCRIPTION pages on the same transport (a test agent reading
 *    every page and nothing else): what the library adds;
 *  - lazy open (STLM_DISCOVERY_LAZY; goal < 5 ms), against the full
 *    discovery (opens and their baselines alternate, 5 rounds, medians);
 *  - one snapshot of every DE enabled, against a plain memcpy of the same
 *    SHMTI bytes measured in the same run (medians; goal <= 3x);
 *  - allocations per steady-state snapshot (goal 0).
 *
 * Any failed operation is fatal (exit 1).
 *
 * Usage: bench-lib [N] [RUNS] [BUDGET_MS]   (defaults 50000, 200, 1000):
 * snapshots are repeated RUNS times at most, and no more once BUDGET_MS
 * is spent (at least 11 times).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <stlm/stlm.h>

#include "bench-util.h"
#include "platform.h"
#include "session.h"
#include "tagent.h"
#include "tdcf.h"
#include "telemetry.h"

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

static void __attribute__((noreturn, format(printf, 1, 2))) die(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fputs("bench-lib: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	bench_tmp_cleanup();
	exit(1);
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
	double t0 = bench_now_ms();
	int r = stlm_session_open(uri, &o, s);

	*ret_ms = bench_now_ms() - t0;
	return r;
}

#define OPEN_ROUNDS 5

/* One open, closed again; fatal on failure. */
static double open_once(const char *uri, int discovery)
{
	struct stlm_session *s;
	double ms;
	int r = open_timed(uri, discovery, &s, &ms);

	if (r < 0)
		die("open %s: %s", uri, strerror(-r));
	stlm_session_close(s);
	/* let the shm server see the agent go (not timed) */
	usleep(20000);
	return ms;
}

/*
 * The baseline of discovery: every DE_DESCRIPTION page through a test
 * agent on the same transport, decoded, nothing else.
 */
static double raw_once(const char *uri, uint32_t n_des)
{
	static struct scmi_tlm_de_desc d[1024];
	static uint8_t resp[TA_MAX_MSG];
	struct ta_agent *a;
	uint32_t idx = 0;
	double t0, ms;
	int r;

	/* the platform notices a previous agent's departure asynchronously */
	r = ta_new_uri_ready(uri, 3000, &a);
	if (r < 0)
		die("agent on %s: %s", uri, strerror(-r));
	t0 = bench_now_ms();
	while (idx < n_des) {
		struct scmi_list_hdr h;
		uint8_t b[4];
		int len, got;

		scmi_u32_req_encode(idx, b, 4);
		len = ta_xfer(a, SCMI_PROTO_TELEMETRY, SCMI_TLM_DE_DESCRIPTION,
			      b, 4, resp, sizeof(resp), 5000);
		if (len < 0)
			die("DE_DESCRIPTION on %s: %s", uri, strerror(-len));
		got = scmi_tlm_de_description_resp_decode(resp, (size_t)len, &h,
							  d, 1024);
		if (got <= 0)
			die("DE_DESCRIPTION on %s: bad page", uri);
		idx += (uint32_t)got;
	}
	ms = bench_now_ms() - t0;
	ta_free(a);
	usleep(20000);
	return ms;
}

/*
 * Full discovery on lib_uri against the bare pages on raw_uri, and (lazy)
 * the lazy open against the full one; the three alternate, round by
 * round, so that both sides of a ratio see the same load.
 */
static void bench_discovery(const char *raw_uri, const char *lib_uri,
			    uint32_t n, const char *name, const char *lazy)
{
	double raw[OPEN_ROUNDS], full[OPEN_ROUNDS], lz[OPEN_ROUNDS], m_full;

	for (int k = 0; k < OPEN_ROUNDS; k++) {
		raw[k] = raw_once(raw_uri, n);
		full[k] = open_once(lib_uri, STLM_DISCOVERY_FULL);
		if (lazy)
			lz[k] = open_once(lib_uri, STLM_DISCOVERY_LAZY);
	}
	m_full = bench_median(full, OPEN_ROUNDS);
	bench_vs(name, n, m_full, "bare_de_description_pages",
		 bench_median(raw, OPEN_ROUNDS), "ms");
	if (lazy)
		bench_vs(lazy, n, bench_median(lz, OPEN_ROUNDS), name, m_full,
			 "ms");
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

/*
 * The floor of a take for this sample layout: every data line of every
 * SHMTI, in place order, into a 40-byte struct stlm_sample (id, flags,
 * raw, value, timestamp, rate), with no plan, no check and no sequence
 * lock: the bytes a take must read and write, nothing else. Returns the
 * samples written.
 */
static size_t decode_floor(const struct stlm_session *s,
			   struct stlm_sample *out, size_t cap)
{
	size_t k = 0;

	for (uint32_t i = 0; i < s->info.n_shmti; i++) {
		const uint8_t *lines = (const uint8_t *)s->shmti[i].base +
				       TDCF_HDR_SIZE;
		size_t bytes, off = 0;

		if (tdcf_read_line_area(s->shmti[i].base,
					s->shmti[i].desc.length, &bytes) < 0)
			continue;
		while (off + TDCF_LINE_SIZE <= bytes && k < cap) {
			uint32_t meta, id;
			uint64_t raw;

			memcpy(&meta, lines + off, 4);
			memcpy(&id, lines + off + 4, 4);
			memcpy(&raw, lines + off + 8, 8);
			if (!(meta & TDCF_META_TYPE_MASK)) {
				struct stlm_sample *sm = &out[k++];

				sm->id = id;
				sm->flags = STLM_SAMPLE_VALID;
				sm->raw = raw;
				sm->value = (double)(int64_t)raw;
				sm->ts = 0;
				sm->ts_rate_khz = 0;
				if (meta & TDCF_META_LINE_EXT)
					memcpy(&sm->ts, lines + off + 16, 8);
			}
			off += tdcf_line_len(meta);
		}
	}
	return k;
}

int main(int argc, char **argv)
{
	uint32_t n = argc > 1 ? (uint32_t)strtoul(argv[1], NULL, 0) : 50000;
	int runs = argc > 2 ? atoi(argv[2]) : 200;
	double budget = argc > 3 ? strtod(argv[3], NULL) : 1000;
	char dir[] = "/tmp/stlm-bench-lib-XXXXXX", uri[512], unix_uri[512];
	char mem[256], path[300];
	struct stlmp_opts o = { .seed = 1 };
	struct stlmp_config *cfg;
	struct stlmp_platform *p;
	struct stlm_session *s;
	struct stlm_snapshot *snap;
	double ms, *t_snap, *t_copy, m_snap, m_copy, t_start;
	size_t total = 0, valid = 0, ns;
	const struct stlm_sample *v;
	uint8_t *buf;
	int r, k;

	if (!n || runs < 1)
		die("usage: bench-lib [N] [RUNS] [BUDGET_MS]");
	if (!bench_tmp_make(dir))
		die("mkdtemp: %s", strerror(errno));
	if (stlmp_config_generate(n, &cfg) < 0)
		die("cannot generate %u DEs", n);
	snprintf(mem, sizeof(mem), "%s/mem", dir);
	o.mem_path = mem;
	r = stlmp_platform_new(cfg, &o, &p);
	if (r < 0)
		die("cannot create the platform: %s", strerror(-r));
	snprintf(uri, sizeof(uri), "unix:%s/p.sock", dir);
	if ((r = stlmp_platform_listen(p, uri)) < 0)
		die("listen %s: %s", uri, strerror(-r));
	snprintf(unix_uri, sizeof(unix_uri), "unix:%s/p.sock?mem=%s", dir, mem);
	snprintf(uri, sizeof(uri), "shm:%s", dir);
	if ((r = stlmp_platform_listen(p, uri)) < 0)
		die("listen %s: %s", uri, strerror(-r));

	/* full discovery over shm: and unix:, against the bare pages; lazy */
	bench_discovery(uri, uri, n, "lib_discovery_shm", "lib_lazy_open_shm");
	snprintf(path, sizeof(path), "unix:%s/p.sock", dir);
	bench_discovery(path, unix_uri, n, "lib_discovery_unix", NULL);

	/* snapshot of every DE vs memcpy of the SHMTIs */
	r = open_timed(uri, STLM_DISCOVERY_FULL, &s, &ms);
	if (r < 0)
		die("open %s: %s", uri, strerror(-r));
	r = enable_all(s);
	if (r < 0)
		die("enable: %s", strerror(-r));
	/* updates every second: the SHMTIs change, the readers rarely retry */
	r = stlm_collection_set(s, STLM_GROUP_ALL, true, STLM_MODE_ON_DEMAND,
				1000000000ull);
	if (r < 0)
		die("collection: %s", strerror(-r));
	if ((r = stlm_snapshot_new(s, &snap)) < 0 ||
	    (r = stlm_snapshot_take(snap, 0)) < 0)
		die("snapshot: %s", strerror(-r));
	v = stlm_snapshot_samples(snap, &ns);
	for (size_t i = 0; i < ns; i++)
		valid += !!(v[i].flags & STLM_SAMPLE_VALID);
	if (ns != n || valid != n)
		die("snapshot: %zu samples, %zu valid, expected %u", ns, valid,
		    n);
	for (uint32_t i = 0; i < s->info.n_shmti; i++)
		total += s->shmti[i].desc.length;
	buf = malloc(total);
	t_snap = calloc((size_t)runs, sizeof(double));
	t_copy = calloc((size_t)runs, sizeof(double));
	if (!buf || !t_snap || !t_copy)
		die("out of memory");
	t_start = bench_now_ms();
	for (k = 0; bench_more(k, 11, runs, t_start, budget); k++) {
		double t0 = bench_now_ms();
		size_t off = 0;

		r = stlm_snapshot_take(snap, 0);
		t_snap[k] = bench_now_ms() - t0;
		if (r < 0)
			die("snapshot: %s", strerror(-r));
		t0 = bench_now_ms();
		for (uint32_t i = 0; i < s->info.n_shmti; i++) {
			memcpy(buf + off, s->shmti[i].base,
			       s->shmti[i].desc.length);
			off += s->shmti[i].desc.length;
		}
		__asm__ __volatile__("" : : "r"(buf) : "memory");
		t_copy[k] = bench_now_ms() - t0;
	}
	m_snap = bench_median(t_snap, (size_t)k);
	m_copy = bench_median(t_copy, (size_t)k);
	printf("# lib_snapshot: median of %d; %zu SHMTI bytes, %zu samples\n",
	       k, total, ns);
	bench_vs("lib_snapshot", n, m_snap * 1e3, "memcpy_shmti_bytes",
		 m_copy * 1e3, "us");

	/* the same take against the floor of its sample layout */
	{
		struct stlm_sample *fl = calloc(ns, sizeof(*fl));
		double *t_fl = calloc((size_t)runs, sizeof(double));
		double m_fl;
		int kf;

		if (!fl || !t_fl)
			die("out of memory");
		t_start = bench_now_ms();
		for (kf = 0; bench_more(kf, 11, runs, t_start, budget); kf++) {
			double t0 = bench_now_ms();
			size_t got;

			r = stlm_snapshot_take(snap, 0);
			t_snap[kf] = bench_now_ms() - t0;
			if (r < 0)
				die("snapshot: %s", strerror(-r));
			t0 = bench_now_ms();
			got = decode_floor(s, fl, ns);
			__asm__ __volatile__("" : : "r"(fl) : "memory");
			t_fl[kf] = bench_now_ms() - t0;
			/* FastChannel and message-only DEs have no line */
			if (got == 0 || got > ns || got < ns - ns / 8)
				die("decode floor: %zu lines, %zu samples", got,
				    ns);
		}
		m_fl = bench_median(t_fl, (size_t)kf);
		bench_vs("lib_snapshot_vs_layout_floor", n,
			 bench_median(t_snap, (size_t)kf) * 1e3,
			 "decode_all_lines_no_checks", m_fl * 1e3, "us");
		bench_vs("layout_floor_vs_memcpy", n, m_fl * 1e3,
			 "memcpy_shmti_bytes", m_copy * 1e3, "us");
		free(fl);
		free(t_fl);
	}

#if BENCH_COUNT_ALLOCS
	{
		unsigned long total_allocs;

		n_allocs = 0;
		counting = true;
		for (int i = 0; i < k; i++)
			r |= stlm_snapshot_take(snap, 0);
		counting = false;
		total_allocs = n_allocs;
		if (r < 0)
			die("snapshot failed");
		bench_figure("lib_snapshot_allocs", n,
			     (double)total_allocs / k, "allocs");
	}
#endif

	free(t_snap);
	free(t_copy);
	free(buf);
	stlm_snapshot_free(snap);
	stlm_session_close(s);
	stlmp_platform_free(p);
	stlmp_config_free(cfg);
	unlink(mem);
	snprintf(path, sizeof(path), "%s/p.sock", dir);
	unlink(path);
	snprintf(path, sizeof(path), "%s/doorbell", dir);
	unlink(path);
	bench_tmp_cleanup();
	return 0;
}
