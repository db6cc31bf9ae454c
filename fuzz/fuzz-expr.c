// SPDX-License-Identifier: MIT
/*
 * Copyright (c) 2026 The stlm authors
 *
 * The derived-metric expression compiler and evaluator (formats/expr.c) with
 * a resolver that knows every well-formed name: names starting with "d."
 * are derived metrics, others DE inputs, a glob matches three inputs,
 * de(ID) accepts ids below 0x10000.
 *
 * Checks:
 *  - a rejected expression gets -EINVAL with a column inside the text (or
 *    just past it) and a message;
 *  - an accepted one evaluates (with valid, invalid and no previous inputs)
 *    to 0 with a finite value, -ENODATA or -EDOM, and never needs more
 *    stack than the evaluator has.
 */
#include <errno.h>
#include <math.h>
#include <stdbool.h>

#include "expr.h"
#include "fuzz.h"

static int r_name(void *data, const char *name, size_t len,
		  struct expr_ref *ret)
{
	uint32_t h = 0;

	for (size_t i = 0; i < len; i++)
		h = h * 31 + (unsigned char)name[i];
	ret->type = len > 2 && !memcmp(name, "d.", 2) ? EXPR_REF_DERIVED :
							 EXPR_REF_INPUT;
	ret->index = h % 8;
	return 0;
}

static int r_id(void *data, uint32_t id, struct expr_ref *ret)
{
	if (id >= 0x10000)
		return -ENOENT;
	ret->type = EXPR_REF_INPUT;
	ret->index = id % 8;
	return 0;
}

static int r_glob(void *data, const char *g, size_t len,
		  int (*cb)(void *, const struct expr_ref *), void *cbdata)
{
	for (uint32_t i = 0; i < 3; i++) {
		struct expr_ref ref = { EXPR_REF_INPUT, i };
		int r = cb(cbdata, &ref);

		if (r < 0)
			return r;
	}
	return 3;
}

static bool prev_ok;

static int e_input(void *data, uint32_t i, int mode, double *ret)
{
	static const double v[8] = { 0, 1, -2.5, 1e300, 3, 0, 7, 1e-300 };

	if (i == 5)
		return -ENODATA;
	if (mode != EXPR_VALUE && !prev_ok)
		return -EDOM;
	*ret = v[i % 8];
	return 0;
}

static int e_derived(void *data, uint32_t i, unsigned int depth, double *ret)
{
	if (i & 1)
		return -ENODATA;
	*ret = 2;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct expr_resolver res = {
		.name = r_name, .id = r_id, .glob = r_glob,
	};
	static const struct expr_env env = {
		.input = e_input, .derived = e_derived,
	};
	char text[EXPR_MAX_LEN + 16];
	struct expr_error err;
	struct expr *e = NULL;
	double v;
	int r;

	if (size >= sizeof(text))
		size = sizeof(text) - 1;
	memcpy(text, data, size);
	text[size] = '\0';
	r = expr_compile(text, &res, &e, &err);
	if (r < 0) {
		fuzz_check(e == NULL);
		fuzz_check(r == -EINVAL || r == -ENOMEM);
		if (r == -EINVAL) {
			fuzz_check(err.col >= 1 &&
				   (size_t)err.col <= strlen(text) + 1);
			fuzz_check(err.msg[0] != '\0');
		}
		return 0;
	}
	fuzz_check(expr_size(e) <= EXPR_MAX_OPS);
	for (int k = 0; k < 2; k++) {
		prev_ok = k;
		r = expr_eval(e, &env, 0, &v);
		fuzz_check(r == 0 || r == -ENODATA || r == -EDOM);
		fuzz_check(r != 0 || isfinite(v));
	}
	expr_free(e);
	return 0;
}
