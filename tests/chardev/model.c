// SPDX-License-Identifier: MIT
/*
 * Copyright (c) 2026 The stlm authors
 *
 * A MODEL of the SCMI Telemetry character device driver (model.h): each
 * ioctl of lib/backend/chardev-abi.h answered from a libstlm session on an
 * emulated platform. Tests only; never installed.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <stlm/stlm.h>

#include "model.h"
#include "session.h"

#define MAX_OPEN 64
#define MAX_SUBS 64

static struct {
	pthread_mutex_t lock;	/* everything below; held across ioctls */
	bool running;
	bool unplugged;
	char path[4096];
	char mem[4096];		/* the platform's memory file ("": none) */
	struct cdev_model_opts o;
	struct stlm_session *s;
	struct stlm_snapshot *snap;
	struct { int fd; bool w; } open[MAX_OPEN];
	struct { int efd; uint32_t cookie; } subs[MAX_SUBS];
	uint32_t next_cookie;
	unsigned long calls[0x20];	/* per request number */
} m = { .lock = PTHREAD_RECURSIVE_MUTEX_INITIALIZER_NP };

static void sys_close(int fd)
{
	syscall(SYS_close, fd);
}

int cdev_model_start(const char *uri, const char *path,
		     const struct cdev_model_opts *o)
{
	struct stlm_open_opts oo = { .size = sizeof(oo), .no_catalog = true };
	int r;

	pthread_mutex_lock(&m.lock);
	if (m.running) {
		pthread_mutex_unlock(&m.lock);
		return -EBUSY;
	}
	r = stlm_session_open(uri, &oo, &m.s);
	if (r == 0)
		r = stlm_snapshot_new(m.s, &m.snap);
	if (r < 0) {
		stlm_session_close(m.s);
		m.s = NULL;
		pthread_mutex_unlock(&m.lock);
		return r;
	}
	snprintf(m.path, sizeof(m.path), "%s", path);
	{
		const char *q = strstr(uri, "mem=");

		m.mem[0] = '\0';
		if (q)
			snprintf(m.mem, sizeof(m.mem), "%.*s",
				 (int)strcspn(q + 4, "&"), q + 4);
	}
	m.o = o ? *o : (struct cdev_model_opts){ 0 };
	if (!m.o.abi_version)
		m.o.abi_version = STLM_CDEV_ABI_V1;
	if (!m.o.abi_features)
		m.o.abi_features = STLM_CDEV_FEAT_RESET | STLM_CDEV_FEAT_EVENT |
				   STLM_CDEV_FEAT_BATCH_STATE |
				   STLM_CDEV_FEAT_BATCHED_CFG |
				   (m.mem[0] ? STLM_CDEV_FEAT_DE_TRACKING : 0);
	m.unplugged = false;
	memset(m.calls, 0, sizeof(m.calls));
	m.next_cookie = 1;
	for (int i = 0; i < MAX_OPEN; i++)
		m.open[i].fd = -1;
	for (int i = 0; i < MAX_SUBS; i++)
		m.subs[i].efd = -1;
	m.running = true;
	pthread_mutex_unlock(&m.lock);
	return 0;
}

void cdev_model_stop(void)
{
	pthread_mutex_lock(&m.lock);
	if (m.running) {
		for (int i = 0; i < MAX_SUBS; i++)
			if (m.subs[i].efd >= 0) {
				sys_close(m.subs[i].efd);
				m.subs[i].efd = -1;
			}
		stlm_snapshot_free(m.snap);
		stlm_session_close(m.s);
		m.snap = NULL;
		m.s = NULL;
		m.running = false;
	}
	pthread_mutex_unlock(&m.lock);
}

unsigned long cdev_model_calls(unsigned long req)
{
	unsigned long n;

	pthread_mutex_lock(&m.lock);
	n = m.calls[_IOC_NR(req) & 0x1f];
	pthread_mutex_unlock(&m.lock);
	return n;
}

void cdev_model_unplug(void)
{
	pthread_mutex_lock(&m.lock);
	m.unplugged = true;
	pthread_mutex_unlock(&m.lock);
}

static int slot_of(int fd)
{
	for (int i = 0; i < MAX_OPEN; i++)
		if (m.open[i].fd == fd && fd >= 0)
			return i;
	return -1;
}

bool cdev_model_owns(int fd)
{
	bool r;

	pthread_mutex_lock(&m.lock);
	r = m.running && slot_of(fd) >= 0;
	pthread_mutex_unlock(&m.lock);
	return r;
}

int cdev_model_open(const char *path, int flags)
{
	int acc = (flags & O_ACCMODE) == O_RDONLY ? R_OK : R_OK | W_OK;
	int fd, i;

	pthread_mutex_lock(&m.lock);
	if (!m.running || strcmp(path, m.path)) {
		pthread_mutex_unlock(&m.lock);
		return -ENOENT;
	}
	/* The device node's mode decides, as for a real node. */
	if (m.o.no_read || (m.o.no_write && (acc & W_OK))) {
		pthread_mutex_unlock(&m.lock);
		return -EACCES;
	}
	if (faccessat(AT_FDCWD, path, acc, AT_EACCESS) < 0) {
		int e = errno;

		pthread_mutex_unlock(&m.lock);
		return -e;
	}
	for (i = 0; i < MAX_OPEN && m.open[i].fd >= 0; i++)
		;
	if (i == MAX_OPEN) {
		pthread_mutex_unlock(&m.lock);
		return -EMFILE;
	}
	/* A real descriptor stands for the open device file. */
	fd = eventfd(0, EFD_CLOEXEC);
	if (fd < 0) {
		int e = errno;

		pthread_mutex_unlock(&m.lock);
		return -e;
	}
	m.open[i].fd = fd;
	m.open[i].w = (flags & O_ACCMODE) != O_RDONLY;
	pthread_mutex_unlock(&m.lock);
	return fd;
}

int cdev_model_close(int fd)
{
	int i;

	pthread_mutex_lock(&m.lock);
	i = slot_of(fd);
	if (i >= 0)
		m.open[i].fd = -1;
	pthread_mutex_unlock(&m.lock);
	if (i < 0)
		return -EBADF;
	sys_close(fd);
	return 0;
}

/* The configuration changed: signal every subscriber (lock held). */
static void notify(void)
{
	uint64_t one = 1;

	for (int i = 0; i < MAX_SUBS; i++)
		if (m.subs[i].efd >= 0 &&
		    write(m.subs[i].efd, &one, sizeof(one)) < 0)
			continue;
}

static void de_info(const struct stlm_de *de, struct stlm_cdev_de_info *e)
{
	const char *fw = stlm_de_fw_name(de);

	memset(e, 0, sizeof(*e));
	e->id = stlm_de_id(de);
	if (stlm_de_group(de) != STLM_GROUP_NONE) {
		e->grp_id = stlm_de_group(de);
		e->flags = STLM_CDEV_DEINFO_GROUP;
	}
	e->data_sz = stlm_de_size(de);
	e->type = stlm_de_type(de);
	e->unit = stlm_de_unit(de);
	e->unit_exp = stlm_de_unit_exp(de);
	e->ts_rate = stlm_de_ts_support(de) ? stlm_de_ts_rate_khz(de) : 0;
	if (stlm_de_ts_support(de) && !e->ts_rate)
		e->ts_rate = 1000;
	e->instance_id = stlm_de_instance(de);
	e->compo_instance_id = stlm_de_component_instance(de);
	e->compo_type = stlm_de_component_type(de);
	e->persistent = stlm_de_persistent(de);
	if (fw)
		strncpy((char *)e->name, fw, sizeof(e->name) - 1);
}

static int abi_info(struct stlm_cdev_abi_info *a)
{
	struct stlm_platform_info pi;
	struct stlm_intervals iv;

	if (a->size < sizeof(*a))
		return -EINVAL;
	stlm_session_info(m.s, &pi);
	memset(a, 0, sizeof(*a));
	a->size = sizeof(*a);
	a->abi_version = m.o.abi_version;
	a->abi_features = m.o.abi_features;
	memcpy(a->de_impl_version, pi.uuid, 16);
	a->num_des = (uint32_t)stlm_de_count(m.s);
	a->num_groups = (uint32_t)stlm_group_count(m.s);
	if (stlm_intervals_get(m.s, STLM_GROUP_ALL, &iv) == 0)
		a->num_intervals = (uint32_t)iv.n;
	a->num_shmtis = pi.n_shmti;
	a->features = (pi.reset ? STLM_CDEV_SCMI_RESET : 0) |
		      (pi.single_sample ? STLM_CDEV_SCMI_SINGLE_SAMPLE : 0) |
		      (pi.per_group ? STLM_CDEV_SCMI_GROUP_CONFIG : 0) |
		      (pi.notifications ? STLM_CDEV_SCMI_NOTIFICATION : 0);
	return 0;
}

static uint32_t scope(uint8_t flags, uint8_t group_flag, uint32_t grp)
{
	return (flags & group_flag) ? grp : STLM_GROUP_ALL;
}

static uint64_t iv_ns(const struct stlm_cdev_interval *iv)
{
	uint64_t ns = iv->secs;
	int e = iv->exp + 9;

	for (; e > 0; e--)
		ns *= 10;
	for (; e < 0; e++)
		ns /= 10;
	return ns;
}

static int get_cfg(struct stlm_cdev_config *c)
{
	struct stlm_collection col;
	int r;

	r = stlm_collection_get(m.s, scope(c->flags, STLM_CDEV_CFG_GROUP,
					   c->grp_id), &col);
	if (r < 0)
		return r;
	c->enable = col.enabled;
	c->t_enable = 0;
	c->active.secs = col.interval.secs;
	c->active.exp = col.interval.exp;
	return 0;
}

static int set_cfg(const struct stlm_cdev_config *c)
{
	uint32_t g = scope(c->flags, STLM_CDEV_CFG_GROUP, c->grp_id);

	return stlm_collection_set(m.s, g, c->enable, STLM_MODE_ON_DEMAND,
				   c->enable ? iv_ns(&c->active) : 0);
}

static int intervals(struct stlm_cdev_intervals *q)
{
	struct stlm_cdev_interval *out = (void *)(uintptr_t)q->intervals;
	struct stlm_intervals l;
	int r;

	r = stlm_intervals_get(m.s, scope(q->flags, STLM_CDEV_IV_GROUP,
					  q->grp_id), &l);
	if (r < 0)
		return r;
	if (q->num_intervals < l.n)
		return -ENOSPC;
	for (size_t i = 0; i < l.n; i++) {
		out[i].secs = l.v[i].secs;
		out[i].exp = l.v[i].exp;
	}
	q->num_intervals = (uint32_t)l.n;
	q->flags = (uint8_t)((q->flags & STLM_CDEV_IV_GROUP) |
			     (l.range ? 0 : STLM_CDEV_IV_DISCRETE));
	return 0;
}

static int de_cfg(struct stlm_cdev_batch *b, bool set)
{
	struct stlm_cdev_de_config *it = (void *)(uintptr_t)b->items;
	uint32_t *st = (void *)(uintptr_t)b->states;
	struct stlm_batch_item *bi;
	int r;

	if (b->item_sz != sizeof(*it) || !it || !st || b->num_items > 65536)
		return -EINVAL;
	if (!set) {
		for (uint32_t i = 0; i < b->num_items; i++) {
			const struct stlm_de *de = stlm_de_get(m.s, it[i].id);

			st[i] = de ? 0 : ENOENT;
			it[i].enable = de && stlm_de_enabled(de);
			it[i].t_enable = de && stlm_de_ts_enabled(de);
			it[i].sid = it[i].offset = 0xFFFFFFFFu;
			/* DE tracking: the enabled DE's line in its SHMTI */
			if (de && it[i].enable &&
			    (m.o.abi_features & STLM_CDEV_FEAT_DE_TRACKING) &&
			    de->shmti != SCMI_TLM_SHMTI_NONE &&
			    de->shmti < m.s->info.n_shmti && m.s->shmti) {
				it[i].sid = m.s->shmti[de->shmti].desc.id;
				it[i].offset = de->offset;
			}
		}
		return 0;
	}
	bi = calloc(b->num_items ? b->num_items : 1, sizeof(*bi));
	if (!bi)
		return -ENOMEM;
	for (uint32_t i = 0; i < b->num_items; i++) {
		bi[i].op = STLM_BATCH_DE;
		bi[i].id = it[i].id;
		bi[i].enable = it[i].enable;
		bi[i].timestamps = it[i].t_enable;
	}
	r = stlm_batch_apply(m.s, bi, b->num_items);
	for (uint32_t i = 0; r >= 0 && i < b->num_items; i++)
		st[i] = bi[i].status < 0 ? (uint32_t)-bi[i].status : 0;
	free(bi);
	return r < 0 ? r : 0;
}

static int de_list(struct stlm_cdev_des_list *l)
{
	struct stlm_cdev_de_info *out = (void *)(uintptr_t)l->des;
	int n = stlm_de_count(m.s);
	uint32_t k = 0;

	if (n < 0)
		return n;
	for (int i = 0; i < n && k < l->num_des; i++)
		de_info(stlm_de_at(m.s, (size_t)i), &out[k++]);
	l->num_des = k;
	return 0;
}

static int grp_list(struct stlm_cdev_grps_list *l)
{
	struct stlm_cdev_grp_info *out = (void *)(uintptr_t)l->grps;
	int n = stlm_group_count(m.s);
	uint32_t k = 0;

	if (n < 0)
		return n;
	for (int g = 0; g < n && k < l->num_grps; g++) {
		const uint32_t *ids;
		struct stlm_intervals iv;
		size_t nm;

		if (stlm_group_members(m.s, (uint32_t)g, &ids, &nm) < 0)
			continue;
		memset(&out[k], 0, sizeof(out[k]));
		out[k].grp_id = (uint32_t)g;
		out[k].num_des = (uint32_t)nm;
		if (stlm_intervals_get(m.s, (uint32_t)g, &iv) == 0)
			out[k].num_intervals = (uint32_t)iv.n;
		k++;
	}
	l->num_grps = k;
	return 0;
}

static int grp_desc(struct stlm_cdev_grp_desc *d)
{
	uint32_t *out = (void *)(uintptr_t)d->composing_des;
	const uint32_t *ids;
	size_t n;
	int r;

	r = stlm_group_members(m.s, d->grp_id, &ids, &n);
	if (r < 0)
		return r;
	if (d->num_des < n)
		return -ENOSPC;
	memcpy(out, ids, n * sizeof(*ids));
	d->num_des = (uint32_t)n;
	return 0;
}

/* Bulk or single-sample read: every DE with a current value. */
static int data_read(struct stlm_cdev_data_read *rd, bool single)
{
	struct stlm_cdev_sample *out = (void *)(uintptr_t)rd->samples;
	const struct stlm_sample *x;
	size_t n;
	uint32_t k = 0;
	int r;

	r = stlm_snapshot_take(m.snap, single ? STLM_TAKE_SINGLE_SAMPLE : 0);
	if (r < 0)
		return r;
	x = stlm_snapshot_samples(m.snap, &n);
	for (size_t i = 0; i < n; i++) {
		if (!(x[i].flags & STLM_SAMPLE_VALID))
			continue;
		if ((rd->flags & STLM_CDEV_READ_GROUP) &&
		    stlm_de_group(stlm_de_get(m.s, x[i].id)) != rd->grp_id)
			continue;
		if (k == rd->num_samples)
			return -ENOSPC;
		out[k].id = x[i].id;
		out[k].pad = 0;
		out[k].tstamp = (x[i].flags & STLM_SAMPLE_TIMESTAMP) ? x[i].ts : 0;
		out[k].val = x[i].raw;
		k++;
	}
	rd->num_samples = k;
	return 0;
}

static int de_read(struct stlm_cdev_sample *smp)
{
	const struct stlm_sample *x;
	int r;

	if (!stlm_de_get(m.s, smp->id))
		return -ENOENT;
	r = stlm_snapshot_take(m.snap, 0);
	if (r < 0)
		return r;
	x = stlm_snapshot_find(m.snap, smp->id);
	if (!x || !(x->flags & STLM_SAMPLE_VALID))
		return -ENODATA;
	smp->tstamp = (x->flags & STLM_SAMPLE_TIMESTAMP) ? x->ts : 0;
	smp->val = x->raw;
	return 0;
}

/*
 * The SHMTIs: an fd of the platform's memory file each, the area at its
 * address (the driver's @offset into a mapping from 0).
 */
static int shmti_list(struct stlm_cdev_shmtis_list *l)
{
	struct stlm_cdev_shmti_info *out = (void *)(uintptr_t)l->shmtis;
	uint32_t n = m.s->info.n_shmti, k = 0;

	if (!m.mem[0] || !m.s->shmti)
		return -EOPNOTSUPP;
	if (l->num_shmtis < n)
		return -ENOSPC;
	for (uint32_t i = 0; i < n; i++) {
		const struct scmi_tlm_shmti_desc *d = &m.s->shmti[i].desc;
		int fd;

		if (d->addr > UINT32_MAX)
			continue;
		fd = open(m.mem, O_RDONLY | O_CLOEXEC);
		if (fd < 0) {
			int e = errno;

			while (k--)
				sys_close((int)out[k].fd);
			return -e;
		}
		memset(&out[k], 0, sizeof(out[k]));
		out[k].sid = d->id;
		out[k].fd = (uint32_t)fd;
		out[k].len = d->length;
		out[k].offset = (uint32_t)d->addr;
		k++;
	}
	l->num_shmtis = k;
	return 0;
}

static int subscribe(struct stlm_cdev_event *ev)
{
	if (ev->type != STLM_CDEV_EVT_GENERATION)
		return -EINVAL;
	if (ev->cookie) {
		for (int i = 0; i < MAX_SUBS; i++)
			if (m.subs[i].efd >= 0 && m.subs[i].cookie == ev->cookie) {
				sys_close(m.subs[i].efd);
				m.subs[i].efd = -1;
				return 0;
			}
		return -ENOENT;
	}
	for (int i = 0; i < MAX_SUBS; i++)
		if (m.subs[i].efd < 0) {
			int fd = fcntl((int)ev->efd, F_DUPFD_CLOEXEC, 0);

			if (fd < 0)
				return -EBADF;
			m.subs[i].efd = fd;
			m.subs[i].cookie = m.next_cookie++;
			ev->cookie = m.subs[i].cookie;
			return 0;
		}
	return -ENOSPC;
}

/* One ioctl, with m.lock held. */
static int dispatch(bool w, unsigned long req, void *arg)
{
	int r;

	if (_IOC_TYPE(req) == STLM_CDEV_MAGIC)
		m.calls[_IOC_NR(req) & 0x1f]++;
	switch (req) {
	case STLM_CDEV_V0_GET_INFO:
		if (!m.o.v0)
			return -ENOTTY;
		memset(arg, 0, sizeof(struct stlm_cdev_base_info_v0));
		((struct stlm_cdev_base_info_v0 *)arg)->version = 0x10000;
		return 0;
	case STLM_CDEV_GET_ABI_INFO:
		return m.o.v0 ? -ENOTTY : abi_info(arg);
	}
	if (m.o.v0)
		return -ENOTTY;
	if (m.o.set_w) {
		if (req == STLM_CDEV_SET_CFG || req == STLM_CDEV_SET_ALL_CFG)
			return -ENOTTY;
		if (req == STLM_CDEV_SET_CFG_W)
			req = STLM_CDEV_SET_CFG;
		else if (req == STLM_CDEV_SET_ALL_CFG_W)
			req = STLM_CDEV_SET_ALL_CFG;
	}
	switch (req) {
	case STLM_CDEV_GET_CFG:
		return get_cfg(arg);
	case STLM_CDEV_GET_INTRVS:
		return intervals(arg);
	case STLM_CDEV_GET_DE_CFG:
		return de_cfg(arg, false);
	case STLM_CDEV_GET_DE_INFO: {
		struct stlm_cdev_de_info *e = arg;
		const struct stlm_de *de = stlm_de_get(m.s, e->id);

		if (!de)
			return -ENOENT;
		de_info(de, e);
		return 0;
	}
	case STLM_CDEV_GET_DE_LIST:
		return de_list(arg);
	case STLM_CDEV_DE_READ:
		return de_read(arg);
	case STLM_CDEV_GET_GRP_LIST:
		return grp_list(arg);
	case STLM_CDEV_GET_GRP_DESC:
		return grp_desc(arg);
	case STLM_CDEV_SINGLE_READ:
		return data_read(arg, true);
	case STLM_CDEV_BULK_READ:
		return data_read(arg, false);
	case STLM_CDEV_EVENT_SUBSCRIBE:
		return subscribe(arg);
	case STLM_CDEV_GET_SHMTI_LIST:
		return shmti_list(arg);
	case STLM_CDEV_SET_CFG:
	case STLM_CDEV_SET_DE_CFG:
	case STLM_CDEV_SET_ALL_CFG:
	case STLM_CDEV_RESET:
		break;
	default:
		return -ENOTTY;
	}
	/* Changes: a descriptor opened for writing only. */
	if (!w)
		return -EBADF;
	switch (req) {
	case STLM_CDEV_SET_CFG:
		r = set_cfg(arg);
		break;
	case STLM_CDEV_SET_DE_CFG:
		r = de_cfg(arg, true);
		break;
	case STLM_CDEV_SET_ALL_CFG: {
		struct stlm_cdev_de_config *a = arg;

		r = stlm_all_set(m.s, a->enable, a->enable && a->t_enable);
		break;
	}
	default:
		r = stlm_reset(m.s);
		break;
	}
	if (r == 0)
		notify();
	return r;
}

int cdev_model_ioctl(int fd, unsigned long req, void *arg)
{
	int i, r;

	pthread_mutex_lock(&m.lock);
	i = m.running ? slot_of(fd) : -1;
	if (i < 0) {
		pthread_mutex_unlock(&m.lock);
		return -EBADF;
	}
	if (m.unplugged || stlm_session_state(m.s, NULL) != STLM_STATE_READY)
		r = -ENODEV;
	else
		r = dispatch(m.open[i].w, req, arg);
	pthread_mutex_unlock(&m.lock);
	return r;
}

static int model_eventfd(unsigned int initval, int flags)
{
	int fd = eventfd(initval, flags | EFD_CLOEXEC);

	return fd < 0 ? -errno : fd;
}

static ssize_t model_read(int fd, void *buf, size_t len)
{
	ssize_t n = read(fd, buf, len);

	return n < 0 ? -errno : n;
}

static int model_poll(struct pollfd *p, unsigned int n, int timeout_ms)
{
	int r = poll(p, n, timeout_ms);

	return r < 0 ? -errno : r;
}

static void *model_map(int fd, size_t len, int *ret_err)
{
	void *p = mmap(NULL, len, PROT_READ, MAP_SHARED, fd, 0);

	if (p == MAP_FAILED) {
		*ret_err = -errno;
		return NULL;
	}
	return p;
}

static int model_unmap(void *p, size_t len)
{
	return munmap(p, len) < 0 ? -errno : 0;
}

static int model_sys_close(int fd)
{
	if (cdev_model_owns(fd))
		return cdev_model_close(fd);
	return close(fd) < 0 ? -errno : 0;
}

const struct stlm_chardev_sys cdev_model_sys = {
	.open = cdev_model_open,
	.ioctl = cdev_model_ioctl,
	.close = model_sys_close,
	.eventfd = model_eventfd,
	.read = model_read,
	.poll = model_poll,
	.map = model_map,
	.unmap = model_unmap,
};
