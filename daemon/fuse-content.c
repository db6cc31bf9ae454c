// SPDX-License-Identifier: MIT
/*
 * Copyright (c) 2026 The stlm authors
 *
 * The FUSE tree's file contents (docs/stlmfs.md): the text of every
 * readable file, built once per open, and what a write to a control or
 * attribute file does. See fuse.c for the theory of operation.
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

/* ---------------------------------------------------------------- */
/* Content                                                          */

/* secs * 10^exp with the trailing zeros of secs moved into exp */
static void iv_norm(uint64_t *secs, int *exp)
{
	if (!*secs) {
		*exp = 0;
		return;
	}
	while (*secs % 10 == 0) {
		*secs /= 10;
		(*exp)++;
	}
}

/*
 * The current interval in the form available_update_intervals_ms uses
 * (docs/stlmfs.md): the listed tuple of the same value when there is one
 * ("50,-3", not the platform's "5,-2"), else the value in the list's
 * smallest exponent when that is exact and secs fits 16 bits, else as
 * the platform gave it.
 */
static void interval_list_form(const struct stlm_intervals *iv,
			       const struct stlm_interval *cur,
			       unsigned int *secs, int *exp)
{
	uint64_t a = cur->secs, b;
	int x = cur->exp, y, emin = INT_MAX;

	*secs = cur->secs;
	*exp = cur->exp;
	iv_norm(&a, &x);
	for (size_t i = 0; i < iv->n; i++) {
		b = iv->v[i].secs;
		y = iv->v[i].exp;
		iv_norm(&b, &y);
		if (a == b && (x == y || !a)) {
			*secs = iv->v[i].secs;
			*exp = iv->v[i].exp;
			return;
		}
		if (iv->v[i].exp < emin)
			emin = iv->v[i].exp;
	}
	if (!iv->n || !a || x < emin)
		return;
	for (int i = x; i > emin; i--) {
		a *= 10;
		if (a > 0xffff)
			return;
	}
	*secs = (unsigned int)a;
	*exp = emin;
}

static int interval_text(struct fs *fs, struct stlm_session *s, uint32_t scope,
			 struct sbuf *b, int what)
{
	struct stlm_intervals iv;
	struct stlm_collection c;
	unsigned int secs;
	int r, exp;

	if (what == T_CUR_INT) {
		r = stlm_collection_get(s, scope, &c);
		if (r < 0)
			return fs_err(fs, r);
		secs = c.interval.secs;
		exp = c.interval.exp;
		if (stlm_intervals_get(s, scope, &iv) == 0)
			interval_list_form(&iv, &c.interval, &secs, &exp);
		sb_printf(b, "%u,%d\n", secs, exp);
		return b->err;
	}
	r = stlm_intervals_get(s, scope, &iv);
	if (r < 0)
		return fs_err(fs, r);
	if (what == T_DISCRETE) {
		sb_printf(b, "%s", yes_no(!iv.range));
		return b->err;
	}
	for (size_t i = 0; i < iv.n; i++)
		sb_printf(b, "%s%u,%d", i ? " " : "", iv.v[i].secs, iv.v[i].exp);
	sb_printf(b, "\n");
	return b->err;
}

/*
 * Take a snapshot of @ids (NULL: all enabled DEs); give it back with
 * untake(). A snapshot of every DE reuses the tree's own while no other
 * read holds it (its plan and buffers stay built: no allocation, no
 * O(DEs) set-up per read); a concurrent read makes its own.
 */
static int take(struct fs *fs, struct stlm_session *s, const uint32_t *ids,
		size_t n, unsigned int flags, struct stlm_snapshot **ret)
{
	struct stlm_snapshot *snap = NULL;
	int r;

	if (!ids && !flags && pthread_mutex_trylock(&fs->snap_lock) == 0) {
		if (fs->snap && fs->snap_s != s) {
			stlm_snapshot_free(fs->snap);
			fs->snap = NULL;
		}
		r = fs->snap ? 0 : stlm_snapshot_new(s, &fs->snap);
		if (r < 0) {
			pthread_mutex_unlock(&fs->snap_lock);
			return fs_err(fs, r);
		}
		fs->snap_s = s;
		r = stlm_snapshot_take(fs->snap, 0);
		if (r >= 0 && (!fs->d->platform_ok || !fs->d->s))
			r = -EIO;
		if (r < 0) {
			pthread_mutex_unlock(&fs->snap_lock);
			return fs_err(fs, r);
		}
		*ret = fs->snap;
		return 0;
	}
	r = stlm_snapshot_new(s, &snap);
	if (r < 0)
		return r;
	if (ids) {
		r = stlm_snapshot_select(snap, ids, n);
		if (r < 0)
			goto fail;
		if (n == 0) {
			/* an empty selection means "all": select nothing */
			static const uint32_t none = 0xffffffffu;

			r = stlm_snapshot_select(snap, &none, 1);
			if (r < 0)
				goto fail;
		}
	}
	r = stlm_snapshot_take(snap, flags);
	if (r < 0)
		goto fail;
	/* A platform that stopped answering must not be served from stale
	 * shared memory: the pump's probe fails the session. */
	if (!fs->d->platform_ok || !fs->d->s) {
		r = -EIO;
		goto fail;
	}
	*ret = snap;
	return 0;
fail:
	stlm_snapshot_free(snap);
	return fs_err(fs, r);
}

static const char hexd[] = "0123456789ABCDEF";

/* "0x%08X %llu %016llX\n" without printf; p has room for SAMPLE_LINE_MAX. */
#define SAMPLE_LINE_MAX STLMFS_LINE_MAX
static size_t sample_line(char *p, uint32_t id, uint64_t ts, uint64_t raw)
{
	char dec[24];
	size_t o = 0, k = 0;

	p[o++] = '0';
	p[o++] = 'x';
	for (int i = 7; i >= 0; i--)
		p[o++] = hexd[(id >> (4 * i)) & 0xf];
	p[o++] = ' ';
	do {
		dec[k++] = (char)('0' + ts % 10);
		ts /= 10;
	} while (ts);
	while (k)
		p[o++] = dec[--k];
	p[o++] = ' ';
	for (int i = 15; i >= 0; i--)
		p[o++] = hexd[(raw >> (4 * i)) & 0xf];
	p[o++] = '\n';
	return o;
}

/* One valid sample's line appended to @b. */
static void sb_sample_line(struct sbuf *b, const struct stlm_sample *sm)
{
	if (sb_reserve(b, SAMPLE_LINE_MAX) < 0)
		return;
	b->len += sample_line(b->p + b->len, sm->id,
			      (sm->flags & STLM_SAMPLE_TIMESTAMP) ? sm->ts : 0,
			      sm->raw);
}

/*
 * Room for @need bytes in the empty @b, from the tree's spare buffer when
 * it is big enough: a large text built again and again reuses the pages
 * of the last one instead of faulting in fresh ones (fuse-buf.c keeps one
 * freed large text as the spare).
 */
static int sb_reserve_big(struct fs *fs, struct sbuf *b, size_t need)
{
	if (!b->p && need >= STLMFS_MMAP_MIN) {
		rb_spare_take(fs, b, need);
		if (!b->p) {
			/* the size asked for, not sbuf's next power of two */
			b->p = malloc(need);
			if (!b->p)
				return b->err = -ENOMEM;
			b->cap = need;
		}
	}
	return sb_reserve(b, need);
}

static void untake(struct fs *fs, struct stlm_snapshot *snap)
{
	if (snap && snap == fs->snap)
		pthread_mutex_unlock(&fs->snap_lock);
	else
		stlm_snapshot_free(snap);
}

static int bulk_text(struct fs *fs, struct stlm_session *s, int grp,
		     uint32_t gid, bool single, struct sbuf *b)
{
	struct stlm_collection c;
	struct stlm_snapshot *snap = NULL;
	const struct stlm_sample *sm;
	const uint32_t *ids = NULL;
	size_t n = 0;
	bool say;
	int r;

	r = fs_coll(fs, s, &c);
	if (r < 0)
		return fs_err(fs, r);
	/* As the kernel's tree: EINVAL while collection is off; the log says
	 * why, once until it is turned on again (docs/stlmfs.md). */
	pthread_mutex_lock(&fs->lock);
	say = !c.enabled && !fs->bulk_off_said;
	fs->bulk_off_said = !c.enabled;
	pthread_mutex_unlock(&fs->lock);
	if (say)
		stlmd_log(fs->d, LOG_WARNING,
			  "des_bulk_read/des_single_sample_read: telemetry collection is off (tlm_enable is N): reads fail with EINVAL until it is turned on");
	if (!c.enabled)
		return -EINVAL;
	if (grp) {
		r = stlm_group_members(s, gid, &ids, &n);
		if (r < 0)
			return fs_err(fs, r);
	}
	r = take(fs, s, ids, n, single ? STLM_TAKE_SINGLE_SAMPLE : 0, &snap);
	if (r < 0)
		return r;
	sm = stlm_snapshot_samples(snap, &n);
	sb_reserve_big(fs, b, n * 32);
	for (size_t i = 0; i < n; i++)
		if (sm[i].flags & STLM_SAMPLE_VALID)
			sb_sample_line(b, &sm[i]);
	untake(fs, snap);
	return b->err;
}

static const char *sample_state(uint32_t f)
{
	if (f & STLM_SAMPLE_VALID)
		return "valid";
	if (f & STLM_SAMPLE_DISABLED)
		return "disabled";
	if (f & STLM_SAMPLE_TORN)
		return "torn";
	if (f & STLM_SAMPLE_INVALID)
		return "invalid";
	return "unreachable";
}

/* snapshot / snapshot.bin (docs/snapshot-format.md) */
static int snapshot_build(struct fs *fs, struct stlm_session *s, int grp,
			  uint32_t gid, bool bin, struct sbuf *b)
{
	struct stlm_snapshot *snap = NULL;
	const struct stlm_sample *sm;
	const uint32_t *ids = NULL;
	size_t n = 0;
	uint64_t gen;
	int r;

	if (grp) {
		r = stlm_group_members(s, gid, &ids, &n);
		if (r < 0)
			return fs_err(fs, r);
	}
	r = take(fs, s, ids, n, 0, &snap);
	if (r < 0)
		return r;
	sm = stlm_snapshot_samples(snap, &n);
	/* generation in the daemon's (monotonic) numbering */
	pthread_mutex_lock(&fs->lock);
	gen = fs->gen_s == s ? fs->gen_off + stlm_snapshot_generation(snap) :
			       fs->gen;
	pthread_mutex_unlock(&fs->lock);
	if (bin) {
		struct stlmd_snap_header h = {
			.magic = STLMD_SNAP_MAGIC,
			.version = STLMD_SNAP_VERSION,
			.header_size = sizeof(h),
			.sample_size = sizeof(struct stlmd_snap_sample),
			.n_samples = (uint32_t)n,
			.generation = gen,
			.time_ns = stlm_snapshot_time_ns(snap),
			.mono_ns = stlm_snapshot_mono_ns(snap),
			.group = grp ? gid : STLM_GROUP_ALL,
		};

		struct stlmd_snap_sample *x;

		if (sb_reserve_big(fs, b, sizeof(h) +
				   n * sizeof(struct stlmd_snap_sample)) < 0)
			goto out;
		sb_put(b, &h, sizeof(h));
		/* the samples written in place, in one pass */
		x = (struct stlmd_snap_sample *)(void *)(b->p + b->len);
		for (size_t i = 0; i < n; i++) {
			bool ok = sm[i].flags & STLM_SAMPLE_VALID;

			x[i] = (struct stlmd_snap_sample){
				.id = sm[i].id,
				.flags = sm[i].flags,
				.raw = ok ? sm[i].raw : 0,
				.ts = ok && (sm[i].flags & STLM_SAMPLE_TIMESTAMP) ?
					      sm[i].ts : 0,
				.ts_rate_khz = sm[i].ts_rate_khz,
			};
		}
		b->len += n * sizeof(struct stlmd_snap_sample);
	} else {
		sb_reserve_big(fs, b, 128 + n * 32);
		sb_printf(b, "generation %llu\ntime_ns %llu\nmono_ns %llu\ncount %zu\n",
			  (unsigned long long)gen,
			  (unsigned long long)stlm_snapshot_time_ns(snap),
			  (unsigned long long)stlm_snapshot_mono_ns(snap), n);
		for (size_t i = 0; i < n; i++) {
			if (sm[i].flags & STLM_SAMPLE_VALID)
				sb_sample_line(b, &sm[i]);
			else
				sb_printf(b, "0x%08X - - %s\n", sm[i].id,
					  sample_state(sm[i].flags));
		}
	}
out:
	untake(fs, snap);
	return b->err;
}

static int value_text(struct fs *fs, struct stlm_session *s, uint32_t id,
		      struct sbuf *b)
{
	struct stlm_snapshot *snap = NULL;
	const struct stlm_sample *sm;
	int r;

	r = take(fs, s, &id, 1, 0, &snap);
	if (r < 0)
		return r;
	sm = stlm_snapshot_find(snap, id);
	if (!sm)
		r = -ENODATA;
	else if (sm->flags & STLM_SAMPLE_VALID)
		sb_printf(b, "%llu %016llX\n",
			  (sm->flags & STLM_SAMPLE_TIMESTAMP) ?
				  (unsigned long long)sm->ts : 0ull,
			  (unsigned long long)sm->raw);
	else if (sm->flags & STLM_SAMPLE_DISABLED)
		r = -ENODATA;
	else if (sm->flags & STLM_SAMPLE_INVALID)
		r = -EINVAL;
	else if (sm->flags & STLM_SAMPLE_TORN)
		r = -EPROTO;
	else
		r = -ENODATA; /* unreachable: nothing published yet */
	untake(fs, snap);
	return r < 0 ? r : b->err;
}

static int all_state(struct stlm_session *s, bool ts, bool *ret)
{
	int n = stlm_de_count(s);
	bool all = true, any = false;

	if (n < 0)
		return n;
	for (int i = 0; i < n; i++) {
		const struct stlm_de *de = stlm_de_at(s, (size_t)i);

		if (!de)
			return -errno;
		/* timestamps: over the enabled DEs that have them (SCMI
		 * cannot timestamp a disabled DE) */
		if (ts && (stlm_de_ts_support(de) == STLM_TS_NONE ||
			   !stlm_de_enabled(de)))
			continue;
		any = true;
		if (!(ts ? stlm_de_ts_enabled(de) : stlm_de_enabled(de))) {
			all = false;
			break;
		}
	}
	*ret = any && all;
	return 0;
}

static int group_state(struct stlm_session *s, uint32_t gid, bool ts, bool *ret)
{
	const uint32_t *ids;
	size_t n;
	bool all = true, any = false;
	int r = stlm_group_members(s, gid, &ids, &n);

	if (r < 0)
		return r;
	for (size_t i = 0; i < n; i++) {
		const struct stlm_de *de = stlm_de_get(s, ids[i]);

		if (!de) {
			all = false;
			break;
		}
		if (ts && stlm_de_ts_support(de) == STLM_TS_NONE)
			continue;
		any = true;
		if (!(ts ? stlm_de_ts_enabled(de) : stlm_de_enabled(de))) {
			all = false;
			break;
		}
	}
	*ret = any && all;
	return 0;
}

/* Build the text of a readable file at open. */
int content_build(struct fs *fs, struct ofile *f)
{
	struct stlm_session *s = fs_session(fs);
	struct sbuf *b = &f->buf;
	uint32_t a = INO_A(f->ino);
	const struct stlm_de *de = NULL;
	struct stlm_collection c;
	const uint32_t *ids;
	const char *name;
	size_t n;
	bool v = false;
	int r = 0;

	if (!s)
		return -EIO;
	sb_reset(b);
	if (INO_KIND(f->ino) == K_DE) {
		de = stlm_de_get(s, a);
		if (!de)
			return -ENOENT;
	}
	switch (f->fe->t) {
	case T_VERSION:
		sb_printf(b, "0x%x\n", fs->info.protocol_version);
		break;
	case T_UUID: {
		char u[37];

		snprintf(u, sizeof(u), "%s", fs->info.uuid_str);
		for (char *p = u; *p; p++)
			if (*p >= 'a' && *p <= 'f')
				*p = (char)(*p - 'a' + 'A');
		sb_printf(b, "%s\n", u);
		break;
	}
	case T_TLM_ENABLE:
		r = stlm_collection_get(s, STLM_GROUP_ALL, &c);
		if (r >= 0)
			sb_printf(b, "%s", yes_no(c.enabled));
		break;
	case T_ALL_ENABLE:
	case T_ALL_TS:
		r = all_state(s, f->fe->t == T_ALL_TS, &v);
		if (r >= 0)
			sb_printf(b, "%s", yes_no(v));
		break;
	case T_AVAIL:
	case T_DISCRETE:
	case T_CUR_INT:
		return interval_text(fs, s, STLM_GROUP_ALL, b, f->fe->t);
	case T_G_AVAIL:
		return interval_text(fs, s, a, b, T_AVAIL);
	case T_G_DISCRETE:
		return interval_text(fs, s, a, b, T_DISCRETE);
	case T_G_CUR_INT:
		return interval_text(fs, s, a, b, T_CUR_INT);
	case T_BULK:
	case T_SINGLE:
		return bulk_text(fs, s, 0, 0, f->fe->t == T_SINGLE, b);
	case T_G_BULK:
	case T_G_SINGLE:
		return bulk_text(fs, s, 1, a, f->fe->t == T_G_SINGLE, b);
	case T_DE_ENABLE:
		sb_printf(b, "%s", yes_no(stlm_de_enabled(de)));
		break;
	case T_DE_TS:
		sb_printf(b, "%s", yes_no(stlm_de_ts_enabled(de)));
		break;
	case T_DE_VALUE:
		r = fs_coll(fs, s, &c);
		if (r >= 0 && !c.enabled)
			return -ENODATA;
		if (r >= 0)
			return value_text(fs, s, a, b);
		break;
	case T_DE_NAME:
		name = stlm_de_fw_name(de);
		sb_printf(b, "%s\n", name ? name : "");
		break;
	case T_DE_TSRATE:
		sb_printf(b, "%u\n", stlm_de_ts_rate_khz(de));
		break;
	case T_DE_TYPE:
		sb_printf(b, "%u\n", stlm_de_type(de));
		break;
	case T_DE_UNIT:
		sb_printf(b, "%u\n", stlm_de_unit(de));
		break;
	case T_DE_UNITEXP:
		sb_printf(b, "%d\n", stlm_de_unit_exp(de));
		break;
	case T_DE_INST:
		sb_printf(b, "%u\n", stlm_de_instance(de));
		break;
	case T_DE_CTYPE:
		sb_printf(b, "%u\n", stlm_de_component_type(de));
		break;
	case T_DE_CINST:
		sb_printf(b, "%u\n", stlm_de_component_instance(de));
		break;
	case T_DE_PERSIST:
		sb_printf(b, "%d\n", stlm_de_persistent(de) ? 1 : 0);
		break;
	case T_G_ENABLE:
	case T_G_TS:
		r = group_state(s, a, f->fe->t == T_G_TS, &v);
		if (r >= 0)
			sb_printf(b, "%s", yes_no(v));
		break;
	case T_G_MEMBERS:
		r = stlm_group_members(s, a, &ids, &n);
		if (r < 0)
			break;
		for (size_t i = 0; i < n; i++)
			sb_printf(b, "%s0x%08X", i ? " " : "", ids[i]);
		sb_printf(b, "\n");
		break;
	case T_SNAP:
	case T_SNAPBIN:
		return snapshot_build(fs, s, 0, 0, f->fe->t == T_SNAPBIN, b);
	case T_G_SNAP:
	case T_G_SNAPBIN:
		return snapshot_build(fs, s, 1, a, f->fe->t == T_G_SNAPBIN, b);
	case T_RAW: {
		const void *base;
		size_t len;

		/* A copy of the whole area, as the kernel's debugfs dump: the
		 * reader checks the match sequences itself (§7.6). */
		r = stlm_shmti_map(s, a, &base, &len);
		if (r < 0)
			break;
		sb_put(b, base, len);
		break;
	}
	default:
		return -EINVAL;
	}
	if (r < 0)
		return fs_err(fs, r);
	return b->err;
}

/* Apply a write. @txt is NUL-terminated. */
int content_write(struct fs *fs, struct ofile *f, const char *txt)
{
	struct stlm_session *s = fs_session(fs);
	uint32_t a = INO_A(f->ino);
	const struct stlm_de *de;
	struct stlm_collection c;
	uint64_t ns;
	uint32_t scope = STLM_GROUP_ALL;
	bool v = false, other = false;
	int r;

	if (f->fe->t == T_CUR_INT || f->fe->t == T_G_CUR_INT) {
		if (f->fe->t == T_G_CUR_INT)
			scope = a;
		r = stlmfs_parse_interval(txt, &ns);
		if (r < 0)
			return r;
		if (!s)
			return -EIO;
		r = stlm_collection_get(s, scope, &c);
		if (r < 0)
			return fs_err(fs, r);
		return fs_err(fs, stlm_collection_set(s, scope, c.enabled,
						      c.mode, ns));
	}
	if (f->fe->t == T_RESET) {
		if (!s)
			return -EIO;
		return fs_err(fs, stlm_reset(s));
	}
	r = stlmfs_parse_bool(txt, &v);
	if (r < 0)
		return r;
	if (!s)
		return -EIO;
	switch (f->fe->t) {
	case T_TLM_ENABLE:
		r = stlm_collection_get(s, STLM_GROUP_ALL, &c);
		if (r < 0)
			break;
		r = stlm_collection_set(s, STLM_GROUP_ALL, v,
					c.enabled ? c.mode : STLM_MODE_ON_DEMAND, 0);
		break;
	case T_ALL_ENABLE:
	case T_ALL_TS:
		if (f->fe->t == T_ALL_ENABLE && !v) {
			r = stlm_all_set(s, false, false);
			break;
		}
		r = stlm_de_count(s);
		for (int i = 0, n = r; r >= 0 && i < n; i++) {
			de = stlm_de_at(s, (size_t)i);
			if (!de) {
				r = -errno;
				break;
			}
			if (f->fe->t == T_ALL_ENABLE) {
				if (stlm_de_enabled(de))
					continue;
				r = stlm_de_set(s, stlm_de_id(de), true,
						stlm_de_ts_enabled(de));
			} else {
				if (stlm_de_ts_support(de) == STLM_TS_NONE ||
				    !stlm_de_enabled(de) ||
				    stlm_de_ts_enabled(de) == v)
					continue;
				r = stlm_de_set(s, stlm_de_id(de),
						stlm_de_enabled(de), v);
			}
		}
		break;
	case T_DE_ENABLE:
	case T_DE_TS:
		de = stlm_de_get(s, a);
		if (!de)
			return -ENOENT;
		if (f->fe->t == T_DE_ENABLE)
			r = stlm_de_set(s, a, v, stlm_de_ts_enabled(de));
		else if (v && !stlm_de_enabled(de))
			return -EINVAL; /* no timestamps on a disabled DE */
		else
			r = stlm_de_set(s, a, stlm_de_enabled(de), v);
		break;
	case T_G_ENABLE:
	case T_G_TS:
		r = group_state(s, a, f->fe->t == T_G_ENABLE, &other);
		if (r < 0)
			break;
		if (f->fe->t == T_G_ENABLE)
			r = stlm_group_set(s, a, v, other);
		else if (v && !other)
			return -EINVAL; /* no timestamps on a disabled group */
		else
			r = stlm_group_set(s, a, other, v);
		break;
	default:
		return -EINVAL;
	}
	if (r < 0)
		return fs_err(fs, r);
	fs_gen_refresh(fs, s);
	return 0;
}
