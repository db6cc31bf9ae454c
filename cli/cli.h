/* SPDX-License-Identifier: MIT */
/*
 * Copyright (c) 2026 The stlm authors
 *
 * stlm CLI internals shared by the subcommand files (cli/cmd-<name>.c).
 *
 * Every subcommand is `int stlm_cmd_<name>_main(struct cli *c, int argc,
 * char **argv)` (argv[0] is the subcommand name), parses its own options
 * with getopt_long, prints results on stdout and diagnostics on stderr, and
 * returns an exit status: 0 success, 1 failure, 2 usage error.
 *
 * Output goes through one printing path: struct jw is a streaming JSON
 * writer that escapes strings; text tables use the same values. With
 * --json a subcommand prints exactly one JSON document on stdout, also on
 * failure (an object with "error"), and the exit status tells success.
 */
#ifndef STLM_CLI_H
#define STLM_CLI_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stlm/stlm.h>

/**
 * struct cli - global state
 * @platform:  --platform URI (NULL: default resolution)
 * @json:      --json
 * @pretty:    --pretty (indented JSON)
 * @csv:       --csv (read, watch)
 * @quiet:     --quiet: no notices on stderr
 * @verbose:   --verbose: library log at info/debug on stderr
 * @s:         the open session (cli_open)
 * @builtin:   the in-process platform when the built-in one is used
 * @builtin_dir: its private directory (removed at cli_close)
 */
struct cli {
	const char *platform;
	bool json;
	bool pretty;
	bool csv;
	bool quiet;
	int verbose;
	struct stlm_session *s;
	void *builtin;
	char builtin_dir[256];
};

/*
 * Open the platform: --platform, then $STLM_PLATFORM, then a running stlmd
 * at the default socket (/run/stlm/stlmd.sock; skipped while the library
 * cannot reach stlmd), then the built-in emulated platform run in-process
 * with a one-line notice on stderr ("stlm: no platform configured; using
 * the built-in emulated platform"). Prints a clear error and returns a
 * negative errno on failure.
 */
int cli_open(struct cli *c, const struct stlm_open_opts *opts);
void cli_close(struct cli *c);

/*
 * A DE argument: decimal, 0x-hex, or a catalog / firmware name. Returns 0
 * with *ret_id, or -ENOENT after printing "stlm: unknown DE 'x'".
 */
int cli_parse_de(struct cli *c, const char *arg, uint32_t *ret_id);

/* Error helpers: "stlm: <msg>" on stderr (and the JSON error document). */
void cli_err(struct cli *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Usage error: one line plus "Try 'stlm CMD --help'." Returns 2. */
int cli_usage_err(const char *cmd, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* ---------------------------------------------------------------- */
/* Streaming JSON writer                                            */

#define JW_MAX_DEPTH 32

struct jw {
	FILE *f;
	bool pretty;
	int depth;
	bool first[JW_MAX_DEPTH];
	bool after_key;
};

void jw_init(struct jw *w, FILE *f, bool pretty);
void jw_object_begin(struct jw *w);
void jw_object_end(struct jw *w);
void jw_array_begin(struct jw *w);
void jw_array_end(struct jw *w);
void jw_key(struct jw *w, const char *key);
void jw_string(struct jw *w, const char *s);	/* NULL -> null */
void jw_uint(struct jw *w, uint64_t v);
void jw_int(struct jw *w, int64_t v);
void jw_double(struct jw *w, double v);		/* NaN/Inf -> null */
void jw_bool(struct jw *w, bool v);
void jw_null(struct jw *w);
/* Finish the document (newline). */
void jw_end(struct jw *w);

/* key + value shorthands */
void jw_kv_string(struct jw *w, const char *k, const char *v);
void jw_kv_uint(struct jw *w, const char *k, uint64_t v);
void jw_kv_int(struct jw *w, const char *k, int64_t v);
void jw_kv_double(struct jw *w, const char *k, double v);
void jw_kv_bool(struct jw *w, const char *k, bool v);

/* Format a value with its unit for humans: "45.20 °C", "1.20 GHz". */
void cli_format_value(const struct stlm_de *de, const struct stlm_sample *v,
		      char *buf, size_t len);

/* Subcommands */
int stlm_cmd_info_main(struct cli *c, int argc, char **argv);
int stlm_cmd_list_main(struct cli *c, int argc, char **argv);
int stlm_cmd_show_main(struct cli *c, int argc, char **argv);
int stlm_cmd_read_main(struct cli *c, int argc, char **argv);
int stlm_cmd_watch_main(struct cli *c, int argc, char **argv);
int stlm_cmd_enable_main(struct cli *c, int argc, char **argv);
int stlm_cmd_disable_main(struct cli *c, int argc, char **argv);
int stlm_cmd_config_main(struct cli *c, int argc, char **argv);
int stlm_cmd_reset_main(struct cli *c, int argc, char **argv);
int stlm_cmd_record_main(struct cli *c, int argc, char **argv);
int stlm_cmd_replay_main(struct cli *c, int argc, char **argv);
int stlm_cmd_decode_main(struct cli *c, int argc, char **argv);
int stlm_cmd_catalog_main(struct cli *c, int argc, char **argv);

#endif /* STLM_CLI_H */
