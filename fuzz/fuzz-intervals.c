// SPDX-License-Identifier: MIT
/*
 * Copyright (c) 2026 The stlm authors
 *
 * Update intervals (§6) and the LIST_UPDATE_INTERVALS reply (§4.7).
 *
 * The input is decoded as a whole reply (status, flags word, interval
 * words), then every aligned 4-byte word of it as one interval word and
 * every aligned 8 bytes as a nanosecond count.
 *
 * Checks:
 *  - a reply page re-encodes and decodes to the same page; a discrete page
 *    is strictly ascending, a range has exactly three entries;
 *  - a decoded word re-encodes to the same word;
 *  - scmi_tlm_interval_from_ns(scmi_tlm_interval_ns(x)) is cmp-equal to x
 *    when x is a whole number of nanoseconds and did not saturate (it must
 *    then succeed and pick an exponent no smaller than x's), and is
 *    strictly shorter than x when x has a fractional nanosecond;
 *  - cmp is reflexive, antisymmetric and agrees with the nanosecond order;
 *  - every aligned 8 bytes, read as a nanosecond count, either get an exact
 *    encoding with the largest possible exponent, or have none at all.
 */
#include <stdbool.h>

#include "fuzz.h"
#include "scmi.h"
#include "telemetry.h"

#define MAX_IV (FUZZ_MAX_MSG / 4)

static struct scmi_tlm_interval iv[MAX_IV], iv2[MAX_IV];
static uint8_t out[FUZZ_MAX_MSG + 64];

static int sign(int v)
{
	return (v > 0) - (v < 0);
}

/* Is secs * 10^exp seconds a whole number of nanoseconds? */
static bool whole_ns(const struct scmi_tlm_interval *x)
{
	uint32_t div = 1;

	if (x->exp >= -9)
		return true;
	for (int i = x->exp; i < -9; i++) {
		div *= 10;
		if (div > UINT16_MAX)
			return x->secs == 0;
	}
	return x->secs % div == 0;
}

static void fuzz_page(const uint8_t *data, size_t size)
{
	struct scmi_tlm_intervals_page pg = { 0 }, pg2 = { 0 };
	size_t packed = 0;
	int num, len;

	memset(iv, 0, sizeof(iv));
	num = scmi_tlm_intervals_resp_decode(data, size, &pg, iv, MAX_IV);
	if (num < 0)
		return;
	fuzz_check(pg.returned == (uint32_t)num &&
		   (uint32_t)num <= SCMI_TLM_IV_N_MAX);
	if (pg.range) {
		fuzz_check(num == 3 && pg.remaining == 0);
	} else {
		for (int i = 1; i < num; i++)
			fuzz_check(scmi_tlm_interval_cmp(&iv[i - 1], &iv[i]) <
				   0);
	}
	if (num > 1)
		fuzz_check(scmi_tlm_intervals_resp_decode(data, size, &pg2, iv2,
							  1) == -E2BIG);
	if (num == 0)
		return;

	len = scmi_tlm_intervals_resp_encode(iv, (size_t)num, pg.range, out,
					     sizeof(out), &packed);
	fuzz_check(len == 8 + 4 * num && packed == (size_t)num);
	memset(iv2, 0, sizeof(iv2));
	fuzz_check(scmi_tlm_intervals_resp_decode(out, (size_t)len, &pg2, iv2,
						  MAX_IV) == num);
	fuzz_check(pg2.returned == pg.returned && pg2.range == pg.range &&
		   pg2.remaining == 0);
	for (int i = 0; i < num; i++)
		fuzz_check(iv[i].secs == iv2[i].secs &&
			   iv[i].exp == iv2[i].exp);
}

static void fuzz_word(uint32_t word, struct scmi_tlm_interval *x)
{
	struct scmi_tlm_interval y;
	uint32_t w2 = 0;
	uint64_t ns;
	int rc;

	fuzz_check(x->exp >= -16 && x->exp <= 15);
	fuzz_check(scmi_tlm_interval_encode(x, &w2) == 0 && w2 == word);
	fuzz_check(scmi_tlm_interval_cmp(x, x) == 0);

	ns = scmi_tlm_interval_ns(x);
	if (ns == UINT64_MAX)
		return;
	memset(&y, 0, sizeof(y));
	rc = scmi_tlm_interval_from_ns(ns, &y);
	if (whole_ns(x) && ns != 0)
		fuzz_check(rc == 0);
	if (rc < 0)
		return;
	fuzz_check(scmi_tlm_interval_ns(&y) == ns);
	if (whole_ns(x)) {
		fuzz_check(scmi_tlm_interval_cmp(&y, x) == 0);
		if (x->secs)
			fuzz_check(y.exp >= x->exp);
	} else {
		/* Sub-nanosecond intervals round down. */
		fuzz_check(scmi_tlm_interval_cmp(&y, x) < 0);
	}
}

/* from_ns() on an arbitrary count: exact, shortest, or no encoding at all. */
static void fuzz_ns(uint64_t ns)
{
	struct scmi_tlm_interval y;
	uint64_t m = ns;
	int k = 0;

	memset(&y, 0, sizeof(y));
	if (scmi_tlm_interval_from_ns(ns, &y) == 0) {
		fuzz_check(y.exp >= -9 && y.exp <= 15);
		fuzz_check(scmi_tlm_interval_ns(&y) == ns);
		/* Largest exponent: one more would still be an integer. */
		if (y.secs && y.exp < 15)
			fuzz_check(y.secs % 10 != 0);
		return;
	}
	/* No encoding: ns is not m * 10^k with m <= 65535, k <= 24. */
	while (m && m % 10 == 0) {
		m /= 10;
		k++;
	}
	fuzz_check(ns != 0 && (m > UINT16_MAX || k > 24));
}

static void fuzz_pair(const struct scmi_tlm_interval *a,
		      const struct scmi_tlm_interval *b)
{
	int ab = scmi_tlm_interval_cmp(a, b);
	int ba = scmi_tlm_interval_cmp(b, a);
	uint64_t na = scmi_tlm_interval_ns(a), nb = scmi_tlm_interval_ns(b);

	fuzz_check(sign(ab) == -sign(ba));
	/* ns() rounds down and saturates, both monotonically. */
	if (na < nb)
		fuzz_check(ab < 0);
	if (ab < 0)
		fuzz_check(na <= nb);
	if (ab == 0)
		fuzz_check(na == nb);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct scmi_tlm_interval prev = { 0 }, x;
	bool have_prev = false;

	if (size > FUZZ_MAX_MSG)
		return 0;
	fuzz_page(data, size);

	for (size_t off = 0; off + 4 <= size; off += 4) {
		uint32_t word = scmi_get_le32(data + off);

		memset(&x, 0, sizeof(x));
		if (scmi_tlm_interval_decode(word, &x) < 0) {
			fuzz_check(word & SCMI_TLM_INTERVAL_RSVD_MASK);
			continue;
		}
		fuzz_word(word, &x);
		if (have_prev)
			fuzz_pair(&prev, &x);
		prev = x;
		have_prev = true;
	}
	for (size_t off = 0; off + 8 <= size; off += 8)
		fuzz_ns(scmi_get_le64(data + off));
	return 0;
}
