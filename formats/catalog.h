/* SPDX-License-Identifier: MIT */
/*
 * Copyright (c) 2026 The stlm authors
 *
 * Catalogs as documents (docs/catalog-format.md): the session-free parser
 * and the plain description it produces, also built in code (the ASTL
 * importer). Applying a catalog to a session is lib/catalog.c's job; the
 * public calls that use a catalog without a session are in
 * include/stlm/stlm.h. Internal, never installed.
 */
#ifndef STLM_FORMATS_CATALOG_H
#define STLM_FORMATS_CATALOG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CATALOG_MAX_FILE	(16u << 20)	/* bytes */
#define CATALOG_MAX_ENTRIES	262144u		/* DE entries after repeats */
#define CATALOG_MAX_REPEAT	65536		/* instances of one block */
#define CATALOG_MAX_DERIVED	4096u
#define CATALOG_MAX_STATES	4096u		/* per DE */
#define CATALOG_MAX_LABELS	64u		/* per DE or catalog */
#define CATALOG_MAX_STRING	1024u		/* names, descriptions, labels */
#define CATALOG_MAX_DEPTH	32		/* JSON nesting */

/* Kinds, as enum stlm_kind of the public header. */
#define CATALOG_KIND_GAUGE	0
#define CATALOG_KIND_COUNTER	1
#define CATALOG_KIND_STATE	2

/* Limits of an entry, as enum stlm_limit_kind of the public header. */
#define CATALOG_LIMIT_WARN	0
#define CATALOG_LIMIT_CRIT	1
#define CATALOG_N_LIMITS	2

/* name_hash slots of derived metrics carry this tag. */
#define CATALOG_DERIVED_TAG	0x80000000u

struct expr;

struct cat_state_name {
	int64_t v;
	char *name;
};

struct cat_label {
	char *key;
	char *val;
};

/**
 * struct cat_entry - one DE's description
 * @id:          DE id
 * @kind:        CATALOG_KIND_*, or -1 (from the DE type)
 * @is_signed:   two's complement values
 * @size:        data size in bytes from "bits" (1..8), 0 when not given
 * @has_unit:    @unit overrides the descriptor's unit code
 * @scale:       extra factor (1 when not given)
 * @name, @description: strings (description may be NULL)
 * @states:      value -> name, sorted by value
 * @labels:      the entry's own labels
 * @limit:       upper limits by CATALOG_LIMIT_*, in the DE's units after
 *               the catalog's unit and scale; bit k of @has_limit set
 *               when limit[k] is given
 */
struct cat_entry {
	uint32_t id;
	int8_t kind;
	bool is_signed;
	uint8_t size;
	bool has_unit;
	uint8_t unit;
	double scale;
	char *name;
	char *description;
	struct cat_state_name *states;
	uint32_t n_states;
	uint32_t n_labels;
	struct cat_label *labels;
	uint8_t has_limit;
	double limit[2];
};

/**
 * struct cat_derived - one derived metric
 * @unit: static unit symbol, or NULL
 * @e:    the compiled expression (formats/expr.h); its inputs are entry
 *        indices, then n_entries + index into the catalog's @extras
 */
struct cat_derived {
	char *name;
	char *description;
	const char *unit;
	struct expr *e;
};

/**
 * struct stlm_catalog - a catalog document
 * @file, @name, @description: where it came from and what it says
 * @m_uuid ... @impl_max: the "match" object; @uuid_bytes > 0 for built
 *          catalogs that compare only the leading bytes of @uuid_raw
 * @labels: labels of every DE
 * @entries: in document order, repeat blocks expanded
 * @id_hash, @name_hash: open addressing, entry index + 1 (name_hash:
 *          or derived index + 1 | CATALOG_DERIVED_TAG)
 * @extras: ids that derived expressions read with de(ID) and no entry
 *          describes
 */
struct stlm_catalog {
	char *file;
	char *name;
	char *description;
	bool m_uuid;
	char uuid[37];
	uint8_t uuid_raw[16];
	uint8_t uuid_bytes;
	char *vendor;
	char *sub_vendor;
	bool m_impl;
	uint32_t impl_min;
	uint32_t impl_max;
	struct cat_label *labels;
	uint32_t n_labels;
	struct cat_entry *entries;
	uint32_t n_entries;
	uint32_t cap_entries;
	uint32_t *id_hash;
	uint32_t *name_hash;
	uint32_t hash_mask;
	uint32_t *extras;
	uint32_t n_extras;
	struct cat_derived *derived;
	uint32_t n_derived;
};

/**
 * struct cat_platform - what a catalog's "match" is compared with: a live
 * platform's identity or a recording's
 */
struct cat_platform {
	const char *uuid_str;	/* "XXXXXXXX-XXXX-..." */
	const char *vendor;	/* at most 15 characters */
	const char *sub_vendor;
	uint32_t impl_version;
};

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
			   const struct cat_platform *p);
/*
 * How specifically it applies (docs/catalog-format.md "Matching"): 0
 * not at all (or a "match" naming neither UUID nor vendor), 4 by UUID,
 * 3 vendor, sub-vendor and implementation version, 2 vendor and
 * sub-vendor, 1 vendor.
 */
int stlm__catalog_match_score(const struct stlm_catalog *c,
			      const struct cat_platform *p);
/*
 * The most specific catalog for p at path: a catalog file, or the *.json
 * of a directory (files that are no valid catalog are skipped). 0 with
 * *ret; -ENOMSG (none matches), -ENOTUNIQ (several match equally), or the
 * error of reading path itself; err filled.
 */
int stlm__catalog_find_best(const char *path, const struct cat_platform *p,
			    struct stlm_catalog **ret, char *err,
			    size_t errlen);

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
	int kind;			/* CATALOG_KIND_*, or -1 */
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
/* Counts (tests). */
size_t stlm__catalog_n_entries(const struct stlm_catalog *c);
size_t stlm__catalog_n_derived(const struct stlm_catalog *c);

/* Lookups: the entry index of an id, or -1. */
int stlm__catalog_id_index(const struct stlm_catalog *c, uint32_t id);
/* The name_hash slot value of name[len] (0: none). */
uint32_t stlm__catalog_name_slot(const struct stlm_catalog *c,
				 const char *name, size_t len);
/* The name of state v of entry e, or NULL. */
const char *stlm__catalog_state_name(const struct cat_entry *e, int64_t v);
/* A label of entry e, else of the catalog, or NULL. */
const char *stlm__catalog_label(const struct stlm_catalog *c,
				const struct cat_entry *e, const char *key);

#endif /* STLM_FORMATS_CATALOG_H */
