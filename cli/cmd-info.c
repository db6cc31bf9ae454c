// SPDX-License-Identifier: MIT
/*
 * Copyright (c) 2026 The stlm authors
 *
 * stlm info: what the platform says about itself, and its collection.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"

static const char *mode_name(int mode)
{
	return mode == STLM_MODE_NOTIFY ? "notify" : "on_demand";
}

/* "1ms 2ms 5ms ..." or "1ms..1s step 1ms" */
static void intervals_text(const struct stlm_intervals *iv, char *buf,
			   size_t len)
{
	size_t o = 0;
	char t[32];

	buf[0] = '\0';
	if (iv->range && iv->n >= 3) {
		char a[32], b[32];

		cli_format_ns(iv->v[0].ns, a, sizeof(a));
		cli_format_ns(iv->v[1].ns, b, sizeof(b));
		cli_format_ns(iv->v[2].ns, t, sizeof(t));
		snprintf(buf, len, "%s..%s step %s", a, b, t);
		return;
	}
	for (size_t i = 0; i < iv->n && o < len; i++) {
		cli_format_ns(iv->v[i].ns, t, sizeof(t));
		o += (size_t)snprintf(buf + o, len - o, "%s%s", i ? " " : "", t);
	}
}

/* Shared with config: print the collection scope as pairs / JSON. */
void cli_print_collection(struct cli *c, struct out *o, struct jw *w)
{
	struct stlm_collection col = { 0 };
	struct stlm_intervals iv = { 0 };
	char buf[512];
	int r;

	r = stlm_collection_get(c->s, STLM_GROUP_ALL, &col);
	if (o->mode == OUT_JSON) {
		jw_key(w, "collection");
		jw_object_begin(w);
	}
	if (r >= 0) {
		out_bool(o, "enabled", "Collection", col.enabled, "on", "off");
		out_str(o, "mode", "Mode", mode_name(col.mode));
		cli_format_ns(col.interval.ns, buf, sizeof(buf));
		out_uint(o, "interval_ns", NULL, col.interval.ns);
		out_str(o, NULL, "Interval", buf);
	} else {
		out_str(o, "error", "Collection", cli_strerror(r));
	}
	if (o->mode == OUT_JSON)
		jw_object_end(w);

	r = stlm_intervals_get(c->s, STLM_GROUP_ALL, &iv);
	if (r < 0)
		return;
	if (o->mode == OUT_JSON) {
		jw_key(w, "intervals");
		jw_object_begin(w);
		jw_kv_bool(w, "range", iv.range);
		jw_key(w, "ns");
		jw_array_begin(w);
		for (size_t i = 0; i < iv.n; i++)
			jw_uint(w, iv.v[i].ns);
		jw_array_end(w);
		jw_object_end(w);
	} else {
		intervals_text(&iv, buf, sizeof(buf));
		out_str(o, NULL, "Intervals", buf);
	}
}

static const char *info_help =
	"Options: only the common ones.\n"
	"Prints the platform's identity (vendor, implementation, DE revision\n"
	"UUID), the catalog that names its DEs, capabilities, DE / group /\n"
	"SHMTI counts, how many DEs are enabled, and the collection state.\n";

static const struct option info_longopts[] = { CLI_COMMON_LONGOPTS, { 0 } };
const struct cli_optab cli_info_optab = { .shortopts = "", .longopts = info_longopts };

int stlm_cmd_info_main(struct cli *c, int argc, char **argv)
{
	struct stlm_platform_info pi;
	struct out o;
	struct jw w;
	char buf[128];
	int opt, r, n, enabled = 0;
	const char *cat;

	while ((opt = cli_getopt(c, argc, argv, &cli_info_optab)) != -1) {
		if (opt == 'h')
			return cli_help(c, info_help);
		if (!cli_common_opt(c, opt))
			return cli_bad_option(c, argv);
	}
	if (cli_check_args(c, argc - optind))
		return 2;
	if (cli_open(c, NULL) < 0)
		return 1;
	r = stlm_session_info(c->s, &pi);
	if (r < 0) {
		cli_err(c, "cannot read the platform information: %s",
			cli_strerror(r));
		return 1;
	}
	n = stlm_de_count(c->s);
	if (n < 0) {
		cli_err(c, "cannot list DEs: %s", cli_strerror(n));
		return 1;
	}
	for (int i = 0; i < n; i++)
		enabled += stlm_de_enabled(stlm_de_at(c->s, (size_t)i));
	cat = cli_catalog_name(c->s);

	if (c->json)
		cli_doc_begin(c, &w);
	out_init(&o, c, &w, c->json ? OUT_JSON : OUT_PAIRS);
	out_str(&o, "platform", "Platform",
		c->is_builtin ? "built-in emulated platform" :
				stlm_session_uri(c->s));
	out_bool(&o, "builtin", NULL, c->is_builtin, "", "");
	out_str(&o, "interface", "Interface", stlm_session_interface(c->s));
	snprintf(buf, sizeof(buf), "%u.%u", pi.protocol_version >> 16,
		 pi.protocol_version & 0xFFFF);
	out_str(&o, "protocol_version", "Telemetry protocol", buf);
	out_str(&o, "vendor", "Vendor", pi.vendor);
	out_str(&o, "sub_vendor", "Sub-vendor", pi.sub_vendor);
	snprintf(buf, sizeof(buf), "0x%08x", pi.impl_version);
	out_uint(&o, "impl_version", NULL, pi.impl_version);
	out_str(&o, NULL, "Implementation", buf);
	out_str(&o, "uuid", "DE revision", pi.uuid_str);
	out_str(&o, "catalog", "Catalog", cat ? cat : NULL);
	if (!cat && c->catalog_notice[0])	/* JSON: the "warnings" array */
		out_str(&o, NULL, "Catalog note",
			"none applies: DEs have only their firmware names, and signed values may read wrong");
	out_uint(&o, "des", "DEs", (uint64_t)n);
	out_uint(&o, "des_enabled", "Enabled DEs", (uint64_t)enabled);
	out_uint(&o, "groups", "Groups", pi.n_groups);
	out_uint(&o, "shmti", "SHMTIs", pi.n_shmti);
	if (o.mode == OUT_JSON) {
		jw_key(&w, "capabilities");
		jw_object_begin(&w);
		jw_kv_bool(&w, "single_sample", pi.single_sample);
		jw_kv_bool(&w, "notifications", pi.notifications);
		jw_kv_bool(&w, "per_group", pi.per_group);
		jw_kv_bool(&w, "reset", pi.reset);
		jw_kv_bool(&w, "fastchannels", pi.fastchannels);
		jw_object_end(&w);
	} else {
		snprintf(buf, sizeof(buf), "%s%s%s%s%s",
			 pi.single_sample ? "single-sample " : "",
			 pi.notifications ? "notifications " : "",
			 pi.per_group ? "per-group " : "",
			 pi.reset ? "reset " : "",
			 pi.fastchannels ? "fastchannels " : "");
		if (buf[0])
			buf[strlen(buf) - 1] = '\0';
		out_str(&o, NULL, "Capabilities", buf[0] ? buf : "none");
	}
	out_uint(&o, "blk_ts_rate_khz", NULL, pi.default_blk_ts_rate_khz);
	snprintf(buf, sizeof(buf), "%u kHz", pi.default_blk_ts_rate_khz);
	out_str(&o, NULL, "Block timestamp clock", buf);
	out_uint(&o, "max_msg_size", "Max message size", pi.max_msg_size);
	out_uint(&o, "generation", "Generation", stlm_session_generation(c->s));
	{
		uint64_t dv[STLM_DEV_KINDS], total = 0;
		size_t dl = 0;

		buf[0] = '\0';
		if (stlm_session_deviations(c->s, dv, STLM_DEV_KINDS) < 0)
			memset(dv, 0, sizeof(dv));
		for (int k = 0; k < STLM_DEV_KINDS; k++) {
			total += dv[k];
			if (dv[k] && dl < sizeof(buf))
				dl += (size_t)snprintf(buf + dl, sizeof(buf) - dl,
						       "%s%s %llu", dl ? ", " : "",
						       stlm_deviation_name(k),
						       (unsigned long long)dv[k]);
		}
		if (o.mode == OUT_JSON) {
			jw_key(&w, "deviations");
			jw_object_begin(&w);
			for (int k = 0; k < STLM_DEV_KINDS; k++)
				jw_kv_uint(&w, stlm_deviation_name(k), dv[k]);
			jw_object_end(&w);
		} else {
			out_str(&o, NULL, "Deviations tolerated",
				total ? buf : "none");
		}
	}
	cli_print_collection(c, &o, &w);
	if (c->json)
		cli_doc_end(c, &w);
	return 0;
}
