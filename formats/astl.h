/* SPDX-License-Identifier: MIT */
/*
 * Copyright (c) 2026 The stlm authors
 *
 * ASTL description files: parser and expansion (docs/catalog-format.md,
 * "ASTL description files"). Pure functions, no session: shared by
 * libstlm (catalogs, `stlm catalog check`) and the platform emulator.
 * Internal, never installed. Built into the static library stlm-astl.
 *
 * Four kinds of document are read:
 *  - spec files ("metrics_specification"), generation 1
 *    (layout[].members[], unit_exponent) and generation 2
 *    (members[].metrics{}, base10_unit_modifier, type, line_size,
 *    component_type, aliases);
 *  - repometa.json (uuid_mapping{UUID -> specification_file});
 *  - platform_lookup.json (scmi_uuid_mapping{UUID -> metrics_file});
 *  - metrics declarations (metrics{key -> register, groups, formula...}).
 *
 * Every parse function takes the text and its length (no NUL needed), a
 * file name used in messages and for resolving relative paths, and
 * returns 0 or a negative errno (-EINVAL for a malformed document,
 * -EFBIG, -ENOMEM, or the errno of open/read for the *_read variants)
 * with a one-line message in err: "FILE:LINE:COL: JSON problem" for
 * syntax errors, "FILE: layout[3].members[1].base_de_id: problem" for
 * everything else. All strings returned are owned by their object.
 */
#ifndef STLM_LIB_ASTL_H
#define STLM_LIB_ASTL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ASTL_MAX_FILE		(16u << 20)	/* bytes per document */
#define ASTL_MAX_BLOCKS		4096u		/* layout[] / members[] */
#define ASTL_MAX_MEMBERS	4096u		/* DEs declared per block */
#define ASTL_MAX_COUNT		65536u		/* instances of one block */
#define ASTL_MAX_SLOTS		262144u		/* slots of one expansion */
#define ASTL_MAX_TARGETS	4096u		/* targets of one expansion */
#define ASTL_MAX_SIZE		(1u << 30)	/* TDCF bytes */
#define ASTL_MAX_ENTRIES	4096u		/* index / metrics entries */
#define ASTL_MAX_ALIASES	65536u
#define ASTL_MAX_GROUPS		64u		/* metric_groups per metric */
#define ASTL_MAX_STRING		1024u		/* any string value */
#define ASTL_MAX_FINDINGS	4096u		/* recorded; more are counted */
#define ASTL_MAX_EXPONENT	127		/* |exponent| accepted */

/* Document kinds (stlm__astl_detect). */
enum astl_doc {
	ASTL_DOC_NONE = 0,		/* not an ASTL document */
	ASTL_DOC_SPEC,			/* metrics_specification */
	ASTL_DOC_REPOMETA,		/* uuid_mapping */
	ASTL_DOC_LOOKUP,		/* scmi_uuid_mapping */
	ASTL_DOC_METRICS,		/* metrics declarations */
};

/* DE kind (generation 2 "type"; generation 1 has none). */
enum astl_kind {
	ASTL_KIND_UNKNOWN = 0,
	ASTL_KIND_GAUGE,
	ASTL_KIND_COUNTER,
	ASTL_KIND_HISTOGRAM,
};

/*
 * Unit codes are the platform-format numbering (docs/platform-format.md):
 * 0 none, 2 celsius, 5 volts, 6 amps, 7 watts, 8 joules, 19 rpm,
 * 20 hertz, 21 seconds, 39 cycles, 60 bits, 61 bytes, 65 percentage,
 * 67 counts, ... ASTL_UNIT_UNKNOWN when the text is not recognised.
 */
#define ASTL_UNIT_UNKNOWN	(-1)

/**
 * struct astl_member - one DE declared in a block (per instance)
 * @key:            generation 2 metrics{} key (== @name usually), or NULL
 * @name:           register name ("CURRENT_TEMPERATURE")
 * @component:      component as written ("PSS")
 * @description:    as written ("" when absent)
 * @unit_text:      unit as written ("Celcius"; "" when absent)
 * @unit:           normalised unit code or ASTL_UNIT_UNKNOWN
 * @unit_normalised: the text needed normalising (not the exact SCMI unit
 *                  word, or a word ASTL itself does not recognise)
 * @unit_note:      why (static string: "misspelt", "MHz: exponent +6"...)
 * @unit_exponent:  exponent as written (unit_exponent/base10_unit_modifier)
 * @exponent:       effective base-10 exponent: @unit_exponent plus the
 *                  unit's own scale (MHz: +6, ms: -3, ...)
 * @kind:           generation 2 type
 * @component_type: generation 2 block component_type, else
 *                  (base_id >> 8) & 0xFF
 * @base_id:        base_de_id (low 16 bits; upper bits must be 0)
 * @rel_offset:     byte offset inside the block
 * @line_size:      bytes of its TDCF line (16 unless line_size)
 */
struct astl_member {
	char *key;
	char *name;
	char *component;
	char *description;
	char *unit_text;
	int unit;
	bool unit_normalised;
	const char *unit_note;
	int unit_exponent;
	int exponent;
	enum astl_kind kind;
	uint8_t component_type;
	uint32_t base_id;
	uint32_t rel_offset;
	uint32_t line_size;
};

/**
 * struct astl_block - one layout[] (gen 1) or members[] (gen 2) element
 * @count, @start_offset, @block_size: as written
 * @component_type:  generation 2 component_type, or -1
 * @component_name:  generation 2 component_name, or NULL
 * @header:          every member's component is HEADER (layout only)
 */
struct astl_block {
	uint32_t count;
	uint32_t start_offset;
	uint32_t block_size;
	int component_type;
	char *component_name;
	bool header;
	uint32_t n_members;
	struct astl_member *members;
};

/* A HEADER member (UUID, BLOCK_TIMESTAMP): TDCF layout, never a DE. */
struct astl_header {
	char *name;
	uint32_t offset;	/* start_offset + rel_offset */
	uint32_t size;		/* block_size */
};

/* Generation 2 aliases{}: "VOLTAGE_RAIL.0" -> "VCPU_C0". */
struct astl_alias {
	char *component;	/* "VOLTAGE_RAIL" */
	uint32_t instance;	/* 0 */
	char *alias;		/* "VCPU_C0" */
};

/* Findings (file-only: spec; id/name collisions: expansion). */
enum astl_finding_type {
	ASTL_FIND_DUP_ID,	/* an earlier slot has the same id */
	ASTL_FIND_DUP_NAME,	/* register declared twice for a component */
	ASTL_FIND_UNIT,		/* unit text normalised (once per text) */
	ASTL_FIND_OVERLAP,	/* two blocks share bytes */
	ASTL_FIND_GAP,		/* bytes of [0, size) no block covers */
	ASTL_FIND_OUTSIDE,	/* a block or line extends past size */
};

/**
 * struct astl_finding - one finding
 * @type:       enum astl_finding_type
 * @block_a, @member_a: first place (block/member indices; -1 if n/a)
 * @block_b, @member_b: second place (the duplicate, overlapping block)
 * @id:         DE id (DUP_ID)
 * @begin, @end: byte range (OVERLAP, GAP, OUTSIDE)
 * @count:      occurrences (UNIT: members; DUP_ID: colliding slots)
 * @text:       human-readable one-liner, e.g.
 *              "id 0x0000e56d: PSS_BMU.0.CXS_READ_BANDWIDTH (layout[3])
 *               and PSS_BMU.0.CXS_READ_BANDWIDTH (layout[4])"
 */
struct astl_finding {
	enum astl_finding_type type;
	int block_a, member_a;
	int block_b, member_b;
	uint32_t id;
	uint64_t begin, end;
	uint32_t count;
	char *text;
};

/**
 * struct astl_spec - a parsed spec file
 * @file:         the name given to the parser
 * @uuid:         16 bytes, in text order
 * @uuid_bytes:   significant bytes (16, or N from "/N")
 * @uuid_text:    as written
 * @description:  top-level description ("" when absent)
 * @size:         TDCF bytes
 * @generation:   1 (layout) or 2 (members/metrics)
 * @instance_id:  "instance_id" (gen 1) / "tdcf_instance_id" (gen 2), or NULL
 * @chiplet_id:   or NULL
 * @blocks:       every block, HEADER blocks included (block indices in
 *                messages and findings are indices here)
 * @headers:      HEADER members
 * @aliases:      generation 2 aliases
 * @findings:     file-only findings (DUP_NAME, UNIT, OVERLAP, GAP,
 *                OUTSIDE); @n_findings recorded, @n_findings_total counted
 * @n_des_per_target: slots of one target (HEADER excluded)
 */
struct astl_spec {
	char *file;
	uint8_t uuid[16];
	unsigned int uuid_bytes;
	char *uuid_text;
	char *description;
	uint32_t size;
	int generation;
	char *instance_id;
	char *chiplet_id;
	uint32_t n_blocks;
	struct astl_block *blocks;
	uint32_t n_headers;
	struct astl_header *headers;
	uint32_t n_aliases;
	struct astl_alias *aliases;
	uint32_t n_findings;
	uint32_t n_findings_total;
	struct astl_finding *findings;
	uint64_t n_des_per_target;
};

/**
 * struct astl_slot - one expanded DE
 * @id:              (global_instance << 16) | base_id
 * @base_id:         base_de_id
 * @block, @member:  indices into spec->blocks / block->members
 * @target:          target index
 * @local_instance:  i in 0..count-1
 * @global_instance: target * count + i
 * @name, @component, @description, @unit_text: the member's strings
 * @display_component: alias of "COMPONENT.global_instance" if the spec
 *                   has one, else @component
 * @full_name:       "<display_component>.<global_instance>.<name>" (owned
 *                   by the expansion)
 * @unit, @unit_normalised, @unit_exponent, @exponent, @kind,
 * @component_type, @line_size: from the member
 * @offset:          start_offset + i * block_size + rel_offset (TDCF byte)
 * @duplicate_id:    an earlier slot has the same id (@first_of_id: its index)
 * @duplicate_name:  an earlier slot has the same @full_name
 */
struct astl_slot {
	uint32_t id;
	uint32_t base_id;
	uint32_t block;
	uint32_t member;
	uint32_t target;
	uint32_t local_instance;
	uint32_t global_instance;
	const char *name;
	const char *component;
	const char *display_component;
	const char *description;
	const char *unit_text;
	char *full_name;
	int unit;
	bool unit_normalised;
	int unit_exponent;
	int exponent;
	enum astl_kind kind;
	uint8_t component_type;
	uint32_t line_size;
	uint64_t offset;
	bool duplicate_id;
	bool duplicate_name;
	uint32_t first_of_id;
};

/**
 * struct astl_expansion - the slots of targets [first_target, +n_targets)
 * @n_distinct_ids: ids counted once
 * @findings:       DUP_ID (one per colliding slot, naming both blocks)
 *                  and DUP_NAME (full names) findings
 */
struct astl_expansion {
	const struct astl_spec *spec;
	uint32_t first_target;
	uint32_t n_targets;
	size_t n_slots;
	struct astl_slot *slots;
	size_t n_distinct_ids;
	size_t n_dup_ids;	/* slots with duplicate_id */
	size_t n_dup_names;	/* slots with duplicate_name */
	uint32_t n_findings;
	uint32_t n_findings_total;
	struct astl_finding *findings;
};

/* repometa.json / platform_lookup.json entry. */
struct astl_index_entry {
	char *uuid_text;	/* key as written */
	uint8_t uuid[16];
	unsigned int uuid_bytes;
	char *path;		/* resolved relative to the index's directory */
	char *description;	/* or NULL */
	char *name_template;	/* platform_lookup only, or NULL */
};

struct astl_index {
	char *file;
	enum astl_doc kind;	/* ASTL_DOC_REPOMETA or ASTL_DOC_LOOKUP */
	uint32_t n_entries;
	struct astl_index_entry *entries;
};

/**
 * struct astl_metric - one metrics declaration
 * @key:          the display key ("Current Temperature")
 * @reg:          register matched (spec member name)
 * @description, @unit, @metric_type, @identifier (identifier or
 *                category), @protocol ("scmi"...), @formula: or NULL
 * @component_filter: or NULL; @instance_filter: -1 when none
 * @groups:       metric_groups
 * @disabled, @confidential
 */
struct astl_metric {
	char *key;
	char *reg;
	char *description;
	char *unit;
	char *metric_type;
	char *identifier;
	char *protocol;
	char *formula;
	char *component_filter;
	int64_t instance_filter;
	uint32_t n_groups;
	char **groups;
	bool disabled;
	bool confidential;
};

struct astl_metrics {
	char *file;
	uint32_t n_metrics;
	struct astl_metric *metrics;
};

/* Read a whole regular file (at most ASTL_MAX_FILE bytes, NUL added). */
int stlm__astl_read_file(const char *path, char **buf, size_t *len,
			 char *err, size_t errlen);

/* Which kind of ASTL document is this JSON text (cheap, top-level keys)? */
enum astl_doc stlm__astl_detect(const char *text, size_t len);

int stlm__astl_spec_parse(const char *text, size_t len, const char *file,
			  struct astl_spec **ret, char *err, size_t errlen);
int stlm__astl_spec_read(const char *path, struct astl_spec **ret,
			 char *err, size_t errlen);
void stlm__astl_spec_free(struct astl_spec *s);

/*
 * Expand targets first_target .. first_target + n_targets - 1 (HEADER
 * blocks never produce slots). -EINVAL (with err) when a global instance
 * would not fit in 16 bits or the slot count exceeds ASTL_MAX_SLOTS.
 */
int stlm__astl_expand(const struct astl_spec *s, uint32_t first_target,
		      uint32_t n_targets, struct astl_expansion **ret,
		      char *err, size_t errlen);
void stlm__astl_expansion_free(struct astl_expansion *e);

int stlm__astl_index_parse(const char *text, size_t len, const char *file,
			   struct astl_index **ret, char *err, size_t errlen);
int stlm__astl_index_read(const char *path, struct astl_index **ret,
			  char *err, size_t errlen);
void stlm__astl_index_free(struct astl_index *x);
/* First entry whose key matches uuid (16 bytes, /N rule), or NULL. */
const struct astl_index_entry *
stlm__astl_index_find(const struct astl_index *x, const uint8_t uuid[16]);

int stlm__astl_metrics_parse(const char *text, size_t len, const char *file,
			     struct astl_metrics **ret, char *err,
			     size_t errlen);
int stlm__astl_metrics_read(const char *path, struct astl_metrics **ret,
			    char *err, size_t errlen);
void stlm__astl_metrics_free(struct astl_metrics *m);
/* Does declaration m apply to slot s (register, component, instance)? */
bool stlm__astl_metric_matches(const struct astl_metric *m,
			       const struct astl_slot *s);

/*
 * UUID text ("7DD87076-9472-8F22-8F80-EB2CF9410000[/N]", any case,
 * hyphens optional) to 16 bytes and significant byte count (1..16).
 */
int stlm__astl_uuid_parse(const char *text, uint8_t uuid[16],
			  unsigned int *nbytes);
/* Compare the first nbytes of key with uuid. */
bool stlm__astl_uuid_match(const uint8_t key[16], unsigned int nbytes,
			   const uint8_t uuid[16]);

/* A well-mixed 32-bit hash of x, for open-addressing tables. */
uint32_t stlm__astl_hash_u32(uint32_t x);

/*
 * Normalise a unit text: *unit (code or ASTL_UNIT_UNKNOWN), *exp_adjust
 * (MHz: +6), *normalised and *note as in struct astl_member.
 */
void stlm__astl_unit(const char *text, int *unit, int *exp_adjust,
		     bool *normalised, const char **note);
/* Platform-format word for a unit code ("celsius"), or NULL. */
const char *stlm__astl_unit_word(int unit);
const char *stlm__astl_kind_name(enum astl_kind k);	/* "gauge"... */

#endif /* STLM_LIB_ASTL_H */
