/* SPDX-License-Identifier: MIT */
/*
 * Copyright (c) 2026 The stlm authors
 *
 * TDCF: the Telemetry Data Capture Format inside SHMTI areas (§7), v3+
 * layout, and the data lines carried in messages (§9).
 *
 * Theory of operation
 * -------------------
 * A SHMTI is written by the platform while agents read it, with no lock.
 * Consistency comes from two match sequences (§7.6): the writer moves
 * match_end to the next even value, makes match_start odd, writes, then
 * sets match_start equal to match_end. A reader accepts a pass over the
 * lines only if match_start was even and match_end equalled it, both read
 * in that same pass.
 *
 * Reader functions here read live shared memory: every 32-bit word is
 * loaded once with a relaxed atomic load (never re-read after it was
 * checked), every length is checked against the area size before use, so a
 * hostile or torn area can yield wrong values (rejected later by the match
 * check) but never an out-of-bounds read or an unbounded loop. The
 * sequence loads carry the acquire ordering a seqlock reader needs; the
 * writer helpers carry the release ordering.
 *
 * Areas must be 4-byte aligned in memory (SHMTIs are 8-byte aligned by the
 * protocol, and the memory file is mapped page-aligned).
 */
#ifndef STLM_PROTO_TDCF_H
#define STLM_PROTO_TDCF_H

#include "scmi.h"

#define TDCF_SIGN_START		0x5442474Eu /* "TBGN" */
#define TDCF_SIGN_END		0x54454E44u /* "TEND" */
#define TDCF_HDR_SIZE		16
#define TDCF_EPI_SIZE		8
#define TDCF_MIN_AREA		(TDCF_HDR_SIZE + TDCF_EPI_SIZE)
#define TDCF_REVISION		1

#define TDCF_OFF_SIGN_START	0x0
#define TDCF_OFF_MATCH_START	0x4
#define TDCF_OFF_NUM_QWORDS	0x8
#define TDCF_OFF_HDR_META	0xC
/* Epilogue offsets are from the end of the area. */
#define TDCF_EOFF_MATCH_END	8
#define TDCF_EOFF_SIGN_END	4

/* Line metadata word (§7.3). */
#define TDCF_META_TYPE_SHIFT	4
#define TDCF_META_TYPE_MASK	0x000000F0u
#define TDCF_META_USE_BLK_TS	(1u << 3)
#define TDCF_META_LINE_EXT	(1u << 2)
#define TDCF_META_TS_VALID	(1u << 1)
#define TDCF_META_DATA_INVALID	(1u << 0)
#define TDCF_META_RSVD_MASK	0xFFFFFF00u

enum tdcf_line_type {
	TDCF_LINE_DATA = 0,
	TDCF_LINE_BLK_TS = 1,
	TDCF_LINE_UUID = 2,
};

#define TDCF_LINE_SIZE		16
#define TDCF_LINE_EXT_SIZE	24

/**
 * struct tdcf_line - one decoded line
 * @meta:       the raw metadata word
 * @type:       meta[7:4] (enum tdcf_line_type; others are skipped)
 * @len:        16 or 24 bytes (LINE_EXT)
 * @use_blk_ts: meta bit 3
 * @ext:        meta bit 2
 * @ts_valid:   meta bit 1
 * @invalid:    meta bit 0 (DATA_INVALID)
 * @id:         word at +4: DE id (data), rate in kHz (BLK_TS), 0 (UUID)
 * @data:       data line value (+8, 64 bits); BLK_TS: the block timestamp
 * @ts:         data line with LINE_EXT: the line timestamp (+16)
 * @uuid:       UUID line: 16 canonical bytes at +8
 */
struct tdcf_line {
	uint32_t meta;
	uint8_t type;
	uint8_t len;
	bool use_blk_ts;
	bool ext;
	bool ts_valid;
	bool invalid;
	uint32_t id;
	uint64_t data;
	uint64_t ts;
	uint8_t uuid[16];
};

/* Encoded length of a line from its metadata word: 16 or 24. */
static inline size_t tdcf_line_len(uint32_t meta)
{
	return (meta & TDCF_META_LINE_EXT) ? TDCF_LINE_EXT_SIZE : TDCF_LINE_SIZE;
}

/**
 * struct tdcf_hdr - header and epilogue of an area
 * @match_start: start match sequence (odd = update in progress)
 * @num_qwords:  8-byte units of line data after the 16-byte header
 * @revision:    hdr_meta_1[7:0]
 * @match_end:   end match sequence
 */
struct tdcf_hdr {
	uint32_t match_start;
	uint32_t num_qwords;
	uint8_t revision;
	uint32_t match_end;
};

/*
 * Check an area's size and both signatures. -EPROTO if a signature is
 * wrong, -EBADMSG if len < 24 or len is not a multiple of 4.
 */
int tdcf_area_check(const void *area, size_t len);

/* ---------------------------- reader ------------------------------ */

/*
 * Start of a reader pass: load match_start (acquire). Returns it; the
 * caller retries when it is odd.
 */
uint32_t tdcf_read_begin(const void *area);
/*
 * End of a reader pass: load match_end after an acquire fence. The pass is
 * consistent iff start was even and the returned value equals it.
 */
uint32_t tdcf_read_end(const void *area, size_t len);
/* True if (start, end) read in one pass describe a consistent pass. */
static inline bool tdcf_pass_ok(uint32_t start, uint32_t end)
{
	return !(start & 1u) && start == end;
}

/*
 * Load num_qwords and check it against the area: -EBADMSG if
 * 16 + 8 * num_qwords > len - 8. On success *ret_bytes is the byte length
 * of the line area (starting at offset 16).
 */
int tdcf_read_line_area(const void *area, size_t len, size_t *ret_bytes);

/*
 * Parse the line at byte offset off of the area's line region, with
 * `avail` bytes left in the counted region. Returns the line length (16 or
 * 24) or -EBADMSG if the line would overrun avail, -EPROTO if meta has
 * reserved bits set. The line's words are each loaded once.
 * Lines of unknown type are returned with their type and length so the
 * caller can skip them.
 */
int tdcf_line_parse(const void *p, size_t avail, struct tdcf_line *ret);
/*
 * Tolerant, like Linux, which reads only meta[7:0]: reserved bits [31:8]
 * are ignored (ret->meta keeps them) and SCMI_DEV(SCMI_DEV_TDCF_META) is
 * ORed into *dev (scmi.h).
 */
int tdcf_line_parse_dev(const void *p, size_t avail, struct tdcf_line *ret,
			uint32_t *dev);

/*
 * Read a full consistent header snapshot (for tools and tests; a pass
 * still needs tdcf_read_begin/end around the lines).
 */
int tdcf_hdr_read(const void *area, size_t len, struct tdcf_hdr *ret);

/* ---------------------------- writer ------------------------------ */

/*
 * Format an area: signatures, both sequences 0, num_qwords 0, revision.
 * -EINVAL if len < 24 or not a multiple of 8.
 */
int tdcf_area_init(void *area, size_t len, uint8_t revision);
/* The next even sequence after s, with the wrap rule of §7.6. */
uint32_t tdcf_seq_next(uint32_t s);
/*
 * Pre-step: match_end = next(s), match_start = s + 1, release fence.
 * Returns s (the even value that was in match_start).
 */
uint32_t tdcf_write_begin(void *area, size_t len);
/* Post-step: match_start = next(s) with release ordering. */
void tdcf_write_end(void *area, size_t len, uint32_t s);
/* Store num_qwords with release semantics: every line store before it is
 * visible first. */
void tdcf_set_num_qwords(void *area, uint32_t num_qwords);

/*
 * Line builders: write the whole line at p with relaxed atomic 32-bit
 * stores and return its length. The caller guarantees space.
 *  - data line: meta flags from the struct (use_blk_ts, ext, ts_valid,
 *    invalid), id, data and, when ext, ts.
 *  - BLK_TS line: meta 0x10, rate in id, timestamp in data.
 *  - UUID line: meta 0x24, id 0, uuid bytes.
 * tdcf_line_encode() picks by ret->type; -EINVAL for an unknown type or a
 * data line with ts_valid but neither ext nor use_blk_ts (§7.4.1).
 */
int tdcf_line_encode(void *p, const struct tdcf_line *l);
/* Update only the value (and timestamp) words of an existing data line. */
void tdcf_line_store_value(void *p, uint64_t data, bool ext, uint64_t ts);
/* Replace only the metadata word of an existing line. */
void tdcf_line_store_meta(void *p, uint32_t meta);

/* ------------------------ lines in messages ----------------------- */

/*
 * Walk the data lines of a READING_COMPLETE / UPDATE payload.
 * *off is the byte offset into lines[0..nbytes); returns 1 with *ret filled
 * and *off advanced, 0 at the end, -EBADMSG if a line overruns, -EPROTO if
 * the line is not a data line (type != 0) or meta has reserved bits.
 * Never loops: each call consumes 16 or 24 bytes. The _dev variant steps
 * over meta[31:8] like tdcf_line_parse_dev().
 */
int tdcf_msg_line_next_dev(const uint8_t *lines, size_t nbytes, size_t *off,
			   struct tdcf_line *ret, uint32_t *dev);
int tdcf_msg_line_next(const uint8_t *lines, size_t nbytes, size_t *off,
		       struct tdcf_line *ret);
/* Encode one data line into a message buffer; returns 16/24 or -ENOSPC. */
int tdcf_msg_line_encode(const struct tdcf_line *l, uint8_t *buf, size_t cap);

#endif /* STLM_PROTO_TDCF_H */
