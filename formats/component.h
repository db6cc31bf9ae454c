/* SPDX-License-Identifier: MIT */
/*
 * Copyright (c) 2026 The stlm authors
 *
 * The one table of SCMI component types (protocol §5), codes
 * 0..STLM_COMPONENT_N - 1, with two spellings: the name of the STLMFS
 * by-components/ tree (docs/stlmfs.md; "interconnnect" and "mem_cntrl",
 * exactly as the kernel spells them) and the keyword of the platform
 * description format (docs/platform-format.md; "interconnect",
 * "memory_controller"). Internal, never installed.
 */
#ifndef STLM_FORMATS_COMPONENT_H
#define STLM_FORMATS_COMPONENT_H

#include <stdint.h>

#define STLM_COMPONENT_N	0x1D	/* codes with a name */

/*
 * The tree name of a code: the table's, else "res_N" (reserved) or
 * "oem_N" (0xE0 and up); never NULL, static.
 */
const char *stlm__component_name(uint8_t code);
/* The description keyword of a code, or NULL when it has none. */
const char *stlm__component_keyword(int code);
/* The code of a description keyword, or -1. */
int stlm__component_code(const char *keyword);

#endif /* STLM_FORMATS_COMPONENT_H */
