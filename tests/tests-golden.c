// SPDX-License-Identifier: MIT
/*
 * Copyright (c) 2026 The stlm authors
 *
 * Golden vectors for the SCMI codec (lib/proto).
 *
 * The vectors in tests/data/golden/<message>.vec are written by hand from the
 * protocol reference (docs/codec.md; protocol §1.1, §2, §4-§7,
 * §9, §12), not from lib/proto or the emulator, so that a mistake shared by
 * the library and the emulator cannot pass silently. Where the reference
 * has a worked example (§2.1 headers, §4.2 UUID byte order, §6 interval
 * words, §7.8 TDCF area and its DE_CONFIGURE table, §12 raw-mode
 * DE_CONFIGURE bytes) the vectors use its exact bytes.
 *
 * Vector file format
 * ------------------
 * Line oriented text. Blank lines separate cases; lines starting with '#'
 * are comments. Each case is a block of "key: value" lines:
 *
 *   case:   NAME          unique within the file (required, first)
 *   msg:    FAMILY        which decoder/encoder pair, e.g.
 *                         tlm.de_configure.resp (required; see families[])
 *   hdr:    HEX           optional 4-byte SCMI header preceding the payload;
 *                         it must decode to the family's protocol, message
 *                         id and type, and its token is printed as
 *                         hdr.token=N before the other fields
 *   hex:    HEX           the bytes handed to the decoder: a message payload
 *                         (after the header; responses start with the int32
 *                         status), a header word, a TDCF area or lines.
 *                         Repeat the key to continue on more lines. Bytes
 *                         are in wire (memory) order, whitespace and '|'
 *                         are ignored. "hex:" with nothing is 0 bytes.
 *   args:   K=V ...       optional decoder parameters: cap=N (array
 *                         capacity, default 64), index=N and total=N
 *                         (scmi.list_word)
 *   expect: K=V ...       valid case: the canonical decoded text. Repeat
 *                         the key to continue. Values are compared
 *                         numerically when both sides are integers (so 0x20
 *                         equals 32), as strings otherwise; "quoted" values
 *                         may contain spaces. Keys must match in order.
 *   encode: HEX | none    valid case only, optional: what re-encoding the
 *                         decoded struct must produce when that differs
 *                         from hex (a decoder that tolerates and drops
 *                         something), or "none" when the encoder cannot
 *                         represent the input (torn TDCF areas...).
 *                         Not allowed for tdcf.writer, which has no
 *                         encoder (its output is the text only).
 *   error:  ENAME         malformed case: the decoder must return exactly
 *                         -ENAME (EBADMSG, EMSGSIZE, EPROTO, EINVAL, E2BIG,
 *                         or the errno of a non-SUCCESS status)
 *
 * Exactly one of expect/error per case. For every valid case the runner
 * decodes, prints the result in the canonical key=value form, compares it
 * with expect, then re-encodes the decoded struct with the matching encoder
 * and requires output byte-identical to hex (or to encode:). Every failure
 * is reported as file:line:case with both texts (or both byte strings).
 *
 * One test case per vector file, plus "inventory", which checks that the
 * directory holds exactly the files listed here, that no file is empty and
 * that every family has at least one valid and one malformed vector (except
 * tlm.uuid, where every input is valid).
 */
#define STLM_TEST_GROUP "golden"
#include "stlm-test.h"

#include <ctype.h>
#include <dirent.h>
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>

#include "base.h"
#include "scmi.h"
#include "tdcf.h"
#include "telemetry.h"

#define GOLDEN_DIR	"data/golden"
#define MAX_BYTES	4096
#define ENC_CAP		4096
#define DEFAULT_CAP	64
#define MAX_CAP		256
#define MAX_LINES	256

/* ------------------------------------------------------------------ */
/* errno names                                                          */

static const struct {
	const char *name;
	int val;
} errnames[] = {
	{ "EBADMSG", EBADMSG },	    { "EMSGSIZE", EMSGSIZE },
	{ "EPROTO", EPROTO },	    { "EINVAL", EINVAL },
	{ "ENOSPC", ENOSPC },	    { "ERANGE", ERANGE },
	{ "E2BIG", E2BIG },	    { "EOPNOTSUPP", EOPNOTSUPP },
	{ "EACCES", EACCES },	    { "ENOENT", ENOENT },
	{ "EBUSY", EBUSY },	    { "ECOMM", ECOMM },
	{ "EIO", EIO },		    { "EREMOTEIO", EREMOTEIO },
	{ "EPERM", EPERM },	    { "ENOSYS", ENOSYS },
};

static int errno_from_name(const char *s)
{
	for (size_t i = 0; i < ARRAY_SIZE(errnames); i++)
		if (!strcmp(errnames[i].name, s))
			return errnames[i].val;
	return 0;
}

static const char *errno_name(int e, char *tmp, size_t n)
{
	if (e == 0)
		return "0";
	for (size_t i = 0; i < ARRAY_SIZE(errnames); i++) {
		if (errnames[i].val == -e) {
			snprintf(tmp, n, "-%s", errnames[i].name);
			return tmp;
		}
	}
	snprintf(tmp, n, "%d", e);
	return tmp;
}

/* ------------------------------------------------------------------ */
/* Growable text                                                        */

struct text {
	char *s;
	size_t len, cap;
};

static void text_add(struct text *t, const char *s, size_t n)
{
	if (t->len + n + 1 > t->cap) {
		size_t cap = t->cap ? t->cap : 256;
		char *p;

		while (t->len + n + 1 > cap)
			cap *= 2;
		p = realloc(t->s, cap);
		if (!p)
			abort();
		t->s = p;
		t->cap = cap;
	}
	memcpy(t->s + t->len, s, n);
	t->len += n;
	t->s[t->len] = '\0';
}

static void text_done(struct text *t)
{
	free(t->s);
	t->s = NULL;
	t->len = t->cap = 0;
}

/* Append one token, separated from the previous one by a space. */
__attribute__((format(printf, 2, 3))) static void tok(struct text *t,
						      const char *fmt, ...)
{
	char buf[512];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (n < 0)
		abort();
	if ((size_t)n >= sizeof(buf))
		n = sizeof(buf) - 1;
	if (t->len)
		text_add(t, " ", 1);
	text_add(t, buf, (size_t)n);
}

/* key="..." with ", \ and non-printable bytes escaped. */
static void tok_str(struct text *t, const char *key, const char *s)
{
	char buf[256];
	size_t n = 0;

	n += (size_t)snprintf(buf, sizeof(buf), "%s=\"", key);
	for (; *s && n < sizeof(buf) - 8; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			n += (size_t)snprintf(buf + n, sizeof(buf) - n,
					      "\\%c", c);
		else if (c < 0x20 || c > 0x7E)
			n += (size_t)snprintf(buf + n, sizeof(buf) - n,
					      "\\x%02X", c);
		else
			buf[n++] = (char)c;
	}
	buf[n++] = '"';
	buf[n] = '\0';
	tok(t, "%s", buf);
}

/* Our own canonical UUID text, independent of scmi_tlm_uuid_format(). */
static void uuid_text(const uint8_t u[16], char ret[37])
{
	size_t n = 0;

	for (int i = 0; i < 16; i++) {
		if (i == 4 || i == 6 || i == 8 || i == 10)
			ret[n++] = '-';
		n += (size_t)snprintf(ret + n, 37 - n, "%02X", u[i]);
	}
	ret[36] = '\0';
}

static void hex_text(struct text *t, const uint8_t *p, size_t n)
{
	char b[4];

	for (size_t i = 0; i < n; i++) {
		snprintf(b, sizeof(b), "%s%02X", (i && !(i % 4)) ? " " : "",
			 p[i]);
		text_add(t, b, strlen(b));
	}
	if (!n)
		text_add(t, "(empty)", 7);
}

/* ------------------------------------------------------------------ */
/* Vector cases                                                         */

struct gcase {
	char file[64];
	int line;
	char name[96];
	char msg[64];
	bool has_msg;
	uint8_t hex[MAX_BYTES];
	size_t hexlen;
	bool has_hex;
	bool has_hdr;
	uint32_t hdr;
	struct text expect;
	bool has_expect;
	bool has_encode;
	bool encode_none;
	uint8_t enc[MAX_BYTES];
	size_t enclen;
	bool has_error;
	int error;
	char error_name[32];
	size_t cap;
	bool has_index, has_total;
	uint32_t index, total;
};

struct gctx {
	const struct gcase *c;
	const struct family *f;
	const uint8_t *p; /* exact-size heap copy of the input */
	size_t n;
	struct text t;
	uint8_t enc[ENC_CAP];
	int enc_len;	     /* >= 0 bytes written, < 0 encoder errno */
	bool enc_unable;     /* the encoder cannot represent this input */
	char bad[160];	     /* a broken vector (not a codec failure) */
};

typedef int (*golden_fn)(struct gctx *g);

/**
 * struct family - one decoder/encoder pair
 * @name:     the msg: value
 * @fn:       decode + print + re-encode
 * @field:    field name for the generic u32 handlers
 * @proto:    SCMI protocol of the message (0: not a message, no hdr:)
 * @id:       message id
 * @type:     header type (0 command/response, 2 delayed, 3 notification)
 * @total:    every input is valid (no malformed vector possible)
 * @noenc:    no encoder: valid cases are checked by their text only
 */
struct family {
	const char *name;
	golden_fn fn;
	const char *field;
	uint8_t proto;
	uint8_t id;
	uint8_t type;
	bool total;
	bool noenc;
};

static void *xmemdup(const void *p, size_t n)
{
	void *q = malloc(n ? n : 1);

	if (!q)
		abort();
	if (n)
		memcpy(q, p, n);
	return q;
}

static size_t gcap(const struct gctx *g)
{
	return g->c->cap ? g->c->cap : DEFAULT_CAP;
}

/* ------------------------------------------------------------------ */
/* Generic SCMI handlers                                                */

static int h_empty_req(struct gctx *g)
{
	int r = scmi_empty_req_decode(g->p, g->n);

	if (r < 0)
		return r;
	tok(&g->t, "ok");
	g->enc_len = 0;
	return 0;
}

static int h_u32_req(struct gctx *g)
{
	uint32_t v = 0;
	int r = scmi_u32_req_decode(g->p, g->n, &v);

	if (r < 0)
		return r;
	tok(&g->t, "%s=0x%08" PRIX32, g->f->field, v);
	g->enc_len = scmi_u32_req_encode(v, g->enc, ENC_CAP);
	return 0;
}

static int h_u32_resp(struct gctx *g)
{
	uint32_t v = 0;
	int r = scmi_u32_resp_decode(g->p, g->n, &v);

	if (r < 0)
		return r;
	tok(&g->t, "%s=0x%08" PRIX32, g->f->field, v);
	g->enc_len = scmi_u32_resp_encode(v, g->enc, ENC_CAP);
	return 0;
}

static int h_status_resp(struct gctx *g)
{
	int r = scmi_status_resp_decode(g->p, g->n);

	if (r < 0)
		return r;
	tok(&g->t, "ok");
	g->enc_len = scmi_status_resp_encode(SCMI_SUCCESS, g->enc, ENC_CAP);
	return 0;
}

static int h_scmi_header(struct gctx *g)
{
	struct scmi_hdr h;
	uint32_t w;
	int r;

	if (g->n != 4) {
		snprintf(g->bad, sizeof(g->bad), "a header is 4 bytes");
		return 0;
	}
	w = scmi_get_le32(g->p);
	memset(&h, 0, sizeof(h));
	r = scmi_hdr_unpack(w, &h);
	if (r < 0)
		return r;
	tok(&g->t, "id=0x%02X type=%u proto=0x%02X token=%u", h.id, h.type,
	    h.proto, h.token);
	scmi_put_le32(g->enc, scmi_hdr_pack(&h));
	g->enc_len = 4;
	return 0;
}

static int h_scmi_status(struct gctx *g)
{
	int32_t st = 0;
	char tmp[32];
	int r = scmi_resp_status(g->p, g->n, &st);

	if (r < 0)
		return r;
	tok(&g->t, "status=%" PRId32, st);
	tok(&g->t, "name=%s", scmi_status_name(st));
	tok(&g->t, "errno=%s",
	    errno_name(scmi_status_to_errno(st), tmp, sizeof(tmp)));
	tok(&g->t, "resp_errno=%s",
	    errno_name(scmi_resp_status_errno(g->p, g->n), tmp, sizeof(tmp)));
	g->enc_len = scmi_status_resp_encode(st, g->enc, ENC_CAP);
	return 0;
}

static int h_scmi_list_word(struct gctx *g)
{
	struct scmi_list_hdr h;
	uint32_t w;
	int r;

	if (g->n != 4) {
		snprintf(g->bad, sizeof(g->bad), "a counter word is 4 bytes");
		return 0;
	}
	w = scmi_get_le32(g->p);
	h.returned = w & 0xFFFF;
	h.remaining = w >> 16;
	r = scmi_list_check(&h, g->c->index, g->c->total);
	if (r < 0)
		return r;
	tok(&g->t, "returned=%" PRIu32 " remaining=%" PRIu32, h.returned,
	    h.remaining);
	scmi_put_le32(g->enc, scmi_list_word((uint16_t)h.returned,
					     (uint16_t)h.remaining));
	g->enc_len = 4;
	return 0;
}

/* ------------------------------------------------------------------ */
/* Base protocol                                                        */

static int h_base_attrs_resp(struct gctx *g)
{
	struct scmi_base_attrs a;
	int r;

	memset(&a, 0, sizeof(a));
	r = scmi_base_attrs_resp_decode(g->p, g->n, &a);
	if (r < 0)
		return r;
	tok(&g->t, "num_protocols=%u num_agents=%u", a.num_protocols,
	    a.num_agents);
	g->enc_len = scmi_base_attrs_resp_encode(&a, g->enc, ENC_CAP);
	return 0;
}

static int h_base_name_resp(struct gctx *g)
{
	char name[SCMI_SHORT_NAME_LEN + 1];
	int r;

	memset(name, 0, sizeof(name));
	r = scmi_base_name_resp_decode(g->p, g->n, name);
	if (r < 0)
		return r;
	tok_str(&g->t, "name", name);
	g->enc_len = scmi_base_name_resp_encode(name, g->enc, ENC_CAP);
	return 0;
}

static int h_base_list_protocols_resp(struct gctx *g)
{
	uint8_t ids[MAX_CAP];
	size_t cap = gcap(g), ret_n = 0;
	int r;

	memset(ids, 0, sizeof(ids));
	r = scmi_base_list_protocols_resp_decode(g->p, g->n, ids, cap);
	if (r < 0)
		return r;
	tok(&g->t, "num=%d", r);
	for (int i = 0; i < r; i++)
		tok(&g->t, "p%d=0x%02X", i, ids[i]);
	g->enc_len = scmi_base_list_protocols_resp_encode(ids, (size_t)r,
							  g->enc, g->n, &ret_n);
	if (g->enc_len >= 0 && ret_n != (size_t)r)
		tok(&g->t, "enc_ret_n=%zu", ret_n);
	return 0;
}

static int h_base_agent_resp(struct gctx *g)
{
	struct scmi_base_agent a;
	int r;

	memset(&a, 0, sizeof(a));
	r = scmi_base_agent_resp_decode(g->p, g->n, &a);
	if (r < 0)
		return r;
	tok(&g->t, "agent_id=0x%08" PRIX32, a.agent_id);
	tok_str(&g->t, "name", a.name);
	g->enc_len = scmi_base_agent_resp_encode(&a, g->enc, ENC_CAP);
	return 0;
}

static int h_base_notify_errors_req(struct gctx *g)
{
	bool en = false;
	int r = scmi_base_notify_errors_req_decode(g->p, g->n, &en);

	if (r < 0)
		return r;
	tok(&g->t, "enable=%d", en);
	g->enc_len = scmi_base_notify_errors_req_encode(en, g->enc, ENC_CAP);
	return 0;
}

static int h_base_error_event(struct gctx *g)
{
	struct scmi_base_error_event ev;
	uint64_t rep[1024];
	int r;

	memset(&ev, 0, sizeof(ev));
	r = scmi_base_error_event_decode(g->p, g->n, &ev);
	if (r < 0)
		return r;
	tok(&g->t, "agent_id=0x%08" PRIX32 " fatal=%d count=%u", ev.agent_id,
	    ev.fatal, ev.count);
	if (ev.count > ARRAY_SIZE(rep)) {
		snprintf(g->bad, sizeof(g->bad), "count %u too large",
			 ev.count);
		return 0;
	}
	for (unsigned int i = 0; i < ev.count; i++) {
		rep[i] = scmi_get_le64(ev.reports + 8 * i);
		tok(&g->t, "r%u=0x%016" PRIX64, i, rep[i]);
	}
	g->enc_len = scmi_base_error_event_encode(ev.agent_id, ev.fatal, rep,
						  ev.count, g->enc, ENC_CAP);
	return 0;
}

/* ------------------------------------------------------------------ */
/* Telemetry                                                            */

static int h_tlm_attrs_resp(struct gctx *g)
{
	struct scmi_tlm_attrs a;
	char u[37];
	int r;

	memset(&a, 0, sizeof(a));
	r = scmi_tlm_attrs_resp_decode(g->p, g->n, &a);
	if (r < 0)
		return r;
	uuid_text(a.uuid, u);
	tok(&g->t, "de_num=%" PRIu32 " groups_num=%" PRIu32, a.de_num,
	    a.groups_num);
	tok(&g->t, "uuid=%s", u);
	tok(&g->t, "single_sample=%d notifications=%d per_group=%d reset=%d "
		   "fastchannels=%d num_shmti=%u default_blk_ts_rate=%" PRIu32,
	    a.single_sample, a.notifications, a.per_group, a.reset,
	    a.fastchannels, a.num_shmti, a.default_blk_ts_rate);
	g->enc_len = scmi_tlm_attrs_resp_encode(&a, g->enc, ENC_CAP);
	return 0;
}

static int h_tlm_uuid(struct gctx *g)
{
	uint32_t dw[4], dw2[4];
	uint8_t u[16], u2[16];
	char mine[37], lib[37], lc[40];
	size_t k = 0;
	int r;

	if (g->n != 16) {
		snprintf(g->bad, sizeof(g->bad), "a UUID is 16 bytes");
		return 0;
	}
	for (int i = 0; i < 4; i++)
		dw[i] = scmi_get_le32(g->p + 4 * i);
	memset(u, 0, sizeof(u));
	scmi_tlm_uuid_from_dwords(dw, u);
	uuid_text(u, mine);
	memset(lib, 0, sizeof(lib));
	scmi_tlm_uuid_format(u, lib);
	tok(&g->t, "uuid=%s", mine);
	tok(&g->t, "text=%s", lib);
	/* Re-encode from the lower-case, hyphen-less text form. */
	for (const char *s = mine; *s; s++)
		if (*s != '-')
			lc[k++] = (char)tolower((unsigned char)*s);
	lc[k] = '\0';
	r = scmi_tlm_uuid_parse(lc, u2);
	if (r < 0) {
		g->enc_len = r;
		return 0;
	}
	scmi_tlm_uuid_to_dwords(u2, dw2);
	for (int i = 0; i < 4; i++)
		scmi_put_le32(g->enc + 4 * i, dw2[i]);
	g->enc_len = 16;
	return 0;
}

static int h_tlm_interval(struct gctx *g)
{
	struct scmi_tlm_interval iv;
	uint32_t w;
	int r;

	if (g->n != 4) {
		snprintf(g->bad, sizeof(g->bad), "an interval word is 4 bytes");
		return 0;
	}
	memset(&iv, 0, sizeof(iv));
	r = scmi_tlm_interval_decode(scmi_get_le32(g->p), &iv);
	if (r < 0)
		return r;
	tok(&g->t, "secs=%u exp=%d ns=%" PRIu64, iv.secs, iv.exp,
	    scmi_tlm_interval_ns(&iv));
	w = 0;
	r = scmi_tlm_interval_encode(&iv, &w);
	if (r < 0) {
		g->enc_len = r;
		return 0;
	}
	scmi_put_le32(g->enc, w);
	g->enc_len = 4;
	return 0;
}

static void tok_iv(struct text *t, const char *pfx,
		   const struct scmi_tlm_interval *iv)
{
	tok(t, "%ssecs=%u %sexp=%d", pfx, iv->secs, pfx, iv->exp);
}

static int h_tlm_list_shmti_resp(struct gctx *g)
{
	struct scmi_tlm_shmti_desc d[MAX_CAP], *all;
	struct scmi_list_hdr h = { 0, 0 };
	size_t cap = gcap(g), ret_n = 0, total;
	int r;

	memset(d, 0, sizeof(d));
	r = scmi_tlm_list_shmti_resp_decode(g->p, g->n, &h, d, cap);
	if (r < 0)
		return r;
	tok(&g->t, "n=%d remaining=%" PRIu32, r, h.remaining);
	if (h.returned != (uint32_t)r)
		tok(&g->t, "hdr_returned=%" PRIu32, h.returned);
	for (int i = 0; i < r; i++)
		tok(&g->t, "s%d.id=%" PRIu32 " s%d.addr=0x%016" PRIX64
			   " s%d.length=0x%" PRIX32,
		    i, d[i].id, i, d[i].addr, i, d[i].length);
	/* Re-encode: the decoded page followed by `remaining` others. */
	total = (size_t)r + h.remaining;
	all = calloc(total ? total : 1, sizeof(*all));
	if (!all)
		abort();
	for (size_t i = 0; i < total; i++) {
		if (i < (size_t)r) {
			all[i] = d[i];
		} else {
			all[i].id = (uint32_t)i;
			all[i].addr = 0x1000;
			all[i].length = 0x100;
		}
	}
	g->enc_len = scmi_tlm_list_shmti_resp_encode(all, total, g->enc, g->n,
						     &ret_n);
	if (g->enc_len >= 0 && ret_n != (size_t)r)
		tok(&g->t, "enc_ret_n=%zu", ret_n);
	free(all);
	return 0;
}

static void tok_desc(struct text *t, const char *pfx,
		     const struct scmi_tlm_de_desc *d)
{
	tok(t, "%sid=0x%08" PRIX32 " %sgroup_id=0x%08" PRIX32
	       " %sdata_size=%" PRIu32,
	    pfx, d->id, pfx, d->group_id, pfx, d->data_size);
	tok(t, "%stype=%u %spersistent=%d %sunit_exp=%d %sunit=%u "
	       "%sts_support=%u",
	    pfx, d->type, pfx, d->persistent, pfx, d->unit_exp, pfx, d->unit,
	    pfx, d->ts_support);
	tok(t, "%sinstance_id=%u %scompo_instance=%u %scompo_type=0x%02X", pfx,
	    d->instance_id, pfx, d->compo_instance, pfx, d->compo_type);
	if (d->ts_support == SCMI_TLM_TS_LINE)
		tok(t, "%sline_ts_rate=%" PRIu32, pfx, d->line_ts_rate);
	tok(t, "%shas_fc=%d", pfx, d->has_fc);
	if (d->has_fc)
		tok(t, "%sfc_addr=0x%016" PRIX64 " %sfc_size=%" PRIu32, pfx,
		    d->fc_addr, pfx, d->fc_size);
	tok(t, "%shas_name=%d", pfx, d->has_name);
	if (d->has_name) {
		char key[32];

		snprintf(key, sizeof(key), "%sname", pfx);
		tok_str(t, key, d->name);
	}
}

static int h_tlm_de_desc(struct gctx *g)
{
	struct scmi_tlm_de_desc d;
	size_t sz;
	int r;

	memset(&d, 0, sizeof(d));
	r = scmi_tlm_de_desc_decode(g->p, g->n, &d);
	if (r < 0)
		return r;
	tok_desc(&g->t, "", &d);
	tok(&g->t, "size=%d", r);
	sz = scmi_tlm_de_desc_size(&d);
	if (sz != (size_t)r)
		tok(&g->t, "desc_size=%zu", sz);
	g->enc_len = scmi_tlm_de_desc_encode(&d, g->enc, ENC_CAP);
	return 0;
}

static int h_tlm_de_description_resp(struct gctx *g)
{
	static struct scmi_tlm_de_desc d[MAX_CAP];
	struct scmi_tlm_de_desc *all;
	struct scmi_list_hdr h = { 0, 0 };
	size_t cap = gcap(g), ret_n = 0, total;
	char pfx[16];
	int r;

	memset(d, 0, sizeof(d));
	r = scmi_tlm_de_description_resp_decode(g->p, g->n, &h, d, cap);
	if (r < 0)
		return r;
	tok(&g->t, "n=%d remaining=%" PRIu32, r, h.remaining);
	if (h.returned != (uint32_t)r)
		tok(&g->t, "hdr_returned=%" PRIu32, h.returned);
	for (int i = 0; i < r; i++) {
		snprintf(pfx, sizeof(pfx), "d%d.", i);
		tok_desc(&g->t, pfx, &d[i]);
	}
	total = (size_t)r + h.remaining;
	all = calloc(total ? total : 1, sizeof(*all));
	if (!all)
		abort();
	for (size_t i = 0; i < total; i++) {
		if (i < (size_t)r) {
			all[i] = d[i];
		} else {
			all[i].id = 0x7000 + (uint32_t)i;
			all[i].group_id = SCMI_TLM_GROUP_NONE;
			all[i].data_size = 4;
		}
	}
	g->enc_len = scmi_tlm_de_description_resp_encode(all, total, g->enc,
							 g->n, &ret_n);
	if (g->enc_len >= 0 && ret_n != (size_t)r)
		tok(&g->t, "enc_ret_n=%zu", ret_n);
	free(all);
	return 0;
}

static int h_tlm_intervals_req(struct gctx *g)
{
	struct scmi_tlm_intervals_req q;
	int r;

	memset(&q, 0, sizeof(q));
	r = scmi_tlm_intervals_req_decode(g->p, g->n, &q);
	if (r < 0)
		return r;
	tok(&g->t, "index=%" PRIu32 " group_id=0x%08" PRIX32 " selector=%u",
	    q.index, q.group_id, q.selector);
	g->enc_len = scmi_tlm_intervals_req_encode(&q, g->enc, ENC_CAP);
	return 0;
}

static int h_tlm_intervals_resp(struct gctx *g)
{
	struct scmi_tlm_interval iv[MAX_CAP], *all;
	struct scmi_tlm_intervals_page pg;
	size_t cap = gcap(g), ret_n = 0, total;
	char pfx[16];
	int r;

	memset(iv, 0, sizeof(iv));
	memset(&pg, 0, sizeof(pg));
	r = scmi_tlm_intervals_resp_decode(g->p, g->n, &pg, iv, cap);
	if (r < 0)
		return r;
	tok(&g->t, "n=%d range=%d remaining=%" PRIu32, r, pg.range,
	    pg.remaining);
	if (pg.returned != (uint32_t)r)
		tok(&g->t, "page_returned=%" PRIu32, pg.returned);
	for (int i = 0; i < r; i++) {
		snprintf(pfx, sizeof(pfx), "i%d.", i);
		tok_iv(&g->t, pfx, &iv[i]);
	}
	/* Discrete: followed by `remaining` longer (ascending) intervals. */
	total = (size_t)r + (pg.range ? 0 : pg.remaining);
	all = calloc(total ? total : 1, sizeof(*all));
	if (!all)
		abort();
	for (size_t i = 0; i < total; i++) {
		if (i < (size_t)r) {
			all[i] = iv[i];
		} else {
			all[i].secs = (uint16_t)(i - (size_t)r + 1);
			all[i].exp = 15;
		}
	}
	g->enc_len = scmi_tlm_intervals_resp_encode(all, total, pg.range,
						    g->enc, g->n, &ret_n);
	if (g->enc_len >= 0 && ret_n != (size_t)r)
		tok(&g->t, "enc_ret_n=%zu", ret_n);
	free(all);
	return 0;
}

static int h_tlm_de_configure_req(struct gctx *g)
{
	struct scmi_tlm_de_configure_req q;
	int r;

	memset(&q, 0, sizeof(q));
	r = scmi_tlm_de_configure_req_decode(g->p, g->n, &q);
	if (r < 0)
		return r;
	tok(&g->t, "id=0x%08" PRIX32 " mode=%u disable_all=%d group=%d", q.id,
	    q.mode, q.disable_all, q.group);
	g->enc_len = scmi_tlm_de_configure_req_encode(&q, g->enc, ENC_CAP);
	return 0;
}

static int h_tlm_de_configure_resp(struct gctx *g)
{
	struct scmi_tlm_de_configure_resp p;
	int r;

	memset(&p, 0, sizeof(p));
	r = scmi_tlm_de_configure_resp_decode(g->p, g->n, &p);
	if (r < 0)
		return r;
	tok(&g->t, "shmti_id=0x%08" PRIX32 " de_offset=0x%" PRIX32
		   " blk_ts_offset=0x%" PRIX32,
	    p.shmti_id, p.de_offset, p.blk_ts_offset);
	g->enc_len = scmi_tlm_de_configure_resp_encode(&p, g->enc, ENC_CAP);
	return 0;
}

static int h_tlm_enabled_req(struct gctx *g)
{
	struct scmi_tlm_enabled_req q;
	int r;

	memset(&q, 0, sizeof(q));
	r = scmi_tlm_enabled_req_decode(g->p, g->n, &q);
	if (r < 0)
		return r;
	tok(&g->t, "index=%" PRIu32 " groups=%d", q.index, q.groups);
	g->enc_len = scmi_tlm_enabled_req_encode(&q, g->enc, ENC_CAP);
	return 0;
}

static int h_tlm_enabled_resp(struct gctx *g)
{
	struct scmi_tlm_enabled_entry e[MAX_CAP], *all;
	struct scmi_list_hdr h = { 0, 0 };
	size_t cap = gcap(g), ret_n = 0, total;
	int r;

	memset(e, 0, sizeof(e));
	r = scmi_tlm_enabled_resp_decode(g->p, g->n, &h, e, cap);
	if (r < 0)
		return r;
	tok(&g->t, "n=%d remaining=%" PRIu32, r, h.remaining);
	if (h.returned != (uint32_t)r)
		tok(&g->t, "hdr_returned=%" PRIu32, h.returned);
	for (int i = 0; i < r; i++)
		tok(&g->t, "e%d.id=0x%08" PRIX32 " e%d.mode=%u", i, e[i].id, i,
		    e[i].mode);
	total = (size_t)r + h.remaining;
	all = calloc(total ? total : 1, sizeof(*all));
	if (!all)
		abort();
	for (size_t i = 0; i < total; i++) {
		if (i < (size_t)r) {
			all[i] = e[i];
		} else {
			all[i].id = 0x7000 + (uint32_t)i;
			all[i].mode = 1;
		}
	}
	g->enc_len = scmi_tlm_enabled_resp_encode(all, total, g->enc, g->n,
						  &ret_n);
	if (g->enc_len >= 0 && ret_n != (size_t)r)
		tok(&g->t, "enc_ret_n=%zu", ret_n);
	free(all);
	return 0;
}

static int h_tlm_config_set_req(struct gctx *g)
{
	struct scmi_tlm_config_set_req q;
	int r;

	memset(&q, 0, sizeof(q));
	r = scmi_tlm_config_set_req_decode(g->p, g->n, &q);
	if (r < 0)
		return r;
	tok(&g->t, "group_id=0x%08" PRIX32 " enable=%d mode=%u selector=%u",
	    q.group_id, q.enable, q.mode, q.selector);
	tok_iv(&g->t, "", &q.interval);
	g->enc_len = scmi_tlm_config_set_req_encode(&q, g->enc, ENC_CAP);
	return 0;
}

static int h_tlm_config_get_req(struct gctx *g)
{
	struct scmi_tlm_config_get_req q;
	int r;

	memset(&q, 0, sizeof(q));
	r = scmi_tlm_config_get_req_decode(g->p, g->n, &q);
	if (r < 0)
		return r;
	tok(&g->t, "group_id=0x%08" PRIX32 " selector=%u", q.group_id,
	    q.selector);
	g->enc_len = scmi_tlm_config_get_req_encode(&q, g->enc, ENC_CAP);
	return 0;
}

static int h_tlm_config_get_resp(struct gctx *g)
{
	struct scmi_tlm_config_get_resp p;
	int r;

	memset(&p, 0, sizeof(p));
	r = scmi_tlm_config_get_resp_decode(g->p, g->n, &p);
	if (r < 0)
		return r;
	tok(&g->t, "enable=%d mode=%u", p.enable, p.mode);
	tok_iv(&g->t, "", &p.interval);
	g->enc_len = scmi_tlm_config_get_resp_encode(&p, g->enc, ENC_CAP);
	return 0;
}

static int h_tlm_reset_req(struct gctx *g)
{
	int r = scmi_tlm_reset_req_decode(g->p, g->n);

	if (r < 0)
		return r;
	tok(&g->t, "ok");
	g->enc_len = scmi_tlm_reset_req_encode(g->enc, ENC_CAP);
	return 0;
}

/* ------------------------------------------------------------------ */
/* TDCF lines                                                           */

static void tok_line(struct text *t, int i, size_t off,
		     const struct tdcf_line *l)
{
	char u[37];

	tok(t, "l%d.off=0x%zX l%d.meta=0x%" PRIX32 " l%d.type=%u l%d.len=%u",
	    i, off, i, l->meta, i, l->type, i, l->len);
	tok(t, "l%d.blk=%d l%d.ext=%d l%d.tsv=%d l%d.inv=%d", i, l->use_blk_ts,
	    i, l->ext, i, l->ts_valid, i, l->invalid);
	switch (l->type) {
	case TDCF_LINE_DATA:
		tok(t, "l%d.id=0x%08" PRIX32 " l%d.data=0x%016" PRIX64, i,
		    l->id, i, l->data);
		if (l->ext)
			tok(t, "l%d.ts=0x%016" PRIX64, i, l->ts);
		break;
	case TDCF_LINE_BLK_TS:
		tok(t, "l%d.rate=%" PRIu32 " l%d.ts=0x%016" PRIX64, i, l->id, i,
		    l->data);
		break;
	case TDCF_LINE_UUID:
		uuid_text(l->uuid, u);
		tok(t, "l%d.id=0x%08" PRIX32 " l%d.uuid=%s", i, l->id, i, u);
		break;
	default:
		tok(t, "l%d.id=0x%08" PRIX32, i, l->id);
		break;
	}
}

/* Walk message lines (§9); print them; re-encode them at enc. */
static int msg_lines(struct gctx *g, const uint8_t *lines, size_t nbytes,
		     uint8_t *enc, size_t cap, int *ret_enc)
{
	struct tdcf_line l;
	size_t off = 0, eoff = 0;
	int i = 0, r;

	*ret_enc = 0;
	for (;;) {
		size_t at = off;

		memset(&l, 0, sizeof(l));
		r = tdcf_msg_line_next(lines, nbytes, &off, &l);
		if (r < 0)
			return r;
		if (r == 0)
			break;
		if (off <= at || i >= MAX_LINES) {
			snprintf(g->bad, sizeof(g->bad),
				 "tdcf_msg_line_next() did not advance");
			return 0;
		}
		tok_line(&g->t, i++, at, &l);
		if (*ret_enc >= 0) {
			r = tdcf_msg_line_encode(&l, enc + eoff, cap - eoff);
			if (r < 0)
				*ret_enc = r;
			else
				eoff += (size_t)r;
		}
	}
	if (off != nbytes)
		tok(&g->t, "walk_end=%zu", off);
	if (*ret_enc >= 0)
		*ret_enc = (int)eoff;
	return 0;
}

static int h_tdcf_msg_lines(struct gctx *g)
{
	int enc, r;

	r = msg_lines(g, g->p, g->n, g->enc, ENC_CAP, &enc);
	if (r < 0)
		return r;
	if (!g->t.len)
		tok(&g->t, "ok");
	g->enc_len = enc;
	return 0;
}

static int h_tlm_reading_complete(struct gctx *g)
{
	struct scmi_tlm_reading_complete rc;
	uint8_t lines[ENC_CAP];
	char tmp[32];
	int32_t st;
	int enc, r;

	memset(&rc, 0, sizeof(rc));
	r = scmi_tlm_reading_complete_decode(g->p, g->n, &rc);
	if (r < 0)
		return r;
	tok(&g->t, "status_errno=%s partial=%d num_dwords=%" PRIu32,
	    errno_name(rc.status_errno, tmp, sizeof(tmp)), rc.partial,
	    rc.lines.num_dwords);
	r = msg_lines(g, rc.lines.lines, (size_t)rc.lines.num_dwords * 4,
		      lines, sizeof(lines), &enc);
	if (r < 0)
		return r;
	st = rc.partial ? SCMI_PARTIAL : scmi_errno_to_status(rc.status_errno);
	if (enc < 0)
		g->enc_len = enc;
	else
		g->enc_len = scmi_tlm_reading_complete_encode(
			st, lines, (size_t)enc, g->enc, ENC_CAP);
	return 0;
}

static int h_tlm_update(struct gctx *g)
{
	struct scmi_tlm_update u;
	uint8_t lines[ENC_CAP];
	char tmp[32];
	int enc, r;

	memset(&u, 0, sizeof(u));
	r = scmi_tlm_update_decode(g->p, g->n, &u);
	if (r < 0)
		return r;
	tok(&g->t, "agent_id=%" PRIu32 " status_errno=%s num_dwords=%" PRIu32,
	    u.agent_id, errno_name(u.status_errno, tmp, sizeof(tmp)),
	    u.lines.num_dwords);
	r = msg_lines(g, u.lines.lines, (size_t)u.lines.num_dwords * 4, lines,
		      sizeof(lines), &enc);
	if (r < 0)
		return r;
	if (enc < 0)
		g->enc_len = enc;
	else
		g->enc_len = scmi_tlm_update_encode(
			u.agent_id, scmi_errno_to_status(u.status_errno), lines,
			(size_t)enc, g->enc, ENC_CAP);
	return 0;
}

/*
 * The TDCF functions need 4-byte alignment. Inputs are read in place from
 * the exact-size heap copy (malloc memory is suitably aligned), so a
 * sanitizer build catches any read past the area; outputs go to an
 * aligned scratch area.
 */
static uint64_t area_out[ENC_CAP / 8 + 1];

static int h_tdcf_line(struct gctx *g)
{
	struct tdcf_line l;
	int r;

	memset(&l, 0, sizeof(l));
	r = tdcf_line_parse(g->p, g->n, &l);
	if (r < 0)
		return r;
	tok_line(&g->t, 0, 0, &l);
	tok(&g->t, "ret=%d", r);
	if (l.type > TDCF_LINE_UUID) {
		g->enc_unable = true;
		return 0;
	}
	memset(area_out, 0, sizeof(area_out));
	g->enc_len = tdcf_line_encode(area_out, &l);
	if (g->enc_len > 0)
		memcpy(g->enc, area_out, (size_t)g->enc_len);
	return 0;
}

static int h_tdcf_area(struct gctx *g)
{
	static struct tdcf_line lines[MAX_LINES];
	static size_t offs[MAX_LINES];
	struct tdcf_hdr h;
	size_t bytes = 0, off = 0, nl = 0;
	uint32_t s, e;
	const void *area_in = g->p;
	bool unknown = false;
	int r;

	r = tdcf_area_check(area_in, g->n);
	if (r < 0)
		return r;
	memset(&h, 0, sizeof(h));
	r = tdcf_hdr_read(area_in, g->n, &h);
	if (r < 0)
		return r;
	s = tdcf_read_begin(area_in);
	r = tdcf_read_line_area(area_in, g->n, &bytes);
	if (r < 0)
		return r;
	while (off < bytes) {
		if (nl >= MAX_LINES) {
			snprintf(g->bad, sizeof(g->bad), "too many lines");
			return 0;
		}
		memset(&lines[nl], 0, sizeof(lines[nl]));
		r = tdcf_line_parse((const uint8_t *)area_in + TDCF_HDR_SIZE +
					    off,
				    bytes - off, &lines[nl]);
		if (r < 0)
			return r;
		if (r != 16 && r != 24) {
			snprintf(g->bad, sizeof(g->bad),
				 "tdcf_line_parse() returned %d", r);
			return 0;
		}
		offs[nl++] = TDCF_HDR_SIZE + off;
		off += (size_t)r;
	}
	e = tdcf_read_end(area_in, g->n);
	tok(&g->t, "len=%zu match_start=%" PRIu32 " num_qwords=%" PRIu32
		   " revision=%u match_end=%" PRIu32,
	    g->n, h.match_start, h.num_qwords, h.revision, h.match_end);
	tok(&g->t, "line_bytes=%zu pass_ok=%d lines=%zu", bytes,
	    tdcf_pass_ok(s, e), nl);
	for (size_t i = 0; i < nl; i++) {
		tok_line(&g->t, (int)i, offs[i], &lines[i]);
		if (lines[i].type > TDCF_LINE_UUID)
			unknown = true;
	}

	/*
	 * Re-encode: format the area, write the lines, publish num_qwords,
	 * then run write_begin/write_end until the sequences reach the
	 * decoded (consistent) value.
	 */
	if (unknown || h.match_start != h.match_end || (h.match_start & 1) ||
	    h.match_start > 64 || g->n > ENC_CAP) {
		g->enc_unable = true;
		return 0;
	}
	memset(area_out, 0, sizeof(area_out));
	r = tdcf_area_init(area_out, g->n, h.revision);
	if (r < 0) {
		g->enc_len = r;
		return 0;
	}
	for (size_t i = 0; i < nl; i++) {
		r = tdcf_line_encode((uint8_t *)area_out + offs[i], &lines[i]);
		if (r < 0) {
			g->enc_len = r;
			return 0;
		}
	}
	tdcf_set_num_qwords(area_out, h.num_qwords);
	while (scmi_get_le32((uint8_t *)area_out + TDCF_OFF_MATCH_START) !=
	       h.match_start) {
		uint32_t seq = tdcf_write_begin(area_out, g->n);

		tdcf_write_end(area_out, g->n, seq);
		if (seq > h.match_start)
			break;
	}
	memcpy(g->enc, area_out, g->n);
	g->enc_len = (int)g->n;
	return 0;
}

/*
 * The writer side of §7.6 on a consistent area: one write_begin /
 * write_end pass, printing the sequences seen in between and after.
 */
static int h_tdcf_writer(struct gctx *g)
{
	uint8_t *a = xmemdup(g->p, g->n);
	void *area_in = a;
	uint32_t s, next;
	int r;

	r = tdcf_area_check(area_in, g->n);
	if (r < 0) {
		free(a);
		return r;
	}
	s = scmi_get_le32(a + TDCF_OFF_MATCH_START);
	next = tdcf_seq_next(s);
	tok(&g->t, "s=0x%08" PRIX32 " next=0x%08" PRIX32, s, next);
	s = tdcf_write_begin(area_in, g->n);
	tok(&g->t, "begin_ret=0x%08" PRIX32, s);
	tok(&g->t, "mid.start=0x%08" PRIX32 " mid.end=0x%08" PRIX32,
	    scmi_get_le32(a + TDCF_OFF_MATCH_START),
	    scmi_get_le32(a + g->n - TDCF_EOFF_MATCH_END));
	tok(&g->t, "mid.pass_ok=%d",
	    tdcf_pass_ok(tdcf_read_begin(area_in),
			 tdcf_read_end(area_in, g->n)));
	tdcf_write_end(area_in, g->n, s);
	tok(&g->t, "final.start=0x%08" PRIX32 " final.end=0x%08" PRIX32,
	    scmi_get_le32(a + TDCF_OFF_MATCH_START),
	    scmi_get_le32(a + g->n - TDCF_EOFF_MATCH_END));
	tok(&g->t, "final.pass_ok=%d",
	    tdcf_pass_ok(tdcf_read_begin(area_in),
			 tdcf_read_end(area_in, g->n)));
	free(a);
	return 0;
}

/* ------------------------------------------------------------------ */
/* The family table                                                     */

#define B SCMI_PROTO_BASE
#define T SCMI_PROTO_TELEMETRY

static const struct family families[] = {
	/* SCMI common (§2.1, §2.3, §2.5) */
	{ "scmi.header", h_scmi_header, NULL, 0, 0, 0, false, false },
	{ "scmi.status", h_scmi_status, NULL, 0, 0, 0, false, false },
	{ "scmi.list_word", h_scmi_list_word, NULL, 0, 0, 0, false, false },

	/* Base (§2.7) */
	{ "base.protocol_version.req", h_empty_req,
	  NULL, B, 0x0, 0, false, false },
	{ "base.protocol_version.resp", h_u32_resp,
	  "version", B, 0x0, 0, false, false },
	{ "base.protocol_attributes.req", h_empty_req,
	  NULL, B, 0x1, 0, false, false },
	{ "base.protocol_attributes.resp", h_base_attrs_resp,
	  NULL, B, 0x1, 0, false, false },
	{ "base.protocol_message_attributes.req", h_u32_req,
	  "message_id", B, 0x2, 0, false, false },
	{ "base.protocol_message_attributes.resp", h_u32_resp,
	  "attributes", B, 0x2, 0, false, false },
	{ "base.discover_vendor.req", h_empty_req,
	  NULL, B, 0x3, 0, false, false },
	{ "base.discover_vendor.resp", h_base_name_resp,
	  NULL, B, 0x3, 0, false, false },
	{ "base.discover_sub_vendor.req", h_empty_req,
	  NULL, B, 0x4, 0, false, false },
	{ "base.discover_sub_vendor.resp", h_base_name_resp,
	  NULL, B, 0x4, 0, false, false },
	{ "base.discover_implementation_version.req", h_empty_req,
	  NULL, B, 0x5, 0, false, false },
	{ "base.discover_implementation_version.resp", h_u32_resp,
	  "implementation_version", B, 0x5, 0, false, false },
	{ "base.discover_list_protocols.req", h_u32_req,
	  "skip", B, 0x6, 0, false, false },
	{ "base.discover_list_protocols.resp", h_base_list_protocols_resp,
	  NULL, B, 0x6, 0, false, false },
	{ "base.discover_agent.req", h_u32_req,
	  "agent_id", B, 0x7, 0, false, false },
	{ "base.discover_agent.resp", h_base_agent_resp,
	  NULL, B, 0x7, 0, false, false },
	{ "base.notify_errors.req", h_base_notify_errors_req,
	  NULL, B, 0x8, 0, false, false },
	{ "base.notify_errors.resp", h_status_resp,
	  NULL, B, 0x8, 0, false, false },
	{ "base.negotiate_protocol_version.req", h_u32_req,
	  "version", B, 0x10, 0, false, false },
	{ "base.negotiate_protocol_version.resp", h_status_resp,
	  NULL, B, 0x10, 0, false, false },
	{ "base.error_event.notif", h_base_error_event,
	  NULL, B, 0x0, 3, false, false },

	/* Telemetry (§1.1, §4) */
	{ "tlm.protocol_version.req", h_empty_req,
	  NULL, T, 0x0, 0, false, false },
	{ "tlm.protocol_version.resp", h_u32_resp,
	  "version", T, 0x0, 0, false, false },
	{ "tlm.protocol_attributes.req", h_empty_req,
	  NULL, T, 0x1, 0, false, false },
	{ "tlm.protocol_attributes.resp", h_tlm_attrs_resp,
	  NULL, T, 0x1, 0, false, false },
	{ "tlm.uuid", h_tlm_uuid, NULL, 0, 0, 0, true, false },
	{ "tlm.protocol_message_attributes.req", h_u32_req,
	  "message_id", T, 0x2, 0, false, false },
	{ "tlm.protocol_message_attributes.resp", h_u32_resp,
	  "attributes", T, 0x2, 0, false, false },
	{ "tlm.list_shmti.req", h_u32_req, "index", T, 0x3, 0, false, false },
	{ "tlm.list_shmti.resp", h_tlm_list_shmti_resp,
	  NULL, T, 0x3, 0, false, false },
	{ "tlm.de_description.req", h_u32_req,
	  "desc_index", T, 0x4, 0, false, false },
	{ "tlm.de_description.resp", h_tlm_de_description_resp,
	  NULL, T, 0x4, 0, false, false },
	{ "tlm.de_desc", h_tlm_de_desc, NULL, 0, 0, 0, false, false },
	{ "tlm.list_update_intervals.req", h_tlm_intervals_req,
	  NULL, T, 0x5, 0, false, false },
	{ "tlm.list_update_intervals.resp", h_tlm_intervals_resp,
	  NULL, T, 0x5, 0, false, false },
	{ "tlm.interval", h_tlm_interval, NULL, 0, 0, 0, false, false },
	{ "tlm.de_configure.req", h_tlm_de_configure_req,
	  NULL, T, 0x6, 0, false, false },
	{ "tlm.de_configure.resp", h_tlm_de_configure_resp,
	  NULL, T, 0x6, 0, false, false },
	{ "tlm.de_enabled_list.req", h_tlm_enabled_req,
	  NULL, T, 0x7, 0, false, false },
	{ "tlm.de_enabled_list.resp", h_tlm_enabled_resp,
	  NULL, T, 0x7, 0, false, false },
	{ "tlm.config_set.req", h_tlm_config_set_req,
	  NULL, T, 0x8, 0, false, false },
	{ "tlm.config_set.resp", h_status_resp, NULL, T, 0x8, 0, false, false },
	{ "tlm.config_get.req", h_tlm_config_get_req,
	  NULL, T, 0x9, 0, false, false },
	{ "tlm.config_get.resp", h_tlm_config_get_resp,
	  NULL, T, 0x9, 0, false, false },
	{ "tlm.reset.req", h_tlm_reset_req, NULL, T, 0xA, 0, false, false },
	{ "tlm.reset.resp", h_status_resp, NULL, T, 0xA, 0, false, false },
	{ "tlm.negotiate_protocol_version.req", h_u32_req,
	  "version", T, 0x10, 0, false, false },
	{ "tlm.negotiate_protocol_version.resp", h_status_resp,
	  NULL, T, 0x10, 0, false, false },
	{ "tlm.reading_complete.delayed", h_tlm_reading_complete,
	  NULL, T, 0x8, 2, false, false },
	{ "tlm.update.notif", h_tlm_update, NULL, T, 0x0, 3, false, false },

	/* TDCF (§7) and lines in messages (§9) */
	{ "tdcf.area", h_tdcf_area, NULL, 0, 0, 0, false, false },
	{ "tdcf.line", h_tdcf_line, NULL, 0, 0, 0, false, false },
	{ "tdcf.msg_lines", h_tdcf_msg_lines, NULL, 0, 0, 0, false, false },
	{ "tdcf.writer", h_tdcf_writer, NULL, 0, 0, 0, false, true },
};

#undef B
#undef T

static const struct family *family_find(const char *name)
{
	for (size_t i = 0; i < ARRAY_SIZE(families); i++)
		if (!strcmp(families[i].name, name))
			return &families[i];
	return NULL;
}

/* ------------------------------------------------------------------ */
/* Canonical text comparison                                            */

struct kv {
	char key[64];
	char val[256];
};

/* Split "k=v k2="quoted v" k3" into pairs; returns count or -1. */
static int kv_split(const char *s, struct kv *out, int max)
{
	int n = 0;

	for (;;) {
		size_t k = 0, v = 0;

		while (isspace((unsigned char)*s))
			s++;
		if (!*s)
			return n;
		if (n >= max)
			return -1;
		while (*s && *s != '=' && !isspace((unsigned char)*s))
			if (k < sizeof(out[n].key) - 1)
				out[n].key[k++] = *s++;
			else
				s++;
		out[n].key[k] = '\0';
		if (*s == '=') {
			s++;
			if (*s == '"') {
				/* Keep the quotes and escapes verbatim. */
				out[n].val[v++] = *s++;
				while (*s && *s != '"') {
					if (*s == '\\' && s[1] &&
					    v < sizeof(out[n].val) - 2)
						out[n].val[v++] = *s++;
					if (v < sizeof(out[n].val) - 2)
						out[n].val[v++] = *s;
					s++;
				}
				if (*s != '"')
					return -1;
				out[n].val[v++] = *s++;
			} else {
				while (*s && !isspace((unsigned char)*s))
					if (v < sizeof(out[n].val) - 1)
						out[n].val[v++] = *s++;
					else
						s++;
			}
		}
		out[n].val[v] = '\0';
		n++;
	}
}

/* Parse an integer: -?(0x[hex]+|[dec]+). */
static bool parse_int(const char *s, bool *neg, unsigned long long *mag)
{
	char *end;

	*neg = (*s == '-');
	if (*neg)
		s++;
	if (!isdigit((unsigned char)*s))
		return false;
	errno = 0;
	*mag = strtoull(s, &end, 0);
	if (errno || *end)
		return false;
	if (*mag == 0)
		*neg = false;
	return true;
}

static bool val_eq(const char *a, const char *b)
{
	bool na, nb;
	unsigned long long ma, mb;

	if (parse_int(a, &na, &ma) && parse_int(b, &nb, &mb))
		return na == nb && ma == mb;
	return !strcmp(a, b);
}

#define MAX_KV 512

/* NULL if equal, else a short description of the first difference. */
static const char *text_diff(const char *got, const char *want, char *buf,
			     size_t n)
{
	static struct kv g[MAX_KV], w[MAX_KV];
	int ng = kv_split(got, g, MAX_KV), nw = kv_split(want, w, MAX_KV);

	if (ng < 0 || nw < 0)
		return "unparsable text";
	for (int i = 0; i < ng && i < nw; i++) {
		if (strcmp(g[i].key, w[i].key)) {
			snprintf(buf, n, "key #%d: got '%s', expected '%s'", i,
				 g[i].key, w[i].key);
			return buf;
		}
		if (!val_eq(g[i].val, w[i].val)) {
			snprintf(buf, n, "%s: got %s, expected %s", g[i].key,
				 g[i].val, w[i].val);
			return buf;
		}
	}
	if (ng != nw) {
		snprintf(buf, n, "got %d fields, expected %d", ng, nw);
		return buf;
	}
	return NULL;
}

/* ------------------------------------------------------------------ */
/* Vector file parser                                                   */

struct vfile {
	char name[64];
	struct gcase *cases;
	size_t n, cap;
	int parse_errors;
};

static char *trim(char *s)
{
	char *e;

	while (isspace((unsigned char)*s))
		s++;
	e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		*--e = '\0';
	return s;
}

/* Hex with whitespace and '|' ignored; appends to buf; -1 on error. */
static int unhex_append(const char *s, uint8_t *buf, size_t *len, size_t cap)
{
	char clean[8192];
	size_t k = 0;
	int r;

	for (; *s; s++) {
		if (*s == '|')
			continue;
		if (k >= sizeof(clean) - 1)
			return -1;
		clean[k++] = *s;
	}
	clean[k] = '\0';
	r = stlm_test_unhex(clean, buf + *len, cap - *len);
	if (r < 0)
		return -1;
	*len += (size_t)r;
	return 0;
}

__attribute__((format(printf, 3, 4))) static void
vf_error(struct vfile *vf, int line, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s/%s:%d: ", GOLDEN_DIR, vf->name, line);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	vf->parse_errors++;
}

static struct gcase *vf_new_case(struct vfile *vf, int line)
{
	struct gcase *c;

	if (vf->n == vf->cap) {
		size_t cap = vf->cap ? vf->cap * 2 : 16;
		struct gcase *p = realloc(vf->cases, cap * sizeof(*p));

		if (!p)
			abort();
		vf->cases = p;
		vf->cap = cap;
	}
	c = &vf->cases[vf->n++];
	memset(c, 0, sizeof(*c));
	snprintf(c->file, sizeof(c->file), "%s", vf->name);
	c->line = line;
	return c;
}

static void vf_check_case(struct vfile *vf, struct gcase *c)
{
	if (!c->has_msg)
		vf_error(vf, c->line, "%s: no msg:", c->name);
	else if (!family_find(c->msg))
		vf_error(vf, c->line, "%s: unknown msg '%s'", c->name, c->msg);
	if (!c->has_hex)
		vf_error(vf, c->line, "%s: no hex:", c->name);
	if (c->has_expect == c->has_error)
		vf_error(vf, c->line, "%s: needs exactly one of expect:/error:",
			 c->name);
	if (c->has_error && c->has_encode)
		vf_error(vf, c->line, "%s: encode: with error:", c->name);
	for (size_t i = 0; i + 1 < vf->n; i++)
		if (&vf->cases[i] != c && !strcmp(vf->cases[i].name, c->name))
			vf_error(vf, c->line, "duplicate case '%s'", c->name);
}

static void vf_free(struct vfile *vf)
{
	for (size_t i = 0; i < vf->n; i++)
		text_done(&vf->cases[i].expect);
	free(vf->cases);
	vf->cases = NULL;
	vf->n = vf->cap = 0;
}

static int vf_args(struct vfile *vf, struct gcase *c, const char *v)
{
	struct kv a[8];
	int n = kv_split(v, a, 8);

	if (n < 0)
		return -1;
	for (int i = 0; i < n; i++) {
		bool neg;
		unsigned long long m;

		if (!parse_int(a[i].val, &neg, &m) || neg || m > UINT32_MAX) {
			vf_error(vf, c->line, "bad args value '%s'", a[i].val);
			continue;
		}
		if (!strcmp(a[i].key, "cap") && m <= MAX_CAP) {
			c->cap = (size_t)m;
		} else if (!strcmp(a[i].key, "index")) {
			c->index = (uint32_t)m;
			c->has_index = true;
		} else if (!strcmp(a[i].key, "total")) {
			c->total = (uint32_t)m;
			c->has_total = true;
		} else {
			vf_error(vf, c->line, "bad args key '%s'", a[i].key);
		}
	}
	return 0;
}

static void vf_line(struct vfile *vf, struct gcase **cur, char *line, int ln)
{
	struct gcase *c = *cur;
	char *colon, *key, *val;

	colon = strchr(line, ':');
	if (!colon) {
		vf_error(vf, ln, "expected 'key: value'");
		return;
	}
	*colon = '\0';
	key = trim(line);
	val = trim(colon + 1);

	if (!strcmp(key, "case")) {
		if (c) {
			vf_error(vf, ln,
				 "case: inside case '%s' (missing blank line)",
				 c->name);
			vf_check_case(vf, c);
		}
		c = *cur = vf_new_case(vf, ln);
		snprintf(c->name, sizeof(c->name), "%s", val);
		if (!*val)
			vf_error(vf, ln, "empty case name");
		return;
	}
	if (!c) {
		vf_error(vf, ln, "'%s:' before case:", key);
		return;
	}
	if (!strcmp(key, "msg")) {
		snprintf(c->msg, sizeof(c->msg), "%s", val);
		c->has_msg = true;
	} else if (!strcmp(key, "hex")) {
		if (unhex_append(val, c->hex, &c->hexlen, sizeof(c->hex)) < 0)
			vf_error(vf, ln, "%s: bad hex", c->name);
		c->has_hex = true;
	} else if (!strcmp(key, "hdr")) {
		uint8_t b[8];
		size_t n = 0;

		if (unhex_append(val, b, &n, sizeof(b)) < 0 || n != 4)
			vf_error(vf, ln, "%s: hdr: must be 4 bytes", c->name);
		else
			c->hdr = scmi_get_le32(b);
		c->has_hdr = true;
	} else if (!strcmp(key, "expect")) {
		if (c->expect.len)
			text_add(&c->expect, " ", 1);
		text_add(&c->expect, val, strlen(val));
		c->has_expect = true;
	} else if (!strcmp(key, "encode")) {
		if (!strcmp(val, "none"))
			c->encode_none = true;
		else if (unhex_append(val, c->enc, &c->enclen,
				      sizeof(c->enc)) < 0)
			vf_error(vf, ln, "%s: bad encode hex", c->name);
		c->has_encode = true;
	} else if (!strcmp(key, "error")) {
		c->error = errno_from_name(val);
		if (!c->error)
			vf_error(vf, ln, "%s: unknown errno '%s'", c->name,
				 val);
		snprintf(c->error_name, sizeof(c->error_name), "%s", val);
		c->has_error = true;
	} else if (!strcmp(key, "args")) {
		if (vf_args(vf, c, val) < 0)
			vf_error(vf, ln, "%s: bad args", c->name);
	} else {
		vf_error(vf, ln, "%s: unknown key '%s'", c->name, key);
	}
}

static int vf_load(struct vfile *vf, const char *name)
{
	char path[PATH_MAX], buf[8192];
	struct gcase *cur = NULL;
	FILE *f;
	int ln = 0;

	memset(vf, 0, sizeof(*vf));
	snprintf(vf->name, sizeof(vf->name), "%s", name);
	snprintf(path, sizeof(path), "%s/%s/%s", stlm_test_srcdir(), GOLDEN_DIR,
		 name);
	f = fopen(path, "re");
	if (!f) {
		fprintf(stderr, "%s: %s\n", path, strerror(errno));
		return -errno;
	}
	while (fgets(buf, sizeof(buf), f)) {
		char *s;

		ln++;
		if (!strchr(buf, '\n') && !feof(f)) {
			vf_error(vf, ln, "line too long");
			break;
		}
		s = trim(buf);
		if (*s == '#')
			continue;
		if (!*s) {
			if (cur)
				vf_check_case(vf, cur);
			cur = NULL;
			continue;
		}
		vf_line(vf, &cur, s, ln);
	}
	if (cur)
		vf_check_case(vf, cur);
	fclose(f);
	if (!vf->n)
		vf_error(vf, ln, "no cases");
	return 0;
}

/* ------------------------------------------------------------------ */
/* Running a case                                                       */

static void report(const struct gcase *c, const char *what, const char *got,
		   const char *want)
{
	fprintf(stderr, "FAIL %s/%s:%d: %s [%s]: %s\n", GOLDEN_DIR, c->file,
		c->line, c->name, c->msg, what);
	if (got)
		fprintf(stderr, "    got:    %s\n", got);
	if (want)
		fprintf(stderr, "    expect: %s\n", want);
}

/* Returns true if the case passed. */
static bool run_case(const struct gcase *c)
{
	const struct family *f = family_find(c->msg);
	struct gctx *g;
	struct text tmp = { 0 }, tmp2 = { 0 };
	char ebuf[64], dbuf[256];
	const char *d;
	bool ok = false;
	int r;

	if (!f)
		return false;
	g = calloc(1, sizeof(*g));
	if (!g)
		abort();
	g->c = c;
	g->f = f;
	g->n = c->hexlen;
	g->p = xmemdup(c->hex, c->hexlen);
	g->enc_len = INT_MIN;

	if (c->has_hdr) {
		struct scmi_hdr h;

		memset(&h, 0, sizeof(h));
		if (!f->proto) {
			report(c,
			       "hdr: given for a family that is not a message",
			       NULL, NULL);
			goto out;
		}
		r = scmi_hdr_unpack(c->hdr, &h);
		if (r < 0) {
			snprintf(dbuf, sizeof(dbuf),
				 "scmi_hdr_unpack(0x%08X) = %s", c->hdr,
				 errno_name(r, ebuf, sizeof(ebuf)));
			report(c, dbuf, NULL, NULL);
			goto out;
		}
		if (h.proto != f->proto || h.id != f->id || h.type != f->type) {
			snprintf(dbuf, sizeof(dbuf),
				 "hdr 0x%08X is proto 0x%02X id 0x%02X "
				 "type %u, msg wants 0x%02X 0x%02X %u",
				 c->hdr, h.proto, h.id, h.type, f->proto, f->id,
				 f->type);
			report(c, dbuf, NULL, NULL);
			goto out;
		}
		if (scmi_hdr_pack(&h) != c->hdr) {
			snprintf(dbuf, sizeof(dbuf),
				 "scmi_hdr_pack() = 0x%08X, hdr: is 0x%08X",
				 scmi_hdr_pack(&h), c->hdr);
			report(c, dbuf, NULL, NULL);
			goto out;
		}
		tok(&g->t, "hdr.token=%u", h.token);
	}

	r = f->fn(g);
	if (g->bad[0]) {
		report(c, "bad vector", g->bad, NULL);
		goto out;
	}
	if (c->has_error) {
		if (r == -c->error) {
			ok = true;
			goto out;
		}
		snprintf(dbuf, sizeof(dbuf), "decode returned %s",
			 r < 0 ? errno_name(r, ebuf, sizeof(ebuf)) : "success");
		report(c, dbuf, r < 0 ? NULL : g->t.s, c->error_name);
		goto out;
	}
	if (r < 0) {
		report(c, "decode failed", errno_name(r, ebuf, sizeof(ebuf)),
		       c->expect.s);
		goto out;
	}
	d = text_diff(g->t.s ? g->t.s : "", c->expect.s, dbuf, sizeof(dbuf));
	if (d) {
		report(c, d, g->t.s, c->expect.s);
		goto out;
	}

	/* Re-encode. */
	if (f->noenc) {
		if (c->has_encode) {
			report(c, "encode: given for a family without encoder",
			       NULL, NULL);
			goto out;
		}
		ok = true;
		goto out;
	}
	if (c->encode_none) {
		if (!g->enc_unable) {
			report(c, "encode: none, but the runner can re-encode "
				  "this input (remove it)", NULL, NULL);
			goto out;
		}
		ok = true;
		goto out;
	}
	if (g->enc_unable) {
		report(c, "the encoder cannot represent this input; "
			  "add 'encode: none'", NULL, NULL);
		goto out;
	}
	if (g->enc_len == INT_MIN) {
		report(c, "runner bug: no encoder ran", NULL, NULL);
		goto out;
	}
	if (g->enc_len < 0) {
		report(c, "re-encode failed",
		       errno_name(g->enc_len, ebuf, sizeof(ebuf)), NULL);
		goto out;
	}
	{
		const uint8_t *want = c->has_encode ? c->enc : c->hex;
		size_t wlen = c->has_encode ? c->enclen : c->hexlen;

		if ((size_t)g->enc_len != wlen ||
		    memcmp(g->enc, want, wlen) != 0) {
			hex_text(&tmp, g->enc, (size_t)g->enc_len);
			hex_text(&tmp2, want, wlen);
			report(c, "re-encoded bytes differ", tmp.s, tmp2.s);
			goto out;
		}
	}
	ok = true;
out:
	text_done(&tmp);
	text_done(&tmp2);
	text_done(&g->t);
	free((void *)g->p);
	free(g);
	return ok;
}

static void run_file(const char *name)
{
	struct vfile vf;
	int failed = 0;

	if (vf_load(&vf, name) < 0)
		stlm_test_fail();
	for (size_t i = 0; i < vf.n; i++)
		if (vf.cases[i].has_msg && family_find(vf.cases[i].msg) &&
		    !run_case(&vf.cases[i]))
			failed++;
	fprintf(stderr, "%s: %zu cases, %d failed, %d format errors\n", name,
		vf.n, failed, vf.parse_errors);
	if (failed || vf.parse_errors) {
		vf_free(&vf);
		stlm_test_fail();
	}
	vf_free(&vf);
}

/* ------------------------------------------------------------------ */
/* Test cases: one per vector file                                      */

static const char *const golden_files[] = {
	"scmi-header.vec",
	"scmi-status.vec",
	"scmi-list.vec",
	"base-protocol-version.vec",
	"base-protocol-attributes.vec",
	"base-protocol-message-attributes.vec",
	"base-discover-vendor.vec",
	"base-discover-implementation-version.vec",
	"base-discover-list-protocols.vec",
	"base-discover-agent.vec",
	"base-notify-errors.vec",
	"base-negotiate-protocol-version.vec",
	"base-error-event.vec",
	"tlm-protocol-version.vec",
	"tlm-protocol-attributes.vec",
	"tlm-protocol-message-attributes.vec",
	"tlm-negotiate-protocol-version.vec",
	"tlm-list-shmti.vec",
	"tlm-de-desc.vec",
	"tlm-de-description.vec",
	"tlm-interval.vec",
	"tlm-list-update-intervals.vec",
	"tlm-de-configure.vec",
	"tlm-de-enabled-list.vec",
	"tlm-config-set.vec",
	"tlm-config-get.vec",
	"tlm-reset.vec",
	"tlm-reading-complete.vec",
	"tlm-update.vec",
	"tdcf-area.vec",
	"tdcf-line.vec",
	"tdcf-msg-lines.vec",
	"tdcf-writer.vec",
};

#define GOLDEN_FILE(tname, fname) \
	STLM_TEST(tname)          \
	{                         \
		run_file(fname);  \
	}

GOLDEN_FILE(scmi_header, "scmi-header.vec")
GOLDEN_FILE(scmi_status, "scmi-status.vec")
GOLDEN_FILE(scmi_list, "scmi-list.vec")
GOLDEN_FILE(base_protocol_version, "base-protocol-version.vec")
GOLDEN_FILE(base_protocol_attributes, "base-protocol-attributes.vec")
GOLDEN_FILE(base_protocol_message_attributes,
	    "base-protocol-message-attributes.vec")
GOLDEN_FILE(base_discover_vendor, "base-discover-vendor.vec")
GOLDEN_FILE(base_discover_implementation_version,
	    "base-discover-implementation-version.vec")
GOLDEN_FILE(base_discover_list_protocols, "base-discover-list-protocols.vec")
GOLDEN_FILE(base_discover_agent, "base-discover-agent.vec")
GOLDEN_FILE(base_notify_errors, "base-notify-errors.vec")
GOLDEN_FILE(base_negotiate_protocol_version,
	    "base-negotiate-protocol-version.vec")
GOLDEN_FILE(base_error_event, "base-error-event.vec")
GOLDEN_FILE(tlm_protocol_version, "tlm-protocol-version.vec")
GOLDEN_FILE(tlm_protocol_attributes, "tlm-protocol-attributes.vec")
GOLDEN_FILE(tlm_protocol_message_attributes,
	    "tlm-protocol-message-attributes.vec")
GOLDEN_FILE(tlm_negotiate_protocol_version,
	    "tlm-negotiate-protocol-version.vec")
GOLDEN_FILE(tlm_list_shmti, "tlm-list-shmti.vec")
GOLDEN_FILE(tlm_de_desc, "tlm-de-desc.vec")
GOLDEN_FILE(tlm_de_description, "tlm-de-description.vec")
GOLDEN_FILE(tlm_interval, "tlm-interval.vec")
GOLDEN_FILE(tlm_list_update_intervals, "tlm-list-update-intervals.vec")
GOLDEN_FILE(tlm_de_configure, "tlm-de-configure.vec")
GOLDEN_FILE(tlm_de_enabled_list, "tlm-de-enabled-list.vec")
GOLDEN_FILE(tlm_config_set, "tlm-config-set.vec")
GOLDEN_FILE(tlm_config_get, "tlm-config-get.vec")
GOLDEN_FILE(tlm_reset, "tlm-reset.vec")
GOLDEN_FILE(tlm_reading_complete, "tlm-reading-complete.vec")
GOLDEN_FILE(tlm_update, "tlm-update.vec")
GOLDEN_FILE(tdcf_area, "tdcf-area.vec")
GOLDEN_FILE(tdcf_line, "tdcf-line.vec")
GOLDEN_FILE(tdcf_msg_lines, "tdcf-msg-lines.vec")
GOLDEN_FILE(tdcf_writer, "tdcf-writer.vec")

/*
 * The directory holds exactly golden_files[], every file has cases with
 * known families, and every family has a valid vector and (unless every
 * input is valid) a malformed one.
 */
STLM_TEST(inventory)
{
	size_t nvalid[ARRAY_SIZE(families)] = { 0 };
	size_t nerror[ARRAY_SIZE(families)] = { 0 };
	size_t tv = 0, te = 0;
	char path[PATH_MAX];
	struct dirent *de;
	int bad = 0;
	DIR *d;

	snprintf(path, sizeof(path), "%s/%s", stlm_test_srcdir(), GOLDEN_DIR);
	d = opendir(path);
	if (!d)
		STLM_FAIL_AT("%s: %s", path, strerror(errno));
	while ((de = readdir(d))) {
		size_t l = strlen(de->d_name);
		bool known = false;

		if (l < 4 || strcmp(de->d_name + l - 4, ".vec"))
			continue;
		for (size_t i = 0; i < ARRAY_SIZE(golden_files); i++)
			if (!strcmp(golden_files[i], de->d_name))
				known = true;
		if (!known) {
			fprintf(stderr, "%s/%s is not run by any test case\n",
				GOLDEN_DIR, de->d_name);
			bad++;
		}
	}
	closedir(d);

	for (size_t i = 0; i < ARRAY_SIZE(golden_files); i++) {
		struct vfile vf;

		if (vf_load(&vf, golden_files[i]) < 0) {
			bad++;
			continue;
		}
		bad += vf.parse_errors;
		for (size_t k = 0; k < vf.n; k++) {
			const struct family *f = family_find(vf.cases[k].msg);

			if (!f)
				continue;
			if (vf.cases[k].has_error) {
				nerror[f - families]++;
				te++;
			} else {
				nvalid[f - families]++;
				tv++;
			}
		}
		vf_free(&vf);
	}
	for (size_t i = 0; i < ARRAY_SIZE(families); i++) {
		if (!nvalid[i]) {
			fprintf(stderr, "no valid vector for %s\n",
				families[i].name);
			bad++;
		}
		if (!nerror[i] && !families[i].total) {
			fprintf(stderr, "no malformed vector for %s\n",
				families[i].name);
			bad++;
		}
	}
	fprintf(stderr,
		"%zu files, %zu families, %zu valid + %zu error cases\n",
		ARRAY_SIZE(golden_files), ARRAY_SIZE(families), tv, te);
	ASSERT_EQ(bad, 0);
}
