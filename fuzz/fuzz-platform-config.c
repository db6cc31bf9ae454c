// SPDX-License-Identifier: MIT
/*
 * Copyright (c) 2026 The stlm authors
 *
 * The platform description parser of stlm-platform (platform/config.c,
 * docs/platform-format.md): JSON syntax, every key and value check,
 * DE prototypes and repeat blocks, groups, SHMTIs (sizes, fixed
 * layouts), generators, boot DEs, and the validation pass behind them.
 * The description is parsed from memory with STLMP_PARSE_NO_FILES, so a
 * replay generator's "file" is refused instead of opened.
 *
 * Checks:
 *  - a rejected description gets -EINVAL / -EFBIG / -ENOMEM, no config,
 *    and a message that starts with the description's name;
 *  - an accepted one passes stlmp_config_validate() again, stays within
 *    the STLMP_MAX_* limits, places every DE in a SHMTI that exists
 *    (or in none), gives each SHMTI at least the bytes its DEs need,
 *    refers only to groups that exist and boots only DEs that exist.
 */
#include <errno.h>
#include <stdbool.h>

#include "config-internal.h"
#include "fuzz.h"

/* Bigger inputs only cost time: nothing new is reachable with them. */
#define FUZZ_MAX_DESC (64u << 10)

static void check_config(const struct stlmp_config *c)
{
	char err[512];
	uint64_t *need;

	fuzz_check(stlmp_config_validate(c, err, sizeof(err)) == 0);
	fuzz_check(c->n_des <= STLMP_MAX_DES);
	fuzz_check(c->n_shmti <= STLMP_MAX_SHMTI);
	fuzz_check(c->n_groups <= STLMP_MAX_GROUPS);
	fuzz_check(c->intervals.n <= STLMP_MAX_INTERVALS);
	fuzz_check(c->n_boot_des <= c->n_des);
	fuzz_check(c->max_msg_size >= STLMP_MIN_MSG_SIZE &&
		   c->max_msg_size <= STLMP_MAX_MSG_SIZE);
	fuzz_check(!c->n_des || c->des);
	fuzz_check(!c->n_shmti || c->shmti_size);
	for (uint32_t i = 0; i < c->n_des; i++) {
		const struct stlmp_de_cfg *d = &c->des[i];

		fuzz_check(d->shmti == STLMP_NO_SHMTI ||
			   d->shmti < c->n_shmti);
		fuzz_check(d->desc.group_id == SCMI_TLM_GROUP_NONE ||
			   d->desc.group_id < c->n_groups);
	}
	/* (quadratic: only on small descriptions) */
	for (uint32_t i = 0; (uint64_t)c->n_boot_des * c->n_des <= 1000000 &&
			     i < c->n_boot_des; i++) {
		bool found = false;

		for (uint32_t k = 0; k < c->n_des && !found; k++)
			found = c->des[k].desc.id == c->boot_des[i];
		fuzz_check(found);
	}
	if (!c->n_shmti)
		return;
	need = calloc(c->n_shmti, sizeof(*need));
	if (!need)
		return;
	stlmp_shmti_needs(c, false, need);
	for (uint32_t s = 0; s < c->n_shmti; s++) {
		fuzz_check(c->shmti_size[s] <= STLMP_MAX_SHMTI_SIZE);
		fuzz_check(need[s] <= c->shmti_size[s]);
	}
	free(need);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct stlmp_config *c = NULL;
	char err[512];
	int r;

	if (size > FUZZ_MAX_DESC)
		return 0;
	memset(err, 0x55, sizeof(err));
	r = stlmp_config_parse_mem((const char *)data, size, "fuzz.json",
				   STLMP_PARSE_NO_FILES, &c, err, sizeof(err));
	fuzz_check(memchr(err, '\0', sizeof(err)) != NULL);
	if (r < 0) {
		fuzz_check(c == NULL);
		fuzz_check(r == -EINVAL || r == -EFBIG || r == -ENOMEM);
		fuzz_check(r == -ENOMEM || !strncmp(err, "fuzz.json", 9));
		return 0;
	}
	fuzz_check(r == 0 && c != NULL);
	check_config(c);
	stlmp_config_free(c);
	return 0;
}
