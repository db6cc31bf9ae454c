// SPDX-License-Identifier: MIT
/*
 * Copyright (c) 2026 The stlm authors
 *
 * Memory layout, DE line placement and the TDCF writer.
 *
 * Theory of operation
 * -------------------
 * The memory file holds, in order: the A2P and P2A SMT areas (used by the
 * shm: transport), then every SHMTI (64-byte aligned), then one 16-byte
 * FastChannel per FC DE. Addresses reported to agents are offsets in it.
 *
 * Each SHMTI starts with a BLK_TS line at 0x10 (rate 0 = the default block
 * timestamp rate), so every block-timestamped DE finds one before its line.
 * Enabling a DE appends its line (or reuses a DATA_INVALID hole of the same
 * size), writes it with its final flags and value, and grows num_qwords, all
 * inside one §7.6 consistent update, before the DE_CONFIGURE reply leaves.
 * Disabling marks the line DATA_INVALID and keeps it as a hole. Lines of
 * enabled DEs never move, except a DE whose line timestamp is switched on
 * while it sits in a 16-byte line: it moves to a 24-byte line and leaves a
 * hole. Every update pass rewrites the lines of the due DEs inside one
 * consistent update, so the counted line area is well-formed at all times.
 *
 * A fixed-layout SHMTI (stlmp_config.shmti_fixed, used for platforms built
 * from ASTL specs) has every line at an offset given by the description:
 * its line area is formatted once from a template in which the UUID and
 * BLK_TS lines sit at their offsets and every DE line (and every gap) is a
 * DATA_INVALID line, and num_qwords covers the whole area from the start.
 * Enabling a DE rewrites its own line in place (a DE with line timestamps
 * has a 24-byte line from the start, so nothing ever moves); disabling
 * marks it DATA_INVALID again.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

int stlmp_mem_create(struct stlmp_platform *p, size_t size);

#define SHMTI_ALIGN 64
#define PAGE 4096

static size_t round_up(size_t v, size_t a)
{
	return (v + a - 1) / a * a;
}

static uint8_t *area(struct stlmp_platform *p, uint32_t s)
{
	return p->mem + p->shmti[s].mem_off;
}

/* Fill [off, end) with DATA_INVALID lines (the caller checked end - off is
 * 0 or at least 16, a multiple of 8). */
static void fill_invalid(uint8_t *a, uint32_t off, uint32_t end)
{
	struct tdcf_line l = { .type = TDCF_LINE_DATA, .invalid = true };

	if ((end - off) % 16) {
		l.ext = true;
		tdcf_line_encode(a + off, &l);
		off += TDCF_LINE_EXT_SIZE;
		l.ext = false;
	}
	for (; off < end; off += TDCF_LINE_SIZE)
		tdcf_line_encode(a + off, &l);
}

static uint8_t fixed_line_len(const struct stlmp_de_cfg *dc)
{
	return dc->desc.ts_support == SCMI_TLM_TS_LINE ? TDCF_LINE_EXT_SIZE :
							 TDCF_LINE_SIZE;
}

/*
 * The template of a fixed SHMTI: an image of the area's first lines_end
 * bytes (the 16-byte header left zero) with every line in place.
 */
static int build_template(struct stlmp_platform *p, uint32_t s)
{
	const struct stlmp_config *c = p->cfg;
	const struct stlmp_shmti_fixed *fx = &c->shmti_fixed[s];
	uint32_t nq = fx->lines_end / 8;
	uint8_t *used, *t;

	t = calloc(1, fx->lines_end);
	used = calloc(nq, 1);
	if (!t || !used) {
		free(t);
		free(used);
		return -ENOMEM;
	}
	if (fx->uuid_off) {
		struct tdcf_line l = { .type = TDCF_LINE_UUID };

		memcpy(l.uuid, fx->uuid, sizeof(l.uuid));
		tdcf_line_encode(t + fx->uuid_off, &l);
		memset(used + fx->uuid_off / 8, 1, TDCF_LINE_EXT_SIZE / 8);
	}
	if (fx->blk_ts_off) {
		struct tdcf_line l = { .type = TDCF_LINE_BLK_TS };

		tdcf_line_encode(t + fx->blk_ts_off, &l);
		memset(used + fx->blk_ts_off / 8, 1, TDCF_LINE_SIZE / 8);
	}
	for (uint32_t i = 0; i < c->n_des; i++) {
		const struct stlmp_de_cfg *dc = &c->des[i];
		struct tdcf_line l = {
			.type = TDCF_LINE_DATA,
			.invalid = true,
			.id = dc->desc.id,
		};
		uint8_t len = fixed_line_len(dc);

		if (dc->shmti != s || dc->desc.has_fc)
			continue;
		l.ext = len == TDCF_LINE_EXT_SIZE;
		tdcf_line_encode(t + dc->line_off, &l);
		memset(used + dc->line_off / 8, 1, len / 8);
	}
	/* Gaps (stlmp_fixed_layout_check() made them 0 or >= 2 qwords). */
	for (uint32_t q = TDCF_HDR_SIZE / 8; q < nq;) {
		uint32_t e = q;

		if (used[q]) {
			q++;
			continue;
		}
		while (e < nq && !used[e])
			e++;
		fill_invalid(t, q * 8, e * 8);
		q = e;
	}
	free(used);
	p->shmti[s].tmpl = t;
	return 0;
}

int stlmp_layout(struct stlmp_platform *p)
{
	struct stlmp_config *c = p->cfg;
	size_t off;
	int r;

	p->smt_size = round_up(24 + (size_t)c->max_msg_size, 8);
	p->smt_a2p_off = 0;
	p->smt_p2a_off = p->smt_size;
	off = round_up(2 * p->smt_size, PAGE);
	for (uint32_t s = 0; s < c->n_shmti; s++) {
		p->shmti[s].mem_off = off;
		p->shmti[s].len = c->shmti_size[s];
		p->shmti[s].blk_ts_off = STLMP_BLK_TS_OFF;
		if (c->shmti_fixed && c->shmti_fixed[s].lines_end) {
			p->shmti[s].fixed = true;
			p->shmti[s].blk_ts_off = c->shmti_fixed[s].blk_ts_off;
			r = build_template(p, s);
			if (r < 0)
				return r;
		}
		off = round_up(off + c->shmti_size[s], SHMTI_ALIGN);
	}
	off = round_up(off, SHMTI_ALIGN);
	for (uint32_t i = 0; i < c->n_des; i++) {
		struct scmi_tlm_de_desc *d = &c->des[i].desc;

		if (!d->has_fc)
			continue;
		d->fc_addr = off;
		if (d->fc_size < STLMP_FC_SIZE)
			d->fc_size = STLMP_FC_SIZE;
		off += round_up(d->fc_size, 8);
	}
	off = round_up(off, PAGE);
	r = stlmp_mem_create(p, off);
	if (r < 0)
		return r;
	for (uint32_t s = 0; s < c->n_shmti; s++) {
		r = tdcf_area_init(area(p, s), p->shmti[s].len, TDCF_REVISION);
		if (r < 0)
			return r;
	}
	/* SMT areas start FREE (owned by the agent side for A2P). */
	scmi_put_le32(p->mem + p->smt_a2p_off + 4, 1);
	scmi_put_le32(p->mem + p->smt_p2a_off + 4, 1);
	return 0;
}

/* Recover a SHMTI left mid-update (stuck fault) before a new update. */
static uint32_t begin_update(struct stlmp_platform *p, uint32_t s)
{
	uint8_t *a = area(p, s);
	uint32_t cur = __atomic_load_n((uint32_t *)(a + TDCF_OFF_MATCH_START),
				       __ATOMIC_RELAXED);

	if (cur & 1)
		tdcf_write_end(a, p->shmti[s].len, cur - 1);
	return tdcf_write_begin(a, p->shmti[s].len);
}

/* Copy the template in with 32-bit stores; line lengths never change. */
static void format_fixed(struct stlmp_platform *p, uint32_t s)
{
	struct shmti_rt *sh = &p->shmti[s];
	uint32_t end = p->cfg->shmti_fixed[s].lines_end;
	uint8_t *a = area(p, s);
	uint32_t seq = begin_update(p, s);

	for (uint32_t o = TDCF_HDR_SIZE; o < end; o += 4) {
		uint32_t w;

		memcpy(&w, sh->tmpl + o, 4);
		__atomic_store_n((uint32_t *)(a + o), w, __ATOMIC_RELAXED);
	}
	tdcf_set_num_qwords(a, (end - TDCF_HDR_SIZE) / 8);
	tdcf_write_end(a, sh->len, seq);
	sh->end = end;
	sh->n_lines = 0;
}

void stlmp_shmti_format_all(struct stlmp_platform *p)
{
	for (uint32_t s = 0; s < p->cfg->n_shmti; s++) {
		struct shmti_rt *sh = &p->shmti[s];
		struct tdcf_line blk = { .type = TDCF_LINE_BLK_TS };
		uint8_t *a = area(p, s);
		uint32_t seq;

		if (sh->fixed) {
			format_fixed(p, s);
			continue;
		}
		seq = begin_update(p, s);

		tdcf_line_encode(a + STLMP_BLK_TS_OFF, &blk);
		tdcf_set_num_qwords(a, TDCF_LINE_SIZE / 8);
		tdcf_write_end(a, sh->len, seq);
		sh->end = STLMP_BLK_TS_OFF + TDCF_LINE_SIZE;
		sh->n_lines = 0;
	}
	/* FastChannels read zero until their DE is enabled. */
	for (uint32_t i = 0; i < p->cfg->n_des; i++) {
		const struct scmi_tlm_de_desc *d = &p->cfg->des[i].desc;

		if (d->has_fc && d->fc_addr + 16 <= p->mem_size)
			memset(p->mem + d->fc_addr, 0, 16);
	}
}

uint32_t stlmp_de_scope(const struct stlmp_platform *p, uint32_t idx)
{
	uint32_t g = p->cfg->des[idx].desc.group_id;

	if (!p->cfg->per_group || g >= p->cfg->n_groups)
		return 0;
	return 1 + g;
}

uint64_t stlmp_de_ticks(const struct stlmp_platform *p, uint32_t idx,
			uint64_t now_ns)
{
	const struct scmi_tlm_de_desc *d = &p->cfg->des[idx].desc;
	uint64_t rate = d->ts_support == SCMI_TLM_TS_LINE && d->line_ts_rate ?
				d->line_ts_rate :
				p->cfg->default_blk_ts_rate;

	return (uint64_t)((unsigned __int128)now_ns * rate / 1000000u);
}

static uint32_t line_meta(const struct stlmp_platform *p, uint32_t idx)
{
	const struct de_rt *rt = &p->de[idx];
	const struct scmi_tlm_de_desc *d = &p->cfg->des[idx].desc;
	uint32_t meta = 0;

	if (rt->line_len == TDCF_LINE_EXT_SIZE)
		meta |= TDCF_META_LINE_EXT;
	if (rt->ts) {
		if (d->ts_support == SCMI_TLM_TS_LINE &&
		    rt->line_len == TDCF_LINE_EXT_SIZE)
			meta |= TDCF_META_TS_VALID;
		else if (d->ts_support == SCMI_TLM_TS_BLOCK)
			meta |= TDCF_META_USE_BLK_TS | TDCF_META_TS_VALID;
	}
	return meta;
}

static void write_line(struct stlmp_platform *p, uint32_t idx)
{
	const struct de_rt *rt = &p->de[idx];
	struct tdcf_line l = {
		.type = TDCF_LINE_DATA,
		.id = p->cfg->des[idx].desc.id,
		.data = rt->value,
		.ts = rt->ts ? rt->ts_ticks : 0,
	};
	uint32_t meta = line_meta(p, idx);

	l.ext = meta & TDCF_META_LINE_EXT;
	l.use_blk_ts = meta & TDCF_META_USE_BLK_TS;
	l.ts_valid = meta & TDCF_META_TS_VALID;
	tdcf_line_encode(area(p, rt->shmti) + rt->off, &l);
	/* fault 'lax': reserved metadata bits set, nothing else changed */
	if (p->faults && stlmp_fault_lax_lines(p)) {
		uint8_t *a = area(p, rt->shmti) + rt->off;

		tdcf_line_store_meta(a, scmi_get_le32(a) | TDCF_META_RSVD_MASK);
	}
}

/* v as its little-endian memory image. */
static uint64_t fc_le64(uint64_t v)
{
	uint8_t b[8];
	uint64_t w;

	scmi_put_le64(b, v);
	memcpy(&w, b, sizeof(w));
	return w;
}

static void fc_write(struct stlmp_platform *p, uint32_t idx)
{
	const struct scmi_tlm_de_desc *d = &p->cfg->des[idx].desc;
	uint64_t *fc;

	if (!d->has_fc || d->fc_addr + 16 > p->mem_size)
		return;
	fc = (uint64_t *)(p->mem + d->fc_addr);
	/*
	 * 64-bit stores: the FC has no consistency protocol (§8). Words are
	 * little-endian whatever the host, as the Linux driver reads them.
	 */
	__atomic_store_n(&fc[0], fc_le64(p->de[idx].value), __ATOMIC_RELAXED);
	__atomic_store_n(&fc[1],
			 fc_le64(p->de[idx].ts ? p->de[idx].ts_ticks : 0),
			 __ATOMIC_RELEASE);
}

static void sample(struct stlmp_platform *p, uint32_t idx, uint64_t now_ns)
{
	const struct stlmp_de_cfg *dc = &p->cfg->des[idx];
	struct de_rt *rt = &p->de[idx];

	rt->value = stlmp_gen_next(&dc->gen, &rt->gen, now_ns, p->tick,
				   dc->desc.data_size);
	rt->ts_ticks = stlmp_de_ticks(p, idx, now_ns);
}

/* Look for a DATA_INVALID hole of exactly len bytes in the counted area. */
static int find_hole(struct stlmp_platform *p, uint32_t s, uint8_t len,
		     uint32_t *ret_off)
{
	struct shmti_rt *sh = &p->shmti[s];
	uint8_t *a = area(p, s);
	uint32_t off = STLMP_BLK_TS_OFF;

	/* Holes are rare (disable / relocation); a linear walk is fine and
	 * keeps no extra state that could go stale. */
	while (off < sh->end) {
		uint32_t meta = scmi_get_le32(a + off);
		uint32_t l = (uint32_t)tdcf_line_len(meta);

		if ((meta & TDCF_META_DATA_INVALID) &&
		    ((meta & TDCF_META_TYPE_MASK) >> TDCF_META_TYPE_SHIFT) ==
			    TDCF_LINE_DATA &&
		    l == len) {
			*ret_off = off;
			return 0;
		}
		off += l;
	}
	return -ENOENT;
}

static int lines_push(struct shmti_rt *sh, uint32_t idx, uint32_t *ret_slot)
{
	if (sh->n_lines == sh->cap_lines) {
		uint32_t ncap = sh->cap_lines ? sh->cap_lines * 2 : 64;
		uint32_t *n = realloc(sh->lines, ncap * sizeof(*n));

		if (!n)
			return -ENOMEM;
		sh->lines = n;
		sh->cap_lines = ncap;
	}
	*ret_slot = sh->n_lines;
	sh->lines[sh->n_lines++] = idx;
	return 0;
}

static void lines_remove(struct stlmp_platform *p, uint32_t s, uint32_t slot)
{
	struct shmti_rt *sh = &p->shmti[s];
	uint32_t last = sh->lines[--sh->n_lines];

	if (slot < sh->n_lines) {
		sh->lines[slot] = last;
		p->de[last].slot = slot;
	}
}

/*
 * Allocate a line of len bytes in SHMTI s: a hole or the end. Keeps
 * offset + len + 8 <= LEN - 8 so that offset + 24 < LEN (§7.7).
 */
static int alloc_line(struct stlmp_platform *p, uint32_t s, uint8_t len,
		      uint32_t *ret_off, bool *ret_append)
{
	struct shmti_rt *sh = &p->shmti[s];

	if (sh->fixed)
		return -ENOSPC; /* only DEs with a fixed offset live here */
	if (find_hole(p, s, len, ret_off) == 0) {
		*ret_append = false;
		return 0;
	}
	if ((uint64_t)sh->end + len + 8 > (uint64_t)sh->len - TDCF_EPI_SIZE)
		return -ENOSPC;
	*ret_off = sh->end;
	*ret_append = true;
	return 0;
}

/* Publish DE idx's line at (s, off) inside a consistent update. */
static void publish(struct stlmp_platform *p, uint32_t s, bool append,
		    uint32_t old_off, uint8_t old_len, bool invalidate_old,
		    uint32_t idx)
{
	struct shmti_rt *sh = &p->shmti[s];
	uint8_t *a = area(p, s);
	uint32_t seq = begin_update(p, s);
	uint64_t blk_ts = (uint64_t)((unsigned __int128)stlmp_now_ns(p) *
				     p->cfg->default_blk_ts_rate / 1000000u);

	/* The block timestamp is as fresh as the value published with it. */
	if (sh->blk_ts_off)
		tdcf_line_store_value(a + sh->blk_ts_off, blk_ts, false, 0);
	if (invalidate_old) {
		uint32_t meta = TDCF_META_DATA_INVALID;

		if (old_len == TDCF_LINE_EXT_SIZE)
			meta |= TDCF_META_LINE_EXT;
		tdcf_line_store_meta(a + old_off, meta);
	}
	write_line(p, idx);
	if (append) {
		sh->end = p->de[idx].off + p->de[idx].line_len;
		tdcf_set_num_qwords(a, (sh->end - TDCF_HDR_SIZE) / 8);
	}
	tdcf_write_end(a, sh->len, seq);
}

int stlmp_de_enable(struct stlmp_platform *p, uint32_t idx, bool ts,
		    bool by_group)
{
	const struct stlmp_de_cfg *dc = &p->cfg->des[idx];
	struct de_rt *rt = &p->de[idx];
	uint32_t s = dc->shmti, off;
	uint8_t want;
	bool append;
	int r;

	ts = ts && dc->desc.ts_support != SCMI_TLM_TS_NONE;
	if (dc->desc.has_fc || s == STLMP_NO_SHMTI || s >= p->cfg->n_shmti) {
		bool was = rt->enabled;

		rt->enabled = true;
		rt->ts = ts;
		rt->by_group = by_group || (rt->by_group && was);
		rt->shmti = STLMP_NO_SHMTI;
		sample(p, idx, stlmp_now_ns(p));
		fc_write(p, idx);
		return 0;
	}

	want = (ts && dc->desc.ts_support == SCMI_TLM_TS_LINE) ?
		       TDCF_LINE_EXT_SIZE :
		       TDCF_LINE_SIZE;
	if (p->shmti[s].fixed) {
		/* The line is where the description says, at its full size. */
		if (rt->enabled && rt->shmti == s) {
			rt->by_group = rt->by_group || by_group;
			rt->ts = ts;
			publish(p, s, false, 0, 0, false, idx);
			return 0;
		}
		if (!dc->line_off)
			return -ENOSPC;
		r = lines_push(&p->shmti[s], idx, &rt->slot);
		if (r < 0)
			return r;
		rt->enabled = true;
		rt->by_group = by_group;
		rt->ts = ts;
		rt->shmti = s;
		rt->off = dc->line_off;
		rt->line_len = fixed_line_len(dc);
		sample(p, idx, stlmp_now_ns(p));
		publish(p, s, false, 0, 0, false, idx);
		return 0;
	}
	if (rt->enabled && rt->shmti == s) {
		/* Already placed: change flags in place unless a line
		 * timestamp needs the extension it does not have. */
		rt->by_group = rt->by_group || by_group;
		if (want <= rt->line_len) {
			rt->ts = ts;
			publish(p, s, false, 0, 0, false, idx);
			return 0;
		}
		r = alloc_line(p, s, want, &off, &append);
		if (r < 0)
			return r;
		{
			uint32_t old_off = rt->off;
			uint8_t old_len = rt->line_len;

			rt->off = off;
			rt->line_len = want;
			rt->ts = ts;
			publish(p, s, append, old_off, old_len, true, idx);
		}
		return 0;
	}

	r = alloc_line(p, s, want, &off, &append);
	if (r < 0)
		return r;
	r = lines_push(&p->shmti[s], idx, &rt->slot);
	if (r < 0)
		return r;
	rt->enabled = true;
	rt->by_group = by_group;
	rt->ts = ts;
	rt->shmti = s;
	rt->off = off;
	rt->line_len = want;
	sample(p, idx, stlmp_now_ns(p));
	publish(p, s, append, 0, 0, false, idx);
	return 0;
}

int stlmp_de_disable(struct stlmp_platform *p, uint32_t idx)
{
	struct de_rt *rt = &p->de[idx];

	if (!rt->enabled)
		return 0;
	if (rt->shmti != STLMP_NO_SHMTI) {
		uint32_t s = rt->shmti;
		uint8_t *a = area(p, s);
		uint32_t seq = begin_update(p, s);
		uint32_t meta = TDCF_META_DATA_INVALID;

		if (rt->line_len == TDCF_LINE_EXT_SIZE)
			meta |= TDCF_META_LINE_EXT;
		tdcf_line_store_meta(a + rt->off, meta);
		tdcf_write_end(a, p->shmti[s].len, seq);
		lines_remove(p, s, rt->slot);
	}
	rt->enabled = false;
	rt->by_group = false;
	rt->shmti = STLMP_NO_SHMTI;
	rt->off = 0;
	rt->line_len = 0;
	return 0;
}

void stlmp_update_pass(struct stlmp_platform *p, const bool *due,
		       uint64_t now_ns)
{
	const struct stlmp_config *c = p->cfg;
	uint64_t blk_ts = (uint64_t)((unsigned __int128)now_ns *
				     c->default_blk_ts_rate / 1000000u);

	bool lax = p->faults && stlmp_fault_lax_lines(p);

	p->tick++;
	p->stats.updates++;
	for (uint32_t s = 0; s < c->n_shmti; s++) {
		struct shmti_rt *sh = &p->shmti[s];
		uint8_t *a = area(p, s);
		bool stuck = false, torn;
		uint32_t seq;

		if (sh->stuck)
			continue; /* the writer "hangs" mid-update */
		seq = begin_update(p, s);
		if (sh->blk_ts_off)
			tdcf_line_store_value(a + sh->blk_ts_off, blk_ts, false,
					      0);
		for (uint32_t k = 0; k < sh->n_lines; k++) {
			uint32_t idx = sh->lines[k];
			struct de_rt *rt = &p->de[idx];

			if (!due[stlmp_de_scope(p, idx)])
				continue;
			sample(p, idx, now_ns);
			tdcf_line_store_value(a + rt->off, rt->value,
					      rt->line_len == TDCF_LINE_EXT_SIZE,
					      rt->ts ? rt->ts_ticks : 0);
			if (lax) /* fault 'lax': reserved metadata bits */
				tdcf_line_store_meta(a + rt->off,
						     scmi_get_le32(a + rt->off) |
							     TDCF_META_RSVD_MASK);
			p->stats.lines_written++;
		}
		torn = stlmp_fault_shmti(p, s, &stuck);
		if (stuck) {
			sh->stuck = true;
			stlmp_log(p, STLMP_LOG_INFO,
				  "fault: SHMTI %u left mid-update", s);
			continue;
		}
		tdcf_write_end(a, sh->len, seq);
		if (torn) {
			/* Leave the epilogue disagreeing with the header. */
			__atomic_store_n((uint32_t *)(a + sh->len -
						      TDCF_EOFF_MATCH_END),
					 tdcf_seq_next(tdcf_seq_next(seq)),
					 __ATOMIC_RELEASE);
		}
	}
	/* FastChannel and message-only DEs. */
	for (uint32_t i = 0; i < c->n_des; i++) {
		struct de_rt *rt = &p->de[i];

		if (!rt->enabled || rt->shmti != STLMP_NO_SHMTI ||
		    !due[stlmp_de_scope(p, i)])
			continue;
		sample(p, i, now_ns);
		fc_write(p, i);
	}
}

size_t stlmp_msg_line(const struct stlmp_platform *p, uint32_t idx,
		      uint8_t *buf)
{
	const struct de_rt *rt = &p->de[idx];
	struct tdcf_line l = {
		.type = TDCF_LINE_DATA,
		.id = p->cfg->des[idx].desc.id,
		.data = rt->value,
	};
	int n;

	/* Messages carry line timestamps only (§4.13). */
	if (rt->ts) {
		l.ext = true;
		l.ts_valid = true;
		l.ts = rt->ts_ticks;
	}
	n = tdcf_msg_line_encode(&l, buf, TDCF_LINE_EXT_SIZE);
	return n > 0 ? (size_t)n : 0;
}
