#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# Copyright (c) 2026 The stlm authors
"""Telemetry in a notebook: the stlm Python bindings, cell by cell.

Each "# %%" starts a cell (Jupyter, VS Code and Spyder run them one by
one); as a script it runs top to bottom:

    PYTHONPATH=build/python /usr/bin/python3 examples/notebook.py [URI]

Without a URI the platform is found as the stlm command finds it (the
built-in emulated platform when there is none). Needs NumPy and pandas
(Debian: python3-numpy python3-pandas). See docs/python.md.
"""
# %% Open the platform
import sys
import warnings

import numpy as np

import stlm

warnings.simplefilter("ignore", stlm.BuiltinPlatformWarning)
s = stlm.open(sys.argv[1] if len(sys.argv) > 1 else None)
info = s.info
print("platform %s/%s, %d DEs, catalog %s" % (
    info["vendor"], info["sub_vendor"], info["n_des"], s.catalog_name))

# %% What can be measured: the DEs as a table
import pandas as pd  # noqa: E402

des = pd.DataFrame([{"id": d.id, "name": d.name, "unit": d.unit,
                     "kind": d.kind, "component": d.component,
                     "instance": d.component_instance} for d in s.des])
print(des.groupby(["component", "kind"]).size().head(10))

# %% Enable the temperatures, power and frequencies; collect every 10 ms
wanted = [d for d in s.des if d.unit in ("°C", "W", "Hz")]
s.disable()  # only these: the built-in platform starts with every DE on
s.enable(*wanted)
s.config(interval="10ms")
print("enabled %d DEs, collection %s" % (len(wanted), s.collection()))

# %% One snapshot: the values are a NumPy array, no copy
snap = s.snapshot()
print("%d samples, %d valid, generation %d" % (
    len(snap), snap.valid.sum(), snap.generation))
temps = np.array([d.id for d in wanted if d.unit == "°C"])
hot = snap.values[np.isin(snap.ids, temps)].max()
print("hottest sensor: %.1f °C" % hot)

# %% A short time series: watch() yields snapshots at an interval
frames = []
t0 = None
for snap in s.watch("50ms", count=10):
    t0 = snap.mono_ns if t0 is None else t0
    df = snap.to_dataframe()
    df["t"] = (snap.mono_ns - t0) / 1e9
    frames.append(df)
series = pd.concat(frames, ignore_index=True)

# %% Analyse: mean, min and max per component and unit
summary = (series[series["valid"]]
           .groupby(["component", "unit"], observed=True)["value"]
           .agg(["mean", "min", "max"]))
print(summary)

# %% Power per CPU over time, one column per DE (ready to plot)
power = series[(series["unit"] == "W") & (series["component"] == "cpu")]
wide = power.pivot_table(index="t", columns="name", values="value",
                         observed=True)
print(wide.round(3).head())

# %% Done: the session (and a built-in platform) ends here
s.close()
