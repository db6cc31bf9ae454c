// SPDX-License-Identifier: MIT
/*
 * Copyright (c) 2026 The stlm authors
 *
 * stlm catalog check for ASTL description files (docs/catalog-format.md,
 * "ASTL description files"): the file's own findings, and with a
 * platform the comparison of the file with its DE list. One line per
 * finding, "FILE: what: detail", then a summary line; --json gives the
 * same as one object per file.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

/* Text and JSON at once: one finding. */
static void finding(struct cli *c, struct jw *w, const char *file,
		    const struct stlm_astl_finding *f)
{
	if (c->json) {
		jw_object_begin(w);
		jw_kv_string(w, "type", f->type);
		jw_key(w, "id");
		if (f->id >= 0)
			jw_uint(w, (uint64_t)f->id);
		else
			jw_null(w);
		jw_kv_string(w, "text", f->text);
		jw_object_end(w);
	} else {
		fprintf(c->out, "%s: %s\n", file, f->text);
	}
}

static size_t report(struct cli *c, struct jw *w,
		     const struct stlm_astl_report *rep, size_t item)
{
	struct stlm_astl_spec sp;
	const char *f;
	size_t nf;

	if (stlm_astl_report_spec(rep, item, &sp) < 0)
		return 0;
	f = sp.file;
	nf = sp.finding_count;
	if (c->json) {
		jw_object_begin(w);
		jw_kv_string(w, "file", f);
		jw_kv_bool(w, "ok", true);
		jw_kv_string(w, "format", "astl");
		jw_kv_uint(w, "generation", (uint64_t)sp.generation);
		jw_kv_string(w, "uuid", sp.uuid);
		jw_kv_bool(w, "secondary_layout", sp.secondary_layout);
		jw_kv_uint(w, "uuid_bytes", sp.uuid_bytes);
		jw_kv_string(w, "description", sp.description);
		jw_kv_uint(w, "size", sp.size);
		jw_kv_uint(w, "targets", sp.targets);
		jw_kv_uint(w, "slots", sp.slots);
		jw_kv_uint(w, "distinct_ids", sp.distinct_ids);
		jw_kv_uint(w, "header_lines", sp.header_lines);
		jw_kv_string(w, "metrics_file", sp.metrics_file);
		jw_kv_bool(w, "live", sp.live);
		jw_kv_string(w, "platform_uuid", sp.platform_uuid);
		jw_key(w, "uuid_match");
		if (sp.live)
			jw_bool(w, sp.uuid_match);
		else
			jw_null(w);
		jw_key(w, "findings");
		jw_array_begin(w);
	} else {
		fprintf(c->out, "%s: ASTL spec, generation %d, uuid %s, \"%s\"\n",
			f, sp.generation, sp.uuid, sp.description);
	}
	for (size_t j = 0; j < sp.n_listed; j++) {
		struct stlm_astl_finding fd;

		if (stlm_astl_report_finding(rep, item, j, &fd) == 0)
			finding(c, w, f, &fd);
	}
	if (c->json) {
		jw_array_end(w);
		jw_key(w, "present");
		if (sp.compared)
			jw_uint(w, sp.present);
		else
			jw_null(w);
		jw_key(w, "missing");
		if (sp.compared)
			jw_uint(w, sp.missing);
		else
			jw_null(w);
		jw_key(w, "extra");
		if (sp.compared)
			jw_uint(w, sp.extra);
		else
			jw_null(w);
		jw_kv_uint(w, "metrics_disabled", sp.metrics_disabled);
		jw_kv_uint(w, "finding_count", nf);
		jw_kv_string(w, "error", NULL);
		jw_object_end(w);
	} else {
		fprintf(c->out, "%s: %zu DE slots, %zu distinct ids, %u target%s, %u HEADER lines",
			f, sp.slots, sp.distinct_ids, sp.targets,
			sp.targets == 1 ? "" : "s", sp.header_lines);
		if (sp.compared && sp.extras_listed)
			fprintf(c->out, "; platform %s%s: %zu present, %zu missing, %zu extra, %zu unit mismatches",
				sp.platform_uuid,
				sp.secondary_layout ? " (secondary layout)" : "",
				sp.present, sp.missing, sp.extra,
				sp.unit_mismatches);
		else if (sp.compared)
			fprintf(c->out, "; platform %s%s: %zu present, %zu missing, %zu unit mismatches",
				sp.platform_uuid,
				sp.secondary_layout ? " (secondary layout)" : "",
				sp.present, sp.missing, sp.unit_mismatches);
		else if (sp.live)
			fprintf(c->out, "; not this platform's spec (platform %s): file-only",
				sp.platform_uuid);
		else
			fprintf(c->out, "; offline: file-only");
		if (sp.metrics_file)
			fprintf(c->out, "; metrics %s (%u declarations, %zu DEs disabled)",
				sp.metrics_file, sp.n_metrics,
				sp.metrics_disabled);
		fprintf(c->out, "; %zu finding%s\n", nf, nf == 1 ? "" : "s");
	}
	return nf;
}

int cli_catalog_check_astl(struct cli *c, const char *path, bool offline,
			   struct jw *w, size_t *findings)
{
	struct stlm_astl_report *rep = NULL;
	struct stlm_astl *set = NULL;
	char err[512] = "";
	int r;

	r = stlm_astl_open(path, &set, err, sizeof(err));
	if (r == -EMEDIUMTYPE)
		return 0;
	if (r < 0) {
		cli_err(c, "%s", err[0] ? err : cli_strerror(r));
		if (c->json) {
			jw_object_begin(w);
			jw_kv_string(w, "file", path);
			jw_kv_bool(w, "ok", false);
			jw_kv_string(w, "format", "astl");
			jw_kv_string(w, "error", err[0] ? err : cli_strerror(r));
			jw_object_end(w);
		}
		return -1;
	}
	r = stlm_astl_check(offline ? NULL : c->s, set, &rep, err, sizeof(err));
	if (r < 0) {
		cli_err(c, "%s", err[0] ? err : cli_strerror(r));
		stlm_astl_close(set);
		return -1;
	}
	for (size_t i = 0; i < stlm_astl_report_count(rep); i++)
		*findings += report(c, w, rep, i);
	stlm_astl_report_free(rep);
	stlm_astl_close(set);
	return 1;
}
