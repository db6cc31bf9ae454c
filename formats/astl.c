// SPDX-License-Identifier: MIT
/*
 * Copyright (c) 2026 The stlm authors
 *
 * ASTL description files (astl.h, docs/catalog-format.md "ASTL
 * description files"): spec files of both generations, repometa.json,
 * platform_lookup.json and metrics declarations.
 *
 * Theory of operation
 * -------------------
 * A document (at most ASTL_MAX_FILE bytes, no NUL) is parsed by json-c
 * in strict mode with a nesting limit; a syntax error is reported as
 * FILE:LINE:COL at the tokener's offset. The tree is then walked with a
 * small JSON path stack, so every semantic error reads
 * "FILE: layout[3].members[1].base_de_id: problem". Unknown keys are
 * ignored (the format has no version and grows fields); known keys are
 * checked for type and range, and every count is bounded.
 *
 * A spec keeps its blocks in document order, HEADER blocks included (the
 * block index in a message is the index in the file). While parsing, the
 * file-only findings are collected: a register declared twice for one
 * component in a block, unit texts that needed normalising (once per
 * distinct text), and the block ranges [start, start + count * size)
 * checked against [0, size) for overlaps, gaps and overruns.
 *
 * Expansion follows ASTL: for target t, instance i of a block of count
 * n gets global instance t * n + i, and DE id (global << 16) | base id.
 * Duplicate ids and duplicate full names are found with open-addressing
 * hash tables over the slots; every slot keeps the index of the first
 * slot with its id.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <json-c/json.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "astl-internal.h"
#include "jsonerr.h"
#include "num.h"
#include "units.h"

#define ASTL_DEPTH	32	/* JSON nesting */

/* ------------------------------------------------------------------ */
/* Units                                                               */

struct unit_map {
	const char *text;	/* lower case */
	int unit;
	int exp;
	bool astl_known;	/* ASTL's own unit table accepts it */
	const char *note;
};

static const struct unit_map unit_map[] = {
	{ "", 0, 0, true, NULL },
	{ "none", 0, 0, false, "not an ASTL unit" },
	{ "c", 2, 0, true, "abbreviation" },
	{ "celsius", 2, 0, true, NULL },
	{ "celcius", 2, 0, true, "misspelt" },
	{ "degc", 2, 0, false, "abbreviation" },
	{ "w", 7, 0, true, "abbreviation" },
	{ "watt", 7, 0, true, "singular" },
	{ "watts", 7, 0, true, NULL },
	{ "mw", 7, -3, false, "mW: exponent -3" },
	{ "v", 5, 0, true, "abbreviation" },
	{ "volt", 5, 0, true, "singular" },
	{ "volts", 5, 0, true, NULL },
	{ "mv", 5, -3, false, "mV: exponent -3" },
	{ "a", 6, 0, true, "abbreviation" },
	{ "amp", 6, 0, true, "singular" },
	{ "amps", 6, 0, true, NULL },
	{ "ampere", 6, 0, false, "not recognised by ASTL" },
	{ "amperes", 6, 0, false, "not recognised by ASTL" },
	{ "ma", 6, -3, false, "mA: exponent -3" },
	{ "s", 21, 0, true, "abbreviation" },
	{ "sec", 21, 0, true, "abbreviation" },
	{ "second", 21, 0, true, "singular" },
	{ "seconds", 21, 0, true, NULL },
	{ "ms", 21, -3, false, "ms: exponent -3" },
	{ "us", 21, -6, false, "us: exponent -6" },
	{ "ns", 21, -9, false, "ns: exponent -9" },
	{ "hz", 20, 0, false, "not recognised by ASTL" },
	{ "hertz", 20, 0, false, "not recognised by ASTL" },
	{ "khz", 20, 3, false, "kHz: exponent +3" },
	{ "mhz", 20, 6, true, "MHz: exponent +6" },
	{ "ghz", 20, 9, false, "GHz: exponent +9" },
	{ "j", 8, 0, false, "abbreviation" },
	{ "joule", 8, 0, false, "singular" },
	{ "joules", 8, 0, false, NULL },
	{ "rpm", 19, 0, true, NULL },
	{ "%", 65, 0, true, "percent sign" },
	{ "percent", 65, 0, false, "percent" },
	{ "percentage", 65, 0, false, NULL },
	{ "count", 67, 0, true, "singular" },
	{ "counts", 67, 0, false, NULL },
	{ "bit", 60, 0, false, "not recognised by ASTL" },
	{ "bits", 60, 0, false, "not recognised by ASTL" },
	{ "byte", 61, 0, false, "singular" },
	{ "bytes", 61, 0, false, NULL },
	{ "cycles", 39, 0, false, NULL },
};

/* The platform-format word of a code the map above gives ("celsius"). */
const char *stlm__astl_unit_word(int unit)
{
	return unit == STLM_UNIT_OEM ? NULL : stlm__unit_word(unit);
}

void stlm__astl_unit(const char *text, int *unit, int *exp_adjust,
		     bool *normalised, const char **note)
{
	char low[32];
	size_t n;

	*unit = ASTL_UNIT_UNKNOWN;
	*exp_adjust = 0;
	*normalised = true;
	*note = "unknown unit";
	if (!text)
		text = "";
	n = strlen(text);
	if (n >= sizeof(low))
		return;
	for (size_t i = 0; i <= n; i++)
		low[i] = (char)tolower((unsigned char)text[i]);
	for (size_t i = 0; i < sizeof(unit_map) / sizeof(unit_map[0]); i++) {
		const struct unit_map *m = &unit_map[i];
		const char *w;

		if (strcmp(m->text, low))
			continue;
		*unit = m->unit;
		*exp_adjust = m->exp;
		w = stlm__astl_unit_word(m->unit);
		if (!n) {
			*normalised = false;
			*note = NULL;
		} else if (!strcmp(text, w) && m->astl_known) {
			*normalised = false;
			*note = NULL;
		} else {
			*normalised = true;
			*note = m->note ? m->note :
				!strcmp(low, text) ? "not recognised by ASTL" :
				"letter case";
		}
		return;
	}
}

const char *stlm__astl_kind_name(enum astl_kind k)
{
	switch (k) {
	case ASTL_KIND_GAUGE:
		return "gauge";
	case ASTL_KIND_COUNTER:
		return "counter";
	case ASTL_KIND_HISTOGRAM:
		return "histogram";
	default:
		return "unknown";
	}
}

/* ------------------------------------------------------------------ */
/* UUIDs                                                               */

int stlm__astl_uuid_parse(const char *text, uint8_t uuid[16],
			  unsigned int *nbytes)
{
	unsigned int n = 0, nb = 16;
	const char *p = text;

	if (!text)
		return -EINVAL;
	memset(uuid, 0, 16);
	while (*p && *p != '/') {
		int hi, lo;

		if (*p == '-') {
			p++;
			continue;
		}
		hi = stlm__hex_digit(p[0]);
		lo = hi >= 0 ? stlm__hex_digit(p[1]) : -1;
		if (lo < 0 || n >= 16)
			return -EINVAL;
		uuid[n++] = (uint8_t)(hi << 4 | lo);
		p += 2;
	}
	if (n != 16)
		return -EINVAL;
	if (*p == '/') {
		char *end;
		long v;

		p++;
		if (!isdigit((unsigned char)*p))
			return -EINVAL;
		errno = 0;
		v = strtol(p, &end, 10);
		if (errno || *end || v < 1 || v > 16)
			return -EINVAL;
		nb = (unsigned int)v;
	}
	if (nbytes)
		*nbytes = nb;
	return 0;
}

bool stlm__astl_uuid_match(const uint8_t key[16], unsigned int nbytes,
			   const uint8_t uuid[16])
{
	if (nbytes < 1 || nbytes > 16)
		nbytes = 16;
	return !memcmp(key, uuid, nbytes);
}

/* ------------------------------------------------------------------ */
/* Walking with a path                                                 */


void push_key(struct walk *w, const char *key)
{
	stlm__jsonerr_push(w->path, PATH_DEPTH, &w->depth, key, 0);
}

void push_index(struct walk *w, uint32_t index)
{
	stlm__jsonerr_push(w->path, PATH_DEPTH, &w->depth, NULL, index);
}

void pop(struct walk *w)
{
	w->depth--;
}

int werr(struct walk *w, const char *fmt, ...)
{
	char path[256], msg[512];
	va_list ap;

	if (!w->err || !w->errlen)
		return -EINVAL;
	va_start(ap, fmt);
	stlm__jsonerr_vformat(w->path, PATH_DEPTH, w->depth, path,
			      sizeof(path), msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (path[0])
		snprintf(w->err, w->errlen, "%s: %s: %s", w->file, path, msg);
	else
		snprintf(w->err, w->errlen, "%s: %s", w->file, msg);
	return -EINVAL;
}

/* Parse JSON text strictly: the root or -EINVAL/-EFBIG with err. */
int json_parse(const char *text, size_t len, const char *file,
		      struct json_object **ret, char *err, size_t errlen)
{
	return stlm__jsonerr_parse(text, len, file, ASTL_MAX_FILE, ASTL_DEPTH,
				   true, ret, err, errlen);
}

int stlm__astl_read_file(const char *path, char **buf, size_t *len,
			 char *err, size_t errlen)
{
	return stlm__jsonerr_read_file(path, ASTL_MAX_FILE, "", buf, len, err,
				       errlen);
}

/*
 * An array for the members of object o (at key, at most max of what), one
 * more than there are, zeroed: 0, -EINVAL with err or -ENOMEM.
 */
int alloc_members(struct walk *w, struct json_object *o,
			 const char *key, uint32_t max, const char *what,
			 size_t size, void **ret)
{
	int r;

	if ((uint32_t)json_object_object_length(o) > max) {
		push_key(w, key);
		r = werr(w, "more than %u %s", max, what);
		pop(w);
		return r;
	}
	*ret = calloc((size_t)json_object_object_length(o) + 1, size);
	return *ret ? 0 : -ENOMEM;
}

/* Typed getters: 0 (found), 1 (absent, optional), or -EINVAL. */
int get_obj(struct walk *w, struct json_object *o, const char *key,
		   bool required, enum json_type t, struct json_object **ret)
{
	static const char *const tname[] = {
		[json_type_null] = "null", [json_type_boolean] = "a boolean",
		[json_type_double] = "a number", [json_type_int] = "an integer",
		[json_type_object] = "an object", [json_type_array] = "an array",
		[json_type_string] = "a string",
	};
	struct json_object *v;
	int r = 0;

	*ret = NULL;
	if (!json_object_object_get_ex(o, key, &v) || !v) {
		if (!required)
			return 1;
		return werr(w, "missing key '%s'", key);
	}
	if (json_object_get_type(v) != t) {
		push_key(w, key);
		r = werr(w, "must be %s", tname[t]);
		pop(w);
		return r;
	}
	*ret = v;
	return 0;
}

int get_str(struct walk *w, struct json_object *o, const char *key,
		   bool required, char **ret)
{
	struct json_object *v;
	const char *s;
	int r;

	*ret = NULL;
	r = get_obj(w, o, key, required, json_type_string, &v);
	if (r)
		return r;
	s = json_object_get_string(v);
	if ((size_t)json_object_get_string_len(v) > ASTL_MAX_STRING ||
	    strlen(s) != (size_t)json_object_get_string_len(v)) {
		push_key(w, key);
		r = werr(w, "string longer than %u bytes or with a NUL",
			 ASTL_MAX_STRING);
		pop(w);
		return r;
	}
	*ret = strdup(s);
	return *ret ? 0 : -ENOMEM;
}

/* An integer, or a string "0x..." (hex) or decimal, in [min, max]. */
int get_num(struct walk *w, struct json_object *o, const char *key,
		   bool required, int64_t min, int64_t max, int64_t *ret)
{
	struct json_object *v;
	int64_t x = 0;
	int r = 0;

	if (!json_object_object_get_ex(o, key, &v) || !v) {
		if (!required)
			return 1;
		return werr(w, "missing key '%s'", key);
	}
	push_key(w, key);
	if (json_object_get_type(v) == json_type_int) {
		errno = 0;
		x = json_object_get_int64(v);
		if (errno)
			r = werr(w, "integer out of range");
	} else if (json_object_get_type(v) == json_type_string) {
		const char *s = json_object_get_string(v);
		bool hex = s[0] == '0' && (s[1] == 'x' || s[1] == 'X');
		uint64_t u = 0;

		if (stlm__num_u64(s, &u) < 0 || u > INT64_MAX)
			r = werr(w, "'%.64s' is not a %s number", s,
				 hex ? "hexadecimal" : "decimal or 0x hexadecimal");
		x = (int64_t)u;
	} else {
		r = werr(w, "must be an integer or a \"0x...\" string");
	}
	if (!r && (x < min || x > max))
		r = werr(w, "%lld out of range [%lld, %lld]", (long long)x,
			 (long long)min, (long long)max);
	pop(w);
	if (!r)
		*ret = x;
	return r;
}

int get_bool(struct walk *w, struct json_object *o, const char *key,
		    bool *ret)
{
	struct json_object *v;
	int r = get_obj(w, o, key, false, json_type_boolean, &v);

	if (r)
		return r;
	*ret = json_object_get_boolean(v);
	return 0;
}

/* ------------------------------------------------------------------ */
/* Findings                                                            */

/*
 * Count a finding in *total and keep it (text from fmt) in (*arr)[*n] while
 * there are fewer than ASTL_MAX_FINDINGS: 0 or -ENOMEM.
 */
int add_finding(struct astl_finding **arr, uint32_t *n,
		       uint32_t *total, const struct astl_finding *f,
		       const char *fmt, ...)
{
	struct astl_finding *a;
	char buf[600];
	va_list ap;

	(*total)++;
	if (*n >= ASTL_MAX_FINDINGS)
		return 0;
	if (!*n || !(*n & (*n - 1))) {
		uint32_t cap = *n ? *n * 2 : 8;

		a = realloc(*arr, cap * sizeof(**arr));
		if (!a)
			return -ENOMEM;
		*arr = a;
	}
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	(*arr)[*n] = *f;
	(*arr)[*n].text = strdup(buf);
	if (!(*arr)[*n].text)
		return -ENOMEM;
	(*n)++;
	return 0;
}

void findings_free(struct astl_finding *f, uint32_t n)
{
	for (uint32_t i = 0; i < n; i++)
		free(f[i].text);
	free(f);
}

/* ------------------------------------------------------------------ */
/* Spec files                                                          */

static void member_done(struct astl_member *m)
{
	free(m->key);
	free(m->name);
	free(m->component);
	free(m->description);
	free(m->unit_text);
}

void stlm__astl_spec_free(struct astl_spec *s)
{
	if (!s)
		return;
	for (uint32_t b = 0; b < s->n_blocks; b++) {
		for (uint32_t m = 0; m < s->blocks[b].n_members; m++)
			member_done(&s->blocks[b].members[m]);
		free(s->blocks[b].members);
		free(s->blocks[b].component_name);
	}
	free(s->blocks);
	for (uint32_t i = 0; i < s->n_headers; i++)
		free(s->headers[i].name);
	free(s->headers);
	for (uint32_t i = 0; i < s->n_aliases; i++) {
		free(s->aliases[i].component);
		free(s->aliases[i].alias);
	}
	free(s->aliases);
	findings_free(s->findings, s->n_findings);
	free(s->file);
	free(s->uuid_text);
	free(s->description);
	free(s->instance_id);
	free(s->chiplet_id);
	free(s);
}

#define spec_finding(s, f, ...)						\
	add_finding(&(s)->findings, &(s)->n_findings,			\
		    &(s)->n_findings_total, f, __VA_ARGS__)

static int parse_member(struct walk *w, struct astl_spec *s,
			struct astl_block *blk, struct json_object *o,
			const char *key, struct astl_member *m)
{
	int64_t v;
	int r, adj;
	char *type = NULL;
	bool has_ue, has_mod;
	int64_t ue = 0, mod = 0;

	if (json_object_get_type(o) != json_type_object)
		return werr(w, "must be an object");
	if (key && !(m->key = strdup(key)))
		return -ENOMEM;
	r = get_str(w, o, "name", !key, &m->name);
	if (r < 0)
		return r;
	if (!m->name && !(m->name = strdup(key)))
		return -ENOMEM;
	if (!m->name[0]) {
		push_key(w, "name");
		r = werr(w, "empty name");
		pop(w);
		return r;
	}
	r = get_str(w, o, "component", !blk->component_name, &m->component);
	if (r < 0)
		return r;
	if (!m->component && !(m->component = strdup(blk->component_name)))
		return -ENOMEM;
	if (!m->component[0]) {
		push_key(w, "component");
		r = werr(w, "empty component");
		pop(w);
		return r;
	}
	if ((r = get_str(w, o, "description", false, &m->description)) < 0)
		return r;
	if (!m->description && !(m->description = strdup("")))
		return -ENOMEM;
	if ((r = get_str(w, o, "unit", false, &m->unit_text)) < 0)
		return r;
	if (!m->unit_text && !(m->unit_text = strdup("")))
		return -ENOMEM;
	r = get_num(w, o, "base_de_id", true, 0, 0xFFFF, &v);
	if (r < 0) {
		struct json_object *x;

		/* A clearer message for ids with instance bits set. */
		if (json_object_object_get_ex(o, "base_de_id", &x) &&
		    strstr(w->err ? w->err : "", "out of range")) {
			push_key(w, "base_de_id");
			r = werr(w, "%s: the upper 16 bits hold the instance and must be 0",
				 json_object_get_string(x));
			pop(w);
		}
		return r;
	}
	m->base_id = (uint32_t)v;
	r = get_num(w, o, "rel_offset", true, 0, ASTL_MAX_SIZE, &v);
	if (r < 0)
		return r;
	m->rel_offset = (uint32_t)v;
	m->line_size = 16;
	r = get_num(w, o, "line_size", false, 1, 4096, &v);
	if (r < 0)
		return r;
	if (!r)
		m->line_size = (uint32_t)v;
	r = get_num(w, o, "unit_exponent", false, -ASTL_MAX_EXPONENT,
		    ASTL_MAX_EXPONENT, &ue);
	if (r < 0)
		return r;
	has_ue = !r;
	r = get_num(w, o, "base10_unit_modifier", false, -ASTL_MAX_EXPONENT,
		    ASTL_MAX_EXPONENT, &mod);
	if (r < 0)
		return r;
	has_mod = !r;
	if (has_ue && has_mod && ue != mod) {
		push_key(w, "base10_unit_modifier");
		r = werr(w, "%lld disagrees with unit_exponent %lld",
			 (long long)mod, (long long)ue);
		pop(w);
		return r;
	}
	m->unit_exponent = (int)(has_mod ? mod : ue);
	r = get_str(w, o, "type", false, &type);
	if (r < 0)
		return r;
	m->kind = ASTL_KIND_UNKNOWN;
	if (type) {
		if (!strcasecmp(type, "gauge"))
			m->kind = ASTL_KIND_GAUGE;
		else if (!strcasecmp(type, "counter"))
			m->kind = ASTL_KIND_COUNTER;
		else if (!strcasecmp(type, "histogram"))
			m->kind = ASTL_KIND_HISTOGRAM;
		else {
			push_key(w, "type");
			r = werr(w, "unknown type '%.64s' (Gauge, Counter or Histogram)",
				 type);
			pop(w);
			free(type);
			return r;
		}
		free(type);
	}
	m->component_type = blk->component_type >= 0 ?
		(uint8_t)blk->component_type : (uint8_t)(m->base_id >> 8);
	stlm__astl_unit(m->unit_text, &m->unit, &adj, &m->unit_normalised,
			&m->unit_note);
	m->exponent = m->unit_exponent + adj;
	(void)s;
	return 0;
}

/* One finding per distinct unit text that needed normalising. */
static int unit_findings(struct astl_spec *s)
{
	for (uint32_t b = 0; b < s->n_blocks; b++) {
		for (uint32_t i = 0; i < s->blocks[b].n_members; i++) {
			struct astl_member *m = &s->blocks[b].members[i];
			struct astl_finding f = {
				.type = ASTL_FIND_UNIT, .block_a = (int)b,
				.member_a = (int)i, .block_b = -1,
				.member_b = -1, .count = 0,
			};
			bool seen = false;
			char buf[160];
			int r;

			if (!m->unit_normalised || s->blocks[b].header)
				continue;
			/* Counted on its first occurrence only. */
			for (uint32_t b2 = 0; b2 <= b && !seen; b2++)
				for (uint32_t j = 0; j < s->blocks[b2].n_members &&
				     (b2 < b || j < i); j++) {
					const struct astl_member *o = &s->blocks[b2].members[j];

					if (!s->blocks[b2].header &&
					    !strcmp(o->unit_text, m->unit_text)) {
						seen = true;
						break;
					}
				}
			if (seen)
				continue;
			for (uint32_t b2 = 0; b2 < s->n_blocks; b2++)
				for (uint32_t j = 0; j < s->blocks[b2].n_members; j++)
					if (!s->blocks[b2].header &&
					    !strcmp(s->blocks[b2].members[j].unit_text,
						    m->unit_text))
						f.count++;
			if (m->unit == ASTL_UNIT_UNKNOWN)
				snprintf(buf, sizeof(buf), "unknown, kept as text");
			else if (m->exponent != m->unit_exponent)
				snprintf(buf, sizeof(buf), "%s, exponent %+d",
					 stlm__astl_unit_word(m->unit),
					 m->exponent - m->unit_exponent);
			else
				snprintf(buf, sizeof(buf), "%s",
					 stlm__astl_unit_word(m->unit));
			r = spec_finding(s, &f,
					"unit \"%s\" -> %s (%s; %u DEs per target)",
					m->unit_text, buf,
					m->unit_note ? m->unit_note : "normalised",
					f.count);
			if (r < 0)
				return r;
		}
	}
	return 0;
}


static int dup_name_findings(struct astl_spec *s)
{
	for (uint32_t b = 0; b < s->n_blocks; b++) {
		const struct astl_block *blk = &s->blocks[b];

		if (blk->header)
			continue;
		for (uint32_t i = 1; i < blk->n_members; i++) {
			const struct astl_member *m = &blk->members[i];

			for (uint32_t j = 0; j < i; j++) {
				const struct astl_member *o = &blk->members[j];
				struct astl_finding f = {
					.type = ASTL_FIND_DUP_NAME,
					.block_a = (int)b, .member_a = (int)j,
					.block_b = (int)b, .member_b = (int)i,
					.id = m->base_id,
				};
				char txt[600];
				int r;

				if (strcmp(m->name, o->name) ||
				    strcmp(m->component, o->component))
					continue;
				snprintf(txt, sizeof(txt),
					 "%s[%u].members[%u] (0x%04x) and [%u] (0x%04x)",
					 blk_word(s), b, j, o->base_id, i, m->base_id);
				r = spec_finding(s, &f,
						 "register %s declared twice: %s",
						 m->name, txt);
				if (r < 0)
					return r;
				break;
			}
		}
	}
	return 0;
}

struct range {
	uint64_t begin, end;
	uint32_t block;
};

static int cmp_range(const void *a, const void *b)
{
	const struct range *x = a, *y = b;

	if (x->begin != y->begin)
		return x->begin < y->begin ? -1 : 1;
	return x->block < y->block ? -1 : x->block > y->block;
}

static int layout_findings(struct astl_spec *s)
{
	struct range *rg;
	uint64_t covered = 0;
	char t1[64], t2[64];
	int r = 0;

	if (!s->n_blocks)
		return 0;
	rg = calloc(s->n_blocks, sizeof(*rg));
	if (!rg)
		return -ENOMEM;
	for (uint32_t b = 0; b < s->n_blocks; b++) {
		const struct astl_block *blk = &s->blocks[b];

		rg[b].begin = blk->start_offset;
		rg[b].end = blk->start_offset + (uint64_t)blk->count * blk->block_size;
		rg[b].block = b;
		for (uint32_t i = 0; i < blk->n_members && !r; i++) {
			const struct astl_member *m = &blk->members[i];
			struct astl_finding f = {
				.type = ASTL_FIND_OUTSIDE, .block_a = (int)b,
				.member_a = (int)i, .block_b = -1, .member_b = -1,
				.begin = m->rel_offset,
				.end = (uint64_t)m->rel_offset + m->line_size,
			};

			if (f.end <= blk->block_size)
				continue;
			if (s->generation == 1)
				snprintf(t1, sizeof(t1), "layout[%u].members[%u]", b, i);
			else
				snprintf(t1, sizeof(t1), "members[%u].metrics", b);
			r = spec_finding(s, &f,
					 "%s%s%s: line [%u, %llu) past the end of its block (block_size %u)",
					 t1, s->generation == 1 ? "" : ".",
					 s->generation == 1 ? "" : m->key,
					 m->rel_offset, (unsigned long long)f.end,
					 blk->block_size);
		}
		if (r < 0)
			goto out;
		if (rg[b].end > s->size) {
			struct astl_finding f = {
				.type = ASTL_FIND_OUTSIDE, .block_a = (int)b,
				.member_a = -1, .block_b = -1, .member_b = -1,
				.begin = rg[b].begin, .end = rg[b].end,
			};

			snprintf(t1, sizeof(t1), "%s[%u]", blk_word(s), b);
			snprintf(t2, sizeof(t2), "[%llu, %llu)",
				 (unsigned long long)rg[b].begin,
				 (unsigned long long)rg[b].end);
			r = spec_finding(s, &f, "%s: bytes %s extend past size", t1, t2);
			if (r < 0)
				goto out;
		}
	}
	qsort(rg, s->n_blocks, sizeof(*rg), cmp_range);
	for (uint32_t k = 0; k < s->n_blocks; k++) {
		struct astl_finding f = { .member_a = -1, .member_b = -1 };

		if (rg[k].begin > covered) {
			f.type = ASTL_FIND_GAP;
			f.block_a = -1;
			f.block_b = (int)rg[k].block;
			f.begin = covered;
			f.end = rg[k].begin;
			snprintf(t1, sizeof(t1), "[%llu, %llu)",
				 (unsigned long long)f.begin,
				 (unsigned long long)f.end);
			snprintf(t2, sizeof(t2), "%s[%u]", blk_word(s), rg[k].block);
			r = spec_finding(s, &f, "gap: bytes %s are in no block (before %s)",
					 t1, t2);
		} else if (rg[k].begin < covered && k) {
			/* The latest block reaching past this one's start. */
			uint32_t prev = rg[0].block;

			for (uint32_t j = 0; j < k; j++)
				if (rg[j].end > rg[k].begin)
					prev = rg[j].block;
			f.type = ASTL_FIND_OVERLAP;
			f.block_a = (int)prev;
			f.block_b = (int)rg[k].block;
			f.begin = rg[k].begin;
			f.end = covered < rg[k].end ? covered : rg[k].end;
			snprintf(t1, sizeof(t1), "%s[%u]", blk_word(s), prev);
			snprintf(t2, sizeof(t2), "%s[%u]", blk_word(s), rg[k].block);
			r = spec_finding(s, &f, "overlap: %s and %s share bytes", t1, t2);
		}
		if (r < 0)
			goto out;
		if (rg[k].end > covered)
			covered = rg[k].end;
	}
	if (covered < s->size) {
		struct astl_finding f = {
			.type = ASTL_FIND_GAP, .block_a = -1, .block_b = -1,
			.member_a = -1, .member_b = -1,
			.begin = covered, .end = s->size,
		};

		snprintf(t1, sizeof(t1), "[%llu, %u)", (unsigned long long)covered,
			 s->size);
		r = spec_finding(s, &f, "gap: bytes %s are in no block", t1);
	}
out:
	free(rg);
	return r < 0 ? r : 0;
}

static int parse_block(struct walk *w, struct astl_spec *s,
		       struct json_object *o, struct astl_block *blk)
{
	struct json_object *mem;
	int64_t v;
	int r;

	if (json_object_get_type(o) != json_type_object)
		return werr(w, "must be an object");
	r = get_num(w, o, "count", true, 1, ASTL_MAX_COUNT, &v);
	if (r < 0)
		return r;
	blk->count = (uint32_t)v;
	r = get_num(w, o, "start_offset", true, 0, ASTL_MAX_SIZE, &v);
	if (r < 0)
		return r;
	blk->start_offset = (uint32_t)v;
	r = get_num(w, o, "block_size", true, 1, ASTL_MAX_SIZE, &v);
	if (r < 0)
		return r;
	blk->block_size = (uint32_t)v;
	if ((uint64_t)blk->count * blk->block_size + blk->start_offset >
	    (uint64_t)ASTL_MAX_SIZE) {
		push_key(w, "count");
		r = werr(w, "count x block_size past %u bytes", ASTL_MAX_SIZE);
		pop(w);
		return r;
	}
	blk->component_type = -1;
	if (s->generation == 2) {
		r = get_num(w, o, "component_type", false, 0, 255, &v);
		if (r < 0)
			return r;
		if (!r)
			blk->component_type = (int)v;
		r = get_str(w, o, "component_name", false, &blk->component_name);
		if (r < 0)
			return r;
		r = get_obj(w, o, "metrics", true, json_type_object, &mem);
		if (r)
			return r;
		if (json_object_object_length(mem) < 1 ||
		    (uint32_t)json_object_object_length(mem) > ASTL_MAX_MEMBERS) {
			push_key(w, "metrics");
			r = werr(w, "1 to %u metrics per block", ASTL_MAX_MEMBERS);
			pop(w);
			return r;
		}
		blk->members = calloc((size_t)json_object_object_length(mem),
				      sizeof(*blk->members));
		if (!blk->members)
			return -ENOMEM;
		push_key(w, "metrics");
		json_object_object_foreach(mem, k, val) {
			struct astl_member *m = &blk->members[blk->n_members++];

			if (strlen(k) > ASTL_MAX_STRING) {
				r = werr(w, "key longer than %u bytes", ASTL_MAX_STRING);
				break;
			}
			push_key(w, k);
			r = parse_member(w, s, blk, val, k, m);
			pop(w);
			if (r < 0)
				break;
		}
		pop(w);
	} else {
		r = get_obj(w, o, "members", true, json_type_array, &mem);
		if (r)
			return r;
		if (json_object_array_length(mem) < 1 ||
		    json_object_array_length(mem) > ASTL_MAX_MEMBERS) {
			push_key(w, "members");
			r = werr(w, "1 to %u members per block", ASTL_MAX_MEMBERS);
			pop(w);
			return r;
		}
		blk->members = calloc(json_object_array_length(mem),
				      sizeof(*blk->members));
		if (!blk->members)
			return -ENOMEM;
		push_key(w, "members");
		for (size_t i = 0; i < json_object_array_length(mem); i++) {
			struct astl_member *m = &blk->members[blk->n_members++];

			push_index(w, (uint32_t)i);
			r = parse_member(w, s, blk, json_object_array_get_idx(mem, i),
					 NULL, m);
			pop(w);
			if (r < 0)
				break;
		}
		pop(w);
	}
	if (r < 0)
		return r;
	blk->header = true;
	for (uint32_t i = 0; i < blk->n_members; i++)
		if (strcmp(blk->members[i].component, "HEADER"))
			blk->header = false;
	if (!blk->header)
		for (uint32_t i = 0; i < blk->n_members; i++)
			if (!strcmp(blk->members[i].component, "HEADER")) {
				push_key(w, s->generation == 1 ? "members" : "metrics");
				if (s->generation == 1)
					push_index(w, i);
				else
					push_key(w, blk->members[i].key);
				r = werr(w, "HEADER member in a block of DEs");
				w->depth -= 2;
				return r;
			}
	return 0;
}

static int parse_aliases(struct walk *w, struct astl_spec *s,
			 struct json_object *o)
{
	int r = 0;

	r = alloc_members(w, o, "aliases", ASTL_MAX_ALIASES, "aliases",
			  sizeof(*s->aliases), (void **)&s->aliases);
	if (r)
		return r;
	push_key(w, "aliases");
	json_object_object_foreach(o, k, v) {
		struct astl_alias *a = &s->aliases[s->n_aliases];
		const char *dot = strrchr(k, '.');
		char *end;
		long inst;

		if (strlen(k) > ASTL_MAX_STRING) {
			r = werr(w, "key longer than %u bytes", ASTL_MAX_STRING);
			break;
		}
		push_key(w, k);
		errno = 0;
		inst = dot && dot != k && isdigit((unsigned char)dot[1]) ?
			strtol(dot + 1, &end, 10) : -1;
		if (inst < 0 || inst > 0xFFFF || errno || *end) {
			r = werr(w, "key must be COMPONENT.INSTANCE");
		} else if (json_object_get_type(v) != json_type_string ||
			   !json_object_get_string_len(v) ||
			   (size_t)json_object_get_string_len(v) > ASTL_MAX_STRING ||
			   strlen(json_object_get_string(v)) !=
			   (size_t)json_object_get_string_len(v)) {
			r = werr(w, "must be a non-empty string");
		} else {
			a->component = strndup(k, (size_t)(dot - k));
			a->alias = strdup(json_object_get_string(v));
			a->instance = (uint32_t)inst;
			s->n_aliases++;
			if (!a->component || !a->alias)
				r = -ENOMEM;
		}
		pop(w);
		if (r < 0)
			break;
	}
	pop(w);
	return r;
}

static int parse_spec(struct walk *w, struct json_object *root,
		void *doc)
{
	struct astl_spec *s = doc;
	struct json_object *blocks, *x;
	char *type = NULL;
	int64_t v;
	int r;

	if (json_object_get_type(root) != json_type_object)
		return werr(w, "the document must be a JSON object");
	r = get_str(w, root, "_type", false, &type);
	if (r < 0)
		return r;
	if (type && strcmp(type, "metrics_specification")) {
		push_key(w, "_type");
		r = werr(w, "'%.64s' is not \"metrics_specification\"", type);
		pop(w);
		free(type);
		return r;
	}
	free(type);
	r = get_str(w, root, "uuid", true, &s->uuid_text);
	if (r)
		return r;
	if (stlm__astl_uuid_parse(s->uuid_text, s->uuid, &s->uuid_bytes) < 0) {
		push_key(w, "uuid");
		r = werr(w, "'%.64s' is not a UUID (32 hex digits, optional hyphens, optional /N with N 1..16)",
			 s->uuid_text);
		pop(w);
		return r;
	}
	if ((r = get_str(w, root, "description", false, &s->description)) < 0)
		return r;
	if (!s->description && !(s->description = strdup("")))
		return -ENOMEM;
	r = get_num(w, root, "size", true, 1, ASTL_MAX_SIZE, &v);
	if (r)
		return r;
	s->size = (uint32_t)v;
	if ((r = get_str(w, root, "chiplet_id", false, &s->chiplet_id)) < 0)
		return r;
	bool has_layout = json_object_object_get_ex(root, "layout", &x);
	bool has_members = json_object_object_get_ex(root, "members", &x);

	if (has_layout == has_members)
		return werr(w, has_layout ?
			    "both 'layout' (generation 1) and 'members' (generation 2)" :
			    "missing key 'layout' (generation 1) or 'members' (generation 2)");
	s->generation = has_layout ? 1 : 2;
	w->gen = s->generation;
	r = get_str(w, root, s->generation == 1 ? "instance_id" : "tdcf_instance_id",
		    false, &s->instance_id);
	if (r < 0)
		return r;
	if (!s->instance_id &&
	    (r = get_str(w, root, s->generation == 1 ? "tdcf_instance_id" : "instance_id",
			 false, &s->instance_id)) < 0)
		return r;
	r = get_obj(w, root, blk_word(s), true, json_type_array, &blocks);
	if (r)
		return r;
	if (json_object_array_length(blocks) < 1 ||
	    json_object_array_length(blocks) > ASTL_MAX_BLOCKS) {
		push_key(w, blk_word(s));
		r = werr(w, "1 to %u blocks", ASTL_MAX_BLOCKS);
		pop(w);
		return r;
	}
	s->blocks = calloc(json_object_array_length(blocks), sizeof(*s->blocks));
	if (!s->blocks)
		return -ENOMEM;
	push_key(w, blk_word(s));
	for (size_t i = 0; i < json_object_array_length(blocks); i++) {
		push_index(w, (uint32_t)i);
		r = parse_block(w, s, json_object_array_get_idx(blocks, i),
				&s->blocks[s->n_blocks++]);
		pop(w);
		if (r < 0)
			break;
	}
	pop(w);
	if (r < 0)
		return r;
	if (s->generation == 2) {
		r = get_obj(w, root, "aliases", false, json_type_object, &x);
		if (r < 0)
			return r;
		if (!r && (r = parse_aliases(w, s, x)) < 0)
			return r;
	}
	/* Headers and the per-target DE count. */
	for (uint32_t b = 0; b < s->n_blocks; b++) {
		const struct astl_block *blk = &s->blocks[b];

		if (!blk->header) {
			s->n_des_per_target += (uint64_t)blk->count * blk->n_members;
			continue;
		}
		for (uint32_t i = 0; i < blk->n_members; i++) {
			struct astl_header *h;

			h = realloc(s->headers, (s->n_headers + 1) * sizeof(*h));
			if (!h)
				return -ENOMEM;
			s->headers = h;
			h = &s->headers[s->n_headers];
			h->name = strdup(blk->members[i].name);
			if (!h->name)
				return -ENOMEM;
			h->offset = blk->start_offset + blk->members[i].rel_offset;
			h->size = blk->block_size;
			s->n_headers++;
		}
	}
	if (s->n_des_per_target > ASTL_MAX_SLOTS)
		return werr(w, "%llu DEs per target (at most %u)",
			    (unsigned long long)s->n_des_per_target, ASTL_MAX_SLOTS);
	if ((r = dup_name_findings(s)) < 0)
		return r;
	if ((r = unit_findings(s)) < 0)
		return r;
	return layout_findings(s);
}


int doc_parse(const struct doc_kind *k, const char *text, size_t len,
		     const char *file, void **ret, char *err, size_t errlen)
{
	struct walk w = { .file = file ? file : k->name, .err = err,
			  .errlen = errlen };
	struct json_object *root;
	char **name;
	void *doc;
	int r;

	if (err && errlen)
		err[0] = '\0';
	if (!ret || (!text && len))
		return -EINVAL;
	*ret = NULL;
	r = json_parse(text ? text : "", len, w.file, &root, err, errlen);
	if (r < 0)
		return r;
	doc = calloc(1, k->size);
	name = doc ? (char **)((char *)doc + k->file_off) : NULL;
	if (!doc || !(*name = strdup(w.file))) {
		free(doc);
		json_object_put(root);
		return -ENOMEM;
	}
	r = k->parse(&w, root, doc);
	json_object_put(root);
	if (r < 0) {
		if (r == -ENOMEM && err && errlen)
			snprintf(err, errlen, "%s: out of memory", w.file);
		k->free(doc);
		return r;
	}
	*ret = doc;
	return 0;
}

int doc_read(const struct doc_kind *k, const char *path, void **ret,
		    char *err, size_t errlen)
{
	char *buf;
	size_t len = 0;
	int r;

	if (err && errlen)
		err[0] = '\0';
	r = stlm__astl_read_file(path, &buf, &len, err, errlen);
	if (r < 0)
		return r;
	r = doc_parse(k, buf, len, path, ret, err, errlen);
	free(buf);
	return r;
}

ASTL_DOC_KIND(spec, "(spec)")

