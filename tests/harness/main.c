// SPDX-License-Identifier: MIT
/*
 * Copyright (c) 2026 The stlm authors
 *
 * Test runner: see stlm-test.h.
 */
#define STLM_TEST_GROUP "harness"
#include "stlm-test.h"

#include <ctype.h>
#include <dirent.h>
#include <limits.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config.h"

static struct stlm_test_case *cases;
static sigjmp_buf case_env;
static int case_result; /* 0 pass, 1 fail, 2 skip */
static char tmpdir[PATH_MAX];

#define MAX_DEFER 32
static struct {
	void (*fn)(void *);
	void *arg;
} defers[MAX_DEFER];
static int n_defers;

void stlm_test_defer(void (*fn)(void *), void *arg)
{
	if (n_defers == MAX_DEFER) {
		fprintf(stderr, "too many deferred cleanups\n");
		abort();
	}
	defers[n_defers].fn = fn;
	defers[n_defers].arg = arg;
	n_defers++;
}

static void run_defers(void)
{
	while (n_defers > 0) {
		n_defers--;
		defers[n_defers].fn(defers[n_defers].arg);
	}
}

void stlm_test_register(struct stlm_test_case *tc)
{
	/* Append to keep file order. */
	struct stlm_test_case **pp = &cases;

	while (*pp)
		pp = &(*pp)->next;
	tc->next = NULL;
	*pp = tc;
}

void stlm_test_fail(void)
{
	case_result = 1;
	siglongjmp(case_env, 1);
}

void stlm_test_skip_case(const char *why)
{
	fprintf(stderr, "  skipped: %s\n", why);
	case_result = 2;
	siglongjmp(case_env, 1);
}

const char *stlm_test_srcdir(void)
{
	const char *s = getenv("STLM_TEST_SRCDIR");

	return s ? s : STLM_SOURCE_DIR "/tests";
}

static void rm_rf(const char *path)
{
	struct stat st;
	DIR *d;
	struct dirent *de;
	char sub[PATH_MAX];

	if (lstat(path, &st) < 0)
		return;
	if (S_ISDIR(st.st_mode)) {
		d = opendir(path);
		if (d) {
			while ((de = readdir(d))) {
				if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
					continue;
				snprintf(sub, sizeof(sub), "%s/%s", path, de->d_name);
				rm_rf(sub);
			}
			closedir(d);
		}
		rmdir(path);
	} else {
		unlink(path);
	}
}

void stlm_test_log(void *data, int level, const char *fmt, va_list ap)
{
	(void)data;
	if (!getenv("STLM_TEST_VERBOSE"))
		return;
	fprintf(stderr, "[%d] ", level);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

const char *stlm_test_tmpdir(void)
{
	if (!tmpdir[0]) {
		const char *base = getenv("TMPDIR");

		snprintf(tmpdir, sizeof(tmpdir), "%s/stlm-test-XXXXXX",
			 base ? base : "/tmp");
		if (!mkdtemp(tmpdir)) {
			perror("mkdtemp");
			abort();
		}
	}
	return tmpdir;
}

void stlm_test_hexdump(const char *tag, const void *p, size_t n)
{
	const uint8_t *b = p;

	fprintf(stderr, "  %s:", tag);
	for (size_t i = 0; i < n; i++)
		fprintf(stderr, "%s%02x", (i % 16) ? " " : "\n    ", b[i]);
	fputc('\n', stderr);
}

int stlm_test_unhex(const char *hex, uint8_t *buf, size_t cap)
{
	size_t n = 0;
	int hi = -1;

	for (; *hex; hex++) {
		int v;

		if (isspace((unsigned char)*hex))
			continue;
		if (!isxdigit((unsigned char)*hex))
			return -1;
		v = isdigit((unsigned char)*hex) ? *hex - '0' :
						   (tolower((unsigned char)*hex) - 'a' + 10);
		if (hi < 0) {
			hi = v;
		} else {
			if (n >= cap)
				return -1;
			buf[n++] = (uint8_t)(hi << 4 | v);
			hi = -1;
		}
	}
	return hi < 0 ? (int)n : -1;
}

static bool wanted(const struct stlm_test_case *tc, int argc, char **argv)
{
	if (argc <= 2)
		return true;
	for (int i = 2; i < argc; i++)
		if (!strcmp(argv[i], tc->name))
			return true;
	return false;
}

int main(int argc, char **argv)
{
	volatile int run = 0, failed = 0, skipped = 0;
	const char *group;

	if (argc < 2 || !strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")) {
		fprintf(stderr, "usage: %s GROUP [CASE...] | --list\n", argv[0]);
		return argc < 2 ? 2 : 0;
	}
	if (!strcmp(argv[1], "--list")) {
		for (struct stlm_test_case *tc = cases; tc; tc = tc->next)
			printf("%s/%s\n", tc->group, tc->name);
		return 0;
	}
	group = argv[1];
	setvbuf(stdout, NULL, _IOLBF, 0);

	for (struct stlm_test_case *tc = cases; tc; tc = tc->next) {
		if (strcmp(tc->group, group) || !wanted(tc, argc, argv))
			continue;
		run++;
		case_result = 0;
		fprintf(stderr, "[ RUN  ] %s/%s\n", tc->group, tc->name);
		if (sigsetjmp(case_env, 1) == 0)
			tc->fn();
		run_defers();
		if (tc->expect_fail && case_result != 2) {
			if (case_result == 1)
				fprintf(stderr, "  (failed as expected)\n");
			else
				fprintf(stderr, "  expected a failed assertion\n");
			case_result = !case_result;
		}
		if (tmpdir[0]) {
			if (!getenv("STLM_TEST_KEEP"))
				rm_rf(tmpdir);
			tmpdir[0] = 0;
		}
		if (case_result == 1) {
			failed++;
			fprintf(stderr, "[ FAIL ] %s/%s\n", tc->group, tc->name);
		} else if (case_result == 2) {
			skipped++;
			fprintf(stderr, "[ SKIP ] %s/%s\n", tc->group, tc->name);
		} else {
			fprintf(stderr, "[  OK  ] %s/%s\n", tc->group, tc->name);
		}
	}
	if (!run) {
		fprintf(stderr, "no test case matched group '%s'\n", group);
		return 1;
	}
	printf("%s: %d cases, %d passed, %d failed, %d skipped\n", group, run,
	       run - failed - skipped, failed, skipped);
	if (failed)
		return 1;
	return skipped == run ? 77 : 0;
}
