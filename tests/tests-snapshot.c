// SPDX-License-Identifier: MIT
/*
 * Copyright (c) 2026 The stlm authors
 *
 * Snapshots against the in-process emulator: exact values and timestamps
 * (manual clock + stlmp_platform_predict), selection, staleness, faults
 * (torn, stuck, reset), hostile shared memory, single-sample takes,
 * steady-state allocations, concurrent readers, and the examples.
 */
#define STLM_TEST_GROUP "snapshot"
#include "stlm-test.h"

#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <stlm/stlm.h>

#include "platform.h"
#include "session.h"
#include "tdcf.h"
#include "tplat.h"

#define MS 1000000ull

/* ------------------------------------------------------------------ */
/* Allocation counting (not under ASan, which owns malloc)            */

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define SNAP_COUNT_ALLOCS 0
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(memory_sanitizer) || \
	__has_feature(thread_sanitizer)
#define SNAP_COUNT_ALLOCS 0
#endif
#endif
#ifndef SNAP_COUNT_ALLOCS
#define SNAP_COUNT_ALLOCS 1
#endif

#if SNAP_COUNT_ALLOCS
/*
 * The test binary replaces malloc, calloc, realloc and free with thin
 * forwarders to glibc's own allocator that count calls made by a thread
 * while its counting flag is set. Everything else is unchanged.
 */
extern void *__libc_malloc(size_t n);
extern void *__libc_calloc(size_t n, size_t sz);
extern void *__libc_realloc(void *p, size_t n);
extern void __libc_free(void *p);

static __thread bool alloc_counting;
static __thread unsigned long alloc_count;

void *malloc(size_t n);
void *calloc(size_t n, size_t sz);
void *realloc(void *p, size_t n);
void free(void *p);

void *malloc(size_t n)
{
	if (alloc_counting)
		alloc_count++;
	return __libc_malloc(n);
}

void *calloc(size_t n, size_t sz)
{
	if (alloc_counting)
		alloc_count++;
	return __libc_calloc(n, sz);
}

void *realloc(void *p, size_t n)
{
	if (alloc_counting)
		alloc_count++;
	return __libc_realloc(p, n);
}

void free(void *p)
{
	__libc_free(p);
}
#endif

/* ------------------------------------------------------------------ */
/* Fixture                                                            */

/* The platform cfg (taken over) on shm: and a session on it (f->s). */
static struct tp_fix *fx_start(struct stlmp_config *cfg, bool manual)
{
	struct stlmp_opts o = { .seed = 7, .manual_clock = manual };
	struct stlm_open_opts so = {
		.size = sizeof(so),
		.timeout_ms = 3000,
		.no_catalog = true,
	};
	struct tp_fix *f = tp_fix_new(cfg, &o);

	tp_fix_listen(f, "shm");
	tp_fix_open(f, &so);
	return f;
}

static void fx_stop(struct tp_fix *f)
{
	tp_fix_stop(f);
}

/* SHMTI k of the description, found by its signatures (64-aligned). */
static uint8_t *fx_shmti(struct tp_fix *f, uint32_t k)
{
	uint8_t *mem = tp_fix_rw(f);
	uint32_t found = 0;

	for (size_t off = 0; off + 24 <= f->rw_size; off += 64) {
		uint32_t len = 0;

		if (scmi_get_le32(mem + off) != TDCF_SIGN_START)
			continue;
		len = f->cfg->shmti_size[found];
		if (off + len > f->rw_size ||
		    scmi_get_le32(mem + off + len - 4) != TDCF_SIGN_END)
			continue;
		if (found == k)
			return mem + off;
		if (++found >= f->cfg->n_shmti)
			break;
	}
	STLM_FAIL_AT("SHMTI %u not found", k);
}

static const struct stlm_sample *find(struct stlm_snapshot *snap, uint32_t id)
{
	const struct stlm_sample *sm = stlm_snapshot_find(snap, id);

	if (!sm)
		STLM_FAIL_AT("DE 0x%x not in the snapshot", id);
	return sm;
}

#define ASSERT_FLAGS(sm, want) ASSERT_EQ((sm)->flags, (want))

static uint64_t predict(struct tp_fix *f, uint32_t id, uint64_t t_ns,
			uint64_t tick)
{
	uint64_t v = 0;

	ASSERT_OK(stlmp_platform_predict(f->p, id, t_ns, tick, &v));
	return v;
}

static uint64_t ticks(uint64_t t_ns, uint32_t rate_khz)
{
	return (uint64_t)((unsigned __int128)t_ns * rate_khz / 1000000u);
}

/* The small platform with every SHMTI / FC DE enabled (timestamps on
 * where supported) and collection at 10 ms; the clock at 10 ms, one pass. */
static struct tp_fix *fx_small(void)
{
	static const uint32_t on[] = { TP_CONST, TP_COUNTER, TP_BLK, TP_G1A,
				       TP_G1B,	TP_FC,	   TP_PLAIN };
	struct tp_fix *f = fx_start(tp_config(false), true);

	for (size_t i = 0; i < sizeof(on) / sizeof(on[0]); i++)
		ASSERT_OK(stlm_de_set(f->s, on[i], true,
				      on[i] != TP_CONST && on[i] != TP_G1A &&
					      on[i] != TP_PLAIN));
	ASSERT_OK(stlm_collection_set(f->s, STLM_GROUP_ALL, true,
				      STLM_MODE_ON_DEMAND, 10 * MS));
	stlmp_platform_advance(f->p, 10 * MS);
	return f;
}

/* ------------------------------------------------------------------ */
/* Values, timestamps, selection                                      */

STLM_TEST(values_and_timestamps)
{
	struct tp_fix *f;
	struct stlm_snapshot *snap;
	const struct stlm_sample *sm;
	const uint64_t t = 10 * MS;

	f = fx_small();
	ASSERT_OK(stlm_snapshot_new(f->s, &snap));
	ASSERT_EQ(stlm_snapshot_take(snap, 0), 7);

	sm = find(snap, TP_CONST);
	ASSERT_FLAGS(sm, STLM_SAMPLE_VALID);
	ASSERT_U64_EQ(sm->raw, 1234);
	ASSERT_TRUE(fabs(sm->value - 1.234) < 1e-12);

	sm = find(snap, TP_COUNTER);
	ASSERT_FLAGS(sm, STLM_SAMPLE_VALID | STLM_SAMPLE_TIMESTAMP);
	ASSERT_U64_EQ(sm->raw, predict(f, TP_COUNTER, t, 1));
	ASSERT_TRUE(sm->raw > 0);
	ASSERT_EQ(sm->value, (double)sm->raw); /* unit_exp 0 */
	ASSERT_U64_EQ(sm->ts, ticks(t, 2000));
	ASSERT_EQ(sm->ts_rate_khz, 2000);

	sm = find(snap, TP_BLK); /* block timestamp, default rate */
	ASSERT_FLAGS(sm, STLM_SAMPLE_VALID | STLM_SAMPLE_TIMESTAMP);
	ASSERT_U64_EQ(sm->raw, 77);
	ASSERT_U64_EQ(sm->ts, ticks(t, f->cfg->default_blk_ts_rate));
	ASSERT_EQ(sm->ts_rate_khz, f->cfg->default_blk_ts_rate);

	sm = find(snap, TP_G1A);
	ASSERT_FLAGS(sm, STLM_SAMPLE_VALID);
	ASSERT_U64_EQ(sm->raw, 5);

	sm = find(snap, TP_G1B);
	ASSERT_FLAGS(sm, STLM_SAMPLE_VALID | STLM_SAMPLE_TIMESTAMP);
	ASSERT_U64_EQ(sm->raw, 6);
	ASSERT_U64_EQ(sm->ts, ticks(t, 1000));
	ASSERT_EQ(sm->ts_rate_khz, 1000);

	sm = find(snap, TP_FC);
	ASSERT_FLAGS(sm, STLM_SAMPLE_VALID | STLM_SAMPLE_TIMESTAMP |
				 STLM_SAMPLE_FASTCHANNEL);
	ASSERT_U64_EQ(sm->raw, predict(f, TP_FC, t, 1));
	ASSERT_U64_EQ(sm->raw, 0xABCDEF0123ull);
	ASSERT_U64_EQ(sm->ts, ticks(t, 1000));
	ASSERT_EQ(sm->ts_rate_khz, 1000);

	sm = find(snap, TP_PLAIN);
	ASSERT_FLAGS(sm, STLM_SAMPLE_VALID);
	ASSERT_U64_EQ(sm->raw, 9);
	ASSERT_TRUE(fabs(sm->value - 0.009) < 1e-12);

	/* Two more passes: the counter moves exactly as predicted. */
	stlmp_platform_advance(f->p, 20 * MS);
	ASSERT_EQ(stlm_snapshot_take(snap, 0), 7);
	sm = find(snap, TP_COUNTER);
	ASSERT_FLAGS(sm, STLM_SAMPLE_VALID | STLM_SAMPLE_TIMESTAMP);
	ASSERT_U64_EQ(sm->raw, predict(f, TP_COUNTER, 30 * MS, 3));
	ASSERT_U64_EQ(sm->ts, ticks(30 * MS, 2000));
	sm = find(snap, TP_BLK);
	ASSERT_U64_EQ(sm->ts, ticks(30 * MS, f->cfg->default_blk_ts_rate));

	stlm_snapshot_free(snap);
	fx_stop(f);
}

/*
 * A platform that sets the reserved metadata bits [31:8] of its lines
 * (fault 'lax'): read like the Linux driver (bits [7:0] only), with the
 * same values and timestamps as a clean one, the deviation counted, no
 * line lost (no resync on every take).
 */
STLM_TEST(lax_line_metadata)
{
	struct tp_fix *f;
	struct stlm_snapshot *snap;
	const struct stlm_sample *sm;
	uint64_t cnt[STLM_DEV_KINDS], gen;
	uint32_t meta;

	f = fx_small();
	ASSERT_OK(stlmp_platform_fault_add(f->p, "lax"));
	stlmp_platform_advance(f->p, 10 * MS);
	{
		/* TP_COUNTER's line (rewritten every pass) has the bits */
		const uint8_t *a = fx_shmti(f, 0);
		size_t off = TDCF_HDR_SIZE, end = f->cfg->shmti_size[0] - 8;

		meta = 0;
		while (off + TDCF_LINE_SIZE <= end) {
			uint32_t m = scmi_get_le32(a + off);

			if (scmi_get_le32(a + off + 4) == TP_COUNTER) {
				meta = m;
				break;
			}
			off += tdcf_line_len(m & 0xFF);
		}
		ASSERT_EQ(meta & TDCF_META_RSVD_MASK, TDCF_META_RSVD_MASK);
	}

	ASSERT_OK(stlm_snapshot_new(f->s, &snap));
	ASSERT_EQ(stlm_snapshot_take(snap, 0), 7);
	sm = find(snap, TP_CONST);
	ASSERT_FLAGS(sm, STLM_SAMPLE_VALID);
	ASSERT_U64_EQ(sm->raw, 1234);
	sm = find(snap, TP_COUNTER);
	ASSERT_FLAGS(sm, STLM_SAMPLE_VALID | STLM_SAMPLE_TIMESTAMP);
	ASSERT_U64_EQ(sm->raw, predict(f, TP_COUNTER, 20 * MS, 2));
	ASSERT_U64_EQ(sm->ts, ticks(20 * MS, 2000));
	sm = find(snap, TP_BLK);
	ASSERT_FLAGS(sm, STLM_SAMPLE_VALID | STLM_SAMPLE_TIMESTAMP);
	ASSERT_U64_EQ(sm->raw, 77);
	ASSERT_U64_EQ(sm->ts, ticks(20 * MS, f->cfg->default_blk_ts_rate));
	sm = find(snap, TP_G1B);
	ASSERT_FLAGS(sm, STLM_SAMPLE_VALID | STLM_SAMPLE_TIMESTAMP);
	ASSERT_U64_EQ(sm->raw, 6);

	/* again: still every value, and no re-learning of placements */
	gen = stlm_session_generation(f->s);
	stlmp_platform_advance(f->p, 10 * MS);
	ASSERT_EQ(stlm_snapshot_take(snap, 0), 7);
	ASSERT_FLAGS(find(snap, TP_CONST), STLM_SAMPLE_VALID);
	ASSERT_U64_EQ(stlm_session_generation(f->s), gen);
	ASSERT_EQ(stlm_session_deviations(f->s, cnt, STLM_DEV_KINDS),
		  STLM_DEV_KINDS);
	ASSERT_CMP(cnt[STLM_DEV_TDCF_META], >, 0);
	stlm_snapshot_free(snap);
	fx_stop(f);
}

STLM_TEST(order_and_platform_order)
{
	struct tp_fix *f;
	struct stlm_snapshot *snap;
	const struct stlm_sample *v;
	size_t n;

	f = fx_small();
	ASSERT_OK(stlm_snapshot_new(f->s, &snap));
	v = stlm_snapshot_samples(snap, &n);
	ASSERT_NULL(v);
	ASSERT_EQ(n, 0);
	ASSERT_NULL(stlm_snapshot_find(snap, TP_CONST));
	ASSERT_EQ(stlm_snapshot_take(snap, 0), 7);
	v = stlm_snapshot_samples(snap, &n);
	ASSERT_EQ(n, 7);
	/* platform DE order (tp_config order without TP_MSG) */
	ASSERT_EQ(v[0].id, TP_CONST);
	ASSERT_EQ(v[1].id, TP_COUNTER);
	ASSERT_EQ(v[2].id, TP_BLK);
	ASSERT_EQ(v[3].id, TP_G1A);
	ASSERT_EQ(v[4].id, TP_G1B);
	ASSERT_EQ(v[5].id, TP_FC);
	ASSERT_EQ(v[6].id, TP_PLAIN);
	for (size_t i = 0; i < n; i++)
		ASSERT_TRUE(stlm_snapshot_find(snap, v[i].id) == &v[i]);
	ASSERT_NULL(stlm_snapshot_find(snap, 0xDEADBEEF));
	ASSERT_ERR(stlm_snapshot_take(snap, 0x80), -EINVAL);
	ASSERT_ERR(stlm_snapshot_take(NULL, 0), -EINVAL);
	ASSERT_ERR(stlm_snapshot_new(NULL, &snap), -EINVAL);
	stlm_snapshot_free(snap);
	stlm_snapshot_free(NULL);
	fx_stop(f);
}

STLM_TEST(selection)
{
	static const uint32_t sel[] = { TP_PLAIN, 0xDEAD0001, TP_G1A, TP_CONST,
					TP_MSG,	 TP_CONST,    0xDEAD0000 };
	struct tp_fix *f;
	struct stlm_snapshot *snap;
	const struct stlm_sample *v;
	size_t n;

	f = fx_small();
	ASSERT_OK(stlm_snapshot_new(f->s, &snap));
	ASSERT_OK(stlm_snapshot_select(snap, sel, sizeof(sel) / sizeof(sel[0])));
	ASSERT_EQ(stlm_snapshot_take(snap, 0), 6); /* one duplicate */
	v = stlm_snapshot_samples(snap, &n);
	ASSERT_EQ(n, 6);
	/* known DEs in platform order, unknown ids after, as given */
	ASSERT_EQ(v[0].id, TP_CONST);
	ASSERT_EQ(v[1].id, TP_G1A);
	ASSERT_EQ(v[2].id, TP_MSG);
	ASSERT_EQ(v[3].id, TP_PLAIN);
	ASSERT_EQ(v[4].id, 0xDEAD0001);
	ASSERT_EQ(v[5].id, 0xDEAD0000);
	ASSERT_FLAGS(&v[0], STLM_SAMPLE_VALID);
	ASSERT_U64_EQ(v[0].raw, 1234);
	ASSERT_FLAGS(&v[1], STLM_SAMPLE_VALID);
	ASSERT_U64_EQ(v[1].raw, 5);
	ASSERT_FLAGS(&v[2], STLM_SAMPLE_DISABLED);
	ASSERT_FLAGS(&v[3], STLM_SAMPLE_VALID);
	ASSERT_FLAGS(&v[4], STLM_SAMPLE_UNREACHABLE);
	ASSERT_FLAGS(&v[5], STLM_SAMPLE_UNREACHABLE);
	ASSERT_TRUE(find(snap, 0xDEAD0000) == &v[5]);
	ASSERT_NULL(stlm_snapshot_find(snap, TP_COUNTER));

	/* A selected DE is picked up once enabled (generation change). */
	ASSERT_OK(stlm_de_set(f->s, TP_MSG, true, false));
	ASSERT_EQ(stlm_snapshot_take(snap, 0), 6);
	ASSERT_FALSE(find(snap, TP_MSG)->flags & STLM_SAMPLE_DISABLED);

	/* Back to every enabled DE. */
	ASSERT_OK(stlm_snapshot_select(snap, NULL, 0));
	ASSERT_EQ(stlm_snapshot_take(snap, 0), 8);
	ASSERT_NOT_NULL(stlm_snapshot_find(snap, TP_COUNTER));
	ASSERT_NULL(stlm_snapshot_find(snap, 0xDEAD0000));

	ASSERT_ERR(stlm_snapshot_select(NULL, sel, 1), -EINVAL);
	stlm_snapshot_free(snap);
	fx_stop(f);
}

STLM_TEST(generation_and_times)
{
	struct tp_fix *f;
	struct stlm_snapshot *snap;
	struct timespec a, b, c, d;
	uint64_t g0, g1;

	f = fx_small();
	ASSERT_OK(stlm_snapshot_new(f->s, &snap));
	ASSERT_EQ(stlm_snapshot_generation(snap), 0);
	clock_gettime(CLOCK_REALTIME, &a);
	clock_gettime(CLOCK_MONOTONIC, &c);
	ASSERT_EQ(stlm_snapshot_take(snap, 0), 7);
	clock_gettime(CLOCK_MONOTONIC, &d);
	clock_gettime(CLOCK_REALTIME, &b);
	g0 = stlm_snapshot_generation(snap);
	ASSERT_TRUE(g0 >= 1);
	ASSERT_U64_EQ(g0, stlm_session_generation(f->s));
	ASSERT_CMP(stlm_snapshot_time_ns(snap), >=,
		   (uint64_t)a.tv_sec * 1000000000ull + (uint64_t)a.tv_nsec);
	ASSERT_CMP(stlm_snapshot_time_ns(snap), <=,
		   (uint64_t)b.tv_sec * 1000000000ull + (uint64_t)b.tv_nsec);
	ASSERT_CMP(stlm_snapshot_mono_ns(snap), >=,
		   (uint64_t)c.tv_sec * 1000000000ull + (uint64_t)c.tv_nsec);
	ASSERT_CMP(stlm_snapshot_mono_ns(snap), <=,
		   (uint64_t)d.tv_sec * 1000000000ull + (uint64_t)d.tv_nsec);

	/* Someone reconfigures: the next snapshot says so and follows. */
	ASSERT_OK(stlm_de_set(f->s, TP_MSG, true, false));
	ASSERT_OK(stlm_de_set(f->s, TP_CONST, false, false));
	g1 = stlm_session_generation(f->s);
	ASSERT_CMP(g1, >, g0);
	ASSERT_EQ(stlm_snapshot_take(snap, 0), 7);
	ASSERT_U64_EQ(stlm_snapshot_generation(snap), g1);
	ASSERT_NULL(stlm_snapshot_find(snap, TP_CONST));
	ASSERT_NOT_NULL(stlm_snapshot_find(snap, TP_MSG));
	ASSERT_CMP(stlm_snapshot_mono_ns(snap), >=,
		   (uint64_t)d.tv_sec * 1000000000ull + (uint64_t)d.tv_nsec);
	stlm_snapshot_free(snap);
	fx_stop(f);
}

STLM_TEST(stale_on_unchanged_sequence)
{
	struct tp_fix *f;
	struct stlm_snapshot *snap, *other;

	f = fx_small();
	ASSERT_OK(stlm_snapshot_new(f->s, &snap));
	ASSERT_OK(stlm_snapshot_new(f->s, &other));
	ASSERT_EQ(stlm_snapshot_take(snap, 0), 7);
	ASSERT_FLAGS(find(snap, TP_CONST), STLM_SAMPLE_VALID);
	ASSERT_EQ(stlm_snapshot_take(snap, 0), 7);
	ASSERT_FLAGS(find(snap, TP_CONST), STLM_SAMPLE_VALID | STLM_SAMPLE_STALE);
	ASSERT_FLAGS(find(snap, TP_G1B), STLM_SAMPLE_VALID | STLM_SAMPLE_STALE |
						STLM_SAMPLE_TIMESTAMP);
	ASSERT_U64_EQ(find(snap, TP_CONST)->raw, 1234);
	/* FastChannels have no sequence: never STALE. */
	ASSERT_FALSE(find(snap, TP_FC)->flags & STLM_SAMPLE_STALE);
	/* Staleness is per snapshot object. */
	ASSERT_EQ(stlm_snapshot_take(other, 0), 7);
	ASSERT_FLAGS(find(other, TP_CONST), STLM_SAMPLE_VALID);

	stlmp_platform_advance(f->p, 10 * MS);
	ASSERT_EQ(stlm_snapshot_take(snap, 0), 7);
	ASSERT_FLAGS(find(snap, TP_CONST), STLM_SAMPLE_VALID);
	ASSERT_U64_EQ(find(snap, TP_COUNTER)->raw,
		      predict(f, TP_COUNTER, 20 * MS, 2));
	stlm_snapshot_free(other);
	stlm_snapshot_free(snap);
	fx_stop(f);
}

/* ------------------------------------------------------------------ */
/* Validity from shared memory                                        */

/* Rewrite a line's metadata inside a consistent update (§7.6 writer). */
static void poke_meta(uint8_t *area, uint32_t len, int off, uint32_t meta)
{
	uint32_t seq = tdcf_write_begin(area, len);

	tdcf_line_store_meta(area + off, meta);
	tdcf_write_end(area, len, seq);
}

STLM_TEST(data_invalid)
{
	struct tp_fix *f;
	struct stlm_snapshot *snap;
	struct tdcf_line l;
	uint8_t *a0;
	int off;

	f = fx_small();
	a0 = fx_shmti(f, 0);
	off = tp_find_line(a0, f->cfg->shmti_size[0], TP_CONST, &l, false);
	ASSERT_OK(off);
	poke_meta(a0, f->cfg->shmti_size[0], off, l.meta | TDCF_META_DATA_INVALID);

	ASSERT_OK(stlm_snapshot_new(f->s, &snap));
	ASSERT_EQ(stlm_snapshot_take(snap, 0), 7);
	ASSERT_FLAGS(find(snap, TP_CONST), STLM_SAMPLE_INVALID);
	ASSERT_U64_EQ(find(snap, TP_CONST)->raw, 0);
	ASSERT_FLAGS(find(snap, TP_PLAIN), STLM_SAMPLE_VALID);

	poke_meta(a0, f->cfg->shmti_size[0], off, l.meta);
	ASSERT_EQ(stlm_snapshot_take(snap, 0), 7);
	ASSERT_FLAGS(find(snap, TP_CONST), STLM_SAMPLE_VALID);
	ASSERT_U64_EQ(find(snap, TP_CONST)->raw, 1234);
	stlm_snapshot_free(snap);
	fx_stop(f);
}

/*
 * Block timestamps: the rate comes from the BLK_TS line (0 = default), and
 * the line is found at the DE's blk_ts_offset or, when the session does not
 * know it, by walking the lines before the DE's line.
 */
STLM_TEST(block_timestamp_rate_and_walk)
{
	struct tp_fix *f;
	struct stlm_snapshot *snap;
	struct stlm_de *de;
	const struct stlm_sample *sm;
	uint8_t *a0;
	uint32_t len0, seq;

	f = fx_small();
	a0 = fx_shmti(f, 0);
	len0 = f->cfg->shmti_size[0];
	/* The emulator keeps its BLK_TS line at 0x10 and rewrites only the
	 * timestamp words: give the line its own rate. */
	ASSERT_EQ(scmi_get_le32(a0 + 0x10), 0x10);
	seq = tdcf_write_begin(a0, len0);
	scmi_put_le32(a0 + 0x14, 5000);
	tdcf_write_end(a0, len0, seq);
	stlmp_platform_advance(f->p, 10 * MS);

	ASSERT_OK(stlm_snapshot_new(f->s, &snap));
	ASSERT_EQ(stlm_snapshot_take(snap, 0), 7);
	sm = find(snap, TP_BLK);
	ASSERT_FLAGS(sm, STLM_SAMPLE_VALID | STLM_SAMPLE_TIMESTAMP);
	ASSERT_U64_EQ(sm->ts, ticks(20 * MS, f->cfg->default_blk_ts_rate));
	ASSERT_EQ(sm->ts_rate_khz, 5000);

	/* Forget the BLK_TS offset: the reader walks the lines instead. */
	de = (struct stlm_de *)stlm_de_get(f->s, TP_BLK);
	ASSERT_NOT_NULL(de);
	pthread_mutex_lock(&f->s->lock);
	ASSERT_EQ(de->blk_ts_off, 0x10);
	de->blk_ts_off = 0;
	pthread_mutex_unlock(&f->s->lock);
	ASSERT_OK(stlm_snapshot_select(snap, NULL, 0)); /* new plan */
	stlmp_platform_advance(f->p, 10 * MS);
	ASSERT_EQ(stlm_snapshot_take(snap, 0), 7);
	sm = find(snap, TP_BLK);
	ASSERT_FLAGS(sm, STLM_SAMPLE_VALID | STLM_SAMPLE_TIMESTAMP);
	ASSERT_U64_EQ(sm->ts, ticks(30 * MS, f->cfg->default_blk_ts_rate));
	ASSERT_EQ(sm->ts_rate_khz, 5000);
	ASSERT_U64_EQ(sm->raw, 77);

	/* A BLK_TS line that is not one (bits [3:0] set): no timestamp,
	 * the value itself stays valid. */
	seq = tdcf_write_begin(a0, len0);
	scmi_put_le32(a0 + 0x10, 0x11);
	tdcf_write_end(a0, len0, seq);
	ASSERT_EQ(stlm_snapshot_take(snap, 0), 7);
	ASSERT_FLAGS(find(snap, TP_BLK), STLM_SAMPLE_VALID);
	ASSERT_U64_EQ(find(snap, TP_BLK)->raw, 77);
	ASSERT_FLAGS(find(snap, TP_CONST), STLM_SAMPLE_VALID);
	stlm_snapshot_free(snap);
	fx_stop(f);
}

STLM_TEST(torn_shmti)
{
	struct tp_fix *f;
	struct stlm_snapshot *snap;

	f = fx_small();
	ASSERT_OK(stlm_snapshot_new(f->s, &snap));
	ASSERT_OK(stlmp_platform_fault_add(f->p, "torn:shmti=0"));
	stlmp_platform_advance(f->p, 10 * MS);
	for (int k = 0; k < 2; k++) {
		ASSERT_EQ(stlm_snapshot_take(snap, 0), 7);
		ASSERT_FLAGS(find(snap, TP_CONST), STLM_SAMPLE_TORN);
		ASSERT_FLAGS(find(snap, TP_COUNTER), STLM_SAMPLE_TORN);
		ASSERT_FLAGS(find(snap, TP_BLK), STLM_SAMPLE_TORN);
		ASSERT_FLAGS(find(snap, TP_PLAIN), STLM_SAMPLE_TORN);
		ASSERT_U64_EQ(find(snap, TP_COUNTER)->raw, 0);
		/* other SHMTI and the FastChannel are fine */
		ASSERT_EQ(find(snap, TP_G1A)->flags & ~STLM_SAMPLE_STALE,
			  STLM_SAMPLE_VALID);
		ASSERT_TRUE(find(snap, TP_FC)->flags & STLM_SAMPLE_VALID);
	}
	/* recovery on the next good pass */
	stlmp_platform_fault_clear(f->p);
	stlmp_platform_advance(f->p, 10 * MS);
	ASSERT_EQ(stlm_snapshot_take(snap, 0), 7);
	ASSERT_FLAGS(find(snap, TP_CONST), STLM_SAMPLE_VALID);
	ASSERT_FLAGS(find(snap, TP_COUNTER),
		     STLM_SAMPLE_VALID | STLM_SAMPLE_TIMESTAMP);
	ASSERT_U64_EQ(find(snap, TP_COUNTER)->raw,
		      predict(f, TP_COUNTER, 30 * MS, 3));
	stlm_snapshot_free(snap);
	fx_stop(f);
}

STLM_TEST(stuck_writer)
{
	struct tp_fix *f;
	struct stlm_snapshot *snap;
	struct timespec t0, t1;
	double ms;

	f = fx_small();
	ASSERT_OK(stlm_snapshot_new(f->s, &snap));
	ASSERT_OK(stlmp_platform_fault_add(f->p, "stuck:shmti=1"));
	stlmp_platform_advance(f->p, 10 * MS);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	ASSERT_EQ(stlm_snapshot_take(snap, 0), 7);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	ms = (double)(t1.tv_sec - t0.tv_sec) * 1e3 +
	     (double)(t1.tv_nsec - t0.tv_nsec) / 1e6;
	ASSERT_FLAGS(find(snap, TP_G1A), STLM_SAMPLE_TORN);
	ASSERT_FLAGS(find(snap, TP_G1B), STLM_SAMPLE_TORN);
	ASSERT_FLAGS(find(snap, TP_CONST), STLM_SAMPLE_VALID);
	/* bounded: the back-off is 0+1+2+3+4 ms */
	ASSERT_CMP(ms, <, 500);

	stlmp_platform_fault_clear(f->p);
	stlmp_platform_advance(f->p, 10 * MS);
	ASSERT_EQ(stlm_snapshot_take(snap, 0), 7);
	ASSERT_FLAGS(find(snap, TP_G1A), STLM_SAMPLE_VALID);
	ASSERT_U64_EQ(find(snap, TP_G1A)->raw, 5);
	stlm_snapshot_free(snap);
	fx_stop(f);
}

STLM_TEST(platform_reset)
{
	static const uint32_t sel[] = { TP_CONST, TP_COUNTER, TP_G1A };
	struct tp_fix *f;
	struct stlm_snapshot *snap;
	uint64_t g0;

	f = fx_small();
	ASSERT_OK(stlm_snapshot_new(f->s, &snap));
	ASSERT_OK(stlm_snapshot_select(snap, sel, 3));
	ASSERT_EQ(stlm_snapshot_take(snap, 0), 3);
	ASSERT_FLAGS(find(snap, TP_CONST), STLM_SAMPLE_VALID);
	g0 = stlm_snapshot_generation(snap);

	ASSERT_OK(stlmp_platform_fault_add(f->p, "reset:ms=0"));
	stlmp_platform_advance(f->p, 1 * MS);
	/* The lines are gone: not reachable, never VALID. */
	ASSERT_EQ(stlm_snapshot_take(snap, 0), 3);
	ASSERT_FLAGS(find(snap, TP_CONST), STLM_SAMPLE_UNREACHABLE);
	ASSERT_FLAGS(find(snap, TP_COUNTER), STLM_SAMPLE_UNREACHABLE);
	ASSERT_FLAGS(find(snap, TP_G1A), STLM_SAMPLE_UNREACHABLE);

	/* The session re-learned the state: everything is disabled now. */
	ASSERT_EQ(stlm_snapshot_take(snap, 0), 3);
	ASSERT_CMP(stlm_snapshot_generation(snap), >, g0);
	ASSERT_FALSE(find(snap, TP_CONST)->flags & STLM_SAMPLE_VALID);
	ASSERT_FALSE(find(snap, TP_COUNTER)->flags & STLM_SAMPLE_VALID);

	/* Enable again: reachable and exact again. */
	ASSERT_OK(stlm_de_set(f->s, TP_CONST, true, false));
	ASSERT_OK(stlm_de_set(f->s, TP_G1A, true, false));
	ASSERT_EQ(stlm_snapshot_take(snap, 0), 3);
	ASSERT_FLAGS(find(snap, TP_CONST), STLM_SAMPLE_VALID);
	ASSERT_U64_EQ(find(snap, TP_CONST)->raw, 1234);
	ASSERT_FLAGS(find(snap, TP_G1A), STLM_SAMPLE_VALID);
	ASSERT_FLAGS(find(snap, TP_COUNTER), STLM_SAMPLE_DISABLED);
	stlm_snapshot_free(snap);
	fx_stop(f);
}

/*
 * A hostile platform: garbage everywhere in the SHMTI, with consistent
 * sequences. Never a crash, never an out-of-bounds read (ASan), never a
 * VALID sample whose line is not intact.
 */
STLM_TEST(hostile_shared_memory)
{
	struct tp_fix *f;
	struct stlm_snapshot *snap;
	uint8_t *a0, *a1;
	uint32_t len0, len1, rnd = 12345;

	f = fx_small();
	ASSERT_OK(stlm_snapshot_new(f->s, &snap));
	ASSERT_EQ(stlm_snapshot_take(snap, 0), 7);
	a0 = fx_shmti(f, 0);
	a1 = fx_shmti(f, 1);
	len0 = f->cfg->shmti_size[0];
	len1 = f->cfg->shmti_size[1];

	for (int round = 0; round < 300; round++) {
		uint32_t seq0 = tdcf_write_begin(a0, len0);
		uint32_t seq1 = tdcf_write_begin(a1, len1);

		for (uint32_t off = 8; off < len0 - 8; off += 4) {
			rnd = rnd * 1103515245u + 12345u;
			/* mostly small words, sometimes anything */
			if ((rnd >> 8) % 3)
				scmi_put_le32(a0 + off, (rnd >> 16) & 0x3F);
			else
				scmi_put_le32(a0 + off, rnd);
		}
		scmi_put_le32(a0 + 8, round % 2 ? rnd : (rnd >> 20));
		for (uint32_t off = 8; off < len1 - 8; off += 4) {
			rnd = rnd * 1103515245u + 12345u;
			scmi_put_le32(a1 + off, rnd);
		}
		tdcf_write_end(a0, len0, seq0);
		tdcf_write_end(a1, len1, seq1);
		ASSERT_OK(stlm_snapshot_take(snap, 0));
		/* no intact lines remain for these ids */
		ASSERT_FALSE(find(snap, TP_CONST)->flags & STLM_SAMPLE_VALID);
		ASSERT_FALSE(find(snap, TP_G1A)->flags & STLM_SAMPLE_VALID);
	}
	/* A huge num_qwords and an odd sequence forever: still bounded. */
	scmi_put_le32(a0 + TDCF_OFF_NUM_QWORDS, 0xFFFFFFFF);
	scmi_put_le32(a1 + TDCF_OFF_MATCH_START, 3);
	ASSERT_OK(stlm_snapshot_take(snap, 0));
	ASSERT_FALSE(find(snap, TP_G1A)->flags & STLM_SAMPLE_VALID);
	ASSERT_FALSE(find(snap, TP_CONST)->flags & STLM_SAMPLE_VALID);
	ASSERT_TRUE(find(snap, TP_FC)->flags & STLM_SAMPLE_VALID);
	stlm_snapshot_free(snap);
	fx_stop(f);
}

/* ------------------------------------------------------------------ */
/* Single sample and messages                                         */

STLM_TEST(single_sample_message_de)
{
	struct tp_fix *f;
	struct stlm_snapshot *snap;
	const struct stlm_sample *sm;

	f = fx_start(tp_config(false), true);
	ASSERT_OK(stlm_de_set(f->s, TP_MSG, true, true));
	ASSERT_OK(stlm_de_set(f->s, TP_COUNTER, true, true));
	stlmp_platform_advance(f->p, 25 * MS); /* collection off: no pass */
	ASSERT_OK(stlm_snapshot_new(f->s, &snap));

	ASSERT_EQ(stlm_snapshot_take(snap, 0), 2);
	ASSERT_FLAGS(find(snap, TP_MSG), STLM_SAMPLE_UNREACHABLE);
	/* published at enable time (t = 0) */
	ASSERT_U64_EQ(find(snap, TP_COUNTER)->raw, predict(f, TP_COUNTER, 0, 0));

	ASSERT_EQ(stlm_snapshot_take(snap, STLM_TAKE_SINGLE_SAMPLE), 2);
	sm = find(snap, TP_MSG);
	ASSERT_FLAGS(sm, STLM_SAMPLE_VALID | STLM_SAMPLE_MESSAGE |
				 STLM_SAMPLE_TIMESTAMP);
	ASSERT_U64_EQ(sm->raw, 42);
	ASSERT_TRUE(fabs(sm->value - 0.042) < 1e-12);
	ASSERT_U64_EQ(sm->ts, ticks(25 * MS, 1000));
	ASSERT_EQ(sm->ts_rate_khz, 1000);
	/* the SHMTI was refreshed by the single sample (pass 1, t = 25 ms) */
	sm = find(snap, TP_COUNTER);
	ASSERT_FLAGS(sm, STLM_SAMPLE_VALID | STLM_SAMPLE_TIMESTAMP);
	ASSERT_U64_EQ(sm->raw, predict(f, TP_COUNTER, 25 * MS, 1));
	ASSERT_U64_EQ(sm->ts, ticks(25 * MS, 2000));

	/* no new message: the cached value is STALE */
	ASSERT_EQ(stlm_snapshot_take(snap, 0), 2);
	ASSERT_FLAGS(find(snap, TP_MSG), STLM_SAMPLE_VALID | STLM_SAMPLE_MESSAGE |
						STLM_SAMPLE_TIMESTAMP |
						STLM_SAMPLE_STALE);
	ASSERT_TRUE(find(snap, TP_COUNTER)->flags & STLM_SAMPLE_STALE);

	/* a second single sample brings new values */
	stlmp_platform_advance(f->p, 5 * MS);
	ASSERT_EQ(stlm_snapshot_take(snap, STLM_TAKE_SINGLE_SAMPLE), 2);
	ASSERT_FLAGS(find(snap, TP_MSG), STLM_SAMPLE_VALID | STLM_SAMPLE_MESSAGE |
						STLM_SAMPLE_TIMESTAMP);
	ASSERT_U64_EQ(find(snap, TP_MSG)->ts, ticks(30 * MS, 1000));
	ASSERT_U64_EQ(find(snap, TP_COUNTER)->raw,
		      predict(f, TP_COUNTER, 30 * MS, 2));
	stlm_snapshot_free(snap);
	fx_stop(f);
}

STLM_TEST(single_sample_unsupported)
{
	struct tp_fix *f;
	struct stlm_snapshot *snap;
	struct stlmp_config *c = tp_config(false);

	c->single_sample = false;
	f = fx_start(c, true);
	ASSERT_OK(stlm_de_set(f->s, TP_CONST, true, false));
	ASSERT_OK(stlm_snapshot_new(f->s, &snap));
	ASSERT_TRUE(stlm_snapshot_take(snap, STLM_TAKE_SINGLE_SAMPLE) < 0);
	ASSERT_EQ(stlm_snapshot_take(snap, 0), 1);
	ASSERT_FLAGS(find(snap, TP_CONST), STLM_SAMPLE_VALID);
	stlm_snapshot_free(snap);
	fx_stop(f);
}

/* ------------------------------------------------------------------ */
/* Allocations                                                        */

STLM_TEST(no_allocation_in_steady_state)
{
#if SNAP_COUNT_ALLOCS
	struct tp_fix *f;
	struct stlm_snapshot *snap;
	unsigned long n;

	f = fx_small();
	ASSERT_OK(stlm_de_set(f->s, TP_MSG, true, true));
	ASSERT_OK(stlm_snapshot_new(f->s, &snap));
	ASSERT_EQ(stlm_snapshot_take(snap, 0), 8);
	ASSERT_EQ(stlm_snapshot_take(snap, STLM_TAKE_SINGLE_SAMPLE), 8);

	/* the counter itself works */
	alloc_count = 0;
	alloc_counting = true;
	{
		void *volatile q = malloc(16);

		free(q);
	}
	alloc_counting = false;
	ASSERT_EQ(alloc_count, 1);

	for (int k = 0; k < 50; k++) {
		stlmp_platform_advance(f->p, 10 * MS);
		alloc_count = 0;
		alloc_counting = true;
		n = (unsigned long)stlm_snapshot_take(snap, 0);
		alloc_counting = false;
		ASSERT_EQ(n, 8);
		ASSERT_EQ(alloc_count, 0);
		ASSERT_U64_EQ(find(snap, TP_COUNTER)->raw,
			      predict(f, TP_COUNTER, (uint64_t)(k + 2) * 10 * MS,
				      (uint64_t)k + 3));
	}
	stlm_snapshot_free(snap);
	fx_stop(f);
#else
	STLM_SKIP("allocation counting is off under sanitizers");
#endif
}

/* ------------------------------------------------------------------ */
/* Concurrency                                                        */

#define C_PER 24 /* counter DEs per SHMTI */

static struct stlmp_config *conc_config(void)
{
	struct stlmp_config *c = tp_config(false);

	free(c->des);
	c->n_des = 2 * C_PER;
	c->des = calloc(c->n_des, sizeof(*c->des));
	c->shmti_size[0] = 4096;
	c->shmti_size[1] = 4096;
	for (uint32_t i = 0; i < c->n_des; i++) {
		struct stlmp_de_cfg *d = &c->des[i];
		uint32_t sh = i / C_PER;

		tp_de(d, 0x5000 + i, sh, sh, 0, NULL);
		d->gen.kind = STLMP_GEN_COUNTER;
		d->gen.base = 1000;
		d->gen.rate = sh ? 3e6 : 1e6; /* same generator per SHMTI */
		d->desc.unit_exp = 0;
		if (i % 3 == 1) {
			d->desc.ts_support = SCMI_TLM_TS_LINE;
			d->desc.line_ts_rate = 1000;
		} else if (i % 3 == 2) {
			d->desc.ts_support = SCMI_TLM_TS_BLOCK;
		}
	}
	return c;
}

struct reader {
	struct stlm_session *s;
	double secs;
	bool *stop;		/* optional: also run until set (atomic) */
	unsigned long takes, valid, torn, bad;
	char why[160];
};

static void *reader_main(void *arg)
{
	struct reader *r = arg;
	struct stlm_snapshot *snap;
	uint64_t last[2] = { 0, 0 };
	struct timespec t0, t;

	if (stlm_snapshot_new(r->s, &snap) < 0) {
		r->bad++;
		return NULL;
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	do {
		const struct stlm_sample *v;
		size_t n;

		if (stlm_snapshot_take(snap, 0) != 2 * C_PER) {
			r->bad++;
			snprintf(r->why, sizeof(r->why), "take failed");
			break;
		}
		r->takes++;
		v = stlm_snapshot_samples(snap, &n);
		for (int sh = 0; sh < 2; sh++) {
			const struct stlm_sample *g = &v[sh * C_PER];
			uint64_t ref = 0;
			bool have = false;

			for (int k = 0; k < C_PER; k++) {
				if (g[k].flags & STLM_SAMPLE_TORN) {
					r->torn++;
					if (g[k].flags & STLM_SAMPLE_VALID)
						r->bad++;
					continue;
				}
				if (!(g[k].flags & STLM_SAMPLE_VALID)) {
					r->bad++;
					snprintf(r->why, sizeof(r->why),
						 "flags 0x%x", g[k].flags);
					continue;
				}
				r->valid++;
				if (!have) {
					ref = g[k].raw;
					have = true;
				} else if (g[k].raw != ref) {
					r->bad++;
					snprintf(r->why, sizeof(r->why),
						 "torn read: SHMTI %d DE %d %" PRIu64
						 " != %" PRIu64,
						 sh, k, g[k].raw, ref);
				}
			}
			if (have) {
				if (ref < last[sh]) {
					r->bad++;
					snprintf(r->why, sizeof(r->why),
						 "went back: %" PRIu64 " < %" PRIu64,
						 ref, last[sh]);
				}
				last[sh] = ref;
			}
		}
		clock_gettime(CLOCK_MONOTONIC, &t);
	} while ((double)(t.tv_sec - t0.tv_sec) +
			 (double)(t.tv_nsec - t0.tv_nsec) / 1e9 < r->secs ||
		 (r->stop && !__atomic_load_n(r->stop, __ATOMIC_ACQUIRE)));
	stlm_snapshot_free(snap);
	return NULL;
}

STLM_TEST(concurrent_readers)
{
	struct tp_fix *f;
	struct reader r[3];
	pthread_t th[3];
	struct stlmp_stats st;

	f = fx_start(conc_config(), false);
	ASSERT_OK(stlm_all_set(f->s, true, true));
	ASSERT_OK(stlm_collection_set(f->s, STLM_GROUP_ALL, true,
				      STLM_MODE_ON_DEMAND, 1 * MS));
	usleep(30000); /* a few passes: every counter rewritten at once */
	/*
	 * The readers run for at least a second and until the platform has
	 * rewritten the lines over 200 times under them (a count, not a
	 * rate: a loaded machine only takes longer), at most 60 s.
	 */
	bool stop = false;

	for (int i = 0; i < 3; i++) {
		memset(&r[i], 0, sizeof(r[i]));
		r[i].s = f->s;
		r[i].secs = 1.0;
		r[i].stop = &stop;
		ASSERT_EQ(pthread_create(&th[i], NULL, reader_main, &r[i]), 0);
	}
	for (int waited = 0; waited < 6000; waited++) {
		stlmp_platform_stats(f->p, &st);
		if (st.updates > 200 && waited >= 100)
			break;
		usleep(10000);
	}
	__atomic_store_n(&stop, true, __ATOMIC_RELEASE);
	for (int i = 0; i < 3; i++)
		pthread_join(th[i], NULL);
	stlmp_platform_stats(f->p, &st);
	for (int i = 0; i < 3; i++) {
		fprintf(stderr, "  reader %d: %lu takes, %lu valid, %lu torn%s%s\n",
			i, r[i].takes, r[i].valid, r[i].torn,
			r[i].bad ? ", error: " : "", r[i].why);
		ASSERT_EQ(r[i].bad, 0);
		ASSERT_CMP(r[i].takes, >, 100);
		ASSERT_CMP(r[i].valid, >, r[i].takes * C_PER);
	}
	ASSERT_CMP(st.updates, >, 200);
	fx_stop(f);
}

/* ------------------------------------------------------------------ */
/* Examples                                                           */

/* Path of a built example next to the test binary (build/examples/). */
static bool example_path(const char *name, char *buf, size_t cap)
{
	char self[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	char *slash;

	if (n <= 0)
		return false;
	self[n] = 0;
	slash = strrchr(self, '/');
	if (!slash)
		return false;
	*slash = 0;
	if (strlen(self) + strlen(name) + 16 > cap)
		return false;
	strcpy(buf, self);
	strcat(buf, "/../examples/");
	strcat(buf, name);
	return access(buf, X_OK) == 0;
}

/* Run argv, capture stdout (up to cap - 1 bytes); exit status or -1. */
static int run_capture(char *const argv[], char *out, size_t cap, int secs)
{
	int pfd[2], status = 0;
	size_t len = 0;
	pid_t pid;
	struct timespec t0, t;

	if (pipe2(pfd, O_CLOEXEC) < 0)
		return -1;
	pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		dup2(pfd[1], 1);
		execv(argv[0], argv);
		_exit(127);
	}
	close(pfd[1]);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (;;) {
		struct pollfd p = { .fd = pfd[0], .events = POLLIN };
		ssize_t n;

		clock_gettime(CLOCK_MONOTONIC, &t);
		if (t.tv_sec - t0.tv_sec > secs) {
			kill(pid, SIGKILL);
			break;
		}
		if (poll(&p, 1, 200) <= 0)
			continue;
		n = read(pfd[0], out + len, cap - 1 - len);
		if (n <= 0)
			break;
		len += (size_t)n;
		if (len == cap - 1)
			break;
	}
	out[len] = 0;
	close(pfd[0]);
	if (waitpid(pid, &status, 0) < 0)
		return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

STLM_TEST(examples)
{
	struct stlmp_opts o = { .seed = 1 };
	char rs[PATH_MAX], wd[PATH_MAX], *uri;
	static char out[16384];
	struct tp_fix *f;
	int lines = 0;

	struct stlmp_config *cfg = tp_config(false);

	if (!example_path("read-snapshot", rs, sizeof(rs)) ||
	    !example_path("watch-de", wd, sizeof(wd))) {
		stlmp_config_free(cfg);
		STLM_SKIP("examples not built");
	}
	/* a SHMTI DE is notified only on request (notify_all_des) */
	cfg->notify_all_des = true;
	f = tp_fix_new(cfg, &o);
	tp_fix_listen(f, "shm");
	uri = f->uri;

	{
		char *argv[] = { rs, uri, NULL };

		ASSERT_EQ(run_capture(argv, out, sizeof(out), 20), 0);
		fprintf(stderr, "%s", out);
		ASSERT_NOT_NULL(strstr(out, "0x00001000 soc.power"));
		ASSERT_NOT_NULL(strstr(out, "ok 1.234 "));
		ASSERT_NOT_NULL(strstr(out, "mc.1.bw"));
		ASSERT_NOT_NULL(strstr(out, "cpu.0.freq"));
		for (const char *c = out; *c; c++)
			lines += *c == '\n';
		ASSERT_EQ(lines, TP_N_DES);
	}
	{
		char *argv[] = { wd, uri, "soc.cycles", "3", NULL };

		ASSERT_EQ(run_capture(argv, out, sizeof(out), 20), 0);
		fprintf(stderr, "%s", out);
		lines = 0;
		for (const char *c = out; *c; c++)
			lines += *c == '\n';
		ASSERT_EQ(lines, 3);
		ASSERT_TRUE(strncmp(out, "soc.cycles ", 11) == 0);
	}
	tp_fix_stop(f);
}

/* Issue acceptance: the examples against the built-in default platform,
 * with its catalog giving the names. */
STLM_TEST(examples_default_platform)
{
	struct stlmp_config *cfg = NULL;
	struct stlmp_opts o = { .seed = 1 };
	char rs[PATH_MAX], wd[PATH_MAX], cat[PATH_MAX], *uri;
	static char out[65536];
	struct tp_fix *f;
	int lines = 0;

	if (!example_path("read-snapshot", rs, sizeof(rs)) ||
	    !example_path("watch-de", wd, sizeof(wd)))
		STLM_SKIP("examples not built");
	snprintf(cat, sizeof(cat), "%s/../catalogs", stlm_test_srcdir());
	setenv("STLM_CATALOG_PATH", cat, 1);
	ASSERT_OK(stlmp_config_default(&cfg));
	f = tp_fix_new(cfg, &o);
	tp_fix_listen(f, "shm");
	uri = f->uri;
	{
		/* a message-only DE: by default the only kind notified */
		char *argv[] = { wd, uri, "soc.health", "2", NULL };

		/* first, while only this DE is enabled: with all 351 in
		 * notification mode the single P2A slot drops updates */
		ASSERT_EQ(run_capture(argv, out, sizeof(out), 20), 0);
		ASSERT_TRUE(strncmp(out, "soc.health ", 11) == 0);
	}
	{
		char *argv[] = { rs, uri, NULL };

		ASSERT_EQ(run_capture(argv, out, sizeof(out), 20), 0);
		for (const char *c = out; *c; c++)
			lines += *c == '\n';
		/* every DE of the default SoC, named by the catalog */
		ASSERT_EQ(lines, (int)cfg->n_des);
		ASSERT_NOT_NULL(strstr(out, "cpu.3.power"));
		ASSERT_NOT_NULL(strstr(out, "mc.0."));
	}
	unsetenv("STLM_CATALOG_PATH");
	tp_fix_stop(f);
}
