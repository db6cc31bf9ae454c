/* SPDX-License-Identifier: MIT */
/*
 * Copyright (c) 2026 The stlm authors
 *
 * What the platform description parser's files share: config.c (value
 * readers, generators, top level), config-des.c (DEs and repeat blocks)
 * and config-validate.c (cross-checks). Private to these three files.
 */
#ifndef STLM_PLATFORM_CONFIG_PARSE_H
#define STLM_PLATFORM_CONFIG_PARSE_H

#include <json-c/json.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "config-internal.h"

#define PLACE_MAX 160
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/*
 * Where a DE came from: des[blk], or template tpl of the repeat block
 * des[blk] at instance i.
 */
struct origin {
	uint32_t blk;
	int32_t tpl;
	int64_t i;
};

struct vctx {
	const char *name;
	const struct origin *org;
	bool shmti_list; /* "shmti": {"sizes": [...]} */
	char *err;
	size_t errlen;
};

struct parser {
	const char *name;
	const char *dir;
	char *err;
	size_t errlen;
	struct stlmp_config *c;
	uint32_t cap_des;
	struct origin *org;
	char **group_names;
	bool *shmti_auto;
	bool shmti_list;
	bool no_files;		/* STLMP_PARSE_NO_FILES */
	struct json_object *de_defaults;
	/* replay trace files loaded so far, by file (one load each; the
	 * parser holds one reference) and the samples of every trace and
	 * inline array (at most STLMP_TRACE_MAX_TOTAL) */
	struct parser_trace {
		dev_t dev;
		ino_t ino;
		int64_t *samples;
		uint32_t n;
	} *traces;
	size_t n_traces;
	uint64_t trace_samples;
};

/* The replay samples one description may hold in all (distinct traces
 * and inline arrays; 64 MiB): 8 times the largest single trace. */
#define STLMP_TRACE_MAX_TOTAL 8000000u

/* The keys of "defaults" objects: every DE key but "id". */
extern const char *const stlmp__cfg_default_keys[];

int stlmp__cfg_check_keys(struct parser *ps, struct json_object *o, const char *place, const char *what, const char *const *allowed);
int stlmp__cfg_de_type_code(const char *s);
int stlmp__cfg_get_bool(struct parser *ps, struct json_object *o, const char *place, bool *ret);
int stlmp__cfg_get_enum(struct parser *ps, struct json_object *o, const char *place, const char *what, int (*code_of)(const char *), uint32_t rsv_lo, uint32_t rsv_hi, uint8_t *ret);
int stlmp__cfg_get_gen(struct parser *ps, struct json_object *g, const char *place, struct stlmp_gen *gen);
int stlmp__cfg_get_int(struct parser *ps, struct json_object *o, const char *place, int64_t min, int64_t max, int64_t *ret);
int stlmp__cfg_get_str(struct parser *ps, struct json_object *o, const char *place, const char **ret);
int stlmp__cfg_get_u32(struct parser *ps, struct json_object *o, const char *place, uint32_t min, uint32_t max, uint32_t *ret);
int stlmp__cfg_get_unit(struct parser *ps, struct json_object *o, const char *place, uint8_t *ret);
__attribute__((format(printf, 3, 4)))
int stlmp__cfg_perr(struct parser *ps, const char *place, const char *fmt, ...);
__attribute__((format(printf, 2, 3)))
const char *stlmp__cfg_pfmt(char *buf, const char *fmt, ...);
const char *stlmp__cfg_sub(char *buf, const char *base, const char *key);
const char *stlmp__cfg_type_name(struct json_object *o);
void stlmp__cfg_de_place(const struct origin *org, uint32_t i, char *buf);
void stlmp__cfg_fmt_interval(const struct scmi_tlm_interval *iv, char *buf, size_t n);
const char *stlmp__cfg_idx(char *buf, const char *base, uint64_t i);
__attribute__((format(printf, 3, 4)))
int stlmp__cfg_vfail(const struct vctx *v, const char *place, const char *fmt, ...);
int stlmp__cfg_parse_plain_de(struct parser *ps, struct json_object *o, uint32_t b, const char *place);
int stlmp__cfg_parse_repeat(struct parser *ps, struct json_object *o, uint32_t b, const char *place);
int stlmp__cfg_validate(const struct stlmp_config *c, const struct vctx *v);
bool stlmp__cfg_interval_in(const struct stlmp_intervals *l, const struct scmi_tlm_interval *iv);

/* The short names the three files use. */
#define default_keys	stlmp__cfg_default_keys
#define check_keys(...)	stlmp__cfg_check_keys(__VA_ARGS__)
#define de_type_code(...)	stlmp__cfg_de_type_code(__VA_ARGS__)
#define get_bool(...)	stlmp__cfg_get_bool(__VA_ARGS__)
#define get_enum(...)	stlmp__cfg_get_enum(__VA_ARGS__)
#define get_gen(...)	stlmp__cfg_get_gen(__VA_ARGS__)
#define get_int(...)	stlmp__cfg_get_int(__VA_ARGS__)
#define get_str(...)	stlmp__cfg_get_str(__VA_ARGS__)
#define get_u32(...)	stlmp__cfg_get_u32(__VA_ARGS__)
#define get_unit(...)	stlmp__cfg_get_unit(__VA_ARGS__)
#define perr(...)	stlmp__cfg_perr(__VA_ARGS__)
#define pfmt(...)	stlmp__cfg_pfmt(__VA_ARGS__)
#define sub(...)	stlmp__cfg_sub(__VA_ARGS__)
#define type_name(...)	stlmp__cfg_type_name(__VA_ARGS__)
#define de_place(...)	stlmp__cfg_de_place(__VA_ARGS__)
#define fmt_interval(...)	stlmp__cfg_fmt_interval(__VA_ARGS__)
#define idx(...)	stlmp__cfg_idx(__VA_ARGS__)
#define vfail(...)	stlmp__cfg_vfail(__VA_ARGS__)
#define parse_plain_de(...)	stlmp__cfg_parse_plain_de(__VA_ARGS__)
#define parse_repeat(...)	stlmp__cfg_parse_repeat(__VA_ARGS__)
#define validate(...)	stlmp__cfg_validate(__VA_ARGS__)
#define interval_in(...)	stlmp__cfg_interval_in(__VA_ARGS__)

#endif /* STLM_PLATFORM_CONFIG_PARSE_H */
