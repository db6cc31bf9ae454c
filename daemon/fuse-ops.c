// SPDX-License-Identifier: MIT
/*
 * Copyright (c) 2026 The stlm authors
 *
 * The FUSE low-level operations of the tree (docs/stlmfs.md): lookup,
 * attributes, open/release, read/write, poll and the operations table.
 * See fuse.c for the theory of operation.
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
/* FUSE operations                                                  */

static void stlmfs_init(void *userdata, struct fuse_conn_info *conn)
{
	(void)userdata;
	/* every reply is built per open; nothing may be cached */
	conn->want &= ~(unsigned int)FUSE_CAP_AUTO_INVAL_DATA;
}

/*
 * How long the kernel may keep a node's entry and attributes: the fixed
 * skeleton (/, tlm_0/, des/, groups/ and the tlm_0/ files that exist on
 * every platform) never changes, so path walks to a value file skip those
 * lookups; DE and group nodes and the conditional files follow the
 * platform (a reconnect may bring another) and keep FS_TTL.
 */
static double node_ttl(fuse_ino_t ino)
{
	const struct fentry *fe;

	if (ino == INO_ROOT || ino == INO_TLM || ino == INO_DES ||
	    ino == INO_GROUPS || ino == INO_BYCOMP || ino == INO_BYNAME)
		return FS_TTL_FIXED;
	if (INO_KIND(ino) == K_INST) {
		fe = ino_fentry(ino);
		if (fe && fe->cond == Q_NONE)
			return FS_TTL_FIXED;
	}
	return FS_TTL;
}

static int ofile_build(struct fs *fs, struct ofile *f);

/* sized_by_text() files: attributes never cached (fuse.c, fill_attr()) */
static double attr_ttl(fuse_ino_t ino)
{
	return sized_by_text(ino) ? 0.0 : node_ttl(ino);
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
	e.attr_timeout = attr_ttl(ino);
	e.entry_timeout = node_ttl(ino);
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

	r = node_check(fs, ino, &mode);
	if (r < 0) {
		fuse_reply_err(req, -r);
		return;
	}
	fill_attr(fs, ino, mode, &st);
	/* fstat() of an open file that reads a text: the length of the text
	 * that fd pages through; built here when no read made it yet (the
	 * next read at offset 0 returns this one, as after open) */
	if (fi && fi->fh && S_ISREG(mode) && sized_by_text(ino)) {
		struct ofile *f = (struct ofile *)(uintptr_t)fi->fh;

		if (f->rd) {
			pthread_mutex_lock(&f->lock);
			if (!f->rend && ofile_build(fs, f) == 0)
				f->fresh = true;
			if (f->rend)
				st.st_size = (off_t)rend_len(f->rend);
			pthread_mutex_unlock(&f->lock);
		}
	}
	fuse_reply_attr(req, &st, attr_ttl(ino));
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

void ofile_free(struct fs *fs, struct ofile *f)
{
	uid_t uid;

	if (!f)
		return;
	/* A reader's reply may still be in flight when release arrives on
	 * another worker: wait for it (reads reply with f->lock held). */
	pthread_mutex_lock(&f->lock);
	pthread_mutex_unlock(&f->lock);
	rend_drop(fs, f);
	sb_free(&f->buf);
	pthread_mutex_destroy(&f->lock);
	uid = f->uid;
	free(f);
	rb_open_uncharge(fs, uid);
}

/* Build the file's text now and make it what reads return (shared). */
static int ofile_build(struct fs *fs, struct ofile *f)
{
	int r = content_build(fs, f);

	if (r < 0) {
		sb_free(&f->buf);
		return r;
	}
	return rend_install(fs, f);
}

/*
 * Every open file is on a list until its RELEASE, so that the files whose
 * RELEASE never comes (the tree stopped under their readers) are freed
 * when the tree stops: generation and pipe files on fs->files (fs->lock;
 * wakeups and polls walk it), the others on fs->opened (fs->olock).
 */
static bool ofile_streams(const struct ofile *f)
{
	return f->fe->t == T_GENERATION || f->fe->t == T_PIPE;
}

static void ofile_link(struct fs *fs, struct ofile *f)
{
	if (ofile_streams(f)) {
		pthread_mutex_lock(&fs->lock);
		f->next = fs->files;
		if (fs->files)
			fs->files->prev = f;
		fs->files = f;
		if (f->fe->t == T_PIPE) {
			fs->pipe_readers++;
			f->cursor = fs->head;
		}
		pthread_mutex_unlock(&fs->lock);
		return;
	}
	pthread_mutex_lock(&fs->olock);
	f->next = fs->opened;
	if (fs->opened)
		fs->opened->prev = f;
	fs->opened = f;
	pthread_mutex_unlock(&fs->olock);
}

static void ofile_unlink(struct fs *fs, struct ofile *f)
{
	if (ofile_streams(f)) {
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
		return;
	}
	pthread_mutex_lock(&fs->olock);
	if (f->prev)
		f->prev->next = f->next;
	else
		fs->opened = f->next;
	if (f->next)
		f->next->prev = f->prev;
	pthread_mutex_unlock(&fs->olock);
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
	uid_t uid;
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
	/* bounded per unprivileged uid (fuse-buf.c) */
	uid = fuse_req_ctx(req)->uid;
	r = rb_open_charge(fs, uid);
	if (r < 0) {
		fuse_reply_err(req, -r);
		return;
	}
	f = calloc(1, sizeof(*f));
	if (!f) {
		rb_open_uncharge(fs, uid);
		fuse_reply_err(req, ENOMEM);
		return;
	}
	pthread_mutex_init(&f->lock, NULL);
	f->uid = uid;
	f->fe = fe;
	f->ino = ino;
	f->nonblock = fi->flags & O_NONBLOCK;
	f->rd = rd;

	switch (fe->t) {
	case T_CONTROL:
	case T_G_CONTROL:
	case T_RESET:
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
		/* built at open (errors surface here, as v4); the first read
		 * at offset 0 returns it, later ones build a fresh text */
		if (rd) {
			r = ofile_build(fs, f);
			f->fresh = true;
		}
		break;
	}
	if (r < 0) {
		ofile_free(fs, f);
		fuse_reply_err(req, -r);
		return;
	}
	fi->direct_io = 1;
	fi->keep_cache = 0;
	/* streams are not seekable; text files are (head(1) seeks back),
	 * and snapshot files are re-read with pread(fd, .., 0) */
	fi->nonseekable = fe->t == T_GENERATION || fe->t == T_PIPE;
	fi->fh = (uintptr_t)f;
	ofile_link(fs, f);
	if (fuse_reply_open(req, fi) < 0) {
		/* the opener is gone: no release will come */
		ofile_unlink(fs, f);
		ofile_free(fs, f);
	}
}

static void stlmfs_release(fuse_req_t req, fuse_ino_t ino,
			   struct fuse_file_info *fi)
{
	struct fs *fs = fs_data(req);
	struct ofile *f = (struct ofile *)(uintptr_t)fi->fh;

	(void)ino;
	if (f)
		ofile_unlink(fs, f);
	ofile_free(fs, f);
	fuse_reply_err(req, 0);
}

void stlmfs_interrupt(fuse_req_t req, void *data)
{
	struct fs *fs = data;

	(void)req;
	pthread_mutex_lock(&fs->lock);
	pthread_cond_broadcast(&fs->cond);
	pthread_mutex_unlock(&fs->lock);
}
static void stlmfs_read(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off,
			struct fuse_file_info *fi)
{
	struct fs *fs = fs_data(req);
	struct ofile *f = (struct ofile *)(uintptr_t)fi->fh;
	size_t len;
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
	/* As sysfs: a read at offset 0 (pread(fd, .., 0), lseek(0) + read)
	 * gets a fresh text; the first one after open returns the text
	 * built at open. Reads further on page through the same text. */
	if (off == 0) {
		if (f->fresh) {
			f->fresh = false;
		} else {
			r = ofile_build(fs, f);
			if (r < 0) {
				pthread_mutex_unlock(&f->lock);
				fuse_reply_err(req, -r);
				return;
			}
		}
	}
	len = rend_len(f->rend);
	if (off < 0 || (size_t)off >= len)
		fuse_reply_buf(req, NULL, 0);
	else
		fuse_reply_buf(req, rend_data(f->rend) + off,
			       len - (size_t)off < size ? len - (size_t)off : size);
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

const struct fuse_lowlevel_ops stlmfs_ops = {
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
