/* SPDX-License-Identifier: MIT */
/*
 * Copyright (c) 2026 The stlm authors
 *
 * SCMI Base protocol (0x10) messages an agent needs (§2.7), both
 * directions. See scmi.h for conventions and the error vocabulary.
 *
 * Requests with no parameters (PROTOCOL_VERSION, PROTOCOL_ATTRIBUTES,
 * DISCOVER_VENDOR, DISCOVER_SUB_VENDOR, DISCOVER_IMPLEMENTATION_VERSION) use
 * scmi_empty_req_decode(); requests with one u32 (PROTOCOL_MESSAGE_ATTRIBUTES,
 * DISCOVER_LIST_PROTOCOLS skip, DISCOVER_AGENT, NEGOTIATE_PROTOCOL_VERSION)
 * use scmi_u32_req_encode()/scmi_u32_req_decode(), plus the checks below
 * where a field has reserved bits. Responses with one u32 (PROTOCOL_VERSION,
 * PROTOCOL_MESSAGE_ATTRIBUTES, DISCOVER_IMPLEMENTATION_VERSION) use
 * scmi_u32_resp_encode()/scmi_u32_resp_decode().
 */
#ifndef STLM_PROTO_BASE_H
#define STLM_PROTO_BASE_H

#include "scmi.h"

enum scmi_base_msg {
	SCMI_BASE_PROTOCOL_VERSION = 0x0,
	SCMI_BASE_PROTOCOL_ATTRIBUTES = 0x1,
	SCMI_BASE_PROTOCOL_MESSAGE_ATTRIBUTES = 0x2,
	SCMI_BASE_DISCOVER_VENDOR = 0x3,
	SCMI_BASE_DISCOVER_SUB_VENDOR = 0x4,
	SCMI_BASE_DISCOVER_IMPLEMENTATION_VERSION = 0x5,
	SCMI_BASE_DISCOVER_LIST_PROTOCOLS = 0x6,
	SCMI_BASE_DISCOVER_AGENT = 0x7,
	SCMI_BASE_NOTIFY_ERRORS = 0x8,
	SCMI_BASE_NEGOTIATE_PROTOCOL_VERSION = 0x10,
};

/* Base notification ID 0: BASE_ERROR_EVENT. */
#define SCMI_BASE_ERROR_EVENT 0x0

/* Fixed-size string fields (vendor, sub-vendor, agent name) are 16 bytes. */
#define SCMI_SHORT_NAME_LEN 16

/**
 * struct scmi_base_attrs - Base PROTOCOL_ATTRIBUTES response
 * @num_protocols: bits [7:0], protocols implemented excluding Base
 * @num_agents:    bits [15:8]
 * Bits [31:16] are reserved: decode -EPROTO if set.
 */
struct scmi_base_attrs {
	uint8_t num_protocols;
	uint8_t num_agents;
};

int scmi_base_attrs_resp_encode(const struct scmi_base_attrs *a, uint8_t *buf,
				size_t cap);
int scmi_base_attrs_resp_decode(const uint8_t *buf, size_t len,
				struct scmi_base_attrs *ret);

/*
 * DISCOVER_VENDOR / DISCOVER_SUB_VENDOR response: status + char[16].
 * Encode: -ERANGE if strlen(name) > 15 (the field must hold the NUL); pads
 * with NUL. Decode: the 16 bytes must contain a NUL, and every byte before
 * it must be printable ASCII (0x20..0x7E), else -EPROTO. ret receives the
 * string (at most 15 characters + NUL).
 */
int scmi_base_name_resp_encode(const char *name, uint8_t *buf, size_t cap);
int scmi_base_name_resp_decode(const uint8_t *buf, size_t len,
			       char ret[SCMI_SHORT_NAME_LEN]);

/*
 * DISCOVER_LIST_PROTOCOLS (request: u32 skip).
 * Response: status, u32 num, then num protocol IDs as bytes packed four per
 * word, LSB first, zero-padded to a word boundary. Exactly
 * 4 + 4 + 4*ceil(num/4) bytes with the status.
 *
 * Encode writes as many of the n ids as fit in cap (at least one when
 * n > 0, else -ENOSPC) and returns the byte count; *ret_n is how many it
 * wrote.
 * Decode: -EBADMSG if shorter than num needs, -EMSGSIZE if longer, -EPROTO
 * if a padding byte is non-zero, -E2BIG if num > cap. Returns num.
 */
int scmi_base_list_protocols_resp_encode(const uint8_t *ids, size_t n,
					 uint8_t *buf, size_t cap,
					 size_t *ret_n);
int scmi_base_list_protocols_resp_decode(const uint8_t *buf, size_t len,
					 uint8_t *ids, size_t cap);

/* DISCOVER_AGENT: request u32 agent_id (0xFFFFFFFF = the caller). */
#define SCMI_BASE_AGENT_SELF 0xFFFFFFFFu

/**
 * struct scmi_base_agent - DISCOVER_AGENT response
 * @agent_id: agent identifier (0 = the platform)
 * @name:     NUL-terminated name, same rules as the vendor strings
 */
struct scmi_base_agent {
	uint32_t agent_id;
	char name[SCMI_SHORT_NAME_LEN];
};

int scmi_base_agent_resp_encode(const struct scmi_base_agent *a, uint8_t *buf,
				size_t cap);
int scmi_base_agent_resp_decode(const uint8_t *buf, size_t len,
				struct scmi_base_agent *ret);

/*
 * NOTIFY_ERRORS request: u32, bit 0 = enable, bits [31:1] reserved.
 * Decode: -EPROTO on wrong length, -EINVAL if reserved bits are set.
 * Response: status only.
 */
int scmi_base_notify_errors_req_encode(bool enable, uint8_t *buf, size_t cap);
int scmi_base_notify_errors_req_decode(const uint8_t *buf, size_t len,
				       bool *ret_enable);

/**
 * struct scmi_base_error_event - BASE_ERROR_EVENT notification payload
 * @agent_id:  agent that caused the errors
 * @fatal:     error_status bit 31
 * @count:     error_status bits [9:0], number of u64 reports that follow
 * @reports:   points into the decoded buffer at the first report (read each
 *             with scmi_get_le64(reports + 8 * i)); NULL when count == 0
 * error_status bits [30:10] are reserved: decode -EPROTO if set. The payload
 * must be exactly 8 + 8 * count bytes (-EBADMSG / -EMSGSIZE).
 */
struct scmi_base_error_event {
	uint32_t agent_id;
	bool fatal;
	uint16_t count;
	const uint8_t *reports;
};

int scmi_base_error_event_encode(uint32_t agent_id, bool fatal,
				 const uint64_t *reports, uint16_t count,
				 uint8_t *buf, size_t cap);
int scmi_base_error_event_decode(const uint8_t *buf, size_t len,
				 struct scmi_base_error_event *ret);

/*
 * Tolerant reply decoders, like the Telemetry ones (telemetry.h): where the
 * plain decoder fails on a deviation the Linux driver steps over (reserved
 * bits, a longer reply, non-zero DISCOVER_LIST_PROTOCOLS padding, a name
 * without NUL or with non-printable bytes), they decode and OR SCMI_DEV(kind)
 * into *dev (scmi.h). Reserved bits are dropped; a name is cut to 15
 * characters and non-printable bytes read '?'; trailing bytes are ignored.
 * Everything else fails as the plain decoder does. *dev is not cleared.
 */
int scmi_base_attrs_resp_decode_dev(const uint8_t *buf, size_t len,
				    struct scmi_base_attrs *ret, uint32_t *dev);
int scmi_base_name_resp_decode_dev(const uint8_t *buf, size_t len,
				   char ret[SCMI_SHORT_NAME_LEN],
				   uint32_t *dev);
int scmi_base_list_protocols_resp_decode_dev(const uint8_t *buf, size_t len,
					     uint8_t *ids, size_t cap,
					     uint32_t *dev);
int scmi_base_agent_resp_decode_dev(const uint8_t *buf, size_t len,
				    struct scmi_base_agent *ret,
				    uint32_t *dev);

#endif /* STLM_PROTO_BASE_H */
