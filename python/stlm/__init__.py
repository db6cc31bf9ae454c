# SPDX-License-Identifier: MIT
# Copyright (c) 2026 The stlm authors
"""Python bindings of libstlm, the Arm SCMI System Telemetry agent library.

    >>> import stlm
    >>> with stlm.open() as s:                 # the CLI's default platform
    ...     snap = s.snapshot()
    ...     snap.values                        # NumPy float64, no copy
    ...     snap.to_dataframe()                # with pandas

``open()`` resolves the platform as the ``stlm`` command does; ``des``
lists the data events; ``enable``/``disable``/``config`` change the
platform's configuration; ``snapshot()`` takes one consistent snapshot
whose samples NumPy sees in place (a structured array over the library's
own ``struct stlm_sample`` buffer); ``watch()`` iterates over snapshots at
an interval; ``events()`` over the library's events; ``Catalog`` reads a
catalog without a platform; ``Recording`` reads a file of ``stlm record``.

Every failure raises :class:`Error` (an :class:`OSError`) with the errno
and a message; see docs/python.md.
"""
import collections
import errno as _errno
import os
import re
import select
import time
import warnings

from . import _stlm
from . import _platform
from ._recording import Recording  # noqa: F401  (public)

__all__ = [
    "open", "Session", "Snapshot", "DE", "Event", "Catalog", "Recording",
    "Sample", "Collection", "Error", "PlatformLostError", "NotFoundError",
    "PermissionDeniedError", "TimedOutError", "BuiltinPlatformWarning",
    "SAMPLE_DTYPE", "version", "catalog_search_path", "uri_check",
    "FLAG_VALID", "FLAG_STALE", "FLAG_TORN", "FLAG_DISABLED",
    "FLAG_UNREACHABLE", "FLAG_INVALID", "FLAG_TIMESTAMP",
    "FLAG_FASTCHANNEL", "FLAG_MESSAGE", "GROUP_ALL",
]

version = _stlm.version
uri_check = _stlm.uri_check
catalog_search_path = _stlm.catalog_search_path
__version__ = _stlm.version()

GROUP_ALL = _stlm.GROUP_ALL & 0xFFFFFFFF
GROUP_NONE = _stlm.GROUP_NONE & 0xFFFFFFFF

FLAG_VALID = 0x1
FLAG_STALE = 0x2
FLAG_TORN = 0x4
FLAG_DISABLED = 0x8
FLAG_UNREACHABLE = 0x10
FLAG_INVALID = 0x20
FLAG_TIMESTAMP = 0x40
FLAG_FASTCHANNEL = 0x80
FLAG_MESSAGE = 0x100

KINDS = ("gauge", "counter", "state")
MODES = {"on_demand": 0, "notify": 1}

# ---------------------------------------------------------------- errors


class Error(OSError):
    """A libstlm call failed: ``errno``, ``strerror`` (the message) and
    ``lost`` (the session can no longer reach its platform: open a new
    one)."""

    lost = False


class PlatformLostError(Error, ConnectionError):
    """The platform or the transport is gone; the session is LOST."""


class NotFoundError(Error, FileNotFoundError):
    """No such platform, DE, group, catalog or file (ENOENT)."""


class PermissionDeniedError(Error, PermissionError):
    """Not permitted here (EROFS, EPERM) or refused (EACCES)."""


class TimedOutError(Error, TimeoutError):
    """A command timed out (ETIMEDOUT); the session may still be READY."""


class BuiltinPlatformWarning(UserWarning):
    """No platform was found: the built-in emulated platform is used."""


def _make_error(err, message, lost):
    if lost:
        cls = PlatformLostError
    elif err == _errno.ENOENT:
        cls = NotFoundError
    elif err in (_errno.EACCES, _errno.EPERM, _errno.EROFS):
        cls = PermissionDeniedError
    elif err == _errno.ETIMEDOUT:
        cls = TimedOutError
    else:
        cls = Error
    e = cls(err, message)
    e.lost = bool(lost)
    return e


_stlm._set_error_factory(_make_error)

# ---------------------------------------------------------------- numpy

_np = None


def _numpy():
    global _np
    if _np is None:
        try:
            import numpy
        except ImportError as e:  # pragma: no cover - numpy is a dependency
            raise ImportError("stlm: snapshots as arrays need NumPy "
                              "(Debian: python3-numpy)") from e
        _np = numpy
    return _np


_SAMPLE_FIELDS = ("id", "flags", "raw", "value", "ts", "ts_rate_khz")
_SAMPLE_TYPES = ("u4", "u4", "u8", "f8", "u8", "u4")
_sample_dtype = None


def _dtype():
    """The NumPy dtype of struct stlm_sample, checked against the C layout."""
    global _sample_dtype
    if _sample_dtype is None:
        np = _numpy()
        size, *offs = _stlm.SAMPLE_LAYOUT
        _sample_dtype = np.dtype({"names": list(_SAMPLE_FIELDS),
                                  "formats": ["=" + t for t in _SAMPLE_TYPES],
                                  "offsets": offs, "itemsize": size})
    return _sample_dtype


def __getattr__(name):
    if name == "SAMPLE_DTYPE":
        return _dtype()
    raise AttributeError("module 'stlm' has no attribute %r" % name)


def _pandas():
    try:
        import pandas
    except ImportError as e:
        raise ImportError("stlm: to_dataframe() needs pandas "
                          "(Debian: python3-pandas)") from e
    return pandas


# ---------------------------------------------------------------- values

Sample = collections.namedtuple(
    "Sample", "id name value unit valid flags raw ts ts_rate_khz")
Sample.__doc__ = "One DE's sample (made on request; arrays hold the rest)."

Collection = collections.namedtuple("Collection", "enabled mode interval_ns")
Collection.__doc__ = "Collection state: enabled, mode name, interval in ns."

Event = collections.namedtuple("Event", "type generation samples lost")
Event.__doc__ = ("An event: type ('update', 'generation', 'reset', 'lost'), "
                 "generation, samples (a structured array, a copy) and lost "
                 "(events dropped).")
_EVENT_TYPES = {1: "update", 2: "generation", 3: "reset", 4: "lost"}

_DE_FIELDS = ("id", "name", "fw_name", "description", "unit_code",
              "unit_exp", "unit", "_kind", "component_instance", "instance",
              "group", "type", "size", "ts_support", "enabled", "ts_enabled",
              "persistent", "fastchannel", "signed", "component_type",
              "component", "labels")


class DE:
    """A data event: ``id``, ``name``, ``unit``, ``kind`` ('gauge',
    'counter', 'state'), ``component`` ('cpu'...), ``component_instance``,
    ``labels`` (the catalog's), ``enabled``... as of when it was listed."""

    __slots__ = _DE_FIELDS

    def __init__(self, t):
        for k, v in zip(_DE_FIELDS, t):
            object.__setattr__(self, k, v)
        for k in ("enabled", "ts_enabled", "persistent", "fastchannel",
                  "signed"):
            object.__setattr__(self, k, bool(getattr(self, k)))

    def __setattr__(self, k, v):
        raise AttributeError("DE objects are read-only")

    @property
    def kind(self):
        return KINDS[self._kind] if 0 <= self._kind < len(KINDS) else "gauge"

    @property
    def group_id(self):
        """The group, or None."""
        return None if self.group == GROUP_NONE else self.group

    def __repr__(self):
        return "<DE 0x%08x %s [%s] %s %s%u>" % (
            self.id, self.name, self.unit, self.kind, self.component,
            self.component_instance)

    def __eq__(self, other):
        return isinstance(other, DE) and other.id == self.id

    def __hash__(self):
        return hash(self.id)


def _interval_ns(interval):
    """Seconds (int/float) or a string ("100ms", "1s", "250us") in ns."""
    if isinstance(interval, str):
        m = re.fullmatch(r"\s*([0-9]*\.?[0-9]+)\s*(ns|us|ms|s|m)?\s*",
                         interval)
        if not m:
            raise ValueError("interval %r: expected a number of seconds or "
                             "e.g. '100ms', '2s'" % interval)
        mult = {"ns": 1, "us": 1e3, "ms": 1e6, "s": 1e9, "m": 60e9,
                None: 1e9}[m.group(2)]
        ns = float(m.group(1)) * mult
    elif isinstance(interval, (int, float)) and not isinstance(interval, bool):
        ns = float(interval) * 1e9
    else:
        raise TypeError("interval: seconds or a string like '100ms'")
    if not ns > 0 or ns > 2**63:
        raise ValueError("interval must be positive, got %r" % (interval,))
    return int(round(ns))


# ---------------------------------------------------------------- snapshot


class Snapshot:
    """One consistent snapshot. ``samples`` is a NumPy structured array
    (fields id, flags, raw, value, ts, ts_rate_khz) viewing the library's
    buffer in place; ``values``, ``ids``, ``flags``, ``raw`` are views of
    its fields; ``valid`` a boolean mask. ``snap[id_or_name]`` gives one
    :class:`Sample`. No Python object per sample is made."""

    __slots__ = ("_core", "_session", "_arr", "__weakref__")

    def __init__(self, core, session):
        self._core = core
        self._session = session
        self._arr = None

    @property
    def samples(self):
        if self._arr is None:
            np = _numpy()
            a = np.frombuffer(self._core, dtype=_dtype())
            self._arr = a
        return self._arr

    values = property(lambda self: self.samples["value"],
                      doc="decoded values, float64 (a view)")
    ids = property(lambda self: self.samples["id"], doc="DE ids (a view)")
    flags = property(lambda self: self.samples["flags"],
                     doc="FLAG_* bits (a view)")
    raw = property(lambda self: self.samples["raw"],
                   doc="raw values, uint64 (a view)")
    ts = property(lambda self: self.samples["ts"],
                  doc="timestamp ticks (a view)")

    @property
    def valid(self):
        """Boolean mask of the samples flagged valid."""
        return (self.samples["flags"] & FLAG_VALID) != 0

    generation = property(lambda self: self._core.generation,
                          doc="configuration generation at the take")
    time_ns = property(lambda self: self._core.time_ns,
                       doc="CLOCK_REALTIME ns when the take started")
    mono_ns = property(lambda self: self._core.mono_ns,
                       doc="CLOCK_MONOTONIC ns when the take started")

    def __len__(self):
        return len(self._core)

    def __contains__(self, key):
        try:
            self._index(key)
        except KeyError:
            return False
        return True

    def _index(self, key):
        if isinstance(key, DE):
            key = key.id
        if isinstance(key, str):
            d = self._session._names().get(key)
            if d is None:
                raise KeyError("no DE named %r" % key)
            key = d.id
        i = self._core.index(int(key))
        if i < 0:
            raise KeyError("DE 0x%08x is not in the snapshot" % int(key))
        return i

    def __getitem__(self, key):
        s = self.samples[self._index(key)]
        de = self._session._by_id().get(int(s["id"]))
        f = int(s["flags"])
        return Sample(int(s["id"]), de.name if de else None, float(s["value"]),
                      de.unit if de else None, bool(f & FLAG_VALID), f,
                      int(s["raw"]), int(s["ts"]), int(s["ts_rate_khz"]))

    def derived(self, prev=None):
        """The catalog's derived metrics over this snapshot (and ``prev``
        for rate()/delta()): {name: (value or None, unit)}."""
        core_prev = prev._core if prev is not None else None
        return {n: (v, u) for n, u, v in
                self._session._core.derived(self._core, core_prev)}

    def to_dataframe(self):
        """A pandas DataFrame, one row per sample: id, name, value, unit,
        kind, component, instance, valid, flags, raw, ts, ts_rate_khz."""
        df = _samples_frame(self.samples, self._session._meta())
        df.attrs["time_ns"] = self.time_ns
        df.attrs["generation"] = self.generation
        return df

    def __repr__(self):
        return "<stlm.Snapshot %d samples, generation %d>" % (
            len(self), self.generation)


_META_COLS = ("name", "unit", "kind", "component", "component_instance")


def _des_meta(des):
    """Sorted DE ids and, in that order, each text column as category codes
    (-1: none; the last entry stands for an unknown id) and its categories,
    built once per DE list."""
    np = _numpy()
    des = sorted(des, key=lambda d: d.id)
    ids = np.array([d.id for d in des], dtype=np.uint32)
    cols = {}
    for c in _META_COLS:
        cats = {}
        codes = np.empty(len(des) + 1, dtype=np.int32)
        for i, d in enumerate(des):
            v = getattr(d, c)
            codes[i] = -1 if v is None else cats.setdefault(v, len(cats))
        codes[-1] = -1
        cols[c] = (codes, list(cats))
    return ids, cols


def _samples_frame(arr, meta, extra=None):
    """DataFrame of a structured sample array: the DE columns are pandas
    categoricals looked up by id with NumPy (no Python loop over the
    samples)."""
    pd = _pandas()
    np = _numpy()
    ids, cols = meta
    sid = arr["id"]
    pos = np.searchsorted(ids, sid)
    pos[pos >= len(ids)] = len(ids)
    known = pos < len(ids)
    known[known] = ids[pos[known]] == sid[known]
    pos[~known] = len(ids)

    def cat(c):
        codes, cats = cols[c]
        if not isinstance(cats, pd.CategoricalDtype):
            cats = pd.CategoricalDtype(cats)
            cols[c] = (codes, cats)
        return pd.Categorical.from_codes(codes[pos], dtype=cats)

    flags = arr["flags"]
    valid = (flags & FLAG_VALID) != 0
    out = dict(extra or {})
    out.update({
        "id": sid,
        "name": cat("name"),
        "value": np.where(valid, arr["value"], np.nan),
        "unit": cat("unit"),
        "kind": cat("kind"),
        "component": cat("component"),
        "instance": cat("component_instance"),
        "valid": valid,
        "flags": flags,
        "raw": arr["raw"],
        "ts": arr["ts"],
        "ts_rate_khz": arr["ts_rate_khz"],
    })
    return pd.DataFrame(out)


# ---------------------------------------------------------------- session


class Session:
    """An open platform. Use as a context manager, or close()."""

    def __init__(self, core, builtin=None):
        self._core = core
        self._builtin = builtin
        self._des = None
        self._des_gen = None
        self._byid = None
        self._names_map = None
        self._meta_cache = None

    # -- life
    def close(self):
        """Close the session (and stop the built-in platform, if any)."""
        if self._core is not None:
            self._core.close()
        if self._builtin is not None:
            self._builtin.stop()
            self._builtin = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def __del__(self):
        try:
            self.close()
        except Exception:
            pass

    @property
    def closed(self):
        return self._core.closed

    @property
    def builtin(self):
        """True when this session runs the built-in emulated platform."""
        return self._builtin is not None

    @property
    def builtin_pid(self):
        """Process id of the built-in platform's emulator, or None."""
        return self._builtin.pid if self._builtin is not None else None

    uri = property(lambda self: self._core.uri, doc="the URI opened")
    generation = property(lambda self: self._core.generation,
                          doc="configuration generation (bumps on changes)")
    catalog_name = property(lambda self: self._core.catalog_name,
                            doc="the catalog applied, or None")
    handle = property(lambda self: self._core.handle,
                      doc="struct stlm_session * as an int (for ctypes)")

    @property
    def info(self):
        """Platform information (vendor, uuid, n_des, capabilities...)."""
        return self._core.info()

    @property
    def state(self):
        """'ready', or 'lost' once the platform or transport is gone."""
        st, _ = self._core.state()
        return "lost" if st else "ready"

    @property
    def lost_errno(self):
        """The errno that lost the session, or 0."""
        return self._core.state()[1]

    # -- DEs
    @property
    def des(self):
        """Every DE (a list of :class:`DE`, platform order). Listed again
        when the generation changed."""
        gen = self._core.generation
        if self._des is None or gen != self._des_gen:
            self._des = [DE(t) for t in self._core.des()]
            self._des_gen = gen
            self._byid = None
            self._names_map = None
            self._meta_cache = None
        return self._des

    def _meta(self):
        des = self.des
        if self._meta_cache is None:
            self._meta_cache = _des_meta(des)
        return self._meta_cache

    def _by_id(self):
        des = self.des
        if self._byid is None:
            self._byid = {d.id: d for d in des}
        return self._byid

    def _names(self):
        des = self.des
        if self._names_map is None:
            self._names_map = {d.name: d for d in des if d.name}
        return self._names_map

    def de(self, key):
        """One DE by id, name or DE; raises NotFoundError."""
        if isinstance(key, DE):
            key = key.id
        if isinstance(key, bool) or not isinstance(key, (int, str)):
            raise TypeError("a DE is given by id (int) or name (str)")
        return DE(self._core.de_find(key))

    def _ids(self, des):
        out = []
        for d in des:
            if isinstance(d, DE):
                out.append(d.id)
            elif isinstance(d, int) and not isinstance(d, bool):
                out.append(d)
            else:
                out.append(self.de(d).id)
        return out

    @property
    def groups(self):
        """Member DE ids of each group (index = group id)."""
        return self._core.groups()

    # -- configuration
    def enable(self, *des, timestamps=True):
        """Enable DEs (ids, names or DE objects); none given: every DE."""
        if not des:
            self._core.all_set(True, timestamps)
        for i in self._ids(des):
            self._core.de_set(i, True, timestamps)

    def disable(self, *des):
        """Disable DEs; none given: every DE."""
        if not des:
            self._core.all_set(False, False)
        for i in self._ids(des):
            self._core.de_set(i, False, False)

    def enable_group(self, group, timestamps=True):
        """Enable every DE of a group."""
        self._core.group_set(group, True, timestamps)

    def disable_group(self, group):
        """Disable every DE of a group."""
        self._core.group_set(group, False, False)

    def config(self, interval=None, mode="on_demand", enabled=True,
               group=None):
        """Start (or with enabled=False stop) collection for every DE, or a
        group, in 'on_demand' or 'notify' mode at ``interval`` (seconds
        or '100ms'; None: keep the current one; one of intervals())."""
        if mode not in MODES:
            raise ValueError("mode: one of %s" % ", ".join(MODES))
        ns = 0 if interval is None else _interval_ns(interval)
        self._core.collection_set(GROUP_ALL if group is None else group,
                                  bool(enabled), MODES[mode], ns)

    def collection(self, group=None):
        """The collection state as a :class:`Collection`."""
        en, mode, ns = self._core.collection_get(
            GROUP_ALL if group is None else group)
        return Collection(en, "notify" if mode == 1 else "on_demand", ns)

    def intervals(self, group=None):
        """Supported intervals in ns; a range is (lowest, highest, step)
        with ``is_range`` True: returns (is_range, [ns...])."""
        return self._core.intervals(GROUP_ALL if group is None else group)

    def reset(self):
        """TELEMETRY_RESET: every DE disabled, intervals to default."""
        self._core.reset()

    # -- catalogs
    def load_catalog(self, path):
        """Apply a catalog file or directory; returns how many DEs it
        named."""
        n = self._core.catalog_load(os.fspath(path))
        self._des = None
        return n

    # -- reading
    def snapshot(self, des=None, single=False):
        """Take one consistent snapshot of the enabled DEs (or of ``des``).
        single=True asks the platform for a single sample first."""
        ids = None if des is None else self._ids(des)
        return Snapshot(self._core.snapshot(ids, single), self)

    def watch(self, interval=1.0, des=None, count=None):
        """Iterate over snapshots every ``interval`` (seconds or '100ms'),
        ``count`` times or forever. Paced by the monotonic clock; a late
        snapshot is not made up for. Raises PlatformLostError once the
        session is LOST, also where a take alone would not notice (the
        memory of a platform gone is still mapped)."""
        period = _interval_ns(interval) / 1e9
        if count is not None and count < 0:
            raise ValueError("count must be >= 0")
        n = 0
        nxt = time.monotonic()
        while count is None or n < count:
            snap = self.snapshot(des)
            st, err = self._core.state()
            if st:  # a take may still read memory of a platform gone
                raise _make_error(-err if err < 0 else (err or _errno.EPIPE),
                                  "watch: the platform is gone (%s)"
                                  % os.strerror(abs(err) or _errno.EPIPE),
                                  True)
            yield snap
            del snap
            n += 1
            if count is not None and n >= count:
                break
            nxt += period
            delay = nxt - time.monotonic()
            if delay > 0:
                time.sleep(delay)
            else:
                nxt = time.monotonic()

    @property
    def event_fd(self):
        """A pollable fd (POLLIN when an event is queued); do not close."""
        return self._core.event_fd()

    def read_event(self, timeout=0.0):
        """The next :class:`Event`, waiting up to ``timeout`` seconds (None:
        forever); None when none came."""
        ev = self._core.event_read()
        if ev is None and timeout != 0:
            p = select.poll()
            p.register(self._core.event_fd(), select.POLLIN)
            deadline = None if timeout is None else time.monotonic() + timeout
            while ev is None:
                left = None if deadline is None else deadline - time.monotonic()
                if left is not None and left <= 0:
                    break
                p.poll(None if left is None else max(1, int(left * 1000)))
                ev = self._core.event_read()
        if ev is None:
            return None
        t, gen, data, lost = ev
        samples = _numpy().frombuffer(data, dtype=_dtype()) if data else None
        return Event(_EVENT_TYPES.get(t, str(t)), gen, samples, lost)

    def events(self, timeout=None):
        """Iterate over events; stops after ``timeout`` seconds without
        one (None: never)."""
        while True:
            ev = self.read_event(timeout)
            if ev is None:
                return
            yield ev

    @property
    def deviations(self):
        """How often the session stepped over each platform deviation."""
        return self._core.deviations()

    def __repr__(self):
        if self.closed:
            return "<stlm.Session closed>"
        return "<stlm.Session %s%s>" % (self.uri,
                                        " (built-in)" if self.builtin else "")


def _build_tree_catalog(s):
    """Imported from the build tree: the source tree's catalogs apply as
    they do to programs run from the build tree (unless
    $STLM_CATALOG_PATH says where to look)."""
    d = getattr(_platform._paths, "SOURCE_CATALOGS", "")
    if not d or "STLM_CATALOG_PATH" in os.environ or not os.path.isdir(d):
        return
    try:
        s.load_catalog(d)
    except Error as e:
        if e.errno != _errno.ENOMSG:
            raise


def open(uri=None, *, catalog=None, no_catalog=False, timeout_ms=0,
         retries=0, lazy=False):
    """Open a platform and return a :class:`Session`.

    ``uri``: "unix:PATH", "tcp:HOST:PORT", "shm:DIR", "stlmd:PATH",
    "stlmfs:DIR"... (docs/transports.md). None resolves as the CLI does:
    ``$STLM_PLATFORM``, stlmd at /run/stlm/stlmd.sock, the kernel's STLMFS
    tree, then the built-in emulated platform (the stlm-platform program;
    a :class:`BuiltinPlatformWarning` says so, and every DE is enabled and
    collection started when nothing was). ``catalog``: a catalog file or
    directory to apply (failing if it does not apply).
    """
    if uri is not None and not isinstance(uri, str):
        raise TypeError("uri must be a string or None")

    def open_uri(u):
        return _stlm.Session(u, timeout_ms, retries, lazy, no_catalog)

    def notice(text):
        warnings.warn(text, BuiltinPlatformWarning, stacklevel=4)

    core, builtin = _platform.resolve(uri, open_uri, _make_error, notice)
    s = Session(core, builtin)
    try:
        if catalog is not None:
            s.load_catalog(catalog)
        elif not no_catalog and s.catalog_name is None:
            _build_tree_catalog(s)
        if builtin is not None and not any(d.enabled for d in s.des) and \
                not s.collection().enabled:
            s.enable()
            s.config()
    except BaseException:
        s.close()
        raise
    return s


class Catalog:
    """A catalog file read without a platform. ``Catalog(path)`` checks
    and reads one file; ``Catalog.find(path, info)`` picks the best match
    for a platform identity in a file or directory."""

    Entry = collections.namedtuple(
        "Entry", "id name description unit scale signed kind")

    def __init__(self, path, _core=None):
        self._core = _core if _core is not None else \
            _stlm.Catalog(os.fspath(path))

    @classmethod
    def find(cls, path, info):
        """The most specific catalog at ``path`` for ``info`` (a dict with
        vendor, sub_vendor, impl_version, uuid: Session.info or a
        recording's ``platform``)."""
        core = _stlm.Catalog(os.fspath(path), info.get("vendor") or "",
                             info.get("sub_vendor") or "",
                             int(info.get("impl_version") or 0),
                             info.get("uuid") or "")
        return cls(path, _core=core)

    def _entry(self, t):
        id_, name, desc, unit, scale, signed, kind = t
        return Catalog.Entry(id_, name, desc,
                             None if unit < 0 else _stlm.unit_name(unit),
                             scale, signed,
                             KINDS[kind] if 0 <= kind < len(KINDS) else None)

    title = property(lambda self: self._core.title, doc="its name")
    path = property(lambda self: self._core.path, doc="the file read")

    @property
    def entries(self):
        """Every DE entry (repeat blocks expanded), document order."""
        return [self._entry(t) for t in self._core.entries()]

    def __len__(self):
        return len(self._core.entries())

    def __iter__(self):
        return iter(self.entries)

    def describe(self, id):
        """What the catalog says about DE ``id``; NotFoundError if
        nothing."""
        return self._entry(self._core.describe(id))

    def state_name(self, id, value):
        """Name of state ``value`` of DE ``id``, or None."""
        return self._core.state_name(id, value)

    def close(self):
        self._core.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
