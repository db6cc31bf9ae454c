/* SPDX-License-Identifier: MIT */
/*
 * Copyright (c) 2026 The stlm authors
 *
 * Places in JSON documents for error messages: the path of keys and
 * indices being walked ("des[2].name"), a text offset as LINE:COL, and
 * reading a whole description file. Shared by the catalog, ASTL and
 * platform description parsers. Internal, never installed.
 */
#ifndef STLM_JSONERR_H
#define STLM_JSONERR_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* One step of a path: an object key, or (key NULL) an array index. */
struct jsonerr_comp {
	const char *key;
	uint32_t index;
};

/*
 * Push onto path[cap] at *depth; the depth still counts past cap so that
 * pops stay balanced, but only the first cap steps are kept.
 */
void stlm__jsonerr_push(struct jsonerr_comp *path, int cap, int *depth,
			const char *key, uint32_t index);

/* "a.b[3].c" for the first min(depth, cap) steps; "" for none. */
void stlm__jsonerr_path_str(const struct jsonerr_comp *path, int cap,
			    int depth, char *buf, size_t n);

/* msg from fmt and ap, and place as stlm__jsonerr_path_str() gives it. */
__attribute__((format(printf, 8, 0)))
void stlm__jsonerr_vformat(const struct jsonerr_comp *path, int cap,
			   int depth, char *place, size_t placelen, char *msg,
			   size_t msglen, const char *fmt, va_list ap);

/* 1-based line and column of offset off in t[len]. */
void stlm__jsonerr_line_col(const char *t, size_t len, size_t off,
			    int *line, int *col);

struct json_object;

/*
 * Parse JSON text[len] (at most max bytes, no NUL, nesting at most depth)
 * strictly, nothing but white space after the value: the root in *ret, or
 * -EINVAL/-EFBIG/-ENOMEM with err "FILE: larger than MAX bytes" or
 * "FILE:LINE:COL: problem". A value json-c parses as NULL (the document
 * "null") is "unexpected end of file" with null_is_eof, else json-c's
 * text for success.
 */
int stlm__jsonerr_parse(const char *text, size_t len, const char *file,
			size_t max, int depth, bool null_is_eof,
			struct json_object **ret, char *err, size_t errlen);

/*
 * Read the regular file path (at most max bytes) into a NUL-terminated
 * malloc'd *buf. Errors go to err as "PATH: strerror", "PATH: not a
 * regular file" or "PATH: <big>larger than MAX bytes".
 */
int stlm__jsonerr_read_file(const char *path, size_t max, const char *big,
			    char **buf, size_t *len, char *err,
			    size_t errlen);

#endif /* STLM_JSONERR_H */
