/* SPDX-License-Identifier: MIT */
/*
 * Copyright (c) 2026 The stlm authors
 *
 * Templates of repeat blocks (docs/catalog-format.md "Repeat blocks",
 * docs/platform-format.md "Repeat blocks"): "{i}" is replaced by the
 * instance number, "{k}" by the 0-based iteration. Shared by the catalog
 * and platform description parsers. Internal, never installed.
 */
#ifndef STLM_FORMATS_TEMPLATE_H
#define STLM_FORMATS_TEMPLATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* stlm__tpl_expand() flags */
#define STLM_TPL_STRICT	0x1	/* any other '{' is an error */

/*
 * Expand tpl with i and k into out[outlen], left to right. 0; -EINVAL
 * (STLM_TPL_STRICT and a '{' that starts neither "{i}" nor "{k}");
 * -E2BIG (the result does not fit: out holds what fitted). out is always
 * NUL-terminated when outlen > 0.
 */
int stlm__tpl_expand(const char *tpl, int64_t i, int64_t k,
		     unsigned int flags, char *out, size_t outlen);

/* Whether s holds "{i}" or "{k}" anywhere. */
bool stlm__tpl_has_var(const char *s);

/* 'i' when s is exactly "{i}", 'k' when exactly "{k}", else 0. */
int stlm__tpl_var(const char *s);

#endif /* STLM_FORMATS_TEMPLATE_H */
