/* SPDX-License-Identifier: MIT */
/*
 * Copyright (c) 2026 The stlm authors
 *
 * The exporter's number formatting (cmd-export.c): a value as "%.15g"
 * prints it, without printf for the usual cases: an integer, or a number
 * from 1e-4 to 1e15 whose digits from the 16th on are not within reach of
 * a rounding tie (then printf decides). tests/tests-export-fmt.c checks it
 * against printf.
 */
#ifndef STLM_CLI_EXPORT_FMT_H
#define STLM_CLI_EXPORT_FMT_H

#include <math.h>
#include <stdio.h>
#include <string.h>

/* @out: at least 32 bytes, not terminated. Returns the length. */
static inline size_t export_fmt_value(char *out, double v)
{
	static const double p10[] = {
		1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
		1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18,
	};
	double a = v < 0 ? -v : v;
	size_t o = 0;

	if (v > -1e15 && v < 1e15 && v == (double)(long long)v &&
	    !(v == 0 && signbit(v))) {
		long long x = (long long)v;
		unsigned long long u = x < 0 ? 0ull - (unsigned long long)x :
					       (unsigned long long)x;
		char tmp[24];
		size_t k = 0;

		do {
			tmp[k++] = (char)('0' + u % 10);
			u /= 10;
		} while (u);
		if (x < 0)
			out[o++] = '-';
		while (k)
			out[o++] = tmp[--k];
		return o;
	}
	if (a >= 1e-4 && a < 1e15) {
		int x = 14, k;
		double scaled, fl, fr;
		unsigned long long d;
		char dig[16];

		/* 10^x <= a < 10^(x+1) */
		while (x > -4 && a < p10[x + 4] / 1e4)
			x--;
		k = 14 - x;
		/* a * 10^k < 1e15 < 2^53: its error is at most 1/16 */
		scaled = a * p10[k];
		fl = (double)(unsigned long long)scaled;
		fr = scaled - fl;
		if (fr > 0.3 && fr < 0.7)
			goto slow;
		d = (unsigned long long)fl + (fr >= 0.7);
		if (d < 100000000000000ull || d >= 1000000000000000ull)
			goto slow;
		for (int i = 14; i >= 0; i--) {
			dig[i] = (char)('0' + d % 10);
			d /= 10;
		}
		if (v < 0)
			out[o++] = '-';
		if (x >= 0) {
			memcpy(out + o, dig, (size_t)x + 1);
			o += (size_t)x + 1;
			out[o++] = '.';
			memcpy(out + o, dig + x + 1, (size_t)(14 - x));
			o += (size_t)(14 - x);
		} else {
			out[o++] = '0';
			out[o++] = '.';
			for (int i = -1; i > x; i--)
				out[o++] = '0';
			memcpy(out + o, dig, 15);
			o += 15;
		}
		while (out[o - 1] == '0')
			o--;
		if (out[o - 1] == '.')
			o--;
		return o;
	}
slow:
	return (size_t)snprintf(out, 32, "%.15g", v);
}

#endif /* STLM_CLI_EXPORT_FMT_H */
