// SPDX-License-Identifier: MIT
/*
 * Copyright (c) 2026 The stlm authors
 *
 * Snapshots: consistent reads of SHMTI lines, FastChannels and the message
 * cache (architecture.md §5, protocol §7.6, §8, §9, §10 step 5).
 *
 * Theory of operation
 * -------------------
 * A snapshot object owns a *plan*, built under the session lock from the
 * DE table, and rebuilt only when the session generation or the selection
 * changed (or the previous take found a line missing):
 *  - the sample array, in platform DE order, with the constant fields (id,
 *    and the flags of DEs that cannot be read: DISABLED, UNREACHABLE)
 *    filled in once;
 *  - an id -> sample index (open addressing, O(1) stlm_snapshot_find());
 *  - one list of 16-byte `struct pline` per SHMTI, sorted by line offset
 *    (offset, expected DE id, sample slot, decoder), so a take walks each
 *    SHMTI once, front to back, with no lookup; the decoders (data size,
 *    sign, scale, timestamp rate) are shared in a small table and the
 *    BLK_TS offsets kept aside, so the hot data stays small;
 *  - the FastChannel and message-only DEs.
 * Every buffer grows only, so once the plan is built a take allocates
 * nothing.
 *
 * A take reads each SHMTI with the §7.6 reader done right: s = match_start
 * (odd: wait briefly, then count a failed attempt), read every planned
 * line, e = match_end, and accept the values only if s is even and e == s,
 * both read in that attempt. Up to SNAP_ATTEMPTS attempts with a back-off
 * of 0, 1, 2, 3, 4 ms; after that the SHMTI's samples are TORN and carry no
 * value. Values are written into the samples provisionally during a pass
 * and overwritten by the next attempt or by the TORN marking, so a torn
 * value is never left VALID. A sample is STALE when its SHMTI was accepted
 * with the same sequence by the previous take of this object (FastChannels
 * have no sequence and are never STALE; message values are STALE when no
 * message updated them since).
 *
 * Hostile shared memory: every line is checked against the counted line
 * area (num_qwords, itself checked against the area length) before any of
 * its words is loaded, each word is loaded once with a relaxed atomic load,
 * and no loop depends on values read from shared memory except the
 * BLK_TS walker, which advances by at least 16 bytes per step inside the
 * counted area. A line whose offset falls outside the counted area, which
 * is not a data line, or which carries another DE id (in a consistent pass)
 * means the platform moved or dropped the DE: the sample is UNREACHABLE and
 * stlm__placement_lost() is called once, after the take, without any lock.
 */
#include <endian.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "session.h"

/* Reader attempts per SHMTI and take (Linux: 5, sleeping 0..4 ms). */
#define SNAP_ATTEMPTS		5
/* Polls of an odd match_start before an attempt counts as failed. */
#define SNAP_ODD_SPINS		256
/* Upper bound on a selection (ids are u32; keeps sizes far from overflow). */
#define SNAP_MAX_SELECT		(1u << 24)

#define likely(x)		__builtin_expect(!!(x), 1)
#define unlikely(x)		__builtin_expect(!!(x), 0)

/*
 * Bits of the first line qword that must be zero for a data line: the line
 * type (0). Metadata bits [31:8] are reserved: like the Linux driver, only
 * bits [7:0] are read; set ones are a deviation, counted once per take.
 */
#define META_NOT_DATA		TDCF_META_TYPE_MASK
#define META_LOW		0x000000FFu
/* The only metadata word of a usable BLK_TS line (§7.4.2). */
#define META_BLK_TS		((uint32_t)TDCF_LINE_BLK_TS << TDCF_META_TYPE_SHIFT)

/**
 * struct pline - one planned SHMTI line (hot path: 16 bytes)
 * @off:  line offset from the SHMTI base (>= 16, 8-aligned)
 * @id:   DE id expected at @off
 * @slot: sample index
 * @dec:  index of its struct pdec
 */
struct pline {
	uint32_t off;
	uint32_t id;
	uint32_t slot;
	uint32_t dec;
};

/**
 * struct pdec - how to decode a value (shared by DEs that decode alike,
 * so the table stays small and cache-resident)
 * @scale:   10^unit_exp (times the catalog scale)
 * @ts_rate: line timestamp clock (kHz)
 * @zshift:  64 - 8 * data_size: raw = raw << zshift >> zshift
 * @sign:    sign-extend from data_size * 8 bits
 */
struct pdec {
	double scale;
	uint32_t ts_rate;
	uint8_t zshift;
	uint8_t sign;
};

/* Decoder cache slots (direct-mapped; a miss only adds a table entry). */
#define DEC_CACHE		64

/**
 * struct ptmp - a pline while the plan is built
 * @pl:      the line
 * @blk_off: BLK_TS line offset (0: the last BLK_TS line before the line)
 * @shmti:   SHMTI index
 */
struct ptmp {
	struct pline pl;
	uint32_t blk_off;
	uint32_t shmti;
};

/**
 * struct splan - the plan of one SHMTI
 * @base:     its mapping
 * @len:      its length
 * @first:    first pline (plines are grouped by SHMTI)
 * @n:        plines of this SHMTI
 * @last_seq: sequence of the last accepted pass (with @have_seq)
 */
struct splan {
	const uint8_t *base;
	size_t len;
	uint32_t first;
	uint32_t n;
	uint32_t last_seq;
	bool have_seq;
};

/**
 * struct xslot - a FastChannel or message-only DE
 * @slot:     sample index
 * @de_index: DE index in the session table (message cache)
 * @fc:       FastChannel mapping (FC only)
 * @scale, @zshift, @sign: decoding, as in struct pline
 * @ts:       timestamps enabled
 * @ts_rate:  timestamp clock
 * @last_seq: msg_seq at the previous take (with @have_seq)
 */
struct xslot {
	uint32_t slot;
	uint32_t de_index;
	const volatile uint8_t *fc;
	double scale;
	uint8_t zshift;
	uint8_t sign;
	bool ts;
	uint32_t ts_rate;
	uint64_t last_seq;
	bool have_seq;
};

/* A selected id and its sort key (platform order, unknown ids last). */
struct selkey {
	uint32_t key;
	uint32_t id;
};

struct stlm_snapshot {
	struct stlm_session *s;

	/* selection */
	uint32_t *sel;
	size_t n_sel;
	bool sel_all;
	bool sel_dirty;

	/* plan */
	bool have_plan;
	bool replan;
	uint64_t plan_gen;
	uint32_t default_blk_rate;

	struct stlm_sample *samples;
	size_t n;
	size_t cap;

	uint32_t *index;	/* sample index + 1, 0 = empty */
	uint32_t index_mask;
	size_t index_cap;

	struct pline *plines;	/* grouped by SHMTI, sorted by offset */
	uint32_t *pblk;		/* BLK_TS offset of each pline (0: walk) */
	size_t n_plines;
	size_t cap_plines;
	size_t cap_pblk;
	struct ptmp *ptmp;	/* scratch: plines in slot order */
	size_t cap_ptmp;
	struct pdec *decs;
	size_t n_decs;
	size_t cap_decs;
	uint32_t dec_cache[DEC_CACHE]; /* dec index + 1 */

	struct splan *plans;	/* one per session SHMTI */
	size_t n_plans;
	size_t cap_plans;

	struct xslot *fcs;
	size_t n_fcs;
	size_t cap_fcs;
	struct xslot *msgs;
	size_t n_msgs;
	size_t cap_msgs;

	struct selkey *keys;	/* scratch for explicit selections */
	size_t cap_keys;

	/* single-sample delayed response */
	struct stlm_buf dresp;

	/* last take */
	uint64_t generation;
	uint64_t time_ns;
	uint64_t mono_ns;
	bool lost;
};

/* -------------------------------------------------------------------- */
/* Shared-memory loads                                                  */

/* One relaxed atomic 64-bit load of two LE words (p 8-byte aligned). */
static inline uint64_t ld64(const uint8_t *p)
{
	return le64toh(__atomic_load_n((const uint64_t *)(const void *)p,
				       __ATOMIC_RELAXED));
}

static inline uint32_t ld32(const volatile uint8_t *p)
{
	return le32toh(__atomic_load_n((const volatile uint32_t *)(const volatile void *)p,
				       __ATOMIC_RELAXED));
}

static inline uint64_t ld64v(const volatile uint8_t *p)
{
	return le64toh(__atomic_load_n((const volatile uint64_t *)(const volatile void *)p,
				       __ATOMIC_RELAXED));
}

/* -------------------------------------------------------------------- */
/* Helpers                                                              */

static uint64_t clock_ns(clockid_t clk)
{
	struct timespec ts;

	clock_gettime(clk, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static void sleep_ms(unsigned int ms)
{
	struct timespec ts = { .tv_sec = 0, .tv_nsec = (long)ms * 1000000L };

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

static inline void cpu_relax(void)
{
#if defined(__x86_64__) || defined(__i386__)
	__builtin_ia32_pause();
#elif defined(__aarch64__)
	__asm__ __volatile__("yield" ::: "memory");
#else
	__asm__ __volatile__("" ::: "memory");
#endif
}

static inline uint32_t hash_id(uint32_t id)
{
	return id * 0x9E3779B1u;
}

/* Grow *p (of *cap elements of size sz) to hold n; 0 or -ENOMEM. */
static int grow(void **p, size_t *cap, size_t n, size_t sz)
{
	size_t ncap;
	void *q;

	if (n <= *cap)
		return 0;
	ncap = *cap ? *cap : 16;
	while (ncap < n)
		ncap *= 2;
	if (ncap > SIZE_MAX / sz)
		return -ENOMEM;
	q = realloc(*p, ncap * sz);
	if (!q)
		return -ENOMEM;
	*p = q;
	*cap = ncap;
	return 0;
}

static double pow10i(int e)
{
	double r = 1.0, b = 10.0;
	unsigned int u = e < 0 ? (unsigned int)-e : (unsigned int)e;

	while (u) {
		if (u & 1)
			r *= b;
		b *= b;
		u >>= 1;
	}
	return e < 0 ? 1.0 / r : r;
}

/* Decoding parameters of a DE. */
static void de_decoding(const struct stlm_de *de, double *ret_scale,
			uint8_t *ret_zshift, uint8_t *ret_sign)
{
	uint32_t size = de->desc.data_size;
	double scale = de->scale;

	if (size == 0 || size > 8)
		size = 8;
	/* Prefer the session's scale; compute it if it was never set. */
	if (!(scale > 0.0) || scale != scale)
		scale = pow10i(de->desc.unit_exp);
	*ret_scale = scale;
	*ret_zshift = (uint8_t)(64 - 8 * size);
	*ret_sign = stlm_de_signed(de);
}

static inline uint64_t raw_of(uint64_t v, uint8_t zshift)
{
	return (v << zshift) >> zshift;
}

static inline double value_of(uint64_t raw, uint8_t zshift, uint8_t sign,
			      double scale)
{
	if (sign)
		return (double)((int64_t)(raw << zshift) >> zshift) * scale;
	return (double)raw * scale;
}

static inline void sample_clear(struct stlm_sample *sm, uint32_t flags)
{
	sm->flags = flags;
	sm->raw = 0;
	sm->value = 0.0;
	sm->ts = 0;
	sm->ts_rate_khz = 0;
}

static uint32_t line_ts_rate(const struct stlm_de *de, uint32_t dflt)
{
	if (de->desc.ts_support == SCMI_TLM_TS_LINE && de->desc.line_ts_rate)
		return de->desc.line_ts_rate;
	return dflt;
}

/* -------------------------------------------------------------------- */
/* Plan                                                                 */

static int cmp_key(const void *a, const void *b)
{
	const struct selkey *x = a, *y = b;

	return x->key < y->key ? -1 : x->key > y->key;
}

static int cmp_ptmp(const void *a, const void *b)
{
	const struct ptmp *x = a, *y = b;

	if (x->shmti != y->shmti)
		return x->shmti < y->shmti ? -1 : 1;
	return x->pl.off < y->pl.off ? -1 : x->pl.off > y->pl.off;
}

/* A decoder index for these parameters (adds one on a cache miss). */
static int dec_get(struct stlm_snapshot *snap, double scale, uint32_t ts_rate,
		   uint8_t zshift, uint8_t sign)
{
	uint64_t bits;
	uint32_t h, v;
	struct pdec *d;

	memcpy(&bits, &scale, sizeof(bits));
	h = (uint32_t)(bits ^ bits >> 29) * 0x9E3779B1u ^ ts_rate * 0x85EBCA6Bu ^
	    (uint32_t)zshift << 8 ^ sign;
	h = (h ^ h >> 16) % DEC_CACHE;
	v = snap->dec_cache[h];
	if (v) {
		d = &snap->decs[v - 1];
		if (d->scale == scale && d->ts_rate == ts_rate &&
		    d->zshift == zshift && d->sign == sign)
			return (int)(v - 1);
	}
	if (snap->n_decs >= snap->cap_decs || snap->n_decs >= INT32_MAX)
		return -ENOMEM; /* sized for one per sample: cannot happen */
	d = &snap->decs[snap->n_decs];
	d->scale = scale;
	d->ts_rate = ts_rate;
	d->zshift = zshift;
	d->sign = sign;
	snap->dec_cache[h] = (uint32_t)++snap->n_decs;
	return (int)(snap->n_decs - 1);
}

/* Insert id -> slot; false if id is already there. */
static bool index_add(struct stlm_snapshot *snap, uint32_t id, uint32_t slot)
{
	uint32_t h = hash_id(id) & snap->index_mask;

	for (;;) {
		uint32_t v = snap->index[h];

		if (!v) {
			snap->index[h] = slot + 1;
			return true;
		}
		if (snap->samples[v - 1].id == id)
			return false;
		h = (h + 1) & snap->index_mask;
	}
}

/* Size the index for n entries (load <= 1/2) and clear it. */
static int index_reset(struct stlm_snapshot *snap, size_t n)
{
	size_t want = 16;
	int r;

	while (want < 2 * n)
		want *= 2;
	r = grow((void **)&snap->index, &snap->index_cap, want,
		 sizeof(*snap->index));
	if (r < 0)
		return r;
	snap->index_mask = (uint32_t)(want - 1);
	memset(snap->index, 0, want * sizeof(*snap->index));
	return 0;
}

/* Classify DE de (index idx) into sample slot. Called with s->lock. */
static void plan_de(struct stlm_snapshot *snap, const struct stlm_de *de,
		    uint32_t idx, uint32_t slot)
{
	struct stlm_session *s = snap->s;
	struct stlm_sample *sm = &snap->samples[slot];
	double scale;
	uint8_t zshift, sign;

	sample_clear(sm, STLM_SAMPLE_UNREACHABLE);
	sm->id = de->desc.id;
	if (!de->enabled) {
		sm->flags = STLM_SAMPLE_DISABLED;
		return;
	}
	de_decoding(de, &scale, &zshift, &sign);

	if (de->desc.has_fc || de->fc) {
		struct xslot *x;

		/* Loads need natural alignment; the FC holds 16 bytes. */
		if (!de->fc || de->desc.fc_size < 16 || ((uintptr_t)de->fc & 3))
			return;
		x = &snap->fcs[snap->n_fcs++];
		memset(x, 0, sizeof(*x));
		x->slot = slot;
		x->de_index = idx;
		x->fc = de->fc;
		x->scale = scale;
		x->zshift = zshift;
		x->sign = sign;
		x->ts = de->ts_enabled && de->desc.ts_support != SCMI_TLM_TS_NONE;
		x->ts_rate = line_ts_rate(de, snap->default_blk_rate);
		return;
	}

	if (de->shmti == SCMI_TLM_SHMTI_NONE) {
		struct xslot *x = &snap->msgs[snap->n_msgs++];

		memset(x, 0, sizeof(*x));
		x->slot = slot;
		x->de_index = idx;
		x->scale = scale;
		x->zshift = zshift;
		x->sign = sign;
		x->ts = de->ts_enabled && de->desc.ts_support != SCMI_TLM_TS_NONE;
		x->ts_rate = line_ts_rate(de, snap->default_blk_rate);
		return;
	}

	if (de->shmti < snap->n_plans && s->shmti[de->shmti].base) {
		const struct stlm_shmti *sh = &s->shmti[de->shmti];
		size_t len = sh->desc.length;
		struct ptmp *pt;
		int dec;

		/*
		 * The reader relies on: an 8-aligned base and offset (64-bit
		 * loads), a usable area size, and a line start inside the
		 * line region. Anything else cannot be read: UNREACHABLE.
		 */
		if (de->shmti > UINT16_MAX || ((uintptr_t)sh->base & 7) ||
		    len < TDCF_MIN_AREA ||
		    (len & 3) || de->offset < TDCF_HDR_SIZE ||
		    (de->offset & 7) ||
		    (uint64_t)de->offset + TDCF_LINE_SIZE >
			    (uint64_t)len - TDCF_EPI_SIZE)
			return;
		dec = dec_get(snap, scale, line_ts_rate(de, snap->default_blk_rate),
			      zshift, sign);
		if (dec < 0)
			return;
		pt = &snap->ptmp[snap->n_plines++];
		pt->pl.off = de->offset;
		pt->pl.id = de->desc.id;
		pt->pl.slot = slot;
		pt->pl.dec = (uint32_t)dec;
		pt->blk_off = 0;
		if (de->blk_ts_off >= TDCF_HDR_SIZE && !(de->blk_ts_off & 7) &&
		    de->blk_ts_off < de->offset)
			pt->blk_off = de->blk_ts_off;
		pt->shmti = de->shmti;
		snap->plans[de->shmti].n++;
		sm->flags = 0;
		return;
	}
	/* A SHMTI we could not map or that the platform did not list. */
}

/*
 * Lay the plines out grouped by SHMTI, each group sorted by offset (the
 * per-SHMTI counts were gathered by plan_de()).
 */
static void plan_group(struct stlm_snapshot *snap)
{
	uint32_t pos = 0;

	if (snap->n_plines > 1)
		qsort(snap->ptmp, snap->n_plines, sizeof(*snap->ptmp), cmp_ptmp);
	for (size_t i = 0; i < snap->n_plans; i++) {
		snap->plans[i].first = pos;
		pos += snap->plans[i].n;
	}
	for (size_t k = 0; k < snap->n_plines; k++) {
		snap->plines[k] = snap->ptmp[k].pl;
		snap->pblk[k] = snap->ptmp[k].blk_off;
	}
}

/* Every enabled DE, in platform order. Called with s->lock held. */
static void plan_all(struct stlm_snapshot *snap)
{
	struct stlm_session *s = snap->s;

	for (uint32_t i = 0; i < s->n_des; i++) {
		if (!s->des[i].enabled)
			continue;
		plan_de(snap, &s->des[i], i, (uint32_t)snap->n);
		index_add(snap, s->des[i].desc.id, (uint32_t)snap->n);
		snap->n++;
	}
}

/*
 * The selected ids: known DEs in platform order, then unknown ids in the
 * order given; duplicates dropped. Called with s->lock held.
 */
static void plan_selected(struct stlm_snapshot *snap)
{
	struct stlm_session *s = snap->s;

	for (size_t k = 0; k < snap->n_sel; k++) {
		int idx = stlm__de_index(s, snap->sel[k]);

		snap->keys[k].id = snap->sel[k];
		snap->keys[k].key = idx >= 0 ? (uint32_t)idx :
					       s->n_des + (uint32_t)k;
	}
	/* Keys are unique: a DE index, or n_des + position. */
	if (snap->n_sel > 1)
		qsort(snap->keys, snap->n_sel, sizeof(*snap->keys), cmp_key);
	for (size_t k = 0; k < snap->n_sel; k++) {
		uint32_t id = snap->keys[k].id;
		uint32_t slot = (uint32_t)snap->n;

		snap->samples[slot].id = id;
		if (!index_add(snap, id, slot))
			continue; /* duplicate */
		if (snap->keys[k].key < s->n_des)
			plan_de(snap, &s->des[snap->keys[k].key],
				snap->keys[k].key, slot);
		else
			sample_clear(&snap->samples[slot],
				     STLM_SAMPLE_UNREACHABLE);
		snap->n++;
	}
}

/* Rebuild the plan. Called with s->lock held. */
static int plan_build(struct stlm_snapshot *snap)
{
	struct stlm_session *s = snap->s;
	/* s->shmti mirrors the current table's array (session.h). */
	size_t n = 0, n_shmti = s->table && s->shmti ? s->table->n_shmti : 0;
	int r;

	/* The samples, in order, with their ids. */
	if (snap->sel_all) {
		for (uint32_t i = 0; i < s->n_des; i++)
			n += s->des[i].enabled;
	} else {
		n = snap->n_sel;
	}
	r = grow((void **)&snap->samples, &snap->cap, n ? n : 1,
		 sizeof(*snap->samples));
	if (r >= 0)
		r = grow((void **)&snap->plines, &snap->cap_plines,
			 n ? n : 1, sizeof(*snap->plines));
	if (r >= 0)
		r = grow((void **)&snap->pblk, &snap->cap_pblk, n ? n : 1,
			 sizeof(*snap->pblk));
	if (r >= 0)
		r = grow((void **)&snap->ptmp, &snap->cap_ptmp, n ? n : 1,
			 sizeof(*snap->ptmp));
	if (r >= 0)
		r = grow((void **)&snap->decs, &snap->cap_decs, n ? n : 1,
			 sizeof(*snap->decs));
	if (r >= 0)
		r = grow((void **)&snap->fcs, &snap->cap_fcs, n ? n : 1,
			 sizeof(*snap->fcs));
	if (r >= 0)
		r = grow((void **)&snap->msgs, &snap->cap_msgs, n ? n : 1,
			 sizeof(*snap->msgs));
	if (r >= 0)
		r = grow((void **)&snap->plans, &snap->cap_plans,
			 n_shmti ? n_shmti : 1, sizeof(*snap->plans));
	if (r >= 0 && !snap->sel_all)
		r = grow((void **)&snap->keys, &snap->cap_keys,
			 snap->n_sel ? snap->n_sel : 1, sizeof(*snap->keys));
	if (r >= 0)
		r = index_reset(snap, n);
	if (r < 0)
		return r;

	snap->default_blk_rate = s->info.default_blk_ts_rate_khz;
	snap->n_plans = n_shmti;
	for (size_t i = 0; i < n_shmti; i++) {
		struct splan *p = &snap->plans[i];

		memset(p, 0, sizeof(*p));
		p->base = s->shmti[i].base;
		p->len = s->shmti[i].desc.length;
	}
	snap->n_plines = snap->n_fcs = snap->n_msgs = snap->n_decs = 0;
	memset(snap->dec_cache, 0, sizeof(snap->dec_cache));
	snap->n = 0;

	/* plan_de() appends plines to ptmp in slot order. */
	if (snap->sel_all)
		plan_all(snap);
	else
		plan_selected(snap);
	plan_group(snap);

	snap->plan_gen = s->generation;
	snap->have_plan = true;
	snap->replan = false;
	snap->sel_dirty = false;
	return 0;
}

/* -------------------------------------------------------------------- */
/* SHMTI pass                                                           */

/*
 * Pass state: the BLK_TS line last read at a given offset, and the walker
 * that finds the last BLK_TS line before a line when its offset is unknown.
 */
struct pass {
	const uint8_t *lines;	/* base + 16 */
	size_t bytes;		/* counted line area */
	uint32_t dflt_rate;
	/* cache of the BLK_TS line at a known offset */
	uint32_t blk_off;
	bool blk_ok;
	uint64_t blk_ts;
	uint32_t blk_rate;
	/* walker */
	size_t w_rel;
	bool w_broken;
	bool w_have;
	uint64_t w_ts;
	uint32_t w_rate;
	/* a planned line was missing */
	bool lost;
	/* a line had reserved metadata bits [31:8] set (tolerated) */
	bool meta_rsvd;
};

/* Read the BLK_TS line at area offset off. */
static bool blk_at(struct pass *ps, uint32_t off, uint64_t *ret_ts,
		   uint32_t *ret_rate)
{
	size_t rel = off - TDCF_HDR_SIZE;

	if (ps->blk_off != off) {
		uint64_t w0;

		ps->blk_off = off;
		ps->blk_ok = false;
		if (rel + TDCF_LINE_SIZE <= ps->bytes) {
			w0 = ld64(ps->lines + rel);
			if ((uint32_t)w0 & TDCF_META_RSVD_MASK)
				ps->meta_rsvd = true;
			if (((uint32_t)w0 & META_LOW) == META_BLK_TS) {
				ps->blk_ok = true;
				ps->blk_rate = (uint32_t)(w0 >> 32);
				ps->blk_ts = ld64(ps->lines + rel + 8);
			}
		}
	}
	if (!ps->blk_ok)
		return false;
	*ret_ts = ps->blk_ts;
	*ret_rate = ps->blk_rate ? ps->blk_rate : ps->dflt_rate;
	return true;
}

/*
 * Walk the lines from where the walker stands up to rel (exclusive),
 * remembering the last BLK_TS line. Bounded: each step advances 16 or 24
 * bytes inside the counted area. False if rel is not a line boundary or
 * the area is malformed.
 */
static bool walk_to(struct pass *ps, size_t rel)
{
	while (!ps->w_broken && ps->w_rel < rel) {
		size_t len;
		uint64_t w0;
		uint32_t meta;

		if (ps->w_rel + TDCF_LINE_SIZE > ps->bytes) {
			ps->w_broken = true;
			break;
		}
		w0 = ld64(ps->lines + ps->w_rel);
		meta = (uint32_t)w0;
		if (meta & TDCF_META_RSVD_MASK) {
			ps->meta_rsvd = true;
			meta &= META_LOW;
		}
		len = tdcf_line_len(meta);
		if (ps->w_rel + len > ps->bytes) {
			ps->w_broken = true;
			break;
		}
		if (meta == META_BLK_TS) {
			ps->w_have = true;
			ps->w_rate = (uint32_t)(w0 >> 32);
			ps->w_ts = ld64(ps->lines + ps->w_rel + 8);
		}
		ps->w_rel += len;
	}
	return !ps->w_broken && ps->w_rel == rel;
}

/*
 * The block timestamp of a line (USE_BLK_TS) whose BLK_TS line is not the
 * one cached in the pass. Out of the hot loop.
 */
static __attribute__((noinline)) bool
line_blk_ts(struct pass *ps, uint32_t blk_off, size_t rel, uint64_t *ret_ts,
	    uint32_t *ret_rate)
{
	if (blk_off)
		return blk_at(ps, blk_off, ret_ts, ret_rate);
	if (!walk_to(ps, rel)) {
		/* The line is not where the line chain says lines are. */
		if (!ps->w_broken)
			ps->lost = true;
		return false;
	}
	if (!ps->w_have)
		return false; /* no BLK_TS before it: no timestamp (§7.4.1) */
	*ret_ts = ps->w_ts;
	*ret_rate = ps->w_rate ? ps->w_rate : ps->dflt_rate;
	return true;
}

/*
 * One planned line, any form: every bound checked before a load, every
 * metadata combination (invalid data, reserved bits, block timestamps that
 * are not cached, a line gone). The general path of pass_lines().
 */
static __attribute__((noinline)) void
line_any(struct pass *ps, const struct pline *l, uint32_t blk,
	 const struct pdec *d, struct stlm_sample *sm, uint32_t valid)
{
	const uint8_t *lines = ps->lines;
	const size_t bytes = ps->bytes;
	size_t rel = l->off - TDCF_HDR_SIZE;
	uint32_t meta, flags, rate = 0;
	uint64_t w0, raw, ts = 0;
	size_t len;

	if (rel + TDCF_LINE_SIZE > bytes)
		goto missing;
	w0 = ld64(lines + rel);
	meta = (uint32_t)w0;
	if (meta & TDCF_META_RSVD_MASK) {
		ps->meta_rsvd = true;
		meta &= META_LOW;
	}
	if ((meta & META_NOT_DATA) || (uint32_t)(w0 >> 32) != l->id)
		goto missing;
	len = tdcf_line_len(meta);
	if (rel + len > bytes)
		goto missing;
	if (meta & TDCF_META_DATA_INVALID) {
		sample_clear(sm, STLM_SAMPLE_INVALID);
		return;
	}
	raw = raw_of(ld64(lines + rel + 8), d->zshift);
	flags = valid;
	if (meta & TDCF_META_USE_BLK_TS) {
		if (meta & TDCF_META_TS_VALID) {
			if (blk && blk == ps->blk_off && ps->blk_ok) {
				ts = ps->blk_ts;
				rate = ps->blk_rate ? ps->blk_rate :
						      ps->dflt_rate;
				flags |= STLM_SAMPLE_TIMESTAMP;
			} else if (line_blk_ts(ps, blk, rel, &ts, &rate)) {
				flags |= STLM_SAMPLE_TIMESTAMP;
			}
		}
	} else if ((meta & (TDCF_META_LINE_EXT | TDCF_META_TS_VALID)) ==
		   (TDCF_META_LINE_EXT | TDCF_META_TS_VALID)) {
		flags |= STLM_SAMPLE_TIMESTAMP;
		ts = ld64(lines + rel + 16);
		rate = d->ts_rate;
	}
	sm->flags = flags;
	sm->raw = raw;
	sm->value = value_of(raw, d->zshift, d->sign, d->scale);
	sm->ts = ts;
	sm->ts_rate_khz = rate;
	return;
missing:
	sample_clear(sm, STLM_SAMPLE_UNREACHABLE);
	ps->lost = true;
}

/*
 * One pass over the planned lines of a SHMTI, writing the samples
 * provisionally. The hot loop takes the lines a platform writes in the
 * steady state, each in a few loads, one compare of the whole first word
 * against the line expected there and no call: a valid data line of the
 * planned DE, with no reserved metadata bits, its timestamp absent, in the
 * line or in the BLK_TS line cached by the pass, and at least an extended
 * line's size before the end of the area. Every other line, and the last
 * lines of an area, go through line_any(), which checks each bound and
 * combination on its own.
 */
static void pass_lines(struct stlm_snapshot *snap, const struct splan *p,
		       struct pass *ps, uint32_t valid)
{
	const struct pline *restrict pl = snap->plines + p->first;
	const uint32_t *restrict pblk = snap->pblk + p->first;
	const struct pdec *restrict decs = snap->decs;
	struct stlm_sample *restrict samples = snap->samples;
	const uint8_t *restrict lines = ps->lines;
	const uint32_t n = p->n;
	/* the last offset where a line of TDCF_LINE_EXT_SIZE bytes fits
	 * (negative: none does; the area is at most 4 GiB) */
	const int64_t fits = (int64_t)ps->bytes - TDCF_LINE_EXT_SIZE;
	const uint32_t ts_line = TDCF_META_LINE_EXT | TDCF_META_TS_VALID;
	const uint32_t ts_blk = TDCF_META_USE_BLK_TS | TDCF_META_TS_VALID;

	for (uint32_t k = 0; k < n; k++) {
		const struct pline *l = &pl[k];
		struct stlm_sample *sm = &samples[l->slot];
		const struct pdec *d = &decs[l->dec];
		const size_t rel = l->off - TDCF_HDR_SIZE;
		uint64_t w0, raw;
		uint32_t meta;

		if (unlikely((int64_t)rel > fits))
			goto any;
		w0 = ld64(lines + rel);
		meta = (uint32_t)w0;
		/* the planned DE, a data line, only these flags (no
		 * reserved bits, not invalid) */
		if (unlikely((uint32_t)(w0 >> 32) != l->id ||
			     (meta & ~(ts_line | TDCF_META_USE_BLK_TS))))
			goto any;
		raw = raw_of(ld64(lines + rel + 8), d->zshift);
		if (meta & TDCF_META_USE_BLK_TS) {
			const uint32_t b = pblk[k];

			if (meta != ts_blk) {
				/* block timestamp not valid: none */
				sm->flags = valid;
				sm->ts = 0;
				sm->ts_rate_khz = 0;
			} else if (likely(b && b == ps->blk_off &&
					  ps->blk_ok)) {
				sm->flags = valid | STLM_SAMPLE_TIMESTAMP;
				sm->ts = ps->blk_ts;
				sm->ts_rate_khz = ps->blk_rate ? ps->blk_rate :
								 ps->dflt_rate;
			} else {
				goto any;
			}
		} else if (meta == ts_line) {
			sm->flags = valid | STLM_SAMPLE_TIMESTAMP;
			sm->ts = ld64(lines + rel + 16);
			sm->ts_rate_khz = d->ts_rate;
		} else {
			sm->flags = valid;
			sm->ts = 0;
			sm->ts_rate_khz = 0;
		}
		sm->raw = raw;
		sm->value = value_of(raw, d->zshift, d->sign, d->scale);
		continue;
any:
		line_any(ps, l, pblk[k], d, sm, valid);
	}
}

/* Mark every sample of a SHMTI plan. */
static void plan_mark(struct stlm_snapshot *snap, const struct splan *p,
		      uint32_t flags)
{
	for (uint32_t k = 0; k < p->n; k++)
		sample_clear(&snap->samples[snap->plines[p->first + k].slot],
			     flags);
}

/* Read one SHMTI per §7.6 with bounded retries. */
static void read_shmti(struct stlm_snapshot *snap, struct splan *p)
{
	struct pass ps = { 0 };
	bool ok = false, structural = false;
	uint32_t seq = 0;

	for (unsigned int attempt = 0; attempt < SNAP_ATTEMPTS; attempt++) {
		uint32_t start, e;
		size_t bytes;
		int spins;

		if (attempt)
			sleep_ms(attempt);
		start = tdcf_read_begin(p->base);
		for (spins = 0; (start & 1) && spins < SNAP_ODD_SPINS; spins++) {
			cpu_relax();
			start = tdcf_read_begin(p->base);
		}
		if (start & 1)
			continue;
		memset(&ps, 0, sizeof(ps));
		ps.dflt_rate = snap->default_blk_rate;
		ps.lines = p->base + TDCF_HDR_SIZE;
		structural = tdcf_read_line_area(p->base, p->len, &bytes) < 0;
		if (!structural) {
			/* Accepted only with this very sequence: STALE iff the
			 * previous take accepted it too. */
			ps.bytes = bytes;
			pass_lines(snap, p, &ps,
				   p->have_seq && p->last_seq == start ?
					   STLM_SAMPLE_VALID | STLM_SAMPLE_STALE :
					   STLM_SAMPLE_VALID);
		}
		e = tdcf_read_end(p->base, p->len);
		if (tdcf_pass_ok(start, e)) {
			ok = true;
			seq = start;
			break;
		}
	}

	if (!ok) {
		/* Nothing consistent: no value is reported. */
		plan_mark(snap, p, STLM_SAMPLE_TORN);
		return;
	}
	if (structural) {
		/* A consistent but malformed area: the lines are gone. */
		plan_mark(snap, p, STLM_SAMPLE_UNREACHABLE);
		snap->lost = true;
		return;
	}
	if (ps.lost)
		snap->lost = true;
	if (unlikely(ps.meta_rsvd))
		stlm__deviation(snap->s, 1u << SCMI_DEV_TDCF_META,
				"SHMTI lines");
	p->last_seq = seq;
	p->have_seq = true;
}

/* -------------------------------------------------------------------- */
/* FastChannels and messages                                            */

static void read_fc(struct stlm_snapshot *snap, const struct xslot *x)
{
	struct stlm_sample *sm = &snap->samples[x->slot];
	uint64_t data, ts;

	/* No consistency protocol (§8): 64-bit loads where aligned. */
	if (!((uintptr_t)x->fc & 7)) {
		data = ld64v(x->fc);
		ts = ld64v(x->fc + 8);
	} else {
		data = (uint64_t)ld32(x->fc) | (uint64_t)ld32(x->fc + 4) << 32;
		ts = (uint64_t)ld32(x->fc + 8) | (uint64_t)ld32(x->fc + 12) << 32;
	}
	sm->raw = raw_of(data, x->zshift);
	sm->value = value_of(sm->raw, x->zshift, x->sign, x->scale);
	sm->flags = STLM_SAMPLE_VALID | STLM_SAMPLE_FASTCHANNEL;
	sm->ts = 0;
	sm->ts_rate_khz = 0;
	if (x->ts) {
		sm->flags |= STLM_SAMPLE_TIMESTAMP;
		sm->ts = ts;
		sm->ts_rate_khz = x->ts_rate;
	}
}

/* Copy the message cache. Called with s->lock held. */
static void read_msg(struct stlm_snapshot *snap, struct xslot *x)
{
	struct stlm_session *s = snap->s;
	struct stlm_sample *sm = &snap->samples[x->slot];
	bool bulk = s->ops->flags & STLM_BACKEND_BULK_VALUES;
	const struct stlm_de *de;

	if (x->de_index >= s->n_des) {
		sample_clear(sm, STLM_SAMPLE_UNREACHABLE);
		return;
	}
	de = &s->des[x->de_index];
	if (!de->msg_valid) {
		/* Bulk values: a bulk read refused = telemetry off. */
		sample_clear(sm, bulk && !s->telemetry_on ?
					 STLM_SAMPLE_DISABLED :
					 STLM_SAMPLE_UNREACHABLE);
		return;
	}
	sm->raw = raw_of(de->msg_raw, x->zshift);
	sm->value = value_of(sm->raw, x->zshift, x->sign, x->scale);
	/* Bulk values come from a bulk read, not from a message. */
	sm->flags = STLM_SAMPLE_VALID | (bulk ? 0 : STLM_SAMPLE_MESSAGE);
	sm->ts = 0;
	sm->ts_rate_khz = 0;
	/* Bulk values: timestamp 0 means none. */
	if (x->ts && !(bulk && !de->msg_ts)) {
		sm->flags |= STLM_SAMPLE_TIMESTAMP;
		sm->ts = de->msg_ts;
		sm->ts_rate_khz = x->ts_rate;
	}
	if (x->have_seq && x->last_seq == de->msg_seq)
		sm->flags |= STLM_SAMPLE_STALE;
	x->last_seq = de->msg_seq;
	x->have_seq = true;
}

/*
 * Every SHMTI and FastChannel read of one take, under a SIGBUS guard over
 * the mapping (session.h, stlm__mem_guard_push()): -EFAULT when the memory file shrank under it.
 */
static int read_memory(struct stlm_snapshot *snap, const uint8_t *mem,
		       size_t mem_size)
{
	struct stlm_mem_guard g;

	stlm__mem_guard_push(&g, mem, mem_size);
	if (sigsetjmp(g.env, 0))
		return -EFAULT;
	for (size_t i = 0; i < snap->n_plans; i++) {
		struct splan *p = &snap->plans[i];

		if (p->n)
			read_shmti(snap, p);
	}
	for (size_t i = 0; i < snap->n_fcs; i++)
		read_fc(snap, &snap->fcs[i]);
	stlm__mem_guard_pop(&g);
	return 0;
}

/* -------------------------------------------------------------------- */
/* Single sample (§4.10 mode 2, §10 step 5)                             */

int stlm__single_sample_take(struct stlm_session *s, struct stlm_buf *buf)
{
	struct scmi_tlm_reading_complete rc;
	uint8_t resp[64];
	int r, dlen = 0;

	if (!buf->p) {
		size_t cap = (size_t)s->info.max_msg_size + 64;

		if (cap < 4096)
			cap = 4096;
		buf->p = malloc(cap);
		if (!buf->p)
			return -ENOMEM;
		buf->cap = cap;
	}
	r = stlm__single_sample(s, resp, sizeof(resp), buf->p, buf->cap,
				&dlen);
	if (r < 0)
		return r;
	if (r < 4)
		return -EPROTO;
	r = scmi_status_to_errno((int32_t)scmi_get_le32(resp));
	if (r < 0)
		return r;
	if (dlen < 0 || (size_t)dlen > buf->cap)
		return -EPROTO;
	uint32_t dev = 0;

	r = scmi_tlm_reading_complete_decode_dev(buf->p, (size_t)dlen, &rc,
						 &dev);
	if (dev)
		stlm__deviation(s, dev, "READING_COMPLETE");
	if (r < 0)
		return r;
	if (rc.lines.num_dwords)
		stlm__ingest_lines(s, rc.lines.lines,
				   (size_t)rc.lines.num_dwords * 4, false);
	if (rc.status_errno < 0 && !rc.partial)
		return rc.status_errno;
	return 0;
}

/* -------------------------------------------------------------------- */
/* Public API                                                           */

STLM_API int stlm_snapshot_new(struct stlm_session *s,
			       struct stlm_snapshot **ret)
{
	struct stlm_snapshot *snap;

	if (!s || !ret)
		return -EINVAL;
	snap = calloc(1, sizeof(*snap));
	if (!snap)
		return -ENOMEM;
	snap->s = s;
	snap->sel_all = true;
	snap->sel_dirty = true;
	*ret = snap;
	return 0;
}

STLM_API void stlm_snapshot_free(struct stlm_snapshot *snap)
{
	if (!snap)
		return;
	free(snap->sel);
	free(snap->samples);
	free(snap->index);
	free(snap->plines);
	free(snap->pblk);
	free(snap->ptmp);
	free(snap->decs);
	free(snap->plans);
	free(snap->fcs);
	free(snap->msgs);
	free(snap->keys);
	free(snap->dresp.p);
	free(snap);
}

STLM_API int stlm_snapshot_select(struct stlm_snapshot *snap,
				  const uint32_t *ids, size_t n)
{
	uint32_t *copy = NULL;

	if (!snap)
		return -EINVAL;
	if (ids && n) {
		if (n > SNAP_MAX_SELECT)
			return -EINVAL;
		copy = malloc(n * sizeof(*copy));
		if (!copy)
			return -ENOMEM;
		memcpy(copy, ids, n * sizeof(*copy));
	}
	free(snap->sel);
	snap->sel = copy;
	snap->n_sel = copy ? n : 0;
	snap->sel_all = !copy;
	snap->sel_dirty = true;
	return 0;
}

STLM_API int stlm_snapshot_take(struct stlm_snapshot *snap,
				unsigned int flags)
{
	struct stlm_session *s;
	const uint8_t *mem;
	size_t mem_size;
	int r;

	if (!snap || (flags & ~(unsigned int)STLM_TAKE_SINGLE_SAMPLE))
		return -EINVAL;
	s = snap->s;
	snap->time_ns = clock_ns(CLOCK_REALTIME);
	snap->mono_ns = clock_ns(CLOCK_MONOTONIC);

	/* The memory file shrank under the mapping: never touch it again. */
	r = __atomic_load_n(&s->mem_err, __ATOMIC_RELAXED);
	if (r < 0)
		return r;
	r = stlm__discover(s);
	if (r < 0)
		return r;
	/* The backend's one call per take: fail it when the channel is
	 * gone, do the single sample, or fill the message cache. */
	r = s->ops->fetch(s, flags, snap->sel_all ? NULL : snap->sel,
			  snap->n_sel, &snap->dresp);
	if (r < 0)
		return r;

	pthread_mutex_lock(&s->lock);
	snap->generation = s->generation;
	if (!snap->have_plan || snap->sel_dirty || snap->replan ||
	    snap->plan_gen != s->generation) {
		r = plan_build(snap);
		if (r < 0) {
			snap->have_plan = false;
			snap->n = 0;
			pthread_mutex_unlock(&s->lock);
			return r;
		}
	}
	for (size_t i = 0; i < snap->n_msgs; i++)
		read_msg(snap, &snap->msgs[i]);
	mem = s->mem;
	mem_size = s->mem_size;
	pthread_mutex_unlock(&s->lock);

	/* Shared memory, without the lock. */
	snap->lost = false;
	if (read_memory(snap, mem, mem_size) < 0) {
		snap->n = 0;
		snap->have_plan = false;
		return stlm__mem_fault(s);
	}

	/* Lines missing, or never placed (learnt while a SHMTI had no
	 * consistent pass, e.g. torn): re-learn them. */
	if (snap->lost ||
	    __atomic_load_n(&s->placements_unknown, __ATOMIC_RELAXED)) {
		/* Re-learn placements once, outside every pass and lock. */
		snap->replan = true;
		stlm__placement_lost(s);
	}
	return (int)snap->n;
}

STLM_API const struct stlm_sample *
stlm_snapshot_samples(const struct stlm_snapshot *snap, size_t *ret_n)
{
	if (!snap || !snap->have_plan) {
		if (ret_n)
			*ret_n = 0;
		return NULL;
	}
	if (ret_n)
		*ret_n = snap->n;
	return snap->samples;
}

STLM_API const struct stlm_sample *
stlm_snapshot_find(const struct stlm_snapshot *snap, uint32_t id)
{
	uint32_t h;

	if (!snap || !snap->have_plan || !snap->index)
		return NULL;
	h = hash_id(id) & snap->index_mask;
	/* Load <= 1/2: an empty slot always ends the probe. */
	for (;;) {
		uint32_t v = snap->index[h];

		if (!v)
			return NULL;
		if (snap->samples[v - 1].id == id)
			return &snap->samples[v - 1];
		h = (h + 1) & snap->index_mask;
	}
}

STLM_API uint64_t stlm_snapshot_generation(const struct stlm_snapshot *snap)
{
	return snap ? snap->generation : 0;
}

STLM_API uint64_t stlm_snapshot_time_ns(const struct stlm_snapshot *snap)
{
	return snap ? snap->time_ns : 0;
}

STLM_API uint64_t stlm_snapshot_mono_ns(const struct stlm_snapshot *snap)
{
	return snap ? snap->mono_ns : 0;
}
