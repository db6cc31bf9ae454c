// SPDX-License-Identifier: MIT
/*
 * Copyright (c) 2026 The stlm authors
 *
 * stlmd client socket benchmarks: an in-process emulator of N generated
 * DEs, a daemon session on it and the socket server (daemon/sock.c), and a
 * client opened on "stlmd:SOCK", one line per figure (bench-util.h):
 *
 *  - open through the daemon (HELLO, INFO, SHMTI_FDS, DES, STATE pages),
 *    against a direct session's full discovery of the same platform;
 *  - one snapshot of every DE through the memory file fd the daemon passed
 *    (zero copy, no syscall), against a memcpy of the same SHMTI bytes and
 *    against a snapshot on the daemon's own (direct) session.
 *
 * Any failed operation is fatal (exit 1).
 *
 * Usage: bench-stlmd [N] [RUNS] [BUDGET_MS]   (defaults 50000, 200, 1000)
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
#include "daemon.h"
#include "platform.h"
#include "session.h"
#include "stlmd-wire.h"

/* What stlmd.c provides to sock.c (no reconnects here). */
void stlmd_log(struct stlmd *d, int level, const char *fmt, ...)
{
	va_list ap;

	(void)d;
	if (level > 4)
		return;
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

struct stlm_session *stlmd_session(struct stlmd *d)
{
	if (!d->s)
		errno = EIO;
	return d->s;
}

bool stlmd_request_failed(struct stlmd *d, struct stlm_session *s, int err)
{
	(void)d;
	(void)s;
	(void)err;
	return false;
}

void stlmd_platform_down(struct stlmd *d, struct stlmd_down *ret)
{
	(void)d;
	memset(ret, 0, sizeof(*ret));
	ret->magic = STLMD_DOWN_MAGIC;
	ret->state = STLMD_DOWN_UNREACHABLE;
}

uint64_t stlmd_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static void __attribute__((noreturn, format(printf, 1, 2))) die(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fputs("bench-stlmd: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	bench_tmp_cleanup();
	exit(1);
}

/* Enable every DE in one batch: groups, then the DEs without a group. */
static int enable_all(struct stlm_session *s)
{
	int n_groups = stlm_group_count(s), n = stlm_de_count(s), k = 0, r;
	struct stlm_batch_item *it;

	if (n_groups < 0 || n < 0)
		return -EIO;
	it = calloc((size_t)n_groups + (size_t)n + 1, sizeof(*it));
	if (!it)
		return -ENOMEM;
	for (int g = 0; g < n_groups; g++)
		it[k++] = (struct stlm_batch_item){ .op = STLM_BATCH_GROUP,
						    .id = (uint32_t)g,
						    .enable = true,
						    .timestamps = true };
	for (int i = 0; i < n; i++) {
		const struct stlm_de *de = stlm_de_at(s, (size_t)i);

		if (de && stlm_de_group(de) == STLM_GROUP_NONE)
			it[k++] = (struct stlm_batch_item){
				.op = STLM_BATCH_DE, .id = stlm_de_id(de),
				.enable = true, .timestamps = true };
	}
	r = stlm_batch_apply(s, it, (size_t)k);
	free(it);
	return r < 0 ? r : 0;
}

int main(int argc, char **argv)
{
	unsigned int n = argc > 1 ? (unsigned int)strtoul(argv[1], NULL, 0) : 50000;
	int runs = argc > 2 ? atoi(argv[2]) : 200;
	double budget = argc > 3 ? strtod(argv[3], NULL) : 1000;
	struct stlm_open_opts oo = { .size = sizeof(oo), .timeout_ms = 10000,
				     .no_catalog = true };
	char dir[] = "/tmp/bench-stlmd-XXXXXX", mem[64], uri[256], sock[64];
	char path[80];
	struct stlmp_opts o = { .seed = 1 };
	struct stlm_snapshot *snap, *dsnap;
	struct stlm_session *c, *direct;
	struct stlmp_config *cfg;
	struct stlmp_platform *p;
	struct stlmd d = { 0 };
	double *t_snap, *t_copy, *t_direct, t0, ms, ms_direct, t_start;
	const struct stlm_sample *v;
	size_t ns, valid = 0, total = 0;
	uint8_t *buf;
	int r, k;

	if (!n || runs < 1)
		die("usage: bench-stlmd [N] [RUNS] [BUDGET_MS]");
	if (!bench_tmp_make(dir) || stlmp_config_generate(n, &cfg) < 0)
		die("cannot set up %u DEs", n);
	snprintf(mem, sizeof(mem), "%s/mem", dir);
	snprintf(sock, sizeof(sock), "%s/stlmd.sock", dir);
	o.mem_path = mem;
	if ((r = stlmp_platform_new(cfg, &o, &p)) < 0)
		die("cannot create the platform: %s", strerror(-r));
	snprintf(uri, sizeof(uri), "unix:%s/p.sock", dir);
	if ((r = stlmp_platform_listen(p, uri)) < 0)
		die("listen %s: %s", uri, strerror(-r));
	snprintf(uri, sizeof(uri), "unix:%s/p.sock?mem=%s", dir, mem);

	/* baseline: a direct session's full discovery, closed again */
	t0 = bench_now_ms();
	if ((r = stlm_session_open(uri, &oo, &direct)) < 0)
		die("open %s: %s", uri, strerror(-r));
	ms_direct = bench_now_ms() - t0;
	stlm_session_close(direct);

	pthread_mutex_init(&d.lock, NULL);
	d.platform = uri;
	d.socket = sock;
	d.gid = getgid();
	if ((r = stlm_session_open(uri, &oo, &d.s)) < 0)
		die("open %s: %s", uri, strerror(-r));
	if ((r = stlmd_sock_start(&d)) < 0)
		die("socket %s: %s", sock, strerror(-r));

	snprintf(uri, sizeof(uri), "stlmd:%s", sock);
	t0 = bench_now_ms();
	if ((r = stlm_session_open(uri, &oo, &c)) < 0)
		die("open %s: %s", uri, strerror(-r));
	ms = bench_now_ms() - t0;
	bench_vs("stlmd_open", n, ms, "direct_open_unix", ms_direct, "ms");
	if ((r = enable_all(c)) < 0)
		die("enable: %s", strerror(-r));
	r = stlm_collection_set(c, STLM_GROUP_ALL, true, STLM_MODE_ON_DEMAND,
				1000000000ull);
	if (r < 0)
		die("collection: %s", strerror(-r));
	if ((r = stlm_snapshot_new(c, &snap)) < 0 ||
	    (r = stlm_snapshot_take(snap, 0)) < 0 ||
	    (r = stlm_snapshot_new(d.s, &dsnap)) < 0 ||
	    (r = stlm_snapshot_take(dsnap, 0)) < 0)
		die("snapshot: %s", strerror(-r));
	v = stlm_snapshot_samples(snap, &ns);
	for (size_t i = 0; i < ns; i++)
		valid += !!(v[i].flags & STLM_SAMPLE_VALID);
	if (ns != n || valid != n)
		die("snapshot: %zu samples, %zu valid, expected %u", ns, valid,
		    n);
	for (uint32_t i = 0; i < c->info.n_shmti; i++)
		total += c->shmti[i].desc.length;
	buf = malloc(total ? total : 1);
	t_snap = calloc((size_t)runs, sizeof(double));
	t_copy = calloc((size_t)runs, sizeof(double));
	t_direct = calloc((size_t)runs, sizeof(double));
	if (!buf || !t_snap || !t_copy || !t_direct)
		die("out of memory");
	t_start = bench_now_ms();
	for (k = 0; bench_more(k, 11, runs, t_start, budget); k++) {
		size_t off = 0;

		t0 = bench_now_ms();
		r = stlm_snapshot_take(snap, 0);
		t_snap[k] = bench_now_ms() - t0;
		if (r < 0)
			die("snapshot through stlmd: %s", strerror(-r));
		t0 = bench_now_ms();
		r = stlm_snapshot_take(dsnap, 0);
		t_direct[k] = bench_now_ms() - t0;
		if (r < 0)
			die("direct snapshot: %s", strerror(-r));
		t0 = bench_now_ms();
		for (uint32_t i = 0; i < c->info.n_shmti; i++) {
			if (!c->shmti[i].base)
				continue;
			memcpy(buf + off, c->shmti[i].base,
			       c->shmti[i].desc.length);
			off += c->shmti[i].desc.length;
		}
		__asm__ __volatile__("" : : "r"(buf) : "memory");
		t_copy[k] = bench_now_ms() - t0;
	}
	{
		double m_snap = bench_median(t_snap, (size_t)k);
		double m_copy = bench_median(t_copy, (size_t)k);
		double m_direct = bench_median(t_direct, (size_t)k);

		printf("# stlmd_snapshot: median of %d; %zu SHMTI bytes\n", k,
		       total);
		bench_vs("stlmd_snapshot", n, m_snap * 1e3,
			 "memcpy_shmti_bytes", m_copy * 1e3, "us");
		bench_vs("stlmd_snapshot_vs_direct", n, m_snap * 1e3,
			 "direct_snapshot", m_direct * 1e3, "us");
	}
	stlm_snapshot_free(snap);
	stlm_snapshot_free(dsnap);
	stlm_session_close(c);
	d.stopping = true;
	stlmd_sock_stop(&d);
	stlm_session_close(d.s);
	stlmp_platform_free(p);
	stlmp_config_free(cfg);
	unlink(mem);
	unlink(sock);
	snprintf(path, sizeof(path), "%s/p.sock", dir);
	unlink(path);
	bench_tmp_cleanup();
	free(buf);
	free(t_snap);
	free(t_copy);
	free(t_direct);
	return 0;
}
