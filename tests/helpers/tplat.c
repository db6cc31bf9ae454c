// SPDX-License-Identifier: MIT
/*
 * Copyright (c) 2026 The stlm authors
 *
 * The test platform fixture (tplat.h): one emulated platform per case,
 * torn down by the harness when the case ends, passed or failed.
 */
#define STLM_TEST_GROUP "helpers"
#include "stlm-test.h"

#include <stdio.h>
#include <sys/stat.h>

#include "tplat.h"

static void tp_fix_teardown(void *arg)
{
	struct tp_fix *f = arg;

	tp_fix_stop(f);
	free(f);
}

struct tp_fix *tp_fix_new(struct stlmp_config *cfg, const struct stlmp_opts *o)
{
	struct tp_fix *f = calloc(1, sizeof(*f));
	struct stlmp_opts po = { 0 };

	if (!f) {
		stlmp_config_free(cfg);
		STLM_FAIL_AT("out of memory for the fixture");
	}
	stlm_test_defer(tp_fix_teardown, f);
	f->cfg = cfg;
	ASSERT_NOT_NULL(cfg);
	if (o)
		po = *o;
	if (po.mem_path) {
		snprintf(f->mem_path, sizeof(f->mem_path), "%s", po.mem_path);
	} else {
		snprintf(f->mem_path, sizeof(f->mem_path), "%.*s/mem",
			 PATH_MAX - 8, stlm_test_tmpdir());
		po.mem_path = f->mem_path;
	}
	ASSERT_OK(stlmp_platform_new(f->cfg, &po, &f->p));
	return f;
}

void tp_fix_listen(struct tp_fix *f, const char *scheme)
{
	const char *dir = stlm_test_tmpdir();
	char target[PATH_MAX];
	int r;

	if (!strcmp(scheme, "unix")) {
		snprintf(target, sizeof(target), "unix:%.*s/p.sock",
			 PATH_MAX - 16, dir);
		ASSERT_OK(stlmp_platform_listen(f->p, target));
		snprintf(f->uri, sizeof(f->uri), "%s?mem=%s", target,
			 f->mem_path);
	} else if (!strcmp(scheme, "tcp")) {
		ASSERT_OK(stlmp_platform_listen(f->p, "tcp:127.0.0.1:0"));
		snprintf(f->uri, sizeof(f->uri), "tcp:127.0.0.1:%d?mem=%s",
			 stlmp_platform_tcp_port(f->p), f->mem_path);
	} else if (!strcmp(scheme, "shm")) {
		snprintf(target, sizeof(target), "shm:%.*s/shm",
			 PATH_MAX - 16, dir);
		ASSERT_OK(stlmp_platform_listen(f->p, target));
		snprintf(f->uri, sizeof(f->uri), "%s", target);
	} else if (!strcmp(scheme, "raw")) {
		char mnt[PATH_MAX];

		snprintf(mnt, sizeof(mnt), "%.*s/raw", PATH_MAX - 16, dir);
		mkdir(mnt, 0755);
		snprintf(target, sizeof(target), "rawfs:%.*s", PATH_MAX - 16, mnt);
		r = access("/dev/fuse", R_OK | W_OK) < 0 ? -ENODEV :
			stlmp_platform_listen(f->p, target);
		if (r == -EPERM || r == -ENODEV || r == -ENOENT)
			STLM_SKIP("FUSE is not available here");
		ASSERT_OK(r);
		snprintf(f->uri, sizeof(f->uri), "raw:%.*s?mem=%s", PATH_MAX - 16, mnt,
			 f->mem_path);
		f->raw = true;
	} else {
		STLM_FAIL_AT("tp_fix_listen: unknown scheme '%s'", scheme);
	}
}

void tp_fix_track(struct tp_fix *f, struct stlm_session *s)
{
	for (size_t i = 0; i < TP_FIX_MAX_SESSIONS; i++) {
		if (!f->sessions[i]) {
			f->sessions[i] = s;
			f->s = s;
			return;
		}
	}
	stlm_session_close(s);
	STLM_FAIL_AT("more than %d sessions in one fixture",
		     TP_FIX_MAX_SESSIONS);
}

int tp_fix_try_open(struct tp_fix *f, const struct stlm_open_opts *o,
		    struct stlm_session **ret)
{
	int r = stlm_session_open(f->uri, o, ret);

	if (r >= 0)
		tp_fix_track(f, *ret);
	return r;
}

struct stlm_session *tp_fix_open(struct tp_fix *f,
				 const struct stlm_open_opts *o)
{
	struct stlm_session *s = NULL;

	ASSERT_OK(tp_fix_try_open(f, o, &s));
	return s;
}

void tp_fix_close(struct tp_fix *f, struct stlm_session *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < TP_FIX_MAX_SESSIONS; i++)
		if (f->sessions[i] == s)
			f->sessions[i] = NULL;
	if (f->s == s)
		f->s = NULL;
	stlm_session_close(s);
}

void tp_fix_agent(struct tp_fix *f)
{
	ASSERT_OK(ta_new_inproc(f->p, &f->a));
	f->mem = tp_map(ta_mem_path(f->a), &f->mem_size);
	ASSERT_NOT_NULL(f->mem);
}

uint8_t *tp_fix_rw(struct tp_fix *f)
{
	if (!f->rw) {
		void *m;

		f->rw_size = stlmp_platform_mem_size(f->p);
		m = mmap(NULL, f->rw_size, PROT_READ | PROT_WRITE, MAP_SHARED,
			 stlmp_platform_mem_fd(f->p), 0);
		ASSERT_TRUE(m != MAP_FAILED);
		f->rw = m;
	}
	return f->rw;
}

void tp_fix_stop(struct tp_fix *f)
{
	if (!f || f->stopped)
		return;
	f->stopped = true;
	for (size_t i = 0; i < TP_FIX_MAX_SESSIONS; i++)
		stlm_session_close(f->sessions[i]);
	memset(f->sessions, 0, sizeof(f->sessions));
	f->s = NULL;
	if (f->rw)
		munmap(f->rw, f->rw_size);
	f->rw = NULL;
	if (f->mem)
		munmap((void *)f->mem, f->mem_size);
	f->mem = NULL;
	ta_free(f->a);
	f->a = NULL;
	stlmp_platform_free(f->p);
	f->p = NULL;
	stlmp_config_free(f->cfg);
	f->cfg = NULL;
}

/* Platforms of tp_platform_new() not freed yet. */
#define TP_MAX_PLATFORMS 16
static struct stlmp_platform *live[TP_MAX_PLATFORMS];

static void tp_platform_teardown(void *arg)
{
	tp_platform_free(arg);
}

struct stlmp_platform *tp_platform_new(const struct stlmp_config *cfg,
				       const struct stlmp_opts *o)
{
	struct stlmp_platform *p = NULL;
	size_t i;

	for (i = 0; i < TP_MAX_PLATFORMS && live[i]; i++)
		;
	if (i == TP_MAX_PLATFORMS)
		STLM_FAIL_AT("more than %d live platforms", TP_MAX_PLATFORMS);
	ASSERT_OK(stlmp_platform_new(cfg, o, &p));
	live[i] = p;
	stlm_test_defer(tp_platform_teardown, p);
	return p;
}

void tp_platform_free(struct stlmp_platform *p)
{
	for (size_t i = 0; p && i < TP_MAX_PLATFORMS; i++) {
		if (live[i] == p) {
			live[i] = NULL;
			stlmp_platform_free(p);
			return;
		}
	}
	/* Freed already (or not ours). */
}
