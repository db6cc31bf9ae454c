// SPDX-License-Identifier: MIT
/*
 * Copyright (c) 2026 The stlm authors
 *
 * stlm export: stlm_de_limit{<the value's labels>,level="warn"|"crit"},
 * the limits the catalog sets on the exported gauges
 * (docs/catalog-format.md "Limits"), in the base unit of the value, so
 * that an alert compares the two by id:
 *
 *   stlm_cpu_temp_celsius >= on (job, instance, id)
 *     stlm_de_limit{level="warn"}
 *
 * The labels are copied from the value line just written, so the two
 * series carry exactly the same labels however the exporter spells them.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "export-limits.h"

static void add(struct cli_limits *l, const char *s, size_t n)
{
	if (l->oom)
		return;
	if (l->len + n + 1 > l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 1024;
		char *p;

		while (cap < l->len + n + 1)
			cap *= 2;
		p = realloc(l->text, cap);
		if (!p) {
			l->oom = true;
			return;
		}
		l->text = p;
		l->cap = cap;
	}
	memcpy(l->text + l->len, s, n);
	l->len += n;
	l->text[l->len] = '\0';
}

static void add_str(struct cli_limits *l, const char *s)
{
	add(l, s, strlen(s));
}

/*
 * The labels of the last line of expo[0..len), "family{LABELS} value":
 * from the first '{' (family names have none) to the first '}' outside a
 * quoted label value (a value may hold '}', and '"' or '\\' escaped).
 */
static bool last_labels(const char *expo, size_t len, const char **ret,
			size_t *ret_n)
{
	size_t end, start, brace, i;
	bool quoted = false;

	if (len < 2 || expo[len - 1] != '\n')
		return false;
	end = len - 1;
	for (start = end; start > 0 && expo[start - 1] != '\n'; start--)
		;
	for (brace = start; brace < end && expo[brace] != '{'; brace++)
		;
	for (i = brace + 1; i < end; i++) {
		if (quoted && expo[i] == '\\')
			i++;
		else if (expo[i] == '"')
			quoted = !quoted;
		else if (!quoted && expo[i] == '}')
			break;
	}
	if (brace >= end || i >= end || i == brace + 1)
		return false;
	*ret = expo + brace + 1;
	*ret_n = i - (brace + 1);
	return true;
}

void cli_limits_add(struct cli_limits *l, const struct stlm_de *de,
		    double scale, double offset, const char *expo, size_t len)
{
	static const struct {
		enum stlm_limit_kind kind;
		const char *level;
	} levels[] = {
		{ STLM_LIMIT_WARN, "warn" },
		{ STLM_LIMIT_CRIT, "crit" },
	};
	const char *labels;
	size_t n;

	if (!expo || !last_labels(expo, len, &labels, &n))
		return;
	for (size_t i = 0; i < sizeof(levels) / sizeof(levels[0]); i++) {
		char num[64];
		double v;

		if (stlm_de_limit(de, levels[i].kind, &v) < 0)
			continue;
		if (!l->len) {
			add_str(l, "# HELP stlm_de_limit Catalog limit of a gauge, in the base unit of its value.\n");
			add_str(l, "# TYPE stlm_de_limit gauge\n");
		}
		add_str(l, "stlm_de_limit{");
		add(l, labels, n);
		add_str(l, ",level=\"");
		add_str(l, levels[i].level);
		snprintf(num, sizeof(num), "\"} %.15g\n", v * scale + offset);
		add_str(l, num);
	}
}
