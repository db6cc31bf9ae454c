/* SPDX-License-Identifier: MIT */
/*
 * Copyright (c) 2026 The stlm authors
 *
 * Stream framing of the unix: and tcp: transports (docs/transports.md),
 * shared by the agent (lib/transport/socket.c) and the emulator
 * (platform/server-socket.c). Private to stlm, never installed.
 *
 * A frame is a u32 little-endian length L, then L bytes of SCMI message
 * (header + payload). A frame with L == 0 is the platform's refusal:
 * another agent owns the channel, the platform closes the connection
 * after it. Any other L below 4 (no room for a header) breaks the stream.
 *
 * frame_rx_step() is the bounded decoder of a receive buffer (it never
 * asks for a byte past the current frame, so a socket stays readable
 * exactly while a frame is pending); frame_write() is the send loop: one
 * whole frame on a non-blocking socket, with partial writes and EINTR
 * handled, waiting for room until a deadline.
 */
#ifndef STLM_PROTO_FRAME_H
#define STLM_PROTO_FRAME_H

#include <stddef.h>
#include <stdint.h>

#define FRAME_HDR_SIZE 4

/* The length word of a frame of len message bytes. */
void frame_put_hdr(uint8_t hdr[FRAME_HDR_SIZE], uint32_t len);

enum frame_rx {
	FRAME_RX_MORE,		/* read *want more bytes into the buffer */
	FRAME_RX_WHOLE,		/* a whole frame: message of *want bytes */
	FRAME_RX_REFUSAL,	/* L == 0: the refusal frame */
	FRAME_RX_BAD,		/* L in 1..3 or above max_len */
};

/*
 * Where the frame in buf stands after have bytes of it (its length word
 * first) were received: MORE with *want the bytes still missing (at
 * least 1), WHOLE with *want the message length (the message is at buf +
 * FRAME_HDR_SIZE), REFUSAL or BAD (*want 0). max_len bounds L, so a
 * buffer of FRAME_HDR_SIZE + max_len bytes always suffices.
 */
enum frame_rx frame_rx_step(const uint8_t *buf, size_t have, size_t max_len,
			    size_t *want);

/* CLOCK_MONOTONIC in milliseconds, the clock of frame_write()'s deadline. */
int64_t frame_now_ms(void);

/*
 * Write the frame of message msg (len bytes, 4 or more) to the
 * non-blocking stream socket fd (MSG_NOSIGNAL), waiting for room until
 * deadline (frame_now_ms() time; negative: forever). *ret_sent (optional)
 * receives the bytes that went out, length word included. Returns 0, or:
 *   -ETIMEDOUT    no room before the deadline;
 *   -ECONNRESET   the socket failed (peer gone, reset, any send error);
 *   -errno        waiting for room failed (poll()).
 * After an error with *ret_sent > 0 half a frame is on the wire: the
 * stream is unusable.
 */
int frame_write(int fd, const uint8_t *msg, size_t len, int64_t deadline,
		size_t *ret_sent);

#endif /* STLM_PROTO_FRAME_H */
