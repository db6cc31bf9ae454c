// SPDX-License-Identifier: MIT
/*
 * Copyright (c) 2026 The stlm authors
 *
 * stlm: the command-line front end of libstlm. One binary, a static table
 * of subcommands matched exactly (no prefixes), global options before the
 * subcommand, each subcommand's own options parsed by its handler.
 *
 * With --json every run prints exactly one JSON document on stdout: the
 * subcommand writes into a memory buffer that is printed when it succeeds;
 * on failure the buffer is dropped and {"error": ...} is printed instead.
 */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "cli.h"
#include "report.h"

static int cmd_help_main(struct cli *c, int argc, char **argv);
enum { OPT_OPTIONS_TABLE = 0x2001 };
/* cmd-check.c */
int stlm_cmd_check_main(struct cli *c, int argc, char **argv);

static const struct cli_cmd cli_cmds[] = {
	{ "info", 0, 0, stlm_cmd_info_main,
	  "Show the platform: identity, capabilities, counts, collection",
	  "[OPTION]...", &cli_info_optab },
	{ "list", 0, -1, stlm_cmd_list_main,
	  "List DEs, filtered by id, name glob, group, component, state",
	  "[OPTION]... [DE|GLOB]...", &cli_list_optab },
	{ "show", 1, 1, stlm_cmd_show_main,
	  "Show everything about one DE", "[OPTION]... DE", &cli_show_optab },
	{ "read", 0, -1, stlm_cmd_read_main,
	  "Read DEs in one consistent snapshot", "[OPTION]... [DE]...", &cli_read_optab },
	{ "watch", 0, -1, stlm_cmd_watch_main,
	  "Print DE values every interval (like perf stat -I)",
	  "[OPTION]... [DE]...", &cli_watch_optab },
	{ "enable", 0, -1, stlm_cmd_enable_main,
	  "Enable DEs (by DE, --group or --all)", "[OPTION]... [DE]...", &cli_enable_optab },
	{ "disable", 0, -1, stlm_cmd_disable_main,
	  "Disable DEs (by DE, --group or --all)", "[OPTION]... [DE]...", &cli_enable_optab },
	{ "config", 0, 0, stlm_cmd_config_main,
	  "Show or set collection: interval, mode, on/off", "[OPTION]...", &cli_config_optab },
	{ "reset", 0, 0, stlm_cmd_reset_main,
	  "Reset telemetry: everything disabled, default intervals",
	  "[OPTION]...", &cli_reset_optab },
	{ "record", 0, -1, stlm_cmd_record_main,
	  "Record snapshots to a file",
	  "-o FILE [OPTION]... [DE]... [-- COMMAND [ARG]...]", &cli_record_optab },
	{ "replay", 1, -1, stlm_cmd_replay_main,
	  "Replay a recording as watch would print it",
	  "[OPTION]... FILE [DE]...", &cli_replay_optab },
	{ "decode", 1, -1, stlm_cmd_decode_main,
	  "Decode a recording", "[OPTION]... FILE [DE]...", &cli_replay_optab },
	{ "report", 1, -1, stlm_cmd_report_main,
	  "Summarise a recording: statistics, CSV, plots, Perfetto",
	  "[OPTION]... FILE [DE|GLOB]...", &cli_report_optab },
	{ "catalog", 1, -1, stlm_cmd_catalog_main,
	  "Check catalog files against the platform, or show the catalog in use",
	  "[OPTION]... check FILE... | show", &cli_catalog_optab },
	{ "check", 0, 0, stlm_cmd_check_main,
	  "Check a platform's firmware against the protocol (conformance)",
	  "[OPTION]...", &cli_check_optab },
	{ "top", 0, -1, stlm_cmd_top_main,
	  "Full-screen live view of DE values (like htop); --once for one frame",
	  "[OPTION]... [DE|GLOB]...", &cli_top_optab },
	{ "export", 0, 0, stlm_cmd_export_main,
	  "Serve DEs for Prometheus / OpenMetrics, or write a textfile",
	  "[OPTION]...", &cli_export_optab },
	{ "help", 0, 1, cmd_help_main,
	  "Show the commands, or a command's help", "[COMMAND]", &cli_help_optab },
};

#define N_CMDS (sizeof(cli_cmds) / sizeof(cli_cmds[0]))

static const struct cli_cmd *find_cmd(const char *name)
{
	for (size_t i = 0; i < N_CMDS; i++)
		if (!strcmp(cli_cmds[i].name, name))
			return &cli_cmds[i];
	return NULL;
}

/* "unknown command 'wacth'; did you mean 'watch'?" Returns 2. */
static int unknown_cmd(const char *ctx, const char *name)
{
	struct cli_suggest sg;

	cli_suggest_init(&sg, name);
	for (size_t i = 0; i < N_CMDS; i++)
		cli_suggest_add(&sg, cli_cmds[i].name);
	if (sg.best[0])
		return cli_usage_err(ctx, "%s%sunknown command '%s'; did you mean '%s'?",
				     ctx ? ctx : "", ctx ? ": " : "", name,
				     sg.best);
	return cli_usage_err(ctx, "%s%sunknown command '%s'", ctx ? ctx : "",
			     ctx ? ": " : "", name);
}

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: stlm [GLOBAL OPTION]... COMMAND [OPTION]... [ARG]...\n"
		"Arm SCMI v4.0 System Telemetry: list, read, watch and configure\n"
		"Data Events (DEs) by catalog name or id.\n"
		"\n"
		"Commands:\n");
	for (size_t i = 0; i < N_CMDS; i++)
		fprintf(f, "  %-9s %s\n", cli_cmds[i].name, cli_cmds[i].help);
	fprintf(f,
		"\n"
		"Global options:\n"
		"  -p, --platform URI  unix:PATH?mem=FILE, tcp:HOST:PORT, shm:DIR,\n"
		"                      raw:DIR, stlmd:PATH, stlmfs:DIR (default:\n"
		"                      $STLM_PLATFORM, then stlmd at\n"
		"                      /run/stlm/stlmd.sock, then a kernel tree at\n"
		"                      /sys/fs/arm_telemetry, then the built-in\n"
		"                      emulated platform)\n"
		"  -c, --catalog PATH  apply this catalog: stlm JSON, an ASTL spec,\n"
		"                      repometa.json, or a directory of them\n"
		"  -j, --json          one JSON document on stdout\n"
		"      --pretty        indented JSON (implies --json)\n"
		"  -q, --quiet         no notices or progress bars on stderr\n"
		"  -v, --verbose       library log on stderr (repeat for debug)\n"
		"  -h, --help          this help\n"
		"  -V, --version       print the version\n"
		"\n"
		"DE arguments: decimal or 0x-hex ids, or names (cpu.3.power).\n"
		"Global options are accepted after the command too. Times take a\n"
		"unit: us, ms, s, m, h (-i 1m). DE arguments may be name globs.\n"
		"Exit status: 0 success, 1 failure, 2 usage error.\n"
		"Run 'stlm COMMAND --help' for a command's options; see stlm(1).\n");
}

static const struct option help_longopts[] = {
	{ "options-table", no_argument, NULL, OPT_OPTIONS_TABLE },
	{ 0 }
};
const struct cli_optab cli_help_optab = { .shortopts = "", .longopts = help_longopts };

static const char help_help[] =
	"Options:\n"
	"      --options-table  every option of every command, one per line:\n"
	"                       COMMAND, short option, long option (tab-separated;\n"
	"                       '*' marks the global ones)\n";

static int cmd_help_main(struct cli *c, int argc, char **argv)
{
	struct jw w;
	int opt;

	while ((opt = cli_getopt(c, argc, argv, &cli_help_optab)) != -1) {
		if (opt == 'h')
			return cli_help(c, help_help);
		if (opt == OPT_OPTIONS_TABLE) {
			cli_print_options_table(stdout, cli_cmds, N_CMDS);
			c->json = false;
			return 0;
		}
		if (!cli_common_opt(c, opt))
			return cli_bad_option(c, argv);
	}
	if (cli_check_args(c, argc - optind))
		return 2;
	if (optind < argc) {
		const struct cli_cmd *cmd = find_cmd(argv[optind]);
		char *hargv[] = { (char *)argv[optind], (char *)"--help", NULL };

		if (!cmd)
			return unknown_cmd("help", argv[optind]);
		if (!cmd->main) {
			cli_err(c, "%s: not available in this build", cmd->name);
			return 1;
		}
		c->cmd = cmd;
		optind = 0;
		return cmd->main(c, 2, hargv);
	}
	if (!c->json) {
		usage(c->out);
		return 0;
	}
	cli_doc_begin(c, &w);
	jw_key(&w, "commands");
	jw_array_begin(&w);
	for (size_t i = 0; i < N_CMDS; i++) {
		jw_object_begin(&w);
		jw_kv_string(&w, "name", cli_cmds[i].name);
		jw_kv_string(&w, "usage", cli_cmds[i].usage);
		jw_kv_string(&w, "help", cli_cmds[i].help);
		jw_object_end(&w);
	}
	jw_array_end(&w);
	cli_doc_end(c, &w);
	return 0;
}

static void print_error_doc(struct cli *c, int rc)
{
	struct jw w;

	jw_init(&w, stdout, c->pretty);
	jw_object_begin(&w);
	jw_key(&w, "error");
	jw_object_begin(&w);
	jw_kv_string(&w, "message", c->errmsg[0] ? c->errmsg :
			 rc == 2 && cli_usage_msg[0] ? cli_usage_msg :
			 rc == 2 ? "usage error" : "failed");
	jw_kv_int(&w, "exit_code", rc);
	if (c->cmd)
		jw_kv_string(&w, "command", c->cmd->name);
	jw_object_end(&w);
	jw_object_end(&w);
	jw_end(&w);
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "platform", required_argument, NULL, 'p' },
		{ "catalog", required_argument, NULL, 'c' },
		{ "json", no_argument, NULL, 'j' },
		{ "pretty", no_argument, NULL, CLI_OPT_PRETTY },
		{ "quiet", no_argument, NULL, 'q' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ 0 }
	};
	struct cli c = { 0 };
	const struct cli_cmd *cmd;
	int opt, rc;

	c.out = stdout;
	opterr = 0;
	while ((opt = getopt_long(argc, argv, "+p:c:jqvhV", opts, NULL)) != -1) {
		switch (opt) {
		case 'p':
			c.platform = optarg;
			break;
		case 'c':
			c.catalog = optarg;
			break;
		case 'v':
			c.verbose++;
			break;
		case 'h':
			usage(stdout);
			return 0;
		case 'V':
			printf("stlm %s (libstlm %s)\n", STLM_VERSION,
			       stlm_version());
			return 0;
		case CLI_OPT_PRETTY:
			c.pretty = true;
			/* fall through */
		case 'j':
			c.json = true; /* buffered once the command is known */
			break;
		case 'q':
			c.quiet = true;
			break;
		default:
			if (optopt == 'p')
				rc = cli_usage_err(NULL, "option '--platform' needs a URI");
			else if (optopt == 'c')
				rc = cli_usage_err(NULL, "option '--catalog' needs a path");
			else if (optopt)
				rc = cli_usage_err(NULL, "invalid option '-%c'", optopt);
			else
				rc = cli_bad_option(&c, argv);
			if (c.json)
				print_error_doc(&c, rc);
			return rc;
		}
	}
	if (optind >= argc) {
		rc = cli_usage_err(NULL, "missing command");
		if (c.json)
			print_error_doc(&c, rc);
		return rc;
	}
	cmd = find_cmd(argv[optind]);
	if (!cmd) {
		rc = unknown_cmd(NULL, argv[optind]);
		if (c.json)
			print_error_doc(&c, rc);
		return rc;
	}
	c.cmd = cmd;
	if (!cmd->main) {
		cli_err(&c, "%s: not available in this build", cmd->name);
		if (c.json)
			print_error_doc(&c, 1);
		return 1;
	}
	argc -= optind;
	argv += optind;
	optind = 0; /* reinitialise getopt for the subcommand */
	opterr = 0;

	/* With --json (global, or the subcommand's: cli_common_opt), the
	 * document is collected and printed only on success. */
	if (c.json)
		cli_buffer_json(&c);
	rc = cmd->main(&c, argc, argv);
	cli_close(&c);
	if (c.out != stdout) {
		fclose(c.out);
		if (rc == 0 || !c.json || c.json_result)
			fwrite(c.out_buf, 1, c.out_len, stdout);
		free(c.out_buf);
	}
	if (rc != 0 && c.json && !c.json_result) {
		if (rc == 2 && !c.errmsg[0])
			snprintf(c.errmsg, sizeof(c.errmsg), "%s",
				 cli_usage_msg[0] ? cli_usage_msg : "usage error");
		print_error_doc(&c, rc);
	}
	if (fflush(stdout) != 0 && rc == 0)
		rc = 1;
	return rc;
}
