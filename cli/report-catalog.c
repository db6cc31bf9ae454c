// SPDX-License-Identifier: MIT
/*
 * Copyright (c) 2026 The stlm authors
 *
 * The catalog of stlm report: the offline catalog stlm replay and stlm
 * decode use (offline-catalog.h), so that `report --catalog` names and
 * scales DEs the same way, behind report.h's small interface.
 */
#include <errno.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "offline-catalog.h"
#include "report.h"

struct rpt_catalog {
	struct ocat cat;
};

int rpt_catalog_load(struct cli *c, const char *path,
		     const struct rec_header *h, struct rpt_catalog **ret)
{
	struct rpt_catalog *k;
	char err[512] = "";
	int r;

	*ret = NULL;
	k = calloc(1, sizeof(*k));
	if (!k) {
		cli_err(c, "out of memory");
		return -ENOMEM;
	}
	if (!path) {
		/* State names from the catalog the recording was made with. */
		r = ocat_load_recorded(h, &k->cat);
		if (r < 0) {
			free(k);
			return r == -ENOMEM ? r : 0;
		}
		*ret = k;
		return 0;
	}
	r = ocat_load(path, h, &k->cat, err, sizeof(err));
	if (r < 0) {
		cli_err(c, "cannot apply catalog: %s",
			err[0] ? err : strerror(-r));
		ocat_done(&k->cat);
		free(k);
		return r;
	}
	*ret = k;
	return 0;
}

void rpt_catalog_free(struct rpt_catalog *k)
{
	if (!k)
		return;
	ocat_done(&k->cat);
	free(k);
}

const char *rpt_catalog_name(const struct rpt_catalog *k)
{
	return k ? k->cat.name : NULL;
}

const char *rpt_state_name(const struct rpt_catalog *k, uint32_t id,
			   int64_t v)
{
	if (!k || !k->cat.cat)
		return NULL;
	return stlm_catalog_state_name(k->cat.cat, id, v);
}

void rpt_view_of(const struct rpt_catalog *k, const struct rec_header *h,
		 uint32_t id, struct rpt_view *v)
{
	struct ocat_view w;

	ocat_view_of(h, k ? &k->cat : NULL, id, &w);
	memset(v, 0, sizeof(*v));
	snprintf(v->idbuf, sizeof(v->idbuf), "0x%08x", id);
	v->name = w.named ? w.name : v->idbuf;
	v->unit = w.unit ? w.unit : "";
	v->kind = w.kind;
	v->description = "";
	if (w.de && w.de->description[0])
		v->description = w.de->description;
	if (w.cd && w.cd->description)
		v->description = w.cd->description;
	v->priv_de = w.de;
	v->priv_cd = w.states_only ? NULL : w.cd;
}

double rpt_view_value(const struct rpt_view *v, const struct rec_sample *s)
{
	struct ocat_view w;

	memset(&w, 0, sizeof(w));
	w.de = v->priv_de;
	w.cd = v->priv_cd;
	return ocat_view_value(&w, s);
}
