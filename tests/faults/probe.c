// SPDX-License-Identifier: MIT
/*
 * Copyright (c) 2026 The stlm authors
 *
 * stlm-fault-probe: the library column of the fault matrix. Opens URI and
 * takes a snapshot every PERIOD ms for DURATION ms, printing one JSON line
 * per step on stdout:
 *
 *   {"mono_ns":N,"op":"open","rc":-110,"ms":800}
 *   {"mono_ns":N,"op":"take","rc":3,"ms":0,"gen":1,
 *    "s":[[256,1,1234],[257,4,null],...],      (id, flags, raw or null)
 *    "ev":[U,L,R]}
 *
 * "ev" counts the events so far: U UPDATE events (one per TELEMETRY_UPDATE
 * notification), L events reported dropped by LOST events, R RESET
 * events. The queue is drained once a second (so a burst overflows it),
 * before a failed session is closed, and when the run ends, which prints
 * a last line
 *
 *   {"mono_ns":N,"op":"end","ev":[U,L,R]}
 *
 * A failed open or take closes the session and the next step opens a new
 * one, which is how an application recovers from a lost platform. mono_ns
 * is CLOCK_MONOTONIC, comparable with the driver's clock; "ms" is how long
 * the call took. SIGTERM ends the run early (exit 0).
 */
#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <stlm/stlm.h>

static volatile sig_atomic_t stop;

static void on_term(int sig)
{
	(void)sig;
	stop = 1;
}

static uint64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static uint64_t ev_upd, ev_lost, ev_reset;

static void drain(struct stlm_session *s)
{
	struct stlm_event ev;

	while (s && stlm_event_read(s, &ev) > 0) {
		if (ev.type == STLM_EVENT_UPDATE)
			ev_upd++;
		else if (ev.type == STLM_EVENT_LOST)
			ev_lost += ev.lost;
		else if (ev.type == STLM_EVENT_RESET)
			ev_reset++;
	}
}

int main(int argc, char **argv)
{
	struct stlm_session *s = NULL;
	struct stlm_snapshot *snap = NULL;
	uint64_t end, period_ns, last_drain;
	long duration, period;

	if (argc != 4 || (duration = strtol(argv[2], NULL, 10)) <= 0 ||
	    (period = strtol(argv[3], NULL, 10)) <= 0 || period >= 1000) {
		fprintf(stderr, "usage: stlm-fault-probe URI DURATION_MS PERIOD_MS\n");
		return 2;
	}
	period_ns = (uint64_t)period * 1000000u;
	last_drain = mono_ns();
	end = last_drain + (uint64_t)duration * 1000000u;
	setvbuf(stdout, NULL, _IOLBF, 0);
	signal(SIGTERM, on_term);
	while (!stop && mono_ns() < end) {
		uint64_t t0 = mono_ns(), t1;
		struct timespec nap;
		int r;

		if (!s) {
			r = stlm_session_open(argv[1], NULL, &s);
			if (r >= 0) {
				r = stlm_snapshot_new(s, &snap);
				if (r < 0) {
					stlm_session_close(s);
					s = NULL;
				}
			}
			t1 = mono_ns();
			printf("{\"mono_ns\":%" PRIu64 ",\"op\":\"open\",\"rc\":%d,"
			       "\"ms\":%" PRIu64 "}\n",
			       t0, r < 0 ? r : 0, (t1 - t0) / 1000000u);
		}
		if (s) {
			const struct stlm_sample *v;
			size_t n = 0;

			t0 = mono_ns();
			r = stlm_snapshot_take(snap, 0);
			t1 = mono_ns();
			printf("{\"mono_ns\":%" PRIu64 ",\"op\":\"take\",\"rc\":%d,"
			       "\"ms\":%" PRIu64 ",\"gen\":%" PRIu64 ",\"s\":[",
			       t0, r, (t1 - t0) / 1000000u,
			       stlm_session_generation(s));
			v = r >= 0 ? stlm_snapshot_samples(snap, &n) : NULL;
			for (size_t i = 0; i < n; i++) {
				printf("%s[%" PRIu32 ",%" PRIu32 ",", i ? "," : "",
				       v[i].id, v[i].flags);
				if (v[i].flags & STLM_SAMPLE_VALID)
					printf("%" PRIu64 "]", v[i].raw);
				else
					printf("null]");
			}
			if (t1 - last_drain >= 1000000000u) {
				drain(s);
				last_drain = t1;
			}
			printf("],\"ev\":[%" PRIu64 ",%" PRIu64 ",%" PRIu64 "]}\n",
			       ev_upd, ev_lost, ev_reset);
			if (r < 0) {
				drain(s);
				stlm_snapshot_free(snap);
				snap = NULL;
				stlm_session_close(s);
				s = NULL;
			}
		}
		t1 = mono_ns();
		if (t1 - t0 < period_ns) {
			nap.tv_sec = 0;
			nap.tv_nsec = (long)(period_ns - (t1 - t0));
			nanosleep(&nap, NULL);
		}
	}
	drain(s);
	printf("{\"mono_ns\":%" PRIu64 ",\"op\":\"end\",\"ev\":[%" PRIu64
	       ",%" PRIu64 ",%" PRIu64 "]}\n", mono_ns(), ev_upd, ev_lost,
	       ev_reset);
	stlm_snapshot_free(snap);
	stlm_session_close(s);
	return 0;
}
