// SPDX-License-Identifier: MIT
/*
 * Copyright (c) 2026 The stlm authors
 *
 * Catalog documents (catalog.h): the name and id index, catalogs built in
 * code, matching a platform's identity, finding the most specific
 * catalog of a directory, lookups and destruction. The parser is
 * catalog-parse.c and catalog-derived.c.
 */
#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "astl.h"
#include "catalog-internal.h"
#include "expr.h"
#include "units.h"

/* ------------------------------------------------------------------ */
/* Index                                                               */

static uint32_t hash_str(const char *s, size_t n)
{
	uint32_t h = 2166136261u;

	for (size_t i = 0; i < n; i++) {
		h ^= (unsigned char)s[i];
		h *= 16777619u;
	}
	return h;
}

static const char *slot_name(const struct stlm_catalog *c, uint32_t v)
{
	if (v & CATALOG_DERIVED_TAG)
		return c->derived[(v & ~CATALOG_DERIVED_TAG) - 1].name;
	return c->entries[v - 1].name;
}

/* Name lookup: the slot value (0: none). */
uint32_t stlm__catalog_name_slot(const struct stlm_catalog *c, const char *s,
				 size_t n)
{
	if (!c->name_hash)
		return 0;
	for (uint32_t h = hash_str(s, n) & c->hash_mask;; h = (h + 1) & c->hash_mask) {
		uint32_t v = c->name_hash[h];
		const char *nm;

		if (!v)
			return 0;
		nm = slot_name(c, v);
		if (strlen(nm) == n && !memcmp(nm, s, n))
			return v;
	}
}

void stlm__catalog_name_insert(struct stlm_catalog *c, const char *s, uint32_t v)
{
	uint32_t h = hash_str(s, strlen(s)) & c->hash_mask;

	while (c->name_hash[h])
		h = (h + 1) & c->hash_mask;
	c->name_hash[h] = v;
}

int stlm__catalog_id_index(const struct stlm_catalog *c, uint32_t id)
{
	if (!c->id_hash)
		return -1;
	for (uint32_t h = stlm__astl_hash_u32(id) & c->hash_mask;;
	     h = (h + 1) & c->hash_mask) {
		uint32_t v = c->id_hash[h];

		if (!v)
			return -1;
		if (c->entries[v - 1].id == id)
			return (int)(v - 1);
	}
}

/* [a-z_][a-z0-9_]* segments separated by dots (first char not a digit). */
bool stlm__catalog_name_ok(const char *s)
{
	size_t seg = 0;

	if (!*s || (*s >= '0' && *s <= '9'))
		return false;
	for (; *s; s++) {
		if (*s == '.') {
			if (!seg)
				return false;
			seg = 0;
		} else if ((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') ||
			   *s == '_') {
			seg++;
		} else {
			return false;
		}
	}
	return seg > 0;
}

void stlm__catalog_labels_free(struct cat_label *l, uint32_t n)
{
	for (uint32_t i = 0; l && i < n; i++) {
		free(l[i].key);
		free(l[i].val);
	}
	free(l);
}

static void entry_done(struct cat_entry *e)
{
	free(e->name);
	free(e->description);
	for (uint32_t i = 0; e->states && i < e->n_states; i++)
		free(e->states[i].name);
	free(e->states);
	stlm__catalog_labels_free(e->labels, e->n_labels);
}

void stlm__catalog_destroy(struct stlm_catalog *c)
{
	if (!c)
		return;
	for (uint32_t i = 0; i < c->n_entries; i++)
		entry_done(&c->entries[i]);
	free(c->entries);
	for (uint32_t i = 0; c->derived && i < c->n_derived + 1; i++) {
		free(c->derived[i].name);
		free(c->derived[i].description);
		expr_free(c->derived[i].e);
	}
	free(c->derived);
	free(c->extras);
	free(c->id_hash);
	free(c->name_hash);
	stlm__catalog_labels_free(c->labels, c->n_labels);
	free(c->vendor);
	free(c->sub_vendor);
	free(c->name);
	free(c->description);
	free(c->file);
	free(c);
}

/* ------------------------------------------------------------------ */
/* Matching                                                            */

/* Whether the "match" object admits p. */
static bool platform_fits(const struct stlm_catalog *c,
			  const struct cat_platform *p)
{
	if (c->m_uuid && c->uuid_bytes) {
		uint8_t u[16];

		if (stlm__astl_uuid_parse(p->uuid_str, u, NULL) < 0 ||
		    !stlm__astl_uuid_match(c->uuid_raw, c->uuid_bytes, u))
			return false;
	} else if (c->m_uuid && strcasecmp(c->uuid, p->uuid_str)) {
		return false;
	}
	if (c->vendor && strncmp(c->vendor, p->vendor, 16))
		return false;
	if (c->sub_vendor && strncmp(c->sub_vendor, p->sub_vendor, 16))
		return false;
	if (c->m_impl && (p->impl_version < c->impl_min ||
			  p->impl_version > c->impl_max))
		return false;
	return true;
}

bool stlm__catalog_matches(const struct stlm_catalog *c,
			   const struct cat_platform *p)
{
	return c && p && platform_fits(c, p);
}

int stlm__catalog_match_score(const struct stlm_catalog *c,
			      const struct cat_platform *p)
{
	if (!stlm__catalog_matches(c, p))
		return 0;
	if (c->m_uuid)
		return 4;
	if (c->vendor && c->sub_vendor && c->m_impl)
		return 3;
	if (c->vendor && c->sub_vendor)
		return 2;
	return c->vendor ? 1 : 0;
}

int stlm__catalog_find_best(const char *path, const struct cat_platform *p,
			    struct stlm_catalog **ret, char *err,
			    size_t errlen)
{
	struct stlm_catalog *best = NULL;
	int best_score = 0, r;
	bool tie = false;
	struct dirent *de;
	struct stat st;
	DIR *d;

	if (err && errlen)
		err[0] = '\0';
	if (!path || !p || !ret)
		return -EINVAL;
	if (stat(path, &st) < 0) {
		r = -errno;
		if (err && errlen)
			snprintf(err, errlen, "%s: %s", path, strerror(-r));
		return r;
	}
	if (!S_ISDIR(st.st_mode)) {
		r = stlm__catalog_read(path, &best, err, errlen);
		if (r < 0)
			return r;
		if (!stlm__catalog_match_score(best, p)) {
			stlm__catalog_destroy(best);
			return -ENOMSG;
		}
		*ret = best;
		return 0;
	}
	d = opendir(path);
	if (!d) {
		r = -errno;
		if (err && errlen)
			snprintf(err, errlen, "%s: %s", path, strerror(-r));
		return r;
	}
	while ((de = readdir(d))) {
		size_t n = strlen(de->d_name);
		struct stlm_catalog *c;
		char file[4096];
		int score;

		if (n < 6 || strcmp(de->d_name + n - 5, ".json"))
			continue;
		snprintf(file, sizeof(file), "%s/%s", path, de->d_name);
		if (stlm__catalog_read(file, &c, NULL, 0) < 0)
			continue;	/* not a catalog; keep looking */
		score = stlm__catalog_match_score(c, p);
		if (score > best_score) {
			stlm__catalog_destroy(best);
			best = c;
			best_score = score;
			tie = false;
		} else {
			tie |= score && score == best_score;
			stlm__catalog_destroy(c);
		}
	}
	closedir(d);
	if (!best_score || tie) {
		stlm__catalog_destroy(best);
		return tie ? -ENOTUNIQ : -ENOMSG;
	}
	*ret = best;
	return 0;
}

/* ------------------------------------------------------------------ */
/* Building and looking up                                             */

struct stlm_catalog *stlm__catalog_new(const char *file, const char *name,
				       const char *description,
				       uint32_t max_entries)
{
	struct stlm_catalog *c;
	uint32_t cap = 64;

	if (!file || !name || max_entries > CATALOG_MAX_ENTRIES)
		return NULL;
	while (cap < max_entries * 2u)
		cap <<= 1;
	c = calloc(1, sizeof(*c));
	if (!c)
		return NULL;
	c->file = strdup(file);
	c->name = strdup(name);
	c->description = description ? strdup(description) : NULL;
	c->hash_mask = cap - 1;
	c->id_hash = calloc(cap, sizeof(*c->id_hash));
	c->name_hash = calloc(cap, sizeof(*c->name_hash));
	if (!c->file || !c->name || (description && !c->description) ||
	    !c->id_hash || !c->name_hash) {
		stlm__catalog_destroy(c);
		return NULL;
	}
	return c;
}

int stlm__catalog_set_uuid(struct stlm_catalog *c, const uint8_t uuid[16],
			   unsigned int uuid_bytes)
{
	if (!c || !uuid || uuid_bytes < 1 || uuid_bytes > 16)
		return -EINVAL;
	memcpy(c->uuid_raw, uuid, 16);
	c->uuid_bytes = (uint8_t)uuid_bytes;
	snprintf(c->uuid, sizeof(c->uuid),
		 "%02X%02X%02X%02X-%02X%02X-%02X%02X-%02X%02X-%02X%02X%02X%02X%02X%02X",
		 uuid[0], uuid[1], uuid[2], uuid[3], uuid[4], uuid[5], uuid[6],
		 uuid[7], uuid[8], uuid[9], uuid[10], uuid[11], uuid[12],
		 uuid[13], uuid[14], uuid[15]);
	c->m_uuid = true;
	return 0;
}

int stlm__catalog_add(struct stlm_catalog *c, const struct stlm__catalog_def *d)
{
	struct cat_entry *e;

	if (!c || !d || !d->name || !*d->name ||
	    strlen(d->name) > CATALOG_MAX_STRING ||
	    d->n_labels > CATALOG_MAX_LABELS ||
	    (d->unit >= 0 && !stlm__unit_valid(d->unit)) ||
	    !(d->scale != 0 && isfinite(d->scale)))
		return -EINVAL;
	if ((c->n_entries + 1u) * 2u > c->hash_mask + 1u)
		return -ENOSPC;
	if (stlm__catalog_id_index(c, d->id) >= 0 ||
	    stlm__catalog_name_slot(c, d->name, strlen(d->name)))
		return -EEXIST;
	if (c->n_entries == c->cap_entries) {
		uint32_t cap = c->cap_entries ? c->cap_entries * 2 : 64;
		struct cat_entry *v;

		v = realloc(c->entries, (size_t)cap * sizeof(*v));
		if (!v)
			return -ENOMEM;
		c->entries = v;
		c->cap_entries = cap;
	}
	e = &c->entries[c->n_entries];
	memset(e, 0, sizeof(*e));
	e->id = d->id;
	e->kind = (int8_t)(d->kind >= 0 ? d->kind : -1);
	e->scale = d->scale;
	e->has_unit = d->unit >= 0;
	e->unit = d->unit >= 0 ? (uint8_t)d->unit : 0;
	e->name = strdup(d->name);
	e->description = d->description ? strdup(d->description) : NULL;
	if (d->n_labels)
		e->labels = calloc(d->n_labels, sizeof(*e->labels));
	if (!e->name || (d->description && !e->description) ||
	    (d->n_labels && !e->labels)) {
		entry_done(e);
		return -ENOMEM;
	}
	for (uint32_t i = 0; i < d->n_labels; i++) {
		e->labels[i].key = strdup(d->label_keys[i]);
		e->labels[i].val = strdup(d->label_vals[i]);
		e->n_labels++;
		if (!e->labels[i].key || !e->labels[i].val) {
			entry_done(e);
			return -ENOMEM;
		}
	}
	c->n_entries++;
	{
		uint32_t h = stlm__astl_hash_u32(e->id) &
			     c->hash_mask;

		while (c->id_hash[h])
			h = (h + 1) & c->hash_mask;
		c->id_hash[h] = c->n_entries;
	}
	stlm__catalog_name_insert(c, e->name, c->n_entries);
	return 0;
}

const char *stlm__catalog_name_of(const struct stlm_catalog *c)
{
	return c ? c->name : NULL;
}

const char *stlm__catalog_file_of(const struct stlm_catalog *c)
{
	return c ? c->file : NULL;
}

size_t stlm__catalog_n_entries(const struct stlm_catalog *c)
{
	return c ? c->n_entries : 0;
}

size_t stlm__catalog_n_derived(const struct stlm_catalog *c)
{
	return c ? c->n_derived : 0;
}

const char *stlm__catalog_state_name(const struct cat_entry *e, int64_t v)
{
	uint32_t lo = 0, hi;

	if (!e || !e->n_states)
		return NULL;
	hi = e->n_states;
	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;

		if (e->states[mid].v == v)
			return e->states[mid].name;
		if (e->states[mid].v < v)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

const char *stlm__catalog_label(const struct stlm_catalog *c,
				const struct cat_entry *e, const char *key)
{
	if (!key)
		return NULL;
	for (uint32_t i = 0; e && i < e->n_labels; i++)
		if (!strcmp(e->labels[i].key, key))
			return e->labels[i].val;
	for (uint32_t i = 0; c && i < c->n_labels; i++)
		if (!strcmp(c->labels[i].key, key))
			return c->labels[i].val;
	return NULL;
}
