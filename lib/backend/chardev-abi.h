/* SPDX-License-Identifier: MIT */
/*
 * Copyright (c) 2026 The stlm authors
 *
 * The kernel's SCMI Telemetry character device (/dev/scmi/tlm_N): our own
 * declarations of the ioctl ABI the chardev: backend speaks, written from
 * the facts listed in docs/chardev.md (every size, offset and request
 * number there is checked against these declarations by the chardev-layout
 * test). Never installed.
 *
 * Revision followed: ABI version 1 with the batched configuration feature
 * (STLM_CDEV_FEAT_BATCHED_CFG): every structure carries a reserved tail,
 * GET/SET_DE_CFG take a batch, events come through an eventfd.
 * The earlier forms are recognised only to refuse them with a clear
 * message (docs/chardev.md, "Revisions").
 */
#ifndef STLM_LIB_BACKEND_CHARDEV_ABI_H
#define STLM_LIB_BACKEND_CHARDEV_ABI_H

#include <linux/ioctl.h>
#include <stdint.h>

#define STLM_CDEV_ABI_V1		1u
#define STLM_CDEV_UUID_SZ		16

/* abi_features: what the ioctl interface itself offers */
#define STLM_CDEV_FEAT_RESET		(1u << 0)
#define STLM_CDEV_FEAT_EVENT		(1u << 1)
#define STLM_CDEV_FEAT_UUID_LIST	(1u << 2)
#define STLM_CDEV_FEAT_BATCH_STATE	(1u << 3)
#define STLM_CDEV_FEAT_BATCHED_CFG	(1u << 4)
#define STLM_CDEV_FEAT_DE_TRACKING	(1u << 5)
#define STLM_CDEV_FEAT_KNOWN		0x3fu

/* features: what the platform (SCMI) supports */
#define STLM_CDEV_SCMI_RESET		(1u << 0)
#define STLM_CDEV_SCMI_SINGLE_SAMPLE	(1u << 1)
#define STLM_CDEV_SCMI_GROUP_CONFIG	(1u << 2)
#define STLM_CDEV_SCMI_NOTIFICATION	(1u << 3)

struct stlm_cdev_abi_info {
	uint32_t size;			/* in: sizeof, out: the driver's */
	uint32_t abi_version;
	uint32_t abi_features;
	uint8_t de_impl_version[STLM_CDEV_UUID_SZ];
	uint32_t num_des;
	uint32_t num_groups;
	uint32_t num_intervals;
	uint32_t num_shmtis;
	uint32_t features;
	uint64_t reserved;
};

struct stlm_cdev_interval {
	uint32_t secs;
	int32_t exp;
};

#define STLM_CDEV_CFG_GROUP		(1u << 0)

struct stlm_cdev_config {
	uint8_t enable;
	uint8_t t_enable;
	uint8_t flags;			/* STLM_CDEV_CFG_GROUP */
	uint8_t pad;
	uint32_t grp_id;
	struct stlm_cdev_interval active;
	uint64_t reserved;
};

#define STLM_CDEV_IV_GROUP		(1u << 0)
#define STLM_CDEV_IV_DISCRETE		(1u << 1)

struct stlm_cdev_intervals {
	uint32_t grp_id;
	uint8_t flags;			/* STLM_CDEV_IV_* */
	uint8_t pad[3];
	uint32_t num_intervals;		/* in: capacity, out: filled */
	uint32_t pad2;
	uint64_t reserved;
	uint64_t intervals;		/* struct stlm_cdev_interval * */
};

struct stlm_cdev_de_config {
	uint32_t id;
	uint32_t enable;
	uint32_t t_enable;
	uint32_t sid;			/* out: SHMTI holding the DE */
	uint32_t offset;		/* out: its line in that SHMTI */
	uint32_t pad;
	uint8_t uuid[STLM_CDEV_UUID_SZ];
	uint64_t reserved;
};

#define STLM_CDEV_DEINFO_GROUP		(1u << 0)

struct stlm_cdev_de_info {
	uint32_t id;
	uint32_t grp_id;
	uint32_t data_sz;
	uint32_t type;
	uint32_t unit;
	int32_t unit_exp;
	uint32_t ts_rate;
	uint32_t instance_id;
	uint32_t compo_instance_id;
	uint32_t compo_type;
	uint8_t persistent;
	uint8_t flags;			/* STLM_CDEV_DEINFO_GROUP */
	uint8_t pad[2];
	uint32_t pad2;
	uint8_t name[16];
	uint64_t reserved;
};

struct stlm_cdev_des_list {
	uint32_t num_des;		/* in: capacity, out: filled */
	uint32_t pad;
	uint64_t des;			/* struct stlm_cdev_de_info * */
};

struct stlm_cdev_sample {
	uint32_t id;
	uint32_t pad;
	uint64_t tstamp;		/* 0: none */
	uint64_t val;
};

#define STLM_CDEV_READ_GROUP		(1u << 0)

struct stlm_cdev_data_read {
	uint32_t grp_id;
	uint8_t flags;			/* STLM_CDEV_READ_GROUP */
	uint8_t pad[3];
	uint32_t pad2;
	uint32_t num_samples;		/* in: capacity, out: filled */
	uint64_t samples;		/* struct stlm_cdev_sample * */
};

struct stlm_cdev_batch {
	uint32_t num_items;
	uint32_t item_sz;
	uint64_t reserved;
	uint64_t states;		/* uint32_t per item: 0 or errno */
	uint64_t items;
};

struct stlm_cdev_grp_info {
	uint32_t grp_id;
	uint32_t num_des;
	uint32_t num_intervals;
	uint32_t pad;
	uint64_t reserved;
};

struct stlm_cdev_grps_list {
	uint32_t num_grps;
	uint32_t pad;
	uint64_t grps;			/* struct stlm_cdev_grp_info * */
};

struct stlm_cdev_grp_desc {
	uint32_t grp_id;
	uint32_t num_des;
	uint64_t composing_des;		/* uint32_t * */
	uint64_t reserved;
};

struct stlm_cdev_shmti_info {
	uint32_t sid;
	uint32_t fd;
	uint32_t len;
	uint32_t offset;
	uint64_t reserved;
};

struct stlm_cdev_shmtis_list {
	uint32_t num_shmtis;
	uint32_t pad;
	uint64_t shmtis;		/* struct stlm_cdev_shmti_info * */
};

struct stlm_cdev_uuid_list {
	uint32_t num_uuids;		/* in: capacity (0: count), out: filled */
	uint32_t pad;
	uint64_t uuids;			/* 16 bytes each, big-endian */
};

#define STLM_CDEV_EVT_GENERATION	0u

struct stlm_cdev_event {
	uint32_t type;			/* STLM_CDEV_EVT_* */
	uint32_t efd;			/* an eventfd the driver signals */
	uint32_t cookie;		/* 0: subscribe; >0: that one off */
	uint32_t pad;
	uint64_t reserved;
};

/*
 * The earliest form (no abi_version): GET_INFO, read-only, a 40-byte base
 * information block. Declared only to recognise it.
 */
struct stlm_cdev_base_info_v0 {
	uint32_t version;
	uint32_t de_impl_version[4];
	uint32_t num_des;
	uint32_t num_groups;
	uint32_t num_intervals;
	uint32_t num_shmtis;
	uint32_t flags;
};

#define STLM_CDEV_MAGIC			0xF1

#define STLM_CDEV_GET_ABI_INFO	_IOWR(STLM_CDEV_MAGIC, 0x00, struct stlm_cdev_abi_info)
#define STLM_CDEV_GET_CFG	_IOWR(STLM_CDEV_MAGIC, 0x01, struct stlm_cdev_config)
#define STLM_CDEV_SET_CFG	_IOWR(STLM_CDEV_MAGIC, 0x02, struct stlm_cdev_config)
#define STLM_CDEV_GET_INTRVS	_IOWR(STLM_CDEV_MAGIC, 0x03, struct stlm_cdev_intervals)
#define STLM_CDEV_GET_DE_CFG	_IOWR(STLM_CDEV_MAGIC, 0x04, struct stlm_cdev_batch)
#define STLM_CDEV_SET_DE_CFG	_IOWR(STLM_CDEV_MAGIC, 0x05, struct stlm_cdev_batch)
#define STLM_CDEV_GET_DE_INFO	_IOWR(STLM_CDEV_MAGIC, 0x06, struct stlm_cdev_de_info)
#define STLM_CDEV_GET_DE_LIST	_IOWR(STLM_CDEV_MAGIC, 0x07, struct stlm_cdev_des_list)
#define STLM_CDEV_DE_READ	_IOWR(STLM_CDEV_MAGIC, 0x08, struct stlm_cdev_sample)
#define STLM_CDEV_GET_ALL_CFG	_IOWR(STLM_CDEV_MAGIC, 0x09, struct stlm_cdev_de_config)
#define STLM_CDEV_SET_ALL_CFG	_IOWR(STLM_CDEV_MAGIC, 0x0A, struct stlm_cdev_de_config)
#define STLM_CDEV_GET_GRP_LIST	_IOWR(STLM_CDEV_MAGIC, 0x0B, struct stlm_cdev_grps_list)
#define STLM_CDEV_GET_GRP_INFO	_IOWR(STLM_CDEV_MAGIC, 0x0C, struct stlm_cdev_grp_info)
#define STLM_CDEV_GET_GRP_DESC	_IOWR(STLM_CDEV_MAGIC, 0x0D, struct stlm_cdev_grp_desc)
#define STLM_CDEV_SINGLE_READ	_IOWR(STLM_CDEV_MAGIC, 0x0E, struct stlm_cdev_data_read)
#define STLM_CDEV_BULK_READ	_IOWR(STLM_CDEV_MAGIC, 0x0F, struct stlm_cdev_data_read)
#define STLM_CDEV_BATCH_READ	_IOWR(STLM_CDEV_MAGIC, 0x10, struct stlm_cdev_data_read)
#define STLM_CDEV_GET_SHMTI_LIST _IOWR(STLM_CDEV_MAGIC, 0x11, struct stlm_cdev_shmtis_list)
#define STLM_CDEV_RESET		_IO(STLM_CDEV_MAGIC, 0x12)
#define STLM_CDEV_GET_UUID_LIST	_IOWR(STLM_CDEV_MAGIC, 0x13, struct stlm_cdev_uuid_list)
#define STLM_CDEV_EVENT_SUBSCRIBE _IOWR(STLM_CDEV_MAGIC, 0x14, struct stlm_cdev_event)
/*
 * Arm's ASTL copy of the same revision declares the two set requests
 * write-only: other request values for the same structures. Used when
 * the driver does not know the read-write ones (ENOTTY).
 */
#define STLM_CDEV_SET_CFG_W	_IOW(STLM_CDEV_MAGIC, 0x02, struct stlm_cdev_config)
#define STLM_CDEV_SET_ALL_CFG_W	_IOW(STLM_CDEV_MAGIC, 0x0A, struct stlm_cdev_de_config)
/* The earliest form's information request (refused). */
#define STLM_CDEV_V0_GET_INFO	_IOR(STLM_CDEV_MAGIC, 0x00, struct stlm_cdev_base_info_v0)

#endif /* STLM_LIB_BACKEND_CHARDEV_ABI_H */
