// SPDX-License-Identifier: MIT
/*
 * Copyright (c) 2026 The stlm authors
 *
 * Output: the streaming JSON writer (struct jw) and the one printing path
 * (struct out) that every subcommand uses for tables, "Label: value"
 * pages, CSV and JSON, so the text and JSON forms cannot drift apart.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

/* ------------------------------------------------------------------ */
/* JSON writer                                                         */

void jw_init(struct jw *w, FILE *f, bool pretty)
{
	memset(w, 0, sizeof(*w));
	w->f = f;
	w->pretty = pretty;
	w->first[0] = true;
}

static void jw_indent(struct jw *w)
{
	if (!w->pretty)
		return;
	fputc('\n', w->f);
	for (int i = 0; i < w->depth; i++)
		fputs("  ", w->f);
}

/* Before any value: separator and indentation, unless right after a key. */
static void jw_pre(struct jw *w)
{
	if (w->after_key) {
		w->after_key = false;
		return;
	}
	if (w->depth > 0) {
		if (!w->first[w->depth])
			fputc(',', w->f);
		jw_indent(w);
	}
	w->first[w->depth] = false;
}

static void jw_push(struct jw *w, char ch)
{
	jw_pre(w);
	fputc(ch, w->f);
	if (w->depth < JW_MAX_DEPTH - 1)
		w->depth++;
	w->first[w->depth] = true;
}

static void jw_pop(struct jw *w, char ch)
{
	bool empty = w->first[w->depth];

	if (w->depth > 0)
		w->depth--;
	if (!empty)
		jw_indent(w);
	fputc(ch, w->f);
}

void jw_object_begin(struct jw *w)
{
	jw_push(w, '{');
}

void jw_object_end(struct jw *w)
{
	jw_pop(w, '}');
}

void jw_array_begin(struct jw *w)
{
	jw_push(w, '[');
}

void jw_array_end(struct jw *w)
{
	jw_pop(w, ']');
}

static void jw_escaped(struct jw *w, const char *s)
{
	fputc('"', w->f);
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		switch (*p) {
		case '"':
			fputs("\\\"", w->f);
			break;
		case '\\':
			fputs("\\\\", w->f);
			break;
		case '\n':
			fputs("\\n", w->f);
			break;
		case '\r':
			fputs("\\r", w->f);
			break;
		case '\t':
			fputs("\\t", w->f);
			break;
		default:
			if (*p < 0x20 || *p == 0x7f)
				fprintf(w->f, "\\u%04x", *p);
			else
				fputc(*p, w->f);
		}
	}
	fputc('"', w->f);
}

void jw_key(struct jw *w, const char *key)
{
	jw_pre(w);
	jw_escaped(w, key);
	fputs(w->pretty ? ": " : ":", w->f);
	w->after_key = true;
}

void jw_string(struct jw *w, const char *s)
{
	if (!s) {
		jw_null(w);
		return;
	}
	jw_pre(w);
	jw_escaped(w, s);
}

void jw_uint(struct jw *w, uint64_t v)
{
	jw_pre(w);
	fprintf(w->f, "%llu", (unsigned long long)v);
}

void jw_int(struct jw *w, int64_t v)
{
	jw_pre(w);
	fprintf(w->f, "%lld", (long long)v);
}

void jw_double(struct jw *w, double v)
{
	if (!isfinite(v)) {
		jw_null(w);
		return;
	}
	jw_pre(w);
	/* Integral values print without a fraction; others round-trip. */
	if (v == floor(v) && fabs(v) < 9e15)
		fprintf(w->f, "%.0f", v);
	else
		fprintf(w->f, "%.15g", v);
}

void jw_bool(struct jw *w, bool v)
{
	jw_pre(w);
	fputs(v ? "true" : "false", w->f);
}

void jw_null(struct jw *w)
{
	jw_pre(w);
	fputs("null", w->f);
}

void jw_end(struct jw *w)
{
	fputc('\n', w->f);
}

void jw_kv_string(struct jw *w, const char *k, const char *v)
{
	jw_key(w, k);
	jw_string(w, v);
}

void jw_kv_uint(struct jw *w, const char *k, uint64_t v)
{
	jw_key(w, k);
	jw_uint(w, v);
}

void jw_kv_int(struct jw *w, const char *k, int64_t v)
{
	jw_key(w, k);
	jw_int(w, v);
}

void jw_kv_double(struct jw *w, const char *k, double v)
{
	jw_key(w, k);
	jw_double(w, v);
}

void jw_kv_bool(struct jw *w, const char *k, bool v)
{
	jw_key(w, k);
	jw_bool(w, v);
}

/* ------------------------------------------------------------------ */
/* The document                                                        */

void cli_doc_begin(struct cli *c, struct jw *w)
{
	jw_init(w, c->out, c->pretty);
	jw_object_begin(w);
	if (c->catalog_notice[0] || c->builtin_notice[0]) {
		/* values can be wrong without a catalog (docs/cli-json.md) */
		jw_key(w, "warnings");
		jw_array_begin(w);
		if (c->catalog_notice[0])
			jw_string(w, c->catalog_notice);
		if (c->builtin_notice[0])
			jw_string(w, c->builtin_notice);
		jw_array_end(w);
	}
}

void cli_doc_end(struct cli *c, struct jw *w)
{
	jw_object_end(w);
	jw_end(w);
}

void cli_doc_error(struct cli *c, struct jw *w, int rc)
{
	jw_key(w, "error");
	jw_object_begin(w);
	jw_kv_string(w, "message", c->errmsg[0] ? c->errmsg : "failed");
	jw_kv_int(w, "exit_code", rc);
	if (c->cmd)
		jw_kv_string(w, "command", c->cmd->name);
	jw_object_end(w);
	c->json_result = true;
}

/* ------------------------------------------------------------------ */
/* struct out                                                          */

void out_init(struct out *o, struct cli *c, struct jw *w, enum out_mode mode)
{
	memset(o, 0, sizeof(*o));
	o->c = c;
	o->w = w;
	o->mode = mode;
}

void out_row_begin(struct out *o)
{
	o->col = 0;
	o->in_row = true;
	if (o->mode == OUT_JSON) {
		jw_object_begin(o->w);
		return;
	}
	if (o->mode == OUT_PAIRS)
		return;
	if (o->nrows == o->cap) {
		size_t cap = o->cap ? 2 * o->cap : 64;
		char **cells = realloc(o->cells,
				       cap * OUT_MAX_COLS * sizeof(*cells));

		if (!cells) {
			fputs("stlm: out of memory\n", stderr);
			exit(1);
		}
		o->cells = cells;
		o->cap = cap;
	}
	memset(&o->cells[o->nrows * OUT_MAX_COLS], 0,
	       OUT_MAX_COLS * sizeof(*o->cells));
}

void out_row_end(struct out *o)
{
	o->in_row = false;
	if (o->mode == OUT_JSON) {
		jw_object_end(o->w);
		return;
	}
	if (o->mode == OUT_PAIRS)
		return;
	if (o->nrows == 0)
		o->ncols = o->col;
	o->nrows++;
}

/* Display width of UTF-8 text (code points; our units are all width 1). */
static int text_width(const char *s)
{
	int n = 0;

	for (; *s; s++)
		if (((unsigned char)*s & 0xC0) != 0x80)
			n++;
	return n;
}

void cli_csv_quote(FILE *f, const char *s, const char *special)
{
	if (!strpbrk(s, special)) {
		fputs(s, f);
		return;
	}
	fputc('"', f);
	for (; *s; s++) {
		if (*s == '"')
			fputc('"', f);
		fputc(*s, f);
	}
	fputc('"', f);
}

void cli_csv_str(FILE *f, const char *s)
{
	cli_csv_quote(f, s, ",\"\n\r");
}

void out_flush(struct out *o)
{
	FILE *f = o->c->out;
	int width[OUT_MAX_COLS] = { 0 };

	if (o->mode == OUT_TABLE && o->nrows) {
		for (int j = 0; j < o->ncols; j++) {
			width[j] = text_width(o->heads[j]);
			if (o->minw[j] > width[j])
				width[j] = o->minw[j];
		}
		for (size_t i = 0; i < o->nrows; i++)
			for (int j = 0; j < o->ncols; j++) {
				const char *s = o->cells[i * OUT_MAX_COLS + j];
				int wd = s ? text_width(s) : 0;

				if (wd > width[j])
					width[j] = wd;
			}
		for (size_t i = o->no_header ? 1 : 0; i <= o->nrows; i++) {
			char *line = NULL;
			size_t len = 0;
			FILE *lf = open_memstream(&line, &len);

			if (!lf)
				break;
			for (int j = 0; j < o->ncols; j++) {
				const char *s = i == 0 ? o->heads[j] :
					o->cells[(i - 1) * OUT_MAX_COLS + j];
				int pad;

				if (!s)
					s = "";
				pad = width[j] - text_width(s);
				if (o->right[j])
					fprintf(lf, "%*s%s", pad, "", s);
				else
					fprintf(lf, "%s%*s", s, pad, "");
				if (j < o->ncols - 1)
					fputs("  ", lf);
			}
			fclose(lf);
			while (len && line[len - 1] == ' ')
				line[--len] = '\0';
			fprintf(f, "%s\n", line);
			free(line);
		}
	} else if (o->mode == OUT_CSV && o->nrows) {
		for (size_t i = o->no_header ? 1 : 0; i <= o->nrows; i++) {
			for (int j = 0; j < o->ncols; j++) {
				const char *s = i == 0 ? o->heads[j] :
					o->cells[(i - 1) * OUT_MAX_COLS + j];

				if (j)
					fputc(',', f);
				cli_csv_quote(f, s ? s : "", ",\"\n");
			}
			fputc('\n', f);
		}
	}
	for (size_t i = 0; i < o->nrows * OUT_MAX_COLS; i++)
		free(o->cells[i]);
	free(o->cells);
	o->cells = NULL;
	o->nrows = o->cap = 0;
	fflush(f);
}

/*
 * Text cell: in tables the header is @head (CSV: @key); in pairs, one
 * "Head: value" line.
 */
static void out_text(struct out *o, const char *key, const char *head,
		     const char *text)
{
	const char *h = o->mode == OUT_CSV ? key : head;

	if (!h || (o->mode == OUT_CSV && !head))
		return;
	if (o->mode == OUT_PAIRS) {
		char label[64];

		snprintf(label, sizeof(label), "%s:", head);
		fprintf(o->c->out, "%-22s %s\n", label, text ? text : "-");
		return;
	}
	if (o->col >= OUT_MAX_COLS)
		return;
	if (o->nrows == 0)
		o->heads[o->col] = h;
	o->cells[o->nrows * OUT_MAX_COLS + o->col] =
		strdup(text ? text : (o->mode == OUT_CSV ? "" : "-"));
	o->col++;
}

void out_right(struct out *o)
{
	if (o->col > 0 && o->col <= OUT_MAX_COLS)
		o->right[o->col - 1] = true;
}

void out_str(struct out *o, const char *key, const char *head, const char *v)
{
	if (o->mode == OUT_JSON) {
		if (key)
			jw_kv_string(o->w, key, v);
		return;
	}
	out_text(o, key, head, v);
}

void out_uint(struct out *o, const char *key, const char *head, uint64_t v)
{
	char buf[32];

	if (o->mode == OUT_JSON) {
		if (key)
			jw_kv_uint(o->w, key, v);
		return;
	}
	snprintf(buf, sizeof(buf), "%llu", (unsigned long long)v);
	out_text(o, key, head, buf);
}

void out_int(struct out *o, const char *key, const char *head, int64_t v)
{
	char buf[32];

	if (o->mode == OUT_JSON) {
		if (key)
			jw_kv_int(o->w, key, v);
		return;
	}
	snprintf(buf, sizeof(buf), "%lld", (long long)v);
	out_text(o, key, head, buf);
}

void out_hex(struct out *o, const char *key, const char *head, uint32_t v)
{
	char buf[16];

	if (o->mode == OUT_JSON) {
		if (key)
			jw_kv_uint(o->w, key, v);
		return;
	}
	snprintf(buf, sizeof(buf), "0x%08x", v);
	out_text(o, key, head, buf);
}

void out_bool(struct out *o, const char *key, const char *head, bool v,
	      const char *text_true, const char *text_false)
{
	if (o->mode == OUT_JSON) {
		if (key)
			jw_kv_bool(o->w, key, v);
		return;
	}
	out_text(o, key, head, v ? text_true : text_false);
}

void out_num(struct out *o, const char *key, const char *head, double v,
	     bool valid, const char *text)
{
	if (o->mode == OUT_JSON) {
		if (!key)
			return;
		jw_key(o->w, key);
		if (valid)
			jw_double(o->w, v);
		else
			jw_null(o->w);
		return;
	}
	out_text(o, key, head, text);
}

/* ------------------------------------------------------------------ */
/* Numbers                                                             */

void cli_format_double(double v, char *buf, size_t len)
{
	/* 15 significant digits: every decimal of the scaled value (raw x
	 * 10^exp) and none of the binary rounding of the product: 50.033 and
	 * 3.3, not 50.033000000000001 and 3.3000000000000003 (the same
	 * precision as JSON numbers, jw_double). */
	snprintf(buf, len, "%.15g", v);
}

/* ------------------------------------------------------------------ */
/* Values that could not be read                                       */

bool cli_uri_lacks_memory(struct stlm_session *s)
{
	const char *u = s ? stlm_session_uri(s) : NULL;
	const char *q;

	if (!u || (strncmp(u, "unix:", 5) && strncmp(u, "tcp:", 4)))
		return false;
	q = strchr(u, '?');
	return !q || !strstr(q, "mem=");
}

void cli_tally_add(struct cli_tally *t, const struct stlm_sample *v)
{
	t->total++;
	if (v && (v->flags & STLM_SAMPLE_VALID)) {
		t->valid++;
		return;
	}
	if (!v || (v->flags & STLM_SAMPLE_UNREACHABLE))
		t->unreachable++;
	if (!t->problem)
		t->problem = cli_sample_problem(v);
}

static const char *problem_text(const char *p, bool one)
{
	if (p && !strcmp(p, "disabled"))
		return one ? "the DE is disabled (stlm enable, or --enable)" :
			     "the DEs are disabled (stlm enable, or --enable)";
	if (p && !strcmp(p, "unreachable"))
		return one ? "the platform provided no value for the DE" :
			     "the platform provided no value for the DEs";
	if (p && !strcmp(p, "torn"))
		return "the platform was updating the values on every attempt (torn)";
	return one ? "the DE has no valid value" : "the DEs have no valid value";
}

int cli_tally_verdict(struct cli *c, struct cli_tally *t, const char *extra)
{
	bool lacks = t->unreachable && cli_uri_lacks_memory(c->s);
	char hint[600];

	if (lacks)
		snprintf(hint, sizeof(hint),
			 "'%s' names no memory file: SHMTI and FastChannel values are read from the platform's shared memory; add ?mem=FILE (the file the platform serves, stlm-platform --mem)",
			 stlm_session_uri(c->s));
	if (t->total && !t->valid) {
		if (lacks)
			cli_err(c, "no value could be read: %s", hint);
		else
			cli_err(c, "no value could be read: %s%s%s",
				problem_text(t->problem, t->total == 1),
				extra && t->unreachable ? "; " : "",
				extra && t->unreachable ? extra : "");
		return 1;
	}
	if (lacks && !t->hinted && !c->quiet)
		fprintf(stderr, "stlm: %zu of %zu DEs have no value: %s\n",
			t->total - t->valid, t->total, hint);
	t->hinted = lacks || t->hinted;
	return 0;
}
