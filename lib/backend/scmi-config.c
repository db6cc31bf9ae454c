// SPDX-License-Identifier: MIT
/*
 * Copyright (c) 2026 The stlm authors
 *
 * Configuration over SCMI: DE_CONFIGURE of one DE, a group or every DE
 * (with the placements the platform reports checked and, for a group, the
 * SHMTI rescanned as Linux does), collection (CONFIG_SET/CONFIG_GET) and
 * RESET.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "scmi-backend.h"

/* Index in tb->shmti[] of SHMTI id, or -ENOENT. */
static int shmti_index(const struct stlm_table *tb, uint32_t id)
{
	if (id < tb->n_shmti && tb->shmti[id].desc.id == id)
		return (int)id;
	for (uint32_t i = 0; i < tb->n_shmti; i++)
		if (tb->shmti[i].desc.id == id)
			return (int)i;
	return -ENOENT;
}

/* Valid line offset inside the line area of SHMTI sh. */
static bool line_in_area(const struct stlm_shmti *sh, uint32_t off)
{
	uint64_t end = (uint64_t)off + TDCF_LINE_SIZE;

	return off >= TDCF_HDR_SIZE && sh->desc.length >= TDCF_MIN_AREA &&
	       end <= sh->desc.length - TDCF_EPI_SIZE;
}

/*
 * Check a DE_CONFIGURE placement: shmti_id must be listed and the offsets
 * inside its line area. 0 with *ret_si = the SHMTI index (or NONE when the
 * area is unusable), or -EPROTO.
 */
static int check_placement(struct stlm_session *s, const struct stlm_table *tb,
			   uint32_t id, const struct scmi_tlm_de_configure_resp *cr,
			   uint32_t *ret_si)
{
	const struct stlm_shmti *sh;
	int si = shmti_index(tb, cr->shmti_id);

	if (si < 0) {
		stlm__log(s, STLM_LOG_ERR,
			  "DE_CONFIGURE 0x%08x: unknown SHMTI %u", id,
			  cr->shmti_id);
		return -EPROTO;
	}
	sh = &tb->shmti[si];
	if (!line_in_area(sh, cr->de_offset) ||
	    (cr->blk_ts_offset && (!line_in_area(sh, cr->blk_ts_offset) ||
				   cr->blk_ts_offset >= cr->de_offset))) {
		stlm__log(s, STLM_LOG_ERR,
			  "DE_CONFIGURE 0x%08x: line at 0x%x (BLK_TS 0x%x) outside SHMTI %u (%u bytes)",
			  id, cr->de_offset, cr->blk_ts_offset, cr->shmti_id,
			  sh->desc.length);
		return -EPROTO;
	}
	*ret_si = sh->base ? (uint32_t)si : SCMI_TLM_SHMTI_NONE;
	return 0;
}

/*
 * DE_CONFIGURE for one DE. *changed is set once the platform accepted the
 * command (even when its placement is then rejected with -EPROTO).
 */
static int de_configure(struct stlm_session *s, uint32_t id, bool enable,
			bool ts, bool *changed)
{
	struct stlm_table *tb = stlm__table_get(s);
	struct scmi_tlm_de_configure_req q = { .id = id };
	struct scmi_tlm_de_configure_resp cr;
	uint32_t si = SCMI_TLM_SHMTI_NONE;
	struct stlm_de *de;
	int idx, n, perr = 0;

	idx = stlm__table_lookup(tb, id);
	if (idx < 0)
		return -ENOENT;
	de = &tb->des[idx];
	/* Timestamps only where the DE has them. */
	ts = ts && enable && de->desc.ts_support != SCMI_TLM_TS_NONE;
	q.mode = !enable ? SCMI_TLM_DE_DISABLE :
		 ts	 ? SCMI_TLM_DE_ENABLE_TS :
			   SCMI_TLM_DE_ENABLE;
	n = scmi_cmd_tlm_de_configure(s, &q, &cr);
	if (n < 0)
		return n;
	*changed = true;
	if (enable && cr.shmti_id != SCMI_TLM_SHMTI_NONE && !de->desc.has_fc)
		perr = check_placement(s, tb, id, &cr, &si);

	pthread_mutex_lock(&s->lock);
	if (s->table == tb) {
		__atomic_store_n(&de->enabled, enable, __ATOMIC_RELAXED);
		__atomic_store_n(&de->ts_enabled, ts, __ATOMIC_RELAXED);
		de->shmti = si;
		de->offset = si != SCMI_TLM_SHMTI_NONE ? cr.de_offset : 0;
		de->blk_ts_off = si != SCMI_TLM_SHMTI_NONE ? cr.blk_ts_offset : 0;
	}
	pthread_mutex_unlock(&s->lock);
	return perr;
}

/* Scan results of SHMTIs into the placements of enabled DEs (s->lock). */
static void apply_places_locked(struct stlm_table *tb,
				const struct scmi_place_vec *pv)
{
	for (size_t k = 0; k < pv->n; k++) {
		struct stlm_de *de = &tb->des[pv->v[k].idx];

		if (!de->enabled)
			continue;
		de->shmti = pv->v[k].si;
		de->offset = pv->v[k].off;
		de->blk_ts_off = pv->v[k].blk;
	}
}

/*
 * DE_CONFIGURE selector 1, then (enable) rescan the reported SHMTI to learn
 * every member's line, as Linux does; members not found there are looked
 * for in the other SHMTIs.
 */
static int group_configure(struct stlm_session *s, uint32_t group,
			   bool enable, bool ts, bool *changed)
{
	struct stlm_table *tb = stlm__table_get(s);
	struct scmi_tlm_de_configure_req q = { .id = group, .group = true };
	struct scmi_tlm_de_configure_resp cr;
	struct scmi_place_vec pv = { 0 };
	uint32_t si = SCMI_TLM_SHMTI_NONE;
	int n, perr = 0;

	if (!tb || group >= tb->n_groups)
		return -ENOENT;
	q.mode = !enable ? SCMI_TLM_DE_DISABLE :
		 ts	 ? SCMI_TLM_DE_ENABLE_TS :
			   SCMI_TLM_DE_ENABLE;
	n = scmi_cmd_tlm_de_configure(s, &q, &cr);
	if (n < 0)
		return n;
	*changed = true;
	if (enable && cr.shmti_id != SCMI_TLM_SHMTI_NONE)
		perr = check_placement(s, tb, group, &cr, &si);
	if (si != SCMI_TLM_SHMTI_NONE) {
		n = scmi_scan_shmti(tb, si, &pv);
		if (n < 0) {
			stlm__log(s, STLM_LOG_WARNING,
				  "group %u: rescan of SHMTI %u failed: %s", group,
				  cr.shmti_id, strerror(-n));
			perr = n == -ENOMEM ? n : -EPROTO;
			if (n == -EFAULT)
				perr = stlm__mem_fault(s);
		}
	}

	pthread_mutex_lock(&s->lock);
	if (s->table == tb) {
		size_t missing = 0;

		for (size_t i = 0; i < tb->group_n[group]; i++) {
			int k = stlm__table_lookup(tb, tb->group_members[group][i]);
			struct stlm_de *de;

			if (k < 0)
				continue;
			de = &tb->des[k];
			__atomic_store_n(&de->enabled, enable, __ATOMIC_RELAXED);
			__atomic_store_n(&de->ts_enabled,
					 enable && ts &&
					 de->desc.ts_support != SCMI_TLM_TS_NONE,
					 __ATOMIC_RELAXED);
			de->shmti = SCMI_TLM_SHMTI_NONE;
			de->offset = 0;
			de->blk_ts_off = 0;
		}
		apply_places_locked(tb, &pv);
		for (size_t i = 0; enable && i < tb->group_n[group]; i++) {
			int k = stlm__table_lookup(tb, tb->group_members[group][i]);

			if (k >= 0 && !tb->des[k].desc.has_fc &&
			    tb->des[k].shmti == SCMI_TLM_SHMTI_NONE)
				missing++;
		}
		pthread_mutex_unlock(&s->lock);
		if (missing && si != SCMI_TLM_SHMTI_NONE && perr == 0) {
			/* Message-only members, or lines in other SHMTIs. */
			pv.n = 0;
			for (uint32_t o = 0; o < tb->n_shmti && !perr; o++) {
				n = o == si ? 0 : scmi_scan_shmti(tb, o, &pv);
				if (n == -ENOMEM)
					perr = -ENOMEM;
				else if (n == -EFAULT)
					perr = stlm__mem_fault(s);
			}
			pthread_mutex_lock(&s->lock);
			if (s->table == tb) {
				for (size_t k = 0; k < pv.n; k++) {
					struct stlm_de *de = &tb->des[pv.v[k].idx];

					if (de->desc.group_id == group &&
					    de->shmti == SCMI_TLM_SHMTI_NONE) {
						de->shmti = pv.v[k].si;
						de->offset = pv.v[k].off;
						de->blk_ts_off = pv.v[k].blk;
					}
				}
			}
			pthread_mutex_unlock(&s->lock);
		}
	} else {
		pthread_mutex_unlock(&s->lock);
	}
	if (pv.dev)
		stlm__deviation(s, pv.dev, "SHMTI lines (rescan)");
	free(pv.v);
	return perr;
}

/* DE_CONFIGURE disable_all. */
static int all_disable(struct stlm_session *s, bool *changed)
{
	struct stlm_table *tb = stlm__table_get(s);
	int n;

	n = scmi_cmd_tlm_disable_all(s);
	if (n < 0)
		return n;
	*changed = true;
	pthread_mutex_lock(&s->lock);
	for (uint32_t i = 0; tb && i < tb->n_des; i++) {
		struct stlm_de *de = &tb->des[i];

		__atomic_store_n(&de->enabled, false, __ATOMIC_RELAXED);
		__atomic_store_n(&de->ts_enabled, false, __ATOMIC_RELAXED);
		de->shmti = SCMI_TLM_SHMTI_NONE;
		de->offset = 0;
		de->blk_ts_off = 0;
	}
	pthread_mutex_unlock(&s->lock);
	return 0;
}

/* Enable every DE one by one; stops at the first error. */
static int all_enable(struct stlm_session *s, bool ts, bool *changed)
{
	struct stlm_table *tb = stlm__table_get(s);

	for (uint32_t i = 0; tb && i < tb->n_des; i++) {
		int r = de_configure(s, tb->des[i].desc.id, true, ts, changed);

		if (r < 0)
			return r;
		stlm__progress(s, "enable", i + 1, tb->n_des);
	}
	return 0;
}

/* One configuration change of any kind (DE, group, all). */
static int configure_item(struct stlm_session *s, int op, uint32_t id,
			  bool enable, bool timestamps, bool *changed)
{
	switch (op) {
	case STLM_BATCH_DE:
		return de_configure(s, id, enable, timestamps, changed);
	case STLM_BATCH_GROUP:
		return group_configure(s, id, enable, timestamps, changed);
	case STLM_BATCH_ALL:
		return enable ? all_enable(s, timestamps, changed) :
				all_disable(s, changed);
	default:
		return -EINVAL;
	}
}

/* The configure op: stlm_batch_apply() and the single-item setters. */
int scmi_configure(struct stlm_session *s, struct stlm_batch_item *items,
		   size_t n)
{
	bool changed = false;
	int r, failed = 0;

	r = stlm__discover(s);
	if (r < 0)
		return r;
	r = scmi_rx_error(s);
	if (r < 0)
		return r;
	for (size_t i = 0; i < n; i++) {
		struct stlm_batch_item *it = &items[i];

		r = configure_item(s, it->op, it->id, it->enable,
				   it->timestamps, &changed);
		it->status = r < 0 ? r : 0;
		if (r < 0)
			failed++;
		if (n > 1)
			stlm__progress(s, it->enable ? "enable" : "disable",
				       i + 1, n);
	}
	if (changed)
		stlm__generation_bump_unlocked(s);
	return failed;
}

/* ------------------------------------------------------------------ */
/* Collection                                                          */

int scmi_group_intervals(struct stlm_session *s, uint32_t group,
			 struct stlm_group_iv *ret)
{
	return scmi_list_intervals(s, SCMI_TLM_SEL_GROUP, group, &ret->raw,
				   &ret->v, &ret->n, &ret->range);
}

static bool interval_listed(const struct stlm_intervals *l,
			    const struct scmi_tlm_interval *iv)
{
	uint64_t x = scmi_tlm_interval_ns(iv);

	if (l->range) {
		uint64_t lo, hi, step;

		if (l->n != 3)
			return false;
		lo = l->v[0].ns;
		hi = l->v[1].ns;
		step = l->v[2].ns;
		if (x < lo || x > hi || x == 0)
			return false;
		return step == 0 || (x - lo) % step == 0;
	}
	for (size_t i = 0; i < l->n; i++) {
		struct scmi_tlm_interval w = { l->v[i].secs, l->v[i].exp };

		if (scmi_tlm_interval_cmp(&w, iv) == 0)
			return true;
	}
	return false;
}

/* Scope of a collection call: selector and group word. */
static int coll_scope(struct stlm_session *s, uint32_t group,
		      uint8_t *ret_sel, uint32_t *ret_gid)
{
	struct stlm_table *tb = stlm__table_get(s);

	if (group == STLM_GROUP_ALL) {
		*ret_sel = SCMI_TLM_SEL_ALL;
		*ret_gid = SCMI_TLM_GROUP_NONE;
		return 0;
	}
	if (group == STLM_GROUP_NONE) {
		if (!s->info.per_group)
			return -EOPNOTSUPP;
		*ret_sel = SCMI_TLM_SEL_ORPHANS;
		*ret_gid = SCMI_TLM_GROUP_NONE;
		return 0;
	}
	if (!tb || group >= tb->n_groups)
		return -ENOENT;
	if (!s->info.per_group)
		return -EOPNOTSUPP;
	*ret_sel = SCMI_TLM_SEL_GROUP;
	*ret_gid = group;
	return 0;
}

static int config_get(struct stlm_session *s, uint8_t sel, uint32_t gid,
		      struct scmi_tlm_config_get_resp *ret)
{
	int n;

	/* Instance-wide state is read with selector 0, as Linux does. */
	n = scmi_cmd_tlm_config_get(s, sel == SCMI_TLM_SEL_GROUP ?
					       SCMI_TLM_SEL_GROUP :
					       SCMI_TLM_SEL_ORPHANS,
				    gid, ret);
	return n < 0 ? scmi_proto_err(n) : 0;
}

int scmi_coll_set(struct stlm_session *s, uint32_t group, bool enable,
		  int mode, uint64_t interval_ns)
{
	struct scmi_tlm_config_set_req q = { 0 };
	struct scmi_tlm_interval iv = { 0 };
	uint32_t gid;
	uint8_t sel;
	int n;

	n = stlm__discover(s);
	if (n < 0)
		return n;
	n = coll_scope(s, group, &sel, &gid);
	if (n < 0)
		return n;
	if (enable && mode == STLM_MODE_NOTIFY && !s->info.notifications)
		return -EOPNOTSUPP;
	if (interval_ns) {
		struct stlm_intervals l = { 0 };

		if (scmi_tlm_interval_from_ns(interval_ns, &iv) < 0)
			return -ERANGE;
		if (sel == SCMI_TLM_SEL_GROUP) {
			n = stlm__group_intervals(s, group, &l);
			if (n < 0)
				return n;
		} else {
			pthread_mutex_lock(&s->lock);
			l.range = s->iv_range;
			l.n = s->n_iv;
			l.v = s->iv;
			pthread_mutex_unlock(&s->lock);
		}
		if (!interval_listed(&l, &iv))
			return -ERANGE;
	} else if (enable && sel == SCMI_TLM_SEL_ALL && s->coll_iv_pending) {
		/* The interval chosen while collection was off. */
		pthread_mutex_lock(&s->lock);
		iv = s->coll_iv_next;
		pthread_mutex_unlock(&s->lock);
	} else {
		/* Keep the current interval: ask the platform for it. */
		struct scmi_tlm_config_get_resp cur;

		n = config_get(s, sel, gid, &cur);
		if (n < 0) {
			if (scmi_fatal_err(n))
				return n;
			pthread_mutex_lock(&s->lock);
			cur.interval = s->coll_iv;
			pthread_mutex_unlock(&s->lock);
		}
		iv = cur.interval;
	}
	q.group_id = gid;
	q.enable = enable;
	q.mode = (uint8_t)mode;
	q.selector = sel;
	q.interval = iv;
	n = scmi_cmd_tlm_config_set(s, &q);
	if (n < 0)
		return n;
	pthread_mutex_lock(&s->lock);
	if (sel == SCMI_TLM_SEL_ALL) {
		s->telemetry_on = enable;
		if (enable) {
			s->coll_mode = (uint8_t)mode;
			s->coll_iv = iv;
			s->coll_iv_pending = false;
		} else if (interval_ns) {
			s->coll_iv_next = iv;
			s->coll_iv_pending = true;
		}
	}
	stlm__generation_bump(s);
	pthread_mutex_unlock(&s->lock);
	return 0;
}

int scmi_coll_get(struct stlm_session *s, uint32_t group,
		  struct stlm_collection *ret)
{
	struct scmi_tlm_config_get_resp cur;
	uint32_t gid;
	uint8_t sel;
	int n;

	n = stlm__discover(s);
	if (n < 0)
		return n;
	n = coll_scope(s, group, &sel, &gid);
	if (n < 0)
		return n;
	n = config_get(s, sel, gid, &cur);
	if (n < 0)
		return n;
	if (sel == SCMI_TLM_SEL_ALL) {
		bool lost;

		pthread_mutex_lock(&s->lock);
		/* Only one agent owns the channel: collection stopping
		 * behind our back means the platform reset. */
		lost = s->telemetry_on && !cur.enable;
		if (lost) {
			/* resynchronised below */
		} else if (s->telemetry_on != cur.enable ||
		    (cur.enable && (s->coll_mode != cur.mode ||
				    scmi_tlm_interval_cmp(&s->coll_iv,
							  &cur.interval)))) {
			/* Changed behind our back: learnt, so bump. */
			s->telemetry_on = cur.enable;
			s->coll_mode = cur.mode;
			s->coll_iv = cur.interval;
			stlm__generation_bump(s);
		}
		pthread_mutex_unlock(&s->lock);
		if (lost) {
			stlm__log(s, STLM_LOG_INFO,
				  "collection stopped behind our back: resynchronising");
			stlm__placement_lost(s);
		}
	}
	ret->enabled = cur.enable;
	ret->mode = cur.mode;
	pthread_mutex_lock(&s->lock);
	if (sel == SCMI_TLM_SEL_ALL && !cur.enable && s->coll_iv_pending)
		cur.interval = s->coll_iv_next; /* what the next enable uses */
	pthread_mutex_unlock(&s->lock);
	stlm__interval_fill(&ret->interval, &cur.interval);
	return 0;
}

int scmi_reset(struct stlm_session *s)
{
	struct stlm_event ev = { .type = STLM_EVENT_RESET };
	struct stlm_table *tb;
	int n;

	n = scmi_cmd_tlm_reset(s);
	if (n < 0)
		return n;
	/* Everything is disabled now: re-learn it (§10 step 6). */
	pthread_mutex_lock(&s->disc_lock);
	tb = stlm__table_get(s);
	if (tb) {
		n = scmi_learn_state(s, tb, true, NULL);
	} else {
		pthread_mutex_lock(&s->lock);
		s->telemetry_on = false;
		pthread_mutex_unlock(&s->lock);
		n = 0;
	}
	pthread_mutex_unlock(&s->disc_lock);
	pthread_mutex_lock(&s->lock);
	s->coll_iv_pending = false; /* intervals are back to default */
	stlm__generation_bump(s);
	ev.generation = s->generation;
	stlm__event_push(s, &ev);
	pthread_mutex_unlock(&s->lock);
	return n;
}
