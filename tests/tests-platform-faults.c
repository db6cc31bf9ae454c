// SPDX-License-Identifier: MIT
/*
 * Copyright (c) 2026 The stlm authors
 *
 * Every fault kind the emulator can inject, observed the way an agent sees
 * it, and the recovery once the fault is spent or cleared.
 */
#define STLM_TEST_GROUP "platform-faults"
#include "stlm-test.h"

#include <time.h>

#include "tagent.h"
#include "tplat.h"

#define TO 2000

static struct tp_fix *up(void)
{
	struct stlmp_opts o = { .seed = 3, .manual_clock = true };
	struct tp_fix *f = tp_fix_new(tp_config(false), &o);

	tp_fix_agent(f);
	return f;
}

static void down(struct tp_fix *f)
{
	tp_fix_stop(f);
}

static int version(struct tp_fix *f, int timeout)
{
	return ta_xfer(f->a, SCMI_PROTO_TELEMETRY, SCMI_TLM_PROTOCOL_VERSION,
		       NULL, 0, f->r, sizeof(f->r), timeout);
}

static uint64_t ms_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* Enable TP_CONST and collection at 10 ms; returns SHMTI 0. */
static const uint8_t *collecting(struct tp_fix *f, uint32_t *ret_len)
{
	uint8_t b[12];
	struct scmi_tlm_shmti_desc d[2];
	struct scmi_list_hdr h;
	int n;

	scmi_put_le32(b, TP_CONST);
	scmi_put_le32(b + 4, 1);
	ta_xfer(f->a, SCMI_PROTO_TELEMETRY, SCMI_TLM_DE_CONFIGURE, b, 8, f->r,
		sizeof(f->r), TO);
	ASSERT_EQ(scmi_get_le32(f->r), 0);
	scmi_put_le32(b, SCMI_TLM_GROUP_NONE);
	scmi_put_le32(b + 4, 1u | (2u << 5));
	scmi_put_le32(b + 8, 0x15D);
	ta_xfer(f->a, SCMI_PROTO_TELEMETRY, SCMI_TLM_CONFIG_SET, b, 12, f->r,
		sizeof(f->r), TO);
	ASSERT_EQ(scmi_get_le32(f->r), 0);
	scmi_put_le32(b, 0);
	n = ta_xfer(f->a, SCMI_PROTO_TELEMETRY, SCMI_TLM_LIST_SHMTI, b, 4, f->r,
		    sizeof(f->r), TO);
	ASSERT_EQ(scmi_tlm_list_shmti_resp_decode(f->r, (size_t)n, &h, d, 2), 2);
	*ret_len = d[0].length;
	return f->mem + d[0].addr;
}

STLM_TEST(bad_specs_rejected)
{
	struct tp_fix *f;

	f = up();
	ASSERT_ERR(stlmp_platform_fault_add(f->p, "explode"), -EINVAL);
	ASSERT_ERR(stlmp_platform_fault_add(f->p, "delay:ms=abc"), -EINVAL);
	ASSERT_ERR(stlmp_platform_fault_add(f->p, "delay:bogus=1"), -EINVAL);
	ASSERT_ERR(stlmp_platform_fault_add(f->p, "status:status=WHATEVER"),
		   -EINVAL);
	ASSERT_ERR(stlmp_platform_fault_add(f->p, "length"), -EINVAL);
	ASSERT_ERR(stlmp_platform_fault_add(f->p, "torn:ms=3"), -EINVAL);
	ASSERT_ERR(stlmp_platform_fault_add(f->p, "delay:msg=300"), -EINVAL);
	ASSERT_ERR(stlmp_platform_fault_add(f->p, "drop:count"), -EINVAL);
	/* nothing was installed: replies are normal */
	ASSERT_EQ(version(f, TO), 8);
	down(f);
}

STLM_TEST(delayed_reply)
{
	struct tp_fix *f;
	uint64_t t0;

	f = up();
	ASSERT_OK(stlmp_platform_fault_add(f->p, "delay:ms=150,msg=0,count=1"));
	t0 = ms_now();
	ASSERT_EQ(version(f, TO), 8);
	ASSERT_CMP(ms_now() - t0, >=, 140);
	/* spent: the next one is immediate */
	t0 = ms_now();
	ASSERT_EQ(version(f, TO), 8);
	ASSERT_CMP(ms_now() - t0, <, 140);
	down(f);
}

STLM_TEST(dropped_reply)
{
	struct tp_fix *f;

	f = up();
	ASSERT_OK(stlmp_platform_fault_add(f->p, "drop:msg=0,count=1"));
	ASSERT_EQ(version(f, 200), -ETIMEDOUT);
	ASSERT_EQ(version(f, TO), 8);
	down(f);
}

STLM_TEST(status_faults)
{
	struct tp_fix *f;

	f = up();
	ASSERT_OK(stlmp_platform_fault_add(f->p, "status:status=BUSY,msg=0,count=2"));
	ASSERT_OK(stlmp_platform_fault_add(f->p,
					   "status:status=GENERIC_ERROR,msg=1,after=1,count=1"));
	for (int i = 0; i < 2; i++) {
		ASSERT_EQ(version(f, TO), 4);
		ASSERT_EQ(scmi_status_resp_decode(f->r, 4), -EBUSY);
	}
	ASSERT_EQ(version(f, TO), 8);
	/* after=1: the first PROTOCOL_ATTRIBUTES is fine, the second fails */
	ASSERT_EQ(ta_xfer(f->a, SCMI_PROTO_TELEMETRY, 1, NULL, 0, f->r,
			  sizeof(f->r), TO), 36);
	ASSERT_EQ(ta_xfer(f->a, SCMI_PROTO_TELEMETRY, 1, NULL, 0, f->r,
			  sizeof(f->r), TO), 4);
	ASSERT_EQ(scmi_resp_status_errno(f->r, 4), -EIO);
	ASSERT_EQ(ta_xfer(f->a, SCMI_PROTO_TELEMETRY, 1, NULL, 0, f->r,
			  sizeof(f->r), TO), 36);
	down(f);
}

STLM_TEST(wrong_length)
{
	struct tp_fix *f;
	struct scmi_tlm_attrs a;
	uint32_t v;
	int n;

	f = up();
	ASSERT_OK(stlmp_platform_fault_add(f->p, "length:bytes=-4,msg=1,count=1"));
	ASSERT_OK(stlmp_platform_fault_add(f->p, "length:bytes=4,msg=0,count=1"));
	n = ta_xfer(f->a, SCMI_PROTO_TELEMETRY, 1, NULL, 0, f->r, sizeof(f->r), TO);
	ASSERT_EQ(n, 32);
	ASSERT_ERR(scmi_tlm_attrs_resp_decode(f->r, (size_t)n, &a), -EBADMSG);
	n = version(f, TO);
	ASSERT_EQ(n, 12);
	ASSERT_ERR(scmi_u32_resp_decode(f->r, (size_t)n, &v), -EMSGSIZE);
	down(f);
}

STLM_TEST(wrong_token)
{
	struct tp_fix *f;
	uint8_t m[64];
	struct scmi_hdr h;

	f = up();
	ASSERT_OK(stlmp_platform_fault_add(f->p, "token:msg=0,count=1"));
	ASSERT_EQ(version(f, 200), -ETIMEDOUT);
	/* the reply did come, with another token */
	ASSERT_EQ(ta_next_raw(f->a, m, sizeof(m), 100), 12);
	ASSERT_OK(scmi_hdr_unpack(scmi_get_le32(m), &h));
	ASSERT_EQ(h.token, (ta_last_token(f->a) + 1) & SCMI_TOKEN_MAX);
	ASSERT_EQ(version(f, TO), 8);
	down(f);
}

STLM_TEST(reserved_bits)
{
	struct tp_fix *f;
	struct scmi_tlm_attrs a;
	uint8_t m[64];
	struct scmi_hdr h;
	int n;

	f = up();
	ASSERT_OK(stlmp_platform_fault_add(f->p, "reserved:msg=1,count=1"));
	n = ta_xfer(f->a, SCMI_PROTO_TELEMETRY, 1, NULL, 0, f->r, sizeof(f->r), TO);
	ASSERT_EQ(n, 36);
	ASSERT_ERR(scmi_tlm_attrs_resp_decode(f->r, (size_t)n, &a), -EPROTO);
	/* other replies: reserved header bits, which no agent can match */
	ASSERT_OK(stlmp_platform_fault_add(f->p, "reserved:msg=0,count=1"));
	ASSERT_OK(ta_send_raw(f->a, (uint8_t[]){ 0x00, 0x6C, 0x00, 0x00 }, 4));
	ASSERT_EQ(ta_next_raw(f->a, m, sizeof(m), TO), 12);
	ASSERT_ERR(scmi_hdr_unpack(scmi_get_le32(m), &h), -EPROTO);
	down(f);
}

STLM_TEST(torn_shmti_then_recovery)
{
	struct tp_fix *f;
	uint32_t len;
	const uint8_t *a0;

	f = up();
	a0 = collecting(f, &len);
	stlmp_platform_advance(f->p, 10000000);
	ASSERT_CMP(tp_find_line(a0, len, TP_CONST, NULL, false), >, 0);
	ASSERT_OK(stlmp_platform_fault_add(f->p, "torn:shmti=0,count=1"));
	stlmp_platform_advance(f->p, 10000000);
	/* sequences disagree: no consistent pass exists */
	ASSERT_EQ(tp_find_line(a0, len, TP_CONST, NULL, false), -EAGAIN);
	ASSERT_NE(tdcf_read_begin(a0), tdcf_read_end(a0, len));
	/* the next clean update repairs it */
	stlmp_platform_advance(f->p, 10000000);
	ASSERT_CMP(tp_find_line(a0, len, TP_CONST, NULL, false), >, 0);
	down(f);
}

STLM_TEST(stuck_sequence_then_clear)
{
	struct tp_fix *f;
	uint32_t len;
	const uint8_t *a0;

	f = up();
	a0 = collecting(f, &len);
	ASSERT_OK(stlmp_platform_fault_add(f->p, "stuck:shmti=0"));
	stlmp_platform_advance(f->p, 10000000);
	ASSERT_EQ(tdcf_read_begin(a0) & 1, 1);
	stlmp_platform_advance(f->p, 50000000);
	ASSERT_EQ(tdcf_read_begin(a0) & 1, 1);
	ASSERT_EQ(tp_find_line(a0, len, TP_CONST, NULL, false), -EAGAIN);
	stlmp_platform_fault_clear(f->p);
	stlmp_platform_advance(f->p, 10000000);
	ASSERT_EQ(tdcf_read_begin(a0) & 1, 0);
	ASSERT_CMP(tp_find_line(a0, len, TP_CONST, NULL, false), >, 0);
	down(f);
}

STLM_TEST(platform_reset_mid_session)
{
	struct tp_fix *f;
	uint32_t len;
	const uint8_t *a0;
	struct scmi_tlm_attrs at;
	uint8_t b[8];
	int n;

	f = up();
	a0 = collecting(f, &len);
	ASSERT_OK(stlmp_platform_fault_add(f->p, "reset:ms=50"));
	stlmp_platform_advance(f->p, 40000000);
	ASSERT_CMP(tp_find_line(a0, len, TP_CONST, NULL, false), >, 0);
	stlmp_platform_advance(f->p, 20000000);
	ASSERT_EQ(tp_find_line(a0, len, TP_CONST, NULL, false), -ENOENT);
	scmi_put_le32(b, SCMI_TLM_GROUP_NONE);
	scmi_put_le32(b + 4, 0);
	n = ta_xfer(f->a, SCMI_PROTO_TELEMETRY, SCMI_TLM_CONFIG_GET, b, 8, f->r,
		    sizeof(f->r), TO);
	ASSERT_EQ(n, 12);
	ASSERT_EQ(scmi_get_le32(f->r + 4) & 1, 0);
	/* with a changed DE set: one DE fewer, another revision */
	ASSERT_OK(stlmp_platform_fault_add(f->p, "reset:ms=0,change=1"));
	stlmp_platform_advance(f->p, 1000000);
	n = ta_xfer(f->a, SCMI_PROTO_TELEMETRY, 1, NULL, 0, f->r, sizeof(f->r), TO);
	ASSERT_OK(scmi_tlm_attrs_resp_decode(f->r, (size_t)n, &at));
	ASSERT_EQ(at.de_num, TP_N_DES - 1);
	ASSERT_NE(at.uuid[15], 0xff);
	down(f);
}

STLM_TEST(notification_flood)
{
	struct tp_fix *f;
	int got = 0;

	f = up();
	ASSERT_OK(stlmp_platform_fault_add(f->p, "flood:count=500"));
	while (ta_wait(f->a, SCMI_MSG_NOTIFICATION, SCMI_TLM_UPDATE, f->r,
		       sizeof(f->r), 300, NULL) > 0)
		got++;
	ASSERT_EQ(got, 500);
	/* commands are still answered */
	ASSERT_EQ(version(f, TO), 8);
	down(f);
}
