// SPDX-License-Identifier: MIT
/*
 * Copyright (c) 2026 The stlm authors
 *
 * Unit tests for the wire layouts both sides share (lib/proto/): the
 * unix/tcp stream framing (frame.c), the shm: SMT area and doorbell hello
 * (smt.c) and the stlmd socket codec's event constants (stlmd-wire.h).
 * Expected bytes follow docs/transports.md, not the code under test.
 */
#define STLM_TEST_GROUP "proto-wire"
#include "stlm-test.h"

#include <fcntl.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

#include "stlm/stlm.h"
#include "frame.h"
#include "smt.h"
#include "stlmd-wire.h"

/* The daemon's event types are the library's. */
_Static_assert(STLMD_EVENT_UPDATE == STLM_EVENT_UPDATE, "update");
_Static_assert(STLMD_EVENT_GENERATION == STLM_EVENT_GENERATION, "generation");
_Static_assert(STLMD_EVENT_RESET == STLM_EVENT_RESET, "reset");
_Static_assert(STLMD_EVENT_LOST == STLM_EVENT_LOST, "lost");

/* ------------------------------------------------------------------ */
/* Stream framing                                                      */

STLM_TEST(frame_header_is_le32)
{
	uint8_t h[FRAME_HDR_SIZE];
	static const uint8_t want[] = { 0x34, 0x12, 0x00, 0x00 };

	frame_put_hdr(h, 0x1234);
	ASSERT_MEMEQ(h, want, sizeof(want));
}

STLM_TEST(frame_rx_step_states)
{
	uint8_t buf[FRAME_HDR_SIZE + 16] = { 0 };
	size_t want;

	/* Nothing, then part of the length word: the rest of the word. */
	ASSERT_EQ(frame_rx_step(buf, 0, 16, &want), FRAME_RX_MORE);
	ASSERT_EQ(want, 4);
	ASSERT_EQ(frame_rx_step(buf, 3, 16, &want), FRAME_RX_MORE);
	ASSERT_EQ(want, 1);

	/* L == 0 is the refusal; 1..3 and above the bound break the stream. */
	frame_put_hdr(buf, 0);
	ASSERT_EQ(frame_rx_step(buf, 4, 16, &want), FRAME_RX_REFUSAL);
	for (uint32_t l = 1; l < 4; l++) {
		frame_put_hdr(buf, l);
		ASSERT_EQ(frame_rx_step(buf, 4, 16, &want), FRAME_RX_BAD);
		ASSERT_EQ(want, 0);
	}
	frame_put_hdr(buf, 17);
	ASSERT_EQ(frame_rx_step(buf, 4, 16, &want), FRAME_RX_BAD);

	/* A body never asks past the frame. */
	frame_put_hdr(buf, 16);
	ASSERT_EQ(frame_rx_step(buf, 4, 16, &want), FRAME_RX_MORE);
	ASSERT_EQ(want, 16);
	ASSERT_EQ(frame_rx_step(buf, 19, 16, &want), FRAME_RX_MORE);
	ASSERT_EQ(want, 1);
	ASSERT_EQ(frame_rx_step(buf, 20, 16, &want), FRAME_RX_WHOLE);
	ASSERT_EQ(want, 16);
	frame_put_hdr(buf, 4);
	ASSERT_EQ(frame_rx_step(buf, 8, 4, &want), FRAME_RX_WHOLE);
	ASSERT_EQ(want, 4);
}

/* A connected pair, sv[0] non-blocking; closed at the end of the case. */
static int sv[2] = { -1, -1 };

static void pair_close(void *arg)
{
	for (int i = 0; i < 2; i++) {
		if (sv[i] >= 0)
			close(sv[i]);
		sv[i] = -1;
	}
}

static void pair(void)
{
	ASSERT_OK(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv));
	stlm_test_defer(pair_close, NULL);
	ASSERT_OK(fcntl(sv[0], F_SETFL, O_NONBLOCK));
}

STLM_TEST(frame_write_whole_frame)
{
	static const uint8_t msg[] = { 0x00, 0x6c, 0x00, 0x00, 1, 2, 3 };
	uint8_t got[64];
	size_t sent = 0;

	pair();
	ASSERT_OK(frame_write(sv[0], msg, sizeof(msg), -1, &sent));
	ASSERT_EQ(sent, FRAME_HDR_SIZE + sizeof(msg));
	ASSERT_EQ(read(sv[1], got, sizeof(got)), FRAME_HDR_SIZE + sizeof(msg));
	ASSERT_EQ(got[0], sizeof(msg));
	ASSERT_EQ(got[1] | got[2] | got[3], 0);
	ASSERT_MEMEQ(got + FRAME_HDR_SIZE, msg, sizeof(msg));
}

STLM_TEST(frame_write_times_out_half_sent)
{
	size_t len = 1 << 20, sent = 0;
	uint8_t *big = calloc(1, len);
	int64_t t0;

	ASSERT_NOT_NULL(big);
	stlm_test_defer(free, big);
	pair();
	/* Nobody reads: part of the frame goes out, then no room. */
	t0 = frame_now_ms();
	ASSERT_ERR(frame_write(sv[0], big, len, t0 + 100, &sent), -ETIMEDOUT);
	ASSERT_CMP(sent, >, 0);
	ASSERT_CMP(sent, <, FRAME_HDR_SIZE + len);
	ASSERT_CMP(frame_now_ms() - t0, >=, 90);
}

STLM_TEST(frame_write_peer_gone)
{
	static const uint8_t msg[4] = { 0 };

	pair();
	close(sv[1]);
	sv[1] = -1;
	ASSERT_ERR(frame_write(sv[0], msg, sizeof(msg), -1, NULL), -ECONNRESET);
}

/* ------------------------------------------------------------------ */
/* SMT area and doorbell hello                                         */

STLM_TEST(smt_layout)
{
	static const uint8_t msg[] = { 0x01, 0x02, 0x03, 0x04, 0xaa };
	uint8_t area[SMT_MIN_AREA + 8];

	ASSERT_EQ(SMT_STATUS, 0x04);
	ASSERT_EQ(SMT_FLAGS, 0x10);
	ASSERT_EQ(SMT_LENGTH, 0x14);
	ASSERT_EQ(SMT_HEADER, 0x18);

	memset(area, 0xff, sizeof(area));
	smt_reset(area, sizeof(area));
	ASSERT_EQ(smt_load(area, SMT_STATUS), SMT_STATUS_FREE);
	ASSERT_EQ(smt_load(area, SMT_LENGTH), 0);
	ASSERT_EQ(area[sizeof(area) - 1], 0);

	smt_write_msg(area, msg, sizeof(msg));
	ASSERT_EQ(smt_load(area, SMT_STATUS), 0);
	ASSERT_EQ(smt_load(area, SMT_FLAGS), SMT_FLAGS_INTR);
	ASSERT_EQ(smt_load(area, SMT_LENGTH), sizeof(msg));
	ASSERT_MEMEQ(area + SMT_HEADER, msg, sizeof(msg));
	ASSERT_EQ(smt_msg_len(area, sizeof(area)), sizeof(msg));
}

STLM_TEST(smt_msg_len_bounds)
{
	uint8_t area[SMT_MIN_AREA];

	smt_reset(area, sizeof(area));
	for (uint32_t l = 0; l < 4; l++) {
		smt_store(area, SMT_LENGTH, l);
		ASSERT_ERR(smt_msg_len(area, sizeof(area)), -EPROTO);
	}
	smt_store(area, SMT_LENGTH, sizeof(area) - SMT_OVERHEAD);
	ASSERT_EQ(smt_msg_len(area, sizeof(area)), sizeof(area) - SMT_OVERHEAD);
	smt_store(area, SMT_LENGTH, sizeof(area) - SMT_OVERHEAD + 1);
	ASSERT_ERR(smt_msg_len(area, sizeof(area)), -EPROTO);
	smt_store(area, SMT_LENGTH, 0xffffffffu);
	ASSERT_ERR(smt_msg_len(area, sizeof(area)), -EPROTO);
}

STLM_TEST(shm_areas_geometry)
{
	ASSERT_TRUE(shm_areas_ok(128, 0, 128, 256));
	ASSERT_TRUE(shm_areas_ok(SMT_MIN_AREA, 64, 0, 4096));
	ASSERT_TRUE(shm_areas_ok(SMT_MAX_AREA, 0, SMT_MAX_AREA,
				 2ull * SMT_MAX_AREA));
	ASSERT_FALSE(shm_areas_ok(SMT_MIN_AREA - 1, 0, 64, 4096));
	ASSERT_FALSE(shm_areas_ok(SMT_MAX_AREA + 1, 0, 2 * SMT_MAX_AREA,
				  4ull * SMT_MAX_AREA));
	ASSERT_FALSE(shm_areas_ok(128, 4, 256, 4096));	/* unaligned */
	ASSERT_FALSE(shm_areas_ok(128, 0, 260, 4096));
	ASSERT_FALSE(shm_areas_ok(128, 0, 64, 4096));	/* overlap */
	ASSERT_FALSE(shm_areas_ok(128, 64, 0, 4096));
	ASSERT_FALSE(shm_areas_ok(128, 0, 128, 255));	/* past the end */
	ASSERT_FALSE(shm_areas_ok(128, 4096, 0, 4096));
	ASSERT_FALSE(shm_areas_ok(128, UINT64_MAX - 7, 0, UINT64_MAX));
}

STLM_TEST(shm_hello_bytes)
{
	static const uint8_t want[SHM_HELLO_SIZE] = {
		'W', 1, 0, 0, 0x00, 0x01, 0x00, 0x00,
		0x00, 0x10, 0, 0, 0, 0, 0, 0,
		0x00, 0x11, 0, 0, 0, 0, 0, 0,
		0x00, 0x20, 0, 0, 0, 0, 0, 0,
	};
	struct shm_hello h = { .area_size = 256, .a2p_off = 0x1000,
			       .p2a_off = 0x1100, .mem_size = 0x2000 }, d;
	uint8_t buf[SHM_HELLO_SIZE];

	shm_hello_encode(&h, buf);
	ASSERT_MEMEQ(buf, want, sizeof(want));
	ASSERT_OK(shm_hello_decode(buf, &d));
	ASSERT_EQ(d.area_size, 256);
	ASSERT_U64_EQ(d.a2p_off, 0x1000);
	ASSERT_U64_EQ(d.p2a_off, 0x1100);
	ASSERT_U64_EQ(d.mem_size, 0x2000);

	/* Each header byte, and bad geometry, is refused. */
	for (int i = 0; i < 4; i++) {
		memcpy(buf, want, sizeof(buf));
		buf[i] ^= 0x40;
		ASSERT_ERR(shm_hello_decode(buf, &d), -EPROTO);
	}
	memcpy(buf, want, sizeof(buf));
	buf[8] = 0x04; /* A2P unaligned */
	ASSERT_ERR(shm_hello_decode(buf, &d), -EPROTO);
	memcpy(buf, want, sizeof(buf));
	buf[17] = 0x10; /* P2A on top of A2P */
	ASSERT_ERR(shm_hello_decode(buf, &d), -EPROTO);
}

/* ------------------------------------------------------------------ */
/* stlmd socket codec                                                  */

STLM_TEST(stlmd_update_event_carries_n_samples)
{
	uint8_t p[sizeof(struct stlmd_event) + 2 * sizeof(struct stlmd_sample)];
	struct stlmd_event e = { .type = STLMD_EVENT_UPDATE, .n = 2 }, d;

	memset(p, 0, sizeof(p));
	memcpy(p, &e, sizeof(e));
	ASSERT_OK(stlmd_event_decode(p, sizeof(p), &d));
	ASSERT_EQ(d.n, 2);
	ASSERT_ERR(stlmd_event_decode(p, sizeof(p) - 1, &d), -EPROTO);
	ASSERT_ERR(stlmd_event_decode(p, sizeof(e) - 1, &d), -EPROTO);
	/* Other types may carry more (later protocol versions). */
	e.type = STLMD_EVENT_GENERATION;
	memcpy(p, &e, sizeof(e));
	ASSERT_OK(stlmd_event_decode(p, sizeof(p) - 1, &d));
}

/* A failed reply's "platform down" payload: decoded only when whole. */
STLM_TEST(stlmd_down_payload)
{
	struct stlmd_down d = { .magic = STLMD_DOWN_MAGIC,
				.state = STLMD_DOWN_LOST,
				.last_err = -ECONNREFUSED, .attempts = 3,
				.down_ns = 2000000000ull };
	uint8_t b[sizeof(d) + 8];
	struct stlmd_down got;

	memset(d.platform, 'x', sizeof(d.platform));	/* no NUL: cut */
	memcpy(b, &d, sizeof(d));
	memset(b + sizeof(d), 0, 8);
	ASSERT_OK(stlmd_down_decode(b, sizeof(d), &got));
	ASSERT_EQ(got.state, STLMD_DOWN_LOST);
	ASSERT_EQ(got.last_err, -ECONNREFUSED);
	ASSERT_EQ(strlen(got.platform), sizeof(got.platform) - 1);
	/* later versions may append fields */
	ASSERT_OK(stlmd_down_decode(b, sizeof(b), &got));
	/* short, other magic, unknown state, positive errno: a plain error */
	ASSERT_ERR(stlmd_down_decode(b, sizeof(d) - 1, &got), -ENOENT);
	ASSERT_ERR(stlmd_down_decode(NULL, 0, &got), -ENOENT);
	d.magic = STLMD_MAGIC;
	memcpy(b, &d, sizeof(d));
	ASSERT_ERR(stlmd_down_decode(b, sizeof(d), &got), -ENOENT);
	d.magic = STLMD_DOWN_MAGIC;
	d.state = 4;
	memcpy(b, &d, sizeof(d));
	ASSERT_ERR(stlmd_down_decode(b, sizeof(d), &got), -ENOENT);
	d.state = STLMD_DOWN_UNREACHABLE;
	d.last_err = 5;
	memcpy(b, &d, sizeof(d));
	ASSERT_ERR(stlmd_down_decode(b, sizeof(d), &got), -ENOENT);
}
