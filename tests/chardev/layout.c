// SPDX-License-Identifier: MIT
/*
 * Copyright (c) 2026 The stlm authors
 *
 * The chardev-layout test: every number docs/chardev.md gives for the
 * ioctl ABI (request values with their direction, type, number and size;
 * structure sizes; field offsets and sizes) checked against the
 * declarations of lib/backend/chardev-abi.h, and every declaration
 * documented. Tables are recognised by their header rows:
 *
 *   | Request | Value | Dir | Type | Nr | Size | Argument |
 *   | Structure | Size |
 *   | Structure | Field | Offset | Size |
 *
 * Usage: chardev-layout PATH-OF-THE-DOC   (exit 0: all agree)
 * With --print, prints the rows from the declarations instead.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chardev-abi.h"

struct req {
	const char *name;
	unsigned long value;
	const char *arg;
};

#define R(n, a) { #n, STLM_CDEV_##n, a }
static const struct req reqs[] = {
	R(GET_ABI_INFO, "stlm_cdev_abi_info"),
	R(GET_CFG, "stlm_cdev_config"),
	R(SET_CFG, "stlm_cdev_config"),
	R(GET_INTRVS, "stlm_cdev_intervals"),
	R(GET_DE_CFG, "stlm_cdev_batch"),
	R(SET_DE_CFG, "stlm_cdev_batch"),
	R(GET_DE_INFO, "stlm_cdev_de_info"),
	R(GET_DE_LIST, "stlm_cdev_des_list"),
	R(DE_READ, "stlm_cdev_sample"),
	R(GET_ALL_CFG, "stlm_cdev_de_config"),
	R(SET_ALL_CFG, "stlm_cdev_de_config"),
	R(GET_GRP_LIST, "stlm_cdev_grps_list"),
	R(GET_GRP_INFO, "stlm_cdev_grp_info"),
	R(GET_GRP_DESC, "stlm_cdev_grp_desc"),
	R(SINGLE_READ, "stlm_cdev_data_read"),
	R(BULK_READ, "stlm_cdev_data_read"),
	R(BATCH_READ, "stlm_cdev_data_read"),
	R(GET_SHMTI_LIST, "stlm_cdev_shmtis_list"),
	R(RESET, "-"),
	R(GET_UUID_LIST, "stlm_cdev_uuid_list"),
	R(EVENT_SUBSCRIBE, "stlm_cdev_event"),
	R(SET_CFG_W, "stlm_cdev_config"),
	R(SET_ALL_CFG_W, "stlm_cdev_de_config"),
	R(V0_GET_INFO, "stlm_cdev_base_info_v0"),
};

struct st {
	const char *name;
	size_t size;
};

#define S(n) { #n, sizeof(struct n) }
static const struct st sts[] = {
	S(stlm_cdev_abi_info), S(stlm_cdev_interval), S(stlm_cdev_config),
	S(stlm_cdev_intervals), S(stlm_cdev_de_config), S(stlm_cdev_de_info),
	S(stlm_cdev_des_list), S(stlm_cdev_sample), S(stlm_cdev_data_read),
	S(stlm_cdev_batch), S(stlm_cdev_grp_info), S(stlm_cdev_grps_list),
	S(stlm_cdev_grp_desc), S(stlm_cdev_shmti_info),
	S(stlm_cdev_shmtis_list), S(stlm_cdev_uuid_list), S(stlm_cdev_event),
	S(stlm_cdev_base_info_v0),
};

struct fld {
	const char *st;
	const char *name;
	size_t off;
	size_t size;
};

#define F(s, f) { #s, #f, offsetof(struct s, f), sizeof(((struct s *)0)->f) }
static const struct fld flds[] = {
	F(stlm_cdev_abi_info, size), F(stlm_cdev_abi_info, abi_version),
	F(stlm_cdev_abi_info, abi_features),
	F(stlm_cdev_abi_info, de_impl_version),
	F(stlm_cdev_abi_info, num_des), F(stlm_cdev_abi_info, num_groups),
	F(stlm_cdev_abi_info, num_intervals),
	F(stlm_cdev_abi_info, num_shmtis), F(stlm_cdev_abi_info, features),
	F(stlm_cdev_abi_info, reserved),
	F(stlm_cdev_interval, secs), F(stlm_cdev_interval, exp),
	F(stlm_cdev_config, enable), F(stlm_cdev_config, t_enable),
	F(stlm_cdev_config, flags), F(stlm_cdev_config, grp_id),
	F(stlm_cdev_config, active), F(stlm_cdev_config, reserved),
	F(stlm_cdev_intervals, grp_id), F(stlm_cdev_intervals, flags),
	F(stlm_cdev_intervals, num_intervals),
	F(stlm_cdev_intervals, reserved), F(stlm_cdev_intervals, intervals),
	F(stlm_cdev_de_config, id), F(stlm_cdev_de_config, enable),
	F(stlm_cdev_de_config, t_enable), F(stlm_cdev_de_config, sid),
	F(stlm_cdev_de_config, offset), F(stlm_cdev_de_config, uuid),
	F(stlm_cdev_de_config, reserved),
	F(stlm_cdev_de_info, id), F(stlm_cdev_de_info, grp_id),
	F(stlm_cdev_de_info, data_sz), F(stlm_cdev_de_info, type),
	F(stlm_cdev_de_info, unit), F(stlm_cdev_de_info, unit_exp),
	F(stlm_cdev_de_info, ts_rate), F(stlm_cdev_de_info, instance_id),
	F(stlm_cdev_de_info, compo_instance_id),
	F(stlm_cdev_de_info, compo_type), F(stlm_cdev_de_info, persistent),
	F(stlm_cdev_de_info, flags), F(stlm_cdev_de_info, name),
	F(stlm_cdev_de_info, reserved),
	F(stlm_cdev_des_list, num_des), F(stlm_cdev_des_list, des),
	F(stlm_cdev_sample, id), F(stlm_cdev_sample, tstamp),
	F(stlm_cdev_sample, val),
	F(stlm_cdev_data_read, grp_id), F(stlm_cdev_data_read, flags),
	F(stlm_cdev_data_read, num_samples), F(stlm_cdev_data_read, samples),
	F(stlm_cdev_batch, num_items), F(stlm_cdev_batch, item_sz),
	F(stlm_cdev_batch, reserved), F(stlm_cdev_batch, states),
	F(stlm_cdev_batch, items),
	F(stlm_cdev_grp_info, grp_id), F(stlm_cdev_grp_info, num_des),
	F(stlm_cdev_grp_info, num_intervals), F(stlm_cdev_grp_info, reserved),
	F(stlm_cdev_grps_list, num_grps), F(stlm_cdev_grps_list, grps),
	F(stlm_cdev_grp_desc, grp_id), F(stlm_cdev_grp_desc, num_des),
	F(stlm_cdev_grp_desc, composing_des), F(stlm_cdev_grp_desc, reserved),
	F(stlm_cdev_shmti_info, sid), F(stlm_cdev_shmti_info, fd),
	F(stlm_cdev_shmti_info, len), F(stlm_cdev_shmti_info, offset),
	F(stlm_cdev_shmti_info, reserved),
	F(stlm_cdev_shmtis_list, num_shmtis), F(stlm_cdev_shmtis_list, shmtis),
	F(stlm_cdev_uuid_list, num_uuids), F(stlm_cdev_uuid_list, uuids),
	F(stlm_cdev_event, type), F(stlm_cdev_event, efd),
	F(stlm_cdev_event, cookie), F(stlm_cdev_event, reserved),
	F(stlm_cdev_base_info_v0, version),
	F(stlm_cdev_base_info_v0, de_impl_version),
	F(stlm_cdev_base_info_v0, num_des),
	F(stlm_cdev_base_info_v0, num_groups),
	F(stlm_cdev_base_info_v0, num_intervals),
	F(stlm_cdev_base_info_v0, num_shmtis),
	F(stlm_cdev_base_info_v0, flags),
};

#define N(a) (sizeof(a) / sizeof((a)[0]))

static const char *dirname_of(unsigned long v)
{
	switch (_IOC_DIR(v)) {
	case _IOC_NONE:
		return "none";
	case _IOC_READ:
		return "R";
	case _IOC_WRITE:
		return "W";
	default:
		return "RW";
	}
}

static void print_rows(void)
{
	puts("| Request | Value | Dir | Type | Nr | Size | Argument |");
	puts("|---|---|---|---|---|---|---|");
	for (size_t i = 0; i < N(reqs); i++)
		printf("| `%s` | `0x%08lx` | %s | `0x%02lx` | `0x%02lx` | %lu | `%s` |\n",
		       reqs[i].name, reqs[i].value, dirname_of(reqs[i].value),
		       (unsigned long)_IOC_TYPE(reqs[i].value),
		       (unsigned long)_IOC_NR(reqs[i].value),
		       (unsigned long)_IOC_SIZE(reqs[i].value), reqs[i].arg);
	puts("\n| Structure | Size |\n|---|---|");
	for (size_t i = 0; i < N(sts); i++)
		printf("| `%s` | %zu |\n", sts[i].name, sts[i].size);
	puts("\n| Structure | Field | Offset | Size |\n|---|---|---|---|");
	for (size_t i = 0; i < N(flds); i++)
		printf("| `%s` | `%s` | %zu | %zu |\n", flds[i].st, flds[i].name,
		       flds[i].off, flds[i].size);
}

/* Split a table row into at most max trimmed cells (backticks dropped). */
static int cells(char *line, char **c, int max)
{
	int n = 0;
	char *p = line;

	if (*p != '|')
		return 0;
	p++;
	while (*p && n < max) {
		char *e = strchr(p, '|'), *a, *b;

		if (!e)
			break;
		*e = '\0';
		a = p;
		while (*a == ' ' || *a == '`')
			a++;
		b = e;
		while (b > a && (b[-1] == ' ' || b[-1] == '`'))
			*--b = '\0';
		c[n++] = a;
		p = e + 1;
	}
	return n;
}

static int fails;

static void bad(int line, const char *what)
{
	fprintf(stderr, "docs/chardev.md:%d: %s\n", line, what);
	fails++;
}

static unsigned long num(const char *s, int line)
{
	char *end;
	unsigned long v = strtoul(s, &end, 0);

	if (!*s || *end)
		bad(line, "not a number");
	return v;
}

int main(int argc, char **argv)
{
	bool seen_r[N(reqs)] = { 0 }, seen_s[N(sts)] = { 0 },
	     seen_f[N(flds)] = { 0 };
	char buf[1024];
	int kind = 0, line = 0;
	FILE *f;

	if (argc == 2 && !strcmp(argv[1], "--print")) {
		print_rows();
		return 0;
	}
	if (argc != 2) {
		fprintf(stderr, "usage: chardev-layout DOC | --print\n");
		return 2;
	}
	f = fopen(argv[1], "re");
	if (!f) {
		perror(argv[1]);
		return 1;
	}
	while (fgets(buf, sizeof(buf), f)) {
		char *c[8];
		int n;

		line++;
		buf[strcspn(buf, "\n")] = '\0';
		n = cells(buf, c, 8);
		if (!n) {
			kind = 0;
			continue;
		}
		if (!strcmp(c[0], "Request") && n == 7) {
			kind = 1;
			continue;
		}
		if (!strcmp(c[0], "Structure") && n == 2) {
			kind = 2;
			continue;
		}
		if (!strcmp(c[0], "Structure") && n == 4 &&
		    !strcmp(c[1], "Field")) {
			kind = 3;
			continue;
		}
		if (c[0][0] == '-')
			continue;
		if (kind == 1 && n == 7) {
			size_t i;

			for (i = 0; i < N(reqs); i++)
				if (!strcmp(reqs[i].name, c[0]))
					break;
			if (i == N(reqs)) {
				bad(line, "request not declared");
				continue;
			}
			seen_r[i] = true;
			if (num(c[1], line) != reqs[i].value)
				bad(line, "request value differs");
			if (strcmp(c[2], dirname_of(reqs[i].value)))
				bad(line, "direction differs");
			if (num(c[3], line) != _IOC_TYPE(reqs[i].value))
				bad(line, "type differs");
			if (num(c[4], line) != _IOC_NR(reqs[i].value))
				bad(line, "number differs");
			if (num(c[5], line) != _IOC_SIZE(reqs[i].value))
				bad(line, "size differs");
			if (strcmp(c[6], reqs[i].arg))
				bad(line, "argument differs");
		} else if (kind == 2 && n == 2) {
			size_t i;

			for (i = 0; i < N(sts); i++)
				if (!strcmp(sts[i].name, c[0]))
					break;
			if (i == N(sts)) {
				bad(line, "structure not declared");
				continue;
			}
			seen_s[i] = true;
			if (num(c[1], line) != sts[i].size)
				bad(line, "structure size differs");
		} else if (kind == 3 && n == 4) {
			size_t i;

			for (i = 0; i < N(flds); i++)
				if (!strcmp(flds[i].st, c[0]) &&
				    !strcmp(flds[i].name, c[1]))
					break;
			if (i == N(flds)) {
				bad(line, "field not declared");
				continue;
			}
			seen_f[i] = true;
			if (num(c[2], line) != flds[i].off)
				bad(line, "offset differs");
			if (num(c[3], line) != flds[i].size)
				bad(line, "field size differs");
		}
	}
	fclose(f);
	for (size_t i = 0; i < N(reqs); i++)
		if (!seen_r[i])
			fprintf(stderr, "request %s not documented\n", reqs[i].name),
				fails++;
	for (size_t i = 0; i < N(sts); i++)
		if (!seen_s[i])
			fprintf(stderr, "structure %s not documented\n", sts[i].name),
				fails++;
	for (size_t i = 0; i < N(flds); i++)
		if (!seen_f[i])
			fprintf(stderr, "field %s.%s not documented\n", flds[i].st,
				flds[i].name),
				fails++;
	printf("chardev-layout: %zu requests, %zu structures, %zu fields; %d disagreement(s)\n",
	       N(reqs), N(sts), N(flds), fails);
	return fails ? 1 : 0;
}
