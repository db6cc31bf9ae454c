// SPDX-License-Identifier: MIT
/*
 * Copyright (c) 2026 The stlm authors
 *
 * rawfs:DIR (the emulator's FUSE copy of Linux SCMI raw mode) and the raw:
 * agent transport, end to end against the real engine: the tree, plain
 * write()/read() on raw/message, the write limits, errors and reset,
 * message_async with a delayed response, notifications (poll, O_NONBLOCK),
 * then the raw: transport with codec-built commands, and a clean unmount.
 *
 * Cases skip when /dev/fuse cannot be opened or mounting is not permitted.
 * The fixture is static so that a failed assertion (which longjmps out of
 * the case) still gets it torn down: by the next case or at exit.
 */
#define STLM_TEST_GROUP "transport-raw"
#include "stlm-test.h"

#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "platform.h"
#include "scmi.h"
#include "telemetry.h"
#include "transport.h"

#define TO_MS 3000
#define MAX_FDS 16
#define BASE_PROTOCOL_VERSION 0x00020000u

struct fix {
	struct stlmp_config *cfg;
	struct stlmp_platform *p;
	struct stlm_transport *t;
	char mnt[PATH_MAX];
	char mem[PATH_MAX];
	int fds[MAX_FDS];
	int n_fds;
	bool up;
};

static struct fix F;

static void test_log(void *data, int level, const char *fmt, va_list ap)
{
	if (level > STLMP_LOG_WARNING)
		return;
	fprintf(stderr, "  platform: ");
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

static bool is_mounted(const char *dir)
{
	char line[PATH_MAX + 256], dev[256], mnt[PATH_MAX];
	bool found = false;
	FILE *fp = fopen("/proc/self/mounts", "re");

	if (!fp)
		return false;
	while (fgets(line, sizeof(line), fp)) {
		if (sscanf(line, "%255s %4095s", dev, mnt) == 2 &&
		    !strcmp(mnt, dir))
			found = true;
	}
	fclose(fp);
	return found;
}

static void fix_down(void)
{
	char parent[PATH_MAX];

	if (!F.up)
		return;
	for (int i = 0; i < F.n_fds; i++)
		if (F.fds[i] >= 0)
			close(F.fds[i]);
	F.n_fds = 0;
	stlm_transport_close(F.t);
	F.t = NULL;
	stlmp_platform_free(F.p);
	F.p = NULL;
	stlmp_config_free(F.cfg);
	F.cfg = NULL;
	/* The harness cannot remove a tmpdir that held a live mount. */
	rmdir(F.mnt);
	unlink(F.mem);
	snprintf(parent, sizeof(parent), "%s", F.mnt);
	rmdir(dirname(parent));
	F.up = false;
}

__attribute__((destructor)) static void fix_atexit(void)
{
	fix_down();
}

static void fix_deferred(void *arg)
{
	fix_down();
}

static void fix_up_n(uint32_t generated);

static void fix_up(void)
{
	fix_up_n(0);
}

/* generated: 0 for the built-in default SoC, else that many DEs. */
static void fix_up_n(uint32_t generated)
{
	struct stlmp_opts o = { .seed = 11, .log = test_log };
	char uri[PATH_MAX + 16];
	int fd, r;

	fix_down(); /* a previous case failed half-way */
	memset(&F, 0, sizeof(F));
	/* Down at the end of the case, passed or failed (idempotent). */
	stlm_test_defer(fix_deferred, NULL);
	fd = open("/dev/fuse", O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		static char why[128];

		snprintf(why, sizeof(why), "cannot open /dev/fuse: %s",
			 strerror(errno));
		STLM_SKIP(why);
	}
	close(fd);

	snprintf(F.mnt, sizeof(F.mnt), "%s/rawfs", stlm_test_tmpdir());
	snprintf(F.mem, sizeof(F.mem), "%s/mem", stlm_test_tmpdir());
	ASSERT_OK(mkdir(F.mnt, 0755));
	if (generated)
		ASSERT_OK(stlmp_config_generate(generated, &F.cfg));
	else
		ASSERT_OK(stlmp_config_default(&F.cfg));
	o.mem_path = F.mem;
	ASSERT_OK(stlmp_platform_new(F.cfg, &o, &F.p));
	F.up = true;
	snprintf(uri, sizeof(uri), "rawfs:%s", F.mnt);
	r = stlmp_platform_listen(F.p, uri);
	if (r == -EPERM || r == -EACCES) {
		fix_down();
		STLM_SKIP("mounting a FUSE filesystem is not permitted");
	}
	ASSERT_OK(r);
	ASSERT_TRUE(is_mounted(F.mnt));
}

/* Open DIR/name; the fixture closes it. */
static int fix_open(const char *name, int flags)
{
	char path[PATH_MAX + 64];
	int fd;

	snprintf(path, sizeof(path), "%s/%s", F.mnt, name);
	fd = open(path, flags | O_CLOEXEC);
	if (fd >= 0) {
		ASSERT_CMP(F.n_fds, <, MAX_FDS);
		F.fds[F.n_fds++] = fd;
	}
	return fd < 0 ? -errno : fd;
}

static void fix_close(int fd)
{
	for (int i = 0; i < F.n_fds; i++) {
		if (F.fds[i] == fd) {
			F.fds[i] = -1;
			close(fd);
		}
	}
}

static uint32_t hdr(uint8_t proto, uint8_t id, uint8_t type, uint16_t token)
{
	struct scmi_hdr h = { .id = id, .type = type, .proto = proto,
			      .token = token };

	return scmi_hdr_pack(&h);
}

static size_t build(uint8_t *msg, uint32_t h, const void *req, size_t len)
{
	scmi_put_le32(msg, h);
	if (len)
		memcpy(msg + 4, req, len);
	return 4 + len;
}

/* Read one message up to its EOF in chunks of `chunk` bytes. */
static int read_msg(int fd, uint8_t *buf, size_t cap, size_t chunk)
{
	size_t have = 0;

	for (;;) {
		size_t want = cap - have < chunk ? cap - have : chunk;
		ssize_t n = read(fd, buf + have, want);

		if (n < 0)
			return -errno;
		if (n == 0)
			return (int)have;
		have += (size_t)n;
		if (have == cap)
			return -EMSGSIZE;
	}
}

static int read_text(const char *name, char *buf, size_t cap)
{
	int fd = fix_open(name, O_RDONLY);
	ssize_t n;

	if (fd < 0)
		return fd;
	n = read(fd, buf, cap - 1);
	fix_close(fd);
	if (n < 0)
		return -errno;
	buf[n] = '\0';
	return (int)n;
}

/* Plain write() of a command to an open message file, then read back. */
static int fd_xfer(int fd, uint32_t h, const void *req, size_t len,
		   uint8_t *resp, size_t cap)
{
	uint8_t msg[512];
	size_t n = build(msg, h, req, len);

	if (write(fd, msg, n) != (ssize_t)n)
		return -errno;
	return read_msg(fd, resp, cap, 4096);
}

/* An SHMTI DE (no FastChannel) with line timestamps if there is one. */
static const struct stlmp_de_cfg *pick_de(bool want_ts)
{
	const struct stlmp_de_cfg *any = NULL;

	for (uint32_t i = 0; i < F.cfg->n_des; i++) {
		const struct stlmp_de_cfg *d = &F.cfg->des[i];

		if (d->shmti == STLMP_NO_SHMTI || d->desc.has_fc)
			continue;
		if (!want_ts || d->desc.ts_support == SCMI_TLM_TS_LINE)
			return d;
		if (!any)
			any = d;
	}
	return any;
}

/*
 * A message-only DE (no SHMTI line, no FastChannel): the only kind the
 * emulator notifies by default (docs/platform-format.md "Linux rules").
 */
static const struct stlmp_de_cfg *pick_msg_de(void)
{
	for (uint32_t i = 0; i < F.cfg->n_des; i++) {
		const struct stlmp_de_cfg *d = &F.cfg->des[i];

		if (d->shmti == STLMP_NO_SHMTI && !d->desc.has_fc)
			return d;
	}
	return NULL;
}

/* A short valid update interval (10..500 ms) or the default one. */
static struct scmi_tlm_interval pick_interval(void)
{
	const struct stlmp_intervals *l = &F.cfg->intervals;

	if (!l->range) {
		for (uint32_t i = 0; i < l->n; i++) {
			uint64_t ns = scmi_tlm_interval_ns(&l->v[i]);

			if (ns >= 10000000ull && ns <= 500000000ull)
				return l->v[i];
		}
	}
	return F.cfg->default_interval;
}

static int enc_decfg(uint8_t *b, uint32_t id, uint8_t mode)
{
	struct scmi_tlm_de_configure_req q = { .id = id, .mode = mode };

	return scmi_tlm_de_configure_req_encode(&q, b, 8);
}

static int enc_cfgset(uint8_t *b, bool enable, uint8_t mode,
		      struct scmi_tlm_interval iv)
{
	struct scmi_tlm_config_set_req q = {
		.group_id = SCMI_TLM_GROUP_NONE,
		.enable = enable,
		.mode = mode,
		.selector = SCMI_TLM_SEL_ALL,
		.interval = iv,
	};

	return scmi_tlm_config_set_req_encode(&q, b, 12);
}

/* ---------------------------------------------------------------- */
/* The tree                                                         */

STLM_TEST(tree_and_transport_files)
{
	static const struct {
		const char *name;
		mode_t mode;
	} files[] = {
		{ "instance_name", S_IFREG | 0400 },
		{ "raw", S_IFDIR | 0755 },
		{ "raw/message", S_IFREG | 0600 },
		{ "raw/message_async", S_IFREG | 0600 },
		{ "raw/notification", S_IFREG | 0400 },
		{ "raw/errors", S_IFREG | 0400 },
		{ "raw/reset", S_IFREG | 0200 },
		{ "transport", S_IFDIR | 0755 },
		{ "transport/type", S_IFREG | 0400 },
		{ "transport/is_atomic", S_IFREG | 0400 },
		{ "transport/max_rx_timeout_ms", S_IFREG | 0400 },
		{ "transport/max_msg_size", S_IFREG | 0400 },
		{ "transport/tx_max_msg", S_IFREG | 0400 },
		{ "transport/rx_max_msg", S_IFREG | 0400 },
	};
	char path[PATH_MAX + 64], buf[64], want[32];
	struct stat st;
	int fd;

	fix_up();
	for (size_t i = 0; i < ARRAY_SIZE(files); i++) {
		snprintf(path, sizeof(path), "%s/%s", F.mnt, files[i].name);
		ASSERT_OK(stat(path, &st));
		ASSERT_EQ(st.st_mode, files[i].mode);
	}
	snprintf(path, sizeof(path), "%s/raw/nope", F.mnt);
	ASSERT_ERR(stat(path, &st) < 0 ? -errno : 0, -ENOENT);

	snprintf(want, sizeof(want), "%u\n", F.cfg->max_msg_size);
	ASSERT_OK(read_text("transport/max_msg_size", buf, sizeof(buf)));
	ASSERT_STREQ(buf, want);
	ASSERT_OK(read_text("transport/max_rx_timeout_ms", buf, sizeof(buf)));
	ASSERT_STREQ(buf, "30\n");
	ASSERT_OK(read_text("transport/tx_max_msg", buf, sizeof(buf)));
	ASSERT_STREQ(buf, "20\n");
	ASSERT_OK(read_text("transport/rx_max_msg", buf, sizeof(buf)));
	ASSERT_STREQ(buf, "20\n");
	ASSERT_OK(read_text("transport/is_atomic", buf, sizeof(buf)));
	ASSERT_STREQ(buf, "N\n");
	ASSERT_OK(read_text("transport/type", buf, sizeof(buf)));
	ASSERT_STREQ(buf, "rawfs\n");
	ASSERT_CMP(read_text("instance_name", buf, sizeof(buf)), >, 1);

	/* Modes are enforced at open; raw files are not seekable. */
	ASSERT_ERR(fix_open("raw/notification", O_WRONLY), -EACCES);
	ASSERT_ERR(fix_open("raw/reset", O_RDONLY), -EACCES);
	fd = fix_open("raw/message", O_RDWR);
	ASSERT_OK(fd);
	ASSERT_ERR(lseek(fd, 0, SEEK_SET) < 0 ? -errno : 0, -ESPIPE);

	/* Nothing queued: O_NONBLOCK reads fail with EAGAIN. */
	ASSERT_OK(fcntl(fd, F_SETFL, O_NONBLOCK));
	ASSERT_ERR(read(fd, buf, sizeof(buf)) < 0 ? -errno : 0, -EAGAIN);
	fix_down();
}

STLM_TEST(base_protocol_version_plain_io)
{
	uint8_t msg[4], r[64];
	size_t have = 0;
	int fd, n;

	fix_up();
	fd = fix_open("raw/message", O_RDWR);
	ASSERT_OK(fd);

	/* One write() is one message: the 4-byte header, no length. */
	scmi_put_le32(msg, hdr(SCMI_PROTO_BASE, 0x0, SCMI_MSG_COMMAND, 1));
	ASSERT_EQ(write(fd, msg, 4), 4);
	n = (int)read(fd, r, sizeof(r));
	ASSERT_EQ(n, 12);
	ASSERT_MEMEQ(r, msg, 4); /* same header, token 1 */
	ASSERT_EQ(scmi_get_le32(r + 4), 0);
	ASSERT_EQ(scmi_get_le32(r + 8), BASE_PROTOCOL_VERSION);
	ASSERT_EQ(read(fd, r, sizeof(r)), 0); /* message boundary */

	/* Chunked reads continue through the staged message. */
	scmi_put_le32(msg, hdr(SCMI_PROTO_BASE, 0x0, SCMI_MSG_COMMAND, 2));
	ASSERT_EQ(write(fd, msg, 4), 4);
	for (;;) {
		ssize_t k = read(fd, r + have, 5);

		ASSERT_CMP(k, >=, 0);
		if (k == 0)
			break;
		ASSERT_CMP(k, <=, 5);
		have += (size_t)k;
		ASSERT_CMP(have, <=, 12);
	}
	ASSERT_EQ(have, 12);
	ASSERT_EQ(scmi_get_le32(r), hdr(SCMI_PROTO_BASE, 0, 0, 2));
	ASSERT_EQ(scmi_get_le32(r + 8), BASE_PROTOCOL_VERSION);

	/* Telemetry PROTOCOL_VERSION through the same file. */
	n = fd_xfer(fd, hdr(SCMI_PROTO_TELEMETRY, 0, 0, 3), NULL, 0, r,
		    sizeof(r));
	ASSERT_EQ(n, 12);
	ASSERT_EQ(scmi_get_le32(r + 8), SCMI_TLM_VERSION);
	fix_down();
}

STLM_TEST(de_configure_doc_example)
{
	static const char *const example = "06 6C 1C 00 01 A0 00 00 02 00 00 00";
	const struct stlmp_de_cfg *d = NULL;
	struct scmi_tlm_de_configure_resp resp;
	uint8_t msg[12], r[64];
	int fd, n;

	fix_up();
	for (uint32_t i = 0; i < F.cfg->n_des; i++)
		if (F.cfg->des[i].desc.id == 0xA001)
			d = &F.cfg->des[i];
	if (d && d->desc.ts_support != SCMI_TLM_TS_NONE) {
		ASSERT_EQ(stlm_test_unhex(example, msg, sizeof(msg)), 12);
	} else {
		/* No DE 0xA001 here: the same command for another DE. */
		d = pick_de(true);
		ASSERT_NOT_NULL(d);
		scmi_put_le32(msg, 0x001C6C06);
		ASSERT_EQ(enc_decfg(msg + 4, d->desc.id, SCMI_TLM_DE_ENABLE_TS), 8);
	}
	ASSERT_EQ(scmi_get_le32(msg), hdr(SCMI_PROTO_TELEMETRY, 0x6, 0, 7));

	fd = fix_open("raw/message", O_RDWR);
	ASSERT_OK(fd);
	ASSERT_EQ(write(fd, msg, 12), 12);
	n = read_msg(fd, r, sizeof(r), 4096);
	ASSERT_EQ(n, 20);
	ASSERT_EQ(scmi_get_le32(r), 0x001C6C06);
	ASSERT_EQ(scmi_get_le32(r + 4), SCMI_SUCCESS);
	ASSERT_OK(scmi_tlm_de_configure_resp_decode(r + 4, 16, &resp));
	ASSERT_EQ(resp.shmti_id, d->shmti);
	fix_down();
}

STLM_TEST(write_limits_and_garbage)
{
	size_t big;
	uint8_t msg[4096], r[512];
	int fd, n;

	fix_up();
	big = (size_t)F.cfg->max_msg_size + 4;
	ASSERT_CMP(big + 1, <=, sizeof(msg));
	fd = fix_open("raw/message", O_RDWR);
	ASSERT_OK(fd);

	memset(msg, 0, sizeof(msg));
	scmi_put_le32(msg, hdr(SCMI_PROTO_BASE, 0, 0, 9));
	ASSERT_ERR(write(fd, msg, big + 1) < 0 ? -errno : 0, -ENOSPC);
	ASSERT_ERR(write(fd, msg, 3) < 0 ? -errno : 0, -EINVAL);
	ASSERT_ERR(write(fd, msg, 0) < 0 ? -errno : 0, 0);

	/* The largest message is accepted; the platform rejects its payload. */
	ASSERT_EQ(write(fd, msg, big), (ssize_t)big);
	n = read_msg(fd, r, sizeof(r), 4096);
	ASSERT_CMP(n, >=, 8);
	ASSERT_NE((int32_t)scmi_get_le32(r + 4), SCMI_SUCCESS);

	/* Garbage: reserved header bits, a notification header. */
	scmi_put_le32(msg, 0xF0000000u | hdr(SCMI_PROTO_BASE, 0, 0, 10));
	ASSERT_ERR(write(fd, msg, 4) < 0 ? -errno : 0, -EPROTO);
	scmi_put_le32(msg, hdr(SCMI_PROTO_TELEMETRY, 0, SCMI_MSG_NOTIFICATION, 0));
	ASSERT_ERR(write(fd, msg, 8) < 0 ? -errno : 0, -EPROTO);
	for (int i = 0; i < 200; i++) {
		for (size_t k = 0; k < 64; k++)
			msg[k] = (uint8_t)(rand() & 0xff);
		msg[3] &= 0x0f;
		msg[1] &= 0xfc; /* type 0: a command the engine must parse */
		if (write(fd, msg, 4 + (size_t)(i % 60)) > 0)
			ASSERT_CMP(read_msg(fd, r, sizeof(r), 4096), >=, 8);
	}

	/* Still serving. */
	n = fd_xfer(fd, hdr(SCMI_PROTO_BASE, 0, 0, 11), NULL, 0, r, sizeof(r));
	ASSERT_EQ(n, 12);
	ASSERT_EQ(scmi_get_le32(r + 8), BASE_PROTOCOL_VERSION);
	fix_down();
}

STLM_TEST(late_and_unmatched_go_to_errors_reset_flushes)
{
	uint8_t msg[4], r[64];
	struct pollfd pfd;
	int fd, efd, rfd;

	fix_up();
	fd = fix_open("raw/message", O_RDWR | O_NONBLOCK);
	efd = fix_open("raw/errors", O_RDONLY | O_NONBLOCK);
	ASSERT_OK(fd);
	ASSERT_OK(efd);

	/* A reply with the wrong token matches nothing: errors. */
	ASSERT_OK(stlmp_platform_fault_add(F.p, "token:proto=0x10,msg=0x0,count=1"));
	scmi_put_le32(msg, hdr(SCMI_PROTO_BASE, 0, 0, 20));
	ASSERT_EQ(write(fd, msg, 4), 4);
	pfd = (struct pollfd){ .fd = efd, .events = POLLIN };
	ASSERT_EQ(poll(&pfd, 1, TO_MS), 1);
	ASSERT_EQ(read_msg(efd, r, sizeof(r), 4096), 12);
	ASSERT_NE(scmi_get_le32(r), hdr(SCMI_PROTO_BASE, 0, 0, 20));
	ASSERT_ERR(read(fd, r, sizeof(r)) < 0 ? -errno : 0, -EAGAIN);

	/* A reply later than max_rx_timeout_ms (30 ms): errors too. */
	ASSERT_OK(stlmp_platform_fault_add(F.p,
					   "delay:proto=0x10,msg=0x0,ms=200,count=1"));
	scmi_put_le32(msg, hdr(SCMI_PROTO_BASE, 0, 0, 21));
	ASSERT_EQ(write(fd, msg, 4), 4);
	ASSERT_EQ(poll(&pfd, 1, TO_MS), 1);
	ASSERT_EQ(read_msg(efd, r, sizeof(r), 4096), 12);
	ASSERT_EQ(scmi_get_le32(r), hdr(SCMI_PROTO_BASE, 0, 0, 21));
	ASSERT_ERR(read(fd, r, sizeof(r)) < 0 ? -errno : 0, -EAGAIN);

	/* Queue one more late reply, then reset flushes it. */
	ASSERT_OK(stlmp_platform_fault_add(F.p,
					   "delay:proto=0x10,msg=0x0,ms=100,count=1"));
	scmi_put_le32(msg, hdr(SCMI_PROTO_BASE, 0, 0, 22));
	ASSERT_EQ(write(fd, msg, 4), 4);
	ASSERT_EQ(poll(&pfd, 1, TO_MS), 1);
	rfd = fix_open("raw/reset", O_WRONLY | O_TRUNC);
	ASSERT_OK(rfd);
	ASSERT_EQ(write(rfd, "1\n", 2), 2);
	ASSERT_ERR(read(efd, r, sizeof(r)) < 0 ? -errno : 0, -EAGAIN);
	ASSERT_EQ(poll(&pfd, 1, 0), 0);
	fix_down();
}

/* Enable one DE and on-demand collection (needed before mode 2). */
static void enable_collection(int fd, const struct stlmp_de_cfg *d,
			      uint16_t token)
{
	uint8_t b[16], r[64];

	ASSERT_EQ(enc_decfg(b, d->desc.id, SCMI_TLM_DE_ENABLE), 8);
	ASSERT_EQ(fd_xfer(fd, hdr(SCMI_PROTO_TELEMETRY, SCMI_TLM_DE_CONFIGURE,
				  0, token), b, 8, r, sizeof(r)), 20);
	ASSERT_EQ(scmi_get_le32(r + 4), SCMI_SUCCESS);
	ASSERT_EQ(enc_cfgset(b, true, SCMI_TLM_MODE_ON_DEMAND,
			     F.cfg->default_interval), 12);
	ASSERT_EQ(fd_xfer(fd, hdr(SCMI_PROTO_TELEMETRY, SCMI_TLM_CONFIG_SET, 0,
				  (uint16_t)(token + 1)), b, 12, r, sizeof(r)), 8);
	ASSERT_EQ(scmi_get_le32(r + 4), SCMI_SUCCESS);
}

STLM_TEST(message_async_single_sample)
{
	struct scmi_tlm_reading_complete rc;
	struct scmi_tlm_interval none = { 0, 0 };
	uint8_t msg[16], b[16], r[512];
	int fd, afd, n;

	fix_up();
	if (!F.cfg->single_sample)
		STLM_SKIP("the default platform has no single-sample reads");
	fd = fix_open("raw/message", O_RDWR);
	afd = fix_open("raw/message_async", O_RDWR);
	ASSERT_OK(fd);
	ASSERT_OK(afd);
	enable_collection(fd, pick_de(false), 30);

	ASSERT_EQ(enc_cfgset(b, true, SCMI_TLM_MODE_SINGLE, none), 12);
	n = (int)build(msg, hdr(SCMI_PROTO_TELEMETRY, SCMI_TLM_CONFIG_SET, 0, 77),
		       b, 12);
	/* The bytes of the docs/rawfs.md example. */
	ASSERT_EQ(stlm_test_unhex("08 6C 34 01 FF FF FF FF 45 00 00 00 00 00 00 00",
				  r, sizeof(r)), 16);
	ASSERT_MEMEQ(msg, r, 16);
	ASSERT_EQ(write(afd, msg, (size_t)n), n);
	/* First read sequence: the immediate response. */
	n = read_msg(afd, r, sizeof(r), 4096);
	ASSERT_EQ(n, 8);
	ASSERT_EQ(scmi_get_le32(r), hdr(SCMI_PROTO_TELEMETRY, 0x8, 0, 77));
	ASSERT_EQ(scmi_get_le32(r + 4), SCMI_SUCCESS);
	/* Second: the delayed response, type 2, id 8, same token. */
	n = read_msg(afd, r, sizeof(r), 16);
	ASSERT_CMP(n, >=, 12);
	ASSERT_EQ(scmi_get_le32(r), hdr(SCMI_PROTO_TELEMETRY, 0x8,
					SCMI_MSG_DELAYED_RESP, 77));
	ASSERT_EQ(scmi_get_le32(r), 0x01346E08u);
	ASSERT_OK(scmi_tlm_reading_complete_decode(r + 4, (size_t)n - 4, &rc));
	ASSERT_EQ(rc.status_errno, 0);

	/* Nothing else for message (separate queues per open file). */
	ASSERT_OK(fcntl(fd, F_SETFL, O_NONBLOCK));
	ASSERT_ERR(read(fd, r, sizeof(r)) < 0 ? -errno : 0, -EAGAIN);
	fix_down();
}

STLM_TEST(notification_file_poll_and_nonblock)
{
	const struct stlmp_de_cfg *d;
	struct scmi_tlm_update up;
	uint8_t b[16], r[512];
	struct pollfd pfd;
	int fd, nfd, rfd, n;

	fix_up();
	if (!F.cfg->notifications)
		STLM_SKIP("the default platform has no notifications");
	fd = fix_open("raw/message", O_RDWR);
	nfd = fix_open("raw/notification", O_RDONLY | O_NONBLOCK);
	ASSERT_OK(fd);
	ASSERT_OK(nfd);
	pfd = (struct pollfd){ .fd = nfd, .events = POLLIN };
	ASSERT_EQ(poll(&pfd, 1, 0), 0);
	ASSERT_ERR(read(nfd, r, sizeof(r)) < 0 ? -errno : 0, -EAGAIN);

	d = pick_msg_de();
	ASSERT_NOT_NULL(d);
	ASSERT_EQ(enc_decfg(b, d->desc.id, SCMI_TLM_DE_ENABLE), 8);
	ASSERT_EQ(fd_xfer(fd, hdr(SCMI_PROTO_TELEMETRY, SCMI_TLM_DE_CONFIGURE,
				  0, 40), b, 8, r, sizeof(r)), 20);
	ASSERT_EQ(enc_cfgset(b, true, SCMI_TLM_MODE_NOTIFY, pick_interval()), 12);
	ASSERT_EQ(fd_xfer(fd, hdr(SCMI_PROTO_TELEMETRY, SCMI_TLM_CONFIG_SET, 0,
				  41), b, 12, r, sizeof(r)), 8);
	ASSERT_EQ(scmi_get_le32(r + 4), SCMI_SUCCESS);
	stlmp_platform_tick(F.p);

	/* poll() wakes up (FUSE poll notification), then one message. */
	ASSERT_EQ(poll(&pfd, 1, TO_MS), 1);
	ASSERT_TRUE(pfd.revents & POLLIN);
	n = read_msg(nfd, r, sizeof(r), 4096);
	ASSERT_CMP(n, >=, 16);
	ASSERT_EQ(scmi_get_le32(r), 0x00006F00u);
	ASSERT_OK(scmi_tlm_update_decode(r + 4, (size_t)n - 4, &up));
	ASSERT_EQ(up.status_errno, 0);
	ASSERT_CMP(up.lines.num_dwords, >=, 4);

	/* Stop, flush, and the queue is empty again. */
	ASSERT_EQ(enc_cfgset(b, false, SCMI_TLM_MODE_NOTIFY, pick_interval()), 12);
	ASSERT_EQ(fd_xfer(fd, hdr(SCMI_PROTO_TELEMETRY, SCMI_TLM_CONFIG_SET, 0,
				  42), b, 12, r, sizeof(r)), 8);
	rfd = fix_open("raw/reset", O_WRONLY);
	ASSERT_OK(rfd);
	ASSERT_EQ(write(rfd, "x", 1), 1);
	ASSERT_ERR(read(nfd, r, sizeof(r)) < 0 ? -errno : 0, -EAGAIN);
	fix_down();
}

static void *blocked_reader(void *arg)
{
	uint8_t r[64];
	intptr_t fd = (intptr_t)arg;
	ssize_t n = read((int)fd, r, sizeof(r));

	return (void *)(intptr_t)(n < 0 ? -errno : n);
}

struct worker {
	int fd;
	uint16_t token0;
	int errors;
};

/* Many commands on one open file; every reply must carry its token. */
static void *worker_main(void *arg)
{
	struct worker *w = arg;
	uint8_t r[64];

	for (uint16_t i = 0; i < 100; i++) {
		uint16_t tok = (uint16_t)(w->token0 + i);
		int n = fd_xfer(w->fd, hdr(SCMI_PROTO_BASE, 0, 0, tok), NULL, 0,
				r, sizeof(r));

		if (n != 12 || scmi_get_le32(r) != hdr(SCMI_PROTO_BASE, 0, 0, tok))
			w->errors++;
	}
	return NULL;
}

STLM_TEST(replies_follow_their_open_file)
{
	struct worker w[4];
	pthread_t th[4];

	fix_up();
	for (int i = 0; i < 4; i++) {
		w[i] = (struct worker){ .fd = fix_open("raw/message", O_RDWR),
					.token0 = (uint16_t)(i * 200) };
		ASSERT_OK(w[i].fd);
	}
	for (int i = 0; i < 4; i++)
		ASSERT_EQ(pthread_create(&th[i], NULL, worker_main, &w[i]), 0);
	for (int i = 0; i < 4; i++) {
		ASSERT_EQ(pthread_join(th[i], NULL), 0);
		ASSERT_EQ(w[i].errors, 0);
	}
	fix_down();
}

static void on_signal(int sig)
{
}

STLM_TEST(blocked_read_is_interruptible)
{
	struct sigaction sa = { .sa_handler = on_signal }, old;
	pthread_t th;
	void *res;
	int nfd;

	fix_up();
	nfd = fix_open("raw/notification", O_RDONLY);
	ASSERT_OK(nfd);
	sigemptyset(&sa.sa_mask);
	ASSERT_OK(sigaction(SIGUSR1, &sa, &old)); /* no SA_RESTART */
	ASSERT_EQ(pthread_create(&th, NULL, blocked_reader,
				 (void *)(intptr_t)nfd), 0);
	usleep(100 * 1000);
	ASSERT_EQ(pthread_kill(th, SIGUSR1), 0);
	ASSERT_EQ(pthread_join(th, &res), 0);
	sigaction(SIGUSR1, &old, NULL);
	ASSERT_EQ((intptr_t)res, -EINTR);
	fix_down();
}

/* ---------------------------------------------------------------- */
/* The raw: transport                                               */

static void open_transport(void)
{
	char uri[2 * PATH_MAX + 16];

	snprintf(uri, sizeof(uri), "raw:%s?mem=%s", F.mnt, F.mem);
	ASSERT_OK(stlm_transport_open(uri, &F.t));
	ASSERT_EQ(F.t->max_msg, (size_t)F.cfg->max_msg_size + 8);
	ASSERT_STREQ(F.t->mem_path, F.mem);
}

/*
 * Send a command through the transport, return the reply (header +
 * payload) with the same token; notifications met on the way are counted.
 */
static int t_xfer(uint8_t id, uint16_t token, const void *req, size_t len,
		  bool async, uint8_t *r, size_t cap, int *ret_notifs)
{
	uint8_t msg[256];
	size_t n = build(msg, hdr(SCMI_PROTO_TELEMETRY, id, 0, token), req, len);

	ASSERT_OK(F.t->ops->send(F.t, msg, n, async));
	for (;;) {
		int k = F.t->ops->recv(F.t, r, cap, TO_MS);
		uint32_t h;

		if (k < 0)
			return k;
		ASSERT_CMP(k, >=, 4);
		h = scmi_get_le32(r);
		if (((h & SCMI_HDR_TYPE_MASK) >> SCMI_HDR_TYPE_SHIFT) ==
		    SCMI_MSG_NOTIFICATION) {
			if (ret_notifs)
				(*ret_notifs)++;
			continue;
		}
		ASSERT_EQ(h, hdr(SCMI_PROTO_TELEMETRY, id, 0, token));
		return k;
	}
}

STLM_TEST(transport_commands)
{
	struct scmi_tlm_de_desc desc[8];
	struct scmi_tlm_attrs attrs;
	struct scmi_list_hdr lh;
	struct stlm_transport *t2;
	uint8_t b[16], r[1024];
	struct pollfd pfd;
	char uri[PATH_MAX + 16];
	int n;

	fix_up();
	open_transport();

	/* Without ?mem=, raw: maps /dev/mem (real hardware). */
	snprintf(uri, sizeof(uri), "raw:%s", F.mnt);
	ASSERT_OK(stlm_transport_open(uri, &t2));
	ASSERT_STREQ(t2->mem_path, "/dev/mem");
	stlm_transport_close(t2);

	pfd = (struct pollfd){ .fd = F.t->ops->fd(F.t), .events = POLLIN };
	ASSERT_OK(pfd.fd);
	ASSERT_EQ(poll(&pfd, 1, 0), 0);
	ASSERT_ERR(F.t->ops->recv(F.t, r, sizeof(r), 0), -ETIMEDOUT);

	/* fd() becomes readable when a reply is waiting. */
	n = (int)build(r, hdr(SCMI_PROTO_TELEMETRY, SCMI_TLM_PROTOCOL_ATTRIBUTES,
			       0, 1), NULL, 0);
	ASSERT_OK(F.t->ops->send(F.t, r, (size_t)n, false));
	ASSERT_EQ(poll(&pfd, 1, TO_MS), 1);
	n = F.t->ops->recv(F.t, r, sizeof(r), TO_MS);
	ASSERT_EQ(n, 4 + 4 + SCMI_TLM_ATTRS_SIZE);
	ASSERT_OK(scmi_tlm_attrs_resp_decode(r + 4, (size_t)n - 4, &attrs));
	ASSERT_EQ(attrs.de_num, F.cfg->n_des);
	ASSERT_EQ(attrs.num_shmti, F.cfg->n_shmti);
	ASSERT_EQ(poll(&pfd, 1, 0), 0);

	/* A multi-part page. */
	ASSERT_EQ(scmi_u32_req_encode(0, b, sizeof(b)), 4);
	n = t_xfer(SCMI_TLM_DE_DESCRIPTION, 2, b, 4, false, r, sizeof(r), NULL);
	ASSERT_CMP(n, >, 8);
	ASSERT_CMP(scmi_tlm_de_description_resp_decode(r + 4, (size_t)n - 4,
						       &lh, desc, 8), >, 0);
	ASSERT_EQ(desc[0].id, F.cfg->des[0].desc.id);

	/* CONFIG_GET with the Linux probe arguments. */
	{
		struct scmi_tlm_config_get_req q = { .group_id = SCMI_TLM_GROUP_NONE,
						     .selector = 0 };
		struct scmi_tlm_config_get_resp cg;

		ASSERT_EQ(scmi_tlm_config_get_req_encode(&q, b, sizeof(b)), 8);
		n = t_xfer(SCMI_TLM_CONFIG_GET, 3, b, 8, false, r, sizeof(r), NULL);
		ASSERT_EQ(n, 16);
		ASSERT_OK(scmi_tlm_config_get_resp_decode(r + 4, 12, &cg));
	}

	/* Limits: too big for the channel, too short for a header. */
	memset(r, 0, sizeof(r));
	ASSERT_ERR(F.t->ops->send(F.t, r, F.cfg->max_msg_size + 5, false),
		   -EMSGSIZE);
	ASSERT_ERR(F.t->ops->send(F.t, r, 3, false), -EINVAL);
	/* A reply larger than the caller's buffer is consumed: -EMSGSIZE. */
	n = (int)build(b, hdr(SCMI_PROTO_TELEMETRY, 0, 0, 4), NULL, 0);
	ASSERT_OK(F.t->ops->send(F.t, b, (size_t)n, false));
	ASSERT_ERR(F.t->ops->recv(F.t, r, 6, TO_MS), -EMSGSIZE);
	ASSERT_ERR(F.t->ops->recv(F.t, r, sizeof(r), 0), -ETIMEDOUT);
	fix_down();
}

STLM_TEST(transport_single_sample_delayed_response)
{
	struct scmi_tlm_reading_complete rc;
	struct scmi_tlm_interval none = { 0, 0 };
	const struct stlmp_de_cfg *d;
	uint8_t b[16], r[1024];
	int n;

	fix_up();
	if (!F.cfg->single_sample)
		STLM_SKIP("the default platform has no single-sample reads");
	open_transport();
	d = pick_de(false);
	ASSERT_NOT_NULL(d);

	ASSERT_EQ(enc_decfg(b, d->desc.id, SCMI_TLM_DE_ENABLE), 8);
	n = t_xfer(SCMI_TLM_DE_CONFIGURE, 10, b, 8, false, r, sizeof(r), NULL);
	ASSERT_EQ(n, 20);
	ASSERT_EQ(scmi_get_le32(r + 4), SCMI_SUCCESS);
	ASSERT_EQ(enc_cfgset(b, true, SCMI_TLM_MODE_ON_DEMAND,
			     F.cfg->default_interval), 12);
	n = t_xfer(SCMI_TLM_CONFIG_SET, 11, b, 12, false, r, sizeof(r), NULL);
	ASSERT_EQ(n, 8);
	ASSERT_EQ(scmi_get_le32(r + 4), SCMI_SUCCESS);

	ASSERT_EQ(enc_cfgset(b, true, SCMI_TLM_MODE_SINGLE, none), 12);
	n = t_xfer(SCMI_TLM_CONFIG_SET, 12, b, 12, true, r, sizeof(r), NULL);
	ASSERT_EQ(n, 8);
	ASSERT_EQ(scmi_get_le32(r + 4), SCMI_SUCCESS);
	for (;;) {
		n = F.t->ops->recv(F.t, r, sizeof(r), TO_MS);
		ASSERT_CMP(n, >=, 12);
		if (((scmi_get_le32(r) & SCMI_HDR_TYPE_MASK) >>
		     SCMI_HDR_TYPE_SHIFT) != SCMI_MSG_NOTIFICATION)
			break;
	}
	ASSERT_EQ(scmi_get_le32(r), hdr(SCMI_PROTO_TELEMETRY,
					SCMI_TLM_READING_COMPLETE,
					SCMI_MSG_DELAYED_RESP, 12));
	ASSERT_OK(scmi_tlm_reading_complete_decode(r + 4, (size_t)n - 4, &rc));
	ASSERT_EQ(rc.status_errno, 0);
	fix_down();
}

STLM_TEST(transport_notifications)
{
	const struct stlmp_de_cfg *d;
	struct scmi_tlm_update up;
	uint8_t b[16], r[1024];
	int n, notifs = 0;

	fix_up();
	if (!F.cfg->notifications)
		STLM_SKIP("the default platform has no notifications");
	open_transport();
	d = pick_msg_de();
	ASSERT_NOT_NULL(d);
	ASSERT_EQ(enc_decfg(b, d->desc.id, SCMI_TLM_DE_ENABLE_TS), 8);
	n = t_xfer(SCMI_TLM_DE_CONFIGURE, 50, b, 8, false, r, sizeof(r), NULL);
	ASSERT_EQ(n, 20);
	ASSERT_EQ(enc_cfgset(b, true, SCMI_TLM_MODE_NOTIFY, pick_interval()), 12);
	n = t_xfer(SCMI_TLM_CONFIG_SET, 51, b, 12, false, r, sizeof(r), NULL);
	ASSERT_EQ(n, 8);
	ASSERT_EQ(scmi_get_le32(r + 4), SCMI_SUCCESS);
	stlmp_platform_tick(F.p);

	/* Two updates, from the notification file via recv(). */
	while (notifs < 2) {
		n = F.t->ops->recv(F.t, r, sizeof(r), TO_MS);
		ASSERT_CMP(n, >=, 16);
		ASSERT_EQ(scmi_get_le32(r), 0x00006F00u);
		ASSERT_OK(scmi_tlm_update_decode(r + 4, (size_t)n - 4, &up));
		ASSERT_EQ(up.status_errno, 0);
		notifs++;
	}

	/* Replies still come through while updates flow. */
	n = t_xfer(SCMI_TLM_PROTOCOL_VERSION, 52, NULL, 0, false, r, sizeof(r),
		   &notifs);
	ASSERT_EQ(n, 12);
	ASSERT_EQ(scmi_get_le32(r + 8), SCMI_TLM_VERSION);
	fix_down();
}

STLM_TEST(transport_large_messages)
{
	static uint8_t msg[70000], r[70000];
	struct scmi_tlm_de_desc *desc;
	struct scmi_list_hdr lh;
	uint32_t seen = 0;
	int fd, n;

	fix_up_n(2000);
	open_transport();
	/* Limits follow max_msg_size, whatever it is. */
	fd = fix_open("raw/message", O_RDWR);
	ASSERT_OK(fd);
	memset(msg, 0, sizeof(msg));
	scmi_put_le32(msg, hdr(SCMI_PROTO_BASE, 0, 0, 1));
	ASSERT_ERR(write(fd, msg, F.cfg->max_msg_size + 5) < 0 ? -errno : 0,
		   -ENOSPC);
	ASSERT_ERR(F.t->ops->send(F.t, msg, F.cfg->max_msg_size + 5, false),
		   -EMSGSIZE);

	/* Walk every DE description page through the transport. */
	desc = calloc(F.cfg->n_des, sizeof(*desc));
	ASSERT_NOT_NULL(desc);
	for (uint16_t tok = 10; seen < F.cfg->n_des; tok++) {
		uint8_t b[4];
		int k;

		ASSERT_CMP(tok, <, 1000);
		ASSERT_EQ(scmi_u32_req_encode(seen, b, sizeof(b)), 4);
		n = t_xfer(SCMI_TLM_DE_DESCRIPTION, tok, b, 4, false, r,
			   sizeof(r), NULL);
		ASSERT_CMP(n, >, 8);
		ASSERT_CMP((size_t)n, <=, F.t->max_msg);
		k = scmi_tlm_de_description_resp_decode(r + 4, (size_t)n - 4, &lh,
							desc + seen,
							F.cfg->n_des - seen);
		if (k <= 0)
			free(desc);
		ASSERT_CMP(k, >, 0);
		seen += (uint32_t)k;
	}
	ASSERT_EQ(desc[F.cfg->n_des - 1].id, F.cfg->des[F.cfg->n_des - 1].desc.id);
	free(desc);
	fix_down();
}

/* ---------------------------------------------------------------- */
/* One agent, and teardown                                          */

static int null_send(void *data, const uint8_t *msg, size_t len)
{
	return 0;
}

STLM_TEST(raw_files_claim_the_channel)
{
	const struct stlmp_sink sink = { .send = null_send };
	struct stlmp_agent *a = NULL;
	struct stlmp_stats st;
	char uri[PATH_MAX + 16], path[PATH_MAX + 32];
	struct stlm_transport *t2 = NULL;
	uint8_t r[64];
	int n, fd;

	fix_up();
	/* Mounted but unused: the channel is free for another agent. */
	ASSERT_OK(stlmp_agent_attach(F.p, &sink, &a));
	/* ... and while that agent owns it, raw/ files cannot be opened */
	snprintf(path, sizeof(path), "%s/raw/message", F.mnt);
	ASSERT_ERR(open(path, O_RDWR | O_CLOEXEC), -1);
	ASSERT_EQ(errno, EBUSY);
	stlmp_agent_detach(a);
	a = NULL;

	/* An open raw/ file claims it: other agents are refused. */
	fd = open(path, O_RDWR | O_CLOEXEC);
	ASSERT_CMP(fd, >=, 0);
	ASSERT_ERR(stlmp_agent_attach(F.p, &sink, &a), -EBUSY);
	stlmp_platform_stats(F.p, &st);
	/* the refused open above, and this attach */
	ASSERT_EQ(st.agents_refused, 2);
	snprintf(uri, sizeof(uri), "unix:%s/sock", stlm_test_tmpdir());
	ASSERT_OK(stlmp_platform_listen(F.p, uri));
	ASSERT_OK(stlm_transport_open(uri, &t2));
	n = t2->ops->recv(t2, r, sizeof(r), TO_MS);
	stlm_transport_close(t2);
	ASSERT_ERR(n, -EBUSY);
	/* Transport files are not raw/ files: they claim nothing. */
	snprintf(path, sizeof(path), "%s/transport/max_msg_size", F.mnt);
	n = open(path, O_RDONLY | O_CLOEXEC);
	ASSERT_CMP(n, >=, 0);
	close(n);
	close(fd);

	/* Released at the last close (FUSE sends RELEASE asynchronously). */
	for (int i = 0; i < 200; i++) {
		n = stlmp_agent_attach(F.p, &sink, &a);
		if (n != -EBUSY)
			break;
		usleep(5000);
	}
	ASSERT_OK(n);
	stlmp_agent_detach(a);
	fix_down();
}

STLM_TEST(clean_unmount_with_busy_files)
{
	struct timespec t0, t1;
	pthread_t th;
	void *res;
	uint8_t r[64];
	int nfd, mfd;

	fix_up();
	nfd = fix_open("raw/notification", O_RDONLY);
	mfd = fix_open("raw/message", O_RDWR);
	ASSERT_OK(nfd);
	ASSERT_OK(mfd);
	/* A reader blocked in read(), and files left open. */
	ASSERT_EQ(pthread_create(&th, NULL, blocked_reader,
				 (void *)(intptr_t)nfd), 0);
	usleep(100 * 1000);

	clock_gettime(CLOCK_MONOTONIC, &t0);
	stlmp_platform_free(F.p);
	F.p = NULL;
	clock_gettime(CLOCK_MONOTONIC, &t1);
	ASSERT_CMP(t1.tv_sec - t0.tv_sec, <, 3);
	ASSERT_EQ(pthread_join(th, &res), 0);
	ASSERT_CMP((intptr_t)res, <, 0);
	ASSERT_FALSE(is_mounted(F.mnt));
	/* The leftover file is dead, not hanging. */
	ASSERT_CMP(read(mfd, r, sizeof(r)), <, 0);
	fix_down();
	ASSERT_FALSE(is_mounted(F.mnt));
}
