# SPDX-License-Identifier: MIT
# Copyright (c) 2026 The stlm authors
"""Reading a file of ``stlm record`` back (docs/record-format.md).

The format belongs to the CLI (the library has no recording API), so this
is a reader of its own, written from the format document: header checks,
CRC-32 of every record, resynchronisation after a corrupt stretch and a
torn tail reported, not fatal. Samples are NumPy views into the file's
bytes (a record's sample array is ``struct stlm_sample``, 40 bytes).
"""
import errno
import os
import struct
import zlib

FILE_MAGIC = b"STLMREC\0"
REC_MAGIC = b"SREC"
REC_SNAPSHOT = 1
MAX_HEADER_10 = 16 << 20
MAX_HEADER_11 = 256 << 20
MAX_DES = 1 << 20
MAX_BODY = 32 + 40 * MAX_DES
KINDS = ("gauge", "counter", "state")


def _err(msg, path):
    from . import Error
    return Error(errno.EINVAL, "%s: %s" % (path, msg))


class _Reader:
    def __init__(self, buf, off, end, path):
        self.b, self.o, self.end, self.path = buf, off, end, path

    def take(self, n):
        if self.o + n > self.end:
            raise _err("header body cut short at byte %d" % self.o,
                       self.path)
        v = self.b[self.o:self.o + n]
        self.o += n
        return v

    def u(self, fmt):
        size = struct.calcsize(fmt)
        return struct.unpack("<" + fmt, self.take(size))[0]

    def string(self):
        n = self.u("H")
        if n > 4095:
            raise _err("string of %d bytes in the header (max 4095)" % n,
                       self.path)
        return bytes(self.take(n)).decode("utf-8", "replace")


class RecordedDE:
    """A DE as the recording's table describes it."""

    __slots__ = ("id", "group", "size", "ts_rate_khz", "component_instance",
                 "type", "unit_code", "unit_exp", "component_type",
                 "instance", "ts_support", "signed", "persistent",
                 "fastchannel", "enabled", "selected", "kind", "fw_name",
                 "name", "unit", "component", "description")

    def __repr__(self):
        return "<RecordedDE 0x%08x %s [%s]>" % (self.id, self.name, self.unit)


class RecordedSnapshot:
    """One snapshot record: ``time_ns``, ``mono_ns``, ``generation``,
    ``offset`` in the file and ``samples`` (structured array, a view)."""

    __slots__ = ("time_ns", "mono_ns", "generation", "offset", "samples")

    @property
    def values(self):
        return self.samples["value"]

    def __len__(self):
        return len(self.samples)


class Recording:
    """A recording read whole into memory. ``platform`` (identity),
    ``tool``, ``host``, ``uri``, ``catalog``, ``interval_ns``,
    ``created_ns``, ``des`` (every DE of the platform), ``records`` (the
    snapshots), ``problems`` (corrupt or torn stretches skipped, as
    (kind, offset, length, reason)) and ``unknown`` (records of other
    types skipped)."""

    def __init__(self, path):
        self.path = os.fspath(path)
        with open(self.path, "rb") as fh:
            self._buf = fh.read()
        self._parse_header()
        self._parse_records()

    def _parse_header(self):
        b, path = self._buf, self.path
        if len(b) < 24:
            raise _err("not a recording: %d bytes, shorter than a header "
                       "(the recorder died while starting?)" % len(b), path)
        if b[:8] != FILE_MAGIC:
            raise _err("not a recording (bad magic)", path)
        major, minor, _flags, blen, crc = struct.unpack_from("<HHIII", b, 8)
        if major != 1:
            raise _err("format version %d.%d not supported (1.x only)"
                       % (major, minor), path)
        limit = MAX_HEADER_10 if minor == 0 else MAX_HEADER_11
        if blen > limit:
            raise _err("header body of %d bytes is over the limit of "
                       "version 1.%d" % (blen, minor), path)
        if 24 + blen > len(b):
            raise _err("header cut short (the recorder died while "
                       "starting?)", path)
        if zlib.crc32(b[24:24 + blen], zlib.crc32(b[0:20])) != crc:
            raise _err("header CRC mismatch: the header is damaged", path)
        self.version = (major, minor)
        r = _Reader(memoryview(b), 24, 24 + blen, path)
        proto, base, impl, n_des = (r.u("I"), r.u("I"), r.u("I"), r.u("I"))
        uuid = bytes(r.take(16)).hex()
        uuid = "%s-%s-%s-%s-%s" % (uuid[:8], uuid[8:12], uuid[12:16],
                                   uuid[16:20], uuid[20:])
        vendor = bytes(r.take(16)).split(b"\0")[0].decode("utf-8", "replace")
        sub = bytes(r.take(16)).split(b"\0")[0].decode("utf-8", "replace")
        self.created_ns = r.u("Q")
        self.interval_ns = r.u("Q")
        blk = r.u("I")
        n = r.u("I")
        if n > MAX_DES:
            raise _err("DE table of %d entries (max %d)" % (n, MAX_DES), path)
        if n * 38 > blen:
            raise _err("DE table of %d entries does not fit the header" % n,
                       path)
        self.platform = {"protocol_version": proto, "base_version": base,
                         "impl_version": impl, "n_des": n_des, "uuid": uuid,
                         "vendor": vendor, "sub_vendor": sub,
                         "default_blk_ts_rate_khz": blk}
        self.tool, self.host, self.uri = r.string(), r.string(), r.string()
        self.catalog = r.string() or None
        self.des = []
        for _ in range(n):
            d = RecordedDE()
            (d.id, d.group, d.size, d.ts_rate_khz, d.component_instance,
             d.type, d.unit_code, d.unit_exp, d.component_type, d.instance,
             flags, kind) = struct.unpack("<IIIIHBBbBBBB", r.take(25))
            r.take(3)
            d.ts_support = flags & 3
            d.signed = bool(flags & 4)
            d.persistent = bool(flags & 8)
            d.fastchannel = bool(flags & 16)
            d.enabled = bool(flags & 32)
            d.selected = bool(flags & 64)
            d.kind = KINDS[kind] if kind < len(KINDS) else "gauge"
            d.fw_name = r.string()
            d.name = r.string() or d.fw_name or None
            d.unit = r.string()
            d.component = r.string()
            d.description = r.string() or None
            self.des.append(d)
        ids = [d.id for d in self.des]
        if len(set(ids)) != len(ids):
            raise _err("DE table lists a DE id twice", path)
        self.des.sort(key=lambda d: d.id)
        self._byid = {d.id: d for d in self.des}
        self._data_start = 24 + blen

    def _record_at(self, o):
        """(type, body offset, length) of a record passing every check at
        offset o, else (None, reason)."""
        b = self._buf
        if b[o:o + 4] != REC_MAGIC:
            return None, "bad magic"
        if o + 16 > len(b):
            return None, "record truncated"
        typ, length, crc = struct.unpack_from("<III", b, o + 4)
        if length > MAX_BODY:
            return None, "length %d over the limit" % length
        if typ == REC_SNAPSHOT:
            if length < 32:
                return None, "snapshot body too short"
            if o + 16 + 28 <= len(b):
                n = struct.unpack_from("<I", b, o + 16 + 24)[0]
                if length != 32 + 40 * n:
                    return None, "snapshot length does not match its count"
        if o + 16 + length > len(b):
            return None, "record truncated"
        if zlib.crc32(b[o + 16:o + 16 + length],
                      zlib.crc32(b[o + 4:o + 12])) != crc:
            return None, "CRC mismatch"
        return (typ, o + 16, length), None

    def _parse_records(self):
        from . import _dtype, _numpy
        np, dt = _numpy(), _dtype()
        b = self._buf
        self.records, self.problems, self.unknown = [], [], 0
        o = self._data_start
        while o < len(b):
            rec, why = self._record_at(o)
            if rec is None:
                y = b.find(REC_MAGIC, o + 1)
                while y >= 0 and self._record_at(y)[0] is None:
                    y = b.find(REC_MAGIC, y + 1)
                if y < 0:
                    self.problems.append(("torn", o, len(b) - o, why))
                    break
                self.problems.append(("corrupt", o, y - o, why))
                o = y
                continue
            typ, body, length = rec
            if typ == REC_SNAPSHOT:
                s = RecordedSnapshot()
                s.time_ns, s.mono_ns, s.generation, n = struct.unpack_from(
                    "<QQQI", b, body)
                s.offset = o
                s.samples = np.frombuffer(b, dtype=dt, count=n,
                                          offset=body + 32)
                self.records.append(s)
            else:
                self.unknown += 1
            o = body + length

    def de(self, id):
        """The recorded DE of that id, or None."""
        return self._byid.get(id)

    def __len__(self):
        return len(self.records)

    def __iter__(self):
        return iter(self.records)

    def to_dataframe(self):
        """Every sample of every record, one row each: record, time_ns,
        generation, id, name, value (NaN unless valid), unit, kind, valid,
        flags, raw, ts, ts_rate_khz."""
        from . import _numpy
        np = _numpy()
        if self.records:
            arr = np.concatenate([r.samples for r in self.records])
            counts = [len(r) for r in self.records]
        else:
            from . import _dtype
            arr = np.zeros(0, dtype=_dtype())
            counts = []
        rec = np.repeat(np.arange(len(counts)), counts)
        t = np.repeat(np.array([r.time_ns for r in self.records],
                               dtype=np.uint64), counts)
        gen = np.repeat(np.array([r.generation for r in self.records],
                                 dtype=np.uint64), counts)
        from . import _des_meta, _samples_frame
        if getattr(self, "_meta", None) is None:
            self._meta = _des_meta(self.des)
        return _samples_frame(arr, self._meta, {
            "record": rec, "time_ns": t, "generation": gen})

    def __repr__(self):
        return "<stlm.Recording %s: %d records, %d DEs>" % (
            self.path, len(self.records), len(self.des))
