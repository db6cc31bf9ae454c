// SPDX-License-Identifier: MIT
/*
 * Copyright (c) 2026 The stlm authors
 *
 * The stlmfs: backend: a session served by an STLMFS v4 tree, the kernel's
 * (/sys/fs/arm_telemetry/tlm_<N>) or stlmd's FUSE mount of it
 * (docs/stlmfs-backend.md, docs/stlmfs.md).
 *
 * Theory of operation
 * -------------------
 * Open resolves the URI to one instance directory (DIR itself when it
 * holds `version` or `des/`, else the lowest-numbered `tlm_<N>` below it)
 * and keeps a directory fd on it; every later file access is an openat()
 * relative to it, bounded in size (KNOB_MAX for one-value files, 64 bytes
 * per DE for the bulk files, as the kernel budgets) and parsed by the
 * pure parsers of stlmfs-text.c. Discovery reads `version`,
 * `de_implementation_version`, lists `des/` (both `0x%08X` and the legacy
 * `0x%04X` names; listing also fills lazy mounts) and reads each DE's
 * knob files (a missing file leaves the field 0: passively discovered
 * DEs have only `enable` and `value`), lists `groups/` (`composing_des`
 * gives each DE its group; the per-group files their capabilities), reads
 * the interval list, then builds and installs the DE table with the
 * core's table services (backend.h). The table has no SHMTI and no FastChannel: every
 * DE is "message only" for snapshot.c.
 *
 * Snapshots: the backend's fetch op runs at the start of every take. It opens one bulk file (the instance's `des_bulk_read`, the
 * group's when the selection is one group's DEs, or the
 * `des_single_sample_read` variants), reads it whole (the kernel collects
 * at open), parses every line strictly (a malformed line fails the take
 * with -EBADMSG and a log line naming file and line), and only then stores
 * the values into the DEs' message cache under s->lock: a DE of the
 * file's scope absent from the file is marked not valid (UNREACHABLE in
 * the sample), and EINVAL at open marks telemetry off (samples DISABLED).
 * snapshot.c then copies the cache as for any message-delivered value.
 * f->snap_lock serialises fetches (they share the read buffer).
 *
 * Changes: a watcher thread opens `generation` O_NONBLOCK and poll()s it
 * together with f->stop_fd. When the value changes it re-reads every DE's
 * `enable` and `tstamp_enable` (plus `tlm_enable`), then sets the
 * session's generation to the file's value and queues a GENERATION event.
 * A tree whose `generation` is a plain file (static copies: read() returns
 * EOF once consumed) is re-read every WATCH_PERIOD_MS instead; a tree that
 * went away is retried every WATCH_RETRY_MS. Close writes f->stop_fd, so
 * the watcher stops at once.
 *
 * Configuration: stlmfs-config.c.
 *
 * State: the session is LOST once the instance directory went away
 * (removed, or the FUSE mount serving it lost its daemon).
 *
 * Locking: disc_lock serialises state refreshes (watcher, configuration);
 * s->lock protects the DE state and the message cache, as everywhere.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/stat.h>
#include <unistd.h>

#include "stlmfs-backend.h"
#include "stlmfs-text.h"
#include "transport.h"

/* ------------------------------------------------------------------ */
/* Files                                                               */

/*
 * Read file rel (relative to the instance) whole into buf (cap bytes,
 * text NUL-terminated when it fits below cap). -EFBIG if longer than
 * cap - 1. Returns the length or a negative errno.
 */
static ssize_t read_rel(struct stlmfs *f, const char *rel, char *buf,
			size_t cap)
{
	size_t len = 0;
	int fd, r = 0;

	fd = openat(f->dirfd, rel, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return -errno;
	for (;;) {
		ssize_t n;

		if (len == cap - 1) {
			char extra;

			n = read(fd, &extra, 1);
			if (n < 0 && errno == EINTR)
				continue;
			r = n < 0 ? -errno : n > 0 ? -EFBIG : 0;
			break;
		}
		n = read(fd, buf + len, cap - 1 - len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			r = -errno;
			break;
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	close(fd);
	if (r < 0)
		return r;
	buf[len] = '\0';
	return (ssize_t)len;
}

static bool exists_rel(struct stlmfs *f, const char *rel)
{
	return faccessat(f->dirfd, rel, F_OK, 0) == 0;
}

/* Write text to file rel with one write(); its errno on failure. */
int stlmfs_be_write_rel(struct stlm_session *s, const char *rel, const char *text)
{
	struct stlmfs *f = stlmfs_be(s);
	size_t len = strlen(text);
	ssize_t n;
	int fd, r = 0;

	fd = openat(f->dirfd, rel, O_WRONLY | O_TRUNC | O_CLOEXEC | O_NOCTTY);
	if (fd < 0) {
		r = -errno;
		goto out;
	}
	do {
		n = write(fd, text, len);
	} while (n < 0 && errno == EINTR);
	if (n < 0)
		r = -errno;
	else if ((size_t)n != len)
		r = -EIO;
	if (close(fd) < 0 && !r && errno != EINTR)
		r = -errno;
out:
	if (r == -EACCES || r == -EPERM || r == -EROFS)
		stlm__log(s, STLM_LOG_WARNING,
			  "%s/%s: %s (configuring through STLMFS needs write access to the tree)",
			  f->path, rel, strerror(-r));
	else if (r < 0)
		stlm__log(s, STLM_LOG_INFO, "%s/%s: writing '%s': %s", f->path,
			  rel, text, strerror(-r));
	return r;
}

/* Parse helpers that name the file on failure. */
static int knob_uint(struct stlm_session *s, const char *rel, uint64_t max,
		     bool optional, uint64_t *ret)
{
	struct stlmfs *f = stlmfs_be(s);
	char b[64];
	ssize_t n = read_rel(f, rel, b, sizeof(b));
	int r;

	if (n == -ENOENT && optional)
		return -ENOENT;
	if (n < 0) {
		stlm__log(s, STLM_LOG_ERR, "%s/%s: %s", f->path, rel,
			  strerror((int)-n));
		return (int)n == -EFBIG ? -EPROTO : (int)n;
	}
	r = stlmfs_text_parse_uint(b, (size_t)n, max, ret);
	if (r < 0) {
		stlm__log(s, STLM_LOG_ERR, "%s/%s: malformed value", f->path,
			  rel);
		return -EPROTO;
	}
	return 0;
}

int stlmfs_be_knob_bool(struct stlm_session *s, const char *rel, bool *ret)
{
	struct stlmfs *f = stlmfs_be(s);
	char b[16];
	ssize_t n = read_rel(f, rel, b, sizeof(b));

	if (n == -ENOENT)
		return -ENOENT;
	if (n < 0) {
		stlm__log(s, STLM_LOG_WARNING, "%s/%s: %s", f->path, rel,
			  strerror((int)-n));
		return (int)n == -EFBIG ? -EPROTO : (int)n;
	}
	if (stlmfs_text_parse_bool(b, (size_t)n, ret) < 0) {
		stlm__log(s, STLM_LOG_ERR, "%s/%s: not a boolean", f->path, rel);
		return -EPROTO;
	}
	return 0;
}

int stlmfs_be_knob_interval(struct stlm_session *s, const char *rel,
			 struct scmi_tlm_interval *ret)
{
	struct stlmfs *f = stlmfs_be(s);
	struct stlmfs_iv v;
	char b[64];
	ssize_t n = read_rel(f, rel, b, sizeof(b));

	if (n < 0)
		return n == -EFBIG ? -EPROTO : (int)n;
	if (stlmfs_text_parse_interval(b, (size_t)n, &v) < 0) {
		stlm__log(s, STLM_LOG_ERR, "%s/%s: malformed interval", f->path,
			  rel);
		return -EPROTO;
	}
	ret->secs = v.secs;
	ret->exp = v.exp;
	return 0;
}

/* The interval list at dir ("" or "groups/N/"). */
int stlmfs_be_read_intervals(struct stlm_session *s, const char *dir,
			  struct scmi_tlm_interval **ret_raw,
			  struct stlm_interval **ret_v, size_t *ret_n,
			  bool *ret_range)
{
	struct stlmfs *f = stlmfs_be(s);
	struct scmi_tlm_interval *raw = NULL;
	struct stlm_interval *v = NULL;
	struct stlmfs_iv *t = NULL;
	char rel[64], *b = NULL;
	bool discrete = true;
	size_t n = 0;
	ssize_t len;
	int r;

	snprintf(rel, sizeof(rel), "%sintervals_discrete", dir);
	r = stlmfs_be_knob_bool(s, rel, &discrete);
	if (r < 0 && r != -ENOENT)
		return r;
	b = malloc(LIST_MAX);
	t = calloc(MAX_IV, sizeof(*t));
	if (!b || !t) {
		r = -ENOMEM;
		goto out;
	}
	snprintf(rel, sizeof(rel), "%savailable_update_intervals_ms", dir);
	len = read_rel(f, rel, b, LIST_MAX);
	if (len < 0) {
		r = (int)len;
		if (r != -ENOENT)
			stlm__log(s, STLM_LOG_ERR, "%s/%s: %s", f->path, rel,
				  strerror(-r));
		goto out;
	}
	r = stlmfs_text_parse_intervals(b, (size_t)len, t, MAX_IV, &n);
	if (r == 0 && !discrete && n != 3)
		r = -EBADMSG;
	if (r < 0) {
		stlm__log(s, STLM_LOG_ERR,
			  "%s/%s: malformed interval list (%s)", f->path, rel,
			  discrete ? "discrete" : "needs lowest, highest, step");
		r = -EPROTO;
		goto out;
	}
	raw = calloc(n ? n : 1, sizeof(*raw));
	v = calloc(n ? n : 1, sizeof(*v));
	if (!raw || !v) {
		r = -ENOMEM;
		goto out;
	}
	for (size_t i = 0; i < n; i++) {
		raw[i].secs = t[i].secs;
		raw[i].exp = t[i].exp;
		stlm__interval_fill(&v[i], &raw[i]);
	}
	*ret_raw = raw;
	*ret_v = v;
	*ret_n = n;
	*ret_range = !discrete;
	raw = NULL;
	v = NULL;
	r = 0;
out:
	free(raw);
	free(v);
	free(t);
	free(b);
	return r;
}

/* ------------------------------------------------------------------ */
/* Discovery                                                           */

struct de_ent {
	uint32_t id;
	char dir[12];
};

static int cmp_ent(const void *a, const void *b)
{
	const struct de_ent *x = a, *y = b;

	return x->id < y->id ? -1 : x->id > y->id;
}

/* Open a subdirectory of the instance for listing (NULL: errno set). */
static DIR *open_sub(struct stlmfs *f, const char *rel)
{
	int fd = openat(f->dirfd, rel, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	DIR *d;

	if (fd < 0)
		return NULL;
	d = fdopendir(fd);
	if (!d)
		close(fd);
	return d;
}

/* List des/ into *ret (sorted by id). */
static int list_des(struct stlm_session *s, struct de_ent **ret,
		    uint32_t *ret_n)
{
	struct stlmfs *f = stlmfs_be(s);
	struct de_ent *v = NULL;
	size_t n = 0, cap = 0, dups = 0;
	struct dirent *e;
	DIR *d;

	d = open_sub(f, "des");
	if (!d) {
		int r = -errno;

		if (r == -ENOENT) {
			stlm__log(s, STLM_LOG_WARNING,
				  "%s: no des/ directory: no DE", f->path);
			*ret = NULL;
			*ret_n = 0;
			return 0;
		}
		stlm__log(s, STLM_LOG_ERR, "%s/des: %s", f->path,
			  strerror(-r));
		return r;
	}
	errno = 0;
	while ((e = readdir(d))) {
		uint32_t id;

		if (stlmfs_text_parse_de_dirname(e->d_name, &id) < 0) {
			if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
				stlm__log(s, STLM_LOG_DEBUG,
					  "%s/des/%s: not a DE directory name: ignored",
					  f->path, e->d_name);
			continue;
		}
		if (n == cap) {
			size_t nc = cap ? 2 * cap : 256;
			struct de_ent *nv;

			if (nc > MAX_DES) {
				closedir(d);
				free(v);
				stlm__log(s, STLM_LOG_ERR,
					  "%s/des: more than %u DEs", f->path,
					  MAX_DES);
				return -E2BIG;
			}
			nv = realloc(v, nc * sizeof(*v));
			if (!nv) {
				closedir(d);
				free(v);
				return -ENOMEM;
			}
			v = nv;
			cap = nc;
		}
		v[n].id = id;
		/* The parser accepted 6 or 10 characters. */
		memset(v[n].dir, 0, sizeof(v[n].dir));
		memcpy(v[n].dir, e->d_name, strnlen(e->d_name, 10));
		n++;
		errno = 0;
	}
	if (errno) {
		int r = -errno;

		closedir(d);
		free(v);
		stlm__log(s, STLM_LOG_ERR, "%s/des: %s", f->path, strerror(-r));
		return r;
	}
	closedir(d);
	if (n > 1)
		qsort(v, n, sizeof(*v), cmp_ent);
	/* The same id twice (0x0000A001 and 0xA001): keep the first. */
	for (size_t i = 1, o = 1; i <= n; i++) {
		if (i == n) {
			n = o;
			break;
		}
		if (v[i].id == v[o - 1].id) {
			dups++;
			continue;
		}
		v[o++] = v[i];
	}
	if (dups)
		stlm__log(s, STLM_LOG_WARNING,
			  "%s/des: %zu DE ids listed twice: first kept", f->path,
			  dups);
	*ret = v;
	*ret_n = (uint32_t)n;
	return 0;
}

/* The knob files of one DE into d. */
static int read_de(struct stlm_session *s, const char *dir,
		   struct scmi_tlm_de_desc *d, bool *ret_ts_file)
{
	struct stlmfs *f = stlmfs_be(s);
	char rel[64], b[64];
	uint64_t u;
	ssize_t n;
	int r;

#define KNOB(file, max, field)						\
	do {								\
		snprintf(rel, sizeof(rel), "des/%s/" file, dir);	\
		r = knob_uint(s, rel, max, true, &u);			\
		if (r == 0)						\
			d->field = (__typeof__(d->field))u;		\
		else if (r != -ENOENT)					\
			return r;					\
	} while (0)

	KNOB("type", UINT8_MAX, type);
	KNOB("unit", UINT8_MAX, unit);
	KNOB("instance_id", UINT8_MAX, instance_id);
	KNOB("compo_type", UINT8_MAX, compo_type);
	KNOB("compo_instance_id", UINT16_MAX, compo_instance);
#undef KNOB

	snprintf(rel, sizeof(rel), "des/%s/unit_exp", dir);
	n = read_rel(f, rel, b, sizeof(b));
	if (n >= 0) {
		int64_t e;

		if (stlmfs_text_parse_int(b, (size_t)n, INT8_MIN, INT8_MAX, &e) < 0) {
			stlm__log(s, STLM_LOG_ERR, "%s/%s: malformed value",
				  f->path, rel);
			return -EPROTO;
		}
		d->unit_exp = (int8_t)e;
	} else if (n != -ENOENT) {
		stlm__log(s, STLM_LOG_ERR, "%s/%s: %s", f->path, rel,
			  strerror((int)-n));
		return n == -EFBIG ? -EPROTO : (int)n;
	}

	snprintf(rel, sizeof(rel), "des/%s/persistent", dir);
	r = stlmfs_be_knob_bool(s, rel, &d->persistent);
	if (r < 0 && r != -ENOENT)
		return r;

	snprintf(rel, sizeof(rel), "des/%s/name", dir);
	n = read_rel(f, rel, b, sizeof(b));
	if (n >= 0) {
		if (stlmfs_text_parse_name(b, (size_t)n, d->name,
				      sizeof(d->name)) < 0) {
			stlm__log(s, STLM_LOG_ERR, "%s/%s: malformed name",
				  f->path, rel);
			return -EPROTO;
		}
		d->has_name = true;
	} else if (n != -ENOENT) {
		stlm__log(s, STLM_LOG_ERR, "%s/%s: %s", f->path, rel,
			  strerror((int)-n));
		return n == -EFBIG ? -EPROTO : (int)n;
	}

	snprintf(rel, sizeof(rel), "des/%s/tstamp_rate", dir);
	r = knob_uint(s, rel, UINT32_MAX, true, &u);
	if (r == 0) {
		d->ts_support = SCMI_TLM_TS_LINE;
		d->line_ts_rate = (uint32_t)u;
	} else if (r != -ENOENT) {
		return r;
	}
	snprintf(rel, sizeof(rel), "des/%s/tstamp_enable", dir);
	*ret_ts_file = exists_rel(f, rel);
	if (*ret_ts_file && d->ts_support == SCMI_TLM_TS_NONE)
		d->ts_support = SCMI_TLM_TS_LINE;
	/* Values are 64-bit words in every STLMFS file. */
	d->data_size = 8;
	d->group_id = SCMI_TLM_GROUP_NONE;
	return 0;
}

/*
 * Every DE's files, read by a few threads at once: on a FUSE tree each
 * file read is a round trip to the daemon whose cost is mostly waiting
 * for the other side to wake (docs/PERFORMANCE.md), and 8 readers overlap
 * those waits. Small trees (and an in-kernel tree, where a read is
 * cheap) are read by the caller alone. The first error stops every
 * reader and is returned; progress is reported by the caller's thread,
 * one unit per DE, ending with done == total.
 */
#define DE_READERS 8
#define DE_PARALLEL_MIN 256

struct de_pool {
	struct stlm_session *s;
	const struct de_ent *ents;
	struct scmi_tlm_de_desc *d;
	bool *ts_file;
	uint32_t n;
	uint32_t next;		/* atomic: next index to take */
	uint32_t done;		/* atomic: DEs read */
	int err;		/* atomic: the first error */
};

/* Read DEs until none is left or a reader failed; false on failure. */
static bool de_pool_work(struct de_pool *p, bool report)
{
	for (;;) {
		uint32_t i, done;
		int r, none = 0;

		if (__atomic_load_n(&p->err, __ATOMIC_RELAXED))
			return false;
		i = __atomic_fetch_add(&p->next, 1, __ATOMIC_RELAXED);
		if (i >= p->n)
			return true;
		p->d[i].id = p->ents[i].id;
		r = read_de(p->s, p->ents[i].dir, &p->d[i], &p->ts_file[i]);
		if (r < 0) {
			__atomic_compare_exchange_n(&p->err, &none, r, false,
						    __ATOMIC_RELAXED,
						    __ATOMIC_RELAXED);
			return false;
		}
		done = __atomic_add_fetch(&p->done, 1, __ATOMIC_RELAXED);
		if (report && done < p->n)
			stlm__progress(p->s, "discovery", done, p->n);
	}
}

static void *de_pool_main(void *arg)
{
	de_pool_work(arg, false);
	return NULL;
}

static int read_des(struct stlm_session *s, const struct de_ent *ents,
		    uint32_t n, struct scmi_tlm_de_desc *d, bool *ts_file)
{
	struct de_pool p = { .s = s, .ents = ents, .d = d,
			     .ts_file = ts_file, .n = n };
	pthread_t th[DE_READERS - 1];
	sigset_t all, old;
	int nt = 0;

	if (n >= DE_PARALLEL_MIN) {
		/* the readers take no signal: they stay the caller's */
		sigfillset(&all);
		pthread_sigmask(SIG_SETMASK, &all, &old);
		while (nt < DE_READERS - 1 &&
		       pthread_create(&th[nt], NULL, de_pool_main, &p) == 0)
			nt++;
		pthread_sigmask(SIG_SETMASK, &old, NULL);
	}
	de_pool_work(&p, true);
	for (int i = 0; i < nt; i++)
		pthread_join(th[i], NULL);
	if (p.err)
		return p.err;
	if (n)
		stlm__progress(s, "discovery", n, n);
	return 0;
}

/* groups/: group ids, flags and every DE's group. */
static int list_groups(struct stlm_session *s, struct scmi_tlm_de_desc *d,
		       uint32_t n_des, const struct de_ent *ents)
{
	struct stlmfs *f = stlmfs_be(s);
	uint32_t *gids = NULL, *ids = NULL, max_gid = 0;
	size_t n = 0, cap = 0;
	char *b = NULL;
	struct dirent *e;
	int r = 0;
	DIR *dir;

	f->n_groups = 0;
	dir = open_sub(f, "groups");
	if (!dir)
		return errno == ENOENT ? 0 : -errno;
	errno = 0;
	while ((e = readdir(dir))) {
		uint32_t g;

		if (stlmfs_text_parse_group_dirname(e->d_name, &g) < 0)
			continue;
		if (g > MAX_GROUP_ID) {
			stlm__log(s, STLM_LOG_ERR, "%s/groups/%s: group id too large",
				  f->path, e->d_name);
			r = -EPROTO;
			break;
		}
		if (n == cap) {
			size_t nc = cap ? 2 * cap : 16;
			uint32_t *ng = realloc(gids, nc * sizeof(*ng));

			if (!ng) {
				r = -ENOMEM;
				break;
			}
			gids = ng;
			cap = nc;
		}
		gids[n++] = g;
		if (g > max_gid)
			max_gid = g;
		errno = 0;
	}
	if (!r && errno)
		r = -errno;
	closedir(dir);
	if (r < 0 || !n)
		goto out;
	f->n_groups = max_gid + 1;
	f->gflags = calloc(f->n_groups, 1);
	b = malloc(LIST_MAX);
	ids = calloc(n_des ? n_des : 1, sizeof(*ids));
	if (!f->gflags || !b || !ids) {
		r = -ENOMEM;
		goto out;
	}
	for (size_t i = 0; i < n; i++) {
		uint32_t g = gids[i];
		char rel[96];
		size_t m = 0;
		ssize_t len;
		uint8_t fl = G_PRESENT;

#define HAS(file, bit)							\
	do {								\
		snprintf(rel, sizeof(rel), "groups/%u/" file, g);	\
		if (exists_rel(f, rel))					\
			fl |= bit;					\
	} while (0)
		HAS("des_bulk_read", G_BULK);
		HAS("des_single_sample_read", G_SINGLE);
		HAS("available_update_intervals_ms", G_IV);
		HAS("tstamp_enable", G_TS);
#undef HAS
		f->gflags[g] = fl;
		snprintf(rel, sizeof(rel), "groups/%u/composing_des", g);
		len = read_rel(f, rel, b, LIST_MAX);
		if (len == -ENOENT)
			continue;
		if (len < 0) {
			stlm__log(s, STLM_LOG_ERR, "%s/%s: %s", f->path, rel,
				  strerror((int)-len));
			r = len == -EFBIG ? -EPROTO : (int)len;
			goto out;
		}
		if (stlmfs_text_parse_id_list(b, (size_t)len, ids, n_des ? n_des : 1,
					 &m) < 0) {
			stlm__log(s, STLM_LOG_ERR, "%s/%s: malformed DE list",
				  f->path, rel);
			r = -EPROTO;
			goto out;
		}
		for (size_t k = 0; k < m; k++) {
			struct de_ent key = { .id = ids[k] };
			const struct de_ent *hit = n_des ?
				bsearch(&key, ents, n_des, sizeof(*ents),
					cmp_ent) : NULL;
			struct scmi_tlm_de_desc *dd;

			if (!hit) {
				stlm__log(s, STLM_LOG_DEBUG,
					  "%s/%s: DE 0x%08X not in des/: ignored",
					  f->path, rel, ids[k]);
				continue;
			}
			dd = &d[hit - ents];
			if (dd->group_id != SCMI_TLM_GROUP_NONE &&
			    dd->group_id != g) {
				stlm__log(s, STLM_LOG_WARNING,
					  "%s/%s: DE 0x%08X is already in group %u: kept there",
					  f->path, rel, ids[k], dd->group_id);
				continue;
			}
			dd->group_id = g;
		}
	}
out:
	free(gids);
	free(ids);
	free(b);
	return r;
}

/* tlm_enable, the interval, every DE's enable state. disc_lock held. */
int stlmfs_be_refresh_state(struct stlm_session *s)
{
	struct stlmfs *f = stlmfs_be(s);
	struct stlm_table *tb = __atomic_load_n(&s->table, __ATOMIC_ACQUIRE);
	struct scmi_tlm_interval iv = { 0 };
	bool *en = NULL, *ts = NULL, on = false, all = false, have_iv;
	char rel[64];
	int r;

	if (!tb)
		return -ENODEV;
	r = f->has_tlm_en ? stlmfs_be_knob_bool(s, "tlm_enable", &on) : 0;
	if (r < 0)
		return r;
	have_iv = f->has_cur_iv &&
		  stlmfs_be_knob_interval(s, "current_update_interval_ms", &iv) == 0;
	en = calloc(tb->n_des ? tb->n_des : 1, sizeof(*en));
	ts = calloc(tb->n_des ? tb->n_des : 1, sizeof(*ts));
	if (!en || !ts) {
		r = -ENOMEM;
		goto out;
	}
	/* all_des_enable reads Y only when every DE is: n reads saved. */
	if (f->has_all_en && stlmfs_be_knob_bool(s, "all_des_enable", &all) < 0)
		all = false;
	for (uint32_t i = 0; i < tb->n_des; i++) {
		if (all) {
			en[i] = true;
		} else {
			snprintf(rel, sizeof(rel), "des/%s/enable", f->dirs[i]);
			r = stlmfs_be_knob_bool(s, rel, &en[i]);
			if (r < 0)
				goto out;
		}
		if (en[i] && f->ts_file[i]) {
			snprintf(rel, sizeof(rel), "des/%s/tstamp_enable",
				 f->dirs[i]);
			r = stlmfs_be_knob_bool(s, rel, &ts[i]);
			if (r == -ENOENT)
				r = 0;
			if (r < 0)
				goto out;
		}
	}
	pthread_mutex_lock(&s->lock);
	s->telemetry_on = f->has_tlm_en ? on : true;
	if (have_iv)
		s->coll_iv = iv;
	for (uint32_t i = 0; i < tb->n_des; i++) {
		__atomic_store_n(&tb->des[i].enabled, en[i], __ATOMIC_RELAXED);
		__atomic_store_n(&tb->des[i].ts_enabled, ts[i],
				 __ATOMIC_RELAXED);
		if (!en[i])
			tb->des[i].msg_valid = false;
	}
	__atomic_add_fetch(&s->resync_seq, 1, __ATOMIC_RELEASE);
	pthread_mutex_unlock(&s->lock);
	r = 0;
out:
	free(en);
	free(ts);
	return r;
}

/* The generation file's value (0 when unreadable or absent). */
static uint64_t read_generation(struct stlm_session *s)
{
	struct stlmfs *f = stlmfs_be(s);
	char b[64];
	uint64_t g = 0;
	ssize_t n;
	int fd;

	if (!f->has_gen)
		return 0;
	/* O_NONBLOCK: a first read never blocks, but be safe. */
	fd = openat(f->dirfd, "generation",
		    O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
	if (fd < 0)
		return 0;
	do {
		n = read(fd, b, sizeof(b) - 1);
	} while (n < 0 && errno == EINTR);
	close(fd);
	if (n <= 0 || stlmfs_text_parse_uint(b, (size_t)n, UINT64_MAX, &g) < 0)
		return 0;
	return g;
}

/*
 * The file is at generation g: keep it, and take it on with an event if
 * the session is elsewhere. Called with s->lock held.
 */
static void adopt_generation(struct stlm_session *s, uint64_t g)
{
	stlmfs_be(s)->file_gen = g;
	if (g != s->generation) {
		struct stlm_event ev = { .type = STLM_EVENT_GENERATION,
					 .generation = g };

		s->generation = g;
		stlm__event_push(s, &ev);
	}
}

/*
 * After a change we made (before: the file's value before it): follow the
 * file if it moved, else bump our own counter. Queues GENERATION (or RESET
 * when reset). Called without s->lock.
 */
void stlmfs_be_generation_after(struct stlm_session *s, uint64_t before,
			     bool reset)
{
	uint64_t g = read_generation(s);

	pthread_mutex_lock(&s->lock);
	if (g && g != before) {
		adopt_generation(s, g);
	} else {
		stlm__generation_bump(s);
	}
	if (reset) {
		struct stlm_event ev = { .type = STLM_EVENT_RESET,
					 .generation = s->generation };

		stlm__event_push(s, &ev);
	}
	pthread_mutex_unlock(&s->lock);
}

/* A change seen in the file (watcher). */
static void generation_seen(struct stlm_session *s, uint64_t g)
{
	struct stlmfs *f = stlmfs_be(s);
	bool moved;
	int r;

	pthread_mutex_lock(&s->lock);
	moved = g && g != f->file_gen;
	pthread_mutex_unlock(&s->lock);
	if (!moved)
		return;
	pthread_mutex_lock(&s->disc_lock);
	r = stlmfs_be_refresh_state(s);
	pthread_mutex_unlock(&s->disc_lock);
	if (r < 0)
		stlm__log(s, STLM_LOG_DEBUG, "%s: state after a generation change: %s",
			  f->path, strerror(-r));
	pthread_mutex_lock(&s->lock);
	adopt_generation(s, g);
	pthread_mutex_unlock(&s->lock);
}

/* Resolve DIR to an instance directory (allocated path). */
static int resolve(struct stlm_session *s, const char *dir, char **ret)
{
	struct dirent *e;
	uint32_t best = UINT32_MAX;
	DIR *d;
	int fd;

	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (faccessat(fd, "version", F_OK, 0) == 0 ||
	    faccessat(fd, "des", F_OK, 0) == 0) {
		close(fd);
		*ret = strdup(dir);
		return *ret ? 0 : -ENOMEM;
	}
	d = fdopendir(fd);
	if (!d) {
		int r = -errno;

		close(fd);
		return r;
	}
	while ((e = readdir(d))) {
		uint32_t n;

		if (stlmfs_text_parse_instance_dirname(e->d_name, &n) == 0 &&
		    n < best)
			best = n;
	}
	closedir(d);
	if (best == UINT32_MAX) {
		stlm__log(s, STLM_LOG_ERR,
			  "%s: neither an STLMFS instance (no version file) nor a mount holding tlm_<N>",
			  dir);
		return -ENOENT;
	}
	if (asprintf(ret, "%s/tlm_%u", dir, best) < 0)
		return -ENOMEM;
	return 0;
}

static int discover(struct stlm_session *s)
{
	struct stlmfs *f = stlmfs_be(s);
	struct scmi_tlm_de_desc *d = NULL;
	struct stlm_table *tb = NULL;
	struct de_ent *ents = NULL;
	uint32_t n = 0;
	uint64_t u;
	char b[128];
	ssize_t len;
	int r;

	r = knob_uint(s, "version", UINT32_MAX, false, &u);
	if (r < 0)
		return r;
	s->info.protocol_version = (uint32_t)u;
	len = read_rel(f, "de_implementation_version", b, sizeof(b));
	if (len >= 0) {
		if (stlmfs_text_parse_uuid(b, (size_t)len, s->info.uuid) < 0) {
			stlm__log(s, STLM_LOG_ERR,
				  "%s/de_implementation_version: not a UUID",
				  f->path);
			return -EPROTO;
		}
	} else {
		stlm__log(s, STLM_LOG_WARNING,
			  "%s/de_implementation_version: %s: DE set unknown",
			  f->path, strerror((int)-len));
	}
	scmi_tlm_uuid_format(s->info.uuid, s->info.uuid_str);
	snprintf(s->info.vendor, sizeof(s->info.vendor), "stlmfs");
	snprintf(s->info.sub_vendor, sizeof(s->info.sub_vendor), "%s",
		 strrchr(f->path, '/') ? strrchr(f->path, '/') + 1 : f->path);
	s->info.max_msg_size = 0;
	s->identity_uuid_only = true;

	f->has_single = exists_rel(f, "des_single_sample_read");
	f->has_reset = exists_rel(f, "reset");
	f->has_all_en = exists_rel(f, "all_des_enable");
	f->has_all_ts = exists_rel(f, "all_des_tstamp_enable");
	f->has_tlm_en = exists_rel(f, "tlm_enable");
	f->has_cur_iv = exists_rel(f, "current_update_interval_ms");
	f->has_gen = exists_rel(f, "generation");

	r = list_des(s, &ents, &n);
	if (r < 0)
		return r;
	d = calloc(n ? n : 1, sizeof(*d));
	f->dirs = calloc(n ? n : 1, sizeof(*f->dirs));
	f->ts_file = calloc(n ? n : 1, sizeof(*f->ts_file));
	f->seen = calloc(n ? n : 1, sizeof(*f->seen));
	if (!d || !f->dirs || !f->ts_file || !f->seen) {
		r = -ENOMEM;
		goto out;
	}
	for (uint32_t i = 0; i < n; i++)
		memcpy(f->dirs[i], ents[i].dir, sizeof(f->dirs[i]));
	r = read_des(s, ents, n, d, f->ts_file);
	if (r < 0)
		goto out;
	f->n_des = n;
	r = list_groups(s, d, n, ents);
	if (r < 0) {
		if (r != -EPROTO)
			stlm__log(s, STLM_LOG_ERR, "%s/groups: %s", f->path,
				  strerror(-r));
		goto out;
	}
	for (uint32_t g = 0; g < f->n_groups; g++)
		if (f->gflags[g] & G_IV)
			s->info.per_group = true;
	s->info.single_sample = f->has_single;
	s->info.reset = f->has_reset;

	r = stlm__table_build(s, d, n, f->n_groups, &tb);
	if (r < 0)
		goto out;
	r = stlmfs_be_read_intervals(s, "", &tb->iv_raw, &tb->iv, &tb->n_iv,
			   &tb->iv_range);
	if (r == -ENOENT)
		r = 0;
	if (r < 0)
		goto out;
	stlm__table_install(s, tb);
	tb = NULL;
	f->buf_cap = (size_t)BULK_LINE_BUDGET * (n + 1) + 1;
	f->buf = malloc(f->buf_cap);
	f->tmp_cap = n + 1;
	f->tmp = calloc(f->tmp_cap, sizeof(*f->tmp));
	if (!f->buf || !f->tmp)
		r = -ENOMEM;
out:
	stlm__table_free(tb);
	free(d);
	free(ents);
	return r;
}

/* ------------------------------------------------------------------ */
/* Watcher                                                             */

/* Wait ms on the stop fd; true if asked to stop. */
static bool stop_wait(struct stlm_session *s, int ms)
{
	struct pollfd p = { stlmfs_be(s)->stop_fd, POLLIN, 0 };
	int r;

	do {
		r = poll(&p, 1, ms);
	} while (r < 0 && errno == EINTR);
	return r > 0;
}

/* Read the generation text available on fd: 1 with *ret, 0 EOF, -errno. */
static int gen_read(int fd, uint64_t *ret)
{
	char b[64];
	ssize_t n;

	do {
		n = read(fd, b, sizeof(b) - 1);
	} while (n < 0 && errno == EINTR);
	if (n < 0)
		return -errno;
	if (n == 0)
		return 0;
	if (stlmfs_text_parse_uint(b, (size_t)n, UINT64_MAX, ret) < 0)
		return -EBADMSG;
	return 1;
}

static void *watch_main(void *arg)
{
	struct stlm_session *s = arg;
	struct stlmfs *f = stlmfs_be(s);
	bool periodic = false;
	int fd = -1;

	for (;;) {
		struct pollfd p[2];
		uint64_t g;
		int r;

		if (fd < 0) {
			fd = openat(f->dirfd, "generation",
				    O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
			if (fd < 0) {
				if (stop_wait(s, WATCH_RETRY_MS))
					break;
				continue;
			}
			r = gen_read(fd, &g);
			if (r > 0)
				generation_seen(s, g);
			if (r <= 0 || periodic) {
				/* Gone, or a plain file: poll it by reopening. */
				close(fd);
				fd = -1;
				if (stop_wait(s, r < 0 && r != -EAGAIN ?
						      WATCH_RETRY_MS :
						      WATCH_PERIOD_MS))
					break;
				continue;
			}
		}
		p[0] = (struct pollfd){ fd, POLLIN, 0 };
		p[1] = (struct pollfd){ f->stop_fd, POLLIN, 0 };
		r = poll(p, 2, -1);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (p[1].revents)
			break;
		if (p[0].revents & (POLLERR | POLLHUP | POLLNVAL)) {
			close(fd);
			fd = -1;
			if (stop_wait(s, WATCH_RETRY_MS))
				break;
			continue;
		}
		if (!(p[0].revents & POLLIN))
			continue;
		r = gen_read(fd, &g);
		if (r > 0) {
			generation_seen(s, g);
			continue;
		}
		if (r == 0) {
			/* EOF after the text: not a blocking generation
			 * file (a copy of a tree): re-read periodically. */
			periodic = true;
			close(fd);
			fd = -1;
			if (stop_wait(s, WATCH_PERIOD_MS))
				break;
			continue;
		}
		if (r == -EAGAIN) {
			/* Readable but nothing to read: no poll support. */
			if (stop_wait(s, WATCH_PERIOD_MS))
				break;
			continue;
		}
		close(fd);
		fd = -1;
		if (stop_wait(s, WATCH_RETRY_MS))
			break;
	}
	if (fd >= 0)
		close(fd);
	return NULL;
}

/* ------------------------------------------------------------------ */
/* Backend entry points (backend.h)                                    */

static int stlmfs_open(struct stlm_session *s, const char *uri)
{
	struct stlmfs *f;
	struct stlm_uri u;
	int r;

	r = stlm_uri_parse(uri, &u);
	if (r < 0)
		return r;
	f = calloc(1, sizeof(*f));
	if (!f)
		return -ENOMEM;
	f->dirfd = -1;
	pthread_mutex_init(&f->snap_lock, NULL);
	s->be = f;
	f->stop_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (f->stop_fd < 0)
		return -errno;
	r = resolve(s, u.path, &f->path);
	if (r < 0) {
		if (r != -ENOENT)
			stlm__log(s, STLM_LOG_ERR, "%s: %s", u.path,
				  strerror(-r));
		return r;
	}
	f->dirfd = open(f->path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (f->dirfd < 0) {
		r = -errno;
		stlm__log(s, STLM_LOG_ERR, "%s: %s", f->path, strerror(-r));
		return r;
	}
	pthread_mutex_lock(&s->disc_lock);
	r = discover(s);
	if (r == 0) {
		f->file_gen = read_generation(s);
		r = stlmfs_be_refresh_state(s);
	}
	if (r == 0) {
		pthread_mutex_lock(&s->lock);
		if (f->file_gen)
			s->generation = f->file_gen;
		pthread_mutex_unlock(&s->lock);
		stlm__catalog_apply(s);
	}
	pthread_mutex_unlock(&s->disc_lock);
	if (r < 0)
		return r;
	/* said before the watcher starts: it may move the generation */
	stlm__log(s, STLM_LOG_DEBUG,
		  "%s: STLMFS instance %s, %u DEs, %u groups, generation %llu",
		  uri, f->path, f->n_des, f->n_groups,
		  (unsigned long long)s->generation);
	if (f->has_gen) {
		r = pthread_create(&f->watcher, NULL, watch_main, s);
		if (r)
			return -r;
		f->watcher_running = true;
	}
	return 0;
}

static void stlmfs_close(struct stlm_session *s)
{
	struct stlmfs *f = s ? stlmfs_be(s) : NULL;

	if (!f)
		return;
	if (f->watcher_running) {
		uint64_t one = 1;

		if (write(f->stop_fd, &one, sizeof(one)) < 0)
			stlm__log(s, STLM_LOG_DEBUG, "stop: %s", strerror(errno));
		pthread_join(f->watcher, NULL);
	}
	if (f->dirfd >= 0)
		close(f->dirfd);
	if (f->stop_fd >= 0)
		close(f->stop_fd);
	pthread_mutex_destroy(&f->snap_lock);
	free(f->path);
	free(f->dirs);
	free(f->ts_file);
	free(f->gflags);
	free(f->buf);
	free(f->tmp);
	free(f->seen);
	free(f);
	s->be = NULL;
}

/* Common group of the selected ids, or STLM_GROUP_NONE. */
static uint32_t selection_group(struct stlm_session *s, const uint32_t *ids,
				size_t n)
{
	struct stlmfs *f = stlmfs_be(s);
	uint32_t g = STLM_GROUP_NONE;

	if (!ids || !n)
		return STLM_GROUP_NONE;
	pthread_mutex_lock(&s->lock);
	for (size_t i = 0; i < n; i++) {
		int k = stlm__de_index(s, ids[i]);
		uint32_t dg;

		if (k < 0) {
			g = STLM_GROUP_NONE;
			break;
		}
		dg = s->des[k].desc.group_id;
		if (dg >= f->n_groups || (i && dg != g)) {
			g = STLM_GROUP_NONE;
			break;
		}
		g = dg;
	}
	pthread_mutex_unlock(&s->lock);
	return g;
}

static int stlmfs_fetch(struct stlm_session *s, unsigned int flags,
			const uint32_t *ids, size_t n, struct stlm_buf *buf)
{
	struct stlmfs *f = stlmfs_be(s);
	bool single = flags & STLM_TAKE_SINGLE_SAMPLE;
	uint32_t g = selection_group(s, ids, n);
	struct stlmfs_sample x;
	size_t off = 0, line = 0, m = 0, unknown = 0;
	char rel[96];
	ssize_t len;
	int r;

	(void)buf;
	if (g != STLM_GROUP_NONE &&
	    !(f->gflags[g] & (single ? G_SINGLE : G_BULK)))
		g = STLM_GROUP_NONE;
	if (single && !f->has_single && g == STLM_GROUP_NONE)
		return -EOPNOTSUPP;
	if (g == STLM_GROUP_NONE)
		snprintf(rel, sizeof(rel), "%s",
			 single ? "des_single_sample_read" : "des_bulk_read");
	else
		snprintf(rel, sizeof(rel), "groups/%u/%s", g,
			 single ? "des_single_sample_read" : "des_bulk_read");

	pthread_mutex_lock(&f->snap_lock);
	len = read_rel(f, rel, f->buf, f->buf_cap);
	if (len == -EINVAL) {
		/* Telemetry is off: every DE of the scope is DISABLED. */
		pthread_mutex_lock(&s->lock);
		if (s->telemetry_on)
			stlm__log(s, STLM_LOG_INFO,
				  "%s/%s: EINVAL: telemetry is off", f->path,
				  rel);
		s->telemetry_on = false;
		for (uint32_t i = 0; i < s->n_des; i++)
			if (g == STLM_GROUP_NONE || s->des[i].desc.group_id == g)
				s->des[i].msg_valid = false;
		pthread_mutex_unlock(&s->lock);
		pthread_mutex_unlock(&f->snap_lock);
		return 0;
	}
	if (len < 0) {
		r = (int)len;
		stlm__log(s, STLM_LOG_WARNING, "%s/%s: %s%s", f->path, rel,
			  strerror(-r),
			  r == -EFBIG ? " (more text than the DE count allows)" :
					"");
		pthread_mutex_unlock(&f->snap_lock);
		return r == -EFBIG ? -EBADMSG : r;
	}
	/* Parse everything before touching the cache. */
	for (;;) {
		r = stlmfs_text_bulk_next(f->buf, (size_t)len, &off, &line, &x);
		if (r == 0)
			break;
		if (r < 0 || m >= f->tmp_cap) {
			stlm__log(s, STLM_LOG_ERR,
				  "%s/%s: line %zu: %s", f->path, rel, line,
				  r < 0 ? "malformed (want '0x<ID> <ts> <16 hex digits>')" :
					  "more lines than DEs");
			pthread_mutex_unlock(&f->snap_lock);
			return -EBADMSG;
		}
		f->tmp[m++] = x;
	}

	pthread_mutex_lock(&s->lock);
	if (!++f->stamp)
		f->stamp = 1;
	s->telemetry_on = true;
	for (size_t i = 0; i < m; i++) {
		int k = stlm__de_index(s, f->tmp[i].id);
		struct stlm_de *de;

		if (k < 0 || (uint32_t)k >= f->n_des) {
			unknown++;
			continue;
		}
		de = &s->des[k];
		de->msg_raw = stlm__de_raw(de, f->tmp[i].value);
		de->msg_ts = f->tmp[i].ts;
		de->msg_valid = true;
		de->msg_seq++;
		f->seen[k] = f->stamp;
	}
	for (uint32_t i = 0; i < s->n_des && i < f->n_des; i++)
		if (f->seen[i] != f->stamp &&
		    (g == STLM_GROUP_NONE || s->des[i].desc.group_id == g))
			s->des[i].msg_valid = false;
	pthread_mutex_unlock(&s->lock);
	pthread_mutex_unlock(&f->snap_lock);
	if (unknown)
		stlm__log(s, STLM_LOG_DEBUG, "%s/%s: %zu lines for DEs not in des/",
			  f->path, rel, unknown);
	return 0;
}

/*
 * LOST once the instance directory went away: removed (no link left, or
 * neither `version` nor `des` reachable in it) or unreachable (a FUSE
 * mount whose daemon died: ENOTCONN). Sticky.
 */
static enum stlm_state stlmfs_state(struct stlm_session *s, int *ret_err)
{
	struct stlmfs *f = stlmfs_be(s);
	int r = __atomic_load_n(&f->lost, __ATOMIC_RELAXED);
	struct stat st;

	if (!r) {
		if (fstat(f->dirfd, &st) < 0)
			r = -errno;
		else if (st.st_nlink == 0)
			r = -ENODEV;
		else if (fstatat(f->dirfd, "version", &st, 0) < 0 &&
			 fstatat(f->dirfd, "des", &st, 0) < 0)
			r = errno == ENOENT ? -ENODEV : -errno;
		if (r)
			__atomic_store_n(&f->lost, r, __ATOMIC_RELAXED);
	}
	if (ret_err)
		*ret_err = r;
	return r ? STLM_STATE_LOST : STLM_STATE_READY;
}

const struct stlm_backend_ops stlm__backend_stlmfs = {
	.name = "stlmfs",
	.flags = STLM_BACKEND_BULK_VALUES,
	.open = stlmfs_open,
	.close = stlmfs_close,
	.configure = stlmfs_be_batch,
	.coll_set = stlmfs_be_coll_set,
	.coll_get = stlmfs_be_coll_get,
	.reset = stlmfs_be_reset,
	.group_intervals = stlmfs_be_group_intervals,
	.fetch = stlmfs_fetch,
	.state = stlmfs_state,
};
