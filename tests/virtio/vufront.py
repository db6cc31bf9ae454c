# SPDX-License-Identifier: MIT
# Copyright (c) 2026 The stlm authors
#
# A small vhost-user front end for the virtio-scmi device of stlm-platform
# (docs/virtio.md): guest memory is a memfd, split rings live in it, kicks
# and calls are eventfds. Used by vhost-test.py; also a reference client of
# the unix: transport (u32 length + SCMI message) to compare bytes with.
import mmap
import os
import select
import socket
import struct
import time

GET_FEATURES, SET_FEATURES, SET_OWNER, RESET_OWNER, SET_MEM_TABLE = 1, 2, 3, 4, 5
SET_VRING_NUM, SET_VRING_ADDR, SET_VRING_BASE, GET_VRING_BASE = 8, 9, 10, 11
SET_VRING_KICK, SET_VRING_CALL, SET_VRING_ERR = 12, 13, 14
GET_PROTOCOL_FEATURES, SET_PROTOCOL_FEATURES, GET_QUEUE_NUM = 15, 16, 17
SET_VRING_ENABLE, GET_CONFIG, VRING_KICK = 18, 24, 34
F_VERSION = 0x1
F_REPLY = 0x4
F_NEED_REPLY = 0x8

FEAT_P2A = 1 << 0
FEAT_PROTOCOL = 1 << 30
FEAT_VERSION_1 = 1 << 32
PFEAT_MQ = 1 << 0
PFEAT_REPLY_ACK = 1 << 3
PFEAT_BACKEND_REQ = 1 << 5
SET_BACKEND_REQ_FD = 21

DESC_NEXT, DESC_WRITE, DESC_INDIRECT = 1, 2, 4

# Guest memory layout (offsets into the region)
MEM_SIZE = 1 << 20
GPA_BASE = 0x40000000       # guest-physical address of the region
UADDR_BASE = 0x7F0000000000  # front-end user address of the region
FILE_OFF = 0x1000           # the region starts this far into the memfd
QSIZE = 16
RING = [0x0000, 0x4000]     # desc at +0, avail at +0x1000, used at +0x2000
BUF = 0x10000               # data buffers, 256 bytes each
BUF_SZ = 256
PDU = 136                   # Linux: 128-byte payload + header + status


class Fail(Exception):
    pass


def hdr(msg_id, proto, token=0, typ=0):
    return msg_id | typ << 8 | proto << 10 | token << 18


class Queue:
    def __init__(self, fe, index):
        self.fe = fe
        self.index = index
        self.off = RING[index]
        self.desc = self.off
        self.avail = self.off + 0x1000
        self.used = self.off + 0x2000
        self.avail_idx = 0
        self.used_seen = 0
        self.kick = os.eventfd(0, os.EFD_NONBLOCK | os.EFD_CLOEXEC)
        self.call = os.eventfd(0, os.EFD_NONBLOCK | os.EFD_CLOEXEC)
        self.err = os.eventfd(0, os.EFD_NONBLOCK | os.EFD_CLOEXEC)

    def close(self):
        for fd in (self.kick, self.call, self.err):
            os.close(fd)

    def set_desc(self, i, addr, length, flags, nxt=0):
        struct.pack_into("<QIHH", self.fe.mem, FILE_OFF + self.desc + 16 * i,
                         addr, length, flags, nxt)

    def post(self, head):
        m = self.fe.mem
        struct.pack_into("<H", m, FILE_OFF + self.avail + 4 +
                         2 * (self.avail_idx % QSIZE), head)
        self.avail_idx = (self.avail_idx + 1) & 0xFFFF
        struct.pack_into("<H", m, FILE_OFF + self.avail + 2, self.avail_idx)

    def set_avail_idx(self, v):
        self.avail_idx = v & 0xFFFF
        struct.pack_into("<H", self.fe.mem, FILE_OFF + self.avail + 2,
                         self.avail_idx)

    def notify(self):
        os.eventfd_write(self.kick, 1)

    def used_idx(self):
        return struct.unpack_from("<H", self.fe.mem,
                                  FILE_OFF + self.used + 2)[0]

    def wait_used(self, timeout=5.0):
        """The next used element (id, len), or None after timeout."""
        deadline = time.monotonic() + timeout
        while self.used_idx() == self.used_seen:
            left = deadline - time.monotonic()
            if left <= 0:
                return None
            select.select([self.call], [], [], min(left, 0.2))
            try:
                os.eventfd_read(self.call)
            except BlockingIOError:
                pass
        e = struct.unpack_from("<II", self.fe.mem, FILE_OFF + self.used + 4 +
                               8 * (self.used_seen % QSIZE))
        self.used_seen = (self.used_seen + 1) & 0xFFFF
        return e

    def err_signalled(self):
        try:
            os.eventfd_read(self.err)
            return True
        except BlockingIOError:
            return False


class Front:
    """One vhost-user connection with guest memory and two queues."""

    def __init__(self, path, timeout=5.0):
        deadline = time.monotonic() + 10
        while True:
            self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            self.sock.settimeout(timeout)
            try:
                self.sock.connect(path)
                break
            except BlockingIOError:     # listen backlog full: wait
                self.sock.close()
                if time.monotonic() > deadline:
                    raise Fail("the back end accepts no connection")
                time.sleep(0.01)
        self.memfd = os.memfd_create("guest", os.MFD_CLOEXEC |
                                     os.MFD_ALLOW_SEALING)
        os.ftruncate(self.memfd, FILE_OFF + MEM_SIZE)
        self.mem = mmap.mmap(self.memfd, FILE_OFF + MEM_SIZE)
        self.q = [Queue(self, 0), Queue(self, 1)]
        self.ack = False
        self.req = None

    def close(self):
        self.sock.close()
        if self.req:
            self.req.close()
        for q in self.q:
            q.close()
        self.mem.close()
        os.close(self.memfd)

    # -- vhost-user messages ------------------------------------------
    def send(self, req, payload=b"", fds=(), flags=F_VERSION, size=None):
        if self.ack and not flags & F_REPLY:
            flags |= F_NEED_REPLY
        h = struct.pack("<III", req, flags,
                        len(payload) if size is None else size)
        if fds:
            socket.send_fds(self.sock, [h + payload], list(fds))
        else:
            self.sock.sendall(h + payload)

    def recv_reply(self, req):
        h = self._recvn(12)
        r, flags, size = struct.unpack("<III", h)
        if r != req or not flags & F_REPLY:
            raise Fail(f"reply to {req}: got request {r} flags {flags:#x}")
        return self._recvn(size)

    def _recvn(self, n):
        b = b""
        while len(b) < n:
            c = self.sock.recv(n - len(b))
            if not c:
                raise Fail("back end closed the connection")
            b += c
        return b

    def call(self, req, payload=b"", fds=()):
        """A request that needs no reply; with REPLY_ACK, the ack (0 ok)."""
        self.send(req, payload, fds)
        if self.ack:
            return struct.unpack("<Q", self.recv_reply(req))[0]
        return 0

    def get_u64(self, req):
        self.send(req, flags=F_VERSION)
        return struct.unpack("<Q", self.recv_reply(req))[0]

    def mem_table(self, regions=None, fds=None):
        if regions is None:
            regions = [(GPA_BASE, MEM_SIZE, UADDR_BASE, FILE_OFF)]
            fds = [self.memfd]
        pl = struct.pack("<II", len(regions), 0)
        for r in regions:
            pl += struct.pack("<QQQQ", *r)
        return self.call(SET_MEM_TABLE, pl, fds)

    def setup(self, features=FEAT_VERSION_1 | FEAT_P2A | FEAT_PROTOCOL,
              queues=2):
        """What virtio_uml does, in its order."""
        self.call(SET_OWNER)
        offered = self.get_u64(GET_FEATURES)
        if features & ~offered:
            raise Fail(f"features {offered:#x} lack {features:#x}")
        pf = self.get_u64(GET_PROTOCOL_FEATURES)
        want = PFEAT_REPLY_ACK | PFEAT_MQ | PFEAT_BACKEND_REQ
        if pf & want != want:
            raise Fail(f"protocol features {pf:#x}")
        self.call(SET_PROTOCOL_FEATURES, struct.pack("<Q", want))
        self.ack = True
        if self.get_u64(GET_QUEUE_NUM) != 2:
            raise Fail("GET_QUEUE_NUM is not 2")
        # as virtio_uml: a back-end request channel the device keeps open
        self.req, theirs = socket.socketpair()
        self.check(self.call(SET_BACKEND_REQ_FD, b"", [theirs.fileno()]),
                   "SET_BACKEND_REQ_FD")
        theirs.close()
        if self.call(SET_FEATURES, struct.pack("<Q", features)):
            raise Fail("SET_FEATURES refused")
        if self.mem_table():
            raise Fail("SET_MEM_TABLE refused")
        for q in self.q[:queues]:
            self.ring(q)
        for q in self.q[:queues]:
            self.check(self.call(SET_VRING_KICK, struct.pack("<Q", q.index),
                                 [q.kick]), "SET_VRING_KICK")
            self.check(self.call(SET_VRING_ENABLE,
                                 struct.pack("<II", q.index, 1)),
                       "SET_VRING_ENABLE")

    def ring(self, q, desc=None, avail=None, used=None):
        self.check(self.call(SET_VRING_CALL, struct.pack("<Q", q.index),
                             [q.call]), "SET_VRING_CALL")
        self.check(self.call(SET_VRING_ERR, struct.pack("<Q", q.index),
                             [q.err]), "SET_VRING_ERR")
        self.check(self.call(SET_VRING_NUM, struct.pack("<II", q.index,
                                                        QSIZE)),
                   "SET_VRING_NUM")
        self.check(self.call(SET_VRING_BASE, struct.pack("<II", q.index, 0)),
                   "SET_VRING_BASE")
        u = UADDR_BASE
        self.check(self.call(SET_VRING_ADDR, struct.pack(
            "<IIQQQQ", q.index, 0,
            u + q.desc if desc is None else desc,
            u + q.used if used is None else used,
            u + q.avail if avail is None else avail, 0)), "SET_VRING_ADDR")

    @staticmethod
    def check(ack, what):
        if ack:
            raise Fail(f"{what} refused")

    # -- SCMI over the queues -----------------------------------------
    def buf(self, i):
        return BUF + BUF_SZ * i

    def command(self, msg, slot=0, timeout=5.0):
        """One cmdq request: the reply bytes (used length), or None."""
        q = self.q[0]
        a, b = self.buf(2 * slot), self.buf(2 * slot + 1)
        self.mem[FILE_OFF + a:FILE_OFF + a + len(msg)] = msg
        self.mem[FILE_OFF + b:FILE_OFF + b + BUF_SZ] = b"\xAA" * BUF_SZ
        d = (2 * slot) % QSIZE
        q.set_desc(d, GPA_BASE + a, len(msg), DESC_NEXT, d + 1)
        q.set_desc(d + 1, GPA_BASE + b, PDU, DESC_WRITE)
        q.post(d)
        q.notify()
        e = q.wait_used(timeout)
        if e is None:
            return None
        if e[0] != d:
            raise Fail(f"used id {e[0]}, expected {d}")
        return bytes(self.mem[FILE_OFF + b:FILE_OFF + b + e[1]])

    def post_events(self, n=4):
        """Post n writable eventq buffers (descriptors 0..n-1)."""
        q = self.q[1]
        for i in range(n):
            off = self.buf(32 + i)
            q.set_desc(i, GPA_BASE + off, PDU, DESC_WRITE)
            q.post(i)
        q.notify()

    def event(self, timeout=5.0, repost=True):
        """The next eventq message, reposting its buffer."""
        q = self.q[1]
        e = q.wait_used(timeout)
        if e is None:
            return None
        off = self.buf(32 + e[0])
        data = bytes(self.mem[FILE_OFF + off:FILE_OFF + off + e[1]])
        if repost:
            q.post(e[0])
            q.notify()
        return data


class Ref:
    """The same platform over unix: (u32 length + message), for bytes."""

    def __init__(self, path):
        self.s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.s.settimeout(5)
        self.s.connect(path)
        self.pending = []

    def close(self):
        self.s.close()

    def _frame(self, timeout=5.0):
        self.s.settimeout(timeout)
        b = b""
        while len(b) < 4:
            c = self.s.recv(4 - len(b))
            if not c:
                raise Fail("reference platform closed")
            b += c
        n = struct.unpack("<I", b)[0]
        d = b""
        while len(d) < n:
            c = self.s.recv(n - len(d))
            if not c:
                raise Fail("reference platform closed")
            d += c
        return d

    def next(self, typ, timeout=5.0):
        """The next message of SCMI type typ (others are kept)."""
        for i, m in enumerate(self.pending):
            if (struct.unpack_from("<I", m)[0] >> 8) & 3 == typ:
                return self.pending.pop(i)
        while True:
            m = self._frame(timeout)
            if (struct.unpack_from("<I", m)[0] >> 8) & 3 == typ:
                return m
            self.pending.append(m)

    def command(self, msg):
        self.s.sendall(struct.pack("<I", len(msg)) + msg)
        return self.next(0)


def wait_path(path, proc, timeout=10.0):
    deadline = time.monotonic() + timeout
    while not os.path.exists(path):
        if proc.poll() is not None:
            raise Fail(f"stlm-platform exited with {proc.returncode}")
        if time.monotonic() > deadline:
            raise Fail(f"{path} did not appear")
        time.sleep(0.02)
