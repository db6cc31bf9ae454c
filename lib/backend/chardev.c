// SPDX-License-Identifier: MIT
/*
 * Copyright (c) 2026 The stlm authors
 *
 * The chardev: backend (docs/chardev.md): a session on the kernel's SCMI
 * Telemetry character device /dev/scmi/tlm_N. At open it probes the ABI
 * (GET_ABI_INFO: abi_version and the feature bits; an unknown ABI is
 * refused naming both versions), lists the DEs and groups, reads the
 * configuration (one batched GET_DE_CFG) and subscribes an eventfd to the
 * driver's generation events. Snapshots are bulk reads (BULK_READ) or the
 * single-sample read. Every system call goes through stlm__chardev_sys.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "backend.h"
#include "chardev.h"
#include "transport.h"

/* ------------------------------------------------------------------ */
/* System calls                                                        */

static int real_open(const char *path, int flags)
{
	int fd = open(path, flags | O_CLOEXEC | O_NOCTTY);

	return fd < 0 ? -errno : fd;
}

static int real_ioctl(int fd, unsigned long req, void *arg)
{
	return ioctl(fd, req, arg) < 0 ? -errno : 0;
}

static int real_close(int fd)
{
	return close(fd) < 0 ? -errno : 0;
}

static int real_eventfd(unsigned int initval, int flags)
{
	int fd = eventfd(initval, flags | EFD_CLOEXEC);

	return fd < 0 ? -errno : fd;
}

static ssize_t real_read(int fd, void *buf, size_t len)
{
	ssize_t n = read(fd, buf, len);

	return n < 0 ? -errno : n;
}

static int real_poll(struct pollfd *p, unsigned int n, int timeout_ms)
{
	int r = poll(p, n, timeout_ms);

	return r < 0 ? -errno : r;
}

static void *real_map(int fd, size_t len, int *ret_err)
{
	void *p = mmap(NULL, len, PROT_READ, MAP_SHARED, fd, 0);

	if (p == MAP_FAILED) {
		*ret_err = -errno;
		return NULL;
	}
	return p;
}

static int real_unmap(void *p, size_t len)
{
	return munmap(p, len) < 0 ? -errno : 0;
}

const struct stlm_chardev_sys stlm__chardev_sys_real = {
	.open = real_open,
	.ioctl = real_ioctl,
	.close = real_close,
	.eventfd = real_eventfd,
	.read = real_read,
	.poll = real_poll,
	.map = real_map,
	.unmap = real_unmap,
};

const struct stlm_chardev_sys *stlm__chardev_sys = &stlm__chardev_sys_real;

/* ------------------------------------------------------------------ */
/* Helpers                                                             */

static bool is_gone(int r)
{
	return r == -ENODEV || r == -ENXIO || r == -EIO || r == -ESHUTDOWN ||
	       r == -EBADF;
}

int chardev_ioctl(struct stlm_session *s, unsigned long req, void *arg)
{
	struct chardev *c = chardev_be(s);
	int r;

	if (__atomic_load_n(&c->lost, __ATOMIC_RELAXED))
		return __atomic_load_n(&c->lost, __ATOMIC_RELAXED);
	do {
		r = c->sys->ioctl(c->fd, req, arg);
	} while (r == -EINTR);
	if (r < 0 && is_gone(r)) {
		int zero = 0;

		if (__atomic_compare_exchange_n(&c->lost, &zero, r, false,
						__ATOMIC_RELAXED,
						__ATOMIC_RELAXED))
			stlm__log(s, STLM_LOG_ERR, "%s: device gone: %s",
				  c->path, strerror(-r));
	}
	return r;
}

/*
 * GET_ABI_INFO, and the checks: ABI version 1 with batched configuration
 * is what this backend speaks (docs/chardev.md, "Revisions").
 */
static int probe_abi(struct stlm_session *s)
{
	struct chardev *c = chardev_be(s);
	struct stlm_cdev_abi_info *a = &c->abi;
	int r;

	memset(a, 0, sizeof(*a));
	a->size = sizeof(*a);
	r = chardev_ioctl(s, STLM_CDEV_GET_ABI_INFO, a);
	if (r == -ENOTTY || r == -EINVAL) {
		struct stlm_cdev_base_info_v0 b;

		memset(&b, 0, sizeof(b));
		if (chardev_ioctl(s, STLM_CDEV_V0_GET_INFO, &b) == 0) {
			stlm__log(s, STLM_LOG_ERR,
				  "%s: the driver speaks the early GET_INFO form of the telemetry ABI (no abi_version); stlm speaks ABI version %u with batched configuration",
				  c->path, STLM_CDEV_ABI_V1);
			return -EPROTONOSUPPORT;
		}
		stlm__log(s, STLM_LOG_ERR,
			  "%s: not an SCMI Telemetry device (GET_ABI_INFO: %s)",
			  c->path, strerror(-r));
		return -ENOTTY;
	}
	if (r < 0) {
		stlm__log(s, STLM_LOG_ERR, "%s: GET_ABI_INFO: %s", c->path,
			  strerror(-r));
		return r;
	}
	if (a->abi_version != STLM_CDEV_ABI_V1) {
		stlm__log(s, STLM_LOG_ERR,
			  "%s: the driver speaks telemetry ABI version %u; stlm speaks ABI version %u",
			  c->path, a->abi_version, STLM_CDEV_ABI_V1);
		return -EPROTONOSUPPORT;
	}
	if (a->size < sizeof(*a)) {
		stlm__log(s, STLM_LOG_ERR,
			  "%s: ABI version %u with a %u-byte information block; stlm speaks ABI version %u with the %zu-byte block",
			  c->path, a->abi_version, a->size, STLM_CDEV_ABI_V1,
			  sizeof(*a));
		return -EPROTONOSUPPORT;
	}
	if (!(a->abi_features & STLM_CDEV_FEAT_BATCHED_CFG)) {
		stlm__log(s, STLM_LOG_ERR,
			  "%s: the driver speaks telemetry ABI version %u without batched configuration (features 0x%x, an earlier revision); stlm speaks ABI version %u with batched configuration (feature 0x%x)",
			  c->path, a->abi_version, a->abi_features,
			  STLM_CDEV_ABI_V1, STLM_CDEV_FEAT_BATCHED_CFG);
		return -EPROTONOSUPPORT;
	}
	if (a->abi_features & ~STLM_CDEV_FEAT_KNOWN)
		stlm__log(s, STLM_LOG_DEBUG,
			  "%s: ABI feature bits 0x%x not known to stlm (ignored)",
			  c->path, a->abi_features & ~STLM_CDEV_FEAT_KNOWN);
	if (a->num_des > CDEV_MAX_DES || a->num_groups > CDEV_MAX_GROUPS ||
	    a->num_intervals > CDEV_MAX_IV) {
		stlm__log(s, STLM_LOG_ERR,
			  "%s: implausible counts (%u DEs, %u groups, %u intervals)",
			  c->path, a->num_des, a->num_groups, a->num_intervals);
		return -EPROTO;
	}
	return 0;
}

static void desc_from(struct scmi_tlm_de_desc *d,
		      const struct stlm_cdev_de_info *e)
{
	memset(d, 0, sizeof(*d));
	d->id = e->id;
	d->group_id = (e->flags & STLM_CDEV_DEINFO_GROUP) ? e->grp_id :
							     SCMI_TLM_GROUP_NONE;
	d->data_size = e->data_sz;
	d->type = (uint8_t)e->type;
	d->persistent = e->persistent;
	d->unit_exp = (int8_t)e->unit_exp;
	d->unit = (uint8_t)e->unit;
	d->ts_support = e->ts_rate ? 1 : 0;
	d->instance_id = (uint8_t)e->instance_id;
	d->compo_instance = (uint16_t)e->compo_instance_id;
	d->compo_type = (uint8_t)e->compo_type;
	d->line_ts_rate = e->ts_rate;
	memcpy(d->name, e->name, sizeof(e->name) < sizeof(d->name) ?
					 sizeof(e->name) : sizeof(d->name) - 1);
	d->name[sizeof(d->name) - 1] = '\0';
	d->has_name = d->name[0] != '\0';
}

/* Check one DE descriptor from the driver; 0 or -EPROTO (logged). */
static int de_check(struct stlm_session *s, const struct stlm_cdev_de_info *e)
{
	const char *why = NULL;

	if (e->data_sz == 0 || e->data_sz > 8)
		why = "data size not 1..8 bytes";
	else if (e->type > 0xff || e->unit > 0xff || e->compo_type > 0xff ||
		 e->instance_id > 0xff || e->compo_instance_id > 0xffff)
		why = "a field out of its SCMI range";
	else if (e->unit_exp < -128 || e->unit_exp > 127)
		why = "unit exponent out of range";
	else if ((e->flags & STLM_CDEV_DEINFO_GROUP) &&
		 e->grp_id >= CDEV_MAX_GROUPS)
		why = "group id too large";
	if (!why)
		return 0;
	stlm__log(s, STLM_LOG_ERR, "%s: DE 0x%08x: %s", chardev_be(s)->path,
		  e->id, why);
	return -EPROTO;
}

/*
 * Map the SHMTIs the driver hands out (GET_SHMTI_LIST: an fd per SHMTI,
 * the area at @offset of a mapping from 0) into tb->shmti, read-only.
 * Only with DE tracking, which tells where each enabled DE's line is;
 * without it, or on any failure, snapshots stay bulk reads (0).
 */
static int map_shmtis(struct stlm_session *s, struct stlm_table *tb)
{
	struct chardev *c = chardev_be(s);
	struct stlm_cdev_shmti_info *e = NULL;
	struct stlm_cdev_shmtis_list l;
	uint32_t n = c->abi.num_shmtis, m = 0;
	int r;

	if (!n || !(c->abi.abi_features & STLM_CDEV_FEAT_DE_TRACKING))
		return 0;
	if (n > CDEV_MAX_SHMTI)
		return 0;
	e = calloc(n, sizeof(*e));
	c->maps = calloc(n, sizeof(*c->maps));
	c->map_len = calloc(n, sizeof(*c->map_len));
	c->sids = calloc(n, sizeof(*c->sids));
	tb->shmti = calloc(n, sizeof(*tb->shmti));
	if (!e || !c->maps || !c->map_len || !c->sids || !tb->shmti) {
		free(e);
		return -ENOMEM;
	}
	for (uint32_t i = 0; i < n; i++)
		e[i].fd = UINT32_MAX;
	memset(&l, 0, sizeof(l));
	l.num_shmtis = n;
	l.shmtis = (uint64_t)(uintptr_t)e;
	r = chardev_ioctl(s, STLM_CDEV_GET_SHMTI_LIST, &l);
	if (r < 0 || l.num_shmtis > n) {
		stlm__log(s, STLM_LOG_INFO,
			  "%s: GET_SHMTI_LIST: %s: snapshots are bulk reads",
			  c->path, r < 0 ? strerror(-r) : "overflow");
		l.num_shmtis = r < 0 ? 0 : l.num_shmtis;
		r = 0;
		goto out;
	}
	for (uint32_t i = 0; i < l.num_shmtis; i++) {
		size_t len = (size_t)e[i].offset + e[i].len;
		void *p;
		int err = 0;

		if (e[i].len == 0 || e[i].len > CDEV_MAX_SHMTI_LEN ||
		    e[i].offset > CDEV_MAX_SHMTI_LEN || (int)e[i].fd < 0) {
			stlm__log(s, STLM_LOG_WARNING,
				  "%s: SHMTI %u: bad descriptor (fd %d, %u bytes at %u): not mapped",
				  c->path, e[i].sid, (int)e[i].fd, e[i].len,
				  e[i].offset);
			continue;
		}
		p = c->sys->map((int)e[i].fd, len, &err);
		if (!p) {
			stlm__log(s, STLM_LOG_WARNING,
				  "%s: SHMTI %u: mmap: %s: not mapped", c->path,
				  e[i].sid, strerror(-err));
			continue;
		}
		c->maps[m] = p;
		c->map_len[m] = len;
		c->sids[m] = e[i].sid;
		tb->shmti[m].desc.id = e[i].sid;
		tb->shmti[m].desc.addr = 0;
		tb->shmti[m].desc.length = e[i].len;
		tb->shmti[m].base = (const uint8_t *)p + e[i].offset;
		m++;
	}
out:
	/* The driver's fds were only for mmap. */
	for (uint32_t i = 0; i < l.num_shmtis && i < n; i++)
		if ((int)e[i].fd >= 0)
			c->sys->close((int)e[i].fd);
	free(e);
	c->n_maps = m;
	tb->n_shmti = m;
	if (!m) {
		free(tb->shmti);
		tb->shmti = NULL;
	}
	return r;
}

static int discover(struct stlm_session *s)
{
	struct chardev *c = chardev_be(s);
	struct stlm_cdev_de_info *e = NULL;
	struct stlm_cdev_grp_info *g = NULL;
	struct scmi_tlm_de_desc *d = NULL;
	struct stlm_cdev_des_list dl;
	struct stlm_cdev_grps_list gl;
	struct stlm_table *tb = NULL;
	uint32_t n, n_groups = 0;
	int r;

	n = c->abi.num_des;
	e = calloc(n ? n : 1, sizeof(*e));
	d = calloc(n ? n : 1, sizeof(*d));
	c->ids = calloc(n ? n : 1, sizeof(*c->ids));
	c->ts_ok = calloc(n ? n : 1, sizeof(*c->ts_ok));
	c->seen = calloc(n ? n : 1, sizeof(*c->seen));
	c->samples = calloc(n ? n : 1, sizeof(*c->samples));
	if (!e || !d || !c->ids || !c->ts_ok || !c->seen || !c->samples) {
		r = -ENOMEM;
		goto out;
	}
	memset(&dl, 0, sizeof(dl));
	dl.num_des = n;
	dl.des = (uint64_t)(uintptr_t)e;
	r = chardev_ioctl(s, STLM_CDEV_GET_DE_LIST, &dl);
	if (r < 0) {
		stlm__log(s, STLM_LOG_ERR, "%s: GET_DE_LIST: %s", c->path,
			  strerror(-r));
		goto out;
	}
	if (dl.num_des > n) {
		stlm__log(s, STLM_LOG_ERR,
			  "%s: GET_DE_LIST filled %u entries of %u",
			  c->path, dl.num_des, n);
		r = -EPROTO;
		goto out;
	}
	n = dl.num_des;
	for (uint32_t i = 0; i < n; i++) {
		r = de_check(s, &e[i]);
		if (r < 0)
			goto out;
		desc_from(&d[i], &e[i]);
		if (d[i].group_id != SCMI_TLM_GROUP_NONE &&
		    d[i].group_id + 1 > n_groups)
			n_groups = d[i].group_id + 1;
	}
	if (c->abi.num_groups) {
		g = calloc(c->abi.num_groups, sizeof(*g));
		if (!g) {
			r = -ENOMEM;
			goto out;
		}
		memset(&gl, 0, sizeof(gl));
		gl.num_grps = c->abi.num_groups;
		gl.grps = (uint64_t)(uintptr_t)g;
		r = chardev_ioctl(s, STLM_CDEV_GET_GRP_LIST, &gl);
		if (r < 0 || gl.num_grps > c->abi.num_groups) {
			stlm__log(s, STLM_LOG_ERR, "%s: GET_GRP_LIST: %s",
				  c->path, r < 0 ? strerror(-r) : "overflow");
			r = r < 0 ? r : -EPROTO;
			goto out;
		}
		c->group_ids = calloc(gl.num_grps ? gl.num_grps : 1,
				      sizeof(*c->group_ids));
		c->group_niv = calloc(gl.num_grps ? gl.num_grps : 1,
				      sizeof(*c->group_niv));
		if (!c->group_ids || !c->group_niv) {
			r = -ENOMEM;
			goto out;
		}
		for (uint32_t i = 0; i < gl.num_grps; i++) {
			if (g[i].grp_id >= CDEV_MAX_GROUPS) {
				stlm__log(s, STLM_LOG_ERR,
					  "%s: group id %u too large", c->path,
					  g[i].grp_id);
				r = -EPROTO;
				goto out;
			}
			c->group_ids[i] = g[i].grp_id;
			c->group_niv[i] = g[i].num_intervals;
			if (g[i].grp_id + 1 > n_groups)
				n_groups = g[i].grp_id + 1;
		}
		c->n_groups = gl.num_grps;
	}
	for (uint32_t i = 0; i < n; i++) {
		c->ids[i] = d[i].id;
		c->ts_ok[i] = d[i].ts_support != 0;
	}
	r = stlm__table_build(s, d, n, n_groups, &tb);
	if (r < 0)
		goto out;
	/* The table keeps the driver's order: index i is c->ids[i]. */
	for (uint32_t i = 0; i < n; i++)
		if (tb->des[i].desc.id != c->ids[i]) {
			stlm__log(s, STLM_LOG_ERR, "%s: DE table out of order",
				  c->path);
			r = -EPROTO;
			goto out;
		}
	if (c->abi.num_intervals) {
		r = chardev_read_intervals(s, UINT32_MAX, &tb->iv_raw, &tb->iv,
					   &tb->n_iv, &tb->iv_range);
		if (r < 0)
			goto out;
	}
	r = map_shmtis(s, tb);
	if (r < 0)
		goto out;
	c->n_des = n;
	stlm__table_install(s, tb);
	tb = NULL;
out:
	stlm__table_free(tb);
	free(e);
	free(d);
	free(g);
	return r;
}

int chardev_refresh_state(struct stlm_session *s)
{
	struct chardev *c = chardev_be(s);
	struct stlm_table *tb = __atomic_load_n(&s->table, __ATOMIC_ACQUIRE);
	struct stlm_cdev_de_config *cfg = NULL;
	struct stlm_cdev_config ic;
	struct stlm_cdev_batch b;
	uint32_t *st = NULL, n = c->n_des;
	int r;

	if (!tb)
		return -ENODEV;
	memset(&ic, 0, sizeof(ic));
	r = chardev_ioctl(s, STLM_CDEV_GET_CFG, &ic);
	if (r < 0)
		return r;
	cfg = calloc(n ? n : 1, sizeof(*cfg));
	st = calloc(n ? n : 1, sizeof(*st));
	if (!cfg || !st) {
		r = -ENOMEM;
		goto out;
	}
	for (uint32_t i = 0; i < n; i++)
		cfg[i].id = c->ids[i];
	memset(&b, 0, sizeof(b));
	b.num_items = n;
	b.item_sz = sizeof(*cfg);
	b.states = (uint64_t)(uintptr_t)st;
	b.items = (uint64_t)(uintptr_t)cfg;
	if (n) {
		r = chardev_ioctl(s, STLM_CDEV_GET_DE_CFG, &b);
		if (r < 0)
			goto out;
	}
	pthread_mutex_lock(&s->lock);
	s->telemetry_on = ic.enable != 0;
	s->coll_iv.secs = (uint16_t)ic.active.secs;
	s->coll_iv.exp = (int8_t)ic.active.exp;
	for (uint32_t i = 0; i < n && i < tb->n_des; i++) {
		bool en = !st[i] && cfg[i].enable, ts = en && cfg[i].t_enable;
		uint32_t sh = SCMI_TLM_SHMTI_NONE;

		__atomic_store_n(&tb->des[i].enabled, en, __ATOMIC_RELAXED);
		__atomic_store_n(&tb->des[i].ts_enabled, ts, __ATOMIC_RELAXED);
		if (!en)
			tb->des[i].msg_valid = false;
		/* DE tracking: where the enabled DE's line is. */
		for (uint32_t k = 0; en && k < c->n_maps; k++)
			if (c->sids[k] == cfg[i].sid)
				sh = k;
		tb->des[i].shmti = sh;
		tb->des[i].offset = sh == SCMI_TLM_SHMTI_NONE ? 0 :
								cfg[i].offset;
		tb->des[i].blk_ts_off = 0;
	}
	__atomic_add_fetch(&s->resync_seq, 1, __ATOMIC_RELEASE);
	pthread_mutex_unlock(&s->lock);
	r = 0;
out:
	free(cfg);
	free(st);
	return r;
}

int chardev_change(struct stlm_session *s, unsigned long req, void *arg)
{
	struct chardev *c = chardev_be(s);
	int r;

	/* Counted before the driver can signal it, taken back on failure. */
	if (c->efd >= 0)
		__atomic_add_fetch(&c->own_pending, 1, __ATOMIC_RELAXED);
	r = chardev_ioctl(s, req, arg);
	if (r == -ENOTTY && (req == STLM_CDEV_SET_CFG ||
			     req == STLM_CDEV_SET_ALL_CFG)) {
		/* The write-only spelling of the same request. */
		r = chardev_ioctl(s, req == STLM_CDEV_SET_CFG ?
					     STLM_CDEV_SET_CFG_W :
					     STLM_CDEV_SET_ALL_CFG_W, arg);
		if (r == 0 && !c->set_w) {
			c->set_w = true;
			stlm__log(s, STLM_LOG_DEBUG,
				  "%s: the driver takes the write-only set requests",
				  c->path);
		}
	}
	if (r < 0 && c->efd >= 0) {
		uint64_t v = __atomic_load_n(&c->own_pending, __ATOMIC_RELAXED);

		while (v && !__atomic_compare_exchange_n(&c->own_pending, &v,
							 v - 1, false,
							 __ATOMIC_RELAXED,
							 __ATOMIC_RELAXED))
			;
	}
	return r;
}

void chardev_after_change(struct stlm_session *s)
{
	struct chardev *c = chardev_be(s);
	int r;

	pthread_mutex_lock(&s->disc_lock);
	r = chardev_refresh_state(s);
	pthread_mutex_unlock(&s->disc_lock);
	if (r < 0)
		stlm__log(s, STLM_LOG_DEBUG, "%s: state after a change: %s",
			  c->path, strerror(-r));
	stlm__generation_bump_unlocked(s);
}

/* ------------------------------------------------------------------ */
/* Events                                                              */

static void *watch_main(void *arg)
{
	struct stlm_session *s = arg;
	struct chardev *c = chardev_be(s);

	for (;;) {
		struct pollfd p[2] = { { c->efd, POLLIN, 0 },
				       { c->stop_fd, POLLIN, 0 } };
		uint64_t v = 0, mine;
		int r;

		r = c->sys->poll(p, 2, -1);
		if (r == -EINTR)
			continue;
		if (r < 0 || p[1].revents)
			break;
		if (!(p[0].revents & POLLIN)) {
			if (p[0].revents & (POLLERR | POLLHUP | POLLNVAL))
				break;
			continue;
		}
		if (c->sys->read(c->efd, &v, sizeof(v)) != sizeof(v))
			continue;
		/* Events our own changes caused were counted already. */
		mine = __atomic_load_n(&c->own_pending, __ATOMIC_RELAXED);
		while (mine && v) {
			if (__atomic_compare_exchange_n(&c->own_pending, &mine,
							mine - 1, false,
							__ATOMIC_RELAXED,
							__ATOMIC_RELAXED)) {
				v--;
				mine--;
			}
		}
		if (!v)
			continue;
		pthread_mutex_lock(&s->disc_lock);
		r = chardev_refresh_state(s);
		pthread_mutex_unlock(&s->disc_lock);
		if (r < 0)
			stlm__log(s, STLM_LOG_DEBUG,
				  "%s: state after a generation event: %s",
				  c->path, strerror(-r));
		stlm__generation_bump_unlocked(s);
	}
	return NULL;
}

static int subscribe(struct stlm_session *s)
{
	struct chardev *c = chardev_be(s);
	struct stlm_cdev_event ev;
	int r;

	if (!(c->abi.abi_features & STLM_CDEV_FEAT_EVENT))
		return 0;
	r = c->sys->eventfd(0, EFD_NONBLOCK);
	if (r < 0)
		return r;
	c->efd = r;
	memset(&ev, 0, sizeof(ev));
	ev.type = STLM_CDEV_EVT_GENERATION;
	ev.efd = (uint32_t)c->efd;
	r = chardev_ioctl(s, STLM_CDEV_EVENT_SUBSCRIBE, &ev);
	if (r < 0 || !ev.cookie) {
		stlm__log(s, STLM_LOG_WARNING,
			  "%s: no generation events (EVENT_SUBSCRIBE: %s): changes by others are seen at the next state read",
			  c->path, r < 0 ? strerror(-r) : "no cookie");
		c->sys->close(c->efd);
		c->efd = -1;
		return 0;
	}
	c->cookie = ev.cookie;
	r = pthread_create(&c->watcher, NULL, watch_main, s);
	if (r)
		return -r;
	c->watcher_running = true;
	return 0;
}

/* ------------------------------------------------------------------ */
/* Backend entry points (backend.h)                                    */

static int chardev_open(struct stlm_session *s, const char *uri)
{
	struct stlm_uri u;
	struct chardev *c;
	const char *base;
	int r;

	r = stlm_uri_parse(uri, &u);
	if (r < 0)
		return r;
	c = calloc(1, sizeof(*c));
	if (!c)
		return -ENOMEM;
	c->sys = stlm__chardev_sys;
	c->fd = c->efd = c->stop_fd = -1;
	pthread_mutex_init(&c->io_lock, NULL);
	s->be = c;
	snprintf(c->path, sizeof(c->path), "%s", u.path);
	r = c->sys->open(c->path, O_RDWR);
	if (r == -EACCES || r == -EPERM) {
		/* Read access only: reading works, configuration does not. */
		r = c->sys->open(c->path, O_RDONLY);
		if (r >= 0)
			stlm__log(s, STLM_LOG_INFO,
				  "%s: opened read-only (no write access): configuration is refused",
				  c->path);
	} else if (r >= 0) {
		c->writable = true;
	}
	if (r < 0) {
		if (r == -EACCES || r == -EPERM) {
			/* A local permission (docs/api.md "Errors"). */
			stlm__log(s, STLM_LOG_ERR,
				  "%s: permission denied: reading needs the device's read group (docs/arm-hardware.md)",
				  c->path);
			return -EPERM;
		}
		if (r != -ENOENT)
			stlm__log(s, STLM_LOG_ERR, "%s: %s", c->path,
				  strerror(-r));
		return r;
	}
	c->fd = r;
	r = c->sys->eventfd(0, EFD_NONBLOCK);
	if (r < 0)
		return r;
	c->stop_fd = r;
	r = probe_abi(s);
	if (r < 0)
		return r;

	base = strrchr(c->path, '/') ? strrchr(c->path, '/') + 1 : c->path;
	s->info.protocol_version = 0x10000;
	memcpy(s->info.uuid, c->abi.de_impl_version, 16);
	scmi_tlm_uuid_format(s->info.uuid, s->info.uuid_str);
	snprintf(s->info.vendor, sizeof(s->info.vendor), "chardev");
	snprintf(s->info.sub_vendor, sizeof(s->info.sub_vendor), "%.15s", base);
	s->info.n_shmti = c->abi.num_shmtis;
	s->info.single_sample = c->abi.features & STLM_CDEV_SCMI_SINGLE_SAMPLE;
	s->info.reset = (c->abi.features & STLM_CDEV_SCMI_RESET) &&
			(c->abi.abi_features & STLM_CDEV_FEAT_RESET);
	s->info.per_group = c->abi.features & STLM_CDEV_SCMI_GROUP_CONFIG;
	s->info.max_msg_size = 0;
	s->identity_uuid_only = true;
	snprintf(s->interface, sizeof(s->interface),
		 "chardev ABI %u features 0x%02x%s", c->abi.abi_version,
		 c->abi.abi_features, c->writable ? "" : " read-only");

	pthread_mutex_lock(&s->disc_lock);
	r = discover(s);
	if (r == 0)
		r = chardev_refresh_state(s);
	if (r == 0)
		stlm__catalog_apply(s);
	pthread_mutex_unlock(&s->disc_lock);
	if (r < 0)
		return r;
	r = subscribe(s);
	if (r < 0)
		return r;
	stlm__log(s, STLM_LOG_DEBUG, "%s: %s, %u DEs, %u groups", uri,
		  s->interface, c->n_des, c->n_groups);
	return 0;
}

static void chardev_close(struct stlm_session *s)
{
	struct chardev *c = s ? chardev_be(s) : NULL;

	if (!c)
		return;
	if (c->watcher_running) {
		uint64_t one = 1;

		if (write(c->stop_fd, &one, sizeof(one)) < 0)
			stlm__log(s, STLM_LOG_DEBUG, "stop: %s", strerror(errno));
		pthread_join(c->watcher, NULL);
	}
	if (c->cookie && c->fd >= 0) {
		struct stlm_cdev_event ev;

		memset(&ev, 0, sizeof(ev));
		ev.type = STLM_CDEV_EVT_GENERATION;
		ev.efd = (uint32_t)c->efd;
		ev.cookie = c->cookie;
		(void)c->sys->ioctl(c->fd, STLM_CDEV_EVENT_SUBSCRIBE, &ev);
	}
	if (c->efd >= 0)
		c->sys->close(c->efd);
	if (c->fd >= 0)
		c->sys->close(c->fd);
	if (c->stop_fd >= 0)
		c->sys->close(c->stop_fd);
	pthread_mutex_destroy(&c->io_lock);
	free(c->group_ids);
	free(c->group_niv);
	free(c->ids);
	free(c->ts_ok);
	free(c->seen);
	free(c->samples);
	for (uint32_t i = 0; i < c->n_maps; i++)
		c->sys->unmap(c->maps[i], c->map_len[i]);
	free(c->maps);
	free(c->map_len);
	free(c->sids);
	free(c);
	s->be = NULL;
}

/* Is every selected DE read from a mapped SHMTI (no bulk read needed)? */
static bool all_placed(struct stlm_session *s, const uint32_t *ids, size_t n)
{
	struct chardev *c = chardev_be(s);
	bool all = c->n_maps > 0;

	pthread_mutex_lock(&s->lock);
	if (!ids)
		n = s->n_des;
	for (size_t i = 0; all && i < n; i++) {
		int k = ids ? stlm__de_index(s, ids[i]) : (int)i;

		all = k >= 0 && s->des[k].shmti != SCMI_TLM_SHMTI_NONE;
	}
	pthread_mutex_unlock(&s->lock);
	return all;
}

static int chardev_fetch(struct stlm_session *s, unsigned int flags,
			 const uint32_t *ids, size_t n, struct stlm_buf *buf)
{
	struct chardev *c = chardev_be(s);
	bool single = flags & STLM_TAKE_SINGLE_SAMPLE;
	struct stlm_cdev_data_read rd;
	size_t unknown = 0;
	int r;

	(void)buf;
	if (single && !s->info.single_sample)
		return -EOPNOTSUPP;
	if (!single && all_placed(s, ids, n)) {
		/*
		 * The SHMTIs hold every value: the core reads them. Mapped
		 * memory does not tell that the device went away: ask the
		 * driver for the collection state now and then (also keeps
		 * telemetry_on current).
		 */
		struct timespec now;
		uint64_t t;

		clock_gettime(CLOCK_MONOTONIC, &now);
		t = (uint64_t)now.tv_sec * 1000000000u + (uint64_t)now.tv_nsec;
		if (t - __atomic_load_n(&c->last_check_ns, __ATOMIC_RELAXED) >=
		    CDEV_CHECK_NS) {
			struct stlm_cdev_config cfg;

			__atomic_store_n(&c->last_check_ns, t, __ATOMIC_RELAXED);
			memset(&cfg, 0, sizeof(cfg));
			r = chardev_ioctl(s, STLM_CDEV_GET_CFG, &cfg);
			if (r < 0)
				return r;
			pthread_mutex_lock(&s->lock);
			s->telemetry_on = cfg.enable != 0;
			pthread_mutex_unlock(&s->lock);
		}
		return __atomic_load_n(&c->lost, __ATOMIC_RELAXED);
	}
	pthread_mutex_lock(&c->io_lock);
	memset(&rd, 0, sizeof(rd));
	rd.num_samples = c->n_des;
	rd.samples = (uint64_t)(uintptr_t)c->samples;
	r = chardev_ioctl(s, single ? STLM_CDEV_SINGLE_READ :
				      STLM_CDEV_BULK_READ, &rd);
	if (r == -ENODATA) {
		/* Telemetry is off: nothing of the instance is current. */
		rd.num_samples = 0;
		r = 0;
	}
	if (r < 0) {
		stlm__log(s, STLM_LOG_WARNING, "%s: %s: %s", c->path,
			  single ? "SINGLE_READ" : "BULK_READ", strerror(-r));
		pthread_mutex_unlock(&c->io_lock);
		return r;
	}
	if (rd.num_samples > c->n_des) {
		stlm__log(s, STLM_LOG_ERR, "%s: read filled %u samples of %u",
			  c->path, rd.num_samples, c->n_des);
		pthread_mutex_unlock(&c->io_lock);
		return -EBADMSG;
	}
	pthread_mutex_lock(&s->lock);
	if (!++c->stamp)
		c->stamp = 1;
	for (uint32_t i = 0; i < rd.num_samples; i++) {
		int k = stlm__de_index(s, c->samples[i].id);
		struct stlm_de *de;

		if (k < 0 || (uint32_t)k >= c->n_des) {
			unknown++;
			continue;
		}
		de = &s->des[k];
		de->msg_raw = stlm__de_raw(de, c->samples[i].val);
		de->msg_ts = c->samples[i].tstamp;
		de->msg_valid = true;
		de->msg_seq++;
		c->seen[k] = c->stamp;
	}
	for (uint32_t i = 0; i < s->n_des && i < c->n_des; i++)
		if (c->seen[i] != c->stamp)
			s->des[i].msg_valid = false;
	pthread_mutex_unlock(&s->lock);
	pthread_mutex_unlock(&c->io_lock);
	if (unknown)
		stlm__log(s, STLM_LOG_DEBUG, "%s: %zu samples of unknown DEs",
			  c->path, unknown);
	return 0;
}

/* A snapshot found a line gone from where DE tracking said: re-read. */
static void chardev_resync(struct stlm_session *s)
{
	int r;

	pthread_mutex_lock(&s->disc_lock);
	r = chardev_refresh_state(s);
	pthread_mutex_unlock(&s->disc_lock);
	if (r < 0)
		stlm__log(s, STLM_LOG_DEBUG, "%s: resync: %s",
			  chardev_be(s)->path, strerror(-r));
}

static enum stlm_state chardev_state(struct stlm_session *s, int *ret_err)
{
	int r = __atomic_load_n(&chardev_be(s)->lost, __ATOMIC_RELAXED);

	if (ret_err)
		*ret_err = r;
	return r ? STLM_STATE_LOST : STLM_STATE_READY;
}

const struct stlm_backend_ops stlm__backend_chardev = {
	.name = "chardev",
	.flags = STLM_BACKEND_BULK_VALUES,
	.open = chardev_open,
	.close = chardev_close,
	.configure = chardev_batch,
	.coll_set = chardev_coll_set,
	.coll_get = chardev_coll_get,
	.reset = chardev_reset,
	.group_intervals = chardev_group_intervals,
	.resync = chardev_resync,
	.fetch = chardev_fetch,
	.state = chardev_state,
};
