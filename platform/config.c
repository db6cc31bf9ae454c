// SPDX-License-Identifier: MIT
/*
 * Copyright (c) 2026 The stlm authors
 *
 * Platform descriptions: JSON parser (docs/platform-format.md): value
 * readers, generators and the top level. DEs and repeat blocks are
 * config-des.c, cross-checks and destruction config-validate.c.
 *
 * Theory of operation
 * -------------------
 * The document is parsed strictly (json-c strict mode: no comments, no
 * trailing commas); a syntax error is reported as FILE:LINE:COL. Every
 * object is checked against its list of known keys first, so a typo is an
 * error rather than a silently ignored setting. Each value is then
 * converted and range-checked where it stands, and errors name the place
 * as a JSON path ("des[12].unit", "des[3][i=5].des[1].name" for the
 * instance i=5 of the second template of the repeat block des[3]).
 *
 * DEs are read in document order (config-des.c). A repeat block expands
 * its templates once per instance; each template is converted once into a prototype DE
 * and then instantiated (id, name, instance numbers), so a block of
 * 100,000 DEs costs little more than one. Field defaults come from, in
 * order: the template, the block's "defaults", the top-level
 * "de_defaults", the built-in default.
 *
 * Cross-checks (unique ids, SHMTI sizes, boot DEs, default interval...)
 * are done by the same code as stlmp_config_validate(), which is given the
 * origin of each DE so that its messages use document places too.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <json-c/json.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config-parse.h"
#include "gen.h"
#include "jsonerr.h"
#include "num.h"
#include "units.h"

#define JSON_MAX_DEPTH 32

/* ---------------------------------------------------------------- */
/* Name tables (protocol §5)                                        */

struct name_val {
	const char *name;
	uint32_t val;
};

static const struct name_val de_types[] = {
	{ "unspecified", 0 },
	{ "accumulated_idle_residency", 1 },
	{ "accumulated_idle_counts", 2 },
	{ "accumulated", 3 },
	{ "accumulated_other", 3 },
	{ "instantaneous_idle_state", 4 },
	{ "instantaneous", 5 },
	{ "instantaneous_other", 5 },
	{ "average", 6 },
	{ "status", 7 },
};




/* ---------------------------------------------------------------- */
/* Parser state and errors                                          */




static void verr(char *err, size_t errlen, const char *name, const char *place,
		 const char *fmt, va_list ap) __attribute__((format(printf, 5, 0)));

static void verr(char *err, size_t errlen, const char *name, const char *place,
		 const char *fmt, va_list ap)
{
	int n;

	if (!err || !errlen)
		return;
	if (place && *place)
		n = snprintf(err, errlen, "%s: %s: ", name, place);
	else
		n = snprintf(err, errlen, "%s: ", name);
	if (n < 0 || (size_t)n >= errlen)
		return;
	vsnprintf(err + n, errlen - (size_t)n, fmt, ap);
}


int perr(struct parser *ps, const char *place, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	verr(ps->err, ps->errlen, ps->name, place, fmt, ap);
	va_end(ap);
	return -EINVAL;
}


int vfail(const struct vctx *v, const char *place, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	verr(v->err, v->errlen, v->name, place, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

/* Places are truncated silently when absurdly deep. */

const char *pfmt(char *buf, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, PLACE_MAX, fmt, ap);
	va_end(ap);
	return buf;
}

const char *sub(char *buf, const char *base, const char *key)
{
	if (base && *base)
		return pfmt(buf, "%s.%s", base, key);
	return pfmt(buf, "%s", key);
}

const char *idx(char *buf, const char *base, uint64_t i)
{
	return pfmt(buf, "%s[%" PRIu64 "]", base, i);
}

void de_place(const struct origin *org, uint32_t i, char *buf)
{
	if (!org)
		pfmt(buf, "des[%u]", i);
	else if (org[i].tpl < 0)
		pfmt(buf, "des[%u]", org[i].blk);
	else
		pfmt(buf, "des[%u][i=%" PRId64 "].des[%d]", org[i].blk,
		     org[i].i, org[i].tpl);
}

void fmt_interval(const struct scmi_tlm_interval *iv, char *buf,
			 size_t n)
{
	static const char *const u[] = { "s", "ms", "us", "ns" };

	if (iv->exp <= 0 && iv->exp >= -9 && iv->exp % 3 == 0)
		snprintf(buf, n, "%u%s", iv->secs, u[-iv->exp / 3]);
	else
		snprintf(buf, n, "{secs %u, exp %d}", iv->secs, iv->exp);
}

/* ---------------------------------------------------------------- */
/* Value readers                                                    */

const char *type_name(struct json_object *o)
{
	switch (json_object_get_type(o)) {
	case json_type_null:
		return "null";
	case json_type_boolean:
		return "a boolean";
	case json_type_double:
		return "a non-integer number";
	case json_type_int:
		return "an integer";
	case json_type_object:
		return "an object";
	case json_type_array:
		return "an array";
	case json_type_string:
		return "a string";
	}
	return "?";
}

int check_keys(struct parser *ps, struct json_object *o,
		      const char *place, const char *what,
		      const char *const *allowed)
{
	struct json_object_iterator it, end;

	if (!json_object_is_type(o, json_type_object))
		return perr(ps, place, "expected %s object, got %s", what,
			    type_name(o));
	it = json_object_iter_begin(o);
	end = json_object_iter_end(o);
	for (; !json_object_iter_equal(&it, &end); json_object_iter_next(&it)) {
		const char *k = json_object_iter_peek_name(&it);
		const char *const *a;

		for (a = allowed; *a; a++)
			if (!strcmp(*a, k))
				break;
		if (!*a)
			return perr(ps, place, "unknown key '%.40s'", k);
	}
	return 0;
}

int get_bool(struct parser *ps, struct json_object *o,
		    const char *place, bool *ret)
{
	if (!json_object_is_type(o, json_type_boolean))
		return perr(ps, place, "expected true or false, got %s",
			    type_name(o));
	*ret = json_object_get_boolean(o);
	return 0;
}

int get_str(struct parser *ps, struct json_object *o, const char *place,
		   const char **ret)
{
	if (!json_object_is_type(o, json_type_string))
		return perr(ps, place, "expected a string, got %s",
			    type_name(o));
	*ret = json_object_get_string(o);
	if (strlen(*ret) != (size_t)json_object_get_string_len(o))
		return perr(ps, place, "NUL character in string");
	return 0;
}

/* A JSON integer, or a string holding a decimal or 0x-hex integer. */
int get_int(struct parser *ps, struct json_object *o, const char *place,
		   int64_t min, int64_t max, int64_t *ret)
{
	int64_t v;

	if (json_object_is_type(o, json_type_int)) {
		v = json_object_get_int64(o);
		if (v == INT64_MAX && json_object_get_uint64(o) != INT64_MAX)
			return perr(ps, place,
				    "integer too large (write it as a \"0x...\" string)");
	} else if (json_object_is_type(o, json_type_string)) {
		int r = stlm__num_i64(json_object_get_string(o), &v);

		if (r == -ERANGE)
			return perr(ps, place, "integer '%.40s' out of range",
				    json_object_get_string(o));
		if (r < 0)
			return perr(ps, place, "'%.40s' is not an integer",
				    json_object_get_string(o));
	} else {
		return perr(ps, place, "expected an integer, got %s",
			    type_name(o));
	}
	if (v < min || v > max) {
		if (min >= 0 && max >= 0xFFFFFFFFll)
			return perr(ps, place,
				    "%" PRId64 " out of range [%" PRId64
				    ", 0x%" PRIX64 "]",
				    v, min, (uint64_t)max);
		return perr(ps, place,
			    "%" PRId64 " out of range [%" PRId64 ", %" PRId64 "]",
			    v, min, max);
	}
	*ret = v;
	return 0;
}

int get_u32(struct parser *ps, struct json_object *o, const char *place,
		   uint32_t min, uint32_t max, uint32_t *ret)
{
	int64_t v = 0;
	int r = get_int(ps, o, place, min, max, &v);

	if (r < 0)
		return r;
	*ret = (uint32_t)v;
	return 0;
}

static int get_double(struct parser *ps, struct json_object *o,
		      const char *place, double *ret)
{
	if (!json_object_is_type(o, json_type_int) &&
	    !json_object_is_type(o, json_type_double))
		return perr(ps, place, "expected a number, got %s",
			    type_name(o));
	*ret = json_object_get_double(o);
	return 0;
}

/* The code of a DE type name (protocol §5), or -1. */
int de_type_code(const char *s)
{
	for (size_t i = 0; i < ARRAY_SIZE(de_types); i++)
		if (!strcmp(de_types[i].name, s))
			return (int)de_types[i].val;
	return -1;
}

/* A name code_of() knows, or a number in [0, 255] not in a reserved range. */
int get_enum(struct parser *ps, struct json_object *o,
		    const char *place, const char *what,
		    int (*code_of)(const char *), uint32_t rsv_lo,
		    uint32_t rsv_hi, uint8_t *ret)
{
	if (json_object_is_type(o, json_type_string)) {
		const char *s = json_object_get_string(o);
		int code = code_of(s);

		if (code >= 0) {
			*ret = (uint8_t)code;
			return 0;
		}
		if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
			goto number;
		return perr(ps, place, "unknown %s '%.40s'", what, s);
	}
number:
	{
		int64_t v;
		int r = get_int(ps, o, place, 0, 255, &v);

		if (r < 0)
			return r;
		if ((uint32_t)v >= rsv_lo && (uint32_t)v <= rsv_hi)
			return perr(ps, place, "reserved %s %" PRId64, what, v);
		*ret = (uint8_t)v;
	}
	return 0;
}

int get_unit(struct parser *ps, struct json_object *o,
		    const char *place, uint8_t *ret)
{
	if (json_object_is_type(o, json_type_string)) {
		const char *s = json_object_get_string(o);

		int code = stlm__unit_code(s);

		if (code >= 0) {
			*ret = (uint8_t)code;
			return 0;
		}
		if (!(s[0] == '0' && (s[1] == 'x' || s[1] == 'X')))
			return perr(ps, place, "unknown unit '%.40s'", s);
	}
	{
		int64_t v;
		int r = get_int(ps, o, place, 0, 255, &v);

		if (r < 0)
			return r;
		if (!stlm__unit_valid((int)v))
			return perr(ps, place, "reserved unit %" PRId64, v);
		*ret = (uint8_t)v;
	}
	return 0;
}

/*
 * An interval: "10ms", "250us", "1s", "100ns" (integer mantissa), or
 * {"secs": N, "exp": E}. A mantissa above 65535 is scaled down while it
 * stays exact.
 */
static int get_interval(struct parser *ps, struct json_object *o,
			const char *place, struct scmi_tlm_interval *ret)
{
	char pl[PLACE_MAX];
	uint64_t secs = 0;
	int exp;

	if (json_object_is_type(o, json_type_object)) {
		static const char *const keys[] = { "secs", "exp", NULL };
		struct json_object *s, *e;
		int64_t vs, ve;
		int r = check_keys(ps, o, place, "an interval", keys);

		if (r < 0)
			return r;
		if (!json_object_object_get_ex(o, "secs", &s) ||
		    !json_object_object_get_ex(o, "exp", &e))
			return perr(ps, place,
				    "an interval object needs \"secs\" and \"exp\"");
		r = get_int(ps, s, sub(pl, place, "secs"), 1, 0xFFFF, &vs);
		if (r < 0)
			return r;
		r = get_int(ps, e, sub(pl, place, "exp"), -16, 15, &ve);
		if (r < 0)
			return r;
		ret->secs = (uint16_t)vs;
		ret->exp = (int8_t)ve;
		return 0;
	}
	if (json_object_is_type(o, json_type_string)) {
		const char *s = json_object_get_string(o), *p = s;

		if (*p < '0' || *p > '9')
			goto bad;
		for (; *p >= '0' && *p <= '9'; p++) {
			secs = secs * 10 + (uint64_t)(*p - '0');
			if (secs > 0xFFFFFFFFull)
				return perr(ps, place,
					    "interval '%.40s' out of range", s);
		}
		if (!strcmp(p, "s"))
			exp = 0;
		else if (!strcmp(p, "ms"))
			exp = -3;
		else if (!strcmp(p, "us"))
			exp = -6;
		else if (!strcmp(p, "ns"))
			exp = -9;
		else
			goto bad;
		if (!secs)
			return perr(ps, place, "interval must be > 0");
		while (secs > 0xFFFF && secs % 10 == 0) {
			secs /= 10;
			exp++;
		}
		if (secs > 0xFFFF)
			return perr(ps, place,
				    "interval '%.40s' cannot be encoded", s);
		ret->secs = (uint16_t)secs;
		ret->exp = (int8_t)exp;
		return 0;
bad:
		return perr(ps, place,
			    "bad interval '%.40s' (want e.g. \"10ms\", \"250us\", \"1s\")",
			    s);
	}
	return perr(ps, place, "expected an interval string or object, got %s",
		    type_name(o));
}

/* Milliseconds: a JSON integer, or a duration string that is whole ms. */
static int get_ms(struct parser *ps, struct json_object *o, const char *place,
		  uint32_t *ret)
{
	struct scmi_tlm_interval iv;
	uint64_t ns;
	int r;

	if (json_object_is_type(o, json_type_int))
		return get_u32(ps, o, place, 1, 0xFFFFFFFFu, ret);
	if (!json_object_is_type(o, json_type_string))
		return perr(ps, place,
			    "expected a duration (\"500ms\") or milliseconds, got %s",
			    type_name(o));
	r = get_interval(ps, o, place, &iv);
	if (r < 0)
		return r;
	ns = scmi_tlm_interval_ns(&iv);
	if (ns % 1000000 || ns / 1000000 > 0xFFFFFFFFull)
		return perr(ps, place, "duration must be a whole number of ms");
	*ret = (uint32_t)(ns / 1000000);
	return 0;
}

static int get_intervals(struct parser *ps, struct json_object *o,
			 const char *place, struct stlmp_intervals *ret)
{
	char pl[PLACE_MAX];
	int r;

	if (json_object_is_type(o, json_type_object)) {
		static const char *const keys[] = { "min", "max", "step", NULL };
		static const char *const names[] = { "min", "max", "step" };

		r = check_keys(ps, o, place, "an interval range", keys);
		if (r < 0)
			return r;
		ret->v = calloc(3, sizeof(*ret->v));
		if (!ret->v)
			return -ENOMEM;
		ret->range = true;
		ret->n = 3;
		for (int i = 0; i < 3; i++) {
			struct json_object *x;

			if (!json_object_object_get_ex(o, names[i], &x))
				return perr(ps, place,
					    "an interval range needs \"min\", \"max\" and \"step\"");
			r = get_interval(ps, x, sub(pl, place, names[i]),
					 &ret->v[i]);
			if (r < 0)
				return r;
		}
		return 0;
	}
	if (json_object_is_type(o, json_type_array)) {
		size_t n = json_object_array_length(o);

		if (!n)
			return perr(ps, place, "empty interval list");
		if (n > STLMP_MAX_INTERVALS)
			return perr(ps, place, "more than %u intervals",
				    STLMP_MAX_INTERVALS);
		ret->v = calloc(n, sizeof(*ret->v));
		if (!ret->v)
			return -ENOMEM;
		ret->range = false;
		ret->n = (uint32_t)n;
		for (size_t i = 0; i < n; i++) {
			r = get_interval(ps, json_object_array_get_idx(o, i),
					 idx(pl, place, i), &ret->v[i]);
			if (r < 0)
				return r;
		}
		return 0;
	}
	return perr(ps, place,
		    "expected a list of intervals or {\"min\", \"max\", \"step\"}, got %s",
		    type_name(o));
}

/* Copy a string into a fixed field of cap bytes (<= cap-1 printable). */
static int get_name(struct parser *ps, struct json_object *o,
		    const char *place, char *buf, size_t cap)
{
	const char *s = NULL;
	int r = get_str(ps, o, place, &s);

	if (r < 0)
		return r;
	if (strlen(s) >= cap)
		return perr(ps, place, "'%.40s' longer than %zu characters", s,
			    cap - 1);
	for (const char *p = s; *p; p++)
		if (*p < 0x20 || *p > 0x7E)
			return perr(ps, place, "non-printable character in '%.40s'",
				    s);
	strcpy(buf, s);
	return 0;
}

/* ---------------------------------------------------------------- */
/* Generators                                                       */

static const char *const gen_kinds[] = {
	[STLMP_GEN_CONST] = "const",
	[STLMP_GEN_COUNTER] = "counter",
	[STLMP_GEN_PERIODIC] = "periodic",
	[STLMP_GEN_RANDOM_WALK] = "random_walk",
	[STLMP_GEN_STEP] = "step",
	[STLMP_GEN_REPLAY] = "replay",
};

static const char *const *gen_keys(enum stlmp_gen_kind k)
{
	static const char *const kc[] = { "kind", "comment", "value", NULL };
	static const char *const kn[] = { "kind", "comment", "start", "rate",
					  NULL };
	static const char *const kp[] = { "kind", "comment", "base",
					  "amplitude", "period", "min",
					  "max", NULL };
	static const char *const kw[] = { "kind", "comment", "start", "min",
					  "max", "step", NULL };
	static const char *const ks[] = { "kind", "comment", "states",
					  "dwell", NULL };
	static const char *const kr[] = { "kind", "comment", "file",
					  "samples", NULL };

	switch (k) {
	case STLMP_GEN_CONST:
		return kc;
	case STLMP_GEN_COUNTER:
		return kn;
	case STLMP_GEN_PERIODIC:
		return kp;
	case STLMP_GEN_RANDOM_WALK:
		return kw;
	case STLMP_GEN_STEP:
		return ks;
	case STLMP_GEN_REPLAY:
		return kr;
	}
	return kc;
}

static int gen_int(struct parser *ps, struct json_object *g, const char *place,
		   const char *key, bool *present, int64_t *ret)
{
	char pl[PLACE_MAX];
	struct json_object *x;

	*present = json_object_object_get_ex(g, key, &x);
	if (!*present)
		return 0;
	return get_int(ps, x, sub(pl, place, key), INT64_MIN, INT64_MAX, ret);
}

static int gen_bounds(struct parser *ps, struct json_object *g,
		      const char *place, struct stlmp_gen *gen)
{
	char pl[PLACE_MAX];
	bool hmin, hmax;
	int r;

	r = gen_int(ps, g, place, "min", &hmin, &gen->min);
	if (r < 0)
		return r;
	r = gen_int(ps, g, place, "max", &hmax, &gen->max);
	if (r < 0)
		return r;
	if (hmin != hmax)
		return perr(ps, place, "\"min\" and \"max\" go together");
	if (hmin && gen->min >= gen->max)
		return perr(ps, sub(pl, place, "max"),
			    "max %" PRId64 " must be > min %" PRId64, gen->max,
			    gen->min);
	return 0;
}

/*
 * A replay trace file into gen: loaded once per file (device and inode)
 * for the whole description, shared by every DE naming it (gen.h), within
 * STLMP_TRACE_MAX_TOTAL samples in all.
 */
static int load_trace(struct parser *ps, const char *path, const char *pl,
		      struct stlmp_gen *gen)
{
	struct parser_trace *t;
	char csv_err[256];
	struct stat st;
	int r;

	if (stat(path, &st) == 0)
		for (size_t i = 0; i < ps->n_traces; i++)
			if (ps->traces[i].dev == st.st_dev &&
			    ps->traces[i].ino == st.st_ino) {
				gen->samples =
					stlmp_gen_samples_ref(ps->traces[i].samples);
				gen->n_samples = ps->traces[i].n;
				return 0;
			}
	csv_err[0] = '\0';
	r = stlmp_gen_load_csv(path, &gen->samples, &gen->n_samples, csv_err,
			       sizeof(csv_err));
	if (r < 0)
		return r == -ENOMEM ? r : perr(ps, pl, "%s", csv_err);
	if (ps->trace_samples + gen->n_samples > STLMP_TRACE_MAX_TOTAL) {
		stlmp_gen_samples_unref(gen->samples);
		gen->samples = NULL;
		return perr(ps, pl,
			    "%s: replay samples: more than %u in all the description's traces",
			    path, STLMP_TRACE_MAX_TOTAL);
	}
	ps->trace_samples += gen->n_samples;
	if (stat(path, &st) < 0)
		return 0;
	t = realloc(ps->traces, (ps->n_traces + 1) * sizeof(*t));
	if (!t)
		return 0; /* not cached: loaded again if named again */
	ps->traces = t;
	t[ps->n_traces++] = (struct parser_trace){
		.dev = st.st_dev,
		.ino = st.st_ino,
		.samples = stlmp_gen_samples_ref(gen->samples),
		.n = gen->n_samples,
	};
	return 0;
}

int get_gen(struct parser *ps, struct json_object *g, const char *place,
		   struct stlmp_gen *gen)
{
	char pl[PLACE_MAX];
	struct json_object *x;
	const char *kind;
	bool has;
	int r, k;

	if (!json_object_is_type(g, json_type_object))
		return perr(ps, place, "expected a generator object, got %s",
			    type_name(g));
	if (!json_object_object_get_ex(g, "kind", &x))
		return perr(ps, place, "generator needs a \"kind\"");
	r = get_str(ps, x, sub(pl, place, "kind"), &kind);
	if (r < 0)
		return r;
	for (k = 0; k < (int)ARRAY_SIZE(gen_kinds); k++)
		if (!strcmp(gen_kinds[k], kind))
			break;
	if (k == (int)ARRAY_SIZE(gen_kinds))
		return perr(ps, pl, "unknown generator kind '%.40s'", kind);
	memset(gen, 0, sizeof(*gen));
	gen->kind = (enum stlmp_gen_kind)k;
	r = check_keys(ps, g, place, "a generator", gen_keys(gen->kind));
	if (r < 0)
		return r;

	switch (gen->kind) {
	case STLMP_GEN_CONST:
		return gen_int(ps, g, place, "value", &has, &gen->base);
	case STLMP_GEN_COUNTER:
		r = gen_int(ps, g, place, "start", &has, &gen->base);
		if (r < 0)
			return r;
		if (json_object_object_get_ex(g, "rate", &x))
			return get_double(ps, x, sub(pl, place, "rate"),
					  &gen->rate);
		return perr(ps, place, "counter needs a \"rate\" (per second)");
	case STLMP_GEN_PERIODIC:
		r = gen_int(ps, g, place, "base", &has, &gen->base);
		if (r < 0)
			return r;
		if (json_object_object_get_ex(g, "amplitude", &x)) {
			r = get_double(ps, x, sub(pl, place, "amplitude"),
				       &gen->amplitude);
			if (r < 0)
				return r;
		}
		if (!json_object_object_get_ex(g, "period", &x))
			return perr(ps, place, "periodic needs a \"period\"");
		r = get_ms(ps, x, sub(pl, place, "period"), &gen->period_ms);
		if (r < 0)
			return r;
		return gen_bounds(ps, g, place, gen);
	case STLMP_GEN_RANDOM_WALK:
		r = gen_bounds(ps, g, place, gen);
		if (r < 0)
			return r;
		gen->base = gen->min < gen->max ?
				    gen->min / 2 + gen->max / 2 :
				    0;
		r = gen_int(ps, g, place, "start", &has, &gen->base);
		if (r < 0)
			return r;
		if (has && gen->min < gen->max &&
		    (gen->base < gen->min || gen->base > gen->max))
			return perr(ps, sub(pl, place, "start"),
				    "start %" PRId64 " outside [min, max]",
				    gen->base);
		gen->step = 1;
		if (json_object_object_get_ex(g, "step", &x))
			return get_int(ps, x, sub(pl, place, "step"), 0,
				       INT64_C(1) << 62, &gen->step);
		return 0;
	case STLMP_GEN_STEP: {
		size_t n;

		if (!json_object_object_get_ex(g, "states", &x))
			return perr(ps, place, "step needs \"states\"");
		sub(pl, place, "states");
		if (!json_object_is_type(x, json_type_array))
			return perr(ps, pl, "expected an array, got %s",
				    type_name(x));
		n = json_object_array_length(x);
		if (n < 1 || n > STLMP_GEN_MAX_STATES)
			return perr(ps, pl, "want 1 to %d states, got %zu",
				    STLMP_GEN_MAX_STATES, n);
		for (size_t i = 0; i < n; i++) {
			char pi[PLACE_MAX];

			r = get_int(ps, json_object_array_get_idx(x, i),
				    idx(pi, pl, i), INT64_MIN, INT64_MAX,
				    &gen->states[i]);
			if (r < 0)
				return r;
		}
		gen->n_states = (uint32_t)n;
		if (!json_object_object_get_ex(g, "dwell", &x))
			return perr(ps, place, "step needs a \"dwell\" time");
		return get_ms(ps, x, sub(pl, place, "dwell"), &gen->dwell_ms);
	}
	case STLMP_GEN_REPLAY: {
		struct json_object *f, *s;
		bool hf = json_object_object_get_ex(g, "file", &f);
		bool hs = json_object_object_get_ex(g, "samples", &s);

		if (hf == hs)
			return perr(ps, place,
				    "replay needs exactly one of \"file\" and \"samples\"");
		if (hf) {
			char *path = NULL;
			const char *fn;

			r = get_str(ps, f, sub(pl, place, "file"), &fn);
			if (r < 0)
				return r;
			if (ps->no_files)
				return perr(ps, pl,
					    "no files may be read for this description");
			if (fn[0] != '/' && ps->dir) {
				if (asprintf(&path, "%s/%s", ps->dir, fn) < 0)
					return -ENOMEM;
			}
			r = load_trace(ps, path ? path : fn, pl, gen);
			free(path);
			return r;
		}
		{
			size_t n;

			sub(pl, place, "samples");
			if (!json_object_is_type(s, json_type_array))
				return perr(ps, pl, "expected an array, got %s",
					    type_name(s));
			n = json_object_array_length(s);
			if (n < 1 || n > 1000000)
				return perr(ps, pl,
					    "want 1 to 1000000 samples, got %zu",
					    n);
			if (ps->trace_samples + n > STLMP_TRACE_MAX_TOTAL)
				return perr(ps, pl,
					    "replay samples: more than %u in all the description's traces",
					    STLMP_TRACE_MAX_TOTAL);
			gen->samples = stlmp_gen_samples_new((uint32_t)n);
			if (!gen->samples)
				return -ENOMEM;
			ps->trace_samples += n;
			gen->n_samples = (uint32_t)n;
			for (size_t i = 0; i < n; i++) {
				char pi[PLACE_MAX];

				r = get_int(ps, json_object_array_get_idx(s, i),
					    idx(pi, pl, i), INT64_MIN,
					    INT64_MAX, &gen->samples[i]);
				if (r < 0)
					return r;
			}
		}
		return 0;
	}
	}
	return 0;
}

/* ---------------------------------------------------------------- */
/* Top level                                                        */

static int parse_shmti(struct parser *ps, struct json_object *o)
{
	static const char *const keys[] = { "count", "size", "sizes",
					    "comment", NULL };
	struct stlmp_config *c = ps->c;
	char pl[PLACE_MAX];
	struct json_object *cnt, *size, *sizes;
	int r;

	r = check_keys(ps, o, "shmti", "a shmti", keys);
	if (r < 0)
		return r;
	if (!json_object_object_get_ex(o, "count", &cnt))
		cnt = NULL;
	if (!json_object_object_get_ex(o, "size", &size))
		size = NULL;
	if (!json_object_object_get_ex(o, "sizes", &sizes))
		sizes = NULL;
	if (sizes && (cnt || size))
		return perr(ps, "shmti",
			    "use either \"sizes\" or \"count\" and \"size\"");
	if (sizes) {
		ps->shmti_list = true;
		if (!json_object_is_type(sizes, json_type_array))
			return perr(ps, "shmti.sizes",
				    "expected an array, got %s",
				    type_name(sizes));
		c->n_shmti = (uint32_t)json_object_array_length(sizes);
		if (c->n_shmti > STLMP_MAX_SHMTI)
			return perr(ps, "shmti.sizes", "more than %u SHMTIs",
				    STLMP_MAX_SHMTI);
	} else {
		if (!cnt || !size)
			return perr(ps, "shmti",
				    "needs \"count\" and \"size\", or \"sizes\"");
		r = get_u32(ps, cnt, "shmti.count", 0, STLMP_MAX_SHMTI,
			    &c->n_shmti);
		if (r < 0)
			return r;
	}
	if (!c->n_shmti)
		return 0;
	c->shmti_size = calloc(c->n_shmti, sizeof(*c->shmti_size));
	ps->shmti_auto = calloc(c->n_shmti, sizeof(*ps->shmti_auto));
	if (!c->shmti_size || !ps->shmti_auto)
		return -ENOMEM;
	for (uint32_t s = 0; s < c->n_shmti; s++) {
		struct json_object *x = sizes ?
			json_object_array_get_idx(sizes, s) : size;
		const char *place = sizes ? idx(pl, "shmti.sizes", s) :
					    "shmti.size";

		if (json_object_is_type(x, json_type_string) &&
		    !strcmp(json_object_get_string(x), "auto")) {
			ps->shmti_auto[s] = true;
			continue;
		}
		r = get_u32(ps, x, place, 24, STLMP_MAX_SHMTI_SIZE,
			    &c->shmti_size[s]);
		if (r < 0)
			return r;
		if (c->shmti_size[s] % 8)
			return perr(ps, place,
				    "size %u is not a multiple of 8",
				    c->shmti_size[s]);
		if (!sizes)
			break;
	}
	if (!sizes)
		for (uint32_t s = 1; s < c->n_shmti; s++) {
			c->shmti_size[s] = c->shmti_size[0];
			ps->shmti_auto[s] = ps->shmti_auto[0];
		}
	return 0;
}

static int parse_groups(struct parser *ps, struct json_object *o)
{
	static const char *const keys[] = { "name", "intervals", "comment",
					    NULL };
	struct stlmp_config *c = ps->c;
	char pl[PLACE_MAX], pk[PLACE_MAX];
	int r;

	if (json_object_is_type(o, json_type_int)) {
		r = get_u32(ps, o, "groups", 0, STLMP_MAX_GROUPS, &c->n_groups);
		if (r < 0 || !c->n_groups)
			return r;
		c->groups = calloc(c->n_groups, sizeof(*c->groups));
		return c->groups ? 0 : -ENOMEM;
	}
	if (!json_object_is_type(o, json_type_array))
		return perr(ps, "groups",
			    "expected a group count or a list of groups, got %s",
			    type_name(o));
	if (json_object_array_length(o) > STLMP_MAX_GROUPS)
		return perr(ps, "groups", "more than %u groups",
			    STLMP_MAX_GROUPS);
	c->n_groups = (uint32_t)json_object_array_length(o);
	if (!c->n_groups)
		return 0;
	c->groups = calloc(c->n_groups, sizeof(*c->groups));
	ps->group_names = calloc(c->n_groups, sizeof(*ps->group_names));
	if (!c->groups || !ps->group_names)
		return -ENOMEM;
	for (uint32_t g = 0; g < c->n_groups; g++) {
		struct json_object *go = json_object_array_get_idx(o, g), *x;

		idx(pl, "groups", g);
		r = check_keys(ps, go, pl, "a group", keys);
		if (r < 0)
			return r;
		if (json_object_object_get_ex(go, "name", &x)) {
			const char *s;

			r = get_str(ps, x, sub(pk, pl, "name"), &s);
			if (r < 0)
				return r;
			if (!*s || !strcmp(s, "none") ||
			    (s[0] >= '0' && s[0] <= '9'))
				return perr(ps, pk, "bad group name '%.40s'", s);
			for (uint32_t h = 0; h < g; h++)
				if (ps->group_names[h] &&
				    !strcmp(ps->group_names[h], s))
					return perr(ps, pk,
						    "duplicate group name '%.40s'",
						    s);
			ps->group_names[g] = strdup(s);
			if (!ps->group_names[g])
				return -ENOMEM;
		}
		if (json_object_object_get_ex(go, "intervals", &x)) {
			if (!c->per_group)
				return perr(ps, sub(pk, pl, "intervals"),
					    "per-group intervals need capabilities.per_group");
			r = get_intervals(ps, x, sub(pk, pl, "intervals"),
					  &c->groups[g].intervals);
			if (r < 0)
				return r;
		}
	}
	return 0;
}

static int parse_des(struct parser *ps, struct json_object *o)
{
	char pl[PLACE_MAX];
	size_t n;
	int r;

	if (!json_object_is_type(o, json_type_array))
		return perr(ps, "des", "expected an array, got %s",
			    type_name(o));
	n = json_object_array_length(o);
	for (size_t b = 0; b < n; b++) {
		struct json_object *d = json_object_array_get_idx(o, b), *x;

		idx(pl, "des", b);
		if (json_object_is_type(d, json_type_object) &&
		    json_object_object_get_ex(d, "repeat", &x))
			r = parse_repeat(ps, d, (uint32_t)b, pl);
		else
			r = parse_plain_de(ps, d, (uint32_t)b, pl);
		if (r < 0)
			return r;
	}
	return 0;
}

static int parse_boot_des(struct parser *ps, struct json_object *o)
{
	struct stlmp_config *c = ps->c;
	char pl[PLACE_MAX];
	size_t n;
	int r;

	if (json_object_is_type(o, json_type_string) &&
	    !strcmp(json_object_get_string(o), "all")) {
		if (!c->n_des)
			return 0;
		c->boot_des = calloc(c->n_des, sizeof(*c->boot_des));
		if (!c->boot_des)
			return -ENOMEM;
		for (uint32_t i = 0; i < c->n_des; i++)
			c->boot_des[i] = c->des[i].desc.id;
		c->n_boot_des = c->n_des;
		return 0;
	}
	if (!json_object_is_type(o, json_type_array))
		return perr(ps, "boot_des",
			    "expected a list of DE ids or \"all\", got %s",
			    type_name(o));
	n = json_object_array_length(o);
	if (n > STLMP_MAX_DES)
		return perr(ps, "boot_des", "more than %u DEs", STLMP_MAX_DES);
	if (!n)
		return 0;
	c->boot_des = calloc(n, sizeof(*c->boot_des));
	if (!c->boot_des)
		return -ENOMEM;
	c->n_boot_des = (uint32_t)n;
	for (size_t i = 0; i < n; i++) {
		r = get_u32(ps, json_object_array_get_idx(o, i),
			    idx(pl, "boot_des", i), 0, 0xFFFFFFFFu,
			    &c->boot_des[i]);
		if (r < 0)
			return r;
	}
	return 0;
}

static void auto_size_shmtis(struct parser *ps)
{
	struct stlmp_config *c = ps->c;
	uint64_t *need;

	if (!ps->shmti_auto || !c->n_shmti)
		return;
	need = calloc(c->n_shmti, sizeof(*need));
	if (!need)
		return; /* validation reports the zero sizes */
	stlmp_shmti_needs(c, true, need);
	for (uint32_t s = 0; s < c->n_shmti; s++) {
		if (!ps->shmti_auto[s])
			continue;
		need[s] = (need[s] + 63) & ~63ull;
		c->shmti_size[s] = need[s] > STLMP_MAX_SHMTI_SIZE ?
					   STLMP_MAX_SHMTI_SIZE :
					   (uint32_t)need[s];
	}
	free(need);
}

static int parse_root(struct parser *ps, struct json_object *root)
{
	static const char *const keys[] = {
		"$schema", "comment", "name", "vendor", "sub_vendor",
		"impl_version", "agent_name", "uuid", "capabilities",
		"max_msg_size", "max_page_items", "default_blk_ts_rate",
		"intervals", "default_interval", "boot_on", "boot_des",
		"shmti", "groups", "de_defaults", "des", "linux_unsafe",
		"notify_all_des", NULL,
	};
	static const char *const cap_keys[] = { "notifications",
						"single_sample", "reset",
						"per_group", NULL };
	static const struct scmi_tlm_interval def_iv[] = {
		{ 1, -3 }, { 10, -3 }, { 100, -3 }, { 1, 0 },
	};
	struct stlmp_config *c = ps->c;
	struct json_object *x;
	int r;

	r = check_keys(ps, root, "", "a platform description", keys);
	if (r < 0)
		return r;
	if (json_object_object_get_ex(root, "name", &x)) {
		r = get_name(ps, x, "name", c->name, sizeof(c->name));
		if (r < 0)
			return r;
	}
	strcpy(c->vendor, "stlm");
	strcpy(c->sub_vendor, "emulator");
	strcpy(c->agent_name, "agent");
	c->impl_version = 1;
	c->notifications = c->single_sample = c->reset = true;
	c->max_msg_size = 104;
	c->default_blk_ts_rate = 1000000;
	if (json_object_object_get_ex(root, "vendor", &x) &&
	    (r = get_name(ps, x, "vendor", c->vendor, sizeof(c->vendor))) < 0)
		return r;
	if (json_object_object_get_ex(root, "sub_vendor", &x) &&
	    (r = get_name(ps, x, "sub_vendor", c->sub_vendor,
			  sizeof(c->sub_vendor))) < 0)
		return r;
	if (json_object_object_get_ex(root, "agent_name", &x) &&
	    (r = get_name(ps, x, "agent_name", c->agent_name,
			  sizeof(c->agent_name))) < 0)
		return r;
	if (json_object_object_get_ex(root, "impl_version", &x) &&
	    (r = get_u32(ps, x, "impl_version", 0, 0xFFFFFFFFu,
			 &c->impl_version)) < 0)
		return r;
	if (json_object_object_get_ex(root, "uuid", &x)) {
		const char *s;

		r = get_str(ps, x, "uuid", &s);
		if (r < 0)
			return r;
		if (scmi_tlm_uuid_parse(s, c->uuid) < 0)
			return perr(ps, "uuid", "bad UUID '%.40s'", s);
	}
	if (json_object_object_get_ex(root, "capabilities", &x)) {
		struct json_object *y;

		r = check_keys(ps, x, "capabilities", "a capabilities",
			       cap_keys);
		if (r < 0)
			return r;
		if (json_object_object_get_ex(x, "notifications", &y) &&
		    (r = get_bool(ps, y, "capabilities.notifications",
				  &c->notifications)) < 0)
			return r;
		if (json_object_object_get_ex(x, "single_sample", &y) &&
		    (r = get_bool(ps, y, "capabilities.single_sample",
				  &c->single_sample)) < 0)
			return r;
		if (json_object_object_get_ex(x, "reset", &y) &&
		    (r = get_bool(ps, y, "capabilities.reset", &c->reset)) < 0)
			return r;
		if (json_object_object_get_ex(x, "per_group", &y) &&
		    (r = get_bool(ps, y, "capabilities.per_group",
				  &c->per_group)) < 0)
			return r;
	}
	if (json_object_object_get_ex(root, "max_msg_size", &x) &&
	    (r = get_u32(ps, x, "max_msg_size", STLMP_MIN_MSG_SIZE,
			 STLMP_MAX_MSG_SIZE, &c->max_msg_size)) < 0)
		return r;
	if (json_object_object_get_ex(root, "max_page_items", &x) &&
	    (r = get_u32(ps, x, "max_page_items", 0, 0xFFFF,
			 &c->max_page_items)) < 0)
		return r;
	if (json_object_object_get_ex(root, "default_blk_ts_rate", &x) &&
	    (r = get_u32(ps, x, "default_blk_ts_rate", 1, 0xFFFFFFFFu,
			 &c->default_blk_ts_rate)) < 0)
		return r;

	if (json_object_object_get_ex(root, "intervals", &x)) {
		r = get_intervals(ps, x, "intervals", &c->intervals);
		if (r < 0)
			return r;
	} else {
		c->intervals.v = malloc(sizeof(def_iv));
		if (!c->intervals.v)
			return -ENOMEM;
		memcpy(c->intervals.v, def_iv, sizeof(def_iv));
		c->intervals.n = ARRAY_SIZE(def_iv);
	}
	if (json_object_object_get_ex(root, "default_interval", &x)) {
		r = get_interval(ps, x, "default_interval",
				 &c->default_interval);
		if (r < 0)
			return r;
	} else {
		/*
		 * 100ms when the list offers it (as the list encodes it),
		 * else the first entry.
		 */
		const struct scmi_tlm_interval ms100 = { 100, -3 };
		const struct stlmp_intervals *l = &c->intervals;

		c->default_interval = l->v[0];
		if (l->range && interval_in(l, &ms100))
			c->default_interval = ms100;
		for (uint32_t i = 0; !l->range && i < l->n; i++)
			if (!scmi_tlm_interval_cmp(&l->v[i], &ms100))
				c->default_interval = l->v[i];
	}
	if (json_object_object_get_ex(root, "notify_all_des", &x) &&
	    (r = get_bool(ps, x, "notify_all_des", &c->notify_all_des)) < 0)
		return r;
	if (json_object_object_get_ex(root, "linux_unsafe", &x) &&
	    (r = get_bool(ps, x, "linux_unsafe", &c->linux_unsafe)) < 0)
		return r;
	if (json_object_object_get_ex(root, "boot_on", &x) &&
	    (r = get_bool(ps, x, "boot_on", &c->boot_on)) < 0)
		return r;

	if (json_object_object_get_ex(root, "shmti", &x)) {
		r = parse_shmti(ps, x);
		if (r < 0)
			return r;
	} else {
		c->n_shmti = 1;
		c->shmti_size = calloc(1, sizeof(*c->shmti_size));
		ps->shmti_auto = calloc(1, sizeof(*ps->shmti_auto));
		if (!c->shmti_size || !ps->shmti_auto)
			return -ENOMEM;
		ps->shmti_auto[0] = true;
	}
	if (json_object_object_get_ex(root, "groups", &x)) {
		r = parse_groups(ps, x);
		if (r < 0)
			return r;
	}
	if (json_object_object_get_ex(root, "de_defaults", &x)) {
		r = check_keys(ps, x, "de_defaults", "a defaults",
			       default_keys);
		if (r < 0)
			return r;
		ps->de_defaults = x;
	}
	if (!json_object_object_get_ex(root, "des", &x))
		return perr(ps, "", "missing \"des\"");
	r = parse_des(ps, x);
	if (r < 0)
		return r;
	if (json_object_object_get_ex(root, "boot_des", &x)) {
		r = parse_boot_des(ps, x);
		if (r < 0)
			return r;
	}
	auto_size_shmtis(ps);
	{
		struct vctx v = { ps->name, ps->org, ps->shmti_list, ps->err,
				  ps->errlen };

		return validate(c, &v);
	}
}

static void syntax_error(struct parser *ps, const char *json, size_t len,
			 size_t off, const char *what)
{
	unsigned long line = 1, col = 1;

	if (off > len)
		off = len;
	for (size_t i = 0; i < off; i++) {
		if (json[i] == '\n') {
			line++;
			col = 1;
		} else {
			col++;
		}
	}
	if (ps->err && ps->errlen)
		snprintf(ps->err, ps->errlen, "%s:%lu:%lu: %s", ps->name, line,
			 col, what);
}

static int parse_doc(const char *json, size_t len, const char *name,
		     const char *dir, unsigned int flags,
		     struct stlmp_config **ret, char *err, size_t errlen)
{
	struct parser ps = { .name = name, .dir = dir, .err = err,
			     .errlen = errlen,
			     .no_files = flags & STLMP_PARSE_NO_FILES };
	struct json_tokener *tok;
	struct json_object *root;
	enum json_tokener_error je;
	int r;

	if (err && errlen)
		err[0] = '\0';
	if (len > STLMP_MAX_FILE_SIZE || len > INT_MAX) {
		perr(&ps, "", "file larger than %u bytes", STLMP_MAX_FILE_SIZE);
		return -EFBIG;
	}
	if (memchr(json, '\0', len)) {
		syntax_error(&ps, json, len,
			     (size_t)((const char *)memchr(json, '\0', len) -
				      json),
			     "NUL byte in file");
		return -EINVAL;
	}
	tok = json_tokener_new_ex(JSON_MAX_DEPTH);
	if (!tok)
		return -ENOMEM;
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT);
	root = json_tokener_parse_ex(tok, json, (int)len);
	je = json_tokener_get_error(tok);
	if (!root || je != json_tokener_success) {
		size_t off = json_tokener_get_parse_end(tok);

		if (je == json_tokener_continue || je == json_tokener_success)
			syntax_error(&ps, json, len, len,
				     "unexpected end of input");
		else
			syntax_error(&ps, json, len, off,
				     json_tokener_error_desc(je));
		json_object_put(root);
		json_tokener_free(tok);
		return -EINVAL;
	}
	{
		size_t off = json_tokener_get_parse_end(tok);

		while (off < len && (json[off] == ' ' || json[off] == '\t' ||
				     json[off] == '\n' || json[off] == '\r'))
			off++;
		if (off < len) {
			syntax_error(&ps, json, len, off,
				     "trailing characters after the document");
			json_object_put(root);
			json_tokener_free(tok);
			return -EINVAL;
		}
	}
	json_tokener_free(tok);

	ps.c = calloc(1, sizeof(*ps.c));
	if (!ps.c) {
		json_object_put(root);
		return -ENOMEM;
	}
	{
		const char *base = strrchr(name, '/');

		snprintf(ps.c->name, sizeof(ps.c->name), "%s",
			 base ? base + 1 : name);
	}
	r = parse_root(&ps, root);
	if (r == -ENOMEM)
		perr(&ps, "", "out of memory");
	json_object_put(root);
	free(ps.org);
	free(ps.shmti_auto);
	for (size_t i = 0; i < ps.n_traces; i++)
		stlmp_gen_samples_unref(ps.traces[i].samples);
	free(ps.traces);
	if (ps.group_names)
		for (uint32_t g = 0; g < ps.c->n_groups; g++)
			free(ps.group_names[g]);
	free(ps.group_names);
	if (r < 0) {
		stlmp_config_free(ps.c);
		return r;
	}
	*ret = ps.c;
	return 0;
}

int stlmp_config_parse(const char *json, const char *name,
		       struct stlmp_config **ret, char *err, size_t errlen)
{
	if (!json || !ret)
		return -EINVAL;
	return parse_doc(json, strlen(json), name ? name : "<string>", NULL,
			 0, ret, err, errlen);
}

int stlmp_config_parse_mem(const char *buf, size_t len, const char *name,
			   unsigned int flags, struct stlmp_config **ret,
			   char *err, size_t errlen)
{
	if ((!buf && len) || !ret || (flags & ~STLMP_PARSE_NO_FILES))
		return -EINVAL;
	return parse_doc(buf ? buf : "", len, name ? name : "<string>", NULL,
			 flags, ret, err, errlen);
}

int stlmp_config_load(const char *path, struct stlmp_config **ret, char *err,
		      size_t errlen)
{
	char *buf = NULL, *dir = NULL, *slash;
	size_t len = 0;
	int r;

	if (!path || !ret)
		return -EINVAL;
	r = stlm__jsonerr_read_file(path, STLMP_MAX_FILE_SIZE, "file ", &buf,
				    &len, err, errlen);
	if (r < 0)
		return r;
	dir = strdup(path);
	if (!dir) {
		free(buf);
		return -ENOMEM;
	}
	slash = strrchr(dir, '/');
	if (slash)
		*slash = '\0';
	r = parse_doc(buf, len, path, slash ? (*dir ? dir : "/") : NULL, 0,
		      ret, err, errlen);
	free(dir);
	free(buf);
	return r;
}

