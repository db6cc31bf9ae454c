// SPDX-License-Identifier: MIT
/*
 * Copyright (c) 2026 The stlm authors
 *
 * The stlmd: backend: a session served by a running stlmd through its
 * client socket (docs/daemon-protocol.md).
 *
 * Theory of operation
 * -------------------
 * Open connects a SOCK_SEQPACKET socket, says HELLO, and fills the session
 * as a direct open would: INFO into s->info, SHMTI_FDS (the daemon passes
 * the platform memory file, opened O_RDONLY, with SCM_RIGHTS; we map it
 * read-only into s->mem and point s->shmti[i].base into it: zero copy, no
 * syscall per snapshot), DES pages into a table built by the core (backend.h), the
 * interval list, then STATE pages (enabled flags and line placements as
 * the daemon's session knows them, plus the daemon's generation). From
 * then on snapshot.c, de.c and event.c work unchanged.
 *
 * Threads: a receive thread reads every message. A reply wakes the
 * request waiting on its seq (struct waiter). An event is handled there:
 * UPDATE samples go to the message cache and the event queue, LOST is
 * queued; GENERATION and RESET wake the refresh worker, which re-reads
 * STATE (GENERATION) or everything (RESET: SHMTI fds, DES, STATE; the old
 * mapping and table are retired, never unmapped before close) and only then
 * queues the event, so a reader woken by it sees the new state.
 *
 * The session's generation mirrors the daemon's: every client sees the
 * same number. Configuration is forwarded (CONFIG batches of at most
 * STLMD_MAX_CONFIG_ITEMS); the reply comes after the daemon applied it, and
 * the caller re-reads STATE before returning.
 *
 * Locking: c->lock protects the waiter list, the worker flags and the
 * retired mappings. Refreshes run under s->disc_lock (one at a time) and
 * apply under s->lock, as the SCMI backend does.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "session.h"
#include "telemetry.h"
#include "stlmd-wire.h"
#include "transport.h"

#define REQ_TIMEOUT_MS		10000	/* the daemon may wait on the platform */
#define STATE_ATTEMPTS		5
#define RETRY_MS		200

struct waiter {
	uint32_t seq;
	uint16_t type;
	uint8_t *buf;
	size_t cap;
	size_t len;
	int status;
	int fd;
	bool done;
	struct waiter *next;
};

struct mapping {
	void *base;
	size_t len;
};

struct stlmd_client {
	int fd;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	struct waiter *waiters;
	uint32_t next_seq;
	int error;		/* sticky: connection lost */
	bool privileged;
	int stop_fd;		/* eventfd: wakes the rx thread at close */

	pthread_t rx;
	bool rx_running;
	uint8_t *rx_buf;

	pthread_t worker;
	bool worker_running;
	bool stop;
	bool want_state;
	bool want_rediscover;

	struct mapping *retired;
	size_t n_retired;
	uint32_t down_logged;	/* rx thread: the state last logged */
};

static struct stlmd_client *cl(struct stlm_session *s)
{
	return s->be;
}

/*
 * A failed reply that says why (struct stlmd_down): the daemon runs but
 * its platform is unusable. Logged once per state (not per request), and
 * the request fails with -EHOSTDOWN instead of a bare -EIO. rx thread.
 */
static int platform_down(struct stlm_session *s, const uint8_t *p,
			 size_t len)
{
	static const char *const what[] = {
		[STLMD_DOWN_UNREACHABLE] = "has not reached its platform",
		[STLMD_DOWN_LOST] = "has lost its platform",
		[STLMD_DOWN_UNRESPONSIVE] = "gets no answer from its platform",
	};
	struct stlmd_client *c = cl(s);
	struct stlmd_down d;
	char retry[48] = "at the next request";

	if (stlmd_down_decode(p, len, &d) < 0)
		return -EIO;
	if (c->down_logged == d.state)
		return -EHOSTDOWN;
	c->down_logged = d.state;
	if (d.retry_ns)
		snprintf(retry, sizeof(retry), "next attempt in %.1f s",
			 (double)d.retry_ns / 1e9);
	stlm__log(s, STLM_LOG_ERR,
		  "stlmd is running but %s %s for %.1f s (last error: %s; "
		  "%u failed attempt%s); it keeps retrying, %s",
		  what[d.state], d.platform, (double)d.down_ns / 1e9,
		  d.last_err ? strerror(-d.last_err) : "none",
		  d.attempts, d.attempts == 1 ? "" : "s",
		  d.state == STLMD_DOWN_UNRESPONSIVE ?
			  "until it answers again" : retry);
	return -EHOSTDOWN;
}

static void deadline(struct timespec *ts, int ms)
{
	clock_gettime(CLOCK_MONOTONIC, ts);
	ts->tv_sec += ms / 1000;
	ts->tv_nsec += (long)(ms % 1000) * 1000000L;
	if (ts->tv_nsec >= 1000000000L) {
		ts->tv_sec++;
		ts->tv_nsec -= 1000000000L;
	}
}

/* ------------------------------------------------------------------ */
/* Requests                                                            */

/*
 * Send request type with payload req and wait for its reply: the payload
 * goes to rbuf (at most rcap bytes; longer is -EPROTO), its length to
 * *ret_len; a passed fd to *ret_fd (else -1; closed if ret_fd is NULL).
 * Returns the reply status (>= 0) or a negative errno.
 */
static int request(struct stlm_session *s, uint16_t type, const void *req,
		   size_t req_len, void *rbuf, size_t rcap, size_t *ret_len,
		   int *ret_fd)
{
	struct stlmd_client *c = cl(s);
	struct waiter w = { .type = type, .buf = rbuf, .cap = rcap, .fd = -1 };
	struct stlmd_hdr h = { .magic = STLMD_MAGIC, .type = type,
			       .len = (uint32_t)req_len };
	struct iovec iov[2] = { { &h, sizeof(h) }, { (void *)req, req_len } };
	struct msghdr m = { .msg_iov = iov, .msg_iovlen = req_len ? 2 : 1 };
	struct waiter **pp;
	struct timespec ts;
	int r = 0;

	if (sizeof(h) + req_len > STLMD_MAX_MSG)
		return -EMSGSIZE;
	pthread_mutex_lock(&c->lock);
	if (c->error) {
		r = c->error;
		pthread_mutex_unlock(&c->lock);
		return r;
	}
	if (!++c->next_seq)
		c->next_seq = 1;
	w.seq = h.seq = c->next_seq;
	w.next = c->waiters;
	c->waiters = &w;
	pthread_mutex_unlock(&c->lock);

	if (sendmsg(c->fd, &m, MSG_NOSIGNAL) < 0)
		r = errno == EPIPE ? -ECONNRESET : -errno;

	deadline(&ts, REQ_TIMEOUT_MS);
	pthread_mutex_lock(&c->lock);
	/*
	 * The daemon is gone: LOST now, not only once the receive thread
	 * sees the end of the stream (a caller checking the state right
	 * after this failure must find it LOST).
	 */
	if ((r == -ECONNRESET || r == -ENOTCONN) && !c->error) {
		c->error = r;
		pthread_cond_broadcast(&c->cond);
	}
	while (!r && !w.done && !c->error)
		if (pthread_cond_timedwait(&c->cond, &c->lock, &ts) == ETIMEDOUT)
			r = -ETIMEDOUT;
	for (pp = &c->waiters; *pp; pp = &(*pp)->next)
		if (*pp == &w) {
			*pp = w.next;
			break;
		}
	if (!r && !w.done)
		r = c->error;
	pthread_mutex_unlock(&c->lock);
	if (r < 0) {
		if (w.fd >= 0)
			close(w.fd);
		return r;
	}
	if (w.status < 0 || w.len > rcap) {
		if (w.fd >= 0)
			close(w.fd);
		return w.status < 0 ? w.status : -EPROTO;
	}
	if (ret_len)
		*ret_len = w.len;
	if (ret_fd)
		*ret_fd = w.fd;
	else if (w.fd >= 0)
		close(w.fd);
	return w.status;
}

/* ------------------------------------------------------------------ */
/* State, tables, mappings                                             */

/* Fetch the STATE pages and apply them; queue GENERATION if it moved.
 * disc_lock held. */
static int refresh_state(struct stlm_session *s, bool resync)
{
	struct stlm_table *tb = __atomic_load_n(&s->table, __ATOMIC_ACQUIRE);
	struct stlmd_de_state *st;
	uint8_t *buf;
	uint64_t gen = 0;
	int r = -EAGAIN;

	if (!tb)
		return -ENODEV;
	st = calloc(tb->n_des ? tb->n_des : 1, sizeof(*st));
	buf = malloc(STLMD_MAX_MSG);
	if (!st || !buf) {
		r = -ENOMEM;
		goto out;
	}
	for (int attempt = 0; attempt < STATE_ATTEMPTS && r == -EAGAIN;
	     attempt++) {
		uint32_t idx = 0;

		r = 0;
		do {
			struct stlmd_page_req q = {
				.index = idx,
				.flags = resync && !idx ? STLMD_STATE_RESYNC : 0,
			};
			struct stlmd_page_hdr ph;
			size_t len;

			r = request(s, STLMD_STATE, &q, sizeof(q), buf,
				    STLMD_MAX_MSG, &len, NULL);
			if (r < 0)
				break;
			/* -ESTALE: the daemon's table changed: a RESET
			 * follows. */
			r = stlmd_page_reply_check(buf, len, idx, tb->n_des,
						   sizeof(*st), &ph);
			if (r < 0)
				break;
			if (!idx) {
				gen = ph.generation;
			} else if (ph.generation != gen) {
				r = -EAGAIN; /* changed while paging: again */
				break;
			}
			memcpy(st + idx, buf + sizeof(ph), ph.n * sizeof(*st));
			idx += ph.n;
		} while (idx < tb->n_des);
	}
	if (r < 0)
		goto out;

	pthread_mutex_lock(&s->lock);
	for (uint32_t i = 0; i < tb->n_des; i++) {
		struct stlm_de *de = &tb->des[i];
		uint32_t si = st[i].shmti;

		__atomic_store_n(&de->enabled, st[i].enabled != 0,
				 __ATOMIC_RELAXED);
		__atomic_store_n(&de->ts_enabled, st[i].ts_enabled != 0,
				 __ATOMIC_RELAXED);
		if (si >= tb->n_shmti || !tb->shmti[si].base ||
		    st[i].offset >= tb->shmti[si].desc.length ||
		    st[i].blk_ts_off >= tb->shmti[si].desc.length)
			si = SCMI_TLM_SHMTI_NONE;
		de->shmti = st[i].enabled ? si : SCMI_TLM_SHMTI_NONE;
		de->offset = si == SCMI_TLM_SHMTI_NONE ? 0 : st[i].offset;
		de->blk_ts_off = si == SCMI_TLM_SHMTI_NONE ? 0 : st[i].blk_ts_off;
	}
	if (gen && gen != s->generation) {
		struct stlm_event ev = { .type = STLM_EVENT_GENERATION,
					 .generation = gen };

		s->generation = gen;
		stlm__event_push(s, &ev);
	}
	__atomic_add_fetch(&s->resync_seq, 1, __ATOMIC_RELEASE);
	pthread_mutex_unlock(&s->lock);
out:
	free(st);
	free(buf);
	return r;
}

/* INFO into s->info (counts included). */
static int fetch_info(struct stlm_session *s, struct stlmd_info *ret)
{
	struct stlmd_info in;
	struct stlm_platform_info *pi = &s->info;
	size_t len;
	int r;

	r = request(s, STLMD_INFO, NULL, 0, &in, sizeof(in), &len, NULL);
	if (r < 0)
		return r;
	if (len != sizeof(in))
		return -EPROTO;
	pthread_mutex_lock(&s->lock);
	pi->protocol_version = in.protocol_version;
	pi->base_version = in.base_version;
	memcpy(pi->vendor, in.vendor, sizeof(pi->vendor));
	pi->vendor[sizeof(pi->vendor) - 1] = 0;
	memcpy(pi->sub_vendor, in.sub_vendor, sizeof(pi->sub_vendor));
	pi->sub_vendor[sizeof(pi->sub_vendor) - 1] = 0;
	pi->impl_version = in.impl_version;
	memcpy(pi->uuid, in.uuid, sizeof(pi->uuid));
	scmi_tlm_uuid_format(pi->uuid, pi->uuid_str);
	pi->single_sample = in.caps & STLMD_CAP_SINGLE_SAMPLE;
	pi->notifications = in.caps & STLMD_CAP_NOTIFICATIONS;
	pi->per_group = in.caps & STLMD_CAP_PER_GROUP;
	pi->reset = in.caps & STLMD_CAP_RESET;
	pi->fastchannels = in.caps & STLMD_CAP_FASTCHANNELS;
	pi->default_blk_ts_rate_khz = in.default_blk_ts_rate_khz;
	pi->max_msg_size = in.max_msg_size;
	pthread_mutex_unlock(&s->lock);
	*ret = in;
	return 0;
}

/* SHMTI_FDS: map the memory file; descriptors to *ret_d (allocated). */
static int fetch_shmti(struct stlm_session *s, struct stlmd_shmti **ret_d,
		       uint32_t *ret_n, void **ret_mem, size_t *ret_size)
{
	struct stlmd_shmti_hdr sh;
	struct stlmd_shmti *d = NULL;
	uint8_t *buf = malloc(STLMD_MAX_MSG);
	void *m = NULL;
	struct stat st;
	size_t len;
	int r, fd = -1;

	if (!buf)
		return -ENOMEM;
	r = request(s, STLMD_SHMTI_FDS, NULL, 0, buf, STLMD_MAX_MSG, &len, &fd);
	if (r < 0)
		goto out;
	r = stlmd_shmti_reply_check(buf, len, fd >= 0, &sh);
	if (r < 0)
		goto out;
	d = calloc(sh.n ? sh.n : 1, sizeof(*d));
	if (!d) {
		r = -ENOMEM;
		goto out;
	}
	memcpy(d, buf + sizeof(sh), sh.n * sizeof(*d));
	if (fd >= 0) {
		if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) ||
		    st.st_size <= 0) {
			stlm__log(s, STLM_LOG_WARNING,
				  "stlmd passed an unusable memory file: SHMTIs are unreachable");
		} else {
			m = mmap(NULL, (size_t)st.st_size, PROT_READ,
				 MAP_SHARED, fd, 0);
			if (m == MAP_FAILED) {
				stlm__log(s, STLM_LOG_WARNING, "mmap: %s",
					  strerror(errno));
				m = NULL;
			} else {
				*ret_size = (size_t)st.st_size;
			}
		}
	}
	*ret_d = d;
	*ret_n = sh.n;
	*ret_mem = m;
	d = NULL;
	r = 0;
out:
	if (fd >= 0)
		close(fd);
	free(d);
	free(buf);
	return r;
}

/* Every DE descriptor (DES pages). */
static int fetch_des(struct stlm_session *s, uint32_t n_des,
		     struct scmi_tlm_de_desc **ret)
{
	struct scmi_tlm_de_desc *d = calloc(n_des ? n_des : 1, sizeof(*d));
	uint8_t *buf = malloc(STLMD_MAX_MSG);
	uint32_t idx = 0;
	int r = 0;

	if (!d || !buf) {
		r = -ENOMEM;
		goto out;
	}
	while (idx < n_des) {
		struct stlmd_page_req q = { .index = idx };
		struct stlmd_page_hdr ph;
		size_t len;

		r = request(s, STLMD_DES, &q, sizeof(q), buf, STLMD_MAX_MSG,
			    &len, NULL);
		if (r < 0)
			goto out;
		r = stlmd_page_reply_check(buf, len, idx, n_des,
					   sizeof(struct stlmd_de), &ph);
		if (r < 0)
			goto out;
		for (uint32_t i = 0; i < ph.n; i++) {
			struct stlmd_de w;
			struct scmi_tlm_de_desc *o = &d[idx + i];

			memcpy(&w, buf + sizeof(ph) + i * sizeof(w), sizeof(w));
			o->id = w.id;
			o->group_id = w.group_id;
			o->data_size = w.data_size;
			o->type = w.type;
			o->persistent = w.persistent;
			o->unit_exp = w.unit_exp;
			o->unit = w.unit;
			o->ts_support = w.ts_support;
			o->instance_id = w.instance_id;
			o->compo_instance = w.compo_instance;
			o->compo_type = w.compo_type;
			o->line_ts_rate = w.line_ts_rate;
			o->has_fc = w.has_fc;
			o->fc_addr = w.fc_addr;
			o->fc_size = w.fc_size;
			o->has_name = w.has_name;
			memcpy(o->name, w.name, sizeof(w.name));
			o->name[sizeof(o->name) - 1] = 0;
		}
		idx += ph.n;
	}
	*ret = d;
	d = NULL;
out:
	free(d);
	free(buf);
	return r;
}

/* INTERVALS of a scope into raw/v (allocated). */
static int fetch_intervals(struct stlm_session *s, uint32_t group,
			   struct scmi_tlm_interval **ret_raw,
			   struct stlm_interval **ret_v, size_t *ret_n,
			   bool *ret_range)
{
	struct stlmd_iv_req q = { .group = group };
	struct stlmd_iv_hdr ih;
	struct scmi_tlm_interval *raw = NULL;
	struct stlm_interval *v = NULL;
	uint8_t *buf = malloc(STLMD_MAX_MSG);
	size_t len;
	int r;

	if (!buf)
		return -ENOMEM;
	r = request(s, STLMD_INTERVALS, &q, sizeof(q), buf, STLMD_MAX_MSG,
		    &len, NULL);
	if (r < 0)
		goto out;
	r = stlmd_iv_reply_check(buf, len, &ih);
	if (r < 0)
		goto out;
	raw = calloc(ih.n ? ih.n : 1, sizeof(*raw));
	v = calloc(ih.n ? ih.n : 1, sizeof(*v));
	if (!raw || !v) {
		r = -ENOMEM;
		goto out;
	}
	for (uint32_t i = 0; i < ih.n; i++) {
		struct stlmd_iv w;

		memcpy(&w, buf + sizeof(ih) + i * sizeof(w), sizeof(w));
		raw[i].secs = w.secs;
		raw[i].exp = w.exp;
		v[i].secs = w.secs;
		v[i].exp = w.exp;
		v[i].ns = w.ns;
	}
	*ret_raw = raw;
	*ret_v = v;
	*ret_n = ih.n;
	*ret_range = ih.range;
	raw = NULL;
	v = NULL;
	r = 0;
out:
	free(raw);
	free(v);
	free(buf);
	return r;
}

/*
 * Everything but the state: INFO, SHMTI_FDS, DES, intervals; a new table
 * installed (the previous mapping is retired). disc_lock held.
 */
static int discover(struct stlm_session *s)
{
	struct stlmd_client *c = cl(s);
	struct scmi_tlm_de_desc *d = NULL;
	struct stlmd_shmti *sd = NULL;
	struct stlm_table *tb = NULL;
	struct stlmd_info in;
	uint32_t n_sd = 0;
	void *mem = NULL;
	size_t mem_size = 0;
	int r;

	r = fetch_info(s, &in);
	if (r < 0)
		return r;
	r = fetch_shmti(s, &sd, &n_sd, &mem, &mem_size);
	if (r < 0)
		return r;
	/* New mapping in place before the table is built (FastChannels). */
	pthread_mutex_lock(&c->lock);
	if (s->mem) {
		struct mapping *m = realloc(c->retired,
					    (c->n_retired + 1) * sizeof(*m));

		if (!m) {
			pthread_mutex_unlock(&c->lock);
			r = -ENOMEM;
			if (mem)
				munmap(mem, mem_size);
			goto out;
		}
		c->retired = m;
		m[c->n_retired].base = (void *)s->mem;
		m[c->n_retired].len = s->mem_size;
		c->n_retired++;
	}
	pthread_mutex_unlock(&c->lock);
	s->mem = mem;
	s->mem_size = mem_size;

	r = fetch_des(s, in.n_des, &d);
	if (r < 0)
		goto out;
	r = stlm__table_build(s, d, in.n_des, in.n_groups, &tb);
	if (r < 0)
		goto out;
	tb->shmti = calloc(n_sd ? n_sd : 1, sizeof(*tb->shmti));
	if (!tb->shmti) {
		r = -ENOMEM;
		goto out;
	}
	tb->n_shmti = n_sd;
	for (uint32_t i = 0; i < n_sd; i++) {
		struct stlm_shmti *sh = &tb->shmti[i];

		sh->desc.id = sd[i].id;
		sh->desc.addr = sd[i].addr;
		sh->desc.length = sd[i].length;
		if (s->mem && sd[i].length <= s->mem_size &&
		    sd[i].addr <= s->mem_size - sd[i].length)
			sh->base = s->mem + sd[i].addr;
	}
	r = fetch_intervals(s, STLM_GROUP_ALL, &tb->iv_raw, &tb->iv,
			    &tb->n_iv, &tb->iv_range);
	if (r < 0 && r != -EOPNOTSUPP)
		goto out;
	stlm__table_install(s, tb);
	tb = NULL;
	r = 0;
out:
	stlm__table_free(tb);
	free(d);
	free(sd);
	return r;
}

/* ------------------------------------------------------------------ */
/* Receive thread and refresh worker                                   */

static void fail_all(struct stlmd_client *c, int err)
{
	pthread_mutex_lock(&c->lock);
	if (!c->error)
		c->error = err;
	pthread_cond_broadcast(&c->cond);
	pthread_mutex_unlock(&c->lock);
}

/* Every DE unreadable until the worker re-learnt the platform. */
static void forget_state(struct stlm_session *s)
{
	struct stlm_table *tb = __atomic_load_n(&s->table, __ATOMIC_ACQUIRE);

	pthread_mutex_lock(&s->lock);
	for (uint32_t i = 0; tb && i < tb->n_des; i++) {
		__atomic_store_n(&tb->des[i].enabled, false, __ATOMIC_RELAXED);
		tb->des[i].shmti = SCMI_TLM_SHMTI_NONE;
		tb->des[i].msg_valid = false;
	}
	pthread_mutex_unlock(&s->lock);
}

/* p: e->n samples (checked by stlmd_event_decode()) */
static void handle_update(struct stlm_session *s, const uint8_t *p,
			  const struct stlmd_event *e)
{
	struct stlm_table *tb = __atomic_load_n(&s->table, __ATOMIC_ACQUIRE);
	struct stlm_event ev = { .type = STLM_EVENT_UPDATE,
				 .generation = e->generation };
	struct stlm_sample *v;
	size_t n = e->n;

	if (!tb)
		return;
	v = calloc(n ? n : 1, sizeof(*v));
	if (!v)
		return;
	pthread_mutex_lock(&s->lock);
	for (size_t i = 0; i < n; i++) {
		struct stlmd_sample w;
		int k;

		memcpy(&w, p + i * sizeof(w), sizeof(w));
		v[i].id = w.id;
		v[i].flags = w.flags;
		v[i].raw = w.raw;
		v[i].ts = w.ts;
		v[i].ts_rate_khz = w.ts_rate_khz;
		k = stlm__de_index(s, w.id);
		if (k >= 0) {
			struct stlm_de *de = &tb->des[k];

			v[i].value = stlm__de_value(de, w.raw);
			if (w.flags & STLM_SAMPLE_VALID) {
				de->msg_raw = w.raw;
				de->msg_ts = w.ts;
				de->msg_valid = true;
				de->msg_seq++;
			}
		}
	}
	ev.n_samples = n;
	ev.samples = v;
	stlm__event_push(s, &ev);
	pthread_mutex_unlock(&s->lock);
	free(v);
}

static void handle_event(struct stlm_session *s, const uint8_t *p, size_t len)
{
	struct stlmd_client *c = cl(s);
	struct stlmd_event e;

	if (stlmd_event_decode(p, len, &e) < 0)
		return;
	switch (e.type) {
	case STLM_EVENT_UPDATE:
		handle_update(s, p + sizeof(e), &e);
		break;
	case STLM_EVENT_LOST: {
		struct stlm_event ev = { .type = STLM_EVENT_LOST,
					 .generation = e.generation,
					 .lost = e.lost };

		stlm__event_push(s, &ev);
		break;
	}
	case STLM_EVENT_RESET:
		forget_state(s);
		pthread_mutex_lock(&c->lock);
		c->want_rediscover = true;
		pthread_cond_broadcast(&c->cond);
		pthread_mutex_unlock(&c->lock);
		break;
	case STLM_EVENT_GENERATION:
		pthread_mutex_lock(&c->lock);
		c->want_state = true;
		pthread_cond_broadcast(&c->cond);
		pthread_mutex_unlock(&c->lock);
		break;
	default:
		break;
	}
}

static void *rx_main(void *arg)
{
	struct stlm_session *s = arg;
	struct stlmd_client *c = cl(s);
	union {
		struct cmsghdr h;
		char b[CMSG_SPACE(sizeof(int))];
	} ctl;

	for (;;) {
		struct pollfd pfd[2] = { { c->fd, POLLIN, 0 },
					 { c->stop_fd, POLLIN, 0 } };
		struct iovec iov = { c->rx_buf, STLMD_MAX_MSG };
		struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1,
				    .msg_control = ctl.b,
				    .msg_controllen = sizeof(ctl.b) };
		struct stlmd_hdr h;
		struct cmsghdr *cm;
		struct waiter *w;
		ssize_t n;
		int fd = -1;

		if (poll(pfd, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			fail_all(c, -errno);
			break;
		}
		if (pfd[1].revents)
			break;
		n = recvmsg(c->fd, &m, MSG_CMSG_CLOEXEC | MSG_DONTWAIT);
		if (n < 0 && (errno == EAGAIN || errno == EINTR))
			continue;
		for (cm = n > 0 ? CMSG_FIRSTHDR(&m) : NULL; cm;
		     cm = CMSG_NXTHDR(&m, cm))
			if (cm->cmsg_level == SOL_SOCKET &&
			    cm->cmsg_type == SCM_RIGHTS &&
			    cm->cmsg_len == CMSG_LEN(sizeof(int)) && fd < 0)
				memcpy(&fd, CMSG_DATA(cm), sizeof(int));
		if (n <= 0) {
			fail_all(c, n < 0 ? -errno : -ECONNRESET);
			forget_state(s);
			break;
		}
		if (stlmd_reply_frame_decode(c->rx_buf, (size_t)n,
					     m.msg_flags & (MSG_TRUNC | MSG_CTRUNC),
					     &h) < 0) {
			if (fd >= 0)
				close(fd);
			fail_all(c, -EPROTO);
			break;
		}
		if (h.type == STLMD_EVENT) {
			if (fd >= 0)
				close(fd);
			handle_event(s, c->rx_buf + sizeof(h), h.len);
			continue;
		}
		if (h.type == STLMD_ERROR) {
			if (fd >= 0)
				close(fd);
			fail_all(c, h.status < 0 ? h.status : -EPROTO);
			break;
		}
		if (h.status == -EIO && h.len)
			h.status = platform_down(s, c->rx_buf + sizeof(h),
						 h.len);
		pthread_mutex_lock(&c->lock);
		for (w = c->waiters; w; w = w->next)
			if (w->seq == h.seq && w->type == h.type)
				break;
		if (w) {
			w->status = h.status;
			w->len = h.len;
			w->fd = fd;
			fd = -1;
			if (h.len && w->cap)
				memcpy(w->buf, c->rx_buf + sizeof(h),
				       h.len < w->cap ? h.len : w->cap);
			w->done = true;
			pthread_cond_broadcast(&c->cond);
		}
		pthread_mutex_unlock(&c->lock);
		if (fd >= 0)
			close(fd);
	}
	return NULL;
}

static void *worker_main(void *arg)
{
	struct stlm_session *s = arg;
	struct stlmd_client *c = cl(s);
	bool retry = false;

	pthread_mutex_lock(&c->lock);
	while (!c->stop) {
		bool redisc, state;
		int r = 0;

		if (!c->want_state && !c->want_rediscover) {
			pthread_cond_wait(&c->cond, &c->lock);
			continue;
		}
		if (retry) {
			struct timespec ts;

			deadline(&ts, RETRY_MS);
			while (!c->stop &&
			       pthread_cond_timedwait(&c->cond, &c->lock, &ts) !=
				       ETIMEDOUT)
				;
			if (c->stop)
				break;
		}
		redisc = c->want_rediscover;
		state = c->want_state;
		c->want_rediscover = false;
		c->want_state = false;
		pthread_mutex_unlock(&c->lock);

		pthread_mutex_lock(&s->disc_lock);
		if (redisc) {
			r = discover(s);
			if (r == 0)
				r = refresh_state(s, false);
			if (r == 0) {
				struct stlm_event ev = { .type = STLM_EVENT_RESET };

				stlm__catalog_apply(s);
				pthread_mutex_lock(&s->lock);
				ev.generation = s->generation;
				stlm__event_push(s, &ev);
				pthread_mutex_unlock(&s->lock);
			}
		} else if (state) {
			r = refresh_state(s, false);
		}
		pthread_mutex_unlock(&s->disc_lock);

		pthread_mutex_lock(&c->lock);
		/* Retry later while the daemon cannot answer (platform gone). */
		retry = r < 0 && !c->error;
		if (retry) {
			if (redisc || r == -ESTALE)
				c->want_rediscover = true;
			else
				c->want_state = true;
		}
	}
	pthread_mutex_unlock(&c->lock);
	return NULL;
}

/* ------------------------------------------------------------------ */
/* Backend entry points (backend.h)                                    */

static int stlmd_open(struct stlm_session *s, const char *uri)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct stlmd_hello hq = { .version = STLMD_PROTO_VERSION }, hr;
	struct stlmd_subscribe sub = {
		.mask = STLMD_SUB_GENERATION | STLMD_SUB_UPDATE,
	};
	struct stlmd_client *c;
	struct stlm_uri u;
	size_t len;
	int r;

	r = stlm_uri_parse(uri, &u);
	if (r < 0)
		return r;
	if (strlen(u.path) >= sizeof(sa.sun_path))
		return -ENAMETOOLONG;
	strcpy(sa.sun_path, u.path);
	c = calloc(1, sizeof(*c));
	if (!c)
		return -ENOMEM;
	c->fd = -1;
	c->stop_fd = -1;
	pthread_mutex_init(&c->lock, NULL);
	{
		pthread_condattr_t a;

		pthread_condattr_init(&a);
		pthread_condattr_setclock(&a, CLOCK_MONOTONIC);
		pthread_cond_init(&c->cond, &a);
		pthread_condattr_destroy(&a);
	}
	s->be = c;
	c->rx_buf = malloc(STLMD_MAX_MSG);
	if (!c->rx_buf)
		return -ENOMEM;
	c->stop_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (c->stop_fd < 0)
		return -errno;
	c->fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	if (c->fd < 0)
		return -errno;
	if (connect(c->fd, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		return -errno;
	r = pthread_create(&c->rx, NULL, rx_main, s);
	if (r)
		return -r;
	c->rx_running = true;

	r = request(s, STLMD_HELLO, &hq, sizeof(hq), &hr, sizeof(hr), &len,
		    NULL);
	if (r < 0)
		return r;
	if (len != sizeof(hr))
		return -EPROTO;
	if (hr.version != STLMD_PROTO_VERSION) {
		stlm__log(s, STLM_LOG_ERR, "%s: stlmd speaks protocol %u, not %u",
			  uri, hr.version, STLMD_PROTO_VERSION);
		return -EPROTONOSUPPORT;
	}
	c->privileged = hr.flags & STLMD_HELLO_PRIVILEGED;
	r = request(s, STLMD_SUBSCRIBE, &sub, sizeof(sub), NULL, 0, NULL,
		    NULL);
	if (r < 0)
		return r;
	pthread_mutex_lock(&s->disc_lock);
	r = discover(s);
	if (r == 0)
		r = refresh_state(s, false);
	if (r == 0)
		stlm__catalog_apply(s);
	pthread_mutex_unlock(&s->disc_lock);
	if (r < 0)
		return r;
	r = pthread_create(&c->worker, NULL, worker_main, s);
	if (r)
		return -r;
	c->worker_running = true;
	stlm__log(s, STLM_LOG_DEBUG,
		  "%s: %s/%s through stlmd, %u DEs, %u SHMTIs, generation %llu",
		  uri, s->info.vendor, s->info.sub_vendor, s->info.n_des,
		  s->info.n_shmti, (unsigned long long)s->generation);
	return 0;
}

static void stlmd_close(struct stlm_session *s)
{
	struct stlmd_client *c = s ? cl(s) : NULL;

	if (!c)
		return;
	if (c->worker_running) {
		pthread_mutex_lock(&c->lock);
		c->stop = true;
		pthread_cond_broadcast(&c->cond);
		pthread_mutex_unlock(&c->lock);
		pthread_join(c->worker, NULL);
	}
	if (c->rx_running) {
		uint64_t one = 1;

		if (write(c->stop_fd, &one, sizeof(one)) < 0)
			stlm__log(s, STLM_LOG_DEBUG, "stop: %s", strerror(errno));
		pthread_join(c->rx, NULL);
	}
	if (c->fd >= 0)
		close(c->fd);
	if (c->stop_fd >= 0)
		close(c->stop_fd);
	for (size_t i = 0; i < c->n_retired; i++)
		munmap(c->retired[i].base, c->retired[i].len);
	free(c->retired);
	free(c->rx_buf);
	pthread_cond_destroy(&c->cond);
	pthread_mutex_destroy(&c->lock);
	free(c);
	s->be = NULL;
}

static int stlmd_batch(struct stlm_session *s, struct stlm_batch_item *items,
		       size_t n)
{
	struct stlmd_config_item *w;
	uint8_t *buf;
	int failed = 0, r = 0;

	buf = malloc(sizeof(struct stlmd_config_hdr) +
		     STLMD_MAX_CONFIG_ITEMS * sizeof(*w));
	if (!buf)
		return -ENOMEM;
	w = (struct stlmd_config_item *)(buf + sizeof(struct stlmd_config_hdr));
	for (size_t done = 0; done < n || (!n && !done);) {
		size_t k = n - done < STLMD_MAX_CONFIG_ITEMS ?
				   n - done : STLMD_MAX_CONFIG_ITEMS;
		struct stlmd_config_hdr ch = { .n = (uint32_t)k };
		size_t len, blen = sizeof(ch) + k * sizeof(*w);

		memcpy(buf, &ch, sizeof(ch));
		for (size_t i = 0; i < k; i++) {
			const struct stlm_batch_item *it = &items[done + i];

			memset(&w[i], 0, sizeof(w[i]));
			w[i].op = (uint32_t)it->op;
			w[i].id = it->id;
			w[i].enable = it->enable;
			w[i].timestamps = it->timestamps;
		}
		r = request(s, STLMD_CONFIG, buf, blen, buf, blen, &len, NULL);
		if (r < 0)
			break;
		if (len != blen) {
			r = -EPROTO;
			break;
		}
		for (size_t i = 0; i < k; i++) {
			items[done + i].status = w[i].status > 0 ? -EPROTO :
						 w[i].status;
			if (w[i].status)
				failed++;
		}
		if (!n)
			break;
		done += k;
	}
	free(buf);
	if (r < 0)
		return r;
	/* The daemon applied it: the caller sees the new state at once. */
	pthread_mutex_lock(&s->disc_lock);
	r = refresh_state(s, false);
	pthread_mutex_unlock(&s->disc_lock);
	if (r < 0)
		stlm__log(s, STLM_LOG_DEBUG, "state after CONFIG: %s",
			  strerror(-r));
	return failed;
}

static void refresh_after(struct stlm_session *s)
{
	pthread_mutex_lock(&s->disc_lock);
	refresh_state(s, false);
	pthread_mutex_unlock(&s->disc_lock);
}

static int stlmd_coll_set(struct stlm_session *s, uint32_t group,
			  bool enable, int mode, uint64_t interval_ns)
{
	struct stlmd_coll q = { .group = group, .enable = enable, .mode = mode,
				.interval_ns = interval_ns };
	int r;

	r = request(s, STLMD_COLL_SET, &q, sizeof(q), NULL, 0, NULL, NULL);
	if (r >= 0)
		refresh_after(s);
	return r < 0 ? r : 0;
}

static int stlmd_coll_get(struct stlm_session *s, uint32_t group,
			  struct stlm_collection *ret)
{
	struct stlmd_coll q = { .group = group }, a;
	size_t len;
	int r;

	r = request(s, STLMD_COLL_GET, &q, sizeof(q), &a, sizeof(a), &len,
		    NULL);
	if (r < 0)
		return r;
	if (len != sizeof(a))
		return -EPROTO;
	ret->enabled = a.enable;
	ret->mode = a.mode;
	ret->interval.secs = a.secs;
	ret->interval.exp = a.exp;
	ret->interval.ns = a.interval_ns;
	return 0;
}

static int stlmd_reset(struct stlm_session *s)
{
	int r = request(s, STLMD_RESET, NULL, 0, NULL, 0, NULL, NULL);

	if (r >= 0)
		refresh_after(s);
	return r < 0 ? r : 0;
}

static int stlmd_group_intervals(struct stlm_session *s, uint32_t group,
				 struct stlm_group_iv *ret)
{
	return fetch_intervals(s, group, &ret->raw, &ret->v, &ret->n,
			       &ret->range);
}

static void stlmd_resync(struct stlm_session *s)
{
	uint64_t seq = __atomic_load_n(&s->resync_seq, __ATOMIC_ACQUIRE);
	int r = 0;

	pthread_mutex_lock(&s->disc_lock);
	/* Another thread resynchronised meanwhile: nothing left to do. */
	if (__atomic_load_n(&s->resync_seq, __ATOMIC_ACQUIRE) == seq)
		r = refresh_state(s, true);
	pthread_mutex_unlock(&s->disc_lock);
	if (r < 0)
		stlm__log(s, STLM_LOG_DEBUG, "stlmd resync: %s", strerror(-r));
}

/* The daemon does the single sample and passes both reply payloads. */
static int stlmd_single_sample(struct stlm_session *s, uint8_t *resp,
			       size_t resp_cap, uint8_t *dresp,
			       size_t dresp_cap, int *ret_dlen)
{
	struct stlmd_single sh;
	uint8_t *buf;
	size_t len;
	int r;

	buf = malloc(STLMD_MAX_MSG);
	if (!buf)
		return -ENOMEM;
	r = request(s, STLMD_SINGLE_SAMPLE, NULL, 0, buf, STLMD_MAX_MSG, &len,
		    NULL);
	if (r < 0)
		goto out;
	r = stlmd_single_reply_check(buf, len, resp_cap, dresp_cap, &sh);
	if (r < 0)
		goto out;
	memcpy(resp, buf + sizeof(sh), sh.resp_len);
	memcpy(dresp, buf + sizeof(sh) + sh.resp_len, sh.dresp_len);
	*ret_dlen = (int)sh.dresp_len;
	r = (int)sh.resp_len;
out:
	free(buf);
	return r;
}

static int stlmd_fetch(struct stlm_session *s, unsigned int flags,
		       const uint32_t *ids, size_t n, struct stlm_buf *buf)
{
	struct stlmd_client *c = cl(s);
	int r;

	(void)ids;
	(void)n;
	/* The daemon is gone: the session is LOST (stlmd_state()), and a
	 * take fails as on a lost platform channel, instead of serving the
	 * shared memory of a platform nobody configures for it any more. */
	pthread_mutex_lock(&c->lock);
	r = c->error;
	pthread_mutex_unlock(&c->lock);
	if (r)
		return r < 0 ? r : -ECONNRESET;
	if (flags & STLM_TAKE_SINGLE_SAMPLE)
		return stlm__single_sample_take(s, buf);
	return 0;
}

/* LOST once the daemon connection closed or broke (sticky). */
static enum stlm_state stlmd_state(struct stlm_session *s, int *ret_err)
{
	struct stlmd_client *c = cl(s);
	int r;

	pthread_mutex_lock(&c->lock);
	r = c->error;
	pthread_mutex_unlock(&c->lock);
	if (ret_err)
		*ret_err = r;
	return r ? STLM_STATE_LOST : STLM_STATE_READY;
}

const struct stlm_backend_ops stlm__backend_stlmd = {
	.name = "stlmd",
	.open = stlmd_open,
	.close = stlmd_close,
	.configure = stlmd_batch,
	.coll_set = stlmd_coll_set,
	.coll_get = stlmd_coll_get,
	.reset = stlmd_reset,
	.group_intervals = stlmd_group_intervals,
	.resync = stlmd_resync,
	.single_sample = stlmd_single_sample,
	.fetch = stlmd_fetch,
	.state = stlmd_state,
};
