// SPDX-License-Identifier: MIT
/*
 * Copyright (c) 2026 The stlm authors
 *
 * Events: a bounded queue per session with an eventfd that is readable
 * exactly while something can be read.
 *
 * Theory of operation
 * -------------------
 * The queue is a ring of EVQ_CAP entries under its own mutex (the innermost
 * lock: it is taken under s->lock, never the other way round). Pushing onto
 * a full ring drops the event (an UPDATE's sample copy is freed) and counts
 * it; the count is delivered as one LOST event, queued in front of the next
 * event that fits, or returned by stlm_event_read() once the ring is empty.
 * The eventfd counter is non-zero while the ring is non-empty or a loss is
 * pending: every push writes 1 to it, and a read that leaves nothing to
 * report drains it. UPDATE events own a copy of their samples; the copy
 * handed to the caller lives until the next stlm_event_read().
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "session.h"

#define EVQ_CAP 4096u

struct evq {
	pthread_mutex_t lock;
	struct stlm_event ring[EVQ_CAP];
	size_t head;	/* oldest */
	size_t n;
	uint64_t lost;	/* dropped since the last LOST event */
	uint64_t last_gen; /* generation of the last event pushed */
	struct stlm_sample *cur; /* samples handed out by the last read */
};

static void efd_signal(struct stlm_session *s)
{
	uint64_t one = 1;

	if (write(s->event_fd, &one, sizeof(one)) < 0)
		stlm__log(s, STLM_LOG_DEBUG, "eventfd: %s", strerror(errno));
}

static void efd_drain(struct stlm_session *s)
{
	uint64_t v;

	if (read(s->event_fd, &v, sizeof(v)) < 0 && errno != EAGAIN)
		stlm__log(s, STLM_LOG_DEBUG, "eventfd: %s", strerror(errno));
}

int stlm__events_init(struct stlm_session *s)
{
	struct evq *q = calloc(1, sizeof(*q));

	if (!q)
		return -ENOMEM;
	s->event_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (s->event_fd < 0) {
		int r = -errno;

		free(q);
		return r;
	}
	pthread_mutex_init(&q->lock, NULL);
	s->events = q;
	return 0;
}

void stlm__events_free(struct stlm_session *s)
{
	struct evq *q;

	if (!s)
		return;
	q = s->events;
	if (q) {
		for (size_t i = 0; i < q->n; i++)
			free((void *)q->ring[(q->head + i) % EVQ_CAP].samples);
		free(q->cur);
		pthread_mutex_destroy(&q->lock);
		free(q);
		s->events = NULL;
	}
	if (s->event_fd >= 0)
		close(s->event_fd);
	s->event_fd = -1;
}

/* q->lock held; room checked by the caller. */
static void ring_put(struct evq *q, const struct stlm_event *ev)
{
	q->ring[(q->head + q->n) % EVQ_CAP] = *ev;
	q->n++;
}

void stlm__event_push(struct stlm_session *s, const struct stlm_event *ev)
{
	struct evq *q = s ? s->events : NULL;
	struct stlm_event e;

	if (!q || !ev)
		return;
	e = *ev;
	e.samples = NULL;
	if (ev->type == STLM_EVENT_UPDATE && ev->n_samples) {
		struct stlm_sample *copy;

		copy = malloc(ev->n_samples * sizeof(*copy));
		if (!copy) {
			/* Cannot carry it: counts as lost. */
			pthread_mutex_lock(&q->lock);
			q->lost++;
			pthread_mutex_unlock(&q->lock);
			efd_signal(s);
			return;
		}
		memcpy(copy, ev->samples, ev->n_samples * sizeof(*copy));
		e.samples = copy;
	} else if (ev->type == STLM_EVENT_UPDATE) {
		e.n_samples = 0;
	}

	pthread_mutex_lock(&q->lock);
	q->last_gen = e.generation;
	if (q->n + (q->lost ? 2 : 1) > EVQ_CAP) {
		q->lost++;
		free((void *)e.samples);
	} else {
		if (q->lost) {
			struct stlm_event lost = {
				.type = STLM_EVENT_LOST,
				.generation = e.generation,
				.lost = q->lost,
			};

			ring_put(q, &lost);
			q->lost = 0;
		}
		ring_put(q, &e);
	}
	efd_signal(s);
	pthread_mutex_unlock(&q->lock);
}

STLM_API int stlm_event_fd(struct stlm_session *s)
{
	if (!s || s->event_fd < 0)
		return -EINVAL;
	return s->event_fd;
}

STLM_API int stlm_event_read(struct stlm_session *s, struct stlm_event *ret)
{
	struct evq *q;
	int r = 1;

	if (!s || !ret || !s->events)
		return -EINVAL;
	q = s->events;
	pthread_mutex_lock(&q->lock);
	free(q->cur);
	q->cur = NULL;
	if (q->n) {
		*ret = q->ring[q->head];
		q->head = (q->head + 1) % EVQ_CAP;
		q->n--;
		q->cur = (struct stlm_sample *)ret->samples;
	} else if (q->lost) {
		memset(ret, 0, sizeof(*ret));
		ret->type = STLM_EVENT_LOST;
		ret->lost = q->lost;
		ret->generation = q->last_gen;
		q->lost = 0;
	} else {
		r = 0;
	}
	if (!q->n && !q->lost)
		efd_drain(s);
	pthread_mutex_unlock(&q->lock);
	return r;
}
