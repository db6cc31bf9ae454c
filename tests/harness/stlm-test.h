/* SPDX-License-Identifier: MIT */
/*
 * Copyright (c) 2026 The stlm authors
 *
 * A tiny unit-test harness. Each tests/tests-<group>.c defines
 * STLM_TEST_GROUP before including this header and declares cases with
 * STLM_TEST(name) { ... }. Assertions report file:line, the failed
 * expression and, for comparisons, both values; a failed assertion ends the
 * case, and what the case registered with stlm_test_defer() runs then, so
 * fixtures (tests/helpers/tplat.h) are torn down even when a case fails.
 * STLM_TEST_EXPECT_FAIL(name) declares a case that must fail (the
 * harness's own tests). The runner (harness/main.c) runs one group:
 *
 *   stlm-tests GROUP [CASE...]      run a group (or only the named cases)
 *   stlm-tests --list               list every group/case
 *
 * Exit status: 0 all passed, 1 a case failed, 77 every case skipped.
 */
#ifndef STLM_TEST_H
#define STLM_TEST_H

#include <errno.h>
#include <inttypes.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#ifndef STLM_TEST_GROUP
#error "define STLM_TEST_GROUP before including stlm-test.h"
#endif

struct stlm_test_case {
	const char *group;
	const char *name;
	void (*fn)(void);
	bool expect_fail;
	struct stlm_test_case *next;
};

void stlm_test_register(struct stlm_test_case *tc);
__attribute__((noreturn)) void stlm_test_fail(void);
__attribute__((noreturn)) void stlm_test_skip_case(const char *why);
/*
 * Run fn(arg) when the current case ends, pass or fail (in reverse order
 * of registration): kill helper processes, unmount, free.
 */
void stlm_test_defer(void (*fn)(void *), void *arg);
/* Directory of the source tree's tests/ (for data files). */
const char *stlm_test_srcdir(void);
/* A fresh private temporary directory for this case (removed after). */
const char *stlm_test_tmpdir(void);
/*
 * A library log callback (struct stlm_open_opts.log) that is silent
 * unless $STLM_TEST_VERBOSE is set.
 */
void stlm_test_log(void *data, int level, const char *fmt, va_list ap)
	__attribute__((format(printf, 3, 0)));

#define STLM_TEST_CASE(tname, xfail)                                          \
	static void stlm_test_fn_##tname(void);                               \
	static struct stlm_test_case stlm_test_case_##tname = {               \
		.group = STLM_TEST_GROUP,                                     \
		.name = #tname,                                               \
		.fn = stlm_test_fn_##tname,                                   \
		.expect_fail = xfail,                                         \
	};                                                                    \
	__attribute__((constructor)) static void stlm_test_reg_##tname(void) \
	{                                                                     \
		stlm_test_register(&stlm_test_case_##tname);                  \
	}                                                                     \
	static void stlm_test_fn_##tname(void)

#define STLM_TEST(tname) STLM_TEST_CASE(tname, false)
/* A case that passes only when an assertion fails in it. */
#define STLM_TEST_EXPECT_FAIL(tname) STLM_TEST_CASE(tname, true)

#define STLM_FAIL_AT(...)                                                     \
	do {                                                                  \
		fprintf(stderr, "%s:%d: ", __FILE__, __LINE__);               \
		fprintf(stderr, __VA_ARGS__);                                 \
		fputc('\n', stderr);                                          \
		stlm_test_fail();                                             \
	} while (0)

#define STLM_SKIP(why) stlm_test_skip_case(why)

#define ASSERT_TRUE(expr)                                                     \
	do {                                                                  \
		if (!(expr))                                                  \
			STLM_FAIL_AT("ASSERT_TRUE(%s) failed", #expr);        \
	} while (0)

#define ASSERT_FALSE(expr)                                                    \
	do {                                                                  \
		if (expr)                                                     \
			STLM_FAIL_AT("ASSERT_FALSE(%s) failed", #expr);       \
	} while (0)

/* Integer equality; both sides are evaluated once, compared as int64. */
#define ASSERT_EQ(a, b)                                                       \
	do {                                                                  \
		int64_t _a = (int64_t)(a), _b = (int64_t)(b);                 \
		if (_a != _b)                                                 \
			STLM_FAIL_AT("ASSERT_EQ(%s, %s) failed: %" PRId64     \
				     " (0x%" PRIx64 ") != %" PRId64          \
				     " (0x%" PRIx64 ")",                     \
				     #a, #b, _a, (uint64_t)_a, _b,            \
				     (uint64_t)_b);                           \
	} while (0)

#define ASSERT_U64_EQ(a, b)                                                   \
	do {                                                                  \
		uint64_t _a = (uint64_t)(a), _b = (uint64_t)(b);              \
		if (_a != _b)                                                 \
			STLM_FAIL_AT("ASSERT_U64_EQ(%s, %s) failed: 0x%" PRIx64 \
				     " != 0x%" PRIx64, #a, #b, _a, _b);       \
	} while (0)

#define ASSERT_NE(a, b)                                                       \
	do {                                                                  \
		int64_t _a = (int64_t)(a), _b = (int64_t)(b);                 \
		if (_a == _b)                                                 \
			STLM_FAIL_AT("ASSERT_NE(%s, %s) failed: both %" PRId64, \
				     #a, #b, _a);                             \
	} while (0)

#define ASSERT_CMP(a, op, b)                                                  \
	do {                                                                  \
		int64_t _a = (int64_t)(a), _b = (int64_t)(b);                 \
		if (!(_a op _b))                                              \
			STLM_FAIL_AT("ASSERT_CMP(%s %s %s) failed: %" PRId64  \
				     " vs %" PRId64, #a, #op, #b, _a, _b);    \
	} while (0)

/* expr >= 0 (the return convention: >= 0 success, -errno failure). */
#define ASSERT_OK(expr)                                                       \
	do {                                                                  \
		long long _r = (long long)(expr);                             \
		if (_r < 0)                                                   \
			STLM_FAIL_AT("ASSERT_OK(%s) failed: %lld (%s)", #expr, \
				     _r, strerror((int)-_r));                 \
	} while (0)

/* expr == -err exactly. */
#define ASSERT_ERR(expr, err)                                                 \
	do {                                                                  \
		long long _r = (long long)(expr);                             \
		if (_r != (long long)(err))                                   \
			STLM_FAIL_AT("ASSERT_ERR(%s, %s) failed: got %lld (%s)", \
				     #expr, #err, _r,                         \
				     _r < 0 ? strerror((int)-_r) : "success"); \
	} while (0)

#define ASSERT_STREQ(a, b)                                                    \
	do {                                                                  \
		const char *_a = (a), *_b = (b);                              \
		if (!_a || !_b || strcmp(_a, _b) != 0)                        \
			STLM_FAIL_AT("ASSERT_STREQ(%s, %s) failed: \"%s\" != \"%s\"", \
				     #a, #b, _a ? _a : "(null)",              \
				     _b ? _b : "(null)");                     \
	} while (0)

#define ASSERT_MEMEQ(a, b, n)                                                 \
	do {                                                                  \
		const void *_a = (a), *_b = (b);                              \
		size_t _n = (n);                                              \
		if (memcmp(_a, _b, _n) != 0) {                                \
			fprintf(stderr, "%s:%d: ASSERT_MEMEQ(%s, %s, %zu) failed\n", \
				__FILE__, __LINE__, #a, #b, _n);              \
			stlm_test_hexdump("left ", _a, _n);                   \
			stlm_test_hexdump("right", _b, _n);                   \
			stlm_test_fail();                                     \
		}                                                             \
	} while (0)

#define ASSERT_NOT_NULL(p) ASSERT_TRUE((p) != NULL)
#define ASSERT_NULL(p) ASSERT_TRUE((p) == NULL)

void stlm_test_hexdump(const char *tag, const void *p, size_t n);
/* Parse "0a 1b..." (whitespace ignored) into buf; returns bytes or -1. */
int stlm_test_unhex(const char *hex, uint8_t *buf, size_t cap);

#endif /* STLM_TEST_H */
