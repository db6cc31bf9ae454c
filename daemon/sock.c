// SPDX-License-Identifier: MIT
/*
 * Copyright (c) 2026 The stlm authors
 *
 * The client socket (docs/daemon-protocol.md).
 *
 * STUB: not implemented yet (owned by a later change). Without --socket
 * both calls are no-ops; with --socket, start fails with -EOPNOTSUPP so
 * nobody believes a socket is being served.
 */
#include <errno.h>

#include "daemon.h"

int stlmd_sock_start(struct stlmd *d)
{
	if (!d->socket)
		return 0;
	return -EOPNOTSUPP; /* STUB */
}

void stlmd_sock_stop(struct stlmd *d)
{
	(void)d; /* STUB */
}
