/* SPDX-License-Identifier: MIT */
/*
 * Copyright (c) 2026 The stlm authors
 *
 * The chardev: backend (docs/chardev.md), private to lib/backend/chardev*.c:
 * chardev.c (open, ABI probe, discovery, bulk reads, state, the event
 * watcher), chardev-config.c (configuration, collection, reset, intervals).
 * Never installed.
 */
#ifndef STLM_LIB_BACKEND_CHARDEV_H
#define STLM_LIB_BACKEND_CHARDEV_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <poll.h>
#include <sys/types.h>

#include "chardev-abi.h"
#include "telemetry.h"

/*
 * The backend reads and writes the session's shared data model directly:
 * see backend.h and the session core's header.
 */
#include "session.h"

/**
 * struct stlm_chardev_sys - every system call the backend makes on the
 * device, so that the library's own unit tests can run the backend
 * against a model of the driver (tests/chardev/). The library's default
 * is the real system calls; nothing outside the test programs, which link
 * the library statically, can change it (no environment switch).
 * Each returns as the system call does, with -errno instead of -1/errno.
 */
struct stlm_chardev_sys {
	int (*open)(const char *path, int flags);
	int (*ioctl)(int fd, unsigned long req, void *arg);
	int (*close)(int fd);
	int (*eventfd)(unsigned int initval, int flags);
	ssize_t (*read)(int fd, void *buf, size_t len);
	int (*poll)(struct pollfd *p, unsigned int n, int timeout_ms);
	/* mmap(NULL, len, PROT_READ, MAP_SHARED, fd, 0): the address or
	 * NULL with *ret_err set */
	void *(*map)(int fd, size_t len, int *ret_err);
	int (*unmap)(void *p, size_t len);
};

/* The calls in use: &stlm__chardev_sys_real unless a test replaced it. */
extern const struct stlm_chardev_sys *stlm__chardev_sys;
extern const struct stlm_chardev_sys stlm__chardev_sys_real;

#define CDEV_MAX_DES		(1u << 16)
#define CDEV_MAX_GROUPS		4096u
#define CDEV_MAX_IV		4096u
#define CDEV_MAX_SHMTI		1024u
/* Snapshots from the SHMTIs ask the driver at most this often (GET_CFG). */
#define CDEV_CHECK_NS		250000000u
#define CDEV_MAX_SHMTI_LEN	(1u << 30)

struct chardev {
	const struct stlm_chardev_sys *sys;
	char path[4096];
	int fd;
	bool writable;		/* opened O_RDWR */
	bool set_w;		/* SET_CFG/SET_ALL_CFG are the _IOW ones */
	struct stlm_cdev_abi_info abi;
	uint32_t n_des;
	uint32_t n_groups;
	uint32_t *group_ids;	/* n_groups */
	uint32_t *group_niv;	/* per group: its interval count */
	uint32_t *ids;		/* DE ids by table index */
	bool *ts_ok;		/* per index: the DE has timestamps */

	/* SHMTIs mapped from GET_SHMTI_LIST (read-only): unmapped at close */
	uint32_t n_maps;
	void **maps;
	size_t *map_len;
	uint32_t *sids;		/* SHMTI id by table index */

	pthread_mutex_t io_lock;	/* the read buffers */
	struct stlm_cdev_sample *samples;
	uint32_t *seen;		/* per index: stamp of the last read */
	uint32_t stamp;

	int efd;		/* eventfd subscribed to generation events */
	uint32_t cookie;
	int stop_fd;		/* eventfd: stops the watcher */
	pthread_t watcher;
	bool watcher_running;
	int lost;		/* sticky, atomic */
	uint64_t own_pending;	/* events our own changes caused (atomic) */
	uint64_t last_check_ns;	/* last liveness check of the SHMTI path */
};

static inline struct chardev *chardev_be(struct stlm_session *s)
{
	return s->be;
}

/* chardev.c */
/* One ioctl; -errno. ENODEV/EIO/ENXIO/ESHUTDOWN mark the session LOST. */
int chardev_ioctl(struct stlm_session *s, unsigned long req, void *arg);
/*
 * A configuration ioctl through chardev_ioctl(): the generation event the
 * driver sends for it is ours, not news (the watcher skips it).
 */
int chardev_change(struct stlm_session *s, unsigned long req, void *arg);
/* Re-read the enable state of every DE and the instance (disc_lock held). */
int chardev_refresh_state(struct stlm_session *s);
/* After a change made through this session: state, then the generation. */
void chardev_after_change(struct stlm_session *s);

/* chardev-config.c */
int chardev_batch(struct stlm_session *s, struct stlm_batch_item *items,
		  size_t n);
int chardev_coll_set(struct stlm_session *s, uint32_t group, bool enable,
		     int mode, uint64_t interval_ns);
int chardev_coll_get(struct stlm_session *s, uint32_t group,
		     struct stlm_collection *ret);
int chardev_reset(struct stlm_session *s);
int chardev_group_intervals(struct stlm_session *s, uint32_t group,
			    struct stlm_group_iv *ret);
/* The interval list of a scope (group UINT32_MAX: the instance). */
int chardev_read_intervals(struct stlm_session *s, uint32_t group,
			   struct scmi_tlm_interval **ret_raw,
			   struct stlm_interval **ret_v, size_t *ret_n,
			   bool *ret_range);

#endif /* STLM_LIB_BACKEND_CHARDEV_H */
