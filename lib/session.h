/* SPDX-License-Identifier: MIT */
/*
 * Copyright (c) 2026 The stlm authors
 *
 * libstlm internals: the session object shared by the core (session.c:
 * open/close, dispatch to the backend, configuration and collection entry
 * points, the message cache; table.c: the DE table; de.c: accessors;
 * snapshot.c: reading; event.c; catalog.c). Never installed.
 *
 * Theory of operation
 * -------------------
 * A session reaches its platform through one backend (backend.h): s->ops
 * is its ops table, chosen by the URI scheme at open, and s->be its private
 * state (for the direct SCMI backend: the transport, the transfer core
 * with its receive thread and tokens, see lib/backend/scmi.h). The core
 * never tests which backend it runs on.
 *
 * What every backend fills is the data model below: s->info, the DE table
 * (struct stlm_table: descriptors, hash, groups, SHMTIs, intervals),
 * published as one unit by stlm__table_install(), the read-only memory
 * mapping s->mem / s->mem_size that SHMTI bases and FastChannels point
 * into (unmapped at close by the core), and the DE state (enabled,
 * placement, message cache) and collection state under @lock.
 *
 * Discovery (full at open, or lazy on first DE access through the
 * backend's discover op) learns the table and the current state (so a
 * session finds DEs that an earlier session or another tool enabled).
 *
 * Locking: @lock protects the DE table state (enabled, placement, message
 * cache), the generation and discovery; it is never held while waiting for
 * a response. Snapshots read shared memory without @lock and validate every
 * line they use (DE id at the cached offset), asking for a resync through
 * stlm__placement_lost() when the platform moved or dropped a line.
 * @disc_lock serialises discovery, re-discovery and resynchronisation (they
 * issue commands, so it is held while waiting for responses). Lock order:
 * disc_lock, then lock, then the event queue's.
 *
 * Recovery (backend's resync op): placements and enable states are
 * re-learnt in place, or, when the platform came back with another DE set,
 * everything is discovered again into a new struct stlm_table, which
 * replaces the old one (retired until close). Either way the generation is
 * bumped and a RESET event queued.
 */
#ifndef STLM_LIB_SESSION_H
#define STLM_LIB_SESSION_H

#include <pthread.h>
#include <setjmp.h>
#include <stlm/stlm.h>

#include "backend.h"
#include "component.h"
#include "internal.h"
#include "tdcf.h"
#include "telemetry.h"
#include "units.h"

/**
 * struct stlm_de - one DE (public opaque type)
 * @desc:        its descriptor (complete after discovery)
 * @index:       position in platform order
 * @enabled:     enabled as far as the session knows
 * @ts_enabled:  timestamps enabled
 * @shmti:       index in s->shmti[] of the SHMTI holding its line (equal
 *               to the SHMTI id on conforming platforms), or
 *               SCMI_TLM_SHMTI_NONE (disabled, FastChannel, message-only,
 *               placement unknown or the SHMTI is unusable)
 * @offset:      line offset in that SHMTI (from the area start)
 * @blk_ts_off:  BLK_TS line offset (0 = the last one before the line)
 * @fc:          mapped FastChannel (NULL if none)
 * @scale:       10^unit_exp
 * @msg_valid:   a message delivered a value (@msg_raw, @msg_ts)
 * @msg_seq:     bumped on every message value (for STALE detection)
 * @cat:         catalog entry (NULL if none)
 * @s:           the owning session
 *
 * @enabled, @ts_enabled, @shmti, @offset, @blk_ts_off and the message cache
 * are written under s->lock. @desc, @index, @fc and @scale never change
 * once the table is published. A struct stlm_de stays valid until the
 * session is closed, even after a re-discovery replaced its table (the old
 * table is retired, not freed; its DEs then read as disabled).
 */
struct stlm_de {
	struct scmi_tlm_de_desc desc;
	uint32_t index;
	bool enabled;
	bool ts_enabled;
	uint32_t shmti;
	uint32_t offset;
	uint32_t blk_ts_off;
	const volatile uint8_t *fc;
	double scale;
	bool msg_valid;
	uint64_t msg_raw;
	uint64_t msg_ts;
	uint64_t msg_seq;
	struct stlm_catalog_entry *cat;
	struct stlm_session *s;
};

/**
 * struct stlm_shmti - one mapped SHMTI
 * @desc:  as listed
 * @base:  read-only mapping of the area (NULL if it could not be mapped,
 *         lies outside the memory file or has bad signatures: unusable)
 */
struct stlm_shmti {
	struct scmi_tlm_shmti_desc desc;
	const uint8_t *base;
};

/**
 * struct stlm_group_iv - per-group interval list, fetched on first use
 */
struct stlm_group_iv {
	bool fetched;
	bool range;
	size_t n;
	struct scmi_tlm_interval *raw;
	struct stlm_interval *v;
};

/**
 * struct stlm_table - everything discovery learns about the platform's
 * resources, published as one unit
 *
 * The flat fields of struct stlm_session (@des, @n_des, @hash, @shmti,
 * @group_members, @iv...) mirror the current table and are updated with it
 * under @lock. s->table is also published with an atomic release store, so
 * stlm__de_index() can use it without @lock. A table replaced by a
 * re-discovery (platform reset with a new DE set) is moved to s->retired and
 * freed only at close, so pointers into it never dangle.
 */
struct stlm_table {
	struct stlm_de *des;
	uint32_t n_des;
	uint32_t *hash;
	uint32_t hash_mask;
	uint32_t n_groups;
	uint32_t **group_members;
	size_t *group_n;
	uint32_t *group_ids;
	struct stlm_group_iv *group_iv;
	uint32_t n_shmti;
	struct stlm_shmti *shmti;
	struct scmi_tlm_interval *iv_raw;
	struct stlm_interval *iv;
	size_t n_iv;
	bool iv_range;
	struct stlm_table *next_retired;
};

struct stlm_session {
	char *uri;
	struct stlm_open_opts opts;

	/* backend (backend.h) */
	const struct stlm_backend_ops *ops;
	void *be;		/* the backend's private state */

	/* platform */
	pthread_mutex_t lock;
	struct stlm_platform_info info;
	/*
	 * The backend knows the platform by its DE implementation UUID only
	 * (an STLMFS tree has no vendor strings): catalogs match by UUID.
	 */
	bool identity_uuid_only;
	/*
	 * How the backend reaches the platform, in words, for
	 * stlm_session_interface() ("" : the backend's name); set at open.
	 */
	char interface[96];
	bool discovered;
	int discovery_error;
	const uint8_t *mem;	/* read-only mapping of the memory file */
	size_t mem_size;
	/* -EIO once a read of @mem faulted (memguard.c): LOST, sticky */
	int mem_err;
	struct stlm_shmti *shmti;
	struct stlm_de *des;
	uint32_t n_des;
	uint32_t *hash;		/* id -> index + 1, open addressing */
	uint32_t hash_mask;
	uint32_t **group_members;
	size_t *group_n;
	struct scmi_tlm_interval *iv_raw;
	struct stlm_interval *iv;
	size_t n_iv;
	bool iv_range;
	uint64_t generation;
	bool telemetry_on;
	uint8_t coll_mode;	/* instance-wide collection mode (CONFIG_GET) */
	struct scmi_tlm_interval coll_iv; /* and interval */
	/*
	 * An interval given while collection is off (CONFIG_SET ignores the
	 * interval when disabling): applied by the next enable that does not
	 * name one, and reported by stlm_collection_get() meanwhile. Scope
	 * STLM_GROUP_ALL only.
	 */
	bool coll_iv_pending;
	struct scmi_tlm_interval coll_iv_next;
	struct stlm_table *table;   /* current table (see struct stlm_table) */
	struct stlm_table *retired; /* replaced tables, freed at close */
	/*
	 * Serialises discovery, re-discovery and resynchronisation (they
	 * issue commands, so it is held while waiting for responses; @lock
	 * is not). Lock order: disc_lock, then lock, then the event queue's.
	 */
	pthread_mutex_t disc_lock;
	uint64_t resync_seq;	/* completed resynchronisations */
	bool placements_unknown; /* a SHMTI had no consistent pass when its
				    lines were learnt (atomic access) */

	/* events */
	int event_fd;		/* eventfd, readable while events are queued */
	void *events;		/* event queue (event.c) */

	/* catalog */
	void *catalog;		/* struct stlm_catalog (catalog.c) */

	/* deviations tolerated (stlm__deviation(); atomic access) */
	uint64_t dev_count[STLM_DEV_KINDS];
	uint32_t dev_logged;	/* kinds already logged */
};

/*
 * Make sure discovery ran (lazy mode); 0 or the discovery error. Until it
 * succeeded, s->shmti / s->des are NULL and s->n_des is 0 (info.n_shmti and
 * info.n_des are already known). Never call with @lock held.
 */
int stlm__discover(struct stlm_session *s);
/* Report progress of long work (stlm_open_opts.progress), if asked for. */
void stlm__progress(struct stlm_session *s, const char *what, uint64_t done,
		    uint64_t total);
/*
 * A snapshot found a line missing or moved: re-learn placements (the
 * backend's resync op). Called without @lock.
 */
void stlm__placement_lost(struct stlm_session *s);
/*
 * One single-sample exchange through the backend, for an owner that
 * forwards it (the raw reply payloads, as the backend's single_sample op).
 */
int stlm__single_sample(struct stlm_session *s, uint8_t *resp,
			size_t resp_cap, uint8_t *dresp, size_t dresp_cap,
			int *ret_dlen);
/* A new read-only fd of the memory file behind s->mem, or -errno. */
int stlm__mem_open(struct stlm_session *s);

/*
 * memguard.c: SIGBUS-safe reads of mapped platform memory
 * (docs/transports.md, "The memory file shrinking"). The platform owns the memory file and may
 * truncate it under our MAP_SHARED mapping; a load past the new end then
 * raises SIGBUS. Every read of SHMTI or FastChannel memory runs inside a
 * guard:
 *
 *	struct stlm_mem_guard g;
 *
 *	stlm__mem_guard_push(&g, base, len);
 *	if (sigsetjmp(g.env, 0))
 *		return -EFAULT;		// the guard is already popped
 *	... loads from [base, base + len) ...
 *	stlm__mem_guard_pop(&g);
 *
 * A SIGBUS in this thread at an address inside [base, base + len) while
 * the guard is pushed jumps back to the sigsetjmp() with 1; any other
 * SIGBUS goes to the handler the program had (or the default action).
 * Guarded code must not take locks or allocate between push and pop in a
 * way a jump out would leave inconsistent (a realloc() that completed is
 * fine: the fault is a load of mapped memory, never inside the allocator).
 * Guards nest (per thread). Locals of the guarded function modified after
 * sigsetjmp() are indeterminate after a jump: use only what was set before.
 */
struct stlm_mem_guard {
	sigjmp_buf env;
	const void *base;
	size_t len;
	struct stlm_mem_guard *prev;
};

void stlm__mem_guard_push(struct stlm_mem_guard *g, const void *base,
			  size_t len);
void stlm__mem_guard_pop(struct stlm_mem_guard *g);

/*
 * A guarded read faulted: the memory file shrank under the mapping. Marks
 * the session LOST (stlm_session_state(), error -EIO) once, logs what
 * happened, and returns -EIO. Later takes fail with -EIO without touching
 * the mapping again.
 */
int stlm__mem_fault(struct stlm_session *s);


/* event.c: a bounded queue (4096); on overflow events are dropped and
 * counted, then reported as one LOST event. push copies ev->samples; it
 * may be called with @lock held (the queue's lock is innermost). */
int stlm__events_init(struct stlm_session *s);
void stlm__events_free(struct stlm_session *s);

/* session.c: the interval list of a group (fetched once), with @lock not
 * held; 0, -ENOENT (no such group), -EOPNOTSUPP (no per-group config). */
int stlm__group_intervals(struct stlm_session *s, uint32_t group,
			  struct stlm_intervals *ret);

/* The unit and component tables: formats/units.h, formats/component.h. */

/* catalog.c */
struct stlm_catalog_entry;
void stlm__catalog_free(void *cat);
/* Search $STLM_CATALOG_PATH and the data dir for a catalog matching the
 * platform and apply it. Called after discovery and after a re-discovery
 * (new table: every de->cat is NULL), without @lock but with disc_lock
 * held: it may use DE lookups and accessors, not stlm_reset() or
 * stlm__placement_lost(). Backends call stlm__catalog_apply(), which skips
 * it when opts.no_catalog. */
void stlm__catalog_autoload(struct stlm_session *s);
/*
 * Optional catalog hooks used by de.c (defined in catalog.c there, so the library
 * links and falls back to descriptor data while catalog.c lacks them):
 * the catalog name / description / signedness of a DE's entry, and a DE
 * by catalog name (NULL if none).
 */
const char *stlm__catalog_de_name(const struct stlm_de *de);
const char *stlm__catalog_de_description(const struct stlm_de *de);
bool stlm__catalog_de_signed(const struct stlm_de *de);
const struct stlm_de *stlm__catalog_find(struct stlm_session *s,
					 const char *name);
/* The DE's unit code as its descriptor gives it (before any override). */
uint8_t stlm__catalog_de_desc_unit(const struct stlm_de *de);

#endif /* STLM_LIB_SESSION_H */
