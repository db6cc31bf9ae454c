// SPDX-License-Identifier: MIT
/*
 * Copyright (c) 2026 The stlm authors
 *
 * shm:DIR agent transport: SMT mailbox emulation (protocol §2.8,
 * docs/transports.md "shm").
 *
 * Theory of operation
 * -------------------
 * open() connects to DIR/doorbell, which claims the channel. The platform
 * answers with one byte 'B' (refused: another agent owns it; send() and
 * recv() then return -EBUSY) or with a 32-byte hello giving the offsets
 * and size of the two SMT areas in the memory file. Only the pages holding
 * the two areas are mapped, read-write and shared, from DIR/mem (or
 * ?mem=PATH); SHMTIs and FastChannels are mapped read-only elsewhere by
 * the session.
 *
 * Rings are single bytes on the doorbell socket (SHM_DB_* in
 * lib/proto/smt.h, shared with the emulator's server-shm.c). Incoming
 * rings are read by pump() into a small event queue (evq) that keeps their
 * arrival order:
 *
 *   'R'  A2P completed: the response is in A2P
 *   'N'  P2A holds a delayed response or a notification
 *   'S'  a response that send() had to copy out of A2P before reusing it
 *        (the caller sent a new command without reading it)
 *
 * recv() takes the oldest event: for 'R' it checks channel_status (FREE;
 * FREE|ERROR means the platform could not take the command, which yields
 * no message, as on the socket transports), validates length (4..area -
 * 0x18) and copies header + payload out; for 'N' it copies the message,
 * stores channel_status = FREE and rings 'A'.
 *
 * send() writes channel_status = 0, channel_flags = INTR, length, header
 * and payload, then rings 'C'. If the previous command never completed
 * (the platform dropped or is delaying its response) it first rings 'X'
 * and waits, at most the transport timeout, for 'F': the platform then
 * drops any late response to it, so the area cannot be overwritten under
 * the new command.
 *
 * fd() is an epoll fd holding the doorbell socket and an eventfd that is
 * readable while events wait in evq, so it polls readable exactly when
 * recv() may have something even after send() consumed rings.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "smt.h"
#include "transport.h"

/* An event of our queue only (never on the wire): see 'S' above. */
#define SHM_EV_SAVED		'S'
#define SHM_DEFAULT_TIMEOUT_MS	5000
/* Responses send() may keep for a caller that does not read them. */
#define SHM_MAX_SAVED		8
#define SHM_EVQ_SIZE		(SHM_MAX_SAVED + 4)

enum shm_state {
	SHM_OK = 0,
	SHM_REFUSED,
	SHM_GONE,
	SHM_BROKEN,
};

struct shm_event {
	char kind;
	size_t len;	/* 'S' only */
	uint8_t *data;	/* 'S' only, malloc()ed */
};

/**
 * struct shm_transport - the shm agent transport
 * @t:          common part (first member)
 * @db:         doorbell socket (non-blocking)
 * @ep:         epoll fd returned by fd()
 * @evfd:       eventfd, non-zero while @evq is not empty
 * @ev_armed:   @evfd holds a count
 * @timeout_ms: hello and abandon timeout
 * @state:      enum shm_state; anything but SHM_OK is final
 * @map:        mapping of the pages holding both areas; @map_len its size
 * @a2p, @p2a:  the areas inside @map
 * @area_size:  size of each area
 * @a2p_busy:   a command was sent and its 'R' not yet seen
 * @freed:      'F' seen (reply to our 'X')
 * @evq:        pending events, oldest first; @n_ev of them
 */
struct shm_transport {
	struct stlm_transport t;
	int db;
	int ep;
	int evfd;
	bool ev_armed;
	int timeout_ms;
	enum shm_state state;
	uint8_t *map;
	size_t map_len;
	uint8_t *a2p, *p2a;
	size_t area_size;
	bool a2p_busy;
	bool freed;
	struct shm_event evq[SHM_EVQ_SIZE];
	unsigned int n_ev;
};

static inline struct shm_transport *to_shm(struct stlm_transport *t)
{
	return (struct shm_transport *)t;
}

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int remaining_ms(int64_t deadline)
{
	int64_t left;

	if (deadline < 0)
		return -1;
	left = deadline - now_ms();
	if (left <= 0)
		return 0;
	return left > INT32_MAX ? INT32_MAX : (int)left;
}

static int state_err(enum shm_state s)
{
	switch (s) {
	case SHM_REFUSED:
		return -EBUSY;
	case SHM_BROKEN:
		return -EPROTO;
	default:
		return -ECONNRESET;
	}
}

static int fail(struct shm_transport *s, enum shm_state st)
{
	if (s->state == SHM_OK)
		s->state = st;
	return state_err(s->state);
}

/* Keep evfd readable exactly while evq is not empty. */
static void ev_sync(struct shm_transport *s)
{
	uint64_t v = 1;

	if (s->n_ev && !s->ev_armed) {
		if (write(s->evfd, &v, sizeof(v)) == sizeof(v))
			s->ev_armed = true;
	} else if (!s->n_ev && s->ev_armed) {
		if (read(s->evfd, &v, sizeof(v)) == sizeof(v))
			s->ev_armed = false;
	}
}

static int ev_push(struct shm_transport *s, char kind)
{
	if (s->n_ev == SHM_EVQ_SIZE)
		return fail(s, SHM_BROKEN);
	s->evq[s->n_ev++] = (struct shm_event){ .kind = kind };
	return 0;
}

static struct shm_event ev_pop(struct shm_transport *s)
{
	struct shm_event e = s->evq[0];

	memmove(s->evq, s->evq + 1, --s->n_ev * sizeof(s->evq[0]));
	return e;
}

static int ring(struct shm_transport *s, char what)
{
	ssize_t n;

	do {
		n = send(s->db, &what, 1, MSG_NOSIGNAL | MSG_DONTWAIT);
	} while (n < 0 && errno == EINTR);
	if (n == 1)
		return 0;
	return fail(s, SHM_GONE);
}

/*
 * Read rings until deadline (-1 forever, or now: just what is there) or
 * until at least one arrived. Returns 1 if something arrived, 0 on
 * timeout, negative errno.
 */
static int pump(struct shm_transport *s, int64_t deadline)
{
	char buf[SHM_EVQ_SIZE];
	struct pollfd pfd = { .fd = s->db, .events = POLLIN };
	ssize_t n;
	int r;

	for (;;) {
		n = recv(s->db, buf, sizeof(buf), MSG_DONTWAIT);
		if (n > 0)
			break;
		if (n == 0)
			return fail(s, SHM_GONE);
		if (errno == EINTR)
			continue;
		if (errno != EAGAIN && errno != EWOULDBLOCK)
			return fail(s, SHM_GONE);
		r = poll(&pfd, 1, remaining_ms(deadline));
		if (r < 0 && errno != EINTR)
			return -errno;
		if (r == 0)
			return 0;
	}

	for (ssize_t i = 0; i < n; i++) {
		switch (buf[i]) {
		case SHM_DB_RESPONSE:
		case SHM_DB_NOTIFY:
			r = ev_push(s, buf[i]);
			if (r < 0)
				return r;
			break;
		case SHM_DB_FREED:
			s->freed = true;
			break;
		default:
			return fail(s, SHM_BROKEN);
		}
	}
	ev_sync(s);
	return 1;
}

/*
 * Validate and read the message of an area. Returns its length (the
 * message is at area + SMT_HEADER) or -EPROTO.
 */
static int area_msg_len(struct shm_transport *s, const uint8_t *area)
{
	int len = smt_msg_len(area, s->area_size);

	return len < 0 ? fail(s, SHM_BROKEN) : len;
}

/* 'R' seen: is there a response in A2P? 1 yes, 0 error completion. */
static int a2p_completed(struct shm_transport *s)
{
	uint32_t st = smt_load(s->a2p, SMT_STATUS);

	s->a2p_busy = false;
	if (!(st & SMT_STATUS_FREE))
		return fail(s, SHM_BROKEN);
	return !(st & SMT_STATUS_ERROR);
}

/*
 * Before A2P is reused: copy a completed, unread response out of it into
 * its 'R' event (which becomes 'S'), so recv() still returns it in order.
 */
static int save_response(struct shm_transport *s)
{
	for (unsigned int i = 0; i < s->n_ev; i++) {
		struct shm_event *e = &s->evq[i];
		unsigned int saved = 0;
		int r, len;

		if (e->kind != SHM_DB_RESPONSE)
			continue;
		r = a2p_completed(s);
		if (r < 0)
			return r;
		if (r == 0) {
			/* Error completion: no message, drop the event. */
			memmove(e, e + 1, (s->n_ev - i - 1) * sizeof(*e));
			s->n_ev--;
			ev_sync(s);
			return 0;
		}
		for (unsigned int j = 0; j < s->n_ev; j++)
			saved += s->evq[j].kind == SHM_EV_SAVED;
		if (saved >= SHM_MAX_SAVED)
			return -ENOBUFS;
		len = area_msg_len(s, s->a2p);
		if (len < 0)
			return len;
		e->data = malloc((size_t)len);
		if (!e->data)
			return -ENOMEM;
		memcpy(e->data, s->a2p + SMT_HEADER, (size_t)len);
		e->len = (size_t)len;
		e->kind = SHM_EV_SAVED;
		return 0;
	}
	return 0;
}

/*
 * The previous command has not completed: abandon it ('X') and wait for
 * the platform's 'F'. A response that arrives first is saved.
 */
static int abandon(struct shm_transport *s)
{
	int64_t deadline = now_ms() + s->timeout_ms;
	int r;

	s->freed = false;
	r = ring(s, SHM_DB_ABANDON);
	if (r < 0)
		return r;
	while (!s->freed) {
		r = pump(s, deadline);
		if (r < 0)
			return r;
		if (r == 0)
			return -ETIMEDOUT;
	}
	s->freed = false;
	if (s->a2p_busy) {
		bool completed = false;

		for (unsigned int i = 0; i < s->n_ev; i++)
			completed |= s->evq[i].kind == SHM_DB_RESPONSE;
		if (completed)
			return save_response(s);
		s->a2p_busy = false;
	}
	return 0;
}

static int shm_send(struct stlm_transport *t, const uint8_t *msg, size_t len,
		    bool async)
{
	struct shm_transport *s = to_shm(t);
	int r;

	if (!msg || len < 4)
		return -EINVAL;
	if (s->state != SHM_OK)
		return state_err(s->state);
	if (len > t->max_msg)
		return -EMSGSIZE;

	if (s->a2p_busy) {
		bool completed = false;

		r = pump(s, 0);
		if (r < 0)
			return r;
		for (unsigned int i = 0; i < s->n_ev; i++)
			completed |= s->evq[i].kind == SHM_DB_RESPONSE;
		r = completed ? save_response(s) : abandon(s);
		if (r < 0)
			return r;
	}
	if (!(smt_load(s->a2p, SMT_STATUS) & SMT_STATUS_FREE))
		return fail(s, SHM_BROKEN);

	smt_write_msg(s->a2p, msg, len);
	s->a2p_busy = true;
	return ring(s, SHM_DB_COMMAND);
}

static int shm_recv(struct stlm_transport *t, uint8_t *buf, size_t cap,
		    int timeout_ms)
{
	struct shm_transport *s = to_shm(t);
	int64_t deadline = timeout_ms < 0 ? -1 : now_ms() + timeout_ms;
	int r, len;

	if (!buf && cap)
		return -EINVAL;
	if (s->state != SHM_OK)
		return state_err(s->state);

	for (;;) {
		struct shm_event e;

		if (!s->n_ev) {
			r = pump(s, deadline);
			if (r < 0)
				return r;
			if (r == 0)
				return -ETIMEDOUT;
			continue;
		}
		e = ev_pop(s);
		ev_sync(s);

		if (e.kind == SHM_EV_SAVED) {
			len = (int)e.len;
			if (e.len <= cap)
				memcpy(buf, e.data, e.len);
			free(e.data);
			return e.len <= cap ? len : -EMSGSIZE;
		}

		if (e.kind == SHM_DB_RESPONSE) {
			r = a2p_completed(s);
			if (r < 0)
				return r;
			if (r == 0)
				continue; /* error completion: no message */
			len = area_msg_len(s, s->a2p);
			if (len < 0)
				return len;
			if ((size_t)len > cap)
				return -EMSGSIZE;
			memcpy(buf, s->a2p + SMT_HEADER, (size_t)len);
			return len;
		}

		/* SHM_DB_NOTIFY */
		if (smt_load(s->p2a, SMT_STATUS) & SMT_STATUS_FREE)
			return fail(s, SHM_BROKEN);
		len = area_msg_len(s, s->p2a);
		if (len < 0)
			return len;
		if ((size_t)len <= cap)
			memcpy(buf, s->p2a + SMT_HEADER, (size_t)len);
		smt_store(s->p2a, SMT_STATUS, SMT_STATUS_FREE);
		r = ring(s, SHM_DB_ACK);
		if (r < 0)
			return r;
		return (size_t)len <= cap ? len : -EMSGSIZE;
	}
}

static int shm_fd(struct stlm_transport *t)
{
	return to_shm(t)->ep;
}

static void shm_tr_close(struct stlm_transport *t)
{
	struct shm_transport *s;

	if (!t)
		return;
	s = to_shm(t);
	for (unsigned int i = 0; i < s->n_ev; i++)
		free(s->evq[i].data);
	if (s->map)
		munmap(s->map, s->map_len);
	if (s->ep >= 0)
		close(s->ep);
	if (s->evfd >= 0)
		close(s->evfd);
	if (s->db >= 0)
		close(s->db);
	free(s);
}

/* Read exactly n bytes from the doorbell before deadline. */
static int read_full(int fd, uint8_t *buf, size_t n, int64_t deadline)
{
	size_t got = 0;

	while (got < n) {
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		ssize_t r = recv(fd, buf + got, n - got, MSG_DONTWAIT);

		if (r > 0) {
			got += (size_t)r;
			continue;
		}
		if (r == 0)
			return -ECONNRESET;
		if (errno == EINTR)
			continue;
		if (errno != EAGAIN && errno != EWOULDBLOCK)
			return -errno;
		r = poll(&pfd, 1, remaining_ms(deadline));
		if (r < 0 && errno != EINTR)
			return -errno;
		if (r == 0)
			return -ETIMEDOUT;
	}
	return 0;
}

/* Map the pages holding both areas of the memory file read-write. */
static int map_areas(struct shm_transport *s, const char *mem_path,
		     uint64_t a2p_off, uint64_t p2a_off, uint64_t mem_size)
{
	long page = sysconf(_SC_PAGESIZE);
	uint64_t lo, hi, start;
	struct stat st;
	void *map;
	int fd, r = 0;

	lo = a2p_off < p2a_off ? a2p_off : p2a_off;
	hi = (a2p_off > p2a_off ? a2p_off : p2a_off) + s->area_size;
	start = lo - lo % (uint64_t)page;

	fd = open(mem_path, O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) < 0) {
		r = -errno;
		goto out;
	}
	/* A shorter file would SIGBUS us when touched. */
	if ((uint64_t)st.st_size < hi || (uint64_t)st.st_size < mem_size) {
		r = -EPROTO;
		goto out;
	}
	map = mmap(NULL, hi - start, PROT_READ | PROT_WRITE, MAP_SHARED, fd,
		   (off_t)start);
	if (map == MAP_FAILED) {
		r = -errno;
		goto out;
	}
	s->map = map;
	s->map_len = hi - start;
	s->a2p = s->map + (a2p_off - start);
	s->p2a = s->map + (p2a_off - start);
out:
	close(fd);
	return r;
}

static int shm_handshake(struct shm_transport *s, const char *mem_path)
{
	int64_t deadline = now_ms() + s->timeout_ms;
	uint8_t hello[SHM_HELLO_SIZE];
	struct shm_hello h;
	int r;

	r = read_full(s->db, hello, 1, deadline);
	if (r < 0)
		return r;
	if (hello[0] == SHM_DB_REFUSED) {
		s->state = SHM_REFUSED;
		return 0;
	}
	if (hello[0] != SHM_DB_WELCOME)
		return -EPROTO;
	r = read_full(s->db, hello + 1, sizeof(hello) - 1, deadline);
	if (r < 0)
		return r;
	r = shm_hello_decode(hello, &h);
	if (r < 0)
		return r;
	s->area_size = h.area_size;
	s->t.max_msg = s->area_size - SMT_OVERHEAD;
	return map_areas(s, mem_path, h.a2p_off, h.p2a_off, h.mem_size);
}

static int shm_tr_open(const struct stlm_uri *u, struct stlm_transport **ret)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct epoll_event ev = { .events = EPOLLIN };
	char mem_path[PATH_MAX];
	struct shm_transport *s;
	int r;

	if (snprintf(sa.sun_path, sizeof(sa.sun_path), "%s/doorbell",
		     u->path) >= (int)sizeof(sa.sun_path))
		return -ENAMETOOLONG;
	if (snprintf(mem_path, sizeof(mem_path), "%s",
		     u->mem[0] ? u->mem : u->path) >= (int)sizeof(mem_path) ||
	    (!u->mem[0] && strlen(mem_path) + 4 >= sizeof(mem_path)))
		return -ENAMETOOLONG;
	if (!u->mem[0])
		strcat(mem_path, "/mem");

	s = calloc(1, sizeof(*s));
	if (!s)
		return -ENOMEM;
	s->t.ops = &stlm_transport_shm;
	s->db = s->ep = s->evfd = -1;
	s->timeout_ms = u->timeout_ms > 0 ? u->timeout_ms :
					    SHM_DEFAULT_TIMEOUT_MS;

	s->db = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (s->db < 0)
		goto err_errno;
	if (connect(s->db, (struct sockaddr *)&sa, sizeof(sa)) < 0 &&
	    errno != EINPROGRESS)
		goto err_errno;
	s->evfd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (s->evfd < 0)
		goto err_errno;
	s->ep = epoll_create1(EPOLL_CLOEXEC);
	if (s->ep < 0)
		goto err_errno;
	ev.data.fd = s->db;
	if (epoll_ctl(s->ep, EPOLL_CTL_ADD, s->db, &ev) < 0)
		goto err_errno;
	ev.data.fd = s->evfd;
	if (epoll_ctl(s->ep, EPOLL_CTL_ADD, s->evfd, &ev) < 0)
		goto err_errno;

	r = shm_handshake(s, mem_path);
	if (r < 0)
		goto err_close;
	*ret = &s->t;
	return 0;

err_errno:
	r = -errno;
err_close:
	shm_tr_close(&s->t);
	return r;
}

const struct stlm_transport_ops stlm_transport_shm = {
	.scheme = "shm",
	.open = shm_tr_open,
	.close = shm_tr_close,
	.send = shm_send,
	.recv = shm_recv,
	.fd = shm_fd,
};
