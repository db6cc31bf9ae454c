// SPDX-License-Identifier: MIT
/*
 * Copyright (c) 2026 The stlm authors
 *
 * Value generators.
 *
 * Every generator is a pure function of its parameters, the platform
 * seed, the DE id, the platform time and the update number, except the
 * random walk, which also depends on the ticks before it and is replayed
 * from tick 0 by stlmp_gen_predict(). Integer arithmetic is used wherever
 * the parameters allow it (counters with an integral rate are exact); the
 * periodic generator uses sin(), which is reproducible on one machine.
 */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "config-internal.h"
#include "gen.h"
#include "num.h"

#define NS_PER_SEC 1000000000ull
#define NS_PER_MS 1000000ull
#define CSV_MAX_SAMPLES 1000000u
/* Replay files are read whole: regular files of at most this size. */
#define CSV_MAX_BYTES (64u << 20)

static uint64_t splitmix64(uint64_t x)
{
	x += 0x9E3779B97F4A7C15ull;
	x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
	x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
	return x ^ (x >> 31);
}

/* xorshift64* (Vigna); state must never be 0. */
static uint64_t xorshift64s(uint64_t *s)
{
	uint64_t x = *s;

	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	*s = x;
	return x * 0x2545F4914F6CDD1Dull;
}

static bool bounded(const struct stlmp_gen *g)
{
	return g->min < g->max;
}

static int64_t clamp(const struct stlmp_gen *g, int64_t v)
{
	if (!bounded(g))
		return v;
	if (v < g->min)
		return g->min;
	if (v > g->max)
		return g->max;
	return v;
}

static uint64_t truncate_to(uint64_t v, uint32_t data_size)
{
	if (data_size == 0 || data_size >= 8)
		return v;
	return v & ((1ull << (8 * data_size)) - 1);
}

void stlmp_gen_init(const struct stlmp_gen *g, uint64_t seed, uint32_t de_id,
		    struct stlmp_gen_state *st)
{
	uint64_t x = splitmix64(seed ^ splitmix64(0x53544C4Dull ^
						  ((uint64_t)de_id << 16)));

	memset(st, 0, sizeof(*st));
	st->rng = x ? x : 0x9E3779B97F4A7C15ull;
	st->walk = clamp(g, g->base);
}

/* base + floor(rate * t): exact for integral rates. */
static int64_t counter_value(const struct stlmp_gen *g, uint64_t t_ns)
{
	double r = g->rate;
	__int128 inc;

	if (r == floor(r) && fabs(r) < 9007199254740992.0) {
		__int128 p = (__int128)(int64_t)r * (__int128)t_ns;
		__int128 q = p / (__int128)NS_PER_SEC;

		/* floor division for negative rates */
		if (p < 0 && q * (__int128)NS_PER_SEC != p)
			q--;
		inc = q;
	} else {
		inc = (__int128)floor(r * ((double)t_ns / (double)NS_PER_SEC));
	}
	/* wrap modulo 2^64; truncation to data_size does the rest */
	return (int64_t)(uint64_t)((unsigned __int128)g->base +
				   (unsigned __int128)inc);
}

static int64_t periodic_value(const struct stlmp_gen *g, uint64_t t_ns)
{
	uint64_t period_ns;
	double phase, v;

	if (!g->period_ms)
		return clamp(g, g->base);
	period_ns = (uint64_t)g->period_ms * NS_PER_MS;
	phase = (double)(t_ns % period_ns) / (double)period_ns;
	v = g->amplitude * sin(2.0 * M_PI * phase);
	v = round(v);
	if (v > 9.2e18)
		v = 9.2e18;
	if (v < -9.2e18)
		v = -9.2e18;
	return clamp(g, (int64_t)((uint64_t)g->base + (uint64_t)(int64_t)v));
}

static int64_t walk_step(const struct stlmp_gen *g, struct stlmp_gen_state *st)
{
	uint64_t span, r;
	int64_t d;

	if (g->step <= 0)
		return st->walk;
	span = 2 * (uint64_t)g->step + 1;
	r = xorshift64s(&st->rng);
	d = (int64_t)(r % span) - g->step;
	/* saturate instead of overflowing when unbounded */
	if (d > 0 && st->walk > INT64_MAX - d)
		st->walk = INT64_MAX;
	else if (d < 0 && st->walk < INT64_MIN - d)
		st->walk = INT64_MIN;
	else
		st->walk += d;
	st->walk = clamp(g, st->walk);
	return st->walk;
}

uint64_t stlmp_gen_next(const struct stlmp_gen *g, struct stlmp_gen_state *st,
			uint64_t t_ns, uint64_t tick, uint32_t data_size)
{
	int64_t v = 0;

	switch (g->kind) {
	case STLMP_GEN_CONST:
		v = g->base;
		break;
	case STLMP_GEN_COUNTER:
		v = counter_value(g, t_ns);
		break;
	case STLMP_GEN_PERIODIC:
		v = periodic_value(g, t_ns);
		break;
	case STLMP_GEN_RANDOM_WALK: {
		uint64_t steps;

		if (!st->started)
			steps = tick;
		else
			steps = tick > st->last_tick ? tick - st->last_tick : 0;
		while (steps--)
			walk_step(g, st);
		v = st->walk;
		break;
	}
	case STLMP_GEN_STEP:
		if (g->n_states) {
			uint32_t n = g->n_states > STLMP_GEN_MAX_STATES ?
					     STLMP_GEN_MAX_STATES :
					     g->n_states;
			uint64_t slot = g->dwell_ms ?
						t_ns / ((uint64_t)g->dwell_ms *
							NS_PER_MS) :
						0;

			v = g->states[slot % n];
		}
		break;
	case STLMP_GEN_REPLAY:
		if (g->samples && g->n_samples)
			v = g->samples[tick % g->n_samples];
		break;
	}
	if (!st->started || tick > st->last_tick)
		st->last_tick = tick;
	st->started = true;
	return truncate_to((uint64_t)v, data_size);
}

uint64_t stlmp_gen_predict(const struct stlmp_gen *g, uint64_t seed,
			   uint32_t de_id, uint64_t t_ns, uint64_t tick,
			   uint32_t data_size)
{
	struct stlmp_gen_state st;

	stlmp_gen_init(g, seed, de_id, &st);
	return stlmp_gen_next(g, &st, t_ns, tick, data_size);
}

/* ---------------------------------------------------------------- */
/* Shared sample arrays                                             */

/* The header in front of the samples (16 bytes: keeps them 8-aligned). */
struct samples_hdr {
	uint32_t refs;
	uint32_t n;
	uint64_t reserved;
};

static struct samples_hdr *samples_hdr(int64_t *samples)
{
	return (struct samples_hdr *)(void *)((char *)samples -
					      sizeof(struct samples_hdr));
}

int64_t *stlmp_gen_samples_new(uint32_t n)
{
	struct samples_hdr *h;

	if (!n || n > CSV_MAX_SAMPLES)
		return NULL;
	h = calloc(1, sizeof(*h) + (size_t)n * sizeof(int64_t));
	if (!h)
		return NULL;
	h->refs = 1;
	h->n = n;
	return (int64_t *)(void *)(h + 1);
}

int64_t *stlmp_gen_samples_ref(int64_t *samples)
{
	if (samples)
		__atomic_add_fetch(&samples_hdr(samples)->refs, 1,
				   __ATOMIC_RELAXED);
	return samples;
}

void stlmp_gen_samples_unref(int64_t *samples)
{
	if (samples && !__atomic_sub_fetch(&samples_hdr(samples)->refs, 1,
					   __ATOMIC_ACQ_REL))
		free(samples_hdr(samples));
}

/* ---------------------------------------------------------------- */
/* CSV traces                                                       */

static char *trim(char *s)
{
	char *e;

	while (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n')
		s++;
	e = s + strlen(s);
	while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r' ||
			 e[-1] == '\n'))
		*--e = '\0';
	return s;
}

int stlmp_gen_load_csv(const char *path, int64_t **ret_samples,
		       uint32_t *ret_n, char *err, size_t errlen)
{
	int64_t *v = NULL;
	uint32_t n = 0, cap = 0;
	size_t lsz = 0;
	char *line = NULL;
	unsigned long lineno = 0;
	bool seen_first = false;
	ssize_t len;
	FILE *f;
	int r;

	if (!path || !ret_samples || !ret_n)
		return -EINVAL;
	f = fopen(path, "re");
	if (!f) {
		r = -errno;
		if (err)
			snprintf(err, errlen, "%s: %s", path, strerror(-r));
		return r;
	}
	{
		struct stat st;

		if (fstat(fileno(f), &st) < 0 || !S_ISREG(st.st_mode) ||
		    st.st_size > (off_t)CSV_MAX_BYTES) {
			if (err)
				snprintf(err, errlen,
					 "%s: not a regular file of at most %u MiB",
					 path, CSV_MAX_BYTES >> 20);
			r = -EINVAL;
			goto fail;
		}
	}
	while ((len = getline(&line, &lsz, f)) >= 0) {
		char *s, *c, *field;
		int64_t x;

		lineno++;
		if (memchr(line, '\0', (size_t)len)) {
			if (err)
				snprintf(err, errlen, "%s:%lu: NUL byte in line",
					 path, lineno);
			r = -EINVAL;
			goto fail;
		}
		c = strchr(line, '#');
		if (c)
			*c = '\0';
		s = trim(line);
		if (!*s)
			continue;
		field = strrchr(s, ',');
		field = trim(field ? field + 1 : s);
		r = stlm__num_i64(field, &x);
		if (r < 0) {
			if (r == -EINVAL && !seen_first) {
				/* a header line */
				seen_first = true;
				continue;
			}
			if (err)
				snprintf(err, errlen, "%s:%lu: %s '%.32s'", path,
					 lineno,
					 r == -ERANGE ? "value out of range" :
							"not a number",
					 field);
			r = -EINVAL;
			goto fail;
		}
		seen_first = true;
		if (n == CSV_MAX_SAMPLES) {
			if (err)
				snprintf(err, errlen,
					 "%s:%lu: more than %u samples", path,
					 lineno, CSV_MAX_SAMPLES);
			r = -EINVAL;
			goto fail;
		}
		if (n == cap) {
			uint32_t ncap = cap ? cap * 2 : 64;
			int64_t *nv;

			if (ncap > CSV_MAX_SAMPLES)
				ncap = CSV_MAX_SAMPLES;
			nv = realloc(v, ncap * sizeof(*v));
			if (!nv) {
				r = -ENOMEM;
				if (err)
					snprintf(err, errlen, "%s: out of memory",
						 path);
				goto fail;
			}
			v = nv;
			cap = ncap;
		}
		v[n++] = x;
	}
	if (ferror(f)) {
		r = -EIO;
		if (err)
			snprintf(err, errlen, "%s: read error", path);
		goto fail;
	}
	if (!n) {
		if (err)
			snprintf(err, errlen, "%s: no samples", path);
		r = -EINVAL;
		goto fail;
	}
	free(line);
	fclose(f);
	/* Into a shared array of the exact size. */
	*ret_samples = stlmp_gen_samples_new(n);
	if (!*ret_samples) {
		free(v);
		if (err)
			snprintf(err, errlen, "%s: out of memory", path);
		return -ENOMEM;
	}
	memcpy(*ret_samples, v, (size_t)n * sizeof(*v));
	free(v);
	*ret_n = n;
	return 0;

fail:
	free(line);
	free(v);
	fclose(f);
	return r;
}
