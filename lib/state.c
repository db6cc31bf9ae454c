// SPDX-License-Identifier: MIT
/*
 * Copyright (c) 2026 The stlm authors
 *
 * stlm_session_state(): is the session's channel to the platform still
 * there (docs/api.md "Errors")? A request's errno says what went wrong
 * with that request; only this says whether the session is worth keeping.
 *
 *  - SCMI transports: LOST once the transfer core recorded a transport
 *    failure (s->rx_error, sticky: the receive thread saw the connection
 *    reset, a refusal or broken framing, or a send failed so), or the
 *    channel owner released the channel (stlm_owner_release()).
 *  - stlmd: LOST once the connection to the daemon is closed or broken.
 *  - stlmfs: LOST once the tree's directory can no longer be reached.
 *
 * A timeout never makes a session LOST: one command went unanswered, the
 * channel is still the session's.
 */
#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <string.h>
#include <sys/stat.h>

#include "session.h"

/*
 * lib/stlmd.c's client state starts with its connected socket; a closed
 * or reset connection polls as a hang-up.
 */
static int stlmd_state(struct stlm_session *s)
{
	const int *fd = s->stlmd;
	struct pollfd p = { .fd = *fd, .events = POLLIN | POLLRDHUP };

	if (p.fd < 0)
		return -ENOTCONN;
	if (poll(&p, 1, 0) < 0)
		return 0; /* EINTR/ENOMEM: say nothing about the connection */
	if (p.revents & (POLLHUP | POLLRDHUP | POLLERR | POLLNVAL))
		return -ECONNRESET;
	return 0;
}

/* The tree's directory, from the URI the session was opened with. */
static int stlmfs_state(struct stlm_session *s)
{
	const char *p = strchr(s->uri, ':');
	char path[PATH_MAX];
	struct stat st;
	size_t n;

	if (!p)
		return 0;
	p++;
	n = strcspn(p, "?");
	if (!n || n >= sizeof(path))
		return 0;
	memcpy(path, p, n);
	path[n] = 0;
	if (stat(path, &st) < 0)
		return errno == ENOMEM || errno == EACCES ? 0 : -ENOTCONN;
	return S_ISDIR(st.st_mode) ? 0 : -ENOTCONN;
}

STLM_API enum stlm_state stlm_session_state(struct stlm_session *s, int *err)
{
	int r;

	if (!s) {
		r = -EINVAL;
	} else if (s->stlmd) {
		r = stlmd_state(s);
	} else if (s->stlmfs) {
		r = stlmfs_state(s);
	} else {
		pthread_mutex_lock(&s->rx_lock);
		r = s->rx_error;
		pthread_mutex_unlock(&s->rx_lock);
	}
	if (err)
		*err = r;
	return r < 0 ? STLM_STATE_LOST : STLM_STATE_READY;
}
