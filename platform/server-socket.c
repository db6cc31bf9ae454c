// SPDX-License-Identifier: MIT
/*
 * Copyright (c) 2026 The stlm authors
 *
 * unix:PATH and tcp:HOST:PORT server transports of the emulator.
 *
 * Theory of operation
 * -------------------
 * Each listener runs one event-loop thread that polls the listening socket,
 * a stop eventfd, the attached agent's socket and the sockets of recently
 * refused agents. Frames are the ones of lib/proto/frame.h (also the
 * agent's): a u32 little-endian length L, then L bytes of SCMI header +
 * payload.
 *
 * - A new connection is attached with stlmp_agent_attach(). If that says
 *   -EBUSY (another agent owns the platform, through any transport), the
 *   connection gets the refusal frame (L = 0, no body), its write side is
 *   shut down, and it is kept for up to STLMP_REFUSED_LINGER_MS, reading
 *   and discarding, so that closing it cannot turn into a TCP reset that
 *   would destroy the refusal before the agent reads it.
 * - Agent bytes are read without blocking into a per-agent frame buffer;
 *   each whole frame goes to stlmp_agent_command(). A frame with L < 4 or
 *   L > stlmp_platform_max_msg() + STLMP_SOCK_SLACK disconnects the agent.
 * - The sink (platform-to-agent messages, called from any platform thread)
 *   writes whole frames under conn->wlock, waiting at most
 *   STLMP_SOCK_SEND_TIMEOUT_MS for room; an agent that stops reading for
 *   that long is disconnected (its socket is shut down, the loop detaches).
 * - On EOF, error or a bad frame the loop calls stlmp_agent_detach() and
 *   closes the socket; the platform keeps serving the next agent.
 * - stop() wakes the loop through the eventfd and joins it; the loop
 *   detaches its agent and closes every socket; stop() then closes the
 *   listener and removes the unix socket file it created.
 */
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "frame.h"
#include "scmi.h"
#include "server.h"

/* Frame bytes allowed beyond the platform's largest message. */
#define STLMP_SOCK_SLACK 64
/* How long a frame write may wait for the agent to make room. */
#define STLMP_SOCK_SEND_TIMEOUT_MS 5000
/* Refused connections kept (and drained) before closing. */
#define STLMP_REFUSED_MAX 8
#define STLMP_REFUSED_LINGER_MS 1000
/* Frames handled per wake-up, so a flood cannot starve stop(). */
#define STLMP_FRAMES_PER_WAKEUP 64

/* Shared with server-shm.c. */
int stlmp_unix_listen(struct stlmp_platform *p, const char *path,
		      int *ret_fd, struct stat *ret_st);
void stlmp_unix_unlink(const char *path, const struct stat *st);
int64_t stlmp_now_ms(void);

/**
 * struct sock_conn - the attached agent
 * @srv:     its server
 * @fd:      the socket (non-blocking)
 * @agent:   the engine's handle
 * @wlock:   serialises frame writes; protects @dead
 * @dead:    a write failed: the socket is shut down, the loop detaches
 * @rx_have: bytes of the current frame received, length word included
 * @rx_buf:  the current frame (4 + srv->max_frame bytes)
 */
struct sock_conn {
	struct stlmp_server *srv;
	int fd;
	struct stlmp_agent *agent;
	pthread_mutex_t wlock;
	bool dead;
	size_t rx_have;
	uint8_t *rx_buf;
};

struct refused_conn {
	int fd;
	int64_t deadline;
};

/**
 * struct stlmp_server - one unix or tcp listener
 * @p:         the platform
 * @lfd:       listening socket
 * @stop_fd:   eventfd: stop() writes it to end the loop
 * @thread:    the event loop
 * @is_unix:   unix (else tcp)
 * @path:      unix socket path; @path_st: its identity, to unlink only ours
 * @port:      tcp: the bound port
 * @max_frame: largest accepted frame body
 * @conn:      the attached agent or NULL (loop thread only)
 * @refused:   refused connections being drained (loop thread only)
 */
struct stlmp_server {
	struct stlmp_platform *p;
	int lfd;
	int stop_fd;
	pthread_t thread;
	bool is_unix;
	char path[sizeof(((struct sockaddr_un *)0)->sun_path)];
	struct stat path_st;
	int port;
	size_t max_frame;
	struct sock_conn *conn;
	struct refused_conn refused[STLMP_REFUSED_MAX];
	unsigned int n_refused;
};

int64_t stlmp_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* ------------------------------------------------------------------ */
/* unix socket files (also used by server-shm.c for the doorbell)      */

/* Remove a leftover temporary socket name (never another kind of file). */
static void unlink_if_socket(const char *path, const struct sockaddr_un *final)
{
	struct stat st;

	if (strcmp(path, final->sun_path) && lstat(path, &st) == 0 &&
	    S_ISSOCK(st.st_mode))
		unlink(path);
}

/*
 * Create, bind and listen on a unix stream socket at path. An existing
 * socket file is removed only if nothing accepts connections on it
 * (-EADDRINUSE otherwise); any other kind of file there is -EEXIST.
 */
int stlmp_unix_listen(struct stlmp_platform *p, const char *path,
		      int *ret_fd, struct stat *ret_st)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct stat st;
	int fd, r;

	if (!path[0] || strlen(path) >= sizeof(sa.sun_path))
		return path[0] ? -ENAMETOOLONG : -EINVAL;
	memcpy(sa.sun_path, path, strlen(path) + 1);

	if (lstat(path, &st) == 0) {
		int probe;

		if (!S_ISSOCK(st.st_mode))
			return -EEXIST;
		probe = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
		if (probe < 0)
			return -errno;
		r = connect(probe, (struct sockaddr *)&sa, sizeof(sa));
		r = r == 0 ? 0 : -errno;
		close(probe);
		if (r == 0)
			return -EADDRINUSE;
		if (r != -ECONNREFUSED)
			return r;
		stlmp_log(p, STLMP_LOG_INFO, "removing stale socket %s", path);
		if (unlink(path) < 0 && errno != ENOENT)
			return -errno;
	}

	/*
	 * The path appears only once the socket listens: bind a temporary
	 * name in the same directory, listen, then rename() it into place,
	 * so a client that waits for the path never finds it refusing.
	 */
	{
		struct sockaddr_un tmp = { .sun_family = AF_UNIX };
		int n = snprintf(tmp.sun_path, sizeof(tmp.sun_path), "%s.%d.tmp",
				 path, (int)getpid());

		if (n < 0 || (size_t)n >= sizeof(tmp.sun_path))
			tmp = sa;	/* no room for a suffix: bind in place */
		fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
		if (fd < 0)
			return -errno;
		unlink_if_socket(tmp.sun_path, &sa);
		if (bind(fd, (struct sockaddr *)&tmp, sizeof(tmp)) < 0) {
			r = -errno;
			goto err_close;
		}
		if (listen(fd, 8) < 0 ||
		    (strcmp(tmp.sun_path, path) && rename(tmp.sun_path, path) < 0)) {
			r = -errno;
			unlink(tmp.sun_path);
			goto err_close;
		}
	}
	if (lstat(path, ret_st) < 0) {
		r = -errno;
		goto err_close;
	}
	*ret_fd = fd;
	return 0;

err_close:
	close(fd);
	return r;
}

/* Remove the socket file at path if it is still the one we created. */
void stlmp_unix_unlink(const char *path, const struct stat *st)
{
	struct stat now;

	if (lstat(path, &now) == 0 && now.st_dev == st->st_dev &&
	    now.st_ino == st->st_ino)
		unlink(path);
}

/* ------------------------------------------------------------------ */
/* The agent connection                                                */

static int conn_sink_send(void *data, const uint8_t *msg, size_t len)
{
	struct sock_conn *c = data;
	int64_t deadline = stlmp_now_ms() + STLMP_SOCK_SEND_TIMEOUT_MS;
	int r = 0;

	if (len < 4 || len > UINT32_MAX)
		return -EINVAL;

	pthread_mutex_lock(&c->wlock);
	if (c->dead) {
		r = -ECONNRESET;
		goto out;
	}
	r = frame_write(c->fd, msg, len, deadline, NULL);
	if (r < 0) {
		if (r != -ECONNRESET) {
			stlmp_log(c->srv->p, STLMP_LOG_WARNING,
				  "agent stopped reading for %d ms, disconnecting",
				  STLMP_SOCK_SEND_TIMEOUT_MS);
			r = -ETIMEDOUT;
		}
		/* The loop sees EOF, detaches and closes. */
		c->dead = true;
		shutdown(c->fd, SHUT_RDWR);
	}
out:
	pthread_mutex_unlock(&c->wlock);
	return r;
}

static void conn_free(struct sock_conn *c)
{
	if (!c)
		return;
	if (c->agent)
		stlmp_agent_detach(c->agent);
	if (c->fd >= 0)
		close(c->fd);
	pthread_mutex_destroy(&c->wlock);
	free(c->rx_buf);
	free(c);
}

/*
 * Read without blocking and run whole frames. Returns 0 to keep the agent,
 * or a negative errno to disconnect it.
 */
static int conn_read(struct stlmp_server *s, struct sock_conn *c)
{
	unsigned int frames = 0;

	while (frames < STLMP_FRAMES_PER_WAKEUP) {
		size_t want;
		ssize_t n;

		switch (frame_rx_step(c->rx_buf, c->rx_have, s->max_frame,
				      &want)) {
		case FRAME_RX_WHOLE: {
			int r = stlmp_agent_command(c->agent,
						    c->rx_buf + FRAME_HDR_SIZE,
						    want);

			if (r < 0)
				stlmp_log(s->p, STLMP_LOG_DEBUG,
					  "command not processed: %s",
					  strerror(-r));
			c->rx_have = 0;
			frames++;
			continue;
		}
		case FRAME_RX_REFUSAL:
		case FRAME_RX_BAD:
			stlmp_log(s->p, STLMP_LOG_WARNING,
				  "%s: bad frame length %u (allowed 4..%zu), disconnecting the agent",
				  s->is_unix ? "unix" : "tcp",
				  scmi_get_le32(c->rx_buf),
				  s->max_frame);
			return -EPROTO;
		case FRAME_RX_MORE:
			break;
		}
		n = recv(c->fd, c->rx_buf + c->rx_have, want, MSG_DONTWAIT);
		if (n > 0) {
			c->rx_have += (size_t)n;
			continue;
		}
		if (n == 0)
			return -ECONNRESET;
		if (errno == EINTR)
			continue;
		if (errno == EAGAIN || errno == EWOULDBLOCK)
			return 0;
		return -errno;
	}
	return 0;
}

/* ------------------------------------------------------------------ */
/* Refused connections                                                 */

static void refused_drop(struct stlmp_server *s, unsigned int i)
{
	close(s->refused[i].fd);
	s->refused[i] = s->refused[--s->n_refused];
}

static void refuse(struct stlmp_server *s, int fd)
{
	static const uint8_t refusal[FRAME_HDR_SIZE] = { 0 }; /* L == 0 */
	unsigned int oldest = 0;

	stlmp_log(s->p, STLMP_LOG_INFO,
		  "%s: refusing an agent: another agent owns the platform",
		  s->is_unix ? "unix" : "tcp");
	if (send(fd, refusal, sizeof(refusal), MSG_NOSIGNAL | MSG_DONTWAIT) !=
	    sizeof(refusal)) {
		close(fd);
		return;
	}
	shutdown(fd, SHUT_WR);
	if (s->n_refused == STLMP_REFUSED_MAX) {
		for (unsigned int i = 1; i < s->n_refused; i++)
			if (s->refused[i].deadline < s->refused[oldest].deadline)
				oldest = i;
		refused_drop(s, oldest);
	}
	s->refused[s->n_refused].fd = fd;
	s->refused[s->n_refused].deadline =
		stlmp_now_ms() + STLMP_REFUSED_LINGER_MS;
	s->n_refused++;
}

/* Drain a refused connection; close it on EOF or error. */
static void refused_read(struct stlmp_server *s, unsigned int i)
{
	uint8_t junk[512];
	ssize_t n = recv(s->refused[i].fd, junk, sizeof(junk), MSG_DONTWAIT);

	if (n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK &&
		       errno != EINTR))
		refused_drop(s, i);
}

/* ------------------------------------------------------------------ */
/* The event loop                                                      */

static struct sock_conn *conn_new(struct stlmp_server *s, int fd)
{
	struct sock_conn *c = calloc(1, sizeof(*c));

	if (!c)
		return NULL;
	c->rx_buf = malloc(FRAME_HDR_SIZE + s->max_frame);
	if (!c->rx_buf) {
		free(c);
		return NULL;
	}
	c->srv = s;
	c->fd = fd;
	pthread_mutex_init(&c->wlock, NULL);
	return c;
}

static void do_accept(struct stlmp_server *s)
{
	struct stlmp_sink sink;
	struct sock_conn *c;
	int fd, r, one = 1;

	fd = accept4(s->lfd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
	if (fd < 0) {
		int err = errno;

		if (err == EAGAIN || err == EWOULDBLOCK || err == EINTR ||
		    err == ECONNABORTED)
			return;
		stlmp_log(s->p, STLMP_LOG_WARNING, "accept: %s", strerror(err));
		/* Out of fds or memory: do not spin on the listener. */
		usleep(50000);
		return;
	}
	if (!s->is_unix)
		setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));

	c = conn_new(s, fd);
	if (!c) {
		stlmp_log(s->p, STLMP_LOG_ERR, "out of memory for an agent");
		close(fd);
		return;
	}
	sink.send = conn_sink_send;
	sink.data = c;
	/* While ours is attached the engine says -EBUSY (and counts it). */
	r = stlmp_agent_attach(s->p, &sink, &c->agent);
	if (r == 0 && !s->conn) {
		stlmp_log(s->p, STLMP_LOG_INFO, "%s: agent attached",
			  s->is_unix ? "unix" : "tcp");
		s->conn = c;
		return;
	}
	if (r == 0)
		r = -EBUSY; /* cannot happen with a sane engine */
	else
		c->agent = NULL;
	c->fd = -1;
	conn_free(c);
	if (r != -EBUSY) {
		stlmp_log(s->p, STLMP_LOG_WARNING, "attach: %s", strerror(-r));
		close(fd);
		return;
	}
	refuse(s, fd);
}

static void *server_loop(void *arg)
{
	struct stlmp_server *s = arg;
	struct pollfd pfd[3 + STLMP_REFUSED_MAX];

	for (;;) {
		unsigned int n = 0, conn_i = 0, ref_i;
		int timeout = -1, r;
		int64_t now;

		pfd[n++] = (struct pollfd){ .fd = s->stop_fd, .events = POLLIN };
		pfd[n++] = (struct pollfd){ .fd = s->lfd, .events = POLLIN };
		if (s->conn) {
			conn_i = n;
			pfd[n++] = (struct pollfd){ .fd = s->conn->fd,
						    .events = POLLIN };
		}
		ref_i = n;
		now = stlmp_now_ms();
		for (unsigned int i = 0; i < s->n_refused; i++) {
			int64_t left = s->refused[i].deadline - now;

			pfd[n++] = (struct pollfd){ .fd = s->refused[i].fd,
						    .events = POLLIN };
			if (left < 0)
				left = 0;
			if (timeout < 0 || left < timeout)
				timeout = (int)left;
		}

		r = poll(pfd, n, timeout);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			stlmp_log(s->p, STLMP_LOG_ERR, "poll: %s",
				  strerror(errno));
			break;
		}
		if (pfd[0].revents)
			break;

		if (conn_i && pfd[conn_i].revents) {
			r = conn_read(s, s->conn);
			if (r < 0) {
				stlmp_log(s->p, STLMP_LOG_INFO,
					  "%s: agent detached (%s)",
					  s->is_unix ? "unix" : "tcp",
					  r == -ECONNRESET ? "disconnected" :
							     strerror(-r));
				conn_free(s->conn);
				s->conn = NULL;
			}
		}
		/* Refused sockets: drain, expire (from the end: drop swaps). */
		now = stlmp_now_ms();
		for (unsigned int i = s->n_refused; i-- > 0;) {
			if (ref_i + i < n && pfd[ref_i + i].revents &&
			    pfd[ref_i + i].fd == s->refused[i].fd) {
				refused_read(s, i);
				continue;
			}
			if (s->refused[i].deadline <= now)
				refused_drop(s, i);
		}
		if (pfd[1].revents)
			do_accept(s);
	}

	conn_free(s->conn);
	s->conn = NULL;
	while (s->n_refused)
		refused_drop(s, 0);
	return NULL;
}

static void server_free(struct stlmp_server *s)
{
	if (!s)
		return;
	if (s->lfd >= 0)
		close(s->lfd);
	if (s->is_unix && s->path[0])
		stlmp_unix_unlink(s->path, &s->path_st);
	if (s->stop_fd >= 0)
		close(s->stop_fd);
	free(s);
}

static int server_new(struct stlmp_platform *p, struct stlmp_server **ret)
{
	struct stlmp_server *s = calloc(1, sizeof(*s));

	if (!s)
		return -ENOMEM;
	s->p = p;
	s->lfd = -1;
	s->port = -1;
	s->max_frame = stlmp_platform_max_msg(p) + STLMP_SOCK_SLACK;
	s->stop_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (s->stop_fd < 0) {
		int r = -errno;

		free(s);
		return r;
	}
	*ret = s;
	return 0;
}

static int server_run(struct stlmp_server *s, struct stlmp_server **ret)
{
	int r = pthread_create(&s->thread, NULL, server_loop, s);

	if (r) {
		server_free(s);
		return -r;
	}
	*ret = s;
	return 0;
}

static int unix_start(struct stlmp_platform *p, const char *arg,
		      struct stlmp_server **ret)
{
	struct stlmp_server *s = NULL;
	int r;

	if (!p || !arg || !arg[0] || strchr(arg, '?'))
		return -EINVAL;
	r = server_new(p, &s);
	if (r < 0)
		return r;
	s->is_unix = true;
	r = stlmp_unix_listen(p, arg, &s->lfd, &s->path_st);
	if (r < 0) {
		server_free(s);
		return r;
	}
	snprintf(s->path, sizeof(s->path), "%s", arg);
	return server_run(s, ret);
}

static bool is_loopback(const struct sockaddr *sa)
{
	if (sa->sa_family == AF_INET) {
		const struct sockaddr_in *in = (const void *)sa;

		return (ntohl(in->sin_addr.s_addr) >> 24) == 127;
	}
	if (sa->sa_family == AF_INET6) {
		const struct sockaddr_in6 *in6 = (const void *)sa;
		const uint8_t *b = in6->sin6_addr.s6_addr;

		if (IN6_IS_ADDR_LOOPBACK(&in6->sin6_addr))
			return true;
		return IN6_IS_ADDR_V4MAPPED(&in6->sin6_addr) && b[12] == 127;
	}
	return false;
}

/* "HOST:PORT" or "[V6]:PORT" into host and port strings. */
static int split_host_port(const char *arg, char *host, size_t hcap,
			   char *port, size_t pcap)
{
	const char *h = arg, *colon;
	size_t hlen;

	if (arg[0] == '[') {
		const char *end = strchr(arg, ']');

		if (!end || end[1] != ':')
			return -EINVAL;
		h = arg + 1;
		hlen = (size_t)(end - h);
		colon = end + 1;
	} else {
		colon = strrchr(arg, ':');
		if (!colon || memchr(arg, ':', (size_t)(colon - arg)))
			return -EINVAL;
		hlen = (size_t)(colon - arg);
	}
	if (hlen == 0 || hlen >= hcap || strlen(colon + 1) >= pcap ||
	    !colon[1])
		return -EINVAL;
	for (const char *d = colon + 1; *d; d++)
		if (*d < '0' || *d > '9')
			return -EINVAL;
	if (atol(colon + 1) > 65535 || strlen(colon + 1) > 5)
		return -EINVAL;
	memcpy(host, h, hlen);
	host[hlen] = '\0';
	strcpy(port, colon + 1);
	return 0;
}

static int tcp_start(struct stlmp_platform *p, const char *arg,
		     struct stlmp_server **ret)
{
	struct addrinfo hints = {
		.ai_family = AF_UNSPEC,
		.ai_socktype = SOCK_STREAM,
		.ai_flags = AI_NUMERICSERV,
	};
	struct addrinfo *res = NULL, *ai;
	struct sockaddr_storage ss;
	socklen_t sslen = sizeof(ss);
	struct stlmp_server *s = NULL;
	char host[256], port[8];
	int r, one = 1;

	if (!p || !arg || strchr(arg, '?'))
		return -EINVAL;
	r = split_host_port(arg, host, sizeof(host), port, sizeof(port));
	if (r < 0)
		return r;
	r = getaddrinfo(host, port, &hints, &res);
	if (r != 0)
		return r == EAI_MEMORY ? -ENOMEM : -EINVAL;
	for (ai = res; ai; ai = ai->ai_next) {
		if (!is_loopback(ai->ai_addr)) {
			stlmp_log(p, STLMP_LOG_ERR,
				  "tcp:%s: refusing to listen on a non-loopback address",
				  arg);
			freeaddrinfo(res);
			return -EPERM;
		}
	}

	r = server_new(p, &s);
	if (r < 0)
		goto out;
	r = -EADDRNOTAVAIL;
	for (ai = res; ai; ai = ai->ai_next) {
		s->lfd = socket(ai->ai_family,
				SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
		if (s->lfd < 0) {
			r = -errno;
			continue;
		}
		setsockopt(s->lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
		if (bind(s->lfd, ai->ai_addr, ai->ai_addrlen) == 0 &&
		    listen(s->lfd, 8) == 0) {
			r = 0;
			break;
		}
		r = -errno;
		close(s->lfd);
		s->lfd = -1;
	}
	if (r < 0) {
		server_free(s);
		goto out;
	}
	if (getsockname(s->lfd, (struct sockaddr *)&ss, &sslen) < 0) {
		r = -errno;
		server_free(s);
		goto out;
	}
	s->port = ntohs(ss.ss_family == AF_INET ?
				((struct sockaddr_in *)&ss)->sin_port :
				((struct sockaddr_in6 *)&ss)->sin6_port);
	stlmp_log(p, STLMP_LOG_INFO, "tcp:%s: bound port %d", arg,
		  s->port);
	r = server_run(s, ret);
out:
	freeaddrinfo(res);
	return r;
}

static void sock_stop(struct stlmp_server *s)
{
	uint64_t one = 1;

	if (!s)
		return;
	if (write(s->stop_fd, &one, sizeof(one)) < 0)
		stlmp_log(s->p, STLMP_LOG_ERR, "stop: %s", strerror(errno));
	pthread_join(s->thread, NULL);
	server_free(s);
}

static int sock_port(const struct stlmp_server *s)
{
	return s && !s->is_unix ? s->port : -1;
}

const struct stlmp_server_ops stlmp_server_unix = {
	.scheme = "unix",
	.start = unix_start,
	.stop = sock_stop,
	.port = sock_port,
};

const struct stlmp_server_ops stlmp_server_tcp = {
	.scheme = "tcp",
	.start = tcp_start,
	.stop = sock_stop,
	.port = sock_port,
};
