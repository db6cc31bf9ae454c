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

#include <getopt.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stlm/stlm.h>

struct out;
struct jw;
struct cli_cmd;
struct cli_optab;

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
	const char *catalog;		/* --catalog: loaded after every open */
	bool json;
	bool pretty;
	bool csv;
	bool quiet;
	int verbose;
	struct stlm_session *s;
	void *builtin;
	char builtin_dir[256];
	/* additions (stlm.c / common.c / output.c) */
	const struct cli_cmd *cmd;	/* the running subcommand */
	char *out_buf;			/* --json: the document, printed at exit */
	size_t out_len;
	FILE *out;			/* stdout, or the --json buffer */
	char errmsg[512];		/* first error, for the JSON error document */
	bool is_builtin;		/* the session is on the built-in platform */
	bool auto_enabled;		/* read/watch enabled DEs on the built-in one */
	bool json_result;		/* --json: exit 1 still prints the document */
	/* no catalog applies: what cli_open() said once (JSON "warnings") */
	char catalog_notice[1024];
	/* a setting made on the built-in platform ends with this command */
	char builtin_notice[256];
	const struct cli_optab *optab;	/* the running subcommand's options */
};

/**
 * struct cli_cmd - one entry of the subcommand table (stlm.c)
 * @name:     exact name
 * @min_args: positional arguments after the options, at least
 * @max_args: at most (-1: unbounded)
 * @main:     handler
 * @help:     one-line help
 * @usage:    synopsis after "stlm NAME"
 */
struct cli_cmd {
	const char *name;
	int min_args;
	int max_args;
	int (*main)(struct cli *c, int argc, char **argv);
	const char *help;
	const char *usage;
	const struct cli_optab *optab;	/* its options (options.c) */
};

/* Set by SIGINT / SIGTERM while a subcommand that loops (watch) runs. */
extern volatile int cli_stop;
/* watch: let SIGINT/SIGTERM set cli_stop instead of ending the process. */
void cli_catch_stop(void);

/*
 * Options every subcommand accepts besides its own: -h/--help, -j/--json,
 * --pretty, -q/--quiet. Put CLI_COMMON_LONGOPTS in the option table and
 * "hjq" in the short string; cli_common_opt() handles them (returns 1 if
 * handled, 0 if not one of them, or an exit status for --help).
 */
#define CLI_OPT_PRETTY 0x1001
#define CLI_OPT_CSV 0x1002
#define CLI_COMMON_LONGOPTS                                   \
	{ "help", no_argument, NULL, 'h' },                   \
	{ "json", no_argument, NULL, 'j' },                   \
	{ "pretty", no_argument, NULL, CLI_OPT_PRETTY },      \
	{ "quiet", no_argument, NULL, 'q' }
#define CLI_COMMON_SHORTOPTS "hjq"
int cli_common_opt(struct cli *c, int opt);
/* Send c->out to a memory buffer (printed by main on success). */
void cli_buffer_json(struct cli *c);
/* The last usage error's message (for the JSON error document). */
extern char cli_usage_msg[512];
/* Number with SI prefix and unit, for derived values (watch rates). */
void cli_format_number(double v, const char *unit, char *buf, size_t len);
/*
 * getopt_long's '?' / ':' cases: one line ("did you mean '--interval'?"
 * for a near miss) + Try ... Returns 2.
 */
int cli_bad_option(struct cli *c, char **argv);

/*
 * A subcommand's options, declared once (options.c). @shortopts and
 * @longopts are its own options; the global ones (-p, -c, -j, -q, -v, -h,
 * --pretty) are added by cli_getopt(). @old lists old spellings kept for
 * one release: getopt accepts the letters of @oldshort, cli_getopt()
 * prints a notice and returns the entry's @val. @catalog_val, if set,
 * sees -c's argument first and returns a value to hand to the subcommand
 * instead of the global --catalog (0: it is the catalog).
 */
struct cli_oldopt {
	int letter;
	int val;
	const char *instead;
};
struct cli_optab {
	const char *shortopts;
	const struct option *longopts;
	const struct cli_oldopt *old;
	const char *oldshort;
	int (*catalog_val)(struct cli *c, const char *arg);
};
/* getopt_long over @t plus the global options; handles the global ones
 * (never returns them except 'h'); -1 at the end. */
int cli_getopt(struct cli *c, int argc, char **argv, const struct cli_optab *t);
/* The long option of @t (or a global one) that a short letter maps to. */
const struct option *cli_optab_long(const struct cli_optab *t, int val);
/* stlm help --options-table: "COMMAND<TAB>-X[ ARG]<TAB>--long" lines. */
void cli_print_options_table(FILE *f, const struct cli_cmd *cmds, size_t n);
/* "did you mean": the nearest candidate within a small edit distance. */
struct cli_suggest {
	const char *word;
	size_t dist;
	char best[128];
};
size_t cli_edit_distance(const char *a, const char *b);
void cli_suggest_init(struct cli_suggest *sg, const char *word);
void cli_suggest_add(struct cli_suggest *sg, const char *cand);
/* A name glob ("cpu.*.power")? */
bool cli_is_glob(const char *s);
/*
 * DE arguments with globs: each argument an id, a name, or a glob over
 * catalog and firmware names (expands to every match, in table order).
 * *ret_ids is malloc'd. 0, or a negative errno after the error line.
 */
int cli_parse_des(struct cli *c, char **args, int n, uint32_t **ret_ids,
		  size_t *ret_n);
/* A time "1.5s", "250ms", "500us", "2m", "1h"; a bare number is
 * multiplied by @bare_mul (ns); at most @max_ns. 0 or -EINVAL. */
int cli_parse_duration(const char *s, double bare_mul, double max_ns,
		       uint64_t *ret_ns);

/*
 * Progress on stderr (progress.c): one line "label  N/TOTAL  R/s" redrawn
 * at most 10 times a second, only when stderr is a terminal and not -q
 * (cli_progress_wanted); cleared by cli_progress_end().
 */
struct cli_progress {
	struct cli *c;
	const char *label;
	uint64_t total;		/* 0: unknown */
	uint64_t start_ns, last_ns;
	uint64_t delay_ns;	/* nothing before this much work */
	bool shown;
	bool bytes;		/* counts are bytes: "12.5 MB" */
};
bool cli_progress_wanted(struct cli *c);
void cli_progress_begin(struct cli_progress *p, struct cli *c,
			const char *label, uint64_t total);
void cli_progress_update(struct cli_progress *p, uint64_t done);
void cli_progress_end(struct cli_progress *p);
/* stlm_open_opts.progress for the library's long work (@data: the cli). */
void cli_lib_progress(void *data, const char *what, uint64_t done,
		      uint64_t total);
/* Print the subcommand's help (usage line + @text) on stdout; returns 0. */
int cli_help(struct cli *c, const char *text);
/* Check the positional count against the table; prints and returns 2 if
 * wrong, 0 if fine. */
int cli_check_args(struct cli *c, int n);

/* Kind of a DE (catalog if any, else from the DE type): STLM_KIND_* */
int cli_de_kind(const struct stlm_de *de);
const char *cli_kind_name(int kind);
/* State name of value v, or NULL. */
const char *cli_de_state_name(const struct stlm_de *de, int64_t v);
/* The catalog applied to the session, or NULL. */
const char *cli_catalog_name(struct stlm_session *s);
/*
 * catalog check of an ASTL description file (cmd-catalog-astl.c): 1 done
 * (*findings increased), 0 not an ASTL file, -1 error (reported).
 */
int cli_catalog_check_astl(struct cli *c, const char *path, bool offline,
			   struct jw *w, size_t *findings);
int cli_catalog_load(struct stlm_session *s, const char *path, char *err,
		     size_t errlen);
/* list / show: one DE object (JSON) or row / page (text). */
void cli_print_de(struct out *o, const struct stlm_de *de, bool full);
/* read / watch: one sample (ts: a TIMESTAMP column in text). */
void cli_print_sample(struct out *o, const struct stlm_de *de, uint32_t id,
		      const struct stlm_sample *v, bool ts);
/* info / config: the collection state. */
void cli_print_collection(struct cli *c, struct out *o, struct jw *w);
/* "cpu.0.freq", else the firmware name, else NULL. */
const char *cli_de_name(const struct stlm_de *de);
/* Unit to show: "" for none / unspecified. */
const char *cli_de_unit(const struct stlm_de *de);
/* The first validity problem of a sample ("disabled", "torn"...) or NULL
 * if it is valid. */
const char *cli_sample_problem(const struct stlm_sample *v);
/*
 * Values that could not be read (output.c). Count the samples a command
 * printed with cli_tally_add(); cli_tally_verdict() then says why values
 * are missing when the reason is known (a socket URI without ?mem= cannot
 * reach SHMTI or FastChannel values: one line, once) and fails (returns 1
 * after the error, @extra appended as advice) when none could be read.
 */
struct cli_tally {
	size_t total, valid, unreachable;
	const char *problem;	/* the first invalid sample's problem */
	bool hinted;		/* the memory-file line was printed */
};
bool cli_uri_lacks_memory(struct stlm_session *s);
void cli_tally_add(struct cli_tally *t, const struct stlm_sample *v);
int cli_tally_verdict(struct cli *c, struct cli_tally *t, const char *extra);
/* Parse an interval "100", "100ms", "1s", "500us" into ns (bare = ms). */
int cli_parse_interval(const char *s, uint64_t *ret_ns);
/* "100ms", "1s" */
void cli_format_ns(uint64_t ns, char *buf, size_t len);
/* Parse an unsigned integer (decimal or 0x); 0 or -EINVAL. */
int cli_parse_u32(const char *s, uint32_t *ret);
/* On the built-in platform, say once (stderr unless -q; JSON "warnings")
 * that settings made by this command end with it. No-op elsewhere. */
void cli_builtin_settings_notice(struct cli *c);

/* Ensure something is collected: on the built-in platform when nothing
 * is enabled and collection is off, enable every DE with timestamps and
 * start on-demand collection (interval_ns, 0 = platform default), with a
 * notice. With force (--enable) do it on any platform for @ids (NULL =
 * all). Returns 0 or a negative errno (reported). */
int cli_ensure_collection(struct cli *c, const uint32_t *ids, size_t n,
			  bool force, uint64_t interval_ns);
/* Take a snapshot, waiting up to timeout_ms for enabled DEs to get a first
 * value (after a fresh enable). */
int cli_take(struct cli *c, struct stlm_snapshot *snap, unsigned int flags,
	     int timeout_ms);
/* Describe a negative errno from the library for humans. */
/* cli_strerror() for the errors of opening a platform */
const char *cli_open_strerror(int err);
const char *cli_strerror(int err);

/* ---------------------------------------------------------------- */
/* One printing path for tables, key/value pages, CSV and JSON       */

enum out_mode { OUT_TABLE, OUT_PAIRS, OUT_CSV, OUT_JSON };

#define OUT_MAX_COLS 16

/**
 * struct out - prints records either as an aligned table (text), as
 * "Label: value" pairs (text), as CSV, or as JSON objects through @w.
 * Every field is given once with its JSON key, its text header and its
 * text and JSON values; NULL key = text only, NULL header = JSON only.
 */
struct out {
	struct cli *c;
	enum out_mode mode;
	struct jw *w;
	int ncols;
	const char *heads[OUT_MAX_COLS];
	bool right[OUT_MAX_COLS];
	int minw[OUT_MAX_COLS];	/* minimum column widths (watch blocks) */
	char **cells;		/* nrows * OUT_MAX_COLS */
	size_t nrows, cap;
	int col;
	bool in_row;
	bool no_header;
};

void out_init(struct out *o, struct cli *c, struct jw *w, enum out_mode mode);
void out_row_begin(struct out *o);
void out_row_end(struct out *o);
/* Print the table (text / CSV); frees the rows. */
void out_flush(struct out *o);
void out_str(struct out *o, const char *key, const char *head, const char *v);
void out_uint(struct out *o, const char *key, const char *head, uint64_t v);
void out_int(struct out *o, const char *key, const char *head, int64_t v);
void out_hex(struct out *o, const char *key, const char *head, uint32_t v);
void out_bool(struct out *o, const char *key, const char *head, bool v,
	      const char *text_true, const char *text_false);
/* A number with its own text form; valid=false -> JSON null */
void out_num(struct out *o, const char *key, const char *head, double v,
	     bool valid, const char *text);
/* Right-align this column in tables. */
void out_right(struct out *o);
/* Begin the document for --json: an object. */
void cli_doc_begin(struct cli *c, struct jw *w);
void cli_doc_end(struct cli *c, struct jw *w);
/* A document that ends in failure (exit status @rc) but still carries what
 * was read: the "error" object of the error document ({message, exit_code,
 * command}) as one more key; main then prints it instead of the error
 * document. */
void cli_doc_error(struct cli *c, struct jw *w, int rc);

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

/* Write s as one CSV field, quoted when it holds a character of special. */
void cli_csv_quote(FILE *f, const char *s, const char *special);
/* cli_csv_quote() with the usual set: comma, quote, newline, CR. */
void cli_csv_str(FILE *f, const char *s);

/* A value for CSV, at the precision of JSON numbers (15 significant
 * digits): "50.033", never "50.033000000000001". */
void cli_format_double(double v, char *buf, size_t len);
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
int stlm_cmd_export_main(struct cli *c, int argc, char **argv);
int stlm_cmd_top_main(struct cli *c, int argc, char **argv);

/* Each subcommand's options (in its cmd-<name>.c). */
extern const struct cli_optab cli_info_optab, cli_list_optab, cli_show_optab,
	cli_read_optab, cli_watch_optab, cli_enable_optab, cli_config_optab,
	cli_reset_optab, cli_record_optab, cli_replay_optab, cli_report_optab,
	cli_catalog_optab, cli_check_optab, cli_export_optab, cli_top_optab,
	cli_help_optab;

#endif /* STLM_CLI_H */
