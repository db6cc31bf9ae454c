/* SPDX-License-Identifier: MIT */
/*
 * Copyright (c) 2026 The stlm authors
 *
 * Value generators (struct stlmp_gen in platform.h). Deterministic: the
 * value at update number `tick`, platform time `t_ns`, depends only on the
 * generator parameters, the platform seed and the DE id (and, for the
 * random walk, on the ticks before it, replayed from tick 0 by
 * stlmp_gen_predict()).
 */
#ifndef STLM_PLATFORM_GEN_H
#define STLM_PLATFORM_GEN_H

#include "platform.h"

/**
 * struct stlmp_gen_state - per-DE running state
 * @rng:       xorshift64* state, seeded from (seed, DE id)
 * @walk:      current random-walk value
 * @last_tick: tick of the last value produced (for the walk)
 * @started:   a value was produced already
 */
struct stlmp_gen_state {
	uint64_t rng;
	int64_t walk;
	uint64_t last_tick;
	bool started;
};

void stlmp_gen_init(const struct stlmp_gen *g, uint64_t seed, uint32_t de_id,
		    struct stlmp_gen_state *st);
/*
 * The raw value for update `tick` at time t_ns, truncated to data_size
 * bytes (two's complement for negative values). Calls must come with
 * non-decreasing ticks for a given state; a walk advances one step per
 * tick elapsed since the last call.
 */
uint64_t stlmp_gen_next(const struct stlmp_gen *g, struct stlmp_gen_state *st,
			uint64_t t_ns, uint64_t tick, uint32_t data_size);
/* The same value from a fresh state (replays the walk). */
uint64_t stlmp_gen_predict(const struct stlmp_gen *g, uint64_t seed,
			   uint32_t de_id, uint64_t t_ns, uint64_t tick,
			   uint32_t data_size);
/*
 * Load a CSV trace for STLMP_GEN_REPLAY: one value per line (the last
 * comma-separated field of each line is used; a header line that does not
 * parse as a number is skipped; '#' comments). Decimal or 0x-hex, signed.
 * On success *ret_samples is a new shared array (stlmp_gen_samples_new()). -EINVAL with "FILE:LINE: problem"
 * in err on bad input; at most 1,000,000 samples.
 */
int stlmp_gen_load_csv(const char *path, int64_t **ret_samples,
		       uint32_t *ret_n, char *err, size_t errlen);

/*
 * Replay samples (struct stlmp_gen.samples) are shared, reference-counted
 * arrays: every DE of a template, and every DE naming the same trace file,
 * points at one array (a 7 MB trace over 2000 DEs is held once). Only
 * these functions allocate and release them (never free() them).
 * _new(): @n zeroed samples, one reference, NULL on ENOMEM or n == 0.
 * _ref(): one more reference; NULL-safe. _unref(): drop one, freeing the
 * array with the last; NULL-safe.
 */
int64_t *stlmp_gen_samples_new(uint32_t n);
int64_t *stlmp_gen_samples_ref(int64_t *samples);
void stlmp_gen_samples_unref(int64_t *samples);

#endif /* STLM_PLATFORM_GEN_H */
