// SPDX-License-Identifier: MIT
/*
 * Copyright (c) 2026 The stlm authors
 *
 * SHMTI areas in TDCF format (§7): the input is a whole area, copied into a
 * heap buffer of exactly its size (malloc alignment covers the 4-byte rule
 * of tdcf.h), so any read past the end is caught by ASan.
 *
 * One reader pass as the library runs it: check the area, read match_start,
 * size the line area, walk every line with tdcf_line_parse() until the
 * counted area ends, read match_end. Signatures are checked but a bad one
 * does not stop the pass: the platform may rewrite them after LIST_SHMTI,
 * so the readers must stay in bounds on any content of a well-sized area.
 * Areas of a bad size only go to the readers that are given the length.
 * The same line area is also walked as a message payload.
 *
 * Checks: the walk consumes 16 or 24 bytes per line and ends; every parsed
 * data, BLK_TS and UUID line is rebuilt with tdcf_line_encode() and gives
 * the same bytes when the line is in canonical form (otherwise the rebuilt
 * line parses back to the same values).
 */
#include <stdbool.h>

#include "fuzz.h"
#include "scmi.h"
#include "tdcf.h"

static bool line_eq(const struct tdcf_line *a, const struct tdcf_line *b)
{
	return a->meta == b->meta && a->type == b->type && a->len == b->len &&
	       a->use_blk_ts == b->use_blk_ts && a->ext == b->ext &&
	       a->ts_valid == b->ts_valid && a->invalid == b->invalid &&
	       a->id == b->id && a->data == b->data &&
	       (!a->ext || a->ts == b->ts);
}

static void check_rebuild(const uint8_t *line, const struct tdcf_line *l)
{
	uint32_t buf[TDCF_LINE_EXT_SIZE / 4 + 2] = { 0 };
	struct tdcf_line r;
	int n;

	if (l->type > TDCF_LINE_UUID) {
		fuzz_check(tdcf_line_encode(buf, l) == -EINVAL);
		return;
	}
	n = tdcf_line_encode(buf, l);
	if (l->type == TDCF_LINE_DATA && l->ts_valid && !l->ext &&
	    !l->use_blk_ts) {
		/* §7.4.1: a timestamp with nowhere to come from. */
		fuzz_check(n == -EINVAL);
		return;
	}
	fuzz_check(n == TDCF_LINE_SIZE || n == TDCF_LINE_EXT_SIZE);
	/* The builder never writes past the line it reports. */
	fuzz_check(buf[n / 4] == 0 && buf[n / 4 + 1] == 0);
	memset(&r, 0, sizeof(r));
	fuzz_check(tdcf_line_parse(buf, (size_t)n, &r) == n);
	fuzz_check(r.type == l->type);

	switch (l->type) {
	case TDCF_LINE_DATA:
		/* Data line metadata is all flags: always canonical. */
		fuzz_check(n == l->len && !memcmp(buf, line, (size_t)n));
		fuzz_check(line_eq(&r, l));
		break;
	case TDCF_LINE_BLK_TS:
		fuzz_check(n == TDCF_LINE_SIZE && r.meta == 0x10);
		if (l->meta == 0x10)
			fuzz_check(!memcmp(buf, line, (size_t)n));
		fuzz_check(r.id == l->id && r.data == l->data);
		break;
	case TDCF_LINE_UUID:
		fuzz_check(n == TDCF_LINE_EXT_SIZE && r.meta == 0x24 &&
			   r.id == 0);
		if (l->meta == 0x24 && l->id == 0)
			fuzz_check(!memcmp(buf, line, (size_t)n));
		if (l->len == TDCF_LINE_EXT_SIZE)
			fuzz_check(!memcmp(r.uuid, l->uuid, 16));
		break;
	}
}

static void walk_lines(const uint8_t *area, size_t bytes)
{
	size_t off = 0, lines = 0;

	while (off < bytes) {
		const uint8_t *p = area + TDCF_HDR_SIZE + off;
		struct tdcf_line l;
		int n;

		memset(&l, 0, sizeof(l));
		n = tdcf_line_parse(p, bytes - off, &l);
		if (n < 0) {
			fuzz_check(n == -EBADMSG || n == -EPROTO);
			return;
		}
		fuzz_check(n == TDCF_LINE_SIZE || n == TDCF_LINE_EXT_SIZE);
		fuzz_check(n == l.len && (size_t)n <= bytes - off);
		fuzz_check(l.len == tdcf_line_len(l.meta));
		fuzz_check(!(l.meta & TDCF_META_RSVD_MASK));
		check_rebuild(p, &l);
		off += (size_t)n;
		/* Termination: every step consumes at least 16 bytes. */
		fuzz_check(++lines <= bytes / TDCF_LINE_SIZE);
	}
	fuzz_check(off == bytes);
}

static void walk_msg_lines(const uint8_t *lines, size_t bytes)
{
	size_t off = 0, prev = 0, steps = 0;
	struct tdcf_line l;
	int rc;

	while ((rc = tdcf_msg_line_next(lines, bytes, &off, &l)) == 1) {
		fuzz_check(l.type == TDCF_LINE_DATA && off <= bytes);
		fuzz_check(off == prev + l.len);
		fuzz_check(++steps <= bytes / TDCF_LINE_SIZE);
		prev = off;
	}
	fuzz_check(rc == 0 || rc == -EBADMSG || rc == -EPROTO);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tdcf_hdr hdr;
	uint32_t start, end;
	size_t bytes = 0;
	uint8_t *area;
	int rc;

	if (size > FUZZ_MAX_AREA)
		return 0;
	area = malloc(size ? size : 1);
	if (!area)
		return 0;
	memcpy(area, data, size);

	rc = tdcf_area_check(area, size);
	if (size < TDCF_MIN_AREA || size % 4) {
		fuzz_check(rc == -EBADMSG);
		/* Readers given the length refuse it before any load. */
		fuzz_check(tdcf_read_line_area(area, size, &bytes) < 0);
		fuzz_check(tdcf_hdr_read(area, size, &hdr) < 0);
		(void)tdcf_read_end(area, size);
		goto out;
	}
	fuzz_check(rc == 0 || rc == -EPROTO);

	start = tdcf_read_begin(area);
	rc = tdcf_read_line_area(area, size, &bytes);
	if (rc == 0) {
		fuzz_check(bytes % 8 == 0);
		fuzz_check(TDCF_HDR_SIZE + bytes <= size - TDCF_EPI_SIZE);
		walk_lines(area, bytes);
		walk_msg_lines(area + TDCF_HDR_SIZE, bytes);
	} else {
		fuzz_check(rc == -EBADMSG);
	}
	end = tdcf_read_end(area, size);

	memset(&hdr, 0, sizeof(hdr));
	if (tdcf_hdr_read(area, size, &hdr) == 0) {
		fuzz_check(hdr.match_start == start && hdr.match_end == end);
		fuzz_check(hdr.revision == area[TDCF_OFF_HDR_META]);
	}

	/* Writer sequence rule (§7.6): next of an even value is even. */
	if (!(start & 1u)) {
		uint32_t next = tdcf_seq_next(start);

		fuzz_check(!(next & 1u) && next != start &&
			   next != 0xFFFFFFFEu);
	}
out:
	free(area);
	return 0;
}
