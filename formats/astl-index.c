// SPDX-License-Identifier: MIT
/*
 * Copyright (c) 2026 The stlm authors
 *
 * ASTL index files (repometa.json, platform_lookup.json), metrics
 * declarations and the detection of what a document is (astl.h).
 */
#include <ctype.h>
#include <errno.h>
#include <json-c/json.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "astl-internal.h"

/* ------------------------------------------------------------------ */
/* Index files                                                         */

void stlm__astl_index_free(struct astl_index *x)
{
	if (!x)
		return;
	for (uint32_t i = 0; i < x->n_entries; i++) {
		free(x->entries[i].uuid_text);
		free(x->entries[i].path);
		free(x->entries[i].description);
		free(x->entries[i].name_template);
	}
	free(x->entries);
	free(x->file);
	free(x);
}

static char *resolve(const char *base, const char *rel)
{
	const char *slash = strrchr(base, '/');
	size_t dl = slash ? (size_t)(slash - base) : 0;
	char *p;

	if (rel[0] == '/' || !slash)
		return strdup(rel);
	p = malloc(dl + strlen(rel) + 2);
	if (p)
		sprintf(p, "%.*s/%s", (int)dl, base, rel);
	return p;
}

static int parse_index(struct walk *w, struct json_object *root,
		void *doc)
{
	struct astl_index *x = doc;
	const char *mapkey, *filekey;
	struct json_object *map;
	int r = 0;

	if (json_object_get_type(root) != json_type_object)
		return werr(w, "the document must be a JSON object");
	if (json_object_object_get_ex(root, "uuid_mapping", &map)) {
		x->kind = ASTL_DOC_REPOMETA;
		mapkey = "uuid_mapping";
		filekey = "specification_file";
	} else if (json_object_object_get_ex(root, "scmi_uuid_mapping", &map)) {
		x->kind = ASTL_DOC_LOOKUP;
		mapkey = "scmi_uuid_mapping";
		filekey = "metrics_file";
	} else {
		return werr(w, "missing key 'uuid_mapping' (repometa) or 'scmi_uuid_mapping' (platform_lookup)");
	}
	r = get_obj(w, root, mapkey, true, json_type_object, &map);
	if (r)
		return r;
	r = alloc_members(w, map, mapkey, ASTL_MAX_ENTRIES, "entries",
			  sizeof(*x->entries), (void **)&x->entries);
	if (r)
		return r;
	push_key(w, mapkey);
	json_object_object_foreach(map, k, v) {
		struct astl_index_entry *e = &x->entries[x->n_entries];
		char *rel = NULL;

		if (strlen(k) > ASTL_MAX_STRING) {
			r = werr(w, "key longer than %u bytes", ASTL_MAX_STRING);
			break;
		}
		push_key(w, k);
		if (stlm__astl_uuid_parse(k, e->uuid, &e->uuid_bytes) < 0) {
			r = werr(w, "key is not a UUID (32 hex digits, optional hyphens, optional /N with N 1..16)");
		} else if (json_object_get_type(v) != json_type_object) {
			r = werr(w, "must be an object");
		} else if (!(e->uuid_text = strdup(k))) {
			r = -ENOMEM;
		} else {
			x->n_entries++;
			r = get_str(w, v, filekey, true, &rel);
			if (!r && !rel[0]) {
				push_key(w, filekey);
				r = werr(w, "empty path");
				pop(w);
			}
			if (!r && !(e->path = resolve(x->file, rel)))
				r = -ENOMEM;
			if (!r)
				r = get_str(w, v, "description", false, &e->description);
			if (r >= 0 && x->kind == ASTL_DOC_LOOKUP) {
				static const char *const tk[] = {
					"name_template", "target_name", "name",
				};

				for (size_t i = 0; i < 3 && r >= 0 && !e->name_template; i++)
					r = get_str(w, v, tk[i], false, &e->name_template);
			}
			r = r < 0 ? r : 0;
			free(rel);
		}
		pop(w);
		if (r < 0)
			break;
	}
	pop(w);
	return r;
}

ASTL_DOC_KIND(index, "(index)")

const struct astl_index_entry *
stlm__astl_index_find(const struct astl_index *x, const uint8_t uuid[16])
{
	for (uint32_t i = 0; x && i < x->n_entries; i++)
		if (stlm__astl_uuid_match(x->entries[i].uuid,
					  x->entries[i].uuid_bytes, uuid))
			return &x->entries[i];
	return NULL;
}

/* ------------------------------------------------------------------ */
/* Metrics declarations                                                */

void stlm__astl_metrics_free(struct astl_metrics *m)
{
	if (!m)
		return;
	for (uint32_t i = 0; i < m->n_metrics; i++) {
		struct astl_metric *x = &m->metrics[i];

		free(x->key);
		free(x->reg);
		free(x->description);
		free(x->unit);
		free(x->metric_type);
		free(x->identifier);
		free(x->protocol);
		free(x->formula);
		free(x->component_filter);
		for (uint32_t g = 0; g < x->n_groups; g++)
			free(x->groups[g]);
		free(x->groups);
	}
	free(m->metrics);
	free(m->file);
	free(m);
}

static int parse_metric(struct walk *w, struct json_object *o,
			struct astl_metric *m)
{
	struct json_object *col = NULL, *groups;
	char *inst = NULL;
	int r;

	if (json_object_get_type(o) != json_type_object)
		return werr(w, "must be an object");
	m->instance_filter = -1;
	if ((r = get_str(w, o, "description", false, &m->description)) < 0 ||
	    (r = get_str(w, o, "unit", false, &m->unit)) < 0 ||
	    (r = get_str(w, o, "metric_type", false, &m->metric_type)) < 0 ||
	    (r = get_str(w, o, "identifier", false, &m->identifier)) < 0 ||
	    (r = get_str(w, o, "formula", false, &m->formula)) < 0 ||
	    (r = get_bool(w, o, "disabled", &m->disabled)) < 0 ||
	    (r = get_bool(w, o, "confidential", &m->confidential)) < 0)
		return r;
	if (!m->identifier &&
	    (r = get_str(w, o, "category", false, &m->identifier)) < 0)
		return r;
	r = get_obj(w, o, "collection", false, json_type_object, &col);
	if (r < 0)
		return r;
	if (col) {
		struct json_object *v;

		push_key(w, "collection");
		r = get_str(w, col, "protocol", false, &m->protocol);
		if (r >= 0)
			r = get_str(w, col, "register", false, &m->reg);
		if (r >= 0)
			r = get_str(w, col, "scmi_component_filter", false,
				    &m->component_filter);
		if (r >= 0 && json_object_object_get_ex(col, "scmi_instance_filter", &v)) {
			if (json_object_get_type(v) == json_type_string)
				r = get_str(w, col, "scmi_instance_filter", false, &inst);
			else
				r = get_num(w, col, "scmi_instance_filter", true, 0,
					    0xFFFF, &m->instance_filter);
		}
		if (r >= 0 && inst) {
			char *end;
			long x;

			errno = 0;
			x = isdigit((unsigned char)inst[0]) ? strtol(inst, &end, 10) : -1;
			if (x < 0 || x > 0xFFFF || errno || *end) {
				push_key(w, "scmi_instance_filter");
				r = werr(w, "'%.64s' is not an instance number", inst);
				pop(w);
			} else {
				m->instance_filter = x;
			}
			free(inst);
		}
		pop(w);
		if (r < 0)
			return r;
	}
	if (!m->protocol &&
	    (r = get_str(w, o, "collection_protocol", false, &m->protocol)) < 0)
		return r;
	if (!m->reg && (r = get_str(w, o, "register", false, &m->reg)) < 0)
		return r;
	if (!m->reg && (!m->protocol || !strcmp(m->protocol, "scmi")))
		return werr(w, "missing key 'register' (or collection.register)");
	r = get_obj(w, o, "metric_groups", false, json_type_array, &groups);
	if (r < 0)
		return r;
	if (!r) {
		size_t n = json_object_array_length(groups);

		push_key(w, "metric_groups");
		if (n > ASTL_MAX_GROUPS) {
			r = werr(w, "more than %u groups", ASTL_MAX_GROUPS);
			pop(w);
			return r;
		}
		m->groups = calloc(n + 1, sizeof(*m->groups));
		if (!m->groups)
			return -ENOMEM;
		for (size_t i = 0; i < n; i++) {
			struct json_object *g = json_object_array_get_idx(groups, i);

			push_index(w, (uint32_t)i);
			if (json_object_get_type(g) != json_type_string ||
			    !json_object_get_string_len(g) ||
			    (size_t)json_object_get_string_len(g) > ASTL_MAX_STRING ||
			    strchr(json_object_get_string(g), ',')) {
				r = werr(w, "must be a non-empty string without commas");
			} else if (!(m->groups[m->n_groups] =
				     strdup(json_object_get_string(g)))) {
				r = -ENOMEM;
			} else {
				m->n_groups++;
			}
			pop(w);
			if (r < 0)
				break;
		}
		pop(w);
		if (r < 0)
			return r;
	}
	return 0;
}

static int parse_metrics(struct walk *w, struct json_object *root,
		void *doc)
{
	struct astl_metrics *m = doc;
	struct json_object *map, *x;
	int r = 0;

	if (json_object_get_type(root) != json_type_object)
		return werr(w, "the document must be a JSON object");
	if (json_object_object_get_ex(root, "extends", &x))
		return werr(w, "extends: inherited declarations are not supported");
	r = get_obj(w, root, "metrics", true, json_type_object, &map);
	if (r)
		return r;
	r = alloc_members(w, map, "metrics", ASTL_MAX_ENTRIES, "metrics",
			  sizeof(*m->metrics), (void **)&m->metrics);
	if (r)
		return r;
	push_key(w, "metrics");
	json_object_object_foreach(map, k, v) {
		struct astl_metric *d = &m->metrics[m->n_metrics];

		if (strlen(k) > ASTL_MAX_STRING || !k[0]) {
			r = werr(w, "key empty or longer than %u bytes", ASTL_MAX_STRING);
			break;
		}
		if (!(d->key = strdup(k))) {
			r = -ENOMEM;
			break;
		}
		m->n_metrics++;
		push_key(w, k);
		r = parse_metric(w, v, d);
		pop(w);
		if (r < 0)
			break;
	}
	pop(w);
	return r;
}

ASTL_DOC_KIND(metrics, "(metrics)")

bool stlm__astl_metric_matches(const struct astl_metric *m,
			       const struct astl_slot *s)
{
	if (!m || !s || !m->reg)
		return false;
	if (m->protocol && strcmp(m->protocol, "scmi"))
		return false;
	if (strcmp(m->reg, s->name))
		return false;
	if (m->component_filter && strcmp(m->component_filter, s->component) &&
	    strcmp(m->component_filter, s->display_component))
		return false;
	if (m->instance_filter >= 0 &&
	    (uint32_t)m->instance_filter != s->global_instance)
		return false;
	return true;
}

/* ------------------------------------------------------------------ */
/* Detection                                                           */

enum astl_doc stlm__astl_detect(const char *text, size_t len)
{
	struct json_object *root = NULL, *x;
	enum astl_doc d = ASTL_DOC_NONE;

	if (!text || json_parse(text, len, "", &root, NULL, 0) < 0)
		return ASTL_DOC_NONE;
	if (json_object_get_type(root) != json_type_object)
		goto out;
	if (json_object_object_get_ex(root, "format", &x) ||
	    json_object_object_get_ex(root, "des", &x))
		goto out;	/* a native catalog */
	if ((json_object_object_get_ex(root, "_type", &x) &&
	     json_object_get_type(x) == json_type_string &&
	     !strcmp(json_object_get_string(x), "metrics_specification")) ||
	    (json_object_object_get_ex(root, "uuid", &x) &&
	     (json_object_object_get_ex(root, "layout", &x) ||
	      json_object_object_get_ex(root, "members", &x))))
		d = ASTL_DOC_SPEC;
	else if (json_object_object_get_ex(root, "uuid_mapping", &x))
		d = ASTL_DOC_REPOMETA;
	else if (json_object_object_get_ex(root, "scmi_uuid_mapping", &x))
		d = ASTL_DOC_LOOKUP;
	else if (json_object_object_get_ex(root, "metrics", &x) &&
		 json_object_get_type(x) == json_type_object)
		d = ASTL_DOC_METRICS;
out:
	json_object_put(root);
	return d;
}
