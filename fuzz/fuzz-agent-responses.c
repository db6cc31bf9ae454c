// SPDX-License-Identifier: MIT
/*
 * Copyright (c) 2026 The stlm authors
 *
 * Agent side: every response decoder of the Base and Telemetry protocols,
 * plus the header and the generic status / u32 replies.
 *
 * Input: byte 0 selects the decoder (bits [5:0], see enum below; values past
 * the end are ignored so the numbering, and the corpus, stay stable when a
 * decoder is added). Bit 7 of byte 0 makes the list decoders use a
 * 2-entry output array so the -E2BIG paths are reached. The rest of the
 * input is the response payload (int32 status first).
 *
 * Each successful decode is re-encoded, decoded again and compared with
 * the first result; a mismatch aborts.
 */
#include <stdbool.h>

#include "base.h"
#include "fuzz.h"
#include "scmi.h"
#include "telemetry.h"

enum {
	SEL_HDR,
	SEL_STATUS,
	SEL_U32,
	SEL_BASE_ATTRS,
	SEL_BASE_NAME,
	SEL_BASE_LIST_PROTOCOLS,
	SEL_BASE_AGENT,
	SEL_TLM_ATTRS,
	SEL_TLM_LIST_SHMTI,
	SEL_TLM_DE_DESCRIPTION,
	SEL_TLM_INTERVALS,
	SEL_TLM_DE_CONFIGURE,
	SEL_TLM_ENABLED,
	SEL_TLM_CONFIG_GET,
	SEL_MAX,
};

#define SMALL_CAP 2

/* Room for any page that fits FUZZ_MAX_MSG bytes. */
static uint8_t out[FUZZ_MAX_MSG + 64];
static uint8_t ids[FUZZ_MAX_MSG], ids2[FUZZ_MAX_MSG];
static struct scmi_tlm_shmti_desc shmti[FUZZ_MAX_MSG / 20],
	shmti2[FUZZ_MAX_MSG / 20];
static struct scmi_tlm_de_desc desc[FUZZ_MAX_MSG / 24],
	desc2[FUZZ_MAX_MSG / 24];
static struct scmi_tlm_interval iv[FUZZ_MAX_MSG / 4], iv2[FUZZ_MAX_MSG / 4];
static struct scmi_tlm_enabled_entry ent[FUZZ_MAX_MSG / 8],
	ent2[FUZZ_MAX_MSG / 8];

static void fuzz_list_hdr(const struct scmi_list_hdr *h)
{
	/* Pure check; any verdict is fine, it must just not misbehave. */
	(void)scmi_list_check(h, 0, 0);
	(void)scmi_list_check(h, h->returned, h->returned + h->remaining);
	(void)scmi_list_check(h, 1, 1);
}

static void fuzz_hdr(const uint8_t *p, size_t n)
{
	uint8_t w[4] = { 0 };
	struct scmi_hdr h;
	uint32_t word;

	memcpy(w, p, n < 4 ? n : 4);
	word = scmi_get_le32(w);
	if (scmi_hdr_unpack(word, &h) < 0)
		return;
	fuzz_check(scmi_hdr_pack(&h) == word);
	fuzz_check(h.type != 1 && h.token <= SCMI_TOKEN_MAX);
	if (h.proto == SCMI_PROTO_TELEMETRY)
		fuzz_check(scmi_tlm_msg_name(h.id) != NULL);
}

static void fuzz_status(const uint8_t *p, size_t n)
{
	int32_t status;
	int rc, e;

	rc = scmi_status_resp_decode(p, n);
	e = scmi_resp_status_errno(p, n);
	if (scmi_resp_status(p, n, &status) < 0) {
		fuzz_check(rc == -EBADMSG && e == -EBADMSG);
		return;
	}
	fuzz_check(e == scmi_status_to_errno(status));
	fuzz_check(scmi_status_name(status) != NULL);
	if (status != SCMI_SUCCESS)
		fuzz_check(rc == e);
	/* The codes -1..-11 map one to one (PARTIAL shares -EINVAL). */
	if (status <= SCMI_NOT_SUPPORTED && status >= SCMI_IN_USE)
		fuzz_check(scmi_errno_to_status(e) == status);
	if (rc == 0) {
		int len = scmi_status_resp_encode(status, out, sizeof(out));

		fuzz_check(len == 4);
		fuzz_check(scmi_status_resp_decode(out, (size_t)len) == 0);
	}
}

static void fuzz_u32(const uint8_t *p, size_t n)
{
	uint32_t v = 0, v2 = 0;
	int len;

	if (scmi_u32_resp_decode(p, n, &v) < 0)
		return;
	len = scmi_u32_resp_encode(v, out, sizeof(out));
	fuzz_check(len == 8);
	fuzz_check(scmi_u32_resp_decode(out, (size_t)len, &v2) == 0);
	fuzz_check(v == v2);
}

static void fuzz_base_attrs(const uint8_t *p, size_t n)
{
	struct scmi_base_attrs a, b;
	int len;

	memset(&a, 0, sizeof(a));
	memset(&b, 0, sizeof(b));
	if (scmi_base_attrs_resp_decode(p, n, &a) < 0)
		return;
	len = scmi_base_attrs_resp_encode(&a, out, sizeof(out));
	fuzz_check(len > 0);
	fuzz_check(scmi_base_attrs_resp_decode(out, (size_t)len, &b) == 0);
	fuzz_check(a.num_protocols == b.num_protocols &&
		   a.num_agents == b.num_agents);
}

static void fuzz_base_name(const uint8_t *p, size_t n)
{
	char a[SCMI_SHORT_NAME_LEN], b[SCMI_SHORT_NAME_LEN];
	int len;

	memset(a, 0, sizeof(a));
	memset(b, 0, sizeof(b));
	if (scmi_base_name_resp_decode(p, n, a) < 0)
		return;
	fuzz_check(memchr(a, '\0', sizeof(a)) != NULL);
	len = scmi_base_name_resp_encode(a, out, sizeof(out));
	fuzz_check(len > 0);
	fuzz_check(scmi_base_name_resp_decode(out, (size_t)len, b) == 0);
	fuzz_check(!strcmp(a, b));
}

static void fuzz_base_list_protocols(const uint8_t *p, size_t n, bool small)
{
	size_t cap = small ? SMALL_CAP : sizeof(ids);
	size_t packed = 0;
	int num, len;

	num = scmi_base_list_protocols_resp_decode(p, n, ids, cap);
	if (num < 0)
		return;
	fuzz_check((size_t)num <= cap);
	len = scmi_base_list_protocols_resp_encode(ids, (size_t)num, out,
						   sizeof(out), &packed);
	if (num == 0) {
		/* Nothing to pack: an empty reply or -ENOSPC are both fine. */
		if (len < 0)
			return;
	}
	fuzz_check(len > 0 && packed == (size_t)num);
	fuzz_check(scmi_base_list_protocols_resp_decode(out, (size_t)len, ids2,
							sizeof(ids2)) == num);
	fuzz_check(!memcmp(ids, ids2, (size_t)num));
}

static void fuzz_base_agent(const uint8_t *p, size_t n)
{
	struct scmi_base_agent a, b;
	int len;

	memset(&a, 0, sizeof(a));
	memset(&b, 0, sizeof(b));
	if (scmi_base_agent_resp_decode(p, n, &a) < 0)
		return;
	fuzz_check(memchr(a.name, '\0', sizeof(a.name)) != NULL);
	len = scmi_base_agent_resp_encode(&a, out, sizeof(out));
	fuzz_check(len > 0);
	fuzz_check(scmi_base_agent_resp_decode(out, (size_t)len, &b) == 0);
	fuzz_check(a.agent_id == b.agent_id && !strcmp(a.name, b.name));
}

static void fuzz_tlm_attrs(const uint8_t *p, size_t n)
{
	struct scmi_tlm_attrs a, b;
	uint32_t dw[4];
	uint8_t uuid[16];
	char text[37];
	int len;

	memset(&a, 0, sizeof(a));
	memset(&b, 0, sizeof(b));
	if (scmi_tlm_attrs_resp_decode(p, n, &a) < 0)
		return;

	/* UUID helpers: dwords and text forms both round-trip. */
	scmi_tlm_uuid_to_dwords(a.uuid, dw);
	scmi_tlm_uuid_from_dwords(dw, uuid);
	fuzz_check(!memcmp(uuid, a.uuid, 16));
	scmi_tlm_uuid_format(a.uuid, text);
	fuzz_check(strlen(text) == 36);
	fuzz_check(scmi_tlm_uuid_parse(text, uuid) == 0);
	fuzz_check(!memcmp(uuid, a.uuid, 16));

	len = scmi_tlm_attrs_resp_encode(&a, out, sizeof(out));
	fuzz_check(len == 4 + SCMI_TLM_ATTRS_SIZE);
	fuzz_check(scmi_tlm_attrs_resp_decode(out, (size_t)len, &b) == 0);
	fuzz_check(a.de_num == b.de_num && a.groups_num == b.groups_num &&
		   !memcmp(a.uuid, b.uuid, 16) &&
		   a.single_sample == b.single_sample &&
		   a.notifications == b.notifications &&
		   a.per_group == b.per_group && a.reset == b.reset &&
		   a.fastchannels == b.fastchannels &&
		   a.num_shmti == b.num_shmti &&
		   a.default_blk_ts_rate == b.default_blk_ts_rate);
}

static void fuzz_tlm_list_shmti(const uint8_t *p, size_t n, bool small)
{
	size_t cap = small ? SMALL_CAP : ARRAY_SIZE(shmti);
	struct scmi_list_hdr h = { 0 }, h2 = { 0 };
	size_t packed = 0;
	int num, len;

	memset(shmti, 0, sizeof(shmti));
	memset(shmti2, 0, sizeof(shmti2));
	num = scmi_tlm_list_shmti_resp_decode(p, n, &h, shmti, cap);
	if (num < 0)
		return;
	fuzz_check((size_t)num <= cap && h.returned == (uint32_t)num);
	fuzz_list_hdr(&h);
	if (num == 0)
		return;
	len = scmi_tlm_list_shmti_resp_encode(shmti, (size_t)num, out,
					      sizeof(out), &packed);
	fuzz_check(len > 0 && packed == (size_t)num);
	fuzz_check(scmi_tlm_list_shmti_resp_decode(out, (size_t)len, &h2,
			shmti2, ARRAY_SIZE(shmti2)) == num);
	fuzz_check(h2.returned == (uint32_t)num && h2.remaining == 0);
	for (int i = 0; i < num; i++)
		fuzz_check(shmti[i].id == shmti2[i].id &&
			   shmti[i].addr == shmti2[i].addr &&
			   shmti[i].length == shmti2[i].length);
}

static void fuzz_tlm_de_description(const uint8_t *p, size_t n, bool small)
{
	size_t cap = small ? SMALL_CAP : ARRAY_SIZE(desc);
	struct scmi_list_hdr h = { 0 }, h2 = { 0 };
	size_t packed = 0;
	int num, len;

	memset(desc, 0, sizeof(desc));
	memset(desc2, 0, sizeof(desc2));
	num = scmi_tlm_de_description_resp_decode(p, n, &h, desc, cap);
	if (num < 0)
		return;
	fuzz_check((size_t)num <= cap && h.returned == (uint32_t)num);
	fuzz_list_hdr(&h);
	if (num == 0)
		return;
	len = scmi_tlm_de_description_resp_encode(desc, (size_t)num, out,
						  sizeof(out), &packed);
	fuzz_check(len > 0 && packed == (size_t)num);
	fuzz_check(scmi_tlm_de_description_resp_decode(out, (size_t)len, &h2,
			desc2, ARRAY_SIZE(desc2)) == num);
	fuzz_check(h2.returned == (uint32_t)num && h2.remaining == 0);
	for (int i = 0; i < num; i++)
		fuzz_check(fuzz_de_desc_eq(&desc[i], &desc2[i]));
}

static void fuzz_tlm_intervals(const uint8_t *p, size_t n, bool small)
{
	size_t cap = small ? SMALL_CAP : ARRAY_SIZE(iv);
	struct scmi_tlm_intervals_page pg = { 0 }, pg2 = { 0 };
	size_t packed = 0;
	int num, len;

	memset(iv, 0, sizeof(iv));
	memset(iv2, 0, sizeof(iv2));
	num = scmi_tlm_intervals_resp_decode(p, n, &pg, iv, cap);
	if (num < 0)
		return;
	fuzz_check((size_t)num <= cap && pg.returned == (uint32_t)num);
	if (num == 0)
		return;
	len = scmi_tlm_intervals_resp_encode(iv, (size_t)num, pg.range, out,
					     sizeof(out), &packed);
	fuzz_check(len > 0 && packed == (size_t)num);
	fuzz_check(scmi_tlm_intervals_resp_decode(out, (size_t)len, &pg2, iv2,
						  ARRAY_SIZE(iv2)) == num);
	fuzz_check(pg2.returned == pg.returned && pg2.range == pg.range &&
		   pg2.remaining == 0);
	for (int i = 0; i < num; i++)
		fuzz_check(iv[i].secs == iv2[i].secs &&
			   iv[i].exp == iv2[i].exp);
}

static void fuzz_tlm_de_configure(const uint8_t *p, size_t n)
{
	struct scmi_tlm_de_configure_resp a, b;
	int len;

	memset(&a, 0, sizeof(a));
	memset(&b, 0, sizeof(b));
	if (scmi_tlm_de_configure_resp_decode(p, n, &a) < 0)
		return;
	len = scmi_tlm_de_configure_resp_encode(&a, out, sizeof(out));
	fuzz_check(len == 16);
	fuzz_check(scmi_tlm_de_configure_resp_decode(out, (size_t)len, &b) ==
		   0);
	fuzz_check(a.shmti_id == b.shmti_id && a.de_offset == b.de_offset &&
		   a.blk_ts_offset == b.blk_ts_offset);
}

static void fuzz_tlm_enabled(const uint8_t *p, size_t n, bool small)
{
	size_t cap = small ? SMALL_CAP : ARRAY_SIZE(ent);
	struct scmi_list_hdr h = { 0 }, h2 = { 0 };
	size_t packed = 0;
	int num, len;

	memset(ent, 0, sizeof(ent));
	memset(ent2, 0, sizeof(ent2));
	num = scmi_tlm_enabled_resp_decode(p, n, &h, ent, cap);
	if (num < 0)
		return;
	fuzz_check((size_t)num <= cap && h.returned == (uint32_t)num);
	fuzz_list_hdr(&h);
	if (num == 0)
		return;
	len = scmi_tlm_enabled_resp_encode(ent, (size_t)num, out, sizeof(out),
					   &packed);
	fuzz_check(len > 0 && packed == (size_t)num);
	fuzz_check(scmi_tlm_enabled_resp_decode(out, (size_t)len, &h2, ent2,
						ARRAY_SIZE(ent2)) == num);
	fuzz_check(h2.returned == (uint32_t)num && h2.remaining == 0);
	for (int i = 0; i < num; i++)
		fuzz_check(ent[i].id == ent2[i].id &&
			   ent[i].mode == ent2[i].mode);
}

static void fuzz_tlm_config_get(const uint8_t *p, size_t n)
{
	struct scmi_tlm_config_get_resp a, b;
	int len;

	memset(&a, 0, sizeof(a));
	memset(&b, 0, sizeof(b));
	if (scmi_tlm_config_get_resp_decode(p, n, &a) < 0)
		return;
	len = scmi_tlm_config_get_resp_encode(&a, out, sizeof(out));
	fuzz_check(len == 12);
	fuzz_check(scmi_tlm_config_get_resp_decode(out, (size_t)len, &b) == 0);
	fuzz_check(a.enable == b.enable && a.mode == b.mode &&
		   a.interval.secs == b.interval.secs &&
		   a.interval.exp == b.interval.exp);
}

/*
 * Strict and tolerant forms agree (docs/codec.md "Tolerant decoding"):
 * where the strict decoder succeeds, the tolerant one returns the same
 * with no deviation; a tolerant success without a deviation is a strict
 * success; a deviation only turns a strict failure into a success.
 */
#define fuzz_agree(strict_, tol_, dev_)					\
	do {								\
		int s_ = (strict_), t_ = (tol_);			\
		uint32_t d_ = (dev_);					\
									\
		if (s_ >= 0)						\
			fuzz_check(t_ == s_ && d_ == 0);		\
		else if (t_ >= 0)					\
			fuzz_check(d_ != 0 && !(d_ >> SCMI_DEV_KINDS)); \
		else							\
			fuzz_check(t_ == s_ || d_ != 0);		\
	} while (0)

static void fuzz_tolerant(const uint8_t *p, size_t n)
{
	struct scmi_tlm_attrs a;
	struct scmi_tlm_config_get_resp g;
	struct scmi_tlm_de_configure_resp c;
	struct scmi_tlm_intervals_page pg;
	struct scmi_tlm_reading_complete rc;
	struct scmi_tlm_update up;
	struct scmi_list_hdr h;
	size_t cap = 2;
	uint32_t dev, v;

	dev = 0;
	fuzz_agree(scmi_u32_resp_decode(p, n, &v),
		   scmi_u32_resp_decode_dev(p, n, &v, &dev), dev);
	dev = 0;
	fuzz_agree(scmi_status_resp_decode(p, n),
		   scmi_status_resp_decode_dev(p, n, &dev), dev);
	dev = 0;
	fuzz_agree(scmi_tlm_attrs_resp_decode(p, n, &a),
		   scmi_tlm_attrs_resp_decode_dev(p, n, &a, &dev), dev);
	dev = 0;
	fuzz_agree(scmi_tlm_list_shmti_resp_decode(p, n, &h, shmti, cap),
		   scmi_tlm_list_shmti_resp_decode_dev(p, n, &h, shmti, cap,
						       &dev), dev);
	dev = 0;
	fuzz_agree(scmi_tlm_de_description_resp_decode(p, n, &h, desc, cap),
		   scmi_tlm_de_description_resp_decode_dev(p, n, &h, desc, cap,
							   &dev), dev);
	dev = 0;
	fuzz_agree(scmi_tlm_intervals_resp_decode(p, n, &pg, iv, cap),
		   scmi_tlm_intervals_resp_decode_dev(p, n, &pg, iv, cap, &dev),
		   dev);
	dev = 0;
	fuzz_agree(scmi_tlm_de_configure_resp_decode(p, n, &c),
		   scmi_tlm_de_configure_resp_decode_dev(p, n, &c, &dev), dev);
	dev = 0;
	fuzz_agree(scmi_tlm_enabled_resp_decode(p, n, &h, ent, cap),
		   scmi_tlm_enabled_resp_decode_dev(p, n, &h, ent, cap, &dev),
		   dev);
	dev = 0;
	fuzz_agree(scmi_tlm_config_get_resp_decode(p, n, &g),
		   scmi_tlm_config_get_resp_decode_dev(p, n, &g, &dev), dev);
	dev = 0;
	fuzz_agree(scmi_tlm_reading_complete_decode(p, n, &rc),
		   scmi_tlm_reading_complete_decode_dev(p, n, &rc, &dev), dev);
	dev = 0;
	fuzz_agree(scmi_tlm_update_decode(p, n, &up),
		   scmi_tlm_update_decode_dev(p, n, &up, &dev), dev);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *p;
	unsigned int sel;
	bool small;
	size_t n;

	if (size < 1 || size > FUZZ_MAX_MSG + 1)
		return 0;
	sel = data[0] & 0x3F;
	small = data[0] & 0x80;
	p = data + 1;
	n = size - 1;
	fuzz_tolerant(p, n);

	switch (sel) {
	case SEL_HDR:
		fuzz_hdr(p, n);
		break;
	case SEL_STATUS:
		fuzz_status(p, n);
		break;
	case SEL_U32:
		fuzz_u32(p, n);
		break;
	case SEL_BASE_ATTRS:
		fuzz_base_attrs(p, n);
		break;
	case SEL_BASE_NAME:
		fuzz_base_name(p, n);
		break;
	case SEL_BASE_LIST_PROTOCOLS:
		fuzz_base_list_protocols(p, n, small);
		break;
	case SEL_BASE_AGENT:
		fuzz_base_agent(p, n);
		break;
	case SEL_TLM_ATTRS:
		fuzz_tlm_attrs(p, n);
		break;
	case SEL_TLM_LIST_SHMTI:
		fuzz_tlm_list_shmti(p, n, small);
		break;
	case SEL_TLM_DE_DESCRIPTION:
		fuzz_tlm_de_description(p, n, small);
		break;
	case SEL_TLM_INTERVALS:
		fuzz_tlm_intervals(p, n, small);
		break;
	case SEL_TLM_DE_CONFIGURE:
		fuzz_tlm_de_configure(p, n);
		break;
	case SEL_TLM_ENABLED:
		fuzz_tlm_enabled(p, n, small);
		break;
	case SEL_TLM_CONFIG_GET:
		fuzz_tlm_config_get(p, n);
		break;
	default:
		break;
	}
	return 0;
}
