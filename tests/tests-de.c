// SPDX-License-Identifier: MIT
/*
 * Copyright (c) 2026 The stlm authors
 *
 * DEs: lookup (count, at, get, find; lazy discovery on first use), every
 * accessor against the emulator's description, groups, intervals, and the
 * unit and component name tables.
 */
#define STLM_TEST_GROUP "de"
#include "stlm-test.h"

#include <stdio.h>
#include <stdlib.h>

#include "session.h"
#include "tplat.h"

static struct tp_fix *fx_start(struct stlmp_config *cfg)
{
	struct stlmp_opts o = { .seed = 3 };
	struct tp_fix *f = tp_fix_new(cfg, &o);

	tp_fix_listen(f, "unix");
	return f;
}

static void fx_stop(struct tp_fix *f)
{
	tp_fix_stop(f);
}

static struct stlm_session *fx_open(struct tp_fix *f, int discovery)
{
	struct stlm_open_opts o = { .discovery = discovery, .no_catalog = true };

	return tp_fix_open(f, &o);
}

/* Every accessor of de against the description d. */
static void check_de(struct stlm_session *s, const struct stlm_de *de,
		     const struct scmi_tlm_de_desc *d, uint32_t blk_rate)
{
	ASSERT_NOT_NULL(de);
	ASSERT_EQ(stlm_de_id(de), d->id);
	ASSERT_EQ(stlm_de_type(de), d->type);
	ASSERT_EQ(stlm_de_size(de), d->data_size);
	ASSERT_EQ(stlm_de_unit(de), d->unit);
	ASSERT_STREQ(stlm_de_unit_name(de), stlm__unit_name(d->unit));
	ASSERT_EQ(stlm_de_unit_exp(de), d->unit_exp);
	ASSERT_EQ(stlm_de_component_type(de), d->compo_type);
	ASSERT_STREQ(stlm_de_component_name(de),
		     stlm__component_name(d->compo_type));
	ASSERT_EQ(stlm_de_component_instance(de), d->compo_instance);
	ASSERT_EQ(stlm_de_instance(de), d->instance_id);
	ASSERT_EQ(stlm_de_group(de), d->group_id);
	ASSERT_EQ(stlm_de_ts_support(de), d->ts_support);
	ASSERT_EQ(stlm_de_ts_rate_khz(de),
		  d->ts_support == SCMI_TLM_TS_LINE  ? d->line_ts_rate :
		  d->ts_support == SCMI_TLM_TS_BLOCK ? blk_rate :
						      0);
	ASSERT_EQ(stlm_de_persistent(de), d->persistent);
	ASSERT_EQ(stlm_de_has_fastchannel(de), d->has_fc);
	if (d->has_name) {
		ASSERT_STREQ(stlm_de_fw_name(de), d->name);
		ASSERT_STREQ(stlm_de_name(de), d->name);
	} else {
		ASSERT_NULL(stlm_de_fw_name(de));
		ASSERT_NULL(stlm_de_name(de));
	}
	ASSERT_NULL(stlm_de_description(de));
	ASSERT_FALSE(stlm_de_signed(de));
	ASSERT_TRUE(stlm_de_get(s, d->id) == de);
}

STLM_TEST(accessors_small_platform)
{
	struct stlm_session *s;
	struct tp_fix *f;

	f = fx_start(tp_config(false));
	s = fx_open(f, STLM_DISCOVERY_FULL);
	ASSERT_EQ(stlm_de_count(s), TP_N_DES);
	for (uint32_t i = 0; i < TP_N_DES; i++) {
		const struct stlm_de *de = stlm_de_at(s, i);

		check_de(s, de, &f->cfg->des[i].desc, 1000);
		ASSERT_FALSE(stlm_de_enabled(de));
		ASSERT_FALSE(stlm_de_ts_enabled(de));
	}
	/* spot checks of decoded fields */
	ASSERT_STREQ(stlm_de_unit_name(stlm_de_get(s, TP_CONST)), "W");
	ASSERT_EQ(stlm_de_unit_exp(stlm_de_get(s, TP_CONST)), -3);
	ASSERT_STREQ(stlm_de_unit_name(stlm_de_get(s, TP_COUNTER)), "count");
	ASSERT_STREQ(stlm_de_unit_name(stlm_de_get(s, TP_BLK)), "°C");
	ASSERT_STREQ(stlm_de_component_name(stlm_de_get(s, TP_CONST)), "cpu");
	ASSERT_EQ(stlm_de_ts_rate_khz(stlm_de_get(s, TP_COUNTER)), 2000);
	ASSERT_EQ(stlm_de_ts_rate_khz(stlm_de_get(s, TP_BLK)), 1000);
	ASSERT_EQ(stlm_de_ts_rate_khz(stlm_de_get(s, TP_PLAIN)), 0);
	ASSERT_TRUE(stlm_de_has_fastchannel(stlm_de_get(s, TP_FC)));
	ASSERT_EQ(stlm_de_group(stlm_de_get(s, TP_FC)), STLM_GROUP_NONE);

	/* enable state follows configuration */
	ASSERT_OK(stlm_de_set(s, TP_COUNTER, true, true));
	ASSERT_TRUE(stlm_de_enabled(stlm_de_get(s, TP_COUNTER)));
	ASSERT_TRUE(stlm_de_ts_enabled(stlm_de_get(s, TP_COUNTER)));
	ASSERT_OK(stlm_de_set(s, TP_COUNTER, false, true));
	ASSERT_FALSE(stlm_de_ts_enabled(stlm_de_get(s, TP_COUNTER)));
	tp_fix_close(f, s);
	fx_stop(f);
}

STLM_TEST(lookup)
{
	const struct stlm_de *de;
	struct stlm_session *s;
	struct tp_fix *f;

	f = fx_start(tp_config(false));
	s = fx_open(f, STLM_DISCOVERY_LAZY);
	ASSERT_FALSE(s->discovered);
	/* any lookup discovers */
	de = stlm_de_find(s, "mc.1.bw");
	ASSERT_TRUE(s->discovered);
	ASSERT_EQ(stlm_de_id(de), TP_G1B);
	ASSERT_EQ(stlm_de_id(stlm_de_find(s, "soc.power")), TP_CONST);
	errno = 0;
	ASSERT_NULL(stlm_de_find(s, "nope"));
	ASSERT_EQ(errno, ENOENT);
	ASSERT_NULL(stlm_de_find(s, NULL));
	ASSERT_EQ(errno, EINVAL);
	ASSERT_NULL(stlm_de_find(NULL, "soc.power"));

	ASSERT_EQ(stlm_de_id(stlm_de_at(s, 0)), TP_CONST);
	ASSERT_EQ(stlm_de_id(stlm_de_at(s, TP_N_DES - 1)), TP_PLAIN);
	errno = 0;
	ASSERT_NULL(stlm_de_at(s, TP_N_DES));
	ASSERT_EQ(errno, ERANGE);
	ASSERT_NULL(stlm_de_at(NULL, 0));
	ASSERT_EQ(errno, EINVAL);

	ASSERT_EQ(stlm_de_id(stlm_de_get(s, TP_MSG)), TP_MSG);
	errno = 0;
	ASSERT_NULL(stlm_de_get(s, 0xDEADBEEF));
	ASSERT_EQ(errno, ENOENT);
	ASSERT_EQ(stlm__de_index(s, TP_FC), 5);
	ASSERT_ERR(stlm__de_index(s, 0xDEADBEEF), -ENOENT);
	ASSERT_ERR(stlm_de_count(NULL), -EINVAL);
	tp_fix_close(f, s);
	fx_stop(f);
}

STLM_TEST(null_accessors)
{
	ASSERT_EQ(stlm_de_id(NULL), 0);
	ASSERT_EQ(stlm_de_type(NULL), 0);
	ASSERT_EQ(stlm_de_size(NULL), 0);
	ASSERT_EQ(stlm_de_unit(NULL), 0);
	ASSERT_STREQ(stlm_de_unit_name(NULL), "none");
	ASSERT_EQ(stlm_de_unit_exp(NULL), 0);
	ASSERT_EQ(stlm_de_component_type(NULL), 0);
	ASSERT_STREQ(stlm_de_component_name(NULL), "unspec");
	ASSERT_EQ(stlm_de_component_instance(NULL), 0);
	ASSERT_EQ(stlm_de_instance(NULL), 0);
	ASSERT_EQ(stlm_de_group(NULL), STLM_GROUP_NONE);
	ASSERT_EQ(stlm_de_ts_support(NULL), STLM_TS_NONE);
	ASSERT_EQ(stlm_de_ts_rate_khz(NULL), 0);
	ASSERT_FALSE(stlm_de_persistent(NULL));
	ASSERT_FALSE(stlm_de_has_fastchannel(NULL));
	ASSERT_NULL(stlm_de_fw_name(NULL));
	ASSERT_NULL(stlm_de_name(NULL));
	ASSERT_NULL(stlm_de_description(NULL));
	ASSERT_FALSE(stlm_de_signed(NULL));
	ASSERT_FALSE(stlm_de_enabled(NULL));
	ASSERT_FALSE(stlm_de_ts_enabled(NULL));
	ASSERT_ERR(stlm_group_count(NULL), -EINVAL);
	ASSERT_ERR(stlm_intervals_get(NULL, STLM_GROUP_ALL, NULL), -EINVAL);
}

STLM_TEST(name_tables)
{
	ASSERT_STREQ(stlm__unit_name(0), "none");
	ASSERT_STREQ(stlm__unit_name(1), "unspecified");
	ASSERT_STREQ(stlm__unit_name(2), "°C");
	ASSERT_STREQ(stlm__unit_name(7), "W");
	ASSERT_STREQ(stlm__unit_name(20), "Hz");
	ASSERT_STREQ(stlm__unit_name(60), "bit");
	ASSERT_STREQ(stlm__unit_name(61), "B");
	ASSERT_STREQ(stlm__unit_name(65), "%");
	ASSERT_STREQ(stlm__unit_name(67), "count");
	ASSERT_STREQ(stlm__unit_name(94), "state");
	ASSERT_STREQ(stlm__unit_name(95), "B/s");
	ASSERT_STREQ(stlm__unit_name(96), "reserved");
	ASSERT_STREQ(stlm__unit_name(254), "reserved");
	ASSERT_STREQ(stlm__unit_name(255), "OEM");
	for (unsigned int u = 0; u < 256; u++)
		ASSERT_NOT_NULL(stlm__unit_name((uint8_t)u));

	ASSERT_STREQ(stlm__component_name(0), "unspec");
	ASSERT_STREQ(stlm__component_name(1), "cpu");
	ASSERT_STREQ(stlm__component_name(5), "interconnnect");
	ASSERT_STREQ(stlm__component_name(6), "mem_cntrl");
	ASSERT_STREQ(stlm__component_name(7), "l1_cache");
	ASSERT_STREQ(stlm__component_name(11), "sys_cache");
	ASSERT_STREQ(stlm__component_name(12), "disp_cntrl");
	ASSERT_STREQ(stlm__component_name(19), "accel");
	ASSERT_STREQ(stlm__component_name(26), "periph_subc");
	ASSERT_STREQ(stlm__component_name(28), "display");
	ASSERT_STREQ(stlm__component_name(29), "res_29");
	ASSERT_STREQ(stlm__component_name(223), "res_223");
	ASSERT_STREQ(stlm__component_name(224), "oem_224");
	ASSERT_STREQ(stlm__component_name(255), "oem_255");
}

STLM_TEST(groups_and_intervals)
{
	struct stlm_intervals iv;
	struct stlm_session *s;
	const uint32_t *ids;
	size_t n;
	struct tp_fix *f;

	f = fx_start(tp_config(false));
	s = fx_open(f, STLM_DISCOVERY_LAZY);
	ASSERT_EQ(stlm_group_count(s), 2);
	ASSERT_OK(stlm_group_members(s, 0, &ids, &n));
	ASSERT_EQ(n, 3);
	ASSERT_EQ(ids[0], TP_CONST);
	ASSERT_EQ(ids[1], TP_COUNTER);
	ASSERT_EQ(ids[2], TP_BLK);
	ASSERT_OK(stlm_group_members(s, 1, &ids, &n));
	ASSERT_EQ(n, 2);
	ASSERT_EQ(ids[0], TP_G1A);
	ASSERT_EQ(ids[1], TP_G1B);
	ASSERT_ERR(stlm_group_members(s, 2, &ids, &n), -ENOENT);
	ASSERT_ERR(stlm_group_members(s, 0, NULL, &n), -EINVAL);

	ASSERT_OK(stlm_intervals_get(s, STLM_GROUP_ALL, &iv));
	ASSERT_EQ(iv.n, 4);
	ASSERT_FALSE(iv.range);
	ASSERT_EQ(iv.v[0].secs, 1);
	ASSERT_EQ(iv.v[0].exp, -3);
	ASSERT_EQ(iv.v[0].ns, 1000000);
	ASSERT_EQ(iv.v[2].ns, 100000000);
	ASSERT_ERR(stlm_intervals_get(s, 1, &iv), -EOPNOTSUPP);
	tp_fix_close(f, s);
	fx_stop(f);
}

STLM_TEST(generated_platform)
{
	struct stlmp_config *cfg;
	struct stlm_session *s;
	size_t total = 0;
	struct tp_fix *f;

	ASSERT_OK(stlmp_config_generate(3000, &cfg));
	f = fx_start(cfg);
	s = fx_open(f, STLM_DISCOVERY_FULL);
	ASSERT_EQ(stlm_de_count(s), 3000);
	for (uint32_t i = 0; i < 3000; i++) {
		const struct stlm_de *de = stlm_de_at(s, i);

		check_de(s, de, &cfg->des[i].desc, cfg->default_blk_ts_rate);
		if (cfg->des[i].desc.has_fc)
			ASSERT_NOT_NULL(de->fc);
	}
	ASSERT_EQ(stlm_group_count(s), (int)cfg->n_groups);
	for (uint32_t g = 0; g < cfg->n_groups; g++) {
		const uint32_t *ids;
		size_t n;

		ASSERT_OK(stlm_group_members(s, g, &ids, &n));
		for (size_t i = 0; i < n; i++)
			ASSERT_EQ(stlm_de_group(stlm_de_get(s, ids[i])), g);
		total += n;
	}
	ASSERT_EQ(total, 3000);
	tp_fix_close(f, s);
	fx_stop(f);
}

/* Without a memory file the DEs are there, their areas unreachable. */
STLM_TEST(no_memory_file)
{
	struct stlm_session *s = NULL;
	char uri[800];
	struct tp_fix *f;

	f = fx_start(tp_config(false));
	snprintf(uri, sizeof(uri), "unix:%s/p.sock", stlm_test_tmpdir());
	ASSERT_OK(stlm_session_open(uri, NULL, &s));
	ASSERT_EQ(stlm_de_count(s), TP_N_DES);
	ASSERT_NULL(stlm_de_get(s, TP_FC)->fc);
	ASSERT_NULL(s->shmti[0].base);
	/* configuration still works; placements are not usable */
	ASSERT_OK(stlm_de_set(s, TP_CONST, true, false));
	ASSERT_TRUE(stlm_de_enabled(stlm_de_get(s, TP_CONST)));
	ASSERT_EQ(stlm_de_get(s, TP_CONST)->shmti, SCMI_TLM_SHMTI_NONE);
	tp_fix_close(f, s);
	fx_stop(f);
}
