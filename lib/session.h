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
 */
#ifndef STLM_LIB_SESSION_H
#define STLM_LIB_SESSION_H

#include <pthread.h>
#include <stlm/stlm.h>

#include "internal.h"
#include "tdcf.h"
#include "telemetry.h"
#include "transport.h"

#define STLM_MAX_TOKENS 1024

/**
 * struct stlm_de - one DE (public opaque type)
 * @desc:        its descriptor (complete after discovery)
 * @index:       position in platform order
 * @enabled:     enabled as far as the session knows
 * @ts_enabled:  timestamps enabled
 * @shmti:       SHMTI holding its line, or SCMI_TLM_SHMTI_NONE
 * @offset:      line offset in that SHMTI
 * @blk_ts_off:  BLK_TS line offset (0 = the last one before the line)
 * @fc:          mapped FastChannel (NULL if none)
 * @scale:       10^unit_exp
 * @msg_valid:   a message delivered a value (@msg_raw, @msg_ts)
 * @msg_seq:     bumped on every message value (for STALE detection)
 * @cat:         catalog entry (NULL if none)
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
 * @base:  read-only mapping of the area (NULL if it could not be mapped)
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
};

struct stlm_session {
	char *uri;
	struct stlm_open_opts opts;
	struct stlm_transport *t;

	/* transfer core */
	pthread_mutex_t tx_lock;  /* serialises sends */
	pthread_mutex_t rx_lock;  /* protects @inflight and the rx state */
	struct xfer *inflight[STLM_MAX_TOKENS];
	uint16_t next_token;
	pthread_t rx_thread;
	bool rx_running;
	bool rx_stop;
	int rx_error;		/* transport failure seen by rx (sticky) */

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

	/* events */
	int event_fd;		/* eventfd, readable while events are queued */
	void *events;		/* event queue (event.c) */

	/* catalog */
	void *catalog;		/* struct stlm_catalog (catalog.c) */
};

/* logging */
void stlm__log(struct stlm_session *s, int level, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/*
 * Send a command and wait for its response. resp receives the payload
 * (status first); returns its length or a negative errno (-ETIMEDOUT,
 * -ECONNRESET...). With dresp, also waits for the delayed response.
 * Retries BUSY replies and timeouts opts.retries times.
 */
int stlm__xfer(struct stlm_session *s, uint8_t proto, uint8_t id,
	       const void *req, size_t req_len, uint8_t *resp, size_t resp_cap,
	       uint8_t *dresp, size_t dresp_cap, int *ret_dlen);

/* Make sure discovery ran (lazy mode); 0 or the discovery error. */
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

/* Message cache: data lines from a notification or single sample. */
void stlm__ingest_lines(struct stlm_session *s, const uint8_t *lines,
			size_t nbytes, bool notification);

/* event.c */
int stlm__events_init(struct stlm_session *s);
void stlm__events_free(struct stlm_session *s);
void stlm__event_push(struct stlm_session *s, const struct stlm_event *ev);

/* de.c */
const char *stlm__unit_name(uint8_t unit);
const char *stlm__component_name(uint8_t type);

/* catalog.c */
struct stlm_catalog_entry;
void stlm__catalog_free(void *cat);
/* Search $STLM_CATALOG_PATH and the data dir for a catalog matching the
 * platform and apply it. Called after discovery, without @lock. */
void stlm__catalog_autoload(struct stlm_session *s);

#endif /* STLM_LIB_SESSION_H */
