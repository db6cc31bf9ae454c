// SPDX-License-Identifier: MIT
/*
 * Copyright (c) 2026 The stlm authors
 *
 * The formats layer's shared tables and rules (formats/): the number rule
 * (decimal unless 0x, never octal), the {i}/{k} template expander, the
 * unit table's three spellings and the component table's two, and the
 * public calls on catalogs read without a session (including "010" read
 * as ten in a catalog id).
 */
#define STLM_TEST_GROUP "formats"
#include "stlm-test.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stlm/stlm.h>
#include <unistd.h>

#include "component.h"
#include "num.h"
#include "template.h"
#include "units.h"

STLM_TEST(num_unsigned)
{
	uint64_t v;

	ASSERT_OK(stlm__num_u64("0", &v));
	ASSERT_U64_EQ(v, 0);
	ASSERT_OK(stlm__num_u64("010", &v));
	ASSERT_U64_EQ(v, 10);	/* never octal */
	ASSERT_OK(stlm__num_u64("0x10", &v));
	ASSERT_U64_EQ(v, 16);
	ASSERT_OK(stlm__num_u64("0XfF", &v));
	ASSERT_U64_EQ(v, 255);
	ASSERT_OK(stlm__num_u64("18446744073709551615", &v));
	ASSERT_U64_EQ(v, UINT64_MAX);
	ASSERT_OK(stlm__num_u64("0xFFFFFFFFFFFFFFFF", &v));
	ASSERT_U64_EQ(v, UINT64_MAX);
	ASSERT_ERR(stlm__num_u64("18446744073709551616", &v), -ERANGE);
	ASSERT_ERR(stlm__num_u64("0x10000000000000000", &v), -ERANGE);
	ASSERT_ERR(stlm__num_u64("", &v), -EINVAL);
	ASSERT_ERR(stlm__num_u64("0x", &v), -EINVAL);
	ASSERT_ERR(stlm__num_u64("12 ", &v), -EINVAL);
	ASSERT_ERR(stlm__num_u64(" 12", &v), -EINVAL);
	ASSERT_ERR(stlm__num_u64("12abc", &v), -EINVAL);
	ASSERT_ERR(stlm__num_u64("0x1g", &v), -EINVAL);
	ASSERT_ERR(stlm__num_u64("-1", &v), -EINVAL);
	ASSERT_ERR(stlm__num_u64("+1", &v), -EINVAL);
	ASSERT_ERR(stlm__num_u64("1.5", &v), -EINVAL);
	ASSERT_ERR(stlm__num_u64(NULL, &v), -EINVAL);
	ASSERT_EQ(stlm__hex_digit('a'), 10);
	ASSERT_EQ(stlm__hex_digit('F'), 15);
	ASSERT_EQ(stlm__hex_digit('g'), -1);
}

STLM_TEST(num_signed)
{
	int64_t v;

	ASSERT_OK(stlm__num_i64("-010", &v));
	ASSERT_EQ(v, -10);
	ASSERT_OK(stlm__num_i64("+7", &v));
	ASSERT_EQ(v, 7);
	ASSERT_OK(stlm__num_i64("-9223372036854775808", &v));
	ASSERT_EQ(v, INT64_MIN);
	ASSERT_OK(stlm__num_i64("9223372036854775807", &v));
	ASSERT_EQ(v, INT64_MAX);
	ASSERT_ERR(stlm__num_i64("9223372036854775808", &v), -ERANGE);
	ASSERT_ERR(stlm__num_i64("-9223372036854775809", &v), -ERANGE);
	/* hexadecimal is the 64-bit pattern */
	ASSERT_OK(stlm__num_i64("0xFFFFFFFFFFFFFFFF", &v));
	ASSERT_EQ(v, -1);
	ASSERT_OK(stlm__num_i64("-0x10", &v));
	ASSERT_EQ(v, -16);
	ASSERT_ERR(stlm__num_i64("-", &v), -EINVAL);
	ASSERT_ERR(stlm__num_i64("--1", &v), -EINVAL);
	ASSERT_ERR(stlm__num_i64("1e3", &v), -EINVAL);
}

STLM_TEST(template_expand)
{
	char b[16];

	ASSERT_OK(stlm__tpl_expand("cpu{i}.k{k}", 12, 3, 0, b, sizeof(b)));
	ASSERT_STREQ(b, "cpu12.k3");
	ASSERT_OK(stlm__tpl_expand("{i}{i}", -1, 0, STLM_TPL_STRICT, b,
				   sizeof(b)));
	ASSERT_STREQ(b, "-1-1");
	/* other braces: literal, or an error when strict */
	ASSERT_OK(stlm__tpl_expand("a{x}b", 1, 2, 0, b, sizeof(b)));
	ASSERT_STREQ(b, "a{x}b");
	ASSERT_ERR(stlm__tpl_expand("a{x}b", 1, 2, STLM_TPL_STRICT, b,
				    sizeof(b)), -EINVAL);
	ASSERT_ERR(stlm__tpl_expand("a{i", 1, 2, STLM_TPL_STRICT, b,
				    sizeof(b)), -EINVAL);
	/* too long: what fits, NUL-terminated */
	ASSERT_ERR(stlm__tpl_expand("abcdefghijklmnopqrstuvwxyz", 0, 0, 0, b,
				    sizeof(b)), -E2BIG);
	ASSERT_STREQ(b, "abcdefghijklmno");
	ASSERT_ERR(stlm__tpl_expand("abcdefghijkl{i}", 123456, 0, 0, b,
				    sizeof(b)), -E2BIG);
	ASSERT_EQ(strlen(b), sizeof(b) - 1);
	ASSERT_OK(stlm__tpl_expand("abcdefghijkl{i}", 123, 0, 0, b,
				   sizeof(b)));
	ASSERT_STREQ(b, "abcdefghijkl123");
	ASSERT_TRUE(stlm__tpl_has_var("x{k}"));
	ASSERT_FALSE(stlm__tpl_has_var("x{j}"));
	ASSERT_EQ(stlm__tpl_var("{i}"), 'i');
	ASSERT_EQ(stlm__tpl_var("{k}"), 'k');
	ASSERT_EQ(stlm__tpl_var("{i} "), 0);
}

STLM_TEST(unit_table)
{
	/* every defined code: word <-> code both ways, three spellings */
	for (int u = 0; u < STLM_UNIT_N; u++) {
		const char *w = stlm__unit_word(u);

		ASSERT_NOT_NULL(w);
		ASSERT_EQ(stlm__unit_code(w), u);
		ASSERT_NOT_NULL(stlm_unit_name((uint8_t)u, STLM_UNIT_SYMBOL));
		ASSERT_NOT_NULL(stlm_unit_name((uint8_t)u, STLM_UNIT_STLMFS));
		ASSERT_STREQ(stlm_unit_name((uint8_t)u, STLM_UNIT_WORD), w);
		ASSERT_EQ(stlm_unit_code(w), u);
	}
	ASSERT_STREQ(stlm_unit_name(2, STLM_UNIT_WORD), "celsius");
	ASSERT_STREQ(stlm_unit_name(2, STLM_UNIT_SYMBOL), "°C");
	ASSERT_STREQ(stlm_unit_name(2, STLM_UNIT_STLMFS), "celsius");
	ASSERT_STREQ(stlm_unit_name(1, STLM_UNIT_STLMFS), "unspec");
	ASSERT_STREQ(stlm_unit_name(94, STLM_UNIT_WORD), "binary_state");
	ASSERT_STREQ(stlm_unit_name(94, STLM_UNIT_STLMFS), "state");
	ASSERT_STREQ(stlm_unit_name(95, STLM_UNIT_WORD), "bytes_per_second");
	ASSERT_STREQ(stlm_unit_name(95, STLM_UNIT_SYMBOL), "B/s");
	ASSERT_STREQ(stlm_unit_name(95, STLM_UNIT_STLMFS), "bps");
	ASSERT_STREQ(stlm_unit_name(255, STLM_UNIT_WORD), "oem");
	ASSERT_STREQ(stlm_unit_name(255, STLM_UNIT_SYMBOL), "OEM");
	ASSERT_STREQ(stlm_unit_name(255, STLM_UNIT_STLMFS), "oem_unit");
	ASSERT_NULL(stlm_unit_name(96, STLM_UNIT_WORD));
	ASSERT_STREQ(stlm_unit_name(96, STLM_UNIT_SYMBOL), "reserved");
	ASSERT_STREQ(stlm_unit_name(96, STLM_UNIT_STLMFS), "res_96");
	ASSERT_STREQ(stlm_unit_name(254, STLM_UNIT_STLMFS), "res_254");
	ASSERT_NULL(stlm_unit_name(2, 7));
	ASSERT_EQ(stlm_unit_code("oem"), 255);
	ASSERT_EQ(stlm_unit_code("Celsius"), -ENOENT);
	ASSERT_EQ(stlm_unit_code(NULL), -EINVAL);
	ASSERT_TRUE(stlm__unit_valid(95));
	ASSERT_FALSE(stlm__unit_valid(96));
	ASSERT_TRUE(stlm__unit_valid(255));
}

STLM_TEST(component_table)
{
	/* the two spellings of one table */
	ASSERT_STREQ(stlm__component_name(5), "interconnnect");
	ASSERT_STREQ(stlm__component_keyword(5), "interconnect");
	ASSERT_STREQ(stlm__component_name(6), "mem_cntrl");
	ASSERT_STREQ(stlm__component_keyword(6), "memory_controller");
	ASSERT_EQ(stlm__component_code("memory_controller"), 6);
	ASSERT_EQ(stlm__component_code("mem_cntrl"), -1);
	ASSERT_EQ(stlm__component_code("unspecified"), 0);
	ASSERT_STREQ(stlm__component_name(0), "unspec");
	for (int t = 0; t < STLM_COMPONENT_N; t++)
		ASSERT_EQ(stlm__component_code(stlm__component_keyword(t)), t);
	ASSERT_NULL(stlm__component_keyword(STLM_COMPONENT_N));
	ASSERT_STREQ(stlm__component_name(STLM_COMPONENT_N), "res_29");
	ASSERT_STREQ(stlm__component_name(0xDF), "res_223");
	ASSERT_STREQ(stlm__component_name(0xE0), "oem_224");
	ASSERT_STREQ(stlm__component_name(0xFF), "oem_255");
}

static void write_text(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	ASSERT_NOT_NULL(f);
	fputs(text, f);
	fclose(f);
}

STLM_TEST(catalog_without_session)
{
	char dir[] = "/tmp/stlm-formats-XXXXXX", a[64], b[64], err[256];
	struct stlm_platform_info info = {
		.vendor = "acme", .sub_vendor = "widget",
		.impl_version = 3,
		.uuid_str = "00112233-4455-6677-8899-AABBCCDDEEFF",
	};
	struct stlm_catalog *c = NULL;
	struct stlm_catalog_de d;

	ASSERT_NOT_NULL(mkdtemp(dir));
	snprintf(a, sizeof(a), "%s/a.json", dir);
	snprintf(b, sizeof(b), "%s/b.json", dir);
	write_text(a, "{\"format\": 1, \"name\": \"by-vendor\","
		      " \"match\": {\"vendor\": \"acme\"},"
		      " \"des\": [{\"id\": \"010\", \"name\": \"ten\","
		      " \"unit\": \"watts\", \"scale\": 0.5, \"signed\": true,"
		      " \"kind\": \"state\", \"states\": {\"1\": \"on\"}},"
		      " {\"repeat\": {\"count\": 2, \"first\": 4},"
		      " \"des\": [{\"id\": \"0x100\", \"name\": \"c{i}\"}]}]}");
	write_text(b, "{\"format\": 1, \"name\": \"by-uuid\","
		      " \"match\": {\"uuid\": \"00112233-4455-6677-8899-aabbccddeeff\"}}");
	ASSERT_OK(stlm_catalog_open(a, &c, err, sizeof(err)));
	ASSERT_STREQ(stlm_catalog_title(c), "by-vendor");
	ASSERT_STREQ(stlm_catalog_path(c), a);
	ASSERT_EQ(stlm_catalog_entry_count(c), 3);
	ASSERT_EQ(stlm_catalog_matches(c, &info), 1);
	ASSERT_OK(stlm_catalog_describe(c, 10, &d));	/* "010" is ten */
	ASSERT_STREQ(d.name, "ten");
	ASSERT_EQ(d.unit, 7);
	ASSERT_TRUE(d.scale == 0.5);
	ASSERT_TRUE(d.is_signed);
	ASSERT_EQ(d.kind, STLM_KIND_STATE);
	ASSERT_STREQ(stlm_catalog_state_name(c, 10, 1), "on");
	ASSERT_NULL(stlm_catalog_state_name(c, 10, 2));
	ASSERT_OK(stlm_catalog_describe(c, 0x101, &d));
	ASSERT_STREQ(d.name, "c5");
	ASSERT_EQ(d.unit, -1);
	ASSERT_EQ(d.kind, -1);
	ASSERT_ERR(stlm_catalog_describe(c, 8, &d), -ENOENT);
	ASSERT_OK(stlm_catalog_entry_at(c, 1, &d));
	ASSERT_EQ(d.id, 0x100);
	ASSERT_ERR(stlm_catalog_entry_at(c, 3, &d), -ERANGE);
	stlm_catalog_close(c);
	stlm_catalog_close(NULL);
	/* the most specific of a directory wins */
	c = NULL;
	ASSERT_OK(stlm_catalog_find(dir, &info, &c, err, sizeof(err)));
	ASSERT_STREQ(stlm_catalog_title(c), "by-uuid");
	ASSERT_EQ(stlm_catalog_matches(c, &info), 4);
	stlm_catalog_close(c);
	snprintf(info.uuid_str, sizeof(info.uuid_str), "%s",
		 "00112233-4455-6677-8899-000000000000");
	ASSERT_OK(stlm_catalog_find(dir, &info, &c, err, sizeof(err)));
	ASSERT_STREQ(stlm_catalog_title(c), "by-vendor");
	stlm_catalog_close(c);
	snprintf(info.vendor, sizeof(info.vendor), "%s", "other");
	ASSERT_ERR(stlm_catalog_find(dir, &info, &c, err, sizeof(err)),
		   -ENOMSG);
	ASSERT_ERR(stlm_catalog_find(a, &info, &c, err, sizeof(err)), -ENOMSG);
	/* bad files: the parser's message */
	write_text(a, "{\"format\": 1, \"name\": \"x\", \"match\": {},"
		      " \"des\": [{\"id\": \"08x\", \"name\": \"a\"}]}");
	ASSERT_ERR(stlm_catalog_open(a, &c, err, sizeof(err)), -EINVAL);
	ASSERT_TRUE(strstr(err, "des[0].id: bad number '08x'") != NULL);
	unlink(a);
	unlink(b);
	rmdir(dir);
	ASSERT_ERR(stlm_catalog_open(a, &c, err, sizeof(err)), -ENOENT);
}
