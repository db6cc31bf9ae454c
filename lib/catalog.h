/* SPDX-License-Identifier: MIT */
/*
 * Copyright (c) 2026 The stlm authors
 *
 * Catalog internals shared with the tests and fuzzers. Never installed.
 */
#ifndef STLM_LIB_CATALOG_H
#define STLM_LIB_CATALOG_H

#include <stddef.h>
#include <stdint.h>
#include <stlm/stlm.h>

#define CATALOG_MAX_FILE	(16u << 20)	/* bytes */
#define CATALOG_MAX_ENTRIES	262144u		/* DE entries after repeats */
#define CATALOG_MAX_REPEAT	65536		/* instances of one block */
#define CATALOG_MAX_DERIVED	4096u
#define CATALOG_MAX_STATES	4096u		/* per DE */
#define CATALOG_MAX_LABELS	64u		/* per DE or catalog */
#define CATALOG_MAX_STRING	1024u		/* names, descriptions, labels */
#define CATALOG_MAX_DEPTH	32		/* JSON nesting */

struct stlm_catalog;

/*
 * Parse a catalog document of len bytes; file names it in messages
 * ("FILE:LINE:COL: PATH: problem" in err). 0, -EINVAL, -EFBIG, -ENOMEM.
 */
int stlm__catalog_parse(const char *text, size_t len, const char *file,
			struct stlm_catalog **ret, char *err, size_t errlen);
/* Read and parse a file (at most CATALOG_MAX_FILE bytes). */
int stlm__catalog_read(const char *path, struct stlm_catalog **ret,
		       char *err, size_t errlen);
void stlm__catalog_destroy(struct stlm_catalog *c);
/* Does the catalog apply to this platform? */
bool stlm__catalog_matches(const struct stlm_catalog *c,
			   const struct stlm_platform_info *info);
/*
 * Building a catalog in code (the ASTL importer, lib/catalog-astl.c):
 * new() with room for max_entries, add() entries (-EEXIST for an id or a
 * name already there), then use it like a parsed one. Names are taken as
 * given (no dotted lower-case rule). uuid_bytes < 16 compares only the
 * first bytes of the platform's UUID.
 */
struct stlm__catalog_def {
	uint32_t id;
	const char *name;
	const char *description;	/* or NULL */
	int unit;			/* unit code, or -1: the descriptor's */
	double scale;			/* 1 when none */
	int kind;			/* enum stlm_kind, or -1 */
	uint32_t n_labels;
	const char *const *label_keys;
	const char *const *label_vals;
};
struct stlm_catalog *stlm__catalog_new(const char *file, const char *name,
				       const char *description,
				       uint32_t max_entries);
int stlm__catalog_set_uuid(struct stlm_catalog *c, const uint8_t uuid[16],
			   unsigned int uuid_bytes);
int stlm__catalog_add(struct stlm_catalog *c,
		      const struct stlm__catalog_def *d);
const char *stlm__catalog_name_of(const struct stlm_catalog *c);
const char *stlm__catalog_file_of(const struct stlm_catalog *c);
struct stlm_de;
/* The DE's unit code as its descriptor gives it (before any override). */
uint8_t stlm__catalog_de_desc_unit(const struct stlm_de *de);
/* Counts (tests). */
size_t stlm__catalog_n_entries(const struct stlm_catalog *c);
size_t stlm__catalog_n_derived(const struct stlm_catalog *c);

#endif /* STLM_LIB_CATALOG_H */
