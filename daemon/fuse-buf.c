// SPDX-License-Identifier: MIT
/*
 * Copyright (c) 2026 The stlm authors
 *
 * The texts open files of the FUSE tree hold, shared and bounded
 * (docs/stlmfs.md "Open files and memory", docs/SECURITY.md "Resource
 * bounds").
 *
 * A rendering is the text of one file at one moment. Opens (and re-reads
 * at offset 0) of the same file that produce the same bytes share one
 * rendering: the latest rendering of each inode is kept in a hash table,
 * and a new text equal to it is dropped for a reference to it. A
 * rendering lives while an open file refers to it.
 *
 * Accounting: a rendering's bytes are charged once to the total, once to
 * every uid that holds it (however many of its files do), and once to the
 * unprivileged total when any unprivileged uid holds it. A uid other than
 * 0 and the daemon's own is unprivileged: its bytes, the unprivileged
 * total and its number of open files are capped (ENOMEM, EMFILE), and the
 * first refusal is logged until the uid holds nothing again. Freed memory
 * goes back to the system: big texts are mmap'd by glibc (stlmd.c sets the
 * threshold) and malloc_trim() runs after every STLMFS_TRIM_BYTES freed,
 * and when the last open file closes after a 64th of that was freed.
 */
#include <errno.h>
#include <limits.h>
#include <malloc.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

#include "fuse-internal.h"

struct rb_holder {
	uid_t uid;
	unsigned int n;		/* open files of uid on it */
};

struct rend {
	fuse_ino_t ino;
	char *p;
	size_t len;
	unsigned int refs;
	unsigned int n_unpriv;	/* unprivileged holders */
	struct rb_holder *h;
	size_t nh, caph;
	bool cached;
	struct rend *next;	/* hash chain */
};

struct rb_user {
	uid_t uid;
	size_t bytes;
	unsigned int opens;
	bool said;
};

static bool uid_priv(uid_t uid)
{
	return uid == 0 || uid == geteuid();
}

static size_t rb_slot(fuse_ino_t ino)
{
	uint64_t h = ino * 0x9e3779b97f4a7c15ull;

	return (size_t)(h >> 54) % RB_BUCKETS;
}

/* rb_lock held. The entry of @uid, created when @make. */
static struct rb_user *rb_user(struct fs *fs, uid_t uid, bool make)
{
	struct rb_user *u;

	for (size_t i = 0; i < fs->rb_nusers; i++)
		if (fs->rb_users[i].uid == uid)
			return &fs->rb_users[i];
	if (!make)
		return NULL;
	if (fs->rb_nusers == fs->rb_capusers) {
		size_t cap = fs->rb_capusers ? fs->rb_capusers * 2 : 8;

		u = realloc(fs->rb_users, cap * sizeof(*u));
		if (!u)
			return NULL;
		fs->rb_users = u;
		fs->rb_capusers = cap;
	}
	u = &fs->rb_users[fs->rb_nusers++];
	memset(u, 0, sizeof(*u));
	u->uid = uid;
	return u;
}

/* rb_lock held: forget @u when it holds nothing. */
static void rb_user_put(struct fs *fs, struct rb_user *u)
{
	if (u->bytes || u->opens)
		return;
	*u = fs->rb_users[--fs->rb_nusers];
}

/* rb_lock held: give memory back after enough was freed. */
static void rb_freed(struct fs *fs, size_t n)
{
	fs->rb_freed += n;
	if (fs->rb_freed >= STLMFS_TRIM_BYTES ||
	    (fs->rb_opens == 0 && fs->rb_freed >= STLMFS_TRIM_BYTES / 64)) {
		fs->rb_freed = 0;
		malloc_trim(0);
	}
}

static void rb_refuse_log(struct fs *fs, struct rb_user *u, const char *what,
			  size_t limit)
{
	bool files = !strcmp(what, "open files");

	if (u->said)
		return;
	u->said = true;
	stlmd_log(fs->d, LOG_WARNING,
		  "uid %u: %s of the tree reached %zu%s: refusing further %s (%s) until some are closed",
		  (unsigned int)u->uid, what, limit, files ? "" : " bytes",
		  files ? "opens" : "opens and reads",
		  files ? "EMFILE" : "ENOMEM");
}

int rb_open_charge(struct fs *fs, uid_t uid)
{
	struct rb_user *u;
	int r = 0;

	pthread_mutex_lock(&fs->rb_lock);
	u = rb_user(fs, uid, true);
	if (!u) {
		r = -ENOMEM;
	} else if (!uid_priv(uid) && u->opens >= STLMFS_OPENS_UID_MAX) {
		rb_refuse_log(fs, u, "open files", STLMFS_OPENS_UID_MAX);
		r = -EMFILE;
	} else {
		u->opens++;
		fs->rb_opens++;
	}
	pthread_mutex_unlock(&fs->rb_lock);
	return r;
}

void rb_open_uncharge(struct fs *fs, uid_t uid)
{
	struct rb_user *u;

	pthread_mutex_lock(&fs->rb_lock);
	u = rb_user(fs, uid, false);
	if (u && u->opens) {
		u->opens--;
		fs->rb_opens--;
		rb_user_put(fs, u);
	}
	rb_freed(fs, sizeof(struct ofile));
	pthread_mutex_unlock(&fs->rb_lock);
}

/* rb_lock held: free @r (no references left). */
static void rend_destroy(struct fs *fs, struct rend *r)
{
	if (r->cached) {
		struct rend **pp = &fs->rb_hash[rb_slot(r->ino)];

		while (*pp && *pp != r)
			pp = &(*pp)->next;
		if (*pp)
			*pp = r->next;
	}
	fs->rb_total -= r->len;
	/* texts from STLMFS_MMAP_MIN on are mmap'd: freeing them already
	 * gives them back, no malloc_trim() needed */
	rb_freed(fs, r->len < STLMFS_MMAP_MIN ? r->len : 0);
	/* one large text is kept for the next (rb_spare_take()) */
	if (r->len >= STLMFS_MMAP_MIN && !fs->rb_spare) {
		fs->rb_spare = r->p;
		r->p = NULL;
	}
	free(r->p);
	free(r->h);
	free(r);
}

/* rb_lock held: @uid takes a reference on @r; charges it when new. */
static int rend_ref(struct fs *fs, struct rend *r, uid_t uid)
{
	bool priv = uid_priv(uid);
	struct rb_holder *h = NULL;
	struct rb_user *u;

	for (size_t i = 0; i < r->nh; i++)
		if (r->h[i].uid == uid)
			h = &r->h[i];
	if (h) {
		h->n++;
		r->refs++;
		return 0;
	}
	u = rb_user(fs, uid, true);
	if (!u)
		return -ENOMEM;
	if (!priv && u->bytes + r->len > STLMFS_BUF_UID_MAX) {
		rb_refuse_log(fs, u, "bytes held by the open files",
			      STLMFS_BUF_UID_MAX);
		return -ENOMEM;
	}
	if (!priv && !r->n_unpriv &&
	    fs->rb_unpriv + r->len > STLMFS_BUF_USERS_MAX) {
		if (!fs->rb_users_said)
			stlmd_log(fs->d, LOG_WARNING,
				  "unprivileged users together: bytes held by the open files of the tree reached %zu: refusing further opens and reads (ENOMEM) until some are closed",
				  (size_t)STLMFS_BUF_USERS_MAX);
		fs->rb_users_said = true;
		return -ENOMEM;
	}
	if (r->nh == r->caph) {
		size_t cap = r->caph ? r->caph * 2 : 2;
		struct rb_holder *nh = realloc(r->h, cap * sizeof(*nh));

		if (!nh)
			return -ENOMEM;
		r->h = nh;
		r->caph = cap;
	}
	r->h[r->nh++] = (struct rb_holder){ .uid = uid, .n = 1 };
	r->refs++;
	u->bytes += r->len;
	if (!priv && r->n_unpriv++ == 0)
		fs->rb_unpriv += r->len;
	return 0;
}

/* rb_lock held: @uid drops a reference on @r. */
static void rend_unref(struct fs *fs, struct rend *r, uid_t uid)
{
	struct rb_user *u;

	for (size_t i = 0; i < r->nh; i++) {
		if (r->h[i].uid != uid)
			continue;
		if (--r->h[i].n == 0) {
			r->h[i] = r->h[--r->nh];
			u = rb_user(fs, uid, false);
			if (u) {
				u->bytes -= r->len;
				if (!u->bytes)
					u->said = false;
				rb_user_put(fs, u);
			}
			if (!uid_priv(uid) && --r->n_unpriv == 0) {
				fs->rb_unpriv -= r->len;
				if (fs->rb_unpriv < STLMFS_BUF_USERS_MAX / 2)
					fs->rb_users_said = false;
			}
		}
		break;
	}
	if (--r->refs == 0)
		rend_destroy(fs, r);
}

int rend_install(struct fs *fs, struct ofile *f)
{
	struct sbuf *b = &f->buf;
	struct rend *r, *old, **slot;
	int err;

	if (b->err) {
		err = b->err;
		sb_free(b);
		return err;
	}
	pthread_mutex_lock(&fs->rb_lock);
	if (sized_by_text(f->ino)) {
		size_t k = rb_slot(f->ino) % RB_LAST_SLOTS;

		fs->rb_last[k].ino = f->ino;
		fs->rb_last[k].len = b->len;
	}
	old = f->rend;
	slot = &fs->rb_hash[rb_slot(f->ino)];
	for (r = *slot; r && r->ino != f->ino; r = r->next)
		;
	if (r && r->len == b->len && (!b->len || !memcmp(r->p, b->p, b->len))) {
		/* the same text: share it */
		if (r == old) {
			pthread_mutex_unlock(&fs->rb_lock);
			sb_free(b);
			return 0;
		}
		err = rend_ref(fs, r, f->uid);
		if (err < 0)
			goto fail;
		sb_free(b);
		goto done;
	}
	if (fs->rb_total + b->len > STLMFS_BUF_MAX) {
		if (!fs->rb_total_said)
			stlmd_log(fs->d, LOG_WARNING,
				  "bytes held by the open files of the tree reached %zu: refusing further opens and reads (ENOMEM) until some are closed",
				  (size_t)STLMFS_BUF_MAX);
		fs->rb_total_said = true;
		err = -ENOMEM;
		goto fail;
	}
	fs->rb_total_said = false;
	err = -ENOMEM;
	r = calloc(1, sizeof(*r));
	if (!r)
		goto fail;
	r->ino = f->ino;
	r->len = b->len;
	/* the exact size: sbuf doubles its capacity (a large text built in
	 * the size asked for keeps it, less than a quarter more than its
	 * length, to be the spare of the next one of its size) */
	if (b->len >= STLMFS_MMAP_MIN && b->cap - b->len <= b->len / 4)
		r->p = b->p;
	else
		r->p = b->len ? realloc(b->p, b->len) : NULL;
	if (b->len && !r->p)
		r->p = b->p;
	else if (!b->len)
		free(b->p);
	memset(b, 0, sizeof(*b));
	fs->rb_total += r->len;
	err = rend_ref(fs, r, f->uid);
	if (err < 0) {
		fs->rb_total -= r->len;
		free(r->p);
		free(r);
		goto fail;
	}
	/* the latest text of this inode: replaces the one cached */
	{
		struct rend **pp = slot;

		while (*pp && (*pp)->ino != f->ino)
			pp = &(*pp)->next;
		if (*pp) {
			(*pp)->cached = false;
			*pp = (*pp)->next;
		}
		r->cached = true;
		r->next = *slot;
		*slot = r;
	}
done:
	f->rend = r;
	if (old)
		rend_unref(fs, old, f->uid);
	pthread_mutex_unlock(&fs->rb_lock);
	return 0;
fail:
	pthread_mutex_unlock(&fs->rb_lock);
	sb_free(b);
	return err;
}

void rb_spare_take(struct fs *fs, struct sbuf *b, size_t need)
{
	char *p = NULL;

	pthread_mutex_lock(&fs->rb_lock);
	if (fs->rb_spare && malloc_usable_size(fs->rb_spare) >= need) {
		p = fs->rb_spare;
		fs->rb_spare = NULL;
	}
	pthread_mutex_unlock(&fs->rb_lock);
	if (p) {
		b->p = p;
		b->cap = malloc_usable_size(p);
		b->len = 0;
	}
}

void rend_drop(struct fs *fs, struct ofile *f)
{
	if (!f || !f->rend)
		return;
	pthread_mutex_lock(&fs->rb_lock);
	rend_unref(fs, f->rend, f->uid);
	f->rend = NULL;
	pthread_mutex_unlock(&fs->rb_lock);
}

/* The length of the latest text built for @ino, when one is known. */
bool rend_last_len(struct fs *fs, fuse_ino_t ino, size_t *len)
{
	size_t k = rb_slot(ino) % RB_LAST_SLOTS;
	bool ok;

	pthread_mutex_lock(&fs->rb_lock);
	ok = fs->rb_last[k].ino == ino;
	if (ok)
		*len = fs->rb_last[k].len;
	pthread_mutex_unlock(&fs->rb_lock);
	return ok;
}

size_t rend_len(const struct rend *r)
{
	return r ? r->len : 0;
}

const char *rend_data(const struct rend *r)
{
	return r ? r->p : NULL;
}
