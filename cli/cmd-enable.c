// SPDX-License-Identifier: MIT
/*
 * Copyright (c) 2026 The stlm authors
 *
 * stlm enable / stlm disable: DEs by id or name, whole groups, or all,
 * applied as one batch with a status per item.
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static const char *enable_help =
	"DE: decimal or 0x-hex id, or name (cpu.3.power).\n"
	"\n"
	"Options:\n"
	"  -g, --group N      every DE of group N (repeatable)\n"
	"  -a, --all          every DE\n"
	"  -t, --timestamps   with timestamps (enable only)\n"
	"\n"
	"Every item is tried; the exit status is 1 if any failed.\n"
	"Collection itself is switched on and off with 'stlm config'.\n";

static const struct option enable_longopts[] = {
	CLI_COMMON_LONGOPTS,
	{ "group", required_argument, NULL, 'g' },
	{ "all", no_argument, NULL, 'a' },
	{ "timestamps", no_argument, NULL, 't' },
	{ 0 }
};
const struct cli_optab cli_enable_optab = { .shortopts = "g:at", .longopts = enable_longopts };

static int enable_disable(struct cli *c, int argc, char **argv, bool enable)
{
	const char *cmd = enable ? "enable" : "disable";
	struct stlm_batch_item *items = NULL;
	size_t n = 0, max = (size_t)argc + 1;
	bool all = false, ts = false;
	int opt, r, rc = 1, failed = 0;
	struct out o;
	struct jw w;

	items = calloc(max, sizeof(*items));
	if (!items) {
		cli_err(c, "out of memory");
		return 1;
	}
	while ((opt = cli_getopt(c, argc, argv, &cli_enable_optab)) != -1) {
		switch (opt) {
		case 'h':
			free(items);
			return cli_help(c, enable_help);
		case 'g':
			if (cli_parse_u32(optarg, &items[n].id) < 0) {
				free(items);
				return cli_usage_err(cmd, "%s: --group: expected a number, got '%s'",
						     cmd, optarg);
			}
			items[n++].op = STLM_BATCH_GROUP;
			break;
		case 'a':
			all = true;
			break;
		case 't':
			ts = true;
			break;
		default:
			if (!cli_common_opt(c, opt)) {
				free(items);
				return cli_bad_option(c, argv);
			}
		}
	}
	if (cli_check_args(c, argc - optind)) {
		free(items);
		return 2;
	}
	if (!all && !n && optind == argc) {
		free(items);
		return cli_usage_err(cmd, "%s: give DEs, --group N or --all", cmd);
	}
	if (!enable && ts) {
		free(items);
		return cli_usage_err(cmd, "disable: --timestamps is for enable");
	}
	if (cli_open(c, NULL) < 0)
		goto out;
	if (argc > optind) {
		/* DEs: ids, names or name globs */
		uint32_t *ids = NULL;
		size_t n_ids = 0;
		struct stlm_batch_item *more;

		if (cli_parse_des(c, &argv[optind], argc - optind, &ids,
				  &n_ids) < 0)
			goto out;
		more = realloc(items, (n + n_ids + 1) * sizeof(*items));
		if (!more) {
			free(ids);
			cli_err(c, "out of memory");
			goto out;
		}
		items = more;
		for (size_t i = 0; i < n_ids; i++) {
			memset(&items[n], 0, sizeof(items[n]));
			items[n].id = ids[i];
			items[n++].op = STLM_BATCH_DE;
		}
		free(ids);
	}
	if (all) {
		items[n].op = STLM_BATCH_ALL;
		items[n++].id = STLM_GROUP_ALL;
	}
	for (size_t i = 0; i < n; i++) {
		items[i].enable = enable;
		items[i].timestamps = ts;
	}
	r = stlm_batch_apply(c->s, items, n);
	if (r < 0) {
		cli_err(c, "cannot %s: %s", cmd, cli_strerror(r));
		goto out;
	}
	failed = r;
	cli_builtin_settings_notice(c);

	if (c->json) {
		cli_doc_begin(c, &w);
		jw_key(&w, "results");
		jw_array_begin(&w);
	}
	out_init(&o, c, &w, c->json ? OUT_JSON : OUT_TABLE);
	o.no_header = true;
	for (size_t i = 0; i < n; i++) {
		const struct stlm_batch_item *it = &items[i];
		const struct stlm_de *de = it->op == STLM_BATCH_DE ?
			stlm_de_get(c->s, it->id) : NULL;
		const char *what = it->op == STLM_BATCH_DE ? "de" :
				   it->op == STLM_BATCH_GROUP ? "group" : "all";
		char buf[96];

		if (it->status < 0) {
			if (de)
				cli_err(c, "%s %s (0x%08x): %s", cmd,
					cli_de_name(de) ? cli_de_name(de) : "DE",
					it->id, cli_strerror(it->status));
			else if (it->op == STLM_BATCH_GROUP)
				cli_err(c, "%s group %u: %s", cmd, it->id,
					cli_strerror(it->status));
			else
				cli_err(c, "%s all: %s", cmd,
					cli_strerror(it->status));
		}
		out_row_begin(&o);
		out_str(&o, "target", NULL, what);
		out_str(&o, NULL, "ACTION", it->status < 0 ? "failed" :
			enable ? (ts ? "enabled+ts" : "enabled") : "disabled");
		if (it->op == STLM_BATCH_DE) {
			out_hex(&o, "id", "ID", it->id);
			out_str(&o, "name", "NAME", de ? cli_de_name(de) : NULL);
		} else if (it->op == STLM_BATCH_GROUP) {
			out_uint(&o, "group", NULL, it->id);
			snprintf(buf, sizeof(buf), "group %u", it->id);
			out_str(&o, NULL, "ID", buf);
			out_str(&o, NULL, "NAME", "");
		} else {
			out_str(&o, NULL, "ID", "all DEs");
			out_str(&o, NULL, "NAME", "");
		}
		out_bool(&o, "enabled", NULL, enable, "", "");
		out_bool(&o, "timestamps", NULL, enable && ts, "", "");
		out_bool(&o, "ok", NULL, it->status >= 0, "", "");
		out_str(&o, "error", NULL,
			it->status < 0 ? cli_strerror(it->status) : NULL);
		out_row_end(&o);
	}
	out_flush(&o);
	if (c->json) {
		jw_array_end(&w);
		jw_kv_uint(&w, "failed", (uint64_t)failed);
		jw_kv_uint(&w, "generation", stlm_session_generation(c->s));
		cli_doc_end(c, &w);
	}
	rc = failed ? 1 : 0;
out:
	free(items);
	return rc;
}

int stlm_cmd_enable_main(struct cli *c, int argc, char **argv)
{
	return enable_disable(c, argc, argv, true);
}

int stlm_cmd_disable_main(struct cli *c, int argc, char **argv)
{
	return enable_disable(c, argc, argv, false);
}
