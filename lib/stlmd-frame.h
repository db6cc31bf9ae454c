/* SPDX-License-Identifier: MIT */
/*
 * Copyright (c) 2026 The stlm authors
 *
 * Pure checks of stlmd client-protocol messages (docs/daemon-protocol.md,
 * stlmd-proto.h): the daemon's "validate and decode one request" step
 * (daemon/sock.c) and the shape checks the stlmd: backend makes on the
 * daemon's replies and events (lib/stlmd.c). No sockets, no session, so
 * fuzz/fuzz-daemon-socket.c calls them directly. Never installed.
 */
#ifndef STLM_LIB_STLMD_FRAME_H
#define STLM_LIB_STLMD_FRAME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "stlmd-proto.h"

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
 * EVENT payload: the event header, and for STLM_EVENT_UPDATE exactly n
 * samples after it (other types may carry more bytes: later protocol
 * versions append fields). 0 with *ret, or -EPROTO.
 */
int stlmd_event_decode(const uint8_t *p, size_t len, struct stlmd_event *ret);

#endif /* STLM_LIB_STLMD_FRAME_H */
