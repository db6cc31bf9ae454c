// SPDX-License-Identifier: MIT
/*
 * Copyright (c) 2026 The stlm authors
 *
 * stlm reset: TELEMETRY_RESET, every DE disabled, intervals to default.
 */
#include <getopt.h>

#include "cli.h"

static const char *reset_help =
	"Options: only the common ones.\n"
	"Every DE is disabled, collection stops and the intervals return to\n"
	"the platform's defaults. This affects every agent of the platform.\n";

static const struct option reset_longopts[] = { CLI_COMMON_LONGOPTS, { 0 } };
const struct cli_optab cli_reset_optab = { .shortopts = "", .longopts = reset_longopts };

int stlm_cmd_reset_main(struct cli *c, int argc, char **argv)
{
	struct out o;
	struct jw w;
	int opt, r;

	while ((opt = cli_getopt(c, argc, argv, &cli_reset_optab)) != -1) {
		if (opt == 'h')
			return cli_help(c, reset_help);
		if (!cli_common_opt(c, opt))
			return cli_bad_option(c, argv);
	}
	if (cli_check_args(c, argc - optind))
		return 2;
	if (cli_open(c, NULL) < 0)
		return 1;
	r = stlm_reset(c->s);
	if (r < 0) {
		cli_err(c, "cannot reset: %s", cli_strerror(r));
		return 1;
	}
	cli_builtin_settings_notice(c);
	if (c->json)
		cli_doc_begin(c, &w);
	out_init(&o, c, &w, c->json ? OUT_JSON : OUT_PAIRS);
	out_bool(&o, "reset", "Reset", true, "done: all DEs disabled, default intervals", "");
	out_uint(&o, "generation", "Generation", stlm_session_generation(c->s));
	if (c->json)
		cli_doc_end(c, &w);
	return 0;
}
