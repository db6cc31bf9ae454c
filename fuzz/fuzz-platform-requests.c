// SPDX-License-Identifier: MIT
/*
 * Copyright (c) 2026 The stlm authors
 *
 * Platform side: every request decoder the emulator runs on what an agent
 * sends (Base and Telemetry).
 *
 * Input: byte 0 selects the decoder (bits [5:0], see enum below; values past
 * the end are ignored so the corpus stays valid when a decoder is added);
 * the rest is the request payload (the parameters after the header).
 *
 * Checks: a request decoder only answers 0, -EPROTO (wrong length: the
 * platform sends PROTOCOL_ERROR) or -EINVAL (bad field: INVALID_PARAMETERS),
 * and that errno maps to the matching status; a decoded request re-encodes
 * to a payload that decodes to the same struct.
 */
#include <stdbool.h>

#include "base.h"
#include "fuzz.h"
#include "scmi.h"
#include "telemetry.h"

enum {
	SEL_EMPTY,
	SEL_U32,
	SEL_BASE_NOTIFY_ERRORS,
	SEL_TLM_INTERVALS,
	SEL_TLM_DE_CONFIGURE,
	SEL_TLM_ENABLED,
	SEL_TLM_CONFIG_SET,
	SEL_TLM_CONFIG_GET,
	SEL_TLM_RESET,
	SEL_MAX,
};

static uint8_t out[64];

static void check_verdict(int rc)
{
	fuzz_check(rc == 0 || rc == -EPROTO || rc == -EINVAL);
	if (rc == -EPROTO)
		fuzz_check(scmi_errno_to_status(rc) == SCMI_PROTOCOL_ERROR);
	else if (rc == -EINVAL)
		fuzz_check(scmi_errno_to_status(rc) ==
			   SCMI_INVALID_PARAMETERS);
}

static void fuzz_empty(const uint8_t *p, size_t n)
{
	int rc = scmi_empty_req_decode(p, n);

	check_verdict(rc);
	fuzz_check((rc == 0) == (n == 0));
}

static void fuzz_u32(const uint8_t *p, size_t n)
{
	uint32_t v = 0, v2 = 0;
	int rc, len;

	rc = scmi_u32_req_decode(p, n, &v);
	check_verdict(rc);
	if (rc < 0)
		return;
	len = scmi_u32_req_encode(v, out, sizeof(out));
	fuzz_check(len == 4);
	fuzz_check(scmi_u32_req_decode(out, (size_t)len, &v2) == 0);
	fuzz_check(v == v2 && v == scmi_get_le32(p));
}

static void fuzz_notify_errors(const uint8_t *p, size_t n)
{
	bool en = false, en2 = false;
	int rc, len;

	rc = scmi_base_notify_errors_req_decode(p, n, &en);
	check_verdict(rc);
	if (rc < 0)
		return;
	len = scmi_base_notify_errors_req_encode(en, out, sizeof(out));
	fuzz_check(len == 4);
	fuzz_check(scmi_base_notify_errors_req_decode(out, (size_t)len, &en2) ==
		   0);
	fuzz_check(en == en2);
}

static void fuzz_intervals(const uint8_t *p, size_t n)
{
	struct scmi_tlm_intervals_req a, b;
	int rc, len;

	memset(&a, 0, sizeof(a));
	memset(&b, 0, sizeof(b));
	rc = scmi_tlm_intervals_req_decode(p, n, &a);
	check_verdict(rc);
	if (rc < 0)
		return;
	fuzz_check(a.selector <= SCMI_TLM_SEL_ALL);
	len = scmi_tlm_intervals_req_encode(&a, out, sizeof(out));
	fuzz_check(len == 12);
	fuzz_check(scmi_tlm_intervals_req_decode(out, (size_t)len, &b) == 0);
	fuzz_check(a.index == b.index && a.group_id == b.group_id &&
		   a.selector == b.selector);
}

static void fuzz_de_configure(const uint8_t *p, size_t n)
{
	struct scmi_tlm_de_configure_req a, b;
	int rc, len;

	memset(&a, 0, sizeof(a));
	memset(&b, 0, sizeof(b));
	rc = scmi_tlm_de_configure_req_decode(p, n, &a);
	check_verdict(rc);
	if (rc < 0)
		return;
	fuzz_check(a.mode <= SCMI_TLM_DE_ENABLE_TS);
	fuzz_check(!a.disable_all || a.mode == SCMI_TLM_DE_DISABLE);
	len = scmi_tlm_de_configure_req_encode(&a, out, sizeof(out));
	fuzz_check(len == 8);
	fuzz_check(scmi_tlm_de_configure_req_decode(out, (size_t)len, &b) ==
		   0);
	fuzz_check(a.id == b.id && a.mode == b.mode &&
		   a.disable_all == b.disable_all && a.group == b.group);
}

static void fuzz_enabled(const uint8_t *p, size_t n)
{
	struct scmi_tlm_enabled_req a, b;
	int rc, len;

	memset(&a, 0, sizeof(a));
	memset(&b, 0, sizeof(b));
	rc = scmi_tlm_enabled_req_decode(p, n, &a);
	check_verdict(rc);
	if (rc < 0)
		return;
	len = scmi_tlm_enabled_req_encode(&a, out, sizeof(out));
	fuzz_check(len == 8);
	fuzz_check(scmi_tlm_enabled_req_decode(out, (size_t)len, &b) == 0);
	fuzz_check(a.index == b.index && a.groups == b.groups);
}

static void fuzz_config_set(const uint8_t *p, size_t n)
{
	struct scmi_tlm_config_set_req a, b;
	int rc, len;

	memset(&a, 0, sizeof(a));
	memset(&b, 0, sizeof(b));
	rc = scmi_tlm_config_set_req_decode(p, n, &a);
	check_verdict(rc);
	if (rc < 0)
		return;
	fuzz_check(a.selector <= SCMI_TLM_SEL_ALL);
	fuzz_check(!a.enable || a.mode <= SCMI_TLM_MODE_SINGLE);
	/* An interval that is not meaningful decodes as {0, 0}. */
	if (!a.enable || a.mode == SCMI_TLM_MODE_SINGLE)
		fuzz_check(a.interval.secs == 0 && a.interval.exp == 0);
	len = scmi_tlm_config_set_req_encode(&a, out, sizeof(out));
	/* A disabled request may carry a mode the encoder refuses. */
	if (len < 0 && a.mode > SCMI_TLM_MODE_SINGLE)
		return;
	fuzz_check(len == 12);
	fuzz_check(scmi_tlm_config_set_req_decode(out, (size_t)len, &b) == 0);
	fuzz_check(a.group_id == b.group_id && a.enable == b.enable &&
		   a.mode == b.mode && a.selector == b.selector &&
		   a.interval.secs == b.interval.secs &&
		   a.interval.exp == b.interval.exp);
}

static void fuzz_config_get(const uint8_t *p, size_t n)
{
	struct scmi_tlm_config_get_req a, b;
	int rc, len;

	memset(&a, 0, sizeof(a));
	memset(&b, 0, sizeof(b));
	rc = scmi_tlm_config_get_req_decode(p, n, &a);
	check_verdict(rc);
	if (rc < 0)
		return;
	fuzz_check(a.selector <= SCMI_TLM_SEL_ALL);
	len = scmi_tlm_config_get_req_encode(&a, out, sizeof(out));
	fuzz_check(len == 8);
	fuzz_check(scmi_tlm_config_get_req_decode(out, (size_t)len, &b) == 0);
	fuzz_check(a.group_id == b.group_id && a.selector == b.selector);
}

static void fuzz_reset(const uint8_t *p, size_t n)
{
	int rc, len;

	rc = scmi_tlm_reset_req_decode(p, n);
	check_verdict(rc);
	if (rc < 0)
		return;
	len = scmi_tlm_reset_req_encode(out, sizeof(out));
	fuzz_check(len == 4);
	fuzz_check(scmi_tlm_reset_req_decode(out, (size_t)len) == 0);
	fuzz_check(!memcmp(out, p, 4));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *p;
	size_t n;

	if (size < 1 || size > FUZZ_MAX_MSG + 1)
		return 0;
	p = data + 1;
	n = size - 1;

	switch (data[0] & 0x3F) {
	case SEL_EMPTY:
		fuzz_empty(p, n);
		break;
	case SEL_U32:
		fuzz_u32(p, n);
		break;
	case SEL_BASE_NOTIFY_ERRORS:
		fuzz_notify_errors(p, n);
		break;
	case SEL_TLM_INTERVALS:
		fuzz_intervals(p, n);
		break;
	case SEL_TLM_DE_CONFIGURE:
		fuzz_de_configure(p, n);
		break;
	case SEL_TLM_ENABLED:
		fuzz_enabled(p, n);
		break;
	case SEL_TLM_CONFIG_SET:
		fuzz_config_set(p, n);
		break;
	case SEL_TLM_CONFIG_GET:
		fuzz_config_get(p, n);
		break;
	case SEL_TLM_RESET:
		fuzz_reset(p, n);
		break;
	default:
		break;
	}
	return 0;
}
