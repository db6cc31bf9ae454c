// SPDX-License-Identifier: MIT
/*
 * Copyright (c) 2026 The stlm authors
 *
 * by-components/ and by-name/ (see tree.h).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <stlm/stlm.h>

#include "tree.h"

static uint32_t hash_key(uint32_t parent, const char *name)
{
	uint32_t h = 2166136261u ^ parent;

	for (; *name; name++)
		h = (h ^ (uint8_t)*name) * 16777619u;
	h ^= h >> 15;
	return h;
}

static int hash_insert(struct vtree *t, uint32_t i)
{
	uint32_t m = t->hcap - 1;
	uint32_t h = hash_key(t->n[i].parent, vtree_name(t, i)) & m;

	while (t->hash[h] != VT_NONE)
		h = (h + 1) & m;
	t->hash[h] = i;
	return 0;
}

static int hash_grow(struct vtree *t)
{
	uint32_t cap = t->hcap ? t->hcap * 2 : 64;
	uint32_t *h = malloc(cap * sizeof(*h));

	if (!h)
		return -ENOMEM;
	memset(h, 0xff, cap * sizeof(*h));
	free(t->hash);
	t->hash = h;
	t->hcap = cap;
	for (uint32_t i = 1; i < t->nn; i++)
		hash_insert(t, i);
	return 0;
}

uint32_t vtree_child(const struct vtree *t, uint32_t parent, const char *name)
{
	uint32_t m, h;

	if (!t->hcap)
		return VT_NONE;
	m = t->hcap - 1;
	h = hash_key(parent, name) & m;
	while (t->hash[h] != VT_NONE) {
		uint32_t i = t->hash[h];

		if (t->n[i].parent == parent && !strcmp(vtree_name(t, i), name))
			return i;
		h = (h + 1) & m;
	}
	return VT_NONE;
}

static int pool_add(struct vtree *t, const char *name, uint32_t *ret)
{
	size_t l = strlen(name) + 1;

	if (t->plen + l > t->pcap) {
		size_t cap = t->pcap ? t->pcap * 2 : 4096;
		char *p;

		while (cap < t->plen + l)
			cap *= 2;
		p = realloc(t->pool, cap);
		if (!p)
			return -ENOMEM;
		t->pool = p;
		t->pcap = cap;
	}
	memcpy(t->pool + t->plen, name, l);
	*ret = (uint32_t)t->plen;
	t->plen += l;
	return 0;
}

static int vtree_add(struct vtree *t, uint32_t parent, const char *name,
		     bool link, uint32_t target, uint32_t *ret)
{
	struct vnode *n;
	uint32_t off;
	int r;

	if (t->nn == t->cap) {
		uint32_t cap = t->cap ? t->cap * 2 : 64;

		n = realloc(t->n, cap * sizeof(*n));
		if (!n)
			return -ENOMEM;
		t->n = n;
		t->cap = cap;
	}
	r = pool_add(t, name, &off);
	if (r < 0)
		return r;
	n = &t->n[t->nn];
	*n = (struct vnode){
		.parent = parent, .first = VT_NONE, .next = VT_NONE,
		.last = VT_NONE, .name = off, .target = target, .link = link,
		.depth = parent == VT_NONE ? 1 : t->n[parent].depth + 1,
	};
	if (parent != VT_NONE) {
		struct vnode *p = &t->n[parent];

		if (p->last == VT_NONE)
			p->first = t->nn;
		else
			t->n[p->last].next = t->nn;
		p->last = t->nn;
	}
	*ret = t->nn++;
	if (t->nn * 2 > t->hcap) {
		r = hash_grow(t);
		if (r < 0)
			return r;
	} else if (*ret) {
		hash_insert(t, *ret);
	}
	return 0;
}

int vtree_init(struct vtree *t)
{
	uint32_t root;

	memset(t, 0, sizeof(*t));
	return vtree_add(t, VT_NONE, "", false, 0, &root);
}

void vtree_free(struct vtree *t)
{
	free(t->n);
	free(t->pool);
	free(t->hash);
	memset(t, 0, sizeof(*t));
}

int vtree_link_text(const struct vtree *t, uint32_t i, char *buf, size_t len)
{
	const struct vnode *n = &t->n[i];
	size_t o = 0;

	/* The link lives in its parent's directory, depth(parent) deep. */
	for (unsigned int k = 0; k < t->n[n->parent].depth; k++) {
		if (o + 3 >= len)
			return -ENAMETOOLONG;
		memcpy(buf + o, "../", 3);
		o += 3;
	}
	if ((size_t)snprintf(buf + o, len - o, "des/0x%08X", n->target) >= len - o)
		return -ENAMETOOLONG;
	return 0;
}

/* Find or make directory @name under @parent. */
static int vtree_dir(struct vtree *t, uint32_t parent, const char *name,
		     uint32_t *ret)
{
	uint32_t i = vtree_child(t, parent, name);

	if (i != VT_NONE) {
		if (t->n[i].link)
			return -EEXIST;
		*ret = i;
		return 0;
	}
	return vtree_add(t, parent, name, false, 0, ret);
}

int vtree_build_components(struct vtree *t, struct stlm_session *s)
{
	int n = stlm_de_count(s);
	char a[16], c[16], leaf[64];
	uint32_t d1, d2, d3, d4, l;
	int r;

	if (n < 0)
		return n;
	for (int i = 0; i < n; i++) {
		const struct stlm_de *de = stlm_de_at(s, (size_t)i);
		const char *fw;

		if (!de)
			return -errno;
		fw = stlm_de_fw_name(de);
		snprintf(a, sizeof(a), "%u", stlm_de_component_instance(de));
		snprintf(c, sizeof(c), "%u", stlm_de_instance(de));
		snprintf(leaf, sizeof(leaf), "0x%08X[%s]", stlm_de_id(de),
			 fw ? fw : "");
		if (strchr(leaf, '/')) {
			t->skipped++;
			continue;
		}
		r = vtree_dir(t, 0, stlm_de_component_name(de), &d1);
		if (!r)
			r = vtree_dir(t, d1, a, &d2);
		if (!r)
			r = vtree_dir(t, d2, stlm_unit_name(stlm_de_unit(de),
							    STLM_UNIT_STLMFS), &d3);
		if (!r)
			r = vtree_dir(t, d3, c, &d4);
		if (r == -ENOMEM)
			return r;
		if (r < 0 || vtree_child(t, d4, leaf) != VT_NONE) {
			t->skipped++; /* logged by the caller as a count */
			continue;
		}
		r = vtree_add(t, d4, leaf, true, stlm_de_id(de), &l);
		if (r < 0)
			return r;
	}
	return 0;
}

static bool bad_component(const char *p, size_t len)
{
	return len == 0 || len > 255 || (len == 1 && p[0] == '.') ||
	       (len == 2 && p[0] == '.' && p[1] == '.');
}

int vtree_build_names(struct vtree *t, struct stlm_session *s)
{
	int n = stlm_de_count(s);
	char part[256];
	int r;

	if (n < 0)
		return n;
	for (int i = 0; i < n; i++) {
		const struct stlm_de *de = stlm_de_at(s, (size_t)i);
		const char *name, *p, *dot;
		uint32_t dir = 0, l;
		bool bad = false;

		if (!de)
			return -errno;
		name = stlm_de_name(de);
		if (!name || !*name || strchr(name, '/'))
			continue;
		for (p = name;; p = dot + 1) {
			size_t len;

			dot = strchr(p, '.');
			len = dot ? (size_t)(dot - p) : strlen(p);
			if (bad_component(p, len)) {
				bad = true;
				break;
			}
			memcpy(part, p, len);
			part[len] = 0;
			if (!dot)
				break;
			r = vtree_dir(t, dir, part, &dir);
			if (r == -ENOMEM)
				return r;
			if (r < 0) {
				bad = true;
				break;
			}
		}
		if (bad || vtree_child(t, dir, part) != VT_NONE) {
			t->skipped++;
			continue;
		}
		r = vtree_add(t, dir, part, true, stlm_de_id(de), &l);
		if (r < 0)
			return r;
	}
	return 0;
}
