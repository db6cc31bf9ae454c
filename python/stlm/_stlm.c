// SPDX-License-Identifier: MIT
/*
 * Copyright (c) 2026 The stlm authors
 *
 * _stlm: the C half of the Python bindings (docs/python.md). A thin layer
 * over the public API (<stlm/stlm.h>) only; the Pythonic surface (DE
 * objects, NumPy arrays, DataFrames, default platform resolution,
 * recordings) is stlm/__init__.py.
 *
 * Snapshots export their struct stlm_sample array through the buffer
 * protocol (read-only bytes), so NumPy views it without a copy and without
 * the NumPy C API. A snapshot object keeps its session alive; a closed
 * session is really closed when its last snapshot goes. Snapshots that die
 * go back to a small per-session pool, so a loop of snapshot() calls
 * reuses the library's buffers (no allocation in the steady state).
 *
 * Every library call that may block runs without the GIL. A session
 * counts the threads inside such calls: close() refuses to free it under
 * them. Errors become exceptions through a factory that stlm/__init__.py
 * installs (stlm.Error and its subclasses, all OSError).
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include <errno.h>
#include <stddef.h>
#include <string.h>

#include <stlm/stlm.h>

#define POOL_MAX 2

static PyObject *error_factory; /* callable(errno, message, lost) */

typedef struct {
	PyObject_HEAD
	struct stlm_session *s;
	int busy;     /* calls in progress without the GIL */
	int n_snaps;  /* live Snapshot objects */
	bool closing; /* close() was called while snapshots lived */
	struct stlm_snapshot *pool[POOL_MAX];
	bool pool_sel[POOL_MAX]; /* pool entry has a selection */
	int n_pool;
} SessionObject;

typedef struct {
	PyObject_HEAD
	SessionObject *owner;
	struct stlm_snapshot *snap;
	bool selected;
	int exports;
} SnapshotObject;

typedef struct {
	PyObject_HEAD
	struct stlm_catalog *c;
} CatalogObject;

static PyTypeObject Session_Type;
static PyTypeObject Snapshot_Type;
static PyTypeObject Catalog_Type;

/* ------------------------------------------------------------------ */
/* Errors                                                              */

static PyObject *raise_err(int r, const char *what, struct stlm_session *s)
{
	int e = r < 0 ? -r : r;
	int lost_err = 0;
	bool lost = s && stlm_session_state(s, &lost_err) == STLM_STATE_LOST;
	PyObject *exc;

	if (!e)
		e = EIO;
	if (!error_factory) {
		errno = e;
		return PyErr_SetFromErrno(PyExc_OSError);
	}
	exc = PyObject_CallFunction(error_factory, "isO", e, what,
				    lost ? Py_True : Py_False);
	if (!exc)
		return NULL;
	PyErr_SetObject((PyObject *)Py_TYPE(exc), exc);
	Py_DECREF(exc);
	return NULL;
}

static PyObject *set_error_factory(PyObject *self, PyObject *f)
{
	if (!PyCallable_Check(f))
		return PyErr_Format(PyExc_TypeError, "not callable");
	Py_XSETREF(error_factory, Py_NewRef(f));
	Py_RETURN_NONE;
}

/* ------------------------------------------------------------------ */
/* Session                                                             */

#define SESSION_OK(so)                                                         \
	do {                                                                   \
		if (!(so)->s || (so)->closing) {                               \
			PyErr_SetString(PyExc_ValueError,                      \
					"operation on a closed session");      \
			return NULL;                                           \
		}                                                              \
	} while (0)

/* Run @call without the GIL; the session stays open meanwhile. */
#define NOGIL(so, call)                                                        \
	do {                                                                   \
		PyThreadState *ts_;                                            \
		(so)->busy++;                                                  \
		ts_ = PyEval_SaveThread();                                     \
		call;                                                          \
		PyEval_RestoreThread(ts_);                                     \
		(so)->busy--;                                                  \
	} while (0)

/* Run @call without the GIL, no session involved. */
#define NOGIL0(call)                                                           \
	do {                                                                   \
		PyThreadState *ts_ = PyEval_SaveThread();                      \
		call;                                                          \
		PyEval_RestoreThread(ts_);                                     \
	} while (0)

static void session_free_now(SessionObject *so)
{
	for (int i = 0; i < so->n_pool; i++)
		stlm_snapshot_free(so->pool[i]);
	so->n_pool = 0;
	stlm_session_close(so->s);
	so->s = NULL;
}

static int Session_init(SessionObject *so, PyObject *args, PyObject *kw)
{
	static char *kwlist[] = { "uri", "timeout_ms", "retries", "lazy",
				  "no_catalog", NULL };
	const char *uri;
	int timeout_ms = 0, lazy = 0, no_catalog = 0;
	unsigned int retries = 0;
	struct stlm_open_opts o = { .size = sizeof(o) };
	struct stlm_session *s = NULL;
	char why[256] = "", msg[512];
	int r;

	if (so->s) {
		PyErr_SetString(PyExc_RuntimeError, "session already open");
		return -1;
	}
	if (!PyArg_ParseTupleAndKeywords(args, kw, "s|iIpp", kwlist, &uri,
					 &timeout_ms, &retries, &lazy,
					 &no_catalog))
		return -1;
	if (timeout_ms < 0) {
		PyErr_SetString(PyExc_ValueError, "timeout_ms must be >= 0");
		return -1;
	}
	o.timeout_ms = timeout_ms;
	o.retries = retries;
	o.discovery = lazy ? STLM_DISCOVERY_LAZY : STLM_DISCOVERY_FULL;
	o.no_catalog = no_catalog;
	NOGIL0(r = stlm_session_open(uri, &o, &s));
	if (r < 0) {
		if (r == -EINVAL && stlm_uri_check(uri, why, sizeof(why)) < 0)
			snprintf(msg, sizeof(msg), "cannot open platform '%s': %s",
				 uri, why);
		else if (r == -ENOENT)
			snprintf(msg, sizeof(msg),
				 "cannot open platform '%s': nothing there (no socket or directory)",
				 uri);
		else
			snprintf(msg, sizeof(msg), "cannot open platform '%s': %s",
				 uri, strerror(-r));
		raise_err(r, msg, NULL);
		return -1;
	}
	so->s = s;
	return 0;
}

static void Session_dealloc(SessionObject *so)
{
	session_free_now(so);
	Py_TYPE(so)->tp_free((PyObject *)so);
}

static PyObject *Session_close(SessionObject *so, PyObject *unused)
{
	if (!so->s)
		Py_RETURN_NONE;
	if (so->busy) {
		PyErr_SetString(PyExc_RuntimeError,
				"session in use by another thread");
		return NULL;
	}
	so->closing = true;
	if (!so->n_snaps)
		session_free_now(so);
	Py_RETURN_NONE;
}

static PyObject *Session_get_closed(SessionObject *so, void *c)
{
	return PyBool_FromLong(!so->s || so->closing);
}

static PyObject *Session_get_handle(SessionObject *so, void *c)
{
	SESSION_OK(so);
	return PyLong_FromVoidPtr(so->s);
}

static PyObject *Session_get_uri(SessionObject *so, void *c)
{
	SESSION_OK(so);
	return PyUnicode_FromString(stlm_session_uri(so->s));
}

static PyObject *Session_get_generation(SessionObject *so, void *c)
{
	SESSION_OK(so);
	return PyLong_FromUnsignedLongLong(stlm_session_generation(so->s));
}

static PyObject *Session_state(SessionObject *so, PyObject *unused)
{
	int err = 0;
	enum stlm_state st;

	SESSION_OK(so);
	st = stlm_session_state(so->s, &err);
	return Py_BuildValue("(ii)", (int)st, -err);
}

static PyObject *Session_info(SessionObject *so, PyObject *unused)
{
	struct stlm_platform_info pi;
	int r;

	SESSION_OK(so);
	r = stlm_session_info(so->s, &pi);
	if (r < 0)
		return raise_err(r, "cannot read the platform information", so->s);
	return Py_BuildValue(
		"{s:I,s:I,s:s,s:s,s:I,s:s,s:I,s:I,s:I,s:O,s:O,s:O,s:O,s:O,s:I,s:I}",
		"protocol_version", pi.protocol_version, "base_version",
		pi.base_version, "vendor", pi.vendor, "sub_vendor", pi.sub_vendor,
		"impl_version", pi.impl_version, "uuid", pi.uuid_str, "n_des",
		pi.n_des, "n_groups", pi.n_groups, "n_shmti", pi.n_shmti,
		"single_sample", pi.single_sample ? Py_True : Py_False,
		"notifications", pi.notifications ? Py_True : Py_False,
		"per_group", pi.per_group ? Py_True : Py_False, "reset",
		pi.reset ? Py_True : Py_False, "fastchannels",
		pi.fastchannels ? Py_True : Py_False, "default_blk_ts_rate_khz",
		pi.default_blk_ts_rate_khz, "max_msg_size", pi.max_msg_size);
}

static PyObject *opt_str(const char *s)
{
	if (!s)
		Py_RETURN_NONE;
	return PyUnicode_DecodeUTF8(s, (Py_ssize_t)strlen(s), "replace");
}

static PyObject *de_tuple(const struct stlm_de *de)
{
	PyObject *labels = PyDict_New();
	const char *key, *val;

	if (!labels)
		return NULL;
	/* every catalog label of the DE: its own, then the catalog's */
	for (unsigned int k = 0; stlm_de_label_at(de, k, &key, &val) == 0; k++) {
		PyObject *pv = opt_str(val);

		if (!pv || PyDict_SetItemString(labels, key, pv) < 0) {
			Py_XDECREF(pv);
			Py_DECREF(labels);
			return NULL;
		}
		Py_DECREF(pv);
	}
	/* the order is stlm/__init__.py's _DE_FIELDS */
	return Py_BuildValue(
		"(INNNiiNiHBIiIiiiiiiiNN)", stlm_de_id(de), opt_str(stlm_de_name(de)),
		opt_str(stlm_de_fw_name(de)), opt_str(stlm_de_description(de)),
		(int)stlm_de_unit(de), stlm_de_unit_exp(de),
		opt_str(stlm_de_unit_name(de)), stlm_de_kind(de),
		stlm_de_component_instance(de), stlm_de_instance(de),
		stlm_de_group(de), (int)stlm_de_type(de), stlm_de_size(de),
		stlm_de_ts_support(de), (int)stlm_de_enabled(de),
		(int)stlm_de_ts_enabled(de), (int)stlm_de_persistent(de),
		(int)stlm_de_has_fastchannel(de), (int)stlm_de_signed(de),
		(int)stlm_de_component_type(de),
		opt_str(stlm_de_component_name(de)), labels);
}

static PyObject *Session_des(SessionObject *so, PyObject *unused)
{
	PyObject *list;
	int n;

	SESSION_OK(so);
	NOGIL(so, n = stlm_de_count(so->s));
	if (n < 0)
		return raise_err(n, "cannot list the DEs", so->s);
	list = PyList_New(n);
	if (!list)
		return NULL;
	for (int i = 0; i < n; i++) {
		const struct stlm_de *de = stlm_de_at(so->s, (size_t)i);
		PyObject *t;

		if (!de) {
			Py_DECREF(list);
			return raise_err(-errno, "cannot list the DEs", so->s);
		}
		t = de_tuple(de);
		if (!t) {
			Py_DECREF(list);
			return NULL;
		}
		PyList_SET_ITEM(list, i, t);
	}
	return list;
}

static PyObject *Session_de_find(SessionObject *so, PyObject *arg)
{
	const struct stlm_de *de;

	SESSION_OK(so);
	if (PyLong_Check(arg)) {
		unsigned long id = PyLong_AsUnsignedLong(arg);

		if (PyErr_Occurred())
			return NULL;
		if (id > UINT32_MAX)
			return raise_err(-ENOENT, "no such DE (ids are 32-bit)", NULL);
		de = stlm_de_get(so->s, (uint32_t)id);
		if (!de) {
			char m[64];

			snprintf(m, sizeof(m), "no DE 0x%08lx", id);
			return raise_err(-errno, m, so->s);
		}
	} else {
		const char *name = PyUnicode_AsUTF8(arg);

		if (!name)
			return NULL;
		de = stlm_de_find(so->s, name);
		if (!de) {
			PyObject *m = PyUnicode_FromFormat("no DE named '%s'", name);

			if (m) {
				raise_err(-ENOENT, PyUnicode_AsUTF8(m), so->s);
				Py_DECREF(m);
			}
			return NULL;
		}
	}
	return de_tuple(de);
}

static PyObject *Session_de_set(SessionObject *so, PyObject *args)
{
	unsigned int id;
	int enable, ts, r;
	char m[80];

	SESSION_OK(so);
	if (!PyArg_ParseTuple(args, "Ipp", &id, &enable, &ts))
		return NULL;
	NOGIL(so, r = stlm_de_set(so->s, id, enable, ts));
	if (r < 0) {
		snprintf(m, sizeof(m), "cannot %s DE 0x%08x",
			 enable ? "enable" : "disable", id);
		return raise_err(r, m, so->s);
	}
	Py_RETURN_NONE;
}

static PyObject *Session_group_set(SessionObject *so, PyObject *args)
{
	unsigned int g;
	int enable, ts, r;
	char m[80];

	SESSION_OK(so);
	if (!PyArg_ParseTuple(args, "Ipp", &g, &enable, &ts))
		return NULL;
	NOGIL(so, r = stlm_group_set(so->s, g, enable, ts));
	if (r < 0) {
		snprintf(m, sizeof(m), "cannot %s group %u",
			 enable ? "enable" : "disable", g);
		return raise_err(r, m, so->s);
	}
	Py_RETURN_NONE;
}

static PyObject *Session_all_set(SessionObject *so, PyObject *args)
{
	int enable, ts, r;

	SESSION_OK(so);
	if (!PyArg_ParseTuple(args, "pp", &enable, &ts))
		return NULL;
	NOGIL(so, r = stlm_all_set(so->s, enable, ts));
	if (r < 0)
		return raise_err(r, enable ? "cannot enable every DE" :
					     "cannot disable every DE",
				 so->s);
	Py_RETURN_NONE;
}

static PyObject *Session_collection_set(SessionObject *so, PyObject *args)
{
	unsigned int g;
	int enable, mode, r;
	unsigned long long ns;

	SESSION_OK(so);
	if (!PyArg_ParseTuple(args, "IpiK", &g, &enable, &mode, &ns))
		return NULL;
	NOGIL(so, r = stlm_collection_set(so->s, g, enable, mode, ns));
	if (r < 0)
		return raise_err(r, r == -ERANGE ?
					    "cannot set the collection: interval not supported (see intervals())" :
					    "cannot set the collection",
				 so->s);
	Py_RETURN_NONE;
}

static PyObject *Session_collection_get(SessionObject *so, PyObject *args)
{
	unsigned int g;
	struct stlm_collection c;
	int r;

	SESSION_OK(so);
	if (!PyArg_ParseTuple(args, "I", &g))
		return NULL;
	NOGIL(so, r = stlm_collection_get(so->s, g, &c));
	if (r < 0)
		return raise_err(r, "cannot read the collection state", so->s);
	return Py_BuildValue("(OiK)", c.enabled ? Py_True : Py_False, c.mode,
			     (unsigned long long)c.interval.ns);
}

static PyObject *Session_intervals(SessionObject *so, PyObject *args)
{
	unsigned int g;
	struct stlm_intervals iv;
	PyObject *l;
	int r;

	SESSION_OK(so);
	if (!PyArg_ParseTuple(args, "I", &g))
		return NULL;
	NOGIL(so, r = stlm_intervals_get(so->s, g, &iv));
	if (r < 0)
		return raise_err(r, "cannot read the supported intervals", so->s);
	l = PyList_New((Py_ssize_t)iv.n);
	for (size_t i = 0; l && i < iv.n; i++)
		PyList_SET_ITEM(l, (Py_ssize_t)i,
				PyLong_FromUnsignedLongLong(iv.v[i].ns));
	return l ? Py_BuildValue("(ON)", iv.range ? Py_True : Py_False, l) : NULL;
}

static PyObject *Session_reset(SessionObject *so, PyObject *unused)
{
	int r;

	SESSION_OK(so);
	NOGIL(so, r = stlm_reset(so->s));
	if (r < 0)
		return raise_err(r, "cannot reset the platform", so->s);
	Py_RETURN_NONE;
}

static PyObject *Session_groups(SessionObject *so, PyObject *unused)
{
	PyObject *out;
	int n;

	SESSION_OK(so);
	NOGIL(so, n = stlm_group_count(so->s));
	if (n < 0)
		return raise_err(n, "cannot list the groups", so->s);
	out = PyList_New(n);
	for (int g = 0; out && g < n; g++) {
		const uint32_t *ids;
		size_t k;
		PyObject *l;
		int r = stlm_group_members(so->s, (uint32_t)g, &ids, &k);

		if (r < 0) {
			Py_DECREF(out);
			return raise_err(r, "cannot list a group", so->s);
		}
		l = PyList_New((Py_ssize_t)k);
		if (!l) {
			Py_DECREF(out);
			return NULL;
		}
		for (size_t i = 0; i < k; i++)
			PyList_SET_ITEM(l, (Py_ssize_t)i,
					PyLong_FromUnsignedLong(ids[i]));
		PyList_SET_ITEM(out, g, l);
	}
	return out;
}

static PyObject *Session_catalog_load(SessionObject *so, PyObject *args)
{
	const char *path;
	char err[512] = "", m[700];
	int r;

	SESSION_OK(so);
	if (!PyArg_ParseTuple(args, "s", &path))
		return NULL;
	NOGIL(so, r = stlm_catalog_load(so->s, path, err, sizeof(err)));
	if (r < 0) {
		if (err[0])
			snprintf(m, sizeof(m), "catalog %s: %s", path, err);
		else if (r == -ENOMSG)
			snprintf(m, sizeof(m),
				 "catalog %s: does not match this platform", path);
		else
			snprintf(m, sizeof(m), "catalog %s: %s", path,
				 strerror(-r));
		return raise_err(r, m, so->s);
	}
	return PyLong_FromLong(r);
}

static PyObject *Session_get_catalog_name(SessionObject *so, void *c)
{
	SESSION_OK(so);
	return opt_str(stlm_catalog_name(so->s));
}

static PyObject *Session_event_fd(SessionObject *so, PyObject *unused)
{
	int fd;

	SESSION_OK(so);
	fd = stlm_event_fd(so->s);
	if (fd < 0)
		return raise_err(fd, "no event fd", so->s);
	return PyLong_FromLong(fd);
}

/* One event: (type, generation, samples as bytes (a copy), lost), or None. */
static PyObject *Session_event_read(SessionObject *so, PyObject *unused)
{
	struct stlm_event ev;
	int r;

	SESSION_OK(so);
	NOGIL(so, r = stlm_event_read(so->s, &ev));
	if (r < 0)
		return raise_err(r, "cannot read an event", so->s);
	if (r == 0)
		Py_RETURN_NONE;
	return Py_BuildValue("(iKy#K)", ev.type, (unsigned long long)ev.generation,
			     (const char *)ev.samples,
			     (Py_ssize_t)(ev.samples ? ev.n_samples * sizeof(*ev.samples) : 0),
			     (unsigned long long)ev.lost);
}

static PyObject *Session_deviations(SessionObject *so, PyObject *unused)
{
	uint64_t c[STLM_DEV_KINDS] = { 0 };
	PyObject *d;
	int r;

	SESSION_OK(so);
	r = stlm_session_deviations(so->s, c, STLM_DEV_KINDS);
	if (r < 0)
		return raise_err(r, "cannot read the deviation counts", so->s);
	d = PyDict_New();
	for (int k = 0; d && k < STLM_DEV_KINDS; k++) {
		PyObject *v = PyLong_FromUnsignedLongLong(c[k]);

		if (!v || PyDict_SetItemString(d, stlm_deviation_name(k), v) < 0) {
			Py_XDECREF(v);
			Py_DECREF(d);
			return NULL;
		}
		Py_DECREF(v);
	}
	return d;
}

static PyObject *Session_derived(SessionObject *so, PyObject *args);
static PyObject *Session_snapshot(SessionObject *so, PyObject *args,
				  PyObject *kw);

static PyMethodDef Session_methods[] = {
	{ "close", (PyCFunction)Session_close, METH_NOARGS,
	  "Close the session (deferred while snapshots of it live)." },
	{ "state", (PyCFunction)Session_state, METH_NOARGS,
	  "(state, errno): 0 READY or 1 LOST, and the error that lost it." },
	{ "info", (PyCFunction)Session_info, METH_NOARGS,
	  "Platform information as a dict." },
	{ "des", (PyCFunction)Session_des, METH_NOARGS,
	  "Every DE as a tuple (stlm._DE_FIELDS order)." },
	{ "de_find", (PyCFunction)Session_de_find, METH_O,
	  "One DE tuple by id (int) or name (str)." },
	{ "de_set", (PyCFunction)Session_de_set, METH_VARARGS,
	  "de_set(id, enable, timestamps)" },
	{ "group_set", (PyCFunction)Session_group_set, METH_VARARGS,
	  "group_set(group, enable, timestamps)" },
	{ "all_set", (PyCFunction)Session_all_set, METH_VARARGS,
	  "all_set(enable, timestamps)" },
	{ "collection_set", (PyCFunction)Session_collection_set, METH_VARARGS,
	  "collection_set(group, enable, mode, interval_ns)" },
	{ "collection_get", (PyCFunction)Session_collection_get, METH_VARARGS,
	  "collection_get(group) -> (enabled, mode, interval_ns)" },
	{ "intervals", (PyCFunction)Session_intervals, METH_VARARGS,
	  "intervals(group) -> (is_range, [ns...])" },
	{ "reset", (PyCFunction)Session_reset, METH_NOARGS, "TELEMETRY_RESET" },
	{ "groups", (PyCFunction)Session_groups, METH_NOARGS,
	  "Member DE ids of every group." },
	{ "catalog_load", (PyCFunction)Session_catalog_load, METH_VARARGS,
	  "catalog_load(path) -> number of DEs named" },
	{ "event_fd", (PyCFunction)Session_event_fd, METH_NOARGS,
	  "The pollable event fd (owned by the session)." },
	{ "event_read", (PyCFunction)Session_event_read, METH_NOARGS,
	  "The next event tuple, or None." },
	{ "deviations", (PyCFunction)Session_deviations, METH_NOARGS,
	  "Deviation counts by kind name." },
	{ "derived", (PyCFunction)Session_derived, METH_VARARGS,
	  "derived(cur, prev) -> [(name, unit, value or None)]" },
	{ "snapshot", (PyCFunction)(void (*)(void))Session_snapshot,
	  METH_VARARGS | METH_KEYWORDS,
	  "snapshot(ids=None, single=False) -> _stlm.Snapshot" },
	{ NULL },
};

static PyGetSetDef Session_getset[] = {
	{ "closed", (getter)Session_get_closed, NULL, "closed or closing", NULL },
	{ "handle", (getter)Session_get_handle, NULL,
	  "the struct stlm_session pointer as an int (ctypes interop)", NULL },
	{ "uri", (getter)Session_get_uri, NULL, "the URI opened", NULL },
	{ "generation", (getter)Session_get_generation, NULL,
	  "configuration generation", NULL },
	{ "catalog_name", (getter)Session_get_catalog_name, NULL,
	  "name of the catalog applied, or None", NULL },
	{ NULL },
};

static PyTypeObject Session_Type = {
	PyVarObject_HEAD_INIT(NULL, 0).tp_name = "stlm._stlm.Session",
	.tp_basicsize = sizeof(SessionObject),
	.tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_BASETYPE,
	.tp_doc = "Session(uri, timeout_ms=0, retries=0, lazy=False, no_catalog=False)",
	.tp_new = PyType_GenericNew,
	.tp_init = (initproc)Session_init,
	.tp_dealloc = (destructor)Session_dealloc,
	.tp_methods = Session_methods,
	.tp_getset = Session_getset,
};

/* ------------------------------------------------------------------ */
/* Snapshot                                                            */

static int parse_ids(PyObject *obj, uint32_t **ret, size_t *ret_n)
{
	PyObject *seq;
	Py_ssize_t n;
	uint32_t *ids;

	*ret = NULL;
	*ret_n = 0;
	if (obj == Py_None)
		return 0;
	seq = PySequence_Fast(obj, "ids must be a sequence of DE ids");
	if (!seq)
		return -1;
	n = PySequence_Fast_GET_SIZE(seq);
	ids = PyMem_Malloc((size_t)(n ? n : 1) * sizeof(*ids));
	if (!ids) {
		Py_DECREF(seq);
		PyErr_NoMemory();
		return -1;
	}
	for (Py_ssize_t i = 0; i < n; i++) {
		unsigned long v = PyLong_AsUnsignedLong(
			PySequence_Fast_GET_ITEM(seq, i));

		if ((v == (unsigned long)-1 && PyErr_Occurred()) || v > UINT32_MAX) {
			if (!PyErr_Occurred())
				PyErr_SetString(PyExc_ValueError,
						"a DE id is a 32-bit unsigned integer");
			PyMem_Free(ids);
			Py_DECREF(seq);
			return -1;
		}
		ids[i] = (uint32_t)v;
	}
	Py_DECREF(seq);
	*ret = ids;
	*ret_n = (size_t)n;
	return 0;
}

static PyObject *Session_snapshot(SessionObject *so, PyObject *args,
				  PyObject *kw)
{
	static char *kwlist[] = { "ids", "single", NULL };
	PyObject *idobj = Py_None;
	int single = 0, r;
	uint32_t *ids = NULL;
	size_t n_ids = 0;
	struct stlm_snapshot *snap = NULL;
	bool had_sel = false;
	SnapshotObject *out;

	SESSION_OK(so);
	if (!PyArg_ParseTupleAndKeywords(args, kw, "|Op", kwlist, &idobj, &single))
		return NULL;
	if (parse_ids(idobj, &ids, &n_ids) < 0)
		return NULL;
	if (so->n_pool) {
		so->n_pool--;
		snap = so->pool[so->n_pool];
		had_sel = so->pool_sel[so->n_pool];
	} else {
		r = stlm_snapshot_new(so->s, &snap);
		if (r < 0) {
			PyMem_Free(ids);
			return raise_err(r, "cannot make a snapshot", so->s);
		}
	}
	r = 0;
	if (n_ids || had_sel)
		r = stlm_snapshot_select(snap, n_ids ? ids : NULL, n_ids);
	PyMem_Free(ids);
	if (r < 0) {
		stlm_snapshot_free(snap);
		return raise_err(r, "cannot select the DEs of the snapshot", so->s);
	}
	NOGIL(so, r = stlm_snapshot_take(snap, single ? STLM_TAKE_SINGLE_SAMPLE : 0));
	if (r < 0) {
		stlm_snapshot_free(snap);
		return raise_err(r, "cannot take a snapshot", so->s);
	}
	out = PyObject_New(SnapshotObject, &Snapshot_Type);
	if (!out) {
		stlm_snapshot_free(snap);
		return NULL;
	}
	out->owner = (SessionObject *)Py_NewRef(so);
	out->snap = snap;
	out->selected = n_ids != 0;
	out->exports = 0;
	so->n_snaps++;
	return (PyObject *)out;
}

static void Snapshot_dealloc(SnapshotObject *o)
{
	SessionObject *so = o->owner;

	if (so) {
		so->n_snaps--;
		if (so->s && !so->closing && so->n_pool < POOL_MAX) {
			so->pool[so->n_pool] = o->snap;
			so->pool_sel[so->n_pool] = o->selected;
			so->n_pool++;
			o->snap = NULL;
		}
		stlm_snapshot_free(o->snap);
		if (so->closing && !so->n_snaps)
			session_free_now(so);
		Py_DECREF(so);
	}
	PyObject_Free(o);
}

static int Snapshot_getbuffer(SnapshotObject *o, Py_buffer *view, int flags)
{
	size_t n = 0;
	const struct stlm_sample *v = stlm_snapshot_samples(o->snap, &n);
	static struct stlm_sample empty;

	if (!v)
		v = &empty;
	if (PyBuffer_FillInfo(view, (PyObject *)o, (void *)v,
			      (Py_ssize_t)(n * sizeof(*v)), 1, flags) < 0)
		return -1;
	o->exports++;
	return 0;
}

static void Snapshot_releasebuffer(SnapshotObject *o, Py_buffer *view)
{
	o->exports--;
}

static PyBufferProcs Snapshot_as_buffer = {
	.bf_getbuffer = (getbufferproc)Snapshot_getbuffer,
	.bf_releasebuffer = (releasebufferproc)Snapshot_releasebuffer,
};

static Py_ssize_t Snapshot_len(SnapshotObject *o)
{
	size_t n = 0;

	stlm_snapshot_samples(o->snap, &n);
	return (Py_ssize_t)n;
}

static PySequenceMethods Snapshot_as_sequence = {
	.sq_length = (lenfunc)Snapshot_len,
};

static PyObject *Snapshot_get_generation(SnapshotObject *o, void *c)
{
	return PyLong_FromUnsignedLongLong(stlm_snapshot_generation(o->snap));
}

static PyObject *Snapshot_get_time_ns(SnapshotObject *o, void *c)
{
	return PyLong_FromUnsignedLongLong(stlm_snapshot_time_ns(o->snap));
}

static PyObject *Snapshot_get_mono_ns(SnapshotObject *o, void *c)
{
	return PyLong_FromUnsignedLongLong(stlm_snapshot_mono_ns(o->snap));
}

/* Position of DE @id in the samples (O(1)), or -1. */
static PyObject *Snapshot_index(SnapshotObject *o, PyObject *arg)
{
	unsigned long id = PyLong_AsUnsignedLong(arg);
	const struct stlm_sample *base, *p;
	size_t n;

	if (PyErr_Occurred())
		return NULL;
	if (id > UINT32_MAX)
		return PyLong_FromLong(-1);
	base = stlm_snapshot_samples(o->snap, &n);
	p = stlm_snapshot_find(o->snap, (uint32_t)id);
	return PyLong_FromSsize_t(p && base ? (Py_ssize_t)(p - base) : -1);
}

static PyMethodDef Snapshot_methods[] = {
	{ "index", (PyCFunction)Snapshot_index, METH_O,
	  "Position of a DE id in the samples, or -1 (O(1))." },
	{ NULL },
};

static PyGetSetDef Snapshot_getset[] = {
	{ "generation", (getter)Snapshot_get_generation, NULL,
	  "generation the snapshot was taken at", NULL },
	{ "time_ns", (getter)Snapshot_get_time_ns, NULL,
	  "CLOCK_REALTIME ns at the take", NULL },
	{ "mono_ns", (getter)Snapshot_get_mono_ns, NULL,
	  "CLOCK_MONOTONIC ns at the take", NULL },
	{ NULL },
};

static PyTypeObject Snapshot_Type = {
	PyVarObject_HEAD_INIT(NULL, 0).tp_name = "stlm._stlm.Snapshot",
	.tp_basicsize = sizeof(SnapshotObject),
	.tp_flags = Py_TPFLAGS_DEFAULT,
	.tp_doc = "Samples of one take; a read-only buffer of struct stlm_sample.",
	.tp_dealloc = (destructor)Snapshot_dealloc,
	.tp_as_buffer = &Snapshot_as_buffer,
	.tp_as_sequence = &Snapshot_as_sequence,
	.tp_methods = Snapshot_methods,
	.tp_getset = Snapshot_getset,
};

static PyObject *Session_derived(SessionObject *so, PyObject *args)
{
	PyObject *cur, *prev = Py_None, *out;
	int n;

	SESSION_OK(so);
	if (!PyArg_ParseTuple(args, "O!|O", &Snapshot_Type, &cur, &prev))
		return NULL;
	if (prev != Py_None && !PyObject_TypeCheck(prev, &Snapshot_Type))
		return PyErr_Format(PyExc_TypeError, "prev must be a snapshot");
	n = stlm_derived_count(so->s);
	if (n < 0)
		return raise_err(n, "cannot list the derived metrics", so->s);
	out = PyList_New(n);
	for (int i = 0; out && i < n; i++) {
		const char *name = NULL, *unit = NULL;
		double v = 0;
		int r = stlm_derived_info(so->s, (size_t)i, &name, &unit);

		if (r >= 0)
			r = stlm_derived_eval(so->s, (size_t)i,
					      ((SnapshotObject *)cur)->snap,
					      prev == Py_None ? NULL :
								((SnapshotObject *)prev)->snap,
					      &v);
		PyList_SET_ITEM(out, i,
				r >= 0 ? Py_BuildValue("(NNd)", opt_str(name),
						       opt_str(unit), v) :
					 Py_BuildValue("(NNO)", opt_str(name),
						       opt_str(unit), Py_None));
	}
	return out;
}

/* ------------------------------------------------------------------ */
/* Catalog (without a session)                                         */

static int Catalog_init(CatalogObject *co, PyObject *args, PyObject *kw)
{
	static char *kwlist[] = { "path", "vendor", "sub_vendor",
				  "impl_version", "uuid", NULL };
	const char *path, *vendor = NULL, *sub = NULL, *uuid = NULL;
	unsigned int impl = 0;
	char err[512] = "", m[800];
	struct stlm_catalog *c = NULL;
	int r;

	if (!PyArg_ParseTupleAndKeywords(args, kw, "s|zzIz", kwlist, &path,
					 &vendor, &sub, &impl, &uuid))
		return -1;
	if (vendor || uuid) {
		struct stlm_platform_info pi = { 0 };

		snprintf(pi.vendor, sizeof(pi.vendor), "%s", vendor ? vendor : "");
		snprintf(pi.sub_vendor, sizeof(pi.sub_vendor), "%s", sub ? sub : "");
		snprintf(pi.uuid_str, sizeof(pi.uuid_str), "%s", uuid ? uuid : "");
		pi.impl_version = impl;
		NOGIL0(r = stlm_catalog_find(path, &pi, &c, err, sizeof(err)));
	} else {
		NOGIL0(r = stlm_catalog_open(path, &c, err, sizeof(err)));
	}
	if (r < 0) {
		if (err[0])
			snprintf(m, sizeof(m), "catalog %s: %s", path, err);
		else if (r == -ENOMSG)
			snprintf(m, sizeof(m), "catalog %s: nothing there matches the platform", path);
		else
			snprintf(m, sizeof(m), "catalog %s: %s", path, strerror(-r));
		raise_err(r, m, NULL);
		return -1;
	}
	stlm_catalog_close(co->c);
	co->c = c;
	return 0;
}

static void Catalog_dealloc(CatalogObject *co)
{
	stlm_catalog_close(co->c);
	Py_TYPE(co)->tp_free((PyObject *)co);
}

#define CATALOG_OK(co)                                                         \
	do {                                                                   \
		if (!(co)->c) {                                                \
			PyErr_SetString(PyExc_ValueError, "catalog not open"); \
			return NULL;                                           \
		}                                                              \
	} while (0)

static PyObject *cat_entry(const struct stlm_catalog_de *e)
{
	return Py_BuildValue("(INNidOi)", e->id, opt_str(e->name),
			     opt_str(e->description), e->unit, e->scale,
			     e->is_signed ? Py_True : Py_False, e->kind);
}

static PyObject *Catalog_entries(CatalogObject *co, PyObject *unused)
{
	size_t n;
	PyObject *l;

	CATALOG_OK(co);
	n = stlm_catalog_entry_count(co->c);
	l = PyList_New((Py_ssize_t)n);
	for (size_t i = 0; l && i < n; i++) {
		struct stlm_catalog_de e;
		int r = stlm_catalog_entry_at(co->c, i, &e);

		if (r < 0) {
			Py_DECREF(l);
			return raise_err(r, "cannot read a catalog entry", NULL);
		}
		PyList_SET_ITEM(l, (Py_ssize_t)i, cat_entry(&e));
	}
	return l;
}

static PyObject *Catalog_describe(CatalogObject *co, PyObject *args)
{
	unsigned int id;
	struct stlm_catalog_de e;
	char m[64];
	int r;

	CATALOG_OK(co);
	if (!PyArg_ParseTuple(args, "I", &id))
		return NULL;
	r = stlm_catalog_describe(co->c, id, &e);
	if (r < 0) {
		snprintf(m, sizeof(m), "the catalog does not describe DE 0x%08x", id);
		return raise_err(r, m, NULL);
	}
	return cat_entry(&e);
}

static PyObject *Catalog_state_name(CatalogObject *co, PyObject *args)
{
	unsigned int id;
	long long v;

	CATALOG_OK(co);
	if (!PyArg_ParseTuple(args, "IL", &id, &v))
		return NULL;
	return opt_str(stlm_catalog_state_name(co->c, id, v));
}

static PyObject *Catalog_get_title(CatalogObject *co, void *c)
{
	CATALOG_OK(co);
	return opt_str(stlm_catalog_title(co->c));
}

static PyObject *Catalog_get_path(CatalogObject *co, void *c)
{
	CATALOG_OK(co);
	return opt_str(stlm_catalog_path(co->c));
}

static PyObject *Catalog_close(CatalogObject *co, PyObject *unused)
{
	stlm_catalog_close(co->c);
	co->c = NULL;
	Py_RETURN_NONE;
}

static PyMethodDef Catalog_methods[] = {
	{ "entries", (PyCFunction)Catalog_entries, METH_NOARGS,
	  "Every entry (repeat blocks expanded) as a tuple." },
	{ "describe", (PyCFunction)Catalog_describe, METH_VARARGS,
	  "describe(id) -> entry tuple" },
	{ "state_name", (PyCFunction)Catalog_state_name, METH_VARARGS,
	  "state_name(id, value) -> str or None" },
	{ "close", (PyCFunction)Catalog_close, METH_NOARGS, "Free the catalog." },
	{ NULL },
};

static PyGetSetDef Catalog_getset[] = {
	{ "title", (getter)Catalog_get_title, NULL, "the catalog's name", NULL },
	{ "path", (getter)Catalog_get_path, NULL, "the file read", NULL },
	{ NULL },
};

static PyTypeObject Catalog_Type = {
	PyVarObject_HEAD_INIT(NULL, 0).tp_name = "stlm._stlm.Catalog",
	.tp_basicsize = sizeof(CatalogObject),
	.tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_BASETYPE,
	.tp_doc = "Catalog(path, vendor=None, sub_vendor=None, impl_version=0, uuid=None)",
	.tp_new = PyType_GenericNew,
	.tp_init = (initproc)Catalog_init,
	.tp_dealloc = (destructor)Catalog_dealloc,
	.tp_methods = Catalog_methods,
	.tp_getset = Catalog_getset,
};

/* ------------------------------------------------------------------ */
/* Module                                                              */

static PyObject *mod_version(PyObject *self, PyObject *unused)
{
	return PyUnicode_FromString(stlm_version());
}

static PyObject *mod_uri_check(PyObject *self, PyObject *args)
{
	const char *uri;
	char why[256] = "";

	if (!PyArg_ParseTuple(args, "s", &uri))
		return NULL;
	if (stlm_uri_check(uri, why, sizeof(why)) < 0)
		return PyUnicode_FromString(why[0] ? why : "malformed URI");
	Py_RETURN_NONE;
}

static PyObject *mod_catalog_search_path(PyObject *self, PyObject *unused)
{
	char buf[4096];
	int n = stlm_catalog_search_path(buf, sizeof(buf));

	if (n < 0)
		return raise_err(n, "cannot compute the catalog search path", NULL);
	return PyUnicode_FromString(buf);
}

static PyObject *mod_unit_name(PyObject *self, PyObject *args)
{
	int unit, form = STLM_UNIT_SYMBOL;

	if (!PyArg_ParseTuple(args, "i|i", &unit, &form))
		return NULL;
	if (unit < 0 || unit > 255)
		return PyErr_Format(PyExc_ValueError, "unit code 0..255");
	return opt_str(stlm_unit_name((uint8_t)unit, form));
}

static PyMethodDef module_methods[] = {
	{ "version", mod_version, METH_NOARGS, "libstlm's version string" },
	{ "uri_check", mod_uri_check, METH_VARARGS,
	  "uri_check(uri) -> None, or why the URI is malformed" },
	{ "catalog_search_path", mod_catalog_search_path, METH_NOARGS,
	  "where catalogs are looked for at open, colon-separated" },
	{ "unit_name", mod_unit_name, METH_VARARGS,
	  "unit_name(code, form=0) -> symbol (0), word (1), stlmfs name (2)" },
	{ "_set_error_factory", set_error_factory, METH_O, NULL },
	{ NULL },
};

static struct PyModuleDef module_def = {
	PyModuleDef_HEAD_INIT,
	.m_name = "stlm._stlm",
	.m_doc = "libstlm's public API for the stlm package (docs/python.md)",
	.m_size = -1,
	.m_methods = module_methods,
};

PyMODINIT_FUNC PyInit__stlm(void);

PyMODINIT_FUNC PyInit__stlm(void)
{
	PyObject *m;

	if (PyType_Ready(&Session_Type) < 0 || PyType_Ready(&Snapshot_Type) < 0 ||
	    PyType_Ready(&Catalog_Type) < 0)
		return NULL;
	m = PyModule_Create(&module_def);
	if (!m)
		return NULL;
	if (PyModule_AddObjectRef(m, "Session", (PyObject *)&Session_Type) < 0 ||
	    PyModule_AddObjectRef(m, "Snapshot", (PyObject *)&Snapshot_Type) < 0 ||
	    PyModule_AddObjectRef(m, "Catalog", (PyObject *)&Catalog_Type) < 0)
		goto fail;
	/* struct stlm_sample as NumPy must see it: size and field offsets */
	if (PyModule_AddObject(
		    m, "SAMPLE_LAYOUT",
		    Py_BuildValue("(nnnnnnn)", (Py_ssize_t)sizeof(struct stlm_sample),
				  (Py_ssize_t)offsetof(struct stlm_sample, id),
				  (Py_ssize_t)offsetof(struct stlm_sample, flags),
				  (Py_ssize_t)offsetof(struct stlm_sample, raw),
				  (Py_ssize_t)offsetof(struct stlm_sample, value),
				  (Py_ssize_t)offsetof(struct stlm_sample, ts),
				  (Py_ssize_t)offsetof(struct stlm_sample,
						       ts_rate_khz))) < 0)
		goto fail;
	if (PyModule_AddIntConstant(m, "GROUP_ALL", STLM_GROUP_ALL) < 0 ||
	    PyModule_AddIntConstant(m, "GROUP_NONE", STLM_GROUP_NONE) < 0)
		goto fail;
	return m;
fail:
	Py_DECREF(m);
	return NULL;
}
