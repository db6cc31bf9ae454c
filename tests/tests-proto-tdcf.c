// SPDX-License-Identifier: MIT
/*
 * Copyright (c) 2026 The stlm authors
 *
 * TDCF codec tests: the §7.8 worked example as hand-written bytes (parsed,
 * then rebuilt with the writer API), malformed areas and lines, the match
 * sequence rules of §7.6, lines in messages (§9), and a two-thread seqlock
 * test of the reader and writer helpers.
 */
#define STLM_TEST_GROUP "proto-tdcf"
#include "stlm-test.h"

#include <pthread.h>

#include "tdcf.h"

/* ------------------------------------------------------------------ */
/* Helpers                                                             */

#define EX_LEN 0x80

/*
 * §7.8, LEN = 0x80, with our own choice for the "xx" bytes:
 *   block ts        0x1122334455667788
 *   DE 0xA000 value 0x00000000DEADBEEF
 *   DE 0xA001 value 0x0102030405060708, line ts 0xCAFEF00D12345678
 *   DE 0xA002 value 0x8000000000000001
 * The unused bytes 0x58..0x77 are zero (what tdcf_area_init leaves).
 */
static const char worked_example_hex[] =
	/* 0x00 */ "4E 47 42 54  02 00 00 00  09 00 00 00  00 00 00 00"
	/* 0x10 */ "10 00 00 00  00 00 00 00  88 77 66 55  44 33 22 11"
	/* 0x20 */ "00 00 00 00  00 A0 00 00  EF BE AD DE  00 00 00 00"
	/* 0x30 */ "06 00 00 00  01 A0 00 00  08 07 06 05  04 03 02 01"
	/* 0x40 */ "78 56 34 12  0D F0 FE CA  0A 00 00 00  02 A0 00 00"
	/* 0x50 */ "01 00 00 00  00 00 00 80  00 00 00 00  00 00 00 00"
	/* 0x60 */ "00 00 00 00  00 00 00 00  00 00 00 00  00 00 00 00"
	/* 0x70 */ "00 00 00 00  00 00 00 00  02 00 00 00  44 4E 45 54";

#define EX_BLK_TS	0x1122334455667788ull
#define EX_V_A000	0x00000000DEADBEEFull
#define EX_V_A001	0x0102030405060708ull
#define EX_TS_A001	0xCAFEF00D12345678ull
#define EX_V_A002	0x8000000000000001ull

/* 8-byte aligned scratch areas (SHMTIs are 8-byte aligned). */
struct area {
	_Alignas(8) uint8_t b[512];
};

static void load_example(struct area *a)
{
	memset(a, 0, sizeof(*a));
	ASSERT_EQ(stlm_test_unhex(worked_example_hex, a->b, sizeof(a->b)),
		  EX_LEN);
}

static void put32(struct area *a, size_t off, uint32_t v)
{
	scmi_put_le32(&a->b[off], v);
}

static uint32_t get32(const struct area *a, size_t off)
{
	return scmi_get_le32(&a->b[off]);
}

/*
 * Walk the counted line area the way an agent does. Returns the number of
 * lines (filling lines[] and offs[] with the area offset of each), or the
 * first error of tdcf_read_line_area / tdcf_line_parse.
 */
static int scan(const void *area, size_t len, struct tdcf_line *lines,
		size_t *offs, size_t max)
{
	size_t bytes, off = 0, n = 0;
	int r;

	r = tdcf_read_line_area(area, len, &bytes);
	if (r < 0)
		return r;
	while (off < bytes) {
		struct tdcf_line l;

		r = tdcf_line_parse((const uint8_t *)area + TDCF_HDR_SIZE + off,
				    bytes - off, &l);
		if (r < 0)
			return r;
		if (r != 16 && r != 24)
			return -ERANGE; /* cannot happen: would be a bug */
		if (n < max) {
			lines[n] = l;
			if (offs)
				offs[n] = TDCF_HDR_SIZE + off;
		}
		n++;
		off += (size_t)r;
	}
	return (int)n;
}

static void check_example_lines(const struct area *a)
{
	struct tdcf_line l[8];
	size_t offs[8];

	ASSERT_EQ(scan(a->b, EX_LEN, l, offs, 8), 4);

	/* BLK_TS line at 0x10: meta 0x10, rate 0 (default). */
	ASSERT_EQ(offs[0], 0x10);
	ASSERT_EQ(l[0].meta, 0x10);
	ASSERT_EQ(l[0].type, TDCF_LINE_BLK_TS);
	ASSERT_EQ(l[0].len, 16);
	ASSERT_FALSE(l[0].use_blk_ts || l[0].ext || l[0].ts_valid ||
		     l[0].invalid);
	ASSERT_EQ(l[0].id, 0);
	ASSERT_U64_EQ(l[0].data, EX_BLK_TS);

	/* DE 0xA000 at 0x20: meta 0x0, no timestamp. */
	ASSERT_EQ(offs[1], 0x20);
	ASSERT_EQ(l[1].meta, 0x0);
	ASSERT_EQ(l[1].type, TDCF_LINE_DATA);
	ASSERT_EQ(l[1].len, 16);
	ASSERT_FALSE(l[1].use_blk_ts || l[1].ext || l[1].ts_valid ||
		     l[1].invalid);
	ASSERT_EQ(l[1].id, 0xA000);
	ASSERT_U64_EQ(l[1].data, EX_V_A000);
	ASSERT_U64_EQ(l[1].ts, 0);

	/* DE 0xA001 at 0x30: meta 0x6, 24 bytes, line timestamp. */
	ASSERT_EQ(offs[2], 0x30);
	ASSERT_EQ(l[2].meta, 0x6);
	ASSERT_EQ(l[2].type, TDCF_LINE_DATA);
	ASSERT_EQ(l[2].len, 24);
	ASSERT_TRUE(l[2].ext && l[2].ts_valid);
	ASSERT_FALSE(l[2].use_blk_ts || l[2].invalid);
	ASSERT_EQ(l[2].id, 0xA001);
	ASSERT_U64_EQ(l[2].data, EX_V_A001);
	ASSERT_U64_EQ(l[2].ts, EX_TS_A001);

	/* DE 0xA002 at 0x48: meta 0xA, block timestamp. */
	ASSERT_EQ(offs[3], 0x48);
	ASSERT_EQ(l[3].meta, 0xA);
	ASSERT_EQ(l[3].type, TDCF_LINE_DATA);
	ASSERT_EQ(l[3].len, 16);
	ASSERT_TRUE(l[3].use_blk_ts && l[3].ts_valid);
	ASSERT_FALSE(l[3].ext || l[3].invalid);
	ASSERT_EQ(l[3].id, 0xA002);
	ASSERT_U64_EQ(l[3].data, EX_V_A002);
	ASSERT_U64_EQ(l[3].ts, 0);
}

/* ------------------------------------------------------------------ */
/* §7.8 worked example                                                 */

STLM_TEST(worked_example_parse)
{
	struct area a;
	struct tdcf_hdr h;
	size_t bytes;
	uint32_t s, e;

	load_example(&a);
	ASSERT_OK(tdcf_area_check(a.b, EX_LEN));
	ASSERT_OK(tdcf_hdr_read(a.b, EX_LEN, &h));
	ASSERT_EQ(h.match_start, 2);
	ASSERT_EQ(h.num_qwords, 9);
	ASSERT_EQ(h.revision, 0);
	ASSERT_EQ(h.match_end, 2);

	ASSERT_OK(tdcf_read_line_area(a.b, EX_LEN, &bytes));
	ASSERT_EQ(bytes, 72); /* lines 0x10..0x57 */

	/* One full reader pass. */
	s = tdcf_read_begin(a.b);
	check_example_lines(&a);
	e = tdcf_read_end(a.b, EX_LEN);
	ASSERT_EQ(s, 2);
	ASSERT_EQ(e, 2);
	ASSERT_TRUE(tdcf_pass_ok(s, e));
}

STLM_TEST(worked_example_unused_tail_not_parsed)
{
	struct area a;

	/* Garbage (even reserved bits) after the counted lines is ignored. */
	load_example(&a);
	memset(&a.b[0x58], 0xFF, 0x78 - 0x58);
	check_example_lines(&a);
}

STLM_TEST(worked_example_build_identical)
{
	struct area expect, a;
	struct tdcf_line l;
	size_t off, de_off[3];
	uint32_t s;
	int r;

	load_example(&expect);
	memset(&a, 0xCC, sizeof(a)); /* init must clean the area */

	ASSERT_OK(tdcf_area_init(a.b, EX_LEN, 0));
	s = tdcf_write_begin(a.b, EX_LEN);
	ASSERT_EQ(s, 0);
	off = TDCF_HDR_SIZE;

	memset(&l, 0, sizeof(l));
	l.type = TDCF_LINE_BLK_TS;
	l.id = 0; /* rate 0: default_blk_ts_rate */
	l.data = EX_BLK_TS;
	r = tdcf_line_encode(&a.b[off], &l);
	ASSERT_EQ(r, 16);
	ASSERT_EQ(off, 0x10);
	off += (size_t)r;

	memset(&l, 0, sizeof(l));
	l.type = TDCF_LINE_DATA;
	l.id = 0xA000;
	l.data = EX_V_A000;
	de_off[0] = off;
	r = tdcf_line_encode(&a.b[off], &l);
	ASSERT_EQ(r, 16);
	off += (size_t)r;

	memset(&l, 0, sizeof(l));
	l.type = TDCF_LINE_DATA;
	l.id = 0xA001;
	l.ext = true;
	l.ts_valid = true;
	l.data = EX_V_A001;
	l.ts = EX_TS_A001;
	de_off[1] = off;
	r = tdcf_line_encode(&a.b[off], &l);
	ASSERT_EQ(r, 24);
	off += (size_t)r;

	memset(&l, 0, sizeof(l));
	l.type = TDCF_LINE_DATA;
	l.id = 0xA002;
	l.use_blk_ts = true;
	l.ts_valid = true;
	l.data = EX_V_A002;
	de_off[2] = off;
	r = tdcf_line_encode(&a.b[off], &l);
	ASSERT_EQ(r, 16);
	off += (size_t)r;

	tdcf_set_num_qwords(a.b, (uint32_t)((off - TDCF_HDR_SIZE) / 8));
	tdcf_write_end(a.b, EX_LEN, s);

	/* The DE_CONFIGURE offsets of §7.8. */
	ASSERT_EQ(de_off[0], 0x20);
	ASSERT_EQ(de_off[1], 0x30);
	ASSERT_EQ(de_off[2], 0x48);
	ASSERT_EQ(off, 0x58);

	ASSERT_MEMEQ(a.b, expect.b, EX_LEN);
	/* Nothing written past the area. */
	ASSERT_EQ(a.b[EX_LEN], 0xCC);
	ASSERT_EQ(a.b[sizeof(a.b) - 1], 0xCC);
	check_example_lines(&a);
}

/* ------------------------------------------------------------------ */
/* Area header and epilogue                                            */

STLM_TEST(area_check_signatures)
{
	struct area a;

	load_example(&a);
	ASSERT_OK(tdcf_area_check(a.b, EX_LEN));

	/* Memory bytes are 4E 47 42 54 / 44 4E 45 54. */
	ASSERT_EQ(a.b[0], 'N');
	ASSERT_EQ(a.b[3], 'T');
	ASSERT_EQ(a.b[EX_LEN - 4], 'D');
	ASSERT_EQ(a.b[EX_LEN - 1], 'T');

	/* "TBGN" in the wrong byte order. */
	memcpy(a.b, "TBGN", 4);
	ASSERT_ERR(tdcf_area_check(a.b, EX_LEN), -EPROTO);
	load_example(&a);
	put32(&a, 0, TDCF_SIGN_START ^ 1);
	ASSERT_ERR(tdcf_area_check(a.b, EX_LEN), -EPROTO);

	load_example(&a);
	memcpy(&a.b[EX_LEN - 4], "TEND", 4);
	ASSERT_ERR(tdcf_area_check(a.b, EX_LEN), -EPROTO);
	load_example(&a);
	put32(&a, EX_LEN - 4, 0);
	ASSERT_ERR(tdcf_area_check(a.b, EX_LEN), -EPROTO);
	/* Swapped start and end signatures. */
	load_example(&a);
	put32(&a, 0, TDCF_SIGN_END);
	put32(&a, EX_LEN - 4, TDCF_SIGN_START);
	ASSERT_ERR(tdcf_area_check(a.b, EX_LEN), -EPROTO);

	/* The epilogue is found from len: a wrong len misses TEND. */
	load_example(&a);
	ASSERT_ERR(tdcf_area_check(a.b, EX_LEN - 8), -EPROTO);
	ASSERT_ERR(tdcf_area_check(a.b, EX_LEN + 8), -EPROTO);
}

STLM_TEST(area_check_sizes)
{
	struct area a;

	memset(&a, 0, sizeof(a));
	ASSERT_OK(tdcf_area_init(a.b, 24, 1));
	ASSERT_OK(tdcf_area_check(a.b, 24));
	ASSERT_ERR(tdcf_area_check(a.b, 0), -EBADMSG);
	ASSERT_ERR(tdcf_area_check(a.b, 4), -EBADMSG);
	ASSERT_ERR(tdcf_area_check(a.b, 20), -EBADMSG);
	ASSERT_ERR(tdcf_area_check(a.b, 23), -EBADMSG);
	/* Not a multiple of 4: size error before any signature check. */
	ASSERT_ERR(tdcf_area_check(a.b, 26), -EBADMSG);
	ASSERT_ERR(tdcf_area_check(a.b, 0x81), -EBADMSG);
	ASSERT_ERR(tdcf_area_check(a.b, 0x7E), -EBADMSG);
}

STLM_TEST(area_init)
{
	static const char hex24[] =
		"4E 47 42 54  00 00 00 00  00 00 00 00  01 00 00 00"
		"00 00 00 00  44 4E 45 54";
	struct area a, expect;
	struct tdcf_hdr h;
	size_t bytes;

	ASSERT_ERR(tdcf_area_init(a.b, 0, 1), -EINVAL);
	ASSERT_ERR(tdcf_area_init(a.b, 16, 1), -EINVAL);
	ASSERT_ERR(tdcf_area_init(a.b, 23, 1), -EINVAL);
	ASSERT_ERR(tdcf_area_init(a.b, 28, 1), -EINVAL); /* not 8-multiple */
	ASSERT_ERR(tdcf_area_init(a.b, 36, 1), -EINVAL);
	ASSERT_ERR(tdcf_area_init(a.b, 33, 1), -EINVAL);

	memset(&a, 0xCC, sizeof(a));
	ASSERT_OK(tdcf_area_init(a.b, 24, TDCF_REVISION));
	ASSERT_EQ(stlm_test_unhex(hex24, expect.b, sizeof(expect.b)), 24);
	ASSERT_MEMEQ(a.b, expect.b, 24);
	ASSERT_EQ(a.b[24], 0xCC);

	ASSERT_OK(tdcf_hdr_read(a.b, 24, &h));
	ASSERT_EQ(h.match_start, 0);
	ASSERT_EQ(h.match_end, 0);
	ASSERT_EQ(h.num_qwords, 0);
	ASSERT_EQ(h.revision, TDCF_REVISION);
	ASSERT_OK(tdcf_read_line_area(a.b, 24, &bytes));
	ASSERT_EQ(bytes, 0);
	ASSERT_TRUE(tdcf_pass_ok(tdcf_read_begin(a.b), tdcf_read_end(a.b, 24)));

	/* A larger area: whole line region zeroed, epilogue at the end. */
	memset(&a, 0xCC, sizeof(a));
	ASSERT_OK(tdcf_area_init(a.b, 256, 0x5A));
	for (size_t i = 16; i < 248; i++)
		ASSERT_EQ(a.b[i], 0);
	ASSERT_EQ(get32(&a, 248), 0);
	ASSERT_EQ(get32(&a, 252), TDCF_SIGN_END);
	ASSERT_EQ(get32(&a, TDCF_OFF_HDR_META), 0x5A);
	ASSERT_EQ(a.b[256], 0xCC);
	ASSERT_OK(tdcf_area_check(a.b, 256));
}

STLM_TEST(hdr_read)
{
	struct area a;
	struct tdcf_hdr h;

	load_example(&a);
	/* Reserved hdr_meta_1 bits are not checked (Linux does not). */
	put32(&a, TDCF_OFF_HDR_META, 0xABCD0001);
	ASSERT_OK(tdcf_hdr_read(a.b, EX_LEN, &h));
	ASSERT_EQ(h.revision, 1);
	ASSERT_EQ(h.num_qwords, 9);

	/* A writer stuck in its odd window: snapshot returned, not ok. */
	put32(&a, TDCF_OFF_MATCH_START, 3);
	put32(&a, EX_LEN - 8, 4);
	ASSERT_OK(tdcf_hdr_read(a.b, EX_LEN, &h));
	ASSERT_EQ(h.match_start, 3);
	ASSERT_EQ(h.match_end, 4);
	ASSERT_FALSE(tdcf_pass_ok(h.match_start, h.match_end));

	/* num_qwords is reported as is; tdcf_read_line_area judges it. */
	put32(&a, TDCF_OFF_NUM_QWORDS, 0xFFFFFFFF);
	ASSERT_OK(tdcf_hdr_read(a.b, EX_LEN, &h));
	ASSERT_EQ(h.num_qwords, 0xFFFFFFFF);

	/* Errors leave *ret untouched. */
	memset(&h, 0x5A, sizeof(h));
	put32(&a, 0, 0);
	ASSERT_ERR(tdcf_hdr_read(a.b, EX_LEN, &h), -EPROTO);
	ASSERT_ERR(tdcf_hdr_read(a.b, 20, &h), -EBADMSG);
	ASSERT_EQ(h.match_start, 0x5A5A5A5A);
}

STLM_TEST(line_area_bounds)
{
	struct area a;
	size_t bytes = 12345;

	load_example(&a);
	/* 16 + 8 * 13 = 0x78 = LEN - 8: the largest legal value. */
	put32(&a, TDCF_OFF_NUM_QWORDS, 13);
	ASSERT_OK(tdcf_read_line_area(a.b, EX_LEN, &bytes));
	ASSERT_EQ(bytes, 104);
	/* One more qword would overlap match_end. */
	put32(&a, TDCF_OFF_NUM_QWORDS, 14);
	bytes = 12345;
	ASSERT_ERR(tdcf_read_line_area(a.b, EX_LEN, &bytes), -EBADMSG);
	ASSERT_EQ(bytes, 12345);
	put32(&a, TDCF_OFF_NUM_QWORDS, 16); /* would cover the whole area */
	ASSERT_ERR(tdcf_read_line_area(a.b, EX_LEN, &bytes), -EBADMSG);
	/* Values whose byte count wraps a 32-bit size_t. */
	put32(&a, TDCF_OFF_NUM_QWORDS, 0x20000000);
	ASSERT_ERR(tdcf_read_line_area(a.b, EX_LEN, &bytes), -EBADMSG);
	put32(&a, TDCF_OFF_NUM_QWORDS, 0x20000001);
	ASSERT_ERR(tdcf_read_line_area(a.b, EX_LEN, &bytes), -EBADMSG);
	put32(&a, TDCF_OFF_NUM_QWORDS, 0xFFFFFFFF);
	ASSERT_ERR(tdcf_read_line_area(a.b, EX_LEN, &bytes), -EBADMSG);
	ASSERT_ERR(scan(a.b, EX_LEN, NULL, NULL, 0), -EBADMSG);
	/* SCP-firmware's "whole area in qwords" (§14.2) is rejected. */
	put32(&a, TDCF_OFF_NUM_QWORDS, EX_LEN / 8);
	ASSERT_ERR(tdcf_read_line_area(a.b, EX_LEN, &bytes), -EBADMSG);

	/* Bad area sizes. */
	put32(&a, TDCF_OFF_NUM_QWORDS, 0);
	ASSERT_ERR(tdcf_read_line_area(a.b, 20, &bytes), -EBADMSG);
	ASSERT_ERR(tdcf_read_line_area(a.b, 0, &bytes), -EBADMSG);
	ASSERT_ERR(tdcf_read_line_area(a.b, 30, &bytes), -EBADMSG);
	ASSERT_OK(tdcf_read_line_area(a.b, 24, &bytes));
	ASSERT_EQ(bytes, 0);
	put32(&a, TDCF_OFF_NUM_QWORDS, 1);
	ASSERT_ERR(tdcf_read_line_area(a.b, 24, &bytes), -EBADMSG);
	ASSERT_OK(tdcf_read_line_area(a.b, 32, &bytes));
	ASSERT_EQ(bytes, 8);
}

STLM_TEST(read_end_bad_len)
{
	struct area a;

	load_example(&a);
	ASSERT_EQ(tdcf_read_end(a.b, EX_LEN), 2);
	/* Unusable sizes give a value no pass accepts, without any load. */
	ASSERT_EQ(tdcf_read_end(a.b, 0), 0xFFFFFFFF);
	ASSERT_EQ(tdcf_read_end(a.b, 20), 0xFFFFFFFF);
	ASSERT_EQ(tdcf_read_end(a.b, EX_LEN + 2), 0xFFFFFFFF);
	ASSERT_FALSE(tdcf_pass_ok(2, tdcf_read_end(a.b, 20)));
	ASSERT_FALSE(tdcf_pass_ok(0xFFFFFFFF, tdcf_read_end(a.b, 20)));
}

/* ------------------------------------------------------------------ */
/* Lines in an area                                                    */

STLM_TEST(line_crossing_counted_end)
{
	struct area a;

	load_example(&a);
	/*
	 * num_qwords 8: counted area ends at 0x50, inside the 16-byte line
	 * at 0x48 (8 bytes left, less than any line).
	 */
	put32(&a, TDCF_OFF_NUM_QWORDS, 8);
	ASSERT_ERR(scan(a.b, EX_LEN, NULL, NULL, 0), -EBADMSG);
	/* num_qwords 6: ends at 0x40, the 24-byte line at 0x30 has 16. */
	put32(&a, TDCF_OFF_NUM_QWORDS, 6);
	ASSERT_ERR(scan(a.b, EX_LEN, NULL, NULL, 0), -EBADMSG);
	/* num_qwords 5: ends at 0x38 inside the line at 0x30. */
	put32(&a, TDCF_OFF_NUM_QWORDS, 5);
	ASSERT_ERR(scan(a.b, EX_LEN, NULL, NULL, 0), -EBADMSG);
	/* num_qwords 4: ends exactly after line 0x20: two good lines. */
	put32(&a, TDCF_OFF_NUM_QWORDS, 4);
	ASSERT_EQ(scan(a.b, EX_LEN, NULL, NULL, 0), 2);
	/* num_qwords 0: nothing to parse. */
	put32(&a, TDCF_OFF_NUM_QWORDS, 0);
	ASSERT_EQ(scan(a.b, EX_LEN, NULL, NULL, 0), 0);

	/*
	 * The line at 0x48 becomes 24 bytes (LINE_EXT) while num_qwords
	 * still ends at 0x58: it would run over the counted area.
	 */
	load_example(&a);
	put32(&a, 0x48, 0x0E);
	ASSERT_ERR(scan(a.b, EX_LEN, NULL, NULL, 0), -EBADMSG);
	/* Counted up to LEN - 8 and the last line would hit the epilogue. */
	load_example(&a);
	put32(&a, TDCF_OFF_NUM_QWORDS, 13); /* 0x10..0x77 */
	put32(&a, 0x58, 0x01); /* 16-byte DATA_INVALID hole: 0x58..0x67 */
	put32(&a, 0x68, 0x05); /* 24-byte line at 0x68: crosses 0x78 */
	ASSERT_ERR(scan(a.b, EX_LEN, NULL, NULL, 0), -EBADMSG);
	put32(&a, 0x68, 0x01); /* 16-byte hole: fits exactly */
	ASSERT_EQ(scan(a.b, EX_LEN, NULL, NULL, 0), 6);
}

STLM_TEST(line_reserved_meta_bits)
{
	static const uint32_t bad[] = { 0x100, 0x80000000, 0x00FFFF00, 0x110,
					0x224 };
	struct tdcf_line l;
	struct area a;

	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		load_example(&a);
		put32(&a, 0x20, bad[i]);
		ASSERT_ERR(scan(a.b, EX_LEN, NULL, NULL, 0), -EPROTO);
		/* Reserved-bit check happens before the length check. */
		ASSERT_ERR(tdcf_line_parse(&a.b[0x20], 16, &l), -EPROTO);
	}
}

STLM_TEST(line_parse_bounds)
{
	struct area a;
	struct tdcf_line l, keep;

	load_example(&a);
	memset(&l, 0xA5, sizeof(l));
	keep = l;

	/* Less than one minimal line: nothing is read. */
	ASSERT_ERR(tdcf_line_parse(&a.b[0x20], 0, &l), -EBADMSG);
	ASSERT_ERR(tdcf_line_parse(&a.b[0x20], 8, &l), -EBADMSG);
	ASSERT_ERR(tdcf_line_parse(&a.b[0x20], 15, &l), -EBADMSG);
	/* 24-byte line with 16 or 23 bytes available. */
	ASSERT_ERR(tdcf_line_parse(&a.b[0x30], 16, &l), -EBADMSG);
	ASSERT_ERR(tdcf_line_parse(&a.b[0x30], 23, &l), -EBADMSG);
	ASSERT_MEMEQ(&l, &keep, sizeof(l));

	ASSERT_EQ(tdcf_line_parse(&a.b[0x30], 24, &l), 24);
	ASSERT_EQ(tdcf_line_parse(&a.b[0x20], 16, &l), 16);
	ASSERT_EQ(tdcf_line_parse(&a.b[0x20], SIZE_MAX, &l), 16);
}

STLM_TEST(line_parse_types)
{
	static const char uuid_hex[] =
		"24 00 00 00  00 00 00 00"
		"12 3e 45 67  e8 9b 12 d3  a4 56 42 66  14 17 40 00";
	static const uint8_t uuid[16] = { 0x12, 0x3e, 0x45, 0x67, 0xe8, 0x9b,
					  0x12, 0xd3, 0xa4, 0x56, 0x42, 0x66,
					  0x14, 0x17, 0x40, 0x00 };
	static const uint8_t zero[16];
	static const struct {
		uint32_t meta;
		int len;
		bool blk, ext, tsv, inv;
	} d[] = {
		{ 0x0, 16, false, false, false, false },
		{ 0x6, 24, false, true, true, false },
		{ 0x4, 24, false, true, false, false },
		{ 0xA, 16, true, false, true, false },
		{ 0x1, 16, false, false, false, true },
		{ 0x5, 24, false, true, false, true },
	};
	struct area a;
	struct tdcf_line l;

	/* UUID line: canonical bytes as they are in memory. */
	memset(&a, 0, sizeof(a));
	ASSERT_EQ(stlm_test_unhex(uuid_hex, a.b, sizeof(a.b)), 24);
	ASSERT_EQ(tdcf_line_parse(a.b, 24, &l), 24);
	ASSERT_EQ(l.type, TDCF_LINE_UUID);
	ASSERT_EQ(l.meta, 0x24);
	ASSERT_TRUE(l.ext);
	ASSERT_EQ(l.len, 24);
	ASSERT_EQ(l.id, 0);
	ASSERT_MEMEQ(l.uuid, uuid, 16);
	ASSERT_ERR(tdcf_line_parse(a.b, 16, &l), -EBADMSG);

	/* A UUID line without LINE_EXT is 16 bytes; no UUID bytes. */
	put32(&a, 0, 0x20);
	ASSERT_EQ(tdcf_line_parse(a.b, 16, &l), 16);
	ASSERT_EQ(l.type, TDCF_LINE_UUID);
	ASSERT_MEMEQ(l.uuid, zero, 16);

	/* BLK_TS with a non-default rate; bits [3:0] are reported as is. */
	memset(&a, 0, sizeof(a));
	put32(&a, 0, 0x10);
	put32(&a, 4, 1000000); /* 1 GHz in kHz */
	put32(&a, 8, 0x89ABCDEF);
	put32(&a, 12, 0x01234567);
	ASSERT_EQ(tdcf_line_parse(a.b, 16, &l), 16);
	ASSERT_EQ(l.type, TDCF_LINE_BLK_TS);
	ASSERT_EQ(l.id, 1000000);
	ASSERT_U64_EQ(l.data, 0x0123456789ABCDEFull);
	put32(&a, 0, 0x11);
	ASSERT_EQ(tdcf_line_parse(a.b, 16, &l), 16);
	ASSERT_EQ(l.type, TDCF_LINE_BLK_TS);
	ASSERT_TRUE(l.invalid);

	/* Unknown types come back with their length, to be skipped. */
	put32(&a, 0, 0x30);
	ASSERT_EQ(tdcf_line_parse(a.b, 24, &l), 16);
	ASSERT_EQ(l.type, 3);
	put32(&a, 0, 0xF4);
	ASSERT_EQ(tdcf_line_parse(a.b, 24, &l), 24);
	ASSERT_EQ(l.type, 15);
	ASSERT_EQ(l.len, 24);

	/* Every §7.4.1 typical data meta value. */
	for (size_t i = 0; i < ARRAY_SIZE(d); i++) {
		memset(&a, 0, sizeof(a));
		put32(&a, 0, d[i].meta);
		put32(&a, 4, 0x1010);
		put32(&a, 16, 0x11111111);
		put32(&a, 20, 0x22222222);
		ASSERT_EQ(tdcf_line_parse(a.b, 24, &l), d[i].len);
		ASSERT_EQ(l.type, TDCF_LINE_DATA);
		ASSERT_EQ(l.len, d[i].len);
		ASSERT_EQ(l.use_blk_ts, d[i].blk);
		ASSERT_EQ(l.ext, d[i].ext);
		ASSERT_EQ(l.ts_valid, d[i].tsv);
		ASSERT_EQ(l.invalid, d[i].inv);
		ASSERT_EQ(l.id, 0x1010);
		/* The extension is read only when the line has one. */
		ASSERT_U64_EQ(l.ts, d[i].ext ? 0x2222222211111111ull : 0);
	}
}

STLM_TEST(line_encode)
{
	struct area a, keep;
	struct tdcf_line l, p;

	/* Data line, all §7.4.1 flag combinations allowed. */
	memset(&l, 0, sizeof(l));
	l.type = TDCF_LINE_DATA;
	l.id = 0x1234;
	l.data = 0x1122334455667788ull;
	l.ts = 0x99AABBCCDDEEFF00ull;
	l.meta = 0xFFFFFFFF; /* ignored: meta comes from the flags */
	l.len = 99;	     /* ignored */
	memset(&a, 0xEE, sizeof(a));
	ASSERT_EQ(tdcf_line_encode(a.b, &l), 16);
	ASSERT_EQ(get32(&a, 0), 0x0);
	ASSERT_EQ(get32(&a, 4), 0x1234);
	ASSERT_EQ(get32(&a, 8), 0x55667788);
	ASSERT_EQ(get32(&a, 12), 0x11223344);
	ASSERT_EQ(a.b[16], 0xEE); /* no extension written */

	l.ext = true;
	l.ts_valid = true;
	ASSERT_EQ(tdcf_line_encode(a.b, &l), 24);
	ASSERT_EQ(get32(&a, 0), 0x6);
	ASSERT_EQ(get32(&a, 16), 0xDDEEFF00);
	ASSERT_EQ(get32(&a, 20), 0x99AABBCC);
	ASSERT_EQ(a.b[24], 0xEE);
	ASSERT_EQ(tdcf_line_parse(a.b, 24, &p), 24);
	ASSERT_EQ(p.id, 0x1234);
	ASSERT_U64_EQ(p.data, l.data);
	ASSERT_U64_EQ(p.ts, l.ts);

	l.ext = false;
	l.use_blk_ts = true;
	ASSERT_EQ(tdcf_line_encode(a.b, &l), 16);
	ASSERT_EQ(get32(&a, 0), 0xA);

	l.use_blk_ts = false;
	l.ts_valid = false;
	l.ext = true;
	l.invalid = true;
	ASSERT_EQ(tdcf_line_encode(a.b, &l), 24);
	ASSERT_EQ(get32(&a, 0), 0x5);

	l.ext = l.use_blk_ts = l.ts_valid = true;
	l.invalid = false;
	ASSERT_EQ(tdcf_line_encode(a.b, &l), 24);
	ASSERT_EQ(get32(&a, 0), 0xE);

	/* TS_VALID with neither LINE_EXT nor USE_BLK_TS: refused, no write. */
	l.ext = l.use_blk_ts = false;
	l.ts_valid = true;
	memset(&a, 0xEE, sizeof(a));
	keep = a;
	ASSERT_ERR(tdcf_line_encode(a.b, &l), -EINVAL);
	l.invalid = true;
	ASSERT_ERR(tdcf_line_encode(a.b, &l), -EINVAL);
	ASSERT_MEMEQ(a.b, keep.b, sizeof(a.b));

	/* Unknown types. */
	l = (struct tdcf_line){ .type = 3 };
	ASSERT_ERR(tdcf_line_encode(a.b, &l), -EINVAL);
	l.type = 0xFF;
	ASSERT_ERR(tdcf_line_encode(a.b, &l), -EINVAL);
	ASSERT_MEMEQ(a.b, keep.b, sizeof(a.b));

	/* BLK_TS: meta is always 0x10 whatever flags the struct carries. */
	l = (struct tdcf_line){ .type = TDCF_LINE_BLK_TS, .id = 25000,
				.data = 0x0000000100000002ull, .ext = true,
				.ts_valid = true, .invalid = true,
				.use_blk_ts = true };
	ASSERT_EQ(tdcf_line_encode(a.b, &l), 16);
	ASSERT_EQ(get32(&a, 0), 0x10);
	ASSERT_EQ(get32(&a, 4), 25000);
	ASSERT_EQ(get32(&a, 8), 2);
	ASSERT_EQ(get32(&a, 12), 1);
	ASSERT_EQ(a.b[16], 0xEE);

	/* UUID: meta 0x24, id 0 even if the struct has one, bytes as is. */
	l = (struct tdcf_line){ .type = TDCF_LINE_UUID, .id = 77 };
	for (int i = 0; i < 16; i++)
		l.uuid[i] = (uint8_t)(0xF0 + i);
	ASSERT_EQ(tdcf_line_encode(a.b, &l), 24);
	ASSERT_EQ(get32(&a, 0), 0x24);
	ASSERT_EQ(get32(&a, 4), 0);
	ASSERT_MEMEQ(&a.b[8], l.uuid, 16);
	ASSERT_EQ(a.b[24], 0xEE);
	ASSERT_EQ(tdcf_line_parse(a.b, 24, &p), 24);
	ASSERT_EQ(p.type, TDCF_LINE_UUID);
	ASSERT_MEMEQ(p.uuid, l.uuid, 16);
}

STLM_TEST(line_store_value_meta)
{
	struct area a;
	struct tdcf_line l = { .type = TDCF_LINE_DATA, .id = 0xA001,
			       .ext = true, .ts_valid = true,
			       .data = 1, .ts = 2 };
	struct tdcf_line p;

	memset(&a, 0, sizeof(a));
	ASSERT_EQ(tdcf_line_encode(a.b, &l), 24);
	put32(&a, 24, 0xDEADBEEF); /* the next line's meta */

	tdcf_line_store_value(a.b, 0xAAAABBBBCCCCDDDDull, true,
			      0x1111222233334444ull);
	ASSERT_EQ(tdcf_line_parse(a.b, 24, &p), 24);
	ASSERT_EQ(p.meta, 0x6);
	ASSERT_EQ(p.id, 0xA001);
	ASSERT_U64_EQ(p.data, 0xAAAABBBBCCCCDDDDull);
	ASSERT_U64_EQ(p.ts, 0x1111222233334444ull);

	/* ext false: the timestamp words are not touched. */
	tdcf_line_store_value(a.b, 5, false, 0x9999);
	ASSERT_EQ(tdcf_line_parse(a.b, 24, &p), 24);
	ASSERT_U64_EQ(p.data, 5);
	ASSERT_U64_EQ(p.ts, 0x1111222233334444ull);
	ASSERT_EQ(get32(&a, 24), 0xDEADBEEF);

	tdcf_line_store_meta(a.b, TDCF_META_LINE_EXT | TDCF_META_DATA_INVALID);
	ASSERT_EQ(tdcf_line_parse(a.b, 24, &p), 24);
	ASSERT_EQ(p.meta, 0x5);
	ASSERT_TRUE(p.invalid);
	ASSERT_FALSE(p.ts_valid);
	ASSERT_EQ(p.id, 0xA001);
	ASSERT_U64_EQ(p.data, 5);
}

/* ------------------------------------------------------------------ */
/* Match sequences (§7.6)                                              */

STLM_TEST(seq_next)
{
	uint32_t s;
	int wraps = 0;

	ASSERT_EQ(tdcf_seq_next(0), 2);
	ASSERT_EQ(tdcf_seq_next(2), 4);
	ASSERT_EQ(tdcf_seq_next(0x7FFFFFFE), 0x80000000);
	ASSERT_EQ(tdcf_seq_next(0xFFFFFFF8), 0xFFFFFFFA);
	ASSERT_EQ(tdcf_seq_next(0xFFFFFFFA), 0xFFFFFFFC);
	/* The wrap rule: 0xFFFFFFFE and 0xFFFFFFFF are never used. */
	ASSERT_EQ(tdcf_seq_next(0xFFFFFFFC), 0);
	ASSERT_EQ(tdcf_seq_next(0xFFFFFFFE), 0);
	ASSERT_EQ(tdcf_seq_next(0xFFFFFFFF), 0);
	/* Odd input (not used by the writer): next even value. */
	ASSERT_EQ(tdcf_seq_next(1), 2);
	ASSERT_EQ(tdcf_seq_next(0xFFFFFFFD), 0);

	s = 0xFFFFFF00;
	for (int i = 0; i < 1000; i++) {
		uint32_t n = tdcf_seq_next(s);

		ASSERT_EQ(n & 1, 0);
		ASSERT_NE(n, s);
		ASSERT_CMP(n, <, 0xFFFFFFFE);
		/* The odd in-progress value is never 0xFFFFFFFF either. */
		ASSERT_NE(s + 1, 0xFFFFFFFF);
		if (n < s)
			wraps++;
		s = n;
	}
	ASSERT_EQ(wraps, 1);
	ASSERT_EQ(s, (1000 - 0x7F) * 2);
}

STLM_TEST(pass_ok)
{
	ASSERT_TRUE(tdcf_pass_ok(0, 0));
	ASSERT_TRUE(tdcf_pass_ok(2, 2));
	ASSERT_TRUE(tdcf_pass_ok(0xFFFFFFFC, 0xFFFFFFFC));
	ASSERT_FALSE(tdcf_pass_ok(1, 1));	/* equal but odd */
	ASSERT_FALSE(tdcf_pass_ok(0xFFFFFFFF, 0xFFFFFFFF));
	ASSERT_FALSE(tdcf_pass_ok(2, 4));
	ASSERT_FALSE(tdcf_pass_ok(4, 2));
	ASSERT_FALSE(tdcf_pass_ok(3, 2));
	ASSERT_FALSE(tdcf_pass_ok(3, 4));
	ASSERT_FALSE(tdcf_pass_ok(0xFFFFFFFC, 0));
}

static uint32_t ms(const struct area *a)
{
	return get32(a, TDCF_OFF_MATCH_START);
}

static uint32_t me(const struct area *a, size_t len)
{
	return get32(a, len - TDCF_EOFF_MATCH_END);
}

STLM_TEST(write_begin_end)
{
	struct area a;
	uint32_t s;

	ASSERT_OK(tdcf_area_init(a.b, EX_LEN, 1));
	for (uint32_t i = 0; i < 5; i++) {
		ASSERT_EQ(ms(&a), 2 * i);
		ASSERT_EQ(me(&a, EX_LEN), 2 * i);
		s = tdcf_write_begin(a.b, EX_LEN);
		ASSERT_EQ(s, 2 * i);
		/* match_end already at next(s), start odd: no pass ok. */
		ASSERT_EQ(me(&a, EX_LEN), 2 * i + 2);
		ASSERT_EQ(ms(&a), 2 * i + 1);
		/* Never equal and odd (the Linux flaw of §7.6 step 1.5). */
		ASSERT_NE(ms(&a), me(&a, EX_LEN));
		ASSERT_FALSE(tdcf_pass_ok(tdcf_read_begin(a.b),
					  tdcf_read_end(a.b, EX_LEN)));
		tdcf_write_end(a.b, EX_LEN, s);
		ASSERT_EQ(ms(&a), 2 * i + 2);
		ASSERT_EQ(me(&a, EX_LEN), 2 * i + 2);
		ASSERT_TRUE(tdcf_pass_ok(tdcf_read_begin(a.b),
					 tdcf_read_end(a.b, EX_LEN)));
	}
	/* Signatures and the rest of the header are untouched. */
	ASSERT_OK(tdcf_area_check(a.b, EX_LEN));
	ASSERT_EQ(get32(&a, TDCF_OFF_HDR_META), 1);
}

STLM_TEST(write_wrap)
{
	struct area a;
	uint32_t s;

	ASSERT_OK(tdcf_area_init(a.b, EX_LEN, 0));
	put32(&a, TDCF_OFF_MATCH_START, 0xFFFFFFFC);
	put32(&a, EX_LEN - 8, 0xFFFFFFFC);

	s = tdcf_write_begin(a.b, EX_LEN);
	ASSERT_EQ(s, 0xFFFFFFFC);
	ASSERT_EQ(me(&a, EX_LEN), 0);
	ASSERT_EQ(ms(&a), 0xFFFFFFFD);
	tdcf_write_end(a.b, EX_LEN, s);
	ASSERT_EQ(ms(&a), 0);
	ASSERT_EQ(me(&a, EX_LEN), 0);

	s = tdcf_write_begin(a.b, EX_LEN);
	ASSERT_EQ(s, 0);
	ASSERT_EQ(me(&a, EX_LEN), 2);
	ASSERT_EQ(ms(&a), 1);
	tdcf_write_end(a.b, EX_LEN, s);
	ASSERT_EQ(ms(&a), 2);
}

STLM_TEST(write_recovers_odd_start)
{
	struct area a;
	uint32_t s;

	/* A writer died in its odd window (start 5, end 6). */
	ASSERT_OK(tdcf_area_init(a.b, EX_LEN, 0));
	put32(&a, TDCF_OFF_MATCH_START, 5);
	put32(&a, EX_LEN - 8, 6);
	s = tdcf_write_begin(a.b, EX_LEN);
	ASSERT_EQ(s, 4);
	ASSERT_EQ(ms(&a), 5);
	ASSERT_EQ(me(&a, EX_LEN), 6);
	tdcf_write_end(a.b, EX_LEN, s);
	ASSERT_EQ(ms(&a), 6);
	ASSERT_EQ(me(&a, EX_LEN), 6);

	/* A corrupt, never-used 0xFFFFFFFE: no odd 0xFFFFFFFF start. */
	put32(&a, TDCF_OFF_MATCH_START, 0xFFFFFFFE);
	put32(&a, EX_LEN - 8, 0xFFFFFFFE);
	s = tdcf_write_begin(a.b, EX_LEN);
	ASSERT_EQ(s, 0xFFFFFFFC);
	ASSERT_EQ(ms(&a), 0xFFFFFFFD);
	ASSERT_EQ(me(&a, EX_LEN), 0);
	tdcf_write_end(a.b, EX_LEN, s);
	ASSERT_EQ(ms(&a), 0);
	ASSERT_EQ(me(&a, EX_LEN), 0);
}

/*
 * Reader/writer interleavings, step by step in one thread, on the worked
 * example: any pass that overlaps an update in any way is rejected.
 */
STLM_TEST(pass_interleavings)
{
	struct area a;
	struct tdcf_line l;
	uint32_t s, e, w;

	load_example(&a);

	/* Reader starts, writer updates a line it already read: rejected. */
	s = tdcf_read_begin(a.b);
	ASSERT_EQ(tdcf_line_parse(&a.b[0x20], 16, &l), 16);
	ASSERT_U64_EQ(l.data, EX_V_A000);
	w = tdcf_write_begin(a.b, EX_LEN);
	tdcf_line_store_value(&a.b[0x20], 42, false, 0);
	tdcf_line_store_value(&a.b[0x48], 42, false, 0);
	tdcf_write_end(a.b, EX_LEN, w);
	ASSERT_EQ(tdcf_line_parse(&a.b[0x48], 16, &l), 16);
	ASSERT_U64_EQ(l.data, 42); /* torn: new 0x48, old 0x20 */
	e = tdcf_read_end(a.b, EX_LEN);
	ASSERT_EQ(s, 2);
	ASSERT_EQ(e, 4);
	ASSERT_FALSE(tdcf_pass_ok(s, e));

	/* Reader ends in the middle of an update: rejected. */
	s = tdcf_read_begin(a.b);
	w = tdcf_write_begin(a.b, EX_LEN);
	e = tdcf_read_end(a.b, EX_LEN);
	ASSERT_EQ(s, 4);
	ASSERT_EQ(e, 6);
	ASSERT_FALSE(tdcf_pass_ok(s, e));

	/* Reader starts in the middle of an update: odd, rejected. */
	s = tdcf_read_begin(a.b);
	ASSERT_EQ(s, 5);
	tdcf_write_end(a.b, EX_LEN, w);
	e = tdcf_read_end(a.b, EX_LEN);
	ASSERT_EQ(e, 6);
	ASSERT_FALSE(tdcf_pass_ok(s, e));

	/* A clean pass after the update. */
	s = tdcf_read_begin(a.b);
	e = tdcf_read_end(a.b, EX_LEN);
	ASSERT_EQ(s, 6);
	ASSERT_TRUE(tdcf_pass_ok(s, e));
}

/* ------------------------------------------------------------------ */
/* Lines in messages (§9)                                              */

STLM_TEST(msg_lines_walk)
{
	/* Three data lines: plain 16, 24 with line ts, invalid 16. */
	static const char hex[] =
		"00 00 00 00  10 10 00 00  2A 00 00 00  00 00 00 00"
		"06 00 00 00  16 00 00 00  08 07 06 05  04 03 02 01"
		"  F0 DE BC 9A  78 56 34 12"
		"01 00 00 00  00 A0 00 00  00 00 00 00  00 00 00 00";
	uint8_t buf[80];
	struct tdcf_line l;
	size_t off = 0;
	int n;

	n = stlm_test_unhex(hex, buf + 1, sizeof(buf) - 1); /* unaligned */
	ASSERT_EQ(n, 56);

	ASSERT_EQ(tdcf_msg_line_next(buf + 1, 56, &off, &l), 1);
	ASSERT_EQ(off, 16);
	ASSERT_EQ(l.type, TDCF_LINE_DATA);
	ASSERT_EQ(l.len, 16);
	ASSERT_EQ(l.id, 0x1010);
	ASSERT_U64_EQ(l.data, 42);
	ASSERT_FALSE(l.ext || l.ts_valid || l.invalid || l.use_blk_ts);

	ASSERT_EQ(tdcf_msg_line_next(buf + 1, 56, &off, &l), 1);
	ASSERT_EQ(off, 40);
	ASSERT_EQ(l.len, 24);
	ASSERT_EQ(l.meta, 0x6);
	ASSERT_EQ(l.id, 0x16);
	ASSERT_TRUE(l.ext && l.ts_valid);
	ASSERT_U64_EQ(l.data, 0x0102030405060708ull);
	ASSERT_U64_EQ(l.ts, 0x123456789ABCDEF0ull);

	ASSERT_EQ(tdcf_msg_line_next(buf + 1, 56, &off, &l), 1);
	ASSERT_EQ(off, 56);
	ASSERT_EQ(l.id, 0xA000);
	ASSERT_TRUE(l.invalid);

	ASSERT_EQ(tdcf_msg_line_next(buf + 1, 56, &off, &l), 0);
	ASSERT_EQ(off, 56);
	ASSERT_EQ(tdcf_msg_line_next(buf + 1, 56, &off, &l), 0);

	/* Empty payload. */
	off = 0;
	ASSERT_EQ(tdcf_msg_line_next(NULL, 0, &off, &l), 0);
}

STLM_TEST(msg_lines_malformed)
{
	static const uint32_t nondata[] = { 0x10, 0x24, 0x20, 0x30, 0xF0 };
	struct tdcf_line l, keep;
	uint8_t buf[64];
	size_t off;

	memset(&l, 0x77, sizeof(l));
	keep = l;

	/* Non-data lines: BLK_TS, UUID, unknown. */
	for (size_t i = 0; i < ARRAY_SIZE(nondata); i++) {
		memset(buf, 0, sizeof(buf));
		scmi_put_le32(buf, nondata[i]);
		off = 0;
		ASSERT_ERR(tdcf_msg_line_next(buf, 24, &off, &l), -EPROTO);
		ASSERT_EQ(off, 0);
	}
	/* Reserved meta bits. */
	memset(buf, 0, sizeof(buf));
	scmi_put_le32(buf, 0x100);
	off = 0;
	ASSERT_ERR(tdcf_msg_line_next(buf, 24, &off, &l), -EPROTO);
	scmi_put_le32(buf, 0x80000006);
	ASSERT_ERR(tdcf_msg_line_next(buf, 24, &off, &l), -EPROTO);

	/* Odd dword counts and partial lines. */
	memset(buf, 0, sizeof(buf));
	off = 0;
	ASSERT_ERR(tdcf_msg_line_next(buf, 4, &off, &l), -EBADMSG);
	ASSERT_ERR(tdcf_msg_line_next(buf, 8, &off, &l), -EBADMSG);
	ASSERT_ERR(tdcf_msg_line_next(buf, 12, &off, &l), -EBADMSG);
	/* 5 dwords: one 16-byte line, then a lone dword. */
	ASSERT_EQ(tdcf_msg_line_next(buf, 20, &off, &l), 1);
	ASSERT_EQ(off, 16);
	ASSERT_ERR(tdcf_msg_line_next(buf, 20, &off, &l), -EBADMSG);
	ASSERT_EQ(off, 16);
	/* 7 dwords: one 16-byte line then 12 bytes. */
	off = 0;
	ASSERT_EQ(tdcf_msg_line_next(buf, 28, &off, &l), 1);
	ASSERT_ERR(tdcf_msg_line_next(buf, 28, &off, &l), -EBADMSG);
	/* A LINE_EXT line with only 16 or 20 bytes left. */
	scmi_put_le32(buf, 0x6);
	off = 0;
	memset(&l, 0x77, sizeof(l));
	ASSERT_ERR(tdcf_msg_line_next(buf, 16, &off, &l), -EBADMSG);
	ASSERT_ERR(tdcf_msg_line_next(buf, 20, &off, &l), -EBADMSG);
	ASSERT_EQ(off, 0);
	ASSERT_MEMEQ(&l, &keep, sizeof(l));
	ASSERT_EQ(tdcf_msg_line_next(buf, 24, &off, &l), 1);
	ASSERT_EQ(off, 24);

	/* An offset beyond the payload is a caller bug. */
	off = 32;
	ASSERT_ERR(tdcf_msg_line_next(buf, 24, &off, &l), -EINVAL);
	ASSERT_EQ(off, 32);
	off = SIZE_MAX;
	ASSERT_ERR(tdcf_msg_line_next(buf, 24, &off, &l), -EINVAL);
}

STLM_TEST(msg_lines_encode)
{
	uint8_t buf[64], keep[64];
	struct tdcf_line l = { .type = TDCF_LINE_DATA, .id = 0xA001,
			       .data = 0x0102030405060708ull,
			       .ts = 0x1112131415161718ull };
	struct tdcf_line p;
	size_t off = 0, pos = 1;
	int r;

	memset(buf, 0xEE, sizeof(buf));
	/* Plain line at an unaligned position. */
	r = tdcf_msg_line_encode(&l, buf + pos, sizeof(buf) - pos);
	ASSERT_EQ(r, 16);
	ASSERT_EQ(scmi_get_le32(buf + 1), 0);
	ASSERT_EQ(scmi_get_le32(buf + 5), 0xA001);
	ASSERT_U64_EQ(scmi_get_le64(buf + 9), l.data);
	ASSERT_EQ(buf[17], 0xEE);
	pos += (size_t)r;

	l.ext = l.ts_valid = true;
	r = tdcf_msg_line_encode(&l, buf + pos, sizeof(buf) - pos);
	ASSERT_EQ(r, 24);
	pos += (size_t)r;

	l.ext = l.ts_valid = false;
	l.invalid = true;
	r = tdcf_msg_line_encode(&l, buf + pos, 16); /* exactly enough */
	ASSERT_EQ(r, 16);
	pos += (size_t)r;
	ASSERT_EQ(pos, 57);

	ASSERT_EQ(tdcf_msg_line_next(buf + 1, 56, &off, &p), 1);
	ASSERT_EQ(p.meta, 0);
	ASSERT_EQ(tdcf_msg_line_next(buf + 1, 56, &off, &p), 1);
	ASSERT_EQ(p.meta, 6);
	ASSERT_U64_EQ(p.ts, l.ts);
	ASSERT_EQ(tdcf_msg_line_next(buf + 1, 56, &off, &p), 1);
	ASSERT_EQ(p.meta, 1);
	ASSERT_EQ(tdcf_msg_line_next(buf + 1, 56, &off, &p), 0);

	/* No room, bad type, illegal TS_VALID: nothing written. */
	memcpy(keep, buf, sizeof(buf));
	l = (struct tdcf_line){ .type = TDCF_LINE_DATA, .ext = true };
	ASSERT_ERR(tdcf_msg_line_encode(&l, buf, 23), -ENOSPC);
	ASSERT_ERR(tdcf_msg_line_encode(&l, buf, 0), -ENOSPC);
	l.ext = false;
	ASSERT_ERR(tdcf_msg_line_encode(&l, buf, 15), -ENOSPC);
	l.ts_valid = true;
	ASSERT_ERR(tdcf_msg_line_encode(&l, buf, 64), -EINVAL);
	l = (struct tdcf_line){ .type = TDCF_LINE_BLK_TS };
	ASSERT_ERR(tdcf_msg_line_encode(&l, buf, 64), -EINVAL);
	l.type = TDCF_LINE_UUID;
	ASSERT_ERR(tdcf_msg_line_encode(&l, buf, 64), -EINVAL);
	ASSERT_MEMEQ(buf, keep, sizeof(buf));
}

/* ------------------------------------------------------------------ */
/* Concurrency: one writer thread, one reader thread                   */

#define CC_LINES	24
#define CC_UPDATES	200000u
#define CC_LEN		512
#define CC_DE_BASE	0x1000u

/* Every line of update i holds this value: hi = i, lo = a hash of i. */
static uint64_t cc_value(uint32_t i)
{
	return (uint64_t)i << 32 | (uint32_t)(i * 0x9E3779B1u);
}

static bool cc_ext(unsigned int k)
{
	return k % 3 == 2;
}

/* Every fifth update also flips DATA_INVALID on all lines. */
static uint32_t cc_meta(unsigned int k, uint32_t i)
{
	uint32_t m = cc_ext(k) ? TDCF_META_LINE_EXT | TDCF_META_TS_VALID : 0;

	return m | (i % 5 == 0 ? TDCF_META_DATA_INVALID : 0);
}

struct cc_ctx {
	struct area *a;
	size_t offs[CC_LINES];
	int done;	/* writer finished (atomic) */
	/* Reader results, read by the main thread after join. */
	uint64_t passes, accepted, rejected, rejected_odd, rejected_torn;
	uint64_t bad_accepted, struct_errors;
	uint32_t last_seq;
	bool final_ok;
	char why[160];
};

static void *cc_writer(void *arg)
{
	struct cc_ctx *c = arg;
	volatile uint32_t sink = 0;
	uint32_t gap;

	for (uint32_t i = 1; i <= CC_UPDATES; i++) {
		uint64_t v = cc_value(i);
		uint32_t s = tdcf_write_begin(c->a->b, CC_LEN);

		for (unsigned int k = 0; k < CC_LINES; k++) {
			uint8_t *p = &c->a->b[c->offs[k]];

			tdcf_line_store_meta(p, cc_meta(k, i));
			tdcf_line_store_value(p, v, cc_ext(k), ~v);
		}
		tdcf_write_end(c->a->b, CC_LEN, s);
		/*
		 * A short, varying gap, and now and then a longer one, so that
		 * whole reader passes also fit in between updates.
		 */
		gap = (i % 97) * 4 + (i % 32 == 0 ? 8000 : 0);
		for (uint32_t j = 0; j < gap; j++)
			sink = sink + 1;
	}
	__atomic_store_n(&c->done, 1, __ATOMIC_RELEASE);
	return NULL;
}

/*
 * Check one accepted pass: lines[] must be exactly the state after update
 * seq / 2. Returns false with c->why filled otherwise.
 */
static bool cc_check(struct cc_ctx *c, uint32_t seq,
		     const struct tdcf_line *l, int n)
{
	uint32_t i = seq / 2;
	uint64_t v = cc_value(i);

	if (n != CC_LINES) {
		snprintf(c->why, sizeof(c->why), "seq %u: %d lines", seq, n);
		return false;
	}
	for (unsigned int k = 0; k < CC_LINES; k++) {
		if (l[k].id != CC_DE_BASE + k || l[k].meta != cc_meta(k, i) ||
		    l[k].data != v || (cc_ext(k) && l[k].ts != ~v)) {
			snprintf(c->why, sizeof(c->why),
				 "seq %u line %u: id 0x%x meta 0x%x data 0x%"
				 PRIx64 " want 0x%" PRIx64, seq, k, l[k].id,
				 l[k].meta, l[k].data, v);
			return false;
		}
	}
	return true;
}

static void *cc_reader(void *arg)
{
	struct cc_ctx *c = arg;
	struct tdcf_line l[CC_LINES + 1];
	bool done;

	do {
		uint32_t s, e;
		bool same = true;
		int n;

		done = __atomic_load_n(&c->done, __ATOMIC_ACQUIRE);
		c->passes++;
		s = tdcf_read_begin(c->a->b);
		if (s & 1) {
			c->rejected++;
			c->rejected_odd++;
			continue;
		}
		n = scan(c->a->b, CC_LEN, l, NULL, ARRAY_SIZE(l));
		e = tdcf_read_end(c->a->b, CC_LEN);
		if (n < 0) {
			/* The structure never changes: no parse may fail. */
			c->struct_errors++;
			continue;
		}
		if (!tdcf_pass_ok(s, e)) {
			c->rejected++;
			for (int k = 1; k < n && k < CC_LINES; k++)
				same = same && l[k].data == l[0].data &&
				       l[k].invalid == l[0].invalid;
			if (!same)
				c->rejected_torn++;
			continue;
		}
		c->accepted++;
		c->last_seq = s;
		if (!cc_check(c, s, l, n))
			c->bad_accepted++;
		if (done)
			c->final_ok = true;
	} while (!done);
	return NULL;
}

STLM_TEST(concurrent_reader_writer)
{
	static struct area a;
	static struct cc_ctx c;
	struct tdcf_line line;
	pthread_t wr, rd;
	size_t off;

	memset(&c, 0, sizeof(c));
	c.a = &a;
	ASSERT_OK(tdcf_area_init(a.b, CC_LEN, TDCF_REVISION));
	off = TDCF_HDR_SIZE;
	for (unsigned int k = 0; k < CC_LINES; k++) {
		line = (struct tdcf_line){
			.type = TDCF_LINE_DATA,
			.id = CC_DE_BASE + k,
			.ext = cc_ext(k),
			.ts_valid = cc_ext(k),
			.invalid = true, /* cc_meta(k, 0) */
			.data = cc_value(0),
			.ts = ~cc_value(0),
		};
		c.offs[k] = off;
		off += (size_t)tdcf_line_encode(&a.b[off], &line);
	}
	ASSERT_CMP(off, <=, CC_LEN - TDCF_EPI_SIZE);
	tdcf_set_num_qwords(a.b, (uint32_t)((off - TDCF_HDR_SIZE) / 8));
	ASSERT_EQ(scan(a.b, CC_LEN, NULL, NULL, 0), CC_LINES);

	ASSERT_EQ(pthread_create(&rd, NULL, cc_reader, &c), 0);
	ASSERT_EQ(pthread_create(&wr, NULL, cc_writer, &c), 0);
	pthread_join(wr, NULL);
	pthread_join(rd, NULL);

	fprintf(stderr,
		"  %u updates, %" PRIu64 " passes: %" PRIu64
		" accepted, %" PRIu64 " rejected (%" PRIu64
		" odd start, %" PRIu64 " torn and caught)\n",
		CC_UPDATES, c.passes, c.accepted, c.rejected, c.rejected_odd,
		c.rejected_torn);
	if (c.bad_accepted)
		fprintf(stderr, "  first bad accepted pass: %s\n", c.why);
	ASSERT_EQ(c.bad_accepted, 0);
	ASSERT_EQ(c.struct_errors, 0);
	ASSERT_EQ(c.passes, c.accepted + c.rejected);
	/* The pass after the writer finished saw the last update. */
	ASSERT_TRUE(c.final_ok);
	ASSERT_EQ(c.last_seq, 2 * CC_UPDATES);
	ASSERT_EQ(tdcf_read_begin(a.b), 2 * CC_UPDATES);
	ASSERT_EQ(tdcf_read_end(a.b, CC_LEN), 2 * CC_UPDATES);
}

/* Line metadata bits [31:8]: strict fails, the _dev readers skip them. */
STLM_TEST(tolerant_meta_reserved)
{
	uint64_t mem[4] = { 0 };
	uint8_t msg[16];
	struct tdcf_line l;
	uint32_t dev = 0;
	size_t off = 0;

	((uint32_t *)mem)[0] = 0xABCDEF00u | TDCF_META_TS_VALID;
	((uint32_t *)mem)[1] = 0x77;
	mem[1] = 1234;
	ASSERT_ERR(tdcf_line_parse(mem, 16, &l), -EPROTO);
	ASSERT_EQ(tdcf_line_parse_dev(mem, 16, &l, &dev), 16);
	ASSERT_EQ(dev, SCMI_DEV(SCMI_DEV_TDCF_META));
	ASSERT_EQ(l.type, TDCF_LINE_DATA);
	ASSERT_EQ(l.id, 0x77);
	ASSERT_EQ(l.data, 1234);
	ASSERT_TRUE(l.ts_valid);

	scmi_put_le32(msg, 0xFF000000u);
	scmi_put_le32(msg + 4, 0x78);
	scmi_put_le64(msg + 8, 5);
	ASSERT_ERR(tdcf_msg_line_next(msg, 16, &off, &l), -EPROTO);
	dev = 0;
	ASSERT_EQ(tdcf_msg_line_next_dev(msg, 16, &off, &l, &dev), 1);
	ASSERT_EQ(dev, SCMI_DEV(SCMI_DEV_TDCF_META));
	ASSERT_EQ(l.id, 0x78);
	ASSERT_EQ(l.data, 5);
	/* a line that is not a data line is still refused in a message */
	off = 0;
	scmi_put_le32(msg, 0xFF000010u);
	ASSERT_ERR(tdcf_msg_line_next_dev(msg, 16, &off, &l, &dev), -EPROTO);
}
