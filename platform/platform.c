// SPDX-License-Identifier: MIT
/*
 * Copyright (c) 2026 The stlm authors
 *
 * Platform lifecycle: description copy, memory file, DE index, the ticker
 * and delivery threads, agents and listeners. See platform.h for the theory
 * of operation and internal.h for the locking rules.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "astl.h"
#include "internal.h"

void stlmp_log(struct stlmp_platform *p, int level, const char *fmt, ...)
{
	va_list ap;

	if (!p || !p->opts.log)
		return;
	va_start(ap, fmt);
	p->opts.log(p->opts.log_data, level, fmt, ap);
	va_end(ap);
}

static uint64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

uint64_t stlmp_now_ns(struct stlmp_platform *p)
{
	if (p->opts.manual_clock)
		return p->manual_ns;
	return mono_ns() - p->t0_mono_ns;
}

/* ---------------------------------------------------------------- */
/* Description copy (the platform owns its own copy)                */

static void *dup_array(const void *src, size_t n, size_t size, bool *fail)
{
	void *d;

	if (!src || !n)
		return NULL;
	d = calloc(n, size);
	if (!d) {
		*fail = true;
		return NULL;
	}
	memcpy(d, src, n * size);
	return d;
}

static struct stlmp_config *cfg_copy(const struct stlmp_config *s)
{
	struct stlmp_config *c = calloc(1, sizeof(*c));
	bool fail = false;

	if (!c)
		return NULL;
	*c = *s;
	c->intervals.v = dup_array(s->intervals.v, s->intervals.n,
				   sizeof(*s->intervals.v), &fail);
	c->shmti_size = dup_array(s->shmti_size, s->n_shmti,
				  sizeof(*s->shmti_size), &fail);
	c->shmti_fixed = dup_array(s->shmti_fixed, s->n_shmti,
				   sizeof(*s->shmti_fixed), &fail);
	c->groups = dup_array(s->groups, s->n_groups, sizeof(*s->groups), &fail);
	c->des = dup_array(s->des, s->n_des, sizeof(*s->des), &fail);
	c->boot_des = dup_array(s->boot_des, s->n_boot_des,
				sizeof(*s->boot_des), &fail);
	if (c->groups)
		for (uint32_t i = 0; i < c->n_groups; i++)
			c->groups[i].intervals.v = dup_array(
				s->groups[i].intervals.v, s->groups[i].intervals.n,
				sizeof(*s->groups[i].intervals.v), &fail);
	if (c->des)
		for (uint32_t i = 0; i < c->n_des; i++)
			/* shared (gen.h): one more reference */
			c->des[i].gen.samples = stlmp_gen_samples_ref(
				s->des[i].gen.samples);
	if (fail) {
		stlmp_config_free(c);
		return NULL;
	}
	return c;
}

/* ---------------------------------------------------------------- */
/* DE index                                                         */

static int build_hash(struct stlmp_platform *p)
{
	uint32_t size = 16;

	while (size < p->cfg->n_des * 2u)
		size <<= 1;
	p->hash = calloc(size, sizeof(*p->hash));
	if (!p->hash)
		return -ENOMEM;
	p->hash_mask = size - 1;
	for (uint32_t i = 0; i < p->cfg->n_des; i++) {
		uint32_t h = stlm__astl_hash_u32(p->cfg->des[i].desc.id) &
			     p->hash_mask;

		while (p->hash[h]) {
			if (p->cfg->des[p->hash[h] - 1].desc.id ==
			    p->cfg->des[i].desc.id)
				return -EEXIST;
			h = (h + 1) & p->hash_mask;
		}
		p->hash[h] = i + 1;
	}
	return 0;
}

int stlmp_de_index(const struct stlmp_platform *p, uint32_t id)
{
	uint32_t h = stlm__astl_hash_u32(id) & p->hash_mask;

	while (p->hash[h]) {
		uint32_t i = p->hash[h] - 1;

		/* A platform reset may have shrunk the DE set. */
		if (i < p->cfg->n_des && p->cfg->des[i].desc.id == id)
			return (int)i;
		h = (h + 1) & p->hash_mask;
	}
	return -ENOENT;
}

/* ---------------------------------------------------------------- */
/* Memory file                                                      */

static int mem_create(struct stlmp_platform *p, size_t size)
{
	int fd;

	if (p->opts.mem_path) {
		/* O_NOFOLLOW: a symlink planted in a shared directory must
		 * not make us truncate its target (docs/SECURITY.md). */
		fd = open(p->opts.mem_path,
			  O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW,
			  0644);
		if (fd < 0)
			return -errno;
		p->mem_path = strdup(p->opts.mem_path);
		if (!p->mem_path) {
			close(fd);
			return -ENOMEM;
		}
	} else {
		fd = memfd_create("stlm-platform", MFD_CLOEXEC);
		if (fd < 0)
			return -errno;
	}
	if (ftruncate(fd, (off_t)size) < 0) {
		int err = -errno;

		close(fd);
		return err;
	}
	p->mem = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (p->mem == MAP_FAILED) {
		int err = -errno;

		p->mem = NULL;
		close(fd);
		return err;
	}
	p->mem_fd = fd;
	p->mem_size = size;
	return 0;
}

const char *stlmp_platform_mem_path(const struct stlmp_platform *p)
{
	return p->mem_path;
}

int stlmp_platform_mem_fd(const struct stlmp_platform *p)
{
	return p->mem_fd;
}

size_t stlmp_platform_mem_size(const struct stlmp_platform *p)
{
	return p->mem_size;
}

uint8_t *stlmp_platform_mem_base(const struct stlmp_platform *p)
{
	return p->mem;
}

const struct stlmp_config *stlmp_platform_config(const struct stlmp_platform *p)
{
	return p->cfg;
}

int stlmp_platform_smt_areas(const struct stlmp_platform *p,
			     size_t *ret_a2p_off, size_t *ret_p2a_off,
			     size_t *ret_area_size)
{
	*ret_a2p_off = p->smt_a2p_off;
	*ret_p2a_off = p->smt_p2a_off;
	*ret_area_size = p->smt_size;
	return 0;
}

size_t stlmp_platform_max_msg(const struct stlmp_platform *p)
{
	/*
	 * max_msg_size bounds a whole message (header + payload) in both
	 * directions: with Linux's default 104 a reply carries at most 96
	 * bytes of return values, which fits a 128-byte SMT area (§2.8) and
	 * Linux raw mode's max_msg_size + 4 staging buffer (§12).
	 */
	return p->cfg->max_msg_size;
}

/* ---------------------------------------------------------------- */
/* Sending                                                          */

int stlmp_send_now(struct stlmp_platform *p, const uint8_t *msg, size_t len)
{
	struct stlmp_agent *a;
	int r = -ENOTCONN;

	pthread_mutex_lock(&p->agent_lock);
	a = p->agent;
	if (a && !a->gone) {
		pthread_mutex_lock(&p->send_lock);
		r = a->sink.send(a->sink.data, msg, len);
		pthread_mutex_unlock(&p->send_lock);
		if (r < 0) {
			a->gone = true;
			stlmp_log(p, STLMP_LOG_INFO,
				  "agent sink failed (%s), dropping its messages",
				  strerror(-r));
		}
	}
	pthread_mutex_unlock(&p->agent_lock);
	return r;
}

/*
 * Queue for the delivery thread; due_ns is an absolute CLOCK_MONOTONIC
 * time (0 = as soon as possible, after anything already due).
 */
void stlmp_queue_send(struct stlmp_platform *p, const uint8_t *msg, size_t len,
		      uint64_t due_ns)
{
	struct pending *m = malloc(sizeof(*m) + len), **pp;

	if (!m) {
		stlmp_log(p, STLMP_LOG_ERR, "out of memory queueing a message");
		return;
	}
	m->due_ns = due_ns;
	m->len = len;
	memcpy(m->msg, msg, len);
	pthread_mutex_lock(&p->agent_lock);
	pp = &p->pending;
	while (*pp && (*pp)->due_ns <= due_ns)
		pp = &(*pp)->next;
	m->next = *pp;
	*pp = m;
	pthread_cond_signal(&p->deliver_cond);
	pthread_mutex_unlock(&p->agent_lock);
}

static void pending_flush_locked(struct stlmp_platform *p)
{
	while (p->pending) {
		struct pending *m = p->pending;

		p->pending = m->next;
		free(m);
	}
}

static void abs_timespec(uint64_t ns, struct timespec *ts)
{
	ts->tv_sec = (time_t)(ns / 1000000000ull);
	ts->tv_nsec = (long)(ns % 1000000000ull);
}

static void *deliver_main(void *arg)
{
	struct stlmp_platform *p = arg;

	pthread_mutex_lock(&p->agent_lock);
	while (!p->deliver_stop) {
		struct pending *m = p->pending;
		uint64_t now = mono_ns();

		if (!m) {
			pthread_cond_wait(&p->deliver_cond, &p->agent_lock);
			continue;
		}
		if (m->due_ns > now) {
			struct timespec ts;

			abs_timespec(m->due_ns, &ts);
			pthread_cond_timedwait(&p->deliver_cond, &p->agent_lock,
					       &ts);
			continue;
		}
		p->pending = m->next;
		if (p->agent && !p->agent->gone) {
			int r;

			pthread_mutex_lock(&p->send_lock);
			r = p->agent->sink.send(p->agent->sink.data, m->msg,
						m->len);
			pthread_mutex_unlock(&p->send_lock);
			if (r < 0)
				p->agent->gone = true;
		}
		free(m);
	}
	pthread_mutex_unlock(&p->agent_lock);
	return NULL;
}

/* ---------------------------------------------------------------- */
/* Ticker                                                           */

void stlmp_kick(struct stlmp_platform *p)
{
	pthread_cond_signal(&p->ticker_cond);
}

/*
 * Build the TELEMETRY_UPDATE notifications for the enabled DEs of the due
 * notification-mode scopes, as many lines per message as max_msg_size
 * allows, and queue them. Only message-only DEs (no SHMTI line, no
 * FastChannel) unless the description sets notify_all_des: the Linux
 * driver caches a notified value for good, so a SHMTI or FastChannel DE
 * in a notification would make its later single reads stale there.
 */
static void queue_notifications(struct stlmp_platform *p, const bool *due)
{
	size_t cap = stlmp_platform_max_msg(p);
	uint8_t *msg = malloc(cap), *lines = malloc(cap);
	size_t nb = 0;
	struct scmi_hdr h = { .id = SCMI_TLM_UPDATE,
			      .type = SCMI_MSG_NOTIFICATION,
			      .proto = SCMI_PROTO_TELEMETRY };
	/* header + agent_id + status + num_dwords */
	size_t room = cap - 16;


	if (!msg || !lines)
		goto out;
	for (uint32_t i = 0; i <= p->cfg->n_des; i++) {
		uint8_t line[TDCF_LINE_EXT_SIZE];
		size_t ll = 0;

		if (i < p->cfg->n_des) {
			uint32_t s;

			if (!p->de[i].enabled)
				continue;
			if (!p->cfg->notify_all_des &&
			    (p->de[i].shmti != STLMP_NO_SHMTI ||
			     p->cfg->des[i].desc.has_fc))
				continue;
			s = stlmp_de_scope(p, i);
			if (!due[s] || !p->scope[s].enabled ||
			    p->scope[s].mode != SCMI_TLM_MODE_NOTIFY)
				continue;
			ll = stlmp_msg_line(p, i, line);
		}
		if (nb && (i == p->cfg->n_des || nb + ll > room)) {
			int n;

			scmi_put_le32(msg, scmi_hdr_pack(&h));
			n = scmi_tlm_update_encode(STLMP_AGENT_ID, SCMI_SUCCESS,
						   lines, nb, msg + 4, cap - 4);
			if (n > 0) {
				stlmp_queue_send(p, msg, 4 + (size_t)n, 0);
				p->stats.notifications++;
			}
			nb = 0;
		}
		if (ll) {
			memcpy(lines + nb, line, ll);
			nb += ll;
		}
	}
out:
	free(msg);
	free(lines);
}

/* Run every pass due at platform time now. Locked. Returns the next due
 * time (UINT64_MAX if nothing is scheduled). */
static uint64_t run_due(struct stlmp_platform *p, uint64_t now)
{
	bool due_buf[64], *due = due_buf, any = false, notify = false;
	uint64_t next = UINT64_MAX;

	/* platform reset faults */
	for (struct fault *f = p->faults; f; f = f->next) {
		if (f->kind == FAULT_RESET && f->count != 0 && f->due_ns <= now) {
			if (f->count > 0)
				f->count--;
			stlmp_log(p, STLMP_LOG_INFO, "fault: platform reset%s",
				  f->change ? " with a changed DE set" : "");
			if (f->change && p->cfg->n_des > 1) {
				/* The firmware came back with one DE fewer and a
				 * new DE implementation revision. */
				p->cfg->n_des--;
				p->cfg->uuid[15] ^= 0x5A;
			}
			stlmp_state_reset(p);
			/* The reset restarted platform time: a repeating reset
			 * is due ms from now in the new time base (not from
			 * the old now, which would drift further each time). */
			f->due_ns = f->count ? stlmp_now_ns(p) +
						       (uint64_t)f->ms * 1000000ull :
					       UINT64_MAX;
		}
		if (f->kind == FAULT_RESET && f->count != 0 && f->due_ns < next)
			next = f->due_ns;
	}

	if (p->n_scopes > 64) {
		due = calloc(p->n_scopes, sizeof(*due));
		if (!due)
			return now + 1000000;
	}
	for (uint32_t s = 0; s < p->n_scopes; s++) {
		struct coll_scope *c = &p->scope[s];

		due[s] = false;
		if (!c->enabled)
			continue;
		if (c->next_ns <= now) {
			uint64_t iv = scmi_tlm_interval_ns(&c->interval);

			if (iv < 100000)
				iv = 100000; /* 100 us floor keeps us responsive */
			due[s] = true;
			any = true;
			if (c->mode == SCMI_TLM_MODE_NOTIFY)
				notify = true;
			c->next_ns += iv;
			if (c->next_ns <= now)
				c->next_ns = now + iv;
		}
		if (c->next_ns < next)
			next = c->next_ns;
	}
	if (any) {
		stlmp_update_pass(p, due, now);
		if (notify && p->cfg->notifications)
			queue_notifications(p, due);
	}
	if (due != due_buf)
		free(due);
	return next;
}

static void *ticker_main(void *arg)
{
	struct stlmp_platform *p = arg;

	pthread_mutex_lock(&p->lock);
	while (!p->stopping) {
		uint64_t now = stlmp_now_ns(p);
		uint64_t next = run_due(p, now);

		if (p->stopping)
			break;
		if (next == UINT64_MAX) {
			pthread_cond_wait(&p->ticker_cond, &p->lock);
		} else if (next > now) {
			struct timespec ts;

			abs_timespec(next + p->t0_mono_ns, &ts);
			pthread_cond_timedwait(&p->ticker_cond, &p->lock, &ts);
		}
	}
	pthread_mutex_unlock(&p->lock);
	return NULL;
}

void stlmp_platform_advance(struct stlmp_platform *p, uint64_t ns)
{
	uint64_t target;

	pthread_mutex_lock(&p->lock);
	target = p->manual_ns + ns;
	for (int guard = 0; guard < 10000000; guard++) {
		uint64_t next = UINT64_MAX;

		for (uint32_t s = 0; s < p->n_scopes; s++)
			if (p->scope[s].enabled && p->scope[s].next_ns < next)
				next = p->scope[s].next_ns;
		for (struct fault *f = p->faults; f; f = f->next)
			if (f->kind == FAULT_RESET && f->count != 0 &&
			    f->due_ns < next)
				next = f->due_ns;
		if (next > target)
			break;
		if (next > p->manual_ns)
			p->manual_ns = next;
		run_due(p, p->manual_ns);
	}
	p->manual_ns = target;
	pthread_mutex_unlock(&p->lock);
}

void stlmp_platform_tick(struct stlmp_platform *p)
{
	bool *due;

	pthread_mutex_lock(&p->lock);
	due = calloc(p->n_scopes, sizeof(*due));
	if (due) {
		bool notify = false;

		for (uint32_t s = 0; s < p->n_scopes; s++) {
			due[s] = p->scope[s].enabled;
			notify |= due[s] &&
				  p->scope[s].mode == SCMI_TLM_MODE_NOTIFY;
		}
		stlmp_update_pass(p, due, stlmp_now_ns(p));
		if (notify && p->cfg->notifications)
			queue_notifications(p, due);
		free(due);
	}
	pthread_mutex_unlock(&p->lock);
}

/* ---------------------------------------------------------------- */
/* State                                                            */

void stlmp_state_reset(struct stlmp_platform *p)
{
	const struct stlmp_config *c = p->cfg;

	for (uint32_t i = 0; i < c->n_des; i++) {
		memset(&p->de[i], 0, sizeof(p->de[i]));
		p->de[i].shmti = STLMP_NO_SHMTI;
		stlmp_gen_init(&c->des[i].gen, p->seed, c->des[i].desc.id,
			       &p->de[i].gen);
	}
	for (uint32_t g = 0; g < c->n_groups; g++) {
		p->group_enabled[g] = false;
		p->group_ts[g] = false;
	}
	for (uint32_t s = 0; s < p->n_scopes; s++) {
		p->scope[s].enabled = false;
		p->scope[s].mode = SCMI_TLM_MODE_ON_DEMAND;
		p->scope[s].interval = c->default_interval;
		p->scope[s].next_ns = 0;
	}
	/* Platform time and accumulated data restart. */
	if (p->opts.manual_clock)
		p->manual_ns = 0;
	else
		p->t0_mono_ns = mono_ns();
	p->tick = 0;
	stlmp_shmti_format_all(p);
	stlmp_kick(p);
}

static void boot_on(struct stlmp_platform *p)
{
	const struct stlmp_config *c = p->cfg;

	if (!c->boot_on)
		return;
	for (uint32_t i = 0; i < c->n_boot_des; i++) {
		int idx = stlmp_de_index(p, c->boot_des[i]);

		if (idx >= 0)
			stlmp_de_enable(p, (uint32_t)idx, false, false);
	}
	for (uint32_t s = 0; s < p->n_scopes; s++) {
		p->scope[s].enabled = true;
		p->scope[s].next_ns = stlmp_now_ns(p);
	}
}

int stlmp_platform_new(const struct stlmp_config *cfg,
		       const struct stlmp_opts *opts,
		       struct stlmp_platform **ret)
{
	static const struct stlmp_opts no_opts;
	struct stlmp_platform *p;
	pthread_condattr_t ca;
	char err[256];
	int r;

	if (!cfg || !ret)
		return -EINVAL;
	r = stlmp_config_validate(cfg, err, sizeof(err));
	if (r < 0) {
		if (opts && opts->log) {
			struct stlmp_platform tmp = { .opts = *opts };

			stlmp_log(&tmp, STLMP_LOG_ERR, "invalid description: %s",
				  err);
		}
		return r;
	}
	p = calloc(1, sizeof(*p));
	if (!p)
		return -ENOMEM;
	p->mem_fd = -1;
	p->opts = opts ? *opts : no_opts;
	p->opts.mem_path = NULL; /* copied below if needed */
	p->seed = p->opts.seed;
	pthread_mutex_init(&p->lock, NULL);
	pthread_mutex_init(&p->send_lock, NULL);
	pthread_mutex_init(&p->agent_lock, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&p->ticker_cond, &ca);
	pthread_cond_init(&p->deliver_cond, &ca);
	pthread_condattr_destroy(&ca);

	p->cfg = cfg_copy(cfg);
	if (!p->cfg) {
		r = -ENOMEM;
		goto err_free;
	}
	p->orig_n_des = p->cfg->n_des;
	r = build_hash(p);
	if (r < 0)
		goto err_free;
	p->de = calloc(cfg->n_des ? cfg->n_des : 1, sizeof(*p->de));
	p->group_enabled = calloc(cfg->n_groups + 1, sizeof(bool));
	p->group_ts = calloc(cfg->n_groups + 1, sizeof(bool));
	p->n_scopes = cfg->per_group ? cfg->n_groups + 1 : 1;
	p->scope = calloc(p->n_scopes, sizeof(*p->scope));
	p->shmti = calloc(cfg->n_shmti + 1, sizeof(*p->shmti));
	if (!p->de || !p->group_enabled || !p->group_ts || !p->scope ||
	    !p->shmti) {
		r = -ENOMEM;
		goto err_free;
	}

	/* Layout decides the memory file size; then format it. */
	if (opts && opts->mem_path)
		p->opts.mem_path = opts->mem_path;
	r = stlmp_layout(p);
	p->opts.mem_path = NULL;
	if (r < 0)
		goto err_free;

	p->t0_mono_ns = mono_ns();
	pthread_mutex_lock(&p->lock);
	stlmp_state_reset(p);
	boot_on(p);
	pthread_mutex_unlock(&p->lock);

	if (pthread_create(&p->deliver, NULL, deliver_main, p) != 0) {
		r = -EAGAIN;
		goto err_free;
	}
	p->deliver_running = true;
	if (!p->opts.manual_clock) {
		if (pthread_create(&p->ticker, NULL, ticker_main, p) != 0) {
			r = -EAGAIN;
			goto err_free;
		}
		p->ticker_running = true;
	}
	*ret = p;
	return 0;

err_free:
	stlmp_platform_free(p);
	return r;
}

/* Used by stlmp_layout() to create the file once the size is known. */
int stlmp_mem_create(struct stlmp_platform *p, size_t size);
int stlmp_mem_create(struct stlmp_platform *p, size_t size)
{
	return mem_create(p, size);
}

void stlmp_platform_free(struct stlmp_platform *p)
{
	if (!p)
		return;
	for (uint32_t i = p->n_servers; i-- > 0;)
		p->servers[i].ops->stop(p->servers[i].srv);
	p->n_servers = 0;

	pthread_mutex_lock(&p->lock);
	p->stopping = true;
	pthread_cond_broadcast(&p->ticker_cond);
	pthread_mutex_unlock(&p->lock);
	if (p->ticker_running)
		pthread_join(p->ticker, NULL);

	pthread_mutex_lock(&p->agent_lock);
	p->deliver_stop = true;
	pthread_cond_broadcast(&p->deliver_cond);
	pthread_mutex_unlock(&p->agent_lock);
	if (p->deliver_running)
		pthread_join(p->deliver, NULL);

	pthread_mutex_lock(&p->agent_lock);
	pending_flush_locked(p);
	if (p->agent) {
		p->agent->p = NULL;
		p->agent = NULL;
	}
	pthread_mutex_unlock(&p->agent_lock);

	stlmp_fault_free_all(p);
	if (p->mem)
		munmap(p->mem, p->mem_size);
	if (p->mem_fd >= 0)
		close(p->mem_fd);
	if (p->shmti) {
		for (uint32_t i = 0; p->cfg && i < p->cfg->n_shmti; i++) {
			free(p->shmti[i].lines);
			free(p->shmti[i].tmpl);
		}
		free(p->shmti);
	}
	free(p->mem_path);
	free(p->de);
	free(p->hash);
	free(p->group_enabled);
	free(p->group_ts);
	free(p->scope);
	if (p->cfg)
		p->cfg->n_des = p->orig_n_des; /* a reset fault may shrink it */
	stlmp_config_free(p->cfg);
	pthread_cond_destroy(&p->ticker_cond);
	pthread_cond_destroy(&p->deliver_cond);
	pthread_mutex_destroy(&p->lock);
	pthread_mutex_destroy(&p->send_lock);
	pthread_mutex_destroy(&p->agent_lock);
	free(p);
}

/* ---------------------------------------------------------------- */
/* Agents                                                           */

int stlmp_agent_attach(struct stlmp_platform *p, const struct stlmp_sink *sink,
		       struct stlmp_agent **ret)
{
	struct stlmp_agent *a;

	if (!p || !sink || !sink->send || !ret)
		return -EINVAL;
	a = calloc(1, sizeof(*a));
	if (!a)
		return -ENOMEM;
	a->p = p;
	a->sink = *sink;
	pthread_mutex_lock(&p->agent_lock);
	if (p->agent || p->deliver_stop) {
		pthread_mutex_unlock(&p->agent_lock);
		free(a);
		pthread_mutex_lock(&p->lock);
		p->stats.agents_refused++;
		pthread_mutex_unlock(&p->lock);
		stlmp_log(p, STLMP_LOG_INFO,
			  "refused an agent: the channel is already owned");
		return -EBUSY;
	}
	p->agent = a;
	pthread_mutex_unlock(&p->agent_lock);
	stlmp_log(p, STLMP_LOG_INFO, "agent attached");
	*ret = a;
	return 0;
}

void stlmp_agent_detach(struct stlmp_agent *a)
{
	struct stlmp_platform *p;

	if (!a)
		return;
	p = a->p;
	if (p) {
		pthread_mutex_lock(&p->agent_lock);
		if (p->agent == a) {
			p->agent = NULL;
			pending_flush_locked(p);
		}
		pthread_mutex_unlock(&p->agent_lock);
		stlmp_log(p, STLMP_LOG_INFO, "agent detached");
	}
	free(a);
}

int stlmp_agent_command(struct stlmp_agent *a, const uint8_t *msg, size_t len)
{
	struct stlmp_platform *p;
	struct scmi_hdr h;
	size_t cap, rlen, post_len = 0;
	uint8_t *out, *post;
	int delay, r;

	if (!a || !a->p || !msg)
		return -EINVAL;
	p = a->p;
	if (len < 4)
		return -EBADMSG;
	r = scmi_hdr_unpack(scmi_get_le32(msg), &h);
	if (r < 0)
		return r;
	if (h.type != SCMI_MSG_COMMAND)
		return -EPROTO;

	cap = stlmp_platform_max_msg(p) + 64;
	out = malloc(cap);
	post = malloc(cap);
	if (!out || !post) {
		free(out);
		free(post);
		return -ENOMEM;
	}
	pthread_mutex_lock(&p->lock);
	p->stats.commands++;
	rlen = stlmp_handle(p, &h, msg + 4, len - 4, out, cap - 8, post,
			    cap, &post_len);
	delay = stlmp_fault_reply(p, &h, out, &rlen, cap);
	pthread_mutex_unlock(&p->lock);

	if (delay > 0) {
		uint64_t due = mono_ns() + (uint64_t)delay * 1000000ull;

		stlmp_queue_send(p, out, rlen, due);
		if (post_len)
			stlmp_queue_send(p, post, post_len, due);
	} else {
		if (delay == 0)
			stlmp_send_now(p, out, rlen);
		if (post_len)
			stlmp_send_now(p, post, post_len);
	}
	free(out);
	free(post);
	return 0;
}

/* ---------------------------------------------------------------- */
/* Listeners, faults, misc                                          */

int stlmp_platform_listen(struct stlmp_platform *p, const char *uri)
{
	static const struct stlmp_server_ops *const all[] = {
		&stlmp_server_unix, &stlmp_server_tcp, &stlmp_server_shm,
		&stlmp_server_rawfs, &stlmp_server_vhost,
	};
	const char *colon;
	int r;

	if (!p || !uri)
		return -EINVAL;
	colon = strchr(uri, ':');
	if (!colon || !colon[1])
		return -EINVAL;
	if (p->n_servers >= STLMP_MAX_SERVERS)
		return -ENOSPC;
	for (size_t i = 0; i < ARRAY_SIZE(all); i++) {
		struct stlmp_server *srv;

		if (strlen(all[i]->scheme) != (size_t)(colon - uri) ||
		    strncmp(all[i]->scheme, uri, (size_t)(colon - uri)))
			continue;
		r = all[i]->start(p, colon + 1, &srv);
		if (r < 0) {
			stlmp_log(p, STLMP_LOG_ERR, "cannot listen on %s: %s",
				  uri, strerror(-r));
			return r;
		}
		p->servers[p->n_servers].ops = all[i];
		p->servers[p->n_servers].srv = srv;
		p->n_servers++;
		stlmp_log(p, STLMP_LOG_INFO, "listening on %s", uri);
		return 0;
	}
	stlmp_log(p, STLMP_LOG_ERR, "unknown transport in '%s'", uri);
	return -EINVAL;
}

int stlmp_platform_tcp_port(const struct stlmp_platform *p)
{
	for (uint32_t i = 0; i < p->n_servers; i++)
		if (p->servers[i].ops == &stlmp_server_tcp)
			return p->servers[i].ops->port(p->servers[i].srv);
	return -1;
}

int stlmp_platform_fault_add(struct stlmp_platform *p, const char *spec)
{
	struct fault *f;
	char err[200];
	int r;

	if (!p || !spec)
		return -EINVAL;
	f = calloc(1, sizeof(*f));
	if (!f)
		return -ENOMEM;
	r = stlmp_fault_parse(spec, f, err, sizeof(err));
	if (r < 0) {
		stlmp_log(p, STLMP_LOG_ERR, "bad fault '%s': %s", spec, err);
		free(f);
		return r;
	}
	pthread_mutex_lock(&p->lock);
	if (f->kind == FAULT_RESET)
		f->due_ns = stlmp_now_ns(p) + (uint64_t)f->ms * 1000000ull;
	if (f->kind == FAULT_FLOOD) {
		/* A burst of well-formed notifications right now. */
		int n = f->count > 0 ? f->count : 1000;
		uint8_t msg[64];
		struct scmi_hdr h = { .id = SCMI_TLM_UPDATE,
				      .type = SCMI_MSG_NOTIFICATION,
				      .proto = SCMI_PROTO_TELEMETRY };

		pthread_mutex_unlock(&p->lock);
		for (int i = 0; i < n; i++) {
			uint8_t line[16] = { 0 };
			int len;

			scmi_put_le32(line + 4, p->cfg->n_des ?
						p->cfg->des[i % p->cfg->n_des].desc.id :
						0);
			scmi_put_le64(line + 8, (uint64_t)i);
			scmi_put_le32(msg, scmi_hdr_pack(&h));
			len = scmi_tlm_update_encode(STLMP_AGENT_ID, 0, line,
						     sizeof(line), msg + 4,
						     sizeof(msg) - 4);
			if (len > 0)
				stlmp_queue_send(p, msg, 4 + (size_t)len, 0);
		}
		free(f);
		return 0;
	}
	f->next = p->faults;
	p->faults = f;
	pthread_mutex_unlock(&p->lock);
	stlmp_kick(p);
	return 0;
}

void stlmp_platform_fault_clear(struct stlmp_platform *p)
{
	pthread_mutex_lock(&p->lock);
	stlmp_fault_free_all(p);
	for (uint32_t i = 0; i < p->cfg->n_shmti; i++) {
		p->shmti[i].torn = 0;
		p->shmti[i].stuck = false;
	}
	pthread_mutex_unlock(&p->lock);
}

void stlmp_platform_reset(struct stlmp_platform *p)
{
	pthread_mutex_lock(&p->lock);
	stlmp_state_reset(p);
	pthread_mutex_unlock(&p->lock);
}

int stlmp_platform_predict(struct stlmp_platform *p, uint32_t id,
			   uint64_t t_ns, uint64_t tick, uint64_t *ret)
{
	int idx = stlmp_de_index(p, id);
	const struct stlmp_de_cfg *d;

	if (idx < 0)
		return idx;
	d = &p->cfg->des[idx];
	*ret = stlmp_gen_predict(&d->gen, p->seed, id, t_ns, tick,
				 d->desc.data_size);
	return 0;
}

void stlmp_platform_stats(const struct stlmp_platform *p,
			  struct stlmp_stats *ret)
{
	pthread_mutex_lock((pthread_mutex_t *)&p->lock);
	*ret = p->stats;
	pthread_mutex_unlock((pthread_mutex_t *)&p->lock);
}
