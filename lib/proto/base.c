// SPDX-License-Identifier: MIT
/*
 * Copyright (c) 2026 The stlm authors
 *
 * SCMI Base protocol (0x10) codec (§2.7): PROTOCOL_ATTRIBUTES, the vendor
 * strings, DISCOVER_LIST_PROTOCOLS, DISCOVER_AGENT, NOTIFY_ERRORS and the
 * BASE_ERROR_EVENT notification. See base.h and scmi.h.
 */
#include "base.h"

#include <stdint.h>

#define BASE_ATTRS_NUM_PROTOCOLS_MASK	0x000000FFu
#define BASE_ATTRS_NUM_AGENTS_SHIFT	8
#define BASE_ATTRS_NUM_AGENTS_MASK	0x0000FF00u
#define BASE_ATTRS_RSVD_MASK		0xFFFF0000u

#define BASE_NOTIFY_ENABLE		0x00000001u
#define BASE_NOTIFY_RSVD_MASK		0xFFFFFFFEu

#define BASE_ERR_FATAL			0x80000000u
#define BASE_ERR_COUNT_MASK		0x000003FFu
#define BASE_ERR_RSVD_MASK		0x7FFFFC00u

/* Bytes with the status: status + num + ids packed four per word. */
#define LIST_PROTOCOLS_LEN(num)	(8 + 4 * (((uint64_t)(num) + 3) / 4))
/* Most ids one reply can carry: a multiple of 4 whose length fits an int. */
#define LIST_PROTOCOLS_MAX	(((size_t)INT32_MAX - 8) / 4 * 4)

/* status + u32 attributes. */
#define BASE_ATTRS_RESP_LEN	8
/* status + char[16]. */
#define BASE_NAME_RESP_LEN	(4 + SCMI_SHORT_NAME_LEN)
/* status + u32 agent_id + char[16]. */
#define BASE_AGENT_RESP_LEN	(8 + SCMI_SHORT_NAME_LEN)

/*
 * Common prologue of a fixed-size response decoder: an error status is
 * returned as its errno whatever follows it; a SUCCESS reply must be exactly
 * @need bytes long (status included).
 */
static int base_fixed_resp_check(const uint8_t *buf, size_t len, size_t need,
				 uint32_t *dev)
{
	int r;

	r = scmi_resp_status_errno(buf, len);
	if (r < 0)
		return r;
	if (len < need)
		return -EBADMSG;
	if (len > need && !scmi_dev_note(dev, SCMI_DEV_LONG))
		return -EMSGSIZE;
	return 0;
}

static bool base_char_printable(uint8_t c)
{
	return c >= 0x20 && c <= 0x7E;
}

/*
 * Check a C string for a 16-byte name field without reading past the field:
 * at most 15 printable ASCII characters. Returns the length or -ERANGE.
 */
static int base_name_check(const char *name)
{
	size_t n = strnlen(name, SCMI_SHORT_NAME_LEN);
	size_t i;

	if (n >= SCMI_SHORT_NAME_LEN)
		return -ERANGE;
	for (i = 0; i < n; i++)
		if (!base_char_printable((uint8_t)name[i]))
			return -ERANGE;
	return (int)n;
}

/* Write a checked name of length @n into a 16-byte field, NUL-padded. */
static void base_name_put(uint8_t *field, const char *name, size_t n)
{
	memset(field, 0, SCMI_SHORT_NAME_LEN);
	memcpy(field, name, n);
}

/*
 * Copy a 16-byte name field from the wire into @ret (NUL-filled): a NUL
 * within the field and only printable ASCII before it (-EPROTO otherwise).
 * Bytes after the NUL are not looked at. With a deviation sink, like
 * strscpy(): a field without NUL is cut to 15 characters and a
 * non-printable byte reads '?', noted as SCMI_DEV_NAME.
 */
static int base_name_get(const uint8_t *field, char ret[SCMI_SHORT_NAME_LEN],
			 uint32_t *dev)
{
	const uint8_t *nul = memchr(field, 0, SCMI_SHORT_NAME_LEN);
	char tmp[SCMI_SHORT_NAME_LEN];
	size_t n, i;

	if (!nul && !scmi_dev_note(dev, SCMI_DEV_NAME))
		return -EPROTO;
	n = nul ? (size_t)(nul - field) : SCMI_SHORT_NAME_LEN - 1;
	memset(tmp, 0, sizeof(tmp));
	memcpy(tmp, field, n);
	for (i = 0; i < n; i++) {
		if (base_char_printable(field[i]))
			continue;
		if (!scmi_dev_note(dev, SCMI_DEV_NAME))
			return -EPROTO;
		tmp[i] = '?';
	}
	memcpy(ret, tmp, sizeof(tmp));
	return (int)n;
}

int scmi_base_attrs_resp_encode(const struct scmi_base_attrs *a, uint8_t *buf,
				size_t cap)
{
	if (cap < BASE_ATTRS_RESP_LEN)
		return -ENOSPC;
	scmi_put_le32(buf, (uint32_t)SCMI_SUCCESS);
	scmi_put_le32(buf + 4, (uint32_t)a->num_protocols |
			       (uint32_t)a->num_agents
				       << BASE_ATTRS_NUM_AGENTS_SHIFT);
	return BASE_ATTRS_RESP_LEN;
}

int scmi_base_attrs_resp_decode(const uint8_t *buf, size_t len,
				struct scmi_base_attrs *ret)
{
	return scmi_base_attrs_resp_decode_dev(buf, len, ret, NULL);
}

int scmi_base_attrs_resp_decode_dev(const uint8_t *buf, size_t len,
				    struct scmi_base_attrs *ret, uint32_t *dev)
{
	uint32_t v;
	int r;

	r = base_fixed_resp_check(buf, len, BASE_ATTRS_RESP_LEN, dev);
	if (r < 0)
		return r;
	v = scmi_get_le32(buf + 4);
	if ((v & BASE_ATTRS_RSVD_MASK) && !scmi_dev_note(dev, SCMI_DEV_RSVD))
		return -EPROTO;
	ret->num_protocols = v & BASE_ATTRS_NUM_PROTOCOLS_MASK;
	ret->num_agents = (v & BASE_ATTRS_NUM_AGENTS_MASK) >>
			  BASE_ATTRS_NUM_AGENTS_SHIFT;
	return 0;
}

int scmi_base_name_resp_encode(const char *name, uint8_t *buf, size_t cap)
{
	int n;

	n = base_name_check(name);
	if (n < 0)
		return n;
	if (cap < BASE_NAME_RESP_LEN)
		return -ENOSPC;
	scmi_put_le32(buf, (uint32_t)SCMI_SUCCESS);
	base_name_put(buf + 4, name, (size_t)n);
	return BASE_NAME_RESP_LEN;
}

int scmi_base_name_resp_decode(const uint8_t *buf, size_t len,
			       char ret[SCMI_SHORT_NAME_LEN])
{
	return scmi_base_name_resp_decode_dev(buf, len, ret, NULL);
}

int scmi_base_name_resp_decode_dev(const uint8_t *buf, size_t len,
				   char ret[SCMI_SHORT_NAME_LEN], uint32_t *dev)
{
	int r;

	r = base_fixed_resp_check(buf, len, BASE_NAME_RESP_LEN, dev);
	if (r < 0)
		return r;
	r = base_name_get(buf + 4, ret, dev);
	return r < 0 ? r : 0;
}

int scmi_base_list_protocols_resp_encode(const uint8_t *ids, size_t n,
					 uint8_t *buf, size_t cap,
					 size_t *ret_n)
{
	size_t k, words, i;

	if (cap < 8 || (n > 0 && cap < 12))
		return -ENOSPC;

	/* Whole words of room after status and num, four ids per word. */
	k = (cap - 8) / 4 * 4;
	if (k > n)
		k = n;
	/* The byte count is returned as an int (and num is a u32). */
	if (k > LIST_PROTOCOLS_MAX)
		k = LIST_PROTOCOLS_MAX;
	words = (k + 3) / 4;

	scmi_put_le32(buf, (uint32_t)SCMI_SUCCESS);
	scmi_put_le32(buf + 4, (uint32_t)k);
	memset(buf + 8, 0, 4 * words);
	for (i = 0; i < k; i++)
		buf[8 + i] = ids[i];

	*ret_n = k;
	return (int)(8 + 4 * words);
}

int scmi_base_list_protocols_resp_decode(const uint8_t *buf, size_t len,
					 uint8_t *ids, size_t cap)
{
	return scmi_base_list_protocols_resp_decode_dev(buf, len, ids, cap,
							NULL);
}

int scmi_base_list_protocols_resp_decode_dev(const uint8_t *buf, size_t len,
					     uint8_t *ids, size_t cap,
					     uint32_t *dev)
{
	uint32_t num;
	uint64_t need;
	size_t i;
	int r;

	r = scmi_resp_status_errno(buf, len);
	if (r < 0)
		return r;
	if (len < 8)
		return -EBADMSG;
	num = scmi_get_le32(buf + 4);
	need = LIST_PROTOCOLS_LEN(num);
	if ((uint64_t)len < need)
		return -EBADMSG;
	if ((uint64_t)len > need && !scmi_dev_note(dev, SCMI_DEV_LONG))
		return -EMSGSIZE;
	/* Bytes of the last word past num are padding and must be 0. */
	for (i = 8 + (size_t)num; i < need; i++)
		if (buf[i] != 0 && !scmi_dev_note(dev, SCMI_DEV_RSVD))
			return -EPROTO;
	if (num > cap || num > INT32_MAX)
		return -E2BIG;

	if (num)
		memcpy(ids, buf + 8, num);
	return (int)num;
}

int scmi_base_agent_resp_encode(const struct scmi_base_agent *a, uint8_t *buf,
				size_t cap)
{
	int n;

	n = base_name_check(a->name);
	if (n < 0)
		return n;
	if (cap < BASE_AGENT_RESP_LEN)
		return -ENOSPC;
	scmi_put_le32(buf, (uint32_t)SCMI_SUCCESS);
	scmi_put_le32(buf + 4, a->agent_id);
	base_name_put(buf + 8, a->name, (size_t)n);
	return BASE_AGENT_RESP_LEN;
}

int scmi_base_agent_resp_decode(const uint8_t *buf, size_t len,
				struct scmi_base_agent *ret)
{
	return scmi_base_agent_resp_decode_dev(buf, len, ret, NULL);
}

int scmi_base_agent_resp_decode_dev(const uint8_t *buf, size_t len,
				    struct scmi_base_agent *ret, uint32_t *dev)
{
	char name[SCMI_SHORT_NAME_LEN];
	int r;

	r = base_fixed_resp_check(buf, len, BASE_AGENT_RESP_LEN, dev);
	if (r < 0)
		return r;
	r = base_name_get(buf + 8, name, dev);
	if (r < 0)
		return r;
	ret->agent_id = scmi_get_le32(buf + 4);
	memcpy(ret->name, name, sizeof(name));
	return 0;
}

int scmi_base_notify_errors_req_encode(bool enable, uint8_t *buf, size_t cap)
{
	return scmi_u32_req_encode(enable ? BASE_NOTIFY_ENABLE : 0, buf, cap);
}

int scmi_base_notify_errors_req_decode(const uint8_t *buf, size_t len,
				       bool *ret_enable)
{
	uint32_t v;
	int r;

	r = scmi_u32_req_decode(buf, len, &v);
	if (r < 0)
		return r;
	if (v & BASE_NOTIFY_RSVD_MASK)
		return -EINVAL;
	*ret_enable = v & BASE_NOTIFY_ENABLE;
	return 0;
}

int scmi_base_error_event_encode(uint32_t agent_id, bool fatal,
				 const uint64_t *reports, uint16_t count,
				 uint8_t *buf, size_t cap)
{
	size_t need, i;

	if (count > BASE_ERR_COUNT_MASK)
		return -ERANGE;
	need = 8 + 8 * (size_t)count;
	if (cap < need)
		return -ENOSPC;

	scmi_put_le32(buf, agent_id);
	scmi_put_le32(buf + 4, (fatal ? BASE_ERR_FATAL : 0) | count);
	for (i = 0; i < count; i++)
		scmi_put_le64(buf + 8 + 8 * i, reports[i]);
	return (int)need;
}

int scmi_base_error_event_decode(const uint8_t *buf, size_t len,
				 struct scmi_base_error_event *ret)
{
	uint32_t status;
	uint16_t count;
	size_t need;

	if (len < 8)
		return -EBADMSG;
	status = scmi_get_le32(buf + 4);
	if (status & BASE_ERR_RSVD_MASK)
		return -EPROTO;
	count = status & BASE_ERR_COUNT_MASK;
	need = 8 + 8 * (size_t)count;
	if (len < need)
		return -EBADMSG;
	if (len > need)
		return -EMSGSIZE;

	ret->agent_id = scmi_get_le32(buf);
	ret->fatal = status & BASE_ERR_FATAL;
	ret->count = count;
	ret->reports = count ? buf + 8 : NULL;
	return 0;
}
