// SPDX-License-Identifier: MIT
/*
 * Copyright (c) 2026 The stlm authors
 *
 * SMT area and doorbell hello helpers (see smt.h).
 */
#include <errno.h>
#include <string.h>

#include "scmi.h"
#include "smt.h"

void smt_reset(uint8_t *area, size_t size)
{
	memset(area, 0, size);
	smt_store(area, SMT_STATUS, SMT_STATUS_FREE);
}

void smt_write_msg(uint8_t *area, const uint8_t *msg, size_t len)
{
	smt_store(area, SMT_STATUS, 0);
	smt_store(area, SMT_FLAGS, SMT_FLAGS_INTR);
	smt_store(area, SMT_LENGTH, (uint32_t)len);
	memcpy(area + SMT_HEADER, msg, len);
	__atomic_thread_fence(__ATOMIC_RELEASE);
}

int smt_msg_len(const uint8_t *area, size_t area_size)
{
	uint32_t len = smt_load(area, SMT_LENGTH);

	if (area_size < SMT_OVERHEAD || len < 4 ||
	    len > area_size - SMT_OVERHEAD)
		return -EPROTO;
	return (int)len;
}

bool shm_areas_ok(uint64_t area_size, uint64_t a2p_off, uint64_t p2a_off,
		  uint64_t mem_size)
{
	return area_size >= SMT_MIN_AREA && area_size <= SMT_MAX_AREA &&
	       a2p_off % 8 == 0 && p2a_off % 8 == 0 && a2p_off <= mem_size &&
	       p2a_off <= mem_size && area_size <= mem_size - a2p_off &&
	       area_size <= mem_size - p2a_off &&
	       !(a2p_off < p2a_off + area_size && p2a_off < a2p_off + area_size);
}

void shm_hello_encode(const struct shm_hello *h, uint8_t buf[SHM_HELLO_SIZE])
{
	memset(buf, 0, SHM_HELLO_SIZE);
	buf[0] = SHM_DB_WELCOME;
	buf[1] = SHM_HELLO_VERSION;
	scmi_put_le32(buf + 4, h->area_size);
	scmi_put_le64(buf + 8, h->a2p_off);
	scmi_put_le64(buf + 16, h->p2a_off);
	scmi_put_le64(buf + 24, h->mem_size);
}

int shm_hello_decode(const uint8_t buf[SHM_HELLO_SIZE], struct shm_hello *ret)
{
	struct shm_hello h = {
		.area_size = scmi_get_le32(buf + 4),
		.a2p_off = scmi_get_le64(buf + 8),
		.p2a_off = scmi_get_le64(buf + 16),
		.mem_size = scmi_get_le64(buf + 24),
	};

	if (buf[0] != SHM_DB_WELCOME || buf[1] != SHM_HELLO_VERSION ||
	    buf[2] || buf[3] ||
	    !shm_areas_ok(h.area_size, h.a2p_off, h.p2a_off, h.mem_size))
		return -EPROTO;
	*ret = h;
	return 0;
}
