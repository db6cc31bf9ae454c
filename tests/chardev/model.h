/* SPDX-License-Identifier: MIT */
/*
 * Copyright (c) 2026 The stlm authors
 *
 * A MODEL of the kernel's SCMI Telemetry character device driver, for
 * tests only: it serves the ioctls of lib/backend/chardev-abi.h with the
 * semantics docs/chardev.md describes, on top of an emulated platform
 * (stlm-platform) reached through libstlm's public API. It is not the
 * driver: what a real kernel does differently is listed in
 * docs/chardev.md ("What the model does not prove").
 *
 * One model per process. Device paths are real files: opening one checks
 * the caller's access to that file as the kernel checks a device node's
 * mode (so an unprivileged user gets EACCES, a read-only group a
 * read-only descriptor).
 */
#ifndef STLM_TESTS_CHARDEV_MODEL_H
#define STLM_TESTS_CHARDEV_MODEL_H

#include <stdbool.h>
#include <stdint.h>

#include "chardev.h"

/**
 * struct cdev_model_opts - what the modelled driver reports
 * @abi_version:  GET_ABI_INFO's abi_version (0: 1)
 * @abi_features: its abi_features (0: RESET|EVENT|BATCH_STATE|BATCHED_CFG,
 *                and DE_TRACKING when the platform URI names its memory
 *                file: GET_SHMTI_LIST hands out that file per SHMTI)
 * @v0:           the early form: GET_ABI_INFO unknown (ENOTTY), GET_INFO
 *                answers
 * @set_w:        SET_CFG and SET_ALL_CFG are the write-only requests
 *                (ASTL's copy of the ABI); the read-write ones are ENOTTY
 * @no_write, @no_read: opening for writing / at all is EACCES whatever
 *                the file's mode says (a node's mode for a caller who is
 *                root in the test)
 */
struct cdev_model_opts {
	uint32_t abi_version;
	uint32_t abi_features;
	bool v0;
	bool set_w;
	bool no_write;
	bool no_read;
};

/*
 * Start the model on platform uri (a unix:/shm: URI of an emulator), for
 * the device file at path. 0 or -errno.
 */
int cdev_model_start(const char *uri, const char *path,
		     const struct cdev_model_opts *o);
/* Stop it (closes its session; open descriptors read ENODEV after). */
void cdev_model_stop(void);
/* Is fd a descriptor of the modelled device? */
bool cdev_model_owns(int fd);
/* The model's system calls, for stlm__chardev_sys. */
extern const struct stlm_chardev_sys cdev_model_sys;
/* The model's entry points (the LD_PRELOAD shim calls them). */
int cdev_model_open(const char *path, int flags);
int cdev_model_ioctl(int fd, unsigned long req, void *arg);
int cdev_model_close(int fd);
/* How many times the request's number was asked since the start. */
unsigned long cdev_model_calls(unsigned long req);
/* Make every later ioctl fail with ENODEV (the device went away). */
void cdev_model_unplug(void);

#endif
