// SPDX-License-Identifier: MIT
/*
 * Copyright (c) 2026 The stlm authors
 *
 * Sessions: opening a platform through a backend, the transfer core
 * (tokens, receive thread, timeouts, retries), discovery (protocol §10),
 * configuration, recovery after a platform reset, and the message cache.
 * See session.h for the theory of operation.
 */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "base.h"
#include "session.h"

/* Defaults and caps on what a platform can make us do or allocate. */
#define DEFAULT_TIMEOUT_MS	1000
#define DEFAULT_RETRIES		3
#define DELAYED_TIMEOUT_MS	2000	/* Linux waits 2 s for a delayed reply */
#define MAX_DES			2000000u
#define MAX_GROUPS		1000000u
#define MAX_INTERVALS		4096u
#define MAX_PROTOCOLS		256u
#define SCAN_ATTEMPTS		5
#define RX_CAP			(65536u + 64u)
#define SMALL_RESP		64u
#define MAX_PENDING_RAW		16u


/* ------------------------------------------------------------------ */
/* Logging and small helpers                                           */

void stlm__log(struct stlm_session *s, int level, const char *fmt, ...)
{
	va_list ap;

	if (!s || !s->opts.log)
		return;
	va_start(ap, fmt);
	s->opts.log(s->opts.log_data, level, fmt, ap);
	va_end(ap);
}

/* Decoder errors that mean "the platform broke the protocol". */
static int proto_err(int r)
{
	if (r == -EMSGSIZE || r == -E2BIG)
		return -EPROTO;
	return r;
}

/* A failure of the channel itself, not of one command. */
static bool fatal_err(int r)
{
	return r == -ECONNRESET || r == -EBUSY || r == -ENOMEM ||
	       r == -ETIMEDOUT || r == -EPIPE;
}

static void deadline_after(struct timespec *ts, int ms)
{
	clock_gettime(CLOCK_MONOTONIC, ts);
	ts->tv_sec += ms / 1000;
	ts->tv_nsec += (long)(ms % 1000) * 1000000L;
	if (ts->tv_nsec >= 1000000000L) {
		ts->tv_sec++;
		ts->tv_nsec -= 1000000000L;
	}
}

static void cond_init_mono(pthread_cond_t *c)
{
	pthread_condattr_t a;

	pthread_condattr_init(&a);
	pthread_condattr_setclock(&a, CLOCK_MONOTONIC);
	pthread_cond_init(c, &a);
	pthread_condattr_destroy(&a);
}

static void sleep_ms(unsigned int ms)
{
	struct timespec ts = { .tv_sec = ms / 1000,
			       .tv_nsec = (long)(ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

static struct stlm_table *table_get(const struct stlm_session *s)
{
	return __atomic_load_n(&s->table, __ATOMIC_ACQUIRE);
}

static uint32_t hash_id(uint32_t id)
{
	id ^= id >> 16;
	id *= 0x7feb352du;
	id ^= id >> 15;
	id *= 0x846ca68bu;
	id ^= id >> 16;
	return id;
}

static int table_lookup(const struct stlm_table *tb, uint32_t id)
{
	uint32_t h;

	if (!tb || !tb->hash)
		return -ENOENT;
	h = hash_id(id) & tb->hash_mask;
	for (uint32_t probe = 0; probe <= tb->hash_mask; probe++) {
		uint32_t v = tb->hash[h];

		if (!v)
			return -ENOENT;
		if (v - 1 < tb->n_des && tb->des[v - 1].desc.id == id)
			return (int)(v - 1);
		h = (h + 1) & tb->hash_mask;
	}
	return -ENOENT;
}

int stlm__de_index(const struct stlm_session *s, uint32_t id)
{
	if (!s)
		return -EINVAL;
	return table_lookup(table_get(s), id);
}

/* Index in tb->shmti[] of SHMTI id, or -ENOENT. */
static int shmti_index(const struct stlm_table *tb, uint32_t id)
{
	if (id < tb->n_shmti && tb->shmti[id].desc.id == id)
		return (int)id;
	for (uint32_t i = 0; i < tb->n_shmti; i++)
		if (tb->shmti[i].desc.id == id)
			return (int)i;
	return -ENOENT;
}

static bool area_in_mem(const struct stlm_session *s, uint64_t addr,
			uint64_t len)
{
	return s->mem && len <= s->mem_size && addr <= s->mem_size - len;
}

/* ------------------------------------------------------------------ */
/* Transfer core                                                       */

/* rx_lock held. Make the failure sticky and wake everyone. */
static void fail_all_locked(struct stlm_session *s, int err)
{
	if (!s->rx_error)
		s->rx_error = err;
	for (size_t i = 0; i < STLM_MAX_TOKENS; i++)
		if (s->inflight[i])
			pthread_cond_signal(&s->inflight[i]->cond);
	pthread_cond_broadcast(&s->pending_cond);
}

static void fail_all(struct stlm_session *s, int err)
{
	pthread_mutex_lock(&s->rx_lock);
	fail_all_locked(s, err);
	pthread_mutex_unlock(&s->rx_lock);
}

/* rx_lock held. */
static void pending_release(struct stlm_session *s, struct xfer *x)
{
	if (!x->pending)
		return;
	x->pending = false;
	s->n_pending--;
	pthread_cond_broadcast(&s->pending_cond);
}

static void copy_reply(struct xfer *x, bool delayed, const uint8_t *p,
		       size_t len)
{
	uint8_t *dst = delayed ? x->dresp : x->resp;
	size_t cap = delayed ? x->dresp_cap : x->resp_cap;

	if (len > cap) {
		x->overflow = true;
		len = cap;
	}
	if (len)
		memcpy(dst, p, len);
	if (delayed)
		x->dresp_len = len;
	else
		x->resp_len = len;
}

static void handle_notification(struct stlm_session *s,
				const struct scmi_hdr *h, const uint8_t *p,
				size_t len)
{
	if (h->proto == SCMI_PROTO_TELEMETRY && h->id == SCMI_TLM_UPDATE) {
		struct scmi_tlm_update u;
		int r = scmi_tlm_update_decode(p, len, &u);

		if (r < 0) {
			stlm__log(s, STLM_LOG_WARNING,
				  "dropping malformed TELEMETRY_UPDATE (%zu bytes): %s",
				  len, strerror(-r));
			return;
		}
		if (u.status_errno) {
			stlm__log(s, STLM_LOG_DEBUG,
				  "TELEMETRY_UPDATE with status %s dropped",
				  strerror(-u.status_errno));
			return;
		}
		stlm__ingest_lines(s, u.lines.lines,
				   (size_t)u.lines.num_dwords * 4, true);
		return;
	}
	if (h->proto == SCMI_PROTO_BASE && h->id == SCMI_BASE_ERROR_EVENT) {
		struct scmi_base_error_event e;

		if (scmi_base_error_event_decode(p, len, &e) == 0)
			stlm__log(s, STLM_LOG_WARNING,
				  "platform error event: agent %u, %u errors%s",
				  e.agent_id, e.count, e.fatal ? " (fatal)" : "");
		return;
	}
	stlm__log(s, STLM_LOG_DEBUG,
		  "ignoring notification 0x%x of protocol 0x%x", h->id,
		  h->proto);
}

/* Route one platform message (rx thread). */
static void dispatch(struct stlm_session *s, const uint8_t *msg, size_t len)
{
	struct scmi_hdr h;
	struct xfer *x;
	bool delayed;

	if (len < 4 || scmi_hdr_unpack(scmi_get_le32(msg), &h) < 0) {
		stlm__log(s, STLM_LOG_WARNING,
			  "dropping a message with a malformed header (%zu bytes)",
			  len);
		return;
	}
	if (h.type == SCMI_MSG_NOTIFICATION) {
		handle_notification(s, &h, msg + 4, len - 4);
		return;
	}
	delayed = h.type == SCMI_MSG_DELAYED_RESP;
	pthread_mutex_lock(&s->rx_lock);
	x = s->inflight[h.token & SCMI_TOKEN_MAX];
	if (!x || x->proto != h.proto || x->id != h.id ||
	    (!delayed && x->got_resp) ||
	    (delayed && (!x->want_delayed || x->got_delayed))) {
		pthread_mutex_unlock(&s->rx_lock);
		stlm__log(s, STLM_LOG_WARNING,
			  "dropping unmatched %s (protocol 0x%x, message 0x%x, token %u)",
			  delayed ? "delayed response" : "response", h.proto,
			  h.id, h.token);
		return;
	}
	copy_reply(x, delayed, msg + 4, len - 4);
	if (delayed) {
		x->got_delayed = true;
	} else {
		x->got_resp = true;
		pending_release(s, x);
	}
	pthread_cond_signal(&x->cond);
	pthread_mutex_unlock(&s->rx_lock);
}

static void *rx_main(void *arg)
{
	struct stlm_session *s = arg;
	struct pollfd pfd[2] = {
		{ .fd = s->t->ops->fd(s->t), .events = POLLIN },
		{ .fd = s->stop_fd, .events = POLLIN },
	};
	unsigned int idle = 0;

	for (;;) {
		int r = poll(pfd, 2, -1);

		if (__atomic_load_n(&s->rx_stop, __ATOMIC_ACQUIRE))
			break;
		if (r < 0) {
			if (errno == EINTR)
				continue;
			stlm__log(s, STLM_LOG_ERR, "poll: %s", strerror(errno));
			fail_all(s, -EIO);
			break;
		}
		if (pfd[1].revents)
			break;
		for (int k = 0; k < 256; k++) {
			int n;

			pthread_mutex_lock(&s->tx_lock);
			n = s->t->ops->recv(s->t, s->rx_buf, s->rx_cap, 0);
			pthread_mutex_unlock(&s->tx_lock);
			if (n == -ETIMEDOUT || n == -EAGAIN || n == -EINTR) {
				if (k > 0)
					break;
				if (pfd[0].revents & (POLLERR | POLLHUP | POLLNVAL))
					n = -ECONNRESET;
				else if (++idle > 100)
					sleep_ms(1); /* spurious wakeups: back off */
				if (n != -ECONNRESET)
					break;
			}
			if (n == -EMSGSIZE) {
				stlm__log(s, STLM_LOG_WARNING,
					  "dropped a platform message larger than %zu bytes",
					  s->rx_cap);
				continue;
			}
			if (n < 0) {
				stlm__log(s, n == -EBUSY ? STLM_LOG_ERR : STLM_LOG_WARNING,
					  "%s: %s", s->uri,
					  n == -EBUSY ? "another agent owns the platform" :
							strerror(-n));
				fail_all(s, n);
				return NULL;
			}
			idle = 0;
			dispatch(s, s->rx_buf, (size_t)n);
		}
	}
	return NULL;
}

/* rx_lock held: a free token, or -1. */
static int token_get(struct stlm_session *s)
{
	for (unsigned int i = 0; i < STLM_MAX_TOKENS; i++) {
		unsigned int t = (s->next_token + i) & SCMI_TOKEN_MAX;

		if (!s->inflight[t]) {
			s->next_token = (uint16_t)((t + 1) & SCMI_TOKEN_MAX);
			return (int)t;
		}
	}
	return -1;
}

/*
 * One attempt. Returns the response length or -errno; *ret_final is set
 * when the command may have taken effect and must not be retried.
 */
static int xfer_once(struct stlm_session *s, struct xfer *x,
		     const uint8_t *req, size_t req_len, bool *ret_final)
{
	uint8_t stack[256], *msg = stack;
	struct scmi_hdr h = { .id = x->id, .type = SCMI_MSG_COMMAND,
			      .proto = x->proto };
	struct timespec dl;
	int r, tok;

	if (4 + req_len > sizeof(stack)) {
		msg = malloc(4 + req_len);
		if (!msg)
			return -ENOMEM;
	}
	x->got_resp = x->got_delayed = x->overflow = false;
	x->resp_len = x->dresp_len = 0;
	deadline_after(&dl, s->timeout_ms);

	pthread_mutex_lock(&s->rx_lock);
	for (;;) {
		if (s->rx_error) {
			r = s->rx_error;
			goto out_unlock;
		}
		if (s->n_pending < s->max_pending) {
			tok = token_get(s);
			if (tok >= 0)
				break;
		}
		if (pthread_cond_timedwait(&s->pending_cond, &s->rx_lock, &dl) ==
		    ETIMEDOUT) {
			r = -ETIMEDOUT;
			goto out_unlock;
		}
	}
	x->token = (uint16_t)tok;
	x->pending = true;
	s->n_pending++;
	s->inflight[tok] = x;
	pthread_mutex_unlock(&s->rx_lock);

	h.token = (uint16_t)tok;
	scmi_put_le32(msg, scmi_hdr_pack(&h));
	if (req_len)
		memcpy(msg + 4, req, req_len);
	pthread_mutex_lock(&s->tx_lock);
	r = s->t->ops->send(s->t, msg, 4 + req_len, x->want_delayed);
	pthread_mutex_unlock(&s->tx_lock);

	pthread_mutex_lock(&s->rx_lock);
	if (r < 0) {
		if (r == -ECONNRESET || r == -EBUSY || r == -EPROTO ||
		    r == -EPIPE)
			fail_all_locked(s, r == -EPIPE ? -ECONNRESET : r);
		if (s->rx_error)
			r = s->rx_error;
		goto out_remove;
	}
	while (!x->got_resp && !s->rx_error)
		if (pthread_cond_timedwait(&x->cond, &s->rx_lock, &dl) ==
		    ETIMEDOUT)
			break;
	if (!x->got_resp) {
		r = s->rx_error ? s->rx_error : -ETIMEDOUT;
		goto out_remove;
	}
	if (x->overflow) {
		r = -EPROTO;
		goto out_remove;
	}
	r = (int)x->resp_len;
	if (x->want_delayed && x->resp_len >= 4 &&
	    scmi_get_le32(x->resp) == (uint32_t)SCMI_SUCCESS) {
		*ret_final = true;
		deadline_after(&dl, s->timeout_ms > DELAYED_TIMEOUT_MS ?
					    s->timeout_ms : DELAYED_TIMEOUT_MS);
		while (!x->got_delayed && !s->rx_error)
			if (pthread_cond_timedwait(&x->cond, &s->rx_lock, &dl) ==
			    ETIMEDOUT)
				break;
		if (!x->got_delayed)
			r = s->rx_error ? s->rx_error : -ETIMEDOUT;
		else if (x->overflow)
			r = -EPROTO;
	}
out_remove:
	if (s->inflight[x->token] == x)
		s->inflight[x->token] = NULL;
	pending_release(s, x);
	pthread_cond_broadcast(&s->pending_cond);
out_unlock:
	pthread_mutex_unlock(&s->rx_lock);
	if (msg != stack)
		free(msg);
	return r;
}

int stlm__xfer(struct stlm_session *s, uint8_t proto, uint8_t id,
	       const void *req, size_t req_len, uint8_t *resp, size_t resp_cap,
	       uint8_t *dresp, size_t dresp_cap, int *ret_dlen)
{
	struct xfer x = {
		.proto = proto,
		.id = id,
		.want_delayed = dresp != NULL,
		.resp = resp,
		.resp_cap = resp_cap,
		.dresp = dresp,
		.dresp_cap = dresp_cap,
	};
	unsigned int retries;
	int r;

	if (s && s->stlmd)
		return stlm__stlmd_xfer(s, proto, id, req, req_len, resp,
					resp_cap, dresp, dresp_cap, ret_dlen);
	if (s && s->stlmfs)
		return -EOPNOTSUPP; /* no SCMI channel behind an STLMFS tree */
	if (!s || !s->t || (req_len && !req) || !resp || resp_cap < 4)
		return -EINVAL;
	if (4 + req_len > s->t->max_msg)
		return -EMSGSIZE;
	retries = s->opts.retries;
	cond_init_mono(&x.cond);
	for (unsigned int attempt = 0;; attempt++) {
		bool final = false;

		r = xfer_once(s, &x, req, req_len, &final);
		if (r == -ETIMEDOUT && !final && attempt < retries) {
			stlm__log(s, STLM_LOG_DEBUG,
				  "protocol 0x%x message 0x%x timed out, retrying",
				  proto, id);
			continue;
		}
		if (r >= 4 && !final &&
		    (int32_t)scmi_get_le32(resp) == SCMI_BUSY &&
		    attempt < retries) {
			stlm__log(s, STLM_LOG_DEBUG,
				  "protocol 0x%x message 0x%x: BUSY, retrying",
				  proto, id);
			sleep_ms(attempt < 5 ? 1u << attempt : 32u);
			continue;
		}
		break;
	}
	pthread_cond_destroy(&x.cond);
	if (r >= 0 && ret_dlen)
		*ret_dlen = x.got_delayed ? (int)x.dresp_len : 0;
	return r;
}

/* A command with a fixed small reply. */
static int cmd(struct stlm_session *s, uint8_t proto, uint8_t id,
	       const void *req, size_t req_len, uint8_t *resp, size_t cap)
{
	return stlm__xfer(s, proto, id, req, req_len, resp, cap, NULL, 0, NULL);
}

static int tcmd(struct stlm_session *s, uint8_t id, const void *req,
		size_t req_len, uint8_t *resp, size_t cap)
{
	return cmd(s, SCMI_PROTO_TELEMETRY, id, req, req_len, resp, cap);
}

/* ------------------------------------------------------------------ */
/* Generation                                                          */

void stlm__generation_bump(struct stlm_session *s)
{
	struct stlm_event ev = { .type = STLM_EVENT_GENERATION };

	s->generation++;
	if (!s->generation)
		s->generation = 1;
	ev.generation = s->generation;
	stlm__event_push(s, &ev);
}

static void bump(struct stlm_session *s)
{
	pthread_mutex_lock(&s->lock);
	stlm__generation_bump(s);
	pthread_mutex_unlock(&s->lock);
}

STLM_API uint64_t stlm_session_generation(struct stlm_session *s)
{
	uint64_t g;

	if (!s)
		return 0;
	pthread_mutex_lock(&s->lock);
	g = s->generation;
	pthread_mutex_unlock(&s->lock);
	return g;
}

/* ------------------------------------------------------------------ */
/* Tables                                                              */

static void table_free(struct stlm_table *tb)
{
	if (!tb)
		return;
	free(tb->des);
	free(tb->hash);
	free(tb->group_members);
	free(tb->group_n);
	free(tb->group_ids);
	if (tb->group_iv) {
		for (uint32_t g = 0; g < tb->n_groups; g++) {
			free(tb->group_iv[g].raw);
			free(tb->group_iv[g].v);
		}
		free(tb->group_iv);
	}
	free(tb->shmti);
	free(tb->iv_raw);
	free(tb->iv);
	free(tb);
}

/* @lock held. Publish tb, retiring the previous table. */
static void table_install_locked(struct stlm_session *s, struct stlm_table *tb)
{
	struct stlm_table *old = s->table;

	if (old) {
		for (uint32_t i = 0; i < old->n_des; i++) {
			__atomic_store_n(&old->des[i].enabled, false,
					 __ATOMIC_RELAXED);
			old->des[i].shmti = SCMI_TLM_SHMTI_NONE;
		}
		old->next_retired = s->retired;
		s->retired = old;
	}
	s->des = tb->des;
	s->n_des = tb->n_des;
	s->hash = tb->hash;
	s->hash_mask = tb->hash_mask;
	s->group_members = tb->group_members;
	s->group_n = tb->group_n;
	s->shmti = tb->shmti;
	s->iv_raw = tb->iv_raw;
	s->iv = tb->iv;
	s->n_iv = tb->n_iv;
	s->iv_range = tb->iv_range;
	s->info.n_des = tb->n_des;
	s->info.n_groups = tb->n_groups;
	s->info.n_shmti = tb->n_shmti;
	__atomic_store_n(&s->table, tb, __ATOMIC_RELEASE);
	__atomic_store_n(&s->discovered, true, __ATOMIC_RELEASE);
}

/* ------------------------------------------------------------------ */
/* Discovery: Base and Telemetry attributes (done at open)             */

static int base_discover(struct stlm_session *s, struct stlm_platform_info *info)
{
	struct scmi_base_attrs ba;
	uint8_t r[SMALL_RESP], ids[MAX_PROTOCOLS], *buf;
	uint32_t total = 0;
	bool found = false;
	int n, k;

	n = cmd(s, SCMI_PROTO_BASE, SCMI_BASE_PROTOCOL_VERSION, NULL, 0, r,
		sizeof(r));
	if (n < 0)
		return n;
	n = scmi_u32_resp_decode(r, (size_t)n, &info->base_version);
	if (n < 0)
		return proto_err(n);
	n = cmd(s, SCMI_PROTO_BASE, SCMI_BASE_PROTOCOL_ATTRIBUTES, NULL, 0, r,
		sizeof(r));
	if (n < 0)
		return n;
	n = scmi_base_attrs_resp_decode(r, (size_t)n, &ba);
	if (n < 0)
		return proto_err(n);

	/* Linux ignores failures of the vendor queries; so do we. */
	n = cmd(s, SCMI_PROTO_BASE, SCMI_BASE_DISCOVER_VENDOR, NULL, 0, r,
		sizeof(r));
	if (n >= 0)
		n = scmi_base_name_resp_decode(r, (size_t)n, info->vendor);
	if (n < 0) {
		if (fatal_err(n))
			return n;
		info->vendor[0] = '\0';
		stlm__log(s, STLM_LOG_DEBUG, "DISCOVER_VENDOR: %s", strerror(-n));
	}
	n = cmd(s, SCMI_PROTO_BASE, SCMI_BASE_DISCOVER_SUB_VENDOR, NULL, 0, r,
		sizeof(r));
	if (n >= 0)
		n = scmi_base_name_resp_decode(r, (size_t)n, info->sub_vendor);
	if (n < 0) {
		if (fatal_err(n))
			return n;
		info->sub_vendor[0] = '\0';
		stlm__log(s, STLM_LOG_DEBUG, "DISCOVER_SUB_VENDOR: %s",
			  strerror(-n));
	}
	n = cmd(s, SCMI_PROTO_BASE, SCMI_BASE_DISCOVER_IMPLEMENTATION_VERSION,
		NULL, 0, r, sizeof(r));
	if (n >= 0)
		n = scmi_u32_resp_decode(r, (size_t)n, &info->impl_version);
	if (n < 0) {
		if (fatal_err(n))
			return n;
		info->impl_version = 0;
	}

	buf = malloc(s->rx_cap);
	if (!buf)
		return -ENOMEM;
	/* Bounded: each round adds at least one id, at most 255 ids. */
	for (unsigned int iter = 0; total < ba.num_protocols && iter < MAX_PROTOCOLS;
	     iter++) {
		uint8_t q[4];

		scmi_u32_req_encode(total, q, sizeof(q));
		n = cmd(s, SCMI_PROTO_BASE, SCMI_BASE_DISCOVER_LIST_PROTOCOLS, q,
			sizeof(q), buf, s->rx_cap);
		if (n < 0)
			break;
		k = scmi_base_list_protocols_resp_decode(buf, (size_t)n,
							 ids + total,
							 MAX_PROTOCOLS - total);
		if (k < 0) {
			n = proto_err(k);
			break;
		}
		if (k == 0)
			break;
		if ((uint32_t)k > ba.num_protocols - total) {
			stlm__log(s, STLM_LOG_WARNING,
				  "DISCOVER_LIST_PROTOCOLS returned more ids than announced");
			k = (int)(ba.num_protocols - total);
		}
		total += (uint32_t)k;
	}
	free(buf);
	if (n < 0)
		return n;
	for (uint32_t i = 0; i < total; i++)
		found |= ids[i] == SCMI_PROTO_TELEMETRY;
	if (!found) {
		stlm__log(s, STLM_LOG_ERR,
			  "the platform does not implement the Telemetry protocol");
		return -EPROTONOSUPPORT;
	}
	return 0;
}

static void info_from_attrs(struct stlm_platform_info *info,
			    const struct scmi_tlm_attrs *a)
{
	info->n_des = a->de_num;
	info->n_groups = a->groups_num;
	info->n_shmti = a->num_shmti;
	memcpy(info->uuid, a->uuid, sizeof(info->uuid));
	scmi_tlm_uuid_format(a->uuid, info->uuid_str);
	info->single_sample = a->single_sample;
	info->notifications = a->notifications;
	info->per_group = a->per_group;
	info->reset = a->reset;
	info->fastchannels = a->fastchannels;
	info->default_blk_ts_rate_khz = a->default_blk_ts_rate;
}

static int tlm_attrs(struct stlm_session *s, struct scmi_tlm_attrs *ret)
{
	uint8_t r[SMALL_RESP];
	int n;

	n = tcmd(s, SCMI_TLM_PROTOCOL_ATTRIBUTES, NULL, 0, r, sizeof(r));
	if (n < 0)
		return n;
	n = scmi_tlm_attrs_resp_decode(r, (size_t)n, ret);
	if (n < 0)
		return proto_err(n);
	if (ret->de_num > MAX_DES || ret->groups_num > MAX_GROUPS) {
		stlm__log(s, STLM_LOG_ERR,
			  "platform claims %u DEs and %u groups (limits %u, %u)",
			  ret->de_num, ret->groups_num, MAX_DES, MAX_GROUPS);
		return -EPROTO;
	}
	return 0;
}

static int tlm_discover(struct stlm_session *s, struct stlm_platform_info *info)
{
	struct scmi_tlm_attrs a;
	uint8_t r[SMALL_RESP], q[4];
	int n;

	n = tcmd(s, SCMI_TLM_PROTOCOL_VERSION, NULL, 0, r, sizeof(r));
	if (n < 0)
		return n;
	n = scmi_u32_resp_decode(r, (size_t)n, &info->protocol_version);
	if (n < 0)
		return proto_err(n);
	if (info->protocol_version > SCMI_TLM_VERSION) {
		/* As Linux: negotiate only if the platform has the command. */
		scmi_u32_req_encode(SCMI_TLM_NEGOTIATE_PROTOCOL_VERSION, q, 4);
		n = tcmd(s, SCMI_TLM_PROTOCOL_MESSAGE_ATTRIBUTES, q, 4, r,
			 sizeof(r));
		if (n >= 0)
			n = scmi_resp_status_errno(r, (size_t)n);
		if (n >= 0) {
			scmi_u32_req_encode(SCMI_TLM_VERSION, q, 4);
			n = tcmd(s, SCMI_TLM_NEGOTIATE_PROTOCOL_VERSION, q, 4, r,
				 sizeof(r));
			if (n >= 0)
				n = scmi_status_resp_decode(r, (size_t)n);
		}
		if (n < 0) {
			if (fatal_err(n))
				return n;
			stlm__log(s, STLM_LOG_WARNING,
				  "Telemetry version 0x%x could not be negotiated down: %s",
				  info->protocol_version, strerror(-n));
		}
	}
	n = tlm_attrs(s, &a);
	if (n < 0)
		return n;
	info_from_attrs(info, &a);
	return 0;
}

/* ------------------------------------------------------------------ */
/* Discovery: intervals, SHMTIs, DE descriptors                        */

static void iv_fill(struct stlm_interval *v, const struct scmi_tlm_interval *w)
{
	v->secs = w->secs;
	v->exp = w->exp;
	v->ns = scmi_tlm_interval_ns(w);
}


/*
 * LIST_UPDATE_INTERVALS for a scope. The total is taken from the first
 * reply (N + remaining), as Linux does, and capped; later pages must keep
 * index + N + remaining == total and the list ascending.
 */
static int list_intervals(struct stlm_session *s, uint8_t selector,
			  uint32_t group, struct scmi_tlm_interval **ret_raw,
			  struct stlm_interval **ret_v, size_t *ret_n,
			  bool *ret_range)
{
	struct scmi_tlm_intervals_req q = { .group_id = group,
					    .selector = selector };
	struct scmi_tlm_intervals_page pg;
	struct scmi_tlm_interval *raw = NULL, *page = NULL;
	struct stlm_interval *v = NULL;
	size_t page_cap = s->rx_cap / 4 + 1;
	uint32_t total = 0, idx = 0;
	bool range = false, first = true;
	uint8_t *buf, b[12];
	int n, r = 0;

	buf = malloc(s->rx_cap);
	page = calloc(page_cap, sizeof(*page));
	if (!buf || !page) {
		r = -ENOMEM;
		goto out;
	}
	for (unsigned int iter = 0; first || idx < total; iter++) {
		struct scmi_list_hdr h;

		if (iter > MAX_INTERVALS) {
			r = -EPROTO;
			goto out;
		}
		q.index = idx;
		scmi_tlm_intervals_req_encode(&q, b, sizeof(b));
		n = tcmd(s, SCMI_TLM_LIST_UPDATE_INTERVALS, b, sizeof(b), buf,
			 s->rx_cap);
		if (n < 0) {
			r = n;
			goto out;
		}
		n = scmi_tlm_intervals_resp_decode(buf, (size_t)n, &pg, page,
						   page_cap);
		if (n < 0) {
			r = proto_err(n);
			goto out;
		}
		if (first) {
			first = false;
			range = pg.range;
			total = pg.returned + pg.remaining;
			if (total > MAX_INTERVALS) {
				r = -EPROTO;
				goto out;
			}
			raw = calloc(total ? total : 1, sizeof(*raw));
			if (!raw) {
				r = -ENOMEM;
				goto out;
			}
		} else if (pg.range != range) {
			r = -EPROTO;
			goto out;
		}
		h.returned = pg.returned;
		h.remaining = pg.remaining;
		if (scmi_list_check(&h, idx, total) < 0 ||
		    (pg.returned == 0 && idx < total)) {
			r = -EPROTO;
			goto out;
		}
		if (idx && pg.returned && !range &&
		    scmi_tlm_interval_cmp(&raw[idx - 1], &page[0]) >= 0) {
			r = -EPROTO; /* not ascending across pages */
			goto out;
		}
		memcpy(raw + idx, page, pg.returned * sizeof(*raw));
		idx += pg.returned;
		if (pg.returned == 0)
			break;
	}
	v = calloc(total ? total : 1, sizeof(*v));
	if (!v) {
		r = -ENOMEM;
		goto out;
	}
	for (uint32_t i = 0; i < total; i++)
		iv_fill(&v[i], &raw[i]);
	*ret_raw = raw;
	*ret_v = v;
	*ret_n = total;
	*ret_range = range;
	raw = NULL;
	v = NULL;
out:
	free(buf);
	free(page);
	free(raw);
	free(v);
	return r;
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

/* LIST_SHMTI, then map and check each area. */
static int list_shmti(struct stlm_session *s, struct stlm_table *tb,
		      uint32_t n_shmti)
{
	struct scmi_tlm_shmti_desc *d = NULL;
	uint32_t idx = 0, *ids = NULL;
	uint8_t *buf = NULL, q[4];
	int n, r = 0;

	tb->n_shmti = 0;
	if (!n_shmti)
		return 0;
	d = calloc(n_shmti, sizeof(*d));
	ids = calloc(n_shmti, sizeof(*ids));
	buf = malloc(s->rx_cap);
	tb->shmti = calloc(n_shmti, sizeof(*tb->shmti));
	if (!d || !ids || !buf || !tb->shmti) {
		r = -ENOMEM;
		goto out;
	}
	/* Bounded: every accepted page adds at least one descriptor. */
	while (idx < n_shmti) {
		struct scmi_list_hdr h;

		scmi_u32_req_encode(idx, q, sizeof(q));
		n = tcmd(s, SCMI_TLM_LIST_SHMTI, q, sizeof(q), buf, s->rx_cap);
		if (n < 0) {
			r = n;
			goto out;
		}
		n = scmi_tlm_list_shmti_resp_decode(buf, (size_t)n, &h, d + idx,
						    n_shmti - idx);
		if (n < 0) {
			r = proto_err(n);
			goto out;
		}
		if (n == 0 || scmi_list_check(&h, idx, n_shmti) < 0) {
			r = -EPROTO;
			goto out;
		}
		idx += (uint32_t)n;
	}
	for (uint32_t i = 0; i < n_shmti; i++)
		ids[i] = d[i].id;
	if (n_shmti > 1)
		qsort(ids, n_shmti, sizeof(*ids), cmp_u32);
	for (uint32_t i = 1; i < n_shmti; i++) {
		if (ids[i] == ids[i - 1]) {
			stlm__log(s, STLM_LOG_ERR, "SHMTI id %u listed twice",
				  ids[i]);
			r = -EPROTO;
			goto out;
		}
	}
	for (uint32_t i = 0; i < n_shmti; i++) {
		struct stlm_shmti *sh = &tb->shmti[i];

		sh->desc = d[i];
		sh->base = NULL;
		if (!area_in_mem(s, d[i].addr, d[i].length)) {
			if (s->mem)
				stlm__log(s, STLM_LOG_WARNING,
					  "SHMTI %u at 0x%llx+%u lies outside the memory file (%zu bytes): unusable",
					  d[i].id, (unsigned long long)d[i].addr,
					  d[i].length, s->mem_size);
			continue;
		}
		r = tdcf_area_check(s->mem + d[i].addr, d[i].length);
		if (r < 0) {
			stlm__log(s, STLM_LOG_WARNING,
				  "SHMTI %u: bad TDCF header or epilogue (%s): unusable",
				  d[i].id, strerror(-r));
			r = 0;
			continue;
		}
		sh->base = s->mem + d[i].addr;
	}
	tb->n_shmti = n_shmti;
out:
	free(d);
	free(ids);
	free(buf);
	return r;
}

static int hash_insert(struct stlm_table *tb, uint32_t idx)
{
	uint32_t id = tb->des[idx].desc.id;
	uint32_t h = hash_id(id) & tb->hash_mask;

	for (uint32_t probe = 0; probe <= tb->hash_mask; probe++) {
		uint32_t v = tb->hash[h];

		if (!v) {
			tb->hash[h] = idx + 1;
			return 0;
		}
		if (tb->des[v - 1].desc.id == id)
			return -EEXIST;
		h = (h + 1) & tb->hash_mask;
	}
	return -ENOSPC;
}

/* Check one descriptor and fill its DE. */
static int de_init(struct stlm_session *s, struct stlm_table *tb,
		   uint32_t idx, const struct scmi_tlm_de_desc *d,
		   uint32_t n_groups)
{
	struct stlm_de *de = &tb->des[idx];
	int r;

	if (d->group_id != SCMI_TLM_GROUP_NONE && d->group_id >= n_groups) {
		stlm__log(s, STLM_LOG_ERR, "DE 0x%08x: group %u out of range (%u groups)",
			  d->id, d->group_id, n_groups);
		return -EPROTO;
	}
	memset(de, 0, sizeof(*de));
	de->desc = *d;
	de->index = idx;
	de->s = s;
	de->shmti = SCMI_TLM_SHMTI_NONE;
	de->scale = pow(10.0, d->unit_exp);
	if (d->data_size == 0 || d->data_size > 8)
		stlm__log(s, STLM_LOG_DEBUG,
			  "DE 0x%08x: data size %u (values are read as 64 bits)",
			  d->id, d->data_size);
	if (d->has_fc) {
		if (d->fc_size >= 16 && !(d->fc_addr & 3) &&
		    area_in_mem(s, d->fc_addr, d->fc_size))
			de->fc = s->mem + d->fc_addr;
		else if (s->mem)
			stlm__log(s, STLM_LOG_WARNING,
				  "DE 0x%08x: FastChannel at 0x%llx+%u outside the memory file or too small: unreachable",
				  d->id, (unsigned long long)d->fc_addr,
				  d->fc_size);
	}
	r = hash_insert(tb, idx);
	if (r == -EEXIST) {
		stlm__log(s, STLM_LOG_ERR, "DE id 0x%08x described twice", d->id);
		return -EPROTO;
	}
	return r;
}

/* DE_DESCRIPTION for every DE, with the hash. */
static int list_descriptions(struct stlm_session *s, struct stlm_table *tb,
			     uint32_t n_des, uint32_t n_groups)
{
	size_t page_cap = s->rx_cap / SCMI_TLM_DE_DESC_FIXED_SIZE + 1;
	struct scmi_tlm_de_desc *page = NULL;
	uint32_t idx = 0, hsize = 16;
	uint8_t *buf = NULL, q[4];
	int n, r = 0;

	while (hsize < 2 * (uint64_t)n_des)
		hsize <<= 1;
	tb->des = calloc(n_des ? n_des : 1, sizeof(*tb->des));
	tb->hash = calloc(hsize, sizeof(*tb->hash));
	tb->hash_mask = hsize - 1;
	page = calloc(page_cap, sizeof(*page));
	buf = malloc(s->rx_cap);
	if (!tb->des || !tb->hash || !page || !buf) {
		r = -ENOMEM;
		goto out;
	}
	/* Bounded: every accepted page adds at least one descriptor. */
	while (idx < n_des) {
		struct scmi_list_hdr h;
		size_t want = n_des - idx < page_cap ? n_des - idx : page_cap;

		scmi_u32_req_encode(idx, q, sizeof(q));
		n = tcmd(s, SCMI_TLM_DE_DESCRIPTION, q, sizeof(q), buf, s->rx_cap);
		if (n < 0) {
			r = n;
			goto out;
		}
		n = scmi_tlm_de_description_resp_decode(buf, (size_t)n, &h, page,
							want);
		if (n < 0) {
			stlm__log(s, STLM_LOG_ERR,
				  "DE_DESCRIPTION at index %u: %s", idx,
				  strerror(-n));
			r = proto_err(n);
			goto out;
		}
		if (n == 0 || scmi_list_check(&h, idx, n_des) < 0) {
			stlm__log(s, STLM_LOG_ERR,
				  "DE_DESCRIPTION at index %u: bad page (%u returned, %u remaining, %u DEs)",
				  idx, h.returned, h.remaining, n_des);
			r = -EPROTO;
			goto out;
		}
		for (int i = 0; i < n; i++) {
			r = de_init(s, tb, idx + (uint32_t)i, &page[i], n_groups);
			if (r < 0)
				goto out;
		}
		idx += (uint32_t)n;
	}
	tb->n_des = n_des;
out:
	free(page);
	free(buf);
	return r;
}

static int build_groups(struct stlm_table *tb, uint32_t n_groups)
{
	uint32_t *fill;
	size_t members = 0;

	tb->n_groups = n_groups;
	if (!n_groups)
		return 0;
	tb->group_members = calloc(n_groups, sizeof(*tb->group_members));
	tb->group_n = calloc(n_groups, sizeof(*tb->group_n));
	tb->group_iv = calloc(n_groups, sizeof(*tb->group_iv));
	fill = calloc(n_groups, sizeof(*fill));
	if (!tb->group_members || !tb->group_n || !tb->group_iv || !fill) {
		free(fill);
		return -ENOMEM;
	}
	for (uint32_t i = 0; i < tb->n_des; i++) {
		uint32_t g = tb->des[i].desc.group_id;

		if (g < n_groups) {
			tb->group_n[g]++;
			members++;
		}
	}
	tb->group_ids = calloc(members ? members : 1, sizeof(*tb->group_ids));
	if (!tb->group_ids) {
		free(fill);
		return -ENOMEM;
	}
	members = 0;
	for (uint32_t g = 0; g < n_groups; g++) {
		tb->group_members[g] = tb->group_ids + members;
		members += tb->group_n[g];
	}
	for (uint32_t i = 0; i < tb->n_des; i++) {
		uint32_t g = tb->des[i].desc.group_id;

		if (g < n_groups)
			tb->group_members[g][fill[g]++] = tb->des[i].desc.id;
	}
	free(fill);
	return 0;
}

/* Everything but the current state, into a new table. */
static int discover_table(struct stlm_session *s,
			  const struct stlm_platform_info *info,
			  struct stlm_table **ret)
{
	struct stlm_table *tb = calloc(1, sizeof(*tb));
	int r;

	if (!tb)
		return -ENOMEM;
	r = list_intervals(s, info->per_group ? SCMI_TLM_SEL_ORPHANS :
						SCMI_TLM_SEL_ALL,
			   SCMI_TLM_GROUP_NONE, &tb->iv_raw, &tb->iv, &tb->n_iv,
			   &tb->iv_range);
	if (r < 0) {
		if (fatal_err(r))
			goto fail;
		stlm__log(s, STLM_LOG_WARNING,
			  "LIST_UPDATE_INTERVALS: %s (no interval can be offered)",
			  strerror(-r));
		tb->n_iv = 0;
	}
	r = list_shmti(s, tb, info->n_shmti);
	if (r < 0) {
		stlm__log(s, STLM_LOG_ERR, "LIST_SHMTI: %s", strerror(-r));
		goto fail;
	}
	r = list_descriptions(s, tb, info->n_des, info->n_groups);
	if (r < 0)
		goto fail;
	r = build_groups(tb, info->n_groups);
	if (r < 0)
		goto fail;
	*ret = tb;
	return 0;
fail:
	table_free(tb);
	return r;
}

/* ------------------------------------------------------------------ */
/* Helpers of the stlmd: backend (lib/stlmd.c)                         */

int stlm__table_build(struct stlm_session *s, const struct scmi_tlm_de_desc *d,
		      uint32_t n_des, uint32_t n_groups,
		      struct stlm_table **ret)
{
	struct stlm_table *tb = calloc(1, sizeof(*tb));
	uint32_t hsize = 16;
	int r = 0;

	if (!tb)
		return -ENOMEM;
	while (hsize < 2 * (uint64_t)n_des)
		hsize <<= 1;
	tb->des = calloc(n_des ? n_des : 1, sizeof(*tb->des));
	tb->hash = calloc(hsize, sizeof(*tb->hash));
	tb->hash_mask = hsize - 1;
	if (!tb->des || !tb->hash) {
		r = -ENOMEM;
		goto fail;
	}
	for (uint32_t i = 0; i < n_des; i++) {
		r = de_init(s, tb, i, &d[i], n_groups);
		if (r < 0)
			goto fail;
	}
	tb->n_des = n_des;
	r = build_groups(tb, n_groups);
	if (r < 0)
		goto fail;
	*ret = tb;
	return 0;
fail:
	table_free(tb);
	return r;
}

void stlm__table_install(struct stlm_session *s, struct stlm_table *tb)
{
	pthread_mutex_lock(&s->lock);
	table_install_locked(s, tb);
	s->discovery_error = 0;
	pthread_mutex_unlock(&s->lock);
}

void stlm__table_free(struct stlm_table *tb)
{
	table_free(tb);
}

/* ------------------------------------------------------------------ */
/* Current state: enabled list and SHMTI scans                         */

/**
 * struct place - a DE line found by a scan
 * @idx:  DE index in its table
 * @si:   SHMTI index
 * @off:  line offset
 * @blk:  BLK_TS line offset (USE_BLK_TS lines), else 0
 * @ts:   the line carries a timestamp (TS_VALID or USE_BLK_TS)
 */
struct place {
	uint32_t idx;
	uint32_t si;
	uint32_t off;
	uint32_t blk;
	bool ts;
};

struct place_vec {
	struct place *v;
	size_t n;
	size_t cap;
};

static int place_push(struct place_vec *pv, const struct place *p)
{
	if (pv->n == pv->cap) {
		size_t cap = pv->cap ? 2 * pv->cap : 256;
		struct place *v = realloc(pv->v, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		pv->v = v;
		pv->cap = cap;
	}
	pv->v[pv->n++] = *p;
	return 0;
}

/*
 * One consistent pass over SHMTI si, appending every valid data line of a
 * known (non-FastChannel) DE. Bounded retries (Linux: 5, sleeping 0..4 ms).
 * -EAGAIN when no consistent pass was seen, -ENODEV for an unusable area.
 */
static int scan_shmti(struct stlm_table *tb, uint32_t si, struct place_vec *pv)
{
	const struct stlm_shmti *sh = &tb->shmti[si];
	size_t len = sh->desc.length;
	int r = -EAGAIN;

	if (!sh->base)
		return -ENODEV;
	for (int attempt = 0; attempt < SCAN_ATTEMPTS; attempt++) {
		size_t keep = pv->n, bytes, off = 0;
		uint32_t start, end, last_blk = 0;
		bool ok = true;

		if (attempt)
			sleep_ms((unsigned int)attempt);
		start = tdcf_read_begin(sh->base);
		if (start & 1u)
			continue;
		if (tdcf_read_line_area(sh->base, len, &bytes) < 0)
			continue;
		while (off < bytes) {
			const uint8_t *p = sh->base + TDCF_HDR_SIZE + off;
			struct tdcf_line l;
			int n = tdcf_line_parse(p, bytes - off, &l);

			if (n < 0) {
				ok = false;
				break;
			}
			if (l.type == TDCF_LINE_BLK_TS) {
				last_blk = (uint32_t)(TDCF_HDR_SIZE + off);
			} else if (l.type == TDCF_LINE_DATA && !l.invalid) {
				int idx = table_lookup(tb, l.id);
				struct place pl = {
					.si = si,
					.off = (uint32_t)(TDCF_HDR_SIZE + off),
					.blk = l.use_blk_ts ? last_blk : 0,
					.ts = l.ts_valid || l.use_blk_ts,
				};

				if (idx >= 0 && !tb->des[idx].desc.has_fc) {
					pl.idx = (uint32_t)idx;
					if (place_push(pv, &pl) < 0)
						return -ENOMEM;
				}
			}
			off += (size_t)n;
		}
		end = tdcf_read_end(sh->base, len);
		if (ok && tdcf_pass_ok(start, end))
			return 0;
		pv->n = keep;
	}
	return r;
}

/* @lock held: a digest of what the session believes the state is. */
static uint64_t state_digest(const struct stlm_session *s,
			     const struct stlm_table *tb)
{
	uint64_t h = 1469598103934665603ull;

#define MIX(x) (h = (h ^ (uint64_t)(x)) * 1099511628211ull)
	MIX(s->telemetry_on);
	MIX(s->coll_mode);
	MIX(s->coll_iv.secs);
	MIX((uint8_t)s->coll_iv.exp);
	for (uint32_t i = 0; i < tb->n_des; i++) {
		const struct stlm_de *de = &tb->des[i];

		MIX(de->enabled | de->ts_enabled << 1);
		MIX(de->shmti);
		MIX((uint64_t)de->offset << 32 | de->blk_ts_off);
	}
#undef MIX
	return h;
}

/* Reads of the whole DE_ENABLED_LIST before giving up on it. */
#define LIST_TRIES 3

/*
 * Learn the current state into table tb: CONFIG_GET, DE_ENABLED_LIST
 * (always: an earlier session may have enabled DEs while collection is
 * off; an error counts as "none") and one scan of every SHMTI. Applied
 * under @lock; with clear_msgs the message cache is dropped too.
 */
static int learn_state(struct stlm_session *s, struct stlm_table *tb,
		       bool clear_msgs, bool *ret_changed)
{
	uint64_t before;
	struct scmi_tlm_config_get_req gq = { .group_id = SCMI_TLM_GROUP_NONE,
					      .selector = SCMI_TLM_SEL_ORPHANS };
	struct scmi_tlm_config_get_resp gr = { 0 };
	struct scmi_tlm_enabled_entry *page = NULL;
	struct place_vec pv = { 0 };
	size_t page_cap = s->rx_cap / 8 + 1;
	uint8_t *mode = NULL, *buf = NULL, b[8], gresp[16];
	bool list_ok = true, cfg_ok, sat = false, unknown = false;
	uint32_t total = 0, idx = 0;
	unsigned int list_tries = 0;
	int n, r = 0;

	scmi_tlm_config_get_req_encode(&gq, b, sizeof(b));
	n = tcmd(s, SCMI_TLM_CONFIG_GET, b, 8, gresp, sizeof(gresp));
	if (n >= 0)
		n = scmi_tlm_config_get_resp_decode(gresp, (size_t)n, &gr);
	cfg_ok = n >= 0;
	if (n < 0) {
		if (fatal_err(n))
			return n;
		stlm__log(s, STLM_LOG_WARNING, "CONFIG_GET: %s", strerror(-n));
	}

	mode = calloc(tb->n_des ? tb->n_des : 1, 1);
	buf = malloc(s->rx_cap);
	page = calloc(page_cap, sizeof(*page));
	if (!mode || !buf || !page) {
		r = -ENOMEM;
		goto out;
	}
	/*
	 * The list is paged: a change of the enabled set between two pages
	 * (another agent's configuration, a platform reset) makes the pages
	 * disagree. Read it again from the start, a few times, before
	 * falling back to the SHMTI lines.
	 */
retry:
	for (unsigned int iter = 0; list_ok && (iter == 0 || idx < total); iter++) {
		struct scmi_tlm_enabled_req q = { .index = idx };
		struct scmi_list_hdr h;
		size_t want;

		scmi_tlm_enabled_req_encode(&q, b, sizeof(b));
		n = tcmd(s, SCMI_TLM_DE_ENABLED_LIST, b, 8, buf, s->rx_cap);
		if (n < 0) {
			if (fatal_err(n)) {
				r = n;
				goto out;
			}
			list_ok = false;
			break;
		}
		want = iter == 0 ? page_cap :
		       (total - idx < page_cap ? total - idx : page_cap);
		n = scmi_tlm_enabled_resp_decode(buf, (size_t)n, &h, page, want);
		if (n < 0) {
			list_ok = false;
			break;
		}
		if (iter == 0) {
			/*
			 * The total is N + remaining of the first page, unless
			 * remaining is saturated (16 bits: over 65535 entries
			 * left): then the DE count bounds it until a page
			 * reports the exact rest.
			 */
			sat = h.remaining == 0xFFFF;
			total = sat ? tb->n_des : h.returned + h.remaining;
			if (total > tb->n_des) {
				n = -EPROTO;
				list_ok = false;
				break;
			}
		}
		if (scmi_list_check(&h, idx, sat ? 0 : total) < 0 ||
		    (uint64_t)idx + h.returned > tb->n_des ||
		    (n == 0 && idx < total)) {
			n = -EPROTO;
			list_ok = false;
			break;
		}
		if (sat && h.remaining != 0xFFFF) {
			total = idx + h.returned + h.remaining;
			sat = false;
		}
		for (int i = 0; i < n; i++) {
			int k = table_lookup(tb, page[i].id);

			if (k < 0) {
				stlm__log(s, STLM_LOG_WARNING,
					  "DE_ENABLED_LIST names unknown DE 0x%08x",
					  page[i].id);
				continue;
			}
			mode[k] = page[i].mode;
		}
		idx += (uint32_t)n;
		if (n == 0)
			break;
	}
	if (!list_ok && n != -EOPNOTSUPP && ++list_tries < LIST_TRIES) {
		memset(mode, 0, tb->n_des);
		idx = 0;
		total = 0;
		sat = false;
		list_ok = true;
		goto retry;
	}
	if (!list_ok) {
		stlm__log(s, STLM_LOG_WARNING,
			  "DE_ENABLED_LIST: %s (taking the SHMTI lines as the enabled set)",
			  strerror(-n));
		memset(mode, 0, tb->n_des);
	}
	for (uint32_t si = 0; si < tb->n_shmti; si++) {
		n = scan_shmti(tb, si, &pv);
		if (n == -ENOMEM) {
			r = n;
			goto out;
		}
		if (n == -EAGAIN) {
			/* Snapshots learn them again: warn once, not at
			 * every retry. */
			stlm__log(s, __atomic_load_n(&s->placements_unknown,
						     __ATOMIC_RELAXED) ?
					     STLM_LOG_DEBUG : STLM_LOG_WARNING,
				  "SHMTI %u: no consistent pass, its placements are unknown",
				  tb->shmti[si].desc.id);
			unknown = true;
		}
	}
	__atomic_store_n(&s->placements_unknown, unknown, __ATOMIC_RELAXED);

	pthread_mutex_lock(&s->lock);
	before = state_digest(s, tb);
	if (cfg_ok) {
		if (s->telemetry_on != gr.enable || s->coll_mode != gr.mode)
			stlm__log(s, STLM_LOG_DEBUG, "telemetry is %s (mode %u)",
				  gr.enable ? "on" : "off", gr.mode);
		s->telemetry_on = gr.enable;
		s->coll_mode = gr.mode;
		s->coll_iv = gr.interval;
	}
	for (uint32_t i = 0; i < tb->n_des; i++) {
		struct stlm_de *de = &tb->des[i];

		__atomic_store_n(&de->enabled, mode[i] != 0, __ATOMIC_RELAXED);
		__atomic_store_n(&de->ts_enabled, mode[i] == 2, __ATOMIC_RELAXED);
		de->shmti = SCMI_TLM_SHMTI_NONE;
		de->offset = 0;
		de->blk_ts_off = 0;
		if (clear_msgs)
			de->msg_valid = false;
	}
	for (size_t k = 0; k < pv.n; k++) {
		struct stlm_de *de = &tb->des[pv.v[k].idx];

		if (!list_ok) {
			__atomic_store_n(&de->enabled, true, __ATOMIC_RELAXED);
			__atomic_store_n(&de->ts_enabled, pv.v[k].ts,
					 __ATOMIC_RELAXED);
		}
		if (!de->enabled)
			continue;
		de->shmti = pv.v[k].si;
		de->offset = pv.v[k].off;
		de->blk_ts_off = pv.v[k].blk;
	}
	if (ret_changed)
		*ret_changed = state_digest(s, tb) != before;
	pthread_mutex_unlock(&s->lock);
out:
	free(mode);
	free(buf);
	free(page);
	free(pv.v);
	return r;
}

/* disc_lock held. */
static int discover_locked(struct stlm_session *s)
{
	struct stlm_platform_info info;
	struct stlm_table *tb = NULL;
	int r;

	pthread_mutex_lock(&s->lock);
	info = s->info;
	pthread_mutex_unlock(&s->lock);
	r = discover_table(s, &info, &tb);
	if (r == 0) {
		r = learn_state(s, tb, true, NULL);
		if (r < 0)
			table_free(tb);
	}
	if (r < 0) {
		if (r != -EBUSY && r != -ECONNRESET)
			stlm__log(s, STLM_LOG_ERR, "discovery failed: %s",
				  strerror(-r));
		s->discovery_error = r;
		return r;
	}
	pthread_mutex_lock(&s->lock);
	table_install_locked(s, tb);
	s->discovery_error = 0;
	pthread_mutex_unlock(&s->lock);
	if (!s->opts.no_catalog)
		stlm__catalog_autoload(s);
	return 0;
}

int stlm__discover(struct stlm_session *s)
{
	int r = 0;

	if (!s)
		return -EINVAL;
	if (__atomic_load_n(&s->discovered, __ATOMIC_ACQUIRE))
		return 0;
	pthread_mutex_lock(&s->disc_lock);
	if (!s->discovered)
		r = discover_locked(s);
	pthread_mutex_unlock(&s->disc_lock);
	return r;
}

/* ------------------------------------------------------------------ */
/* Backends, open and close                                            */

/**
 * struct backend - how a URI scheme reaches a platform
 * @scheme:      URI scheme
 * @open:        set up s->t (the agent transport) for the URI
 * @max_pending: commands that may await their response at once
 *
 * unix/tcp/shm/raw speak SCMI through an agent transport. stlmd: (a
 * daemon's client socket, lib/stlmd.c) sets s->stlmd and does its whole
 * open itself; stlmfs: (an STLMFS tree, lib/stlmfs.c) likewise sets
 * s->stlmfs.
 */
struct backend {
	const char *scheme;
	int (*open)(struct stlm_session *s, const char *uri);
	unsigned int max_pending;
};

static int backend_transport_open(struct stlm_session *s, const char *uri)
{
	return stlm_transport_open(uri, &s->t);
}

static const struct backend backends[] = {
	{ "unix", backend_transport_open, STLM_MAX_TOKENS },
	{ "tcp", backend_transport_open, STLM_MAX_TOKENS },
	{ "shm", backend_transport_open, 1 },
	{ "raw", backend_transport_open, MAX_PENDING_RAW },
	{ "stlmd", stlm__stlmd_open, 0 },
	{ "stlmfs", stlm__stlmfs_open, 0 },
};

/* Map the memory file read-only. Not fatal: areas become unreachable. */
static void map_memory(struct stlm_session *s)
{
	const char *path = s->t->mem_path;
	struct stat st;
	void *m;
	int fd;

	if (!path[0]) {
		stlm__log(s, STLM_LOG_INFO,
			  "no memory file: SHMTIs and FastChannels are unreachable");
		return;
	}
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		stlm__log(s, STLM_LOG_WARNING, "%s: %s", path, strerror(errno));
		return;
	}
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_size <= 0) {
		stlm__log(s, STLM_LOG_WARNING,
			  "%s: not a non-empty regular file: SHMTIs and FastChannels are unreachable",
			  path);
		close(fd);
		return;
	}
	m = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_SHARED, fd, 0);
	close(fd);
	if (m == MAP_FAILED) {
		stlm__log(s, STLM_LOG_WARNING, "mmap %s: %s", path,
			  strerror(errno));
		return;
	}
	s->mem = m;
	s->mem_size = (size_t)st.st_size;
}

STLM_API int stlm_session_open(const char *uri,
			       const struct stlm_open_opts *opts,
			       struct stlm_session **ret)
{
	const struct backend *be = NULL;
	struct stlm_session *s;
	struct stlm_uri u;
	int r;

	if (!uri || !ret)
		return -EINVAL;
	if (opts && opts->size && opts->size < sizeof(size_t))
		return -EINVAL;
	r = stlm_uri_parse(uri, &u);
	if (r < 0)
		return r;
	for (size_t i = 0; i < ARRAY_SIZE(backends); i++)
		if (!strcmp(backends[i].scheme, u.scheme))
			be = &backends[i];

	s = calloc(1, sizeof(*s));
	if (!s)
		return -ENOMEM;
	if (opts) {
		size_t n = opts->size && opts->size < sizeof(*opts) ?
				   opts->size : sizeof(*opts);

		memcpy(&s->opts, opts, n);
	}
	s->opts.size = sizeof(s->opts);
	s->stop_fd = -1;
	s->event_fd = -1;
	s->generation = 1;
	pthread_mutex_init(&s->tx_lock, NULL);
	pthread_mutex_init(&s->rx_lock, NULL);
	pthread_mutex_init(&s->lock, NULL);
	pthread_mutex_init(&s->disc_lock, NULL);
	cond_init_mono(&s->pending_cond);
	if (s->opts.timeout_ms < 0 ||
	    (s->opts.discovery != STLM_DISCOVERY_FULL &&
	     s->opts.discovery != STLM_DISCOVERY_LAZY)) {
		r = -EINVAL;
		goto err_close;
	}
	s->timeout_ms = u.timeout_ms ? u.timeout_ms :
			s->opts.timeout_ms ? s->opts.timeout_ms :
					     DEFAULT_TIMEOUT_MS;
	if (!s->opts.retries)
		s->opts.retries = DEFAULT_RETRIES;
	s->uri = strdup(uri);
	s->rx_cap = RX_CAP;
	s->rx_buf = malloc(s->rx_cap);
	if (!s->uri || !s->rx_buf) {
		r = -ENOMEM;
		goto err_close;
	}
	r = stlm__events_init(s);
	if (r < 0)
		goto err_close;
	s->stop_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (s->stop_fd < 0) {
		r = -errno;
		goto err_close;
	}
	if (!be) {
		stlm__log(s, STLM_LOG_ERR, "%s: no backend for scheme '%s'",
			  uri, u.scheme);
		r = -EPROTONOSUPPORT;
		goto err_close;
	}
	r = be->open(s, uri);
	if (r < 0) {
		stlm__log(s, STLM_LOG_DEBUG, "%s: %s", uri, strerror(-r));
		goto err_close;
	}
	if (s->stlmd || s->stlmfs) {
		*ret = s;
		return 0;
	}
	s->max_pending = be->max_pending;
	s->info.max_msg_size = (uint32_t)s->t->max_msg;
	map_memory(s);

	r = pthread_create(&s->rx_thread, NULL, rx_main, s);
	if (r) {
		r = -r;
		goto err_close;
	}
	s->rx_running = true;

	r = base_discover(s, &s->info);
	if (r == 0)
		r = tlm_discover(s, &s->info);
	if (r < 0)
		goto err_close;
	stlm__log(s, STLM_LOG_DEBUG,
		  "%s: %s/%s, Telemetry 0x%x, %u DEs, %u groups, %u SHMTIs",
		  uri, s->info.vendor, s->info.sub_vendor,
		  s->info.protocol_version, s->info.n_des, s->info.n_groups,
		  s->info.n_shmti);
	if (s->opts.discovery == STLM_DISCOVERY_FULL) {
		r = stlm__discover(s);
		if (r < 0)
			goto err_close;
	}
	*ret = s;
	return 0;

err_close:
	stlm_session_close(s);
	return r;
}

STLM_API void stlm_session_close(struct stlm_session *s)
{
	struct stlm_table *tb;

	if (!s)
		return;
	stlm__stlmd_close(s);
	stlm__stlmfs_close(s);
	if (s->rx_running) {
		uint64_t one = 1;

		__atomic_store_n(&s->rx_stop, true, __ATOMIC_RELEASE);
		if (write(s->stop_fd, &one, sizeof(one)) < 0)
			stlm__log(s, STLM_LOG_DEBUG, "stop: %s", strerror(errno));
		pthread_join(s->rx_thread, NULL);
		s->rx_running = false;
	}
	stlm_transport_close(s->t);
	if (s->mem)
		munmap((void *)s->mem, s->mem_size);
	table_free(s->table);
	while ((tb = s->retired)) {
		s->retired = tb->next_retired;
		table_free(tb);
	}
	stlm__catalog_free(s->catalog);
	stlm__events_free(s);
	if (s->stop_fd >= 0)
		close(s->stop_fd);
	pthread_cond_destroy(&s->pending_cond);
	pthread_mutex_destroy(&s->disc_lock);
	pthread_mutex_destroy(&s->lock);
	pthread_mutex_destroy(&s->rx_lock);
	pthread_mutex_destroy(&s->tx_lock);
	free(s->rx_buf);
	free(s->uri);
	free(s);
}

STLM_API const char *stlm_session_uri(const struct stlm_session *s)
{
	if (!s) {
		errno = EINVAL;
		return NULL;
	}
	return s->uri;
}

STLM_API int stlm_session_info(struct stlm_session *s,
			       struct stlm_platform_info *ret)
{
	if (!s || !ret)
		return -EINVAL;
	pthread_mutex_lock(&s->lock);
	*ret = s->info;
	pthread_mutex_unlock(&s->lock);
	return 0;
}

/* ------------------------------------------------------------------ */
/* Configuration                                                       */

/* Valid line offset inside the line area of SHMTI sh. */
static bool line_in_area(const struct stlm_shmti *sh, uint32_t off)
{
	uint64_t end = (uint64_t)off + TDCF_LINE_SIZE;

	return off >= TDCF_HDR_SIZE && sh->desc.length >= TDCF_MIN_AREA &&
	       end <= sh->desc.length - TDCF_EPI_SIZE;
}

/*
 * Check a DE_CONFIGURE placement: shmti_id must be listed and the offsets
 * inside its line area. 0 with *ret_si = the SHMTI index (or NONE when the
 * area is unusable), or -EPROTO.
 */
static int check_placement(struct stlm_session *s, const struct stlm_table *tb,
			   uint32_t id, const struct scmi_tlm_de_configure_resp *cr,
			   uint32_t *ret_si)
{
	const struct stlm_shmti *sh;
	int si = shmti_index(tb, cr->shmti_id);

	if (si < 0) {
		stlm__log(s, STLM_LOG_ERR,
			  "DE_CONFIGURE 0x%08x: unknown SHMTI %u", id,
			  cr->shmti_id);
		return -EPROTO;
	}
	sh = &tb->shmti[si];
	if (!line_in_area(sh, cr->de_offset) ||
	    (cr->blk_ts_offset && (!line_in_area(sh, cr->blk_ts_offset) ||
				   cr->blk_ts_offset >= cr->de_offset))) {
		stlm__log(s, STLM_LOG_ERR,
			  "DE_CONFIGURE 0x%08x: line at 0x%x (BLK_TS 0x%x) outside SHMTI %u (%u bytes)",
			  id, cr->de_offset, cr->blk_ts_offset, cr->shmti_id,
			  sh->desc.length);
		return -EPROTO;
	}
	*ret_si = sh->base ? (uint32_t)si : SCMI_TLM_SHMTI_NONE;
	return 0;
}

/*
 * DE_CONFIGURE for one DE. *changed is set once the platform accepted the
 * command (even when its placement is then rejected with -EPROTO).
 */
static int de_configure(struct stlm_session *s, uint32_t id, bool enable,
			bool ts, bool *changed)
{
	struct stlm_table *tb = table_get(s);
	struct scmi_tlm_de_configure_req q = { .id = id };
	struct scmi_tlm_de_configure_resp cr;
	uint32_t si = SCMI_TLM_SHMTI_NONE;
	uint8_t b[8], r[SMALL_RESP];
	struct stlm_de *de;
	int idx, n, perr = 0;

	idx = table_lookup(tb, id);
	if (idx < 0)
		return -ENOENT;
	de = &tb->des[idx];
	/* Timestamps only where the DE has them. */
	ts = ts && enable && de->desc.ts_support != SCMI_TLM_TS_NONE;
	q.mode = !enable ? SCMI_TLM_DE_DISABLE :
		 ts	 ? SCMI_TLM_DE_ENABLE_TS :
			   SCMI_TLM_DE_ENABLE;
	scmi_tlm_de_configure_req_encode(&q, b, sizeof(b));
	n = tcmd(s, SCMI_TLM_DE_CONFIGURE, b, sizeof(b), r, sizeof(r));
	if (n < 0)
		return n;
	n = scmi_tlm_de_configure_resp_decode(r, (size_t)n, &cr);
	if (n < 0)
		return proto_err(n);
	*changed = true;
	if (enable && cr.shmti_id != SCMI_TLM_SHMTI_NONE && !de->desc.has_fc)
		perr = check_placement(s, tb, id, &cr, &si);

	pthread_mutex_lock(&s->lock);
	if (s->table == tb) {
		__atomic_store_n(&de->enabled, enable, __ATOMIC_RELAXED);
		__atomic_store_n(&de->ts_enabled, ts, __ATOMIC_RELAXED);
		de->shmti = si;
		de->offset = si != SCMI_TLM_SHMTI_NONE ? cr.de_offset : 0;
		de->blk_ts_off = si != SCMI_TLM_SHMTI_NONE ? cr.blk_ts_offset : 0;
	}
	pthread_mutex_unlock(&s->lock);
	return perr;
}

/* Scan results of SHMTIs into the placements of enabled DEs (@lock). */
static void apply_places_locked(struct stlm_table *tb,
				const struct place_vec *pv)
{
	for (size_t k = 0; k < pv->n; k++) {
		struct stlm_de *de = &tb->des[pv->v[k].idx];

		if (!de->enabled)
			continue;
		de->shmti = pv->v[k].si;
		de->offset = pv->v[k].off;
		de->blk_ts_off = pv->v[k].blk;
	}
}

/*
 * DE_CONFIGURE selector 1, then (enable) rescan the reported SHMTI to learn
 * every member's line, as Linux does; members not found there are looked
 * for in the other SHMTIs.
 */
static int group_configure(struct stlm_session *s, uint32_t group,
			   bool enable, bool ts, bool *changed)
{
	struct stlm_table *tb = table_get(s);
	struct scmi_tlm_de_configure_req q = { .id = group, .group = true };
	struct scmi_tlm_de_configure_resp cr;
	struct place_vec pv = { 0 };
	uint8_t b[8], r[SMALL_RESP];
	uint32_t si = SCMI_TLM_SHMTI_NONE;
	int n, perr = 0;

	if (!tb || group >= tb->n_groups)
		return -ENOENT;
	q.mode = !enable ? SCMI_TLM_DE_DISABLE :
		 ts	 ? SCMI_TLM_DE_ENABLE_TS :
			   SCMI_TLM_DE_ENABLE;
	scmi_tlm_de_configure_req_encode(&q, b, sizeof(b));
	n = tcmd(s, SCMI_TLM_DE_CONFIGURE, b, sizeof(b), r, sizeof(r));
	if (n < 0)
		return n;
	n = scmi_tlm_de_configure_resp_decode(r, (size_t)n, &cr);
	if (n < 0)
		return proto_err(n);
	*changed = true;
	if (enable && cr.shmti_id != SCMI_TLM_SHMTI_NONE)
		perr = check_placement(s, tb, group, &cr, &si);
	if (si != SCMI_TLM_SHMTI_NONE) {
		n = scan_shmti(tb, si, &pv);
		if (n < 0) {
			stlm__log(s, STLM_LOG_WARNING,
				  "group %u: rescan of SHMTI %u failed: %s", group,
				  cr.shmti_id, strerror(-n));
			perr = n == -ENOMEM ? n : -EPROTO;
		}
	}

	pthread_mutex_lock(&s->lock);
	if (s->table == tb) {
		size_t missing = 0;

		for (size_t i = 0; i < tb->group_n[group]; i++) {
			int k = table_lookup(tb, tb->group_members[group][i]);
			struct stlm_de *de;

			if (k < 0)
				continue;
			de = &tb->des[k];
			__atomic_store_n(&de->enabled, enable, __ATOMIC_RELAXED);
			__atomic_store_n(&de->ts_enabled,
					 enable && ts &&
					 de->desc.ts_support != SCMI_TLM_TS_NONE,
					 __ATOMIC_RELAXED);
			de->shmti = SCMI_TLM_SHMTI_NONE;
			de->offset = 0;
			de->blk_ts_off = 0;
		}
		apply_places_locked(tb, &pv);
		for (size_t i = 0; enable && i < tb->group_n[group]; i++) {
			int k = table_lookup(tb, tb->group_members[group][i]);

			if (k >= 0 && !tb->des[k].desc.has_fc &&
			    tb->des[k].shmti == SCMI_TLM_SHMTI_NONE)
				missing++;
		}
		pthread_mutex_unlock(&s->lock);
		if (missing && si != SCMI_TLM_SHMTI_NONE && perr == 0) {
			/* Message-only members, or lines in other SHMTIs. */
			pv.n = 0;
			for (uint32_t o = 0; o < tb->n_shmti; o++)
				if (o != si && scan_shmti(tb, o, &pv) == -ENOMEM)
					perr = -ENOMEM;
			pthread_mutex_lock(&s->lock);
			if (s->table == tb) {
				for (size_t k = 0; k < pv.n; k++) {
					struct stlm_de *de = &tb->des[pv.v[k].idx];

					if (de->desc.group_id == group &&
					    de->shmti == SCMI_TLM_SHMTI_NONE) {
						de->shmti = pv.v[k].si;
						de->offset = pv.v[k].off;
						de->blk_ts_off = pv.v[k].blk;
					}
				}
			}
			pthread_mutex_unlock(&s->lock);
		}
	} else {
		pthread_mutex_unlock(&s->lock);
	}
	free(pv.v);
	return perr;
}

/* DE_CONFIGURE disable_all. */
static int all_disable(struct stlm_session *s, bool *changed)
{
	struct scmi_tlm_de_configure_req q = { .disable_all = true };
	struct stlm_table *tb = table_get(s);
	uint8_t b[8], r[SMALL_RESP];
	int n;

	scmi_tlm_de_configure_req_encode(&q, b, sizeof(b));
	n = tcmd(s, SCMI_TLM_DE_CONFIGURE, b, sizeof(b), r, sizeof(r));
	if (n < 0)
		return n;
	/* Linux ignores whatever follows the status here. */
	n = scmi_resp_status_errno(r, (size_t)n);
	if (n < 0)
		return n;
	*changed = true;
	pthread_mutex_lock(&s->lock);
	for (uint32_t i = 0; tb && i < tb->n_des; i++) {
		struct stlm_de *de = &tb->des[i];

		__atomic_store_n(&de->enabled, false, __ATOMIC_RELAXED);
		__atomic_store_n(&de->ts_enabled, false, __ATOMIC_RELAXED);
		de->shmti = SCMI_TLM_SHMTI_NONE;
		de->offset = 0;
		de->blk_ts_off = 0;
	}
	pthread_mutex_unlock(&s->lock);
	return 0;
}

/* Enable every DE one by one; stops at the first error. */
static int all_enable(struct stlm_session *s, bool ts, bool *changed)
{
	struct stlm_table *tb = table_get(s);

	for (uint32_t i = 0; tb && i < tb->n_des; i++) {
		int r = de_configure(s, tb->des[i].desc.id, true, ts, changed);

		if (r < 0)
			return r;
	}
	return 0;
}

/* One configuration item through the daemon (stlmd: sessions). */
static int remote_one(struct stlm_session *s, int op, uint32_t id, bool en,
		      bool ts)
{
	struct stlm_batch_item it = {
		.op = op, .id = id, .enable = en, .timestamps = ts,
	};
	int r = s->stlmfs ? stlm__stlmfs_batch(s, &it, 1) :
			    stlm__stlmd_batch(s, &it, 1);

	return r < 0 ? r : it.status;
}

/* One configuration change of any kind (DE, group, all). */
static int configure_item(struct stlm_session *s, int op, uint32_t id,
			  bool enable, bool timestamps, bool *changed)
{
	switch (op) {
	case STLM_BATCH_DE:
		return de_configure(s, id, enable, timestamps, changed);
	case STLM_BATCH_GROUP:
		return group_configure(s, id, enable, timestamps, changed);
	case STLM_BATCH_ALL:
		return enable ? all_enable(s, timestamps, changed) :
				all_disable(s, changed);
	default:
		return -EINVAL;
	}
}

/* stlm_de_set / stlm_group_set / stlm_all_set. */
static int set_one(struct stlm_session *s, int op, uint32_t id, bool enable,
		   bool timestamps)
{
	bool changed = false;
	int r;

	if (!s)
		return -EINVAL;
	if (s->stlmd || s->stlmfs)
		return remote_one(s, op, id, enable, timestamps);
	r = stlm__discover(s);
	if (r < 0)
		return r;
	r = configure_item(s, op, id, enable, timestamps, &changed);
	if (changed)
		bump(s);
	return r;
}

STLM_API int stlm_de_set(struct stlm_session *s, uint32_t id, bool enable,
			 bool timestamps)
{
	return set_one(s, STLM_BATCH_DE, id, enable, timestamps);
}

STLM_API int stlm_group_set(struct stlm_session *s, uint32_t group,
			    bool enable, bool timestamps)
{
	return set_one(s, STLM_BATCH_GROUP, group, enable, timestamps);
}

STLM_API int stlm_all_set(struct stlm_session *s, bool enable,
			  bool timestamps)
{
	return set_one(s, STLM_BATCH_ALL, 0, enable, timestamps);
}

STLM_API int stlm_batch_apply(struct stlm_session *s,
			      struct stlm_batch_item *items, size_t n)
{
	bool changed = false;
	int r, failed = 0;

	if (!s || (n && !items))
		return -EINVAL;
	if (s->stlmd)
		return stlm__stlmd_batch(s, items, n);
	if (s->stlmfs)
		return stlm__stlmfs_batch(s, items, n);
	r = stlm__discover(s);
	if (r < 0)
		return r;
	pthread_mutex_lock(&s->rx_lock);
	r = s->rx_error;
	pthread_mutex_unlock(&s->rx_lock);
	if (r < 0)
		return r;
	for (size_t i = 0; i < n; i++) {
		struct stlm_batch_item *it = &items[i];

		r = configure_item(s, it->op, it->id, it->enable,
				   it->timestamps, &changed);
		it->status = r < 0 ? r : 0;
		if (r < 0)
			failed++;
	}
	if (changed)
		bump(s);
	return failed;
}

/* ------------------------------------------------------------------ */
/* Collection                                                          */

int stlm__group_intervals(struct stlm_session *s, uint32_t group,
			  struct stlm_intervals *ret)
{
	struct stlm_table *tb = table_get(s);
	struct stlm_group_iv *gi, fresh = { 0 };
	int r;

	if (!tb || group >= tb->n_groups)
		return -ENOENT;
	if (!s->info.per_group)
		return -EOPNOTSUPP;
	gi = &tb->group_iv[group];
	pthread_mutex_lock(&s->lock);
	if (gi->fetched) {
		ret->range = gi->range;
		ret->n = gi->n;
		ret->v = gi->v;
		pthread_mutex_unlock(&s->lock);
		return 0;
	}
	pthread_mutex_unlock(&s->lock);
	if (s->stlmd)
		r = stlm__stlmd_group_intervals(s, group, &fresh);
	else if (s->stlmfs)
		r = stlm__stlmfs_group_intervals(s, group, &fresh);
	else
		r = list_intervals(s, SCMI_TLM_SEL_GROUP, group, &fresh.raw,
				   &fresh.v, &fresh.n, &fresh.range);
	if (r < 0)
		return r;
	pthread_mutex_lock(&s->lock);
	if (!gi->fetched) {
		*gi = fresh;
		gi->fetched = true;
		fresh.raw = NULL;
		fresh.v = NULL;
	}
	ret->range = gi->range;
	ret->n = gi->n;
	ret->v = gi->v;
	pthread_mutex_unlock(&s->lock);
	free(fresh.raw);
	free(fresh.v);
	return 0;
}

static bool interval_listed(const struct stlm_intervals *l,
			    const struct scmi_tlm_interval *iv)
{
	uint64_t x = scmi_tlm_interval_ns(iv);

	if (l->range) {
		uint64_t lo, hi, step;

		if (l->n != 3)
			return false;
		lo = l->v[0].ns;
		hi = l->v[1].ns;
		step = l->v[2].ns;
		if (x < lo || x > hi || x == 0)
			return false;
		return step == 0 || (x - lo) % step == 0;
	}
	for (size_t i = 0; i < l->n; i++) {
		struct scmi_tlm_interval w = { l->v[i].secs, l->v[i].exp };

		if (scmi_tlm_interval_cmp(&w, iv) == 0)
			return true;
	}
	return false;
}

/* Scope of a collection call: selector and group word. */
static int coll_scope(struct stlm_session *s, uint32_t group,
		      uint8_t *ret_sel, uint32_t *ret_gid)
{
	struct stlm_table *tb = table_get(s);

	if (group == STLM_GROUP_ALL) {
		*ret_sel = SCMI_TLM_SEL_ALL;
		*ret_gid = SCMI_TLM_GROUP_NONE;
		return 0;
	}
	if (group == STLM_GROUP_NONE) {
		if (!s->info.per_group)
			return -EOPNOTSUPP;
		*ret_sel = SCMI_TLM_SEL_ORPHANS;
		*ret_gid = SCMI_TLM_GROUP_NONE;
		return 0;
	}
	if (!tb || group >= tb->n_groups)
		return -ENOENT;
	if (!s->info.per_group)
		return -EOPNOTSUPP;
	*ret_sel = SCMI_TLM_SEL_GROUP;
	*ret_gid = group;
	return 0;
}

static int config_get(struct stlm_session *s, uint8_t sel, uint32_t gid,
		      struct scmi_tlm_config_get_resp *ret)
{
	struct scmi_tlm_config_get_req q = { .group_id = gid };
	uint8_t b[8], r[SMALL_RESP];
	int n;

	/* Instance-wide state is read with selector 0, as Linux does. */
	q.selector = sel == SCMI_TLM_SEL_GROUP ? SCMI_TLM_SEL_GROUP :
						 SCMI_TLM_SEL_ORPHANS;
	scmi_tlm_config_get_req_encode(&q, b, sizeof(b));
	n = tcmd(s, SCMI_TLM_CONFIG_GET, b, sizeof(b), r, sizeof(r));
	if (n < 0)
		return n;
	n = scmi_tlm_config_get_resp_decode(r, (size_t)n, ret);
	return n < 0 ? proto_err(n) : 0;
}

STLM_API int stlm_collection_set(struct stlm_session *s, uint32_t group,
				 bool enable, int mode, uint64_t interval_ns)
{
	struct scmi_tlm_config_set_req q = { 0 };
	struct scmi_tlm_interval iv = { 0 };
	uint8_t b[12], r[SMALL_RESP];
	uint32_t gid;
	uint8_t sel;
	int n;

	if (!s || (mode != STLM_MODE_ON_DEMAND && mode != STLM_MODE_NOTIFY))
		return -EINVAL;
	if (s->stlmd)
		return stlm__stlmd_coll_set(s, group, enable, mode,
					    interval_ns);
	if (s->stlmfs)
		return stlm__stlmfs_coll_set(s, group, enable, mode,
					     interval_ns);
	n = stlm__discover(s);
	if (n < 0)
		return n;
	n = coll_scope(s, group, &sel, &gid);
	if (n < 0)
		return n;
	if (enable && mode == STLM_MODE_NOTIFY && !s->info.notifications)
		return -EOPNOTSUPP;
	if (interval_ns) {
		struct stlm_intervals l = { 0 };

		if (scmi_tlm_interval_from_ns(interval_ns, &iv) < 0)
			return -ERANGE;
		if (sel == SCMI_TLM_SEL_GROUP) {
			n = stlm__group_intervals(s, group, &l);
			if (n < 0)
				return n;
		} else {
			pthread_mutex_lock(&s->lock);
			l.range = s->iv_range;
			l.n = s->n_iv;
			l.v = s->iv;
			pthread_mutex_unlock(&s->lock);
		}
		if (!interval_listed(&l, &iv))
			return -ERANGE;
	} else if (enable && sel == SCMI_TLM_SEL_ALL && s->coll_iv_pending) {
		/* The interval chosen while collection was off. */
		pthread_mutex_lock(&s->lock);
		iv = s->coll_iv_next;
		pthread_mutex_unlock(&s->lock);
	} else {
		/* Keep the current interval: ask the platform for it. */
		struct scmi_tlm_config_get_resp cur;

		n = config_get(s, sel, gid, &cur);
		if (n < 0) {
			if (fatal_err(n))
				return n;
			pthread_mutex_lock(&s->lock);
			cur.interval = s->coll_iv;
			pthread_mutex_unlock(&s->lock);
		}
		iv = cur.interval;
	}
	q.group_id = gid;
	q.enable = enable;
	q.mode = (uint8_t)mode;
	q.selector = sel;
	q.interval = iv;
	n = scmi_tlm_config_set_req_encode(&q, b, sizeof(b));
	if (n < 0)
		return n == -ERANGE ? -ERANGE : -EINVAL;
	n = tcmd(s, SCMI_TLM_CONFIG_SET, b, sizeof(b), r, sizeof(r));
	if (n < 0)
		return n;
	n = scmi_status_resp_decode(r, (size_t)n);
	if (n < 0)
		return proto_err(n);
	pthread_mutex_lock(&s->lock);
	if (sel == SCMI_TLM_SEL_ALL) {
		s->telemetry_on = enable;
		if (enable) {
			s->coll_mode = (uint8_t)mode;
			s->coll_iv = iv;
			s->coll_iv_pending = false;
		} else if (interval_ns) {
			s->coll_iv_next = iv;
			s->coll_iv_pending = true;
		}
	}
	stlm__generation_bump(s);
	pthread_mutex_unlock(&s->lock);
	return 0;
}

STLM_API int stlm_collection_get(struct stlm_session *s, uint32_t group,
				 struct stlm_collection *ret)
{
	struct scmi_tlm_config_get_resp cur;
	uint32_t gid;
	uint8_t sel;
	int n;

	if (!s || !ret)
		return -EINVAL;
	if (s->stlmd)
		return stlm__stlmd_coll_get(s, group, ret);
	if (s->stlmfs)
		return stlm__stlmfs_coll_get(s, group, ret);
	n = stlm__discover(s);
	if (n < 0)
		return n;
	n = coll_scope(s, group, &sel, &gid);
	if (n < 0)
		return n;
	n = config_get(s, sel, gid, &cur);
	if (n < 0)
		return n;
	if (sel == SCMI_TLM_SEL_ALL) {
		bool lost;

		pthread_mutex_lock(&s->lock);
		/* Only one agent owns the channel: collection stopping
		 * behind our back means the platform reset. */
		lost = s->telemetry_on && !cur.enable;
		if (lost) {
			/* resynchronised below */
		} else if (s->telemetry_on != cur.enable ||
		    (cur.enable && (s->coll_mode != cur.mode ||
				    scmi_tlm_interval_cmp(&s->coll_iv,
							  &cur.interval)))) {
			/* Changed behind our back: learnt, so bump. */
			s->telemetry_on = cur.enable;
			s->coll_mode = cur.mode;
			s->coll_iv = cur.interval;
			stlm__generation_bump(s);
		}
		pthread_mutex_unlock(&s->lock);
		if (lost) {
			stlm__log(s, STLM_LOG_INFO,
				  "collection stopped behind our back: resynchronising");
			stlm__placement_lost(s);
		}
	}
	ret->enabled = cur.enable;
	ret->mode = cur.mode;
	pthread_mutex_lock(&s->lock);
	if (sel == SCMI_TLM_SEL_ALL && !cur.enable && s->coll_iv_pending)
		cur.interval = s->coll_iv_next; /* what the next enable uses */
	pthread_mutex_unlock(&s->lock);
	iv_fill(&ret->interval, &cur.interval);
	return 0;
}

STLM_API int stlm_reset(struct stlm_session *s)
{
	struct stlm_event ev = { .type = STLM_EVENT_RESET };
	uint8_t b[4], r[SMALL_RESP];
	struct stlm_table *tb;
	int n;

	if (!s)
		return -EINVAL;
	if (!s->info.reset)
		return -EOPNOTSUPP;
	if (s->stlmd)
		return stlm__stlmd_reset(s);
	if (s->stlmfs)
		return stlm__stlmfs_reset(s);
	scmi_tlm_reset_req_encode(b, sizeof(b));
	n = tcmd(s, SCMI_TLM_RESET, b, sizeof(b), r, sizeof(r));
	if (n < 0)
		return n;
	n = scmi_status_resp_decode(r, (size_t)n);
	if (n < 0)
		return proto_err(n);
	/* Everything is disabled now: re-learn it (§10 step 6). */
	pthread_mutex_lock(&s->disc_lock);
	tb = table_get(s);
	if (tb) {
		n = learn_state(s, tb, true, NULL);
	} else {
		pthread_mutex_lock(&s->lock);
		s->telemetry_on = false;
		pthread_mutex_unlock(&s->lock);
		n = 0;
	}
	pthread_mutex_unlock(&s->disc_lock);
	pthread_mutex_lock(&s->lock);
	s->coll_iv_pending = false; /* intervals are back to default */
	stlm__generation_bump(s);
	ev.generation = s->generation;
	stlm__event_push(s, &ev);
	pthread_mutex_unlock(&s->lock);
	return n;
}

/* ------------------------------------------------------------------ */
/* Recovery after a platform reset                                     */

/* disc_lock held. */
static int resync_locked(struct stlm_session *s)
{
	struct stlm_event ev = { .type = STLM_EVENT_RESET };
	struct stlm_platform_info info;
	struct scmi_tlm_attrs a;
	bool same, changed = true;
	int r;

	r = tlm_attrs(s, &a);
	if (r < 0) {
		stlm__log(s, STLM_LOG_WARNING,
			  "resync: PROTOCOL_ATTRIBUTES: %s", strerror(-r));
		return r;
	}
	pthread_mutex_lock(&s->lock);
	info = s->info;
	pthread_mutex_unlock(&s->lock);
	same = !memcmp(info.uuid, a.uuid, sizeof(a.uuid)) &&
	       info.n_des == a.de_num && info.n_groups == a.groups_num &&
	       info.n_shmti == a.num_shmti;
	info_from_attrs(&info, &a);

	if (!same) {
		stlm__log(s, STLM_LOG_WARNING,
			  "the platform came back with another DE set (%s, %u DEs): discovering again",
			  info.uuid_str, info.n_des);
		if (!__atomic_load_n(&s->discovered, __ATOMIC_ACQUIRE)) {
			pthread_mutex_lock(&s->lock);
			s->info = info;
			pthread_mutex_unlock(&s->lock);
		} else {
			struct stlm_table *tb = NULL;

			r = discover_table(s, &info, &tb);
			if (r == 0) {
				r = learn_state(s, tb, true, NULL);
				if (r < 0)
					table_free(tb);
			}
			/* info and the table change together (snapshots
			 * size their SHMTI loops by info.n_shmti). */
			pthread_mutex_lock(&s->lock);
			s->info = info;
			if (r == 0) {
				table_install_locked(s, tb);
			} else {
				/* Try again on the next DE access. */
				struct stlm_table *old = s->table;

				for (uint32_t i = 0; old && i < old->n_des; i++) {
					__atomic_store_n(&old->des[i].enabled, false,
							 __ATOMIC_RELAXED);
					old->des[i].shmti = SCMI_TLM_SHMTI_NONE;
				}
				s->shmti = NULL;
				__atomic_store_n(&s->discovered, false,
						 __ATOMIC_RELEASE);
				s->discovery_error = r;
			}
			pthread_mutex_unlock(&s->lock);
			if (r == 0 && !s->opts.no_catalog)
				stlm__catalog_autoload(s);
		}
	} else if (__atomic_load_n(&s->discovered, __ATOMIC_ACQUIRE)) {
		r = learn_state(s, table_get(s), false, &changed);
		if (r < 0)
			return r;
	}
	if (!changed) {
		stlm__log(s, STLM_LOG_DEBUG, "resync: nothing changed");
		return 0;
	}
	pthread_mutex_lock(&s->lock);
	stlm__generation_bump(s);
	ev.generation = s->generation;
	stlm__event_push(s, &ev);
	pthread_mutex_unlock(&s->lock);
	return r;
}

void stlm__placement_lost(struct stlm_session *s)
{
	uint64_t seq;
	int r;

	if (!s)
		return;
	if (s->stlmd) {
		stlm__stlmd_placement_lost(s);
		return;
	}
	if (s->stlmfs)
		return; /* no placements: values come from the bulk files */
	seq = __atomic_load_n(&s->resync_seq, __ATOMIC_ACQUIRE);
	pthread_mutex_lock(&s->disc_lock);
	/* Another thread resynchronised meanwhile: nothing left to do. */
	if (__atomic_load_n(&s->resync_seq, __ATOMIC_ACQUIRE) != seq) {
		pthread_mutex_unlock(&s->disc_lock);
		return;
	}
	r = resync_locked(s);
	if (r < 0)
		stlm__log(s, STLM_LOG_WARNING, "resynchronisation failed: %s",
			  strerror(-r));
	__atomic_add_fetch(&s->resync_seq, 1, __ATOMIC_RELEASE);
	pthread_mutex_unlock(&s->disc_lock);
}

/* ------------------------------------------------------------------ */
/* Message cache                                                       */

void stlm__ingest_lines(struct stlm_session *s, const uint8_t *lines,
			size_t nbytes, bool notification)
{
	struct stlm_event ev = { .type = STLM_EVENT_UPDATE };
	struct stlm_sample *v = NULL;
	struct stlm_table *tb;
	size_t off = 0, n = 0, max = nbytes / TDCF_LINE_SIZE;
	unsigned int unknown = 0;

	if (!s || !lines)
		return;
	if (notification && max) {
		v = calloc(max, sizeof(*v));
		if (!v)
			stlm__log(s, STLM_LOG_WARNING,
				  "no memory for an UPDATE event");
	}
	pthread_mutex_lock(&s->lock);
	tb = s->table;
	/* Bounded: every line consumes 16 or 24 bytes. */
	for (size_t iter = 0; iter <= max; iter++) {
		struct stlm_sample smp = { .flags = STLM_SAMPLE_VALID |
						    STLM_SAMPLE_MESSAGE };
		struct tdcf_line l;
		int r = tdcf_msg_line_next(lines, nbytes, &off, &l);
		int k;

		if (r == 0)
			break;
		if (r < 0) {
			stlm__log(s, STLM_LOG_WARNING,
				  "malformed line at byte %zu of a message: %s",
				  off, strerror(-r));
			break;
		}
		if (l.invalid)
			continue;
		smp.id = l.id;
		smp.raw = l.data;
		smp.value = (double)l.data;
		k = table_lookup(tb, l.id);
		if (k >= 0) {
			struct stlm_de *de = &tb->des[k];

			smp.raw = stlm__de_raw(de, l.data);
			smp.value = stlm__de_value(de, smp.raw);
			de->msg_raw = smp.raw;
			de->msg_ts = l.ext && l.ts_valid ? l.ts : 0;
			de->msg_valid = true;
			de->msg_seq++;
			if (l.ext && l.ts_valid) {
				smp.flags |= STLM_SAMPLE_TIMESTAMP;
				smp.ts = l.ts;
				smp.ts_rate_khz = stlm_de_ts_rate_khz(de);
			}
		} else if (tb) {
			unknown++;
			continue;
		} else if (l.ext && l.ts_valid) {
			/* Lazy session not discovered yet: raw values. */
			smp.flags |= STLM_SAMPLE_TIMESTAMP;
			smp.ts = l.ts;
		}
		if (v && n < max)
			v[n++] = smp;
	}
	if (notification && v) {
		ev.generation = s->generation;
		ev.n_samples = n;
		ev.samples = v;
		stlm__event_push(s, &ev);
	}
	pthread_mutex_unlock(&s->lock);
	if (unknown)
		stlm__log(s, STLM_LOG_DEBUG,
			  "%u lines for unknown DEs ignored in a message", unknown);
	free(v);
}
