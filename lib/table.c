// SPDX-License-Identifier: MIT
/*
 * Copyright (c) 2026 The stlm authors
 *
 * The DE table (struct stlm_table, session.h): built from descriptors by
 * whichever backend learnt them, looked up by id (open addressing), and
 * published as one unit; a replaced table is retired until close.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "session.h"

struct stlm_table *stlm__table_get(const struct stlm_session *s)
{
	return __atomic_load_n(&s->table, __ATOMIC_ACQUIRE);
}

static uint32_t hash_id(uint32_t id)
{
	id ^= id >> 16;
	id *= 0x7feb352du;
	id ^= id >> 15;
	id *= 0x846ca68bu;
	id ^= id >> 16;
	return id;
}

int stlm__table_lookup(const struct stlm_table *tb, uint32_t id)
{
	uint32_t h;

	if (!tb || !tb->hash)
		return -ENOENT;
	h = hash_id(id) & tb->hash_mask;
	for (uint32_t probe = 0; probe <= tb->hash_mask; probe++) {
		uint32_t v = tb->hash[h];

		if (!v)
			return -ENOENT;
		if (v - 1 < tb->n_des && tb->des[v - 1].desc.id == id)
			return (int)(v - 1);
		h = (h + 1) & tb->hash_mask;
	}
	return -ENOENT;
}

int stlm__de_index(const struct stlm_session *s, uint32_t id)
{
	if (!s)
		return -EINVAL;
	return stlm__table_lookup(stlm__table_get(s), id);
}

const uint8_t *stlm__mem_area(const struct stlm_session *s, uint64_t addr,
			      uint64_t len)
{
	if (!s->mem || len > s->mem_size || addr > s->mem_size - len)
		return NULL;
	return s->mem + addr;
}

void stlm__table_free(struct stlm_table *tb)
{
	if (!tb)
		return;
	free(tb->des);
	free(tb->hash);
	free(tb->group_members);
	free(tb->group_n);
	free(tb->group_ids);
	if (tb->group_iv) {
		for (uint32_t g = 0; g < tb->n_groups; g++) {
			free(tb->group_iv[g].raw);
			free(tb->group_iv[g].v);
		}
		free(tb->group_iv);
	}
	free(tb->shmti);
	free(tb->iv_raw);
	free(tb->iv);
	free(tb);
}

/* @lock held. Publish tb, retiring the previous table. */
void stlm__table_install_locked(struct stlm_session *s, struct stlm_table *tb)
{
	struct stlm_table *old = s->table;

	if (old) {
		for (uint32_t i = 0; i < old->n_des; i++) {
			__atomic_store_n(&old->des[i].enabled, false,
					 __ATOMIC_RELAXED);
			old->des[i].shmti = SCMI_TLM_SHMTI_NONE;
		}
		old->next_retired = s->retired;
		s->retired = old;
	}
	s->des = tb->des;
	s->n_des = tb->n_des;
	s->hash = tb->hash;
	s->hash_mask = tb->hash_mask;
	s->group_members = tb->group_members;
	s->group_n = tb->group_n;
	s->shmti = tb->shmti;
	s->iv_raw = tb->iv_raw;
	s->iv = tb->iv;
	s->n_iv = tb->n_iv;
	s->iv_range = tb->iv_range;
	s->info.n_des = tb->n_des;
	s->info.n_groups = tb->n_groups;
	s->info.n_shmti = tb->n_shmti;
	__atomic_store_n(&s->table, tb, __ATOMIC_RELEASE);
	__atomic_store_n(&s->discovered, true, __ATOMIC_RELEASE);
}

static int hash_insert(struct stlm_table *tb, uint32_t idx)
{
	uint32_t id = tb->des[idx].desc.id;
	uint32_t h = hash_id(id) & tb->hash_mask;

	for (uint32_t probe = 0; probe <= tb->hash_mask; probe++) {
		uint32_t v = tb->hash[h];

		if (!v) {
			tb->hash[h] = idx + 1;
			return 0;
		}
		if (tb->des[v - 1].desc.id == id)
			return -EEXIST;
		h = (h + 1) & tb->hash_mask;
	}
	return -ENOSPC;
}

/* Check one descriptor and fill its DE. */
static int de_init(struct stlm_session *s, struct stlm_table *tb,
		   uint32_t idx, const struct scmi_tlm_de_desc *d,
		   uint32_t n_groups)
{
	struct stlm_de *de = &tb->des[idx];
	int r;

	if (d->group_id != SCMI_TLM_GROUP_NONE && d->group_id >= n_groups) {
		stlm__log(s, STLM_LOG_ERR, "DE 0x%08x: group %u out of range (%u groups)",
			  d->id, d->group_id, n_groups);
		return -EPROTO;
	}
	memset(de, 0, sizeof(*de));
	de->desc = *d;
	de->index = idx;
	de->s = s;
	de->shmti = SCMI_TLM_SHMTI_NONE;
	de->scale = pow(10.0, d->unit_exp);
	if (d->data_size == 0 || d->data_size > 8)
		stlm__log(s, STLM_LOG_DEBUG,
			  "DE 0x%08x: data size %u (values are read as 64 bits)",
			  d->id, d->data_size);
	if (d->has_fc) {
		if (d->fc_size >= 16 && !(d->fc_addr & 3) &&
		    stlm__mem_area(s, d->fc_addr, d->fc_size))
			de->fc = stlm__mem_area(s, d->fc_addr, d->fc_size);
		else if (s->mem)
			stlm__log(s, STLM_LOG_WARNING,
				  "DE 0x%08x: FastChannel at 0x%llx+%u outside the memory file or too small: unreachable",
				  d->id, (unsigned long long)d->fc_addr,
				  d->fc_size);
	}
	r = hash_insert(tb, idx);
	if (r == -EEXIST) {
		stlm__log(s, STLM_LOG_ERR, "DE id 0x%08x described twice", d->id);
		return -EPROTO;
	}
	return r;
}

static int build_groups(struct stlm_table *tb, uint32_t n_groups)
{
	uint32_t *fill;
	size_t members = 0;

	tb->n_groups = n_groups;
	if (!n_groups)
		return 0;
	tb->group_members = calloc(n_groups, sizeof(*tb->group_members));
	tb->group_n = calloc(n_groups, sizeof(*tb->group_n));
	tb->group_iv = calloc(n_groups, sizeof(*tb->group_iv));
	fill = calloc(n_groups, sizeof(*fill));
	if (!tb->group_members || !tb->group_n || !tb->group_iv || !fill) {
		free(fill);
		return -ENOMEM;
	}
	for (uint32_t i = 0; i < tb->n_des; i++) {
		uint32_t g = tb->des[i].desc.group_id;

		if (g < n_groups) {
			tb->group_n[g]++;
			members++;
		}
	}
	tb->group_ids = calloc(members ? members : 1, sizeof(*tb->group_ids));
	if (!tb->group_ids) {
		free(fill);
		return -ENOMEM;
	}
	members = 0;
	for (uint32_t g = 0; g < n_groups; g++) {
		tb->group_members[g] = tb->group_ids + members;
		members += tb->group_n[g];
	}
	for (uint32_t i = 0; i < tb->n_des; i++) {
		uint32_t g = tb->des[i].desc.group_id;

		if (g < n_groups)
			tb->group_members[g][fill[g]++] = tb->des[i].desc.id;
	}
	free(fill);
	return 0;
}

int stlm__table_build(struct stlm_session *s, const struct scmi_tlm_de_desc *d,
		      uint32_t n_des, uint32_t n_groups,
		      struct stlm_table **ret)
{
	struct stlm_table *tb = calloc(1, sizeof(*tb));
	uint32_t hsize = 16;
	int r = 0;

	if (!tb)
		return -ENOMEM;
	while (hsize < 2 * (uint64_t)n_des)
		hsize <<= 1;
	tb->des = calloc(n_des ? n_des : 1, sizeof(*tb->des));
	tb->hash = calloc(hsize, sizeof(*tb->hash));
	tb->hash_mask = hsize - 1;
	if (!tb->des || !tb->hash) {
		r = -ENOMEM;
		goto fail;
	}
	for (uint32_t i = 0; i < n_des; i++) {
		r = de_init(s, tb, i, &d[i], n_groups);
		if (r < 0)
			goto fail;
	}
	tb->n_des = n_des;
	r = build_groups(tb, n_groups);
	if (r < 0)
		goto fail;
	*ret = tb;
	return 0;
fail:
	stlm__table_free(tb);
	return r;
}

void stlm__table_install(struct stlm_session *s, struct stlm_table *tb)
{
	pthread_mutex_lock(&s->lock);
	stlm__table_install_locked(s, tb);
	s->discovery_error = 0;
	pthread_mutex_unlock(&s->lock);
}
