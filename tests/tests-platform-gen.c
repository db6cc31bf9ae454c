// SPDX-License-Identifier: MIT
/*
 * Copyright (c) 2026 The stlm authors
 *
 * Value generators: every kind against hand-computed values, seeding, and
 * CSV trace loading.
 */
#define STLM_TEST_GROUP "platform-gen"
#include "stlm-test.h"

#include <stdlib.h>

#include "gen.h"

#define MS 1000000ull
#define SEC 1000000000ull

static uint64_t at(const struct stlmp_gen *g, uint64_t t_ns, uint64_t tick,
		   uint32_t size)
{
	return stlmp_gen_predict(g, 1, 0x1234, t_ns, tick, size);
}

STLM_TEST(const_value_and_truncation)
{
	struct stlmp_gen g = { .kind = STLMP_GEN_CONST, .base = 1234 };

	ASSERT_U64_EQ(at(&g, 0, 0, 8), 1234);
	ASSERT_U64_EQ(at(&g, 77 * SEC, 9999, 8), 1234);
	ASSERT_U64_EQ(at(&g, 0, 0, 1), 1234 & 0xFF);
	g.base = -1;
	ASSERT_U64_EQ(at(&g, 0, 0, 2), 0xFFFF);
	ASSERT_U64_EQ(at(&g, 0, 0, 4), 0xFFFFFFFFu);
	ASSERT_U64_EQ(at(&g, 0, 0, 8), UINT64_MAX);
	g.base = -5;
	ASSERT_U64_EQ(at(&g, 0, 0, 3), 0xFFFFFB);
}

STLM_TEST(counter_integral_rate)
{
	struct stlmp_gen g = { .kind = STLMP_GEN_COUNTER, .base = 5,
			       .rate = 1000 };

	ASSERT_U64_EQ(at(&g, 0, 0, 8), 5);
	ASSERT_U64_EQ(at(&g, 999999, 0, 8), 5);	     /* 0.999 -> floor 0 */
	ASSERT_U64_EQ(at(&g, 1000000, 0, 8), 6);     /* 1 ms */
	ASSERT_U64_EQ(at(&g, 1500 * MS, 3, 8), 1505);
	ASSERT_U64_EQ(at(&g, 3600 * SEC, 0, 8), 3600005);
	/* exact even where a double would round: 2^53 + 1 per second */
	g.base = 0;
	g.rate = 9007199254740991.0;
	ASSERT_U64_EQ(at(&g, 3 * SEC, 0, 8), 3 * 9007199254740991ull);
}

STLM_TEST(counter_wraps_at_data_size)
{
	struct stlmp_gen g = { .kind = STLMP_GEN_COUNTER, .base = 250,
			       .rate = 10 };

	ASSERT_U64_EQ(at(&g, 0, 0, 1), 250);
	ASSERT_U64_EQ(at(&g, 1 * SEC, 0, 1), 4); /* 260 mod 256 */
	ASSERT_U64_EQ(at(&g, 1 * SEC, 0, 2), 260);
	g.base = 0xFFFFFFFF;
	g.rate = 2;
	ASSERT_U64_EQ(at(&g, 1 * SEC, 0, 4), 1);
	ASSERT_U64_EQ(at(&g, 1 * SEC, 0, 8), 0x100000001ull);
	g.base = -1;
	g.rate = 1;
	ASSERT_U64_EQ(at(&g, 1 * SEC, 0, 8), 0); /* wraps modulo 2^64 */
}

STLM_TEST(counter_negative_and_fractional_rates)
{
	struct stlmp_gen g = { .kind = STLMP_GEN_COUNTER, .base = 100,
			       .rate = -3 };

	ASSERT_U64_EQ(at(&g, 500 * MS, 0, 8), 98); /* floor(-1.5) = -2 */
	ASSERT_U64_EQ(at(&g, 1 * SEC, 0, 8), 97);
	ASSERT_U64_EQ(at(&g, 40 * SEC, 0, 8), (uint64_t)-20);
	ASSERT_U64_EQ(at(&g, 40 * SEC, 0, 1), 0xEC);
	g.rate = 0.5;
	ASSERT_U64_EQ(at(&g, 1 * SEC, 0, 8), 100);
	ASSERT_U64_EQ(at(&g, 3 * SEC, 0, 8), 101);
	g.rate = 2.5;
	ASSERT_U64_EQ(at(&g, 4 * SEC, 0, 8), 110);
}

STLM_TEST(periodic_quarter_points)
{
	struct stlmp_gen g = { .kind = STLMP_GEN_PERIODIC, .base = 1000,
			       .amplitude = 200, .period_ms = 4000 };

	ASSERT_U64_EQ(at(&g, 0, 0, 8), 1000);
	ASSERT_U64_EQ(at(&g, 1 * SEC, 0, 8), 1200);
	ASSERT_U64_EQ(at(&g, 2 * SEC, 0, 8), 1000);
	ASSERT_U64_EQ(at(&g, 3 * SEC, 0, 8), 800);
	ASSERT_U64_EQ(at(&g, 4 * SEC, 0, 8), 1000);
	ASSERT_U64_EQ(at(&g, 5 * SEC, 0, 8), 1200);	     /* next period */
	ASSERT_U64_EQ(at(&g, 500 * MS, 0, 8), 1141);  /* 200 sin(pi/4) */
	ASSERT_U64_EQ(at(&g, 3500 * MS, 0, 8), 859);
	/* the same time gives the same value whatever the tick */
	ASSERT_U64_EQ(at(&g, 500 * MS, 77, 8), 1141);
}

STLM_TEST(periodic_clamped_and_negative)
{
	struct stlmp_gen g = { .kind = STLMP_GEN_PERIODIC, .base = 1000,
			       .amplitude = 200, .period_ms = 4000,
			       .min = 900, .max = 1100 };

	ASSERT_U64_EQ(at(&g, 1 * SEC, 0, 8), 1100);
	ASSERT_U64_EQ(at(&g, 3 * SEC, 0, 8), 900);
	ASSERT_U64_EQ(at(&g, 0, 0, 8), 1000);
	/* min == max: no clamping */
	g.min = g.max = 0;
	ASSERT_U64_EQ(at(&g, 1 * SEC, 0, 8), 1200);
	/* a signed wave, truncated to 4 bytes */
	g.base = -800;
	g.amplitude = 600;
	ASSERT_U64_EQ(at(&g, 1 * SEC, 0, 4), (uint32_t)-200);
	ASSERT_U64_EQ(at(&g, 3 * SEC, 0, 4), (uint32_t)-1400);
}

/* Independent model of the walk: xorshift64* from the seeded state. */
static int64_t model_step(uint64_t *s, int64_t v, int64_t step, int64_t min,
			  int64_t max)
{
	uint64_t x = *s;

	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	*s = x;
	x *= 0x2545F4914F6CDD1Dull;
	v += (int64_t)(x % (2 * (uint64_t)step + 1)) - step;
	if (v < min)
		v = min;
	if (v > max)
		v = max;
	return v;
}

STLM_TEST(random_walk_exact_sequence)
{
	struct stlmp_gen g = { .kind = STLMP_GEN_RANDOM_WALK, .base = 50000,
			       .min = 45000, .max = 70000, .step = 300 };
	struct stlmp_gen_state st, fresh;
	uint64_t rng;
	int64_t v = 50000;

	stlmp_gen_init(&g, 42, 0x00010002, &st);
	fresh = st;
	ASSERT_NE(st.rng, 0);
	rng = st.rng;
	ASSERT_U64_EQ(stlmp_gen_next(&g, &st, 0, 0, 4), 50000);
	for (uint64_t t = 1; t <= 500; t++) {
		int64_t prev = v;

		v = model_step(&rng, v, 300, 45000, 70000);
		ASSERT_U64_EQ(stlmp_gen_next(&g, &st, t * 10 * MS, t, 8),
			      (uint64_t)v);
		ASSERT_CMP(llabs(v - prev), <=, 300);
		ASSERT_CMP(v, >=, 45000);
		ASSERT_CMP(v, <=, 70000);
		/* predict replays from tick 0 and agrees */
		if (t % 97 == 0)
			ASSERT_U64_EQ(stlmp_gen_predict(&g, 42, 0x00010002,
							0, t, 8),
				      (uint64_t)v);
	}
	/* skipping ticks advances one step per tick elapsed */
	st = fresh;
	ASSERT_U64_EQ(stlmp_gen_next(&g, &st, 0, 500, 8), (uint64_t)v);
	/* asking again for the same tick does not advance */
	ASSERT_U64_EQ(stlmp_gen_next(&g, &st, 0, 500, 8), (uint64_t)v);
}

STLM_TEST(random_walk_bounds_and_step_zero)
{
	struct stlmp_gen g = { .kind = STLMP_GEN_RANDOM_WALK, .base = 10,
			       .min = 0, .max = 20, .step = 15 };
	struct stlmp_gen_state st;
	bool lo = false, hi = false;

	stlmp_gen_init(&g, 7, 1, &st);
	for (uint64_t t = 0; t < 2000; t++) {
		uint64_t v = stlmp_gen_next(&g, &st, 0, t, 8);

		ASSERT_CMP(v, <=, 20);
		lo = lo || v == 0;
		hi = hi || v == 20;
	}
	ASSERT_TRUE(lo && hi);
	g.step = 0;
	ASSERT_U64_EQ(stlmp_gen_predict(&g, 7, 1, 0, 1000, 8), 10);
	/* a start outside the bounds is clamped */
	g.base = 99;
	ASSERT_U64_EQ(stlmp_gen_predict(&g, 7, 1, 0, 0, 8), 20);
	/* negative values are truncated two's complement */
	g.base = -3;
	g.min = g.max = 0;
	ASSERT_U64_EQ(stlmp_gen_predict(&g, 7, 1, 0, 5, 2), 0xFFFD);
}

STLM_TEST(random_walk_seeds)
{
	struct stlmp_gen g = { .kind = STLMP_GEN_RANDOM_WALK, .base = 0,
			       .step = 1000 };
	bool seed_differs = false, id_differs = false;

	for (uint64_t t = 1; t <= 16; t++) {
		uint64_t a = stlmp_gen_predict(&g, 1, 5, 0, t, 8);

		ASSERT_U64_EQ(a, stlmp_gen_predict(&g, 1, 5, 0, t, 8));
		seed_differs |= a != stlmp_gen_predict(&g, 2, 5, 0, t, 8);
		id_differs |= a != stlmp_gen_predict(&g, 1, 6, 0, t, 8);
	}
	ASSERT_TRUE(seed_differs);
	ASSERT_TRUE(id_differs);
}

STLM_TEST(step_states_and_dwell)
{
	struct stlmp_gen g = { .kind = STLMP_GEN_STEP, .n_states = 3,
			       .states = { 10, 20, -30 }, .dwell_ms = 100 };

	ASSERT_U64_EQ(at(&g, 0, 0, 8), 10);
	ASSERT_U64_EQ(at(&g, 100 * MS - 1, 0, 8), 10);
	ASSERT_U64_EQ(at(&g, 100 * MS, 0, 8), 20);
	ASSERT_U64_EQ(at(&g, 250 * MS, 0, 8), (uint64_t)-30);
	ASSERT_U64_EQ(at(&g, 250 * MS, 0, 1), 0xE2);
	ASSERT_U64_EQ(at(&g, 300 * MS, 0, 8), 10);
	ASSERT_U64_EQ(at(&g, 3600 * SEC + 100 * MS, 0, 8), 20);
}

STLM_TEST(replay_one_sample_per_tick)
{
	int64_t s[] = { 1, 2, -3 };
	struct stlmp_gen g = { .kind = STLMP_GEN_REPLAY, .samples = s,
			       .n_samples = 3 };
	struct stlmp_gen_state st;
	const uint64_t want[] = { 1, 2, 0xFFFD, 1, 2, 0xFFFD, 1 };

	stlmp_gen_init(&g, 0, 9, &st);
	for (uint64_t t = 0; t < 7; t++)
		ASSERT_U64_EQ(stlmp_gen_next(&g, &st, t * SEC, t, 2), want[t]);
	ASSERT_U64_EQ(at(&g, 0, 3000000001ull, 8), 2);
}

STLM_TEST(csv_trace)
{
	char path[512];
	int64_t *v = NULL;
	uint32_t n = 0;
	char err[256];

	snprintf(path, sizeof(path), "%s/data/platform/trace.csv",
		 stlm_test_srcdir());
	ASSERT_OK(stlmp_gen_load_csv(path, &v, &n, err, sizeof(err)));
	ASSERT_EQ(n, 3);
	ASSERT_EQ(v[0], 10);
	ASSERT_EQ(v[1], 0x20);
	ASSERT_EQ(v[2], -3);
	stlmp_gen_samples_unref(v);
}

static int write_file(const char *name, const char *text, char *path)
{
	FILE *f;

	snprintf(path, 512, "%s/%s", stlm_test_tmpdir(), name);
	f = fopen(path, "w");
	if (!f)
		return -errno;
	fputs(text, f);
	fclose(f);
	return 0;
}

/* Replace "@1" and "@2" in tpl by a and b. */
static void expand(char *out, size_t n, const char *tpl, const char *a,
		   const char *b)
{
	size_t o = 0;

	for (const char *p = tpl; *p && o + 1 < n; p++) {
		const char *r = NULL;

		if (p[0] == '@' && p[1] == '1')
			r = a;
		else if (p[0] == '@' && p[1] == '2')
			r = b;
		if (r) {
			o += (size_t)snprintf(out + o, n - o, "%s", r);
			p++;
		} else {
			out[o++] = *p;
		}
	}
	out[o < n ? o : n - 1] = '\0';
}

static void csv_fails(const char *text, const char *want_fmt)
{
	char path[512], want[640], err[256] = "";
	int64_t *v = NULL;
	uint32_t n = 0;

	if (write_file("t.csv", text, path) < 0)
		STLM_FAIL_AT("cannot write %s", path);
	ASSERT_ERR(stlmp_gen_load_csv(path, &v, &n, err, sizeof(err)),
		   -EINVAL);
	ASSERT_NULL(v);
	expand(want, sizeof(want), want_fmt, path, NULL);
	ASSERT_STREQ(err, want);
}

STLM_TEST(csv_forms)
{
	char path[512], err[256];
	int64_t *v = NULL;
	uint32_t n = 0;

	ASSERT_OK(write_file("ok.csv",
			     "t,a,b\r\n1,2,3\r\n\n  # note\n4,5, -0x10 \n"
			     "0xFFFFFFFFFFFFFFFF\n-9223372036854775808\n",
			     path));
	ASSERT_OK(stlmp_gen_load_csv(path, &v, &n, err, sizeof(err)));
	ASSERT_EQ(n, 4);
	ASSERT_EQ(v[0], 3);
	ASSERT_EQ(v[1], -16);
	ASSERT_EQ(v[2], -1);
	ASSERT_EQ(v[3], INT64_MIN);
	stlmp_gen_samples_unref(v);
}

STLM_TEST(csv_errors)
{
	char err[256];
	int64_t *v = NULL;
	uint32_t n = 0;
	char path[512];

	csv_fails("value\n1\n2\nthree\n", "@1:4: not a number 'three'");
	csv_fails("1\nvalue\n", "@1:2: not a number 'value'");
	csv_fails("1.5\n", "@1: no samples");
	csv_fails("1\n1.5\n", "@1:2: not a number '1.5'");
	csv_fails("9223372036854775808\n", "@1:1: value out of range '9223372036854775808'");
	csv_fails("0x1FFFFFFFFFFFFFFFF\n", "@1:1: value out of range '0x1FFFFFFFFFFFFFFFF'");
	csv_fails("", "@1: no samples");
	csv_fails("# only a comment\nheader\n\n", "@1: no samples");
	csv_fails("1\n2,\n", "@1:2: not a number ''");

	snprintf(path, sizeof(path), "%s/nope.csv", stlm_test_tmpdir());
	ASSERT_ERR(stlmp_gen_load_csv(path, &v, &n, err, sizeof(err)),
		   -ENOENT);
	ASSERT_TRUE(strstr(err, "nope.csv: No such file or directory"));
}

STLM_TEST(csv_sample_cap)
{
	char path[512], err[256] = "";
	int64_t *v = NULL;
	uint32_t n = 0;
	FILE *f;

	snprintf(path, sizeof(path), "%s/big.csv", stlm_test_tmpdir());
	f = fopen(path, "w");
	ASSERT_NOT_NULL(f);
	for (int i = 0; i < 1000001; i++)
		fputs("7\n", f);
	fclose(f);
	ASSERT_ERR(stlmp_gen_load_csv(path, &v, &n, err, sizeof(err)),
		   -EINVAL);
	ASSERT_TRUE(strstr(err, ":1000001: more than 1000000 samples"));
	ASSERT_NULL(v);
}

/* A replay file must be a regular file of bounded size: a description
 * naming /dev/zero or a directory is refused, not read forever. */
STLM_TEST(csv_not_regular)
{
	int64_t *v = NULL;
	uint32_t n = 0;
	char err[256];

	ASSERT_ERR(stlmp_gen_load_csv("/dev/zero", &v, &n, err, sizeof(err)),
		   -EINVAL);
	ASSERT_TRUE(strstr(err, "/dev/zero: not a regular file"));
	ASSERT_NULL(v);
	ASSERT_ERR(stlmp_gen_load_csv(stlm_test_tmpdir(), &v, &n, err,
				      sizeof(err)), -EINVAL);
	ASSERT_NULL(v);
}
