/* SPDX-License-Identifier: MIT */
/*
 * Copyright (c) 2026 The stlm authors
 *
 * The shm: transport's wire layout, shared by the agent
 * (lib/transport/shm.c) and the emulator (platform/server-shm.c): the SMT
 * area (protocol §2.8) and the doorbell protocol (docs/transports.md
 * "shm"). Private to stlm, never installed.
 *
 * An SMT area is a header of 0x18 bytes (channel_status at 0x04,
 * channel_flags at 0x10, length at 0x14) followed by the message (SCMI
 * header + payload, "length" bytes). The side that owns an area writes the
 * message, then channel_status with release ordering; the other side reads
 * channel_status with acquire ordering before the message. The words are
 * in host byte order: both sides map the same file on one host.
 *
 * The doorbell is a unix stream socket. The platform answers a connection
 * with SHM_DB_REFUSED (one byte, then it closes) or with the 32-byte hello
 * (struct shm_hello), then both sides ring each other with single bytes
 * (SHM_DB_*).
 */
#ifndef STLM_PROTO_SMT_H
#define STLM_PROTO_SMT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* SMT area layout (§2.8). */
#define SMT_STATUS		0x04
#define SMT_FLAGS		0x10
#define SMT_LENGTH		0x14
#define SMT_HEADER		0x18
#define SMT_OVERHEAD		0x18
#define SMT_STATUS_FREE		(1u << 0)
#define SMT_STATUS_ERROR	(1u << 1)
#define SMT_FLAGS_INTR		(1u << 0)

/* Smallest area that holds a response with a status word; largest. */
#define SMT_MIN_AREA		(SMT_OVERHEAD + 8)
#define SMT_MAX_AREA		(1u << 20)

/* Doorbell protocol (docs/transports.md "shm"). */
#define SHM_HELLO_SIZE		32
#define SHM_HELLO_VERSION	1
#define SHM_DB_WELCOME		'W'	/* platform: first byte of the hello */
#define SHM_DB_REFUSED		'B'	/* platform: another agent owns it */
#define SHM_DB_COMMAND		'C'	/* agent: a command is in A2P */
#define SHM_DB_ACK		'A'	/* agent: P2A consumed, FREE again */
#define SHM_DB_ABANDON		'X'	/* agent: abandon the A2P command */
#define SHM_DB_RESPONSE		'R'	/* platform: A2P complete */
#define SHM_DB_NOTIFY		'N'	/* platform: P2A holds a message */
#define SHM_DB_FREED		'F'	/* platform: reply to 'X' */

static inline uint32_t smt_load(const uint8_t *area, size_t off)
{
	return __atomic_load_n((const uint32_t *)(area + off), __ATOMIC_ACQUIRE);
}

static inline void smt_store(uint8_t *area, size_t off, uint32_t v)
{
	__atomic_store_n((uint32_t *)(area + off), v, __ATOMIC_RELEASE);
}

/* Zero an area of size bytes and mark it FREE. */
void smt_reset(uint8_t *area, size_t size);

/*
 * Hand a message to the other side: channel_status 0 (busy),
 * channel_flags INTR (ring me on completion), length, then the len
 * message bytes, with release ordering. The caller checked that len fits
 * (at most area size - SMT_OVERHEAD).
 */
void smt_write_msg(uint8_t *area, const uint8_t *msg, size_t len);

/*
 * The length word of an area of area_size bytes, checked: 4 (a header) to
 * area_size - SMT_OVERHEAD. Returns it, or -EPROTO.
 */
int smt_msg_len(const uint8_t *area, size_t area_size);

/**
 * struct shm_hello - the platform's welcome: where the two areas are
 * @area_size: bytes of each area
 * @a2p_off:   offset of A2P (commands and their responses) in the memory file
 * @p2a_off:   offset of P2A (delayed responses, notifications)
 * @mem_size:  size of the memory file
 */
struct shm_hello {
	uint32_t area_size;
	uint64_t a2p_off;
	uint64_t p2a_off;
	uint64_t mem_size;
};

/*
 * Whether the areas are usable: size SMT_MIN_AREA..SMT_MAX_AREA, offsets
 * 8-byte aligned, both areas inside the memory file and not overlapping.
 */
bool shm_areas_ok(uint64_t area_size, uint64_t a2p_off, uint64_t p2a_off,
		  uint64_t mem_size);

/* Write the hello ('W', version, reserved 0, then the fields, LE). */
void shm_hello_encode(const struct shm_hello *h, uint8_t buf[SHM_HELLO_SIZE]);

/*
 * Decode and check a hello: 'W', version, reserved bytes 0 and
 * shm_areas_ok(). 0 with *ret, or -EPROTO.
 */
int shm_hello_decode(const uint8_t buf[SHM_HELLO_SIZE], struct shm_hello *ret);

#endif /* STLM_PROTO_SMT_H */
