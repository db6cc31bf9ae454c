// SPDX-License-Identifier: MIT
/*
 * Copyright (c) 2026 The stlm authors
 *
 * What arrives on the P2A channel: the TELEMETRY_UPDATE notification
 * (§4.13), the TELEMETRY_READING_COMPLETE delayed response (§4.10) and the
 * BASE_ERROR_EVENT notification (§2.7). Every decoder runs on the whole
 * input (the payload after the header).
 *
 * Checks: the line and report pointers stay inside the input; the lines are
 * walked with tdcf_msg_line_next() to the end (each data line re-encodes to
 * the same bytes); each decoded message re-encodes and decodes to the same
 * values.
 */
#include <stdbool.h>

#include "base.h"
#include "fuzz.h"
#include "scmi.h"
#include "tdcf.h"
#include "telemetry.h"

#define MAX_REPORTS 1024 /* error_status[9:0] */

static uint8_t out[FUZZ_MAX_MSG + 64];
static uint64_t reports[MAX_REPORTS];

static bool inside(const uint8_t *data, size_t size, const uint8_t *p,
		   size_t n)
{
	return p >= data && n <= size && (size_t)(p - data) <= size - n;
}

static void walk_lines(const struct scmi_tlm_lines *ls)
{
	size_t nbytes = (size_t)ls->num_dwords * 4, off = 0, prev = 0;
	size_t steps = 0;
	struct tdcf_line l;
	int rc;

	if (!nbytes)
		return;
	while ((rc = tdcf_msg_line_next(ls->lines, nbytes, &off, &l)) == 1) {
		uint8_t buf[TDCF_LINE_EXT_SIZE];
		int n;

		fuzz_check(l.type == TDCF_LINE_DATA);
		fuzz_check(off == prev + l.len && off <= nbytes);
		fuzz_check(l.len == tdcf_line_len(l.meta));
		n = tdcf_msg_line_encode(&l, buf, sizeof(buf));
		if (n == -EINVAL) {
			/* §7.4.1: TS_VALID with no timestamp to point at. */
			fuzz_check(l.ts_valid && !l.ext && !l.use_blk_ts);
		} else {
			fuzz_check(n == l.len);
			fuzz_check(!memcmp(buf, ls->lines + prev, (size_t)n));
			fuzz_check(tdcf_msg_line_encode(&l, buf,
					(size_t)n - 1) == -ENOSPC);
		}
		fuzz_check(++steps <= nbytes / TDCF_LINE_SIZE);
		prev = off;
	}
	fuzz_check(rc == 0 || rc == -EBADMSG || rc == -EPROTO);
	if (rc == 0)
		fuzz_check(off == nbytes);
}

static void fuzz_update(const uint8_t *data, size_t size)
{
	struct scmi_tlm_update a, b;
	size_t nbytes;
	int len;

	memset(&a, 0, sizeof(a));
	memset(&b, 0, sizeof(b));
	if (scmi_tlm_update_decode(data, size, &a) < 0)
		return;
	nbytes = (size_t)a.lines.num_dwords * 4;
	fuzz_check(!(a.lines.num_dwords & 1));
	fuzz_check(!nbytes || inside(data, size, a.lines.lines, nbytes));
	fuzz_check(a.status_errno ==
		   scmi_status_to_errno((int32_t)scmi_get_le32(data + 4)));
	walk_lines(&a.lines);

	len = scmi_tlm_update_encode(a.agent_id,
				     (int32_t)scmi_get_le32(data + 4),
				     a.lines.lines, nbytes, out, sizeof(out));
	fuzz_check(len == (int)(12 + nbytes));
	fuzz_check(scmi_tlm_update_decode(out, (size_t)len, &b) == 0);
	fuzz_check(a.agent_id == b.agent_id &&
		   a.status_errno == b.status_errno &&
		   a.lines.num_dwords == b.lines.num_dwords);
	fuzz_check(!nbytes || !memcmp(a.lines.lines, b.lines.lines, nbytes));
}

static void fuzz_reading_complete(const uint8_t *data, size_t size)
{
	struct scmi_tlm_reading_complete a, b;
	int32_t status;
	size_t nbytes;
	int len;

	memset(&a, 0, sizeof(a));
	memset(&b, 0, sizeof(b));
	if (scmi_tlm_reading_complete_decode(data, size, &a) < 0)
		return;
	status = (int32_t)scmi_get_le32(data);
	nbytes = (size_t)a.lines.num_dwords * 4;
	fuzz_check(!(a.lines.num_dwords & 1));
	fuzz_check(!nbytes || inside(data, size, a.lines.lines, nbytes));
	fuzz_check(a.status_errno == scmi_status_to_errno(status));
	fuzz_check(a.partial == (status == SCMI_PARTIAL));
	if (status != SCMI_SUCCESS && status != SCMI_HARDWARE_ERROR &&
	    status != SCMI_PARTIAL)
		fuzz_check(nbytes == 0);
	walk_lines(&a.lines);

	len = scmi_tlm_reading_complete_encode(status, a.lines.lines, nbytes,
					       out, sizeof(out));
	fuzz_check(len == (int)(8 + nbytes));
	fuzz_check(scmi_tlm_reading_complete_decode(out, (size_t)len, &b) ==
		   0);
	fuzz_check(a.status_errno == b.status_errno &&
		   a.partial == b.partial &&
		   a.lines.num_dwords == b.lines.num_dwords);
	fuzz_check(!nbytes || !memcmp(a.lines.lines, b.lines.lines, nbytes));
}

static void fuzz_error_event(const uint8_t *data, size_t size)
{
	struct scmi_base_error_event a, b;
	int len;

	memset(&a, 0, sizeof(a));
	memset(&b, 0, sizeof(b));
	if (scmi_base_error_event_decode(data, size, &a) < 0)
		return;
	fuzz_check(a.count < MAX_REPORTS);
	fuzz_check(size == 8 + 8 * (size_t)a.count);
	if (a.count == 0)
		fuzz_check(a.reports == NULL);
	else
		fuzz_check(inside(data, size, a.reports, 8 * (size_t)a.count));
	for (size_t i = 0; i < a.count; i++)
		reports[i] = scmi_get_le64(a.reports + 8 * i);

	len = scmi_base_error_event_encode(a.agent_id, a.fatal, reports,
					   a.count, out, sizeof(out));
	fuzz_check(len == (int)size);
	fuzz_check(scmi_base_error_event_decode(out, (size_t)len, &b) == 0);
	fuzz_check(a.agent_id == b.agent_id && a.fatal == b.fatal &&
		   a.count == b.count);
	for (size_t i = 0; i < b.count; i++)
		fuzz_check(scmi_get_le64(b.reports + 8 * i) == reports[i]);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > FUZZ_MAX_MSG)
		return 0;
	fuzz_update(data, size);
	fuzz_reading_complete(data, size);
	fuzz_error_event(data, size);
	return 0;
}
