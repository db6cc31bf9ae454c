// SPDX-License-Identifier: MIT
/*
 * Copyright (c) 2026 The stlm authors
 *
 * Events: the eventfd (close-on-exec, non-blocking, readable exactly while
 * something is queued), GENERATION on configuration changes, UPDATE from
 * notification mode with decoded samples, RESET, LOST on overflow.
 */
#define STLM_TEST_GROUP "event"
#include "stlm-test.h"

#include <fcntl.h>
#include <math.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "session.h"
#include "tplat.h"

/* The small platform listening on scheme, and a session on it (f->s). */
static struct tp_fix *fx_start(const char *scheme)
{
	struct stlmp_opts o = { .seed = 5 };
	struct stlm_open_opts so = { .no_catalog = true };
	struct tp_fix *f = tp_fix_new(tp_config(false), &o);

	tp_fix_listen(f, scheme);
	tp_fix_open(f, &so);
	return f;
}

static void fx_stop(struct tp_fix *f)
{
	tp_fix_stop(f);
}

static bool readable(int fd, int timeout_ms)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };

	return poll(&p, 1, timeout_ms) == 1 && (p.revents & POLLIN);
}

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

STLM_TEST(fd_properties)
{
	struct stlm_event ev;
	struct tp_fix *f;
	int fd;

	f = fx_start("unix");
	fd = stlm_event_fd(f->s);
	ASSERT_CMP(fd, >=, 0);
	ASSERT_EQ(stlm_event_fd(f->s), fd);
	ASSERT_TRUE(fcntl(fd, F_GETFD) & FD_CLOEXEC);
	ASSERT_TRUE(fcntl(fd, F_GETFL) & O_NONBLOCK);
	ASSERT_FALSE(readable(fd, 0));
	ASSERT_EQ(stlm_event_read(f->s, &ev), 0);
	ASSERT_ERR(stlm_event_fd(NULL), -EINVAL);
	ASSERT_ERR(stlm_event_read(NULL, &ev), -EINVAL);
	ASSERT_ERR(stlm_event_read(f->s, NULL), -EINVAL);
	fx_stop(f);
}

STLM_TEST(generation_events)
{
	struct stlm_event ev;
	struct tp_fix *f;
	int fd;

	f = fx_start("unix");
	fd = stlm_event_fd(f->s);
	ASSERT_OK(stlm_de_set(f->s, TP_CONST, true, false));
	ASSERT_TRUE(readable(fd, 0));
	ASSERT_EQ(stlm_event_read(f->s, &ev), 1);
	ASSERT_EQ(ev.type, STLM_EVENT_GENERATION);
	ASSERT_EQ(ev.generation, 2);
	ASSERT_EQ(ev.generation, stlm_session_generation(f->s));
	ASSERT_FALSE(readable(fd, 0));
	ASSERT_EQ(stlm_event_read(f->s, &ev), 0);

	/* one event per change, in order; failures queue nothing */
	ASSERT_OK(stlm_group_set(f->s, 1, true, false));
	ASSERT_ERR(stlm_de_set(f->s, 0xDEAD, true, false), -ENOENT);
	ASSERT_OK(stlm_collection_set(f->s, STLM_GROUP_ALL, true,
				      STLM_MODE_ON_DEMAND, 0));
	ASSERT_TRUE(readable(fd, 0));
	ASSERT_EQ(stlm_event_read(f->s, &ev), 1);
	ASSERT_EQ(ev.generation, 3);
	ASSERT_TRUE(readable(fd, 0));
	ASSERT_EQ(stlm_event_read(f->s, &ev), 1);
	ASSERT_EQ(ev.type, STLM_EVENT_GENERATION);
	ASSERT_EQ(ev.generation, 4);
	ASSERT_FALSE(readable(fd, 0));

	/* reset: a generation change and a RESET event */
	ASSERT_OK(stlm_reset(f->s));
	ASSERT_EQ(stlm_event_read(f->s, &ev), 1);
	ASSERT_EQ(ev.type, STLM_EVENT_GENERATION);
	ASSERT_EQ(stlm_event_read(f->s, &ev), 1);
	ASSERT_EQ(ev.type, STLM_EVENT_RESET);
	ASSERT_EQ(ev.generation, stlm_session_generation(f->s));
	ASSERT_EQ(stlm_event_read(f->s, &ev), 0);
	fx_stop(f);
}

/* Wait for an UPDATE event holding DE id; returns its sample. */
static struct stlm_sample wait_update(struct tp_fix *f, uint32_t id)
{
	uint64_t end = now_ms() + 3000;
	int fd = stlm_event_fd(f->s);

	while (now_ms() < end) {
		struct stlm_event ev;

		if (!readable(fd, 100))
			continue;
		while (stlm_event_read(f->s, &ev) == 1) {
			if (ev.type != STLM_EVENT_UPDATE)
				continue;
			ASSERT_CMP(ev.n_samples, >, 0);
			ASSERT_NOT_NULL(ev.samples);
			for (size_t i = 0; i < ev.n_samples; i++)
				if (ev.samples[i].id == id)
					return ev.samples[i];
		}
	}
	STLM_FAIL_AT("no UPDATE event for DE 0x%x", id);
}

/*
 * Count the UPDATE events seen until @n of them held DE @want; fails if
 * one holds DE @never.
 */
static void updates_without(struct tp_fix *f, uint32_t want, uint32_t never,
			    int n)
{
	uint64_t end = now_ms() + 5000;
	int fd = stlm_event_fd(f->s), seen = 0;

	while (seen < n && now_ms() < end) {
		struct stlm_event ev;

		if (!readable(fd, 100))
			continue;
		while (stlm_event_read(f->s, &ev) == 1) {
			if (ev.type != STLM_EVENT_UPDATE)
				continue;
			for (size_t i = 0; i < ev.n_samples; i++) {
				if (ev.samples[i].id == never)
					STLM_FAIL_AT("DE 0x%x notified", never);
				if (ev.samples[i].id == want)
					seen++;
			}
		}
	}
	ASSERT_CMP(seen, >=, n);
}

/*
 * Notification mode with a message-only DE (TP_MSG) and a SHMTI one
 * (TP_G1A) enabled: by default only TP_MSG is notified (Linux would
 * cache a SHMTI DE's notified value for good); with notify_all_des both.
 */
static void update_flow(const char *scheme, bool all)
{
	struct stlmp_opts o = { .seed = 5 };
	struct stlm_open_opts so = { .no_catalog = true };
	struct stlmp_config *cfg = tp_config(false);
	struct stlm_sample smp;
	const struct stlm_de *de;
	struct tp_fix *f;

	cfg->notify_all_des = all;
	f = tp_fix_new(cfg, &o);
	tp_fix_listen(f, scheme);
	tp_fix_open(f, &so);
	ASSERT_OK(stlm_de_set(f->s, TP_MSG, true, true));
	ASSERT_OK(stlm_de_set(f->s, TP_G1A, true, false));
	ASSERT_OK(stlm_collection_set(f->s, STLM_GROUP_ALL, true,
				      STLM_MODE_NOTIFY, 10000000));
	smp = wait_update(f, TP_MSG);
	ASSERT_EQ(smp.raw, 42);
	ASSERT_TRUE(fabs(smp.value - 0.042) < 1e-12);
	ASSERT_TRUE(smp.flags & STLM_SAMPLE_VALID);
	ASSERT_TRUE(smp.flags & STLM_SAMPLE_MESSAGE);
	ASSERT_TRUE(smp.flags & STLM_SAMPLE_TIMESTAMP);
	ASSERT_EQ(smp.ts_rate_khz, 1000);
	if (all) {
		smp = wait_update(f, TP_G1A);
		ASSERT_EQ(smp.raw, 5);
		ASSERT_FALSE(smp.flags & STLM_SAMPLE_TIMESTAMP);
	} else {
		updates_without(f, TP_MSG, TP_G1A, 5);
	}
	/* the message cache keeps the last value */
	de = stlm_de_get(f->s, TP_MSG);
	pthread_mutex_lock(&f->s->lock);
	ASSERT_TRUE(de->msg_valid);
	ASSERT_EQ(de->msg_raw, 42);
	ASSERT_CMP(de->msg_seq, >, 0);
	pthread_mutex_unlock(&f->s->lock);
	ASSERT_OK(stlm_collection_set(f->s, STLM_GROUP_ALL, false,
				      STLM_MODE_ON_DEMAND, 0));
	fx_stop(f);
}

STLM_TEST(update_from_notifications_unix)
{
	update_flow("unix", false);
	update_flow("unix", true);
}

STLM_TEST(update_from_notifications_shm)
{
	update_flow("shm", false);
	update_flow("shm", true);
}

STLM_TEST(lost_on_overflow)
{
	uint64_t updates = 0, lost = 0, losts = 0, end;
	struct stlm_event ev;
	struct tp_fix *f;
	int fd;

	f = fx_start("unix");
	fd = stlm_event_fd(f->s);
	/* 5000 notifications while nobody reads: the queue holds 4096 */
	ASSERT_OK(stlmp_platform_fault_add(f->p, "flood:count=5000"));
	end = now_ms() + 5000;
	while (updates + lost < 5000 && now_ms() < end) {
		int r;

		if (updates + lost == 0) {
			/* let everything arrive before reading */
			usleep(300000);
		}
		r = stlm_event_read(f->s, &ev);
		ASSERT_OK(r);
		if (r == 0) {
			readable(fd, 50);
			continue;
		}
		if (ev.type == STLM_EVENT_UPDATE) {
			ASSERT_EQ(ev.n_samples, 1);
			updates++;
		} else if (ev.type == STLM_EVENT_LOST) {
			ASSERT_CMP(ev.lost, >, 0);
			lost += ev.lost;
			losts++;
		}
	}
	ASSERT_EQ(updates + lost, 5000);
	ASSERT_CMP(lost, >, 0);
	ASSERT_CMP(losts, >=, 1);
	ASSERT_CMP(updates, >=, 4000);
	ASSERT_EQ(stlm_event_read(f->s, &ev), 0);
	ASSERT_FALSE(readable(fd, 0));
	fx_stop(f);
}

/* A notification that arrives before lazy discovery carries raw values. */
STLM_TEST(update_before_discovery)
{
	struct stlm_open_opts so = { .discovery = STLM_DISCOVERY_LAZY,
				     .no_catalog = true };
	struct stlm_session *s2;
	struct stlm_sample smp;
	struct tp_fix *f;

	f = fx_start("unix");
	ASSERT_OK(stlm_de_set(f->s, TP_MSG, true, true));
	tp_fix_close(f, f->s);
	usleep(20000);
	s2 = tp_fix_open(f, &so);
	ASSERT_TRUE(f->s == s2);
	ASSERT_OK(stlmp_platform_fault_add(f->p, "flood:count=3"));
	smp = wait_update(f, TP_CONST);
	ASSERT_TRUE(smp.flags & STLM_SAMPLE_MESSAGE);
	ASSERT_FALSE(f->s->discovered);
	fx_stop(f);
}
