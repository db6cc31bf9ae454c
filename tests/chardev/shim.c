// SPDX-License-Identifier: MIT
/*
 * Copyright (c) 2026 The stlm authors
 *
 * A test-only LD_PRELOAD library (never installed): the device file named
 * by $STLM_TEST_CHARDEV_PATH behaves as the SCMI Telemetry character
 * device, served by the MODEL of the driver (model.h) on the emulated
 * platform at $STLM_TEST_CHARDEV_PLATFORM (a unix: URI of an
 * stlm-platform process). open/open64/openat/ioctl/close on that path and
 * its descriptors go to the model; everything else to libc. Optional
 * $STLM_TEST_CHARDEV_OPTS: "abi=N", "features=0xN", "v0", "set_w"
 * (comma-separated) configure the modelled driver.
 */
/* Both open() and open64() are defined here: no renaming of either. */
#undef _FILE_OFFSET_BITS
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "model.h"

static pthread_once_t once = PTHREAD_ONCE_INIT;
static int start_err;
static const char *dev_path;

static void start(void)
{
	const char *uri = getenv("STLM_TEST_CHARDEV_PLATFORM");
	const char *opts = getenv("STLM_TEST_CHARDEV_OPTS");
	struct cdev_model_opts o = { 0 };
	char buf[256], *save = NULL;

	if (opts && strlen(opts) < sizeof(buf)) {
		strcpy(buf, opts);
		for (char *t = strtok_r(buf, ",", &save); t;
		     t = strtok_r(NULL, ",", &save)) {
			if (!strncmp(t, "abi=", 4))
				o.abi_version = (uint32_t)strtoul(t + 4, NULL, 0);
			else if (!strncmp(t, "features=", 9))
				o.abi_features = (uint32_t)strtoul(t + 9, NULL, 0);
			else if (!strcmp(t, "v0"))
				o.v0 = true;
			else if (!strcmp(t, "set_w"))
				o.set_w = true;
		}
	}
	start_err = uri ? cdev_model_start(uri, dev_path, &o) : -ENXIO;
	if (start_err)
		fprintf(stderr, "chardev shim: model on %s: %s\n",
			uri ? uri : "(no $STLM_TEST_CHARDEV_PLATFORM)",
			strerror(-start_err));
}

static bool is_dev(const char *path)
{
	if (!dev_path)
		dev_path = getenv("STLM_TEST_CHARDEV_PATH");
	return dev_path && path && !strcmp(path, dev_path);
}

static int serve_open(const char *path, int flags)
{
	int acc = (flags & O_ACCMODE) == O_RDONLY ? R_OK : R_OK | W_OK;
	int r;

	/* The node's mode first, as the kernel checks it before the driver. */
	if (faccessat(AT_FDCWD, path, acc, AT_EACCESS) < 0)
		return -1;
	pthread_once(&once, start);
	if (start_err) {
		errno = ENODEV;
		return -1;
	}
	r = cdev_model_open(path, flags);
	if (r < 0) {
		errno = -r;
		return -1;
	}
	return r;
}

__attribute__((visibility("default")))
int open(const char *path, int flags, ...)
{
	mode_t mode = 0;
	va_list ap;

	if (is_dev(path))
		return serve_open(path, flags);
	va_start(ap, flags);
	if (flags & (O_CREAT | O_TMPFILE))
		mode = va_arg(ap, mode_t);
	va_end(ap);
	return (int)syscall(SYS_openat, AT_FDCWD, path, flags, mode);
}

__attribute__((visibility("default")))
int open64(const char *path, int flags, ...)
{
	mode_t mode = 0;
	va_list ap;

	if (is_dev(path))
		return serve_open(path, flags);
	va_start(ap, flags);
	if (flags & (O_CREAT | O_TMPFILE))
		mode = va_arg(ap, mode_t);
	va_end(ap);
	return (int)syscall(SYS_openat, AT_FDCWD, path, flags, mode);
}

__attribute__((visibility("default")))
int openat(int dirfd, const char *path, int flags, ...)
{
	mode_t mode = 0;
	va_list ap;

	if (is_dev(path))
		return serve_open(path, flags);
	va_start(ap, flags);
	if (flags & (O_CREAT | O_TMPFILE))
		mode = va_arg(ap, mode_t);
	va_end(ap);
	return (int)syscall(SYS_openat, dirfd, path, flags, mode);
}

__attribute__((visibility("default")))
int openat64(int dirfd, const char *path, int flags, ...)
{
	mode_t mode = 0;
	va_list ap;

	if (is_dev(path))
		return serve_open(path, flags);
	va_start(ap, flags);
	if (flags & (O_CREAT | O_TMPFILE))
		mode = va_arg(ap, mode_t);
	va_end(ap);
	return (int)syscall(SYS_openat, dirfd, path, flags, mode);
}

__attribute__((visibility("default")))
int ioctl(int fd, unsigned long req, ...)
{
	void *arg;
	va_list ap;
	int r;

	va_start(ap, req);
	arg = va_arg(ap, void *);
	va_end(ap);
	if (cdev_model_owns(fd)) {
		r = cdev_model_ioctl(fd, req, arg);
		if (r < 0) {
			errno = -r;
			return -1;
		}
		return r;
	}
	return (int)syscall(SYS_ioctl, fd, req, arg);
}

__attribute__((visibility("default")))
int close(int fd)
{
	if (cdev_model_owns(fd))
		return cdev_model_close(fd) < 0 ? -1 : 0;
	return (int)syscall(SYS_close, fd);
}
