// SPDX-License-Identifier: MIT
/*
 * Copyright (c) 2026 The stlm authors
 *
 * Platform descriptions: the default SoC, generated platforms, a fixture
 * using every field of the JSON format, and malformed descriptions with
 * their exact error messages.
 */
#define STLM_TEST_GROUP "platform-config"
#include "stlm-test.h"

#include <stdlib.h>
#include <time.h>

#include "config-internal.h"
#include "gen.h"
#include "platform.h"

static const struct stlmp_de_cfg *find(const struct stlmp_config *c,
				       uint32_t id)
{
	for (uint32_t i = 0; i < c->n_des; i++)
		if (c->des[i].desc.id == id)
			return &c->des[i];
	return NULL;
}

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	char *buf;
	long n;

	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	buf = calloc(1, (size_t)n + 1);
	if (buf && fread(buf, 1, (size_t)n, f) != (size_t)n) {
		free(buf);
		buf = NULL;
	}
	fclose(f);
	return buf;
}

static void data_path(char *buf, size_t n, const char *name)
{
	snprintf(buf, n, "%s/data/platform/%s", stlm_test_srcdir(), name);
}

/* ---------------------------------------------------------------- */
/* The default SoC                                                  */

STLM_TEST(default_soc)
{
	struct stlmp_config *c = NULL;
	unsigned compo[256] = { 0 }, n_compo = 0, fc = 0, named = 0,
		 unnamed = 0, line = 0, blk = 0, msg_only = 0, grouped = 0;
	bool group_used[64] = { false };
	char err[256];

	ASSERT_OK(stlmp_config_default(&c));
	ASSERT_OK(stlmp_config_validate(c, err, sizeof(err)));
	ASSERT_CMP(c->n_des, >=, 300);
	ASSERT_EQ(c->n_des, 351);
	ASSERT_CMP(c->n_groups, >=, 5);
	ASSERT_EQ(c->n_shmti, 4);
	ASSERT_EQ(c->max_msg_size, 104);
	ASSERT_TRUE(c->notifications && c->single_sample && c->reset &&
		    c->per_group);
	ASSERT_FALSE(c->intervals.range);
	ASSERT_EQ(c->intervals.n, 10);
	ASSERT_EQ(c->intervals.v[0].secs, 1);
	ASSERT_EQ(c->intervals.v[0].exp, -3);
	ASSERT_EQ(c->intervals.v[9].secs, 1);
	ASSERT_EQ(c->intervals.v[9].exp, 0);
	ASSERT_EQ(c->default_interval.secs, 100);
	ASSERT_STREQ(c->name, "default-soc");
	ASSERT_STREQ(c->vendor, "stlm");
	for (uint32_t i = 0; i < c->n_des; i++) {
		const struct stlmp_de_cfg *d = &c->des[i];

		if (!compo[d->desc.compo_type]++)
			n_compo++;
		fc += d->desc.has_fc;
		if (d->desc.has_fc)
			ASSERT_EQ(d->shmti, STLMP_NO_SHMTI);
		if (d->desc.has_name) {
			named++;
			ASSERT_CMP(strlen(d->desc.name), <=, 15);
		} else {
			unnamed++;
		}
		line += d->desc.ts_support == SCMI_TLM_TS_LINE;
		blk += d->desc.ts_support == SCMI_TLM_TS_BLOCK;
		msg_only += !d->desc.has_fc && d->shmti == STLMP_NO_SHMTI;
		if (d->desc.group_id != SCMI_TLM_GROUP_NONE) {
			grouped++;
			ASSERT_CMP(d->desc.group_id, <, c->n_groups);
			group_used[d->desc.group_id] = true;
		}
		ASSERT_EQ(d->desc.id >> 16, 1); /* 0x0001xxxx */
	}
	for (uint32_t g = 0; g < c->n_groups; g++)
		ASSERT_TRUE(group_used[g]);
	ASSERT_EQ(compo[0x01], 120); /* 10 cores x 12 */
	ASSERT_EQ(compo[0x06], 36);  /* 4 memory controllers x 9 */
	ASSERT_EQ(compo[0x03], 30);  /* GPU */
	ASSERT_CMP(n_compo, >=, 10);
	ASSERT_EQ(fc, 5);
	ASSERT_EQ(msg_only, 3);
	ASSERT_CMP(line, >=, 5);
	ASSERT_CMP(blk, >=, 5);
	ASSERT_CMP(named, >=, 200);
	ASSERT_CMP(unnamed, >=, 20);
	ASSERT_CMP(grouped, <, c->n_des); /* some orphans too */

	/* a few DEs spelled out */
	{
		const struct stlmp_de_cfg *d = find(c, 0x00010902);

		ASSERT_NOT_NULL(d);
		ASSERT_STREQ(d->desc.name, "cpu9_temp");
		ASSERT_EQ(d->desc.compo_type, 1);
		ASSERT_EQ(d->desc.compo_instance, 9);
		ASSERT_EQ(d->desc.group_id, 2);
		ASSERT_EQ(d->desc.unit, 2);
		ASSERT_EQ(d->desc.unit_exp, -3);
		ASSERT_EQ(d->shmti, 1);
		ASSERT_EQ(d->gen.kind, STLMP_GEN_RANDOM_WALK);
		d = find(c, 0x00011202);
		ASSERT_NOT_NULL(d);
		ASSERT_STREQ(d->desc.name, "cl2_freq");
		ASSERT_TRUE(d->desc.has_fc);
		ASSERT_EQ(d->desc.ts_support, SCMI_TLM_TS_LINE);
		ASSERT_EQ(d->desc.line_ts_rate, 19200);
		d = find(c, 0x00019101);
		ASSERT_NOT_NULL(d);
		/* battery current is signed */
		ASSERT_U64_EQ(stlmp_gen_predict(&d->gen, 0, d->desc.id,
						0, 0, d->desc.data_size),
			      (uint32_t)-800);
		ASSERT_U64_EQ(stlmp_gen_predict(&d->gen, 0, d->desc.id,
						6000000000ull, 0,
						d->desc.data_size),
			      (uint32_t)-1400);
	}
	stlmp_config_free(c);
}

STLM_TEST(default_soc_json_file_is_embedded)
{
	char path[512];
	char *text;

	snprintf(path, sizeof(path), "%s/../platform/default-soc.json",
		 stlm_test_srcdir());
	text = slurp(path);
	ASSERT_NOT_NULL(text);
	/* platform/default.c must carry the file verbatim */
	ASSERT_STREQ(stlmp_default_soc_json, text);
	free(text);
}

STLM_TEST(default_soc_file_loads)
{
	struct stlmp_config *a = NULL, *b = NULL;
	char path[512], err[256];

	snprintf(path, sizeof(path), "%s/../platform/default-soc.json",
		 stlm_test_srcdir());
	ASSERT_OK(stlmp_config_load(path, &a, err, sizeof(err)));
	ASSERT_OK(stlmp_config_default(&b));
	ASSERT_EQ(a->n_des, b->n_des);
	for (uint32_t i = 0; i < a->n_des; i++) {
		ASSERT_MEMEQ(&a->des[i].desc, &b->des[i].desc,
			     sizeof(a->des[i].desc));
		ASSERT_EQ(a->des[i].shmti, b->des[i].shmti);
	}
	stlmp_config_free(a);
	stlmp_config_free(b);
}

/* ---------------------------------------------------------------- */
/* Generated platforms                                              */

STLM_TEST(generate_100k)
{
	struct stlmp_config *c = NULL, *d = NULL;
	struct timespec t0, t1;
	uint32_t fc = 0;
	char err[256];
	double ms;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	ASSERT_OK(stlmp_config_generate(100000, &c));
	ASSERT_OK(stlmp_config_validate(c, err, sizeof(err)));
	clock_gettime(CLOCK_MONOTONIC, &t1);
	ms = (double)(t1.tv_sec - t0.tv_sec) * 1e3 +
	     (double)(t1.tv_nsec - t0.tv_nsec) / 1e6;
	ASSERT_CMP(ms, <, 2000);
	ASSERT_EQ(c->n_des, 100000);
	ASSERT_EQ(c->n_shmti, 25);
	ASSERT_EQ(c->n_groups, 391);
	ASSERT_EQ(c->max_msg_size, 4096);
	for (uint32_t i = 0; i < c->n_des; i++) {
		fc += c->des[i].desc.has_fc;
		ASSERT_EQ(c->des[i].desc.group_id, i / 256);
	}
	ASSERT_EQ(fc, 25);
	/* deterministic */
	ASSERT_OK(stlmp_config_generate(100000, &d));
	ASSERT_MEMEQ(c->des, d->des, 100000 * sizeof(*c->des));
	ASSERT_MEMEQ(c->shmti_size, d->shmti_size, 25 * sizeof(uint32_t));
	stlmp_config_free(c);
	stlmp_config_free(d);
}

STLM_TEST(generate_sizes)
{
	struct stlmp_config *c = NULL;

	ASSERT_OK(stlmp_config_generate(1, &c));
	ASSERT_EQ(c->n_des, 1);
	ASSERT_EQ(c->n_shmti, 1);
	stlmp_config_free(c);
	ASSERT_OK(stlmp_config_generate(0, &c));
	ASSERT_EQ(c->n_des, 0);
	stlmp_config_free(c);
	c = NULL;
	ASSERT_OK(stlmp_config_generate(STLMP_MAX_DES, &c));
	ASSERT_EQ(c->n_des, STLMP_MAX_DES);
	stlmp_config_free(c);
	c = NULL;
	ASSERT_ERR(stlmp_config_generate(STLMP_MAX_DES + 1, &c), -EINVAL);
	ASSERT_NULL(c);
}

/* ---------------------------------------------------------------- */
/* Every field                                                      */

STLM_TEST(full_fixture)
{
	struct stlmp_config *c = NULL;
	const struct stlmp_de_cfg *d;
	static const uint8_t uuid[16] = { 0x00, 0x11, 0x22, 0x33, 0x44, 0x55,
					  0x66, 0x77, 0x88, 0x99, 0xaa, 0xbb,
					  0xcc, 0xdd, 0xee, 0xff };
	char path[512], err[512] = "";
	int r;

	data_path(path, sizeof(path), "full.json");
	r = stlmp_config_load(path, &c, err, sizeof(err));
	if (r < 0)
		STLM_FAIL_AT("load: %s", err);
	ASSERT_STREQ(c->name, "full");
	ASSERT_STREQ(c->vendor, "ACME");
	ASSERT_STREQ(c->sub_vendor, "ACME-sub");
	ASSERT_STREQ(c->agent_name, "agent-7");
	ASSERT_EQ(c->impl_version, 0x00020003);
	ASSERT_MEMEQ(c->uuid, uuid, 16);
	ASSERT_FALSE(c->notifications);
	ASSERT_TRUE(c->single_sample);
	ASSERT_FALSE(c->reset);
	ASSERT_TRUE(c->per_group);
	ASSERT_EQ(c->max_msg_size, 256);
	ASSERT_EQ(c->max_page_items, 5);
	ASSERT_EQ(c->default_blk_ts_rate, 32768);
	ASSERT_TRUE(c->intervals.range);
	ASSERT_EQ(c->intervals.n, 3);
	ASSERT_EQ(c->intervals.v[0].secs, 250);
	ASSERT_EQ(c->intervals.v[0].exp, -6);
	ASSERT_EQ(c->intervals.v[1].secs, 1);
	ASSERT_EQ(c->intervals.v[1].exp, 0);
	ASSERT_EQ(c->intervals.v[2].secs, 250);
	ASSERT_EQ(c->intervals.v[2].exp, -6);
	ASSERT_EQ(c->default_interval.secs, 5);
	ASSERT_EQ(c->default_interval.exp, -3);
	ASSERT_TRUE(c->boot_on);
	ASSERT_EQ(c->n_boot_des, 2);
	ASSERT_EQ(c->boot_des[0], 0x100);
	ASSERT_EQ(c->boot_des[1], 0x101);
	ASSERT_EQ(c->n_shmti, 3);
	ASSERT_EQ(c->shmti_size[0], 1024);
	ASSERT_EQ(c->shmti_size[1], 128); /* auto: 16+16+16+24+8+8 -> 128 */
	ASSERT_EQ(c->shmti_size[2], 64);
	ASSERT_EQ(c->n_groups, 3);
	ASSERT_EQ(c->groups[0].intervals.n, 0);
	ASSERT_EQ(c->groups[1].intervals.n, 2);
	ASSERT_FALSE(c->groups[1].intervals.range);
	ASSERT_EQ(c->groups[1].intervals.v[1].secs, 20);
	ASSERT_EQ(c->groups[1].intervals.v[1].exp, -3);
	ASSERT_EQ(c->groups[2].intervals.n, 0);
	ASSERT_EQ(c->n_des, 13);

	d = &c->des[0];
	ASSERT_EQ(d->desc.id, 0x100);
	ASSERT_TRUE(d->desc.has_name);
	ASSERT_STREQ(d->desc.name, "const.de");
	ASSERT_EQ(d->desc.type, 5);
	ASSERT_EQ(d->desc.unit, 2);
	ASSERT_EQ(d->desc.unit_exp, -3);
	ASSERT_EQ(d->desc.data_size, 2);
	ASSERT_EQ(d->desc.compo_type, 1);
	ASSERT_EQ(d->desc.compo_instance, 3);
	ASSERT_EQ(d->desc.instance_id, 7);
	ASSERT_EQ(d->desc.group_id, 0);
	ASSERT_EQ(d->desc.ts_support, SCMI_TLM_TS_LINE);
	ASSERT_EQ(d->desc.line_ts_rate, 1000);
	ASSERT_TRUE(d->desc.persistent);
	ASSERT_FALSE(d->desc.has_fc);
	ASSERT_EQ(d->shmti, 1);
	ASSERT_EQ(d->gen.kind, STLMP_GEN_CONST);
	ASSERT_EQ(d->gen.base, -5);

	d = &c->des[1];
	ASSERT_EQ(d->desc.id, 257);
	ASSERT_FALSE(d->desc.has_name);
	ASSERT_EQ(d->desc.type, 6);
	ASSERT_EQ(d->desc.unit, 95);
	ASSERT_EQ(d->desc.unit_exp, 0);
	ASSERT_EQ(d->desc.data_size, 4); /* de_defaults */
	ASSERT_EQ(d->desc.compo_type, 6);
	ASSERT_EQ(d->desc.group_id, 1);
	ASSERT_EQ(d->desc.ts_support, SCMI_TLM_TS_BLOCK);
	ASSERT_EQ(d->desc.line_ts_rate, 0);
	ASSERT_FALSE(d->desc.persistent);
	ASSERT_EQ(d->shmti, 0); /* default */
	ASSERT_EQ(d->gen.kind, STLMP_GEN_COUNTER);
	ASSERT_EQ(d->gen.base, 10);
	ASSERT_TRUE(d->gen.rate == 2.5);

	d = &c->des[2];
	ASSERT_STREQ(d->desc.name, "fc");
	ASSERT_TRUE(d->desc.has_fc);
	ASSERT_EQ(d->desc.fc_size, 16);
	ASSERT_EQ(d->shmti, STLMP_NO_SHMTI);
	ASSERT_EQ(d->desc.type, 3);
	ASSERT_EQ(d->desc.unit, 8);
	ASSERT_EQ(d->desc.data_size, 8);
	ASSERT_EQ(d->desc.group_id, SCMI_TLM_GROUP_NONE);
	ASSERT_EQ(d->gen.kind, STLMP_GEN_PERIODIC);
	ASSERT_EQ(d->gen.base, 100);
	ASSERT_TRUE(d->gen.amplitude == 50);
	ASSERT_EQ(d->gen.period_ms, 2000);
	ASSERT_EQ(d->gen.min, 60);
	ASSERT_EQ(d->gen.max, 140);

	d = &c->des[3];
	ASSERT_EQ(d->shmti, STLMP_NO_SHMTI);
	ASSERT_FALSE(d->desc.has_fc);
	ASSERT_EQ(d->desc.group_id, SCMI_TLM_GROUP_NONE);
	ASSERT_EQ(d->desc.type, 7);
	ASSERT_EQ(d->desc.unit, 94);
	ASSERT_EQ(d->gen.kind, STLMP_GEN_STEP);
	ASSERT_EQ(d->gen.n_states, 3);
	ASSERT_EQ(d->gen.states[2], 2);
	ASSERT_EQ(d->gen.dwell_ms, 500);

	d = &c->des[4];
	ASSERT_EQ(d->desc.type, 0xF3);
	ASSERT_EQ(d->desc.unit, 255);
	ASSERT_EQ(d->desc.compo_type, 0xE1);
	ASSERT_EQ(d->desc.group_id, SCMI_TLM_GROUP_NONE);
	ASSERT_EQ(d->shmti, 2);
	ASSERT_EQ(d->gen.kind, STLMP_GEN_RANDOM_WALK);
	ASSERT_EQ(d->gen.base, 50);
	ASSERT_EQ(d->gen.min, 0);
	ASSERT_EQ(d->gen.max, 100);
	ASSERT_EQ(d->gen.step, 3);

	d = &c->des[5];
	ASSERT_EQ(d->desc.unit, 7); /* de_defaults: watts */
	ASSERT_EQ(d->gen.kind, STLMP_GEN_REPLAY);
	ASSERT_EQ(d->gen.n_samples, 3);
	ASSERT_EQ(d->gen.samples[0], 10);
	ASSERT_EQ(d->gen.samples[1], 0x20);
	ASSERT_EQ(d->gen.samples[2], -3);

	d = &c->des[6];
	ASSERT_EQ(d->gen.n_samples, 3);
	ASSERT_EQ(d->gen.samples[1], -2);
	ASSERT_EQ(d->gen.samples[2], 3);

	/* the repeat block: instances 4, 5, 6 of two templates */
	for (uint32_t k = 0; k < 3; k++) {
		char name[16];

		d = &c->des[7 + 2 * k];
		snprintf(name, sizeof(name), "g%u.a%u", 4 + k, k);
		ASSERT_EQ(d->desc.id, 0x200 + 0x10 * k);
		ASSERT_STREQ(d->desc.name, name);
		ASSERT_EQ(d->desc.compo_type, 3);
		ASSERT_EQ(d->desc.compo_instance, 4 + k);
		ASSERT_EQ(d->desc.instance_id, k);
		ASSERT_EQ(d->desc.group_id, 1);
		ASSERT_EQ(d->desc.data_size, 4);
		ASSERT_EQ(d->shmti, 0);
		d = &c->des[8 + 2 * k];
		ASSERT_EQ(d->desc.id, 0x201 + 0x10 * k);
		ASSERT_FALSE(d->desc.has_name);
		ASSERT_EQ(d->desc.unit, 20);
		ASSERT_EQ(d->desc.compo_instance, 4 + k);
		ASSERT_TRUE(d->desc.has_fc);
		/* "shmti" from the block defaults does not apply to FC DEs */
		ASSERT_EQ(d->shmti, STLMP_NO_SHMTI);
	}
	ASSERT_OK(stlmp_config_validate(c, err, sizeof(err)));
	stlmp_config_free(c);
}

STLM_TEST(minimal_defaults)
{
	struct stlmp_config *c = NULL;
	char err[256];

	ASSERT_OK(stlmp_config_parse("{\"des\": [{\"id\": 7}]}", "min.json",
				     &c, err, sizeof(err)));
	ASSERT_STREQ(c->name, "min.json");
	ASSERT_STREQ(c->vendor, "stlm");
	ASSERT_EQ(c->max_msg_size, 104);
	ASSERT_EQ(c->intervals.n, 4);
	ASSERT_EQ(c->default_interval.secs, 100);
	ASSERT_EQ(c->default_interval.exp, -3);
	ASSERT_EQ(c->n_shmti, 1);
	ASSERT_EQ(c->shmti_size[0], 64);
	ASSERT_EQ(c->n_groups, 0);
	ASSERT_EQ(c->n_des, 1);
	ASSERT_EQ(c->des[0].desc.data_size, 8);
	ASSERT_EQ(c->des[0].desc.group_id, SCMI_TLM_GROUP_NONE);
	ASSERT_EQ(c->des[0].shmti, 0);
	ASSERT_EQ(c->des[0].gen.kind, STLMP_GEN_CONST);
	ASSERT_FALSE(c->notify_all_des);
	stlmp_config_free(c);
	c = NULL;
	ASSERT_OK(stlmp_config_parse("{\"notify_all_des\": true, \"des\": [{\"id\": 7}]}",
				     "all.json", &c, err, sizeof(err)));
	ASSERT_TRUE(c->notify_all_des);
	stlmp_config_free(c);
	c = NULL;
	ASSERT_ERR(stlmp_config_parse("{\"notify_all_des\": 1, \"des\": [{\"id\": 7}]}",
				      "bad.json", &c, err, sizeof(err)), -EINVAL);
	ASSERT_NOT_NULL(strstr(err, "notify_all_des"));

	/* default_interval: the list's own 100ms entry, as it is encoded */
	ASSERT_OK(stlmp_config_parse(
		"{\"intervals\": [\"100000us\", \"2s\"], \"des\": []}",
		"t.json", &c, err, sizeof(err)));
	ASSERT_EQ(c->intervals.v[0].secs, 10000); /* scaled to fit 16 bits */
	ASSERT_EQ(c->intervals.v[0].exp, -5);
	ASSERT_EQ(c->default_interval.secs, 10000);
	ASSERT_EQ(c->default_interval.exp, -5);
	stlmp_config_free(c);

	/* ... else the first entry */
	ASSERT_OK(stlmp_config_parse(
		"{\"intervals\": [\"250us\", \"2s\"], \"des\": []}",
		"t.json", &c, err, sizeof(err)));
	ASSERT_EQ(c->default_interval.secs, 250);
	ASSERT_EQ(c->default_interval.exp, -6);
	stlmp_config_free(c);

	/* ... or 100ms inside a range */
	ASSERT_OK(stlmp_config_parse(
		"{\"intervals\": {\"min\": \"10ms\", \"max\": \"1s\", \"step\": \"10ms\"},"
		" \"des\": []}",
		"t.json", &c, err, sizeof(err)));
	ASSERT_EQ(c->default_interval.secs, 100);
	ASSERT_EQ(c->default_interval.exp, -3);
	stlmp_config_free(c);

	/* boot_des "all", groups as a count, shmti count + size */
	ASSERT_OK(stlmp_config_parse(
		"{\"boot_on\": true, \"boot_des\": \"all\", \"groups\": 2,"
		" \"linux_unsafe\": true,"
		" \"shmti\": {\"count\": 3, \"size\": 256},"
		" \"des\": [{\"id\": 1, \"group\": 1, \"shmti\": 2},"
		" {\"id\": 2, \"group\": \"1\"}]}",
		"t.json", &c, err, sizeof(err)));
	ASSERT_EQ(c->n_boot_des, 2);
	ASSERT_EQ(c->boot_des[1], 2);
	ASSERT_EQ(c->n_groups, 2);
	ASSERT_EQ(c->n_shmti, 3);
	ASSERT_EQ(c->shmti_size[2], 256);
	ASSERT_EQ(c->des[1].desc.group_id, 1);
	stlmp_config_free(c);
}

/* ---------------------------------------------------------------- */
/* Errors                                                           */

struct bad {
	const char *json;
	const char *msg;
};

static const struct bad bad_docs[] = {
	/* syntax */
	{ "{\n  \"des\": [\n    {\"id\": 1,}\n  ]\n}",
	  "t.json:3:14: unexpected character" },
	{ "{\"des\": [", "t.json:1:10: unexpected end of input" },
	{ "{\"des\": []} x", "t.json:1:13: unexpected character" },
	{ "{\"des\": [] /* no comments */}", "t.json:1:12: object value separator ',' expected" },
	{ "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]",
	  "t.json:1:33: nesting too deep" },
	{ "", "t.json:1:1: unexpected end of input" },
	/* structure */
	{ "[]", "t.json: expected a platform description object, got an array" },
	{ "{}", "t.json: missing \"des\"" },
	{ "{\"des\": [], \"vendr\": \"x\"}", "t.json: unknown key 'vendr'" },
	{ "{\"des\": {}}", "t.json: des: expected an array, got an object" },
	{ "{\"des\": [{\"id\": 1, \"colour\": \"red\"}]}",
	  "t.json: des[0]: unknown key 'colour'" },
	{ "{\"des\": [{\"name\": \"x\"}]}", "t.json: des[0]: missing \"id\"" },
	{ "{\"capabilities\": {\"notification\": true}, \"des\": []}",
	  "t.json: capabilities: unknown key 'notification'" },
	{ "{\"capabilities\": {\"reset\": 1}, \"des\": []}",
	  "t.json: capabilities.reset: expected true or false, got an integer" },
	/* values */
	{ "{\"des\": [{\"id\": 1}, {\"id\": 2, \"unit\": \"celcius\"}]}",
	  "t.json: des[1].unit: unknown unit 'celcius'" },
	{ "{\"des\": [{\"id\": 1, \"unit\": 96}]}",
	  "t.json: des[0].unit: reserved unit 96" },
	{ "{\"des\": [{\"id\": 1, \"type\": \"instant\"}]}",
	  "t.json: des[0].type: unknown DE type 'instant'" },
	{ "{\"des\": [{\"id\": 1, \"type\": 8}]}",
	  "t.json: des[0].type: reserved DE type 8" },
	{ "{\"des\": [{\"id\": 1, \"component\": \"cpus\"}]}",
	  "t.json: des[0].component: unknown component type 'cpus'" },
	{ "{\"des\": [{\"id\": true}]}",
	  "t.json: des[0].id: expected an integer, got a boolean" },
	{ "{\"des\": [{\"id\": 1.5}]}",
	  "t.json: des[0].id: expected an integer, got a non-integer number" },
	{ "{\"des\": [{\"id\": -1}]}",
	  "t.json: des[0].id: -1 out of range [0, 0xFFFFFFFF]" },
	{ "{\"des\": [{\"id\": \"0x1G\"}]}",
	  "t.json: des[0].id: '0x1G' is not an integer" },
	{ "{\"des\": [{\"id\": 18446744073709551615}]}",
	  "t.json: des[0].id: integer too large (write it as a \"0x...\" string)" },
	{ "{\"des\": [{\"id\": 1, \"name\": \"sixteen_chars_xx\"}]}",
	  "t.json: des[0].name: name 'sixteen_chars_xx' longer than 15 characters" },
	{ "{\"des\": [{\"id\": 1, \"name\": \"a\\u0001b\"}]}",
	  "t.json: des[0].name: non-printable character in name 'a\001b'" },
	{ "{\"des\": [{\"id\": 1, \"name\": \"cpu{i}\"}]}",
	  "t.json: des[0].name: '{i}' and '{k}' are only allowed in a repeat block" },
	{ "{\"des\": [{\"id\": 1, \"data_size\": 9}]}",
	  "t.json: des[0].data_size: 9 out of range [1, 8]" },
	{ "{\"de_defaults\": {\"data_size\": 0}, \"des\": [{\"id\": 1}]}",
	  "t.json: de_defaults.data_size: 0 out of range [1, 8]" },
	{ "{\"de_defaults\": {\"id\": 1}, \"des\": []}",
	  "t.json: de_defaults: unknown key 'id'" },
	{ "{\"des\": [{\"id\": 1, \"unit_exp\": 128}]}",
	  "t.json: des[0].unit_exp: 128 out of range [-128, 127]" },
	{ "{\"des\": [{\"id\": 1, \"component_instance\": 65536}]}",
	  "t.json: des[0].component_instance: 65536 out of range [0, 65535]" },
	{ "{\"des\": [{\"id\": 1, \"timestamps\": \"lines\"}]}",
	  "t.json: des[0].timestamps: unknown timestamps 'lines' (none, line or block)" },
	{ "{\"des\": [{\"id\": 1, \"line_ts_rate\": 5}]}",
	  "t.json: des[0].line_ts_rate: line_ts_rate needs timestamps \"line\"" },
	{ "{\"des\": [{\"id\": 1, \"timestamps\": \"line\", \"line_ts_rate\": 0}]}",
	  "t.json: des[0].line_ts_rate: 0 out of range [1, 0xFFFFFFFF]" },
	{ "{\"des\": [{\"id\": 1}, {\"id\": \"0x1\"}]}",
	  "t.json: des[1].id: duplicate id 0x00000001 (first at des[0])" },
	{ "{\"groups\": 2, \"des\": [{\"id\": 1, \"group\": 2}]}",
	  "t.json: des[0].group: group 2 out of range (2 groups)" },
	{ "{\"groups\": [{\"name\": \"cpu\"}], \"des\": [{\"id\": 1, \"group\": \"gpu\"}]}",
	  "t.json: des[0].group: unknown group 'gpu'" },
	{ "{\"groups\": [{\"name\": \"a\"}, {\"name\": \"a\"}], \"des\": []}",
	  "t.json: groups[1].name: duplicate group name 'a'" },
	{ "{\"groups\": [{\"intervals\": [\"1s\"]}], \"des\": []}",
	  "t.json: groups[0].intervals: per-group intervals need capabilities.per_group" },
	{ "{\"des\": [{\"id\": 1, \"fastchannel\": true, \"shmti\": 0}]}",
	  "t.json: des[0].shmti: a FastChannel DE must have shmti \"none\" (it is read only through its FastChannel)" },
	{ "{\"shmti\": {\"count\": 1, \"size\": 1024}, \"des\": [{\"id\": 1, \"shmti\": 1}]}",
	  "t.json: des[0].shmti: shmti 1 out of range (1 SHMTIs)" },
	/* intervals */
	{ "{\"intervals\": [\"10ms\", \"5ms\"], \"des\": []}",
	  "t.json: intervals[1]: 5ms not above the previous interval 10ms (the list must be strictly ascending)" },
	{ "{\"intervals\": [\"10ms\", \"10000us\"], \"des\": []}",
	  "t.json: intervals[1]: 10000us not above the previous interval 10ms (the list must be strictly ascending)" },
	{ "{\"intervals\": [\"10 ms\"], \"des\": []}",
	  "t.json: intervals[0]: bad interval '10 ms' (want e.g. \"10ms\", \"250us\", \"1s\")" },
	{ "{\"intervals\": [\"0ms\"], \"des\": []}",
	  "t.json: intervals[0]: interval must be > 0" },
	{ "{\"intervals\": [\"65537ms\"], \"des\": []}",
	  "t.json: intervals[0]: interval '65537ms' cannot be encoded" },
	{ "{\"intervals\": [], \"des\": []}", "t.json: intervals: empty interval list" },
	{ "{\"intervals\": [{\"secs\": 1, \"exp\": 16}], \"des\": []}",
	  "t.json: intervals[0].exp: 16 out of range [-16, 15]" },
	{ "{\"intervals\": [{\"secs\": 1}], \"des\": []}",
	  "t.json: intervals[0]: an interval object needs \"secs\" and \"exp\"" },
	{ "{\"intervals\": {\"min\": \"1s\", \"max\": \"1ms\", \"step\": \"1ms\"}, \"des\": []}",
	  "t.json: intervals.max: max 1ms below min 1s" },
	{ "{\"intervals\": {\"min\": \"1ms\", \"max\": \"1s\"}, \"des\": []}",
	  "t.json: intervals: an interval range needs \"min\", \"max\" and \"step\"" },
	{ "{\"default_interval\": \"15ms\", \"des\": []}",
	  "t.json: default_interval: 15ms is not one of the intervals" },
	{ "{\"intervals\": {\"min\": \"1ms\", \"max\": \"1s\", \"step\": \"2ms\"}, \"default_interval\": \"2ms\", \"des\": []}",
	  "t.json: default_interval: 2ms is not one of the intervals" },
	/* top-level values */
	{ "{\"max_msg_size\": 32, \"des\": []}",
	  "t.json: max_msg_size: 32 out of range [64, 1048576]" },
	{ "{\"uuid\": \"00112233-4455\", \"des\": []}",
	  "t.json: uuid: bad UUID '00112233-4455'" },
	{ "{\"vendor\": \"a vendor name too long\", \"des\": []}",
	  "t.json: vendor: 'a vendor name too long' longer than 15 characters" },
	{ "{\"boot_on\": true, \"boot_des\": [5], \"des\": [{\"id\": 1}]}",
	  "t.json: boot_des[0]: unknown DE 0x00000005" },
	{ "{\"boot_des\": [1, 2, 1], \"des\": [{\"id\": 1}, {\"id\": 2}]}",
	  "t.json: boot_des[2]: DE 0x00000001 listed twice" },
	{ "{\"boot_des\": \"some\", \"des\": []}",
	  "t.json: boot_des: expected a list of DE ids or \"all\", got a string" },
	/* SHMTIs */
	{ "{\"shmti\": {\"count\": 1, \"size\": 100}, \"des\": []}",
	  "t.json: shmti.size: size 100 is not a multiple of 8" },
	{ "{\"shmti\": {\"count\": 1, \"size\": 16}, \"des\": []}",
	  "t.json: shmti.size: 16 out of range [24, 67108864]" },
	{ "{\"shmti\": {\"sizes\": [64]}, \"des\": [{\"id\": 1}, {\"id\": 2}]}",
	  "t.json: shmti.sizes[0]: SHMTI 0 of 64 bytes is too small for its 2 DEs (needs 80)" },
	{ "{\"shmti\": {\"count\": 2, \"size\": 64}, \"des\": [{\"id\": 1, \"timestamps\": \"line\", \"shmti\": 1}]}",
	  "t.json: shmti.size: SHMTI 1 of 64 bytes is too small for its 1 DEs (needs 72)" },
	{ "{\"shmti\": {\"count\": 70000, \"size\": 64}, \"des\": []}",
	  "t.json: shmti.count: 70000 out of range [0, 65535]" },
	{ "{\"shmti\": {\"count\": 1}, \"des\": []}",
	  "t.json: shmti: needs \"count\" and \"size\", or \"sizes\"" },
	{ "{\"shmti\": {\"count\": 1, \"size\": 64, \"sizes\": [64]}, \"des\": []}",
	  "t.json: shmti: use either \"sizes\" or \"count\" and \"size\"" },
	/* generators */
	{ "{\"des\": [{\"id\": 1, \"generator\": {\"kind\": \"sine\"}}]}",
	  "t.json: des[0].generator.kind: unknown generator kind 'sine'" },
	{ "{\"des\": [{\"id\": 1, \"generator\": {\"rate\": 1}}]}",
	  "t.json: des[0].generator: generator needs a \"kind\"" },
	{ "{\"des\": [{\"id\": 1, \"generator\": {\"kind\": \"counter\", \"rate\": 1, \"period\": \"1s\"}}]}",
	  "t.json: des[0].generator: unknown key 'period'" },
	{ "{\"des\": [{\"id\": 1, \"generator\": {\"kind\": \"counter\"}}]}",
	  "t.json: des[0].generator: counter needs a \"rate\" (per second)" },
	{ "{\"des\": [{\"id\": 1, \"generator\": {\"kind\": \"periodic\", \"base\": 1}}]}",
	  "t.json: des[0].generator: periodic needs a \"period\"" },
	{ "{\"des\": [{\"id\": 1, \"generator\": {\"kind\": \"periodic\", \"period\": \"1500us\"}}]}",
	  "t.json: des[0].generator.period: duration must be a whole number of ms" },
	{ "{\"des\": [{\"id\": 1, \"generator\": {\"kind\": \"random_walk\", \"min\": 5, \"max\": 5}}]}",
	  "t.json: des[0].generator.max: max 5 must be > min 5" },
	{ "{\"des\": [{\"id\": 1, \"generator\": {\"kind\": \"random_walk\", \"min\": 5}}]}",
	  "t.json: des[0].generator: \"min\" and \"max\" go together" },
	{ "{\"des\": [{\"id\": 1, \"generator\": {\"kind\": \"random_walk\", \"start\": 50, \"min\": 0, \"max\": 10}}]}",
	  "t.json: des[0].generator.start: start 50 outside [min, max]" },
	{ "{\"des\": [{\"id\": 1, \"generator\": {\"kind\": \"step\", \"states\": [0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16], \"dwell\": 1}}]}",
	  "t.json: des[0].generator.states: want 1 to 16 states, got 17" },
	{ "{\"des\": [{\"id\": 1, \"generator\": {\"kind\": \"step\", \"states\": [1]}}]}",
	  "t.json: des[0].generator: step needs a \"dwell\" time" },
	{ "{\"des\": [{\"id\": 1, \"generator\": {\"kind\": \"replay\"}}]}",
	  "t.json: des[0].generator: replay needs exactly one of \"file\" and \"samples\"" },
	{ "{\"des\": [{\"id\": 1, \"generator\": {\"kind\": \"replay\", \"samples\": [1, \"x\"]}}]}",
	  "t.json: des[0].generator.samples[1]: 'x' is not an integer" },
	/* repeat blocks */
	{ "{\"des\": [{\"repeat\": {\"count\": 20}, \"des\": [{\"id\": 1, \"name\": \"cpu{i}_frequencyx\"}]}]}",
	  "t.json: des[0][i=10].des[0].name: name 'cpu10_frequencyx' longer than 15 characters" },
	{ "{\"des\": [{\"repeat\": {\"count\": 2, \"first\": 3, \"id_step\": 16}, \"des\": [{\"id\": 1}, {\"id\": 2}]}, {\"id\": 2}]}",
	  "t.json: des[1].id: duplicate id 0x00000002 (first at des[0][i=3].des[1])" },
	{ "{\"des\": [{\"repeat\": {\"count\": 2000000}, \"des\": [{\"id\": 1}]}]}",
	  "t.json: des[0].repeat.count: 2000000 out of range [1, 1000000]" },
	{ "{\"des\": [{\"repeat\": {\"count\": 600000}, \"des\": [{\"id\": 1}, {\"id\": 2}]}]}",
	  "t.json: des[0].repeat.count: more than 1000000 DEs" },
	{ "{\"des\": [{\"repeat\": {\"count\": 2, \"id_step\": \"0x80000000\"}, \"des\": [{\"id\": \"0x80000000\"}]}]}",
	  "t.json: des[0][i=1].des[0].id: id 0x100000000 out of range" },
	{ "{\"des\": [{\"repeat\": {\"count\": 300, \"first\": 1}, \"des\": [{\"id\": 1, \"de_instance\": \"{i}\"}]}]}",
	  "t.json: des[0][i=256].des[0].de_instance: 256 out of range [0, 255]" },
	{ "{\"des\": [{\"repeat\": {\"count\": 2}, \"des\": [{\"repeat\": {\"count\": 2}, \"des\": []}]}]}",
	  "t.json: des[0].des[0]: repeat blocks do not nest" },
	{ "{\"des\": [{\"repeat\": {\"count\": 2, \"step\": 1}, \"des\": [{\"id\": 1}]}]}",
	  "t.json: des[0].repeat: unknown key 'step'" },
	{ "{\"des\": [{\"repeat\": {\"count\": 2}, \"defaults\": {\"unit\": \"wats\"}, \"des\": [{\"id\": 1}]}]}",
	  "t.json: des[0].defaults.unit: unknown unit 'wats'" },
	{ "{\"des\": [{\"repeat\": {\"count\": 2}, \"des\": []}]}",
	  "t.json: des[0].des: empty template list" },
	{ "{\"des\": [{\"id\": 1, \"component_instance\": \"{i}\"}]}",
	  "t.json: des[0].component_instance: '{i}' is only allowed in a repeat block" },
};

STLM_TEST(malformed_documents)
{
	for (size_t i = 0; i < sizeof(bad_docs) / sizeof(bad_docs[0]); i++) {
		struct stlmp_config *c = NULL;
		char err[512] = "";
		int r = stlmp_config_parse(bad_docs[i].json, "t.json", &c, err,
					   sizeof(err));

		if (r != -EINVAL || c || strcmp(err, bad_docs[i].msg)) {
			fprintf(stderr, "case %zu: %s\n  got %d: %s\n want: %s\n",
				i, bad_docs[i].json, r, err, bad_docs[i].msg);
			ASSERT_ERR(r, -EINVAL);
			ASSERT_NULL(c);
			ASSERT_STREQ(err, bad_docs[i].msg);
		}
	}
}

/* Replace "@1" and "@2" in tpl by a and b. */
static void expand(char *out, size_t n, const char *tpl, const char *a,
		   const char *b)
{
	size_t o = 0;

	for (const char *p = tpl; *p && o + 1 < n; p++) {
		const char *r = NULL;

		if (p[0] == '@' && p[1] == '1')
			r = a;
		else if (p[0] == '@' && p[1] == '2')
			r = b;
		if (r) {
			o += (size_t)snprintf(out + o, n - o, "%s", r);
			p++;
		} else {
			out[o++] = *p;
		}
	}
	out[o < n ? o : n - 1] = '\0';
}

static void load_fails(const char *file, int want_r, const char *want_fmt)
{
	struct stlmp_config *c = NULL;
	char path[512], dir[512], want[1200], err[1024] = "";

	data_path(path, sizeof(path), file);
	data_path(dir, sizeof(dir), "");
	dir[strlen(dir) - 1] = '\0';
	ASSERT_ERR(stlmp_config_load(path, &c, err, sizeof(err)), want_r);
	ASSERT_NULL(c);
	expand(want, sizeof(want), want_fmt, path, dir);
	ASSERT_STREQ(err, want);
}

STLM_TEST(malformed_files)
{
	load_fails("bad-syntax.json", -EINVAL, "@1:3:12: unexpected character");
	load_fails("bad-replay.json", -EINVAL,
		   "@1: des[0].generator.file: @2/bad.csv:4: not a number 'three'");
	load_fails("missing-replay.json", -EINVAL,
		   "@1: des[0].generator.file: @2/no-such.csv: No such file or directory");
	load_fails("no-such.json", -ENOENT, "@1: No such file or directory");
	load_fails(".", -EISDIR, "@1: not a regular file");
}

STLM_TEST(validate_struct)
{
	struct stlmp_config *c = NULL;
	struct stlmp_de_cfg *d;
	char err[256];

	ASSERT_OK(stlmp_config_parse(
		"{\"name\": \"v\", \"groups\": 1, \"shmti\": {\"count\": 1, \"size\": 256},"
		" \"des\": [{\"id\": 1}, {\"id\": 2}, {\"id\": 3}]}",
		"v.json", &c, err, sizeof(err)));
	ASSERT_OK(stlmp_config_validate(c, err, sizeof(err)));
	d = &c->des[2];

	d->desc.id = 1;
	ASSERT_ERR(stlmp_config_validate(c, err, sizeof(err)), -EINVAL);
	ASSERT_STREQ(err, "v: des[2].id: duplicate id 0x00000001 (first at des[0])");
	d->desc.id = 3;

	d->desc.group_id = 1;
	ASSERT_ERR(stlmp_config_validate(c, err, sizeof(err)), -EINVAL);
	ASSERT_STREQ(err, "v: des[2].group: group 1 out of range (1 groups)");
	d->desc.group_id = SCMI_TLM_GROUP_NONE;

	d->desc.has_fc = true;
	ASSERT_ERR(stlmp_config_validate(c, err, sizeof(err)), -EINVAL);
	ASSERT_STREQ(err, "v: des[2].shmti: a FastChannel DE must have shmti \"none\" (it is read only through its FastChannel)");
	d->shmti = STLMP_NO_SHMTI;
	ASSERT_OK(stlmp_config_validate(c, err, sizeof(err)));
	d->desc.has_fc = false;
	d->shmti = 0;

	d->desc.data_size = 0;
	ASSERT_ERR(stlmp_config_validate(c, err, sizeof(err)), -EINVAL);
	ASSERT_STREQ(err, "v: des[2].data_size: 0 out of range [1, 8]");
	d->desc.data_size = 8;

	d->desc.ts_support = SCMI_TLM_TS_LINE;
	ASSERT_ERR(stlmp_config_validate(c, err, sizeof(err)), -EINVAL);
	ASSERT_STREQ(err, "v: des[2].line_ts_rate: line timestamps need a rate > 0");
	d->desc.ts_support = SCMI_TLM_TS_NONE;

	d->desc.has_name = true;
	memset(d->desc.name, 'a', 16);
	ASSERT_ERR(stlmp_config_validate(c, err, sizeof(err)), -EINVAL);
	ASSERT_STREQ(err, "v: des[2].name: longer than 15 characters");
	d->desc.has_name = false;

	d->gen.kind = STLMP_GEN_STEP;
	ASSERT_ERR(stlmp_config_validate(c, err, sizeof(err)), -EINVAL);
	ASSERT_STREQ(err, "v: des[2].generator: want 1 to 16 states");
	d->gen.kind = STLMP_GEN_CONST;

	c->shmti_size[0] = 64;
	ASSERT_ERR(stlmp_config_validate(c, err, sizeof(err)), -EINVAL);
	ASSERT_STREQ(err, "v: shmti[0]: SHMTI 0 of 64 bytes is too small for its 3 DEs (needs 96)");
	c->shmti_size[0] = 256;

	c->max_msg_size = 63;
	ASSERT_ERR(stlmp_config_validate(c, err, sizeof(err)), -EINVAL);
	ASSERT_STREQ(err, "v: max_msg_size: 63 out of range [64, 1048576]");
	c->max_msg_size = 104;

	c->default_interval = (struct scmi_tlm_interval){ 3, -3 };
	ASSERT_ERR(stlmp_config_validate(c, err, sizeof(err)), -EINVAL);
	ASSERT_STREQ(err, "v: default_interval: 3ms is not one of the intervals");
	c->default_interval = c->intervals.v[0];

	ASSERT_OK(stlmp_config_validate(c, err, sizeof(err)));
	stlmp_config_free(c);
	stlmp_config_free(NULL);
}

/* ---------------------------------------------------------------- */
/* Linux rules: descriptions the Linux driver cannot take are refused */

static const struct {
	const char *json, *msg;
} linux_hostile[] = {
	{ "{\"shmti\": {\"count\": 0, \"size\": 64}, \"des\": []}",
	  "t.json: shmti: no SHMTI: the Linux driver sizes its UUID table "
	  "2 * num_shmti and faults at probe without one" },
	{ "{\"max_msg_size\": 67, \"des\": []}",
	  "t.json: max_msg_size: 67 is too small: a 56-byte DE descriptor "
	  "needs a 68-byte DE_DESCRIPTION reply, and the Linux driver cannot "
	  "enumerate past a descriptor that does not fit" },
	{ "{\"groups\": 1, \"shmti\": {\"count\": 2, \"size\": 64},"
	  " \"des\": [{\"id\": 1, \"group\": 0}, {\"id\": 2, \"group\": 0,"
	  " \"shmti\": 1}]}",
	  "t.json: des[1]: group 0 spread over SHMTIs 0 and 1: the Linux "
	  "driver rescans only the SHMTI named in the DE_CONFIGURE reply, so "
	  "the group's other lines would go stale" },
};

STLM_TEST(linux_rules)
{
	for (size_t i = 0; i < ARRAY_SIZE(linux_hostile); i++) {
		struct stlmp_config *c = NULL;
		char err[512] = "", doc[512];
		int r = stlmp_config_parse(linux_hostile[i].json, "t.json", &c,
					   err, sizeof(err));

		if (r != -EINVAL || c || strcmp(err, linux_hostile[i].msg))
			STLM_FAIL_AT("case %zu: got %d: %s\n want: %s", i, r,
				     err, linux_hostile[i].msg);
		/* allowed only when the description asks for it */
		snprintf(doc, sizeof(doc), "{\"linux_unsafe\": true, %s",
			 linux_hostile[i].json + 1);
		ASSERT_OK(stlmp_config_parse(doc, "t.json", &c, err,
					     sizeof(err)));
		ASSERT_TRUE(c->linux_unsafe);
		stlmp_config_free(c);
	}
}
