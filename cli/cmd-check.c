// SPDX-License-Identifier: MIT
/*
 * Copyright (c) 2026 The stlm authors
 *
 * stlm check: a firmware conformance checker for platform developers. The
 * checks run in the library (stlm_check_run()); this prints each finding
 * with its protocol section, severity and the bytes seen. Exit status: 0
 * clean, 1 findings (warnings or errors; --errors-only: errors), 2 usage
 * or the platform could not be checked.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"

int stlm_cmd_check_main(struct cli *c, int argc, char **argv);

struct check_out {
	struct cli *c;
	struct jw *w;
	int counted;	/* findings that set the exit status */
	int min_sev;	/* severities below this do not count */
	int seen[3];
};

static const char *sev_name(int s)
{
	return s == STLM_CHECK_ERROR ? "error" :
	       s == STLM_CHECK_WARNING ? "warning" : "info";
}

static void on_finding(void *data, const struct stlm_check_finding *f)
{
	struct check_out *o = data;
	char hex[3 * sizeof(f->bytes) + 1];
	size_t h = 0;

	hex[0] = '\0';
	for (size_t i = 0; i < f->n_bytes; i++)
		h += (size_t)snprintf(hex + h, sizeof(hex) - h, "%s%02X",
				      i ? " " : "", f->bytes[i]);
	if (f->severity >= 0 && f->severity <= 2)
		o->seen[f->severity]++;
	if (f->severity >= o->min_sev)
		o->counted++;
	if (o->c->json) {
		jw_object_begin(o->w);
		jw_kv_string(o->w, "rule", f->rule);
		jw_kv_string(o->w, "section", f->section);
		jw_kv_string(o->w, "severity", sev_name(f->severity));
		jw_kv_string(o->w, "message", f->message);
		jw_kv_string(o->w, "bytes", hex);
		jw_object_end(o->w);
		return;
	}
	fprintf(o->c->out, "%-7s §%-5s %-20s %s\n", sev_name(f->severity),
		f->section, f->rule, f->message);
	if (f->n_bytes)
		fprintf(o->c->out, "        bytes: %s\n", hex);
}

static const char *check_help =
	"Options:\n"
	"      --reset        also check RESET (disables every DE)\n"
	"      --errors-only  exit 1 only for errors, not for warnings\n"
	"Checks the platform against the SCMI Telemetry protocol: every reply\n"
	"decoded strictly (reserved bits, lengths, flags, names, ordering),\n"
	"paging, DE enable/disable, the interval list, a single read, TDCF\n"
	"match sequences over time and the FastChannel layout. Each finding\n"
	"shows its severity (error: breaks the spec or the Linux driver;\n"
	"warning: breaks the spec, Linux tolerates it; info), the protocol\n"
	"section, a rule name and the reply bytes seen. It sends commands of\n"
	"its own: run it on a platform no one else is configuring. Needs a\n"
	"direct SCMI platform URI (not stlmd: or stlmfs:).\n"
	"Exit status: 0 clean, 1 findings, 2 usage or cannot check.\n";

enum { OPT_RESET = 0x100, OPT_ERRORS };
static const struct option check_longopts[] = {
	CLI_COMMON_LONGOPTS,
	{ "reset", no_argument, NULL, OPT_RESET },
	{ "errors-only", no_argument, NULL, OPT_ERRORS },
	{ 0 },
};
const struct cli_optab cli_check_optab = { .shortopts = "", .longopts = check_longopts };

int stlm_cmd_check_main(struct cli *c, int argc, char **argv)
{
	struct check_out o = { .c = c, .min_sev = STLM_CHECK_WARNING };
	unsigned int flags = 0;
	struct jw w;
	int opt, r;

	while ((opt = cli_getopt(c, argc, argv, &cli_check_optab)) != -1) {
		if (opt == 'h')
			return cli_help(c, check_help);
		if (opt == OPT_RESET)
			flags |= STLM_CHECK_RESET;
		else if (opt == OPT_ERRORS)
			o.min_sev = STLM_CHECK_ERROR;
		else if (!cli_common_opt(c, opt))
			return cli_bad_option(c, argv);
	}
	if (cli_check_args(c, argc - optind))
		return 2;
	if (cli_open(c, NULL) < 0)
		return 2;
	o.w = &w;
	if (c->json) {
		cli_doc_begin(c, &w);
		jw_kv_string(&w, "platform", stlm_session_uri(c->s));
		jw_key(&w, "findings");
		jw_array_begin(&w);
	}
	r = stlm_check_run(c->s, flags, on_finding, &o);
	if (r < 0) {
		cli_err(c, "cannot check the platform: %s%s", cli_strerror(r),
			r == -EOPNOTSUPP ? " (check needs a direct SCMI "
					   "platform URI, not stlmd: or "
					   "stlmfs:)" : "");
		return 2;
	}
	if (c->json) {
		jw_array_end(&w);
		jw_kv_uint(&w, "errors", (uint64_t)o.seen[STLM_CHECK_ERROR]);
		jw_kv_uint(&w, "warnings",
			   (uint64_t)o.seen[STLM_CHECK_WARNING]);
		jw_kv_uint(&w, "infos", (uint64_t)o.seen[STLM_CHECK_INFO]);
		cli_doc_end(c, &w);
		c->json_result = o.counted > 0;
	} else {
		fprintf(c->out, "%d error(s), %d warning(s), %d note(s)\n",
			o.seen[STLM_CHECK_ERROR], o.seen[STLM_CHECK_WARNING],
			o.seen[STLM_CHECK_INFO]);
	}
	return o.counted ? 1 : 0;
}
