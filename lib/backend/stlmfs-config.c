// SPDX-License-Identifier: MIT
/*
 * Copyright (c) 2026 The stlm authors
 *
 * The stlmfs: backend's configuration (docs/stlmfs-backend.md): it writes
 * the v4 files (one write() each) and returns the write's errno
 * (EACCES/EPERM when the tree is not writable for us, logged as such).
 * Afterwards the state is re-read and the session's generation follows
 * the file; when the file did not move (a static tree) the session bumps
 * its own counter so snapshots re-plan.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "stlmfs-backend.h"

/* One configuration item. */
static int config_item(struct stlm_session *s, struct stlm_batch_item *it)
{
	struct stlmfs *f = stlmfs_be(s);
	const char *yn = it->enable ? "Y" : "N";
	char rel[96];
	int k, r;

	switch (it->op) {
	case STLM_BATCH_DE:
		k = stlm__de_index(s, it->id);
		if (k < 0 || (uint32_t)k >= f->n_des)
			return -ENOENT;
		if (it->enable && it->timestamps && !f->ts_file[k])
			return -EOPNOTSUPP;
		snprintf(rel, sizeof(rel), "des/%s/enable", f->dirs[k]);
		r = stlmfs_be_write_rel(s, rel, yn);
		if (r < 0 || !it->enable || !f->ts_file[k])
			return r;
		if (!it->timestamps &&
		    !__atomic_load_n(&s->des[k].ts_enabled, __ATOMIC_RELAXED))
			return 0;
		snprintf(rel, sizeof(rel), "des/%s/tstamp_enable", f->dirs[k]);
		return stlmfs_be_write_rel(s, rel, it->timestamps ? "Y" : "N");
	case STLM_BATCH_GROUP:
		if (it->id >= f->n_groups || !(f->gflags[it->id] & G_PRESENT))
			return -ENOENT;
		if (it->enable && it->timestamps && !(f->gflags[it->id] & G_TS))
			return -EOPNOTSUPP;
		snprintf(rel, sizeof(rel), "groups/%u/enable", it->id);
		r = stlmfs_be_write_rel(s, rel, yn);
		if (r < 0 || !it->enable || !it->timestamps)
			return r;
		snprintf(rel, sizeof(rel), "groups/%u/tstamp_enable", it->id);
		return stlmfs_be_write_rel(s, rel, "Y");
	case STLM_BATCH_ALL:
		if (!f->has_all_en ||
		    (it->enable && it->timestamps && !f->has_all_ts))
			return -EOPNOTSUPP;
		r = stlmfs_be_write_rel(s, "all_des_enable", yn);
		if (r < 0 || !it->enable || !it->timestamps)
			return r;
		return stlmfs_be_write_rel(s, "all_des_tstamp_enable", "Y");
	default:
		return -EINVAL;
	}
}

/* Re-read the state after a change, then follow the generation. */
static void after_change(struct stlm_session *s, uint64_t before, bool reset)
{
	struct stlmfs *f = stlmfs_be(s);
	int r;

	pthread_mutex_lock(&s->disc_lock);
	r = stlmfs_be_refresh_state(s);
	pthread_mutex_unlock(&s->disc_lock);
	if (r < 0)
		stlm__log(s, STLM_LOG_DEBUG, "%s: state after a change: %s",
			  f->path, strerror(-r));
	stlmfs_be_generation_after(s, before, reset);
}

static uint64_t gen_before(struct stlm_session *s)
{
	struct stlmfs *f = stlmfs_be(s);
	uint64_t g;

	pthread_mutex_lock(&s->lock);
	g = f->file_gen;
	pthread_mutex_unlock(&s->lock);
	return g;
}

int stlmfs_be_batch(struct stlm_session *s, struct stlm_batch_item *items,
		    size_t n)
{
	uint64_t before = gen_before(s);
	int failed = 0, tried = 0;

	for (size_t i = 0; i < n; i++) {
		int r = config_item(s, &items[i]);

		items[i].status = r;
		if (r < 0)
			failed++;
		if (r != -ENOENT && r != -EOPNOTSUPP && r != -EINVAL)
			tried++;
		/* a file write each: long on a large tree */
		if (n > 1)
			stlm__progress(s, items[i].enable ? "enable" : "disable",
				       i + 1, n);
	}
	if (tried)
		after_change(s, before, false);
	return failed;
}

int stlmfs_be_coll_set(struct stlm_session *s, uint32_t group, bool enable,
		       int mode, uint64_t interval_ns)
{
	struct stlmfs *f = stlmfs_be(s);
	uint64_t before = gen_before(s);
	struct scmi_tlm_interval iv;
	char rel[96], text[32];
	int r;

	if (enable && mode != STLM_MODE_ON_DEMAND)
		return -EOPNOTSUPP;	/* no notifications over STLMFS */
	if (interval_ns && scmi_tlm_interval_from_ns(interval_ns, &iv) < 0)
		return -ERANGE;
	if (group == STLM_GROUP_ALL) {
		if (!f->has_tlm_en || (interval_ns && !f->has_cur_iv))
			return -EOPNOTSUPP;
		if (interval_ns) {
			bool ok;

			pthread_mutex_lock(&s->lock);
			ok = stlm__interval_listed(s->iv, s->n_iv, s->iv_range, &iv);
			pthread_mutex_unlock(&s->lock);
			if (!ok)
				return -ERANGE;
			snprintf(text, sizeof(text), "%u,%d", iv.secs, iv.exp);
			r = stlmfs_be_write_rel(s, "current_update_interval_ms", text);
			if (r < 0)
				return r;
		}
		r = stlmfs_be_write_rel(s, "tlm_enable", enable ? "Y" : "N");
		after_change(s, before, false);
		return r;
	}
	if (group == STLM_GROUP_NONE)
		return -EOPNOTSUPP;
	if (group >= f->n_groups || !(f->gflags[group] & G_PRESENT))
		return -ENOENT;
	/* Per group, STLMFS has an interval and no on/off switch. */
	if (!(f->gflags[group] & G_IV) || !enable)
		return -EOPNOTSUPP;
	if (!interval_ns)
		return 0;
	{
		struct stlm_intervals l;

		r = stlm__group_intervals(s, group, &l);
		if (r < 0)
			return r;
		if (!stlm__interval_listed(l.v, l.n, l.range, &iv))
			return -ERANGE;
	}
	snprintf(rel, sizeof(rel), "groups/%u/current_update_interval_ms",
		 group);
	snprintf(text, sizeof(text), "%u,%d", iv.secs, iv.exp);
	r = stlmfs_be_write_rel(s, rel, text);
	if (r == 0)
		after_change(s, before, false);
	return r;
}

int stlmfs_be_coll_get(struct stlm_session *s, uint32_t group,
		       struct stlm_collection *ret)
{
	struct stlmfs *f = stlmfs_be(s);
	struct scmi_tlm_interval iv = { 0 };
	bool on = true;
	char rel[96];
	int r;

	if (group == STLM_GROUP_NONE)
		return -EOPNOTSUPP;
	if (group != STLM_GROUP_ALL) {
		if (group >= f->n_groups || !(f->gflags[group] & G_PRESENT))
			return -ENOENT;
		if (!(f->gflags[group] & G_IV))
			return -EOPNOTSUPP;
	}
	if (f->has_tlm_en) {
		r = stlmfs_be_knob_bool(s, "tlm_enable", &on);
		if (r < 0)
			return r;
	}
	if (group == STLM_GROUP_ALL)
		snprintf(rel, sizeof(rel), "current_update_interval_ms");
	else
		snprintf(rel, sizeof(rel), "groups/%u/current_update_interval_ms",
			 group);
	r = stlmfs_be_knob_interval(s, rel, &iv);
	if (r < 0 && r != -ENOENT)
		return r;
	pthread_mutex_lock(&s->lock);
	s->telemetry_on = on;
	if (r == 0 && group == STLM_GROUP_ALL)
		s->coll_iv = iv;
	pthread_mutex_unlock(&s->lock);
	ret->enabled = on;
	ret->mode = STLM_MODE_ON_DEMAND;
	stlm__interval_fill(&ret->interval, &iv);
	return 0;
}

int stlmfs_be_reset(struct stlm_session *s)
{
	uint64_t before = gen_before(s);
	int r;

	if (!stlmfs_be(s)->has_reset)
		return -EOPNOTSUPP;
	r = stlmfs_be_write_rel(s, "reset", "1");
	if (r < 0)
		return r;
	after_change(s, before, true);
	return 0;
}

int stlmfs_be_group_intervals(struct stlm_session *s, uint32_t group,
			      struct stlm_group_iv *ret)
{
	struct stlmfs *f = stlmfs_be(s);
	char dir[32];

	if (group >= f->n_groups || !(f->gflags[group] & G_PRESENT))
		return -ENOENT;
	if (!(f->gflags[group] & G_IV))
		return -EOPNOTSUPP;
	snprintf(dir, sizeof(dir), "groups/%u/", group);
	return stlmfs_be_read_intervals(s, dir, &ret->raw, &ret->v, &ret->n,
			      &ret->range);
}
