// SPDX-License-Identifier: MIT
/*
 * Copyright (c) 2026 The stlm authors
 *
 * ASTL description files checked through the public API
 * (stlm_astl_open(), stlm_astl_check(); docs/catalog-format.md "ASTL
 * description files"): the file's own findings and, with a session, the
 * comparison of each spec of a set with the platform's DE list, as
 * ready-made finding texts.
 *
 * Which specs apply to the platform: the spec whose UUID is the
 * platform's, plus secondary layouts (stlm__astl_secondary_applies()). A
 * platform DE is "extra" only when no applied spec names it; extras are
 * listed once, under the platform's own spec, else the first applied one.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "catalog-astl.h"
#include "session.h"

struct astl_finding_rec {
	const char *type;	/* static */
	int64_t id;
	char *text;
};

struct astl_spec_rec {
	struct stlm_astl_spec info;
	char platform_uuid[37];
	struct astl_finding_rec *f;
	size_t n_f;
};

struct stlm_astl_report {
	struct astl_spec_rec *specs;
	size_t n_specs;
};

STLM_API int stlm_astl_open(const char *path, struct stlm_astl **ret,
			    char *err, size_t errlen)
{
	struct astl_set *set = NULL;
	int r;

	if (err && errlen)
		err[0] = '\0';
	if (!path || !ret)
		return -EINVAL;
	r = stlm__astl_set_load(path, &set, err, errlen);
	if (r < 0)
		return r;
	*ret = (struct stlm_astl *)set;
	return 0;
}

STLM_API void stlm_astl_close(struct stlm_astl *a)
{
	stlm__astl_set_free((struct astl_set *)a);
}

STLM_API void stlm_astl_report_free(struct stlm_astl_report *r)
{
	if (!r)
		return;
	for (size_t i = 0; i < r->n_specs; i++) {
		for (size_t j = 0; j < r->specs[i].n_f; j++)
			free(r->specs[i].f[j].text);
		free(r->specs[i].f);
	}
	free(r->specs);
	free(r);
}

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

static int add(struct astl_spec_rec *sr, const char *type, int64_t id,
	       const char *text)
{
	struct astl_finding_rec *f;

	if (!(sr->n_f & (sr->n_f + 1)) || !sr->f) {
		f = realloc(sr->f, (sr->n_f + 1) * 2 * sizeof(*f));
		if (!f)
			return -ENOMEM;
		sr->f = f;
	}
	f = &sr->f[sr->n_f];
	f->type = type;
	f->id = id;
	f->text = strdup(text);
	if (!f->text)
		return -ENOMEM;
	sr->n_f++;
	sr->info.finding_count++;
	return 0;
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

struct applied {
	bool any_match;
	bool *applies;
	uint32_t *named;
	size_t n_named;
	uint32_t extras_item;
};

static int report(struct stlm_session *s, const struct astl_set *set,
		  const struct astl_check *k, const struct applied *ap,
		  uint32_t item, struct astl_spec_rec *sr)
{
	const struct astl_spec *sp = k->item->spec;
	const struct astl_expansion *e = k->exp;
	struct stlm_astl_spec *in = &sr->info;
	size_t n_extra = 0;
	bool secondary = k->live && !k->uuid_match && ap->applies[item];
	bool cmp = k->live && (k->uuid_match || secondary);
	bool extras = cmp && item == ap->extras_item;
	char t[1024], b1[32], b2[32];
	int r = 0;

	for (size_t i = 0; extras && i < k->n_extra; i++)
		if (!bsearch(&k->extra[i], ap->named, ap->n_named,
			     sizeof(*ap->named), cmp_u32))
			n_extra++;
	snprintf(sr->platform_uuid, sizeof(sr->platform_uuid), "%s",
		 k->platform_uuid);
	in->file = sp->file;
	in->generation = sp->generation;
	in->uuid = sp->uuid_text;
	in->secondary_layout = secondary;
	in->uuid_bytes = sp->uuid_bytes;
	in->description = sp->description;
	in->size = sp->size;
	in->targets = k->n_targets;
	in->slots = e->n_slots;
	in->distinct_ids = e->n_distinct_ids;
	in->header_lines = sp->n_headers;
	in->metrics_file = k->item->metrics ? k->item->metrics->file : NULL;
	in->n_metrics = k->item->metrics ? k->item->metrics->n_metrics : 0;
	in->live = k->live;
	in->uuid_match = k->uuid_match;
	in->compared = cmp;
	in->extras_listed = extras;
	in->present = k->n_present;
	in->missing = k->n_missing;
	in->extra = n_extra;
	in->unit_mismatches = k->n_unit_diffs;
	in->metrics_disabled = k->n_disabled;
	/* UUID */
	if (k->live && !k->uuid_match && !ap->any_match) {
		snprintf(t, sizeof(t),
			 "uuid mismatch: the platform's DE implementation UUID is %s, the file's %s%s",
			 k->platform_uuid, sp->uuid_text,
			 set->n_items > 1 ? " (no spec of the index matches)" : "");
		r = add(sr, "uuid_mismatch", -1, t);
	}
	/* File-only findings. */
	for (uint32_t i = 0; r == 0 && i < sp->n_findings; i++)
		r = add(sr, find_type(sp->findings[i].type),
			sp->findings[i].type == ASTL_FIND_DUP_NAME ?
			(int64_t)sp->findings[i].id : -1,
			sp->findings[i].text);
	for (uint32_t i = 0; r == 0 && i < e->n_findings; i++)
		r = add(sr, find_type(e->findings[i].type), e->findings[i].id,
			e->findings[i].text);
	if (r == 0 && (sp->n_findings_total > sp->n_findings ||
		       e->n_findings_total > e->n_findings)) {
		uint32_t more = (sp->n_findings_total - sp->n_findings) +
				(e->n_findings_total - e->n_findings);

		snprintf(t, sizeof(t), "%u more findings not listed", more);
		r = add(sr, "truncated", -1, t);
		in->finding_count += more - 1;
	}
	for (uint32_t i = 0; r == 0 && i < k->n_formula_errors; i++) {
		snprintf(t, sizeof(t), "formula refused: %s", k->formula_errors[i]);
		r = add(sr, "formula_refused", -1, t);
	}
	if (!cmp)
		return r;
	for (size_t i = 0; r == 0 && i < e->n_slots; i++) {
		const struct astl_slot *sl = &e->slots[i];

		if (k->present[i] || sl->duplicate_id)
			continue;
		snprintf(t, sizeof(t), "missing: 0x%08x %s is named by the file but the platform has no such DE",
			 sl->id, sl->full_name);
		r = add(sr, "missing", sl->id, t);
	}
	for (size_t i = 0; r == 0 && extras && i < k->n_extra; i++) {
		const struct stlm_de *de = stlm_de_get(s, k->extra[i]);
		const char *fw = de ? stlm_de_fw_name(de) : NULL;

		if (bsearch(&k->extra[i], ap->named, ap->n_named,
			    sizeof(*ap->named), cmp_u32))
			continue;
		snprintf(t, sizeof(t), "extra: 0x%08x%s%s is on the platform but not named by the file",
			 k->extra[i], fw ? " " : "", fw ? fw : "");
		r = add(sr, "extra", k->extra[i], t);
	}
	for (size_t i = 0; r == 0 && i < k->n_unit_diffs; i++) {
		const struct astl_unit_diff *d = &k->unit_diffs[i];
		const struct astl_slot *sl = &e->slots[d->slot];

		snprintf(t, sizeof(t),
			 "unit mismatch: 0x%08x %s: file \"%s\" = %s x 10^%d, platform %s x 10^%d",
			 sl->id, sl->full_name, sl->unit_text,
			 sl->unit == ASTL_UNIT_UNKNOWN ? "unknown" :
			 unit_word(sl->unit, b1, sizeof(b1)), sl->exponent,
			 unit_word(d->live_unit, b2, sizeof(b2)), d->live_exp);
		r = add(sr, "unit_mismatch", sl->id, t);
	}
	return r;
}

/* Which items apply to the platform, and every id they name. */
static void find_applied(struct stlm_session *s, const struct astl_set *set,
			 struct applied *ap)
{
	char err[512];

	for (int pass = 0; pass < 2; pass++) {
		for (uint32_t i = 0; i < set->n_items; i++) {
			struct astl_check *k = NULL;

			if (stlm__astl_check(s, &set->items[i], &k, err,
					     sizeof(err)) < 0)
				continue;
			if (pass == 0) {
				ap->any_match |= k->uuid_match;
				if (k->uuid_match && ap->extras_item == UINT32_MAX)
					ap->extras_item = i;
			} else {
				ap->applies[i] = k->uuid_match ||
					(ap->any_match &&
					 stlm__astl_secondary_applies(k));
			}
			if (pass == 1 && ap->applies[i]) {
				uint32_t *v = realloc(ap->named,
					(ap->n_named + k->exp->n_slots + 1) *
					sizeof(*v));

				if (v) {
					ap->named = v;
					for (size_t j = 0; j < k->exp->n_slots; j++)
						ap->named[ap->n_named++] =
							k->exp->slots[j].id;
				}
			}
			stlm__astl_check_free(k);
		}
	}
}

STLM_API int stlm_astl_check(struct stlm_session *s, const struct stlm_astl *a,
			     struct stlm_astl_report **ret, char *err,
			     size_t errlen)
{
	const struct astl_set *set = (const struct astl_set *)a;
	struct applied ap = { .extras_item = UINT32_MAX };
	struct stlm_astl_report *rep;
	int r = 0;

	if (err && errlen)
		err[0] = '\0';
	if (!set || !ret)
		return -EINVAL;
	if (s && stlm_de_count(s) < 0)
		s = NULL;
	rep = calloc(1, sizeof(*rep));
	ap.applies = calloc(set->n_items + 1, sizeof(*ap.applies));
	if (rep)
		rep->specs = calloc(set->n_items + 1, sizeof(*rep->specs));
	if (!rep || !ap.applies || !rep->specs) {
		r = -ENOMEM;
		goto out;
	}
	if (s)
		find_applied(s, set, &ap);
	if (ap.named)
		qsort(ap.named, ap.n_named, sizeof(*ap.named), cmp_u32);
	for (uint32_t i = 0; i < set->n_items && ap.extras_item == UINT32_MAX; i++)
		if (ap.applies[i])
			ap.extras_item = i;
	if (ap.extras_item == UINT32_MAX)
		ap.extras_item = 0;
	for (uint32_t i = 0; i < set->n_items && r == 0; i++) {
		struct astl_check *k = NULL;

		r = stlm__astl_check(s, &set->items[i], &k, err, errlen);
		if (r == 0) {
			r = report(s, set, k, &ap, i, &rep->specs[i]);
			rep->specs[i].info.platform_uuid = k->live ?
				rep->specs[i].platform_uuid : NULL;
			rep->n_specs = i + 1;
		}
		stlm__astl_check_free(k);
	}
out:
	free(ap.applies);
	free(ap.named);
	if (r < 0) {
		if (r == -ENOMEM && err && errlen && !err[0])
			snprintf(err, errlen, "out of memory");
		stlm_astl_report_free(rep);
		return r;
	}
	*ret = rep;
	return 0;
}

STLM_API size_t stlm_astl_report_count(const struct stlm_astl_report *r)
{
	return r ? r->n_specs : 0;
}

STLM_API int stlm_astl_report_spec(const struct stlm_astl_report *r,
				   size_t i, struct stlm_astl_spec *ret)
{
	if (!r || !ret)
		return -EINVAL;
	if (i >= r->n_specs)
		return -ERANGE;
	*ret = r->specs[i].info;
	ret->n_listed = r->specs[i].n_f;
	return 0;
}

STLM_API int stlm_astl_report_finding(const struct stlm_astl_report *r,
				      size_t i, size_t j,
				      struct stlm_astl_finding *ret)
{
	if (!r || !ret)
		return -EINVAL;
	if (i >= r->n_specs || j >= r->specs[i].n_f)
		return -ERANGE;
	ret->type = r->specs[i].f[j].type;
	ret->id = r->specs[i].f[j].id;
	ret->text = r->specs[i].f[j].text;
	return 0;
}
