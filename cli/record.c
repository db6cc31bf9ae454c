// SPDX-License-Identifier: MIT
/*
 * Copyright (c) 2026 The stlm authors
 *
 * The recording format: encoder and defensive decoder
 * (docs/record-format.md).
 *
 * Theory of operation
 *
 * A recording is a header (identity + DE table, protected by one CRC)
 * followed by records, each {magic, type, length, crc} + body, appended
 * with one write() each. The reader walks the records in place: at each
 * offset it checks the magic, the type-specific length rules and the CRC.
 * When a record does not check out, it scans forward byte by byte for the
 * next offset where a record does; the bytes in between are reported as a
 * corrupt stretch, or as a torn tail when no good record follows. Every
 * length is checked against both its limit and the bytes left before it is
 * used, so no input makes the reader step outside the buffer.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "record.h"

/* ------------------------------------------------------------------ */
/* CRC-32                                                              */

/* Slicing by 8: table k advances the CRC over k more zero bytes, so eight
 * bytes take eight lookups and no dependency chain per byte (the header of
 * a platform with 2^20 DEs is tens of MiB). */
static uint32_t crc_table[8][256];

static void crc_table_init(void)
{
	for (uint32_t i = 0; i < 256; i++) {
		uint32_t c = i;

		for (int k = 0; k < 8; k++)
			c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
		crc_table[0][i] = c;
	}
	for (uint32_t i = 0; i < 256; i++)
		for (int t = 1; t < 8; t++)
			crc_table[t][i] = (crc_table[t - 1][i] >> 8) ^
					  crc_table[0][crc_table[t - 1][i] & 0xFF];
}

uint32_t rec_crc32(uint32_t crc, const void *buf, size_t len)
{
	static bool ready;
	const uint8_t *p = buf;

	/* Idempotent and race-free in effect: every thread writes the same
	 * values. The CLI is single-threaded anyway. */
	if (!__atomic_load_n(&ready, __ATOMIC_ACQUIRE)) {
		crc_table_init();
		__atomic_store_n(&ready, true, __ATOMIC_RELEASE);
	}
	crc = ~crc;
	for (; len >= 8; len -= 8, p += 8) {
		uint32_t lo = crc ^ ((uint32_t)p[0] | (uint32_t)p[1] << 8 |
				     (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24);

		crc = crc_table[7][lo & 0xFF] ^ crc_table[6][(lo >> 8) & 0xFF] ^
		      crc_table[5][(lo >> 16) & 0xFF] ^ crc_table[4][lo >> 24] ^
		      crc_table[3][p[4]] ^ crc_table[2][p[5]] ^
		      crc_table[1][p[6]] ^ crc_table[0][p[7]];
	}
	while (len--)
		crc = crc_table[0][(crc ^ *p++) & 0xFF] ^ (crc >> 8);
	return ~crc;
}

/* ------------------------------------------------------------------ */
/* Little-endian helpers                                               */

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

void rec_put32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

void rec_put64(uint8_t *p, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

uint32_t rec_get32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

uint64_t rec_get64(const uint8_t *p)
{
	return (uint64_t)rec_get32(p) | (uint64_t)rec_get32(p + 4) << 32;
}

/* ------------------------------------------------------------------ */
/* Header                                                              */

/* Length of @s as written: capped at REC_MAX_STR, on a UTF-8 boundary. */
static size_t str_wlen(const char *s)
{
	size_t n = s ? strlen(s) : 0;

	if (n > REC_MAX_STR) {
		n = REC_MAX_STR;
		while (n > 0 && ((uint8_t)s[n] & 0xC0) == 0x80)
			n--;
	}
	return n;
}

static uint8_t *put_str(uint8_t *p, const char *s)
{
	size_t n = str_wlen(s);

	put16(p, (uint16_t)n);
	if (n)
		memcpy(p + 2, s, n);
	return p + 2 + n;
}

static void put_fixed_str(uint8_t *p, const char *s, size_t size)
{
	size_t n = s ? strnlen(s, size) : 0;

	memset(p, 0, size);
	if (n)
		memcpy(p, s, n);
}

static size_t de_wsize(const struct rec_de *d)
{
	return REC_DE_FIXED + 10 + str_wlen(d->fw_name) + str_wlen(d->name) +
	       str_wlen(d->unit_name) + str_wlen(d->compo_name) +
	       str_wlen(d->description);
}

int rec_header_encode(const struct rec_header *h, uint8_t **ret_buf,
		      size_t *ret_len)
{
	size_t body = REC_HDR_FIXED, total;
	uint8_t *buf, *b, *p;
	uint32_t crc;

	if (!h || !ret_buf || !ret_len || h->n_des > REC_MAX_DES ||
	    (h->n_des && !h->des))
		return -EINVAL;
	body += 8 + str_wlen(h->tool) + str_wlen(h->host) + str_wlen(h->uri) +
		str_wlen(h->catalog);
	for (uint32_t i = 0; i < h->n_des; i++)
		body += de_wsize(&h->des[i]);
	if (body > REC_MAX_HEADER_BODY)
		return -E2BIG;
	total = REC_FILE_HDR_SIZE + body;
	buf = calloc(1, total);
	if (!buf)
		return -ENOMEM;

	memcpy(buf, REC_FILE_MAGIC, REC_FILE_MAGIC_LEN);
	put16(buf + 8, REC_VERSION_MAJOR);
	put16(buf + 10, body > REC_MAX_HEADER_BODY_1_0 ?
			REC_VERSION_MINOR_LARGE : REC_VERSION_MINOR);
	rec_put32(buf + 12, 0);
	rec_put32(buf + 16, (uint32_t)body);

	b = buf + REC_FILE_HDR_SIZE;
	rec_put32(b + 0, h->protocol_version);
	rec_put32(b + 4, h->base_version);
	rec_put32(b + 8, h->impl_version);
	rec_put32(b + 12, h->n_platform_des);
	memcpy(b + 16, h->uuid, 16);
	put_fixed_str(b + 32, h->vendor, 16);
	put_fixed_str(b + 48, h->sub_vendor, 16);
	rec_put64(b + 64, h->created_ns);
	rec_put64(b + 72, h->interval_ns);
	rec_put32(b + 80, h->default_blk_ts_rate_khz);
	rec_put32(b + 84, h->n_des);
	p = b + REC_HDR_FIXED;
	p = put_str(p, h->tool);
	p = put_str(p, h->host);
	p = put_str(p, h->uri);
	p = put_str(p, h->catalog);
	for (uint32_t i = 0; i < h->n_des; i++) {
		const struct rec_de *d = &h->des[i];

		rec_put32(p + 0, d->id);
		rec_put32(p + 4, d->group);
		rec_put32(p + 8, d->size);
		rec_put32(p + 12, d->ts_rate_khz);
		put16(p + 16, d->compo_instance);
		p[18] = d->type;
		p[19] = d->unit;
		p[20] = (uint8_t)d->unit_exp;
		p[21] = d->compo_type;
		p[22] = d->instance;
		p[23] = d->flags;
		p[24] = d->kind;
		/* 25..27 reserved, zero */
		p += REC_DE_FIXED;
		p = put_str(p, d->fw_name);
		p = put_str(p, d->name);
		p = put_str(p, d->unit_name);
		p = put_str(p, d->compo_name);
		p = put_str(p, d->description);
	}

	crc = rec_crc32(0, buf, 20);
	crc = rec_crc32(crc, b, body);
	rec_put32(buf + 20, crc);
	*ret_buf = buf;
	*ret_len = total;
	return 0;
}

/* A bounded cursor over the header body. */
struct cur {
	const uint8_t *p;
	size_t left;
	bool bad;
};

static const uint8_t *cur_take(struct cur *c, size_t n)
{
	const uint8_t *p = c->p;

	if (c->bad || n > c->left) {
		c->bad = true;
		return NULL;
	}
	c->p += n;
	c->left -= n;
	return p;
}

/* A length-prefixed string, copied NUL-terminated (an embedded NUL ends
 * it early). NULL on a bad length or no memory (c->bad tells which). */
static char *cur_str(struct cur *c)
{
	const uint8_t *p = cur_take(c, 2);
	size_t n;
	char *s;

	if (!p)
		return NULL;
	n = get16(p);
	if (n > REC_MAX_STR) {
		c->bad = true;
		return NULL;
	}
	p = cur_take(c, n);
	if (!p)
		return NULL;
	/* Length-delimited, not NUL-terminated on disk: copy n bytes and
	 * stop at an embedded NUL (never read past the field). */
	s = malloc((size_t)n + 1);
	if (!s)
		return NULL;
	memcpy(s, p, n);
	s[n] = '\0';
	return s;
}

static void de_done(struct rec_de *d)
{
	free(d->fw_name);
	free(d->name);
	free(d->unit_name);
	free(d->compo_name);
	free(d->description);
}

void rec_header_done(struct rec_header *h)
{
	if (!h)
		return;
	for (uint32_t i = 0; i < h->n_des && h->des; i++)
		de_done(&h->des[i]);
	free(h->des);
	free(h->tool);
	free(h->host);
	free(h->uri);
	free(h->catalog);
	memset(h, 0, sizeof(*h));
}

static int de_cmp(const void *a, const void *b)
{
	uint32_t x = ((const struct rec_de *)a)->id;
	uint32_t y = ((const struct rec_de *)b)->id;

	return x < y ? -1 : x > y;
}

int rec_header_decode(const uint8_t *buf, size_t len, struct rec_header *ret,
		      size_t *ret_len)
{
	struct rec_header h;
	struct cur c;
	uint32_t body, crc, n;
	const uint8_t *b;
	int r = -EBADMSG;

	if (!buf || !ret || !ret_len)
		return -EINVAL;
	if (len < REC_FILE_MAGIC_LEN)
		return memcmp(buf, REC_FILE_MAGIC, len) ? -EBADMSG : -ENODATA;
	if (memcmp(buf, REC_FILE_MAGIC, REC_FILE_MAGIC_LEN))
		return -EBADMSG;
	if (len < REC_FILE_HDR_SIZE)
		return -ENODATA;
	if (get16(buf + 8) != REC_VERSION_MAJOR)
		return -EPROTONOSUPPORT;
	body = rec_get32(buf + 16);
	if (body > REC_MAX_HEADER_BODY)
		return -E2BIG;
	if (body < REC_HDR_FIXED + 8)
		return -EBADMSG;
	if (len - REC_FILE_HDR_SIZE < body)
		return -ENODATA;
	b = buf + REC_FILE_HDR_SIZE;
	crc = rec_crc32(0, buf, 20);
	crc = rec_crc32(crc, b, body);
	if (crc != rec_get32(buf + 20))
		return -EBADMSG;

	memset(&h, 0, sizeof(h));
	h.version_minor = get16(buf + 10);
	h.protocol_version = rec_get32(b + 0);
	h.base_version = rec_get32(b + 4);
	h.impl_version = rec_get32(b + 8);
	h.n_platform_des = rec_get32(b + 12);
	memcpy(h.uuid, b + 16, 16);
	memcpy(h.vendor, b + 32, 16);
	memcpy(h.sub_vendor, b + 48, 16);
	h.created_ns = rec_get64(b + 64);
	h.interval_ns = rec_get64(b + 72);
	h.default_blk_ts_rate_khz = rec_get32(b + 80);
	n = rec_get32(b + 84);

	c.p = b + REC_HDR_FIXED;
	c.left = body - REC_HDR_FIXED;
	c.bad = false;
	h.tool = cur_str(&c);
	h.host = cur_str(&c);
	h.uri = cur_str(&c);
	h.catalog = cur_str(&c);
	if (!h.tool || !h.host || !h.uri || !h.catalog) {
		r = c.bad ? -EBADMSG : -ENOMEM;
		goto err_free;
	}
	/* Each entry takes at least REC_DE_FIXED + 5 empty strings: bound
	 * the allocation by the bytes actually there. */
	if (n > REC_MAX_DES) {
		r = -E2BIG;
		goto err_free;
	}
	if ((uint64_t)n * (REC_DE_FIXED + 10) > c.left)
		goto err_free;
	if (n) {
		h.des = calloc(n, sizeof(*h.des));
		if (!h.des) {
			r = -ENOMEM;
			goto err_free;
		}
	}
	for (uint32_t i = 0; i < n; i++) {
		struct rec_de *d = &h.des[i];
		const uint8_t *p = cur_take(&c, REC_DE_FIXED);

		h.n_des = i + 1;
		if (!p)
			goto err_free;
		d->id = rec_get32(p + 0);
		d->group = rec_get32(p + 4);
		d->size = rec_get32(p + 8);
		d->ts_rate_khz = rec_get32(p + 12);
		d->compo_instance = get16(p + 16);
		d->type = p[18];
		d->unit = p[19];
		d->unit_exp = (int8_t)p[20];
		d->compo_type = p[21];
		d->instance = p[22];
		d->flags = p[23];
		d->kind = p[24];
		d->fw_name = cur_str(&c);
		d->name = cur_str(&c);
		d->unit_name = cur_str(&c);
		d->compo_name = cur_str(&c);
		d->description = cur_str(&c);
		if (!d->fw_name || !d->name || !d->unit_name ||
		    !d->compo_name || !d->description) {
			r = c.bad ? -EBADMSG : -ENOMEM;
			goto err_free;
		}
	}
	/* Bytes after the table belong to later minor versions. */
	if (n > 1) {
		qsort(h.des, n, sizeof(*h.des), de_cmp);
		for (uint32_t i = 1; i < n; i++)
			if (h.des[i].id == h.des[i - 1].id)
				goto err_free;
	}
	*ret = h;
	*ret_len = REC_FILE_HDR_SIZE + (size_t)body;
	return 0;

err_free:
	rec_header_done(&h);
	return r;
}

const struct rec_de *rec_header_find(const struct rec_header *h, uint32_t id)
{
	size_t lo = 0, hi;

	if (!h || !h->des)
		return NULL;
	hi = h->n_des;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (h->des[mid].id == id)
			return &h->des[mid];
		if (h->des[mid].id < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

/* ------------------------------------------------------------------ */
/* Records                                                             */

long rec_snapshot_encode(uint8_t *buf, size_t len, uint64_t time_ns,
			 uint64_t mono_ns, uint64_t generation,
			 const struct rec_sample *s, size_t n)
{
	size_t size, body;
	uint8_t *b;
	uint32_t crc;

	if (!buf || n > REC_MAX_SAMPLES || (n && !s))
		return -EINVAL;
	size = rec_snapshot_size(n);
	if (len < size)
		return -EINVAL;
	body = size - REC_PREFIX_SIZE;
	rec_put32(buf + 0, REC_MAGIC);
	rec_put32(buf + 4, REC_TYPE_SNAPSHOT);
	rec_put32(buf + 8, (uint32_t)body);
	b = buf + REC_PREFIX_SIZE;
	rec_put64(b + 0, time_ns);
	rec_put64(b + 8, mono_ns);
	rec_put64(b + 16, generation);
	rec_put32(b + 24, (uint32_t)n);
	rec_put32(b + 28, 0);
	b += REC_SNAP_FIXED;
	for (size_t i = 0; i < n; i++, b += REC_SAMPLE_SIZE) {
		uint64_t bits;

		memcpy(&bits, &s[i].value, sizeof(bits));
		rec_put32(b + 0, s[i].id);
		rec_put32(b + 4, s[i].flags);
		rec_put64(b + 8, s[i].raw);
		rec_put64(b + 16, bits);
		rec_put64(b + 24, s[i].ts);
		rec_put32(b + 32, s[i].ts_rate_khz);
		rec_put32(b + 36, 0);
	}
	crc = rec_crc32(0, buf + 4, 8);
	crc = rec_crc32(crc, buf + REC_PREFIX_SIZE, body);
	rec_put32(buf + 12, crc);
	return (long)size;
}

void rec_sample_get(const struct rec_record *r, size_t i,
		    struct rec_sample *ret)
{
	const uint8_t *p = r->samples + i * REC_SAMPLE_SIZE;
	uint64_t bits = rec_get64(p + 16);

	ret->id = rec_get32(p + 0);
	ret->flags = rec_get32(p + 4);
	ret->raw = rec_get64(p + 8);
	memcpy(&ret->value, &bits, sizeof(bits));
	ret->ts = rec_get64(p + 24);
	ret->ts_rate_khz = rec_get32(p + 32);
}

void rec_reader_init(struct rec_reader *r, const uint8_t *buf, size_t len,
		     size_t off)
{
	memset(r, 0, sizeof(*r));
	r->buf = buf;
	r->len = len;
	r->off = off <= len ? off : len;
}

/*
 * Check the record at @off. Returns 1 with *rec filled, 0 for a valid
 * record of an unknown type (*rec->size set), or -1 with *why.
 */
static int check_at(const struct rec_reader *r, size_t off,
		    struct rec_record *rec, const char **why)
{
	const uint8_t *p = r->buf + off, *b;
	size_t left = r->len - off;
	uint32_t type, body, n;

	if (left < 4) {
		*why = "truncated record prefix";
		return -1;
	}
	if (rec_get32(p) != REC_MAGIC) {
		*why = "bad record magic";
		return -1;
	}
	if (left < REC_PREFIX_SIZE) {
		*why = "truncated record prefix";
		return -1;
	}
	type = rec_get32(p + 4);
	body = rec_get32(p + 8);
	if (body > REC_MAX_BODY) {
		*why = "record length over the limit";
		return -1;
	}
	if (type == REC_TYPE_SNAPSHOT && body < REC_SNAP_FIXED) {
		*why = "record length too small";
		return -1;
	}
	if (left - REC_PREFIX_SIZE < body) {
		*why = "record truncated";
		return -1;
	}
	b = p + REC_PREFIX_SIZE;
	if (type == REC_TYPE_SNAPSHOT) {
		n = rec_get32(b + 24);
		if (n > REC_MAX_SAMPLES ||
		    body != REC_SNAP_FIXED + (uint64_t)REC_SAMPLE_SIZE * n) {
			*why = "sample count does not match the record length";
			return -1;
		}
	}
	if (rec_crc32(rec_crc32(0, p + 4, 8), b, body) != rec_get32(p + 12)) {
		*why = "CRC mismatch";
		return -1;
	}
	memset(rec, 0, sizeof(*rec));
	rec->offset = off;
	rec->size = REC_PREFIX_SIZE + body;
	rec->type = type;
	if (type != REC_TYPE_SNAPSHOT)
		return 0;
	rec->time_ns = rec_get64(b + 0);
	rec->mono_ns = rec_get64(b + 8);
	rec->generation = rec_get64(b + 16);
	rec->n_samples = rec_get32(b + 24);
	rec->samples = b + REC_SNAP_FIXED;
	return 1;
}

int rec_next(struct rec_reader *r, struct rec_record *ret_rec,
	     struct rec_skip *ret_skip)
{
	struct rec_record rec;
	const char *why = NULL, *why2;
	size_t off;
	int k;

	for (;;) {
		if (r->off >= r->len)
			return REC_NEXT_END;
		k = check_at(r, r->off, &rec, &why);
		if (k < 0)
			break;
		r->off += rec.size;
		if (k == 0) {
			r->unknown++;
			continue;
		}
		r->records++;
		*ret_rec = rec;
		return REC_NEXT_RECORD;
	}

	/* Resynchronise: the next offset holding a valid record. */
	for (off = r->off + 1; off + 4 <= r->len; off++) {
		const uint8_t *m = memchr(r->buf + off, 'S', r->len - off);

		if (!m)
			break;
		off = (size_t)(m - r->buf);
		if (r->len - off < REC_PREFIX_SIZE)
			break;
		if (rec_get32(m) != REC_MAGIC)
			continue;
		if (check_at(r, off, &rec, &why2) >= 0) {
			ret_skip->offset = r->off;
			ret_skip->length = off - r->off;
			ret_skip->why = why;
			r->off = off;
			r->corrupt++;
			return REC_NEXT_CORRUPT;
		}
	}
	ret_skip->offset = r->off;
	ret_skip->length = r->len - r->off;
	ret_skip->why = why;
	r->off = r->len;
	r->torn++;
	return REC_NEXT_TORN;
}
