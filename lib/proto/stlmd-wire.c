// SPDX-License-Identifier: MIT
/*
 * Copyright (c) 2026 The stlm authors
 *
 * Message checks of the stlmd client protocol (see stlmd-wire.h). Every
 * length is checked against the packet size before anything is copied
 * out; fields are copied with memcpy() because a packet buffer need not
 * be aligned for the structures.
 */
#include <errno.h>
#include <string.h>

#include "stlmd-wire.h"

#define HDR sizeof(struct stlmd_hdr)

int stlmd_req_decode(const uint8_t *buf, size_t n, bool truncated,
		     bool hello, struct stlmd_req *ret)
{
	struct stlmd_hdr h;
	size_t plen, need;

	if (n < HDR || truncated)
		return -EBADMSG;
	memcpy(&h, buf, HDR);
	if (h.magic != STLMD_MAGIC || h.flags || h.status || h.reserved ||
	    h.len != n - HDR)
		return -EBADMSG;
	if (!hello && h.type != STLMD_HELLO)
		return -EBADMSG;
	plen = h.len;
	switch (h.type) {
	case STLMD_HELLO:
		need = sizeof(struct stlmd_hello);
		break;
	case STLMD_SUBSCRIBE:
		need = sizeof(struct stlmd_subscribe);
		break;
	case STLMD_INFO:
	case STLMD_SHMTI_FDS:
	case STLMD_RESET:
	case STLMD_SINGLE_SAMPLE:
		need = 0;
		break;
	case STLMD_DES:
	case STLMD_STATE:
		need = sizeof(struct stlmd_page_req);
		break;
	case STLMD_INTERVALS:
		need = sizeof(struct stlmd_iv_req);
		break;
	case STLMD_COLL_GET:
	case STLMD_COLL_SET:
		need = sizeof(struct stlmd_coll);
		break;
	case STLMD_CONFIG:
		if (plen < sizeof(struct stlmd_config_hdr))
			return -EBADMSG;
		need = plen;
		break;
	default:
		return -EBADMSG;
	}
	if (plen != need)
		return -EBADMSG;
	memset(ret, 0, sizeof(*ret));
	ret->h = h;
	ret->p = buf + HDR;
	if (h.type != STLMD_CONFIG && plen)
		memcpy(&ret->u, ret->p, plen);
	return 0;
}

int stlmd_config_req_decode(const uint8_t *p, size_t plen,
			    struct stlmd_config_hdr *ret)
{
	struct stlmd_config_hdr ch;

	if (plen < sizeof(ch))
		return -EINVAL;
	memcpy(&ch, p, sizeof(ch));
	if (ch.reserved || !ch.n || ch.n > STLMD_MAX_CONFIG_ITEMS ||
	    plen != sizeof(ch) +
			    (size_t)ch.n * sizeof(struct stlmd_config_item))
		return -EINVAL;
	*ret = ch;
	return 0;
}

int stlmd_reply_frame_decode(const uint8_t *buf, size_t n, bool truncated,
			     struct stlmd_hdr *ret)
{
	struct stlmd_hdr h;

	if (n < HDR || truncated)
		return -EPROTO;
	memcpy(&h, buf, HDR);
	if (h.magic != STLMD_MAGIC || h.len != n - HDR)
		return -EPROTO;
	*ret = h;
	return 0;
}

int stlmd_page_reply_check(const uint8_t *p, size_t len, uint32_t index,
			   uint32_t total, size_t entry,
			   struct stlmd_page_hdr *ret)
{
	struct stlmd_page_hdr ph;

	if (len < sizeof(ph))
		return -EPROTO;
	memcpy(&ph, p, sizeof(ph));
	if (ph.total != total || ph.index != index || index > total ||
	    ph.n > total - index ||
	    len != sizeof(ph) + (size_t)ph.n * entry ||
	    (!ph.n && index < total))
		return -ESTALE;
	*ret = ph;
	return 0;
}

int stlmd_shmti_reply_check(const uint8_t *p, size_t len, bool fd_passed,
			    struct stlmd_shmti_hdr *ret)
{
	struct stlmd_shmti_hdr sh;

	if (len < sizeof(sh))
		return -EPROTO;
	memcpy(&sh, p, sizeof(sh));
	if (len != sizeof(sh) + (size_t)sh.n * sizeof(struct stlmd_shmti) ||
	    (sh.has_fd != 0) != fd_passed)
		return -EPROTO;
	*ret = sh;
	return 0;
}

int stlmd_iv_reply_check(const uint8_t *p, size_t len,
			 struct stlmd_iv_hdr *ret)
{
	struct stlmd_iv_hdr ih;

	if (len < sizeof(ih))
		return -EPROTO;
	memcpy(&ih, p, sizeof(ih));
	if (len != sizeof(ih) + (size_t)ih.n * sizeof(struct stlmd_iv))
		return -EPROTO;
	*ret = ih;
	return 0;
}

int stlmd_single_reply_check(const uint8_t *p, size_t len, size_t resp_cap,
			     size_t dresp_cap, struct stlmd_single *ret)
{
	struct stlmd_single sh;

	if (len < sizeof(sh))
		return -EPROTO;
	memcpy(&sh, p, sizeof(sh));
	if (len != sizeof(sh) + (size_t)sh.resp_len + sh.dresp_len ||
	    sh.resp_len > resp_cap || sh.dresp_len > dresp_cap)
		return -EPROTO;
	*ret = sh;
	return 0;
}

int stlmd_event_decode(const uint8_t *p, size_t len, struct stlmd_event *ret)
{
	struct stlmd_event e;

	if (len < sizeof(e))
		return -EPROTO;
	memcpy(&e, p, sizeof(e));
	if (e.type == STLMD_EVENT_UPDATE &&
	    len - sizeof(e) != (size_t)e.n * sizeof(struct stlmd_sample))
		return -EPROTO;
	*ret = e;
	return 0;
}

int stlmd_down_decode(const uint8_t *p, size_t len, struct stlmd_down *ret)
{
	struct stlmd_down d;

	if (!p || len < sizeof(d))
		return -ENOENT;
	memcpy(&d, p, sizeof(d));
	if (d.magic != STLMD_DOWN_MAGIC || d.state < STLMD_DOWN_UNREACHABLE ||
	    d.state > STLMD_DOWN_UNRESPONSIVE || d.last_err > 0)
		return -ENOENT;
	d.platform[sizeof(d.platform) - 1] = '\0';
	*ret = d;
	return 0;
}
