// SPDX-License-Identifier: MIT
/* Copyright (c) 2026 The stlm authors */
#include "cli.h"
static const struct option top_longopts[] = { { 0 } };
const struct cli_optab cli_top_optab = { .shortopts = "", .longopts = top_longopts };
int stlm_cmd_top_main(struct cli *c, int argc, char **argv)
{
	(void)c; (void)argc; (void)argv;
	return 1;
}
