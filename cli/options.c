// SPDX-License-Identifier: MIT
/*
 * Copyright (c) 2026 The stlm authors
 *
 * One command line for every subcommand: each subcommand declares its
 * options once (struct cli_optab); cli_getopt() adds the global options
 * (so they work after the subcommand too), maps old spellings to their
 * new meaning with a notice, and "did you mean" helps with typos of
 * subcommands, options and DE names (edit distance). The same tables
 * print the option table of stlm(1) (stlm help --options-table), which a
 * test checks for short options with two meanings.
 */
#include <errno.h>
#include <fnmatch.h>
#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

/* The global options, accepted before and after the subcommand. */
static const struct option common_long[] = {
	{ "help", no_argument, NULL, 'h' },
	{ "json", no_argument, NULL, 'j' },
	{ "pretty", no_argument, NULL, CLI_OPT_PRETTY },
	{ "quiet", no_argument, NULL, 'q' },
	{ "platform", required_argument, NULL, 'p' },
	{ "catalog", required_argument, NULL, 'c' },
	{ "verbose", no_argument, NULL, 'v' },
};
#define N_COMMON (sizeof(common_long) / sizeof(common_long[0]))
#define COMMON_SHORT "hjqp:c:v"

static const struct option *common_opt(int val)
{
	for (size_t i = 0; i < N_COMMON; i++)
		if (common_long[i].val == val)
			return &common_long[i];
	return NULL;
}

static size_t optab_len(const struct cli_optab *t)
{
	size_t n = 0;

	while (t && t->longopts && t->longopts[n].name)
		n++;
	return n;
}

/* The merged table of @t and the global options (built once per run). */
static struct option *merged_long(const struct cli_optab *t)
{
	static struct option *buf;
	static const struct cli_optab *built;
	size_t n = optab_len(t), k = 0;

	if (buf && built == t)
		return buf;
	free(buf);
	buf = calloc(n + N_COMMON + 1, sizeof(*buf));
	if (!buf) {
		fputs("stlm: out of memory\n", stderr);
		exit(1);
	}
	for (size_t i = 0; i < N_COMMON; i++)
		buf[k++] = common_long[i];
	for (size_t i = 0; i < n; i++) {
		bool dup = false;

		for (size_t j = 0; j < N_COMMON; j++)
			dup |= !strcmp(common_long[j].name, t->longopts[i].name);
		if (!dup)
			buf[k++] = t->longopts[i];
	}
	built = t;
	return buf;
}

static const char *merged_short(const struct cli_optab *t)
{
	static char buf[128];

	snprintf(buf, sizeof(buf), COMMON_SHORT "%s%s",
		 t && t->shortopts ? t->shortopts : "",
		 t && t->oldshort ? t->oldshort : "");
	return buf;
}

const struct option *cli_optab_long(const struct cli_optab *t, int val)
{
	const struct option *o = common_opt(val);

	if (o)
		return o;
	for (size_t i = 0; t && t->longopts && t->longopts[i].name; i++)
		if (t->longopts[i].val == val)
			return &t->longopts[i];
	return NULL;
}

int cli_getopt(struct cli *c, int argc, char **argv, const struct cli_optab *t)
{
	const char *name = c->cmd ? c->cmd->name : argv[0];
	int opt;

	c->optab = t;
	for (;;) {
		opt = getopt_long(argc, argv, merged_short(t), merged_long(t),
				  NULL);
		switch (opt) {
		case 'j':
		case 'q':
		case CLI_OPT_PRETTY:
			cli_common_opt(c, opt);
			continue;
		case 'p':
			c->platform = optarg;
			continue;
		case 'c':
			if (t && t->catalog_val) {
				/* the old meaning of -c in this subcommand */
				opt = t->catalog_val(c, optarg);
				if (opt)
					return opt;
			}
			c->catalog = optarg;
			continue;
		case 'v':
			c->verbose++;
			continue;
		default:
			break;
		}
		for (size_t i = 0; t && t->old && t->old[i].letter; i++) {
			const struct cli_oldopt *o = &t->old[i];

			if (opt != o->letter)
				continue;
			if (!c->quiet)
				fprintf(stderr, "stlm: %s: -%c is deprecated (kept for one release); use %s\n",
					name, o->letter, o->instead);
			return o->val;
		}
		return opt;
	}
}

/* ------------------------------------------------------------------ */
/* "did you mean"                                                      */

size_t cli_edit_distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	size_t *row;
	size_t d;

	if (la > 256 || lb > 256)
		return (size_t)-1;
	row = calloc(lb + 1, sizeof(*row));
	if (!row)
		return (size_t)-1;
	for (size_t j = 0; j <= lb; j++)
		row[j] = j;
	for (size_t i = 1; i <= la; i++) {
		size_t diag = row[0];

		row[0] = i;
		for (size_t j = 1; j <= lb; j++) {
			size_t up = row[j];
			size_t best = diag + (a[i - 1] != b[j - 1]);

			if (up + 1 < best)
				best = up + 1;
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			row[j] = best;
			diag = up;
		}
	}
	d = row[lb];
	free(row);
	return d;
}

void cli_suggest_init(struct cli_suggest *sg, const char *word)
{
	memset(sg, 0, sizeof(*sg));
	sg->word = word;
	sg->dist = (size_t)-1;
}

void cli_suggest_add(struct cli_suggest *sg, const char *cand)
{
	size_t len = strlen(sg->word), max = len < 4 ? 1 : len < 9 ? 2 : 3;
	size_t d;

	if (!cand || !cand[0])
		return;
	d = cli_edit_distance(sg->word, cand);
	if (d <= max && d < sg->dist) {
		sg->dist = d;
		snprintf(sg->best, sizeof(sg->best), "%s", cand);
	}
}

int cli_bad_option(struct cli *c, char **argv)
{
	const char *name = c->cmd ? c->cmd->name : NULL;
	const char *arg = argv[optind - 1];
	const struct cli_optab *t = c->cmd ? c->optab : NULL;
	struct cli_suggest sg;
	char pfx[64] = "";

	if (name)
		snprintf(pfx, sizeof(pfx), "%s: ", name);
	if (optopt) {
		const struct option *o = cli_optab_long(t, optopt);

		if (o && o->has_arg == required_argument)
			return cli_usage_err(name, "%soption '-%c' (--%s) needs an argument",
					     pfx, optopt, o->name);
		return cli_usage_err(name, "%sinvalid option '-%c'", pfx,
				     optopt);
	}
	if (arg && !strncmp(arg, "--", 2)) {
		char word[64];
		const char *eq = strchr(arg, '=');
		size_t len = eq ? (size_t)(eq - arg - 2) : strlen(arg + 2);

		snprintf(word, sizeof(word), "%.*s", (int)len, arg + 2);
		cli_suggest_init(&sg, word);
		for (size_t i = 0; i < N_COMMON; i++)
			cli_suggest_add(&sg, common_long[i].name);
		for (size_t i = 0; t && t->longopts && t->longopts[i].name; i++)
			cli_suggest_add(&sg, t->longopts[i].name);
		if (sg.best[0])
			return cli_usage_err(name, "%sinvalid option '%s'; did you mean '--%s'?",
					     pfx, arg, sg.best);
	}
	return cli_usage_err(name, "%sinvalid option '%s'", pfx, arg);
}

/* ------------------------------------------------------------------ */
/* DE names: globs and suggestions                                     */

bool cli_is_glob(const char *s)
{
	return strpbrk(s, "*?[") != NULL;
}

static int suggest_de(struct cli *c, const char *arg)
{
	struct cli_suggest sg;
	int n = stlm_de_count(c->s);

	cli_suggest_init(&sg, arg);
	for (int i = 0; i < n; i++) {
		const struct stlm_de *de = stlm_de_at(c->s, (size_t)i);

		cli_suggest_add(&sg, stlm_de_name(de));
		cli_suggest_add(&sg, stlm_de_fw_name(de));
	}
	if (sg.best[0])
		cli_err(c, "unknown DE '%s'; did you mean '%s'?", arg, sg.best);
	else
		cli_err(c, "unknown DE '%s'", arg);
	return -ENOENT;
}

int cli_parse_de(struct cli *c, const char *arg, uint32_t *ret_id)
{
	const struct stlm_de *de = NULL;
	uint32_t id;

	if (cli_parse_u32(arg, &id) == 0)
		de = stlm_de_get(c->s, id);
	else if (!strncmp(arg, "de.", 3) && cli_parse_u32(arg + 3, &id) == 0 &&
		 !stlm_de_find(c->s, arg))
		de = stlm_de_get(c->s, id);
	else
		de = stlm_de_find(c->s, arg);
	if (!de)
		return suggest_de(c, arg);
	*ret_id = stlm_de_id(de);
	return 0;
}

int cli_parse_des(struct cli *c, char **args, int n, uint32_t **ret_ids,
		  size_t *ret_n)
{
	size_t cap = (size_t)n + 1, k = 0;
	uint32_t *ids = malloc(cap * sizeof(*ids));
	int count = stlm_de_count(c->s);

	if (!ids) {
		cli_err(c, "out of memory");
		return -ENOMEM;
	}
	for (int i = 0; i < n; i++) {
		size_t hits = 0;

		if (!cli_is_glob(args[i])) {
			if (cli_parse_de(c, args[i], &ids[k]) < 0)
				goto fail;
			k++;
			continue;
		}
		for (int j = 0; j < count; j++) {
			const struct stlm_de *de = stlm_de_at(c->s, (size_t)j);
			const char *nm = stlm_de_name(de);
			const char *fw = stlm_de_fw_name(de);

			if (!((nm && !fnmatch(args[i], nm, 0)) ||
			      (fw && !fnmatch(args[i], fw, 0))))
				continue;
			if (k + 1 >= cap) {
				uint32_t *p;

				cap = cap * 2 + 16;
				p = realloc(ids, cap * sizeof(*ids));
				if (!p) {
					cli_err(c, "out of memory");
					goto fail;
				}
				ids = p;
			}
			ids[k++] = stlm_de_id(de);
			hits++;
		}
		if (!hits) {
			cli_err(c, "no DE name matches '%s'", args[i]);
			goto fail;
		}
	}
	*ret_ids = ids;
	*ret_n = k;
	return 0;
fail:
	free(ids);
	return -ENOENT;
}

/* ------------------------------------------------------------------ */
/* Durations                                                           */

int cli_parse_duration(const char *s, double bare_mul, double max_ns,
		       uint64_t *ret_ns)
{
	static const struct { const char *sfx; double mul; } units[] = {
		{ "ns", 1 }, { "us", 1e3 }, { "ms", 1e6 }, { "s", 1e9 },
		{ "m", 60e9 }, { "min", 60e9 }, { "h", 3600e9 },
	};
	char *end;
	double v, mul = 0;

	if (!s || !s[0] || s[0] == '-' || s[0] == '+')
		return -EINVAL;
	errno = 0;
	v = strtod(s, &end);
	if (errno || end == s || !(v > 0) || isinf(v))
		return -EINVAL;
	if (!*end) {
		mul = bare_mul;
	} else {
		for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++)
			if (!strcmp(end, units[i].sfx))
				mul = units[i].mul;
	}
	if (!mul || v * mul > max_ns || v * mul < 1)
		return -EINVAL;
	*ret_ns = (uint64_t)llround(v * mul);
	return 0;
}

/* ------------------------------------------------------------------ */
/* The option table of stlm(1)                                         */

static void short_spec(char letter, const struct option *o, char *buf,
		       size_t len)
{
	snprintf(buf, len, "-%c%s", letter,
		 o && o->has_arg == required_argument ? " ARG" : "");
}

void cli_print_options_table(FILE *f, const struct cli_cmd *cmds, size_t n)
{
	char spec[16];

	/* the global options: one row each, command "*" */
	for (size_t i = 0; i < N_COMMON; i++) {
		const struct option *o = &common_long[i];

		if (o->val < 128)
			short_spec((char)o->val, o, spec, sizeof(spec));
		else
			snprintf(spec, sizeof(spec), "-");
		fprintf(f, "*\t%s\t--%s\n", spec, o->name);
	}
	for (size_t i = 0; i < n; i++) {
		const struct cli_optab *t = cmds[i].optab;
		const char *p = t && t->shortopts ? t->shortopts : "";

		/* every command takes -h (and the other global options) */
		fprintf(f, "%s\t-h\t--help\n", cmds[i].name);
		for (; *p; p++) {
			const struct option *o;

			if (*p == ':' || *p == '+')
				continue;
			o = cli_optab_long(t, *p);
			short_spec(*p, o, spec, sizeof(spec));
			fprintf(f, "%s\t%s\t--%s\n", cmds[i].name, spec,
				o ? o->name : "?");
		}
		for (size_t j = 0; t && t->longopts && t->longopts[j].name; j++) {
			const struct option *o = &t->longopts[j];

			if (o->val < 128 && o->val > ' ' && strchr(t->shortopts, o->val))
				continue;
			if (common_opt(o->val))
				continue;
			fprintf(f, "%s\t-\t--%s\n", cmds[i].name, o->name);
		}
		for (size_t j = 0; t && t->old && t->old[j].letter; j++)
			fprintf(f, "%s\t-%c\t(deprecated: %s)\n", cmds[i].name,
				t->old[j].letter, t->old[j].instead);
	}
}
