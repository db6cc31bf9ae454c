// SPDX-License-Identifier: MIT
/*
 * Copyright (c) 2026 The stlm authors
 *
 * Recovery over SCMI: a snapshot lost a line (or collection stopped
 * behind our back) and the backend re-reads PROTOCOL_ATTRIBUTES. Same
 * UUID and counts: placements and enable states are re-learnt in place. A
 * new UUID or counts: everything is discovered again into a new struct
 * stlm_table, which replaces the old one (retired until close). Either way
 * the generation is bumped and a RESET event queued.
 */
#include <errno.h>
#include <string.h>

#include "scmi-backend.h"

/* disc_lock held. */
static int resync_locked(struct stlm_session *s)
{
	struct stlm_event ev = { .type = STLM_EVENT_RESET };
	struct stlm_platform_info info;
	struct scmi_tlm_attrs a;
	bool same, changed = true;
	int r;

	r = scmi_tlm_attrs(s, &a);
	if (r < 0) {
		stlm__log(s, STLM_LOG_WARNING,
			  "resync: PROTOCOL_ATTRIBUTES: %s", strerror(-r));
		return r;
	}
	pthread_mutex_lock(&s->lock);
	info = s->info;
	pthread_mutex_unlock(&s->lock);
	same = !memcmp(info.uuid, a.uuid, sizeof(a.uuid)) &&
	       info.n_des == a.de_num && info.n_groups == a.groups_num &&
	       info.n_shmti == a.num_shmti;
	scmi_info_from_attrs(&info, &a);

	if (!same) {
		stlm__log(s, STLM_LOG_WARNING,
			  "the platform came back with another DE set (%s, %u DEs): discovering again",
			  info.uuid_str, info.n_des);
		if (!__atomic_load_n(&s->discovered, __ATOMIC_ACQUIRE)) {
			pthread_mutex_lock(&s->lock);
			s->info = info;
			pthread_mutex_unlock(&s->lock);
		} else {
			struct stlm_table *tb = NULL;

			r = scmi_discover_table(s, &info, &tb);
			if (r == 0) {
				r = scmi_learn_state(s, tb, true, NULL);
				if (r < 0)
					stlm__table_free(tb);
			}
			/* info and the table change together (snapshots
			 * size their SHMTI loops by info.n_shmti). */
			pthread_mutex_lock(&s->lock);
			s->info = info;
			if (r == 0) {
				stlm__table_install_locked(s, tb);
			} else {
				/* Try again on the next DE access. */
				struct stlm_table *old = s->table;

				for (uint32_t i = 0; old && i < old->n_des; i++) {
					__atomic_store_n(&old->des[i].enabled, false,
							 __ATOMIC_RELAXED);
					old->des[i].shmti = SCMI_TLM_SHMTI_NONE;
				}
				s->shmti = NULL;
				__atomic_store_n(&s->discovered, false,
						 __ATOMIC_RELEASE);
				s->discovery_error = r;
			}
			pthread_mutex_unlock(&s->lock);
			if (r == 0)
				stlm__catalog_apply(s);
		}
	} else if (__atomic_load_n(&s->discovered, __ATOMIC_ACQUIRE)) {
		r = scmi_learn_state(s, stlm__table_get(s), false, &changed);
		if (r < 0)
			return r;
	}
	if (!changed) {
		stlm__log(s, STLM_LOG_DEBUG, "resync: nothing changed");
		return 0;
	}
	pthread_mutex_lock(&s->lock);
	stlm__generation_bump(s);
	ev.generation = s->generation;
	stlm__event_push(s, &ev);
	pthread_mutex_unlock(&s->lock);
	return r;
}

/* The resync op. */
void scmi_resync(struct stlm_session *s)
{
	uint64_t seq;
	int r;

	seq = __atomic_load_n(&s->resync_seq, __ATOMIC_ACQUIRE);
	pthread_mutex_lock(&s->disc_lock);
	/* Another thread resynchronised meanwhile: nothing left to do. */
	if (__atomic_load_n(&s->resync_seq, __ATOMIC_ACQUIRE) != seq) {
		pthread_mutex_unlock(&s->disc_lock);
		return;
	}
	r = resync_locked(s);
	if (r < 0)
		stlm__log(s, STLM_LOG_WARNING, "resynchronisation failed: %s",
			  strerror(-r));
	__atomic_add_fetch(&s->resync_seq, 1, __ATOMIC_RELEASE);
	pthread_mutex_unlock(&s->disc_lock);
}
