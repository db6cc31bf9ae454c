/* SPDX-License-Identifier: MIT */
/*
 * Copyright (c) 2026 The stlm authors
 *
 * SCMI common wire format: message header, status codes, little-endian
 * accessors and the multi-part list convention. Private to stlm (shared by
 * lib/ and platform/, never installed).
 *
 * Theory of operation
 * -------------------
 * Every SCMI message is a 32-bit header followed by a payload. Throughout
 * the codec a "payload" is the bytes after the header. For responses and
 * delayed responses the payload starts with the int32 status word; for
 * commands and notifications it starts with the first parameter.
 *
 * All functions in lib/proto are pure: they never allocate, never do I/O and
 * never read outside [buf, buf + len). (The one exception is the stream
 * send loop frame_write() in frame.h, which writes to a socket it is given;
 * smt.h's helpers touch shared memory with atomics.) Decoders return 0 (or a byte count)
 * on success and a negative errno on malformed input. Error vocabulary:
 *
 *   -EBADMSG   payload shorter than the message (or its counts) require
 *   -EMSGSIZE  payload longer than the message defines (trailing bytes)
 *   -EPROTO    a reply/notification/shared-memory field that breaks the
 *              protocol: reserved bits set, bad signature, count invariant
 *              broken, illegal enum value
 *   -EINVAL    a request (platform side) with reserved bits set or an
 *              invalid field; the platform answers INVALID_PARAMETERS
 *   -ENOSPC    encode: the output buffer is too small
 *   -ERANGE    encode: a value does not fit its wire field
 *   -E2BIG     decode: more items than the caller's array can hold
 *
 * Request decoders report a wrong-length request as -EPROTO (the platform
 * answers PROTOCOL_ERROR).
 */
#ifndef STLM_PROTO_SCMI_H
#define STLM_PROTO_SCMI_H

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#ifndef ARRAY_SIZE
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#endif

/* Protocol identifiers (§2.6). */
#define SCMI_PROTO_BASE		0x10
#define SCMI_PROTO_TELEMETRY	0x1B

/* Message types, header bits [9:8] (§2.1). Type 1 is reserved. */
enum scmi_msg_type {
	SCMI_MSG_COMMAND = 0,
	SCMI_MSG_DELAYED_RESP = 2,
	SCMI_MSG_NOTIFICATION = 3,
};

#define SCMI_HDR_ID_MASK	0x000000FFu
#define SCMI_HDR_TYPE_SHIFT	8
#define SCMI_HDR_TYPE_MASK	0x00000300u
#define SCMI_HDR_PROTO_SHIFT	10
#define SCMI_HDR_PROTO_MASK	0x0003FC00u
#define SCMI_HDR_TOKEN_SHIFT	18
#define SCMI_HDR_TOKEN_MASK	0x0FFC0000u
#define SCMI_HDR_RSVD_MASK	0xF0000000u
#define SCMI_TOKEN_MAX		0x3FFu

/**
 * struct scmi_hdr - decoded 32-bit SCMI message header (§2.1)
 * @id:    message_id, bits [7:0]
 * @type:  message_type (enum scmi_msg_type), bits [9:8]
 * @proto: protocol_id, bits [17:10]
 * @token: 10-bit sequence number, bits [27:18]
 */
struct scmi_hdr {
	uint8_t id;
	uint8_t type;
	uint8_t proto;
	uint16_t token;
};

/* Pack a header. Fields wider than their bitfield are masked. */
uint32_t scmi_hdr_pack(const struct scmi_hdr *h);
/* Unpack; -EPROTO if bits [31:28] are set or the type is the reserved 1. */
int scmi_hdr_unpack(uint32_t word, struct scmi_hdr *ret);

/* SCMI status codes (§2.3). */
enum scmi_status {
	SCMI_SUCCESS = 0,
	SCMI_NOT_SUPPORTED = -1,
	SCMI_INVALID_PARAMETERS = -2,
	SCMI_DENIED = -3,
	SCMI_NOT_FOUND = -4,
	SCMI_OUT_OF_RANGE = -5,
	SCMI_BUSY = -6,
	SCMI_COMMS_ERROR = -7,
	SCMI_GENERIC_ERROR = -8,
	SCMI_HARDWARE_ERROR = -9,
	SCMI_PROTOCOL_ERROR = -10,
	SCMI_IN_USE = -11,
	SCMI_PARTIAL = -12,
};

/*
 * The one status-to-errno table. Unknown (including positive) codes map to
 * -EIO. SUCCESS maps to 0.
 */
int scmi_status_to_errno(int32_t status);
/*
 * Inverse used by the platform: a negative errno from a request decoder or
 * handler to the status to send. Unknown errnos map to GENERIC_ERROR.
 */
int32_t scmi_errno_to_status(int err);
/* "SUCCESS", "NOT_SUPPORTED", ...; "UNKNOWN" for anything else. */
const char *scmi_status_name(int32_t status);

/* Little-endian accessors; p need not be aligned. */
static inline uint32_t scmi_get_le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

static inline uint64_t scmi_get_le64(const uint8_t *p)
{
	return (uint64_t)scmi_get_le32(p) | (uint64_t)scmi_get_le32(p + 4) << 32;
}

static inline void scmi_put_le32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}

static inline void scmi_put_le64(uint8_t *p, uint64_t v)
{
	scmi_put_le32(p, (uint32_t)v);
	scmi_put_le32(p + 4, (uint32_t)(v >> 32));
}

/*
 * Response status. Every response payload starts with an int32 status.
 * scmi_resp_status() reads it: -EBADMSG if len < 4, else 0 with *ret_status
 * set. scmi_resp_status_errno() returns the mapped errno directly (or
 * -EBADMSG).
 */
int scmi_resp_status(const uint8_t *buf, size_t len, int32_t *ret_status);
int scmi_resp_status_errno(const uint8_t *buf, size_t len);

/*
 * Status-only responses (NEGOTIATE_PROTOCOL_VERSION, CONFIG_SET, RESET, any
 * error reply): encode writes the 4-byte status. Decode returns the mapped
 * errno of the status; a SUCCESS reply with trailing bytes is -EMSGSIZE. An
 * error status is returned as its errno whatever follows it.
 */
int scmi_status_resp_encode(int32_t status, uint8_t *buf, size_t cap);
int scmi_status_resp_decode(const uint8_t *buf, size_t len);

/*
 * Generic "request with no parameters" decode: 0 if len == 0, else -EPROTO.
 */
int scmi_empty_req_decode(const uint8_t *buf, size_t len);

/*
 * Requests carrying exactly one u32 (index, message_id, version, skip,
 * agent_id, flags...): encode writes 4 bytes; decode requires len == 4
 * (-EPROTO otherwise).
 */
int scmi_u32_req_encode(uint32_t v, uint8_t *buf, size_t cap);
int scmi_u32_req_decode(const uint8_t *buf, size_t len, uint32_t *ret);

/*
 * Responses carrying SUCCESS and exactly one u32 (PROTOCOL_VERSION,
 * PROTOCOL_MESSAGE_ATTRIBUTES, BASE_DISCOVER_IMPLEMENTATION_VERSION):
 * encode writes status 0 + value (8 bytes). Decode: error status -> its
 * errno; SUCCESS requires len == 8 (-EBADMSG shorter, -EMSGSIZE longer).
 */
int scmi_u32_resp_encode(uint32_t v, uint8_t *buf, size_t cap);
int scmi_u32_resp_decode(const uint8_t *buf, size_t len, uint32_t *ret);

/*
 * Multi-part list counter word (§2.5): [15:0] returned, [31:16] remaining.
 * LIST_UPDATE_INTERVALS packs it differently (see telemetry.h).
 */
struct scmi_list_hdr {
	uint32_t returned;
	uint32_t remaining;
};

static inline uint32_t scmi_list_word(uint16_t returned, uint16_t remaining)
{
	return (uint32_t)returned | (uint32_t)remaining << 16;
}

/*
 * Check one page of a multi-part reply against the conventions of §2.5:
 * returned == 0 with remaining != 0 is -EPROTO (the loop could not make
 * progress); when total != 0, index + returned + remaining must equal total
 * (-EPROTO otherwise), except that remaining, a 16-bit field, must read
 * 0xFFFF when more than 65535 items are left (lists of over 64Ki DEs).
 * Pass total = 0 when the total is not known yet.
 */
int scmi_list_check(const struct scmi_list_hdr *h, uint32_t index,
		    uint32_t total);

/*
 * Deviations a tolerant reply decoder (the *_dev decoders) accepted the way
 * the Linux driver does, as a bitmask: bit k is kind k. The numbering
 * matches enum stlm_deviation of the public API. The plain decoders are
 * strict: they fail where the *_dev ones record a deviation (docs/codec.md
 * "Tolerant decoding").
 */
enum scmi_dev_kind {
	SCMI_DEV_RSVD = 0,	   /* reserved bits set in a reply field */
	SCMI_DEV_LONG = 1,	   /* reply longer than its content */
	SCMI_DEV_SHMTI_FLAGS = 2,  /* LIST_SHMTI flags word not zero */
	SCMI_DEV_SHMTI_ALIGN = 3,  /* SHMTI address not 8-byte aligned */
	SCMI_DEV_NAME = 4,	   /* name without NUL or not printable */
	SCMI_DEV_TDCF_META = 5,	   /* TDCF line metadata bits [31:8] set */
	SCMI_DEV_IV_ORDER = 6,	   /* interval list not strictly ascending */
	SCMI_DEV_ENABLED_MODE = 7, /* DE_ENABLED_LIST mode 0 or 3 */
	SCMI_DEV_KINDS = 8,
};

#define SCMI_DEV(k) (1u << (k))

/* Tolerant status-only and u32 replies: trailing bytes -> SCMI_DEV_LONG. */
int scmi_status_resp_decode_dev(const uint8_t *buf, size_t len,
				uint32_t *dev);
int scmi_u32_resp_decode_dev(const uint8_t *buf, size_t len, uint32_t *ret,
			     uint32_t *dev);

/* Short name of a deviation kind ("reserved-bits", ...), or NULL. */
const char *scmi_dev_name(unsigned int kind);

/*
 * Record deviation @kind: with a sink (tolerant decoding) OR its bit into
 * *dev and return true; without one (strict) return false, and the caller
 * fails as before.
 */
static inline bool scmi_dev_note(uint32_t *dev, unsigned int kind)
{
	if (!dev)
		return false;
	*dev |= SCMI_DEV(kind);
	return true;
}

#endif /* STLM_PROTO_SCMI_H */
