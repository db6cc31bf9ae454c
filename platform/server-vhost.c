// SPDX-License-Identifier: MIT
/*
 * Copyright (c) 2026 The stlm authors
 *
 * vhost-user:PATH: the emulator as a virtio-scmi device (docs/virtio.md).
 *
 * Theory of operation
 * -------------------
 * The emulator is the vhost-user back end: it listens on a unix socket and
 * the front end (User-Mode Linux's virtio_uml, QEMU's vhost-user-scmi)
 * connects, hands over its guest memory (SET_MEM_TABLE, one fd per
 * region, mapped here) and sets up two split virtqueues:
 *
 * - cmdq (queue 0): each request is a descriptor chain of readable
 *   buffers holding [SCMI header][payload] followed by writable buffers
 *   for the reply [header][status][payload]. The chain is gathered into a
 *   local copy, recorded as pending, and fed to stlmp_agent_command(); the
 *   platform's response (type 0) comes back through the sink, is written
 *   into the pending chain with the same header and returned on the used
 *   ring.
 * - eventq (queue 1, only when VIRTIO_SCMI_F_P2A_CHANNELS is negotiated):
 *   the guest pre-posts writable buffers; delayed responses (type 2) and
 *   notifications (type 3) are written into the next one. When none is
 *   posted they wait in a bounded backlog (VU_BACKLOG, oldest dropped) and
 *   go out at the next eventq kick.
 *
 * One front end at a time owns the socket and is the platform's agent;
 * another connection is closed at once. One event-loop thread polls the
 * listener, the stop eventfd, the vhost-user socket and the kick eventfds.
 * Platform threads call the sink; everything the sink touches (rings,
 * memory table, pending chains, backlog) is under srv->lock, which is
 * never held across stlmp_agent_command() or stlmp_agent_detach().
 *
 * Nothing from the front end is trusted: every message size, ring index,
 * ring size, guest address (translated against the memory table with
 * bounds checks), descriptor index, flag, length and chain length
 * (at most the queue size, so loops end) is checked. A malformed vhost-user
 * message or a connection that stalls VU_IO_TIMEOUT_MS inside a message
 * ends the connection; a ring whose addresses do not translate is marked
 * broken (the error eventfd is signalled) until the front end sets it up
 * again; a bogus chain is returned unused (length 0) when its head is
 * valid, skipped otherwise. The memory files must stay as large as the
 * table says: regions beyond the end of their file are refused.
 */
#include <endian.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "scmi.h"
#include "server-vhost.h"
#include "server.h"

/* Shared with server-socket.c. */
int stlmp_unix_listen(struct stlmp_platform *p, const char *path,
		      int *ret_fd, struct stat *ret_st);
void stlmp_unix_unlink(const char *path, const struct stat *st);
int64_t stlmp_now_ms(void);

/* How long one vhost-user message may take to arrive or to be sent. */
#define VU_IO_TIMEOUT_MS 2000
/* Largest vhost-user payload accepted (GET_CONFIG: 12 + 256). */
#define VU_MAX_PAYLOAD 512
/* Request chains handled per wake-up, so a flood cannot starve stop(). */
#define VU_CHAINS_PER_WAKEUP 64
/* Writable buffers of one chain, and the most requests in flight. */
#define VU_MAX_SEGS 16
#define VU_MAX_PENDING 256
/* Delayed responses and notifications kept while no eventq buffer is. */
#define VU_BACKLOG 64

#define VRING_DESC_F_NEXT 1
#define VRING_DESC_F_WRITE 2
#define VRING_DESC_F_INDIRECT 4
#define VRING_AVAIL_F_NO_INTERRUPT 1

static const uint64_t vu_features =
	(1ull << VU_F_VERSION_1) | (1ull << VU_F_SCMI_P2A_CHANNELS) |
	(1ull << VU_F_PROTOCOL_FEATURES);
static const uint64_t vu_protocol_features =
	(1ull << VU_PF_MQ) | (1ull << VU_PF_REPLY_ACK) |
	(1ull << VU_PF_BACKEND_REQ);

struct vu_region {
	uint64_t gpa, size, uaddr, mmap_off;
	uint8_t *map;
	size_t map_len;
};

/**
 * struct vu_vq - one split virtqueue
 * @num:        queue size (0: not set)
 * @desc, @avail, @used: ring addresses, front-end user addresses
 * @addr_set:   SET_VRING_ADDR seen
 * @last_avail: next avail entry to take
 * @used_idx:   next used entry to fill
 * @kick, @call, @err: eventfds (call may be a pipe), -1 if none
 * @started:    a kick fd (or in-band kicks) was set and the ring not
 *              stopped by GET_VRING_BASE
 * @enabled:    SET_VRING_ENABLE state (rings start disabled when
 *              VHOST_USER_F_PROTOCOL_FEATURES is negotiated)
 * @broken:     its addresses did not translate: not used until set again
 */
struct vu_vq {
	uint32_t num;
	uint64_t desc, avail, used;
	bool addr_set;
	uint16_t last_avail, used_idx;
	int kick, call, err;
	bool started, enabled, broken;
};

struct vu_seg {
	uint64_t gpa;
	uint32_t len;
};

struct vu_pending {
	bool busy;
	uint16_t head;
	uint32_t hdr;
	uint32_t nseg;
	struct vu_seg seg[VU_MAX_SEGS];
};

struct vu_msg {
	uint32_t len;
	uint8_t buf[VU_LINUX_MAX_MSG];
};

/**
 * struct stlmp_server - one vhost-user listener
 * @lock:     protects everything below it (loop thread and sink)
 * @cfd:      the front end's socket, -1 if none
 * @req_fd:   SET_BACKEND_REQ_FD's socket, kept open, never written; -1
 * @agent:    its agent handle (loop thread only)
 * @features, @pfeatures: negotiated virtio / protocol features
 */
struct stlmp_server {
	struct stlmp_platform *p;
	int lfd;
	int stop_fd;
	pthread_t thread;
	char path[sizeof(((struct sockaddr_un *)0)->sun_path)];
	struct stat path_st;
	size_t max_msg;
	struct stlmp_agent *agent;

	pthread_mutex_t lock;
	int cfd;
	int req_fd;
	uint64_t features, pfeatures;
	uint32_t n_regions;
	struct vu_region region[VU_MAX_REGIONS];
	struct vu_vq vq[VU_NUM_QUEUES];
	struct vu_pending pending[VU_MAX_PENDING];
	struct vu_msg backlog[VU_BACKLOG];
	unsigned int bl_head, bl_count;
	uint64_t dropped;
};

/* ------------------------------------------------------------------ */
/* Guest memory                                                        */

static void *vu_xlate(struct stlmp_server *s, uint64_t addr, uint64_t len,
		      bool user)
{
	for (uint32_t i = 0; i < s->n_regions; i++) {
		struct vu_region *r = &s->region[i];
		uint64_t base = user ? r->uaddr : r->gpa;

		if (addr < base || addr - base > r->size ||
		    len > r->size - (addr - base))
			continue;
		return r->map + r->mmap_off + (addr - base);
	}
	return NULL;
}

static void vu_unmap_all(struct stlmp_server *s)
{
	for (uint32_t i = 0; i < s->n_regions; i++)
		munmap(s->region[i].map, s->region[i].map_len);
	s->n_regions = 0;
}

static void vu_close(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

static void vu_signal(int fd)
{
	uint64_t one = 1;

	/* a pipe (UML) or an eventfd; a full pipe already means "wake up" */
	if (fd >= 0 && write(fd, &one, sizeof(one)) < 0) {
		/* nothing to do: EAGAIN on a full pipe, or the guest is gone */
	}
}

/* ------------------------------------------------------------------ */
/* Split rings (lock held)                                             */

struct vu_ring {
	uint8_t *desc;		/* 16 * num */
	uint8_t *avail;		/* 4 + 2 * num */
	uint8_t *used;		/* 4 + 8 * num */
};

static void vu_break(struct stlmp_server *s, unsigned int qi, const char *why)
{
	struct vu_vq *q = &s->vq[qi];

	if (!q->broken)
		stlmp_log(s->p, STLMP_LOG_WARNING,
			  "vhost-user: queue %u: %s: queue stopped until set "
			  "up again", qi, why);
	q->broken = true;
	vu_signal(q->err);
}

static bool vu_ready(struct stlmp_server *s, unsigned int qi)
{
	const struct vu_vq *q = &s->vq[qi];
	bool enabled = q->enabled ||
		       !(s->features & (1ull << VU_F_PROTOCOL_FEATURES));

	return s->cfd >= 0 && q->num && q->addr_set && q->started &&
	       enabled && !q->broken;
}

static int vu_ring_map(struct stlmp_server *s, unsigned int qi,
		       struct vu_ring *r)
{
	struct vu_vq *q = &s->vq[qi];

	r->desc = vu_xlate(s, q->desc, 16ull * q->num, true);
	r->avail = vu_xlate(s, q->avail, 4 + 2ull * q->num, true);
	r->used = vu_xlate(s, q->used, 4 + 8ull * q->num, true);
	if (!r->desc || !r->avail || !r->used) {
		vu_break(s, qi, "ring address outside guest memory");
		return -EFAULT;
	}
	return 0;
}

static uint16_t vu_load16(const uint8_t *p)
{
	return le16toh(atomic_load_explicit((_Atomic uint16_t *)(void *)p,
					    memory_order_acquire));
}

static void vu_push(struct stlmp_server *s, unsigned int qi,
		    const struct vu_ring *r, uint16_t head, uint32_t len)
{
	struct vu_vq *q = &s->vq[qi];
	uint8_t *e = r->used + 4 + 8ull * (q->used_idx % q->num);
	uint32_t id32 = htole32(head), len32 = htole32(len);

	memcpy(e, &id32, 4);
	memcpy(e + 4, &len32, 4);
	q->used_idx++;
	atomic_store_explicit((_Atomic uint16_t *)(void *)(r->used + 2),
			      htole16(q->used_idx), memory_order_release);
	if (!(vu_load16(r->avail) & VRING_AVAIL_F_NO_INTERRUPT))
		vu_signal(q->call);
}

/**
 * struct vu_chain - one descriptor chain taken off the avail ring
 * @head:   its head index; -1 when even the head was bad
 * @bogus:  the chain breaks a rule (returned with length 0)
 * @rlen:   readable bytes gathered into @rbuf
 */
struct vu_chain {
	int head;
	bool bogus;
	uint32_t rlen;
	uint8_t rbuf[VU_LINUX_MAX_MSG + 64];
	uint32_t nseg;
	struct vu_seg seg[VU_MAX_SEGS];
};

/*
 * Take the next chain of queue qi. Returns 1 with *c filled, 0 if none is
 * available, -EFAULT if the ring is broken. read_ok: readable buffers are
 * expected (cmdq) and gathered; on the eventq any is bogus.
 */
static int vu_pop(struct stlmp_server *s, unsigned int qi,
		  const struct vu_ring *r, bool read_ok, struct vu_chain *c)
{
	struct vu_vq *q = &s->vq[qi];
	uint16_t avail_idx = vu_load16(r->avail + 2), i;
	const char *why = NULL;

	if ((uint16_t)(avail_idx - q->last_avail) > q->num) {
		vu_break(s, qi, "avail index runs more than the queue size ahead");
		return -EFAULT;
	}
	if (avail_idx == q->last_avail)
		return 0;
	i = vu_load16(r->avail + 4 + 2ull * (q->last_avail % q->num));
	q->last_avail++;
	memset(c, 0, offsetof(struct vu_chain, rbuf));
	c->nseg = 0;
	c->head = i;
	if (i >= q->num) {
		c->head = -1;
		why = "head index out of range";
		goto bogus;
	}
	for (uint32_t n = 0;; n++) {
		uint8_t d[16];
		uint64_t addr;
		uint32_t len;
		uint16_t flags, next;

		if (n >= q->num) {
			why = "chain longer than the queue (a loop?)";
			goto bogus;
		}
		memcpy(d, r->desc + 16ull * i, sizeof(d));
		memcpy(&addr, d, 8);
		memcpy(&len, d + 8, 4);
		memcpy(&flags, d + 12, 2);
		memcpy(&next, d + 14, 2);
		addr = le64toh(addr);
		len = le32toh(len);
		flags = le16toh(flags);
		next = le16toh(next);
		if (flags & VRING_DESC_F_INDIRECT) {
			why = "indirect descriptor (not negotiated)";
			goto bogus;
		}
		if (flags & VRING_DESC_F_WRITE) {
			if (c->nseg == VU_MAX_SEGS) {
				why = "too many writable buffers";
				goto bogus;
			}
			if (!vu_xlate(s, addr, len, false)) {
				why = "writable buffer outside guest memory";
				goto bogus;
			}
			c->seg[c->nseg].gpa = addr;
			c->seg[c->nseg].len = len;
			c->nseg++;
		} else {
			const void *src;

			if (!read_ok) {
				why = "readable buffer on the eventq";
				goto bogus;
			}
			if (c->nseg) {
				why = "readable buffer after a writable one";
				goto bogus;
			}
			if (len > sizeof(c->rbuf) - c->rlen) {
				why = "request larger than the largest message";
				goto bogus;
			}
			src = vu_xlate(s, addr, len, false);
			if (!src) {
				why = "readable buffer outside guest memory";
				goto bogus;
			}
			memcpy(c->rbuf + c->rlen, src, len);
			c->rlen += len;
		}
		if (!(flags & VRING_DESC_F_NEXT))
			break;
		if (next >= q->num) {
			why = "next index out of range";
			goto bogus;
		}
		i = next;
	}
	return 1;

bogus:
	c->bogus = true;
	stlmp_log(s->p, STLMP_LOG_WARNING,
		  "vhost-user: queue %u: bogus descriptor chain: %s", qi, why);
	return 1;
}

/* Scatter msg into the writable buffers; the bytes written. */
static uint32_t vu_scatter(struct stlmp_server *s, const struct vu_seg *seg,
			   uint32_t nseg, const uint8_t *msg, size_t len)
{
	uint32_t done = 0;

	for (uint32_t k = 0; k < nseg && done < len; k++) {
		uint32_t n = seg[k].len;
		uint8_t *dst;

		if (n > len - done)
			n = (uint32_t)(len - done);
		dst = vu_xlate(s, seg[k].gpa, n, false);
		if (!dst)	/* the memory table changed under the chain */
			return 0;
		memcpy(dst, msg + done, n);
		done += n;
	}
	if (done < len)
		stlmp_log(s->p, STLMP_LOG_WARNING,
			  "vhost-user: reply buffers hold %u of %zu bytes",
			  done, len);
	return done;
}

/* ------------------------------------------------------------------ */
/* eventq and the sink                                                 */

/* Deliver backlog messages into posted eventq buffers (lock held). */
static void vu_eventq_flush(struct stlmp_server *s)
{
	struct vu_ring r;
	struct vu_chain *c;

	if (!s->bl_count || !vu_ready(s, 1) || vu_ring_map(s, 1, &r) < 0)
		return;
	c = malloc(sizeof(*c));
	if (!c)
		return;
	while (s->bl_count) {
		struct vu_msg *m = &s->backlog[s->bl_head];
		int got = vu_pop(s, 1, &r, false, c);
		uint32_t n;

		if (got <= 0)
			break;
		if (c->bogus) {
			if (c->head >= 0)
				vu_push(s, 1, &r, (uint16_t)c->head, 0);
			continue;
		}
		n = vu_scatter(s, c->seg, c->nseg, m->buf, m->len);
		vu_push(s, 1, &r, (uint16_t)c->head, n);
		s->bl_head = (s->bl_head + 1) % VU_BACKLOG;
		s->bl_count--;
	}
	free(c);
}

static int vu_sink_send(void *data, const uint8_t *msg, size_t len)
{
	struct stlmp_server *s = data;
	struct scmi_hdr h;
	uint32_t word;

	if (len < 4 || len > VU_LINUX_MAX_MSG)
		return -EINVAL;
	memcpy(&word, msg, 4);
	word = le32toh(word);
	if (scmi_hdr_unpack(word, &h) < 0)
		return -EINVAL;

	pthread_mutex_lock(&s->lock);
	if (s->cfd < 0)
		goto out;
	if (h.type == SCMI_MSG_COMMAND) {
		struct vu_ring r;

		for (unsigned int k = 0; k < VU_MAX_PENDING; k++) {
			struct vu_pending *pd = &s->pending[k];
			uint32_t n;

			if (!pd->busy || pd->hdr != word)
				continue;
			pd->busy = false;
			if (!vu_ready(s, 0) || vu_ring_map(s, 0, &r) < 0)
				break;
			n = vu_scatter(s, pd->seg, pd->nseg, msg, len);
			vu_push(s, 0, &r, pd->head, n);
			break;
		}
		goto out;
	}
	if (!(s->features & (1ull << VU_F_SCMI_P2A_CHANNELS))) {
		s->dropped++;
		goto out;
	}
	if (s->bl_count == VU_BACKLOG) {
		s->bl_head = (s->bl_head + 1) % VU_BACKLOG;
		s->bl_count--;
		if (!(s->dropped++ % 64))
			stlmp_log(s->p, STLMP_LOG_WARNING,
				  "vhost-user: no eventq buffer posted: "
				  "dropped %llu message(s)",
				  (unsigned long long)s->dropped);
	}
	{
		struct vu_msg *m =
			&s->backlog[(s->bl_head + s->bl_count) % VU_BACKLOG];

		memcpy(m->buf, msg, len);
		m->len = (uint32_t)len;
		s->bl_count++;
	}
	vu_eventq_flush(s);
out:
	pthread_mutex_unlock(&s->lock);
	return 0;
}

/* ------------------------------------------------------------------ */
/* cmdq                                                                */

/* Handle up to VU_CHAINS_PER_WAKEUP requests; true if more may wait. */
static bool vu_cmdq_run(struct stlmp_server *s)
{
	struct vu_chain *c = malloc(sizeof(*c));
	bool more = false;

	if (!c)
		return true;
	for (int n = 0; n < VU_CHAINS_PER_WAKEUP; n++) {
		struct vu_ring r;
		int got, slot = -1;

		pthread_mutex_lock(&s->lock);
		if (!s->agent || !vu_ready(s, 0) || vu_ring_map(s, 0, &r) < 0) {
			pthread_mutex_unlock(&s->lock);
			break;
		}
		got = vu_pop(s, 0, &r, true, c);
		if (got <= 0) {
			pthread_mutex_unlock(&s->lock);
			break;
		}
		if (!c->bogus && c->rlen < 4) {
			stlmp_log(s->p, STLMP_LOG_WARNING,
				  "vhost-user: request of %u bytes, shorter "
				  "than a header", c->rlen);
			c->bogus = true;
		}
		if (!c->bogus) {
			for (int k = 0; k < VU_MAX_PENDING; k++)
				if (!s->pending[k].busy) {
					slot = k;
					break;
				}
			if (slot < 0) {
				stlmp_log(s->p, STLMP_LOG_WARNING,
					  "vhost-user: %d requests in flight",
					  VU_MAX_PENDING);
				c->bogus = true;
			}
		}
		if (c->bogus) {
			if (c->head >= 0)
				vu_push(s, 0, &r, (uint16_t)c->head, 0);
			pthread_mutex_unlock(&s->lock);
			continue;
		}
		{
			struct vu_pending *pd = &s->pending[slot];
			uint32_t word;

			memcpy(&word, c->rbuf, 4);
			pd->busy = true;
			pd->head = (uint16_t)c->head;
			pd->hdr = le32toh(word);
			pd->nseg = c->nseg;
			memcpy(pd->seg, c->seg, sizeof(pd->seg[0]) * c->nseg);
		}
		pthread_mutex_unlock(&s->lock);

		/* the response may come back through the sink right away */
		if (stlmp_agent_command(s->agent, c->rbuf, c->rlen) < 0) {
			/* unparseable: no answer will come; give it back */
			pthread_mutex_lock(&s->lock);
			if (s->pending[slot].busy) {
				s->pending[slot].busy = false;
				if (vu_ready(s, 0) && vu_ring_map(s, 0, &r) == 0)
					vu_push(s, 0, &r, s->pending[slot].head,
						0);
			}
			pthread_mutex_unlock(&s->lock);
		}
		if (n == VU_CHAINS_PER_WAKEUP - 1)
			more = true;
	}
	free(c);
	return more;
}

/* ------------------------------------------------------------------ */
/* vhost-user messages                                                 */

static void vu_reset_rings(struct stlmp_server *s)
{
	for (unsigned int i = 0; i < VU_NUM_QUEUES; i++) {
		struct vu_vq *q = &s->vq[i];

		vu_close(&q->kick);
		vu_close(&q->call);
		vu_close(&q->err);
		memset(q, 0, sizeof(*q));
		q->kick = q->call = q->err = -1;
	}
	memset(s->pending, 0, sizeof(s->pending));
	s->bl_head = s->bl_count = 0;
	vu_unmap_all(s);
	vu_close(&s->req_fd);
	s->features = s->pfeatures = 0;
}

/* Wait until fd is ready for ev, or the deadline; -ECANCELED on stop. */
static int vu_wait(struct stlmp_server *s, short ev, int64_t deadline)
{
	for (;;) {
		struct pollfd pfd[2] = { { .fd = s->cfd, .events = ev },
					 { .fd = s->stop_fd, .events = POLLIN } };
		int64_t left = deadline - stlmp_now_ms();
		int r;

		if (left <= 0)
			return -ETIMEDOUT;
		r = poll(pfd, 2, (int)left);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -errno;
		if (pfd[1].revents)
			return -ECANCELED;
		if (pfd[0].revents)
			return 0;
	}
}

/* Receive exactly len bytes; fds passed along are added to fds[]. */
static int vu_recv(struct stlmp_server *s, void *buf, size_t len, int *fds,
		   int *nfds)
{
	int64_t deadline = stlmp_now_ms() + VU_IO_TIMEOUT_MS;
	size_t got = 0;

	while (got < len) {
		union {
			struct cmsghdr h;
			char b[CMSG_SPACE(sizeof(int) * VU_MAX_REGIONS)];
		} cm;
		struct iovec iov = { (uint8_t *)buf + got, len - got };
		struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1,
				     .msg_control = cm.b,
				     .msg_controllen = sizeof(cm.b) };
		ssize_t n = recvmsg(s->cfd, &mh, MSG_DONTWAIT | MSG_CMSG_CLOEXEC);

		if (n < 0 && (errno == EAGAIN || errno == EINTR)) {
			int r = vu_wait(s, POLLIN, deadline);

			if (r < 0)
				return r;
			continue;
		}
		if (n < 0)
			return -errno;
		for (struct cmsghdr *ch = CMSG_FIRSTHDR(&mh); ch;
		     ch = CMSG_NXTHDR(&mh, ch)) {
			size_t k;

			if (ch->cmsg_level != SOL_SOCKET ||
			    ch->cmsg_type != SCM_RIGHTS)
				continue;
			k = (ch->cmsg_len - CMSG_LEN(0)) / sizeof(int);
			for (size_t j = 0; j < k; j++) {
				int fd;

				memcpy(&fd, CMSG_DATA(ch) + j * sizeof(int),
				       sizeof(int));
				if (*nfds < VU_MAX_REGIONS)
					fds[(*nfds)++] = fd;
				else
					close(fd);
			}
		}
		if (mh.msg_flags & MSG_CTRUNC) {
			stlmp_log(s->p, STLMP_LOG_WARNING,
				  "vhost-user: too many file descriptors");
			return -EPROTO;
		}
		if (n == 0)
			return -ECONNRESET;
		got += (size_t)n;
	}
	return 0;
}

static int vu_send_reply(struct stlmp_server *s, uint32_t req,
			 const void *pl, uint32_t size)
{
	uint8_t b[VU_HDR_SIZE + VU_MAX_PAYLOAD];
	uint32_t w[3] = { htole32(req), htole32(VU_FLAG_VERSION | VU_FLAG_REPLY),
			  htole32(size) };
	int64_t deadline = stlmp_now_ms() + VU_IO_TIMEOUT_MS;
	size_t len = VU_HDR_SIZE + size, done = 0;

	memcpy(b, w, sizeof(w));
	memcpy(b + VU_HDR_SIZE, pl, size);
	while (done < len) {
		ssize_t n = send(s->cfd, b + done, len - done,
				 MSG_DONTWAIT | MSG_NOSIGNAL);

		if (n < 0 && (errno == EAGAIN || errno == EINTR)) {
			int r = vu_wait(s, POLLOUT, deadline);

			if (r < 0)
				return r;
			continue;
		}
		if (n < 0)
			return -errno;
		done += (size_t)n;
	}
	return 0;
}

static int vu_reply_u64(struct stlmp_server *s, uint32_t req, uint64_t v)
{
	v = htole64(v);
	return vu_send_reply(s, req, &v, sizeof(v));
}

static int vu_set_mem_table(struct stlmp_server *s, const uint8_t *pl,
			    uint32_t size, int *fds, int nfds)
{
	struct vu_region nr[VU_MAX_REGIONS];
	uint32_t n;
	int k;

	if (size < 8)
		return -EPROTO;
	memcpy(&n, pl, 4);
	n = le32toh(n);
	if (n < 1 || n > VU_MAX_REGIONS || size < 8 + 32 * n ||
	    (int)n != nfds) {
		stlmp_log(s->p, STLMP_LOG_WARNING,
			  "vhost-user: SET_MEM_TABLE: %u regions, %d fds, "
			  "%u bytes", n, nfds, size);
		return -EINVAL;
	}
	for (k = 0; k < (int)n; k++) {
		const uint8_t *e = pl + 8 + 32 * k;
		struct vu_region *r = &nr[k];
		struct stat st;
		uint64_t v[4];

		memcpy(v, e, sizeof(v));
		r->gpa = le64toh(v[0]);
		r->size = le64toh(v[1]);
		r->uaddr = le64toh(v[2]);
		r->mmap_off = le64toh(v[3]);
		if (!r->size || r->gpa + r->size < r->gpa ||
		    r->uaddr + r->size < r->uaddr ||
		    r->mmap_off + r->size < r->mmap_off ||
		    r->mmap_off + r->size > SIZE_MAX / 2 ||
		    fstat(fds[k], &st) < 0 || !S_ISREG(st.st_mode) ||
		    (uint64_t)st.st_size < r->mmap_off + r->size) {
			stlmp_log(s->p, STLMP_LOG_WARNING,
				  "vhost-user: SET_MEM_TABLE: region %d "
				  "(0x%llx+0x%llx at file offset 0x%llx) is "
				  "invalid or beyond its file", k,
				  (unsigned long long)r->gpa,
				  (unsigned long long)r->size,
				  (unsigned long long)r->mmap_off);
			goto err;
		}
		r->map_len = (size_t)(r->mmap_off + r->size);
		r->map = mmap(NULL, r->map_len, PROT_READ | PROT_WRITE,
			      MAP_SHARED, fds[k], 0);
		if (r->map == MAP_FAILED) {
			stlmp_log(s->p, STLMP_LOG_WARNING,
				  "vhost-user: SET_MEM_TABLE: cannot map "
				  "region %d: %s", k, strerror(errno));
			goto err;
		}
		/* a memfd that allows it cannot shrink under us any more */
		fcntl(fds[k], F_ADD_SEALS, F_SEAL_SHRINK);
	}
	pthread_mutex_lock(&s->lock);
	vu_unmap_all(s);
	memcpy(s->region, nr, sizeof(nr[0]) * n);
	s->n_regions = n;
	for (unsigned int i = 0; i < VU_NUM_QUEUES; i++)
		s->vq[i].broken = false;
	pthread_mutex_unlock(&s->lock);
	return 0;
err:
	while (k-- > 0)
		munmap(nr[k].map, nr[k].map_len);
	return -EINVAL;
}

/* SET_VRING_KICK/CALL/ERR: the u64 index word and its fd. */
static int vu_set_vring_fd(struct stlmp_server *s, uint32_t req,
			   const uint8_t *pl, uint32_t size, int *fds,
			   int *nfds)
{
	uint64_t v;
	unsigned int qi;
	bool nofd;
	int fd = -1, *slot;

	if (size != 8)
		return -EPROTO;
	memcpy(&v, pl, 8);
	v = le64toh(v);
	qi = v & 0xff;
	nofd = v & 0x100;
	if (qi >= VU_NUM_QUEUES || (v & ~0x1ffull) ||
	    (nofd ? *nfds != 0 : *nfds != 1))
		return -EINVAL;
	if (!nofd) {
		fd = fds[0];
		*nfds = 0;
		fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
	}
	pthread_mutex_lock(&s->lock);
	slot = req == VU_SET_VRING_KICK ? &s->vq[qi].kick :
	       req == VU_SET_VRING_CALL ? &s->vq[qi].call : &s->vq[qi].err;
	vu_close(slot);
	*slot = fd;
	if (req == VU_SET_VRING_KICK)
		s->vq[qi].started = true;	/* no fd: in-band VRING_KICK */
	pthread_mutex_unlock(&s->lock);
	return 0;
}

static int vu_vring_state(const uint8_t *pl, uint32_t size, uint32_t *qi,
			  uint32_t *num)
{
	if (size != 8)
		return -EPROTO;
	memcpy(qi, pl, 4);
	memcpy(num, pl + 4, 4);
	*qi = le32toh(*qi);
	*num = le32toh(*num);
	return *qi < VU_NUM_QUEUES ? 0 : -EINVAL;
}

/*
 * One request. Returns 0 (reply sent or none needed; *ack the status of
 * an ack to send if asked), or a negative errno that ends the connection.
 */
static int vu_handle(struct stlmp_server *s, uint32_t req, const uint8_t *pl,
		     uint32_t size, int *fds, int *nfds, bool *replied,
		     bool *kick)
{
	uint32_t qi, num;
	uint64_t v;
	int r;

	switch (req) {
	case VU_GET_FEATURES:
		*replied = true;
		return vu_reply_u64(s, req, vu_features);
	case VU_GET_PROTOCOL_FEATURES:
		*replied = true;
		return vu_reply_u64(s, req, vu_protocol_features);
	case VU_GET_QUEUE_NUM:
		*replied = true;
		return vu_reply_u64(s, req, VU_NUM_QUEUES);
	case VU_SET_FEATURES:
	case VU_SET_PROTOCOL_FEATURES:
		if (size != 8)
			return -EPROTO;
		memcpy(&v, pl, 8);
		v = le64toh(v);
		if (v & ~(req == VU_SET_FEATURES ? vu_features :
						   vu_protocol_features)) {
			stlmp_log(s->p, STLMP_LOG_WARNING,
				  "vhost-user: feature bits 0x%llx not offered",
				  (unsigned long long)v);
			return -EINVAL;
		}
		pthread_mutex_lock(&s->lock);
		if (req == VU_SET_FEATURES)
			s->features = v;
		else
			s->pfeatures = v;
		pthread_mutex_unlock(&s->lock);
		if (req == VU_SET_FEATURES && !(v & (1ull << VU_F_VERSION_1)))
			stlmp_log(s->p, STLMP_LOG_WARNING,
				  "vhost-user: VIRTIO_F_VERSION_1 not "
				  "negotiated (legacy front end)");
		return 0;
	case VU_SET_OWNER:
		return 0;
	case VU_RESET_OWNER:
		pthread_mutex_lock(&s->lock);
		vu_reset_rings(s);
		pthread_mutex_unlock(&s->lock);
		return 0;
	case VU_SET_MEM_TABLE:
		r = vu_set_mem_table(s, pl, size, fds, *nfds);
		return r == -EPROTO ? r : r ? 1 : 0;
	case VU_SET_VRING_NUM:
		if ((r = vu_vring_state(pl, size, &qi, &num)) < 0)
			return r;
		if (!num || num > VU_MAX_QUEUE_SIZE || (num & (num - 1)))
			return -EINVAL;
		pthread_mutex_lock(&s->lock);
		s->vq[qi].num = num;
		s->vq[qi].broken = false;
		memset(s->pending, 0, qi == 0 ? sizeof(s->pending) : 0);
		pthread_mutex_unlock(&s->lock);
		return 0;
	case VU_SET_VRING_BASE:
		if ((r = vu_vring_state(pl, size, &qi, &num)) < 0)
			return r;
		if (num > 0xffff)
			return -EINVAL;
		pthread_mutex_lock(&s->lock);
		s->vq[qi].last_avail = s->vq[qi].used_idx = (uint16_t)num;
		s->vq[qi].broken = false;
		pthread_mutex_unlock(&s->lock);
		return 0;
	case VU_GET_VRING_BASE:
		if ((r = vu_vring_state(pl, size, &qi, &num)) < 0)
			return r;
		pthread_mutex_lock(&s->lock);
		num = s->vq[qi].last_avail;
		s->vq[qi].started = false;
		vu_close(&s->vq[qi].kick);
		if (qi == 0)
			memset(s->pending, 0, sizeof(s->pending));
		pthread_mutex_unlock(&s->lock);
		{
			uint32_t st[2] = { htole32(qi), htole32(num) };

			*replied = true;
			return vu_send_reply(s, req, st, sizeof(st));
		}
	case VU_SET_VRING_ADDR: {
		uint32_t w[2];
		uint64_t a[4];

		if (size != 40)
			return -EPROTO;
		memcpy(w, pl, 8);
		memcpy(a, pl + 8, 32);
		qi = le32toh(w[0]);
		if (qi >= VU_NUM_QUEUES)
			return -EINVAL;
		/* desc 16-, avail 2-, used 4-byte aligned (split rings) */
		if ((le64toh(a[0]) & 15) || (le64toh(a[2]) & 1) ||
		    (le64toh(a[1]) & 3))
			return 1;
		pthread_mutex_lock(&s->lock);
		s->vq[qi].desc = le64toh(a[0]);
		s->vq[qi].used = le64toh(a[1]);
		s->vq[qi].avail = le64toh(a[2]);
		s->vq[qi].addr_set = true;
		s->vq[qi].broken = false;
		pthread_mutex_unlock(&s->lock);
		return 0;
	}
	case VU_SET_VRING_KICK:
	case VU_SET_VRING_CALL:
	case VU_SET_VRING_ERR:
		r = vu_set_vring_fd(s, req, pl, size, fds, nfds);
		*kick = true;
		return r;
	case VU_SET_VRING_ENABLE:
		if ((r = vu_vring_state(pl, size, &qi, &num)) < 0)
			return r;
		pthread_mutex_lock(&s->lock);
		s->vq[qi].enabled = num != 0;
		pthread_mutex_unlock(&s->lock);
		*kick = true;
		return 0;
	case VU_VRING_KICK:
		if ((r = vu_vring_state(pl, size, &qi, &num)) < 0)
			return r;
		*kick = true;
		return 0;
	case VU_GET_CONFIG: {
		uint8_t cfg[VU_MAX_PAYLOAD] = { 0 };
		uint32_t clen;

		/* no device configuration space: zeros */
		if (size < 12)
			return -EPROTO;
		memcpy(&clen, pl + 4, 4);
		clen = le32toh(clen);
		if (clen > 256 || size != 12 + clen)
			return -EPROTO;
		memcpy(cfg, pl, 12);
		*replied = true;
		return vu_send_reply(s, req, cfg, size);
	}
	case VU_SET_BACKEND_REQ_FD:
		/* kept: closing it would tell UML the device is gone */
		if (*nfds != 1)
			return -EINVAL;
		pthread_mutex_lock(&s->lock);
		vu_close(&s->req_fd);
		s->req_fd = fds[0];
		*nfds = 0;
		pthread_mutex_unlock(&s->lock);
		return 0;
	default:
		stlmp_log(s->p, STLMP_LOG_INFO,
			  "vhost-user: request %u not supported", req);
		return 1;
	}
}

/* Read and handle one message; <0 ends the connection. */
static int vu_message(struct stlmp_server *s, bool *kick)
{
	uint8_t pl[VU_MAX_PAYLOAD];
	uint32_t w[3], req, flags, size;
	int fds[VU_MAX_REGIONS], nfds = 0, r;
	bool replied = false;

	r = vu_recv(s, w, sizeof(w), fds, &nfds);
	if (r < 0)
		goto out;
	req = le32toh(w[0]);
	flags = le32toh(w[1]);
	size = le32toh(w[2]);
	if ((flags & 3) != VU_FLAG_VERSION || size > VU_MAX_PAYLOAD) {
		stlmp_log(s->p, STLMP_LOG_WARNING,
			  "vhost-user: bad message (request %u, flags 0x%x, "
			  "%u bytes)", req, flags, size);
		r = -EPROTO;
		goto out;
	}
	r = vu_recv(s, pl, size, fds, &nfds);
	if (r < 0)
		goto out;
	r = vu_handle(s, req, pl, size, fds, &nfds, &replied, kick);
	if (r == -EINVAL) {
		/* a bad value: refused; without an ack asked for, the front
		 * end cannot know, so it is disconnected */
		stlmp_log(s->p, STLMP_LOG_WARNING,
			  "vhost-user: request %u refused%s", req,
			  (flags & VU_FLAG_NEED_REPLY) ? "" :
							": disconnecting");
		if (flags & VU_FLAG_NEED_REPLY)
			r = 1;
	}
	if (r >= 0 && !replied && (flags & VU_FLAG_NEED_REPLY))
		r = vu_reply_u64(s, req, r ? 1 : 0);
	else if (r > 0)
		r = 0;
out:
	for (int k = 0; k < nfds; k++)
		close(fds[k]);
	if (r == -EPROTO)
		stlmp_log(s->p, STLMP_LOG_WARNING,
			  "vhost-user: malformed message: disconnecting");
	return r;
}

/* ------------------------------------------------------------------ */
/* Connections and the loop                                            */

static void vu_disconnect(struct stlmp_server *s)
{
	if (s->agent)
		stlmp_agent_detach(s->agent);
	s->agent = NULL;
	pthread_mutex_lock(&s->lock);
	vu_reset_rings(s);
	vu_close(&s->cfd);
	pthread_mutex_unlock(&s->lock);
	stlmp_log(s->p, STLMP_LOG_INFO, "vhost-user: front end disconnected");
}

static void vu_accept(struct stlmp_server *s)
{
	struct stlmp_sink sink = { .send = vu_sink_send, .data = s };
	int fd = accept4(s->lfd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
	int r;

	if (fd < 0)
		return;
	if (s->cfd >= 0) {
		stlmp_log(s->p, STLMP_LOG_WARNING,
			  "vhost-user: a front end is connected already: "
			  "closing the new connection");
		close(fd);
		return;
	}
	r = stlmp_agent_attach(s->p, &sink, &s->agent);
	if (r < 0) {
		stlmp_log(s->p, STLMP_LOG_WARNING,
			  "vhost-user: front end refused: %s", strerror(-r));
		s->agent = NULL;
		close(fd);
		return;
	}
	pthread_mutex_lock(&s->lock);
	s->cfd = fd;
	pthread_mutex_unlock(&s->lock);
	stlmp_log(s->p, STLMP_LOG_INFO, "vhost-user: front end connected");
}

static void vu_drain(int fd)
{
	uint64_t v;

	while (read(fd, &v, sizeof(v)) > 0)
		;
}

static void *vu_loop(void *arg)
{
	struct stlmp_server *s = arg;
	bool more = false;

	for (;;) {
		struct pollfd pfd[3 + VU_NUM_QUEUES];
		bool kick = false;
		int n = 0, r;

		pfd[n++] = (struct pollfd){ .fd = s->stop_fd, .events = POLLIN };
		pfd[n++] = (struct pollfd){ .fd = s->lfd, .events = POLLIN };
		pfd[n++] = (struct pollfd){ .fd = s->cfd, .events = POLLIN };
		/* the kick fds change only in this thread */
		for (unsigned int i = 0; i < VU_NUM_QUEUES; i++)
			pfd[n++] = (struct pollfd){ .fd = s->vq[i].kick,
						    .events = POLLIN };
		r = poll(pfd, (nfds_t)n, more ? 0 : -1);
		if (r < 0 && errno != EINTR)
			break;
		if (r < 0)
			continue;
		if (pfd[0].revents)
			break;
		/*
		 * The front end's messages (and its EOF) first: a front end
		 * that reconnects finds the old connection gone, not busy.
		 */
		if (pfd[1].revents && (s->cfd < 0 || !pfd[2].revents))
			vu_accept(s);
		if (s->cfd >= 0 && pfd[2].fd >= 0 && pfd[2].revents) {
			r = vu_message(s, &kick);
			if (r == -ECANCELED)
				break;
			if (r < 0) {
				vu_disconnect(s);
				more = false;
				continue;
			}
		}
		for (unsigned int i = 0; i < VU_NUM_QUEUES; i++)
			if (pfd[3 + i].fd >= 0 && pfd[3 + i].revents) {
				vu_drain(pfd[3 + i].fd);
				kick = true;
			}
		if (kick || more) {
			pthread_mutex_lock(&s->lock);
			vu_eventq_flush(s);
			pthread_mutex_unlock(&s->lock);
			more = vu_cmdq_run(s);
		}
	}
	if (s->cfd >= 0)
		vu_disconnect(s);
	return NULL;
}

static int vu_start(struct stlmp_platform *p, const char *arg,
		    struct stlmp_server **ret)
{
	struct stlmp_server *s;
	int r;

	if (!arg[0] || strchr(arg, '?'))
		return -EINVAL;
	if (stlmp_platform_max_msg(p) > VU_LINUX_MAX_MSG) {
		stlmp_log(p, STLMP_LOG_ERR,
			  "vhost-user: max_msg_size %zu is more than the %u "
			  "bytes the Linux virtio SCMI transport takes: set "
			  "\"max_msg_size\" <= %u in the description",
			  stlmp_platform_max_msg(p), VU_LINUX_MAX_MSG,
			  VU_LINUX_MAX_MSG);
		return -EMSGSIZE;
	}
	if (strlen(arg) >= sizeof(s->path))
		return -ENAMETOOLONG;
	s = calloc(1, sizeof(*s));
	if (!s)
		return -ENOMEM;
	s->p = p;
	s->cfd = -1;
	s->req_fd = -1;
	s->max_msg = stlmp_platform_max_msg(p);
	for (unsigned int i = 0; i < VU_NUM_QUEUES; i++)
		s->vq[i].kick = s->vq[i].call = s->vq[i].err = -1;
	memcpy(s->path, arg, strlen(arg) + 1);
	pthread_mutex_init(&s->lock, NULL);
	s->stop_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (s->stop_fd < 0) {
		r = -errno;
		goto err_free;
	}
	r = stlmp_unix_listen(p, s->path, &s->lfd, &s->path_st);
	if (r < 0)
		goto err_stop;
	r = -pthread_create(&s->thread, NULL, vu_loop, s);
	if (r < 0)
		goto err_listen;
	*ret = s;
	return 0;

err_listen:
	close(s->lfd);
	stlmp_unix_unlink(s->path, &s->path_st);
err_stop:
	close(s->stop_fd);
err_free:
	pthread_mutex_destroy(&s->lock);
	free(s);
	return r;
}

static void vu_stop(struct stlmp_server *s)
{
	uint64_t one = 1;

	if (!s)
		return;
	if (write(s->stop_fd, &one, sizeof(one)) < 0) {
		/* an eventfd write of 1 cannot fail short of overflow */
	}
	pthread_join(s->thread, NULL);
	close(s->lfd);
	stlmp_unix_unlink(s->path, &s->path_st);
	close(s->stop_fd);
	pthread_mutex_destroy(&s->lock);
	free(s);
}

static int vu_port(const struct stlmp_server *s)
{
	(void)s;
	return -1;
}

const struct stlmp_server_ops stlmp_server_vhost = {
	.scheme = "vhost-user",
	.start = vu_start,
	.stop = vu_stop,
	.port = vu_port,
};
