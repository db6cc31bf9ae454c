/* SPDX-License-Identifier: MIT */
/*
 * Copyright (c) 2026 The stlm authors
 *
 * The vhost-user virtio-scmi device of the emulator (docs/virtio.md): the
 * wire constants it shares with its tests.
 */
#ifndef STLM_PLATFORM_SERVER_VHOST_H
#define STLM_PLATFORM_SERVER_VHOST_H

/* vhost-user requests (front end to back end) this device understands. */
enum vu_request {
	VU_GET_FEATURES = 1,
	VU_SET_FEATURES = 2,
	VU_SET_OWNER = 3,
	VU_RESET_OWNER = 4,
	VU_SET_MEM_TABLE = 5,
	VU_SET_LOG_BASE = 6,
	VU_SET_LOG_FD = 7,
	VU_SET_VRING_NUM = 8,
	VU_SET_VRING_ADDR = 9,
	VU_SET_VRING_BASE = 10,
	VU_GET_VRING_BASE = 11,
	VU_SET_VRING_KICK = 12,
	VU_SET_VRING_CALL = 13,
	VU_SET_VRING_ERR = 14,
	VU_GET_PROTOCOL_FEATURES = 15,
	VU_SET_PROTOCOL_FEATURES = 16,
	VU_GET_QUEUE_NUM = 17,
	VU_SET_VRING_ENABLE = 18,
	VU_SET_BACKEND_REQ_FD = 21,
	VU_GET_CONFIG = 24,
	VU_VRING_KICK = 34,
};

#define VU_FLAG_VERSION		0x1u
#define VU_FLAG_REPLY		0x4u
#define VU_FLAG_NEED_REPLY	0x8u
#define VU_HDR_SIZE		12u

/* Virtio feature bits offered. */
#define VU_F_SCMI_P2A_CHANNELS	0	/* VIRTIO_SCMI_F_P2A_CHANNELS */
#define VU_F_PROTOCOL_FEATURES	30	/* VHOST_USER_F_PROTOCOL_FEATURES */
#define VU_F_VERSION_1		32	/* VIRTIO_F_VERSION_1 */
/* vhost-user protocol feature bits offered. */
#define VU_PF_MQ		0
#define VU_PF_REPLY_ACK		3
/*
 * Offered because UML's virtio_uml takes its interrupt number only when
 * setting up the back-end request channel; the channel is kept open and
 * never written.
 */
#define VU_PF_BACKEND_REQ	5

#define VU_MAX_REGIONS		8
#define VU_NUM_QUEUES		2	/* cmdq, eventq */
#define VU_MAX_QUEUE_SIZE	32768u
/*
 * The largest SCMI message (header + status + payload) the Linux virtio
 * transport takes: VIRTIO_SCMI_MAX_MSG_SIZE (128) of payload after the
 * header, the size its raw-mode staging buffer holds too.
 */
#define VU_LINUX_MAX_MSG	132u

#endif /* STLM_PLATFORM_SERVER_VHOST_H */
