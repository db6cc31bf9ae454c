// SPDX-License-Identifier: MIT
/*
 * Copyright (c) 2026 The stlm authors
 *
 * Which backend serves a URI (backend.h).
 */
#include <errno.h>
#include <string.h>

#include <stlm/stlm.h>

#include "backend.h"
#include "scmi.h"
#include "telemetry.h"
#include "transport.h"

/*
 * Every scheme not listed here (unix, tcp, shm, raw) speaks SCMI over an
 * agent transport; the SCMI backend refuses the schemes no transport
 * implements.
 */
static const struct {
	const char *scheme;
	const struct stlm_backend_ops *ops;
} backends[] = {
	{ "stlmd", &stlm__backend_stlmd },
	{ "stlmfs", &stlm__backend_stlmfs },
	{ "chardev", &stlm__backend_chardev },
};

int stlm__backend_select(const char *uri, const struct stlm_backend_ops **ret)
{
	struct stlm_uri u;
	int r;

	r = stlm_uri_parse(uri, &u);
	if (r < 0)
		return r;
	*ret = &stlm__backend_scmi;
	for (size_t i = 0; i < ARRAY_SIZE(backends); i++)
		if (!strcmp(backends[i].scheme, u.scheme))
			*ret = backends[i].ops;
	return 0;
}

__attribute__((visibility("default")))
int stlm_uri_check(const char *uri, char *err, size_t errlen)
{
	return stlm_uri_explain(uri, err, errlen);
}

bool stlm__interval_listed(const struct stlm_interval *v, size_t n, bool range,
			   struct scmi_tlm_interval *iv)
{
	uint64_t x = scmi_tlm_interval_ns(iv);

	if (range) {
		if (n != 3 || x < v[0].ns || x > v[1].ns || !x)
			return false;
		return !v[2].ns || (x - v[0].ns) % v[2].ns == 0;
	}
	for (size_t i = 0; i < n; i++)
		if (v[i].ns == x) {
			iv->secs = v[i].secs;
			iv->exp = v[i].exp;
			return true;
		}
	return false;
}

void stlm__interval_fill(struct stlm_interval *v,
			 const struct scmi_tlm_interval *w)
{
	v->secs = w->secs;
	v->exp = w->exp;
	v->ns = scmi_tlm_interval_ns(w);
}
