// SPDX-License-Identifier: MIT
/*
 * Copyright (c) 2026 The stlm authors
 *
 * Data events: lookup (which triggers lazy discovery), accessors on a DE,
 * groups and intervals. Unit and component names come from the tables of
 * the formats layer (formats/units.h, formats/component.h).
 *
 * Accessors take a const DE pointer and never trigger discovery or send
 * anything. The descriptor part of a DE never changes once published; the
 * enable state is read with relaxed atomic loads (it is written under
 * s->lock by session.c).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "session.h"

/* ------------------------------------------------------------------ */
/* Lookup                                                              */

STLM_API int stlm_de_count(struct stlm_session *s)
{
	int r;

	if (!s)
		return -EINVAL;
	r = stlm__discover(s);
	if (r < 0)
		return r;
	return (int)__atomic_load_n(&s->table, __ATOMIC_ACQUIRE)->n_des;
}

STLM_API const struct stlm_de *stlm_de_at(struct stlm_session *s,
					  size_t index)
{
	struct stlm_table *tb;
	int r;

	if (!s) {
		errno = EINVAL;
		return NULL;
	}
	r = stlm__discover(s);
	if (r < 0) {
		errno = -r;
		return NULL;
	}
	tb = __atomic_load_n(&s->table, __ATOMIC_ACQUIRE);
	if (index >= tb->n_des) {
		errno = ERANGE;
		return NULL;
	}
	return &tb->des[index];
}

STLM_API const struct stlm_de *stlm_de_get(struct stlm_session *s,
					   uint32_t id)
{
	struct stlm_table *tb;
	int r;

	if (!s) {
		errno = EINVAL;
		return NULL;
	}
	r = stlm__discover(s);
	if (r < 0) {
		errno = -r;
		return NULL;
	}
	tb = __atomic_load_n(&s->table, __ATOMIC_ACQUIRE);
	r = stlm__de_index(s, id);
	if (r < 0 || (uint32_t)r >= tb->n_des || tb->des[r].desc.id != id) {
		errno = ENOENT;
		return NULL;
	}
	return &tb->des[r];
}

STLM_API const struct stlm_de *stlm_de_find(struct stlm_session *s,
					    const char *name)
{
	const struct stlm_de *de;
	struct stlm_table *tb;
	int r;

	if (!s || !name) {
		errno = EINVAL;
		return NULL;
	}
	r = stlm__discover(s);
	if (r < 0) {
		errno = -r;
		return NULL;
	}
	de = stlm__catalog_find(s, name);
	if (de)
		return de;
	tb = __atomic_load_n(&s->table, __ATOMIC_ACQUIRE);
	for (uint32_t i = 0; i < tb->n_des; i++) {
		const char *n = stlm_de_name(&tb->des[i]);

		if (n && !strcmp(n, name))
			return &tb->des[i];
	}
	for (uint32_t i = 0; i < tb->n_des; i++) {
		de = &tb->des[i];
		if (de->desc.has_name && !strcmp(de->desc.name, name))
			return de;
	}
	errno = ENOENT;
	return NULL;
}

/* ------------------------------------------------------------------ */
/* Accessors                                                           */

STLM_API uint32_t stlm_de_id(const struct stlm_de *de)
{
	return de ? de->desc.id : 0;
}

STLM_API uint8_t stlm_de_type(const struct stlm_de *de)
{
	return de ? de->desc.type : 0;
}

STLM_API uint32_t stlm_de_size(const struct stlm_de *de)
{
	return de ? de->desc.data_size : 0;
}

STLM_API uint8_t stlm_de_unit(const struct stlm_de *de)
{
	return de ? de->desc.unit : 0;
}

STLM_API const char *stlm_de_unit_name(const struct stlm_de *de)
{
	return stlm__unit_name(de ? de->desc.unit : 0);
}

STLM_API const char *stlm_unit_name(uint8_t unit, int form)
{
	switch (form) {
	case STLM_UNIT_SYMBOL:
		return stlm__unit_name(unit);
	case STLM_UNIT_WORD:
		return stlm__unit_word(unit);
	case STLM_UNIT_STLMFS:
		return stlm__unit_tree_name(unit);
	default:
		errno = EINVAL;
		return NULL;
	}
}

STLM_API int stlm_unit_code(const char *word)
{
	int r;

	if (!word)
		return -EINVAL;
	r = stlm__unit_code(word);
	return r < 0 ? -ENOENT : r;
}

STLM_API int stlm_de_unit_exp(const struct stlm_de *de)
{
	return de ? de->desc.unit_exp : 0;
}

STLM_API uint8_t stlm_de_component_type(const struct stlm_de *de)
{
	return de ? de->desc.compo_type : 0;
}

STLM_API const char *stlm_de_component_name(const struct stlm_de *de)
{
	return stlm__component_name(de ? de->desc.compo_type : 0);
}

STLM_API uint16_t stlm_de_component_instance(const struct stlm_de *de)
{
	return de ? de->desc.compo_instance : 0;
}

STLM_API uint8_t stlm_de_instance(const struct stlm_de *de)
{
	return de ? de->desc.instance_id : 0;
}

STLM_API uint32_t stlm_de_group(const struct stlm_de *de)
{
	return de ? de->desc.group_id : STLM_GROUP_NONE;
}

STLM_API int stlm_de_ts_support(const struct stlm_de *de)
{
	return de ? de->desc.ts_support : STLM_TS_NONE;
}

STLM_API uint32_t stlm_de_ts_rate_khz(const struct stlm_de *de)
{
	if (!de)
		return 0;
	switch (de->desc.ts_support) {
	case SCMI_TLM_TS_LINE:
		return de->desc.line_ts_rate;
	case SCMI_TLM_TS_BLOCK:
		return de->s ? de->s->info.default_blk_ts_rate_khz : 0;
	default:
		return 0;
	}
}

STLM_API bool stlm_de_persistent(const struct stlm_de *de)
{
	return de && de->desc.persistent;
}

STLM_API bool stlm_de_has_fastchannel(const struct stlm_de *de)
{
	return de && de->desc.has_fc;
}

STLM_API const char *stlm_de_fw_name(const struct stlm_de *de)
{
	return de && de->desc.has_name ? de->desc.name : NULL;
}

STLM_API const char *stlm_de_name(const struct stlm_de *de)
{
	if (!de)
		return NULL;
	if (de->cat) {
		const char *n = stlm__catalog_de_name(de);

		if (n)
			return n;
	}
	return stlm_de_fw_name(de);
}

STLM_API const char *stlm_de_description(const struct stlm_de *de)
{
	if (!de || !de->cat)
		return NULL;
	return stlm__catalog_de_description(de);
}

STLM_API bool stlm_de_signed(const struct stlm_de *de)
{
	if (!de || !de->cat)
		return false;
	return stlm__catalog_de_signed(de);
}

STLM_API bool stlm_de_enabled(const struct stlm_de *de)
{
	return de && __atomic_load_n(&de->enabled, __ATOMIC_RELAXED);
}

STLM_API bool stlm_de_ts_enabled(const struct stlm_de *de)
{
	return de && __atomic_load_n(&de->enabled, __ATOMIC_RELAXED) &&
	       __atomic_load_n(&de->ts_enabled, __ATOMIC_RELAXED);
}

uint64_t stlm__de_raw(const struct stlm_de *de, uint64_t raw)
{
	uint32_t size = de ? de->desc.data_size : 8;

	if (size >= 1 && size < 8)
		raw &= (UINT64_C(1) << (8 * size)) - 1;
	return raw;
}

double stlm__de_value(const struct stlm_de *de, uint64_t raw)
{
	double v;

	if (!de)
		return (double)raw;
	if (stlm_de_signed(de)) {
		uint32_t size = de->desc.data_size;
		unsigned int shift = size >= 1 && size < 8 ? 64 - 8 * size : 0;

		v = (double)((int64_t)(raw << shift) >> shift);
	} else {
		v = (double)raw;
	}
	return v * de->scale;
}

/* ------------------------------------------------------------------ */
/* Groups and intervals                                                */

STLM_API int stlm_group_count(struct stlm_session *s)
{
	int r;

	if (!s)
		return -EINVAL;
	r = stlm__discover(s);
	if (r < 0)
		return r;
	return (int)__atomic_load_n(&s->table, __ATOMIC_ACQUIRE)->n_groups;
}

STLM_API int stlm_group_members(struct stlm_session *s, uint32_t group,
				const uint32_t **ret_ids, size_t *ret_n)
{
	struct stlm_table *tb;
	int r;

	if (!s || !ret_ids || !ret_n)
		return -EINVAL;
	r = stlm__discover(s);
	if (r < 0)
		return r;
	tb = __atomic_load_n(&s->table, __ATOMIC_ACQUIRE);
	if (group >= tb->n_groups)
		return -ENOENT;
	*ret_ids = tb->group_members[group];
	*ret_n = tb->group_n[group];
	return 0;
}

STLM_API int stlm_intervals_get(struct stlm_session *s, uint32_t group,
				struct stlm_intervals *ret)
{
	struct stlm_table *tb;
	int r;

	if (!s || !ret)
		return -EINVAL;
	r = stlm__discover(s);
	if (r < 0)
		return r;
	if (group != STLM_GROUP_ALL && group != STLM_GROUP_NONE)
		return stlm__group_intervals(s, group, ret);
	if (group == STLM_GROUP_NONE && !s->info.per_group)
		return -EOPNOTSUPP;
	tb = __atomic_load_n(&s->table, __ATOMIC_ACQUIRE);
	ret->range = tb->iv_range;
	ret->n = tb->n_iv;
	ret->v = tb->iv;
	return 0;
}
