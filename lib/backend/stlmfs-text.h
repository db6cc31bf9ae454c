/* SPDX-License-Identifier: MIT */
/*
 * Copyright (c) 2026 The stlm authors
 *
 * Pure parsers of the STLMFS v4 text files (docs/stlmfs.md), used
 * by the stlmfs: backend (lib/stlmfs.c) and its fuzzer. No allocation, no
 * I/O, no global state. Every function takes a buffer and its length (the
 * text need not be NUL-terminated) and returns 0 or a negative errno:
 * -EBADMSG for malformed text, -ERANGE for a number out of its field.
 * Never installed.
 *
 * Common rules: one optional trailing "\n" (and, for `name`, a trailing
 * NUL, which the kernel includes in the read length) is accepted; nothing
 * else may follow the value.
 */
#ifndef STLM_LIB_STLMFS_TEXT_H
#define STLM_LIB_STLMFS_TEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Longest DE name kept (the SCMI descriptor's 16-byte field). */
#define STLMFS_NAME_MAX		16

/** struct stlmfs_iv - one "secs,exp" interval tuple */
struct stlmfs_iv {
	uint16_t secs;
	int8_t exp;
};

/** struct stlmfs_sample - one des_bulk_read / value line */
struct stlmfs_sample {
	uint32_t id;
	uint64_t ts;
	uint64_t value;
};

/* "Y"/"N" (also y/n/1/0, as the kernel's bool parser prints only Y/N). */
int stlmfs_text_parse_bool(const char *buf, size_t len, bool *ret);
/* Unsigned: decimal, or hex with a 0x prefix; <= max. */
int stlmfs_text_parse_uint(const char *buf, size_t len, uint64_t max,
			   uint64_t *ret);
/* Signed decimal in [min, max]. */
int stlmfs_text_parse_int(const char *buf, size_t len, int64_t min,
			  int64_t max, int64_t *ret);
/* Canonical 8-4-4-4-12 UUID (either case) into 16 bytes. */
int stlmfs_text_parse_uuid(const char *buf, size_t len, uint8_t ret[16]);
/* A DE name: printable ASCII, 1..STLMFS_NAME_MAX chars; ret gets a C
 * string (cap >= STLMFS_NAME_MAX + 1). */
int stlmfs_text_parse_name(const char *buf, size_t len, char *ret,
			   size_t cap);
/* One "secs,exp" tuple (secs 0..65535, exp -16..15; exp defaults to -3
 * when absent, as the kernel's write side does). */
int stlmfs_text_parse_interval(const char *buf, size_t len,
			       struct stlmfs_iv *ret);
/*
 * A space-separated interval list (available_update_intervals_ms): up to
 * cap tuples into v, count in *ret_n; more than cap is -E2BIG. An empty
 * list is valid (n = 0).
 */
int stlmfs_text_parse_intervals(const char *buf, size_t len,
				struct stlmfs_iv *v, size_t cap, size_t *ret_n);
/* A DE directory name: "0x" and 8 (v4) or 4 (legacy) hex digits. */
int stlmfs_text_parse_de_dirname(const char *name, uint32_t *ret);
/* A group directory name: decimal, no sign, no leading zero but "0". */
int stlmfs_text_parse_group_dirname(const char *name, uint32_t *ret);
/* A tlm_<N> instance directory name. */
int stlmfs_text_parse_instance_dirname(const char *name, uint32_t *ret);
/*
 * composing_des: space-separated 0x-prefixed hex ids (1..8 digits), up to
 * cap into ids, count in *ret_n (-E2BIG beyond cap).
 */
int stlmfs_text_parse_id_list(const char *buf, size_t len, uint32_t *ids,
			      size_t cap, size_t *ret_n);
/*
 * One bulk line without its "\n": "0x<ID> <ts> <value>", ID 8 (or legacy
 * 4) hex digits, ts decimal (u64), value exactly 16 hex digits.
 */
int stlmfs_text_parse_bulk_line(const char *line, size_t len,
				struct stlmfs_sample *ret);
/*
 * Walk a bulk file: the next line from *off into *ret (1), end (0), or
 * -EBADMSG with *ret_line set to the 1-based number of the bad line. Every
 * line must end in "\n"; blank lines are malformed.
 */
int stlmfs_text_bulk_next(const char *buf, size_t len, size_t *off,
			  size_t *line_no, struct stlmfs_sample *ret);
/* A per-DE value file: "<ts> <value>" (v4) or "<ts>: <value>" (RFC-v3);
 * ret->id is left 0. */
int stlmfs_text_parse_value(const char *buf, size_t len,
			    struct stlmfs_sample *ret);

#endif /* STLM_LIB_STLMFS_TEXT_H */
