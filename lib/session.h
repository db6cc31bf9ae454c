/* SPDX-License-Identifier: MIT */
/*
 * Copyright (c) 2026 The stlm authors
 *
 * libstlm internals: the session object shared by session.c (transfer
 * core, discovery, configuration), de.c (accessors), snapshot.c (reading),
 * event.c and catalog.c. Never installed.
 *
 * Theory of operation
 * -------------------
 * A session owns one transport. A receive thread reads every platform
 * message: a response (type 0) is matched by token to the waiting command
 * (struct xfer) and wakes it; a delayed response (type 2) likewise; a
 * notification (type 3) has its data lines decoded into the message cache
 * and an UPDATE event queued. Commands are sent under @tx_lock with a free
 * 10-bit token; xfer_do() waits for the response with the session timeout
 * and retries BUSY / timeouts @retries times.
 *
 * Discovery (full at open, or lazy on first DE access): Base vendor
 * strings, Telemetry version, attributes, intervals, SHMTI list (each area
 * mapped read-only from the memory file and its signatures checked),
 * CONFIG_GET, DE_DESCRIPTION pages, per-group membership, then the current
 * state: DE_ENABLED_LIST and one scan of every SHMTI to learn where each
 * enabled DE's line is (so a session finds DEs that an earlier session or
 * another tool enabled).
 *
 * Locking: @lock protects the DE table state (enabled, placement, message
 * cache), the generation and discovery; it is never held while waiting for
 * a response. Snapshots read shared memory without @lock and validate every
 * line they use (DE id at the cached offset), asking for a resync through
 * stlm__placement_lost() when the platform moved or dropped a line.
 *
 * Transfer core details: transports are not thread-safe, so @tx_lock
 * serialises every transport call, send() and the rx thread's non-blocking
 * recv() alike (the rx thread poll()s the transport fd and @stop_fd without
 * it). At most @max_pending commands await their response at once (1 on
 * shm:, whose A2P area holds one command; 16 on raw:; 1024 on sockets);
 * tokens are handed out round robin so a late reply to an abandoned command
 * finds its token free and is dropped. A transport failure (-ECONNRESET,
 * -EBUSY refusal, -EPROTO framing) is stored in @rx_error, wakes every
 * waiter and fails every later command.
 *
 * Recovery: stlm__placement_lost() re-reads PROTOCOL_ATTRIBUTES. Same UUID
 * and counts: placements and enable states are re-learnt in place. A new
 * UUID or counts: everything is discovered again into a new struct
 * stlm_table, which replaces the old one (retired until close). Either way
 * the generation is bumped and a RESET event queued.
 */
#ifndef STLM_LIB_SESSION_H
#define STLM_LIB_SESSION_H

#include <pthread.h>
#include <stlm/stlm.h>

#include "component.h"
#include "internal.h"
#include "tdcf.h"
#include "telemetry.h"
#include "transport.h"
#include "units.h"

#define STLM_MAX_TOKENS 1024

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
 * struct xfer - one command in flight
 * @token:    its token
 * @proto/@id: header fields expected in the response
 * @resp:     response payload (status first), @resp_len bytes
 * @delayed:  waiting for the delayed response (after the response)
 * @done:     response (and delayed response, if expected) arrived
 */
struct xfer {
	uint16_t token;
	uint8_t proto;
	uint8_t id;
	bool want_delayed;
	bool got_resp;
	bool got_delayed;
	uint8_t *resp;
	size_t resp_len;
	size_t resp_cap;
	uint8_t *dresp;
	size_t dresp_len;
	size_t dresp_cap;
	pthread_cond_t cond;
	bool pending;		/* counted in s->n_pending (no response yet) */
	bool overflow;		/* a reply did not fit its buffer */
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
	struct stlm_transport *t;

	/* transfer core */
	pthread_mutex_t tx_lock;  /* serialises every transport call */
	pthread_mutex_t rx_lock;  /* protects @inflight and the rx state */
	struct xfer *inflight[STLM_MAX_TOKENS];
	uint16_t next_token;
	pthread_t rx_thread;
	bool rx_running;
	bool rx_stop;
	int rx_error;		/* transport failure seen by rx (sticky) */
	int stop_fd;		/* eventfd: wakes the rx thread at close */
	int timeout_ms;		/* per-command timeout */
	unsigned int max_pending; /* commands awaiting a response at once */
	unsigned int n_pending;
	pthread_cond_t pending_cond; /* a pending slot or token was freed */
	uint8_t *rx_buf;	/* rx thread's message buffer */
	size_t rx_cap;

	/* platform */
	pthread_mutex_t lock;
	struct stlm_platform_info info;
	bool discovered;
	int discovery_error;
	const uint8_t *mem;	/* read-only mapping of the memory file */
	size_t mem_size;
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

	/* stlmd: backend state (lib/stlmd.c); NULL on SCMI transports */
	void *stlmd;
	/* stlmfs: backend state (lib/stlmfs.c); NULL otherwise */
	void *stlmfs;
};

/* logging */
void stlm__log(struct stlm_session *s, int level, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/*
 * Send a command and wait for its response. resp receives the payload
 * (status first); returns its length or a negative errno (-ETIMEDOUT,
 * -ECONNRESET...). With dresp, also waits for the delayed response:
 * *ret_dlen is its length, or 0 when the response status was not SUCCESS
 * (no delayed response follows). Retries BUSY replies and timeouts
 * opts.retries times (a delayed response that times out is not retried).
 * A reply longer than its buffer is -EPROTO. Never call with @lock held.
 */
int stlm__xfer(struct stlm_session *s, uint8_t proto, uint8_t id,
	       const void *req, size_t req_len, uint8_t *resp, size_t resp_cap,
	       uint8_t *dresp, size_t dresp_cap, int *ret_dlen);

/*
 * Make sure discovery ran (lazy mode); 0 or the discovery error. Until it
 * succeeded, s->shmti / s->des are NULL and s->n_des is 0 (info.n_shmti and
 * info.n_des are already known). Never call with @lock held.
 */
int stlm__discover(struct stlm_session *s);
/* Index of DE id, or -ENOENT. Called with or without @lock. */
int stlm__de_index(const struct stlm_session *s, uint32_t id);
/* Bump the generation and queue a GENERATION event. Called with @lock. */
void stlm__generation_bump(struct stlm_session *s);
/*
 * A snapshot found a line missing or moved: re-learn placements (DE
 * enabled list + SHMTI scan; full re-discovery if the platform's identity
 * changed). Called without @lock.
 */
void stlm__placement_lost(struct stlm_session *s);

/*
 * Message cache: data lines from a notification or single sample (walked
 * with tdcf_msg_line_next(), bounded by nbytes). Updates msg_raw/msg_ts/
 * msg_valid/msg_seq of each known DE under @lock; for a notification also
 * queues one UPDATE event with copies of the samples. Called without @lock.
 */
void stlm__ingest_lines(struct stlm_session *s, const uint8_t *lines,
			size_t nbytes, bool notification);

/* event.c: a bounded queue (4096); on overflow events are dropped and
 * counted, then reported as one LOST event. push copies ev->samples; it
 * may be called with @lock held (the queue's lock is innermost). */
int stlm__events_init(struct stlm_session *s);
void stlm__events_free(struct stlm_session *s);
void stlm__event_push(struct stlm_session *s, const struct stlm_event *ev);

/* session.c: the interval list of a group (fetched once), with @lock not
 * held; 0, -ENOENT (no such group), -EOPNOTSUPP (no per-group config). */
int stlm__group_intervals(struct stlm_session *s, uint32_t group,
			  struct stlm_intervals *ret);
/* Decode a raw value of DE de as the public API does (sign, 10^unit_exp). */
double stlm__de_value(const struct stlm_de *de, uint64_t raw);
/* raw masked to the DE's data_size (1..7 bytes), else unchanged. */
uint64_t stlm__de_raw(const struct stlm_de *de, uint64_t raw);

/* The unit and component tables: formats/units.h, formats/component.h. */

/* catalog.c */
struct stlm_catalog_entry;
void stlm__catalog_free(void *cat);
/* Search $STLM_CATALOG_PATH and the data dir for a catalog matching the
 * platform and apply it. Called after discovery and after a re-discovery
 * (new table: every de->cat is NULL), without @lock but with disc_lock
 * held: it may use DE lookups and accessors, not stlm_reset() or
 * stlm__placement_lost(). Skipped when opts.no_catalog. */
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

/*
 * stlmd: backend (lib/stlmd.c, docs/daemon-protocol.md). A session opened
 * on "stlmd:PATH" has no agent transport (s->t is NULL, no rx thread): its
 * open fills info, the table, the SHMTI mappings (from the memory file fd
 * the daemon passes) and the state from the daemon, and the public
 * configuration functions, stlm__group_intervals(), stlm__placement_lost()
 * and stlm__xfer() (single sample only) forward to these when s->stlmd is
 * set. Everything else (accessors, snapshots, events) runs unchanged.
 */
int stlm__stlmd_open(struct stlm_session *s, const char *uri);
void stlm__stlmd_close(struct stlm_session *s);
int stlm__stlmd_batch(struct stlm_session *s, struct stlm_batch_item *items,
		      size_t n);
int stlm__stlmd_coll_set(struct stlm_session *s, uint32_t group, bool enable,
			 int mode, uint64_t interval_ns);
int stlm__stlmd_coll_get(struct stlm_session *s, uint32_t group,
			 struct stlm_collection *ret);
int stlm__stlmd_reset(struct stlm_session *s);
/* Fills raw, v, n and range of ret (allocated; freed by the caller). */
int stlm__stlmd_group_intervals(struct stlm_session *s, uint32_t group,
				struct stlm_group_iv *ret);
void stlm__stlmd_placement_lost(struct stlm_session *s);
int stlm__stlmd_xfer(struct stlm_session *s, uint8_t proto, uint8_t id,
		     const void *req, size_t req_len, uint8_t *resp,
		     size_t resp_cap, uint8_t *dresp, size_t dresp_cap,
		     int *ret_dlen);

/* session.c helpers for the stlmd: backend. */
/* A table from descriptors (FastChannels mapped from s->mem); with @lock
 * not held. */
int stlm__table_build(struct stlm_session *s, const struct scmi_tlm_de_desc *d,
		      uint32_t n_des, uint32_t n_groups,
		      struct stlm_table **ret);
/* Publish tb (retiring the current table), under @lock (taken here). */
void stlm__table_install(struct stlm_session *s, struct stlm_table *tb);
void stlm__table_free(struct stlm_table *tb);

/*
 * stlmfs: backend (lib/stlmfs.c, docs/stlmfs-backend.md). A session opened
 * on "stlmfs:DIR" reads an STLMFS v4 tree: like stlmd: it has no agent
 * transport (s->t is NULL, no rx thread); its open fills info and the
 * table (no SHMTI, no FastChannel: every DE is message-only), and the
 * public configuration functions, stlm__group_intervals() and
 * stlm__placement_lost() forward to these when s->stlmfs is set.
 * snapshot.c calls stlm__stlmfs_fetch() before each take: one bulk file
 * read fills the DEs' message cache (ids NULL: all enabled DEs).
 */
int stlm__stlmfs_open(struct stlm_session *s, const char *uri);
void stlm__stlmfs_close(struct stlm_session *s);
int stlm__stlmfs_fetch(struct stlm_session *s, unsigned int flags,
		       const uint32_t *ids, size_t n);
int stlm__stlmfs_batch(struct stlm_session *s, struct stlm_batch_item *items,
		       size_t n);
int stlm__stlmfs_coll_set(struct stlm_session *s, uint32_t group, bool enable,
			  int mode, uint64_t interval_ns);
int stlm__stlmfs_coll_get(struct stlm_session *s, uint32_t group,
			  struct stlm_collection *ret);
int stlm__stlmfs_reset(struct stlm_session *s);
int stlm__stlmfs_group_intervals(struct stlm_session *s, uint32_t group,
				 struct stlm_group_iv *ret);

#endif /* STLM_LIB_SESSION_H */
