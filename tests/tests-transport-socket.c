// SPDX-License-Identifier: MIT
/*
 * Copyright (c) 2026 The stlm authors
 *
 * unix: and tcp: transports, both sides: the emulator serving
 * (platform/server-socket.c) and the agent transport (lib/transport/
 * socket.c), exchanging real commands built with the codec. The framing
 * cases at the end talk to a hand-driven peer socket instead, to control
 * exactly which bytes arrive when.
 */
#define STLM_TEST_GROUP "transport-socket"
#include "stlm-test.h"

#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stdarg.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "base.h"
#include "platform.h"
#include "scmi.h"
#include "telemetry.h"
#include "tplat.h"
#include "transport.h"

#define TT_TIMEOUT 2000
#define TT_BUF 4096

/*
 * The description served: a generated platform of 64 DEs (or the shared
 * small fixture if the generator gives fewer), with Linux's default
 * max_msg_size of 104 bytes: 128-byte SMT areas as on real mailboxes, and
 * DE_DESCRIPTION takes many pages.
 */
static struct stlmp_config *tt_config(void)
{
	struct stlmp_config *cfg = NULL;

	ASSERT_OK(stlmp_config_generate(64, &cfg));
	if (cfg->n_des < 8) {
		stlmp_config_free(cfg);
		cfg = tp_config(false);
	}
	cfg->max_msg_size = 104;
	ASSERT_OK(stlmp_config_validate(cfg, NULL, 0));
	return cfg;
}

static void tt_log(void *data, int level, const char *fmt, va_list ap)
{
	if (!getenv("STLM_TEST_VERBOSE"))
		return;
	fprintf(stderr, "  platform[%d]: ", level);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

static struct stlmp_platform *tt_platform(struct stlmp_config **ret_cfg)
{
	struct stlmp_opts opts = { .seed = 1, .log = tt_log,
				   .manual_clock = true };
	struct stlmp_platform *p = NULL;
	struct stlmp_config *cfg = NULL;

	cfg = tt_config();
	p = tp_platform_new(cfg, &opts);
	*ret_cfg = cfg;
	return p;
}

static int64_t tt_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/*
 * Send a command and return the payload of its response (status first),
 * skipping delayed responses and notifications.
 */
static int tt_xfer(struct stlm_transport *t, uint8_t proto, uint8_t id,
		   uint16_t token, const uint8_t *req, size_t req_len,
		   uint8_t *resp, size_t cap)
{
	struct scmi_hdr h = { .id = id, .type = SCMI_MSG_COMMAND,
			      .proto = proto, .token = token };
	uint8_t msg[TT_BUF];
	uint32_t hdr = scmi_hdr_pack(&h);
	int r;

	scmi_put_le32(msg, hdr);
	if (req_len)
		memcpy(msg + 4, req, req_len);
	r = t->ops->send(t, msg, 4 + req_len, false);
	if (r < 0)
		return r;
	for (int i = 0; i < 10000; i++) {
		r = t->ops->recv(t, msg, sizeof(msg), TT_TIMEOUT);
		if (r < 0)
			return r;
		if (r < 4)
			return -EPROTO;
		if (scmi_get_le32(msg) != hdr)
			continue;
		if ((size_t)r - 4 > cap)
			return -EMSGSIZE;
		memcpy(resp, msg + 4, (size_t)r - 4);
		return r - 4;
	}
	return -ELOOP;
}

static void tt_check_version(struct stlm_transport *t, uint16_t token)
{
	uint8_t resp[TT_BUF];
	uint32_t v = 0;
	int n;

	n = tt_xfer(t, SCMI_PROTO_TELEMETRY, SCMI_TLM_PROTOCOL_VERSION, token,
		    NULL, 0, resp, sizeof(resp));
	ASSERT_EQ(n, 8);
	ASSERT_OK(scmi_u32_resp_decode(resp, (size_t)n, &v));
	ASSERT_EQ(v, SCMI_TLM_VERSION);
}

/* Base + Telemetry discovery and every DE descriptor, page by page. */
static void tt_check_commands(struct stlm_transport *t,
			      const struct stlmp_config *cfg)
{
	struct scmi_tlm_de_desc *d = calloc(256, sizeof(*d));
	uint8_t resp[TT_BUF], req[4];
	struct scmi_tlm_attrs a;
	uint32_t v = 0, index = 0;
	uint16_t token = 1;
	int n, pages = 0;

	ASSERT_NOT_NULL(d);
	n = tt_xfer(t, SCMI_PROTO_BASE, SCMI_BASE_PROTOCOL_VERSION, token++,
		    NULL, 0, resp, sizeof(resp));
	ASSERT_EQ(n, 8);
	ASSERT_OK(scmi_u32_resp_decode(resp, (size_t)n, &v));
	ASSERT_NE(v, 0);

	tt_check_version(t, token++);

	n = tt_xfer(t, SCMI_PROTO_TELEMETRY, SCMI_TLM_PROTOCOL_ATTRIBUTES,
		    token++, NULL, 0, resp, sizeof(resp));
	ASSERT_EQ(n, 4 + SCMI_TLM_ATTRS_SIZE);
	ASSERT_OK(scmi_tlm_attrs_resp_decode(resp, (size_t)n, &a));
	ASSERT_EQ(a.de_num, cfg->n_des);
	ASSERT_EQ(a.num_shmti, cfg->n_shmti);
	ASSERT_MEMEQ(a.uuid, cfg->uuid, 16);

	while (index < a.de_num) {
		struct scmi_list_hdr lh;
		int k;

		ASSERT_CMP(++pages, <=, (int)a.de_num);
		scmi_put_le32(req, index);
		n = tt_xfer(t, SCMI_PROTO_TELEMETRY, SCMI_TLM_DE_DESCRIPTION,
			    token, req, sizeof(req), resp, sizeof(resp));
		token = (token + 1) & SCMI_TOKEN_MAX;
		ASSERT_CMP(n, >, 8);
		/* A page fits the platform's message size. */
		ASSERT_CMP(n, <=, 4 + cfg->max_msg_size);
		k = scmi_tlm_de_description_resp_decode(resp, (size_t)n, &lh,
							d, 256);
		ASSERT_CMP(k, >, 0);
		ASSERT_EQ(lh.returned, (uint32_t)k);
		ASSERT_EQ(index + lh.returned + lh.remaining, a.de_num);
		for (int i = 0; i < k; i++)
			ASSERT_EQ(d[i].id, cfg->des[index + i].desc.id);
		index += lh.returned;
	}
	ASSERT_CMP(pages, >, 1);
	free(d);
}

static void tt_uri(char *buf, size_t cap, const char *scheme,
		   struct stlmp_platform *p)
{
	if (!strcmp(scheme, "tcp"))
		snprintf(buf, cap, "tcp:127.0.0.1:%d",
			 stlmp_platform_tcp_port(p));
	else
		snprintf(buf, cap, "unix:%s/platform.sock", stlm_test_tmpdir());
}

static struct stlmp_platform *tt_listen(const char *scheme,
					struct stlmp_config **ret_cfg,
					char *uri, size_t cap)
{
	struct stlmp_platform *p = tt_platform(ret_cfg);

	if (!strcmp(scheme, "tcp")) {
		ASSERT_OK(stlmp_platform_listen(p, "tcp:127.0.0.1:0"));
		ASSERT_CMP(stlmp_platform_tcp_port(p), >, 0);
	} else {
		char l[PATH_MAX];

		snprintf(l, sizeof(l), "unix:%s/platform.sock",
			 stlm_test_tmpdir());
		ASSERT_OK(stlmp_platform_listen(p, l));
	}
	tt_uri(uri, cap, scheme, p);
	return p;
}

/* ------------------------------------------------------------------ */

static void commands(const char *scheme)
{
	struct stlmp_config *cfg;
	struct stlm_transport *t = NULL;
	char uri[PATH_MAX];
	struct stlmp_platform *p = tt_listen(scheme, &cfg, uri, sizeof(uri));
	struct stlmp_stats st;

	ASSERT_OK(stlm_transport_open(uri, &t));
	ASSERT_STREQ(t->ops->scheme, scheme);
	ASSERT_STREQ(t->mem_path, "");
	ASSERT_CMP(t->max_msg, >=, 4 + 4 + cfg->max_msg_size);
	tt_check_commands(t, cfg);
	stlmp_platform_stats(p, &st);
	ASSERT_CMP(st.commands, >=, 4);
	stlm_transport_close(t);
	tp_platform_free(p);
	stlmp_config_free(cfg);
}

STLM_TEST(unix_commands)
{
	commands("unix");
}

STLM_TEST(tcp_commands)
{
	commands("tcp");
}

STLM_TEST(mem_option)
{
	struct stlmp_config *cfg;
	struct stlm_transport *t = NULL;
	char uri[PATH_MAX], u2[PATH_MAX + 64];
	struct stlmp_platform *p = tt_listen("unix", &cfg, uri, sizeof(uri));

	snprintf(u2, sizeof(u2), "%s?mem=/some/file&timeout_ms=100", uri);
	ASSERT_OK(stlm_transport_open(u2, &t));
	ASSERT_STREQ(t->mem_path, "/some/file");
	tt_check_version(t, 7);
	stlm_transport_close(t);
	tp_platform_free(p);
	stlmp_config_free(cfg);
}

static void second_agent(const char *scheme)
{
	struct stlmp_config *cfg;
	struct stlm_transport *a = NULL, *b = NULL;
	char uri[PATH_MAX];
	struct stlmp_platform *p = tt_listen(scheme, &cfg, uri, sizeof(uri));
	struct stlmp_stats st;
	uint8_t buf[64];

	ASSERT_OK(stlm_transport_open(uri, &a));
	tt_check_version(a, 1);

	/* The connection is accepted, then refused with the L = 0 frame. */
	ASSERT_OK(stlm_transport_open(uri, &b));
	ASSERT_ERR(b->ops->recv(b, buf, sizeof(buf), TT_TIMEOUT), -EBUSY);
	/* Sticky. */
	ASSERT_ERR(b->ops->recv(b, buf, sizeof(buf), 0), -EBUSY);
	scmi_put_le32(buf, 0x6C00);
	ASSERT_ERR(b->ops->send(b, buf, 4, false), -EBUSY);
	stlmp_platform_stats(p, &st);
	ASSERT_EQ(st.agents_refused, 1);

	/* The owner is unaffected. */
	tt_check_version(a, 2);
	stlm_transport_close(b);
	tt_check_version(a, 3);
	stlm_transport_close(a);
	tp_platform_free(p);
	stlmp_config_free(cfg);
}

STLM_TEST(unix_second_agent_refused)
{
	second_agent("unix");
}

STLM_TEST(tcp_second_agent_refused)
{
	second_agent("tcp");
}

STLM_TEST(refused_across_transports)
{
	struct stlmp_config *cfg;
	struct stlm_transport *a = NULL, *b = NULL;
	char uri[PATH_MAX], tcp[64];
	struct stlmp_platform *p = tt_listen("unix", &cfg, uri, sizeof(uri));
	uint8_t buf[64];

	ASSERT_OK(stlmp_platform_listen(p, "tcp:127.0.0.1:0"));
	snprintf(tcp, sizeof(tcp), "tcp:127.0.0.1:%d",
		 stlmp_platform_tcp_port(p));
	ASSERT_OK(stlm_transport_open(uri, &a));
	tt_check_version(a, 1);
	ASSERT_OK(stlm_transport_open(tcp, &b));
	ASSERT_ERR(b->ops->recv(b, buf, sizeof(buf), TT_TIMEOUT), -EBUSY);
	stlm_transport_close(b);
	stlm_transport_close(a);
	tp_platform_free(p);
	stlmp_config_free(cfg);
}

static void reconnect(const char *scheme)
{
	struct stlmp_config *cfg;
	struct stlm_transport *t = NULL;
	char uri[PATH_MAX];
	struct stlmp_platform *p = tt_listen(scheme, &cfg, uri, sizeof(uri));
	struct stlmp_stats st;

	for (int i = 0; i < 5; i++) {
		ASSERT_OK(stlm_transport_open(uri, &t));
		tt_check_version(t, (uint16_t)i);
		stlm_transport_close(t);
	}
	/* Close with a command in flight, then a new agent. */
	ASSERT_OK(stlm_transport_open(uri, &t));
	{
		uint8_t cmd[4];

		scmi_put_le32(cmd, 0x6C00);
		ASSERT_OK(t->ops->send(t, cmd, 4, false));
	}
	stlm_transport_close(t);
	ASSERT_OK(stlm_transport_open(uri, &t));
	tt_check_version(t, 9);
	stlm_transport_close(t);
	stlmp_platform_stats(p, &st);
	ASSERT_EQ(st.agents_refused, 0);
	tp_platform_free(p);
	stlmp_config_free(cfg);
}

STLM_TEST(unix_reconnect)
{
	reconnect("unix");
}

STLM_TEST(tcp_reconnect)
{
	reconnect("tcp");
}

/* A raw client: connect, write bytes, report whether the platform hung up. */
static int raw_connect(const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

	ASSERT_CMP(fd, >=, 0);
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
	ASSERT_OK(connect(fd, (struct sockaddr *)&sa, sizeof(sa)));
	return fd;
}

static void raw_write(int fd, const void *buf, size_t len)
{
	ASSERT_EQ(send(fd, buf, len, MSG_NOSIGNAL), (ssize_t)len);
}

/* Wait for EOF from the platform (it dropped us). */
static void raw_expect_hangup(int fd)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	uint8_t junk[256];
	ssize_t n;

	for (;;) {
		ASSERT_EQ(poll(&pfd, 1, TT_TIMEOUT), 1);
		n = recv(fd, junk, sizeof(junk), 0);
		if (n <= 0)
			break;
	}
	close(fd);
}

STLM_TEST(hostile_client)
{
	struct stlmp_config *cfg;
	struct stlm_transport *t = NULL;
	char uri[PATH_MAX];
	struct stlmp_platform *p = tt_listen("unix", &cfg, uri, sizeof(uri));
	const char *path = uri + 5;
	size_t max = stlmp_platform_max_msg(p);
	uint8_t *frame = malloc(max + 1100);
	int fd;

	ASSERT_NOT_NULL(frame);

	/* Huge length. */
	fd = raw_connect(path);
	scmi_put_le32(frame, 0xFFFFFFFF);
	raw_write(fd, frame, 4);
	raw_expect_hangup(fd);

	/* Zero and too-short lengths. */
	for (uint32_t l = 0; l < 4; l++) {
		fd = raw_connect(path);
		scmi_put_le32(frame, l);
		memset(frame + 4, 0, 4);
		raw_write(fd, frame, 8);
		raw_expect_hangup(fd);
	}

	/* Just over what the platform accepts, with the body sent. */
	fd = raw_connect(path);
	scmi_put_le32(frame, (uint32_t)max + 1000);
	memset(frame + 4, 0xEE, max + 1000);
	raw_write(fd, frame, 4 + max + 1000);
	raw_expect_hangup(fd);

	/*
	 * Well-framed garbage (reserved message type, reserved header bits,
	 * a response type) is not answered, the connection stays; then a
	 * real command on the same connection is answered.
	 */
	fd = raw_connect(path);
	{
		static const uint32_t junk[] = { 0x00000100, 0xF0006C00,
						 0x00006E08, 0x00006F00 };
		struct pollfd pfd = { .fd = fd, .events = POLLIN };

		for (size_t i = 0; i < sizeof(junk) / sizeof(junk[0]); i++) {
			scmi_put_le32(frame, 8);
			scmi_put_le32(frame + 4, junk[i]);
			scmi_put_le32(frame + 8, 0xDEADBEEF);
			raw_write(fd, frame, 12);
		}
		ASSERT_EQ(poll(&pfd, 1, 100), 0);
		scmi_put_le32(frame, 4);
		scmi_put_le32(frame + 4, 0x00006C00 | 5u << 18);
		raw_write(fd, frame, 8);
		ASSERT_EQ(poll(&pfd, 1, TT_TIMEOUT), 1);
		ASSERT_EQ(recv(fd, frame, 16, MSG_WAITALL), 16);
		ASSERT_EQ(scmi_get_le32(frame), 12);
		ASSERT_EQ(scmi_get_le32(frame + 4), 0x00006C00 | 5u << 18);
		ASSERT_EQ(scmi_get_le32(frame + 8), 0);
		ASSERT_EQ(scmi_get_le32(frame + 12), SCMI_TLM_VERSION);
	}
	close(fd);

	/* Half a frame, then gone. */
	fd = raw_connect(path);
	scmi_put_le32(frame, 100);
	raw_write(fd, frame, 30);
	close(fd);

	/* The platform is still serving. */
	ASSERT_OK(stlm_transport_open(uri, &t));
	tt_check_commands(t, cfg);
	stlm_transport_close(t);
	tp_platform_free(p);
	stlmp_config_free(cfg);
	free(frame);
}

STLM_TEST(agent_send_limits)
{
	struct stlmp_config *cfg;
	struct stlm_transport *t = NULL;
	char uri[PATH_MAX];
	struct stlmp_platform *p = tt_listen("unix", &cfg, uri, sizeof(uri));
	uint8_t *big = calloc(1, 1 << 17);

	ASSERT_NOT_NULL(big);
	ASSERT_OK(stlm_transport_open(uri, &t));
	ASSERT_ERR(t->ops->send(t, big, 3, false), -EINVAL);
	ASSERT_ERR(t->ops->send(t, NULL, 4, false), -EINVAL);
	ASSERT_ERR(t->ops->send(t, big, t->max_msg + 1, false), -EMSGSIZE);
	tt_check_version(t, 1);
	free(big);
	stlm_transport_close(t);
	tp_platform_free(p);
	stlmp_config_free(cfg);
}

STLM_TEST(recv_timeout_and_fd)
{
	struct stlmp_config *cfg;
	struct stlm_transport *t = NULL;
	char uri[PATH_MAX];
	struct stlmp_platform *p = tt_listen("tcp", &cfg, uri, sizeof(uri));
	uint8_t buf[TT_BUF];
	struct pollfd pfd;
	int64_t t0, dt;

	ASSERT_OK(stlm_transport_open(uri, &t));
	t0 = tt_now_ns();
	ASSERT_ERR(t->ops->recv(t, buf, sizeof(buf), 0), -ETIMEDOUT);
	ASSERT_ERR(t->ops->recv(t, buf, sizeof(buf), 60), -ETIMEDOUT);
	dt = (tt_now_ns() - t0) / 1000000;
	ASSERT_CMP(dt, >=, 55);
	ASSERT_CMP(dt, <, 1000);

	pfd.fd = t->ops->fd(t);
	pfd.events = POLLIN;
	ASSERT_EQ(poll(&pfd, 1, 0), 0);
	scmi_put_le32(buf, 0x00006C00);
	ASSERT_OK(t->ops->send(t, buf, 4, false));
	ASSERT_EQ(poll(&pfd, 1, TT_TIMEOUT), 1);
	ASSERT_EQ(t->ops->recv(t, buf, sizeof(buf), 0), 12);
	ASSERT_EQ(poll(&pfd, 1, 0), 0);

	/* A reply bigger than the caller's buffer is dropped whole. */
	ASSERT_OK(t->ops->send(t, buf, 4, false));
	ASSERT_ERR(t->ops->recv(t, buf, 8, TT_TIMEOUT), -EMSGSIZE);
	tt_check_version(t, 3);
	stlm_transport_close(t);
	tp_platform_free(p);
	stlmp_config_free(cfg);
}

static void platform_gone(const char *scheme)
{
	struct stlmp_config *cfg;
	struct stlm_transport *t = NULL;
	char uri[PATH_MAX];
	struct stlmp_platform *p = tt_listen(scheme, &cfg, uri, sizeof(uri));
	uint8_t buf[64];
	struct stat st;

	ASSERT_OK(stlm_transport_open(uri, &t));
	tt_check_version(t, 1);
	tp_platform_free(p);
	ASSERT_ERR(t->ops->recv(t, buf, sizeof(buf), TT_TIMEOUT), -ECONNRESET);
	ASSERT_ERR(t->ops->recv(t, buf, sizeof(buf), 0), -ECONNRESET);
	scmi_put_le32(buf, 0x6C00);
	ASSERT_ERR(t->ops->send(t, buf, 4, false), -ECONNRESET);
	stlm_transport_close(t);
	if (!strcmp(scheme, "unix"))
		ASSERT_ERR(stat(uri + 5, &st) < 0 ? -errno : 0, -ENOENT);
	ASSERT_ERR(stlm_transport_open(uri, &t), !strcmp(scheme, "unix") ?
						-ENOENT : -ECONNREFUSED);
	stlmp_config_free(cfg);
}

STLM_TEST(unix_platform_gone)
{
	platform_gone("unix");
}

STLM_TEST(tcp_platform_gone)
{
	platform_gone("tcp");
}

STLM_TEST(notifications_in_order)
{
	struct stlmp_config *cfg;
	struct stlm_transport *t = NULL;
	char uri[PATH_MAX];
	struct stlmp_platform *p = tt_listen("unix", &cfg, uri, sizeof(uri));
	uint8_t buf[TT_BUF];

	ASSERT_OK(stlm_transport_open(uri, &t));
	tt_check_version(t, 1);
	ASSERT_OK(stlmp_platform_fault_add(p, "flood:count=200"));
	for (uint64_t i = 0; i < 200; i++) {
		struct scmi_tlm_update upd;
		int n = t->ops->recv(t, buf, sizeof(buf), TT_TIMEOUT);

		ASSERT_CMP(n, >, 4);
		ASSERT_EQ(scmi_get_le32(buf), 0x00006F00);
		ASSERT_OK(scmi_tlm_update_decode(buf + 4, (size_t)n - 4, &upd));
		ASSERT_EQ(upd.lines.num_dwords, 4);
		ASSERT_U64_EQ(scmi_get_le64(upd.lines.lines + 8), i);
	}
	tt_check_version(t, 2);
	stlm_transport_close(t);
	tp_platform_free(p);
	stlmp_config_free(cfg);
}

STLM_TEST(unix_listen_rules)
{
	struct stlmp_config *cfg;
	struct stlmp_platform *p = tt_platform(&cfg), *p2;
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct stlmp_opts opts = { .seed = 1, .log = tt_log,
				   .manual_clock = true };
	struct stlm_transport *t = NULL;
	char uri[PATH_MAX];
	int fd;

	/* A stale socket file (nothing listening) is replaced. */
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s/stale.sock",
		 stlm_test_tmpdir());
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	ASSERT_OK(bind(fd, (struct sockaddr *)&sa, sizeof(sa)));
	close(fd);
	snprintf(uri, sizeof(uri), "unix:%s", sa.sun_path);
	ASSERT_OK(stlmp_platform_listen(p, uri));
	ASSERT_OK(stlm_transport_open(uri, &t));
	tt_check_version(t, 1);
	stlm_transport_close(t);

	/* A live one is not. */
	p2 = tp_platform_new(cfg, &opts);
	ASSERT_ERR(stlmp_platform_listen(p2, uri), -EADDRINUSE);
	/* Nor is a file that is not a socket. */
	snprintf(uri, sizeof(uri), "unix:%s/file", stlm_test_tmpdir());
	fd = open(uri + 5, O_CREAT | O_WRONLY | O_CLOEXEC, 0600);
	ASSERT_CMP(fd, >=, 0);
	close(fd);
	ASSERT_ERR(stlmp_platform_listen(p2, uri), -EEXIST);
	ASSERT_ERR(stlmp_platform_listen(p2, "unix:"), -EINVAL);
	ASSERT_ERR(stlmp_platform_listen(p2, "unix:/x?mem=y"), -EINVAL);
	tp_platform_free(p2);
	tp_platform_free(p);
	/* stop() removed the socket file. */
	ASSERT_NE(access(sa.sun_path, F_OK), 0);
	ASSERT_EQ(access(uri + 5, F_OK), 0);
	stlmp_config_free(cfg);
}

STLM_TEST(tcp_loopback_only)
{
	struct stlmp_config *cfg;
	struct stlmp_platform *p = tt_platform(&cfg);
	struct stlm_transport *t = NULL;
	char uri[64];

	ASSERT_ERR(stlmp_platform_listen(p, "tcp:0.0.0.0:0"), -EPERM);
	ASSERT_ERR(stlmp_platform_listen(p, "tcp:192.0.2.1:0"), -EPERM);
	ASSERT_ERR(stlmp_platform_listen(p, "tcp:[::]:0"), -EPERM);
	ASSERT_ERR(stlmp_platform_listen(p, "tcp:127.0.0.1"), -EINVAL);
	ASSERT_ERR(stlmp_platform_listen(p, "tcp:127.0.0.1:65536"), -EINVAL);
	ASSERT_ERR(stlmp_platform_listen(p, "tcp::0"), -EINVAL);
	ASSERT_EQ(stlmp_platform_tcp_port(p), -1);

	ASSERT_OK(stlmp_platform_listen(p, "tcp:127.0.0.2:0"));
	snprintf(uri, sizeof(uri), "tcp:127.0.0.2:%d",
		 stlmp_platform_tcp_port(p));
	ASSERT_OK(stlm_transport_open(uri, &t));
	tt_check_version(t, 1);
	stlm_transport_close(t);
	tp_platform_free(p);
	stlmp_config_free(cfg);

	/* IPv6 loopback, where the host has it. */
	p = tt_platform(&cfg);
	if (stlmp_platform_listen(p, "tcp:[::1]:0") == 0) {
		snprintf(uri, sizeof(uri), "tcp:[::1]:%d",
			 stlmp_platform_tcp_port(p));
		ASSERT_OK(stlm_transport_open(uri, &t));
		tt_check_version(t, 2);
		stlm_transport_close(t);
	}
	tp_platform_free(p);
	stlmp_config_free(cfg);
}

static void latency(const char *scheme)
{
	struct stlmp_config *cfg;
	struct stlm_transport *t = NULL;
	char uri[PATH_MAX];
	struct stlmp_platform *p = tt_listen(scheme, &cfg, uri, sizeof(uri));
	uint8_t buf[64];
	const int n = 10000;
	int64_t t0;

	ASSERT_OK(stlm_transport_open(uri, &t));
	t0 = tt_now_ns();
	for (int i = 0; i < n; i++) {
		uint32_t hdr = 0x00006C00 | (uint32_t)(i & 0x3FF) << 18;

		scmi_put_le32(buf, hdr);
		ASSERT_OK(t->ops->send(t, buf, 4, false));
		ASSERT_EQ(t->ops->recv(t, buf, sizeof(buf), TT_TIMEOUT), 12);
		ASSERT_EQ(scmi_get_le32(buf), hdr);
	}
	fprintf(stderr, "  %s: %d PROTOCOL_VERSION round trips, %.1f us each\n",
		scheme, n, (double)(tt_now_ns() - t0) / n / 1000.0);
	stlm_transport_close(t);
	tp_platform_free(p);
	stlmp_config_free(cfg);
}

STLM_TEST(unix_latency)
{
	latency("unix");
}

STLM_TEST(tcp_latency)
{
	latency("tcp");
}

/* ------------------------------------------------------------------ */
/* Agent-side framing against a hand-driven peer                       */

struct peer {
	int lfd, fd;
	char uri[PATH_MAX];
};

static void peer_open(struct peer *pe, struct stlm_transport **t)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };

	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s/peer.sock",
		 stlm_test_tmpdir());
	pe->lfd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	ASSERT_OK(bind(pe->lfd, (struct sockaddr *)&sa, sizeof(sa)));
	ASSERT_OK(listen(pe->lfd, 1));
	snprintf(pe->uri, sizeof(pe->uri), "unix:%s", sa.sun_path);
	ASSERT_OK(stlm_transport_open(pe->uri, t));
	pe->fd = accept4(pe->lfd, NULL, NULL, SOCK_CLOEXEC);
	ASSERT_CMP(pe->fd, >=, 0);
}

static void peer_close(struct peer *pe)
{
	close(pe->fd);
	close(pe->lfd);
}

STLM_TEST(framing_partial_frames)
{
	struct stlm_transport *t = NULL;
	struct peer pe;
	uint8_t f[64], buf[64];

	peer_open(&pe, &t);
	scmi_put_le32(f, 12);
	for (int i = 0; i < 12; i++)
		f[4 + i] = (uint8_t)(0xA0 + i);

	/* Length in two pieces, body in two pieces: never blocks. */
	raw_write(pe.fd, f, 2);
	ASSERT_ERR(t->ops->recv(t, buf, sizeof(buf), 20), -ETIMEDOUT);
	raw_write(pe.fd, f + 2, 5);
	ASSERT_ERR(t->ops->recv(t, buf, sizeof(buf), 0), -ETIMEDOUT);
	raw_write(pe.fd, f + 7, 9);
	ASSERT_EQ(t->ops->recv(t, buf, sizeof(buf), 0), 12);
	ASSERT_MEMEQ(buf, f + 4, 12);

	/* Two frames in one write come out one by one. */
	memcpy(f + 16, f, 16);
	raw_write(pe.fd, f, 32);
	ASSERT_EQ(t->ops->recv(t, buf, sizeof(buf), TT_TIMEOUT), 12);
	ASSERT_EQ(t->ops->recv(t, buf, sizeof(buf), 0), 12);
	ASSERT_ERR(t->ops->recv(t, buf, sizeof(buf), 0), -ETIMEDOUT);

	/* Too big for the caller: consumed and dropped, the next is fine. */
	raw_write(pe.fd, f, 32);
	ASSERT_ERR(t->ops->recv(t, buf, 11, TT_TIMEOUT), -EMSGSIZE);
	ASSERT_EQ(t->ops->recv(t, buf, 12, TT_TIMEOUT), 12);

	/* The agent's own frames are length-prefixed. */
	scmi_put_le32(f, 0x00006C00);
	ASSERT_OK(t->ops->send(t, f, 4, false));
	ASSERT_EQ(recv(pe.fd, buf, 8, MSG_WAITALL), 8);
	ASSERT_EQ(scmi_get_le32(buf), 4);
	ASSERT_EQ(scmi_get_le32(buf + 4), 0x00006C00);

	/* EOF in the middle of a frame. */
	scmi_put_le32(f, 12);
	raw_write(pe.fd, f, 6);
	peer_close(&pe);
	ASSERT_ERR(t->ops->recv(t, buf, sizeof(buf), TT_TIMEOUT), -ECONNRESET);
	stlm_transport_close(t);
}

STLM_TEST(framing_errors)
{
	struct stlm_transport *t = NULL;
	struct peer pe;
	uint8_t f[8], buf[64];

	/* A length below 4 breaks the stream for good. */
	peer_open(&pe, &t);
	scmi_put_le32(f, 3);
	raw_write(pe.fd, f, 8);
	ASSERT_ERR(t->ops->recv(t, buf, sizeof(buf), TT_TIMEOUT), -EPROTO);
	ASSERT_ERR(t->ops->recv(t, buf, sizeof(buf), 0), -EPROTO);
	ASSERT_ERR(t->ops->send(t, f, 4, false), -EPROTO);
	stlm_transport_close(t);
	peer_close(&pe);
	unlink(pe.uri + 5);

	/* So does one beyond any platform's message. */
	peer_open(&pe, &t);
	scmi_put_le32(f, 0x01000000);
	raw_write(pe.fd, f, 8);
	ASSERT_ERR(t->ops->recv(t, buf, sizeof(buf), TT_TIMEOUT), -EPROTO);
	stlm_transport_close(t);
	peer_close(&pe);
	unlink(pe.uri + 5);

	/* L = 0 is the refusal. */
	peer_open(&pe, &t);
	scmi_put_le32(f, 0);
	raw_write(pe.fd, f, 4);
	ASSERT_ERR(t->ops->recv(t, buf, sizeof(buf), TT_TIMEOUT), -EBUSY);
	stlm_transport_close(t);
	peer_close(&pe);
}
