/* SPDX-License-Identifier: MIT */
/*
 * Copyright (c) 2026 The stlm authors
 *
 * The number rule of the description formats (docs/catalog-format.md
 * "Numbers", docs/platform-format.md "Numbers"): where a document may give
 * a number as a JSON string, the string is decimal digits, or "0x" (or
 * "0X") and hexadecimal digits. A leading zero does not make it octal
 * ("010" is ten). Nothing else is accepted: no white space, no trailing
 * characters, no empty digits. Shared by the catalog, ASTL and platform
 * description parsers. Internal, never installed.
 */
#ifndef STLM_FORMATS_NUM_H
#define STLM_FORMATS_NUM_H

#include <stdint.h>

/* The value of hexadecimal digit c, or -1. */
int stlm__hex_digit(char c);

/*
 * An unsigned number (no sign) up to UINT64_MAX: 0, -EINVAL (not a
 * number by the rule), -ERANGE (too large).
 */
int stlm__num_u64(const char *s, uint64_t *ret);

/*
 * A signed number: an optional '-' or '+', then a number by the rule.
 * Decimal values must fit int64_t; a hexadecimal value is the 64-bit
 * two's complement pattern ("0xFFFFFFFFFFFFFFFF" is -1), negated after a
 * '-'. 0, -EINVAL, -ERANGE.
 */
int stlm__num_i64(const char *s, int64_t *ret);

#endif /* STLM_FORMATS_NUM_H */
