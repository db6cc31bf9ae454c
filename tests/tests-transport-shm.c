// SPDX-License-Identifier: MIT
/*
 * Copyright (c) 2026 The stlm authors
 *
 * shm: transport, both sides: the emulator serving SMT mailboxes in its
 * memory file with the DIR/doorbell socket (platform/server-shm.c) and the
 * agent transport (lib/transport/shm.c), with real commands built with the
 * codec. The hostile cases drive the doorbell and the SMT areas by hand.
 */
#define STLM_TEST_GROUP "transport-shm"
#include "stlm-test.h"

#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stdarg.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "base.h"
#include "platform.h"
#include "scmi.h"
#include "server.h"
#include "telemetry.h"
#include "tplat.h"
#include "transport.h"

#define TT_TIMEOUT 2000
#define TT_BUF 4096

#define SMT_STATUS	0x04
#define SMT_FLAGS	0x10
#define SMT_LENGTH	0x14
#define SMT_HEADER	0x18

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

/* Notifications the server dropped (P2A queue full), from its log. */
static int tt_notif_dropped;

static void tt_log(void *data, int level, const char *fmt, va_list ap)
{
	if (strstr(fmt, "dropping the oldest notification"))
		__atomic_add_fetch(&tt_notif_dropped, 1, __ATOMIC_RELAXED);
	if (!getenv("STLM_TEST_VERBOSE"))
		return;
	fprintf(stderr, "  platform[%d]: ", level);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

static int64_t tt_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* tmpdir/shm, created. */
static const char *tt_dir(void)
{
	static char dir[PATH_MAX];

	snprintf(dir, sizeof(dir), "%s/shm", stlm_test_tmpdir());
	if (mkdir(dir, 0700) < 0 && errno != EEXIST)
		STLM_FAIL_AT("mkdir %s: %s", dir, strerror(errno));
	return dir;
}

/*
 * A platform on the default description, memory file at mem_path (NULL:
 * an anonymous memfd), serving shm:DIR; uri receives "shm:DIR".
 */
static struct stlmp_platform *tt_platform(const char *mem_path,
					  struct stlmp_config **ret_cfg,
					  char *uri, size_t cap)
{
	struct stlmp_opts opts = { .seed = 1, .log = tt_log,
				   .manual_clock = true, .mem_path = mem_path };
	struct stlmp_platform *p = NULL;
	struct stlmp_config *cfg = NULL;

	cfg = tt_config();
	p = tp_platform_new(cfg, &opts);
	snprintf(uri, cap, "shm:%s", tt_dir());
	ASSERT_OK(stlmp_platform_listen(p, uri));
	*ret_cfg = cfg;
	return p;
}

static struct stlmp_platform *tt_default(struct stlmp_config **ret_cfg,
					 char *uri, size_t cap)
{
	char mem[PATH_MAX + 8];

	snprintf(mem, sizeof(mem), "%s/mem", tt_dir());
	return tt_platform(mem, ret_cfg, uri, cap);
}

static uint32_t tt_hdr(uint8_t proto, uint8_t id, uint16_t token)
{
	struct scmi_hdr h = { .id = id, .type = SCMI_MSG_COMMAND,
			      .proto = proto, .token = token };

	return scmi_hdr_pack(&h);
}

static int tt_send_hdr(struct stlm_transport *t, uint32_t hdr)
{
	uint8_t m[4];

	scmi_put_le32(m, hdr);
	return t->ops->send(t, m, 4, false);
}

/* Send a command, return its response payload (skipping other messages). */
static int tt_xfer(struct stlm_transport *t, uint8_t proto, uint8_t id,
		   uint16_t token, const uint8_t *req, size_t req_len,
		   uint8_t *resp, size_t cap)
{
	uint8_t msg[TT_BUF];
	uint32_t hdr = tt_hdr(proto, id, token);
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

	while (index < a.de_num) {
		struct scmi_list_hdr lh;
		int k;

		ASSERT_CMP(++pages, <=, (int)a.de_num);
		scmi_put_le32(req, index);
		n = tt_xfer(t, SCMI_PROTO_TELEMETRY, SCMI_TLM_DE_DESCRIPTION,
			    token, req, sizeof(req), resp, sizeof(resp));
		token = (token + 1) & SCMI_TOKEN_MAX;
		ASSERT_CMP(n, >, 8);
		ASSERT_CMP(n, <=, 4 + cfg->max_msg_size);
		k = scmi_tlm_de_description_resp_decode(resp, (size_t)n, &lh,
							d, 256);
		ASSERT_CMP(k, >, 0);
		ASSERT_EQ(index + lh.returned + lh.remaining, a.de_num);
		for (int i = 0; i < k; i++)
			ASSERT_EQ(d[i].id, cfg->des[index + i].desc.id);
		index += lh.returned;
	}
	ASSERT_CMP(pages, >, 1);
	free(d);
}

static void tt_done(struct stlmp_platform *p, struct stlmp_config *cfg)
{
	tp_platform_free(p);
	stlmp_config_free(cfg);
}

/* ------------------------------------------------------------------ */

STLM_TEST(commands)
{
	struct stlmp_config *cfg;
	struct stlm_transport *t = NULL;
	char uri[PATH_MAX], mem[PATH_MAX + 8];
	struct stlmp_platform *p = tt_default(&cfg, uri, sizeof(uri));
	size_t a2p, p2a, size, map_len;
	const uint8_t *m;

	ASSERT_OK(stlmp_platform_smt_areas(p, &a2p, &p2a, &size));
	ASSERT_OK(stlm_transport_open(uri, &t));
	ASSERT_STREQ(t->ops->scheme, "shm");
	snprintf(mem, sizeof(mem), "%s/mem", uri + 4);
	ASSERT_STREQ(t->mem_path, mem);
	ASSERT_EQ(t->max_msg, size - 24);
	ASSERT_CMP(t->max_msg, >=, stlmp_platform_max_msg(p));
	tt_check_commands(t, cfg);

	/* What a third party sees in the memory file: §2.8 layout. */
	tt_check_version(t, 0x155);
	{
		int fd = open(mem, O_RDONLY | O_CLOEXEC);
		struct stat st;

		ASSERT_CMP(fd, >=, 0);
		ASSERT_OK(fstat(fd, &st));
		map_len = (size_t)st.st_size;
		m = mmap(NULL, map_len, PROT_READ, MAP_SHARED, fd, 0);
		close(fd);
		ASSERT_TRUE(m != MAP_FAILED);
	}
	ASSERT_EQ(scmi_get_le32(m + a2p + SMT_STATUS), 1);	/* FREE */
	ASSERT_EQ(scmi_get_le32(m + a2p + SMT_FLAGS), 1);	/* INTR */
	ASSERT_EQ(scmi_get_le32(m + a2p + SMT_LENGTH), 12);
	ASSERT_EQ(scmi_get_le32(m + a2p + SMT_HEADER),
		  tt_hdr(SCMI_PROTO_TELEMETRY, 0, 0x155));
	ASSERT_EQ(scmi_get_le32(m + a2p + SMT_HEADER + 4), 0);
	ASSERT_EQ(scmi_get_le32(m + a2p + SMT_HEADER + 8), SCMI_TLM_VERSION);
	ASSERT_EQ(scmi_get_le32(m + p2a + SMT_STATUS), 1);
	munmap((void *)m, map_len);

	stlm_transport_close(t);
	tt_done(p, cfg);
}

STLM_TEST(memory_file_elsewhere)
{
	struct stlmp_config *cfg;
	struct stlm_transport *t = NULL;
	char uri[PATH_MAX], mem[PATH_MAX], link[PATH_MAX + 8],
		target[PATH_MAX] = "";
	struct stlmp_platform *p;
	struct stat st;

	snprintf(mem, sizeof(mem), "%s/platform.mem", stlm_test_tmpdir());
	p = tt_platform(mem, &cfg, uri, sizeof(uri));
	snprintf(link, sizeof(link), "%s/mem", uri + 4);
	ASSERT_OK(lstat(link, &st));
	ASSERT_TRUE(S_ISLNK(st.st_mode));
	ASSERT_CMP(readlink(link, target, sizeof(target) - 1), >, 0);
	ASSERT_STREQ(target, mem);

	ASSERT_OK(stlm_transport_open(uri, &t));
	ASSERT_STREQ(t->mem_path, link);
	tt_check_commands(t, cfg);
	stlm_transport_close(t);
	tt_done(p, cfg);
	/* Our symlink is gone, the platform's file is the platform's. */
	ASSERT_NE(lstat(link, &st), 0);
	ASSERT_OK(stat(mem, &st));
}

STLM_TEST(memory_file_memfd)
{
	struct stlmp_config *cfg;
	struct stlm_transport *t = NULL;
	char uri[PATH_MAX], link[PATH_MAX + 8], target[PATH_MAX] = "";
	struct stlmp_platform *p = tt_platform(NULL, &cfg, uri, sizeof(uri));

	snprintf(link, sizeof(link), "%s/mem", uri + 4);
	ASSERT_CMP(readlink(link, target, sizeof(target) - 1), >, 0);
	ASSERT_TRUE(!strncmp(target, "/proc/", 6));
	ASSERT_OK(stlm_transport_open(uri, &t));
	tt_check_commands(t, cfg);
	stlm_transport_close(t);
	tt_done(p, cfg);
}

STLM_TEST(mem_option)
{
	struct stlmp_config *cfg;
	struct stlm_transport *t = NULL;
	char uri[PATH_MAX], mem[PATH_MAX], u2[2 * PATH_MAX + 32];
	struct stlmp_platform *p;

	snprintf(mem, sizeof(mem), "%s/other.mem", stlm_test_tmpdir());
	p = tt_platform(mem, &cfg, uri, sizeof(uri));
	snprintf(u2, sizeof(u2), "%s?mem=%s&timeout_ms=500", uri, mem);
	ASSERT_OK(stlm_transport_open(u2, &t));
	ASSERT_STREQ(t->mem_path, mem);
	tt_check_version(t, 1);
	stlm_transport_close(t);

	/* A memory file too small for the areas is refused. */
	snprintf(u2, sizeof(u2), "%s?mem=/dev/null", uri);
	ASSERT_ERR(stlm_transport_open(u2, &t), -EPROTO);
	tt_done(p, cfg);
}

STLM_TEST(listen_rules)
{
	struct stlmp_config *cfg;
	struct stlmp_opts opts = { .seed = 1, .log = tt_log,
				   .manual_clock = true };
	struct stlmp_platform *p = NULL;
	char uri[PATH_MAX], file[PATH_MAX + 8];
	int fd;

	cfg = tt_config();
	p = tp_platform_new(cfg, &opts);
	/* DIR/mem is somebody's file: not ours to replace. */
	snprintf(file, sizeof(file), "%s/mem", tt_dir());
	fd = open(file, O_CREAT | O_WRONLY | O_CLOEXEC, 0600);
	ASSERT_CMP(fd, >=, 0);
	close(fd);
	snprintf(uri, sizeof(uri), "shm:%s", tt_dir());
	ASSERT_ERR(stlmp_platform_listen(p, uri), -EEXIST);
	ASSERT_OK(unlink(file));
	ASSERT_ERR(stlmp_platform_listen(p, "shm:/x?mem=/y"), -EINVAL);

	/* A stale symlink is replaced; a second shm listener is refused. */
	ASSERT_OK(symlink("/nonexistent", file));
	ASSERT_OK(stlmp_platform_listen(p, uri));
	snprintf(uri, sizeof(uri), "shm:%s/second", stlm_test_tmpdir());
	ASSERT_ERR(stlmp_platform_listen(p, uri), -EADDRINUSE);
	tt_done(p, cfg);
	snprintf(file, sizeof(file), "%s/doorbell", tt_dir());
	ASSERT_NE(access(file, F_OK), 0);
}

STLM_TEST(second_agent_refused)
{
	struct stlmp_config *cfg;
	struct stlm_transport *a = NULL, *b = NULL;
	char uri[PATH_MAX], unix_uri[PATH_MAX + 8];
	struct stlmp_platform *p = tt_default(&cfg, uri, sizeof(uri));
	struct stlmp_stats st;
	uint8_t buf[64];

	ASSERT_OK(stlm_transport_open(uri, &a));
	tt_check_version(a, 1);
	ASSERT_OK(stlm_transport_open(uri, &b));
	ASSERT_ERR(b->ops->recv(b, buf, sizeof(buf), TT_TIMEOUT), -EBUSY);
	ASSERT_ERR(tt_send_hdr(b, 0x6C00), -EBUSY);
	stlm_transport_close(b);
	stlmp_platform_stats(p, &st);
	ASSERT_EQ(st.agents_refused, 1);
	tt_check_version(a, 2);

	/* Owned through shm, refused through unix, and the reverse. */
	snprintf(unix_uri, sizeof(unix_uri), "unix:%s/p.sock",
		 stlm_test_tmpdir());
	ASSERT_OK(stlmp_platform_listen(p, unix_uri));
	ASSERT_OK(stlm_transport_open(unix_uri, &b));
	ASSERT_ERR(b->ops->recv(b, buf, sizeof(buf), TT_TIMEOUT), -EBUSY);
	stlm_transport_close(b);
	stlm_transport_close(a);
	/* The platform may take a moment to see the close. */
	for (int i = 0; i < 200; i++) {
		ASSERT_OK(stlm_transport_open(unix_uri, &b));
		if (b->ops->recv(b, buf, sizeof(buf), 10) == -ETIMEDOUT)
			break;
		stlm_transport_close(b);
		b = NULL;
	}
	ASSERT_NOT_NULL(b);
	ASSERT_OK(stlm_transport_open(uri, &a));
	ASSERT_ERR(tt_send_hdr(a, 0x6C00), -EBUSY);
	ASSERT_ERR(a->ops->recv(a, buf, sizeof(buf), 0), -EBUSY);
	stlm_transport_close(a);
	tt_check_version(b, 3);
	stlm_transport_close(b);
	tt_done(p, cfg);
}

STLM_TEST(reconnect)
{
	struct stlmp_config *cfg;
	struct stlm_transport *t = NULL;
	char uri[PATH_MAX];
	struct stlmp_platform *p = tt_default(&cfg, uri, sizeof(uri));
	struct stlmp_stats st;

	for (int i = 0; i < 5; i++) {
		ASSERT_OK(stlm_transport_open(uri, &t));
		tt_check_version(t, (uint16_t)i);
		stlm_transport_close(t);
	}
	/* Gone with a command in the area and a notification pending. */
	ASSERT_OK(stlm_transport_open(uri, &t));
	ASSERT_OK(stlmp_platform_fault_add(p, "flood:count=3"));
	ASSERT_OK(tt_send_hdr(t, 0x6C00));
	stlm_transport_close(t);
	ASSERT_OK(stlm_transport_open(uri, &t));
	tt_check_version(t, 9);
	stlm_transport_close(t);
	stlmp_platform_stats(p, &st);
	ASSERT_EQ(st.agents_refused, 0);
	tt_done(p, cfg);
}

/* Receive notifications until quiet; check they are flood values in order. */
static int drain_flood(struct stlm_transport *t, int64_t *last)
{
	uint8_t buf[TT_BUF];
	int count = 0;

	*last = -1;
	for (;;) {
		struct scmi_tlm_update upd;
		int n = t->ops->recv(t, buf, sizeof(buf), 300);
		int64_t v;

		if (n == -ETIMEDOUT)
			return count;
		ASSERT_CMP(n, >, 4);
		ASSERT_EQ(scmi_get_le32(buf), 0x00006F00);
		ASSERT_OK(scmi_tlm_update_decode(buf + 4, (size_t)n - 4, &upd));
		v = (int64_t)scmi_get_le64(upd.lines.lines + 8);
		ASSERT_CMP(v, >, *last);
		*last = v;
		count++;
	}
}

STLM_TEST(notifications_through_p2a)
{
	struct stlmp_config *cfg;
	struct stlm_transport *t = NULL;
	char uri[PATH_MAX];
	struct stlmp_platform *p = tt_default(&cfg, uri, sizeof(uri));
	int64_t last;

	ASSERT_OK(stlm_transport_open(uri, &t));
	tt_check_version(t, 1);

	/* Fewer than the platform queues: all of them, in order. */
	ASSERT_OK(stlmp_platform_fault_add(p, "flood:count=50"));
	ASSERT_EQ(drain_flood(t, &last), 50);
	ASSERT_EQ(last, 49);

	/*
	 * Far more while the agent sleeps: the oldest go (each one logged),
	 * the newest stay, in order.
	 */
	__atomic_store_n(&tt_notif_dropped, 0, __ATOMIC_RELAXED);
	ASSERT_OK(stlmp_platform_fault_add(p, "flood:count=300"));
	usleep(200000);
	{
		int n = drain_flood(t, &last);

		ASSERT_CMP(n, >=, 64);
		ASSERT_EQ(last, 299);
		ASSERT_EQ(n + __atomic_load_n(&tt_notif_dropped,
					      __ATOMIC_RELAXED), 300);
	}
	tt_check_version(t, 2);
	stlm_transport_close(t);
	tt_done(p, cfg);
}

STLM_TEST(responses_and_notifications_interleaved)
{
	struct stlmp_config *cfg;
	struct stlm_transport *t = NULL;
	char uri[PATH_MAX];
	struct stlmp_platform *p = tt_default(&cfg, uri, sizeof(uri));
	uint8_t buf[TT_BUF];
	int notifs = 0, responses = 0;
	uint16_t token = 0;

	ASSERT_OK(stlm_transport_open(uri, &t));
	ASSERT_OK(stlmp_platform_fault_add(p, "flood:count=40"));
	/* Commands keep flowing through A2P while P2A is busy. */
	for (int i = 0; i < 20; i++) {
		uint32_t hdr = tt_hdr(SCMI_PROTO_TELEMETRY, 0, ++token);

		ASSERT_OK(tt_send_hdr(t, hdr));
		for (;;) {
			int n = t->ops->recv(t, buf, sizeof(buf), TT_TIMEOUT);

			ASSERT_CMP(n, >=, 4);
			if (scmi_get_le32(buf) == hdr) {
				ASSERT_EQ(n, 12);
				responses++;
				break;
			}
			ASSERT_EQ(scmi_get_le32(buf), 0x00006F00);
			notifs++;
		}
	}
	{
		int64_t last;

		notifs += drain_flood(t, &last);
		ASSERT_EQ(last, 39);
	}
	ASSERT_EQ(responses, 20);
	ASSERT_EQ(notifs, 40);
	stlm_transport_close(t);
	tt_done(p, cfg);
}

STLM_TEST(delayed_response)
{
	struct stlmp_config *cfg;
	struct stlm_transport *t = NULL;
	char uri[PATH_MAX];
	struct stlmp_platform *p = tt_default(&cfg, uri, sizeof(uri));
	struct scmi_tlm_config_set_req q = { .group_id = SCMI_TLM_GROUP_NONE,
					     .enable = true,
					     .mode = SCMI_TLM_MODE_SINGLE,
					     .selector = SCMI_TLM_SEL_ALL };
	struct scmi_tlm_reading_complete rc;
	uint8_t req[16], resp[TT_BUF], buf[TT_BUF];
	int n, rl;

	if (!cfg->single_sample) {
		tt_done(p, cfg);
		STLM_SKIP("the default platform has no single-sample reads");
	}
	ASSERT_OK(stlm_transport_open(uri, &t));
	rl = scmi_tlm_config_set_req_encode(&q, req, sizeof(req));
	ASSERT_CMP(rl, >, 0);
	n = tt_xfer(t, SCMI_PROTO_TELEMETRY, SCMI_TLM_CONFIG_SET, 0x2A, req,
		    (size_t)rl, resp, sizeof(resp));
	ASSERT_EQ(n, 4);
	ASSERT_OK(scmi_status_resp_decode(resp, (size_t)n));
	/* TELEMETRY_READING_COMPLETE: type 2, same token, through P2A. */
	n = t->ops->recv(t, buf, sizeof(buf), TT_TIMEOUT);
	ASSERT_CMP(n, >=, 12);
	ASSERT_EQ(scmi_get_le32(buf), 0x00006E08u | 0x2Au << 18);
	ASSERT_OK(scmi_tlm_reading_complete_decode(buf + 4, (size_t)n - 4, &rc));
	tt_check_version(t, 1);
	stlm_transport_close(t);
	tt_done(p, cfg);
}

STLM_TEST(dropped_and_late_responses)
{
	struct stlmp_config *cfg;
	struct stlm_transport *t = NULL;
	char uri[PATH_MAX];
	struct stlmp_platform *p = tt_default(&cfg, uri, sizeof(uri));
	uint8_t buf[TT_BUF];

	ASSERT_OK(stlm_transport_open(uri, &t));
	/* Never answered: the next command abandons it and goes through. */
	ASSERT_OK(stlmp_platform_fault_add(p, "drop:msg=0,count=1"));
	ASSERT_OK(tt_send_hdr(t, tt_hdr(SCMI_PROTO_TELEMETRY, 0, 1)));
	ASSERT_ERR(t->ops->recv(t, buf, sizeof(buf), 100), -ETIMEDOUT);
	tt_check_version(t, 2);

	/* Answered late, after the agent gave up: the late one is dropped. */
	ASSERT_OK(stlmp_platform_fault_add(p, "delay:msg=0,ms=300,count=1"));
	ASSERT_OK(tt_send_hdr(t, tt_hdr(SCMI_PROTO_TELEMETRY, 0, 3)));
	ASSERT_ERR(t->ops->recv(t, buf, sizeof(buf), 50), -ETIMEDOUT);
	tt_check_version(t, 4);
	ASSERT_ERR(t->ops->recv(t, buf, sizeof(buf), 500), -ETIMEDOUT);

	/* Answered late but in time: delivered. */
	ASSERT_OK(stlmp_platform_fault_add(p, "delay:msg=0,ms=50,count=1"));
	tt_check_version(t, 5);
	stlm_transport_close(t);
	tt_done(p, cfg);
}

STLM_TEST(unread_response_kept)
{
	struct stlmp_config *cfg;
	struct stlm_transport *t = NULL;
	char uri[PATH_MAX];
	struct stlmp_platform *p = tt_default(&cfg, uri, sizeof(uri));
	uint8_t buf[TT_BUF];
	struct pollfd pfd;

	ASSERT_OK(stlm_transport_open(uri, &t));
	pfd.fd = t->ops->fd(t);
	pfd.events = POLLIN;
	ASSERT_EQ(poll(&pfd, 1, 0), 0);

	/* Three commands before reading anything: A2P is reused. */
	for (uint16_t tok = 1; tok <= 3; tok++) {
		ASSERT_OK(tt_send_hdr(t, tt_hdr(SCMI_PROTO_TELEMETRY, 0, tok)));
		ASSERT_EQ(poll(&pfd, 1, TT_TIMEOUT), 1);
	}
	/*
	 * The first response was copied out by the second send(), its ring
	 * consumed: the fd must still poll readable, at once.
	 */
	ASSERT_EQ(poll(&pfd, 1, 0), 1);
	for (uint16_t tok = 1; tok <= 3; tok++) {
		ASSERT_EQ(poll(&pfd, 1, TT_TIMEOUT), 1);
		ASSERT_EQ(t->ops->recv(t, buf, sizeof(buf), TT_TIMEOUT), 12);
		ASSERT_EQ(scmi_get_le32(buf),
			  tt_hdr(SCMI_PROTO_TELEMETRY, 0, tok));
		ASSERT_EQ(scmi_get_le32(buf + 8), SCMI_TLM_VERSION);
	}
	ASSERT_EQ(poll(&pfd, 1, 0), 0);
	ASSERT_ERR(t->ops->recv(t, buf, sizeof(buf), 0), -ETIMEDOUT);

	/* Too big for the caller: dropped whole. */
	ASSERT_OK(tt_send_hdr(t, tt_hdr(SCMI_PROTO_TELEMETRY, 0, 4)));
	ASSERT_ERR(t->ops->recv(t, buf, 8, TT_TIMEOUT), -EMSGSIZE);
	tt_check_version(t, 5);
	stlm_transport_close(t);
	tt_done(p, cfg);
}

STLM_TEST(send_limits_and_timeout)
{
	struct stlmp_config *cfg;
	struct stlm_transport *t = NULL;
	char uri[PATH_MAX];
	struct stlmp_platform *p = tt_default(&cfg, uri, sizeof(uri));
	uint8_t *big = calloc(1, 65536), buf[64];
	int64_t t0, dt;

	ASSERT_NOT_NULL(big);
	ASSERT_OK(stlm_transport_open(uri, &t));
	ASSERT_ERR(t->ops->send(t, big, 3, false), -EINVAL);
	ASSERT_ERR(t->ops->send(t, big, t->max_msg + 1, false), -EMSGSIZE);
	t0 = tt_now_ns();
	ASSERT_ERR(t->ops->recv(t, buf, sizeof(buf), 0), -ETIMEDOUT);
	ASSERT_ERR(t->ops->recv(t, buf, sizeof(buf), 60), -ETIMEDOUT);
	dt = (tt_now_ns() - t0) / 1000000;
	ASSERT_CMP(dt, >=, 55);
	ASSERT_CMP(dt, <, 1000);
	tt_check_version(t, 1);
	free(big);
	stlm_transport_close(t);
	tt_done(p, cfg);
}

STLM_TEST(platform_gone)
{
	struct stlmp_config *cfg;
	struct stlm_transport *t = NULL;
	char uri[PATH_MAX], path[PATH_MAX + 16];
	struct stlmp_platform *p = tt_default(&cfg, uri, sizeof(uri));
	uint8_t buf[64];

	ASSERT_OK(stlm_transport_open(uri, &t));
	tt_check_version(t, 1);
	tp_platform_free(p);
	ASSERT_ERR(t->ops->recv(t, buf, sizeof(buf), TT_TIMEOUT), -ECONNRESET);
	ASSERT_ERR(tt_send_hdr(t, 0x6C00), -ECONNRESET);
	stlm_transport_close(t);
	snprintf(path, sizeof(path), "%s/doorbell", uri + 4);
	ASSERT_NE(access(path, F_OK), 0);
	ASSERT_ERR(stlm_transport_open(uri, &t), -ENOENT);
	stlmp_config_free(cfg);
}

/* ------------------------------------------------------------------ */
/* A hand-driven agent                                                 */

struct raw_agent {
	int fd;
	uint8_t *map;
	size_t map_len;
	uint8_t *a2p, *p2a;
	uint32_t size;
};

static void raw_agent_open(struct raw_agent *r, const char *dir)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	uint8_t hello[32];
	char mem[PATH_MAX + 8];
	struct stat st;
	int mfd;

	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s/doorbell", dir);
	r->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	ASSERT_OK(connect(r->fd, (struct sockaddr *)&sa, sizeof(sa)));
	ASSERT_EQ(recv(r->fd, hello, sizeof(hello), MSG_WAITALL), 32);
	ASSERT_EQ(hello[0], 'W');
	ASSERT_EQ(hello[1], 1);
	r->size = scmi_get_le32(hello + 4);
	snprintf(mem, sizeof(mem), "%s/mem", dir);
	mfd = open(mem, O_RDWR | O_CLOEXEC);
	ASSERT_CMP(mfd, >=, 0);
	ASSERT_OK(fstat(mfd, &st));
	ASSERT_EQ(scmi_get_le64(hello + 24), (uint64_t)st.st_size);
	r->map_len = (size_t)st.st_size;
	r->map = mmap(NULL, r->map_len, PROT_READ | PROT_WRITE, MAP_SHARED,
		      mfd, 0);
	close(mfd);
	ASSERT_TRUE(r->map != MAP_FAILED);
	r->a2p = r->map + scmi_get_le64(hello + 8);
	r->p2a = r->map + scmi_get_le64(hello + 16);
}

static void raw_agent_close(struct raw_agent *r)
{
	munmap(r->map, r->map_len);
	close(r->fd);
}

/* Put a command in A2P by hand, ring, return the doorbell answer. */
static char raw_command(struct raw_agent *r, uint32_t length,
			const uint8_t *msg, size_t msg_len)
{
	struct pollfd pfd = { .fd = r->fd, .events = POLLIN };
	char c = 'C';

	scmi_put_le32(r->a2p + SMT_STATUS, 0);
	scmi_put_le32(r->a2p + SMT_FLAGS, 1);
	scmi_put_le32(r->a2p + SMT_LENGTH, length);
	memcpy(r->a2p + SMT_HEADER, msg, msg_len);
	ASSERT_EQ(send(r->fd, &c, 1, MSG_NOSIGNAL), 1);
	ASSERT_EQ(poll(&pfd, 1, TT_TIMEOUT), 1);
	ASSERT_EQ(recv(r->fd, &c, 1, 0), 1);
	return c;
}

STLM_TEST(hostile_agent)
{
	struct stlmp_config *cfg;
	struct stlm_transport *t = NULL;
	char uri[PATH_MAX];
	struct stlmp_platform *p = tt_default(&cfg, uri, sizeof(uri));
	struct raw_agent r;
	size_t a2p, p2a, size;
	uint8_t msg[16];
	char c;

	ASSERT_OK(stlmp_platform_smt_areas(p, &a2p, &p2a, &size));
	raw_agent_open(&r, uri + 4);
	ASSERT_EQ(r.size, size);
	ASSERT_TRUE(r.a2p == r.map + a2p);
	ASSERT_TRUE(r.p2a == r.map + p2a);

	/* Lengths out of range complete with FREE|ERROR. */
	scmi_put_le32(msg, tt_hdr(SCMI_PROTO_TELEMETRY, 0, 1));
	for (uint32_t len = 0; len < 4; len++) {
		ASSERT_EQ(raw_command(&r, len, msg, 4), 'R');
		ASSERT_EQ(scmi_get_le32(r.a2p + SMT_STATUS), 3);
	}
	ASSERT_EQ(raw_command(&r, (uint32_t)size - 24 + 1, msg, 4), 'R');
	ASSERT_EQ(scmi_get_le32(r.a2p + SMT_STATUS), 3);
	ASSERT_EQ(raw_command(&r, 0xFFFFFFFF, msg, 4), 'R');
	ASSERT_EQ(scmi_get_le32(r.a2p + SMT_STATUS), 3);
	/* So does a header the platform cannot take as a command. */
	scmi_put_le32(msg, 0x00000300);
	ASSERT_EQ(raw_command(&r, 4, msg, 4), 'R');
	ASSERT_EQ(scmi_get_le32(r.a2p + SMT_STATUS), 3);

	/* A good one is answered in place. */
	scmi_put_le32(msg, tt_hdr(SCMI_PROTO_TELEMETRY, 0, 2));
	ASSERT_EQ(raw_command(&r, 4, msg, 4), 'R');
	ASSERT_EQ(scmi_get_le32(r.a2p + SMT_STATUS), 1);
	ASSERT_EQ(scmi_get_le32(r.a2p + SMT_LENGTH), 12);
	ASSERT_EQ(scmi_get_le32(r.a2p + SMT_HEADER + 8), SCMI_TLM_VERSION);

	/* Abandoning with nothing pending still gets 'F'. */
	c = 'X';
	ASSERT_EQ(send(r.fd, &c, 1, MSG_NOSIGNAL), 1);
	ASSERT_EQ(recv(r.fd, &c, 1, 0), 1);
	ASSERT_EQ(c, 'F');

	/* An unknown ring: hung up on. */
	c = 'Z';
	ASSERT_EQ(send(r.fd, &c, 1, MSG_NOSIGNAL), 1);
	{
		struct pollfd pfd = { .fd = r.fd, .events = POLLIN };

		ASSERT_EQ(poll(&pfd, 1, TT_TIMEOUT), 1);
		ASSERT_EQ(recv(r.fd, &c, 1, 0), 0);
	}
	raw_agent_close(&r);

	/* An agent that never acks P2A only loses notifications. */
	raw_agent_open(&r, uri + 4);
	ASSERT_OK(stlmp_platform_fault_add(p, "flood:count=500"));
	usleep(100000);
	scmi_put_le32(msg, tt_hdr(SCMI_PROTO_TELEMETRY, 0, 3));
	{
		int rings = 0;

		c = raw_command(&r, 4, msg, 4);
		while (c == 'N') {
			ASSERT_CMP(++rings, <=, 1);
			ASSERT_EQ(recv(r.fd, &c, 1, 0), 1);
		}
		ASSERT_EQ(c, 'R');
		ASSERT_EQ(scmi_get_le32(r.a2p + SMT_HEADER + 8),
			  SCMI_TLM_VERSION);
		/* The one P2A message is waiting, busy, for us. */
		ASSERT_EQ(scmi_get_le32(r.p2a + SMT_STATUS), 0);
		ASSERT_EQ(scmi_get_le32(r.p2a + SMT_HEADER), 0x00006F00);
	}
	raw_agent_close(&r);

	/* Still serving. */
	ASSERT_OK(stlm_transport_open(uri, &t));
	tt_check_commands(t, cfg);
	stlm_transport_close(t);
	tt_done(p, cfg);
}

STLM_TEST(latency)
{
	struct stlmp_config *cfg;
	struct stlm_transport *t = NULL;
	char uri[PATH_MAX];
	struct stlmp_platform *p = tt_default(&cfg, uri, sizeof(uri));
	uint8_t buf[64];
	const int n = 10000;
	int64_t t0;

	ASSERT_OK(stlm_transport_open(uri, &t));
	t0 = tt_now_ns();
	for (int i = 0; i < n; i++) {
		uint32_t hdr = tt_hdr(SCMI_PROTO_TELEMETRY, 0,
				      (uint16_t)(i & 0x3FF));

		ASSERT_OK(tt_send_hdr(t, hdr));
		ASSERT_EQ(t->ops->recv(t, buf, sizeof(buf), TT_TIMEOUT), 12);
		ASSERT_EQ(scmi_get_le32(buf), hdr);
	}
	fprintf(stderr, "  shm: %d PROTOCOL_VERSION round trips, %.1f us each\n",
		n, (double)(tt_now_ns() - t0) / n / 1000.0);
	stlm_transport_close(t);
	tt_done(p, cfg);
}
