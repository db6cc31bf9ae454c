// SPDX-License-Identifier: MIT
/*
 * Copyright (c) 2026 The stlm authors
 *
 * ASTL description files (formats/astl*.c, lib/catalog-astl.c): both spec
 * generations parsed and expanded (ids, global instances, TDCF offsets,
 * line sizes, component types, aliases, units normalised, duplicates,
 * layout findings), UUIDs with the /N rule, repometa / platform_lookup /
 * metrics declarations, formulas, malformed files with their exact
 * messages, the real Phoenix files when the dataset is present, and the
 * catalog built against a real emulated platform described by a native
 * platform file (targets counted from the live DE list, names, labels,
 * scale, missing / extra DEs and unit mismatches).
 */
#define STLM_TEST_GROUP "astl"
#include "stlm-test.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "astl.h"
#include "catalog-astl.h"
#include "platform.h"
#include "session.h"
#include "tplat.h"

static const char *data(const char *rel)
{
	static char buf[8][1024];
	static int n;
	char *b = buf[n++ % 8];

	snprintf(b, sizeof(buf[0]), "%s/data/astl/%s", stlm_test_srcdir(), rel);
	return b;
}

/* The real Arm files: $STLM_ASTL_DATASET, else beside the source tree. */
static const char *dataset(const char *rel)
{
	static char buf[4][1024];
	static int n;
	const char *env = getenv("STLM_ASTL_DATASET");
	char *b = buf[n++ % 4];
	struct stat st;

	if (env && *env)
		snprintf(b, sizeof(buf[0]), "%s/%s", env, rel);
	else
		snprintf(b, sizeof(buf[0]), "%s/../../shared/datasets/astl/%s",
			 stlm_test_srcdir(), rel);
	return stat(b, &st) == 0 ? b : NULL;
}

static struct astl_spec *spec_of(const char *path)
{
	struct astl_spec *s = NULL;
	char err[512];

	if (stlm__astl_spec_read(path, &s, err, sizeof(err)) < 0)
		STLM_FAIL_AT("%s", err);
	stlm_test_defer((void (*)(void *))stlm__astl_spec_free, s);
	return s;
}

static struct astl_expansion *expand(const struct astl_spec *s,
				     uint32_t first, uint32_t n)
{
	struct astl_expansion *e = NULL;
	char err[512];

	if (stlm__astl_expand(s, first, n, &e, err, sizeof(err)) < 0)
		STLM_FAIL_AT("%s", err);
	stlm_test_defer((void (*)(void *))stlm__astl_expansion_free, e);
	return e;
}

static const struct astl_slot *slot(const struct astl_expansion *e,
				    uint32_t id, bool dup)
{
	for (size_t i = 0; i < e->n_slots; i++)
		if (e->slots[i].id == id && e->slots[i].duplicate_id == dup)
			return &e->slots[i];
	STLM_FAIL_AT("no slot 0x%08x", id);
}

static const struct astl_finding *finding(const struct astl_finding *f,
					  uint32_t n, const char *text)
{
	for (uint32_t i = 0; i < n; i++)
		if (strstr(f[i].text, text))
			return &f[i];
	return NULL;
}

/* ------------------------------------------------------------------ */
/* Parsing and expansion                                               */

STLM_TEST(gen1_parse_and_expand)
{
	struct astl_spec *s = spec_of(data("gen1.json"));
	const struct astl_expansion *e;
	const struct astl_slot *sl;
	const struct astl_finding *f;
	static const uint8_t uuid[16] = {
		0x5A, 0x3C, 0x0E, 0x11, 0x7B, 0x2D, 0x4C, 0x6E,
		0x9F, 0x10, 0xA1, 0xB2, 0xC3, 0xD4, 0x00, 0x01,
	};

	ASSERT_EQ(s->generation, 1);
	ASSERT_MEMEQ(s->uuid, uuid, 16);
	ASSERT_EQ(s->uuid_bytes, 16);
	ASSERT_EQ(s->size, 360);
	ASSERT_STREQ(s->description, "Test SoC SCP (generation 1)");
	ASSERT_STREQ(s->instance_id, "[7:0]");
	ASSERT_STREQ(s->chiplet_id, "[15:8]");
	ASSERT_EQ(s->n_blocks, 7);
	/* HEADER lines are layout, not DEs */
	ASSERT_EQ(s->n_headers, 2);
	ASSERT_STREQ(s->headers[0].name, "UUID");
	ASSERT_EQ(s->headers[0].size, 24);
	ASSERT_STREQ(s->headers[1].name, "BLOCK_TIMESTAMP");
	ASSERT_EQ(s->headers[1].offset, 24);
	ASSERT_TRUE(s->blocks[0].header && !s->blocks[2].header);
	ASSERT_EQ(s->n_des_per_target, 20);
	/* file findings: the repeated register, seven unit texts, no gaps */
	ASSERT_EQ(s->n_findings, 8);
	f = finding(s->findings, s->n_findings, "register FREQUENCY_BIN6 declared twice");
	ASSERT_NOT_NULL(f);
	ASSERT_STREQ(f->text, "register FREQUENCY_BIN6 declared twice: layout[3].members[1] (0x0125) and [2] (0x0126)");
	ASSERT_EQ(f->type, ASTL_FIND_DUP_NAME);
	ASSERT_NOT_NULL(finding(s->findings, s->n_findings,
				"unit \"Celcius\" -> celsius (misspelt; 3 DEs per target)"));
	ASSERT_NOT_NULL(finding(s->findings, s->n_findings,
				"unit \"MHz\" -> hertz, exponent +6"));
	ASSERT_NOT_NULL(finding(s->findings, s->n_findings,
				"unit \"Ampere\" -> amps (not recognised by ASTL"));
	ASSERT_NOT_NULL(finding(s->findings, s->n_findings, "unit \"bits\" -> bits"));
	ASSERT_NOT_NULL(finding(s->findings, s->n_findings, "unit \"Second\" -> seconds"));
	ASSERT_NULL(finding(s->findings, s->n_findings, "gap"));
	ASSERT_NULL(finding(s->findings, s->n_findings, "overlap"));

	/* one target: 20 slots, the repeated PSS_BMU block collides once */
	e = expand(s, 0, 1);
	ASSERT_EQ(e->n_slots, 20);
	ASSERT_EQ(e->n_distinct_ids, 19);
	ASSERT_EQ(e->n_dup_ids, 1);
	ASSERT_EQ(e->n_dup_names, 4);	/* CORE.0..2.FREQUENCY_BIN6, PSS_BMU.0 */
	sl = slot(e, 0x0000E56D, true);
	ASSERT_EQ(sl->block, 6);
	ASSERT_EQ(e->slots[sl->first_of_id].block, 5);
	ASSERT_NOT_NULL(finding(e->findings, e->n_findings,
				"duplicate id 0x0000e56d: PSS_BMU.0.READ_BANDWIDTH (layout[6].members[0]) repeats PSS_BMU.0.READ_BANDWIDTH (layout[5].members[0])"));
	sl = slot(e, 0x0001E442, false);
	ASSERT_STREQ(sl->full_name, "PSS.1.MIN_TEMPERATURE");
	ASSERT_EQ(sl->offset, 40 + 48 + 16);
	ASSERT_EQ(sl->line_size, 16);
	ASSERT_EQ(sl->unit, 2);
	ASSERT_TRUE(sl->unit_normalised);
	ASSERT_EQ(sl->unit_exponent, -3);
	ASSERT_EQ(sl->exponent, -3);
	ASSERT_EQ(sl->component_type, 0xE4);
	ASSERT_EQ(sl->kind, ASTL_KIND_UNKNOWN);
	sl = slot(e, 0x00020126, false);
	ASSERT_TRUE(sl->duplicate_name);
	ASSERT_EQ(sl->offset, 136 + 2 * 48 + 32);
	ASSERT_STREQ(sl->unit_text, "Second");
	ASSERT_EQ(sl->unit, 21);
	sl = slot(e, 0x0000011D, false);
	ASSERT_EQ(sl->unit, 20);
	ASSERT_EQ(sl->exponent, 6);
	ASSERT_EQ(sl->component_type, 0x01);
	sl = slot(e, 0x00001607, false);
	ASSERT_STREQ(sl->component, "PMIC-VR");
	ASSERT_EQ(sl->unit, 7);
	ASSERT_EQ(sl->exponent, -2);

	/* targets 1..2: global = target * count + i */
	e = expand(s, 1, 2);
	ASSERT_EQ(e->n_slots, 40);
	sl = slot(e, 0x0003E441, false);
	ASSERT_EQ(sl->target, 1);
	ASSERT_EQ(sl->local_instance, 1);
	ASSERT_EQ(sl->global_instance, 3);
	ASSERT_STREQ(sl->full_name, "PSS.3.CURRENT_TEMPERATURE");
	ASSERT_EQ(sl->offset, 40 + 48);
	sl = slot(e, 0x0008011D, false);
	ASSERT_EQ(sl->target, 2);
	ASSERT_EQ(sl->local_instance, 2);
}

STLM_TEST(gen2_parse_aliases_kinds)
{
	struct astl_spec *s = spec_of(data("gen2.json"));
	const struct astl_expansion *e;
	const struct astl_slot *sl;

	ASSERT_EQ(s->generation, 2);
	ASSERT_EQ(s->uuid_bytes, 14);
	ASSERT_STREQ(s->uuid_text, "5A3C0E11-7B2D-4C6E-9F10-A1B2C3D5EE00/14");
	ASSERT_STREQ(s->instance_id, "[7:0]");
	ASSERT_EQ(s->n_headers, 0);
	ASSERT_EQ(s->blocks[0].component_type, 0x94);
	ASSERT_STREQ(s->blocks[1].component_name, "VOLTAGE_RAIL");
	ASSERT_EQ(s->n_aliases, 3);
	ASSERT_STREQ(s->blocks[0].members[0].key, "TEMP_PRESENT");
	ASSERT_EQ(s->n_findings, 4);
	e = expand(s, 0, 1);
	ASSERT_EQ(e->n_slots, 14);
	ASSERT_EQ(e->n_distinct_ids, 14);
	sl = slot(e, 0x00019441, false);
	ASSERT_STREQ(sl->full_name, "PSS.1.TEMP_PRESENT");
	ASSERT_EQ(sl->kind, ASTL_KIND_GAUGE);
	ASSERT_EQ(sl->component_type, 0x94);
	ASSERT_FALSE(sl->unit_normalised);	/* "celsius" as written */
	ASSERT_EQ(sl->exponent, -3);
	ASSERT_EQ(slot(e, 0x00009450, false)->kind, ASTL_KIND_COUNTER);
	ASSERT_EQ(slot(e, 0x00009460, false)->kind, ASTL_KIND_HISTOGRAM);
	ASSERT_EQ(slot(e, 0x00009460, false)->unit, 67);
	/* aliases rename the component of one instance */
	sl = slot(e, 0x00001607, false);
	ASSERT_STREQ(sl->component, "VOLTAGE_RAIL");
	ASSERT_STREQ(sl->display_component, "VCPU_C0");
	ASSERT_STREQ(sl->full_name, "VCPU_C0.0.RAIL_POWER");
	ASSERT_STREQ(slot(e, 0x00011607, false)->full_name, "VCPU_C1.1.RAIL_POWER");
	ASSERT_STREQ(slot(e, 0x00021607, false)->full_name, "VOLTAGE_RAIL.2.RAIL_POWER");
	ASSERT_STREQ(slot(e, 0x00031607, false)->full_name, "VDDR.3.RAIL_POWER");
	sl = slot(e, 0x0003161D, false);
	ASSERT_EQ(sl->line_size, 12);
	ASSERT_EQ(sl->offset, 96 + 3 * 28 + 16);
	ASSERT_EQ(sl->unit, 20);
	ASSERT_EQ(sl->exponent, 3);	/* kHz */
	ASSERT_EQ(sl->component_type, 0x16);
}

STLM_TEST(uuid_rules)
{
	uint8_t a[16], b[16];
	unsigned int n = 0;

	ASSERT_OK(stlm__astl_uuid_parse("7DD87076-9472-8F22-8F80-EB2CF9410000", a, &n));
	ASSERT_EQ(n, 16);
	ASSERT_OK(stlm__astl_uuid_parse("7dd8707694728f228f80eb2cf9410000", b, &n));
	ASSERT_MEMEQ(a, b, 16);
	ASSERT_OK(stlm__astl_uuid_parse("CAFEBABE-CAFE-BABE-CAFE-BABEBEEF0000/14", a, &n));
	ASSERT_EQ(n, 14);
	ASSERT_OK(stlm__astl_uuid_parse("CAFEBABE-CAFE-BABE-CAFE-BABEBEEF1234", b, NULL));
	ASSERT_TRUE(stlm__astl_uuid_match(a, 14, b));
	ASSERT_FALSE(stlm__astl_uuid_match(a, 16, b));
	b[13] ^= 1;
	ASSERT_FALSE(stlm__astl_uuid_match(a, 14, b));
	ASSERT_ERR(stlm__astl_uuid_parse("CAFEBABE-CAFE-BABE-CAFE-BABEBEEF00/16", a, &n), -EINVAL);
	ASSERT_ERR(stlm__astl_uuid_parse("CAFEBABE-CAFE-BABE-CAFE-BABEBEEF0000/0", a, &n), -EINVAL);
	ASSERT_ERR(stlm__astl_uuid_parse("CAFEBABE-CAFE-BABE-CAFE-BABEBEEF0000/", a, &n), -EINVAL);
	ASSERT_ERR(stlm__astl_uuid_parse("XAFEBABE-CAFE-BABE-CAFE-BABEBEEF0000", a, &n), -EINVAL);
	ASSERT_ERR(stlm__astl_uuid_parse("CAFEBABE-CAFE-BABE-CAFE-BABEBEEF000000", a, &n), -EINVAL);
}

STLM_TEST(units)
{
	static const struct {
		const char *text;
		int unit, adj;
		bool norm;
	} t[] = {
		{ "", 0, 0, false }, { "celsius", 2, 0, false },
		{ "Celcius", 2, 0, true }, { "Celsius", 2, 0, true },
		{ "Hz", 20, 0, true }, { "MHz", 20, 6, true },
		{ "Ampere", 6, 0, true }, { "bits", 60, 0, true },
		{ "Watt", 7, 0, true }, { "watts", 7, 0, false },
		{ "Second", 21, 0, true }, { "second", 21, 0, true },
		{ "Count", 67, 0, true }, { "%", 65, 0, true },
		{ "rpm", 19, 0, false }, { "furlongs", ASTL_UNIT_UNKNOWN, 0, true },
	};

	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		int unit, adj;
		bool norm;
		const char *note;

		stlm__astl_unit(t[i].text, &unit, &adj, &norm, &note);
		if (unit != t[i].unit || adj != t[i].adj || norm != t[i].norm)
			STLM_FAIL_AT("unit '%s': %d %d %d", t[i].text, unit, adj, norm);
	}
	ASSERT_STREQ(stlm__astl_unit_word(21), "seconds");
	ASSERT_NULL(stlm__astl_unit_word(200));
	ASSERT_STREQ(stlm__astl_kind_name(ASTL_KIND_HISTOGRAM), "histogram");
}

STLM_TEST(index_and_metrics)
{
	struct astl_index *x = NULL;
	struct astl_metrics *m = NULL;
	struct astl_spec *s1 = spec_of(data("gen1.json"));
	struct astl_spec *s2 = spec_of(data("gen2.json"));
	const struct astl_index_entry *ie;
	const struct astl_expansion *e;
	char err[512];
	uint8_t live[16];
	double k = 0;

	ASSERT_OK(stlm__astl_index_read(data("repometa.json"), &x, err, sizeof(err)));
	stlm_test_defer((void (*)(void *))stlm__astl_index_free, x);
	ASSERT_EQ(x->kind, ASTL_DOC_REPOMETA);
	ASSERT_EQ(x->n_entries, 2);
	ASSERT_STREQ(x->entries[0].path, data("gen1.json"));
	ASSERT_EQ(x->entries[1].uuid_bytes, 14);
	/* a platform UUID differing in the last two bytes finds the /14 entry */
	memcpy(live, s2->uuid, 16);
	live[15] = 0x42;
	ie = stlm__astl_index_find(x, live);
	ASSERT_NOT_NULL(ie);
	ASSERT_STREQ(ie->path, data("gen2.json"));
	ie = stlm__astl_index_find(x, s1->uuid);
	ASSERT_STREQ(ie->path, data("gen1.json"));
	live[13] ^= 0xFF;
	ASSERT_NULL(stlm__astl_index_find(x, live));

	ASSERT_OK(stlm__astl_index_read(data("platform_lookup.json"), &x, err, sizeof(err)));
	stlm_test_defer((void (*)(void *))stlm__astl_index_free, x);
	ASSERT_EQ(x->kind, ASTL_DOC_LOOKUP);
	ASSERT_STREQ(x->entries[0].path, data("metrics/gen1_metrics.json"));
	ASSERT_STREQ(x->entries[0].name_template, "scmi-test-{telemetry_subdirectory}");

	ASSERT_OK(stlm__astl_metrics_read(data("metrics/gen1_metrics.json"), &m, err,
					  sizeof(err)));
	stlm_test_defer((void (*)(void *))stlm__astl_metrics_free, m);
	ASSERT_EQ(m->n_metrics, 4);
	ASSERT_STREQ(m->metrics[0].key, "Current Temperature");
	ASSERT_STREQ(m->metrics[0].reg, "CURRENT_TEMPERATURE");
	ASSERT_STREQ(m->metrics[0].identifier, "TEMPERATURE");	/* category */
	ASSERT_STREQ(m->metrics[0].protocol, "scmi");
	ASSERT_TRUE(m->metrics[0].disabled);
	ASSERT_EQ(m->metrics[0].n_groups, 2);
	ASSERT_STREQ(m->metrics[0].groups[1], "throttling");
	ASSERT_STREQ(m->metrics[1].component_filter, "PMIC-VR");
	ASSERT_EQ(m->metrics[1].instance_filter, 0);
	ASSERT_EQ(m->metrics[2].instance_filter, -1);
	ASSERT_STREQ(m->metrics[3].protocol, "procfs");

	/* matching: register, component and instance filters */
	e = expand(s1, 0, 2);
	ASSERT_TRUE(stlm__astl_metric_matches(&m->metrics[0], slot(e, 0x0003E441, false)));
	ASSERT_FALSE(stlm__astl_metric_matches(&m->metrics[0], slot(e, 0x0003E442, false)));
	ASSERT_TRUE(stlm__astl_metric_matches(&m->metrics[1], slot(e, 0x00001607, false)));
	ASSERT_FALSE(stlm__astl_metric_matches(&m->metrics[1], slot(e, 0x00011607, false)));
	ASSERT_FALSE(stlm__astl_metric_matches(&m->metrics[3], slot(e, 0x00001607, false)));

	/* formulas: exact integer multiples only */
	ASSERT_EQ(stlm__astl_formula(&m->metrics[0], &k, err, sizeof(err)), ASTL_FORMULA_NONE);
	ASSERT_EQ(stlm__astl_formula(&m->metrics[1], &k, err, sizeof(err)), ASTL_FORMULA_SCALE);
	ASSERT_TRUE(k == 10);
	ASSERT_EQ(stlm__astl_formula(&m->metrics[2], &k, err, sizeof(err)), ASTL_FORMULA_REFUSED);
	ASSERT_STREQ(err, "declaration: metrics.core-frequency.formula \"value / 1000\": ASTL divides in integers (truncating); refused, only an exact integer multiple of value is supported");
	{
		struct astl_metric f = { .key = "k", .formula = "value * 0.5" };

		ASSERT_EQ(stlm__astl_formula(&f, &k, err, sizeof(err)), ASTL_FORMULA_REFUSED);
		ASSERT_NOT_NULL(strstr(err, "not an integer multiple of value"));
		f.formula = "value + 1";
		ASSERT_EQ(stlm__astl_formula(&f, &k, err, sizeof(err)), ASTL_FORMULA_REFUSED);
		f.formula = "temp * 2";
		ASSERT_EQ(stlm__astl_formula(&f, &k, err, sizeof(err)), ASTL_FORMULA_REFUSED);
		ASSERT_NOT_NULL(strstr(err, "column"));
		f.formula = "(value * 4) * 250";
		ASSERT_EQ(stlm__astl_formula(&f, &k, err, sizeof(err)), ASTL_FORMULA_SCALE);
		ASSERT_TRUE(k == 1000);
	}
}

STLM_TEST(malformed)
{
	static const struct {
		const char *file;
		const char *msg;	/* after "PATH" */
	} t[] = {
		{ "bad/base-id.json", ": layout[0].members[0].base_de_id: 0x0001E441: the upper 16 bits hold the instance and must be 0" },
		{ "bad/both.json", ": both 'layout' (generation 1) and 'members' (generation 2)" },
		{ "bad/count.json", ": layout[0].count: 0 out of range [1, 65536]" },
		{ "bad/no-size.json", ": missing key 'size'" },
		{ "bad/rel-offset.json", ": layout[0].members[0].rel_offset: '0xZZ' is not a hexadecimal number" },
		{ "bad/syntax.json", ":3:13: quoted object property name expected" },
		{ "bad/type.json", ": members[0].metrics.T.type: unknown type 'Gauges' (Gauge, Counter or Histogram)" },
		{ "bad/uuid-bytes.json", ": uuid: '5A3C0E11-7B2D-4C6E-9F10-A1B2C3D4EE00/17' is not a UUID (32 hex digits, optional hyphens, optional /N with N 1..16)" },
		{ "bad/uuid.json", ": uuid: 'not-a-uuid' is not a UUID (32 hex digits, optional hyphens, optional /N with N 1..16)" },
	};
	char err[512], want[1200];

	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		struct astl_spec *s = NULL;

		ASSERT_ERR(stlm__astl_spec_read(data(t[i].file), &s, err, sizeof(err)),
			   -EINVAL);
		ASSERT_NULL(s);
		snprintf(want, sizeof(want), "%s%s", data(t[i].file), t[i].msg);
		ASSERT_STREQ(err, want);
	}
	{
		struct astl_index *x = NULL;
		struct astl_metrics *m = NULL;

		ASSERT_ERR(stlm__astl_index_read(data("bad/repometa-key.json"), &x, err,
						 sizeof(err)), -EINVAL);
		snprintf(want, sizeof(want), "%s: uuid_mapping.zzz: key is not a UUID (32 hex digits, optional hyphens, optional /N with N 1..16)",
			 data("bad/repometa-key.json"));
		ASSERT_STREQ(err, want);
		ASSERT_ERR(stlm__astl_index_read(data("bad/lookup-file.json"), &x, err,
						 sizeof(err)), -EINVAL);
		snprintf(want, sizeof(want), "%s: scmi_uuid_mapping.5A3C0E11-7B2D-4C6E-9F10-A1B2C3D40001: missing key 'metrics_file'",
			 data("bad/lookup-file.json"));
		ASSERT_STREQ(err, want);
		ASSERT_ERR(stlm__astl_metrics_read(data("bad/metrics-instance.json"), &m,
						   err, sizeof(err)), -EINVAL);
		snprintf(want, sizeof(want), "%s: metrics.m.collection.scmi_instance_filter: 'x' is not an instance number",
			 data("bad/metrics-instance.json"));
		ASSERT_STREQ(err, want);
		ASSERT_NULL(x);
		ASSERT_NULL(m);
	}
	/* from memory: empty, NUL, wrong root, bounds */
	{
		struct astl_spec *s = NULL;
		struct astl_expansion *e = NULL;

		ASSERT_ERR(stlm__astl_spec_parse("", 0, "m.json", &s, err, sizeof(err)), -EINVAL);
		ASSERT_STREQ(err, "m.json:1:1: unexpected end of file");
		ASSERT_ERR(stlm__astl_spec_parse("{}\0", 3, "m.json", &s, err, sizeof(err)), -EINVAL);
		ASSERT_STREQ(err, "m.json:1:3: NUL byte in the file");
		ASSERT_ERR(stlm__astl_spec_parse("[]", 2, "m.json", &s, err, sizeof(err)), -EINVAL);
		ASSERT_STREQ(err, "m.json: the document must be a JSON object");
		s = spec_of(data("gen1.json"));
		/* CORE has count 3: target 21845 would need instance 65537 */
		ASSERT_ERR(stlm__astl_expand(s, 21845, 1, &e, err, sizeof(err)), -EINVAL);
		ASSERT_NOT_NULL(strstr(err, "does not fit in 16 bits"));
		ASSERT_ERR(stlm__astl_expand(s, 0, ASTL_MAX_TARGETS + 1, &e, err, sizeof(err)),
			   -EINVAL);
		ASSERT_NULL(e);
	}
	/* detection */
	ASSERT_EQ(stlm__astl_detect("{\"format\": 1, \"des\": []}", 24), ASTL_DOC_NONE);
	ASSERT_EQ(stlm__astl_detect("{\"uuid_mapping\": {}}", 20), ASTL_DOC_REPOMETA);
	ASSERT_EQ(stlm__astl_detect("{\"metrics\": {}}", 15), ASTL_DOC_METRICS);
	ASSERT_EQ(stlm__astl_detect("not json", 8), ASTL_DOC_NONE);
}

/* ------------------------------------------------------------------ */
/* The real Phoenix files (skipped when the dataset is absent)         */

STLM_TEST(phoenix_dataset)
{
	const char *scp = dataset("phoenix/scp.json");
	const char *lcp = dataset("phoenix/lcp_cluster.json");
	const char *mock = dataset("mockscmi/mockscmi.json");
	struct astl_spec *s;
	const struct astl_expansion *e;
	struct astl_set *set = NULL;
	char err[512];
	size_t bmu = 0;

	if (!scp || !lcp || !mock)
		STLM_SKIP("the ASTL dataset is not present (STLM_ASTL_DATASET)");
	s = spec_of(scp);
	ASSERT_EQ(s->generation, 1);
	ASSERT_EQ(s->size, 7016);
	ASSERT_EQ(s->n_headers, 2);
	e = expand(s, 0, 1);
	ASSERT_EQ(e->n_slots, 436);
	ASSERT_EQ(e->n_distinct_ids, 412);
	ASSERT_EQ(e->n_dup_ids, 24);
	for (size_t i = 0; i < e->n_slots; i++)
		if (e->slots[i].duplicate_id) {
			ASSERT_STREQ(e->slots[i].component, "PSS_BMU");
			ASSERT_EQ(e->slots[e->slots[i].first_of_id].block + 1,
				  e->slots[i].block);
			bmu++;
		}
	ASSERT_EQ(bmu, 24);
	ASSERT_NOT_NULL(finding(s->findings, s->n_findings, "unit \"Celcius\" -> celsius"));
	ASSERT_NOT_NULL(finding(s->findings, s->n_findings, "unit \"bits\" -> bits"));
	ASSERT_NOT_NULL(finding(s->findings, s->n_findings, "unit \"Ampere\" -> amps"));
	ASSERT_NULL(finding(s->findings, s->n_findings, "gap"));

	s = spec_of(lcp);
	e = expand(s, 0, 1);
	ASSERT_EQ(e->n_slots, 313);
	ASSERT_EQ(e->n_distinct_ids, 313);
	ASSERT_EQ(e->n_dup_ids, 0);
	ASSERT_NOT_NULL(finding(s->findings, s->n_findings,
				"register FREQUENCY_BIN6 declared twice"));
	ASSERT_NOT_NULL(finding(s->findings, s->n_findings, "unit \"Hz\" -> hertz"));
	/* 14 LCP clusters on one platform: global instances 0..139 */
	e = expand(s, 0, 14);
	ASSERT_EQ(e->n_slots, 313 * 14);
	ASSERT_EQ(e->n_distinct_ids, 313 * 14);
	ASSERT_STREQ(e->slots[e->n_slots - 1].full_name, "CLUSTER.13.MAX_TEMPERATURE");
	ASSERT_STREQ(slot(e, 0x008B0111, false)->full_name, "CORE.139.CORE_MPID");

	s = spec_of(mock);
	ASSERT_EQ(s->generation, 2);
	ASSERT_EQ(s->uuid_bytes, 14);

	/* the index with the metrics files beside it */
	ASSERT_OK(stlm__astl_set_load(dataset("repometa.json"), &set, err, sizeof(err)));
	stlm_test_defer((void (*)(void *))stlm__astl_set_free, set);
	ASSERT_EQ(set->n_items, 2);
	ASSERT_NOT_NULL(set->items[0].metrics);
	ASSERT_NOT_NULL(set->items[1].metrics);
}

/* ------------------------------------------------------------------ */
/* Catalogs against a real emulated platform                           */

static void unset_catalog_path(void *arg)
{
	unsetenv("STLM_CATALOG_PATH");
}

static struct tp_fix *fx_open(const char *catalog_path)
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
	if (stlmp_config_load(data("platform/gen1-soc.json"), &cfg, err,
			      sizeof(err)) < 0)
		STLM_FAIL_AT("%s", err);
	f = tp_fix_new(cfg, &po);
	tp_fix_listen(f, "unix");
	if (catalog_path)
		setenv("STLM_CATALOG_PATH", catalog_path, 1);
	else
		unsetenv("STLM_CATALOG_PATH");
	tp_fix_open(f, &o);
	ASSERT_EQ(stlm_de_count(f->s), 37);
	return f;
}

static const struct stlm_de *find(struct stlm_session *s, const char *name)
{
	const struct stlm_de *de = stlm_de_find(s, name);

	if (!de)
		STLM_FAIL_AT("no DE named '%s'", name);
	return de;
}

STLM_TEST(catalog_autoload_from_index_dir)
{
	struct tp_fix *f = fx_open(data(""));
	struct stlm_session *s = f->s;
	const struct stlm_de *de;
	struct stlm_snapshot *snap;
	const struct stlm_sample *sm;

	ASSERT_STREQ(stlm_catalog_name(s), "astl:gen1");
	/* two targets on one platform: PSS 0..3, CORE 0..5 */
	de = find(s, "PSS.3.CURRENT_TEMPERATURE");
	ASSERT_EQ(stlm_de_id(de), 0x0003E441);
	ASSERT_STREQ(stlm_de_description(de),
		     "Current temperature in Celsius; PSS.1 sensor is broken [component: PSS instance: 3]");
	ASSERT_STREQ(stlm_de_label(de, "display_name"), "Current Temperature");
	ASSERT_STREQ(stlm_de_label(de, "groups"), "thermal,throttling");
	ASSERT_STREQ(stlm_de_label(de, "identifier"), "TEMPERATURE");
	ASSERT_STREQ(stlm_de_label(de, "disabled"), "true");
	ASSERT_STREQ(stlm_de_label(de, "astl_unit"), "Celcius");
	ASSERT_STREQ(stlm_de_label(de, "astl_instance"), "3");
	de = find(s, "CORE.5.FREQUENCY_BIN6");
	ASSERT_EQ(stlm_de_id(de), 0x00050125);
	ASSERT_STREQ(stlm_de_description(de),
		     "Residency in frequency bin 6 [component: CORE instance: 5]");
	/* the second declaration of the name keeps its id in the name */
	ASSERT_EQ(stlm_de_id(find(s, "CORE.5.FREQUENCY_BIN6@0x00050126")), 0x00050126);
	/* the repeated PSS_BMU block: one name per id */
	ASSERT_EQ(stlm_de_id(find(s, "PSS_BMU.1.READ_BANDWIDTH")), 0x0001E56D);
	ASSERT_EQ(stlm_de_id(find(s, "PSS_BMU.3.READ_BANDWIDTH")), 0x0003E56D);
	ASSERT_NULL(stlm_de_find(s, "PSS.4.CURRENT_TEMPERATURE"));
	/* extra DEs keep their firmware names */
	ASSERT_STREQ(stlm_de_name(stlm_de_get(s, 0x00AA0001)), "extra_a");
	/* the refused formula leaves its declaration out */
	de = find(s, "CORE.0.FREQUENCY");
	ASSERT_NULL(stlm_de_label(de, "display_name"));
	/* "value * 10" on PMIC-VR instance 0 only */
	ASSERT_STREQ(stlm_de_label(find(s, "PMIC-VR.0.RAIL_INPUT_POWER"), "display_name"),
		     "vcpu-power");
	ASSERT_NULL(stlm_de_label(find(s, "PMIC-VR.1.RAIL_INPUT_POWER"), "display_name"));
	ASSERT_OK(stlm_all_set(s, true, false));
	ASSERT_OK(stlm_collection_set(s, STLM_GROUP_ALL, true, STLM_MODE_ON_DEMAND,
				      10000000));
	stlmp_platform_advance(f->p, 10000000);
	ASSERT_OK(stlm_snapshot_new(s, &snap));
	ASSERT_CMP(stlm_snapshot_take(snap, 0), >, 0);
	sm = stlm_snapshot_find(snap, 0x00001607);	/* raw 40007, 10^-2, x10 */
	ASSERT_TRUE(sm && (sm->flags & STLM_SAMPLE_VALID));
	ASSERT_EQ(sm->raw, 40007);
	ASSERT_TRUE(fabs(sm->value - 4000.7) < 1e-9);
	sm = stlm_snapshot_find(snap, 0x00011607);	/* raw 41007, 10^-2 */
	ASSERT_TRUE(sm && fabs(sm->value - 410.07) < 1e-9);
	/* the spec's exponent (-3) wins over the descriptor's (0) */
	sm = stlm_snapshot_find(snap, 0x0000E441);	/* raw 40065 */
	ASSERT_TRUE(sm && (sm->flags & STLM_SAMPLE_VALID));
	ASSERT_EQ(sm->raw, 40065);
	ASSERT_TRUE(fabs(sm->value - 40.065) < 1e-9);
	ASSERT_EQ(stlm_de_unit_exp(find(s, "PSS.0.CURRENT_TEMPERATURE")), 0);
	/* and its unit over the descriptor's (watts) */
	ASSERT_EQ(stlm_de_unit(find(s, "CORE.1.FREQUENCY")), 20);
	ASSERT_EQ(stlm_de_unit(find(s, "CORE.0.FREQUENCY")), 20);
	stlm_snapshot_free(snap);
}

STLM_TEST(catalog_load_and_check)
{
	struct tp_fix *f = fx_open(NULL);
	struct astl_set *set = NULL;
	struct astl_check *k = NULL;
	char err[512];

	ASSERT_NULL(stlm_catalog_name(f->s));
	/* a spec file; gen2 is another platform's */
	ASSERT_EQ(stlm_catalog_load(f->s, data("gen1.json"), err, sizeof(err)), 35);
	ASSERT_STREQ(stlm_catalog_name(f->s), "astl:gen1");
	ASSERT_ERR(stlm_catalog_load(f->s, data("gen2.json"), err, sizeof(err)), -ENOMSG);
	ASSERT_ERR(stlm_catalog_load(f->s, data("platform_lookup.json"), err, sizeof(err)),
		   -EINVAL);
	ASSERT_NOT_NULL(strstr(err, "no catalog by itself"));
	ASSERT_ERR(stlm_catalog_load(f->s, data("bad/count.json"), err, sizeof(err)),
		   -EINVAL);
	ASSERT_NOT_NULL(strstr(err, "layout[0].count: 0 out of range"));
	ASSERT_EQ(stlm_catalog_load(f->s, data("repometa.json"), err, sizeof(err)), 35);

	ASSERT_OK(stlm__astl_set_load(data(""), &set, err, sizeof(err)));
	stlm_test_defer((void (*)(void *))stlm__astl_set_free, set);
	ASSERT_EQ(set->kind, ASTL_DOC_REPOMETA);
	ASSERT_EQ(set->n_items, 2);
	ASSERT_NOT_NULL(set->items[0].metrics);
	ASSERT_NULL(set->items[1].metrics);
	ASSERT_OK(stlm__astl_check(f->s, &set->items[0], &k, err, sizeof(err)));
	ASSERT_TRUE(k->live && k->uuid_match);
	ASSERT_EQ(k->n_targets, 2);
	ASSERT_EQ(k->exp->n_slots, 40);
	ASSERT_EQ(k->exp->n_distinct_ids, 38);
	ASSERT_EQ(k->n_present, 35);
	ASSERT_EQ(k->n_missing, 3);
	ASSERT_EQ(k->n_extra, 2);
	ASSERT_EQ(k->extra[0], 0x00AA0001);
	ASSERT_EQ(k->extra[1], 0x00AA0002);
	ASSERT_EQ(k->n_unit_diffs, 2);
	ASSERT_EQ(k->exp->slots[k->unit_diffs[0].slot].id, 0x0000E441);
	ASSERT_EQ(k->unit_diffs[0].live_exp, 0);
	ASSERT_EQ(k->exp->slots[k->unit_diffs[1].slot].id, 0x0001011D);
	ASSERT_EQ(k->unit_diffs[1].live_unit, 7);
	ASSERT_EQ(k->n_formula_errors, 1);
	ASSERT_EQ(k->n_disabled, 4);	/* CURRENT_TEMPERATURE of PSS 0..3 */
	/* the other spec of the index: not this platform */
	stlm__astl_check_free(k);
	k = NULL;
	ASSERT_OK(stlm__astl_check(f->s, &set->items[1], &k, err, sizeof(err)));
	ASSERT_FALSE(k->uuid_match);
	ASSERT_EQ(k->n_targets, 1);
	/* offline */
	stlm__astl_check_free(k);
	k = NULL;
	ASSERT_OK(stlm__astl_check(NULL, &set->items[0], &k, err, sizeof(err)));
	ASSERT_FALSE(k->live);
	ASSERT_EQ(k->exp->n_slots, 20);
	stlm__astl_check_free(k);
}
