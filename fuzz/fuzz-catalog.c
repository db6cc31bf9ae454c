// SPDX-License-Identifier: MIT
/*
 * Copyright (c) 2026 The stlm authors
 *
 * The catalog parser (lib/catalog.c, docs/catalog-format.md): JSON
 * syntax, every key and value check, repeat expansion, the error locator
 * (which re-scans the text along a JSON path) and the derived expression
 * compiler behind it.
 *
 * Checks:
 *  - a rejected document gets -EINVAL / -EFBIG / -ENOMEM, no catalog, and
 *    a message that starts with the file name;
 *  - an accepted document has no more entries than the cap and matching
 *    against an arbitrary platform identity does not crash.
 */
#include <errno.h>
#include <stdbool.h>

#include "catalog.h"
#include "fuzz.h"

/* Bigger inputs only cost time: the parser caps them itself. */
#define FUZZ_MAX_CATALOG (256u << 10)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cat_platform info = {
		.vendor = "acme", .sub_vendor = "widget",
		.impl_version = 0x00020003,
		.uuid_str = "00112233-4455-6677-8899-AABBCCDDEEFF",
	};
	struct stlm_catalog *c = NULL;
	char err[512];
	int r;

	if (size > FUZZ_MAX_CATALOG)
		return 0;
	r = stlm__catalog_parse((const char *)data, size, "fuzz.json", &c, err,
				sizeof(err));
	if (r < 0) {
		fuzz_check(c == NULL);
		fuzz_check(r == -EINVAL || r == -EFBIG || r == -ENOMEM);
		fuzz_check(r == -ENOMEM || !strncmp(err, "fuzz.json", 9));
		return 0;
	}
	fuzz_check(c != NULL);
	fuzz_check(stlm__catalog_n_entries(c) <= CATALOG_MAX_ENTRIES);
	fuzz_check(stlm__catalog_n_derived(c) <= CATALOG_MAX_DERIVED);
	(void)stlm__catalog_matches(c, &info);
	fuzz_check(stlm__catalog_match_score(c, &info) <= 4);
	stlm__catalog_destroy(c);
	return 0;
}
