// SPDX-License-Identifier: MIT
/*
 * Copyright (c) 2026 The stlm authors
 *
 * Unit tests of the SCMI Telemetry message codec (lib/proto/telemetry.c).
 *
 * Expected encodings are hex literals written by hand from the protocol
 * reference (docs/codec.md; protocol §2.1, §4, §5, §6, §7.8, §12),
 * not computed with the codec's own masks, so a mistake shared by the codec
 * and its header cannot pass. Malformed inputs are decoded from heap copies
 * of their exact length so the sanitizers catch any read past the end.
 */
#define STLM_TEST_GROUP "proto-telemetry"
#include "stlm-test.h"

#include <stdlib.h>

#include "telemetry.h"

/* Parse a hex literal into buf; fails the case on a malformed literal. */
static size_t hx(uint8_t *buf, size_t cap, const char *hex)
{
	int n = stlm_test_unhex(hex, buf, cap);

	ASSERT_TRUE(n >= 0);
	return (size_t)n;
}

#define HX(buf, hex) hx(buf, sizeof(buf), hex)

/* An exact-size heap copy (at least 1 byte allocated), for ASan. */
static uint8_t *dup_exact(const uint8_t *p, size_t n)
{
	uint8_t *q = malloc(n ? n : 1);

	ASSERT_NOT_NULL(q);
	if (n)
		memcpy(q, p, n);
	return q;
}

/* Little helpers to patch a word of a message in place. */
static void put32(uint8_t *buf, size_t off, uint32_t v)
{
	scmi_put_le32(buf + off, v);
}

static const uint8_t uuid_doc[16] = {
	0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77,
	0x88, 0x99, 0xAA, 0xBB, 0xCC, 0xDD, 0xEE, 0xFF,
};

/* ------------------------------------------------------------------ */
/* Message names and headers (§1.1, §2.1)                              */

STLM_TEST(msg_name)
{
	ASSERT_STREQ(scmi_tlm_msg_name(0x0), "PROTOCOL_VERSION");
	ASSERT_STREQ(scmi_tlm_msg_name(0x1), "PROTOCOL_ATTRIBUTES");
	ASSERT_STREQ(scmi_tlm_msg_name(0x2), "PROTOCOL_MESSAGE_ATTRIBUTES");
	ASSERT_STREQ(scmi_tlm_msg_name(0x3), "LIST_SHMTI");
	ASSERT_STREQ(scmi_tlm_msg_name(0x4), "DE_DESCRIPTION");
	ASSERT_STREQ(scmi_tlm_msg_name(0x5), "LIST_UPDATE_INTERVALS");
	ASSERT_STREQ(scmi_tlm_msg_name(0x6), "DE_CONFIGURE");
	ASSERT_STREQ(scmi_tlm_msg_name(0x7), "DE_ENABLED_LIST");
	ASSERT_STREQ(scmi_tlm_msg_name(0x8), "CONFIG_SET");
	ASSERT_STREQ(scmi_tlm_msg_name(0x9), "CONFIG_GET");
	ASSERT_STREQ(scmi_tlm_msg_name(0xA), "RESET");
	ASSERT_STREQ(scmi_tlm_msg_name(0x10), "NEGOTIATE_PROTOCOL_VERSION");
	ASSERT_STREQ(scmi_tlm_msg_name(0xB), "UNKNOWN");
	ASSERT_STREQ(scmi_tlm_msg_name(0xF), "UNKNOWN");
	ASSERT_STREQ(scmi_tlm_msg_name(0x11), "UNKNOWN");
	ASSERT_STREQ(scmi_tlm_msg_name(0x80), "UNKNOWN");
	ASSERT_STREQ(scmi_tlm_msg_name(0xFF), "UNKNOWN");
}

STLM_TEST(msg_ids)
{
	/* §1.1 message list. */
	ASSERT_EQ(SCMI_PROTO_TELEMETRY, 0x1B);
	ASSERT_EQ(SCMI_TLM_VERSION, 0x00010000);
	ASSERT_EQ(SCMI_TLM_LIST_SHMTI, 0x3);
	ASSERT_EQ(SCMI_TLM_DE_DESCRIPTION, 0x4);
	ASSERT_EQ(SCMI_TLM_LIST_UPDATE_INTERVALS, 0x5);
	ASSERT_EQ(SCMI_TLM_DE_CONFIGURE, 0x6);
	ASSERT_EQ(SCMI_TLM_DE_ENABLED_LIST, 0x7);
	ASSERT_EQ(SCMI_TLM_CONFIG_SET, 0x8);
	ASSERT_EQ(SCMI_TLM_CONFIG_GET, 0x9);
	ASSERT_EQ(SCMI_TLM_RESET, 0xA);
	ASSERT_EQ(SCMI_TLM_NEGOTIATE_PROTOCOL_VERSION, 0x10);
	ASSERT_EQ(SCMI_TLM_READING_COMPLETE, 0x8);
	ASSERT_EQ(SCMI_TLM_UPDATE, 0x0);
}

STLM_TEST(headers_doc_examples)
{
	struct scmi_hdr h = {
		.id = SCMI_TLM_PROTOCOL_ATTRIBUTES,
		.type = SCMI_MSG_COMMAND,
		.proto = SCMI_PROTO_TELEMETRY,
		.token = 5,
	};

	/* §2.1: PROTOCOL_ATTRIBUTES, token 5. */
	ASSERT_EQ(scmi_hdr_pack(&h), 0x00146C01);

	/* §2.1: TELEMETRY_UPDATE notification, token bits 0. */
	h.id = SCMI_TLM_UPDATE;
	h.type = SCMI_MSG_NOTIFICATION;
	h.token = 0;
	ASSERT_EQ(scmi_hdr_pack(&h), 0x00006F00);

	/* §2.1: READING_COMPLETE delayed response, 0x00006E08 | token<<18. */
	h.id = SCMI_TLM_READING_COMPLETE;
	h.type = SCMI_MSG_DELAYED_RESP;
	h.token = 0x3FF;
	ASSERT_EQ(scmi_hdr_pack(&h), 0x00006E08 | 0x3FFu << 18);

	/* §12: DE_CONFIGURE, token 7. */
	h.id = SCMI_TLM_DE_CONFIGURE;
	h.type = SCMI_MSG_COMMAND;
	h.token = 7;
	ASSERT_EQ(scmi_hdr_pack(&h), 0x001C6C06);
}

/* ------------------------------------------------------------------ */
/* PROTOCOL_ATTRIBUTES and UUIDs (§4.2)                                */

static const char attrs_hex[] =
	"00 00 00 00"	/* status SUCCESS */
	"10 00 00 00"	/* de_num 16 */
	"02 00 00 00"	/* groups_num 2 */
	"33 22 11 00"	/* dword0 0x00112233 */
	"77 66 55 44"	/* dword1 0x44556677 */
	"BB AA 99 88"	/* dword2 0x8899AABB */
	"FF EE DD CC"	/* dword3 0xCCDDEEFF */
	"03 00 07 C0"	/* bits 31, 30, 18, 17, 16; num_shmti 3 */
	"E8 03 00 00";	/* default_blk_ts_rate 1000 kHz */

STLM_TEST(attrs_encode_exact)
{
	struct scmi_tlm_attrs a = {
		.de_num = 16,
		.groups_num = 2,
		.single_sample = true,
		.notifications = true,
		.per_group = true,
		.reset = true,
		.fastchannels = true,
		.num_shmti = 3,
		.default_blk_ts_rate = 1000,
	};
	uint8_t want[64], buf[64];
	size_t n = HX(want, attrs_hex);

	memcpy(a.uuid, uuid_doc, 16);
	ASSERT_EQ(n, 36);
	ASSERT_EQ(scmi_tlm_attrs_resp_encode(&a, buf, sizeof(buf)), 36);
	ASSERT_MEMEQ(buf, want, 36);
	ASSERT_EQ(scmi_tlm_attrs_resp_encode(&a, buf, 36), 36);
	ASSERT_ERR(scmi_tlm_attrs_resp_encode(&a, buf, 35), -ENOSPC);
}

STLM_TEST(attrs_decode)
{
	struct scmi_tlm_attrs a;
	uint8_t buf[64];
	size_t n = HX(buf, attrs_hex);

	ASSERT_EQ(scmi_tlm_attrs_resp_decode(buf, n, &a), 0);
	ASSERT_EQ(a.de_num, 16);
	ASSERT_EQ(a.groups_num, 2);
	ASSERT_MEMEQ(a.uuid, uuid_doc, 16);
	ASSERT_TRUE(a.single_sample);
	ASSERT_TRUE(a.notifications);
	ASSERT_TRUE(a.per_group);
	ASSERT_TRUE(a.reset);
	ASSERT_TRUE(a.fastchannels);
	ASSERT_EQ(a.num_shmti, 3);
	ASSERT_EQ(a.default_blk_ts_rate, 1000);

	/* Each bit alone. */
	put32(buf, 28, 0x80000000);
	ASSERT_EQ(scmi_tlm_attrs_resp_decode(buf, n, &a), 0);
	ASSERT_TRUE(a.single_sample);
	ASSERT_FALSE(a.notifications || a.per_group || a.reset ||
		     a.fastchannels);
	ASSERT_EQ(a.num_shmti, 0);
	put32(buf, 28, 0x0000FFFF);
	ASSERT_EQ(scmi_tlm_attrs_resp_decode(buf, n, &a), 0);
	ASSERT_FALSE(a.single_sample || a.notifications || a.per_group ||
		     a.reset || a.fastchannels);
	ASSERT_EQ(a.num_shmti, 0xFFFF);
	put32(buf, 28, 0x00040000);
	ASSERT_EQ(scmi_tlm_attrs_resp_decode(buf, n, &a), 0);
	ASSERT_TRUE(a.per_group);
	ASSERT_FALSE(a.reset || a.fastchannels);
}

STLM_TEST(attrs_decode_malformed)
{
	struct scmi_tlm_attrs a, sentinel;
	uint8_t buf[64], *p;
	size_t n = HX(buf, attrs_hex), i;

	memset(&sentinel, 0xA5, sizeof(sentinel));
	a = sentinel;

	/* Truncated at every length, and one byte too many. */
	for (i = 0; i < n; i++) {
		p = dup_exact(buf, i);
		ASSERT_ERR(scmi_tlm_attrs_resp_decode(p, i, &a), -EBADMSG);
		free(p);
	}
	ASSERT_ERR(scmi_tlm_attrs_resp_decode(buf, n + 1, &a), -EMSGSIZE);

	/* Reserved attribute bits [29:19], each one. */
	for (i = 19; i <= 29; i++) {
		put32(buf, 28, 1u << i);
		ASSERT_ERR(scmi_tlm_attrs_resp_decode(buf, n, &a), -EPROTO);
	}
	ASSERT_MEMEQ(&a, &sentinel, sizeof(a));

	/* An error status parses nothing else, whatever follows. */
	HX(buf, "FF FF FF FF");
	ASSERT_ERR(scmi_tlm_attrs_resp_decode(buf, 4, &a), -EOPNOTSUPP);
	HX(buf, "FD FF FF FF 01 02");
	ASSERT_ERR(scmi_tlm_attrs_resp_decode(buf, 6, &a), -EACCES);
	HX(buf, "F6 FF FF FF");
	ASSERT_ERR(scmi_tlm_attrs_resp_decode(buf, 4, &a), -EPROTO);
	ASSERT_MEMEQ(&a, &sentinel, sizeof(a));
}

STLM_TEST(uuid_dwords)
{
	const uint32_t dw_doc[4] = { 0x00112233, 0x44556677, 0x8899AABB,
				     0xCCDDEEFF };
	uint8_t u[16];
	uint32_t dw[4];

	scmi_tlm_uuid_from_dwords(dw_doc, u);
	ASSERT_MEMEQ(u, uuid_doc, 16);
	scmi_tlm_uuid_to_dwords(uuid_doc, dw);
	ASSERT_MEMEQ(dw, dw_doc, sizeof(dw));
}

STLM_TEST(uuid_text)
{
	static const uint8_t u2[16] = {
		0xDE, 0xAD, 0xBE, 0xEF, 0x01, 0x23, 0x45, 0x67,
		0x89, 0xAB, 0xCD, 0xEF, 0xFE, 0xDC, 0xBA, 0x98,
	};
	char s[37];
	uint8_t u[16];

	scmi_tlm_uuid_format(uuid_doc, s);
	ASSERT_STREQ(s, "00112233-4455-6677-8899-AABBCCDDEEFF");
	scmi_tlm_uuid_format(u2, s);
	ASSERT_STREQ(s, "DEADBEEF-0123-4567-89AB-CDEFFEDCBA98");

	ASSERT_EQ(scmi_tlm_uuid_parse("00112233-4455-6677-8899-aabbccddeeff",
				      u), 0);
	ASSERT_MEMEQ(u, uuid_doc, 16);
	memset(u, 0, 16);
	ASSERT_EQ(scmi_tlm_uuid_parse("00112233-4455-6677-8899-AaBbCcDdEeFf",
				      u), 0);
	ASSERT_MEMEQ(u, uuid_doc, 16);
	memset(u, 0, 16);
	ASSERT_EQ(scmi_tlm_uuid_parse("00112233445566778899AABBCCDDEEFF", u),
		  0);
	ASSERT_MEMEQ(u, uuid_doc, 16);
	ASSERT_EQ(scmi_tlm_uuid_parse(s, u), 0);
	ASSERT_MEMEQ(u, u2, 16);
}

STLM_TEST(uuid_parse_invalid)
{
	static const char *const bad[] = {
		"",
		"0",
		"00112233-4455-6677-8899-AABBCCDDEEF",	 /* 35 */
		"00112233-4455-6677-8899-AABBCCDDEEFF0", /* 37 */
		"00112233445566778899AABBCCDDEEF",	 /* 31 */
		"00112233445566778899AABBCCDDEEFF0",	 /* 33 */
		"001122334-455-6677-8899-AABBCCDDEEFF",	 /* hyphen moved */
		"00112233-44556-677-8899-AABBCCDDEEFF",
		"00112233_4455_6677_8899_AABBCCDDEEFF",
		"00112233-4455-6677-8899-AABBCCDDEEFG",
		"G0112233445566778899AABBCCDDEEFF",
		"00112233-4455-6677-8899-AABBCCDD EEF",
		"0x112233-4455-6677-8899-AABBCCDDEEFF",
		"00112233-4455-6677-8899-AABBCC-DEEFF",
		"-0112233-4455-6677-8899-AABBCCDDEEFF",
		"00112233-4455-6677-8899AABBCCDDEEFF0",	 /* 36, no 4th hyphen */
	};
	uint8_t u[16], sentinel[16];
	size_t i;

	memset(sentinel, 0x5A, 16);
	memcpy(u, sentinel, 16);
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		if (scmi_tlm_uuid_parse(bad[i], u) != -EINVAL)
			STLM_FAIL_AT("accepted \"%s\"", bad[i]);
	}
	ASSERT_ERR(scmi_tlm_uuid_parse(NULL, u), -EINVAL);
	ASSERT_MEMEQ(u, sentinel, 16);
}

/* ------------------------------------------------------------------ */
/* Update intervals (§6)                                               */

STLM_TEST(interval_doc_examples)
{
	static const struct {
		struct scmi_tlm_interval iv;
		uint32_t word;
		uint64_t ns;
	} ex[] = {
		{ { 1, 0 }, 0x00000020, 1000000000ull },   /* 1 s */
		{ { 400, -3 }, 0x0000321D, 400000000ull }, /* 400 ms */
		{ { 10, -3 }, 0x0000015D, 10000000ull },   /* 10 ms */
		{ { 250, -6 }, 0x00001F5A, 250000ull },	   /* 250 us */
	};
	struct scmi_tlm_interval iv;
	uint32_t w;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(ex); i++) {
		ASSERT_EQ(scmi_tlm_interval_encode(&ex[i].iv, &w), 0);
		ASSERT_EQ(w, ex[i].word);
		ASSERT_EQ(scmi_tlm_interval_decode(ex[i].word, &iv), 0);
		ASSERT_EQ(iv.secs, ex[i].iv.secs);
		ASSERT_EQ(iv.exp, ex[i].iv.exp);
		ASSERT_U64_EQ(scmi_tlm_interval_ns(&ex[i].iv), ex[i].ns);
	}
}

STLM_TEST(interval_word_limits)
{
	struct scmi_tlm_interval iv;
	uint32_t w = 0x12345678;
	int e;

	iv = (struct scmi_tlm_interval){ 0xFFFF, 15 };
	ASSERT_EQ(scmi_tlm_interval_encode(&iv, &w), 0);
	ASSERT_EQ(w, 0x001FFFEF);
	iv = (struct scmi_tlm_interval){ 0xFFFF, -16 };
	ASSERT_EQ(scmi_tlm_interval_encode(&iv, &w), 0);
	ASSERT_EQ(w, 0x001FFFF0);
	iv = (struct scmi_tlm_interval){ 0, -1 };
	ASSERT_EQ(scmi_tlm_interval_encode(&iv, &w), 0);
	ASSERT_EQ(w, 0x0000001F);

	/* Exponents outside -16..15 do not fit 5 bits. */
	w = 0x12345678;
	iv = (struct scmi_tlm_interval){ 1, 16 };
	ASSERT_ERR(scmi_tlm_interval_encode(&iv, &w), -ERANGE);
	iv = (struct scmi_tlm_interval){ 1, -17 };
	ASSERT_ERR(scmi_tlm_interval_encode(&iv, &w), -ERANGE);
	iv = (struct scmi_tlm_interval){ 1, 127 };
	ASSERT_ERR(scmi_tlm_interval_encode(&iv, &w), -ERANGE);
	iv = (struct scmi_tlm_interval){ 1, -128 };
	ASSERT_ERR(scmi_tlm_interval_encode(&iv, &w), -ERANGE);
	ASSERT_EQ(w, 0x12345678);

	/* Every exponent round-trips through its 5-bit field. */
	for (e = -16; e <= 15; e++) {
		iv = (struct scmi_tlm_interval){ 0xABCD, (int8_t)e };
		ASSERT_EQ(scmi_tlm_interval_encode(&iv, &w), 0);
		ASSERT_EQ(w, (0xABCDu << 5) | ((unsigned)e & 0x1F));
		iv = (struct scmi_tlm_interval){ 0, 0 };
		ASSERT_EQ(scmi_tlm_interval_decode(w, &iv), 0);
		ASSERT_EQ(iv.secs, 0xABCD);
		ASSERT_EQ(iv.exp, e);
	}

	ASSERT_EQ(scmi_tlm_interval_decode(0x001FFFF0, &iv), 0);
	ASSERT_EQ(iv.secs, 0xFFFF);
	ASSERT_EQ(iv.exp, -16);
	ASSERT_EQ(scmi_tlm_interval_decode(0x00000010, &iv), 0);
	ASSERT_EQ(iv.secs, 0);
	ASSERT_EQ(iv.exp, -16);
	ASSERT_EQ(scmi_tlm_interval_decode(0x0000000F, &iv), 0);
	ASSERT_EQ(iv.exp, 15);

	/* Reserved bits [31:21]. */
	iv = (struct scmi_tlm_interval){ 7, 7 };
	ASSERT_ERR(scmi_tlm_interval_decode(0x00200020, &iv), -EPROTO);
	ASSERT_ERR(scmi_tlm_interval_decode(0x80000020, &iv), -EPROTO);
	ASSERT_ERR(scmi_tlm_interval_decode(0xFFE00000, &iv), -EPROTO);
	ASSERT_EQ(iv.secs, 7);
	ASSERT_EQ(iv.exp, 7);
}

STLM_TEST(interval_ns)
{
	static const struct {
		struct scmi_tlm_interval iv;
		uint64_t ns;
	} t[] = {
		{ { 0, 15 }, 0 },
		{ { 0, -16 }, 0 },
		{ { 1, -9 }, 1 },
		{ { 1, -10 }, 0 },		/* below 1 ns rounds down */
		{ { 15, -10 }, 1 },
		{ { 19, -10 }, 1 },
		{ { 20, -10 }, 2 },
		{ { 0xFFFF, -16 }, 0 },
		{ { 0xFFFF, -13 }, 6 },		/* 6.5535 ns */
		{ { 0xFFFF, -9 }, 65535 },
		{ { 0xFFFF, 0 }, 65535000000000ull },
		{ { 1, 10 }, 10000000000000000000ull },
		{ { 18, 9 }, 18000000000000000000ull },
		{ { 19, 9 }, UINT64_MAX },	/* 1.9e19 saturates */
		{ { 2, 10 }, UINT64_MAX },
		{ { 1, 11 }, UINT64_MAX },
		{ { 0xFFFF, 15 }, UINT64_MAX },
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(t); i++) {
		if (scmi_tlm_interval_ns(&t[i].iv) != t[i].ns)
			STLM_FAIL_AT("{%u, %d}: got %" PRIu64 ", want %" PRIu64,
				     t[i].iv.secs, t[i].iv.exp,
				     scmi_tlm_interval_ns(&t[i].iv), t[i].ns);
	}
}

STLM_TEST(interval_from_ns)
{
	static const struct {
		uint64_t ns;
		uint16_t secs;
		int8_t exp;
	} t[] = {
		{ 1000000000ull, 1, 0 },
		{ 400000000ull, 4, -1 },	/* 400 ms = 4 * 10^-1 s */
		{ 10000000ull, 1, -2 },
		{ 250000ull, 25, -5 },
		{ 1, 1, -9 },
		{ 65535, 65535, -9 },
		{ 655350, 65535, -8 },
		{ 123400, 1234, -7 },
		{ 60000000000ull, 6, 1 },	/* one minute */
		{ 3600000000000ull, 36, 2 },	/* one hour */
		{ 10000000000000000000ull, 1, 10 },
		{ 18000000000000000000ull, 18, 9 },
	};
	static const uint64_t bad[] = {
		65537, 100001, 6553500001ull, UINT64_MAX,
		18446744073709551610ull,
	};
	struct scmi_tlm_interval iv;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(t); i++) {
		iv = (struct scmi_tlm_interval){ 0xEEEE, 99 };
		ASSERT_EQ(scmi_tlm_interval_from_ns(t[i].ns, &iv), 0);
		if (iv.secs != t[i].secs || iv.exp != t[i].exp)
			STLM_FAIL_AT("%" PRIu64 " ns: got {%u, %d}, want "
				     "{%u, %d}", t[i].ns, iv.secs, iv.exp,
				     t[i].secs, t[i].exp);
		ASSERT_U64_EQ(scmi_tlm_interval_ns(&iv), t[i].ns);
	}

	/* Zero: the word 0. */
	ASSERT_EQ(scmi_tlm_interval_from_ns(0, &iv), 0);
	ASSERT_EQ(iv.secs, 0);
	ASSERT_EQ(iv.exp, 0);

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		iv = (struct scmi_tlm_interval){ 0xEEEE, 99 };
		ASSERT_ERR(scmi_tlm_interval_from_ns(bad[i], &iv), -ERANGE);
		ASSERT_EQ(iv.secs, 0xEEEE);
		ASSERT_EQ(iv.exp, 99);
	}
}

STLM_TEST(interval_from_ns_roundtrip)
{
	static const uint16_t secs[] = { 1, 2, 9, 10, 99, 100, 250, 400,
					 999, 1000, 4096, 9999, 10000,
					 12345, 50000, 65534, 65535 };
	struct scmi_tlm_interval iv, back;
	size_t i;
	int e;

	/* Every exactly representable value comes back with the same ns. */
	for (i = 0; i < ARRAY_SIZE(secs); i++) {
		for (e = -9; e <= 5; e++) {
			uint64_t ns;

			iv = (struct scmi_tlm_interval){ secs[i], (int8_t)e };
			ns = scmi_tlm_interval_ns(&iv);
			ASSERT_EQ(scmi_tlm_interval_from_ns(ns, &back), 0);
			ASSERT_U64_EQ(scmi_tlm_interval_ns(&back), ns);
			ASSERT_EQ(scmi_tlm_interval_cmp(&iv, &back), 0);
			/* Shortest: no trailing zero in the mantissa. */
			ASSERT_TRUE(back.secs % 10 != 0 || back.exp == 15);
			ASSERT_CMP(back.exp, >=, e);
		}
	}
}

static int sgn(int v)
{
	return (v > 0) - (v < 0);
}

STLM_TEST(interval_cmp)
{
	static const struct {
		struct scmi_tlm_interval a, b;
		int want;
	} t[] = {
		{ { 1, 0 }, { 1000, -3 }, 0 },
		{ { 10, -3 }, { 400, -3 }, -1 },
		{ { 400, -3 }, { 10, -3 }, 1 },
		{ { 1, 15 }, { 65535, -16 }, 1 },
		{ { 65535, -16 }, { 1, 15 }, -1 },
		{ { 0, 5 }, { 0, -3 }, 0 },
		{ { 0, 15 }, { 1, -16 }, -1 },
		{ { 1, -16 }, { 0, 15 }, 1 },
		{ { 65535, 0 }, { 1, 5 }, -1 },	 /* 65535 < 100000 */
		{ { 65535, 0 }, { 6, 4 }, 1 },	 /* 65535 > 60000 */
		{ { 6553, 1 }, { 65530, 0 }, 0 },
		{ { 6553, 1 }, { 65531, 0 }, -1 },
		{ { 65535, 10 }, { 1, 15 }, -1 }, /* 6.5535e14 < 1e15 */
		{ { 10, 14 }, { 1, 15 }, 0 },
		{ { 10000, -16 }, { 1, -12 }, 0 },
		{ { 250, -6 }, { 25, -5 }, 0 },
		{ { 1, -1 }, { 10, -3 }, 1 },
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(t); i++) {
		if (sgn(scmi_tlm_interval_cmp(&t[i].a, &t[i].b)) != t[i].want ||
		    sgn(scmi_tlm_interval_cmp(&t[i].b, &t[i].a)) != -t[i].want)
			STLM_FAIL_AT("case %zu: {%u,%d} vs {%u,%d}", i,
				     t[i].a.secs, t[i].a.exp, t[i].b.secs,
				     t[i].b.exp);
	}
}

STLM_TEST(interval_cmp_vs_ns)
{
	static const uint16_t secs[] = { 0, 1, 3, 10, 25, 100, 999, 1000,
					 6553, 65530, 65535 };
	struct scmi_tlm_interval a, b;
	uint64_t na, nb;
	size_t i, j;
	int ea, eb, got;

	/* Where ns is exact (exp -9..5, no saturation) both orders agree. */
	for (i = 0; i < ARRAY_SIZE(secs); i++) {
		for (j = 0; j < ARRAY_SIZE(secs); j++) {
			for (ea = -9; ea <= 5; ea++) {
				for (eb = -9; eb <= 5; eb++) {
					a.secs = secs[i];
					a.exp = (int8_t)ea;
					b.secs = secs[j];
					b.exp = (int8_t)eb;
					na = scmi_tlm_interval_ns(&a);
					nb = scmi_tlm_interval_ns(&b);
					got = scmi_tlm_interval_cmp(&a, &b);
					ASSERT_EQ(sgn(got),
						  (na > nb) - (na < nb));
				}
			}
		}
	}
}

/* ------------------------------------------------------------------ */
/* LIST_SHMTI (§4.5)                                                   */

static const char shmti_page_hex[] =
	"00 00 00 00"		/* status */
	"02 00 00 00"		/* N 2, remaining 0 */
	"00 00 00 00"		/* id 0 */
	"00 10 00 80 01 00 00 00" /* addr 0x180001000 */
	"80 00 00 00"		/* length 0x80 */
	"00 00 00 00"		/* flags */
	"01 00 00 00"		/* id 1 */
	"00 20 00 80 00 00 00 00" /* addr 0x80002000 */
	"00 01 00 00"		/* length 0x100 */
	"00 00 00 00";

static const struct scmi_tlm_shmti_desc shmti_doc[2] = {
	{ 0, 0x180001000ull, 0x80 },
	{ 1, 0x80002000ull, 0x100 },
};

STLM_TEST(list_shmti_encode_exact)
{
	uint8_t want[64], buf[128];
	size_t n = HX(want, shmti_page_hex), k = 99;

	ASSERT_EQ(n, 48);
	ASSERT_EQ(scmi_tlm_list_shmti_resp_encode(shmti_doc, 2, buf,
						  sizeof(buf), &k), 48);
	ASSERT_EQ(k, 2);
	ASSERT_MEMEQ(buf, want, 48);

	/* Room for one and a bit: one packed, one remaining. */
	ASSERT_EQ(scmi_tlm_list_shmti_resp_encode(shmti_doc, 2, buf, 47, &k),
		  28);
	ASSERT_EQ(k, 1);
	HX(want, "00 00 00 00 01 00 01 00");
	ASSERT_MEMEQ(buf, want, 8);
	ASSERT_EQ(scmi_get_le32(buf + 8), 0);

	/* Empty list. */
	ASSERT_EQ(scmi_tlm_list_shmti_resp_encode(NULL, 0, buf, 8, &k), 8);
	ASSERT_EQ(k, 0);
	HX(want, "00 00 00 00 00 00 00 00");
	ASSERT_MEMEQ(buf, want, 8);

	k = 99;
	ASSERT_ERR(scmi_tlm_list_shmti_resp_encode(NULL, 0, buf, 7, &k),
		   -ENOSPC);
	ASSERT_ERR(scmi_tlm_list_shmti_resp_encode(shmti_doc, 2, buf, 27, &k),
		   -ENOSPC);
	ASSERT_EQ(k, 99);
}

STLM_TEST(list_shmti_encode_pack_limit)
{
	struct scmi_tlm_shmti_desc d[6];
	uint8_t buf[256];
	size_t i, k;

	for (i = 0; i < 6; i++)
		d[i] = (struct scmi_tlm_shmti_desc){ (uint32_t)i,
						     0x1000 * (i + 1), 64 };
	/* 104-byte message: status + 96 bytes -> counter + 4 descriptors. */
	ASSERT_EQ(scmi_tlm_list_shmti_resp_encode(d, 6, buf, 100, &k), 88);
	ASSERT_EQ(k, 4);
	ASSERT_EQ(scmi_get_le32(buf + 4), 0x00020004);
	/* The next page from index 4. */
	ASSERT_EQ(scmi_tlm_list_shmti_resp_encode(d + 4, 2, buf, 100, &k), 48);
	ASSERT_EQ(k, 2);
	ASSERT_EQ(scmi_get_le32(buf + 4), 0x00000002);
}

STLM_TEST(list_shmti_decode)
{
	struct scmi_tlm_shmti_desc d[4];
	struct scmi_list_hdr h;
	uint8_t buf[64];
	size_t n = HX(buf, shmti_page_hex);

	ASSERT_EQ(scmi_tlm_list_shmti_resp_decode(buf, n, &h, d, 4), 2);
	ASSERT_EQ(h.returned, 2);
	ASSERT_EQ(h.remaining, 0);
	ASSERT_EQ(d[0].id, 0);
	ASSERT_U64_EQ(d[0].addr, 0x180001000ull);
	ASSERT_EQ(d[0].length, 0x80);
	ASSERT_EQ(d[1].id, 1);
	ASSERT_U64_EQ(d[1].addr, 0x80002000ull);
	ASSERT_EQ(d[1].length, 0x100);

	/* Exactly as many slots as entries. */
	ASSERT_EQ(scmi_tlm_list_shmti_resp_decode(buf, n, &h, d, 2), 2);

	/* A page with remaining entries. */
	put32(buf, 4, 0x00050002);
	ASSERT_EQ(scmi_tlm_list_shmti_resp_decode(buf, n, &h, d, 2), 2);
	ASSERT_EQ(h.returned, 2);
	ASSERT_EQ(h.remaining, 5);

	/* Empty list. */
	HX(buf, "00 00 00 00 00 00 00 00");
	ASSERT_EQ(scmi_tlm_list_shmti_resp_decode(buf, 8, &h, NULL, 0), 0);
	ASSERT_EQ(h.returned, 0);
	ASSERT_EQ(h.remaining, 0);
}

STLM_TEST(list_shmti_decode_malformed)
{
	struct scmi_tlm_shmti_desc d[4], dsent[4];
	struct scmi_list_hdr h, hsent = { 0xDEAD, 0xBEEF };
	uint8_t ok[128], buf[64], *p;
	size_t n = HX(ok, shmti_page_hex), i;

	memset(dsent, 0xA5, sizeof(dsent));
	memcpy(d, dsent, sizeof(d));
	h = hsent;

	for (i = 0; i < n; i++) {
		p = dup_exact(ok, i);
		ASSERT_ERR(scmi_tlm_list_shmti_resp_decode(p, i, &h, d, 4),
			   -EBADMSG);
		free(p);
	}
	ASSERT_ERR(scmi_tlm_list_shmti_resp_decode(ok, n + 1, &h, d, 4),
		   -EMSGSIZE);
	ASSERT_ERR(scmi_tlm_list_shmti_resp_decode(ok, n + 20, &h, d, 4),
		   -EMSGSIZE);

	/* N = 0 with remaining != 0. */
	HX(buf, "00 00 00 00 00 00 03 00");
	ASSERT_ERR(scmi_tlm_list_shmti_resp_decode(buf, 8, &h, d, 4), -EPROTO);

	/* Counter says 3 but 2 descriptors. */
	memcpy(buf, ok, n);
	put32(buf, 4, 3);
	ASSERT_ERR(scmi_tlm_list_shmti_resp_decode(buf, n, &h, d, 4),
		   -EBADMSG);
	put32(buf, 4, 1);
	ASSERT_ERR(scmi_tlm_list_shmti_resp_decode(buf, n, &h, d, 4),
		   -EMSGSIZE);

	/* flags != 0 (second descriptor). */
	memcpy(buf, ok, n);
	put32(buf, 44, 1);
	ASSERT_ERR(scmi_tlm_list_shmti_resp_decode(buf, n, &h, d, 4), -EPROTO);
	/* length < 24. */
	memcpy(buf, ok, n);
	put32(buf, 20, 23);
	ASSERT_ERR(scmi_tlm_list_shmti_resp_decode(buf, n, &h, d, 4), -EPROTO);
	put32(buf, 20, 24);
	ASSERT_EQ(scmi_tlm_list_shmti_resp_decode(buf, n, &h, d, 4), 2);
	h = hsent;
	memcpy(d, dsent, sizeof(d));
	/* Address not 8-byte aligned (low and high bits). */
	memcpy(buf, ok, n);
	buf[12] = 0x04;
	ASSERT_ERR(scmi_tlm_list_shmti_resp_decode(buf, n, &h, d, 4), -EPROTO);
	buf[12] = 0x01;
	ASSERT_ERR(scmi_tlm_list_shmti_resp_decode(buf, n, &h, d, 4), -EPROTO);

	/* More entries than the caller's array. */
	ASSERT_ERR(scmi_tlm_list_shmti_resp_decode(ok, n, &h, d, 1), -E2BIG);
	ASSERT_ERR(scmi_tlm_list_shmti_resp_decode(ok, n, &h, NULL, 0),
		   -E2BIG);

	/* Error status. */
	HX(buf, "FC FF FF FF");
	ASSERT_ERR(scmi_tlm_list_shmti_resp_decode(buf, 4, &h, d, 4), -ENOENT);
	HX(buf, "FF FF FF FF 02 00 00 00");
	ASSERT_ERR(scmi_tlm_list_shmti_resp_decode(buf, 8, &h, d, 4),
		   -EOPNOTSUPP);

	/* Nothing was written by any failure. */
	ASSERT_MEMEQ(&h, &hsent, sizeof(h));
	ASSERT_MEMEQ(d, dsent, sizeof(d));
}

STLM_TEST(list_shmti_roundtrip)
{
	struct scmi_tlm_shmti_desc in[3] = {
		{ 0, 0, 24 },
		{ 1, 0xFFFFFFFFFFFFFFF8ull, 0xFFFFFFFF },
		{ 0xFFFFFFFF, 0x8, 4096 },
	};
	struct scmi_tlm_shmti_desc out[3];
	struct scmi_list_hdr h;
	uint8_t buf[128];
	size_t k, i;
	int n;

	n = scmi_tlm_list_shmti_resp_encode(in, 3, buf, sizeof(buf), &k);
	ASSERT_EQ(n, 68);
	ASSERT_EQ(scmi_tlm_list_shmti_resp_decode(buf, (size_t)n, &h, out, 3),
		  3);
	for (i = 0; i < 3; i++) {
		ASSERT_EQ(out[i].id, in[i].id);
		ASSERT_U64_EQ(out[i].addr, in[i].addr);
		ASSERT_EQ(out[i].length, in[i].length);
	}
}

/* ------------------------------------------------------------------ */
/* DE descriptor (§5)                                                  */

/*
 * DE 0xA000: no group, 8 bytes, type 5 (instantaneous), unit_exp -3,
 * unit 7 (watts), no timestamps, instance 1 of component 0x0203, CPU.
 * attr_1 = 5<<22 | 0xFD<<13 | 7<<5 = 0x015FA0E0
 * attr_2 = 1<<24 | 0x0203<<8 | 0x01 = 0x01020301
 */
static const char desc_min_hex[] =
	"00 A0 00 00 FF FF FF FF 08 00 00 00"
	"E0 A0 5F 01 01 03 02 01 00 00 00 00";

static const struct scmi_tlm_de_desc desc_min = {
	.id = 0xA000,
	.group_id = SCMI_TLM_GROUP_NONE,
	.data_size = 8,
	.type = 5,
	.unit_exp = -3,
	.unit = 7,
	.ts_support = SCMI_TLM_TS_NONE,
	.instance_id = 1,
	.compo_instance = 0x0203,
	.compo_type = 1,
};

/*
 * DE 0xA001: every optional part. Group 2, 4 bytes, OEM type 0xF0,
 * persistent, unit_exp +6, OEM unit 0xFF, line timestamps at 1 GHz,
 * instance 0xFF of 0xFFFF, OEM component 0xE0, FC at 0x123456780 (16
 * bytes), name "cpu0_power".
 * attr_1 = 1<<31 | 1<<30 | 0xF0<<22 | 1<<21 | 6<<13 | 0xFF<<5 | 1
 *        = 0xFC20DFE1
 */
static const char desc_full_hex[] =
	"01 A0 00 00 02 00 00 00 04 00 00 00"
	"E1 DF 20 FC E0 FF FF FF 00 00 00 00"
	"40 42 0F 00"				/* line_ts_rate 1000000 */
	"80 67 45 23 01 00 00 00 10 00 00 00"	/* FC */
	"63 70 75 30 5F 70 6F 77 65 72 00 00 00 00 00 00";

static const struct scmi_tlm_de_desc desc_full = {
	.id = 0xA001,
	.group_id = 2,
	.data_size = 4,
	.type = 0xF0,
	.persistent = true,
	.unit_exp = 6,
	.unit = 0xFF,
	.ts_support = SCMI_TLM_TS_LINE,
	.instance_id = 0xFF,
	.compo_instance = 0xFFFF,
	.compo_type = 0xE0,
	.line_ts_rate = 1000000,
	.has_fc = true,
	.fc_addr = 0x123456780ull,
	.fc_size = 16,
	.has_name = true,
	.name = "cpu0_power",
};

/*
 * DE 0x16: block timestamps (no rate word) and an FC, no name.
 * attr_1 = 1<<30 | 7<<22 | 0x80<<13 (unit_exp -128) | 0x5F<<5 | 2
 *        = 0x41D00BE2
 */
static const char desc_blk_fc_hex[] =
	"16 00 00 00 00 00 00 00 02 00 00 00"
	"E2 0B D0 41 11 00 00 00 00 00 00 00"
	"00 00 00 FF 00 00 00 00 40 00 00 00";

static const struct scmi_tlm_de_desc desc_blk_fc = {
	.id = 0x16,
	.group_id = 0,
	.data_size = 2,
	.type = 7,
	.unit_exp = -128,
	.unit = 0x5F,
	.ts_support = SCMI_TLM_TS_BLOCK,
	.compo_type = 0x11,
	.has_fc = true,
	.fc_addr = 0xFF000000ull,
	.fc_size = 64,
};

/*
 * DE 0x1010: name only, 15 characters (the longest).
 * attr_1 = 1<<31 | 127<<13 | 0x41<<5 = 0x800FE820
 */
static const char desc_name_hex[] =
	"10 10 00 00 05 00 00 00 01 00 00 00"
	"20 E8 0F 80 00 00 00 00 00 00 00 00"
	"41 42 43 44 45 46 47 48 49 4A 4B 4C 4D 4E 4F 00";

static const struct scmi_tlm_de_desc desc_name = {
	.id = 0x1010,
	.group_id = 5,
	.data_size = 1,
	.unit_exp = 127,
	.unit = 0x41,
	.has_name = true,
	.name = "ABCDEFGHIJKLMNO",
};

static void assert_desc_eq(const struct scmi_tlm_de_desc *a,
			   const struct scmi_tlm_de_desc *b)
{
	ASSERT_EQ(a->id, b->id);
	ASSERT_EQ(a->group_id, b->group_id);
	ASSERT_EQ(a->data_size, b->data_size);
	ASSERT_EQ(a->type, b->type);
	ASSERT_EQ(a->persistent, b->persistent);
	ASSERT_EQ(a->unit_exp, b->unit_exp);
	ASSERT_EQ(a->unit, b->unit);
	ASSERT_EQ(a->ts_support, b->ts_support);
	ASSERT_EQ(a->instance_id, b->instance_id);
	ASSERT_EQ(a->compo_instance, b->compo_instance);
	ASSERT_EQ(a->compo_type, b->compo_type);
	ASSERT_EQ(a->line_ts_rate,
		  b->ts_support == SCMI_TLM_TS_LINE ? b->line_ts_rate : 0);
	ASSERT_EQ(a->has_fc, b->has_fc);
	ASSERT_U64_EQ(a->fc_addr, b->has_fc ? b->fc_addr : 0);
	ASSERT_EQ(a->fc_size, b->has_fc ? b->fc_size : 0);
	ASSERT_EQ(a->has_name, b->has_name);
	ASSERT_STREQ(a->name, b->has_name ? b->name : "");
}

STLM_TEST(de_desc_size)
{
	struct scmi_tlm_de_desc d = desc_min;
	int ts, fc, nm;

	ASSERT_EQ(scmi_tlm_de_desc_size(&desc_min), 24);
	ASSERT_EQ(scmi_tlm_de_desc_size(&desc_full), 56);
	ASSERT_EQ(scmi_tlm_de_desc_size(&desc_blk_fc), 36);
	ASSERT_EQ(scmi_tlm_de_desc_size(&desc_name), 40);

	for (ts = 0; ts <= 2; ts++)
		for (fc = 0; fc <= 1; fc++)
			for (nm = 0; nm <= 1; nm++) {
				d.ts_support = (uint8_t)ts;
				d.has_fc = fc;
				d.has_name = nm;
				ASSERT_EQ(scmi_tlm_de_desc_size(&d),
					  24 + (ts == 1 ? 4 : 0) + 12 * fc +
						  16 * nm);
			}
}

STLM_TEST(de_desc_encode_exact)
{
	static const struct {
		const struct scmi_tlm_de_desc *d;
		const char *hex;
	} t[] = {
		{ &desc_min, desc_min_hex },
		{ &desc_full, desc_full_hex },
		{ &desc_blk_fc, desc_blk_fc_hex },
		{ &desc_name, desc_name_hex },
	};
	uint8_t want[64], buf[64];
	size_t i, n;

	for (i = 0; i < ARRAY_SIZE(t); i++) {
		n = HX(want, t[i].hex);
		ASSERT_EQ(n, scmi_tlm_de_desc_size(t[i].d));
		memset(buf, 0xEE, sizeof(buf));
		ASSERT_EQ(scmi_tlm_de_desc_encode(t[i].d, buf, sizeof(buf)),
			  (int)n);
		ASSERT_MEMEQ(buf, want, n);
		ASSERT_EQ(buf[n], 0xEE);
		ASSERT_EQ(scmi_tlm_de_desc_encode(t[i].d, buf, n), (int)n);
		ASSERT_ERR(scmi_tlm_de_desc_encode(t[i].d, buf, n - 1),
			   -ENOSPC);
	}
}

STLM_TEST(de_desc_encode_ignores_absent_parts)
{
	struct scmi_tlm_de_desc d = desc_min;
	uint8_t want[64], buf[64];
	size_t n = HX(want, desc_min_hex);

	/* Fields of absent optional parts are not sent. */
	d.line_ts_rate = 1234;
	d.fc_addr = 0x1000;
	d.fc_size = 16;
	memset(d.name, 'x', sizeof(d.name));	/* not even NUL-terminated */
	ASSERT_EQ(scmi_tlm_de_desc_encode(&d, buf, sizeof(buf)), 24);
	ASSERT_MEMEQ(buf, want, n);

	/* Block timestamps carry no rate word either. */
	d = desc_blk_fc;
	d.line_ts_rate = 77;
	n = HX(want, desc_blk_fc_hex);
	ASSERT_EQ(scmi_tlm_de_desc_encode(&d, buf, sizeof(buf)), (int)n);
	ASSERT_MEMEQ(buf, want, n);
}

STLM_TEST(de_desc_encode_invalid)
{
	struct scmi_tlm_de_desc d = desc_full;
	uint8_t buf[64];

	memset(buf, 0xEE, sizeof(buf));
	d.ts_support = 3;
	ASSERT_ERR(scmi_tlm_de_desc_encode(&d, buf, sizeof(buf)), -ERANGE);
	d.ts_support = 0xFF;
	ASSERT_ERR(scmi_tlm_de_desc_encode(&d, buf, sizeof(buf)), -ERANGE);

	d = desc_full;
	memcpy(d.name, "0123456789ABCDEF", 17);	/* 16 characters */
	ASSERT_ERR(scmi_tlm_de_desc_encode(&d, buf, sizeof(buf)), -ERANGE);
	memset(d.name, 'y', sizeof(d.name));	/* no NUL at all */
	ASSERT_ERR(scmi_tlm_de_desc_encode(&d, buf, sizeof(buf)), -ERANGE);
	memcpy(d.name, "tab\there", 9);
	ASSERT_ERR(scmi_tlm_de_desc_encode(&d, buf, sizeof(buf)), -ERANGE);
	memcpy(d.name, "del\x7f", 5);
	ASSERT_ERR(scmi_tlm_de_desc_encode(&d, buf, sizeof(buf)), -ERANGE);
	memcpy(d.name, "\xc3\xa9t\xc3\xa9", 6);
	ASSERT_ERR(scmi_tlm_de_desc_encode(&d, buf, sizeof(buf)), -ERANGE);
	/* Errors are reported before the room check, and nothing written. */
	ASSERT_ERR(scmi_tlm_de_desc_encode(&d, buf, 0), -ERANGE);
	ASSERT_EQ(buf[0], 0xEE);

	/* An empty name is a valid name. */
	d.name[0] = '\0';
	ASSERT_EQ(scmi_tlm_de_desc_encode(&d, buf, sizeof(buf)), 56);
	ASSERT_EQ(buf[40], 0);
}

STLM_TEST(de_desc_decode)
{
	static const struct {
		const struct scmi_tlm_de_desc *d;
		const char *hex;
	} t[] = {
		{ &desc_min, desc_min_hex },
		{ &desc_full, desc_full_hex },
		{ &desc_blk_fc, desc_blk_fc_hex },
		{ &desc_name, desc_name_hex },
	};
	struct scmi_tlm_de_desc d;
	uint8_t buf[80];
	size_t i, n;

	for (i = 0; i < ARRAY_SIZE(t); i++) {
		n = HX(buf, t[i].hex);
		memset(&d, 0xA5, sizeof(d));
		ASSERT_EQ(scmi_tlm_de_desc_decode(buf, n, &d), (int)n);
		assert_desc_eq(&d, t[i].d);
		/* Bytes after the descriptor are the next one's business. */
		memset(buf + n, 0xFF, sizeof(buf) - n);
		ASSERT_EQ(scmi_tlm_de_desc_decode(buf, sizeof(buf), &d),
			  (int)n);
		assert_desc_eq(&d, t[i].d);
	}
}

STLM_TEST(de_desc_decode_name_rules)
{
	struct scmi_tlm_de_desc d, sent;
	uint8_t buf[64];
	size_t n = HX(buf, desc_name_hex);

	memset(&sent, 0xA5, sizeof(sent));
	d = sent;

	/* 16 characters, no NUL. */
	buf[39] = 'P';
	ASSERT_ERR(scmi_tlm_de_desc_decode(buf, n, &d), -EPROTO);
	/* Non-printable before the NUL. */
	buf[39] = 0;
	buf[24] = 0x7F;
	ASSERT_ERR(scmi_tlm_de_desc_decode(buf, n, &d), -EPROTO);
	buf[24] = 0x1F;
	ASSERT_ERR(scmi_tlm_de_desc_decode(buf, n, &d), -EPROTO);
	buf[24] = 0x80;
	ASSERT_ERR(scmi_tlm_de_desc_decode(buf, n, &d), -EPROTO);
	ASSERT_MEMEQ(&d, &sent, sizeof(d));

	/* Anything after the NUL is not looked at. */
	HX(buf, desc_name_hex);
	memcpy(buf + 24, "ab\0\x01\xff\x7f zzzzzzzzz", 16);
	ASSERT_EQ(scmi_tlm_de_desc_decode(buf, n, &d), 40);
	ASSERT_STREQ(d.name, "ab");
	ASSERT_EQ(d.name[16], 0);
	/* Empty name. */
	buf[24] = 0;
	ASSERT_EQ(scmi_tlm_de_desc_decode(buf, n, &d), 40);
	ASSERT_TRUE(d.has_name);
	ASSERT_STREQ(d.name, "");
}

STLM_TEST(de_desc_decode_malformed)
{
	static const char *const hexes[] = { desc_min_hex, desc_full_hex,
					     desc_blk_fc_hex, desc_name_hex };
	struct scmi_tlm_de_desc d, sent;
	uint8_t ok[64], buf[64], *p;
	size_t n, i, j;

	memset(&sent, 0xA5, sizeof(sent));
	d = sent;

	/* A descriptor that ends mid-way, at every length. */
	for (j = 0; j < ARRAY_SIZE(hexes); j++) {
		n = HX(ok, hexes[j]);
		for (i = 0; i < n; i++) {
			p = dup_exact(ok, i);
			ASSERT_ERR(scmi_tlm_de_desc_decode(p, i, &d),
				   -EBADMSG);
			free(p);
		}
	}

	/* attr_1 reserved bits [4:2]. */
	n = HX(ok, desc_full_hex);
	for (i = 2; i <= 4; i++) {
		memcpy(buf, ok, n);
		buf[12] |= (uint8_t)(1u << i);
		ASSERT_ERR(scmi_tlm_de_desc_decode(buf, n, &d), -EPROTO);
	}
	/* ts_support 3. */
	memcpy(buf, ok, n);
	buf[12] |= 3;
	ASSERT_ERR(scmi_tlm_de_desc_decode(buf, n, &d), -EPROTO);
	/* attr_3 not zero. */
	memcpy(buf, ok, n);
	buf[23] = 0x80;
	ASSERT_ERR(scmi_tlm_de_desc_decode(buf, n, &d), -EPROTO);
	memcpy(buf, ok, n);
	buf[20] = 0x01;
	ASSERT_ERR(scmi_tlm_de_desc_decode(buf, n, &d), -EPROTO);

	/* Optional-part bits set on a bare 24-byte descriptor. */
	n = HX(ok, desc_min_hex);
	memcpy(buf, ok, n);
	buf[12] |= 1;		/* line ts: needs 28 */
	ASSERT_ERR(scmi_tlm_de_desc_decode(buf, n, &d), -EBADMSG);
	ASSERT_ERR(scmi_tlm_de_desc_decode(buf, 27, &d), -EBADMSG);
	memcpy(buf, ok, n);
	buf[15] |= 0x40;	/* FC: needs 36 */
	ASSERT_ERR(scmi_tlm_de_desc_decode(buf, n, &d), -EBADMSG);
	memcpy(buf, ok, n);
	buf[15] |= 0x80;	/* name: needs 40 */
	ASSERT_ERR(scmi_tlm_de_desc_decode(buf, 39, &d), -EBADMSG);

	ASSERT_MEMEQ(&d, &sent, sizeof(d));
}

STLM_TEST(de_desc_roundtrip_fields)
{
	struct scmi_tlm_de_desc in = desc_full, out;
	uint8_t buf[64];
	int e, n;

	/* Every unit_exp value survives its signed 8-bit field. */
	for (e = -128; e <= 127; e++) {
		in.unit_exp = (int8_t)e;
		in.type = (uint8_t)(e & 0xFF);
		in.unit = (uint8_t)(~e & 0xFF);
		in.persistent = e & 1;
		n = scmi_tlm_de_desc_encode(&in, buf, sizeof(buf));
		ASSERT_EQ(n, 56);
		ASSERT_EQ(scmi_tlm_de_desc_decode(buf, (size_t)n, &out), 56);
		assert_desc_eq(&out, &in);
	}
}

/* ------------------------------------------------------------------ */
/* DE_DESCRIPTION (§4.6)                                               */

STLM_TEST(de_description_encode_exact)
{
	const struct scmi_tlm_de_desc d[2] = { desc_min, desc_name };
	uint8_t want[128], buf[128];
	size_t n = HX(want, "00 00 00 00 02 00 00 00"), k = 99;

	n += hx(want + n, sizeof(want) - n, desc_min_hex);
	n += hx(want + n, sizeof(want) - n, desc_name_hex);
	ASSERT_EQ(n, 72);
	ASSERT_EQ(scmi_tlm_de_description_resp_encode(d, 2, buf, sizeof(buf),
						      &k), 72);
	ASSERT_EQ(k, 2);
	ASSERT_MEMEQ(buf, want, n);

	/* Empty list. */
	ASSERT_EQ(scmi_tlm_de_description_resp_encode(NULL, 0, buf, 8, &k), 8);
	ASSERT_EQ(k, 0);
	ASSERT_EQ(scmi_get_le32(buf + 4), 0);
	ASSERT_ERR(scmi_tlm_de_description_resp_encode(NULL, 0, buf, 7, &k),
		   -ENOSPC);
}

STLM_TEST(de_description_encode_104_byte_message)
{
	/* 104-byte max message = header + status + 96 bytes: cap 100. */
	struct scmi_tlm_de_desc d[10];
	uint8_t buf[1024];
	size_t i, k;

	/* 56-byte descriptors: one fits in 92 bytes, two would not. */
	for (i = 0; i < 10; i++) {
		d[i] = desc_full;
		d[i].id = (uint32_t)i;
	}
	ASSERT_EQ(scmi_tlm_de_description_resp_encode(d, 5, buf, 100, &k),
		  64);
	ASSERT_EQ(k, 1);
	ASSERT_EQ(scmi_get_le32(buf + 4), 0x00040001);

	/* 24-byte descriptors: three (80 bytes); a fourth would be 104. */
	for (i = 0; i < 10; i++) {
		d[i] = desc_min;
		d[i].id = (uint32_t)i;
	}
	ASSERT_EQ(scmi_tlm_de_description_resp_encode(d, 10, buf, 100, &k),
		  80);
	ASSERT_EQ(k, 3);
	ASSERT_EQ(scmi_get_le32(buf + 4), 0x00070003);

	/* Mixed 24 + 40 + 28 = 92: exactly at the limit. */
	d[0] = desc_min;
	d[1] = desc_name;
	d[2] = desc_min;
	d[2].ts_support = SCMI_TLM_TS_LINE;
	d[3] = desc_min;
	ASSERT_EQ(scmi_tlm_de_description_resp_encode(d, 4, buf, 100, &k),
		  100);
	ASSERT_EQ(k, 3);
	ASSERT_EQ(scmi_get_le32(buf + 4), 0x00010003);
	/* One byte less: the third no longer fits. */
	ASSERT_EQ(scmi_tlm_de_description_resp_encode(d, 4, buf, 99, &k), 72);
	ASSERT_EQ(k, 2);
	ASSERT_EQ(scmi_get_le32(buf + 4), 0x00020002);

	/* Packing stops at the first that does not fit (order is kept). */
	d[0] = desc_min;
	d[1] = desc_full;
	d[2] = desc_min;
	ASSERT_EQ(scmi_tlm_de_description_resp_encode(d, 3, buf, 8 + 24 + 55,
						      &k), 32);
	ASSERT_EQ(k, 1);
	ASSERT_EQ(scmi_get_le32(buf + 4), 0x00020001);

	/* Not even one fits. */
	k = 99;
	ASSERT_ERR(scmi_tlm_de_description_resp_encode(&desc_full, 1, buf, 63,
						       &k), -ENOSPC);
	ASSERT_ERR(scmi_tlm_de_description_resp_encode(&desc_min, 1, buf, 8,
						       &k), -ENOSPC);
	ASSERT_EQ(k, 99);
}

STLM_TEST(de_description_encode_invalid)
{
	struct scmi_tlm_de_desc d[2] = { desc_min, desc_full };
	uint8_t buf[256];
	size_t k = 99;

	d[1].ts_support = 3;
	ASSERT_ERR(scmi_tlm_de_description_resp_encode(d, 2, buf, sizeof(buf),
						       &k), -ERANGE);
	d[1] = desc_full;
	memcpy(d[1].name, "sixteen-chars-xx", 17);
	ASSERT_ERR(scmi_tlm_de_description_resp_encode(d, 2, buf, sizeof(buf),
						       &k), -ERANGE);
	ASSERT_EQ(k, 99);
}

STLM_TEST(de_description_decode)
{
	const struct scmi_tlm_de_desc in[4] = { desc_full, desc_min,
						desc_blk_fc, desc_name };
	struct scmi_tlm_de_desc out[4];
	struct scmi_list_hdr h;
	uint8_t buf[256];
	size_t k, i;
	int n;

	n = scmi_tlm_de_description_resp_encode(in, 4, buf, sizeof(buf), &k);
	ASSERT_EQ(n, 8 + 56 + 24 + 36 + 40);
	ASSERT_EQ(k, 4);
	ASSERT_EQ(scmi_tlm_de_description_resp_decode(buf, (size_t)n, &h, out,
						      4), 4);
	ASSERT_EQ(h.returned, 4);
	ASSERT_EQ(h.remaining, 0);
	for (i = 0; i < 4; i++)
		assert_desc_eq(&out[i], &in[i]);

	/* A page with more to come. */
	put32(buf, 4, 0x00100004);
	ASSERT_EQ(scmi_tlm_de_description_resp_decode(buf, (size_t)n, &h, out,
						      4), 4);
	ASSERT_EQ(h.remaining, 0x10);

	/* Empty. */
	HX(buf, "00 00 00 00 00 00 00 00");
	ASSERT_EQ(scmi_tlm_de_description_resp_decode(buf, 8, &h, NULL, 0), 0);
}

STLM_TEST(de_description_decode_malformed)
{
	const struct scmi_tlm_de_desc in[2] = { desc_full, desc_name };
	struct scmi_tlm_de_desc out[2], osent[2];
	struct scmi_list_hdr h, hsent = { 0xDEAD, 0xBEEF };
	uint8_t ok[256], buf[256], *p;
	size_t k, i;
	int n;

	memset(osent, 0xA5, sizeof(osent));
	memcpy(out, osent, sizeof(out));
	h = hsent;
	n = scmi_tlm_de_description_resp_encode(in, 2, ok, sizeof(ok), &k);
	ASSERT_EQ(n, 104);

	/* The reply ends inside a descriptor (or before the counter). */
	for (i = 0; i < (size_t)n; i++) {
		p = dup_exact(ok, i);
		ASSERT_ERR(scmi_tlm_de_description_resp_decode(p, i, &h, out,
							       2), -EBADMSG);
		free(p);
	}
	/* Bytes after the N-th descriptor. */
	ASSERT_ERR(scmi_tlm_de_description_resp_decode(ok, (size_t)n + 1, &h,
						       out, 2), -EMSGSIZE);
	memcpy(buf, ok, (size_t)n);
	put32(buf, 4, 1);
	ASSERT_ERR(scmi_tlm_de_description_resp_decode(buf, (size_t)n, &h, out,
						       2), -EMSGSIZE);
	/* N larger than the bytes can hold even at 24 per descriptor. */
	put32(buf, 4, 5);
	ASSERT_ERR(scmi_tlm_de_description_resp_decode(buf, (size_t)n, &h, out,
						       2), -EBADMSG);
	put32(buf, 4, 0xFFFF);
	ASSERT_ERR(scmi_tlm_de_description_resp_decode(buf, (size_t)n, &h, out,
						       2), -EBADMSG);
	/* N = 3: 96 >= 72, but the third descriptor is missing. */
	put32(buf, 4, 3);
	ASSERT_ERR(scmi_tlm_de_description_resp_decode(buf, (size_t)n, &h, out,
						       2), -EBADMSG);
	/* The second descriptor grows an FC it has no bytes for. */
	memcpy(buf, ok, (size_t)n);
	buf[8 + 56 + 15] |= 0x40;
	ASSERT_ERR(scmi_tlm_de_description_resp_decode(buf, (size_t)n, &h, out,
						       2), -EBADMSG);
	/* ...or loses its name: the name bytes become trailing bytes. */
	memcpy(buf, ok, (size_t)n);
	buf[8 + 56 + 15] &= 0x7F;
	ASSERT_ERR(scmi_tlm_de_description_resp_decode(buf, (size_t)n, &h, out,
						       2), -EMSGSIZE);
	/* Bad descriptor content. */
	memcpy(buf, ok, (size_t)n);
	buf[8 + 56 + 12] |= 0x04;
	ASSERT_ERR(scmi_tlm_de_description_resp_decode(buf, (size_t)n, &h, out,
						       2), -EPROTO);
	memcpy(buf, ok, (size_t)n);
	buf[8 + 56 - 1] = 'z';	/* first name loses its NUL padding */
	memset(buf + 8 + 40, 'z', 16);
	ASSERT_ERR(scmi_tlm_de_description_resp_decode(buf, (size_t)n, &h, out,
						       2), -EPROTO);
	/* N = 0 with remaining. */
	HX(buf, "00 00 00 00 00 00 01 00");
	ASSERT_ERR(scmi_tlm_de_description_resp_decode(buf, 8, &h, out, 2),
		   -EPROTO);
	/* Caller's array too small. */
	ASSERT_ERR(scmi_tlm_de_description_resp_decode(ok, (size_t)n, &h, out,
						       1), -E2BIG);
	/* Error status. */
	HX(buf, "FC FF FF FF");
	ASSERT_ERR(scmi_tlm_de_description_resp_decode(buf, 4, &h, out, 2),
		   -ENOENT);
	HX(buf, "FB FF FF FF 00 00");
	ASSERT_ERR(scmi_tlm_de_description_resp_decode(buf, 6, &h, out, 2),
		   -ERANGE);

	ASSERT_MEMEQ(&h, &hsent, sizeof(h));
	ASSERT_MEMEQ(out, osent, sizeof(out));
}

/* ------------------------------------------------------------------ */
/* LIST_UPDATE_INTERVALS (§4.7)                                        */

STLM_TEST(intervals_req)
{
	struct scmi_tlm_intervals_req r = { 5, SCMI_TLM_GROUP_NONE,
					    SCMI_TLM_SEL_ALL };
	struct scmi_tlm_intervals_req out;
	uint8_t want[16], buf[16];
	size_t n = HX(want, "05 00 00 00 FF FF FF FF 02 00 00 00");

	ASSERT_EQ(scmi_tlm_intervals_req_encode(&r, buf, sizeof(buf)), 12);
	ASSERT_MEMEQ(buf, want, n);
	ASSERT_EQ(scmi_tlm_intervals_req_decode(buf, 12, &out), 0);
	ASSERT_EQ(out.index, 5);
	ASSERT_EQ(out.group_id, SCMI_TLM_GROUP_NONE);
	ASSERT_EQ(out.selector, 2);

	r = (struct scmi_tlm_intervals_req){ 0, 7, SCMI_TLM_SEL_GROUP };
	ASSERT_EQ(scmi_tlm_intervals_req_encode(&r, buf, 12), 12);
	n = HX(want, "00 00 00 00 07 00 00 00 01 00 00 00");
	ASSERT_MEMEQ(buf, want, n);
	ASSERT_EQ(scmi_tlm_intervals_req_decode(buf, 12, &out), 0);
	ASSERT_EQ(out.selector, 1);
	ASSERT_EQ(out.group_id, 7);
	r.selector = SCMI_TLM_SEL_ORPHANS;
	ASSERT_EQ(scmi_tlm_intervals_req_encode(&r, buf, 12), 12);
	ASSERT_EQ(scmi_tlm_intervals_req_decode(buf, 12, &out), 0);
	ASSERT_EQ(out.selector, 0);

	ASSERT_ERR(scmi_tlm_intervals_req_encode(&r, buf, 11), -ENOSPC);
	r.selector = 16;
	ASSERT_ERR(scmi_tlm_intervals_req_encode(&r, buf, 12), -ERANGE);
}

STLM_TEST(intervals_req_malformed)
{
	struct scmi_tlm_intervals_req out, sent;
	uint8_t buf[16];
	size_t n = HX(buf, "05 00 00 00 FF FF FF FF 02 00 00 00");
	struct scmi_tlm_intervals_req r = { 1, 2, 3 };

	memset(&sent, 0xA5, sizeof(sent));
	out = sent;
	ASSERT_ERR(scmi_tlm_intervals_req_decode(buf, n - 1, &out), -EPROTO);
	ASSERT_ERR(scmi_tlm_intervals_req_decode(buf, n + 1, &out), -EPROTO);
	ASSERT_ERR(scmi_tlm_intervals_req_decode(buf, 0, &out), -EPROTO);
	put32(buf, 8, 3);
	ASSERT_ERR(scmi_tlm_intervals_req_decode(buf, n, &out), -EINVAL);
	put32(buf, 8, 0xF);
	ASSERT_ERR(scmi_tlm_intervals_req_decode(buf, n, &out), -EINVAL);
	put32(buf, 8, 0x12);
	ASSERT_ERR(scmi_tlm_intervals_req_decode(buf, n, &out), -EINVAL);
	put32(buf, 8, 0x80000000);
	ASSERT_ERR(scmi_tlm_intervals_req_decode(buf, n, &out), -EINVAL);
	ASSERT_MEMEQ(&out, &sent, sizeof(out));

	/* An invalid selector that fits can be sent (conformance tests). */
	ASSERT_EQ(scmi_tlm_intervals_req_encode(&r, buf, 12), 12);
	ASSERT_ERR(scmi_tlm_intervals_req_decode(buf, 12, &out), -EINVAL);
}

/* §6 examples in ascending order. */
static const struct scmi_tlm_interval iv_doc[4] = {
	{ 250, -6 }, { 10, -3 }, { 400, -3 }, { 1, 0 },
};

STLM_TEST(intervals_resp_encode_exact)
{
	static const struct scmi_tlm_interval rng[3] = {
		{ 10, -3 }, { 1, 0 }, { 10, -3 },
	};
	uint8_t want[64], buf[64];
	size_t n, k = 99;

	n = HX(want, "00 00 00 00 04 00 00 00"
		     "5A 1F 00 00 5D 01 00 00 1D 32 00 00 20 00 00 00");
	ASSERT_EQ(scmi_tlm_intervals_resp_encode(iv_doc, 4, false, buf,
						 sizeof(buf), &k), 24);
	ASSERT_EQ(k, 4);
	ASSERT_MEMEQ(buf, want, n);

	/* Range: counter 3 | bit 12, remaining 0. */
	n = HX(want, "00 00 00 00 03 10 00 00"
		     "5D 01 00 00 20 00 00 00 5D 01 00 00");
	ASSERT_EQ(scmi_tlm_intervals_resp_encode(rng, 3, true, buf,
						 sizeof(buf), &k), 20);
	ASSERT_EQ(k, 3);
	ASSERT_MEMEQ(buf, want, n);

	/* A discrete page cut short: 2 returned, 2 remaining. */
	n = HX(want, "00 00 00 00 02 00 02 00 5A 1F 00 00 5D 01 00 00");
	ASSERT_EQ(scmi_tlm_intervals_resp_encode(iv_doc, 4, false, buf, 19,
						 &k), 16);
	ASSERT_EQ(k, 2);
	ASSERT_MEMEQ(buf, want, n);

	/* Empty discrete list. */
	ASSERT_EQ(scmi_tlm_intervals_resp_encode(NULL, 0, false, buf, 8, &k),
		  8);
	ASSERT_EQ(k, 0);
	n = HX(want, "00 00 00 00 00 00 00 00");
	ASSERT_MEMEQ(buf, want, n);
}

STLM_TEST(intervals_resp_encode_limits)
{
	static struct scmi_tlm_interval many[5000];
	static uint8_t big[8 + 4 * 5000];
	struct scmi_tlm_interval bad[3] = { { 1, 0 }, { 2, 16 }, { 3, 0 } };
	uint8_t buf[128];
	size_t i, k = 99;

	for (i = 0; i < ARRAY_SIZE(many); i++)
		many[i] = (struct scmi_tlm_interval){ (uint16_t)(i + 1), -6 };

	/* 104-byte message: 92 bytes of intervals = 23. */
	ASSERT_EQ(scmi_tlm_intervals_resp_encode(many, 30, false, buf, 100,
						 &k), 100);
	ASSERT_EQ(k, 23);
	ASSERT_EQ(scmi_get_le32(buf + 4), 0x00070017);

	/* At most 0xFFF per page (12-bit N). */
	ASSERT_EQ(scmi_tlm_intervals_resp_encode(many, 5000, false, big,
						 sizeof(big), &k),
		  8 + 4 * 4095);
	ASSERT_EQ(k, 4095);
	ASSERT_EQ(scmi_get_le32(big + 4), 0x03890FFF);

	/* A range is exactly three entries, sent whole. */
	k = 99;
	ASSERT_ERR(scmi_tlm_intervals_resp_encode(many, 2, true, buf, 100, &k),
		   -EINVAL);
	ASSERT_ERR(scmi_tlm_intervals_resp_encode(many, 4, true, buf, 100, &k),
		   -EINVAL);
	ASSERT_ERR(scmi_tlm_intervals_resp_encode(NULL, 0, true, buf, 100, &k),
		   -EINVAL);
	ASSERT_ERR(scmi_tlm_intervals_resp_encode(many, 3, true, buf, 19, &k),
		   -ENOSPC);
	ASSERT_EQ(scmi_tlm_intervals_resp_encode(many, 3, true, buf, 20, &k),
		  20);
	ASSERT_EQ(k, 3);

	/* No room. */
	k = 99;
	ASSERT_ERR(scmi_tlm_intervals_resp_encode(many, 1, false, buf, 11, &k),
		   -ENOSPC);
	ASSERT_ERR(scmi_tlm_intervals_resp_encode(NULL, 0, false, buf, 7, &k),
		   -ENOSPC);
	/* An exponent that does not fit. */
	ASSERT_ERR(scmi_tlm_intervals_resp_encode(bad, 3, false, buf, 100, &k),
		   -ERANGE);
	ASSERT_ERR(scmi_tlm_intervals_resp_encode(bad, 3, true, buf, 100, &k),
		   -ERANGE);
	ASSERT_EQ(k, 99);
}

STLM_TEST(intervals_resp_decode)
{
	struct scmi_tlm_intervals_page pg;
	struct scmi_tlm_interval iv[8];
	uint8_t buf[64];
	size_t n, i;

	n = HX(buf, "00 00 00 00 04 00 00 00"
		    "5A 1F 00 00 5D 01 00 00 1D 32 00 00 20 00 00 00");
	ASSERT_EQ(scmi_tlm_intervals_resp_decode(buf, n, &pg, iv, 8), 4);
	ASSERT_EQ(pg.returned, 4);
	ASSERT_FALSE(pg.range);
	ASSERT_EQ(pg.remaining, 0);
	for (i = 0; i < 4; i++) {
		ASSERT_EQ(iv[i].secs, iv_doc[i].secs);
		ASSERT_EQ(iv[i].exp, iv_doc[i].exp);
	}

	/* Range {lowest, highest, step} need not be ascending. */
	n = HX(buf, "00 00 00 00 03 10 00 00"
		    "5D 01 00 00 20 00 00 00 5D 01 00 00");
	ASSERT_EQ(scmi_tlm_intervals_resp_decode(buf, n, &pg, iv, 3), 3);
	ASSERT_TRUE(pg.range);
	ASSERT_EQ(pg.returned, 3);
	ASSERT_EQ(pg.remaining, 0);
	ASSERT_EQ(iv[1].secs, 1);
	ASSERT_EQ(iv[1].exp, 0);
	ASSERT_EQ(iv[2].secs, 10);
	ASSERT_EQ(iv[2].exp, -3);

	/* A discrete page with more to come; 12-bit N and 16-bit remaining. */
	n = HX(buf, "00 00 00 00 01 00 FF FF 20 00 00 00");
	ASSERT_EQ(scmi_tlm_intervals_resp_decode(buf, n, &pg, iv, 1), 1);
	ASSERT_EQ(pg.returned, 1);
	ASSERT_EQ(pg.remaining, 0xFFFF);

	/* Empty discrete list (Linux accepts it). */
	n = HX(buf, "00 00 00 00 00 00 00 00");
	ASSERT_EQ(scmi_tlm_intervals_resp_decode(buf, n, &pg, NULL, 0), 0);
	ASSERT_EQ(pg.returned, 0);
}

STLM_TEST(intervals_resp_decode_malformed)
{
	static const char ok_hex[] =
		"00 00 00 00 04 00 00 00"
		"5A 1F 00 00 5D 01 00 00 1D 32 00 00 20 00 00 00";
	static const char rng_hex[] =
		"00 00 00 00 03 10 00 00"
		"5D 01 00 00 20 00 00 00 5D 01 00 00";
	struct scmi_tlm_intervals_page pg, pgsent;
	struct scmi_tlm_interval iv[8], ivsent[8];
	uint8_t ok[64], buf[64], *p;
	size_t n = HX(ok, ok_hex), i;

	memset(&pgsent, 0xA5, sizeof(pgsent));
	memset(ivsent, 0xA5, sizeof(ivsent));
	pg = pgsent;
	memcpy(iv, ivsent, sizeof(iv));

	for (i = 0; i < n; i++) {
		p = dup_exact(ok, i);
		ASSERT_ERR(scmi_tlm_intervals_resp_decode(p, i, &pg, iv, 8),
			   -EBADMSG);
		free(p);
	}
	ASSERT_ERR(scmi_tlm_intervals_resp_decode(ok, n + 4, &pg, iv, 8),
		   -EMSGSIZE);
	ASSERT_ERR(scmi_tlm_intervals_resp_decode(ok, n + 1, &pg, iv, 8),
		   -EMSGSIZE);

	/* Reserved flags bits [15:13]. */
	for (i = 13; i <= 15; i++) {
		memcpy(buf, ok, n);
		put32(buf, 4, 4u | 1u << i);
		ASSERT_ERR(scmi_tlm_intervals_resp_decode(buf, n, &pg, iv, 8),
			   -EPROTO);
	}
	/* Not strictly ascending: swapped, and equal durations. */
	memcpy(buf, ok, n);
	put32(buf, 12, 0x0000321D);
	put32(buf, 16, 0x0000015D);
	ASSERT_ERR(scmi_tlm_intervals_resp_decode(buf, n, &pg, iv, 8),
		   -EPROTO);
	memcpy(buf, ok, n);
	put32(buf, 16, 0x0000003E);	/* 1 * 10^-2 = 10 ms again */
	ASSERT_ERR(scmi_tlm_intervals_resp_decode(buf, n, &pg, iv, 8),
		   -EPROTO);
	memcpy(buf, ok, n);
	put32(buf, 20, 0x0000321D);	/* duplicate 400 ms */
	ASSERT_ERR(scmi_tlm_intervals_resp_decode(buf, n, &pg, iv, 8),
		   -EPROTO);
	/* An interval word with reserved bits. */
	memcpy(buf, ok, n);
	put32(buf, 20, 0x00200020);
	ASSERT_ERR(scmi_tlm_intervals_resp_decode(buf, n, &pg, iv, 8),
		   -EPROTO);
	/* N = 0 with remaining. */
	HX(buf, "00 00 00 00 00 00 01 00");
	ASSERT_ERR(scmi_tlm_intervals_resp_decode(buf, 8, &pg, iv, 8),
		   -EPROTO);

	/* Range with N != 3 or remaining != 0. */
	n = HX(buf, "00 00 00 00 02 10 00 00 5D 01 00 00 20 00 00 00");
	ASSERT_ERR(scmi_tlm_intervals_resp_decode(buf, n, &pg, iv, 8),
		   -EPROTO);
	n = HX(buf, "00 00 00 00 04 10 00 00"
		    "5D 01 00 00 20 00 00 00 5D 01 00 00 5D 01 00 00");
	ASSERT_ERR(scmi_tlm_intervals_resp_decode(buf, n, &pg, iv, 8),
		   -EPROTO);
	n = HX(buf, "00 00 00 00 00 10 00 00");
	ASSERT_ERR(scmi_tlm_intervals_resp_decode(buf, n, &pg, iv, 8),
		   -EPROTO);
	n = HX(buf, rng_hex);
	put32(buf, 4, 0x00011003);
	ASSERT_ERR(scmi_tlm_intervals_resp_decode(buf, n, &pg, iv, 8),
		   -EPROTO);
	/* Range with a reserved interval bit. */
	n = HX(buf, rng_hex);
	put32(buf, 16, 0x80000000);
	ASSERT_ERR(scmi_tlm_intervals_resp_decode(buf, n, &pg, iv, 8),
		   -EPROTO);

	/* Caller's array too small. */
	n = HX(buf, ok_hex);
	ASSERT_ERR(scmi_tlm_intervals_resp_decode(buf, n, &pg, iv, 3),
		   -E2BIG);
	n = HX(buf, rng_hex);
	ASSERT_ERR(scmi_tlm_intervals_resp_decode(buf, n, &pg, iv, 2),
		   -E2BIG);

	/* Error status. */
	HX(buf, "FB FF FF FF");
	ASSERT_ERR(scmi_tlm_intervals_resp_decode(buf, 4, &pg, iv, 8),
		   -ERANGE);

	ASSERT_MEMEQ(&pg, &pgsent, sizeof(pg));
	ASSERT_MEMEQ(iv, ivsent, sizeof(iv));
}

/* ------------------------------------------------------------------ */
/* DE_CONFIGURE (§4.8, §7.8, §12)                                      */

STLM_TEST(de_configure_req_doc_example)
{
	/* §12: enable DE 0xA001 with timestamps, token 7. */
	struct scmi_hdr h = { SCMI_TLM_DE_CONFIGURE, SCMI_MSG_COMMAND,
			      SCMI_PROTO_TELEMETRY, 7 };
	struct scmi_tlm_de_configure_req r = { 0xA001, SCMI_TLM_DE_ENABLE_TS,
					       false, false };
	struct scmi_tlm_de_configure_req out;
	uint8_t want[16], msg[16];
	size_t n = HX(want, "06 6C 1C 00 01 A0 00 00 02 00 00 00");

	scmi_put_le32(msg, scmi_hdr_pack(&h));
	ASSERT_EQ(scmi_tlm_de_configure_req_encode(&r, msg + 4,
						   sizeof(msg) - 4), 8);
	ASSERT_MEMEQ(msg, want, n);

	ASSERT_EQ(scmi_tlm_de_configure_req_decode(want + 4, 8, &out), 0);
	ASSERT_EQ(out.id, 0xA001);
	ASSERT_EQ(out.mode, SCMI_TLM_DE_ENABLE_TS);
	ASSERT_FALSE(out.disable_all);
	ASSERT_FALSE(out.group);
}

STLM_TEST(de_configure_req)
{
	struct scmi_tlm_de_configure_req r, out;
	uint8_t want[16], buf[16];
	size_t n;

	/* Enable group 7 without timestamps: flags = 1 | 1<<3. */
	r = (struct scmi_tlm_de_configure_req){ 7, SCMI_TLM_DE_ENABLE, false,
						true };
	n = HX(want, "07 00 00 00 09 00 00 00");
	ASSERT_EQ(scmi_tlm_de_configure_req_encode(&r, buf, 8), 8);
	ASSERT_MEMEQ(buf, want, n);
	ASSERT_EQ(scmi_tlm_de_configure_req_decode(buf, 8, &out), 0);
	ASSERT_EQ(out.id, 7);
	ASSERT_EQ(out.mode, 1);
	ASSERT_TRUE(out.group);
	ASSERT_FALSE(out.disable_all);

	/* Disable one DE. */
	r = (struct scmi_tlm_de_configure_req){ 0xA000, SCMI_TLM_DE_DISABLE,
						false, false };
	n = HX(want, "00 A0 00 00 00 00 00 00");
	ASSERT_EQ(scmi_tlm_de_configure_req_encode(&r, buf, 8), 8);
	ASSERT_MEMEQ(buf, want, n);

	/*
	 * disable_all: the identifier is leftover garbage (Linux), not
	 * validated, returned as read. With bit 3 as Linux sends for groups.
	 */
	n = HX(buf, "EF BE AD DE 0C 00 00 00");
	ASSERT_EQ(scmi_tlm_de_configure_req_decode(buf, n, &out), 0);
	ASSERT_EQ(out.id, 0xDEADBEEF);
	ASSERT_EQ(out.mode, 0);
	ASSERT_TRUE(out.disable_all);
	ASSERT_TRUE(out.group);
	r = (struct scmi_tlm_de_configure_req){ 0, SCMI_TLM_DE_DISABLE, true,
						false };
	n = HX(want, "00 00 00 00 04 00 00 00");
	ASSERT_EQ(scmi_tlm_de_configure_req_encode(&r, buf, 8), 8);
	ASSERT_MEMEQ(buf, want, n);

	ASSERT_ERR(scmi_tlm_de_configure_req_encode(&r, buf, 7), -ENOSPC);
	r.mode = 4;
	ASSERT_ERR(scmi_tlm_de_configure_req_encode(&r, buf, 8), -ERANGE);
}

STLM_TEST(de_configure_req_malformed)
{
	struct scmi_tlm_de_configure_req r, out, sent;
	uint8_t buf[16];

	memset(&sent, 0xA5, sizeof(sent));
	out = sent;

	HX(buf, "01 A0 00 00 02 00 00 00 00");
	ASSERT_ERR(scmi_tlm_de_configure_req_decode(buf, 7, &out), -EPROTO);
	ASSERT_ERR(scmi_tlm_de_configure_req_decode(buf, 9, &out), -EPROTO);
	ASSERT_ERR(scmi_tlm_de_configure_req_decode(buf, 4, &out), -EPROTO);
	ASSERT_ERR(scmi_tlm_de_configure_req_decode(buf, 0, &out), -EPROTO);
	/* Reserved bits [31:4]. */
	put32(buf, 4, 0x12);
	ASSERT_ERR(scmi_tlm_de_configure_req_decode(buf, 8, &out), -EINVAL);
	put32(buf, 4, 0x80000001);
	ASSERT_ERR(scmi_tlm_de_configure_req_decode(buf, 8, &out), -EINVAL);
	/* de_mode 3. */
	put32(buf, 4, 0x3);
	ASSERT_ERR(scmi_tlm_de_configure_req_decode(buf, 8, &out), -EINVAL);
	put32(buf, 4, 0xB);
	ASSERT_ERR(scmi_tlm_de_configure_req_decode(buf, 8, &out), -EINVAL);
	/* disable_all with a mode. */
	put32(buf, 4, 0x5);
	ASSERT_ERR(scmi_tlm_de_configure_req_decode(buf, 8, &out), -EINVAL);
	put32(buf, 4, 0x6);
	ASSERT_ERR(scmi_tlm_de_configure_req_decode(buf, 8, &out), -EINVAL);
	put32(buf, 4, 0x7);
	ASSERT_ERR(scmi_tlm_de_configure_req_decode(buf, 8, &out), -EINVAL);
	ASSERT_MEMEQ(&out, &sent, sizeof(out));

	/* Invalid but encodable requests (for conformance tests). */
	r = (struct scmi_tlm_de_configure_req){ 1, 3, false, false };
	ASSERT_EQ(scmi_tlm_de_configure_req_encode(&r, buf, 8), 8);
	ASSERT_EQ(scmi_get_le32(buf + 4), 3);
	ASSERT_ERR(scmi_tlm_de_configure_req_decode(buf, 8, &out), -EINVAL);
	r = (struct scmi_tlm_de_configure_req){ 1, 2, true, true };
	ASSERT_EQ(scmi_tlm_de_configure_req_encode(&r, buf, 8), 8);
	ASSERT_EQ(scmi_get_le32(buf + 4), 0xE);
	ASSERT_ERR(scmi_tlm_de_configure_req_decode(buf, 8, &out), -EINVAL);
}

STLM_TEST(de_configure_resp_doc_example)
{
	/* §7.8: DE_CONFIGURE responses for the worked TDCF layout. */
	static const struct {
		const char *hex;
		uint32_t offset, blk;
	} t[] = {
		{ "00 00 00 00 00 00 00 00 20 00 00 00 00 00 00 00", 0x20, 0 },
		{ "00 00 00 00 00 00 00 00 30 00 00 00 00 00 00 00", 0x30, 0 },
		{ "00 00 00 00 00 00 00 00 48 00 00 00 10 00 00 00", 0x48,
		  0x10 },
	};
	struct scmi_tlm_de_configure_resp r, out;
	uint8_t want[32], buf[32];
	size_t i, n;

	for (i = 0; i < ARRAY_SIZE(t); i++) {
		n = HX(want, t[i].hex);
		r = (struct scmi_tlm_de_configure_resp){ 0, t[i].offset,
							 t[i].blk };
		ASSERT_EQ(scmi_tlm_de_configure_resp_encode(&r, buf,
							    sizeof(buf)), 16);
		ASSERT_MEMEQ(buf, want, n);
		ASSERT_EQ(scmi_tlm_de_configure_resp_decode(want, n, &out), 0);
		ASSERT_EQ(out.shmti_id, 0);
		ASSERT_EQ(out.de_offset, t[i].offset);
		ASSERT_EQ(out.blk_ts_offset, t[i].blk);
	}

	/* §12 read-back: header, status, then the three words. */
	n = HX(buf, "06 6C 1C 00 00 00 00 00 00 00 00 00 30 00 00 00"
		    "00 00 00 00");
	ASSERT_EQ(n, 20);
	ASSERT_EQ(scmi_tlm_de_configure_resp_decode(buf + 4, n - 4, &out), 0);
	ASSERT_EQ(out.de_offset, 0x30);
}

STLM_TEST(de_configure_resp)
{
	struct scmi_tlm_de_configure_resp r, out, sent;
	uint8_t buf[32], *p;
	size_t n, i;

	/* No SHMTI: offsets are not interpreted (SCP-alpha uses ~0). */
	n = HX(buf, "00 00 00 00 FF FF FF FF FF FF FF FF 03 00 00 00");
	ASSERT_EQ(scmi_tlm_de_configure_resp_decode(buf, n, &out), 0);
	ASSERT_EQ(out.shmti_id, SCMI_TLM_SHMTI_NONE);
	ASSERT_EQ(out.de_offset, 0xFFFFFFFF);
	ASSERT_EQ(out.blk_ts_offset, 3);
	r = (struct scmi_tlm_de_configure_resp){ SCMI_TLM_SHMTI_NONE, 0, 0 };
	ASSERT_EQ(scmi_tlm_de_configure_resp_encode(&r, buf, 16), 16);
	ASSERT_EQ(scmi_get_le32(buf + 4), 0xFFFFFFFF);
	ASSERT_EQ(scmi_tlm_de_configure_resp_decode(buf, 16, &out), 0);
	ASSERT_ERR(scmi_tlm_de_configure_resp_encode(&r, buf, 15), -ENOSPC);

	memset(&sent, 0xA5, sizeof(sent));
	out = sent;
	/* Misaligned offsets with a valid SHMTI. */
	n = HX(buf, "00 00 00 00 01 00 00 00 24 00 00 00 00 00 00 00");
	ASSERT_ERR(scmi_tlm_de_configure_resp_decode(buf, n, &out), -EPROTO);
	n = HX(buf, "00 00 00 00 01 00 00 00 20 00 00 00 14 00 00 00");
	ASSERT_ERR(scmi_tlm_de_configure_resp_decode(buf, n, &out), -EPROTO);
	n = HX(buf, "00 00 00 00 00 00 00 00 21 00 00 00 10 00 00 00");
	ASSERT_ERR(scmi_tlm_de_configure_resp_decode(buf, n, &out), -EPROTO);
	/* Length. */
	n = HX(buf, "00 00 00 00 00 00 00 00 20 00 00 00 00 00 00 00 00");
	for (i = 0; i < 16; i++) {
		p = dup_exact(buf, i);
		ASSERT_ERR(scmi_tlm_de_configure_resp_decode(p, i, &out),
			   -EBADMSG);
		free(p);
	}
	ASSERT_ERR(scmi_tlm_de_configure_resp_decode(buf, 17, &out),
		   -EMSGSIZE);
	/* Error statuses. */
	HX(buf, "FE FF FF FF");
	ASSERT_ERR(scmi_tlm_de_configure_resp_decode(buf, 4, &out), -EINVAL);
	HX(buf, "F5 FF FF FF");
	ASSERT_ERR(scmi_tlm_de_configure_resp_decode(buf, 4, &out), -EPERM);
	HX(buf, "FB FF FF FF 00 00 00 00");
	ASSERT_ERR(scmi_tlm_de_configure_resp_decode(buf, 8, &out), -ERANGE);
	HX(buf, "01 00 00 00");
	ASSERT_ERR(scmi_tlm_de_configure_resp_decode(buf, 4, &out), -EIO);
	ASSERT_MEMEQ(&out, &sent, sizeof(out));
}

/* ------------------------------------------------------------------ */
/* DE_ENABLED_LIST (§4.9)                                              */

STLM_TEST(enabled_req)
{
	struct scmi_tlm_enabled_req r = { 3, true }, out, sent;
	uint8_t want[16], buf[16];
	size_t n = HX(want, "03 00 00 00 01 00 00 00");

	ASSERT_EQ(scmi_tlm_enabled_req_encode(&r, buf, 8), 8);
	ASSERT_MEMEQ(buf, want, n);
	ASSERT_EQ(scmi_tlm_enabled_req_decode(buf, 8, &out), 0);
	ASSERT_EQ(out.index, 3);
	ASSERT_TRUE(out.groups);
	r = (struct scmi_tlm_enabled_req){ 0, false };
	n = HX(want, "00 00 00 00 00 00 00 00");
	ASSERT_EQ(scmi_tlm_enabled_req_encode(&r, buf, 8), 8);
	ASSERT_MEMEQ(buf, want, n);
	ASSERT_EQ(scmi_tlm_enabled_req_decode(buf, 8, &out), 0);
	ASSERT_FALSE(out.groups);
	ASSERT_ERR(scmi_tlm_enabled_req_encode(&r, buf, 7), -ENOSPC);

	memset(&sent, 0xA5, sizeof(sent));
	out = sent;
	ASSERT_ERR(scmi_tlm_enabled_req_decode(buf, 7, &out), -EPROTO);
	ASSERT_ERR(scmi_tlm_enabled_req_decode(buf, 9, &out), -EPROTO);
	ASSERT_ERR(scmi_tlm_enabled_req_decode(buf, 4, &out), -EPROTO);
	put32(buf, 4, 2);
	ASSERT_ERR(scmi_tlm_enabled_req_decode(buf, 8, &out), -EINVAL);
	put32(buf, 4, 0x80000001);
	ASSERT_ERR(scmi_tlm_enabled_req_decode(buf, 8, &out), -EINVAL);
	ASSERT_MEMEQ(&out, &sent, sizeof(out));
}

static const char enabled_page_hex[] =
	"00 00 00 00 02 00 00 00"
	"00 A0 00 00 01 00 00 00"
	"02 A0 00 00 02 00 00 00";

STLM_TEST(enabled_resp_encode)
{
	const struct scmi_tlm_enabled_entry e[2] = { { 0xA000, 1 },
						     { 0xA002, 2 } };
	struct scmi_tlm_enabled_entry many[20];
	uint8_t want[64], buf[256];
	size_t n = HX(want, enabled_page_hex), k = 99, i;

	ASSERT_EQ(scmi_tlm_enabled_resp_encode(e, 2, buf, sizeof(buf), &k),
		  24);
	ASSERT_EQ(k, 2);
	ASSERT_MEMEQ(buf, want, n);

	/* 104-byte message: 92 / 8 = 11 entries. */
	for (i = 0; i < 20; i++)
		many[i] = (struct scmi_tlm_enabled_entry){ (uint32_t)i, 1 };
	ASSERT_EQ(scmi_tlm_enabled_resp_encode(many, 20, buf, 100, &k), 96);
	ASSERT_EQ(k, 11);
	ASSERT_EQ(scmi_get_le32(buf + 4), 0x0009000B);

	/* Nothing enabled: SUCCESS with 0 entries (§4.9 advice). */
	ASSERT_EQ(scmi_tlm_enabled_resp_encode(NULL, 0, buf, 8, &k), 8);
	ASSERT_EQ(k, 0);
	n = HX(want, "00 00 00 00 00 00 00 00");
	ASSERT_MEMEQ(buf, want, n);

	k = 99;
	ASSERT_ERR(scmi_tlm_enabled_resp_encode(e, 2, buf, 15, &k), -ENOSPC);
	ASSERT_ERR(scmi_tlm_enabled_resp_encode(NULL, 0, buf, 7, &k), -ENOSPC);
	ASSERT_EQ(k, 99);
}

STLM_TEST(enabled_resp_decode)
{
	struct scmi_tlm_enabled_entry e[4], esent[4];
	struct scmi_list_hdr h, hsent = { 0xDEAD, 0xBEEF };
	uint8_t ok[64], buf[64], *p;
	size_t n = HX(ok, enabled_page_hex), i;

	ASSERT_EQ(scmi_tlm_enabled_resp_decode(ok, n, &h, e, 4), 2);
	ASSERT_EQ(h.returned, 2);
	ASSERT_EQ(h.remaining, 0);
	ASSERT_EQ(e[0].id, 0xA000);
	ASSERT_EQ(e[0].mode, 1);
	ASSERT_EQ(e[1].id, 0xA002);
	ASSERT_EQ(e[1].mode, 2);
	HX(buf, "00 00 00 00 00 00 00 00");
	ASSERT_EQ(scmi_tlm_enabled_resp_decode(buf, 8, &h, NULL, 0), 0);

	memset(esent, 0xA5, sizeof(esent));
	memcpy(e, esent, sizeof(e));
	h = hsent;
	for (i = 0; i < n; i++) {
		p = dup_exact(ok, i);
		ASSERT_ERR(scmi_tlm_enabled_resp_decode(p, i, &h, e, 4),
			   -EBADMSG);
		free(p);
	}
	ASSERT_ERR(scmi_tlm_enabled_resp_decode(ok, n + 8, &h, e, 4),
		   -EMSGSIZE);
	/* Modes other than 1 and 2, including reserved bits [31:2]. */
	memcpy(buf, ok, n);
	put32(buf, 20, 0);
	ASSERT_ERR(scmi_tlm_enabled_resp_decode(buf, n, &h, e, 4), -EPROTO);
	put32(buf, 20, 3);
	ASSERT_ERR(scmi_tlm_enabled_resp_decode(buf, n, &h, e, 4), -EPROTO);
	put32(buf, 20, 0x5);
	ASSERT_ERR(scmi_tlm_enabled_resp_decode(buf, n, &h, e, 4), -EPROTO);
	put32(buf, 20, 0x80000002);
	ASSERT_ERR(scmi_tlm_enabled_resp_decode(buf, n, &h, e, 4), -EPROTO);
	/* Counter. */
	HX(buf, "00 00 00 00 00 00 02 00");
	ASSERT_ERR(scmi_tlm_enabled_resp_decode(buf, 8, &h, e, 4), -EPROTO);
	/* Too many for the caller. */
	ASSERT_ERR(scmi_tlm_enabled_resp_decode(ok, n, &h, e, 1), -E2BIG);
	/* Error status. */
	HX(buf, "FB FF FF FF");
	ASSERT_ERR(scmi_tlm_enabled_resp_decode(buf, 4, &h, e, 4), -ERANGE);

	ASSERT_MEMEQ(&h, &hsent, sizeof(h));
	ASSERT_MEMEQ(e, esent, sizeof(e));
}

/* ------------------------------------------------------------------ */
/* CONFIG_SET (§4.10)                                                  */

STLM_TEST(config_set_req_encode_exact)
{
	struct scmi_tlm_config_set_req r;
	uint8_t want[16], buf[16];
	size_t n;

	/* Notifications every 400 ms, instance-wide: control 1|1<<1|2<<5. */
	r = (struct scmi_tlm_config_set_req){ SCMI_TLM_GROUP_NONE, true,
					      SCMI_TLM_MODE_NOTIFY,
					      SCMI_TLM_SEL_ALL, { 400, -3 } };
	n = HX(want, "FF FF FF FF 43 00 00 00 1D 32 00 00");
	ASSERT_EQ(scmi_tlm_config_set_req_encode(&r, buf, sizeof(buf)), 12);
	ASSERT_MEMEQ(buf, want, n);

	/* Linux single sample: enable, mode 2, selector 2, rate 0. */
	r = (struct scmi_tlm_config_set_req){ SCMI_TLM_GROUP_NONE, true,
					      SCMI_TLM_MODE_SINGLE,
					      SCMI_TLM_SEL_ALL, { 0, 0 } };
	n = HX(want, "FF FF FF FF 45 00 00 00 00 00 00 00");
	ASSERT_EQ(scmi_tlm_config_set_req_encode(&r, buf, sizeof(buf)), 12);
	ASSERT_MEMEQ(buf, want, n);

	/* Group 3, on demand, every 250 us: control 1 | 1<<5. */
	r = (struct scmi_tlm_config_set_req){ 3, true, SCMI_TLM_MODE_ON_DEMAND,
					      SCMI_TLM_SEL_GROUP, { 250, -6 } };
	n = HX(want, "03 00 00 00 21 00 00 00 5A 1F 00 00");
	ASSERT_EQ(scmi_tlm_config_set_req_encode(&r, buf, sizeof(buf)), 12);
	ASSERT_MEMEQ(buf, want, n);

	/* Disable, orphans: the last interval is re-sent (Linux). */
	r = (struct scmi_tlm_config_set_req){ SCMI_TLM_GROUP_NONE, false, 0,
					      SCMI_TLM_SEL_ORPHANS, { 1, 0 } };
	n = HX(want, "FF FF FF FF 00 00 00 00 20 00 00 00");
	ASSERT_EQ(scmi_tlm_config_set_req_encode(&r, buf, sizeof(buf)), 12);
	ASSERT_MEMEQ(buf, want, n);

	/* Fields that fit but are invalid can be sent; too wide cannot. */
	r = (struct scmi_tlm_config_set_req){ 0, true, 15, 15, { 1, 0 } };
	ASSERT_EQ(scmi_tlm_config_set_req_encode(&r, buf, 12), 12);
	ASSERT_EQ(scmi_get_le32(buf + 4), 0x1FF);
	r.mode = 16;
	ASSERT_ERR(scmi_tlm_config_set_req_encode(&r, buf, 12), -ERANGE);
	r.mode = 0;
	r.selector = 16;
	ASSERT_ERR(scmi_tlm_config_set_req_encode(&r, buf, 12), -ERANGE);
	r.selector = 0;
	r.interval.exp = 16;
	ASSERT_ERR(scmi_tlm_config_set_req_encode(&r, buf, 12), -ERANGE);
	r.interval.exp = 0;
	ASSERT_ERR(scmi_tlm_config_set_req_encode(&r, buf, 11), -ENOSPC);
}

STLM_TEST(config_set_req_decode)
{
	struct scmi_tlm_config_set_req out;
	uint8_t buf[16];
	size_t n;

	n = HX(buf, "FF FF FF FF 43 00 00 00 1D 32 00 00");
	ASSERT_EQ(scmi_tlm_config_set_req_decode(buf, n, &out), 0);
	ASSERT_EQ(out.group_id, SCMI_TLM_GROUP_NONE);
	ASSERT_TRUE(out.enable);
	ASSERT_EQ(out.mode, SCMI_TLM_MODE_NOTIFY);
	ASSERT_EQ(out.selector, SCMI_TLM_SEL_ALL);
	ASSERT_EQ(out.interval.secs, 400);
	ASSERT_EQ(out.interval.exp, -3);

	/* Group selector in control[8:5]. */
	n = HX(buf, "03 00 00 00 21 00 00 00 5A 1F 00 00");
	ASSERT_EQ(scmi_tlm_config_set_req_decode(buf, n, &out), 0);
	ASSERT_EQ(out.group_id, 3);
	ASSERT_EQ(out.selector, SCMI_TLM_SEL_GROUP);
	ASSERT_EQ(out.mode, SCMI_TLM_MODE_ON_DEMAND);
	ASSERT_EQ(out.interval.secs, 250);
	ASSERT_EQ(out.interval.exp, -6);

	/* Single sample: the interval is not meaningful, whatever it holds. */
	n = HX(buf, "FF FF FF FF 45 00 00 00 FF FF FF FF");
	ASSERT_EQ(scmi_tlm_config_set_req_decode(buf, n, &out), 0);
	ASSERT_EQ(out.mode, SCMI_TLM_MODE_SINGLE);
	ASSERT_EQ(out.interval.secs, 0);
	ASSERT_EQ(out.interval.exp, 0);
	/* Disable: same, and mode is not validated. */
	n = HX(buf, "FF FF FF FF 5E 00 00 00 20 00 E0 FF");
	ASSERT_EQ(scmi_tlm_config_set_req_decode(buf, n, &out), 0);
	ASSERT_FALSE(out.enable);
	ASSERT_EQ(out.mode, 15);
	ASSERT_EQ(out.selector, SCMI_TLM_SEL_ALL);
	ASSERT_EQ(out.interval.secs, 0);
	ASSERT_EQ(out.interval.exp, 0);
}

STLM_TEST(config_set_req_malformed)
{
	struct scmi_tlm_config_set_req out, sent;
	uint8_t ok[16], buf[16];
	size_t n = HX(ok, "FF FF FF FF 43 00 00 00 1D 32 00 00");

	memset(&sent, 0xA5, sizeof(sent));
	out = sent;
	ASSERT_ERR(scmi_tlm_config_set_req_decode(ok, 11, &out), -EPROTO);
	ASSERT_ERR(scmi_tlm_config_set_req_decode(ok, 13, &out), -EPROTO);
	ASSERT_ERR(scmi_tlm_config_set_req_decode(ok, 8, &out), -EPROTO);
	ASSERT_ERR(scmi_tlm_config_set_req_decode(ok, 0, &out), -EPROTO);
	memcpy(buf, ok, n);
	/* control[31:9]. */
	put32(buf, 4, 0x243);
	ASSERT_ERR(scmi_tlm_config_set_req_decode(buf, n, &out), -EINVAL);
	put32(buf, 4, 0x80000043);
	ASSERT_ERR(scmi_tlm_config_set_req_decode(buf, n, &out), -EINVAL);
	/* Selector 3 and 15. */
	put32(buf, 4, 0x63);
	ASSERT_ERR(scmi_tlm_config_set_req_decode(buf, n, &out), -EINVAL);
	put32(buf, 4, 0x1E3);
	ASSERT_ERR(scmi_tlm_config_set_req_decode(buf, n, &out), -EINVAL);
	put32(buf, 4, 0x60);	/* even when disabling */
	ASSERT_ERR(scmi_tlm_config_set_req_decode(buf, n, &out), -EINVAL);
	/* Enable with mode 3 and 15. */
	put32(buf, 4, 0x47);
	ASSERT_ERR(scmi_tlm_config_set_req_decode(buf, n, &out), -EINVAL);
	put32(buf, 4, 0x5F);
	ASSERT_ERR(scmi_tlm_config_set_req_decode(buf, n, &out), -EINVAL);
	/* A meaningful interval with reserved bits (mode 0 and mode 1). */
	memcpy(buf, ok, n);
	put32(buf, 8, 0x0020321D);
	ASSERT_ERR(scmi_tlm_config_set_req_decode(buf, n, &out), -EINVAL);
	put32(buf, 4, 0x41);
	ASSERT_ERR(scmi_tlm_config_set_req_decode(buf, n, &out), -EINVAL);
	ASSERT_MEMEQ(&out, &sent, sizeof(out));
}

/* ------------------------------------------------------------------ */
/* CONFIG_GET (§4.11)                                                  */

STLM_TEST(config_get_req)
{
	struct scmi_tlm_config_get_req r = { SCMI_TLM_GROUP_NONE,
					     SCMI_TLM_SEL_ORPHANS };
	struct scmi_tlm_config_get_req out, sent;
	uint8_t want[16], buf[16];
	size_t n;

	/* Linux at probe: group ~0, selector 0 in flags[3:0]. */
	n = HX(want, "FF FF FF FF 00 00 00 00");
	ASSERT_EQ(scmi_tlm_config_get_req_encode(&r, buf, 8), 8);
	ASSERT_MEMEQ(buf, want, n);
	ASSERT_EQ(scmi_tlm_config_get_req_decode(buf, 8, &out), 0);
	ASSERT_EQ(out.group_id, SCMI_TLM_GROUP_NONE);
	ASSERT_EQ(out.selector, 0);
	r = (struct scmi_tlm_config_get_req){ 3, SCMI_TLM_SEL_GROUP };
	n = HX(want, "03 00 00 00 01 00 00 00");
	ASSERT_EQ(scmi_tlm_config_get_req_encode(&r, buf, 8), 8);
	ASSERT_MEMEQ(buf, want, n);
	ASSERT_EQ(scmi_tlm_config_get_req_decode(buf, 8, &out), 0);
	ASSERT_EQ(out.group_id, 3);
	ASSERT_EQ(out.selector, 1);
	n = HX(buf, "00 00 00 00 02 00 00 00");
	ASSERT_EQ(scmi_tlm_config_get_req_decode(buf, n, &out), 0);
	ASSERT_EQ(out.selector, 2);

	ASSERT_ERR(scmi_tlm_config_get_req_encode(&r, buf, 7), -ENOSPC);
	r.selector = 16;
	ASSERT_ERR(scmi_tlm_config_get_req_encode(&r, buf, 8), -ERANGE);

	memset(&sent, 0xA5, sizeof(sent));
	out = sent;
	ASSERT_ERR(scmi_tlm_config_get_req_decode(buf, 7, &out), -EPROTO);
	ASSERT_ERR(scmi_tlm_config_get_req_decode(buf, 9, &out), -EPROTO);
	ASSERT_ERR(scmi_tlm_config_get_req_decode(buf, 12, &out), -EPROTO);
	put32(buf, 4, 3);
	ASSERT_ERR(scmi_tlm_config_get_req_decode(buf, 8, &out), -EINVAL);
	/* The SCP [8:5] layout is not ours: reserved bits. */
	put32(buf, 4, 0x20);
	ASSERT_ERR(scmi_tlm_config_get_req_decode(buf, 8, &out), -EINVAL);
	put32(buf, 4, 0x80000000);
	ASSERT_ERR(scmi_tlm_config_get_req_decode(buf, 8, &out), -EINVAL);
	ASSERT_MEMEQ(&out, &sent, sizeof(out));
}

STLM_TEST(config_get_resp)
{
	struct scmi_tlm_config_get_resp r = { true, SCMI_TLM_MODE_ON_DEMAND,
					      { 1, 0 } };
	struct scmi_tlm_config_get_resp out, sent;
	uint8_t want[16], buf[16], *p;
	size_t n, i;

	n = HX(want, "00 00 00 00 01 00 00 00 20 00 00 00");
	ASSERT_EQ(scmi_tlm_config_get_resp_encode(&r, buf, sizeof(buf)), 12);
	ASSERT_MEMEQ(buf, want, n);
	ASSERT_EQ(scmi_tlm_config_get_resp_decode(buf, 12, &out), 0);
	ASSERT_TRUE(out.enable);
	ASSERT_EQ(out.mode, 0);
	ASSERT_EQ(out.interval.secs, 1);
	ASSERT_EQ(out.interval.exp, 0);

	r = (struct scmi_tlm_config_get_resp){ true, SCMI_TLM_MODE_NOTIFY,
					       { 10, -3 } };
	n = HX(want, "00 00 00 00 03 00 00 00 5D 01 00 00");
	ASSERT_EQ(scmi_tlm_config_get_resp_encode(&r, buf, 12), 12);
	ASSERT_MEMEQ(buf, want, n);

	/* Disabled, SCP style interval 0. */
	n = HX(buf, "00 00 00 00 00 00 00 00 00 00 00 00");
	ASSERT_EQ(scmi_tlm_config_get_resp_decode(buf, n, &out), 0);
	ASSERT_FALSE(out.enable);
	ASSERT_EQ(out.interval.secs, 0);
	/* An echoed selector in control[8:5] is tolerated. */
	n = HX(buf, "00 00 00 00 45 00 00 00 1D 32 00 00");
	ASSERT_EQ(scmi_tlm_config_get_resp_decode(buf, n, &out), 0);
	ASSERT_TRUE(out.enable);
	ASSERT_EQ(out.mode, SCMI_TLM_MODE_SINGLE);
	ASSERT_EQ(out.interval.secs, 400);
	n = HX(buf, "00 00 00 00 E1 01 00 00 1D 32 00 00");
	ASSERT_EQ(scmi_tlm_config_get_resp_decode(buf, n, &out), 0);

	ASSERT_ERR(scmi_tlm_config_get_resp_encode(&r, buf, 11), -ENOSPC);
	r.mode = 16;
	ASSERT_ERR(scmi_tlm_config_get_resp_encode(&r, buf, 12), -ERANGE);
	r.mode = 0;
	r.interval.exp = -17;
	ASSERT_ERR(scmi_tlm_config_get_resp_encode(&r, buf, 12), -ERANGE);

	memset(&sent, 0xA5, sizeof(sent));
	out = sent;
	/* control[31:9], mode > 2, interval reserved bits. */
	n = HX(buf, "00 00 00 00 01 02 00 00 20 00 00 00");
	ASSERT_ERR(scmi_tlm_config_get_resp_decode(buf, n, &out), -EPROTO);
	n = HX(buf, "00 00 00 00 07 00 00 00 20 00 00 00");
	ASSERT_ERR(scmi_tlm_config_get_resp_decode(buf, n, &out), -EPROTO);
	n = HX(buf, "00 00 00 00 1E 00 00 00 20 00 00 00");
	ASSERT_ERR(scmi_tlm_config_get_resp_decode(buf, n, &out), -EPROTO);
	n = HX(buf, "00 00 00 00 01 00 00 00 20 00 20 00");
	ASSERT_ERR(scmi_tlm_config_get_resp_decode(buf, n, &out), -EPROTO);
	/* Length. */
	n = HX(buf, "00 00 00 00 01 00 00 00 20 00 00 00 00");
	for (i = 0; i < 12; i++) {
		p = dup_exact(buf, i);
		ASSERT_ERR(scmi_tlm_config_get_resp_decode(p, i, &out),
			   -EBADMSG);
		free(p);
	}
	ASSERT_ERR(scmi_tlm_config_get_resp_decode(buf, 13, &out), -EMSGSIZE);
	/* Error status. */
	HX(buf, "FC FF FF FF");
	ASSERT_ERR(scmi_tlm_config_get_resp_decode(buf, 4, &out), -ENOENT);
	ASSERT_MEMEQ(&out, &sent, sizeof(out));
}

/* ------------------------------------------------------------------ */
/* RESET (§4.12)                                                       */

STLM_TEST(reset_req)
{
	uint8_t buf[8];

	memset(buf, 0xEE, sizeof(buf));
	ASSERT_EQ(scmi_tlm_reset_req_encode(buf, sizeof(buf)), 4);
	ASSERT_EQ(scmi_get_le32(buf), 0);
	ASSERT_EQ(buf[4], 0xEE);
	ASSERT_EQ(scmi_tlm_reset_req_decode(buf, 4), 0);
	ASSERT_ERR(scmi_tlm_reset_req_encode(buf, 3), -ENOSPC);

	ASSERT_ERR(scmi_tlm_reset_req_decode(buf, 0), -EPROTO);
	ASSERT_ERR(scmi_tlm_reset_req_decode(buf, 3), -EPROTO);
	ASSERT_ERR(scmi_tlm_reset_req_decode(buf, 5), -EPROTO);
	put32(buf, 0, 1);
	ASSERT_ERR(scmi_tlm_reset_req_decode(buf, 4), -EINVAL);
	put32(buf, 0, 0x80000000);
	ASSERT_ERR(scmi_tlm_reset_req_decode(buf, 4), -EINVAL);
}

/* ------------------------------------------------------------------ */
/* READING_COMPLETE (§4.10) and UPDATE (§4.13)                         */

/* One 16-byte data line: meta 0, DE 0xA000, value 0x1122334455667788. */
static const char line16_hex[] =
	"00 00 00 00 00 A0 00 00 88 77 66 55 44 33 22 11";
/* One 24-byte line: meta EXT|TS_VALID, DE 0xA001, value 5, ts 0x100. */
static const char line24_hex[] =
	"06 00 00 00 01 A0 00 00 05 00 00 00 00 00 00 00"
	"00 01 00 00 00 00 00 00";

STLM_TEST(reading_complete_encode)
{
	uint8_t line[16], want[64], buf[64];
	size_t ln = HX(line, line16_hex), n;

	n = HX(want, "00 00 00 00 04 00 00 00");
	n += hx(want + n, sizeof(want) - n, line16_hex);
	memset(buf, 0xEE, sizeof(buf));
	ASSERT_EQ(scmi_tlm_reading_complete_encode(SCMI_SUCCESS, line, ln, buf,
						   sizeof(buf)), 24);
	ASSERT_MEMEQ(buf, want, n);
	ASSERT_EQ(buf[24], 0xEE);
	ASSERT_EQ(scmi_tlm_reading_complete_encode(SCMI_SUCCESS, line, ln, buf,
						   24), 24);
	ASSERT_ERR(scmi_tlm_reading_complete_encode(SCMI_SUCCESS, line, ln,
						    buf, 23), -ENOSPC);

	/* PARTIAL with no lines. */
	n = HX(want, "F4 FF FF FF 00 00 00 00");
	ASSERT_EQ(scmi_tlm_reading_complete_encode(SCMI_PARTIAL, NULL, 0, buf,
						   8), 8);
	ASSERT_MEMEQ(buf, want, n);
	ASSERT_ERR(scmi_tlm_reading_complete_encode(SCMI_PARTIAL, NULL, 0, buf,
						    7), -ENOSPC);

	/* Lines are whole qwords. */
	ASSERT_ERR(scmi_tlm_reading_complete_encode(SCMI_SUCCESS, line, 12,
						    buf, sizeof(buf)), -EINVAL);
	ASSERT_ERR(scmi_tlm_reading_complete_encode(SCMI_SUCCESS, line, 1, buf,
						    sizeof(buf)), -EINVAL);
}

STLM_TEST(reading_complete_decode)
{
	struct scmi_tlm_reading_complete rc;
	uint8_t buf[64];
	size_t n;

	n = HX(buf, "00 00 00 00 04 00 00 00");
	n += hx(buf + n, sizeof(buf) - n, line16_hex);
	ASSERT_EQ(scmi_tlm_reading_complete_decode(buf, n, &rc), 0);
	ASSERT_EQ(rc.status_errno, 0);
	ASSERT_FALSE(rc.partial);
	ASSERT_EQ(rc.lines.num_dwords, 4);
	ASSERT_TRUE(rc.lines.lines == buf + 8);

	/* HARDWARE_ERROR and PARTIAL carry lines too. */
	put32(buf, 0, (uint32_t)SCMI_HARDWARE_ERROR);
	ASSERT_EQ(scmi_tlm_reading_complete_decode(buf, n, &rc), 0);
	ASSERT_EQ(rc.status_errno, -EREMOTEIO);
	ASSERT_FALSE(rc.partial);
	ASSERT_EQ(rc.lines.num_dwords, 4);
	ASSERT_TRUE(rc.lines.lines == buf + 8);
	HX(buf, "F4 FF FF FF");
	ASSERT_EQ(scmi_tlm_reading_complete_decode(buf, n, &rc), 0);
	ASSERT_EQ(rc.status_errno, -EINVAL);
	ASSERT_TRUE(rc.partial);
	ASSERT_EQ(rc.lines.num_dwords, 4);

	/* Six dwords: one 24-byte line. */
	n = HX(buf, "00 00 00 00 06 00 00 00");
	n += hx(buf + n, sizeof(buf) - n, line24_hex);
	ASSERT_EQ(scmi_tlm_reading_complete_decode(buf, n, &rc), 0);
	ASSERT_EQ(rc.lines.num_dwords, 6);

	/* Every DE on SHMTI or FC: num_dwords 0. */
	n = HX(buf, "00 00 00 00 00 00 00 00");
	ASSERT_EQ(scmi_tlm_reading_complete_decode(buf, n, &rc), 0);
	ASSERT_EQ(rc.status_errno, 0);
	ASSERT_EQ(rc.lines.num_dwords, 0);

	/* Other statuses: no data, anything after the status tolerated. */
	n = HX(buf, "FD FF FF FF");
	ASSERT_EQ(scmi_tlm_reading_complete_decode(buf, n, &rc), 0);
	ASSERT_EQ(rc.status_errno, -EACCES);
	ASSERT_FALSE(rc.partial);
	ASSERT_EQ(rc.lines.num_dwords, 0);
	ASSERT_NULL(rc.lines.lines);
	n = HX(buf, "F8 FF FF FF 03 00 00 00 AA");
	ASSERT_EQ(scmi_tlm_reading_complete_decode(buf, n, &rc), 0);
	ASSERT_EQ(rc.status_errno, -EIO);
	ASSERT_EQ(rc.lines.num_dwords, 0);
	n = HX(buf, "07 00 00 00");
	ASSERT_EQ(scmi_tlm_reading_complete_decode(buf, n, &rc), 0);
	ASSERT_EQ(rc.status_errno, -EIO);
}

STLM_TEST(reading_complete_decode_malformed)
{
	struct scmi_tlm_reading_complete rc, sent;
	uint8_t ok[64], buf[64], *p;
	size_t n, i;

	memset(&sent, 0xA5, sizeof(sent));
	rc = sent;
	n = HX(ok, "00 00 00 00 04 00 00 00");
	n += hx(ok + n, sizeof(ok) - n, line16_hex);

	for (i = 0; i < n; i++) {
		p = dup_exact(ok, i);
		ASSERT_ERR(scmi_tlm_reading_complete_decode(p, i, &rc),
			   -EBADMSG);
		free(p);
	}
	ASSERT_ERR(scmi_tlm_reading_complete_decode(ok, n + 1, &rc),
		   -EMSGSIZE);
	ASSERT_ERR(scmi_tlm_reading_complete_decode(ok, n + 8, &rc),
		   -EMSGSIZE);
	/* PARTIAL and HARDWARE_ERROR are held to the same rules. */
	memcpy(buf, ok, n);
	put32(buf, 0, (uint32_t)SCMI_PARTIAL);
	ASSERT_ERR(scmi_tlm_reading_complete_decode(buf, n - 4, &rc),
		   -EBADMSG);
	ASSERT_ERR(scmi_tlm_reading_complete_decode(buf, 4, &rc), -EBADMSG);
	put32(buf, 0, (uint32_t)SCMI_HARDWARE_ERROR);
	ASSERT_ERR(scmi_tlm_reading_complete_decode(buf, n + 4, &rc),
		   -EMSGSIZE);
	/* Odd num_dwords, even when the length matches. */
	memcpy(buf, ok, n);
	put32(buf, 4, 3);
	ASSERT_ERR(scmi_tlm_reading_complete_decode(buf, 8 + 12, &rc),
		   -EPROTO);
	put32(buf, 4, 1);
	ASSERT_ERR(scmi_tlm_reading_complete_decode(buf, n, &rc), -EPROTO);
	/* Counts that would overflow a 32-bit byte count. */
	put32(buf, 4, 0xFFFFFFFE);
	ASSERT_ERR(scmi_tlm_reading_complete_decode(buf, n, &rc), -EBADMSG);
	put32(buf, 4, 0x40000002);	/* * 4 wraps to 8 in 32 bits */
	ASSERT_ERR(scmi_tlm_reading_complete_decode(buf, 16, &rc), -EBADMSG);
	/* Counts below the bytes present. */
	put32(buf, 4, 2);
	ASSERT_ERR(scmi_tlm_reading_complete_decode(buf, n, &rc), -EMSGSIZE);
	put32(buf, 4, 0);
	ASSERT_ERR(scmi_tlm_reading_complete_decode(buf, n, &rc), -EMSGSIZE);
	ASSERT_MEMEQ(&rc, &sent, sizeof(rc));
}

STLM_TEST(update_encode)
{
	uint8_t line[32], want[64], buf[64];
	size_t ln = HX(line, line24_hex), n;

	n = HX(want, "01 00 00 00 00 00 00 00 06 00 00 00");
	n += hx(want + n, sizeof(want) - n, line24_hex);
	ASSERT_EQ(n, 36);
	memset(buf, 0xEE, sizeof(buf));
	ASSERT_EQ(scmi_tlm_update_encode(1, SCMI_SUCCESS, line, ln, buf,
					 sizeof(buf)), 36);
	ASSERT_MEMEQ(buf, want, n);
	ASSERT_EQ(buf[36], 0xEE);
	ASSERT_ERR(scmi_tlm_update_encode(1, SCMI_SUCCESS, line, ln, buf, 35),
		   -ENOSPC);
	ASSERT_ERR(scmi_tlm_update_encode(1, SCMI_SUCCESS, line, 20, buf,
					  sizeof(buf)), -EINVAL);

	n = HX(want, "07 00 00 00 F8 FF FF FF 00 00 00 00");
	ASSERT_EQ(scmi_tlm_update_encode(7, SCMI_GENERIC_ERROR, NULL, 0, buf,
					 12), 12);
	ASSERT_MEMEQ(buf, want, n);
	ASSERT_ERR(scmi_tlm_update_encode(7, SCMI_SUCCESS, NULL, 0, buf, 11),
		   -ENOSPC);
}

STLM_TEST(update_decode)
{
	struct scmi_tlm_update u, sent;
	uint8_t ok[96], buf[96], *p;
	size_t n, i;

	/* Two lines: 16 + 24 bytes = 10 dwords. */
	n = HX(ok, "02 00 00 00 00 00 00 00 0A 00 00 00");
	n += hx(ok + n, sizeof(ok) - n, line16_hex);
	n += hx(ok + n, sizeof(ok) - n, line24_hex);
	ASSERT_EQ(n, 52);
	ASSERT_EQ(scmi_tlm_update_decode(ok, n, &u), 0);
	ASSERT_EQ(u.agent_id, 2);
	ASSERT_EQ(u.status_errno, 0);
	ASSERT_EQ(u.lines.num_dwords, 10);
	ASSERT_TRUE(u.lines.lines == ok + 12);

	/* A non-zero status is reported; the payload is still checked. */
	memcpy(buf, ok, n);
	put32(buf, 4, (uint32_t)SCMI_GENERIC_ERROR);
	ASSERT_EQ(scmi_tlm_update_decode(buf, n, &u), 0);
	ASSERT_EQ(u.status_errno, -EIO);
	ASSERT_ERR(scmi_tlm_update_decode(buf, n - 8, &u), -EBADMSG);

	/* No lines. */
	n = HX(buf, "00 00 00 00 00 00 00 00 00 00 00 00");
	ASSERT_EQ(scmi_tlm_update_decode(buf, n, &u), 0);
	ASSERT_EQ(u.lines.num_dwords, 0);
	ASSERT_NULL(u.lines.lines);

	memset(&sent, 0xA5, sizeof(sent));
	u = sent;
	n = 52;
	for (i = 0; i < n; i++) {
		p = dup_exact(ok, i);
		ASSERT_ERR(scmi_tlm_update_decode(p, i, &u), -EBADMSG);
		free(p);
	}
	ASSERT_ERR(scmi_tlm_update_decode(ok, n + 1, &u), -EMSGSIZE);
	memcpy(buf, ok, n);
	put32(buf, 8, 9);
	ASSERT_ERR(scmi_tlm_update_decode(buf, 12 + 36, &u), -EPROTO);
	put32(buf, 8, 4);
	ASSERT_ERR(scmi_tlm_update_decode(buf, n, &u), -EMSGSIZE);
	put32(buf, 8, 0xFFFFFFFE);
	ASSERT_ERR(scmi_tlm_update_decode(buf, n, &u), -EBADMSG);
	ASSERT_MEMEQ(&u, &sent, sizeof(u));
}

/* ------------------------------------------------------------------ */
/* Robustness: every decoder on arbitrary bytes                        */

static uint32_t lcg(uint32_t *s)
{
	*s = *s * 1103515245u + 12345u;
	return *s >> 8;
}

static bool is_decode_errno(int r)
{
	return r == -EBADMSG || r == -EMSGSIZE || r == -EPROTO ||
	       r == -EINVAL || r == -E2BIG || r == -EOPNOTSUPP ||
	       r == -EACCES || r == -ENOENT || r == -ERANGE || r == -EBUSY ||
	       r == -ECOMM || r == -EIO || r == -EREMOTEIO || r == -EPERM;
}

STLM_TEST(decoders_random_input)
{
	struct scmi_tlm_attrs attrs;
	struct scmi_tlm_shmti_desc sd[4];
	struct scmi_tlm_de_desc dd[4];
	struct scmi_tlm_interval iv[8];
	struct scmi_tlm_enabled_entry en[8];
	struct scmi_list_hdr h;
	struct scmi_tlm_intervals_page pg;
	struct scmi_tlm_intervals_req ivr;
	struct scmi_tlm_de_configure_req dcr;
	struct scmi_tlm_de_configure_resp dcp;
	struct scmi_tlm_enabled_req enr;
	struct scmi_tlm_config_set_req csr;
	struct scmi_tlm_config_get_req cgr;
	struct scmi_tlm_config_get_resp cgp;
	struct scmi_tlm_reading_complete rc;
	struct scmi_tlm_update up;
	uint8_t src[128], *p;
	uint32_t seed = 0x5EED;
	int iter, r[16];
	size_t len, i;

	for (iter = 0; iter < 4000; iter++) {
		len = lcg(&seed) % (sizeof(src) + 1);
		for (i = 0; i < len; i++)
			src[i] = (uint8_t)lcg(&seed);
		/* Bias towards plausible prefixes: SUCCESS and small counts. */
		if (len >= 8 && (iter & 1)) {
			put32(src, 0, 0);
			put32(src, 4, lcg(&seed) % 5 |
					      (iter & 2 ? 0x1000 : 0));
		}
		p = dup_exact(src, len);
		r[0] = scmi_tlm_attrs_resp_decode(p, len, &attrs);
		r[1] = scmi_tlm_list_shmti_resp_decode(p, len, &h, sd, 4);
		r[2] = scmi_tlm_de_desc_decode(p, len, &dd[0]);
		r[3] = scmi_tlm_de_description_resp_decode(p, len, &h, dd, 4);
		r[4] = scmi_tlm_intervals_req_decode(p, len, &ivr);
		r[5] = scmi_tlm_intervals_resp_decode(p, len, &pg, iv, 8);
		r[6] = scmi_tlm_de_configure_req_decode(p, len, &dcr);
		r[7] = scmi_tlm_de_configure_resp_decode(p, len, &dcp);
		r[8] = scmi_tlm_enabled_req_decode(p, len, &enr);
		r[9] = scmi_tlm_enabled_resp_decode(p, len, &h, en, 8);
		r[10] = scmi_tlm_config_set_req_decode(p, len, &csr);
		r[11] = scmi_tlm_config_get_req_decode(p, len, &cgr);
		r[12] = scmi_tlm_config_get_resp_decode(p, len, &cgp);
		r[13] = scmi_tlm_reset_req_decode(p, len);
		r[14] = scmi_tlm_reading_complete_decode(p, len, &rc);
		r[15] = scmi_tlm_update_decode(p, len, &up);
		free(p);
		for (i = 0; i < ARRAY_SIZE(r); i++)
			if (r[i] < 0 && !is_decode_errno(r[i]))
				STLM_FAIL_AT("decoder %zu: unexpected %d", i,
					     r[i]);
		/* A decoded descriptor never claims more than it was given. */
		ASSERT_CMP(r[2], <=, (int)len);
		if (r[3] > 0)
			ASSERT_CMP(r[3], <=, 4);
		if (r[14] == 0 && rc.lines.num_dwords)
			ASSERT_TRUE(8 + 4 * (size_t)rc.lines.num_dwords == len);
		if (r[15] == 0)
			ASSERT_TRUE(12 + 4 * (size_t)up.lines.num_dwords ==
				    len);
	}
}

/* ------------------------------------------------------------------ */
/* Tolerant decoding (*_dev): like Linux, deviations reported          */

STLM_TEST(tolerant_attrs_and_fixed_replies)
{
	struct scmi_tlm_attrs a = { .de_num = 7, .groups_num = 2,
				    .num_shmti = 3, .reset = true,
				    .default_blk_ts_rate = 1000 }, got;
	struct scmi_tlm_config_get_resp cg = { .enable = true, .mode = 1,
					       .interval = { 5, -3 } }, cgot;
	struct scmi_tlm_de_configure_resp dc = { 1, 0x10, 0 }, dgot;
	uint8_t buf[128];
	uint32_t dev = 0, v;
	int n;

	n = scmi_tlm_attrs_resp_encode(&a, buf, sizeof(buf));
	ASSERT_CMP(n, >, 0);
	put32(buf, 28, scmi_get_le32(buf + 28) | SCMI_TLM_ATTR_RSVD_MASK);
	memset(buf + n, 0xA5, 8);
	ASSERT_ERR(scmi_tlm_attrs_resp_decode(buf, (size_t)n, &got), -EPROTO);
	ASSERT_ERR(scmi_tlm_attrs_resp_decode_dev(buf, (size_t)n, &got, NULL),
		   -EPROTO);
	ASSERT_OK(scmi_tlm_attrs_resp_decode_dev(buf, (size_t)n + 8, &got,
						 &dev));
	ASSERT_EQ(dev, SCMI_DEV(SCMI_DEV_RSVD) | SCMI_DEV(SCMI_DEV_LONG));
	ASSERT_EQ(got.de_num, 7);
	ASSERT_EQ(got.num_shmti, 3);
	ASSERT_TRUE(got.reset);
	ASSERT_FALSE(got.fastchannels || got.single_sample || got.notifications);
	ASSERT_EQ(got.default_blk_ts_rate, 1000);
	/* still short is still an error */
	ASSERT_ERR(scmi_tlm_attrs_resp_decode_dev(buf, (size_t)n - 1, &got,
						  &dev), -EBADMSG);

	n = scmi_tlm_config_get_resp_encode(&cg, buf, sizeof(buf));
	ASSERT_CMP(n, >, 0);
	put32(buf, 4, scmi_get_le32(buf + 4) | SCMI_TLM_CTRL_RSVD_MASK);
	put32(buf, 8, scmi_get_le32(buf + 8) | SCMI_TLM_INTERVAL_RSVD_MASK);
	ASSERT_ERR(scmi_tlm_config_get_resp_decode(buf, (size_t)n, &cgot),
		   -EPROTO);
	dev = 0;
	ASSERT_OK(scmi_tlm_config_get_resp_decode_dev(buf, (size_t)n + 4,
						      &cgot, &dev));
	ASSERT_EQ(dev, SCMI_DEV(SCMI_DEV_RSVD) | SCMI_DEV(SCMI_DEV_LONG));
	ASSERT_TRUE(cgot.enable);
	ASSERT_EQ(cgot.mode, 1);
	ASSERT_EQ(cgot.interval.secs, 5);
	ASSERT_EQ(cgot.interval.exp, -3);
	/* a mode that cannot be interpreted still fails */
	put32(buf, 4, 3u << SCMI_TLM_CTRL_MODE_SHIFT);
	ASSERT_ERR(scmi_tlm_config_get_resp_decode_dev(buf, (size_t)n, &cgot,
						       &dev), -EPROTO);

	n = scmi_tlm_de_configure_resp_encode(&dc, buf, sizeof(buf));
	dev = 0;
	ASSERT_ERR(scmi_tlm_de_configure_resp_decode(buf, (size_t)n + 4, &dgot),
		   -EMSGSIZE);
	ASSERT_OK(scmi_tlm_de_configure_resp_decode_dev(buf, (size_t)n + 4,
							&dgot, &dev));
	ASSERT_EQ(dev, SCMI_DEV(SCMI_DEV_LONG));
	ASSERT_EQ(dgot.de_offset, 0x10);
	/* a misaligned offset is never guessed at */
	put32(buf, 8, 0x11);
	ASSERT_ERR(scmi_tlm_de_configure_resp_decode_dev(buf, (size_t)n,
							 &dgot, &dev), -EPROTO);

	HX(buf, "00 00 00 00 01 02 03 04 FF FF FF FF");
	dev = 0;
	ASSERT_ERR(scmi_u32_resp_decode(buf, 12, &v), -EMSGSIZE);
	ASSERT_OK(scmi_u32_resp_decode_dev(buf, 12, &v, &dev));
	ASSERT_EQ(v, 0x04030201);
	ASSERT_EQ(dev, SCMI_DEV(SCMI_DEV_LONG));
	ASSERT_ERR(scmi_status_resp_decode(buf, 8), -EMSGSIZE);
	ASSERT_OK(scmi_status_resp_decode_dev(buf, 8, &dev));
	ASSERT_STREQ(scmi_dev_name(SCMI_DEV_TDCF_META), "tdcf-meta");
	ASSERT_NULL(scmi_dev_name(SCMI_DEV_KINDS));
}

STLM_TEST(tolerant_lists)
{
	struct scmi_tlm_shmti_desc sd[2] = { { 1, 0x1000, 64 },
					     { 2, 0x2000, 128 } }, sgot[2];
	struct scmi_tlm_enabled_entry en[3] = { { 5, 1 }, { 6, 2 }, { 7, 1 } },
				      egot[3];
	struct scmi_tlm_interval iv[3] = { { 1, -3 }, { 10, -3 }, { 1, 0 } },
				 igot[3];
	struct scmi_tlm_intervals_page pg;
	struct scmi_list_hdr h;
	uint8_t buf[256];
	uint32_t dev = 0;
	size_t k;
	int n;

	n = scmi_tlm_list_shmti_resp_encode(sd, 2, buf, sizeof(buf), &k);
	ASSERT_EQ(k, 2);
	put32(buf, 8 + 16, 0x1);	   /* flags */
	put32(buf, 8 + 20 + 4, 0x2004); /* address low word: misaligned */
	ASSERT_ERR(scmi_tlm_list_shmti_resp_decode(buf, (size_t)n, &h, sgot, 2),
		   -EPROTO);
	ASSERT_EQ(scmi_tlm_list_shmti_resp_decode_dev(buf, (size_t)n + 8, &h,
						      sgot, 2, &dev), 2);
	ASSERT_EQ(dev, SCMI_DEV(SCMI_DEV_SHMTI_FLAGS) |
			       SCMI_DEV(SCMI_DEV_SHMTI_ALIGN) |
			       SCMI_DEV(SCMI_DEV_LONG));
	ASSERT_EQ(sgot[0].addr, 0x1000);
	ASSERT_EQ(sgot[1].addr, 0x2004);
	ASSERT_EQ(sgot[1].length, 128);
	/* a length below the minimum cannot be used */
	put32(buf, 8 + 12, 8);
	ASSERT_ERR(scmi_tlm_list_shmti_resp_decode_dev(buf, (size_t)n, &h,
						       sgot, 2, &dev), -EPROTO);

	n = scmi_tlm_enabled_resp_encode(en, 3, buf, sizeof(buf), &k);
	put32(buf, 8 + 4, 0xFFFFFFFCu | 1); /* reserved bits, mode 1 */
	put32(buf, 8 + 12, 3);		     /* mode 3 */
	put32(buf, 8 + 20, 0);		     /* mode 0 */
	ASSERT_ERR(scmi_tlm_enabled_resp_decode(buf, (size_t)n, &h, egot, 3),
		   -EPROTO);
	dev = 0;
	ASSERT_EQ(scmi_tlm_enabled_resp_decode_dev(buf, (size_t)n, &h, egot, 3,
						   &dev), 3);
	ASSERT_EQ(dev, SCMI_DEV(SCMI_DEV_RSVD) |
			       SCMI_DEV(SCMI_DEV_ENABLED_MODE));
	ASSERT_EQ(egot[0].mode, 1);
	ASSERT_EQ(egot[1].mode, 2);
	ASSERT_EQ(egot[2].mode, 1);
	ASSERT_EQ(egot[2].id, 7);

	n = scmi_tlm_intervals_resp_encode(iv, 3, false, buf, sizeof(buf), &k);
	put32(buf, 4, scmi_get_le32(buf + 4) | SCMI_TLM_IV_RSVD_MASK);
	put32(buf, 8, scmi_get_le32(buf + 8) | SCMI_TLM_INTERVAL_RSVD_MASK);
	/* swap the last two: not ascending */
	{
		uint32_t a = scmi_get_le32(buf + 12), b = scmi_get_le32(buf + 16);

		put32(buf, 12, b);
		put32(buf, 16, a);
	}
	ASSERT_ERR(scmi_tlm_intervals_resp_decode(buf, (size_t)n, &pg, igot, 3),
		   -EPROTO);
	dev = 0;
	ASSERT_EQ(scmi_tlm_intervals_resp_decode_dev(buf, (size_t)n + 4, &pg,
						     igot, 3, &dev), 3);
	ASSERT_EQ(dev, SCMI_DEV(SCMI_DEV_RSVD) | SCMI_DEV(SCMI_DEV_LONG) |
			       SCMI_DEV(SCMI_DEV_IV_ORDER));
	ASSERT_EQ(igot[0].secs, 1);
	ASSERT_EQ(igot[0].exp, -3);
	ASSERT_EQ(igot[1].secs, 1);
	ASSERT_EQ(igot[1].exp, 0);
	ASSERT_EQ(igot[2].secs, 10);
}

STLM_TEST(tolerant_descriptors_and_lines)
{
	struct scmi_tlm_de_desc d = { .id = 0x42, .group_id = 1,
				      .data_size = 8, .unit = 6,
				      .has_name = true }, got;
	struct scmi_tlm_reading_complete rc;
	struct scmi_tlm_update up;
	struct scmi_list_hdr h;
	uint8_t buf[256], lines[16] = { 0 };
	uint32_t dev = 0;
	size_t k;
	int n, o;

	strcpy(d.name, "cpu.temp");
	n = scmi_tlm_de_description_resp_encode(&d, 1, buf, sizeof(buf), &k);
	ASSERT_EQ(k, 1);
	o = 8; /* status, counter word */
	put32(buf, (size_t)o + 12,
	      scmi_get_le32(buf + o + 12) | SCMI_TLM_DE_A1_RSVD_MASK);
	put32(buf, (size_t)o + 20, 0xDEAD); /* attributes_3 */
	memcpy(buf + o + 24, "0123456789abcdef", 16); /* no NUL */
	buf[o + 24 + 3] = 0x07;
	ASSERT_ERR(scmi_tlm_de_description_resp_decode(buf, (size_t)n, &h, &got,
						       1), -EPROTO);
	ASSERT_EQ(scmi_tlm_de_description_resp_decode_dev(buf, (size_t)n + 8,
							  &h, &got, 1, &dev),
		  1);
	ASSERT_EQ(dev, SCMI_DEV(SCMI_DEV_RSVD) | SCMI_DEV(SCMI_DEV_NAME) |
			       SCMI_DEV(SCMI_DEV_LONG));
	ASSERT_EQ(got.id, 0x42);
	ASSERT_EQ(got.unit, 6);
	ASSERT_STREQ(got.name, "012?456789abcde");
	/* ts_support 3 decides the layout: never guessed */
	put32(buf, (size_t)o + 12, scmi_get_le32(buf + o + 12) | 3);
	ASSERT_ERR(scmi_tlm_de_description_resp_decode_dev(buf, (size_t)n, &h,
							   &got, 1, &dev),
		   -EPROTO);

	scmi_put_le32(lines, 0);
	scmi_put_le32(lines + 4, 0x42);
	scmi_put_le64(lines + 8, 99);
	n = scmi_tlm_reading_complete_encode(0, lines, 16, buf, sizeof(buf));
	memset(buf + n, 0xA5, 8);
	ASSERT_ERR(scmi_tlm_reading_complete_decode(buf, (size_t)n + 8, &rc),
		   -EMSGSIZE);
	dev = 0;
	ASSERT_OK(scmi_tlm_reading_complete_decode_dev(buf, (size_t)n + 8, &rc,
						       &dev));
	ASSERT_EQ(dev, SCMI_DEV(SCMI_DEV_LONG));
	ASSERT_EQ(rc.lines.num_dwords, 4);
	n = scmi_tlm_update_encode(0, 0, lines, 16, buf, sizeof(buf));
	ASSERT_ERR(scmi_tlm_update_decode(buf, (size_t)n + 4, &up), -EMSGSIZE);
	ASSERT_OK(scmi_tlm_update_decode_dev(buf, (size_t)n + 4, &up, &dev));
	ASSERT_EQ(up.lines.num_dwords, 4);
	/* odd dword counts stay errors */
	put32(buf, 8, 3);
	ASSERT_ERR(scmi_tlm_update_decode_dev(buf, (size_t)n, &up, &dev),
		   -EPROTO);
}
