/* SPDX-License-Identifier: MIT */
/*
 * Copyright (c) 2026 The stlm authors
 *
 * What the catalog parser's files share (catalog-parse.c, catalog-derived.c,
 * catalog.c): the walk with its JSON path, errors at places, the name
 * index. Internal to formats/.
 */
#ifndef STLM_FORMATS_CATALOG_INTERNAL_H
#define STLM_FORMATS_CATALOG_INTERNAL_H

#include <json-c/json.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "catalog.h"
#include "jsonerr.h"

#define CATALOG_PATH_DEPTH	16

/**
 * struct cat_parser - one parse
 * @path, @depth: the JSON path being walked (jsonerr.h)
 * @inst:         repeat instance i for messages, or -1
 * @c:            the catalog being filled
 */
struct cat_parser {
	const char *file;
	const char *text;
	size_t len;
	char *err;
	size_t errlen;
	struct jsonerr_comp path[CATALOG_PATH_DEPTH];
	int depth;
	int inst;
	struct stlm_catalog *c;
};

void stlm__catp_push_key(struct cat_parser *p, const char *key);
void stlm__catp_push_index(struct cat_parser *p, int index);
void stlm__catp_pop(struct cat_parser *p);
/* "FILE:LINE:COL: PATH: problem" at the current path; returns -EINVAL. */
__attribute__((format(printf, 3, 4)))
int stlm__catp_perr_at(struct cat_parser *p, bool at_key, const char *fmt,
		       ...);
int stlm__catp_check_keys(struct cat_parser *p, struct json_object *o,
			  const char *const *keys);
int stlm__catp_want_type(struct cat_parser *p, struct json_object *o,
			 json_type t, const char *what);
int stlm__catp_get_string(struct cat_parser *p, struct json_object *o,
			  const char **ret);

/* catalog-derived.c: the "derived" object, once the entries are indexed. */
int stlm__catalog_parse_derived(struct cat_parser *p, struct json_object *d);
/* Cycles and depth of the derived references. */
int stlm__catalog_check_cycles(struct cat_parser *p);

/* catalog.c */
/* [a-z_][a-z0-9_]* segments separated by dots. */
bool stlm__catalog_name_ok(const char *s);
void stlm__catalog_name_insert(struct stlm_catalog *c, const char *s,
			       uint32_t v);
void stlm__catalog_labels_free(struct cat_label *l, uint32_t n);

#endif /* STLM_FORMATS_CATALOG_INTERNAL_H */
