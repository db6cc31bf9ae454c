/* SPDX-License-Identifier: MIT */
/*
 * Copyright (c) 2026 The stlm authors
 *
 * Shared fixtures for platform tests: a small hand-written description,
 * memory-file mapping and a TDCF lookup used to check what an agent sees,
 * and an in-process platform with a test agent (struct tp_fix).
 */
#ifndef STLM_TESTS_TPLAT_H
#define STLM_TESTS_TPLAT_H

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "platform.h"
#include "tagent.h"
#include "tdcf.h"
#include "telemetry.h"

/* DE ids of the small test platform */
#define T_CONST 0x1000u	  /* grp 0, SHMTI 0, const 1234, named */
#define T_COUNTER 0x1001u /* grp 0, SHMTI 0, counter, line ts */
#define T_BLK 0x1002u	  /* grp 0, SHMTI 0, const 77, block ts */
#define T_G1A 0x2000u	  /* grp 1, SHMTI 1, const 5 */
#define T_G1B 0x2001u	  /* grp 1, SHMTI 1, const 6, line ts */
#define T_FC 0x3000u	  /* no grp, FastChannel, line ts */
#define T_MSG 0x3001u	  /* no grp, notification/single-sample only */
#define T_PLAIN 0x3002u	  /* no grp, SHMTI 0, const 9, no name */
#define T_N_DES 8

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
	c->n_des = T_N_DES;
	c->des = calloc(T_N_DES, sizeof(*c->des));
	tp_de(&c->des[0], T_CONST, 0, 0, 1234, "soc.power");
	tp_de(&c->des[1], T_COUNTER, 0, 0, 0, "soc.cycles");
	c->des[1].gen.kind = STLMP_GEN_COUNTER;
	c->des[1].gen.rate = 1000.0;
	c->des[1].desc.type = 3;
	c->des[1].desc.unit = 67;
	c->des[1].desc.unit_exp = 0;
	c->des[1].desc.ts_support = SCMI_TLM_TS_LINE;
	c->des[1].desc.line_ts_rate = 2000;
	tp_de(&c->des[2], T_BLK, 0, 0, 77, "soc.temp");
	c->des[2].desc.ts_support = SCMI_TLM_TS_BLOCK;
	c->des[2].desc.unit = 2;
	tp_de(&c->des[3], T_G1A, 1, 1, 5, "mc.0.bw");
	tp_de(&c->des[4], T_G1B, 1, 1, 6, "mc.1.bw");
	c->des[4].desc.ts_support = SCMI_TLM_TS_LINE;
	c->des[4].desc.line_ts_rate = 1000;
	tp_de(&c->des[5], T_FC, SCMI_TLM_GROUP_NONE, STLMP_NO_SHMTI,
	      0xABCDEF0123, "cpu.0.freq");
	c->des[5].desc.has_fc = true;
	c->des[5].desc.fc_size = 16;
	c->des[5].desc.ts_support = SCMI_TLM_TS_LINE;
	c->des[5].desc.line_ts_rate = 1000;
	tp_de(&c->des[6], T_MSG, SCMI_TLM_GROUP_NONE, STLMP_NO_SHMTI, 42,
	      "gpu.state");
	c->des[6].desc.ts_support = SCMI_TLM_TS_LINE;
	c->des[6].desc.line_ts_rate = 1000;
	tp_de(&c->des[7], T_PLAIN, SCMI_TLM_GROUP_NONE, 0, 9, NULL);
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
			int n = tdcf_line_parse(area + TDCF_HDR_SIZE + off,
						bytes - off, &l);

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

/*
 * An in-process platform built from cfg (owned by the fixture from here
 * on), a test agent on it and its memory file mapped read-only.
 */
struct tp_fix {
	struct stlmp_config *cfg;
	struct stlmp_platform *p;
	struct tagent *a;
	const uint8_t *mem;
	size_t mem_size;
	uint8_t r[TA_MAX_MSG];
};

/* 0, or a negative errno (the fixture is then half set up: stop it). */
static inline int tp_fix_start(struct tp_fix *f, struct stlmp_config *cfg,
			       const struct stlmp_opts *o)
{
	int r;

	memset(f, 0, sizeof(*f));
	f->cfg = cfg;
	r = stlmp_platform_new(f->cfg, o, &f->p);
	if (r >= 0)
		r = ta_new_inproc(f->p, &f->a);
	if (r >= 0) {
		f->mem = tp_map(ta_mem_path(f->a), &f->mem_size);
		if (!f->mem)
			r = -EIO;
	}
	return r < 0 ? r : 0;
}

static inline void tp_fix_stop(struct tp_fix *f)
{
	if (f->mem)
		munmap((void *)f->mem, f->mem_size);
	ta_free(f->a);
	stlmp_platform_free(f->p);
	stlmp_config_free(f->cfg);
	memset(f, 0, sizeof(*f));
}

#endif
