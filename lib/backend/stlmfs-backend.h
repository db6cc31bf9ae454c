/* SPDX-License-Identifier: MIT */
/*
 * Copyright (c) 2026 The stlm authors
 *
 * The stlmfs: backend, private to lib/backend/stlmfs*.c: stlmfs.c (open,
 * discovery, state, watcher, snapshots' bulk reads), stlmfs-config.c
 * (configuration, collection, reset, group intervals), stlmfs-text.c (the
 * pure text parsers). Never installed.
 */
#ifndef STLM_LIB_BACKEND_STLMFS_BACKEND_H
#define STLM_LIB_BACKEND_STLMFS_BACKEND_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "telemetry.h"

/*
 * The backend reads and writes the session's shared data model (table,
 * DE state, collection state, locks) directly: see backend.h and the
 * session core's header.
 */
#include "session.h"

#define KNOB_MAX		4096	/* one-value files */
#define LIST_MAX		(1u << 20) /* interval and member lists */
#define MAX_DES			(1u << 20)
#define MAX_GROUP_ID		65535u
#define MAX_IV			4096
#define BULK_LINE_BUDGET	64	/* the kernel's per-line budget */
#define WATCH_PERIOD_MS		250
#define WATCH_RETRY_MS		500

#define G_PRESENT		(1u << 0)
#define G_BULK			(1u << 1)
#define G_SINGLE		(1u << 2)
#define G_IV			(1u << 3)
#define G_TS			(1u << 4)

struct stlmfs {
	int dirfd;
	char *path;		/* the instance directory */
	uint32_t n_des;
	char (*dirs)[12];	/* per DE index: its directory name */
	bool *ts_file;		/* per DE index: tstamp_enable exists */
	uint32_t n_groups;
	uint8_t *gflags;	/* per group id: G_* */
	bool has_single, has_reset, has_all_en, has_all_ts, has_tlm_en;
	bool has_cur_iv, has_gen;

	pthread_mutex_t snap_lock;
	char *buf;		/* bulk text */
	size_t buf_cap;
	struct stlmfs_sample *tmp;
	size_t tmp_cap;
	uint32_t *seen;		/* per DE index: stamp of the last fetch */
	uint32_t stamp;

	uint64_t file_gen;	/* last value read from `generation` (s->lock) */
	pthread_t watcher;
	bool watcher_running;
	int stop_fd;		/* eventfd: stops the watcher at close */
	int lost;		/* the tree went away (sticky, atomic) */
};


static inline struct stlmfs *stlmfs_be(struct stlm_session *s)
{
	return s->be;
}

/* stlmfs.c */
/* Write text to a file relative to the instance (one write()). */
int stlmfs_be_write_rel(struct stlm_session *s, const char *rel,
			const char *text);
int stlmfs_be_knob_bool(struct stlm_session *s, const char *rel, bool *ret);
int stlmfs_be_knob_interval(struct stlm_session *s, const char *rel,
			    struct scmi_tlm_interval *ret);
/* The interval list in directory dir (allocated). */
int stlmfs_be_read_intervals(struct stlm_session *s, const char *dir,
			     struct scmi_tlm_interval **ret_raw,
			     struct stlm_interval **ret_v, size_t *ret_n,
			     bool *ret_range);
/* Re-read every DE's enable state (disc_lock held). */
int stlmfs_be_refresh_state(struct stlm_session *s);
/* Follow the generation file after a change made at generation before. */
void stlmfs_be_generation_after(struct stlm_session *s, uint64_t before,
				bool reset);

/* stlmfs-config.c: the ops */
int stlmfs_be_batch(struct stlm_session *s, struct stlm_batch_item *items,
		    size_t n);
int stlmfs_be_coll_set(struct stlm_session *s, uint32_t group, bool enable,
		       int mode, uint64_t interval_ns);
int stlmfs_be_coll_get(struct stlm_session *s, uint32_t group,
		       struct stlm_collection *ret);
int stlmfs_be_reset(struct stlm_session *s);
int stlmfs_be_group_intervals(struct stlm_session *s, uint32_t group,
			      struct stlm_group_iv *ret);

#endif /* STLM_LIB_BACKEND_STLMFS_BACKEND_H */
