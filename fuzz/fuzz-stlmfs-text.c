// SPDX-License-Identifier: MIT
/*
 * Copyright (c) 2026 The stlm authors
 *
 * The STLMFS text parsers of the stlmfs: backend (lib/stlmfs-text.c):
 * bulk lines and whole bulk files, interval tuples and lists, booleans,
 * UUIDs, knob numbers, names, directory names and DE id lists.
 *
 * The first input byte picks the parser, the rest is the file text, given
 * in an exact-size heap buffer without a terminating NUL (so ASan catches
 * any read past the length); directory names get a NUL-terminated copy.
 *
 * Checks:
 *  - whatever a parser accepts, printed back in the kernel's format,
 *    parses to the same value (bulk lines, intervals, id lists, UUIDs,
 *    numbers, booleans);
 *  - a canonical bulk line (8 upper-case digits) prints back byte for byte;
 *  - the bulk walker consumes at least one byte per line and stops;
 *  - counts never exceed the capacity given, names are printable and at
 *    most STLMFS_NAME_MAX characters.
 */
#include <inttypes.h>
#include <stdbool.h>

#include "fuzz.h"
#include "stlmfs-text.h"

#define CAP 64

static void fuzz_bulk_line(const char *p, size_t n)
{
	struct stlmfs_sample x, y;
	char out[96];
	int len;

	if (stlmfs_text_parse_bulk_line(p, n, &x) < 0)
		return;
	len = snprintf(out, sizeof(out), "0x%08" PRIX32 " %" PRIu64 " %016" PRIX64,
		       x.id, x.ts, x.value);
	fuzz_check(len > 0 && (size_t)len < sizeof(out));
	fuzz_check(stlmfs_text_parse_bulk_line(out, (size_t)len, &y) == 0);
	fuzz_check(x.id == y.id && x.ts == y.ts && x.value == y.value);
	if (n == (size_t)len && p[10] == ' ') {
		bool upper = true;

		for (size_t i = 0; i < n; i++)
			if (p[i] >= 'a' && p[i] <= 'f')
				upper = false;
		/* No leading zeros in the timestamp either. */
		if (upper)
			fuzz_check(!memcmp(out, p, n) || p[11] == '0');
	}
}

static void fuzz_bulk_file(const char *p, size_t n)
{
	struct stlmfs_sample x;
	size_t off = 0, line = 0, prev = 0;
	int r;

	while ((r = stlmfs_text_bulk_next(p, n, &off, &line, &x)) > 0) {
		fuzz_check(off > prev && off <= n);
		prev = off;
	}
	fuzz_check(r == 0 || r == -EBADMSG);
	fuzz_check(line <= n);
}

static void fuzz_intervals(const char *p, size_t n)
{
	struct stlmfs_iv v[CAP], w[CAP];
	char out[CAP * 16];
	size_t k = 0, m = 0, o = 0;

	if (stlmfs_text_parse_intervals(p, n, v, CAP, &k) < 0)
		return;
	fuzz_check(k <= CAP);
	for (size_t i = 0; i < k; i++) {
		fuzz_check(v[i].exp >= -16 && v[i].exp <= 15);
		o += (size_t)snprintf(out + o, sizeof(out) - o, "%s%u,%d",
				      i ? " " : "", v[i].secs, v[i].exp);
	}
	out[o++] = '\n';
	fuzz_check(stlmfs_text_parse_intervals(out, o, w, CAP, &m) == 0);
	fuzz_check(m == k);
	for (size_t i = 0; i < k; i++)
		fuzz_check(v[i].secs == w[i].secs && v[i].exp == w[i].exp);
}

static void fuzz_interval(const char *p, size_t n)
{
	struct stlmfs_iv v, w;
	char out[32];
	int len;

	if (stlmfs_text_parse_interval(p, n, &v) < 0)
		return;
	len = snprintf(out, sizeof(out), "%u,%d\n", v.secs, v.exp);
	fuzz_check(stlmfs_text_parse_interval(out, (size_t)len, &w) == 0);
	fuzz_check(v.secs == w.secs && v.exp == w.exp);
}

static void fuzz_numbers(const char *p, size_t n)
{
	uint64_t u, u2;
	int64_t s, s2;
	bool b, b2;
	char out[32];
	int len;

	if (stlmfs_text_parse_uint(p, n, UINT64_MAX, &u) == 0) {
		len = snprintf(out, sizeof(out), "%" PRIu64 "\n", u);
		fuzz_check(stlmfs_text_parse_uint(out, (size_t)len, UINT64_MAX,
					     &u2) == 0 && u == u2);
		len = snprintf(out, sizeof(out), "0x%" PRIx64, u);
		fuzz_check(stlmfs_text_parse_uint(out, (size_t)len, UINT64_MAX,
					     &u2) == 0 && u == u2);
		if (u > 255)
			fuzz_check(stlmfs_text_parse_uint(p, n, 255, &u2) == -ERANGE);
	}
	if (stlmfs_text_parse_int(p, n, INT8_MIN, INT8_MAX, &s) == 0) {
		fuzz_check(s >= INT8_MIN && s <= INT8_MAX);
		len = snprintf(out, sizeof(out), "%" PRId64 "\n", s);
		fuzz_check(stlmfs_text_parse_int(out, (size_t)len, INT8_MIN,
					    INT8_MAX, &s2) == 0 && s == s2);
	}
	if (stlmfs_text_parse_bool(p, n, &b) == 0) {
		fuzz_check(stlmfs_text_parse_bool(b ? "Y\n" : "N\n", 2, &b2) == 0 &&
			   b == b2);
	}
}

static void fuzz_uuid(const char *p, size_t n)
{
	static const char hex[] = "0123456789ABCDEF";
	uint8_t u[16], u2[16];
	char out[37];
	size_t o = 0;

	if (stlmfs_text_parse_uuid(p, n, u) < 0)
		return;
	for (int i = 0; i < 16; i++) {
		if (i == 4 || i == 6 || i == 8 || i == 10)
			out[o++] = '-';
		out[o++] = hex[u[i] >> 4];
		out[o++] = hex[u[i] & 15];
	}
	fuzz_check(o == 36);
	fuzz_check(stlmfs_text_parse_uuid(out, o, u2) == 0);
	fuzz_check(!memcmp(u, u2, 16));
}

static void fuzz_name(const char *p, size_t n)
{
	char name[STLMFS_NAME_MAX + 1];
	size_t len;

	if (stlmfs_text_parse_name(p, n, name, sizeof(name)) < 0)
		return;
	len = strlen(name);
	fuzz_check(len >= 1 && len <= STLMFS_NAME_MAX);
	for (size_t i = 0; i < len; i++)
		fuzz_check(name[i] >= 0x20 && name[i] <= 0x7e);
}

static void fuzz_ids(const char *p, size_t n)
{
	uint32_t v[CAP], w[CAP];
	char out[CAP * 12];
	size_t k = 0, m = 0, o = 0;

	if (stlmfs_text_parse_id_list(p, n, v, CAP, &k) < 0)
		return;
	fuzz_check(k <= CAP);
	for (size_t i = 0; i < k; i++)
		o += (size_t)snprintf(out + o, sizeof(out) - o, "%s0x%08" PRIX32,
				      i ? " " : "", v[i]);
	fuzz_check(stlmfs_text_parse_id_list(out, o, w, CAP, &m) == 0 && m == k);
	fuzz_check(!memcmp(v, w, k * sizeof(*v)));
}

static void fuzz_value(const char *p, size_t n)
{
	struct stlmfs_sample x, y;
	char out[64];
	int len;

	if (stlmfs_text_parse_value(p, n, &x) < 0)
		return;
	len = snprintf(out, sizeof(out), "%" PRIu64 " %016" PRIX64 "\n",
		       x.ts, x.value);
	fuzz_check(stlmfs_text_parse_value(out, (size_t)len, &y) == 0);
	fuzz_check(x.ts == y.ts && x.value == y.value);
}

static void fuzz_dirnames(const char *p, size_t n)
{
	char name[300];
	uint32_t id, id2;
	char out[32];

	if (n >= sizeof(name))
		return;
	memcpy(name, p, n);
	name[n] = 0;
	if (stlmfs_text_parse_de_dirname(name, &id) == 0) {
		snprintf(out, sizeof(out), "0x%08" PRIX32, id);
		fuzz_check(stlmfs_text_parse_de_dirname(out, &id2) == 0 && id == id2);
	}
	if (stlmfs_text_parse_group_dirname(name, &id) == 0) {
		snprintf(out, sizeof(out), "%" PRIu32, id);
		fuzz_check(!strcmp(out, name));
	}
	if (stlmfs_text_parse_instance_dirname(name, &id) == 0) {
		snprintf(out, sizeof(out), "tlm_%" PRIu32, id);
		fuzz_check(!strcmp(out, name));
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *p;
	size_t n;

	if (!size || size > FUZZ_MAX_AREA)
		return 0;
	n = size - 1;
	/* Exact size, no terminator: overreads are caught. */
	p = malloc(n ? n : 1);
	if (!p)
		return 0;
	memcpy(p, data + 1, n);
	switch (data[0] % 10) {
	case 0: fuzz_bulk_line(p, n); break;
	case 1: fuzz_bulk_file(p, n); break;
	case 2: fuzz_intervals(p, n); break;
	case 3: fuzz_interval(p, n); break;
	case 4: fuzz_numbers(p, n); break;
	case 5: fuzz_uuid(p, n); break;
	case 6: fuzz_name(p, n); break;
	case 7: fuzz_ids(p, n); break;
	case 8: fuzz_value(p, n); break;
	default: fuzz_dirnames(p, n); break;
	}
	free(p);
	return 0;
}
