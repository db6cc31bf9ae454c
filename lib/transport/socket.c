// SPDX-License-Identifier: MIT
/*
 * Copyright (c) 2026 The stlm authors
 *
 * unix:PATH and tcp:HOST:PORT agent transports.
 *
 * Theory of operation
 * -------------------
 * The byte stream carries frames (lib/proto/frame.h, docs/transports.md):
 * a u32 little-endian length L, then L bytes of SCMI header + payload.
 * A frame with L == 0 is the platform's refusal (another agent owns the
 * channel); the platform closes the connection after it.
 *
 * send() writes one whole frame with frame_write() (length and message in
 * one sendmsg(), the rest with a loop), waiting at most the transport
 * timeout for room.
 *
 * recv() reads exactly one frame and never reads past it, so the socket
 * stays readable exactly while a frame (or part of one) is pending and
 * fd() can be polled directly. A partly received frame is kept in the
 * transport (rx_buf/rx_have) and completed by the next call, so recv()
 * never waits past its timeout in the middle of a frame. A frame larger
 * than the caller's buffer is consumed and dropped (-EMSGSIZE); a length
 * below 4 or above STLM_SOCK_MAX_FRAME breaks the stream (-EPROTO, sticky).
 */
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "frame.h"
#include "scmi.h"
#include "transport.h"

/* Largest frame body accepted from a platform. */
#define STLM_SOCK_MAX_FRAME 65536u
/* Connect and send timeout when the URI has no timeout_ms. */
#define STLM_SOCK_DEFAULT_TIMEOUT_MS 5000

enum sock_state {
	SOCK_OK = 0,
	SOCK_REFUSED,	/* got the L == 0 refusal frame */
	SOCK_GONE,	/* EOF or reset */
	SOCK_BROKEN,	/* framing error, or a half-written frame */
};

/**
 * struct sock_transport - a unix or tcp agent transport
 * @t:          common part (first member)
 * @fd:         the connected socket (non-blocking, close-on-exec)
 * @timeout_ms: connect and send timeout
 * @state:      enum sock_state; anything but SOCK_OK is final
 * @rx_have:    bytes of the current frame received (length word included)
 * @rx_buf:     the current frame: 4 length bytes, then the body
 */
struct sock_transport {
	struct stlm_transport t;
	int fd;
	int timeout_ms;
	enum sock_state state;
	size_t rx_have;
	uint8_t rx_buf[4 + STLM_SOCK_MAX_FRAME];
};

static inline struct sock_transport *to_sock(struct stlm_transport *t)
{
	return (struct sock_transport *)t;
}

/* Remaining milliseconds before deadline (-1 = forever) for poll(). */
static int remaining_ms(int64_t deadline)
{
	int64_t left;

	if (deadline < 0)
		return -1;
	left = deadline - frame_now_ms();
	if (left <= 0)
		return 0;
	return left > INT32_MAX ? INT32_MAX : (int)left;
}

static int state_err(enum sock_state s)
{
	switch (s) {
	case SOCK_REFUSED:
		return -EBUSY;
	case SOCK_BROKEN:
		return -EPROTO;
	default:
		return -ECONNRESET;
	}
}

/* Wait for ev on fd until deadline: 1 ready, 0 timed out, -errno. */
static int wait_fd(int fd, short ev, int64_t deadline)
{
	struct pollfd pfd = { .fd = fd, .events = ev };
	int r;

	for (;;) {
		r = poll(&pfd, 1, remaining_ms(deadline));
		if (r >= 0)
			return r > 0;
		if (errno != EINTR)
			return -errno;
	}
}

/*
 * Read what is available of the current frame without blocking and without
 * reading past it. Returns 1 when a whole frame is in rx_buf, 0 when more
 * is needed (would block), or a negative errno with s->state updated.
 */
static int rx_step(struct sock_transport *s)
{
	for (;;) {
		size_t want;
		ssize_t n;

		switch (frame_rx_step(s->rx_buf, s->rx_have,
				      STLM_SOCK_MAX_FRAME, &want)) {
		case FRAME_RX_WHOLE:
			return 1;
		case FRAME_RX_REFUSAL:
			s->state = SOCK_REFUSED;
			return -EBUSY;
		case FRAME_RX_BAD:
			s->state = SOCK_BROKEN;
			return -EPROTO;
		case FRAME_RX_MORE:
			break;
		}
		n = recv(s->fd, s->rx_buf + s->rx_have, want, MSG_DONTWAIT);
		if (n > 0) {
			s->rx_have += (size_t)n;
			continue;
		}
		if (n == 0) {
			s->state = SOCK_GONE;
			return -ECONNRESET;
		}
		if (errno == EINTR)
			continue;
		if (errno == EAGAIN || errno == EWOULDBLOCK)
			return 0;
		s->state = SOCK_GONE;
		return -ECONNRESET;
	}
}

static int sock_recv(struct stlm_transport *t, uint8_t *buf, size_t cap,
		     int timeout_ms)
{
	struct sock_transport *s = to_sock(t);
	int64_t deadline = timeout_ms < 0 ? -1 : frame_now_ms() + timeout_ms;
	size_t len;
	int r;

	if (!buf && cap)
		return -EINVAL;
	if (s->state != SOCK_OK)
		return state_err(s->state);

	for (;;) {
		r = rx_step(s);
		if (r < 0)
			return r;
		if (r > 0)
			break;
		r = wait_fd(s->fd, POLLIN, deadline);
		if (r < 0)
			return r;
		if (r == 0)
			return -ETIMEDOUT;
	}

	len = s->rx_have - 4;
	s->rx_have = 0;
	if (len > cap)
		return -EMSGSIZE;
	memcpy(buf, s->rx_buf + 4, len);
	return (int)len;
}

/*
 * After a failed write: if the platform refused us, the refusal frame is
 * what is waiting to be read; report -EBUSY rather than a reset.
 */
static int send_failed(struct sock_transport *s)
{
	if (s->state == SOCK_OK && s->rx_have == 0) {
		uint8_t w[4];
		ssize_t n = recv(s->fd, w, sizeof(w), MSG_DONTWAIT | MSG_PEEK);

		if (n == 4 && scmi_get_le32(w) == 0) {
			s->state = SOCK_REFUSED;
			return -EBUSY;
		}
	}
	if (s->state == SOCK_OK)
		s->state = SOCK_GONE;
	return state_err(s->state);
}

static int sock_send(struct stlm_transport *t, const uint8_t *msg, size_t len,
		     bool async)
{
	struct sock_transport *s = to_sock(t);
	size_t sent;
	int r;

	if (!msg || len < 4)
		return -EINVAL;
	if (len > t->max_msg)
		return -EMSGSIZE;
	if (s->state != SOCK_OK)
		return state_err(s->state);

	r = frame_write(s->fd, msg, len, frame_now_ms() + s->timeout_ms, &sent);
	if (r == -ECONNRESET)
		return send_failed(s);
	if (r < 0 && sent > 0) {
		/* Half a frame is on the wire: unusable. */
		s->state = SOCK_BROKEN;
	}
	return r;
}

static int sock_fd(struct stlm_transport *t)
{
	return to_sock(t)->fd;
}

static void sock_close(struct stlm_transport *t)
{
	struct sock_transport *s;

	if (!t)
		return;
	s = to_sock(t);
	if (s->fd >= 0)
		close(s->fd);
	free(s);
}

/* Non-blocking connect bounded by deadline; fd stays non-blocking. */
static int connect_fd(int fd, const struct sockaddr *sa, socklen_t salen,
		      int64_t deadline)
{
	socklen_t elen = sizeof(int);
	int err = 0, r;

	if (connect(fd, sa, salen) == 0)
		return 0;
	if (errno != EINPROGRESS && errno != EINTR)
		return -errno;
	r = wait_fd(fd, POLLOUT, deadline);
	if (r < 0)
		return r;
	if (r == 0)
		return -ETIMEDOUT;
	if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &elen) < 0)
		return -errno;
	return err ? -err : 0;
}

static int sock_new(const struct stlm_uri *u, struct sock_transport **ret)
{
	struct sock_transport *s = calloc(1, sizeof(*s));

	if (!s)
		return -ENOMEM;
	s->fd = -1;
	s->timeout_ms = u->timeout_ms > 0 ? u->timeout_ms :
					    STLM_SOCK_DEFAULT_TIMEOUT_MS;
	s->t.max_msg = STLM_SOCK_MAX_FRAME;
	*ret = s;
	return 0;
}

static int unix_open(const struct stlm_uri *u, struct stlm_transport **ret)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct sock_transport *s;
	int r;

	if (strlen(u->path) >= sizeof(sa.sun_path))
		return -ENAMETOOLONG;
	memcpy(sa.sun_path, u->path, strlen(u->path) + 1);

	r = sock_new(u, &s);
	if (r < 0)
		return r;
	s->t.ops = &stlm_transport_unix;
	s->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (s->fd < 0) {
		r = -errno;
		goto err_free;
	}
	r = connect_fd(s->fd, (struct sockaddr *)&sa, sizeof(sa),
		       frame_now_ms() + s->timeout_ms);
	if (r < 0)
		goto err_free;
	*ret = &s->t;
	return 0;

err_free:
	sock_close(&s->t);
	return r;
}

static int tcp_open(const struct stlm_uri *u, struct stlm_transport **ret)
{
	struct addrinfo hints = {
		.ai_family = AF_UNSPEC,
		.ai_socktype = SOCK_STREAM,
		.ai_flags = AI_NUMERICSERV, /* not AI_ADDRCONFIG: loopback-only hosts */
	};
	struct addrinfo *res, *ai;
	struct sock_transport *s;
	char port[16];
	int64_t deadline;
	int r, one = 1;

	if (u->port <= 0 || u->port > 65535 || !u->host[0])
		return -EINVAL;
	snprintf(port, sizeof(port), "%d", u->port);
	r = getaddrinfo(u->host, port, &hints, &res);
	if (r == EAI_SYSTEM)
		return errno ? -errno : -EHOSTUNREACH;
	if (r == EAI_MEMORY)
		return -ENOMEM;
	if (r != 0)
		return -EHOSTUNREACH;

	r = sock_new(u, &s);
	if (r < 0)
		goto out;
	s->t.ops = &stlm_transport_tcp;
	deadline = frame_now_ms() + s->timeout_ms;
	r = -ECONNREFUSED;
	for (ai = res; ai; ai = ai->ai_next) {
		s->fd = socket(ai->ai_family,
			       SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
		if (s->fd < 0) {
			r = -errno;
			continue;
		}
		r = connect_fd(s->fd, ai->ai_addr, ai->ai_addrlen, deadline);
		if (r == 0)
			break;
		close(s->fd);
		s->fd = -1;
	}
	if (r < 0) {
		sock_close(&s->t);
		goto out;
	}
	setsockopt(s->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	*ret = &s->t;
out:
	freeaddrinfo(res);
	return r;
}

const struct stlm_transport_ops stlm_transport_unix = {
	.scheme = "unix",
	.open = unix_open,
	.close = sock_close,
	.send = sock_send,
	.recv = sock_recv,
	.fd = sock_fd,
};

const struct stlm_transport_ops stlm_transport_tcp = {
	.scheme = "tcp",
	.open = tcp_open,
	.close = sock_close,
	.send = sock_send,
	.recv = sock_recv,
	.fd = sock_fd,
};
