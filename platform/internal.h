/* SPDX-License-Identifier: MIT */
/*
 * Copyright (c) 2026 The stlm authors
 *
 * Engine internals shared by platform.c, handlers.c, shmti.c and fault.c.
 *
 * Locking: @lock protects all telemetry state (DE runtime, SHMTI layout,
 * collection config, faults, tick/time). @send_lock serialises calls into
 * the agent's sink, and is never taken while waiting for @lock; messages are
 * built under @lock and sent after dropping it. @agent_lock protects the
 * attached agent pointer and is taken before @send_lock.
 */
#ifndef STLM_PLATFORM_INTERNAL_H
#define STLM_PLATFORM_INTERNAL_H

#include <pthread.h>

#include "gen.h"
#include "platform.h"
#include "server.h"
#include "tdcf.h"

#define STLMP_AGENT_ID 1
#define STLMP_BASE_VERSION 0x00020000u
#define STLMP_MAX_SERVERS 8
#define STLMP_FC_SIZE 16
#define STLMP_BLK_TS_OFF TDCF_HDR_SIZE

/**
 * struct de_rt - runtime state of one DE
 * @enabled:     enabled (individually or through its group)
 * @by_group:    enabled through DE_CONFIGURE selector 1
 * @ts:          timestamps requested and supported
 * @shmti:       SHMTI holding its line, or STLMP_NO_SHMTI
 * @off:         line offset from the SHMTI base
 * @line_len:    16 or 24
 * @slot:        index in that SHMTI's line list
 * @gen:         generator state
 * @value:       last value produced
 * @ts_ticks:    timestamp of the last value (in the DE's clock)
 */
struct de_rt {
	bool enabled;
	bool by_group;
	bool ts;
	uint32_t shmti;
	uint32_t off;
	uint8_t line_len;
	uint32_t slot;
	struct stlmp_gen_state gen;
	uint64_t value;
	uint64_t ts_ticks;
};

/**
 * struct shmti_rt - runtime state of one SHMTI
 * @mem_off:  offset of the area in the memory file
 * @len:      area length
 * @end:      end of the counted line area (offset from the area base)
 * @lines:    DE indexes with a live line here; @n_lines of @cap_lines
 * @torn:     fault: passes left to leave torn
 * @stuck:    fault: leave match_start odd (writer hung)
 * @fixed:    lines at fixed offsets (stlmp_config.shmti_fixed)
 * @blk_ts_off: offset of the BLK_TS line, 0 = none
 * @tmpl:     fixed: the formatted line area [0x10, end) with every line
 *            DATA_INVALID (copied in at every format)
 */
struct shmti_rt {
	size_t mem_off;
	uint32_t len;
	uint32_t end;
	bool fixed;
	uint32_t blk_ts_off;
	uint8_t *tmpl;
	uint32_t *lines;
	uint32_t n_lines;
	uint32_t cap_lines;
	int torn;
	bool stuck;
};

/**
 * struct coll_scope - one collection configuration scope
 * @enabled:  collection on
 * @mode:     enum scmi_tlm_coll_mode (0 or 1 while enabled)
 * @interval: update interval
 * @next_ns:  platform time of the next update
 */
struct coll_scope {
	bool enabled;
	uint8_t mode;
	struct scmi_tlm_interval interval;
	uint64_t next_ns;
};

enum fault_kind {
	FAULT_DELAY,
	FAULT_DROP,
	FAULT_STATUS,
	FAULT_LENGTH,
	FAULT_TOKEN,
	FAULT_RESERVED,
	FAULT_TORN,
	FAULT_STUCK,
	FAULT_RESET,
	FAULT_FLOOD,
	FAULT_LAX,
};

/**
 * struct fault - one injected fault
 * @kind:    enum fault_kind
 * @proto:   protocol filter (-1 any)
 * @msg:     message id filter (-1 any)
 * @after:   matches to let through first
 * @count:   times to fire (-1 forever)
 * @ms:      delay / reset-after time
 * @status:  status to answer
 * @bytes:   length change (may be negative)
 * @shmti:   SHMTI filter (-1 all)
 * @change:  reset also changes the DE set
 * @due_ns:  reset: platform time to fire
 */
struct fault {
	enum fault_kind kind;
	int proto;
	int msg;
	int after;
	int count;
	int ms;
	int32_t status;
	int bytes;
	int shmti;
	bool change;
	uint64_t due_ns;
	struct fault *next;
};

/* A message waiting for the delivery thread. */
struct pending {
	uint64_t due_ns;
	size_t len;
	struct pending *next;
	uint8_t msg[];
};

struct stlmp_agent {
	struct stlmp_platform *p;
	struct stlmp_sink sink;
	bool gone;
};

struct stlmp_server_slot {
	const struct stlmp_server_ops *ops;
	struct stlmp_server *srv;
};

struct stlmp_platform {
	struct stlmp_config *cfg;
	uint32_t orig_n_des;	/* cfg->n_des as created (reset faults shrink it) */
	struct stlmp_opts opts;
	uint64_t seed;

	/* memory file */
	int mem_fd;
	uint8_t *mem;
	size_t mem_size;
	char *mem_path;
	size_t smt_a2p_off;
	size_t smt_p2a_off;
	size_t smt_size;

	pthread_mutex_t lock;
	pthread_mutex_t send_lock;
	pthread_mutex_t agent_lock;

	/* DEs */
	struct de_rt *de;
	uint32_t *hash; /* open addressing: DE index + 1, 0 = empty */
	uint32_t hash_mask;
	bool *group_enabled;
	bool *group_ts;

	/* SHMTIs */
	struct shmti_rt *shmti;

	/* collection: scope 0 = global/orphans, 1 + g = group g */
	struct coll_scope *scope;
	uint32_t n_scopes;

	/* time */
	uint64_t t0_mono_ns;   /* CLOCK_MONOTONIC at platform time 0 */
	uint64_t manual_ns;    /* manual clock */
	uint64_t tick;

	/* faults */
	struct fault *faults;
	uint64_t fault_matches;

	/* agent */
	struct stlmp_agent *agent;

	/* threads */
	pthread_t ticker;
	bool ticker_running;
	pthread_cond_t ticker_cond;
	pthread_t deliver;
	bool deliver_running;
	pthread_cond_t deliver_cond;
	struct pending *pending;
	bool stopping;	    /* under @lock: the ticker exits */
	bool deliver_stop; /* under @agent_lock: delivery exits, no attach */

	struct stlmp_server_slot servers[STLMP_MAX_SERVERS];
	uint32_t n_servers;

	struct stlmp_stats stats;
};

/* platform.c */
uint64_t stlmp_now_ns(struct stlmp_platform *p);
int stlmp_de_index(const struct stlmp_platform *p, uint32_t id);
/* Queue a message for the agent at platform time due_ns (0 = now). */
void stlmp_queue_send(struct stlmp_platform *p, const uint8_t *msg, size_t len,
		      uint64_t due_ns);
/* Send now, from a thread that does not hold p->lock. */
int stlmp_send_now(struct stlmp_platform *p, const uint8_t *msg, size_t len);
/* Reset all telemetry state (RESET command or platform reset). Locked. */
void stlmp_state_reset(struct stlmp_platform *p);
/* Wake the ticker after a configuration change. */
void stlmp_kick(struct stlmp_platform *p);

/* handlers.c */
/*
 * Handle one command. Writes the reply (header + payload) into out and
 * returns its length; *ret_post_len is set to a delayed response length
 * written into post (0 if none). Called with p->lock held.
 */
size_t stlmp_handle(struct stlmp_platform *p, const struct scmi_hdr *h,
		    const uint8_t *payload, size_t len, uint8_t *out,
		    size_t out_cap, uint8_t *post, size_t post_cap,
		    size_t *ret_post_len);

/* shmti.c (all called with p->lock held) */
int stlmp_layout(struct stlmp_platform *p);
void stlmp_shmti_format_all(struct stlmp_platform *p);
/* Enable/disable a DE's placement; fills the DE_CONFIGURE reply fields. */
int stlmp_de_enable(struct stlmp_platform *p, uint32_t idx, bool ts,
		    bool by_group);
int stlmp_de_disable(struct stlmp_platform *p, uint32_t idx);
/* Produce fresh values for the DEs of the due scopes and publish them. */
void stlmp_update_pass(struct stlmp_platform *p, const bool *due,
		       uint64_t now_ns);
/* Scope index of a DE. */
uint32_t stlmp_de_scope(const struct stlmp_platform *p, uint32_t idx);
/* Timestamp of now in the DE's clock. */
uint64_t stlmp_de_ticks(const struct stlmp_platform *p, uint32_t idx,
			uint64_t now_ns);
/* Encode the message line of DE idx into buf; returns 16/24. */
size_t stlmp_msg_line(const struct stlmp_platform *p, uint32_t idx,
		      uint8_t *buf);

/* fault.c */
int stlmp_fault_parse(const char *spec, struct fault *ret, char *err,
		      size_t errlen);
/*
 * Apply command faults to a built reply. Called with p->lock held.
 * Returns the delay in ms (0 none) or -1 to drop; may rewrite the reply.
 */
int stlmp_fault_reply(struct stlmp_platform *p, const struct scmi_hdr *h,
		      uint8_t *reply, size_t *len, size_t cap);
/* SHMTI faults for one pass: returns true if the pass must be left torn
 * (*stuck set when the writer must hang with match_start odd). */
bool stlmp_fault_shmti(struct stlmp_platform *p, uint32_t shmti, bool *stuck);
/* A lax fault is armed: data lines carry reserved metadata bits [31:8]. */
bool stlmp_fault_lax_lines(const struct stlmp_platform *p);
void stlmp_fault_free_all(struct stlmp_platform *p);

#endif /* STLM_PLATFORM_INTERNAL_H */
