// SPDX-License-Identifier: MIT
/*
 * Copyright (c) 2026 The stlm authors
 *
 * Parsers of the STLMFS v4 text files (see stlmfs-text.h).
 *
 * Theory of operation
 * -------------------
 * Every parser works on (buf, len), never reads past len and never relies
 * on a terminating NUL. The common shape is: strip the accepted trailer
 * (one "\n", and for names a NUL), then consume tokens with small scanners
 * that report how many bytes they used; anything left over is -EBADMSG.
 * Numbers are accumulated with explicit overflow checks (-ERANGE), never
 * with strtoull(), so no locale, no leading blanks and no sign slip in.
 */
#include <errno.h>
#include <string.h>

#include "stlmfs-text.h"
#include "telemetry.h"

/* Drop one trailing "\n". */
static size_t chomp(const char *buf, size_t len)
{
	if (len && buf[len - 1] == '\n')
		len--;
	return len;
}

/* Decimal digits at buf: value and bytes used (0: none). -ERANGE over max. */
static int scan_dec(const char *buf, size_t len, uint64_t max, uint64_t *ret,
		    size_t *used)
{
	uint64_t v = 0;
	size_t i = 0;

	while (i < len && buf[i] >= '0' && buf[i] <= '9') {
		unsigned int d = (unsigned int)(buf[i] - '0');

		if (v > (max - d) / 10)
			return -ERANGE;
		v = v * 10 + d;
		i++;
	}
	*ret = v;
	*used = i;
	return 0;
}

/* "0x" and 1..maxd hex digits (exactly want digits when want != 0). */
static int scan_hex(const char *buf, size_t len, unsigned int maxd,
		    uint64_t *ret, size_t *used)
{
	uint64_t v = 0;
	size_t i = 2;

	if (len < 3 || buf[0] != '0' || (buf[1] != 'x' && buf[1] != 'X'))
		return -EBADMSG;
	while (i < len && scmi_tlm_hex_digit(buf[i]) >= 0) {
		if (i - 2 >= maxd)
			return -ERANGE;
		v = v << 4 | (uint64_t)scmi_tlm_hex_digit(buf[i]);
		i++;
	}
	if (i == 2)
		return -EBADMSG;
	*ret = v;
	*used = i;
	return 0;
}

int stlmfs_text_parse_bool(const char *buf, size_t len, bool *ret)
{
	len = chomp(buf, len);
	if (len != 1)
		return -EBADMSG;
	switch (buf[0]) {
	case 'Y': case 'y': case '1':
		*ret = true;
		return 0;
	case 'N': case 'n': case '0':
		*ret = false;
		return 0;
	default:
		return -EBADMSG;
	}
}

int stlmfs_text_parse_uint(const char *buf, size_t len, uint64_t max,
			   uint64_t *ret)
{
	uint64_t v;
	size_t used;
	int r;

	len = chomp(buf, len);
	if (!len)
		return -EBADMSG;
	if (len > 2 && buf[0] == '0' && (buf[1] == 'x' || buf[1] == 'X'))
		r = scan_hex(buf, len, 16, &v, &used);
	else
		r = scan_dec(buf, len, UINT64_MAX, &v, &used);
	if (r < 0)
		return r;
	if (!used || used != len)
		return -EBADMSG;
	if (v > max)
		return -ERANGE;
	*ret = v;
	return 0;
}

int stlmfs_text_parse_int(const char *buf, size_t len, int64_t min, int64_t max,
			  int64_t *ret)
{
	bool neg = false;
	uint64_t v;
	size_t used, i = 0;
	int64_t x;
	int r;

	len = chomp(buf, len);
	if (len && (buf[0] == '-' || buf[0] == '+')) {
		neg = buf[0] == '-';
		i = 1;
	}
	r = scan_dec(buf + i, len - i, (uint64_t)INT64_MAX + 1, &v, &used);
	if (r < 0)
		return r;
	if (!used || i + used != len)
		return -EBADMSG;
	if (neg)
		x = v == (uint64_t)INT64_MAX + 1 ? INT64_MIN : -(int64_t)v;
	else if (v > (uint64_t)INT64_MAX)
		return -ERANGE;
	else
		x = (int64_t)v;
	if (x < min || x > max)
		return -ERANGE;
	*ret = x;
	return 0;
}

int stlmfs_text_parse_uuid(const char *buf, size_t len, uint8_t ret[16])
{
	static const unsigned char dash[] = { 8, 13, 18, 23 };
	uint8_t out[16];
	size_t k = 0, o = 0;

	len = chomp(buf, len);
	if (len != 36)
		return -EBADMSG;
	for (size_t i = 0; i < 36;) {
		int hi, lo;

		if (k < sizeof(dash) && i == dash[k]) {
			if (buf[i] != '-')
				return -EBADMSG;
			k++;
			i++;
			continue;
		}
		hi = scmi_tlm_hex_digit(buf[i]);
		lo = scmi_tlm_hex_digit(buf[i + 1]);
		if (hi < 0 || lo < 0 || (k < sizeof(dash) && i + 1 == dash[k]))
			return -EBADMSG;
		out[o++] = (uint8_t)(hi << 4 | lo);
		i += 2;
	}
	memcpy(ret, out, sizeof(out));
	return 0;
}

int stlmfs_text_parse_name(const char *buf, size_t len, char *ret, size_t cap)
{
	/* The kernel's read length includes the NUL after "\n" (or after
	 * the name): accept "name\n\0", "name\0", "name\n", "name". */
	if (len && buf[len - 1] == '\0')
		len--;
	len = chomp(buf, len);
	if (!len || len > STLMFS_NAME_MAX || cap <= len)
		return -EBADMSG;
	for (size_t i = 0; i < len; i++)
		if ((unsigned char)buf[i] < 0x20 || (unsigned char)buf[i] > 0x7e)
			return -EBADMSG;
	memcpy(ret, buf, len);
	ret[len] = '\0';
	return 0;
}

/* One tuple at buf (no trailer); bytes used in *used. */
static int scan_interval(const char *buf, size_t len, bool need_exp,
			 struct stlmfs_iv *ret, size_t *used)
{
	uint64_t secs;
	size_t n, i;
	int64_t e = -3;
	bool neg = false;
	int r;

	r = scan_dec(buf, len, UINT64_MAX, &secs, &n);
	if (r < 0)
		return r;
	if (!n)
		return -EBADMSG;
	i = n;
	if (i < len && buf[i] == ',') {
		uint64_t ev;

		i++;
		if (i < len && buf[i] == '-') {
			neg = true;
			i++;
		}
		r = scan_dec(buf + i, len - i, 1000, &ev, &n);
		if (r < 0)
			return r;
		if (!n)
			return -EBADMSG;
		i += n;
		e = neg ? -(int64_t)ev : (int64_t)ev;
	} else if (need_exp) {
		return -EBADMSG;
	}
	if (secs > UINT16_MAX || e < -16 || e > 15)
		return -ERANGE;
	ret->secs = (uint16_t)secs;
	ret->exp = (int8_t)e;
	*used = i;
	return 0;
}

int stlmfs_text_parse_interval(const char *buf, size_t len, struct stlmfs_iv *ret)
{
	struct stlmfs_iv v;
	size_t used;
	int r;

	len = chomp(buf, len);
	r = scan_interval(buf, len, false, &v, &used);
	if (r < 0)
		return r;
	if (used != len)
		return -EBADMSG;
	*ret = v;
	return 0;
}

/* One list item of size bytes into out; the bytes it used in *used. */
typedef int (*list_item_fn)(const char *buf, size_t len, void *out,
			    size_t *used);

/*
 * A list of items separated by single spaces (one trailing "\n" allowed)
 * into v[cap] of items of size bytes: -EBADMSG, the item's error, or
 * -E2BIG when there are more than cap.
 */
static int parse_list(const char *buf, size_t len, list_item_fn item,
		      void *v, size_t size, size_t cap, size_t *ret_n)
{
	size_t i = 0, n = 0;

	len = chomp(buf, len);
	while (i < len) {
		union {
			struct stlmfs_iv iv;
			uint32_t id;
		} x;
		size_t used;
		int r;

		if (n) {
			if (buf[i] != ' ')
				return -EBADMSG;
			i++;
		}
		r = item(buf + i, len - i, &x, &used);
		if (r < 0)
			return r;
		if (n >= cap)
			return -E2BIG;
		memcpy((char *)v + n++ * size, &x, size);
		i += used;
	}
	*ret_n = n;
	return 0;
}

static int interval_item(const char *buf, size_t len, void *out,
			 size_t *used)
{
	return scan_interval(buf, len, true, out, used);
}

int stlmfs_text_parse_intervals(const char *buf, size_t len, struct stlmfs_iv *v,
				size_t cap, size_t *ret_n)
{
	return parse_list(buf, len, interval_item, v, sizeof(*v), cap, ret_n);
}

int stlmfs_text_parse_de_dirname(const char *name, uint32_t *ret)
{
	size_t len = strnlen(name, 11);
	uint64_t v;
	size_t used;
	int r;

	if (len != 6 && len != 10)
		return -EBADMSG;
	if (name[1] != 'x')
		return -EBADMSG;
	r = scan_hex(name, len, 8, &v, &used);
	if (r < 0 || used != len)
		return -EBADMSG;
	*ret = (uint32_t)v;
	return 0;
}

static int parse_dec_name(const char *s, uint32_t *ret)
{
	size_t len = strnlen(s, 12);
	uint64_t v;
	size_t used;

	if (!len || len > 10 || (s[0] == '0' && len > 1))
		return -EBADMSG;
	if (scan_dec(s, len, UINT32_MAX, &v, &used) < 0 || used != len)
		return -EBADMSG;
	*ret = (uint32_t)v;
	return 0;
}

int stlmfs_text_parse_group_dirname(const char *name, uint32_t *ret)
{
	return parse_dec_name(name, ret);
}

int stlmfs_text_parse_instance_dirname(const char *name, uint32_t *ret)
{
	if (strncmp(name, "tlm_", 4))
		return -EBADMSG;
	return parse_dec_name(name + 4, ret);
}

static int id_item(const char *buf, size_t len, void *out, size_t *used)
{
	uint64_t v;
	int r;

	r = scan_hex(buf, len, 8, &v, used);
	if (r < 0)
		return r == -ERANGE ? -ERANGE : -EBADMSG;
	*(uint32_t *)out = (uint32_t)v;
	return 0;
}

int stlmfs_text_parse_id_list(const char *buf, size_t len, uint32_t *ids,
			      size_t cap, size_t *ret_n)
{
	return parse_list(buf, len, id_item, ids, sizeof(*ids), cap, ret_n);
}

/* Exactly 16 hex digits. */
static int scan_value(const char *buf, size_t len, uint64_t *ret)
{
	uint64_t v = 0;

	if (len != 16)
		return -EBADMSG;
	for (size_t i = 0; i < 16; i++) {
		int d = scmi_tlm_hex_digit(buf[i]);

		if (d < 0)
			return -EBADMSG;
		v = v << 4 | (uint64_t)d;
	}
	*ret = v;
	return 0;
}

int stlmfs_text_parse_bulk_line(const char *line, size_t len,
				struct stlmfs_sample *ret)
{
	struct stlmfs_sample x;
	uint64_t v;
	size_t used, i;
	int r;

	if (len < 2 || line[0] != '0' || line[1] != 'x')
		return -EBADMSG;
	r = scan_hex(line, len, 8, &v, &used);
	if (r < 0 || (used != 6 && used != 10))
		return -EBADMSG;
	x.id = (uint32_t)v;
	i = used;
	if (i >= len || line[i] != ' ')
		return -EBADMSG;
	i++;
	r = scan_dec(line + i, len - i, UINT64_MAX, &x.ts, &used);
	if (r < 0)
		return -EBADMSG;
	if (!used)
		return -EBADMSG;
	i += used;
	if (i >= len || line[i] != ' ')
		return -EBADMSG;
	i++;
	if (scan_value(line + i, len - i, &x.value) < 0)
		return -EBADMSG;
	*ret = x;
	return 0;
}

int stlmfs_text_bulk_next(const char *buf, size_t len, size_t *off,
			  size_t *line_no, struct stlmfs_sample *ret)
{
	const char *p, *nl;
	size_t rest;

	if (*off >= len)
		return 0;
	p = buf + *off;
	rest = len - *off;
	(*line_no)++;
	nl = memchr(p, '\n', rest);
	if (!nl)
		return -EBADMSG;
	if (stlmfs_text_parse_bulk_line(p, (size_t)(nl - p), ret) < 0)
		return -EBADMSG;
	*off += (size_t)(nl - p) + 1;
	return 1;
}

int stlmfs_text_parse_value(const char *buf, size_t len, struct stlmfs_sample *ret)
{
	struct stlmfs_sample x = { 0 };
	size_t used, i;

	len = chomp(buf, len);
	if (scan_dec(buf, len, UINT64_MAX, &x.ts, &used) < 0 || !used)
		return -EBADMSG;
	i = used;
	if (i < len && buf[i] == ':')
		i++;
	if (i >= len || buf[i] != ' ')
		return -EBADMSG;
	i++;
	if (scan_value(buf + i, len - i, &x.value) < 0)
		return -EBADMSG;
	*ret = x;
	return 0;
}
