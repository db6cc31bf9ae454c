// SPDX-License-Identifier: MIT
/*
 * Copyright (c) 2026 The stlm authors
 *
 * stlm show DE: everything the platform and the catalog say about a DE,
 * and its current value when it is enabled.
 */
#include <getopt.h>
#include <stdio.h>

#include "cli.h"

static const char *show_help =
	"DE: decimal or 0x-hex id, or name (cpu.3.power).\n"
	"Prints the descriptor, the catalog's name, description and kind, the\n"
	"enable state and, when the DE is enabled, its current value.\n";

static const struct option show_longopts[] = { CLI_COMMON_LONGOPTS, { 0 } };
const struct cli_optab cli_show_optab = { .shortopts = "", .longopts = show_longopts };

int stlm_cmd_show_main(struct cli *c, int argc, char **argv)
{
	struct stlm_snapshot *snap = NULL;
	const struct stlm_sample *v = NULL;
	const struct stlm_de *de;
	struct out o;
	struct jw w;
	uint32_t id;
	int opt;

	while ((opt = cli_getopt(c, argc, argv, &cli_show_optab)) != -1) {
		if (opt == 'h')
			return cli_help(c, show_help);
		if (!cli_common_opt(c, opt))
			return cli_bad_option(c, argv);
	}
	if (cli_check_args(c, argc - optind))
		return 2;
	if (cli_open(c, NULL) < 0)
		return 1;
	if (cli_parse_de(c, argv[optind], &id) < 0)
		return 1;
	de = stlm_de_get(c->s, id);
	if (stlm_de_enabled(de) && stlm_snapshot_new(c->s, &snap) >= 0 &&
	    stlm_snapshot_select(snap, &id, 1) >= 0 &&
	    stlm_snapshot_take(snap, 0) >= 0)
		v = stlm_snapshot_find(snap, id);

	if (c->json) {
		cli_doc_begin(c, &w);
		jw_key(&w, "de");
	}
	out_init(&o, c, &w, c->json ? OUT_JSON : OUT_PAIRS);
	out_row_begin(&o);
	cli_print_de(&o, de, true);
	if (o.mode == OUT_JSON) {
		jw_key(&w, "value");
		if (v && (v->flags & STLM_SAMPLE_VALID))
			jw_double(&w, v->value);
		else
			jw_null(&w);
	} else if (v) {
		char buf[96];

		cli_format_value(de, v, buf, sizeof(buf));
		out_str(&o, NULL, "Value", buf);
	}
	out_row_end(&o);
	stlm_snapshot_free(snap);
	if (c->json)
		cli_doc_end(c, &w);
	return 0;
}
