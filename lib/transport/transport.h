/* SPDX-License-Identifier: MIT */
/*
 * Copyright (c) 2026 The stlm authors
 *
 * Agent-side transports (architecture.md §3), one ops table each, selected
 * at runtime from the URI scheme. A transport moves whole SCMI messages
 * (32-bit header + payload, little-endian): send() a command, recv() the
 * next message from the platform (a response, a delayed response or a
 * notification, in arrival order). Matching tokens, queueing notifications
 * and timeouts per command belong to the session layer above.
 */
#ifndef STLM_TRANSPORT_H
#define STLM_TRANSPORT_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/**
 * struct stlm_uri - a parsed transport URI
 * @scheme:     "shm", "unix", "tcp", "raw", "stlmd", "rawfs", "stlmfs"
 * @path:       DIR or PATH (empty for tcp)
 * @host:       tcp host
 * @port:       tcp port
 * @mem:        ?mem=PATH: memory file to map ("" = the scheme's default)
 * @timeout_ms: ?timeout_ms=N (0 = default)
 */
struct stlm_uri {
	char scheme[16];
	char path[PATH_MAX];
	char host[256];
	int port;
	char mem[PATH_MAX];
	int timeout_ms;
};

/*
 * Parse "scheme:rest[?key=value&...]". -EINVAL for an unknown scheme, an
 * empty path, a bad port, an unknown or repeated option, or an over-long
 * field. tcp hosts may be "[v6]:port".
 */
int stlm_uri_parse(const char *uri, struct stlm_uri *ret);
/* 0 if uri parses, else -EINVAL and the reason in words in err. */
int stlm_uri_explain(const char *uri, char *err, size_t errlen);

struct stlm_transport;

struct stlm_transport_ops {
	const char *scheme;
	int (*open)(const struct stlm_uri *u, struct stlm_transport **ret);
	void (*close)(struct stlm_transport *t);
	/*
	 * Send one command. async: the command expects a delayed response
	 * (raw mode writes it to message_async). -ECONNRESET if the
	 * platform is gone, -EMSGSIZE if larger than max_msg.
	 */
	int (*send)(struct stlm_transport *t, const uint8_t *msg, size_t len,
		    bool async);
	/*
	 * Receive the next platform message into buf; returns its length.
	 * timeout_ms < 0 waits forever, 0 polls. -ETIMEDOUT, -ECONNRESET
	 * (platform gone), -EBUSY (the platform refused this agent: another
	 * owns the channel), -EMSGSIZE (message larger than cap: it is
	 * consumed and dropped), -EPROTO (framing broken).
	 */
	int (*recv)(struct stlm_transport *t, uint8_t *buf, size_t cap,
		    int timeout_ms);
	/* A pollable fd, readable when recv() may have something. */
	int (*fd)(struct stlm_transport *t);
};

/**
 * struct stlm_transport - common part of every transport
 * @ops:      its ops table
 * @mem_path: memory file to map for SHMTIs and FastChannels ("" if none)
 * @max_msg:  largest message (header + payload) it can carry
 */
struct stlm_transport {
	const struct stlm_transport_ops *ops;
	char mem_path[PATH_MAX];
	size_t max_msg;
};

extern const struct stlm_transport_ops stlm_transport_unix;
extern const struct stlm_transport_ops stlm_transport_tcp;
extern const struct stlm_transport_ops stlm_transport_shm;
extern const struct stlm_transport_ops stlm_transport_raw;

/* Parse the URI and open the matching transport. */
int stlm_transport_open(const char *uri, struct stlm_transport **ret);
static inline void stlm_transport_close(struct stlm_transport *t)
{
	if (t)
		t->ops->close(t);
}

#endif /* STLM_TRANSPORT_H */
