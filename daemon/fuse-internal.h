/* SPDX-License-Identifier: MIT */
/*
 * Copyright (c) 2026 The stlm authors
 *
 * What the files of stlmd's FUSE tree share (fuse.c: inodes, nodes,
 * directories, start and stop; fuse-ops.c: the FUSE operations;
 * fuse-content.c: file contents; fuse-events.c: blocking reads and the
 * pump). Private to the daemon. See fuse.c for the theory of operation.
 */
#ifndef STLMD_FUSE_INTERNAL_H
#define STLMD_FUSE_INTERNAL_H

#define FUSE_USE_VERSION 314 /* libfuse 3.14 */

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/stat.h>
#include <time.h>

#include <fuse_lowlevel.h>

#include "daemon.h"
#include "tree.h"

#define FS_TTL 1.0
#define FS_TTL_FIXED 3600.0	/* the fixed skeleton (fuse-ops.c node_ttl()) */
#define FS_MAX_THREADS 128
/* Blocked generation/pipe reads each hold a worker thread: at most this
 * many for unprivileged readers together, and for everyone, so that the
 * rest of the tree and FUSE_INTERRUPT keep being served (SECURITY.md). */
#define FS_MAX_BLOCKED_USER (FS_MAX_THREADS / 2)
#define FS_MAX_BLOCKED (FS_MAX_THREADS - 16)
#define FS_IDLE_THREADS 16
#define PROBE_MS 250
#define COLL_FRESH_MS 100	/* reads trust a collection state this old */
#define PIPE_CAP 65536u
#define FILE_SIZE 4096
/* the longest line one DE adds to a text (snapshot, bulk reads) */
#define STLMFS_LINE_MAX 64

/*
 * Bounds on the texts open files hold (fuse-buf.c; docs/stlmfs.md and
 * docs/SECURITY.md give the numbers): per unprivileged uid, all
 * unprivileged uids together, everyone; open files per unprivileged uid;
 * memory is given back to the system after this much was freed.
 */
#define STLMFS_BUF_UID_MAX (64u << 20)
#define STLMFS_BUF_USERS_MAX (128u << 20)
#define STLMFS_BUF_MAX (512u << 20)
#define STLMFS_OPENS_UID_MAX 16384u
#define STLMFS_TRIM_BYTES (4u << 20)
#define STLMFS_MMAP_MIN (256u << 10)	/* stlmd.c: M_MMAP_THRESHOLD */
#define RB_BUCKETS 1024
#define RB_LAST_SLOTS 256

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

/* Mode classes (docs/stlmfs.md), before the umask. */
enum cls { C_RO, C_RW, C_WO, C_CTRL };

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

struct rend;
struct rb_user;

/**
 * struct ofile - one open file (fuse_file_info.fh)
 * @uid:      the opener (accounting, fuse-buf.c)
 * @lock:     serialises reads on this file
 * @buf:      generation: its text; others: the text being built
 * @rend:     the text reads return (shared, fuse-buf.c)
 * @fresh:    @rend was built at open (or by an fstat, stlmfs_getattr())
 *            and no read at offset 0 used it yet
 * @rd:       opened for reading
 * @last_gen: generation: the value last returned
 * @pos:      generation/pipe: bytes of @buf already returned
 * @cursor:   pipe: next ring record to return
 * @ph:       last poll handle (generation, pipe)
 */
struct ofile {
	const struct fentry *fe;
	fuse_ino_t ino;
	uid_t uid;
	pthread_mutex_t lock;
	struct sbuf buf;
	struct rend *rend;
	bool fresh;
	bool rd;
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
	bool bulk_off_said;		/* logged: bulk read while off */
	struct pipe_rec *ring;
	uint64_t head;			/* records ever pushed */

	/* fuse-buf.c: shared texts and their accounting */
	pthread_mutex_t rb_lock;
	/* open files other than generation and pipe (fuse-ops.c) */
	pthread_mutex_t olock;
	struct ofile *opened;
	struct rend *rb_hash[RB_BUCKETS];
	/* the length of the latest text of a sized_by_text() file, by inode
	 * (direct-mapped, rb_lock; fill_attr()) */
	struct {
		fuse_ino_t ino;
		size_t len;
	} rb_last[RB_LAST_SLOTS];
	struct rb_user *rb_users;
	size_t rb_nusers, rb_capusers;
	size_t rb_total, rb_unpriv, rb_freed;
	char *rb_spare;		/* a freed large text, for the next one */
	unsigned long rb_opens;
	bool rb_total_said, rb_users_said;

	/* fuse.c: the collection state reads check (fs_coll()) */
	bool cc_valid;
	struct stlm_session *cc_s;
	uint64_t cc_gen;
	uint64_t cc_ns;			/* when it was asked */
	struct stlm_collection cc;

	/* fuse-content.c: one snapshot of every DE, reused by the bulk
	 * files while nobody else holds it (snap_lock) */
	pthread_mutex_t snap_lock;
	struct stlm_session *snap_s;
	struct stlm_snapshot *snap;

	pthread_mutex_t vt_lock;
	struct stlm_session *vt_s;	/* the session the views are of */
	struct vtree vc, vn;
	bool vt_built;
};

static inline struct fs *fs_data(fuse_req_t req)
{
	return fuse_req_userdata(req);
}

/* fuse.c */
void sb_printf(struct sbuf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
int sb_reserve(struct sbuf *b, size_t more);
void sb_put(struct sbuf *b, const void *p, size_t n);
void sb_reset(struct sbuf *b);
void sb_free(struct sbuf *b);
int fs_err(struct fs *fs, int r);
struct stlm_session *fs_session(struct fs *fs);
bool sized_by_text(fuse_ino_t ino);
void fs_wake_locked(struct fs *fs);
uint64_t fs_gen_refresh(struct fs *fs, struct stlm_session *s);
const char *yes_no(bool b);
int fs_coll(struct fs *fs, struct stlm_session *s, struct stlm_collection *c);
/* @c NULL: the platform's answer was an error, drop the state. */
void fs_coll_note(struct fs *fs, struct stlm_session *s, uint64_t gen,
		  uint64_t asked_ns, const struct stlm_collection *c);
void fill_attr(struct fs *fs, fuse_ino_t ino, mode_t mode,
	       struct stat *st);
int views_get(struct fs *fs, struct stlm_session *s, int kind,
	      struct vtree **ret);
const struct fentry *ino_fentry(fuse_ino_t ino);
int node_check(struct fs *fs, fuse_ino_t ino, mode_t *mode);
int node_lookup(struct fs *fs, fuse_ino_t parent, const char *name,
		fuse_ino_t *ret);
void stlmfs_readdir(fuse_req_t req, fuse_ino_t ino, size_t size,
		    off_t off, struct fuse_file_info *fi);

/* fuse-ops.c */
void stlmfs_interrupt(fuse_req_t req, void *data);
/* Free an open file (NULL accepted): release, or stop for what is left. */
void ofile_free(struct fs *fs, struct ofile *f);
extern const struct fuse_lowlevel_ops stlmfs_ops;

/* fuse-content.c */
int content_build(struct fs *fs, struct ofile *f);
int content_write(struct fs *fs, struct ofile *f, const char *txt);

/* fuse-buf.c */
int rb_open_charge(struct fs *fs, uid_t uid);
void rb_open_uncharge(struct fs *fs, uid_t uid);
int rend_install(struct fs *fs, struct ofile *f);
void rend_drop(struct fs *fs, struct ofile *f);
/* The spare large text into the empty @b when it holds @need bytes. */
void rb_spare_take(struct fs *fs, struct sbuf *b, size_t need);
size_t rend_len(const struct rend *r);
bool rend_last_len(struct fs *fs, fuse_ino_t ino, size_t *len);
const char *rend_data(const struct rend *r);

/* fuse-events.c */
void read_generation(fuse_req_t req, struct fs *fs, struct ofile *f,
		     size_t size);
void read_pipe(fuse_req_t req, struct fs *fs, struct ofile *f,
	       size_t size);
void *pump_main(void *arg);

#endif /* STLMD_FUSE_INTERNAL_H */
