// SPDX-License-Identifier: MIT
/*
 * Copyright (c) 2026 The stlm authors
 *
 * The direct SCMI backend: a session that speaks SCMI Telemetry itself
 * over an agent transport (unix:, tcp:, shm:, raw:; lib/transport). Its
 * ops table, open and close, the memory file and the session state. See
 * scmi-backend.h for the files and the transfer core.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "scmi-backend.h"

#define DEFAULT_TIMEOUT_MS	1000
#define MAX_PENDING_RAW		16u

/* Commands that may await their response at once, per scheme. */
static const struct {
	const char *scheme;
	unsigned int max_pending;
} schemes[] = {
	{ "unix", SCMI_MAX_TOKENS },
	{ "tcp", SCMI_MAX_TOKENS },
	{ "shm", 1 },
	{ "raw", MAX_PENDING_RAW },
};

/* Map the memory file read-only. Not fatal: areas become unreachable. */
static void map_memory(struct stlm_session *s)
{
	const char *path = scmi_be(s)->t->mem_path;
	struct stat st;
	void *m;
	int fd;

	if (!path[0]) {
		stlm__log(s, STLM_LOG_INFO,
			  "no memory file: SHMTIs and FastChannels are unreachable");
		return;
	}
	/* O_NONBLOCK: a FIFO put in its place must not block the open */
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0) {
		stlm__log(s, STLM_LOG_WARNING, "%s: %s", path, strerror(errno));
		return;
	}
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_size <= 0) {
		stlm__log(s, STLM_LOG_WARNING,
			  "%s: not a non-empty regular file: SHMTIs and FastChannels are unreachable",
			  path);
		close(fd);
		return;
	}
	m = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_SHARED, fd, 0);
	if (m == MAP_FAILED) {
		stlm__log(s, STLM_LOG_WARNING, "mmap %s: %s", path,
			  strerror(errno));
		close(fd);
		return;
	}
	s->mem = m;
	s->mem_size = (size_t)st.st_size;
	/* kept: what an owner hands out is this file, never the path again */
	scmi_be(s)->mem_fd = fd;
}

static void scmi_close(struct stlm_session *s)
{
	struct scmi_be *b = s ? scmi_be(s) : NULL;

	if (!b)
		return;
	scmi_rx_stop(s);
	stlm_transport_close(b->t);
	if (b->stop_fd >= 0)
		close(b->stop_fd);
	if (b->mem_fd >= 0)
		close(b->mem_fd);
	pthread_cond_destroy(&b->pending_cond);
	pthread_mutex_destroy(&b->rx_lock);
	pthread_mutex_destroy(&b->tx_lock);
	free(b->rx_buf);
	free(b);
	s->be = NULL;
}

static int scmi_open(struct stlm_session *s, const char *uri)
{
	unsigned int max_pending = 0;
	struct scmi_be *b;
	struct stlm_uri u;
	int r;

	r = stlm_uri_parse(uri, &u);
	if (r < 0)
		return r;
	for (size_t i = 0; i < ARRAY_SIZE(schemes); i++)
		if (!strcmp(schemes[i].scheme, u.scheme))
			max_pending = schemes[i].max_pending;
	if (!max_pending) {
		stlm__log(s, STLM_LOG_ERR, "%s: no backend for scheme '%s'",
			  uri, u.scheme);
		return -EPROTONOSUPPORT;
	}
	b = calloc(1, sizeof(*b));
	if (!b)
		return -ENOMEM;
	b->stop_fd = -1;
	b->mem_fd = -1;
	pthread_mutex_init(&b->tx_lock, NULL);
	pthread_mutex_init(&b->rx_lock, NULL);
	scmi_cond_init_mono(&b->pending_cond);
	s->be = b;
	b->timeout_ms = u.timeout_ms ? u.timeout_ms :
			s->opts.timeout_ms ? s->opts.timeout_ms :
					     DEFAULT_TIMEOUT_MS;
	b->rx_cap = SCMI_RX_CAP;
	b->rx_buf = malloc(b->rx_cap);
	if (!b->rx_buf)
		return -ENOMEM;
	b->stop_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (b->stop_fd < 0)
		return -errno;
	r = stlm_transport_open(uri, &b->t);
	if (r < 0)
		return r;
	b->max_pending = max_pending;
	b->max_msg = b->t->max_msg;
	s->info.max_msg_size = (uint32_t)b->t->max_msg;
	map_memory(s);

	r = scmi_rx_start(s);
	if (r < 0)
		return r;
	r = scmi_base_discover(s, &s->info);
	if (r == 0)
		r = scmi_tlm_discover(s, &s->info);
	if (r < 0)
		return r;
	stlm__log(s, STLM_LOG_DEBUG,
		  "%s: %s/%s, Telemetry 0x%x, %u DEs, %u groups, %u SHMTIs",
		  uri, s->info.vendor, s->info.sub_vendor,
		  s->info.protocol_version, s->info.n_des, s->info.n_groups,
		  s->info.n_shmti);
	return 0;
}

/*
 * Before a snapshot take: the channel gone (sticky) fails it, since shared
 * memory alone would keep serving the last values of a platform that is no
 * longer there; then the single sample, if asked for.
 */
static int scmi_fetch(struct stlm_session *s, unsigned int flags,
		      const uint32_t *ids, size_t n, struct stlm_buf *buf)
{
	int r;

	(void)ids;
	(void)n;
	r = scmi_rx_error(s);
	if (r < 0)
		return r;
	if (flags & STLM_TAKE_SINGLE_SAMPLE)
		return stlm__single_sample_take(s, buf);
	return 0;
}

/* LOST once the transport failed (the receive thread's sticky error:
 * -ECONNRESET, -EPIPE, -EBUSY refusal, -EPROTO framing...); one command
 * timing out does not lose the session. */
static enum stlm_state scmi_state(struct stlm_session *s, int *ret_err)
{
	int r = scmi_rx_error(s);

	if (ret_err)
		*ret_err = r;
	return r ? STLM_STATE_LOST : STLM_STATE_READY;
}

/*
 * A new read-only open of the very file mapped at open (through the fd
 * kept since, not its path: the path may have been replaced by anything
 * since), with an offset of its own.
 */
static int scmi_mem_open(struct stlm_session *s)
{
	struct scmi_be *b = scmi_be(s);
	char proc[64];
	int fd;

	if (b->mem_fd < 0 || !s->mem)
		return -ENOENT;
	snprintf(proc, sizeof(proc), "/proc/self/fd/%d", b->mem_fd);
	fd = open(proc, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0)
		fd = fcntl(b->mem_fd, F_DUPFD_CLOEXEC, 0);
	return fd < 0 ? -errno : fd;
}

/*
 * Give up the agent channel while other threads may still be inside calls
 * on the session: every command waiting or to come fails (the sticky
 * transport error, else -ESHUTDOWN), the receive thread stops, and the
 * transport is closed under @tx_lock, after which senders find b->t NULL.
 * The session stays a valid object, state LOST, until close.
 */
static void scmi_release(struct stlm_session *s)
{
	struct scmi_be *b = scmi_be(s);
	struct stlm_transport *old;

	if (!b)
		return;
	pthread_mutex_lock(&b->rx_lock);
	if (!b->rx_error)
		b->rx_error = -ESHUTDOWN;
	for (size_t i = 0; i < SCMI_MAX_TOKENS; i++)
		if (b->inflight[i])
			pthread_cond_signal(&b->inflight[i]->cond);
	pthread_cond_broadcast(&b->pending_cond);
	pthread_mutex_unlock(&b->rx_lock);

	scmi_rx_stop(s);

	pthread_mutex_lock(&b->tx_lock);
	old = b->t;
	b->t = NULL;
	pthread_mutex_unlock(&b->tx_lock);
	if (old) {
		stlm_transport_close(old);
		stlm__log(s, STLM_LOG_DEBUG, "%s: channel released", s->uri);
	}
}

const struct stlm_backend_ops stlm__backend_scmi = {
	.name = "scmi",
	.open = scmi_open,
	.close = scmi_close,
	.discover = scmi_discover,
	.configure = scmi_configure,
	.coll_set = scmi_coll_set,
	.coll_get = scmi_coll_get,
	.reset = scmi_reset,
	.group_intervals = scmi_group_intervals,
	.resync = scmi_resync,
	.single_sample = scmi_cmd_tlm_single_sample,
	.fetch = scmi_fetch,
	.state = scmi_state,
	.mem_open = scmi_mem_open,
	.release = scmi_release,
	.xfer = scmi_xfer,
};
