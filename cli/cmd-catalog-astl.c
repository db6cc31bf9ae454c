// SPDX-License-Identifier: MIT
/*
 * Copyright (c) 2026 The stlm authors
 *
 * stlm catalog check for ASTL description files (docs/catalog-format.md,
 * "ASTL description files"): the file's own findings, and with a
 * platform the comparison of the file with its DE list. One line per
 * finding, "FILE: what: detail", then a summary line; --json gives the
 * same as one object per file.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "catalog-astl.h"
#include "cli.h"

static const char *unit_word(int unit, char *buf, size_t n)
{
	const char *w = stlm__astl_unit_word(unit);

	if (w)
		return w;
	snprintf(buf, n, "unit code %d", unit);
	return buf;
}

static const char *find_type(enum astl_finding_type t)
{
	switch (t) {
	case ASTL_FIND_DUP_ID:
		return "duplicate_id";
	case ASTL_FIND_DUP_NAME:
		return "duplicate_name";
	case ASTL_FIND_UNIT:
		return "unit_normalised";
	case ASTL_FIND_OVERLAP:
		return "overlap";
	case ASTL_FIND_GAP:
		return "gap";
	default:
		return "outside";
	}
}

/* Text and JSON at once: one finding. */
static void finding(struct cli *c, struct jw *w, const char *file,
		    const char *type, const char *text, long long id)
{
	if (c->json) {
		jw_object_begin(w);
		jw_kv_string(w, "type", type);
		jw_key(w, "id");
		if (id >= 0)
			jw_uint(w, (uint64_t)id);
		else
			jw_null(w);
		jw_kv_string(w, "text", text);
		jw_object_end(w);
	} else {
		fprintf(c->out, "%s: %s\n", file, text);
	}
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

/*
 * How the set applies to the platform: the spec whose UUID is the
 * platform's, plus secondary layouts (stlm__astl_secondary_applies());
 * @named: every id those specs name, sorted, so a platform DE is "extra"
 * only when no applied spec names it; extras are listed once, under
 * @extras_item (the platform's own spec, else the first applied one).
 */
struct applied {
	bool any_match;
	bool *applies;
	uint32_t *named;
	size_t n_named;
	uint32_t extras_item;
};

static size_t report(struct cli *c, struct jw *w, const struct astl_set *set,
		     const struct astl_check *k, const struct applied *ap,
		     uint32_t item)
{
	const struct astl_spec *sp = k->item->spec;
	const struct astl_expansion *e = k->exp;
	const char *f = sp->file;
	size_t nf = 0, n_extra = 0;
	bool any_match = ap->any_match;
	bool secondary = k->live && !k->uuid_match && ap->applies[item];
	bool cmp = k->live && (k->uuid_match || secondary);
	bool extras = cmp && item == ap->extras_item;
	char t[1024], b1[32], b2[32];

	for (size_t i = 0; extras && i < k->n_extra; i++)
		if (!bsearch(&k->extra[i], ap->named, ap->n_named,
			     sizeof(*ap->named), cmp_u32))
			n_extra++;

	if (c->json) {
		jw_object_begin(w);
		jw_kv_string(w, "file", f);
		jw_kv_bool(w, "ok", true);
		jw_kv_string(w, "format", "astl");
		jw_kv_uint(w, "generation", (uint64_t)sp->generation);
		jw_kv_string(w, "uuid", sp->uuid_text);
		jw_kv_bool(w, "secondary_layout", secondary);
		jw_kv_uint(w, "uuid_bytes", sp->uuid_bytes);
		jw_kv_string(w, "description", sp->description);
		jw_kv_uint(w, "size", sp->size);
		jw_kv_uint(w, "targets", k->n_targets);
		jw_kv_uint(w, "slots", e->n_slots);
		jw_kv_uint(w, "distinct_ids", e->n_distinct_ids);
		jw_kv_uint(w, "header_lines", sp->n_headers);
		jw_kv_string(w, "metrics_file",
			     k->item->metrics ? k->item->metrics->file : NULL);
		jw_kv_bool(w, "live", k->live);
		jw_kv_string(w, "platform_uuid", k->live ? k->platform_uuid : NULL);
		jw_key(w, "uuid_match");
		if (k->live)
			jw_bool(w, k->uuid_match);
		else
			jw_null(w);
		jw_key(w, "findings");
		jw_array_begin(w);
	} else {
		fprintf(c->out, "%s: ASTL spec, generation %d, uuid %s, \"%s\"\n",
			f, sp->generation, sp->uuid_text, sp->description);
	}
	/* UUID */
	if (k->live && !k->uuid_match && !any_match) {
		snprintf(t, sizeof(t),
			 "uuid mismatch: the platform's DE implementation UUID is %s, the file's %s%s",
			 k->platform_uuid, sp->uuid_text,
			 set->n_items > 1 ? " (no spec of the index matches)" : "");
		finding(c, w, f, "uuid_mismatch", t, -1);
		nf++;
	}
	/* File-only findings. */
	for (uint32_t i = 0; i < sp->n_findings; i++) {
		finding(c, w, f, find_type(sp->findings[i].type),
			sp->findings[i].text,
			sp->findings[i].type == ASTL_FIND_DUP_NAME ?
			(long long)sp->findings[i].id : -1);
		nf++;
	}
	for (uint32_t i = 0; i < e->n_findings; i++) {
		finding(c, w, f, find_type(e->findings[i].type),
			e->findings[i].text, e->findings[i].id);
		nf++;
	}
	if (sp->n_findings_total > sp->n_findings ||
	    e->n_findings_total > e->n_findings) {
		snprintf(t, sizeof(t), "%u more findings not listed",
			 (sp->n_findings_total - sp->n_findings) +
			 (e->n_findings_total - e->n_findings));
		finding(c, w, f, "truncated", t, -1);
		nf += (sp->n_findings_total - sp->n_findings) +
			(e->n_findings_total - e->n_findings);
	}
	for (uint32_t i = 0; i < k->n_formula_errors; i++) {
		snprintf(t, sizeof(t), "formula refused: %s", k->formula_errors[i]);
		finding(c, w, f, "formula_refused", t, -1);
		nf++;
	}
	if (cmp) {
		for (size_t i = 0; i < e->n_slots; i++) {
			const struct astl_slot *sl = &e->slots[i];

			if (k->present[i] || sl->duplicate_id)
				continue;
			snprintf(t, sizeof(t), "missing: 0x%08x %s is named by the file but the platform has no such DE",
				 sl->id, sl->full_name);
			finding(c, w, f, "missing", t, sl->id);
			nf++;
		}
		for (size_t i = 0; extras && i < k->n_extra; i++) {
			const struct stlm_de *de = stlm_de_get(c->s, k->extra[i]);
			const char *fw = de ? stlm_de_fw_name(de) : NULL;

			if (bsearch(&k->extra[i], ap->named, ap->n_named,
				    sizeof(*ap->named), cmp_u32))
				continue;

			snprintf(t, sizeof(t), "extra: 0x%08x%s%s is on the platform but not named by the file",
				 k->extra[i], fw ? " " : "", fw ? fw : "");
			finding(c, w, f, "extra", t, k->extra[i]);
			nf++;
		}
		for (size_t i = 0; i < k->n_unit_diffs; i++) {
			const struct astl_unit_diff *d = &k->unit_diffs[i];
			const struct astl_slot *sl = &e->slots[d->slot];

			snprintf(t, sizeof(t),
				 "unit mismatch: 0x%08x %s: file \"%s\" = %s x 10^%d, platform %s x 10^%d",
				 sl->id, sl->full_name, sl->unit_text,
				 sl->unit == ASTL_UNIT_UNKNOWN ? "unknown" :
				 unit_word(sl->unit, b1, sizeof(b1)), sl->exponent,
				 unit_word(d->live_unit, b2, sizeof(b2)), d->live_exp);
			finding(c, w, f, "unit_mismatch", t, sl->id);
			nf++;
		}
	}
	if (c->json) {
		jw_array_end(w);
		jw_key(w, "present");
		if (cmp)
			jw_uint(w, k->n_present);
		else
			jw_null(w);
		jw_key(w, "missing");
		if (cmp)
			jw_uint(w, k->n_missing);
		else
			jw_null(w);
		jw_key(w, "extra");
		if (cmp)
			jw_uint(w, n_extra);
		else
			jw_null(w);
		jw_kv_uint(w, "metrics_disabled", k->n_disabled);
		jw_kv_uint(w, "finding_count", nf);
		jw_kv_string(w, "error", NULL);
		jw_object_end(w);
	} else {
		fprintf(c->out, "%s: %zu DE slots, %zu distinct ids, %u target%s, %u HEADER lines",
			f, e->n_slots, e->n_distinct_ids, k->n_targets,
			k->n_targets == 1 ? "" : "s", sp->n_headers);
		if (cmp && extras)
			fprintf(c->out, "; platform %s%s: %zu present, %zu missing, %zu extra, %zu unit mismatches",
				k->platform_uuid,
				secondary ? " (secondary layout)" : "",
				k->n_present, k->n_missing, n_extra,
				k->n_unit_diffs);
		else if (cmp)
			fprintf(c->out, "; platform %s%s: %zu present, %zu missing, %zu unit mismatches",
				k->platform_uuid,
				secondary ? " (secondary layout)" : "",
				k->n_present, k->n_missing, k->n_unit_diffs);
		else if (k->live)
			fprintf(c->out, "; not this platform's spec (platform %s): file-only",
				k->platform_uuid);
		else
			fprintf(c->out, "; offline: file-only");
		if (k->item->metrics)
			fprintf(c->out, "; metrics %s (%u declarations, %zu DEs disabled)",
				k->item->metrics->file, k->item->metrics->n_metrics,
				k->n_disabled);
		fprintf(c->out, "; %zu finding%s\n", nf, nf == 1 ? "" : "s");
	}
	return nf;
}

int cli_catalog_check_astl(struct cli *c, const char *path, bool offline,
			   struct jw *w, size_t *findings)
{
	struct astl_set *set = NULL;
	struct applied ap = { .extras_item = UINT32_MAX };
	char err[512] = "";
	int r;

	r = stlm__astl_set_load(path, &set, err, sizeof(err));
	if (r == -EMEDIUMTYPE)
		return 0;
	if (r < 0) {
		cli_err(c, "%s", err[0] ? err : cli_strerror(r));
		if (c->json) {
			jw_object_begin(w);
			jw_kv_string(w, "file", path);
			jw_kv_bool(w, "ok", false);
			jw_kv_string(w, "format", "astl");
			jw_kv_string(w, "error", err[0] ? err : cli_strerror(r));
			jw_object_end(w);
		}
		return -1;
	}
	if (!offline && stlm_de_count(c->s) < 0)
		offline = true;
	ap.applies = calloc(set->n_items + 1, sizeof(*ap.applies));
	if (!ap.applies) {
		cli_err(c, "%s", cli_strerror(-ENOMEM));
		stlm__astl_set_free(set);
		return -1;
	}
	for (int pass = 0; pass < 2 && !offline; pass++) {
		for (uint32_t i = 0; i < set->n_items; i++) {
			struct astl_check *k = NULL;

			if (stlm__astl_check(c->s, &set->items[i], &k, err,
					     sizeof(err)) < 0)
				continue;
			if (pass == 0) {
				ap.any_match |= k->uuid_match;
				if (k->uuid_match && ap.extras_item == UINT32_MAX)
					ap.extras_item = i;
			} else {
				ap.applies[i] = k->uuid_match ||
					(ap.any_match &&
					 stlm__astl_secondary_applies(k));
			}
			if (pass == 1 && ap.applies[i]) {
				uint32_t *v = realloc(ap.named,
					(ap.n_named + k->exp->n_slots + 1) *
					sizeof(*v));

				if (v) {
					ap.named = v;
					for (size_t j = 0; j < k->exp->n_slots; j++)
						ap.named[ap.n_named++] =
							k->exp->slots[j].id;
				}
			}
			stlm__astl_check_free(k);
		}
	}
	if (ap.named)
		qsort(ap.named, ap.n_named, sizeof(*ap.named), cmp_u32);
	for (uint32_t i = 0; i < set->n_items && ap.extras_item == UINT32_MAX; i++)
		if (ap.applies[i])
			ap.extras_item = i;
	if (ap.extras_item == UINT32_MAX)
		ap.extras_item = 0;
	for (uint32_t i = 0; i < set->n_items; i++) {
		struct astl_check *k = NULL;

		r = stlm__astl_check(offline ? NULL : c->s, &set->items[i], &k,
				     err, sizeof(err));
		if (r < 0) {
			cli_err(c, "%s", err[0] ? err : cli_strerror(r));
			free(ap.applies);
			free(ap.named);
			stlm__astl_set_free(set);
			return -1;
		}
		*findings += report(c, w, set, k, &ap, i);
		stlm__astl_check_free(k);
	}
	free(ap.applies);
	free(ap.named);
	stlm__astl_set_free(set);
	return 1;
}
