// SPDX-License-Identifier: MIT
/*
 * Copyright (c) 2026 The stlm authors
 *
 * Transport URI parsing (stlm_uri_parse) and scheme dispatch
 * (stlm_transport_open) without a platform.
 */
#define STLM_TEST_GROUP "transport-uri"
#include "stlm-test.h"

#include <limits.h>
#include <stdlib.h>

#include "transport.h"

STLM_TEST(schemes_and_paths)
{
	static const struct {
		const char *uri, *scheme, *path;
	} ok[] = {
		{ "shm:/tmp/stlm", "shm", "/tmp/stlm" },
		{ "shm:relative/dir", "shm", "relative/dir" },
		{ "unix:/run/stlm/platform.sock", "unix", "/run/stlm/platform.sock" },
		{ "unix:sock", "unix", "sock" },
		{ "raw:/sys/kernel/debug/scmi/0/raw", "raw", "/sys/kernel/debug/scmi/0/raw" },
		{ "stlmd:/run/stlm/stlmd.sock", "stlmd", "/run/stlm/stlmd.sock" },
		{ "rawfs:/mnt/raw", "rawfs", "/mnt/raw" },
		{ "stlmfs:/mnt/stlm", "stlmfs", "/mnt/stlm" },
		{ "unix:/a b/c:d", "unix", "/a b/c:d" },
		{ "shm:/x=y&z", "shm", "/x=y&z" },
	};
	struct stlm_uri u;

	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		memset(&u, 0xAA, sizeof(u));
		ASSERT_OK(stlm_uri_parse(ok[i].uri, &u));
		ASSERT_STREQ(u.scheme, ok[i].scheme);
		ASSERT_STREQ(u.path, ok[i].path);
		ASSERT_STREQ(u.host, "");
		ASSERT_EQ(u.port, 0);
		ASSERT_STREQ(u.mem, "");
		ASSERT_EQ(u.timeout_ms, 0);
	}
}

STLM_TEST(tcp_hosts_and_ports)
{
	static const struct {
		const char *uri, *host;
		int port;
	} ok[] = {
		{ "tcp:127.0.0.1:4000", "127.0.0.1", 4000 },
		{ "tcp:localhost:0", "localhost", 0 },
		{ "tcp:localhost:65535", "localhost", 65535 },
		{ "tcp:[::1]:1", "::1", 1 },
		{ "tcp:[fe80::1%lo]:22", "fe80::1%lo", 22 },
		{ "tcp:example.org:00080", "example.org", 80 },
		{ "tcp:10.0.0.1:7?timeout_ms=5", "10.0.0.1", 7 },
	};
	struct stlm_uri u;

	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		ASSERT_OK(stlm_uri_parse(ok[i].uri, &u));
		ASSERT_STREQ(u.scheme, "tcp");
		ASSERT_STREQ(u.path, "");
		ASSERT_STREQ(u.host, ok[i].host);
		ASSERT_EQ(u.port, ok[i].port);
	}
	ASSERT_EQ(u.timeout_ms, 5);
}

STLM_TEST(options)
{
	struct stlm_uri u;

	ASSERT_OK(stlm_uri_parse("shm:/d?mem=/tmp/m&timeout_ms=250", &u));
	ASSERT_STREQ(u.path, "/d");
	ASSERT_STREQ(u.mem, "/tmp/m");
	ASSERT_EQ(u.timeout_ms, 250);

	ASSERT_OK(stlm_uri_parse("raw:/r?timeout_ms=0&mem=/dev/mem", &u));
	ASSERT_STREQ(u.mem, "/dev/mem");
	ASSERT_EQ(u.timeout_ms, 0);

	ASSERT_OK(stlm_uri_parse("unix:/s?timeout_ms=2147483647", &u));
	ASSERT_EQ(u.timeout_ms, 2147483647);

	/* The value runs to the next '&': '=' is allowed in it. */
	ASSERT_OK(stlm_uri_parse("unix:/s?mem=/a=b", &u));
	ASSERT_STREQ(u.mem, "/a=b");
}

STLM_TEST(invalid)
{
	static const char *const bad[] = {
		"", ":", "shm", "shm:", ":/x", "foo:/x", "SHM:/x", "Unix:/x",
		" shm:/x", "shm :/x", "shmx:/x", "sh:/x",
		/* tcp */
		"tcp:", "tcp:host", "tcp:host:", "tcp::80", "tcp:host:65536",
		"tcp:host:-1", "tcp:host:+1", "tcp:host:12a", "tcp:host: 1",
		"tcp:host:99999999999", "tcp:[::1]", "tcp:[::1]80",
		"tcp:[]:80", "tcp:[host]:80", "tcp:[::1:80", "tcp:::1:80",
		"tcp:host:80:90", "tcp:ho]st:80", "tcp:[::1]]:80",
		"tcp:host:80?", "tcp:?mem=/x",
		/* options */
		"unix:/x?", "unix:/x?mem=", "unix:/x?mem", "unix:/x?=1",
		"unix:/x?foo=1", "unix:/x?MEM=/a", "unix:/x?mem=a&mem=b",
		"unix:/x?timeout_ms=-1", "unix:/x?timeout_ms=1x",
		"unix:/x?timeout_ms=", "unix:/x?timeout_ms=2147483648",
		"unix:/x?timeout_ms=99999999999", "unix:/x?timeout_ms",
		"unix:/x?timeout_ms=1&timeout_ms=1", "unix:/x?&mem=a",
		"unix:/x?mem=a&", "unix:/x?mem=a&&timeout_ms=1",
		"unix:/x?mem=a?b", "shm:?mem=/x",
		/* control characters */
		"unix:/x\n", "unix:/\ty", "unix:/x\x7f", "unix:/x?mem=\x01",
	};
	struct stlm_uri u;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		int r = stlm_uri_parse(bad[i], &u);

		if (r != -EINVAL)
			STLM_FAIL_AT("\"%s\": expected -EINVAL, got %d", bad[i], r);
	}
	ASSERT_ERR(stlm_uri_parse(NULL, &u), -EINVAL);
	ASSERT_ERR(stlm_uri_parse("shm:/x", NULL), -EINVAL);
}

STLM_TEST(field_lengths)
{
	size_t n = PATH_MAX + 300;
	char *uri = malloc(n), host[300];
	struct stlm_uri u;

	ASSERT_NOT_NULL(uri);
	/* A path of PATH_MAX - 1 characters fits, PATH_MAX does not. */
	strcpy(uri, "unix:");
	memset(uri + 5, 'a', PATH_MAX - 1);
	uri[5 + PATH_MAX - 1] = '\0';
	ASSERT_OK(stlm_uri_parse(uri, &u));
	ASSERT_EQ(strlen(u.path), PATH_MAX - 1);
	strcat(uri, "a");
	ASSERT_ERR(stlm_uri_parse(uri, &u), -EINVAL);

	/* Same for mem=. */
	strcpy(uri, "shm:/d?mem=");
	memset(uri + 11, 'm', PATH_MAX - 1);
	uri[11 + PATH_MAX - 1] = '\0';
	ASSERT_OK(stlm_uri_parse(uri, &u));
	strcat(uri, "m");
	ASSERT_ERR(stlm_uri_parse(uri, &u), -EINVAL);

	/* Hosts: up to 255 characters. */
	memset(host, 'h', 255);
	host[255] = '\0';
	snprintf(uri, n, "tcp:%s:1", host);
	ASSERT_OK(stlm_uri_parse(uri, &u));
	ASSERT_EQ(strlen(u.host), 255);
	snprintf(uri, n, "tcp:%sh:1", host);
	ASSERT_ERR(stlm_uri_parse(uri, &u), -EINVAL);
	free(uri);
}

STLM_TEST(untouched_on_error)
{
	struct stlm_uri u, before;

	memset(&u, 0x5A, sizeof(u));
	before = u;
	ASSERT_ERR(stlm_uri_parse("unix:/x?bogus=1", &u), -EINVAL);
	ASSERT_MEMEQ(&u, &before, sizeof(u));
}

STLM_TEST(open_dispatch)
{
	struct stlm_transport *t = NULL;
	char path[PATH_MAX];

	ASSERT_ERR(stlm_transport_open("stlmd:/run/stlm/stlmd.sock", &t),
		   -EPROTONOSUPPORT);
	ASSERT_ERR(stlm_transport_open("rawfs:/mnt", &t), -EPROTONOSUPPORT);
	ASSERT_ERR(stlm_transport_open("stlmfs:/mnt", &t), -EPROTONOSUPPORT);
	ASSERT_ERR(stlm_transport_open("bogus:/x", &t), -EINVAL);
	ASSERT_ERR(stlm_transport_open("unix:/x?mem=", &t), -EINVAL);
	ASSERT_ERR(stlm_transport_open("tcp:127.0.0.1:0", &t), -EINVAL);
	ASSERT_ERR(stlm_transport_open("unix:/x", NULL), -EINVAL);
	ASSERT_NULL(t);

	/* Nothing listens there. */
	snprintf(path, sizeof(path), "unix:%s/none.sock", stlm_test_tmpdir());
	ASSERT_ERR(stlm_transport_open(path, &t), -ENOENT);
	snprintf(path, sizeof(path), "shm:%s", stlm_test_tmpdir());
	ASSERT_ERR(stlm_transport_open(path, &t), -ENOENT);
	/* A unix socket path longer than sun_path. */
	memset(path, 'x', 200);
	memcpy(path, "unix:/", 6);
	path[200] = '\0';
	ASSERT_ERR(stlm_transport_open(path, &t), -ENAMETOOLONG);
	ASSERT_NULL(t);
}
