// SPDX-License-Identifier: MIT
/*
 * Copyright (c) 2026 The stlm authors
 *
 * watch-de: print the values of one DE as the platform pushes them.
 * Demonstrates: notification mode (TELEMETRY_UPDATE), the session's event
 * fd in a poll() loop, and stlm_event_read().
 *
 *   cc watch-de.c $(pkg-config --cflags --libs libstlm)
 *   ./a.out shm:/run/stlm-platform soc.health [COUNT]
 *
 * Only DEs the platform pushes produce values: a platform the Linux
 * driver can use (the emulator by default) notifies only message-only
 * DEs (no SHMTI line, no FastChannel); read the others with snapshots.
 *
 * NAME is a catalog or firmware name, or a numeric id (0x...). The DE is
 * enabled with timestamps and collection runs in notification mode at the
 * smallest interval of at least 10 ms the platform offers. Stops after
 * COUNT values (default: never).
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stlm/stlm.h>

static const struct stlm_de *lookup(struct stlm_session *s, const char *name)
{
	const struct stlm_de *de = stlm_de_find(s, name);
	char *end;
	unsigned long id;

	if (de)
		return de;
	id = strtoul(name, &end, 0);
	return *end ? NULL : stlm_de_get(s, (uint32_t)id);
}

/* The smallest listed interval >= 10 ms (0: keep the current one). */
static uint64_t pick_interval(struct stlm_session *s)
{
	struct stlm_intervals iv;
	uint64_t best = 0;

	if (stlm_intervals_get(s, STLM_GROUP_ALL, &iv) < 0 || !iv.n)
		return 0;
	if (iv.range)
		return iv.v[0].ns > 10000000 ? iv.v[0].ns : 10000000;
	for (size_t i = 0; i < iv.n; i++)
		if (iv.v[i].ns >= 10000000 && (!best || iv.v[i].ns < best))
			best = iv.v[i].ns;
	return best;
}

int main(int argc, char **argv)
{
	long count = argc > 3 ? strtol(argv[3], NULL, 0) : -1;
	struct stlm_session *s;
	const struct stlm_de *de;
	struct pollfd pfd;
	uint32_t id;
	int r;

	if (argc < 3) {
		fprintf(stderr, "usage: %s URI NAME|ID [COUNT]\n", argv[0]);
		return 1;
	}
	r = stlm_session_open(argv[1], NULL, &s);
	if (r < 0) {
		fprintf(stderr, "%s: %s\n", argv[1], strerror(-r));
		return 1;
	}
	de = lookup(s, argv[2]);
	if (!de) {
		fprintf(stderr, "%s: no such DE\n", argv[2]);
		return 1;
	}
	id = stlm_de_id(de);
	r = stlm_de_set(s, id, true, stlm_de_ts_support(de) != STLM_TS_NONE);
	if (r == 0)
		r = stlm_collection_set(s, STLM_GROUP_ALL, true, STLM_MODE_NOTIFY,
					pick_interval(s));
	if (r < 0) {
		fprintf(stderr, "cannot start notifications: %s\n", strerror(-r));
		return 1;
	}

	pfd.fd = stlm_event_fd(s);
	pfd.events = POLLIN;
	while (count != 0) {
		struct stlm_event ev;

		if (poll(&pfd, 1, 5000) <= 0) {
			fprintf(stderr, "no update for 5 s\n");
			break;
		}
		while (count != 0 && (r = stlm_event_read(s, &ev)) > 0) {
			if (ev.type == STLM_EVENT_LOST)
				fprintf(stderr, "%llu events lost\n",
					(unsigned long long)ev.lost);
			if (ev.type != STLM_EVENT_UPDATE)
				continue;
			for (size_t i = 0; i < ev.n_samples && count != 0; i++) {
				const struct stlm_sample *v = &ev.samples[i];

				if (v->id != id || !(v->flags & STLM_SAMPLE_VALID))
					continue;
				printf("%s %g %s ts=%llu\n", stlm_de_name(de) ?
				       stlm_de_name(de) : argv[2], v->value,
				       stlm_de_unit_name(de),
				       (unsigned long long)v->ts);
				fflush(stdout);
				if (count > 0)
					count--;
			}
		}
		if (r < 0) {
			fprintf(stderr, "event: %s\n", strerror(-r));
			break;
		}
	}
	stlm_collection_set(s, STLM_GROUP_ALL, false, STLM_MODE_ON_DEMAND, 0);
	stlm_session_close(s);
	return count == 0 ? 0 : 1;
}
