/* SPDX-License-Identifier: MIT */
/*
 * Copyright (c) 2026 The stlm authors
 *
 * A minimal test agent: sends SCMI commands built with the codec and waits
 * for the matching response, keeping delayed responses and notifications
 * for later. It runs either in-process (a sink attached directly to the
 * engine) or over any agent transport (unix:, tcp:, shm:, raw:), so the
 * same conformance checks run over every transport.
 *
 * Everything here is ta_ / TA_ (struct ta_agent); tplat.h describes the
 * prefixes of tests/helpers/.
 */
#ifndef STLM_TESTS_TAGENT_H
#define STLM_TESTS_TAGENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "platform.h"
#include "transport.h"

#define TA_MAX_MSG 8192

struct ta_agent;

/* In-process agent on platform p. */
int ta_new_inproc(struct stlmp_platform *p, struct ta_agent **ret);
/* Agent over a transport URI. */
int ta_new_uri(const char *uri, struct ta_agent **ret);
/*
 * ta_new_uri(), then a Telemetry PROTOCOL_VERSION until the platform serves
 * this agent. A platform refuses a new agent until it has noticed the
 * previous one leave (asynchronously): shm: refuses the channel once and
 * every call on it then fails -EBUSY, the socket transports answer
 * SCMI_BUSY. Either way the channel is dropped and claimed again, for at
 * most wait_ms. Returns 0, -EBUSY when the platform stayed busy, or the
 * first other error (a failed PROTOCOL_VERSION gives -EPROTO).
 */
int ta_new_uri_ready(const char *uri, int wait_ms, struct ta_agent **ret);
void ta_free(struct ta_agent *a);

/*
 * Send a command and wait (timeout_ms) for its response. The response
 * payload (status + values) is copied to resp; returns its length or
 * -ETIMEDOUT / -errno. *ret_hdr (optional) receives the response header.
 */
int ta_xfer(struct ta_agent *a, uint8_t proto, uint8_t id, const void *req,
	    size_t req_len, uint8_t *resp, size_t cap, int timeout_ms);
/* Same, sending as an async command (raw: message_async). */
int ta_xfer_async(struct ta_agent *a, uint8_t proto, uint8_t id, const void *req,
		  size_t req_len, uint8_t *resp, size_t cap, int timeout_ms,
		  uint16_t *ret_token);
/* Send raw bytes (header included), no waiting. */
int ta_send_raw(struct ta_agent *a, const void *msg, size_t len);
/*
 * Wait for a message of the given type (SCMI_MSG_DELAYED_RESP or
 * SCMI_MSG_NOTIFICATION) and id; payload to buf; returns its length;
 * *ret_token (optional) the header token.
 */
int ta_wait(struct ta_agent *a, uint8_t type, uint8_t id, uint8_t *buf,
	    size_t cap, int timeout_ms, uint16_t *ret_token);
/* Wait for the next message of any kind (header + payload). */
int ta_next_raw(struct ta_agent *a, uint8_t *buf, size_t cap, int timeout_ms);
/* Drop every queued delayed response and notification. */
void ta_flush(struct ta_agent *a);
/* Last token used. */
uint16_t ta_last_token(const struct ta_agent *a);
/* The memory file path the agent should map ("" if unknown). */
const char *ta_mem_path(const struct ta_agent *a);

#endif
