// SPDX-License-Identifier: MIT
/*
 * Copyright (c) 2026 The stlm authors
 *
 * stlmd benchmarks: real FUSE mounts of an emulated platform
 * (stlm-platform --des N), one line per figure (bench-util.h). Every DE is
 * enabled and collection started (stlm enable --all; stlm config --on)
 * before stlmd owns the platform. Each figure has a baseline measured
 * here, in the same run:
 *
 *  - mount-ready time with -o lazy (fork+exec of stlmd to tlm_0/version
 *    readable; median of 3), against the same without lazy;
 *  - one read (open + read to EOF + close; median) of snapshot.bin,
 *    snapshot and des_bulk_read, each against the same read of a tmpfs
 *    file holding the same bytes;
 *  - the read of one des/<id>/value file (per file, over a sample of up
 *    to 2000 DEs spread over the table), against a tmpfs file of the same
 *    bytes and against a real sysfs attribute (the per-file cost of the
 *    kernel's one-attribute-per-DE design);
 *  - the re-read at offset 0 (pread) of a kept-open value file, against
 *    the same pread of a kept-open sysfs attribute;
 *  - snapshot.bin against reading as many sysfs attribute files as there
 *    are DEs, one open + read + close each (the kernel design it replaces);
 *  - `stlm read` of every DE through stlmd's client socket (a whole CLI
 *    run, output to a file), against `cat` of that output;
 *  - a Prometheus scrape of `stlm export` over stlmd's socket (HTTP GET
 *    /metrics on loopback), against the libstlm snapshot through the same
 *    socket that each scrape takes, and against the same GET answered
 *    with the same bytes prepared in memory by a minimal server in this
 *    process (the cost of moving the body alone);
 *  - libstlm's stlmfs: backend on the mounted tree (lib/stlmfs.c): open
 *    and snapshot, against the same through stlmd's client socket (up to
 *    10000 DEs: see bench_stlmfs());
 *  - stlmd's VmRSS after all of that, against its VmRSS right after the
 *    mount, and its peak (VmHWM).
 *
 * Needs root and /dev/fuse; without them prints "# skipped" and exits 0.
 * Any failed operation is fatal (exit 1). Every process is started here
 * and killed by pid; the mount is always removed (also on failure, signal
 * or the time limit).
 *
 * Usage: bench-daemon BUILD [N] [BUDGET_MS]
 *   BUILD: the build directory; binaries BUILD/platform/stlm-platform,
 *   BUILD/daemon/stlmd, BUILD/cli/stlm. N: DEs (default 50000).
 *   BUDGET_MS: time budget of each repeated measurement (default 1000).
 */
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <stlm/stlm.h>

#include "bench-util.h"
#include "snapshot-bin.h"

#define TIME_LIMIT_S 120	/* the whole program */
#define LAZY_ROUNDS 3
#define VALUE_SAMPLE 2000
#define MAX_ROUNDS 101

static char build_dir[PATH_MAX];
static char tmp_dir[PATH_MAX] = "";
static char mnt[PATH_MAX + 16];
static char tlm[PATH_MAX + 32];
static char uri[2 * PATH_MAX + 64];
static char sock_path[PATH_MAX + 16];
static char dsock_path[PATH_MAX + 16];
static char mem_path[PATH_MAX + 16];
static char log_path[PATH_MAX + 16];
static char out_path[PATH_MAX + 16];
static char shm_path[PATH_MAX + 32];
static char cli_bin[PATH_MAX + 16];
static double budget_ms = 1000;
static volatile pid_t pid_platform = -1;
static volatile pid_t pid_daemon = -1;
static volatile pid_t pid_export = -1;
static volatile pid_t pid_child = -1;

static void sleep_us(long us)
{
	struct timespec ts = { us / 1000000, (us % 1000000) * 1000 };

	nanosleep(&ts, NULL);
}

/* ------------------------------------------------------------------ */
/* Processes and cleanup                                              */

static bool is_mounted(void)
{
	char line[4 * PATH_MAX];
	size_t len = strlen(mnt);
	bool found = false;
	FILE *f;

	if (!mnt[0] || !(f = fopen("/proc/self/mounts", "re")))
		return false;
	while (!found && fgets(line, sizeof(line), f)) {
		char *p = strchr(line, ' ');

		found = p && !strncmp(p + 1, mnt, len) && p[1 + len] == ' ';
	}
	fclose(f);
	return found;
}

/* Wait for pid up to ms; true if it exited (reaped). */
static bool wait_exit(pid_t pid, int ms, int *status)
{
	for (int i = 0; i < ms; i++) {
		pid_t r = waitpid(pid, status, WNOHANG);

		if (r == pid || (r < 0 && errno == ECHILD))
			return true;
		sleep_us(1000);
	}
	return false;
}

static void stop_pid(volatile pid_t *pp)
{
	pid_t pid = *pp;
	int st;

	if (pid <= 0)
		return;
	kill(pid, SIGTERM);
	if (!wait_exit(pid, 5000, &st)) {
		kill(pid, SIGKILL);
		waitpid(pid, &st, 0);
	}
	*pp = -1;
}

static void stop_daemon(void)
{
	stop_pid(&pid_daemon);
	if (is_mounted())
		umount2(mnt, MNT_DETACH);
	if (dsock_path[0])
		unlink(dsock_path);
}

static void stop_platform(void)
{
	stop_pid(&pid_platform);
	if (sock_path[0])
		unlink(sock_path);
	if (mem_path[0])
		unlink(mem_path);
}

static void cleanup(void)
{
	stop_pid(&pid_child);
	stop_pid(&pid_export);
	stop_daemon();
	stop_platform();
	if (shm_path[0])
		unlink(shm_path);
	if (tmp_dir[0]) {
		unlink(log_path);
		unlink(out_path);
		rmdir(mnt);
		rmdir(tmp_dir);
		tmp_dir[0] = 0;
	}
}

static void on_signal(int sig)
{
	/* Not async-signal-safe in general (stdio in is_mounted), but the
	 * main program is never resumed: good enough for a benchmark. */
	if (sig == SIGALRM)
		fprintf(stderr, "bench-daemon: time limit (%d s) reached\n",
			TIME_LIMIT_S);
	cleanup();
	_exit(1);
}

static void show_log(void)
{
	char buf[4096];
	ssize_t n;
	int fd = open(log_path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return;
	fprintf(stderr, "--- log ---\n");
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		fwrite(buf, 1, (size_t)n, stderr);
	close(fd);
}

static void __attribute__((noreturn, format(printf, 1, 2))) die(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fprintf(stderr, "bench-daemon: ");
	vfprintf(stderr, fmt, ap);
	fprintf(stderr, "\n");
	va_end(ap);
	show_log();
	cleanup();
	exit(1);
}

/* fork + exec argv, stdout to out (NULL: the log), stderr to the log */
static pid_t spawn_to(char *const argv[], const char *out)
{
	pid_t pid = fork();

	if (pid < 0)
		die("fork: %s", strerror(errno));
	if (pid == 0) {
		int fd = open(log_path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
		int nul = open("/dev/null", O_RDONLY | O_CLOEXEC);
		int ofd = out ? open(out, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
				   0600) : fd;

		if (fd < 0 || nul < 0 || ofd < 0)
			_exit(126);
		dup2(ofd, 1);
		dup2(fd, 2);
		dup2(nul, 0);
		signal(SIGALRM, SIG_DFL);
		signal(SIGINT, SIG_DFL);
		signal(SIGTERM, SIG_DFL);
		signal(SIGPIPE, SIG_DFL);
		execv(argv[0], argv);
		_exit(127);
	}
	return pid;
}

static pid_t spawn(char *const argv[])
{
	return spawn_to(argv, NULL);
}

/* Run argv to completion (stdout to out or the log); fatal unless exit 0. */
static void run_to(char *const argv[], const char *out)
{
	int st;

	pid_child = spawn_to(argv, out);
	if (waitpid(pid_child, &st, 0) != pid_child || !WIFEXITED(st) ||
	    WEXITSTATUS(st))
		die("%s %s failed", argv[0], argv[1]);
	pid_child = -1;
}

static void start_platform(unsigned int n)
{
	char bin[PATH_MAX + 32], des[16], listen[PATH_MAX + 32];
	char *argv[] = { bin, "--des", des, "--listen", listen, "--mem",
			 mem_path, "-q", NULL };
	char *en[] = { cli_bin, "-q", "--platform", uri, "enable", "--all", NULL };
	char *on[] = { cli_bin, "-q", "--platform", uri, "config", "--on", NULL };

	snprintf(bin, sizeof(bin), "%s/platform/stlm-platform", build_dir);
	snprintf(des, sizeof(des), "%u", n);
	snprintf(listen, sizeof(listen), "unix:%s", sock_path);
	unlink(sock_path);
	pid_platform = spawn(argv);
	for (int i = 0;; i++) {
		struct stat st;

		if (!stat(sock_path, &st) && S_ISSOCK(st.st_mode))
			break;
		if (waitpid(pid_platform, NULL, WNOHANG) == pid_platform) {
			pid_platform = -1;
			die("stlm-platform exited");
		}
		if (i == 2000)
			die("stlm-platform not listening after 10 s");
		sleep_us(5000);
	}
	/* Configuration is global on the platform: enable every DE and
	 * start collection with the CLI before stlmd owns the platform. */
	run_to(en, NULL);
	run_to(on, NULL);
}

/* Start stlmd (with its client socket unless lazy); returns the ms from
 * fork+exec to tlm_0/version readable. */
static double start_daemon(bool lazy)
{
	char bin[PATH_MAX + 32], version[PATH_MAX + 64];
	char *argv[] = { bin, "-f", "--platform", uri, "--mount", mnt,
			 lazy ? "-o" : "--socket", lazy ? "lazy" : dsock_path,
			 NULL };
	double t0;

	snprintf(bin, sizeof(bin), "%s/daemon/stlmd", build_dir);
	snprintf(version, sizeof(version), "%s/version", tlm);
	t0 = bench_now_ms();
	pid_daemon = spawn(argv);
	for (;;) {
		int fd = open(version, O_RDONLY | O_CLOEXEC);

		if (fd >= 0) {
			char b[64];
			ssize_t n = read(fd, b, sizeof(b));

			close(fd);
			if (n > 0)
				break;
		}
		if (waitpid(pid_daemon, NULL, WNOHANG) == pid_daemon) {
			pid_daemon = -1;
			die("stlmd exited before the mount was ready");
		}
		if (bench_now_ms() - t0 > 20000)
			die("stlmd mount not ready after 20 s");
		sleep_us(100);
	}
	return bench_now_ms() - t0;
}

/* ------------------------------------------------------------------ */
/* Reads                                                              */

static char *big_buf;
static size_t big_len = 64u << 20;

/* open + read to EOF + close; returns bytes or -errno */
static ssize_t read_file(const char *path, char *buf, size_t len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t tot = 0, n = 0;

	if (fd < 0)
		return -errno;
	while ((size_t)tot < len && (n = read(fd, buf + tot, len - (size_t)tot)) > 0)
		tot += n;
	if (n < 0)
		tot = -errno;
	close(fd);
	if ((size_t)tot == len)
		tot = -EFBIG;
	return tot;
}

static void write_file(const char *path, const char *buf, size_t len)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);

	if (fd < 0 || write(fd, buf, len) != (ssize_t)len)
		die("cannot write %s: %s", path, strerror(errno));
	close(fd);
}

/*
 * A read that an overloaded machine may spoil: the emulator's writer
 * preempted in the middle of an SHMTI pass leaves it torn for longer than
 * the reader's bounded retries, so a value read fails EPROTO and the bulk
 * files leave that SHMTI's DEs out. Such reads are retried (at most
 * TORN_MAX per benchmark, counted and printed); any other failure, or
 * more of them, is fatal.
 */
#define TORN_MAX 50
static unsigned int torn_retries;

static void torn_retry(const char *what)
{
	if (++torn_retries > TORN_MAX)
		die("%s: more than %d torn reads", what, TORN_MAX);
}

/* Checks what a FUSE read returned (got bytes in big_buf); false when
 * DEs are missing (torn, see above). */
static bool check_content(const char *leaf, unsigned int n, ssize_t got)
{
	if (!strcmp(leaf, "snapshot.bin")) {
		const struct stlmd_snap_header *h = (const void *)big_buf;

		if ((size_t)got < sizeof(*h) || h->magic != STLMD_SNAP_MAGIC ||
		    (size_t)got != h->header_size +
				   (size_t)h->n_samples * h->sample_size)
			die("snapshot.bin: bad header or length (%zd bytes)", got);
		if (h->n_samples != n)
			die("snapshot.bin: %u samples, expected %u", h->n_samples,
			    n);
	} else if (!strcmp(leaf, "des_bulk_read")) {
		size_t lines = 0;

		for (ssize_t i = 0; i < got; i++)
			lines += big_buf[i] == '\n';
		if (lines > n)
			die("des_bulk_read: %zu lines, expected %u", lines, n);
		return lines == n;
	}
	return true;
}

/* open + read to EOF + close of a tree file, retried while torn. */
static ssize_t read_checked(const char *path, const char *leaf,
			    unsigned int n)
{
	for (;;) {
		ssize_t got = read_file(path, big_buf, big_len);

		if (got <= 0)
			die("%s: %s", path, got ? strerror((int)-got) : "empty");
		if (check_content(leaf, n, got))
			return got;
		torn_retry(path);
	}
}

/*
 * One FUSE file read whole vs a tmpfs file of the same bytes. The two
 * reads alternate, round by round (at least 5, at most MAX_ROUNDS within
 * the budget), so that both see the same load; medians.
 */
static void bench_read(unsigned int n, const char *leaf, const char *name)
{
	double t[MAX_ROUNDS], b[MAX_ROUNDS], t0;
	char path[PATH_MAX + 64];
	ssize_t len, got;
	int k;

	snprintf(path, sizeof(path), "%s/%s", tlm, leaf);
	len = read_checked(path, leaf, n);
	write_file(shm_path, big_buf, (size_t)len);
	t0 = bench_now_ms();
	for (k = 0; bench_more(k, 5, MAX_ROUNDS, t0, budget_ms); k++) {
		double t1 = bench_now_ms();

		got = read_file(path, big_buf, big_len);
		t[k] = bench_now_ms() - t1;
		if (got <= 0)
			die("%s: %s", path, got ? strerror((int)-got) : "empty");
		if (!check_content(leaf, n, got)) {
			torn_retry(path);	/* this round again */
			k--;
			continue;
		}
		t1 = bench_now_ms();
		got = read_file(shm_path, big_buf, big_len);
		b[k] = bench_now_ms() - t1;
		if (got != len)
			die("%s: read %zd bytes, wrote %zd", shm_path, got, len);
	}
	printf("# %s: %zd bytes, median of %d\n", name, len, k);
	bench_vs(name, n, bench_median(t, (size_t)k) * 1e3, "tmpfs_same_size",
		 bench_median(b, (size_t)k) * 1e3, "us");
}

/* The des/ entries, as value paths. */
static char **list_des(unsigned int *count)
{
	char path[PATH_MAX + 64];
	unsigned int cap = 1024, n = 0;
	char **v = malloc(cap * sizeof(*v));
	struct dirent *d;
	DIR *dir;

	snprintf(path, sizeof(path), "%s/des", tlm);
	if (!v || !(dir = opendir(path)))
		die("opendir %s: %s", path, strerror(errno));
	while ((d = readdir(dir))) {
		if (d->d_name[0] == '.')
			continue;
		if (n == cap && !(v = realloc(v, (cap *= 2) * sizeof(*v))))
			die("out of memory");
		if (asprintf(&v[n], "%s/%s/value", path, d->d_name) < 0)
			die("out of memory");
		n++;
	}
	closedir(dir);
	*count = n;
	return v;
}

static void free_list(char **v, unsigned int n)
{
	for (unsigned int i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

/* Reading each of paths[0..n) once (every path the same file if same);
 * returns ms. */
static double read_many(char **paths, unsigned int n, const char *same)
{
	double t0 = bench_now_ms();
	char buf[4096];

	for (unsigned int i = 0; i < n; i++) {
		const char *p = same ? same : paths[i];
		ssize_t got = read_file(p, buf, sizeof(buf));

		if (got == -EPROTO) {
			torn_retry(p);
			i--;
			continue;
		}
		if (got <= 0)
			die("%s: %s", p, got ? strerror((int)-got) : "empty");
	}
	return bench_now_ms() - t0;
}

static const char *const sysfs_candidates[] = {
	"/sys/devices/system/cpu/online",
	"/sys/kernel/mm/transparent_hugepage/enabled",
	"/sys/kernel/profiling",
	"/proc/self/stat",
};

/* pread(fd, .., 0) on each of fds[0..m) once; returns ms. */
static double pread_many(const int *fds, unsigned int m, int same)
{
	double t0 = bench_now_ms();
	char buf[4096];

	for (unsigned int i = 0; i < m; i++) {
		ssize_t got = pread(same >= 0 ? same : fds[i], buf, sizeof(buf), 0);

		if (got < 0 && errno == EPROTO) {
			torn_retry("pread");
			i--;
			continue;
		}
		if (got <= 0)
			die("pread: %s", got ? strerror(errno) : "empty");
	}
	return bench_now_ms() - t0;
}

#define REREAD_FDS 64

/*
 * A kept-open value file re-read at offset 0 (what sysfs pollers do):
 * REREAD_FDS value files opened once, each pread at offset 0 in turn,
 * against the same number of preads of one kept-open sysfs attribute.
 */
static void bench_reread(char **sample, unsigned int m, const char *sys_path,
			 unsigned int n)
{
	int fds[REREAD_FDS], sfd, k, nf = m < REREAD_FDS ? (int)m : REREAD_FDS;
	double tf[MAX_ROUNDS], ts[MAX_ROUNDS], t0;
	unsigned int reps = 2000;

	for (int i = 0; i < nf; i++)
		if ((fds[i] = open(sample[(size_t)i * m / (unsigned int)nf],
				   O_RDONLY | O_CLOEXEC)) < 0)
			die("open %s: %s", sample[i], strerror(errno));
	sfd = open(sys_path, O_RDONLY | O_CLOEXEC);
	if (sfd < 0)
		die("open %s: %s", sys_path, strerror(errno));
	t0 = bench_now_ms();
	for (k = 0; bench_more(k, 5, MAX_ROUNDS, t0, budget_ms); k++) {
		double f = 0;

		for (unsigned int r = 0; r < reps; r += (unsigned int)nf)
			f += pread_many(fds, (unsigned int)nf, -1);
		tf[k] = f;
		ts[k] = pread_many(NULL, reps, sfd);
	}
	for (int i = 0; i < nf; i++)
		close(fds[i]);
	close(sfd);
	printf("# daemon_reread_value: pread at offset 0 of %d kept-open value files, %u per round, median of %d\n",
	       nf, reps, k);
	bench_vs("daemon_reread_value_vs_sysfs", n,
		 bench_median(tf, (size_t)k) * 1e3 / reps,
		 "sysfs_attribute_pread", bench_median(ts, (size_t)k) * 1e3 / reps,
		 "us");
}

/*
 * snapshot.bin (open + read to EOF + close) against reading n sysfs
 * attribute files one each, as daemon_read_value_vs_sysfs reads them:
 * what a one-file-per-DE kernel interface costs for the same n values.
 */
static void bench_bin_vs_sysfs(unsigned int n, const char *sys_path)
{
	double t[7], b[7], t0;
	char path[PATH_MAX + 64];
	int k;

	snprintf(path, sizeof(path), "%s/snapshot.bin", tlm);
	t0 = bench_now_ms();
	for (k = 0; bench_more(k, 3, 7, t0, 2 * budget_ms); k++) {
		double t1 = bench_now_ms();
		ssize_t got = read_file(path, big_buf, big_len);

		t[k] = bench_now_ms() - t1;
		if (got <= 0)
			die("%s: %s", path, got ? strerror((int)-got) : "empty");
		check_content("snapshot.bin", n, got);
		b[k] = read_many(NULL, n, sys_path);
	}
	printf("# daemon_read_snapshot_bin_vs_sysfs: %u sysfs files of %s per round, median of %d\n",
	       n, sys_path, k);
	bench_vs("daemon_read_snapshot_bin_vs_sysfs", n,
		 bench_median(t, (size_t)k) * 1e3, "sysfs_attribute_per_de",
		 bench_median(b, (size_t)k) * 1e3, "us");
}

static void bench_values(unsigned int n)
{
	unsigned int count, m;
	char **all = list_des(&count), **sample, buf[4096];
	const char *sys_path = NULL;
	double fuse, tmpfs, sysfs, tf[7], tt[7], ts[7], t0;
	ssize_t got;
	int k;

	if (count != n)
		die("des/ has %u entries, expected %u", count, n);
	m = count < VALUE_SAMPLE ? count : VALUE_SAMPLE;
	sample = malloc(m * sizeof(*sample));
	if (!sample)
		die("out of memory");
	for (unsigned int i = 0; i < m; i++)
		sample[i] = all[(size_t)i * count / m];
	got = read_file(sample[m - 1], buf, sizeof(buf));
	if (got <= 0)
		die("%s: read failed", sample[m - 1]);
	write_file(shm_path, buf, (size_t)got);
	for (size_t i = 0; i < sizeof(sysfs_candidates) / sizeof(*sysfs_candidates); i++) {
		if (read_file(sysfs_candidates[i], buf, sizeof(buf)) > 0) {
			sys_path = sysfs_candidates[i];
			break;
		}
	}
	if (!sys_path)
		die("no readable sysfs or proc file for the baseline");
	/* the three alternate, pass by pass (3 to 7 passes in the budget) */
	t0 = bench_now_ms();
	for (k = 0; bench_more(k, 3, 7, t0, budget_ms); k++) {
		tf[k] = read_many(sample, m, NULL);
		tt[k] = read_many(NULL, m, shm_path);
		ts[k] = read_many(NULL, m, sys_path);
	}
	fuse = bench_median(tf, (size_t)k);
	tmpfs = bench_median(tt, (size_t)k);
	sysfs = bench_median(ts, (size_t)k);
	printf("# daemon_read_value: per file, %u of %u DEs; sysfs baseline %s\n",
	       m, count, sys_path);
	bench_vs("daemon_read_value", n, fuse * 1e3 / m, "tmpfs_same_size",
		 tmpfs * 1e3 / m, "us");
	bench_vs("daemon_read_value_vs_sysfs", n, fuse * 1e3 / m,
		 "sysfs_attribute", sysfs * 1e3 / m, "us");
	bench_reread(sample, m, sys_path, n);
	bench_bin_vs_sysfs(n, sys_path);
	free(sample);
	free_list(all, count);
}

/* `stlm read` through stlmd's socket vs `cat` of the same output. */
static void bench_cli_read(unsigned int n)
{
	char platform[PATH_MAX + 32];
	char *rd[] = { cli_bin, "-q", "--platform", platform, "read", NULL };
	char *cat[] = { "/bin/cat", out_path, NULL };
	double t[MAX_ROUNDS], b[MAX_ROUNDS], t0 = bench_now_ms();
	struct stat st;
	int k;

	snprintf(platform, sizeof(platform), "stlmd:%s", dsock_path);
	for (k = 0; bench_more(k, 3, 21, t0, 3 * budget_ms); k++) {
		double t1 = bench_now_ms();

		run_to(rd, out_path);
		t[k] = bench_now_ms() - t1;
		if (stat(out_path, &st) || st.st_size == 0)
			die("stlm read printed nothing");
		t1 = bench_now_ms();
		run_to(cat, "/dev/null");
		b[k] = bench_now_ms() - t1;
	}
	printf("# cli_read_stlmd: %lld bytes of output\n", (long long)st.st_size);
	bench_vs("cli_read_stlmd", n, bench_median(t, (size_t)k), "cat_same_output",
		 bench_median(b, (size_t)k), "ms");
}

/* A free loopback TCP port (bound then released). */
static int free_port(void)
{
	struct sockaddr_in a = { .sin_family = AF_INET,
				 .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t l = sizeof(a);
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0), port;

	if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof(a)) ||
	    getsockname(fd, (struct sockaddr *)&a, &l))
		die("cannot find a free port: %s", strerror(errno));
	port = ntohs(a.sin_port);
	close(fd);
	return port;
}

/* GET /metrics; returns the body length, or -errno (-EPROTO: not 200). */
static ssize_t scrape(int port)
{
	struct sockaddr_in a = { .sin_family = AF_INET,
				 .sin_port = htons((uint16_t)port),
				 .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	static const char req[] = "GET /metrics HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n";
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	ssize_t tot = 0, r = 0;
	char *body;

	struct timeval tv = { .tv_sec = 60 };

	if (fd < 0)
		return -errno;
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	if (connect(fd, (struct sockaddr *)&a, sizeof(a)) ||
	    write(fd, req, sizeof(req) - 1) != (ssize_t)sizeof(req) - 1) {
		r = -errno;
		close(fd);
		return r;
	}
	while ((size_t)tot < big_len - 1 &&
	       (r = read(fd, big_buf + tot, big_len - 1 - (size_t)tot)) > 0)
		tot += r;
	if (r < 0) {
		r = -errno;
		close(fd);
		return r;
	}
	close(fd);
	big_buf[tot] = 0;
	if (strncmp(big_buf, "HTTP/1.", 7) || strncmp(big_buf + 8, " 200", 4))
		return -EPROTO;
	body = strstr(big_buf, "\r\n\r\n");
	if (!body || !strstr(body, "stlm_up 1"))
		return -EPROTO;
	return tot - (body + 4 - big_buf);
}

/*
 * The floor of a scrape: a server thread answering each GET on loopback
 * with a body prepared in memory (a copy of the exporter's last body),
 * one header and write() until done, nothing composed. Stops when its
 * listening socket is shut down.
 */
struct static_srv {
	int lfd;
	const char *body;
	size_t len;
	pthread_t th;
};

static void *static_main(void *arg)
{
	struct static_srv *sv = arg;
	char req[4096], hdr[160];

	for (;;) {
		int fd = accept4(sv->lfd, NULL, NULL, SOCK_CLOEXEC);
		size_t off = 0;
		int hl;

		if (fd < 0) {
			if (errno == EINTR || errno == ECONNABORTED)
				continue;
			return NULL; /* shut down */
		}
		/* the request ends with an empty line; one read holds it */
		if (read(fd, req, sizeof(req)) <= 0) {
			close(fd);
			continue;
		}
		hl = snprintf(hdr, sizeof(hdr),
			      "HTTP/1.0 200 OK\r\nContent-Type: text/plain; version=0.0.4\r\nContent-Length: %zu\r\n\r\n",
			      sv->len);
		if (write(fd, hdr, (size_t)hl) == hl)
			while (off < sv->len) {
				ssize_t w = write(fd, sv->body + off,
						  sv->len - off);

				if (w <= 0)
					break;
				off += (size_t)w;
			}
		close(fd);
	}
}

static int static_start(struct static_srv *sv, const char *body, size_t len)
{
	struct sockaddr_in a = { .sin_family = AF_INET,
				 .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t l = sizeof(a);

	sv->body = body;
	sv->len = len;
	sv->lfd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (sv->lfd < 0 || bind(sv->lfd, (struct sockaddr *)&a, sizeof(a)) ||
	    listen(sv->lfd, 8) ||
	    getsockname(sv->lfd, (struct sockaddr *)&a, &l))
		die("static server: %s", strerror(errno));
	if (pthread_create(&sv->th, NULL, static_main, sv))
		die("static server: cannot start its thread");
	return ntohs(a.sin_port);
}

static void static_stop(struct static_srv *sv)
{
	shutdown(sv->lfd, SHUT_RDWR);
	pthread_join(sv->th, NULL);
	close(sv->lfd);
}

/*
 * One scrape of stlm export against the snapshot it takes. Runs up to
 * STLM_BENCH_EXPORT_MAX DEs (default: every size).
 */
static void bench_export(unsigned int n)
{
	const char *env = getenv("STLM_BENCH_EXPORT_MAX");
	unsigned long max = env ? strtoul(env, NULL, 0) : 1000000;
	char platform[PATH_MAX + 32], listen[64];
	char *ex[] = { cli_bin, "-q", "--platform", platform, "export",
		       "--listen", listen, NULL };
	struct stlm_open_opts oo = { .size = sizeof(oo), .timeout_ms = 10000,
				     .no_catalog = true };
	double t[MAX_ROUNDS], b[MAX_ROUNDS], f[MAX_ROUNDS], t0;
	struct stlm_session *s;
	struct stlm_snapshot *snap;
	struct static_srv sv;
	ssize_t body = 0;
	char *copy;
	int port, sport, k, r, min;

	if (n > max) {
		printf("# export_scrape: skipped above %lu DEs "
		       "(STLM_BENCH_EXPORT_MAX)\n", max);
		return;
	}
	port = free_port();
	snprintf(platform, sizeof(platform), "stlmd:%s", dsock_path);
	snprintf(listen, sizeof(listen), "127.0.0.1:%d", port);
	pid_export = spawn(ex);
	for (t0 = bench_now_ms(); (body = scrape(port)) < 0;) {
		if (waitpid(pid_export, NULL, WNOHANG) == pid_export) {
			pid_export = -1;
			die("stlm export exited");
		}
		if (body == -EPROTO)
			die("stlm export: bad answer");
		if (bench_now_ms() - t0 > 20000)
			die("stlm export not answering after 20 s");
		sleep_us(2000);
	}
	/* baseline: the snapshot each scrape takes, through the same socket */
	if ((r = stlm_session_open(platform, &oo, &s)) < 0 ||
	    (r = stlm_snapshot_new(s, &snap)) < 0 ||
	    (r = stlm_snapshot_take(snap, 0)) < 0) /* builds the plan */
		die("snapshot through %s: %s", platform, strerror(-r));

	/* a scrape costing more than a third of the budget is done once;
	 * scrape, snapshot and the static body alternate, round by round */
	t0 = bench_now_ms();
	body = scrape(port);
	min = bench_now_ms() - t0 > budget_ms / 3 ? 1 : 5;
	if (body <= 0)
		die("scrape: %s", body ? strerror((int)-body) : "empty");
	/* the same bytes, prepared once, for the server of the floor */
	copy = malloc((size_t)body);
	if (!copy)
		die("out of memory");
	memcpy(copy, strstr(big_buf, "\r\n\r\n") + 4, (size_t)body);
	sport = static_start(&sv, copy, (size_t)body);
	t0 = bench_now_ms();
	for (k = 0; bench_more(k, min, MAX_ROUNDS, t0, 3 * budget_ms); k++) {
		double t1 = bench_now_ms();
		ssize_t sb;

		body = scrape(port);
		t[k] = bench_now_ms() - t1;
		if (body <= 0)
			die("scrape: %s", body ? strerror((int)-body) : "empty");
		t1 = bench_now_ms();
		r = stlm_snapshot_take(snap, 0);
		b[k] = bench_now_ms() - t1;
		if (r < 0)
			die("snapshot through %s: %s", platform, strerror(-r));
		t1 = bench_now_ms();
		sb = scrape(sport);
		f[k] = bench_now_ms() - t1;
		if (sb != (ssize_t)sv.len)
			die("static server: %zd bytes of body, expected %zu",
			    sb, sv.len);
	}
	static_stop(&sv);
	free(copy);
	stop_pid(&pid_export);
	stlm_snapshot_free(snap);
	stlm_session_close(s);
	printf("# export_scrape: %zd bytes of body, median of %d\n", body, k);
	bench_vs("export_scrape", n, bench_median(t, (size_t)k) * 1e3,
		 "stlmd_snapshot", bench_median(b, (size_t)k) * 1e3, "us");
	bench_vs("export_scrape_vs_static", n,
		 bench_median(t, (size_t)k) * 1e3, "http_same_body_prepared",
		 bench_median(f, (size_t)k) * 1e3, "us");
	bench_vs("export_static_vs_snapshot", n,
		 bench_median(f, (size_t)k) * 1e3, "stlmd_snapshot",
		 bench_median(b, (size_t)k) * 1e3, "us");
}

/* Open a session on u (timed) and a snapshot of every DE on it. */
static void open_snap(const char *u, unsigned int n, struct stlm_session **s,
		      struct stlm_snapshot **snap, double *open_ms)
{
	struct stlm_open_opts oo = { .size = sizeof(oo), .timeout_ms = 10000,
				     .no_catalog = true };
	const struct stlm_sample *v;
	double t0 = bench_now_ms();
	size_t ns, valid = 0;
	int r;

	if ((r = stlm_session_open(u, &oo, s)) < 0)
		die("open %s: %s", u, strerror(-r));
	*open_ms = bench_now_ms() - t0;
	if ((r = stlm_snapshot_new(*s, snap)) < 0 ||
	    (r = stlm_snapshot_take(*snap, 0)) < 0)
		die("snapshot on %s: %s", u, strerror(-r));
	v = stlm_snapshot_samples(*snap, &ns);
	for (size_t i = 0; i < ns; i++)
		valid += !!(v[i].flags & STLM_SAMPLE_VALID);
	if (ns != n || valid != n)
		die("snapshot on %s: %zu samples, %zu valid, expected %u", u,
		    ns, valid, n);
}

/*
 * libstlm on stlmfs:TREE vs on stlmd:SOCK, the same daemon; snapshots
 * alternate round by round. Opening the tree reads every DE's files
 * (0.2-2 ms per DE here), so this runs up to STLM_BENCH_STLMFS_MAX DEs
 * (default 10000) only.
 */
static void bench_stlmfs(unsigned int n)
{
	const char *env = getenv("STLM_BENCH_STLMFS_MAX");
	unsigned long max = env ? strtoul(env, NULL, 0) : 10000;
	double open_fs, open_d, t[MAX_ROUNDS], b[MAX_ROUNDS], t0;
	struct stlm_snapshot *snap_fs, *snap_d;
	struct stlm_session *s_fs, *s_d;
	char u[PATH_MAX + 64];
	int k, r;

	if (n > max) {
		printf("# lib_stlmfs: skipped above %lu DEs "
		       "(STLM_BENCH_STLMFS_MAX)\n", max);
		return;
	}
	snprintf(u, sizeof(u), "stlmd:%s", dsock_path);
	open_snap(u, n, &s_d, &snap_d, &open_d);
	snprintf(u, sizeof(u), "stlmfs:%s", tlm);
	open_snap(u, n, &s_fs, &snap_fs, &open_fs);
	t0 = bench_now_ms();
	for (k = 0; bench_more(k, 5, MAX_ROUNDS, t0, budget_ms); k++) {
		double t1 = bench_now_ms();

		r = stlm_snapshot_take(snap_fs, 0);
		t[k] = bench_now_ms() - t1;
		if (r < 0)
			die("snapshot on %s: %s", u, strerror(-r));
		t1 = bench_now_ms();
		r = stlm_snapshot_take(snap_d, 0);
		b[k] = bench_now_ms() - t1;
		if (r < 0)
			die("snapshot on stlmd: %s", strerror(-r));
	}
	stlm_snapshot_free(snap_fs);
	stlm_snapshot_free(snap_d);
	stlm_session_close(s_fs);
	stlm_session_close(s_d);
	bench_vs("lib_stlmfs_open", n, open_fs, "stlmd_open", open_d, "ms");
	bench_vs("lib_stlmfs_snapshot", n, bench_median(t, (size_t)k) * 1e3,
		 "stlmd_snapshot", bench_median(b, (size_t)k) * 1e3, "us");
}

static long status_kib(pid_t pid, const char *key)
{
	char path[64], line[256];
	size_t kl = strlen(key);
	long v = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	if (!(f = fopen(path, "re")))
		return -1;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, key, kl) && line[kl] == ':') {
			v = strtol(line + kl + 1, NULL, 10);
			break;
		}
	fclose(f);
	if (v < 0)
		die("no %s in %s", key, path);
	return v;
}

/* ------------------------------------------------------------------ */

static void bench_all(unsigned int n)
{
	double lazy[LAZY_ROUNDS], full, rss_mounted;

	start_platform(n);
	for (int r = 0; r < LAZY_ROUNDS; r++) {
		lazy[r] = start_daemon(true);
		stop_daemon();
	}
	full = start_daemon(false);
	bench_vs("daemon_mount_ready_lazy", n, bench_median(lazy, LAZY_ROUNDS),
		 "daemon_mount_ready_full", full, "ms");
	rss_mounted = status_kib(pid_daemon, "VmRSS") / 1024.0;

	bench_read(n, "snapshot.bin", "daemon_read_snapshot_bin");
	bench_read(n, "snapshot", "daemon_read_snapshot_txt");
	bench_read(n, "des_bulk_read", "daemon_read_des_bulk_read");
	bench_values(n);
	bench_cli_read(n);
	bench_export(n);
	bench_stlmfs(n);

	bench_vs("daemon_rss", n, status_kib(pid_daemon, "VmRSS") / 1024.0,
		 "daemon_rss_mounted", rss_mounted, "MiB");
	bench_figure("daemon_rss_peak", n,
		     status_kib(pid_daemon, "VmHWM") / 1024.0, "MiB");
	stop_daemon();
	stop_platform();
}

int main(int argc, char **argv)
{
	unsigned int n = argc > 2 ? (unsigned int)strtoul(argv[2], NULL, 0) : 50000;
	struct sigaction sa = { .sa_handler = on_signal };
	char tmpl[] = "/tmp/stlm-bench-daemon.XXXXXX";
	int fd;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc < 2 || !n) {
		fprintf(stderr, "usage: bench-daemon BUILD [N] [BUDGET_MS]\n");
		return 2;
	}
	if (argc > 3)
		budget_ms = strtod(argv[3], NULL);
	snprintf(build_dir, sizeof(build_dir), "%s", argv[1]);
	snprintf(cli_bin, sizeof(cli_bin), "%s/cli/stlm", build_dir);

	fd = open("/dev/fuse", O_RDWR | O_CLOEXEC);
	if (geteuid() != 0 || fd < 0) {
		printf("# skipped: the stlmd benchmarks need root and /dev/fuse\n");
		return 0;
	}
	close(fd);

	if (!mkdtemp(tmpl))
		die("mkdtemp: %s", strerror(errno));
	chmod(tmpl, 0755);
	snprintf(tmp_dir, sizeof(tmp_dir), "%s", tmpl);
	snprintf(mnt, sizeof(mnt), "%s/mnt", tmp_dir);
	snprintf(tlm, sizeof(tlm), "%s/tlm_0", mnt);
	snprintf(sock_path, sizeof(sock_path), "%s/p.sock", tmp_dir);
	snprintf(dsock_path, sizeof(dsock_path), "%s/stlmd.sock", tmp_dir);
	snprintf(mem_path, sizeof(mem_path), "%s/p.mem", tmp_dir);
	snprintf(log_path, sizeof(log_path), "%s/log", tmp_dir);
	snprintf(out_path, sizeof(out_path), "%s/read.out", tmp_dir);
	snprintf(uri, sizeof(uri), "unix:%s?mem=%s", sock_path, mem_path);
	/* the baseline files live on tmpfs (else in the page cache) */
	{
		struct stat st;

		if (!stat("/dev/shm", &st) && S_ISDIR(st.st_mode))
			snprintf(shm_path, sizeof(shm_path),
				 "/dev/shm/stlm-bench-daemon.%d", (int)getpid());
		else
			snprintf(shm_path, sizeof(shm_path), "%s/baseline",
				 tmp_dir);
	}
	if (mkdir(mnt, 0755))
		die("mkdir %s: %s", mnt, strerror(errno));
	if (!(big_buf = malloc(big_len)))
		die("out of memory");

	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGALRM, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	alarm(TIME_LIMIT_S);

	bench_all(n);
	if (torn_retries)
		printf("# %u reads retried: torn SHMTI passes (machine overloaded)\n",
		       torn_retries);

	cleanup();
	free(big_buf);
	return 0;
}
