// SPDX-License-Identifier: MIT
/*
 * Copyright (c) 2026 The stlm authors
 *
 * Fault injection. A fault spec is "KIND[:KEY=VALUE[,KEY=VALUE]...]":
 *
 *   delay     ms=N            reply N ms late (default 100)
 *   drop                      never reply
 *   status    status=S        reply with status S only (name or number)
 *   length    bytes=N         grow (N > 0, zero bytes) or cut (N < 0) the reply
 *   token                     reply with the wrong token
 *   reserved                  set reserved bits in the reply
 *   torn      shmti=N         leave match_end != match_start after a pass
 *   stuck     shmti=N         leave match_start odd (writer hung) until cleared
 *   reset     ms=N change=0|1 platform reset after N ms (optionally with a
 *                             changed DE set and revision)
 *   flood     count=N         N TELEMETRY_UPDATE notifications at once
 *   lax                       a platform to the letter of "ignore reserved":
 *                             every Base and Telemetry reply gets its
 *                             reserved bits set (a value-preserving quirk
 *                             Linux ignores)
 *                             and 8 bytes of padding when they fit, and
 *                             every SHMTI data line written meanwhile gets
 *                             metadata bits [31:8] set
 *
 * Common keys: msg=ID and proto=ID restrict command faults to one message
 * (default: every command); after=N lets N matches through first; count=N
 * fires N times (default: forever; reset once; flood 100).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base.h"
#include "internal.h"

static const struct {
	const char *name;
	enum fault_kind kind;
} kinds[] = {
	{ "delay", FAULT_DELAY },   { "drop", FAULT_DROP },
	{ "status", FAULT_STATUS }, { "length", FAULT_LENGTH },
	{ "token", FAULT_TOKEN },   { "reserved", FAULT_RESERVED },
	{ "torn", FAULT_TORN },	    { "stuck", FAULT_STUCK },
	{ "reset", FAULT_RESET },   { "flood", FAULT_FLOOD },
	{ "lax", FAULT_LAX },
};

static const char *const status_names[] = {
	"SUCCESS",	   "NOT_SUPPORTED", "INVALID_PARAMETERS",
	"DENIED",	   "NOT_FOUND",	    "OUT_OF_RANGE",
	"BUSY",		   "COMMS_ERROR",   "GENERIC_ERROR",
	"HARDWARE_ERROR", "PROTOCOL_ERROR", "IN_USE",
	"PARTIAL",
};

static int parse_long(const char *s, long min, long max, long *ret)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 0);
	if (errno || end == s || *end || v < min || v > max)
		return -EINVAL;
	*ret = v;
	return 0;
}

int stlmp_fault_parse(const char *spec, struct fault *f, char *err,
		      size_t errlen)
{
	char buf[256], *kv, *save = NULL;
	const char *colon;
	size_t klen;
	bool found = false;

	if (strlen(spec) >= sizeof(buf)) {
		snprintf(err, errlen, "spec too long");
		return -EINVAL;
	}
	memset(f, 0, sizeof(*f));
	f->proto = -1;
	f->msg = -1;
	f->count = -1;
	f->shmti = -1;
	colon = strchr(spec, ':');
	klen = colon ? (size_t)(colon - spec) : strlen(spec);
	for (size_t i = 0; i < ARRAY_SIZE(kinds); i++) {
		if (strlen(kinds[i].name) == klen &&
		    !strncmp(kinds[i].name, spec, klen)) {
			f->kind = kinds[i].kind;
			found = true;
		}
	}
	if (!found) {
		snprintf(err, errlen,
			 "unknown fault kind '%.*s' (delay, drop, status, length, "
			 "token, reserved, torn, stuck, reset, flood)",
			 (int)klen, spec);
		return -EINVAL;
	}
	if (f->kind == FAULT_DELAY)
		f->ms = 100;
	if (f->kind == FAULT_RESET)
		f->count = 1;
	if (f->kind == FAULT_FLOOD)
		f->count = 100;
	if (f->kind == FAULT_STATUS)
		f->status = SCMI_BUSY;
	if (!colon) {
		if (f->kind == FAULT_LENGTH) {
			snprintf(err, errlen, "length needs bytes=N (N != 0)");
			return -EINVAL;
		}
		return 0;
	}

	strcpy(buf, colon + 1);
	for (kv = strtok_r(buf, ",", &save); kv; kv = strtok_r(NULL, ",", &save)) {
		char *eq = strchr(kv, '=');
		long v = 0;
		int r = 0;

		if (!eq) {
			snprintf(err, errlen, "'%s': expected KEY=VALUE", kv);
			return -EINVAL;
		}
		*eq++ = 0;
		if (!strcmp(kv, "msg")) {
			r = parse_long(eq, 0, 255, &v);
			f->msg = (int)v;
		} else if (!strcmp(kv, "proto")) {
			r = parse_long(eq, 0, 255, &v);
			f->proto = (int)v;
		} else if (!strcmp(kv, "after")) {
			r = parse_long(eq, 0, 1000000000, &v);
			f->after = (int)v;
		} else if (!strcmp(kv, "count")) {
			r = parse_long(eq, -1, 1000000000, &v);
			f->count = (int)v;
		} else if (!strcmp(kv, "ms") &&
			   (f->kind == FAULT_DELAY || f->kind == FAULT_RESET)) {
			r = parse_long(eq, 0, 600000, &v);
			f->ms = (int)v;
		} else if (!strcmp(kv, "bytes") && f->kind == FAULT_LENGTH) {
			r = parse_long(eq, -4096, 4096, &v);
			f->bytes = (int)v;
			if (!r && v == 0)
				r = -EINVAL;
		} else if (!strcmp(kv, "shmti") &&
			   (f->kind == FAULT_TORN || f->kind == FAULT_STUCK)) {
			r = parse_long(eq, 0, 65535, &v);
			f->shmti = (int)v;
		} else if (!strcmp(kv, "change") && f->kind == FAULT_RESET) {
			r = parse_long(eq, 0, 1, &v);
			f->change = v;
		} else if (!strcmp(kv, "status") && f->kind == FAULT_STATUS) {
			r = -EINVAL;
			for (size_t i = 0; i < ARRAY_SIZE(status_names); i++)
				if (!strcasecmp(eq, status_names[i])) {
					f->status = -(int32_t)i;
					r = 0;
				}
			if (r) {
				r = parse_long(eq, -1000, 1000, &v);
				f->status = (int32_t)v;
			}
		} else {
			snprintf(err, errlen, "unknown key '%s' for this fault", kv);
			return -EINVAL;
		}
		if (r) {
			snprintf(err, errlen, "bad value '%s' for '%s'", eq, kv);
			return -EINVAL;
		}
	}
	if (f->kind == FAULT_LENGTH && f->bytes == 0) {
		snprintf(err, errlen, "length needs bytes=N (N != 0)");
		return -EINVAL;
	}
	return 0;
}

/* Count a match; true if the fault fires now. */
static bool fire(struct fault *f)
{
	if (f->count == 0)
		return false;
	if (f->after > 0) {
		f->after--;
		return false;
	}
	if (f->count > 0)
		f->count--;
	return true;
}

static bool is_command_fault(enum fault_kind k)
{
	return k == FAULT_DELAY || k == FAULT_DROP || k == FAULT_STATUS ||
	       k == FAULT_LENGTH || k == FAULT_TOKEN || k == FAULT_RESERVED ||
	       k == FAULT_LAX;
}

static void or32(uint8_t *p, uint32_t bits)
{
	scmi_put_le32(p, scmi_get_le32(p) | bits);
}

/*
 * FAULT_LAX on a SUCCESS Base reply (payload @b of @n bytes, from the
 * status): the reserved bits of PROTOCOL_ATTRIBUTES, the padding bytes of
 * DISCOVER_LIST_PROTOCOLS' last word. Names keep their NUL: a name cut
 * to 15 characters would change a value.
 */
static void lax_base(const struct scmi_hdr *h, uint8_t *b, size_t n)
{
	uint32_t num;

	switch (h->id) {
	case SCMI_BASE_PROTOCOL_ATTRIBUTES:
		if (n >= 8)
			or32(b + 4, 0xFFFF0000u);
		break;
	case SCMI_BASE_DISCOVER_LIST_PROTOCOLS:
		if (n < 8)
			break;
		num = scmi_get_le32(b + 4);
		for (size_t k = 8 + (size_t)num; k < n && (k & 3); k++)
			b[k] = 0xA5;
		break;
	default:
		break;
	}
}

/*
 * FAULT_LAX on a SUCCESS Base or Telemetry reply (header at reply[0], status at
 * reply[4]): set the reserved bits of every field that has them, without
 * changing any value, then pad with 8 non-zero bytes if the reply stays
 * within the message size.
 */
static void lax_reply(struct stlmp_platform *p, const struct scmi_hdr *h,
		      uint8_t *reply, size_t *len)
{
	uint8_t *b = reply + 4;	/* payload, from the status */
	size_t n = *len - 4, k;

	if (n < 4 || scmi_get_le32(b))
		return;
	if (h->proto == SCMI_PROTO_BASE) {
		lax_base(h, b, n);
		goto pad;
	}
	if (h->proto != SCMI_PROTO_TELEMETRY)
		return;
	switch (h->id) {
	case SCMI_TLM_PROTOCOL_ATTRIBUTES:
		if (n >= 32)
			or32(b + 28, SCMI_TLM_ATTR_RSVD_MASK);
		break;
	case SCMI_TLM_LIST_SHMTI:
		/* flags word of every descriptor */
		for (k = 8; k + SCMI_TLM_SHMTI_DESC_SIZE <= n;
		     k += SCMI_TLM_SHMTI_DESC_SIZE)
			or32(b + k + 16, 0xFFFFFFFFu);
		break;
	case SCMI_TLM_DE_DESCRIPTION:
		for (k = 8; k + SCMI_TLM_DE_DESC_FIXED_SIZE <= n;) {
			uint32_t a1 = scmi_get_le32(b + k + 12);
			size_t sz = SCMI_TLM_DE_DESC_FIXED_SIZE;

			if ((a1 & SCMI_TLM_DE_A1_TS_MASK) == SCMI_TLM_TS_LINE)
				sz += 4;
			if (a1 & SCMI_TLM_DE_A1_FC)
				sz += 12;
			if (a1 & SCMI_TLM_DE_A1_NAME)
				sz += SCMI_TLM_DE_NAME_LEN;
			or32(b + k + 12, SCMI_TLM_DE_A1_RSVD_MASK);
			or32(b + k + 20, 0x80000001u); /* attributes_3 */
			k += sz;
		}
		break;
	case SCMI_TLM_LIST_UPDATE_INTERVALS:
		if (n < 8)
			break;
		or32(b + 4, SCMI_TLM_IV_RSVD_MASK);
		for (k = 8; k + 4 <= n; k += 4)
			or32(b + k, SCMI_TLM_INTERVAL_RSVD_MASK);
		break;
	case SCMI_TLM_DE_ENABLED_LIST:
		for (k = 8; k + 8 <= n; k += 8)
			or32(b + k + 4, ~SCMI_TLM_DECFG_MODE_MASK);
		break;
	case SCMI_TLM_CONFIG_GET:
		if (n >= 12) {
			or32(b + 4, SCMI_TLM_CTRL_RSVD_MASK);
			or32(b + 8, SCMI_TLM_INTERVAL_RSVD_MASK);
		}
		break;
	default:
		break;
	}
pad:
	if (*len + 8 <= stlmp_platform_max_msg(p)) {
		memset(reply + *len, 0xA5, 8);
		*len += 8;
	}
}

int stlmp_fault_reply(struct stlmp_platform *p, const struct scmi_hdr *h,
		      uint8_t *reply, size_t *len, size_t cap)
{
	int delay = 0;

	for (struct fault *f = p->faults; f; f = f->next) {
		if (!is_command_fault(f->kind))
			continue;
		if (f->proto >= 0 && f->proto != h->proto)
			continue;
		if (f->msg >= 0 && f->msg != h->id)
			continue;
		if (!fire(f))
			continue;
		switch (f->kind) {
		case FAULT_DELAY:
			if (f->ms > delay)
				delay = f->ms;
			break;
		case FAULT_DROP:
			stlmp_log(p, STLMP_LOG_DEBUG, "fault: dropping reply");
			return -1;
		case FAULT_STATUS:
			scmi_put_le32(reply + 4, (uint32_t)f->status);
			*len = 8;
			break;
		case FAULT_LENGTH:
			if (f->bytes < 0) {
				size_t cut = (size_t)-f->bytes;

				*len = *len > 4 + cut ? *len - cut : 4;
			} else {
				size_t grow = (size_t)f->bytes;

				if (*len + grow > cap)
					grow = cap - *len;
				memset(reply + *len, 0, grow);
				*len += grow;
			}
			break;
		case FAULT_TOKEN: {
			struct scmi_hdr bad = *h;

			bad.token = (uint16_t)((h->token + 1) & SCMI_TOKEN_MAX);
			scmi_put_le32(reply, scmi_hdr_pack(&bad));
			break;
		}
		case FAULT_RESERVED:
			if (h->proto == SCMI_PROTO_TELEMETRY &&
			    h->id == SCMI_TLM_PROTOCOL_ATTRIBUTES && *len >= 36 &&
			    scmi_get_le32(reply + 4) == 0) {
				/* attributes_1 bit 25 is reserved */
				uint32_t a = scmi_get_le32(reply + 8 + 24);

				scmi_put_le32(reply + 8 + 24, a | (1u << 25));
			} else {
				scmi_put_le32(reply, scmi_get_le32(reply) |
							     0x80000000u);
			}
			break;
		case FAULT_LAX:
			lax_reply(p, h, reply, len);
			break;
		default:
			break;
		}
	}
	return delay;
}

bool stlmp_fault_shmti(struct stlmp_platform *p, uint32_t shmti, bool *stuck)
{
	bool torn = false;

	*stuck = false;
	for (struct fault *f = p->faults; f; f = f->next) {
		if (f->kind != FAULT_TORN && f->kind != FAULT_STUCK)
			continue;
		if (f->shmti >= 0 && (uint32_t)f->shmti != shmti)
			continue;
		if (!fire(f))
			continue;
		if (f->kind == FAULT_TORN)
			torn = true;
		else
			*stuck = true;
	}
	return torn;
}

bool stlmp_fault_lax_lines(const struct stlmp_platform *p)
{
	for (const struct fault *f = p->faults; f; f = f->next)
		if (f->kind == FAULT_LAX && f->count != 0 && f->after <= 0)
			return true;
	return false;
}

void stlmp_fault_free_all(struct stlmp_platform *p)
{
	while (p->faults) {
		struct fault *f = p->faults;

		p->faults = f->next;
		free(f);
	}
}
