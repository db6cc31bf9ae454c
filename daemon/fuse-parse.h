/* SPDX-License-Identifier: MIT */
/*
 * Copyright (c) 2026 The stlm authors
 *
 * The text a process writes to the writable files of the FUSE tree
 * (daemon/fuse.c, docs/stlmfs.md): pure parsers, no session, no FUSE, so
 * that tests and fuzz/fuzz-fuse-writes.c can call them directly.
 */
#ifndef STLMD_FUSE_PARSE_H
#define STLMD_FUSE_PARSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* A write of this many bytes or more is refused whole. */
#define STLMFS_WRITE_MAX 128

/*
 * Turn the bytes of one write(2) into a C string in txt (STLMFS_WRITE_MAX
 * bytes). -ENOSPC when size >= STLMFS_WRITE_MAX and the file is an
 * update interval file (interval true; the kernel's answer there),
 * -EINVAL for the others; -EINVAL on an embedded NUL byte.
 */
int stlmfs_write_text(const char *buf, size_t size, bool interval, char *txt);

/*
 * Exactly the set of the kernel's kstrtobool(): "1", "y", "Y", "t", "T"
 * and "on" (any case) are true; "0", "n", "N", "f", "F" and "off" (any
 * case) are false; each may end with one newline. -EINVAL otherwise
 * ("yes", "Yikes", "0x1", " y", "y\n\n").
 */
int stlmfs_parse_bool(const char *s, bool *ret);

/*
 * current_update_interval_ms: "<secs>" or "<secs>,<exp>" (exp defaults
 * to -3, i.e. milliseconds), each a C integer (decimal, 0x hex, 0 octal),
 * with blanks (space, tab) around the numbers and the comma, and newlines
 * before and after. Each number starts with a digit (exp: after an
 * optional sign); secs is 0..65535, exp -16..15. *ret gets the interval in
 * ns, rounded to nearest. -EINVAL when not of that form, -ERANGE when a
 * number is out of range or the interval is below 1 ns or above 1.8e19 ns.
 */
int stlmfs_parse_interval(const char *s, uint64_t *ret);

#endif /* STLMD_FUSE_PARSE_H */
