// SPDX-License-Identifier: MIT
/*
 * Copyright (c) 2026 The stlm authors
 *
 * The derived-metric expression language (formats/expr.c) on its own: a fake
 * resolver and environment stand for the catalog and the snapshots.
 * Precedence, associativity, unary minus, functions and aggregates, every
 * compile error with its column, evaluation errors, limits, and that
 * evaluation allocates nothing.
 */
#define STLM_TEST_GROUP "expr"
#include "stlm-test.h"

#include <malloc.h>
#include <math.h>
#include <stdlib.h>

#include "expr.h"

/* Inputs: name, value, valid; rate = value * 10, delta = value * 2. */
static const char *const in_names[] = {
	"a", "b", "c", "zero", "cpu.0.power", "cpu.1.power", "cpu.2.power",
	"cpu.0.temp", "cpu.1.temp", "bad",
};
static double in_vals[] = { 2, 3, 4, 0, 1.5, 2.5, 3.5, 50, 70, 9 };
static bool in_valid[] = { 1, 1, 1, 1, 1, 1, 1, 1, 1, 0 };
#define N_IN (sizeof(in_names) / sizeof(in_names[0]))
/* Derived: "d.sum" = index 0 (value 100), "d.bad" = 1 (ENODATA). */
static bool have_prev = true;

static int r_name(void *data, const char *name, size_t len,
		  struct expr_ref *ret)
{
	for (size_t i = 0; i < N_IN; i++)
		if (strlen(in_names[i]) == len && !memcmp(in_names[i], name, len)) {
			ret->type = EXPR_REF_INPUT;
			ret->index = (uint32_t)i;
			return 0;
		}
	if (len == 5 && !memcmp(name, "d.sum", 5)) {
		ret->type = EXPR_REF_DERIVED;
		ret->index = 0;
		return 0;
	}
	if (len == 5 && !memcmp(name, "d.bad", 5)) {
		ret->type = EXPR_REF_DERIVED;
		ret->index = 1;
		return 0;
	}
	return -ENOENT;
}

static int r_id(void *data, uint32_t id, struct expr_ref *ret)
{
	if (id >= 0x100 && id < 0x100 + N_IN) {
		ret->type = EXPR_REF_INPUT;
		ret->index = id - 0x100;
		return 0;
	}
	return -ENOENT;
}

static bool gmatch(const char *g, size_t gl, const char *n)
{
	/* only "cpu.*.X" and "*.*.*" style globs are needed here */
	size_t i = 0;

	while (i < gl) {
		size_t gs = i, ns = strcspn(n, ".");

		while (i < gl && g[i] != '.')
			i++;
		if (!(i - gs == 1 && g[gs] == '*') &&
		    (ns != i - gs || memcmp(n, g + gs, ns)))
			return false;
		n += ns;
		if (i < gl) {
			if (*n != '.')
				return false;
			n++;
			i++;
		}
	}
	return !*n;
}

static int r_glob(void *data, const char *g, size_t len,
		  int (*cb)(void *, const struct expr_ref *), void *cbdata)
{
	int n = 0;

	for (size_t i = 0; i < N_IN; i++) {
		struct expr_ref ref = { EXPR_REF_INPUT, (uint32_t)i };
		int r;

		if (!gmatch(g, len, in_names[i]))
			continue;
		r = cb(cbdata, &ref);
		if (r < 0)
			return r;
		n++;
	}
	return n;
}

static const struct expr_resolver res = {
	.name = r_name, .id = r_id, .glob = r_glob,
};

static int e_input(void *data, uint32_t i, int mode, double *ret)
{
	if (i >= N_IN || !in_valid[i])
		return -ENODATA;
	if (mode != EXPR_VALUE && !have_prev)
		return -EDOM;
	*ret = in_vals[i] * (mode == EXPR_RATE ? 10 : mode == EXPR_DELTA ? 2 : 1);
	return 0;
}

static int e_derived(void *data, uint32_t i, unsigned int depth, double *ret)
{
	if (i == 0) {
		*ret = 100;
		return 0;
	}
	return -ENODATA;
}

static const struct expr_env env = { .input = e_input, .derived = e_derived };

static int ev(const char *text, double *ret)
{
	struct expr_error err;
	struct expr *e = NULL;
	int r = expr_compile(text, &res, &e, &err);

	if (r < 0) {
		fprintf(stderr, "compile '%s': %d: col %d: %s\n", text, r,
			err.col, err.msg);
		return -999;
	}
	r = expr_eval(e, &env, 0, ret);
	expr_free(e);
	return r;
}

#define ASSERT_EVAL(text, want)                                               \
	do {                                                                  \
		double _v = NAN, _w = (want);                                 \
		ASSERT_EQ(ev(text, &_v), 0);                                  \
		if (fabs(_v - _w) > 1e-12 * (fabs(_w) + 1))                   \
			STLM_FAIL_AT("'%s' = %.17g, want %.17g", text, _v,    \
				     _w);                                     \
	} while (0)

#define ASSERT_EVAL_ERR(text, err)                                            \
	do {                                                                  \
		double _v;                                                    \
		ASSERT_EQ(ev(text, &_v), err);                                \
	} while (0)

/* Compile must fail at col with exactly msg. */
#define ASSERT_COMPILE_ERR(text, want_col, want_msg)                          \
	do {                                                                  \
		struct expr_error _e;                                         \
		struct expr *_x = NULL;                                       \
		ASSERT_ERR(expr_compile(text, &res, &_x, &_e), -EINVAL);      \
		ASSERT_NULL(_x);                                              \
		ASSERT_STREQ(_e.msg, want_msg);                               \
		ASSERT_EQ(_e.col, want_col);                                  \
	} while (0)

STLM_TEST(numbers)
{
	ASSERT_EVAL("42", 42);
	ASSERT_EVAL("  3.25 ", 3.25);
	ASSERT_EVAL(".5", 0.5);
	ASSERT_EVAL("1e3", 1000);
	ASSERT_EVAL("2.5E-2", 0.025);
	ASSERT_EVAL("0.1", 0.1);
	ASSERT_EVAL("1e+2", 100);
}

STLM_TEST(precedence)
{
	ASSERT_EVAL("1 + 2 * 3", 7);
	ASSERT_EVAL("(1 + 2) * 3", 9);
	ASSERT_EVAL("a + b * c", 14);
	ASSERT_EVAL("a * b + c", 10);
	ASSERT_EVAL("12 / a / b", 2);	/* (12 / 2) / 3 */
	ASSERT_EVAL("10 - 3 - 2", 5);	/* left associative */
	ASSERT_EVAL("2 * 3 / 4", 1.5);
	ASSERT_EVAL("1 - 2 + 3", 2);
}

STLM_TEST(unary_minus)
{
	ASSERT_EVAL("-a", -2);
	ASSERT_EVAL("--a", 2);
	ASSERT_EVAL("-a * b", -6);
	ASSERT_EVAL("a - -b", 5);
	ASSERT_EVAL("-(a + b)", -5);
	ASSERT_EVAL("-2 * -3", 6);
	ASSERT_EVAL("b - 1 * -a", 5);
}

STLM_TEST(functions)
{
	ASSERT_EVAL("sum(cpu.*.power)", 7.5);
	ASSERT_EVAL("avg(cpu.*.power)", 2.5);
	ASSERT_EVAL("max(cpu.*.temp)", 70);
	ASSERT_EVAL("min(cpu.*.power, a)", 1.5);
	ASSERT_EVAL("count(cpu.*.power)", 3);
	ASSERT_EVAL("sum(a, b, c * 2)", 13);
	ASSERT_EVAL("sum(rate(cpu.*.power))", 75);
	ASSERT_EVAL("sum(delta(cpu.*.power))", 15);
	ASSERT_EVAL("max(cpu.*.power) - min(cpu.*.power)", 2);
	ASSERT_EVAL("rate(a)", 20);
	ASSERT_EVAL("delta(b)", 6);
	ASSERT_EVAL("rate(de(0x100))", 20);
	ASSERT_EVAL("de(0x101) + de(258)", 7);
	ASSERT_EVAL("abs(a - c)", 2);
	ASSERT_EVAL("d.sum / 4", 25);
	ASSERT_EVAL("sum(rate(a), delta(b))", 26);
	ASSERT_EVAL("sum(*.*.power)", 7.5);
	ASSERT_EVAL("sum(sum(cpu.*.power), 1)", 8.5);
}

STLM_TEST(invalid_inputs)
{
	/* arithmetic on an invalid input is invalid */
	ASSERT_EVAL_ERR("bad + 1", -ENODATA);
	ASSERT_EVAL_ERR("1 * bad", -ENODATA);
	ASSERT_EVAL_ERR("d.bad", -ENODATA);
	/* aggregates skip invalid items... */
	ASSERT_EVAL("sum(a, bad)", 2);
	ASSERT_EVAL("count(a, bad, b)", 2);
	/* ...and are invalid only with none valid */
	ASSERT_EVAL_ERR("max(bad, d.bad)", -ENODATA);
	ASSERT_EVAL("count(bad)", 0);
	/* no previous snapshot */
	have_prev = false;
	ASSERT_EVAL_ERR("rate(a)", -EDOM);
	ASSERT_EVAL_ERR("sum(rate(cpu.*.power))", -EDOM);
	have_prev = true;
}

STLM_TEST(division_by_zero)
{
	ASSERT_EVAL_ERR("a / 0", -EDOM);
	ASSERT_EVAL_ERR("a / zero", -EDOM);
	ASSERT_EVAL_ERR("1 / (b - 3)", -EDOM);
	ASSERT_EVAL_ERR("sum(a, 1 / zero)", -EDOM);
	ASSERT_EVAL("zero / a", 0);
	/* overflow to infinity is a domain error too */
	ASSERT_EVAL_ERR("1e300 * 1e300", -EDOM);
}

STLM_TEST(errors)
{
	ASSERT_COMPILE_ERR("", 1, "empty expression");
	ASSERT_COMPILE_ERR("   ", 1, "empty expression");
	ASSERT_COMPILE_ERR("(a + b", 7, "missing ')'");
	ASSERT_COMPILE_ERR("((a)", 5, "missing ')'");
	ASSERT_COMPILE_ERR("a + b)", 6, "unexpected ')'");
	ASSERT_COMPILE_ERR("(a b)", 4, "expected ')' but found 'b'");
	ASSERT_COMPILE_ERR("sum(a b)", 7, "expected ')' but found 'b'");
	ASSERT_COMPILE_ERR("a + foo(b)", 5, "unknown function 'foo'");
	ASSERT_COMPILE_ERR("ratee(a)", 1, "unknown function 'ratee'");
	ASSERT_COMPILE_ERR("a + nosuch.name", 5, "unknown name 'nosuch.name'");
	ASSERT_COMPILE_ERR("a b", 3, "unexpected 'b'");
	ASSERT_COMPILE_ERR("1 2", 3, "unexpected '2'");
	ASSERT_COMPILE_ERR("a +", 4, "unexpected end of expression");
	ASSERT_COMPILE_ERR("a + / b", 5, "unexpected '/'");
	ASSERT_COMPILE_ERR("a $ b", 3, "unexpected '$'");
	ASSERT_COMPILE_ERR("A", 1, "unexpected 'A'");
	ASSERT_COMPILE_ERR("cpu..power", 1, "bad name 'cpu..power'");
	ASSERT_COMPILE_ERR("cpu.power.", 1, "bad name 'cpu.power.'");
	ASSERT_COMPILE_ERR("cpu.x*.power", 1, "bad name 'cpu.x*.power'");
	ASSERT_COMPILE_ERR("1.2.3", 1, "bad number '1.2.'");
	ASSERT_COMPILE_ERR("2x", 1, "bad number '2x'");
	ASSERT_COMPILE_ERR("1e", 1, "bad number '1e'");
	ASSERT_COMPILE_ERR("1e999", 1, "number out of range '1e999'");
	ASSERT_COMPILE_ERR("a + cpu.*.power", 5,
			   "glob 'cpu.*.power' outside an aggregate");
	ASSERT_COMPILE_ERR("sum(cpu.*.power * 2)", 5,
			   "glob 'cpu.*.power' outside an aggregate");
	ASSERT_COMPILE_ERR("rate(cpu.*.power)", 6,
			   "glob 'cpu.*.power' outside an aggregate");
	ASSERT_COMPILE_ERR("sum()", 5, "sum() needs at least one argument");
	ASSERT_COMPILE_ERR("rate(1)", 6, "rate() takes a DE name, de(ID) or a glob");
	ASSERT_COMPILE_ERR("delta(a + b)", 9, "expected ')' but found '+'");
	ASSERT_COMPILE_ERR("rate(d.sum)", 6,
			   "rate() takes a DE, 'd.sum' is a derived metric");
	ASSERT_COMPILE_ERR("de(0x999)", 4, "unknown DE id 0x00000999");
	ASSERT_COMPILE_ERR("de(a)", 4, "de() takes a DE id");
	ASSERT_COMPILE_ERR("de(0x1FFFFFFFF)", 4, "DE id out of range");
	ASSERT_COMPILE_ERR("cpu.power(a)", 1, "unknown function 'cpu.power'");
}

STLM_TEST(limits)
{
	char buf[EXPR_MAX_LEN + 64];
	struct expr_error err;
	struct expr *e = NULL;
	double v;
	size_t o = 0;

	/* EXPR_MAX_DEPTH parentheses are fine, one more is too deep */
	for (int i = 0; i < EXPR_MAX_DEPTH; i++)
		buf[o++] = '(';
	buf[o++] = '1';
	for (int i = 0; i < EXPR_MAX_DEPTH; i++)
		buf[o++] = ')';
	buf[o] = '\0';
	ASSERT_EVAL(buf, 1);
	o = 0;
	for (int i = 0; i <= EXPR_MAX_DEPTH; i++)
		buf[o++] = '(';
	buf[o++] = '1';
	for (int i = 0; i <= EXPR_MAX_DEPTH; i++)
		buf[o++] = ')';
	buf[o] = '\0';
	ASSERT_COMPILE_ERR(buf, EXPR_MAX_DEPTH + 1, "nesting deeper than 32");
	/* unary minus and calls count too */
	memset(buf, '-', EXPR_MAX_DEPTH + 1);
	strcpy(buf + EXPR_MAX_DEPTH + 1, "1");
	ASSERT_COMPILE_ERR(buf, EXPR_MAX_DEPTH + 1, "nesting deeper than 32");
	o = 0;
	for (int i = 0; i <= EXPR_MAX_DEPTH; i++)
		o += (size_t)sprintf(buf + o, "abs(");
	buf[o++] = '1';
	for (int i = 0; i <= EXPR_MAX_DEPTH; i++)
		buf[o++] = ')';
	buf[o] = '\0';
	ASSERT_COMPILE_ERR(buf, 4 * EXPR_MAX_DEPTH + 1, "nesting deeper than 32");
	/* length */
	memset(buf, ' ', EXPR_MAX_LEN + 1);
	buf[0] = '1';
	buf[EXPR_MAX_LEN + 1] = '\0';
	ASSERT_COMPILE_ERR(buf, 1, "expression longer than 1024 characters");
	buf[EXPR_MAX_LEN] = '\0';
	ASSERT_EVAL(buf, 1);
	/* a long flat sum stays within a constant stack */
	o = 0;
	for (int i = 0; i < 200; i++)
		o += (size_t)sprintf(buf + o, "%sa", i ? "+" : "");
	ASSERT_EVAL(buf, 400);
	/* program size cap (globs expanded) */
	ASSERT_OK(expr_compile("sum(cpu.*.power)", &res, &e, &err));
	ASSERT_EQ(expr_size(e), 8);	/* init, 3 x (input, step), end */
	ASSERT_OK(expr_eval(e, &env, 0, &v));
	ASSERT_ERR(expr_eval(e, &env, EXPR_MAX_CHAIN + 1, &v), -ELOOP);
	expr_free(e);
	expr_free(NULL);
}

static unsigned int derived_seen;

static void seen(void *data, uint32_t i)
{
	derived_seen |= 1u << i;
}

STLM_TEST(derived_refs)
{
	struct expr_error err;
	struct expr *e = NULL;

	ASSERT_OK(expr_compile("d.sum + d.bad * 2 + a", &res, &e, &err));
	derived_seen = 0;
	expr_foreach_derived(e, seen, NULL);
	ASSERT_EQ(derived_seen, 3);
	expr_free(e);
}

STLM_TEST(eval_allocates_nothing)
{
	static const char *const texts[] = {
		"sum(cpu.*.power) / count(cpu.*.power) + max(cpu.*.temp)",
		"sum(rate(cpu.*.power)) / (sum(delta(cpu.*.power)) + 1)",
		"-(a + b) * c / (d.sum - 1) + abs(de(0x102))",
		"sum(a, bad) + min(bad, b)",
	};
	struct expr *e[4];
	struct expr_error err;
	struct mallinfo2 m0, m1;
	double v, acc = 0;

	for (int i = 0; i < 4; i++)
		ASSERT_OK(expr_compile(texts[i], &res, &e[i], &err));
	m0 = mallinfo2();
	for (int k = 0; k < 10000; k++)
		for (int i = 0; i < 4; i++)
			if (expr_eval(e[i], &env, 0, &v) == 0)
				acc += v;
	m1 = mallinfo2();
	ASSERT_EQ(m1.uordblks, m0.uordblks);
	ASSERT_EQ(m1.hblks, m0.hblks);
	ASSERT_TRUE(acc > 0);
	for (int i = 0; i < 4; i++)
		expr_free(e[i]);
}
