/* SPDX-License-Identifier: MIT */
/*
 * Copyright (c) 2026 The stlm authors
 *
 * libstlm internals: how the session core reaches a platform. Never
 * installed.
 *
 * A session is opened on one backend, chosen by the URI scheme:
 *  - stlm__backend_scmi:   direct SCMI over an agent transport (unix:,
 *                          tcp:, shm:, raw:; lib/backend/scmi*.c)
 *  - stlm__backend_stlmd:  a running stlmd's client socket (stlmd:;
 *                          lib/backend/stlmd.c, docs/daemon-protocol.md)
 *  - stlm__backend_stlmfs: an STLMFS v4 tree (stlmfs:;
 *                          lib/backend/stlmfs*.c, docs/stlmfs-backend.md)
 *  - stlm__backend_chardev: the kernel's character device /dev/scmi/tlm_N
 *                          (chardev:; lib/backend/chardev*.c, docs/chardev.md)
 *
 * Each implements one const struct stlm_backend_ops; the core (session.c,
 * table.c, snapshot.c, de.c, event.c) calls only through it and never
 * tests which backend it runs on. A backend keeps its private state behind
 * s->be and fills the session's shared data model: s->info, the DE table
 * (struct stlm_table, built and published with the table services below),
 * the memory mapping s->mem / s->mem_size (SHMTIs, FastChannels) and the
 * DE state (enabled, placement, message cache) under s->lock.
 *
 * The second half of this header lists the core services a backend may
 * call.
 */
#ifndef STLM_LIB_BACKEND_H
#define STLM_LIB_BACKEND_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stlm/stlm.h>

struct stlm_session;
struct stlm_table;
struct stlm_group_iv;
struct scmi_tlm_de_desc;

/**
 * struct stlm_buf - a buffer that only grows, owned by the caller
 * (a snapshot's single-sample reply buffer)
 */
struct stlm_buf {
	uint8_t *p;
	size_t cap;
};

/*
 * Values of this backend come from bulk reads, not from messages: no
 * MESSAGE flag on the samples, a timestamp of 0 means none, and a DE
 * without a value reads DISABLED while collection is off (stlmfs:).
 */
#define STLM_BACKEND_BULK_VALUES	(1u << 0)

/**
 * struct stlm_backend_ops - one backend
 * @name:      for log lines
 * @flags:     STLM_BACKEND_* (read on the snapshot path: no call)
 * @open:      set up s->be for uri and learn the platform: s->info always;
 *             the DE table too, unless @discover does it later (lazy
 *             discovery). Called once; on failure the core calls @close.
 * @close:     stop every thread and free s->be (tolerates a half-built
 *             or NULL s->be). The core then unmaps s->mem and frees the
 *             tables.
 * @discover:  build and install the DE table (lazy discovery); called with
 *             s->disc_lock held while s->discovered is false. NULL: the
 *             table is installed by @open, so s->discovery_error is
 *             returned.
 * @configure: apply n DE/group/all changes (stlm_batch_apply() semantics:
 *             the number of failed items, each item's status set, or a
 *             negative errno when nothing could be tried).
 * @coll_set:  stlm_collection_set() after the argument checks
 * @coll_get:  stlm_collection_get() after the argument checks
 * @reset:     stlm_reset() after the capability check
 * @group_intervals: fetch the interval list of a group (ret->raw, ->v,
 *             ->n, ->range allocated for the core's cache); -ENOENT,
 *             -EOPNOTSUPP as stlm__group_intervals()
 * @resync:    a snapshot lost a placement: re-learn the state (NULL: no
 *             placements to lose)
 * @single_sample: one single-sample exchange; the raw reply payloads
 *             (status first) into resp and dresp, *ret_dlen the delayed
 *             payload's length; returns the response length or -errno.
 *             NULL: -EOPNOTSUPP.
 * @fetch:     called once at the start of every snapshot take, before the
 *             plan is read: fail the take (e.g. the channel is gone), do
 *             the single sample (flags & STLM_TAKE_SINGLE_SAMPLE, through
 *             stlm__single_sample_take()) or fill the message cache of the
 *             selection (ids NULL: every DE). buf is the snapshot's.
 * @state:     READY or LOST (sticky) and the error that lost it
 * @mem_open:  a new O_RDONLY|O_CLOEXEC fd of the memory file behind
 *             s->mem (for an owner that hands it out), or -errno. NULL:
 *             -ENOENT.
 * @release:   give up the platform channel now (the owner retired a LOST
 *             session that other threads may still use): every later call
 *             fails, the state stays LOST, the object stays valid until
 *             close. NULL: the backend holds no agent channel.
 */
struct stlm_backend_ops {
	const char *name;
	unsigned int flags;
	int (*open)(struct stlm_session *s, const char *uri);
	void (*close)(struct stlm_session *s);
	int (*discover)(struct stlm_session *s);
	int (*configure)(struct stlm_session *s, struct stlm_batch_item *items,
			 size_t n);
	int (*coll_set)(struct stlm_session *s, uint32_t group, bool enable,
			int mode, uint64_t interval_ns);
	int (*coll_get)(struct stlm_session *s, uint32_t group,
			struct stlm_collection *ret);
	int (*reset)(struct stlm_session *s);
	int (*group_intervals)(struct stlm_session *s, uint32_t group,
			       struct stlm_group_iv *ret);
	void (*resync)(struct stlm_session *s);
	int (*single_sample)(struct stlm_session *s, uint8_t *resp,
			     size_t resp_cap, uint8_t *dresp, size_t dresp_cap,
			     int *ret_dlen);
	int (*fetch)(struct stlm_session *s, unsigned int flags,
		     const uint32_t *ids, size_t n, struct stlm_buf *buf);
	enum stlm_state (*state)(struct stlm_session *s, int *ret_err);
	int (*mem_open)(struct stlm_session *s);
	void (*release)(struct stlm_session *s);
	/*
	 * One raw command exchange (stlm_check_run()): request payload in,
	 * reply payload from the status word out; with @dresp, also waits
	 * for the delayed response. Returns the reply length or -errno.
	 * NULL: the backend does not speak SCMI itself.
	 */
	int (*xfer)(struct stlm_session *s, uint8_t proto, uint8_t id,
		    const void *req, size_t req_len, uint8_t *resp,
		    size_t resp_cap, uint8_t *dresp, size_t dresp_cap,
		    int *ret_dlen);
};

extern const struct stlm_backend_ops stlm__backend_scmi;
extern const struct stlm_backend_ops stlm__backend_stlmd;
extern const struct stlm_backend_ops stlm__backend_stlmfs;
extern const struct stlm_backend_ops stlm__backend_chardev;

/*
 * The backend of a URI (backend.c): its scheme picks the ops table; 0 or
 * the URI parse error (-EINVAL...). Called by the core at open.
 */
int stlm__backend_select(const char *uri,
			 const struct stlm_backend_ops **ret);

/* ------------------------------------------------------------------ */
/* Core services for backends                                          */

/* Log through the session's callback (never prints). */
void stlm__log(struct stlm_session *s, int level, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/*
 * Count the deviations in @mask (bit k = enum stlm_deviation k, the same
 * numbering as lib/proto/scmi.h SCMI_DEV_*) that a tolerant decoder
 * stepped over in @where ("DE_DESCRIPTION"); logs each kind once per
 * session. Any thread, any lock held.
 */
void stlm__deviation(struct stlm_session *s, uint32_t mask, const char *where);

/*
 * Is iv one of the listed intervals v[0..n) (a range: min, max, step)? A
 * discrete list's own tuple replaces iv, so that it is written back as the
 * platform listed it (e.g. "10,-3" rather than "1,-2").
 */
struct scmi_tlm_interval;
bool stlm__interval_listed(const struct stlm_interval *v, size_t n, bool range,
			   struct scmi_tlm_interval *iv);

/* The public form of a protocol interval (secs, exp, and its ns). */
void stlm__interval_fill(struct stlm_interval *v,
			 const struct scmi_tlm_interval *w);

/*
 * A table from n_des descriptors (checked: group ids, duplicates;
 * FastChannels mapped from s->mem), with the group lists. SHMTIs and
 * intervals are left to the caller. With s->lock not held.
 */
int stlm__table_build(struct stlm_session *s, const struct scmi_tlm_de_desc *d,
		      uint32_t n_des, uint32_t n_groups,
		      struct stlm_table **ret);
/* Publish tb (retiring the current table), under s->lock (taken here). */
void stlm__table_install(struct stlm_session *s, struct stlm_table *tb);
/* As stlm__table_install() with s->lock held. */
void stlm__table_install_locked(struct stlm_session *s, struct stlm_table *tb);
void stlm__table_free(struct stlm_table *tb);
/* Index of DE id in table tb (any table, current or being built), or
 * -ENOENT. */
int stlm__table_lookup(const struct stlm_table *tb, uint32_t id);
/* The current table (acquire load; no lock needed). */
struct stlm_table *stlm__table_get(const struct stlm_session *s);
/* s->mem + addr when [addr, addr + len) lies inside the memory mapping,
 * else NULL. */
const uint8_t *stlm__mem_area(const struct stlm_session *s, uint64_t addr,
			      uint64_t len);

/* Index of DE id in the current table, or -ENOENT. */
int stlm__de_index(const struct stlm_session *s, uint32_t id);
/* Decode a raw value of DE de as the public API does (sign, 10^unit_exp). */
double stlm__de_value(const struct stlm_de *de, uint64_t raw);
/* raw masked to the DE's data_size (1..7 bytes), else unchanged. */
uint64_t stlm__de_raw(const struct stlm_de *de, uint64_t raw);

/*
 * Message cache: data lines from a notification or single sample (walked
 * with tdcf_msg_line_next(), bounded by nbytes). Updates msg_raw/msg_ts/
 * msg_valid/msg_seq of each known DE under s->lock; for a notification
 * also queues one UPDATE event with copies of the samples. Called without
 * s->lock.
 */
void stlm__ingest_lines(struct stlm_session *s, const uint8_t *lines,
			size_t nbytes, bool notification);
/*
 * The single sample of a snapshot take: @single_sample of the session's
 * backend into buf, then the READING_COMPLETE decoded and its lines
 * ingested. 0 or -errno.
 */
int stlm__single_sample_take(struct stlm_session *s, struct stlm_buf *buf);

/* Queue an event (copies ev->samples); may be called with s->lock held. */
void stlm__event_push(struct stlm_session *s, const struct stlm_event *ev);
/* Bump the generation and queue a GENERATION event. Called with s->lock. */
void stlm__generation_bump(struct stlm_session *s);
/* The same, taking s->lock. */
void stlm__generation_bump_unlocked(struct stlm_session *s);

/* Apply a matching catalog after a (re-)discovery (unless
 * opts.no_catalog); disc_lock held, s->lock not. */
void stlm__catalog_apply(struct stlm_session *s);

#endif /* STLM_LIB_BACKEND_H */
