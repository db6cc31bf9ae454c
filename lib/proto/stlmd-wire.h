/* SPDX-License-Identifier: MIT */
/*
 * Copyright (c) 2026 The stlm authors
 *
 * The stlmd client protocol (docs/daemon-protocol.md), shared by the
 * daemon (daemon/sock.c) and libstlm's stlmd: backend (lib/stlmd.c): the
 * wire structures, then the pure checks both ends make on a packet
 * (stlmd-wire.c). No sockets, no session, so fuzz/fuzz-daemon-socket.c
 * calls the checks directly. Never installed.
 *
 * AF_UNIX SOCK_SEQPACKET: one message per packet, at most STLMD_MAX_MSG
 * bytes, header then payload. Both ends run on the same host, so fields
 * are in host byte order; every struct has explicit padding and the same
 * layout on 32- and 64-bit builds (checked below).
 */
#ifndef STLM_PROTO_STLMD_WIRE_H
#define STLM_PROTO_STLMD_WIRE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define STLMD_PROTO_VERSION	1u
#define STLMD_MAGIC		0x444d4c53u /* "SLMD" */
#define STLMD_MAX_MSG		65536u

/* Message types (requests; a reply echoes the type and seq). */
enum stlmd_msg_type {
	STLMD_HELLO = 1,
	STLMD_INFO = 2,
	STLMD_DES = 3,
	STLMD_INTERVALS = 4,
	STLMD_SHMTI_FDS = 5,
	STLMD_STATE = 6,
	STLMD_CONFIG = 7,
	STLMD_COLL_GET = 8,
	STLMD_COLL_SET = 9,
	STLMD_RESET = 10,
	STLMD_SUBSCRIBE = 11,
	STLMD_SINGLE_SAMPLE = 12,
	STLMD_EVENT = 0x100,	/* daemon -> client, seq 0 */
	STLMD_ERROR = 0x101,	/* daemon -> client before a disconnect */
};

/**
 * struct stlmd_hdr - every message
 * @magic:  STLMD_MAGIC
 * @type:   enum stlmd_msg_type
 * @flags:  0 (reserved, checked)
 * @seq:    request id, echoed in the reply; 0 for events
 * @status: replies: 0 or a negative errno (CONFIG: failed items)
 * @len:    payload bytes after the header (= packet size - 16)
 */
struct stlmd_hdr {
	uint32_t magic;
	uint16_t type;
	uint16_t flags;
	uint32_t seq;
	int32_t status;
	uint32_t len;
	uint32_t reserved;
};

/* HELLO request and reply. */
struct stlmd_hello {
	uint32_t version;	/* request: client's; reply: daemon's */
	uint32_t flags;		/* reply: STLMD_HELLO_PRIVILEGED */
	uint64_t generation;
};
#define STLMD_HELLO_PRIVILEGED	1u

/* INFO reply: struct stlm_platform_info in fixed-width form. */
struct stlmd_info {
	uint32_t protocol_version;
	uint32_t base_version;
	char vendor[16];
	char sub_vendor[16];
	uint32_t impl_version;
	uint8_t uuid[16];
	uint32_t n_des;
	uint32_t n_groups;
	uint32_t n_shmti;
	uint32_t caps;		/* STLMD_CAP_* */
	uint32_t default_blk_ts_rate_khz;
	uint32_t max_msg_size;
	uint32_t reserved;
	uint64_t generation;
};
#define STLMD_CAP_SINGLE_SAMPLE	(1u << 0)
#define STLMD_CAP_NOTIFICATIONS	(1u << 1)
#define STLMD_CAP_PER_GROUP	(1u << 2)
#define STLMD_CAP_RESET		(1u << 3)
#define STLMD_CAP_FASTCHANNELS	(1u << 4)

/* Paged requests (DES, STATE). */
struct stlmd_page_req {
	uint32_t index;
	uint32_t flags;		/* STATE: STLMD_STATE_RESYNC */
};
#define STLMD_STATE_RESYNC	1u

struct stlmd_page_hdr {
	uint32_t index;
	uint32_t n;		/* entries in this page */
	uint32_t total;
	uint32_t reserved;
	uint64_t generation;
};

/* One DE descriptor (DES pages). */
struct stlmd_de {
	uint32_t id;
	uint32_t group_id;
	uint32_t data_size;
	uint32_t line_ts_rate;
	uint8_t type;
	uint8_t persistent;
	int8_t unit_exp;
	uint8_t unit;
	uint8_t ts_support;
	uint8_t instance_id;
	uint8_t compo_type;
	uint8_t has_fc;
	uint16_t compo_instance;
	uint8_t has_name;
	uint8_t pad;
	uint32_t fc_size;
	uint64_t fc_addr;
	char name[16];
};

/* One DE's state (STATE pages); collection state in stlmd_state_hdr. */
struct stlmd_de_state {
	uint32_t shmti;		/* index, or 0xFFFFFFFF */
	uint32_t offset;
	uint32_t blk_ts_off;
	uint8_t enabled;
	uint8_t ts_enabled;
	uint16_t pad;
};

/* SHMTI_FDS reply: header, entries; one SCM_RIGHTS fd (the memory file,
 * O_RDONLY) when has_fd. */
struct stlmd_shmti_hdr {
	uint32_t n;
	uint32_t has_fd;
	uint64_t file_size;
};
struct stlmd_shmti {
	uint32_t id;
	uint32_t length;
	uint64_t addr;		/* offset in the memory file */
};

/* INTERVALS request: group; reply: header + entries. */
struct stlmd_iv_req {
	uint32_t group;
	uint32_t reserved;
};
struct stlmd_iv_hdr {
	uint32_t n;
	uint32_t range;
};
struct stlmd_iv {
	uint64_t ns;
	uint16_t secs;
	int8_t exp;
	uint8_t pad[5];
};

/* CONFIG request and reply: header + items (statuses filled in). */
struct stlmd_config_hdr {
	uint32_t n;
	uint32_t reserved;
};
struct stlmd_config_item {
	uint32_t op;		/* enum stlm_batch_op */
	uint32_t id;
	uint8_t enable;
	uint8_t timestamps;
	uint16_t pad;
	int32_t status;
};
#define STLMD_MAX_CONFIG_ITEMS 4096u

/* COLL_GET request / COLL_SET request / COLL_GET reply. */
struct stlmd_coll {
	uint32_t group;
	uint8_t enable;
	uint8_t pad;
	uint16_t secs;
	int8_t exp;
	uint8_t pad2[3];
	int32_t mode;
	uint64_t interval_ns;
};

/* SUBSCRIBE request. */
struct stlmd_subscribe {
	uint32_t mask;		/* STLMD_SUB_* */
	uint32_t reserved;
};
#define STLMD_SUB_GENERATION	(1u << 0) /* GENERATION and RESET */
#define STLMD_SUB_UPDATE	(1u << 1) /* notification samples */

/*
 * Event types on the wire: the values of enum stlm_event_type in
 * <stlm/stlm.h> (tests/tests-proto-stlmd.c checks that they agree).
 */
#define STLMD_EVENT_UPDATE	1u
#define STLMD_EVENT_GENERATION	2u
#define STLMD_EVENT_RESET	3u
#define STLMD_EVENT_LOST	4u

/* EVENT: header + n samples. */
struct stlmd_event {
	uint32_t type;		/* STLMD_EVENT_* (enum stlm_event_type) */
	uint32_t n;
	uint64_t generation;
	uint64_t lost;		/* LOST: events dropped for this client */
};
struct stlmd_sample {
	uint32_t id;
	uint32_t flags;
	uint64_t raw;
	uint64_t ts;
	uint32_t ts_rate_khz;
	uint32_t pad;
};

/* SINGLE_SAMPLE reply: the SCMI response and delayed response payloads. */
struct stlmd_single {
	uint32_t resp_len;
	uint32_t dresp_len;	/* then resp_len + dresp_len bytes */
};

/*
 * Why the daemon cannot serve a request that needs the platform: the
 * whole payload of a reply with status -EIO, when the daemon runs but has
 * no usable platform session (it keeps retrying). Older clients ignore a
 * failed reply's payload; older daemons send none (plain -EIO). Later
 * versions may append fields.
 */
#define STLMD_DOWN_MAGIC	0x4e574f44u /* "DOWN" */
enum stlmd_down_state {
	STLMD_DOWN_UNREACHABLE = 1,	/* never reached since stlmd started */
	STLMD_DOWN_LOST = 2,		/* reached before, lost since */
	STLMD_DOWN_UNRESPONSIVE = 3,	/* channel kept, no answer */
};
struct stlmd_down {
	uint32_t magic;		/* STLMD_DOWN_MAGIC */
	uint32_t state;		/* enum stlmd_down_state */
	int32_t last_err;	/* negative errno of the last failure, or 0 */
	uint32_t attempts;	/* failed attempts to reach it since */
	uint64_t down_ns;	/* how long it has been unusable */
	uint64_t retry_ns;	/* next attempt in; 0: at the next request */
	char platform[64];	/* the daemon's platform URI (cut, NUL) */
};

_Static_assert(sizeof(struct stlmd_hdr) == 24, "hdr");
_Static_assert(sizeof(struct stlmd_down) == 96, "down");
_Static_assert(sizeof(struct stlmd_info) == 96, "info");
_Static_assert(sizeof(struct stlmd_de) == 56, "de");
_Static_assert(sizeof(struct stlmd_de_state) == 16, "state");
_Static_assert(sizeof(struct stlmd_page_hdr) == 24, "page");
_Static_assert(sizeof(struct stlmd_iv) == 16, "iv");
_Static_assert(sizeof(struct stlmd_config_item) == 16, "item");
_Static_assert(sizeof(struct stlmd_coll) == 24, "coll");
_Static_assert(sizeof(struct stlmd_event) == 24, "event");
_Static_assert(sizeof(struct stlmd_sample) == 32, "sample");

/* ------------------------------------------------------------------ */
/* Message checks (stlmd-wire.c)                                       */

/**
 * struct stlmd_req - one decoded request
 * @h:   the header
 * @p:   the payload (@h.len bytes, inside the decoded buffer)
 * @u:   the fixed-size payload of HELLO, SUBSCRIBE, DES/STATE, INTERVALS,
 *       COLL_GET/COLL_SET, copied out (zero for the other types)
 */
struct stlmd_req {
	struct stlmd_hdr h;
	const uint8_t *p;
	union {
		struct stlmd_hello hello;
		struct stlmd_subscribe sub;
		struct stlmd_page_req page;
		struct stlmd_iv_req iv;
		struct stlmd_coll coll;
	} u;
};

/*
 * Validate one request packet of n bytes (truncated: recvmsg() set
 * MSG_TRUNC) from a client that has (hello) or has not yet said HELLO.
 * Checks the header (size, magic, flags, status, reserved, len equal to
 * the payload size), that the first request is HELLO, that the type is a
 * request type and that the payload has that type's size (CONFIG: at
 * least its header). 0 with *ret filled, or -EBADMSG: malformed, the
 * daemon answers ERROR and disconnects. Field values (reserved words
 * inside payloads, flags, counts) are the request handlers' business.
 */
int stlmd_req_decode(const uint8_t *buf, size_t n, bool truncated,
		     bool hello, struct stlmd_req *ret);

/*
 * The CONFIG payload (plen bytes): header with reserved 0 and 1 to
 * STLMD_MAX_CONFIG_ITEMS items, exactly that many following. 0 with *ret,
 * or -EINVAL.
 */
int stlmd_config_req_decode(const uint8_t *p, size_t plen,
			    struct stlmd_config_hdr *ret);

/*
 * Client side: one packet from the daemon (n bytes; truncated: MSG_TRUNC
 * or MSG_CTRUNC). 0 with the header in *ret when it is at least a header
 * with the magic and len equal to the payload size, else -EPROTO.
 */
int stlmd_reply_frame_decode(const uint8_t *buf, size_t n, bool truncated,
			     struct stlmd_hdr *ret);

/*
 * A DES or STATE reply payload (len bytes) to a request for page index,
 * when the client knows total DEs: page header then n entries of entry
 * bytes. -EPROTO when shorter than the page header; -ESTALE when it does
 * not continue the client's table (other total or index, more entries
 * than are left, a length not matching n, an empty page before the end):
 * the daemon re-discovered the platform. 0 with the header in *ret.
 */
int stlmd_page_reply_check(const uint8_t *p, size_t len, uint32_t index,
			   uint32_t total, size_t entry,
			   struct stlmd_page_hdr *ret);

/* SHMTI_FDS reply: header + n entries, has_fd matching the fd passed.
 * 0 or -EPROTO. */
int stlmd_shmti_reply_check(const uint8_t *p, size_t len, bool fd_passed,
			    struct stlmd_shmti_hdr *ret);

/* INTERVALS reply: header + n entries. 0 or -EPROTO. */
int stlmd_iv_reply_check(const uint8_t *p, size_t len,
			 struct stlmd_iv_hdr *ret);

/* SINGLE_SAMPLE reply: header + resp_len + dresp_len bytes, each within
 * the caller's buffers. 0 or -EPROTO. */
int stlmd_single_reply_check(const uint8_t *p, size_t len, size_t resp_cap,
			     size_t dresp_cap, struct stlmd_single *ret);

/*
 * EVENT payload: the event header, and for STLMD_EVENT_UPDATE exactly n
 * samples after it (other types may carry more bytes: later protocol
 * versions append fields). 0 with *ret, or -EPROTO.
 */
int stlmd_event_decode(const uint8_t *p, size_t len, struct stlmd_event *ret);

/*
 * The payload of a failed reply: 0 with *ret (platform NUL-terminated,
 * state within enum stlmd_down_state) when it is a struct stlmd_down (at
 * least its size, the magic), else -ENOENT: a plain error.
 */
int stlmd_down_decode(const uint8_t *p, size_t len, struct stlmd_down *ret);

#endif /* STLM_PROTO_STLMD_WIRE_H */
