#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# Copyright (c) 2026 The stlm authors
#
# An unprivileged user holding as many open files of stlmd's tree as its
# RLIMIT_NOFILE allows (at most MAX), on the files with the biggest
# texts; each snapshot file is read once at offset 0 so that it holds a
# text. Refusals (ENOMEM, EMFILE, ENFILE) are counted, other errors fail.
# Writes "<held> <refused>" to HOLD, waits for RELEASE to exist (at most
# 300 s), closes everything and writes CLOSED.
# With "small" after CLOSED: the files of des/*/ instead (many small
# texts), and ENODATA (a DE with no value yet) is not an error.
# Usage: open-files.py TLM MAX HOLD RELEASE CLOSED [small]
import errno, os, resource, sys, time

tlm, cap, hold, release, closed = sys.argv[1], int(sys.argv[2]), *sys.argv[3:6]
small = len(sys.argv) > 6 and sys.argv[6] == "small"
soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
n = min(cap, soft - 16)
if small:
    files = []
    for d in sorted(os.listdir(os.path.join(tlm, "des"))):
        for f in sorted(os.listdir(os.path.join(tlm, "des", d))):
            files.append(os.path.join("des", d, f))
        if len(files) >= n:
            break
else:
    files = ["des_bulk_read", "snapshot", "snapshot.bin"]
    files = [f for f in files if os.path.exists(os.path.join(tlm, f))]
    for g in sorted(os.listdir(os.path.join(tlm, "groups")))[:4]:
        files.append(os.path.join("groups", g, "des_bulk_read"))
        files.append(os.path.join("groups", g, "snapshot.bin"))
    files += [f for f in os.listdir(tlm) if f.startswith("raw_")]
fds, refused = [], 0
for i in range(n):
    path = os.path.join(tlm, files[i % len(files)])
    fd = None
    # EIO: stlmd found the platform slow to answer its probe (a loaded
    # machine); it answers again within seconds
    for _ in range(100):
        try:
            fd = os.open(path, os.O_RDONLY | os.O_CLOEXEC)
            break
        except OSError as e:
            if e.errno in (errno.ENOMEM, errno.EMFILE, errno.ENFILE):
                refused += 1
                break
            if small and e.errno == errno.ENODATA:
                break
            if e.errno != errno.EIO:
                raise
            time.sleep(0.2)
    else:
        raise OSError(errno.EIO, "EIO for 20 s", path)
    if fd is None:
        continue
    fds.append(fd)
    try:
        os.pread(fd, 1, 0)
    except OSError as e:
        if e.errno == errno.ENOMEM:
            refused += 1
        elif e.errno != errno.EIO:
            raise
with open(hold + ".tmp", "w") as f:
    f.write(f"{len(fds)} {refused}\n")
os.rename(hold + ".tmp", hold)
for _ in range(3000):
    if os.path.exists(release):
        break
    time.sleep(0.1)
for fd in fds:
    os.close(fd)
open(closed, "w").close()
