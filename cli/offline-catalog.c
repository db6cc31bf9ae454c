// SPDX-License-Identifier: MIT
/*
 * Copyright (c) 2026 The stlm authors
 *
 * The offline catalog (offline-catalog.h): catalogs applied to recordings
 * by stlm replay, decode and report, through libstlm's calls for
 * catalogs without a session.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"
#include "offline-catalog.h"

/* ------------------------------------------------------------------ */
/* Offline catalog                                                     */

void ocat_done(struct ocat *k)
{
	free(k->des);
	stlm_catalog_close(k->cat);
	memset(k, 0, sizeof(*k));
}

static int ocat_de_cmp(const void *a, const void *b)
{
	uint32_t x = ((const struct stlm_catalog_de *)a)->id;
	uint32_t y = ((const struct stlm_catalog_de *)b)->id;

	return x < y ? -1 : x > y;
}

const struct stlm_catalog_de *ocat_find(const struct ocat *k, uint32_t id)
{
	struct stlm_catalog_de key = { .id = id };

	if (!k || !k->n)
		return NULL;
	return bsearch(&key, k->des, k->n, sizeof(key), ocat_de_cmp);
}

/*
 * Load @path (a catalog file, or a directory of *.json: the most specific
 * match wins) for the recorded platform @h. -ENOMSG when nothing matches.
 */
int ocat_load(const char *path, const struct rec_header *h,
	      struct ocat *ret, char *err, size_t errlen)
{
	struct stlm_platform_info info = { .impl_version = h->impl_version };
	struct ocat k = { 0 };
	struct stat st;
	int r;

	snprintf(info.vendor, sizeof(info.vendor), "%.15s", h->vendor);
	snprintf(info.sub_vendor, sizeof(info.sub_vendor), "%.15s",
		 h->sub_vendor);
	memcpy(info.uuid, h->uuid, sizeof(info.uuid));
	snprintf(info.uuid_str, sizeof(info.uuid_str),
		 "%02X%02X%02X%02X-%02X%02X-%02X%02X-%02X%02X-%02X%02X%02X%02X%02X%02X",
		 h->uuid[0], h->uuid[1], h->uuid[2], h->uuid[3], h->uuid[4],
		 h->uuid[5], h->uuid[6], h->uuid[7], h->uuid[8], h->uuid[9],
		 h->uuid[10], h->uuid[11], h->uuid[12], h->uuid[13],
		 h->uuid[14], h->uuid[15]);
	r = stlm_catalog_find(path, &info, &k.cat, err, errlen);
	if (r == -ENOMSG && stat(path, &st) == 0 && S_ISDIR(st.st_mode))
		snprintf(err, errlen, "no catalog in %s matches the recorded platform (%s/%s)",
			 path, h->vendor, h->sub_vendor);
	else if (r == -ENOMSG)
		snprintf(err, errlen,
			 "%s does not match the recorded platform (%s/%s)",
			 path, h->vendor, h->sub_vendor);
	else if (r == -ENOTUNIQ)
		snprintf(err, errlen, "several catalogs in %s match the recorded platform equally",
			 path);
	if (r == -ENOTUNIQ)
		r = -ENOMSG;
	if (r < 0)
		return r;
	k.file = stlm_catalog_path(k.cat);
	k.name = stlm_catalog_title(k.cat);
	k.n = stlm_catalog_entry_count(k.cat);
	k.des = calloc(k.n + 1, sizeof(*k.des));
	if (!k.des) {
		ocat_done(&k);
		snprintf(err, errlen, "%s: %s", path, strerror(ENOMEM));
		return -ENOMEM;
	}
	for (size_t i = 0; i < k.n; i++)
		stlm_catalog_entry_at(k.cat, i, &k.des[i]);
	if (k.n)
		qsort(k.des, k.n, sizeof(*k.des), ocat_de_cmp);
	*ret = k;
	return 0;
}

int ocat_load_recorded(const struct rec_header *h, struct ocat *ret)
{
	char err[256], *path, *save = NULL;
	int n, r = -ENOMSG;

	memset(ret, 0, sizeof(*ret));
	if (!h->catalog[0])
		return -ENOENT;
	n = stlm_catalog_search_path(NULL, 0);
	if (n <= 0)
		return -ENOMSG;
	path = malloc((size_t)n + 1);
	if (!path)
		return -ENOMEM;
	stlm_catalog_search_path(path, (size_t)n + 1);
	for (char *dir = strtok_r(path, ":", &save); dir;
	     dir = strtok_r(NULL, ":", &save)) {
		struct ocat k;

		if (ocat_load(dir, h, &k, err, sizeof(err)) < 0)
			continue;
		if (k.name && !strcmp(k.name, h->catalog)) {
			k.states_only = true;
			*ret = k;
			r = 0;
			break;
		}
		ocat_done(&k);
	}
	free(path);
	return r;
}

/* A unit code of the catalog as shown: its symbol, none for none. */
static const char *unit_symbol(int unit)
{
	if (unit == 0 || unit == 1)	/* none, unspecified */
		return "";
	return stlm_unit_name((uint8_t)unit, STLM_UNIT_SYMBOL);
}

/* ------------------------------------------------------------------ */
/* DE presentation                                                     */

static const char *rec_unit(const char *u)
{
	if (!u || !strcmp(u, "none") || !strcmp(u, "unspecified") ||
	    !strcmp(u, "reserved"))
		return "";
	return u;
}

void ocat_view_of(const struct rec_header *h, const struct ocat *cat,
		  uint32_t id, struct ocat_view *v)
{
	memset(v, 0, sizeof(*v));
	v->de = rec_header_find(h, id);
	v->cd = cat ? ocat_find(cat, id) : NULL;
	v->cat = cat ? cat->cat : NULL;
	v->states_only = cat && cat->states_only;
	snprintf(v->idbuf, sizeof(v->idbuf), "0x%08x", id);
	v->name = v->idbuf;
	if (v->de && v->de->fw_name[0])
		v->name = v->de->fw_name;
	if (v->de && v->de->name[0])
		v->name = v->de->name;
	if (v->cd && v->cd->name && !v->states_only)
		v->name = v->cd->name;
	v->named = v->name != v->idbuf;
	v->unit = v->de ? rec_unit(v->de->unit_name) : "";
	if (v->cd && v->cd->unit >= 0 && !v->states_only)
		v->unit = unit_symbol(v->cd->unit);
	v->kind = v->de ? v->de->kind : STLM_KIND_GAUGE;
	if (v->cd && v->cd->kind >= 0 && (!v->states_only || !v->de))
		v->kind = v->cd->kind;
}

const char *ocat_view_state(const struct ocat_view *v, int64_t val)
{
	if (!v->cd || !v->cat)
		return NULL;
	return stlm_catalog_state_name(v->cat, v->cd->id, val);
}

/* The value to show: as recorded, or recomputed with the catalog. */
double ocat_view_value(const struct ocat_view *v, const struct rec_sample *s)
{
	uint64_t raw = s->raw;
	uint32_t size;
	double x;

	if (!v->cd || !v->de || v->states_only)
		return s->value;
	size = v->de->size;
	if (v->cd->is_signed && size >= 1 && size < 8) {
		unsigned int sh = 64 - 8 * size;

		x = (double)((int64_t)(raw << sh) >> sh);
	} else if (v->cd->is_signed) {
		x = (double)(int64_t)raw;
	} else {
		x = (double)raw;
	}
	return x * pow(10.0, v->de->unit_exp) * v->cd->scale;
}

