// SPDX-License-Identifier: MIT
/*
 * Copyright (c) 2026 The stlm authors
 *
 * Catalog documents (catalog.h): the parser.
 *
 * Theory of operation
 * -------------------
 * The file (at most CATALOG_MAX_FILE bytes) is parsed by json-c in strict
 * mode with a nesting limit; a syntax error is reported at the tokener's
 * offset as FILE:LINE:COL. The document is then walked with a JSON path
 * kept on a small stack; every object is checked against its known keys,
 * and every semantic error names the path and, found by re-scanning the
 * text along that path (json-c keeps no positions), the line and column
 * of the offending key or value. Repeat blocks are expanded into plain
 * entries ({i}/{k} substituted, template.h), ids and names are indexed in
 * hash tables (duplicates are errors), then every derived expression is
 * compiled (catalog-derived.c) against those names. Numbers given as
 * strings follow num.h.
 */
#include <ctype.h>
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
#include "catalog-internal.h"
#include "num.h"
#include "template.h"
#include "units.h"

#define push_key	stlm__catp_push_key
#define push_index	stlm__catp_push_index
#define pop		stlm__catp_pop
#define perr_at		stlm__catp_perr_at
#define perr(p, ...)	stlm__catp_perr_at(p, false, __VA_ARGS__)
#define check_keys	stlm__catp_check_keys
#define want_type	stlm__catp_want_type
#define get_string	stlm__catp_get_string

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

/* ------------------------------------------------------------------ */
/* Errors with places                                                  */

void stlm__catp_push_key(struct cat_parser *p, const char *key)
{
	stlm__jsonerr_push(p->path, CATALOG_PATH_DEPTH, &p->depth, key, 0);
}

void stlm__catp_push_index(struct cat_parser *p, int index)
{
	stlm__jsonerr_push(p->path, CATALOG_PATH_DEPTH, &p->depth, NULL,
			   (uint32_t)index);
}

void stlm__catp_pop(struct cat_parser *p)
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
static size_t locate(const struct cat_parser *p, bool at_key)
{
	const char *t = p->text;
	size_t len = p->len, i = sk_ws(t, len, 0), key_at = i;
	int n = p->depth < CATALOG_PATH_DEPTH ? p->depth : CATALOG_PATH_DEPTH;

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
int stlm__catp_perr_at(struct cat_parser *p, bool at_key, const char *fmt, ...)
{
	char place[256], msg[512];
	int line, col;
	va_list ap;

	if (!p->err || !p->errlen)
		return -EINVAL;
	va_start(ap, fmt);
	stlm__jsonerr_vformat(p->path, CATALOG_PATH_DEPTH, p->depth, place,
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


int stlm__catp_check_keys(struct cat_parser *p, struct json_object *o,
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
int stlm__catp_want_type(struct cat_parser *p, struct json_object *o,
			 json_type t, const char *what)
{
	if (!json_object_is_type(o, t))
		return perr(p, "expected %s", what);
	return 0;
}

int stlm__catp_get_string(struct cat_parser *p, struct json_object *o,
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
static int get_u32(struct cat_parser *p, struct json_object *o, int64_t min,
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

/* Substitute {i} and {k} in a template (formats/template.h). */
static int subst(struct cat_parser *p, const char *tpl, int i, int k,
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

/* "labels": {"key": "value"}; values are templates when inst >= 0. */
static int parse_labels(struct cat_parser *p, struct json_object *o, int i,
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
			stlm__catalog_labels_free(l, n);
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
	"signed", "bits", "labels", "limits", NULL,
};

/*
 * "bits": the DE's data size, 8 to 64 in steps of 8. It lets a backend
 * that gives every value as a 64-bit word (an STLMFS tree) read a
 * narrower DE, and sign-extend it when "signed" is set.
 */
static int parse_entry_bits(struct cat_parser *p, struct json_object *o,
			    struct cat_entry *e)
{
	struct json_object *x;
	int64_t v;
	int r = 0;

	if (!json_object_object_get_ex(o, "bits", &x))
		return 0;
	push_key(p, "bits");
	if (!json_object_is_type(x, json_type_int))
		r = perr(p, "expected an integer");
	else if ((v = json_object_get_int64(x)) < 8 || v > 64 || v % 8)
		r = perr(p, "bits must be 8, 16, 24, 32, 40, 48, 56 or 64, not %lld",
			 (long long)v);
	else
		e->size = (uint8_t)(v / 8);
	pop(p);
	return r;
}

static int add_entry(struct cat_parser *p, struct cat_entry **ret)
{
	struct stlm_catalog *c = p->c;

	if (c->n_entries >= CATALOG_MAX_ENTRIES)
		return perr(p, "more than %u DE entries", CATALOG_MAX_ENTRIES);
	if (c->n_entries == c->cap_entries) {
		uint32_t cap = c->cap_entries ? c->cap_entries * 2 : 64;
		struct cat_entry *v;

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
	return 0;
}

/* Keys of "limits", in CATALOG_LIMIT_* order. */
static const char *const limit_keys[] = { "warn", "crit", NULL };

/*
 * "limits": {"warn": X, "crit": Y}: the values at or above which a gauge
 * is near its limit and at it, in the entry's units (after "unit" and
 * "scale"). At least one; finite; warn not above crit.
 */
static int parse_limits(struct cat_parser *p, struct json_object *o,
			struct cat_entry *e)
{
	int r = 0;

	if (e->kind == CATALOG_KIND_COUNTER || e->kind == CATALOG_KIND_STATE)
		return perr_at(p, true, "'limits' needs a gauge (\"kind\": \"gauge\" or none)");
	r = want_type(p, o, json_type_object, "an object");
	if (r == 0)
		r = check_keys(p, o, limit_keys);
	for (int k = 0; r == 0 && k < CATALOG_N_LIMITS; k++) {
		struct json_object *x;
		double v;

		if (!json_object_object_get_ex(o, limit_keys[k], &x))
			continue;
		push_key(p, limit_keys[k]);
		if (!json_object_is_type(x, json_type_int) &&
		    !json_object_is_type(x, json_type_double))
			r = perr(p, "expected a number");
		else if (!isfinite(v = json_object_get_double(x)))
			r = perr(p, "limit must be finite");
		else {
			e->limit[k] = v;
			e->has_limit |= (uint8_t)(1u << k);
		}
		pop(p);
	}
	if (r == 0 && !e->has_limit)
		r = perr(p, "expected \"warn\" and/or \"crit\"");
	if (r == 0 && e->has_limit == 3 &&
	    e->limit[CATALOG_LIMIT_WARN] > e->limit[CATALOG_LIMIT_CRIT]) {
		push_key(p, "warn");
		r = perr(p, "warn %g is above crit %g",
			 e->limit[CATALOG_LIMIT_WARN],
			 e->limit[CATALOG_LIMIT_CRIT]);
		pop(p);
	}
	return r;
}

/*
 * One entry or template. For a template, inst >= 0 gives its instance
 * (i = first + k) and id_add is added to the id.
 */
static int parse_entry(struct cat_parser *p, struct json_object *o, int i,
		       int k, uint64_t id_step)
{
	struct cat_entry *e = NULL;
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
	if (r == 0 && !stlm__catalog_name_ok(e->name))
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
		if (r == 0 && (u = stlm__unit_code(s)) < 0)
			r = perr(p, "unknown unit '%.40s'", s);
		pop(p);
		if (r < 0)
			return r;
		e->has_unit = true;
		e->unit = (uint8_t)stlm__unit_code(s);
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
	r = parse_entry_bits(p, o, e);
	if (r < 0)
		return r;
	if (json_object_object_get_ex(o, "kind", &x)) {
		push_key(p, "kind");
		r = get_string(p, x, &s);
		if (r == 0) {
			if (!strcmp(s, "gauge"))
				e->kind = CATALOG_KIND_GAUGE;
			else if (!strcmp(s, "counter"))
				e->kind = CATALOG_KIND_COUNTER;
			else if (!strcmp(s, "state"))
				e->kind = CATALOG_KIND_STATE;
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
		if (e->kind != CATALOG_KIND_STATE)
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
	if (json_object_object_get_ex(o, "limits", &x)) {
		push_key(p, "limits");
		r = parse_limits(p, x, e);
		pop(p);
		if (r < 0)
			return r;
	}
	return 0;
}

static const char *const repeat_keys[] = { "count", "first", "id_step", NULL };
static const char *const block_keys[] = { "repeat", "des", NULL };

static int parse_repeat(struct cat_parser *p, struct json_object *o)
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
static int index_entries(struct cat_parser *p, struct json_object *des_arr)
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
				struct cat_entry *e = &c->entries[ei];
				int dup = stlm__catalog_id_index(c, e->id), r = 0;

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
				} else if (stlm__catalog_name_slot(c, e->name, strlen(e->name))) {
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
				stlm__catalog_name_insert(c, e->name, ei + 1);
			}
		}
	}
	return 0;
}

static int parse_des(struct cat_parser *p, struct json_object *des)
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

static int parse_vendor(struct cat_parser *p, struct json_object *x,
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

static int parse_match(struct cat_parser *p, struct json_object *m)
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

static const char *const top_keys[] = {
	"$schema", "format", "name", "description", "match", "labels", "des",
	"derived", NULL,
};

static int parse_doc(struct cat_parser *p, struct json_object *root)
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
		r = stlm__catalog_parse_derived(p, x);
		if (r < 0)
			return r;
		r = stlm__catalog_check_cycles(p);
	}
	return r;
}

int stlm__catalog_parse(const char *text, size_t len, const char *file,
			struct stlm_catalog **ret, char *err, size_t errlen)
{
	struct cat_parser p = {
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
	char *buf;
	size_t n;
	int r;

	if (err && errlen)
		err[0] = '\0';
	r = stlm__jsonerr_read_file(path, CATALOG_MAX_FILE, "", &buf, &n, err,
				    errlen);
	if (r < 0)
		return r;
	r = stlm__catalog_parse(buf, n, path, ret, err, errlen);
	free(buf);
	return r;
}

