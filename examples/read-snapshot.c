// SPDX-License-Identifier: MIT
/*
 * Copyright (c) 2026 The stlm authors
 *
 * read-snapshot: take one consistent snapshot of every DE and print it.
 * Demonstrates: opening a platform, enabling every DE, starting collection
 * and reading all values in one stlm_snapshot_take().
 *
 *   cc read-snapshot.c $(pkg-config --cflags --libs libstlm)
 *   ./a.out shm:/run/stlm-platform        (any URI stlm_session_open takes)
 */
#include <stdio.h>
#include <stlm/stlm.h>

int main(int argc, char **argv)
{
	struct stlm_session *s;
	struct stlm_snapshot *snap;
	const struct stlm_sample *v;
	size_t n;

	if (argc < 2 || stlm_session_open(argv[1], NULL, &s) < 0)
		return fprintf(stderr, "usage: %s URI (cannot open)\n", argv[0]), 1;
	stlm_all_set(s, true, true);
	stlm_collection_set(s, STLM_GROUP_ALL, true, STLM_MODE_ON_DEMAND, 0);
	if (stlm_snapshot_new(s, &snap) < 0 || stlm_snapshot_take(snap, 0) < 0)
		return fprintf(stderr, "snapshot failed\n"), 1;
	v = stlm_snapshot_samples(snap, &n);
	for (size_t i = 0; i < n; i++) {
		const struct stlm_de *de = stlm_de_get(s, v[i].id);
		const char *name = de ? stlm_de_name(de) : NULL;

		printf("0x%08x %-16s %s %g %s\n", v[i].id, name ? name : "-",
		       (v[i].flags & STLM_SAMPLE_VALID) ? "ok" : "--", v[i].value,
		       de ? stlm_de_unit_name(de) : "");
	}
	stlm_snapshot_free(snap);
	stlm_session_close(s);
	return 0;
}
