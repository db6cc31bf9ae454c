// SPDX-License-Identifier: MIT
/*
 * Copyright (c) 2026 The stlm authors
 *
 * Read-only access to the mapped SHMTI areas (the "shmti" group of
 * stlm.h). The mappings belong to the session (session.c maps them at
 * discovery and unmaps them at close), so handing out a const pointer is
 * safe for the session's lifetime.
 */
#include <errno.h>

#include "session.h"

STLM_API int stlm_shmti_count(struct stlm_session *s)
{
	int r;

	if (!s)
		return -EINVAL;
	r = stlm__discover(s);
	if (r < 0)
		return r;
	pthread_mutex_lock(&s->lock);
	r = (int)s->info.n_shmti;
	pthread_mutex_unlock(&s->lock);
	return r;
}

STLM_API int stlm_shmti_map(struct stlm_session *s, uint32_t n,
			    const void **ret_base, size_t *ret_len)
{
	int r;

	if (!s || !ret_base || !ret_len)
		return -EINVAL;
	r = stlm__discover(s);
	if (r < 0)
		return r;
	pthread_mutex_lock(&s->lock);
	if (n >= s->info.n_shmti || !s->shmti) {
		r = -ENOENT;
	} else if (!s->shmti[n].base) {
		r = -ENXIO;
	} else {
		*ret_base = s->shmti[n].base;
		*ret_len = s->shmti[n].desc.length;
	}
	pthread_mutex_unlock(&s->lock);
	return r;
}
