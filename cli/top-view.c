// SPDX-License-Identifier: MIT
/*
 * Copyright (c) 2026 The stlm authors
 *
 * stlm top: the model and the frames (top.h). Every DE of the platform
 * (or of the DE / glob arguments) is a row, grouped by its component
 * ("cpu.0", from the catalog when one applies), with the current value and
 * unit, the rate of counters, min / max / mean since start, a sparkline of
 * recent values, state names for states and the validity of the value.
 * Reading uses only the public API and never changes the platform's
 * configuration.
 */
#include <errno.h>
#include <fnmatch.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "top.h"

static uint64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

const char *top_sort_name(enum top_sort s)
{
	static const char *const names[] = { "id", "name", "value", "rate" };

	return s < TOP_SORT_N ? names[s] : "id";
}

size_t top_width(const char *s)
{
	size_t w = 0;

	for (; *s; s++)
		if (((unsigned char)*s & 0xc0) != 0x80)
			w++;
	return w;
}

/* Append @s to @buf padded (or cut) to @w display columns. */
static void put(char *buf, size_t len, const char *s, size_t w, bool right)
{
	size_t have = strlen(buf), sw = top_width(s), i = 0, cols = 0;

	if (have >= len - 1)
		return;
	buf += have;
	len -= have;
	if (right)
		for (; sw < w && len > 1; sw++, len--)
			*buf++ = ' ';
	while (s[i] && len > 1) {
		if (((unsigned char)s[i] & 0xc0) != 0x80) {
			if (cols == w)
				break;
			cols++;
		}
		*buf++ = s[i++];
		len--;
	}
	for (; !right && cols < w && len > 1; cols++, len--)
		*buf++ = ' ';
	*buf = '\0';
}

static int comp_of(struct top *t, const struct stlm_de *de)
{
	char name[64];
	struct top_comp *p;

	snprintf(name, sizeof(name), "%s.%u", stlm_de_component_name(de),
		 stlm_de_component_instance(de));
	for (size_t i = t->n_comps; i-- > 0;)
		if (!strcmp(t->comps[i].name, name))
			return (int)i;
	p = realloc(t->comps, (t->n_comps + 1) * sizeof(*p));
	if (!p)
		return -ENOMEM;
	t->comps = p;
	memset(&p[t->n_comps], 0, sizeof(*p));
	snprintf(p[t->n_comps].name, sizeof(p->name), "%s", name);
	return (int)t->n_comps++;
}

int top_init(struct top *t, struct cli *c, char **args, int n_args)
{
	uint32_t *ids = NULL;
	size_t n_ids = 0;
	int n, r;

	t->c = c;
	if (n_args > 0) {
		r = cli_parse_des(c, args, n_args, &ids, &n_ids);
		if (r < 0)
			return r;
	} else {
		n = stlm_de_count(c->s);
		if (n < 0) {
			cli_err(c, "cannot list DEs: %s", cli_strerror(n));
			return n;
		}
		ids = malloc(((size_t)n + 1) * sizeof(*ids));
		if (!ids) {
			cli_err(c, "out of memory");
			return -ENOMEM;
		}
		for (int i = 0; i < n; i++)
			ids[n_ids++] = stlm_de_id(stlm_de_at(c->s, (size_t)i));
	}
	t->ids = ids;
	t->des = calloc(n_ids ? n_ids : 1, sizeof(*t->des));
	t->order = calloc(2 * n_ids + 1, sizeof(*t->order));
	if (!t->des || !t->order) {
		cli_err(c, "out of memory");
		return -ENOMEM;
	}
	for (size_t i = 0; i < n_ids; i++) {
		struct top_de *d = &t->des[i];

		d->de = stlm_de_get(c->s, ids[i]);
		d->id = ids[i];
		d->kind = cli_de_kind(d->de);
		d->comp = comp_of(t, d->de);
		if (d->comp < 0) {
			cli_err(c, "out of memory");
			return -ENOMEM;
		}
	}
	t->n_des = n_ids;
	r = stlm_snapshot_new(c->s, &t->snap);
	if (r >= 0)
		r = stlm_snapshot_select(t->snap, ids, n_ids);
	if (r < 0) {
		cli_err(c, "cannot create a snapshot: %s", cli_strerror(r));
		return r;
	}
	return 0;
}

void top_free(struct top *t)
{
	if (!t)
		return;
	stlm_snapshot_free(t->snap);
	free(t->des);
	free(t->comps);
	free(t->ids);
	free(t->order);
	free(t->enabled_by_us);
	memset(t, 0, sizeof(*t));
}

static void fold(struct top_de *d, const struct stlm_sample *v,
		 uint64_t now_ns)
{
	d->cur = *v;
	d->cur_set = true;
	if (!(v->flags & STLM_SAMPLE_VALID))
		return;
	if (d->kind == STLM_KIND_COUNTER) {
		if (d->have && now_ns > d->prev_ns) {
			d->rate = (v->value - d->prev) * 1e9 /
				  (double)(now_ns - d->prev_ns);
			d->rate_ok = true;
		}
		d->prev = v->value;
		d->prev_ns = now_ns;
	}
	if (!d->have || v->value < d->min)
		d->min = v->value;
	if (!d->have || v->value > d->max)
		d->max = v->value;
	d->sum += v->value;
	d->n++;
	d->have = true;
	/* counters: the sparkline shows the rate, everything else the value */
	if (d->kind == STLM_KIND_COUNTER && !d->rate_ok)
		return;
	d->hist[d->hist_pos] = (float)(d->kind == STLM_KIND_COUNTER ? d->rate :
							      v->value);
	d->hist_pos = (d->hist_pos + 1) % TOP_HIST;
	if (d->hist_n < TOP_HIST)
		d->hist_n++;
}

int top_sample(struct top *t)
{
	const struct stlm_sample *v;
	size_t n;
	uint64_t now;
	int r;

	r = stlm_snapshot_take(t->snap, 0);
	t->last_err = r < 0 ? r : 0;
	if (r < 0)
		return r;
	now = stlm_snapshot_mono_ns(t->snap);
	if (!now)
		now = mono_ns();
	t->gen = stlm_snapshot_generation(t->snap);
	t->sample_mono_ns = mono_ns();
	t->samples++;
	v = stlm_snapshot_samples(t->snap, &n);
	/* samples come in selection order */
	for (size_t i = 0; i < n && i < t->n_des; i++) {
		struct top_de *d = &t->des[i];

		if (v[i].id != d->id) {
			const struct stlm_sample *f = stlm_snapshot_find(t->snap,
									 d->id);
			if (!f)
				continue;
			fold(d, f, now);
		} else {
			fold(d, &v[i], now);
		}
	}
	return 0;
}

/* ------------------------------------------------------------------ */
/* Filter and sort                                                     */

static bool match(const char *pat, const struct stlm_de *de)
{
	const char *nm = cli_de_name(de), *fw = stlm_de_fw_name(de);
	char buf[160];

	if (!pat[0])
		return true;
	if (!cli_is_glob(pat)) {
		/* a plain word matches as a substring */
		snprintf(buf, sizeof(buf), "*%s*", pat);
		pat = buf;
	}
	return (nm && !fnmatch(pat, nm, 0)) || (fw && !fnmatch(pat, fw, 0));
}

static struct top *sort_top;

static int cmp_rows(const void *a, const void *b)
{
	const struct top *t = sort_top;
	const struct top_de *x = &t->des[*(const long *)a];
	const struct top_de *y = &t->des[*(const long *)b];
	int r = 0;

	if (x->comp != y->comp)
		return x->comp < y->comp ? -1 : 1;
	switch (t->sort) {
	case TOP_SORT_NAME: {
		const char *nx = cli_de_name(x->de), *ny = cli_de_name(y->de);

		r = strcmp(nx ? nx : "", ny ? ny : "");
		break;
	}
	case TOP_SORT_VALUE:
	case TOP_SORT_RATE: {
		bool rate = t->sort == TOP_SORT_RATE;
		bool okx = rate ? x->rate_ok : x->have;
		bool oky = rate ? y->rate_ok : y->have;
		double vx = rate ? x->rate : x->cur.value;
		double vy = rate ? y->rate : y->cur.value;

		if (okx != oky)
			return okx ? -1 : 1; /* no value: last either way */
		/* the largest first, as top does */
		r = vx > vy ? -1 : vx < vy ? 1 : 0;
		break;
	}
	default:
		break;
	}
	if (!r)
		r = x->id < y->id ? -1 : x->id > y->id ? 1 : 0;
	return t->reverse ? -r : r;
}

void top_layout(struct top *t)
{
	long *rows = malloc((t->n_des + 1) * sizeof(*rows));
	size_t n = 0, k = 0;

	for (size_t i = 0; i < t->n_comps; i++)
		t->comps[i].n_shown = 0;
	for (size_t i = 0; i < t->n_des; i++) {
		t->des[i].shown = match(t->filter, t->des[i].de);
		if (t->des[i].shown) {
			t->comps[t->des[i].comp].n_shown++;
			if (rows)
				rows[n++] = (long)i;
		}
	}
	if (!rows) {
		t->n_order = 0;
		return;
	}
	sort_top = t;
	qsort(rows, n, sizeof(*rows), cmp_rows);
	for (size_t i = 0; i < n; i++) {
		int comp = t->des[rows[i]].comp;

		if (i == 0 || t->des[rows[i - 1]].comp != comp)
			t->order[k++] = -1 - comp;
		if (!t->comps[comp].collapsed)
			t->order[k++] = rows[i];
	}
	free(rows);
	t->n_order = k;
	if (t->sel >= k)
		t->sel = k ? k - 1 : 0;
}

/* ------------------------------------------------------------------ */
/* Frames                                                              */

static void spark(struct top *t, const struct top_de *d, size_t w, char *buf,
		  size_t len)
{
	static const char *const blocks[] = { "\u2581", "\u2582", "\u2583",
					      "\u2584", "\u2585", "\u2586",
					      "\u2587", "\u2588" };
	static const char ascii[] = "_.-:=+*#";
	size_t n = d->hist_n < w ? d->hist_n : w;
	double lo = INFINITY, hi = -INFINITY;

	buf[0] = '\0';
	for (size_t i = 0; i < n; i++) {
		double v = d->hist[(d->hist_pos + TOP_HIST - n + i) % TOP_HIST];

		lo = v < lo ? v : lo;
		hi = v > hi ? v : hi;
	}
	for (size_t i = 0; i < n; i++) {
		double v = d->hist[(d->hist_pos + TOP_HIST - n + i) % TOP_HIST];
		int level = hi > lo ? (int)((v - lo) / (hi - lo) * 7.0 + 0.5) : 0;
		size_t have = strlen(buf);

		if (t->utf8)
			snprintf(buf + have, len - have, "%s", blocks[level]);
		else if (have + 1 < len) {
			buf[have] = ascii[level];
			buf[have + 1] = '\0';
		}
	}
}

static void value_text(const struct top_de *d, char *buf, size_t len)
{
	const char *problem = d->cur_set ? cli_sample_problem(&d->cur) :
					   "no data";
	const char *st;

	if (problem) {
		snprintf(buf, len, "<%s>", problem);
		return;
	}
	if (d->kind == STLM_KIND_STATE) {
		st = cli_de_state_name(d->de, (int64_t)d->cur.value);
		if (st) {
			snprintf(buf, len, "%s", st);
			return;
		}
	}
	cli_format_value(d->de, &d->cur, buf, len);
	if (d->cur.flags & STLM_SAMPLE_STALE) {
		size_t have = strlen(buf);

		snprintf(buf + have, len - have, " (stale)");
	}
}

static void stat_text(const struct top_de *d, double v, bool ok, char *buf,
		      size_t len)
{
	struct stlm_sample s = d->cur;

	if (!ok || d->kind == STLM_KIND_STATE) {
		snprintf(buf, len, "-");
		return;
	}
	s.value = v;
	s.flags = STLM_SAMPLE_VALID;
	cli_format_value(d->de, &s, buf, len);
}

struct cols {
	size_t name, value, rate, stat, spark;
	bool stats;
};

static void layout_cols(struct top *t, int cols, struct cols *w)
{
	size_t name = 4, avail;

	for (size_t i = 0; i < t->n_des; i++) {
		const char *nm = cli_de_name(t->des[i].de);
		size_t l = nm ? strlen(nm) : 10;

		if (t->des[i].shown && l > name)
			name = l;
	}
	w->name = name > 28 ? 28 : name;
	w->value = 18;
	w->rate = 14;
	w->stat = 12;
	w->stats = cols >= (int)(2 + w->name + w->value + w->rate + 3 * w->stat + 12);
	avail = (size_t)(cols > 0 ? cols : 120);
	avail -= 2 + w->name + 1 + w->value + 1 + w->rate + 1 < avail ?
			 2 + w->name + 1 + w->value + 1 + w->rate + 1 : avail;
	if (w->stats)
		avail -= 3 * (w->stat + 1);
	w->spark = avail > 40 ? 40 : avail;
}

static struct top_line *line_add(struct top_line **lines, size_t *n,
				 size_t *cap, enum top_line_kind kind, int row)
{
	struct top_line *l;

	if (*n == *cap) {
		size_t nc = *cap ? *cap * 2 : 64;
		struct top_line *p = realloc(*lines, nc * sizeof(*p));

		if (!p)
			return NULL;
		*lines = p;
		*cap = nc;
	}
	l = &(*lines)[(*n)++];
	l->kind = kind;
	l->row = row;
	l->text[0] = '\0';
	return l;
}

static void header(struct top *t, struct top_line *l)
{
	char iv[32], age[48];
	const char *uri = stlm_session_uri(t->c->s);

	cli_format_ns(t->interval_ns, iv, sizeof(iv));
	if (t->last_err)
		snprintf(age, sizeof(age), "unreachable: %s",
			 cli_strerror(t->last_err));
	else if (!t->samples)
		snprintf(age, sizeof(age), "no sample yet");
	else
		snprintf(age, sizeof(age), "age %.1fs",
			 (double)(mono_ns() - t->sample_mono_ns) / 1e9);
	snprintf(l->text, sizeof(l->text),
		 "stlm top  %s  gen %llu  interval %s  %s%s",
		 t->c->is_builtin ? "built-in platform" : uri ? uri : "?",
		 (unsigned long long)t->gen, iv, age,
		 t->paused ? "  PAUSED" : "");
}

static void columns(struct cols *w, struct top_line *l)
{
	char *b = l->text;
	size_t len = sizeof(l->text);

	put(b, len, "  ", 2, false);
	put(b, len, "NAME", w->name + 1, false);
	put(b, len, "VALUE", w->value, true);
	put(b, len, " ", 1, false);
	put(b, len, "RATE", w->rate, true);
	put(b, len, " ", 1, false);
	if (w->stats) {
		put(b, len, "MIN", w->stat, true);
		put(b, len, " ", 1, false);
		put(b, len, "MAX", w->stat, true);
		put(b, len, " ", 1, false);
		put(b, len, "MEAN", w->stat, true);
		put(b, len, " ", 1, false);
	}
	if (w->spark)
		put(b, len, "HISTORY", w->spark, false);
}

static void de_row(struct top *t, struct cols *w, const struct top_de *d,
		   struct top_line *l)
{
	char v[64], r[64], sp[TOP_HIST * 3 + 1];
	char *b = l->text;
	size_t len = sizeof(l->text);
	const char *nm = cli_de_name(d->de);
	char idn[16];

	if (!nm) {
		snprintf(idn, sizeof(idn), "0x%08x", d->id);
		nm = idn;
	}
	put(b, len, "  ", 2, false);
	put(b, len, nm, w->name, false);
	put(b, len, " ", 1, false);
	value_text(d, v, sizeof(v));
	put(b, len, v, w->value, true);
	put(b, len, " ", 1, false);
	if (d->kind == STLM_KIND_COUNTER && d->rate_ok) {
		const char *u = cli_de_unit(d->de);
		char unit[32];

		snprintf(unit, sizeof(unit), "%s/s", u[0] ? u : "");
		cli_format_number(d->rate, unit, r, sizeof(r));
	} else {
		snprintf(r, sizeof(r), "-");
	}
	put(b, len, r, w->rate, true);
	put(b, len, " ", 1, false);
	if (w->stats) {
		stat_text(d, d->min, d->have, v, sizeof(v));
		put(b, len, v, w->stat, true);
		put(b, len, " ", 1, false);
		stat_text(d, d->max, d->have, v, sizeof(v));
		put(b, len, v, w->stat, true);
		put(b, len, " ", 1, false);
		stat_text(d, d->n ? d->sum / (double)d->n : 0, d->n > 0, v,
			  sizeof(v));
		put(b, len, v, w->stat, true);
		put(b, len, " ", 1, false);
	}
	if (w->spark) {
		spark(t, d, w->spark, sp, sizeof(sp));
		put(b, len, sp, w->spark, false);
	}
}

size_t top_frame(struct top *t, int cols, int rows, bool keys,
		 struct top_line **ret)
{
	struct top_line *lines = NULL, *l;
	size_t n = 0, cap = 0, body, shown = 0;
	struct cols w;

	layout_cols(t, cols, &w);
	for (size_t i = 0; i < t->n_comps; i++)
		shown += t->comps[i].n_shown;
	if ((l = line_add(&lines, &n, &cap, TL_HEADER, 0)))
		header(t, l);
	if ((l = line_add(&lines, &n, &cap, TL_TEXT, 0)))
		snprintf(l->text, sizeof(l->text),
			 "DEs %zu of %zu  sort %s%s%s%s%s", shown, t->n_des,
			 top_sort_name(t->sort), t->reverse ? " (reversed)" : "",
			 t->filter[0] ? "  filter '" : "", t->filter,
			 t->filter[0] ? "'" : "");
	if ((l = line_add(&lines, &n, &cap, TL_COLUMNS, 0)))
		columns(&w, l);
	/* the body scrolls to keep the selection visible */
	body = rows > 0 ? (size_t)(rows > 5 ? rows - 4 : 1) : t->n_order;
	if (rows > 0) {
		if (t->sel < t->scroll)
			t->scroll = t->sel;
		if (t->sel >= t->scroll + body)
			t->scroll = t->sel - body + 1;
		if (t->scroll + body > t->n_order)
			t->scroll = t->n_order > body ? t->n_order - body : 0;
	} else {
		/* a page of a batch frame */
		t->scroll = t->page_from;
		if (t->page_len)
			body = t->page_len;
	}
	for (size_t i = t->scroll; i < t->n_order && i < t->scroll + body; i++) {
		long o = t->order[i];

		if (o < 0) {
			struct top_comp *cp = &t->comps[-1 - o];

			l = line_add(&lines, &n, &cap, TL_COMP, (int)(-1 - o));
			if (!l)
				break;
			snprintf(l->text, sizeof(l->text), "%s %s (%u)",
				 cp->collapsed ? (t->utf8 ? "\u25b8" : "+") :
						 (t->utf8 ? "\u25be" : "-"),
				 cp->name, cp->n_shown);
		} else {
			l = line_add(&lines, &n, &cap, TL_DE, (int)o);
			if (!l)
				break;
			de_row(t, &w, &t->des[o], l);
		}
	}
	if (!t->n_order && (l = line_add(&lines, &n, &cap, TL_TEXT, 0)))
		snprintf(l->text, sizeof(l->text), "  no DE matches the filter '%s'",
			 t->filter);
	if (keys && (l = line_add(&lines, &n, &cap, TL_FOOTER, 0))) {
		if (t->status[0])
			snprintf(l->text, sizeof(l->text), "%s", t->status);
		else
			snprintf(l->text, sizeof(l->text),
				 "q quit  / filter  s sort  r reverse  c collapse  C all  p pause  +/- interval  Enter detail  E enable+collect  ? help");
	}
	*ret = lines;
	return n;
}

size_t top_detail(struct top *t, size_t idx, int cols, struct top_line **ret)
{
	const struct top_de *d = &t->des[idx];
	const struct stlm_de *de = d->de;
	struct top_line *lines = NULL, *l;
	size_t n = 0, cap = 0;
	char v[64], mn[64], mx[64], mean[64];
	const char *desc = stlm_de_description(de);

	(void)cols;
	value_text(d, v, sizeof(v));
	stat_text(d, d->min, d->have, mn, sizeof(mn));
	stat_text(d, d->max, d->have, mx, sizeof(mx));
	stat_text(d, d->n ? d->sum / (double)d->n : 0, d->n > 0, mean,
		  sizeof(mean));
#define ADD(kind, ...)                                                   \
	do {                                                             \
		if ((l = line_add(&lines, &n, &cap, kind, (int)idx)))    \
			snprintf(l->text, sizeof(l->text), __VA_ARGS__); \
	} while (0)
	ADD(TL_HEADER, "DE %s (0x%08x)  -- any key returns",
	    cli_de_name(de) ? cli_de_name(de) : "-", d->id);
	ADD(TL_TEXT, " ");
	ADD(TL_TEXT, "Firmware name:  %s",
	    stlm_de_fw_name(de) ? stlm_de_fw_name(de) : "-");
	ADD(TL_TEXT, "Description:    %s", desc && desc[0] ? desc : "-");
	ADD(TL_TEXT, "Component:      %s", t->comps[d->comp].name);
	ADD(TL_TEXT, "Kind:           %s", cli_kind_name(d->kind));
	ADD(TL_TEXT, "Unit:           %s",
	    cli_de_unit(de)[0] ? cli_de_unit(de) : "-");
	ADD(TL_TEXT, "Group:          %u", stlm_de_group(de));
	ADD(TL_TEXT, "Enabled:        %s%s", stlm_de_enabled(de) ? "yes" : "no",
	    stlm_de_ts_enabled(de) ? " (timestamps)" : "");
	ADD(TL_TEXT, "FastChannel:    %s",
	    stlm_de_has_fastchannel(de) ? "yes" : "no");
	ADD(TL_TEXT, "Value:          %s", v);
	ADD(TL_TEXT, "Raw:            0x%llx", (unsigned long long)d->cur.raw);
	ADD(TL_TEXT, "Min/max/mean:   %s / %s / %s  (%llu samples)", mn, mx,
	    mean, (unsigned long long)d->n);
#undef ADD
	*ret = lines;
	return n;
}

static void kv_num(struct jw *w, const char *k, bool ok, double v)
{
	jw_key(w, k);
	if (ok)
		jw_double(w, v);
	else
		jw_null(w);
}

void top_json(struct top *t)
{
	struct jw w;

	cli_doc_begin(t->c, &w);
	jw_kv_string(&w, "platform", stlm_session_uri(t->c->s));
	jw_kv_uint(&w, "generation", t->gen);
	jw_kv_uint(&w, "interval_ns", t->interval_ns);
	jw_kv_uint(&w, "samples", t->samples);
	jw_key(&w, "des");
	jw_array_begin(&w);
	for (size_t i = 0; i < t->n_order; i++) {
		const struct top_de *d;
		const char *problem, *st;

		if (t->order[i] < 0)
			continue;
		d = &t->des[t->order[i]];
		problem = d->cur_set ? cli_sample_problem(&d->cur) : "no data";
		jw_object_begin(&w);
		jw_kv_uint(&w, "id", d->id);
		jw_kv_string(&w, "name", cli_de_name(d->de));
		jw_kv_string(&w, "component", t->comps[d->comp].name);
		jw_kv_string(&w, "kind", cli_kind_name(d->kind));
		jw_kv_string(&w, "unit", cli_de_unit(d->de));
		jw_key(&w, "value");
		if (problem)
			jw_null(&w);
		else
			jw_double(&w, d->cur.value);
		st = !problem && d->kind == STLM_KIND_STATE ?
			     cli_de_state_name(d->de, (int64_t)d->cur.value) :
			     NULL;
		if (st)
			jw_kv_string(&w, "state", st);
		jw_kv_string(&w, "problem", problem);
		jw_kv_bool(&w, "stale", d->cur.flags & STLM_SAMPLE_STALE);
		kv_num(&w, "rate", d->rate_ok, d->rate);
		kv_num(&w, "min", d->have, d->min);
		kv_num(&w, "max", d->have, d->max);
		kv_num(&w, "mean", d->n > 0, d->n ? d->sum / (double)d->n : 0);
		jw_object_end(&w);
	}
	jw_array_end(&w);
	cli_doc_end(t->c, &w);
}
