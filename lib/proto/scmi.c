// SPDX-License-Identifier: MIT
/*
 * Copyright (c) 2026 The stlm authors
 *
 * SCMI common wire format (§2.1-§2.5): header pack/unpack, the one
 * status <-> errno table, status-only and single-u32 messages and the
 * multi-part list counter checks. See scmi.h for the conventions.
 */
#include "scmi.h"

#include <stdint.h>

/*
 * The one SCMI status table (§2.3), indexed by -status. It is bounded by
 * its own size: anything outside it (including positive codes) is unknown.
 */
static const struct {
	int err;
	const char *name;
} scmi_status_map[] = {
	[-SCMI_SUCCESS] = { 0, "SUCCESS" },
	[-SCMI_NOT_SUPPORTED] = { -EOPNOTSUPP, "NOT_SUPPORTED" },
	[-SCMI_INVALID_PARAMETERS] = { -EINVAL, "INVALID_PARAMETERS" },
	[-SCMI_DENIED] = { -EACCES, "DENIED" },
	[-SCMI_NOT_FOUND] = { -ENOENT, "NOT_FOUND" },
	[-SCMI_OUT_OF_RANGE] = { -ERANGE, "OUT_OF_RANGE" },
	[-SCMI_BUSY] = { -EBUSY, "BUSY" },
	[-SCMI_COMMS_ERROR] = { -ECOMM, "COMMS_ERROR" },
	[-SCMI_GENERIC_ERROR] = { -EIO, "GENERIC_ERROR" },
	[-SCMI_HARDWARE_ERROR] = { -EREMOTEIO, "HARDWARE_ERROR" },
	[-SCMI_PROTOCOL_ERROR] = { -EPROTO, "PROTOCOL_ERROR" },
	[-SCMI_IN_USE] = { -EPERM, "IN_USE" },
	[-SCMI_PARTIAL] = { -EINVAL, "PARTIAL" },
};

/* Table index for a status, or ARRAY_SIZE(scmi_status_map) if unknown. */
static size_t scmi_status_index(int32_t status)
{
	/* Negate in 64 bits: -INT32_MIN does not fit an int32_t. */
	int64_t idx = -(int64_t)status;

	if (idx < 0 || (uint64_t)idx >= ARRAY_SIZE(scmi_status_map))
		return ARRAY_SIZE(scmi_status_map);
	return (size_t)idx;
}

int scmi_status_to_errno(int32_t status)
{
	size_t i = scmi_status_index(status);

	if (i >= ARRAY_SIZE(scmi_status_map))
		return -EIO;
	return scmi_status_map[i].err;
}

int32_t scmi_errno_to_status(int err)
{
	size_t i;

	/*
	 * The first entry wins, so -EINVAL answers INVALID_PARAMETERS (not
	 * PARTIAL) and 0 answers SUCCESS. Positive values are not errnos and,
	 * like any errno missing from the table, answer GENERIC_ERROR.
	 */
	for (i = 0; i < ARRAY_SIZE(scmi_status_map); i++)
		if (scmi_status_map[i].err == err)
			return -(int32_t)i;
	return SCMI_GENERIC_ERROR;
}

const char *scmi_status_name(int32_t status)
{
	size_t i = scmi_status_index(status);

	if (i >= ARRAY_SIZE(scmi_status_map))
		return "UNKNOWN";
	return scmi_status_map[i].name;
}

uint32_t scmi_hdr_pack(const struct scmi_hdr *h)
{
	uint32_t w;

	w = (uint32_t)h->id & SCMI_HDR_ID_MASK;
	w |= ((uint32_t)h->type << SCMI_HDR_TYPE_SHIFT) & SCMI_HDR_TYPE_MASK;
	w |= ((uint32_t)h->proto << SCMI_HDR_PROTO_SHIFT) & SCMI_HDR_PROTO_MASK;
	w |= ((uint32_t)h->token << SCMI_HDR_TOKEN_SHIFT) & SCMI_HDR_TOKEN_MASK;
	return w;
}

int scmi_hdr_unpack(uint32_t word, struct scmi_hdr *ret)
{
	uint8_t type = (word & SCMI_HDR_TYPE_MASK) >> SCMI_HDR_TYPE_SHIFT;

	if (word & SCMI_HDR_RSVD_MASK)
		return -EPROTO;
	if (type == 1)
		return -EPROTO;

	ret->id = word & SCMI_HDR_ID_MASK;
	ret->type = type;
	ret->proto = (word & SCMI_HDR_PROTO_MASK) >> SCMI_HDR_PROTO_SHIFT;
	ret->token = (word & SCMI_HDR_TOKEN_MASK) >> SCMI_HDR_TOKEN_SHIFT;
	return 0;
}

int scmi_resp_status(const uint8_t *buf, size_t len, int32_t *ret_status)
{
	if (len < 4)
		return -EBADMSG;
	*ret_status = (int32_t)scmi_get_le32(buf);
	return 0;
}

int scmi_resp_status_errno(const uint8_t *buf, size_t len)
{
	int32_t status;
	int r;

	r = scmi_resp_status(buf, len, &status);
	if (r < 0)
		return r;
	return scmi_status_to_errno(status);
}

int scmi_status_resp_encode(int32_t status, uint8_t *buf, size_t cap)
{
	if (cap < 4)
		return -ENOSPC;
	scmi_put_le32(buf, (uint32_t)status);
	return 4;
}

int scmi_status_resp_decode(const uint8_t *buf, size_t len)
{
	return scmi_status_resp_decode_dev(buf, len, NULL);
}

int scmi_status_resp_decode_dev(const uint8_t *buf, size_t len,
				uint32_t *dev)
{
	int32_t status;
	int r;

	r = scmi_resp_status(buf, len, &status);
	if (r < 0)
		return r;
	if (status != SCMI_SUCCESS)
		return scmi_status_to_errno(status);
	if (len > 4 && !scmi_dev_note(dev, SCMI_DEV_LONG))
		return -EMSGSIZE;
	return 0;
}

int scmi_empty_req_decode(const uint8_t *buf, size_t len)
{
	return len == 0 ? 0 : -EPROTO;
}

int scmi_u32_req_encode(uint32_t v, uint8_t *buf, size_t cap)
{
	if (cap < 4)
		return -ENOSPC;
	scmi_put_le32(buf, v);
	return 4;
}

int scmi_u32_req_decode(const uint8_t *buf, size_t len, uint32_t *ret)
{
	if (len != 4)
		return -EPROTO;
	*ret = scmi_get_le32(buf);
	return 0;
}

int scmi_u32_resp_encode(uint32_t v, uint8_t *buf, size_t cap)
{
	if (cap < 8)
		return -ENOSPC;
	scmi_put_le32(buf, (uint32_t)SCMI_SUCCESS);
	scmi_put_le32(buf + 4, v);
	return 8;
}

int scmi_u32_resp_decode(const uint8_t *buf, size_t len, uint32_t *ret)
{
	return scmi_u32_resp_decode_dev(buf, len, ret, NULL);
}

int scmi_u32_resp_decode_dev(const uint8_t *buf, size_t len, uint32_t *ret,
			     uint32_t *dev)
{
	int r;

	r = scmi_resp_status_errno(buf, len);
	if (r < 0)
		return r;
	if (len < 8)
		return -EBADMSG;
	if (len > 8 && !scmi_dev_note(dev, SCMI_DEV_LONG))
		return -EMSGSIZE;
	*ret = scmi_get_le32(buf + 4);
	return 0;
}

int scmi_list_check(const struct scmi_list_hdr *h, uint32_t index,
		    uint32_t total)
{
	/* A page with nothing in it but more to come would never finish. */
	if (h->returned == 0 && h->remaining != 0)
		return -EPROTO;
	if (total != 0) {
		/* 64-bit sums: u32 terms cannot overflow them. */
		uint64_t left = (uint64_t)index + h->returned;

		if (left > total)
			return -EPROTO;
		left = total - left;
		/*
		 * remaining is 16 bits wide: with more than 65535 items left
		 * a platform can only report it saturated.
		 */
		if (left > 0xFFFF ? h->remaining != 0xFFFF :
				    h->remaining != left)
			return -EPROTO;
	}
	return 0;
}

const char *scmi_dev_name(unsigned int kind)
{
	static const char *const names[SCMI_DEV_KINDS] = {
		[SCMI_DEV_RSVD] = "reserved-bits",
		[SCMI_DEV_LONG] = "long-reply",
		[SCMI_DEV_SHMTI_FLAGS] = "shmti-flags",
		[SCMI_DEV_SHMTI_ALIGN] = "shmti-alignment",
		[SCMI_DEV_NAME] = "name",
		[SCMI_DEV_TDCF_META] = "tdcf-meta",
		[SCMI_DEV_IV_ORDER] = "interval-order",
		[SCMI_DEV_ENABLED_MODE] = "enabled-mode",
	};

	return kind < SCMI_DEV_KINDS ? names[kind] : NULL;
}
