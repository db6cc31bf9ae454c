// SPDX-License-Identifier: MIT
/*
 * Copyright (c) 2026 The stlm authors
 *
 * What a process writes to the writable files of stlmd's FUSE tree
 * (daemon/fuse-parse.c, docs/stlmfs.md): the write(2) buffer check
 * (STLMFS_WRITE_MAX, embedded NULs), the kstrtobool-style booleans of the
 * enable files and current_update_interval_ms ("secs" or "secs,exp", C
 * integer syntax, blanks, newline).
 *
 * Each input is one write: it goes through stlmfs_write_text() as an
 * interval file and as a boolean file, then through the matching parser.
 * Checks:
 *  - writes of STLMFS_WRITE_MAX bytes or more are -ENOSPC (interval) or
 *    -EINVAL (others); an embedded NUL is -EINVAL; otherwise the text is
 *    the bytes, NUL-terminated;
 *  - booleans: accepted exactly for the kstrtobool() set, whole, with
 *    one optional trailing newline: 1/y/Y/t/T/on (true), 0/n/N/f/F/off
 *    (false), on/off in any case; the value read back ("Y\n" / "N\n")
 *    parses to itself;
 *  - intervals: only 0, -EINVAL or -ERANGE; an accepted value is 1 ns to
 *    1.8e19 ns, has no sign on secs, no character but blanks, newlines
 *    and those of C integers, and its read format ("secs,exp\n"
 *    of the shortest exact encoding) parses back to the same ns;
 *  - generated: the first four bytes also give a (secs, exp) pair that
 *    is written out in several spellings (decimal, 0x hex, 0 octal,
 *    blanks, explicit '+', default exp); each must parse to the exact
 *    value computed in integers, or be -ERANGE exactly when that value
 *    is below 1 ns or above 1.8e19 ns.
 */
#include <ctype.h>
#include <errno.h>
#include <stdbool.h>

#include "fuse-parse.h"
#include "fuzz.h"

#define NS_MAX 18000000000000000000ull

static void check_write_text(const uint8_t *data, size_t size, bool interval,
			     char *txt, int r)
{
	if (size >= STLMFS_WRITE_MAX)
		fuzz_check(r == (interval ? -ENOSPC : -EINVAL));
	else if (memchr(data, '\0', size))
		fuzz_check(r == -EINVAL);
	else
		fuzz_check(r == 0 && !memcmp(txt, data, size) &&
			   txt[size] == '\0');
}

static void check_bool(const char *txt)
{
	int want = -1; /* -1 rejected, 0 false, 1 true */
	bool v = false, v2 = false;
	size_t n = strlen(txt);
	char w[4] = "";
	int r;

	/* the kstrtobool() set, whole, with one optional newline */
	if (n && txt[n - 1] == '\n')
		n--;
	if (n >= 1 && n <= 3) {
		for (size_t i = 0; i < n; i++)
			w[i] = (char)tolower((unsigned char)txt[i]);
		w[n] = 0;
		if (!strcmp(w, "1") || !strcmp(w, "y") || !strcmp(w, "t") ||
		    !strcmp(w, "on"))
			want = 1;
		else if (!strcmp(w, "0") || !strcmp(w, "n") ||
			 !strcmp(w, "f") || !strcmp(w, "off"))
			want = 0;
	}
	r = stlmfs_parse_bool(txt, &v);
	if (want < 0) {
		fuzz_check(r == -EINVAL);
		return;
	}
	fuzz_check(r == 0 && v == (want == 1));
	fuzz_check(stlmfs_parse_bool(v ? "Y\n" : "N\n", &v2) == 0 && v2 == v);
}

/* The read format of current_update_interval_ms, parsed back. */
static void check_interval_roundtrip(uint64_t ns)
{
	struct scmi_tlm_interval iv;
	char buf[64];
	uint64_t ns2 = 0;

	if (scmi_tlm_interval_from_ns(ns, &iv) < 0)
		return; /* no exact encoding: the platform would pick one */
	snprintf(buf, sizeof(buf), "%u,%d\n", iv.secs, iv.exp);
	fuzz_check(stlmfs_parse_interval(buf, &ns2) == 0);
	fuzz_check(ns2 == ns);
	fuzz_check(scmi_tlm_interval_ns(&iv) == ns);
}

static void check_interval(const char *txt)
{
	const char *comma = strchr(txt, ',');
	uint64_t ns = 0;
	int r;

	r = stlmfs_parse_interval(txt, &ns);
	fuzz_check(r == 0 || r == -EINVAL || r == -ERANGE);
	if (r < 0)
		return;
	fuzz_check(ns >= 1 && ns <= NS_MAX);
	/* secs is unsigned: no sign before the comma; only blanks, newlines
	 * and the characters of C integers anywhere */
	for (const char *p = txt; *p && (!comma || p < comma); p++)
		fuzz_check(*p != '-' && *p != '+');
	for (const char *p = txt; *p; p++)
		fuzz_check(strchr("0123456789abcdefABCDEFxX,+- \t\n", *p));
	check_interval_roundtrip(ns);
}

/* secs * 10^(9 + exp) ns, exactly; *ok false when out of 1..NS_MAX. */
static uint64_t exact_ns(unsigned int secs, int exp, bool *ok)
{
	int m = 9 + exp;
	unsigned __int128 v = secs, p = 1;

	*ok = false;
	if (m >= 0) {
		for (int i = 0; i < m; i++)
			v *= 10;
		if (v < 1 || v > NS_MAX)
			return 0;
		*ok = true;
		return (uint64_t)v;
	}
	for (int i = 0; i < -m; i++)
		p *= 10;
	if (v < p) /* below 1 ns */
		return 0;
	*ok = true;
	return (uint64_t)((v + p / 2) / p);
}

static void check_generated(const uint8_t *data, size_t size)
{
	unsigned int secs;
	int exp;
	char spell[8][64];
	uint64_t want;
	bool ok;
	int n = 0;

	if (size < 4)
		return;
	secs = (unsigned int)data[1] | (unsigned int)data[2] << 8;
	exp = (int)(data[3] % 32) - 16;
	want = exact_ns(secs, exp, &ok);
	snprintf(spell[n++], 64, "%u,%d", secs, exp);
	snprintf(spell[n++], 64, " 0x%x , %d\n", secs, exp);
	snprintf(spell[n++], 64, "\t0%o,\t%+d \n", secs, exp);
	snprintf(spell[n++], 64, "%u ,%s0x%x", secs, exp < 0 ? "-" : "",
		 (unsigned int)(exp < 0 ? -exp : exp));
	snprintf(spell[n++], 64, "\n%u,0%o\n", secs,
		 (unsigned int)(exp < 0 ? 0 : exp));
	if (exp == -3)
		snprintf(spell[n++], 64, "%u\n", secs);
	for (int i = 0; i < n; i++) {
		uint64_t ns = 0;
		int e = (i == 4 && exp < 0) ? 0 : exp;
		bool eok;
		uint64_t w = i == 4 ? exact_ns(secs, e, &eok) : want;
		int r = stlmfs_parse_interval(spell[i], &ns);

		if (i != 4)
			eok = ok;
		if (!eok) {
			fuzz_check(r == -ERANGE);
			continue;
		}
		if (r != 0 || ns != w) {
			fprintf(stderr, "'%s': r=%d ns=%llu, want %llu\n",
				spell[i], r, (unsigned long long)ns,
				(unsigned long long)w);
			fuzz_check(r == 0 && ns == w);
		}
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char txt[STLMFS_WRITE_MAX];
	int r;

	if (size > 4 * STLMFS_WRITE_MAX)
		return 0;
	r = stlmfs_write_text((const char *)data, size, true, txt);
	check_write_text(data, size, true, txt, r);
	if (r == 0)
		check_interval(txt);
	r = stlmfs_write_text((const char *)data, size, false, txt);
	check_write_text(data, size, false, txt, r);
	if (r == 0)
		check_bool(txt);
	check_generated(data, size);
	return 0;
}
