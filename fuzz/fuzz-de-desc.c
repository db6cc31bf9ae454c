// SPDX-License-Identifier: MIT
/*
 * Copyright (c) 2026 The stlm authors
 *
 * DE descriptors (§5): the variable-length descriptor on its own, and the
 * same bytes as a whole DE_DESCRIPTION reply (status, counter word, then
 * packed descriptors, §4.6).
 *
 * Checks: the decoded size is what the descriptor announces and fits the
 * input; re-encoding gives the same bytes (a name is compared up to its
 * NUL) and decodes to the same struct; a reply page round-trips likewise.
 */
#include <stdbool.h>

#include "fuzz.h"
#include "scmi.h"
#include "telemetry.h"

#define MAX_DESC (FUZZ_MAX_MSG / SCMI_TLM_DE_DESC_FIXED_SIZE)

static struct scmi_tlm_de_desc desc[MAX_DESC], desc2[MAX_DESC];
static uint8_t out[FUZZ_MAX_MSG + 64];

static void fuzz_one_desc(const uint8_t *data, size_t size)
{
	struct scmi_tlm_de_desc a, b;
	uint8_t buf[SCMI_TLM_DE_DESC_MAX_SIZE];
	size_t canon;
	int n, len;

	memset(&a, 0, sizeof(a));
	memset(&b, 0, sizeof(b));
	n = scmi_tlm_de_desc_decode(data, size, &a);
	if (n < 0)
		return;
	fuzz_check(n >= SCMI_TLM_DE_DESC_FIXED_SIZE &&
		   n <= SCMI_TLM_DE_DESC_MAX_SIZE && (size_t)n <= size);
	fuzz_check(scmi_tlm_de_desc_size(&a) == (size_t)n);
	fuzz_check(a.ts_support <= SCMI_TLM_TS_BLOCK);
	fuzz_check(memchr(a.name, '\0', sizeof(a.name)) != NULL);
	if (!a.has_name)
		fuzz_check(a.name[0] == '\0');

	len = scmi_tlm_de_desc_encode(&a, buf, sizeof(buf));
	fuzz_check(len == n);
	/* Bytes after the name's NUL are not part of the descriptor's value. */
	canon = (size_t)n;
	if (a.has_name)
		canon = (size_t)n - SCMI_TLM_DE_NAME_LEN + strlen(a.name) + 1;
	fuzz_check(!memcmp(buf, data, canon));
	fuzz_check(scmi_tlm_de_desc_decode(buf, (size_t)len, &b) == n);
	fuzz_check(fuzz_de_desc_eq(&a, &b));

	/* Too small an output buffer is refused, never overrun. */
	fuzz_check(scmi_tlm_de_desc_encode(&a, buf, (size_t)n - 1) == -ENOSPC);
}

static void fuzz_description(const uint8_t *data, size_t size)
{
	struct scmi_list_hdr h = { 0 }, h2 = { 0 };
	size_t packed = 0, total = 8;
	int num, len;

	memset(desc, 0, sizeof(desc));
	memset(desc2, 0, sizeof(desc2));
	num = scmi_tlm_de_description_resp_decode(data, size, &h, desc,
						  MAX_DESC);
	if (num < 0)
		return;
	fuzz_check(h.returned == (uint32_t)num);
	/* More descriptors than the caller's array holds: -E2BIG. */
	if (num > 1)
		fuzz_check(scmi_tlm_de_description_resp_decode(data, size, &h2,
				desc2, 1) == -E2BIG);
	(void)scmi_list_check(&h, 0, 0);
	for (int i = 0; i < num; i++)
		total += scmi_tlm_de_desc_size(&desc[i]);
	/* The page is exactly status + counter + the descriptors. */
	fuzz_check(total == size);
	if (num == 0)
		return;

	len = scmi_tlm_de_description_resp_encode(desc, (size_t)num, out,
						  sizeof(out), &packed);
	fuzz_check(len == (int)size && packed == (size_t)num);
	memset(desc2, 0, sizeof(desc2));
	fuzz_check(scmi_tlm_de_description_resp_decode(out, (size_t)len, &h2,
			desc2, MAX_DESC) == num);
	fuzz_check(h2.returned == (uint32_t)num && h2.remaining == 0);
	for (int i = 0; i < num; i++)
		fuzz_check(fuzz_de_desc_eq(&desc[i], &desc2[i]));

	/* A page cut short of its last byte is refused. */
	fuzz_check(scmi_tlm_de_description_resp_decode(out, (size_t)len - 1,
			&h2, desc2, MAX_DESC) < 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > FUZZ_MAX_MSG)
		return 0;
	fuzz_one_desc(data, size);
	fuzz_description(data, size);
	return 0;
}
