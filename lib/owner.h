/* SPDX-License-Identifier: MIT */
/*
 * Copyright (c) 2026 The stlm authors
 *
 * libstlm's private interface for the owner of the platform channel.
 * Never installed.
 *
 * stlmd owns the platform's single agent channel through one session and
 * serves it to other programs (docs/daemon-protocol.md). Besides the
 * public API (<stlm/stlm.h>) it needs a few things no other program does,
 * and only these:
 *  - the discovered tables as the session holds them: DE descriptors and
 *    DE states (enable state and line placement) by page, the SHMTI list;
 *  - a read-only fd of the memory file the session mapped, for clients to
 *    map the same SHMTIs;
 *  - a client's single-sample request forwarded to the platform, whose
 *    raw replies the client decodes itself; the library builds the
 *    command;
 *  - releasing the channel of a session the owner retired (the platform
 *    was lost) while other threads may still hold the session, so a new
 *    session can claim the platform.
 * Everything else (counts, intervals, collection, DE configuration,
 * events, the session's state) goes through the public API.
 *
 * Functions return >= 0 on success and a negative errno, as the public
 * API does (docs/api.md "Errors"); none prints. The types here carry no
 * wire layout: the owner copies them into its own protocol.
 */
#ifndef STLM_LIB_OWNER_H
#define STLM_LIB_OWNER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stlm/stlm.h>

/* A DE's line lives in no SHMTI (disabled, FastChannel, message-only). */
#define STLM_OWNER_SHMTI_NONE 0xFFFFFFFFu

/**
 * struct stlm_owner_de - one DE descriptor as discovered (the fields of a
 * DE_DESCRIPTION entry)
 * @name: NUL-terminated; empty without @has_name
 */
struct stlm_owner_de {
	uint32_t id;
	uint32_t group_id;
	uint32_t data_size;
	uint32_t line_ts_rate;
	uint8_t type;
	bool persistent;
	int8_t unit_exp;
	uint8_t unit;
	uint8_t ts_support;
	uint8_t instance_id;
	uint8_t compo_type;
	uint16_t compo_instance;
	bool has_fc;
	uint32_t fc_size;
	uint64_t fc_addr;
	bool has_name;
	char name[16];
};

/**
 * @brief Descriptors of the DEs at indices @p index... (platform order),
 * at most @p max, discovering first if needed.
 * @param ret_total the number of DEs.
 * @return the number filled, -ERANGE if @p index is beyond the last DE,
 *         or the discovery error.
 */
int stlm_owner_des(struct stlm_session *s, uint32_t index,
		   struct stlm_owner_de *ret, uint32_t max,
		   uint32_t *ret_total);

/**
 * struct stlm_owner_de_state - what the session knows of one DE's state
 * @shmti:      index of the SHMTI holding its line, or
 *              STLM_OWNER_SHMTI_NONE
 * @offset:     line offset in that SHMTI
 * @blk_ts_off: BLK_TS line offset (0: the last one before the line)
 */
struct stlm_owner_de_state {
	uint32_t shmti;
	uint32_t offset;
	uint32_t blk_ts_off;
	bool enabled;
	bool ts_enabled;
};

/**
 * @brief States of the DEs at indices @p index..., at most @p max, taken
 * together with the generation they belong to.
 * @param resync    re-learn the placements from the platform first (a
 *                  client found a line missing or moved).
 * @param ret_total the number of DEs.
 * @param ret_gen   the session's generation (stlm_session_generation())
 *                  these states belong to.
 * @return the number filled, -ERANGE if @p index is beyond the last DE,
 *         or the discovery error.
 */
int stlm_owner_de_states(struct stlm_session *s, uint32_t index, bool resync,
			 struct stlm_owner_de_state *ret, uint32_t max,
			 uint32_t *ret_total, uint64_t *ret_gen);

/** struct stlm_owner_shmti - one SHMTI: its id, length and offset in the
 *  memory file (stlm_owner_mem_fd()). */
struct stlm_owner_shmti {
	uint32_t id;
	uint32_t length;
	uint64_t addr;
};

/**
 * @brief The SHMTI list, discovering first if needed.
 * @return the number filled, -E2BIG if there are more than @p max, or the
 *         discovery error.
 */
int stlm_owner_shmtis(struct stlm_session *s, struct stlm_owner_shmti *ret,
		      uint32_t max);

/**
 * @brief A new read-only, close-on-exec fd of the memory file the session
 * mapped (SHMTIs and FastChannels), for a client to map the same areas.
 * The caller owns it.
 * @param ret_size its size in bytes.
 * It is the file the session mapped when it opened, reopened through the
 * descriptor kept since, never by its path again (the path may have been
 * replaced by a symlink or a FIFO since).
 * @return the fd, -ENOENT if the session mapped no memory file (or is not
 *         on an SCMI transport), -ENODEV if it is not a regular file, or
 *         open()'s error.
 */
int stlm_owner_mem_fd(struct stlm_session *s, uint64_t *ret_size);

/**
 * @brief Forward one single-sample request (CONFIG_SET, single sample
 * mode) to the platform and return its raw replies for the requester to
 * decode: the response payload (status first) in @p resp and, when it was
 * SUCCESS, the delayed READING_COMPLETE payload in @p dresp. The library
 * builds the command; the session's own state is not changed.
 * @param ret_dlen the delayed response's length (0: none).
 * @return the response's length, -EOPNOTSUPP if the session's backend
 *         cannot, -EPROTO for a reply longer than its buffer, or the
 *         transport error.
 */
int stlm_owner_single_sample(struct stlm_session *s, void *resp,
			     size_t resp_cap, void *dresp, size_t dresp_cap,
			     size_t *ret_dlen);

/**
 * @brief Give up the platform channel of a session the owner stopped
 * using (its state is LOST) while other threads may still be inside calls
 * on it: every command waiting or to come fails (with the transport
 * failure already recorded, else -ESHUTDOWN), the receive thread stops
 * and the transport is closed, so a new session can claim the platform's
 * agent channel. The session stays a valid object, state LOST, until
 * stlm_session_close(). Idempotent; accepts NULL. Not to be called
 * concurrently with itself or with stlm_session_close() on the same
 * session (stlmd calls it under its own lock).
 */
void stlm_owner_release(struct stlm_session *s);

#endif /* STLM_LIB_OWNER_H */
