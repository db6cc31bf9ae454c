/* SPDX-License-Identifier: MIT */
/*
 * Copyright (c) 2026 The stlm authors
 *
 * SCMI Telemetry protocol (0x1B) messages, v3+ (SCMI v4.0 BETA) layout:
 * every command of §1.1 in both directions, the DE descriptor (§5), the
 * update-interval word (§6), the TELEMETRY_READING_COMPLETE delayed response
 * and the TELEMETRY_UPDATE notification (§4.10, §4.13).
 *
 * Conventions (see scmi.h): *_req_encode/_req_decode work on the request
 * payload (after the header); *_resp_encode/_resp_decode on the response
 * payload including the leading int32 status. A response decoder returns
 * the mapped errno when the status is not SUCCESS and parses nothing else.
 * Encoders return the number of bytes written.
 *
 * Commands without parameters (PROTOCOL_VERSION, PROTOCOL_ATTRIBUTES) use
 * scmi_empty_req_decode(); PROTOCOL_MESSAGE_ATTRIBUTES and
 * NEGOTIATE_PROTOCOL_VERSION use the scmi_u32_req_* and scmi_u32_resp_*
 * helpers; status-only replies (NEGOTIATE, CONFIG_SET, RESET) use
 * scmi_status_resp_*.
 */
#ifndef STLM_PROTO_TELEMETRY_H
#define STLM_PROTO_TELEMETRY_H

#include "scmi.h"

#define SCMI_TLM_VERSION 0x00010000u

enum scmi_tlm_msg {
	SCMI_TLM_PROTOCOL_VERSION = 0x0,
	SCMI_TLM_PROTOCOL_ATTRIBUTES = 0x1,
	SCMI_TLM_PROTOCOL_MESSAGE_ATTRIBUTES = 0x2,
	SCMI_TLM_LIST_SHMTI = 0x3,
	SCMI_TLM_DE_DESCRIPTION = 0x4,
	SCMI_TLM_LIST_UPDATE_INTERVALS = 0x5,
	SCMI_TLM_DE_CONFIGURE = 0x6,
	SCMI_TLM_DE_ENABLED_LIST = 0x7,
	SCMI_TLM_CONFIG_SET = 0x8,
	SCMI_TLM_CONFIG_GET = 0x9,
	SCMI_TLM_RESET = 0xA,
	SCMI_TLM_NEGOTIATE_PROTOCOL_VERSION = 0x10,
};

/* Delayed response to CONFIG_SET mode 2 (type 2, id 8). */
#define SCMI_TLM_READING_COMPLETE 0x8
/* Notification (type 3, id 0). */
#define SCMI_TLM_UPDATE 0x0

/* "No group" / "instance-wide" group identifier. */
#define SCMI_TLM_GROUP_NONE 0xFFFFFFFFu
/* "No SHMTI" in DE_CONFIGURE replies. */
#define SCMI_TLM_SHMTI_NONE 0xFFFFFFFFu

/* ------------------------------------------------------------------ */
/* PROTOCOL_ATTRIBUTES (§4.2)                                          */

#define SCMI_TLM_ATTR_SINGLE_SAMPLE	(1u << 31)
#define SCMI_TLM_ATTR_NOTIFICATIONS	(1u << 30)
#define SCMI_TLM_ATTR_RSVD_MASK		0x3FF80000u /* [29:19] */
#define SCMI_TLM_ATTR_PER_GROUP		(1u << 18)
#define SCMI_TLM_ATTR_RESET		(1u << 17)
#define SCMI_TLM_ATTR_FASTCHANNELS	(1u << 16)
#define SCMI_TLM_ATTR_NUM_SHMTI_MASK	0x0000FFFFu

/* Response size after the status word. */
#define SCMI_TLM_ATTRS_SIZE 32

/**
 * struct scmi_tlm_attrs - Telemetry PROTOCOL_ATTRIBUTES response
 * @de_num:            total DEs described by DE_DESCRIPTION
 * @groups_num:        groups, IDs 0..groups_num-1
 * @uuid:              DE implementation revision, canonical byte order
 *                     (uuid[0] is the most significant byte of dword 0)
 * @single_sample:     attributes bit 31
 * @notifications:     attributes bit 30
 * @per_group:         attributes bit 18
 * @reset:             attributes bit 17
 * @fastchannels:      attributes bit 16
 * @num_shmti:         attributes bits [15:0]
 * @default_blk_ts_rate: kHz
 * Decode: exactly 32 bytes after the status; reserved bits [29:19] ->
 * -EPROTO.
 */
struct scmi_tlm_attrs {
	uint32_t de_num;
	uint32_t groups_num;
	uint8_t uuid[16];
	bool single_sample;
	bool notifications;
	bool per_group;
	bool reset;
	bool fastchannels;
	uint16_t num_shmti;
	uint32_t default_blk_ts_rate;
};

int scmi_tlm_attrs_resp_encode(const struct scmi_tlm_attrs *a, uint8_t *buf,
			       size_t cap);
int scmi_tlm_attrs_resp_decode(const uint8_t *buf, size_t len,
			       struct scmi_tlm_attrs *ret);

/* UUID dwords <-> canonical bytes, Linux convention (§4.2). */
void scmi_tlm_uuid_from_dwords(const uint32_t dw[4], uint8_t ret[16]);
void scmi_tlm_uuid_to_dwords(const uint8_t uuid[16], uint32_t ret[4]);
/*
 * Canonical text form "00112233-4455-6677-8899-AABBCCDDEEFF" (upper case,
 * 36 chars + NUL). Parse accepts either case, with or without hyphens;
 * -EINVAL on anything else.
 */
void scmi_tlm_uuid_format(const uint8_t uuid[16], char ret[37]);
int scmi_tlm_uuid_parse(const char *s, uint8_t ret[16]);
/* Value of one hex digit (either case), or -1. */
int scmi_tlm_hex_digit(char c);

/* ------------------------------------------------------------------ */
/* Update intervals (§6)                                               */

#define SCMI_TLM_INTERVAL_RSVD_MASK	0xFFE00000u /* [31:21] */
#define SCMI_TLM_INTERVAL_SECS_SHIFT	5
#define SCMI_TLM_INTERVAL_SECS_MASK	0x001FFFE0u
#define SCMI_TLM_INTERVAL_EXP_MASK	0x0000001Fu

/**
 * struct scmi_tlm_interval - one update interval, secs * 10^exp seconds
 * @secs: 16-bit mantissa
 * @exp:  signed power of ten, -16..15
 */
struct scmi_tlm_interval {
	uint16_t secs;
	int8_t exp;
};

/* -ERANGE if exp is outside -16..15. */
int scmi_tlm_interval_encode(const struct scmi_tlm_interval *iv,
			     uint32_t *ret_word);
/* -EPROTO if reserved bits [31:21] are set. */
int scmi_tlm_interval_decode(uint32_t word, struct scmi_tlm_interval *ret);
/*
 * Interval in nanoseconds; saturates at UINT64_MAX; intervals below 1 ns
 * round down (possibly to 0).
 */
uint64_t scmi_tlm_interval_ns(const struct scmi_tlm_interval *iv);
/*
 * The shortest exact encoding of a nanosecond interval (largest exp with an
 * integer mantissa that fits 16 bits). -ERANGE if none exists.
 */
int scmi_tlm_interval_from_ns(uint64_t ns, struct scmi_tlm_interval *ret);
/* Compare two intervals by duration: <0, 0, >0. Exact (no rounding). */
int scmi_tlm_interval_cmp(const struct scmi_tlm_interval *a,
			  const struct scmi_tlm_interval *b);

/* ------------------------------------------------------------------ */
/* LIST_SHMTI (§4.5) - request: u32 index (scmi_u32_req_*)             */

#define SCMI_TLM_SHMTI_DESC_SIZE 20

/**
 * struct scmi_tlm_shmti_desc - one SHMTI descriptor
 * @id:     SHMTI identifier
 * @addr:   physical address of the SHMTI start
 * @length: size in bytes, header through epilogue
 * Decode: flags != 0, length < 24, or addr not 8-byte aligned -> -EPROTO.
 */
struct scmi_tlm_shmti_desc {
	uint32_t id;
	uint64_t addr;
	uint32_t length;
};

/*
 * Response encode: packs as many of the n descriptors as fit in cap (at
 * least one when n > 0, else -ENOSPC); remaining = n - packed; *ret_n is the
 * number packed. Pass the descriptors from the requested index to the end.
 * Decode: fills up to cap descriptors (-E2BIG if the page holds more),
 * stores the counter word in *ret_hdr, returns the number decoded.
 * Counter bits as §2.5; length must be exactly 4 + 4 + 20*N.
 */
int scmi_tlm_list_shmti_resp_encode(const struct scmi_tlm_shmti_desc *d,
				    size_t n, uint8_t *buf, size_t cap,
				    size_t *ret_n);
int scmi_tlm_list_shmti_resp_decode(const uint8_t *buf, size_t len,
				    struct scmi_list_hdr *ret_hdr,
				    struct scmi_tlm_shmti_desc *d, size_t cap);

/* ------------------------------------------------------------------ */
/* DE descriptor (§5) and DE_DESCRIPTION (§4.6)                         */

#define SCMI_TLM_DE_DESC_FIXED_SIZE	24
#define SCMI_TLM_DE_DESC_MAX_SIZE	56
#define SCMI_TLM_DE_NAME_LEN		16

enum scmi_tlm_ts_support {
	SCMI_TLM_TS_NONE = 0,
	SCMI_TLM_TS_LINE = 1,
	SCMI_TLM_TS_BLOCK = 2,
};

/* de_attributes_1 */
#define SCMI_TLM_DE_A1_NAME		(1u << 31)
#define SCMI_TLM_DE_A1_FC		(1u << 30)
#define SCMI_TLM_DE_A1_TYPE_SHIFT	22
#define SCMI_TLM_DE_A1_TYPE_MASK	0x3FC00000u
#define SCMI_TLM_DE_A1_PERSISTENT	(1u << 21)
#define SCMI_TLM_DE_A1_UNIT_EXP_SHIFT	13
#define SCMI_TLM_DE_A1_UNIT_EXP_MASK	0x001FE000u
#define SCMI_TLM_DE_A1_UNIT_SHIFT	5
#define SCMI_TLM_DE_A1_UNIT_MASK	0x00001FE0u
#define SCMI_TLM_DE_A1_RSVD_MASK	0x0000001Cu
#define SCMI_TLM_DE_A1_TS_MASK		0x00000003u
/* de_attributes_2 */
#define SCMI_TLM_DE_A2_INSTANCE_SHIFT	24
#define SCMI_TLM_DE_A2_COMPO_INST_SHIFT	8
#define SCMI_TLM_DE_A2_COMPO_INST_MASK	0x00FFFF00u
#define SCMI_TLM_DE_A2_COMPO_TYPE_MASK	0x000000FFu

/**
 * struct scmi_tlm_de_desc - a decoded DE descriptor
 * @id:             DE identifier
 * @group_id:       group, or SCMI_TLM_GROUP_NONE
 * @data_size:      value size in bytes
 * @type:           DE type, attr_1[29:22]
 * @persistent:     attr_1[21]
 * @unit_exp:       signed power of ten, attr_1[20:13]
 * @unit:           unit code, attr_1[12:5]
 * @ts_support:     enum scmi_tlm_ts_support, attr_1[1:0]
 * @instance_id:    attr_2[31:24], DE within its component instance
 * @compo_instance: attr_2[23:8]
 * @compo_type:     attr_2[7:0]
 * @line_ts_rate:   kHz; present on the wire only when ts_support == LINE
 * @has_fc:         FastChannel descriptor present (attr_1[30])
 * @fc_addr:        FastChannel physical address
 * @fc_size:        FastChannel size in bytes
 * @has_name:       name present (attr_1[31])
 * @name:           NUL-terminated, printable ASCII
 *
 * Decode checks: ts_support 3, attr_1 reserved bits [4:2] or attr_3 != 0
 * -> -EPROTO; a name without a NUL in its 16 bytes or with a non-printable
 * byte -> -EPROTO; truncated -> -EBADMSG. Other values (data_size, group_id
 * range, FC size) are range-checked by the session, which knows the
 * context.
 */
struct scmi_tlm_de_desc {
	uint32_t id;
	uint32_t group_id;
	uint32_t data_size;
	uint8_t type;
	bool persistent;
	int8_t unit_exp;
	uint8_t unit;
	uint8_t ts_support;
	uint8_t instance_id;
	uint16_t compo_instance;
	uint8_t compo_type;
	uint32_t line_ts_rate;
	bool has_fc;
	uint64_t fc_addr;
	uint32_t fc_size;
	bool has_name;
	char name[SCMI_TLM_DE_NAME_LEN + 1];
};

/* Encoded size of a descriptor: 24..56. */
size_t scmi_tlm_de_desc_size(const struct scmi_tlm_de_desc *d);
/*
 * One descriptor. Encode returns bytes written (-ENOSPC, -ERANGE for a
 * name longer than 15 characters or ts_support > 2). Decode returns the
 * bytes consumed.
 */
int scmi_tlm_de_desc_encode(const struct scmi_tlm_de_desc *d, uint8_t *buf,
			    size_t cap);
int scmi_tlm_de_desc_decode(const uint8_t *buf, size_t len,
			    struct scmi_tlm_de_desc *ret);

/*
 * DE_DESCRIPTION response (request: u32 desc_index).
 * Encode packs as many of the n descriptors as fit in cap (at least one
 * when n > 0, else -ENOSPC), remaining = n - packed.
 * Decode: status, counter word, then N variable-length descriptors; fills
 * up to cap (-E2BIG), returns N. A reply whose bytes end inside a
 * descriptor is -EBADMSG; bytes after the N-th descriptor are -EMSGSIZE;
 * counter word checks as scmi_list_check() without a total.
 */
int scmi_tlm_de_description_resp_encode(const struct scmi_tlm_de_desc *d,
					size_t n, uint8_t *buf, size_t cap,
					size_t *ret_n);
int scmi_tlm_de_description_resp_decode(const uint8_t *buf, size_t len,
					struct scmi_list_hdr *ret_hdr,
					struct scmi_tlm_de_desc *d,
					size_t cap);

/* ------------------------------------------------------------------ */
/* LIST_UPDATE_INTERVALS (§4.7)                                        */

enum scmi_tlm_selector {
	SCMI_TLM_SEL_ORPHANS = 0, /* DEs not in any group */
	SCMI_TLM_SEL_GROUP = 1,	  /* the given group */
	SCMI_TLM_SEL_ALL = 2,	  /* all DEs and groups */
};

/**
 * struct scmi_tlm_intervals_req - LIST_UPDATE_INTERVALS request
 * @index:    first interval wanted
 * @group_id: used only with selector 1
 * @selector: enum scmi_tlm_selector, flags[3:0]
 * Decode: wrong length -> -EPROTO; flags[31:4] set or selector > 2 ->
 * -EINVAL.
 */
struct scmi_tlm_intervals_req {
	uint32_t index;
	uint32_t group_id;
	uint8_t selector;
};

int scmi_tlm_intervals_req_encode(const struct scmi_tlm_intervals_req *r,
				  uint8_t *buf, size_t cap);
int scmi_tlm_intervals_req_decode(const uint8_t *buf, size_t len,
				  struct scmi_tlm_intervals_req *ret);

#define SCMI_TLM_IV_N_MASK		0x00000FFFu
#define SCMI_TLM_IV_RANGE		(1u << 12)
#define SCMI_TLM_IV_RSVD_MASK		0x0000E000u
#define SCMI_TLM_IV_REMAINING_SHIFT	16
#define SCMI_TLM_IV_N_MAX		0xFFFu

/**
 * struct scmi_tlm_intervals_page - decoded LIST_UPDATE_INTERVALS header
 * @returned:  flags[11:0]
 * @range:     flags[12]: entries are {lowest, highest, step}
 * @remaining: flags[31:16]
 */
struct scmi_tlm_intervals_page {
	uint32_t returned;
	bool range;
	uint32_t remaining;
};

/*
 * Encode: a discrete list packs as many of the n intervals as fit (at least
 * one when n > 0); a range must have n == 3 and is sent whole (-EINVAL
 * otherwise). *ret_n = packed.
 * Decode: reserved flags bits, a range with N != 3 or remaining != 0, a
 * discrete page not strictly ascending, or an interval word with reserved
 * bits -> -EPROTO; length exactly 8 + 4*N; fills up to cap (-E2BIG);
 * returns N.
 */
int scmi_tlm_intervals_resp_encode(const struct scmi_tlm_interval *iv,
				   size_t n, bool range, uint8_t *buf,
				   size_t cap, size_t *ret_n);
int scmi_tlm_intervals_resp_decode(const uint8_t *buf, size_t len,
				   struct scmi_tlm_intervals_page *ret_page,
				   struct scmi_tlm_interval *iv, size_t cap);

/* ------------------------------------------------------------------ */
/* DE_CONFIGURE (§4.8)                                                 */

enum scmi_tlm_de_mode {
	SCMI_TLM_DE_DISABLE = 0,
	SCMI_TLM_DE_ENABLE = 1,	   /* without timestamps */
	SCMI_TLM_DE_ENABLE_TS = 2, /* with timestamps */
};

#define SCMI_TLM_DECFG_MODE_MASK	0x00000003u
#define SCMI_TLM_DECFG_DISABLE_ALL	(1u << 2)
#define SCMI_TLM_DECFG_GROUP		(1u << 3)
#define SCMI_TLM_DECFG_RSVD_MASK	0xFFFFFFF0u

/**
 * struct scmi_tlm_de_configure_req - DE_CONFIGURE request
 * @id:          DE ID, or group ID when @group; ignored with @disable_all
 * @mode:        enum scmi_tlm_de_mode
 * @disable_all: flags bit 2
 * @group:       flags bit 3 (selector)
 * Decode: wrong length -> -EPROTO; reserved bits, mode 3, or disable_all
 * with mode != 0 -> -EINVAL. With disable_all the identifier is not
 * validated (Linux leaves garbage there) and is returned as read.
 */
struct scmi_tlm_de_configure_req {
	uint32_t id;
	uint8_t mode;
	bool disable_all;
	bool group;
};

int scmi_tlm_de_configure_req_encode(const struct scmi_tlm_de_configure_req *r,
				     uint8_t *buf, size_t cap);
int scmi_tlm_de_configure_req_decode(const uint8_t *buf, size_t len,
				     struct scmi_tlm_de_configure_req *ret);

/**
 * struct scmi_tlm_de_configure_resp - DE_CONFIGURE response (12 bytes)
 * @shmti_id:      SHMTI now holding the line(s), or SCMI_TLM_SHMTI_NONE
 * @de_offset:     offset of the DE line (or the group's lowest line)
 * @blk_ts_offset: offset of the BLK_TS line used, 0 = not provided
 * Decode: exactly 12 bytes after the status; offsets not 8-byte aligned
 * while shmti_id is valid -> -EPROTO. When shmti_id is NONE the offsets are
 * not interpreted.
 */
struct scmi_tlm_de_configure_resp {
	uint32_t shmti_id;
	uint32_t de_offset;
	uint32_t blk_ts_offset;
};

int scmi_tlm_de_configure_resp_encode(
	const struct scmi_tlm_de_configure_resp *r, uint8_t *buf, size_t cap);
int scmi_tlm_de_configure_resp_decode(const uint8_t *buf, size_t len,
				      struct scmi_tlm_de_configure_resp *ret);

/* ------------------------------------------------------------------ */
/* DE_ENABLED_LIST (§4.9)                                              */

/**
 * struct scmi_tlm_enabled_req - DE_ENABLED_LIST request
 * @index:  first enabled element wanted
 * @groups: flags bit 0: list groups instead of DEs
 * Decode: wrong length -> -EPROTO; flags[31:1] set -> -EINVAL.
 */
struct scmi_tlm_enabled_req {
	uint32_t index;
	bool groups;
};

int scmi_tlm_enabled_req_encode(const struct scmi_tlm_enabled_req *r,
				uint8_t *buf, size_t cap);
int scmi_tlm_enabled_req_decode(const uint8_t *buf, size_t len,
				struct scmi_tlm_enabled_req *ret);

/**
 * struct scmi_tlm_enabled_entry - one DE_ENABLED_LIST entry
 * @id:   DE or group ID
 * @mode: 1 = enabled without timestamps, 2 = with timestamps
 * Decode: mode not 1 or 2 (including reserved bits [31:2]) -> -EPROTO.
 */
struct scmi_tlm_enabled_entry {
	uint32_t id;
	uint8_t mode;
};

/* Same page conventions as LIST_SHMTI; entries are 8 bytes. */
int scmi_tlm_enabled_resp_encode(const struct scmi_tlm_enabled_entry *e,
				 size_t n, uint8_t *buf, size_t cap,
				 size_t *ret_n);
int scmi_tlm_enabled_resp_decode(const uint8_t *buf, size_t len,
				 struct scmi_list_hdr *ret_hdr,
				 struct scmi_tlm_enabled_entry *e, size_t cap);

/* ------------------------------------------------------------------ */
/* CONFIG_SET (§4.10) / CONFIG_GET (§4.11)                             */

enum scmi_tlm_coll_mode {
	SCMI_TLM_MODE_ON_DEMAND = 0,
	SCMI_TLM_MODE_NOTIFY = 1,
	SCMI_TLM_MODE_SINGLE = 2,
};

#define SCMI_TLM_CTRL_ENABLE		(1u << 0)
#define SCMI_TLM_CTRL_MODE_SHIFT	1
#define SCMI_TLM_CTRL_MODE_MASK		0x0000001Eu
#define SCMI_TLM_CTRL_SEL_SHIFT		5
#define SCMI_TLM_CTRL_SEL_MASK		0x000001E0u
#define SCMI_TLM_CTRL_RSVD_MASK		0xFFFFFE00u

/**
 * struct scmi_tlm_config_set_req - CONFIG_SET request
 * @group_id: used with selector 1
 * @enable:   control[0]
 * @mode:     enum scmi_tlm_coll_mode, control[4:1]
 * @selector: enum scmi_tlm_selector, control[8:5]
 * @interval: sampling_rate; meaningful only when enable && mode != 2
 * Decode: wrong length -> -EPROTO; control[31:9] set, selector > 2, enable
 * with mode > 2, or (when the interval is meaningful) interval reserved
 * bits -> -EINVAL. When the interval is not meaningful it is decoded as
 * {0, 0} whatever the word holds.
 */
struct scmi_tlm_config_set_req {
	uint32_t group_id;
	bool enable;
	uint8_t mode;
	uint8_t selector;
	struct scmi_tlm_interval interval;
};

int scmi_tlm_config_set_req_encode(const struct scmi_tlm_config_set_req *r,
				   uint8_t *buf, size_t cap);
int scmi_tlm_config_set_req_decode(const uint8_t *buf, size_t len,
				   struct scmi_tlm_config_set_req *ret);

/**
 * struct scmi_tlm_config_get_req - CONFIG_GET request
 * @group_id: used with selector 1
 * @selector: flags[3:0] (Linux layout)
 * Decode: wrong length -> -EPROTO; flags[31:4] set or selector > 2 ->
 * -EINVAL.
 */
struct scmi_tlm_config_get_req {
	uint32_t group_id;
	uint8_t selector;
};

int scmi_tlm_config_get_req_encode(const struct scmi_tlm_config_get_req *r,
				   uint8_t *buf, size_t cap);
int scmi_tlm_config_get_req_decode(const uint8_t *buf, size_t len,
				   struct scmi_tlm_config_get_req *ret);

/**
 * struct scmi_tlm_config_get_resp - CONFIG_GET response (8 bytes)
 * @enable:   control[0]
 * @mode:     control[4:1]
 * @interval: current update interval
 * Decode: control[31:9] set, mode > 2, or interval reserved bits ->
 * -EPROTO; control[8:5] (an echoed selector) is tolerated and ignored.
 */
struct scmi_tlm_config_get_resp {
	bool enable;
	uint8_t mode;
	struct scmi_tlm_interval interval;
};

int scmi_tlm_config_get_resp_encode(const struct scmi_tlm_config_get_resp *r,
				    uint8_t *buf, size_t cap);
int scmi_tlm_config_get_resp_decode(const uint8_t *buf, size_t len,
				    struct scmi_tlm_config_get_resp *ret);

/* ------------------------------------------------------------------ */
/* RESET (§4.12): request u32 flags, must be 0                         */

int scmi_tlm_reset_req_encode(uint8_t *buf, size_t cap);
/* -EPROTO wrong length, -EINVAL flags != 0. */
int scmi_tlm_reset_req_decode(const uint8_t *buf, size_t len);

/* ------------------------------------------------------------------ */
/* Lines in messages: READING_COMPLETE (§4.10) and UPDATE (§4.13)      */

/**
 * struct scmi_tlm_lines - data lines carried by a message
 * @num_dwords: number of 32-bit words of lines
 * @lines:      points into the decoded buffer at the first line; walk them
 *              with tdcf_msg_line_next() (tdcf.h)
 */
struct scmi_tlm_lines {
	uint32_t num_dwords;
	const uint8_t *lines;
};

/**
 * struct scmi_tlm_reading_complete - delayed response payload
 * @status_errno: 0, -EREMOTEIO (HARDWARE_ERROR), -EINVAL (PARTIAL), ...
 * @partial:      the raw status was PARTIAL (data present but incomplete)
 * @lines:        the lines (num_dwords 0 when the status carries no data)
 * Decode: SUCCESS, HARDWARE_ERROR and PARTIAL carry num_dwords + lines;
 * num_dwords must be even and match the remaining bytes exactly (-EPROTO
 * odd, -EBADMSG short, -EMSGSIZE long). Any other status: no data follows
 * the status (trailing bytes tolerated), lines empty. The function returns
 * 0 whenever the payload is well-formed; the platform's verdict is in
 * @status_errno.
 */
struct scmi_tlm_reading_complete {
	int status_errno;
	bool partial;
	struct scmi_tlm_lines lines;
};

/*
 * Encode: status, num_dwords, then the nbytes of already-encoded lines
 * (nbytes must be a multiple of 8, else -EINVAL).
 */
int scmi_tlm_reading_complete_encode(int32_t status, const uint8_t *lines,
				     size_t nbytes, uint8_t *buf, size_t cap);
int scmi_tlm_reading_complete_decode(const uint8_t *buf, size_t len,
				     struct scmi_tlm_reading_complete *ret);

/**
 * struct scmi_tlm_update - TELEMETRY_UPDATE notification payload
 * @agent_id:     agent the update is for
 * @status_errno: mapped status; Linux drops the notification if non-zero
 * @lines:        the data lines
 * Decode: at least 12 bytes; num_dwords even and exact as above.
 */
struct scmi_tlm_update {
	uint32_t agent_id;
	int status_errno;
	struct scmi_tlm_lines lines;
};

int scmi_tlm_update_encode(uint32_t agent_id, int32_t status,
			   const uint8_t *lines, size_t nbytes, uint8_t *buf,
			   size_t cap);
int scmi_tlm_update_decode(const uint8_t *buf, size_t len,
			   struct scmi_tlm_update *ret);

/* ------------------------------------------------------------------ */
/* Tolerant reply decoders                                             */

/*
 * The *_dev variants decode like the Linux driver: where the plain decoder
 * above fails on a deviation it can step over safely (reserved bits, a
 * longer reply, SHMTI flags or alignment, a name without NUL or with
 * non-printable bytes, an unordered interval page, an enabled-list mode 0
 * or 3), they decode and OR SCMI_DEV(kind) into *dev (scmi.h). Everything
 * else fails exactly as the plain decoder does. *dev is not cleared.
 * Tolerant values: reserved bits are dropped; a name is cut to 15
 * characters and non-printable bytes read '?'; an enabled entry of mode 0
 * or 3 is enabled, with timestamps iff bit 1; trailing bytes are ignored.
 */
int scmi_tlm_attrs_resp_decode_dev(const uint8_t *buf, size_t len,
				   struct scmi_tlm_attrs *ret, uint32_t *dev);
int scmi_tlm_interval_decode_dev(uint32_t word, struct scmi_tlm_interval *ret,
				 uint32_t *dev);
int scmi_tlm_list_shmti_resp_decode_dev(const uint8_t *buf, size_t len,
					struct scmi_list_hdr *ret_hdr,
					struct scmi_tlm_shmti_desc *d,
					size_t cap, uint32_t *dev);
int scmi_tlm_de_desc_decode_dev(const uint8_t *buf, size_t len,
				struct scmi_tlm_de_desc *ret, uint32_t *dev);
int scmi_tlm_de_description_resp_decode_dev(const uint8_t *buf, size_t len,
					    struct scmi_list_hdr *ret_hdr,
					    struct scmi_tlm_de_desc *d,
					    size_t cap, uint32_t *dev);
int scmi_tlm_intervals_resp_decode_dev(const uint8_t *buf, size_t len,
				       struct scmi_tlm_intervals_page *ret_page,
				       struct scmi_tlm_interval *iv, size_t cap,
				       uint32_t *dev);
int scmi_tlm_de_configure_resp_decode_dev(
	const uint8_t *buf, size_t len, struct scmi_tlm_de_configure_resp *ret,
	uint32_t *dev);
int scmi_tlm_enabled_resp_decode_dev(const uint8_t *buf, size_t len,
				     struct scmi_list_hdr *ret_hdr,
				     struct scmi_tlm_enabled_entry *e,
				     size_t cap, uint32_t *dev);
int scmi_tlm_config_get_resp_decode_dev(const uint8_t *buf, size_t len,
					struct scmi_tlm_config_get_resp *ret,
					uint32_t *dev);
int scmi_tlm_reading_complete_decode_dev(const uint8_t *buf, size_t len,
					 struct scmi_tlm_reading_complete *ret,
					 uint32_t *dev);
int scmi_tlm_update_decode_dev(const uint8_t *buf, size_t len,
			       struct scmi_tlm_update *ret, uint32_t *dev);

/* Names for logs and the conformance tests: "DE_CONFIGURE", ... */
const char *scmi_tlm_msg_name(uint8_t id);

#endif /* STLM_PROTO_TELEMETRY_H */
