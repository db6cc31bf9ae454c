// SPDX-License-Identifier: MIT
/*
 * Copyright (c) 2026 The stlm authors
 *
 * SCMI Telemetry protocol (0x1B) codec, v3+ layout: PROTOCOL_ATTRIBUTES
 * (§4.2), LIST_SHMTI (§4.5), the DE descriptor and DE_DESCRIPTION (§5,
 * §4.6), the update-interval word and LIST_UPDATE_INTERVALS (§6, §4.7),
 * DE_CONFIGURE (§4.8), DE_ENABLED_LIST (§4.9), CONFIG_SET/GET (§4.10,
 * §4.11), RESET (§4.12), the TELEMETRY_READING_COMPLETE delayed response
 * and the TELEMETRY_UPDATE notification (§4.10, §4.13). See telemetry.h and
 * scmi.h for the conventions.
 *
 * Encoders check that every value fits its wire field (-ERANGE) and that
 * the output fits (-ENOSPC); request encoders deliberately accept values
 * that fit but are invalid (a reserved mode or selector), so conformance
 * tests can send them. Decoders check everything. Out-parameters are
 * written only on success: list decoders validate the whole page before
 * they fill the caller's array.
 */
#include "telemetry.h"

#include <limits.h>
#include <stdint.h>

/* Counter word of §2.5: [15:0] returned, [31:16] remaining. */
#define TLM_LIST_RETURNED_MASK	0x0000FFFFu
#define TLM_LIST_REMAINING_SHIFT 16
#define TLM_LIST_MAX		0xFFFFu

/* status + counter word, the fixed part of every list response. */
#define TLM_LIST_HDR_LEN	8

/* status + the 32-byte body. */
#define TLM_ATTRS_RESP_LEN	(4 + SCMI_TLM_ATTRS_SIZE)

/* LIST_UPDATE_INTERVALS request: index, group_identifier, flags. */
#define TLM_IV_REQ_LEN		12
#define TLM_IV_SEL_MASK		0x0000000Fu
#define TLM_IV_REQ_RSVD_MASK	0xFFFFFFF0u

/* DE_CONFIGURE: request id + flags; response status + three words. */
#define TLM_DECFG_REQ_LEN	8
#define TLM_DECFG_RESP_LEN	16
#define TLM_DECFG_MODE_INVALID	3

/* DE_ENABLED_LIST. */
#define TLM_ENL_REQ_LEN		8
#define TLM_ENL_GROUPS		0x00000001u
#define TLM_ENL_REQ_RSVD_MASK	0xFFFFFFFEu
#define TLM_ENL_ENTRY_SIZE	8

/* CONFIG_SET / CONFIG_GET. */
#define TLM_CFGSET_REQ_LEN	12
#define TLM_CFGGET_REQ_LEN	8
#define TLM_CFGGET_SEL_MASK	0x0000000Fu
#define TLM_CFGGET_RSVD_MASK	0xFFFFFFF0u
#define TLM_CFGGET_RESP_LEN	12
/* A 4-bit field: mode [4:1], selector [8:5], CONFIG_GET flags[3:0]. */
#define TLM_FIELD4_MAX		0xFu

/* RESET request: u32 flags. */
#define TLM_RESET_REQ_LEN	4

/* READING_COMPLETE: status + num_dwords; UPDATE: agent + status + num. */
#define TLM_RC_HDR_LEN		8
#define TLM_UPD_HDR_LEN		12

/* Interval exponent range (§6): a signed 5-bit field. */
#define TLM_IV_EXP_MIN		(-16)
#define TLM_IV_EXP_MAX		15
#define TLM_IV_SECS_MAX		0xFFFFu

/* DE descriptor optional parts. */
#define TLM_DE_TS_RATE_SIZE	4
#define TLM_DE_FC_SIZE		12

/*
 * Common prologue of a fixed-size response decoder: an error status is
 * returned as its errno whatever follows it; a SUCCESS reply must be exactly
 * @need bytes long (status included).
 */
static int tlm_fixed_resp_check(const uint8_t *buf, size_t len, size_t need,
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

static bool tlm_char_printable(uint8_t c)
{
	return c >= 0x20 && c <= 0x7E;
}

/* ------------------------------------------------------------------ */
/* Multi-part list helpers (§2.5)                                      */

/*
 * How many of @n fixed-size items of @item bytes a list reply of @cap
 * bytes (status included) can carry, at most @max_n per page. -ENOSPC if
 * not even the header (or, when n > 0, one item) fits; -ERANGE if what is
 * left over does not fit the 16-bit remaining field.
 */
static int tlm_list_fit(size_t n, size_t item, size_t cap, size_t max_n,
			size_t *ret_k)
{
	size_t k;

	if (cap < TLM_LIST_HDR_LEN)
		return -ENOSPC;
	k = (cap - TLM_LIST_HDR_LEN) / item;
	if (k > n)
		k = n;
	if (k > max_n)
		k = max_n;
	if (n > 0 && k == 0)
		return -ENOSPC;
	if (n - k > TLM_LIST_MAX)
		return -ERANGE;
	*ret_k = k;
	return 0;
}

/* Write status SUCCESS and the §2.5 counter word. */
static void tlm_list_put_hdr(uint8_t *buf, size_t returned, size_t remaining)
{
	scmi_put_le32(buf, (uint32_t)SCMI_SUCCESS);
	scmi_put_le32(buf + 4, scmi_list_word((uint16_t)returned,
					      (uint16_t)remaining));
}

/*
 * Common prologue of a list response decoder: status, counter word and the
 * §2.5 progress rule. Returns 0 with *ret_hdr set.
 */
static int tlm_list_get_hdr(const uint8_t *buf, size_t len,
			    struct scmi_list_hdr *ret_hdr)
{
	struct scmi_list_hdr h;
	uint32_t w;
	int r;

	r = scmi_resp_status_errno(buf, len);
	if (r < 0)
		return r;
	if (len < TLM_LIST_HDR_LEN)
		return -EBADMSG;
	w = scmi_get_le32(buf + 4);
	h.returned = w & TLM_LIST_RETURNED_MASK;
	h.remaining = w >> TLM_LIST_REMAINING_SHIFT;
	r = scmi_list_check(&h, 0, 0);
	if (r < 0)
		return r;
	*ret_hdr = h;
	return 0;
}

/* A list page of fixed-size items must be exactly header + N items. */
static int tlm_list_len_check(size_t len, uint32_t n, size_t item,
			      uint32_t *dev)
{
	uint64_t need = TLM_LIST_HDR_LEN + (uint64_t)item * n;

	if ((uint64_t)len < need)
		return -EBADMSG;
	if ((uint64_t)len > need && !scmi_dev_note(dev, SCMI_DEV_LONG))
		return -EMSGSIZE;
	return 0;
}

/* ------------------------------------------------------------------ */
/* PROTOCOL_ATTRIBUTES (§4.2)                                          */

void scmi_tlm_uuid_from_dwords(const uint32_t dw[4], uint8_t ret[16])
{
	size_t i;

	/* Linux: each dword's value, most significant byte first. */
	for (i = 0; i < 4; i++) {
		ret[4 * i] = (uint8_t)(dw[i] >> 24);
		ret[4 * i + 1] = (uint8_t)(dw[i] >> 16);
		ret[4 * i + 2] = (uint8_t)(dw[i] >> 8);
		ret[4 * i + 3] = (uint8_t)dw[i];
	}
}

void scmi_tlm_uuid_to_dwords(const uint8_t uuid[16], uint32_t ret[4])
{
	size_t i;

	for (i = 0; i < 4; i++)
		ret[i] = (uint32_t)uuid[4 * i] << 24 |
			 (uint32_t)uuid[4 * i + 1] << 16 |
			 (uint32_t)uuid[4 * i + 2] << 8 |
			 (uint32_t)uuid[4 * i + 3];
}

void scmi_tlm_uuid_format(const uint8_t uuid[16], char ret[37])
{
	static const char hex[] = "0123456789ABCDEF";
	size_t i, o = 0;

	for (i = 0; i < 16; i++) {
		if (i == 4 || i == 6 || i == 8 || i == 10)
			ret[o++] = '-';
		ret[o++] = hex[uuid[i] >> 4];
		ret[o++] = hex[uuid[i] & 0xF];
	}
	ret[o] = '\0';
}

int scmi_tlm_hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int scmi_tlm_uuid_parse(const char *s, uint8_t ret[16])
{
	uint8_t uuid[16];
	size_t len, i, o = 0;
	bool hyphens;

	if (!s)
		return -EINVAL;
	len = strnlen(s, 37);
	if (len == 36)
		hyphens = true;
	else if (len == 32)
		hyphens = false;
	else
		return -EINVAL;

	for (i = 0; i < len;) {
		int hi, lo;

		if (hyphens && (i == 8 || i == 13 || i == 18 || i == 23)) {
			if (s[i] != '-')
				return -EINVAL;
			i++;
			continue;
		}
		hi = scmi_tlm_hex_digit(s[i]);
		lo = scmi_tlm_hex_digit(s[i + 1]);
		if (hi < 0 || lo < 0)
			return -EINVAL;
		uuid[o++] = (uint8_t)(hi << 4 | lo);
		i += 2;
	}
	memcpy(ret, uuid, sizeof(uuid));
	return 0;
}

int scmi_tlm_attrs_resp_encode(const struct scmi_tlm_attrs *a, uint8_t *buf,
			       size_t cap)
{
	uint32_t dw[4], attr;
	size_t i;

	if (cap < TLM_ATTRS_RESP_LEN)
		return -ENOSPC;

	attr = (a->single_sample ? SCMI_TLM_ATTR_SINGLE_SAMPLE : 0) |
	       (a->notifications ? SCMI_TLM_ATTR_NOTIFICATIONS : 0) |
	       (a->per_group ? SCMI_TLM_ATTR_PER_GROUP : 0) |
	       (a->reset ? SCMI_TLM_ATTR_RESET : 0) |
	       (a->fastchannels ? SCMI_TLM_ATTR_FASTCHANNELS : 0) |
	       a->num_shmti;
	scmi_tlm_uuid_to_dwords(a->uuid, dw);

	scmi_put_le32(buf, (uint32_t)SCMI_SUCCESS);
	scmi_put_le32(buf + 4, a->de_num);
	scmi_put_le32(buf + 8, a->groups_num);
	for (i = 0; i < 4; i++)
		scmi_put_le32(buf + 12 + 4 * i, dw[i]);
	scmi_put_le32(buf + 28, attr);
	scmi_put_le32(buf + 32, a->default_blk_ts_rate);
	return TLM_ATTRS_RESP_LEN;
}

int scmi_tlm_attrs_resp_decode(const uint8_t *buf, size_t len,
			       struct scmi_tlm_attrs *ret)
{
	return scmi_tlm_attrs_resp_decode_dev(buf, len, ret, NULL);
}

int scmi_tlm_attrs_resp_decode_dev(const uint8_t *buf, size_t len,
				   struct scmi_tlm_attrs *ret, uint32_t *dev)
{
	struct scmi_tlm_attrs a;
	uint32_t dw[4], attr;
	size_t i;
	int r;

	r = tlm_fixed_resp_check(buf, len, TLM_ATTRS_RESP_LEN, dev);
	if (r < 0)
		return r;
	attr = scmi_get_le32(buf + 28);
	if ((attr & SCMI_TLM_ATTR_RSVD_MASK) &&
	    !scmi_dev_note(dev, SCMI_DEV_RSVD))
		return -EPROTO;

	memset(&a, 0, sizeof(a));
	a.de_num = scmi_get_le32(buf + 4);
	a.groups_num = scmi_get_le32(buf + 8);
	for (i = 0; i < 4; i++)
		dw[i] = scmi_get_le32(buf + 12 + 4 * i);
	scmi_tlm_uuid_from_dwords(dw, a.uuid);
	a.single_sample = attr & SCMI_TLM_ATTR_SINGLE_SAMPLE;
	a.notifications = attr & SCMI_TLM_ATTR_NOTIFICATIONS;
	a.per_group = attr & SCMI_TLM_ATTR_PER_GROUP;
	a.reset = attr & SCMI_TLM_ATTR_RESET;
	a.fastchannels = attr & SCMI_TLM_ATTR_FASTCHANNELS;
	a.num_shmti = attr & SCMI_TLM_ATTR_NUM_SHMTI_MASK;
	a.default_blk_ts_rate = scmi_get_le32(buf + 32);
	*ret = a;
	return 0;
}

/* ------------------------------------------------------------------ */
/* Update intervals (§6)                                               */

int scmi_tlm_interval_encode(const struct scmi_tlm_interval *iv,
			     uint32_t *ret_word)
{
	if (iv->exp < TLM_IV_EXP_MIN || iv->exp > TLM_IV_EXP_MAX)
		return -ERANGE;
	*ret_word = (uint32_t)iv->secs << SCMI_TLM_INTERVAL_SECS_SHIFT |
		    ((uint32_t)(uint8_t)iv->exp & SCMI_TLM_INTERVAL_EXP_MASK);
	return 0;
}

int scmi_tlm_interval_decode(uint32_t word, struct scmi_tlm_interval *ret)
{
	return scmi_tlm_interval_decode_dev(word, ret, NULL);
}

int scmi_tlm_interval_decode_dev(uint32_t word, struct scmi_tlm_interval *ret,
				 uint32_t *dev)
{
	uint32_t e;

	if ((word & SCMI_TLM_INTERVAL_RSVD_MASK) &&
	    !scmi_dev_note(dev, SCMI_DEV_RSVD))
		return -EPROTO;
	e = word & SCMI_TLM_INTERVAL_EXP_MASK;
	ret->secs = (uint16_t)((word & SCMI_TLM_INTERVAL_SECS_MASK) >>
			       SCMI_TLM_INTERVAL_SECS_SHIFT);
	/* Sign-extend the 5-bit two's-complement exponent. */
	ret->exp = (int8_t)((int)e - (e & 0x10 ? 32 : 0));
	return 0;
}

uint64_t scmi_tlm_interval_ns(const struct scmi_tlm_interval *iv)
{
	/* secs * 10^exp s = secs * 10^(exp + 9) ns. */
	int p = iv->exp + 9;
	uint64_t v = iv->secs;

	for (; p > 0 && v; p--) {
		if (v > UINT64_MAX / 10)
			return UINT64_MAX;
		v *= 10;
	}
	for (; p < 0 && v; p++)
		v /= 10;
	return v;
}

int scmi_tlm_interval_from_ns(uint64_t ns, struct scmi_tlm_interval *ret)
{
	uint64_t pow10[20];
	int exp, p;

	/* Zero has a mantissa of 0 at every exponent: use the word 0. */
	if (ns == 0) {
		ret->secs = 0;
		ret->exp = 0;
		return 0;
	}

	pow10[0] = 1;
	for (p = 1; p < 20; p++)
		pow10[p] = pow10[p - 1] * 10;

	/*
	 * ns = secs * 10^(exp + 9). For exp < -9 the mantissa only grows, so
	 * exp = -9 (secs = ns) is the last candidate. 10^20 and above exceed
	 * any non-zero u64, so exponents above 10 never divide exactly.
	 */
	for (exp = TLM_IV_EXP_MAX; exp >= -9; exp--) {
		p = exp + 9;
		if (p >= 20)
			continue;
		if (ns % pow10[p] == 0 && ns / pow10[p] <= TLM_IV_SECS_MAX) {
			ret->secs = (uint16_t)(ns / pow10[p]);
			ret->exp = (int8_t)exp;
			return 0;
		}
	}
	return -ERANGE;
}

int scmi_tlm_interval_cmp(const struct scmi_tlm_interval *a,
			  const struct scmi_tlm_interval *b)
{
	const struct scmi_tlm_interval *hi = a, *lo = b;
	uint64_t v;
	int d, sign = 1;

	if (a->secs == 0 || b->secs == 0)
		return (a->secs > 0) - (b->secs > 0);

	/* Scale the one with the larger exponent down to the other's. */
	if (a->exp < b->exp) {
		hi = b;
		lo = a;
		sign = -1;
	}
	d = hi->exp - lo->exp;
	v = hi->secs;
	/* Once v exceeds any 16-bit mantissa the order is known. */
	for (; d > 0 && v <= TLM_IV_SECS_MAX; d--)
		v *= 10;
	if (v > lo->secs)
		return sign;
	if (v < lo->secs)
		return -sign;
	return 0;
}

/* ------------------------------------------------------------------ */
/* LIST_SHMTI (§4.5)                                                   */

int scmi_tlm_list_shmti_resp_encode(const struct scmi_tlm_shmti_desc *d,
				    size_t n, uint8_t *buf, size_t cap,
				    size_t *ret_n)
{
	size_t k, i;
	int r;

	r = tlm_list_fit(n, SCMI_TLM_SHMTI_DESC_SIZE, cap, TLM_LIST_MAX, &k);
	if (r < 0)
		return r;

	tlm_list_put_hdr(buf, k, n - k);
	for (i = 0; i < k; i++) {
		uint8_t *p = buf + TLM_LIST_HDR_LEN +
			     SCMI_TLM_SHMTI_DESC_SIZE * i;

		scmi_put_le32(p, d[i].id);
		scmi_put_le64(p + 4, d[i].addr);
		scmi_put_le32(p + 12, d[i].length);
		scmi_put_le32(p + 16, 0);
	}
	*ret_n = k;
	return (int)(TLM_LIST_HDR_LEN + SCMI_TLM_SHMTI_DESC_SIZE * k);
}

/* Validate one 20-byte SHMTI descriptor and decode it. */
static int tlm_shmti_desc_get(const uint8_t *p, struct scmi_tlm_shmti_desc *ret,
			      uint32_t *dev)
{
	struct scmi_tlm_shmti_desc s;

	s.id = scmi_get_le32(p);
	s.addr = scmi_get_le64(p + 4);
	s.length = scmi_get_le32(p + 12);
	if (scmi_get_le32(p + 16) != 0 &&
	    !scmi_dev_note(dev, SCMI_DEV_SHMTI_FLAGS))
		return -EPROTO;
	if (s.length < 24)
		return -EPROTO;
	if ((s.addr & 7) && !scmi_dev_note(dev, SCMI_DEV_SHMTI_ALIGN))
		return -EPROTO;
	*ret = s;
	return 0;
}

int scmi_tlm_list_shmti_resp_decode(const uint8_t *buf, size_t len,
				    struct scmi_list_hdr *ret_hdr,
				    struct scmi_tlm_shmti_desc *d, size_t cap)
{
	return scmi_tlm_list_shmti_resp_decode_dev(buf, len, ret_hdr, d, cap,
						   NULL);
}

int scmi_tlm_list_shmti_resp_decode_dev(const uint8_t *buf, size_t len,
					struct scmi_list_hdr *ret_hdr,
					struct scmi_tlm_shmti_desc *d,
					size_t cap, uint32_t *dev)
{
	struct scmi_tlm_shmti_desc tmp;
	struct scmi_list_hdr h;
	size_t i;
	int r;

	r = tlm_list_get_hdr(buf, len, &h);
	if (r < 0)
		return r;
	r = tlm_list_len_check(len, h.returned, SCMI_TLM_SHMTI_DESC_SIZE, dev);
	if (r < 0)
		return r;
	for (i = 0; i < h.returned; i++) {
		r = tlm_shmti_desc_get(buf + TLM_LIST_HDR_LEN +
					       SCMI_TLM_SHMTI_DESC_SIZE * i,
				       &tmp, dev);
		if (r < 0)
			return r;
	}
	if (h.returned > cap)
		return -E2BIG;

	for (i = 0; i < h.returned; i++)
		tlm_shmti_desc_get(buf + TLM_LIST_HDR_LEN +
					   SCMI_TLM_SHMTI_DESC_SIZE * i,
				   &d[i], dev);
	*ret_hdr = h;
	return (int)h.returned;
}

/* ------------------------------------------------------------------ */
/* DE descriptor (§5) and DE_DESCRIPTION (§4.6)                         */

static size_t tlm_de_desc_size_of(uint32_t attr1)
{
	size_t n = SCMI_TLM_DE_DESC_FIXED_SIZE;

	if ((attr1 & SCMI_TLM_DE_A1_TS_MASK) == SCMI_TLM_TS_LINE)
		n += TLM_DE_TS_RATE_SIZE;
	if (attr1 & SCMI_TLM_DE_A1_FC)
		n += TLM_DE_FC_SIZE;
	if (attr1 & SCMI_TLM_DE_A1_NAME)
		n += SCMI_TLM_DE_NAME_LEN;
	return n;
}

size_t scmi_tlm_de_desc_size(const struct scmi_tlm_de_desc *d)
{
	size_t n = SCMI_TLM_DE_DESC_FIXED_SIZE;

	if (d->ts_support == SCMI_TLM_TS_LINE)
		n += TLM_DE_TS_RATE_SIZE;
	if (d->has_fc)
		n += TLM_DE_FC_SIZE;
	if (d->has_name)
		n += SCMI_TLM_DE_NAME_LEN;
	return n;
}

/*
 * Check what a descriptor encode could refuse besides room: ts_support and,
 * when present, a name of at most 15 printable characters. Returns the
 * name length (0 without a name) or -ERANGE.
 */
static int tlm_de_desc_check(const struct scmi_tlm_de_desc *d)
{
	size_t n, i;

	if (d->ts_support > SCMI_TLM_TS_BLOCK)
		return -ERANGE;
	if (!d->has_name)
		return 0;
	n = strnlen(d->name, sizeof(d->name));
	if (n >= SCMI_TLM_DE_NAME_LEN)
		return -ERANGE;
	for (i = 0; i < n; i++)
		if (!tlm_char_printable((uint8_t)d->name[i]))
			return -ERANGE;
	return (int)n;
}

/* Write a checked descriptor (name length @name_len) at buf. */
static size_t tlm_de_desc_put(const struct scmi_tlm_de_desc *d,
			      size_t name_len, uint8_t *buf)
{
	uint32_t a1, a2;
	size_t o = SCMI_TLM_DE_DESC_FIXED_SIZE;

	a1 = (d->has_name ? SCMI_TLM_DE_A1_NAME : 0) |
	     (d->has_fc ? SCMI_TLM_DE_A1_FC : 0) |
	     (uint32_t)d->type << SCMI_TLM_DE_A1_TYPE_SHIFT |
	     (d->persistent ? SCMI_TLM_DE_A1_PERSISTENT : 0) |
	     (uint32_t)(uint8_t)d->unit_exp << SCMI_TLM_DE_A1_UNIT_EXP_SHIFT |
	     (uint32_t)d->unit << SCMI_TLM_DE_A1_UNIT_SHIFT |
	     (d->ts_support & SCMI_TLM_DE_A1_TS_MASK);
	a2 = (uint32_t)d->instance_id << SCMI_TLM_DE_A2_INSTANCE_SHIFT |
	     (uint32_t)d->compo_instance << SCMI_TLM_DE_A2_COMPO_INST_SHIFT |
	     d->compo_type;

	scmi_put_le32(buf, d->id);
	scmi_put_le32(buf + 4, d->group_id);
	scmi_put_le32(buf + 8, d->data_size);
	scmi_put_le32(buf + 12, a1);
	scmi_put_le32(buf + 16, a2);
	scmi_put_le32(buf + 20, 0);
	/* Optional parts in the order of §5: ts rate, FC, name. */
	if (d->ts_support == SCMI_TLM_TS_LINE) {
		scmi_put_le32(buf + o, d->line_ts_rate);
		o += TLM_DE_TS_RATE_SIZE;
	}
	if (d->has_fc) {
		scmi_put_le64(buf + o, d->fc_addr);
		scmi_put_le32(buf + o + 8, d->fc_size);
		o += TLM_DE_FC_SIZE;
	}
	if (d->has_name) {
		memset(buf + o, 0, SCMI_TLM_DE_NAME_LEN);
		memcpy(buf + o, d->name, name_len);
		o += SCMI_TLM_DE_NAME_LEN;
	}
	return o;
}

int scmi_tlm_de_desc_encode(const struct scmi_tlm_de_desc *d, uint8_t *buf,
			    size_t cap)
{
	int n;

	n = tlm_de_desc_check(d);
	if (n < 0)
		return n;
	if (cap < scmi_tlm_de_desc_size(d))
		return -ENOSPC;
	return (int)tlm_de_desc_put(d, (size_t)n, buf);
}

int scmi_tlm_de_desc_decode(const uint8_t *buf, size_t len,
			    struct scmi_tlm_de_desc *ret)
{
	return scmi_tlm_de_desc_decode_dev(buf, len, ret, NULL);
}

int scmi_tlm_de_desc_decode_dev(const uint8_t *buf, size_t len,
				struct scmi_tlm_de_desc *ret, uint32_t *dev)
{
	struct scmi_tlm_de_desc d;
	uint32_t a1, a2;
	size_t size, o = SCMI_TLM_DE_DESC_FIXED_SIZE;

	if (len < SCMI_TLM_DE_DESC_FIXED_SIZE)
		return -EBADMSG;
	a1 = scmi_get_le32(buf + 12);
	a2 = scmi_get_le32(buf + 16);
	if ((a1 & SCMI_TLM_DE_A1_RSVD_MASK) &&
	    !scmi_dev_note(dev, SCMI_DEV_RSVD))
		return -EPROTO;
	/* Decides whether a rate word follows: not safe to guess. */
	if ((a1 & SCMI_TLM_DE_A1_TS_MASK) > SCMI_TLM_TS_BLOCK)
		return -EPROTO;
	if (scmi_get_le32(buf + 20) != 0 &&
	    !scmi_dev_note(dev, SCMI_DEV_RSVD))
		return -EPROTO;
	size = tlm_de_desc_size_of(a1);
	if (len < size)
		return -EBADMSG;

	memset(&d, 0, sizeof(d));
	d.id = scmi_get_le32(buf);
	d.group_id = scmi_get_le32(buf + 4);
	d.data_size = scmi_get_le32(buf + 8);
	d.type = (uint8_t)((a1 & SCMI_TLM_DE_A1_TYPE_MASK) >>
			   SCMI_TLM_DE_A1_TYPE_SHIFT);
	d.persistent = a1 & SCMI_TLM_DE_A1_PERSISTENT;
	d.unit_exp = (int8_t)(uint8_t)((a1 & SCMI_TLM_DE_A1_UNIT_EXP_MASK) >>
				       SCMI_TLM_DE_A1_UNIT_EXP_SHIFT);
	d.unit = (uint8_t)((a1 & SCMI_TLM_DE_A1_UNIT_MASK) >>
			   SCMI_TLM_DE_A1_UNIT_SHIFT);
	d.ts_support = a1 & SCMI_TLM_DE_A1_TS_MASK;
	d.instance_id = (uint8_t)(a2 >> SCMI_TLM_DE_A2_INSTANCE_SHIFT);
	d.compo_instance = (uint16_t)((a2 & SCMI_TLM_DE_A2_COMPO_INST_MASK) >>
				      SCMI_TLM_DE_A2_COMPO_INST_SHIFT);
	d.compo_type = a2 & SCMI_TLM_DE_A2_COMPO_TYPE_MASK;

	if (d.ts_support == SCMI_TLM_TS_LINE) {
		d.line_ts_rate = scmi_get_le32(buf + o);
		o += TLM_DE_TS_RATE_SIZE;
	}
	if (a1 & SCMI_TLM_DE_A1_FC) {
		d.has_fc = true;
		d.fc_addr = scmi_get_le64(buf + o);
		d.fc_size = scmi_get_le32(buf + o + 8);
		o += TLM_DE_FC_SIZE;
	}
	if (a1 & SCMI_TLM_DE_A1_NAME) {
		const uint8_t *f = buf + o;
		const uint8_t *nul = memchr(f, 0, SCMI_TLM_DE_NAME_LEN);
		size_t n, i;

		/* Like strscpy(): a full field is cut to 15 characters. */
		if (!nul && !scmi_dev_note(dev, SCMI_DEV_NAME))
			return -EPROTO;
		n = nul ? (size_t)(nul - f) : SCMI_TLM_DE_NAME_LEN - 1;
		memcpy(d.name, f, n);
		for (i = 0; i < n; i++) {
			if (tlm_char_printable(f[i]))
				continue;
			if (!scmi_dev_note(dev, SCMI_DEV_NAME))
				return -EPROTO;
			d.name[i] = '?';
		}
		d.has_name = true;
		o += SCMI_TLM_DE_NAME_LEN;
	}
	*ret = d;
	return (int)o;
}

int scmi_tlm_de_description_resp_encode(const struct scmi_tlm_de_desc *d,
					size_t n, uint8_t *buf, size_t cap,
					size_t *ret_n)
{
	size_t k, used, i;
	int r;

	if (cap < TLM_LIST_HDR_LEN)
		return -ENOSPC;

	/* First pass: how many fit, without writing anything. */
	used = TLM_LIST_HDR_LEN;
	for (k = 0; k < n && k < TLM_LIST_MAX; k++) {
		size_t sz = scmi_tlm_de_desc_size(&d[k]);

		r = tlm_de_desc_check(&d[k]);
		if (r < 0)
			return r;
		if (sz > cap - used)
			break;
		used += sz;
	}
	if (n > 0 && k == 0)
		return -ENOSPC;
	if (n - k > TLM_LIST_MAX)
		return -ERANGE;

	tlm_list_put_hdr(buf, k, n - k);
	used = TLM_LIST_HDR_LEN;
	for (i = 0; i < k; i++)
		used += tlm_de_desc_put(&d[i], (size_t)tlm_de_desc_check(&d[i]),
					buf + used);
	*ret_n = k;
	return (int)used;
}

int scmi_tlm_de_description_resp_decode(const uint8_t *buf, size_t len,
					struct scmi_list_hdr *ret_hdr,
					struct scmi_tlm_de_desc *d,
					size_t cap)
{
	return scmi_tlm_de_description_resp_decode_dev(buf, len, ret_hdr, d,
						       cap, NULL);
}

int scmi_tlm_de_description_resp_decode_dev(const uint8_t *buf, size_t len,
					    struct scmi_list_hdr *ret_hdr,
					    struct scmi_tlm_de_desc *d,
					    size_t cap, uint32_t *dev)
{
	struct scmi_tlm_de_desc tmp;
	struct scmi_list_hdr h;
	size_t off, i;
	int r;

	r = tlm_list_get_hdr(buf, len, &h);
	if (r < 0)
		return r;
	/* Every descriptor has at least its fixed part (as Linux checks). */
	if ((uint64_t)(len - TLM_LIST_HDR_LEN) <
	    (uint64_t)SCMI_TLM_DE_DESC_FIXED_SIZE * h.returned)
		return -EBADMSG;

	/* Validate the whole page first: the walk is bounded by len. */
	off = TLM_LIST_HDR_LEN;
	for (i = 0; i < h.returned; i++) {
		r = scmi_tlm_de_desc_decode_dev(buf + off, len - off, &tmp,
						dev);
		if (r < 0)
			return r;
		off += (size_t)r;
	}
	if (off < len && !scmi_dev_note(dev, SCMI_DEV_LONG))
		return -EMSGSIZE;
	if (h.returned > cap)
		return -E2BIG;

	off = TLM_LIST_HDR_LEN;
	for (i = 0; i < h.returned; i++)
		off += (size_t)scmi_tlm_de_desc_decode_dev(buf + off, len - off,
							   &d[i], dev);
	*ret_hdr = h;
	return (int)h.returned;
}

/* ------------------------------------------------------------------ */
/* LIST_UPDATE_INTERVALS (§4.7)                                        */

int scmi_tlm_intervals_req_encode(const struct scmi_tlm_intervals_req *r,
				  uint8_t *buf, size_t cap)
{
	if (r->selector > TLM_FIELD4_MAX)
		return -ERANGE;
	if (cap < TLM_IV_REQ_LEN)
		return -ENOSPC;
	scmi_put_le32(buf, r->index);
	scmi_put_le32(buf + 4, r->group_id);
	scmi_put_le32(buf + 8, r->selector);
	return TLM_IV_REQ_LEN;
}

int scmi_tlm_intervals_req_decode(const uint8_t *buf, size_t len,
				  struct scmi_tlm_intervals_req *ret)
{
	uint32_t flags;

	if (len != TLM_IV_REQ_LEN)
		return -EPROTO;
	flags = scmi_get_le32(buf + 8);
	if (flags & TLM_IV_REQ_RSVD_MASK)
		return -EINVAL;
	if ((flags & TLM_IV_SEL_MASK) > SCMI_TLM_SEL_ALL)
		return -EINVAL;
	ret->index = scmi_get_le32(buf);
	ret->group_id = scmi_get_le32(buf + 4);
	ret->selector = (uint8_t)(flags & TLM_IV_SEL_MASK);
	return 0;
}

int scmi_tlm_intervals_resp_encode(const struct scmi_tlm_interval *iv,
				   size_t n, bool range, uint8_t *buf,
				   size_t cap, size_t *ret_n)
{
	uint32_t w = 0;
	size_t k, i;
	int r;

	if (range && n != 3)
		return -EINVAL;
	r = tlm_list_fit(n, 4, cap, SCMI_TLM_IV_N_MAX, &k);
	if (r < 0)
		return r;
	/* A range is sent whole or not at all. */
	if (range && k != n)
		return -ENOSPC;
	for (i = 0; i < k; i++) {
		r = scmi_tlm_interval_encode(&iv[i], &w);
		if (r < 0)
			return r;
	}

	scmi_put_le32(buf, (uint32_t)SCMI_SUCCESS);
	w = (uint32_t)k | (range ? SCMI_TLM_IV_RANGE : 0) |
	    (uint32_t)(n - k) << SCMI_TLM_IV_REMAINING_SHIFT;
	scmi_put_le32(buf + 4, w);
	for (i = 0; i < k; i++) {
		scmi_tlm_interval_encode(&iv[i], &w);
		scmi_put_le32(buf + TLM_LIST_HDR_LEN + 4 * i, w);
	}
	*ret_n = k;
	return (int)(TLM_LIST_HDR_LEN + 4 * k);
}

int scmi_tlm_intervals_resp_decode(const uint8_t *buf, size_t len,
				   struct scmi_tlm_intervals_page *ret_page,
				   struct scmi_tlm_interval *iv, size_t cap)
{
	return scmi_tlm_intervals_resp_decode_dev(buf, len, ret_page, iv, cap,
						  NULL);
}

int scmi_tlm_intervals_resp_decode_dev(const uint8_t *buf, size_t len,
				       struct scmi_tlm_intervals_page *ret_page,
				       struct scmi_tlm_interval *iv, size_t cap,
				       uint32_t *dev)
{
	struct scmi_tlm_intervals_page pg;
	struct scmi_tlm_interval cur, prev = { 0, 0 };
	uint32_t flags;
	size_t i;
	int r;

	r = scmi_resp_status_errno(buf, len);
	if (r < 0)
		return r;
	if (len < TLM_LIST_HDR_LEN)
		return -EBADMSG;
	flags = scmi_get_le32(buf + 4);
	if ((flags & SCMI_TLM_IV_RSVD_MASK) &&
	    !scmi_dev_note(dev, SCMI_DEV_RSVD))
		return -EPROTO;
	pg.returned = flags & SCMI_TLM_IV_N_MASK;
	pg.range = flags & SCMI_TLM_IV_RANGE;
	pg.remaining = flags >> SCMI_TLM_IV_REMAINING_SHIFT;
	if (pg.returned == 0 && pg.remaining != 0)
		return -EPROTO;
	if (pg.range && (pg.returned != 3 || pg.remaining != 0))
		return -EPROTO;
	r = tlm_list_len_check(len, pg.returned, 4, dev);
	if (r < 0)
		return r;

	for (i = 0; i < pg.returned; i++) {
		r = scmi_tlm_interval_decode_dev(
			scmi_get_le32(buf + TLM_LIST_HDR_LEN + 4 * i), &cur,
			dev);
		if (r < 0)
			return r;
		/* Linux keeps the list as given; so do we (counted). */
		if (!pg.range && i > 0 &&
		    scmi_tlm_interval_cmp(&prev, &cur) >= 0 &&
		    !scmi_dev_note(dev, SCMI_DEV_IV_ORDER))
			return -EPROTO;
		prev = cur;
	}
	if (pg.returned > cap)
		return -E2BIG;

	for (i = 0; i < pg.returned; i++)
		scmi_tlm_interval_decode_dev(
			scmi_get_le32(buf + TLM_LIST_HDR_LEN + 4 * i), &iv[i],
			dev);
	*ret_page = pg;
	return (int)pg.returned;
}

/* ------------------------------------------------------------------ */
/* DE_CONFIGURE (§4.8)                                                 */

int scmi_tlm_de_configure_req_encode(const struct scmi_tlm_de_configure_req *r,
				     uint8_t *buf, size_t cap)
{
	uint32_t flags;

	if (r->mode > SCMI_TLM_DECFG_MODE_MASK)
		return -ERANGE;
	if (cap < TLM_DECFG_REQ_LEN)
		return -ENOSPC;
	flags = r->mode;
	if (r->disable_all)
		flags |= SCMI_TLM_DECFG_DISABLE_ALL;
	if (r->group)
		flags |= SCMI_TLM_DECFG_GROUP;
	scmi_put_le32(buf, r->id);
	scmi_put_le32(buf + 4, flags);
	return TLM_DECFG_REQ_LEN;
}

int scmi_tlm_de_configure_req_decode(const uint8_t *buf, size_t len,
				     struct scmi_tlm_de_configure_req *ret)
{
	uint32_t flags;
	uint8_t mode;

	if (len != TLM_DECFG_REQ_LEN)
		return -EPROTO;
	flags = scmi_get_le32(buf + 4);
	mode = flags & SCMI_TLM_DECFG_MODE_MASK;
	/* §4.8 order: reserved bits, mode 3, disable_all with a mode. */
	if (flags & SCMI_TLM_DECFG_RSVD_MASK)
		return -EINVAL;
	if (mode == TLM_DECFG_MODE_INVALID)
		return -EINVAL;
	if ((flags & SCMI_TLM_DECFG_DISABLE_ALL) && mode != SCMI_TLM_DE_DISABLE)
		return -EINVAL;
	ret->id = scmi_get_le32(buf);
	ret->mode = mode;
	ret->disable_all = flags & SCMI_TLM_DECFG_DISABLE_ALL;
	ret->group = flags & SCMI_TLM_DECFG_GROUP;
	return 0;
}

int scmi_tlm_de_configure_resp_encode(
	const struct scmi_tlm_de_configure_resp *r, uint8_t *buf, size_t cap)
{
	if (cap < TLM_DECFG_RESP_LEN)
		return -ENOSPC;
	scmi_put_le32(buf, (uint32_t)SCMI_SUCCESS);
	scmi_put_le32(buf + 4, r->shmti_id);
	scmi_put_le32(buf + 8, r->de_offset);
	scmi_put_le32(buf + 12, r->blk_ts_offset);
	return TLM_DECFG_RESP_LEN;
}

int scmi_tlm_de_configure_resp_decode(const uint8_t *buf, size_t len,
				      struct scmi_tlm_de_configure_resp *ret)
{
	return scmi_tlm_de_configure_resp_decode_dev(buf, len, ret, NULL);
}

int scmi_tlm_de_configure_resp_decode_dev(
	const uint8_t *buf, size_t len, struct scmi_tlm_de_configure_resp *ret,
	uint32_t *dev)
{
	struct scmi_tlm_de_configure_resp c;
	int r;

	r = tlm_fixed_resp_check(buf, len, TLM_DECFG_RESP_LEN, dev);
	if (r < 0)
		return r;
	c.shmti_id = scmi_get_le32(buf + 4);
	c.de_offset = scmi_get_le32(buf + 8);
	c.blk_ts_offset = scmi_get_le32(buf + 12);
	/* Lines start on 8-byte boundaries (§7.3); 0 is "not provided". */
	if (c.shmti_id != SCMI_TLM_SHMTI_NONE &&
	    ((c.de_offset & 7) || (c.blk_ts_offset & 7)))
		return -EPROTO;
	*ret = c;
	return 0;
}

/* ------------------------------------------------------------------ */
/* DE_ENABLED_LIST (§4.9)                                              */

int scmi_tlm_enabled_req_encode(const struct scmi_tlm_enabled_req *r,
				uint8_t *buf, size_t cap)
{
	if (cap < TLM_ENL_REQ_LEN)
		return -ENOSPC;
	scmi_put_le32(buf, r->index);
	scmi_put_le32(buf + 4, r->groups ? TLM_ENL_GROUPS : 0);
	return TLM_ENL_REQ_LEN;
}

int scmi_tlm_enabled_req_decode(const uint8_t *buf, size_t len,
				struct scmi_tlm_enabled_req *ret)
{
	uint32_t flags;

	if (len != TLM_ENL_REQ_LEN)
		return -EPROTO;
	flags = scmi_get_le32(buf + 4);
	if (flags & TLM_ENL_REQ_RSVD_MASK)
		return -EINVAL;
	ret->index = scmi_get_le32(buf);
	ret->groups = flags & TLM_ENL_GROUPS;
	return 0;
}

int scmi_tlm_enabled_resp_encode(const struct scmi_tlm_enabled_entry *e,
				 size_t n, uint8_t *buf, size_t cap,
				 size_t *ret_n)
{
	size_t k, i;
	int r;

	r = tlm_list_fit(n, TLM_ENL_ENTRY_SIZE, cap, TLM_LIST_MAX, &k);
	if (r < 0)
		return r;

	tlm_list_put_hdr(buf, k, n - k);
	for (i = 0; i < k; i++) {
		uint8_t *p = buf + TLM_LIST_HDR_LEN + TLM_ENL_ENTRY_SIZE * i;

		scmi_put_le32(p, e[i].id);
		scmi_put_le32(p + 4, e[i].mode);
	}
	*ret_n = k;
	return (int)(TLM_LIST_HDR_LEN + TLM_ENL_ENTRY_SIZE * k);
}

int scmi_tlm_enabled_resp_decode(const uint8_t *buf, size_t len,
				 struct scmi_list_hdr *ret_hdr,
				 struct scmi_tlm_enabled_entry *e, size_t cap)
{
	return scmi_tlm_enabled_resp_decode_dev(buf, len, ret_hdr, e, cap,
						NULL);
}

/*
 * An entry's mode: 1 or 2. Tolerant: reserved bits [31:2] are ignored and
 * an entry listed with mode 0 or 3 is enabled, with timestamps iff bit 1.
 */
static int tlm_enl_mode(uint32_t w, uint32_t *dev)
{
	uint32_t m = w & SCMI_TLM_DECFG_MODE_MASK;

	if ((w & ~SCMI_TLM_DECFG_MODE_MASK) &&
	    !scmi_dev_note(dev, SCMI_DEV_RSVD))
		return -EPROTO;
	if (m == SCMI_TLM_DE_ENABLE || m == SCMI_TLM_DE_ENABLE_TS)
		return (int)m;
	if (!scmi_dev_note(dev, SCMI_DEV_ENABLED_MODE))
		return -EPROTO;
	return m & 2 ? SCMI_TLM_DE_ENABLE_TS : SCMI_TLM_DE_ENABLE;
}

int scmi_tlm_enabled_resp_decode_dev(const uint8_t *buf, size_t len,
				     struct scmi_list_hdr *ret_hdr,
				     struct scmi_tlm_enabled_entry *e,
				     size_t cap, uint32_t *dev)
{
	struct scmi_list_hdr h;
	size_t i;
	int r;

	r = tlm_list_get_hdr(buf, len, &h);
	if (r < 0)
		return r;
	r = tlm_list_len_check(len, h.returned, TLM_ENL_ENTRY_SIZE, dev);
	if (r < 0)
		return r;
	for (i = 0; i < h.returned; i++) {
		uint32_t mode = scmi_get_le32(buf + TLM_LIST_HDR_LEN +
					      TLM_ENL_ENTRY_SIZE * i + 4);

		r = tlm_enl_mode(mode, dev);
		if (r < 0)
			return r;
	}
	if (h.returned > cap)
		return -E2BIG;

	for (i = 0; i < h.returned; i++) {
		const uint8_t *p = buf + TLM_LIST_HDR_LEN +
				   TLM_ENL_ENTRY_SIZE * i;

		e[i].id = scmi_get_le32(p);
		e[i].mode = (uint8_t)tlm_enl_mode(scmi_get_le32(p + 4), dev);
	}
	*ret_hdr = h;
	return (int)h.returned;
}

/* ------------------------------------------------------------------ */
/* CONFIG_SET (§4.10) / CONFIG_GET (§4.11)                             */

int scmi_tlm_config_set_req_encode(const struct scmi_tlm_config_set_req *r,
				   uint8_t *buf, size_t cap)
{
	uint32_t w;
	int ret;

	if (r->mode > TLM_FIELD4_MAX || r->selector > TLM_FIELD4_MAX)
		return -ERANGE;
	ret = scmi_tlm_interval_encode(&r->interval, &w);
	if (ret < 0)
		return ret;
	if (cap < TLM_CFGSET_REQ_LEN)
		return -ENOSPC;
	scmi_put_le32(buf, r->group_id);
	scmi_put_le32(buf + 4,
		      (r->enable ? SCMI_TLM_CTRL_ENABLE : 0) |
		      (uint32_t)r->mode << SCMI_TLM_CTRL_MODE_SHIFT |
		      (uint32_t)r->selector << SCMI_TLM_CTRL_SEL_SHIFT);
	scmi_put_le32(buf + 8, w);
	return TLM_CFGSET_REQ_LEN;
}

int scmi_tlm_config_set_req_decode(const uint8_t *buf, size_t len,
				   struct scmi_tlm_config_set_req *ret)
{
	struct scmi_tlm_config_set_req c;
	uint32_t ctrl;

	if (len != TLM_CFGSET_REQ_LEN)
		return -EPROTO;
	ctrl = scmi_get_le32(buf + 4);
	if (ctrl & SCMI_TLM_CTRL_RSVD_MASK)
		return -EINVAL;

	c.group_id = scmi_get_le32(buf);
	c.enable = ctrl & SCMI_TLM_CTRL_ENABLE;
	c.mode = (uint8_t)((ctrl & SCMI_TLM_CTRL_MODE_MASK) >>
			   SCMI_TLM_CTRL_MODE_SHIFT);
	c.selector = (uint8_t)((ctrl & SCMI_TLM_CTRL_SEL_MASK) >>
			       SCMI_TLM_CTRL_SEL_SHIFT);
	if (c.selector > SCMI_TLM_SEL_ALL)
		return -EINVAL;
	if (c.enable && c.mode > SCMI_TLM_MODE_SINGLE)
		return -EINVAL;
	/* sampling_rate is ignored when disabling or for a single sample. */
	if (c.enable && c.mode != SCMI_TLM_MODE_SINGLE) {
		if (scmi_tlm_interval_decode(scmi_get_le32(buf + 8),
					     &c.interval) < 0)
			return -EINVAL;
	} else {
		c.interval.secs = 0;
		c.interval.exp = 0;
	}
	*ret = c;
	return 0;
}

int scmi_tlm_config_get_req_encode(const struct scmi_tlm_config_get_req *r,
				   uint8_t *buf, size_t cap)
{
	if (r->selector > TLM_FIELD4_MAX)
		return -ERANGE;
	if (cap < TLM_CFGGET_REQ_LEN)
		return -ENOSPC;
	scmi_put_le32(buf, r->group_id);
	scmi_put_le32(buf + 4, r->selector);
	return TLM_CFGGET_REQ_LEN;
}

int scmi_tlm_config_get_req_decode(const uint8_t *buf, size_t len,
				   struct scmi_tlm_config_get_req *ret)
{
	uint32_t flags;

	if (len != TLM_CFGGET_REQ_LEN)
		return -EPROTO;
	flags = scmi_get_le32(buf + 4);
	if (flags & TLM_CFGGET_RSVD_MASK)
		return -EINVAL;
	if ((flags & TLM_CFGGET_SEL_MASK) > SCMI_TLM_SEL_ALL)
		return -EINVAL;
	ret->group_id = scmi_get_le32(buf);
	ret->selector = (uint8_t)(flags & TLM_CFGGET_SEL_MASK);
	return 0;
}

int scmi_tlm_config_get_resp_encode(const struct scmi_tlm_config_get_resp *r,
				    uint8_t *buf, size_t cap)
{
	uint32_t w;
	int ret;

	if (r->mode > TLM_FIELD4_MAX)
		return -ERANGE;
	ret = scmi_tlm_interval_encode(&r->interval, &w);
	if (ret < 0)
		return ret;
	if (cap < TLM_CFGGET_RESP_LEN)
		return -ENOSPC;
	scmi_put_le32(buf, (uint32_t)SCMI_SUCCESS);
	scmi_put_le32(buf + 4, (r->enable ? SCMI_TLM_CTRL_ENABLE : 0) |
			       (uint32_t)r->mode << SCMI_TLM_CTRL_MODE_SHIFT);
	scmi_put_le32(buf + 8, w);
	return TLM_CFGGET_RESP_LEN;
}

int scmi_tlm_config_get_resp_decode(const uint8_t *buf, size_t len,
				    struct scmi_tlm_config_get_resp *ret)
{
	return scmi_tlm_config_get_resp_decode_dev(buf, len, ret, NULL);
}

int scmi_tlm_config_get_resp_decode_dev(const uint8_t *buf, size_t len,
					struct scmi_tlm_config_get_resp *ret,
					uint32_t *dev)
{
	struct scmi_tlm_config_get_resp c;
	uint32_t ctrl;
	int r;

	r = tlm_fixed_resp_check(buf, len, TLM_CFGGET_RESP_LEN, dev);
	if (r < 0)
		return r;
	ctrl = scmi_get_le32(buf + 4);
	if ((ctrl & SCMI_TLM_CTRL_RSVD_MASK) &&
	    !scmi_dev_note(dev, SCMI_DEV_RSVD))
		return -EPROTO;
	c.enable = ctrl & SCMI_TLM_CTRL_ENABLE;
	c.mode = (uint8_t)((ctrl & SCMI_TLM_CTRL_MODE_MASK) >>
			   SCMI_TLM_CTRL_MODE_SHIFT);
	if (c.mode > SCMI_TLM_MODE_SINGLE)
		return -EPROTO;
	/* control[8:5] may echo the selector: tolerated, not reported. */
	r = scmi_tlm_interval_decode_dev(scmi_get_le32(buf + 8), &c.interval,
					 dev);
	if (r < 0)
		return r;
	*ret = c;
	return 0;
}

/* ------------------------------------------------------------------ */
/* RESET (§4.12)                                                       */

int scmi_tlm_reset_req_encode(uint8_t *buf, size_t cap)
{
	return scmi_u32_req_encode(0, buf, cap);
}

int scmi_tlm_reset_req_decode(const uint8_t *buf, size_t len)
{
	if (len != TLM_RESET_REQ_LEN)
		return -EPROTO;
	if (scmi_get_le32(buf) != 0)
		return -EINVAL;
	return 0;
}

/* ------------------------------------------------------------------ */
/* Lines in messages (§4.10, §4.13, §9)                                */

/*
 * Encode num_dwords and the lines at buf (@hdr bytes of fixed fields are
 * already accounted for by the caller): checks nbytes and room.
 */
static int tlm_lines_fit(size_t hdr, size_t nbytes, size_t cap)
{
	/* Whole lines are qword multiples (§7.3). */
	if (nbytes % 8)
		return -EINVAL;
	/* The byte count is returned as an int (so num_dwords fits a u32). */
	if (nbytes > (size_t)INT_MAX - hdr)
		return -ERANGE;
	if (cap < hdr || cap - hdr < nbytes)
		return -ENOSPC;
	return 0;
}

/*
 * Decode num_dwords at buf[0..3] and check it against the @left bytes that
 * follow it: even (-EPROTO), exact (-EBADMSG short, -EMSGSIZE long).
 */
static int tlm_lines_get(const uint8_t *p, size_t left,
			 struct scmi_tlm_lines *ret, uint32_t *dev)
{
	uint32_t num = scmi_get_le32(p);
	uint64_t need = (uint64_t)num * 4;

	if (num & 1)
		return -EPROTO;
	if ((uint64_t)left < need)
		return -EBADMSG;
	if ((uint64_t)left > need && !scmi_dev_note(dev, SCMI_DEV_LONG))
		return -EMSGSIZE;
	ret->num_dwords = num;
	ret->lines = num ? p + 4 : NULL;
	return 0;
}

int scmi_tlm_reading_complete_encode(int32_t status, const uint8_t *lines,
				     size_t nbytes, uint8_t *buf, size_t cap)
{
	int r;

	r = tlm_lines_fit(TLM_RC_HDR_LEN, nbytes, cap);
	if (r < 0)
		return r;
	scmi_put_le32(buf, (uint32_t)status);
	scmi_put_le32(buf + 4, (uint32_t)(nbytes / 4));
	if (nbytes)
		memcpy(buf + TLM_RC_HDR_LEN, lines, nbytes);
	return (int)(TLM_RC_HDR_LEN + nbytes);
}

int scmi_tlm_reading_complete_decode(const uint8_t *buf, size_t len,
				     struct scmi_tlm_reading_complete *ret)
{
	return scmi_tlm_reading_complete_decode_dev(buf, len, ret, NULL);
}

int scmi_tlm_reading_complete_decode_dev(const uint8_t *buf, size_t len,
					 struct scmi_tlm_reading_complete *ret,
					 uint32_t *dev)
{
	struct scmi_tlm_reading_complete rc;
	int32_t status;
	int r;

	r = scmi_resp_status(buf, len, &status);
	if (r < 0)
		return r;
	rc.status_errno = scmi_status_to_errno(status);
	rc.partial = status == SCMI_PARTIAL;
	rc.lines.num_dwords = 0;
	rc.lines.lines = NULL;

	/* Only these statuses carry data (§4.10). */
	if (status == SCMI_SUCCESS || status == SCMI_HARDWARE_ERROR ||
	    status == SCMI_PARTIAL) {
		if (len < TLM_RC_HDR_LEN)
			return -EBADMSG;
		r = tlm_lines_get(buf + 4, len - TLM_RC_HDR_LEN, &rc.lines,
				  dev);
		if (r < 0)
			return r;
	}
	*ret = rc;
	return 0;
}

int scmi_tlm_update_encode(uint32_t agent_id, int32_t status,
			   const uint8_t *lines, size_t nbytes, uint8_t *buf,
			   size_t cap)
{
	int r;

	r = tlm_lines_fit(TLM_UPD_HDR_LEN, nbytes, cap);
	if (r < 0)
		return r;
	scmi_put_le32(buf, agent_id);
	scmi_put_le32(buf + 4, (uint32_t)status);
	scmi_put_le32(buf + 8, (uint32_t)(nbytes / 4));
	if (nbytes)
		memcpy(buf + TLM_UPD_HDR_LEN, lines, nbytes);
	return (int)(TLM_UPD_HDR_LEN + nbytes);
}

int scmi_tlm_update_decode(const uint8_t *buf, size_t len,
			   struct scmi_tlm_update *ret)
{
	return scmi_tlm_update_decode_dev(buf, len, ret, NULL);
}

int scmi_tlm_update_decode_dev(const uint8_t *buf, size_t len,
			       struct scmi_tlm_update *ret, uint32_t *dev)
{
	struct scmi_tlm_update u;
	int r;

	if (len < TLM_UPD_HDR_LEN)
		return -EBADMSG;
	r = tlm_lines_get(buf + 8, len - TLM_UPD_HDR_LEN, &u.lines, dev);
	if (r < 0)
		return r;
	u.agent_id = scmi_get_le32(buf);
	u.status_errno = scmi_status_to_errno((int32_t)scmi_get_le32(buf + 4));
	*ret = u;
	return 0;
}

/* ------------------------------------------------------------------ */

const char *scmi_tlm_msg_name(uint8_t id)
{
	static const char *const names[] = {
		[SCMI_TLM_PROTOCOL_VERSION] = "PROTOCOL_VERSION",
		[SCMI_TLM_PROTOCOL_ATTRIBUTES] = "PROTOCOL_ATTRIBUTES",
		[SCMI_TLM_PROTOCOL_MESSAGE_ATTRIBUTES] =
			"PROTOCOL_MESSAGE_ATTRIBUTES",
		[SCMI_TLM_LIST_SHMTI] = "LIST_SHMTI",
		[SCMI_TLM_DE_DESCRIPTION] = "DE_DESCRIPTION",
		[SCMI_TLM_LIST_UPDATE_INTERVALS] = "LIST_UPDATE_INTERVALS",
		[SCMI_TLM_DE_CONFIGURE] = "DE_CONFIGURE",
		[SCMI_TLM_DE_ENABLED_LIST] = "DE_ENABLED_LIST",
		[SCMI_TLM_CONFIG_SET] = "CONFIG_SET",
		[SCMI_TLM_CONFIG_GET] = "CONFIG_GET",
		[SCMI_TLM_RESET] = "RESET",
		[SCMI_TLM_NEGOTIATE_PROTOCOL_VERSION] =
			"NEGOTIATE_PROTOCOL_VERSION",
	};

	if (id >= ARRAY_SIZE(names) || !names[id])
		return "UNKNOWN";
	return names[id];
}
