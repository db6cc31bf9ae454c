// SPDX-License-Identifier: MIT
/*
 * Copyright (c) 2026 The stlm authors
 *
 * stlm read [DE...]: one consistent snapshot, like `sensors` for a quick
 * look. Without DEs, every enabled DE.
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static const char *const flag_names[] = {
	"valid", "stale", "torn", "disabled", "unreachable", "invalid",
	"timestamp", "fastchannel", "message",
};

void cli_print_sample(struct out *o, const struct stlm_de *de, uint32_t id,
		      const struct stlm_sample *v, bool ts)
{
	bool valid = v && (v->flags & STLM_SAMPLE_VALID);
	bool has_ts = valid && (v->flags & STLM_SAMPLE_TIMESTAMP) &&
		      v->ts_rate_khz;
	const char *unit = de ? cli_de_unit(de) : "";
	char buf[96];

	out_hex(o, "id", "ID", id);
	out_str(o, "name", "NAME", de ? cli_de_name(de) : NULL);
	if (o->mode == OUT_CSV) {
		const char *st = NULL;

		if (valid)
			cli_format_double(v->value, buf, sizeof(buf));
		else
			buf[0] = '\0';
		if (valid && de && cli_de_kind(de) == STLM_KIND_STATE)
			st = cli_de_state_name(de, (int64_t)v->value);
		out_str(o, "value", "VALUE", buf);
		out_str(o, "unit", "UNIT", unit);
		/* status: the sample's validity; state: the state's name
		 * (state DEs, as "state" in JSON) */
		out_str(o, "status", "STATUS", valid ? "valid" :
			cli_sample_problem(v));
		out_str(o, "state", "STATE", st ? st : "");
	} else {
		cli_format_value(de, v, buf, sizeof(buf));
		out_num(o, "value", "VALUE", valid ? v->value : 0, valid, buf);
		out_right(o);
	}
	if (o->mode == OUT_JSON) {
		const char *st = NULL;

		jw_key(o->w, "raw");
		if (valid)
			jw_uint(o->w, v->raw);
		else
			jw_null(o->w);
		jw_kv_string(o->w, "unit", unit[0] ? unit : NULL);
		jw_kv_string(o->w, "kind",
			     de ? cli_kind_name(cli_de_kind(de)) : NULL);
		if (valid && de && cli_de_kind(de) == STLM_KIND_STATE)
			st = cli_de_state_name(de, (int64_t)v->value);
		jw_kv_string(o->w, "state", st);
		jw_kv_bool(o->w, "valid", valid);
		jw_key(o->w, "flags");
		jw_array_begin(o->w);
		for (size_t i = 0; v && i < sizeof(flag_names) / sizeof(flag_names[0]); i++)
			if (v->flags & (1u << i))
				jw_string(o->w, flag_names[i]);
		jw_array_end(o->w);
		jw_key(o->w, "ts");
		if (has_ts)
			jw_uint(o->w, v->ts);
		else
			jw_null(o->w);
		jw_key(o->w, "ts_rate_khz");
		if (has_ts)
			jw_uint(o->w, v->ts_rate_khz);
		else
			jw_null(o->w);
	} else if (ts) {
		if (has_ts)
			snprintf(buf, sizeof(buf), "%.6f",
				 (double)v->ts / ((double)v->ts_rate_khz * 1000.0));
		else
			snprintf(buf, sizeof(buf), "-");
		out_str(o, "ts_s", "TIMESTAMP", buf);
		out_right(o);
	}
}

static const char *read_help =
	"DE: decimal or 0x-hex id, or name. Without DEs, every enabled DE.\n"
	"All values come from one consistent snapshot.\n"
	"\n"
	"Options:\n"
	"  -e, --enable       enable the DEs (all without arguments) and start\n"
	"                     collection first, if needed\n"
	"  -s, --single       ask the platform for a fresh single sample first\n"
	"  -t, --timestamps   show the platform timestamp of each value (s)\n"
	"      --csv          CSV: id,name,value,unit,status,state (status:\n"
	"                     valid or the problem; state: a state DE's name)\n"
	"      --no-header    no header line\n"
	"\n"
	"On the built-in platform, when nothing is enabled and collection is\n"
	"off, read enables the DEs (all, or those given) and starts collection\n"
	"at the default interval, with a notice on stderr.\n";

enum { OPT_NO_HEADER = 0x2001 };
static const struct option read_longopts[] = {
	CLI_COMMON_LONGOPTS,
	{ "enable", no_argument, NULL, 'e' },
	{ "single", no_argument, NULL, 's' },
	{ "timestamps", no_argument, NULL, 't' },
	{ "csv", no_argument, NULL, CLI_OPT_CSV },
	{ "no-header", no_argument, NULL, OPT_NO_HEADER },
	{ 0 }
};
const struct cli_optab cli_read_optab = { .shortopts = "est", .longopts = read_longopts };

int stlm_cmd_read_main(struct cli *c, int argc, char **argv)
{
	bool enable = false, single = false, ts = false, no_header = false;
	struct stlm_snapshot *snap = NULL;
	struct cli_tally tally = { 0 };
	const struct stlm_sample *v;
	uint32_t *ids = NULL;
	size_t n_ids = 0, n;
	int opt, r, rc = 1;
	struct out o;
	struct jw w;

	while ((opt = cli_getopt(c, argc, argv, &cli_read_optab)) != -1) {
		switch (opt) {
		case 'h':
			return cli_help(c, read_help);
		case 'e':
			enable = true;
			break;
		case 's':
			single = true;
			break;
		case 't':
			ts = true;
			break;
		case CLI_OPT_CSV:
			c->csv = true;
			break;
		case OPT_NO_HEADER:
			no_header = true;
			break;
		default:
			if (!cli_common_opt(c, opt))
				return cli_bad_option(c, argv);
		}
	}
	if (cli_check_args(c, argc - optind))
		return 2;
	if (c->csv && c->json)
		return cli_usage_err("read", "read: --csv and --json exclude each other");
	if (cli_open(c, NULL) < 0)
		return 1;
	/* DEs: ids, names or name globs */
	if (argc > optind &&
	    cli_parse_des(c, &argv[optind], argc - optind, &ids, &n_ids) < 0)
		goto out;
	if (cli_ensure_collection(c, ids, n_ids, enable, 0) < 0)
		goto out;
	if (c->auto_enabled) {
		struct stlm_platform_info pi;

		/* Also fetch the message-only DEs on a fresh platform. */
		if (stlm_session_info(c->s, &pi) >= 0 && pi.single_sample)
			single = true;
	}
	r = stlm_snapshot_new(c->s, &snap);
	if (r >= 0)
		r = stlm_snapshot_select(snap, ids, n_ids);
	if (r >= 0)
		r = cli_take(c, snap, single ? STLM_TAKE_SINGLE_SAMPLE : 0,
			     c->auto_enabled ? 1500 : 0);
	if (r < 0) {
		cli_err(c, "cannot read: %s", cli_strerror(r));
		goto out;
	}
	v = stlm_snapshot_samples(snap, &n);
	if (!n && !n_ids && !c->quiet)
		fprintf(stderr, "stlm: no DE is enabled (see 'stlm enable', or "
				"'stlm read --enable')\n");

	if (c->json) {
		cli_doc_begin(c, &w);
		jw_kv_uint(&w, "generation", stlm_snapshot_generation(snap));
		jw_kv_uint(&w, "time_ns", stlm_snapshot_time_ns(snap));
		jw_key(&w, "samples");
		jw_array_begin(&w);
	}
	out_init(&o, c, &w, c->json ? OUT_JSON : c->csv ? OUT_CSV : OUT_TABLE);
	o.no_header = no_header;
	/* DEs given: in their order; else platform order. */
	for (size_t i = 0; i < (n_ids ? n_ids : n); i++) {
		const struct stlm_sample *si = n_ids ?
			stlm_snapshot_find(snap, ids[i]) : &v[i];
		uint32_t id = n_ids ? ids[i] : v[i].id;

		out_row_begin(&o);
		cli_print_sample(&o, stlm_de_get(c->s, id), id, si, ts);
		out_row_end(&o);
		cli_tally_add(&tally, si);
	}
	out_flush(&o);
	rc = cli_tally_verdict(c, &tally, single ? NULL :
			       "-s asks the platform for a fresh sample of DEs it reports only on request");
	if (c->json) {
		jw_array_end(&w);
		if (rc)
			cli_doc_error(c, &w, rc);
		cli_doc_end(c, &w);
	}
out:
	stlm_snapshot_free(snap);
	free(ids);
	return rc;
}
