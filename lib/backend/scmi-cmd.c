// SPDX-License-Identifier: MIT
/*
 * Copyright (c) 2026 The stlm authors
 *
 * Every Base and Telemetry command the library sends, one function each:
 * encode the request with lib/proto, transfer it (scmi_xfer()), decode the
 * reply. Nothing else in the library builds a command. Paged lists are
 * fetched one page per call; the paging rules stay with the caller.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "scmi-backend.h"

/* Decoder errors that mean "the platform broke the protocol". */
int scmi_proto_err(int r)
{
	if (r == -EMSGSIZE || r == -E2BIG)
		return -EPROTO;
	return r;
}

/* Report what a tolerant decoder stepped over (lib/proto/scmi.h). */
static void note(struct stlm_session *s, uint32_t dev, uint8_t proto,
		 uint8_t id)
{
	if (dev)
		stlm__deviation(s, dev, proto == SCMI_PROTO_TELEMETRY ?
						scmi_tlm_msg_name(id) :
						"a Base reply");
}

bool scmi_fatal_err(int r)
{
	return r == -ECONNRESET || r == -EBUSY || r == -ENOMEM ||
	       r == -ETIMEDOUT || r == -EPIPE;
}

/* A command with a fixed small reply. */
static int cmd(struct stlm_session *s, uint8_t proto, uint8_t id,
	       const void *req, size_t req_len, uint8_t *resp, size_t cap)
{
	return scmi_xfer(s, proto, id, req, req_len, resp, cap, NULL, 0, NULL);
}

static int tcmd(struct stlm_session *s, uint8_t id, const void *req,
		size_t req_len, uint8_t *resp, size_t cap)
{
	return cmd(s, SCMI_PROTO_TELEMETRY, id, req, req_len, resp, cap);
}

/* A command whose reply is a status and one u32. */
static int u32_cmd(struct stlm_session *s, uint8_t proto, uint8_t id,
		   uint32_t *ret)
{
	uint8_t r[SCMI_SMALL_RESP];
	uint32_t dev = 0;
	int n;

	n = cmd(s, proto, id, NULL, 0, r, sizeof(r));
	if (n < 0)
		return n;
	n = scmi_u32_resp_decode_dev(r, (size_t)n, ret, &dev);
	note(s, dev, proto, id);
	return n < 0 ? scmi_proto_err(n) : 0;
}

/* ------------------------------------------------------------------ */
/* Base protocol                                                       */

int scmi_cmd_base_version(struct stlm_session *s, uint32_t *ret)
{
	return u32_cmd(s, SCMI_PROTO_BASE, SCMI_BASE_PROTOCOL_VERSION, ret);
}

int scmi_cmd_base_attrs(struct stlm_session *s, struct scmi_base_attrs *ret)
{
	uint8_t r[SCMI_SMALL_RESP];
	uint32_t dev = 0;
	int n;

	n = cmd(s, SCMI_PROTO_BASE, SCMI_BASE_PROTOCOL_ATTRIBUTES, NULL, 0, r,
		sizeof(r));
	if (n < 0)
		return n;
	n = scmi_base_attrs_resp_decode_dev(r, (size_t)n, ret, &dev);
	note(s, dev, SCMI_PROTO_BASE, SCMI_BASE_PROTOCOL_ATTRIBUTES);
	return n < 0 ? scmi_proto_err(n) : 0;
}

int scmi_cmd_base_vendor(struct stlm_session *s, bool sub, char *ret)
{
	uint8_t r[SCMI_SMALL_RESP];
	uint32_t dev = 0;
	int n;

	n = cmd(s, SCMI_PROTO_BASE, sub ? SCMI_BASE_DISCOVER_SUB_VENDOR :
					  SCMI_BASE_DISCOVER_VENDOR,
		NULL, 0, r, sizeof(r));
	if (n < 0)
		return n;
	n = scmi_base_name_resp_decode_dev(r, (size_t)n, ret, &dev);
	note(s, dev, SCMI_PROTO_BASE, SCMI_BASE_DISCOVER_VENDOR);
	return n < 0 ? scmi_proto_err(n) : 0;
}

int scmi_cmd_base_impl_version(struct stlm_session *s, uint32_t *ret)
{
	return u32_cmd(s, SCMI_PROTO_BASE,
		       SCMI_BASE_DISCOVER_IMPLEMENTATION_VERSION, ret);
}

int scmi_cmd_base_list_protocols(struct stlm_session *s, uint32_t skip,
				 uint8_t *ids, size_t max)
{
	size_t cap = scmi_be(s)->rx_cap;
	uint8_t q[4], *buf = malloc(cap);
	uint32_t dev = 0;
	int n;

	if (!buf)
		return -ENOMEM;
	scmi_u32_req_encode(skip, q, sizeof(q));
	n = cmd(s, SCMI_PROTO_BASE, SCMI_BASE_DISCOVER_LIST_PROTOCOLS, q,
		sizeof(q), buf, cap);
	if (n >= 0) {
		n = scmi_base_list_protocols_resp_decode_dev(buf, (size_t)n,
							     ids, max, &dev);
		note(s, dev, SCMI_PROTO_BASE,
		     SCMI_BASE_DISCOVER_LIST_PROTOCOLS);
		if (n < 0)
			n = scmi_proto_err(n);
	}
	free(buf);
	return n;
}

/* ------------------------------------------------------------------ */
/* Telemetry protocol                                                  */

int scmi_cmd_tlm_version(struct stlm_session *s, uint32_t *ret)
{
	return u32_cmd(s, SCMI_PROTO_TELEMETRY, SCMI_TLM_PROTOCOL_VERSION, ret);
}

int scmi_cmd_tlm_msg_attrs(struct stlm_session *s, uint32_t msg)
{
	uint8_t r[SCMI_SMALL_RESP], q[4];
	int n;

	scmi_u32_req_encode(msg, q, sizeof(q));
	n = tcmd(s, SCMI_TLM_PROTOCOL_MESSAGE_ATTRIBUTES, q, sizeof(q), r,
		 sizeof(r));
	if (n < 0)
		return n;
	n = scmi_resp_status_errno(r, (size_t)n);
	return n < 0 ? n : 0;
}

int scmi_cmd_tlm_negotiate(struct stlm_session *s, uint32_t version)
{
	uint8_t r[SCMI_SMALL_RESP], q[4];
	uint32_t dev = 0;
	int n;

	scmi_u32_req_encode(version, q, sizeof(q));
	n = tcmd(s, SCMI_TLM_NEGOTIATE_PROTOCOL_VERSION, q, sizeof(q), r,
		 sizeof(r));
	if (n < 0)
		return n;
	n = scmi_status_resp_decode_dev(r, (size_t)n, &dev);
	note(s, dev, SCMI_PROTO_TELEMETRY, SCMI_TLM_NEGOTIATE_PROTOCOL_VERSION);
	return n < 0 ? n : 0;
}

int scmi_cmd_tlm_attrs(struct stlm_session *s, struct scmi_tlm_attrs *ret)
{
	uint8_t r[SCMI_SMALL_RESP];
	uint32_t dev = 0;
	int n;

	n = tcmd(s, SCMI_TLM_PROTOCOL_ATTRIBUTES, NULL, 0, r, sizeof(r));
	if (n < 0)
		return n;
	n = scmi_tlm_attrs_resp_decode_dev(r, (size_t)n, ret, &dev);
	note(s, dev, SCMI_PROTO_TELEMETRY, SCMI_TLM_PROTOCOL_ATTRIBUTES);
	return n < 0 ? scmi_proto_err(n) : 0;
}

int scmi_cmd_tlm_intervals(struct stlm_session *s, uint8_t selector,
			   uint32_t group, uint32_t index,
			   struct scmi_tlm_intervals_page *ret,
			   struct scmi_tlm_interval *page, size_t cap)
{
	struct scmi_tlm_intervals_req q = { .group_id = group,
					    .selector = selector,
					    .index = index };
	size_t bcap = scmi_be(s)->rx_cap;
	uint8_t b[12], *buf = malloc(bcap);
	uint32_t dev = 0;
	int n;

	if (!buf)
		return -ENOMEM;
	scmi_tlm_intervals_req_encode(&q, b, sizeof(b));
	n = tcmd(s, SCMI_TLM_LIST_UPDATE_INTERVALS, b, sizeof(b), buf, bcap);
	if (n >= 0) {
		n = scmi_tlm_intervals_resp_decode_dev(buf, (size_t)n, ret,
						       page, cap, &dev);
		note(s, dev, SCMI_PROTO_TELEMETRY, SCMI_TLM_LIST_UPDATE_INTERVALS);
		if (n < 0)
			n = scmi_proto_err(n);
	}
	free(buf);
	return n;
}

int scmi_cmd_tlm_list_shmti(struct stlm_session *s, uint32_t index,
			    struct scmi_list_hdr *h,
			    struct scmi_tlm_shmti_desc *d, size_t cap)
{
	size_t bcap = scmi_be(s)->rx_cap;
	uint8_t q[4], *buf = malloc(bcap);
	uint32_t dev = 0;
	int n;

	if (!buf)
		return -ENOMEM;
	scmi_u32_req_encode(index, q, sizeof(q));
	n = tcmd(s, SCMI_TLM_LIST_SHMTI, q, sizeof(q), buf, bcap);
	if (n >= 0) {
		n = scmi_tlm_list_shmti_resp_decode_dev(buf, (size_t)n, h, d,
							cap, &dev);
		note(s, dev, SCMI_PROTO_TELEMETRY, SCMI_TLM_LIST_SHMTI);
		if (n < 0)
			n = scmi_proto_err(n);
	}
	free(buf);
	return n;
}

int scmi_cmd_tlm_de_description(struct stlm_session *s, uint32_t index,
				struct scmi_list_hdr *h,
				struct scmi_tlm_de_desc *d, size_t cap,
				bool *ret_decode)
{
	size_t bcap = scmi_be(s)->rx_cap;
	uint8_t q[4], *buf = malloc(bcap);
	uint32_t dev = 0;
	int n;

	*ret_decode = false;
	if (!buf)
		return -ENOMEM;
	scmi_u32_req_encode(index, q, sizeof(q));
	n = tcmd(s, SCMI_TLM_DE_DESCRIPTION, q, sizeof(q), buf, bcap);
	if (n >= 0) {
		n = scmi_tlm_de_description_resp_decode_dev(buf, (size_t)n, h,
							    d, cap, &dev);
		note(s, dev, SCMI_PROTO_TELEMETRY, SCMI_TLM_DE_DESCRIPTION);
		*ret_decode = n < 0;
	}
	free(buf);
	return n;
}

int scmi_cmd_tlm_enabled_list(struct stlm_session *s, uint32_t index,
			      struct scmi_list_hdr *h,
			      struct scmi_tlm_enabled_entry *page, size_t cap,
			      bool *ret_decode)
{
	struct scmi_tlm_enabled_req q = { .index = index };
	size_t bcap = scmi_be(s)->rx_cap;
	uint8_t b[8], *buf = malloc(bcap);
	uint32_t dev = 0;
	int n;

	*ret_decode = false;
	if (!buf)
		return -ENOMEM;
	scmi_tlm_enabled_req_encode(&q, b, sizeof(b));
	n = tcmd(s, SCMI_TLM_DE_ENABLED_LIST, b, sizeof(b), buf, bcap);
	if (n >= 0) {
		n = scmi_tlm_enabled_resp_decode_dev(buf, (size_t)n, h, page,
						     cap, &dev);
		note(s, dev, SCMI_PROTO_TELEMETRY, SCMI_TLM_DE_ENABLED_LIST);
		*ret_decode = n < 0;
	}
	free(buf);
	return n;
}

int scmi_cmd_tlm_config_get(struct stlm_session *s, uint8_t selector,
			    uint32_t group, struct scmi_tlm_config_get_resp *ret)
{
	struct scmi_tlm_config_get_req q = { .group_id = group,
					     .selector = selector };
	uint8_t b[8], r[SCMI_SMALL_RESP];
	uint32_t dev = 0;
	int n;

	scmi_tlm_config_get_req_encode(&q, b, sizeof(b));
	n = tcmd(s, SCMI_TLM_CONFIG_GET, b, sizeof(b), r, sizeof(r));
	if (n < 0)
		return n;
	n = scmi_tlm_config_get_resp_decode_dev(r, (size_t)n, ret, &dev);
	note(s, dev, SCMI_PROTO_TELEMETRY, SCMI_TLM_CONFIG_GET);
	return n < 0 ? n : 0;
}

int scmi_cmd_tlm_config_set(struct stlm_session *s,
			    const struct scmi_tlm_config_set_req *q)
{
	uint8_t b[12], r[SCMI_SMALL_RESP];
	uint32_t dev = 0;
	int n;

	n = scmi_tlm_config_set_req_encode(q, b, sizeof(b));
	if (n < 0)
		return n == -ERANGE ? -ERANGE : -EINVAL;
	n = tcmd(s, SCMI_TLM_CONFIG_SET, b, sizeof(b), r, sizeof(r));
	if (n < 0)
		return n;
	n = scmi_status_resp_decode_dev(r, (size_t)n, &dev);
	note(s, dev, SCMI_PROTO_TELEMETRY, SCMI_TLM_CONFIG_SET);
	return n < 0 ? scmi_proto_err(n) : 0;
}

int scmi_cmd_tlm_de_configure(struct stlm_session *s,
			      const struct scmi_tlm_de_configure_req *q,
			      struct scmi_tlm_de_configure_resp *ret)
{
	uint8_t b[8], r[SCMI_SMALL_RESP];
	uint32_t dev = 0;
	int n;

	scmi_tlm_de_configure_req_encode(q, b, sizeof(b));
	n = tcmd(s, SCMI_TLM_DE_CONFIGURE, b, sizeof(b), r, sizeof(r));
	if (n < 0)
		return n;
	n = scmi_tlm_de_configure_resp_decode_dev(r, (size_t)n, ret, &dev);
	note(s, dev, SCMI_PROTO_TELEMETRY, SCMI_TLM_DE_CONFIGURE);
	return n < 0 ? scmi_proto_err(n) : 0;
}

int scmi_cmd_tlm_disable_all(struct stlm_session *s)
{
	struct scmi_tlm_de_configure_req q = { .disable_all = true };
	uint8_t b[8], r[SCMI_SMALL_RESP];
	int n;

	scmi_tlm_de_configure_req_encode(&q, b, sizeof(b));
	n = tcmd(s, SCMI_TLM_DE_CONFIGURE, b, sizeof(b), r, sizeof(r));
	if (n < 0)
		return n;
	/* Linux ignores whatever follows the status here. */
	n = scmi_resp_status_errno(r, (size_t)n);
	return n < 0 ? n : 0;
}

int scmi_cmd_tlm_reset(struct stlm_session *s)
{
	uint8_t b[4], r[SCMI_SMALL_RESP];
	uint32_t dev = 0;
	int n;

	scmi_tlm_reset_req_encode(b, sizeof(b));
	n = tcmd(s, SCMI_TLM_RESET, b, sizeof(b), r, sizeof(r));
	if (n < 0)
		return n;
	n = scmi_status_resp_decode_dev(r, (size_t)n, &dev);
	note(s, dev, SCMI_PROTO_TELEMETRY, SCMI_TLM_RESET);
	return n < 0 ? scmi_proto_err(n) : 0;
}

int scmi_cmd_tlm_single_sample(struct stlm_session *s, uint8_t *resp,
			       size_t resp_cap, uint8_t *dresp,
			       size_t dresp_cap, int *ret_dlen)
{
	struct scmi_tlm_config_set_req q = {
		.group_id = SCMI_TLM_GROUP_NONE,
		.enable = true,
		.mode = SCMI_TLM_MODE_SINGLE,
		.selector = SCMI_TLM_SEL_ALL,
	};
	uint8_t req[16];
	int n;

	n = scmi_tlm_config_set_req_encode(&q, req, sizeof(req));
	if (n < 0)
		return n;
	return scmi_xfer(s, SCMI_PROTO_TELEMETRY, SCMI_TLM_CONFIG_SET, req,
			 (size_t)n, resp, resp_cap, dresp, dresp_cap, ret_dlen);
}
