// SPDX-License-Identifier: MIT
/*
 * Copyright (c) 2026 The stlm authors
 *
 * The stlmfs: backend against the static STLMFS tree in
 * tests/data/stlmfs/ (copied to a private directory for the tests that
 * write): discovery (named, signed, timestamp-less, legacy 4-hex-digit and
 * partially enumerated DEs, a group, discrete intervals, capabilities),
 * values and validity from des_bulk_read (and the group and single-sample
 * files), strict bulk parsing, configuration writes landing in the right
 * files, EACCES on a tree we may not write, the generation watcher, a
 * vanished tree, and the mount-root form.
 */
#define STLM_TEST_GROUP "stlmfs"
#include "stlm-test.h"

#include <dirent.h>
#include <fcntl.h>
#include <math.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "session.h"
#include "stlmfs-text.h"

/* ------------------------------------------------------------------ */
/* Fixture helpers                                                     */

static void copy_tree(const char *from, const char *to, mode_t fmode)
{
	DIR *d = opendir(from);
	struct dirent *e;

	ASSERT_NOT_NULL(d);
	ASSERT_TRUE(mkdir(to, 0755) == 0 || errno == EEXIST);
	chmod(to, 0755);
	while ((e = readdir(d))) {
		char a[PATH_MAX], b[PATH_MAX];
		struct stat st;

		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		snprintf(a, sizeof(a), "%s/%s", from, e->d_name);
		snprintf(b, sizeof(b), "%s/%s", to, e->d_name);
		ASSERT_OK(lstat(a, &st));
		if (S_ISDIR(st.st_mode)) {
			copy_tree(a, b, fmode);
		} else {
			char buf[4096];
			int in = open(a, O_RDONLY | O_CLOEXEC);
			int out = open(b, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
				       0644);
			ssize_t n;

			ASSERT_TRUE(in >= 0 && out >= 0);
			while ((n = read(in, buf, sizeof(buf))) > 0)
				ASSERT_EQ(write(out, buf, (size_t)n), n);
			close(in);
			close(out);
			chmod(b, fmode);
		}
	}
	closedir(d);
}

static const char *fixture_root(void)
{
	static char p[1024];

	snprintf(p, sizeof(p), "%s/data/stlmfs", stlm_test_srcdir());
	return p;
}

/* A writable copy of tlm_0 at TMP/NAME/tlm_0; returns TMP/NAME. */
static const char *fixture_copy(const char *name, mode_t fmode)
{
	static char root[1024];
	char src[PATH_MAX], dst[PATH_MAX];

	snprintf(root, sizeof(root), "%s/%s", stlm_test_tmpdir(), name);
	chmod(stlm_test_tmpdir(), 0755);
	ASSERT_TRUE(mkdir(root, 0755) == 0 || errno == EEXIST);
	snprintf(src, sizeof(src), "%s/tlm_0", fixture_root());
	snprintf(dst, sizeof(dst), "%s/tlm_0", root);
	copy_tree(src, dst, fmode);
	return root;
}

static void put(const char *root, const char *rel, const char *text)
{
	char p[PATH_MAX];
	FILE *f;

	snprintf(p, sizeof(p), "%s/tlm_0/%s", root, rel);
	f = fopen(p, "w");
	ASSERT_NOT_NULL(f);
	fputs(text, f);
	fclose(f);
}

/* Contents of ROOT/tlm_0/REL (static buffer). */
static const char *get(const char *root, const char *rel)
{
	static char b[512];
	char p[PATH_MAX];
	ssize_t n;
	int fd;

	snprintf(p, sizeof(p), "%s/tlm_0/%s", root, rel);
	fd = open(p, O_RDONLY | O_CLOEXEC);
	ASSERT_TRUE(fd >= 0);
	n = read(fd, b, sizeof(b) - 1);
	close(fd);
	ASSERT_TRUE(n >= 0);
	b[n] = 0;
	return b;
}

static char last_log[1024];

static void log_keep(void *data, int level, const char *fmt, va_list ap)
{
	(void)data;
	if (level <= STLM_LOG_WARNING)
		vsnprintf(last_log, sizeof(last_log), fmt, ap);
}

static struct stlm_session *open_at(const char *root)
{
	struct stlm_open_opts o = { .size = sizeof(o), .no_catalog = true,
				    .log = log_keep };
	struct stlm_session *s = NULL;
	char uri[PATH_MAX + 16];

	snprintf(uri, sizeof(uri), "stlmfs:%s", root);
	ASSERT_OK(stlm_session_open(uri, &o, &s));
	return s;
}

static void load_catalog(struct stlm_session *s)
{
	char p[PATH_MAX], err[256];

	snprintf(p, sizeof(p), "%s/catalog.json", fixture_root());
	ASSERT_EQ(stlm_catalog_load(s, p, err, sizeof(err)), 5);
}

static const struct stlm_sample *take_find(struct stlm_snapshot *snap,
					   unsigned int flags, uint32_t id)
{
	ASSERT_CMP(stlm_snapshot_take(snap, flags), >=, 0);
	return stlm_snapshot_find(snap, id);
}

/* ------------------------------------------------------------------ */
/* Discovery                                                           */

STLM_TEST(discovery)
{
	struct stlm_session *s = open_at(fixture_root());
	struct stlm_platform_info pi;
	const struct stlm_de *de;
	struct stlm_intervals iv;
	const uint32_t *ids;
	size_t n;

	ASSERT_OK(stlm_session_info(s, &pi));
	ASSERT_EQ(pi.protocol_version, 0x10000u);
	ASSERT_STREQ(pi.uuid_str, "5A1E0C3B-7D2F-4E88-9B61-3C0FDE5A0001");
	ASSERT_STREQ(pi.sub_vendor, "tlm_0");
	ASSERT_EQ(pi.n_des, 6u);
	ASSERT_EQ(pi.n_groups, 1u);
	ASSERT_EQ(pi.n_shmti, 0u);
	ASSERT_TRUE(pi.single_sample);
	ASSERT_TRUE(pi.reset);
	ASSERT_TRUE(pi.per_group);
	ASSERT_FALSE(pi.notifications);
	ASSERT_EQ(stlm_de_count(s), 6);
	ASSERT_U64_EQ(stlm_session_generation(s), 7);

	/* Platform order is id order; the legacy 0x0004 directory is DE 4. */
	for (uint32_t i = 0; i < 6; i++)
		ASSERT_EQ(stlm_de_id(stlm_de_at(s, i)), i + 1);

	de = stlm_de_get(s, 1);
	ASSERT_NOT_NULL(de);
	ASSERT_STREQ(stlm_de_fw_name(de), "soc_power"); /* NUL read too */
	ASSERT_EQ(stlm_de_unit(de), 7);
	ASSERT_STREQ(stlm_de_unit_name(de), "W");
	ASSERT_EQ(stlm_de_unit_exp(de), -3);
	ASSERT_EQ(stlm_de_component_type(de), 16);
	ASSERT_EQ(stlm_de_ts_support(de), STLM_TS_LINE);
	ASSERT_EQ(stlm_de_ts_rate_khz(de), 1000u);
	ASSERT_TRUE(stlm_de_enabled(de));
	ASSERT_TRUE(stlm_de_ts_enabled(de));
	ASSERT_EQ(stlm_de_group(de), STLM_GROUP_NONE);

	de = stlm_de_get(s, 2);
	ASSERT_EQ(stlm_de_unit_exp(de), -2);
	ASSERT_EQ(stlm_de_ts_support(de), STLM_TS_NONE);
	ASSERT_NULL(stlm_de_fw_name(de));
	ASSERT_EQ(stlm_de_component_instance(de), 3);

	de = stlm_de_get(s, 3);
	ASSERT_TRUE(stlm_de_persistent(de));
	ASSERT_EQ(stlm_de_type(de), 4);
	ASSERT_EQ(stlm_de_group(de), 0u);

	de = stlm_de_get(s, 4);
	ASSERT_EQ(stlm_de_group(de), 0u);
	ASSERT_EQ(stlm_de_instance(de), 1);

	/* Passively discovered: only enable and value. */
	de = stlm_de_get(s, 6);
	ASSERT_NOT_NULL(de);
	ASSERT_FALSE(stlm_de_enabled(de));
	ASSERT_EQ(stlm_de_type(de), 0);
	ASSERT_EQ(stlm_de_unit_exp(de), 0);

	ASSERT_EQ(stlm_group_count(s), 1);
	ASSERT_OK(stlm_group_members(s, 0, &ids, &n));
	ASSERT_EQ(n, 2u);
	ASSERT_EQ(ids[0], 3u);
	ASSERT_EQ(ids[1], 4u);

	ASSERT_OK(stlm_intervals_get(s, STLM_GROUP_ALL, &iv));
	ASSERT_FALSE(iv.range);
	ASSERT_EQ(iv.n, 4u);
	ASSERT_EQ(iv.v[1].secs, 5);
	ASSERT_EQ(iv.v[1].exp, -1);
	ASSERT_U64_EQ(iv.v[1].ns, 500000000ull);
	ASSERT_OK(stlm_intervals_get(s, 0, &iv));
	ASSERT_EQ(iv.n, 2u);
	ASSERT_U64_EQ(iv.v[0].ns, 10000000ull);
	stlm_session_close(s);
}

/* Discovery reports progress, one unit per DE, ending at done == total. */
struct progress_seen {
	unsigned int calls;
	uint64_t last_done, last_total;
	bool monotonic;
	char what[32];
};

static void progress_keep(void *data, const char *what, uint64_t done,
			  uint64_t total)
{
	struct progress_seen *p = data;

	if (p->calls && done < p->last_done)
		p->monotonic = false;
	p->calls++;
	p->last_done = done;
	p->last_total = total;
	snprintf(p->what, sizeof(p->what), "%s", what);
}

STLM_TEST(discovery_progress)
{
	struct progress_seen seen = { .monotonic = true };
	struct stlm_open_opts o = { .size = sizeof(o), .no_catalog = true,
				    .log = log_keep,
				    .progress = progress_keep,
				    .progress_data = &seen };
	struct stlm_session *s = NULL;
	char uri[PATH_MAX + 16];

	snprintf(uri, sizeof(uri), "stlmfs:%s", fixture_root());
	ASSERT_OK(stlm_session_open(uri, &o, &s));
	ASSERT_EQ(stlm_de_count(s), 6);
	ASSERT_EQ(seen.calls, 6u);
	ASSERT_TRUE(seen.monotonic);
	ASSERT_U64_EQ(seen.last_done, 6);
	ASSERT_U64_EQ(seen.last_total, 6);
	ASSERT_STREQ(seen.what, "discovery");
	stlm_session_close(s);
}

/*
 * A large tree is read by several threads (lib/backend/stlmfs.c,
 * read_des()): 300 more DEs in a copy of the fixture, each with its own
 * unit, instance and component, must all come out right, progress must
 * stay monotonic and end at done == total, and one malformed DE among
 * them must fail the open with its error.
 */
STLM_TEST(discovery_many_des)
{
	struct progress_seen seen = { .monotonic = true };
	struct stlm_open_opts o = { .size = sizeof(o), .no_catalog = true,
				    .log = log_keep,
				    .progress = progress_keep,
				    .progress_data = &seen };
	const char *root = fixture_copy("many", 0644);
	struct stlm_session *s = NULL;
	char uri[PATH_MAX + 16], rel[96], text[32];

	for (uint32_t i = 0; i < 300; i++) {
		char dir[PATH_MAX];

		snprintf(dir, sizeof(dir), "%s/tlm_0/des/0x%08X", root,
			 0x1000 + i);
		ASSERT_TRUE(mkdir(dir, 0755) == 0 || errno == EEXIST);
#define PUT(file, fmt, v)						\
	do {								\
		snprintf(rel, sizeof(rel), "des/0x%08X/" file, 0x1000 + i); \
		snprintf(text, sizeof(text), fmt "\n", v);		\
		put(root, rel, text);					\
	} while (0)
		PUT("type", "%u", 1u);
		PUT("unit", "%u", i % 200);
		PUT("unit_exp", "%d", -(int)(i % 5));
		PUT("instance_id", "%u", i % 250);
		PUT("compo_type", "%u", 1u);
		PUT("compo_instance_id", "%u", i);
		PUT("enable", "%s", "N");
		PUT("value", "%s", "0 0000000000000000");
#undef PUT
	}
	snprintf(uri, sizeof(uri), "stlmfs:%s/tlm_0", root);
	ASSERT_OK(stlm_session_open(uri, &o, &s));
	ASSERT_EQ(stlm_de_count(s), 306);
	for (uint32_t i = 0; i < 300; i++) {
		const struct stlm_de *de = stlm_de_get(s, 0x1000 + i);

		ASSERT_NOT_NULL(de);
		ASSERT_EQ(stlm_de_unit(de), (int)(i % 200));
		ASSERT_EQ(stlm_de_unit_exp(de), -(int)(i % 5));
		ASSERT_EQ(stlm_de_instance(de), (int)(i % 250));
		ASSERT_EQ(stlm_de_component_instance(de), (int)i);
	}
	ASSERT_TRUE(seen.monotonic);
	ASSERT_U64_EQ(seen.last_done, 306);
	ASSERT_U64_EQ(seen.last_total, 306);
	stlm_session_close(s);

	/* one malformed DE: the open fails, naming it */
	put(root, "des/0x00001123/unit_exp", "minus two\n");
	last_log[0] = 0;
	s = NULL;
	ASSERT_ERR(stlm_session_open(uri, &o, &s), -EPROTO);
	ASSERT_NULL(s);
	ASSERT_NOT_NULL(strstr(last_log, "0x00001123/unit_exp"));
}

STLM_TEST(uri_forms)
{
	struct stlm_open_opts o = { .size = sizeof(o), .no_catalog = true };
	struct stlm_platform_info pi;
	struct stlm_session *s = NULL;
	char uri[PATH_MAX + 16], a[PATH_MAX], b[PATH_MAX];
	const char *root = fixture_copy("nat", 0644);

	/* The instance itself. */
	snprintf(uri, sizeof(uri), "stlmfs:%s/tlm_0", root);
	ASSERT_OK(stlm_session_open(uri, &o, &s));
	stlm_session_close(s);
	/* A root with tlm_10 and tlm_2: natural order picks tlm_2. */
	snprintf(a, sizeof(a), "%s/tlm_0", root);
	snprintf(b, sizeof(b), "%s/tlm_10", root);
	ASSERT_OK(rename(a, b));
	snprintf(a, sizeof(a), "%s/tlm_2", root);
	copy_tree(b, a, 0644);
	snprintf(uri, sizeof(uri), "stlmfs:%s", root);
	ASSERT_OK(stlm_session_open(uri, &o, &s));
	ASSERT_OK(stlm_session_info(s, &pi));
	ASSERT_STREQ(pi.sub_vendor, "tlm_2");
	stlm_session_close(s);
	/* Nothing there. */
	snprintf(uri, sizeof(uri), "stlmfs:%s/none", root);
	ASSERT_ERR(stlm_session_open(uri, &o, &s), -ENOENT);
	snprintf(uri, sizeof(uri), "stlmfs:%s", stlm_test_tmpdir());
	ASSERT_ERR(stlm_session_open(uri, &o, &s), -ENOENT);
}

/* ------------------------------------------------------------------ */
/* Values                                                              */

STLM_TEST(values)
{
	struct stlm_session *s = open_at(fixture_root());
	struct stlm_snapshot *snap;
	const struct stlm_sample *sm;
	size_t n;

	load_catalog(s);
	ASSERT_OK(stlm_snapshot_new(s, &snap));
	ASSERT_EQ(stlm_snapshot_take(snap, 0), 5); /* enabled DEs */
	stlm_snapshot_samples(snap, &n);
	ASSERT_EQ(n, 5u);
	ASSERT_U64_EQ(stlm_snapshot_generation(snap), stlm_session_generation(s));

	sm = stlm_snapshot_find(snap, 1);
	ASSERT_NOT_NULL(sm);
	ASSERT_EQ(sm->flags, STLM_SAMPLE_VALID | STLM_SAMPLE_TIMESTAMP);
	ASSERT_U64_EQ(sm->raw, 1234);
	ASSERT_TRUE(fabs(sm->value - 1.234) < 1e-12);
	ASSERT_U64_EQ(sm->ts, 123456);
	ASSERT_EQ(sm->ts_rate_khz, 1000u);

	/* Signed (catalog), 10^-2. */
	sm = stlm_snapshot_find(snap, 2);
	ASSERT_EQ(sm->flags, STLM_SAMPLE_VALID);
	ASSERT_TRUE(fabs(sm->value - -2.0) < 1e-12);

	/* No timestamp support. */
	sm = stlm_snapshot_find(snap, 3);
	ASSERT_EQ(sm->flags, STLM_SAMPLE_VALID);
	ASSERT_TRUE(sm->value == 100.0);

	/* Legacy directory name, 10^-3. */
	sm = stlm_snapshot_find(snap, 4);
	ASSERT_EQ(sm->flags, STLM_SAMPLE_VALID);
	ASSERT_TRUE(fabs(sm->value - 0.042) < 1e-12);

	/* Enabled but absent from des_bulk_read: not valid. */
	sm = stlm_snapshot_find(snap, 5);
	ASSERT_NOT_NULL(sm);
	ASSERT_FALSE(sm->flags & STLM_SAMPLE_VALID);
	ASSERT_TRUE(sm->flags & STLM_SAMPLE_UNREACHABLE);

	/* Disabled DE 6: not in an all-enabled snapshot. */
	ASSERT_NULL(stlm_snapshot_find(snap, 6));

	/* des_single_sample_read. */
	sm = take_find(snap, STLM_TAKE_SINGLE_SAMPLE, 1);
	ASSERT_U64_EQ(sm->raw, 1235);
	ASSERT_U64_EQ(sm->ts, 123999);
	sm = stlm_snapshot_find(snap, 5);
	ASSERT_EQ(sm->flags, STLM_SAMPLE_VALID);
	ASSERT_TRUE(sm->value == 7.0);
	sm = stlm_snapshot_find(snap, 2);
	ASSERT_TRUE(fabs(sm->value - -2.01) < 1e-12);

	/* Back to the bulk file: DE 5 is absent again. */
	sm = take_find(snap, 0, 5);
	ASSERT_FALSE(sm->flags & STLM_SAMPLE_VALID);

	/* A selection with a disabled DE and an unknown id. */
	{
		uint32_t sel[] = { 6, 0x99, 1 };

		ASSERT_OK(stlm_snapshot_select(snap, sel, 3));
		ASSERT_EQ(stlm_snapshot_take(snap, 0), 3);
		ASSERT_EQ(stlm_snapshot_find(snap, 6)->flags,
			  STLM_SAMPLE_DISABLED);
		ASSERT_EQ(stlm_snapshot_find(snap, 0x99)->flags,
			  STLM_SAMPLE_UNREACHABLE);
		ASSERT_U64_EQ(stlm_snapshot_find(snap, 1)->raw, 1234);
	}
	stlm_snapshot_free(snap);
	stlm_session_close(s);
}

STLM_TEST(group_bulk_file)
{
	const char *root = fixture_copy("grp", 0644);
	struct stlm_session *s;
	struct stlm_snapshot *snap;
	uint32_t sel[] = { 3, 4 };

	/* Distinct values in the group file: a group selection reads it. */
	put(root, "groups/0/des_bulk_read",
	    "0x00000003 5 00000000000000C8\n");
	s = open_at(root);
	ASSERT_OK(stlm_snapshot_new(s, &snap));
	ASSERT_OK(stlm_snapshot_select(snap, sel, 2));
	ASSERT_EQ(stlm_snapshot_take(snap, 0), 2);
	ASSERT_U64_EQ(stlm_snapshot_find(snap, 3)->raw, 200);
	/* DE 4 is in the group's scope and absent from its file. */
	ASSERT_FALSE(stlm_snapshot_find(snap, 4)->flags & STLM_SAMPLE_VALID);
	/* Mixed selection: the instance file. */
	sel[1] = 1;
	ASSERT_OK(stlm_snapshot_select(snap, sel, 2));
	ASSERT_EQ(stlm_snapshot_take(snap, 0), 2);
	ASSERT_U64_EQ(stlm_snapshot_find(snap, 3)->raw, 100);
	stlm_snapshot_free(snap);
	stlm_session_close(s);
}

STLM_TEST(malformed_bulk)
{
	static const char *const bad[] = {
		"0x00000001 1 00000000000004D2\n0x00000002 0 FFFF\n",
		"0x00000001 1 00000000000004D2", /* no newline */
		"0x0001 x 00000000000004D2\n",
		"0x00000001  1 00000000000004D2\n",
		"0x00000001 1 00000000000004D2 \n",
		"\n",
		"0x000000001 1 00000000000004D2\n",
		"0x00000001 99999999999999999999 00000000000004D2\n",
	};
	const char *root = fixture_copy("bad", 0644);
	struct stlm_session *s = open_at(root);
	struct stlm_snapshot *snap;

	ASSERT_OK(stlm_snapshot_new(s, &snap));
	ASSERT_EQ(stlm_snapshot_take(snap, 0), 5);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		put(root, "des_bulk_read", bad[i]);
		last_log[0] = 0;
		ASSERT_ERR(stlm_snapshot_take(snap, 0), -EBADMSG);
		ASSERT_NOT_NULL(strstr(last_log, "des_bulk_read: line "));
	}
	/* The values of the last good read were not touched: an empty
	 * file is valid and makes every DE absent. */
	put(root, "des_bulk_read", "");
	ASSERT_EQ(stlm_snapshot_take(snap, 0), 5);
	ASSERT_FALSE(stlm_snapshot_find(snap, 1)->flags & STLM_SAMPLE_VALID);
	/* More text than 64 bytes per DE: refused. */
	{
		char big[2048];

		memset(big, '0', sizeof(big) - 1);
		big[sizeof(big) - 1] = 0;
		put(root, "des_bulk_read", big);
		ASSERT_ERR(stlm_snapshot_take(snap, 0), -EBADMSG);
	}
	stlm_snapshot_free(snap);
	stlm_session_close(s);
}

STLM_TEST(malformed_knob)
{
	struct stlm_open_opts o = { .size = sizeof(o), .no_catalog = true,
				    .log = log_keep };
	const char *root = fixture_copy("knob", 0644);
	struct stlm_session *s = NULL;
	char uri[PATH_MAX + 16];

	snprintf(uri, sizeof(uri), "stlmfs:%s", root);
	put(root, "des/0x00000002/unit_exp", "-1000\n");
	last_log[0] = 0;
	ASSERT_ERR(stlm_session_open(uri, &o, &s), -EPROTO);
	ASSERT_NOT_NULL(strstr(last_log, "0x00000002/unit_exp"));
	put(root, "des/0x00000002/unit_exp", "-2\n");
	put(root, "de_implementation_version", "not-a-uuid\n");
	ASSERT_ERR(stlm_session_open(uri, &o, &s), -EPROTO);
	put(root, "de_implementation_version",
	    "5A1E0C3B-7D2F-4E88-9B61-3C0FDE5A0001\n");
	put(root, "intervals_discrete", "N\n");	/* 4 entries: not a range */
	ASSERT_ERR(stlm_session_open(uri, &o, &s), -EPROTO);
	put(root, "intervals_discrete", "Y\n");
	ASSERT_OK(stlm_session_open(uri, &o, &s));
	stlm_session_close(s);
}

/* ------------------------------------------------------------------ */
/* Configuration                                                       */

static bool wait_event(struct stlm_session *s, int type, struct stlm_event *ret)
{
	for (int i = 0; i < 40; i++) {
		struct pollfd p = { stlm_event_fd(s), POLLIN, 0 };

		while (stlm_event_read(s, ret) == 1)
			if (ret->type == type)
				return true;
		poll(&p, 1, 100);
	}
	return false;
}

STLM_TEST(writes)
{
	const char *root = fixture_copy("w", 0644);
	struct stlm_session *s = open_at(root);
	struct stlm_collection col;
	struct stlm_event ev;
	struct stlm_batch_item items[] = {
		{ .op = STLM_BATCH_DE, .id = 5, .enable = false },
		{ .op = STLM_BATCH_DE, .id = 0x99, .enable = true },
		{ .op = STLM_BATCH_DE, .id = 3, .enable = true,
		  .timestamps = true },
		{ .op = STLM_BATCH_GROUP, .id = 0, .enable = true,
		  .timestamps = true },
	};
	uint64_t g;

	while (stlm_event_read(s, &ev) == 1)
		;
	g = stlm_session_generation(s);
	ASSERT_OK(stlm_de_set(s, 6, true, false));
	ASSERT_STREQ(get(root, "des/0x00000006/enable"), "Y");
	ASSERT_TRUE(stlm_de_enabled(stlm_de_get(s, 6)));
	/* A static tree does not move its generation: the session does. */
	ASSERT_CMP(stlm_session_generation(s), >, g);
	ASSERT_TRUE(wait_event(s, STLM_EVENT_GENERATION, &ev));

	/* Timestamps off on a DE that had them. */
	ASSERT_OK(stlm_de_set(s, 1, true, false));
	ASSERT_STREQ(get(root, "des/0x00000001/tstamp_enable"), "N");
	ASSERT_FALSE(stlm_de_ts_enabled(stlm_de_get(s, 1)));
	ASSERT_OK(stlm_de_set(s, 4, false, false));
	ASSERT_STREQ(get(root, "des/0x0004/enable"), "N");
	ASSERT_ERR(stlm_de_set(s, 0x1234, true, false), -ENOENT);
	ASSERT_ERR(stlm_de_set(s, 2, true, true), -EOPNOTSUPP);

	ASSERT_EQ(stlm_batch_apply(s, items, 4), 2);
	ASSERT_EQ(items[0].status, 0);
	ASSERT_EQ(items[1].status, -ENOENT);
	ASSERT_EQ(items[2].status, -EOPNOTSUPP);
	ASSERT_EQ(items[3].status, 0);
	ASSERT_STREQ(get(root, "des/0x00000005/enable"), "N");
	ASSERT_STREQ(get(root, "groups/0/enable"), "Y");
	ASSERT_STREQ(get(root, "groups/0/tstamp_enable"), "Y");

	ASSERT_OK(stlm_all_set(s, false, false));
	ASSERT_STREQ(get(root, "all_des_enable"), "N");
	ASSERT_OK(stlm_all_set(s, true, true));
	ASSERT_STREQ(get(root, "all_des_enable"), "Y");
	ASSERT_STREQ(get(root, "all_des_tstamp_enable"), "Y");
	/* all_des_enable reads Y now: every DE is taken as enabled. */
	ASSERT_TRUE(stlm_de_enabled(stlm_de_get(s, 5)));

	ASSERT_OK(stlm_collection_set(s, STLM_GROUP_ALL, true,
				      STLM_MODE_ON_DEMAND, 10000000));
	ASSERT_STREQ(get(root, "current_update_interval_ms"), "10,-3");
	ASSERT_STREQ(get(root, "tlm_enable"), "Y");
	ASSERT_OK(stlm_collection_get(s, STLM_GROUP_ALL, &col));
	ASSERT_TRUE(col.enabled);
	ASSERT_U64_EQ(col.interval.ns, 10000000);
	ASSERT_OK(stlm_collection_set(s, STLM_GROUP_ALL, true,
				      STLM_MODE_ON_DEMAND, 500000000));
	ASSERT_STREQ(get(root, "current_update_interval_ms"), "5,-1");
	ASSERT_ERR(stlm_collection_set(s, STLM_GROUP_ALL, true,
				       STLM_MODE_ON_DEMAND, 7000000), -ERANGE);
	ASSERT_ERR(stlm_collection_set(s, STLM_GROUP_ALL, true,
				       STLM_MODE_NOTIFY, 0), -EOPNOTSUPP);
	ASSERT_OK(stlm_collection_set(s, STLM_GROUP_ALL, false,
				      STLM_MODE_ON_DEMAND, 0));
	ASSERT_STREQ(get(root, "tlm_enable"), "N");
	/* Per group: the group's interval file. */
	ASSERT_OK(stlm_collection_set(s, 0, true, STLM_MODE_ON_DEMAND,
				      10000000));
	ASSERT_STREQ(get(root, "groups/0/current_update_interval_ms"), "10,-3");
	ASSERT_ERR(stlm_collection_set(s, 0, true, STLM_MODE_ON_DEMAND,
				       1000000000), -ERANGE);
	ASSERT_ERR(stlm_collection_set(s, 3, true, STLM_MODE_ON_DEMAND, 0),
		   -ENOENT);

	while (stlm_event_read(s, &ev) == 1)
		;
	ASSERT_OK(stlm_reset(s));
	ASSERT_STREQ(get(root, "reset"), "1");
	ASSERT_TRUE(wait_event(s, STLM_EVENT_RESET, &ev));
	stlm_session_close(s);
}

STLM_TEST(unsupported)
{
	const char *root = fixture_copy("u", 0644);
	char p[PATH_MAX];
	struct stlm_session *s;
	struct stlm_snapshot *snap;

	snprintf(p, sizeof(p), "%s/tlm_0/reset", root);
	ASSERT_OK(unlink(p));
	snprintf(p, sizeof(p), "%s/tlm_0/des_single_sample_read", root);
	ASSERT_OK(unlink(p));
	snprintf(p, sizeof(p), "%s/tlm_0/all_des_tstamp_enable", root);
	ASSERT_OK(unlink(p));
	s = open_at(root);
	ASSERT_ERR(stlm_reset(s), -EOPNOTSUPP);
	ASSERT_ERR(stlm_all_set(s, true, true), -EOPNOTSUPP);
	ASSERT_OK(stlm_snapshot_new(s, &snap));
	ASSERT_ERR(stlm_snapshot_take(snap, STLM_TAKE_SINGLE_SAMPLE),
		   -EOPNOTSUPP);
	stlm_snapshot_free(snap);
	stlm_session_close(s);
}

/* As an unprivileged user on a tree with read-only knobs. */
STLM_TEST(read_only_tree)
{
	const char *root = fixture_copy("ro", 0444);
	pid_t pid;
	int st;

	pid = fork();
	ASSERT_TRUE(pid >= 0);
	if (pid == 0) {
		struct stlm_open_opts o = { .size = sizeof(o),
					    .no_catalog = true };
		struct stlm_session *s = NULL;
		char uri[PATH_MAX + 16];
		int code = 0;

		if (geteuid() == 0 && (setgid(65534) || setuid(65534)))
			_exit(10);
		snprintf(uri, sizeof(uri), "stlmfs:%s", root);
		if (stlm_session_open(uri, &o, &s) < 0)
			_exit(11);
#define DENIED(expr) do { int r_ = (expr); if (r_ != -EACCES && r_ != -EPERM) code = __LINE__ % 200 + 20; } while (0)
		DENIED(stlm_de_set(s, 6, true, false));
		DENIED(stlm_all_set(s, false, false));
		DENIED(stlm_collection_set(s, STLM_GROUP_ALL, true,
					   STLM_MODE_ON_DEMAND, 10000000));
		DENIED(stlm_reset(s));
#undef DENIED
		{
			struct stlm_batch_item it = { .op = STLM_BATCH_GROUP,
						      .id = 0, .enable = true };

			if (stlm_batch_apply(s, &it, 1) != 1 ||
			    (it.status != -EACCES && it.status != -EPERM))
				code = 12;
		}
		stlm_session_close(s);
		_exit(code);
	}
	ASSERT_EQ(waitpid(pid, &st, 0), pid);
	ASSERT_TRUE(WIFEXITED(st));
	ASSERT_EQ(WEXITSTATUS(st), 0);
	ASSERT_STREQ(get(root, "des/0x00000006/enable"), "N\n");
}

/* ------------------------------------------------------------------ */
/* Changes and failures                                                */

STLM_TEST(generation_watch)
{
	const char *root = fixture_copy("gen", 0644);
	struct stlm_session *s = open_at(root);
	struct stlm_event ev;

	ASSERT_FALSE(stlm_de_enabled(stlm_de_get(s, 6)));
	/* Someone else enables DE 6: the generation moves. */
	put(root, "des/0x00000006/enable", "Y\n");
	put(root, "generation", "9\n");
	ASSERT_TRUE(wait_event(s, STLM_EVENT_GENERATION, &ev));
	ASSERT_U64_EQ(ev.generation, 9);
	ASSERT_U64_EQ(stlm_session_generation(s), 9);
	ASSERT_TRUE(stlm_de_enabled(stlm_de_get(s, 6)));
	stlm_session_close(s);
}

STLM_TEST(tree_vanishes)
{
	const char *root = fixture_copy("gone", 0644);
	struct stlm_session *s = open_at(root);
	struct stlm_snapshot *snap;
	char cmd[PATH_MAX + 16];
	int err = 1;

	ASSERT_OK(stlm_snapshot_new(s, &snap));
	ASSERT_EQ(stlm_snapshot_take(snap, 0), 5);
	/* a failing request does not lose the tree */
	ASSERT_ERR(stlm_de_set(s, 0xDEADBEEF, true, false), -ENOENT);
	ASSERT_EQ(stlm_session_state(s, &err), STLM_STATE_READY);
	ASSERT_EQ(err, 0);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s/tlm_0'", root);
	ASSERT_EQ(system(cmd), 0);
	ASSERT_EQ(stlm_session_state(s, &err), STLM_STATE_LOST);
	ASSERT_CMP(err, <, 0);
	ASSERT_CMP(stlm_snapshot_take(snap, 0), <, 0);
	ASSERT_CMP(stlm_de_set(s, 1, false, false), <, 0);
	ASSERT_CMP(stlm_reset(s), <, 0);
	ASSERT_EQ(stlm_session_state(s, NULL), STLM_STATE_LOST);
	stlm_snapshot_free(snap);
	stlm_session_close(s);
}

/* ------------------------------------------------------------------ */
/* Text parsers                                                        */

STLM_TEST(parsers)
{
	struct stlmfs_sample x;
	struct stlmfs_iv iv[8];
	uint8_t u[16];
	uint32_t id, ids[4];
	uint64_t v;
	int64_t e;
	size_t n;
	char name[STLMFS_NAME_MAX + 1];
	bool b;

	ASSERT_OK(stlmfs_text_parse_bulk_line("0x0000A001 12 00000000000003E8", 30, &x));
	ASSERT_EQ(x.id, 0xA001u);
	ASSERT_U64_EQ(x.ts, 12);
	ASSERT_U64_EQ(x.value, 1000);
	ASSERT_OK(stlmfs_text_parse_bulk_line("0xA001 0 FFFFFFFFFFFFFFFF", 25, &x));
	ASSERT_U64_EQ(x.value, UINT64_MAX);
	ASSERT_ERR(stlmfs_text_parse_bulk_line("0xA01 0 FFFFFFFFFFFFFFFF", 24, &x), -EBADMSG);
	ASSERT_ERR(stlmfs_text_parse_bulk_line("0x0000A001 -1 00000000000003E8", 30, &x), -EBADMSG);
	ASSERT_ERR(stlmfs_text_parse_bulk_line("0x0000A001 1 00000000000003E", 28, &x), -EBADMSG);
	ASSERT_OK(stlmfs_text_parse_value("1234567 00000000000003E8\n", 25, &x));
	ASSERT_U64_EQ(x.ts, 1234567);
	ASSERT_OK(stlmfs_text_parse_value("15: 00000000000003E9\n", 21, &x));
	ASSERT_U64_EQ(x.value, 1001);
	ASSERT_ERR(stlmfs_text_parse_value("15:00000000000003E9\n", 20, &x), -EBADMSG);

	ASSERT_OK(stlmfs_text_parse_intervals("3,0 4,-1 75,-2 300,-3\n", 22, iv, 8, &n));
	ASSERT_EQ(n, 4u);
	ASSERT_EQ(iv[1].exp, -1);
	ASSERT_EQ(iv[3].secs, 300);
	ASSERT_ERR(stlmfs_text_parse_intervals("3,0  4,-1\n", 10, iv, 8, &n), -EBADMSG);
	ASSERT_ERR(stlmfs_text_parse_intervals("3\n", 2, iv, 8, &n), -EBADMSG);
	ASSERT_ERR(stlmfs_text_parse_intervals("70000,0\n", 8, iv, 8, &n), -ERANGE);
	ASSERT_ERR(stlmfs_text_parse_intervals("1,0 1,0 1,0", 11, iv, 2, &n), -E2BIG);
	ASSERT_OK(stlmfs_text_parse_intervals("\n", 1, iv, 8, &n));
	ASSERT_EQ(n, 0u);
	ASSERT_OK(stlmfs_text_parse_interval("250\n", 4, &iv[0]));
	ASSERT_EQ(iv[0].exp, -3);

	ASSERT_OK(stlmfs_text_parse_bool("Y\n", 2, &b));
	ASSERT_TRUE(b);
	ASSERT_OK(stlmfs_text_parse_bool("N", 1, &b));
	ASSERT_FALSE(b);
	ASSERT_ERR(stlmfs_text_parse_bool("YY\n", 3, &b), -EBADMSG);
	ASSERT_ERR(stlmfs_text_parse_bool("", 0, &b), -EBADMSG);

	ASSERT_OK(stlmfs_text_parse_uuid("2B6D8F3A-5C1E-4E7B-9A41-0D5C1E5A7001\n", 37, u));
	ASSERT_EQ(u[0], 0x2B);
	ASSERT_EQ(u[15], 0x01);
	ASSERT_ERR(stlmfs_text_parse_uuid("2B6D8F3A5C1E-4E7B-9A41-0D5C1E5A7001-", 36, u), -EBADMSG);

	ASSERT_OK(stlmfs_text_parse_uint("0x10000\n", 8, UINT32_MAX, &v));
	ASSERT_U64_EQ(v, 0x10000);
	ASSERT_ERR(stlmfs_text_parse_uint("256\n", 4, 255, &v), -ERANGE);
	ASSERT_ERR(stlmfs_text_parse_uint("18446744073709551616", 20, UINT64_MAX, &v), -ERANGE);
	ASSERT_ERR(stlmfs_text_parse_uint(" 1", 2, 9, &v), -EBADMSG);
	ASSERT_OK(stlmfs_text_parse_int("-128\n", 5, -128, 127, &e));
	ASSERT_EQ(e, -128);
	ASSERT_ERR(stlmfs_text_parse_int("-129", 4, -128, 127, &e), -ERANGE);
	ASSERT_ERR(stlmfs_text_parse_int("-", 1, -128, 127, &e), -EBADMSG);

	ASSERT_OK(stlmfs_text_parse_name("DRAM_temp\n", 11, name, sizeof(name)));
	ASSERT_STREQ(name, "DRAM_temp");
	ASSERT_ERR(stlmfs_text_parse_name("\n", 2, name, sizeof(name)), -EBADMSG);
	ASSERT_ERR(stlmfs_text_parse_name("a\tb\n", 4, name, sizeof(name)), -EBADMSG);

	ASSERT_OK(stlmfs_text_parse_de_dirname("0x0000A001", &id));
	ASSERT_EQ(id, 0xA001u);
	ASSERT_OK(stlmfs_text_parse_de_dirname("0xA001", &id));
	ASSERT_ERR(stlmfs_text_parse_de_dirname("0xA0010", &id), -EBADMSG);
	ASSERT_ERR(stlmfs_text_parse_de_dirname("A001", &id), -EBADMSG);
	ASSERT_OK(stlmfs_text_parse_instance_dirname("tlm_12", &id));
	ASSERT_EQ(id, 12u);
	ASSERT_ERR(stlmfs_text_parse_instance_dirname("tlm_012", &id), -EBADMSG);
	ASSERT_ERR(stlmfs_text_parse_group_dirname("-1", &id), -EBADMSG);

	ASSERT_OK(stlmfs_text_parse_id_list("0x00000003 0x4\n", 15, ids, 4, &n));
	ASSERT_EQ(n, 2u);
	ASSERT_EQ(ids[1], 4u);
	ASSERT_ERR(stlmfs_text_parse_id_list("3 4\n", 4, ids, 4, &n), -EBADMSG);
}
