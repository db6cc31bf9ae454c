// SPDX-License-Identifier: MIT
/*
 * Copyright (c) 2026 The stlm authors
 *
 * stlm_check_run(): a firmware conformance checker. Every reply is decoded
 * by the strict decoders of lib/proto and, when they refuse it, by the
 * tolerant ones to tell a deviation Linux steps over (a warning) from a
 * reply nothing can use (an error). Behavioural checks follow: paging,
 * DE enable/disable, the interval list, a single read, TDCF match
 * sequences over time, FastChannel layout, RESET (on request). Commands go
 * through the backend's raw exchange (backend.h, xfer op). Section numbers
 * are those of docs/codec.md.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base.h"
#include "session.h"

#define CHK_MAX_PAGES	4096u	/* bound on any paged walk */
#define CHK_TDCF_PASSES	20	/* match-sequence samples per SHMTI */

struct chk {
	struct stlm_session *s;
	stlm_check_fn fn;
	void *data;
	int n;
	size_t cap;
	uint8_t *buf;	/* reply */
	uint8_t *dbuf;	/* delayed reply */
	/* deviation kinds already reported, per message (first one only) */
	const char *dev_msg[16];
	uint32_t dev_seen[16];
	unsigned int dev_repeats;
};

static void finding(struct chk *c, int sev, const char *rule,
		    const char *sec, const uint8_t *bytes, size_t nb,
		    const char *fmt, ...) __attribute__((format(printf, 7, 8)));

static void finding(struct chk *c, int sev, const char *rule,
		    const char *sec, const uint8_t *bytes, size_t nb,
		    const char *fmt, ...)
{
	struct stlm_check_finding f = { .rule = rule, .section = sec,
					.severity = sev };
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(f.message, sizeof(f.message), fmt, ap);
	va_end(ap);
	if (bytes) {
		f.n_bytes = nb < sizeof(f.bytes) ? nb : sizeof(f.bytes);
		memcpy(f.bytes, bytes, f.n_bytes);
	}
	c->n++;
	if (c->fn)
		c->fn(c->data, &f);
}

/* One finding per deviation kind in @dev, at warning severity. */
static void deviations(struct chk *c, uint32_t dev, const char *msg,
		       const char *sec, const uint8_t *b, size_t n)
{
	static const char *const rule[SCMI_DEV_KINDS] = {
		"reserved-bits", "long-reply", "shmti-flags",
		"shmti-alignment", "name", "tdcf-meta", "interval-order",
		"enabled-mode",
	};
	static const char *const what[SCMI_DEV_KINDS] = {
		"reserved bits set", "reply longer than its content",
		"SHMTI flags word not zero", "SHMTI address not 8-byte aligned",
		"DE name without NUL or not printable",
		"TDCF line metadata bits [31:8] set",
		"interval list not strictly ascending",
		"enabled-list entry with mode 0 or 3",
	};

	size_t m;

	for (m = 0; m < 16 && c->dev_msg[m] && strcmp(c->dev_msg[m], msg); m++)
		;
	if (m < 16) {
		c->dev_msg[m] = msg;
		if (!(dev & ~c->dev_seen[m])) {
			c->dev_repeats++;
			return;
		}
		dev &= ~c->dev_seen[m];
		c->dev_seen[m] |= dev;
	}
	for (unsigned int k = 0; k < SCMI_DEV_KINDS; k++)
		if (dev & SCMI_DEV(k))
			finding(c, STLM_CHECK_WARNING, rule[k], sec, b, n,
				"%s: %s (Linux tolerates it)", msg, what[k]);
}

static int tx(struct chk *c, uint8_t id, const void *req, size_t len)
{
	return c->s->ops->xfer(c->s, SCMI_PROTO_TELEMETRY, id, req, len,
			       c->buf, c->cap, NULL, 0, NULL);
}

/*
 * Judge one reply: strict decode r_strict (0 or count on success); when
 * it failed, r_tol/dev from the tolerant decoder. Returns true when the
 * reply can be used.
 */
static bool judge(struct chk *c, const char *msg, const char *sec,
		  size_t n, int r_strict, int r_tol, uint32_t dev)
{
	if (r_strict >= 0)
		return true;
	if (r_tol >= 0 && dev) {
		deviations(c, dev, msg, sec, c->buf, n);
		return true;
	}
	finding(c, STLM_CHECK_ERROR, "malformed-reply", sec, c->buf, n,
		"%s: reply cannot be decoded: %s", msg, strerror(-r_tol));
	return false;
}

/*
 * Base discovery (§2.7): the replies an agent reads at open. The session
 * steps over their deviations (the _dev decoders); here they are findings.
 */
static void check_base(struct chk *c)
{
	static const struct {
		uint8_t id;
		const char *name;
	} names[] = {
		{ SCMI_BASE_DISCOVER_VENDOR, "DISCOVER_VENDOR" },
		{ SCMI_BASE_DISCOVER_SUB_VENDOR, "DISCOVER_SUB_VENDOR" },
	};
	struct scmi_base_attrs ba;
	char name[SCMI_SHORT_NAME_LEN];
	uint8_t ids[256], q[4];
	uint32_t dev = 0;
	int n, r, t;

	n = c->s->ops->xfer(c->s, SCMI_PROTO_BASE,
			    SCMI_BASE_PROTOCOL_ATTRIBUTES, NULL, 0, c->buf,
			    c->cap, NULL, 0, NULL);
	if (n >= 0) {
		r = scmi_base_attrs_resp_decode(c->buf, (size_t)n, &ba);
		t = scmi_base_attrs_resp_decode_dev(c->buf, (size_t)n, &ba,
						    &dev);
		judge(c, "Base PROTOCOL_ATTRIBUTES", "2.7", (size_t)n, r, t,
		      dev);
	}
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		dev = 0;
		n = c->s->ops->xfer(c->s, SCMI_PROTO_BASE, names[i].id, NULL,
				    0, c->buf, c->cap, NULL, 0, NULL);
		if (n < 0)
			continue;
		r = scmi_base_name_resp_decode(c->buf, (size_t)n, name);
		t = scmi_base_name_resp_decode_dev(c->buf, (size_t)n, name,
						   &dev);
		judge(c, names[i].name, "2.7", (size_t)n, r, t, dev);
	}
	dev = 0;
	scmi_u32_req_encode(0, q, sizeof(q));
	n = c->s->ops->xfer(c->s, SCMI_PROTO_BASE,
			    SCMI_BASE_DISCOVER_LIST_PROTOCOLS, q, sizeof(q),
			    c->buf, c->cap, NULL, 0, NULL);
	if (n >= 0) {
		r = scmi_base_list_protocols_resp_decode(c->buf, (size_t)n,
							 ids, sizeof(ids));
		t = scmi_base_list_protocols_resp_decode_dev(
			c->buf, (size_t)n, ids, sizeof(ids), &dev);
		judge(c, "DISCOVER_LIST_PROTOCOLS", "2.7", (size_t)n, r, t,
		      dev);
	}
}

static void check_attrs(struct chk *c, struct scmi_tlm_attrs *a)
{
	uint32_t dev = 0, v;
	int n, r, t;

	n = tx(c, SCMI_TLM_PROTOCOL_VERSION, NULL, 0);
	if (n >= 0) {
		r = scmi_u32_resp_decode(c->buf, (size_t)n, &v);
		t = scmi_u32_resp_decode_dev(c->buf, (size_t)n, &v, &dev);
		judge(c, "PROTOCOL_VERSION", "4.1", (size_t)n, r, t, dev);
	}
	dev = 0;
	n = tx(c, SCMI_TLM_PROTOCOL_ATTRIBUTES, NULL, 0);
	if (n < 0)
		return;
	r = scmi_tlm_attrs_resp_decode(c->buf, (size_t)n, a);
	t = scmi_tlm_attrs_resp_decode_dev(c->buf, (size_t)n, a, &dev);
	judge(c, "PROTOCOL_ATTRIBUTES", "4.2", (size_t)n, r, t, dev);
	if (a->num_shmti == 0)
		finding(c, STLM_CHECK_ERROR, "no-shmti", "4.2", c->buf,
			(size_t)n, "PROTOCOL_ATTRIBUTES: num_shmti is 0: the "
			"Linux driver sizes its UUID table 2 * num_shmti and "
			"faults at probe");
}

/* LIST_SHMTI, all pages; fills *ret (malloc'd), returns the count. */
static uint32_t check_shmti(struct chk *c, const struct scmi_tlm_attrs *a,
			    struct scmi_tlm_shmti_desc **ret)
{
	struct scmi_tlm_shmti_desc *d = calloc(a->num_shmti + 1u, sizeof(*d));
	uint32_t got = 0;

	*ret = d;
	if (!d)
		return 0;
	for (unsigned int page = 0; page < CHK_MAX_PAGES && got < a->num_shmti;
	     page++) {
		struct scmi_list_hdr h;
		uint8_t q[4];
		uint32_t dev = 0;
		int n, r, t;

		scmi_u32_req_encode(got, q, sizeof(q));
		n = tx(c, SCMI_TLM_LIST_SHMTI, q, sizeof(q));
		if (n < 0)
			break;
		r = scmi_tlm_list_shmti_resp_decode(c->buf, (size_t)n, &h,
						    d + got,
						    a->num_shmti - got);
		t = scmi_tlm_list_shmti_resp_decode_dev(c->buf, (size_t)n, &h,
							d + got,
							a->num_shmti - got,
							&dev);
		if (!judge(c, "LIST_SHMTI", "4.5", (size_t)n, r, t, dev))
			break;
		if (h.returned + h.remaining + got != a->num_shmti)
			finding(c, STLM_CHECK_ERROR, "paging", "2.5", c->buf,
				(size_t)n, "LIST_SHMTI at index %u: returned %u + "
				"remaining %u does not add up to num_shmti %u",
				got, h.returned, h.remaining, a->num_shmti);
		got += (uint32_t)t;
		if (t == 0 || h.remaining == 0)
			break;
	}
	if (got != a->num_shmti)
		finding(c, STLM_CHECK_ERROR, "paging", "4.5", NULL, 0,
			"LIST_SHMTI listed %u of %u SHMTIs", got, a->num_shmti);
	return got;
}

static uint32_t check_des(struct chk *c, const struct scmi_tlm_attrs *a,
			  struct scmi_tlm_de_desc **ret)
{
	struct scmi_tlm_de_desc *d = calloc(a->de_num + 1u, sizeof(*d));
	uint32_t got = 0;

	*ret = d;
	if (!d)
		return 0;
	for (unsigned int page = 0; page < CHK_MAX_PAGES && got < a->de_num;
	     page++) {
		struct scmi_list_hdr h;
		uint8_t q[4];
		uint32_t dev = 0;
		int n, r, t;

		scmi_u32_req_encode(got, q, sizeof(q));
		n = tx(c, SCMI_TLM_DE_DESCRIPTION, q, sizeof(q));
		if (n < 0)
			break;
		r = scmi_tlm_de_description_resp_decode(c->buf, (size_t)n, &h,
							d + got,
							a->de_num - got);
		t = scmi_tlm_de_description_resp_decode_dev(
			c->buf, (size_t)n, &h, d + got, a->de_num - got, &dev);
		if (!judge(c, "DE_DESCRIPTION", "4.6", (size_t)n, r, t, dev))
			break;
		if (h.returned + h.remaining + got != a->de_num)
			finding(c, STLM_CHECK_ERROR, "paging", "2.5", c->buf,
				(size_t)n, "DE_DESCRIPTION at index %u: returned "
				"%u + remaining %u does not add up to de_num %u",
				got, h.returned, h.remaining, a->de_num);
		got += (uint32_t)t;
		if (t == 0 || h.remaining == 0)
			break;
	}
	if (got != a->de_num)
		finding(c, STLM_CHECK_ERROR, "paging", "4.6", NULL, 0,
			"DE_DESCRIPTION listed %u of %u DEs", got, a->de_num);
	for (uint32_t i = 0; i < got; i++) {
		if (!d[i].has_fc)
			continue;
		if ((d[i].fc_addr & 7) || d[i].fc_size < 8)
			finding(c, STLM_CHECK_ERROR, "fastchannel-layout", "8",
				NULL, 0, "DE 0x%08x: FastChannel at 0x%llx, "
				"%u bytes: needs an 8-byte aligned address and "
				"at least one 64-bit value word", d[i].id,
				(unsigned long long)d[i].fc_addr, d[i].fc_size);
		else if (!stlm__mem_area(c->s, d[i].fc_addr, d[i].fc_size))
			finding(c, STLM_CHECK_INFO, "fastchannel-layout", "8",
				NULL, 0, "DE 0x%08x: FastChannel at 0x%llx "
				"outside the mapped memory", d[i].id,
				(unsigned long long)d[i].fc_addr);
	}
	return got;
}

static void check_intervals(struct chk *c)
{
	struct scmi_tlm_intervals_req q = { .selector = SCMI_TLM_SEL_ALL };
	struct scmi_tlm_intervals_page pg;
	struct scmi_tlm_interval iv[64];
	uint8_t b[12];
	uint32_t dev = 0;
	int n, r, t;

	scmi_tlm_intervals_req_encode(&q, b, sizeof(b));
	n = tx(c, SCMI_TLM_LIST_UPDATE_INTERVALS, b, sizeof(b));
	if (n < 0)
		return;
	r = scmi_tlm_intervals_resp_decode(c->buf, (size_t)n, &pg, iv, 64);
	t = scmi_tlm_intervals_resp_decode_dev(c->buf, (size_t)n, &pg, iv, 64,
					       &dev);
	if (!judge(c, "LIST_UPDATE_INTERVALS", "4.7", (size_t)n, r, t, dev))
		return;
	if (t == 0)
		finding(c, STLM_CHECK_WARNING, "intervals", "4.7", c->buf,
			(size_t)n, "LIST_UPDATE_INTERVALS lists no interval");
}

static void check_config_get(struct chk *c)
{
	struct scmi_tlm_config_get_req q = { .group_id = SCMI_TLM_GROUP_NONE,
					     .selector = SCMI_TLM_SEL_ALL };
	struct scmi_tlm_config_get_resp g;
	uint8_t b[8];
	uint32_t dev = 0;
	int n, r, t;

	scmi_tlm_config_get_req_encode(&q, b, sizeof(b));
	n = tx(c, SCMI_TLM_CONFIG_GET, b, sizeof(b));
	if (n < 0)
		return;
	r = scmi_tlm_config_get_resp_decode(c->buf, (size_t)n, &g);
	t = scmi_tlm_config_get_resp_decode_dev(c->buf, (size_t)n, &g, &dev);
	judge(c, "CONFIG_GET", "4.11", (size_t)n, r, t, dev);
}

/* Enabled DE ids, all pages (-1 when the list cannot be read). */
static int enabled_count(struct chk *c)
{
	uint32_t got = 0;

	for (unsigned int page = 0; page < CHK_MAX_PAGES; page++) {
		struct scmi_tlm_enabled_req q = { .index = got };
		struct scmi_tlm_enabled_entry e[64];
		struct scmi_list_hdr h;
		uint8_t b[8];
		uint32_t dev = 0;
		int n, r, t;

		scmi_tlm_enabled_req_encode(&q, b, sizeof(b));
		n = tx(c, SCMI_TLM_DE_ENABLED_LIST, b, sizeof(b));
		if (n < 0)
			return -1;
		r = scmi_tlm_enabled_resp_decode(c->buf, (size_t)n, &h, e, 64);
		t = scmi_tlm_enabled_resp_decode_dev(c->buf, (size_t)n, &h, e,
						     64, &dev);
		if (!judge(c, "DE_ENABLED_LIST", "4.9", (size_t)n, r, t, dev))
			return -1;
		got += (uint32_t)t;
		if (t == 0 || h.remaining == 0)
			return (int)got;
	}
	return (int)got;
}

/* Enable one SHMTI DE, find its line, disable it again. */
static void check_enable(struct chk *c, const struct scmi_tlm_de_desc *d,
			 uint32_t n_des, const struct scmi_tlm_shmti_desc *sh,
			 uint32_t n_sh)
{
	struct scmi_tlm_de_configure_req q = { .mode = SCMI_TLM_DE_ENABLE };
	struct scmi_tlm_de_configure_resp cr;
	uint8_t b[8];
	uint32_t dev = 0, i;
	int n, r, t;

	for (i = 0; i < n_des && (d[i].has_fc || d[i].group_id !=
					       SCMI_TLM_GROUP_NONE); i++)
		;
	if (i == n_des)
		return;
	q.id = d[i].id;
	scmi_tlm_de_configure_req_encode(&q, b, sizeof(b));
	n = tx(c, SCMI_TLM_DE_CONFIGURE, b, sizeof(b));
	if (n < 0)
		return;
	r = scmi_tlm_de_configure_resp_decode(c->buf, (size_t)n, &cr);
	t = scmi_tlm_de_configure_resp_decode_dev(c->buf, (size_t)n, &cr,
						  &dev);
	if (r == -ENOENT || r == -EOPNOTSUPP || r == -EACCES)
		return;
	if (judge(c, "DE_CONFIGURE", "4.8", (size_t)n, r, t, dev) &&
	    cr.shmti_id != SCMI_TLM_SHMTI_NONE) {
		const uint8_t *a = NULL;
		uint32_t len = 0;

		for (uint32_t k = 0; k < n_sh; k++)
			if (sh[k].id == cr.shmti_id) {
				a = stlm__mem_area(c->s, sh[k].addr,
						   sh[k].length);
				len = sh[k].length;
			}
		if (!a) {
			finding(c, STLM_CHECK_ERROR, "enable", "4.8", c->buf,
				(size_t)n, "DE_CONFIGURE placed DE 0x%08x in "
				"SHMTI %u, which LIST_SHMTI did not list (or "
				"lies outside memory)", q.id, cr.shmti_id);
		} else {
			struct tdcf_line l;
			int k = cr.de_offset + TDCF_LINE_SIZE <= len ?
				tdcf_line_parse(a + cr.de_offset,
						len - cr.de_offset, &l) : -1;

			if (k < 0 || l.id != q.id)
				finding(c, STLM_CHECK_ERROR, "enable", "4.8",
					c->buf, (size_t)n, "DE_CONFIGURE: no "
					"line of DE 0x%08x at offset 0x%x of "
					"SHMTI %u when the reply came", q.id,
					cr.de_offset, cr.shmti_id);
		}
	}
	q.mode = SCMI_TLM_DE_DISABLE;
	scmi_tlm_de_configure_req_encode(&q, b, sizeof(b));
	n = tx(c, SCMI_TLM_DE_CONFIGURE, b, sizeof(b));
	if (n >= 0 && scmi_resp_status_errno(c->buf, (size_t)n) < 0)
		finding(c, STLM_CHECK_ERROR, "disable", "4.8", c->buf,
			(size_t)n, "DE_CONFIGURE could not disable DE 0x%08x",
			q.id);
}

static void check_single(struct chk *c, const struct scmi_tlm_attrs *a)
{
	struct scmi_tlm_config_set_req q = { .enable = true,
					     .mode = SCMI_TLM_MODE_SINGLE,
					     .selector = SCMI_TLM_SEL_ALL,
					     .group_id = SCMI_TLM_GROUP_NONE };
	struct scmi_tlm_reading_complete rc;
	uint8_t b[12];
	uint32_t dev = 0;
	int n, dn = 0, r, t;

	if (!a->single_sample)
		return;
	scmi_tlm_config_set_req_encode(&q, b, sizeof(b));
	n = c->s->ops->xfer(c->s, SCMI_PROTO_TELEMETRY, SCMI_TLM_CONFIG_SET, b,
			    sizeof(b), c->buf, c->cap, c->dbuf, c->cap, &dn);
	if (n < 0 || dn <= 0)
		return;
	memcpy(c->buf, c->dbuf, (size_t)dn);
	r = scmi_tlm_reading_complete_decode(c->buf, (size_t)dn, &rc);
	t = scmi_tlm_reading_complete_decode_dev(c->buf, (size_t)dn, &rc,
						 &dev);
	if (!judge(c, "READING_COMPLETE", "4.10", (size_t)dn, r, t, dev))
		return;
	if (rc.partial)
		finding(c, STLM_CHECK_ERROR, "single-read", "4.10", c->buf,
			(size_t)dn, "READING_COMPLETE with PARTIAL: the Linux "
			"driver turns it into an error and drops every line");
	else if (rc.status_errno)
		finding(c, STLM_CHECK_ERROR, "single-read", "4.10", c->buf,
			(size_t)dn, "READING_COMPLETE status: %s",
			strerror(-rc.status_errno));
}

/* Match sequences of every SHMTI over a short time. */
static void check_tdcf(struct chk *c, const struct scmi_tlm_shmti_desc *sh,
		       uint32_t n_sh)
{
	for (uint32_t k = 0; k < n_sh; k++) {
		const uint8_t *a = stlm__mem_area(c->s, sh[k].addr,
						  sh[k].length);
		uint32_t prev = 0, bad = 0, meta_dev = 0;
		int ok = 0;

		if (!a)
			continue;
		if (tdcf_area_check(a, sh[k].length) < 0) {
			finding(c, STLM_CHECK_ERROR, "tdcf-signature", "7.2", a,
				16, "SHMTI %u: bad TDCF signatures", sh[k].id);
			continue;
		}
		for (int pass = 0; pass < CHK_TDCF_PASSES; pass++) {
			struct timespec ts = { 0, 2000000 };
			uint32_t s0 = tdcf_read_begin(a), e;
			size_t bytes = 0, off = 0;

			if (!(s0 & 1) &&
			    tdcf_read_line_area(a, sh[k].length, &bytes) == 0) {
				while (off + TDCF_LINE_SIZE <= bytes) {
					struct tdcf_line l;
					int n = tdcf_line_parse_dev(
						a + TDCF_HDR_SIZE + off,
						bytes - off, &l, &meta_dev);

					if (n <= 0)
						break;
					off += (size_t)n;
				}
			}
			e = tdcf_read_end(a, sh[k].length);
			if (tdcf_pass_ok(s0, e)) {
				ok++;
				if (pass && ok > 1 && s0 != prev && s0 < prev &&
				    prev - s0 < 0x80000000u)
					bad++;
				prev = s0;
			}
			nanosleep(&ts, NULL);
		}
		if (!ok)
			finding(c, STLM_CHECK_ERROR, "tdcf-sequence", "7.6", a,
				16, "SHMTI %u: no consistent pass in %d tries "
				"(match_start odd or match_end different)",
				sh[k].id, CHK_TDCF_PASSES);
		if (bad)
			finding(c, STLM_CHECK_ERROR, "tdcf-sequence", "7.6", a,
				16, "SHMTI %u: match sequence went backwards",
				sh[k].id);
		if (meta_dev)
			deviations(c, meta_dev, "SHMTI lines", "7.3", a, 16);
	}
}

/* Repeats of a deviation already reported are only counted. */
static void repeats(struct chk *c)
{
	if (c->dev_repeats)
		finding(c, STLM_CHECK_INFO, "repeats", "-", NULL, 0,
			"%u more replies repeat deviations reported above",
			c->dev_repeats);
}

static void check_reset(struct chk *c, const struct scmi_tlm_attrs *a)
{
	uint8_t b[4];
	int n, e;

	if (!a->reset)
		return;
	scmi_tlm_reset_req_encode(b, sizeof(b));
	n = tx(c, SCMI_TLM_RESET, b, sizeof(b));
	if (n < 0)
		return;
	if (scmi_resp_status_errno(c->buf, (size_t)n) < 0) {
		finding(c, STLM_CHECK_ERROR, "reset", "4.12", c->buf,
			(size_t)n, "RESET failed although PROTOCOL_ATTRIBUTES "
			"advertises it");
		return;
	}
	e = enabled_count(c);
	if (e > 0)
		finding(c, STLM_CHECK_ERROR, "reset", "4.12", NULL, 0,
			"%d DE(s) still enabled after RESET", e);
}

STLM_API int stlm_check_run(struct stlm_session *s, unsigned int flags,
			    stlm_check_fn fn, void *data)
{
	struct chk c = { .s = s, .fn = fn, .data = data };
	struct scmi_tlm_attrs a = { 0 };
	struct scmi_tlm_shmti_desc *sh = NULL;
	struct scmi_tlm_de_desc *d = NULL;
	uint32_t n_sh, n_des;

	if (!s)
		return -EINVAL;
	if (!s->ops || !s->ops->xfer)
		return -EOPNOTSUPP;
	c.cap = s->info.max_msg_size > 64 ? s->info.max_msg_size : 4096;
	c.buf = malloc(c.cap);
	c.dbuf = malloc(c.cap);
	if (!c.buf || !c.dbuf) {
		free(c.buf);
		free(c.dbuf);
		return -ENOMEM;
	}
	check_base(&c);
	check_attrs(&c, &a);
	n_sh = check_shmti(&c, &a, &sh);
	n_des = check_des(&c, &a, &d);
	check_intervals(&c);
	check_config_get(&c);
	enabled_count(&c);
	check_enable(&c, d, n_des, sh, n_sh);
	check_single(&c, &a);
	check_tdcf(&c, sh, n_sh);
	if (flags & STLM_CHECK_RESET)
		check_reset(&c, &a);
	repeats(&c);
	free(sh);
	free(d);
	free(c.buf);
	free(c.dbuf);
	return c.n;
}
