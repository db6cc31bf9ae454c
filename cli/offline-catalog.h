/* SPDX-License-Identifier: MIT */
/*
 * Copyright (c) 2026 The stlm authors
 *
 * The offline catalog of stlm replay, decode and report: a catalog
 * (docs/catalog-format.md) applied to a recording without a session,
 * matched against the recorded identity, and how each recorded DE is
 * shown with it (name, unit, kind, value). Deliberately small: it reads the
 * "match" object and the "des" entries (with repeat blocks) with json-c,
 * and nothing else; derived metrics and labels need a session.
 */
#ifndef STLM_CLI_OFFLINE_CATALOG_H
#define STLM_CLI_OFFLINE_CATALOG_H

#include <json-c/json.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "record.h"

/**
 * struct ocat_de - what a catalog says about one DE
 * @id:          DE id
 * @name, @description, @unit: NULL when the catalog does not say
 * @scale:       extra factor (1 when not given)
 * @is_signed:   two's complement raw values
 * @kind:        STLM_KIND_*, or -1 when not given
 * @states:      for kind state: value -> name (json object), or NULL
 */
struct ocat_de {
	uint32_t id;
	char *name;
	char *description;
	char *unit;
	double scale;
	bool is_signed;
	int kind;
	struct json_object *states;
};

/**
 * struct ocat - a catalog applied to a recording
 * @file:  path it was read from
 * @name:  its "name"
 * @root:  the parsed document (owns @states)
 * @des:   entries sorted by id
 */
struct ocat {
	char *file;
	char *name;
	struct json_object *root;
	struct ocat_de *des;
	size_t n, cap;
};

/**
 * struct ocat_view - how one sample is shown
 * @de:    header entry (NULL for an id the table does not have)
 * @cd:    catalog entry, or NULL
 * @name:  display name
 * @unit:  display unit ("" for none)
 * @kind:  STLM_KIND_*
 */
struct ocat_view {
	const struct rec_de *de;
	const struct ocat_de *cd;
	const char *name;
	const char *unit;
	int kind;
	bool named;
	char idbuf[16];
};

/* Load the catalog at path (a file, or the best match in a directory)
 * for the recording h; 0 or a negative errno with err filled. */
int ocat_load(const char *path, const struct rec_header *h, struct ocat *ret,
	      char *err, size_t errlen);
void ocat_done(struct ocat *k);
const struct ocat_de *ocat_find(const struct ocat *k, uint32_t id);
/* A catalog unit word as a symbol ("celsius" -> "°C"), else the word. */
const char *ocat_unit_symbol(const char *word);
/* How DE id of recording h is shown, with cat (NULL: none) applied. */
void ocat_view_of(const struct rec_header *h, const struct ocat *cat,
		  uint32_t id, struct ocat_view *v);
/* The value to show: as recorded, or recomputed with the catalog. */
double ocat_view_value(const struct ocat_view *v, const struct rec_sample *s);

#endif /* STLM_CLI_OFFLINE_CATALOG_H */
