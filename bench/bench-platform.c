// SPDX-License-Identifier: MIT
/*
 * Copyright (c) 2026 The stlm authors
 *
 * Emulator benchmarks, one line per figure (bench-util.h):
 *
 *  - discovery of N DEs (every DE_DESCRIPTION page) over unix: and shm:,
 *    against the same number of bare round trips (telemetry
 *    PROTOCOL_VERSION) on the same transport: what building and decoding
 *    the descriptor pages adds to the transport (medians of 5);
 *  - CPU cost of refreshing N enabled DEs every 10 ms (fraction of one
 *    core), against a memcpy of the same line bytes at the same rate,
 *    measured in the same run; and the refresh passes per second.
 *
 * Any failed command is fatal (exit 1).
 *
 * Usage: bench-platform [N] [SECONDS]   (defaults 50000, 3)
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "bench-util.h"
#include "platform.h"
#include "tagent.h"
#include "telemetry.h"

static double now_s(clockid_t clk)
{
	struct timespec ts;

	clock_gettime(clk, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void __attribute__((noreturn, format(printf, 1, 2))) die(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fputs("bench-platform: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	bench_tmp_cleanup();
	exit(1);
}

/* Every DE_DESCRIPTION page; *ret_pages: the round trips it took. */
static int discover(struct ta_agent *a, uint32_t n_des, double *ret_ms,
		    int *ret_pages)
{
	static struct scmi_tlm_de_desc d[1024];
	static uint8_t r[TA_MAX_MSG];
	uint32_t idx = 0;
	double t0 = now_s(CLOCK_MONOTONIC);

	while (idx < n_des) {
		struct scmi_list_hdr h;
		uint8_t b[4];
		int n, k;

		scmi_u32_req_encode(idx, b, 4);
		n = ta_xfer(a, SCMI_PROTO_TELEMETRY, SCMI_TLM_DE_DESCRIPTION, b, 4,
			    r, sizeof(r), 5000);
		if (n < 0)
			return n;
		k = scmi_tlm_de_description_resp_decode(r, (size_t)n, &h, d, 1024);
		if (k <= 0)
			return k < 0 ? k : -EPROTO;
		idx += (uint32_t)k;
		(*ret_pages)++;
	}
	*ret_ms = (now_s(CLOCK_MONOTONIC) - t0) * 1e3;
	return 0;
}

/* pages bare round trips (PROTOCOL_VERSION) on the same agent. */
static int round_trips(struct ta_agent *a, int pages, double *ret_ms)
{
	static uint8_t r[TA_MAX_MSG];
	double t0 = now_s(CLOCK_MONOTONIC);

	for (int i = 0; i < pages; i++) {
		int n = ta_xfer(a, SCMI_PROTO_TELEMETRY,
				SCMI_TLM_PROTOCOL_VERSION, NULL, 0, r,
				sizeof(r), 5000);

		if (n < 4 || scmi_get_le32(r) != 0)
			return n < 0 ? n : -EPROTO;
	}
	*ret_ms = (now_s(CLOCK_MONOTONIC) - t0) * 1e3;
	return 0;
}

#define ROUNDS 5

/* Discovery on uri, then its baseline (medians); one figure. */
static void bench_discovery(const char *uri, const char *name, uint32_t n)
{
	double t[ROUNDS], b[ROUNDS];
	struct ta_agent *a;
	int pages = 0, rc;

	rc = ta_new_uri_ready(uri, 3000, &a);
	if (rc < 0)
		die("%s: cannot attach: %s", uri, strerror(-rc));
	for (int k = 0; k < ROUNDS; k++) {
		pages = 0;
		rc = discover(a, n, &t[k], &pages);
		if (rc < 0)
			die("%s: discovery failed: %s", uri, strerror(-rc));
		rc = round_trips(a, pages, &b[k]);
		if (rc < 0)
			die("%s: PROTOCOL_VERSION failed: %s", uri,
			    strerror(-rc));
	}
	bench_vs(name, n, bench_median(t, ROUNDS), "bare_round_trips",
		 bench_median(b, ROUNDS), "ms");
	printf("# %s: %d DE_DESCRIPTION pages\n", name, pages);
	ta_free(a);
}

/* A configuration command that must succeed. */
static void configure(struct ta_agent *a, uint8_t msg, const uint8_t *b,
		      size_t len)
{
	static uint8_t r[TA_MAX_MSG];
	int n = ta_xfer(a, SCMI_PROTO_TELEMETRY, msg, b, len, r, sizeof(r),
			5000);

	if (n < 4 || scmi_get_le32(r) != 0)
		die("command 0x%x failed: %d", msg,
		    n < 4 ? n : (int32_t)scmi_get_le32(r));
}

int main(int argc, char **argv)
{
	uint32_t n = argc > 1 ? (uint32_t)strtoul(argv[1], NULL, 0) : 50000;
	double secs = argc > 2 ? strtod(argv[2], NULL) : 3.0;
	struct stlmp_config *cfg;
	struct stlmp_platform *p;
	struct stlmp_opts o = { .seed = 1 };
	struct ta_agent *a;
	char dir[] = "/tmp/stlm-bench-XXXXXX", uri[256], mem[256], path[300];
	double c0, c1, w0, w1, plat, base;
	struct stlmp_stats st0, st1;
	int rc;

	if (!n || !(secs > 0))
		die("usage: bench-platform [N] [SECONDS]");
	if (!bench_tmp_make(dir))
		die("mkdtemp: %s", strerror(errno));
	if (stlmp_config_generate(n, &cfg) < 0)
		die("cannot generate %u DEs", n);
	snprintf(mem, sizeof(mem), "%s/mem", dir);
	o.mem_path = mem;
	rc = stlmp_platform_new(cfg, &o, &p);
	if (rc < 0)
		die("cannot create the platform: %s", strerror(-rc));

	snprintf(uri, sizeof(uri), "unix:%s/p.sock", dir);
	rc = stlmp_platform_listen(p, uri);
	if (rc < 0)
		die("listen %s: %s", uri, strerror(-rc));
	bench_discovery(uri, "platform_discovery_unix", n);
	snprintf(uri, sizeof(uri), "shm:%s", dir);
	rc = stlmp_platform_listen(p, uri);
	if (rc < 0)
		die("listen %s: %s", uri, strerror(-rc));
	bench_discovery(uri, "platform_discovery_shm", n);

	/* enable everything through the groups, collect every 10 ms */
	for (int i = 0; (rc = ta_new_inproc(p, &a)) == -EBUSY && i < 200; i++)
		usleep(10000);
	if (rc < 0)
		die("cannot attach: %s", strerror(-rc));
	for (uint32_t g = 0; g < cfg->n_groups; g++) {
		uint8_t b[8];

		scmi_put_le32(b, g);
		scmi_put_le32(b + 4, 1u | (1u << 3));
		configure(a, SCMI_TLM_DE_CONFIGURE, b, 8);
	}
	for (uint32_t i = 0; i < cfg->n_des; i++) {
		uint8_t b[8];

		if (cfg->des[i].desc.group_id != SCMI_TLM_GROUP_NONE)
			continue;
		scmi_put_le32(b, cfg->des[i].desc.id);
		scmi_put_le32(b + 4, 1);
		configure(a, SCMI_TLM_DE_CONFIGURE, b, 8);
	}
	{
		uint8_t b[12];

		scmi_put_le32(b, SCMI_TLM_GROUP_NONE);
		scmi_put_le32(b + 4, 1u | (2u << 5));
		scmi_put_le32(b + 8, 0x15D); /* 10 ms */
		configure(a, SCMI_TLM_CONFIG_SET, b, 12);
	}
	stlmp_platform_stats(p, &st0);
	w0 = now_s(CLOCK_MONOTONIC);
	c0 = now_s(CLOCK_PROCESS_CPUTIME_ID);
	usleep((useconds_t)(secs * 1e6));
	c1 = now_s(CLOCK_PROCESS_CPUTIME_ID);
	w1 = now_s(CLOCK_MONOTONIC);
	stlmp_platform_stats(p, &st1);
	plat = (c1 - c0) / (w1 - w0);
	if (st1.lines_written == st0.lines_written)
		die("no line was written in %.1f s", w1 - w0);

	/* baseline: copy the same number of line bytes at the same rate */
	{
		size_t bytes = (size_t)(st1.lines_written - st0.lines_written) *
			       16;
		uint8_t *src = malloc(16u * n), *dst = malloc(16u * n);
		size_t done = 0;
		double b0;

		if (!src || !dst)
			die("out of memory");
		memset(src, 0x5A, 16u * n);
		memset(dst, 0, 16u * n);
		b0 = now_s(CLOCK_PROCESS_CPUTIME_ID);
		while (done < bytes) {
			size_t chunk = bytes - done < 16u * n ? bytes - done :
								 16u * n;

			memcpy(dst, src, chunk);
			__asm__ volatile("" ::"r"(dst) : "memory");
			done += chunk;
		}
		base = (now_s(CLOCK_PROCESS_CPUTIME_ID) - b0) / (w1 - w0);
		free(src);
		free(dst);
	}
	bench_vs("platform_update_10ms_cpu", n, plat, "memcpy_same_bytes",
		 base, "cores");
	bench_figure("platform_update_10ms_passes", n,
		     (double)(st1.updates - st0.updates) / (w1 - w0), "per_s");
	ta_free(a);
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
