/* SPDX-License-Identifier: MIT */
/*
 * Copyright (c) 2026 The stlm authors
 *
 * stlmd internals. The daemon owns the platform channel through one libstlm
 * session and offers two ways in: a FUSE tree compatible with STLMFS v4
 * (fuse.c, docs/stlmfs.md, plus snapshot, pipe, raw_<N>,
 * by-name/) and a client socket for libstlm programs (sock.c,
 * docs/daemon-protocol.md).
 *
 * Threads: main (signals, shutdown), the FUSE loop (multithreaded), the
 * socket server. All share @s (libstlm sessions are thread-safe) and
 * @lock for the daemon's own state.
 */
#ifndef STLM_DAEMON_H
#define STLM_DAEMON_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>
#include <stlm/stlm.h>

#define STLMD_DEFAULT_SOCKET "/run/stlm/stlmd.sock"

/**
 * struct stlmd - the daemon
 * @platform:   platform URI
 * @mount:      FUSE mount point (NULL: no tree)
 * @socket:     client socket path (NULL: none)
 * @uid, @gid:  owner of every inode (-o uid=,gid=; default: the daemon's)
 * @umask:      mode mask (-o umask=, default 0022)
 * @lazy:       -o lazy: fill des/, groups/, by-components/ on first lookup
 * @foreground: -f
 * @s:          the session (NULL while the platform is unreachable)
 * @lock:       protects @s swaps (reconnect) and daemon state
 * @stopping:   set by SIGTERM/SIGINT
 */
struct stlmd {
	const char *platform;
	const char *mount;
	const char *socket;
	uid_t uid;
	gid_t gid;
	mode_t umask;
	bool lazy;
	bool foreground;
	int verbose;

	struct stlm_session *s;
	pthread_mutex_t lock;
	volatile bool stopping;

	void *fuse;	/* fuse.c state */
	void *sock;	/* sock.c state */

	/* stlmd.c: reconnect bookkeeping (under @lock) */
	struct stlm_session **retired;	/* lost sessions (channel released),
					   closed at exit */
	size_t n_retired;
	uint64_t next_retry_ns;		/* CLOCK_MONOTONIC */
	uint64_t reconnects;		/* sessions opened so far */
	bool platform_ok;		/* last command reached the platform */
	bool lost;			/* logged "lost", not yet "recovered" */
	bool unresponsive;		/* @s timed out; the channel is kept */
	uint64_t down_since_ns;		/* CLOCK_MONOTONIC, 0 while usable */
	int down_err;			/* last failure (negative errno) */
};

/* Logging (stderr, or syslog when not in the foreground). */
void stlmd_log(struct stlmd *d, int level, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/*
 * The session, reconnecting to the platform if it was lost (returns NULL
 * with -EIO-style errno while the platform is unreachable; the caller must
 * then answer EIO, never stale data).
 */
struct stlm_session *stlmd_session(struct stlmd *d);
/*
 * A request on @s (NULL: the current session) failed with @err. A
 * request's errno never retires the session: its state does
 * (stlm_session_state()). LOST: the session is retired, its channel
 * released, and the next stlmd_session() reconnects. -ETIMEDOUT on a
 * READY session: it is kept but unresponsive, stlmd_session() gives NULL
 * (EIO) until stlmd_session_ok(). Returns true in both cases (the caller
 * answers EIO where it has no better error), false when the request
 * simply failed (no such DE, not permitted, refused by the platform...).
 */
bool stlmd_request_failed(struct stlmd *d, struct stlm_session *s, int err);
/* The kept session while it is unresponsive (for the probe), else NULL. */
struct stlm_session *stlmd_session_unresponsive(struct stlmd *d);
/* The probe got an answer: the session serves again. */
void stlmd_session_ok(struct stlmd *d);
/* CLOCK_MONOTONIC in ns. */
uint64_t stlmd_now_ns(void);
/*
 * Why stlmd_session() gave NULL, for a client (docs/daemon-protocol.md):
 * fills *ret (struct stlmd_down of lib/proto/stlmd-wire.h).
 */
struct stlmd_down;
void stlmd_platform_down(struct stlmd *d, struct stlmd_down *ret);

/* fuse.c */
int stlmd_fuse_start(struct stlmd *d);
void stlmd_fuse_stop(struct stlmd *d);

/* sock.c */
int stlmd_sock_start(struct stlmd *d);
void stlmd_sock_stop(struct stlmd *d);
/*
 * Hand one session event (UPDATE or RESET) to the socket server. The FUSE
 * tree's pump calls it: when a tree is mounted the pump owns the session's
 * event queue. Copies the event; safe to call after the server stopped.
 */
void stlmd_sock_event(struct stlmd *d, const struct stlm_event *ev);

#endif /* STLM_DAEMON_H */
