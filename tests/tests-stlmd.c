// SPDX-License-Identifier: MIT
/*
 * Copyright (c) 2026 The stlm authors
 *
 * The stlmd client socket (daemon/sock.c) and libstlm's stlmd: backend
 * (lib/stlmd.c), in-process: an emulator, a struct stlmd with its own
 * session on it, the socket server started with stlmd_sock_start(), and
 * "stlmd:SOCK" sessions opened from threads and forked children. The
 * daemon main (stlmd.c) is not linked: its session helpers are below.
 */
#define STLM_TEST_GROUP "stlmd"
#include "stlm-test.h"

#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "daemon.h"
#include "owner.h"
#include "session.h"
#include "stlmd-wire.h"
#include "tplat.h"

/* ------------------------------------------------------------------ */
/* What stlmd.c provides to sock.c                                     */

void stlmd_log(struct stlmd *d, int level, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	stlm_test_log(d, level, fmt, ap);
	va_end(ap);
}

uint64_t stlmd_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

#define MAX_OLD 8
static struct stlm_session *old_sessions[MAX_OLD];
static size_t n_old;

struct stlm_session *stlmd_session(struct stlmd *d)
{
	struct stlm_open_opts o = {
		.size = sizeof(o), .timeout_ms = 300, .retries = 1,
		.log = stlm_test_log, .no_catalog = true,
	};
	struct stlm_session *s;

	pthread_mutex_lock(&d->lock);
	s = d->s;
	if (!s && !d->stopping && stlmd_now_ns() >= d->next_retry_ns) {
		d->next_retry_ns = stlmd_now_ns() + 100000000ull;
		if (stlm_session_open(d->platform, &o, &s) < 0)
			s = NULL;
		d->s = s;
	}
	pthread_mutex_unlock(&d->lock);
	if (!s)
		errno = EIO;
	return s;
}

/* As stlmd.c, simplified: lost, the last error a refused connection. */
void stlmd_platform_down(struct stlmd *d, struct stlmd_down *ret)
{
	memset(ret, 0, sizeof(*ret));
	ret->magic = STLMD_DOWN_MAGIC;
	ret->state = STLMD_DOWN_LOST;
	ret->last_err = -ECONNREFUSED;
	ret->attempts = 1;
	snprintf(ret->platform, sizeof(ret->platform), "%s", d->platform);
}

/* As stlmd.c: the session's state decides, never the request's errno. */
bool stlmd_request_failed(struct stlmd *d, struct stlm_session *s, int err)
{
	if (err >= 0)
		return false;
	pthread_mutex_lock(&d->lock);
	if (!s)
		s = d->s;
	if (s && stlm_session_state(s, NULL) == STLM_STATE_LOST) {
		if (d->s == s && n_old < MAX_OLD) {
			stlm_owner_release(s);
			old_sessions[n_old++] = d->s;
			d->s = NULL;
			d->next_retry_ns = 0;
		}
		pthread_mutex_unlock(&d->lock);
		return true;
	}
	pthread_mutex_unlock(&d->lock);
	return err == -ETIMEDOUT;
}

/* ------------------------------------------------------------------ */
/* Fixture                                                             */

struct dfx {
	struct stlmp_config *cfg;
	struct stlmp_platform *p;
	char dir[256];
	char mem[320];
	char plat[400];
	char uri[1100];
	char sock[320];
	char sock_uri[400];
	struct stlmd d;
};

static void platform_up(struct dfx *f)
{
	struct stlmp_opts o = { .seed = 7, .log = (stlmp_log_fn)stlm_test_log,
				.mem_path = f->mem };

	ASSERT_OK(stlmp_platform_new(f->cfg, &o, &f->p));
	ASSERT_OK(stlmp_platform_listen(f->p, f->plat));
}

static struct dfx the_dfx;
static bool dfx_running;

static void dfx_stop(struct dfx *f);

static void dfx_cleanup(void *arg)
{
	if (dfx_running)
		dfx_stop(arg);
}

/* One daemon per case; torn down at the end of the case, even failed. */
static struct dfx *dfx_start(void)
{
	struct dfx *f = &the_dfx;

	memset(f, 0, sizeof(*f));
	snprintf(f->dir, sizeof(f->dir), "%s", stlm_test_tmpdir());
	chmod(f->dir, 0755); /* reachable by the unprivileged child */
	snprintf(f->mem, sizeof(f->mem), "%.200s/mem", f->dir);
	snprintf(f->plat, sizeof(f->plat), "unix:%.200s/p.sock", f->dir);
	snprintf(f->uri, sizeof(f->uri), "%.300s?mem=%.300s", f->plat, f->mem);
	snprintf(f->sock, sizeof(f->sock), "%.200s/stlmd.sock", f->dir);
	snprintf(f->sock_uri, sizeof(f->sock_uri), "stlmd:%.300s", f->sock);
	f->cfg = tp_config(false);
	platform_up(f);
	f->d.platform = f->uri;
	f->d.socket = f->sock;
	f->d.uid = getuid();
	f->d.gid = getgid();
	pthread_mutex_init(&f->d.lock, NULL);
	dfx_running = true;
	stlm_test_defer(dfx_cleanup, f);
	ASSERT_NOT_NULL(stlmd_session(&f->d));
	ASSERT_OK(stlmd_sock_start(&f->d));
	return f;
}

static void dfx_stop(struct dfx *f)
{
	if (!dfx_running)
		return;
	dfx_running = false;
	f->d.stopping = true;
	stlmd_sock_stop(&f->d);
	stlm_session_close(f->d.s);
	for (size_t i = 0; i < n_old; i++)
		stlm_session_close(old_sessions[i]);
	n_old = 0;
	stlmp_platform_free(f->p);
	stlmp_config_free(f->cfg);
	pthread_mutex_destroy(&f->d.lock);
}

static int client_open(struct dfx *f, struct stlm_session **ret)
{
	struct stlm_open_opts o = {
		.size = sizeof(o), .log = stlm_test_log, .no_catalog = true,
	};

	return stlm_session_open(f->sock_uri, &o, ret);
}

/* Wait up to ms for an event of type; 1 found, 0 not. */
static int wait_event(struct stlm_session *s, int type, int ms,
		      struct stlm_event *ret)
{
	uint64_t end = stlmd_now_ns() + (uint64_t)ms * 1000000ull;
	struct stlm_event ev;

	while (stlmd_now_ns() < end) {
		struct pollfd pfd = { stlm_event_fd(s), POLLIN, 0 };

		poll(&pfd, 1, 20);
		while (stlm_event_read(s, &ev) > 0)
			if (ev.type == type) {
				if (ret)
					*ret = ev;
				return 1;
			}
	}
	return 0;
}

/* ------------------------------------------------------------------ */

STLM_TEST(same_as_direct)
{
	struct dfx *f;
	struct stlm_session *c;
	struct stlm_platform_info a, b;
	struct stlm_intervals ia, ib;

	f = dfx_start();
	ASSERT_OK(client_open(f, &c));
	ASSERT_OK(stlm_session_info(f->d.s, &a));
	ASSERT_OK(stlm_session_info(c, &b));
	ASSERT_STREQ(a.vendor, b.vendor);
	ASSERT_STREQ(a.sub_vendor, b.sub_vendor);
	ASSERT_STREQ(a.uuid_str, b.uuid_str);
	ASSERT_EQ(a.protocol_version, b.protocol_version);
	ASSERT_EQ(a.n_des, b.n_des);
	ASSERT_EQ(a.n_groups, b.n_groups);
	ASSERT_EQ(a.n_shmti, b.n_shmti);
	ASSERT_EQ(a.single_sample, b.single_sample);
	ASSERT_EQ(a.notifications, b.notifications);
	ASSERT_EQ(a.reset, b.reset);
	ASSERT_EQ(stlm_de_count(c), stlm_de_count(f->d.s));
	for (int i = 0; i < stlm_de_count(c); i++) {
		const struct stlm_de *x = stlm_de_at(f->d.s, (size_t)i);
		const struct stlm_de *y = stlm_de_at(c, (size_t)i);

		ASSERT_EQ(stlm_de_id(x), stlm_de_id(y));
		ASSERT_EQ(stlm_de_type(x), stlm_de_type(y));
		ASSERT_EQ(stlm_de_size(x), stlm_de_size(y));
		ASSERT_EQ(stlm_de_unit(x), stlm_de_unit(y));
		ASSERT_EQ(stlm_de_unit_exp(x), stlm_de_unit_exp(y));
		ASSERT_EQ(stlm_de_group(x), stlm_de_group(y));
		ASSERT_EQ(stlm_de_ts_support(x), stlm_de_ts_support(y));
		ASSERT_EQ(stlm_de_ts_rate_khz(x), stlm_de_ts_rate_khz(y));
		ASSERT_EQ(stlm_de_has_fastchannel(x), stlm_de_has_fastchannel(y));
		ASSERT_EQ(stlm_de_component_instance(x),
			  stlm_de_component_instance(y));
		ASSERT_EQ(stlm_de_fw_name(x) != NULL, stlm_de_fw_name(y) != NULL);
		if (stlm_de_fw_name(x))
			ASSERT_STREQ(stlm_de_fw_name(x), stlm_de_fw_name(y));
	}
	ASSERT_EQ(stlm_group_count(c), stlm_group_count(f->d.s));
	for (int g = 0; g < stlm_group_count(c); g++) {
		const uint32_t *ma, *mb;
		size_t na, nb;

		ASSERT_OK(stlm_group_members(f->d.s, (uint32_t)g, &ma, &na));
		ASSERT_OK(stlm_group_members(c, (uint32_t)g, &mb, &nb));
		ASSERT_EQ(na, nb);
		ASSERT_MEMEQ(ma, mb, na * sizeof(*ma));
	}
	ASSERT_OK(stlm_intervals_get(f->d.s, STLM_GROUP_ALL, &ia));
	ASSERT_OK(stlm_intervals_get(c, STLM_GROUP_ALL, &ib));
	ASSERT_EQ(ia.n, ib.n);
	ASSERT_EQ(ia.range, ib.range);
	for (size_t i = 0; i < ia.n; i++)
		ASSERT_U64_EQ(ia.v[i].ns, ib.v[i].ns);
	ASSERT_EQ(stlm_shmti_count(c), stlm_shmti_count(f->d.s));
	ASSERT_U64_EQ(stlm_session_generation(c),
		      stlm_session_generation(f->d.s));
	stlm_session_close(c);
	dfx_stop(f);
}

STLM_TEST(config_snapshot_shared_fds)
{
	struct stlm_batch_item it[] = {
		{ .op = STLM_BATCH_DE, .id = TP_CONST, .enable = true },
		{ .op = STLM_BATCH_DE, .id = TP_BLK, .enable = true,
		  .timestamps = true },
		{ .op = STLM_BATCH_DE, .id = 0xdead, .enable = true },
		{ .op = STLM_BATCH_GROUP, .id = 1, .enable = true },
		{ .op = STLM_BATCH_DE, .id = TP_PLAIN, .enable = true },
	};
	struct stlm_snapshot *sa, *sb;
	const struct stlm_sample *x;
	struct stlm_session *c;
	struct dfx *f;
	const void *base;
	size_t len;
	uint32_t ids[] = { TP_CONST, TP_BLK, TP_G1A, TP_G1B, TP_PLAIN };

	f = dfx_start();
	ASSERT_OK(client_open(f, &c));
	ASSERT_EQ(stlm_batch_apply(c, it, 5), 1);
	ASSERT_EQ(it[0].status, 0);
	ASSERT_EQ(it[1].status, 0);
	ASSERT_EQ(it[2].status, -ENOENT);
	ASSERT_EQ(it[3].status, 0);
	ASSERT_EQ(it[4].status, 0);
	ASSERT_TRUE(stlm_de_enabled(stlm_de_get(c, TP_CONST)));
	ASSERT_TRUE(stlm_de_ts_enabled(stlm_de_get(c, TP_BLK)));
	ASSERT_U64_EQ(stlm_session_generation(c),
		      stlm_session_generation(f->d.s));
	ASSERT_OK(stlm_collection_set(c, STLM_GROUP_ALL, true,
				      STLM_MODE_ON_DEMAND, 0));
	/* The SHMTI is the daemon's memory file, mapped read-only here. */
	ASSERT_OK(stlm_shmti_map(c, 0, &base, &len));
	ASSERT_NOT_NULL(base);
	ASSERT_EQ(memcmp(base, "TBGN", 0), 0);

	ASSERT_OK(stlm_snapshot_new(c, &sa));
	ASSERT_OK(stlm_snapshot_new(f->d.s, &sb));
	usleep(50000);
	ASSERT_CMP(stlm_snapshot_take(sa, 0), >=, 5);
	ASSERT_CMP(stlm_snapshot_take(sb, 0), >=, 5);
	for (size_t i = 0; i < sizeof(ids) / sizeof(ids[0]); i++) {
		const struct stlm_sample *y = stlm_snapshot_find(sb, ids[i]);

		x = stlm_snapshot_find(sa, ids[i]);
		ASSERT_NOT_NULL(x);
		ASSERT_NOT_NULL(y);
		ASSERT_TRUE(x->flags & STLM_SAMPLE_VALID);
		ASSERT_U64_EQ(x->raw, y->raw);
	}
	x = stlm_snapshot_find(sa, TP_CONST);
	ASSERT_U64_EQ(x->raw, 1234);
	ASSERT_U64_EQ(stlm_snapshot_find(sa, TP_G1B)->raw, 6);
	ASSERT_U64_EQ(stlm_snapshot_generation(sa),
		      stlm_session_generation(f->d.s));
	/* single sample through the daemon */
	ASSERT_CMP(stlm_snapshot_take(sa, STLM_TAKE_SINGLE_SAMPLE), >=, 5);
	stlm_snapshot_free(sa);
	stlm_snapshot_free(sb);

	/* disabling reaches the client's snapshot too */
	ASSERT_OK(stlm_de_set(c, TP_CONST, false, false));
	ASSERT_FALSE(stlm_de_enabled(stlm_de_get(c, TP_CONST)));
	ASSERT_OK(stlm_snapshot_new(c, &sa));
	ASSERT_CMP(stlm_snapshot_take(sa, 0), >=, 0);
	x = stlm_snapshot_find(sa, TP_CONST);
	ASSERT_TRUE(!x || !(x->flags & STLM_SAMPLE_VALID));
	stlm_snapshot_free(sa);
	stlm_session_close(c);
	dfx_stop(f);
}

STLM_TEST(unprivileged_reads_only)
{
	struct dfx *f;
	pid_t pid;
	int st;

	f = dfx_start();
	if (getuid() != 0) {
		dfx_stop(f);
		STLM_SKIP("needs root to run a client as nobody");
	}
	pid = fork();
	ASSERT_CMP(pid, >=, 0);
	if (pid == 0) {
		struct stlm_session *c;
		struct stlm_collection col;
		int code = 0;

		if (setresgid(65534, 65534, 65534) < 0 ||
		    setresuid(65534, 65534, 65534) < 0)
			_exit(10);
		if (client_open(f, &c) < 0)
			_exit(11);
		if (stlm_de_count(c) != TP_N_DES)
			code = 12;
		/* refused locally (-EROFS), not as the platform's DENIED */
		else if (stlm_de_set(c, TP_CONST, true, false) != -EROFS)
			code = 13;
		else if (stlm_collection_set(c, STLM_GROUP_ALL, true, 0, 0) !=
			 -EROFS)
			code = 14;
		else if (stlm_reset(c) != -EROFS)
			code = 15;
		else if (stlm_collection_get(c, STLM_GROUP_ALL, &col) < 0)
			code = 16;
		stlm_session_close(c);
		_exit(code);
	}
	ASSERT_EQ(waitpid(pid, &st, 0), pid);
	ASSERT_TRUE(WIFEXITED(st));
	ASSERT_EQ(WEXITSTATUS(st), 0);
	dfx_stop(f);
}

STLM_TEST(generation_broadcast)
{
	struct stlm_session *a, *b;
	struct stlm_event ev;
	struct dfx *f;

	f = dfx_start();
	ASSERT_OK(client_open(f, &a));
	ASSERT_OK(client_open(f, &b));
	while (stlm_event_read(b, &ev) > 0)
		;
	ASSERT_OK(stlm_de_set(a, TP_G1A, true, false));
	ASSERT_EQ(wait_event(b, STLM_EVENT_GENERATION, 3000, &ev), 1);
	ASSERT_U64_EQ(ev.generation, stlm_session_generation(a));
	ASSERT_TRUE(stlm_de_enabled(stlm_de_get(b, TP_G1A)));
	/* a change made by the daemon's own session reaches clients too */
	ASSERT_OK(stlm_de_set(f->d.s, TP_G1B, true, false));
	ASSERT_EQ(wait_event(b, STLM_EVENT_GENERATION, 3000, &ev), 1);
	ASSERT_TRUE(stlm_de_enabled(stlm_de_get(b, TP_G1B)));
	stlm_session_close(a);
	stlm_session_close(b);
	dfx_stop(f);
}

static int raw_connect(const char *path);

/* Send one request on a raw connection (no reply read). */
static void raw_send(int fd, uint16_t type, uint32_t seq, const void *p,
		     size_t len)
{
	uint8_t msg[256];
	struct stlmd_hdr h = { .magic = STLMD_MAGIC, .type = type, .seq = seq,
			       .len = (uint32_t)len };

	memcpy(msg, &h, sizeof(h));
	memcpy(msg + sizeof(h), p, len);
	ASSERT_EQ(send(fd, msg, sizeof(h) + len, 0), (ssize_t)(sizeof(h) + len));
}

STLM_TEST(notifications_and_loss)
{
	struct stlmd_hello hello = { .version = STLMD_PROTO_VERSION };
	struct stlmd_subscribe sub = { .mask = STLMD_SUB_UPDATE };
	struct stlm_session *a;
	struct stlm_event ev;
	struct dfx *f;
	uint8_t *buf;
	uint64_t lost = 0;
	int fd, updates = 0;

	f = dfx_start();
	ASSERT_OK(client_open(f, &a));
	/* a raw client that subscribes, then does not read at all */
	fd = raw_connect(f->sock);
	ASSERT_CMP(fd, >=, 0);
	raw_send(fd, STLMD_HELLO, 1, &hello, sizeof(hello));
	raw_send(fd, STLMD_SUBSCRIBE, 2, &sub, sizeof(sub));
	ASSERT_OK(stlm_de_set(a, TP_MSG, true, false));
	ASSERT_OK(stlm_de_set(a, TP_CONST, true, false));
	ASSERT_OK(stlm_collection_set(a, STLM_GROUP_ALL, true,
				      STLM_MODE_NOTIFY, 1000000));
	ASSERT_EQ(wait_event(a, STLM_EVENT_UPDATE, 3000, &ev), 1);
	ASSERT_CMP(ev.n_samples, >, 0);
	usleep(1500000);
	/* the good client still gets its updates */
	ASSERT_EQ(wait_event(a, STLM_EVENT_UPDATE, 3000, &ev), 1);
	ASSERT_OK(stlm_collection_set(a, STLM_GROUP_ALL, false,
				      STLM_MODE_ON_DEMAND, 0));
	usleep(100000);
	/* the slow one: updates, then LOST with the count */
	buf = malloc(STLMD_MAX_MSG);
	for (int k = 0; k < 100000; k++) {
		struct pollfd pfd = { fd, POLLIN, 0 };
		struct stlmd_hdr h;
		struct stlmd_event e;
		ssize_t n;

		if (poll(&pfd, 1, 300) <= 0)
			break;
		n = recv(fd, buf, STLMD_MAX_MSG, 0);
		if (n <= 0)
			break;
		ASSERT_CMP(n, >=, (ssize_t)sizeof(h));
		memcpy(&h, buf, sizeof(h));
		if (h.type != STLMD_EVENT)
			continue;
		memcpy(&e, buf + sizeof(h), sizeof(e));
		if (e.type == STLM_EVENT_UPDATE)
			updates++;
		if (e.type == STLM_EVENT_LOST)
			lost += e.lost;
	}
	free(buf);
	close(fd);
	ASSERT_CMP(updates, >, 0);
	ASSERT_CMP(lost, >, 0);
	stlm_session_close(a);
	dfx_stop(f);
}

/* ------------------------------------------------------------------ */
/* Hostile clients                                                     */

static int raw_connect(const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);

	if (strlen(path) >= sizeof(sa.sun_path)) {
		if (fd >= 0)
			close(fd);
		return -1;
	}
	memcpy(sa.sun_path, path, strlen(path) + 1);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		if (fd >= 0)
			close(fd);
		return -1;
	}
	return fd;
}

/* 1: the daemon closed the connection (after an ERROR) within 2 s. */
static int closed_by_daemon(int fd)
{
	uint8_t buf[256];
	uint64_t end = stlmd_now_ns() + 2000000000ull;

	while (stlmd_now_ns() < end) {
		struct pollfd pfd = { fd, POLLIN, 0 };
		ssize_t n;

		if (poll(&pfd, 1, 100) <= 0)
			continue;
		n = recv(fd, buf, sizeof(buf), MSG_DONTWAIT);
		if (n == 0 || (n < 0 && errno != EAGAIN))
			return 1;
	}
	return 0;
}

struct good {
	struct dfx *f;
	volatile bool *stop;
	int ok;
	int err;
};

static void *good_main(void *arg)
{
	struct good *g = arg;
	struct stlm_session *c;
	struct stlm_snapshot *snap;

	if (client_open(g->f, &c) < 0) {
		g->err = 1;
		return NULL;
	}
	if (stlm_snapshot_new(c, &snap) < 0) {
		g->err = 1;
		stlm_session_close(c);
		return NULL;
	}
	while (!*g->stop) {
		struct stlm_collection col;

		if (stlm_snapshot_take(snap, 0) < 0 ||
		    stlm_collection_get(c, STLM_GROUP_ALL, &col) < 0)
			g->err++;
		else
			g->ok++;
	}
	stlm_snapshot_free(snap);
	stlm_session_close(c);
	return NULL;
}

STLM_TEST(hostile_clients)
{
	struct stlmd_hdr h = { .magic = STLMD_MAGIC, .type = STLMD_HELLO,
			       .len = sizeof(struct stlmd_hello) };
	struct stlmd_hello hello = { .version = STLMD_PROTO_VERSION };
	uint8_t msg[sizeof(h) + sizeof(hello)], *big;
	volatile bool stop = false;
	struct good g[4];
	pthread_t th[4];
	struct dfx *f;
	int fd, sent = 0;

	f = dfx_start();
	ASSERT_OK(stlm_de_set(f->d.s, TP_CONST, true, false));
	for (int i = 0; i < 4; i++) {
		g[i] = (struct good){ .f = f, .stop = &stop };
		ASSERT_EQ(pthread_create(&th[i], NULL, good_main, &g[i]), 0);
	}
	/* garbage */
	fd = raw_connect(f->sock);
	ASSERT_CMP(fd, >=, 0);
	ASSERT_EQ(send(fd, "garbage!garbage!garbage!garbage!", 32, 0), 32);
	ASSERT_EQ(closed_by_daemon(fd), 1);
	close(fd);
	/* a length that does not match the packet ("half a frame") */
	fd = raw_connect(f->sock);
	h.len = 1000;
	memcpy(msg, &h, sizeof(h));
	memcpy(msg + sizeof(h), &hello, sizeof(hello));
	ASSERT_EQ(send(fd, msg, sizeof(msg), 0), (ssize_t)sizeof(msg));
	ASSERT_EQ(closed_by_daemon(fd), 1);
	close(fd);
	h.len = sizeof(hello);
	/* oversized packet */
	fd = raw_connect(f->sock);
	big = calloc(1, STLMD_MAX_MSG + 4096);
	memcpy(big, msg, sizeof(msg));
	if (send(fd, big, STLMD_MAX_MSG + 4096, 0) > 0)
		ASSERT_EQ(closed_by_daemon(fd), 1);
	free(big);
	close(fd);
	/* a request before HELLO, then disconnect at once */
	fd = raw_connect(f->sock);
	h.type = STLMD_INFO;
	h.len = 0;
	ASSERT_EQ(send(fd, &h, sizeof(h), 0), (ssize_t)sizeof(h));
	close(fd);
	/* thousands of requests without reading a reply */
	fd = raw_connect(f->sock);
	h.type = STLMD_HELLO;
	h.len = sizeof(hello);
	memcpy(msg, &h, sizeof(h));
	ASSERT_EQ(send(fd, msg, sizeof(msg), 0), (ssize_t)sizeof(msg));
	h.type = STLMD_DES;
	h.len = sizeof(struct stlmd_page_req);
	memset(msg, 0, sizeof(msg));
	memcpy(msg, &h, sizeof(h));
	for (int i = 0; i < 20000; i++) {
		h.seq = (uint32_t)i + 1;
		memcpy(msg, &h, sizeof(h));
		if (send(fd, msg, sizeof(h) + h.len, MSG_DONTWAIT) < 0)
			break;
		sent++;
	}
	ASSERT_CMP(sent, >, 100);
	/* the good clients keep working meanwhile */
	{
		int before = g[0].ok;

		usleep(300000);
		ASSERT_CMP(g[0].ok, >, before);
	}
	/* an unprivileged-looking flood of connections is capped, not fatal */
	stop = true;
	for (int i = 0; i < 4; i++) {
		pthread_join(th[i], NULL);
		ASSERT_EQ(g[i].err, 0);
		ASSERT_CMP(g[i].ok, >, 0);
	}
	close(fd);
	dfx_stop(f);
}

STLM_TEST(session_loss_and_recovery)
{
	struct stlm_session *c;
	struct stlm_snapshot *snap;
	struct stlm_collection col;
	struct dfx *f;
	int r = 0;
	uint64_t end;

	f = dfx_start();
	ASSERT_OK(client_open(f, &c));
	ASSERT_OK(stlm_de_set(c, TP_CONST, true, false));
	/* the platform goes away */
	stlmp_platform_free(f->p);
	f->p = NULL;
	end = stlmd_now_ns() + 3000000000ull;
	while (stlmd_now_ns() < end &&
	       (r = stlm_collection_get(c, STLM_GROUP_ALL, &col)) >= 0)
		usleep(20000);
	ASSERT_CMP(r, <, 0);
	ASSERT_EQ(stlm_de_set(c, TP_CONST, true, false) < 0, true);
	/* once the daemon has retired the session, it says why: not a bare EIO */
	end = stlmd_now_ns() + 3000000000ull;
	while (stlmd_now_ns() < end &&
	       (r = stlm_collection_get(c, STLM_GROUP_ALL, &col)) != -EHOSTDOWN)
		usleep(20000);
	ASSERT_ERR(r, -EHOSTDOWN);
	/* it comes back (a new emulator on the same paths) */
	platform_up(f);
	ASSERT_EQ(wait_event(c, STLM_EVENT_RESET, 5000, NULL), 1);
	end = stlmd_now_ns() + 3000000000ull;
	while (stlmd_now_ns() < end &&
	       (r = stlm_de_set(c, TP_CONST, true, false)) < 0)
		usleep(50000);
	ASSERT_OK(r);
	ASSERT_OK(stlm_collection_set(c, STLM_GROUP_ALL, true,
				      STLM_MODE_ON_DEMAND, 0));
	ASSERT_OK(stlm_snapshot_new(c, &snap));
	usleep(50000);
	ASSERT_CMP(stlm_snapshot_take(snap, 0), >=, 1);
	ASSERT_U64_EQ(stlm_snapshot_find(snap, TP_CONST)->raw, 1234);
	stlm_snapshot_free(snap);
	stlm_session_close(c);
	dfx_stop(f);
}

/* A client's failing requests leave it READY; the daemon going away makes
 * it LOST (stlm_session_state). */
STLM_TEST(client_state)
{
	struct stlm_session *c = NULL;
	uint64_t end;
	struct dfx *f;
	int err = 1;

	f = dfx_start();
	ASSERT_OK(client_open(f, &c));
	ASSERT_EQ(stlm_session_state(c, &err), STLM_STATE_READY);
	ASSERT_EQ(err, 0);
	ASSERT_ERR(stlm_group_set(c, 99, true, false), -ENOENT);
	ASSERT_ERR(stlm_de_set(c, 0xDEADBEEF, true, false), -ENOENT);
	ASSERT_EQ(stlm_session_state(c, &err), STLM_STATE_READY);
	ASSERT_EQ(err, 0);
	ASSERT_OK(stlm_de_set(c, TP_CONST, true, false));

	stlmd_sock_stop(&f->d);
	end = stlmd_now_ns() + 2000000000ull;
	while (stlm_session_state(c, &err) != STLM_STATE_LOST &&
	       stlmd_now_ns() < end)
		usleep(5000);
	ASSERT_EQ(stlm_session_state(c, &err), STLM_STATE_LOST);
	ASSERT_CMP(err, <, 0);
	ASSERT_CMP(stlm_de_set(c, TP_CONST, false, false), <, 0);
	ASSERT_EQ(stlm_session_state(c, NULL), STLM_STATE_LOST);
	stlm_session_close(c);
	dfx_stop(f);
}

/* A request that fails because the daemon is gone returns with the
 * session already LOST: a caller checking the state right after the
 * failure must not find it READY (the receive thread may not have seen
 * the end of the stream yet). */
STLM_TEST(client_lost_when_request_fails)
{
	struct stlm_session *c = NULL;
	struct stlm_collection col;
	uint64_t end;
	struct dfx *f;
	int r = 0;

	f = dfx_start();
	ASSERT_OK(client_open(f, &c));
	ASSERT_OK(stlm_collection_get(c, STLM_GROUP_ALL, &col));
	stlmd_sock_stop(&f->d);
	end = stlmd_now_ns() + 2000000000ull;
	while (r >= 0 && stlmd_now_ns() < end)
		r = stlm_collection_get(c, STLM_GROUP_ALL, &col);
	ASSERT_CMP(r, <, 0);
	ASSERT_EQ(stlm_session_state(c, NULL), STLM_STATE_LOST);
	stlm_session_close(c);
	dfx_stop(f);
}

/* A snapshot on a session whose daemon is gone fails, as on a lost
 * platform channel, once the session is LOST: it does not go on serving
 * the shared memory as if nothing happened. */
STLM_TEST(client_snapshot_fails_when_daemon_gone)
{
	struct stlm_session *c = NULL;
	struct stlm_snapshot *snap;
	uint64_t end;
	struct dfx *f;
	int r;

	f = dfx_start();
	ASSERT_OK(client_open(f, &c));
	ASSERT_OK(stlm_de_set(c, TP_CONST, true, false));
	ASSERT_OK(stlm_collection_set(c, STLM_GROUP_ALL, true,
				      STLM_MODE_ON_DEMAND, 0));
	ASSERT_OK(stlm_snapshot_new(c, &snap));
	usleep(50000);
	ASSERT_CMP(stlm_snapshot_take(snap, 0), >=, 1);
	stlmd_sock_stop(&f->d);
	end = stlmd_now_ns() + 2000000000ull;
	while (stlm_session_state(c, NULL) != STLM_STATE_LOST &&
	       stlmd_now_ns() < end)
		usleep(5000);
	ASSERT_EQ(stlm_session_state(c, NULL), STLM_STATE_LOST);
	r = stlm_snapshot_take(snap, 0);
	ASSERT_CMP(r, <, 0);
	stlm_snapshot_free(snap);
	stlm_session_close(c);
	dfx_stop(f);
}

/*
 * A failing request is not a lost platform: "no such group / DE /
 * interval" through the socket leave the daemon's session in place and
 * READY, and clients keep being served.
 */
STLM_TEST(failed_requests_keep_session)
{
	struct stlm_session *c, *ds;
	struct stlm_collection col;
	struct stlm_intervals iv;
	struct stlm_snapshot *snap;
	struct dfx *f;
	int err = 1;

	f = dfx_start();
	ds = f->d.s;
	ASSERT_OK(client_open(f, &c));
	ASSERT_ERR(stlm_collection_get(c, 99, &col), -ENOENT);
	ASSERT_ERR(stlm_intervals_get(c, 99, &iv), -ENOENT);
	ASSERT_ERR(stlm_de_set(c, 0x0badbeef, true, false), -ENOENT);
	ASSERT_ERR(stlm_collection_set(c, STLM_GROUP_ALL, true,
				       STLM_MODE_ON_DEMAND, 7), -ERANGE);
	ASSERT_TRUE(f->d.s == ds);
	ASSERT_EQ(stlm_session_state(ds, &err), STLM_STATE_READY);
	ASSERT_EQ(err, 0);
	ASSERT_EQ(stlm_session_state(c, &err), STLM_STATE_READY);
	ASSERT_OK(stlm_de_set(c, TP_CONST, true, false));
	ASSERT_OK(stlm_collection_set(c, STLM_GROUP_ALL, true,
				      STLM_MODE_ON_DEMAND, 0));
	ASSERT_OK(stlm_snapshot_new(c, &snap));
	usleep(50000);
	ASSERT_CMP(stlm_snapshot_take(snap, 0), >=, 1);
	ASSERT_U64_EQ(stlm_snapshot_find(snap, TP_CONST)->raw, 1234);
	stlm_snapshot_free(snap);
	ASSERT_TRUE(f->d.s == ds);
	stlm_session_close(c);
	dfx_stop(f);
}

/*
 * A released session frees the platform's single agent channel at once
 * (a new session is not refused with EBUSY) while the object stays valid:
 * its state is LOST and every call on it fails.
 */
STLM_TEST(owner_release_frees_channel)
{
	struct stlm_open_opts o = {
		.size = sizeof(o), .timeout_ms = 300, .retries = 1,
		.log = stlm_test_log, .no_catalog = true,
	};
	struct stlm_session *old, *s2;
	struct stlm_collection col;
	struct dfx *f;
	uint64_t size;
	int err = 0, fd;

	f = dfx_start();
	old = f->d.s;
	/* while it holds the channel, another agent is refused */
	ASSERT_ERR(stlm_session_open(f->uri, &o, &s2), -EBUSY);
	fd = stlm_owner_mem_fd(old, &size);
	ASSERT_CMP(fd, >=, 0);
	ASSERT_CMP(size, >, 0);
	close(fd);
	stlm_owner_release(old);
	stlm_owner_release(old); /* idempotent */
	ASSERT_EQ(stlm_session_state(old, &err), STLM_STATE_LOST);
	ASSERT_EQ(err, -ESHUTDOWN);
	ASSERT_ERR(stlm_collection_get(old, STLM_GROUP_ALL, &col), -ESHUTDOWN);
	ASSERT_OK(stlm_session_open(f->uri, &o, &s2));
	ASSERT_EQ(stlm_session_state(s2, NULL), STLM_STATE_READY);
	ASSERT_OK(stlm_collection_get(s2, STLM_GROUP_ALL, &col));
	stlm_session_close(s2);
	stlm_owner_release(NULL);
	ASSERT_EQ(stlm_session_state(NULL, &err), STLM_STATE_LOST);
	ASSERT_EQ(err, -EINVAL);
	dfx_stop(f);
}
