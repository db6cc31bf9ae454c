// SPDX-License-Identifier: MIT
/*
 * Copyright (c) 2026 The stlm authors
 *
 * shm:DIR server transport: SMT mailbox emulation (protocol §2.8,
 * docs/transports.md "shm").
 *
 * Theory of operation
 * -------------------
 * DIR/mem is the platform's memory file (a symlink to it when the platform
 * was created with another path, or with an anonymous memfd). Besides the
 * SHMTIs and FastChannels it holds two SMT areas at the offsets
 * stlmp_platform_smt_areas() reports: A2P (commands and their responses)
 * and P2A (delayed responses and notifications). DIR/doorbell is a unix
 * stream socket; connecting to it is how an agent claims the channel.
 *
 * On accept the server calls stlmp_agent_attach(). Refused (-EBUSY): it
 * writes the one byte 'B' and closes. Attached: it writes a 32-byte hello
 * ('W', version, area size and offsets, memory file size, see
 * docs/transports.md), then the agent and the platform ring each other
 * with single bytes on the socket:
 *
 *   agent -> platform  'C'  a command is in A2P (channel_status busy)
 *                      'A'  the P2A message was consumed, P2A is FREE
 *                      'X'  abandon the outstanding A2P command
 *   platform -> agent  'R'  A2P holds the response (FREE), or FREE|ERROR
 *                      'N'  P2A holds a message (channel_status busy)
 *                      'F'  reply to 'X': A2P is FREE, no response
 *
 * Locking: srv->lock protects the areas and the per-agent state below; the
 * loop thread never holds it across stlmp_agent_command(), because the
 * engine calls the sink (which takes it) from inside that call or from
 * its own threads.
 *
 * A2P: on 'C' the loop validates the length (4..area_size - 0x18, else
 * FREE|ERROR + 'R'), copies the message out, remembers its header as
 * pending and hands it to stlmp_agent_command(). The sink writes a type-0
 * message into A2P only when its header matches the pending one (a late
 * response to an abandoned command is dropped), then stores FREE with
 * release ordering and rings 'R' if the agent set channel_flags.INTR.
 * A command the engine cannot parse completes as FREE|ERROR.
 *
 * P2A: the platform writes P2A only while it owns it (p2a_busy false);
 * otherwise messages wait in a FIFO: at most STLMP_SHM_MAX_NOTIF
 * notifications (the oldest is dropped, with a log, when full) and
 * STLMP_SHM_MAX_DELAYED delayed responses (never dropped below that
 * bound). 'A' returns the area and sends the next queued message.
 */
#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "scmi.h"
#include "server.h"
#include "smt.h"

#define STLMP_SHM_MAX_NOTIF	64
#define STLMP_SHM_MAX_DELAYED	4096

/* From server-socket.c. */
int stlmp_unix_listen(struct stlmp_platform *p, const char *path,
		      int *ret_fd, struct stat *ret_st);
void stlmp_unix_unlink(const char *path, const struct stat *st);

struct p2a_msg {
	struct p2a_msg *next;
	size_t len;
	bool notif;
	uint8_t data[];
};

/**
 * struct shm_conn - the attached agent (fields after @agent: srv->lock)
 * @srv:         its server
 * @fd:          the doorbell socket
 * @agent:       the engine's handle
 * @dead:        the doorbell failed: no more writes, the loop detaches
 * @a2p_pending: a command is in the engine, awaiting its response
 * @a2p_hdr:     header of that command
 * @a2p_intr:    the agent asked for a completion ring (channel_flags)
 * @p2a_busy:    P2A belongs to the agent (also true until the hello went)
 * @q_head:      P2A messages waiting for the area, FIFO
 * @n_notif:     notifications in the queue
 * @n_delayed:   delayed responses in the queue
 */
struct shm_conn {
	struct stlmp_server *srv;
	int fd;
	struct stlmp_agent *agent;
	bool dead;
	bool a2p_pending;
	uint32_t a2p_hdr;
	bool a2p_intr;
	bool p2a_busy;
	struct p2a_msg *q_head, *q_tail;
	unsigned int n_notif, n_delayed;
};

/**
 * struct stlmp_server - the shm listener of one platform
 * @p:           the platform
 * @lfd:         doorbell listening socket
 * @stop_fd:     eventfd written by stop()
 * @thread:      the loop
 * @lock:        protects the areas and @conn's channel state
 * @conn:        the attached agent or NULL (set and cleared by the loop)
 * @a2p, @p2a:   the areas in the platform's mapping
 * @area_size:   size of each
 * @cmd:         copy of the command being handled (loop thread)
 * @db_path, @db_st:   the doorbell socket file
 * @mem_link:    DIR/mem when we created it as a symlink ("" otherwise)
 * @mem_link_st: its identity (lstat), to remove only ours
 * @hello:       the welcome message
 */
struct stlmp_server {
	struct stlmp_platform *p;
	int lfd;
	int stop_fd;
	pthread_t thread;
	pthread_mutex_t lock;
	struct shm_conn *conn;
	uint8_t *a2p, *p2a;
	size_t area_size;
	uint8_t *cmd;
	char db_path[PATH_MAX];
	struct stat db_st;
	char mem_link[PATH_MAX];
	struct stat mem_link_st;
	uint8_t hello[SHM_HELLO_SIZE];
};

/* One shm listener per platform: the SMT areas are the platform's. */
static pthread_mutex_t registry_lock = PTHREAD_MUTEX_INITIALIZER;
static const struct stlmp_platform *registry[16];

static int registry_add(const struct stlmp_platform *p)
{
	int r = -ENOSPC;

	pthread_mutex_lock(&registry_lock);
	for (size_t i = 0; i < ARRAY_SIZE(registry); i++) {
		if (registry[i] == p) {
			r = -EADDRINUSE;
			break;
		}
	}
	for (size_t i = 0; r == -ENOSPC && i < ARRAY_SIZE(registry); i++) {
		if (!registry[i]) {
			registry[i] = p;
			r = 0;
		}
	}
	pthread_mutex_unlock(&registry_lock);
	return r;
}

static void registry_del(const struct stlmp_platform *p)
{
	pthread_mutex_lock(&registry_lock);
	for (size_t i = 0; i < ARRAY_SIZE(registry); i++)
		if (registry[i] == p)
			registry[i] = NULL;
	pthread_mutex_unlock(&registry_lock);
}

/* ------------------------------------------------------------------ */
/* Under srv->lock                                                     */

/* Ring the agent; on failure the agent is dead (the loop detaches it). */
static int ring(struct shm_conn *c, char what)
{
	ssize_t n;

	if (c->dead)
		return -ECONNRESET;
	do {
		n = send(c->fd, &what, 1, MSG_NOSIGNAL | MSG_DONTWAIT);
	} while (n < 0 && errno == EINTR);
	if (n == 1)
		return 0;
	/* The agent cannot have more than three rings unread: it is gone. */
	c->dead = true;
	shutdown(c->fd, SHUT_RDWR);
	return -ECONNRESET;
}

static int p2a_write(struct shm_conn *c, const uint8_t *msg, size_t len)
{
	smt_write_msg(c->srv->p2a, msg, len);
	c->p2a_busy = true;
	return ring(c, SHM_DB_NOTIFY);
}

/* P2A is ours: send the next queued message, if any. */
static int p2a_flush(struct shm_conn *c)
{
	struct p2a_msg *m = c->q_head;
	int r;

	c->p2a_busy = false;
	if (!m)
		return 0;
	c->q_head = m->next;
	if (!c->q_head)
		c->q_tail = NULL;
	if (m->notif)
		c->n_notif--;
	else
		c->n_delayed--;
	r = p2a_write(c, m->data, m->len);
	free(m);
	return r;
}

static void p2a_drop_oldest_notif(struct shm_conn *c)
{
	struct p2a_msg **pp = &c->q_head, *prev = NULL;

	for (; *pp; prev = *pp, pp = &(*pp)->next) {
		struct p2a_msg *m = *pp;

		if (!m->notif)
			continue;
		*pp = m->next;
		if (c->q_tail == m)
			c->q_tail = prev;
		c->n_notif--;
		free(m);
		return;
	}
}

static int p2a_queue(struct shm_conn *c, const uint8_t *msg, size_t len,
		     bool notif)
{
	struct p2a_msg *m;

	if (notif && c->n_notif >= STLMP_SHM_MAX_NOTIF) {
		stlmp_log(c->srv->p, STLMP_LOG_WARNING,
			  "shm: agent not consuming P2A, dropping the oldest notification");
		p2a_drop_oldest_notif(c);
	}
	if (!notif && c->n_delayed >= STLMP_SHM_MAX_DELAYED) {
		stlmp_log(c->srv->p, STLMP_LOG_ERR,
			  "shm: %u delayed responses queued, dropping one",
			  c->n_delayed);
		return -ENOBUFS;
	}
	m = malloc(sizeof(*m) + len);
	if (!m)
		return -ENOMEM;
	m->next = NULL;
	m->len = len;
	m->notif = notif;
	memcpy(m->data, msg, len);
	if (c->q_tail)
		c->q_tail->next = m;
	else
		c->q_head = m;
	c->q_tail = m;
	if (notif)
		c->n_notif++;
	else
		c->n_delayed++;
	return 0;
}

/* Complete the pending A2P command with FREE|ERROR (no response). */
static int a2p_error(struct shm_conn *c)
{
	smt_store(c->srv->a2p, SMT_STATUS, SMT_STATUS_FREE | SMT_STATUS_ERROR);
	c->a2p_pending = false;
	return c->a2p_intr ? ring(c, SHM_DB_RESPONSE) : 0;
}

/* ------------------------------------------------------------------ */
/* The sink                                                            */

static int shm_sink_send(void *data, const uint8_t *msg, size_t len)
{
	struct shm_conn *c = data;
	struct stlmp_server *s = c->srv;
	size_t max = s->area_size - SMT_OVERHEAD;
	uint32_t hdr;
	int r = 0;

	if (len < 4)
		return -EINVAL;
	hdr = scmi_get_le32(msg);

	pthread_mutex_lock(&s->lock);
	if (c->dead) {
		r = -ECONNRESET;
		goto out;
	}
	if (len > max) {
		stlmp_log(s->p, STLMP_LOG_ERR,
			  "shm: message of %zu bytes exceeds the SMT area (%zu), dropped",
			  len, max);
		if (((hdr & SCMI_HDR_TYPE_MASK) >> SCMI_HDR_TYPE_SHIFT) ==
			    SCMI_MSG_COMMAND &&
		    c->a2p_pending && hdr == c->a2p_hdr)
			r = a2p_error(c);
		goto out;
	}

	switch ((hdr & SCMI_HDR_TYPE_MASK) >> SCMI_HDR_TYPE_SHIFT) {
	case SCMI_MSG_COMMAND:
		if (!c->a2p_pending || hdr != c->a2p_hdr) {
			stlmp_log(s->p, STLMP_LOG_DEBUG,
				  "shm: response 0x%08x without its command (abandoned?), dropped",
				  hdr);
			goto out;
		}
		smt_store(s->a2p, SMT_LENGTH, (uint32_t)len);
		memcpy(s->a2p + SMT_HEADER, msg, len);
		smt_store(s->a2p, SMT_STATUS, SMT_STATUS_FREE);
		c->a2p_pending = false;
		if (c->a2p_intr)
			r = ring(c, SHM_DB_RESPONSE);
		break;
	case SCMI_MSG_DELAYED_RESP:
	case SCMI_MSG_NOTIFICATION: {
		bool notif = ((hdr & SCMI_HDR_TYPE_MASK) >>
			      SCMI_HDR_TYPE_SHIFT) == SCMI_MSG_NOTIFICATION;

		if (!c->p2a_busy && !c->q_head)
			r = p2a_write(c, msg, len);
		else
			r = p2a_queue(c, msg, len, notif);
		if (r == -ENOBUFS || r == -ENOMEM)
			r = 0; /* logged or transient: the agent is fine */
		break;
	}
	default:
		r = -EINVAL;
		break;
	}
out:
	pthread_mutex_unlock(&s->lock);
	return r;
}

/* ------------------------------------------------------------------ */
/* The loop                                                            */

static void conn_free(struct stlmp_server *s, struct shm_conn *c)
{
	struct p2a_msg *m;

	if (!c)
		return;
	pthread_mutex_lock(&s->lock);
	c->dead = true;
	pthread_mutex_unlock(&s->lock);
	/* Not under the lock: detach may wait for a sink call in flight. */
	if (c->agent)
		stlmp_agent_detach(c->agent);
	while ((m = c->q_head)) {
		c->q_head = m->next;
		free(m);
	}
	pthread_mutex_lock(&s->lock);
	smt_reset(s->a2p, s->area_size);
	smt_reset(s->p2a, s->area_size);
	pthread_mutex_unlock(&s->lock);
	close(c->fd);
	free(c);
}

/* The agent rang 'C'. */
static int on_command(struct stlmp_server *s, struct shm_conn *c)
{
	uint32_t hdr;
	int len, r;

	pthread_mutex_lock(&s->lock);
	if (c->a2p_pending)
		stlmp_log(s->p, STLMP_LOG_WARNING,
			  "shm: new command while 0x%08x is pending; the old response will be dropped",
			  c->a2p_hdr);
	c->a2p_intr = smt_load(s->a2p, SMT_FLAGS) & SMT_FLAGS_INTR;
	/* Read once: the agent may change the area under us. */
	len = smt_msg_len(s->a2p, s->area_size);
	if (len < 0) {
		stlmp_log(s->p, STLMP_LOG_WARNING,
			  "shm: bad A2P length %u (allowed 4..%zu)",
			  smt_load(s->a2p, SMT_LENGTH),
			  s->area_size - SMT_OVERHEAD);
		r = a2p_error(c);
		pthread_mutex_unlock(&s->lock);
		return r;
	}
	memcpy(s->cmd, s->a2p + SMT_HEADER, (size_t)len);
	hdr = scmi_get_le32(s->cmd);
	c->a2p_pending = true;
	c->a2p_hdr = hdr;
	pthread_mutex_unlock(&s->lock);

	r = stlmp_agent_command(c->agent, s->cmd, (size_t)len);
	if (r < 0) {
		stlmp_log(s->p, STLMP_LOG_DEBUG,
			  "shm: command 0x%08x not processed: %s", hdr,
			  strerror(-r));
		pthread_mutex_lock(&s->lock);
		r = c->a2p_pending && c->a2p_hdr == hdr ? a2p_error(c) : 0;
		pthread_mutex_unlock(&s->lock);
		return r;
	}
	return 0;
}

/* One read of rings: 1 if some were handled, 0 none left, -errno. */
static int conn_read_some(struct stlmp_server *s, struct shm_conn *c)
{
	char buf[16];
	ssize_t n;
	int r = 0;

	n = recv(c->fd, buf, sizeof(buf), MSG_DONTWAIT);
	if (n == 0)
		return -ECONNRESET;
	if (n < 0)
		return errno == EAGAIN || errno == EINTR ? 0 : -errno;

	for (ssize_t i = 0; i < n && r == 0; i++) {
		switch (buf[i]) {
		case SHM_DB_COMMAND:
			r = on_command(s, c);
			break;
		case SHM_DB_ACK:
			pthread_mutex_lock(&s->lock);
			if (!c->p2a_busy)
				stlmp_log(s->p, STLMP_LOG_WARNING,
					  "shm: P2A ack without a message");
			r = p2a_flush(c);
			pthread_mutex_unlock(&s->lock);
			break;
		case SHM_DB_ABANDON:
			pthread_mutex_lock(&s->lock);
			if (c->a2p_pending)
				stlmp_log(s->p, STLMP_LOG_INFO,
					  "shm: agent abandoned command 0x%08x",
					  c->a2p_hdr);
			c->a2p_pending = false;
			smt_store(s->a2p, SMT_STATUS, SMT_STATUS_FREE);
			r = ring(c, SHM_DB_FREED);
			pthread_mutex_unlock(&s->lock);
			break;
		default:
			stlmp_log(s->p, STLMP_LOG_WARNING,
				  "shm: unknown doorbell byte 0x%02x, disconnecting the agent",
				  (unsigned char)buf[i]);
			r = -EPROTO;
			break;
		}
	}
	return r < 0 ? r : 1;
}

/*
 * Read and act on the agent's rings until none is left, so that an agent
 * that rang and closed is seen gone before the next connection is
 * accepted. Negative: disconnect it.
 */
static int conn_read(struct stlmp_server *s, struct shm_conn *c)
{
	for (unsigned int round = 0; round < 64; round++) {
		int r = conn_read_some(s, c);

		if (r <= 0)
			return r;
	}
	return 0;
}

static void do_accept(struct stlmp_server *s)
{
	struct stlmp_sink sink;
	struct shm_conn *c;
	const char refusal = SHM_DB_REFUSED;
	int fd, r;

	fd = accept4(s->lfd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
	if (fd < 0) {
		int err = errno;

		if (err == EAGAIN || err == EINTR || err == ECONNABORTED)
			return;
		stlmp_log(s->p, STLMP_LOG_WARNING, "shm: accept: %s",
			  strerror(err));
		/* Out of fds or memory: do not spin on the listener. */
		usleep(50000);
		return;
	}
	c = calloc(1, sizeof(*c));
	if (!c) {
		close(fd);
		return;
	}
	c->srv = s;
	c->fd = fd;
	c->p2a_busy = true; /* until the hello is out */
	sink.send = shm_sink_send;
	sink.data = c;
	r = stlmp_agent_attach(s->p, &sink, &c->agent);
	if (r == 0 && s->conn) {
		stlmp_agent_detach(c->agent); /* cannot happen */
		r = -EBUSY;
	}
	if (r < 0) {
		free(c);
		if (r == -EBUSY) {
			stlmp_log(s->p, STLMP_LOG_INFO,
				  "shm: refusing an agent: another agent owns the platform");
			if (send(fd, &refusal, 1, MSG_NOSIGNAL | MSG_DONTWAIT) < 0)
				stlmp_log(s->p, STLMP_LOG_DEBUG,
					  "shm: refusal: %s", strerror(errno));
		} else {
			stlmp_log(s->p, STLMP_LOG_WARNING, "shm: attach: %s",
				  strerror(-r));
		}
		close(fd);
		return;
	}

	pthread_mutex_lock(&s->lock);
	smt_reset(s->a2p, s->area_size);
	smt_reset(s->p2a, s->area_size);
	if (send(fd, s->hello, sizeof(s->hello), MSG_NOSIGNAL | MSG_DONTWAIT) !=
	    (ssize_t)sizeof(s->hello))
		r = -ECONNRESET;
	else
		r = p2a_flush(c);
	s->conn = c;
	pthread_mutex_unlock(&s->lock);
	stlmp_log(s->p, STLMP_LOG_INFO, "shm: agent attached");
	if (r < 0) {
		conn_free(s, c);
		s->conn = NULL;
	}
}

static void *shm_loop(void *arg)
{
	struct stlmp_server *s = arg;

	for (;;) {
		struct pollfd pfd[3] = {
			{ .fd = s->stop_fd, .events = POLLIN },
			{ .fd = s->lfd, .events = POLLIN },
			{ .fd = s->conn ? s->conn->fd : -1, .events = POLLIN },
		};
		int r = poll(pfd, 3, -1);

		if (r < 0) {
			if (errno == EINTR)
				continue;
			stlmp_log(s->p, STLMP_LOG_ERR, "shm: poll: %s",
				  strerror(errno));
			break;
		}
		if (pfd[0].revents)
			break;
		if (s->conn && pfd[2].revents) {
			/* A failed ring shut the socket down: EOF here. */
			r = conn_read(s, s->conn);
			if (r < 0) {
				stlmp_log(s->p, STLMP_LOG_INFO,
					  "shm: agent detached (%s)",
					  r == -ECONNRESET ? "disconnected" :
							     strerror(-r));
				conn_free(s, s->conn);
				s->conn = NULL;
			}
		}
		if (pfd[1].revents)
			do_accept(s);
	}
	conn_free(s, s->conn);
	s->conn = NULL;
	return NULL;
}

/* ------------------------------------------------------------------ */
/* DIR/mem                                                             */

/*
 * Make DIR/mem name the platform's memory file: nothing to do if it is
 * that file; a stale symlink is replaced; any other file is -EEXIST.
 */
static int setup_mem_link(struct stlmp_server *s, const char *dir)
{
	const char *mem_path = stlmp_platform_mem_path(s->p);
	char link[PATH_MAX], target[PATH_MAX];
	struct stat mst, lst, st;
	int mfd = stlmp_platform_mem_fd(s->p);

	if (mfd < 0 || fstat(mfd, &mst) < 0)
		return mfd < 0 ? mfd : -errno;
	if (snprintf(link, sizeof(link), "%s/mem", dir) >= (int)sizeof(link))
		return -ENAMETOOLONG;

	if (lstat(link, &lst) == 0) {
		if (stat(link, &st) == 0 && st.st_dev == mst.st_dev &&
		    st.st_ino == mst.st_ino)
			return 0; /* DIR/mem is the memory file (or links to it) */
		if (!S_ISLNK(lst.st_mode)) {
			stlmp_log(s->p, STLMP_LOG_ERR,
				  "shm: %s exists and is not the platform's memory file",
				  link);
			return -EEXIST;
		}
		if (unlink(link) < 0)
			return -errno;
	}

	if (mem_path) {
		if (!realpath(mem_path, target))
			return -errno;
	} else {
		/* An anonymous memfd: reachable through procfs. */
		snprintf(target, sizeof(target), "/proc/%d/fd/%d", (int)getpid(),
			 mfd);
	}
	if (symlink(target, link) < 0)
		return -errno;
	if (lstat(link, &s->mem_link_st) < 0) {
		int r = -errno;

		unlink(link);
		return r;
	}
	snprintf(s->mem_link, sizeof(s->mem_link), "%s", link);
	stlmp_log(s->p, STLMP_LOG_INFO, "shm: %s -> %s", link, target);
	return 0;
}

/* ------------------------------------------------------------------ */

static void shm_free(struct stlmp_server *s)
{
	if (!s)
		return;
	if (s->lfd >= 0) {
		close(s->lfd);
		stlmp_unix_unlink(s->db_path, &s->db_st);
	}
	if (s->mem_link[0])
		stlmp_unix_unlink(s->mem_link, &s->mem_link_st);
	if (s->stop_fd >= 0)
		close(s->stop_fd);
	pthread_mutex_destroy(&s->lock);
	free(s->cmd);
	registry_del(s->p);
	free(s);
}

static int shm_start(struct stlmp_platform *p, const char *arg,
		     struct stlmp_server **ret)
{
	size_t a2p_off, p2a_off, size, mem_size;
	struct stlmp_server *s;
	uint8_t *base;
	int r;

	if (!p || !arg || !arg[0] || strchr(arg, '?'))
		return -EINVAL;
	r = stlmp_platform_smt_areas(p, &a2p_off, &p2a_off, &size);
	if (r < 0)
		return r;
	base = stlmp_platform_mem_base(p);
	mem_size = stlmp_platform_mem_size(p);
	if (!base || !shm_areas_ok(size, a2p_off, p2a_off, mem_size)) {
		stlmp_log(p, STLMP_LOG_ERR,
			  "shm: unusable SMT areas (a2p 0x%zx, p2a 0x%zx, size %zu, memory %zu)",
			  a2p_off, p2a_off, size, mem_size);
		return -EINVAL;
	}
	r = registry_add(p);
	if (r < 0)
		return r;

	s = calloc(1, sizeof(*s));
	if (!s) {
		registry_del(p);
		return -ENOMEM;
	}
	s->p = p;
	s->lfd = -1;
	pthread_mutex_init(&s->lock, NULL);
	s->a2p = base + a2p_off;
	s->p2a = base + p2a_off;
	s->area_size = size;
	s->stop_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	s->cmd = malloc(size);
	if (s->stop_fd < 0 || !s->cmd) {
		r = s->cmd ? -errno : -ENOMEM;
		goto err_free;
	}

	if (mkdir(arg, 0700) < 0 && errno != EEXIST) {
		r = -errno;
		goto err_free;
	}
	r = setup_mem_link(s, arg);
	if (r < 0)
		goto err_free;
	if (snprintf(s->db_path, sizeof(s->db_path), "%s/doorbell", arg) >=
	    (int)sizeof(s->db_path)) {
		r = -ENAMETOOLONG;
		goto err_free;
	}
	r = stlmp_unix_listen(p, s->db_path, &s->lfd, &s->db_st);
	if (r < 0)
		goto err_free;

	shm_hello_encode(&(struct shm_hello){ .area_size = (uint32_t)size,
					      .a2p_off = a2p_off,
					      .p2a_off = p2a_off,
					      .mem_size = mem_size },
			 s->hello);
	smt_reset(s->a2p, size);
	smt_reset(s->p2a, size);

	r = -pthread_create(&s->thread, NULL, shm_loop, s);
	if (r < 0)
		goto err_free;
	stlmp_log(p, STLMP_LOG_INFO,
		  "shm:%s: A2P at 0x%zx, P2A at 0x%zx, %zu bytes each",
		  arg, a2p_off, p2a_off, size);
	*ret = s;
	return 0;

err_free:
	shm_free(s);
	return r;
}

static void shm_stop(struct stlmp_server *s)
{
	uint64_t one = 1;

	if (!s)
		return;
	if (write(s->stop_fd, &one, sizeof(one)) < 0)
		stlmp_log(s->p, STLMP_LOG_ERR, "shm: stop: %s", strerror(errno));
	pthread_join(s->thread, NULL);
	shm_free(s);
}

static int shm_port(const struct stlmp_server *s)
{
	return -1;
}

const struct stlmp_server_ops stlmp_server_shm = {
	.scheme = "shm",
	.start = shm_start,
	.stop = shm_stop,
	.port = shm_port,
};
