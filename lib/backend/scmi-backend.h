/* SPDX-License-Identifier: MIT */
/*
 * Copyright (c) 2026 The stlm authors
 *
 * The direct SCMI backend (unix:, tcp:, shm:, raw:): private to
 * lib/backend/scmi*.c. Never installed.
 *
 * Files
 * -----
 *  scmi.c          the ops table, open/close, the memory file, state
 *  scmi-xfer.c     the transfer core (tokens, receive thread, timeouts,
 *                  retries, notifications)
 *  scmi-cmd.c      every Base and Telemetry command: encode (lib/proto),
 *                  transfer, decode; nothing else builds a command
 *  scmi-discover.c discovery (protocol §10): Base, Telemetry attributes,
 *                  intervals, SHMTIs, DE descriptors, the current state
 *                  (enabled list, SHMTI scans)
 *  scmi-config.c   DE/group/all configuration, collection, reset
 *  scmi-recover.c  resynchronisation after a lost placement or a platform
 *                  reset
 *
 * Transfer core
 * -------------
 * The backend owns one transport. A receive thread reads every platform
 * message: a response (type 0) is matched by token to the waiting command
 * (struct scmi_xfer) and wakes it; a delayed response (type 2) likewise; a
 * notification (type 3) has its data lines decoded into the message cache
 * (stlm__ingest_lines()) and an UPDATE event queued. Transports are not
 * thread-safe, so @tx_lock serialises every transport call, send() and the
 * rx thread's non-blocking recv() alike (the rx thread poll()s the
 * transport fd and @stop_fd without it). At most @max_pending commands
 * await their response at once (1 on shm:, whose A2P area holds one
 * command; 16 on raw:; 1024 on sockets); tokens are handed out round robin
 * so a late reply to an abandoned command finds its token free and is
 * dropped. A transport failure (-ECONNRESET, -EBUSY refusal, -EPROTO
 * framing) is stored in @rx_error, wakes every waiter and fails every
 * later command: it is the session's LOST state.
 */
#ifndef STLM_LIB_BACKEND_SCMI_BACKEND_H
#define STLM_LIB_BACKEND_SCMI_BACKEND_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "base.h"
#include "telemetry.h"
#include "transport.h"

/*
 * The backend reads and writes the session's shared data model (table,
 * DE state, collection state, locks) directly: see backend.h and the
 * session core's header.
 */
#include "session.h"

#define SCMI_MAX_TOKENS		1024
#define SCMI_SMALL_RESP		64u
#define SCMI_RX_CAP		(65536u + 64u)

/**
 * struct scmi_xfer - one command in flight
 * @token:    its token
 * @proto/@id: header fields expected in the response
 * @resp:     response payload (status first), @resp_len bytes
 * @delayed:  waiting for the delayed response (after the response)
 * @done:     response (and delayed response, if expected) arrived
 */
struct scmi_xfer {
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
	bool pending;		/* counted in n_pending (no response yet) */
	bool overflow;		/* a reply did not fit its buffer */
};

/* The backend's state (s->be). */
struct scmi_be {
	struct stlm_transport *t; /* NULL once released (under @tx_lock) */
	size_t max_msg;		/* the transport's, kept after a release */
	int mem_fd;		/* the memory file mapped at open, or -1 */

	pthread_mutex_t tx_lock;  /* serialises every transport call */
	pthread_mutex_t rx_lock;  /* protects @inflight and the rx state */
	struct scmi_xfer *inflight[SCMI_MAX_TOKENS];
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
};

static inline struct scmi_be *scmi_be(const struct stlm_session *s)
{
	return s->be;
}

/* scmi-xfer.c */
void scmi_cond_init_mono(pthread_cond_t *c);
void scmi_sleep_ms(unsigned int ms);
int scmi_rx_start(struct stlm_session *s);
void scmi_rx_stop(struct stlm_session *s);
/* The sticky transport error, or 0. */
int scmi_rx_error(struct stlm_session *s);
/*
 * Send a command and wait for its response. resp receives the payload
 * (status first); returns its length or a negative errno (-ETIMEDOUT,
 * -ECONNRESET...). With dresp, also waits for the delayed response:
 * *ret_dlen is its length, or 0 when the response status was not SUCCESS
 * (no delayed response follows). Retries BUSY replies and timeouts
 * opts.retries times (a delayed response that times out is not retried).
 * A reply longer than its buffer is -EPROTO. Never call with s->lock held.
 * Only scmi-cmd.c calls it.
 */
int scmi_xfer(struct stlm_session *s, uint8_t proto, uint8_t id,
	      const void *req, size_t req_len, uint8_t *resp, size_t resp_cap,
	      uint8_t *dresp, size_t dresp_cap, int *ret_dlen);

/* scmi-cmd.c: one function per command. Each returns 0 (or what it
 * documents) or a negative errno; decoder errors that mean "the platform
 * broke the protocol" are -EPROTO. */
/* A failure of the channel itself, not of one command. */
bool scmi_fatal_err(int r);
int scmi_proto_err(int r);
int scmi_cmd_base_version(struct stlm_session *s, uint32_t *ret);
int scmi_cmd_base_attrs(struct stlm_session *s, struct scmi_base_attrs *ret);
int scmi_cmd_base_vendor(struct stlm_session *s, bool sub, char *ret);
int scmi_cmd_base_impl_version(struct stlm_session *s, uint32_t *ret);
/* One page of protocol ids from index skip: the count (0: end). */
int scmi_cmd_base_list_protocols(struct stlm_session *s, uint32_t skip,
				 uint8_t *ids, size_t max);
int scmi_cmd_tlm_version(struct stlm_session *s, uint32_t *ret);
/* PROTOCOL_MESSAGE_ATTRIBUTES of message msg: 0 when implemented. */
int scmi_cmd_tlm_msg_attrs(struct stlm_session *s, uint32_t msg);
int scmi_cmd_tlm_negotiate(struct stlm_session *s, uint32_t version);
int scmi_cmd_tlm_attrs(struct stlm_session *s, struct scmi_tlm_attrs *ret);
/* One LIST_UPDATE_INTERVALS page into page[cap]: the count. */
int scmi_cmd_tlm_intervals(struct stlm_session *s, uint8_t selector,
			   uint32_t group, uint32_t index,
			   struct scmi_tlm_intervals_page *ret,
			   struct scmi_tlm_interval *page, size_t cap);
/* One LIST_SHMTI page into d[cap]: the count, its list header. */
int scmi_cmd_tlm_list_shmti(struct stlm_session *s, uint32_t index,
			    struct scmi_list_hdr *h,
			    struct scmi_tlm_shmti_desc *d, size_t cap);
/* One DE_DESCRIPTION page into d[cap]: the count. Decoder errors are
 * returned as decoded (*ret_decode set), for the caller's log line. */
int scmi_cmd_tlm_de_description(struct stlm_session *s, uint32_t index,
				struct scmi_list_hdr *h,
				struct scmi_tlm_de_desc *d, size_t cap,
				bool *ret_decode);
/* One DE_ENABLED_LIST page into page[cap]: the count. Decoder errors come
 * back as decoded with *ret_decode set. */
int scmi_cmd_tlm_enabled_list(struct stlm_session *s, uint32_t index,
			      struct scmi_list_hdr *h,
			      struct scmi_tlm_enabled_entry *page, size_t cap,
			      bool *ret_decode);
/* CONFIG_GET (decoder errors as decoded, not mapped). */
int scmi_cmd_tlm_config_get(struct stlm_session *s, uint8_t selector,
			    uint32_t group, struct scmi_tlm_config_get_resp *ret);
int scmi_cmd_tlm_config_set(struct stlm_session *s,
			    const struct scmi_tlm_config_set_req *q);
int scmi_cmd_tlm_de_configure(struct stlm_session *s,
			      const struct scmi_tlm_de_configure_req *q,
			      struct scmi_tlm_de_configure_resp *ret);
/* DE_CONFIGURE disable_all: the status only (as Linux). */
int scmi_cmd_tlm_disable_all(struct stlm_session *s);
int scmi_cmd_tlm_reset(struct stlm_session *s);
/* CONFIG_SET single sample: the raw payloads (backend single_sample op). */
int scmi_cmd_tlm_single_sample(struct stlm_session *s, uint8_t *resp,
			       size_t resp_cap, uint8_t *dresp,
			       size_t dresp_cap, int *ret_dlen);

/* scmi-discover.c */
void scmi_info_from_attrs(struct stlm_platform_info *info,
			  const struct scmi_tlm_attrs *a);
int scmi_base_discover(struct stlm_session *s, struct stlm_platform_info *info);
int scmi_tlm_discover(struct stlm_session *s, struct stlm_platform_info *info);
/* PROTOCOL_ATTRIBUTES with the DE/group count limits checked. */
int scmi_tlm_attrs(struct stlm_session *s, struct scmi_tlm_attrs *ret);
int scmi_list_intervals(struct stlm_session *s, uint8_t selector,
			uint32_t group, struct scmi_tlm_interval **ret_raw,
			struct stlm_interval **ret_v, size_t *ret_n,
			bool *ret_range);
/* Everything but the current state, into a new table. */
int scmi_discover_table(struct stlm_session *s,
			const struct stlm_platform_info *info,
			struct stlm_table **ret);
int scmi_learn_state(struct stlm_session *s, struct stlm_table *tb,
		     bool clear_msgs, bool *ret_changed);
/* The backend's discover op (disc_lock held). */
int scmi_discover(struct stlm_session *s);

/**
 * struct scmi_place - a DE line found by a scan
 * @idx:  DE index in its table
 * @si:   SHMTI index
 * @off:  line offset
 * @blk:  BLK_TS line offset (USE_BLK_TS lines), else 0
 * @ts:   the line carries a timestamp (TS_VALID or USE_BLK_TS)
 */
struct scmi_place {
	uint32_t idx;
	uint32_t si;
	uint32_t off;
	uint32_t blk;
	bool ts;
};

struct scmi_place_vec {
	struct scmi_place *v;
	size_t n;
	size_t cap;
	uint32_t dev;	/* deviations stepped over (lib/proto/scmi.h) */
};

/*
 * One consistent pass over SHMTI si, appending every valid data line of a
 * known (non-FastChannel) DE. -EAGAIN when no consistent pass was seen,
 * -ENODEV for an unusable area.
 */
int scmi_scan_shmti(struct stlm_table *tb, uint32_t si,
		    struct scmi_place_vec *pv);

/* scmi-config.c */
int scmi_configure(struct stlm_session *s, struct stlm_batch_item *items,
		   size_t n);
int scmi_coll_set(struct stlm_session *s, uint32_t group, bool enable,
		  int mode, uint64_t interval_ns);
int scmi_coll_get(struct stlm_session *s, uint32_t group,
		  struct stlm_collection *ret);
int scmi_reset(struct stlm_session *s);
int scmi_group_intervals(struct stlm_session *s, uint32_t group,
			 struct stlm_group_iv *ret);

/* scmi-recover.c: the resync op. */
void scmi_resync(struct stlm_session *s);

#endif /* STLM_LIB_BACKEND_SCMI_BACKEND_H */
