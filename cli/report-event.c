// SPDX-License-Identifier: MIT
/*
 * Copyright (c) 2026 The stlm authors
 *
 * Workload event records (REC_TYPE_EVENT) of a recording: written by
 * `stlm record -- COMMAND` when COMMAND starts and ends, read by stlm
 * report. Body, little-endian:
 *
 *   0  8  CLOCK_REALTIME ns
 *   8  8  CLOCK_MONOTONIC ns
 *  16  4  kind (1 workload start, 2 workload end)
 *  20  4  status (end: exit code 0..255, or minus the signal number)
 *  24  4  text length T (at most 4096)
 *  28  T  text, UTF-8, no NUL (start: the command line)
 */
#include <errno.h>
#include <string.h>

#include "report.h"

long rec_event_encode(uint8_t *buf, size_t len, const struct rec_event *e)
{
	uint32_t t = e->text ? e->text_len : 0, body, crc;
	uint8_t *b = buf + REC_PREFIX_SIZE;

	if (t > REC_EVENT_MAX_TEXT) {
		t = REC_EVENT_MAX_TEXT;
		/* Cut at a UTF-8 character boundary. */
		while (t && ((uint8_t)e->text[t] & 0xc0) == 0x80)
			t--;
	}
	body = REC_EVENT_FIXED + t;
	if (len < REC_PREFIX_SIZE + (size_t)body)
		return -EINVAL;
	rec_put64(b, e->time_ns);
	rec_put64(b + 8, e->mono_ns);
	rec_put32(b + 16, e->kind);
	rec_put32(b + 20, (uint32_t)e->status);
	rec_put32(b + 24, t);
	if (t)
		memcpy(b + REC_EVENT_FIXED, e->text, t);
	rec_put32(buf, REC_MAGIC);
	rec_put32(buf + 4, REC_TYPE_EVENT);
	rec_put32(buf + 8, body);
	crc = rec_crc32(0, buf + 4, 8);
	crc = rec_crc32(crc, b, body);
	rec_put32(buf + 12, crc);
	return (long)(REC_PREFIX_SIZE + body);
}

int rec_event_decode(const uint8_t *p, size_t len, struct rec_event *ret)
{
	uint32_t body, t;
	const uint8_t *b = p + REC_PREFIX_SIZE;

	if (len < REC_PREFIX_SIZE + REC_EVENT_FIXED ||
	    rec_get32(p) != REC_MAGIC || rec_get32(p + 4) != REC_TYPE_EVENT)
		return -EBADMSG;
	body = rec_get32(p + 8);
	if (body < REC_EVENT_FIXED || body > len - REC_PREFIX_SIZE)
		return -EBADMSG;
	t = rec_get32(b + 24);
	if (t > REC_EVENT_MAX_TEXT || t != body - REC_EVENT_FIXED)
		return -EBADMSG;
	if (rec_crc32(rec_crc32(0, p + 4, 8), b, body) != rec_get32(p + 12))
		return -EBADMSG;
	memset(ret, 0, sizeof(*ret));
	ret->time_ns = rec_get64(b);
	ret->mono_ns = rec_get64(b + 8);
	ret->kind = rec_get32(b + 16);
	ret->status = (int32_t)rec_get32(b + 20);
	ret->text = (const char *)b + REC_EVENT_FIXED;
	ret->text_len = t;
	return 0;
}
