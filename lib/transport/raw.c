// SPDX-License-Identifier: MIT
/*
 * Copyright (c) 2026 The stlm authors
 *
 * raw:DIR - the Linux SCMI raw mode agent transport
 * (protocol §12, docs/rawfs.md).
 *
 * Theory of operation
 * -------------------
 * DIR is a raw mode instance directory: /sys/kernel/debug/scmi/<n> on a
 * real machine (kernel built with CONFIG_ARM_SCMI_RAW_MODE_SUPPORT), or a
 * tree the emulator serves with rawfs:DIR. It holds raw/ and transport/.
 *
 * open() reads transport/max_msg_size (M: the largest request payload
 * after the header, and the largest block of return values after the
 * status word) and opens raw/message, raw/message_async and
 * raw/notification, all O_NONBLOCK | O_CLOEXEC, plus an epoll fd over the
 * three for fd().
 *
 *   max_msg = M + 8: header + status + M bytes of return values, the
 *   largest message recv() can return (the same definition as the other
 *   transports). A real kernel stages replies in M + 4 bytes, so there
 *   they stay below that; send() accepts at most M + 4 bytes (header +
 *   M bytes of payload) and answers -EMSGSIZE beyond.
 *
 * send() write()s the whole command in one call to message, or to
 * message_async when a delayed response is expected. recv() polls the
 * three files with the timeout, then reads one message from the first
 * readable one, in the order message, message_async, notification, until
 * read() returns 0 at the message boundary. Replies therefore come before
 * notifications that are already waiting; each file is in arrival order.
 * On a real kernel message and message_async read the same reply queue,
 * so any reply may come out of either; the order above is only a
 * preference.
 *
 * The memory file for SHMTIs and FastChannels is /dev/mem unless ?mem=
 * names another (transport.c fills it in): on hardware the reported
 * addresses are physical. Against rawfs:, pass ?mem= the emulator's
 * memory file.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <time.h>
#include <unistd.h>

#include "scmi.h"
#include "transport.h"

/* Sanity bounds on transport/max_msg_size. */
#define RAW_MIN_MSG_SIZE 8u
#define RAW_MAX_MSG_SIZE 65536u
/* Reads are done in chunks of this size (a message is one or two). */
#define RAW_RX_CHUNK 4096u

enum raw_fd {
	RAW_FD_MESSAGE,
	RAW_FD_ASYNC,
	RAW_FD_NOTIF,
	RAW_FD_COUNT,
};

static const char *const raw_files[RAW_FD_COUNT] = {
	[RAW_FD_MESSAGE] = "raw/message",
	[RAW_FD_ASYNC] = "raw/message_async",
	[RAW_FD_NOTIF] = "raw/notification",
};

/**
 * struct raw_transport - a raw: agent transport
 * @t:            common part (first member)
 * @fds:          message, message_async, notification (non-blocking)
 * @epfd:         epoll fd over @fds, returned by fd()
 * @max_msg_size: transport/max_msg_size
 * @rx_cap:       size of @rx_buf
 * @rx_buf:       one message being read
 */
struct raw_transport {
	struct stlm_transport t;
	int fds[RAW_FD_COUNT];
	int epfd;
	uint32_t max_msg_size;
	size_t rx_cap;
	uint8_t *rx_buf;
};

static inline struct raw_transport *to_raw(struct stlm_transport *t)
{
	return (struct raw_transport *)t;
}

static int64_t raw_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* errno of a failed read/write to an errno of the transport API. */
static int raw_errno(int err)
{
	switch (err) {
	case ENOTCONN:	/* FUSE connection aborted: emulator gone */
	case ENODEV:
	case ECONNABORTED:
	case EIO:
		return -ECONNRESET;
	default:
		return -err;
	}
}

static int raw_read_u32(const char *dir, const char *name, uint32_t *ret)
{
	char path[PATH_MAX], buf[32], *end;
	unsigned long v;
	ssize_t n;
	int fd;

	if (snprintf(path, sizeof(path), "%s/%s", dir, name) >=
	    (int)sizeof(path))
		return -ENAMETOOLONG;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	do {
		n = read(fd, buf, sizeof(buf) - 1);
	} while (n < 0 && errno == EINTR);
	if (n < 0) {
		n = -errno;
		close(fd);
		return (int)n;
	}
	close(fd);
	buf[n] = '\0';
	errno = 0;
	v = strtoul(buf, &end, 0);
	if (errno || end == buf || (*end && *end != '\n') || v > UINT32_MAX)
		return -EPROTO;
	*ret = (uint32_t)v;
	return 0;
}

static void raw_close(struct stlm_transport *t)
{
	struct raw_transport *r = to_raw(t);

	if (!t)
		return;
	for (int i = 0; i < RAW_FD_COUNT; i++)
		if (r->fds[i] >= 0)
			close(r->fds[i]);
	if (r->epfd >= 0)
		close(r->epfd);
	free(r->rx_buf);
	free(r);
}

static int raw_open(const struct stlm_uri *u, struct stlm_transport **ret)
{
	struct raw_transport *r;
	char path[PATH_MAX];
	int err;

	r = calloc(1, sizeof(*r));
	if (!r)
		return -ENOMEM;
	r->epfd = -1;
	for (int i = 0; i < RAW_FD_COUNT; i++)
		r->fds[i] = -1;

	err = raw_read_u32(u->path, "transport/max_msg_size", &r->max_msg_size);
	if (err < 0)
		goto err_close;
	if (r->max_msg_size < RAW_MIN_MSG_SIZE ||
	    r->max_msg_size > RAW_MAX_MSG_SIZE) {
		err = -EPROTO;
		goto err_close;
	}
	r->t.max_msg = (size_t)r->max_msg_size + 8;
	r->rx_cap = r->t.max_msg + RAW_RX_CHUNK;
	r->rx_buf = malloc(r->rx_cap);
	if (!r->rx_buf) {
		err = -ENOMEM;
		goto err_close;
	}

	r->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (r->epfd < 0) {
		err = -errno;
		goto err_close;
	}
	for (int i = 0; i < RAW_FD_COUNT; i++) {
		struct epoll_event ev = { .events = EPOLLIN, .data.u32 = (uint32_t)i };
		int flags = i == RAW_FD_NOTIF ? O_RDONLY : O_RDWR;

		if (snprintf(path, sizeof(path), "%s/%s", u->path,
			     raw_files[i]) >= (int)sizeof(path)) {
			err = -ENAMETOOLONG;
			goto err_close;
		}
		r->fds[i] = open(path, flags | O_NONBLOCK | O_CLOEXEC);
		if (r->fds[i] < 0) {
			err = -errno;
			goto err_close;
		}
		if (epoll_ctl(r->epfd, EPOLL_CTL_ADD, r->fds[i], &ev) < 0) {
			err = -errno;
			goto err_close;
		}
	}
	*ret = &r->t;
	return 0;

err_close:
	raw_close(&r->t);
	return err;
}

static int raw_send(struct stlm_transport *t, const uint8_t *msg, size_t len,
		    bool async)
{
	struct raw_transport *r = to_raw(t);
	int fd = r->fds[async ? RAW_FD_ASYNC : RAW_FD_MESSAGE];
	ssize_t n;

	if (!msg || len < 4)
		return -EINVAL;
	if (len > (size_t)r->max_msg_size + 4)
		return -EMSGSIZE;
	/* One write() is one message: never split it. */
	do {
		n = write(fd, msg, len);
	} while (n < 0 && errno == EINTR);
	if (n < 0) {
		if (errno == ENOSPC)
			return -EMSGSIZE;
		return raw_errno(errno);
	}
	if ((size_t)n != len)
		return -EIO;
	return 0;
}

/*
 * Read one message from fd up to its EOF. Returns its length, 0 if there
 * was nothing after all (spurious wake-up), -EMSGSIZE if it did not fit
 * rx_buf (the rest is drained), or -errno.
 */
static int raw_read_message(struct raw_transport *r, int fd)
{
	size_t have = 0;
	bool overflow = false;
	uint8_t scratch[256];
	ssize_t n;

	for (;;) {
		uint8_t *dst = overflow ? scratch : r->rx_buf + have;
		size_t room = overflow ? sizeof(scratch) : r->rx_cap - have;

		if (!overflow && room > RAW_RX_CHUNK)
			room = RAW_RX_CHUNK;
		if (!overflow && room == 0) {
			overflow = true;
			continue;
		}
		n = read(fd, dst, room);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN && have == 0 && !overflow)
				return 0;
			if (errno == EAGAIN)
				return -EPROTO; /* stalled inside a message */
			return raw_errno(errno);
		}
		if (n == 0) {
			if (overflow)
				return -EMSGSIZE;
			if (have == 0)
				return 0; /* a leftover boundary */
			return (int)have;
		}
		if (!overflow)
			have += (size_t)n;
	}
}

static int raw_recv(struct stlm_transport *t, uint8_t *buf, size_t cap,
		    int timeout_ms)
{
	struct raw_transport *r = to_raw(t);
	int64_t deadline = timeout_ms < 0 ? -1 : raw_now_ms() + timeout_ms;
	struct pollfd pfd[RAW_FD_COUNT];

	if (!buf)
		return -EINVAL;
	for (;;) {
		int wait_ms = -1, n;

		if (deadline >= 0) {
			int64_t left = deadline - raw_now_ms();

			if (left <= 0)
				wait_ms = 0;
			else
				wait_ms = left > INT32_MAX ? INT32_MAX : (int)left;
		}
		for (int i = 0; i < RAW_FD_COUNT; i++) {
			pfd[i].fd = r->fds[i];
			pfd[i].events = POLLIN;
			pfd[i].revents = 0;
		}
		n = poll(pfd, RAW_FD_COUNT, wait_ms);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (n == 0)
			return -ETIMEDOUT;
		for (int i = 0; i < RAW_FD_COUNT; i++) {
			int len;

			if (pfd[i].revents & POLLNVAL)
				return -EBADF;
			if (!(pfd[i].revents & (POLLIN | POLLERR | POLLHUP)))
				continue;
			len = raw_read_message(r, r->fds[i]);
			if (len == 0)
				continue;
			if (len < 0)
				return len;
			if ((size_t)len > cap)
				return -EMSGSIZE;
			memcpy(buf, r->rx_buf, (size_t)len);
			return len;
		}
		if (wait_ms == 0)
			return -ETIMEDOUT;
	}
}

static int raw_fd(struct stlm_transport *t)
{
	return to_raw(t)->epfd;
}

const struct stlm_transport_ops stlm_transport_raw = {
	.scheme = "raw",
	.open = raw_open,
	.close = raw_close,
	.send = raw_send,
	.recv = raw_recv,
	.fd = raw_fd,
};
