// SPDX-License-Identifier: MIT
/*
 * Copyright (c) 2026 The stlm authors
 *
 * Command handlers: Base (0x10) and Telemetry (0x1B), platform side.
 * Each handler decodes its request with the codec, checks it exactly as
 * the protocol (docs/codec.md) says a platform does, applies it and encodes
 * the reply. Called with p->lock held.
 *
 * Status choices where the sources disagree (documented in
 * docs/platform-format.md, "Conformance notes"): an index past the end of
 * a list is OUT_OF_RANGE (the spec snippets), an empty list at index 0 is
 * SUCCESS with no entries; an unknown DE or group in DE_CONFIGURE or
 * CONFIG_SET is INVALID_PARAMETERS; a timestamp request for a DE without
 * timestamp support enables it without timestamps (lenient, as Linux may
 * send it); enabling collection with no DE enabled is accepted (Arm's own
 * bring-up scripts enable telemetry before the DEs).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "base.h"
#include "internal.h"

struct ctx {
	struct stlmp_platform *p;
	const struct scmi_hdr *h;
	const uint8_t *req;
	size_t req_len;
	uint8_t *pl;	/* reply payload (after the header) */
	size_t pl_cap;	/* status + max_msg_size, bounded by the buffer */
	uint8_t *post;	/* delayed response (header + payload) */
	size_t post_cap;
	size_t post_len;
};

static int status(struct ctx *c, int32_t st)
{
	return scmi_status_resp_encode(st, c->pl, c->pl_cap);
}

static int err_status(struct ctx *c, int err)
{
	return status(c, scmi_errno_to_status(err));
}

/* Items a page may carry: the platform's optional cap. */
static size_t page_items(const struct ctx *c, size_t n)
{
	uint32_t m = c->p->cfg->max_page_items;

	return (m && n > m) ? m : n;
}

/* ---------------------------------------------------------------- */
/* Base                                                             */

static int base_handle(struct ctx *c)
{
	const struct stlmp_config *cfg = c->p->cfg;
	uint32_t v;
	int r;

	switch (c->h->id) {
	case SCMI_BASE_PROTOCOL_VERSION:
		r = scmi_empty_req_decode(c->req, c->req_len);
		return r < 0 ? err_status(c, r) :
			       scmi_u32_resp_encode(STLMP_BASE_VERSION, c->pl,
						    c->pl_cap);
	case SCMI_BASE_PROTOCOL_ATTRIBUTES: {
		struct scmi_base_attrs a = { .num_protocols = 1,
					     .num_agents = 1 };

		r = scmi_empty_req_decode(c->req, c->req_len);
		return r < 0 ? err_status(c, r) :
			       scmi_base_attrs_resp_encode(&a, c->pl, c->pl_cap);
	}
	case SCMI_BASE_PROTOCOL_MESSAGE_ATTRIBUTES:
		r = scmi_u32_req_decode(c->req, c->req_len, &v);
		if (r < 0)
			return err_status(c, r);
		if (v <= SCMI_BASE_NOTIFY_ERRORS ||
		    v == SCMI_BASE_NEGOTIATE_PROTOCOL_VERSION)
			return scmi_u32_resp_encode(0, c->pl, c->pl_cap);
		return status(c, SCMI_NOT_FOUND);
	case SCMI_BASE_DISCOVER_VENDOR:
	case SCMI_BASE_DISCOVER_SUB_VENDOR:
		r = scmi_empty_req_decode(c->req, c->req_len);
		if (r < 0)
			return err_status(c, r);
		return scmi_base_name_resp_encode(
			c->h->id == SCMI_BASE_DISCOVER_VENDOR ? cfg->vendor :
								cfg->sub_vendor,
			c->pl, c->pl_cap);
	case SCMI_BASE_DISCOVER_IMPLEMENTATION_VERSION:
		r = scmi_empty_req_decode(c->req, c->req_len);
		return r < 0 ? err_status(c, r) :
			       scmi_u32_resp_encode(cfg->impl_version, c->pl,
						    c->pl_cap);
	case SCMI_BASE_DISCOVER_LIST_PROTOCOLS: {
		static const uint8_t ids[] = { SCMI_PROTO_TELEMETRY };
		size_t n;

		r = scmi_u32_req_decode(c->req, c->req_len, &v);
		if (r < 0)
			return err_status(c, r);
		if (v > ARRAY_SIZE(ids))
			return status(c, SCMI_INVALID_PARAMETERS);
		return scmi_base_list_protocols_resp_encode(
			ids + v, ARRAY_SIZE(ids) - v, c->pl, c->pl_cap, &n);
	}
	case SCMI_BASE_DISCOVER_AGENT: {
		struct scmi_base_agent a = { 0 };

		r = scmi_u32_req_decode(c->req, c->req_len, &v);
		if (r < 0)
			return err_status(c, r);
		if (v == 0) {
			a.agent_id = 0;
			strcpy(a.name, "platform");
		} else if (v == STLMP_AGENT_ID || v == SCMI_BASE_AGENT_SELF) {
			a.agent_id = STLMP_AGENT_ID;
			memcpy(a.name, cfg->agent_name, sizeof(a.name));
			a.name[sizeof(a.name) - 1] = 0;
		} else {
			return status(c, SCMI_NOT_FOUND);
		}
		return scmi_base_agent_resp_encode(&a, c->pl, c->pl_cap);
	}
	case SCMI_BASE_NOTIFY_ERRORS: {
		bool en;

		r = scmi_base_notify_errors_req_decode(c->req, c->req_len, &en);
		return r < 0 ? err_status(c, r) : status(c, SCMI_SUCCESS);
	}
	case SCMI_BASE_NEGOTIATE_PROTOCOL_VERSION:
		r = scmi_u32_req_decode(c->req, c->req_len, &v);
		if (r < 0)
			return err_status(c, r);
		return status(c, v == STLMP_BASE_VERSION ? SCMI_SUCCESS :
							   SCMI_NOT_SUPPORTED);
	default:
		return status(c, SCMI_NOT_SUPPORTED);
	}
}

/* ---------------------------------------------------------------- */
/* Telemetry                                                        */

static bool any_fc(const struct stlmp_config *cfg)
{
	for (uint32_t i = 0; i < cfg->n_des; i++)
		if (cfg->des[i].desc.has_fc)
			return true;
	return false;
}

static int tlm_attributes(struct ctx *c)
{
	const struct stlmp_config *cfg = c->p->cfg;
	struct scmi_tlm_attrs a = {
		.de_num = cfg->n_des,
		.groups_num = cfg->n_groups,
		.single_sample = cfg->single_sample,
		.notifications = cfg->notifications,
		.per_group = cfg->per_group,
		.reset = cfg->reset,
		.fastchannels = any_fc(cfg),
		.num_shmti = (uint16_t)cfg->n_shmti,
		.default_blk_ts_rate = cfg->default_blk_ts_rate,
	};
	int r = scmi_empty_req_decode(c->req, c->req_len);

	if (r < 0)
		return err_status(c, r);
	memcpy(a.uuid, cfg->uuid, sizeof(a.uuid));
	return scmi_tlm_attrs_resp_encode(&a, c->pl, c->pl_cap);
}

static int tlm_list_shmti(struct ctx *c)
{
	struct stlmp_platform *p = c->p;
	struct scmi_tlm_shmti_desc d[64];
	uint32_t index, n;
	size_t packed;
	int r = scmi_u32_req_decode(c->req, c->req_len, &index);

	if (r < 0)
		return err_status(c, r);
	if (p->cfg->n_shmti == 0)
		return status(c, SCMI_NOT_FOUND);
	if (index >= p->cfg->n_shmti)
		return status(c, SCMI_OUT_OF_RANGE);
	n = (uint32_t)page_items(c, p->cfg->n_shmti - index);
	if (n > ARRAY_SIZE(d))
		n = ARRAY_SIZE(d);
	for (uint32_t i = 0; i < n; i++) {
		d[i].id = index + i;
		d[i].addr = p->shmti[index + i].mem_off;
		d[i].length = p->shmti[index + i].len;
	}
	/* remaining must count the whole rest of the list, not this batch:
	 * encode the batch, then patch remaining. */
	r = scmi_tlm_list_shmti_resp_encode(d, n, c->pl, c->pl_cap, &packed);
	if (r >= 8)
		scmi_put_le32(c->pl + 4,
			      scmi_list_word((uint16_t)packed,
					     (uint16_t)(p->cfg->n_shmti - index -
							packed)));
	return r;
}

static int tlm_de_description(struct ctx *c)
{
	const struct stlmp_config *cfg = c->p->cfg;
	struct scmi_tlm_de_desc *d;
	uint32_t index, n, rest;
	size_t packed;
	int r = scmi_u32_req_decode(c->req, c->req_len, &index);

	if (r < 0)
		return err_status(c, r);
	if (cfg->n_des == 0 && index == 0) {
		scmi_put_le32(c->pl, 0);
		scmi_put_le32(c->pl + 4, 0);
		return 8;
	}
	if (index >= cfg->n_des)
		return status(c, SCMI_OUT_OF_RANGE);
	rest = cfg->n_des - index;
	/* At most as many as could possibly fit (24-byte minimum). */
	n = (uint32_t)page_items(c, rest);
	if (n > c->pl_cap / SCMI_TLM_DE_DESC_FIXED_SIZE + 1)
		n = (uint32_t)(c->pl_cap / SCMI_TLM_DE_DESC_FIXED_SIZE + 1);
	d = malloc(n * sizeof(*d));
	if (!d)
		return status(c, SCMI_GENERIC_ERROR);
	for (uint32_t i = 0; i < n; i++)
		d[i] = cfg->des[index + i].desc;
	r = scmi_tlm_de_description_resp_encode(d, n, c->pl, c->pl_cap, &packed);
	free(d);
	if (r >= 8)
		scmi_put_le32(c->pl + 4,
			      scmi_list_word((uint16_t)packed,
					     (uint16_t)(rest - packed > 0xFFFF ?
								0xFFFF :
								rest - packed)));
	return r;
}

static const struct stlmp_intervals *scope_intervals(const struct ctx *c,
						      uint8_t selector,
						      uint32_t group)
{
	const struct stlmp_config *cfg = c->p->cfg;

	if (selector == SCMI_TLM_SEL_GROUP && group < cfg->n_groups &&
	    cfg->groups[group].intervals.n)
		return &cfg->groups[group].intervals;
	return &cfg->intervals;
}

static int tlm_list_intervals(struct ctx *c)
{
	const struct stlmp_config *cfg = c->p->cfg;
	const struct stlmp_intervals *l;
	struct scmi_tlm_intervals_req q;
	size_t packed;
	int r = scmi_tlm_intervals_req_decode(c->req, c->req_len, &q);

	if (r < 0)
		return err_status(c, r);
	if (q.selector == SCMI_TLM_SEL_GROUP) {
		if (!cfg->per_group)
			return status(c, SCMI_NOT_SUPPORTED);
		if (q.group_id >= cfg->n_groups)
			return status(c, SCMI_OUT_OF_RANGE);
	}
	l = scope_intervals(c, q.selector, q.group_id);
	if (l->range) {
		if (q.index != 0)
			return status(c, SCMI_OUT_OF_RANGE);
		return scmi_tlm_intervals_resp_encode(l->v, 3, true, c->pl,
						      c->pl_cap, &packed);
	}
	if (l->n == 0 && q.index == 0)
		return scmi_tlm_intervals_resp_encode(NULL, 0, false, c->pl,
						      c->pl_cap, &packed);
	if (q.index >= l->n)
		return status(c, SCMI_OUT_OF_RANGE);
	r = scmi_tlm_intervals_resp_encode(l->v + q.index,
					   page_items(c, l->n - q.index), false,
					   c->pl, c->pl_cap, &packed);
	if (r >= 8) {
		uint32_t w = scmi_get_le32(c->pl + 4) & 0xFFFFu;

		w |= (uint32_t)(l->n - q.index - packed) << 16;
		scmi_put_le32(c->pl + 4, w);
	}
	return r;
}

static int enable_status(int r)
{
	if (r == -ENOSPC)
		return SCMI_OUT_OF_RANGE;
	return r < 0 ? SCMI_GENERIC_ERROR : SCMI_SUCCESS;
}

static int de_configure_group(struct ctx *c,
			      const struct scmi_tlm_de_configure_req *q,
			      struct scmi_tlm_de_configure_resp *resp)
{
	struct stlmp_platform *p = c->p;
	const struct stlmp_config *cfg = p->cfg;
	uint32_t g = q->id;
	int r = 0;

	if (g >= cfg->n_groups)
		return SCMI_INVALID_PARAMETERS;
	if (q->mode == SCMI_TLM_DE_DISABLE) {
		for (uint32_t i = 0; i < cfg->n_des; i++)
			if (cfg->des[i].desc.group_id == g)
				stlmp_de_disable(p, i);
		p->group_enabled[g] = false;
		p->group_ts[g] = false;
		return SCMI_SUCCESS;
	}
	for (uint32_t i = 0; i < cfg->n_des && r == 0; i++)
		if (cfg->des[i].desc.group_id == g)
			r = stlmp_de_enable(p, i, q->mode == SCMI_TLM_DE_ENABLE_TS,
					    true);
	if (r < 0) {
		/* Leave the group as it was: disabled. */
		for (uint32_t i = 0; i < cfg->n_des; i++)
			if (cfg->des[i].desc.group_id == g && p->de[i].by_group)
				stlmp_de_disable(p, i);
		return enable_status(r);
	}
	p->group_enabled[g] = true;
	p->group_ts[g] = q->mode == SCMI_TLM_DE_ENABLE_TS;
	/* Report the SHMTI of the group's lines and the lowest offset. */
	for (uint32_t i = 0; i < cfg->n_des; i++) {
		const struct de_rt *rt = &p->de[i];

		if (cfg->des[i].desc.group_id != g ||
		    rt->shmti == STLMP_NO_SHMTI)
			continue;
		if (resp->shmti_id == SCMI_TLM_SHMTI_NONE ||
		    (rt->shmti == resp->shmti_id && rt->off < resp->de_offset)) {
			resp->shmti_id = rt->shmti;
			resp->de_offset = rt->off;
		}
		if (rt->ts &&
		    cfg->des[i].desc.ts_support == SCMI_TLM_TS_BLOCK &&
		    rt->shmti == resp->shmti_id)
			resp->blk_ts_offset = p->shmti[rt->shmti].blk_ts_off;
	}
	return SCMI_SUCCESS;
}

static int tlm_de_configure(struct ctx *c)
{
	struct stlmp_platform *p = c->p;
	const struct stlmp_config *cfg = p->cfg;
	struct scmi_tlm_de_configure_req q;
	struct scmi_tlm_de_configure_resp resp = {
		.shmti_id = SCMI_TLM_SHMTI_NONE,
	};
	int32_t st;
	int r = scmi_tlm_de_configure_req_decode(c->req, c->req_len, &q);

	if (r < 0)
		return err_status(c, r);
	if (q.disable_all) {
		for (uint32_t i = 0; i < cfg->n_des; i++)
			stlmp_de_disable(p, i);
		for (uint32_t g = 0; g < cfg->n_groups; g++) {
			p->group_enabled[g] = false;
			p->group_ts[g] = false;
		}
		return scmi_tlm_de_configure_resp_encode(&resp, c->pl, c->pl_cap);
	}
	if (q.group) {
		st = de_configure_group(c, &q, &resp);
		if (st != SCMI_SUCCESS)
			return status(c, st);
		return scmi_tlm_de_configure_resp_encode(&resp, c->pl, c->pl_cap);
	}

	r = stlmp_de_index(p, q.id);
	if (r < 0)
		return status(c, SCMI_INVALID_PARAMETERS);
	if (q.mode == SCMI_TLM_DE_DISABLE) {
		if (p->de[r].enabled && p->de[r].by_group)
			return status(c, SCMI_IN_USE);
		stlmp_de_disable(p, (uint32_t)r);
		return scmi_tlm_de_configure_resp_encode(&resp, c->pl, c->pl_cap);
	}
	st = enable_status(stlmp_de_enable(p, (uint32_t)r,
					   q.mode == SCMI_TLM_DE_ENABLE_TS,
					   p->de[r].by_group));
	if (st != SCMI_SUCCESS)
		return status(c, st);
	if (p->de[r].shmti != STLMP_NO_SHMTI) {
		resp.shmti_id = p->de[r].shmti;
		resp.de_offset = p->de[r].off;
		if (p->de[r].ts &&
		    cfg->des[r].desc.ts_support == SCMI_TLM_TS_BLOCK)
			resp.blk_ts_offset = p->shmti[p->de[r].shmti].blk_ts_off;
	}
	return scmi_tlm_de_configure_resp_encode(&resp, c->pl, c->pl_cap);
}

static int tlm_enabled_list(struct ctx *c)
{
	struct stlmp_platform *p = c->p;
	const struct stlmp_config *cfg = p->cfg;
	struct scmi_tlm_enabled_req q;
	struct scmi_tlm_enabled_entry *e;
	uint32_t total = 0, k = 0, want, lim = cfg->groups ? cfg->n_groups : 0;
	size_t cap_items, packed;
	int r = scmi_tlm_enabled_req_decode(c->req, c->req_len, &q);

	if (r < 0)
		return err_status(c, r);
	if (!q.groups)
		lim = cfg->n_des;
	for (uint32_t i = 0; i < lim; i++)
		total += q.groups ? p->group_enabled[i] : p->de[i].enabled;
	if (q.index == 0 && total == 0) {
		scmi_put_le32(c->pl, 0);
		scmi_put_le32(c->pl + 4, 0);
		return 8;
	}
	if (q.index >= total)
		return status(c, SCMI_OUT_OF_RANGE);
	want = (uint32_t)page_items(c, total - q.index);
	cap_items = (c->pl_cap - 8) / 8;
	if (want > cap_items)
		want = (uint32_t)cap_items;
	e = malloc((want ? want : 1) * sizeof(*e));
	if (!e)
		return status(c, SCMI_GENERIC_ERROR);
	for (uint32_t i = 0, seen = 0; i < lim && k < want; i++) {
		bool en = q.groups ? p->group_enabled[i] : p->de[i].enabled;
		bool ts = q.groups ? p->group_ts[i] : p->de[i].ts;

		if (!en || seen++ < q.index)
			continue;
		e[k].id = q.groups ? i : cfg->des[i].desc.id;
		e[k].mode = ts ? 2 : 1;
		k++;
	}
	r = scmi_tlm_enabled_resp_encode(e, k, c->pl, c->pl_cap, &packed);
	free(e);
	if (r >= 8)
		scmi_put_le32(c->pl + 4,
			      scmi_list_word((uint16_t)packed,
					     (uint16_t)(total - q.index - packed >
								0xFFFF ?
							0xFFFF :
							total - q.index -
								packed)));
	return r;
}

static bool interval_ok(const struct stlmp_intervals *l,
			const struct scmi_tlm_interval *iv)
{
	if (!l->n)
		return false;
	if (l->range) {
		uint64_t x = scmi_tlm_interval_ns(iv);
		uint64_t lo = scmi_tlm_interval_ns(&l->v[0]);
		uint64_t hi = scmi_tlm_interval_ns(&l->v[1]);
		uint64_t step = scmi_tlm_interval_ns(&l->v[2]);

		if (x < lo || x > hi || x == 0)
			return false;
		return step == 0 || (x - lo) % step == 0;
	}
	for (uint32_t i = 0; i < l->n; i++)
		if (scmi_tlm_interval_cmp(&l->v[i], iv) == 0)
			return true;
	return false;
}

/* Sample now and build the READING_COMPLETE delayed response. */
static void single_sample(struct ctx *c, const bool *scopes)
{
	struct stlmp_platform *p = c->p;
	size_t room = c->post_cap - 16, nb = 0;
	uint8_t *lines = malloc(room + TDCF_LINE_EXT_SIZE);
	struct scmi_hdr h = *c->h;
	int32_t st = SCMI_SUCCESS;
	uint32_t left_out = 0;
	int n;

	/* header + status + num_dwords */
	if (room > p->cfg->max_msg_size - 12)
		room = p->cfg->max_msg_size - 12;
	stlmp_update_pass(p, scopes, stlmp_now_ns(p));
	if (!lines) {
		st = SCMI_GENERIC_ERROR;
	} else {
		for (uint32_t i = 0; i < p->cfg->n_des; i++) {
			uint8_t l[TDCF_LINE_EXT_SIZE];
			size_t ll;

			if (!p->de[i].enabled || p->de[i].shmti != STLMP_NO_SHMTI ||
			    p->cfg->des[i].desc.has_fc ||
			    !scopes[stlmp_de_scope(p, i)])
				continue;
			ll = stlmp_msg_line(p, i, l);
			/*
			 * Never PARTIAL: the Linux driver turns any delayed
			 * status but SUCCESS into an error and drops every
			 * line. Send what fits and say so in the log.
			 */
			if (nb + ll > room) {
				left_out++;
				continue;
			}
			memcpy(lines + nb, l, ll);
			nb += ll;
		}
	}
	if (left_out)
		stlmp_log(p, STLMP_LOG_WARNING,
			  "READING_COMPLETE: %u message-only line(s) do not fit "
			  "max_msg_size %u; sent the %zu bytes that fit",
			  left_out, p->cfg->max_msg_size, nb);
	h.type = SCMI_MSG_DELAYED_RESP;
	h.id = SCMI_TLM_READING_COMPLETE;
	scmi_put_le32(c->post, scmi_hdr_pack(&h));
	n = scmi_tlm_reading_complete_encode(st, lines, nb, c->post + 4,
					     c->post_cap - 4);
	c->post_len = n > 0 ? 4 + (size_t)n : 0;
	free(lines);
}

static int tlm_config_set(struct ctx *c)
{
	struct stlmp_platform *p = c->p;
	const struct stlmp_config *cfg = p->cfg;
	struct scmi_tlm_config_set_req q;
	bool scopes_buf[64], *scopes = scopes_buf;
	int r = scmi_tlm_config_set_req_decode(c->req, c->req_len, &q);
	int32_t st = SCMI_SUCCESS;

	if (r < 0)
		return err_status(c, r);
	if (q.selector != SCMI_TLM_SEL_ALL && !cfg->per_group)
		return status(c, SCMI_INVALID_PARAMETERS);
	if (q.selector == SCMI_TLM_SEL_GROUP && q.group_id >= cfg->n_groups)
		return status(c, SCMI_INVALID_PARAMETERS);
	if (q.enable && q.mode == SCMI_TLM_MODE_NOTIFY && !cfg->notifications)
		return status(c, SCMI_NOT_SUPPORTED);
	if (q.enable && q.mode == SCMI_TLM_MODE_SINGLE && !cfg->single_sample)
		return status(c, SCMI_NOT_SUPPORTED);
	if (q.enable && q.mode != SCMI_TLM_MODE_SINGLE &&
	    !interval_ok(scope_intervals(c, q.selector, q.group_id),
			 &q.interval))
		return status(c, SCMI_OUT_OF_RANGE);

	if (p->n_scopes > ARRAY_SIZE(scopes_buf)) {
		scopes = calloc(p->n_scopes, sizeof(*scopes));
		if (!scopes)
			return status(c, SCMI_GENERIC_ERROR);
	}
	for (uint32_t s = 0; s < p->n_scopes; s++)
		scopes[s] = q.selector == SCMI_TLM_SEL_ALL ||
			    (q.selector == SCMI_TLM_SEL_ORPHANS && s == 0) ||
			    (q.selector == SCMI_TLM_SEL_GROUP &&
			     s == 1 + q.group_id);

	if (q.enable && q.mode == SCMI_TLM_MODE_SINGLE) {
		/* Collection state is kept as it was (§11 item 27). */
		single_sample(c, scopes);
	} else {
		uint64_t now = stlmp_now_ns(p);

		for (uint32_t s = 0; s < p->n_scopes; s++) {
			struct coll_scope *sc = &p->scope[s];

			if (!scopes[s])
				continue;
			if (!q.enable) {
				sc->enabled = false;
				continue;
			}
			sc->enabled = true;
			sc->mode = q.mode;
			sc->interval = q.interval;
			sc->next_ns = now + scmi_tlm_interval_ns(&q.interval);
		}
		stlmp_kick(p);
	}
	if (scopes != scopes_buf)
		free(scopes);
	return status(c, st);
}

static int tlm_config_get(struct ctx *c)
{
	struct stlmp_platform *p = c->p;
	struct scmi_tlm_config_get_req q;
	struct scmi_tlm_config_get_resp resp;
	const struct coll_scope *sc;
	int r = scmi_tlm_config_get_req_decode(c->req, c->req_len, &q);

	if (r < 0)
		return err_status(c, r);
	if (q.selector == SCMI_TLM_SEL_GROUP && q.group_id >= p->cfg->n_groups)
		return status(c, SCMI_INVALID_PARAMETERS);
	sc = &p->scope[0];
	if (q.selector == SCMI_TLM_SEL_GROUP && p->cfg->per_group)
		sc = &p->scope[1 + q.group_id];
	resp.enable = sc->enabled;
	resp.mode = sc->mode;
	resp.interval = sc->interval;
	return scmi_tlm_config_get_resp_encode(&resp, c->pl, c->pl_cap);
}

static int tlm_handle(struct ctx *c)
{
	const struct stlmp_config *cfg = c->p->cfg;
	uint32_t v;
	int r;

	switch (c->h->id) {
	case SCMI_TLM_PROTOCOL_VERSION:
		r = scmi_empty_req_decode(c->req, c->req_len);
		return r < 0 ? err_status(c, r) :
			       scmi_u32_resp_encode(SCMI_TLM_VERSION, c->pl,
						    c->pl_cap);
	case SCMI_TLM_PROTOCOL_ATTRIBUTES:
		return tlm_attributes(c);
	case SCMI_TLM_PROTOCOL_MESSAGE_ATTRIBUTES:
		r = scmi_u32_req_decode(c->req, c->req_len, &v);
		if (r < 0)
			return err_status(c, r);
		if ((v <= SCMI_TLM_RESET &&
		     (v != SCMI_TLM_RESET || cfg->reset)) ||
		    v == SCMI_TLM_NEGOTIATE_PROTOCOL_VERSION)
			return scmi_u32_resp_encode(0, c->pl, c->pl_cap);
		return status(c, SCMI_NOT_FOUND);
	case SCMI_TLM_LIST_SHMTI:
		return tlm_list_shmti(c);
	case SCMI_TLM_DE_DESCRIPTION:
		return tlm_de_description(c);
	case SCMI_TLM_LIST_UPDATE_INTERVALS:
		return tlm_list_intervals(c);
	case SCMI_TLM_DE_CONFIGURE:
		return tlm_de_configure(c);
	case SCMI_TLM_DE_ENABLED_LIST:
		return tlm_enabled_list(c);
	case SCMI_TLM_CONFIG_SET:
		return tlm_config_set(c);
	case SCMI_TLM_CONFIG_GET:
		return tlm_config_get(c);
	case SCMI_TLM_RESET:
		if (!cfg->reset)
			return status(c, SCMI_NOT_SUPPORTED);
		r = scmi_tlm_reset_req_decode(c->req, c->req_len);
		if (r < 0)
			return err_status(c, r);
		stlmp_state_reset(c->p);
		return status(c, SCMI_SUCCESS);
	case SCMI_TLM_NEGOTIATE_PROTOCOL_VERSION:
		r = scmi_u32_req_decode(c->req, c->req_len, &v);
		if (r < 0)
			return err_status(c, r);
		return status(c, v == SCMI_TLM_VERSION ? SCMI_SUCCESS :
							 SCMI_NOT_SUPPORTED);
	default:
		return status(c, SCMI_NOT_SUPPORTED);
	}
}

size_t stlmp_handle(struct stlmp_platform *p, const struct scmi_hdr *h,
		    const uint8_t *payload, size_t len, uint8_t *out,
		    size_t out_cap, uint8_t *post, size_t post_cap,
		    size_t *ret_post_len)
{
	struct ctx c = {
		.p = p,
		.h = h,
		.req = payload,
		.req_len = len,
		.pl = out + 4,
		.pl_cap = out_cap - 4,
		.post = post,
		.post_cap = post_cap,
	};
	int n;

	/* The whole reply (header + payload) fits max_msg_size. */
	if (c.pl_cap > (size_t)p->cfg->max_msg_size - 4)
		c.pl_cap = (size_t)p->cfg->max_msg_size - 4;
	scmi_put_le32(out, scmi_hdr_pack(h));
	if (len > (size_t)p->cfg->max_msg_size - 4) {
		/* A request larger than the channel can carry. */
		n = status(&c, SCMI_PROTOCOL_ERROR);
	} else if (h->proto == SCMI_PROTO_BASE) {
		n = base_handle(&c);
	} else if (h->proto == SCMI_PROTO_TELEMETRY) {
		n = tlm_handle(&c);
	} else {
		n = status(&c, SCMI_NOT_SUPPORTED);
	}
	if (n < 0) {
		stlmp_log(p, STLMP_LOG_ERR,
			  "cannot encode reply to proto 0x%x msg 0x%x: %d",
			  h->proto, h->id, n);
		n = status(&c, SCMI_GENERIC_ERROR);
	}
	*ret_post_len = c.post_len;
	return 4 + (size_t)n;
}
