// SPDX-License-Identifier: MIT
/*
 * Copyright (c) 2026 The stlm authors
 *
 * The exporter's number formatting (cli/export-fmt.h) against printf's
 * "%.15g": integers, decimals of every magnitude it handles itself, values
 * next to rounding ties and powers of ten, the ones it leaves to printf
 * (huge, tiny, negative zero, NaN, infinities), and a million values of
 * every kind from a fixed seed: the same text every time.
 */
#define STLM_TEST_GROUP "export-fmt"
#include "stlm-test.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "export-fmt.h"

static void check(double v)
{
	char got[64], want[64];
	size_t n = export_fmt_value(got, v);

	ASSERT_TRUE(n < 32);
	got[n] = '\0';
	snprintf(want, sizeof(want), "%.15g", v);
	if (strcmp(got, want))
		STLM_FAIL_AT("%.17g: '%s', printf '%s'", v, got, want);
}

STLM_TEST(fixed_values)
{
	static const double v[] = {
		0, 1, -1, 7, 10, 100, 1e14, 1e15 - 1, 1e15, -1e15, 1e16, 1e300,
		0.5, 0.1, 0.2, 0.3, 1.5, 2.5, -2.5, 0.125, 1.0 / 3, 2.0 / 3,
		123.456, -0.001234, 1e-4, 9.9999e-5, 1e-5, 1e-300, 5e-324,
		0.1 + 0.2, 3.14159265358979, 9.99999999999999, 9.999999999999999,
		99999999999999.95, 0.000123456789012345, 1234567890.12345,
		40.5555555555555555, 5.0 / 9.0 * 100 - 32.0 * 5.0 / 9.0,
	};

	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		check(v[i]);
		check(-v[i]);
	}
	check(-0.0);
	check(NAN);
	check(INFINITY);
	check(-INFINITY);
	/* next to powers of ten, from both sides */
	for (int e = -6; e <= 16; e++) {
		double p = pow(10, e);

		check(p);
		check(nextafter(p, 0));
		check(nextafter(p, INFINITY));
	}
}

STLM_TEST(random_values)
{
	uint64_t x = 0x9e3779b97f4a7c15ull;

	for (int i = 0; i < 1000000; i++) {
		double v;

		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		switch (i % 5) {
		case 0:	/* raw * 10^-k, as units and exponents make them */
			v = (double)((int64_t)(x % 2000001) - 1000000) *
			    pow(10, -(int)(x >> 40) % 8);
			break;
		case 1:	/* any magnitude from 1e-6 to 1e17 */
			v = (double)(x >> 11) / 9007199254740992.0 *
			    pow(10, (int)((x >> 3) % 24) - 6);
			break;
		case 2:	/* unit conversions (Fahrenheit) */
			v = (double)(x % 100000000) * 0.001 * (5.0 / 9.0) -
			    32.0 * 5.0 / 9.0;
			break;
		case 3:	/* any bit pattern */
			memcpy(&v, &x, sizeof(v));
			break;
		default: /* binary fractions: exact ties */
			v = (double)(x % 1000000) / 1024.0;
			break;
		}
		check(v);
	}
}
