// SPDX-License-Identifier: MIT
/*
 * Copyright (c) 2026 The stlm authors
 *
 * Derived-metric expressions: compiler and evaluator. See expr.h for the
 * theory of operation and docs/catalog-format.md for the language.
 */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "expr.h"

enum op_code {
	OP_NUM,		/* push num */
	OP_INPUT,	/* push input arg read as mode */
	OP_DERIVED,	/* push derived metric arg */
	OP_NEG,
	OP_ABS,
	OP_ADD,
	OP_SUB,
	OP_MUL,
	OP_DIV,
	OP_AGG_INIT,	/* push the accumulator of aggregate fn */
	OP_AGG_STEP,	/* pop an item, fold it into the accumulator */
	OP_AGG_END,	/* finish the accumulator */
};

enum agg_fn {
	AGG_SUM,
	AGG_AVG,
	AGG_MIN,
	AGG_MAX,
	AGG_COUNT,
};

/**
 * struct expr_op - one operation
 * @code: enum op_code
 * @fn:   enum agg_fn (aggregates) or enum expr_mode (OP_INPUT)
 * @arg:  input or derived index
 * @num:  OP_NUM's value
 */
struct expr_op {
	uint8_t code;
	uint8_t fn;
	uint32_t arg;
	double num;
};

struct expr {
	struct expr_op *ops;
	size_t n;
	int max_stack;
};

/* ------------------------------------------------------------------ */
/* Compiler                                                            */

struct parser {
	const char *s;
	size_t len;
	size_t pos;
	const struct expr_resolver *r;
	struct expr_op *ops;
	size_t n;
	size_t cap;
	int depth;
	int sp;
	int max_sp;
	int error;		/* -ENOMEM or -EINVAL once failed */
	struct expr_error *err;
};

static const struct {
	const char *name;
	int fn;
} aggs[] = {
	{ "sum", AGG_SUM }, { "avg", AGG_AVG }, { "min", AGG_MIN },
	{ "max", AGG_MAX }, { "count", AGG_COUNT },
};

__attribute__((format(printf, 3, 4)))
static int fail(struct parser *p, size_t pos, const char *fmt, ...)
{
	va_list ap;

	if (p->error)
		return p->error;
	p->error = -EINVAL;
	if (p->err) {
		p->err->col = (int)pos + 1;
		va_start(ap, fmt);
		vsnprintf(p->err->msg, sizeof(p->err->msg), fmt, ap);
		va_end(ap);
	}
	return -EINVAL;
}

static int emit(struct parser *p, uint8_t code, uint8_t fn, uint32_t arg,
		double num)
{
	struct expr_op *op;

	if (p->error)
		return p->error;
	if (p->n >= EXPR_MAX_OPS)
		return fail(p, p->pos, "expression too large (more than %d operations)",
			    EXPR_MAX_OPS);
	if (p->n == p->cap) {
		size_t cap = p->cap ? p->cap * 2 : 16;
		struct expr_op *v = realloc(p->ops, cap * sizeof(*v));

		if (!v) {
			p->error = -ENOMEM;
			return -ENOMEM;
		}
		p->ops = v;
		p->cap = cap;
	}
	op = &p->ops[p->n++];
	op->code = code;
	op->fn = fn;
	op->arg = arg;
	op->num = num;
	switch (code) {
	case OP_NUM:
	case OP_INPUT:
	case OP_DERIVED:
	case OP_AGG_INIT:
		p->sp++;
		break;
	case OP_ADD:
	case OP_SUB:
	case OP_MUL:
	case OP_DIV:
	case OP_AGG_STEP:
		p->sp--;
		break;
	default:
		break;
	}
	if (p->sp > p->max_sp)
		p->max_sp = p->sp;
	return 0;
}

static void skip_ws(struct parser *p)
{
	while (p->pos < p->len && (p->s[p->pos] == ' ' || p->s[p->pos] == '\t' ||
				   p->s[p->pos] == '\n' || p->s[p->pos] == '\r'))
		p->pos++;
}

static int peek(struct parser *p)
{
	skip_ws(p);
	return p->pos < p->len ? (unsigned char)p->s[p->pos] : -1;
}

static bool is_name_start(int c)
{
	return (c >= 'a' && c <= 'z') || c == '_' || c == '*';
}

static bool is_name_char(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' ||
	       c == '.' || c == '*';
}

static bool is_digit(int c)
{
	return c >= '0' && c <= '9';
}

/* Describe the token at pos for messages ("'x'", "end of expression"). */
static const char *what_at(struct parser *p, size_t pos, char *buf, size_t n)
{
	size_t l = 0;

	if (pos >= p->len)
		return "end of expression";
	if (is_name_char((unsigned char)p->s[pos])) {
		while (pos + l < p->len && l < 40 &&
		       is_name_char((unsigned char)p->s[pos + l]))
			l++;
	} else {
		l = 1;
	}
	snprintf(n ? buf : NULL, n, "'%.*s'", (int)l, p->s + pos);
	return buf;
}

static int enter(struct parser *p, size_t pos)
{
	if (++p->depth > EXPR_MAX_DEPTH)
		return fail(p, pos, "nesting deeper than %d", EXPR_MAX_DEPTH);
	return 0;
}

/* A decimal number: digits [. digits] [e [+-] digits]. */
static int parse_number(struct parser *p, double *ret)
{
	size_t start = p->pos, i = p->pos;
	uint64_t m = 0;
	int digits = 0, scale = 0, e = 0, esign = 1;
	double v;

	while (i < p->len && is_digit(p->s[i])) {
		if (digits < 19) {
			m = m * 10 + (uint64_t)(p->s[i] - '0');
			if (m)
				digits++;
		} else {
			scale++;
		}
		i++;
	}
	if (i < p->len && p->s[i] == '.') {
		i++;
		while (i < p->len && is_digit(p->s[i])) {
			if (digits < 19) {
				m = m * 10 + (uint64_t)(p->s[i] - '0');
				if (m)
					digits++;
				scale--;
			}
			i++;
		}
	}
	if (i < p->len && (p->s[i] == 'e' || p->s[i] == 'E')) {
		size_t j = i + 1;

		if (j < p->len && (p->s[j] == '+' || p->s[j] == '-')) {
			esign = p->s[j] == '-' ? -1 : 1;
			j++;
		}
		if (j >= p->len || !is_digit(p->s[j]))
			return fail(p, start, "bad number '%.*s'",
				    (int)(j - start), p->s + start);
		while (j < p->len && is_digit(p->s[j])) {
			if (e < 10000)
				e = e * 10 + (p->s[j] - '0');
			j++;
		}
		i = j;
	}
	if (i < p->len && (is_name_char((unsigned char)p->s[i]) ||
			   p->s[i] == '.'))
		return fail(p, start, "bad number '%.*s'", (int)(i + 1 - start),
			    p->s + start);
	e = e * esign + scale;
	v = (double)m;
	/* 10^k is exact up to 22: one rounding for the common cases. */
	if (e > 0 && e <= 22)
		v *= pow(10.0, e);
	else if (e < 0 && e >= -22)
		v /= pow(10.0, -e);
	else if (e)
		v *= pow(10.0, e);
	if (!isfinite(v))
		return fail(p, start, "number out of range '%.*s'",
			    (int)(i - start), p->s + start);
	p->pos = i;
	*ret = v;
	return 0;
}

/* Scan a name or glob at p->pos; checks its syntax. */
static int scan_name(struct parser *p, size_t *ret_len, bool *ret_glob)
{
	size_t start = p->pos, i = p->pos, seg = p->pos;
	bool glob = false;

	while (i < p->len && is_name_char((unsigned char)p->s[i]))
		i++;
	for (size_t j = start; j <= i; j++) {
		if (j == i || p->s[j] == '.') {
			size_t sl = j - seg;

			if (sl == 0 || (memchr(p->s + seg, '*', sl) && sl != 1) ||
			    (j == i && j < p->len && p->s[j] == '.'))
				return fail(p, start, "bad name '%.*s'",
					    (int)(i - start), p->s + start);
			if (p->s[seg] == '*')
				glob = true;
			seg = j + 1;
		}
	}
	*ret_len = i - start;
	*ret_glob = glob;
	p->pos = i;
	return 0;
}

static int parse_expr(struct parser *p);

struct glob_ctx {
	struct parser *p;
	size_t pos;
	int mode;
	size_t len;
};

static int glob_cb(void *data, const struct expr_ref *ref)
{
	struct glob_ctx *g = data;
	int r;

	if (ref->type == EXPR_REF_DERIVED) {
		if (g->mode != EXPR_VALUE)
			return fail(g->p, g->pos,
				    "rate() and delta() take DEs, '%.*s' matches a derived metric",
				    (int)g->len, g->p->s + g->pos);
		r = emit(g->p, OP_DERIVED, 0, ref->index, 0);
	} else {
		r = emit(g->p, OP_INPUT, (uint8_t)g->mode, ref->index, 0);
	}
	if (r < 0)
		return r;
	return emit(g->p, OP_AGG_STEP, 0, 0, 0);
}

static int expand_glob(struct parser *p, size_t pos, size_t len, int mode)
{
	struct glob_ctx g = { .p = p, .pos = pos, .mode = mode, .len = len };
	int r;

	if (!p->r || !p->r->glob)
		return fail(p, pos, "globs are not available here");
	r = p->r->glob(p->r->data, p->s + pos, len, glob_cb, &g);
	if (r < 0)
		return p->error ? p->error : fail(p, pos, "bad glob '%.*s'",
						  (int)len, p->s + pos);
	return 0;
}

static int resolve_name(struct parser *p, size_t pos, size_t len,
			struct expr_ref *ref)
{
	if (!p->r || !p->r->name ||
	    p->r->name(p->r->data, p->s + pos, len, ref) < 0)
		return fail(p, pos, "unknown name '%.*s'", (int)len, p->s + pos);
	return 0;
}

/* de(ID): ID decimal or 0x hex, a u32. */
static int parse_de_id(struct parser *p, struct expr_ref *ref)
{
	size_t start, i;
	uint64_t v = 0;
	bool hex = false;

	peek(p);
	start = i = p->pos;
	if (i + 1 < p->len && p->s[i] == '0' &&
	    (p->s[i + 1] == 'x' || p->s[i + 1] == 'X')) {
		hex = true;
		i += 2;
	}
	if (i >= p->len || !is_digit(p->s[start]) ||
	    !(is_digit(p->s[i]) || (hex && isxdigit((unsigned char)p->s[i]))))
		return fail(p, start, "de() takes a DE id");
	while (i < p->len) {
		int c = (unsigned char)p->s[i], d;

		if (is_digit(c))
			d = c - '0';
		else if (hex && c >= 'a' && c <= 'f')
			d = c - 'a' + 10;
		else if (hex && c >= 'A' && c <= 'F')
			d = c - 'A' + 10;
		else if (is_name_char(c) || (c >= 'A' && c <= 'Z'))
			return fail(p, start, "bad DE id");
		else
			break;
		v = v * (hex ? 16 : 10) + (uint64_t)d;
		if (v > 0xFFFFFFFFull)
			return fail(p, start, "DE id out of range");
		i++;
	}
	p->pos = i;
	if (!p->r || !p->r->id || p->r->id(p->r->data, (uint32_t)v, ref) < 0)
		return fail(p, start, "unknown DE id 0x%08llX",
			    (unsigned long long)v);
	return 0;
}

static int expect_close(struct parser *p)
{
	char buf[48];
	int c = peek(p);

	if (c == ')') {
		p->pos++;
		return 0;
	}
	if (c < 0)
		return fail(p, p->pos, "missing ')'");
	return fail(p, p->pos, "expected ')' but found %s",
		    what_at(p, p->pos, buf, sizeof(buf)));
}

/*
 * A DE reference for rate()/delta()/a glob: NAME, glob or de(ID). With
 * allow_glob, a glob is expanded into aggregate steps (*ret_expanded).
 */
static int parse_de_ref(struct parser *p, int mode, bool allow_glob,
			bool *ret_expanded)
{
	struct expr_ref ref;
	size_t pos, len;
	bool glob;
	int c = peek(p), r;

	*ret_expanded = false;
	pos = p->pos;
	if (!is_name_start(c))
		return fail(p, pos, "%s() takes a DE name, de(ID) or a glob",
			    mode == EXPR_RATE ? "rate" : "delta");
	r = scan_name(p, &len, &glob);
	if (r < 0)
		return r;
	if (glob) {
		if (!allow_glob)
			return fail(p, pos, "glob '%.*s' outside an aggregate",
				    (int)len, p->s + pos);
		*ret_expanded = true;
		return expand_glob(p, pos, len, mode);
	}
	if (len == 2 && !memcmp(p->s + pos, "de", 2) && peek(p) == '(') {
		p->pos++;
		r = enter(p, pos);
		if (r < 0)
			return r;
		r = parse_de_id(p, &ref);
		if (r < 0)
			return r;
		r = expect_close(p);
		p->depth--;
	} else {
		r = resolve_name(p, pos, len, &ref);
		if (r == 0 && ref.type != EXPR_REF_INPUT)
			r = fail(p, pos, "%s() takes a DE, '%.*s' is a derived metric",
				 mode == EXPR_RATE ? "rate" : "delta", (int)len,
				 p->s + pos);
	}
	if (r < 0)
		return r;
	return emit(p, OP_INPUT, (uint8_t)mode, ref.index, 0);
}

/*
 * One aggregate argument: a glob, rate(glob), delta(glob) (expanded into
 * steps), or an expression (one step).
 */
static int parse_agg_arg(struct parser *p)
{
	size_t save = p->pos, pos, len;
	bool glob, expanded;
	int r, c = peek(p);

	pos = p->pos;
	if (is_name_start(c)) {
		r = scan_name(p, &len, &glob);
		if (r < 0)
			return r;
		if (glob) {
			c = peek(p);
			if (c >= 0 && c != ',' && c != ')')
				return fail(p, pos, "glob '%.*s' outside an aggregate",
					    (int)len, p->s + pos);
			return expand_glob(p, pos, len, EXPR_VALUE);
		}
		if (((len == 4 && !memcmp(p->s + pos, "rate", 4)) ||
		     (len == 5 && !memcmp(p->s + pos, "delta", 5))) &&
		    peek(p) == '(') {
			int mode = len == 4 ? EXPR_RATE : EXPR_DELTA;
			size_t inner;

			p->pos++;
			r = enter(p, pos);
			if (r < 0)
				return r;
			inner = (peek(p), p->pos);
			if (is_name_start(p->pos < p->len ?
					  (unsigned char)p->s[p->pos] : 0)) {
				r = scan_name(p, &len, &glob);
				if (r < 0)
					return r;
				p->pos = inner;
				if (glob) {
					r = parse_de_ref(p, mode, true, &expanded);
					if (r < 0)
						return r;
					r = expect_close(p);
					p->depth--;
					if (r < 0)
						return r;
					c = peek(p);
					if (c >= 0 && c != ',' && c != ')')
						return fail(p, pos,
							    "glob '%.*s' outside an aggregate",
							    (int)len, p->s + inner);
					return 0;
				}
			}
			p->depth--;
		}
	}
	p->pos = save;
	r = parse_expr(p);
	if (r < 0)
		return r;
	return emit(p, OP_AGG_STEP, 0, 0, 0);
}

static int parse_call(struct parser *p, size_t pos, size_t len)
{
	const char *name = p->s + pos;
	bool expanded;
	int r;

	r = enter(p, pos);
	if (r < 0)
		return r;
	p->pos++;			/* '(' */
	for (size_t i = 0; i < sizeof(aggs) / sizeof(aggs[0]); i++) {
		if (strlen(aggs[i].name) != len || memcmp(aggs[i].name, name, len))
			continue;
		r = emit(p, OP_AGG_INIT, (uint8_t)aggs[i].fn, 0, 0);
		if (r < 0)
			return r;
		if (peek(p) == ')')
			return fail(p, p->pos, "%.*s() needs at least one argument",
				    (int)len, name);
		for (;;) {
			r = parse_agg_arg(p);
			if (r < 0)
				return r;
			if (peek(p) != ',')
				break;
			p->pos++;
		}
		r = expect_close(p);
		if (r < 0)
			return r;
		p->depth--;
		return emit(p, OP_AGG_END, (uint8_t)aggs[i].fn, 0, 0);
	}
	if ((len == 4 && !memcmp(name, "rate", 4)) ||
	    (len == 5 && !memcmp(name, "delta", 5))) {
		r = parse_de_ref(p, len == 4 ? EXPR_RATE : EXPR_DELTA, false,
				 &expanded);
	} else if (len == 3 && !memcmp(name, "abs", 3)) {
		r = parse_expr(p);
		if (r == 0)
			r = emit(p, OP_ABS, 0, 0, 0);
	} else if (len == 2 && !memcmp(name, "de", 2)) {
		struct expr_ref ref;

		r = parse_de_id(p, &ref);
		if (r == 0)
			r = emit(p, OP_INPUT, EXPR_VALUE, ref.index, 0);
	} else {
		return fail(p, pos, "unknown function '%.*s'", (int)len, name);
	}
	if (r < 0)
		return r;
	r = expect_close(p);
	p->depth--;
	return r;
}

static int parse_primary(struct parser *p)
{
	char buf[48];
	size_t pos, len;
	bool glob;
	int c = peek(p), r;

	pos = p->pos;
	if (c == '(') {
		r = enter(p, pos);
		if (r < 0)
			return r;
		p->pos++;
		r = parse_expr(p);
		if (r < 0)
			return r;
		r = expect_close(p);
		p->depth--;
		return r;
	}
	if (is_digit(c) || (c == '.' && pos + 1 < p->len &&
			    is_digit(p->s[pos + 1]))) {
		double v = 0;

		r = parse_number(p, &v);
		if (r < 0)
			return r;
		return emit(p, OP_NUM, 0, 0, v);
	}
	if (is_name_start(c)) {
		struct expr_ref ref;

		r = scan_name(p, &len, &glob);
		if (r < 0)
			return r;
		if (peek(p) == '(') {
			if (glob || memchr(p->s + pos, '.', len))
				return fail(p, pos, "unknown function '%.*s'",
					    (int)len, p->s + pos);
			return parse_call(p, pos, len);
		}
		if (glob)
			return fail(p, pos, "glob '%.*s' outside an aggregate",
				    (int)len, p->s + pos);
		r = resolve_name(p, pos, len, &ref);
		if (r < 0)
			return r;
		if (ref.type == EXPR_REF_DERIVED)
			return emit(p, OP_DERIVED, 0, ref.index, 0);
		return emit(p, OP_INPUT, EXPR_VALUE, ref.index, 0);
	}
	if (c < 0)
		return fail(p, pos, "unexpected end of expression");
	return fail(p, pos, "unexpected %s", what_at(p, pos, buf, sizeof(buf)));
}

static int parse_unary(struct parser *p)
{
	size_t pos;
	int r;

	if (peek(p) == '-') {
		pos = p->pos;
		p->pos++;
		r = enter(p, pos);
		if (r < 0)
			return r;
		r = parse_unary(p);
		if (r < 0)
			return r;
		p->depth--;
		return emit(p, OP_NEG, 0, 0, 0);
	}
	return parse_primary(p);
}

static int parse_term(struct parser *p)
{
	int r = parse_unary(p), c;

	while (r == 0 && ((c = peek(p)) == '*' || c == '/')) {
		p->pos++;
		r = parse_unary(p);
		if (r == 0)
			r = emit(p, c == '*' ? OP_MUL : OP_DIV, 0, 0, 0);
	}
	return r;
}

static int parse_expr(struct parser *p)
{
	int r = parse_term(p), c;

	while (r == 0 && ((c = peek(p)) == '+' || c == '-')) {
		p->pos++;
		r = parse_term(p);
		if (r == 0)
			r = emit(p, c == '+' ? OP_ADD : OP_SUB, 0, 0, 0);
	}
	return r;
}

int expr_compile(const char *text, const struct expr_resolver *r,
		 struct expr **ret, struct expr_error *err)
{
	struct parser p = { .s = text, .r = r, .err = err };
	struct expr *e;
	char buf[48];
	int rc;

	if (err) {
		err->col = 0;
		err->msg[0] = '\0';
	}
	if (!text || !ret)
		return -EINVAL;
	p.len = strnlen(text, EXPR_MAX_LEN + 1);
	if (p.len > EXPR_MAX_LEN)
		return fail(&p, 0, "expression longer than %d characters",
			    EXPR_MAX_LEN);
	if (peek(&p) < 0)
		return fail(&p, 0, "empty expression");
	rc = parse_expr(&p);
	if (rc == 0 && peek(&p) >= 0)
		rc = fail(&p, p.pos, "unexpected %s",
			  what_at(&p, p.pos, buf, sizeof(buf)));
	if (rc == 0 && (p.sp != 1 || p.max_sp > EXPR_MAX_STACK))
		rc = fail(&p, 0, "expression too complex");
	if (rc < 0) {
		free(p.ops);
		return rc;
	}
	e = calloc(1, sizeof(*e));
	if (!e) {
		free(p.ops);
		return -ENOMEM;
	}
	e->ops = p.ops;
	e->n = p.n;
	e->max_stack = p.max_sp;
	*ret = e;
	return 0;
}

void expr_free(struct expr *e)
{
	if (!e)
		return;
	free(e->ops);
	free(e);
}

size_t expr_size(const struct expr *e)
{
	return e ? e->n : 0;
}

void expr_foreach_derived(const struct expr *e,
			  void (*fn)(void *data, uint32_t index), void *data)
{
	for (size_t i = 0; e && i < e->n; i++)
		if (e->ops[i].code == OP_DERIVED)
			fn(data, e->ops[i].arg);
}

/* ------------------------------------------------------------------ */
/* Evaluator                                                           */

/* A stack entry: a value, its error, and an aggregate's item count. */
struct slot {
	double v;
	int err;
	uint8_t fn;
	uint32_t n;
};

static void fold(struct slot *acc, int fn, double x)
{
	switch (fn) {
	case AGG_MIN:
		if (acc->n == 0 || x < acc->v)
			acc->v = x;
		break;
	case AGG_MAX:
		if (acc->n == 0 || x > acc->v)
			acc->v = x;
		break;
	case AGG_COUNT:
		break;
	default:
		acc->v += x;
		break;
	}
	acc->n++;
}

int expr_eval(const struct expr *e, const struct expr_env *env,
	      unsigned int depth, double *ret)
{
	struct slot st[EXPR_MAX_STACK];
	int sp = 0;

	if (!e || !env || !ret || e->max_stack > EXPR_MAX_STACK)
		return -EINVAL;
	if (depth > EXPR_MAX_CHAIN)
		return -ELOOP;
	for (size_t i = 0; i < e->n; i++) {
		const struct expr_op *op = &e->ops[i];
		struct slot *a, *b;

		switch (op->code) {
		case OP_NUM:
			st[sp++] = (struct slot){ .v = op->num };
			break;
		case OP_INPUT:
			st[sp] = (struct slot){ 0 };
			st[sp].err = env->input ?
				env->input(env->data, op->arg, op->fn, &st[sp].v) :
				-ENODATA;
			sp++;
			break;
		case OP_DERIVED:
			st[sp] = (struct slot){ 0 };
			st[sp].err = env->derived ?
				env->derived(env->data, op->arg, depth + 1,
					     &st[sp].v) : -ENODATA;
			sp++;
			break;
		case OP_NEG:
			st[sp - 1].v = -st[sp - 1].v;
			break;
		case OP_ABS:
			st[sp - 1].v = fabs(st[sp - 1].v);
			break;
		case OP_ADD:
		case OP_SUB:
		case OP_MUL:
		case OP_DIV:
			a = &st[sp - 2];
			b = &st[sp - 1];
			sp--;
			if (a->err)
				break;
			if (b->err) {
				a->err = b->err;
				break;
			}
			if (op->code == OP_ADD)
				a->v += b->v;
			else if (op->code == OP_SUB)
				a->v -= b->v;
			else if (op->code == OP_MUL)
				a->v *= b->v;
			else if (b->v == 0.0)
				a->err = -EDOM;
			else
				a->v /= b->v;
			break;
		case OP_AGG_INIT:
			st[sp++] = (struct slot){ .fn = op->fn };
			break;
		case OP_AGG_STEP:
			a = &st[sp - 2];
			b = &st[sp - 1];
			sp--;
			if (a->err || b->err == -ENODATA)
				break;
			if (b->err)
				a->err = b->err;
			else
				fold(a, a->fn, b->v);
			break;
		case OP_AGG_END:
			a = &st[sp - 1];
			if (a->err)
				break;
			if (op->fn == AGG_COUNT)
				a->v = (double)a->n;
			else if (a->n == 0)
				a->err = -ENODATA;
			else if (op->fn == AGG_AVG)
				a->v /= (double)a->n;
			break;
		default:
			return -EINVAL;
		}
	}
	if (sp != 1)
		return -EINVAL;
	if (st[0].err)
		return st[0].err;
	if (!isfinite(st[0].v))
		return -EDOM;
	*ret = st[0].v;
	return 0;
}
