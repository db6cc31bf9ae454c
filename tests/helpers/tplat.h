/* SPDX-License-Identifier: MIT */
/*
 * Copyright (c) 2026 The stlm authors
 *
 * The test platform: a small hand-written description, memory-file
 * mapping and a TDCF lookup used to check what an agent sees, and the one
 * fixture of the unit tests (struct tp_fix: an emulated platform, its
 * listener, sessions and an in-process test agent, torn down when the
 * case ends, passed or failed).
 *
 * Names in tests/helpers/ carry the prefix of the object they belong to:
 * tp_ / TP_ the test platform and its fixture (this file), ta_ / TA_ the
 * test agent (tagent.h, struct ta_agent). The harness (tests/harness/) is
 * stlm_test_ / STLM_TEST / ASSERT_.
 */
#ifndef STLM_TESTS_TPLAT_H
#define STLM_TESTS_TPLAT_H

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "platform.h"
#include "stlm/stlm.h"
#include "tagent.h"
#include "tdcf.h"
#include "telemetry.h"

/* DE ids of the small test platform */
#define TP_CONST 0x1000u	/* grp 0, SHMTI 0, const 1234, named */
#define TP_COUNTER 0x1001u	/* grp 0, SHMTI 0, counter, line ts */
#define TP_BLK 0x1002u		/* grp 0, SHMTI 0, const 77, block ts */
#define TP_G1A 0x2000u		/* grp 1, SHMTI 1, const 5 */
#define TP_G1B 0x2001u		/* grp 1, SHMTI 1, const 6, line ts */
#define TP_FC 0x3000u		/* no grp, FastChannel, line ts */
#define TP_MSG 0x3001u		/* no grp, notification/single-sample only */
#define TP_PLAIN 0x3002u	/* no grp, SHMTI 0, const 9, no name */
#define TP_N_DES 8

static inline void tp_de(struct stlmp_de_cfg *d, uint32_t id, uint32_t grp,
			 uint32_t shmti, int64_t base, const char *name)
{
	memset(d, 0, sizeof(*d));
	d->desc.id = id;
	d->desc.group_id = grp;
	d->desc.data_size = 8;
	d->desc.type = 5;
	d->desc.unit = 7; /* watts */
	d->desc.unit_exp = -3;
	d->desc.compo_type = 1;
	d->desc.compo_instance = (uint16_t)(id & 0xF);
	if (name) {
		d->desc.has_name = true;
		strncpy(d->desc.name, name, sizeof(d->desc.name) - 1);
	}
	d->shmti = shmti;
	d->gen.kind = STLMP_GEN_CONST;
	d->gen.base = base;
}

/* A small platform; free with stlmp_config_free(). */
static inline struct stlmp_config *tp_config(bool per_group)
{
	struct stlmp_config *c = calloc(1, sizeof(*c));
	static const uint8_t uuid[16] = { 0x00, 0x11, 0x22, 0x33, 0x44, 0x55,
					  0x66, 0x77, 0x88, 0x99, 0xaa, 0xbb,
					  0xcc, 0xdd, 0xee, 0xff };

	strcpy(c->vendor, "stlm-test");
	strcpy(c->sub_vendor, "emulator");
	strcpy(c->agent_name, "agent-1");
	strcpy(c->name, "tests");
	c->impl_version = 0x00010203;
	memcpy(c->uuid, uuid, 16);
	c->notifications = c->single_sample = c->reset = true;
	c->per_group = per_group;
	c->max_msg_size = 104;
	c->default_blk_ts_rate = 1000;
	c->intervals.n = 4;
	c->intervals.v = calloc(4, sizeof(*c->intervals.v));
	c->intervals.v[0] = (struct scmi_tlm_interval){ 1, -3 };
	c->intervals.v[1] = (struct scmi_tlm_interval){ 10, -3 };
	c->intervals.v[2] = (struct scmi_tlm_interval){ 100, -3 };
	c->intervals.v[3] = (struct scmi_tlm_interval){ 1, 0 };
	c->default_interval = c->intervals.v[2];
	c->n_shmti = 2;
	c->shmti_size = calloc(2, sizeof(uint32_t));
	c->shmti_size[0] = 512;
	c->shmti_size[1] = 256;
	c->n_groups = 2;
	c->groups = calloc(2, sizeof(*c->groups));
	c->n_des = TP_N_DES;
	c->des = calloc(TP_N_DES, sizeof(*c->des));
	tp_de(&c->des[0], TP_CONST, 0, 0, 1234, "soc.power");
	tp_de(&c->des[1], TP_COUNTER, 0, 0, 0, "soc.cycles");
	c->des[1].gen.kind = STLMP_GEN_COUNTER;
	c->des[1].gen.rate = 1000.0;
	c->des[1].desc.type = 3;
	c->des[1].desc.unit = 67;
	c->des[1].desc.unit_exp = 0;
	c->des[1].desc.ts_support = SCMI_TLM_TS_LINE;
	c->des[1].desc.line_ts_rate = 2000;
	tp_de(&c->des[2], TP_BLK, 0, 0, 77, "soc.temp");
	c->des[2].desc.ts_support = SCMI_TLM_TS_BLOCK;
	c->des[2].desc.unit = 2;
	tp_de(&c->des[3], TP_G1A, 1, 1, 5, "mc.0.bw");
	tp_de(&c->des[4], TP_G1B, 1, 1, 6, "mc.1.bw");
	c->des[4].desc.ts_support = SCMI_TLM_TS_LINE;
	c->des[4].desc.line_ts_rate = 1000;
	tp_de(&c->des[5], TP_FC, SCMI_TLM_GROUP_NONE, STLMP_NO_SHMTI,
	      0xABCDEF0123, "cpu.0.freq");
	c->des[5].desc.has_fc = true;
	c->des[5].desc.fc_size = 16;
	c->des[5].desc.ts_support = SCMI_TLM_TS_LINE;
	c->des[5].desc.line_ts_rate = 1000;
	tp_de(&c->des[6], TP_MSG, SCMI_TLM_GROUP_NONE, STLMP_NO_SHMTI, 42,
	      "gpu.state");
	c->des[6].desc.ts_support = SCMI_TLM_TS_LINE;
	c->des[6].desc.line_ts_rate = 1000;
	tp_de(&c->des[7], TP_PLAIN, SCMI_TLM_GROUP_NONE, 0, 9, NULL);
	return c;
}

/* Map a memory file read-only, as an agent does. */
static inline const uint8_t *tp_map(const char *path, size_t *ret_size)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	struct stat st;
	void *m;

	if (fd < 0)
		return NULL;
	if (fstat(fd, &st) < 0 || st.st_size == 0) {
		close(fd);
		return NULL;
	}
	m = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_SHARED, fd, 0);
	close(fd);
	if (m == MAP_FAILED)
		return NULL;
	*ret_size = (size_t)st.st_size;
	return m;
}

/*
 * Find DE id's data line in a SHMTI with a consistent pass (retrying).
 * Returns its offset, or -ENOENT / -EAGAIN (no consistent pass).
 */
static inline int tp_find_line(const uint8_t *area, size_t len, uint32_t id,
			       struct tdcf_line *ret, bool want_invalid)
{
	for (int attempt = 0; attempt < 1000; attempt++) {
		uint32_t s = tdcf_read_begin(area), e;
		size_t bytes, off = 0;
		int found = -ENOENT;
		struct tdcf_line l, keep = { 0 };

		if (s & 1)
			continue;
		if (tdcf_read_line_area(area, len, &bytes) < 0)
			return -EBADMSG;
		while (off < bytes) {
			/* as the Linux driver reads lines: metadata bits
			 * [31:8] (fault 'lax') ignored */
			uint32_t dev = 0;
			int n = tdcf_line_parse_dev(area + TDCF_HDR_SIZE + off,
						    bytes - off, &l, &dev);

			if (n < 0)
				break;
			if (l.type == TDCF_LINE_DATA && l.id == id &&
			    l.invalid == want_invalid) {
				found = (int)(TDCF_HDR_SIZE + off);
				keep = l;
			}
			off += (size_t)n;
		}
		e = tdcf_read_end(area, len);
		if (tdcf_pass_ok(s, e)) {
			if (found >= 0 && ret)
				*ret = keep;
			return found;
		}
	}
	return -EAGAIN;
}

/* ------------------------------------------------------------------ */
/* The fixture                                                         */

#define TP_FIX_MAX_SESSIONS 8

/**
 * struct tp_fix - one emulated platform for a test case, and what a case
 * builds on it: a listener and its URI, sessions, an in-process test
 * agent, mappings of the memory file.
 *
 * tp_fix_new() allocates it and registers its teardown with
 * stlm_test_defer() before anything else, so whether the case passes or a
 * failed assertion ends it early, the sessions are closed, the agent and
 * the platform are freed (their threads joined) and the mappings removed
 * before the next case starts. A case may tear it down earlier with
 * tp_fix_stop() (then only the memory is freed at the end).
 *
 * @cfg:      the description (owned from tp_fix_new() on)
 * @p:        the platform
 * @mem_path: its memory file (in the case's temporary directory unless
 *            the options named one)
 * @uri:      what an agent opens, after tp_fix_listen() ("" before)
 * @raw:      the listener is rawfs: (a FUSE mount)
 * @s:        the session of the last tp_fix_open()
 * @a:        the in-process test agent (tp_fix_agent())
 * @mem:      the memory file mapped read-only (tp_fix_agent()), @mem_size
 * @rw:       a writable mapping of it (tp_fix_rw()), @rw_size
 * @r:        a response buffer for @a
 */
struct tp_fix {
	struct stlmp_config *cfg;
	struct stlmp_platform *p;
	char mem_path[PATH_MAX];
	char uri[2 * PATH_MAX + 64];
	bool raw;
	struct stlm_session *s;
	struct ta_agent *a;
	const uint8_t *mem;
	size_t mem_size;
	uint8_t *rw;
	size_t rw_size;
	uint8_t r[TA_MAX_MSG];
	/* private */
	bool stopped;
	struct stlm_session *sessions[TP_FIX_MAX_SESSIONS];
};

/*
 * A platform from cfg (owned by the fixture from here on; NULL fails the
 * case) with options o (NULL: defaults; no mem_path: a memory file in the
 * case's temporary directory). Fails the case on error.
 */
struct tp_fix *tp_fix_new(struct stlmp_config *cfg, const struct stlmp_opts *o);
/*
 * Listen on "unix", "tcp", "shm" or "raw" (a rawfs: mount; skips the case
 * without FUSE) in the case's temporary directory and set @uri.
 */
void tp_fix_listen(struct tp_fix *f, const char *scheme);
/*
 * Open a session on @uri with options o (as stlm_session_open() takes
 * them: NULL for the library's defaults); it is closed at
 * teardown unless tp_fix_close() closed it before. Sets and returns @s.
 * tp_fix_try_open() returns the library's error instead of failing.
 */
struct stlm_session *tp_fix_open(struct tp_fix *f,
				 const struct stlm_open_opts *o);
int tp_fix_try_open(struct tp_fix *f, const struct stlm_open_opts *o,
		    struct stlm_session **ret);
/* Close s with the fixture (s may come from anywhere, e.g. another URI). */
void tp_fix_track(struct tp_fix *f, struct stlm_session *s);
/* Close a session (any: those of the fixture are forgotten). NULL is fine. */
void tp_fix_close(struct tp_fix *f, struct stlm_session *s);
/* Attach the in-process test agent @a and map the memory file (@mem). */
void tp_fix_agent(struct tp_fix *f);
/* A writable mapping of the memory file, as a misbehaving platform has. */
uint8_t *tp_fix_rw(struct tp_fix *f);
/* Tear down now: sessions, agent, mappings, platform, description. */
void tp_fix_stop(struct tp_fix *f);

/*
 * For tests that handle a bare platform themselves (transport tests, which
 * free it as part of what they check): stlmp_platform_new() that fails the
 * case on error and frees the platform when the case ends unless
 * tp_platform_free() freed it before.
 */
struct stlmp_platform *tp_platform_new(const struct stlmp_config *cfg,
				       const struct stlmp_opts *o);
void tp_platform_free(struct stlmp_platform *p);

#endif
