/* SPDX-License-Identifier: MIT */
/*
 * Copyright (c) 2026 The stlm authors
 *
 * The symlink views of the tree (by-components/, by-name/): a small
 * directory tree of names built once from the DE table, with O(1) lookup
 * of a child by (parent, name) and O(1) readdir resumption.
 */
#ifndef STLMD_TREE_H
#define STLMD_TREE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct stlm_session;

#define VT_NONE UINT32_MAX

/**
 * struct vnode - a directory or a symlink
 * @parent, @first, @next: tree links (VT_NONE: none)
 * @name:   offset of the name in vtree.pool
 * @target: symlink: the DE id it points to
 * @depth:  directories between tlm_<N>/ and this node's directory
 *          (by-components/ itself is 1)
 * @link:   true for a symlink
 */
struct vnode {
	uint32_t parent, first, next, last;
	uint32_t name;
	uint32_t target;
	uint16_t depth;
	bool link;
};

/** struct vtree - node 0 is the view's root directory */
struct vtree {
	struct vnode *n;
	uint32_t nn, cap;
	char *pool;
	size_t plen, pcap;
	uint32_t *hash;
	uint32_t hcap;
	uint32_t skipped;
};

int vtree_init(struct vtree *t);
void vtree_free(struct vtree *t);
/** @return the child's index or VT_NONE. */
uint32_t vtree_child(const struct vtree *t, uint32_t parent, const char *name);
static inline const char *vtree_name(const struct vtree *t, uint32_t i)
{
	return t->pool + t->n[i].name;
}
/** The symlink text of link @i ("../../des/0x0000A001"). */
int vtree_link_text(const struct vtree *t, uint32_t i, char *buf, size_t len);

/** by-components/ per docs/stlmfs.md (v4 naming). */
int vtree_build_components(struct vtree *t, struct stlm_session *s);
/** by-name/ from stlm_de_name(), split on '.'. */
int vtree_build_names(struct vtree *t, struct stlm_session *s);


#endif /* STLMD_TREE_H */
