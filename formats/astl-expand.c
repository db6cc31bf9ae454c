// SPDX-License-Identifier: MIT
/*
 * Copyright (c) 2026 The stlm authors
 *
 * ASTL specs expanded for targets (astl.h): for target t, instance i of a
 * block of count n gets global instance t * n + i, and DE id
 * (global << 16) | base id; duplicate ids and full names are found with
 * open-addressing hash tables over the slots.
 */
#include <ctype.h>
#include <errno.h>
#include <json-c/json.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "astl-internal.h"

/* ------------------------------------------------------------------ */
/* Expansion                                                           */

uint32_t stlm__astl_hash_u32(uint32_t x)
{
	x ^= x >> 16;
	x *= 0x7feb352du;
	x ^= x >> 15;
	x *= 0x846ca68bu;
	x ^= x >> 16;
	return x;
}

static uint32_t hash_str(const char *s)
{
	uint32_t h = 2166136261u;

	for (; *s; s++) {
		h ^= (unsigned char)*s;
		h *= 16777619u;
	}
	return h;
}

static const char *alias_of(const struct astl_spec *s, const char *comp,
			    uint32_t inst)
{
	for (uint32_t i = 0; i < s->n_aliases; i++)
		if (s->aliases[i].instance == inst &&
		    !strcmp(s->aliases[i].component, comp))
			return s->aliases[i].alias;
	return comp;
}

void stlm__astl_expansion_free(struct astl_expansion *e)
{
	if (!e)
		return;
	for (size_t i = 0; i < e->n_slots; i++)
		free(e->slots[i].full_name);
	free(e->slots);
	findings_free(e->findings, e->n_findings);
	free(e);
}

static void slot_place(const struct astl_spec *s, const struct astl_slot *sl,
		       char *buf, size_t n)
{
	const struct astl_member *m = &s->blocks[sl->block].members[sl->member];

	if (s->generation == 1)
		snprintf(buf, n, "layout[%u].members[%u]", sl->block, sl->member);
	else
		snprintf(buf, n, "members[%u].metrics.%s", sl->block,
			 m->key ? m->key : m->name);
}

#define exp_finding(e, f, ...)						\
	add_finding(&(e)->findings, &(e)->n_findings,			\
		    &(e)->n_findings_total, f, __VA_ARGS__)

int stlm__astl_expand(const struct astl_spec *s, uint32_t first_target,
		      uint32_t n_targets, struct astl_expansion **ret,
		      char *err, size_t errlen)
{
	struct astl_expansion *e;
	uint32_t *idh = NULL, *nmh = NULL, mask;
	uint64_t total;
	size_t cap;
	int r = 0;

	if (err && errlen)
		err[0] = '\0';
	if (!s || !ret || !n_targets || n_targets > ASTL_MAX_TARGETS)
		return -EINVAL;
	*ret = NULL;
	total = s->n_des_per_target * n_targets;
	if (total > ASTL_MAX_SLOTS) {
		if (err && errlen)
			snprintf(err, errlen, "%s: %u targets give %llu DEs (at most %u)",
				 s->file, n_targets, (unsigned long long)total,
				 ASTL_MAX_SLOTS);
		return -EINVAL;
	}
	for (uint32_t b = 0; b < s->n_blocks; b++) {
		const struct astl_block *blk = &s->blocks[b];
		uint64_t last = ((uint64_t)first_target + n_targets) * blk->count - 1;

		if (!blk->header && last > 0xFFFF) {
			if (err && errlen)
				snprintf(err, errlen,
					 "%s: %s[%u]: global instance %llu of target %u does not fit in 16 bits",
					 s->file, blk_word(s), b,
					 (unsigned long long)last,
					 first_target + n_targets - 1);
			return -EINVAL;
		}
	}
	e = calloc(1, sizeof(*e));
	if (!e)
		return -ENOMEM;
	e->spec = s;
	e->first_target = first_target;
	e->n_targets = n_targets;
	cap = total ? (size_t)total : 1;
	e->slots = calloc(cap, sizeof(*e->slots));
	for (mask = 1; mask < cap * 2; mask <<= 1)
		;
	idh = calloc(mask, sizeof(*idh));
	nmh = calloc(mask, sizeof(*nmh));
	mask--;
	if (!e->slots || !idh || !nmh) {
		r = -ENOMEM;
		goto out;
	}
	for (uint32_t t = first_target; t < first_target + n_targets; t++) {
		for (uint32_t b = 0; b < s->n_blocks; b++) {
			const struct astl_block *blk = &s->blocks[b];

			if (blk->header)
				continue;
			for (uint32_t i = 0; i < blk->count; i++) {
				for (uint32_t k = 0; k < blk->n_members; k++) {
					const struct astl_member *m = &blk->members[k];
					struct astl_slot *sl = &e->slots[e->n_slots];
					uint32_t g = t * blk->count + i, h;
					char buf[64];
					size_t fl;

					sl->base_id = m->base_id;
					sl->id = g << 16 | m->base_id;
					sl->block = b;
					sl->member = k;
					sl->target = t;
					sl->local_instance = i;
					sl->global_instance = g;
					sl->name = m->name;
					sl->component = m->component;
					sl->display_component = alias_of(s, m->component, g);
					sl->description = m->description;
					sl->unit_text = m->unit_text;
					sl->unit = m->unit;
					sl->unit_normalised = m->unit_normalised;
					sl->unit_exponent = m->unit_exponent;
					sl->exponent = m->exponent;
					sl->kind = m->kind;
					sl->component_type = m->component_type;
					sl->line_size = m->line_size;
					sl->offset = blk->start_offset +
						(uint64_t)i * blk->block_size + m->rel_offset;
					snprintf(buf, sizeof(buf), ".%u.", g);
					fl = strlen(sl->display_component) + strlen(buf) +
						strlen(m->name) + 1;
					sl->full_name = malloc(fl);
					if (!sl->full_name) {
						r = -ENOMEM;
						goto out;
					}
					snprintf(sl->full_name, fl, "%s%s%s",
						 sl->display_component, buf, m->name);
					e->n_slots++;
					/* ids */
					for (h = stlm__astl_hash_u32(sl->id) & mask;;
					     h = (h + 1) & mask) {
						uint32_t v = idh[h];

						if (!v) {
							idh[h] = (uint32_t)e->n_slots;
							e->n_distinct_ids++;
							sl->first_of_id = (uint32_t)e->n_slots - 1;
							break;
						}
						if (e->slots[v - 1].id == sl->id) {
							struct astl_slot *o = &e->slots[v - 1];
							struct astl_finding f = {
								.type = ASTL_FIND_DUP_ID,
								.block_a = (int)o->block,
								.member_a = (int)o->member,
								.block_b = (int)b,
								.member_b = (int)k,
								.id = sl->id, .count = 2,
							};
							char pa[128], pb[128], idt[16];

							sl->duplicate_id = true;
							sl->first_of_id = v - 1;
							e->n_dup_ids++;
							slot_place(s, o, pa, sizeof(pa));
							slot_place(s, sl, pb, sizeof(pb));
							snprintf(idt, sizeof(idt), "0x%08x", sl->id);
							r = exp_finding(e, &f,
									"duplicate id %s: %s (%s) repeats %s (%s)",
									idt, sl->full_name, pb,
									o->full_name, pa);
							if (r < 0)
								goto out;
							break;
						}
					}
					/* names */
					for (h = hash_str(sl->full_name) & mask;; h = (h + 1) & mask) {
						uint32_t v = nmh[h];

						if (!v) {
							nmh[h] = (uint32_t)e->n_slots;
							break;
						}
						if (!strcmp(e->slots[v - 1].full_name, sl->full_name)) {
							struct astl_slot *o = &e->slots[v - 1];
							struct astl_finding f = {
								.type = ASTL_FIND_DUP_NAME,
								.block_a = (int)o->block,
								.member_a = (int)o->member,
								.block_b = (int)b,
								.member_b = (int)k,
								.id = sl->id, .count = 2,
							};
							char pa[128], pb[128];

							sl->duplicate_name = true;
							e->n_dup_names++;
							slot_place(s, o, pa, sizeof(pa));
							slot_place(s, sl, pb, sizeof(pb));
							r = exp_finding(e, &f,
									"duplicate name %s: %s and %s",
									sl->full_name, pa, pb);
							if (r < 0)
								goto out;
							break;
						}
					}
				}
			}
		}
	}
out:
	free(idh);
	free(nmh);
	if (r < 0) {
		stlm__astl_expansion_free(e);
		if (err && errlen)
			snprintf(err, errlen, "%s: out of memory", s->file);
		return r;
	}
	*ret = e;
	return 0;
}

