// SPDX-License-Identifier: MIT
/*
 * Copyright (c) 2026 The stlm authors
 *
 * Transport URI parsing (architecture.md §3, docs/transports.md):
 *
 *   scheme:rest[?key=value[&key=value...]]
 *
 * The scheme is one of shm, unix, tcp, raw, stlmd, rawfs, stlmfs, chardev
 * (lower case, exact). For tcp, rest is HOST:PORT or [V6ADDR]:PORT; for every
 * other scheme it is a non-empty path, taken literally (no percent
 * decoding; the first '?' starts the options, and no other may follow).
 * Options: mem=PATH (non-empty)
 * and timeout_ms=N (decimal, 0..INT_MAX), each at most once. Anything else
 * is -EINVAL: an unknown scheme or option, an empty field, a repeated
 * option, a field that does not fit its buffer, a control character.
 */
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "transport.h"

static const char *const schemes[] = {
	"shm", "unix", "tcp", "raw", "stlmd", "rawfs", "stlmfs", "chardev",
};

/* Copy [s, s + n) into dst (cap bytes, NUL-terminated); -EINVAL if too long. */
static int copy_field(char *dst, size_t cap, const char *s, size_t n)
{
	if (n >= cap)
		return -EINVAL;
	memcpy(dst, s, n);
	dst[n] = '\0';
	return 0;
}

/* Strict unsigned decimal in [0, max]: no sign, no spaces, no empty. */
static int parse_uint(const char *s, size_t n, long max, long *ret)
{
	long v = 0;

	if (n == 0 || n > 10)
		return -EINVAL;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -EINVAL;
		v = v * 10 + (s[i] - '0');
		if (v > max)
			return -EINVAL;
	}
	*ret = v;
	return 0;
}

static int parse_tcp(const char *s, size_t n, struct stlm_uri *u)
{
	const char *host, *colon;
	size_t host_len;
	long port;

	if (n == 0)
		return -EINVAL;
	if (s[0] == '[') {
		const char *end = memchr(s, ']', n);

		if (!end || end == s + 1)
			return -EINVAL;
		host = s + 1;
		host_len = (size_t)(end - host);
		/* A bracketed host is an IPv6 literal: it has a ':'. */
		if (!memchr(host, ':', host_len) || memchr(host, '[', host_len))
			return -EINVAL;
		colon = end + 1;
		if (colon >= s + n || *colon != ':')
			return -EINVAL;
	} else {
		colon = memchr(s, ':', n);
		if (!colon || colon == s)
			return -EINVAL;
		host = s;
		host_len = (size_t)(colon - s);
		/* An unbracketed host has a single ':' (the port's). */
		if (memchr(colon + 1, ':', (size_t)(s + n - colon - 1)))
			return -EINVAL;
		if (memchr(host, ']', host_len))
			return -EINVAL;
	}
	if (parse_uint(colon + 1, (size_t)(s + n - colon - 1), 65535, &port) < 0)
		return -EINVAL;
	if (copy_field(u->host, sizeof(u->host), host, host_len) < 0)
		return -EINVAL;
	u->port = (int)port;
	return 0;
}

static int parse_options(const char *s, struct stlm_uri *u)
{
	bool seen_mem = false, seen_timeout = false;

	/* "scheme:path?" with nothing after the '?' is an empty option. */
	for (;;) {
		const char *amp = strchr(s, '&');
		size_t n = amp ? (size_t)(amp - s) : strlen(s);
		const char *eq = memchr(s, '=', n);
		size_t klen, vlen;
		const char *v;

		if (!eq || eq == s)
			return -EINVAL;
		klen = (size_t)(eq - s);
		v = eq + 1;
		vlen = n - klen - 1;
		if (klen == 3 && !memcmp(s, "mem", 3)) {
			if (seen_mem || vlen == 0)
				return -EINVAL;
			if (copy_field(u->mem, sizeof(u->mem), v, vlen) < 0)
				return -EINVAL;
			seen_mem = true;
		} else if (klen == 10 && !memcmp(s, "timeout_ms", 10)) {
			long t;

			if (seen_timeout)
				return -EINVAL;
			if (parse_uint(v, vlen, INT_MAX, &t) < 0)
				return -EINVAL;
			u->timeout_ms = (int)t;
			seen_timeout = true;
		} else {
			return -EINVAL;
		}
		if (!amp)
			return 0;
		s = amp + 1;
	}
}

int stlm_uri_parse(const char *uri, struct stlm_uri *ret)
{
	struct stlm_uri u;
	const char *colon, *rest, *q;
	size_t scheme_len, rest_len;
	bool known = false;
	int r;

	if (!uri || !ret)
		return -EINVAL;
	for (const char *c = uri; *c; c++)
		if ((unsigned char)*c < 0x20 || *c == 0x7f)
			return -EINVAL;

	memset(&u, 0, sizeof(u));
	colon = strchr(uri, ':');
	if (!colon || colon == uri)
		return -EINVAL;
	scheme_len = (size_t)(colon - uri);
	for (size_t i = 0; i < sizeof(schemes) / sizeof(schemes[0]); i++) {
		if (strlen(schemes[i]) == scheme_len &&
		    !memcmp(schemes[i], uri, scheme_len)) {
			known = true;
			break;
		}
	}
	if (!known)
		return -EINVAL;
	memcpy(u.scheme, uri, scheme_len);
	u.scheme[scheme_len] = '\0';

	rest = colon + 1;
	q = strchr(rest, '?');
	rest_len = q ? (size_t)(q - rest) : strlen(rest);

	if (!strcmp(u.scheme, "tcp")) {
		r = parse_tcp(rest, rest_len, &u);
	} else {
		if (rest_len == 0)
			return -EINVAL;
		r = copy_field(u.path, sizeof(u.path), rest, rest_len);
	}
	if (r < 0)
		return r;

	if (q) {
		if (strchr(q + 1, '?'))
			return -EINVAL;
		r = parse_options(q + 1, &u);
		if (r < 0)
			return r;
	}
	*ret = u;
	return 0;
}

/*
 * Why uri does not parse, in words (stlm_uri_check()): the same checks as
 * stlm_uri_parse(), one at a time.
 */
int stlm_uri_explain(const char *uri, char *err, size_t errlen)
{
	struct stlm_uri u;
	const char *colon, *rest, *q;
	char known[128] = "";
	size_t scheme_len, rest_len, kl = 0;
	bool found = false;

	if (err && errlen)
		err[0] = '\0';
	if (!uri)
		return -EINVAL;
	if (stlm_uri_parse(uri, &u) == 0)
		return 0;
	if (!err || !errlen)
		return -EINVAL;
	for (size_t i = 0; i < sizeof(schemes) / sizeof(schemes[0]); i++) {
		int w = snprintf(known + kl, sizeof(known) - kl, "%s%s:",
				 i ? ", " : "", schemes[i]);

		if (w > 0 && (size_t)w < sizeof(known) - kl)
			kl += (size_t)w;
	}
	for (const char *c = uri; *c; c++) {
		if ((unsigned char)*c < 0x20 || *c == 0x7f) {
			snprintf(err, errlen,
				 "platform URI contains a control character");
			return -EINVAL;
		}
	}
	colon = strchr(uri, ':');
	if (!colon || colon == uri) {
		snprintf(err, errlen,
			 "'%.200s' is not a platform URI (SCHEME:WHERE; known schemes: %s)",
			 uri, known);
		return -EINVAL;
	}
	scheme_len = (size_t)(colon - uri);
	for (size_t i = 0; i < sizeof(schemes) / sizeof(schemes[0]); i++)
		if (strlen(schemes[i]) == scheme_len &&
		    !memcmp(schemes[i], uri, scheme_len))
			found = true;
	if (!found) {
		snprintf(err, errlen,
			 "unknown platform URI scheme '%.*s' (known: %s)",
			 (int)(scheme_len > 64 ? 64 : scheme_len), uri, known);
		return -EINVAL;
	}
	memset(&u, 0, sizeof(u));
	rest = colon + 1;
	q = strchr(rest, '?');
	rest_len = q ? (size_t)(q - rest) : strlen(rest);
	if (scheme_len == 3 && !memcmp(uri, "tcp", 3)) {
		if (parse_tcp(rest, rest_len, &u) < 0) {
			snprintf(err, errlen,
				 "tcp: expects HOST:PORT or [IPV6]:PORT with a port 0..65535, not '%.*s'",
				 (int)(rest_len > 200 ? 200 : rest_len), rest);
			return -EINVAL;
		}
	} else if (rest_len == 0) {
		snprintf(err, errlen, "%.*s: expects a path after the ':'",
			 (int)scheme_len, uri);
		return -EINVAL;
	} else if (rest_len >= sizeof(u.path)) {
		snprintf(err, errlen, "platform URI path too long (%zu bytes, at most %zu)",
			 rest_len, sizeof(u.path) - 1);
		return -EINVAL;
	}
	snprintf(err, errlen,
		 "bad options after '?' in the platform URI (mem=PATH and timeout_ms=N, each at most once, '&' between)");
	return -EINVAL;
}
