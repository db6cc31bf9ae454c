// SPDX-License-Identifier: MIT
/*
 * Copyright (c) 2026 The stlm authors
 *
 * The client socket (docs/daemon-protocol.md): libstlm's stlmd: backend
 * (lib/stlmd.c) talks to this.
 *
 * Theory of operation
 * -------------------
 * One server thread runs an epoll loop over the listening socket
 * (AF_UNIX SOCK_SEQPACKET), every client, a 50 ms timerfd, the session's
 * event fd (only when no FUSE tree consumes it) and a stop eventfd. Every
 * client socket is non-blocking; every message to a client goes through
 * its bounded output queue, flushed when the socket is writable, so a
 * slow reader never blocks the loop or the other clients:
 *  - replies are always queued, but while a client's queue holds more
 *    than OUT_HIGH bytes we stop reading its requests (it only stalls
 *    itself by not reading its replies);
 *  - events beyond OUT_EVENTS queued messages are dropped and counted; the
 *    count goes out as one LOST event once there is room again; a client
 *    whose queue stays full for SLOW_KICK_NS is disconnected.
 * A malformed message (bad magic, length, flags, type, truncated, unknown
 * before HELLO: stlmd_req_decode() in lib/stlmd-frame.c) is answered with
 * one ERROR message, then the client is disconnected. At most MAX_CLIENTS
 * clients; more are refused the same way.
 *
 * Requests are served in the loop with the daemon's session: the public
 * API, plus the channel owner's interface (lib/owner.h) for descriptors,
 * DE states, the SHMTI list, the memory file fd and the forwarded
 * single-sample request. A request that needs the platform (CONFIG,
 * COLL_*, RESET, SINGLE_SAMPLE, STATE with RESYNC) holds the loop for that
 * long; every other request is served from the session's tables. A failed
 * request is answered with its errno; only the session's state (LOST)
 * makes stlmd.c retire the session (stlmd_request_failed()), never the
 * errno itself (docs/api.md "Errors").
 *
 * Generation: the exported generation is gen_base + the session's, kept
 * monotonic across reconnects (gen_base moves to the last exported value
 * when the session is replaced). On every tick and after every request
 * the loop compares it and broadcasts GENERATION; a session swap (or
 * loss) is broadcast as RESET, so clients re-read everything.
 *
 * Privilege: SO_PEERCRED at accept: uid 0, the daemon's uid, or primary
 * gid equal to the daemon's -o gid= may configure (CONFIG, COLL_SET,
 * RESET); everyone else gets -EROFS (read-only access: a local refusal,
 * distinct from the platform's DENIED, -EACCES) and may read.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/timerfd.h>
#include <sys/un.h>
#include <syslog.h>
#include <unistd.h>

#include "daemon.h"
#include "owner.h"
#include "stlmd-wire.h"

#define MAX_CLIENTS	256
/* An unprivileged uid holds at most this many connections, and the last
 * PRIV_RESERVE slots are kept for privileged clients: one local user
 * cannot lock out root or the other users (docs/SECURITY.md). */
#define MAX_CLIENTS_PER_UID	32
#define PRIV_RESERVE	16
#define OUT_HIGH	(1u << 20)	/* stop reading requests above this */
#define OUT_EVENTS	256u		/* queued messages before events drop */
#define SLOW_KICK_NS	(5ull * 1000000000ull)
#define TICK_NS		50000000L
#define PAYLOAD_MAX	(STLMD_MAX_MSG - sizeof(struct stlmd_hdr))
/* The owner interface's copies of one reply's worth of tables. */
#define SCRATCH_SIZE	(2 * STLMD_MAX_MSG)
_Static_assert(PAYLOAD_MAX / sizeof(struct stlmd_de) *
		       sizeof(struct stlm_owner_de) <= SCRATCH_SIZE &&
	       PAYLOAD_MAX / sizeof(struct stlmd_de_state) *
		       sizeof(struct stlm_owner_de_state) <= SCRATCH_SIZE &&
	       PAYLOAD_MAX / sizeof(struct stlmd_shmti) *
		       sizeof(struct stlm_owner_shmti) <= SCRATCH_SIZE,
	       "scratch");

struct out {
	struct out *next;
	size_t len;
	size_t off;		/* unused on SEQPACKET (whole messages) */
	int fd;			/* SCM_RIGHTS, or -1 */
	uint8_t data[];
};

struct client {
	int fd;
	uid_t uid;
	gid_t gid;
	pid_t pid;
	bool privileged;
	bool hello;
	bool closing;		/* flush the ERROR, then drop */
	bool dead;		/* freed at the end of the epoll batch */
	uint32_t sub;
	uint64_t lost;
	uint64_t full_since;	/* first drop of the current full spell */
	struct out *head, *tail;
	size_t out_bytes;
	size_t out_n;
	uint32_t ev_mask;	/* registered epoll events */
	struct client *next;
};

struct sock {
	struct stlmd *d;
	int lfd;
	/* the socket file this daemon created (removed only if still there) */
	bool path_ours;
	dev_t path_dev;
	ino_t path_ino;
	int ep;
	int stop_fd;
	int timer_fd;
	pthread_t thread;
	struct client *clients;
	unsigned int n_clients;
	struct stlm_session *cur;	/* session the clients know */
	bool cur_known;
	int cur_evfd;			/* registered event fd, or -1 */
	uint64_t gen_base;
	uint64_t last_gen;
	uint8_t *buf;			/* request buffer */
	uint8_t *rbuf;			/* reply buffer */
	void *scratch;			/* SCRATCH_SIZE, see do_des() */
	/* events forwarded by the FUSE tree's pump (under fwd_mx) */
	int fwd_efd;
	struct fwd *fwd_head, *fwd_tail;
	unsigned int fwd_n;
	uint64_t fwd_dropped;
};

/**
 * struct fwd - one event handed over by the FUSE tree (stlmd_sock_event)
 * @ev:      the event; ev.samples points at @s
 * @next:    queue link
 * @s:       copies of its samples
 */
struct fwd {
	struct stlm_event ev;
	struct fwd *next;
	struct stlm_sample s[];
};

#define FWD_MAX 4096

/*
 * Protects d->sock for stlmd_sock_event() (called from the FUSE pump
 * thread, which may outlive the socket server at shutdown) and the
 * forwarded-event queue.
 */
static pthread_mutex_t fwd_mx = PTHREAD_MUTEX_INITIALIZER;

/* epoll tags: pointers to these identify the fixed fds. */
static int tag_listen, tag_stop, tag_timer, tag_event, tag_fwd;

/* ------------------------------------------------------------------ */
/* Output queues                                                       */

static void client_update_mask(struct sock *ss, struct client *c)
{
	uint32_t m = 0;
	struct epoll_event ev;

	if (!c->closing && c->out_bytes < OUT_HIGH)
		m |= EPOLLIN;
	if (c->head)
		m |= EPOLLOUT;
	if (m == c->ev_mask)
		return;
	ev.events = m;
	ev.data.ptr = c;
	if (epoll_ctl(ss->ep, EPOLL_CTL_MOD, c->fd, &ev) == 0)
		c->ev_mask = m;
}

static int client_queue(struct client *c, uint16_t type, uint32_t seq,
			int32_t status, const void *p1, size_t l1,
			const void *p2, size_t l2, int fd);

/* Send what the socket takes now. -1: the client is gone. */
static int client_flush(struct sock *ss, struct client *c)
{
	while (c->head) {
		struct out *o = c->head;
		struct iovec iov = { o->data, o->len };
		union {
			struct cmsghdr h;
			char b[CMSG_SPACE(sizeof(int))];
		} ctl;
		struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1 };

		if (o->fd >= 0) {
			struct cmsghdr *cm;

			memset(&ctl, 0, sizeof(ctl));
			m.msg_control = ctl.b;
			m.msg_controllen = sizeof(ctl.b);
			cm = CMSG_FIRSTHDR(&m);
			cm->cmsg_level = SOL_SOCKET;
			cm->cmsg_type = SCM_RIGHTS;
			cm->cmsg_len = CMSG_LEN(sizeof(int));
			memcpy(CMSG_DATA(cm), &o->fd, sizeof(int));
		}
		if (sendmsg(c->fd, &m, MSG_DONTWAIT | MSG_NOSIGNAL) < 0) {
			if (errno == EAGAIN || errno == EINTR)
				break;
			return -1;
		}
		c->head = o->next;
		if (!c->head)
			c->tail = NULL;
		c->out_bytes -= o->len;
		c->out_n--;
		if (o->fd >= 0)
			close(o->fd);
		free(o);
	}
	if (c->closing && !c->head)
		return -1;
	/* Room again: tell a client that fell behind what it lost, now. */
	if (c->lost && c->out_n < OUT_EVENTS / 2) {
		struct stlmd_event l = { .type = STLM_EVENT_LOST,
					 .generation = ss->last_gen,
					 .lost = c->lost };

		if (client_queue(c, STLMD_EVENT, 0, 0, &l, sizeof(l), NULL, 0,
				 -1) == 0) {
			c->lost = 0;
			c->full_since = 0;
			return client_flush(ss, c);
		}
	}
	client_update_mask(ss, c);
	return 0;
}

/* Queue one message (fd is taken over). */
static int client_queue(struct client *c, uint16_t type, uint32_t seq,
			int32_t status, const void *p1, size_t l1,
			const void *p2, size_t l2, int fd)
{
	struct stlmd_hdr h = { .magic = STLMD_MAGIC, .type = type, .seq = seq,
			       .status = status, .len = (uint32_t)(l1 + l2) };
	struct out *o = malloc(sizeof(*o) + sizeof(h) + l1 + l2);

	if (!o) {
		if (fd >= 0)
			close(fd);
		return -ENOMEM;
	}
	o->next = NULL;
	o->len = sizeof(h) + l1 + l2;
	o->off = 0;
	o->fd = fd;
	memcpy(o->data, &h, sizeof(h));
	if (l1)
		memcpy(o->data + sizeof(h), p1, l1);
	if (l2)
		memcpy(o->data + sizeof(h) + l1, p2, l2);
	if (c->tail)
		c->tail->next = o;
	else
		c->head = o;
	c->tail = o;
	c->out_bytes += o->len;
	c->out_n++;
	return 0;
}

static void client_free(struct sock *ss, struct client *c)
{
	struct client **pp;

	for (pp = &ss->clients; *pp; pp = &(*pp)->next)
		if (*pp == c) {
			*pp = c->next;
			break;
		}
	ss->n_clients--;
	epoll_ctl(ss->ep, EPOLL_CTL_DEL, c->fd, NULL);
	close(c->fd);
	while (c->head) {
		struct out *o = c->head;

		c->head = o->next;
		if (o->fd >= 0)
			close(o->fd);
		free(o);
	}
	free(c);
}

/* Queue an event for c if it has room; count it lost otherwise. */
static void client_event(struct client *c, const struct stlmd_event *e,
			 const void *samples, size_t slen)
{
	if (c->closing || !c->hello)
		return;
	if (c->out_n >= OUT_EVENTS || c->out_bytes >= OUT_HIGH) {
		c->lost++;
		if (!c->full_since)
			c->full_since = stlmd_now_ns();
		return;
	}
	c->full_since = 0;
	if (c->lost) {
		struct stlmd_event l = { .type = STLM_EVENT_LOST,
					 .generation = e->generation,
					 .lost = c->lost };

		if (client_queue(c, STLMD_EVENT, 0, 0, &l, sizeof(l), NULL, 0,
				 -1) == 0)
			c->lost = 0;
	}
	if (client_queue(c, STLMD_EVENT, 0, 0, e, sizeof(*e), samples, slen,
			 -1) < 0)
		c->lost++;
}

static void broadcast(struct sock *ss, uint32_t sub,
		      const struct stlmd_event *e, const void *samples,
		      size_t slen)
{
	struct client *c;

	/* Queue only: flush_all() sends (and frees) after the batch. */
	for (c = ss->clients; c; c = c->next)
		if ((c->sub & sub) && !c->dead)
			client_event(c, e, samples, slen);
}

static void flush_all(struct sock *ss)
{
	struct client *c, *next;

	for (c = ss->clients; c; c = next) {
		next = c->next;
		if (c->dead || (c->head && client_flush(ss, c) < 0))
			client_free(ss, c);
	}
}

/* ------------------------------------------------------------------ */
/* Session and generation watch                                        */

static struct stlm_session *cur_session(struct sock *ss)
{
	struct stlm_session *s;

	pthread_mutex_lock(&ss->d->lock);
	s = ss->d->s;
	pthread_mutex_unlock(&ss->d->lock);
	return s;
}

static void watch_evfd(struct sock *ss, struct stlm_session *s)
{
	struct epoll_event ev = { .events = EPOLLIN, .data.ptr = &tag_event };

	if (ss->cur_evfd >= 0) {
		epoll_ctl(ss->ep, EPOLL_CTL_DEL, ss->cur_evfd, NULL);
		ss->cur_evfd = -1;
	}
	/* The FUSE tree's pump drains the queue when there is one. */
	if (!s || ss->d->fuse)
		return;
	ss->cur_evfd = stlm_event_fd(s);
	if (ss->cur_evfd >= 0 &&
	    epoll_ctl(ss->ep, EPOLL_CTL_ADD, ss->cur_evfd, &ev) < 0)
		ss->cur_evfd = -1;
}

static uint64_t exported_gen(struct sock *ss, struct stlm_session *s)
{
	return s ? ss->gen_base + stlm_session_generation(s) : ss->last_gen;
}

/* Session swapped or lost: RESET; generation moved: GENERATION. */
static void watch(struct sock *ss, bool reconnect)
{
	struct stlm_session *s = reconnect ? stlmd_session(ss->d) :
					     cur_session(ss);
	struct stlmd_event e = { 0 };
	uint64_t g;

	if (!ss->cur_known || s != ss->cur) {
		bool first = !ss->cur_known;

		if (!first && s)
			ss->gen_base = ss->last_gen;
		ss->cur = s;
		ss->cur_known = true;
		watch_evfd(ss, s);
		ss->last_gen = exported_gen(ss, s);
		if (!first) {
			e.type = STLM_EVENT_RESET;
			e.generation = ss->last_gen;
			broadcast(ss, ~0u, &e, NULL, 0);
		}
		return;
	}
	g = exported_gen(ss, s);
	if (g != ss->last_gen) {
		ss->last_gen = g;
		e.type = STLM_EVENT_GENERATION;
		e.generation = g;
		broadcast(ss, STLMD_SUB_GENERATION, &e, NULL, 0);
	}
}

/* Broadcast one session event: UPDATE samples and RESET. */
static void handle_event(struct sock *ss, struct stlm_session *s,
			 const struct stlm_event *ev)
{
	struct stlmd_sample *w = (struct stlmd_sample *)ss->rbuf;
	const size_t per = (PAYLOAD_MAX - sizeof(struct stlmd_event)) /
			   sizeof(*w);
	struct stlmd_event e = { .type = (uint32_t)ev->type,
				 .generation = exported_gen(ss, s) };

	if (ev->type == STLM_EVENT_RESET) {
		ss->last_gen = e.generation;
		broadcast(ss, ~0u, &e, NULL, 0);
		return;
	}
	if (ev->type != STLM_EVENT_UPDATE)
		return;	/* GENERATION: watch(); LOST: ours */
	for (size_t i = 0; i < ev->n_samples; i += per) {
		size_t n = ev->n_samples - i < per ? ev->n_samples - i : per;

		for (size_t j = 0; j < n; j++) {
			const struct stlm_sample *x = &ev->samples[i + j];

			memset(&w[j], 0, sizeof(w[j]));
			w[j].id = x->id;
			w[j].flags = x->flags;
			w[j].raw = x->raw;
			w[j].ts = x->ts;
			w[j].ts_rate_khz = x->ts_rate_khz;
		}
		e.n = (uint32_t)n;
		broadcast(ss, STLMD_SUB_UPDATE, &e, w, n * sizeof(*w));
	}
}

/* Drain the session's events (no FUSE tree): UPDATE samples and RESET. */
static void drain_events(struct sock *ss)
{
	struct stlm_session *s = ss->cur;
	struct stlm_event ev;

	if (!s)
		return;
	for (int k = 0; k < 256 && stlm_event_read(s, &ev) > 0; k++)
		handle_event(ss, s, &ev);
	watch(ss, false);
}

/* Events the FUSE tree's pump forwarded (it owns the session's queue). */
static void drain_fwd(struct sock *ss)
{
	struct fwd *list;
	uint64_t v;

	if (read(ss->fwd_efd, &v, sizeof(v)) < 0)
		v = 0;
	pthread_mutex_lock(&fwd_mx);
	list = ss->fwd_head;
	ss->fwd_head = ss->fwd_tail = NULL;
	ss->fwd_n = 0;
	pthread_mutex_unlock(&fwd_mx);
	while (list) {
		struct fwd *f = list;

		list = f->next;
		if (ss->cur)
			handle_event(ss, ss->cur, &f->ev);
		free(f);
	}
	watch(ss, false);
}

void stlmd_sock_event(struct stlmd *d, const struct stlm_event *ev)
{
	struct sock *ss;
	struct fwd *f;
	uint64_t one = 1;

	if (ev->type != STLM_EVENT_UPDATE && ev->type != STLM_EVENT_RESET)
		return;
	pthread_mutex_lock(&fwd_mx);
	ss = d->sock;
	if (!ss)
		goto out;
	if (ss->fwd_n >= FWD_MAX) {
		/* the server is stuck: drop, as a slow client's events are */
		ss->fwd_dropped++;
		goto out;
	}
	f = malloc(sizeof(*f) + ev->n_samples * sizeof(f->s[0]));
	if (!f)
		goto out;
	f->ev = *ev;
	f->next = NULL;
	if (ev->n_samples)
		memcpy(f->s, ev->samples, ev->n_samples * sizeof(f->s[0]));
	f->ev.samples = f->s;
	if (ss->fwd_tail)
		ss->fwd_tail->next = f;
	else
		ss->fwd_head = f;
	ss->fwd_tail = f;
	ss->fwd_n++;
	if (write(ss->fwd_efd, &one, sizeof(one)) < 0)
		stlmd_log(d, LOG_DEBUG, "event forward: %m");
out:
	pthread_mutex_unlock(&fwd_mx);
}

/* ------------------------------------------------------------------ */
/* Requests                                                            */

static int do_info(struct sock *ss, struct stlm_session *s, size_t *len)
{
	struct stlmd_info *o = (struct stlmd_info *)ss->rbuf;
	struct stlm_platform_info in;
	int r = stlm_session_info(s, &in);

	if (r < 0)
		return r;
	memset(o, 0, sizeof(*o));
	o->protocol_version = in.protocol_version;
	o->base_version = in.base_version;
	memcpy(o->vendor, in.vendor, sizeof(o->vendor));
	memcpy(o->sub_vendor, in.sub_vendor, sizeof(o->sub_vendor));
	o->impl_version = in.impl_version;
	memcpy(o->uuid, in.uuid, sizeof(o->uuid));
	o->n_des = in.n_des;
	o->n_groups = in.n_groups;
	o->n_shmti = in.n_shmti;
	o->caps = (in.single_sample ? STLMD_CAP_SINGLE_SAMPLE : 0) |
		  (in.notifications ? STLMD_CAP_NOTIFICATIONS : 0) |
		  (in.per_group ? STLMD_CAP_PER_GROUP : 0) |
		  (in.reset ? STLMD_CAP_RESET : 0) |
		  (in.fastchannels ? STLMD_CAP_FASTCHANNELS : 0);
	o->default_blk_ts_rate_khz = in.default_blk_ts_rate_khz;
	o->max_msg_size = in.max_msg_size;
	o->generation = exported_gen(ss, s);
	*len = sizeof(*o);
	return 0;
}

static int do_des(struct sock *ss, struct stlm_session *s,
		  const struct stlmd_page_req *q, size_t *len)
{
	struct stlmd_page_hdr *ph = (struct stlmd_page_hdr *)ss->rbuf;
	struct stlmd_de *w = (struct stlmd_de *)(ss->rbuf + sizeof(*ph));
	const size_t per = (PAYLOAD_MAX - sizeof(*ph)) / sizeof(*w);
	struct stlm_owner_de *d = ss->scratch;
	uint32_t total;
	int n = stlm_owner_des(s, q->index, d, (uint32_t)per, &total);

	if (n < 0)
		return n;
	memset(ph, 0, sizeof(*ph));
	ph->index = q->index;
	ph->n = (uint32_t)n;
	ph->total = total;
	ph->generation = exported_gen(ss, s);
	for (int i = 0; i < n; i++) {
		memset(&w[i], 0, sizeof(w[i]));
		w[i].id = d[i].id;
		w[i].group_id = d[i].group_id;
		w[i].data_size = d[i].data_size;
		w[i].line_ts_rate = d[i].line_ts_rate;
		w[i].type = d[i].type;
		w[i].persistent = d[i].persistent;
		w[i].unit_exp = d[i].unit_exp;
		w[i].unit = d[i].unit;
		w[i].ts_support = d[i].ts_support;
		w[i].instance_id = d[i].instance_id;
		w[i].compo_type = d[i].compo_type;
		w[i].has_fc = d[i].has_fc;
		w[i].compo_instance = d[i].compo_instance;
		w[i].has_name = d[i].has_name;
		w[i].fc_size = d[i].fc_size;
		w[i].fc_addr = d[i].fc_addr;
		memcpy(w[i].name, d[i].name, sizeof(w[i].name));
		w[i].name[sizeof(w[i].name) - 1] = 0;
	}
	*len = sizeof(*ph) + (size_t)n * sizeof(*w);
	return 0;
}

static int do_state(struct sock *ss, struct stlm_session *s,
		    const struct stlmd_page_req q, size_t *len)
{
	struct stlmd_page_hdr *ph = (struct stlmd_page_hdr *)ss->rbuf;
	struct stlmd_de_state *w = (struct stlmd_de_state *)(ss->rbuf +
							     sizeof(*ph));
	const size_t per = (PAYLOAD_MAX - sizeof(*ph)) / sizeof(*w);
	struct stlm_owner_de_state *st = ss->scratch;
	uint32_t total;
	uint64_t gen;
	int n;

	if (q.flags & ~STLMD_STATE_RESYNC)
		return -EINVAL;
	n = stlm_owner_de_states(s, q.index, q.flags & STLMD_STATE_RESYNC, st,
				 (uint32_t)per, &total, &gen);
	if (n < 0)
		return n;
	memset(ph, 0, sizeof(*ph));
	ph->index = q.index;
	ph->n = (uint32_t)n;
	ph->total = total;
	ph->generation = ss->gen_base + gen;
	for (int i = 0; i < n; i++) {
		memset(&w[i], 0, sizeof(w[i]));
		w[i].enabled = st[i].enabled;
		w[i].ts_enabled = st[i].ts_enabled;
		w[i].shmti = st[i].shmti;
		w[i].offset = st[i].offset;
		w[i].blk_ts_off = st[i].blk_ts_off;
	}
	*len = sizeof(*ph) + (size_t)n * sizeof(*w);
	return 0;
}

static int do_shmti(struct sock *ss, struct stlm_session *s, size_t *len,
		    int *ret_fd)
{
	struct stlmd_shmti_hdr *h = (struct stlmd_shmti_hdr *)ss->rbuf;
	struct stlmd_shmti *w = (struct stlmd_shmti *)(ss->rbuf + sizeof(*h));
	const size_t per = (PAYLOAD_MAX - sizeof(*h)) / sizeof(*w);
	struct stlm_owner_shmti *a = ss->scratch;
	uint64_t size = 0;
	int n, fd;

	n = stlm_owner_shmtis(s, a, (uint32_t)per);
	if (n < 0)
		return n;
	memset(h, 0, sizeof(*h));
	h->n = (uint32_t)n;
	for (int i = 0; i < n; i++) {
		memset(&w[i], 0, sizeof(w[i]));
		w[i].id = a[i].id;
		w[i].length = a[i].length;
		w[i].addr = a[i].addr;
	}
	/* The session's own memory file, read-only: no copy. */
	fd = stlm_owner_mem_fd(s, &size);
	if (fd >= 0) {
		h->has_fd = 1;
		h->file_size = size;
	}
	*ret_fd = fd >= 0 ? fd : -1;
	*len = sizeof(*h) + (size_t)n * sizeof(*w);
	return 0;
}

static int do_intervals(struct sock *ss, struct stlm_session *s,
			const struct stlmd_iv_req *q, size_t *len)
{
	struct stlmd_iv_hdr *h = (struct stlmd_iv_hdr *)ss->rbuf;
	struct stlmd_iv *w = (struct stlmd_iv *)(ss->rbuf + sizeof(*h));
	const size_t per = (PAYLOAD_MAX - sizeof(*h)) / sizeof(*w);
	struct stlm_intervals iv;
	int r = stlm_intervals_get(s, q->group, &iv);

	if (r < 0)
		return r;
	memset(h, 0, sizeof(*h));
	h->n = (uint32_t)(iv.n < per ? iv.n : per);
	h->range = iv.range;
	for (uint32_t i = 0; i < h->n; i++) {
		memset(&w[i], 0, sizeof(w[i]));
		w[i].ns = iv.v[i].ns;
		w[i].secs = iv.v[i].secs;
		w[i].exp = iv.v[i].exp;
	}
	*len = sizeof(*h) + h->n * sizeof(*w);
	return 0;
}

static int do_config(struct sock *ss, struct stlm_session *s,
		     const uint8_t *p, size_t plen, size_t *len)
{
	struct stlmd_config_hdr ch;
	struct stlmd_config_item *w;
	struct stlm_batch_item *items;
	int r;

	r = stlmd_config_req_decode(p, plen, &ch);
	if (r < 0)
		return r;
	items = calloc(ch.n, sizeof(*items));
	if (!items)
		return -ENOMEM;
	memcpy(ss->rbuf, p, plen);
	w = (struct stlmd_config_item *)(ss->rbuf + sizeof(ch));
	for (uint32_t i = 0; i < ch.n; i++) {
		items[i].op = (int)w[i].op;
		items[i].id = w[i].id;
		items[i].enable = w[i].enable;
		items[i].timestamps = w[i].timestamps;
	}
	r = stlm_batch_apply(s, items, ch.n);
	for (uint32_t i = 0; r >= 0 && i < ch.n; i++)
		w[i].status = items[i].status;
	free(items);
	*len = plen;
	return r;
}

static int do_single(struct sock *ss, struct stlm_session *s, size_t *len)
{
	struct stlmd_single *h = (struct stlmd_single *)ss->rbuf;
	uint8_t resp[64];
	size_t cap = PAYLOAD_MAX - sizeof(*h) - sizeof(resp), dlen = 0;
	int n;

	n = stlm_owner_single_sample(s, resp, sizeof(resp),
				     ss->rbuf + sizeof(*h) + sizeof(resp), cap,
				     &dlen);
	if (n < 0)
		return n;
	/* resp then dresp, contiguous */
	memmove(ss->rbuf + sizeof(*h) + (size_t)n,
		ss->rbuf + sizeof(*h) + sizeof(resp), dlen);
	memcpy(ss->rbuf + sizeof(*h), resp, (size_t)n);
	h->resp_len = (uint32_t)n;
	h->dresp_len = (uint32_t)dlen;
	*len = sizeof(*h) + (size_t)n + dlen;
	return 0;
}

/* Serve one request that stlmd_req_decode() accepted. */
static void serve(struct sock *ss, struct client *c,
		  const struct stlmd_req *rq)
{
	const struct stlmd_hdr *h = &rq->h;
	const uint8_t *p = rq->p;
	struct stlm_session *s;
	size_t len = 0, plen = h->len;
	int r = 0, fd = -1;

	switch (h->type) {
	case STLMD_HELLO: {
		struct stlmd_hello q = rq->u.hello;
		struct stlmd_hello *a = (struct stlmd_hello *)ss->rbuf;

		s = cur_session(ss);
		memset(a, 0, sizeof(*a));
		a->version = STLMD_PROTO_VERSION;
		a->flags = c->privileged ? STLMD_HELLO_PRIVILEGED : 0;
		a->generation = exported_gen(ss, s);
		len = sizeof(*a);
		c->hello = true;
		if (q.version != STLMD_PROTO_VERSION)
			r = -EPROTONOSUPPORT;
		goto reply;
	}
	case STLMD_SUBSCRIBE: {
		struct stlmd_subscribe q = rq->u.sub;

		if (q.reserved || (q.mask & ~(STLMD_SUB_GENERATION |
					      STLMD_SUB_UPDATE)))
			r = -EINVAL;
		else
			c->sub = q.mask;
		goto reply;
	}
	default:
		break;
	}

	if ((h->type == STLMD_CONFIG || h->type == STLMD_COLL_SET ||
	     h->type == STLMD_RESET) && !c->privileged) {
		r = -EROFS;	/* local: this client may only read */
		goto reply;
	}
	s = stlmd_session(ss->d);
	if (!s) {
		/* say why: up, platform unusable, retrying */
		stlmd_platform_down(ss->d, (struct stlmd_down *)ss->rbuf);
		len = sizeof(struct stlmd_down);
		r = -EIO;
		goto reply;
	}
	switch (h->type) {
	case STLMD_INFO:
		r = do_info(ss, s, &len);
		break;
	case STLMD_DES: {
		struct stlmd_page_req q = rq->u.page;

		r = q.flags ? -EINVAL : do_des(ss, s, &q, &len);
		break;
	}
	case STLMD_STATE: {
		struct stlmd_page_req q = rq->u.page;

		r = do_state(ss, s, q, &len);
		break;
	}
	case STLMD_SHMTI_FDS:
		r = do_shmti(ss, s, &len, &fd);
		break;
	case STLMD_INTERVALS: {
		struct stlmd_iv_req q = rq->u.iv;

		r = do_intervals(ss, s, &q, &len);
		break;
	}
	case STLMD_CONFIG:
		r = do_config(ss, s, p, plen, &len);
		break;
	case STLMD_COLL_GET: {
		struct stlmd_coll q = rq->u.coll;
		struct stlmd_coll *a = (struct stlmd_coll *)ss->rbuf;
		struct stlm_collection col;

		r = stlm_collection_get(s, q.group, &col);
		if (r >= 0) {
			memset(a, 0, sizeof(*a));
			a->group = q.group;
			a->enable = col.enabled;
			a->mode = col.mode;
			a->secs = col.interval.secs;
			a->exp = col.interval.exp;
			a->interval_ns = col.interval.ns;
			len = sizeof(*a);
		}
		break;
	}
	case STLMD_COLL_SET: {
		struct stlmd_coll q = rq->u.coll;

		r = stlm_collection_set(s, q.group, q.enable, q.mode,
					q.interval_ns);
		break;
	}
	case STLMD_RESET:
		r = stlm_reset(s);
		break;
	case STLMD_SINGLE_SAMPLE:
		r = do_single(ss, s, &len);
		break;
	}
	if (r < 0) {
		stlmd_request_failed(ss->d, s, r);
		len = 0;
	}
	/* Everyone hears of a change before the requester's reply. */
	watch(ss, false);
reply:
	if (r < 0 && fd >= 0) {
		close(fd);
		fd = -1;
	}
	client_queue(c, h->type, h->seq, r, ss->rbuf, len, NULL, 0, fd);
}

/* Read and serve what c sent. -1: drop the client. */
static int client_read(struct sock *ss, struct client *c)
{
	/* Bounded per wake-up so one client cannot starve the others. */
	for (int k = 0; k < 64 && c->out_bytes < OUT_HIGH && !c->closing;
	     k++) {
		union {
			struct cmsghdr h;
			char b[CMSG_SPACE(4 * sizeof(int))];
		} ctl;
		struct iovec iov = { ss->buf, STLMD_MAX_MSG };
		struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1,
				    .msg_control = ctl.b,
				    .msg_controllen = sizeof(ctl.b) };
		struct stlmd_req rq;
		struct cmsghdr *cm;
		ssize_t n;

		n = recvmsg(c->fd, &m, MSG_DONTWAIT | MSG_CMSG_CLOEXEC);
		if (n < 0)
			return errno == EAGAIN || errno == EINTR ? 0 : -1;
		if (n == 0)
			return -1;
		/* We never accept fds from clients. */
		for (cm = CMSG_FIRSTHDR(&m); cm; cm = CMSG_NXTHDR(&m, cm))
			if (cm->cmsg_level == SOL_SOCKET &&
			    cm->cmsg_type == SCM_RIGHTS) {
				size_t nfd = (cm->cmsg_len - CMSG_LEN(0)) /
					     sizeof(int);

				for (size_t i = 0; i < nfd; i++) {
					int fd;

					memcpy(&fd, CMSG_DATA(cm) + i * sizeof(int),
					       sizeof(int));
					close(fd);
				}
			}
		if (stlmd_req_decode(ss->buf, (size_t)n,
				     m.msg_flags & MSG_TRUNC, c->hello,
				     &rq) == 0) {
			serve(ss, c, &rq);
		} else {
			client_queue(c, STLMD_ERROR, 0, -EPROTO, NULL, 0, NULL,
				     0, -1);
			c->closing = true;
			stlmd_log(ss->d, LOG_DEBUG,
				  "client pid %d: malformed message, disconnecting",
				  (int)c->pid);
		}
	}
	return 0;
}

/* May a new connection with these credentials be accepted? */
static bool accept_ok(struct sock *ss, const struct ucred *cred, bool priv)
{
	unsigned int same = 0;

	if (ss->n_clients >= MAX_CLIENTS)
		return false;
	if (priv)
		return true;
	if (ss->n_clients >= MAX_CLIENTS - PRIV_RESERVE)
		return false;
	for (struct client *c = ss->clients; c; c = c->next)
		if (c->uid == cred->uid && !c->dead)
			same++;
	return same < MAX_CLIENTS_PER_UID;
}

static void do_accept(struct sock *ss)
{
	for (int k = 0; k < 64; k++) {
		struct epoll_event ev = { .events = EPOLLIN };
		struct ucred cred;
		socklen_t cl = sizeof(cred);
		struct client *c;
		bool priv;
		int fd;

		fd = accept4(ss->lfd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
		if (fd < 0)
			return;
		if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &cl) < 0)
			cred.pid = -1;
		priv = cred.uid == 0 || cred.uid == geteuid() ||
		       cred.gid == ss->d->gid;
		if (cred.pid < 0 || !accept_ok(ss, &cred, priv) ||
		    !(c = calloc(1, sizeof(*c)))) {
			struct stlmd_hdr h = { .magic = STLMD_MAGIC,
					       .type = STLMD_ERROR,
					       .status = -EUSERS };

			if (send(fd, &h, sizeof(h), MSG_DONTWAIT | MSG_NOSIGNAL) < 0)
				stlmd_log(ss->d, LOG_DEBUG, "refuse: %m");
			/* Closing with unread requests would reset the
			 * connection and lose the ERROR: discard them. */
			for (int i = 0; i < 64; i++)
				if (recv(fd, &h, sizeof(h), MSG_DONTWAIT) <= 0)
					break;
			close(fd);
			continue;
		}
		c->fd = fd;
		c->uid = cred.uid;
		c->gid = cred.gid;
		c->pid = cred.pid;
		c->privileged = priv;
		ev.data.ptr = c;
		if (epoll_ctl(ss->ep, EPOLL_CTL_ADD, fd, &ev) < 0) {
			close(fd);
			free(c);
			continue;
		}
		c->ev_mask = EPOLLIN;
		c->next = ss->clients;
		ss->clients = c;
		ss->n_clients++;
	}
}

static void tick(struct sock *ss)
{
	uint64_t now = stlmd_now_ns();
	struct client *c;

	watch(ss, true);
	for (c = ss->clients; c; c = c->next) {
		if (c->full_since && now - c->full_since > SLOW_KICK_NS &&
		    c->out_n >= OUT_EVENTS) {
			stlmd_log(ss->d, LOG_INFO,
				  "client pid %d does not read its events: disconnecting",
				  (int)c->pid);
			c->dead = true;
		}
	}
}

static void *sock_main(void *arg)
{
	struct sock *ss = arg;

	for (;;) {
		struct epoll_event evs[64];
		int n = epoll_wait(ss->ep, evs, 64, -1);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		for (int i = 0; i < n; i++) {
			void *p = evs[i].data.ptr;
			uint64_t v;

			if (p == &tag_stop)
				return NULL;
			if (p == &tag_listen) {
				do_accept(ss);
			} else if (p == &tag_timer) {
				if (read(ss->timer_fd, &v, sizeof(v)) < 0)
					v = 0;
				tick(ss);
			} else if (p == &tag_event) {
				drain_events(ss);
			} else if (p == &tag_fwd) {
				drain_fwd(ss);
			} else {
				struct client *c = p;

				if (c->dead)
					continue;
				if ((evs[i].events & (EPOLLERR | EPOLLHUP)) &&
				    !(evs[i].events & EPOLLIN)) {
					client_free(ss, c);
					continue;
				}
				if (evs[i].events & EPOLLIN &&
				    client_read(ss, c) < 0) {
					client_free(ss, c);
					continue;
				}
				if (client_flush(ss, c) < 0)
					client_free(ss, c);
			}
		}
		flush_all(ss);
	}
	return NULL;
}

/* ------------------------------------------------------------------ */
/* Start and stop                                                      */

/* Remove the socket file if it is still the one this daemon created. */
static void unlink_ours(struct sock *ss)
{
	struct stat st;

	if (lstat(ss->d->socket, &st) == 0 && S_ISSOCK(st.st_mode) &&
	    st.st_dev == ss->path_dev && st.st_ino == ss->path_ino)
		unlink(ss->d->socket);
	ss->path_ours = false;
}

/*
 * Listen at sa (the --socket path). Whatever is at the path already is
 * replaced only if it is a socket nobody accepts on (a stale one from an
 * earlier run): any other file is refused and left alone. The socket is
 * bound to a temporary name in the same directory and renamed into place
 * once it listens, so a client that waits for the path never finds it
 * refusing; its identity is kept so that only this socket is removed.
 */
static int bind_socket(struct sock *ss, const struct sockaddr_un *sa)
{
	const char *path = ss->d->socket;
	struct sockaddr_un tmp = { .sun_family = AF_UNIX };
	struct stat st;
	int n, r;

	if (lstat(path, &st) == 0) {
		int probe;

		if (!S_ISSOCK(st.st_mode)) {
			stlmd_log(ss->d, LOG_ERR,
				  "socket %s: a file that is not a socket is there: refusing to replace it",
				  path);
			return -EEXIST;
		}
		probe = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
		if (probe < 0)
			return -errno;
		r = connect(probe, (const struct sockaddr *)sa, sizeof(*sa)) == 0 ?
			    0 : -errno;
		close(probe);
		if (r == 0)
			return -EADDRINUSE;	/* another daemon serves it */
		if (unlink(path) < 0 && errno != ENOENT)
			return -errno;
	} else if (errno != ENOENT) {
		return -errno;
	}
	n = snprintf(tmp.sun_path, sizeof(tmp.sun_path), "%s.%d.tmp", path,
		     (int)getpid());
	if (n < 0 || (size_t)n >= sizeof(tmp.sun_path))
		tmp = *sa;	/* no room for a suffix: bind in place */
	else if (lstat(tmp.sun_path, &st) == 0 && S_ISSOCK(st.st_mode))
		unlink(tmp.sun_path);
	if (bind(ss->lfd, (struct sockaddr *)&tmp, sizeof(tmp)) < 0)
		return -errno;
	if (chmod(tmp.sun_path, 0666) < 0 || listen(ss->lfd, 64) < 0 ||
	    (strcmp(tmp.sun_path, path) && rename(tmp.sun_path, path) < 0) ||
	    lstat(path, &st) < 0) {
		r = -errno;
		unlink(tmp.sun_path);
		return r;
	}
	ss->path_dev = st.st_dev;
	ss->path_ino = st.st_ino;
	ss->path_ours = true;
	return 0;
}

static void sock_free(struct sock *ss)
{
	if (ss && ss->path_ours)
		unlink_ours(ss);
	while (ss->clients)
		client_free(ss, ss->clients);
	if (ss->lfd >= 0)
		close(ss->lfd);
	if (ss->ep >= 0)
		close(ss->ep);
	if (ss->stop_fd >= 0)
		close(ss->stop_fd);
	if (ss->timer_fd >= 0)
		close(ss->timer_fd);
	if (ss->fwd_efd >= 0)
		close(ss->fwd_efd);
	while (ss->fwd_head) {
		struct fwd *f = ss->fwd_head;

		ss->fwd_head = f->next;
		free(f);
	}
	free(ss->buf);
	free(ss->rbuf);
	free(ss->scratch);
	free(ss);
}

int stlmd_sock_start(struct stlmd *d)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct itimerspec its = { { 0, TICK_NS }, { 0, TICK_NS } };
	struct epoll_event ev = { .events = EPOLLIN };
	struct sock *ss;
	int r;

	if (!d->socket)
		return 0;
	if (strlen(d->socket) >= sizeof(sa.sun_path))
		return -ENAMETOOLONG;
	strcpy(sa.sun_path, d->socket);
	ss = calloc(1, sizeof(*ss));
	if (!ss)
		return -ENOMEM;
	ss->d = d;
	ss->lfd = ss->ep = ss->stop_fd = ss->timer_fd = ss->cur_evfd = -1;
	ss->fwd_efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (ss->fwd_efd < 0) {
		r = -errno;
		goto err;
	}
	ss->buf = malloc(STLMD_MAX_MSG);
	ss->rbuf = malloc(STLMD_MAX_MSG);
	ss->scratch = malloc(SCRATCH_SIZE);
	if (!ss->buf || !ss->rbuf || !ss->scratch) {
		r = -ENOMEM;
		goto err;
	}
	ss->lfd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC | SOCK_NONBLOCK,
			 0);
	ss->ep = epoll_create1(EPOLL_CLOEXEC);
	ss->stop_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	ss->timer_fd = timerfd_create(CLOCK_MONOTONIC,
				      TFD_CLOEXEC | TFD_NONBLOCK);
	if (ss->lfd < 0 || ss->ep < 0 || ss->stop_fd < 0 || ss->timer_fd < 0) {
		r = -errno;
		goto err;
	}
	r = bind_socket(ss, &sa);
	if (r < 0)
		goto err;
	if (timerfd_settime(ss->timer_fd, 0, &its, NULL) < 0) {
		r = -errno;
		goto err;
	}
	ev.data.ptr = &tag_listen;
	epoll_ctl(ss->ep, EPOLL_CTL_ADD, ss->lfd, &ev);
	ev.data.ptr = &tag_stop;
	epoll_ctl(ss->ep, EPOLL_CTL_ADD, ss->stop_fd, &ev);
	ev.data.ptr = &tag_timer;
	epoll_ctl(ss->ep, EPOLL_CTL_ADD, ss->timer_fd, &ev);
	ev.data.ptr = &tag_fwd;
	epoll_ctl(ss->ep, EPOLL_CTL_ADD, ss->fwd_efd, &ev);
	watch(ss, false);
	r = pthread_create(&ss->thread, NULL, sock_main, ss);
	if (r) {
		r = -r;
		goto err;
	}
	pthread_mutex_lock(&fwd_mx);
	d->sock = ss;
	pthread_mutex_unlock(&fwd_mx);
	return 0;
err:
	sock_free(ss);
	return r;
}

void stlmd_sock_stop(struct stlmd *d)
{
	struct sock *ss = d->sock;
	uint64_t one = 1;

	if (!ss)
		return;
	/* No more forwarded events from here on. */
	pthread_mutex_lock(&fwd_mx);
	d->sock = NULL;
	pthread_mutex_unlock(&fwd_mx);
	if (write(ss->stop_fd, &one, sizeof(one)) < 0)
		stlmd_log(d, LOG_WARNING, "socket stop: %m");
	pthread_join(ss->thread, NULL);
	sock_free(ss);
}
