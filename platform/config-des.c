// SPDX-License-Identifier: MIT
/*
 * Copyright (c) 2026 The stlm authors
 *
 * Platform descriptions (docs/platform-format.md): DEs and repeat
 * blocks. Each template is converted once into a prototype DE and then
 * instantiated per instance (id, name by formats/template.h, instance
 * numbers); field defaults come from the template, the block's
 * "defaults", the top-level "de_defaults", the built-in default.
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

#include "component.h"
#include "config-parse.h"
#include "gen.h"
#include "template.h"

/* ---------------------------------------------------------------- */
/* DEs                                                              */

static const char *const de_keys[] = {
	"id", "name", "type", "unit", "unit_exp", "data_size", "component",
	"component_instance", "de_instance", "group", "timestamps",
	"line_ts_rate", "persistent", "fastchannel", "shmti", "generator",
	"comment", NULL,
};

/* "defaults" objects take every DE key but "id". */
const char *const stlmp__cfg_default_keys[] = {
	"name", "type", "unit", "unit_exp", "data_size", "component",
	"component_instance", "de_instance", "group", "timestamps",
	"line_ts_rate", "persistent", "fastchannel", "shmti", "generator",
	"comment", NULL,
};

enum var { VAR_NONE, VAR_I, VAR_K };

/* A DE as written, before instantiation. */
struct proto {
	struct stlmp_de_cfg d;
	char name[128];
	bool has_name;
	enum var ci_var, di_var;
	char place[PLACE_MAX];
};

/* Field lookup through the layers: template, block defaults, de_defaults. */
struct layers {
	struct json_object *o[3];
	const char *place[3];
	int n;
};

static struct json_object *lget_at(const struct layers *L, const char *key,
				   char *place, int *ret_layer)
{
	struct json_object *x;

	for (int i = 0; i < L->n; i++)
		if (L->o[i] && json_object_object_get_ex(L->o[i], key, &x)) {
			sub(place, L->place[i], key);
			if (ret_layer)
				*ret_layer = i;
			return x;
		}
	return NULL;
}

static struct json_object *lget(const struct layers *L, const char *key,
				char *place)
{
	return lget_at(L, key, place, NULL);
}

static int get_var(struct parser *ps, struct json_object *o, const char *place,
		   int64_t max, uint32_t *ret, enum var *ret_var, bool in_repeat)
{
	int64_t v;
	int r;

	*ret_var = VAR_NONE;
	if (json_object_is_type(o, json_type_string)) {
		const char *s = json_object_get_string(o);

		int var = stlm__tpl_var(s);

		if (var) {
			if (!in_repeat)
				return perr(ps, place,
					    "'%s' is only allowed in a repeat block",
					    s);
			*ret_var = var == 'i' ? VAR_I : VAR_K;
			*ret = 0;
			return 0;
		}
	}
	r = get_int(ps, o, place, 0, max, &v);
	if (r < 0)
		return r;
	*ret = (uint32_t)v;
	return 0;
}

static int get_group(struct parser *ps, struct json_object *o,
		     const char *place, uint32_t *ret)
{
	struct stlmp_config *c = ps->c;

	if (json_object_is_type(o, json_type_null)) {
		*ret = SCMI_TLM_GROUP_NONE;
		return 0;
	}
	if (json_object_is_type(o, json_type_string)) {
		const char *s = json_object_get_string(o);

		if (!strcmp(s, "none")) {
			*ret = SCMI_TLM_GROUP_NONE;
			return 0;
		}
		for (uint32_t g = 0; g < c->n_groups; g++)
			if (ps->group_names && ps->group_names[g] &&
			    !strcmp(ps->group_names[g], s)) {
				*ret = g;
				return 0;
			}
		if (!(s[0] >= '0' && s[0] <= '9'))
			return perr(ps, place, "unknown group '%.40s'", s);
	}
	{
		int64_t v;
		int r = get_int(ps, o, place, 0, 0xFFFFFFFFll, &v);

		if (r < 0)
			return r;
		if (v >= c->n_groups)
			return perr(ps, place,
				    "group %" PRId64 " out of range (%u groups)",
				    v, c->n_groups);
		*ret = (uint32_t)v;
	}
	return 0;
}

static int parse_proto(struct parser *ps, const struct layers *L,
		       bool in_repeat, struct proto *p)
{
	struct scmi_tlm_de_desc *d = &p->d.desc;
	struct stlmp_config *c = ps->c;
	char pl[PLACE_MAX];
	struct json_object *x;
	bool explicit_shmti = false;
	int64_t v;
	int r, layer;

	memset(p, 0, sizeof(*p));
	pfmt(p->place, "%s", L->place[0]);
	d->group_id = SCMI_TLM_GROUP_NONE;
	d->data_size = 8;
	p->d.gen.kind = STLMP_GEN_CONST;

	if (!json_object_object_get_ex(L->o[0], "id", &x))
		return perr(ps, L->place[0], "missing \"id\"");
	r = get_u32(ps, x, sub(pl, L->place[0], "id"), 0, 0xFFFFFFFFu, &d->id);
	if (r < 0)
		return r;

	if ((x = lget(L, "name", pl)) &&
	    !json_object_is_type(x, json_type_null)) {
		const char *s;

		r = get_str(ps, x, pl, &s);
		if (r < 0)
			return r;
		if (strlen(s) >= sizeof(p->name))
			return perr(ps, pl, "name '%.40s...' too long", s);
		strcpy(p->name, s);
		p->has_name = true;
		if (!in_repeat && stlm__tpl_has_var(s))
			return perr(ps, pl,
				    "'{i}' and '{k}' are only allowed in a repeat block");
	}
	if ((x = lget(L, "type", pl))) {
		r = get_enum(ps, x, pl, "DE type", stlmp__cfg_de_type_code, 8, 0xEF,
			     &d->type);
		if (r < 0)
			return r;
	}
	if ((x = lget(L, "unit", pl))) {
		r = get_unit(ps, x, pl, &d->unit);
		if (r < 0)
			return r;
	}
	if ((x = lget(L, "unit_exp", pl))) {
		r = get_int(ps, x, pl, -128, 127, &v);
		if (r < 0)
			return r;
		d->unit_exp = (int8_t)v;
	}
	if ((x = lget(L, "data_size", pl))) {
		r = get_u32(ps, x, pl, 1, 8, &d->data_size);
		if (r < 0)
			return r;
	}
	if ((x = lget(L, "component", pl))) {
		r = get_enum(ps, x, pl, "component type",
			     stlm__component_code, STLM_COMPONENT_N, 0xDF,
			     &d->compo_type);
		if (r < 0)
			return r;
	}
	if ((x = lget(L, "component_instance", pl))) {
		uint32_t u = 0;

		r = get_var(ps, x, pl, 0xFFFF, &u, &p->ci_var, in_repeat);
		if (r < 0)
			return r;
		d->compo_instance = (uint16_t)u;
	}
	if ((x = lget(L, "de_instance", pl))) {
		uint32_t u = 0;

		r = get_var(ps, x, pl, 0xFF, &u, &p->di_var, in_repeat);
		if (r < 0)
			return r;
		d->instance_id = (uint8_t)u;
	}
	if ((x = lget(L, "group", pl))) {
		r = get_group(ps, x, pl, &d->group_id);
		if (r < 0)
			return r;
	}
	if ((x = lget(L, "persistent", pl))) {
		r = get_bool(ps, x, pl, &d->persistent);
		if (r < 0)
			return r;
	}
	if ((x = lget(L, "timestamps", pl))) {
		const char *s;

		r = get_str(ps, x, pl, &s);
		if (r < 0)
			return r;
		if (!strcmp(s, "none"))
			d->ts_support = SCMI_TLM_TS_NONE;
		else if (!strcmp(s, "line"))
			d->ts_support = SCMI_TLM_TS_LINE;
		else if (!strcmp(s, "block"))
			d->ts_support = SCMI_TLM_TS_BLOCK;
		else
			return perr(ps, pl,
				    "unknown timestamps '%.40s' (none, line or block)",
				    s);
	}
	if ((x = lget_at(L, "line_ts_rate", pl, &layer)) &&
	    (layer == 0 || d->ts_support == SCMI_TLM_TS_LINE)) {
		if (d->ts_support != SCMI_TLM_TS_LINE)
			return perr(ps, pl,
				    "line_ts_rate needs timestamps \"line\"");
		r = get_u32(ps, x, pl, 1, 0xFFFFFFFFu, &d->line_ts_rate);
		if (r < 0)
			return r;
	} else if (d->ts_support == SCMI_TLM_TS_LINE) {
		d->line_ts_rate = c->default_blk_ts_rate;
	}
	if ((x = lget(L, "fastchannel", pl))) {
		r = get_bool(ps, x, pl, &d->has_fc);
		if (r < 0)
			return r;
		if (d->has_fc)
			d->fc_size = 16;
	}
	p->d.shmti = (d->has_fc || !c->n_shmti) ? STLMP_NO_SHMTI : 0;
	if ((x = lget_at(L, "shmti", pl, &layer)) &&
	    (layer == 0 || !d->has_fc)) {
		if (json_object_is_type(x, json_type_string) &&
		    !strcmp(json_object_get_string(x), "none")) {
			p->d.shmti = STLMP_NO_SHMTI;
		} else {
			r = get_int(ps, x, pl, 0, 0xFFFFFFFEll, &v);
			if (r < 0)
				return r;
			if (v >= c->n_shmti)
				return perr(ps, pl,
					    "shmti %" PRId64 " out of range (%u SHMTIs)",
					    v, c->n_shmti);
			p->d.shmti = (uint32_t)v;
			explicit_shmti = true;
		}
	}
	if (d->has_fc && explicit_shmti)
		return perr(ps, pl,
			    "a FastChannel DE must have shmti \"none\" (it is read only through its FastChannel)");
	if ((x = lget(L, "generator", pl))) {
		r = get_gen(ps, x, pl, &p->d.gen);
		if (r < 0)
			return r;
	}
	return 0;
}

static int push_de(struct parser *ps, const struct stlmp_de_cfg *d,
		   const struct origin *o)
{
	struct stlmp_config *c = ps->c;

	if (c->n_des == ps->cap_des) {
		uint32_t n = ps->cap_des ? ps->cap_des * 2 : 64;
		struct stlmp_de_cfg *nd;
		struct origin *no;

		if (n > STLMP_MAX_DES)
			n = STLMP_MAX_DES;
		nd = realloc(c->des, n * sizeof(*nd));
		if (!nd)
			return -ENOMEM;
		c->des = nd;
		no = realloc(ps->org, n * sizeof(*no));
		if (!no)
			return -ENOMEM;
		ps->org = no;
		ps->cap_des = n;
	}
	c->des[c->n_des] = *d;
	ps->org[c->n_des] = *o;
	c->n_des++;
	return 0;
}

/* Replace {i} and {k} in a name template (formats/template.h). */
static int expand_name(struct parser *ps, const char *tpl, int64_t i,
		       int64_t k, const char *place, char *out)
{
	char buf[232];

	stlm__tpl_expand(tpl, i, k, 0, buf, sizeof(buf));
	if (strlen(buf) > SCMI_TLM_DE_NAME_LEN - 1)
		return perr(ps, place, "name '%s' longer than %d characters",
			    buf, SCMI_TLM_DE_NAME_LEN - 1);
	for (const char *p = buf; *p; p++)
		if (*p < 0x20 || *p > 0x7E)
			return perr(ps, place,
				    "non-printable character in name '%s'", buf);
	strcpy(out, buf);
	return 0;
}

static int instantiate(struct parser *ps, const struct proto *p,
		       const struct origin *o, int64_t i, int64_t k,
		       uint64_t id_step, const char *iplace)
{
	struct stlmp_de_cfg d = p->d;
	char pl[PLACE_MAX];
	uint64_t id = (uint64_t)p->d.desc.id + (uint64_t)k * id_step;
	int r;

	if (id > 0xFFFFFFFFull)
		return perr(ps, sub(pl, iplace, "id"),
			    "id 0x%" PRIX64 " out of range", id);
	d.desc.id = (uint32_t)id;
	if (p->has_name) {
		r = expand_name(ps, p->name, i, k, sub(pl, iplace, "name"),
				d.desc.name);
		if (r < 0)
			return r;
		d.desc.has_name = true;
	}
	if (p->ci_var != VAR_NONE) {
		int64_t v = p->ci_var == VAR_I ? i : k;

		if (v < 0 || v > 0xFFFF)
			return perr(ps, sub(pl, iplace, "component_instance"),
				    "%" PRId64 " out of range [0, 65535]", v);
		d.desc.compo_instance = (uint16_t)v;
	}
	if (p->di_var != VAR_NONE) {
		int64_t v = p->di_var == VAR_I ? i : k;

		if (v < 0 || v > 0xFF)
			return perr(ps, sub(pl, iplace, "de_instance"),
				    "%" PRId64 " out of range [0, 255]", v);
		d.desc.instance_id = (uint8_t)v;
	}
	/* Every instance shares the template's replay samples. */
	d.gen.samples = stlmp_gen_samples_ref(p->d.gen.samples);
	r = push_de(ps, &d, o);
	if (r < 0)
		stlmp_gen_samples_unref(d.gen.samples);
	return r;
}

int parse_plain_de(struct parser *ps, struct json_object *o,
			  uint32_t b, const char *place)
{
	struct layers L = { { o, ps->de_defaults }, { place, "de_defaults" }, 2 };
	struct origin org = { b, -1, 0 };
	struct proto p;
	int r;

	r = check_keys(ps, o, place, "a DE", de_keys);
	if (r < 0)
		return r;
	if (ps->c->n_des >= STLMP_MAX_DES)
		return perr(ps, place, "more than %u DEs", STLMP_MAX_DES);
	r = parse_proto(ps, &L, false, &p);
	if (r == 0)
		r = instantiate(ps, &p, &org, 0, 0, 0, place);
	stlmp_gen_samples_unref(p.d.gen.samples);
	return r;
}

int parse_repeat(struct parser *ps, struct json_object *o, uint32_t b,
			const char *place)
{
	static const char *const keys[] = { "repeat", "defaults", "des",
					    "comment", NULL };
	static const char *const rkeys[] = { "count", "first", "id_step",
					     NULL };
	char pl[PLACE_MAX], rp[PLACE_MAX];
	struct json_object *rep, *defs = NULL, *tpls, *x;
	struct proto *protos = NULL;
	int64_t count, first = 0, id_step = 1;
	size_t nt;
	int r;

	r = check_keys(ps, o, place, "a repeat block", keys);
	if (r < 0)
		return r;
	json_object_object_get_ex(o, "repeat", &rep);
	sub(rp, place, "repeat");
	r = check_keys(ps, rep, rp, "a repeat", rkeys);
	if (r < 0)
		return r;
	if (!json_object_object_get_ex(rep, "count", &x))
		return perr(ps, rp, "missing \"count\"");
	r = get_int(ps, x, sub(pl, rp, "count"), 1, STLMP_MAX_DES, &count);
	if (r < 0)
		return r;
	if (json_object_object_get_ex(rep, "first", &x)) {
		r = get_int(ps, x, sub(pl, rp, "first"), 0, 0xFFFFFFFFll,
			    &first);
		if (r < 0)
			return r;
	}
	if (json_object_object_get_ex(rep, "id_step", &x)) {
		r = get_int(ps, x, sub(pl, rp, "id_step"), 0, 0xFFFFFFFFll,
			    &id_step);
		if (r < 0)
			return r;
	}
	if (json_object_object_get_ex(o, "defaults", &defs)) {
		r = check_keys(ps, defs, sub(pl, place, "defaults"),
			       "a defaults", default_keys);
		if (r < 0)
			return r;
	}
	if (!json_object_object_get_ex(o, "des", &tpls))
		return perr(ps, place, "a repeat block needs \"des\"");
	sub(pl, place, "des");
	if (!json_object_is_type(tpls, json_type_array))
		return perr(ps, pl, "expected an array, got %s",
			    type_name(tpls));
	nt = json_object_array_length(tpls);
	if (!nt)
		return perr(ps, pl, "empty template list");
	if ((uint64_t)count * nt + ps->c->n_des > STLMP_MAX_DES)
		return perr(ps, sub(pl, rp, "count"), "more than %u DEs",
			    STLMP_MAX_DES);

	protos = calloc(nt, sizeof(*protos));
	if (!protos)
		return -ENOMEM;
	for (size_t t = 0; t < nt; t++) {
		struct json_object *tpl = json_object_array_get_idx(tpls, t);
		char tp[PLACE_MAX], dp[PLACE_MAX];
		struct layers L = { { tpl, defs, ps->de_defaults },
				    { tp, sub(dp, place, "defaults"),
				      "de_defaults" },
				    3 };

		pfmt(tp, "%s.des[%zu]", place, t);
		if (json_object_is_type(tpl, json_type_object) &&
		    json_object_object_get_ex(tpl, "repeat", &x)) {
			r = perr(ps, tp, "repeat blocks do not nest");
			goto out;
		}
		r = check_keys(ps, tpl, tp, "a DE", de_keys);
		if (r < 0)
			goto out;
		r = parse_proto(ps, &L, true, &protos[t]);
		if (r < 0)
			goto out;
	}
	for (int64_t k = 0; k < count; k++) {
		for (size_t t = 0; t < nt; t++) {
			struct origin org = { b, (int32_t)t, first + k };
			char ip[PLACE_MAX];

			pfmt(ip, "%s[i=%" PRId64 "].des[%zu]", place, first + k,
			     t);
			r = instantiate(ps, &protos[t], &org, first + k, k,
					(uint64_t)id_step, ip);
			if (r < 0)
				goto out;
		}
	}
	r = 0;
out:
	for (size_t t = 0; t < nt; t++)
		stlmp_gen_samples_unref(protos[t].d.gen.samples);
	free(protos);
	return r;
}

