// SPDX-License-Identifier: MIT
/*
 * Copyright (c) 2026 The stlm authors
 *
 * Catalogs against the in-process emulator and a real session: the
 * default catalog names every DE of the default SoC, matching (UUID,
 * vendor, version, mismatch), $STLM_CATALOG_PATH autoload, units, scale,
 * sign, kinds, states and labels applied, derived metrics over real
 * snapshots with the manual clock (exact values), limits (the default
 * catalog's temperatures, stlm_de_limit()), and malformed catalogs with
 * their exact messages.
 */
#define STLM_TEST_GROUP "catalog"
#include "stlm-test.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "catalog.h"
#include "platform.h"
#include "session.h"
#include "tplat.h"

static void unset_catalog_path(void *arg)
{
	unsetenv("STLM_CATALOG_PATH");
}

static const char *data_path(const char *rel)
{
	static char buf[8][1024];
	static int n;
	char *b = buf[n++ % 8];

	snprintf(b, sizeof(buf[0]), "%s/data/catalog/%s", stlm_test_srcdir(), rel);
	return b;
}

static const char *catalogs_dir(void)
{
	static char buf[1024];

	snprintf(buf, sizeof(buf), "%s/../catalogs", stlm_test_srcdir());
	return buf;
}

/*
 * Start a platform (NULL: the default SoC, else a platform JSON file under
 * tests/data/catalog) with the manual clock and open a session; with
 * catalog_path set it is $STLM_CATALOG_PATH and autoload runs.
 */
static struct tp_fix *fx_open(const char *platform, const char *catalog_path)
{
	struct stlmp_opts po = { .seed = 7, .manual_clock = true };
	struct stlm_open_opts o = {
		.size = sizeof(o), .log = stlm_test_log,
		.no_catalog = catalog_path == NULL,
	};
	struct stlmp_config *cfg = NULL;
	struct tp_fix *f;
	char err[512];

	stlm_test_defer(unset_catalog_path, NULL);
	if (platform)
		ASSERT_OK(stlmp_config_load(data_path(platform), &cfg, err,
					    sizeof(err)));
	else
		ASSERT_OK(stlmp_config_default(&cfg));
	f = tp_fix_new(cfg, &po);
	tp_fix_listen(f, "unix");
	if (catalog_path)
		setenv("STLM_CATALOG_PATH", catalog_path, 1);
	else
		unsetenv("STLM_CATALOG_PATH");
	tp_fix_open(f, &o);
	if (platform) {
		/* everything on, with timestamps where supported, at 10 ms */
		ASSERT_OK(stlm_all_set(f->s, true, true));
		ASSERT_OK(stlm_collection_set(f->s, STLM_GROUP_ALL, true,
					      STLM_MODE_ON_DEMAND, 10000000));
	}
	return f;
}

static const struct stlm_de *find(struct stlm_session *s, const char *name)
{
	const struct stlm_de *de = stlm_de_find(s, name);

	if (!de)
		STLM_FAIL_AT("no DE named '%s'", name);
	return de;
}

static int derived_index(struct stlm_session *s, const char *name)
{
	int n = stlm_derived_count(s);

	for (int i = 0; i < n; i++) {
		const char *nm, *unit;

		ASSERT_OK(stlm_derived_info(s, (size_t)i, &nm, &unit));
		if (!strcmp(nm, name))
			return i;
	}
	STLM_FAIL_AT("no derived metric '%s'", name);
}

#define ASSERT_DBL(a, b)                                                      \
	do {                                                                  \
		double _a = (a), _b = (b);                                    \
		if (!(fabs(_a - _b) <= 1e-9 * (fabs(_b) + 1e-12)))            \
			STLM_FAIL_AT("ASSERT_DBL(%s, %s): %.17g != %.17g", #a, \
				     #b, _a, _b);                             \
	} while (0)

/* The head of a catalog document without "des" (the parser tests). */
#define HEAD "{\"format\": 1, \"name\": \"t\", \"match\": {},\n"

/* ------------------------------------------------------------------ */
/* The default catalog                                                 */

STLM_TEST(default_catalog_names_every_de)
{
	struct tp_fix *f = fx_open(NULL, catalogs_dir());
	struct stlm_session *s = f->s;
	int n = stlm_de_count(s);
	const struct stlm_de *de;

	ASSERT_STREQ(stlm_catalog_name(s), "default-soc");
	ASSERT_EQ(n, 351);
	for (int i = 0; i < n; i++) {
		const char *name;

		de = stlm_de_at(s, (size_t)i);
		ASSERT_NOT_NULL(de);
		name = stlm_de_name(de);
		ASSERT_NOT_NULL(name);
		ASSERT_NOT_NULL(strchr(name, '.'));
		ASSERT_NOT_NULL(stlm_de_description(de));
		ASSERT_TRUE(stlm_de_find(s, name) == de);
		ASSERT_STREQ(stlm_de_label(de, "soc"), "stlm-default");
	}
	de = find(s, "cpu.3.power");
	ASSERT_EQ(stlm_de_id(de), 0x00010301);
	ASSERT_STREQ(stlm_de_description(de), "CPU 3 power");
	ASSERT_STREQ(stlm_de_unit_name(de), "W");
	ASSERT_EQ(stlm_de_kind(de), STLM_KIND_GAUGE);
	ASSERT_STREQ(stlm_de_label(de, "core"), "3");
	ASSERT_STREQ(stlm_de_label(de, "cluster"), "0");
	ASSERT_NULL(stlm_de_label(de, "nope"));
	/* the firmware name stays available */
	ASSERT_STREQ(stlm_de_fw_name(de), "cpu3_power");
	ASSERT_TRUE(stlm_de_find(s, "cpu3_power") == de);
	/* every label listed once, each with stlm_de_label()'s value */
	{
		const char *k, *val, *seen[64];
		unsigned int i, found = 0;

		for (i = 0; stlm_de_label_at(de, i, &k, &val) == 0; i++) {
			ASSERT_TRUE(i < 64);
			ASSERT_NOT_NULL(k);
			ASSERT_STREQ(stlm_de_label(de, k), val);
			for (unsigned int j = 0; j < i; j++)
				ASSERT_TRUE(strcmp(seen[j], k) != 0);
			seen[i] = k;
			found += !strcmp(k, "core") + !strcmp(k, "cluster") +
				 !strcmp(k, "soc");
		}
		ASSERT_EQ(found, 3);
		ASSERT_ERR(stlm_de_label_at(de, i, &k, &val), -ENOENT);
		ASSERT_ERR(stlm_de_label_at(de, 100000, NULL, NULL), -ENOENT);
		ASSERT_EQ(stlm_de_label_at(de, 0, NULL, NULL), 0);
		ASSERT_ERR(stlm_de_label_at(NULL, 0, &k, &val), -EINVAL);
	}
	de = find(s, "cpu.9.cycles");
	ASSERT_EQ(stlm_de_kind(de), STLM_KIND_COUNTER);
	ASSERT_STREQ(stlm_de_label(de, "cluster"), "2");
	de = find(s, "cpu.5.idle_state");
	ASSERT_EQ(stlm_de_kind(de), STLM_KIND_STATE);
	ASSERT_STREQ(stlm_de_state_name(de, 1), "C1 WFI");
	ASSERT_STREQ(stlm_de_state_name(de, 3), "C3 off");
	ASSERT_NULL(stlm_de_state_name(de, 4));
	ASSERT_NULL(stlm_de_find(s, "cpu.10.power"));
	ASSERT_EQ(errno, ENOENT);
	/* derived metrics */
	ASSERT_EQ(stlm_derived_count(s), 10);
	{
		const char *nm, *unit;

		ASSERT_OK(stlm_derived_info(s, (size_t)derived_index(s, "cpu.power"),
					    &nm, &unit));
		ASSERT_STREQ(unit, "W");
		ASSERT_ERR(stlm_derived_info(s, 10, &nm, &unit), -ERANGE);
	}
}

/* Every temperature of the default catalog has limits, nothing else has,
 * and the live values of the default SoC are below them. */
STLM_TEST(default_catalog_limits)
{
	struct tp_fix *f = fx_open(NULL, catalogs_dir());
	struct stlm_session *s = f->s;
	int n = stlm_de_count(s), temps = 0;
	const struct stlm_de *de;
	double w, c;

	for (int i = 0; i < n; i++) {
		de = stlm_de_at(s, (size_t)i);
		if (stlm_de_unit(de) == 2) {	/* celsius */
			ASSERT_OK(stlm_de_limit(de, STLM_LIMIT_WARN, &w));
			ASSERT_OK(stlm_de_limit(de, STLM_LIMIT_CRIT, &c));
			ASSERT_CMP(w, <, c);
			ASSERT_CMP(w, >=, 50);
			temps++;
		} else {
			ASSERT_ERR(stlm_de_limit(de, STLM_LIMIT_WARN, &w), -ENODATA);
			ASSERT_ERR(stlm_de_limit(de, STLM_LIMIT_CRIT, &c), -ENODATA);
		}
	}
	ASSERT_CMP(temps, >=, 20);
	de = find(s, "cpu.3.temp");
	ASSERT_OK(stlm_de_limit(de, STLM_LIMIT_WARN, &w));
	ASSERT_DBL(w, 90);
	ASSERT_OK(stlm_de_limit(de, STLM_LIMIT_CRIT, &c));
	ASSERT_DBL(c, 100);
	ASSERT_OK(stlm_de_limit(find(s, "battery.temp"), STLM_LIMIT_CRIT, &c));
	ASSERT_DBL(c, 60);
	ASSERT_ERR(stlm_de_limit(de, (enum stlm_limit_kind)2, &w), -EINVAL);
	ASSERT_ERR(stlm_de_limit(de, (enum stlm_limit_kind)-1, &w), -EINVAL);
	ASSERT_ERR(stlm_de_limit(de, STLM_LIMIT_WARN, NULL), -EINVAL);
	ASSERT_ERR(stlm_de_limit(NULL, STLM_LIMIT_WARN, &w), -EINVAL);
	/* the live values: below the warning limit */
	{
		struct stlm_snapshot *snap;
		const struct stlm_sample *v;
		size_t nv, checked = 0;

		ASSERT_OK(stlm_all_set(s, true, false));
		ASSERT_OK(stlm_collection_set(s, STLM_GROUP_ALL, true,
					      STLM_MODE_ON_DEMAND, 10000000));
		stlmp_platform_advance(f->p, 10000000);
		ASSERT_OK(stlm_snapshot_new(s, &snap));
		ASSERT_CMP(stlm_snapshot_take(snap, 0), >, 0);
		v = stlm_snapshot_samples(snap, &nv);
		for (size_t i = 0; i < nv; i++) {
			de = stlm_de_get(s, v[i].id);
			if (!(v[i].flags & STLM_SAMPLE_VALID) ||
			    stlm_de_limit(de, STLM_LIMIT_WARN, &w) < 0)
				continue;
			ASSERT_CMP(v[i].value, <, w);
			ASSERT_CMP(v[i].value, >, 10);	/* degrees, not millidegrees */
			checked++;
		}
		ASSERT_CMP(checked, >=, 20);
		stlm_snapshot_free(snap);
	}
}

/* Without a catalog, no DE has limits. */
STLM_TEST(no_catalog_no_limits)
{
	struct tp_fix *f = fx_open(NULL, NULL);
	const struct stlm_de *de = stlm_de_find(f->s, "cpu3_temp");
	double w;

	ASSERT_NOT_NULL(de);
	ASSERT_ERR(stlm_de_limit(de, STLM_LIMIT_WARN, &w), -ENODATA);
	ASSERT_ERR(stlm_de_limit(de, STLM_LIMIT_CRIT, &w), -ENODATA);
}

/* Limits parse in repeat blocks, one of the two alone, any number. */
STLM_TEST(limits_parse)
{
	static const char text[] = HEAD
		" \"des\": [{\"repeat\": {\"count\": 2},\n"
		"  \"des\": [{\"id\": 1, \"name\": \"t.{i}\", \"limits\": {\"warn\": 70.5, \"crit\": 80}}]},\n"
		"  {\"id\": 9, \"name\": \"w\", \"kind\": \"gauge\", \"scale\": 0.001, \"limits\": {\"crit\": -5, \"comment\": \"cold\"}},\n"
		"  {\"id\": 10, \"name\": \"e\", \"limits\": {\"warn\": 1e3, \"crit\": 1e3}}]}";
	struct stlm_catalog *c = NULL;
	const struct cat_entry *e;
	char err[256];

	ASSERT_OK(stlm__catalog_parse(text, strlen(text), "t.json", &c, err,
				      sizeof(err)));
	ASSERT_EQ(stlm__catalog_n_entries(c), 4);
	e = &c->entries[stlm__catalog_id_index(c, 1)];
	ASSERT_EQ(e->has_limit, 3);
	ASSERT_DBL(e->limit[CATALOG_LIMIT_WARN], 70.5);
	ASSERT_DBL(e->limit[CATALOG_LIMIT_CRIT], 80);
	e = &c->entries[stlm__catalog_id_index(c, 9)];
	ASSERT_EQ(e->has_limit, 1u << CATALOG_LIMIT_CRIT);
	ASSERT_DBL(e->limit[CATALOG_LIMIT_CRIT], -5);
	e = &c->entries[stlm__catalog_id_index(c, 10)];
	ASSERT_DBL(e->limit[CATALOG_LIMIT_WARN], 1000);
	stlm__catalog_destroy(c);
}

STLM_TEST(default_catalog_derived_over_snapshots)
{
	struct tp_fix *f = fx_open(NULL, catalogs_dir());
	struct stlm_session *s = f->s;
	struct stlm_snapshot *a, *b;
	double v, want = 0, hot = -1e9;
	char name[32];

	/* cluster 0 only (group cpu_cl0), on demand every 10 ms */
	ASSERT_OK(stlm_group_set(s, 0, true, true));
	ASSERT_OK(stlm_collection_set(s, STLM_GROUP_ALL, true,
				      STLM_MODE_ON_DEMAND, 10000000));
	stlmp_platform_advance(f->p, 10000000);
	ASSERT_OK(stlm_snapshot_new(s, &a));
	ASSERT_OK(stlm_snapshot_new(s, &b));
	ASSERT_CMP(stlm_snapshot_take(a, 0), >, 0);
	stlmp_platform_advance(f->p, 10000000);
	ASSERT_CMP(stlm_snapshot_take(b, 0), >, 0);
	for (int i = 0; i < 5; i++) {
		const struct stlm_sample *sm;

		if (i < 4) {
			snprintf(name, sizeof(name), "cpu.%d.power", i);
			sm = stlm_snapshot_find(b, stlm_de_id(find(s, name)));
			ASSERT_NOT_NULL(sm);
			if (!(sm->flags & STLM_SAMPLE_VALID))
				STLM_FAIL_AT("%s: flags 0x%x", name, sm->flags);
			want += sm->value;
			snprintf(name, sizeof(name), "cpu.%d.temp", i);
		} else {
			snprintf(name, sizeof(name), "cluster.0.temp");
		}
		sm = stlm_snapshot_find(b, stlm_de_id(find(s, name)));
		ASSERT_TRUE(sm && (sm->flags & STLM_SAMPLE_VALID));
		if (sm->value > hot)
			hot = sm->value;
	}
	/* the other clusters are disabled: skipped by the aggregates */
	ASSERT_OK(stlm_derived_eval(s, (size_t)derived_index(s, "cpu.power"),
				    b, NULL, &v));
	ASSERT_TRUE(v == want);
	ASSERT_OK(stlm_derived_eval(s, (size_t)derived_index(s, "soc.max_temp"),
				    b, a, &v));
	ASSERT_TRUE(v == hot);
	/* GPU is disabled */
	ASSERT_ERR(stlm_derived_eval(s, (size_t)derived_index(s, "soc.average_power"),
				     b, a, &v), -ENODATA);
	/* rate() needs a previous snapshot */
	ASSERT_ERR(stlm_derived_eval(s, (size_t)derived_index(s, "cpu.ipc"),
				     b, NULL, &v), -EDOM);
	ASSERT_OK(stlm_derived_eval(s, (size_t)derived_index(s, "cpu.ipc"),
				    b, a, &v));
	ASSERT_DBL(v, 1680000000.0 / 1200000000.0);
	stlm_snapshot_free(a);
	stlm_snapshot_free(b);
}

/* ------------------------------------------------------------------ */
/* Matching and loading                                                */

STLM_TEST(autoload_from_path)
{
	char path[2100];
	struct tp_fix *f;

	snprintf(path, sizeof(path), "/nonexistent:%s:%s", data_path("path"),
		 catalogs_dir());
	f = fx_open("widget-platform.json", path);
	/* a-other.json does not match (uuid), b-widget.json does */
	ASSERT_STREQ(stlm_catalog_name(f->s), "widget");
	ASSERT_EQ(stlm_de_id(find(f->s, "core.1.power")), 0x1001);
	ASSERT_STREQ(stlm_de_name(stlm_de_get(f->s, 0x2000)), "energy");
	/* a DE the catalog does not describe keeps working by id */
	ASSERT_NULL(stlm_de_name(stlm_de_get(f->s, 0x9999)));
}

STLM_TEST(no_catalog_option)
{
	struct tp_fix *f = fx_open("widget-platform.json", NULL);

	ASSERT_NULL(stlm_catalog_name(f->s));
	ASSERT_NULL(stlm_de_description(stlm_de_get(f->s, 0x1000)));
	ASSERT_EQ(stlm_derived_count(f->s), 0);
	ASSERT_ERR(stlm_derived_info(f->s, 0, NULL, NULL), -ERANGE);
	/* kinds guessed from the DE type */
	ASSERT_EQ(stlm_de_kind(stlm_de_get(f->s, 0x2000)), STLM_KIND_COUNTER);
	ASSERT_EQ(stlm_de_kind(stlm_de_get(f->s, 0x3001)), STLM_KIND_STATE);
	ASSERT_EQ(stlm_de_kind(stlm_de_get(f->s, 0x1000)), STLM_KIND_GAUGE);
}

STLM_TEST(match_by_uuid_vendor_version)
{
	struct tp_fix *f = fx_open("widget-platform.json", NULL);
	char err[512];

	ASSERT_EQ(stlm_catalog_load(f->s, data_path("path/b-widget.json"), err,
				    sizeof(err)), 11);	/* 0x9999 is absent */
	ASSERT_STREQ(stlm_catalog_name(f->s), "widget");
	ASSERT_EQ(stlm_catalog_load(f->s, data_path("vendor.json"), err,
				    sizeof(err)), 1);
	ASSERT_STREQ(stlm_catalog_name(f->s), "widget-by-vendor");
	/* the previous catalog's names are gone, the new one's are there */
	ASSERT_NULL(stlm_de_find(f->s, "core.0.power"));
	ASSERT_EQ(stlm_de_id(find(f->s, "vendor.power")), 0x1000);
	ASSERT_NULL(stlm_de_name(stlm_de_get(f->s, 0x1001)));
	/* a DE no catalog entry describes has no labels to list */
	ASSERT_ERR(stlm_de_label_at(stlm_de_get(f->s, 0x1001), 0, NULL, NULL),
		   -ENOENT);
	ASSERT_ERR(stlm_catalog_load(f->s, data_path("wrong-version.json"), err,
				     sizeof(err)), -ENOMSG);
	ASSERT_NOT_NULL(strstr(err, "does not match this platform"));
	ASSERT_ERR(stlm_catalog_load(f->s, data_path("path/a-other.json"), err,
				     sizeof(err)), -ENOMSG);
	ASSERT_STREQ(stlm_catalog_name(f->s), "widget-by-vendor");
	/* a directory: the first matching *.json in name order */
	ASSERT_EQ(stlm_catalog_load(f->s, data_path("path"), err, sizeof(err)), 11);
	ASSERT_STREQ(stlm_catalog_name(f->s), "widget");
	ASSERT_ERR(stlm_catalog_load(f->s, data_path("nope.json"), err,
				     sizeof(err)), -ENOENT);
	ASSERT_ERR(stlm_catalog_load(f->s, data_path("bad-kind.json"), err,
				     sizeof(err)), -EINVAL);
	ASSERT_TRUE(strstr(err, "bad-kind.json:7:43: des[1].kind: unknown kind 'gauges' (gauge, counter or state)") != NULL);
	ASSERT_STREQ(stlm_catalog_name(f->s), "widget");
	ASSERT_ERR(stlm_catalog_load(NULL, "x", err, sizeof(err)), -EINVAL);
}

STLM_TEST(entries_applied)
{
	struct tp_fix *f = fx_open("widget-platform.json", data_path("path"));
	struct stlm_session *s = f->s;
	const struct stlm_de *de;
	struct stlm_snapshot *snap;
	const struct stlm_sample *sm;

	de = find(s, "core.2.temp");
	ASSERT_EQ(stlm_de_id(de), 0x1102);
	ASSERT_STREQ(stlm_de_label(de, "core"), "2");
	ASSERT_STREQ(stlm_de_label(de, "board"), "override");
	ASSERT_STREQ(stlm_de_label(find(s, "core.2.power"), "board"), "w1");
	ASSERT_STREQ(stlm_de_description(find(s, "core.0.power")), "core 0 power");
	ASSERT_NULL(stlm_de_description(de));
	de = find(s, "health");
	ASSERT_EQ(stlm_de_kind(de), STLM_KIND_STATE);
	ASSERT_STREQ(stlm_de_state_name(de, 1), "degraded");
	ASSERT_STREQ(stlm_de_state_name(de, -1), "unknown");
	ASSERT_NULL(stlm_de_state_name(de, 2));
	ASSERT_NULL(stlm_de_state_name(find(s, "energy"), 0));
	de = find(s, "batt.current");
	ASSERT_TRUE(stlm_de_signed(de));
	/* "bits": 64 does not widen the platform's 2 bytes */
	ASSERT_EQ(stlm_de_size(de), 2);
	ASSERT_FALSE(stlm_de_signed(find(s, "energy")));
	de = find(s, "misc.ratio");
	ASSERT_STREQ(stlm_de_unit_name(de), "%");
	ASSERT_EQ(stlm_de_unit(de), 65);
	ASSERT_STREQ(stlm_de_unit_name(find(s, "energy")), "count");
	/* values: sign and scale applied */
	stlmp_platform_advance(f->p, 10000000);
	ASSERT_OK(stlm_snapshot_new(s, &snap));
	ASSERT_CMP(stlm_snapshot_take(snap, 0), >, 0);
	sm = stlm_snapshot_find(snap, 0x3000);
	ASSERT_NOT_NULL(sm);
	if (!(sm->flags & STLM_SAMPLE_VALID))
		STLM_FAIL_AT("flags 0x%x", sm->flags);
	ASSERT_EQ(sm->raw, 0xFFFB);
	ASSERT_DBL(sm->value, -5 * 1e-3 * 2);
	sm = stlm_snapshot_find(snap, 0x4000);
	ASSERT_TRUE(sm && (sm->flags & STLM_SAMPLE_VALID));
	ASSERT_DBL(sm->value, 3.5);
	stlm_snapshot_free(snap);
}

STLM_TEST(derived_exact)
{
	struct tp_fix *f = fx_open("widget-platform.json", data_path("path"));
	struct stlm_session *s = f->s;
	struct stlm_snapshot *sn[3];
	double v;

	for (int i = 0; i < 3; i++) {
		ASSERT_OK(stlm_snapshot_new(s, &sn[i]));
		stlmp_platform_advance(f->p, 10000000);
		ASSERT_CMP(stlm_snapshot_take(sn[i], 0), >, 0);
	}
	ASSERT_OK(stlm_derived_eval(s, (size_t)derived_index(s, "core.power_total"),
				    sn[1], NULL, &v));
	ASSERT_DBL(v, 4.5);
	ASSERT_OK(stlm_derived_eval(s, (size_t)derived_index(s, "core.hottest"),
				    sn[1], NULL, &v));
	ASSERT_DBL(v, 65);
	ASSERT_OK(stlm_derived_eval(s, (size_t)derived_index(s, "combo"),
				    sn[1], NULL, &v));
	ASSERT_DBL(v, 8);
	/* rate of a counter = its generator rate (line timestamps) */
	ASSERT_OK(stlm_derived_eval(s, (size_t)derived_index(s, "energy.rate"),
				    sn[1], sn[0], &v));
	ASSERT_DBL(v, 2500);
	ASSERT_OK(stlm_derived_eval(s, (size_t)derived_index(s, "energy.rate"),
				    sn[2], sn[0], &v));
	ASSERT_DBL(v, 2500);
	ASSERT_OK(stlm_derived_eval(s, (size_t)derived_index(s, "energy.delta"),
				    sn[2], sn[0], &v));
	ASSERT_DBL(v, 50);
	/* a 1-byte counter wraps every 12.8 ms: delta unwraps it */
	ASSERT_OK(stlm_derived_eval(s, (size_t)derived_index(s, "wrap.delta"),
				    sn[1], sn[0], &v));
	ASSERT_DBL(v, 200);
	ASSERT_OK(stlm_derived_eval(s, (size_t)derived_index(s, "wrap.delta"),
				    sn[2], sn[1], &v));
	ASSERT_DBL(v, 200);
	/* errors */
	ASSERT_ERR(stlm_derived_eval(s, (size_t)derived_index(s, "energy.rate"),
				     sn[1], NULL, &v), -EDOM);
	ASSERT_ERR(stlm_derived_eval(s, (size_t)derived_index(s, "energy.rate"),
				     sn[1], sn[1], &v), -EDOM);
	ASSERT_ERR(stlm_derived_eval(s, (size_t)derived_index(s, "bad.div"),
				     sn[1], NULL, &v), -EDOM);
	ASSERT_ERR(stlm_derived_eval(s, (size_t)derived_index(s, "absent"),
				     sn[1], NULL, &v), -ENODATA);
	ASSERT_OK(stlm_derived_eval(s, (size_t)derived_index(s, "count.absent"),
				    sn[1], NULL, &v));
	ASSERT_DBL(v, 4.5);
	ASSERT_ERR(stlm_derived_eval(s, 99, sn[1], NULL, &v), -ERANGE);
	ASSERT_ERR(stlm_derived_eval(s, 0, NULL, NULL, &v), -EINVAL);
	for (int i = 0; i < 3; i++)
		stlm_snapshot_free(sn[i]);
}

/* ------------------------------------------------------------------ */
/* Malformed catalogs                                                  */

static void expect_bad(const char *text, const char *want)
{
	struct stlm_catalog *c = NULL;
	char err[512];
	int r = stlm__catalog_parse(text, strlen(text), "bad.json", &c, err,
				    sizeof(err));

	if (r != -EINVAL || c || strcmp(err, want))
		STLM_FAIL_AT("for %s\n  got %d '%s'\n want '%s'", text, r, err,
			     want);
}

STLM_TEST(malformed)
{
	expect_bad("{\"format\": 1,\n  \"name\": \"t\" \"match\": {}}",
		   "bad.json:2:15: object value separator ',' expected");
	expect_bad("{\"format\": 1,\n", "bad.json:2:1: unexpected end of file");
	expect_bad("{\"format\": 1, } ", "bad.json:1:15: unexpected character");
	expect_bad("{} {}", "bad.json:1:4: unexpected character");
	expect_bad("[1]", "bad.json:1:1: expected a JSON object");
	expect_bad("{\"format\": 2, \"name\": \"t\", \"match\": {}}",
		   "bad.json:1:12: format: unsupported format 2 (this library reads 1)");
	expect_bad("{\"name\": \"t\", \"match\": {}}", "bad.json:1:1: missing 'format'");
	expect_bad("{\"format\": 1, \"name\": \"t\"}", "bad.json:1:1: missing 'match'");
	expect_bad(HEAD " \"colour\": 1}", "bad.json:2:2: colour: unknown key 'colour'");
	expect_bad("{\"format\": 1, \"name\": \"t\", \"match\": {\"uuid\": \"1234\"}}",
		   "bad.json:1:46: match.uuid: bad UUID '1234' (XXXXXXXX-XXXX-XXXX-XXXX-XXXXXXXXXXXX)");
	expect_bad("{\"format\": 1, \"name\": \"t\", \"match\": {\"vendr\": \"x\"}}",
		   "bad.json:1:38: match.vendr: unknown key 'vendr'");
	expect_bad("{\"format\": 1, \"name\": \"t\", \"match\": {\"impl_version\": {\"min\": 5, \"max\": 4}}}",
		   "bad.json:1:54: match.impl_version: min is above max");
	expect_bad(HEAD " \"des\": [{\"id\": \"0x1g\", \"name\": \"a\"}]}",
		   "bad.json:2:17: des[0].id: bad number '0x1g'");
	expect_bad(HEAD " \"des\": [{\"id\": -1, \"name\": \"a\"}]}",
		   "bad.json:2:17: des[0].id: -1 out of range [0, 4294967295]");
	expect_bad(HEAD " \"des\": [{\"id\": 1.5, \"name\": \"a\"}]}",
		   "bad.json:2:17: des[0].id: expected an integer or a \"0x...\" string");
	expect_bad(HEAD " \"des\": [{\"name\": \"a\"}]}", "bad.json:2:10: des[0]: missing 'id'");
	expect_bad(HEAD " \"des\": [{\"id\": 1}]}", "bad.json:2:10: des[0]: missing 'name'");
	expect_bad(HEAD " \"des\": [{\"id\": 1, \"name\": \"A.b\"}]}",
		   "bad.json:2:28: des[0].name: bad name 'A.b' (dotted [a-z0-9_]+ segments, not starting with a digit)");
	expect_bad(HEAD " \"des\": [{\"id\": 1, \"name\": \"a..b\"}]}",
		   "bad.json:2:28: des[0].name: bad name 'a..b' (dotted [a-z0-9_]+ segments, not starting with a digit)");
	expect_bad(HEAD " \"des\": [{\"id\": 1, \"name\": \"a\", \"size\": 4}]}",
		   "bad.json:2:33: des[0].size: unknown key 'size'");
	expect_bad(HEAD " \"des\": [{\"id\": 1, \"name\": \"a\"},\n  {\"id\": 2, \"name\": \"a\"}]}",
		   "bad.json:3:21: des[1].name: duplicate name 'a'");
	expect_bad(HEAD " \"des\": [{\"id\": 1, \"name\": \"a\"},\n  {\"id\": \"0x1\", \"name\": \"b\"}]}",
		   "bad.json:3:10: des[1].id: duplicate DE id 0x00000001 (also 'a')");
	expect_bad(HEAD " \"des\": [{\"id\": 1, \"name\": \"a\", \"kind\": \"gauges\"}]}",
		   "bad.json:2:41: des[0].kind: unknown kind 'gauges' (gauge, counter or state)");
	expect_bad(HEAD " \"des\": [{\"id\": 1, \"name\": \"a\", \"states\": {\"0\": \"x\"}}]}",
		   "bad.json:2:33: des[0].states: 'states' needs \"kind\": \"state\"");
	expect_bad(HEAD " \"des\": [{\"id\": 1, \"name\": \"a\", \"kind\": \"state\", \"states\": {\"zero\": \"x\"}}]}",
		   "bad.json:2:61: des[0].states.zero: state value 'zero' is not an integer");
	expect_bad(HEAD " \"des\": [{\"id\": 1, \"name\": \"a\", \"unit\": \"wats\"}]}",
		   "bad.json:2:41: des[0].unit: unknown unit 'wats'");
	expect_bad(HEAD " \"des\": [{\"id\": 1, \"name\": \"a\", \"scale\": 0}]}",
		   "bad.json:2:42: des[0].scale: scale must be finite and not zero");
	expect_bad(HEAD " \"des\": [{\"id\": 1, \"name\": \"a\", \"signed\": 1}]}",
		   "bad.json:2:43: des[0].signed: expected true or false");
	expect_bad(HEAD " \"des\": [{\"id\": 1, \"name\": \"a\", \"bits\": 12}]}",
		   "bad.json:2:41: des[0].bits: bits must be 8, 16, 24, 32, 40, 48, 56 or 64, not 12");
	expect_bad(HEAD " \"des\": [{\"id\": 1, \"name\": \"a\", \"bits\": 72}]}",
		   "bad.json:2:41: des[0].bits: bits must be 8, 16, 24, 32, 40, 48, 56 or 64, not 72");
	expect_bad(HEAD " \"des\": [{\"id\": 1, \"name\": \"a\", \"bits\": \"32\"}]}",
		   "bad.json:2:41: des[0].bits: expected an integer");
	expect_bad(HEAD " \"des\": [{\"id\": 1, \"name\": \"a\", \"labels\": {\"Bad\": \"x\"}}]}",
		   "bad.json:2:44: des[0].labels.Bad: bad label name 'Bad'");
	expect_bad(HEAD " \"des\": [{\"id\": 1, \"name\": \"a\", \"limits\": 90}]}",
		   "bad.json:2:43: des[0].limits: expected an object");
	expect_bad(HEAD " \"des\": [{\"id\": 1, \"name\": \"a\", \"limits\": {}}]}",
		   "bad.json:2:43: des[0].limits: expected \"warn\" and/or \"crit\"");
	expect_bad(HEAD " \"des\": [{\"id\": 1, \"name\": \"a\", \"limits\": {\"max\": 1}}]}",
		   "bad.json:2:44: des[0].limits.max: unknown key 'max'");
	expect_bad(HEAD " \"des\": [{\"id\": 1, \"name\": \"a\", \"limits\": {\"warn\": \"90\"}}]}",
		   "bad.json:2:52: des[0].limits.warn: expected a number");
	expect_bad(HEAD " \"des\": [{\"id\": 1, \"name\": \"a\", \"limits\": {\"crit\": 1e999}}]}",
		   "bad.json:2:52: des[0].limits.crit: limit must be finite");
	expect_bad(HEAD " \"des\": [{\"id\": 1, \"name\": \"a\", \"limits\": {\"warn\": 95, \"crit\": 90}}]}",
		   "bad.json:2:52: des[0].limits.warn: warn 95 is above crit 90");
	expect_bad(HEAD " \"des\": [{\"id\": 1, \"name\": \"a\", \"kind\": \"counter\", \"limits\": {\"warn\": 1}}]}",
		   "bad.json:2:52: des[0].limits: 'limits' needs a gauge (\"kind\": \"gauge\" or none)");
	expect_bad(HEAD " \"des\": [{\"repeat\": {\"count\": 2}, \"des\": [{\"id\": 1, \"name\": \"a.{j}\"}]}]}",
		   "bad.json:2:61: des[0].des[0].name: unknown placeholder in 'a.{j}' (use {i} or {k}) (i=0)");
	expect_bad(HEAD " \"des\": [{\"repeat\": {\"count\": 2, \"id_step\": 0}, \"des\": [{\"id\": 1, \"name\": \"a.{i}\"}]}]}",
		   "bad.json:2:64: des[0].des[0].id: duplicate DE id 0x00000001 (also 'a.0') (i=1)");
	expect_bad(HEAD " \"des\": [{\"repeat\": {\"count\": 2}, \"des\": [{\"id\": 1, \"name\": \"a\"}]}]}",
		   "bad.json:2:61: des[0].des[0].name: duplicate name 'a' (i=1)");
	expect_bad(HEAD " \"des\": [{\"repeat\": {\"count\": 0}, \"des\": [{\"id\": 1, \"name\": \"a\"}]}]}",
		   "bad.json:2:31: des[0].repeat.count: 0 out of range [1, 65536]");
	expect_bad(HEAD " \"des\": [{\"repeat\": {\"count\": 2, \"id_step\": \"0x80000000\"}, \"des\": [{\"id\": \"0x80000000\", \"name\": \"a{i}\"}]}]}",
		   "bad.json:2:75: des[0].des[0].id: id 0x80000000 + 1 * 0x80000000 is above 0xFFFFFFFF (i=1)");
	expect_bad(HEAD " \"derived\": {\"x\": {\"expr\": \"ratee(a)\"}}}",
		   "bad.json:2:28: derived.x.expr: column 1: unknown function 'ratee'");
	expect_bad(HEAD " \"des\": [{\"id\": 1, \"name\": \"a\"}],\n \"derived\": {\"x\": {\"expr\": \"a + (a\"}}}",
		   "bad.json:3:28: derived.x.expr: column 7: missing ')'");
	expect_bad(HEAD " \"derived\": {\"x\": {\"expr\": \"1 + y\"}}}",
		   "bad.json:2:28: derived.x.expr: column 5: unknown name 'y'");
	expect_bad(HEAD " \"derived\": {\"x\": {\"expr\": \"1\", \"unit\": \"furlongs\"}}}",
		   "bad.json:2:41: derived.x.unit: unknown unit 'furlongs'");
	expect_bad(HEAD " \"derived\": {\"x\": {\"exp\": \"1\"}}}",
		   "bad.json:2:20: derived.x.exp: unknown key 'exp'");
	expect_bad(HEAD " \"des\": [{\"id\": 1, \"name\": \"a\"}],\n \"derived\": {\"a\": {\"expr\": \"1\"}}}",
		   "bad.json:3:14: derived.a: name 'a' is already a DE name");
	expect_bad(HEAD " \"derived\": {\"x\": {\"expr\": \"y + 1\"},\n  \"y\": {\"expr\": \"z * 2\"},\n  \"z\": {\"expr\": \"x\"}}}",
		   "bad.json:2:28: derived.x.expr: cycle: x -> y -> z -> x");
	expect_bad(HEAD " \"derived\": {\"x\": {\"expr\": \"x\"}}}",
		   "bad.json:2:28: derived.x.expr: cycle: x -> x");
}

STLM_TEST(malformed_files)
{
	struct stlm_catalog *c = NULL;
	char err[512], path[1100];
	FILE *fp;

	ASSERT_ERR(stlm__catalog_read(data_path("bad-kind.json"), &c, err,
				      sizeof(err)), -EINVAL);
	ASSERT_NOT_NULL(strstr(err, "bad-kind.json:7:43: des[1].kind: unknown kind 'gauges'"));
	ASSERT_ERR(stlm__catalog_read(data_path("none.json"), &c, err,
				      sizeof(err)), -ENOENT);
	/* size cap */
	snprintf(path, sizeof(path), "%s/big.json", stlm_test_tmpdir());
	fp = fopen(path, "w");
	ASSERT_NOT_NULL(fp);
	ASSERT_EQ(ftruncate(fileno(fp), CATALOG_MAX_FILE + 1), 0);
	fclose(fp);
	ASSERT_ERR(stlm__catalog_read(path, &c, err, sizeof(err)), -EFBIG);
	ASSERT_NULL(c);
	stlm__catalog_destroy(NULL);
}

STLM_TEST(repeat_expansion_and_globs)
{
	static const char text[] = HEAD
		" \"des\": [{\"repeat\": {\"count\": 3, \"first\": 4, \"id_step\": \"0x10\"},\n"
		"  \"des\": [{\"id\": \"0x100\", \"name\": \"g.{i}.a{k}\"}, {\"id\": \"0x101\", \"name\": \"g.{i}.b\"}]}],\n"
		" \"derived\": {\"s\": {\"expr\": \"sum(g.*.b) + count(g.*.b)\"}, \"t\": {\"expr\": \"s * 2\"}}}";
	struct stlm_catalog *c = NULL;
	char err[256];

	ASSERT_OK(stlm__catalog_parse(text, strlen(text), "t.json", &c, err,
				      sizeof(err)));
	ASSERT_EQ(stlm__catalog_n_entries(c), 6);
	ASSERT_EQ(stlm__catalog_n_derived(c), 2);
	stlm__catalog_destroy(c);
}
