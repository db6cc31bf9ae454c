/* SPDX-License-Identifier: MIT */
/*
 * Copyright (c) 2026 The stlm authors
 *
 * Derived-metric expressions (docs/catalog-format.md "Expressions"):
 * a small, safe language compiled once into a flat postfix program and
 * evaluated without allocation. Never installed.
 *
 * Theory of operation
 * -------------------
 * expr_compile() is a recursive-descent parser over the text, bounded in
 * length (EXPR_MAX_LEN), nesting (EXPR_MAX_DEPTH) and program size
 * (EXPR_MAX_OPS). Names are resolved while parsing through a resolver
 * given by the caller (the catalog): a DE name or de(ID) becomes an input
 * index, a derived name a derived index, and a glob is expanded to the
 * list of inputs it matches, in catalog order. The program is postfix:
 * operands push a value, operators pop theirs. An aggregate is streamed:
 * AGG_INIT pushes an accumulator, every argument is folded into it by
 * AGG_STEP right after it is evaluated, AGG_END finishes it, so the stack
 * never holds more than about two entries per nesting level; its exact
 * need is computed at compile time.
 *
 * Every stack entry carries a value and an error (0, -ENODATA, -EDOM):
 * arithmetic propagates the left-most error, an aggregate skips -ENODATA
 * items and is -ENODATA only when no item was valid.
 */
#ifndef STLM_LIB_EXPR_H
#define STLM_LIB_EXPR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define EXPR_MAX_LEN	1024	/* characters of expression text */
#define EXPR_MAX_DEPTH	32	/* nested parentheses, calls, unary minus */
#define EXPR_MAX_OPS	4096	/* compiled operations (globs expanded) */
#define EXPR_MAX_STACK	(2 * EXPR_MAX_DEPTH + 8)
#define EXPR_MAX_CHAIN	16	/* derived-on-derived evaluation depth */

/* What an input is read as. */
enum expr_mode {
	EXPR_VALUE = 0,
	EXPR_DELTA = 1,
	EXPR_RATE = 2,
};

/* What a name resolves to. */
enum expr_ref_type {
	EXPR_REF_INPUT = 0,	/* a DE: index of the caller's input */
	EXPR_REF_DERIVED = 1,	/* another derived metric */
};

struct expr_ref {
	int type;
	uint32_t index;
};

/**
 * struct expr_resolver - name resolution at compile time
 * @name: resolve a DE or derived name (len bytes, not terminated);
 *        0 or -ENOENT
 * @id:   resolve de(ID) to an input; 0 or -ENOENT
 * @glob: call @cb for every DE whose name matches the glob, in order;
 *        returns the number of matches or the first negative @cb result
 * @data: passed to each
 */
struct expr_resolver {
	int (*name)(void *data, const char *name, size_t len,
		    struct expr_ref *ret);
	int (*id)(void *data, uint32_t id, struct expr_ref *ret);
	int (*glob)(void *data, const char *glob, size_t len,
		    int (*cb)(void *cbdata, const struct expr_ref *ref),
		    void *cbdata);
	void *data;
};

/**
 * struct expr_env - inputs at evaluation time (must not allocate)
 * @input:   value, delta or rate of input @index: 0, -ENODATA, -EDOM
 * @derived: value of derived metric @index at chain depth @depth
 * @data:    passed to each
 */
struct expr_env {
	int (*input)(void *data, uint32_t index, int mode, double *ret);
	int (*derived)(void *data, uint32_t index, unsigned int depth,
		       double *ret);
	void *data;
};

/**
 * struct expr_error - where and why compiling failed
 * @col: 1-based column in the expression text
 * @msg: the problem
 */
struct expr_error {
	int col;
	char msg[160];
};

struct expr;

/* Compile text; 0, -EINVAL (with *err filled) or -ENOMEM. */
int expr_compile(const char *text, const struct expr_resolver *r,
		 struct expr **ret, struct expr_error *err);
void expr_free(struct expr *e);
/* Derived indexes the program references, for cycle checks: calls fn. */
void expr_foreach_derived(const struct expr *e,
			  void (*fn)(void *data, uint32_t index), void *data);
/* Number of operations (tests). */
size_t expr_size(const struct expr *e);
/* Evaluate at chain depth @depth (0 at the top); allocates nothing. */
int expr_eval(const struct expr *e, const struct expr_env *env,
	      unsigned int depth, double *ret);

#endif /* STLM_LIB_EXPR_H */
