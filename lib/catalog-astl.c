// SPDX-License-Identifier: MIT
/*
 * Copyright (c) 2026 The stlm authors
 *
 * ASTL description files as catalogs (docs/catalog-format.md, "ASTL
 * description files").
 *
 * Theory of operation
 * -------------------
 * A path gives a set of specs: one spec file, or every spec a
 * repometa.json maps (a directory stands for its repometa.json). A
 * platform_lookup.json beside the index (or beside or above the spec)
 * adds each spec's metrics declarations. Everything is parsed by
 * the formats layer (formats/astl*.c); any error fails the whole load.
 *
 * ASTL computes DE ids from the spec and only filters them against the
 * platform; here the platform's DE table is the truth and the spec is
 * compared with it. The check expands target 0, then targets 1, 2, ...
 * while the platform has at least one DE of that target's ids (bounded by
 * ASTL_MAX_TARGETS, 16-bit instances and ASTL_MAX_SLOTS), marks every
 * slot present or missing, collects the platform's DEs no slot names,
 * and compares units and exponents of the present ones.
 *
 * The catalog built from that names each slot whose id is seen for the
 * first time <COMPONENT or alias>.<global instance>.<REGISTER>; a slot
 * whose name an earlier slot took gets "@0xID" appended; a repeated id
 * keeps its first name. Units and exponents are the spec's, as ASTL
 * applies them: a known unit code replaces the descriptor's, and a
 * different exponent becomes the scale 10^(spec - descriptor), computed
 * against the DE table the catalog is built for; the descriptor's own
 * values stay what the check compares with. A metrics declaration adds
 * labels (display name, groups,
 * identifier, disabled) and, when its formula is an exact integer
 * multiple of value, that multiple as scale; other formulas are refused.
 */
#include <errno.h>
#include <libgen.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "catalog-astl.h"
#include "catalog.h"
#include "expr.h"
#include "session.h"

/* ------------------------------------------------------------------ */
/* Sets                                                                */

void stlm__astl_set_free(struct astl_set *set)
{
	if (!set)
		return;
	for (uint32_t i = 0; i < set->n_items; i++) {
		stlm__astl_spec_free(set->items[i].spec);
		stlm__astl_metrics_free(set->items[i].metrics);
	}
	free(set->items);
	stlm__astl_index_free(set->repo);
	stlm__astl_index_free(set->lookup);
	free(set->path);
	free(set);
}

static bool is_file(const char *p)
{
	struct stat st;

	return stat(p, &st) == 0 && S_ISREG(st.st_mode);
}

/* dir of path (+ up levels): malloc'd. */
static char *dir_of(const char *path, int up)
{
	char *d = strdup(path), *r;

	if (!d)
		return NULL;
	r = strdup(dirname(d));
	free(d);
	while (r && up-- > 0) {
		char *x = strdup(dirname(r));

		free(r);
		r = x;
	}
	return r;
}

/* The platform_lookup.json in dir, if any: 1 found, 0 none, <0 error. */
static int find_lookup(const char *dir, struct astl_index **ret, char *err,
		       size_t errlen)
{
	char p[4096];
	int r;

	*ret = NULL;
	if ((size_t)snprintf(p, sizeof(p), "%s/platform_lookup.json", dir) >=
	    sizeof(p) || !is_file(p))
		return 0;
	r = stlm__astl_index_read(p, ret, err, errlen);
	if (r < 0)
		return r;
	if ((*ret)->kind != ASTL_DOC_LOOKUP) {
		snprintf(err, errlen, "%s: not a platform_lookup (no scmi_uuid_mapping)", p);
		stlm__astl_index_free(*ret);
		*ret = NULL;
		return -EINVAL;
	}
	return 1;
}

static int add_spec(struct astl_set *set, struct astl_spec *spec, char *err,
		    size_t errlen)
{
	struct astl_set_item *it;
	const struct astl_index_entry *e;
	int r;

	it = realloc(set->items, (set->n_items + 1) * sizeof(*it));
	if (!it) {
		stlm__astl_spec_free(spec);
		return -ENOMEM;
	}
	set->items = it;
	it = &set->items[set->n_items++];
	it->spec = spec;
	it->metrics = NULL;
	e = set->lookup ? stlm__astl_index_find(set->lookup, spec->uuid) : NULL;
	if (!e)
		return 0;
	r = stlm__astl_metrics_read(e->path, &it->metrics, err, errlen);
	return r;
}

int stlm__astl_set_load(const char *path, struct astl_set **ret, char *err,
			size_t errlen)
{
	struct astl_set *set;
	struct stat st;
	char *buf = NULL, *dir = NULL, idx[4096];
	const char *file = path;
	size_t len = 0;
	enum astl_doc kind;
	int r;

	if (err && errlen)
		err[0] = '\0';
	*ret = NULL;
	if (stat(path, &st) < 0) {
		r = -errno;
		snprintf(err, errlen, "%s: %s", path, strerror(-r));
		return r;
	}
	if (S_ISDIR(st.st_mode)) {
		if ((size_t)snprintf(idx, sizeof(idx), "%s/repometa.json", path) >=
		    sizeof(idx) || !is_file(idx))
			return -EMEDIUMTYPE;
		file = idx;
	}
	r = stlm__astl_read_file(file, &buf, &len, err, errlen);
	if (r < 0)
		return r;
	kind = stlm__astl_detect(buf, len);
	if (kind == ASTL_DOC_LOOKUP || kind == ASTL_DOC_METRICS) {
		free(buf);
		snprintf(err, errlen,
			 "%s: an ASTL %s file is no catalog by itself (give the spec, repometa.json or its directory)",
			 file, kind == ASTL_DOC_LOOKUP ? "platform_lookup" : "metrics");
		return -EINVAL;
	}
	if (kind != ASTL_DOC_SPEC && kind != ASTL_DOC_REPOMETA) {
		free(buf);
		if (err && errlen)
			err[0] = '\0';
		return -EMEDIUMTYPE;
	}
	set = calloc(1, sizeof(*set));
	if (!set || !(set->path = strdup(file))) {
		free(set);
		free(buf);
		return -ENOMEM;
	}
	set->kind = kind;
	if (kind == ASTL_DOC_REPOMETA) {
		r = stlm__astl_index_parse(buf, len, file, &set->repo, err, errlen);
		if (r >= 0) {
			dir = dir_of(file, 0);
			r = dir ? find_lookup(dir, &set->lookup, err, errlen) : -ENOMEM;
		}
		for (uint32_t i = 0; r >= 0 && i < set->repo->n_entries; i++) {
			struct astl_spec *spec;

			r = stlm__astl_spec_read(set->repo->entries[i].path, &spec,
						 err, errlen);
			if (r < 0)
				break;
			if (!stlm__astl_uuid_match(set->repo->entries[i].uuid,
						   set->repo->entries[i].uuid_bytes,
						   spec->uuid)) {
				snprintf(err, errlen, "%s: uuid_mapping.%s: the file's uuid is %s",
					 file, set->repo->entries[i].uuid_text,
					 spec->uuid_text);
				stlm__astl_spec_free(spec);
				r = -EINVAL;
				break;
			}
			r = add_spec(set, spec, err, errlen);
		}
	} else {
		struct astl_spec *spec;

		r = stlm__astl_spec_parse(buf, len, file, &spec, err, errlen);
		if (r >= 0) {
			dir = dir_of(file, 0);
			r = dir ? find_lookup(dir, &set->lookup, err, errlen) : -ENOMEM;
			if (r == 0) {
				char *up = dir_of(file, 1);

				r = up ? find_lookup(up, &set->lookup, err, errlen) : -ENOMEM;
				free(up);
			}
			if (r >= 0)
				r = add_spec(set, spec, err, errlen);
			else
				stlm__astl_spec_free(spec);
		}
	}
	free(dir);
	free(buf);
	if (r < 0) {
		if (r == -ENOMEM && err && errlen)
			snprintf(err, errlen, "%s: out of memory", path);
		stlm__astl_set_free(set);
		return r;
	}
	*ret = set;
	return 0;
}

/* ------------------------------------------------------------------ */
/* Formulas                                                            */

static int f_name(void *data, const char *name, size_t len,
		  struct expr_ref *ret)
{
	(void)data;
	if (len != 5 || memcmp(name, "value", 5))
		return -ENOENT;
	ret->type = EXPR_REF_INPUT;
	ret->index = 0;
	return 0;
}

static int f_id(void *data, uint32_t id, struct expr_ref *ret)
{
	(void)data;
	(void)id;
	(void)ret;
	return -ENOENT;
}

static int f_glob(void *data, const char *glob, size_t len,
		  int (*cb)(void *cbdata, const struct expr_ref *ref),
		  void *cbdata)
{
	(void)data;
	(void)glob;
	(void)len;
	(void)cb;
	(void)cbdata;
	return 0;
}

static int f_input(void *data, uint32_t index, int mode, double *ret)
{
	(void)index;
	if (mode != EXPR_VALUE)
		return -EDOM;
	*ret = *(const double *)data;
	return 0;
}

static int f_derived(void *data, uint32_t index, unsigned int depth,
		     double *ret)
{
	(void)data;
	(void)index;
	(void)depth;
	(void)ret;
	return -ENODATA;
}

enum astl_formula stlm__astl_formula(const struct astl_metric *m,
				     double *scale, char *msg, size_t n)
{
	static const double probe[] = { 0, 1, 2, 3, 7, 1000, 123457, 65535 };
	const struct expr_resolver res = {
		.name = f_name, .id = f_id, .glob = f_glob,
	};
	struct expr_error ee = { 0 };
	struct expr *e = NULL;
	double k = 0;
	int r;

	if (!m->formula)
		return ASTL_FORMULA_NONE;
	if (strchr(m->formula, '/')) {
		snprintf(msg, n, "%s: metrics.%s.formula \"%s\": ASTL divides in integers (truncating); refused, only an exact integer multiple of value is supported",
			 "declaration", m->key, m->formula);
		return ASTL_FORMULA_REFUSED;
	}
	r = expr_compile(m->formula, &res, &e, &ee);
	if (r < 0) {
		snprintf(msg, n, "%s: metrics.%s.formula \"%s\": column %d: %s",
			 "declaration", m->key, m->formula, ee.col,
			 r == -ENOMEM ? "out of memory" : ee.msg);
		return ASTL_FORMULA_REFUSED;
	}
	for (size_t i = 0; i < sizeof(probe) / sizeof(probe[0]); i++) {
		const struct expr_env env = {
			.input = f_input, .derived = f_derived,
			.data = (void *)&probe[i],
		};
		double v;

		r = expr_eval(e, &env, 0, &v);
		if (r < 0 || (i == 0 && v != 0) ||
		    (i == 1 && (v != floor(v) || v == 0)) ||
		    (i == 1 && (k = v, false)) || (i > 1 && v != k * probe[i])) {
			expr_free(e);
			snprintf(msg, n, "%s: metrics.%s.formula \"%s\": not an integer multiple of value; refused (ASTL evaluates formulas in integer arithmetic)",
				 "declaration", m->key, m->formula);
			return ASTL_FORMULA_REFUSED;
		}
	}
	expr_free(e);
	*scale = k;
	return ASTL_FORMULA_SCALE;
}

/* ------------------------------------------------------------------ */
/* Checking against the platform                                       */

void stlm__astl_check_free(struct astl_check *c)
{
	if (!c)
		return;
	stlm__astl_expansion_free(c->exp);
	free(c->present);
	free(c->extra);
	free(c->unit_diffs);
	free(c->metric_of);
	for (uint32_t i = 0; i < c->n_formula_errors; i++)
		free(c->formula_errors[i]);
	free(c->formula_errors);
	free(c);
}

/* The DE of id in the current table (s->lock held), or NULL. */
static struct stlm_de *live_de(struct stlm_session *s, uint32_t id)
{
	struct stlm_table *tb = s->table;
	int idx = tb ? stlm__de_index(s, id) : -1;

	if (idx < 0 || (uint32_t)idx >= tb->n_des || tb->des[idx].desc.id != id)
		return NULL;
	return &tb->des[idx];
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

/*
 * How many targets the platform carries (s->lock held): target t counts
 * when the platform has one of its ids that no earlier target produced
 * (repeated blocks make later targets reuse earlier ids).
 */
static uint32_t count_targets(struct stlm_session *s,
			      const struct astl_spec *spec)
{
	uint32_t n = 1, *seen = NULL;
	size_t n_seen = 0;
	struct astl_expansion *e = NULL;

	if (stlm__astl_expand(spec, 0, 1, &e, NULL, 0) < 0)
		return 1;
	seen = malloc((e->n_slots + 1) * sizeof(*seen));
	for (size_t i = 0; seen && i < e->n_slots; i++)
		seen[n_seen++] = e->slots[i].id;
	stlm__astl_expansion_free(e);
	if (!seen)
		return 1;
	qsort(seen, n_seen, sizeof(*seen), cmp_u32);
	for (uint32_t t = 1; t < ASTL_MAX_TARGETS; t++) {
		bool any = false;
		uint32_t *v;

		e = NULL;
		if ((uint64_t)(t + 1) * spec->n_des_per_target > ASTL_MAX_SLOTS)
			break;
		if (stlm__astl_expand(spec, t, 1, &e, NULL, 0) < 0)
			break;
		for (size_t i = 0; i < e->n_slots && !any; i++)
			any = !bsearch(&e->slots[i].id, seen, n_seen, sizeof(*seen),
				       cmp_u32) &&
				live_de(s, e->slots[i].id) != NULL;
		v = any ? realloc(seen, (n_seen + e->n_slots + 1) * sizeof(*seen)) : NULL;
		if (v) {
			seen = v;
			for (size_t i = 0; i < e->n_slots; i++)
				seen[n_seen++] = e->slots[i].id;
			qsort(seen, n_seen, sizeof(*seen), cmp_u32);
		}
		stlm__astl_expansion_free(e);
		if (!v)
			break;
		n = t + 1;
	}
	free(seen);
	return n;
}

int stlm__astl_check(struct stlm_session *s, const struct astl_set_item *item,
		     struct astl_check **ret, char *err, size_t errlen)
{
	const struct astl_spec *spec = item->spec;
	struct astl_check *c;
	uint32_t *ids = NULL;
	int r;

	if (err && errlen)
		err[0] = '\0';
	*ret = NULL;
	c = calloc(1, sizeof(*c));
	if (!c)
		return -ENOMEM;
	c->item = item;
	c->n_targets = 1;
	if (s) {
		uint8_t u[16];

		c->live = true;
		memcpy(c->platform_uuid, s->info.uuid_str, sizeof(c->platform_uuid));
		c->platform_uuid[36] = '\0';
		c->uuid_match = stlm__astl_uuid_parse(s->info.uuid_str, u, NULL) == 0 &&
			stlm__astl_uuid_match(spec->uuid, spec->uuid_bytes, u);
		pthread_mutex_lock(&s->lock);
		c->n_targets = count_targets(s, spec);
		pthread_mutex_unlock(&s->lock);
	}
	r = stlm__astl_expand(spec, 0, c->n_targets, &c->exp, err, errlen);
	if (r < 0)
		goto fail;
	r = -ENOMEM;
	c->present = calloc(c->exp->n_slots + 1, sizeof(*c->present));
	c->metric_of = calloc(c->exp->n_slots + 1, sizeof(*c->metric_of));
	if (!c->present || !c->metric_of)
		goto fail;
	/* Declarations. */
	if (item->metrics) {
		const struct astl_metrics *m = item->metrics;

		for (uint32_t d = 0; d < m->n_metrics; d++) {
			double k;
			char msg[512];

			if (stlm__astl_formula(&m->metrics[d], &k, msg, sizeof(msg)) !=
			    ASTL_FORMULA_REFUSED)
				continue;
			char **v = realloc(c->formula_errors,
					   (c->n_formula_errors + 1) * sizeof(*v));

			if (!v)
				goto fail;
			c->formula_errors = v;
			if (!(v[c->n_formula_errors] = strdup(msg)))
				goto fail;
			c->n_formula_errors++;
		}
		for (size_t i = 0; i < c->exp->n_slots; i++)
			for (uint32_t d = 0; d < m->n_metrics; d++)
				if (stlm__astl_metric_matches(&m->metrics[d],
							      &c->exp->slots[i])) {
					c->metric_of[i] = d + 1;
					if (m->metrics[d].disabled)
						c->n_disabled++;
					break;
				}
	}
	if (!s) {
		*ret = c;
		return 0;
	}
	ids = malloc((c->exp->n_slots + 1) * sizeof(*ids));
	if (!ids)
		goto fail;
	pthread_mutex_lock(&s->lock);
	for (size_t i = 0; i < c->exp->n_slots; i++) {
		const struct astl_slot *sl = &c->exp->slots[i];
		struct stlm_de *de = live_de(s, sl->id);
		int lu, le;

		ids[i] = sl->id;
		if (!de) {
			if (!sl->duplicate_id)
				c->n_missing++;
			continue;
		}
		c->present[i] = true;
		if (sl->duplicate_id)
			continue;
		c->n_present++;
		lu = stlm__catalog_de_desc_unit(de);
		le = de->desc.unit_exp;
		if ((sl->unit != ASTL_UNIT_UNKNOWN && sl->unit != lu) ||
		    sl->exponent != le) {
			struct astl_unit_diff *v = realloc(c->unit_diffs,
				(c->n_unit_diffs + 1) * sizeof(*v));

			if (!v) {
				pthread_mutex_unlock(&s->lock);
				goto fail;
			}
			c->unit_diffs = v;
			v[c->n_unit_diffs++] = (struct astl_unit_diff){
				.slot = i, .live_unit = lu, .live_exp = le,
			};
		}
	}
	qsort(ids, c->exp->n_slots, sizeof(*ids), cmp_u32);
	{
		struct stlm_table *tb = s->table;

		for (uint32_t i = 0; tb && i < tb->n_des; i++) {
			uint32_t id = tb->des[i].desc.id;
			uint32_t *v;

			if (bsearch(&id, ids, c->exp->n_slots, sizeof(*ids), cmp_u32))
				continue;
			v = realloc(c->extra, (c->n_extra + 1) * sizeof(*v));
			if (!v) {
				pthread_mutex_unlock(&s->lock);
				goto fail;
			}
			c->extra = v;
			c->extra[c->n_extra++] = id;
		}
	}
	pthread_mutex_unlock(&s->lock);
	if (c->n_extra)
		qsort(c->extra, c->n_extra, sizeof(*c->extra), cmp_u32);
	free(ids);
	*ret = c;
	return 0;
fail:
	if (r == -ENOMEM && err && errlen)
		snprintf(err, errlen, "%s: out of memory", spec->file);
	free(ids);
	stlm__astl_check_free(c);
	return r;
}

/* ------------------------------------------------------------------ */
/* Catalogs                                                            */

#define MAX_LABELS 10

/* "astl:<file name without .json>" */
static void catalog_name(const struct astl_spec *spec, char *name, size_t len)
{
	const char *base = strrchr(spec->file, '/');
	size_t n;

	base = base ? base + 1 : spec->file;
	n = strlen(base);
	if (n > 5 && !strcmp(base + n - 5, ".json"))
		n -= 5;
	if (n > 58)
		n = 58;
	snprintf(name, len, "astl:%.*s", (int)n, base);
}

/*
 * Add the entries of item (compared with the platform in chk) to c. A
 * secondary spec's entry whose name an earlier spec took is skipped with a
 * warning; in the primary spec that is an error.
 */
static int add_entries(struct stlm_session *s, struct stlm_catalog *c,
		       const struct astl_set_item *item,
		       const struct astl_check *chk, bool secondary,
		       char *err, size_t errlen)
{
	const struct astl_spec *spec = item->spec;
	const struct astl_metrics *m = item->metrics;
	size_t skipped = 0;
	double *scales = NULL;
	int r = 0;

	if (m) {
		scales = calloc(m->n_metrics + 1, sizeof(*scales));
		if (!scales) {
			r = -ENOMEM;
			goto out;
		}
		for (uint32_t d = 0; d < m->n_metrics; d++) {
			char msg[512];

			scales[d] = 1;
			if (stlm__astl_formula(&m->metrics[d], &scales[d], msg,
					       sizeof(msg)) == ASTL_FORMULA_REFUSED) {
				scales[d] = 0;	/* declaration not applied */
				stlm__log(s, STLM_LOG_WARNING, "catalog: %s: %s",
					  m->file, msg);
			}
		}
	}
	for (size_t i = 0; i < chk->exp->n_slots; i++) {
		const struct astl_slot *sl = &chk->exp->slots[i];
		const struct astl_metric *md = NULL;
		const char *keys[MAX_LABELS], *vals[MAX_LABELS];
		char nm[ASTL_MAX_STRING + 32], desc[ASTL_MAX_STRING * 2 + 64];
		char inst[16], groups[ASTL_MAX_STRING];
		struct stlm__catalog_def d = { .id = sl->id, .scale = 1, .unit = -1 };
		uint32_t nl = 0;

		if (sl->duplicate_id)
			continue;
		if (chk->metric_of[i] && scales && scales[chk->metric_of[i] - 1] != 0) {
			md = &m->metrics[chk->metric_of[i] - 1];
			d.scale = scales[chk->metric_of[i] - 1];
		}
		if (sl->duplicate_name)
			snprintf(nm, sizeof(nm), "%s@0x%08x", sl->full_name, sl->id);
		else
			snprintf(nm, sizeof(nm), "%s", sl->full_name);
		snprintf(desc, sizeof(desc), "%s [component: %s instance: %u]",
			 md && md->description ? md->description : sl->description,
			 sl->display_component, sl->global_instance);
		snprintf(inst, sizeof(inst), "%u", sl->global_instance);
		d.name = nm;
		d.description = desc;
		d.kind = sl->kind == ASTL_KIND_GAUGE ? STLM_KIND_GAUGE :
			sl->kind == ASTL_KIND_COUNTER ? STLM_KIND_COUNTER : -1;
		if (chk->present[i]) {
			struct stlm_de *de;
			int lu = 0, le = 0;

			pthread_mutex_lock(&s->lock);
			de = live_de(s, sl->id);
			if (de) {
				lu = stlm__catalog_de_desc_unit(de);
				le = de->desc.unit_exp;
			}
			pthread_mutex_unlock(&s->lock);
			/* The spec's unit and exponent, as ASTL applies them. */
			if (de && sl->unit != ASTL_UNIT_UNKNOWN && sl->unit != lu)
				d.unit = sl->unit;
			if (de && sl->exponent != le)
				d.scale *= pow(10.0, sl->exponent - le);
		}
		keys[nl] = "astl_component"; vals[nl++] = sl->component;
		keys[nl] = "astl_instance"; vals[nl++] = inst;
		keys[nl] = "astl_register"; vals[nl++] = sl->name;
		if (sl->unit_text[0]) {
			keys[nl] = "astl_unit"; vals[nl++] = sl->unit_text;
		}
		if (sl->kind == ASTL_KIND_HISTOGRAM) {
			keys[nl] = "astl_type"; vals[nl++] = "histogram";
		}
		if (md) {
			size_t o = 0;

			groups[0] = '\0';
			for (uint32_t g = 0; g < md->n_groups && o < sizeof(groups); g++)
				o += (size_t)snprintf(groups + o, sizeof(groups) - o,
						      "%s%s", g ? "," : "", md->groups[g]);
			keys[nl] = "display_name"; vals[nl++] = md->key;
			if (md->n_groups) {
				keys[nl] = "groups"; vals[nl++] = groups;
			}
			if (md->identifier) {
				keys[nl] = "identifier"; vals[nl++] = md->identifier;
			}
			if (md->disabled) {
				keys[nl] = "disabled"; vals[nl++] = "true";
			}
		}
		d.n_labels = nl;
		d.label_keys = keys;
		d.label_vals = vals;
		r = stlm__catalog_add(c, &d);
		if (r == -EEXIST && secondary) {
			skipped++;
			r = 0;
			continue;
		}
		if (r < 0) {
			snprintf(err, errlen, "%s: %s (0x%08x): %s", spec->file, nm,
				 sl->id, r == -EEXIST ? "name taken twice" : strerror(-r));
			goto out;
		}
	}
	if (skipped)
		stlm__log(s, STLM_LOG_WARNING,
			  "catalog: %s: %zu entries skipped: an earlier spec has their name or id",
			  spec->file, skipped);
	stlm__log(s, STLM_LOG_INFO,
		  "catalog %s%s: %u target(s), %zu DEs named, %zu the platform lacks, %zu platform DEs not named, %zu unit/exponent disagreements (stlm catalog check %s)",
		  spec->file, secondary ? " (secondary layout)" : "",
		  chk->n_targets, chk->n_present, chk->n_missing,
		  chk->n_extra, chk->n_unit_diffs, spec->file);
out:
	free(scales);
	return r;
}

/*
 * Does a spec other than the platform's own describe part of it? Yes when
 * at least half the DE ids of its first target are on the platform (one
 * platform carrying several layouts, e.g. an SCP and its LCP clusters;
 * each SHMTI names its layout's UUID, which a DE list alone cannot show).
 */
bool stlm__astl_secondary_applies(const struct astl_check *chk)
{
	const struct astl_spec *spec = chk->item->spec;
	size_t n0 = (size_t)spec->n_des_per_target, hit = 0;

	if (!n0 || !chk->exp)
		return false;
	for (size_t i = 0; i < chk->exp->n_slots && i < n0; i++)
		hit += chk->present[i] ? 1 : 0;
	return hit * 2 >= n0;
}

/*
 * Build the catalog for the platform: the spec whose UUID is the
 * platform's (items[primary]), plus every other spec of the set that
 * describes part of the platform (secondary_applies()). 1 built, or a
 * negative errno.
 */
static int build(struct stlm_session *s, const struct astl_set *set,
		 uint32_t primary, struct stlm_catalog **ret, char *err,
		 size_t errlen)
{
	const struct astl_set_item *item = &set->items[primary];
	struct astl_check *chk = NULL, **sec = NULL;
	struct stlm_catalog *c = NULL;
	size_t total;
	char name[80];
	int r;

	r = stlm__astl_check(s, item, &chk, err, errlen);
	if (r < 0)
		return r;
	total = chk->exp->n_slots;
	sec = calloc(set->n_items + 1, sizeof(*sec));
	if (!sec) {
		r = -ENOMEM;
		goto out;
	}
	for (uint32_t i = 0; i < set->n_items; i++) {
		char e2[256];

		if (i == primary || set->items[i].spec == item->spec)
			continue;
		if (stlm__astl_check(s, &set->items[i], &sec[i], e2,
				     sizeof(e2)) < 0) {
			stlm__log(s, STLM_LOG_WARNING, "catalog: %s", e2);
			continue;
		}
		if (!stlm__astl_secondary_applies(sec[i])) {
			stlm__astl_check_free(sec[i]);
			sec[i] = NULL;
			continue;
		}
		total += sec[i]->exp->n_slots;
	}
	catalog_name(item->spec, name, sizeof(name));
	c = stlm__catalog_new(item->spec->file, name, item->spec->description,
			      (uint32_t)(total > UINT32_MAX - 1 ? UINT32_MAX - 1 : total) + 1);
	if (!c) {
		r = -ENOMEM;
		goto out;
	}
	r = stlm__catalog_set_uuid(c, item->spec->uuid, item->spec->uuid_bytes);
	if (r < 0)
		goto out;
	r = add_entries(s, c, item, chk, false, err, errlen);
	for (uint32_t i = 0; r >= 0 && i < set->n_items; i++)
		if (sec[i])
			r = add_entries(s, c, &set->items[i], sec[i], true, err,
					errlen);
	if (r < 0)
		goto out;
	*ret = c;
	c = NULL;
	r = 1;
out:
	for (uint32_t i = 0; sec && i < set->n_items; i++)
		stlm__astl_check_free(sec[i]);
	free(sec);
	stlm__catalog_destroy(c);
	stlm__astl_check_free(chk);
	return r;
}

int stlm__astl_catalog_find(struct stlm_session *s, const char *path,
			    struct stlm_catalog **ret, char *err,
			    size_t errlen)
{
	struct astl_set *set = NULL;
	uint8_t u[16];
	int r;

	r = stlm__astl_set_load(path, &set, err, errlen);
	if (r < 0)
		return r;
	r = 0;
	if (stlm__astl_uuid_parse(s->info.uuid_str, u, NULL) == 0)
		for (uint32_t i = 0; i < set->n_items && !r; i++) {
			const struct astl_spec *spec = set->items[i].spec;

			if (stlm__astl_uuid_match(spec->uuid, spec->uuid_bytes, u))
				r = build(s, set, i, ret, err, errlen);
		}
	if (r == 0)
		stlm__log(s, STLM_LOG_DEBUG, "catalog %s: no ASTL spec for platform %s",
			  path, s->info.uuid_str);
	stlm__astl_set_free(set);
	return r;
}
