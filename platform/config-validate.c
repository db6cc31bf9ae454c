// SPDX-License-Identifier: MIT
/*
 * Copyright (c) 2026 The stlm authors
 *
 * Platform descriptions: cross-checks (unique ids, SHMTI sizes, boot DEs,
 * default interval...) shared by the parser, which gives the origin of
 * each DE so that messages use document places, and by
 * stlmp_config_validate(); and destruction.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <json-c/json.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config-parse.h"
#include "gen.h"

/* ---------------------------------------------------------------- */
/* Validation                                                       */

void stlmp_shmti_needs(const struct stlmp_config *c, bool worst_case,
		       uint64_t *ret_need)
{
	for (uint32_t s = 0; s < c->n_shmti; s++)
		ret_need[s] = 16 + 16 + 8 + 8; /* header, BLK_TS, spare, epilogue */
	for (uint32_t s = 0; c->shmti_fixed && s < c->n_shmti; s++)
		if (c->shmti_fixed[s].lines_end) /* lines, spare, epilogue */
			ret_need[s] = (uint64_t)c->shmti_fixed[s].lines_end + 16;
	for (uint32_t i = 0; i < c->n_des; i++) {
		const struct stlmp_de_cfg *d = &c->des[i];

		if (d->desc.has_fc || d->shmti >= c->n_shmti)
			continue;
		if (c->shmti_fixed && c->shmti_fixed[d->shmti].lines_end)
			continue;
		if (d->desc.ts_support == SCMI_TLM_TS_LINE)
			ret_need[d->shmti] += worst_case ? 16 + 24 : 24;
		else
			ret_need[d->shmti] += 16;
	}
}

static int check_intervals(const struct stlmp_intervals *l, const char *place,
			   const struct vctx *v)
{
	char pl[PLACE_MAX], a[48], b[48];

	if (!l->n)
		return 0;
	if (!l->v)
		return vfail(v, place, "no interval entries");
	if (l->n > STLMP_MAX_INTERVALS)
		return vfail(v, place, "more than %u intervals",
			     STLMP_MAX_INTERVALS);
	for (uint32_t i = 0; i < l->n; i++) {
		if (!l->v[i].secs || l->v[i].exp < -16 || l->v[i].exp > 15) {
			fmt_interval(&l->v[i], a, sizeof(a));
			return vfail(v, idx(pl, place, i), "invalid interval %s",
				     a);
		}
	}
	if (l->range) {
		if (l->n != 3)
			return vfail(v, place,
				     "a range has exactly 3 entries (min, max, step)");
		if (scmi_tlm_interval_cmp(&l->v[0], &l->v[1]) > 0) {
			fmt_interval(&l->v[0], a, sizeof(a));
			fmt_interval(&l->v[1], b, sizeof(b));
			return vfail(v, sub(pl, place, "max"),
				     "max %s below min %s", b, a);
		}
		return 0;
	}
	for (uint32_t i = 1; i < l->n; i++)
		if (scmi_tlm_interval_cmp(&l->v[i - 1], &l->v[i]) >= 0) {
			fmt_interval(&l->v[i - 1], a, sizeof(a));
			fmt_interval(&l->v[i], b, sizeof(b));
			return vfail(v, idx(pl, place, i),
				     "%s not above the previous interval %s (the list must be strictly ascending)",
				     b, a);
		}
	return 0;
}

bool interval_in(const struct stlmp_intervals *l,
			const struct scmi_tlm_interval *iv)
{
	if (l->range) {
		uint64_t lo = scmi_tlm_interval_ns(&l->v[0]);
		uint64_t st = scmi_tlm_interval_ns(&l->v[2]);
		uint64_t x = scmi_tlm_interval_ns(iv);

		if (scmi_tlm_interval_cmp(iv, &l->v[0]) < 0 ||
		    scmi_tlm_interval_cmp(iv, &l->v[1]) > 0)
			return false;
		return !st || (x - lo) % st == 0;
	}
	for (uint32_t i = 0; i < l->n; i++)
		if (!scmi_tlm_interval_cmp(iv, &l->v[i]))
			return true;
	return false;
}

static int check_gen(const struct stlmp_gen *g, const char *place,
		     const struct vctx *v)
{
	char pl[PLACE_MAX];

	sub(pl, place, "generator");
	switch (g->kind) {
	case STLMP_GEN_CONST:
	case STLMP_GEN_COUNTER:
		return 0;
	case STLMP_GEN_PERIODIC:
		if (!g->period_ms)
			return vfail(v, pl, "periodic needs a period > 0");
		return 0;
	case STLMP_GEN_RANDOM_WALK:
		if (g->step < 0 || g->step > INT64_C(1) << 62)
			return vfail(v, pl, "step out of range");
		return 0;
	case STLMP_GEN_STEP:
		if (!g->n_states || g->n_states > STLMP_GEN_MAX_STATES)
			return vfail(v, pl, "want 1 to %d states",
				     STLMP_GEN_MAX_STATES);
		if (!g->dwell_ms)
			return vfail(v, pl, "step needs a dwell > 0");
		return 0;
	case STLMP_GEN_REPLAY:
		if (!g->samples || !g->n_samples || g->n_samples > 1000000)
			return vfail(v, pl, "replay needs 1 to 1000000 samples");
		return 0;
	}
	return vfail(v, pl, "unknown generator kind %d", (int)g->kind);
}

static int check_de(const struct stlmp_config *c, uint32_t i,
		    const struct vctx *v)
{
	const struct stlmp_de_cfg *d = &c->des[i];
	const struct scmi_tlm_de_desc *e = &d->desc;
	char pl[PLACE_MAX], fp[PLACE_MAX];

	de_place(v->org, i, pl);
	if (e->data_size < 1 || e->data_size > 8)
		return vfail(v, sub(fp, pl, "data_size"),
			     "%u out of range [1, 8]", e->data_size);
	if (e->has_name) {
		size_t n = strnlen(e->name, sizeof(e->name));

		if (n > SCMI_TLM_DE_NAME_LEN - 1)
			return vfail(v, sub(fp, pl, "name"),
				     "longer than %d characters",
				     SCMI_TLM_DE_NAME_LEN - 1);
		for (size_t k = 0; k < n; k++)
			if (e->name[k] < 0x20 || e->name[k] > 0x7E)
				return vfail(v, sub(fp, pl, "name"),
					     "non-printable character");
	}
	if (e->ts_support > SCMI_TLM_TS_BLOCK)
		return vfail(v, sub(fp, pl, "timestamps"),
			     "reserved timestamp support %u", e->ts_support);
	if (e->ts_support == SCMI_TLM_TS_LINE && !e->line_ts_rate)
		return vfail(v, sub(fp, pl, "line_ts_rate"),
			     "line timestamps need a rate > 0");
	if (e->ts_support == SCMI_TLM_TS_BLOCK && !c->default_blk_ts_rate)
		return vfail(v, sub(fp, pl, "timestamps"),
			     "block timestamps need default_blk_ts_rate > 0");
	if (e->group_id != SCMI_TLM_GROUP_NONE && e->group_id >= c->n_groups)
		return vfail(v, sub(fp, pl, "group"),
			     "group %u out of range (%u groups)", e->group_id,
			     c->n_groups);
	if (d->shmti != STLMP_NO_SHMTI && d->shmti >= c->n_shmti)
		return vfail(v, sub(fp, pl, "shmti"),
			     "shmti %u out of range (%u SHMTIs)", d->shmti,
			     c->n_shmti);
	if (e->has_fc && d->shmti != STLMP_NO_SHMTI)
		return vfail(v, sub(fp, pl, "shmti"),
			     "a FastChannel DE must have shmti \"none\" (it is read only through its FastChannel)");
	if (e->has_fc && e->fc_size && e->fc_size < 16)
		return vfail(v, sub(fp, pl, "fastchannel"),
			     "FastChannel size %u below 16", e->fc_size);
	return check_gen(&d->gen, pl, v);
}

struct id_idx {
	uint32_t id;
	uint32_t i;
};

static int cmp_id_idx(const void *a, const void *b)
{
	const struct id_idx *x = a, *y = b;

	if (x->id != y->id)
		return x->id < y->id ? -1 : 1;
	return x->i < y->i ? -1 : x->i > y->i;
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

static int check_boot_dups(const struct stlmp_config *c, const struct vctx *v)
{
	char pl[PLACE_MAX];
	uint32_t *s, dup = 0;
	bool found = false;

	if (c->n_boot_des < 2)
		return 0;
	s = malloc(c->n_boot_des * sizeof(*s));
	if (!s)
		return -ENOMEM;
	memcpy(s, c->boot_des, c->n_boot_des * sizeof(*s));
	qsort(s, c->n_boot_des, sizeof(*s), cmp_u32);
	for (uint32_t i = 1; i < c->n_boot_des && !found; i++)
		if (s[i] == s[i - 1]) {
			dup = s[i];
			found = true;
		}
	free(s);
	if (!found)
		return 0;
	/* report the second occurrence */
	for (uint32_t b = 0, seen = 0; b < c->n_boot_des; b++)
		if (c->boot_des[b] == dup && seen++)
			return vfail(v, idx(pl, "boot_des", b),
				     "DE 0x%08X listed twice", dup);
	return -EINVAL;
}

/*
 * Descriptions the Linux driver cannot take (docs/platform-format.md
 * "Linux rules"), unless the description opts out with linux_unsafe.
 */
static int check_linux(const struct stlmp_config *c, const struct vctx *v)
{
	char pl[PLACE_MAX];

	if (c->linux_unsafe)
		return 0;
	if (c->n_shmti == 0)
		return vfail(v, "shmti",
			     "no SHMTI: the Linux driver sizes its UUID table "
			     "2 * num_shmti and faults at probe without one");
	if (c->max_msg_size < STLMP_LINUX_MIN_MSG_SIZE)
		return vfail(v, "max_msg_size",
			     "%u is too small: a 56-byte DE descriptor needs a "
			     "%u-byte DE_DESCRIPTION reply, and the Linux "
			     "driver cannot enumerate past a descriptor that "
			     "does not fit", c->max_msg_size,
			     STLMP_LINUX_MIN_MSG_SIZE);
	if (c->n_groups) {
		/* the SHMTI of each group's first line, and its DE */
		uint32_t *first = malloc(2 * c->n_groups * sizeof(*first));

		if (!first)
			return -ENOMEM;
		memset(first, 0xFF, 2 * c->n_groups * sizeof(*first));
		for (uint32_t i = 0; i < c->n_des; i++) {
			const struct stlmp_de_cfg *d = &c->des[i];
			uint32_t g = d->desc.group_id;
			int r;

			if (g >= c->n_groups || d->desc.has_fc ||
			    d->shmti >= c->n_shmti)
				continue;
			if (first[2 * g] == UINT32_MAX) {
				first[2 * g] = d->shmti;
				first[2 * g + 1] = i;
				continue;
			}
			if (first[2 * g] == d->shmti)
				continue;
			de_place(v->org, i, pl);
			r = vfail(v, pl,
				  "group %u spread over SHMTIs %u and %u: the "
				  "Linux driver rescans only the SHMTI named in "
				  "the DE_CONFIGURE reply, so the group's other "
				  "lines would go stale", g, first[2 * g],
				  d->shmti);
			free(first);
			return r;
		}
		free(first);
	}
	return 0;
}

int validate(const struct stlmp_config *c, const struct vctx *v)
{
	char pl[PLACE_MAX], pl2[PLACE_MAX], pl3[PLACE_MAX], a[48];
	struct id_idx *ids = NULL;
	uint64_t *need = NULL, total = 0;
	int r;

	if (c->max_msg_size < STLMP_MIN_MSG_SIZE ||
	    c->max_msg_size > STLMP_MAX_MSG_SIZE)
		return vfail(v, "max_msg_size", "%u out of range [%u, %u]",
			     c->max_msg_size, STLMP_MIN_MSG_SIZE,
			     STLMP_MAX_MSG_SIZE);
	if (c->max_page_items > 0xFFFF)
		return vfail(v, "max_page_items", "%u out of range [0, 65535]",
			     c->max_page_items);
	if (c->n_des > STLMP_MAX_DES)
		return vfail(v, "des", "more than %u DEs", STLMP_MAX_DES);
	if (c->n_shmti > STLMP_MAX_SHMTI)
		return vfail(v, "shmti", "more than %u SHMTIs",
			     STLMP_MAX_SHMTI);
	if (c->n_groups > STLMP_MAX_GROUPS)
		return vfail(v, "groups", "more than %u groups",
			     STLMP_MAX_GROUPS);
	if ((c->n_des && !c->des) || (c->n_shmti && !c->shmti_size) ||
	    (c->n_groups && !c->groups) || (c->n_boot_des && !c->boot_des))
		return vfail(v, "", "missing arrays");
	r = check_intervals(&c->intervals, "intervals", v);
	if (r < 0)
		return r;
	if (c->intervals.n && !interval_in(&c->intervals, &c->default_interval)) {
		fmt_interval(&c->default_interval, a, sizeof(a));
		return vfail(v, "default_interval", "%s is not one of the intervals",
			     a);
	}
	for (uint32_t g = 0; g < c->n_groups; g++) {
		r = check_intervals(&c->groups[g].intervals,
				    sub(pl, idx(pl2, "groups", g), "intervals"),
				    v);
		if (r < 0)
			return r;
	}
	for (uint32_t s = 0; s < c->n_shmti; s++) {
		const char *sp = v->shmti_list ? idx(pl, "shmti.sizes", s) :
				 v->org ? "shmti.size" : idx(pl, "shmti", s);

		if (c->shmti_size[s] < 24 || c->shmti_size[s] % 8 ||
		    c->shmti_size[s] > STLMP_MAX_SHMTI_SIZE)
			return vfail(v, sp,
				     "size %u invalid (a multiple of 8 in [24, %u])",
				     c->shmti_size[s], STLMP_MAX_SHMTI_SIZE);
		total += c->shmti_size[s];
	}
	if (total > STLMP_MAX_SHMTI_TOTAL)
		return vfail(v, "shmti", "SHMTIs total %" PRIu64
			     " bytes, more than %llu", total,
			     (unsigned long long)STLMP_MAX_SHMTI_TOTAL);

	for (uint32_t i = 0; i < c->n_des; i++) {
		r = check_de(c, i, v);
		if (r < 0)
			return r;
	}
	{
		char fplace[PLACE_MAX], fmsg[160];

		r = stlmp_fixed_layout_check(c, fplace, sizeof(fplace), fmsg,
					     sizeof(fmsg));
		if (r == -ENOMEM)
			return r;
		if (r < 0)
			return vfail(v, fplace, "%s", fmsg);
	}

	if (c->n_shmti) {
		need = calloc(c->n_shmti, sizeof(*need));
		if (!need)
			return -ENOMEM;
		stlmp_shmti_needs(c, false, need);
		for (uint32_t s = 0; s < c->n_shmti; s++) {
			const char *sp = v->shmti_list ?
				idx(pl, "shmti.sizes", s) :
				v->org ? "shmti.size" : idx(pl, "shmti", s);
			uint32_t n = 0;

			if (need[s] <= c->shmti_size[s])
				continue;
			for (uint32_t i = 0; i < c->n_des; i++)
				n += c->des[i].shmti == s &&
				     !c->des[i].desc.has_fc;
			r = vfail(v, sp,
				  "SHMTI %u of %u bytes is too small for its %u DEs (needs %" PRIu64
				  ")",
				  s, c->shmti_size[s], n, need[s]);
			free(need);
			return r;
		}
		free(need);
	}

	if (c->n_des) {
		ids = malloc(c->n_des * sizeof(*ids));
		if (!ids)
			return -ENOMEM;
		for (uint32_t i = 0; i < c->n_des; i++)
			ids[i] = (struct id_idx){ c->des[i].desc.id, i };
		qsort(ids, c->n_des, sizeof(*ids), cmp_id_idx);
		for (uint32_t i = 1; i < c->n_des; i++) {
			if (ids[i].id != ids[i - 1].id)
				continue;
			de_place(v->org, ids[i].i, pl);
			de_place(v->org, ids[i - 1].i, pl2);
			r = vfail(v, sub(pl3, pl, "id"),
				  "duplicate id 0x%08X (first at %s)", ids[i].id,
				  pl2);
			free(ids);
			return r;
		}
	}
	for (uint32_t b = 0; b < c->n_boot_des; b++) {
		struct id_idx key = { c->boot_des[b], 0 }, *hit = NULL;

		if (ids) {
			/* lowest index with this id */
			size_t lo = 0, hi = c->n_des;

			while (lo < hi) {
				size_t mid = (lo + hi) / 2;

				if (ids[mid].id < key.id)
					lo = mid + 1;
				else
					hi = mid;
			}
			if (lo < c->n_des && ids[lo].id == key.id)
				hit = &ids[lo];
		}
		if (!hit) {
			r = vfail(v, idx(pl, "boot_des", b),
				  "unknown DE 0x%08X", key.id);
			free(ids);
			return r;
		}
	}
	free(ids);
	r = check_boot_dups(c, v);
	if (r < 0)
		return r;
	return check_linux(c, v);
}

int stlmp_config_validate(const struct stlmp_config *c, char *err,
			  size_t errlen)
{
	struct vctx v = { .err = err, .errlen = errlen };

	if (!c)
		return -EINVAL;
	if (err && errlen)
		err[0] = '\0';
	v.name = c->name[0] ? c->name : "config";
	return validate(c, &v);
}

void stlmp_config_free(struct stlmp_config *c)
{
	if (!c)
		return;
	free(c->intervals.v);
	free(c->shmti_size);
	free(c->shmti_fixed);
	if (c->groups)
		for (uint32_t g = 0; g < c->n_groups; g++)
			free(c->groups[g].intervals.v);
	free(c->groups);
	if (c->des)
		for (uint32_t i = 0; i < c->n_des; i++)
			stlmp_gen_samples_unref(c->des[i].gen.samples);
	free(c->des);
	free(c->boot_des);
	free(c);
}
