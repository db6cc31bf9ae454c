# SPDX-License-Identifier: MIT
# Copyright (c) 2026 The stlm authors
#
# The virtio-scmi device of stlm-platform (--listen vhost-user:PATH,
# docs/virtio.md) against a vhost-user front end written here (vufront.py):
#
#   vhost-test.py PLATFORM_BIN PLATFORM_JSON WORKDIR
#
# 1. Bytes: Base and Telemetry commands on the cmdq (every DE_DESCRIPTION
#    page of a 303-DE description, each within 132 bytes), a single-sample
#    CONFIG_SET whose delayed READING_COMPLETE comes on the eventq, and
#    TELEMETRY_UPDATE notifications, each compared byte for byte with what
#    a second emulator (same description and seed) answers over unix:.
# 2. A hostile front end: disconnects mid-message, malformed and oversized
#    messages, memory tables beyond their file, bad ring addresses, bogus
#    descriptor chains (head out of range, loops, huge lengths, indirect,
#    readable after writable, readable on the eventq, addresses outside
#    memory), an avail index far ahead, a second front end, front ends
#    that die with requests in flight and notifications streaming, and
#    seeded random messages. After each, the emulator is alive and a fresh front
#    end is served with the right bytes.
# Exit 0 on success; "FAIL: ..." and exit 1 on the first failure.
import os
import random
import signal
import socket
import struct
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import vufront as vu  # noqa: E402

BASE, TLM = 0x10, 0x1B


def fail(msg):
    raise vu.Fail(msg)


def start(binary, cfg, uri, log):
    p = subprocess.Popen([binary, "-c", cfg, "--listen", uri, "-v"],
                         stdout=subprocess.DEVNULL, stderr=log)
    vu.wait_path(uri.split(":", 1)[1], p)
    return p


def alive(p):
    if p.poll() is not None:
        fail(f"stlm-platform died (exit {p.returncode})")


def expect_same(front, ref, msg, what):
    got = front.command(msg)
    want = ref.command(msg)
    if got is None:
        fail(f"{what}: no reply on the cmdq")
    if got != want:
        fail(f"{what}: virtio {got.hex()} != unix {want.hex()}")
    return got


def commands():
    """(what, message) pairs: Base discovery and Telemetry discovery."""
    t = iter(range(1, 1000))
    m = [
        ("BASE PROTOCOL_VERSION", struct.pack("<I", vu.hdr(0, BASE, next(t)))),
        ("BASE PROTOCOL_ATTRIBUTES", struct.pack("<I", vu.hdr(1, BASE, next(t)))),
        ("BASE DISCOVER_VENDOR", struct.pack("<I", vu.hdr(3, BASE, next(t)))),
        ("BASE DISCOVER_SUB_VENDOR", struct.pack("<I", vu.hdr(4, BASE, next(t)))),
        ("BASE DISCOVER_IMPLEMENTATION_VERSION",
         struct.pack("<I", vu.hdr(5, BASE, next(t)))),
        ("BASE DISCOVER_LIST_PROTOCOLS",
         struct.pack("<II", vu.hdr(6, BASE, next(t)), 0)),
        ("TLM PROTOCOL_VERSION", struct.pack("<I", vu.hdr(0, TLM, next(t)))),
        ("TLM PROTOCOL_ATTRIBUTES", struct.pack("<I", vu.hdr(1, TLM, next(t)))),
        ("TLM LIST_SHMTI", struct.pack("<II", vu.hdr(3, TLM, next(t)), 0)),
        ("TLM DE_DESCRIPTION 0", struct.pack("<II", vu.hdr(4, TLM, next(t)), 0)),
        ("TLM DE_DESCRIPTION 1", struct.pack("<II", vu.hdr(4, TLM, next(t)), 1)),
        ("TLM LIST_UPDATE_INTERVALS",
         struct.pack("<IIII", vu.hdr(5, TLM, next(t)), 0, 0, 2)),
        ("TLM DE_CONFIGURE 0x200",
         struct.pack("<III", vu.hdr(6, TLM, next(t)), 0x200, 1)),
        ("TLM DE_CONFIGURE 0x201",
         struct.pack("<III", vu.hdr(6, TLM, next(t)), 0x201, 1)),
        ("TLM DE_ENABLED_LIST",
         struct.pack("<III", vu.hdr(7, TLM, next(t)), 0, 0)),
        ("TLM unknown message 0x77", struct.pack("<I", vu.hdr(0x77, TLM, next(t)))),
    ]
    return m


ONE_MS = 1 << 5 | (-3 & 0x1F)     # interval word: 1 x 10^-3 s
SEL_ALL = 2 << 5                  # CONFIG_SET control: selector "all"


def check_bytes(front, ref):
    for what, msg in commands():
        r = expect_same(front, ref, msg, what)
        if what == "BASE DISCOVER_LIST_PROTOCOLS":
            n = struct.unpack_from("<I", r, 8)[0]
            if TLM not in r[12:12 + n]:
                fail(f"protocol list {r.hex()} lacks 0x1b")
    # single sample: the reply on the cmdq, READING_COMPLETE on the eventq
    front.post_events(8)
    msg = struct.pack("<IIII", vu.hdr(8, TLM, 0x155), 0,
                      1 | 2 << 1 | SEL_ALL, 0)
    expect_same(front, ref, msg, "TLM CONFIG_SET single sample")
    got = front.event()
    want = ref.next(2)
    if got is None:
        fail("no READING_COMPLETE on the eventq")
    if got != want:
        fail(f"READING_COMPLETE: virtio {got.hex()} != unix {want.hex()}")
    if struct.unpack_from("<I", got)[0] != vu.hdr(8, TLM, 0x155, 2):
        fail(f"READING_COMPLETE header {got[:4].hex()}")
    # notifications: TELEMETRY_UPDATE every 1 ms
    msg = struct.pack("<IIII", vu.hdr(8, TLM, 0x156), 0,
                      1 | 1 << 1 | SEL_ALL, ONE_MS)
    expect_same(front, ref, msg, "TLM CONFIG_SET notify 1ms")
    for i in range(3):
        got = front.event()
        want = ref.next(3)
        if got is None:
            fail("no TELEMETRY_UPDATE on the eventq")
        if got != want:
            fail(f"TELEMETRY_UPDATE: virtio {got.hex()} != unix {want.hex()}")
    msg = struct.pack("<IIII", vu.hdr(8, TLM, 0x157), 0, SEL_ALL, 0)
    expect_same(front, ref, msg, "TLM CONFIG_SET off")
    # drain what was sent before the disable
    while front.event(timeout=0.3) is not None:
        pass
    ref.pending.clear()


def check_paging(front, ref):
    """Every DE_DESCRIPTION page of the 303-DE description, as the Linux
    driver walks them: same bytes as unix:, each within 132 bytes."""
    index, pages, token = 0, 0, 0x200
    while True:
        msg = struct.pack("<II", vu.hdr(4, TLM, token), index)
        r = expect_same(front, ref, msg, f"DE_DESCRIPTION {index}")
        if len(r) > 132:
            fail(f"DE_DESCRIPTION {index}: {len(r)} bytes > 132")
        if struct.unpack_from("<i", r, 4)[0] != 0:
            fail(f"DE_DESCRIPTION {index}: status {r[4:8].hex()}")
        word = struct.unpack_from("<I", r, 8)[0]
        got, rest = word & 0xFFFF, word >> 16
        if got == 0:
            fail(f"DE_DESCRIPTION {index}: an empty page")
        index += got
        pages += 1
        token = (token + 1) & 0x3FF
        if rest == 0:
            break
    if index != 303:
        fail(f"DE_DESCRIPTION pages cover {index} DEs, not 303")
    return pages


def fresh_ok(sock, ref_sock, p):
    """A fresh front end gets Base discovery right."""
    alive(p)
    f = vu.Front(sock)
    ref = vu.Ref(ref_sock)
    try:
        f.setup()
        for what, msg in commands()[:6]:
            expect_same(f, ref, msg, what)
    finally:
        f.close()
        ref.close()
    time.sleep(0.05)    # the back end sees the disconnect, detaches
    alive(p)


def raw_conn(sock):
    """Connect; a full listen backlog (the back end busy with the previous
    connection) is waited out, within 10 s."""
    deadline = time.monotonic() + 10
    while True:
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.settimeout(5)
        try:
            s.connect(sock)
            return s
        except BlockingIOError:
            s.close()
            if time.monotonic() > deadline:
                fail("the back end accepts no connection")
            time.sleep(0.01)


def expect_closed(s, what, timeout=5.0):
    s.settimeout(timeout)
    try:
        while s.recv(4096):
            pass
    except socket.timeout:
        fail(f"{what}: the back end kept the connection")
    except ConnectionResetError:
        pass
    s.close()


def hostile(sock, ref_sock, p):
    H = struct.Struct("<III")

    # 1. disconnect mid-header, mid-payload, mid-memory-table
    for chunk in (b"\x01\x00", H.pack(vu.SET_FEATURES, 1, 8) + b"\x00\x00",
                  H.pack(vu.SET_MEM_TABLE, 1, 40) + b"\x01\x00\x00\x00"):
        s = raw_conn(sock)
        s.sendall(chunk)
        s.close()
        fresh_ok(sock, ref_sock, p)

    # 2. malformed: huge size, bad version, wrong payload sizes
    for m in (H.pack(vu.SET_FEATURES, 1, 0x7FFFFFFF),
              H.pack(vu.GET_FEATURES, 2, 0),
              H.pack(vu.SET_VRING_NUM, 1, 3) + b"abc",
              H.pack(vu.SET_VRING_ADDR, 1, 8) + b"\x00" * 8):
        s = raw_conn(sock)
        s.sendall(m)
        expect_closed(s, f"malformed {m[:12].hex()}")
        fresh_ok(sock, ref_sock, p)

    # 3. a stalled message ends the connection (bounded wait)
    s = raw_conn(sock)
    s.sendall(H.pack(vu.SET_FEATURES, 1, 8))
    expect_closed(s, "stalled message", timeout=10)
    fresh_ok(sock, ref_sock, p)

    # 4. refused values (acked as failures, connection kept)
    f = vu.Front(sock)
    f.call(vu.SET_PROTOCOL_FEATURES, struct.pack("<Q", vu.PFEAT_REPLY_ACK))
    f.ack = True
    bad = [
        (vu.SET_FEATURES, struct.pack("<Q", 1 << 40), ()),
        (vu.SET_VRING_NUM, struct.pack("<II", 0, 7), ()),
        (vu.SET_VRING_NUM, struct.pack("<II", 0, 1 << 16), ()),
        (vu.SET_VRING_NUM, struct.pack("<II", 5, 16), ()),
        (vu.SET_VRING_BASE, struct.pack("<II", 0, 1 << 20), ()),
        (vu.SET_VRING_ADDR, struct.pack("<IIQQQQ", 0, 0, 3, 0, 0, 0), ()),
        (vu.SET_VRING_KICK, struct.pack("<Q", 0), ()),          # no fd
        (vu.SET_VRING_CALL, struct.pack("<Q", 9), [f.q[0].call]),
        (vu.SET_MEM_TABLE, struct.pack("<II", 1, 0) + struct.pack(
            "<QQQQ", 0, vu.MEM_SIZE, 0, vu.FILE_OFF), ()),      # no fd
        (vu.SET_MEM_TABLE, struct.pack("<II", 1, 0) + struct.pack(
            "<QQQQ", 0, 1 << 40, 0, 0), [f.memfd]),             # beyond file
        (vu.SET_MEM_TABLE, struct.pack("<II", 1, 0) + struct.pack(
            "<QQQQ", 2 ** 64 - 4096, 8192, 0, 0), [f.memfd]),   # wraps
        (vu.SET_MEM_TABLE, struct.pack("<II", 9, 0) + b"\x00" * 288,
         [f.memfd]),                                            # 9 regions
        (99, b"", ()),                                          # unknown
    ]
    for req, pl, fds in bad:
        if f.call(req, pl, fds) == 0:
            fail(f"request {req} {pl.hex()} was accepted")
    f.close()
    fresh_ok(sock, ref_sock, p)

    # 5. bad ring addresses: the queue stops, the error fd is signalled
    for which in ("desc", "avail", "used"):
        f = vu.Front(sock)
        f.call(vu.SET_OWNER)
        f.call(vu.SET_PROTOCOL_FEATURES, struct.pack(
            "<Q", vu.PFEAT_REPLY_ACK | vu.PFEAT_MQ))
        f.ack = True
        f.call(vu.SET_FEATURES, struct.pack(
            "<Q", vu.FEAT_VERSION_1 | vu.FEAT_P2A | vu.FEAT_PROTOCOL))
        f.mem_table()
        far = vu.UADDR_BASE + vu.MEM_SIZE - 16   # ring runs off the end
        f.ring(f.q[0], **{which: far})
        f.ring(f.q[1])
        for q in f.q:
            f.call(vu.SET_VRING_KICK, struct.pack("<Q", q.index), [q.kick])
            f.call(vu.SET_VRING_ENABLE, struct.pack("<II", q.index, 1))
        if f.command(struct.pack("<I", vu.hdr(0, BASE, 1)),
                     timeout=0.5) is not None:
            fail(f"a ring with a bad {which} address was used")
        time.sleep(0.1)
        if not f.q[0].err_signalled():
            fail(f"bad {which} address: error eventfd not signalled")
        f.close()
        fresh_ok(sock, ref_sock, p)

    # 6. bogus chains on a working device: returned with length 0 (or
    # skipped when the head itself is bad), then a good request works
    f = vu.Front(sock)
    ref = vu.Ref(ref_sock)
    f.setup()
    q = f.q[0]
    G = vu.GPA_BASE
    a, b = G + f.buf(0), G + f.buf(1)
    req = struct.pack("<I", vu.hdr(0, BASE, 9))
    f.mem[vu.FILE_OFF + f.buf(0):vu.FILE_OFF + f.buf(0) + 4] = req
    chains = {
        "loop": [(0, a, 4, vu.DESC_NEXT, 1), (1, b, vu.PDU,
                                               vu.DESC_WRITE | vu.DESC_NEXT, 0)],
        "next out of range": [(0, a, 4, vu.DESC_NEXT, 200)],
        "huge readable": [(0, a, 0xFFFFFFFF, vu.DESC_NEXT, 1),
                          (1, b, vu.PDU, vu.DESC_WRITE, 0)],
        "readable outside memory": [(0, G + vu.MEM_SIZE, 4, vu.DESC_NEXT, 1),
                                    (1, b, vu.PDU, vu.DESC_WRITE, 0)],
        "readable below memory": [(0, 0x1000, 4, vu.DESC_NEXT, 1),
                                  (1, b, vu.PDU, vu.DESC_WRITE, 0)],
        "writable outside memory": [(0, a, 4, vu.DESC_NEXT, 1),
                                    (1, 2 ** 64 - 16, 64, vu.DESC_WRITE, 0)],
        "indirect": [(0, a, 16, vu.DESC_INDIRECT, 0)],
        "readable after writable": [(0, b, vu.PDU, vu.DESC_WRITE | vu.DESC_NEXT, 1),
                                    (1, a, 4, 0, 0)],
        "short request": [(0, a, 2, vu.DESC_NEXT, 1),
                          (1, b, vu.PDU, vu.DESC_WRITE, 0)],
        "no writable buffer": [(0, a, 4, 0, 0)],
    }
    for what, descs in chains.items():
        for d in descs:
            q.set_desc(*d)
        q.post(0)
        q.notify()
        e = q.wait_used()
        if e is None:
            fail(f"bogus chain '{what}': never returned")
        if what == "no writable buffer":
            # a valid request with nowhere to answer: used length 0
            if e != (0, 0):
                fail(f"'{what}': used {e}")
        elif e != (0, 0):
            fail(f"bogus chain '{what}': used {e}, expected (0, 0)")
        alive(p)
    # head index out of range: skipped, the next request still works
    q.post(vu.QSIZE + 3)
    q.notify()
    expect_same(f, ref, struct.pack("<I", vu.hdr(0, BASE, 10)),
                "after bogus chains")
    # a readable buffer on the eventq is returned with length 0 when the
    # next event needs a buffer; the event goes into the next one
    f.q[1].set_desc(0, a, 4, 0)
    f.q[1].post(0)
    f.q[1].set_desc(1, G + f.buf(40), vu.PDU, vu.DESC_WRITE)
    f.q[1].post(1)
    f.q[1].notify()
    expect_same(f, ref, struct.pack("<IIII", vu.hdr(8, TLM, 0x15), 0,
                                    1 | 2 << 1 | SEL_ALL, 0),
                "single sample after a bogus eventq buffer")
    e = f.q[1].wait_used()
    if e != (0, 0):
        fail(f"readable eventq buffer: used {e}")
    e = f.q[1].wait_used()
    want = ref.next(2)
    if e is None or e[0] != 1 or e[1] != len(want):
        fail(f"READING_COMPLETE after a bogus eventq buffer: used {e}")
    # the avail index far ahead: the queue stops
    q.set_avail_idx(q.avail_idx + 1000)
    q.notify()
    time.sleep(0.2)
    if not q.err_signalled():
        fail("avail index far ahead: error eventfd not signalled")
    # a second front end while this one is attached is closed at once
    s = raw_conn(sock)
    expect_closed(s, "second front end")
    f.close()
    ref.close()
    fresh_ok(sock, ref_sock, p)

    # 7. a front end that dies with requests in flight and notifications
    # streaming (1 ms) into its eventq: the emulator unmaps its memory
    # under the platform's feet without a fault, and serves the next one
    for i in range(20):
        f = vu.Front(sock)
        f.setup()
        f.post_events(8)
        q = f.q[0]
        msg = struct.pack("<IIII", vu.hdr(8, TLM, 0x30), 0,
                          1 | 1 << 1 | SEL_ALL, ONE_MS)
        for k in range(6):
            a, b = f.buf(2 * k), f.buf(2 * k + 1)
            f.mem[vu.FILE_OFF + a:vu.FILE_OFF + a + len(msg)] = msg
            q.set_desc(2 * k, vu.GPA_BASE + a, len(msg), vu.DESC_NEXT,
                       2 * k + 1)
            q.set_desc(2 * k + 1, vu.GPA_BASE + b, vu.PDU, vu.DESC_WRITE)
            q.post(2 * k)
        q.notify()
        time.sleep(0.005 * (i % 4))
        f.close()
        alive(p)
    # notifications were left on: switch them off for what follows
    f = vu.Front(sock)
    f.setup()
    f.command(struct.pack("<IIII", vu.hdr(8, TLM, 0x31), 0, SEL_ALL, 0))
    f.close()
    fresh_ok(sock, ref_sock, p)

    # 8. seeded random messages (bounded): never a crash
    rng = random.Random(17)
    for i in range(150):
        s = raw_conn(sock)
        try:
            for _ in range(rng.randint(1, 6)):
                req = rng.choice([rng.randint(0, 50), vu.SET_VRING_ADDR,
                                  vu.SET_VRING_NUM, vu.SET_MEM_TABLE])
                size = rng.choice([0, 8, 40, rng.randint(0, 600)])
                pl = bytes(rng.getrandbits(8) for _ in range(min(size, 600)))
                s.sendall(H.pack(req, rng.choice([1, 1, 9, 5, 0]), size) + pl)
        except (BrokenPipeError, ConnectionResetError):
            pass
        s.close()
        alive(p)
    fresh_ok(sock, ref_sock, p)


def main():
    binary, cfg, work = sys.argv[1:4]
    os.makedirs(work, exist_ok=True)
    sock = os.path.join(work, "vhost.sock")
    ref_sock = os.path.join(work, "ref.sock")
    log = open(os.path.join(work, "platform.log"), "w")
    p = start(binary, cfg, "vhost-user:" + sock, log)
    r = start(binary, cfg, "unix:" + ref_sock, log)
    rc = 0
    try:
        f = vu.Front(sock)
        ref = vu.Ref(ref_sock)
        f.setup()
        check_bytes(f, ref)
        pages = check_paging(f, ref)
        print(f"ok: 303 DE descriptions in {pages} pages of <= 132 bytes")
        f.close()
        ref.close()
        print("ok: bytes match the unix: transport (sync, delayed, "
              "notifications)")
        hostile(sock, ref_sock, p)
        print("ok: hostile front ends never crash the emulator")
        p.send_signal(signal.SIGTERM)
        if p.wait(10) != 0:
            fail(f"stlm-platform exited {p.returncode} on SIGTERM")
        if os.path.exists(sock):
            fail("the socket file is left behind")
    except vu.Fail as e:
        print("FAIL:", e)
        rc = 1
    finally:
        for x in (p, r):
            if x.poll() is None:
                x.kill()
                x.wait()
        log.close()
        if rc:
            sys.stdout.write(open(os.path.join(work, "platform.log")).read()[-4000:])
    return rc


if __name__ == "__main__":
    sys.exit(main())
