// SPDX-License-Identifier: MIT
/*
 * Copyright (c) 2026 The stlm authors
 *
 * {i}/{k} templates of repeat blocks (template.h).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "template.h"

static bool is_var(const char *p)
{
	return p[0] == '{' && (p[1] == 'i' || p[1] == 'k') && p[2] == '}';
}

int stlm__tpl_expand(const char *tpl, int64_t i, int64_t k,
		     unsigned int flags, char *out, size_t outlen)
{
	size_t n = 0;

	if (!outlen)
		return -E2BIG;
	out[0] = '\0';
	for (const char *p = tpl; *p; p++) {
		if (is_var(p)) {
			char num[24];
			size_t w = (size_t)snprintf(num, sizeof(num), "%" PRId64,
						    p[1] == 'i' ? i : k);

			if (n + w >= outlen) {
				memcpy(out + n, num, outlen - 1 - n);
				out[outlen - 1] = '\0';
				return -E2BIG;
			}
			memcpy(out + n, num, w);
			n += w;
			p += 2;
		} else if (*p == '{' && (flags & STLM_TPL_STRICT)) {
			out[n] = '\0';
			return -EINVAL;
		} else {
			if (n + 1 >= outlen) {
				out[n] = '\0';
				return -E2BIG;
			}
			out[n++] = *p;
		}
		out[n] = '\0';
	}
	return 0;
}

bool stlm__tpl_has_var(const char *s)
{
	return strstr(s, "{i}") || strstr(s, "{k}");
}

int stlm__tpl_var(const char *s)
{
	if (!strcmp(s, "{i}"))
		return 'i';
	if (!strcmp(s, "{k}"))
		return 'k';
	return 0;
}
