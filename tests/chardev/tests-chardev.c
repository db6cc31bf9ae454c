// SPDX-License-Identifier: MIT
/*
 * Copyright (c) 2026 The stlm authors
 *
 * The chardev: backend in process, its system calls plugged into the
 * MODEL of the driver (tests/chardev/model.h) on the small test platform:
 * the ABI probe (version 1 with batched configuration accepted; another
 * version, no batched configuration and the early GET_INFO form refused
 * with a message naming both), discovery and values against a direct
 * session on the same platform, batched configuration, collection and
 * intervals, reset, generation events through the eventfd between two
 * sessions, what the ABI cannot serve (-EOPNOTSUPP), and the device going
 * away (LOST).
 */
#define STLM_TEST_GROUP "chardev"
#include "stlm-test.h"

#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <time.h>
#include <unistd.h>

#include "model.h"
#include "session.h"
#include "tplat.h"

static char logbuf[8192];
static pthread_mutex_t log_lock = PTHREAD_MUTEX_INITIALIZER;

static void log_keep(void *data, int level, const char *fmt, va_list ap)
{
	size_t n;

	(void)data;
	(void)level;
	pthread_mutex_lock(&log_lock);
	n = strlen(logbuf);
	if (n < sizeof(logbuf) - 2) {
		vsnprintf(logbuf + n, sizeof(logbuf) - n - 1, fmt, ap);
		strcat(logbuf, "\n");
	}
	pthread_mutex_unlock(&log_lock);
}

static void undo(void *arg)
{
	(void)arg;
	cdev_model_stop();
	stlm__chardev_sys = &stlm__chardev_sys_real;
}

struct cx {
	struct tp_fix *f;
	char dev[4200];
	char uri[4300];
};

/* The test platform, the model on it, a device file (mode 0666). */
static void cx_start(struct cx *x, bool per_group,
		     const struct cdev_model_opts *o)
{
	struct stlmp_opts po = { .seed = 7, .log = (stlmp_log_fn)stlm_test_log };
	int fd;

	x->f = tp_fix_new(tp_config(per_group), &po);
	tp_fix_listen(x->f, "unix");
	snprintf(x->dev, sizeof(x->dev), "%s/tlm_0", stlm_test_tmpdir());
	fd = open(x->dev, O_WRONLY | O_CREAT | O_CLOEXEC, 0666);
	ASSERT_TRUE(fd >= 0);
	close(fd);
	snprintf(x->uri, sizeof(x->uri), "chardev:%s", x->dev);
	stlm_test_defer(undo, NULL);
	ASSERT_OK(cdev_model_start(x->f->uri, x->dev, o));
	stlm__chardev_sys = &cdev_model_sys;
	logbuf[0] = '\0';
}

static int cx_open(struct cx *x, struct stlm_session **ret)
{
	struct stlm_open_opts o = { .size = sizeof(o), .log = log_keep,
				    .no_catalog = true };
	int r = stlm_session_open(x->uri, &o, ret);

	if (r == 0)
		tp_fix_track(x->f, *ret);
	return r;
}

static const struct stlm_sample *take(struct stlm_snapshot *snap,
				      uint32_t id)
{
	ASSERT_OK(stlm_snapshot_take(snap, 0));
	return stlm_snapshot_find(snap, id);
}

STLM_TEST(discovery_and_info)
{
	struct stlm_session *s = NULL;
	struct stlm_platform_info pi;
	struct stlmp_config *cfg;
	struct stlm_intervals iv;
	struct cx x;

	cx_start(&x, false, NULL);
	cfg = x.f->cfg;
	ASSERT_OK(cx_open(&x, &s));
	ASSERT_OK(stlm_session_info(s, &pi));
	ASSERT_STREQ(pi.vendor, "chardev");
	ASSERT_STREQ(pi.sub_vendor, "tlm_0");
	ASSERT_MEMEQ(pi.uuid, cfg->uuid, 16);
	ASSERT_STREQ(pi.uuid_str, "00112233-4455-6677-8899-AABBCCDDEEFF");
	ASSERT_EQ(pi.n_des, cfg->n_des);
	/* the SHMTIs the driver hands out, mapped */
	ASSERT_EQ(pi.n_shmti, cfg->n_shmti);
	ASSERT_EQ(pi.reset, cfg->reset);
	ASSERT_EQ(pi.single_sample, cfg->single_sample);
	ASSERT_FALSE(pi.per_group);
	ASSERT_FALSE(pi.notifications);
	ASSERT_STREQ(stlm_session_interface(s), "chardev ABI 1 features 0x3b");
	ASSERT_NULL(stlm_session_interface(NULL));
	ASSERT_EQ(stlm_de_count(s), (int)cfg->n_des);
	ASSERT_EQ(stlm_group_count(s), 2);
	for (uint32_t i = 0; i < cfg->n_des; i++) {
		const struct scmi_tlm_de_desc *a = &cfg->des[i].desc;
		const struct stlm_de *b = stlm_de_get(s, a->id);

		ASSERT_NOT_NULL(b);
		ASSERT_EQ(stlm_de_group(b), a->group_id);
		ASSERT_EQ(stlm_de_size(b), a->data_size);
		ASSERT_EQ(stlm_de_unit(b), a->unit);
		ASSERT_EQ(stlm_de_unit_exp(b), a->unit_exp);
		ASSERT_EQ(stlm_de_component_type(b), a->compo_type);
		ASSERT_EQ(stlm_de_component_instance(b), a->compo_instance);
		ASSERT_EQ(!!stlm_de_ts_support(b), !!a->ts_support);
		ASSERT_STREQ(stlm_de_fw_name(b) ? stlm_de_fw_name(b) : "",
			     a->has_name ? a->name : "");
	}
	ASSERT_OK(stlm_intervals_get(s, STLM_GROUP_ALL, &iv));
	ASSERT_EQ(iv.n, cfg->intervals.n);
	ASSERT_FALSE(iv.range);
	for (size_t i = 0; i < iv.n; i++)
		ASSERT_EQ(iv.v[i].ns, scmi_tlm_interval_ns(&cfg->intervals.v[i]));
}

STLM_TEST(values_follow_configuration)
{
	struct stlm_session *s = NULL;
	struct stlm_snapshot *snap = NULL;
	const struct stlm_sample *x;
	struct stlm_batch_item it[3] = {
		{ .op = STLM_BATCH_DE, .id = TP_CONST, .enable = true },
		{ .op = STLM_BATCH_DE, .id = 0xdead, .enable = true },
		{ .op = STLM_BATCH_DE, .id = TP_PLAIN, .enable = true },
	};
	struct cx c;
	uint64_t g;

	cx_start(&c, false, NULL);
	ASSERT_OK(cx_open(&c, &s));
	ASSERT_OK(stlm_snapshot_new(s, &snap));
	stlm_test_defer((void (*)(void *))stlm_snapshot_free, snap);
	x = take(snap, TP_CONST);
	ASSERT_TRUE(!x || !(x->flags & STLM_SAMPLE_VALID));
	g = stlm_session_generation(s);
	/* one batch, a state per item */
	ASSERT_EQ(stlm_batch_apply(s, it, 3), 1);
	ASSERT_OK(it[0].status);
	ASSERT_ERR(it[1].status, -ENOENT);
	ASSERT_OK(it[2].status);
	ASSERT_CMP(stlm_session_generation(s), >, g);
	ASSERT_TRUE(stlm_de_enabled(stlm_de_get(s, TP_CONST)));
	ASSERT_OK(stlm_collection_set(s, STLM_GROUP_ALL, true,
				      STLM_MODE_ON_DEMAND, 10000000));
	{
		struct stlm_collection col;

		ASSERT_OK(stlm_collection_get(s, STLM_GROUP_ALL, &col));
		ASSERT_TRUE(col.enabled);
		ASSERT_EQ(col.interval.ns, 10000000);
	}
	x = take(snap, TP_CONST);
	ASSERT_TRUE(x->flags & STLM_SAMPLE_VALID);
	ASSERT_EQ(x->raw, 1234);
	x = take(snap, TP_PLAIN);
	ASSERT_TRUE(x->flags & STLM_SAMPLE_VALID);
	ASSERT_EQ(x->raw, 9);
	/* DE tracking placed both in a mapped SHMTI: a snapshot of them is
	 * read from shared memory, without a bulk read */
	{
		uint32_t sel[2] = { TP_CONST, TP_PLAIN };
		struct stlm_snapshot *sn = NULL;
		unsigned long bulk;

		ASSERT_NE(stlm_de_get(s, TP_CONST)->shmti, SCMI_TLM_SHMTI_NONE);
		ASSERT_NE(stlm_de_get(s, TP_PLAIN)->shmti, SCMI_TLM_SHMTI_NONE);
		ASSERT_OK(stlm_snapshot_new(s, &sn));
		stlm_test_defer((void (*)(void *))stlm_snapshot_free, sn);
		ASSERT_OK(stlm_snapshot_select(sn, sel, 2));
		bulk = cdev_model_calls(STLM_CDEV_BULK_READ);
		x = take(sn, TP_CONST);
		ASSERT_TRUE(x->flags & STLM_SAMPLE_VALID);
		ASSERT_FALSE(x->flags & STLM_SAMPLE_MESSAGE);
		ASSERT_EQ(x->raw, 1234);
		ASSERT_EQ(stlm_snapshot_find(sn, TP_PLAIN)->raw, 9);
		ASSERT_EQ(cdev_model_calls(STLM_CDEV_BULK_READ), bulk);
	}
	x = take(snap, TP_G1A);
	ASSERT_TRUE(!x || !(x->flags & STLM_SAMPLE_VALID));
	/* groups: the members' batch */
	ASSERT_OK(stlm_group_set(s, 1, true, false));
	ASSERT_TRUE(stlm_de_enabled(stlm_de_get(s, TP_G1A)));
	ASSERT_TRUE(stlm_de_enabled(stlm_de_get(s, TP_G1B)));
	x = take(snap, TP_G1A);
	ASSERT_TRUE(x->flags & STLM_SAMPLE_VALID);
	ASSERT_EQ(x->raw, 5);
	/* single sample */
	ASSERT_OK(stlm_snapshot_take(snap, STLM_TAKE_SINGLE_SAMPLE));
	/* every DE off at once */
	ASSERT_OK(stlm_all_set(s, false, false));
	ASSERT_FALSE(stlm_de_enabled(stlm_de_get(s, TP_CONST)));
	x = take(snap, TP_CONST);
	ASSERT_TRUE(!x || !(x->flags & STLM_SAMPLE_VALID));
	/* an interval the platform does not list */
	ASSERT_ERR(stlm_collection_set(s, STLM_GROUP_ALL, true,
				       STLM_MODE_ON_DEMAND, 7000000), -ERANGE);
}

STLM_TEST(unsupported_is_eopnotsupp)
{
	struct stlm_session *s = NULL;
	struct stlm_intervals iv;
	struct cx c;

	cx_start(&c, false, NULL);
	ASSERT_OK(cx_open(&c, &s));
	/* No ioctl selects notification mode. */
	ASSERT_ERR(stlm_collection_set(s, STLM_GROUP_ALL, true,
				       STLM_MODE_NOTIFY, 0), -EOPNOTSUPP);
	/* The platform has no per-group configuration. */
	ASSERT_ERR(stlm_collection_set(s, 1, true, STLM_MODE_ON_DEMAND, 0),
		   -EOPNOTSUPP);
	ASSERT_ERR(stlm_intervals_get(s, 1, &iv), -EOPNOTSUPP);
	/* Timestamps on a DE without them. */
	ASSERT_ERR(stlm_de_set(s, TP_CONST, true, true), -EOPNOTSUPP);
	ASSERT_OK(stlm_de_set(s, TP_COUNTER, true, true));
	ASSERT_TRUE(stlm_de_ts_enabled(stlm_de_get(s, TP_COUNTER)));
}

STLM_TEST(per_group_intervals)
{
	struct stlm_session *s = NULL;
	struct stlm_collection col;
	struct stlm_intervals iv;
	struct cx c;

	cx_start(&c, true, NULL);
	ASSERT_OK(cx_open(&c, &s));
	ASSERT_OK(stlm_intervals_get(s, 1, &iv));
	ASSERT_CMP(iv.n, >, 0);
	ASSERT_OK(stlm_collection_set(s, 1, true, STLM_MODE_ON_DEMAND,
				      iv.v[0].ns));
	ASSERT_OK(stlm_collection_get(s, 1, &col));
	ASSERT_TRUE(col.enabled);
	ASSERT_EQ(col.interval.ns, iv.v[0].ns);
	ASSERT_ERR(stlm_collection_get(s, 77, &col), -ENOENT);
}

/* Wait (bounded) until s's generation passes g. */
static bool gen_passes(struct stlm_session *s, uint64_t g)
{
	for (int i = 0; i < 1000; i++) {
		struct timespec ts = { 0, 10 * 1000 * 1000 };

		if (stlm_session_generation(s) > g)
			return true;
		nanosleep(&ts, NULL);
	}
	return false;
}

STLM_TEST(events_between_sessions)
{
	struct stlm_session *a = NULL, *b = NULL;
	struct stlm_event ev;
	uint64_t ga, gb;
	struct cx c;

	cx_start(&c, false, NULL);
	ASSERT_OK(cx_open(&c, &a));
	ASSERT_OK(cx_open(&c, &b));
	ga = stlm_session_generation(a);
	gb = stlm_session_generation(b);
	ASSERT_OK(stlm_de_set(a, TP_CONST, true, false));
	/* b learns of a's change through its eventfd, with the new state */
	ASSERT_TRUE(gen_passes(b, gb));
	ASSERT_TRUE(stlm_de_enabled(stlm_de_get(b, TP_CONST)));
	ASSERT_EQ(stlm_event_read(b, &ev), 1);
	ASSERT_EQ(ev.type, STLM_EVENT_GENERATION);
	/* a counts its own change once: the driver's event is not news */
	ASSERT_EQ(stlm_session_generation(a), ga + 1);
	{
		struct timespec ts = { 0, 100 * 1000 * 1000 };

		nanosleep(&ts, NULL);
	}
	ASSERT_EQ(stlm_session_generation(a), ga + 1);
	/* reset: everything off, a RESET event for the one who reset */
	gb = stlm_session_generation(b);
	ASSERT_OK(stlm_reset(a));
	ASSERT_FALSE(stlm_de_enabled(stlm_de_get(a, TP_CONST)));
	ASSERT_TRUE(gen_passes(b, gb));
	ASSERT_FALSE(stlm_de_enabled(stlm_de_get(b, TP_CONST)));
}

static void expect_refused(const struct cdev_model_opts *o, const char *w1,
			   const char *w2)
{
	struct stlm_session *s = NULL;
	struct cx c;

	cx_start(&c, false, o);
	ASSERT_ERR(cx_open(&c, &s), -EPROTONOSUPPORT);
	if (!strstr(logbuf, w1) || !strstr(logbuf, w2))
		STLM_FAIL_AT("log lacks '%s' / '%s': %s", w1, w2, logbuf);
}

STLM_TEST(unknown_abi_version_refused)
{
	struct cdev_model_opts o = { .abi_version = 2 };

	expect_refused(&o, "ABI version 2", "stlm speaks ABI version 1");
}

STLM_TEST(abi_without_batched_config_refused)
{
	struct cdev_model_opts o = {
		.abi_features = STLM_CDEV_FEAT_RESET | STLM_CDEV_FEAT_EVENT
	};

	expect_refused(&o, "without batched configuration (features 0x3",
		       "stlm speaks ABI version 1 with batched configuration");
}

STLM_TEST(early_get_info_form_refused)
{
	struct cdev_model_opts o = { .v0 = true };

	expect_refused(&o, "early GET_INFO form", "stlm speaks ABI version 1");
}

STLM_TEST(not_a_device_and_missing)
{
	struct stlm_session *s = NULL;
	struct cx c;

	cx_start(&c, false, NULL);
	snprintf(c.uri, sizeof(c.uri), "chardev:%s/tlm_9", stlm_test_tmpdir());
	ASSERT_ERR(cx_open(&c, &s), -ENOENT);
	/* The real system calls on a file that is no device: ENOTTY. */
	stlm__chardev_sys = &stlm__chardev_sys_real;
	snprintf(c.uri, sizeof(c.uri), "chardev:%s", c.dev);
	ASSERT_ERR(cx_open(&c, &s), -ENOTTY);
	ASSERT_NOT_NULL(strstr(logbuf, "not an SCMI Telemetry device"));
}

STLM_TEST(device_gone_is_lost)
{
	struct stlm_session *s = NULL;
	struct stlm_snapshot *snap = NULL;
	int err = 0;
	struct cx c;

	cx_start(&c, false, NULL);
	ASSERT_OK(cx_open(&c, &s));
	ASSERT_OK(stlm_snapshot_new(s, &snap));
	stlm_test_defer((void (*)(void *))stlm_snapshot_free, snap);
	ASSERT_EQ(stlm_session_state(s, NULL), STLM_STATE_READY);
	cdev_model_unplug();
	ASSERT_TRUE(stlm_snapshot_take(snap, 0) < 0);
	ASSERT_EQ(stlm_session_state(s, &err), STLM_STATE_LOST);
	ASSERT_EQ(err, -ENODEV);
	ASSERT_TRUE(stlm_de_set(s, TP_CONST, true, false) < 0);
}

STLM_TEST(write_only_set_requests)
{
	struct cdev_model_opts o = { .set_w = true };
	struct stlm_session *s = NULL;
	struct stlm_collection col;
	struct cx c;

	cx_start(&c, false, &o);
	ASSERT_OK(cx_open(&c, &s));
	ASSERT_OK(stlm_collection_set(s, STLM_GROUP_ALL, true,
				      STLM_MODE_ON_DEMAND, 1000000));
	ASSERT_OK(stlm_collection_get(s, STLM_GROUP_ALL, &col));
	ASSERT_TRUE(col.enabled);
	ASSERT_EQ(col.interval.ns, 1000000);
	ASSERT_OK(stlm_all_set(s, true, false));
	ASSERT_TRUE(stlm_de_enabled(stlm_de_get(s, TP_CONST)));
	ASSERT_TRUE(chardev_be(s)->set_w);
}

STLM_TEST(bulk_reads_without_de_tracking)
{
	struct cdev_model_opts o = {
		.abi_features = STLM_CDEV_FEAT_RESET | STLM_CDEV_FEAT_EVENT |
				STLM_CDEV_FEAT_BATCHED_CFG
	};
	struct stlm_session *s = NULL;
	struct stlm_snapshot *snap = NULL;
	const struct stlm_sample *x;
	unsigned long bulk;
	struct cx c;

	cx_start(&c, false, &o);
	ASSERT_OK(cx_open(&c, &s));
	ASSERT_EQ(s->info.n_shmti, 0);
	ASSERT_OK(stlm_de_set(s, TP_CONST, true, false));
	ASSERT_OK(stlm_collection_set(s, STLM_GROUP_ALL, true,
				      STLM_MODE_ON_DEMAND, 0));
	ASSERT_OK(stlm_snapshot_new(s, &snap));
	stlm_test_defer((void (*)(void *))stlm_snapshot_free, snap);
	bulk = cdev_model_calls(STLM_CDEV_BULK_READ);
	x = take(snap, TP_CONST);
	ASSERT_TRUE(x->flags & STLM_SAMPLE_VALID);
	ASSERT_EQ(x->raw, 1234);
	ASSERT_EQ(cdev_model_calls(STLM_CDEV_BULK_READ), bulk + 1);
	ASSERT_STREQ(stlm_session_interface(s), "chardev ABI 1 features 0x13");
}

STLM_TEST(read_group_only_and_no_access)
{
	struct cdev_model_opts o = { .no_write = true };
	struct stlm_session *s = NULL;
	struct stlm_snapshot *snap = NULL;
	struct cx c;

	cx_start(&c, false, &o);
	ASSERT_OK(cx_open(&c, &s));
	ASSERT_STREQ(stlm_session_interface(s),
		     "chardev ABI 1 features 0x3b read-only");
	/* reading works, every change is refused locally */
	ASSERT_OK(stlm_snapshot_new(s, &snap));
	stlm_test_defer((void (*)(void *))stlm_snapshot_free, snap);
	ASSERT_OK(stlm_snapshot_take(snap, 0));
	ASSERT_ERR(stlm_de_set(s, TP_CONST, true, false), -EROFS);
	ASSERT_ERR(stlm_collection_set(s, STLM_GROUP_ALL, true,
				       STLM_MODE_ON_DEMAND, 0), -EROFS);
	ASSERT_ERR(stlm_reset(s), -EROFS);
	ASSERT_NOT_NULL(strstr(logbuf, "configuration group"));
	cdev_model_stop();
	{
		struct cdev_model_opts n = { .no_read = true };
		struct stlm_session *t = NULL;

		ASSERT_OK(cdev_model_start(c.f->uri, c.dev, &n));
		logbuf[0] = '\0';
		ASSERT_ERR(cx_open(&c, &t), -EPERM);
		ASSERT_NOT_NULL(strstr(logbuf, "read group"));
	}
}
