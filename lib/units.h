/* SPDX-License-Identifier: MIT */
/*
 * Copyright (c) 2026 The stlm authors
 *
 * The unit words of the description and catalog formats
 * (docs/platform-format.md): one word per SCMI unit code 0..95, and "oem"
 * for 255. Shared by the platform description parser and the catalogs.
 */
#ifndef STLM_LIB_UNITS_H
#define STLM_LIB_UNITS_H

#include <stdbool.h>

#define STLM_UNIT_OEM 255

/* The code of a unit word (0..95, or STLM_UNIT_OEM for "oem"), or -1. */
int stlm__unit_code(const char *word);
/* Whether code names a unit (0..95 or STLM_UNIT_OEM), not a reserved one. */
bool stlm__unit_valid(int code);

#endif /* STLM_LIB_UNITS_H */
