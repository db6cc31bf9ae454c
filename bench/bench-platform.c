// SPDX-License-Identifier: MIT
/*
 * Copyright (c) 2026 The stlm authors
 *
 * Emulator benchmarks. Prints one line per figure:
 *   BENCH <name> <value> <unit> [ratio=<r> vs=<baseline>]
 *
 *  - discovery of N DEs (DE_DESCRIPTION pages) over unix: and shm:
 *  - CPU cost of refreshing N enabled DEs every 10 ms (fraction of one
 *    core), against a memcpy of the same SHMTI bytes at the same rate
 *    measured in the same run.
 *
 * Usage: bench-platform [N] [SECONDS]   (defaults 50000, 3)
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "platform.h"
#include "tagent.h"
#include "telemetry.h"

static double now_s(clockid_t clk)
{
	struct timespec ts;

	clock_gettime(clk, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int discover(struct tagent *a, uint32_t n_des, double *ret_ms)
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
	}
	*ret_ms = (now_s(CLOCK_MONOTONIC) - t0) * 1e3;
	return 0;
}

int main(int argc, char **argv)
{
	uint32_t n = argc > 1 ? (uint32_t)strtoul(argv[1], NULL, 0) : 50000;
	double secs = argc > 2 ? strtod(argv[2], NULL) : 3.0;
	struct stlmp_config *cfg;
	struct stlmp_platform *p;
	struct stlmp_opts o = { .seed = 1 };
	struct tagent *a;
	char dir[] = "/tmp/stlm-bench-XXXXXX", uri[256], mem[256];
	static uint8_t r[TA_MAX_MSG];
	double ms, c0, c1, w0, w1, plat, base;
	struct stlmp_stats st0, st1;
	int rc;

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

	/* discovery over unix: */
	snprintf(uri, sizeof(uri), "unix:%s/p.sock", dir);
	if (stlmp_platform_listen(p, uri) < 0 || ta_new_uri(uri, &a) < 0)
		return 1;
	rc = discover(a, n, &ms);
	if (rc < 0) {
		fprintf(stderr, "discovery failed: %s\n", strerror(-rc));
		return 1;
	}
	printf("BENCH platform_discovery_%uk_unix %.1f ms\n", n / 1000, ms);
	ta_free(a);

	/* discovery over shm: */
	snprintf(uri, sizeof(uri), "shm:%s", dir);
	if (stlmp_platform_listen(p, uri) == 0 && ta_new_uri(uri, &a) == 0) {
		if (discover(a, n, &ms) == 0)
			printf("BENCH platform_discovery_%uk_shm %.1f ms\n",
			       n / 1000, ms);
		ta_free(a);
	}

	/* enable everything through the groups, collect every 10 ms; the
	 * shm server notices the previous agent's departure asynchronously */
	for (int i = 0; (rc = ta_new_inproc(p, &a)) == -EBUSY && i < 200; i++)
		usleep(10000);
	if (rc < 0) {
		fprintf(stderr, "cannot attach: %s\n", strerror(-rc));
		return 1;
	}
	for (uint32_t g = 0; g < cfg->n_groups; g++) {
		uint8_t b[8];

		scmi_put_le32(b, g);
		scmi_put_le32(b + 4, 1u | (1u << 3));
		ta_xfer(a, SCMI_PROTO_TELEMETRY, SCMI_TLM_DE_CONFIGURE, b, 8, r,
			sizeof(r), 5000);
	}
	for (uint32_t i = 0; i < cfg->n_des; i++) {
		uint8_t b[8];

		if (cfg->des[i].desc.group_id != SCMI_TLM_GROUP_NONE)
			continue;
		scmi_put_le32(b, cfg->des[i].desc.id);
		scmi_put_le32(b + 4, 1);
		ta_xfer(a, SCMI_PROTO_TELEMETRY, SCMI_TLM_DE_CONFIGURE, b, 8, r,
			sizeof(r), 5000);
	}
	{
		uint8_t b[12];

		scmi_put_le32(b, SCMI_TLM_GROUP_NONE);
		scmi_put_le32(b + 4, 1u | (2u << 5));
		scmi_put_le32(b + 8, 0x15D); /* 10 ms */
		ta_xfer(a, SCMI_PROTO_TELEMETRY, SCMI_TLM_CONFIG_SET, b, 12, r,
			sizeof(r), 5000);
		if (scmi_get_le32(r) != 0) {
			fprintf(stderr, "CONFIG_SET failed: %d\n",
				(int32_t)scmi_get_le32(r));
			return 1;
		}
	}
	stlmp_platform_stats(p, &st0);
	w0 = now_s(CLOCK_MONOTONIC);
	c0 = now_s(CLOCK_PROCESS_CPUTIME_ID);
	usleep((useconds_t)(secs * 1e6));
	c1 = now_s(CLOCK_PROCESS_CPUTIME_ID);
	w1 = now_s(CLOCK_MONOTONIC);
	stlmp_platform_stats(p, &st1);
	plat = (c1 - c0) / (w1 - w0);

	/* baseline: copy the same number of line bytes at the same rate */
	{
		size_t bytes = (size_t)(st1.lines_written - st0.lines_written) *
			       16;
		uint8_t *src = malloc(16u * n), *dst = malloc(16u * n);
		size_t done = 0;
		double b0 = now_s(CLOCK_PROCESS_CPUTIME_ID);

		memset(src, 0x5A, 16u * n);
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
	printf("BENCH platform_update_%uk_10ms_cpu %.4f cores ratio=%.1f vs=memcpy_same_bytes\n",
	       n / 1000, plat, base > 0 ? plat / base : 0.0);
	printf("BENCH platform_update_%uk_10ms_passes %.1f per_s\n", n / 1000,
	       (double)(st1.updates - st0.updates) / (w1 - w0));
	ta_free(a);
	stlmp_platform_free(p);
	stlmp_config_free(cfg);
	unlink(mem);
	{
		char sock[300];

		snprintf(sock, sizeof(sock), "%s/p.sock", dir);
		unlink(sock);
		snprintf(sock, sizeof(sock), "%s/doorbell", dir);
		unlink(sock);
	}
	rmdir(dir);
	return 0;
}
