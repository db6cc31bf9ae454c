// SPDX-License-Identifier: MIT
/*
 * Copyright (c) 2026 The stlm authors
 *
 * stlm_transport_open(): parse a URI and hand it to the ops table of its
 * scheme, then record which memory file the session should map for SHMTIs
 * and FastChannels (?mem=, else the scheme's default: DIR/mem for shm:,
 * /dev/mem for raw:, none for socket transports).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "transport.h"

static const struct stlm_transport_ops *const transports[] = {
	&stlm_transport_shm,
	&stlm_transport_unix,
	&stlm_transport_tcp,
	&stlm_transport_raw,
};

/* Schemes that parse but have no agent transport (yet). */
static const char *const unsupported[] = { "stlmd", "rawfs", "stlmfs" };

int stlm_transport_open(const char *uri, struct stlm_transport **ret)
{
	const struct stlm_transport_ops *ops = NULL;
	struct stlm_transport *t;
	struct stlm_uri u;
	int r;

	if (!ret)
		return -EINVAL;
	r = stlm_uri_parse(uri, &u);
	if (r < 0)
		return r;

	for (size_t i = 0; i < sizeof(transports) / sizeof(transports[0]); i++) {
		if (!strcmp(transports[i]->scheme, u.scheme)) {
			ops = transports[i];
			break;
		}
	}
	if (!ops) {
		for (size_t i = 0; i < sizeof(unsupported) / sizeof(unsupported[0]); i++)
			if (!strcmp(unsupported[i], u.scheme))
				return -EPROTONOSUPPORT;
		return -EINVAL;
	}

	r = ops->open(&u, &t);
	if (r < 0)
		return r;
	t->ops = ops;

	if (u.mem[0]) {
		snprintf(t->mem_path, sizeof(t->mem_path), "%s", u.mem);
	} else if (!strcmp(u.scheme, "shm")) {
		if (snprintf(t->mem_path, sizeof(t->mem_path), "%s/mem",
			     u.path) >= (int)sizeof(t->mem_path)) {
			ops->close(t);
			return -ENAMETOOLONG;
		}
	} else if (!strcmp(u.scheme, "raw") && !t->mem_path[0]) {
		snprintf(t->mem_path, sizeof(t->mem_path), "/dev/mem");
	}
	*ret = t;
	return 0;
}
