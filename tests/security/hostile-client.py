# SPDX-License-Identifier: MIT
# Copyright (c) 2026 The stlm authors
#
# Raw clients of stlmd's socket (docs/daemon-protocol.md) for the security
# test (security.sh), normally run as an unprivileged user:
#
#   hostile-client.py memfd SOCK
#       HELLO says "may not configure"; CONFIG, COLL_SET and RESET answer
#       -EROFS (refused by stlmd, not the platform); the memory fd passed with SHMTI_FDS is O_RDONLY: mmap
#       PROT_WRITE fails, a PROT_READ mapping cannot be mprotect()ed
#       writable, write() fails.
#   hostile-client.py memcheck SOCK INODE MARKER
#       SHMTI_FDS answers within the socket timeout (5 s) with one fd, and
#       that fd is the memory file the daemon's session mapped at open
#       (regular file, inode INODE), whose first bytes do not hold MARKER
#       (the text of the file a symbolic link now at the path points to).
#   hostile-client.py hostile SOCK HOLD_FILE RELEASE_FILE
#       malformed, truncated, oversized frames, wrong version, bogus fds
#       (SCM_RIGHTS), thousands of subscriptions: each answered as the
#       protocol says, and a fresh client is served after each. Then it
#       opens a client that never reads (requests and events pile up) and
#       as many connections as it can; writes HOLD_FILE and keeps them
#       open until RELEASE_FILE appears (security.sh checks other clients
#       meanwhile).
# Exit 0 on success; a message and exit 1 on the first failure.
import ctypes
import errno
import fcntl
import mmap
import os
import socket
import stat
import struct
import sys
import time

MAGIC = 0x444D4C53
HDR = struct.Struct("=IHHIiII")
HELLO, INFO, SHMTI_FDS, CONFIG, COLL_SET, RESET, SUBSCRIBE = 1, 2, 5, 7, 9, 10, 11
ERROR = 0x101
VERSION = 1


def fail(msg):
    sys.exit("FAIL: " + msg)


def frame(typ, seq, payload=b"", **kw):
    h = dict(magic=MAGIC, flags=0, status=0, reserved=0, length=len(payload))
    h.update(kw)
    return HDR.pack(h["magic"], typ, h["flags"], seq, h["status"],
                    h["length"], h["reserved"]) + payload


def connect(path):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    s.settimeout(5)
    s.connect(path)
    return s


def recv_msg(s, fds=False):
    if fds:
        data, got, _, _ = socket.recv_fds(s, 1 << 17, 4)
    else:
        data, got = s.recv(1 << 17), []
    if len(data) < HDR.size:
        return None
    magic, typ, flags, seq, status, length, _ = HDR.unpack_from(data)
    return dict(type=typ, seq=seq, status=status, payload=data[HDR.size:],
                fds=got)


def reply_to(s, seq, fds=False):
    """The reply with this seq (events skipped)."""
    while True:
        m = recv_msg(s, fds)
        if m is None:
            fail("connection closed waiting for reply %d" % seq)
        if m["type"] != 0x100 and m["seq"] == seq:
            return m
        if m["type"] == ERROR:
            fail("ERROR %d waiting for reply %d" % (m["status"], seq))


def hello(s, version=VERSION):
    s.send(frame(HELLO, 1, struct.pack("=IIQ", version, 0, 0)))
    return reply_to(s, 1)


def closed_after_error(s):
    """The daemon answers ERROR(-EPROTO) and closes."""
    deadline = time.time() + 3
    saw_error = False
    while time.time() < deadline:
        try:
            data = s.recv(1 << 17)
        except socket.timeout:
            break
        except ConnectionResetError:
            return saw_error
        if not data:
            return saw_error
        if len(data) >= HDR.size:
            m = HDR.unpack_from(data)
            if m[1] == ERROR and m[4] == -errno.EPROTO:
                saw_error = True
    return False


def served(path):
    """A fresh client gets HELLO and INFO answered."""
    s = connect(path)
    r = hello(s)
    if r["status"] != 0:
        fail("fresh client: HELLO status %d" % r["status"])
    s.send(frame(INFO, 2))
    r = reply_to(s, 2)
    s.close()
    if r["status"] != 0 or len(r["payload"]) != 96:
        fail("fresh client: INFO status %d len %d" % (r["status"],
                                                      len(r["payload"])))


def memfd(path):
    s = connect(path)
    r = hello(s)
    ver, flags, _ = struct.unpack_from("=IIQ", r["payload"])
    if r["status"] != 0 or flags & 1:
        fail("HELLO: status %d flags %#x (expected: may not configure)"
             % (r["status"], flags))
    # configuration requests: -EROFS (a local refusal)
    item = struct.pack("=IIBBHi", 2, 0, 1, 0, 0, 0)
    s.send(frame(CONFIG, 2, struct.pack("=II", 1, 0) + item))
    coll = struct.pack("=IBBHbBBBiQ", 0xFFFFFFFE, 1, 0, 0, 0, 0, 0, 0, 0, 0)
    s.send(frame(COLL_SET, 3, coll))
    s.send(frame(RESET, 4))
    for seq, name in ((2, "CONFIG"), (3, "COLL_SET"), (4, "RESET")):
        r = reply_to(s, seq)
        if r["status"] != -errno.EROFS:
            fail("%s as unprivileged: status %d, expected -EROFS"
                 % (name, r["status"]))
    print("ok: unprivileged socket client: CONFIG, COLL_SET, RESET -EROFS")
    s.send(frame(SHMTI_FDS, 5))
    r = reply_to(s, 5, fds=True)
    n, has_fd, size = struct.unpack_from("=IIQ", r["payload"])
    if r["status"] != 0 or not has_fd or len(r["fds"]) != 1 or not size:
        fail("SHMTI_FDS: status %d has_fd %d fds %d"
             % (r["status"], has_fd, len(r["fds"])))
    fd = r["fds"][0]
    if fcntl.fcntl(fd, fcntl.F_GETFL) & os.O_ACCMODE != os.O_RDONLY:
        fail("memory fd is not O_RDONLY")
    if not fcntl.fcntl(fd, fcntl.F_GETFD) & fcntl.FD_CLOEXEC:
        pass  # the receiver's flag (MSG_CMSG_CLOEXEC is the receiver's choice)
    try:
        mmap.mmap(fd, size, mmap.MAP_SHARED, mmap.PROT_READ | mmap.PROT_WRITE)
        fail("mmap PROT_WRITE of the memory fd succeeded")
    except PermissionError:
        pass
    try:
        os.write(fd, b"x")
        fail("write() to the memory fd succeeded")
    except OSError as e:
        if e.errno != errno.EBADF:
            fail("write(): %s" % e)
    libc = ctypes.CDLL(None, use_errno=True)
    libc.mmap.restype = ctypes.c_void_p
    libc.mmap.argtypes = [ctypes.c_void_p, ctypes.c_size_t, ctypes.c_int,
                          ctypes.c_int, ctypes.c_int, ctypes.c_long]
    libc.mprotect.argtypes = [ctypes.c_void_p, ctypes.c_size_t, ctypes.c_int]
    addr = libc.mmap(None, size, mmap.PROT_READ, mmap.MAP_SHARED, fd, 0)
    if addr in (None, ctypes.c_void_p(-1).value):
        fail("mmap PROT_READ failed: errno %d" % ctypes.get_errno())
    if libc.mprotect(ctypes.c_void_p(addr), size,
                     mmap.PROT_READ | mmap.PROT_WRITE) == 0:
        fail("mprotect(PROT_WRITE) of the read-only mapping succeeded")
    if ctypes.get_errno() != errno.EACCES:
        fail("mprotect: errno %d, expected EACCES" % ctypes.get_errno())
    # reading works: the first area starts with a TDCF header (non-zero)
    print("ok: memory fd is read-only: O_RDONLY, mmap(PROT_WRITE) EACCES, "
          "mprotect(PROT_WRITE) EACCES, write() EBADF; %d bytes readable" % size)
    os.close(fd)
    s.close()


def hostile(path, hold_file, release_file):
    # garbage
    s = connect(path)
    s.send(b"garbage!" * 4)
    if not closed_after_error(s):
        fail("garbage: no ERROR(-EPROTO) + close")
    s.close()
    served(path)
    # truncated: shorter than a header; and a header whose len lies
    for pkt in (frame(HELLO, 1, struct.pack("=IIQ", 1, 0, 0))[:10],
                frame(HELLO, 1, struct.pack("=IIQ", 1, 0, 0), length=1000),
                frame(HELLO, 1, struct.pack("=IIQ", 1, 0, 0))[:-4]):
        s = connect(path)
        s.send(pkt)
        if not closed_after_error(s):
            fail("truncated frame: no ERROR(-EPROTO) + close")
        s.close()
    served(path)
    # oversized: 256 KiB in one packet (the limit is 64 KiB)
    s = connect(path)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 1 << 20)
    s.send(frame(HELLO, 1, bytes(256 << 10)))
    if not closed_after_error(s):
        fail("oversized frame: no ERROR(-EPROTO) + close")
    s.close()
    served(path)
    # bad magic, flags, reserved, status, unknown type after HELLO
    for kw in (dict(magic=0x12345678), dict(flags=1), dict(reserved=7),
               dict(status=-1)):
        s = connect(path)
        s.send(frame(HELLO, 1, struct.pack("=IIQ", 1, 0, 0), **kw))
        if not closed_after_error(s):
            fail("bad header %s: no ERROR + close" % kw)
        s.close()
    s = connect(path)
    hello(s)
    s.send(frame(0x7777, 2))
    if not closed_after_error(s):
        fail("unknown type: no ERROR + close")
    s.close()
    print("ok: garbage, truncated, oversized and bad-header frames: "
          "ERROR(-EPROTO), disconnected; others served")
    # wrong version: answered with the daemon's version and -EPROTONOSUPPORT
    s = connect(path)
    r = hello(s, version=2)
    ver = struct.unpack_from("=I", r["payload"])[0] if r["payload"] else 0
    if r["status"] != -errno.EPROTONOSUPPORT or ver != VERSION:
        fail("HELLO v2: status %d version %d" % (r["status"], ver))
    s.close()
    served(path)
    print("ok: wrong version: -EPROTONOSUPPORT with version 1")
    # bogus fds: 250 fds per message, 40 messages (closed unread)
    devnull = os.open("/dev/null", os.O_RDONLY)
    fds = [devnull] * 250
    s = connect(path)
    socket.send_fds(s, [frame(HELLO, 1, struct.pack("=IIQ", 1, 0, 0))], fds)
    reply_to(s, 1)
    for i in range(40):
        socket.send_fds(s, [frame(INFO, 10 + i)], fds)
        if reply_to(s, 10 + i)["status"] != 0:
            fail("INFO with fds attached")
    s.close()
    os.close(devnull)
    served(path)
    print("ok: 10000 fds sent with SCM_RIGHTS: requests served, fds dropped")
    # thousands of subscriptions
    s = connect(path)
    hello(s)
    for i in range(5000):
        s.send(frame(SUBSCRIBE, 100 + i, struct.pack("=II", 3, 0)))
        r = reply_to(s, 100 + i)
        if r["status"] != 0:
            fail("SUBSCRIBE %d: status %d" % (i, r["status"]))
    s.close()
    served(path)
    print("ok: 5000 subscriptions on one client: served, nothing kept")
    # a client that never reads: subscribed, then requests until the
    # socket is full (the daemon stops reading it; it stalls only itself)
    slow = connect(path)
    hello(slow)
    slow.send(frame(SUBSCRIBE, 2, struct.pack("=II", 3, 0)))
    slow.setblocking(False)
    sent, i, end = 0, 0, time.time() + 3
    while time.time() < end:
        try:
            slow.send(frame(INFO, 3 + i))
            sent += 1
            i += 1
        except BlockingIOError:
            time.sleep(0.01)  # the daemon reads on until its cap
    served(path)
    # as many connections as we can get
    conns, refused = [], 0
    for i in range(300):
        c = connect(path)
        m = None
        try:
            # a refused connection hears ERROR(-EUSERS) at once
            c.settimeout(0.1)
            try:
                m = recv_msg(c)
            except socket.timeout:
                c.settimeout(5)
                c.send(frame(HELLO, 1, struct.pack("=IIQ", 1, 0, 0)))
                m = recv_msg(c)
        except ConnectionResetError:
            fail("connection %d reset without ERROR(-EUSERS)" % i)
        if m and m["type"] == HELLO and m["status"] == 0:
            conns.append(c)
        elif m and m["type"] == ERROR and m["status"] == -errno.EUSERS:
            refused += 1
            c.close()
        else:
            fail("connection %d: unexpected %s" % (i, m))
    print("ok: a never-reading client (%d requests queued) and %d "
          "connections held, %d refused with EUSERS" % (sent, len(conns),
                                                        refused))
    if not refused or len(conns) > 64:
        fail("no per-user connection cap (%d held)" % len(conns))
    with open(hold_file, "w") as f:
        f.write("%d %d\n" % (len(conns), refused))
    deadline = time.time() + 60
    while not os.path.exists(release_file) and time.time() < deadline:
        time.sleep(0.05)
    for c in conns:
        c.close()
    slow.close()
    served(path)


def memcheck(path, inode, marker):
    s = connect(path)
    if hello(s)["status"] != 0:
        fail("HELLO refused")
    s.send(frame(SHMTI_FDS, 2))
    try:
        r = reply_to(s, 2, fds=True)
    except socket.timeout:
        fail("SHMTI_FDS: no answer within 5 s (the daemon blocked?)")
    n, has_fd, size = struct.unpack_from("=IIQ", r["payload"])
    if r["status"] != 0 or not has_fd or len(r["fds"]) != 1:
        fail("SHMTI_FDS: status %d has_fd %d fds %d"
             % (r["status"], has_fd, len(r["fds"])))
    fd = r["fds"][0]
    st = os.fstat(fd)
    if not stat.S_ISREG(st.st_mode) or st.st_ino != inode:
        fail("SHMTI_FDS passed inode %d mode %o, not the memory file mapped "
             "at open (inode %d)" % (st.st_ino, st.st_mode, inode))
    head = os.pread(fd, 4096, 0)
    if marker.encode() in head:
        fail("SHMTI_FDS passed the symbolic link's target")
    print("ok: SHMTI_FDS: the memory file mapped at open (inode %d, %d "
          "bytes), not what the path now names" % (inode, st.st_size))
    os.close(fd)
    s.close()


if sys.argv[1] == "memfd":
    memfd(sys.argv[2])
elif sys.argv[1] == "memcheck":
    memcheck(sys.argv[2], int(sys.argv[3]), sys.argv[4])
elif sys.argv[1] == "hostile":
    hostile(sys.argv[2], sys.argv[3], sys.argv[4])
else:
    fail("usage")
