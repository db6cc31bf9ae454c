/* SPDX-License-Identifier: MIT */
/*
 * Copyright (c) 2026 The stlm authors
 *
 * Server transports of the emulator (architecture.md §3). Each one owns its
 * threads, attaches one agent at a time with stlmp_agent_attach() and
 * feeds it commands with stlmp_agent_command(); a second agent is refused
 * as docs/transports.md says. stop() must join every thread it started and
 * detach its agent.
 */
#ifndef STLM_PLATFORM_SERVER_H
#define STLM_PLATFORM_SERVER_H

#include "platform.h"

struct stlmp_server;

struct stlmp_server_ops {
	const char *scheme; /* "unix", "tcp", "shm", "rawfs", "vhost-user" */
	/* arg: the URI after "scheme:" */
	int (*start)(struct stlmp_platform *p, const char *arg,
		     struct stlmp_server **ret);
	void (*stop)(struct stlmp_server *s);
	/* tcp only: the bound port; others return -1 */
	int (*port)(const struct stlmp_server *s);
};

extern const struct stlmp_server_ops stlmp_server_unix;
extern const struct stlmp_server_ops stlmp_server_tcp;
extern const struct stlmp_server_ops stlmp_server_shm;
extern const struct stlmp_server_ops stlmp_server_rawfs;
extern const struct stlmp_server_ops stlmp_server_vhost;

/* Logging from platform code (through opts.log). */
void stlmp_log(struct stlmp_platform *p, int level, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* For shm: the memory-file offset and size of the two SMT areas. */
int stlmp_platform_smt_areas(const struct stlmp_platform *p,
			     size_t *ret_a2p_off, size_t *ret_p2a_off,
			     size_t *ret_area_size);
/* The mapped base of the memory file (writable, platform side). */
uint8_t *stlmp_platform_mem_base(const struct stlmp_platform *p);

#endif /* STLM_PLATFORM_SERVER_H */
