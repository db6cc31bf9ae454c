// SPDX-License-Identifier: MIT
/*
 * Copyright (c) 2026 The stlm authors
 *
 * Catalog documents (catalog.h): derived metrics. Each expression is
 * compiled (expr.h) against the catalog's names and ids, then the graph
 * of derived references is checked for cycles and depth.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "catalog-internal.h"
#include "expr.h"
#include "units.h"

#define push_key	stlm__catp_push_key
#define push_index	stlm__catp_push_index
#define pop		stlm__catp_pop
#define perr_at		stlm__catp_perr_at
#define perr(p, ...)	stlm__catp_perr_at(p, false, __VA_ARGS__)
#define check_keys	stlm__catp_check_keys
#define want_type	stlm__catp_want_type
#define get_string	stlm__catp_get_string

/* Expression name resolution against the catalog. */
static int res_name(void *data, const char *name, size_t len,
		    struct expr_ref *ret)
{
	struct stlm_catalog *c = data;
	uint32_t v = stlm__catalog_name_slot(c, name, len);

	if (!v)
		return -ENOENT;
	if (v & CATALOG_DERIVED_TAG) {
		ret->type = EXPR_REF_DERIVED;
		ret->index = (v & ~CATALOG_DERIVED_TAG) - 1;
	} else {
		ret->type = EXPR_REF_INPUT;
		ret->index = v - 1;
	}
	return 0;
}

static int res_id(void *data, uint32_t id, struct expr_ref *ret)
{
	struct stlm_catalog *c = data;
	int e = stlm__catalog_id_index(c, id);

	ret->type = EXPR_REF_INPUT;
	if (e >= 0) {
		ret->index = (uint32_t)e;
		return 0;
	}
	for (uint32_t i = 0; i < c->n_extras; i++)
		if (c->extras[i] == id) {
			ret->index = c->n_entries + i;
			return 0;
		}
	if (c->n_extras >= EXPR_MAX_OPS)
		return -ENOSPC;
	if (!(c->n_extras & (c->n_extras + 1))) {
		uint32_t *x = realloc(c->extras,
				      (size_t)(c->n_extras + 1) * 2 * sizeof(*x));

		if (!x)
			return -ENOMEM;
		c->extras = x;
	}
	c->extras[c->n_extras] = id;
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

int stlm__catalog_parse_derived(struct cat_parser *p, struct json_object *d)
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
		if (!stlm__catalog_name_ok(key))
			r = perr_at(p, true, "bad name '%.60s' (dotted [a-z0-9_]+ segments, not starting with a digit)",
				    key);
		else if (stlm__catalog_name_slot(c, key, strlen(key)))
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
			if (r == 0 && (u = stlm__unit_code(s)) < 0)
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
		stlm__catalog_name_insert(c, m->name, n | CATALOG_DERIVED_TAG);
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

int stlm__catalog_check_cycles(struct cat_parser *p)
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

