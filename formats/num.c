// SPDX-License-Identifier: MIT
/*
 * Copyright (c) 2026 The stlm authors
 *
 * The number rule of the description formats (num.h).
 */
#include <errno.h>
#include <stdbool.h>

#include "num.h"

int stlm__hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Digits after any sign; *hex tells which base they were. */
static int parse_mag(const char *p, uint64_t *ret, bool *hex)
{
	uint64_t v = 0;

	*hex = p[0] == '0' && (p[1] == 'x' || p[1] == 'X');
	if (*hex) {
		p += 2;
		if (!*p)
			return -EINVAL;
		for (; *p; p++) {
			int d = stlm__hex_digit(*p);

			if (d < 0)
				return -EINVAL;
			if (v >> 60)
				return -ERANGE;
			v = v << 4 | (uint64_t)d;
		}
		*ret = v;
		return 0;
	}
	if (!*p)
		return -EINVAL;
	for (; *p; p++) {
		unsigned int d = (unsigned int)(*p - '0');

		if (d > 9)
			return -EINVAL;
		if (v > (UINT64_MAX - d) / 10)
			return -ERANGE;
		v = v * 10 + d;
	}
	*ret = v;
	return 0;
}

int stlm__num_u64(const char *s, uint64_t *ret)
{
	uint64_t v;
	bool hex;
	int r;

	if (!s || !ret)
		return -EINVAL;
	r = parse_mag(s, &v, &hex);
	if (r < 0)
		return r;
	*ret = v;
	return 0;
}

int stlm__num_i64(const char *s, int64_t *ret)
{
	bool neg = false, hex;
	uint64_t v;
	int r;

	if (!s || !ret)
		return -EINVAL;
	if (*s == '-' || *s == '+')
		neg = *s++ == '-';
	r = parse_mag(s, &v, &hex);
	if (r < 0)
		return r;
	if (!hex && (neg ? v > (uint64_t)INT64_MAX + 1 : v > (uint64_t)INT64_MAX))
		return -ERANGE;
	*ret = neg ? (int64_t)(0 - v) : (int64_t)v;
	return 0;
}
