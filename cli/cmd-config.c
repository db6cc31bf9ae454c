// SPDX-License-Identifier: MIT
/*
 * Copyright (c) 2026 The stlm authors
 *
 * stlm config: show or change collection (on/off, mode, update interval)
 * for the whole platform or one group.
 */
#include <errno.h>
#include <getopt.h>
#include <string.h>

#include "cli.h"

static const char *config_help =
	"Without options, shows the collection state. Options:\n"
	"  -i, --interval T   update interval: 100 (ms), 100ms, 1s, 500us;\n"
	"                     must be one the platform lists (see stlm info)\n"
	"  -m, --mode MODE    on_demand (SHMTIs refreshed) or notify\n"
	"                     (TELEMETRY_UPDATE notifications)\n"
	"      --on           start collection (telemetry on)\n"
	"      --off          stop collection (telemetry off)\n"
	"  -g, --group N      configure group N only (per-group platforms)\n"
	"\n"
	"Changing the interval or mode keeps collection on/off as it is.\n";

enum { OPT_ON = 0x2001, OPT_OFF };
static const struct option config_longopts[] = {
	CLI_COMMON_LONGOPTS,
	{ "interval", required_argument, NULL, 'i' },
	{ "mode", required_argument, NULL, 'm' },
	{ "on", no_argument, NULL, OPT_ON },
	{ "off", no_argument, NULL, OPT_OFF },
	{ "group", required_argument, NULL, 'g' },
	{ 0 }
};
const struct cli_optab cli_config_optab = { .shortopts = "i:m:g:", .longopts = config_longopts };

int stlm_cmd_config_main(struct cli *c, int argc, char **argv)
{
	uint32_t group = STLM_GROUP_ALL;
	uint64_t interval_ns = 0;
	int mode = -1, on = -1, opt, r;
	struct stlm_collection col;
	bool change;
	struct out o;
	struct jw w;

	while ((opt = cli_getopt(c, argc, argv, &cli_config_optab)) != -1) {
		switch (opt) {
		case 'h':
			return cli_help(c, config_help);
		case 'i':
			if (cli_parse_interval(optarg, &interval_ns) < 0)
				return cli_usage_err("config", "config: --interval: expected e.g. 100ms or 1s, got '%s'",
						     optarg);
			break;
		case 'm':
			if (!strcmp(optarg, "on_demand") || !strcmp(optarg, "on-demand"))
				mode = STLM_MODE_ON_DEMAND;
			else if (!strcmp(optarg, "notify"))
				mode = STLM_MODE_NOTIFY;
			else
				return cli_usage_err("config", "config: --mode: expected on_demand or notify, got '%s'",
						     optarg);
			break;
		case OPT_ON:
			on = 1;
			break;
		case OPT_OFF:
			on = 0;
			break;
		case 'g':
			if (cli_parse_u32(optarg, &group) < 0 ||
			    group >= STLM_GROUP_ALL)
				return cli_usage_err("config", "config: --group: expected a number, got '%s'",
						     optarg);
			break;
		default:
			if (!cli_common_opt(c, opt))
				return cli_bad_option(c, argv);
		}
	}
	if (cli_check_args(c, argc - optind))
		return 2;
	if (cli_open(c, NULL) < 0)
		return 1;
	change = interval_ns || mode >= 0 || on >= 0;
	r = stlm_collection_get(c->s, group, &col);
	if (r < 0) {
		if (group != STLM_GROUP_ALL && r == -ENOENT)
			cli_err(c, "no group %u", group);
		else
			cli_err(c, "cannot read the collection state: %s",
				cli_strerror(r));
		return 1;
	}
	if (change) {
		if (mode < 0)
			mode = col.mode;
		if (on < 0)
			on = col.enabled;
		r = stlm_collection_set(c->s, group, on == 1, mode, interval_ns);
		if (r == -ERANGE) {
			char buf[32];

			cli_format_ns(interval_ns, buf, sizeof(buf));
			cli_err(c, "interval %s is not supported by the platform (see 'stlm info')",
				buf);
			return 1;
		}
		if (r < 0) {
			cli_err(c, "cannot configure collection: %s",
				cli_strerror(r));
			return 1;
		}
		cli_builtin_settings_notice(c);
	}
	if (c->json)
		cli_doc_begin(c, &w);
	out_init(&o, c, &w, c->json ? OUT_JSON : OUT_PAIRS);
	if (group == STLM_GROUP_ALL) {
		out_str(&o, "scope", "Scope", "all");
		cli_print_collection(c, &o, &w);
	} else {
		char buf[32];

		r = stlm_collection_get(c->s, group, &col);
		out_str(&o, "scope", NULL, "group");
		out_uint(&o, "group", "Group", group);
		if (o.mode == OUT_JSON) {
			jw_key(&w, "collection");
			jw_object_begin(&w);
		}
		if (r >= 0) {
			out_bool(&o, "enabled", "Collection", col.enabled, "on",
				 "off");
			out_str(&o, "mode", "Mode", col.mode == STLM_MODE_NOTIFY ?
				"notify" : "on_demand");
			out_uint(&o, "interval_ns", NULL, col.interval.ns);
			cli_format_ns(col.interval.ns, buf, sizeof(buf));
			out_str(&o, NULL, "Interval", buf);
		}
		if (o.mode == OUT_JSON)
			jw_object_end(&w);
	}
	out_bool(&o, "changed", NULL, change, "", "");
	out_uint(&o, "generation", "Generation", stlm_session_generation(c->s));
	if (c->json)
		cli_doc_end(c, &w);
	return 0;
}
