// SPDX-License-Identifier: MIT
/*
 * Copyright (c) 2026 The stlm authors
 *
 * Discovery over SCMI (protocol §10): Base vendor strings, Telemetry
 * version, attributes, intervals, SHMTI list (each area mapped read-only
 * from the memory file and its signatures checked), DE_DESCRIPTION pages,
 * per-group membership, then the current state: CONFIG_GET,
 * DE_ENABLED_LIST and one scan of every SHMTI to learn where each enabled
 * DE's line is (so a session finds DEs that an earlier session or another
 * tool enabled).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "scmi-backend.h"

/* Caps on what a platform can make us do or allocate. */
#define MAX_DES			2000000u
#define MAX_GROUPS		1000000u
#define MAX_INTERVALS		4096u
#define MAX_PROTOCOLS		256u
#define SCAN_ATTEMPTS		5

/* ------------------------------------------------------------------ */
/* Base and Telemetry attributes (done at open)                        */

int scmi_base_discover(struct stlm_session *s, struct stlm_platform_info *info)
{
	struct scmi_base_attrs ba;
	uint8_t ids[MAX_PROTOCOLS];
	uint32_t total = 0;
	bool found = false;
	int n, k;

	n = scmi_cmd_base_version(s, &info->base_version);
	if (n < 0)
		return n;
	n = scmi_cmd_base_attrs(s, &ba);
	if (n < 0)
		return n;

	/* Linux ignores failures of the vendor queries; so do we. */
	n = scmi_cmd_base_vendor(s, false, info->vendor);
	if (n < 0) {
		if (scmi_fatal_err(n))
			return n;
		info->vendor[0] = '\0';
		stlm__log(s, STLM_LOG_DEBUG, "DISCOVER_VENDOR: %s", strerror(-n));
	}
	n = scmi_cmd_base_vendor(s, true, info->sub_vendor);
	if (n < 0) {
		if (scmi_fatal_err(n))
			return n;
		info->sub_vendor[0] = '\0';
		stlm__log(s, STLM_LOG_DEBUG, "DISCOVER_SUB_VENDOR: %s",
			  strerror(-n));
	}
	n = scmi_cmd_base_impl_version(s, &info->impl_version);
	if (n < 0) {
		if (scmi_fatal_err(n))
			return n;
		info->impl_version = 0;
	}

	/* Bounded: each round adds at least one id, at most 255 ids. */
	n = 0;
	for (unsigned int iter = 0; total < ba.num_protocols && iter < MAX_PROTOCOLS;
	     iter++) {
		k = scmi_cmd_base_list_protocols(s, total, ids + total,
						 MAX_PROTOCOLS - total);
		if (k < 0) {
			n = k;
			break;
		}
		if (k == 0)
			break;
		if ((uint32_t)k > ba.num_protocols - total) {
			stlm__log(s, STLM_LOG_WARNING,
				  "DISCOVER_LIST_PROTOCOLS returned more ids than announced");
			k = (int)(ba.num_protocols - total);
		}
		total += (uint32_t)k;
	}
	if (n < 0)
		return n;
	for (uint32_t i = 0; i < total; i++)
		found |= ids[i] == SCMI_PROTO_TELEMETRY;
	if (!found) {
		stlm__log(s, STLM_LOG_ERR,
			  "the platform does not implement the Telemetry protocol");
		return -EPROTONOSUPPORT;
	}
	return 0;
}

void scmi_info_from_attrs(struct stlm_platform_info *info,
			  const struct scmi_tlm_attrs *a)
{
	info->n_des = a->de_num;
	info->n_groups = a->groups_num;
	info->n_shmti = a->num_shmti;
	memcpy(info->uuid, a->uuid, sizeof(info->uuid));
	scmi_tlm_uuid_format(a->uuid, info->uuid_str);
	info->single_sample = a->single_sample;
	info->notifications = a->notifications;
	info->per_group = a->per_group;
	info->reset = a->reset;
	info->fastchannels = a->fastchannels;
	info->default_blk_ts_rate_khz = a->default_blk_ts_rate;
}

int scmi_tlm_attrs(struct stlm_session *s, struct scmi_tlm_attrs *ret)
{
	int n;

	n = scmi_cmd_tlm_attrs(s, ret);
	if (n < 0)
		return n;
	if (ret->de_num > MAX_DES || ret->groups_num > MAX_GROUPS) {
		stlm__log(s, STLM_LOG_ERR,
			  "platform claims %u DEs and %u groups (limits %u, %u)",
			  ret->de_num, ret->groups_num, MAX_DES, MAX_GROUPS);
		return -EPROTO;
	}
	return 0;
}

int scmi_tlm_discover(struct stlm_session *s, struct stlm_platform_info *info)
{
	struct scmi_tlm_attrs a;
	int n;

	n = scmi_cmd_tlm_version(s, &info->protocol_version);
	if (n < 0)
		return n;
	if (info->protocol_version > SCMI_TLM_VERSION) {
		/* As Linux: negotiate only if the platform has the command. */
		n = scmi_cmd_tlm_msg_attrs(s, SCMI_TLM_NEGOTIATE_PROTOCOL_VERSION);
		if (n >= 0)
			n = scmi_cmd_tlm_negotiate(s, SCMI_TLM_VERSION);
		if (n < 0) {
			if (scmi_fatal_err(n))
				return n;
			stlm__log(s, STLM_LOG_WARNING,
				  "Telemetry version 0x%x could not be negotiated down: %s",
				  info->protocol_version, strerror(-n));
		}
	}
	n = scmi_tlm_attrs(s, &a);
	if (n < 0)
		return n;
	scmi_info_from_attrs(info, &a);
	return 0;
}

/* ------------------------------------------------------------------ */
/* Intervals, SHMTIs, DE descriptors                                   */

/*
 * LIST_UPDATE_INTERVALS for a scope. The total is taken from the first
 * reply (N + remaining), as Linux does, and capped; later pages must keep
 * index + N + remaining == total and the list ascending.
 */
int scmi_list_intervals(struct stlm_session *s, uint8_t selector,
			uint32_t group, struct scmi_tlm_interval **ret_raw,
			struct stlm_interval **ret_v, size_t *ret_n,
			bool *ret_range)
{
	struct scmi_tlm_intervals_page pg;
	struct scmi_tlm_interval *raw = NULL, *page = NULL;
	struct stlm_interval *v = NULL;
	size_t page_cap = scmi_be(s)->rx_cap / 4 + 1;
	uint32_t total = 0, idx = 0;
	bool range = false, first = true;
	int n, r = 0;

	page = calloc(page_cap, sizeof(*page));
	if (!page) {
		r = -ENOMEM;
		goto out;
	}
	for (unsigned int iter = 0; first || idx < total; iter++) {
		struct scmi_list_hdr h;

		if (iter > MAX_INTERVALS) {
			r = -EPROTO;
			goto out;
		}
		n = scmi_cmd_tlm_intervals(s, selector, group, idx, &pg, page,
					   page_cap);
		if (n < 0) {
			r = n;
			goto out;
		}
		if (first) {
			first = false;
			range = pg.range;
			total = pg.returned + pg.remaining;
			if (total > MAX_INTERVALS) {
				r = -EPROTO;
				goto out;
			}
			raw = calloc(total ? total : 1, sizeof(*raw));
			if (!raw) {
				r = -ENOMEM;
				goto out;
			}
		} else if (pg.range != range) {
			r = -EPROTO;
			goto out;
		}
		h.returned = pg.returned;
		h.remaining = pg.remaining;
		if (scmi_list_check(&h, idx, total) < 0 ||
		    (pg.returned == 0 && idx < total)) {
			r = -EPROTO;
			goto out;
		}
		if (idx && pg.returned && !range &&
		    scmi_tlm_interval_cmp(&raw[idx - 1], &page[0]) >= 0) {
			r = -EPROTO; /* not ascending across pages */
			goto out;
		}
		memcpy(raw + idx, page, pg.returned * sizeof(*raw));
		idx += pg.returned;
		if (pg.returned == 0)
			break;
	}
	v = calloc(total ? total : 1, sizeof(*v));
	if (!v) {
		r = -ENOMEM;
		goto out;
	}
	for (uint32_t i = 0; i < total; i++)
		stlm__interval_fill(&v[i], &raw[i]);
	*ret_raw = raw;
	*ret_v = v;
	*ret_n = total;
	*ret_range = range;
	raw = NULL;
	v = NULL;
out:
	free(page);
	free(raw);
	free(v);
	return r;
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

/* tdcf_area_check() under a SIGBUS guard: -EFAULT when the memory file
 * shrank under the mapping (session.h, stlm__mem_guard_push()). */
static int area_check(const uint8_t *base, size_t len)
{
	struct stlm_mem_guard g;
	int r;

	stlm__mem_guard_push(&g, base, len);
	if (sigsetjmp(g.env, 0))
		return -EFAULT;
	r = tdcf_area_check(base, len);
	stlm__mem_guard_pop(&g);
	return r;
}

/* LIST_SHMTI, then map and check each area, into *ret (allocated). */
static int list_shmti(struct stlm_session *s, uint32_t n_shmti,
		      struct stlm_shmti **ret)
{
	struct scmi_tlm_shmti_desc *d = NULL;
	struct stlm_shmti *sh = NULL;
	uint32_t idx = 0, *ids = NULL;
	int n, r = 0;

	*ret = NULL;
	if (!n_shmti)
		return 0;
	d = calloc(n_shmti, sizeof(*d));
	ids = calloc(n_shmti, sizeof(*ids));
	sh = calloc(n_shmti, sizeof(*sh));
	if (!d || !ids || !sh) {
		r = -ENOMEM;
		goto out;
	}
	/* Bounded: every accepted page adds at least one descriptor. */
	while (idx < n_shmti) {
		struct scmi_list_hdr h;

		n = scmi_cmd_tlm_list_shmti(s, idx, &h, d + idx, n_shmti - idx);
		if (n < 0) {
			r = n;
			goto out;
		}
		if (n == 0 || scmi_list_check(&h, idx, n_shmti) < 0) {
			r = -EPROTO;
			goto out;
		}
		idx += (uint32_t)n;
	}
	for (uint32_t i = 0; i < n_shmti; i++)
		ids[i] = d[i].id;
	if (n_shmti > 1)
		qsort(ids, n_shmti, sizeof(*ids), cmp_u32);
	for (uint32_t i = 1; i < n_shmti; i++) {
		if (ids[i] == ids[i - 1]) {
			stlm__log(s, STLM_LOG_ERR, "SHMTI id %u listed twice",
				  ids[i]);
			r = -EPROTO;
			goto out;
		}
	}
	for (uint32_t i = 0; i < n_shmti; i++) {
		const uint8_t *base = stlm__mem_area(s, d[i].addr, d[i].length);

		sh[i].desc = d[i];
		sh[i].base = NULL;
		if (!base) {
			if (s->mem)
				stlm__log(s, STLM_LOG_WARNING,
					  "SHMTI %u at 0x%llx+%u lies outside the memory file (%zu bytes): unusable",
					  d[i].id, (unsigned long long)d[i].addr,
					  d[i].length, s->mem_size);
			continue;
		}
		r = area_check(base, d[i].length);
		if (r == -EFAULT) {
			r = stlm__mem_fault(s);
			goto out;
		}
		if (r < 0) {
			stlm__log(s, STLM_LOG_WARNING,
				  "SHMTI %u: bad TDCF header or epilogue (%s): unusable",
				  d[i].id, strerror(-r));
			r = 0;
			continue;
		}
		sh[i].base = base;
	}
	*ret = sh;
	sh = NULL;
out:
	free(d);
	free(ids);
	free(sh);
	return r;
}

/* Every DE_DESCRIPTION page into *ret (allocated). */
static int list_descriptions(struct stlm_session *s, uint32_t n_des,
			     struct scmi_tlm_de_desc **ret)
{
	size_t page_cap = scmi_be(s)->rx_cap / SCMI_TLM_DE_DESC_FIXED_SIZE + 1;
	struct scmi_tlm_de_desc *d;
	uint32_t idx = 0;
	int n, r = 0;

	d = calloc(n_des ? n_des : 1, sizeof(*d));
	if (!d)
		return -ENOMEM;
	/* Bounded: every accepted page adds at least one descriptor. */
	while (idx < n_des) {
		struct scmi_list_hdr h;
		size_t want = n_des - idx < page_cap ? n_des - idx : page_cap;
		bool dec;

		n = scmi_cmd_tlm_de_description(s, idx, &h, d + idx, want, &dec);
		if (n < 0 && dec) {
			stlm__log(s, STLM_LOG_ERR,
				  "DE_DESCRIPTION at index %u: %s", idx,
				  strerror(-n));
			r = scmi_proto_err(n);
			goto out;
		}
		if (n < 0) {
			r = n;
			goto out;
		}
		if (n == 0 || scmi_list_check(&h, idx, n_des) < 0) {
			stlm__log(s, STLM_LOG_ERR,
				  "DE_DESCRIPTION at index %u: bad page (%u returned, %u remaining, %u DEs)",
				  idx, h.returned, h.remaining, n_des);
			r = -EPROTO;
			goto out;
		}
		idx += (uint32_t)n;
		stlm__progress(s, "discovery", idx, n_des);
	}
	*ret = d;
	d = NULL;
out:
	free(d);
	return r;
}

int scmi_discover_table(struct stlm_session *s,
			const struct stlm_platform_info *info,
			struct stlm_table **ret)
{
	struct scmi_tlm_interval *iv_raw = NULL;
	struct stlm_interval *iv = NULL;
	struct scmi_tlm_de_desc *d = NULL;
	struct stlm_shmti *sh = NULL;
	struct stlm_table *tb = NULL;
	size_t n_iv = 0;
	bool iv_range = false;
	int r;

	r = scmi_list_intervals(s, info->per_group ? SCMI_TLM_SEL_ORPHANS :
						     SCMI_TLM_SEL_ALL,
				SCMI_TLM_GROUP_NONE, &iv_raw, &iv, &n_iv,
				&iv_range);
	if (r < 0) {
		if (scmi_fatal_err(r))
			goto out;
		stlm__log(s, STLM_LOG_WARNING,
			  "LIST_UPDATE_INTERVALS: %s (no interval can be offered)",
			  strerror(-r));
		n_iv = 0;
	}
	r = list_shmti(s, info->n_shmti, &sh);
	if (r < 0) {
		stlm__log(s, STLM_LOG_ERR, "LIST_SHMTI: %s", strerror(-r));
		goto out;
	}
	r = list_descriptions(s, info->n_des, &d);
	if (r < 0)
		goto out;
	r = stlm__table_build(s, d, info->n_des, info->n_groups, &tb);
	if (r < 0)
		goto out;
	tb->shmti = sh;
	tb->n_shmti = sh ? info->n_shmti : 0;
	tb->iv_raw = iv_raw;
	tb->iv = iv;
	tb->n_iv = n_iv;
	tb->iv_range = iv_range;
	sh = NULL;
	iv_raw = NULL;
	iv = NULL;
	*ret = tb;
out:
	free(d);
	free(sh);
	free(iv_raw);
	free(iv);
	return r;
}

/* ------------------------------------------------------------------ */
/* Current state: enabled list and SHMTI scans                         */

static int place_push(struct scmi_place_vec *pv, const struct scmi_place *p)
{
	if (pv->n == pv->cap) {
		size_t cap = pv->cap ? 2 * pv->cap : 256;
		struct scmi_place *v = realloc(pv->v, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		pv->v = v;
		pv->cap = cap;
	}
	pv->v[pv->n++] = *p;
	return 0;
}

/*
 * One consistent pass over SHMTI si, appending every valid data line of a
 * known (non-FastChannel) DE. Bounded retries (Linux: 5, sleeping 0..4 ms).
 * -EAGAIN when no consistent pass was seen, -ENODEV for an unusable area.
 */
static int scan_shmti(struct stlm_table *tb, uint32_t si,
		      struct scmi_place_vec *pv)
{
	const struct stlm_shmti *sh = &tb->shmti[si];
	size_t len = sh->desc.length;
	int r = -EAGAIN;

	if (!sh->base)
		return -ENODEV;
	for (int attempt = 0; attempt < SCAN_ATTEMPTS; attempt++) {
		size_t keep = pv->n, bytes, off = 0;
		uint32_t start, end, last_blk = 0;
		bool ok = true;

		if (attempt)
			scmi_sleep_ms((unsigned int)attempt);
		start = tdcf_read_begin(sh->base);
		if (start & 1u)
			continue;
		if (tdcf_read_line_area(sh->base, len, &bytes) < 0)
			continue;
		while (off < bytes) {
			const uint8_t *p = sh->base + TDCF_HDR_SIZE + off;
			struct tdcf_line l;
			int n = tdcf_line_parse_dev(p, bytes - off, &l,
						    &pv->dev);

			if (n < 0) {
				ok = false;
				break;
			}
			if (l.type == TDCF_LINE_BLK_TS) {
				last_blk = (uint32_t)(TDCF_HDR_SIZE + off);
			} else if (l.type == TDCF_LINE_DATA && !l.invalid) {
				int idx = stlm__table_lookup(tb, l.id);
				struct scmi_place pl = {
					.si = si,
					.off = (uint32_t)(TDCF_HDR_SIZE + off),
					.blk = l.use_blk_ts ? last_blk : 0,
					.ts = l.ts_valid || l.use_blk_ts,
				};

				if (idx >= 0 && !tb->des[idx].desc.has_fc) {
					pl.idx = (uint32_t)idx;
					if (place_push(pv, &pl) < 0)
						return -ENOMEM;
				}
			}
			off += (size_t)n;
		}
		end = tdcf_read_end(sh->base, len);
		if (ok && tdcf_pass_ok(start, end))
			return 0;
		pv->n = keep;
	}
	return r;
}

/*
 * scan_shmti() under a SIGBUS guard over the area (session.h,
 * stlm__mem_guard_push()): -EFAULT when the memory file shrank under it;
 * the caller marks the session lost (stlm__mem_fault()).
 */
int scmi_scan_shmti(struct stlm_table *tb, uint32_t si,
		    struct scmi_place_vec *pv)
{
	const struct stlm_shmti *sh = &tb->shmti[si];
	struct stlm_mem_guard g;
	int r;

	if (!sh->base)
		return -ENODEV;
	stlm__mem_guard_push(&g, sh->base, sh->desc.length);
	if (sigsetjmp(g.env, 0))
		return -EFAULT;
	r = scan_shmti(tb, si, pv);
	stlm__mem_guard_pop(&g);
	return r;
}

/* @lock held: a digest of what the session believes the state is. */
static uint64_t state_digest(const struct stlm_session *s,
			     const struct stlm_table *tb)
{
	uint64_t h = 1469598103934665603ull;

#define MIX(x) (h = (h ^ (uint64_t)(x)) * 1099511628211ull)
	MIX(s->telemetry_on);
	MIX(s->coll_mode);
	MIX(s->coll_iv.secs);
	MIX((uint8_t)s->coll_iv.exp);
	for (uint32_t i = 0; i < tb->n_des; i++) {
		const struct stlm_de *de = &tb->des[i];

		MIX(de->enabled | de->ts_enabled << 1);
		MIX(de->shmti);
		MIX((uint64_t)de->offset << 32 | de->blk_ts_off);
	}
#undef MIX
	return h;
}

/* Reads of the whole DE_ENABLED_LIST before giving up on it. */
#define LIST_TRIES 3

/*
 * Learn the current state into table tb: CONFIG_GET, DE_ENABLED_LIST
 * (always: an earlier session may have enabled DEs while collection is
 * off; an error counts as "none") and one scan of every SHMTI. Applied
 * under @lock; with clear_msgs the message cache is dropped too.
 */
int scmi_learn_state(struct stlm_session *s, struct stlm_table *tb,
		     bool clear_msgs, bool *ret_changed)
{
	uint64_t before;
	struct scmi_tlm_config_get_resp gr = { 0 };
	struct scmi_tlm_enabled_entry *page = NULL;
	struct scmi_place_vec pv = { 0 };
	size_t page_cap = scmi_be(s)->rx_cap / 8 + 1;
	uint8_t *mode = NULL;
	bool list_ok = true, cfg_ok, sat = false, unknown = false, dec;
	uint32_t total = 0, idx = 0;
	unsigned int list_tries = 0;
	int n, r = 0;

	n = scmi_cmd_tlm_config_get(s, SCMI_TLM_SEL_ORPHANS,
				    SCMI_TLM_GROUP_NONE, &gr);
	cfg_ok = n >= 0;
	if (n < 0) {
		if (scmi_fatal_err(n))
			return n;
		stlm__log(s, STLM_LOG_WARNING, "CONFIG_GET: %s", strerror(-n));
	}

	mode = calloc(tb->n_des ? tb->n_des : 1, 1);
	page = calloc(page_cap, sizeof(*page));
	if (!mode || !page) {
		r = -ENOMEM;
		goto out;
	}
	/*
	 * The list is paged: a change of the enabled set between two pages
	 * (another agent's configuration, a platform reset) makes the pages
	 * disagree. Read it again from the start, a few times, before
	 * falling back to the SHMTI lines.
	 */
retry:
	for (unsigned int iter = 0; list_ok && (iter == 0 || idx < total); iter++) {
		struct scmi_list_hdr h;
		size_t want;

		want = iter == 0 ? page_cap :
		       (total - idx < page_cap ? total - idx : page_cap);
		n = scmi_cmd_tlm_enabled_list(s, idx, &h, page, want, &dec);
		if (n < 0 && !dec) {
			if (scmi_fatal_err(n)) {
				r = n;
				goto out;
			}
			list_ok = false;
			break;
		}
		if (n < 0) {
			list_ok = false;
			break;
		}
		if (iter == 0) {
			/*
			 * The total is N + remaining of the first page, unless
			 * remaining is saturated (16 bits: over 65535 entries
			 * left): then the DE count bounds it until a page
			 * reports the exact rest.
			 */
			sat = h.remaining == 0xFFFF;
			total = sat ? tb->n_des : h.returned + h.remaining;
			if (total > tb->n_des) {
				n = -EPROTO;
				list_ok = false;
				break;
			}
		}
		if (scmi_list_check(&h, idx, sat ? 0 : total) < 0 ||
		    (uint64_t)idx + h.returned > tb->n_des ||
		    (n == 0 && idx < total)) {
			n = -EPROTO;
			list_ok = false;
			break;
		}
		if (sat && h.remaining != 0xFFFF) {
			total = idx + h.returned + h.remaining;
			sat = false;
		}
		for (int i = 0; i < n; i++) {
			int k = stlm__table_lookup(tb, page[i].id);

			if (k < 0) {
				stlm__log(s, STLM_LOG_WARNING,
					  "DE_ENABLED_LIST names unknown DE 0x%08x",
					  page[i].id);
				continue;
			}
			mode[k] = page[i].mode;
		}
		idx += (uint32_t)n;
		if (n == 0)
			break;
	}
	if (!list_ok && n != -EOPNOTSUPP && ++list_tries < LIST_TRIES) {
		memset(mode, 0, tb->n_des);
		idx = 0;
		total = 0;
		sat = false;
		list_ok = true;
		goto retry;
	}
	if (!list_ok) {
		stlm__log(s, STLM_LOG_WARNING,
			  "DE_ENABLED_LIST: %s (taking the SHMTI lines as the enabled set)",
			  strerror(-n));
		memset(mode, 0, tb->n_des);
	}
	for (uint32_t si = 0; si < tb->n_shmti; si++) {
		n = scmi_scan_shmti(tb, si, &pv);
		if (n == -ENOMEM) {
			r = n;
			goto out;
		}
		if (n == -EFAULT) {
			r = stlm__mem_fault(s);
			goto out;
		}
		if (n == -EAGAIN) {
			/* Snapshots learn them again: warn once, not at
			 * every retry. */
			stlm__log(s, __atomic_load_n(&s->placements_unknown,
						     __ATOMIC_RELAXED) ?
					     STLM_LOG_DEBUG : STLM_LOG_WARNING,
				  "SHMTI %u: no consistent pass, its placements are unknown",
				  tb->shmti[si].desc.id);
			unknown = true;
		}
	}
	__atomic_store_n(&s->placements_unknown, unknown, __ATOMIC_RELAXED);

	pthread_mutex_lock(&s->lock);
	before = state_digest(s, tb);
	if (cfg_ok) {
		if (s->telemetry_on != gr.enable || s->coll_mode != gr.mode)
			stlm__log(s, STLM_LOG_DEBUG, "telemetry is %s (mode %u)",
				  gr.enable ? "on" : "off", gr.mode);
		s->telemetry_on = gr.enable;
		s->coll_mode = gr.mode;
		s->coll_iv = gr.interval;
	}
	for (uint32_t i = 0; i < tb->n_des; i++) {
		struct stlm_de *de = &tb->des[i];

		__atomic_store_n(&de->enabled, mode[i] != 0, __ATOMIC_RELAXED);
		__atomic_store_n(&de->ts_enabled, mode[i] == 2, __ATOMIC_RELAXED);
		de->shmti = SCMI_TLM_SHMTI_NONE;
		de->offset = 0;
		de->blk_ts_off = 0;
		if (clear_msgs)
			de->msg_valid = false;
	}
	for (size_t k = 0; k < pv.n; k++) {
		struct stlm_de *de = &tb->des[pv.v[k].idx];

		if (!list_ok) {
			__atomic_store_n(&de->enabled, true, __ATOMIC_RELAXED);
			__atomic_store_n(&de->ts_enabled, pv.v[k].ts,
					 __ATOMIC_RELAXED);
		}
		if (!de->enabled)
			continue;
		de->shmti = pv.v[k].si;
		de->offset = pv.v[k].off;
		de->blk_ts_off = pv.v[k].blk;
	}
	if (ret_changed)
		*ret_changed = state_digest(s, tb) != before;
	pthread_mutex_unlock(&s->lock);
	if (pv.dev)
		stlm__deviation(s, pv.dev, "SHMTI lines");
out:
	free(mode);
	free(page);
	free(pv.v);
	return r;
}

/* The backend's discover op (disc_lock held). */
int scmi_discover(struct stlm_session *s)
{
	struct stlm_platform_info info;
	struct stlm_table *tb = NULL;
	int r;

	pthread_mutex_lock(&s->lock);
	info = s->info;
	pthread_mutex_unlock(&s->lock);
	r = scmi_discover_table(s, &info, &tb);
	if (r == 0) {
		r = scmi_learn_state(s, tb, true, NULL);
		if (r < 0)
			stlm__table_free(tb);
	}
	if (r < 0) {
		if (r != -EBUSY && r != -ECONNRESET)
			stlm__log(s, STLM_LOG_ERR, "discovery failed: %s",
				  strerror(-r));
		s->discovery_error = r;
		return r;
	}
	pthread_mutex_lock(&s->lock);
	stlm__table_install_locked(s, tb);
	s->discovery_error = 0;
	pthread_mutex_unlock(&s->lock);
	/* Said where the reader of the log looks (stlmd's, a program's),
	 * not only by the CLI: a socket URI names no memory file, so every
	 * SHMTI value of this platform will read as unreachable. */
	if (tb->n_shmti && !s->mem)
		stlm__log(s, STLM_LOG_WARNING,
			  "the platform places values in %u SHMTI%s, but '%s' names no memory file: those values are unreachable; add ?mem=FILE (the file the platform serves, stlm-platform --mem)",
			  tb->n_shmti, tb->n_shmti == 1 ? "" : "s", s->uri);
	stlm__catalog_apply(s);
	return 0;
}
