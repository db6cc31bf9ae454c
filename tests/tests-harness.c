// SPDX-License-Identifier: MIT
/*
 * Copyright (c) 2026 The stlm authors
 *
 * The harness's own promise: a failed assertion ends a case early, and
 * the fixture it set up is torn down anyway before the next case runs
 * (tests/helpers/tplat.h, stlm_test_defer()). The first case brings up a
 * platform listening on a socket with a session on it, both running
 * threads, then fails on purpose; the second checks that no thread of
 * them is left.
 */
#define STLM_TEST_GROUP "harness"
#include "stlm-test.h"

#include <dirent.h>

#include "tplat.h"

/* Threads of this process now. */
static int thread_count(void)
{
	DIR *d = opendir("/proc/self/task");
	struct dirent *e;
	int n = 0;

	if (!d)
		return -1;
	while ((e = readdir(d)))
		n += e->d_name[0] != '.';
	closedir(d);
	return n;
}

static int threads_before = -1;
static bool failed_midway;

STLM_TEST_EXPECT_FAIL(fixture_case_fails_midway)
{
	struct stlm_open_opts so = { .size = sizeof(so), .no_catalog = true,
				     .log = stlm_test_log };
	struct tp_fix *f;

	threads_before = thread_count();
	ASSERT_CMP(threads_before, >, 0);
	f = tp_fix_new(tp_config(false), NULL);
	tp_fix_listen(f, "unix");
	tp_fix_open(f, &so);
	/* the platform's listener (at least) runs a thread now */
	ASSERT_CMP(thread_count(), >, threads_before);
	failed_midway = true;
	ASSERT_EQ(stlm_de_count(f->s), TP_N_DES + 1); /* fails: ends the case */
	tp_fix_stop(f); /* never reached */
}

STLM_TEST(fixture_torn_down_after_failure)
{
	if (!failed_midway)
		STLM_SKIP("run with fixture_case_fails_midway before it");
	ASSERT_EQ(thread_count(), threads_before);
}
