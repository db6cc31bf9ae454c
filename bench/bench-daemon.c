// SPDX-License-Identifier: MIT
/*
 * Copyright (c) 2026 The stlm authors
 *
 * stlmd benchmarks: real FUSE mounts of an emulated platform
 * (stlm-platform --des N). Prints one line per figure:
 *   BENCH <name> <value> <unit> [ratio=<r> vs=<baseline>]
 *
 * At N DEs (default 50000), every DE enabled and collection on:
 *  - one read of snapshot.bin (open + read to EOF + close; median), and of
 *    the text snapshot;
 *  - reading every des/<id>/value file (open + read + close each; median
 *    of rounds), against snapshot.bin;
 *  - baseline: one real sysfs attribute file read N times (open + read +
 *    close), the per-file cost of the kernel RFC's design, against
 *    snapshot.bin.
 * At N_BIG DEs (default 100000):
 *  - mount-ready time with -o lazy (from fork+exec of stlmd to
 *    tlm_0/version being readable; median), against the same without lazy;
 *  - stlmd's VmRSS after the mount, a full listing of des/ (readdir and
 *    lstat of every entry), snapshots and a read of every value file
 *    (goal <= 64 MiB), and its peak (VmHWM).
 *
 * Needs root and /dev/fuse; without them prints "BENCH daemon_skipped 0
 * n/a" and exits 0. Every process is started here and killed by pid; the
 * mount is always removed (also on failure, signal or the time limit).
 *
 * Usage: bench-daemon [BUILD] [N] [N_BIG]
 *   BUILD: the build directory (default: this program's ../); binaries
 *   BUILD/platform/stlm-platform, BUILD/daemon/stlmd, BUILD/cli/stlm.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "snapshot-bin.h"

#define TIME_LIMIT_S 150	/* the whole program */
#define SNAP_ROUNDS 41
#define FILE_ROUNDS 3
#define LAZY_ROUNDS 3

static char build_dir[PATH_MAX];
static char tmp_dir[PATH_MAX] = "";
static char mnt[PATH_MAX + 16];
static char tlm[PATH_MAX + 32];
static char uri[2 * PATH_MAX + 64];
static char sock_path[PATH_MAX + 16];
static char mem_path[PATH_MAX + 16];
static char log_path[PATH_MAX + 16];
static volatile pid_t pid_platform = -1;
static volatile pid_t pid_daemon = -1;

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static void sleep_us(long us)
{
	struct timespec ts = { us / 1000000, (us % 1000000) * 1000 };

	nanosleep(&ts, NULL);
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static double median(double *v, int n)
{
	qsort(v, n, sizeof(*v), cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* ------------------------------------------------------------------ */
/* Processes and cleanup                                              */

static bool is_mounted(void)
{
	char line[4 * PATH_MAX];
	size_t len = strlen(mnt);
	bool found = false;
	FILE *f;

	if (!mnt[0] || !(f = fopen("/proc/self/mounts", "r")))
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
	stop_daemon();
	stop_platform();
	if (tmp_dir[0]) {
		unlink(log_path);
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
	int fd = open(log_path, O_RDONLY);

	if (fd < 0)
		return;
	fprintf(stderr, "--- log ---\n");
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		fwrite(buf, 1, n, stderr);
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

/* fork + exec argv with stdout/stderr appended to the log; returns pid */
static pid_t spawn(char *const argv[])
{
	pid_t pid = fork();

	if (pid < 0)
		die("fork: %s", strerror(errno));
	if (pid == 0) {
		int fd = open(log_path, O_WRONLY | O_CREAT | O_APPEND, 0600);
		int nul = open("/dev/null", O_RDONLY);

		if (fd >= 0) {
			dup2(fd, 1);
			dup2(fd, 2);
		}
		if (nul >= 0)
			dup2(nul, 0);
		signal(SIGALRM, SIG_DFL);
		signal(SIGINT, SIG_DFL);
		signal(SIGTERM, SIG_DFL);
		execv(argv[0], argv);
		_exit(127);
	}
	return pid;
}

static void run(char *const argv[])
{
	pid_t pid = spawn(argv);
	int st;

	if (waitpid(pid, &st, 0) != pid || !WIFEXITED(st) || WEXITSTATUS(st))
		die("%s %s failed", argv[0], argv[1]);
}

static void start_platform(unsigned n)
{
	char bin[PATH_MAX + 32], des[16], listen[PATH_MAX + 32];
	char *argv[] = { bin, "--des", des, "--listen", listen, "--mem",
			 mem_path, "-q", NULL };

	snprintf(bin, sizeof(bin), "%s/platform/stlm-platform", build_dir);
	snprintf(des, sizeof(des), "%u", n);
	snprintf(listen, sizeof(listen), "unix:%s", sock_path);
	unlink(sock_path);
	pid_platform = spawn(argv);
	for (int i = 0; i < 2000; i++) {
		struct stat st;

		if (!stat(sock_path, &st) && S_ISSOCK(st.st_mode))
			break;
		if (waitpid(pid_platform, NULL, WNOHANG) == pid_platform) {
			pid_platform = -1;
			die("stlm-platform exited");
		}
		sleep_us(5000);
	}

	/* Configuration is global on the platform: enable every DE and
	 * start collection with the CLI before stlmd owns the platform. */
	char cli[PATH_MAX + 16];
	char *en[] = { cli, "-q", "--platform", uri, "enable", "--all", NULL };
	char *on[] = { cli, "-q", "--platform", uri, "config", "--on", NULL };

	snprintf(cli, sizeof(cli), "%s/cli/stlm", build_dir);
	run(en);
	run(on);
}

/* Start stlmd; returns the ms from fork+exec to tlm_0/version readable. */
static double start_daemon(bool lazy)
{
	char bin[PATH_MAX + 32], version[PATH_MAX + 64];
	char *argv[] = { bin, "-f", "--platform", uri, "--mount", mnt,
			 lazy ? "-o" : NULL, "lazy", NULL };
	double t0, t1;

	snprintf(bin, sizeof(bin), "%s/daemon/stlmd", build_dir);
	snprintf(version, sizeof(version), "%s/version", tlm);
	t0 = now_ms();
	pid_daemon = spawn(argv);
	for (;;) {
		int fd = open(version, O_RDONLY);

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
		if (now_ms() - t0 > 20000)
			die("stlmd mount not ready after 20 s");
		sleep_us(100);
	}
	t1 = now_ms();
	return t1 - t0;
}

/* ------------------------------------------------------------------ */
/* Reads                                                              */

static char *big_buf;
static size_t big_len = 16u << 20;

/* open + read to EOF + close; returns bytes or -errno */
static ssize_t read_file(const char *path, char *buf, size_t len)
{
	int fd = open(path, O_RDONLY);
	ssize_t tot = 0, n;

	if (fd < 0)
		return -errno;
	while ((n = read(fd, buf + tot, len - tot)) > 0)
		tot += n;
	if (n < 0)
		tot = -errno;
	close(fd);
	return tot;
}

static double bench_snapshot_bin(unsigned n)
{
	char path[PATH_MAX + 64];
	double t[SNAP_ROUNDS];

	snprintf(path, sizeof(path), "%s/snapshot.bin", tlm);
	for (int r = 0; r < SNAP_ROUNDS; r++) {
		double t0 = now_ms();
		ssize_t got = read_file(path, big_buf, big_len);

		t[r] = now_ms() - t0;
		if (got < 0)
			die("snapshot.bin: %s", strerror(-got));
		const struct stlmd_snap_header *h = (const void *)big_buf;

		if ((size_t)got < sizeof(*h) || h->magic != STLMD_SNAP_MAGIC ||
		    !h->n_samples ||
		    (size_t)got != h->header_size + (size_t)h->n_samples * h->sample_size)
			die("snapshot.bin: bad header or length (%zd bytes)", got);
		if (h->n_samples != n && !r)
			printf("# snapshot.bin: %u samples, expected %u (every DE enabled)\n",
			       h->n_samples, n);
	}
	return median(t, SNAP_ROUNDS);
}

static double bench_snapshot_txt(void)
{
	char path[PATH_MAX + 64];
	double t[SNAP_ROUNDS];

	snprintf(path, sizeof(path), "%s/snapshot", tlm);
	for (int r = 0; r < SNAP_ROUNDS; r++) {
		double t0 = now_ms();
		ssize_t got = read_file(path, big_buf, big_len);

		t[r] = now_ms() - t0;
		if (got <= 0)
			die("snapshot: %s", got ? strerror(-got) : "empty");
	}
	return median(t, SNAP_ROUNDS);
}

/* The des/ entries, as value paths. */
static char **list_des(unsigned *count, bool do_lstat)
{
	char path[PATH_MAX + 64];
	unsigned cap = 1024, n = 0;
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
		if (do_lstat) {
			struct stat st;
			char *slash = strrchr(v[n], '/');

			*slash = 0;
			if (lstat(v[n], &st))
				die("lstat %s: %s", v[n], strerror(errno));
			*slash = '/';
		}
		n++;
	}
	closedir(dir);
	*count = n;
	return v;
}

static void free_list(char **v, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

/* Reads every value file (or, with leaf, the sibling file leaf) once;
 * returns ms, counts failures. */
static double read_values(char **v, unsigned n, const char *leaf,
			  unsigned *failed)
{
	char buf[128], path[PATH_MAX + 64];
	double t0 = now_ms();

	*failed = 0;
	for (unsigned i = 0; i < n; i++) {
		const char *p = v[i];

		if (leaf) {
			snprintf(path, sizeof(path), "%.*s/%s",
				 (int)(strrchr(v[i], '/') - v[i]), v[i], leaf);
			p = path;
		}
		if (read_file(p, buf, sizeof(buf)) <= 0)
			(*failed)++;
	}
	return now_ms() - t0;
}

static const char *const sysfs_candidates[] = {
	"/sys/devices/system/cpu/online",
	"/sys/kernel/mm/transparent_hugepage/enabled",
	"/sys/kernel/profiling",
	"/proc/self/stat",
};

static double read_sysfs(const char *path, unsigned n)
{
	char buf[4096];
	double t0 = now_ms();

	for (unsigned i = 0; i < n; i++)
		if (read_file(path, buf, sizeof(buf)) <= 0)
			die("%s: read failed", path);
	return now_ms() - t0;
}

static long status_kib(pid_t pid, const char *key)
{
	char path[64], line[256];
	size_t kl = strlen(key);
	long v = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	if (!(f = fopen(path, "r")))
		return -1;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, key, kl) && line[kl] == ':') {
			v = strtol(line + kl + 1, NULL, 10);
			break;
		}
	fclose(f);
	return v;
}

/* ------------------------------------------------------------------ */

static void bench_files(unsigned n)
{
	unsigned k = n / 1000, count, failed;
	double snap, txt, t[FILE_ROUNDS], files, sysfs;
	const char *sys_path = NULL;
	char **v;

	start_platform(n);
	double ready = start_daemon(false);

	printf("BENCH daemon_mount_ready_%uk %.1f ms\n", k, ready);
	snap = bench_snapshot_bin(n);
	printf("BENCH daemon_snapshot_bin_%uk %.3f ms (%zu bytes)\n", k, snap,
	       sizeof(struct stlmd_snap_header) +
	       (size_t)n * sizeof(struct stlmd_snap_sample));
	txt = bench_snapshot_txt();
	printf("BENCH daemon_snapshot_txt_%uk %.3f ms ratio=%.2f vs=daemon_snapshot_bin_%uk\n",
	       k, txt, txt / snap, k);

	v = list_des(&count, false);
	if (count != n)
		die("des/ has %u entries, expected %u", count, n);
	for (int r = 0; r < FILE_ROUNDS; r++) {
		t[r] = read_values(v, count, NULL, &failed);
		if (failed)
			die("%u of %u value files failed", failed, count);
	}
	files = median(t, FILE_ROUNDS);
	printf("BENCH daemon_value_files_%uk %.1f ms ratio=%.1f vs=daemon_snapshot_bin_%uk\n",
	       k, files, files / snap, k);
	printf("BENCH daemon_value_file_each %.2f us\n", files * 1e3 / count);
	/* the FUSE round trips alone: a constant file (type) of every DE */
	double types = read_values(v, count, "type", &failed);

	types = read_values(v, count, "type", &failed); /* warm: 2nd pass */

	if (failed)
		die("%u of %u type files failed", failed, count);
	printf("BENCH daemon_type_files_%uk %.1f ms ratio=%.2f vs=daemon_value_files_%uk\n",
	       k, types, types / files, k);
	free_list(v, count);

	for (size_t i = 0; i < sizeof(sysfs_candidates) / sizeof(*sysfs_candidates); i++) {
		char buf[4096];

		if (read_file(sysfs_candidates[i], buf, sizeof(buf)) > 0) {
			sys_path = sysfs_candidates[i];
			break;
		}
	}
	if (!sys_path)
		die("no readable sysfs or proc file for the baseline");
	for (int r = 0; r < FILE_ROUNDS; r++)
		t[r] = read_sysfs(sys_path, n);
	sysfs = median(t, FILE_ROUNDS);
	printf("# sysfs baseline: %s\n", sys_path);
	printf("BENCH sysfs_read_x%uk %.1f ms ratio=%.1f vs=daemon_snapshot_bin_%uk\n",
	       k, sysfs, sysfs / snap, k);
	printf("BENCH sysfs_read_each %.2f us\n", sysfs * 1e3 / n);
	printf("BENCH daemon_value_files_vs_sysfs_%uk %.2f ratio=%.2f vs=sysfs_read_x%uk\n",
	       k, files / sysfs, files / sysfs, k);
	fflush(stdout);

	stop_daemon();
	stop_platform();
}

static void bench_big(unsigned n)
{
	unsigned k = n / 1000, count, failed;
	double lazy[LAZY_ROUNDS], l, full;
	char **v;

	start_platform(n);
	for (int r = 0; r < LAZY_ROUNDS; r++) {
		lazy[r] = start_daemon(true);
		stop_daemon();
	}
	l = median(lazy, LAZY_ROUNDS);
	full = start_daemon(false);
	printf("BENCH daemon_mount_ready_%uk %.1f ms\n", k, full);
	printf("BENCH daemon_mount_ready_lazy_%uk %.1f ms ratio=%.3f vs=daemon_mount_ready_%uk\n",
	       k, l, l / full, k);
	fflush(stdout);

	/* RSS of the non-lazy daemon under a full workload */
	printf("BENCH daemon_rss_mounted_%uk %.1f MiB\n", k,
	       status_kib(pid_daemon, "VmRSS") / 1024.0);
	v = list_des(&count, true);
	if (count != n)
		die("des/ has %u entries, expected %u", count, n);
	printf("BENCH daemon_rss_listed_%uk %.1f MiB\n", k,
	       status_kib(pid_daemon, "VmRSS") / 1024.0);
	(void)bench_snapshot_bin(n);
	(void)bench_snapshot_txt();
	printf("BENCH daemon_rss_snapshots_%uk %.1f MiB\n", k,
	       status_kib(pid_daemon, "VmRSS") / 1024.0);
	double tv = read_values(v, count, NULL, &failed);

	if (failed)
		printf("# %u of %u value files failed\n", failed, count);
	printf("BENCH daemon_value_files_%uk %.1f ms\n", k, tv);
	free_list(v, count);
	long rss = status_kib(pid_daemon, "VmRSS");
	long hwm = status_kib(pid_daemon, "VmHWM");

	printf("BENCH daemon_rss_%uk %.1f MiB\n", k, rss / 1024.0);
	printf("BENCH daemon_rss_peak_%uk %.1f MiB\n", k, hwm / 1024.0);
	fflush(stdout);

	stop_daemon();
	stop_platform();
}

int main(int argc, char **argv)
{
	unsigned n = argc > 2 ? strtoul(argv[2], NULL, 0) : 50000;
	unsigned n_big = argc > 3 ? strtoul(argv[3], NULL, 0) : 100000;
	struct sigaction sa = { .sa_handler = on_signal };
	char tmpl[] = "/tmp/stlm-bench-daemon.XXXXXX";
	int fd;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc > 1) {
		snprintf(build_dir, sizeof(build_dir), "%s", argv[1]);
	} else {
		ssize_t l = readlink("/proc/self/exe", build_dir, sizeof(build_dir) - 1);

		if (l <= 0)
			return 1;
		build_dir[l] = 0;
		for (int i = 0; i < 2; i++) {
			char *s = strrchr(build_dir, '/');

			if (s)
				*s = 0;
		}
	}

	fd = open("/dev/fuse", O_RDWR);
	if (geteuid() != 0 || fd < 0) {
		printf("# stlmd benchmarks need root and /dev/fuse\n");
		printf("BENCH daemon_skipped 0 n/a\n");
		return 0;
	}
	close(fd);
	if (!n || !n_big)
		return 2;

	if (!mkdtemp(tmpl))
		die("mkdtemp: %s", strerror(errno));
	chmod(tmpl, 0755);
	snprintf(tmp_dir, sizeof(tmp_dir), "%s", tmpl);
	snprintf(mnt, sizeof(mnt), "%s/mnt", tmp_dir);
	snprintf(tlm, sizeof(tlm), "%s/tlm_0", mnt);
	snprintf(sock_path, sizeof(sock_path), "%s/p.sock", tmp_dir);
	snprintf(mem_path, sizeof(mem_path), "%s/p.mem", tmp_dir);
	snprintf(log_path, sizeof(log_path), "%s/log", tmp_dir);
	snprintf(uri, sizeof(uri), "unix:%s?mem=%s", sock_path, mem_path);
	if (mkdir(mnt, 0755))
		die("mkdir %s: %s", mnt, strerror(errno));
	if (!(big_buf = malloc(big_len)))
		die("out of memory");

	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGALRM, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	alarm(TIME_LIMIT_S);

	bench_files(n);
	bench_big(n_big);

	cleanup();
	free(big_buf);
	return 0;
}
