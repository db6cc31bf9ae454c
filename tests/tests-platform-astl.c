// SPDX-License-Identifier: MIT
/*
 * Copyright (c) 2026 The stlm authors
 *
 * Platforms built from ASTL spec files (stlmp_config_from_astl): DE ids,
 * units, exponents, components, names, duplicate ids, generators, and the
 * SHMTI lines at the spec's offsets as an agent sees them. The fixtures
 * are in tests/data/astl-platform; the Phoenix checks use the ASTL data
 * set ($STLM_ASTL_DATASET, default ../shared/datasets/astl from the
 * source root) and are skipped without it.
 */
#define STLM_TEST_GROUP "platform-astl"
#include "stlm-test.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "astl.h"
#include "config-internal.h"
#include "gen.h"
#include "tagent.h"
#include "tplat.h"

#define TO 2000

/* Warnings collected from the builder. */
struct warns {
	unsigned n;
	char text[8][512];
};

static void on_warn(void *data, const char *msg)
{
	struct warns *w = data;

	if (w->n < 8)
		snprintf(w->text[w->n], sizeof(w->text[0]), "%s", msg);
	w->n++;
}

static void fixture(char *buf, size_t n, const char *name)
{
	snprintf(buf, n, "%s/data/astl-platform/%s", stlm_test_srcdir(), name);
}

/* The ASTL data set directory, or skip the case. */
static void dataset(char *buf, size_t n, const char *name)
{
	const char *env = getenv("STLM_ASTL_DATASET");
	char dir[2048];
	FILE *f;

	if (env && env[0])
		snprintf(dir, sizeof(dir), "%s", env);
	else
		snprintf(dir, sizeof(dir), "%s/../../shared/datasets/astl",
			 stlm_test_srcdir());
	snprintf(buf, n, "%s/%s", dir, name);
	f = fopen(buf, "r");
	if (!f)
		STLM_SKIP("ASTL data set not found (set STLM_ASTL_DATASET)");
	fclose(f);
}

static struct stlmp_config *build1(const char *path, uint32_t targets,
				   struct warns *w)
{
	struct stlmp_config *c = NULL;
	const char *paths[1] = { path };
	char err[512];
	int r;

	r = stlmp_config_from_astl(paths, &targets, 1, &c, on_warn, w, err,
				   sizeof(err));
	if (r < 0)
		fprintf(stderr, "  %s\n", err);
	ASSERT_OK(r);
	ASSERT_OK(stlmp_config_validate(c, err, sizeof(err)));
	return c;
}

static const struct stlmp_de_cfg *find(const struct stlmp_config *c,
				       uint32_t id)
{
	for (uint32_t i = 0; i < c->n_des; i++)
		if (c->des[i].desc.id == id)
			return &c->des[i];
	return NULL;
}

/* ---------------------------------------------------------------- */
/* Descriptions                                                     */

STLM_TEST(gen1_fixture)
{
	struct warns w = { 0 };
	char path[4096];
	struct stlmp_config *c;
	const struct stlmp_de_cfg *d;
	static const uint8_t uuid[16] = { 0x53, 0x54, 0x4C, 0x4D, 0x41, 0x53,
					  0x54, 0x4C, 0x80, 0x00, 0x00, 0x00,
					  0x00, 0x00, 0x00, 0x01 };

	fixture(path, sizeof(path), "gen1.json");
	c = build1(path, 1, &w);
	/* 2 cores x 4 + 2 rail + 2 x 2 bandwidth; the last block repeats
	 * the ids of instance 0 of the one before: 2 slots dropped */
	ASSERT_EQ(c->n_des, 14);
	ASSERT_EQ(w.n, 1);
	ASSERT_NOT_NULL(strstr(w.text[0], "gen1.json: 2 duplicate DE ids"));
	ASSERT_NOT_NULL(strstr(w.text[0], "layout[5] repeats ids of layout[4]"));
	ASSERT_MEMEQ(c->uuid, uuid, 16);
	ASSERT_EQ(c->n_shmti, 1);
	ASSERT_NOT_NULL(c->shmti_fixed);
	ASSERT_EQ(c->shmti_fixed[0].lines_end, 16 + 296);
	ASSERT_EQ(c->shmti_size[0], 16 + 296 + 16);
	ASSERT_EQ(c->shmti_fixed[0].uuid_off, 0x10);
	ASSERT_EQ(c->shmti_fixed[0].blk_ts_off, 0x10 + 24);
	ASSERT_MEMEQ(c->shmti_fixed[0].uuid, uuid, 16);
	ASSERT_EQ(c->n_groups, 3);

	/* core 1 temperature: (1 << 16) | 0x141 at 40 + 64 + 0x30 */
	d = find(c, 0x00010141);
	ASSERT_NOT_NULL(d);
	ASSERT_EQ(d->desc.unit, 2);
	ASSERT_EQ(d->desc.unit_exp, -3);
	ASSERT_EQ(d->desc.compo_type, 0x01);
	ASSERT_EQ(d->desc.compo_instance, 1);
	ASSERT_EQ(d->desc.instance_id, 3);
	ASSERT_EQ(d->desc.data_size, 8);
	ASSERT_EQ(d->desc.ts_support, SCMI_TLM_TS_BLOCK);
	ASSERT_TRUE(d->desc.has_name);
	ASSERT_STREQ(d->desc.name, "CUR_TEMP");
	ASSERT_EQ(d->line_off, 0x10 + 40 + 64 + 0x30);
	ASSERT_EQ(d->shmti, 0);
	ASSERT_EQ(d->gen.kind, STLMP_GEN_RANDOM_WALK);

	d = find(c, 0x0000011D);
	ASSERT_NOT_NULL(d);
	ASSERT_EQ(d->desc.unit, 20); /* Hz */
	ASSERT_EQ(d->desc.unit_exp, 0);
	ASSERT_STREQ(d->desc.name, "CORE_FREQUENCY");
	ASSERT_EQ(d->gen.kind, STLMP_GEN_STEP);

	d = find(c, 0x00010118);
	ASSERT_NOT_NULL(d);
	ASSERT_EQ(d->desc.unit, 21); /* second */
	ASSERT_EQ(d->desc.unit_exp, -3);
	ASSERT_STREQ(d->desc.name, "CORE_ACT_RES");
	ASSERT_EQ(d->gen.kind, STLMP_GEN_COUNTER);
	ASSERT_EQ(d->desc.type, 3);

	d = find(c, 0x00010111);
	ASSERT_NOT_NULL(d);
	ASSERT_EQ(d->gen.kind, STLMP_GEN_CONST);
	ASSERT_EQ(d->gen.base, 1 << 8);

	d = find(c, 0x00001601);
	ASSERT_NOT_NULL(d);
	ASSERT_EQ(d->desc.unit, 7);
	ASSERT_EQ(d->desc.unit_exp, -2);
	ASSERT_EQ(d->desc.compo_type, 0x16); /* PMIC-VR: pmic */
	ASSERT_STREQ(d->desc.name, "RAIL_IN_PWR");
	ASSERT_EQ(d->line_off, 0x10 + 168);

	d = find(c, 0x00001602);
	ASSERT_NOT_NULL(d);
	ASSERT_EQ(d->desc.unit, 5);
	ASSERT_STREQ(d->desc.name, "RAIL_IN_VOLT");

	/* bandwidth: bits, counters; PSS_BMU keeps its OEM code 0xE5 */
	d = find(c, 0x0001E56E);
	ASSERT_NOT_NULL(d);
	ASSERT_EQ(d->desc.unit, 60);
	ASSERT_EQ(d->desc.unit_exp, -3);
	ASSERT_EQ(d->desc.compo_type, 0xE5);
	ASSERT_EQ(d->desc.compo_instance, 1);
	ASSERT_STREQ(d->desc.name, "CXS_WR_BW");
	ASSERT_EQ(d->gen.kind, STLMP_GEN_COUNTER);
	ASSERT_EQ(d->line_off, 0x10 + 200 + 32 + 0x10);
	/* the repeated block's slot at 264 is not a DE */
	for (uint32_t i = 0; i < c->n_des; i++)
		ASSERT_CMP(c->des[i].line_off, <, 0x10 + 264);
	stlmp_config_free(c);
}

STLM_TEST(gen1_instances)
{
	struct warns w = { 0 };
	char path[4096];
	struct stlmp_config *c;
	const struct stlmp_de_cfg *d;

	fixture(path, sizeof(path), "gen1.json");
	c = build1(path, 3, &w);
	ASSERT_EQ(c->n_des, 42);
	ASSERT_EQ(c->n_shmti, 3);
	ASSERT_EQ(c->n_groups, 9);
	ASSERT_EQ(w.n, 1);
	ASSERT_NOT_NULL(strstr(w.text[0], "6 duplicate DE ids"));
	/* target t, core i: global instance t * 2 + i */
	for (uint32_t t = 0; t < 3; t++) {
		for (uint32_t i = 0; i < 2; i++) {
			uint32_t g = t * 2 + i;

			d = find(c, g << 16 | 0x141);
			ASSERT_NOT_NULL(d);
			ASSERT_EQ(d->shmti, t);
			ASSERT_EQ(d->desc.compo_instance, g);
			ASSERT_EQ(d->line_off, 0x10 + 40 + i * 64 + 0x30);
		}
		/* the rail block has one instance per target */
		d = find(c, t << 16 | 0x1601);
		ASSERT_NOT_NULL(d);
		ASSERT_EQ(d->shmti, t);
	}
	/* DEs of one group share a SHMTI */
	for (uint32_t i = 0; i < c->n_des; i++)
		for (uint32_t j = i + 1; j < c->n_des; j++)
			if (c->des[i].desc.group_id == c->des[j].desc.group_id)
				ASSERT_EQ(c->des[i].shmti, c->des[j].shmti);
	stlmp_config_free(c);
}

STLM_TEST(gen2_fixture)
{
	struct warns w = { 0 };
	char path[4096];
	struct stlmp_config *c;
	const struct stlmp_de_cfg *d;

	fixture(path, sizeof(path), "gen2.json");
	c = build1(path, 1, &w);
	ASSERT_EQ(c->n_des, 10);
	ASSERT_EQ(w.n, 0);
	ASSERT_EQ(c->uuid[0], 0x53);
	ASSERT_EQ(c->uuid[13], 0x00);
	/* no HEADER block: no UUID and no BLK_TS line */
	ASSERT_EQ(c->shmti_fixed[0].uuid_off, 0);
	ASSERT_EQ(c->shmti_fixed[0].blk_ts_off, 0);
	ASSERT_EQ(c->shmti_fixed[0].lines_end, 16 + 216);

	d = find(c, 0x00011606);
	ASSERT_NOT_NULL(d);
	ASSERT_EQ(d->desc.compo_type, 0x16); /* VOLTAGE_RAIL: pmic */
	ASSERT_EQ(d->desc.unit, 2);
	ASSERT_EQ(d->desc.ts_support, SCMI_TLM_TS_NONE);
	ASSERT_STREQ(d->desc.name, "RAIL_TEMP");
	ASSERT_EQ(d->line_off, 0x10 + 40 + 56);

	/* a 24-byte line: line timestamps */
	d = find(c, 0x00001608);
	ASSERT_NOT_NULL(d);
	ASSERT_EQ(d->desc.ts_support, SCMI_TLM_TS_LINE);
	ASSERT_CMP(d->desc.line_ts_rate, >, 0);
	ASSERT_EQ(d->desc.unit, 8);
	ASSERT_EQ(d->desc.type, 3); /* Counter */
	ASSERT_EQ(d->gen.kind, STLMP_GEN_COUNTER);
	ASSERT_EQ(d->line_off, 0x10 + 40 + 0x20);

	/* MHz: hertz with the exponent raised by 6 */
	d = find(c, 0x0001012D);
	ASSERT_NOT_NULL(d);
	ASSERT_EQ(d->desc.unit, 20);
	ASSERT_EQ(d->desc.unit_exp, 6);
	ASSERT_EQ(d->desc.compo_type, 0x01);
	ASSERT_STREQ(d->desc.name, "FREQ_PRES");

	/* Histogram: a counter */
	d = find(c, 0x00000145);
	ASSERT_NOT_NULL(d);
	ASSERT_EQ(d->gen.kind, STLMP_GEN_COUNTER);
	ASSERT_EQ(d->desc.unit, 21);
	stlmp_config_free(c);
}

STLM_TEST(several_specs_and_errors)
{
	struct warns w = { 0 };
	char p1[4096], p2[4096], p3[4096], err[512];
	const char *paths[3] = { p1, p2, p1 };
	uint32_t targets[3] = { 2, 1, 1 };
	struct stlmp_config *c = NULL;

	fixture(p1, sizeof(p1), "gen1.json");
	fixture(p2, sizeof(p2), "gen2.json");
	ASSERT_OK(stlmp_config_from_astl(paths, targets, 2, &c, on_warn, &w,
					 err, sizeof(err)));
	ASSERT_EQ(c->n_des, 28 + 10);
	ASSERT_EQ(c->n_shmti, 3);
	ASSERT_EQ(c->uuid[15], 0x01); /* the first spec's UUID */
	ASSERT_EQ(c->shmti_size[2], 16 + 216 + 16);
	stlmp_config_free(c);
	c = NULL;

	/* the same spec again: its ids exist already, kept once */
	w.n = 0;
	ASSERT_OK(stlmp_config_from_astl(paths, targets, 3, &c, on_warn, &w,
					 err, sizeof(err)));
	ASSERT_EQ(c->n_des, 28 + 10);
	ASSERT_EQ(w.n, 3);
	ASSERT_NOT_NULL(strstr(w.text[2], "14 DE ids already produced by an earlier spec"));
	stlmp_config_free(c);
	c = NULL;

	fixture(p3, sizeof(p3), "missing.json");
	paths[0] = p3;
	ASSERT_ERR(stlmp_config_from_astl(paths, targets, 1, &c, NULL, NULL,
					  err, sizeof(err)),
		   -ENOENT);
	ASSERT_NOT_NULL(strstr(err, "missing.json"));
	ASSERT_NULL(c);

	paths[0] = p1;
	targets[0] = 0;
	ASSERT_ERR(stlmp_config_from_astl(paths, targets, 1, &c, NULL, NULL,
					  err, sizeof(err)),
		   -EINVAL);
	ASSERT_NOT_NULL(strstr(err, "instances"));
	/* 2 instances per target: 65536 targets would not fit 16 bits */
	targets[0] = 4096;
	ASSERT_OK(stlmp_config_from_astl(paths, targets, 1, &c, NULL, NULL,
					 err, sizeof(err)));
	ASSERT_EQ(c->n_des, 14 * 4096);
	stlmp_config_free(c);
}

STLM_TEST(unplaceable_layout_falls_back)
{
	struct warns w = { 0 };
	char path[4096];
	struct stlmp_config *c;

	fixture(path, sizeof(path), "overlap.json");
	c = build1(path, 1, &w);
	ASSERT_EQ(c->n_des, 2);
	ASSERT_EQ(w.n, 1);
	ASSERT_NOT_NULL(strstr(w.text[0], "overlap.json: lines cannot sit at the spec's offsets"));
	ASSERT_EQ(c->shmti_fixed[0].lines_end, 0);
	ASSERT_EQ(c->des[0].line_off, 0);
	ASSERT_EQ(c->des[0].desc.ts_support, SCMI_TLM_TS_BLOCK);
	stlmp_config_free(c);
}

STLM_TEST(fixed_layout_validation)
{
	struct warns w = { 0 };
	char path[4096], err[512];
	struct stlmp_config *c;
	uint32_t keep;

	fixture(path, sizeof(path), "gen1.json");
	c = build1(path, 1, &w);
	keep = c->des[1].line_off;
	c->des[1].line_off = c->des[0].line_off + 8;
	ASSERT_ERR(stlmp_config_validate(c, err, sizeof(err)), -EINVAL);
	ASSERT_NOT_NULL(strstr(err, "des[1].line_off"));
	c->des[1].line_off = c->des[0].line_off + 4;
	ASSERT_ERR(stlmp_config_validate(c, err, sizeof(err)), -EINVAL);
	ASSERT_NOT_NULL(strstr(err, "aligned"));
	c->des[1].line_off = keep;
	c->shmti_fixed[0].blk_ts_off = 0;
	ASSERT_ERR(stlmp_config_validate(c, err, sizeof(err)), -EINVAL);
	ASSERT_NOT_NULL(strstr(err, "BLK_TS"));
	c->shmti_fixed[0].blk_ts_off = 0x28;
	c->shmti_size[0] -= 8;
	ASSERT_ERR(stlmp_config_validate(c, err, sizeof(err)), -EINVAL);
	c->shmti_size[0] += 8;
	ASSERT_OK(stlmp_config_validate(c, err, sizeof(err)));
	stlmp_config_free(c);
}

/* ---------------------------------------------------------------- */
/* The platform as an agent sees it                                 */

static int tlm(struct tp_fix *f, uint8_t id, const void *req, size_t len)
{
	return ta_xfer(f->a, SCMI_PROTO_TELEMETRY, id, req, len, f->r,
		       sizeof(f->r), TO);
}

static struct tp_fix *fix_up(const char *const *paths,
			     const uint32_t *targets, uint32_t n)
{
	struct stlmp_opts o = { .seed = 3, .manual_clock = true };
	struct stlmp_config *cfg = NULL;
	struct tp_fix *f;
	char err[512];

	ASSERT_OK(stlmp_config_from_astl(paths, targets, n, &cfg, NULL,
					 NULL, err, sizeof(err)));
	f = tp_fix_new(cfg, &o);
	tp_fix_agent(f);
	return f;
}

static void fix_down(struct tp_fix *f)
{
	tp_fix_stop(f);
}

static const uint8_t *shmti_area(struct tp_fix *f, uint32_t s, uint32_t *len)
{
	struct scmi_tlm_shmti_desc d[64];
	struct scmi_list_hdr h;
	uint8_t b[4];
	int n;

	scmi_u32_req_encode(0, b, sizeof(b));
	n = tlm(f, SCMI_TLM_LIST_SHMTI, b, 4);
	ASSERT_CMP(scmi_tlm_list_shmti_resp_decode(f->r, (size_t)n, &h, d, 64),
		   >, (int)s);
	ASSERT_CMP(d[s].addr + d[s].length, <=, f->mem_size);
	*len = d[s].length;
	return f->mem + d[s].addr;
}

static struct scmi_tlm_de_configure_resp enable(struct tp_fix *f, uint32_t id)
{
	struct scmi_tlm_de_configure_req q = { .id = id,
					       .mode = SCMI_TLM_DE_ENABLE_TS };
	struct scmi_tlm_de_configure_resp resp = { 0 };
	uint8_t b[8];
	int n;

	ASSERT_EQ(scmi_tlm_de_configure_req_encode(&q, b, sizeof(b)), 8);
	n = tlm(f, SCMI_TLM_DE_CONFIGURE, b, 8);
	ASSERT_CMP(n, >=, 4);
	ASSERT_EQ((int32_t)scmi_get_le32(f->r), 0);
	ASSERT_OK(scmi_tlm_de_configure_resp_decode(f->r, (size_t)n, &resp));
	return resp;
}

/* Every byte of the counted area is a well-formed line; count them. */
static unsigned walk_lines(const uint8_t *a, uint32_t len, uint32_t *ret_end)
{
	size_t bytes, off = 0;
	unsigned n = 0;
	struct tdcf_line l;

	ASSERT_OK(tdcf_read_line_area(a, len, &bytes));
	while (off < bytes) {
		int k = tdcf_line_parse(a + TDCF_HDR_SIZE + off, bytes - off, &l);

		ASSERT_CMP(k, >, 0);
		off += (size_t)k;
		n++;
	}
	ASSERT_EQ(off, bytes);
	*ret_end = (uint32_t)(TDCF_HDR_SIZE + bytes);
	return n;
}

STLM_TEST(shmti_lines_at_spec_offsets)
{
	char p1[4096], p2[4096], err[512];
	const char *paths[2] = { p1, p2 };
	uint32_t targets[2] = { 2, 1 }, len, end;
	struct astl_spec *spec[2] = { NULL, NULL };
	struct astl_expansion *e[2] = { NULL, NULL };
	struct tp_fix *f;
	struct tdcf_line l;
	const uint8_t *a;
	unsigned checked = 0;

	fixture(p1, sizeof(p1), "gen1.json");
	fixture(p2, sizeof(p2), "gen2.json");
	f = fix_up(paths, targets, 2);

	/* formatted: UUID line, BLK_TS line, every other line invalid */
	a = shmti_area(f, 0, &len);
	ASSERT_EQ(len, 16 + 296 + 16);
	ASSERT_EQ(walk_lines(a, len, &end), 1 + 1 + 16);
	ASSERT_EQ(end, 16 + 296);
	ASSERT_EQ(tdcf_line_parse(a + 0x10, 24, &l), 24);
	ASSERT_EQ(l.type, TDCF_LINE_UUID);
	ASSERT_EQ(l.meta, 0x24);
	ASSERT_MEMEQ(l.uuid, f->cfg->uuid, 16);
	ASSERT_EQ(tdcf_line_parse(a + 0x28, 16, &l), 16);
	ASSERT_EQ(l.type, TDCF_LINE_BLK_TS);
	ASSERT_EQ(l.meta, 0x10);
	/* gen 2 without header: the 40 bytes before its first block are
	 * one 24-byte and one 16-byte invalid line */
	a = shmti_area(f, 2, &len);
	ASSERT_EQ(walk_lines(a, len, &end), 2 + 10);
	ASSERT_EQ(tdcf_line_parse(a + 0x10, 24, &l), 24);
	ASSERT_TRUE(l.invalid && l.ext);

	/* enable every DE: it answers, and its line is, at the spec's
	 * offset in its target's SHMTI */
	for (uint32_t k = 0; k < 2; k++) {
		ASSERT_OK(stlm__astl_spec_read(paths[k], &spec[k], err,
					       sizeof(err)));
		ASSERT_OK(stlm__astl_expand(spec[k], 0, targets[k], &e[k], err,
					    sizeof(err)));
		for (size_t i = 0; i < e[k]->n_slots; i++) {
			const struct astl_slot *sl = &e[k]->slots[i];
			struct scmi_tlm_de_configure_resp r;
			uint32_t s = k == 0 ? sl->target : 2;

			if (sl->duplicate_id)
				continue;
			r = enable(f, sl->id);
			ASSERT_EQ(r.shmti_id, s);
			ASSERT_EQ(r.de_offset, 0x10 + sl->offset);
			a = shmti_area(f, s, &len);
			ASSERT_CMP(r.de_offset + 24, <, len);
			ASSERT_EQ(tp_find_line(a, len, sl->id, &l, false),
				  (int)r.de_offset);
			ASSERT_EQ(l.len, sl->line_size);
			if (k == 0) {
				ASSERT_EQ(r.blk_ts_offset, 0x28);
				ASSERT_EQ(l.meta, TDCF_META_USE_BLK_TS |
							  TDCF_META_TS_VALID);
			} else if (sl->line_size == 24) {
				ASSERT_EQ(l.meta, TDCF_META_LINE_EXT |
							  TDCF_META_TS_VALID);
			} else {
				ASSERT_EQ(l.meta, 0);
			}
			checked++;
		}
	}
	ASSERT_EQ(checked, 28 + 10);
	/* still the same shape: nothing appended, nothing moved */
	a = shmti_area(f, 1, &len);
	ASSERT_EQ(walk_lines(a, len, &end), 1 + 1 + 16);
	ASSERT_EQ(end, 16 + 296);
	stlmp_platform_advance(f->p, 1000000000ull);

	/* disable: the line stays, DATA_INVALID, at its offset */
	{
		struct scmi_tlm_de_configure_req q = {
			.id = 0x00010141, .mode = SCMI_TLM_DE_DISABLE };
		uint8_t b[8];

		ASSERT_EQ(scmi_tlm_de_configure_req_encode(&q, b, 8), 8);
		ASSERT_CMP(tlm(f, SCMI_TLM_DE_CONFIGURE, b, 8), >=, 4);
		ASSERT_EQ((int32_t)scmi_get_le32(f->r), 0);
		a = shmti_area(f, 0, &len);
		ASSERT_EQ(tp_find_line(a, len, 0x00010141, &l, true),
			  0x10 + 40 + 64 + 0x30);
		ASSERT_EQ(walk_lines(a, len, &end), 1 + 1 + 16);
	}
	/* a platform reset formats the fixed layout again */
	stlmp_platform_reset(f->p);
	a = shmti_area(f, 0, &len);
	ASSERT_EQ(walk_lines(a, len, &end), 1 + 1 + 16);
	ASSERT_EQ(end, 16 + 296);
	ASSERT_EQ(tp_find_line(a, len, 0x00000141, &l, false), -ENOENT);
	ASSERT_EQ(tp_find_line(a, len, 0x00000141, &l, true),
		  0x10 + 40 + 0x30);
	ASSERT_EQ(tdcf_line_parse(a + 0x10, 24, &l), 24);
	ASSERT_EQ(l.type, TDCF_LINE_UUID);
	/* a group (block) enable: its SHMTI and its lowest line */
	{
		struct scmi_tlm_de_configure_req q = {
			.id = f->cfg->des[0].desc.group_id,
			.mode = SCMI_TLM_DE_ENABLE_TS, .group = true };
		struct scmi_tlm_de_configure_resp r;
		uint8_t b[8];
		int n;

		ASSERT_EQ(scmi_tlm_de_configure_req_encode(&q, b, 8), 8);
		n = tlm(f, SCMI_TLM_DE_CONFIGURE, b, 8);
		ASSERT_CMP(n, >=, 4);
		ASSERT_EQ((int32_t)scmi_get_le32(f->r), 0);
		ASSERT_OK(scmi_tlm_de_configure_resp_decode(f->r, (size_t)n, &r));
		ASSERT_EQ(r.shmti_id, 0);
		ASSERT_EQ(r.de_offset, 0x10 + 40);
		ASSERT_EQ(r.blk_ts_offset, 0x28);
		ASSERT_EQ(tp_find_line(a, len, 0x00010141, &l, false),
			  0x10 + 40 + 64 + 0x30);
	}

	for (uint32_t k = 0; k < 2; k++) {
		stlm__astl_expansion_free(e[k]);
		stlm__astl_spec_free(spec[k]);
	}
	fix_down(f);
}

STLM_TEST(generators_plausible)
{
	char p1[4096], p2[4096];
	const char *paths[2] = { p1, p2 };
	uint32_t targets[2] = { 2, 1 };
	struct tp_fix *f;
	unsigned temps = 0, counters = 0;

	fixture(p1, sizeof(p1), "gen1.json");
	fixture(p2, sizeof(p2), "gen2.json");
	f = fix_up(paths, targets, 2);
	for (uint32_t i = 0; i < f->cfg->n_des; i++) {
		const struct stlmp_de_cfg *d = &f->cfg->des[i];
		uint64_t prev = 0, v, v2;

		for (uint64_t t = 0; t < 300; t++) {
			uint64_t ns = t * 100000000ull;

			ASSERT_OK(stlmp_platform_predict(f->p, d->desc.id, ns, t,
							 &v));
			/* deterministic: a fresh generator agrees */
			v2 = stlmp_gen_predict(&d->gen, 3, d->desc.id, ns, t, 8);
			ASSERT_U64_EQ(v, v2);
			if (d->desc.unit == 2 && d->gen.kind ==
						 STLMP_GEN_RANDOM_WALK) {
				ASSERT_CMP((int64_t)v, >=, 45000);
				ASSERT_CMP((int64_t)v, <=, 70000);
				temps += t == 0;
			}
			if (d->gen.kind == STLMP_GEN_COUNTER) {
				ASSERT_CMP(v, >=, prev);
				counters += t == 0;
			}
			if (d->desc.unit == 20 && !(d->desc.name[0] == 'M')) {
				/* 1..3.2 GHz whatever the exponent */
				double hz = (double)v;

				for (int x = 0; x < d->desc.unit_exp; x++)
					hz *= 10;
				ASSERT_TRUE(hz >= 1e9 && hz <= 3.2e9);
			}
			if (d->desc.unit == 5 && strstr(d->desc.name, "IN")) {
				ASSERT_CMP((int64_t)v, >=, 11800);
				ASSERT_CMP((int64_t)v, <=, 12200);
			}
			prev = v;
		}
		if (d->gen.kind == STLMP_GEN_COUNTER)
			ASSERT_CMP(prev, >, 0);
	}
	ASSERT_EQ(temps, 4 + 2); /* 2 cores x 2 targets, 2 rails */
	ASSERT_EQ(counters, 12 + 4); /* gen1 2 x (2 res + 4 bw); gen2 4 */
	fix_down(f);
}

/* ---------------------------------------------------------------- */
/* The Phoenix specs (data set)                                     */

STLM_TEST(phoenix_scp)
{
	struct warns w = { 0 };
	char path[4096];
	struct stlmp_config *c;
	struct stlmp_platform *p = NULL;
	struct stlmp_opts o = { .seed = 1, .manual_clock = true };

	dataset(path, sizeof(path), "phoenix/scp.json");
	c = build1(path, 1, &w);
	ASSERT_EQ(c->n_des, 412);
	ASSERT_EQ(w.n, 1);
	ASSERT_NOT_NULL(strstr(w.text[0], "scp.json: 24 duplicate DE ids"));
	ASSERT_NOT_NULL(strstr(w.text[0], "layout[4] repeats ids of layout[3]"));
	ASSERT_EQ(c->shmti_fixed[0].lines_end, 16 + 7016);
	ASSERT_NOT_NULL(find(c, 5u << 16 | 0xE441));
	ASSERT_EQ(find(c, 5u << 16 | 0xE441)->line_off, 0x10 + 40 + 5 * 48);
	ASSERT_OK(stlmp_platform_new(c, &o, &p));
	stlmp_platform_free(p);
	stlmp_config_free(c);
}

STLM_TEST(phoenix_machine)
{
	struct warns w = { 0 };
	char p1[4096], p2[4096], err[512];
	const char *paths[2] = { p1, p2 };
	uint32_t targets[2] = { 1, 14 };
	struct stlmp_config *c = NULL;
	struct stlmp_platform *p = NULL;
	struct stlmp_opts o = { .seed = 1, .manual_clock = true };
	static const uint32_t core_base[] = { 0x111, 0x114, 0x118, 0x11D, 0x141,
					      0x14D };

	dataset(p1, sizeof(p1), "phoenix/scp.json");
	dataset(p2, sizeof(p2), "phoenix/lcp_cluster.json");
	ASSERT_OK(stlmp_config_from_astl(paths, targets, 2, &c, on_warn, &w,
					 err, sizeof(err)));
	ASSERT_EQ(c->n_des, 412 + 14 * 313);
	ASSERT_EQ(c->n_shmti, 15);
	for (uint32_t i = 0; i < 140; i++) {
		for (size_t k = 0; k < sizeof(core_base) / sizeof(core_base[0]);
		     k++) {
			const struct stlmp_de_cfg *d =
				find(c, i << 16 | core_base[k]);

			ASSERT_NOT_NULL(d);
			ASSERT_EQ(d->desc.compo_type, 0x01);
			ASSERT_EQ(d->desc.compo_instance, i);
			ASSERT_EQ(d->shmti, 1 + i / 10);
		}
	}
	ASSERT_NULL(find(c, 140u << 16 | 0x141));
	for (uint32_t s = 1; s < 15; s++)
		ASSERT_EQ(c->shmti_size[s], 16 + 5048 + 16);
	ASSERT_OK(stlmp_platform_new(c, &o, &p));
	stlmp_platform_free(p);
	stlmp_config_free(c);
}

STLM_TEST(mockscmi_spec)
{
	struct warns w = { 0 };
	char path[4096];
	struct stlmp_config *c;

	/* Overlapping lines in the spec: the platform places them. */
	dataset(path, sizeof(path), "mockscmi/mockscmi.json");
	c = build1(path, 1, &w);
	ASSERT_CMP(c->n_des, >, 0);
	ASSERT_CMP(w.n, >=, 1);
	ASSERT_EQ(c->shmti_fixed[0].lines_end, 0);
	stlmp_config_free(c);
}
