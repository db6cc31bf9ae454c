/* SPDX-License-Identifier: MIT */
/*
 * Copyright (c) 2026 The stlm authors
 *
 * Shared bits of the codec fuzzers: the libFuzzer entry point, the input
 * size bounds and the invariant check that turns a broken round trip into
 * a crash libFuzzer records (and the corpus replay reports).
 */
#ifndef STLM_FUZZ_H
#define STLM_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "telemetry.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Largest SCMI message payload a fuzzer looks at. */
#define FUZZ_MAX_MSG	4096
/* Largest SHMTI area the TDCF fuzzer looks at. */
#define FUZZ_MAX_AREA	65536

static inline __attribute__((noreturn)) void
fuzz_fail(const char *file, int line, const char *expr)
{
	fprintf(stderr, "%s:%d: fuzz invariant broken: %s\n", file, line,
		expr);
	abort();
}

/* abort() when a codec invariant does not hold. */
#define fuzz_check(cond)						\
	do {								\
		if (!(cond))						\
			fuzz_fail(__FILE__, __LINE__, #cond);		\
	} while (0)

/*
 * Field-by-field equality of two decoded DE descriptors (used by the
 * DE_DESCRIPTION round trips of two fuzzers). Callers zero both structs
 * before decoding, so fields a descriptor does not carry compare equal.
 */
static inline int fuzz_de_desc_eq(const struct scmi_tlm_de_desc *a,
				  const struct scmi_tlm_de_desc *b)
{
	return a->id == b->id && a->group_id == b->group_id &&
	       a->data_size == b->data_size && a->type == b->type &&
	       a->persistent == b->persistent &&
	       a->unit_exp == b->unit_exp && a->unit == b->unit &&
	       a->ts_support == b->ts_support &&
	       a->instance_id == b->instance_id &&
	       a->compo_instance == b->compo_instance &&
	       a->compo_type == b->compo_type &&
	       a->line_ts_rate == b->line_ts_rate &&
	       a->has_fc == b->has_fc && a->fc_addr == b->fc_addr &&
	       a->fc_size == b->fc_size && a->has_name == b->has_name &&
	       !strncmp(a->name, b->name, sizeof(a->name));
}

#endif /* STLM_FUZZ_H */
