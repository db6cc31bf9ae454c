// SPDX-License-Identifier: MIT
/*
 * Copyright (c) 2026 The stlm authors
 *
 * stlm-platform: serve an emulated SCMI Telemetry platform.
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config.h"
#include "platform.h"

#define MAX_LISTEN 8
#define MAX_FAULTS 32

static volatile sig_atomic_t stop;
static int verbosity = STLMP_LOG_WARNING;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static void log_stderr(void *data, int level, const char *fmt, va_list ap)
{
	(void)data;
	if (level > verbosity)
		return;
	fputs("stlm-platform: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: stlm-platform [OPTION]... --listen URI [--listen URI]...\n"
		"Serve an emulated Arm SCMI v4.0 Telemetry platform.\n"
		"\n"
		"  -c, --config FILE   platform description (JSON); default: the\n"
		"                      built-in SoC\n"
		"  -l, --listen URI    unix:PATH, tcp:HOST:PORT (loopback only),\n"
		"                      shm:DIR or rawfs:DIR; may be repeated\n"
		"  -m, --mem PATH      memory file (SHMTIs, FastChannels); default\n"
		"                      DIR/mem for shm:, else an anonymous file\n"
		"  -F, --fault SPEC    inject a fault (see stlm-platform(1)); may\n"
		"                      be repeated\n"
		"  -n, --des N         generate a platform of N DEs instead\n"
		"  -s, --seed S        generator seed (default 1)\n"
		"  -v, --verbose       more log output (repeat for debug)\n"
		"  -q, --quiet         errors only\n"
		"  -h, --help          this help\n"
		"  -V, --version       print the version\n"
		"\n"
		"Runs until SIGINT or SIGTERM.\n");
}

static int parse_u64(const char *s, uint64_t max, uint64_t *ret)
{
	char *end;
	unsigned long long v;

	if (!s[0] || s[0] == '-')
		return -EINVAL;
	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno || *end || v > max)
		return -EINVAL;
	*ret = v;
	return 0;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "listen", required_argument, NULL, 'l' },
		{ "mem", required_argument, NULL, 'm' },
		{ "fault", required_argument, NULL, 'F' },
		{ "des", required_argument, NULL, 'n' },
		{ "seed", required_argument, NULL, 's' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ 0 }
	};
	const char *config = NULL, *mem = NULL;
	const char *listen[MAX_LISTEN], *faults[MAX_FAULTS];
	int n_listen = 0, n_faults = 0, c, r, ret = EXIT_FAILURE;
	uint64_t des = 0, seed = 1;
	struct stlmp_config *cfg = NULL;
	struct stlmp_platform *p = NULL;
	struct stlmp_opts popts = { .log = log_stderr };
	char err[512], shm_mem[PATH_MAX];
	struct sigaction sa = { .sa_handler = on_signal };

	while ((c = getopt_long(argc, argv, "c:l:m:F:n:s:vqhV", opts, NULL)) != -1) {
		switch (c) {
		case 'c':
			config = optarg;
			break;
		case 'l':
			if (n_listen == MAX_LISTEN) {
				fprintf(stderr, "stlm-platform: at most %d --listen\n",
					MAX_LISTEN);
				return EXIT_FAILURE;
			}
			listen[n_listen++] = optarg;
			break;
		case 'm':
			mem = optarg;
			break;
		case 'F':
			if (n_faults == MAX_FAULTS) {
				fprintf(stderr, "stlm-platform: at most %d --fault\n",
					MAX_FAULTS);
				return EXIT_FAILURE;
			}
			faults[n_faults++] = optarg;
			break;
		case 'n':
			if (parse_u64(optarg, 1000000, &des) < 0 || des == 0) {
				fprintf(stderr,
					"stlm-platform: --des: expected 1..1000000, got '%s'\n",
					optarg);
				return EXIT_FAILURE;
			}
			break;
		case 's':
			if (parse_u64(optarg, UINT64_MAX, &seed) < 0) {
				fprintf(stderr,
					"stlm-platform: --seed: expected a number, got '%s'\n",
					optarg);
				return EXIT_FAILURE;
			}
			break;
		case 'v':
			verbosity = verbosity < STLMP_LOG_INFO ? STLMP_LOG_INFO :
								 STLMP_LOG_DEBUG;
			break;
		case 'q':
			verbosity = STLMP_LOG_ERR;
			break;
		case 'h':
			usage(stdout);
			return EXIT_SUCCESS;
		case 'V':
			printf("stlm-platform %s\n", STLM_VERSION);
			return EXIT_SUCCESS;
		default:
			fprintf(stderr, "Try 'stlm-platform --help'.\n");
			return EXIT_FAILURE;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "stlm-platform: unexpected argument '%s'\n"
				"Try 'stlm-platform --help'.\n", argv[optind]);
		return EXIT_FAILURE;
	}
	if (!n_listen) {
		fprintf(stderr, "stlm-platform: nothing to serve: give --listen URI\n"
				"Try 'stlm-platform --help'.\n");
		return EXIT_FAILURE;
	}
	if (config && des) {
		fprintf(stderr, "stlm-platform: --config and --des exclude each other\n");
		return EXIT_FAILURE;
	}

	if (config)
		r = stlmp_config_load(config, &cfg, err, sizeof(err));
	else if (des)
		r = stlmp_config_generate((uint32_t)des, &cfg);
	else
		r = stlmp_config_default(&cfg);
	if (r < 0) {
		fprintf(stderr, "stlm-platform: %s\n",
			config ? err : strerror(-r));
		return EXIT_FAILURE;
	}

	/* shm: the memory file lives in the shm directory unless --mem. */
	for (int i = 0; i < n_listen && !mem; i++) {
		if (!strncmp(listen[i], "shm:", 4) && listen[i][4]) {
			if (mkdir(listen[i] + 4, 0755) < 0 && errno != EEXIST) {
				fprintf(stderr, "stlm-platform: %s: %s\n",
					listen[i] + 4, strerror(errno));
				goto out;
			}
			snprintf(shm_mem, sizeof(shm_mem), "%s/mem", listen[i] + 4);
			mem = shm_mem;
		}
	}
	popts.mem_path = mem;
	popts.seed = seed;
	r = stlmp_platform_new(cfg, &popts, &p);
	if (r < 0) {
		fprintf(stderr, "stlm-platform: cannot start the platform: %s\n",
			strerror(-r));
		goto out;
	}
	for (int i = 0; i < n_faults; i++) {
		if (stlmp_platform_fault_add(p, faults[i]) < 0)
			goto out;
	}
	for (int i = 0; i < n_listen; i++) {
		r = stlmp_platform_listen(p, listen[i]);
		if (r < 0) {
			fprintf(stderr, "stlm-platform: cannot listen on %s: %s\n",
				listen[i], strerror(-r));
			goto out;
		}
	}
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	if (verbosity >= STLMP_LOG_INFO)
		fprintf(stderr, "stlm-platform: serving %u DEs (%s), memory file %s\n",
			stlmp_platform_config(p)->n_des, stlmp_platform_config(p)->name,
			stlmp_platform_mem_path(p) ? stlmp_platform_mem_path(p) :
						     "(anonymous)");
	while (!stop)
		pause();
	ret = EXIT_SUCCESS;
out:
	stlmp_platform_free(p);
	stlmp_config_free(cfg);
	return ret;
}
