/* SPDX-License-Identifier: MIT */
/*
 * Copyright (c) 2026 The stlm authors
 *
 * The one table of SCMI unit codes (protocol §5): codes 0..95 and 255
 * (OEM), each with its word of the description and catalog formats
 * (docs/platform-format.md: "watts", "bytes_per_second", "oem"), its
 * symbol ("W", "B/s", "OEM") and its directory name in the STLMFS tree
 * (docs/stlmfs.md: "watts", "bps", "oem_unit"). Used by the platform
 * description, catalog and ASTL parsers, the library's DE accessors and,
 * through stlm_unit_name(), the daemon and the CLI. Internal, never
 * installed.
 */
#ifndef STLM_FORMATS_UNITS_H
#define STLM_FORMATS_UNITS_H

#include <stdbool.h>
#include <stdint.h>

#define STLM_UNIT_N	96	/* codes 0..95 are defined */
#define STLM_UNIT_OEM	255

/* The code of a unit word (0..95, or STLM_UNIT_OEM for "oem"), or -1. */
int stlm__unit_code(const char *word);
/* Whether code names a unit (0..95 or STLM_UNIT_OEM), not a reserved one. */
bool stlm__unit_valid(int code);
/* The word of a unit code ("celsius", "oem"), or NULL for a reserved one. */
const char *stlm__unit_word(int code);
/* The symbol ("°C", "W"; "OEM", "reserved"); never NULL. */
const char *stlm__unit_name(uint8_t code);
/* The STLMFS directory name ("celsius", "bps", "oem_unit", "res_96"). */
const char *stlm__unit_tree_name(uint8_t code);

#endif /* STLM_FORMATS_UNITS_H */
