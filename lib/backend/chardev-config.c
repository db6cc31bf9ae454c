// SPDX-License-Identifier: MIT
/*
 * Copyright (c) 2026 The stlm authors
 *
 * The chardev: backend's configuration (docs/chardev.md): DE changes go
 * to the driver as one batched SET_DE_CFG per run of DE items (a state
 * per item), a group's DEs as a batch of its members, every DE at once
 * through SET_ALL_CFG; collection (instance or group) through SET_CFG.
 * A device opened read-only refuses all of it with EROFS (a local
 * refusal, docs/api.md "Errors") before asking the driver.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backend.h"
#include "chardev.h"

static int need_write(struct stlm_session *s)
{
	struct chardev *c = chardev_be(s);

	if (c->writable)
		return 0;
	stlm__log(s, STLM_LOG_ERR,
		  "%s: permission denied: configuration needs write access to the device (the configuration group, docs/arm-hardware.md)",
		  c->path);
	return -EROFS;
}

static int index_of(struct chardev *c, uint32_t id)
{
	for (uint32_t i = 0; i < c->n_des; i++)
		if (c->ids[i] == id)
			return (int)i;
	return -ENOENT;
}

static bool group_known(struct chardev *c, uint32_t g)
{
	for (uint32_t i = 0; i < c->n_groups; i++)
		if (c->group_ids[i] == g)
			return true;
	return false;
}

/* Items [from, to) are all STLM_BATCH_DE: one SET_DE_CFG. */
static int de_run(struct stlm_session *s, struct stlm_batch_item *items,
		  size_t from, size_t to, int *tried)
{
	struct chardev *c = chardev_be(s);
	struct stlm_cdev_de_config *cfg;
	struct stlm_cdev_batch b;
	size_t *map, m = 0;
	uint32_t *st;
	int failed = 0, r;

	cfg = calloc(to - from, sizeof(*cfg));
	st = calloc(to - from, sizeof(*st));
	map = calloc(to - from, sizeof(*map));
	if (!cfg || !st || !map) {
		r = -ENOMEM;
		goto out;
	}
	for (size_t i = from; i < to; i++) {
		struct stlm_batch_item *it = &items[i];
		int k = index_of(c, it->id);

		if (k < 0) {
			it->status = -ENOENT;
			failed++;
			continue;
		}
		if (it->enable && it->timestamps && !c->ts_ok[k]) {
			it->status = -EOPNOTSUPP;
			failed++;
			continue;
		}
		cfg[m].id = it->id;
		cfg[m].enable = it->enable;
		cfg[m].t_enable = it->enable && it->timestamps;
		map[m++] = i;
	}
	if (!m) {
		r = failed;
		goto out;
	}
	memset(&b, 0, sizeof(b));
	b.num_items = (uint32_t)m;
	b.item_sz = sizeof(*cfg);
	b.states = (uint64_t)(uintptr_t)st;
	b.items = (uint64_t)(uintptr_t)cfg;
	r = chardev_change(s, STLM_CDEV_SET_DE_CFG, &b);
	(*tried)++;
	for (size_t j = 0; j < m; j++) {
		int e = r < 0 ? r : st[j] ? -(int)st[j] : 0;

		if (r == 0 && st[j] > 4095)
			e = -EPROTO;
		items[map[j]].status = e;
		if (e)
			failed++;
	}
	r = failed;
out:
	if (r == -ENOMEM)
		for (size_t i = from; i < to; i++) {
			items[i].status = -ENOMEM;
			r = (int)(to - from);
		}
	free(cfg);
	free(st);
	free(map);
	return r;
}

/*
 * A group item: the ABI's per-group switch (SET_CFG with the group flag)
 * is the group's collection, so enabling its DEs is a batch of its
 * members.
 */
static int group_item(struct stlm_session *s, struct stlm_batch_item *it,
		      int *tried)
{
	struct chardev *c = chardev_be(s);
	struct stlm_batch_item *m;
	size_t n = 0;
	int r;

	if (!group_known(c, it->id))
		return -ENOENT;
	pthread_mutex_lock(&s->lock);
	if (it->id < s->info.n_groups && s->group_n)
		n = s->group_n[it->id];
	m = calloc(n ? n : 1, sizeof(*m));
	for (size_t i = 0; m && i < n; i++) {
		m[i].op = STLM_BATCH_DE;
		m[i].id = s->group_members[it->id][i];
		m[i].enable = it->enable;
		m[i].timestamps = it->timestamps;
	}
	pthread_mutex_unlock(&s->lock);
	if (!m)
		return -ENOMEM;
	r = n ? de_run(s, m, 0, n, tried) : 0;
	if (r > 0) {
		for (size_t i = 0; i < n; i++)
			if (m[i].status < 0) {
				r = m[i].status;
				break;
			}
	}
	free(m);
	return r;
}

static int other_item(struct stlm_session *s, struct stlm_batch_item *it,
		      int *tried)
{
	if (it->op == STLM_BATCH_GROUP)
		return group_item(s, it, tried);
	if (it->op == STLM_BATCH_ALL) {
		struct stlm_cdev_de_config a;

		memset(&a, 0, sizeof(a));
		a.enable = it->enable;
		a.t_enable = it->enable && it->timestamps;
		(*tried)++;
		return chardev_change(s, STLM_CDEV_SET_ALL_CFG, &a);
	}
	return -EINVAL;
}

int chardev_batch(struct stlm_session *s, struct stlm_batch_item *items,
		  size_t n)
{
	int failed = 0, tried = 0, r;
	size_t i = 0;

	r = need_write(s);
	if (r < 0)
		return r;
	while (i < n) {
		size_t j = i;

		if (items[i].op == STLM_BATCH_DE) {
			while (j < n && items[j].op == STLM_BATCH_DE)
				j++;
			r = de_run(s, items, i, j, &tried);
			if (r < 0)
				return r;
			failed += r;
			i = j;
			continue;
		}
		r = other_item(s, &items[i], &tried);
		items[i].status = r;
		if (r < 0)
			failed++;
		i++;
	}
	if (tried)
		chardev_after_change(s);
	return failed;
}

int chardev_coll_set(struct stlm_session *s, uint32_t group, bool enable,
		     int mode, uint64_t interval_ns)
{
	struct chardev *c = chardev_be(s);
	struct scmi_tlm_interval iv = { 0 };
	struct stlm_cdev_config cfg;
	int r;

	/* The device serves on-demand reads; notification mode is the
	 * driver's own business (no ioctl selects it). */
	if (enable && mode != STLM_MODE_ON_DEMAND)
		return -EOPNOTSUPP;
	if (group == STLM_GROUP_NONE)
		return -EOPNOTSUPP;
	if (group != STLM_GROUP_ALL) {
		if (!group_known(c, group))
			return -ENOENT;
		if (!(c->abi.features & STLM_CDEV_SCMI_GROUP_CONFIG))
			return -EOPNOTSUPP;
	}
	if (interval_ns && scmi_tlm_interval_from_ns(interval_ns, &iv) < 0)
		return -ERANGE;
	if (interval_ns) {
		bool ok;

		if (group == STLM_GROUP_ALL) {
			pthread_mutex_lock(&s->lock);
			ok = stlm__interval_listed(s->iv, s->n_iv, s->iv_range, &iv);
			pthread_mutex_unlock(&s->lock);
		} else {
			struct stlm_intervals l;

			r = stlm__group_intervals(s, group, &l);
			if (r < 0)
				return r;
			ok = stlm__interval_listed(l.v, l.n, l.range, &iv);
		}
		if (!ok)
			return -ERANGE;
	}
	r = need_write(s);
	if (r < 0)
		return r;
	memset(&cfg, 0, sizeof(cfg));
	if (group != STLM_GROUP_ALL) {
		cfg.flags = STLM_CDEV_CFG_GROUP;
		cfg.grp_id = group;
	}
	r = chardev_ioctl(s, STLM_CDEV_GET_CFG, &cfg);
	if (r < 0)
		return r;
	cfg.enable = enable;
	if (interval_ns) {
		cfg.active.secs = iv.secs;
		cfg.active.exp = iv.exp;
	}
	if (group != STLM_GROUP_ALL) {
		cfg.flags = STLM_CDEV_CFG_GROUP;
		cfg.grp_id = group;
	}
	r = chardev_change(s, STLM_CDEV_SET_CFG, &cfg);
	if (r == 0)
		chardev_after_change(s);
	return r;
}

int chardev_coll_get(struct stlm_session *s, uint32_t group,
		     struct stlm_collection *ret)
{
	struct chardev *c = chardev_be(s);
	struct stlm_cdev_config cfg;
	struct scmi_tlm_interval iv;
	int r;

	if (group == STLM_GROUP_NONE)
		return -EOPNOTSUPP;
	memset(&cfg, 0, sizeof(cfg));
	if (group != STLM_GROUP_ALL) {
		if (!group_known(c, group))
			return -ENOENT;
		if (!(c->abi.features & STLM_CDEV_SCMI_GROUP_CONFIG))
			return -EOPNOTSUPP;
		cfg.flags = STLM_CDEV_CFG_GROUP;
		cfg.grp_id = group;
	}
	r = chardev_ioctl(s, STLM_CDEV_GET_CFG, &cfg);
	if (r < 0)
		return r;
	if (cfg.active.secs > UINT16_MAX || cfg.active.exp < -128 ||
	    cfg.active.exp > 127) {
		stlm__log(s, STLM_LOG_ERR, "%s: GET_CFG: interval %u*10^%d out of range",
			  c->path, cfg.active.secs, cfg.active.exp);
		return -EPROTO;
	}
	iv.secs = (uint16_t)cfg.active.secs;
	iv.exp = (int8_t)cfg.active.exp;
	if (group == STLM_GROUP_ALL) {
		pthread_mutex_lock(&s->lock);
		s->telemetry_on = cfg.enable != 0;
		s->coll_iv = iv;
		pthread_mutex_unlock(&s->lock);
	}
	ret->enabled = cfg.enable != 0;
	ret->mode = STLM_MODE_ON_DEMAND;
	stlm__interval_fill(&ret->interval, &iv);
	return 0;
}

int chardev_reset(struct stlm_session *s)
{
	int r;

	if (!s->info.reset)
		return -EOPNOTSUPP;
	r = need_write(s);
	if (r < 0)
		return r;
	r = chardev_change(s, STLM_CDEV_RESET, NULL);
	if (r < 0)
		return r;
	chardev_after_change(s);
	{
		struct stlm_event ev = { .type = STLM_EVENT_RESET };

		pthread_mutex_lock(&s->lock);
		ev.generation = s->generation;
		stlm__event_push(s, &ev);
		pthread_mutex_unlock(&s->lock);
	}
	return 0;
}

int chardev_read_intervals(struct stlm_session *s, uint32_t group,
			   struct scmi_tlm_interval **ret_raw,
			   struct stlm_interval **ret_v, size_t *ret_n,
			   bool *ret_range)
{
	struct chardev *c = chardev_be(s);
	struct stlm_cdev_interval *t = NULL;
	struct scmi_tlm_interval *raw = NULL;
	struct stlm_cdev_intervals q;
	struct stlm_interval *v = NULL;
	size_t n;
	int r;

	t = calloc(CDEV_MAX_IV, sizeof(*t));
	if (!t)
		return -ENOMEM;
	memset(&q, 0, sizeof(q));
	if (group != UINT32_MAX) {
		q.flags = STLM_CDEV_IV_GROUP;
		q.grp_id = group;
	}
	q.num_intervals = CDEV_MAX_IV;
	q.intervals = (uint64_t)(uintptr_t)t;
	r = chardev_ioctl(s, STLM_CDEV_GET_INTRVS, &q);
	if (r < 0) {
		stlm__log(s, STLM_LOG_ERR, "%s: GET_INTRVS: %s", c->path,
			  strerror(-r));
		goto out;
	}
	n = q.num_intervals;
	if (n > CDEV_MAX_IV || (!(q.flags & STLM_CDEV_IV_DISCRETE) && n != 3)) {
		stlm__log(s, STLM_LOG_ERR, "%s: GET_INTRVS: malformed list (%zu entries, %s)",
			  c->path, n,
			  (q.flags & STLM_CDEV_IV_DISCRETE) ? "discrete" :
							     "a range needs 3");
		r = -EPROTO;
		goto out;
	}
	raw = calloc(n ? n : 1, sizeof(*raw));
	v = calloc(n ? n : 1, sizeof(*v));
	if (!raw || !v) {
		r = -ENOMEM;
		goto out;
	}
	for (size_t i = 0; i < n; i++) {
		if (t[i].secs > UINT16_MAX || t[i].exp < -128 || t[i].exp > 127) {
			r = -EPROTO;
			goto out;
		}
		raw[i].secs = (uint16_t)t[i].secs;
		raw[i].exp = (int8_t)t[i].exp;
		stlm__interval_fill(&v[i], &raw[i]);
	}
	*ret_raw = raw;
	*ret_v = v;
	*ret_n = n;
	*ret_range = !(q.flags & STLM_CDEV_IV_DISCRETE);
	raw = NULL;
	v = NULL;
	r = 0;
out:
	free(raw);
	free(v);
	free(t);
	return r;
}

int chardev_group_intervals(struct stlm_session *s, uint32_t group,
			    struct stlm_group_iv *ret)
{
	struct chardev *c = chardev_be(s);

	if (!group_known(c, group))
		return -ENOENT;
	if (!(c->abi.features & STLM_CDEV_SCMI_GROUP_CONFIG))
		return -EOPNOTSUPP;
	return chardev_read_intervals(s, group, &ret->raw, &ret->v, &ret->n,
				      &ret->range);
}
