// SPDX-License-Identifier: MIT
/*
 * Copyright (c) 2026 The stlm authors
 *
 * The recording format layer (cli/record.c): header and record round
 * trips, the CRC, torn tails, corrupted records in the middle and hostile
 * lengths.
 */
#include <math.h>
#include <stdlib.h>

#define STLM_TEST_GROUP "record"
#include "stlm-test.h"

#include "record.h"

static const uint8_t test_uuid[16] = { 0x2B, 0x6D, 0x8F, 0x3A, 0x5C, 0x1E,
				       0x4E, 0x7B, 0x9A, 0x41, 0x0D, 0x5C,
				       0x1E, 0x5A, 0x70, 0x01 };

/* A header with three DEs, given out of id order. */
static void make_header(struct rec_header *h, struct rec_de *des)
{
	memset(h, 0, sizeof(*h));
	memset(des, 0, 3 * sizeof(*des));
	h->protocol_version = 0x10000;
	h->base_version = 0x20001;
	h->impl_version = 0x00010000;
	h->n_platform_des = 300;
	memcpy(h->uuid, test_uuid, 16);
	strcpy(h->vendor, "stlm");
	strcpy(h->sub_vendor, "default-soc");
	h->created_ns = 1767225600123456789ull;
	h->interval_ns = 100000000;
	h->default_blk_ts_rate_khz = 19200;
	h->tool = "stlm 0.1.0";
	h->host = "host";
	h->uri = "unix:/tmp/p.sock";
	h->catalog = NULL;
	h->n_des = 3;
	h->des = des;

	des[0].id = 0x10002;
	des[0].size = 4;
	des[0].unit = 2;
	des[0].unit_exp = -3;
	des[0].ts_rate_khz = 19200;
	des[0].flags = 2 | REC_DE_ENABLED;
	des[0].compo_type = 1;
	des[0].fw_name = "cpu0_temp";
	des[0].name = "cpu.0.temp";
	des[0].unit_name = "°C";
	des[0].compo_name = "cpu";
	des[0].description = "CPU 0 temperature";

	des[1].id = 0x10000;
	des[1].size = 4;
	des[1].unit = 20;
	des[1].group = 0;
	des[1].fw_name = "cpu0_freq";
	des[1].unit_name = "Hz";
	des[1].compo_name = "cpu";

	des[2].id = 0x30000;
	des[2].size = 8;
	des[2].group = 0xFFFFFFFFu;
	des[2].unit_exp = 127;
	des[2].kind = 1;
	des[2].unit_name = "J";
	des[2].compo_name = "soc";
}

static void make_samples(struct rec_sample *s, size_t n, uint64_t k)
{
	for (size_t i = 0; i < n; i++) {
		s[i].id = 0x10000 + (uint32_t)i;
		s[i].flags = 0x41;
		s[i].raw = k * 1000 + i;
		s[i].value = (double)s[i].raw * 1e-3;
		s[i].ts = k * 19200 + i;
		s[i].ts_rate_khz = 19200;
	}
}

/* A file: header + @nrec snapshot records of @nsamp samples. */
static uint8_t *make_file(size_t nrec, size_t nsamp, size_t *ret_len,
			  size_t *ret_hlen, size_t *rec_off)
{
	struct rec_header h;
	struct rec_de des[3];
	struct rec_sample s[8];
	uint8_t *hb, *buf;
	size_t hlen = 0, len = 0;

	make_header(&h, des);
	if (rec_header_encode(&h, &hb, &hlen) < 0)
		return NULL;
	len = hlen + nrec * rec_snapshot_size(nsamp);
	buf = malloc(len);
	memcpy(buf, hb, hlen);
	free(hb);
	for (size_t k = 0; k < nrec; k++) {
		size_t off = hlen + k * rec_snapshot_size(nsamp);

		if (rec_off)
			rec_off[k] = off;
		make_samples(s, nsamp, k);
		if (rec_snapshot_encode(buf + off, len - off, 1000 + k,
					2000 + k, 1 + k / 2, s, nsamp) !=
		    (long)rec_snapshot_size(nsamp)) {
			free(buf);
			return NULL;
		}
	}
	*ret_len = len;
	*ret_hlen = hlen;
	return buf;
}

/* Walk a file; count records/corrupt/torn and check each record's data. */
struct walk {
	int records, corrupt, torn;
	uint64_t first_skip_off, first_skip_len;
	const char *first_why;
	uint64_t rec_k[16];
};

static void walk(const uint8_t *buf, size_t len, size_t hlen, struct walk *w)
{
	struct rec_reader r;
	struct rec_record rec;
	struct rec_skip sk;
	int k, guard = 0;

	memset(w, 0, sizeof(*w));
	rec_reader_init(&r, buf, len, hlen);
	while ((k = rec_next(&r, &rec, &sk)) != REC_NEXT_END) {
		ASSERT_CMP(++guard, <, 1000);
		if (k == REC_NEXT_RECORD) {
			struct rec_sample s;
			uint64_t kk = rec.time_ns - 1000;

			ASSERT_EQ(rec.type, REC_TYPE_SNAPSHOT);
			ASSERT_U64_EQ(rec.mono_ns, 2000 + kk);
			ASSERT_U64_EQ(rec.generation, 1 + kk / 2);
			for (size_t i = 0; i < rec.n_samples; i++) {
				rec_sample_get(&rec, i, &s);
				ASSERT_EQ(s.id, 0x10000 + i);
				ASSERT_U64_EQ(s.raw, kk * 1000 + i);
				ASSERT_TRUE(s.value == (double)s.raw * 1e-3);
				ASSERT_U64_EQ(s.ts, kk * 19200 + i);
				ASSERT_EQ(s.ts_rate_khz, 19200);
				ASSERT_EQ(s.flags, 0x41);
			}
			if (w->records < 16)
				w->rec_k[w->records] = kk;
			w->records++;
			continue;
		}
		if (!w->first_why) {
			w->first_skip_off = sk.offset;
			w->first_skip_len = sk.length;
			w->first_why = sk.why;
		}
		if (k == REC_NEXT_CORRUPT)
			w->corrupt++;
		else
			w->torn++;
	}
	ASSERT_EQ(rec_next(&r, &rec, &sk), REC_NEXT_END);
}

STLM_TEST(crc32_check_value)
{
	ASSERT_U64_EQ(rec_crc32(0, "123456789", 9), 0xCBF43926u);
	ASSERT_U64_EQ(rec_crc32(0, "", 0), 0);
	/* Incremental equals one-shot. */
	ASSERT_U64_EQ(rec_crc32(rec_crc32(0, "1234", 4), "56789", 5),
		      0xCBF43926u);
	ASSERT_U64_EQ(rec_crc32(0, "The quick brown fox jumps over the lazy dog",
				43),
		      0x414FA339u);
}

STLM_TEST(header_round_trip)
{
	struct rec_header h, d;
	struct rec_de des[3];
	const struct rec_de *x;
	uint8_t *buf;
	size_t len, dlen;

	make_header(&h, des);
	ASSERT_OK(rec_header_encode(&h, &buf, &len));
	ASSERT_MEMEQ(buf, "STLMREC\0", 8);
	ASSERT_OK(rec_header_decode(buf, len, &d, &dlen));
	ASSERT_EQ(dlen, len);
	ASSERT_EQ(d.version_minor, REC_VERSION_MINOR);
	ASSERT_EQ(d.protocol_version, 0x10000);
	ASSERT_EQ(d.base_version, 0x20001);
	ASSERT_EQ(d.impl_version, 0x00010000);
	ASSERT_EQ(d.n_platform_des, 300);
	ASSERT_MEMEQ(d.uuid, test_uuid, 16);
	ASSERT_STREQ(d.vendor, "stlm");
	ASSERT_STREQ(d.sub_vendor, "default-soc");
	ASSERT_U64_EQ(d.created_ns, 1767225600123456789ull);
	ASSERT_U64_EQ(d.interval_ns, 100000000);
	ASSERT_EQ(d.default_blk_ts_rate_khz, 19200);
	ASSERT_STREQ(d.tool, "stlm 0.1.0");
	ASSERT_STREQ(d.host, "host");
	ASSERT_STREQ(d.uri, "unix:/tmp/p.sock");
	ASSERT_STREQ(d.catalog, "");
	ASSERT_EQ(d.n_des, 3);
	/* Sorted by id. */
	ASSERT_EQ(d.des[0].id, 0x10000);
	ASSERT_EQ(d.des[1].id, 0x10002);
	ASSERT_EQ(d.des[2].id, 0x30000);

	x = rec_header_find(&d, 0x10002);
	ASSERT_TRUE(x);
	ASSERT_EQ(x->size, 4);
	ASSERT_EQ(x->unit, 2);
	ASSERT_EQ(x->unit_exp, -3);
	ASSERT_EQ(x->ts_rate_khz, 19200);
	ASSERT_EQ(x->flags, 2 | REC_DE_ENABLED);
	ASSERT_STREQ(x->fw_name, "cpu0_temp");
	ASSERT_STREQ(x->name, "cpu.0.temp");
	ASSERT_STREQ(x->unit_name, "°C");
	ASSERT_STREQ(x->compo_name, "cpu");
	ASSERT_STREQ(x->description, "CPU 0 temperature");
	x = rec_header_find(&d, 0x30000);
	ASSERT_TRUE(x);
	ASSERT_EQ(x->group, 0xFFFFFFFFu);
	ASSERT_EQ(x->unit_exp, 127);
	ASSERT_EQ(x->kind, 1);
	ASSERT_STREQ(x->name, "");
	ASSERT_FALSE(rec_header_find(&d, 0x10001));
	ASSERT_FALSE(rec_header_find(&d, 0));
	ASSERT_FALSE(rec_header_find(&d, 0xFFFFFFFFu));

	rec_header_done(&d);
	rec_header_done(&d); /* idempotent */
	free(buf);
}

STLM_TEST(header_long_string_cut_on_utf8)
{
	struct rec_header h, d;
	struct rec_de des[3];
	char *big = malloc(REC_MAX_STR + 10);
	const struct rec_de *x;
	uint8_t *buf;
	size_t len, dlen, n;

	/* "°" is 2 bytes: an odd offset puts the cut inside one. */
	big[0] = 'x';
	for (size_t i = 1; i + 1 < REC_MAX_STR + 9; i += 2)
		memcpy(big + i, "\xC2\xB0", 2);
	big[REC_MAX_STR + 9] = 0;
	make_header(&h, des);
	des[1].description = big;
	ASSERT_OK(rec_header_encode(&h, &buf, &len));
	ASSERT_OK(rec_header_decode(buf, len, &d, &dlen));
	x = rec_header_find(&d, 0x10000);
	ASSERT_TRUE(x);
	n = strlen(x->description);
	ASSERT_CMP(n, <=, REC_MAX_STR);
	ASSERT_CMP(n, >=, REC_MAX_STR - 1);
	ASSERT_EQ(n % 2, 1); /* whole characters after the 'x' */
	rec_header_done(&d);
	free(buf);
	free(big);
}

STLM_TEST(header_errors)
{
	struct rec_header h, d;
	struct rec_de des[3];
	uint8_t *buf;
	size_t len, dlen;

	make_header(&h, des);
	ASSERT_OK(rec_header_encode(&h, &buf, &len));

	ASSERT_ERR(rec_header_decode(buf, 0, &d, &dlen), -ENODATA);
	ASSERT_ERR(rec_header_decode(buf, 5, &d, &dlen), -ENODATA);
	ASSERT_ERR(rec_header_decode(buf, 20, &d, &dlen), -ENODATA);
	ASSERT_ERR(rec_header_decode(buf, len - 1, &d, &dlen), -ENODATA);
	ASSERT_ERR(rec_header_decode((const uint8_t *)"GARBAGE!", 8, &d, &dlen),
		   -EBADMSG);
	ASSERT_ERR(rec_header_decode((const uint8_t *)"GAR", 3, &d, &dlen),
		   -EBADMSG);

	/* Any flipped byte fails (the CRC covers the prefix and body). */
	for (size_t i = 0; i < len; i++) {
		buf[i] ^= 0x01;
		ASSERT_TRUE(rec_header_decode(buf, len, &d, &dlen) < 0);
		buf[i] ^= 0x01;
	}
	ASSERT_OK(rec_header_decode(buf, len, &d, &dlen));
	rec_header_done(&d);

	/* Another major version. */
	buf[8] = 2;
	ASSERT_ERR(rec_header_decode(buf, len, &d, &dlen), -EPROTONOSUPPORT);
	buf[8] = 1;

	/* Header body length over the limit. */
	buf[19] = 0x7F;
	ASSERT_ERR(rec_header_decode(buf, len, &d, &dlen), -E2BIG);
	free(buf);

	ASSERT_ERR(rec_header_encode(NULL, &buf, &len), -EINVAL);
	h.n_des = 1;
	h.des = NULL;
	ASSERT_ERR(rec_header_encode(&h, &buf, &len), -EINVAL);
}

/* Re-CRC a hand-modified header so that only the content check fires. */
static void header_fix_crc(uint8_t *buf)
{
	uint32_t body = buf[16] | buf[17] << 8 | buf[18] << 16 |
			(uint32_t)buf[19] << 24;
	uint32_t crc = rec_crc32(rec_crc32(0, buf, 20), buf + 24, body);

	for (int i = 0; i < 4; i++)
		buf[20 + i] = (uint8_t)(crc >> (8 * i));
}

STLM_TEST(header_hostile_counts)
{
	struct rec_header h, d;
	struct rec_de des[3];
	uint8_t *buf;
	size_t len, dlen, noff;

	make_header(&h, des);
	ASSERT_OK(rec_header_encode(&h, &buf, &len));
	noff = REC_FILE_HDR_SIZE + 84;

	/* A DE count the body cannot hold: rejected before allocating. */
	buf[noff + 2] = 0x20;
	header_fix_crc(buf);
	ASSERT_ERR(rec_header_decode(buf, len, &d, &dlen), -E2BIG);
	buf[noff + 2] = 0x00;
	buf[noff + 1] = 0x10;
	header_fix_crc(buf);
	ASSERT_ERR(rec_header_decode(buf, len, &d, &dlen), -EBADMSG);
	/* One more than there is. */
	buf[noff + 1] = 0;
	buf[noff] = 4;
	header_fix_crc(buf);
	ASSERT_ERR(rec_header_decode(buf, len, &d, &dlen), -EBADMSG);
	buf[noff] = 3;

	/* A string length past the body. */
	buf[REC_FILE_HDR_SIZE + REC_HDR_FIXED] = 0xFF;
	buf[REC_FILE_HDR_SIZE + REC_HDR_FIXED + 1] = 0x0F;
	header_fix_crc(buf);
	ASSERT_ERR(rec_header_decode(buf, len, &d, &dlen), -EBADMSG);
	/* Over the string limit. */
	buf[REC_FILE_HDR_SIZE + REC_HDR_FIXED + 1] = 0x10;
	header_fix_crc(buf);
	ASSERT_ERR(rec_header_decode(buf, len, &d, &dlen), -EBADMSG);
	free(buf);

	/* Duplicate DE ids. */
	make_header(&h, des);
	des[2].id = des[0].id;
	ASSERT_OK(rec_header_encode(&h, &buf, &len));
	ASSERT_ERR(rec_header_decode(buf, len, &d, &dlen), -EBADMSG);
	free(buf);

	/* Trailing bytes in the header body (a later minor version) are
	 * ignored. */
	make_header(&h, des);
	h.n_des = 0;
	ASSERT_OK(rec_header_encode(&h, &buf, &len));
	buf = realloc(buf, len + 7);
	memset(buf + len, 0xAA, 7);
	buf[16] += 7;
	buf[10] = 5;
	header_fix_crc(buf);
	ASSERT_OK(rec_header_decode(buf, len + 7, &d, &dlen));
	ASSERT_EQ(dlen, len + 7);
	ASSERT_EQ(d.version_minor, 5);
	ASSERT_EQ(d.n_des, 0);
	rec_header_done(&d);
	free(buf);
}

STLM_TEST(records_round_trip)
{
	size_t len = 0, hlen = 0;
	uint8_t *buf = make_file(5, 3, &len, &hlen, NULL);
	struct walk w;

	ASSERT_TRUE(buf);
	walk(buf, len, hlen, &w);
	ASSERT_EQ(w.records, 5);
	ASSERT_EQ(w.corrupt + w.torn, 0);
	for (int i = 0; i < 5; i++)
		ASSERT_U64_EQ(w.rec_k[i], i);
	free(buf);

	/* Empty snapshot records and a header-only file. */
	buf = make_file(2, 0, &len, &hlen, NULL);
	walk(buf, len, hlen, &w);
	ASSERT_EQ(w.records, 2);
	walk(buf, hlen, hlen, &w);
	ASSERT_EQ(w.records, 0);
	ASSERT_EQ(w.torn, 0);
	free(buf);
}

STLM_TEST(record_layout)
{
	struct rec_sample s = { .id = 0x10002, .flags = 0x41, .raw = 52000,
				.value = 52.0, .ts = 0x1122334455667788ull,
				.ts_rate_khz = 19200 };
	uint8_t buf[REC_PREFIX_SIZE + REC_SNAP_FIXED + REC_SAMPLE_SIZE];
	static const uint8_t prefix[] = { 'S', 'R', 'E', 'C', 1, 0, 0, 0,
					  72, 0, 0, 0 };
	static const uint8_t sample[] = {
		0x02, 0x00, 0x01, 0x00, 0x41, 0x00, 0x00, 0x00,
		0x20, 0xCB, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
		0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x4A, 0x40,
		0x88, 0x77, 0x66, 0x55, 0x44, 0x33, 0x22, 0x11,
		0x00, 0x4B, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	};

	ASSERT_EQ(rec_snapshot_encode(buf, sizeof(buf), 1, 2, 3, &s, 1),
		  sizeof(buf));
	ASSERT_MEMEQ(buf, prefix, sizeof(prefix));
	ASSERT_MEMEQ(buf + 16, "\x01\0\0\0\0\0\0\0\x02\0\0\0\0\0\0\0"
			       "\x03\0\0\0\0\0\0\0\x01\0\0\0\0\0\0\0", 32);
	ASSERT_MEMEQ(buf + 48, sample, sizeof(sample));
	ASSERT_ERR(rec_snapshot_encode(buf, sizeof(buf) - 1, 1, 2, 3, &s, 1),
		   -EINVAL);
	ASSERT_ERR(rec_snapshot_encode(buf, sizeof(buf), 1, 2, 3, NULL, 1),
		   -EINVAL);
}

STLM_TEST(torn_tail)
{
	size_t len = 0, hlen = 0, off[4] = { 0 };
	uint8_t *buf = make_file(4, 3, &len, &hlen, off);
	struct walk w;

	/* Every cut inside the last record: 3 intact records, one torn tail
	 * starting at the last record's offset. */
	for (size_t cut = off[3] + 1; cut < len; cut++) {
		walk(buf, cut, hlen, &w);
		ASSERT_EQ(w.records, 3);
		ASSERT_EQ(w.corrupt, 0);
		ASSERT_EQ(w.torn, 1);
		ASSERT_U64_EQ(w.first_skip_off, off[3]);
		ASSERT_U64_EQ(w.first_skip_len, cut - off[3]);
	}
	/* A cut on a record boundary is no tear. */
	walk(buf, off[3], hlen, &w);
	ASSERT_EQ(w.records, 3);
	ASSERT_EQ(w.torn, 0);

	/* Zeros appended (a file extended but not written). */
	buf = realloc(buf, len + 100);
	memset(buf + len, 0, 100);
	walk(buf, len + 100, hlen, &w);
	ASSERT_EQ(w.records, 4);
	ASSERT_EQ(w.torn, 1);
	ASSERT_U64_EQ(w.first_skip_off, len);
	ASSERT_U64_EQ(w.first_skip_len, 100);
	ASSERT_STREQ(w.first_why, "bad record magic");
	free(buf);
}

STLM_TEST(corrupt_middle)
{
	size_t len = 0, hlen = 0, off[5] = { 0 };
	uint8_t *buf = make_file(5, 3, &len, &hlen, off);
	struct walk w;

	/* Flip one bit anywhere in record 2: it is skipped, the reader
	 * resynchronises on record 3. */
	for (size_t i = off[2]; i < off[3]; i++) {
		buf[i] ^= 0x10;
		walk(buf, len, hlen, &w);
		ASSERT_EQ(w.records, 4);
		ASSERT_EQ(w.corrupt, 1);
		ASSERT_EQ(w.torn, 0);
		ASSERT_U64_EQ(w.first_skip_off, off[2]);
		ASSERT_U64_EQ(w.first_skip_len, off[3] - off[2]);
		ASSERT_U64_EQ(w.rec_k[2], 3);
		buf[i] ^= 0x10;
	}
	/* The CRC error is named. */
	buf[off[2] + 60] ^= 1;
	walk(buf, len, hlen, &w);
	ASSERT_STREQ(w.first_why, "CRC mismatch");
	buf[off[2] + 60] ^= 1;

	/* Garbage inserted between records 1 and 2. */
	buf = realloc(buf, len + 13);
	memmove(buf + off[2] + 13, buf + off[2], len - off[2]);
	memcpy(buf + off[2], "SRECgarbage!!", 13);
	walk(buf, len + 13, hlen, &w);
	ASSERT_EQ(w.records, 5);
	ASSERT_EQ(w.corrupt, 1);
	ASSERT_U64_EQ(w.first_skip_off, off[2]);
	ASSERT_U64_EQ(w.first_skip_len, 13);
	free(buf);
}

STLM_TEST(hostile_lengths)
{
	size_t len = 0, hlen = 0, off[3] = { 0 };
	uint8_t *buf = make_file(3, 2, &len, &hlen, off);
	struct walk w;
	uint8_t *p = buf + off[1];

	/* Length over the limit, at the limit past the end, too small, and
	 * a sample count that disagrees with the length: each only loses
	 * record 1. */
	static const uint32_t lens[] = { 0xFFFFFFFFu, REC_MAX_BODY,
					 REC_MAX_BODY + 1, 0, 31, 33 };
	for (size_t i = 0; i < sizeof(lens) / sizeof(lens[0]); i++) {
		uint8_t save[4];

		memcpy(save, p + 8, 4);
		for (int b = 0; b < 4; b++)
			p[8 + b] = (uint8_t)(lens[i] >> (8 * b));
		walk(buf, len, hlen, &w);
		ASSERT_EQ(w.records, 2);
		ASSERT_EQ(w.corrupt, 1);
		ASSERT_U64_EQ(w.first_skip_off, off[1]);
		memcpy(p + 8, save, 4);
	}
	p[16 + 24] = 0xFF; /* n_samples */
	walk(buf, len, hlen, &w);
	ASSERT_EQ(w.records, 2);
	ASSERT_STREQ(w.first_why,
		     "sample count does not match the record length");
	free(buf);

	/* A file of nothing but record magics. */
	buf = malloc(4096);
	for (size_t i = 0; i < 4096; i += 4)
		memcpy(buf + i, "SREC", 4);
	walk(buf, 4096, 0, &w);
	ASSERT_EQ(w.records, 0);
	ASSERT_EQ(w.torn, 1);
	ASSERT_U64_EQ(w.first_skip_len, 4096);
	free(buf);
}

STLM_TEST(unknown_record_type_skipped)
{
	size_t len = 0, hlen = 0, off[3] = { 0 };
	uint8_t *buf = make_file(3, 1, &len, &hlen, off);
	struct rec_reader r;
	struct rec_record rec;
	struct rec_skip sk;
	uint8_t *p = buf + off[1];
	uint32_t body = (uint32_t)(off[2] - off[1] - REC_PREFIX_SIZE), crc;
	int n = 0;

	/* Record 1 becomes a valid record of type 7. */
	p[4] = 7;
	crc = rec_crc32(rec_crc32(0, p + 4, 8), p + 16, body);
	for (int b = 0; b < 4; b++)
		p[12 + b] = (uint8_t)(crc >> (8 * b));
	rec_reader_init(&r, buf, len, hlen);
	while (rec_next(&r, &rec, &sk) == REC_NEXT_RECORD)
		n++;
	ASSERT_EQ(n, 2);
	ASSERT_EQ(r.unknown, 1);
	ASSERT_EQ(r.corrupt + r.torn, 0);
	free(buf);
}

STLM_TEST(special_values)
{
	struct rec_sample s[3] = {
		{ .id = 1, .value = NAN },
		{ .id = 2, .value = -INFINITY, .raw = UINT64_MAX },
		{ .id = UINT32_MAX, .value = -0.0, .flags = UINT32_MAX },
	};
	uint8_t buf[REC_PREFIX_SIZE + REC_SNAP_FIXED + 3 * REC_SAMPLE_SIZE];
	struct rec_reader r;
	struct rec_record rec;
	struct rec_skip sk;
	struct rec_sample g;

	ASSERT_OK(rec_snapshot_encode(buf, sizeof(buf), UINT64_MAX, 0,
				      UINT64_MAX, s, 3));
	rec_reader_init(&r, buf, sizeof(buf), 0);
	ASSERT_EQ(rec_next(&r, &rec, &sk), REC_NEXT_RECORD);
	ASSERT_U64_EQ(rec.time_ns, UINT64_MAX);
	ASSERT_U64_EQ(rec.generation, UINT64_MAX);
	ASSERT_EQ(rec.n_samples, 3);
	rec_sample_get(&rec, 0, &g);
	ASSERT_TRUE(isnan(g.value));
	rec_sample_get(&rec, 1, &g);
	ASSERT_TRUE(isinf(g.value) && g.value < 0);
	ASSERT_U64_EQ(g.raw, UINT64_MAX);
	rec_sample_get(&rec, 2, &g);
	ASSERT_TRUE(g.value == 0 && signbit(g.value));
	ASSERT_EQ(g.id, UINT32_MAX);
	ASSERT_EQ(rec_next(&r, &rec, &sk), REC_NEXT_END);
}
