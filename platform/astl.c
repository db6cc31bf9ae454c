// SPDX-License-Identifier: MIT
/*
 * Copyright (c) 2026 The stlm authors
 *
 * Platforms built from ASTL spec files, and the fixed line layout check.
 *
 * Theory of operation
 * -------------------
 * Each spec file is parsed and expanded by formats/astl*.c for targets
 * 0..N-1 (ASTL's global numbering: instance = target * count + i, DE id =
 * (instance << 16) | base_de_id). Every target becomes one SHMTI that
 * carries the spec's TDCF layout: the spec's byte offsets count from the
 * first line of the TDCF blob (its HEADER UUID and BLOCK_TIMESTAMP lines
 * included), so a line at spec offset X sits at SHMTI offset 0x10 + X,
 * right after the 16-byte TDCF header, and the SHMTI is 16 + size + 8
 * (spare qword, §7.7) + 8 (epilogue) bytes long. The HEADER lines become
 * a UUID line carrying the spec's UUID and the BLK_TS line. A spec whose
 * lines cannot sit at their offsets (overlapping or unaligned lines,
 * lines past `size`, gaps of one qword) gets a platform-placed SHMTI
 * instead, with one warning.
 *
 * DEs come in spec order, target by target; an id already produced (the
 * Phoenix SCP spec's second PSS_BMU block repeats the first one's base
 * ids, or two specs share ids) is kept once and reported in one warning
 * line per spec. Each (spec, target, block) with DEs is a group. Names are
 * the register names fitted into 15 characters; generators are picked
 * from the unit, the kind and the register name, with parameters derived
 * from the DE id so that values depend only on the seed.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "astl.h"
#include "config-internal.h"
#include "internal.h"

#define ASTL_BLK_TS_RATE 1000000u /* kHz */
#define ASTL_MSG_SIZE 4096u
#define NAME_MAX_CHARS (SCMI_TLM_DE_NAME_LEN - 1) /* and a NUL */

/* ------------------------------------------------------------------ */
/* Fixed line layouts                                                  */

struct fline {
	uint32_t shmti;
	uint32_t off;
	uint32_t len;
	int64_t de; /* DE index, -1 UUID line, -2 BLK_TS line */
};

static int cmp_fline(const void *a, const void *b)
{
	const struct fline *x = a, *y = b;

	if (x->shmti != y->shmti)
		return x->shmti < y->shmti ? -1 : 1;
	if (x->off != y->off)
		return x->off < y->off ? -1 : 1;
	return 0;
}

static void fline_place(const struct stlmp_config *c, const struct fline *l,
			char *place, size_t plen)
{
	if (l->de >= 0)
		snprintf(place, plen, "des[%lld].line_off (DE 0x%08X)",
			 (long long)l->de, c->des[l->de].desc.id);
	else
		snprintf(place, plen, "shmti_fixed[%u].%s", l->shmti,
			 l->de == -1 ? "uuid_off" : "blk_ts_off");
}

/*
 * The check proper; *bad_shmti is the SHMTI the problem is in (or
 * UINT32_MAX when it is not tied to one).
 */
static int fixed_check(const struct stlmp_config *c, uint32_t *bad_shmti,
		       char *place, size_t plen, char *msg, size_t mlen)
{
	const struct stlmp_shmti_fixed *fx = c->shmti_fixed;
	struct fline *v = NULL;
	size_t n = 0, cap = 0;
	int r = -EINVAL;

	*bad_shmti = UINT32_MAX;
	for (uint32_t i = 0; i < c->n_des; i++) {
		const struct stlmp_de_cfg *d = &c->des[i];
		bool fixed = fx && d->shmti < c->n_shmti &&
			     fx[d->shmti].lines_end && !d->desc.has_fc;

		if (!fixed && d->line_off) {
			snprintf(place, plen, "des[%u].line_off", i);
			snprintf(msg, mlen,
				 "a line offset needs a fixed-layout SHMTI");
			*bad_shmti = d->shmti;
			return -EINVAL;
		}
		if (fixed)
			cap++;
	}
	if (!fx)
		return 0;
	for (uint32_t s = 0; s < c->n_shmti; s++) {
		if (!fx[s].lines_end)
			continue;
		cap += 2;
		*bad_shmti = s;
		snprintf(place, plen, "shmti_fixed[%u]", s);
		if (fx[s].lines_end % 8 || fx[s].lines_end < TDCF_HDR_SIZE ||
		    (uint64_t)fx[s].lines_end + 16 > c->shmti_size[s]) {
			snprintf(msg, mlen,
				 "line area end %u does not fit a SHMTI of %u bytes",
				 fx[s].lines_end, c->shmti_size[s]);
			return -EINVAL;
		}
	}
	*bad_shmti = UINT32_MAX;
	v = calloc(cap ? cap : 1, sizeof(*v));
	if (!v)
		return -ENOMEM;
	for (uint32_t s = 0; s < c->n_shmti; s++) {
		if (!fx[s].lines_end)
			continue;
		if (fx[s].uuid_off)
			v[n++] = (struct fline){ s, fx[s].uuid_off,
						 TDCF_LINE_EXT_SIZE, -1 };
		if (fx[s].blk_ts_off)
			v[n++] = (struct fline){ s, fx[s].blk_ts_off,
						 TDCF_LINE_SIZE, -2 };
	}
	for (uint32_t i = 0; i < c->n_des; i++) {
		const struct stlmp_de_cfg *d = &c->des[i];

		if (d->desc.has_fc || d->shmti >= c->n_shmti ||
		    !fx[d->shmti].lines_end)
			continue;
		v[n++] = (struct fline){
			d->shmti, d->line_off,
			d->desc.ts_support == SCMI_TLM_TS_LINE ?
				TDCF_LINE_EXT_SIZE : TDCF_LINE_SIZE,
			i };
		if (d->desc.ts_support == SCMI_TLM_TS_BLOCK &&
		    (!fx[d->shmti].blk_ts_off ||
		     fx[d->shmti].blk_ts_off > d->line_off)) {
			snprintf(place, plen, "des[%u].timestamps", i);
			snprintf(msg, mlen,
				 "block timestamps need a BLK_TS line before the DE's line");
			*bad_shmti = d->shmti;
			goto out;
		}
	}
	qsort(v, n, sizeof(*v), cmp_fline);
	for (size_t k = 0; k < n; k++) {
		const struct fline *l = &v[k];
		uint32_t end = fx[l->shmti].lines_end;
		/* where the previous line (or the header) ends */
		uint32_t prev = k && v[k - 1].shmti == l->shmti ?
					v[k - 1].off + v[k - 1].len :
					TDCF_HDR_SIZE;

		*bad_shmti = l->shmti;
		fline_place(c, l, place, plen);
		if (l->off % 8 || l->off < TDCF_HDR_SIZE ||
		    (uint64_t)l->off + l->len > end) {
			snprintf(msg, mlen,
				 "line at 0x%x (%u bytes) outside [0x10, 0x%x) or not 8-byte aligned",
				 l->off, l->len, end);
			goto out;
		}
		if (l->off < prev) {
			snprintf(msg, mlen, "line at 0x%x overlaps the line before it",
				 l->off);
			goto out;
		}
		if (l->off - prev == 8) {
			snprintf(msg, mlen,
				 "8-byte gap before the line at 0x%x (no line fits it)",
				 l->off);
			goto out;
		}
		if ((k + 1 == n || v[k + 1].shmti != l->shmti) &&
		    end - (l->off + l->len) == 8) {
			snprintf(msg, mlen,
				 "8-byte gap after the last line at 0x%x", l->off);
			goto out;
		}
	}
	/* A fixed SHMTI without a single line: its whole area is a gap. */
	for (uint32_t s = 0; s < c->n_shmti; s++) {
		if (fx[s].lines_end - TDCF_HDR_SIZE == 8) {
			*bad_shmti = s;
			snprintf(place, plen, "shmti_fixed[%u]", s);
			snprintf(msg, mlen, "8-byte line area");
			goto out;
		}
	}
	*bad_shmti = UINT32_MAX;
	r = 0;
out:
	free(v);
	return r;
}

int stlmp_fixed_layout_check(const struct stlmp_config *c, char *place,
			     size_t placelen, char *msg, size_t msglen)
{
	uint32_t bad;

	return fixed_check(c, &bad, place, placelen, msg, msglen);
}

/* ------------------------------------------------------------------ */
/* Names                                                               */

static const struct {
	const char *word;
	const char *abbr;
} abbrevs[] = {
	{ "TEMPERATURE", "TEMP" }, { "CURRENT", "CUR" },
	{ "BANDWIDTH", "BW" },	   { "FREQUENCY", "FREQ" },
	{ "RESIDENCY", "RES" },	   { "MINIMUM", "MIN" },
	{ "MAXIMUM", "MAX" },	   { "VOLTAGE", "VOLT" },
	{ "POWER", "PWR" },	   { "INPUT", "IN" },
	{ "OUTPUT", "OUT" },	   { "READ", "RD" },
	{ "WRITE", "WR" },	   { "ACTIVE", "ACT" },
	{ "HISTOGRAM", "HIST" },   { "PRESENT", "PRES" },
	{ "AVERAGE", "AVG" },	   { "COUNTER", "CNT" },
	{ "ENERGY", "NRG" },	   { "THROTTLE", "THR" },
	{ "UTILIZATION", "UTIL" }, { "UTILISATION", "UTIL" },
};

/*
 * The register name in at most 15 printable characters: as is when it
 * fits, else with the words of abbrevs[] shortened, else truncated.
 */
static void fit_name(const char *reg, char out[SCMI_TLM_DE_NAME_LEN + 1])
{
	char buf[512];
	size_t o = 0;
	const char *p = reg;

	if (strlen(reg) > NAME_MAX_CHARS) {
		while (*p && o < sizeof(buf) - 1) {
			size_t wl = strcspn(p, "_");
			const char *w = p;
			size_t k;

			for (k = 0; k < sizeof(abbrevs) / sizeof(abbrevs[0]); k++)
				if (strlen(abbrevs[k].word) == wl &&
				    !strncasecmp(abbrevs[k].word, p, wl))
					break;
			if (k < sizeof(abbrevs) / sizeof(abbrevs[0])) {
				w = abbrevs[k].abbr;
				wl = strlen(w);
			}
			if (o + wl >= sizeof(buf) - 1)
				break;
			memcpy(buf + o, w, wl);
			o += wl;
			p += strcspn(p, "_");
			if (*p == '_' && o < sizeof(buf) - 1)
				buf[o++] = *p++;
		}
		buf[o] = '\0';
		reg = buf;
	}
	o = 0;
	for (p = reg; *p && o < NAME_MAX_CHARS; p++)
		out[o++] = (*p > 0x20 && *p < 0x7F) ? *p : '_';
	out[o] = '\0';
}

/* ------------------------------------------------------------------ */
/* Components                                                          */

static const struct {
	const char *name;
	uint8_t type;
} compo_map[] = {
	{ "CORE", 0x01 },	 { "CPU", 0x01 },
	{ "CLUSTER", 0x02 },	 { "GPU", 0x03 },
	{ "NPU", 0x04 },	 { "MXP", 0x05 },
	{ "HNS", 0x05 },	 { "TILE", 0x05 },
	{ "MESH", 0x05 },	 { "NOC", 0x05 },
	{ "CMN", 0x05 },	 { "INTERCONNECT", 0x05 },
	{ "MC", 0x06 },		 { "MEMORY_CONTROLLER", 0x06 },
	{ "SLC", 0x0B },	 { "CHIPLET", 0x0E },
	{ "DIE", 0x0E },	 { "PACKAGE", 0x0F },
	{ "SOC", 0x10 },	 { "SYSTEM", 0x11 },
	{ "PMIC-VR", 0x16 },	 { "PMIC", 0x16 },
	{ "VOLTAGE_RAIL", 0x16 }, { "VR", 0x16 },
	{ "BOARD", 0x17 },	 { "MEMORY", 0x18 },
	{ "DDR", 0x18 },
};

/*
 * SCMI component type (§5 attr_2[7:0]) of an ASTL component: the table
 * above; else the spec's component type when SCMI defines it (0x00..0x1C)
 * or it is in the OEM range (0xE0..0xFF: DDS, DMS, PSS and their _BMU
 * variants keep their ASTL codes there); else unspecified.
 */
static uint8_t compo_type(const char *component, uint8_t astl_type)
{
	for (size_t k = 0; k < sizeof(compo_map) / sizeof(compo_map[0]); k++)
		if (!strcasecmp(compo_map[k].name, component))
			return compo_map[k].type;
	if (astl_type <= 0x1C || astl_type >= 0xE0)
		return astl_type;
	return 0x00;
}

/* ------------------------------------------------------------------ */
/* Generators                                                          */

/* phys × 10^-exp, the raw value of a physical quantity. */
static int64_t raw(double phys, int exp)
{
	double v = phys;

	for (int e = exp; e < 0; e++)
		v *= 10;
	for (int e = exp; e > 0; e--)
		v /= 10;
	if (v > 9.0e18)
		return INT64_C(9000000000000000000);
	if (v < -9.0e18)
		return -INT64_C(9000000000000000000);
	return (int64_t)(v < 0 ? v - 0.5 : v + 0.5);
}

static bool has_word(const char *name, const char *w)
{
	return strcasestr(name, w) != NULL;
}

static void walk(struct stlmp_gen *g, double lo, double hi, double step,
		 int exp, uint32_t h)
{
	g->kind = STLMP_GEN_RANDOM_WALK;
	g->min = raw(lo, exp);
	g->max = raw(hi, exp);
	if (g->max <= g->min)
		g->max = g->min + 1;
	g->step = raw(step, exp);
	if (g->step < 1)
		g->step = 1;
	g->base = g->min + (int64_t)(h % 1000) * (g->max - g->min) / 1000;
}

static void counter(struct stlmp_gen *g, double per_s, int exp)
{
	double r = per_s;

	for (int e = exp; e < 0; e++)
		r *= 10;
	for (int e = exp; e > 0; e--)
		r /= 10;
	g->kind = STLMP_GEN_COUNTER;
	g->base = 0;
	g->rate = r > 0 ? r : 1;
}

static bool is_counter(const struct astl_slot *sl)
{
	if (sl->kind == ASTL_KIND_COUNTER || sl->kind == ASTL_KIND_HISTOGRAM)
		return true;
	if (sl->kind == ASTL_KIND_GAUGE)
		return false;
	/* Generation 1 has no kind: accumulating units and names. */
	return sl->unit == 60 || sl->unit == 61 || sl->unit == 21 ||
	       sl->unit == 8 || sl->unit == 67 ||
	       has_word(sl->name, "RESIDENCY") || has_word(sl->name, "BIN") ||
	       has_word(sl->name, "HIST") || has_word(sl->name, "ENERGY");
}

/* Pick a generator and DE type for one slot. */
static void pick_gen(const struct astl_slot *sl, int exp,
		     struct stlmp_de_cfg *d)
{
	struct stlmp_gen *g = &d->gen;
	uint32_t h = stlm__astl_hash_u32(sl->id * 2654435761u + 0x9e37u);
	double f = (double)(h % 1000) / 1000.0; /* 0..1, per DE */
	const char *n = sl->name;

	memset(g, 0, sizeof(*g));
	d->desc.type = 5; /* instantaneous */
	if (has_word(n, "MPID")) {
		g->kind = STLMP_GEN_CONST;
		g->base = ((int64_t)sl->target << 16) |
			  ((int64_t)(sl->local_instance & 0xFF) << 8);
		d->desc.type = 7; /* status */
		return;
	}
	if (is_counter(sl)) {
		d->desc.type = 3; /* accumulated */
		switch (sl->unit) {
		case 60: /* bits: 1..20 Gbit/s */
			counter(g, (1.0 + 19.0 * f) * 1e9, exp);
			break;
		case 61: /* bytes: 0.1..2.5 GB/s */
			counter(g, (0.1 + 2.4 * f) * 1e9, exp);
			break;
		case 21: /* seconds of residency per second */
			if (has_word(n, "ACTIVE"))
				counter(g, 0.6 + 0.3 * f, exp);
			else if (has_word(n, "STALL"))
				counter(g, 0.05 + 0.15 * f, exp);
			else
				counter(g, 0.02 + 0.2 * f, exp);
			break;
		case 8: /* joules: 5..25 W */
			counter(g, 5.0 + 20.0 * f, exp);
			break;
		default: /* counts, histogram bins, the rest */
			counter(g, 10.0 + 990.0 * f, exp);
			break;
		}
		return;
	}
	switch (sl->unit) {
	case 2: /* celsius */
		if (has_word(n, "MIN")) {
			g->kind = STLMP_GEN_CONST;
			g->base = raw(30.0 + 10.0 * f, exp);
		} else if (has_word(n, "MAX")) {
			g->kind = STLMP_GEN_CONST;
			g->base = raw(75.0 + 10.0 * f, exp);
		} else {
			walk(g, 45.0, 70.0, 0.25, exp, h);
		}
		break;
	case 7: /* watts */
		if (has_word(n, "INPUT"))
			walk(g, 20.0, 60.0, 0.5, exp, h);
		else
			walk(g, 15.0, 55.0, 0.5, exp, h);
		break;
	case 5: /* volts */
		if (has_word(n, "INPUT"))
			walk(g, 11.8, 12.2, 0.005, exp, h);
		else
			walk(g, 0.70, 0.95, 0.005, exp, h);
		break;
	case 6: /* amps */
		if (has_word(n, "INPUT"))
			walk(g, 1.0, 6.0, 0.05, exp, h);
		else
			walk(g, 5.0, 60.0, 0.5, exp, h);
		break;
	case 20: { /* hertz: steps between DVFS levels */
		static const double lv[] = { 1.0e9, 2.0e9, 2.6e9, 3.2e9 };

		if (has_word(n, "MAX")) {
			g->kind = STLMP_GEN_CONST;
			g->base = raw(3.2e9, exp);
			break;
		}
		g->kind = STLMP_GEN_STEP;
		g->n_states = 4;
		for (uint32_t k = 0; k < 4; k++)
			g->states[k] = raw(lv[(k + h) % 4], exp);
		g->dwell_ms = 250 + (h % 4) * 250;
		break;
	}
	case 65: /* percentage */
		g->kind = STLMP_GEN_PERIODIC;
		g->base = raw(50.0, exp);
		g->amplitude = (double)raw(40.0, exp);
		g->period_ms = 2000 + (h % 5) * 500;
		g->min = raw(0.0, exp);
		g->max = raw(100.0, exp);
		break;
	case 19: /* rpm */
		walk(g, 1000.0, 3000.0, 20.0, exp, h);
		break;
	default:
		walk(g, 0.0, 1000.0, 10.0, exp, h);
		break;
	}
}

/* ------------------------------------------------------------------ */
/* The builder                                                         */

struct builder {
	struct stlmp_config *c;
	uint32_t cap_des;
	uint32_t *idset; /* open addressing: id + 1, 0 = empty */
	uint32_t idmask;
	void (*warn)(void *data, const char *msg);
	void *warn_data;
};

static void bwarn(struct builder *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void bwarn(struct builder *b, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	if (!b->warn)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	b->warn(b->warn_data, msg);
}

/* Insert id; false if it was there already. */
static bool id_insert(struct builder *b, uint32_t id)
{
	uint32_t k = stlm__astl_hash_u32(id) & b->idmask;

	while (b->idset[k]) {
		if (b->idset[k] == id + 1u)
			return false;
		k = (k + 1) & b->idmask;
	}
	b->idset[k] = id + 1u;
	return true;
}

static const char *base_name(const char *path)
{
	const char *s = strrchr(path, '/');

	return s ? s + 1 : path;
}

/* Header lines of a spec: UUID (24 bytes) and BLOCK_TIMESTAMP (16). */
static void spec_headers(struct builder *b, const struct astl_spec *s,
			 uint32_t *uuid_off, uint32_t *blk_off)
{
	*uuid_off = *blk_off = 0;
	for (uint32_t k = 0; k < s->n_headers; k++) {
		const struct astl_header *h = &s->headers[k];
		uint32_t off = TDCF_HDR_SIZE + h->offset;

		if (has_word(h->name, "UUID") && h->size == TDCF_LINE_EXT_SIZE &&
		    !*uuid_off)
			*uuid_off = off;
		else if ((has_word(h->name, "TIMESTAMP") ||
			  has_word(h->name, "TIMSTAMP")) &&
			 h->size == TDCF_LINE_SIZE && !*blk_off)
			*blk_off = off;
		else
			bwarn(b, "%s: HEADER %s (%u bytes at %u) is not a UUID or block timestamp line; left as an invalid line",
			      base_name(s->file), h->name, h->size, h->offset);
	}
}

/* Report the duplicate ids of one spec in one line. */
static void warn_dups(struct builder *b, const struct astl_spec *s,
		      const struct astl_expansion *e, size_t n_dup,
		      size_t n_cross)
{
	char pairs[512];
	size_t o = 0, shown = 0;
	const char *word = s->generation == 2 ? "members" : "layout";
	uint32_t seen_a[8], seen_b[8];

	pairs[0] = '\0';
	for (size_t i = 0; i < e->n_slots && shown < 8; i++) {
		const struct astl_slot *sl = &e->slots[i];
		uint32_t a, bb = sl->block;
		size_t k;

		if (!sl->duplicate_id)
			continue;
		a = e->slots[sl->first_of_id].block;
		for (k = 0; k < shown; k++)
			if (seen_a[k] == a && seen_b[k] == bb)
				break;
		if (k < shown)
			continue;
		seen_a[shown] = a;
		seen_b[shown] = bb;
		shown++;
		if (o < sizeof(pairs))
			o += (size_t)snprintf(pairs + o, sizeof(pairs) - o,
					      "%s%s[%u] repeats ids of %s[%u]",
					      shown > 1 ? ", " : "", word, bb,
					      word, a);
	}
	if (n_dup)
		bwarn(b, "%s: %zu duplicate DE ids, each kept once (%s)",
		      base_name(s->file), n_dup, pairs);
	if (n_cross)
		bwarn(b, "%s: %zu DE ids already produced by an earlier spec, each kept once",
		      base_name(s->file), n_cross);
}

static int add_spec(struct builder *b, const struct astl_spec *s,
		    const struct astl_expansion *e, uint32_t n_targets,
		    bool fixed, char *err, size_t errlen)
{
	struct stlmp_config *c = b->c;
	uint32_t first_shmti = c->n_shmti, uuid_off, blk_off;
	uint32_t *block_group = NULL;
	size_t n_cross = 0;
	uint64_t lines_end = TDCF_HDR_SIZE + (((uint64_t)s->size + 7) & ~7ull);

	if (lines_end + 16 > STLMP_MAX_SHMTI_SIZE) {
		snprintf(err, errlen, "%s: size %u: a SHMTI holds at most %u bytes",
			 s->file, s->size, STLMP_MAX_SHMTI_SIZE - 32);
		return -EINVAL;
	}
	if (c->n_shmti + n_targets > STLMP_MAX_SHMTI) {
		snprintf(err, errlen, "%s: more than %u SHMTIs in all", s->file,
			 STLMP_MAX_SHMTI);
		return -EINVAL;
	}
	spec_headers(b, s, &uuid_off, &blk_off);
	for (uint32_t t = 0; t < n_targets; t++) {
		uint32_t si = c->n_shmti++;

		c->shmti_fixed[si] = (struct stlmp_shmti_fixed){ 0 };
		if (fixed) {
			c->shmti_fixed[si].lines_end = (uint32_t)lines_end;
			c->shmti_fixed[si].uuid_off = uuid_off;
			c->shmti_fixed[si].blk_ts_off = blk_off;
			memcpy(c->shmti_fixed[si].uuid, s->uuid, 16);
			c->shmti_size[si] = (uint32_t)lines_end + 16;
		}
	}
	block_group = malloc((size_t)s->n_blocks * n_targets *
			     sizeof(*block_group));
	if (!block_group)
		return -ENOMEM;
	for (size_t k = 0; k < (size_t)s->n_blocks * n_targets; k++)
		block_group[k] = UINT32_MAX;

	for (size_t i = 0; i < e->n_slots; i++) {
		const struct astl_slot *sl = &e->slots[i];
		struct stlmp_de_cfg *d;
		uint32_t t = sl->target - e->first_target;
		uint32_t *gp = &block_group[(size_t)t * s->n_blocks + sl->block];
		int exp = sl->exponent;

		if (sl->duplicate_id)
			continue;
		if (!id_insert(b, sl->id)) {
			n_cross++;
			continue;
		}
		if (c->n_des == STLMP_MAX_DES) {
			snprintf(err, errlen, "%s: more than %u DEs in all",
				 s->file, STLMP_MAX_DES);
			free(block_group);
			return -EINVAL;
		}
		if (*gp == UINT32_MAX) {
			if (c->n_groups == STLMP_MAX_GROUPS) {
				snprintf(err, errlen, "%s: more than %u groups",
					 s->file, STLMP_MAX_GROUPS);
				free(block_group);
				return -EINVAL;
			}
			*gp = c->n_groups++;
		}
		if (exp < -128)
			exp = -128;
		if (exp > 127)
			exp = 127;
		d = &c->des[c->n_des++];
		memset(d, 0, sizeof(*d));
		d->desc.id = sl->id;
		d->desc.group_id = *gp;
		d->desc.data_size = 8;
		d->desc.unit_exp = (int8_t)exp;
		d->desc.unit = sl->unit >= 0 && sl->unit <= 255 ?
				       (uint8_t)sl->unit : 1;
		d->desc.instance_id = sl->member > 255 ? 255 :
							 (uint8_t)sl->member;
		d->desc.compo_instance = (uint16_t)sl->global_instance;
		d->desc.compo_type = compo_type(sl->component,
						sl->component_type);
		d->desc.has_name = true;
		fit_name(sl->name, d->desc.name);
		d->shmti = first_shmti + t;
		if (sl->line_size == TDCF_LINE_EXT_SIZE) {
			d->desc.ts_support = SCMI_TLM_TS_LINE;
			d->desc.line_ts_rate = ASTL_BLK_TS_RATE;
		} else if (!fixed ||
			   (blk_off && blk_off < TDCF_HDR_SIZE + sl->offset)) {
			d->desc.ts_support = SCMI_TLM_TS_BLOCK;
		}
		if (fixed)
			d->line_off = (uint32_t)(TDCF_HDR_SIZE + sl->offset);
		pick_gen(sl, exp, d);
	}
	warn_dups(b, s, e, e->n_dup_ids, n_cross);
	free(block_group);
	return 0;
}

/* Platform-placed SHMTI sizes for the non-fixed ones. */
static int size_dynamic(struct stlmp_config *c)
{
	uint64_t *need = calloc(c->n_shmti ? c->n_shmti : 1, sizeof(*need));

	if (!need)
		return -ENOMEM;
	stlmp_shmti_needs(c, true, need);
	for (uint32_t s = 0; s < c->n_shmti; s++) {
		if (c->shmti_fixed[s].lines_end)
			continue;
		c->shmti_size[s] = need[s] > STLMP_MAX_SHMTI_SIZE ?
					   STLMP_MAX_SHMTI_SIZE :
					   (uint32_t)((need[s] + 7) & ~7ull);
	}
	free(need);
	return 0;
}

static int config_init(struct stlmp_config *c, uint32_t n_shmti,
		       size_t n_slots)
{
	static const struct scmi_tlm_interval iv[] = {
		{ 1, -3 }, { 10, -3 }, { 100, -3 }, { 1, 0 },
	};

	strcpy(c->vendor, "stlm");
	strcpy(c->sub_vendor, "astl");
	strcpy(c->agent_name, "OSPM");
	c->impl_version = 1;
	c->notifications = c->single_sample = c->reset = c->per_group = true;
	c->max_msg_size = ASTL_MSG_SIZE;
	c->default_blk_ts_rate = ASTL_BLK_TS_RATE;
	c->intervals.n = sizeof(iv) / sizeof(iv[0]);
	c->intervals.v = malloc(sizeof(iv));
	c->shmti_size = calloc(n_shmti ? n_shmti : 1, sizeof(*c->shmti_size));
	c->shmti_fixed = calloc(n_shmti ? n_shmti : 1, sizeof(*c->shmti_fixed));
	c->des = calloc(n_slots ? n_slots : 1, sizeof(*c->des));
	/* at most one group per DE */
	c->groups = calloc(n_slots ? n_slots : 1, sizeof(*c->groups));
	if (!c->intervals.v || !c->shmti_size || !c->shmti_fixed || !c->des ||
	    !c->groups)
		return -ENOMEM;
	memcpy(c->intervals.v, iv, sizeof(iv));
	c->default_interval = iv[2];
	return 0;
}

/* Build the whole configuration; fixed[i] says whether spec i keeps its
 * offsets. */
static int build(struct astl_spec **specs, struct astl_expansion **exps,
		 const uint32_t *targets, uint32_t n_specs, const bool *fixed,
		 struct builder *b, char *err, size_t errlen)
{
	struct stlmp_config *c;
	size_t n_slots = 0;
	uint32_t n_shmti = 0;
	size_t off = 0;
	int r;

	for (uint32_t i = 0; i < n_specs; i++) {
		n_slots += exps[i]->n_slots;
		n_shmti += targets[i];
	}
	if (n_slots > STLMP_MAX_DES) {
		snprintf(err, errlen, "%zu DEs in all (at most %u)", n_slots,
			 STLMP_MAX_DES);
		return -EINVAL;
	}
	c = calloc(1, sizeof(*c));
	if (!c)
		return -ENOMEM;
	b->c = c;
	r = config_init(c, n_shmti, n_slots);
	if (r < 0)
		return r;
	for (b->idmask = 1; b->idmask < n_slots * 2 + 2; b->idmask <<= 1)
		;
	b->idset = calloc(b->idmask, sizeof(*b->idset));
	b->idmask--;
	if (!b->idset)
		return -ENOMEM;
	for (uint32_t i = 0; i < n_specs; i++) {
		r = add_spec(b, specs[i], exps[i], targets[i], fixed[i], err,
			     errlen);
		if (r < 0)
			return r;
	}
	memcpy(c->uuid, specs[0]->uuid, 16);
	for (uint32_t i = 0; i < n_specs && off < sizeof(c->name) - 1; i++)
		off += (size_t)snprintf(c->name + off, sizeof(c->name) - off,
					"%s%s", i ? "+" : "",
					base_name(specs[i]->file));
	return size_dynamic(c);
}

static void free_all(struct astl_spec **specs, struct astl_expansion **exps,
		     uint32_t n)
{
	for (uint32_t i = 0; i < n; i++) {
		stlm__astl_expansion_free(exps ? exps[i] : NULL);
		stlm__astl_spec_free(specs ? specs[i] : NULL);
	}
	free(specs);
	free(exps);
}

int stlmp_config_from_astl(const char *const *paths, const uint32_t *targets,
			   uint32_t n_specs, struct stlmp_config **ret,
			   void (*warn)(void *data, const char *msg),
			   void *warn_data, char *err, size_t errlen)
{
	struct astl_spec **specs;
	struct astl_expansion **exps;
	struct builder b = { .warn = warn, .warn_data = warn_data };
	bool *fixed;
	int r;

	if (err && errlen)
		err[0] = '\0';
	if (!paths || !targets || !ret || !n_specs || n_specs > 1024 || !err ||
	    !errlen)
		return -EINVAL;
	*ret = NULL;
	specs = calloc(n_specs, sizeof(*specs));
	exps = calloc(n_specs, sizeof(*exps));
	fixed = calloc(n_specs, sizeof(*fixed));
	if (!specs || !exps || !fixed) {
		r = -ENOMEM;
		goto out;
	}
	for (uint32_t i = 0; i < n_specs; i++) {
		if (!targets[i] || targets[i] > ASTL_MAX_TARGETS) {
			snprintf(err, errlen, "%s: %u instances (1..%u)",
				 paths[i], targets[i], ASTL_MAX_TARGETS);
			r = -EINVAL;
			goto out;
		}
		r = stlm__astl_spec_read(paths[i], &specs[i], err, errlen);
		if (r < 0)
			goto out;
		r = stlm__astl_expand(specs[i], 0, targets[i], &exps[i], err,
				      errlen);
		if (r < 0)
			goto out;
		fixed[i] = true;
	}

	/* Keep the spec's offsets unless a spec's lines cannot sit there;
	 * each round turns one spec to platform placement. */
	for (uint32_t round = 0; round <= n_specs; round++) {
		char place[160], msg[160];
		uint32_t bad = UINT32_MAX, s = 0;
		bool flipped = false;

		stlmp_config_free(b.c);
		free(b.idset);
		b = (struct builder){ .warn = round ? NULL : warn,
				      .warn_data = warn_data };
		r = build(specs, exps, targets, n_specs, fixed, &b, err,
			  errlen);
		if (r < 0)
			goto out;
		r = fixed_check(b.c, &bad, place, sizeof(place), msg,
				sizeof(msg));
		if (r == -ENOMEM)
			goto out;
		if (!r)
			break;
		for (uint32_t i = 0; i < n_specs; i++) {
			if (bad < s + targets[i]) {
				if (!fixed[i])
					break;
				fixed[i] = false;
				if (warn) {
					char w[512];

					snprintf(w, sizeof(w),
						 "%s: lines cannot sit at the spec's offsets (%s: %s); the platform places them",
						 base_name(specs[i]->file),
						 place, msg);
					warn(warn_data, w);
				}
				flipped = true;
				break;
			}
			s += targets[i];
		}
		if (!flipped) {
			snprintf(err, errlen, "%s: %s", place, msg);
			r = -EINVAL;
			goto out;
		}
	}
	if (r < 0)
		goto out;
	r = stlmp_config_validate(b.c, err, errlen);
	if (r < 0)
		goto out;
	*ret = b.c;
	b.c = NULL;
out:
	stlmp_config_free(b.c);
	free(b.idset);
	free(fixed);
	free_all(specs, exps, n_specs);
	return r;
}
