// SPDX-License-Identifier: MIT
/*
 * Copyright (c) 2026 The stlm authors
 *
 * The ASTL description file parsers (formats/astl*.c): spec files of both
 * generations with their expansion, repometa / platform_lookup indexes
 * and metrics declarations, all parsed from memory.
 *
 * Checks:
 *  - a rejected document gets -EINVAL / -EFBIG / -ENOMEM, no object, and
 *    a message that starts with the file name;
 *  - an accepted spec stays within its bounds, and its expansion over
 *    one and two targets has distinct-id counts that add up, slots whose
 *    ids carry their global instance, and offsets inside the blocks;
 *  - detection never disagrees with a successful parse.
 */
#include <errno.h>
#include <stdbool.h>

#include "astl.h"
#include "fuzz.h"

/* Bigger inputs only cost time: the parser caps them itself. */
#define FUZZ_MAX_ASTL (256u << 10)

static void check_err(int r, const char *err)
{
	fuzz_check(r == -EINVAL || r == -EFBIG || r == -ENOMEM);
	fuzz_check(r == -ENOMEM || !strncmp(err, "fuzz.json", 9));
}

static void check_expansion(const struct astl_spec *s, uint32_t first,
			    uint32_t n)
{
	struct astl_expansion *e = NULL;
	char err[512];
	int r = stlm__astl_expand(s, first, n, &e, err, sizeof(err));

	if (r < 0) {
		fuzz_check(e == NULL);
		fuzz_check(r == -EINVAL || r == -ENOMEM);
		return;
	}
	fuzz_check(e->n_slots == s->n_des_per_target * n);
	fuzz_check(e->n_distinct_ids + e->n_dup_ids == e->n_slots);
	for (size_t i = 0; i < e->n_slots; i++) {
		const struct astl_slot *sl = &e->slots[i];
		const struct astl_block *b = &s->blocks[sl->block];

		fuzz_check(sl->id >> 16 == sl->global_instance);
		fuzz_check((sl->id & 0xFFFF) == sl->base_id);
		fuzz_check(sl->global_instance ==
			   sl->target * b->count + sl->local_instance);
		fuzz_check(sl->offset >= b->start_offset);
		fuzz_check(sl->first_of_id <= i);
		fuzz_check(e->slots[sl->first_of_id].id == sl->id);
		fuzz_check(sl->full_name && sl->full_name[0]);
	}
	stlm__astl_expansion_free(e);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *text = (const char *)data;
	struct astl_spec *s = NULL;
	struct astl_index *x = NULL;
	struct astl_metrics *m = NULL;
	enum astl_doc d;
	char err[512];
	int r;

	if (size > FUZZ_MAX_ASTL)
		return 0;
	d = stlm__astl_detect(text, size);
	r = stlm__astl_spec_parse(text, size, "fuzz.json", &s, err, sizeof(err));
	if (r < 0) {
		fuzz_check(s == NULL);
		check_err(r, err);
	} else {
		fuzz_check(d == ASTL_DOC_SPEC || d == ASTL_DOC_NONE);
		fuzz_check(s->generation == 1 || s->generation == 2);
		fuzz_check(s->uuid_bytes >= 1 && s->uuid_bytes <= 16);
		fuzz_check(s->n_blocks >= 1 && s->n_blocks <= ASTL_MAX_BLOCKS);
		fuzz_check(s->n_des_per_target <= ASTL_MAX_SLOTS);
		fuzz_check(s->n_findings <= ASTL_MAX_FINDINGS);
		check_expansion(s, 0, 1);
		if (s->n_des_per_target <= ASTL_MAX_SLOTS / 2)
			check_expansion(s, 0, 2);
		stlm__astl_spec_free(s);
	}
	r = stlm__astl_index_parse(text, size, "fuzz.json", &x, err, sizeof(err));
	if (r < 0) {
		fuzz_check(x == NULL);
		check_err(r, err);
	} else {
		fuzz_check(x->kind == ASTL_DOC_REPOMETA || x->kind == ASTL_DOC_LOOKUP);
		for (uint32_t i = 0; i < x->n_entries; i++) {
			fuzz_check(x->entries[i].path && x->entries[i].path[0]);
			fuzz_check(stlm__astl_index_find(x, x->entries[i].uuid));
		}
		stlm__astl_index_free(x);
	}
	r = stlm__astl_metrics_parse(text, size, "fuzz.json", &m, err, sizeof(err));
	if (r < 0) {
		fuzz_check(m == NULL);
		check_err(r, err);
	} else {
		for (uint32_t i = 0; i < m->n_metrics; i++)
			fuzz_check(m->metrics[i].n_groups <= ASTL_MAX_GROUPS);
		stlm__astl_metrics_free(m);
	}
	return 0;
}
