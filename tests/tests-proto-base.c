// SPDX-License-Identifier: MIT
/*
 * Copyright (c) 2026 The stlm authors
 *
 * Unit tests for the Base protocol codec (lib/proto/base.c). Expected bytes
 * are written from the protocol reference (§2.7), not from the code under
 * test.
 */
#define STLM_TEST_GROUP "proto-base"
#include "stlm-test.h"

#include "base.h"

/* Fill pattern used to prove that a failing call wrote nothing. */
#define CANARY 0xA5

static bool all_canary(const uint8_t *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (p[i] != CANARY)
			return false;
	return true;
}

/*
 * Copy the first @len bytes of @b to the very end of a static area and
 * return where they start: a decoder that reads past @len then runs off
 * the end of the object, which the address sanitizer reports.
 */
static const uint8_t *at_end(const uint8_t *b, size_t len)
{
	static uint8_t area[64];

	if (len > sizeof(area))
		STLM_FAIL_AT("at_end: %zu bytes do not fit", len);
	memcpy(area + sizeof(area) - len, b, len);
	return area + sizeof(area) - len;
}

/* A SUCCESS response: status word 0. */
#define ST_OK 0x00, 0x00, 0x00, 0x00
/* NOT_FOUND (-4), DENIED (-3), NOT_SUPPORTED (-1) status words. */
#define ST_NOT_FOUND 0xFC, 0xFF, 0xFF, 0xFF
#define ST_DENIED 0xFD, 0xFF, 0xFF, 0xFF
#define ST_NOT_SUPPORTED 0xFF, 0xFF, 0xFF, 0xFF

/* ------------------------------------------------------------------ */
/* Message identifiers and framing (§2.6, §2.7)                        */
/* ------------------------------------------------------------------ */

STLM_TEST(msg_ids_match_doc)
{
	ASSERT_EQ(SCMI_PROTO_BASE, 0x10);
	ASSERT_EQ(SCMI_BASE_PROTOCOL_VERSION, 0x0);
	ASSERT_EQ(SCMI_BASE_PROTOCOL_ATTRIBUTES, 0x1);
	ASSERT_EQ(SCMI_BASE_PROTOCOL_MESSAGE_ATTRIBUTES, 0x2);
	ASSERT_EQ(SCMI_BASE_DISCOVER_VENDOR, 0x3);
	ASSERT_EQ(SCMI_BASE_DISCOVER_SUB_VENDOR, 0x4);
	ASSERT_EQ(SCMI_BASE_DISCOVER_IMPLEMENTATION_VERSION, 0x5);
	ASSERT_EQ(SCMI_BASE_DISCOVER_LIST_PROTOCOLS, 0x6);
	ASSERT_EQ(SCMI_BASE_DISCOVER_AGENT, 0x7);
	ASSERT_EQ(SCMI_BASE_NOTIFY_ERRORS, 0x8);
	ASSERT_EQ(SCMI_BASE_NEGOTIATE_PROTOCOL_VERSION, 0x10);
	ASSERT_EQ(SCMI_BASE_ERROR_EVENT, 0x0);
	ASSERT_EQ(SCMI_SHORT_NAME_LEN, 16);
	ASSERT_EQ(SCMI_BASE_AGENT_SELF, 0xFFFFFFFFu);
}

STLM_TEST(list_protocols_request_message)
{
	/*
	 * Whole DISCOVER_LIST_PROTOCOLS command, token 3, skip 4:
	 * header 0x6 | 0x10 << 10 | 3 << 18 = 0x000C4006.
	 */
	static const uint8_t want[] = { 0x06, 0x40, 0x0C, 0x00,
					0x04, 0x00, 0x00, 0x00 };
	struct scmi_hdr h = { .id = SCMI_BASE_DISCOVER_LIST_PROTOCOLS,
			      .type = SCMI_MSG_COMMAND,
			      .proto = SCMI_PROTO_BASE, .token = 3 };
	uint8_t b[8];
	uint32_t skip = 0;

	scmi_put_le32(b, scmi_hdr_pack(&h));
	ASSERT_EQ(scmi_u32_req_encode(4, b + 4, 4), 4);
	ASSERT_MEMEQ(b, want, sizeof(want));
	ASSERT_EQ(scmi_u32_req_decode(b + 4, 4, &skip), 0);
	ASSERT_EQ(skip, 4);
}

STLM_TEST(discover_agent_self_request)
{
	static const uint8_t want[] = { 0xFF, 0xFF, 0xFF, 0xFF };
	uint8_t b[4];

	ASSERT_EQ(scmi_u32_req_encode(SCMI_BASE_AGENT_SELF, b, 4), 4);
	ASSERT_MEMEQ(b, want, 4);
}

STLM_TEST(empty_requests)
{
	/* VERSION, ATTRIBUTES, VENDOR, SUB_VENDOR, IMPL_VERSION: no params. */
	static const uint8_t junk[] = { 0x00, 0x00, 0x00, 0x00 };

	ASSERT_EQ(scmi_empty_req_decode(NULL, 0), 0);
	ASSERT_ERR(scmi_empty_req_decode(junk, 4), -EPROTO);
}

STLM_TEST(implementation_version_response)
{
	static const uint8_t want[] = { ST_OK, 0x04, 0x03, 0x02, 0x01 };
	uint8_t b[8];
	uint32_t v = 0;

	ASSERT_EQ(scmi_u32_resp_encode(0x01020304u, b, sizeof(b)), 8);
	ASSERT_MEMEQ(b, want, sizeof(want));
	ASSERT_EQ(scmi_u32_resp_decode(want, sizeof(want), &v), 0);
	ASSERT_EQ(v, 0x01020304u);
}

/* ------------------------------------------------------------------ */
/* PROTOCOL_ATTRIBUTES                                                 */
/* ------------------------------------------------------------------ */

STLM_TEST(attrs_encode_bytes)
{
	/* [7:0] protocols = 2, [15:8] agents = 3. */
	static const uint8_t want[] = { ST_OK, 0x02, 0x03, 0x00, 0x00 };
	struct scmi_base_attrs a = { .num_protocols = 2, .num_agents = 3 };
	uint8_t b[10];

	memset(b, CANARY, sizeof(b));
	ASSERT_EQ(scmi_base_attrs_resp_encode(&a, b, sizeof(b)), 8);
	ASSERT_MEMEQ(b, want, sizeof(want));
	ASSERT_TRUE(all_canary(b + 8, 2));
}

STLM_TEST(attrs_encode_max)
{
	static const uint8_t want[] = { ST_OK, 0xFF, 0xFF, 0x00, 0x00 };
	struct scmi_base_attrs a = { .num_protocols = 0xFF,
				     .num_agents = 0xFF };
	uint8_t b[8];

	ASSERT_EQ(scmi_base_attrs_resp_encode(&a, b, sizeof(b)), 8);
	ASSERT_MEMEQ(b, want, sizeof(want));
}

STLM_TEST(attrs_encode_nospc)
{
	struct scmi_base_attrs a = { .num_protocols = 1, .num_agents = 1 };
	uint8_t b[8];
	size_t cap;

	for (cap = 0; cap < 8; cap++) {
		memset(b, CANARY, sizeof(b));
		ASSERT_ERR(scmi_base_attrs_resp_encode(&a, b, cap), -ENOSPC);
		ASSERT_TRUE(all_canary(b, sizeof(b)));
	}
}

STLM_TEST(attrs_decode_ok)
{
	static const uint8_t b[] = { ST_OK, 0x01, 0x04, 0x00, 0x00 };
	struct scmi_base_attrs a = { 0 };

	ASSERT_EQ(scmi_base_attrs_resp_decode(b, sizeof(b), &a), 0);
	ASSERT_EQ(a.num_protocols, 1);
	ASSERT_EQ(a.num_agents, 4);
}

STLM_TEST(attrs_decode_reserved_bits)
{
	static const uint8_t bit16[] = { ST_OK, 0x01, 0x01, 0x01, 0x00 };
	static const uint8_t bit31[] = { ST_OK, 0x01, 0x01, 0x00, 0x80 };
	static const uint8_t all[] = { ST_OK, 0x01, 0x01, 0xFF, 0xFF };
	struct scmi_base_attrs a = { .num_protocols = 9, .num_agents = 9 };

	ASSERT_ERR(scmi_base_attrs_resp_decode(bit16, 8, &a), -EPROTO);
	ASSERT_ERR(scmi_base_attrs_resp_decode(bit31, 8, &a), -EPROTO);
	ASSERT_ERR(scmi_base_attrs_resp_decode(all, 8, &a), -EPROTO);
	ASSERT_EQ(a.num_protocols, 9);
	ASSERT_EQ(a.num_agents, 9);
}

STLM_TEST(attrs_decode_error_status)
{
	static const uint8_t b[] = { ST_DENIED, 0x01, 0x01, 0xFF, 0xFF };
	struct scmi_base_attrs a = { .num_protocols = 9, .num_agents = 9 };

	/* An error status wins, whatever follows (even "reserved" bits). */
	ASSERT_ERR(scmi_base_attrs_resp_decode(b, 4, &a), -EACCES);
	ASSERT_ERR(scmi_base_attrs_resp_decode(b, 8, &a), -EACCES);
	ASSERT_EQ(a.num_protocols, 9);
}

STLM_TEST(attrs_decode_truncated)
{
	static const uint8_t b[] = { ST_OK, 0x01, 0x01, 0x00, 0x00 };
	struct scmi_base_attrs a = { .num_protocols = 9, .num_agents = 9 };
	size_t len;

	for (len = 0; len < 8; len++)
		ASSERT_ERR(scmi_base_attrs_resp_decode(at_end(b, len), len,
						       &a), -EBADMSG);
	ASSERT_EQ(a.num_protocols, 9);
}

STLM_TEST(attrs_decode_trailing)
{
	static const uint8_t b[] = { ST_OK, 0x01, 0x01, 0x00, 0x00, 0x00 };
	struct scmi_base_attrs a = { .num_protocols = 9, .num_agents = 9 };

	ASSERT_ERR(scmi_base_attrs_resp_decode(b, sizeof(b), &a), -EMSGSIZE);
	ASSERT_EQ(a.num_agents, 9);
}

STLM_TEST(attrs_round_trip)
{
	static const uint8_t vals[] = { 0, 1, 0x7F, 0x80, 0xFF };
	uint8_t b[8];
	size_t i, j;

	for (i = 0; i < ARRAY_SIZE(vals); i++)
		for (j = 0; j < ARRAY_SIZE(vals); j++) {
			struct scmi_base_attrs in = { vals[i], vals[j] };
			struct scmi_base_attrs out;

			ASSERT_EQ(scmi_base_attrs_resp_encode(&in, b, 8), 8);
			ASSERT_EQ(scmi_base_attrs_resp_decode(b, 8, &out), 0);
			ASSERT_EQ(out.num_protocols, in.num_protocols);
			ASSERT_EQ(out.num_agents, in.num_agents);
		}
}

/* ------------------------------------------------------------------ */
/* DISCOVER_VENDOR / DISCOVER_SUB_VENDOR                               */
/* ------------------------------------------------------------------ */

STLM_TEST(name_encode_bytes)
{
	static const uint8_t want[] = { ST_OK, 'A', 'R', 'M', 0, 0, 0, 0, 0,
					0, 0, 0, 0, 0, 0, 0, 0 };
	uint8_t b[24];

	memset(b, CANARY, sizeof(b));
	ASSERT_EQ(scmi_base_name_resp_encode("ARM", b, sizeof(b)), 20);
	ASSERT_MEMEQ(b, want, sizeof(want));
	ASSERT_TRUE(all_canary(b + 20, 4));
}

STLM_TEST(name_encode_longest)
{
	/* 15 characters + the NUL fill the 16-byte field. */
	static const uint8_t want[] = { ST_OK, '0', '1', '2', '3', '4', '5',
					'6', '7', '8', '9', 'a', 'b', 'c', 'd',
					'e', 0 };
	uint8_t b[20];

	ASSERT_EQ(scmi_base_name_resp_encode("0123456789abcde", b, 20), 20);
	ASSERT_MEMEQ(b, want, sizeof(want));
}

STLM_TEST(name_encode_empty)
{
	static const uint8_t want[20] = { 0 };
	uint8_t b[20];

	memset(b, CANARY, sizeof(b));
	ASSERT_EQ(scmi_base_name_resp_encode("", b, 20), 20);
	ASSERT_MEMEQ(b, want, sizeof(want));
}

STLM_TEST(name_encode_too_long)
{
	uint8_t b[32];

	memset(b, CANARY, sizeof(b));
	ASSERT_ERR(scmi_base_name_resp_encode("0123456789abcdef", b,
					      sizeof(b)), -ERANGE);
	ASSERT_ERR(scmi_base_name_resp_encode("a much longer vendor name", b,
					      sizeof(b)), -ERANGE);
	ASSERT_TRUE(all_canary(b, sizeof(b)));
}

STLM_TEST(name_encode_non_printable)
{
	/* The decoder would reject these, so the encoder refuses them. */
	uint8_t b[20];

	memset(b, CANARY, sizeof(b));
	ASSERT_ERR(scmi_base_name_resp_encode("tab\there", b, 20), -ERANGE);
	ASSERT_ERR(scmi_base_name_resp_encode("del\x7f", b, 20), -ERANGE);
	ASSERT_ERR(scmi_base_name_resp_encode("\xc3\xa9t\xc3\xa9", b, 20),
		   -ERANGE);
	ASSERT_ERR(scmi_base_name_resp_encode("\x1f", b, 20), -ERANGE);
	ASSERT_TRUE(all_canary(b, sizeof(b)));
}

STLM_TEST(name_encode_printable_bounds)
{
	/* Space (0x20) and tilde (0x7E) are the ends of the allowed range. */
	static const uint8_t want[] = { ST_OK, ' ', '~', ' ', 0, 0, 0, 0, 0,
					0, 0, 0, 0, 0, 0, 0, 0 };
	uint8_t b[20];

	ASSERT_EQ(scmi_base_name_resp_encode(" ~ ", b, 20), 20);
	ASSERT_MEMEQ(b, want, sizeof(want));
}

STLM_TEST(name_encode_nospc)
{
	uint8_t b[20];
	size_t cap;

	for (cap = 0; cap < 20; cap++) {
		memset(b, CANARY, sizeof(b));
		ASSERT_ERR(scmi_base_name_resp_encode("ARM", b, cap), -ENOSPC);
		ASSERT_TRUE(all_canary(b, sizeof(b)));
	}
}

STLM_TEST(name_decode_ok)
{
	static const uint8_t b[] = { ST_OK, 'L', 'i', 'n', 'a', 'r', 'o', 0,
				     0, 0, 0, 0, 0, 0, 0, 0, 0 };
	char name[SCMI_SHORT_NAME_LEN];

	memset(name, 'X', sizeof(name));
	ASSERT_EQ(scmi_base_name_resp_decode(b, sizeof(b), name), 0);
	ASSERT_STREQ(name, "Linaro");
	/* The rest of the output is NUL-filled, not left as it was. */
	ASSERT_EQ(name[15], 0);
}

STLM_TEST(name_decode_longest)
{
	static const uint8_t b[] = { ST_OK, 'A', 'B', 'C', 'D', 'E', 'F', 'G',
				     'H', 'I', 'J', 'K', 'L', 'M', 'N', 'O',
				     0 };
	char name[SCMI_SHORT_NAME_LEN];

	ASSERT_EQ(scmi_base_name_resp_decode(b, sizeof(b), name), 0);
	ASSERT_STREQ(name, "ABCDEFGHIJKLMNO");
}

STLM_TEST(name_decode_empty)
{
	static const uint8_t b[20] = { 0 };
	char name[SCMI_SHORT_NAME_LEN];

	memset(name, 'X', sizeof(name));
	ASSERT_EQ(scmi_base_name_resp_decode(b, sizeof(b), name), 0);
	ASSERT_STREQ(name, "");
}

STLM_TEST(name_decode_missing_nul)
{
	static const uint8_t b[] = { ST_OK, 'A', 'B', 'C', 'D', 'E', 'F', 'G',
				     'H', 'I', 'J', 'K', 'L', 'M', 'N', 'O',
				     'P' };
	char name[SCMI_SHORT_NAME_LEN];

	memset(name, 'X', sizeof(name));
	ASSERT_ERR(scmi_base_name_resp_decode(b, sizeof(b), name), -EPROTO);
	ASSERT_EQ(name[0], 'X');
}

STLM_TEST(name_decode_non_printable)
{
	static const uint8_t bad_chars[] = { 0x01, 0x09, 0x0A, 0x1F, 0x7F,
					     0x80, 0xC3, 0xFF };
	uint8_t b[] = { ST_OK, 'A', 'B', 'C', 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
			0, 0, 0 };
	char name[SCMI_SHORT_NAME_LEN];
	size_t i;

	memset(name, 'X', sizeof(name));
	for (i = 0; i < ARRAY_SIZE(bad_chars); i++) {
		b[5] = bad_chars[i];
		ASSERT_ERR(scmi_base_name_resp_decode(b, sizeof(b), name),
			   -EPROTO);
	}
	ASSERT_EQ(name[0], 'X');
}

STLM_TEST(name_decode_printable_bounds)
{
	static const uint8_t b[] = { ST_OK, 0x20, 0x7E, 0, 0, 0, 0, 0, 0, 0,
				     0, 0, 0, 0, 0, 0, 0 };
	char name[SCMI_SHORT_NAME_LEN];

	ASSERT_EQ(scmi_base_name_resp_decode(b, sizeof(b), name), 0);
	ASSERT_STREQ(name, " ~");
}

STLM_TEST(name_decode_ignores_bytes_after_nul)
{
	/* Only the bytes before the terminator must be printable. */
	static const uint8_t b[] = { ST_OK, 'A', 'R', 'M', 0, 0xFF, 0x01, 'x',
				     0, 0, 0, 0, 0, 0, 0, 0x80, 0x7F };
	char name[SCMI_SHORT_NAME_LEN];

	ASSERT_EQ(scmi_base_name_resp_decode(b, sizeof(b), name), 0);
	ASSERT_STREQ(name, "ARM");
	ASSERT_EQ(name[4], 0);
	ASSERT_EQ(name[15], 0);
}

STLM_TEST(name_decode_error_status)
{
	static const uint8_t b[] = { ST_NOT_SUPPORTED };
	char name[SCMI_SHORT_NAME_LEN];

	memset(name, 'X', sizeof(name));
	ASSERT_ERR(scmi_base_name_resp_decode(b, sizeof(b), name),
		   -EOPNOTSUPP);
	ASSERT_EQ(name[0], 'X');
}

STLM_TEST(name_decode_truncated)
{
	static const uint8_t b[] = { ST_OK, 'A', 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
				     0, 0, 0, 0, 0 };
	char name[SCMI_SHORT_NAME_LEN];
	size_t len;

	for (len = 0; len < 20; len++)
		ASSERT_ERR(scmi_base_name_resp_decode(at_end(b, len), len,
						      name), -EBADMSG);
}

STLM_TEST(name_decode_trailing)
{
	static const uint8_t b[] = { ST_OK, 'A', 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
				     0, 0, 0, 0, 0, 0 };
	char name[SCMI_SHORT_NAME_LEN];

	ASSERT_ERR(scmi_base_name_resp_decode(b, sizeof(b), name), -EMSGSIZE);
}

STLM_TEST(name_round_trip)
{
	static const char *const names[] = { "", "A", "Arm Ltd.",
					     "stlm-emulator", "0123456789ABCDE",
					     " !\"#$%&'()*+,-." };
	char out[SCMI_SHORT_NAME_LEN];
	uint8_t b[20];
	size_t i;

	for (i = 0; i < ARRAY_SIZE(names); i++) {
		ASSERT_EQ(scmi_base_name_resp_encode(names[i], b, 20), 20);
		ASSERT_EQ(scmi_base_name_resp_decode(b, 20, out), 0);
		ASSERT_STREQ(out, names[i]);
	}
}

/* ------------------------------------------------------------------ */
/* DISCOVER_LIST_PROTOCOLS                                             */
/* ------------------------------------------------------------------ */

STLM_TEST(list_protocols_encode_one)
{
	/* num = 1, then 0x1B in the low byte of one zero-padded word. */
	static const uint8_t want[] = { ST_OK, 0x01, 0x00, 0x00, 0x00,
					0x1B, 0x00, 0x00, 0x00 };
	static const uint8_t ids[] = { 0x1B };
	uint8_t b[16];
	size_t n = 99;

	memset(b, CANARY, sizeof(b));
	ASSERT_EQ(scmi_base_list_protocols_resp_encode(ids, 1, b, sizeof(b),
						       &n), 12);
	ASSERT_EQ(n, 1);
	ASSERT_MEMEQ(b, want, sizeof(want));
	ASSERT_TRUE(all_canary(b + 12, 4));
}

STLM_TEST(list_protocols_encode_five)
{
	/* Four per word, LSB first: word 0x15141311, then 0x0000001B. */
	static const uint8_t want[] = { ST_OK, 0x05, 0x00, 0x00, 0x00,
					0x11, 0x13, 0x14, 0x15,
					0x1B, 0x00, 0x00, 0x00 };
	static const uint8_t ids[] = { 0x11, 0x13, 0x14, 0x15, 0x1B };
	uint8_t b[32];
	size_t n = 0;

	memset(b, CANARY, sizeof(b));
	ASSERT_EQ(scmi_base_list_protocols_resp_encode(ids, 5, b, sizeof(b),
						       &n), 16);
	ASSERT_EQ(n, 5);
	ASSERT_MEMEQ(b, want, sizeof(want));
	ASSERT_EQ(scmi_get_le32(b + 8), 0x15141311u);
	ASSERT_TRUE(all_canary(b + 16, 16));
}

STLM_TEST(list_protocols_encode_word_multiple)
{
	/* Exactly 4 ids: one word, no padding word. */
	static const uint8_t want[] = { ST_OK, 0x04, 0x00, 0x00, 0x00,
					0x13, 0x14, 0x15, 0x1B };
	static const uint8_t ids[] = { 0x13, 0x14, 0x15, 0x1B };
	uint8_t b[16];
	size_t n = 0;

	ASSERT_EQ(scmi_base_list_protocols_resp_encode(ids, 4, b, sizeof(b),
						       &n), 12);
	ASSERT_EQ(n, 4);
	ASSERT_MEMEQ(b, want, sizeof(want));
}

STLM_TEST(list_protocols_encode_empty)
{
	static const uint8_t want[] = { ST_OK, 0x00, 0x00, 0x00, 0x00 };
	uint8_t b[12];
	size_t n = 99;

	memset(b, CANARY, sizeof(b));
	ASSERT_EQ(scmi_base_list_protocols_resp_encode(NULL, 0, b, sizeof(b),
						       &n), 8);
	ASSERT_EQ(n, 0);
	ASSERT_MEMEQ(b, want, sizeof(want));
	ASSERT_TRUE(all_canary(b + 8, 4));
	/* 8 bytes are enough for an empty reply. */
	ASSERT_EQ(scmi_base_list_protocols_resp_encode(NULL, 0, b, 8, &n), 8);
}

STLM_TEST(list_protocols_encode_partial_fit)
{
	/* Six ids, room for one id word only: the first four go out. */
	static const uint8_t want[] = { ST_OK, 0x04, 0x00, 0x00, 0x00,
					0x11, 0x12, 0x13, 0x14 };
	static const uint8_t ids[] = { 0x11, 0x12, 0x13, 0x14, 0x15, 0x1B };
	uint8_t b[20];
	size_t n = 0;

	memset(b, CANARY, sizeof(b));
	ASSERT_EQ(scmi_base_list_protocols_resp_encode(ids, 6, b, 12, &n), 12);
	ASSERT_EQ(n, 4);
	ASSERT_MEMEQ(b, want, sizeof(want));
	ASSERT_TRUE(all_canary(b + 12, 8));

	/* A partial word of room is no room: 15 bytes still carry 4 ids. */
	memset(b, CANARY, sizeof(b));
	ASSERT_EQ(scmi_base_list_protocols_resp_encode(ids, 6, b, 15, &n), 12);
	ASSERT_EQ(n, 4);
	ASSERT_TRUE(all_canary(b + 12, 8));

	/* 16 bytes carry all six (two words, the second padded). */
	ASSERT_EQ(scmi_base_list_protocols_resp_encode(ids, 6, b, 16, &n), 16);
	ASSERT_EQ(n, 6);
	ASSERT_EQ(b[12], 0x15);
	ASSERT_EQ(b[13], 0x1B);
	ASSERT_EQ(b[14], 0x00);
	ASSERT_EQ(b[15], 0x00);
}

STLM_TEST(list_protocols_encode_paging)
{
	/* Page a 9-id list with 12-byte replies, as a platform would. */
	static const uint8_t ids[] = { 1, 2, 3, 4, 5, 6, 7, 8, 9 };
	uint8_t b[12], got[16];
	size_t skip = 0, n;
	int r, pages = 0;

	while (skip < ARRAY_SIZE(ids)) {
		ASSERT_EQ(scmi_base_list_protocols_resp_encode(
				  ids + skip, ARRAY_SIZE(ids) - skip, b,
				  sizeof(b), &n), 12);
		r = scmi_base_list_protocols_resp_decode(b, 12, got + skip,
							 sizeof(got) - skip);
		ASSERT_EQ(r, (int64_t)n);
		skip += n;
		pages++;
	}
	ASSERT_EQ(pages, 3);
	ASSERT_MEMEQ(got, ids, sizeof(ids));
}

STLM_TEST(list_protocols_encode_nospc)
{
	static const uint8_t ids[] = { 0x1B };
	uint8_t b[12];
	size_t cap, n = 99;

	for (cap = 0; cap < 12; cap++) {
		memset(b, CANARY, sizeof(b));
		ASSERT_ERR(scmi_base_list_protocols_resp_encode(ids, 1, b, cap,
								&n), -ENOSPC);
		ASSERT_TRUE(all_canary(b, sizeof(b)));
	}
	for (cap = 0; cap < 8; cap++)
		ASSERT_ERR(scmi_base_list_protocols_resp_encode(NULL, 0, b, cap,
								&n), -ENOSPC);
	ASSERT_EQ(n, 99);
}

STLM_TEST(list_protocols_decode_five)
{
	static const uint8_t b[] = { ST_OK, 0x05, 0x00, 0x00, 0x00,
				     0x11, 0x13, 0x14, 0x15,
				     0x1B, 0x00, 0x00, 0x00 };
	static const uint8_t want[] = { 0x11, 0x13, 0x14, 0x15, 0x1B };
	uint8_t ids[8];

	memset(ids, CANARY, sizeof(ids));
	ASSERT_EQ(scmi_base_list_protocols_resp_decode(b, sizeof(b), ids,
						       sizeof(ids)), 5);
	ASSERT_MEMEQ(ids, want, sizeof(want));
	ASSERT_TRUE(all_canary(ids + 5, 3));
}

STLM_TEST(list_protocols_decode_exact_cap)
{
	static const uint8_t b[] = { ST_OK, 0x02, 0x00, 0x00, 0x00,
				     0x15, 0x1B, 0x00, 0x00 };
	uint8_t ids[2];

	ASSERT_EQ(scmi_base_list_protocols_resp_decode(b, sizeof(b), ids, 2),
		  2);
	ASSERT_EQ(ids[0], 0x15);
	ASSERT_EQ(ids[1], 0x1B);
}

STLM_TEST(list_protocols_decode_empty)
{
	static const uint8_t b[] = { ST_OK, 0x00, 0x00, 0x00, 0x00 };

	ASSERT_EQ(scmi_base_list_protocols_resp_decode(b, sizeof(b), NULL, 0),
		  0);
}

STLM_TEST(list_protocols_decode_truncated)
{
	static const uint8_t b[] = { ST_OK, 0x05, 0x00, 0x00, 0x00,
				     0x11, 0x13, 0x14, 0x15,
				     0x1B, 0x00, 0x00, 0x00 };
	uint8_t ids[8];
	size_t len;

	/* Any length short of 4 + 4 + 4 * ceil(5 / 4) = 16. */
	for (len = 0; len < sizeof(b); len++)
		ASSERT_ERR(scmi_base_list_protocols_resp_decode(at_end(b, len),
								len, ids,
								sizeof(ids)),
			   -EBADMSG);
}

STLM_TEST(list_protocols_decode_missing_padding_word)
{
	/* num = 5 but the fifth id is sent without its padded word. */
	static const uint8_t b[] = { ST_OK, 0x05, 0x00, 0x00, 0x00,
				     0x11, 0x13, 0x14, 0x15, 0x1B };
	uint8_t ids[8];

	ASSERT_ERR(scmi_base_list_protocols_resp_decode(b, sizeof(b), ids,
							sizeof(ids)),
		   -EBADMSG);
}

STLM_TEST(list_protocols_decode_huge_num)
{
	/* num = 0xFFFFFFFF: must be rejected on length, not overflow. */
	static const uint8_t b[] = { ST_OK, 0xFF, 0xFF, 0xFF, 0xFF,
				     0x11, 0x13, 0x14, 0x15 };
	static const uint8_t c[] = { ST_OK, 0xFD, 0xFF, 0xFF, 0xFF,
				     0x11, 0x13, 0x14, 0x15 };
	uint8_t ids[8];

	ASSERT_ERR(scmi_base_list_protocols_resp_decode(b, sizeof(b), ids,
							sizeof(ids)),
		   -EBADMSG);
	ASSERT_ERR(scmi_base_list_protocols_resp_decode(c, sizeof(c), ids,
							sizeof(ids)),
		   -EBADMSG);
}

STLM_TEST(list_protocols_decode_trailing)
{
	/* num = 1 needs 12 bytes; an extra (zero) word is too long. */
	static const uint8_t one[] = { ST_OK, 0x01, 0x00, 0x00, 0x00,
				       0x1B, 0x00, 0x00, 0x00,
				       0x00, 0x00, 0x00, 0x00 };
	static const uint8_t none[] = { ST_OK, 0x00, 0x00, 0x00, 0x00,
					0x00, 0x00, 0x00, 0x00 };
	uint8_t ids[8];

	ASSERT_ERR(scmi_base_list_protocols_resp_decode(one, sizeof(one), ids,
							sizeof(ids)),
		   -EMSGSIZE);
	ASSERT_ERR(scmi_base_list_protocols_resp_decode(one, 13, ids,
							sizeof(ids)),
		   -EMSGSIZE);
	ASSERT_ERR(scmi_base_list_protocols_resp_decode(none, sizeof(none),
							ids, sizeof(ids)),
		   -EMSGSIZE);
}

STLM_TEST(list_protocols_decode_bad_padding)
{
	uint8_t b[] = { ST_OK, 0x05, 0x00, 0x00, 0x00,
			0x11, 0x13, 0x14, 0x15,
			0x1B, 0x00, 0x00, 0x00 };
	uint8_t ids[8];
	size_t i;

	for (i = 13; i < 16; i++) {
		b[i] = 0x01;
		memset(ids, CANARY, sizeof(ids));
		ASSERT_ERR(scmi_base_list_protocols_resp_decode(b, sizeof(b),
								ids,
								sizeof(ids)),
			   -EPROTO);
		ASSERT_TRUE(all_canary(ids, sizeof(ids)));
		b[i] = 0x00;
	}
}

STLM_TEST(list_protocols_decode_e2big)
{
	static const uint8_t b[] = { ST_OK, 0x05, 0x00, 0x00, 0x00,
				     0x11, 0x13, 0x14, 0x15,
				     0x1B, 0x00, 0x00, 0x00 };
	uint8_t ids[8];

	memset(ids, CANARY, sizeof(ids));
	ASSERT_ERR(scmi_base_list_protocols_resp_decode(b, sizeof(b), ids, 4),
		   -E2BIG);
	ASSERT_ERR(scmi_base_list_protocols_resp_decode(b, sizeof(b), ids, 0),
		   -E2BIG);
	ASSERT_TRUE(all_canary(ids, sizeof(ids)));
}

STLM_TEST(list_protocols_decode_error_status)
{
	static const uint8_t b[] = { ST_NOT_FOUND, 0x01, 0x00, 0x00, 0x00 };
	uint8_t ids[4];

	ASSERT_ERR(scmi_base_list_protocols_resp_decode(b, 4, ids, 4),
		   -ENOENT);
	ASSERT_ERR(scmi_base_list_protocols_resp_decode(b, sizeof(b), ids, 4),
		   -ENOENT);
}

STLM_TEST(list_protocols_round_trip_all_counts)
{
	uint8_t ids[255], out[255], b[8 + 256];
	size_t n, k;
	int r;

	for (n = 0; n < sizeof(ids); n++)
		ids[n] = (uint8_t)(n + 1);
	for (n = 0; n <= sizeof(ids); n++) {
		r = scmi_base_list_protocols_resp_encode(ids, n, b, sizeof(b),
							 &k);
		ASSERT_EQ(r, 8 + 4 * ((n + 3) / 4));
		ASSERT_EQ(k, n);
		ASSERT_EQ(scmi_base_list_protocols_resp_decode(b, (size_t)r,
							       out,
							       sizeof(out)),
			  (int64_t)n);
		ASSERT_MEMEQ(out, ids, n);
	}
}

/* ------------------------------------------------------------------ */
/* DISCOVER_AGENT                                                      */
/* ------------------------------------------------------------------ */

STLM_TEST(agent_encode_platform)
{
	static const uint8_t want[] = { ST_OK, 0x00, 0x00, 0x00, 0x00,
					'p', 'l', 'a', 't', 'f', 'o', 'r', 'm',
					0, 0, 0, 0, 0, 0, 0, 0 };
	struct scmi_base_agent a = { .agent_id = 0, .name = "platform" };
	uint8_t b[28];

	memset(b, CANARY, sizeof(b));
	ASSERT_EQ(scmi_base_agent_resp_encode(&a, b, sizeof(b)), 24);
	ASSERT_MEMEQ(b, want, sizeof(want));
	ASSERT_TRUE(all_canary(b + 24, 4));
}

STLM_TEST(agent_encode_id_le)
{
	static const uint8_t want[] = { ST_OK, 0x04, 0x03, 0x02, 0x01,
					'O', 'S', 'P', 'M', 0, 0, 0, 0, 0, 0,
					0, 0, 0, 0, 0, 0 };
	struct scmi_base_agent a = { .agent_id = 0x01020304u, .name = "OSPM" };
	uint8_t b[24];

	ASSERT_EQ(scmi_base_agent_resp_encode(&a, b, sizeof(b)), 24);
	ASSERT_MEMEQ(b, want, sizeof(want));
}

STLM_TEST(agent_encode_name_not_terminated)
{
	/* All 16 name bytes used: no room for the NUL. */
	struct scmi_base_agent a = { .agent_id = 1 };
	uint8_t b[24];

	memset(a.name, 'N', sizeof(a.name));
	memset(b, CANARY, sizeof(b));
	ASSERT_ERR(scmi_base_agent_resp_encode(&a, b, sizeof(b)), -ERANGE);
	ASSERT_TRUE(all_canary(b, sizeof(b)));
}

STLM_TEST(agent_encode_name_non_printable)
{
	struct scmi_base_agent a = { .agent_id = 1, .name = "bad\x01name" };
	uint8_t b[24];

	ASSERT_ERR(scmi_base_agent_resp_encode(&a, b, sizeof(b)), -ERANGE);
}

STLM_TEST(agent_encode_nospc)
{
	struct scmi_base_agent a = { .agent_id = 1, .name = "x" };
	uint8_t b[24];
	size_t cap;

	for (cap = 0; cap < 24; cap++) {
		memset(b, CANARY, sizeof(b));
		ASSERT_ERR(scmi_base_agent_resp_encode(&a, b, cap), -ENOSPC);
		ASSERT_TRUE(all_canary(b, sizeof(b)));
	}
}

STLM_TEST(agent_decode_ok)
{
	static const uint8_t b[] = { ST_OK, 0x02, 0x00, 0x00, 0x00,
				     'a', 'g', 'e', 'n', 't', '-', '2', 0,
				     0, 0, 0, 0, 0, 0, 0, 0 };
	struct scmi_base_agent a;

	memset(&a, 'X', sizeof(a));
	ASSERT_EQ(scmi_base_agent_resp_decode(b, sizeof(b), &a), 0);
	ASSERT_EQ(a.agent_id, 2);
	ASSERT_STREQ(a.name, "agent-2");
	ASSERT_EQ(a.name[15], 0);
}

STLM_TEST(agent_decode_missing_nul)
{
	static const uint8_t b[] = { ST_OK, 0x01, 0x00, 0x00, 0x00,
				     'a', 'a', 'a', 'a', 'a', 'a', 'a', 'a',
				     'a', 'a', 'a', 'a', 'a', 'a', 'a', 'a' };
	struct scmi_base_agent a = { .agent_id = 77 };

	ASSERT_ERR(scmi_base_agent_resp_decode(b, sizeof(b), &a), -EPROTO);
	ASSERT_EQ(a.agent_id, 77);
}

STLM_TEST(agent_decode_non_printable)
{
	static const uint8_t b[] = { ST_OK, 0x01, 0x00, 0x00, 0x00,
				     'a', 0x7F, 0, 0, 0, 0, 0, 0,
				     0, 0, 0, 0, 0, 0, 0, 0 };
	struct scmi_base_agent a = { .agent_id = 77 };

	ASSERT_ERR(scmi_base_agent_resp_decode(b, sizeof(b), &a), -EPROTO);
	ASSERT_EQ(a.agent_id, 77);
}

STLM_TEST(agent_decode_error_status)
{
	/* NOT_FOUND for an agent id past num_agents. */
	static const uint8_t b[] = { ST_NOT_FOUND };
	struct scmi_base_agent a = { .agent_id = 77 };

	ASSERT_ERR(scmi_base_agent_resp_decode(b, sizeof(b), &a), -ENOENT);
	ASSERT_EQ(a.agent_id, 77);
}

STLM_TEST(agent_decode_truncated)
{
	static const uint8_t b[] = { ST_OK, 0x01, 0x00, 0x00, 0x00,
				     'a', 0, 0, 0, 0, 0, 0, 0,
				     0, 0, 0, 0, 0, 0, 0, 0 };
	struct scmi_base_agent a;
	size_t len;

	for (len = 0; len < 24; len++)
		ASSERT_ERR(scmi_base_agent_resp_decode(at_end(b, len), len, &a),
			   -EBADMSG);
}

STLM_TEST(agent_decode_trailing)
{
	static const uint8_t b[] = { ST_OK, 0x01, 0x00, 0x00, 0x00,
				     'a', 0, 0, 0, 0, 0, 0, 0,
				     0, 0, 0, 0, 0, 0, 0, 0, 0 };
	struct scmi_base_agent a;

	ASSERT_ERR(scmi_base_agent_resp_decode(b, sizeof(b), &a), -EMSGSIZE);
}

STLM_TEST(agent_round_trip)
{
	struct scmi_base_agent in = { .agent_id = 0xFFFFFFFEu,
				      .name = "Agent #15 (NS)!" };
	struct scmi_base_agent out;
	uint8_t b[24];

	ASSERT_EQ(scmi_base_agent_resp_encode(&in, b, sizeof(b)), 24);
	ASSERT_EQ(scmi_base_agent_resp_decode(b, sizeof(b), &out), 0);
	ASSERT_EQ(out.agent_id, in.agent_id);
	ASSERT_STREQ(out.name, in.name);
}

/* ------------------------------------------------------------------ */
/* NOTIFY_ERRORS                                                       */
/* ------------------------------------------------------------------ */

STLM_TEST(notify_errors_encode)
{
	static const uint8_t on[] = { 0x01, 0x00, 0x00, 0x00 };
	static const uint8_t off[] = { 0x00, 0x00, 0x00, 0x00 };
	uint8_t b[6];

	memset(b, CANARY, sizeof(b));
	ASSERT_EQ(scmi_base_notify_errors_req_encode(true, b, sizeof(b)), 4);
	ASSERT_MEMEQ(b, on, 4);
	ASSERT_TRUE(all_canary(b + 4, 2));
	ASSERT_EQ(scmi_base_notify_errors_req_encode(false, b, sizeof(b)), 4);
	ASSERT_MEMEQ(b, off, 4);
}

STLM_TEST(notify_errors_encode_nospc)
{
	uint8_t b[4];
	size_t cap;

	for (cap = 0; cap < 4; cap++) {
		memset(b, CANARY, sizeof(b));
		ASSERT_ERR(scmi_base_notify_errors_req_encode(true, b, cap),
			   -ENOSPC);
		ASSERT_TRUE(all_canary(b, sizeof(b)));
	}
}

STLM_TEST(notify_errors_decode)
{
	static const uint8_t on[] = { 0x01, 0x00, 0x00, 0x00 };
	static const uint8_t off[] = { 0x00, 0x00, 0x00, 0x00 };
	bool en = false;

	ASSERT_EQ(scmi_base_notify_errors_req_decode(on, 4, &en), 0);
	ASSERT_TRUE(en);
	ASSERT_EQ(scmi_base_notify_errors_req_decode(off, 4, &en), 0);
	ASSERT_FALSE(en);
}

STLM_TEST(notify_errors_decode_reserved)
{
	static const uint8_t bit1[] = { 0x02, 0x00, 0x00, 0x00 };
	static const uint8_t bit31[] = { 0x01, 0x00, 0x00, 0x80 };
	static const uint8_t all[] = { 0xFF, 0xFF, 0xFF, 0xFF };
	bool en = true;

	ASSERT_ERR(scmi_base_notify_errors_req_decode(bit1, 4, &en), -EINVAL);
	ASSERT_ERR(scmi_base_notify_errors_req_decode(bit31, 4, &en), -EINVAL);
	ASSERT_ERR(scmi_base_notify_errors_req_decode(all, 4, &en), -EINVAL);
	ASSERT_TRUE(en);
	/* The platform answers INVALID_PARAMETERS. */
	ASSERT_EQ(scmi_errno_to_status(scmi_base_notify_errors_req_decode(
			  bit1, 4, &en)),
		  SCMI_INVALID_PARAMETERS);
}

STLM_TEST(notify_errors_decode_wrong_length)
{
	static const uint8_t b[] = { 0x01, 0x00, 0x00, 0x00, 0x00 };
	bool en = false;

	ASSERT_ERR(scmi_base_notify_errors_req_decode(b, 0, &en), -EPROTO);
	ASSERT_ERR(scmi_base_notify_errors_req_decode(at_end(b, 3), 3, &en),
		   -EPROTO);
	ASSERT_ERR(scmi_base_notify_errors_req_decode(b, 5, &en), -EPROTO);
	ASSERT_FALSE(en);
	/* The platform answers PROTOCOL_ERROR. */
	ASSERT_EQ(scmi_errno_to_status(scmi_base_notify_errors_req_decode(
			  b, 5, &en)),
		  SCMI_PROTOCOL_ERROR);
}

STLM_TEST(notify_errors_response)
{
	/* Status only. */
	static const uint8_t ok[] = { ST_OK };
	uint8_t b[4];

	ASSERT_EQ(scmi_status_resp_encode(SCMI_SUCCESS, b, sizeof(b)), 4);
	ASSERT_MEMEQ(b, ok, 4);
	ASSERT_EQ(scmi_status_resp_decode(b, 4), 0);
}

/* ------------------------------------------------------------------ */
/* BASE_ERROR_EVENT notification                                       */
/* ------------------------------------------------------------------ */

STLM_TEST(error_event_encode_no_reports)
{
	static const uint8_t want[] = { 0x02, 0x00, 0x00, 0x00,
					0x00, 0x00, 0x00, 0x00 };
	uint8_t b[12];

	memset(b, CANARY, sizeof(b));
	ASSERT_EQ(scmi_base_error_event_encode(2, false, NULL, 0, b,
					       sizeof(b)), 8);
	ASSERT_MEMEQ(b, want, sizeof(want));
	ASSERT_TRUE(all_canary(b + 8, 4));
}

STLM_TEST(error_event_encode_fatal_two_reports)
{
	/* error_status = bit 31 (fatal) | count 2 = 0x80000002. */
	static const uint8_t want[] = {
		0x01, 0x00, 0x00, 0x00,
		0x02, 0x00, 0x00, 0x80,
		0x88, 0x77, 0x66, 0x55, 0x44, 0x33, 0x22, 0x11,
		0x08, 0x07, 0x06, 0x05, 0x04, 0x03, 0x02, 0x01,
	};
	static const uint64_t reports[] = { 0x1122334455667788ull,
					    0x0102030405060708ull };
	uint8_t b[32];

	memset(b, CANARY, sizeof(b));
	ASSERT_EQ(scmi_base_error_event_encode(1, true, reports, 2, b,
					       sizeof(b)), 24);
	ASSERT_MEMEQ(b, want, sizeof(want));
	ASSERT_TRUE(all_canary(b + 24, 8));
}

STLM_TEST(error_event_encode_fatal_no_reports)
{
	static const uint8_t want[] = { 0xFF, 0xFF, 0xFF, 0xFF,
					0x00, 0x00, 0x00, 0x80 };
	uint8_t b[8];

	ASSERT_EQ(scmi_base_error_event_encode(0xFFFFFFFFu, true, NULL, 0, b,
					       sizeof(b)), 8);
	ASSERT_MEMEQ(b, want, sizeof(want));
}

STLM_TEST(error_event_encode_max_count)
{
	static uint64_t reports[1023];
	static uint8_t b[8 + 8 * 1023];
	size_t i;

	for (i = 0; i < ARRAY_SIZE(reports); i++)
		reports[i] = i;
	ASSERT_EQ(scmi_base_error_event_encode(3, false, reports, 1023, b,
					       sizeof(b)), 8 + 8 * 1023);
	/* [9:0] = 0x3FF, nothing in the reserved bits. */
	ASSERT_EQ(scmi_get_le32(b + 4), 0x000003FFu);
	ASSERT_U64_EQ(scmi_get_le64(b + 8 + 8 * 1022), 1022);
}

STLM_TEST(error_event_encode_count_too_big)
{
	static uint64_t reports[1024];
	static uint8_t b[8 + 8 * 1024];

	memset(b, CANARY, sizeof(b));
	ASSERT_ERR(scmi_base_error_event_encode(3, false, reports, 1024, b,
						sizeof(b)), -ERANGE);
	ASSERT_ERR(scmi_base_error_event_encode(3, false, reports, 0xFFFF, b,
						sizeof(b)), -ERANGE);
	ASSERT_TRUE(all_canary(b, 16));
}

STLM_TEST(error_event_encode_nospc)
{
	static const uint64_t reports[] = { 1, 2 };
	uint8_t b[24];
	size_t cap;

	for (cap = 0; cap < 24; cap++) {
		memset(b, CANARY, sizeof(b));
		ASSERT_ERR(scmi_base_error_event_encode(1, false, reports, 2, b,
							cap), -ENOSPC);
		ASSERT_TRUE(all_canary(b, sizeof(b)));
	}
	ASSERT_ERR(scmi_base_error_event_encode(1, false, NULL, 0, b, 7),
		   -ENOSPC);
}

STLM_TEST(error_event_decode_ok)
{
	static const uint8_t b[] = {
		0x05, 0x00, 0x00, 0x00,
		0x02, 0x00, 0x00, 0x80,
		0x88, 0x77, 0x66, 0x55, 0x44, 0x33, 0x22, 0x11,
		0x08, 0x07, 0x06, 0x05, 0x04, 0x03, 0x02, 0x01,
	};
	struct scmi_base_error_event ev;

	ASSERT_EQ(scmi_base_error_event_decode(b, sizeof(b), &ev), 0);
	ASSERT_EQ(ev.agent_id, 5);
	ASSERT_TRUE(ev.fatal);
	ASSERT_EQ(ev.count, 2);
	ASSERT_TRUE(ev.reports == b + 8);
	ASSERT_U64_EQ(scmi_get_le64(ev.reports), 0x1122334455667788ull);
	ASSERT_U64_EQ(scmi_get_le64(ev.reports + 8), 0x0102030405060708ull);
}

STLM_TEST(error_event_decode_no_reports)
{
	static const uint8_t b[] = { 0x07, 0x00, 0x00, 0x00,
				     0x00, 0x00, 0x00, 0x00 };
	struct scmi_base_error_event ev;

	memset(&ev, 0xFF, sizeof(ev));
	ASSERT_EQ(scmi_base_error_event_decode(b, sizeof(b), &ev), 0);
	ASSERT_EQ(ev.agent_id, 7);
	ASSERT_FALSE(ev.fatal);
	ASSERT_EQ(ev.count, 0);
	ASSERT_NULL(ev.reports);
}

STLM_TEST(error_event_decode_reserved_bits)
{
	uint8_t b[8 + 8 * 4] = { 0x01, 0x00, 0x00, 0x00 };
	struct scmi_base_error_event ev = { .agent_id = 99 };
	unsigned int bit;

	for (bit = 10; bit <= 30; bit++) {
		/* count 1 plus one reserved bit; length matches count 1. */
		scmi_put_le32(b + 4, 1u << bit | 1u);
		ASSERT_ERR(scmi_base_error_event_decode(b, 16, &ev), -EPROTO);
	}
	ASSERT_EQ(ev.agent_id, 99);
}

STLM_TEST(error_event_decode_truncated)
{
	static const uint8_t b[] = {
		0x01, 0x00, 0x00, 0x00,
		0x02, 0x00, 0x00, 0x00,
		0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
		0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	};
	struct scmi_base_error_event ev = { .agent_id = 99 };
	size_t len;

	for (len = 0; len < sizeof(b); len++)
		ASSERT_ERR(scmi_base_error_event_decode(at_end(b, len), len,
							&ev), -EBADMSG);
	ASSERT_EQ(ev.agent_id, 99);
}

STLM_TEST(error_event_decode_max_count_truncated)
{
	/* count 1023 claimed with only one report present. */
	static const uint8_t b[] = {
		0x01, 0x00, 0x00, 0x00,
		0xFF, 0x03, 0x00, 0x80,
		0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	};
	struct scmi_base_error_event ev;

	ASSERT_ERR(scmi_base_error_event_decode(b, sizeof(b), &ev), -EBADMSG);
}

STLM_TEST(error_event_decode_trailing)
{
	static const uint8_t b[] = {
		0x01, 0x00, 0x00, 0x00,
		0x01, 0x00, 0x00, 0x00,
		0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
		0x00, 0x00, 0x00, 0x00,
	};
	struct scmi_base_error_event ev = { .agent_id = 99 };

	ASSERT_ERR(scmi_base_error_event_decode(b, 17, &ev), -EMSGSIZE);
	ASSERT_ERR(scmi_base_error_event_decode(b, 20, &ev), -EMSGSIZE);
	ASSERT_EQ(ev.agent_id, 99);
}

STLM_TEST(error_event_decode_trailing_no_reports)
{
	/* count 0 with a report's worth of bytes after it. */
	static const uint8_t b[] = {
		0x01, 0x00, 0x00, 0x00,
		0x00, 0x00, 0x00, 0x00,
		0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	};
	struct scmi_base_error_event ev = { .agent_id = 99 };

	ASSERT_ERR(scmi_base_error_event_decode(b, 9, &ev), -EMSGSIZE);
	ASSERT_ERR(scmi_base_error_event_decode(b, 16, &ev), -EMSGSIZE);
	ASSERT_EQ(ev.agent_id, 99);
}

STLM_TEST(error_event_round_trip)
{
	static const uint64_t reports[] = { 0, 0xFFFFFFFFFFFFFFFFull,
					    0x8000000000000001ull };
	struct scmi_base_error_event ev;
	uint8_t b[8 + 8 * 3];
	size_t i;

	ASSERT_EQ(scmi_base_error_event_encode(0x12345678u, false, reports, 3,
					       b, sizeof(b)), 32);
	ASSERT_EQ(scmi_base_error_event_decode(b, sizeof(b), &ev), 0);
	ASSERT_EQ(ev.agent_id, 0x12345678u);
	ASSERT_FALSE(ev.fatal);
	ASSERT_EQ(ev.count, 3);
	for (i = 0; i < 3; i++)
		ASSERT_U64_EQ(scmi_get_le64(ev.reports + 8 * i), reports[i]);
}

/* ------------------------------------------------------------------ */
/* Tolerant decoders (docs/codec.md "Tolerant decoding")               */
/* ------------------------------------------------------------------ */

STLM_TEST(attrs_decode_dev)
{
	/* 3 protocols, 2 agents, every reserved bit set, 4 trailing bytes */
	static const uint8_t b[] = { ST_OK, 0x03, 0x02, 0xFF, 0xFF,
				     0x11, 0x22, 0x33, 0x44 };
	struct scmi_base_attrs a = { 0 };
	uint32_t dev = 0;

	ASSERT_ERR(scmi_base_attrs_resp_decode(b, 8, &a), -EPROTO);
	ASSERT_ERR(scmi_base_attrs_resp_decode_dev(b, 8, &a, NULL), -EPROTO);
	ASSERT_OK(scmi_base_attrs_resp_decode_dev(b, 8, &a, &dev));
	ASSERT_EQ(dev, SCMI_DEV(SCMI_DEV_RSVD));
	ASSERT_EQ(a.num_protocols, 3);
	ASSERT_EQ(a.num_agents, 2);
	dev = 0;
	ASSERT_OK(scmi_base_attrs_resp_decode_dev(b, sizeof(b), &a, &dev));
	ASSERT_EQ(dev, SCMI_DEV(SCMI_DEV_RSVD) | SCMI_DEV(SCMI_DEV_LONG));
	/* what cannot be read still fails */
	dev = 0;
	ASSERT_ERR(scmi_base_attrs_resp_decode_dev(at_end(b, 7), 7, &a, &dev),
		   -EBADMSG);
}

STLM_TEST(name_decode_dev)
{
	/* 16 letters, no NUL, then 8 trailing bytes */
	uint8_t b[4 + 16 + 8] = { ST_OK };
	char name[SCMI_SHORT_NAME_LEN];
	uint32_t dev = 0;

	memcpy(b + 4, "ABCDEFGHIJKLMNOP", 16);
	memset(b + 20, 0xEE, 8);
	memset(name, CANARY, sizeof(name));
	ASSERT_ERR(scmi_base_name_resp_decode(b, 20, name), -EPROTO);
	ASSERT_TRUE(all_canary((const uint8_t *)name, sizeof(name)));
	/* like strscpy(): cut to 15 characters */
	ASSERT_OK(scmi_base_name_resp_decode_dev(b, 20, name, &dev));
	ASSERT_EQ(dev, SCMI_DEV(SCMI_DEV_NAME));
	ASSERT_STREQ(name, "ABCDEFGHIJKLMNO");
	dev = 0;
	ASSERT_OK(scmi_base_name_resp_decode_dev(b, sizeof(b), name, &dev));
	ASSERT_EQ(dev, SCMI_DEV(SCMI_DEV_NAME) | SCMI_DEV(SCMI_DEV_LONG));
	/* a non-printable byte reads '?' */
	memcpy(b + 4, "ar\001m\0", 5);
	dev = 0;
	ASSERT_ERR(scmi_base_name_resp_decode(b, 20, name), -EPROTO);
	ASSERT_OK(scmi_base_name_resp_decode_dev(b, 20, name, &dev));
	ASSERT_EQ(dev, SCMI_DEV(SCMI_DEV_NAME));
	ASSERT_STREQ(name, "ar?m");
	/* a clean reply notes nothing */
	memcpy(b + 4, "arm\0", 4);
	dev = 0;
	ASSERT_OK(scmi_base_name_resp_decode_dev(b, 20, name, &dev));
	ASSERT_EQ(dev, 0);
	ASSERT_STREQ(name, "arm");
}

STLM_TEST(list_protocols_decode_dev)
{
	/* two ids 0x1B 0x13, padding bytes set, then 4 trailing bytes */
	static const uint8_t b[] = { ST_OK, 0x02, 0x00, 0x00, 0x00,
				     0x1B, 0x13, 0xA5, 0xA5,
				     0x01, 0x02, 0x03, 0x04 };
	uint8_t ids[4] = { 0 };
	uint32_t dev = 0;

	ASSERT_ERR(scmi_base_list_protocols_resp_decode(b, 12, ids, 4),
		   -EPROTO);
	ASSERT_EQ(scmi_base_list_protocols_resp_decode_dev(b, 12, ids, 4,
							   &dev), 2);
	ASSERT_EQ(dev, SCMI_DEV(SCMI_DEV_RSVD));
	ASSERT_EQ(ids[0], 0x1B);
	ASSERT_EQ(ids[1], 0x13);
	dev = 0;
	ASSERT_EQ(scmi_base_list_protocols_resp_decode_dev(b, sizeof(b), ids,
							   4, &dev), 2);
	ASSERT_EQ(dev, SCMI_DEV(SCMI_DEV_RSVD) | SCMI_DEV(SCMI_DEV_LONG));
	/* short of what num needs, or more ids than room: still errors */
	ASSERT_ERR(scmi_base_list_protocols_resp_decode_dev(at_end(b, 9), 9,
							    ids, 4, &dev),
		   -EBADMSG);
	ASSERT_ERR(scmi_base_list_protocols_resp_decode_dev(b, 12, ids, 1,
							    &dev), -E2BIG);
}

STLM_TEST(agent_decode_dev)
{
	uint8_t b[8 + 16 + 4] = { ST_OK, 0x05, 0x00, 0x00, 0x00 };
	struct scmi_base_agent a;
	uint32_t dev = 0;

	memcpy(b + 8, "OSPM\0", 5);
	ASSERT_ERR(scmi_base_agent_resp_decode(b, sizeof(b), &a), -EMSGSIZE);
	ASSERT_OK(scmi_base_agent_resp_decode_dev(b, sizeof(b), &a, &dev));
	ASSERT_EQ(dev, SCMI_DEV(SCMI_DEV_LONG));
	ASSERT_EQ(a.agent_id, 5);
	ASSERT_STREQ(a.name, "OSPM");
}
