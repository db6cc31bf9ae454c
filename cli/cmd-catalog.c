// SPDX-License-Identifier: MIT
/*
 * Copyright (c) 2026 The stlm authors
 *
 * stlm catalog check FILE...: load catalog files against the platform and
 * report problems ("FILE:LINE:COL: problem") or how many DEs each names.
 * stlm catalog show: the catalog applied to the platform's DEs.
 */
#include <errno.h>
#include <getopt.h>
#include <string.h>

#include "cli.h"

#define OPT_OFFLINE 0x2001

static const char *catalog_help =
	"  check FILE...   validate catalog files (docs/catalog-format.md) and\n"
	"                  apply them to the platform's DEs; a valid catalog\n"
	"                  for another platform is reported, not an error\n"
	"                  ASTL description files (a spec, repometa.json or its\n"
	"                  directory) are compared with the platform's DE list:\n"
	"                  missing and extra DEs, duplicate ids and names,\n"
	"                  normalised units, unit/exponent mismatches, UUID\n"
	"  show            the catalog that names this platform's DEs\n"
	"\n"
	"  --offline       check: no platform; validate files and report the\n"
	"                  ASTL findings of the files alone\n"
	"\n"
	"Exit status of check: 0 clean; 1 a catalog failed to validate or an\n"
	"ASTL file has findings; 2 an ASTL file could not be read or parsed,\n"
	"or the platform could not be opened.\n"
	"Catalogs are searched in $STLM_CATALOG_PATH, then the data directory.\n";

static int catalog_show(struct cli *c)
{
	const char *name;
	struct out o;
	struct jw w;
	int n, named = 0;

	if (cli_open(c, NULL) < 0)
		return 1;
	name = cli_catalog_name(c->s);
	n = stlm_de_count(c->s);
	for (int i = 0; i < n; i++)
		named += stlm_de_description(stlm_de_at(c->s, (size_t)i)) != NULL;
	if (c->json)
		cli_doc_begin(c, &w);
	out_init(&o, c, &w, c->json ? OUT_JSON : OUT_PAIRS);
	out_str(&o, "catalog", "Catalog", name ? name : NULL);
	out_uint(&o, "des_described", "DEs described", (uint64_t)named);
	out_uint(&o, "des", "DEs", n < 0 ? 0 : (uint64_t)n);
	if (c->json)
		cli_doc_end(c, &w);
	return 0;
}

static const struct option catalog_longopts[] = {
	CLI_COMMON_LONGOPTS,
	{ "offline", no_argument, NULL, OPT_OFFLINE },
	{ 0 },
};
const struct cli_optab cli_catalog_optab = { .shortopts = "", .longopts = catalog_longopts };

int stlm_cmd_catalog_main(struct cli *c, int argc, char **argv)
{
	int opt, failed = 0, astl_failed = 0;
	size_t findings = 0;
	bool offline = false;
	struct jw w;

	while ((opt = cli_getopt(c, argc, argv, &cli_catalog_optab)) != -1) {
		if (opt == 'h')
			return cli_help(c, catalog_help);
		if (opt == OPT_OFFLINE) {
			offline = true;
			continue;
		}
		if (!cli_common_opt(c, opt))
			return cli_bad_option(c, argv);
	}
	if (cli_check_args(c, argc - optind))
		return 2;
	if (!strcmp(argv[optind], "show")) {
		if (argc - optind != 1)
			return cli_usage_err("catalog", "catalog show: no arguments expected");
		return catalog_show(c);
	}
	if (strcmp(argv[optind], "check"))
		return cli_usage_err("catalog", "catalog: unknown action '%s' (check or show)",
				     argv[optind]);
	if (argc - optind < 2)
		return cli_usage_err("catalog", "catalog check: missing FILE");
	if (!offline && cli_open(c, NULL) < 0)
		return 2;
	if (c->json) {
		cli_doc_begin(c, &w);
		jw_key(&w, "files");
		jw_array_begin(&w);
	}
	for (int i = optind + 1; i < argc; i++) {
		char err[512] = "";
		struct stlm_catalog *cat = NULL;
		int r = cli_catalog_check_astl(c, argv[i], offline, &w, &findings);
		bool ok;

		if (r) {
			astl_failed += r < 0;
			continue;
		}
		if (offline) {
			r = stlm_catalog_open(argv[i], &cat, err, sizeof(err));
			if (r >= 0)
				r = (int)stlm_catalog_entry_count(cat);
			stlm_catalog_close(cat);
		} else {
			r = cli_catalog_load(c->s, argv[i], err, sizeof(err));
		}
		ok = r >= 0 || r == -ENOMSG;

		if (!ok) {
			failed++;
			cli_err(c, "%s", err[0] ? err : cli_strerror(r));
		} else if (!c->json) {
			if (r >= 0 && offline)
				fprintf(c->out, "%s: ok, %d DE entries\n", argv[i], r);
			else if (r >= 0)
				fprintf(c->out, "%s: ok, names %d DEs of this platform\n",
					argv[i], r);
			else
				fprintf(c->out, "%s: ok, but it does not match this platform\n",
					argv[i]);
		}
		if (c->json) {
			jw_object_begin(&w);
			jw_kv_string(&w, "file", argv[i]);
			jw_kv_bool(&w, "ok", ok);
			jw_kv_bool(&w, "matches", r >= 0);
			jw_key(&w, "des_named");
			if (r >= 0)
				jw_uint(&w, (uint64_t)r);
			else
				jw_null(&w);
			jw_kv_string(&w, "error", ok ? NULL :
				     err[0] ? err : cli_strerror(r));
			jw_object_end(&w);
		}
	}
	if (c->json) {
		jw_array_end(&w);
		jw_kv_uint(&w, "failed", (uint64_t)(failed + astl_failed));
		jw_kv_uint(&w, "findings", (uint64_t)findings);
		cli_doc_end(c, &w);
	}
	if (astl_failed)
		return 2;
	/* Findings alone: the --json document is the result. */
	c->json_result = !failed && findings;
	return failed || findings ? 1 : 0;
}
