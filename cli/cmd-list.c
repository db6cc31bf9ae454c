// SPDX-License-Identifier: MIT
/*
 * Copyright (c) 2026 The stlm authors
 *
 * stlm list: the DEs, one per row, filtered by id, name glob, group,
 * component and enabled state. Also the DE printer shared with show.
 */
#include <errno.h>
#include <fnmatch.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

static const char *ts_name(int ts)
{
	switch (ts) {
	case STLM_TS_LINE:
		return "line";
	case STLM_TS_BLOCK:
		return "block";
	default:
		return "none";
	}
}

void cli_print_de(struct out *o, const struct stlm_de *de, bool full)
{
	const char *name = cli_de_name(de);
	uint32_t group = stlm_de_group(de);
	char comp[64], unit[64], buf[64];
	bool en = stlm_de_enabled(de);

	if (o->mode == OUT_PAIRS)
		out_str(o, "name", "Name", name);
	out_hex(o, "id", "ID", stlm_de_id(de));
	if (o->mode != OUT_PAIRS)
		out_str(o, "name", "NAME", name);
	snprintf(comp, sizeof(comp), "%s.%u", stlm_de_component_name(de),
		 stlm_de_component_instance(de));
	if (o->mode == OUT_JSON) {
		out_str(o, "component", NULL, stlm_de_component_name(de));
		out_uint(o, "component_instance", NULL,
			 stlm_de_component_instance(de));
	} else {
		out_str(o, "component", o->mode == OUT_PAIRS ? "Component" :
			"COMPONENT", comp);
	}
	out_str(o, "kind", o->mode == OUT_PAIRS ? "Kind" : "KIND",
		cli_kind_name(cli_de_kind(de)));
	snprintf(unit, sizeof(unit), "%s", cli_de_unit(de));
	out_str(o, "unit", o->mode == OUT_PAIRS ? "Unit" : "UNIT",
		unit[0] ? unit : NULL);
	if (o->mode == OUT_JSON) {
		jw_key(o->w, "group");
		if (group == STLM_GROUP_NONE)
			jw_null(o->w);
		else
			jw_uint(o->w, group);
	} else {
		if (group == STLM_GROUP_NONE)
			snprintf(buf, sizeof(buf), "-");
		else
			snprintf(buf, sizeof(buf), "%u", group);
		out_str(o, "group", o->mode == OUT_PAIRS ? "Group" : "GROUP",
			buf);
	}
	if (o->mode == OUT_JSON) {
		out_bool(o, "enabled", NULL, en, "", "");
		out_bool(o, "timestamps_enabled", NULL, stlm_de_ts_enabled(de),
			 "", "");
	} else {
		out_str(o, NULL, o->mode == OUT_PAIRS ? "State" : "STATE",
			!en ? "disabled" : stlm_de_ts_enabled(de) ?
			"enabled+ts" : "enabled");
	}
	if (!full)
		return;
	out_str(o, "fw_name", "Firmware name", stlm_de_fw_name(de));
	out_str(o, "description", "Description", stlm_de_description(de));
	out_uint(o, "type", "Type", stlm_de_type(de));
	out_int(o, "unit_exp", "Unit exponent", stlm_de_unit_exp(de));
	out_uint(o, "unit_code", "Unit code", stlm_de_unit(de));
	out_uint(o, "data_size", "Data size", stlm_de_size(de));
	out_uint(o, "instance", "Instance", stlm_de_instance(de));
	out_str(o, "timestamps", "Timestamps", ts_name(stlm_de_ts_support(de)));
	out_uint(o, "ts_rate_khz", "Timestamp clock kHz",
		 stlm_de_ts_rate_khz(de));
	out_bool(o, "fastchannel", "FastChannel", stlm_de_has_fastchannel(de),
		 "yes", "no");
	out_bool(o, "persistent", "Persistent", stlm_de_persistent(de), "yes",
		 "no");
	out_bool(o, "signed", "Signed", stlm_de_signed(de), "yes", "no");
}

static const char *list_help =
	"Arguments: DE ids (decimal or 0x-hex), names, or name globs\n"
	"(cpu.*.power); a DE matching any of them is listed.\n"
	"\n"
	"Options:\n"
	"      --id ID           only this DE id (repeatable)\n"
	"      --name GLOB       only DEs whose name matches (repeatable)\n"
	"  -g, --group N         only members of group N\n"
	"  -C, --component NAME  only this component type (cpu), or type and\n"
	"                        instance (cpu.3)\n"
	"      --enabled         only enabled DEs\n"
	"      --disabled        only disabled DEs\n"
	"      --no-header       no header line\n";

#define MAX_FILTERS 64

struct list_config {
	const char *globs[MAX_FILTERS];
	int n_globs;
	uint32_t ids[MAX_FILTERS];
	int n_ids;
	bool has_group;
	uint32_t group;
	const char *component;
	int enabled; /* -1 any, 0 disabled, 1 enabled */
	bool no_header;
};

static bool is_glob(const char *s)
{
	return strpbrk(s, "*?[") != NULL;
}

static bool match(const struct list_config *cfg, const struct stlm_de *de)
{
	const char *name = cli_de_name(de);
	const char *fw = stlm_de_fw_name(de);
	bool any = cfg->n_ids == 0 && cfg->n_globs == 0;

	for (int i = 0; i < cfg->n_ids && !any; i++)
		any = stlm_de_id(de) == cfg->ids[i];
	for (int i = 0; i < cfg->n_globs && !any; i++)
		any = (name && !fnmatch(cfg->globs[i], name, 0)) ||
		      (fw && !fnmatch(cfg->globs[i], fw, 0));
	if (!any)
		return false;
	if (cfg->has_group && stlm_de_group(de) != cfg->group)
		return false;
	if (cfg->enabled >= 0 && stlm_de_enabled(de) != (cfg->enabled == 1))
		return false;
	if (cfg->component) {
		const char *cn = stlm_de_component_name(de);
		size_t l = strlen(cn);
		uint32_t inst;

		if (strncmp(cfg->component, cn, l))
			return false;
		if (cfg->component[l] == '\0')
			return true;
		if ((cfg->component[l] != '.' && cfg->component[l] != ':') ||
		    cli_parse_u32(cfg->component + l + 1, &inst) < 0 ||
		    inst != stlm_de_component_instance(de))
			return false;
	}
	return true;
}

static void no_match(struct cli *c, const struct list_config *cfg)
{
	char pats[512];
	size_t len = 0;
	bool filtered = cfg->n_ids || cfg->has_group || cfg->component ||
			cfg->enabled >= 0;

	pats[0] = '\0';
	for (int i = 0; i < cfg->n_globs && len < sizeof(pats); i++) {
		int k = snprintf(pats + len, sizeof(pats) - len, "%s'%s'",
				 i ? " or " : "", cfg->globs[i]);

		if (k < 0)
			break;
		len += (size_t)k;
	}
	if (cli_catalog_name(c->s))
		cli_err(c, "no DE name matches %s%s", pats,
			filtered ? " with the other filters given" : "");
	else
		cli_err(c, "no DE name matches %s%s; no catalog is applied, so DEs have only their firmware names (see 'stlm catalog show'; -c PATH or $STLM_CATALOG_PATH names a catalog)",
			pats, filtered ? " with the other filters given" : "");
}

enum { OPT_NO_HEADER = 0x2001, OPT_ID, OPT_NAME, OPT_ENABLED, OPT_DISABLED };
static const struct option list_longopts[] = {
	CLI_COMMON_LONGOPTS,
	{ "id", required_argument, NULL, OPT_ID },
	{ "name", required_argument, NULL, OPT_NAME },
	{ "group", required_argument, NULL, 'g' },
	{ "component", required_argument, NULL, 'C' },
	{ "enabled", no_argument, NULL, OPT_ENABLED },
	{ "disabled", no_argument, NULL, OPT_DISABLED },
	{ "no-header", no_argument, NULL, OPT_NO_HEADER },
	{ 0 }
};
/* Old spellings (-i -n -e -d are interval, count, enable and delta
 * elsewhere; -c is the catalog): kept for one release. */
static const struct cli_oldopt list_old[] = {
	{ 'i', OPT_ID, "--id" },
	{ 'n', OPT_NAME, "--name (or a glob argument)" },
	{ 'e', OPT_ENABLED, "--enabled" },
	{ 'd', OPT_DISABLED, "--disabled" },
	{ 0 }
};

/* "list -c NAME" was --component: an argument that is no file or
 * directory still means a component, with a notice. */
static int list_old_component(struct cli *c, const char *arg)
{
	if (access(arg, F_OK) == 0)
		return 0;
	if (!c->quiet)
		fprintf(stderr, "stlm: list: -c means --catalog now; '%s' is no file, so it is taken as -C/--component (kept for one release)\n",
			arg);
	return 'C';
}

const struct cli_optab cli_list_optab = {
	"g:C:", list_longopts, list_old, "i:n:ed", list_old_component
};

int stlm_cmd_list_main(struct cli *c, int argc, char **argv)
{
	struct list_config cfg = { .enabled = -1 };
	const char *id_args[MAX_FILTERS];
	int n_id_args = 0, opt, n;
	size_t shown = 0;
	struct out o;
	struct jw w;

	while ((opt = cli_getopt(c, argc, argv, &cli_list_optab)) != -1) {
		switch (opt) {
		case 'h':
			return cli_help(c, list_help);
		case OPT_ID:
			if (n_id_args == MAX_FILTERS)
				return cli_usage_err("list", "list: too many --id");
			id_args[n_id_args++] = optarg;
			break;
		case OPT_NAME:
			if (cfg.n_globs == MAX_FILTERS)
				return cli_usage_err("list", "list: too many --name");
			cfg.globs[cfg.n_globs++] = optarg;
			break;
		case 'g':
			if (cli_parse_u32(optarg, &cfg.group) < 0)
				return cli_usage_err("list", "list: --group: expected a number, got '%s'",
						     optarg);
			cfg.has_group = true;
			break;
		case 'C':
			cfg.component = optarg;
			break;
		case OPT_ENABLED:
			cfg.enabled = 1;
			break;
		case OPT_DISABLED:
			cfg.enabled = 0;
			break;
		case OPT_NO_HEADER:
			cfg.no_header = true;
			break;
		default:
			if (!cli_common_opt(c, opt))
				return cli_bad_option(c, argv);
		}
	}
	if (cli_check_args(c, argc - optind))
		return 2;
	for (int i = optind; i < argc; i++) {
		if (is_glob(argv[i])) {
			if (cfg.n_globs == MAX_FILTERS)
				return cli_usage_err("list", "list: too many patterns");
			cfg.globs[cfg.n_globs++] = argv[i];
		} else {
			if (n_id_args == MAX_FILTERS)
				return cli_usage_err("list", "list: too many DEs");
			id_args[n_id_args++] = argv[i];
		}
	}
	if (cli_open(c, NULL) < 0)
		return 1;
	for (int i = 0; i < n_id_args; i++)
		if (cli_parse_de(c, id_args[i], &cfg.ids[cfg.n_ids++]) < 0)
			return 1;
	n = stlm_de_count(c->s);
	if (n < 0) {
		cli_err(c, "cannot list DEs: %s", cli_strerror(n));
		return 1;
	}
	if (c->json) {
		cli_doc_begin(c, &w);
		jw_key(&w, "des");
		jw_array_begin(&w);
	}
	out_init(&o, c, &w, c->json ? OUT_JSON : OUT_TABLE);
	o.no_header = cfg.no_header;
	for (int i = 0; i < n; i++) {
		const struct stlm_de *de = stlm_de_at(c->s, (size_t)i);

		if (!de || !match(&cfg, de))
			continue;
		out_row_begin(&o);
		cli_print_de(&o, de, false);
		out_row_end(&o);
		shown++;
	}
	out_flush(&o);
	if (shown == 0 && cfg.n_globs > 0) {
		/* A pattern that names nothing is almost always a wrong name
		 * (or no catalog): say so instead of an empty, successful list. */
		no_match(c, &cfg);
		return 1;
	}
	if (c->json) {
		jw_array_end(&w);
		jw_kv_uint(&w, "count", shown);
		jw_kv_uint(&w, "total", (uint64_t)n);
		cli_doc_end(c, &w);
	}
	return 0;
}
