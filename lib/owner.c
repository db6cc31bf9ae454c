// SPDX-License-Identifier: MIT
/*
 * Copyright (c) 2026 The stlm authors
 *
 * The channel owner's private interface (owner.h), written against the
 * session internals of session.h.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "owner.h"
#include "session.h"
#include "telemetry.h"
#include "transport.h"

_Static_assert(STLM_OWNER_SHMTI_NONE == SCMI_TLM_SHMTI_NONE, "shmti none");
_Static_assert(STLM_OWNER_MODE_SINGLE == (int)SCMI_TLM_MODE_SINGLE, "single");
_Static_assert((int)STLM_MODE_ON_DEMAND == (int)SCMI_TLM_MODE_ON_DEMAND &&
	       (int)STLM_MODE_NOTIFY == (int)SCMI_TLM_MODE_NOTIFY, "modes");

int stlm_owner_des(struct stlm_session *s, uint32_t index,
		   struct stlm_owner_de *ret, uint32_t max,
		   uint32_t *ret_total)
{
	const struct stlm_table *tb;
	uint32_t n;
	int r;

	if (!s || (max && !ret) || !ret_total)
		return -EINVAL;
	r = stlm__discover(s);
	if (r < 0)
		return r;
	/* descriptors never change once a table is published */
	tb = __atomic_load_n(&s->table, __ATOMIC_ACQUIRE);
	if (!tb || index > tb->n_des)
		return -ERANGE;
	n = tb->n_des - index < max ? tb->n_des - index : max;
	for (uint32_t i = 0; i < n; i++) {
		const struct scmi_tlm_de_desc *d = &tb->des[index + i].desc;
		struct stlm_owner_de *w = &ret[i];

		memset(w, 0, sizeof(*w));
		w->id = d->id;
		w->group_id = d->group_id;
		w->data_size = d->data_size;
		w->line_ts_rate = d->line_ts_rate;
		w->type = d->type;
		w->persistent = d->persistent;
		w->unit_exp = d->unit_exp;
		w->unit = d->unit;
		w->ts_support = d->ts_support;
		w->instance_id = d->instance_id;
		w->compo_type = d->compo_type;
		w->compo_instance = d->compo_instance;
		w->has_fc = d->has_fc;
		w->fc_size = d->fc_size;
		w->fc_addr = d->fc_addr;
		w->has_name = d->has_name;
		memcpy(w->name, d->name, sizeof(w->name) - 1);
	}
	*ret_total = tb->n_des;
	return (int)n;
}

int stlm_owner_de_states(struct stlm_session *s, uint32_t index, bool resync,
			 struct stlm_owner_de_state *ret, uint32_t max,
			 uint32_t *ret_total, uint64_t *ret_gen)
{
	const struct stlm_table *tb;
	uint32_t n;
	int r;

	if (!s || (max && !ret) || !ret_total || !ret_gen)
		return -EINVAL;
	r = stlm__discover(s);
	if (r < 0)
		return r;
	if (resync)
		stlm__placement_lost(s);
	pthread_mutex_lock(&s->lock);
	tb = s->table;
	if (!tb || index > tb->n_des) {
		pthread_mutex_unlock(&s->lock);
		return -ERANGE;
	}
	n = tb->n_des - index < max ? tb->n_des - index : max;
	for (uint32_t i = 0; i < n; i++) {
		const struct stlm_de *de = &tb->des[index + i];

		ret[i] = (struct stlm_owner_de_state){
			.shmti = de->shmti,
			.offset = de->offset,
			.blk_ts_off = de->blk_ts_off,
			.enabled = de->enabled,
			.ts_enabled = de->ts_enabled,
		};
	}
	*ret_total = tb->n_des;
	*ret_gen = s->generation;
	pthread_mutex_unlock(&s->lock);
	return (int)n;
}

int stlm_owner_shmtis(struct stlm_session *s, struct stlm_owner_shmti *ret,
		      uint32_t max)
{
	const struct stlm_table *tb;
	int r;

	if (!s || (max && !ret))
		return -EINVAL;
	r = stlm__discover(s);
	if (r < 0)
		return r;
	tb = __atomic_load_n(&s->table, __ATOMIC_ACQUIRE);
	if (!tb || tb->n_shmti > max)
		return -E2BIG;
	for (uint32_t i = 0; i < tb->n_shmti; i++)
		ret[i] = (struct stlm_owner_shmti){
			.id = tb->shmti[i].desc.id,
			.length = tb->shmti[i].desc.length,
			.addr = tb->shmti[i].desc.addr,
		};
	return (int)tb->n_shmti;
}

int stlm_owner_mem_fd(struct stlm_session *s, uint64_t *ret_size)
{
	char path[PATH_MAX];
	struct stat st;
	int fd;

	if (!s || !ret_size)
		return -EINVAL;
	/* s->t is swapped under tx_lock by stlm_owner_release() */
	pthread_mutex_lock(&s->tx_lock);
	path[0] = 0;
	if (s->t && s->mem)
		memcpy(path, s->t->mem_path, sizeof(path));
	pthread_mutex_unlock(&s->tx_lock);
	path[sizeof(path) - 1] = 0;
	if (!path[0])
		return -ENOENT;
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return -ENODEV;
	}
	*ret_size = (uint64_t)st.st_size;
	return fd;
}

int stlm_owner_config_forward(struct stlm_session *s,
			      const struct stlm_owner_config *q, void *resp,
			      size_t resp_cap, void *dresp, size_t dresp_cap,
			      size_t *ret_dlen)
{
	struct scmi_tlm_config_set_req c;
	uint8_t req[16];
	int n, dlen = 0;

	if (!s || !q || !resp || !ret_dlen ||
	    (q->mode != STLM_MODE_ON_DEMAND && q->mode != STLM_MODE_NOTIFY &&
	     q->mode != STLM_OWNER_MODE_SINGLE))
		return -EINVAL;
	c = (struct scmi_tlm_config_set_req){
		.group_id = q->group == STLM_GROUP_ALL ? SCMI_TLM_GROUP_NONE :
							 q->group,
		.enable = q->enable,
		.mode = (uint8_t)q->mode,
		.selector = q->group == STLM_GROUP_ALL ? SCMI_TLM_SEL_ALL :
							 SCMI_TLM_SEL_GROUP,
	};
	if (q->enable && q->mode != STLM_OWNER_MODE_SINGLE) {
		c.interval.secs = q->interval.secs;
		c.interval.exp = q->interval.exp;
	}
	n = scmi_tlm_config_set_req_encode(&c, req, sizeof(req));
	if (n < 0)
		return n;
	n = stlm__xfer(s, SCMI_PROTO_TELEMETRY, SCMI_TLM_CONFIG_SET, req,
		       (size_t)n, resp, resp_cap,
		       q->mode == STLM_OWNER_MODE_SINGLE ? dresp : NULL,
		       dresp_cap, &dlen);
	if (n < 0)
		return n;
	if (dlen < 0 || (size_t)dlen > dresp_cap)
		return -EPROTO;
	*ret_dlen = (size_t)dlen;
	return n;
}

/* ------------------------------------------------------------------ */
/* Releasing the channel                                               */

/*
 * What a released session's s->t points to: the session code keeps using
 * s->t (under tx_lock) and its max_msg, so the closed transport is
 * replaced by this one rather than by NULL. Every call fails.
 */
static int closed_send(struct stlm_transport *t, const uint8_t *msg,
		       size_t len, bool async)
{
	(void)t;
	(void)msg;
	(void)len;
	(void)async;
	return -ESHUTDOWN;
}

static int closed_recv(struct stlm_transport *t, uint8_t *buf, size_t cap,
		       int timeout_ms)
{
	(void)t;
	(void)buf;
	(void)cap;
	(void)timeout_ms;
	return -ESHUTDOWN;
}

static int closed_fd(struct stlm_transport *t)
{
	(void)t;
	return -1;
}

static void closed_close(struct stlm_transport *t)
{
	free(t);
}

static const struct stlm_transport_ops closed_ops = {
	.scheme = "closed",
	.close = closed_close,
	.send = closed_send,
	.recv = closed_recv,
	.fd = closed_fd,
};

void stlm_owner_release(struct stlm_session *s)
{
	struct stlm_transport *old, *stub;
	bool done;

	if (!s)
		return;
	pthread_mutex_lock(&s->tx_lock);
	done = !s->t || s->t->ops == &closed_ops;
	pthread_mutex_unlock(&s->tx_lock);
	if (done)
		return;	/* stlmd:/stlmfs: hold no agent channel; or released */
	stub = calloc(1, sizeof(*stub));

	/* 1. Every command waiting or to come fails (sticky). */
	pthread_mutex_lock(&s->rx_lock);
	if (!s->rx_error)
		s->rx_error = -ESHUTDOWN;
	for (size_t i = 0; i < STLM_MAX_TOKENS; i++)
		if (s->inflight[i])
			pthread_cond_signal(&s->inflight[i]->cond);
	pthread_cond_broadcast(&s->pending_cond);
	pthread_mutex_unlock(&s->rx_lock);

	/* 2. The receive thread stops (it takes tx_lock for each recv()). */
	if (s->rx_running) {
		uint64_t one = 1;

		__atomic_store_n(&s->rx_stop, true, __ATOMIC_RELEASE);
		if (write(s->stop_fd, &one, sizeof(one)) < 0)
			stlm__log(s, STLM_LOG_DEBUG, "stop: %s", strerror(errno));
		pthread_join(s->rx_thread, NULL);
		s->rx_running = false;
	}
	if (!stub) {
		/* Cannot swap: keep the transport; it is closed at close. */
		stlm__log(s, STLM_LOG_WARNING,
			  "%s: out of memory: the channel stays claimed",
			  s->uri);
		return;
	}

	/*
	 * 3. Swap in the closed transport: a sender that passed the
	 * rx_error check before step 1 takes tx_lock and finds the stub.
	 */
	pthread_mutex_lock(&s->tx_lock);
	old = s->t;
	stub->ops = &closed_ops;
	stub->max_msg = old->max_msg;
	memcpy(stub->mem_path, old->mem_path, sizeof(stub->mem_path));
	__atomic_store_n(&s->t, stub, __ATOMIC_RELEASE);
	stlm_transport_close(old);
	pthread_mutex_unlock(&s->tx_lock);
	stlm__log(s, STLM_LOG_DEBUG, "%s: channel released", s->uri);
}
