/* SPDX-License-Identifier: MIT */
/*
 * Copyright (c) 2026 The stlm authors
 *
 * The offline catalog of stlm replay, decode and report: a catalog
 * (docs/catalog-format.md) applied to a recording without a session,
 * matched against the recorded identity, and how each recorded DE is
 * shown with it (name, unit, kind, value). The catalog is read and
 * matched by libstlm (stlm_catalog_find()); derived metrics and labels
 * need a session.
 */
#ifndef STLM_CLI_OFFLINE_CATALOG_H
#define STLM_CLI_OFFLINE_CATALOG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stlm/stlm.h>

#include "record.h"

/**
 * struct ocat - a catalog applied to a recording
 * @cat:   the catalog
 * @file:  the file it was read from (owned by @cat)
 * @name:  its "name" (owned by @cat)
 * @des:   its entries sorted by id (strings owned by @cat)
 * @states_only: the catalog named in the recording's header, found again
 *         on the catalog path: only its state names are used (names,
 *         units and values are the recorded ones)
 */
struct ocat {
	struct stlm_catalog *cat;
	const char *file;
	const char *name;
	struct stlm_catalog_de *des;
	size_t n;
	bool states_only;
};

/**
 * struct ocat_view - how one sample is shown
 * @de:    header entry (NULL for an id the table does not have)
 * @cd:    catalog entry, or NULL
 * @cat:   the catalog, or NULL
 * @name:  display name
 * @unit:  display unit ("" for none)
 * @kind:  STLM_KIND_*
 */
struct ocat_view {
	const struct rec_de *de;
	const struct stlm_catalog_de *cd;
	const struct stlm_catalog *cat;
	const char *name;
	const char *unit;
	int kind;
	bool named;
	bool states_only;
	char idbuf[16];
};

/* Load the catalog at path (a file, or the best match in a directory)
 * for the recording h; 0 or a negative errno with err filled. */
int ocat_load(const char *path, const struct rec_header *h, struct ocat *ret,
	      char *err, size_t errlen);
void ocat_done(struct ocat *k);
/* The catalog the recording h was made with (its header's "catalog"),
 * found on the catalog path (stlm_catalog_search_path()) for its state
 * names: 0, -ENOENT (none recorded), -ENOMSG (not found), -ENOMEM. */
int ocat_load_recorded(const struct rec_header *h, struct ocat *ret);
const struct stlm_catalog_de *ocat_find(const struct ocat *k, uint32_t id);
/* How DE id of recording h is shown, with cat (NULL: none) applied. */
void ocat_view_of(const struct rec_header *h, const struct ocat *cat,
		  uint32_t id, struct ocat_view *v);
/* The name the catalog gives value v of the viewed DE, or NULL. */
const char *ocat_view_state(const struct ocat_view *v, int64_t v_);
/* The value to show: as recorded, or recomputed with the catalog. */
double ocat_view_value(const struct ocat_view *v, const struct rec_sample *s);

#endif /* STLM_CLI_OFFLINE_CATALOG_H */
