// SPDX-License-Identifier: MIT
/*
 * Copyright (c) 2026 The stlm authors
 *
 * stlmd: owns the platform channel through one libstlm session and serves
 * it as a FUSE tree (fuse.c, docs/stlmfs.md) and, later, a client socket
 * (sock.c).
 *
 * main(): parse → open the session (a failure is not fatal: the tree
 * answers EIO until the platform answers) → block the signals → start the
 * FUSE session and mount → sigwait(SIGTERM, SIGINT) → unmount → close.
 */
#define FUSE_USE_VERSION 314

#include <errno.h>
#include <malloc.h>
#include <getopt.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include <fuse_opt.h>

#include "config.h"
#include "daemon.h"
#include "owner.h"
#include "stlmd-wire.h"

/*
 * Between attempts to reach the platform: the first retry after
 * RETRY_MIN_NS, doubling up to RETRY_MAX_NS while it stays unreachable.
 * One log line per change (a new error, reached again), not per attempt.
 */
#define RETRY_MIN_NS 200000000ull
#define RETRY_MAX_NS 5000000000ull
/* exit status when stopped without ever having reached the platform */
#define EXIT_PLATFORM_NEVER_REACHED 3
#define MAX_RETIRED 64

static bool use_syslog;

/* Under d->lock: the reconnection backoff and what was last logged. */
static uint64_t retry_delay_ns;
static int last_open_err;
static unsigned long failed_attempts;
static bool ever_reached;

uint64_t stlmd_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static void stlmd_vlog(struct stlmd *d, int level, const char *fmt, va_list ap)
{
	int max = LOG_WARNING + (d ? d->verbose : 0);

	if (level > max)
		return;
	if (use_syslog) {
		vsyslog(level, fmt, ap);
		return;
	}
	fputs("stlmd: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

void stlmd_log(struct stlmd *d, int level, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	stlmd_vlog(d, level, fmt, ap);
	va_end(ap);
}

static void lib_log(void *data, int level, const char *fmt, va_list ap)
{
	stlmd_vlog(data, level, fmt, ap);
}

/*
 * Called with d->lock held. Other threads may still be inside calls on the
 * old session, so it is not closed here: its channel is released (every
 * call on it fails, the transport is closed so the platform takes a new
 * agent) and the object is kept until exit (the list is bounded; beyond it
 * the oldest is closed, by then long idle).
 */
static void stlmd_retire_locked(struct stlmd *d)
{
	if (!d->s)
		return;
	stlm_owner_release(d->s);
	if (d->n_retired == MAX_RETIRED) {
		stlm_session_close(d->retired[0]);
		memmove(d->retired, d->retired + 1,
			(MAX_RETIRED - 1) * sizeof(*d->retired));
		d->n_retired--;
	}
	d->retired[d->n_retired++] = d->s;
	d->s = NULL;
}

struct stlm_session *stlmd_session(struct stlmd *d)
{
	struct stlm_open_opts o = {
		.size = sizeof(o),
		.timeout_ms = 500,
		.retries = 1,
		.log = lib_log,
	};
	struct stlm_session *s;
	uint64_t now;
	int r;

	pthread_mutex_lock(&d->lock);
	s = d->s;
	if (s && d->unresponsive)
		s = NULL; /* EIO until the probe gets an answer */
	if (d->s || d->stopping) {
		pthread_mutex_unlock(&d->lock);
		if (!s)
			errno = EIO;
		return s;
	}
	now = stlmd_now_ns();
	if (now < d->next_retry_ns) {
		pthread_mutex_unlock(&d->lock);
		errno = EIO;
		return NULL;
	}
	o.log_data = d;
	o.discovery = d->lazy ? STLM_DISCOVERY_LAZY : STLM_DISCOVERY_FULL;
	r = stlm_session_open(d->platform, &o, &s);
	if (r < 0) {
		retry_delay_ns = retry_delay_ns ? retry_delay_ns * 2 : RETRY_MIN_NS;
		if (retry_delay_ns > RETRY_MAX_NS)
			retry_delay_ns = RETRY_MAX_NS;
		d->next_retry_ns = stlmd_now_ns() + retry_delay_ns;
		failed_attempts++;
		if (r != last_open_err)
			stlmd_log(d, LOG_WARNING,
				  "platform %s: %s (retrying, every %u s at most; files answer EIO meanwhile)",
				  d->platform, strerror(-r),
				  (unsigned int)(RETRY_MAX_NS / 1000000000ull));
		last_open_err = r;
		d->down_err = r;
		if (!d->down_since_ns)
			d->down_since_ns = now;
		d->platform_ok = false;
		pthread_mutex_unlock(&d->lock);
		errno = EIO;
		return NULL;
	}
	d->s = s;
	d->platform_ok = true;
	d->reconnects++;
	if (d->lost || last_open_err) {
		/* at the level of "lost": whoever saw one sees the other */
		stlmd_log(d, LOG_WARNING, "platform %s %s (after %lu failed attempt%s)",
			  d->platform, ever_reached ? "recovered" : "reached",
			  failed_attempts, failed_attempts == 1 ? "" : "s");
		d->lost = false;
	}
	ever_reached = true;
	d->down_since_ns = 0;
	d->down_err = 0;
	retry_delay_ns = 0;
	last_open_err = 0;
	failed_attempts = 0;
	pthread_mutex_unlock(&d->lock);
	return s;
}

void stlmd_platform_down(struct stlmd *d, struct stlmd_down *ret)
{
	uint64_t now = stlmd_now_ns();

	memset(ret, 0, sizeof(*ret));
	ret->magic = STLMD_DOWN_MAGIC;
	snprintf(ret->platform, sizeof(ret->platform), "%s", d->platform);
	pthread_mutex_lock(&d->lock);
	ret->state = d->s && d->unresponsive ? STLMD_DOWN_UNRESPONSIVE :
		     ever_reached ? STLMD_DOWN_LOST : STLMD_DOWN_UNREACHABLE;
	ret->last_err = d->down_err < 0 ? d->down_err : 0;
	ret->attempts = (uint32_t)failed_attempts;
	if (d->down_since_ns && now > d->down_since_ns)
		ret->down_ns = now - d->down_since_ns;
	if (!d->s && d->next_retry_ns > now)
		ret->retry_ns = d->next_retry_ns - now;
	pthread_mutex_unlock(&d->lock);
}

bool stlmd_request_failed(struct stlmd *d, struct stlm_session *s, int err)
{
	enum stlm_state st;
	int why = 0;

	if (err >= 0)
		return false;
	if (!s) {
		pthread_mutex_lock(&d->lock);
		s = d->s;
		pthread_mutex_unlock(&d->lock);
		if (!s)
			return true;
	}
	/*
	 * The session's state, not the request's errno: "no such group" or a
	 * platform's DENIED leave the channel as it was. Asked without
	 * d->lock (it may look at the platform's directory).
	 */
	st = stlm_session_state(s, &why);
	if (st != STLM_STATE_LOST && err != -ETIMEDOUT)
		return false;
	pthread_mutex_lock(&d->lock);
	if (d->s != s) {
		/* already retired (or never current): nothing to do */
	} else if (st == STLM_STATE_LOST) {
		d->unresponsive = false;
		if (!d->lost)
			stlmd_log(d, LOG_WARNING, "platform %s lost: %s",
				  d->platform, strerror(why ? -why : -err));
		d->lost = true;
		d->down_since_ns = stlmd_now_ns();
		d->down_err = why ? why : err;
		stlmd_retire_locked(d);
		d->platform_ok = false;
		d->next_retry_ns = 0;
	} else {
		/*
		 * No answer, but the channel is still ours: keep the session.
		 * Files that need the platform give EIO until the pump's probe
		 * gets an answer again (stlmd_session_ok()).
		 */
		if (!d->unresponsive)
			stlmd_log(d, LOG_WARNING, "platform %s not answering: %s",
				  d->platform, strerror(-err));
		d->unresponsive = true;
		if (!d->down_since_ns)
			d->down_since_ns = stlmd_now_ns();
		d->down_err = err;
		d->platform_ok = false;
	}
	pthread_mutex_unlock(&d->lock);
	return true;
}

struct stlm_session *stlmd_session_unresponsive(struct stlmd *d)
{
	struct stlm_session *s;

	pthread_mutex_lock(&d->lock);
	s = d->unresponsive ? d->s : NULL;
	pthread_mutex_unlock(&d->lock);
	return s;
}

void stlmd_session_ok(struct stlmd *d)
{
	pthread_mutex_lock(&d->lock);
	if (d->unresponsive) {
		d->unresponsive = false;
		d->platform_ok = true;
		d->down_since_ns = 0;
		d->down_err = 0;
		stlmd_log(d, LOG_NOTICE, "platform %s answers again", d->platform);
	}
	pthread_mutex_unlock(&d->lock);
}

/* ---------------------------------------------------------------- */
/* Options                                                          */

/* The texts of uid=, gid= and umask= are checked by opt_number(). */
struct mount_opts {
	char *uid, *gid, *umask;
	int lazy;
};

#define MOPT(t, p, v) { t, offsetof(struct mount_opts, p), v }
static const struct fuse_opt stlmd_mount_opts[] = {
	MOPT("uid=%s", uid, 0),
	MOPT("gid=%s", gid, 0),
	MOPT("umask=%s", umask, 0),
	MOPT("lazy", lazy, 1),
	MOPT("nolazy", lazy, 0),
	FUSE_OPT_END
};

static int stlmd_opt_proc(void *data, const char *arg, int key,
			  struct fuse_args *outargs)
{
	(void)data;
	(void)outargs;
	if (key == FUSE_OPT_KEY_OPT) {
		fprintf(stderr, "stlmd: unknown mount option '%s'\n", arg);
		return -1;
	}
	return 1;
}

/*
 * A mount option's number: only digits of @base (no sign, no blanks, no
 * 0x), at most @max. -1 when it is not one.
 */
static long long opt_number(const char *name, const char *txt, int base,
			    unsigned long long max)
{
	unsigned long long v = 0;

	for (const char *p = txt; *p; p++) {
		unsigned int dg = (unsigned int)(*p - '0');

		if (*p < '0' || dg >= (unsigned int)base ||
		    v > (max - dg) / (unsigned int)base) {
			v = max + 1;
			break;
		}
		v = v * (unsigned int)base + dg;
	}
	if (!*txt || v > max) {
		if (base == 8)
			fprintf(stderr, "stlmd: %s=%s: expected an octal number 0..0%llo\n",
				name, txt, max);
		else
			fprintf(stderr, "stlmd: %s=%s: expected a decimal number 0..%llu\n",
				name, txt, max);
		return -1;
	}
	return (long long)v;
}

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: stlmd --platform URI --mount DIR [OPTION]...\n"
		"Serve an SCMI Telemetry platform as an STLMFS-compatible FUSE tree.\n"
		"\n"
		"  -p, --platform URI   platform transport URI (unix:, tcp:, shm:, raw:)\n"
		"  -m, --mount DIR      mount point of the tree (DIR/tlm_0/...)\n"
		"  -s, --socket PATH    client socket for libstlm programs (stlmd:PATH;\n"
		"                       docs/daemon-protocol.md)\n"
		"  -o OPT[,OPT]...      mount options: uid=N, gid=N, umask=OCTAL,\n"
		"                       lazy, nolazy\n"
		"  -f, --foreground     stay in the foreground, log to stderr\n"
		"  -v, --verbose        more log output (repeat for debug)\n"
		"  -h, --help           this help\n"
		"  -V, --version        print the version\n"
		"\n"
		"SIGTERM and SIGINT unmount and exit. See stlmd(8), stlmfs(5).\n");
}

static int parse_config(struct stlmd *d, int argc, char **argv,
			struct fuse_args *mopts)
{
	static const struct option opts[] = {
		{ "platform", required_argument, NULL, 'p' },
		{ "mount", required_argument, NULL, 'm' },
		{ "socket", required_argument, NULL, 's' },
		{ "foreground", no_argument, NULL, 'f' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ 0 }
	};
	struct mount_opts mo = { 0 };
	long long uid, gid, mask;
	int c;

	while ((c = getopt_long(argc, argv, "p:m:s:o:fvhV", opts, NULL)) != -1) {
		switch (c) {
		case 'p':
			d->platform = optarg;
			break;
		case 'm':
			d->mount = optarg;
			break;
		case 's':
			d->socket = optarg;
			break;
		case 'o':
			if (fuse_opt_add_arg(mopts, "-o") < 0 ||
			    fuse_opt_add_arg(mopts, optarg) < 0)
				return -ENOMEM;
			break;
		case 'f':
			d->foreground = true;
			break;
		case 'v':
			d->verbose++;
			break;
		case 'h':
			usage(stdout);
			exit(EXIT_SUCCESS);
		case 'V':
			printf("stlmd %s\n", STLM_VERSION);
			exit(EXIT_SUCCESS);
		default:
			fprintf(stderr, "Try 'stlmd --help'.\n");
			return -EINVAL;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "stlmd: unexpected argument '%s'\nTry 'stlmd --help'.\n",
			argv[optind]);
		return -EINVAL;
	}
	if (!d->platform || !d->mount) {
		fprintf(stderr, "stlmd: --platform and --mount are required\n"
				"Try 'stlmd --help'.\n");
		return -EINVAL;
	}
	if (fuse_opt_parse(mopts, &mo, stlmd_mount_opts, stlmd_opt_proc) < 0)
		exit(2);
	/* ids: 0 .. 2^32 - 2 ((uid_t)-1 means "no change" to the kernel) */
	uid = mo.uid ? opt_number("uid", mo.uid, 10, 0xfffffffeull) : getuid();
	gid = mo.gid ? opt_number("gid", mo.gid, 10, 0xfffffffeull) : getgid();
	mask = mo.umask ? opt_number("umask", mo.umask, 8, 0777) : 022;
	free(mo.uid);
	free(mo.gid);
	free(mo.umask);
	if (uid < 0 || gid < 0 || mask < 0) {
		fprintf(stderr, "Try 'stlmd --help'.\n");
		exit(2);
	}
	d->uid = (uid_t)uid;
	d->gid = (gid_t)gid;
	d->umask = (mode_t)mask;
	d->lazy = mo.lazy;
	return 0;
}

int main(int argc, char **argv)
{
	struct fuse_args mopts = FUSE_ARGS_INIT(0, NULL);
	struct stlmd d = { 0 };
	sigset_t set;
	int r, sig, ret = EXIT_FAILURE;
	struct sigaction sa = { .sa_handler = SIG_IGN };

	/*
	 * Memory: the FUSE workers each get a glibc arena by default, and
	 * every arena keeps the freed multi-megabyte snapshot buffers. Two
	 * arenas, and large buffers served by mmap (returned at free), keep
	 * the daemon's RSS flat whatever the number of readers.
	 */
	mallopt(M_ARENA_MAX, 2);
	mallopt(M_MMAP_THRESHOLD, 256 * 1024);
	mallopt(M_TRIM_THRESHOLD, 1024 * 1024);

	pthread_mutex_init(&d.lock, NULL);
	fuse_opt_add_arg(&mopts, "stlmd");
	if (parse_config(&d, argc, argv, &mopts) < 0)
		goto out;
	d.retired = calloc(MAX_RETIRED, sizeof(*d.retired));
	if (!d.retired)
		goto out;

	if (!d.foreground) {
		if (daemon(0, 0) < 0) {
			fprintf(stderr, "stlmd: daemon: %s\n", strerror(errno));
			goto out;
		}
		use_syslog = true;
		openlog("stlmd", LOG_PID, LOG_DAEMON);
	}
	sigaction(SIGPIPE, &sa, NULL);
	/* Every thread inherits this mask; only main takes the signals. */
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	pthread_sigmask(SIG_BLOCK, &set, NULL);

	/* A platform not there yet is not fatal: the tree answers EIO. */
	stlmd_session(&d);

	r = stlmd_fuse_start(&d);
	if (r < 0) {
		stlmd_log(&d, LOG_ERR, "cannot mount %s: %s", d.mount,
			  strerror(-r));
		goto out_close;
	}
	r = stlmd_sock_start(&d);
	if (r < 0) {
		if (r != -EEXIST)	/* that one is explained already */
			stlmd_log(&d, LOG_ERR, "socket %s: %s", d.socket,
				  strerror(-r));
		goto out_fuse;
	}
	stlmd_log(&d, LOG_INFO, "serving %s on %s", d.platform, d.mount);

	for (;;) {
		if (sigwait(&set, &sig) != 0)
			continue;
		if (sig == SIGHUP)
			continue;
		stlmd_log(&d, LOG_INFO, "signal %d: stopping", sig);
		break;
	}
	/* stopped by a signal: success, unless the platform never answered */
	pthread_mutex_lock(&d.lock);
	ret = ever_reached ? EXIT_SUCCESS : EXIT_PLATFORM_NEVER_REACHED;
	if (!ever_reached)
		stlmd_log(&d, LOG_ERR, "platform %s was never reached", d.platform);
	pthread_mutex_unlock(&d.lock);
	stlmd_sock_stop(&d);
out_fuse:
	d.stopping = true;
	stlmd_fuse_stop(&d);
out_close:
	pthread_mutex_lock(&d.lock);
	d.stopping = true;
	if (d.s) {
		stlm_session_close(d.s);
		d.s = NULL;
	}
	for (size_t i = 0; i < d.n_retired; i++)
		stlm_session_close(d.retired[i]);
	d.n_retired = 0;
	pthread_mutex_unlock(&d.lock);
out:
	free(d.retired);
	fuse_opt_free_args(&mopts);
	pthread_mutex_destroy(&d.lock);
	return ret;
}
