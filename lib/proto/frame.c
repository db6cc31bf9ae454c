// SPDX-License-Identifier: MIT
/*
 * Copyright (c) 2026 The stlm authors
 *
 * Stream framing of the unix: and tcp: transports (see frame.h).
 */
#include <errno.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <time.h>

#include "frame.h"
#include "scmi.h"

void frame_put_hdr(uint8_t hdr[FRAME_HDR_SIZE], uint32_t len)
{
	scmi_put_le32(hdr, len);
}

enum frame_rx frame_rx_step(const uint8_t *buf, size_t have, size_t max_len,
			    size_t *want)
{
	uint32_t l;

	*want = 0;
	if (have < FRAME_HDR_SIZE) {
		*want = FRAME_HDR_SIZE - have;
		return FRAME_RX_MORE;
	}
	l = scmi_get_le32(buf);
	if (l == 0)
		return FRAME_RX_REFUSAL;
	if (l < 4 || l > max_len)
		return FRAME_RX_BAD;
	if (have >= FRAME_HDR_SIZE + (size_t)l) {
		*want = l;
		return FRAME_RX_WHOLE;
	}
	*want = FRAME_HDR_SIZE + (size_t)l - have;
	return FRAME_RX_MORE;
}

int64_t frame_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Wait for room until deadline: 1 ready, 0 timed out, -errno. */
static int wait_room(int fd, int64_t deadline)
{
	struct pollfd pfd = { .fd = fd, .events = POLLOUT };

	for (;;) {
		int timeout = -1, r;

		if (deadline >= 0) {
			int64_t left = deadline - frame_now_ms();

			timeout = left <= 0 ? 0 :
				  left > INT32_MAX ? INT32_MAX : (int)left;
		}
		r = poll(&pfd, 1, timeout);
		if (r >= 0)
			return r > 0;
		if (errno != EINTR)
			return -errno;
	}
}

int frame_write(int fd, const uint8_t *msg, size_t len, int64_t deadline,
		size_t *ret_sent)
{
	uint8_t hdr[FRAME_HDR_SIZE];
	size_t done = 0, total = FRAME_HDR_SIZE + len;
	int r = 0;

	frame_put_hdr(hdr, (uint32_t)len);
	while (done < total) {
		struct iovec iov[2];
		struct msghdr mh = { .msg_iov = iov };
		ssize_t n;

		if (done < FRAME_HDR_SIZE) {
			iov[0].iov_base = hdr + done;
			iov[0].iov_len = FRAME_HDR_SIZE - done;
			iov[1].iov_base = (void *)msg;
			iov[1].iov_len = len;
			mh.msg_iovlen = 2;
		} else {
			iov[0].iov_base = (void *)(msg + done - FRAME_HDR_SIZE);
			iov[0].iov_len = total - done;
			mh.msg_iovlen = 1;
		}
		n = sendmsg(fd, &mh, MSG_NOSIGNAL | MSG_DONTWAIT);
		if (n > 0) {
			done += (size_t)n;
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
			r = wait_room(fd, deadline);
			if (r > 0)
				continue;
			r = r < 0 ? r : -ETIMEDOUT;
			break;
		}
		r = -ECONNRESET;
		break;
	}
	if (ret_sent)
		*ret_sent = done;
	return r;
}
