// SPDX-License-Identifier: MIT
/*
 * Copyright (c) 2026 The stlm authors
 *
 * The FUSE tree's events: blocking generation and pipe reads, and the
 * pump thread that drains the session's events, probes the platform and
 * reconnects. See fuse.c for the theory of operation.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "fuse-internal.h"
#include "fuse-parse.h"
#include "snapshot-bin.h"


/* Wait on fs->cond (fs->lock held) for at most 200 ms. */
static void fs_wait(struct fs *fs)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_nsec += 200000000;
	if (ts.tv_nsec >= 1000000000) {
		ts.tv_sec++;
		ts.tv_nsec -= 1000000000;
	}
	pthread_cond_timedwait(&fs->cond, &fs->lock, &ts);
}

/*
 * Why a blocking read must stop waiting, as a positive errno (EIO at
 * shutdown, EINTR when interrupted, EAGAIN for O_NONBLOCK), or 0 to wait.
 * fs->lock held.
 */
static int wait_abort(fuse_req_t req, struct fs *fs, const struct ofile *f)
{
	if (fs->stopping)
		return EIO;
	if (fuse_req_interrupted(req))
		return EINTR;
	if (f->nonblock)
		return EAGAIN;
	return 0;
}

/*
 * Count a read that is about to block (*counted), or EAGAIN when too many
 * already do (see FS_MAX_BLOCKED). fs->lock held.
 */
static int block_begin(fuse_req_t req, struct fs *fs, bool *counted)
{
	const struct fuse_ctx *ctx = fuse_req_ctx(req);
	bool priv = ctx->uid == 0 || ctx->uid == geteuid();

	if (*counted)
		return 0;
	if (fs->n_blocked >= (priv ? FS_MAX_BLOCKED : FS_MAX_BLOCKED_USER))
		return EAGAIN;
	fs->n_blocked++;
	*counted = true;
	return 0;
}

static void block_end(struct fs *fs, bool counted)
{
	if (counted)
		fs->n_blocked--;
}

void read_generation(fuse_req_t req, struct fs *fs, struct ofile *f,
		     size_t size)
{
	bool counted = false;
	size_t n;

	pthread_mutex_lock(&f->lock);
	if (f->pos >= f->buf.len) {
		/* consumed: block until the generation differs */
		fuse_req_interrupt_func(req, stlmfs_interrupt, fs);
		pthread_mutex_lock(&fs->lock);
		while (fs->gen == f->last_gen) {
			int err = wait_abort(req, fs, f);

			if (!err)
				err = block_begin(req, fs, &counted);
			if (err) {
				block_end(fs, counted);
				pthread_mutex_unlock(&fs->lock);
				pthread_mutex_unlock(&f->lock);
				fuse_reply_err(req, err);
				return;
			}
			fs_wait(fs);
		}
		block_end(fs, counted);
		f->last_gen = fs->gen;
		pthread_mutex_unlock(&fs->lock);
		sb_reset(&f->buf);
		sb_printf(&f->buf, "%llu\n", (unsigned long long)f->last_gen);
		f->pos = 0;
	}
	n = f->buf.len - f->pos;
	if (n > size)
		n = size;
	fuse_reply_buf(req, f->buf.p + f->pos, n);
	f->pos += n;
	pthread_mutex_unlock(&f->lock);
}

void read_pipe(fuse_req_t req, struct fs *fs, struct ofile *f,
	       size_t size)
{
	struct sbuf *b = &f->buf;
	bool counted = false;
	char line[64];

	pthread_mutex_lock(&f->lock);
	sb_reset(b);
	fuse_req_interrupt_func(req, stlmfs_interrupt, fs);
	pthread_mutex_lock(&fs->lock);
	while (f->cursor == fs->head) {
		int err = wait_abort(req, fs, f);

		if (!err)
			err = block_begin(req, fs, &counted);
		if (err) {
			block_end(fs, counted);
			pthread_mutex_unlock(&fs->lock);
			pthread_mutex_unlock(&f->lock);
			fuse_reply_err(req, err);
			return;
		}
		fs_wait(fs);
	}
	block_end(fs, counted);
	if (fs->head - f->cursor > PIPE_CAP) {
		uint64_t lost = fs->head - PIPE_CAP - f->cursor;

		sb_printf(b, "lost %llu\n", (unsigned long long)lost);
		f->cursor = fs->head - PIPE_CAP;
	}
	while (f->cursor < fs->head) {
		const struct pipe_rec *p = &fs->ring[f->cursor % PIPE_CAP];
		int n = snprintf(line, sizeof(line), "0x%08X %llu %016llX\n",
				 p->id, (unsigned long long)p->ts,
				 (unsigned long long)p->raw);

		if (b->len + (size_t)n > size)
			break;
		sb_put(b, line, (size_t)n);
		f->cursor++;
	}
	pthread_mutex_unlock(&fs->lock);
	if (b->err)
		fuse_reply_err(req, -b->err);
	else if (b->len == 0)
		fuse_reply_err(req, EINVAL); /* buffer smaller than a line */
	else
		fuse_reply_buf(req, b->p, b->len);
	pthread_mutex_unlock(&f->lock);
}

/* ---------------------------------------------------------------- */
/* Pump                                                             */

static void pipe_push(struct fs *fs, const struct stlm_sample *sm, size_t n,
		      bool only_fresh)
{
	bool any = false;

	pthread_mutex_lock(&fs->lock);
	for (size_t i = 0; i < n; i++) {
		if (!(sm[i].flags & STLM_SAMPLE_VALID))
			continue;
		if (only_fresh && (sm[i].flags & STLM_SAMPLE_STALE))
			continue;
		fs->ring[fs->head % PIPE_CAP] = (struct pipe_rec){
			.id = sm[i].id, .raw = sm[i].raw,
			.ts = (sm[i].flags & STLM_SAMPLE_TIMESTAMP) ? sm[i].ts : 0,
		};
		fs->head++;
		any = true;
	}
	if (any)
		fs_wake_locked(fs);
	pthread_mutex_unlock(&fs->lock);
}

void *pump_main(void *arg)
{
	struct fs *fs = arg;
	struct stlm_session *cur = NULL;
	struct stlm_snapshot *snap = NULL;
	uint64_t next_probe = 0, next_take = 0;

	for (;;) {
		struct stlm_session *s;
		struct stlm_event ev;
		struct pollfd pfd = { .fd = -1, .events = POLLIN };
		uint64_t now;
		unsigned int readers;
		bool stop;
		int r;

		pthread_mutex_lock(&fs->lock);
		stop = fs->stopping;
		readers = fs->pipe_readers;
		pthread_mutex_unlock(&fs->lock);
		if (stop)
			break;
		s = fs_session(fs);
		if (s != cur) {
			stlm_snapshot_free(snap);
			snap = NULL;
			cur = s;
			/* the tree's snapshot is of the old session: dropped
			 * while that one is still retired, not yet closed */
			pthread_mutex_lock(&fs->snap_lock);
			if (fs->snap && fs->snap_s != s) {
				stlm_snapshot_free(fs->snap);
				fs->snap = NULL;
			}
			pthread_mutex_unlock(&fs->snap_lock);
		}
		fs_gen_refresh(fs, s);
		if (!s) {
			struct stlm_session *u = stlmd_session_unresponsive(fs->d);
			struct stlm_collection c;

			/* Timed out on a channel that is still ours: probe
			 * it until it answers (stlmd.c keeps it); a lost
			 * channel retires it. */
			if (u) {
				r = stlm_collection_get(u, STLM_GROUP_ALL, &c);
				if (r >= 0)
					stlmd_session_ok(fs->d);
				else
					fs_err(fs, r);
			}
			usleep(u ? PROBE_MS * 1000 : 50000);
			continue;
		}
		now = stlmd_now_ns();
		if (now >= next_probe) {
			struct stlm_collection c;

			uint64_t g = stlm_session_generation(s);

			next_probe = now + PROBE_MS * 1000000ull;
			r = stlm_collection_get(s, STLM_GROUP_ALL, &c);
			if (r < 0) {
				fs_coll_note(fs, s, g, now, NULL);
				fs_err(fs, r);
				continue;
			}
			pthread_mutex_lock(&fs->lock);
			fs->coll = c;
			pthread_mutex_unlock(&fs->lock);
			fs_coll_note(fs, s, g, now, &c);
		}
		/*
		 * The pipe samples at the update interval in both modes:
		 * notifications carry only message-only DEs (a Linux-safe
		 * platform never notifies SHMTI or FastChannel DEs), so in
		 * notification mode the SHMTI/FastChannel DEs come from
		 * here and the message-only ones from the events below.
		 */
		if (readers && fs->coll.enabled && now >= next_take) {
			uint64_t iv = fs->coll.interval.ns;

			if (iv < 10000000ull)
				iv = 10000000ull;
			if (iv > 1000000000ull)
				iv = 1000000000ull;
			next_take = now + iv;
			if (!snap && stlm_snapshot_new(s, &snap) < 0)
				snap = NULL;
			if (snap) {
				r = stlm_snapshot_take(snap, 0);
				if (r >= 0) {
					size_t n;
					const struct stlm_sample *sm =
						stlm_snapshot_samples(snap, &n);

					pipe_push(fs, sm, n, true);
				} else {
					fs_err(fs, r);
				}
			}
		}
		pfd.fd = stlm_event_fd(s);
		poll(&pfd, 1, readers ? 5 : 50);
		while ((r = stlm_event_read(s, &ev)) > 0) {
			/* the socket's subscribers get them too */
			stlmd_sock_event(fs->d, &ev);
			if (ev.type == STLM_EVENT_UPDATE && readers)
				pipe_push(fs, ev.samples, ev.n_samples, false);
			else if (ev.type == STLM_EVENT_RESET)
				stlmd_log(fs->d, LOG_NOTICE, "platform reset");
		}
		fs_gen_refresh(fs, s);
	}
	stlm_snapshot_free(snap);
	return NULL;
}
