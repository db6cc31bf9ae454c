// SPDX-License-Identifier: MIT
/*
 * Copyright (c) 2026 The stlm authors
 *
 * TDCF codec (§7.2-§7.8, §9): SHMTI header and epilogue, line parsing and
 * building, the match-sequence reader and writer helpers, and the data
 * lines carried inside READING_COMPLETE / UPDATE payloads. See tdcf.h for
 * the theory of operation.
 *
 * Shared-memory access rules used throughout this file:
 *  - every 32-bit word of an area is loaded or stored through
 *    shm_load()/shm_store(), i.e. one relaxed atomic access on a naturally
 *    aligned uint32_t, and each word is loaded at most once per call;
 *  - a length is checked against the caller's bound before the words it
 *    covers are touched, and the checked value is never re-read;
 *  - words are little-endian on the wire: the loaded word is reinterpreted
 *    through its memory bytes, so the code is host-endian agnostic.
 *
 * Message payloads (§9) are ordinary private buffers and use the plain,
 * unaligned LE accessors of scmi.h.
 */
#include "tdcf.h"

/* Values of match_start that a writer never publishes (§7.6 wrap rule). */
#define TDCF_SEQ_FIRST_UNUSED	0xFFFFFFFEu
/* Returned by tdcf_read_end() for an unusable area: odd, never accepted. */
#define TDCF_SEQ_BAD		0xFFFFFFFFu

static inline const uint32_t *shm_word(const void *base, size_t off)
{
	return (const uint32_t *)((const uint8_t *)base + off);
}

/* One relaxed atomic load of the LE word at base + off. */
static inline uint32_t shm_load(const void *base, size_t off)
{
	uint32_t w = __atomic_load_n(shm_word(base, off), __ATOMIC_RELAXED);
	uint8_t b[4];

	memcpy(b, &w, sizeof(b));
	return scmi_get_le32(b);
}

/* One relaxed atomic store of v as an LE word at base + off. */
static inline void shm_store(void *base, size_t off, uint32_t v)
{
	uint8_t b[4];
	uint32_t w;

	scmi_put_le32(b, v);
	memcpy(&w, b, sizeof(w));
	__atomic_store_n((uint32_t *)((uint8_t *)base + off), w,
			 __ATOMIC_RELAXED);
}

static inline uint64_t shm_load64(const void *base, size_t off)
{
	uint32_t lo = shm_load(base, off);
	uint32_t hi = shm_load(base, off + 4);

	return (uint64_t)lo | (uint64_t)hi << 32;
}

static inline void shm_store64(void *base, size_t off, uint64_t v)
{
	shm_store(base, off, (uint32_t)v);
	shm_store(base, off + 4, (uint32_t)(v >> 32));
}

/* Size rule shared by the readers: at least header + epilogue, dwords. */
static inline bool tdcf_len_ok(size_t len)
{
	return len >= TDCF_MIN_AREA && !(len % 4);
}

int tdcf_area_check(const void *area, size_t len)
{
	if (!tdcf_len_ok(len))
		return -EBADMSG;
	if (shm_load(area, TDCF_OFF_SIGN_START) != TDCF_SIGN_START)
		return -EPROTO;
	if (shm_load(area, len - TDCF_EOFF_SIGN_END) != TDCF_SIGN_END)
		return -EPROTO;
	return 0;
}

/* ---------------------------- reader ------------------------------ */

uint32_t tdcf_read_begin(const void *area)
{
	uint32_t w = __atomic_load_n(shm_word(area, TDCF_OFF_MATCH_START),
				     __ATOMIC_ACQUIRE);
	uint8_t b[4];

	memcpy(b, &w, sizeof(b));
	return scmi_get_le32(b);
}

uint32_t tdcf_read_end(const void *area, size_t len)
{
	/* Order every line load of the pass before the match_end load. */
	__atomic_thread_fence(__ATOMIC_ACQUIRE);
	/*
	 * No error channel here: an unusable size yields an odd value, which
	 * tdcf_pass_ok() never accepts, instead of an out-of-bounds load.
	 */
	if (!tdcf_len_ok(len))
		return TDCF_SEQ_BAD;
	return shm_load(area, len - TDCF_EOFF_MATCH_END);
}

int tdcf_read_line_area(const void *area, size_t len, size_t *ret_bytes)
{
	uint64_t bytes;
	uint32_t nq;

	if (!tdcf_len_ok(len))
		return -EBADMSG;
	nq = shm_load(area, TDCF_OFF_NUM_QWORDS);
	/* 64-bit arithmetic: 8 * 0xFFFFFFFF must not wrap on 32-bit hosts. */
	bytes = (uint64_t)nq * 8;
	if ((uint64_t)TDCF_HDR_SIZE + bytes > (uint64_t)(len - TDCF_EPI_SIZE))
		return -EBADMSG;
	*ret_bytes = (size_t)bytes;
	return 0;
}

static void tdcf_meta_decode(uint32_t meta, struct tdcf_line *l)
{
	l->meta = meta;
	l->type = (uint8_t)((meta & TDCF_META_TYPE_MASK) >>
			    TDCF_META_TYPE_SHIFT);
	l->len = (uint8_t)tdcf_line_len(meta);
	l->use_blk_ts = meta & TDCF_META_USE_BLK_TS;
	l->ext = meta & TDCF_META_LINE_EXT;
	l->ts_valid = meta & TDCF_META_TS_VALID;
	l->invalid = meta & TDCF_META_DATA_INVALID;
}

int tdcf_line_parse(const void *p, size_t avail, struct tdcf_line *ret)
{
	return tdcf_line_parse_dev(p, avail, ret, NULL);
}

int tdcf_line_parse_dev(const void *p, size_t avail, struct tdcf_line *ret,
			uint32_t *dev)
{
	struct tdcf_line l = { 0 };
	uint32_t meta;
	size_t i;

	/* Every line is at least 16 bytes: do not even load meta otherwise. */
	if (avail < TDCF_LINE_SIZE)
		return -EBADMSG;
	meta = shm_load(p, 0);
	if ((meta & TDCF_META_RSVD_MASK) &&
	    !scmi_dev_note(dev, SCMI_DEV_TDCF_META))
		return -EPROTO;
	tdcf_meta_decode(meta, &l);
	if (l.len > avail)
		return -EBADMSG;

	l.id = shm_load(p, 4);
	if (l.type == TDCF_LINE_UUID) {
		/*
		 * Canonical (big-endian) bytes at +8: copy the words as they
		 * are in memory. A UUID line without LINE_EXT (which Linux
		 * ignores) has only 8 bytes of room; leave uuid zero then.
		 */
		if (l.ext) {
			for (i = 0; i < sizeof(l.uuid); i += 4) {
				uint32_t w = __atomic_load_n(shm_word(p, 8 + i),
							     __ATOMIC_RELAXED);

				memcpy(&l.uuid[i], &w, sizeof(w));
			}
		}
	} else {
		/* Data (value), BLK_TS (timestamp) and unknown types. */
		l.data = shm_load64(p, 8);
		if (l.ext)
			l.ts = shm_load64(p, 16);
	}

	*ret = l;
	return l.len;
}

int tdcf_hdr_read(const void *area, size_t len, struct tdcf_hdr *ret)
{
	struct tdcf_hdr h = { 0 };
	uint32_t meta = 0;
	int r, tries;

	r = tdcf_area_check(area, len);
	if (r < 0)
		return r;
	/*
	 * A few passes to get a snapshot taken between two updates. If the
	 * writer never lets us (stuck odd, or very busy), the last attempt is
	 * returned as is: tdcf_pass_ok(match_start, match_end) tells the
	 * caller whether it was consistent.
	 */
	for (tries = 0; tries < 8; tries++) {
		h.match_start = tdcf_read_begin(area);
		h.num_qwords = shm_load(area, TDCF_OFF_NUM_QWORDS);
		meta = shm_load(area, TDCF_OFF_HDR_META);
		h.match_end = tdcf_read_end(area, len);
		if (tdcf_pass_ok(h.match_start, h.match_end))
			break;
	}
	h.revision = (uint8_t)meta;
	*ret = h;
	return 0;
}

/* ---------------------------- writer ------------------------------ */

int tdcf_area_init(void *area, size_t len, uint8_t revision)
{
	size_t off;

	if (len < TDCF_MIN_AREA || len % 8)
		return -EINVAL;
	/*
	 * Word by word rather than memset: readers may already be looking at
	 * the memory (a re-format), and they use atomic loads.
	 */
	for (off = TDCF_HDR_SIZE; off < len - TDCF_EPI_SIZE; off += 4)
		shm_store(area, off, 0);
	shm_store(area, TDCF_OFF_SIGN_START, TDCF_SIGN_START);
	shm_store(area, TDCF_OFF_MATCH_START, 0);
	shm_store(area, TDCF_OFF_NUM_QWORDS, 0);
	shm_store(area, TDCF_OFF_HDR_META, revision);
	shm_store(area, len - TDCF_EOFF_MATCH_END, 0);
	shm_store(area, len - TDCF_EOFF_SIGN_END, TDCF_SIGN_END);
	__atomic_thread_fence(__ATOMIC_RELEASE);
	return 0;
}

uint32_t tdcf_seq_next(uint32_t s)
{
	/* Next even value above s (s is even in normal use). */
	uint32_t n = (s | 1u) + 1u;

	/*
	 * §7.6: after 0xFFFFFFFC comes 0, so 0xFFFFFFFE (and the odd
	 * 0xFFFFFFFF, Linux's initial "bad" end value) is never used. n == 0
	 * only from the unused s = 0xFFFFFFFE / 0xFFFFFFFF, and 0 is right
	 * for those too.
	 */
	if (n == TDCF_SEQ_FIRST_UNUSED)
		return 0;
	return n;
}

uint32_t tdcf_write_begin(void *area, size_t len)
{
	uint32_t s = shm_load(area, TDCF_OFF_MATCH_START);

	/*
	 * match_start is even unless a previous writer died in its odd
	 * window: then resume that update's s (the odd value minus one).
	 * A corrupt unused 0xFFFFFFFE restarts from the value before it, so
	 * match_start never takes the odd 0xFFFFFFFF. In every case
	 * next(s) differs from whatever even value a reader may have seen.
	 */
	s &= ~1u;
	if (s == TDCF_SEQ_FIRST_UNUSED)
		s = TDCF_SEQ_FIRST_UNUSED - 2;
	/* match_end moves first: never equal to the odd start, nor to s. */
	if (tdcf_len_ok(len))
		shm_store(area, len - TDCF_EOFF_MATCH_END, tdcf_seq_next(s));
	shm_store(area, TDCF_OFF_MATCH_START, s + 1);
	/* Both stores above are visible before any line store below. */
	__atomic_thread_fence(__ATOMIC_RELEASE);
	return s;
}

void tdcf_write_end(void *area, size_t len, uint32_t s)
{
	uint8_t b[4];
	uint32_t w;

	scmi_put_le32(b, tdcf_seq_next(s));
	memcpy(&w, b, sizeof(w));
	/* Release: every line store of the update is visible first. */
	__atomic_store_n((uint32_t *)((uint8_t *)area + TDCF_OFF_MATCH_START),
			 w, __ATOMIC_RELEASE);
}

void tdcf_set_num_qwords(void *area, uint32_t num_qwords)
{
	/*
	 * Release: the lines num_qwords now covers are visible before it.
	 * A reader that sees the new count must not find the lines stale or
	 * torn (weakly ordered CPUs, e.g. arm64, reorder plain stores).
	 */
	__atomic_thread_fence(__ATOMIC_RELEASE);
	shm_store(area, TDCF_OFF_NUM_QWORDS, num_qwords);
}

/* Meta word of a data line from the struct's flags; -EINVAL if illegal. */
static int tdcf_data_meta(const struct tdcf_line *l, uint32_t *ret_meta)
{
	uint32_t meta = (uint32_t)TDCF_LINE_DATA << TDCF_META_TYPE_SHIFT;

	/*
	 * §7.4.1: Linux reads +16 on TS_VALID without checking LINE_EXT, so a
	 * 16-byte line with TS_VALID would make it read the next line.
	 */
	if (l->ts_valid && !l->ext && !l->use_blk_ts)
		return -EINVAL;
	if (l->use_blk_ts)
		meta |= TDCF_META_USE_BLK_TS;
	if (l->ext)
		meta |= TDCF_META_LINE_EXT;
	if (l->ts_valid)
		meta |= TDCF_META_TS_VALID;
	if (l->invalid)
		meta |= TDCF_META_DATA_INVALID;
	*ret_meta = meta;
	return 0;
}

int tdcf_line_encode(void *p, const struct tdcf_line *l)
{
	uint32_t meta;
	size_t i;
	int r;

	/*
	 * The body goes first and the metadata word last, so the line's
	 * type and length change in one store.
	 */
	switch (l->type) {
	case TDCF_LINE_DATA:
		r = tdcf_data_meta(l, &meta);
		if (r < 0)
			return r;
		shm_store(p, 4, l->id);
		shm_store64(p, 8, l->data);
		if (l->ext)
			shm_store64(p, 16, l->ts);
		break;
	case TDCF_LINE_BLK_TS:
		/* Bits [3:0] must be 0 (§7.4.2): rate in id, ts in data. */
		meta = (uint32_t)TDCF_LINE_BLK_TS << TDCF_META_TYPE_SHIFT;
		shm_store(p, 4, l->id);
		shm_store64(p, 8, l->data);
		break;
	case TDCF_LINE_UUID:
		meta = (uint32_t)TDCF_LINE_UUID << TDCF_META_TYPE_SHIFT |
		       TDCF_META_LINE_EXT;
		shm_store(p, 4, 0);
		/* Canonical byte order in memory: copy bytes, not values. */
		for (i = 0; i < sizeof(l->uuid); i += 4) {
			uint32_t w;

			memcpy(&w, &l->uuid[i], sizeof(w));
			__atomic_store_n((uint32_t *)((uint8_t *)p + 8 + i), w,
					 __ATOMIC_RELAXED);
		}
		break;
	default:
		return -EINVAL;
	}
	shm_store(p, 0, meta);
	return (int)tdcf_line_len(meta);
}

void tdcf_line_store_value(void *p, uint64_t data, bool ext, uint64_t ts)
{
	shm_store64(p, 8, data);
	if (ext)
		shm_store64(p, 16, ts);
}

void tdcf_line_store_meta(void *p, uint32_t meta)
{
	shm_store(p, 0, meta);
}

/* ------------------------ lines in messages ----------------------- */

int tdcf_msg_line_next(const uint8_t *lines, size_t nbytes, size_t *off,
		       struct tdcf_line *ret)
{
	return tdcf_msg_line_next_dev(lines, nbytes, off, ret, NULL);
}

int tdcf_msg_line_next_dev(const uint8_t *lines, size_t nbytes, size_t *off,
			   struct tdcf_line *ret, uint32_t *dev)
{
	struct tdcf_line l = { 0 };
	const uint8_t *p;
	size_t left;

	if (*off > nbytes)
		return -EINVAL;
	left = nbytes - *off;
	if (!left)
		return 0;
	/* Also catches a trailing odd dword or partial qword. */
	if (left < TDCF_LINE_SIZE)
		return -EBADMSG;
	p = lines + *off;
	tdcf_meta_decode(scmi_get_le32(p), &l);
	if ((l.meta & TDCF_META_RSVD_MASK) &&
	    !scmi_dev_note(dev, SCMI_DEV_TDCF_META))
		return -EPROTO;
	/* §9: only data lines belong in messages. */
	if (l.type != TDCF_LINE_DATA)
		return -EPROTO;
	if (l.len > left)
		return -EBADMSG;
	l.id = scmi_get_le32(p + 4);
	l.data = scmi_get_le64(p + 8);
	if (l.ext)
		l.ts = scmi_get_le64(p + 16);

	*off += l.len;
	*ret = l;
	return 1;
}

int tdcf_msg_line_encode(const struct tdcf_line *l, uint8_t *buf, size_t cap)
{
	uint32_t meta;
	size_t len;
	int r;

	if (l->type != TDCF_LINE_DATA)
		return -EINVAL;
	r = tdcf_data_meta(l, &meta);
	if (r < 0)
		return r;
	len = tdcf_line_len(meta);
	if (cap < len)
		return -ENOSPC;
	scmi_put_le32(buf, meta);
	scmi_put_le32(buf + 4, l->id);
	scmi_put_le64(buf + 8, l->data);
	if (l->ext)
		scmi_put_le64(buf + 16, l->ts);
	return (int)len;
}
