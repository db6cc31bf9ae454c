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

static void put32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static void put64(uint8_t *p, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

static uint64_t get64(const uint8_t *p)
{
	return (uint64_t)get32(p) | (uint64_t)get32(p + 4) << 32;
}

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
	put64(b, e->time_ns);
	put64(b + 8, e->mono_ns);
	put32(b + 16, e->kind);
	put32(b + 20, (uint32_t)e->status);
	put32(b + 24, t);
	if (t)
		memcpy(b + REC_EVENT_FIXED, e->text, t);
	put32(buf, REC_MAGIC);
	put32(buf + 4, REC_TYPE_EVENT);
	put32(buf + 8, body);
	crc = rec_crc32(0, buf + 4, 8);
	crc = rec_crc32(crc, b, body);
	put32(buf + 12, crc);
	return (long)(REC_PREFIX_SIZE + body);
}

int rec_event_decode(const uint8_t *p, size_t len, struct rec_event *ret)
{
	uint32_t body, t;
	const uint8_t *b = p + REC_PREFIX_SIZE;

	if (len < REC_PREFIX_SIZE + REC_EVENT_FIXED ||
	    get32(p) != REC_MAGIC || get32(p + 4) != REC_TYPE_EVENT)
		return -EBADMSG;
	body = get32(p + 8);
	if (body < REC_EVENT_FIXED || body > len - REC_PREFIX_SIZE)
		return -EBADMSG;
	t = get32(b + 24);
	if (t > REC_EVENT_MAX_TEXT || t != body - REC_EVENT_FIXED)
		return -EBADMSG;
	if (rec_crc32(rec_crc32(0, p + 4, 8), b, body) != get32(p + 12))
		return -EBADMSG;
	memset(ret, 0, sizeof(*ret));
	ret->time_ns = get64(b);
	ret->mono_ns = get64(b + 8);
	ret->kind = get32(b + 16);
	ret->status = (int32_t)get32(b + 20);
	ret->text = (const char *)b + REC_EVENT_FIXED;
	ret->text_len = t;
	return 0;
}
