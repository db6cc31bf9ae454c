// SPDX-License-Identifier: MIT
/*
 * Copyright (c) 2026 The stlm authors
 *
 * The FUSE tree: STLMFS v4 (docs/stlmfs.md) plus snapshot,
 * snapshot.bin, pipe and by-name/ (docs/stlmfs.md).
 *
 * Theory of operation
 * -------------------
 * Inode numbers are computed, not stored: kind in bits 63:56, an id in
 * bits 55:8 (DE id, group id, or a by-components/by-name node index) and a
 * file index in bits 7:0. Only the two symlink views are built as tables
 * (tree.c), lazily on first use (at start without -o lazy).
 *
 * Every data file builds its text at open (v4 "snapshot per open", errors
 * surface at open); reads page through it (direct_io, so the kernel never
 * caches). As sysfs, every later read at offset 0 builds a fresh text, so
 * a kept-open file re-read with pread(fd, buf, n, 0) or lseek(0) + read
 * sees new values (snapshot, snapshot.bin and raw_N build at their first
 * read). Texts are shared between opens that produce the same bytes and
 * bounded per uid (fuse-buf.c). generation blocks once its text is
 * consumed; pipe streams samples.
 *
 * A pump thread watches the session: it drains the event fd (generation,
 * reset, update samples for pipe), keeps the exported generation, probes
 * the platform every PROBE_MS (a lost platform must give EIO, not stale
 * shared memory) and reconnects through stlmd_session(). The exported
 * generation is monotonic across reconnects: it is bumped when the
 * platform is lost and continues from there with the new session.
 *
 * Locking: fs->lock protects the generation, the pipe ring, the poll
 * handles and the open-file list; no library call is made with it held.
 * fs->vt_lock serialises building the symlink views.
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
#include "tree.h"

static const mode_t cls_mode[] = {
	[C_RO] = S_IFREG | 0444,
	[C_RW] = S_IFREG | 0666,
	[C_WO] = S_IFREG | 0200,
	[C_CTRL] = S_IFREG | 0666,
};

/* File index f is the position + 1 (0 is the directory itself). */
static const struct fentry inst_files[] = {
	{ "all_des_enable", C_RW, Q_NONE, T_ALL_ENABLE },
	{ "all_des_tstamp_enable", C_RW, Q_NONE, T_ALL_TS },
	{ "available_update_intervals_ms", C_RO, Q_NONE, T_AVAIL },
	{ "control", C_CTRL, Q_NONE, T_CONTROL },
	{ "current_update_interval_ms", C_RW, Q_NONE, T_CUR_INT },
	{ "de_implementation_version", C_RO, Q_NONE, T_UUID },
	{ "des_bulk_read", C_RO, Q_NONE, T_BULK },
	{ "des_single_sample_read", C_RO, Q_SINGLE, T_SINGLE },
	{ "generation", C_RO, Q_NONE, T_GENERATION },
	{ "intervals_discrete", C_RO, Q_NONE, T_DISCRETE },
	{ "reset", C_WO, Q_RESET, T_RESET },
	{ "tlm_enable", C_RW, Q_NONE, T_TLM_ENABLE },
	{ "version", C_RO, Q_NONE, T_VERSION },
	/* beyond v4 */
	{ "snapshot", C_RO, Q_NONE, T_SNAP },
	{ "snapshot.bin", C_RO, Q_NONE, T_SNAPBIN },
	{ "pipe", C_RO, Q_NONE, T_PIPE },
};

static const struct fentry de_files[] = {
	{ "enable", C_RW, Q_NONE, T_DE_ENABLE },
	{ "value", C_RO, Q_NONE, T_DE_VALUE },
	{ "name", C_RO, Q_NAME, T_DE_NAME },
	{ "tstamp_enable", C_RW, Q_TS, T_DE_TS },
	{ "tstamp_rate", C_RO, Q_TS, T_DE_TSRATE },
	{ "type", C_RO, Q_NONE, T_DE_TYPE },
	{ "unit", C_RO, Q_NONE, T_DE_UNIT },
	{ "unit_exp", C_RO, Q_NONE, T_DE_UNITEXP },
	{ "instance_id", C_RO, Q_NONE, T_DE_INST },
	{ "compo_type", C_RO, Q_NONE, T_DE_CTYPE },
	{ "compo_instance_id", C_RO, Q_NONE, T_DE_CINST },
	{ "persistent", C_RO, Q_NONE, T_DE_PERSIST },
};

static const struct fentry grp_files[] = {
	{ "enable", C_RW, Q_NONE, T_G_ENABLE },
	{ "tstamp_enable", C_RW, Q_NONE, T_G_TS },
	{ "composing_des", C_RO, Q_NONE, T_G_MEMBERS },
	{ "control", C_CTRL, Q_NONE, T_G_CONTROL },
	{ "des_bulk_read", C_RO, Q_NONE, T_G_BULK },
	{ "des_single_sample_read", C_RO, Q_SINGLE, T_G_SINGLE },
	{ "current_update_interval_ms", C_RW, Q_PERGROUP, T_G_CUR_INT },
	{ "available_update_intervals_ms", C_RO, Q_PERGROUP, T_G_AVAIL },
	{ "intervals_discrete", C_RO, Q_PERGROUP, T_G_DISCRETE },
	/* beyond v4 */
	{ "snapshot", C_RO, Q_NONE, T_G_SNAP },
	{ "snapshot.bin", C_RO, Q_NONE, T_G_SNAPBIN },
};

/* tlm_0/raw_<N>: the bytes of SHMTI N (beyond v4). */
static const struct fentry raw_file = { "raw_", C_RO, Q_NONE, T_RAW };

#define N_INST (sizeof(inst_files) / sizeof(inst_files[0]))
#define N_DEF (sizeof(de_files) / sizeof(de_files[0]))
#define N_GRPF (sizeof(grp_files) / sizeof(grp_files[0]))

/* Entries of tlm_0/ after the files. */
static const char *const tlm_dirs[] = { "by-components", "by-name", "des",
					"groups" };
static const fuse_ino_t tlm_dir_ino[] = { INO_BYCOMP, INO_BYNAME, INO_DES,
					  INO_GROUPS };

/* ---------------------------------------------------------------- */
/* Helpers                                                          */

int sb_reserve(struct sbuf *b, size_t more)
{
	if (b->err)
		return b->err;
	if (b->len + more > b->cap) {
		size_t cap = b->cap ? b->cap : 256;
		char *p;

		while (cap < b->len + more)
			cap *= 2;
		p = realloc(b->p, cap);
		if (!p)
			return b->err = -ENOMEM;
		b->p = p;
		b->cap = cap;
	}
	return 0;
}

void sb_printf(struct sbuf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (sb_reserve(b, 64) < 0)
		return;
	va_start(ap, fmt);
	n = vsnprintf(b->p + b->len, b->cap - b->len, fmt, ap);
	va_end(ap);
	if (n < 0) {
		b->err = -EINVAL;
		return;
	}
	if ((size_t)n >= b->cap - b->len) {
		if (sb_reserve(b, (size_t)n + 1) < 0)
			return;
		va_start(ap, fmt);
		vsnprintf(b->p + b->len, b->cap - b->len, fmt, ap);
		va_end(ap);
	}
	b->len += (size_t)n;
}

void sb_put(struct sbuf *b, const void *p, size_t n)
{
	if (sb_reserve(b, n) < 0)
		return;
	memcpy(b->p + b->len, p, n);
	b->len += n;
}

void sb_reset(struct sbuf *b)
{
	b->len = 0;
	b->err = 0;
}

void sb_free(struct sbuf *b)
{
	free(b->p);
	memset(b, 0, sizeof(*b));
}

/*
 * A library error: when the session is lost (its state, not this errno)
 * or not answering, EIO (stlmd.c retires it or marks it unresponsive).
 */
int fs_err(struct fs *fs, int r)
{
	if (r >= 0)
		return r;
	if (stlmd_request_failed(fs->d, NULL, r))
		return -EIO;
	return r;
}

struct stlm_session *fs_session(struct fs *fs)
{
	struct stlm_session *s = stlmd_session(fs->d);

	if (s && !fs->have_info) {
		struct stlm_platform_info info;

		if (stlm_session_info(s, &info) == 0) {
			pthread_mutex_lock(&fs->lock);
			fs->info = info;
			fs->have_info = true;
			pthread_mutex_unlock(&fs->lock);
		}
	}
	return s;
}

/* Wake blocked readers and notify pollers; fs->lock held. */
void fs_wake_locked(struct fs *fs)
{
	pthread_cond_broadcast(&fs->cond);
	for (struct ofile *f = fs->files; f; f = f->next) {
		if (f->ph) {
			fuse_lowlevel_notify_poll(f->ph);
			fuse_pollhandle_destroy(f->ph);
			f->ph = NULL;
		}
	}
}

/* Bring the exported generation up to date with the session. */
uint64_t fs_gen_refresh(struct fs *fs, struct stlm_session *s)
{
	uint64_t g;

	pthread_mutex_lock(&fs->lock);
	if (s != fs->gen_s) {
		if (fs->gen_s || s)
			fs->gen++; /* lost, or a new session */
		fs->gen_off = fs->gen - 1;
		fs->gen_s = s;
		if (s)
			fs->have_info = false;
		fs_wake_locked(fs);
	}
	if (s) {
		g = fs->gen_off + stlm_session_generation(s);
		if (g == 0)
			g = 1;
		if (g != fs->gen && g > fs->gen) {
			fs->gen = g;
			fs_wake_locked(fs);
		}
	}
	g = fs->gen;
	pthread_mutex_unlock(&fs->lock);
	return g;
}

/*
 * The collection state as value and bulk reads check it: a platform
 * answer at most COLL_FRESH_MS old, for the session's current generation
 * (every configuration change, by anyone, bumps it), instead of one
 * platform round trip per read. The pump's probe refreshes it every
 * PROBE_MS; a failed answer (probe or read) drops it, so while the
 * platform answers with errors every read asks and fails with its errno:
 * no value is served without an answer from the platform in the last
 * COLL_FRESH_MS.
 */
void fs_coll_note(struct fs *fs, struct stlm_session *s, uint64_t gen,
		  uint64_t asked_ns, const struct stlm_collection *c)
{
	pthread_mutex_lock(&fs->lock);
	if (c) {
		fs->cc = *c;
		fs->cc_s = s;
		fs->cc_gen = gen;
		fs->cc_ns = asked_ns;
		fs->cc_valid = true;
	} else {
		fs->cc_valid = false;
	}
	pthread_mutex_unlock(&fs->lock);
}

int fs_coll(struct fs *fs, struct stlm_session *s, struct stlm_collection *c)
{
	uint64_t gen = stlm_session_generation(s), now = stlmd_now_ns();
	bool hit;
	int r;

	pthread_mutex_lock(&fs->lock);
	hit = fs->cc_valid && fs->cc_s == s && fs->cc_gen == gen &&
	      now - fs->cc_ns < COLL_FRESH_MS * 1000000ull;
	if (hit)
		*c = fs->cc;
	pthread_mutex_unlock(&fs->lock);
	if (hit)
		return 0;
	/* the generation and time before the answer: a change meanwhile
	 * makes the next read ask again */
	r = stlm_collection_get(s, STLM_GROUP_ALL, c);
	fs_coll_note(fs, s, gen, now, r < 0 ? NULL : c);
	return r < 0 ? r : 0;
}

static bool cond_ok(struct fs *fs, enum cond q, const struct stlm_de *de)
{
	const char *n;

	switch (q) {
	case Q_NONE:
		return true;
	case Q_SINGLE:
		return fs->info.single_sample;
	case Q_RESET:
		return fs->info.reset;
	case Q_PERGROUP:
		return fs->info.per_group;
	case Q_TS:
		return de && stlm_de_ts_support(de) != STLM_TS_NONE;
	case Q_NAME:
		n = de ? stlm_de_fw_name(de) : NULL;
		return n && *n;
	}
	return false;
}

const char *yes_no(bool b)
{
	return b ? "Y\n" : "N\n";
}

/*
 * Files whose text can outgrow FILE_SIZE (bulk reads, snapshots, member
 * lists). Tools trust the size: cp(1) copies up to lseek(SEEK_HOLE) and
 * pads the copy to the size fstat() gave, sendfile(2) (Python's
 * shutil.copyfile) reads through the page cache up to the size, tail(1)
 * seeks from it. So their attributes are never cached, a stat gives the
 * length of the latest text built for the file (FILE_SIZE before any;
 * texts are built at open, so right after an open it is that open's), and
 * the attributes asked with an open file (lseek SEEK_END, SEEK_HOLE) give
 * the length of the text that fd reads (stlmfs_getattr()).
 */
bool sized_by_text(fuse_ino_t ino)
{
	const struct fentry *fe = ino_fentry(ino);

	if (!fe)
		return false;
	switch (fe->t) {
	case T_AVAIL:
	case T_BULK:
	case T_SINGLE:
	case T_SNAP:
	case T_SNAPBIN:
	case T_G_MEMBERS:
	case T_G_BULK:
	case T_G_SINGLE:
	case T_G_AVAIL:
	case T_G_SNAP:
	case T_G_SNAPBIN:
		return true;
	default:
		return false;
	}
}

void fill_attr(struct fs *fs, fuse_ino_t ino, mode_t mode,
	       struct stat *st)
{
	memset(st, 0, sizeof(*st));
	st->st_ino = ino;
	if (S_ISDIR(mode)) {
		st->st_mode = S_IFDIR | (0755 & ~fs->d->umask);
		st->st_nlink = 2;
	} else if (S_ISLNK(mode)) {
		st->st_mode = S_IFLNK | (0777 & ~fs->d->umask);
		st->st_nlink = 1;
		st->st_size = 64;
	} else {
		st->st_mode = (mode & S_IFMT) | (mode & 07777 & ~fs->d->umask);
		st->st_nlink = 1;
		st->st_size = FILE_SIZE;
		if (sized_by_text(ino)) {
			size_t len;

			if (rend_last_len(fs, ino, &len))
				st->st_size = (off_t)len;
		} else if (INO_KIND(ino) == K_RAW) {
			struct stlm_session *s = fs_session(fs);
			const void *base;
			size_t len;

			/* the file size is the area's length */
			if (s && stlm_shmti_map(s, INO_A(ino), &base, &len) == 0)
				st->st_size = (off_t)len;
		}
	}
	st->st_uid = fs->d->uid;
	st->st_gid = fs->d->gid;
	st->st_blksize = 4096;
	st->st_atim = st->st_mtim = st->st_ctim = fs->start;
}

/* ---------------------------------------------------------------- */
/* Symlink views                                                    */

/* Build (or rebuild after a reconnect) the views; vt_lock held. */
static int views_ready_locked(struct fs *fs, struct stlm_session *s)
{
	int r;

	if (fs->vt_built && fs->vt_s == s)
		return 0;
	if (fs->vt_built) {
		vtree_free(&fs->vc);
		vtree_free(&fs->vn);
		fs->vt_built = false;
	}
	r = vtree_init(&fs->vc);
	if (r < 0)
		return r;
	r = vtree_init(&fs->vn);
	if (r < 0) {
		vtree_free(&fs->vc);
		return r;
	}
	r = vtree_build_components(&fs->vc, s);
	if (r >= 0)
		r = vtree_build_names(&fs->vn, s);
	if (r < 0) {
		vtree_free(&fs->vc);
		vtree_free(&fs->vn);
		return fs_err(fs, r);
	}
	if (fs->vc.skipped || fs->vn.skipped)
		stlmd_log(fs->d, LOG_INFO,
			  "by-components: %u DEs skipped, by-name: %u skipped",
			  fs->vc.skipped, fs->vn.skipped);
	fs->vt_s = s;
	fs->vt_built = true;
	return 0;
}

/* Lock the views (built); on success the caller unlocks vt_lock. */
int views_get(struct fs *fs, struct stlm_session *s, int kind,
	      struct vtree **ret)
{
	int r;

	pthread_mutex_lock(&fs->vt_lock);
	r = views_ready_locked(fs, s);
	if (r < 0) {
		pthread_mutex_unlock(&fs->vt_lock);
		return r;
	}
	*ret = kind == K_VC ? &fs->vc : &fs->vn;
	return 0;
}

/* ---------------------------------------------------------------- */
/* Node resolution                                                  */

const struct fentry *ino_fentry(fuse_ino_t ino)
{
	unsigned int f = INO_F(ino);

	switch (INO_KIND(ino)) {
	case K_INST:
		return f >= 1 && f <= N_INST ? &inst_files[f - 1] : NULL;
	case K_DE:
		return f >= 1 && f <= N_DEF ? &de_files[f - 1] : NULL;
	case K_GRP:
		return f >= 1 && f <= N_GRPF ? &grp_files[f - 1] : NULL;
	case K_RAW:
		return f == 1 ? &raw_file : NULL;
	default:
		return NULL;
	}
}

/*
 * Check that @ino exists and give its mode. @ret_de for DE inodes.
 * Returns 0 or a negative errno (ENOENT, EIO when the platform is gone).
 */
int node_check(struct fs *fs, fuse_ino_t ino, mode_t *mode)
{
	const struct fentry *fe = NULL;
	struct stlm_session *s;
	const struct stlm_de *de = NULL;
	struct vtree *t;
	uint32_t a = INO_A(ino);
	int r;

	if (ino == INO_ROOT || ino == INO_TLM || ino == INO_DES ||
	    ino == INO_GROUPS) {
		*mode = S_IFDIR;
		return 0;
	}
	switch (INO_KIND(ino)) {
	case K_INST:
		fe = ino_fentry(ino);
		if (!fe)
			return -ENOENT;
		if (fe->cond != Q_NONE) {
			if (!fs_session(fs) && !fs->have_info)
				return -EIO;
			if (!cond_ok(fs, fe->cond, NULL))
				return -ENOENT;
		}
		*mode = cls_mode[fe->cls];
		return 0;
	case K_DE:
		s = fs_session(fs);
		if (!s)
			return -EIO;
		de = stlm_de_get(s, a);
		if (!de)
			return errno == ENOENT ? -ENOENT : fs_err(fs, -errno);
		if (INO_F(ino) == 0) {
			*mode = S_IFDIR;
			return 0;
		}
		fe = ino_fentry(ino);
		if (!fe || !cond_ok(fs, fe->cond, de))
			return -ENOENT;
		*mode = cls_mode[fe->cls];
		return 0;
	case K_GRP:
		s = fs_session(fs);
		if (!s)
			return -EIO;
		r = stlm_group_count(s);
		if (r < 0)
			return fs_err(fs, r);
		if (a >= (uint32_t)r)
			return -ENOENT;
		if (INO_F(ino) == 0) {
			*mode = S_IFDIR;
			return 0;
		}
		fe = ino_fentry(ino);
		if (!fe || !cond_ok(fs, fe->cond, NULL))
			return -ENOENT;
		*mode = cls_mode[fe->cls];
		return 0;
	case K_RAW:
		s = fs_session(fs);
		if (!s)
			return -EIO;
		r = stlm_shmti_count(s);
		if (r < 0)
			return fs_err(fs, r);
		if (a >= (uint32_t)r || INO_F(ino) != 1)
			return -ENOENT;
		*mode = cls_mode[C_RO];
		return 0;
	case K_VC:
	case K_VN:
		if (a == 0 && INO_F(ino) == 0) {
			*mode = S_IFDIR;
			return 0;
		}
		s = fs_session(fs);
		if (!s)
			return -EIO;
		r = views_get(fs, s, (int)INO_KIND(ino), &t);
		if (r < 0)
			return r;
		if (a >= t->nn || INO_F(ino))
			r = -ENOENT;
		else
			*mode = t->n[a].link ? S_IFLNK : S_IFDIR;
		pthread_mutex_unlock(&fs->vt_lock);
		return r;
	default:
		return -ENOENT;
	}
}

static int parse_de_dirname(const char *name, uint32_t *id)
{
	char *end;
	unsigned long v;

	/* canonical form only: 0x + 8 upper-case hex digits */
	if (strlen(name) != 10 || name[0] != '0' || name[1] != 'x')
		return -ENOENT;
	for (int i = 2; i < 10; i++)
		if (!((name[i] >= '0' && name[i] <= '9') ||
		      (name[i] >= 'A' && name[i] <= 'F')))
			return -ENOENT;
	v = strtoul(name + 2, &end, 16);
	*id = (uint32_t)v;
	return 0;
}

int node_lookup(struct fs *fs, fuse_ino_t parent, const char *name,
		fuse_ino_t *ret)
{
	struct stlm_session *s;
	struct vtree *t;
	uint32_t a = INO_A(parent), id;
	int r;

	if (parent == INO_ROOT) {
		if (strcmp(name, "tlm_0"))
			return -ENOENT;
		*ret = INO_TLM;
		return 0;
	}
	if (parent == INO_TLM) {
		for (size_t i = 0; i < N_INST; i++)
			if (!strcmp(name, inst_files[i].name)) {
				*ret = INO(K_INST, 0, i + 1);
				return 0;
			}
		for (size_t i = 0; i < 4; i++)
			if (!strcmp(name, tlm_dirs[i])) {
				*ret = tlm_dir_ino[i];
				return 0;
			}
		if (!strncmp(name, "raw_", 4)) {
			const char *d = name + 4;
			char *end;
			unsigned long n;

			/* canonical decimal only: raw_0, raw_12 */
			if (*d < '0' || *d > '9' || (d[0] == '0' && d[1]))
				return -ENOENT;
			errno = 0;
			n = strtoul(d, &end, 10);
			if (errno || *end || n > 0xffffu)
				return -ENOENT;
			*ret = INO(K_RAW, n, 1);
			return 0;
		}
		return -ENOENT;
	}
	if (parent == INO_DES) {
		r = parse_de_dirname(name, &id);
		if (r < 0)
			return r;
		*ret = INO(K_DE, id, 0);
		return 0;
	}
	if (parent == INO_GROUPS) {
		char *end;
		unsigned long g;

		if (!name[0] || (name[0] == '0' && name[1]) || name[0] < '0' ||
		    name[0] > '9')
			return -ENOENT;
		errno = 0;
		g = strtoul(name, &end, 10);
		if (errno || *end || g > 0xffffffffu)
			return -ENOENT;
		*ret = INO(K_GRP, g, 0);
		return 0;
	}
	switch (INO_KIND(parent)) {
	case K_DE:
		for (size_t i = 0; i < N_DEF; i++)
			if (!strcmp(name, de_files[i].name)) {
				*ret = INO(K_DE, a, i + 1);
				return 0;
			}
		return -ENOENT;
	case K_GRP:
		for (size_t i = 0; i < N_GRPF; i++)
			if (!strcmp(name, grp_files[i].name)) {
				*ret = INO(K_GRP, a, i + 1);
				return 0;
			}
		return -ENOENT;
	case K_VC:
	case K_VN:
		s = fs_session(fs);
		if (!s)
			return -EIO;
		r = views_get(fs, s, (int)INO_KIND(parent), &t);
		if (r < 0)
			return r;
		id = a < t->nn ? vtree_child(t, a, name) : VT_NONE;
		pthread_mutex_unlock(&fs->vt_lock);
		if (id == VT_NONE)
			return -ENOENT;
		*ret = INO(INO_KIND(parent), id, 0);
		return 0;
	default:
		return -ENOTDIR;
	}
}

/* One directory entry; returns false when the buffer is full. */
static bool dir_add(fuse_req_t req, char *buf, size_t size, size_t *used,
		    const char *name, fuse_ino_t ino, mode_t mode, off_t next)
{
	struct stat st = { .st_ino = ino, .st_mode = mode };
	size_t need = fuse_add_direntry(req, buf + *used, size - *used, name,
					&st, next);

	if (need > size - *used)
		return false;
	*used += need;
	return true;
}

void stlmfs_readdir(fuse_req_t req, fuse_ino_t ino, size_t size,
		    off_t off, struct fuse_file_info *fi)
{
	struct fs *fs = fs_data(req);
	struct stlm_session *s = NULL;
	char *buf;
	size_t used = 0;
	mode_t mode;
	int r;

	(void)fi;
	r = node_check(fs, ino, &mode);
	if (r == 0 && !S_ISDIR(mode))
		r = -ENOTDIR;
	if (r < 0) {
		fuse_reply_err(req, -r);
		return;
	}
	buf = malloc(size);
	if (!buf) {
		fuse_reply_err(req, ENOMEM);
		return;
	}
	/* offsets: 1 after ".", 2 after "..", then per kind */
	if (off < 1 && !dir_add(req, buf, size, &used, ".", ino, S_IFDIR, 1))
		goto done;
	if (off < 2 && !dir_add(req, buf, size, &used, "..", ino, S_IFDIR, 2))
		goto done;
	if (off < 2)
		off = 2;

	if (ino == INO_ROOT) {
		if (off < 3)
			dir_add(req, buf, size, &used, "tlm_0", INO_TLM, S_IFDIR, 3);
	} else if (ino == INO_TLM) {
		int n_raw;

		s = fs_session(fs);
		n_raw = s ? stlm_shmti_count(s) : 0;
		if (n_raw < 0)
			n_raw = 0;
		for (size_t i = (size_t)off - 2; i < N_INST + 4 + (size_t)n_raw;
		     i++) {
			if (i >= N_INST + 4) {
				char name[16];
				uint32_t k = (uint32_t)(i - N_INST - 4);

				snprintf(name, sizeof(name), "raw_%u", k);
				if (!dir_add(req, buf, size, &used, name,
					     INO(K_RAW, k, 1), S_IFREG,
					     (off_t)i + 3))
					break;
			} else if (i < N_INST) {
				if (!cond_ok(fs, inst_files[i].cond, NULL))
					continue;
				if (!dir_add(req, buf, size, &used,
					     inst_files[i].name,
					     INO(K_INST, 0, i + 1), S_IFREG,
					     (off_t)i + 3))
					break;
			} else if (!dir_add(req, buf, size, &used,
					    tlm_dirs[i - N_INST],
					    tlm_dir_ino[i - N_INST], S_IFDIR,
					    (off_t)i + 3)) {
				break;
			}
		}
	} else if (ino == INO_DES || ino == INO_GROUPS) {
		int n;

		s = fs_session(fs);
		if (!s) {
			r = -EIO;
			goto done;
		}
		n = ino == INO_DES ? stlm_de_count(s) : stlm_group_count(s);
		if (n < 0) {
			r = fs_err(fs, n);
			goto done;
		}
		for (int i = (int)off - 2; i < n; i++) {
			char name[16];
			fuse_ino_t cino;

			if (ino == INO_DES) {
				const struct stlm_de *de = stlm_de_at(s, (size_t)i);

				if (!de)
					break;
				snprintf(name, sizeof(name), "0x%08X",
					 stlm_de_id(de));
				cino = INO(K_DE, stlm_de_id(de), 0);
			} else {
				snprintf(name, sizeof(name), "%d", i);
				cino = INO(K_GRP, i, 0);
			}
			if (!dir_add(req, buf, size, &used, name, cino, S_IFDIR,
				     (off_t)i + 3))
				break;
		}
	} else if (INO_KIND(ino) == K_DE || INO_KIND(ino) == K_GRP) {
		const struct fentry *tab = INO_KIND(ino) == K_DE ? de_files : grp_files;
		size_t n = INO_KIND(ino) == K_DE ? N_DEF : N_GRPF;
		const struct stlm_de *de = NULL;

		s = fs_session(fs);
		if (!s) {
			r = -EIO;
			goto done;
		}
		if (INO_KIND(ino) == K_DE)
			de = stlm_de_get(s, INO_A(ino));
		for (size_t i = (size_t)off - 2; i < n; i++) {
			if (!cond_ok(fs, tab[i].cond, de))
				continue;
			if (!dir_add(req, buf, size, &used, tab[i].name,
				     ino | (i + 1), S_IFREG, (off_t)i + 3))
				break;
		}
	} else if (INO_KIND(ino) == K_VC || INO_KIND(ino) == K_VN) {
		struct vtree *t;
		uint32_t c, a = INO_A(ino);

		s = fs_session(fs);
		if (!s) {
			r = -EIO;
			goto done;
		}
		r = views_get(fs, s, (int)INO_KIND(ino), &t);
		if (r < 0)
			goto done;
		/* offset after child c is c + 3: resume at its sibling */
		c = off == 2 ? t->n[a].first : t->n[off - 3].next;
		for (; c != VT_NONE; c = t->n[c].next) {
			if (!dir_add(req, buf, size, &used, vtree_name(t, c),
				     INO(INO_KIND(ino), c, 0),
				     t->n[c].link ? S_IFLNK : S_IFDIR,
				     (off_t)c + 3))
				break;
		}
		pthread_mutex_unlock(&fs->vt_lock);
	}
done:
	if (r < 0 && used == 0)
		fuse_reply_err(req, -r);
	else
		fuse_reply_buf(req, buf, used);
	free(buf);
}

/* ---------------------------------------------------------------- */
/* Start and stop                                                   */

static void *loop_main(void *arg)
{
	struct fs *fs = arg;
	struct fuse_loop_config *cfg = fuse_loop_cfg_create();
	int r;

	if (!cfg)
		return NULL;
	fuse_loop_cfg_set_max_threads(cfg, FS_MAX_THREADS);
	fuse_loop_cfg_set_idle_threads(cfg, FS_IDLE_THREADS);
	r = fuse_session_loop_mt(fs->se, cfg);
	fuse_loop_cfg_destroy(cfg);
	if (r != 0)
		stlmd_log(fs->d, LOG_DEBUG, "fuse loop ended (%d)", r);
	/* the kernel side went away (fusermount -u, umount): stop */
	if (!fs->stopping && !fs->d->stopping)
		kill(getpid(), SIGTERM);
	return NULL;
}

int stlmd_fuse_start(struct stlmd *d)
{
	char *argv[] = {
		"stlmd", "-o",
		"fsname=stlmfs,subtype=stlmfs,allow_other,default_permissions",
		NULL,
	};
	struct fuse_args args = FUSE_ARGS_INIT(3, argv);
	struct stlm_session *s;
	struct fs *fs;
	int fd, r;

	if (!d->mount)
		return 0;
	fs = calloc(1, sizeof(*fs));
	if (!fs)
		return -ENOMEM;
	fs->d = d;
	fs->gen = 1;
	fs->gen_off = 0;
	clock_gettime(CLOCK_REALTIME, &fs->start);
	pthread_mutex_init(&fs->lock, NULL);
	pthread_cond_init(&fs->cond, NULL);
	pthread_mutex_init(&fs->vt_lock, NULL);
	pthread_mutex_init(&fs->rb_lock, NULL);
	pthread_mutex_init(&fs->olock, NULL);
	pthread_mutex_init(&fs->snap_lock, NULL);
	fs->ring = calloc(PIPE_CAP, sizeof(*fs->ring));
	if (!fs->ring) {
		r = -ENOMEM;
		goto err_free;
	}
	if (!realpath(d->mount, fs->mnt)) {
		r = -errno;
		goto err_free;
	}
	fd = open("/dev/fuse", O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		r = -errno;
		goto err_free;
	}
	close(fd);

	s = fs_session(fs);
	if (s) {
		fs->gen_s = s;
		fs->gen_off = 0;
		fs->gen = stlm_session_generation(s);
		/* without lazy, discover and build the views now */
		if (!d->lazy) {
			pthread_mutex_lock(&fs->vt_lock);
			views_ready_locked(fs, s);
			pthread_mutex_unlock(&fs->vt_lock);
		}
	}

	fs->se = fuse_session_new(&args, &stlmfs_ops, sizeof(stlmfs_ops), fs);
	if (!fs->se) {
		r = -ENOMEM;
		goto err_free;
	}
	errno = 0;
	if (fuse_session_mount(fs->se, fs->mnt) != 0) {
		r = errno ? -errno : -EIO;
		goto err_destroy;
	}
	fs->mounted = true;
	d->fuse = fs;

	r = -pthread_create(&fs->loop, NULL, loop_main, fs);
	if (r < 0)
		goto err_unmount;
	fs->loop_ok = true;
	r = -pthread_create(&fs->pump, NULL, pump_main, fs);
	if (r < 0)
		goto err_stop;
	fs->pump_ok = true;
	fuse_opt_free_args(&args);
	return 0;

err_stop:
	stlmd_fuse_stop(d);
	fuse_opt_free_args(&args);
	return r;
err_unmount:
	fuse_session_unmount(fs->se);
err_destroy:
	fuse_session_destroy(fs->se);
err_free:
	fuse_opt_free_args(&args);
	d->fuse = NULL;
	free(fs->ring);
	pthread_mutex_destroy(&fs->snap_lock);
	pthread_mutex_destroy(&fs->rb_lock);
	pthread_mutex_destroy(&fs->olock);
	pthread_mutex_destroy(&fs->vt_lock);
	pthread_cond_destroy(&fs->cond);
	pthread_mutex_destroy(&fs->lock);
	free(fs);
	return r;
}

void stlmd_fuse_stop(struct stlmd *d)
{
	struct fs *fs = d->fuse;

	if (!fs)
		return;
	pthread_mutex_lock(&fs->lock);
	fs->stopping = true;
	fs_wake_locked(fs);
	pthread_mutex_unlock(&fs->lock);
	if (fs->pump_ok)
		pthread_join(fs->pump, NULL);

	fuse_session_exit(fs->se);
	if (fs->mounted) {
		/* abort the connection even with files open (see rawfs) */
		if (umount2(fs->mnt, MNT_FORCE | MNT_DETACH) < 0)
			fuse_session_unmount(fs->se);
	}
	if (fs->loop_ok)
		pthread_join(fs->loop, NULL);
	/* files whose RELEASE never came (their readers were killed, or
	 * still held them, as the tree went away): nothing can use them
	 * once the loop has ended */
	while (fs->files) {
		struct ofile *f = fs->files;

		fs->files = f->next;
		if (f->ph)
			fuse_pollhandle_destroy(f->ph);
		f->ph = NULL;
		ofile_free(fs, f);
	}
	while (fs->opened) {
		struct ofile *f = fs->opened;

		fs->opened = f->next;
		ofile_free(fs, f);
	}
	if (fs->mounted)
		fuse_session_unmount(fs->se);
	fuse_session_destroy(fs->se);
	if (fs->vt_built) {
		vtree_free(&fs->vc);
		vtree_free(&fs->vn);
	}
	free(fs->ring);
	free(fs->rb_users);
	free(fs->rb_spare);
	stlm_snapshot_free(fs->snap);
	pthread_mutex_destroy(&fs->snap_lock);
	pthread_mutex_destroy(&fs->rb_lock);
	pthread_mutex_destroy(&fs->olock);
	pthread_mutex_destroy(&fs->vt_lock);
	pthread_cond_destroy(&fs->cond);
	pthread_mutex_destroy(&fs->lock);
	stlmd_log(d, LOG_INFO, "%s unmounted", fs->mnt);
	free(fs);
	d->fuse = NULL;
}
