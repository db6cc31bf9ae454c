// SPDX-License-Identifier: MIT
/*
 * Copyright (c) 2026 The stlm authors
 *
 * The FUSE tree: STLMFS v4 (stlmfs-interface.md §3-§7) plus snapshot,
 * snapshot.bin, pipe and by-name/ (docs/stlmfs.md).
 *
 * Theory of operation
 * -------------------
 * Inode numbers are computed, not stored: kind in bits 63:56, an id in
 * bits 55:8 (DE id, group id, or a by-components/by-name node index) and a
 * file index in bits 7:0. Only the two symlink views are built as tables
 * (tree.c), lazily on first use (at start without -o lazy).
 *
 * Every data file builds its text once per open (v4 "snapshot per open");
 * reads page through it (direct_io, so the kernel never caches). snapshot
 * and snapshot.bin instead take a new snapshot at every read at offset 0,
 * so pread(fd, buf, n, 0) in a loop gives a fresh consistent snapshot per
 * call. generation blocks once its text is consumed; pipe streams samples.
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
#define FUSE_USE_VERSION 314 /* libfuse 3.14 */

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

#include <fuse_lowlevel.h>

#include "daemon.h"
#include "fuse-parse.h"
#include "snapshot-bin.h"
#include "tree.h"

#define FS_TTL 1.0
#define FS_MAX_THREADS 128
/* Blocked generation/pipe reads each hold a worker thread: at most this
 * many for unprivileged readers together, and for everyone, so that the
 * rest of the tree and FUSE_INTERRUPT keep being served (SECURITY.md). */
#define FS_MAX_BLOCKED_USER (FS_MAX_THREADS / 2)
#define FS_MAX_BLOCKED (FS_MAX_THREADS - 16)
#define FS_IDLE_THREADS 16
#define PROBE_MS 250
#define PIPE_CAP 65536u
#define FILE_SIZE 4096

/* ---------------------------------------------------------------- */
/* Inodes                                                           */

enum kind {
	K_DIR = 0,	/* fixed directories */
	K_INST = 1,	/* tlm_0/<file> */
	K_DE = 2,	/* des/<id>/ (f = 0) and its files */
	K_GRP = 3,	/* groups/<gid>/ (f = 0) and its files */
	K_VC = 4,	/* by-components/ nodes */
	K_VN = 5,	/* by-name/ nodes */
	K_RAW = 6,	/* tlm_0/raw_<N> (a = N) */
};

#define INO(k, a, f) (((uint64_t)(k) << 56) | ((uint64_t)(a) << 8) | (f))
#define INO_KIND(i) ((unsigned int)((i) >> 56))
#define INO_A(i) ((uint32_t)(((i) >> 8) & 0xffffffffffull))
#define INO_F(i) ((unsigned int)((i) & 0xff))

#define INO_ROOT FUSE_ROOT_ID
#define INO_TLM INO(K_DIR, 0, 2)
#define INO_DES INO(K_DIR, 0, 3)
#define INO_GROUPS INO(K_DIR, 0, 4)
#define INO_BYCOMP INO(K_VC, 0, 0)
#define INO_BYNAME INO(K_VN, 0, 0)

/* Mode classes (stlmfs-interface.md §3), before the umask. */
enum cls { C_RO, C_RW, C_WO, C_CTRL };

static const mode_t cls_mode[] = {
	[C_RO] = S_IFREG | 0444,
	[C_RW] = S_IFREG | 0666,
	[C_WO] = S_IFREG | 0200,
	[C_CTRL] = S_IFREG | 0666,
};

/* Conditions. */
enum cond {
	Q_NONE, Q_SINGLE, Q_RESET, Q_PERGROUP, Q_TS, Q_NAME,
};

/* What an open file does. */
enum content {
	T_VERSION, T_UUID, T_TLM_ENABLE, T_ALL_ENABLE, T_ALL_TS, T_AVAIL,
	T_DISCRETE, T_CUR_INT, T_BULK, T_SINGLE, T_GENERATION, T_RESET,
	T_CONTROL, T_SNAP, T_SNAPBIN, T_PIPE,
	T_DE_ENABLE, T_DE_VALUE, T_DE_NAME, T_DE_TS, T_DE_TSRATE, T_DE_TYPE,
	T_DE_UNIT, T_DE_UNITEXP, T_DE_INST, T_DE_CTYPE, T_DE_CINST,
	T_DE_PERSIST,
	T_G_ENABLE, T_G_TS, T_G_MEMBERS, T_G_CONTROL, T_G_BULK, T_G_SINGLE,
	T_G_CUR_INT, T_G_AVAIL, T_G_DISCRETE, T_G_SNAP, T_G_SNAPBIN,
	T_RAW,
};

struct fentry {
	const char *name;
	enum cls cls;
	enum cond cond;
	enum content t;
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
/* State                                                            */

struct sbuf {
	char *p;
	size_t len, cap;
	int err;
};

struct pipe_rec {
	uint32_t id;
	uint64_t raw, ts;
};

/**
 * struct ofile - one open file (fuse_file_info.fh)
 * @lock:     serialises reads on this file
 * @buf:      its text (or binary snapshot)
 * @last_gen: generation: the value last returned
 * @pos:      generation/pipe: bytes of @buf already returned
 * @cursor:   pipe: next ring record to return
 * @ph:       last poll handle (generation, pipe)
 */
struct ofile {
	const struct fentry *fe;
	fuse_ino_t ino;
	pthread_mutex_t lock;
	struct sbuf buf;
	uint64_t last_gen;
	size_t pos;
	uint64_t cursor;
	struct fuse_pollhandle *ph;
	bool nonblock;
	struct ofile *prev, *next;
};

struct fs {
	struct stlmd *d;
	struct fuse_session *se;
	char mnt[PATH_MAX];
	bool mounted, loop_ok, pump_ok;
	pthread_t loop, pump;
	struct timespec start;

	pthread_mutex_t lock;
	pthread_cond_t cond;
	bool stopping;
	uint64_t gen;			/* exported generation */
	uint64_t gen_off;		/* gen = gen_off + session's */
	struct stlm_session *gen_s;	/* the session gen_off is for */
	struct stlm_platform_info info;	/* last known */
	bool have_info;
	struct stlm_collection coll;	/* last probe */
	struct ofile *files;		/* generation and pipe files */
	unsigned int pipe_readers;
	unsigned int n_blocked;		/* reads waiting in fs_wait() */
	struct pipe_rec *ring;
	uint64_t head;			/* records ever pushed */

	pthread_mutex_t vt_lock;
	struct stlm_session *vt_s;	/* the session the views are of */
	struct vtree vc, vn;
	bool vt_built;
};

static inline struct fs *fs_data(fuse_req_t req)
{
	return fuse_req_userdata(req);
}

/* ---------------------------------------------------------------- */
/* Helpers                                                          */

static void sb_printf(struct sbuf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static int sb_reserve(struct sbuf *b, size_t more)
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

static void sb_printf(struct sbuf *b, const char *fmt, ...)
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

static void sb_put(struct sbuf *b, const void *p, size_t n)
{
	if (sb_reserve(b, n) < 0)
		return;
	memcpy(b->p + b->len, p, n);
	b->len += n;
}

static void sb_reset(struct sbuf *b)
{
	b->len = 0;
	b->err = 0;
}

static void sb_free(struct sbuf *b)
{
	free(b->p);
	memset(b, 0, sizeof(*b));
}

/*
 * A library error: when the session is lost (its state, not this errno)
 * or not answering, EIO (stlmd.c retires it or marks it unresponsive).
 */
static int fs_err(struct fs *fs, int r)
{
	if (r >= 0)
		return r;
	if (stlmd_request_failed(fs->d, NULL, r))
		return -EIO;
	return r;
}

static struct stlm_session *fs_session(struct fs *fs)
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
static void fs_wake_locked(struct fs *fs)
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
static uint64_t fs_gen_refresh(struct fs *fs, struct stlm_session *s)
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

static const char *yes_no(bool b)
{
	return b ? "Y\n" : "N\n";
}

static void fill_attr(struct fs *fs, fuse_ino_t ino, mode_t mode,
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
		if (INO_KIND(ino) == K_RAW) {
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
static int views_get(struct fs *fs, struct stlm_session *s, int kind,
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

static const struct fentry *ino_fentry(fuse_ino_t ino)
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
static int node_check(struct fs *fs, fuse_ino_t ino, mode_t *mode)
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

static int node_lookup(struct fs *fs, fuse_ino_t parent, const char *name,
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

/* ---------------------------------------------------------------- */
/* Content                                                          */

static int interval_text(struct fs *fs, struct stlm_session *s, uint32_t scope,
			 struct sbuf *b, int what)
{
	struct stlm_intervals iv;
	struct stlm_collection c;
	int r;

	if (what == T_CUR_INT) {
		r = stlm_collection_get(s, scope, &c);
		if (r < 0)
			return fs_err(fs, r);
		sb_printf(b, "%u,%d\n", c.interval.secs, c.interval.exp);
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

/* Take a snapshot of @ids (NULL: all enabled DEs). */
static int take(struct fs *fs, struct stlm_session *s, const uint32_t *ids,
		size_t n, unsigned int flags, struct stlm_snapshot **ret)
{
	struct stlm_snapshot *snap;
	int r;

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

static int bulk_text(struct fs *fs, struct stlm_session *s, int grp,
		     uint32_t gid, bool single, struct sbuf *b)
{
	struct stlm_collection c;
	struct stlm_snapshot *snap;
	const struct stlm_sample *sm;
	const uint32_t *ids = NULL;
	size_t n = 0;
	int r;

	r = stlm_collection_get(s, STLM_GROUP_ALL, &c);
	if (r < 0)
		return fs_err(fs, r);
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
	for (size_t i = 0; i < n; i++) {
		if (!(sm[i].flags & STLM_SAMPLE_VALID))
			continue;
		sb_printf(b, "0x%08X %llu %016llX\n", sm[i].id,
			  (sm[i].flags & STLM_SAMPLE_TIMESTAMP) ?
				  (unsigned long long)sm[i].ts : 0ull,
			  (unsigned long long)sm[i].raw);
	}
	stlm_snapshot_free(snap);
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
	struct stlm_snapshot *snap;
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

		if (sb_reserve(b, sizeof(h) + n * sizeof(struct stlmd_snap_sample)) < 0)
			goto out;
		sb_put(b, &h, sizeof(h));
		for (size_t i = 0; i < n; i++) {
			bool ok = sm[i].flags & STLM_SAMPLE_VALID;
			struct stlmd_snap_sample x = {
				.id = sm[i].id,
				.flags = sm[i].flags,
				.raw = ok ? sm[i].raw : 0,
				.ts = ok && (sm[i].flags & STLM_SAMPLE_TIMESTAMP) ?
					      sm[i].ts : 0,
				.ts_rate_khz = sm[i].ts_rate_khz,
			};

			sb_put(b, &x, sizeof(x));
		}
	} else {
		sb_printf(b, "generation %llu\ntime_ns %llu\nmono_ns %llu\ncount %zu\n",
			  (unsigned long long)gen,
			  (unsigned long long)stlm_snapshot_time_ns(snap),
			  (unsigned long long)stlm_snapshot_mono_ns(snap), n);
		for (size_t i = 0; i < n; i++) {
			if (sm[i].flags & STLM_SAMPLE_VALID)
				sb_printf(b, "0x%08X %llu %016llX\n", sm[i].id,
					  (sm[i].flags & STLM_SAMPLE_TIMESTAMP) ?
						  (unsigned long long)sm[i].ts : 0ull,
					  (unsigned long long)sm[i].raw);
			else
				sb_printf(b, "0x%08X - - %s\n", sm[i].id,
					  sample_state(sm[i].flags));
		}
	}
out:
	stlm_snapshot_free(snap);
	return b->err;
}

static int value_text(struct fs *fs, struct stlm_session *s, uint32_t id,
		      struct sbuf *b)
{
	struct stlm_snapshot *snap;
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
	stlm_snapshot_free(snap);
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
static int content_build(struct fs *fs, struct ofile *f)
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
		r = stlm_collection_get(s, STLM_GROUP_ALL, &c);
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
static int content_write(struct fs *fs, struct ofile *f, const char *txt)
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

/* ---------------------------------------------------------------- */
/* FUSE operations                                                  */

static void stlmfs_init(void *userdata, struct fuse_conn_info *conn)
{
	(void)userdata;
	/* every reply is built per open; nothing may be cached */
	conn->want &= ~(unsigned int)FUSE_CAP_AUTO_INVAL_DATA;
}

static void stlmfs_lookup(fuse_req_t req, fuse_ino_t parent, const char *name)
{
	struct fs *fs = fs_data(req);
	struct fuse_entry_param e;
	fuse_ino_t ino;
	mode_t mode;
	int r;

	r = node_lookup(fs, parent, name, &ino);
	if (r == 0)
		r = node_check(fs, ino, &mode);
	if (r < 0) {
		fuse_reply_err(req, -r);
		return;
	}
	memset(&e, 0, sizeof(e));
	e.ino = ino;
	e.attr_timeout = FS_TTL;
	e.entry_timeout = FS_TTL;
	fill_attr(fs, ino, mode, &e.attr);
	fuse_reply_entry(req, &e);
}

static void stlmfs_getattr(fuse_req_t req, fuse_ino_t ino,
			   struct fuse_file_info *fi)
{
	struct fs *fs = fs_data(req);
	struct stat st;
	mode_t mode;
	int r;

	(void)fi;
	r = node_check(fs, ino, &mode);
	if (r < 0) {
		fuse_reply_err(req, -r);
		return;
	}
	fill_attr(fs, ino, mode, &st);
	fuse_reply_attr(req, &st, FS_TTL);
}

static void stlmfs_setattr(fuse_req_t req, fuse_ino_t ino, struct stat *attr,
			   int to_set, struct fuse_file_info *fi)
{
	const int ok = FUSE_SET_ATTR_SIZE | FUSE_SET_ATTR_ATIME |
		       FUSE_SET_ATTR_MTIME | FUSE_SET_ATTR_ATIME_NOW |
		       FUSE_SET_ATTR_MTIME_NOW | FUSE_SET_ATTR_CTIME;

	(void)attr;
	/* The tree is fixed: no chmod/chown; truncation (O_TRUNC of a
	 * knob, "echo y >") is accepted and means nothing. */
	if (to_set & ~ok) {
		fuse_reply_err(req, EPERM);
		return;
	}
	stlmfs_getattr(req, ino, fi);
}

static void stlmfs_readlink(fuse_req_t req, fuse_ino_t ino)
{
	struct fs *fs = fs_data(req);
	struct stlm_session *s;
	struct vtree *t;
	char buf[PATH_MAX];
	uint32_t a = INO_A(ino);
	int r;

	if (INO_KIND(ino) != K_VC && INO_KIND(ino) != K_VN) {
		fuse_reply_err(req, EINVAL);
		return;
	}
	s = fs_session(fs);
	if (!s) {
		fuse_reply_err(req, EIO);
		return;
	}
	r = views_get(fs, s, (int)INO_KIND(ino), &t);
	if (r < 0) {
		fuse_reply_err(req, -r);
		return;
	}
	if (a >= t->nn || !t->n[a].link)
		r = -EINVAL;
	else
		r = vtree_link_text(t, a, buf, sizeof(buf));
	pthread_mutex_unlock(&fs->vt_lock);
	if (r < 0)
		fuse_reply_err(req, -r);
	else
		fuse_reply_readlink(req, buf);
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

static void stlmfs_readdir(fuse_req_t req, fuse_ino_t ino, size_t size,
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

static void ofile_free(struct ofile *f)
{
	if (!f)
		return;
	/* A reader's reply may still be in flight when release arrives on
	 * another worker: wait for it (reads reply with f->lock held). */
	pthread_mutex_lock(&f->lock);
	pthread_mutex_unlock(&f->lock);
	sb_free(&f->buf);
	pthread_mutex_destroy(&f->lock);
	free(f);
}

static void stlmfs_open(fuse_req_t req, fuse_ino_t ino,
			struct fuse_file_info *fi)
{
	struct fs *fs = fs_data(req);
	int acc = fi->flags & O_ACCMODE;
	bool rd = acc != O_WRONLY, wr = acc != O_RDONLY;
	const struct fentry *fe;
	struct ofile *f;
	mode_t mode;
	int r;

	r = node_check(fs, ino, &mode);
	if (r < 0) {
		fuse_reply_err(req, -r);
		return;
	}
	if (S_ISDIR(mode)) {
		fuse_reply_err(req, EISDIR);
		return;
	}
	fe = ino_fentry(ino);
	if (!fe) {
		fuse_reply_err(req, ENOENT);
		return;
	}
	/* as sysfs: no read side, no write side → EACCES, root included */
	if ((rd && fe->cls == C_WO) || (wr && fe->cls == C_RO)) {
		fuse_reply_err(req, EACCES);
		return;
	}
	f = calloc(1, sizeof(*f));
	if (!f) {
		fuse_reply_err(req, ENOMEM);
		return;
	}
	pthread_mutex_init(&f->lock, NULL);
	f->fe = fe;
	f->ino = ino;
	f->nonblock = fi->flags & O_NONBLOCK;

	switch (fe->t) {
	case T_CONTROL:
	case T_G_CONTROL:
	case T_RESET:
	case T_SNAP:
	case T_SNAPBIN:
	case T_G_SNAP:
	case T_G_SNAPBIN:
	case T_RAW:
		break; /* nothing at open: built by the read at offset 0 */
	case T_GENERATION:
		if (!fs_session(fs) && !fs->gen) {
			r = -EIO;
			break;
		}
		f->last_gen = fs_gen_refresh(fs, stlmd_session(fs->d));
		sb_printf(&f->buf, "%llu\n", (unsigned long long)f->last_gen);
		break;
	case T_PIPE:
		break;
	default:
		if (rd)
			r = content_build(fs, f);
		break;
	}
	if (r < 0) {
		ofile_free(f);
		fuse_reply_err(req, -r);
		return;
	}
	fi->direct_io = 1;
	fi->keep_cache = 0;
	/* streams are not seekable; text files are (head(1) seeks back),
	 * and snapshot files are re-read with pread(fd, .., 0) */
	fi->nonseekable = fe->t == T_GENERATION || fe->t == T_PIPE;
	fi->fh = (uintptr_t)f;
	if (fe->t == T_GENERATION || fe->t == T_PIPE) {
		pthread_mutex_lock(&fs->lock);
		f->next = fs->files;
		if (fs->files)
			fs->files->prev = f;
		fs->files = f;
		if (fe->t == T_PIPE) {
			fs->pipe_readers++;
			f->cursor = fs->head;
		}
		pthread_mutex_unlock(&fs->lock);
	}
	if (fuse_reply_open(req, fi) < 0) {
		/* the opener is gone: no release will come */
		if (fe->t == T_GENERATION || fe->t == T_PIPE) {
			pthread_mutex_lock(&fs->lock);
			if (f->prev)
				f->prev->next = f->next;
			else
				fs->files = f->next;
			if (f->next)
				f->next->prev = f->prev;
			if (fe->t == T_PIPE)
				fs->pipe_readers--;
			pthread_mutex_unlock(&fs->lock);
		}
		ofile_free(f);
	}
}

static void stlmfs_release(fuse_req_t req, fuse_ino_t ino,
			   struct fuse_file_info *fi)
{
	struct fs *fs = fs_data(req);
	struct ofile *f = (struct ofile *)(uintptr_t)fi->fh;

	(void)ino;
	if (f && (f->fe->t == T_GENERATION || f->fe->t == T_PIPE)) {
		pthread_mutex_lock(&fs->lock);
		if (f->prev)
			f->prev->next = f->next;
		else
			fs->files = f->next;
		if (f->next)
			f->next->prev = f->prev;
		if (f->fe->t == T_PIPE)
			fs->pipe_readers--;
		if (f->ph)
			fuse_pollhandle_destroy(f->ph);
		f->ph = NULL;
		pthread_mutex_unlock(&fs->lock);
	}
	ofile_free(f);
	fuse_reply_err(req, 0);
}

static void stlmfs_interrupt(fuse_req_t req, void *data)
{
	struct fs *fs = data;

	(void)req;
	pthread_mutex_lock(&fs->lock);
	pthread_cond_broadcast(&fs->cond);
	pthread_mutex_unlock(&fs->lock);
}

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

static void read_generation(fuse_req_t req, struct fs *fs, struct ofile *f,
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

static void read_pipe(fuse_req_t req, struct fs *fs, struct ofile *f,
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

static void stlmfs_read(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off,
			struct fuse_file_info *fi)
{
	struct fs *fs = fs_data(req);
	struct ofile *f = (struct ofile *)(uintptr_t)fi->fh;
	int r;

	(void)ino;
	if (!f) {
		fuse_reply_err(req, EBADF);
		return;
	}
	switch (f->fe->t) {
	case T_GENERATION:
		read_generation(req, fs, f, size);
		return;
	case T_PIPE:
		read_pipe(req, fs, f, size);
		return;
	case T_CONTROL:
	case T_G_CONTROL:
	case T_RESET:
		fuse_reply_err(req, EINVAL);
		return;
	default:
		break;
	}
	pthread_mutex_lock(&f->lock);
	if (off == 0 && (f->fe->t == T_SNAP || f->fe->t == T_SNAPBIN ||
			 f->fe->t == T_G_SNAP || f->fe->t == T_G_SNAPBIN ||
			 f->fe->t == T_RAW)) {
		r = content_build(fs, f);
		if (r < 0) {
			pthread_mutex_unlock(&f->lock);
			fuse_reply_err(req, -r);
			return;
		}
	}
	if (off < 0 || (size_t)off >= f->buf.len)
		fuse_reply_buf(req, NULL, 0);
	else
		fuse_reply_buf(req, f->buf.p + off,
			       f->buf.len - (size_t)off < size ?
				       f->buf.len - (size_t)off : size);
	pthread_mutex_unlock(&f->lock);
}

static void stlmfs_write(fuse_req_t req, fuse_ino_t ino, const char *buf,
			 size_t size, off_t off, struct fuse_file_info *fi)
{
	struct fs *fs = fs_data(req);
	struct ofile *f = (struct ofile *)(uintptr_t)fi->fh;
	char txt[STLMFS_WRITE_MAX];
	int r;

	(void)ino;
	(void)off;
	if (!f) {
		fuse_reply_err(req, EBADF);
		return;
	}
	if (f->fe->cls == C_CTRL) {
		fuse_reply_err(req, EINVAL);
		return;
	}
	if (f->fe->t == T_RESET) {
		r = content_write(fs, f, "");
		if (r < 0)
			fuse_reply_err(req, -r);
		else
			fuse_reply_write(req, size);
		return;
	}
	r = stlmfs_write_text(buf, size, f->fe->t == T_CUR_INT ||
					 f->fe->t == T_G_CUR_INT, txt);
	if (r == 0)
		r = content_write(fs, f, txt);
	if (r < 0)
		fuse_reply_err(req, -r);
	else
		fuse_reply_write(req, size);
}

static void stlmfs_poll(fuse_req_t req, fuse_ino_t ino,
			struct fuse_file_info *fi, struct fuse_pollhandle *ph)
{
	struct fs *fs = fs_data(req);
	struct ofile *f = (struct ofile *)(uintptr_t)fi->fh;
	unsigned int mask = 0;

	(void)ino;
	if (!f || (f->fe->t != T_GENERATION && f->fe->t != T_PIPE)) {
		if (ph)
			fuse_pollhandle_destroy(ph);
		fuse_reply_poll(req, f ? POLLIN | POLLRDNORM | POLLOUT | POLLWRNORM
				       : POLLERR);
		return;
	}
	pthread_mutex_lock(&fs->lock);
	if (fs->stopping)
		mask = POLLERR;
	else if (f->fe->t == T_GENERATION)
		mask = (f->pos < f->buf.len || fs->gen != f->last_gen) ?
			       POLLIN | POLLRDNORM : 0;
	else
		mask = f->cursor != fs->head ? POLLIN | POLLRDNORM : 0;
	if (ph) {
		if (f->ph)
			fuse_pollhandle_destroy(f->ph);
		f->ph = ph;
	}
	pthread_mutex_unlock(&fs->lock);
	fuse_reply_poll(req, mask);
}

static void stlmfs_ioctl(fuse_req_t req, fuse_ino_t ino, unsigned int cmd,
			 void *arg, struct fuse_file_info *fi, unsigned flags,
			 const void *in_buf, size_t in_bufsz, size_t out_bufsz)
{
	(void)ino; (void)cmd; (void)arg; (void)fi; (void)flags;
	(void)in_buf; (void)in_bufsz; (void)out_bufsz;
	/* the v4 control ioctls are not served (docs/stlmfs.md) */
	fuse_reply_err(req, ENOTTY);
}

static const struct fuse_lowlevel_ops stlmfs_ops = {
	.init = stlmfs_init,
	.lookup = stlmfs_lookup,
	.getattr = stlmfs_getattr,
	.setattr = stlmfs_setattr,
	.readlink = stlmfs_readlink,
	.readdir = stlmfs_readdir,
	.open = stlmfs_open,
	.release = stlmfs_release,
	.read = stlmfs_read,
	.write = stlmfs_write,
	.poll = stlmfs_poll,
	.ioctl = stlmfs_ioctl,
};

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

static void *pump_main(void *arg)
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

			next_probe = now + PROBE_MS * 1000000ull;
			r = stlm_collection_get(s, STLM_GROUP_ALL, &c);
			if (r < 0) {
				fs_err(fs, r);
				continue;
			}
			pthread_mutex_lock(&fs->lock);
			fs->coll = c;
			pthread_mutex_unlock(&fs->lock);
		}
		/* pipe without notifications: sample at the update interval */
		if (readers && fs->coll.enabled &&
		    fs->coll.mode == STLM_MODE_ON_DEMAND && now >= next_take) {
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
	while (fs->files) {
		struct ofile *f = fs->files;

		fs->files = f->next;
		if (f->ph)
			fuse_pollhandle_destroy(f->ph);
		f->ph = NULL;
	}
	if (fs->mounted)
		fuse_session_unmount(fs->se);
	fuse_session_destroy(fs->se);
	if (fs->vt_built) {
		vtree_free(&fs->vc);
		vtree_free(&fs->vn);
	}
	free(fs->ring);
	pthread_mutex_destroy(&fs->vt_lock);
	pthread_cond_destroy(&fs->cond);
	pthread_mutex_destroy(&fs->lock);
	stlmd_log(d, LOG_INFO, "%s unmounted", fs->mnt);
	free(fs);
	d->fuse = NULL;
}
