// SPDX-License-Identifier: MIT
/*
 * Copyright (c) 2026 The stlm authors
 *
 * rawfs:DIR - a FUSE tree at DIR with the files and semantics of Linux
 * SCMI raw mode (protocol §12, docs/rawfs.md), so the
 * agent-side raw: transport can be tested end to end against the engine.
 *
 * Theory of operation
 * -------------------
 * start() mounts DIR with the libfuse low-level API and runs
 * fuse_session_loop_mt() in a thread of its own. The raw/ files are one
 * agent: the first open of a raw/ file claims the channel
 * (stlmp_agent_attach; EBUSY if another transport owns it) and the last
 * close releases it, so several listeners can be served one agent at a
 * time, as with the other transports.
 *
 * The tree is static (a table of nodes with fixed inode numbers):
 *
 *   instance_name, atomic_threshold_us                           0400
 *   raw/message, raw/message_async                                0600
 *   raw/notification, raw/errors                                  0400
 *   raw/reset                                                     0200
 *   transport/{type,is_atomic,max_rx_timeout_ms,max_msg_size,
 *              tx_max_msg,rx_max_msg}                             0400
 *
 * Writing message / message_async: one write() is one whole command
 * (header + payload). Before it is handed to stlmp_agent_command() its
 * token is registered as in flight for the open file it was written to
 * (struct rawfs_flight). The engine answers through rawfs_sink(), usually
 * from inside stlmp_agent_command() itself, sometimes later from its
 * delivery thread (delay faults). The sink routes every platform message:
 *
 *   - type 3 (notification): to the shared circular notification queue,
 *     dropping the oldest entry when full;
 *   - type 0 / type 2 whose token is in flight, of the expected kind and
 *     within its deadline: to the reply queue of the file that sent it
 *     (a response ends the flight, except an async command answered
 *     SUCCESS, which now waits RAWFS_DELAYED_TIMEOUT_MS for its delayed
 *     response);
 *   - anything else (late, unmatched, unexpected type): to the errors
 *     queue.
 *
 * Reading a queue file stages one message per open file and returns it in
 * any chunk size, then 0 (EOF) at the message boundary; the next read
 * starts the next message. A read with nothing queued blocks on @cond
 * (O_NONBLOCK: EAGAIN); blocking reads occupy one loop worker each, which
 * is why the loop is multithreaded (RAWFS_MAX_THREADS). They end when a
 * message arrives, on a FUSE interrupt (EINTR) or at stop (EIO). poll()
 * is implemented: the last poll handle of each open file is kept and
 * notified when something is queued for it.
 *
 * Locking: @lock protects every queue, open file and flight. The engine
 * calls the sink with its own locks held, so nothing here calls into the
 * engine with @lock held. fuse_lowlevel_notify_poll() only writes to
 * /dev/fuse and never calls back, so it is called under @lock.
 *
 * stop(): wake blocked readers (they answer EIO), fuse_session_exit(),
 * then unmount with MNT_FORCE | MNT_DETACH, which aborts the FUSE
 * connection (every worker's read of /dev/fuse returns ENODEV, so the loop
 * returns even when some process still holds a file open); without the
 * privilege for that, fall back to fuse_session_unmount(). Then join the
 * loop thread, detach the agent (no sink call can follow) and free.
 */
#define FUSE_USE_VERSION 314 /* libfuse 3.14 */

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <fuse_lowlevel.h>

#include "platform.h"
#include "scmi.h"
#include "server.h"

/* Values shown in transport/ (Linux mailbox transport defaults). */
#define RAWFS_MAX_RX_TIMEOUT_MS 30
#define RAWFS_TX_MAX_MSG 20
#define RAWFS_RX_MAX_MSG 20
/* Linux waits SCMI_MAX_RESPONSE_TIMEOUT for a delayed response. */
#define RAWFS_DELAYED_TIMEOUT_MS 2000
/* Queue lengths: replies per open file, notifications, errors. */
#define RAWFS_REPLY_QLEN RAWFS_TX_MAX_MSG
#define RAWFS_NOTIF_QLEN 64
#define RAWFS_ERRORS_QLEN RAWFS_TX_MAX_MSG
/* Loop workers: each blocked read holds one. */
#define RAWFS_MAX_THREADS 64
#define RAWFS_IDLE_THREADS 4
#define RAWFS_TTL 1.0

enum rawfs_kind {
	RAWFS_DIR,
	RAWFS_TEXT,	/* fixed text, normal seekable reads */
	RAWFS_MESSAGE,
	RAWFS_MESSAGE_ASYNC,
	RAWFS_NOTIFICATION,
	RAWFS_ERRORS,
	RAWFS_RESET,
};

enum rawfs_text {
	TXT_INSTANCE_NAME,
	TXT_ATOMIC_THRESHOLD,
	TXT_TYPE,
	TXT_IS_ATOMIC,
	TXT_MAX_RX_TIMEOUT,
	TXT_MAX_MSG_SIZE,
	TXT_TX_MAX_MSG,
	TXT_RX_MAX_MSG,
	TXT_COUNT,
};

/**
 * struct rawfs_node - one entry of the static tree
 * @ino:    inode number (FUSE_ROOT_ID for the root; table index + 1)
 * @parent: parent inode
 * @name:   entry name
 * @mode:   type and permission bits
 * @kind:   enum rawfs_kind
 * @text:   enum rawfs_text for RAWFS_TEXT nodes
 */
struct rawfs_node {
	fuse_ino_t ino;
	fuse_ino_t parent;
	const char *name;
	mode_t mode;
	enum rawfs_kind kind;
	int text;
};

enum {
	INO_ROOT = FUSE_ROOT_ID,
	INO_INSTANCE_NAME,
	INO_ATOMIC_THRESHOLD,
	INO_RAW,
	INO_TRANSPORT,
	INO_MESSAGE,
	INO_MESSAGE_ASYNC,
	INO_NOTIFICATION,
	INO_ERRORS,
	INO_RESET,
	INO_TYPE,
	INO_IS_ATOMIC,
	INO_MAX_RX_TIMEOUT,
	INO_MAX_MSG_SIZE,
	INO_TX_MAX_MSG,
	INO_RX_MAX_MSG,
};

static const struct rawfs_node rawfs_nodes[] = {
	{ INO_ROOT, INO_ROOT, "", S_IFDIR | 0755, RAWFS_DIR, 0 },
	{ INO_INSTANCE_NAME, INO_ROOT, "instance_name", S_IFREG | 0400,
	  RAWFS_TEXT, TXT_INSTANCE_NAME },
	{ INO_ATOMIC_THRESHOLD, INO_ROOT, "atomic_threshold_us",
	  S_IFREG | 0400, RAWFS_TEXT, TXT_ATOMIC_THRESHOLD },
	{ INO_RAW, INO_ROOT, "raw", S_IFDIR | 0755, RAWFS_DIR, 0 },
	{ INO_TRANSPORT, INO_ROOT, "transport", S_IFDIR | 0755, RAWFS_DIR, 0 },
	{ INO_MESSAGE, INO_RAW, "message", S_IFREG | 0600, RAWFS_MESSAGE, 0 },
	{ INO_MESSAGE_ASYNC, INO_RAW, "message_async", S_IFREG | 0600,
	  RAWFS_MESSAGE_ASYNC, 0 },
	{ INO_NOTIFICATION, INO_RAW, "notification", S_IFREG | 0400,
	  RAWFS_NOTIFICATION, 0 },
	{ INO_ERRORS, INO_RAW, "errors", S_IFREG | 0400, RAWFS_ERRORS, 0 },
	{ INO_RESET, INO_RAW, "reset", S_IFREG | 0200, RAWFS_RESET, 0 },
	{ INO_TYPE, INO_TRANSPORT, "type", S_IFREG | 0400, RAWFS_TEXT,
	  TXT_TYPE },
	{ INO_IS_ATOMIC, INO_TRANSPORT, "is_atomic", S_IFREG | 0400,
	  RAWFS_TEXT, TXT_IS_ATOMIC },
	{ INO_MAX_RX_TIMEOUT, INO_TRANSPORT, "max_rx_timeout_ms",
	  S_IFREG | 0400, RAWFS_TEXT, TXT_MAX_RX_TIMEOUT },
	{ INO_MAX_MSG_SIZE, INO_TRANSPORT, "max_msg_size", S_IFREG | 0400,
	  RAWFS_TEXT, TXT_MAX_MSG_SIZE },
	{ INO_TX_MAX_MSG, INO_TRANSPORT, "tx_max_msg", S_IFREG | 0400,
	  RAWFS_TEXT, TXT_TX_MAX_MSG },
	{ INO_RX_MAX_MSG, INO_TRANSPORT, "rx_max_msg", S_IFREG | 0400,
	  RAWFS_TEXT, TXT_RX_MAX_MSG },
};

/* One queued message. */
struct rawfs_msg {
	struct rawfs_msg *next;
	size_t len;
	uint8_t data[];
};

/**
 * struct rawfs_queue - a bounded FIFO of messages
 * @head, @tail: the list
 * @n:           entries queued
 * @cap:         maximum entries
 * @circular:    when full, drop the oldest (else drop the new one)
 * @dropped:     messages lost to a full queue
 */
struct rawfs_queue {
	struct rawfs_msg *head;
	struct rawfs_msg *tail;
	unsigned int n;
	unsigned int cap;
	bool circular;
	uint64_t dropped;
};

/**
 * struct rawfs_file - one open file (fuse_file_info.fh)
 * @node:    the tree node
 * @replies: replies to commands written through this file (message and
 *           message_async only)
 * @staged:  the message being read (NULL: next read starts a new one)
 * @pos:     bytes of @staged already read
 * @ph:      poll handle to notify when something arrives, or NULL
 * @next:    list of open files
 */
struct rawfs_file {
	const struct rawfs_node *node;
	struct rawfs_queue replies;
	struct rawfs_msg *staged;
	size_t pos;
	struct fuse_pollhandle *ph;
	struct rawfs_file *next;
};

/**
 * struct rawfs_flight - a command awaiting its response or delayed response
 * @token:    header token
 * @f:        the open file it was written to
 * @async:    written to message_async
 * @delayed:  the response came (SUCCESS); awaiting the delayed response
 * @deadline: CLOCK_MONOTONIC ns after which a reply is late
 */
struct rawfs_flight {
	uint16_t token;
	struct rawfs_file *f;
	bool async;
	bool delayed;
	uint64_t deadline;
	struct rawfs_flight *next;
};

/**
 * struct stlmp_server - a rawfs:DIR server
 * @p:          the platform
 * @agent:      the agent this tree stands for
 * @se:         FUSE session
 * @mnt:        absolute mount point
 * @thread:     runs the session loop
 * @thread_ok:  @thread was started
 * @mounted:    fuse_session_mount() succeeded
 * @max_msg_size: engine max_msg_size (return values after status)
 * @stage_max:  largest reply staged (header + status + max_msg_size)
 * @start_time: timestamps of every node
 * @text:       contents of the RAWFS_TEXT nodes
 * @lock:       protects everything below
 * @cond:       broadcast when a queue gets a message, on interrupt, at stop
 * @stopping:   stop() started: blocked reads end with EIO
 * @files:      open files
 * @flights:    commands in flight
 * @notifs:     shared notification queue (circular)
 * @errors:     shared errors queue
 */
struct stlmp_server {
	struct stlmp_platform *p;
	struct stlmp_agent *agent;	/* under @agent_mutex */
	unsigned int raw_open;		/* open raw/ files, under @agent_mutex */
	struct stlmp_sink sink;
	pthread_mutex_t agent_mutex;	/* never held by the sink */
	struct fuse_session *se;
	char mnt[PATH_MAX];
	pthread_t thread;
	bool thread_ok;
	bool mounted;
	uint32_t max_msg_size;
	size_t stage_max;
	struct timespec start_time;
	char text[TXT_COUNT][64];

	pthread_mutex_t lock;
	pthread_cond_t cond;
	bool stopping;
	struct rawfs_file *files;
	struct rawfs_flight *flights;
	struct rawfs_queue notifs;
	struct rawfs_queue errors;
};

static inline struct stlmp_server *rawfs_data(fuse_req_t req)
{
	return fuse_req_userdata(req);
}

static uint64_t rawfs_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static const struct rawfs_node *rawfs_node(fuse_ino_t ino)
{
	if (ino < 1 || ino > ARRAY_SIZE(rawfs_nodes))
		return NULL;
	return &rawfs_nodes[ino - 1];
}

/* ---------------------------------------------------------------- */
/* Queues (called with s->lock held)                                */

static void rawfs_queue_clear(struct rawfs_queue *q)
{
	while (q->head) {
		struct rawfs_msg *m = q->head;

		q->head = m->next;
		free(m);
	}
	q->tail = NULL;
	q->n = 0;
}

static struct rawfs_msg *rawfs_queue_pop(struct rawfs_queue *q)
{
	struct rawfs_msg *m = q->head;

	if (!m)
		return NULL;
	q->head = m->next;
	if (!q->head)
		q->tail = NULL;
	q->n--;
	m->next = NULL;
	return m;
}

/* Queue a copy; false if it was dropped (full, out of memory). */
static bool rawfs_queue_push(struct rawfs_queue *q, const uint8_t *msg,
			     size_t len)
{
	struct rawfs_msg *m;

	if (q->n >= q->cap) {
		q->dropped++;
		if (!q->circular)
			return false;
		free(rawfs_queue_pop(q));
	}
	m = malloc(sizeof(*m) + len);
	if (!m) {
		q->dropped++;
		return false;
	}
	m->next = NULL;
	m->len = len;
	memcpy(m->data, msg, len);
	if (q->tail)
		q->tail->next = m;
	else
		q->head = m;
	q->tail = m;
	q->n++;
	return true;
}

/* The queue an open file reads from. */
static struct rawfs_queue *rawfs_file_queue(struct stlmp_server *s,
					    struct rawfs_file *f)
{
	switch (f->node->kind) {
	case RAWFS_MESSAGE:
	case RAWFS_MESSAGE_ASYNC:
		return &f->replies;
	case RAWFS_NOTIFICATION:
		return &s->notifs;
	case RAWFS_ERRORS:
		return &s->errors;
	default:
		return NULL;
	}
}

/* Tell a poller of f that it became readable. */
static void rawfs_wake_file(struct rawfs_file *f)
{
	if (f->ph) {
		fuse_lowlevel_notify_poll(f->ph);
		fuse_pollhandle_destroy(f->ph);
		f->ph = NULL;
	}
}

/* Wake every open file of a kind (the shared queues). */
static void rawfs_wake_kind(struct stlmp_server *s, enum rawfs_kind kind)
{
	for (struct rawfs_file *f = s->files; f; f = f->next)
		if (f->node->kind == kind)
			rawfs_wake_file(f);
}

static void rawfs_flights_expire(struct stlmp_server *s, uint64_t now)
{
	struct rawfs_flight **pp = &s->flights;

	while (*pp) {
		struct rawfs_flight *fl = *pp;

		if (now > fl->deadline) {
			*pp = fl->next;
			free(fl);
		} else {
			pp = &fl->next;
		}
	}
}

static struct rawfs_flight **rawfs_flight_find(struct stlmp_server *s,
					       uint16_t token)
{
	struct rawfs_flight **pp = &s->flights;

	while (*pp && (*pp)->token != token)
		pp = &(*pp)->next;
	return pp;
}

static void rawfs_to_errors(struct stlmp_server *s, const uint8_t *msg,
			    size_t len)
{
	if (!rawfs_queue_push(&s->errors, msg, len))
		stlmp_log(s->p, STLMP_LOG_WARNING,
			  "rawfs: errors queue full, dropping a message");
	rawfs_wake_kind(s, RAWFS_ERRORS);
}

/* ---------------------------------------------------------------- */
/* Platform-to-agent messages                                       */

static int rawfs_sink(void *data, const uint8_t *msg, size_t len)
{
	struct stlmp_server *s = data;
	struct rawfs_flight **pp, *fl;
	uint64_t now = rawfs_now_ns();
	uint32_t hdr;
	unsigned int type;
	uint16_t token;

	if (len < 4)
		return 0; /* nothing a reader could make sense of */
	hdr = scmi_get_le32(msg);
	type = (hdr & SCMI_HDR_TYPE_MASK) >> SCMI_HDR_TYPE_SHIFT;
	token = (uint16_t)((hdr & SCMI_HDR_TOKEN_MASK) >> SCMI_HDR_TOKEN_SHIFT);

	pthread_mutex_lock(&s->lock);
	if (len > s->stage_max) {
		/* Linux: "Cannot collect xfer into buffer", dropped. */
		stlmp_log(s->p, STLMP_LOG_WARNING,
			  "rawfs: dropping a %zu-byte message (staging buffer %zu)",
			  len, s->stage_max);
		goto out;
	}
	if (type == SCMI_MSG_NOTIFICATION) {
		if (s->notifs.n >= s->notifs.cap)
			stlmp_log(s->p, STLMP_LOG_DEBUG,
				  "rawfs: notification queue full, dropping the oldest");
		rawfs_queue_push(&s->notifs, msg, len);
		rawfs_wake_kind(s, RAWFS_NOTIFICATION);
		pthread_cond_broadcast(&s->cond);
		goto out;
	}

	pp = rawfs_flight_find(s, token);
	fl = *pp;
	if (!fl || now > fl->deadline ||
	    (type == SCMI_MSG_COMMAND && fl->delayed) ||
	    (type == SCMI_MSG_DELAYED_RESP && !fl->delayed) ||
	    (type != SCMI_MSG_COMMAND && type != SCMI_MSG_DELAYED_RESP)) {
		/* Late, unmatched or unexpected. */
		rawfs_to_errors(s, msg, len);
		pthread_cond_broadcast(&s->cond);
		goto out;
	}

	if (!rawfs_queue_push(&fl->f->replies, msg, len))
		stlmp_log(s->p, STLMP_LOG_WARNING,
			  "rawfs: %s reply queue full, dropping token %u",
			  fl->f->node->name, token);
	rawfs_wake_file(fl->f);
	pthread_cond_broadcast(&s->cond);

	if (type == SCMI_MSG_COMMAND && fl->async && len >= 8 &&
	    (int32_t)scmi_get_le32(msg + 4) == SCMI_SUCCESS) {
		fl->delayed = true;
		fl->deadline = now + RAWFS_DELAYED_TIMEOUT_MS * 1000000ull;
	} else {
		*pp = fl->next;
		free(fl);
	}
out:
	pthread_mutex_unlock(&s->lock);
	return 0;
}

/* ---------------------------------------------------------------- */
/* FUSE handlers                                                    */

static void rawfs_fill_attr(struct stlmp_server *s,
			    const struct rawfs_node *n, struct stat *st)
{
	memset(st, 0, sizeof(*st));
	st->st_ino = n->ino;
	st->st_mode = n->mode;
	st->st_nlink = S_ISDIR(n->mode) ? 2 : 1;
	st->st_uid = geteuid();
	st->st_gid = getegid();
	if (n->kind == RAWFS_TEXT)
		st->st_size = (off_t)strlen(s->text[n->text]);
	st->st_blksize = 4096;
	st->st_atim = s->start_time;
	st->st_mtim = s->start_time;
	st->st_ctim = s->start_time;
}

static void rawfs_init(void *userdata, struct fuse_conn_info *conn)
{
	/* `echo 1 > reset` opens with O_TRUNC: take it in open(). */
	if (conn->capable & FUSE_CAP_ATOMIC_O_TRUNC)
		conn->want |= FUSE_CAP_ATOMIC_O_TRUNC;
}

static void rawfs_lookup(fuse_req_t req, fuse_ino_t parent, const char *name)
{
	struct stlmp_server *s = rawfs_data(req);
	struct fuse_entry_param e;

	for (size_t i = 1; i < ARRAY_SIZE(rawfs_nodes); i++) {
		const struct rawfs_node *n = &rawfs_nodes[i];

		if (n->parent != parent || strcmp(n->name, name))
			continue;
		memset(&e, 0, sizeof(e));
		e.ino = n->ino;
		e.attr_timeout = RAWFS_TTL;
		e.entry_timeout = RAWFS_TTL;
		rawfs_fill_attr(s, n, &e.attr);
		fuse_reply_entry(req, &e);
		return;
	}
	fuse_reply_err(req, ENOENT);
}

static void rawfs_getattr(fuse_req_t req, fuse_ino_t ino,
			  struct fuse_file_info *fi)
{
	const struct rawfs_node *n = rawfs_node(ino);
	struct stat st;

	if (!n) {
		fuse_reply_err(req, ENOENT);
		return;
	}
	rawfs_fill_attr(rawfs_data(req), n, &st);
	fuse_reply_attr(req, &st, RAWFS_TTL);
}

/* Truncation (O_TRUNC without atomic_o_trunc) and chmod are ignored. */
static void rawfs_setattr(fuse_req_t req, fuse_ino_t ino, struct stat *attr,
			  int to_set, struct fuse_file_info *fi)
{
	rawfs_getattr(req, ino, fi);
}

static void rawfs_readdir(fuse_req_t req, fuse_ino_t ino, size_t size,
			  off_t off, struct fuse_file_info *fi)
{
	const struct rawfs_node *dir = rawfs_node(ino);
	char buf[2048];
	size_t used = 0;
	off_t idx = 0;

	if (!dir || dir->kind != RAWFS_DIR) {
		fuse_reply_err(req, ENOTDIR);
		return;
	}
	if (size > sizeof(buf))
		size = sizeof(buf);
	/* Entries: ".", "..", then the children in table order. */
	for (size_t i = 0; i < ARRAY_SIZE(rawfs_nodes) + 2; i++) {
		const struct rawfs_node *n;
		const char *name;
		struct stat st;
		size_t need;

		if (i == 0) {
			n = dir;
			name = ".";
		} else if (i == 1) {
			n = rawfs_node(dir->parent);
			name = "..";
		} else {
			n = &rawfs_nodes[i - 2];
			if (n->ino == INO_ROOT || n->parent != ino)
				continue;
			name = n->name;
		}
		idx++;
		if (idx <= off)
			continue;
		memset(&st, 0, sizeof(st));
		st.st_ino = n->ino;
		st.st_mode = n->mode;
		need = fuse_add_direntry(req, buf + used, size - used, name,
					 &st, idx);
		if (need > size - used)
			break;
		used += need;
	}
	fuse_reply_buf(req, buf, used);
}

/* The last raw/ file closed: release the channel for other agents. */
static void rawfs_unclaim(struct stlmp_server *s, const struct rawfs_node *n)
{
	if (n->parent != INO_RAW)
		return;
	pthread_mutex_lock(&s->agent_mutex);
	if (s->raw_open && --s->raw_open == 0) {
		stlmp_agent_detach(s->agent);
		s->agent = NULL;
	}
	pthread_mutex_unlock(&s->agent_mutex);
}

static void rawfs_open(fuse_req_t req, fuse_ino_t ino,
		       struct fuse_file_info *fi)
{
	struct stlmp_server *s = rawfs_data(req);
	const struct rawfs_node *n = rawfs_node(ino);
	int acc = fi->flags & O_ACCMODE;
	struct rawfs_file *f;

	if (!n) {
		fuse_reply_err(req, ENOENT);
		return;
	}
	if (n->kind == RAWFS_DIR) {
		fuse_reply_err(req, EISDIR);
		return;
	}
	if (((acc == O_RDONLY || acc == O_RDWR) && !(n->mode & S_IRUSR)) ||
	    ((acc == O_WRONLY || acc == O_RDWR) && !(n->mode & S_IWUSR))) {
		fuse_reply_err(req, EACCES);
		return;
	}
	f = calloc(1, sizeof(*f));
	if (!f) {
		fuse_reply_err(req, ENOMEM);
		return;
	}
	if (n->parent == INO_RAW) {
		int r = 0;

		/* The first raw/ file claims the channel. */
		pthread_mutex_lock(&s->agent_mutex);
		if (!s->raw_open)
			r = stlmp_agent_attach(s->p, &s->sink, &s->agent);
		if (r == 0)
			s->raw_open++;
		pthread_mutex_unlock(&s->agent_mutex);
		if (r < 0) {
			free(f);
			fuse_reply_err(req, -r);
			return;
		}
	}
	f->node = n;
	f->replies.cap = RAWFS_REPLY_QLEN;

	fi->fh = (uintptr_t)f;
	fi->direct_io = 1;
	fi->keep_cache = 0;
	fi->noflush = 1;
	if (n->kind != RAWFS_TEXT)
		fi->nonseekable = 1;

	pthread_mutex_lock(&s->lock);
	f->next = s->files;
	s->files = f;
	pthread_mutex_unlock(&s->lock);
	if (fuse_reply_open(req, fi) < 0) {
		/* The opener is gone (interrupted): no release will come. */
		pthread_mutex_lock(&s->lock);
		for (struct rawfs_file **pp = &s->files; *pp; pp = &(*pp)->next) {
			if (*pp == f) {
				*pp = f->next;
				break;
			}
		}
		pthread_mutex_unlock(&s->lock);
		free(f);
		rawfs_unclaim(s, n);
	}
}

static void rawfs_release(fuse_req_t req, fuse_ino_t ino,
			  struct fuse_file_info *fi)
{
	struct stlmp_server *s = rawfs_data(req);
	struct rawfs_file *f = (struct rawfs_file *)(uintptr_t)fi->fh;
	struct rawfs_flight **fp;

	if (!f) {
		fuse_reply_err(req, 0);
		return;
	}
	pthread_mutex_lock(&s->lock);
	for (struct rawfs_file **pp = &s->files; *pp; pp = &(*pp)->next) {
		if (*pp == f) {
			*pp = f->next;
			break;
		}
	}
	/* Its replies still in flight will land in errors. */
	fp = &s->flights;
	while (*fp) {
		struct rawfs_flight *fl = *fp;

		if (fl->f == f) {
			*fp = fl->next;
			free(fl);
		} else {
			fp = &fl->next;
		}
	}
	rawfs_queue_clear(&f->replies);
	free(f->staged);
	if (f->ph)
		fuse_pollhandle_destroy(f->ph);
	pthread_mutex_unlock(&s->lock);
	rawfs_unclaim(s, f->node);
	free(f);
	fuse_reply_err(req, 0);
}

static void rawfs_interrupt(fuse_req_t req, void *data)
{
	struct stlmp_server *s = data;

	pthread_mutex_lock(&s->lock);
	pthread_cond_broadcast(&s->cond);
	pthread_mutex_unlock(&s->lock);
}

static void rawfs_read_text(fuse_req_t req, struct stlmp_server *s,
			    const struct rawfs_node *n, size_t size, off_t off)
{
	const char *t = s->text[n->text];
	size_t len = strlen(t);

	if (off < 0 || (size_t)off >= len) {
		fuse_reply_buf(req, NULL, 0);
		return;
	}
	if (size > len - (size_t)off)
		size = len - (size_t)off;
	fuse_reply_buf(req, t + off, size);
}

static void rawfs_read(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off,
		       struct fuse_file_info *fi)
{
	struct stlmp_server *s = rawfs_data(req);
	struct rawfs_file *f = (struct rawfs_file *)(uintptr_t)fi->fh;
	bool nonblock = fi->flags & O_NONBLOCK;
	struct rawfs_queue *q;
	uint8_t *chunk;
	size_t n;
	int err = 0;

	if (!f) {
		fuse_reply_err(req, EBADF);
		return;
	}
	if (f->node->kind == RAWFS_TEXT) {
		rawfs_read_text(req, s, f->node, size, off);
		return;
	}

	fuse_req_interrupt_func(req, rawfs_interrupt, s);
	pthread_mutex_lock(&s->lock);
	q = rawfs_file_queue(s, f);
	if (!q) {
		err = EBADF;
		goto out_unlock;
	}
	if (f->staged && f->pos >= f->staged->len) {
		/* Message boundary: EOF, the next read starts the next one. */
		free(f->staged);
		f->staged = NULL;
		f->pos = 0;
		pthread_mutex_unlock(&s->lock);
		fuse_reply_buf(req, NULL, 0);
		return;
	}
	while (!f->staged && !q->head) {
		if (s->stopping) {
			err = EIO;
			goto out_unlock;
		}
		if (nonblock) {
			err = EAGAIN;
			goto out_unlock;
		}
		if (fuse_req_interrupted(req)) {
			err = EINTR;
			goto out_unlock;
		}
		pthread_cond_wait(&s->cond, &s->lock);
	}
	if (!f->staged) {
		f->staged = rawfs_queue_pop(q);
		f->pos = 0;
	}
	n = f->staged->len - f->pos;
	if (n > size)
		n = size;
	chunk = malloc(n ? n : 1);
	if (!chunk) {
		err = ENOMEM;
		goto out_unlock;
	}
	memcpy(chunk, f->staged->data + f->pos, n);
	f->pos += n;
	pthread_mutex_unlock(&s->lock);
	fuse_reply_buf(req, (const char *)chunk, n);
	free(chunk);
	return;

out_unlock:
	pthread_mutex_unlock(&s->lock);
	fuse_reply_err(req, err);
}

static int rawfs_send_command(struct stlmp_server *s, struct rawfs_file *f,
			      const uint8_t *msg, size_t len)
{
	bool async = f->node->kind == RAWFS_MESSAGE_ASYNC;
	uint64_t now = rawfs_now_ns();
	struct rawfs_flight **pp, *fl;
	uint16_t token;
	int r;

	/* Linux: tx buffer of max_msg_size + 4, header at least. */
	if (len > (size_t)s->max_msg_size + 4)
		return -ENOSPC;
	if (len < 4)
		return -EINVAL;
	token = (uint16_t)((scmi_get_le32(msg) & SCMI_HDR_TOKEN_MASK) >>
			   SCMI_HDR_TOKEN_SHIFT);

	fl = calloc(1, sizeof(*fl));
	if (!fl)
		return -ENOMEM;
	fl->token = token;
	fl->f = f;
	fl->async = async;
	fl->deadline = now + RAWFS_MAX_RX_TIMEOUT_MS * 1000000ull;

	pthread_mutex_lock(&s->lock);
	rawfs_flights_expire(s, now);
	if (*rawfs_flight_find(s, token)) {
		/* Linux retries briefly, then fails with EBUSY. */
		pthread_mutex_unlock(&s->lock);
		free(fl);
		return -EBUSY;
	}
	fl->next = s->flights;
	s->flights = fl;
	pthread_mutex_unlock(&s->lock);

	/* The response usually arrives through rawfs_sink() in here. */
	r = stlmp_agent_command(s->agent, msg, len);
	if (r < 0) {
		/* Not a command at all: nothing will answer. */
		pthread_mutex_lock(&s->lock);
		pp = &s->flights;
		while (*pp && *pp != fl)
			pp = &(*pp)->next;
		if (*pp) {
			*pp = fl->next;
			free(fl);
		}
		pthread_mutex_unlock(&s->lock);
		stlmp_log(s->p, STLMP_LOG_DEBUG,
			  "rawfs: %s: message rejected: %s", f->node->name,
			  strerror(-r));
		return r == -ENOMEM ? r : -EPROTO;
	}
	return 0;
}

static void rawfs_flush_all(struct stlmp_server *s)
{
	pthread_mutex_lock(&s->lock);
	rawfs_queue_clear(&s->notifs);
	rawfs_queue_clear(&s->errors);
	for (struct rawfs_file *f = s->files; f; f = f->next)
		rawfs_queue_clear(&f->replies);
	pthread_mutex_unlock(&s->lock);
	stlmp_log(s->p, STLMP_LOG_DEBUG, "rawfs: queues flushed");
}

static void rawfs_write(fuse_req_t req, fuse_ino_t ino, const char *buf,
			size_t size, off_t off, struct fuse_file_info *fi)
{
	struct stlmp_server *s = rawfs_data(req);
	struct rawfs_file *f = (struct rawfs_file *)(uintptr_t)fi->fh;
	int r;

	if (!f) {
		fuse_reply_err(req, EBADF);
		return;
	}
	switch (f->node->kind) {
	case RAWFS_RESET:
		rawfs_flush_all(s);
		fuse_reply_write(req, size);
		return;
	case RAWFS_MESSAGE:
	case RAWFS_MESSAGE_ASYNC:
		r = rawfs_send_command(s, f, (const uint8_t *)buf, size);
		if (r < 0)
			fuse_reply_err(req, -r);
		else
			fuse_reply_write(req, size);
		return;
	default:
		fuse_reply_err(req, EBADF);
		return;
	}
}

static void rawfs_poll(fuse_req_t req, fuse_ino_t ino,
		       struct fuse_file_info *fi, struct fuse_pollhandle *ph)
{
	struct stlmp_server *s = rawfs_data(req);
	struct rawfs_file *f = (struct rawfs_file *)(uintptr_t)fi->fh;
	struct rawfs_queue *q;
	unsigned int mask = 0;

	if (!f) {
		if (ph)
			fuse_pollhandle_destroy(ph);
		fuse_reply_err(req, EBADF);
		return;
	}
	pthread_mutex_lock(&s->lock);
	q = rawfs_file_queue(s, f);
	if (!q) {
		/* text files and reset: never block */
		mask = POLLIN | POLLRDNORM | POLLOUT | POLLWRNORM;
		if (ph)
			fuse_pollhandle_destroy(ph);
	} else {
		if (f->staged || q->head)
			mask |= POLLIN | POLLRDNORM;
		if (ph) {
			if (f->ph)
				fuse_pollhandle_destroy(f->ph);
			f->ph = ph;
		}
	}
	pthread_mutex_unlock(&s->lock);
	fuse_reply_poll(req, mask);
}

static const struct fuse_lowlevel_ops rawfs_ops = {
	.init = rawfs_init,
	.lookup = rawfs_lookup,
	.getattr = rawfs_getattr,
	.setattr = rawfs_setattr,
	.readdir = rawfs_readdir,
	.open = rawfs_open,
	.release = rawfs_release,
	.read = rawfs_read,
	.write = rawfs_write,
	.poll = rawfs_poll,
};

/* ---------------------------------------------------------------- */
/* Server                                                           */

static void *rawfs_loop_main(void *arg)
{
	struct stlmp_server *s = arg;
	struct fuse_loop_config *cfg = fuse_loop_cfg_create();
	int r;

	if (!cfg) {
		stlmp_log(s->p, STLMP_LOG_ERR, "rawfs: out of memory");
		return NULL;
	}
	fuse_loop_cfg_set_max_threads(cfg, RAWFS_MAX_THREADS);
	fuse_loop_cfg_set_idle_threads(cfg, RAWFS_IDLE_THREADS);
	r = fuse_session_loop_mt(s->se, cfg);
	fuse_loop_cfg_destroy(cfg);
	if (r != 0)
		stlmp_log(s->p, STLMP_LOG_DEBUG, "rawfs: loop ended (%d)", r);
	return NULL;
}

static void rawfs_make_text(struct stlmp_server *s)
{
	const struct stlmp_config *c = stlmp_platform_config(s->p);

	snprintf(s->text[TXT_INSTANCE_NAME], sizeof(s->text[0]),
		 "stlm-platform %.40s\n", c->name[0] ? c->name : "emulator");
	snprintf(s->text[TXT_ATOMIC_THRESHOLD], sizeof(s->text[0]), "0\n");
	snprintf(s->text[TXT_TYPE], sizeof(s->text[0]), "rawfs\n");
	snprintf(s->text[TXT_IS_ATOMIC], sizeof(s->text[0]), "N\n");
	snprintf(s->text[TXT_MAX_RX_TIMEOUT], sizeof(s->text[0]), "%u\n",
		 RAWFS_MAX_RX_TIMEOUT_MS);
	snprintf(s->text[TXT_MAX_MSG_SIZE], sizeof(s->text[0]), "%u\n",
		 s->max_msg_size);
	snprintf(s->text[TXT_TX_MAX_MSG], sizeof(s->text[0]), "%u\n",
		 RAWFS_TX_MAX_MSG);
	snprintf(s->text[TXT_RX_MAX_MSG], sizeof(s->text[0]), "%u\n",
		 RAWFS_RX_MAX_MSG);
}

/* Free everything but the session; the loop must be done. */
static void rawfs_free_state(struct stlmp_server *s)
{
	while (s->files) {
		struct rawfs_file *f = s->files;

		s->files = f->next;
		rawfs_queue_clear(&f->replies);
		free(f->staged);
		if (f->ph)
			fuse_pollhandle_destroy(f->ph);
		free(f);
	}
	while (s->flights) {
		struct rawfs_flight *fl = s->flights;

		s->flights = fl->next;
		free(fl);
	}
	rawfs_queue_clear(&s->notifs);
	rawfs_queue_clear(&s->errors);
}

static void rawfs_stop(struct stlmp_server *s)
{
	if (!s)
		return;
	pthread_mutex_lock(&s->lock);
	s->stopping = true;
	pthread_cond_broadcast(&s->cond);
	pthread_mutex_unlock(&s->lock);

	if (s->se)
		fuse_session_exit(s->se);
	if (s->mounted) {
		/*
		 * MNT_FORCE aborts the connection even if files are still
		 * open, so every worker leaves the loop; MNT_DETACH drops the
		 * mount. Unprivileged: fusermount3 -u -z through libfuse,
		 * which aborts once the last file is closed.
		 */
		if (umount2(s->mnt, MNT_FORCE | MNT_DETACH) < 0) {
			stlmp_log(s->p, STLMP_LOG_DEBUG,
				  "rawfs: umount2(%s): %s, using fusermount",
				  s->mnt, strerror(errno));
			fuse_session_unmount(s->se);
		}
	}
	if (s->thread_ok)
		pthread_join(s->thread, NULL);
	/* After this the engine never calls rawfs_sink() again. */
	pthread_mutex_lock(&s->agent_mutex);
	stlmp_agent_detach(s->agent);
	s->agent = NULL;
	s->raw_open = 0;
	pthread_mutex_unlock(&s->agent_mutex);
	pthread_mutex_destroy(&s->agent_mutex);

	rawfs_free_state(s);
	if (s->se) {
		if (s->mounted)
			fuse_session_unmount(s->se);
		fuse_session_destroy(s->se);
	}
	pthread_cond_destroy(&s->cond);
	pthread_mutex_destroy(&s->lock);
	stlmp_log(s->p, STLMP_LOG_INFO, "rawfs: %s unmounted", s->mnt);
	free(s);
}

static int rawfs_start(struct stlmp_platform *p, const char *arg,
		       struct stlmp_server **ret)
{
	char *argv[] = {
		"stlm-platform", "-o",
		"fsname=stlm-rawfs,subtype=stlm-rawfs,default_permissions",
		NULL,
	};
	struct fuse_args args = FUSE_ARGS_INIT(3, argv);
	const struct stlmp_sink sink = { .send = rawfs_sink };
	struct stlmp_sink my_sink;
	sigset_t all, old;
	struct stlmp_server *s;
	struct stat st;
	int fd, r;

	if (!p || !arg || !*arg || !ret)
		return -EINVAL;
	s = calloc(1, sizeof(*s));
	if (!s)
		return -ENOMEM;
	s->p = p;
	pthread_mutex_init(&s->lock, NULL);
	pthread_cond_init(&s->cond, NULL);
	s->notifs.cap = RAWFS_NOTIF_QLEN;
	s->notifs.circular = true;
	s->errors.cap = RAWFS_ERRORS_QLEN;
	s->max_msg_size = stlmp_platform_config(p)->max_msg_size;
	s->stage_max = stlmp_platform_max_msg(p);
	clock_gettime(CLOCK_REALTIME, &s->start_time);
	rawfs_make_text(s);

	if (!realpath(arg, s->mnt)) {
		r = -errno;
		goto err_free;
	}
	if (stat(s->mnt, &st) < 0) {
		r = -errno;
		goto err_free;
	}
	if (!S_ISDIR(st.st_mode)) {
		r = -ENOTDIR;
		goto err_free;
	}
	/* Report why FUSE is unusable before libfuse prints about it. */
	fd = open("/dev/fuse", O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		r = -errno;
		goto err_free;
	}
	close(fd);

	my_sink = sink;
	my_sink.data = s;
	s->sink = my_sink;
	pthread_mutex_init(&s->agent_mutex, NULL);

	s->se = fuse_session_new(&args, &rawfs_ops, sizeof(rawfs_ops), s);
	fuse_opt_free_args(&args);
	if (!s->se) {
		r = -ENOMEM;
		goto err_detach;
	}
	errno = 0;
	if (fuse_session_mount(s->se, s->mnt) != 0) {
		r = errno ? -errno : -EIO;
		goto err_destroy;
	}
	s->mounted = true;

	/* Workers start with every signal blocked; so does the loop. */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	r = -pthread_create(&s->thread, NULL, rawfs_loop_main, s);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (r < 0)
		goto err_unmount;
	s->thread_ok = true;
	stlmp_log(p, STLMP_LOG_INFO, "rawfs: mounted on %s", s->mnt);
	*ret = s;
	return 0;

err_unmount:
	fuse_session_unmount(s->se);
err_destroy:
	fuse_session_destroy(s->se);
err_detach:
	pthread_mutex_destroy(&s->agent_mutex);
err_free:
	pthread_cond_destroy(&s->cond);
	pthread_mutex_destroy(&s->lock);
	free(s);
	return r;
}

static int rawfs_port(const struct stlmp_server *s)
{
	return -1;
}

const struct stlmp_server_ops stlmp_server_rawfs = {
	.scheme = "rawfs",
	.start = rawfs_start,
	.stop = rawfs_stop,
	.port = rawfs_port,
};
