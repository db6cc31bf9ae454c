// SPDX-License-Identifier: MIT
/*
 * Copyright (c) 2026 The stlm authors
 *
 * The emulator engine, driven in-process through the codec: every command,
 * placement rules, value predictions with the manual clock, collection
 * modes, reset, boot-on, and the Linux checklist of protocol doc §11.
 */
#define STLM_TEST_GROUP "platform-engine"
#include "stlm-test.h"

#include <time.h>

#include "base.h"
#include "tagent.h"
#include "tplat.h"

#define TO 2000

static struct tp_fix *fix_up(bool per_group, bool manual)
{
	struct stlmp_opts o = { .seed = 7, .manual_clock = manual };
	struct tp_fix *f = tp_fix_new(tp_config(per_group), &o);

	tp_fix_agent(f);
	return f;
}

static void fix_down(struct tp_fix *f)
{
	tp_fix_stop(f);
}

static int tlm(struct tp_fix *f, uint8_t id, const void *req, size_t len)
{
	return ta_xfer(f->a, SCMI_PROTO_TELEMETRY, id, req, len, f->r,
		       sizeof(f->r), TO);
}

static int32_t st(struct tp_fix *f)
{
	return (int32_t)scmi_get_le32(f->r);
}

static struct scmi_tlm_de_configure_resp de_cfg(struct tp_fix *f, uint32_t id,
						uint8_t mode, bool group,
						int32_t want_status)
{
	struct scmi_tlm_de_configure_req q = { .id = id, .mode = mode,
					       .group = group };
	struct scmi_tlm_de_configure_resp resp = { 0 };
	uint8_t b[8];
	int n;

	ASSERT_EQ(scmi_tlm_de_configure_req_encode(&q, b, sizeof(b)), 8);
	n = tlm(f, SCMI_TLM_DE_CONFIGURE, b, 8);
	ASSERT_CMP(n, >=, 4);
	ASSERT_EQ(st(f), want_status);
	if (want_status == 0)
		ASSERT_OK(scmi_tlm_de_configure_resp_decode(f->r, (size_t)n, &resp));
	return resp;
}

static void coll_set(struct tp_fix *f, bool enable, uint8_t mode, uint8_t sel,
		     uint32_t grp, struct scmi_tlm_interval iv, int32_t want)
{
	struct scmi_tlm_config_set_req q = { .group_id = grp, .enable = enable,
					     .mode = mode, .selector = sel,
					     .interval = iv };
	uint8_t b[12];

	ASSERT_EQ(scmi_tlm_config_set_req_encode(&q, b, sizeof(b)), 12);
	ASSERT_CMP(tlm(f, SCMI_TLM_CONFIG_SET, b, 12), >=, 4);
	ASSERT_EQ(st(f), want);
}

static const uint8_t *shmti_area(struct tp_fix *f, uint32_t s, uint32_t *ret_len)
{
	struct scmi_tlm_shmti_desc d[4];
	struct scmi_list_hdr h;
	uint8_t b[4];
	int n;

	scmi_u32_req_encode(0, b, sizeof(b));
	n = tlm(f, SCMI_TLM_LIST_SHMTI, b, 4);
	ASSERT_EQ(scmi_tlm_list_shmti_resp_decode(f->r, (size_t)n, &h, d, 4), 2);
	ASSERT_CMP(s, <, 2);
	ASSERT_CMP(d[s].addr + d[s].length, <=, f->mem_size);
	*ret_len = d[s].length;
	return f->mem + d[s].addr;
}

STLM_TEST(base_discovery)
{
	struct tp_fix *f;
	struct scmi_base_attrs ba;
	uint8_t ids[8], b[4];
	char name[16];
	uint32_t v;
	int n;

	f = fix_up(false, true);
	n = ta_xfer(f->a, SCMI_PROTO_BASE, SCMI_BASE_PROTOCOL_VERSION, NULL, 0,
		    f->r, sizeof(f->r), TO);
	ASSERT_OK(scmi_u32_resp_decode(f->r, (size_t)n, &v));
	ASSERT_EQ(v, 0x20000);
	n = ta_xfer(f->a, SCMI_PROTO_BASE, SCMI_BASE_PROTOCOL_ATTRIBUTES, NULL, 0,
		    f->r, sizeof(f->r), TO);
	ASSERT_OK(scmi_base_attrs_resp_decode(f->r, (size_t)n, &ba));
	n = ta_xfer(f->a, SCMI_PROTO_BASE, SCMI_BASE_DISCOVER_VENDOR, NULL, 0,
		    f->r, sizeof(f->r), TO);
	ASSERT_OK(scmi_base_name_resp_decode(f->r, (size_t)n, name));
	ASSERT_STREQ(name, "stlm-test");
	n = ta_xfer(f->a, SCMI_PROTO_BASE, SCMI_BASE_DISCOVER_SUB_VENDOR, NULL, 0,
		    f->r, sizeof(f->r), TO);
	ASSERT_OK(scmi_base_name_resp_decode(f->r, (size_t)n, name));
	ASSERT_STREQ(name, "emulator");
	n = ta_xfer(f->a, SCMI_PROTO_BASE,
		    SCMI_BASE_DISCOVER_IMPLEMENTATION_VERSION, NULL, 0, f->r,
		    sizeof(f->r), TO);
	ASSERT_OK(scmi_u32_resp_decode(f->r, (size_t)n, &v));
	ASSERT_EQ(v, 0x00010203);
	/* §11 item 16: attributes[7:0] == number of listed protocols, and the
	 * list reply is exactly 4 + 4 * ceil(N / 4) bytes after the status. */
	scmi_u32_req_encode(0, b, 4);
	n = ta_xfer(f->a, SCMI_PROTO_BASE, SCMI_BASE_DISCOVER_LIST_PROTOCOLS, b, 4,
		    f->r, sizeof(f->r), TO);
	ASSERT_EQ(n, 4 + 4 + 4);
	ASSERT_EQ(scmi_base_list_protocols_resp_decode(f->r, (size_t)n, ids, 8), 1);
	ASSERT_EQ(ids[0], SCMI_PROTO_TELEMETRY);
	ASSERT_EQ(ba.num_protocols, 1);
	{
		struct scmi_base_agent ag;

		scmi_u32_req_encode(SCMI_BASE_AGENT_SELF, b, 4);
		n = ta_xfer(f->a, SCMI_PROTO_BASE, SCMI_BASE_DISCOVER_AGENT, b, 4,
			    f->r, sizeof(f->r), TO);
		ASSERT_OK(scmi_base_agent_resp_decode(f->r, (size_t)n, &ag));
		ASSERT_EQ(ag.agent_id, 1);
		ASSERT_STREQ(ag.name, "agent-1");
		scmi_u32_req_encode(0, b, 4);
		n = ta_xfer(f->a, SCMI_PROTO_BASE, SCMI_BASE_DISCOVER_AGENT, b, 4,
			    f->r, sizeof(f->r), TO);
		ASSERT_OK(scmi_base_agent_resp_decode(f->r, (size_t)n, &ag));
		ASSERT_EQ(ag.agent_id, 0);
		scmi_u32_req_encode(9, b, 4);
		ta_xfer(f->a, SCMI_PROTO_BASE, SCMI_BASE_DISCOVER_AGENT, b, 4, f->r,
			sizeof(f->r), TO);
		ASSERT_EQ(st(f), SCMI_NOT_FOUND);
	}
	fix_down(f);
}

STLM_TEST(protocol_attributes_and_version)
{
	struct tp_fix *f;
	struct scmi_tlm_attrs a;
	uint32_t v;
	uint8_t b[4];
	int n;

	f = fix_up(true, true);
	n = tlm(f, SCMI_TLM_PROTOCOL_VERSION, NULL, 0);
	ASSERT_OK(scmi_u32_resp_decode(f->r, (size_t)n, &v));
	ASSERT_EQ(v, 0x10000);
	n = tlm(f, SCMI_TLM_PROTOCOL_ATTRIBUTES, NULL, 0);
	/* §11 items 2 and 20: the full 32-byte body */
	ASSERT_EQ(n, 36);
	ASSERT_OK(scmi_tlm_attrs_resp_decode(f->r, (size_t)n, &a));
	ASSERT_EQ(a.de_num, TP_N_DES);
	ASSERT_EQ(a.groups_num, 2);
	ASSERT_EQ(a.num_shmti, 2);
	ASSERT_TRUE(a.single_sample && a.notifications && a.reset &&
		    a.per_group && a.fastchannels);
	ASSERT_EQ(a.default_blk_ts_rate, 1000);
	/* UUID dwords (§4.2 convention) */
	ASSERT_EQ(scmi_get_le32(f->r + 12), 0x00112233);
	ASSERT_EQ(scmi_get_le32(f->r + 24), 0xCCDDEEFF);
	/* message attributes and negotiation */
	scmi_u32_req_encode(SCMI_TLM_DE_CONFIGURE, b, 4);
	tlm(f, SCMI_TLM_PROTOCOL_MESSAGE_ATTRIBUTES, b, 4);
	ASSERT_EQ(st(f), 0);
	scmi_u32_req_encode(0xB, b, 4);
	tlm(f, SCMI_TLM_PROTOCOL_MESSAGE_ATTRIBUTES, b, 4);
	ASSERT_EQ(st(f), SCMI_NOT_FOUND);
	scmi_u32_req_encode(0x10000, b, 4);
	ASSERT_EQ(tlm(f, SCMI_TLM_NEGOTIATE_PROTOCOL_VERSION, b, 4), 4);
	ASSERT_EQ(st(f), 0);
	scmi_u32_req_encode(0x20000, b, 4);
	tlm(f, SCMI_TLM_NEGOTIATE_PROTOCOL_VERSION, b, 4);
	ASSERT_EQ(st(f), SCMI_NOT_SUPPORTED);
	fix_down(f);
}

STLM_TEST(de_description_pages_honour_max_msg)
{
	struct tp_fix *f;
	struct scmi_tlm_de_desc d[16];
	uint32_t index = 0, total = 0;
	uint8_t b[4];

	f = fix_up(false, true);
	for (int pages = 0; pages < 100; pages++) {
		struct scmi_list_hdr h;
		int n, k;

		scmi_u32_req_encode(index, b, 4);
		n = tlm(f, SCMI_TLM_DE_DESCRIPTION, b, 4);
		/* status + at most 96 bytes of return values (§2.8) */
		ASSERT_CMP(n, <=, 4 + 96);
		k = scmi_tlm_de_description_resp_decode(f->r, (size_t)n, &h, d, 16);
		ASSERT_CMP(k, >, 0);
		ASSERT_EQ(index + h.returned + h.remaining, TP_N_DES);
		for (int i = 0; i < k; i++) {
			const struct scmi_tlm_de_desc *want =
				&f->cfg->des[index + (uint32_t)i].desc;

			ASSERT_EQ(d[i].id, want->id);
			ASSERT_EQ(d[i].group_id, want->group_id);
			ASSERT_EQ(d[i].ts_support, want->ts_support);
			ASSERT_EQ(d[i].has_fc, want->has_fc);
			ASSERT_EQ(d[i].has_name, want->has_name);
			if (want->has_name)
				ASSERT_STREQ(d[i].name, want->name);
			if (want->ts_support == SCMI_TLM_TS_LINE)
				ASSERT_EQ(d[i].line_ts_rate, want->line_ts_rate);
			if (d[i].has_fc) {
				/* §11 item 12 and 21: >= 16 bytes, mappable */
				ASSERT_CMP(d[i].fc_size, >=, 16);
				ASSERT_CMP(d[i].fc_addr + d[i].fc_size, <=,
					   f->mem_size);
			}
		}
		index += (uint32_t)k;
		total += (uint32_t)k;
		if (!h.remaining)
			break;
	}
	ASSERT_EQ(total, TP_N_DES);
	/* past the end */
	scmi_u32_req_encode(TP_N_DES, b, 4);
	tlm(f, SCMI_TLM_DE_DESCRIPTION, b, 4);
	ASSERT_EQ(st(f), SCMI_OUT_OF_RANGE);
	fix_down(f);
}

STLM_TEST(list_shmti_and_signatures)
{
	struct tp_fix *f;
	struct scmi_tlm_shmti_desc d[4];
	struct scmi_list_hdr h;
	uint8_t b[4];
	int n;

	f = fix_up(false, true);
	scmi_u32_req_encode(0, b, 4);
	n = tlm(f, SCMI_TLM_LIST_SHMTI, b, 4);
	ASSERT_EQ(scmi_tlm_list_shmti_resp_decode(f->r, (size_t)n, &h, d, 4), 2);
	for (uint32_t i = 0; i < 2; i++) {
		/* §11 item 3 */
		ASSERT_EQ(d[i].id, i);
		ASSERT_EQ(d[i].addr % 8, 0);
		ASSERT_CMP(d[i].length, >=, 24);
		ASSERT_OK(tdcf_area_check(f->mem + d[i].addr, d[i].length));
	}
	scmi_u32_req_encode(2, b, 4);
	tlm(f, SCMI_TLM_LIST_SHMTI, b, 4);
	ASSERT_EQ(st(f), SCMI_OUT_OF_RANGE);
	fix_down(f);
}

STLM_TEST(intervals_and_config_get)
{
	struct tp_fix *f;
	struct scmi_tlm_intervals_req q = { .index = 0,
					    .group_id = SCMI_TLM_GROUP_NONE,
					    .selector = SCMI_TLM_SEL_ALL };
	struct scmi_tlm_intervals_page pg;
	struct scmi_tlm_interval iv[8];
	struct scmi_tlm_config_get_req g = { .group_id = SCMI_TLM_GROUP_NONE,
					     .selector = 0 };
	struct scmi_tlm_config_get_resp cr;
	uint8_t b[12];
	int n;

	f = fix_up(false, true);
	scmi_tlm_intervals_req_encode(&q, b, sizeof(b));
	n = tlm(f, SCMI_TLM_LIST_UPDATE_INTERVALS, b, 12);
	ASSERT_EQ(scmi_tlm_intervals_resp_decode(f->r, (size_t)n, &pg, iv, 8), 4);
	ASSERT_FALSE(pg.range);
	ASSERT_EQ(iv[1].secs, 10);
	ASSERT_EQ(iv[1].exp, -3);
	/* selector 1 without per-group support */
	q.selector = SCMI_TLM_SEL_GROUP;
	q.group_id = 0;
	scmi_tlm_intervals_req_encode(&q, b, sizeof(b));
	tlm(f, SCMI_TLM_LIST_UPDATE_INTERVALS, b, 12);
	ASSERT_EQ(st(f), SCMI_NOT_SUPPORTED);
	/* §11 item 5: CONFIG_GET group 0xFFFFFFFF selector 0 */
	scmi_tlm_config_get_req_encode(&g, b, sizeof(b));
	n = tlm(f, SCMI_TLM_CONFIG_GET, b, 8);
	ASSERT_OK(scmi_tlm_config_get_resp_decode(f->r, (size_t)n, &cr));
	ASSERT_FALSE(cr.enable);
	ASSERT_EQ(cr.interval.secs, 100);
	/* §11 item 6: empty enabled list is SUCCESS with no entries */
	{
		struct scmi_tlm_enabled_req e = { 0 };
		struct scmi_tlm_enabled_entry ent[2];
		struct scmi_list_hdr h;

		scmi_tlm_enabled_req_encode(&e, b, sizeof(b));
		n = tlm(f, SCMI_TLM_DE_ENABLED_LIST, b, 8);
		ASSERT_EQ(scmi_tlm_enabled_resp_decode(f->r, (size_t)n, &h, ent, 2),
			  0);
		ASSERT_EQ(h.remaining, 0);
	}
	fix_down(f);
}

STLM_TEST(de_configure_places_lines_before_reply)
{
	struct tp_fix *f;
	struct scmi_tlm_de_configure_resp r;
	struct tdcf_line l = { 0 };
	uint32_t len;
	const uint8_t *a0;

	f = fix_up(false, true);
	a0 = shmti_area(f, 0, &len);

	r = de_cfg(f, TP_CONST, SCMI_TLM_DE_ENABLE, false, 0);
	ASSERT_EQ(r.shmti_id, 0);
	ASSERT_CMP(r.de_offset + 24, <, len); /* §11 item 19 */
	ASSERT_EQ(r.blk_ts_offset, 0);
	/* the line is there, with its value, at the reported offset */
	ASSERT_EQ(tp_find_line(a0, len, TP_CONST, &l, false), (int)r.de_offset);
	ASSERT_EQ(l.data, 1234);
	ASSERT_EQ(l.meta, 0);

	/* line timestamps: a 24-byte line, EXT|TS_VALID */
	r = de_cfg(f, TP_COUNTER, SCMI_TLM_DE_ENABLE_TS, false, 0);
	ASSERT_EQ(tp_find_line(a0, len, TP_COUNTER, &l, false), (int)r.de_offset);
	ASSERT_EQ(l.meta, TDCF_META_LINE_EXT | TDCF_META_TS_VALID);

	/* block timestamps: USE_BLK_TS|TS_VALID and the BLK_TS offset */
	r = de_cfg(f, TP_BLK, SCMI_TLM_DE_ENABLE_TS, false, 0);
	ASSERT_EQ(r.blk_ts_offset, 0x10);
	ASSERT_CMP(r.blk_ts_offset, <, r.de_offset);
	ASSERT_EQ(tp_find_line(a0, len, TP_BLK, &l, false), (int)r.de_offset);
	ASSERT_EQ(l.meta, TDCF_META_USE_BLK_TS | TDCF_META_TS_VALID);
	{
		struct tdcf_line blk;

		ASSERT_EQ(tdcf_line_parse(a0 + 0x10, 16, &blk), 16);
		ASSERT_EQ(blk.type, TDCF_LINE_BLK_TS);
		ASSERT_EQ(blk.meta, 0x10); /* §11 item 22: rate 0 */
		ASSERT_EQ(blk.id, 0);
	}

	/* FastChannel DEs: shmti_id must be 0xFFFFFFFF (§8) */
	r = de_cfg(f, TP_FC, SCMI_TLM_DE_ENABLE, false, 0);
	ASSERT_EQ(r.shmti_id, SCMI_TLM_SHMTI_NONE);
	/* notification-only DEs too */
	r = de_cfg(f, TP_MSG, SCMI_TLM_DE_ENABLE, false, 0);
	ASSERT_EQ(r.shmti_id, SCMI_TLM_SHMTI_NONE);

	/* disable: DATA_INVALID hole, shmti NONE */
	{
		struct scmi_tlm_de_configure_resp d0 =
			de_cfg(f, TP_CONST, SCMI_TLM_DE_DISABLE, false, 0);
		int hole;

		ASSERT_EQ(d0.shmti_id, SCMI_TLM_SHMTI_NONE);
		hole = tp_find_line(a0, len, TP_CONST, &l, true);
		ASSERT_CMP(hole, >, 0);
		ASSERT_TRUE(l.invalid);
		/* an equally sized DE reuses the hole */
		r = de_cfg(f, TP_PLAIN, SCMI_TLM_DE_ENABLE, false, 0);
		ASSERT_EQ((int)r.de_offset, hole);
	}
	fix_down(f);
}

STLM_TEST(timestamp_toggle_relocation)
{
	struct tp_fix *f;
	struct scmi_tlm_de_configure_resp r1, r2, r3;
	struct tdcf_line l = { 0 };
	uint32_t len;
	const uint8_t *a0;

	f = fix_up(false, true);
	a0 = shmti_area(f, 0, &len);
	r1 = de_cfg(f, TP_COUNTER, SCMI_TLM_DE_ENABLE, false, 0);
	de_cfg(f, TP_CONST, SCMI_TLM_DE_ENABLE, false, 0);
	/* switching line timestamps on moves only this DE to a 24-byte line */
	r2 = de_cfg(f, TP_COUNTER, SCMI_TLM_DE_ENABLE_TS, false, 0);
	ASSERT_NE(r2.de_offset, r1.de_offset);
	ASSERT_EQ(tp_find_line(a0, len, TP_COUNTER, &l, false), (int)r2.de_offset);
	ASSERT_TRUE(l.ext && l.ts_valid);
	ASSERT_EQ(tp_find_line(a0, len, TP_COUNTER, &l, true), (int)r1.de_offset);
	/* and off again: stays in place, extension kept, TS_VALID cleared */
	r3 = de_cfg(f, TP_COUNTER, SCMI_TLM_DE_ENABLE, false, 0);
	ASSERT_EQ(r3.de_offset, r2.de_offset);
	ASSERT_EQ(tp_find_line(a0, len, TP_COUNTER, &l, false), (int)r3.de_offset);
	ASSERT_EQ(l.meta, TDCF_META_LINE_EXT);
	fix_down(f);
}

STLM_TEST(values_follow_generators_and_sequences_move)
{
	struct tp_fix *f;
	struct scmi_tlm_de_configure_resp r, rc;
	struct tdcf_line l = { 0 };
	uint32_t len, prev;
	const uint8_t *a0;
	uint64_t want;

	f = fix_up(false, true);
	a0 = shmti_area(f, 0, &len);
	r = de_cfg(f, TP_COUNTER, SCMI_TLM_DE_ENABLE_TS, false, 0);
	rc = de_cfg(f, TP_CONST, SCMI_TLM_DE_ENABLE, false, 0);
	coll_set(f, true, SCMI_TLM_MODE_ON_DEMAND, SCMI_TLM_SEL_ALL,
		 SCMI_TLM_GROUP_NONE, (struct scmi_tlm_interval){ 10, -3 }, 0);
	prev = tdcf_read_begin(a0);
	for (uint64_t k = 1; k <= 20; k++) {
		uint32_t s;

		stlmp_platform_advance(f->p, 10000000); /* one interval */
		s = tdcf_read_begin(a0);
		/* §11 item 9: every data update moves the sequence, even and
		 * equal once done */
		ASSERT_NE(s, prev);
		ASSERT_EQ(s & 1, 0);
		ASSERT_EQ(tdcf_read_end(a0, len), s);
		prev = s;
		ASSERT_EQ(tp_find_line(a0, len, TP_COUNTER, &l, false),
			  (int)r.de_offset);
		ASSERT_OK(stlmp_platform_predict(f->p, TP_COUNTER, k * 10000000ull,
						 k, &want));
		ASSERT_U64_EQ(l.data, want);
		/* line timestamp: 2000 kHz clock */
		ASSERT_U64_EQ(l.ts, k * 10000000ull * 2000 / 1000000);
		ASSERT_EQ(tp_find_line(a0, len, TP_CONST, &l, false), (int)rc.de_offset);
		ASSERT_EQ(l.data, 1234);
	}
	/* the counter generator really counts: 1000/s over 200 ms */
	ASSERT_OK(stlmp_platform_predict(f->p, TP_COUNTER, 200000000ull, 20, &want));
	ASSERT_EQ(want, 200);
	/* disabling collection stops updates, keeps configuration */
	coll_set(f, false, 0, SCMI_TLM_SEL_ALL, SCMI_TLM_GROUP_NONE,
		 (struct scmi_tlm_interval){ 10, -3 }, 0);
	prev = tdcf_read_begin(a0);
	stlmp_platform_advance(f->p, 100000000);
	ASSERT_EQ(tdcf_read_begin(a0), prev);
	ASSERT_CMP(tp_find_line(a0, len, TP_COUNTER, NULL, false), >, 0);
	fix_down(f);
}

STLM_TEST(fastchannel_values)
{
	struct tp_fix *f;
	struct scmi_tlm_de_desc d[8];
	struct scmi_list_hdr h;
	uint64_t addr = 0;
	uint8_t b[4];

	f = fix_up(false, true);
	for (uint32_t idx = 0; idx < TP_N_DES;) {
		int k, n;

		scmi_u32_req_encode(idx, b, 4);
		n = tlm(f, SCMI_TLM_DE_DESCRIPTION, b, 4);
		k = scmi_tlm_de_description_resp_decode(f->r, (size_t)n, &h, d, 8);
		ASSERT_CMP(k, >, 0);
		for (int i = 0; i < k; i++)
			if (d[i].id == TP_FC)
				addr = d[i].fc_addr;
		idx += (uint32_t)k;
	}
	ASSERT_NE(addr, 0);
	de_cfg(f, TP_FC, SCMI_TLM_DE_ENABLE_TS, false, 0);
	coll_set(f, true, 0, SCMI_TLM_SEL_ALL, SCMI_TLM_GROUP_NONE,
		 (struct scmi_tlm_interval){ 1, -3 }, 0);
	stlmp_platform_advance(f->p, 5000000);
	ASSERT_U64_EQ(scmi_get_le64(f->mem + addr), 0xABCDEF0123ull);
	/* ts at 1000 kHz after 5 ms = 5000 ticks */
	ASSERT_U64_EQ(scmi_get_le64(f->mem + addr + 8), 5000);
	fix_down(f);
}

STLM_TEST(groups_enable_together)
{
	struct tp_fix *f;
	struct scmi_tlm_de_configure_resp r;
	struct tdcf_line l = { 0 };
	uint32_t len;
	const uint8_t *a1;
	uint8_t b[8];
	int n;

	f = fix_up(true, true);
	a1 = shmti_area(f, 1, &len);
	r = de_cfg(f, 1, SCMI_TLM_DE_ENABLE, true, 0);
	ASSERT_EQ(r.shmti_id, 1);
	/* every member line in place before the reply, lowest offset reported */
	ASSERT_EQ(tp_find_line(a1, len, TP_G1A, &l, false), (int)r.de_offset);
	ASSERT_CMP(tp_find_line(a1, len, TP_G1B, &l, false), >, (int)r.de_offset);
	/* a member enabled through its group cannot be disabled alone */
	de_cfg(f, TP_G1A, SCMI_TLM_DE_DISABLE, false, SCMI_IN_USE);
	/* enabled list of groups */
	{
		struct scmi_tlm_enabled_req e = { .groups = true };
		struct scmi_tlm_enabled_entry ent[4];
		struct scmi_list_hdr h;

		scmi_tlm_enabled_req_encode(&e, b, sizeof(b));
		n = tlm(f, SCMI_TLM_DE_ENABLED_LIST, b, 8);
		ASSERT_EQ(scmi_tlm_enabled_resp_decode(f->r, (size_t)n, &h, ent, 4), 1);
		ASSERT_EQ(ent[0].id, 1);
		ASSERT_EQ(ent[0].mode, 1);
	}
	/* per-group collection: group 1 at 1 ms, the rest off */
	coll_set(f, true, 0, SCMI_TLM_SEL_GROUP, 1,
		 (struct scmi_tlm_interval){ 1, -3 }, 0);
	{
		struct scmi_tlm_config_get_req g = { .group_id = 1,
						     .selector = 1 };
		struct scmi_tlm_config_get_resp cr;

		scmi_tlm_config_get_req_encode(&g, b, sizeof(b));
		n = tlm(f, SCMI_TLM_CONFIG_GET, b, 8);
		ASSERT_OK(scmi_tlm_config_get_resp_decode(f->r, (size_t)n, &cr));
		ASSERT_TRUE(cr.enable);
		ASSERT_EQ(cr.interval.secs, 1);
		g.selector = 0;
		g.group_id = SCMI_TLM_GROUP_NONE;
		scmi_tlm_config_get_req_encode(&g, b, sizeof(b));
		n = tlm(f, SCMI_TLM_CONFIG_GET, b, 8);
		ASSERT_OK(scmi_tlm_config_get_resp_decode(f->r, (size_t)n, &cr));
		ASSERT_FALSE(cr.enable);
	}
	/* group disable */
	r = de_cfg(f, 1, SCMI_TLM_DE_DISABLE, true, 0);
	ASSERT_EQ(tp_find_line(a1, len, TP_G1A, &l, false), -ENOENT);
	fix_down(f);
}

STLM_TEST(single_sample_delayed_response)
{
	struct tp_fix *f;
	struct scmi_tlm_reading_complete rc;
	struct tdcf_line l = { 0 };
	uint16_t tok = 0;
	size_t off = 0;
	int n, lines = 0;

	f = fix_up(false, true);
	de_cfg(f, TP_MSG, SCMI_TLM_DE_ENABLE_TS, false, 0);
	de_cfg(f, TP_CONST, SCMI_TLM_DE_ENABLE, false, 0);
	coll_set(f, true, 0, SCMI_TLM_SEL_ALL, SCMI_TLM_GROUP_NONE,
		 (struct scmi_tlm_interval){ 100, -3 }, 0);
	/* §11 item 10 */
	coll_set(f, true, SCMI_TLM_MODE_SINGLE, SCMI_TLM_SEL_ALL,
		 SCMI_TLM_GROUP_NONE, (struct scmi_tlm_interval){ 0, 0 }, 0);
	n = ta_wait(f->a, SCMI_MSG_DELAYED_RESP, SCMI_TLM_READING_COMPLETE, f->r,
		    sizeof(f->r), TO, &tok);
	ASSERT_CMP(n, >, 0);
	ASSERT_EQ(tok, ta_last_token(f->a));
	ASSERT_OK(scmi_tlm_reading_complete_decode(f->r, (size_t)n, &rc));
	ASSERT_EQ(rc.status_errno, 0);
	/* only the DE not reachable through SHMTI or FC, as a data line with
	 * a line timestamp (§11 item 23) */
	while (tdcf_msg_line_next(rc.lines.lines, rc.lines.num_dwords * 4u, &off,
				  &l) == 1) {
		ASSERT_EQ(l.id, TP_MSG);
		ASSERT_EQ(l.data, 42);
		ASSERT_TRUE(l.ext && l.ts_valid);
		lines++;
	}
	ASSERT_EQ(lines, 1);
	/* §11 item 27: the collection state is kept */
	{
		struct scmi_tlm_config_get_req g = { .group_id = SCMI_TLM_GROUP_NONE };
		struct scmi_tlm_config_get_resp cr;
		uint8_t b[8];

		scmi_tlm_config_get_req_encode(&g, b, sizeof(b));
		n = tlm(f, SCMI_TLM_CONFIG_GET, b, 8);
		ASSERT_OK(scmi_tlm_config_get_resp_decode(f->r, (size_t)n, &cr));
		ASSERT_TRUE(cr.enable);
		ASSERT_EQ(cr.mode, 0);
	}
	fix_down(f);
}

STLM_TEST(notifications_every_interval)
{
	struct tp_fix *f;
	struct scmi_tlm_update u;
	struct tdcf_line l = { 0 };
	int n, got = 0;

	f = fix_up(false, true);
	de_cfg(f, TP_CONST, SCMI_TLM_DE_ENABLE, false, 0);
	de_cfg(f, TP_MSG, SCMI_TLM_DE_ENABLE, false, 0);
	coll_set(f, true, SCMI_TLM_MODE_NOTIFY, SCMI_TLM_SEL_ALL,
		 SCMI_TLM_GROUP_NONE, (struct scmi_tlm_interval){ 10, -3 }, 0);
	stlmp_platform_advance(f->p, 30000000);
	for (;;) {
		size_t off = 0;

		n = ta_wait(f->a, SCMI_MSG_NOTIFICATION, SCMI_TLM_UPDATE, f->r,
			    sizeof(f->r), 500, NULL);
		if (n < 0)
			break;
		ASSERT_OK(scmi_tlm_update_decode(f->r, (size_t)n, &u));
		ASSERT_EQ(u.status_errno, 0);
		ASSERT_EQ(u.agent_id, 1);
		while (tdcf_msg_line_next(u.lines.lines, u.lines.num_dwords * 4u,
					  &off, &l) == 1)
			ASSERT_TRUE(l.id == TP_CONST || l.id == TP_MSG);
		got++;
	}
	ASSERT_EQ(got, 3);
	/* mode 0: no more notifications (§11 item 11) */
	coll_set(f, true, 0, SCMI_TLM_SEL_ALL, SCMI_TLM_GROUP_NONE,
		 (struct scmi_tlm_interval){ 10, -3 }, 0);
	stlmp_platform_advance(f->p, 30000000);
	ASSERT_EQ(ta_wait(f->a, SCMI_MSG_NOTIFICATION, SCMI_TLM_UPDATE, f->r,
			  sizeof(f->r), 100, NULL),
		  -ETIMEDOUT);
	fix_down(f);
}

STLM_TEST(reset_clears_everything)
{
	struct tp_fix *f;
	struct scmi_tlm_config_get_req g = { .group_id = SCMI_TLM_GROUP_NONE };
	struct scmi_tlm_config_get_resp cr;
	struct tdcf_hdr hdr;
	uint32_t len;
	const uint8_t *a0;
	uint8_t b[8];
	int n;

	f = fix_up(false, true);
	a0 = shmti_area(f, 0, &len);
	de_cfg(f, TP_CONST, SCMI_TLM_DE_ENABLE, false, 0);
	coll_set(f, true, 0, SCMI_TLM_SEL_ALL, SCMI_TLM_GROUP_NONE,
		 (struct scmi_tlm_interval){ 10, -3 }, 0);
	ASSERT_OK(scmi_tlm_reset_req_encode(b, sizeof(b)));
	ASSERT_EQ(tlm(f, SCMI_TLM_RESET, b, 4), 4);
	ASSERT_EQ(st(f), 0);
	/* §11 item 25 */
	scmi_tlm_config_get_req_encode(&g, b, sizeof(b));
	n = tlm(f, SCMI_TLM_CONFIG_GET, b, 8);
	ASSERT_OK(scmi_tlm_config_get_resp_decode(f->r, (size_t)n, &cr));
	ASSERT_FALSE(cr.enable);
	ASSERT_EQ(cr.interval.secs, 100);
	ASSERT_EQ(tp_find_line(a0, len, TP_CONST, NULL, false), -ENOENT);
	ASSERT_OK(tdcf_hdr_read(a0, len, &hdr));
	ASSERT_EQ(hdr.num_qwords, 2); /* only the BLK_TS line */
	/* reserved flags */
	scmi_put_le32(b, 1);
	tlm(f, SCMI_TLM_RESET, b, 4);
	ASSERT_EQ(st(f), SCMI_INVALID_PARAMETERS);
	fix_down(f);
}

STLM_TEST(error_statuses)
{
	struct tp_fix *f;
	uint8_t b[16];

	f = fix_up(false, true);
	/* unknown DE */
	de_cfg(f, 0xDEAD, SCMI_TLM_DE_ENABLE, false, SCMI_INVALID_PARAMETERS);
	/* unknown group */
	de_cfg(f, 7, SCMI_TLM_DE_ENABLE, true, SCMI_INVALID_PARAMETERS);
	/* reserved bits in DE_CONFIGURE flags */
	scmi_put_le32(b, TP_CONST);
	scmi_put_le32(b + 4, 0x101);
	tlm(f, SCMI_TLM_DE_CONFIGURE, b, 8);
	ASSERT_EQ(st(f), SCMI_INVALID_PARAMETERS);
	/* mode 3 */
	scmi_put_le32(b + 4, 3);
	tlm(f, SCMI_TLM_DE_CONFIGURE, b, 8);
	ASSERT_EQ(st(f), SCMI_INVALID_PARAMETERS);
	/* truncated request */
	tlm(f, SCMI_TLM_DE_CONFIGURE, b, 6);
	ASSERT_EQ(st(f), SCMI_PROTOCOL_ERROR);
	/* unknown message ids (§11 item 13) */
	tlm(f, 0xC, NULL, 0);
	ASSERT_EQ(st(f), SCMI_NOT_SUPPORTED);
	ta_xfer(f->a, 0x15, 0, NULL, 0, f->r, sizeof(f->r), TO);
	ASSERT_EQ(st(f), SCMI_NOT_SUPPORTED);
	/* an interval not in the list */
	coll_set(f, true, 0, SCMI_TLM_SEL_ALL, SCMI_TLM_GROUP_NONE,
		 (struct scmi_tlm_interval){ 7, -3 }, SCMI_OUT_OF_RANGE);
	/* per-group selector without per-group support */
	coll_set(f, true, 0, SCMI_TLM_SEL_ORPHANS, SCMI_TLM_GROUP_NONE,
		 (struct scmi_tlm_interval){ 10, -3 }, SCMI_INVALID_PARAMETERS);
	/* reserved control bits in CONFIG_SET */
	scmi_put_le32(b, SCMI_TLM_GROUP_NONE);
	scmi_put_le32(b + 4, 1u | (2u << 5) | (1u << 12));
	scmi_put_le32(b + 8, 0x15D);
	tlm(f, SCMI_TLM_CONFIG_SET, b, 12);
	ASSERT_EQ(st(f), SCMI_INVALID_PARAMETERS);
	/* out-of-range list index */
	{
		struct scmi_tlm_enabled_req e = { .index = 3 };

		scmi_tlm_enabled_req_encode(&e, b, sizeof(b));
		tlm(f, SCMI_TLM_DE_ENABLED_LIST, b, 8);
		ASSERT_EQ(st(f), SCMI_OUT_OF_RANGE);
	}
	/* a command too large for the channel */
	{
		uint8_t big[200] = { 0 };

		tlm(f, SCMI_TLM_PROTOCOL_VERSION, big, sizeof(big));
		ASSERT_EQ(st(f), SCMI_PROTOCOL_ERROR);
	}
	/* non-command messages are not answered */
	{
		struct scmi_hdr h = { .id = 0, .type = SCMI_MSG_NOTIFICATION,
				      .proto = SCMI_PROTO_TELEMETRY };

		scmi_put_le32(b, scmi_hdr_pack(&h));
		ASSERT_EQ(ta_send_raw(f->a, b, 4), -EPROTO);
		ASSERT_EQ(ta_send_raw(f->a, b, 3), -EBADMSG);
	}
	fix_down(f);
}

STLM_TEST(one_agent_at_a_time)
{
	struct tp_fix *f;
	struct ta_agent *second = NULL;
	struct stlmp_stats stats;

	f = fix_up(false, true);
	ASSERT_ERR(ta_new_inproc(f->p, &second), -EBUSY);
	stlmp_platform_stats(f->p, &stats);
	ASSERT_EQ(stats.agents_refused, 1);
	/* state survives the agent; the next one is served */
	de_cfg(f, TP_CONST, SCMI_TLM_DE_ENABLE, false, 0);
	ta_free(f->a);
	ASSERT_OK(ta_new_inproc(f->p, &f->a));
	{
		struct scmi_tlm_enabled_req e = { 0 };
		struct scmi_tlm_enabled_entry ent[4];
		struct scmi_list_hdr h;
		uint8_t b[8];
		int n;

		scmi_tlm_enabled_req_encode(&e, b, sizeof(b));
		n = tlm(f, SCMI_TLM_DE_ENABLED_LIST, b, 8);
		ASSERT_EQ(scmi_tlm_enabled_resp_decode(f->r, (size_t)n, &h, ent, 4), 1);
		ASSERT_EQ(ent[0].id, TP_CONST);
	}
	fix_down(f);
}

STLM_TEST(boot_on_telemetry)
{
	struct stlmp_config *c = tp_config(false);
	struct stlmp_opts o = { .manual_clock = true };
	struct stlmp_platform *p;
	struct ta_agent *a;
	uint8_t b[8], r[256];
	struct scmi_tlm_enabled_req e = { 0 };
	struct scmi_tlm_enabled_entry ent[4];
	struct scmi_list_hdr h;
	struct scmi_tlm_config_get_req g = { .group_id = SCMI_TLM_GROUP_NONE };
	struct scmi_tlm_config_get_resp cr;
	int n;

	c->boot_on = true;
	c->n_boot_des = 2;
	c->boot_des = calloc(2, sizeof(uint32_t));
	c->boot_des[0] = TP_CONST;
	c->boot_des[1] = TP_G1A;
	ASSERT_OK(stlmp_platform_new(c, &o, &p));
	ASSERT_OK(ta_new_inproc(p, &a));
	scmi_tlm_config_get_req_encode(&g, b, sizeof(b));
	n = ta_xfer(a, SCMI_PROTO_TELEMETRY, SCMI_TLM_CONFIG_GET, b, 8, r,
		    sizeof(r), TO);
	ASSERT_OK(scmi_tlm_config_get_resp_decode(r, (size_t)n, &cr));
	ASSERT_TRUE(cr.enable);
	/* §11 item 26 */
	scmi_tlm_enabled_req_encode(&e, b, sizeof(b));
	n = ta_xfer(a, SCMI_PROTO_TELEMETRY, SCMI_TLM_DE_ENABLED_LIST, b, 8, r,
		    sizeof(r), TO);
	ASSERT_EQ(scmi_tlm_enabled_resp_decode(r, (size_t)n, &h, ent, 4), 2);
	ASSERT_EQ(ent[0].id, TP_CONST);
	ASSERT_EQ(ent[1].id, TP_G1A);
	ta_free(a);
	stlmp_platform_free(p);
	stlmp_config_free(c);
}

STLM_TEST(real_clock_ticker)
{
	struct stlmp_config *c = tp_config(false);
	struct stlmp_opts o = { 0 };
	struct stlmp_platform *p;
	struct ta_agent *a;
	struct stlmp_stats s;
	uint8_t b[12], r[64];

	ASSERT_OK(stlmp_platform_new(c, &o, &p));
	ASSERT_OK(ta_new_inproc(p, &a));
	scmi_put_le32(b, TP_CONST);
	scmi_put_le32(b + 4, 1);
	ta_xfer(a, SCMI_PROTO_TELEMETRY, SCMI_TLM_DE_CONFIGURE, b, 8, r,
		sizeof(r), TO);
	scmi_put_le32(b, SCMI_TLM_GROUP_NONE);
	scmi_put_le32(b + 4, 1u | (2u << 5));
	scmi_put_le32(b + 8, 0x3D); /* 1 ms */
	ta_xfer(a, SCMI_PROTO_TELEMETRY, SCMI_TLM_CONFIG_SET, b, 12, r,
		sizeof(r), TO);
	ASSERT_EQ(scmi_get_le32(r), 0);
	/*
	 * The real clock drives updates by itself: 20 of them arrive (about
	 * 20 ms at 1 ms; up to 10 s allowed for a loaded machine, a count
	 * and not a rate), and never more than one per elapsed millisecond
	 * (plus a pass at start).
	 */
	struct timespec t0, t1;
	double ms;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (int i = 0; i < 1000; i++) {
		stlmp_platform_stats(p, &s);
		if (s.updates >= 20)
			break;
		usleep(10000);
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	stlmp_platform_stats(p, &s);
	ms = (double)(t1.tv_sec - t0.tv_sec) * 1e3 +
	     (double)(t1.tv_nsec - t0.tv_nsec) / 1e6;
	ASSERT_CMP(s.updates, >=, 20);
	ASSERT_CMP((double)s.updates, <=, ms + 50.0);
	ta_free(a);
	stlmp_platform_free(p);
	stlmp_config_free(c);
}

/*
 * Message-only lines that overflow one READING_COMPLETE: the platform sends
 * what fits with SUCCESS, never PARTIAL (the Linux driver turns PARTIAL
 * into an error and drops every line).
 */
STLM_TEST(single_sample_never_partial)
{
	struct stlmp_opts o = { .seed = 7, .manual_clock = true };
	struct stlmp_config *c = tp_config(false);
	struct scmi_tlm_reading_complete rc;
	struct tdcf_line l = { 0 };
	struct tp_fix *f;
	size_t off = 0;
	int n, lines = 0;

	c->max_msg_size = 68;
	c->des[0].shmti = STLMP_NO_SHMTI; /* TP_CONST */
	c->des[2].shmti = STLMP_NO_SHMTI; /* TP_BLK */
	c->des[7].shmti = STLMP_NO_SHMTI; /* TP_PLAIN */
	f = tp_fix_new(c, &o);
	tp_fix_agent(f);
	de_cfg(f, TP_MSG, SCMI_TLM_DE_ENABLE_TS, false, 0);
	de_cfg(f, TP_CONST, SCMI_TLM_DE_ENABLE, false, 0);
	de_cfg(f, TP_BLK, SCMI_TLM_DE_ENABLE, false, 0);
	de_cfg(f, TP_PLAIN, SCMI_TLM_DE_ENABLE, false, 0);
	coll_set(f, true, SCMI_TLM_MODE_SINGLE, SCMI_TLM_SEL_ALL,
		 SCMI_TLM_GROUP_NONE, (struct scmi_tlm_interval){ 0, 0 }, 0);
	n = ta_wait(f->a, SCMI_MSG_DELAYED_RESP, SCMI_TLM_READING_COMPLETE, f->r,
		    sizeof(f->r), TO, NULL);
	ASSERT_CMP(n, >, 0);
	ASSERT_CMP(n, <=, 68 - 4);
	ASSERT_OK(scmi_tlm_reading_complete_decode(f->r, (size_t)n, &rc));
	ASSERT_EQ(rc.status_errno, 0);
	ASSERT_FALSE(rc.partial);
	while (tdcf_msg_line_next(rc.lines.lines, rc.lines.num_dwords * 4u, &off,
				  &l) == 1)
		lines++;
	ASSERT_CMP(lines, >=, 2);
	ASSERT_CMP(lines, <, 4);
	fix_down(f);
}
