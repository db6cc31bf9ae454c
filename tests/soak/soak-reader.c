// SPDX-License-Identifier: MIT
/*
 * Copyright (c) 2026 The stlm authors
 *
 * soak-reader: a long-lived libstlm reader for the soak test.
 *
 *   soak-reader [--configure] [--label L] URI SECONDS
 *
 * Theory of operation
 * -------------------
 * The soak platform (tests/soak/soak-platform.json) makes every snapshot
 * self-checking: DE 0x100*(s+1)+k (SHMTI s, k = 1..12) and the FastChannel
 * DE 0x301 (k = 1) replay (k << 40) + (tick mod 97), tick being the
 * platform's update pass number. Every line of an SHMTI written in one
 * pass has the same tick, and so has a line written when its DE is
 * enabled between passes (the emulator samples it at the last pass's
 * tick), so:
 *
 *   - raw >> 40 == k for every VALID sample (a line read at the wrong
 *     place, or a value from another DE, shows here), and
 *   - raw & (2^40 - 1) is the same for every VALID sample of one SHMTI in
 *     one snapshot (a snapshot that mixes two passes shows here).
 *
 * Samples without VALID (TORN, DISABLED, UNREACHABLE...) carry no value
 * and are only counted. So is a FastChannel value of 0: a FastChannel has
 * no validity marker and a platform reset zeroes it, so a reader that has
 * not yet learnt of the reset reads 0 as VALID (a documented limitation,
 * docs/SECURITY.md). The reader takes snapshots back to back for
 * SECONDS, drains its events (counting RESET), and with --configure it
 * changes the configuration itself every 250 ms (DEs, groups, all,
 * intervals, collection), as the only agent of a direct transport must.
 * Transient errors (a platform reset in progress) are counted, not fatal;
 * 5 s without a successful take is. It prints one summary line and exits
 * 1 if any snapshot was inconsistent or none was checked.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <stlm/stlm.h>

#define LOW40 ((1ull << 40) - 1)

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

struct stats {
	unsigned long snapshots, checked, values, torn_flag, invalid;
	unsigned long mixed, misplaced, errors, resets, gens, cfg_ok, cfg_err;
	unsigned long fc_zero;
};

/* 0 if the snapshot is consistent; counts into st. */
static int check(const struct stlm_sample *v, size_t n, struct stats *st)
{
	uint64_t low[3] = { 0 };
	bool have[3] = { false };
	int bad = 0;

	for (size_t i = 0; i < n; i++) {
		uint32_t s = v[i].id >> 8, k = v[i].id & 0xff;

		if (v[i].flags & STLM_SAMPLE_TORN)
			st->torn_flag++;
		if (!(v[i].flags & STLM_SAMPLE_VALID))
			continue;
		if (s < 1 || s > 3 || k < 1 || k > 12) {
			st->invalid++;
			bad = 1;
			continue;
		}
		st->values++;
		if (s == 3 && !v[i].raw) {
			/* Known limitation: a FastChannel has no validity
			 * marker, and a platform reset zeroes it; until the
			 * reader learns of the reset it reads 0. */
			st->fc_zero++;
			continue;
		}
		if ((v[i].raw >> 40) != k) {
			fprintf(stderr, "misplaced: id 0x%x raw 0x%llx\n", v[i].id,
				(unsigned long long)v[i].raw);
			st->misplaced++;
			bad = 1;
			continue;
		}
		if (s == 3) /* the FastChannel has its own pass */
			continue;
		if (!have[s]) {
			have[s] = true;
			low[s] = v[i].raw & LOW40;
		} else if ((v[i].raw & LOW40) != low[s]) {
			fprintf(stderr,
				"mixed: SHMTI %u id 0x%x low 0x%llx, first 0x%llx\n",
				s - 1, v[i].id,
				(unsigned long long)(v[i].raw & LOW40),
				(unsigned long long)low[s]);
			st->mixed++;
			bad = 1;
		}
	}
	return bad;
}

static void configure(struct stlm_session *s, unsigned int step,
		      struct stats *st)
{
	static const uint64_t iv[] = { 1000000, 2000000, 5000000, 10000000 };
	uint32_t de = 0x100u * (1 + step % 2) + 1 + (step * 7) % 12;
	uint32_t g = step % 3;
	bool ts = step & 4;
	int r;

	switch (step % 6) {
	case 0:
		r = stlm_all_set(s, true, ts);
		if (!r)
			r = stlm_collection_set(s, STLM_GROUP_ALL, true,
						STLM_MODE_ON_DEMAND,
						iv[(step / 6) % 4]);
		break;
	case 1:
		r = stlm_de_set(s, de, false, false);
		break;
	case 2:
		r = stlm_group_set(s, g, false, false);
		break;
	case 3:
		r = stlm_group_set(s, g, true, ts);
		break;
	case 4:
		r = stlm_collection_set(s, STLM_GROUP_ALL, true,
					STLM_MODE_ON_DEMAND, iv[step % 4]);
		break;
	default:
		r = stlm_de_set(s, de, true, ts);
		break;
	}
	/* -EPERM: the DE is enabled through its group; expected */
	if (r < 0 && r != -EPERM)
		st->cfg_err++;
	else
		st->cfg_ok++;
}

int main(int argc, char **argv)
{
	struct stlm_open_opts o = { .size = sizeof(o), .no_catalog = true };
	struct stlm_session *s = NULL;
	struct stlm_snapshot *snap = NULL;
	const char *label = "reader";
	bool conf = false;
	struct stats st = { 0 };
	uint64_t end, next_cfg, last_ok;
	unsigned int step = 0;
	int a = 1, r;

	for (; a < argc && argv[a][0] == '-'; a++) {
		if (!strcmp(argv[a], "--configure"))
			conf = true;
		else if (!strcmp(argv[a], "--label") && a + 1 < argc)
			label = argv[++a];
		else
			break;
	}
	if (argc - a != 2) {
		fprintf(stderr,
			"usage: soak-reader [--configure] [--label L] URI SECONDS\n");
		return 2;
	}
	end = now_ns() + (uint64_t)(atof(argv[a + 1]) * 1e9);
	for (int i = 0; i < 100; i++) {
		r = stlm_session_open(argv[a], &o, &s);
		if (!r)
			break;
		usleep(100000);
	}
	if (r < 0) {
		fprintf(stderr, "%s: cannot open %s: %s\n", label, argv[a],
			strerror(-r));
		return 1;
	}
	if (stlm_snapshot_new(s, &snap) < 0)
		return 1;
	next_cfg = 0;
	last_ok = now_ns();
	while (now_ns() < end) {
		struct stlm_event ev;
		const struct stlm_sample *v;
		size_t n;

		while (stlm_event_read(s, &ev) > 0) {
			if (ev.type == STLM_EVENT_RESET)
				st.resets++;
			else if (ev.type == STLM_EVENT_GENERATION)
				st.gens++;
		}
		if (conf && now_ns() >= next_cfg) {
			configure(s, step++, &st);
			next_cfg = now_ns() + 250000000ull;
		}
		r = stlm_snapshot_take(snap, 0);
		if (r < 0) {
			st.errors++;
			if (now_ns() - last_ok > 5000000000ull) {
				fprintf(stderr, "%s: no snapshot for 5 s: %s\n",
					label, strerror(-r));
				break;
			}
			usleep(10000);
			continue;
		}
		last_ok = now_ns();
		st.snapshots++;
		v = stlm_snapshot_samples(snap, &n);
		st.checked++;
		check(v, n, &st);
		usleep(200);
	}
	printf("%s: snapshots %lu checked %lu values %lu inconsistent %lu "
	       "(mixed %lu misplaced %lu unknown %lu) torn-flagged %lu "
	       "fastchannel-zero %lu errors %lu resets %lu generations %lu "
	       "config %lu/%lu\n",
	       label, st.snapshots, st.checked, st.values,
	       st.mixed + st.misplaced + st.invalid, st.mixed, st.misplaced,
	       st.invalid, st.torn_flag, st.fc_zero, st.errors, st.resets, st.gens,
	       st.cfg_ok, st.cfg_ok + st.cfg_err);
	stlm_snapshot_free(snap);
	stlm_session_close(s);
	if (st.mixed || st.misplaced || st.invalid || !st.values)
		return 1;
	return 0;
}
