// SPDX-License-Identifier: MIT
/*
 * Copyright (c) 2026 The stlm authors
 *
 * The direct SCMI backend's transfer core: tokens, the receive thread,
 * timeouts, retries and notifications (see scmi.h).
 */
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "scmi-backend.h"

#define DELAYED_TIMEOUT_MS	2000	/* Linux waits 2 s for a delayed reply */

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

void scmi_cond_init_mono(pthread_cond_t *c)
{
	pthread_condattr_t a;

	pthread_condattr_init(&a);
	pthread_condattr_setclock(&a, CLOCK_MONOTONIC);
	pthread_cond_init(c, &a);
	pthread_condattr_destroy(&a);
}

void scmi_sleep_ms(unsigned int ms)
{
	struct timespec ts = { .tv_sec = ms / 1000,
			       .tv_nsec = (long)(ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

/* rx_lock held. Make the failure sticky and wake everyone. */
static void fail_all_locked(struct stlm_session *s, int err)
{
	struct scmi_be *b = scmi_be(s);
	if (!b->rx_error)
		b->rx_error = err;
	for (size_t i = 0; i < SCMI_MAX_TOKENS; i++)
		if (b->inflight[i])
			pthread_cond_signal(&b->inflight[i]->cond);
	pthread_cond_broadcast(&b->pending_cond);
}

static void fail_all(struct stlm_session *s, int err)
{
	struct scmi_be *b = scmi_be(s);
	pthread_mutex_lock(&b->rx_lock);
	fail_all_locked(s, err);
	pthread_mutex_unlock(&b->rx_lock);
}

/* rx_lock held. */
static void pending_release(struct stlm_session *s, struct scmi_xfer *x)
{
	struct scmi_be *b = scmi_be(s);
	if (!x->pending)
		return;
	x->pending = false;
	b->n_pending--;
	pthread_cond_broadcast(&b->pending_cond);
}

static void copy_reply(struct scmi_xfer *x, bool delayed, const uint8_t *p,
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
		uint32_t dev = 0;
		int r = scmi_tlm_update_decode_dev(p, len, &u, &dev);

		if (dev)
			stlm__deviation(s, dev, "TELEMETRY_UPDATE");

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
	struct scmi_be *b = scmi_be(s);
	struct scmi_hdr h;
	struct scmi_xfer *x;
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
	pthread_mutex_lock(&b->rx_lock);
	x = b->inflight[h.token & SCMI_TOKEN_MAX];
	if (!x || x->proto != h.proto || x->id != h.id ||
	    (!delayed && x->got_resp) ||
	    (delayed && (!x->want_delayed || x->got_delayed))) {
		pthread_mutex_unlock(&b->rx_lock);
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
	pthread_mutex_unlock(&b->rx_lock);
}

static void *rx_main(void *arg)
{
	struct stlm_session *s = arg;
	struct scmi_be *b = scmi_be(s);
	struct pollfd pfd[2] = {
		{ .fd = b->t->ops->fd(b->t), .events = POLLIN },
		{ .fd = b->stop_fd, .events = POLLIN },
	};
	unsigned int idle = 0;

	for (;;) {
		int r = poll(pfd, 2, -1);

		if (__atomic_load_n(&b->rx_stop, __ATOMIC_ACQUIRE))
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

			pthread_mutex_lock(&b->tx_lock);
			n = b->t->ops->recv(b->t, b->rx_buf, b->rx_cap, 0);
			pthread_mutex_unlock(&b->tx_lock);
			if (n == -ETIMEDOUT || n == -EAGAIN || n == -EINTR) {
				if (k > 0)
					break;
				if (pfd[0].revents & (POLLERR | POLLHUP | POLLNVAL))
					n = -ECONNRESET;
				else if (++idle > 100)
					scmi_sleep_ms(1); /* spurious wakeups: back off */
				if (n != -ECONNRESET)
					break;
			}
			if (n == -EMSGSIZE) {
				stlm__log(s, STLM_LOG_WARNING,
					  "dropped a platform message larger than %zu bytes",
					  b->rx_cap);
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
			dispatch(s, b->rx_buf, (size_t)n);
		}
	}
	return NULL;
}

/* rx_lock held: a free token, or -1. */
static int token_get(struct stlm_session *s)
{
	struct scmi_be *b = scmi_be(s);
	for (unsigned int i = 0; i < SCMI_MAX_TOKENS; i++) {
		unsigned int t = (b->next_token + i) & SCMI_TOKEN_MAX;

		if (!b->inflight[t]) {
			b->next_token = (uint16_t)((t + 1) & SCMI_TOKEN_MAX);
			return (int)t;
		}
	}
	return -1;
}

/*
 * One attempt. Returns the response length or -errno; *ret_final is set
 * when the command may have taken effect and must not be retried.
 */
static int xfer_once(struct stlm_session *s, struct scmi_xfer *x,
		     const uint8_t *req, size_t req_len, bool *ret_final)
{
	struct scmi_be *b = scmi_be(s);
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
	deadline_after(&dl, b->timeout_ms);

	pthread_mutex_lock(&b->rx_lock);
	for (;;) {
		if (b->rx_error) {
			r = b->rx_error;
			goto out_unlock;
		}
		if (b->n_pending < b->max_pending) {
			tok = token_get(s);
			if (tok >= 0)
				break;
		}
		if (pthread_cond_timedwait(&b->pending_cond, &b->rx_lock, &dl) ==
		    ETIMEDOUT) {
			r = -ETIMEDOUT;
			goto out_unlock;
		}
	}
	x->token = (uint16_t)tok;
	x->pending = true;
	b->n_pending++;
	b->inflight[tok] = x;
	pthread_mutex_unlock(&b->rx_lock);

	h.token = (uint16_t)tok;
	scmi_put_le32(msg, scmi_hdr_pack(&h));
	if (req_len)
		memcpy(msg + 4, req, req_len);
	pthread_mutex_lock(&b->tx_lock);
	/* NULL once released (scmi_release()): the channel is given up */
	r = b->t ? b->t->ops->send(b->t, msg, 4 + req_len, x->want_delayed) :
		   -ESHUTDOWN;
	pthread_mutex_unlock(&b->tx_lock);

	pthread_mutex_lock(&b->rx_lock);
	if (r < 0) {
		if (r == -ECONNRESET || r == -EBUSY || r == -EPROTO ||
		    r == -EPIPE)
			fail_all_locked(s, r == -EPIPE ? -ECONNRESET : r);
		if (b->rx_error)
			r = b->rx_error;
		goto out_remove;
	}
	while (!x->got_resp && !b->rx_error)
		if (pthread_cond_timedwait(&x->cond, &b->rx_lock, &dl) ==
		    ETIMEDOUT)
			break;
	if (!x->got_resp) {
		r = b->rx_error ? b->rx_error : -ETIMEDOUT;
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
		deadline_after(&dl, b->timeout_ms > DELAYED_TIMEOUT_MS ?
					    b->timeout_ms : DELAYED_TIMEOUT_MS);
		while (!x->got_delayed && !b->rx_error)
			if (pthread_cond_timedwait(&x->cond, &b->rx_lock, &dl) ==
			    ETIMEDOUT)
				break;
		if (!x->got_delayed)
			r = b->rx_error ? b->rx_error : -ETIMEDOUT;
		else if (x->overflow)
			r = -EPROTO;
	}
out_remove:
	if (b->inflight[x->token] == x)
		b->inflight[x->token] = NULL;
	pending_release(s, x);
	pthread_cond_broadcast(&b->pending_cond);
out_unlock:
	pthread_mutex_unlock(&b->rx_lock);
	if (msg != stack)
		free(msg);
	return r;
}

int scmi_xfer(struct stlm_session *s, uint8_t proto, uint8_t id,
	      const void *req, size_t req_len, uint8_t *resp, size_t resp_cap,
	      uint8_t *dresp, size_t dresp_cap, int *ret_dlen)
{
	struct scmi_be *b = scmi_be(s);
	struct scmi_xfer x = {
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

	if (!b || (req_len && !req) || !resp || resp_cap < 4)
		return -EINVAL;
	if (4 + req_len > b->max_msg)
		return -EMSGSIZE;
	retries = s->opts.retries;
	scmi_cond_init_mono(&x.cond);
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
			scmi_sleep_ms(attempt < 5 ? 1u << attempt : 32u);
			continue;
		}
		break;
	}
	pthread_cond_destroy(&x.cond);
	if (r >= 0 && ret_dlen)
		*ret_dlen = x.got_delayed ? (int)x.dresp_len : 0;
	return r;
}

/* ------------------------------------------------------------------ */
/* Receive thread start and stop, sticky error                         */

int scmi_rx_start(struct stlm_session *s)
{
	struct scmi_be *b = scmi_be(s);
	int r;

	r = pthread_create(&b->rx_thread, NULL, rx_main, s);
	if (r)
		return -r;
	b->rx_running = true;
	return 0;
}

void scmi_rx_stop(struct stlm_session *s)
{
	struct scmi_be *b = scmi_be(s);
	uint64_t one = 1;

	if (!b->rx_running)
		return;
	__atomic_store_n(&b->rx_stop, true, __ATOMIC_RELEASE);
	if (write(b->stop_fd, &one, sizeof(one)) < 0)
		stlm__log(s, STLM_LOG_DEBUG, "stop: %s", strerror(errno));
	pthread_join(b->rx_thread, NULL);
	b->rx_running = false;
}

int scmi_rx_error(struct stlm_session *s)
{
	struct scmi_be *b = scmi_be(s);
	int r;

	pthread_mutex_lock(&b->rx_lock);
	r = b->rx_error;
	pthread_mutex_unlock(&b->rx_lock);
	return r;
}
