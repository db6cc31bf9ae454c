// SPDX-License-Identifier: MIT
/*
 * Copyright (c) 2026 The stlm authors
 *
 * Catalogs: JSON descriptions of a platform's DEs (names, descriptions,
 * units, scale, kinds, states, labels) and derived metrics, keyed by the
 * platform's identity (docs/catalog-format.md).
 *
 * Theory of operation
 * -------------------
 * Parsing: the file (at most CATALOG_MAX_FILE bytes) is parsed by json-c
 * in strict mode with a nesting limit; a syntax error is reported at the
 * tokener's offset as FILE:LINE:COL. The document is then walked with a
 * JSON path kept on a small stack; every object is checked against its
 * known keys, and every semantic error names the path and, found by
 * re-scanning the text along that path (json-c keeps no positions), the
 * line and column of the offending key or value. Repeat blocks are
 * expanded into plain entries ({i}/{k} substituted), ids and names are
 * indexed in hash tables (duplicates are errors), then every derived
 * expression is compiled (expr.c) against those names, and the derived
 * graph is checked for cycles and depth.
 *
 * Applying: a catalog is bound to the session's current DE table under
 * s->lock: each entry finds its DE (entries the platform lacks are kept,
 * unbound), the DE's unit and scale are overridden (originals saved in the
 * entry, restored when another catalog replaces it) and de->cat points at
 * the entry. Catalog objects are never freed before the session closes: a
 * replaced catalog moves to a retired list, so names handed out stay
 * valid, like DEs of retired tables. After a re-discovery the current
 * catalog is re-bound to the new table if it still matches.
 *
 * Evaluating a derived metric walks its compiled program (expr_eval()),
 * reading inputs from the snapshots with stlm_snapshot_find(): no
 * allocation, no lock.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <json-c/json.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "astl.h"
#include "catalog-astl.h"
#include "catalog.h"
#include "config.h"
#include "expr.h"
#include "jsonerr.h"
#include "num.h"
#include "session.h"
#include "template.h"
#include "units.h"

#define PATH_DEPTH	16
#define DERIVED_TAG	0x80000000u


#define UNIT_BINARY	94u

struct cat_state_name {
	int64_t v;
	char *name;
};

struct cat_label {
	char *key;
	char *val;
};

/**
 * struct stlm_catalog_entry - one DE's description
 * @id:          DE id
 * @kind:        enum stlm_kind, or -1 (from the DE type)
 * @is_signed:   two's complement values
 * @has_unit:    @unit overrides the descriptor's unit code
 * @scale:       extra factor (1 when not given)
 * @name, @description: strings (description may be NULL)
 * @states:      value -> name, sorted by value
 * @labels:      the entry's own labels
 * @cat:         the catalog (for its labels)
 * @de:          the DE it is bound to in the current table, or NULL
 * @orig_unit, @orig_scale: the bound DE's values before the override
 */
struct stlm_catalog_entry {
	uint32_t id;
	int8_t kind;
	bool is_signed;
	bool has_unit;
	uint8_t unit;
	double scale;
	char *name;
	char *description;
	struct cat_state_name *states;
	uint32_t n_states;
	uint32_t n_labels;
	struct cat_label *labels;
	struct stlm_catalog *cat;
	struct stlm_de *de;
	uint8_t orig_unit;
	double orig_scale;
};

/* An input of de(ID) that no entry describes. */
struct cat_extra {
	uint32_t id;
	struct stlm_de *de;
};

struct cat_derived {
	char *name;
	char *description;
	const char *unit;	/* static unit symbol, or NULL */
	struct expr *e;
};

struct stlm_catalog {
	char *file;
	char *name;
	char *description;
	/* match */
	bool m_uuid;
	char uuid[37];
	uint8_t uuid_raw[16];
	uint8_t uuid_bytes;	/* built catalogs: leading bytes compared */
	char *vendor;
	char *sub_vendor;
	bool m_impl;
	uint32_t impl_min;
	uint32_t impl_max;
	/* labels of every DE */
	struct cat_label *labels;
	uint32_t n_labels;
	/* entries, in document order */
	struct stlm_catalog_entry *entries;
	uint32_t n_entries;
	uint32_t cap_entries;
	uint32_t *id_hash;	/* entry index + 1 */
	uint32_t *name_hash;	/* entry index + 1, or derived | DERIVED_TAG */
	uint32_t hash_mask;
	struct cat_extra *extras;
	uint32_t n_extras;
	struct cat_derived *derived;
	uint32_t n_derived;
	struct stlm_catalog *next;	/* retired list */
};

/* What a session holds in s->catalog. */
struct cat_state {
	struct stlm_catalog *cur;
	struct stlm_catalog *retired;
};

/* ------------------------------------------------------------------ */
/* Small helpers                                                       */

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
	if (v & DERIVED_TAG)
		return c->derived[(v & ~DERIVED_TAG) - 1].name;
	return c->entries[v - 1].name;
}

/* Name lookup: the slot value (0: none). */
static uint32_t name_lookup(const struct stlm_catalog *c, const char *s,
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

static void name_insert(struct stlm_catalog *c, const char *s, uint32_t v)
{
	uint32_t h = hash_str(s, strlen(s)) & c->hash_mask;

	while (c->name_hash[h])
		h = (h + 1) & c->hash_mask;
	c->name_hash[h] = v;
}

static int id_lookup(const struct stlm_catalog *c, uint32_t id)
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
static bool name_ok(const char *s)
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

static bool label_key_ok(const char *s)
{
	if (!*s || (*s >= '0' && *s <= '9'))
		return false;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') ||
		      *s == '_'))
			return false;
	return true;
}

static int unit_code(const char *s)
{
	return stlm__unit_code(s);
}

/* ------------------------------------------------------------------ */
/* Errors with places                                                  */

struct cparser {
	const char *file;
	const char *text;
	size_t len;
	char *err;
	size_t errlen;
	struct jsonerr_comp path[PATH_DEPTH];
	int depth;
	int inst;		/* repeat instance i for messages, or -1 */
	struct stlm_catalog *c;
};

static void push_key(struct cparser *p, const char *key)
{
	stlm__jsonerr_push(p->path, PATH_DEPTH, &p->depth, key, 0);
}

static void push_index(struct cparser *p, int index)
{
	stlm__jsonerr_push(p->path, PATH_DEPTH, &p->depth, NULL,
			   (uint32_t)index);
}

static void pop(struct cparser *p)
{
	p->depth--;
}

/* Minimal scanner over text already known to be valid JSON. */
static size_t sk_ws(const char *t, size_t len, size_t i)
{
	while (i < len && (t[i] == ' ' || t[i] == '\t' || t[i] == '\n' ||
			   t[i] == '\r'))
		i++;
	return i;
}

static size_t sk_string(const char *t, size_t len, size_t i)
{
	for (i++; i < len && t[i] != '"'; i++)
		if (t[i] == '\\')
			i++;
	return i < len ? i + 1 : len;
}

static size_t sk_value(const char *t, size_t len, size_t i, int depth)
{
	i = sk_ws(t, len, i);
	if (i >= len)
		return len;
	if (t[i] == '"')
		return sk_string(t, len, i);
	if (t[i] == '{' || t[i] == '[') {
		char close = t[i] == '{' ? '}' : ']';

		if (depth > CATALOG_MAX_DEPTH + 2)
			return len;
		i = sk_ws(t, len, i + 1);
		while (i < len && t[i] != close) {
			if (close == '}') {
				i = sk_string(t, len, i);
				i = sk_ws(t, len, i);
				i++;	/* ':' */
			}
			i = sk_value(t, len, i, depth + 1);
			i = sk_ws(t, len, i);
			if (i < len && t[i] == ',')
				i = sk_ws(t, len, i + 1);
		}
		return i < len ? i + 1 : len;
	}
	while (i < len && t[i] != ',' && t[i] != '}' && t[i] != ']' &&
	       t[i] != ' ' && t[i] != '\n' && t[i] != '\t' && t[i] != '\r')
		i++;
	return i;
}

/* Offset of the value (or, with at_key, the key) at the current path. */
static size_t locate(const struct cparser *p, bool at_key)
{
	const char *t = p->text;
	size_t len = p->len, i = sk_ws(t, len, 0), key_at = i;
	int n = p->depth < PATH_DEPTH ? p->depth : PATH_DEPTH;

	for (int d = 0; d < n; d++) {
		const struct jsonerr_comp *c = &p->path[d];
		bool found = false;

		i = sk_ws(t, len, i);
		if (i >= len)
			return key_at;
		if (c->key && t[i] == '{') {
			size_t kl = strlen(c->key);

			i = sk_ws(t, len, i + 1);
			while (i < len && t[i] == '"') {
				size_t ks = i, ke = sk_string(t, len, i);

				i = sk_ws(t, len, ke);
				i = sk_ws(t, len, i + 1);	/* ':' */
				if (ke - ks - 2 == kl &&
				    !memcmp(t + ks + 1, c->key, kl)) {
					key_at = ks;
					found = true;
					break;
				}
				i = sk_ws(t, len, sk_value(t, len, i, 0));
				if (i < len && t[i] == ',')
					i = sk_ws(t, len, i + 1);
			}
		} else if (!c->key && t[i] == '[') {
			i = sk_ws(t, len, i + 1);
			for (int k = 0; i < len && t[i] != ']'; k++) {
				if ((uint32_t)k == c->index) {
					key_at = i;
					found = true;
					break;
				}
				i = sk_ws(t, len, sk_value(t, len, i, 0));
				if (i < len && t[i] == ',')
					i = sk_ws(t, len, i + 1);
			}
		}
		if (!found)
			return key_at;
	}
	return at_key ? key_at : i;
}

/* "FILE:LINE:COL: PATH: problem" at the current path; returns -EINVAL. */
__attribute__((format(printf, 3, 4)))
static int perr_at(struct cparser *p, bool at_key, const char *fmt, ...)
{
	char place[256], msg[512];
	int line, col;
	va_list ap;

	if (!p->err || !p->errlen)
		return -EINVAL;
	va_start(ap, fmt);
	stlm__jsonerr_vformat(p->path, PATH_DEPTH, p->depth, place,
			      sizeof(place), msg, sizeof(msg), fmt, ap);
	va_end(ap);
	stlm__jsonerr_line_col(p->text, p->len, locate(p, at_key), &line,
			       &col);
	if (p->inst >= 0)
		snprintf(p->err, p->errlen, "%s:%d:%d: %s: %s (i=%d)", p->file,
			 line, col, place, msg, p->inst);
	else
		snprintf(p->err, p->errlen, "%s:%d:%d: %s%s%s", p->file, line,
			 col, place, place[0] ? ": " : "", msg);
	return -EINVAL;
}

#define perr(p, ...) perr_at(p, false, __VA_ARGS__)

static int check_keys(struct cparser *p, struct json_object *o,
		      const char *const *keys)
{
	json_object_object_foreach(o, k, v) {
		bool ok = !strcmp(k, "comment");

		(void)v;
		for (size_t i = 0; !ok && keys[i]; i++)
			ok = !strcmp(k, keys[i]);
		if (!ok) {
			int r;

			push_key(p, k);
			r = perr_at(p, true, "unknown key '%.60s'", k);
			pop(p);
			return r;
		}
	}
	return 0;
}

/* Typed getters: the path already names the value. */
static int want_type(struct cparser *p, struct json_object *o,
		     json_type t, const char *what)
{
	if (!json_object_is_type(o, t))
		return perr(p, "expected %s", what);
	return 0;
}

static int get_string(struct cparser *p, struct json_object *o,
		      const char **ret)
{
	int r = want_type(p, o, json_type_string, "a string");

	if (r < 0)
		return r;
	if ((size_t)json_object_get_string_len(o) > CATALOG_MAX_STRING)
		return perr(p, "string longer than %u bytes",
			    CATALOG_MAX_STRING);
	if (strlen(json_object_get_string(o)) !=
	    (size_t)json_object_get_string_len(o))
		return perr(p, "string contains a NUL character");
	*ret = json_object_get_string(o);
	return 0;
}

/* An integer, or a "0x..." / decimal string, in [min, max]. */
static int get_u32(struct cparser *p, struct json_object *o, int64_t min,
		   int64_t max, int64_t *ret)
{
	int64_t v;

	if (json_object_is_type(o, json_type_int)) {
		errno = 0;
		v = json_object_get_int64(o);
		if (errno == ERANGE)
			return perr(p, "number out of range");
	} else if (json_object_is_type(o, json_type_string)) {
		const char *s = json_object_get_string(o);
		uint64_t u;

		if (stlm__num_u64(s, &u) < 0 || u > INT64_MAX)
			return perr(p, "bad number '%.40s'", s);
		v = (int64_t)u;
	} else {
		return perr(p, "expected an integer or a \"0x...\" string");
	}
	if (v < min || v > max)
		return perr(p, "%lld out of range [%lld, %lld]", (long long)v,
			    (long long)min, (long long)max);
	*ret = v;
	return 0;
}

/* ------------------------------------------------------------------ */
/* Parsing                                                             */

/* Substitute {i} and {k} in a template (formats/template.h). */
static int subst(struct cparser *p, const char *tpl, int i, int k,
		 char **ret)
{
	char buf[CATALOG_MAX_STRING + 64];
	int r = stlm__tpl_expand(tpl, i, k, STLM_TPL_STRICT, buf, sizeof(buf));

	if (r == -EINVAL)
		return perr(p, "unknown placeholder in '%.60s' (use {i} or {k})",
			    tpl);
	if (r < 0)
		return perr(p, "string too long");
	*ret = strdup(buf);
	return *ret ? 0 : -ENOMEM;
}

static void labels_free(struct cat_label *l, uint32_t n)
{
	for (uint32_t i = 0; l && i < n; i++) {
		free(l[i].key);
		free(l[i].val);
	}
	free(l);
}

/* "labels": {"key": "value"}; values are templates when inst >= 0. */
static int parse_labels(struct cparser *p, struct json_object *o, int i,
			int k, struct cat_label **ret, uint32_t *ret_n)
{
	struct cat_label *l;
	uint32_t n = 0;
	int r = want_type(p, o, json_type_object, "an object");

	if (r < 0)
		return r;
	if ((uint32_t)json_object_object_length(o) > CATALOG_MAX_LABELS)
		return perr(p, "more than %u labels", CATALOG_MAX_LABELS);
	l = calloc((size_t)json_object_object_length(o) + 1, sizeof(*l));
	if (!l)
		return -ENOMEM;
	json_object_object_foreach(o, key, val) {
		const char *s;

		push_key(p, key);
		if (!label_key_ok(key))
			r = perr_at(p, true, "bad label name '%.60s'", key);
		if (r == 0)
			r = get_string(p, val, &s);
		if (r == 0) {
			l[n].key = strdup(key);
			if (!l[n].key)
				r = -ENOMEM;
			else
				r = subst(p, s, i, k, &l[n].val);
			n++;
		}
		pop(p);
		if (r < 0) {
			labels_free(l, n);
			return r;
		}
	}
	*ret = l;
	*ret_n = n;
	return 0;
}

static int cmp_state(const void *a, const void *b)
{
	const struct cat_state_name *x = a, *y = b;

	return x->v < y->v ? -1 : x->v > y->v;
}

static const char *const entry_keys[] = {
	"id", "name", "description", "unit", "scale", "kind", "states",
	"signed", "labels", NULL,
};

static int add_entry(struct cparser *p, struct stlm_catalog_entry **ret)
{
	struct stlm_catalog *c = p->c;

	if (c->n_entries >= CATALOG_MAX_ENTRIES)
		return perr(p, "more than %u DE entries", CATALOG_MAX_ENTRIES);
	if (c->n_entries == c->cap_entries) {
		uint32_t cap = c->cap_entries ? c->cap_entries * 2 : 64;
		struct stlm_catalog_entry *v;

		v = realloc(c->entries, (size_t)cap * sizeof(*v));
		if (!v)
			return -ENOMEM;
		c->entries = v;
		c->cap_entries = cap;
	}
	*ret = &c->entries[c->n_entries++];
	memset(*ret, 0, sizeof(**ret));
	(*ret)->kind = -1;
	(*ret)->scale = 1.0;
	(*ret)->cat = c;
	return 0;
}

/*
 * One entry or template. For a template, inst >= 0 gives its instance
 * (i = first + k) and id_add is added to the id.
 */
static int parse_entry(struct cparser *p, struct json_object *o, int i,
		       int k, uint64_t id_step)
{
	struct stlm_catalog_entry *e = NULL;
	struct json_object *x;
	const char *s;
	int64_t v;
	int r;

	r = want_type(p, o, json_type_object, "an object");
	if (r == 0)
		r = check_keys(p, o, entry_keys);
	if (r < 0)
		return r;
	r = add_entry(p, &e);
	if (r < 0)
		return r;
	/* id */
	if (!json_object_object_get_ex(o, "id", &x))
		return perr(p, "missing 'id'");
	push_key(p, "id");
	r = get_u32(p, x, 0, 0xFFFFFFFFll, &v);
	if (r == 0 && (uint64_t)v + (uint64_t)k * id_step > 0xFFFFFFFFull)
		r = perr(p, "id 0x%08llX + %d * 0x%llX is above 0xFFFFFFFF",
			 (unsigned long long)v, k, (unsigned long long)id_step);
	pop(p);
	if (r < 0)
		return r;
	e->id = (uint32_t)((uint64_t)v + (uint64_t)k * id_step);
	/* name */
	if (!json_object_object_get_ex(o, "name", &x))
		return perr(p, "missing 'name'");
	push_key(p, "name");
	r = get_string(p, x, &s);
	if (r == 0)
		r = subst(p, s, i, k, &e->name);
	if (r == 0 && !name_ok(e->name))
		r = perr(p, "bad name '%.60s' (dotted [a-z0-9_]+ segments, not starting with a digit)",
			 e->name);
	pop(p);
	if (r < 0)
		return r;
	if (json_object_object_get_ex(o, "description", &x)) {
		push_key(p, "description");
		r = get_string(p, x, &s);
		if (r == 0)
			r = subst(p, s, i, k, &e->description);
		pop(p);
		if (r < 0)
			return r;
	}
	if (json_object_object_get_ex(o, "unit", &x)) {
		int u;

		push_key(p, "unit");
		r = get_string(p, x, &s);
		if (r == 0 && (u = unit_code(s)) < 0)
			r = perr(p, "unknown unit '%.40s'", s);
		pop(p);
		if (r < 0)
			return r;
		e->has_unit = true;
		e->unit = (uint8_t)unit_code(s);
	}
	if (json_object_object_get_ex(o, "scale", &x)) {
		push_key(p, "scale");
		if (!json_object_is_type(x, json_type_int) &&
		    !json_object_is_type(x, json_type_double))
			r = perr(p, "expected a number");
		else if (!isfinite(e->scale = json_object_get_double(x)) ||
			 e->scale == 0.0)
			r = perr(p, "scale must be finite and not zero");
		pop(p);
		if (r < 0)
			return r;
	}
	if (json_object_object_get_ex(o, "signed", &x)) {
		push_key(p, "signed");
		r = want_type(p, x, json_type_boolean, "true or false");
		pop(p);
		if (r < 0)
			return r;
		e->is_signed = json_object_get_boolean(x);
	}
	if (json_object_object_get_ex(o, "kind", &x)) {
		push_key(p, "kind");
		r = get_string(p, x, &s);
		if (r == 0) {
			if (!strcmp(s, "gauge"))
				e->kind = STLM_KIND_GAUGE;
			else if (!strcmp(s, "counter"))
				e->kind = STLM_KIND_COUNTER;
			else if (!strcmp(s, "state"))
				e->kind = STLM_KIND_STATE;
			else
				r = perr(p, "unknown kind '%.40s' (gauge, counter or state)",
					 s);
		}
		pop(p);
		if (r < 0)
			return r;
	}
	if (json_object_object_get_ex(o, "states", &x)) {
		uint32_t n = 0;

		push_key(p, "states");
		if (e->kind != STLM_KIND_STATE)
			r = perr_at(p, true, "'states' needs \"kind\": \"state\"");
		if (r == 0)
			r = want_type(p, x, json_type_object, "an object");
		if (r == 0 && (uint32_t)json_object_object_length(x) >
				      CATALOG_MAX_STATES)
			r = perr(p, "more than %u states", CATALOG_MAX_STATES);
		if (r < 0) {
			pop(p);
			return r;
		}
		e->states = calloc((size_t)json_object_object_length(x) + 1,
				   sizeof(*e->states));
		if (!e->states) {
			pop(p);
			return -ENOMEM;
		}
		json_object_object_foreach(x, key, val) {
			char *end;
			long long sv;

			push_key(p, key);
			errno = 0;
			sv = strtoll(key, &end, 10);
			if (!key[0] || *end || errno || isspace((unsigned char)key[0]))
				r = perr_at(p, true, "state value '%.40s' is not an integer",
					    key);
			for (uint32_t j = 0; r == 0 && j < n; j++)
				if (e->states[j].v == sv)
					r = perr_at(p, true, "duplicate state value %lld", sv);
			if (r == 0)
				r = get_string(p, val, &s);
			if (r == 0) {
				e->states[n].v = sv;
				r = subst(p, s, i, k, &e->states[n].name);
				if (r == 0)
					n++;
			}
			pop(p);
			if (r < 0) {
				e->n_states = n;
				pop(p);
				return r;
			}
		}
		e->n_states = n;
		if (n > 1)
			qsort(e->states, n, sizeof(*e->states), cmp_state);
		pop(p);
	}
	if (json_object_object_get_ex(o, "labels", &x)) {
		push_key(p, "labels");
		r = parse_labels(p, x, i, k, &e->labels, &e->n_labels);
		pop(p);
		if (r < 0)
			return r;
	}
	return 0;
}

static const char *const repeat_keys[] = { "count", "first", "id_step", NULL };
static const char *const block_keys[] = { "repeat", "des", NULL };

static int parse_repeat(struct cparser *p, struct json_object *o)
{
	struct json_object *rep, *des, *x;
	int64_t count, first = 0, step = 1;
	size_t n;
	int r;

	r = check_keys(p, o, block_keys);
	if (r < 0)
		return r;
	json_object_object_get_ex(o, "repeat", &rep);
	push_key(p, "repeat");
	r = want_type(p, rep, json_type_object, "an object");
	if (r == 0)
		r = check_keys(p, rep, repeat_keys);
	if (r == 0 && !json_object_object_get_ex(rep, "count", &x))
		r = perr(p, "missing 'count'");
	if (r == 0) {
		push_key(p, "count");
		r = get_u32(p, x, 1, CATALOG_MAX_REPEAT, &count);
		pop(p);
	}
	if (r == 0 && json_object_object_get_ex(rep, "first", &x)) {
		push_key(p, "first");
		r = get_u32(p, x, 0, 0xFFFF, &first);
		pop(p);
	}
	if (r == 0 && json_object_object_get_ex(rep, "id_step", &x)) {
		push_key(p, "id_step");
		r = get_u32(p, x, 0, 0xFFFFFFFFll, &step);
		pop(p);
	}
	pop(p);
	if (r < 0)
		return r;
	if (!json_object_object_get_ex(o, "des", &des))
		return perr(p, "missing 'des'");
	push_key(p, "des");
	r = want_type(p, des, json_type_array, "an array");
	n = r == 0 ? json_object_array_length(des) : 0;
	if (r == 0 && n == 0)
		r = perr(p, "empty 'des'");
	if (r == 0 && (uint64_t)n * (uint64_t)count > CATALOG_MAX_ENTRIES)
		r = perr(p, "more than %u DE entries", CATALOG_MAX_ENTRIES);
	for (int64_t k = 0; r == 0 && k < count; k++) {
		for (size_t t = 0; r == 0 && t < n; t++) {
			push_index(p, (int)t);
			p->inst = (int)(first + k);
			r = parse_entry(p, json_object_array_get_idx(des, t),
					(int)(first + k), (int)k, (uint64_t)step);
			p->inst = -1;
			pop(p);
		}
	}
	pop(p);
	return r;
}

/* Index ids and names; report duplicates at their place. */
static int index_entries(struct cparser *p, struct json_object *des_arr)
{
	struct stlm_catalog *c = p->c;
	uint32_t want = (c->n_entries + CATALOG_MAX_DERIVED) * 2, cap = 64;

	while (cap < want)
		cap <<= 1;
	c->hash_mask = cap - 1;
	c->id_hash = calloc(cap, sizeof(*c->id_hash));
	c->name_hash = calloc(cap, sizeof(*c->name_hash));
	if (!c->id_hash || !c->name_hash)
		return -ENOMEM;
	/* Walk the document again to know each entry's place. */
	uint32_t ei = 0;

	for (size_t b = 0; b < json_object_array_length(des_arr); b++) {
		struct json_object *o = json_object_array_get_idx(des_arr, b), *x;
		int64_t count = 1, first = 0;
		size_t nt = 1;
		bool rep = json_object_object_get_ex(o, "repeat", &x);

		if (rep) {
			struct json_object *y;

			json_object_object_get_ex(x, "count", &y);
			get_u32(p, y, 1, CATALOG_MAX_REPEAT, &count);
			if (json_object_object_get_ex(x, "first", &y))
				get_u32(p, y, 0, 0xFFFF, &first);
			json_object_object_get_ex(o, "des", &y);
			nt = json_object_array_length(y);
		}
		for (int64_t k = 0; k < count; k++) {
			for (size_t t = 0; t < nt; t++, ei++) {
				struct stlm_catalog_entry *e = &c->entries[ei];
				int dup = id_lookup(c, e->id), r = 0;

				push_index(p, (int)b);
				if (rep) {
					push_key(p, "des");
					push_index(p, (int)t);
					p->inst = (int)(first + k);
				}
				if (dup >= 0) {
					push_key(p, "id");
					r = perr(p, "duplicate DE id 0x%08X (also '%s')",
						 e->id, c->entries[dup].name);
					pop(p);
				} else if (name_lookup(c, e->name, strlen(e->name))) {
					push_key(p, "name");
					r = perr(p, "duplicate name '%s'", e->name);
					pop(p);
				}
				p->inst = -1;
				p->depth = 1;
				if (r < 0)
					return r;
				uint32_t h = stlm__astl_hash_u32(e->id) &
					     c->hash_mask;

				while (c->id_hash[h])
					h = (h + 1) & c->hash_mask;
				c->id_hash[h] = ei + 1;
				name_insert(c, e->name, ei + 1);
			}
		}
	}
	return 0;
}

static int parse_des(struct cparser *p, struct json_object *des)
{
	size_t n;
	int r;

	push_key(p, "des");
	r = want_type(p, des, json_type_array, "an array");
	n = r == 0 ? json_object_array_length(des) : 0;
	for (size_t b = 0; r == 0 && b < n; b++) {
		struct json_object *o = json_object_array_get_idx(des, b), *x;

		push_index(p, (int)b);
		if (json_object_is_type(o, json_type_object) &&
		    json_object_object_get_ex(o, "repeat", &x))
			r = parse_repeat(p, o);
		else
			r = parse_entry(p, o, 0, 0, 0);
		pop(p);
	}
	if (r == 0)
		r = index_entries(p, des);
	pop(p);
	return r;
}

static const char *const match_keys[] = {
	"uuid", "vendor", "sub_vendor", "impl_version", NULL,
};

static bool uuid_ok(const char *s)
{
	if (strlen(s) != 36)
		return false;
	for (int i = 0; i < 36; i++) {
		if (i == 8 || i == 13 || i == 18 || i == 23) {
			if (s[i] != '-')
				return false;
		} else if (!isxdigit((unsigned char)s[i])) {
			return false;
		}
	}
	return true;
}

static int parse_vendor(struct cparser *p, struct json_object *x,
			const char *key, char **ret)
{
	const char *s;
	int r;

	push_key(p, key);
	r = get_string(p, x, &s);
	if (r == 0 && strlen(s) > 15)
		r = perr(p, "longer than 15 characters");
	if (r == 0 && !(*ret = strdup(s)))
		r = -ENOMEM;
	pop(p);
	return r;
}

static int parse_match(struct cparser *p, struct json_object *m)
{
	struct stlm_catalog *c = p->c;
	struct json_object *x;
	const char *s;
	int64_t v;
	int r;

	push_key(p, "match");
	r = want_type(p, m, json_type_object, "an object");
	if (r == 0)
		r = check_keys(p, m, match_keys);
	if (r == 0 && json_object_object_get_ex(m, "uuid", &x)) {
		push_key(p, "uuid");
		r = get_string(p, x, &s);
		if (r == 0 && !uuid_ok(s))
			r = perr(p, "bad UUID '%.40s' (XXXXXXXX-XXXX-XXXX-XXXX-XXXXXXXXXXXX)",
				 s);
		if (r == 0) {
			for (int i = 0; i < 36; i++)
				c->uuid[i] = (char)toupper((unsigned char)s[i]);
			c->m_uuid = true;
		}
		pop(p);
	}
	if (r == 0 && json_object_object_get_ex(m, "vendor", &x))
		r = parse_vendor(p, x, "vendor", &c->vendor);
	if (r == 0 && json_object_object_get_ex(m, "sub_vendor", &x))
		r = parse_vendor(p, x, "sub_vendor", &c->sub_vendor);
	if (r == 0 && json_object_object_get_ex(m, "impl_version", &x)) {
		push_key(p, "impl_version");
		c->m_impl = true;
		c->impl_min = 0;
		c->impl_max = 0xFFFFFFFFu;
		if (json_object_is_type(x, json_type_object)) {
			static const char *const mm[] = { "min", "max", NULL };
			struct json_object *y;

			r = check_keys(p, x, mm);
			if (r == 0 && json_object_object_get_ex(x, "min", &y)) {
				push_key(p, "min");
				r = get_u32(p, y, 0, 0xFFFFFFFFll, &v);
				c->impl_min = (uint32_t)v;
				pop(p);
			}
			if (r == 0 && json_object_object_get_ex(x, "max", &y)) {
				push_key(p, "max");
				r = get_u32(p, y, 0, 0xFFFFFFFFll, &v);
				c->impl_max = (uint32_t)v;
				pop(p);
			}
			if (r == 0 && c->impl_min > c->impl_max)
				r = perr(p, "min is above max");
		} else {
			r = get_u32(p, x, 0, 0xFFFFFFFFll, &v);
			c->impl_min = c->impl_max = (uint32_t)v;
		}
		pop(p);
	}
	pop(p);
	return r;
}

/* Expression name resolution against the catalog. */
static int res_name(void *data, const char *name, size_t len,
		    struct expr_ref *ret)
{
	struct stlm_catalog *c = data;
	uint32_t v = name_lookup(c, name, len);

	if (!v)
		return -ENOENT;
	if (v & DERIVED_TAG) {
		ret->type = EXPR_REF_DERIVED;
		ret->index = (v & ~DERIVED_TAG) - 1;
	} else {
		ret->type = EXPR_REF_INPUT;
		ret->index = v - 1;
	}
	return 0;
}

static int res_id(void *data, uint32_t id, struct expr_ref *ret)
{
	struct stlm_catalog *c = data;
	int e = id_lookup(c, id);

	ret->type = EXPR_REF_INPUT;
	if (e >= 0) {
		ret->index = (uint32_t)e;
		return 0;
	}
	for (uint32_t i = 0; i < c->n_extras; i++)
		if (c->extras[i].id == id) {
			ret->index = c->n_entries + i;
			return 0;
		}
	if (c->n_extras >= EXPR_MAX_OPS)
		return -ENOSPC;
	if (!(c->n_extras & (c->n_extras + 1))) {
		struct cat_extra *x = realloc(c->extras,
					      (size_t)(c->n_extras + 1) * 2 * sizeof(*x));

		if (!x)
			return -ENOMEM;
		c->extras = x;
	}
	c->extras[c->n_extras] = (struct cat_extra){ .id = id };
	ret->index = c->n_entries + c->n_extras++;
	return 0;
}

/* Segment-wise match; '*' matches exactly one segment. */
static bool glob_match(const char *g, size_t glen, const char *name)
{
	size_t i = 0;

	while (i < glen) {
		size_t gs = i, ns;

		while (i < glen && g[i] != '.')
			i++;
		ns = strcspn(name, ".");
		if (!(i - gs == 1 && g[gs] == '*') &&
		    (ns != i - gs || memcmp(name, g + gs, ns)))
			return false;
		name += ns;
		if (i < glen) {
			if (*name != '.')
				return false;
			name++;
			i++;
		}
	}
	return *name == '\0';
}

static int res_glob(void *data, const char *glob, size_t len,
		    int (*cb)(void *, const struct expr_ref *), void *cbdata)
{
	struct stlm_catalog *c = data;
	int n = 0;

	for (uint32_t i = 0; i < c->n_entries; i++) {
		if (!glob_match(glob, len, c->entries[i].name))
			continue;
		struct expr_ref ref = { .type = EXPR_REF_INPUT, .index = i };
		int r = cb(cbdata, &ref);

		if (r < 0)
			return r;
		n++;
	}
	return n;
}

static const char *const derived_keys[] = {
	"expr", "unit", "description", NULL,
};

static int parse_derived(struct cparser *p, struct json_object *d)
{
	struct stlm_catalog *c = p->c;
	struct expr_resolver res = {
		.name = res_name, .id = res_id, .glob = res_glob, .data = c,
	};
	uint32_t n = 0;
	int r;

	push_key(p, "derived");
	r = want_type(p, d, json_type_object, "an object");
	if (r == 0 && (uint32_t)json_object_object_length(d) > CATALOG_MAX_DERIVED)
		r = perr(p, "more than %u derived metrics", CATALOG_MAX_DERIVED);
	if (r < 0)
		goto out;
	c->derived = calloc((size_t)json_object_object_length(d) + 1,
			    sizeof(*c->derived));
	if (!c->derived) {
		r = -ENOMEM;
		goto out;
	}
	/* Pass 1: names and attributes, so expressions may refer forward. */
	json_object_object_foreach(d, key, val) {
		struct cat_derived *m = &c->derived[n];
		struct json_object *x;
		const char *s;

		push_key(p, key);
		if (!name_ok(key))
			r = perr_at(p, true, "bad name '%.60s' (dotted [a-z0-9_]+ segments, not starting with a digit)",
				    key);
		else if (name_lookup(c, key, strlen(key)))
			r = perr_at(p, true, "name '%.60s' is already a DE name", key);
		if (r == 0)
			r = want_type(p, val, json_type_object, "an object");
		if (r == 0)
			r = check_keys(p, val, derived_keys);
		if (r == 0 && !json_object_object_get_ex(val, "expr", &x))
			r = perr(p, "missing 'expr'");
		if (r == 0 && json_object_object_get_ex(val, "unit", &x)) {
			int u = 0;

			push_key(p, "unit");
			r = get_string(p, x, &s);
			if (r == 0 && (u = unit_code(s)) < 0)
				r = perr(p, "unknown unit '%.40s'", s);
			if (r == 0)
				m->unit = stlm__unit_name((uint8_t)u);
			pop(p);
		}
		if (r == 0 && json_object_object_get_ex(val, "description", &x)) {
			push_key(p, "description");
			r = get_string(p, x, &s);
			if (r == 0 && !(m->description = strdup(s)))
				r = -ENOMEM;
			pop(p);
		}
		if (r == 0 && !(m->name = strdup(key)))
			r = -ENOMEM;
		pop(p);
		if (r < 0)
			goto out;
		n++;
		c->n_derived = n;
		name_insert(c, m->name, n | DERIVED_TAG);
	}
	/* Pass 2: expressions. */
	n = 0;
	json_object_object_foreach(d, key2, val2) {
		struct json_object *x;
		struct expr_error ee;
		const char *s;

		push_key(p, key2);
		push_key(p, "expr");
		json_object_object_get_ex(val2, "expr", &x);
		r = get_string(p, x, &s);
		if (r == 0) {
			r = expr_compile(s, &res, &c->derived[n].e, &ee);
			if (r == -EINVAL)
				r = perr(p, "column %d: %s", ee.col, ee.msg);
		}
		pop(p);
		pop(p);
		if (r < 0)
			goto out;
		n++;
	}
out:
	pop(p);
	return r;
}

/* Cycle and depth check over derived references (iterative DFS). */
struct dfs {
	const struct stlm_catalog *c;
	uint8_t *color;		/* 0 new, 1 on the path, 2 done */
	uint32_t *depth;	/* longest chain below, when done */
	uint32_t *path;
	uint32_t n_path;
	int cycle_at;		/* derived index closing a cycle, or -1 */
	uint32_t cur_max;
};

static void dfs_visit(struct dfs *d, uint32_t i);

static void dfs_edge(void *data, uint32_t j)
{
	struct dfs *d = data;

	if (d->cycle_at >= 0)
		return;
	if (d->color[j] == 1) {
		d->cycle_at = (int)j;
		return;
	}
	if (d->color[j] == 0)
		dfs_visit(d, j);
	if (d->cycle_at < 0 && d->depth[j] + 1 > d->cur_max)
		d->cur_max = d->depth[j] + 1;
}

static void dfs_visit(struct dfs *d, uint32_t i)
{
	uint32_t save;

	d->color[i] = 1;
	d->path[d->n_path++] = i;
	save = d->cur_max;
	d->cur_max = 0;
	/* recursion depth is bounded: an edge into a deep chain is cut by
	 * the depth check of its caller only after the visit, so cap here */
	if (d->n_path <= EXPR_MAX_CHAIN + 1)
		expr_foreach_derived(d->c->derived[i].e, dfs_edge, d);
	else
		d->cur_max = EXPR_MAX_CHAIN + 1;
	d->depth[i] = d->cur_max;
	d->cur_max = save;
	if (d->cycle_at < 0) {
		d->color[i] = 2;
		d->n_path--;
	}
}

static int check_cycles(struct cparser *p)
{
	struct stlm_catalog *c = p->c;
	struct dfs d = { .c = c, .cycle_at = -1 };
	int r = 0;

	if (!c->n_derived)
		return 0;
	d.color = calloc(c->n_derived, 1);
	d.depth = calloc(c->n_derived, sizeof(*d.depth));
	d.path = calloc(c->n_derived + EXPR_MAX_CHAIN + 2, sizeof(*d.path));
	if (!d.color || !d.depth || !d.path) {
		r = -ENOMEM;
		goto out;
	}
	for (uint32_t i = 0; i < c->n_derived && r == 0; i++) {
		if (d.color[i])
			continue;
		d.n_path = 0;
		dfs_visit(&d, i);
		if (d.cycle_at >= 0) {
			char chain[256];
			size_t o = 0;
			uint32_t s = 0;

			while (d.path[s] != (uint32_t)d.cycle_at)
				s++;
			for (uint32_t k = s; k < d.n_path && o < sizeof(chain); k++)
				o += (size_t)snprintf(chain + o, sizeof(chain) - o,
						      "%s -> ", c->derived[d.path[k]].name);
			if (o < sizeof(chain))
				snprintf(chain + o, sizeof(chain) - o, "%s",
					 c->derived[d.cycle_at].name);
			push_key(p, "derived");
			push_key(p, c->derived[d.path[s]].name);
			push_key(p, "expr");
			r = perr(p, "cycle: %s", chain);
			p->depth = 0;
		}
	}
	for (uint32_t i = 0; i < c->n_derived && r == 0; i++) {
		if (d.depth[i] > EXPR_MAX_CHAIN) {
			push_key(p, "derived");
			push_key(p, c->derived[i].name);
			push_key(p, "expr");
			r = perr(p, "derived metrics nested deeper than %d",
				 EXPR_MAX_CHAIN);
			p->depth = 0;
		}
	}
out:
	free(d.color);
	free(d.depth);
	free(d.path);
	return r;
}

static const char *const top_keys[] = {
	"$schema", "format", "name", "description", "match", "labels", "des",
	"derived", NULL,
};

static int parse_doc(struct cparser *p, struct json_object *root)
{
	struct stlm_catalog *c = p->c;
	struct json_object *x;
	const char *s;
	int64_t v;
	int r;

	r = want_type(p, root, json_type_object, "a JSON object");
	if (r == 0)
		r = check_keys(p, root, top_keys);
	if (r < 0)
		return r;
	if (json_object_object_get_ex(root, "$schema", &x)) {
		push_key(p, "$schema");
		r = get_string(p, x, &s);
		pop(p);
		if (r < 0)
			return r;
	}
	if (!json_object_object_get_ex(root, "format", &x))
		return perr(p, "missing 'format'");
	push_key(p, "format");
	r = get_u32(p, x, 0, 0xFFFF, &v);
	if (r == 0 && v != 1)
		r = perr(p, "unsupported format %lld (this library reads 1)",
			 (long long)v);
	pop(p);
	if (r < 0)
		return r;
	if (!json_object_object_get_ex(root, "name", &x))
		return perr(p, "missing 'name'");
	push_key(p, "name");
	r = get_string(p, x, &s);
	if (r == 0 && (!*s || strlen(s) > 64))
		r = perr(p, "name must be 1 to 64 characters");
	if (r == 0 && !(c->name = strdup(s)))
		r = -ENOMEM;
	pop(p);
	if (r < 0)
		return r;
	if (json_object_object_get_ex(root, "description", &x)) {
		push_key(p, "description");
		r = get_string(p, x, &s);
		if (r == 0 && !(c->description = strdup(s)))
			r = -ENOMEM;
		pop(p);
		if (r < 0)
			return r;
	}
	if (!json_object_object_get_ex(root, "match", &x))
		return perr(p, "missing 'match'");
	r = parse_match(p, x);
	if (r < 0)
		return r;
	if (json_object_object_get_ex(root, "labels", &x)) {
		push_key(p, "labels");
		r = parse_labels(p, x, 0, 0, &c->labels, &c->n_labels);
		pop(p);
		if (r < 0)
			return r;
	}
	if (json_object_object_get_ex(root, "des", &x)) {
		r = parse_des(p, x);
		if (r < 0)
			return r;
	} else {
		uint32_t cap = CATALOG_MAX_DERIVED * 2;

		c->hash_mask = cap - 1;
		c->id_hash = calloc(cap, sizeof(*c->id_hash));
		c->name_hash = calloc(cap, sizeof(*c->name_hash));
		if (!c->id_hash || !c->name_hash)
			return -ENOMEM;
	}
	if (json_object_object_get_ex(root, "derived", &x)) {
		r = parse_derived(p, x);
		if (r < 0)
			return r;
		r = check_cycles(p);
	}
	return r;
}

static void entry_done(struct stlm_catalog_entry *e)
{
	free(e->name);
	free(e->description);
	for (uint32_t i = 0; e->states && i < e->n_states; i++)
		free(e->states[i].name);
	free(e->states);
	labels_free(e->labels, e->n_labels);
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
	labels_free(c->labels, c->n_labels);
	free(c->vendor);
	free(c->sub_vendor);
	free(c->name);
	free(c->description);
	free(c->file);
	free(c);
}

int stlm__catalog_parse(const char *text, size_t len, const char *file,
			struct stlm_catalog **ret, char *err, size_t errlen)
{
	struct cparser p = {
		.file = file ? file : "(catalog)", .text = text, .len = len,
		.err = err, .errlen = errlen, .inst = -1,
	};
	struct json_object *root;
	struct stlm_catalog *c;
	int r;

	if (err && errlen)
		err[0] = '\0';
	if (!text || !ret)
		return -EINVAL;
	r = stlm__jsonerr_parse(text, len, p.file, CATALOG_MAX_FILE,
				CATALOG_MAX_DEPTH, false, &root, err, errlen);
	if (r < 0)
		return r;
	c = calloc(1, sizeof(*c));
	if (!c || !(c->file = strdup(p.file))) {
		free(c);
		json_object_put(root);
		return -ENOMEM;
	}
	p.c = c;
	r = parse_doc(&p, root);
	json_object_put(root);
	if (r < 0) {
		if (r == -ENOMEM && err && errlen)
			snprintf(err, errlen, "%s: out of memory", p.file);
		stlm__catalog_destroy(c);
		return r;
	}
	*ret = c;
	return 0;
}

int stlm__catalog_read(const char *path, struct stlm_catalog **ret,
		       char *err, size_t errlen)
{
	struct stat st;
	char *buf;
	size_t n = 0;
	int fd, r;

	if (err && errlen)
		err[0] = '\0';
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		r = -errno;
		if (err && errlen)
			snprintf(err, errlen, "%s: %s", path, strerror(-r));
		return r;
	}
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		r = S_ISDIR(st.st_mode) ? -EISDIR : -EINVAL;
		if (err && errlen)
			snprintf(err, errlen, "%s: not a regular file", path);
		close(fd);
		return r;
	}
	if (st.st_size > (off_t)CATALOG_MAX_FILE) {
		if (err && errlen)
			snprintf(err, errlen, "%s: larger than %u bytes", path,
				 CATALOG_MAX_FILE);
		close(fd);
		return -EFBIG;
	}
	buf = malloc((size_t)st.st_size + 1);
	if (!buf) {
		close(fd);
		return -ENOMEM;
	}
	while (n < (size_t)st.st_size) {
		ssize_t k = read(fd, buf + n, (size_t)st.st_size - n);

		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			break;
		n += (size_t)k;
	}
	close(fd);
	buf[n] = '\0';
	r = stlm__catalog_parse(buf, n, path, ret, err, errlen);
	free(buf);
	return r;
}

bool stlm__catalog_matches(const struct stlm_catalog *c,
			   const struct stlm_platform_info *info)
{
	if (!c || !info)
		return false;
	if (c->m_uuid && c->uuid_bytes) {
		uint8_t u[16];

		if (stlm__astl_uuid_parse(info->uuid_str, u, NULL) < 0 ||
		    !stlm__astl_uuid_match(c->uuid_raw, c->uuid_bytes, u))
			return false;
	} else if (c->m_uuid && strcasecmp(c->uuid, info->uuid_str)) {
		return false;
	}
	if (c->vendor && strncmp(c->vendor, info->vendor, sizeof(info->vendor)))
		return false;
	if (c->sub_vendor &&
	    strncmp(c->sub_vendor, info->sub_vendor, sizeof(info->sub_vendor)))
		return false;
	if (c->m_impl && (info->impl_version < c->impl_min ||
			  info->impl_version > c->impl_max))
		return false;
	return true;
}

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
	struct stlm_catalog_entry *e;

	if (!c || !d || !d->name || !*d->name ||
	    strlen(d->name) > CATALOG_MAX_STRING ||
	    d->n_labels > CATALOG_MAX_LABELS ||
	    (d->unit >= 0 && !stlm__unit_valid(d->unit)) ||
	    !(d->scale != 0 && isfinite(d->scale)))
		return -EINVAL;
	if ((c->n_entries + 1u) * 2u > c->hash_mask + 1u)
		return -ENOSPC;
	if (id_lookup(c, d->id) >= 0 ||
	    name_lookup(c, d->name, strlen(d->name)))
		return -EEXIST;
	if (c->n_entries == c->cap_entries) {
		uint32_t cap = c->cap_entries ? c->cap_entries * 2 : 64;
		struct stlm_catalog_entry *v;

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
	e->cat = c;
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
	name_insert(c, e->name, c->n_entries);
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

/* ------------------------------------------------------------------ */
/* Applying to a session                                               */

static struct stlm_catalog *cur_catalog(const struct stlm_session *s)
{
	struct cat_state *st = __atomic_load_n((struct cat_state *const *)&s->catalog,
					       __ATOMIC_ACQUIRE);

	return st ? __atomic_load_n(&st->cur, __ATOMIC_ACQUIRE) : NULL;
}

/*
 * Bind c to the session's current table (c may already be current: then
 * it is re-bound). Called with disc_lock held, not @lock. Returns the
 * number of DEs it names, or -ENOMEM.
 */
static int apply(struct stlm_session *s, struct stlm_catalog *c, bool bump)
{
	struct cat_state *st = s->catalog;
	struct stlm_table *tb;
	int named = 0;

	if (!st) {
		st = calloc(1, sizeof(*st));
		if (!st)
			return -ENOMEM;
		__atomic_store_n((struct cat_state **)&s->catalog, st,
				 __ATOMIC_RELEASE);
	}
	pthread_mutex_lock(&s->lock);
	tb = s->table;
	/* Undo the overrides of whatever describes the table now. */
	for (uint32_t i = 0; tb && i < tb->n_des; i++) {
		struct stlm_de *de = &tb->des[i];
		struct stlm_catalog_entry *e = de->cat;

		if (!e)
			continue;
		__atomic_store_n(&de->desc.unit, e->orig_unit, __ATOMIC_RELAXED);
		de->scale = e->orig_scale;
		__atomic_store_n(&de->cat, NULL, __ATOMIC_RELEASE);
	}
	for (uint32_t i = 0; i < c->n_entries; i++) {
		struct stlm_catalog_entry *e = &c->entries[i];
		int idx = tb ? stlm__de_index(s, e->id) : -1;
		struct stlm_de *de;

		e->de = NULL;
		if (idx < 0 || (uint32_t)idx >= tb->n_des ||
		    tb->des[idx].desc.id != e->id)
			continue;
		de = &tb->des[idx];
		e->orig_unit = de->desc.unit;
		e->orig_scale = de->scale;
		if (e->has_unit)
			__atomic_store_n(&de->desc.unit, e->unit, __ATOMIC_RELAXED);
		de->scale = e->orig_scale * e->scale;
		e->de = de;
		__atomic_store_n(&de->cat, e, __ATOMIC_RELEASE);
		named++;
	}
	for (uint32_t i = 0; i < c->n_extras; i++) {
		int idx = tb ? stlm__de_index(s, c->extras[i].id) : -1;

		c->extras[i].de = idx >= 0 && (uint32_t)idx < tb->n_des &&
			tb->des[idx].desc.id == c->extras[i].id ?
			&tb->des[idx] : NULL;
	}
	if (st->cur != c) {
		if (st->cur) {
			st->cur->next = st->retired;
			st->retired = st->cur;
		}
		__atomic_store_n(&st->cur, c, __ATOMIC_RELEASE);
	}
	if (bump)
		stlm__generation_bump(s);
	pthread_mutex_unlock(&s->lock);
	return named;
}

void stlm__catalog_free(void *cat)
{
	struct cat_state *st = cat;
	struct stlm_catalog *c;

	if (!st)
		return;
	stlm__catalog_destroy(st->cur);
	while ((c = st->retired)) {
		st->retired = c->next;
		stlm__catalog_destroy(c);
	}
	free(st);
}

static int json_filter(const struct dirent *d)
{
	size_t n = strlen(d->d_name);

	return d->d_name[0] != '.' && n > 5 && !strcmp(d->d_name + n - 5, ".json");
}

/*
 * Try every catalog at path (a file, or *.json of a directory in name
 * order). Returns 1 and *ret for the first that matches, 0 if none does,
 * or, when strict, the first error (err filled). Non-strict: bad files are
 * logged and skipped.
 */
static int find_in(struct stlm_session *s, const char *path, bool strict,
		   struct stlm_catalog **ret, char *err, size_t errlen)
{
	struct dirent **names = NULL;
	struct stat st;
	int n, r = 0;

	if (stat(path, &st) < 0) {
		r = -errno;
		if (strict && err && errlen)
			snprintf(err, errlen, "%s: %s", path, strerror(-r));
		return strict ? r : 0;
	}
	if (!S_ISDIR(st.st_mode)) {
		struct stlm_catalog *c;
		char e2[512];

		r = stlm__catalog_read(path, &c, e2, sizeof(e2));
		if (r == -EINVAL) {
			/* Not a native catalog: an ASTL description file? */
			char e3[512];
			int a = stlm__astl_catalog_find(s, path, &c, e3, sizeof(e3));

			if (a >= 0) {
				if (a > 0)
					*ret = c;
				return a;
			}
			if (a != -EMEDIUMTYPE) {
				r = a;
				snprintf(e2, sizeof(e2), "%s", e3);
			}
		}
		if (r < 0) {
			if (strict) {
				if (err && errlen)
					snprintf(err, errlen, "%s", e2);
				return r;
			}
			stlm__log(s, STLM_LOG_WARNING, "catalog: %s", e2);
			return 0;
		}
		if (!stlm__catalog_matches(c, &s->info)) {
			stlm__log(s, STLM_LOG_DEBUG,
				  "catalog %s (%s) does not match this platform",
				  c->name, path);
			stlm__catalog_destroy(c);
			return 0;
		}
		*ret = c;
		return 1;
	}
	/* A directory holding an ASTL repometa.json is that index. */
	{
		char e3[512] = "";

		r = stlm__astl_catalog_find(s, path, ret, e3, sizeof(e3));
		if (r != -EMEDIUMTYPE) {
			if (r >= 0)
				return r;
			if (strict) {
				if (err && errlen)
					snprintf(err, errlen, "%s", e3);
				return r;
			}
			stlm__log(s, STLM_LOG_WARNING, "catalog: %s", e3);
			return 0;
		}
	}
	n = scandir(path, &names, json_filter, alphasort);
	if (n < 0) {
		r = -errno;
		if (strict && err && errlen)
			snprintf(err, errlen, "%s: %s", path, strerror(-r));
		return strict ? r : 0;
	}
	r = 0;
	for (int i = 0; i < n; i++) {
		char file[4096];

		if (r == 0) {
			snprintf(file, sizeof(file), "%s/%s", path, names[i]->d_name);
			r = find_in(s, file, strict, ret, err, errlen);
		}
		free(names[i]);
	}
	free(names);
	return r;
}

void stlm__catalog_autoload(struct stlm_session *s)
{
	struct stlm_catalog *c = cur_catalog(s);
	const char *env;
	int r = 0, named;

	if (!s || s->opts.no_catalog)
		return;
	if (c && stlm__catalog_matches(c, &s->info)) {
		named = apply(s, c, false);
		stlm__log(s, STLM_LOG_INFO, "catalog %s (%s) re-applied: %d DEs",
			  c->name, c->file, named);
		return;
	}
	c = NULL;
	env = secure_getenv("STLM_CATALOG_PATH");
	if (env && *env) {
		char *dup = strdup(env), *save = NULL;

		for (char *d = dup ? strtok_r(dup, ":", &save) : NULL;
		     d && r == 0; d = strtok_r(NULL, ":", &save))
			r = find_in(s, d, false, &c, NULL, 0);
		free(dup);
	}
	if (r == 0)
		r = find_in(s, STLM_DATADIR "/catalogs", false, &c, NULL, 0);
	if (r <= 0) {
		stlm__log(s, STLM_LOG_DEBUG, "no catalog matches platform %s (%s/%s)",
			  s->info.uuid_str, s->info.vendor, s->info.sub_vendor);
		return;
	}
	named = apply(s, c, false);
	if (named < 0) {
		stlm__catalog_destroy(c);
		return;
	}
	stlm__log(s, STLM_LOG_INFO, "catalog %s (%s) applied: %d DEs named",
		  c->name, c->file, named);
}

STLM_API int stlm_catalog_load(struct stlm_session *s, const char *path,
			       char *err, size_t errlen)
{
	struct stlm_catalog *c = NULL;
	int r;

	if (err && errlen)
		err[0] = '\0';
	if (!s || !path)
		return -EINVAL;
	r = stlm__discover(s);
	if (r < 0)
		return r;
	pthread_mutex_lock(&s->disc_lock);
	r = find_in(s, path, true, &c, err, errlen);
	if (r == 0) {
		if (err && errlen)
			snprintf(err, errlen, "%s: does not match this platform (%s, %s/%s, 0x%08X)",
				 path, s->info.uuid_str, s->info.vendor,
				 s->info.sub_vendor, s->info.impl_version);
		r = -ENOMSG;
	} else if (r > 0) {
		r = apply(s, c, true);
		if (r < 0)
			stlm__catalog_destroy(c);
		else
			stlm__log(s, STLM_LOG_INFO, "catalog %s (%s) applied: %d DEs named",
				  c->name, c->file, r);
	} else if (r != -ENOENT && r != -ENOMEM && r != -EFBIG) {
		r = -EINVAL;
	}
	pthread_mutex_unlock(&s->disc_lock);
	return r;
}

STLM_API const char *stlm_catalog_name(struct stlm_session *s)
{
	struct stlm_catalog *c = s ? cur_catalog(s) : NULL;

	return c ? c->name : NULL;
}

/* ------------------------------------------------------------------ */
/* DE accessors                                                        */

static const struct stlm_catalog_entry *entry_of(const struct stlm_de *de)
{
	return de ? __atomic_load_n(&de->cat, __ATOMIC_ACQUIRE) : NULL;
}

const char *stlm__catalog_de_name(const struct stlm_de *de)
{
	const struct stlm_catalog_entry *e = entry_of(de);

	return e ? e->name : NULL;
}

const char *stlm__catalog_de_description(const struct stlm_de *de)
{
	const struct stlm_catalog_entry *e = entry_of(de);

	return e ? e->description : NULL;
}

uint8_t stlm__catalog_de_desc_unit(const struct stlm_de *de)
{
	const struct stlm_catalog_entry *e = entry_of(de);

	if (!de)
		return 0;
	return e && e->has_unit ? e->orig_unit : de->desc.unit;
}

bool stlm__catalog_de_signed(const struct stlm_de *de)
{
	const struct stlm_catalog_entry *e = entry_of(de);

	return e && e->is_signed;
}

const struct stlm_de *stlm__catalog_find(struct stlm_session *s,
					 const char *name)
{
	struct stlm_catalog *c = s ? cur_catalog(s) : NULL;
	uint32_t v;

	if (!c || !name)
		return NULL;
	v = name_lookup(c, name, strlen(name));
	if (!v || (v & DERIVED_TAG))
		return NULL;
	return c->entries[v - 1].de;
}

STLM_API int stlm_de_kind(const struct stlm_de *de)
{
	const struct stlm_catalog_entry *e = entry_of(de);

	if (e && e->kind >= 0)
		return e->kind;
	if (!de)
		return STLM_KIND_GAUGE;
	switch (de->desc.type) {
	case 1:		/* accumulated idle residency */
	case 2:		/* accumulated idle counts */
	case 3:		/* accumulated others */
		return STLM_KIND_COUNTER;
	case 4:		/* instantaneous idle state */
	case 7:		/* status */
		return STLM_KIND_STATE;
	default:
		return de->desc.unit == UNIT_BINARY ? STLM_KIND_STATE :
						      STLM_KIND_GAUGE;
	}
}

STLM_API const char *stlm_de_state_name(const struct stlm_de *de, int64_t v)
{
	const struct stlm_catalog_entry *e = entry_of(de);
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

STLM_API const char *stlm_de_label(const struct stlm_de *de, const char *key)
{
	const struct stlm_catalog_entry *e = entry_of(de);

	if (!e || !key)
		return NULL;
	for (uint32_t i = 0; i < e->n_labels; i++)
		if (!strcmp(e->labels[i].key, key))
			return e->labels[i].val;
	for (uint32_t i = 0; i < e->cat->n_labels; i++)
		if (!strcmp(e->cat->labels[i].key, key))
			return e->cat->labels[i].val;
	return NULL;
}

/* ------------------------------------------------------------------ */
/* Derived metrics                                                     */

STLM_API int stlm_derived_count(struct stlm_session *s)
{
	struct stlm_catalog *c;

	if (!s)
		return -EINVAL;
	c = cur_catalog(s);
	return c ? (int)c->n_derived : 0;
}

STLM_API int stlm_derived_info(struct stlm_session *s, size_t i,
			       const char **ret_name, const char **ret_unit)
{
	struct stlm_catalog *c;

	if (!s)
		return -EINVAL;
	c = cur_catalog(s);
	if (!c || i >= c->n_derived)
		return -ERANGE;
	if (ret_name)
		*ret_name = c->derived[i].name;
	if (ret_unit)
		*ret_unit = c->derived[i].unit;
	return 0;
}

struct eval_ctx {
	const struct stlm_catalog *c;
	const struct stlm_snapshot *cur;
	const struct stlm_snapshot *prev;
};

static int ctx_input(void *data, uint32_t index, int mode, double *ret)
{
	const struct eval_ctx *x = data;
	const struct stlm_catalog *c = x->c;
	const struct stlm_sample *a, *b;
	const struct stlm_de *de;
	uint32_t id;
	double dt;

	if (index < c->n_entries) {
		id = c->entries[index].id;
		de = c->entries[index].de;
	} else if (index - c->n_entries < c->n_extras) {
		id = c->extras[index - c->n_entries].id;
		de = c->extras[index - c->n_entries].de;
	} else {
		return -EINVAL;
	}
	b = stlm_snapshot_find(x->cur, id);
	if (!b || !(b->flags & STLM_SAMPLE_VALID))
		return -ENODATA;
	if (mode == EXPR_VALUE) {
		*ret = b->value;
		return 0;
	}
	if (!x->prev)
		return -EDOM;
	a = stlm_snapshot_find(x->prev, id);
	if (!a || !(a->flags & STLM_SAMPLE_VALID))
		return -ENODATA;
	if (de && stlm_de_kind(de) == STLM_KIND_COUNTER) {
		/* unwrap at 2^(8 * data_size) */
		uint64_t d = stlm__de_raw(de, b->raw - a->raw);

		*ret = (double)d * de->scale;
	} else {
		*ret = b->value - a->value;
	}
	if (mode == EXPR_DELTA)
		return 0;
	if ((a->flags & b->flags & STLM_SAMPLE_TIMESTAMP) &&
	    a->ts_rate_khz && a->ts_rate_khz == b->ts_rate_khz &&
	    b->ts > a->ts)
		dt = (double)(b->ts - a->ts) / ((double)b->ts_rate_khz * 1e3);
	else
		dt = ((double)stlm_snapshot_mono_ns(x->cur) -
		      (double)stlm_snapshot_mono_ns(x->prev)) / 1e9;
	if (!(dt > 0.0))
		return -EDOM;
	*ret /= dt;
	return 0;
}

static int ctx_derived(void *data, uint32_t index, unsigned int depth,
		       double *ret)
{
	const struct eval_ctx *x = data;
	struct expr_env env = {
		.input = ctx_input, .derived = ctx_derived, .data = data,
	};

	if (index >= x->c->n_derived)
		return -EINVAL;
	return expr_eval(x->c->derived[index].e, &env, depth, ret);
}

STLM_API int stlm_derived_eval(struct stlm_session *s, size_t i,
			       const struct stlm_snapshot *cur,
			       const struct stlm_snapshot *prev, double *ret)
{
	struct eval_ctx x;
	struct expr_env env = { .input = ctx_input, .derived = ctx_derived };
	double v;
	int r;

	if (!s || !cur || !ret)
		return -EINVAL;
	x.c = cur_catalog(s);
	x.cur = cur;
	x.prev = prev;
	if (!x.c || i >= x.c->n_derived)
		return -ERANGE;
	env.data = &x;
	r = expr_eval(x.c->derived[i].e, &env, 0, &v);
	if (r == 0)
		*ret = v;
	return r;
}
