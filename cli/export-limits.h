/* SPDX-License-Identifier: MIT */
/*
 * Copyright (c) 2026 The stlm authors
 *
 * stlm export: the stlm_de_limit family, the catalog's limits of the
 * exported gauges (docs/prometheus.md), collected while the value series
 * are written and appended after them.
 */
#ifndef STLM_CLI_EXPORT_LIMITS_H
#define STLM_CLI_EXPORT_LIMITS_H

#include <stdbool.h>
#include <stddef.h>

#include <stlm/stlm.h>

/**
 * struct cli_limits - the family being built (zeroed to start; the
 * same text in both exposition formats)
 * @text: the family's exposition text, @len bytes (NULL while empty)
 * @oom:  an allocation failed: the exposition is incomplete
 */
struct cli_limits {
	char *text;
	size_t len, cap;
	bool oom;
};

/*
 * After the value series of @de was written as the last line of
 * @expo[0..len) ("family{labels} value\n"): add one stlm_de_limit series
 * per limit the catalog sets on @de, with the same labels and level="warn"
 * or "crit", converted to the base unit of the value (v * scale + offset).
 * No-op for a DE without limits, or when @expo is NULL.
 */
void cli_limits_add(struct cli_limits *l, const struct stlm_de *de,
		    double scale, double offset, const char *expo, size_t len);

#endif /* STLM_CLI_EXPORT_LIMITS_H */
