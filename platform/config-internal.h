/* SPDX-License-Identifier: MIT */
/*
 * Copyright (c) 2026 The stlm authors
 *
 * Helpers shared by config.c, default.c and gen.c (and their tests).
 * Not part of the platform API.
 */
#ifndef STLM_PLATFORM_CONFIG_INTERNAL_H
#define STLM_PLATFORM_CONFIG_INTERNAL_H

#include "platform.h"

/* Limits on what a description may make the platform allocate. */
#define STLMP_MAX_DES		1000000u
#define STLMP_MAX_SHMTI		65535u
#define STLMP_MAX_GROUPS	65535u
#define STLMP_MAX_INTERVALS	4096u
#define STLMP_MAX_SHMTI_SIZE	(64u << 20)
#define STLMP_MAX_SHMTI_TOTAL	(1ull << 30)
#define STLMP_MAX_MSG_SIZE	(1u << 20)
#define STLMP_MIN_MSG_SIZE	64u
/* Header, status, counter word and one 56-byte descriptor. */
#define STLMP_LINUX_MIN_MSG_SIZE 68u
#define STLMP_MAX_FILE_SIZE	(256u << 20)

/*
 * stlmp_config_parse() from a buffer of len bytes that need not end in a
 * NUL (a NUL byte inside is an error, as in a file). With
 * STLMP_PARSE_NO_FILES a replay generator's "file" is refused rather than
 * read, so the description alone decides what is parsed (the fuzzer uses
 * this).
 */
#define STLMP_PARSE_NO_FILES	1u
int stlmp_config_parse_mem(const char *buf, size_t len, const char *name,
			   unsigned int flags, struct stlmp_config **ret,
			   char *err, size_t errlen);

/* The built-in default SoC, identical to platform/default-soc.json. */
extern const char stlmp_default_soc_json[];

/*
 * ret_need[s] (n_shmti entries): bytes SHMTI s needs at least for the DEs placed in it: header, the
 * BLK_TS line, one line per DE (24 with line timestamps), a spare qword
 * and the epilogue. With worst_case, line-timestamped DEs count 16 + 24
 * (a 16-byte line left as a hole when the DE is re-enabled with
 * timestamps).
 */
void stlmp_shmti_needs(const struct stlmp_config *c, bool worst_case,
		       uint64_t *ret_need);

/*
 * Check the fixed line layouts (stlmp_config.shmti_fixed): lines 8-byte
 * aligned inside [0x10, lines_end), no overlap, gaps fillable with
 * DATA_INVALID lines, block-timestamped DEs after the BLK_TS line. On a
 * problem returns -EINVAL with the place ("shmti[1]", "des[12].line_off")
 * and the problem written into place / msg.
 */
int stlmp_fixed_layout_check(const struct stlmp_config *c, char *place,
			     size_t placelen, char *msg, size_t msglen);

#endif /* STLM_PLATFORM_CONFIG_INTERNAL_H */
