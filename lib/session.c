// SPDX-License-Identifier: MIT
/*
 * Copyright (c) 2026 The stlm authors
 *
 * Sessions: open and close through the backend the URI scheme names
 * (backend.h), the generation, the session state, the configuration and
 * collection entry points (argument checks, then the backend's ops), the
 * group interval cache and the message cache. See session.h for the
 * theory of operation.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "session.h"

#define DEFAULT_RETRIES		3

/* ------------------------------------------------------------------ */
/* Logging                                                             */

void stlm__log(struct stlm_session *s, int level, const char *fmt, ...)
{
	va_list ap;

	if (!s || !s->opts.log)
		return;
	va_start(ap, fmt);
	s->opts.log(s->opts.log_data, level, fmt, ap);
	va_end(ap);
}

/* ------------------------------------------------------------------ */
/* Deviations                                                          */

void stlm__deviation(struct stlm_session *s, uint32_t mask, const char *where)
{
	if (!s)
		return;
	for (int k = 0; k < STLM_DEV_KINDS; k++) {
		uint32_t bit = 1u << k;

		if (!(mask & bit))
			continue;
		__atomic_add_fetch(&s->dev_count[k], 1, __ATOMIC_RELAXED);
		/* Once per kind and session: the count tells the rest. */
		if (__atomic_fetch_or(&s->dev_logged, bit, __ATOMIC_RELAXED) &
		    bit)
			continue;
		stlm__log(s, STLM_LOG_WARNING,
			  "platform deviation tolerated (%s) in %s; "
			  "further ones are only counted",
			  stlm_deviation_name(k), where);
	}
}

STLM_API int stlm_session_deviations(struct stlm_session *s,
				     uint64_t *counts, size_t n)
{
	if (!s || (!counts && n))
		return -EINVAL;
	for (size_t k = 0; k < n && k < STLM_DEV_KINDS; k++)
		counts[k] = __atomic_load_n(&s->dev_count[k], __ATOMIC_RELAXED);
	return STLM_DEV_KINDS;
}

STLM_API const char *stlm_deviation_name(int kind)
{
	static const char *const names[STLM_DEV_KINDS] = {
		"reserved-bits", "long-reply",	   "shmti-flags",
		"shmti-alignment", "name",	   "tdcf-meta",
		"interval-order", "enabled-mode",
	};

	return kind >= 0 && kind < STLM_DEV_KINDS ? names[kind] : NULL;
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

void stlm__generation_bump_unlocked(struct stlm_session *s)
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
/* Discovery, resync and single samples: through the backend           */

int stlm__discover(struct stlm_session *s)
{
	int r = 0;

	if (!s)
		return -EINVAL;
	if (__atomic_load_n(&s->discovered, __ATOMIC_ACQUIRE))
		return 0;
	pthread_mutex_lock(&s->disc_lock);
	if (!s->discovered) {
		if (s->ops->discover)
			r = s->ops->discover(s);
		else
			r = s->discovery_error ? s->discovery_error : -ENODEV;
	}
	pthread_mutex_unlock(&s->disc_lock);
	return r;
}

void stlm__progress(struct stlm_session *s, const char *what, uint64_t done,
		    uint64_t total)
{
	if (s && s->opts.progress)
		s->opts.progress(s->opts.progress_data, what, done, total);
}

void stlm__placement_lost(struct stlm_session *s)
{
	if (s && s->ops->resync)
		s->ops->resync(s);
}

void stlm__catalog_apply(struct stlm_session *s)
{
	if (!s->opts.no_catalog)
		stlm__catalog_autoload(s);
}

int stlm__single_sample(struct stlm_session *s, uint8_t *resp,
			size_t resp_cap, uint8_t *dresp, size_t dresp_cap,
			int *ret_dlen)
{
	if (!s || !resp || !dresp || !ret_dlen)
		return -EINVAL;
	if (!s->ops->single_sample)
		return -EOPNOTSUPP;
	return s->ops->single_sample(s, resp, resp_cap, dresp, dresp_cap,
				     ret_dlen);
}

int stlm__mem_open(struct stlm_session *s)
{
	if (!s)
		return -EINVAL;
	if (!s->ops->mem_open)
		return -ENOENT;
	return s->ops->mem_open(s);
}

/* ------------------------------------------------------------------ */
/* Open and close                                                      */

STLM_API int stlm_session_open(const char *uri,
			       const struct stlm_open_opts *opts,
			       struct stlm_session **ret)
{
	const struct stlm_backend_ops *ops;
	struct stlm_session *s;
	int r;

	if (!uri || !ret)
		return -EINVAL;
	if (opts && opts->size && opts->size < sizeof(size_t))
		return -EINVAL;
	r = stlm__backend_select(uri, &ops);
	if (r < 0)
		return r;

	s = calloc(1, sizeof(*s));
	if (!s)
		return -ENOMEM;
	if (opts) {
		size_t n = opts->size && opts->size < sizeof(*opts) ?
				   opts->size : sizeof(*opts);

		memcpy(&s->opts, opts, n);
	}
	s->opts.size = sizeof(s->opts);
	s->ops = ops;
	s->event_fd = -1;
	s->generation = 1;
	pthread_mutex_init(&s->lock, NULL);
	pthread_mutex_init(&s->disc_lock, NULL);
	if (s->opts.timeout_ms < 0 ||
	    (s->opts.discovery != STLM_DISCOVERY_FULL &&
	     s->opts.discovery != STLM_DISCOVERY_LAZY)) {
		r = -EINVAL;
		goto err_close;
	}
	if (!s->opts.retries)
		s->opts.retries = DEFAULT_RETRIES;
	s->uri = strdup(uri);
	if (!s->uri) {
		r = -ENOMEM;
		goto err_close;
	}
	r = stlm__events_init(s);
	if (r < 0)
		goto err_close;
	r = s->ops->open(s, uri);
	if (r < 0) {
		stlm__log(s, STLM_LOG_DEBUG, "%s: %s", uri, strerror(-r));
		/*
		 * Opening the transport asks nothing of the platform: a
		 * permission error here is local (a file, device or socket
		 * the caller may not open), never the platform's DENIED
		 * (-EACCES): -EPERM (docs/api.md "Errors").
		 */
		if (r == -EACCES)
			r = -EPERM;
		goto err_close;
	}
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
	/* Threads first: nothing uses the mapping or the tables after. */
	s->ops->close(s);
	if (s->mem)
		munmap((void *)s->mem, s->mem_size);
	stlm__table_free(s->table);
	while ((tb = s->retired)) {
		s->retired = tb->next_retired;
		stlm__table_free(tb);
	}
	stlm__catalog_free(s->catalog);
	stlm__events_free(s);
	pthread_mutex_destroy(&s->disc_lock);
	pthread_mutex_destroy(&s->lock);
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

STLM_API const char *stlm_session_interface(const struct stlm_session *s)
{
	if (!s)
		return NULL;
	return s->interface[0] ? s->interface : s->ops->name;
}

STLM_API enum stlm_state stlm_session_state(struct stlm_session *s, int *err)
{
	if (!s) {
		if (err)
			*err = -EINVAL;
		return STLM_STATE_LOST;
	}
	/* The memory file shrank under the mapping (memguard.c). */
	if (__atomic_load_n(&s->mem_err, __ATOMIC_RELAXED)) {
		if (err)
			*err = __atomic_load_n(&s->mem_err, __ATOMIC_RELAXED);
		return STLM_STATE_LOST;
	}
	return s->ops->state(s, err);
}

/* ------------------------------------------------------------------ */
/* Configuration                                                       */

/* stlm_de_set / stlm_group_set / stlm_all_set: a batch of one. */
static int set_one(struct stlm_session *s, int op, uint32_t id, bool enable,
		   bool timestamps)
{
	struct stlm_batch_item it = {
		.op = op, .id = id, .enable = enable, .timestamps = timestamps,
	};
	int r;

	if (!s)
		return -EINVAL;
	r = s->ops->configure(s, &it, 1);
	return r < 0 ? r : it.status;
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
	if (!s || (n && !items))
		return -EINVAL;
	return s->ops->configure(s, items, n);
}

/* ------------------------------------------------------------------ */
/* Collection                                                          */

int stlm__group_intervals(struct stlm_session *s, uint32_t group,
			  struct stlm_intervals *ret)
{
	struct stlm_table *tb = stlm__table_get(s);
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
	r = s->ops->group_intervals(s, group, &fresh);
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

STLM_API int stlm_collection_set(struct stlm_session *s, uint32_t group,
				 bool enable, int mode, uint64_t interval_ns)
{
	if (!s || (mode != STLM_MODE_ON_DEMAND && mode != STLM_MODE_NOTIFY))
		return -EINVAL;
	return s->ops->coll_set(s, group, enable, mode, interval_ns);
}

STLM_API int stlm_collection_get(struct stlm_session *s, uint32_t group,
				 struct stlm_collection *ret)
{
	if (!s || !ret)
		return -EINVAL;
	return s->ops->coll_get(s, group, ret);
}

STLM_API int stlm_reset(struct stlm_session *s)
{
	if (!s)
		return -EINVAL;
	if (!s->info.reset)
		return -EOPNOTSUPP;
	return s->ops->reset(s);
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
	uint32_t dev = 0;

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
		int r = tdcf_msg_line_next_dev(lines, nbytes, &off, &l, &dev);
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
		k = stlm__table_lookup(tb, l.id);
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
	if (dev)
		stlm__deviation(s, dev, "message lines");
	free(v);
}
