// SPDX-License-Identifier: MIT
/*
 * Copyright (c) 2026 The stlm authors
 *
 * The stlmd client protocol (docs/daemon-protocol.md, lib/proto/stlmd-wire.c):
 * each input is one SOCK_SEQPACKET packet, read both as a request the
 * daemon decodes (daemon/sock.c) and as a message the stlmd: backend of
 * libstlm receives (lib/stlmd.c).
 *
 * Daemon side, stlmd_req_decode() before and after HELLO, and with
 * MSG_TRUNC; stlmd_config_req_decode() on CONFIG payloads. Checks: only
 * 0 or -EBADMSG; a truncated packet is always refused; an accepted one
 * has a valid header (magic, flags/status/reserved 0, len equal to the
 * payload), is HELLO when no HELLO came before, has a request type and
 * exactly that type's payload size, and re-encodes from the decoded
 * header and payload to the same bytes; accepted before HELLO implies
 * accepted after it. A CONFIG payload is accepted exactly when it holds
 * 1..4096 items and nothing else.
 *
 * Client side, stlmd_reply_frame_decode() then, by the header's type,
 * the page (DES, STATE), SHMTI_FDS, INTERVALS, SINGLE_SAMPLE reply checks
 * and stlmd_event_decode(). The index and total the client expects are
 * taken from the header's seq and reserved words, and whether an fd came
 * from the low bit of status (fields these checks do not look at).
 * Checks: only the documented errors; an accepted reply's counts cover
 * the payload exactly and never exceed what the client asked for or can
 * hold; an accepted UPDATE event carries exactly n samples.
 */
#include <errno.h>
#include <stdbool.h>

#include "fuzz.h"
#include "stlm/stlm.h"
#include "stlmd-wire.h"

#define HDR sizeof(struct stlmd_hdr)

static size_t req_payload_size(uint16_t type, size_t plen)
{
	switch (type) {
	case STLMD_HELLO:
		return sizeof(struct stlmd_hello);
	case STLMD_SUBSCRIBE:
		return sizeof(struct stlmd_subscribe);
	case STLMD_DES:
	case STLMD_STATE:
		return sizeof(struct stlmd_page_req);
	case STLMD_INTERVALS:
		return sizeof(struct stlmd_iv_req);
	case STLMD_COLL_GET:
	case STLMD_COLL_SET:
		return sizeof(struct stlmd_coll);
	case STLMD_CONFIG:
		return plen >= sizeof(struct stlmd_config_hdr) ? plen :
								  (size_t)-1;
	case STLMD_INFO:
	case STLMD_SHMTI_FDS:
	case STLMD_RESET:
	case STLMD_SINGLE_SAMPLE:
		return 0;
	default:
		return (size_t)-1;
	}
}

static void check_config(const uint8_t *p, size_t plen)
{
	struct stlmd_config_hdr ch = { 0 }, raw = { 0 };
	bool want;
	int r;

	r = stlmd_config_req_decode(p, plen, &ch);
	fuzz_check(r == 0 || r == -EINVAL);
	if (plen >= sizeof(raw))
		memcpy(&raw, p, sizeof(raw));
	want = plen >= sizeof(raw) && !raw.reserved && raw.n >= 1 &&
	       raw.n <= STLMD_MAX_CONFIG_ITEMS &&
	       (plen - sizeof(raw)) % sizeof(struct stlmd_config_item) == 0 &&
	       (plen - sizeof(raw)) / sizeof(struct stlmd_config_item) == raw.n;
	fuzz_check((r == 0) == want);
	if (!r)
		fuzz_check(ch.n == raw.n && !ch.reserved);
}

static void check_request(const uint8_t *data, size_t size)
{
	struct stlmd_req rq, rq0;
	uint8_t *re;
	int r, r0;

	fuzz_check(stlmd_req_decode(data, size, true, true, &rq) == -EBADMSG);
	r0 = stlmd_req_decode(data, size, false, false, &rq0);
	r = stlmd_req_decode(data, size, false, true, &rq);
	fuzz_check(r0 == 0 || r0 == -EBADMSG);
	fuzz_check(r == 0 || r == -EBADMSG);
	if (r0 == 0) {
		fuzz_check(rq0.h.type == STLMD_HELLO);
		fuzz_check(r == 0);
	}
	if (r < 0)
		return;
	fuzz_check(size >= HDR && rq.h.magic == STLMD_MAGIC);
	fuzz_check(!rq.h.flags && !rq.h.status && !rq.h.reserved);
	fuzz_check(rq.h.len == size - HDR && rq.p == data + HDR);
	fuzz_check(req_payload_size(rq.h.type, rq.h.len) == rq.h.len);

	/* Re-encode: header, then the copied or the in-place payload. */
	re = malloc(size);
	if (!re)
		return;
	memcpy(re, &rq.h, HDR);
	if (rq.h.type == STLMD_CONFIG)
		memcpy(re + HDR, rq.p, rq.h.len);
	else if (rq.h.len)
		memcpy(re + HDR, &rq.u, rq.h.len);
	fuzz_check(!memcmp(re, data, size));
	free(re);

	if (rq.h.type == STLMD_CONFIG)
		check_config(rq.p, rq.h.len);
}

static void check_reply(const uint8_t *data, size_t size)
{
	struct stlmd_hdr h;
	const uint8_t *p;
	size_t len;
	int r;

	fuzz_check(stlmd_reply_frame_decode(data, size, true, &h) == -EPROTO);
	r = stlmd_reply_frame_decode(data, size, false, &h);
	fuzz_check(r == 0 || r == -EPROTO);
	if (r < 0) {
		if (size >= HDR) {
			memcpy(&h, data, HDR);
			fuzz_check(h.magic != STLMD_MAGIC ||
				   h.len != size - HDR);
		}
		return;
	}
	fuzz_check(h.magic == STLMD_MAGIC && h.len == size - HDR);
	p = data + HDR;
	len = h.len;

	switch (h.type) {
	case STLMD_DES:
	case STLMD_STATE: {
		struct stlmd_page_hdr ph;
		size_t entry = h.type == STLMD_DES ? sizeof(struct stlmd_de) :
					sizeof(struct stlmd_de_state);
		uint32_t index = h.seq, total = h.reserved;

		r = stlmd_page_reply_check(p, len, index, total, entry, &ph);
		fuzz_check(r == 0 || r == -EPROTO || r == -ESTALE);
		fuzz_check((r == -EPROTO) == (len < sizeof(ph)));
		if (r < 0)
			break;
		fuzz_check(ph.index == index && ph.total == total);
		fuzz_check(index <= total && ph.n <= total - index);
		fuzz_check(len == sizeof(ph) + (size_t)ph.n * entry);
		fuzz_check(ph.n || index == total);
		break;
	}
	case STLMD_SHMTI_FDS: {
		struct stlmd_shmti_hdr sh;
		bool fd = h.status & 1;

		r = stlmd_shmti_reply_check(p, len, fd, &sh);
		fuzz_check(r == 0 || r == -EPROTO);
		if (r < 0)
			break;
		fuzz_check(len == sizeof(sh) +
				   (size_t)sh.n * sizeof(struct stlmd_shmti));
		fuzz_check((sh.has_fd != 0) == fd);
		break;
	}
	case STLMD_INTERVALS: {
		struct stlmd_iv_hdr ih;

		r = stlmd_iv_reply_check(p, len, &ih);
		fuzz_check(r == 0 || r == -EPROTO);
		if (r == 0)
			fuzz_check(len == sizeof(ih) +
					   (size_t)ih.n * sizeof(struct stlmd_iv));
		break;
	}
	case STLMD_SINGLE_SAMPLE: {
		struct stlmd_single sh;
		size_t rcap = h.seq & 0xffff, dcap = h.reserved & 0xffff;

		r = stlmd_single_reply_check(p, len, rcap, dcap, &sh);
		fuzz_check(r == 0 || r == -EPROTO);
		if (r < 0)
			break;
		fuzz_check(sh.resp_len <= rcap && sh.dresp_len <= dcap);
		fuzz_check(len == sizeof(sh) + (size_t)sh.resp_len +
					  sh.dresp_len);
		break;
	}
	case STLMD_EVENT: {
		struct stlmd_event e;

		r = stlmd_event_decode(p, len, &e);
		fuzz_check(r == 0 || r == -EPROTO);
		if (r < 0) {
			/* only short, or an UPDATE with the wrong size */
			if (len >= sizeof(e)) {
				memcpy(&e, p, sizeof(e));
				fuzz_check(e.type == STLM_EVENT_UPDATE);
			}
			break;
		}
		fuzz_check(len >= sizeof(e));
		if (e.type == STLM_EVENT_UPDATE)
			fuzz_check(len - sizeof(e) ==
				   (size_t)e.n * sizeof(struct stlmd_sample));
		break;
	}
	default:
		break;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > STLMD_MAX_MSG)
		return 0;
	check_request(data, size);
	check_reply(data, size);
	return 0;
}
