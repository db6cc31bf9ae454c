// SPDX-License-Identifier: MIT
/*
 * Copyright (c) 2026 The stlm authors
 *
 * Test agent, see tagent.h.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "scmi.h"
#include "tagent.h"

struct qmsg {
	size_t len;
	struct qmsg *next;
	uint8_t b[];
};

struct ta_agent {
	/* in-process */
	struct stlmp_platform *p;
	struct stlmp_agent *ag;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	struct qmsg *inbox; /* arrival order */
	/* transport */
	struct stlm_transport *t;
	uint16_t token;
	char mem[4096];
};

static void push(struct ta_agent *a, const uint8_t *m, size_t len)
{
	struct qmsg *q = malloc(sizeof(*q) + len), **pp;

	if (!q)
		return;
	q->len = len;
	q->next = NULL;
	memcpy(q->b, m, len);
	pthread_mutex_lock(&a->lock);
	for (pp = &a->inbox; *pp; pp = &(*pp)->next)
		;
	*pp = q;
	pthread_cond_broadcast(&a->cond);
	pthread_mutex_unlock(&a->lock);
}

static int sink_send(void *data, const uint8_t *msg, size_t len)
{
	push(data, msg, len);
	return 0;
}

int ta_new_inproc(struct stlmp_platform *p, struct ta_agent **ret)
{
	struct ta_agent *a = calloc(1, sizeof(*a));
	struct stlmp_sink sink = { .send = sink_send };
	int r;

	if (!a)
		return -ENOMEM;
	pthread_mutex_init(&a->lock, NULL);
	pthread_cond_init(&a->cond, NULL);
	sink.data = a;
	a->p = p;
	r = stlmp_agent_attach(p, &sink, &a->ag);
	if (r < 0) {
		free(a);
		return r;
	}
	if (stlmp_platform_mem_path(p))
		snprintf(a->mem, sizeof(a->mem), "%s", stlmp_platform_mem_path(p));
	else
		snprintf(a->mem, sizeof(a->mem), "/proc/self/fd/%d",
			 stlmp_platform_mem_fd(p));
	*ret = a;
	return 0;
}

int ta_new_uri(const char *uri, struct ta_agent **ret)
{
	struct ta_agent *a = calloc(1, sizeof(*a));
	int r;

	if (!a)
		return -ENOMEM;
	pthread_mutex_init(&a->lock, NULL);
	pthread_cond_init(&a->cond, NULL);
	r = stlm_transport_open(uri, &a->t);
	if (r < 0) {
		free(a);
		return r;
	}
	snprintf(a->mem, sizeof(a->mem), "%s", a->t->mem_path);
	*ret = a;
	return 0;
}

int ta_new_uri_ready(const char *uri, int wait_ms, struct ta_agent **ret)
{
	static uint8_t resp[TA_MAX_MSG];
	struct ta_agent *a;

	for (int waited = 0;; waited += 10) {
		int r = ta_new_uri(uri, &a);

		if (r == 0) {
			r = ta_xfer(a, SCMI_PROTO_TELEMETRY,
				    SCMI_TLM_PROTOCOL_VERSION, NULL, 0, resp,
				    sizeof(resp), 5000);
			if (r >= 4 && (int32_t)scmi_get_le32(resp) == SCMI_BUSY)
				r = -EBUSY;
			else if (r >= 4 && scmi_get_le32(resp) == 0)
				r = 0;
			else if (r >= 0)
				r = -EPROTO;
			if (r == 0) {
				*ret = a;
				return 0;
			}
			ta_free(a);
		}
		if (r != -EBUSY || waited >= wait_ms)
			return r;
		usleep(10000);
	}
}

void ta_free(struct ta_agent *a)
{
	if (!a)
		return;
	if (a->ag)
		stlmp_agent_detach(a->ag);
	stlm_transport_close(a->t);
	ta_flush(a);
	pthread_mutex_destroy(&a->lock);
	pthread_cond_destroy(&a->cond);
	free(a);
}

const char *ta_mem_path(const struct ta_agent *a)
{
	return a->mem;
}

uint16_t ta_last_token(const struct ta_agent *a)
{
	return a->token;
}

void ta_flush(struct ta_agent *a)
{
	pthread_mutex_lock(&a->lock);
	while (a->inbox) {
		struct qmsg *q = a->inbox;

		a->inbox = q->next;
		free(q);
	}
	pthread_mutex_unlock(&a->lock);
}

int ta_send_raw(struct ta_agent *a, const void *msg, size_t len)
{
	if (a->ag)
		return stlmp_agent_command(a->ag, msg, len);
	return a->t->ops->send(a->t, msg, len, false);
}

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* Pull transport messages into the inbox until one arrives or timeout. */
static int pump(struct ta_agent *a, int timeout_ms)
{
	uint8_t buf[TA_MAX_MSG];
	int n;

	if (a->ag) {
		struct timespec ts;
		int r = 0;

		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_sec += timeout_ms / 1000;
		ts.tv_nsec += (long)(timeout_ms % 1000) * 1000000;
		if (ts.tv_nsec >= 1000000000) {
			ts.tv_sec++;
			ts.tv_nsec -= 1000000000;
		}
		pthread_mutex_lock(&a->lock);
		if (!a->inbox)
			r = pthread_cond_timedwait(&a->cond, &a->lock, &ts);
		pthread_mutex_unlock(&a->lock);
		return r == ETIMEDOUT ? -ETIMEDOUT : 0;
	}
	n = a->t->ops->recv(a->t, buf, sizeof(buf), timeout_ms);
	if (n < 0)
		return n;
	push(a, buf, (size_t)n);
	return 0;
}

/* Take the first inbox message matching (type, id, token or -1). */
static int take(struct ta_agent *a, int type, int id, int token, int proto,
		uint8_t *buf, size_t cap, uint16_t *ret_token)
{
	struct qmsg **pp;
	int r = -ENOENT;

	pthread_mutex_lock(&a->lock);
	for (pp = &a->inbox; *pp; pp = &(*pp)->next) {
		struct qmsg *q = *pp;
		struct scmi_hdr h;

		if (q->len < 4 || scmi_hdr_unpack(scmi_get_le32(q->b), &h) < 0) {
			/* Garbage counts as a response for any waiter. */
			if (type != SCMI_MSG_COMMAND && type != -1)
				continue;
		} else if ((type >= 0 && h.type != type) ||
			   (id >= 0 && h.id != id) ||
			   (token >= 0 && h.token != token) ||
			   (proto >= 0 && h.proto != proto)) {
			continue;
		}
		if (q->len > cap) {
			r = -EMSGSIZE;
		} else {
			memcpy(buf, q->b, q->len);
			r = (int)q->len;
			if (ret_token && q->len >= 4)
				*ret_token = (uint16_t)((scmi_get_le32(q->b) >>
							 SCMI_HDR_TOKEN_SHIFT) &
							SCMI_TOKEN_MAX);
		}
		*pp = q->next;
		free(q);
		break;
	}
	pthread_mutex_unlock(&a->lock);
	return r;
}

static int wait_for(struct ta_agent *a, int type, int id, int token, int proto,
		    uint8_t *msg, size_t cap, int timeout_ms, uint16_t *ret_token)
{
	uint64_t deadline = now_ms() + (uint64_t)timeout_ms;

	for (;;) {
		int r = take(a, type, id, token, proto, msg, cap, ret_token);
		uint64_t now;

		if (r != -ENOENT)
			return r;
		now = now_ms();
		if (now >= deadline)
			return -ETIMEDOUT;
		r = pump(a, (int)(deadline - now));
		if (r < 0 && r != -ETIMEDOUT)
			return r;
	}
}

static int xfer(struct ta_agent *a, uint8_t proto, uint8_t id, const void *req,
		size_t req_len, uint8_t *resp, size_t cap, int timeout_ms,
		bool async, uint16_t *ret_token)
{
	uint8_t msg[TA_MAX_MSG];
	struct scmi_hdr h = { .id = id, .type = SCMI_MSG_COMMAND, .proto = proto };
	int r;

	if (req_len + 4 > sizeof(msg))
		return -EMSGSIZE;
	a->token = (uint16_t)((a->token + 1) & SCMI_TOKEN_MAX);
	h.token = a->token;
	if (ret_token)
		*ret_token = h.token;
	scmi_put_le32(msg, scmi_hdr_pack(&h));
	if (req_len)
		memcpy(msg + 4, req, req_len);
	if (a->ag)
		r = stlmp_agent_command(a->ag, msg, req_len + 4);
	else
		r = a->t->ops->send(a->t, msg, req_len + 4, async);
	if (r < 0)
		return r;
	r = wait_for(a, SCMI_MSG_COMMAND, id, h.token, proto, msg, sizeof(msg),
		     timeout_ms, NULL);
	if (r < 0)
		return r;
	if (r < 4 || (size_t)r - 4 > cap)
		return -EMSGSIZE;
	memcpy(resp, msg + 4, (size_t)r - 4);
	return r - 4;
}

int ta_xfer(struct ta_agent *a, uint8_t proto, uint8_t id, const void *req,
	    size_t req_len, uint8_t *resp, size_t cap, int timeout_ms)
{
	return xfer(a, proto, id, req, req_len, resp, cap, timeout_ms, false,
		    NULL);
}

int ta_xfer_async(struct ta_agent *a, uint8_t proto, uint8_t id, const void *req,
		  size_t req_len, uint8_t *resp, size_t cap, int timeout_ms,
		  uint16_t *ret_token)
{
	return xfer(a, proto, id, req, req_len, resp, cap, timeout_ms, true,
		    ret_token);
}

int ta_wait(struct ta_agent *a, uint8_t type, uint8_t id, uint8_t *buf,
	    size_t cap, int timeout_ms, uint16_t *ret_token)
{
	uint8_t msg[TA_MAX_MSG];
	int r = wait_for(a, type, id, -1, -1, msg, sizeof(msg), timeout_ms,
			 ret_token);

	if (r < 0)
		return r;
	if (r < 4 || (size_t)r - 4 > cap)
		return -EMSGSIZE;
	memcpy(buf, msg + 4, (size_t)r - 4);
	return r - 4;
}

int ta_next_raw(struct ta_agent *a, uint8_t *buf, size_t cap, int timeout_ms)
{
	return wait_for(a, -1, -1, -1, -1, buf, cap, timeout_ms, NULL);
}
