// SPDX-License-Identifier: MIT
/*
 * Copyright (c) 2026 The stlm authors
 *
 * Parsers for what is written to the FUSE tree's writable files (see
 * fuse-parse.h). They only look at the text: fuse.c applies the result.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "fuse-parse.h"

int stlmfs_write_text(const char *buf, size_t size, bool interval, char *txt)
{
	if (size >= STLMFS_WRITE_MAX)
		return interval ? -ENOSPC : -EINVAL;
	memcpy(txt, buf, size);
	txt[size] = 0;
	if (strlen(txt) != size)
		return -EINVAL; /* embedded NUL */
	return 0;
}

/*
 * The kernel's kstrtobool() set, matched whole: one optional trailing
 * newline, nothing else ("Yikes" and "0x1" are refused).
 */
int stlmfs_parse_bool(const char *s, bool *ret)
{
	static const struct {
		const char *s;
		bool v;
	} set[] = {
		{ "1", true }, { "y", true }, { "Y", true }, { "t", true },
		{ "T", true }, { "on", true },
		{ "0", false }, { "n", false }, { "N", false }, { "f", false },
		{ "F", false }, { "off", false },
	};
	size_t n = strlen(s);

	if (n && s[n - 1] == '\n')
		n--;
	for (size_t i = 0; i < sizeof(set) / sizeof(set[0]); i++) {
		if (strlen(set[i].s) == n && strncasecmp(s, set[i].s, n) == 0) {
			*ret = set[i].v;
			return 0;
		}
	}
	return -EINVAL;
}

/*
 * A number starts here: a digit, after an optional sign when signed.
 * strtoull() and strtoll() would also skip any white space (\v, \r...)
 * and take a sign, so "\v-1" would read as a huge secs, and
 * "\v-18446744073709551615" as 1.
 */
static bool starts_number(const char *s, bool sign)
{
	if (sign && (*s == '-' || *s == '+'))
		s++;
	return *s >= '0' && *s <= '9';
}

/* "<secs>" or "<secs>,<exp>" (exp defaults to -3) → ns. */
int stlmfs_parse_interval(const char *s, uint64_t *ret)
{
	char *end;
	unsigned long long secs;
	long long ex = -3;
	long double ns;

	while (*s == ' ' || *s == '\t' || *s == '\n')
		s++;
	if (!starts_number(s, false))
		return -EINVAL;
	errno = 0;
	secs = strtoull(s, &end, 0);
	if (errno || end == s)
		return errno == ERANGE ? -ERANGE : -EINVAL;
	while (*end == ' ' || *end == '\t')
		end++;
	if (*end == ',') {
		s = end + 1;
		while (*s == ' ' || *s == '\t')
			s++;
		if (!starts_number(s, true))
			return -EINVAL;
		errno = 0;
		ex = strtoll(s, &end, 0);
		if (errno || end == s)
			return errno == ERANGE ? -ERANGE : -EINVAL;
	}
	while (*end == ' ' || *end == '\t' || *end == '\n')
		end++;
	if (*end)
		return -EINVAL;
	if (secs > 0xffff || ex < -16 || ex > 15)
		return -ERANGE;
	ns = (long double)secs * 1e9L;
	for (long long i = 0; i < (ex < 0 ? -ex : ex); i++)
		ns = ex < 0 ? ns / 10 : ns * 10;
	if (ns < 1 || ns > 1.8e19L)
		return -ERANGE;
	*ret = (uint64_t)(ns + 0.5L);
	return 0;
}
