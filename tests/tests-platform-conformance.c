// SPDX-License-Identifier: MIT
/*
 * Copyright (c) 2026 The stlm authors
 *
 * Conformance: one agent flow written from the protocol document (§10,
 * "Agent flow as implemented by Linux") run against the default platform
 * over every transport: in-process, unix:, tcp:, shm: and raw: (through the
 * emulator's rawfs: FUSE tree). It discovers, configures, reads SHMTIs,
 * FastChannels, single samples and notifications, checks the error
 * statuses, resets, and reconnects.
 */
#define STLM_TEST_GROUP "platform-conformance"
#include "stlm-test.h"

#include <fcntl.h>
#include <stdio.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/wait.h>

#include "base.h"
#include "tagent.h"
#include "tplat.h"

#define TO 3000
#define MAXD 2048

struct conf {
	struct stlmp_config *cfg;
	struct stlmp_platform *p;
	struct ta_agent *a;
	char uri[1024];
	char mem_path[300];
	const uint8_t *mem;
	size_t mem_size;
	uint8_t r[TA_MAX_MSG];
	struct scmi_tlm_attrs attrs;
	struct scmi_tlm_de_desc *des;
	uint32_t n_des;
	struct scmi_tlm_shmti_desc shmti[64];
};

static int tx(struct conf *c, uint8_t proto, uint8_t id, const void *req,
	      size_t len)
{
	int n = ta_xfer(c->a, proto, id, req, len, c->r, sizeof(c->r), TO);

	ASSERT_CMP(n, >=, 4);
	return n;
}

static int32_t status_of(struct conf *c)
{
	return (int32_t)scmi_get_le32(c->r);
}

/* §10 step 1: Base discovery; the telemetry protocol must be listed. */
static void base_discovery(struct conf *c)
{
	struct scmi_base_attrs ba;
	uint8_t ids[16], b[4];
	uint32_t total = 0;
	char vendor[16];
	int n;

	n = tx(c, SCMI_PROTO_BASE, SCMI_BASE_PROTOCOL_ATTRIBUTES, NULL, 0);
	ASSERT_OK(scmi_base_attrs_resp_decode(c->r, (size_t)n, &ba));
	n = tx(c, SCMI_PROTO_BASE, SCMI_BASE_DISCOVER_VENDOR, NULL, 0);
	ASSERT_OK(scmi_base_name_resp_decode(c->r, (size_t)n, vendor));
	ASSERT_CMP(strlen(vendor), >, 0);
	while (total < ba.num_protocols) {
		int k;

		scmi_u32_req_encode(total, b, 4);
		n = tx(c, SCMI_PROTO_BASE, SCMI_BASE_DISCOVER_LIST_PROTOCOLS, b, 4);
		k = scmi_base_list_protocols_resp_decode(c->r, (size_t)n, ids, 16);
		ASSERT_CMP(k, >, 0);
		total += (uint32_t)k;
	}
	ASSERT_EQ(total, ba.num_protocols);
	ASSERT_EQ(ids[0], SCMI_PROTO_TELEMETRY);
}

/* §10 step 2 (probe) and 3 (enumeration). */
static void probe(struct conf *c)
{
	struct scmi_tlm_intervals_req iq = { .group_id = SCMI_TLM_GROUP_NONE };
	struct scmi_tlm_intervals_page pg;
	struct scmi_tlm_interval iv[64];
	struct scmi_tlm_config_get_req gq = { .group_id = SCMI_TLM_GROUP_NONE };
	struct scmi_tlm_config_get_resp gr;
	struct scmi_list_hdr h;
	uint8_t b[12];
	uint32_t v, idx;
	int n, k;

	n = tx(c, SCMI_PROTO_TELEMETRY, SCMI_TLM_PROTOCOL_VERSION, NULL, 0);
	ASSERT_OK(scmi_u32_resp_decode(c->r, (size_t)n, &v));
	ASSERT_EQ(v, SCMI_TLM_VERSION);
	n = tx(c, SCMI_PROTO_TELEMETRY, SCMI_TLM_PROTOCOL_ATTRIBUTES, NULL, 0);
	ASSERT_OK(scmi_tlm_attrs_resp_decode(c->r, (size_t)n, &c->attrs));
	ASSERT_CMP(c->attrs.de_num, >=, 300);
	ASSERT_CMP(c->attrs.num_shmti, >=, 1);
	ASSERT_CMP(c->attrs.num_shmti, <=, 64);

	iq.selector = c->attrs.per_group ? SCMI_TLM_SEL_ORPHANS : SCMI_TLM_SEL_ALL;
	scmi_tlm_intervals_req_encode(&iq, b, sizeof(b));
	n = tx(c, SCMI_PROTO_TELEMETRY, SCMI_TLM_LIST_UPDATE_INTERVALS, b, 12);
	k = scmi_tlm_intervals_resp_decode(c->r, (size_t)n, &pg, iv, 64);
	ASSERT_CMP(k, >, 0);

	for (idx = 0; idx < c->attrs.num_shmti;) {
		scmi_u32_req_encode(idx, b, 4);
		n = tx(c, SCMI_PROTO_TELEMETRY, SCMI_TLM_LIST_SHMTI, b, 4);
		k = scmi_tlm_list_shmti_resp_decode(c->r, (size_t)n, &h,
						    c->shmti + idx, 64 - idx);
		ASSERT_CMP(k, >, 0);
		ASSERT_OK(scmi_list_check(&h, idx, c->attrs.num_shmti));
		idx += (uint32_t)k;
	}
	for (uint32_t s = 0; s < c->attrs.num_shmti; s++) {
		ASSERT_EQ(c->shmti[s].id, s);
		ASSERT_CMP(c->shmti[s].addr + c->shmti[s].length, <=, c->mem_size);
		ASSERT_OK(tdcf_area_check(c->mem + c->shmti[s].addr,
					  c->shmti[s].length));
	}

	scmi_tlm_config_get_req_encode(&gq, b, sizeof(b));
	n = tx(c, SCMI_PROTO_TELEMETRY, SCMI_TLM_CONFIG_GET, b, 8);
	ASSERT_OK(scmi_tlm_config_get_resp_decode(c->r, (size_t)n, &gr));

	c->des = calloc(c->attrs.de_num, sizeof(*c->des));
	ASSERT_NOT_NULL(c->des);
	for (idx = 0; idx < c->attrs.de_num;) {
		scmi_u32_req_encode(idx, b, 4);
		n = tx(c, SCMI_PROTO_TELEMETRY, SCMI_TLM_DE_DESCRIPTION, b, 4);
		k = scmi_tlm_de_description_resp_decode(c->r, (size_t)n, &h,
							c->des + idx,
							c->attrs.de_num - idx);
		ASSERT_CMP(k, >, 0);
		ASSERT_OK(scmi_list_check(&h, idx, c->attrs.de_num));
		idx += (uint32_t)k;
	}
	c->n_des = idx;
	for (uint32_t i = 0; i < c->n_des; i++) {
		ASSERT_TRUE(c->des[i].group_id == SCMI_TLM_GROUP_NONE ||
			    c->des[i].group_id < c->attrs.groups_num);
		for (uint32_t j = 0; j < i; j++)
			ASSERT_NE(c->des[i].id, c->des[j].id);
	}
}

static const struct scmi_tlm_de_desc *pick(struct conf *c, bool fc, int ts,
					   bool on_shmti)
{
	for (uint32_t i = 0; i < c->n_des; i++) {
		const struct scmi_tlm_de_desc *d = &c->des[i];

		if (d->has_fc != fc)
			continue;
		if (ts >= 0 && d->ts_support != ts)
			continue;
		if (!fc && on_shmti) {
			/* probed below by DE_CONFIGURE */
		}
		return d;
	}
	return NULL;
}

static struct scmi_tlm_de_configure_resp configure(struct conf *c, uint32_t id,
						   uint8_t mode)
{
	struct scmi_tlm_de_configure_req q = { .id = id, .mode = mode };
	struct scmi_tlm_de_configure_resp r = { 0 };
	uint8_t b[8];
	int n;

	scmi_tlm_de_configure_req_encode(&q, b, sizeof(b));
	n = tx(c, SCMI_PROTO_TELEMETRY, SCMI_TLM_DE_CONFIGURE, b, 8);
	ASSERT_EQ(status_of(c), 0);
	ASSERT_OK(scmi_tlm_de_configure_resp_decode(c->r, (size_t)n, &r));
	return r;
}

static void collect(struct conf *c, uint8_t mode, bool enable)
{
	struct scmi_tlm_config_set_req q = {
		.group_id = SCMI_TLM_GROUP_NONE, .enable = enable, .mode = mode,
		.selector = SCMI_TLM_SEL_ALL,
		.interval = { 1, -3 },
	};
	uint8_t b[12];

	scmi_tlm_config_set_req_encode(&q, b, sizeof(b));
	tx(c, SCMI_PROTO_TELEMETRY, SCMI_TLM_CONFIG_SET, b, 12);
	ASSERT_EQ(status_of(c), 0);
}

/* §10 steps 4 and 5. */
static void configure_and_read(struct conf *c)
{
	const struct scmi_tlm_de_desc *fc = pick(c, true, -1, false);
	const struct scmi_tlm_de_desc *line = pick(c, false, SCMI_TLM_TS_LINE, true);
	uint32_t placed = 0, seen_values = 0;

	ASSERT_NOT_NULL(fc);
	ASSERT_NOT_NULL(line);
	/* enable the first 40 non-FC DEs and one FC DE */
	for (uint32_t i = 0; i < c->n_des && placed < 40; i++) {
		struct scmi_tlm_de_configure_resp r;

		if (c->des[i].has_fc)
			continue;
		r = configure(c, c->des[i].id,
			      c->des[i].ts_support ? SCMI_TLM_DE_ENABLE_TS :
						     SCMI_TLM_DE_ENABLE);
		if (r.shmti_id == SCMI_TLM_SHMTI_NONE)
			continue; /* message-only DE */
		ASSERT_CMP(r.shmti_id, <, c->attrs.num_shmti);
		ASSERT_CMP(r.de_offset + 24, <, c->shmti[r.shmti_id].length);
		{
			struct tdcf_line l = { 0 };
			const uint8_t *a = c->mem + c->shmti[r.shmti_id].addr;

			/* the line is in place when the reply arrives */
			ASSERT_EQ(tp_find_line(a, c->shmti[r.shmti_id].length,
					       c->des[i].id, &l, false),
				  (int)r.de_offset);
			if (c->des[i].ts_support == SCMI_TLM_TS_BLOCK) {
				ASSERT_TRUE(l.use_blk_ts);
				ASSERT_NE(r.blk_ts_offset, 0);
			}
			if (c->des[i].ts_support == SCMI_TLM_TS_LINE)
				ASSERT_TRUE(l.ext && l.ts_valid);
		}
		placed++;
	}
	ASSERT_EQ(placed, 40);
	{
		struct scmi_tlm_de_configure_resp r =
			configure(c, fc->id, SCMI_TLM_DE_ENABLE_TS);

		ASSERT_EQ(r.shmti_id, SCMI_TLM_SHMTI_NONE);
	}
	collect(c, SCMI_TLM_MODE_ON_DEMAND, true);
	usleep(50000);
	/* every SHMTI scans consistently and values move */
	for (uint32_t s = 0; s < c->attrs.num_shmti; s++) {
		const uint8_t *a = c->mem + c->shmti[s].addr;
		uint32_t len = c->shmti[s].length, s1, s2;

		s1 = tdcf_read_begin(a);
		/* bounded wait: a loaded machine may delay the refresh */
		for (int tries = 0; tries < 400; tries++) {
			usleep(5000);
			s2 = tdcf_read_begin(a);
			if (tdcf_hdr_read(a, len, &(struct tdcf_hdr){ 0 }) == 0 &&
			    s1 != s2) {
				seen_values++;
				break;
			}
		}
	}
	ASSERT_CMP(seen_values, >, 0);
	/* the FastChannel DE reads a timestamp that advances (bounded wait:
	 * on a loaded machine the refresh may not run within a few ms) */
	{
		uint64_t t1 = scmi_get_le64(c->mem + fc->fc_addr + 8), t2;
		int tries = 0;

		do {
			usleep(5000);
			t2 = scmi_get_le64(c->mem + fc->fc_addr + 8);
		} while (t2 == t1 && ++tries < 400);
		ASSERT_CMP(t2, >, t1);
	}
}

/* Index of DE id in the description, or -1. */
static int cfg_index(const struct stlmp_config *cfg, uint32_t id)
{
	for (uint32_t i = 0; i < cfg->n_des; i++)
		if (cfg->des[i].desc.id == id)
			return (int)i;
	return -1;
}

/* Single sample (async) and notifications. */
static void async_paths(struct conf *c)
{
	struct scmi_tlm_config_set_req q = {
		.group_id = SCMI_TLM_GROUP_NONE, .enable = true,
		.mode = SCMI_TLM_MODE_SINGLE, .selector = SCMI_TLM_SEL_ALL,
	};
	struct scmi_tlm_reading_complete rc;
	struct scmi_tlm_update u;
	uint16_t tok = 0, dtok = 0;
	uint8_t b[12];
	int n;

	ASSERT_TRUE(c->attrs.single_sample && c->attrs.notifications);
	scmi_tlm_config_set_req_encode(&q, b, sizeof(b));
	n = ta_xfer_async(c->a, SCMI_PROTO_TELEMETRY, SCMI_TLM_CONFIG_SET, b, 12,
			  c->r, sizeof(c->r), TO, &tok);
	ASSERT_EQ(n, 4);
	ASSERT_EQ(status_of(c), 0);
	n = ta_wait(c->a, SCMI_MSG_DELAYED_RESP, SCMI_TLM_READING_COMPLETE, c->r,
		    sizeof(c->r), TO, &dtok);
	ASSERT_CMP(n, >=, 8);
	ASSERT_EQ(dtok, tok);
	ASSERT_OK(scmi_tlm_reading_complete_decode(c->r, (size_t)n, &rc));
	ASSERT_TRUE(rc.status_errno == 0 || rc.partial);

	/*
	 * Notifications carry only message-only DEs (no SHMTI line, no
	 * FastChannel), though SHMTI and FastChannel DEs are enabled too:
	 * docs/platform-format.md "Linux rules".
	 */
	{
		uint32_t msg_only = 0;

		for (uint32_t i = 0; i < c->cfg->n_des && !msg_only; i++)
			if (c->cfg->des[i].shmti == STLMP_NO_SHMTI &&
			    !c->cfg->des[i].desc.has_fc)
				msg_only = c->cfg->des[i].desc.id;
		ASSERT_NE(msg_only, 0);
		configure(c, msg_only, SCMI_TLM_DE_ENABLE);
	}
	collect(c, SCMI_TLM_MODE_NOTIFY, true);
	for (int k = 0; k < 3; k++) {
		struct tdcf_line l;
		size_t off = 0;
		int lines = 0;

		n = ta_wait(c->a, SCMI_MSG_NOTIFICATION, SCMI_TLM_UPDATE, c->r,
			    sizeof(c->r), TO, NULL);
		ASSERT_CMP(n, >=, 12);
		ASSERT_OK(scmi_tlm_update_decode(c->r, (size_t)n, &u));
		ASSERT_EQ(u.status_errno, 0);
		while (tdcf_msg_line_next(u.lines.lines,
					  4u * u.lines.num_dwords, &off,
					  &l) == 1) {
			int i = cfg_index(c->cfg, l.id);

			ASSERT_CMP(i, >=, 0);
			if (c->cfg->des[i].shmti != STLMP_NO_SHMTI ||
			    c->cfg->des[i].desc.has_fc)
				STLM_FAIL_AT("DE 0x%08x (SHMTI or FastChannel) "
					     "in a notification", l.id);
			lines++;
		}
		ASSERT_CMP(lines, >, 0);
	}
	collect(c, SCMI_TLM_MODE_ON_DEMAND, false);
	usleep(20000);
	ta_flush(c->a);
}

static void error_cases(struct conf *c)
{
	uint8_t b[16];

	/* invalid DE id */
	scmi_put_le32(b, 0xFFFFFFF0u);
	scmi_put_le32(b + 4, 1);
	tx(c, SCMI_PROTO_TELEMETRY, SCMI_TLM_DE_CONFIGURE, b, 8);
	ASSERT_EQ(status_of(c), SCMI_INVALID_PARAMETERS);
	/* out-of-range index */
	scmi_put_le32(b, c->attrs.de_num + 5);
	tx(c, SCMI_PROTO_TELEMETRY, SCMI_TLM_DE_DESCRIPTION, b, 4);
	ASSERT_EQ(status_of(c), SCMI_OUT_OF_RANGE);
	/* reserved bits */
	scmi_put_le32(b, c->des[0].id);
	scmi_put_le32(b + 4, 0x80000001u);
	tx(c, SCMI_PROTO_TELEMETRY, SCMI_TLM_DE_CONFIGURE, b, 8);
	ASSERT_EQ(status_of(c), SCMI_INVALID_PARAMETERS);
	/* unknown message id */
	tx(c, SCMI_PROTO_TELEMETRY, 0xD, NULL, 0);
	ASSERT_EQ(status_of(c), SCMI_NOT_SUPPORTED);
	/* truncated request */
	tx(c, SCMI_PROTO_TELEMETRY, SCMI_TLM_LIST_SHMTI, b, 2);
	ASSERT_EQ(status_of(c), SCMI_PROTOCOL_ERROR);
}

static void reset_and_check(struct conf *c)
{
	struct scmi_tlm_config_get_req gq = { .group_id = SCMI_TLM_GROUP_NONE };
	struct scmi_tlm_config_get_resp gr;
	uint8_t b[8];
	int n;

	scmi_tlm_reset_req_encode(b, sizeof(b));
	tx(c, SCMI_PROTO_TELEMETRY, SCMI_TLM_RESET, b, 4);
	ASSERT_EQ(status_of(c), 0);
	scmi_tlm_config_get_req_encode(&gq, b, sizeof(b));
	n = tx(c, SCMI_PROTO_TELEMETRY, SCMI_TLM_CONFIG_GET, b, 8);
	ASSERT_OK(scmi_tlm_config_get_resp_decode(c->r, (size_t)n, &gr));
	ASSERT_FALSE(gr.enable);
}

static void setup(struct conf *c, const char *scheme)
{
	const char *dir = stlm_test_tmpdir();
	struct stlmp_opts o = { .seed = 11 };
	char target[700];

	memset(c, 0, sizeof(*c));
	ASSERT_OK(stlmp_config_default(&c->cfg));
	snprintf(c->mem_path, sizeof(c->mem_path), "%s/mem", dir);
	o.mem_path = c->mem_path;
	c->p = tp_platform_new(c->cfg, &o);
	if (!scheme) {
		ASSERT_OK(ta_new_inproc(c->p, &c->a));
	} else {
		if (!strcmp(scheme, "unix")) {
			snprintf(target, sizeof(target), "unix:%s/p.sock", dir);
			snprintf(c->uri, sizeof(c->uri), "%s?mem=%s", target,
				 c->mem_path);
		} else if (!strcmp(scheme, "tcp")) {
			snprintf(target, sizeof(target), "tcp:127.0.0.1:0");
		} else if (!strcmp(scheme, "shm")) {
			snprintf(target, sizeof(target), "shm:%s", dir);
			snprintf(c->uri, sizeof(c->uri), "%s", target);
		} else {
			char mnt[320];

			snprintf(mnt, sizeof(mnt), "%s/raw", dir);
			mkdir(mnt, 0755);
			snprintf(target, sizeof(target), "rawfs:%s", mnt);
			snprintf(c->uri, sizeof(c->uri), "raw:%s?mem=%s", mnt,
				 c->mem_path);
		}
		if (!strcmp(scheme, "raw")) {
			int r = stlmp_platform_listen(c->p, target);

			if (r == -EPERM || r == -ENODEV || r == -ENOENT ||
			    access("/dev/fuse", R_OK | W_OK) < 0) {
				tp_platform_free(c->p);
				stlmp_config_free(c->cfg);
				STLM_SKIP("FUSE is not available here");
			}
			ASSERT_OK(r);
		} else {
			ASSERT_OK(stlmp_platform_listen(c->p, target));
		}
		if (!strcmp(scheme, "tcp"))
			snprintf(c->uri, sizeof(c->uri), "tcp:127.0.0.1:%d?mem=%s",
				 stlmp_platform_tcp_port(c->p), c->mem_path);
		ASSERT_OK(ta_new_uri(c->uri, &c->a));
	}
	c->mem = tp_map(c->mem_path, &c->mem_size);
	ASSERT_NOT_NULL(c->mem);
}

static void teardown(struct conf *c)
{
	ta_free(c->a);
	if (c->mem)
		munmap((void *)c->mem, c->mem_size);
	tp_platform_free(c->p);
	stlmp_config_free(c->cfg);
	free(c->des);
}

static void run(const char *scheme)
{
	struct conf c;

	setup(&c, scheme);
	base_discovery(&c);
	probe(&c);
	configure_and_read(&c);
	async_paths(&c);
	error_cases(&c);
	reset_and_check(&c);
	/* disconnect, reconnect: the platform serves the next agent */
	if (scheme) {
		struct ta_agent *second = NULL;
		int r;

		/* Raw mode has no ownership: the mounted tree is the agent. */
		r = strcmp(scheme, "raw") ? ta_new_uri(c.uri, &second) : -EBUSY;

		/* while the first agent owns the channel, a second is refused
		 * (at connect, or at its first exchange) */
		if (r == 0) {
			uint8_t b[64];

			r = ta_xfer(second, SCMI_PROTO_TELEMETRY, 0, NULL, 0, b,
				    sizeof(b), 500);
			ta_free(second);
		}
		ASSERT_TRUE(r == -EBUSY || r == -ECONNRESET);
		ta_free(c.a);
		c.a = NULL;
		usleep(50000);
		ASSERT_OK(ta_new_uri(c.uri, &c.a));
		free(c.des);
		c.des = NULL;
		probe(&c);
	}
	teardown(&c);
}

STLM_TEST(inproc)
{
	run(NULL);
}

STLM_TEST(unix_socket)
{
	run("unix");
}

STLM_TEST(tcp_loopback)
{
	run("tcp");
}

STLM_TEST(shm_mailbox)
{
	run("shm");
}

STLM_TEST(raw_over_rawfs)
{
	run("raw");
}

/* The same flow against the stlm-platform program, over each listener. */
static void run_uri(const char *uri, const char *mem_path)
{
	struct conf c;

	memset(&c, 0, sizeof(c));
	snprintf(c.uri, sizeof(c.uri), "%s", uri);
	snprintf(c.mem_path, sizeof(c.mem_path), "%s", mem_path);
	/* the program serves the built-in default SoC */
	ASSERT_OK(stlmp_config_default(&c.cfg));
	ASSERT_OK(ta_new_uri(c.uri, &c.a));
	c.mem = tp_map(c.mem_path, &c.mem_size);
	ASSERT_NOT_NULL(c.mem);
	base_discovery(&c);
	probe(&c);
	configure_and_read(&c);
	async_paths(&c);
	error_cases(&c);
	reset_and_check(&c);
	ta_free(c.a);
	munmap((void *)c.mem, c.mem_size);
	free(c.des);
	stlmp_config_free(c.cfg);
}

static int free_tcp_port(void)
{
	struct sockaddr_in sa = { .sin_family = AF_INET,
				  .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof(sa);
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0), port;

	ASSERT_CMP(fd, >=, 0);
	ASSERT_OK(bind(fd, (struct sockaddr *)&sa, sizeof(sa)));
	ASSERT_OK(getsockname(fd, (struct sockaddr *)&sa, &len));
	port = ntohs(sa.sin_port);
	close(fd);
	return port;
}

static void kill_child(void *arg)
{
	pid_t pid = (pid_t)(intptr_t)arg;
	int status;

	if (waitpid(pid, &status, WNOHANG) == 0) {
		kill(pid, SIGTERM);
		for (int i = 0; i < 200; i++) {
			if (waitpid(pid, &status, WNOHANG) == pid)
				return;
			usleep(10000);
		}
		kill(pid, SIGKILL);
		waitpid(pid, &status, 0);
	}
}

STLM_TEST(program_serves_every_transport)
{
	const char *bin = getenv("STLM_PLATFORM_BIN");
	const char *dir = stlm_test_tmpdir();
	char sock[300], mem[300], shm[300], raw[300], tcp[64], uri[1024];
	char l_unix[320], l_shm[320], l_raw[320];
	bool fuse = access("/dev/fuse", R_OK | W_OK) == 0;
	int status, port = free_tcp_port();
	pid_t pid;

	if (!bin)
		STLM_SKIP("STLM_PLATFORM_BIN not set");
	snprintf(sock, sizeof(sock), "%s/p.sock", dir);
	snprintf(mem, sizeof(mem), "%s/p.mem", dir);
	snprintf(shm, sizeof(shm), "%s/shm", dir);
	snprintf(raw, sizeof(raw), "%s/raw", dir);
	mkdir(raw, 0755);
	snprintf(tcp, sizeof(tcp), "tcp:127.0.0.1:%d", port);
	snprintf(l_unix, sizeof(l_unix), "unix:%s", sock);
	snprintf(l_shm, sizeof(l_shm), "shm:%s", shm);
	snprintf(l_raw, sizeof(l_raw), "rawfs:%s", raw);
	pid = fork();
	ASSERT_CMP(pid, >=, 0);
	if (pid == 0) {
		if (fuse)
			execl(bin, "stlm-platform", "--listen", l_unix, "--listen",
			      tcp, "--listen", l_shm, "--listen", l_raw, "--mem",
			      mem, "--seed", "5", "-q", (char *)NULL);
		else
			execl(bin, "stlm-platform", "--listen", l_unix, "--listen",
			      tcp, "--listen", l_shm, "--mem", mem, "--seed", "5",
			      "-q", (char *)NULL);
		_exit(127);
	}
	stlm_test_defer(kill_child, (void *)(intptr_t)pid);
	for (int i = 0; i < 500 && access(sock, F_OK) < 0; i++)
		usleep(10000);
	usleep(100000); /* all listeners up */
	ASSERT_OK(access(sock, F_OK));

	snprintf(uri, sizeof(uri), "unix:%s?mem=%s", sock, mem);
	run_uri(uri, mem);
	usleep(20000);
	snprintf(uri, sizeof(uri), "%s?mem=%s", tcp, mem);
	run_uri(uri, mem);
	usleep(20000);
	snprintf(uri, sizeof(uri), "shm:%s", shm);
	run_uri(uri, mem);
	usleep(20000);
	if (fuse) {
		snprintf(uri, sizeof(uri), "raw:%s?mem=%s", raw, mem);
		run_uri(uri, mem);
	}

	ASSERT_OK(kill(pid, SIGTERM));
	ASSERT_EQ(waitpid(pid, &status, 0), pid);
	ASSERT_TRUE(WIFEXITED(status));
	ASSERT_EQ(WEXITSTATUS(status), 0);
	/* listeners cleaned up after themselves */
	ASSERT_ERR(access(sock, F_OK), -1);
}
