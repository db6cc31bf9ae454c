// SPDX-License-Identifier: MIT
/*
 * Copyright (c) 2026 The stlm authors
 *
 * Unit tests for the SCMI common codec (lib/proto/scmi.c). Expected bytes
 * and words are written from the protocol reference (§2.1-§2.5), not from
 * the code under test.
 */
#define STLM_TEST_GROUP "proto-scmi"
#include "stlm-test.h"

#include <limits.h>

#include "scmi.h"

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

/* ------------------------------------------------------------------ */
/* Header (§2.1)                                                       */
/* ------------------------------------------------------------------ */

STLM_TEST(hdr_pack_doc_protocol_attributes)
{
	/* §2.1 example: PROTOCOL_ATTRIBUTES (0x1) to 0x1B, token 5. */
	struct scmi_hdr h = { .id = 0x1, .type = SCMI_MSG_COMMAND,
			      .proto = 0x1B, .token = 5 };

	ASSERT_EQ(scmi_hdr_pack(&h), 0x00146C01u);
}

STLM_TEST(hdr_pack_doc_de_configure)
{
	/* TELEMETRY_DE_CONFIGURE (0x6), token 7. */
	struct scmi_hdr h = { .id = 0x6, .type = SCMI_MSG_COMMAND,
			      .proto = 0x1B, .token = 7 };

	ASSERT_EQ(scmi_hdr_pack(&h), 0x001C6C06u);
}

STLM_TEST(hdr_pack_doc_telemetry_update)
{
	/* §2.1: TELEMETRY_UPDATE notification header is 0x00006F00. */
	struct scmi_hdr h = { .id = 0x0, .type = SCMI_MSG_NOTIFICATION,
			      .proto = 0x1B, .token = 0 };

	ASSERT_EQ(scmi_hdr_pack(&h), 0x00006F00u);
}

STLM_TEST(hdr_pack_doc_reading_complete)
{
	/* §2.1: TELEMETRY_READING_COMPLETE is 0x00006E08 | token << 18. */
	struct scmi_hdr h = { .id = 0x8, .type = SCMI_MSG_DELAYED_RESP,
			      .proto = 0x1B, .token = 0 };

	ASSERT_EQ(scmi_hdr_pack(&h), 0x00006E08u);
	h.token = 1;
	ASSERT_EQ(scmi_hdr_pack(&h), 0x00046E08u);
	h.token = 0x3FF;
	ASSERT_EQ(scmi_hdr_pack(&h), 0x0FFC6E08u);
}

STLM_TEST(hdr_pack_base_protocol)
{
	/* Base (0x10) DISCOVER_LIST_PROTOCOLS (0x6), token 0x2A. */
	struct scmi_hdr h = { .id = 0x6, .type = SCMI_MSG_COMMAND,
			      .proto = SCMI_PROTO_BASE, .token = 0x2A };

	/* 0x6 | 0x10 << 10 (0x4000) | 0x2A << 18 (0xA80000) */
	ASSERT_EQ(scmi_hdr_pack(&h), 0x00A84006u);
}

STLM_TEST(hdr_pack_all_ones)
{
	struct scmi_hdr h = { .id = 0xFF, .type = 3, .proto = 0xFF,
			      .token = 0x3FF };

	ASSERT_EQ(scmi_hdr_pack(&h), 0x0FFFFFFFu);
}

STLM_TEST(hdr_pack_masks_wide_token)
{
	/* A token wider than 10 bits must not spill into reserved bits. */
	struct scmi_hdr h = { .id = 0x1, .type = 0, .proto = 0x1B,
			      .token = 0xFFFF };
	uint32_t w = scmi_hdr_pack(&h);

	ASSERT_EQ(w & SCMI_HDR_RSVD_MASK, 0);
	ASSERT_EQ(w, 0x0FFC6C01u);
	h.token = 0x405; /* bit 10 dropped: token 5 */
	ASSERT_EQ(scmi_hdr_pack(&h), 0x00146C01u);
}

STLM_TEST(hdr_pack_masks_wide_type)
{
	/* A type wider than 2 bits must not spill into protocol_id. */
	struct scmi_hdr h = { .id = 0x0, .type = 0xFF, .proto = 0x00,
			      .token = 0 };

	ASSERT_EQ(scmi_hdr_pack(&h), 0x00000300u);
	h.type = 0x6; /* low bits 2 */
	ASSERT_EQ(scmi_hdr_pack(&h), 0x00000200u);
}

STLM_TEST(hdr_unpack_doc_protocol_attributes)
{
	struct scmi_hdr h;

	ASSERT_EQ(scmi_hdr_unpack(0x00146C01u, &h), 0);
	ASSERT_EQ(h.id, 0x1);
	ASSERT_EQ(h.type, SCMI_MSG_COMMAND);
	ASSERT_EQ(h.proto, 0x1B);
	ASSERT_EQ(h.token, 5);
}

STLM_TEST(hdr_unpack_doc_de_configure)
{
	struct scmi_hdr h;

	ASSERT_EQ(scmi_hdr_unpack(0x001C6C06u, &h), 0);
	ASSERT_EQ(h.id, 0x6);
	ASSERT_EQ(h.type, SCMI_MSG_COMMAND);
	ASSERT_EQ(h.proto, SCMI_PROTO_TELEMETRY);
	ASSERT_EQ(h.token, 7);
}

STLM_TEST(hdr_unpack_notification)
{
	struct scmi_hdr h;

	ASSERT_EQ(scmi_hdr_unpack(0x00006F00u, &h), 0);
	ASSERT_EQ(h.id, 0);
	ASSERT_EQ(h.type, SCMI_MSG_NOTIFICATION);
	ASSERT_EQ(h.proto, 0x1B);
	ASSERT_EQ(h.token, 0);
}

STLM_TEST(hdr_unpack_delayed_response)
{
	struct scmi_hdr h;

	ASSERT_EQ(scmi_hdr_unpack(0x00006E08u | 0x123u << 18, &h), 0);
	ASSERT_EQ(h.id, 8);
	ASSERT_EQ(h.type, SCMI_MSG_DELAYED_RESP);
	ASSERT_EQ(h.proto, 0x1B);
	ASSERT_EQ(h.token, 0x123);
}

STLM_TEST(hdr_unpack_all_ones)
{
	struct scmi_hdr h;

	ASSERT_EQ(scmi_hdr_unpack(0x0FFFFFFFu, &h), 0);
	ASSERT_EQ(h.id, 0xFF);
	ASSERT_EQ(h.type, 3);
	ASSERT_EQ(h.proto, 0xFF);
	ASSERT_EQ(h.token, SCMI_TOKEN_MAX);
}

STLM_TEST(hdr_unpack_zero)
{
	struct scmi_hdr h = { 1, 1, 1, 1 };

	ASSERT_EQ(scmi_hdr_unpack(0, &h), 0);
	ASSERT_EQ(h.id, 0);
	ASSERT_EQ(h.type, 0);
	ASSERT_EQ(h.proto, 0);
	ASSERT_EQ(h.token, 0);
}

STLM_TEST(hdr_unpack_reserved_bits)
{
	struct scmi_hdr h = { 0x11, 0x22, 0x33, 0x44 };
	unsigned int bit;

	for (bit = 28; bit < 32; bit++) {
		ASSERT_ERR(scmi_hdr_unpack(0x00146C01u | 1u << bit, &h),
			   -EPROTO);
		/* Out-parameter untouched on failure. */
		ASSERT_EQ(h.id, 0x11);
		ASSERT_EQ(h.type, 0x22);
		ASSERT_EQ(h.proto, 0x33);
		ASSERT_EQ(h.token, 0x44);
	}
	ASSERT_ERR(scmi_hdr_unpack(0xF0000000u, &h), -EPROTO);
	ASSERT_ERR(scmi_hdr_unpack(0xFFFFFFFFu, &h), -EPROTO);
}

STLM_TEST(hdr_unpack_reserved_type)
{
	struct scmi_hdr h = { 0x11, 0x22, 0x33, 0x44 };

	/* Type 1 is reserved (§2.1). */
	ASSERT_ERR(scmi_hdr_unpack(0x00000100u, &h), -EPROTO);
	ASSERT_ERR(scmi_hdr_unpack(0x00146D01u, &h), -EPROTO);
	ASSERT_EQ(h.id, 0x11);
	ASSERT_EQ(h.token, 0x44);
}

STLM_TEST(hdr_round_trip)
{
	static const uint8_t types[] = { 0, 2, 3 };
	static const uint16_t tokens[] = { 0, 1, 5, 0x155, 0x2AA, 0x3FF };
	static const uint8_t ids[] = { 0, 1, 0x10, 0x7F, 0xFF };
	static const uint8_t protos[] = { 0x10, 0x1B, 0x80, 0xFF };
	size_t a, b, c, d;

	for (a = 0; a < ARRAY_SIZE(types); a++)
		for (b = 0; b < ARRAY_SIZE(tokens); b++)
			for (c = 0; c < ARRAY_SIZE(ids); c++)
				for (d = 0; d < ARRAY_SIZE(protos); d++) {
					struct scmi_hdr in = {
						.id = ids[c],
						.type = types[a],
						.proto = protos[d],
						.token = tokens[b],
					};
					struct scmi_hdr out;

					ASSERT_EQ(scmi_hdr_unpack(
							  scmi_hdr_pack(&in),
							  &out), 0);
					ASSERT_EQ(out.id, in.id);
					ASSERT_EQ(out.type, in.type);
					ASSERT_EQ(out.proto, in.proto);
					ASSERT_EQ(out.token, in.token);
				}
}

STLM_TEST(hdr_masks_are_consistent)
{
	/* The five fields tile the 32-bit word exactly (§2.1). */
	ASSERT_EQ(SCMI_HDR_ID_MASK | SCMI_HDR_TYPE_MASK | SCMI_HDR_PROTO_MASK |
			  SCMI_HDR_TOKEN_MASK | SCMI_HDR_RSVD_MASK,
		  0xFFFFFFFFu);
	ASSERT_EQ(SCMI_HDR_ID_MASK & SCMI_HDR_TYPE_MASK, 0);
	ASSERT_EQ(SCMI_HDR_TYPE_MASK & SCMI_HDR_PROTO_MASK, 0);
	ASSERT_EQ(SCMI_HDR_PROTO_MASK & SCMI_HDR_TOKEN_MASK, 0);
	ASSERT_EQ(SCMI_HDR_TOKEN_MASK & SCMI_HDR_RSVD_MASK, 0);
	ASSERT_EQ(SCMI_HDR_TOKEN_MASK >> SCMI_HDR_TOKEN_SHIFT, SCMI_TOKEN_MAX);
}

/* ------------------------------------------------------------------ */
/* Status codes (§2.3)                                                 */
/* ------------------------------------------------------------------ */

STLM_TEST(status_values_match_doc)
{
	ASSERT_EQ(SCMI_SUCCESS, 0);
	ASSERT_EQ(SCMI_NOT_SUPPORTED, -1);
	ASSERT_EQ(SCMI_INVALID_PARAMETERS, -2);
	ASSERT_EQ(SCMI_DENIED, -3);
	ASSERT_EQ(SCMI_NOT_FOUND, -4);
	ASSERT_EQ(SCMI_OUT_OF_RANGE, -5);
	ASSERT_EQ(SCMI_BUSY, -6);
	ASSERT_EQ(SCMI_COMMS_ERROR, -7);
	ASSERT_EQ(SCMI_GENERIC_ERROR, -8);
	ASSERT_EQ(SCMI_HARDWARE_ERROR, -9);
	ASSERT_EQ(SCMI_PROTOCOL_ERROR, -10);
	ASSERT_EQ(SCMI_IN_USE, -11);
	ASSERT_EQ(SCMI_PARTIAL, -12);
}

STLM_TEST(status_to_errno_success)
{
	ASSERT_EQ(scmi_status_to_errno(0), 0);
}

STLM_TEST(status_to_errno_not_supported)
{
	ASSERT_ERR(scmi_status_to_errno(-1), -EOPNOTSUPP);
}

STLM_TEST(status_to_errno_invalid_parameters)
{
	ASSERT_ERR(scmi_status_to_errno(-2), -EINVAL);
}

STLM_TEST(status_to_errno_denied)
{
	ASSERT_ERR(scmi_status_to_errno(-3), -EACCES);
}

STLM_TEST(status_to_errno_not_found)
{
	ASSERT_ERR(scmi_status_to_errno(-4), -ENOENT);
}

STLM_TEST(status_to_errno_out_of_range)
{
	ASSERT_ERR(scmi_status_to_errno(-5), -ERANGE);
}

STLM_TEST(status_to_errno_busy)
{
	ASSERT_ERR(scmi_status_to_errno(-6), -EBUSY);
}

STLM_TEST(status_to_errno_comms_error)
{
	ASSERT_ERR(scmi_status_to_errno(-7), -ECOMM);
}

STLM_TEST(status_to_errno_generic_error)
{
	ASSERT_ERR(scmi_status_to_errno(-8), -EIO);
}

STLM_TEST(status_to_errno_hardware_error)
{
	ASSERT_ERR(scmi_status_to_errno(-9), -EREMOTEIO);
}

STLM_TEST(status_to_errno_protocol_error)
{
	ASSERT_ERR(scmi_status_to_errno(-10), -EPROTO);
}

STLM_TEST(status_to_errno_in_use)
{
	ASSERT_ERR(scmi_status_to_errno(-11), -EPERM);
}

STLM_TEST(status_to_errno_partial)
{
	ASSERT_ERR(scmi_status_to_errno(-12), -EINVAL);
}

STLM_TEST(status_to_errno_unknown_negative)
{
	ASSERT_ERR(scmi_status_to_errno(-13), -EIO);
	ASSERT_ERR(scmi_status_to_errno(-14), -EIO);
	ASSERT_ERR(scmi_status_to_errno(-100), -EIO);
	ASSERT_ERR(scmi_status_to_errno(-0x10000), -EIO);
	ASSERT_ERR(scmi_status_to_errno(INT32_MIN + 1), -EIO);
	/* -INT32_MIN does not fit an int32: must not index anything. */
	ASSERT_ERR(scmi_status_to_errno(INT32_MIN), -EIO);
}

STLM_TEST(status_to_errno_positive)
{
	ASSERT_ERR(scmi_status_to_errno(1), -EIO);
	ASSERT_ERR(scmi_status_to_errno(2), -EIO);
	ASSERT_ERR(scmi_status_to_errno(12), -EIO);
	ASSERT_ERR(scmi_status_to_errno(INT32_MAX), -EIO);
}

STLM_TEST(errno_to_status_each)
{
	ASSERT_EQ(scmi_errno_to_status(0), SCMI_SUCCESS);
	ASSERT_EQ(scmi_errno_to_status(-EOPNOTSUPP), SCMI_NOT_SUPPORTED);
	ASSERT_EQ(scmi_errno_to_status(-EINVAL), SCMI_INVALID_PARAMETERS);
	ASSERT_EQ(scmi_errno_to_status(-EACCES), SCMI_DENIED);
	ASSERT_EQ(scmi_errno_to_status(-ENOENT), SCMI_NOT_FOUND);
	ASSERT_EQ(scmi_errno_to_status(-ERANGE), SCMI_OUT_OF_RANGE);
	ASSERT_EQ(scmi_errno_to_status(-EBUSY), SCMI_BUSY);
	ASSERT_EQ(scmi_errno_to_status(-ECOMM), SCMI_COMMS_ERROR);
	ASSERT_EQ(scmi_errno_to_status(-EIO), SCMI_GENERIC_ERROR);
	ASSERT_EQ(scmi_errno_to_status(-EREMOTEIO), SCMI_HARDWARE_ERROR);
	ASSERT_EQ(scmi_errno_to_status(-EPROTO), SCMI_PROTOCOL_ERROR);
	ASSERT_EQ(scmi_errno_to_status(-EPERM), SCMI_IN_USE);
}

STLM_TEST(errno_to_status_einval_is_invalid_parameters)
{
	/* PARTIAL also maps to -EINVAL; the inverse must pick -2, not -12. */
	ASSERT_EQ(scmi_errno_to_status(-EINVAL), -2);
	ASSERT_NE(scmi_errno_to_status(-EINVAL), SCMI_PARTIAL);
}

STLM_TEST(errno_to_status_eproto_is_protocol_error)
{
	/* Request decoders report wrong lengths as -EPROTO (scmi.h). */
	ASSERT_EQ(scmi_errno_to_status(-EPROTO), -10);
}

STLM_TEST(errno_to_status_unknown)
{
	ASSERT_EQ(scmi_errno_to_status(-EBADMSG), SCMI_GENERIC_ERROR);
	ASSERT_EQ(scmi_errno_to_status(-EMSGSIZE), SCMI_GENERIC_ERROR);
	ASSERT_EQ(scmi_errno_to_status(-ENOSPC), SCMI_GENERIC_ERROR);
	ASSERT_EQ(scmi_errno_to_status(-E2BIG), SCMI_GENERIC_ERROR);
	ASSERT_EQ(scmi_errno_to_status(-ENOMEM), SCMI_GENERIC_ERROR);
	ASSERT_EQ(scmi_errno_to_status(-ETIMEDOUT), SCMI_GENERIC_ERROR);
	ASSERT_EQ(scmi_errno_to_status(-4095), SCMI_GENERIC_ERROR);
	ASSERT_EQ(scmi_errno_to_status(INT_MIN), SCMI_GENERIC_ERROR);
}

STLM_TEST(errno_to_status_positive_is_not_success)
{
	/* Only 0 means SUCCESS; a positive "errno" is a caller bug. */
	ASSERT_EQ(scmi_errno_to_status(1), SCMI_GENERIC_ERROR);
	ASSERT_EQ(scmi_errno_to_status(EINVAL), SCMI_GENERIC_ERROR);
	ASSERT_EQ(scmi_errno_to_status(INT_MAX), SCMI_GENERIC_ERROR);
}

STLM_TEST(status_errno_round_trip)
{
	int32_t s;

	/* Every status except PARTIAL survives status -> errno -> status. */
	for (s = 0; s >= SCMI_IN_USE; s--)
		ASSERT_EQ(scmi_errno_to_status(scmi_status_to_errno(s)), s);
	ASSERT_EQ(scmi_errno_to_status(scmi_status_to_errno(SCMI_PARTIAL)),
		  SCMI_INVALID_PARAMETERS);
}

STLM_TEST(status_errnos_are_negative_and_distinct)
{
	int32_t a, b;

	for (a = -1; a >= SCMI_PARTIAL; a--) {
		ASSERT_CMP(scmi_status_to_errno(a), <, 0);
		for (b = a - 1; b >= SCMI_IN_USE; b--)
			ASSERT_NE(scmi_status_to_errno(a),
				  scmi_status_to_errno(b));
	}
}

STLM_TEST(status_name_each)
{
	ASSERT_STREQ(scmi_status_name(0), "SUCCESS");
	ASSERT_STREQ(scmi_status_name(-1), "NOT_SUPPORTED");
	ASSERT_STREQ(scmi_status_name(-2), "INVALID_PARAMETERS");
	ASSERT_STREQ(scmi_status_name(-3), "DENIED");
	ASSERT_STREQ(scmi_status_name(-4), "NOT_FOUND");
	ASSERT_STREQ(scmi_status_name(-5), "OUT_OF_RANGE");
	ASSERT_STREQ(scmi_status_name(-6), "BUSY");
	ASSERT_STREQ(scmi_status_name(-7), "COMMS_ERROR");
	ASSERT_STREQ(scmi_status_name(-8), "GENERIC_ERROR");
	ASSERT_STREQ(scmi_status_name(-9), "HARDWARE_ERROR");
	ASSERT_STREQ(scmi_status_name(-10), "PROTOCOL_ERROR");
	ASSERT_STREQ(scmi_status_name(-11), "IN_USE");
	ASSERT_STREQ(scmi_status_name(-12), "PARTIAL");
}

STLM_TEST(status_name_unknown)
{
	ASSERT_STREQ(scmi_status_name(-13), "UNKNOWN");
	ASSERT_STREQ(scmi_status_name(1), "UNKNOWN");
	ASSERT_STREQ(scmi_status_name(INT32_MAX), "UNKNOWN");
	ASSERT_STREQ(scmi_status_name(INT32_MIN), "UNKNOWN");
}

/* ------------------------------------------------------------------ */
/* Little-endian accessors                                             */
/* ------------------------------------------------------------------ */

STLM_TEST(le_get_unaligned)
{
	static const uint8_t b[] = { 0xEE, 0x78, 0x56, 0x34, 0x12,
				     0xF0, 0xDE, 0xBC, 0x9A };

	ASSERT_EQ(scmi_get_le32(b + 1), 0x12345678u);
	ASSERT_U64_EQ(scmi_get_le64(b + 1), 0x9ABCDEF012345678ull);
}

STLM_TEST(le_put_unaligned)
{
	static const uint8_t want[] = { CANARY, 0x08, 0x07, 0x06, 0x05, 0x04,
					0x03, 0x02, 0x01, CANARY };
	uint8_t b[10];

	memset(b, CANARY, sizeof(b));
	scmi_put_le64(b + 1, 0x0102030405060708ull);
	ASSERT_MEMEQ(b, want, sizeof(want));
	memset(b, CANARY, sizeof(b));
	scmi_put_le32(b + 1, 0xFFFFFFFEu);
	ASSERT_EQ(b[0], CANARY);
	ASSERT_EQ(b[1], 0xFE);
	ASSERT_EQ(b[4], 0xFF);
	ASSERT_EQ(b[5], CANARY);
}

/* ------------------------------------------------------------------ */
/* Response status word                                                */
/* ------------------------------------------------------------------ */

STLM_TEST(resp_status_reads_int32)
{
	static const uint8_t not_found[] = { 0xFC, 0xFF, 0xFF, 0xFF };
	static const uint8_t ok[] = { 0x00, 0x00, 0x00, 0x00, 0x99 };
	int32_t s = 1;

	ASSERT_EQ(scmi_resp_status(not_found, 4, &s), 0);
	ASSERT_EQ(s, -4);
	/* Extra bytes after the status are not this function's business. */
	ASSERT_EQ(scmi_resp_status(ok, sizeof(ok), &s), 0);
	ASSERT_EQ(s, 0);
}

STLM_TEST(resp_status_truncated)
{
	static const uint8_t b[] = { 0, 0, 0, 0 };
	int32_t s = 12345;
	size_t len;

	for (len = 0; len < 4; len++)
		ASSERT_ERR(scmi_resp_status(at_end(b, len), len, &s),
			   -EBADMSG);
	ASSERT_ERR(scmi_resp_status(NULL, 0, &s), -EBADMSG);
	ASSERT_EQ(s, 12345);
}

STLM_TEST(resp_status_errno_maps)
{
	static const uint8_t ok[] = { 0x00, 0x00, 0x00, 0x00 };
	static const uint8_t busy[] = { 0xFA, 0xFF, 0xFF, 0xFF };
	static const uint8_t partial[] = { 0xF4, 0xFF, 0xFF, 0xFF };
	static const uint8_t unknown[] = { 0x01, 0x00, 0x00, 0x00 };
	static const uint8_t minus13[] = { 0xF3, 0xFF, 0xFF, 0xFF };

	ASSERT_EQ(scmi_resp_status_errno(ok, 4), 0);
	ASSERT_ERR(scmi_resp_status_errno(busy, 4), -EBUSY);
	ASSERT_ERR(scmi_resp_status_errno(partial, 4), -EINVAL);
	ASSERT_ERR(scmi_resp_status_errno(unknown, 4), -EIO);
	ASSERT_ERR(scmi_resp_status_errno(minus13, 4), -EIO);
}

STLM_TEST(resp_status_errno_truncated)
{
	static const uint8_t busy[] = { 0xFA, 0xFF, 0xFF, 0xFF };

	ASSERT_ERR(scmi_resp_status_errno(busy, 3), -EBADMSG);
	ASSERT_ERR(scmi_resp_status_errno(busy, 0), -EBADMSG);
}

/* ------------------------------------------------------------------ */
/* Status-only responses                                               */
/* ------------------------------------------------------------------ */

STLM_TEST(status_resp_encode_success)
{
	static const uint8_t want[] = { 0x00, 0x00, 0x00, 0x00 };
	uint8_t b[8];

	memset(b, CANARY, sizeof(b));
	ASSERT_EQ(scmi_status_resp_encode(SCMI_SUCCESS, b, sizeof(b)), 4);
	ASSERT_MEMEQ(b, want, 4);
	ASSERT_TRUE(all_canary(b + 4, 4));
}

STLM_TEST(status_resp_encode_errors)
{
	static const uint8_t not_supported[] = { 0xFF, 0xFF, 0xFF, 0xFF };
	static const uint8_t protocol_error[] = { 0xF6, 0xFF, 0xFF, 0xFF };
	static const uint8_t partial[] = { 0xF4, 0xFF, 0xFF, 0xFF };
	uint8_t b[4];

	ASSERT_EQ(scmi_status_resp_encode(SCMI_NOT_SUPPORTED, b, 4), 4);
	ASSERT_MEMEQ(b, not_supported, 4);
	ASSERT_EQ(scmi_status_resp_encode(SCMI_PROTOCOL_ERROR, b, 4), 4);
	ASSERT_MEMEQ(b, protocol_error, 4);
	ASSERT_EQ(scmi_status_resp_encode(SCMI_PARTIAL, b, 4), 4);
	ASSERT_MEMEQ(b, partial, 4);
}

STLM_TEST(status_resp_encode_nospc)
{
	uint8_t b[4];
	size_t cap;

	for (cap = 0; cap < 4; cap++) {
		memset(b, CANARY, sizeof(b));
		ASSERT_ERR(scmi_status_resp_encode(0, b, cap), -ENOSPC);
		ASSERT_TRUE(all_canary(b, sizeof(b)));
	}
}

STLM_TEST(status_resp_decode_success)
{
	static const uint8_t b[] = { 0x00, 0x00, 0x00, 0x00 };

	ASSERT_EQ(scmi_status_resp_decode(b, 4), 0);
}

STLM_TEST(status_resp_decode_success_trailing)
{
	static const uint8_t b[] = { 0x00, 0x00, 0x00, 0x00, 0x00 };

	ASSERT_ERR(scmi_status_resp_decode(b, 5), -EMSGSIZE);
}

STLM_TEST(status_resp_decode_error_ignores_trailing)
{
	/* NOT_FOUND followed by junk: the error wins. */
	static const uint8_t b[] = { 0xFC, 0xFF, 0xFF, 0xFF, 0xDE, 0xAD };

	ASSERT_ERR(scmi_status_resp_decode(b, 4), -ENOENT);
	ASSERT_ERR(scmi_status_resp_decode(b, sizeof(b)), -ENOENT);
}

STLM_TEST(status_resp_decode_truncated)
{
	static const uint8_t b[] = { 0x00, 0x00, 0x00, 0x00 };

	ASSERT_ERR(scmi_status_resp_decode(at_end(b, 3), 3), -EBADMSG);
	ASSERT_ERR(scmi_status_resp_decode(at_end(b, 1), 1), -EBADMSG);
	ASSERT_ERR(scmi_status_resp_decode(NULL, 0), -EBADMSG);
}

STLM_TEST(status_resp_decode_unknown_status)
{
	static const uint8_t pos[] = { 0x05, 0x00, 0x00, 0x00 };
	static const uint8_t neg[] = { 0x00, 0x00, 0x00, 0x80 };

	ASSERT_ERR(scmi_status_resp_decode(pos, 4), -EIO);
	ASSERT_ERR(scmi_status_resp_decode(neg, 4), -EIO);
}

STLM_TEST(status_resp_round_trip_all)
{
	uint8_t b[4];
	int32_t s;

	for (s = 0; s >= SCMI_PARTIAL; s--) {
		ASSERT_EQ(scmi_status_resp_encode(s, b, sizeof(b)), 4);
		ASSERT_EQ(scmi_status_resp_decode(b, 4),
			  scmi_status_to_errno(s));
	}
}

/* ------------------------------------------------------------------ */
/* Empty and single-u32 requests                                       */
/* ------------------------------------------------------------------ */

STLM_TEST(empty_req_decode_ok)
{
	static const uint8_t b[] = { 0x00 };

	ASSERT_EQ(scmi_empty_req_decode(NULL, 0), 0);
	ASSERT_EQ(scmi_empty_req_decode(b, 0), 0);
}

STLM_TEST(empty_req_decode_with_params)
{
	static const uint8_t b[] = { 0x00, 0x00, 0x00, 0x00 };

	ASSERT_ERR(scmi_empty_req_decode(b, 1), -EPROTO);
	ASSERT_ERR(scmi_empty_req_decode(b, 4), -EPROTO);
}

STLM_TEST(u32_req_encode_bytes)
{
	static const uint8_t want[] = { 0x78, 0x56, 0x34, 0x12 };
	uint8_t b[6];

	memset(b, CANARY, sizeof(b));
	ASSERT_EQ(scmi_u32_req_encode(0x12345678u, b, sizeof(b)), 4);
	ASSERT_MEMEQ(b, want, 4);
	ASSERT_TRUE(all_canary(b + 4, 2));
}

STLM_TEST(u32_req_encode_negotiate_version)
{
	/* NEGOTIATE_PROTOCOL_VERSION with 0x10000 (§2.4). */
	static const uint8_t want[] = { 0x00, 0x00, 0x01, 0x00 };
	uint8_t b[4];

	ASSERT_EQ(scmi_u32_req_encode(0x00010000u, b, 4), 4);
	ASSERT_MEMEQ(b, want, 4);
}

STLM_TEST(u32_req_encode_nospc)
{
	uint8_t b[4];

	memset(b, CANARY, sizeof(b));
	ASSERT_ERR(scmi_u32_req_encode(1, b, 3), -ENOSPC);
	ASSERT_ERR(scmi_u32_req_encode(1, NULL, 0), -ENOSPC);
	ASSERT_TRUE(all_canary(b, sizeof(b)));
}

STLM_TEST(u32_req_decode_ok)
{
	static const uint8_t b[] = { 0x10, 0x00, 0x00, 0x00 };
	uint32_t v = 0;

	ASSERT_EQ(scmi_u32_req_decode(b, 4, &v), 0);
	ASSERT_EQ(v, 0x10);
}

STLM_TEST(u32_req_decode_wrong_length)
{
	static const uint8_t b[] = { 0x01, 0x02, 0x03, 0x04, 0x05, 0x06,
				     0x07, 0x08 };
	uint32_t v = 0xCAFEu;

	ASSERT_ERR(scmi_u32_req_decode(b, 0, &v), -EPROTO);
	ASSERT_ERR(scmi_u32_req_decode(at_end(b, 3), 3, &v), -EPROTO);
	ASSERT_ERR(scmi_u32_req_decode(b, 5, &v), -EPROTO);
	ASSERT_ERR(scmi_u32_req_decode(b, 8, &v), -EPROTO);
	ASSERT_EQ(v, 0xCAFEu);
}

STLM_TEST(u32_req_round_trip)
{
	static const uint32_t vals[] = { 0, 1, 0x80000000u, 0xFFFFFFFFu,
					 0xDEADBEEFu };
	uint8_t b[4];
	uint32_t v;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(vals); i++) {
		ASSERT_EQ(scmi_u32_req_encode(vals[i], b, 4), 4);
		ASSERT_EQ(scmi_u32_req_decode(b, 4, &v), 0);
		ASSERT_EQ(v, vals[i]);
	}
}

/* ------------------------------------------------------------------ */
/* Single-u32 responses                                                */
/* ------------------------------------------------------------------ */

STLM_TEST(u32_resp_encode_protocol_version)
{
	/* PROTOCOL_VERSION reply: SUCCESS, version 1.0 = 0x00010000. */
	static const uint8_t want[] = { 0x00, 0x00, 0x00, 0x00,
					0x00, 0x00, 0x01, 0x00 };
	uint8_t b[9];

	memset(b, CANARY, sizeof(b));
	ASSERT_EQ(scmi_u32_resp_encode(0x00010000u, b, sizeof(b)), 8);
	ASSERT_MEMEQ(b, want, 8);
	ASSERT_EQ(b[8], CANARY);
}

STLM_TEST(u32_resp_encode_nospc)
{
	uint8_t b[8];
	size_t cap;

	for (cap = 0; cap < 8; cap++) {
		memset(b, CANARY, sizeof(b));
		ASSERT_ERR(scmi_u32_resp_encode(7, b, cap), -ENOSPC);
		ASSERT_TRUE(all_canary(b, sizeof(b)));
	}
}

STLM_TEST(u32_resp_decode_ok)
{
	static const uint8_t b[] = { 0x00, 0x00, 0x00, 0x00,
				     0x01, 0x00, 0x02, 0x00 };
	uint32_t v = 0;

	ASSERT_EQ(scmi_u32_resp_decode(b, 8, &v), 0);
	ASSERT_EQ(v, 0x00020001u);
}

STLM_TEST(u32_resp_decode_error_status)
{
	/* NOT_FOUND, e.g. PROTOCOL_MESSAGE_ATTRIBUTES of a missing message. */
	static const uint8_t b[] = { 0xFC, 0xFF, 0xFF, 0xFF,
				     0x55, 0x55, 0x55, 0x55, 0x55 };
	uint32_t v = 0xCAFEu;

	ASSERT_ERR(scmi_u32_resp_decode(b, 4, &v), -ENOENT);
	ASSERT_ERR(scmi_u32_resp_decode(b, 8, &v), -ENOENT);
	ASSERT_ERR(scmi_u32_resp_decode(b, 9, &v), -ENOENT);
	ASSERT_EQ(v, 0xCAFEu);
}

STLM_TEST(u32_resp_decode_truncated)
{
	static const uint8_t b[] = { 0x00, 0x00, 0x00, 0x00,
				     0x01, 0x00, 0x00, 0x00 };
	uint32_t v = 0xCAFEu;
	size_t len;

	for (len = 0; len < 8; len++)
		ASSERT_ERR(scmi_u32_resp_decode(at_end(b, len), len, &v),
			   -EBADMSG);
	ASSERT_EQ(v, 0xCAFEu);
}

STLM_TEST(u32_resp_decode_trailing)
{
	static const uint8_t b[] = { 0x00, 0x00, 0x00, 0x00,
				     0x01, 0x00, 0x00, 0x00,
				     0x00, 0x00, 0x00, 0x00 };
	uint32_t v = 0xCAFEu;

	ASSERT_ERR(scmi_u32_resp_decode(b, 9, &v), -EMSGSIZE);
	ASSERT_ERR(scmi_u32_resp_decode(b, 12, &v), -EMSGSIZE);
	ASSERT_EQ(v, 0xCAFEu);
}

STLM_TEST(u32_resp_round_trip)
{
	uint8_t b[8];
	uint32_t v = 0;

	ASSERT_EQ(scmi_u32_resp_encode(0xFEDCBA98u, b, 8), 8);
	ASSERT_EQ(scmi_resp_status_errno(b, 8), 0);
	ASSERT_EQ(scmi_u32_resp_decode(b, 8, &v), 0);
	ASSERT_EQ(v, 0xFEDCBA98u);
}

/* ------------------------------------------------------------------ */
/* Multi-part lists (§2.5)                                             */
/* ------------------------------------------------------------------ */

STLM_TEST(list_word_packing)
{
	/* [15:0] returned, [31:16] remaining. */
	ASSERT_EQ(scmi_list_word(3, 5), 0x00050003u);
	ASSERT_EQ(scmi_list_word(0, 0), 0);
	ASSERT_EQ(scmi_list_word(0xFFFF, 0), 0x0000FFFFu);
	ASSERT_EQ(scmi_list_word(0, 0xFFFF), 0xFFFF0000u);
	ASSERT_EQ(scmi_list_word(0xFFFF, 0xFFFF), 0xFFFFFFFFu);
}

STLM_TEST(list_check_first_page)
{
	struct scmi_list_hdr h = { .returned = 4, .remaining = 6 };

	ASSERT_EQ(scmi_list_check(&h, 0, 10), 0);
}

STLM_TEST(list_check_middle_and_last_page)
{
	struct scmi_list_hdr mid = { .returned = 3, .remaining = 3 };
	struct scmi_list_hdr last = { .returned = 3, .remaining = 0 };

	ASSERT_EQ(scmi_list_check(&mid, 4, 10), 0);
	ASSERT_EQ(scmi_list_check(&last, 7, 10), 0);
}

STLM_TEST(list_check_empty_list)
{
	struct scmi_list_hdr h = { .returned = 0, .remaining = 0 };

	ASSERT_EQ(scmi_list_check(&h, 0, 0), 0);
}

STLM_TEST(list_check_no_progress)
{
	/* Nothing returned but more promised: the loop would never end. */
	struct scmi_list_hdr h = { .returned = 0, .remaining = 1 };

	ASSERT_ERR(scmi_list_check(&h, 0, 0), -EPROTO);
	ASSERT_ERR(scmi_list_check(&h, 0, 1), -EPROTO);
	ASSERT_ERR(scmi_list_check(&h, 5, 6), -EPROTO);
}

STLM_TEST(list_check_stalled_before_total)
{
	/* Nothing returned, nothing remaining, but items still missing. */
	struct scmi_list_hdr h = { .returned = 0, .remaining = 0 };

	ASSERT_ERR(scmi_list_check(&h, 4, 10), -EPROTO);
}

STLM_TEST(list_check_sum_above_total)
{
	struct scmi_list_hdr h = { .returned = 5, .remaining = 6 };

	ASSERT_ERR(scmi_list_check(&h, 0, 10), -EPROTO);
	/* Returned alone larger than the declared total. */
	h.returned = 11;
	h.remaining = 0;
	ASSERT_ERR(scmi_list_check(&h, 0, 10), -EPROTO);
}

STLM_TEST(list_check_sum_below_total)
{
	struct scmi_list_hdr h = { .returned = 2, .remaining = 2 };

	ASSERT_ERR(scmi_list_check(&h, 0, 10), -EPROTO);
	ASSERT_ERR(scmi_list_check(&h, 5, 10), -EPROTO);
}

STLM_TEST(list_check_unknown_total)
{
	struct scmi_list_hdr h = { .returned = 7, .remaining = 1000 };

	ASSERT_EQ(scmi_list_check(&h, 0, 0), 0);
	ASSERT_EQ(scmi_list_check(&h, 12345, 0), 0);
}

STLM_TEST(list_check_no_wraparound)
{
	/* In 32-bit arithmetic 0xFFFFFFF0 + 0x20 wraps to 0x10 == total. */
	struct scmi_list_hdr h = { .returned = 0x20, .remaining = 0 };
	struct scmi_list_hdr big = { .returned = 0xFFFFFFFFu,
				     .remaining = 0xFFFFFFFFu };

	ASSERT_ERR(scmi_list_check(&h, 0xFFFFFFF0u, 0x10), -EPROTO);
	ASSERT_ERR(scmi_list_check(&big, 0xFFFFFFFFu, 0xFFFFFFFDu), -EPROTO);
	ASSERT_ERR(scmi_list_check(&big, 2, 0xFFFFFFFFu), -EPROTO);
}

STLM_TEST(list_check_large_exact)
{
	struct scmi_list_hdr h = { .returned = 0xFFFF, .remaining = 0xFFFF };

	ASSERT_EQ(scmi_list_check(&h, 0xFFFFFFFFu - 0x1FFFE, 0xFFFFFFFFu), 0);
}

STLM_TEST(list_check_iteration)
{
	/* Walk a 10-item list in pages of 3 as the agent loop would. */
	uint32_t index = 0, total = 10;
	int pages = 0;

	while (index < total) {
		uint32_t n = total - index < 3 ? total - index : 3;
		struct scmi_list_hdr h = { .returned = n,
					   .remaining = total - index - n };

		ASSERT_EQ(scmi_list_check(&h, index, total), 0);
		/* The first page also passes with the total unknown. */
		ASSERT_EQ(scmi_list_check(&h, index, 0), 0);
		index += h.returned;
		pages++;
	}
	ASSERT_EQ(index, 10);
	ASSERT_EQ(pages, 4);
}
