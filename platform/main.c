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
#include "internal.h" /* stlmp_fault_parse(): --armed-fault checked at start */
#include "platform.h"

#define MAX_LISTEN 8
#define MAX_FAULTS 32
#define MAX_SPECS 64
#define OPT_ASTL_SPEC 0x100
#define OPT_INSTANCES 0x101

static volatile sig_atomic_t stop, clear_req, arm_req;
static int verbosity = STLMP_LOG_WARNING;

static void on_signal(int sig)
{
	if (sig == SIGUSR1)
		clear_req = 1; /* clear every fault */
	else if (sig == SIGUSR2)
		arm_req = 1; /* add the --armed-fault faults */
	else
		stop = 1;
}

/* Errors the platform library logged itself (not to be printed twice). */
static unsigned int n_errors_logged;

static void log_stderr(void *data, int level, const char *fmt, va_list ap)
{
	(void)data;
	if (level <= STLMP_LOG_ERR)
		n_errors_logged++;
	if (level > verbosity)
		return;
	fputs("stlm-platform: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

static void astl_warn(void *data, const char *msg)
{
	(void)data;
	if (verbosity >= STLMP_LOG_WARNING)
		fprintf(stderr, "stlm-platform: warning: %s\n", msg);
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
		"                      shm:DIR, rawfs:DIR or vhost-user:PATH (a\n"
		"                      virtio-scmi device); may be repeated\n"
		"  -m, --mem PATH      memory file (SHMTIs, FastChannels); default\n"
		"                      DIR/mem for shm:, else an anonymous file\n"
		"  -F, --fault SPEC    inject a fault (see stlm-platform(1)); may\n"
		"                      be repeated\n"
		"  -A, --armed-fault SPEC\n"
		"                      a fault added at every SIGUSR2; SIGUSR1\n"
		"                      clears every fault; may be repeated\n"
		"  -n, --des N         generate a platform of N DEs instead\n"
		"      --astl-spec FILE\n"
		"                      build the platform from an ASTL spec file\n"
		"                      instead; may be repeated (one SHMTI per\n"
		"                      instance of each spec)\n"
		"      --instances N   instances (targets) of the --astl-spec just\n"
		"                      before it (default 1)\n"
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
		{ "armed-fault", required_argument, NULL, 'A' },
		{ "des", required_argument, NULL, 'n' },
		{ "astl-spec", required_argument, NULL, OPT_ASTL_SPEC },
		{ "instances", required_argument, NULL, OPT_INSTANCES },
		{ "seed", required_argument, NULL, 's' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ 0 }
	};
	const char *config = NULL, *mem = NULL;
	const char *specs[MAX_SPECS];
	uint32_t spec_targets[MAX_SPECS];
	uint64_t n_inst;
	int n_specs = 0;
	const char *listen[MAX_LISTEN], *faults[MAX_FAULTS], *armed[MAX_FAULTS];
	int n_listen = 0, n_faults = 0, n_armed = 0, c, r, ret = EXIT_FAILURE;
	sigset_t block, orig;
	uint64_t des = 0, seed = 1;
	struct stlmp_config *cfg = NULL;
	struct stlmp_platform *p = NULL;
	struct stlmp_opts popts = { .log = log_stderr };
	char err[512], shm_mem[PATH_MAX];
	struct sigaction sa = { .sa_handler = on_signal };

	while ((c = getopt_long(argc, argv, "c:l:m:F:A:n:s:vqhV", opts, NULL)) != -1) {
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
		case OPT_ASTL_SPEC:
			if (n_specs == MAX_SPECS) {
				fprintf(stderr, "stlm-platform: at most %d --astl-spec\n",
					MAX_SPECS);
				return EXIT_FAILURE;
			}
			spec_targets[n_specs] = 1;
			specs[n_specs++] = optarg;
			break;
		case OPT_INSTANCES:
			if (!n_specs) {
				fprintf(stderr,
					"stlm-platform: --instances applies to the --astl-spec before it\n");
				return EXIT_FAILURE;
			}
			if (parse_u64(optarg, 4096, &n_inst) < 0 || !n_inst) {
				fprintf(stderr,
					"stlm-platform: --instances: expected 1..4096, got '%s'\n",
					optarg);
				return EXIT_FAILURE;
			}
			spec_targets[n_specs - 1] = (uint32_t)n_inst;
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
		case 'A':
			if (n_armed == MAX_FAULTS) {
				fprintf(stderr, "stlm-platform: at most %d --armed-fault\n",
					MAX_FAULTS);
				return EXIT_FAILURE;
			}
			armed[n_armed++] = optarg;
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
	if (n_specs && (config || des)) {
		fprintf(stderr, "stlm-platform: --astl-spec and --%s exclude each other\n",
			config ? "config" : "des");
		return EXIT_FAILURE;
	}

	if (n_specs)
		r = stlmp_config_from_astl(specs, spec_targets, (uint32_t)n_specs,
					   &cfg, astl_warn, NULL, err,
					   sizeof(err));
	else if (config)
		r = stlmp_config_load(config, &cfg, err, sizeof(err));
	else if (des)
		r = stlmp_config_generate((uint32_t)des, &cfg);
	else
		r = stlmp_config_default(&cfg);
	if (r < 0) {
		fprintf(stderr, "stlm-platform: %s\n",
			config || n_specs ? err : strerror(-r));
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
	/*
	 * Signals are blocked here, before the platform's threads exist (they
	 * inherit the mask), and taken only inside sigsuspend(): none is
	 * missed and every one wakes the loop below.
	 */
	sigemptyset(&block);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGUSR1);
	sigaddset(&block, SIGUSR2);
	sigprocmask(SIG_BLOCK, &block, &orig);
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
	for (int i = 0; i < n_armed; i++) {
		struct fault f;

		if (stlmp_fault_parse(armed[i], &f, err, sizeof(err)) < 0) {
			fprintf(stderr, "stlm-platform: bad fault '%s': %s\n",
				armed[i], err);
			goto out;
		}
	}
	for (int i = 0; i < n_listen; i++) {
		unsigned int before = n_errors_logged;

		r = stlmp_platform_listen(p, listen[i]);
		if (r < 0) {
			/* once: the library says it unless it failed earlier */
			if (n_errors_logged == before)
				fprintf(stderr, "stlm-platform: cannot listen on %s: %s\n",
					listen[i], strerror(-r));
			goto out;
		}
	}
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGUSR1, &sa, NULL);
	sigaction(SIGUSR2, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	if (verbosity >= STLMP_LOG_INFO)
		fprintf(stderr, "stlm-platform: serving %u DEs (%s), memory file %s\n",
			stlmp_platform_config(p)->n_des, stlmp_platform_config(p)->name,
			stlmp_platform_mem_path(p) ? stlmp_platform_mem_path(p) :
						     "(anonymous)");
	while (!stop) {
		sigsuspend(&orig);
		if (clear_req) {
			clear_req = 0;
			stlmp_platform_fault_clear(p);
			if (verbosity >= STLMP_LOG_INFO)
				fprintf(stderr, "stlm-platform: faults cleared\n");
		}
		if (arm_req) {
			arm_req = 0;
			for (int i = 0; i < n_armed; i++)
				stlmp_platform_fault_add(p, armed[i]);
			if (verbosity >= STLMP_LOG_INFO)
				fprintf(stderr, "stlm-platform: faults armed\n");
		}
	}
	ret = EXIT_SUCCESS;
out:
	stlmp_platform_free(p);
	stlmp_config_free(cfg);
	return ret;
}
