/* SPDX-License-Identifier: MIT */
/*
 * Copyright (c) 2026 The stlm authors
 *
 * What the ASTL parser's files share (astl.c, astl-expand.c,
 * astl-index.c): the walk with its JSON path and errors, typed getters,
 * findings and the per-kind document driver. Internal to formats/.
 */
#ifndef STLM_FORMATS_ASTL_INTERNAL_H
#define STLM_FORMATS_ASTL_INTERNAL_H

#include <json-c/json.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "astl.h"
#include "jsonerr.h"

/* Short names of the helpers shared by astl*.c (internal symbols). */
#define push_key	stlm__astlw_push_key
#define push_index	stlm__astlw_push_index
#define pop		stlm__astlw_pop
#define werr		stlm__astlw_werr
#define json_parse	stlm__astlw_json_parse
#define alloc_members	stlm__astlw_alloc_members
#define get_obj		stlm__astlw_get_obj
#define get_str		stlm__astlw_get_str
#define get_num		stlm__astlw_get_num
#define get_bool	stlm__astlw_get_bool
#define add_finding	stlm__astlw_add_finding
#define findings_free	stlm__astlw_findings_free
#define doc_parse	stlm__astlw_doc_parse
#define blk_word	stlm__astlw_blk_word
#define doc_read	stlm__astlw_doc_read

#define PATH_DEPTH	8

struct walk {
	const char *file;
	char *err;
	size_t errlen;
	struct jsonerr_comp path[PATH_DEPTH];
	int depth;
	int gen;
};

void stlm__astlw_push_key(struct walk *w, const char *key);
void stlm__astlw_push_index(struct walk *w, uint32_t index);
void stlm__astlw_pop(struct walk *w);
/* "FILE: PATH: problem" in w->err; returns -EINVAL. */
__attribute__((format(printf, 2, 3)))
int stlm__astlw_werr(struct walk *w, const char *fmt, ...);
/* Parse JSON text strictly: the root or -EINVAL/-EFBIG with err. */
int stlm__astlw_json_parse(const char *text, size_t len, const char *file,
			   struct json_object **ret, char *err,
			   size_t errlen);
/*
 * An array for the members of object o (at key, at most max of what), one
 * more than there are, zeroed: 0, -EINVAL with err or -ENOMEM.
 */
int stlm__astlw_alloc_members(struct walk *w, struct json_object *o,
			      const char *key, uint32_t max,
			      const char *what, size_t size, void **ret);
/* Typed getters: 0 (found), 1 (absent, optional), or -EINVAL. */
int stlm__astlw_get_obj(struct walk *w, struct json_object *o,
			const char *key, bool required, enum json_type t,
			struct json_object **ret);
int stlm__astlw_get_str(struct walk *w, struct json_object *o,
			const char *key, bool required, char **ret);
/* An integer, or a string by the number rule (num.h), in [min, max]. */
int stlm__astlw_get_num(struct walk *w, struct json_object *o,
			const char *key, bool required, int64_t min,
			int64_t max, int64_t *ret);
int stlm__astlw_get_bool(struct walk *w, struct json_object *o,
			 const char *key, bool *ret);
/*
 * Count a finding in *total and keep it (text from fmt) in (*arr)[*n] while
 * there are fewer than ASTL_MAX_FINDINGS: 0 or -ENOMEM.
 */
__attribute__((format(printf, 5, 6)))
int stlm__astlw_add_finding(struct astl_finding **arr, uint32_t *n,
			    uint32_t *total, const struct astl_finding *f,
			    const char *fmt, ...);
void stlm__astlw_findings_free(struct astl_finding *f, uint32_t n);
/* The key of a spec's block array: "layout" or "members". */
static inline const char *stlm__astlw_blk_word(const struct astl_spec *s)
{
	return s->generation == 1 ? "layout" : "members";
}

/* One kind of document for doc_parse() and doc_read(). */
struct doc_kind {
	const char *name;	/* the file name when none is given */
	size_t size;
	size_t file_off;	/* of its "char *file" member */
	int (*parse)(struct walk *w, struct json_object *root, void *doc);
	void (*free)(void *doc);
};

int stlm__astlw_doc_parse(const struct doc_kind *k, const char *text,
			  size_t len, const char *file, void **ret,
			  char *err, size_t errlen);
int stlm__astlw_doc_read(const struct doc_kind *k, const char *path,
			 void **ret, char *err, size_t errlen);

/*
 * The doc_kind of struct astl_KIND and its public stlm__astl_KIND_parse()
 * and stlm__astl_KIND_read() (astl.h).
 */
#define ASTL_DOC_KIND(KIND, NAME)					\
static void KIND##_free_doc(void *doc)					\
{									\
	stlm__astl_##KIND##_free(doc);					\
}									\
									\
static const struct doc_kind KIND##_kind = {				\
	.name = NAME, .size = sizeof(struct astl_##KIND),		\
	.file_off = offsetof(struct astl_##KIND, file),			\
	.parse = parse_##KIND, .free = KIND##_free_doc,			\
};									\
									\
int stlm__astl_##KIND##_parse(const char *text, size_t len,		\
			      const char *file,				\
			      struct astl_##KIND **ret, char *err,	\
			      size_t errlen)				\
{									\
	return doc_parse(&KIND##_kind, text, len, file, (void **)ret,	\
			 err, errlen);					\
}									\
									\
int stlm__astl_##KIND##_read(const char *path,				\
			     struct astl_##KIND **ret, char *err,	\
			     size_t errlen)				\
{									\
	return doc_read(&KIND##_kind, path, (void **)ret, err, errlen);	\
}


#endif /* STLM_FORMATS_ASTL_INTERNAL_H */
