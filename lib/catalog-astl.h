/* SPDX-License-Identifier: MIT */
/*
 * Copyright (c) 2026 The stlm authors
 *
 * ASTL description files as catalogs, and their check against a live
 * platform (lib/catalog-astl.c). Internal, never installed; used by
 * lib/catalog.c and `stlm catalog check`.
 */
#ifndef STLM_LIB_CATALOG_ASTL_H
#define STLM_LIB_CATALOG_ASTL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "astl.h"

struct stlm_session;
struct stlm_catalog;

/* One spec with the metrics declarations platform_lookup gives it. */
struct astl_set_item {
	struct astl_spec *spec;
	struct astl_metrics *metrics;	/* or NULL */
};

/**
 * struct astl_set - what a path holds
 * @kind:   what the path named: ASTL_DOC_SPEC or ASTL_DOC_REPOMETA (an
 *          index file, or a directory holding repometa.json)
 * @repo:   the repometa index, or NULL
 * @lookup: platform_lookup.json found beside it, or NULL
 * @items:  every spec (repometa: each it maps, in its order)
 */
struct astl_set {
	char *path;
	enum astl_doc kind;
	struct astl_index *repo;
	struct astl_index *lookup;
	uint32_t n_items;
	struct astl_set_item *items;
};

/*
 * Load a spec file, a repometa.json, or a directory holding
 * repometa.json, with platform_lookup.json (same directory as the index,
 * or the spec's directory or its parent) and the metrics files it maps.
 * -EMEDIUMTYPE: path is no ASTL spec or index (err empty); other
 * negative errno with err.
 */
int stlm__astl_set_load(const char *path, struct astl_set **ret, char *err,
			size_t errlen);
void stlm__astl_set_free(struct astl_set *set);

/* A metrics declaration's formula as ASTL evaluates it. */
enum astl_formula {
	ASTL_FORMULA_NONE = 0,	/* no formula */
	ASTL_FORMULA_SCALE,	/* value * K, K an integer: exact */
	ASTL_FORMULA_REFUSED,	/* anything else: refused (message) */
};
/* Classify m's formula; *scale for SCALE, msg for REFUSED. */
enum astl_formula stlm__astl_formula(const struct astl_metric *m,
				     double *scale, char *msg, size_t n);

/* A DE whose unit or exponent differs between the file and the platform. */
struct astl_unit_diff {
	size_t slot;
	int live_unit;
	int live_exp;
};

/**
 * struct astl_check - one spec compared with a platform
 * @item:         the spec (and metrics) compared
 * @live:         a platform was compared (else file-only)
 * @uuid_match:   the platform's DE implementation UUID matches the spec
 * @exp:          slots of targets 0 .. n_targets-1
 * @present:      per slot: the platform has a DE with that id
 * @n_missing:    distinct ids the file names that the platform lacks
 * @extra:        ids of platform DEs the file does not name (ascending)
 * @unit_diffs:   present DEs whose unit or exponent disagree
 * @metric_of:    per slot: index+1 of the first matching declaration, 0
 * @formula_errors: one message per refused formula
 * @n_disabled:   slots a declaration marks disabled
 */
struct astl_check {
	const struct astl_set_item *item;
	bool live;
	bool uuid_match;
	char platform_uuid[37];
	uint32_t n_targets;
	struct astl_expansion *exp;
	bool *present;
	size_t n_present;
	size_t n_missing;
	uint32_t *extra;
	size_t n_extra;
	struct astl_unit_diff *unit_diffs;
	size_t n_unit_diffs;
	uint32_t *metric_of;
	uint32_t n_formula_errors;
	char **formula_errors;
	size_t n_disabled;
};

/*
 * Compare item with the platform of s (NULL: file only, target 0).
 * Targets beyond 0 are taken while the platform has a DE of theirs (at
 * most ASTL_MAX_TARGETS and while ids fit). With s, the caller has
 * discovered the platform already.
 */
int stlm__astl_check(struct stlm_session *s, const struct astl_set_item *item,
		     struct astl_check **ret, char *err, size_t errlen);
void stlm__astl_check_free(struct astl_check *c);
/*
 * A spec whose UUID is not the platform's still describes part of it (a
 * secondary layout, applied next to the platform's own spec) when at least
 * half the DE ids of its first target are on the platform.
 */
bool stlm__astl_secondary_applies(const struct astl_check *c);

/*
 * For lib/catalog.c: build the catalog of path for the session's
 * platform. 1 (*ret set), 0 (ASTL, but nothing for this platform),
 * -EMEDIUMTYPE (not ASTL), or a negative errno with err.
 */
int stlm__astl_catalog_find(struct stlm_session *s, const char *path,
			    struct stlm_catalog **ret, char *err,
			    size_t errlen);

#endif /* STLM_LIB_CATALOG_ASTL_H */
