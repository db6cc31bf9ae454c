// SPDX-License-Identifier: MIT
/*
 * Copyright (c) 2026 The stlm authors
 *
 * The channel owner's private interface (owner.h): the session's tables
 * read under its lock rules (session.h); memory, single samples and the
 * channel's release through the session's backend.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "backend.h"
#include "owner.h"
#include "session.h"
#include "telemetry.h"

_Static_assert(STLM_OWNER_SHMTI_NONE == SCMI_TLM_SHMTI_NONE, "shmti none");

int stlm_owner_des(struct stlm_session *s, uint32_t index,
		   struct stlm_owner_de *ret, uint32_t max,
		   uint32_t *ret_total)
{
	const struct stlm_table *tb;
	uint32_t n;
	int r;

	if (!s || (max && !ret) || !ret_total)
		return -EINVAL;
	r = stlm__discover(s);
	if (r < 0)
		return r;
	/* descriptors never change once a table is published */
	tb = __atomic_load_n(&s->table, __ATOMIC_ACQUIRE);
	if (!tb || index > tb->n_des)
		return -ERANGE;
	n = tb->n_des - index < max ? tb->n_des - index : max;
	for (uint32_t i = 0; i < n; i++) {
		const struct scmi_tlm_de_desc *d = &tb->des[index + i].desc;
		struct stlm_owner_de *w = &ret[i];

		memset(w, 0, sizeof(*w));
		w->id = d->id;
		w->group_id = d->group_id;
		w->data_size = d->data_size;
		w->line_ts_rate = d->line_ts_rate;
		w->type = d->type;
		w->persistent = d->persistent;
		w->unit_exp = d->unit_exp;
		w->unit = d->unit;
		w->ts_support = d->ts_support;
		w->instance_id = d->instance_id;
		w->compo_type = d->compo_type;
		w->compo_instance = d->compo_instance;
		w->has_fc = d->has_fc;
		w->fc_size = d->fc_size;
		w->fc_addr = d->fc_addr;
		w->has_name = d->has_name;
		memcpy(w->name, d->name, sizeof(w->name) - 1);
	}
	*ret_total = tb->n_des;
	return (int)n;
}

int stlm_owner_de_states(struct stlm_session *s, uint32_t index, bool resync,
			 struct stlm_owner_de_state *ret, uint32_t max,
			 uint32_t *ret_total, uint64_t *ret_gen)
{
	const struct stlm_table *tb;
	uint32_t n;
	int r;

	if (!s || (max && !ret) || !ret_total || !ret_gen)
		return -EINVAL;
	r = stlm__discover(s);
	if (r < 0)
		return r;
	if (resync)
		stlm__placement_lost(s);
	pthread_mutex_lock(&s->lock);
	tb = s->table;
	if (!tb || index > tb->n_des) {
		pthread_mutex_unlock(&s->lock);
		return -ERANGE;
	}
	n = tb->n_des - index < max ? tb->n_des - index : max;
	for (uint32_t i = 0; i < n; i++) {
		const struct stlm_de *de = &tb->des[index + i];

		ret[i] = (struct stlm_owner_de_state){
			.shmti = de->shmti,
			.offset = de->offset,
			.blk_ts_off = de->blk_ts_off,
			.enabled = de->enabled,
			.ts_enabled = de->ts_enabled,
		};
	}
	*ret_total = tb->n_des;
	*ret_gen = s->generation;
	pthread_mutex_unlock(&s->lock);
	return (int)n;
}

int stlm_owner_shmtis(struct stlm_session *s, struct stlm_owner_shmti *ret,
		      uint32_t max)
{
	const struct stlm_table *tb;
	int r;

	if (!s || (max && !ret))
		return -EINVAL;
	r = stlm__discover(s);
	if (r < 0)
		return r;
	tb = __atomic_load_n(&s->table, __ATOMIC_ACQUIRE);
	if (!tb || tb->n_shmti > max)
		return -E2BIG;
	for (uint32_t i = 0; i < tb->n_shmti; i++)
		ret[i] = (struct stlm_owner_shmti){
			.id = tb->shmti[i].desc.id,
			.length = tb->shmti[i].desc.length,
			.addr = tb->shmti[i].desc.addr,
		};
	return (int)tb->n_shmti;
}

int stlm_owner_mem_fd(struct stlm_session *s, uint64_t *ret_size)
{
	struct stat st;
	int fd;

	if (!s || !ret_size)
		return -EINVAL;
	fd = stlm__mem_open(s);
	if (fd < 0)
		return fd;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return -ENODEV;
	}
	*ret_size = (uint64_t)st.st_size;
	return fd;
}

int stlm_owner_single_sample(struct stlm_session *s, void *resp,
			     size_t resp_cap, void *dresp, size_t dresp_cap,
			     size_t *ret_dlen)
{
	int n, dlen = 0;

	if (!s || !resp || !dresp || !ret_dlen)
		return -EINVAL;
	n = stlm__single_sample(s, resp, resp_cap, dresp, dresp_cap, &dlen);
	if (n < 0)
		return n;
	if (dlen < 0 || (size_t)dlen > dresp_cap)
		return -EPROTO;
	*ret_dlen = (size_t)dlen;
	return n;
}

void stlm_owner_release(struct stlm_session *s)
{
	if (s && s->ops->release)
		s->ops->release(s);
}
