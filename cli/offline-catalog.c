// SPDX-License-Identifier: MIT
/*
 * Copyright (c) 2026 The stlm authors
 *
 * The offline catalog (offline-catalog.h): catalogs applied to recordings
 * by stlm replay, decode and report.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "offline-catalog.h"

/* ------------------------------------------------------------------ */
/* Offline catalog                                                     */

#define OCAT_MAX_REPEAT 65536u
#define OCAT_MAX_DEPTH 4

void ocat_done(struct ocat *k)
{
	for (size_t i = 0; i < k->n; i++) {
		free(k->des[i].name);
		free(k->des[i].description);
		free(k->des[i].unit);
	}
	free(k->des);
	free(k->file);
	free(k->name);
	if (k->root)
		json_object_put(k->root);
	memset(k, 0, sizeof(*k));
}

static int ocat_de_cmp(const void *a, const void *b)
{
	uint32_t x = ((const struct ocat_de *)a)->id;
	uint32_t y = ((const struct ocat_de *)b)->id;

	return x < y ? -1 : x > y;
}

const struct ocat_de *ocat_find(const struct ocat *k, uint32_t id)
{
	struct ocat_de key = { .id = id };

	if (!k || !k->n)
		return NULL;
	return bsearch(&key, k->des, k->n, sizeof(key), ocat_de_cmp);
}

/* An integer or a "0x..." / decimal string. */
static bool json_u32(struct json_object *o, uint32_t *ret)
{
	if (json_object_is_type(o, json_type_int)) {
		int64_t v = json_object_get_int64(o);

		if (v < 0 || v > UINT32_MAX)
			return false;
		*ret = (uint32_t)v;
		return true;
	}
	if (json_object_is_type(o, json_type_string))
		return cli_parse_u32(json_object_get_string(o), ret) == 0;
	return false;
}

/* @tpl with {i} and {k} replaced; NULL on no memory. */
static char *subst(const char *tpl, long i, long k)
{
	size_t cap = strlen(tpl) + 64, n = 0;
	char *out = malloc(cap);

	if (!out)
		return NULL;
	for (const char *p = tpl; *p; p++) {
		char num[24];
		const char *add = NULL;
		size_t len;

		if (!strncmp(p, "{i}", 3) || !strncmp(p, "{k}", 3)) {
			snprintf(num, sizeof(num), "%ld", p[1] == 'i' ? i : k);
			add = num;
			p += 2;
		}
		len = add ? strlen(add) : 1;
		if (n + len + 1 > cap) {
			char *x = realloc(out, cap = 2 * cap + len);

			if (!x) {
				free(out);
				return NULL;
			}
			out = x;
		}
		memcpy(out + n, add ? add : p, len);
		n += len;
	}
	out[n] = '\0';
	return out;
}

static char *json_subst(struct json_object *o, const char *key, long i,
			long k, bool templ)
{
	struct json_object *v;

	if (!json_object_object_get_ex(o, key, &v) ||
	    !json_object_is_type(v, json_type_string))
		return NULL;
	return templ ? subst(json_object_get_string(v), i, k) :
		       strdup(json_object_get_string(v));
}

static int ocat_add(struct ocat *k, struct json_object *e, uint32_t id_add,
		    long i, long kk, bool templ, char *err, size_t errlen)
{
	struct json_object *v;
	struct ocat_de *d;
	uint32_t id;

	if (!json_object_object_get_ex(e, "id", &v) || !json_u32(v, &id)) {
		snprintf(err, errlen, "a DE entry without a valid \"id\"");
		return -EINVAL;
	}
	if (k->n == k->cap) {
		size_t cap = k->cap ? 2 * k->cap : 64;
		struct ocat_de *x = realloc(k->des, cap * sizeof(*x));

		if (!x)
			return -ENOMEM;
		k->des = x;
		k->cap = cap;
	}
	d = &k->des[k->n++];
	memset(d, 0, sizeof(*d));
	d->id = id + id_add;
	d->scale = 1.0;
	d->kind = -1;
	d->name = json_subst(e, "name", i, kk, templ);
	d->description = json_subst(e, "description", i, kk, templ);
	d->unit = json_subst(e, "unit", i, kk, false);
	if (json_object_object_get_ex(e, "scale", &v) &&
	    (json_object_is_type(v, json_type_double) ||
	     json_object_is_type(v, json_type_int)))
		d->scale = json_object_get_double(v);
	if (json_object_object_get_ex(e, "signed", &v))
		d->is_signed = json_object_get_boolean(v);
	if (json_object_object_get_ex(e, "kind", &v) &&
	    json_object_is_type(v, json_type_string)) {
		const char *s = json_object_get_string(v);

		d->kind = !strcmp(s, "counter") ? STLM_KIND_COUNTER :
			  !strcmp(s, "state")	? STLM_KIND_STATE :
						  STLM_KIND_GAUGE;
	}
	if (json_object_object_get_ex(e, "states", &v) &&
	    json_object_is_type(v, json_type_object))
		d->states = v;
	return 0;
}

static int ocat_des(struct ocat *k, struct json_object *arr, int depth,
		    char *err, size_t errlen)
{
	size_t n;

	if (!json_object_is_type(arr, json_type_array)) {
		snprintf(err, errlen, "\"des\" is not an array");
		return -EINVAL;
	}
	if (depth > OCAT_MAX_DEPTH) {
		snprintf(err, errlen, "repeat blocks nested too deep");
		return -EINVAL;
	}
	n = json_object_array_length(arr);
	for (size_t j = 0; j < n; j++) {
		struct json_object *e = json_object_array_get_idx(arr, j);
		struct json_object *rep, *v, *tpls;
		uint32_t count = 1, step = 0, first = 0;
		int r;

		if (!json_object_is_type(e, json_type_object)) {
			snprintf(err, errlen, "des[%zu] is not an object", j);
			return -EINVAL;
		}
		if (!json_object_object_get_ex(e, "repeat", &rep)) {
			r = ocat_add(k, e, 0, 0, 0, false, err, errlen);
			if (r < 0)
				return r;
			continue;
		}
		if (json_object_object_get_ex(rep, "count", &v) &&
		    !json_u32(v, &count))
			count = 0;
		if (json_object_object_get_ex(rep, "first", &v))
			json_u32(v, &first);
		if (json_object_object_get_ex(rep, "id_step", &v))
			json_u32(v, &step);
		if (!count || count > OCAT_MAX_REPEAT ||
		    !json_object_object_get_ex(e, "des", &tpls) ||
		    !json_object_is_type(tpls, json_type_array)) {
			snprintf(err, errlen, "des[%zu]: bad repeat block", j);
			return -EINVAL;
		}
		for (uint32_t kk = 0; kk < count; kk++) {
			size_t m = json_object_array_length(tpls);

			for (size_t t = 0; t < m; t++) {
				struct json_object *te =
					json_object_array_get_idx(tpls, t);

				if (!json_object_is_type(te, json_type_object))
					continue;
				r = ocat_add(k, te, kk * step,
					     (long)first + kk, kk, true, err,
					     errlen);
				if (r < 0)
					return r;
			}
		}
	}
	return 0;
}

/*
 * How specifically the catalog's "match" fits the recorded platform
 * (docs/catalog-format.md "Matching"): 0 no match, else 1..4.
 */
static int ocat_match(struct json_object *root, const struct rec_header *h)
{
	struct json_object *m, *v;
	char uuid[37];
	bool has_uuid = false, has_vendor = false, has_sub = false,
	     has_impl = false;

	if (!json_object_object_get_ex(root, "match", &m) ||
	    !json_object_is_type(m, json_type_object))
		return 0;
	snprintf(uuid, sizeof(uuid),
		 "%02X%02X%02X%02X-%02X%02X-%02X%02X-%02X%02X-%02X%02X%02X%02X%02X%02X",
		 h->uuid[0], h->uuid[1], h->uuid[2], h->uuid[3], h->uuid[4],
		 h->uuid[5], h->uuid[6], h->uuid[7], h->uuid[8], h->uuid[9],
		 h->uuid[10], h->uuid[11], h->uuid[12], h->uuid[13],
		 h->uuid[14], h->uuid[15]);
	if (json_object_object_get_ex(m, "uuid", &v)) {
		if (strcasecmp(json_object_get_string(v), uuid))
			return 0;
		has_uuid = true;
	}
	if (json_object_object_get_ex(m, "vendor", &v)) {
		if (strcmp(json_object_get_string(v), h->vendor))
			return 0;
		has_vendor = true;
	}
	if (json_object_object_get_ex(m, "sub_vendor", &v)) {
		if (strcmp(json_object_get_string(v), h->sub_vendor))
			return 0;
		has_sub = true;
	}
	if (json_object_object_get_ex(m, "impl_version", &v)) {
		struct json_object *lo, *hi;
		uint32_t a = 0, b = UINT32_MAX;

		if (json_object_is_type(v, json_type_object)) {
			if (json_object_object_get_ex(v, "min", &lo) &&
			    !json_u32(lo, &a))
				return 0;
			if (json_object_object_get_ex(v, "max", &hi) &&
			    !json_u32(hi, &b))
				return 0;
		} else if (!json_u32(v, &a)) {
			return 0;
		} else {
			b = a;
		}
		if (h->impl_version < a || h->impl_version > b)
			return 0;
		has_impl = true;
	}
	if (has_uuid)
		return 4;
	if (has_vendor && has_sub && has_impl)
		return 3;
	if (has_vendor && has_sub)
		return 2;
	return has_vendor ? 1 : 0;
}

/* Parse @file; 0 with *ret and *ret_score, or -errno with @err. */
static int ocat_read(const char *file, const struct rec_header *h,
		     struct ocat *ret, int *ret_score, char *err,
		     size_t errlen)
{
	struct ocat k = { 0 };
	struct json_object *v;
	int r;

	k.root = json_object_from_file(file);
	if (!k.root) {
		snprintf(err, errlen, "%s: %s", file,
			 json_util_get_last_err() ? json_util_get_last_err() :
						    "cannot read");
		return -EINVAL;
	}
	if (!json_object_is_type(k.root, json_type_object)) {
		snprintf(err, errlen, "%s: not a catalog (not an object)", file);
		ocat_done(&k);
		return -EINVAL;
	}
	*ret_score = ocat_match(k.root, h);
	k.file = strdup(file);
	if (json_object_object_get_ex(k.root, "name", &v))
		k.name = strdup(json_object_get_string(v));
	if (json_object_object_get_ex(k.root, "des", &v)) {
		char e2[256] = "";

		r = ocat_des(&k, v, 0, e2, sizeof(e2));
		if (r < 0) {
			snprintf(err, errlen, "%s: %s", file,
				 e2[0] ? e2 : strerror(-r));
			ocat_done(&k);
			return r;
		}
	}
	if (k.n)
		qsort(k.des, k.n, sizeof(*k.des), ocat_de_cmp);
	*ret = k;
	return 0;
}

/*
 * Load @path (a catalog file, or a directory of *.json: the most specific
 * match wins) for the recorded platform @h. -ENOMSG when nothing matches.
 */
int ocat_load(const char *path, const struct rec_header *h,
		     struct ocat *ret, char *err, size_t errlen)
{
	struct ocat best = { 0 };
	int best_score = 0, r, score;
	bool tie = false;
	struct stat st;
	DIR *d;
	struct dirent *de;

	if (stat(path, &st) < 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -errno;
	}
	if (!S_ISDIR(st.st_mode)) {
		r = ocat_read(path, h, &best, &score, err, errlen);
		if (r < 0)
			return r;
		if (!score) {
			snprintf(err, errlen,
				 "%s does not match the recorded platform (%s/%s)",
				 path, h->vendor, h->sub_vendor);
			ocat_done(&best);
			return -ENOMSG;
		}
		*ret = best;
		return 0;
	}
	d = opendir(path);
	if (!d) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -errno;
	}
	while ((de = readdir(d))) {
		size_t n = strlen(de->d_name);
		struct ocat k;
		char file[4096];

		if (n < 6 || strcmp(de->d_name + n - 5, ".json"))
			continue;
		snprintf(file, sizeof(file), "%s/%s", path, de->d_name);
		if (ocat_read(file, h, &k, &score, err, errlen) < 0)
			continue; /* not a catalog; keep looking */
		if (score > best_score) {
			ocat_done(&best);
			best = k;
			best_score = score;
			tie = false;
		} else {
			tie |= score && score == best_score;
			ocat_done(&k);
		}
	}
	closedir(d);
	if (!best_score) {
		snprintf(err, errlen, "no catalog in %s matches the recorded platform (%s/%s)",
			 path, h->vendor, h->sub_vendor);
		ocat_done(&best);
		return -ENOMSG;
	}
	if (tie) {
		snprintf(err, errlen, "several catalogs in %s match the recorded platform equally",
			 path);
		ocat_done(&best);
		return -ENOMSG;
	}
	*ret = best;
	return 0;
}

/* Catalog unit words (the platform format's unit list) shown as symbols;
 * any other word is shown as written. */
const char *ocat_unit_symbol(const char *word)
{
	static const char *const map[][2] = {
		{ "celsius", "°C" },	{ "fahrenheit", "°F" }, { "kelvin", "K" },
		{ "volts", "V" },	{ "amps", "A" },	{ "watts", "W" },
		{ "joules", "J" },	{ "coulombs", "C" },	{ "hertz", "Hz" },
		{ "seconds", "s" },	{ "bytes", "B" },	{ "bits", "bit" },
		{ "percentage", "%" },	{ "counts", "count" },	{ "rpm", "RPM" },
		{ "bytes_per_second", "B/s" },			{ "pascals", "Pa" },
		{ "none", "" },		{ "unspecified", "" },
	};

	for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (!strcmp(word, map[i][0]))
			return map[i][1];
	return word;
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
	snprintf(v->idbuf, sizeof(v->idbuf), "0x%08x", id);
	v->name = v->idbuf;
	if (v->de && v->de->fw_name[0])
		v->name = v->de->fw_name;
	if (v->de && v->de->name[0])
		v->name = v->de->name;
	if (v->cd && v->cd->name)
		v->name = v->cd->name;
	v->named = v->name != v->idbuf;
	v->unit = v->de ? rec_unit(v->de->unit_name) : "";
	if (v->cd && v->cd->unit)
		v->unit = ocat_unit_symbol(v->cd->unit);
	v->kind = v->de ? v->de->kind : STLM_KIND_GAUGE;
	if (v->cd && v->cd->kind >= 0)
		v->kind = v->cd->kind;
}

/* The value to show: as recorded, or recomputed with the catalog. */
double ocat_view_value(const struct ocat_view *v, const struct rec_sample *s)
{
	uint64_t raw = s->raw;
	uint32_t size;
	double x;

	if (!v->cd || !v->de)
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

