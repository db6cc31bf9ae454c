// SPDX-License-Identifier: MIT
/*
 * Copyright (c) 2026 The stlm authors
 *
 * Catalogs applied to a session (docs/catalog-format.md), and the public
 * calls on catalogs read without one. Documents are parsed by the formats
 * layer (formats/catalog.h); this file binds them to DE tables and
 * evaluates their derived metrics.
 *
 * Theory of operation
 * -------------------
 * Applying: a catalog is bound to the session's current DE table under
 * s->lock: each entry finds its DE (entries the platform lacks are kept,
 * unbound), the DE's unit and scale are overridden (originals saved in the
 * entry's binding, restored when another catalog replaces it) and de->cat
 * points at the binding. Catalog objects are never freed before the
 * session closes: a replaced catalog moves to a retired list, so names
 * handed out stay valid, like DEs of retired tables. After a re-discovery
 * the current catalog is re-bound to the new table if it still matches.
 *
 * Evaluating a derived metric walks its compiled program (expr_eval()),
 * reading inputs from the snapshots with stlm_snapshot_find(): no
 * allocation, no lock.
 */
#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <limits.h>
#include <sys/stat.h>
#include <unistd.h>

#include "catalog-astl.h"
#include "catalog.h"
#include "config.h"
#include "expr.h"
#include "session.h"

#define UNIT_BINARY	94u

struct cat_bound;

/**
 * struct stlm_catalog_entry - an entry bound to the current table (de->cat)
 * @d:      the entry's description
 * @b:      the bound catalog
 * @de:     the DE it is bound to, or NULL
 * @orig_unit, @orig_scale, @orig_size: the bound DE's values before the
 *          override
 */
struct stlm_catalog_entry {
	const struct cat_entry *d;
	struct cat_bound *b;
	struct stlm_de *de;
	uint8_t orig_unit;
	uint32_t orig_size;
	double orig_scale;
};

/**
 * struct cat_bound - a catalog as a session holds it
 * @c:        the document
 * @ents:     per entry of @c
 * @extra_de: per extra input of @c (de(ID) no entry describes)
 * @next:     retired list
 */
struct cat_bound {
	struct stlm_catalog *c;
	struct stlm_catalog_entry *ents;
	struct stlm_de **extra_de;
	struct cat_bound *next;
};

/* What a session holds in s->catalog. */
struct cat_state {
	struct cat_bound *cur;
	struct cat_bound *retired;
};

static void bound_free(struct cat_bound *b)
{
	if (!b)
		return;
	stlm__catalog_destroy(b->c);
	free(b->ents);
	free(b->extra_de);
	free(b);
}

/* Takes c (destroyed on failure). */
static struct cat_bound *bound_new(struct stlm_catalog *c)
{
	struct cat_bound *b = calloc(1, sizeof(*b));

	if (!b) {
		stlm__catalog_destroy(c);
		return NULL;
	}
	b->c = c;
	b->ents = calloc((size_t)c->n_entries + 1, sizeof(*b->ents));
	b->extra_de = calloc((size_t)c->n_extras + 1, sizeof(*b->extra_de));
	if (!b->ents || !b->extra_de) {
		bound_free(b);
		return NULL;
	}
	for (uint32_t i = 0; i < c->n_entries; i++) {
		b->ents[i].d = &c->entries[i];
		b->ents[i].b = b;
	}
	return b;
}

static void platform_of(const struct stlm_platform_info *info,
			struct cat_platform *p)
{
	p->uuid_str = info->uuid_str;
	p->vendor = info->vendor;
	p->sub_vendor = info->sub_vendor;
	p->impl_version = info->impl_version;
}

static bool matches_info(const struct stlm_catalog *c,
			 const struct stlm_platform_info *info)
{
	struct cat_platform p;

	platform_of(info, &p);
	return stlm__catalog_matches(c, &p);
}

/*
 * Whether catalog c applies to session s. A backend that knows the
 * platform by its DE implementation UUID only (an STLMFS tree: no vendor
 * strings, no implementation version) matches catalogs that name a UUID
 * on the UUID alone: the vendor fields it cannot know are not held against
 * it, and a catalog matching by vendor only never applies there.
 */
static bool matches_session(const struct stlm_catalog *c,
			    const struct stlm_session *s)
{
	struct cat_platform p;

	if (!s->identity_uuid_only)
		return matches_info(c, &s->info);
	if (!c || !c->m_uuid)
		return false;
	platform_of(&s->info, &p);
	p.vendor = c->vendor ? c->vendor : "";
	p.sub_vendor = c->sub_vendor ? c->sub_vendor : "";
	p.impl_version = c->m_impl ? c->impl_min : 0;
	return stlm__catalog_matches(c, &p);
}

/* ------------------------------------------------------------------ */
/* Applying to a session                                               */

static struct cat_bound *cur_bound(const struct stlm_session *s)
{
	struct cat_state *st = __atomic_load_n((struct cat_state *const *)&s->catalog,
					       __ATOMIC_ACQUIRE);

	return st ? __atomic_load_n(&st->cur, __ATOMIC_ACQUIRE) : NULL;
}

static struct stlm_catalog *cur_catalog(const struct stlm_session *s)
{
	struct cat_bound *b = cur_bound(s);

	return b ? b->c : NULL;
}

/*
 * Bind b to the session's current table (b may already be current: then
 * it is re-bound). Called with disc_lock held, not @lock. Returns the
 * number of DEs it names, or -ENOMEM.
 */
static int apply(struct stlm_session *s, struct cat_bound *b, bool bump)
{
	struct cat_state *st = s->catalog;
	struct stlm_catalog *c = b->c;
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
		__atomic_store_n(&de->desc.data_size, e->orig_size,
				 __ATOMIC_RELAXED);
		de->scale = e->orig_scale;
		__atomic_store_n(&de->cat, NULL, __ATOMIC_RELEASE);
	}
	for (uint32_t i = 0; i < c->n_entries; i++) {
		struct stlm_catalog_entry *e = &b->ents[i];
		const struct cat_entry *d = e->d;
		int idx = tb ? stlm__de_index(s, d->id) : -1;
		struct stlm_de *de;

		e->de = NULL;
		if (idx < 0 || (uint32_t)idx >= tb->n_des ||
		    tb->des[idx].desc.id != d->id)
			continue;
		de = &tb->des[idx];
		e->orig_unit = de->desc.unit;
		e->orig_scale = de->scale;
		e->orig_size = de->desc.data_size;
		if (d->has_unit)
			__atomic_store_n(&de->desc.unit, d->unit, __ATOMIC_RELAXED);
		/*
		 * "bits" narrows, never widens: an STLMFS tree reports every
		 * DE as 8 bytes; a platform's own smaller size stays.
		 */
		if (d->size && d->size < de->desc.data_size)
			__atomic_store_n(&de->desc.data_size, d->size,
					 __ATOMIC_RELAXED);
		de->scale = e->orig_scale * d->scale;
		e->de = de;
		__atomic_store_n(&de->cat, e, __ATOMIC_RELEASE);
		named++;
	}
	for (uint32_t i = 0; i < c->n_extras; i++) {
		int idx = tb ? stlm__de_index(s, c->extras[i]) : -1;

		b->extra_de[i] = idx >= 0 && (uint32_t)idx < tb->n_des &&
			tb->des[idx].desc.id == c->extras[i] ?
			&tb->des[idx] : NULL;
	}
	if (st->cur != b) {
		if (st->cur) {
			st->cur->next = st->retired;
			st->retired = st->cur;
		}
		__atomic_store_n(&st->cur, b, __ATOMIC_RELEASE);
	}
	if (bump)
		stlm__generation_bump(s);
	pthread_mutex_unlock(&s->lock);
	return named;
}

/* Bind a new catalog c (taken: freed on failure). */
static int apply_new(struct stlm_session *s, struct stlm_catalog *c,
		     bool bump)
{
	struct cat_bound *b = bound_new(c);
	int r;

	if (!b)
		return -ENOMEM;
	r = apply(s, b, bump);
	if (r < 0)
		bound_free(b);
	return r;
}

void stlm__catalog_free(void *cat)
{
	struct cat_state *st = cat;
	struct cat_bound *b;

	if (!st)
		return;
	bound_free(st->cur);
	while ((b = st->retired)) {
		st->retired = b->next;
		bound_free(b);
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
		if (!matches_session(c, s)) {
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

/*
 * The default catalog places, in order (docs/catalog-format.md "Where
 * catalogs are found"): the source tree's catalogs/ when the program runs
 * from this build tree, the data directory next to the program's bindir
 * (a relocated installation, DESTDIR included), then the configured data
 * directory. Fills up to max paths; returns how many.
 */
#define N_DEFAULT_DIRS 3

static bool same_dir(const char *a, const char *b)
{
	struct stat sa, sb;

	if (!strcmp(a, b))
		return true;
	return stat(a, &sa) == 0 && stat(b, &sb) == 0 &&
	       sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}

static int default_dirs(char dirs[][PATH_MAX], int max)
{
	char exe[PATH_MAX];
	ssize_t len;
	int n = 0;

	len = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (len > 0) {
		size_t bl = strlen(STLM_BUILD_DIR);
		char *slash;

		exe[len] = '\0';
		if (n < max && !strncmp(exe, STLM_BUILD_DIR, bl) && exe[bl] == '/' &&
		    snprintf(dirs[n], PATH_MAX, "%s/catalogs", STLM_SOURCE_DIR) <
			    PATH_MAX)
			n++;
		slash = strrchr(exe, '/');
		if (slash && n < max && STLM_BINDIR_TO_DATADIR[0] &&
		    STLM_BINDIR_TO_DATADIR[0] != '/') {
			*slash = '\0';
			if (snprintf(dirs[n], PATH_MAX, "%s/%s/catalogs", exe,
				     STLM_BINDIR_TO_DATADIR) < PATH_MAX)
				n++;
		}
	}
	if (n < max) {
		snprintf(dirs[n], PATH_MAX, "%s/catalogs", STLM_DATADIR);
		/* the same place twice (an installed program): once */
		if (n == 0 || !same_dir(dirs[n - 1], dirs[n]))
			n++;
	}
	return n;
}

/*
 * Call fn on every element of the catalog path in order until it returns
 * non-zero: $STLM_CATALOG_PATH's elements, where an empty element (a
 * leading, trailing or doubled colon) stands for the default places; the
 * default places alone when the variable is unset or empty.
 */
static int walk_path(int (*fn)(const char *dir, void *arg), void *arg)
{
	char dirs[N_DEFAULT_DIRS][PATH_MAX];
	const char *env = secure_getenv("STLM_CATALOG_PATH");
	int nd = -1, r = 0;

	if (env && *env) {
		const char *p = env;

		for (;;) {
			const char *e = strchr(p, ':');
			size_t l = e ? (size_t)(e - p) : strlen(p);

			if (l == 0) {
				if (nd < 0)
					nd = default_dirs(dirs, N_DEFAULT_DIRS);
				for (int i = 0; i < nd && !r; i++)
					r = fn(dirs[i], arg);
			} else if (l < PATH_MAX) {
				char d[PATH_MAX];

				memcpy(d, p, l);
				d[l] = '\0';
				r = fn(d, arg);
			}
			if (r || !e)
				return r;
			p = e + 1;
		}
	}
	nd = default_dirs(dirs, N_DEFAULT_DIRS);
	for (int i = 0; i < nd && !r; i++)
		r = fn(dirs[i], arg);
	return r;
}

struct find_arg {
	struct stlm_session *s;
	struct stlm_catalog **c;
};

static int find_one(const char *dir, void *arg)
{
	struct find_arg *a = arg;

	return find_in(a->s, dir, false, a->c, NULL, 0);
}

struct join_arg {
	char *buf;
	size_t len, used;
};

static int join_one(const char *dir, void *arg)
{
	struct join_arg *a = arg;
	size_t room = a->used < a->len ? a->len - a->used : 0;
	int w = snprintf(room ? a->buf + a->used : NULL, room, "%s%s",
			 a->used ? ":" : "", dir);

	if (w > 0)
		a->used += (size_t)w;
	return 0;
}

STLM_API int stlm_catalog_search_path(char *buf, size_t len)
{
	struct join_arg a = { .buf = buf, .len = len };

	if (!buf && len)
		return -EINVAL;
	if (len)
		buf[0] = '\0';
	walk_path(join_one, &a);
	if (a.used > INT_MAX)
		return -EOVERFLOW;
	return (int)a.used;
}

void stlm__catalog_autoload(struct stlm_session *s)
{
	struct cat_bound *b = s ? cur_bound(s) : NULL;
	struct stlm_catalog *c;
	struct find_arg fa;
	int r, named;

	if (!s || s->opts.no_catalog)
		return;
	if (b && matches_session(b->c, s)) {
		named = apply(s, b, false);
		stlm__log(s, STLM_LOG_INFO, "catalog %s (%s) re-applied: %d DEs",
			  b->c->name, b->c->file, named);
		return;
	}
	c = NULL;
	fa.s = s;
	fa.c = &c;
	r = walk_path(find_one, &fa);
	if (r <= 0) {
		stlm__log(s, STLM_LOG_DEBUG, "no catalog matches platform %s (%s/%s)",
			  s->info.uuid_str, s->info.vendor, s->info.sub_vendor);
		return;
	}
	b = bound_new(c);
	named = b ? apply(s, b, false) : -ENOMEM;
	if (named < 0) {
		bound_free(b);
		return;
	}
	stlm__log(s, STLM_LOG_INFO, "catalog %s (%s) applied: %d DEs named",
		  b->c->name, b->c->file, named);
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
		r = apply_new(s, c, true);	/* c is freed on failure */
		if (r >= 0)
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

	return e ? e->d->name : NULL;
}

const char *stlm__catalog_de_description(const struct stlm_de *de)
{
	const struct stlm_catalog_entry *e = entry_of(de);

	return e ? e->d->description : NULL;
}

uint8_t stlm__catalog_de_desc_unit(const struct stlm_de *de)
{
	const struct stlm_catalog_entry *e = entry_of(de);

	if (!de)
		return 0;
	return e && e->d->has_unit ? e->orig_unit : de->desc.unit;
}

bool stlm__catalog_de_signed(const struct stlm_de *de)
{
	const struct stlm_catalog_entry *e = entry_of(de);

	return e && e->d->is_signed;
}

const struct stlm_de *stlm__catalog_find(struct stlm_session *s,
					 const char *name)
{
	struct cat_bound *b = s ? cur_bound(s) : NULL;
	uint32_t v;

	if (!b || !name)
		return NULL;
	v = stlm__catalog_name_slot(b->c, name, strlen(name));
	if (!v || (v & CATALOG_DERIVED_TAG))
		return NULL;
	return b->ents[v - 1].de;
}

STLM_API int stlm_de_kind(const struct stlm_de *de)
{
	const struct stlm_catalog_entry *e = entry_of(de);

	if (e && e->d->kind >= 0)
		return e->d->kind;
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

	return e ? stlm__catalog_state_name(e->d, v) : NULL;
}

STLM_API const char *stlm_de_label(const struct stlm_de *de, const char *key)
{
	const struct stlm_catalog_entry *e = entry_of(de);

	if (!e || !key)
		return NULL;
	return stlm__catalog_label(e->b->c, e->d, key);
}

_Static_assert(STLM_LIMIT_WARN == CATALOG_LIMIT_WARN &&
	       STLM_LIMIT_CRIT == CATALOG_LIMIT_CRIT,
	       "enum stlm_limit_kind indexes cat_entry.limit");

STLM_API int stlm_de_limit(const struct stlm_de *de,
			   enum stlm_limit_kind kind, double *ret)
{
	const struct stlm_catalog_entry *e = entry_of(de);

	if (!de || !ret || (int)kind < 0 || (int)kind >= CATALOG_N_LIMITS)
		return -EINVAL;
	if (!e || !(e->d->has_limit & (1u << kind)))
		return -ENODATA;
	*ret = e->d->limit[kind];
	return 0;
}

STLM_API int stlm_de_label_at(const struct stlm_de *de, unsigned int idx,
			      const char **key, const char **value)
{
	const struct stlm_catalog_entry *e;
	const struct cat_entry *d;
	const struct stlm_catalog *c;

	if (!de)
		return -EINVAL;
	e = entry_of(de);
	if (!e)
		return -ENOENT;
	d = e->d;
	c = e->b->c;
	/* the entry's own labels, then the catalog's that it does not
	 * override: the labels stlm_de_label() finds, each key once */
	if (idx < d->n_labels) {
		if (key)
			*key = d->labels[idx].key;
		if (value)
			*value = d->labels[idx].val;
		return 0;
	}
	idx -= d->n_labels;
	for (uint32_t i = 0; c && i < c->n_labels; i++) {
		bool shadowed = false;

		for (uint32_t j = 0; j < d->n_labels && !shadowed; j++)
			shadowed = !strcmp(d->labels[j].key, c->labels[i].key);
		if (shadowed)
			continue;
		if (idx-- == 0) {
			if (key)
				*key = c->labels[i].key;
			if (value)
				*value = c->labels[i].val;
			return 0;
		}
	}
	return -ENOENT;
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
	const struct cat_bound *b;
	const struct stlm_snapshot *cur;
	const struct stlm_snapshot *prev;
};

static int ctx_input(void *data, uint32_t index, int mode, double *ret)
{
	const struct eval_ctx *x = data;
	const struct stlm_catalog *c = x->b->c;
	const struct stlm_sample *a, *b;
	const struct stlm_de *de;
	uint32_t id;
	double dt;

	if (index < c->n_entries) {
		id = c->entries[index].id;
		de = x->b->ents[index].de;
	} else if (index - c->n_entries < c->n_extras) {
		id = c->extras[index - c->n_entries];
		de = x->b->extra_de[index - c->n_entries];
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

	if (index >= x->b->c->n_derived)
		return -EINVAL;
	return expr_eval(x->b->c->derived[index].e, &env, depth, ret);
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
	x.b = cur_bound(s);
	x.cur = cur;
	x.prev = prev;
	if (!x.b || i >= x.b->c->n_derived)
		return -ERANGE;
	env.data = &x;
	r = expr_eval(x.b->c->derived[i].e, &env, 0, &v);
	if (r == 0)
		*ret = v;
	return r;
}

/* ------------------------------------------------------------------ */
/* Catalogs without a session                                          */

STLM_API int stlm_catalog_open(const char *path, struct stlm_catalog **ret,
			       char *err, size_t errlen)
{
	if (err && errlen)
		err[0] = '\0';
	if (!path || !ret)
		return -EINVAL;
	return stlm__catalog_read(path, ret, err, errlen);
}

STLM_API int stlm_catalog_find(const char *path,
			       const struct stlm_platform_info *info,
			       struct stlm_catalog **ret, char *err,
			       size_t errlen)
{
	struct cat_platform p;

	if (err && errlen)
		err[0] = '\0';
	if (!path || !info || !ret)
		return -EINVAL;
	platform_of(info, &p);
	return stlm__catalog_find_best(path, &p, ret, err, errlen);
}

STLM_API void stlm_catalog_close(struct stlm_catalog *c)
{
	stlm__catalog_destroy(c);
}

STLM_API const char *stlm_catalog_title(const struct stlm_catalog *c)
{
	return c ? c->name : NULL;
}

STLM_API const char *stlm_catalog_path(const struct stlm_catalog *c)
{
	return c ? c->file : NULL;
}

STLM_API size_t stlm_catalog_entry_count(const struct stlm_catalog *c)
{
	return c ? c->n_entries : 0;
}

STLM_API int stlm_catalog_matches(const struct stlm_catalog *c,
				  const struct stlm_platform_info *info)
{
	struct cat_platform p;

	if (!c || !info)
		return -EINVAL;
	platform_of(info, &p);
	return stlm__catalog_match_score(c, &p);
}

static void describe(const struct cat_entry *e, struct stlm_catalog_de *ret)
{
	memset(ret, 0, sizeof(*ret));
	ret->id = e->id;
	ret->name = e->name;
	ret->description = e->description;
	ret->unit = e->has_unit ? e->unit : -1;
	ret->scale = e->scale;
	ret->is_signed = e->is_signed;
	ret->kind = e->kind;
}

STLM_API int stlm_catalog_describe(const struct stlm_catalog *c, uint32_t id,
				   struct stlm_catalog_de *ret)
{
	int i;

	if (!c || !ret)
		return -EINVAL;
	i = stlm__catalog_id_index(c, id);
	if (i < 0)
		return -ENOENT;
	describe(&c->entries[i], ret);
	return 0;
}

STLM_API int stlm_catalog_entry_at(const struct stlm_catalog *c, size_t i,
				   struct stlm_catalog_de *ret)
{
	if (!c || !ret)
		return -EINVAL;
	if (i >= c->n_entries)
		return -ERANGE;
	describe(&c->entries[i], ret);
	return 0;
}

STLM_API const char *stlm_catalog_state_name(const struct stlm_catalog *c,
					     uint32_t id, int64_t v)
{
	int i = c ? stlm__catalog_id_index(c, id) : -1;

	return i < 0 ? NULL : stlm__catalog_state_name(&c->entries[i], v);
}
