# SPDX-License-Identifier: MIT
# Copyright (c) 2026 The stlm authors
#
# The raw-mode exchanges of the UML test (uml-test.sh, docs/virtio.md):
#
#   uml-raw.py make REQDIR
#       writes the SCMI messages the guest injects through
#       /sys/kernel/debug/scmi/0/raw/, one file each, and REQDIR/list (the
#       order and the raw file each one goes to)
#   uml-raw.py check REF_SOCK OUTDIR
#       sends the same messages to a reference emulator (same description)
#       over unix: and compares every reply, delayed response and
#       notification the guest saved in OUTDIR byte for byte
# Exit 0 on success; "FAIL: ..." and exit 1 otherwise.
import os
import struct
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import vufront as vu  # noqa: E402

BASE, TLM = 0x10, 0x1B
SEL_ALL = 2 << 5
ONE_MS = 1 << 5 | (-3 & 0x1F)


def h(msg_id, proto, token):
    return vu.hdr(msg_id, proto, token)


# (name, raw file, message); tokens from 0x300 up, away from the kernel's
SEQ = [
    ("base-list-protocols", "message",
     struct.pack("<II", h(6, BASE, 0x300), 0)),
    ("base-vendor", "message", struct.pack("<I", h(3, BASE, 0x301))),
    ("tlm-version", "message", struct.pack("<I", h(0, TLM, 0x302))),
    ("tlm-attributes", "message", struct.pack("<I", h(1, TLM, 0x303))),
    ("tlm-de-description", "message",
     struct.pack("<II", h(4, TLM, 0x304), 1)),
    # pages of a 303-DE description: each must fit the 128-byte transport
    ("tlm-de-description-150", "message",
     struct.pack("<II", h(4, TLM, 0x310), 150)),
    ("tlm-de-description-301", "message",
     struct.pack("<II", h(4, TLM, 0x311), 301)),
    ("tlm-de-configure-200", "message",
     struct.pack("<III", h(6, TLM, 0x305), 0x200, 1)),
    ("tlm-de-configure-201", "message",
     struct.pack("<III", h(6, TLM, 0x306), 0x201, 1)),
    ("tlm-single-sample", "message_async",
     struct.pack("<IIII", h(8, TLM, 0x307), 0, 1 | 2 << 1 | SEL_ALL, 0)),
    ("tlm-notify-on", "message",
     struct.pack("<IIII", h(8, TLM, 0x308), 0, 1 | 1 << 1 | SEL_ALL,
                 ONE_MS)),
]


def make(d):
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, "list"), "w") as lst:
        for name, f, msg in SEQ:
            with open(os.path.join(d, name + ".bin"), "wb") as o:
                o.write(msg)
            lst.write(f"{name} {f}\n")


def read(out, name):
    p = os.path.join(out, name)
    if not os.path.exists(p):
        raise vu.Fail(f"the guest saved no {name}")
    with open(p, "rb") as f:
        return f.read()


def check(ref_sock, out):
    ref = vu.Ref(ref_sock)
    n = 0
    for name, f, msg in SEQ:
        want = ref.command(msg)
        got = read(out, name + ".reply")
        if got != want:
            raise vu.Fail(f"{name}: guest {got.hex()} != unix {want.hex()}")
        n += 1
        if name == "base-list-protocols":
            cnt = struct.unpack_from("<I", got, 8)[0]
            if TLM not in got[12:12 + cnt]:
                raise vu.Fail(f"protocol list {got.hex()} lacks 0x1b")
        if f == "message_async":
            want = ref.next(2)
            got = read(out, name + ".delayed")
            if got != want:
                raise vu.Fail(f"{name} delayed: guest {got.hex()} != "
                              f"unix {want.hex()}")
            if struct.unpack_from("<I", got)[0] != vu.hdr(8, TLM, 0x307, 2):
                raise vu.Fail(f"READING_COMPLETE header {got[:4].hex()}")
            n += 1
    want = ref.next(3)
    got = read(out, "notification")
    if got != want:
        raise vu.Fail(f"TELEMETRY_UPDATE: guest {got.hex()} != "
                      f"unix {want.hex()}")
    n += 1
    ref.close()
    print(f"ok: {n} raw-mode messages match the unix: transport byte for "
          "byte")


def main():
    try:
        if sys.argv[1] == "make":
            make(sys.argv[2])
        else:
            check(sys.argv[2], sys.argv[3])
    except vu.Fail as e:
        print("FAIL:", e)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
