// SPDX-License-Identifier: MIT
/*
 * Copyright (c) 2026 The stlm authors
 *
 * stlmd client socket benchmarks: an in-process emulator of N generated
 * DEs, a daemon session on it and the socket server (daemon/sock.c), and a
 * client opened on "stlmd:SOCK". Prints one line per figure:
 *   BENCH <name> <value> <unit> [ratio=<r> vs=<baseline>]
 *
 *  - open through the daemon (HELLO, INFO, SHMTI_FDS, DES, STATE pages)
 *  - one snapshot of every DE through the memory file fd the daemon passed
 *    (zero copy, no syscall), against a memcpy of the same SHMTI bytes and
 *    against a snapshot on the daemon's own (direct) session
 *
 * Usage: bench-stlmd [N] [RUNS]   (defaults 50000, 200)
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <stlm/stlm.h>

#include "daemon.h"
#include "platform.h"
#include "session.h"

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

void stlmd_session_failed(struct stlmd *d, int err)
{
	(void)d;
	(void)err;
}

bool stlmd_err_is_fatal(int err)
{
	(void)err;
	return false;
}

uint64_t stlmd_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static double now_ms(void)
{
	return (double)stlmd_now_ns() / 1e6;
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
	struct stlm_open_opts oo = { .size = sizeof(oo), .timeout_ms = 10000,
				     .no_catalog = true };
	char dir[] = "/tmp/bench-stlmd-XXXXXX", mem[64], uri[256], sock[64];
	struct stlmp_opts o = { .seed = 1 };
	struct stlm_snapshot *snap, *dsnap;
	struct stlm_session *c;
	struct stlmp_config *cfg;
	struct stlmp_platform *p;
	struct stlmd d = { 0 };
	double *t_snap, *t_copy, *t_direct, t0, ms;
	const struct stlm_sample *v;
	size_t ns, valid = 0, total = 0;
	uint8_t *buf;

	if (runs < 1)
		runs = 1;
	if (!mkdtemp(dir) || stlmp_config_generate(n, &cfg) < 0)
		return 1;
	snprintf(mem, sizeof(mem), "%s/mem", dir);
	snprintf(sock, sizeof(sock), "%s/stlmd.sock", dir);
	o.mem_path = mem;
	if (stlmp_platform_new(cfg, &o, &p) < 0)
		return 1;
	snprintf(uri, sizeof(uri), "unix:%s/p.sock", dir);
	if (stlmp_platform_listen(p, uri) < 0)
		return 1;
	snprintf(uri, sizeof(uri), "unix:%s/p.sock?mem=%s", dir, mem);
	pthread_mutex_init(&d.lock, NULL);
	d.platform = uri;
	d.socket = sock;
	d.gid = getgid();
	if (stlm_session_open(uri, &oo, &d.s) < 0 || stlmd_sock_start(&d) < 0)
		return 1;

	snprintf(uri, sizeof(uri), "stlmd:%s", sock);
	t0 = now_ms();
	if (stlm_session_open(uri, &oo, &c) < 0)
		return 1;
	ms = now_ms() - t0;
	printf("BENCH stlmd_open_%uk %.1f ms\n", n / 1000, ms);
	if (enable_all(c) < 0) {
		printf("# enable failed\n");
		return 1;
	}
	stlm_collection_set(c, STLM_GROUP_ALL, true, STLM_MODE_ON_DEMAND,
			    1000000000ull);
	if (stlm_snapshot_new(c, &snap) < 0 || stlm_snapshot_take(snap, 0) < 0 ||
	    stlm_snapshot_new(d.s, &dsnap) < 0 ||
	    stlm_snapshot_take(dsnap, 0) < 0)
		return 1;
	v = stlm_snapshot_samples(snap, &ns);
	for (size_t i = 0; i < ns; i++)
		valid += !!(v[i].flags & STLM_SAMPLE_VALID);
	for (uint32_t i = 0; i < c->info.n_shmti; i++)
		total += c->shmti[i].desc.length;
	buf = malloc(total ? total : 1);
	t_snap = calloc((size_t)runs, sizeof(double));
	t_copy = calloc((size_t)runs, sizeof(double));
	t_direct = calloc((size_t)runs, sizeof(double));
	if (!buf || !t_snap || !t_copy || !t_direct)
		return 1;
	for (int k = 0; k < runs; k++) {
		size_t off = 0;

		t0 = now_ms();
		stlm_snapshot_take(snap, 0);
		t_snap[k] = now_ms() - t0;
		t0 = now_ms();
		stlm_snapshot_take(dsnap, 0);
		t_direct[k] = now_ms() - t0;
		t0 = now_ms();
		for (uint32_t i = 0; i < c->info.n_shmti; i++) {
			if (!c->shmti[i].base)
				continue;
			memcpy(buf + off, c->shmti[i].base,
			       c->shmti[i].desc.length);
			off += c->shmti[i].desc.length;
		}
		__asm__ __volatile__("" : : "r"(buf) : "memory");
		t_copy[k] = now_ms() - t0;
	}
	{
		double m_snap = median(t_snap, (size_t)runs);
		double m_copy = median(t_copy, (size_t)runs);
		double m_direct = median(t_direct, (size_t)runs);

		printf("BENCH stlmd_memcpy_shmti_bytes_%uk %.1f us (%zu bytes)\n",
		       n / 1000, m_copy * 1e3, total);
		printf("BENCH stlmd_snapshot_%uk %.1f us ratio=%.2f vs=stlmd_memcpy_shmti_bytes"
		       " (%zu samples, %zu valid)\n",
		       n / 1000, m_snap * 1e3, m_snap / m_copy, ns, valid);
		printf("BENCH stlmd_snapshot_vs_direct_%uk %.1f us ratio=%.2f vs=direct_snapshot\n",
		       n / 1000, m_snap * 1e3, m_snap / m_direct);
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
	rmdir(dir);
	free(buf);
	free(t_snap);
	free(t_copy);
	free(t_direct);
	return 0;
}
