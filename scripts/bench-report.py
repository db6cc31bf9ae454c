#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# Copyright (c) 2026 The stlm authors
"""Turn the output of the benchmarks (scripts/run-bench.sh) into tables
and a plot, with the Python standard library only.

Input, in DIR: raw.txt (the benchmarks' output: one line per figure,
"BENCH <name> <des> <value> <unit> [vs <base> <value> <unit> ratio <r>]",
see bench/bench-util.h) and machine.txt ("key: value" lines).

Output, in DIR:
  results.md     every figure at every size, with its baseline and ratio
  scaling.md     the machine, one row per benchmark across the sizes, the
                 fitted exponent (cost ~ DEs^k) and the range of the ratio
  scaling.svg    log-log plot of every time figure against the DEs
  ratios.svg     the ratio to the same-run baseline against the DEs
  scaling.png    the same as scaling.svg, only when gnuplot is installed

With --update-doc FILE, the blocks of FILE between
"<!-- bench:NAME -->" and "<!-- /bench:NAME -->" are replaced by the
generated text NAME (machine, scaling, results).
"""
import argparse
import math
import os
import re
import shutil
import subprocess
import sys

TIME_UNITS = {"ns": 1e-3, "us": 1.0, "ms": 1e3, "s": 1e6}

# What each figure measures, for the tables (name -> description).
DESCRIPTIONS = {
    "platform_discovery_unix": "emulator: every DE_DESCRIPTION page, unix:",
    "platform_discovery_shm": "emulator: every DE_DESCRIPTION page, shm:",
    "platform_update_10ms_cpu": "emulator: refresh every DE each 10 ms (CPU)",
    "platform_update_10ms_passes": "emulator: refresh passes per second",
    "lib_discovery_shm": "libstlm: full discovery, shm:",
    "lib_discovery_unix": "libstlm: full discovery, unix:",
    "lib_lazy_open_shm": "libstlm: lazy open, shm:",
    "lib_snapshot": "libstlm: snapshot of every DE",
    "lib_snapshot_vs_layout_floor": "... the same against decoding every line with no check",
    "layout_floor_vs_memcpy": "that decode floor against a memcpy",
    "lib_snapshot_allocs": "libstlm: allocations per snapshot",
    "stlmd_open": "libstlm: open through stlmd's socket",
    "stlmd_snapshot": "libstlm: snapshot through stlmd's socket",
    "stlmd_snapshot_vs_direct": "... the same against a direct session",
    "lib_stlmfs_open": "libstlm: open on stlmfs: (stlmd's tree)",
    "lib_stlmfs_snapshot": "libstlm: snapshot on stlmfs: (stlmd's tree)",
    "daemon_mount_ready_lazy": "stlmd: exec to mount ready, -o lazy",
    "daemon_read_snapshot_bin": "stlmd: read snapshot.bin",
    "daemon_read_snapshot_txt": "stlmd: read snapshot",
    "daemon_read_des_bulk_read": "stlmd: read des_bulk_read",
    "daemon_read_value": "stlmd: read one des/<id>/value",
    "daemon_read_value_vs_sysfs": "... the same against a sysfs attribute",
    "daemon_reread_value_vs_sysfs": "stlmd: pread at 0 of a kept-open value file",
    "daemon_read_snapshot_bin_vs_sysfs": "stlmd: snapshot.bin against a sysfs file per DE",
    "cli_read_stlmd": "stlm read of every DE via stlmd",
    "export_scrape": "stlm export: one /metrics scrape",
    "export_scrape_vs_static": "... the same against the same body prepared in memory",
    "export_static_vs_snapshot": "the prepared body's GET against the snapshot",
    "daemon_rss": "stlmd: RSS after the whole workload",
    "daemon_rss_peak": "stlmd: peak RSS (VmHWM)",
    "python_snapshot_numpy": "Python: snapshot() to a NumPy array",
    "python_to_dataframe": "Python: snapshot to_dataframe()",
}


class Figure:
    def __init__(self, name, des, value, unit, base=None, base_value=None,
                 ratio=None):
        self.name, self.des, self.value, self.unit = name, des, value, unit
        self.base, self.base_value, self.ratio = base, base_value, ratio


def parse(path):
    figs = []
    with open(path, encoding="utf-8") as f:
        for lineno, line in enumerate(f, 1):
            t = line.split()
            if not t or t[0] != "BENCH":
                continue
            try:
                fig = Figure(t[1], int(t[2]), float(t[3]), t[4])
                if len(t) > 5:
                    if len(t) != 11 or t[5] != "vs" or t[9] != "ratio":
                        raise ValueError("bad baseline part")
                    fig.base, fig.base_value = t[6], float(t[7])
                    fig.ratio = float(t[10])
            except (IndexError, ValueError) as e:
                sys.exit("%s:%d: malformed line (%s): %s" %
                         (path, lineno, e, line.rstrip()))
            figs.append(fig)
    return figs


def read_machine(path):
    m = []
    if os.path.exists(path):
        with open(path, encoding="utf-8") as f:
            for line in f:
                if ":" in line:
                    k, v = line.split(":", 1)
                    m.append((k.strip(), v.strip()))
    return m


def fmt(v):
    if v == 0:
        return "0"
    a = abs(v)
    if a >= 100:
        return "%.0f" % v
    if a >= 10:
        return "%.1f" % v
    if a >= 1:
        return "%.2f" % v
    if a >= 0.01:
        return "%.3f" % v
    return "%.2g" % v


def size_label(n):
    if n % 1000 == 0:
        return "%dk" % (n // 1000)
    return str(n)


def ordered_names(figs):
    seen = []
    for f in figs:
        if f.name not in seen:
            seen.append(f.name)
    return seen


def fit_exponent(points):
    """Least-squares slope of log(value) against log(des)."""
    pts = [(math.log(d), math.log(v)) for d, v in points if d > 0 and v > 0]
    if len(pts) < 2:
        return None
    mx = sum(p[0] for p in pts) / len(pts)
    my = sum(p[1] for p in pts) / len(pts)
    sxx = sum((p[0] - mx) ** 2 for p in pts)
    if sxx == 0:
        return None
    return sum((p[0] - mx) * (p[1] - my) for p in pts) / sxx


def shape(k):
    if k is None:
        return ""
    if abs(k) < 0.15:
        return "flat"
    if 0.85 <= k <= 1.15:
        return "linear"
    if k < 0.85:
        return "sublinear"
    return "superlinear"


def by_name(figs):
    d = {}
    for f in figs:
        d.setdefault(f.name, {})[f.des] = f
    return d


def machine_md(machine):
    out = ["| | |", "|---|---|"]
    for k, v in machine:
        out.append("| %s | %s |" % (k, v.replace("|", "\\|")))
    return "\n".join(out) + "\n"


def scaling_md(figs, sizes):
    d = by_name(figs)
    head = ["Figure", "unit"] + [size_label(s) for s in sizes] + \
        ["cost ~ DEs^k", "ratio (min-max)", "baseline"]
    out = ["| " + " | ".join(head) + " |",
           "|" + "---|" * len(head)]
    for name in ordered_names(figs):
        row = d[name]
        unit = next(iter(row.values())).unit
        cells = []
        for s in sizes:
            f = row.get(s)
            if not f:
                cells.append("—")
            elif f.ratio is not None:
                cells.append("%s (%s×)" % (fmt(f.value), fmt(f.ratio)))
            else:
                cells.append(fmt(f.value))
        k = fit_exponent([(s, f.value) for s, f in row.items()])
        ratios = [f.ratio for f in row.values() if f.ratio is not None]
        base = next((f.base for f in row.values() if f.base), "")
        out.append("| `%s` | %s | %s | %s | %s | %s |" % (
            name, unit, " | ".join(cells),
            "%.2f %s" % (k, shape(k)) if k is not None else "",
            "%s-%s×" % (fmt(min(ratios)), fmt(max(ratios))) if ratios else "",
            "`%s`" % base if base else ""))
    return "\n".join(out) + "\n"


def results_md(figs):
    out = ["| Figure | what | DEs | value | baseline | baseline value | ratio |",
           "|---|---|---|---|---|---|---|"]
    d = by_name(figs)
    for name in ordered_names(figs):
        for s in sorted(d[name]):
            f = d[name][s]
            out.append("| `%s` | %s | %s | %s %s | %s | %s | %s |" % (
                name, DESCRIPTIONS.get(name, ""), size_label(s),
                fmt(f.value), f.unit,
                "`%s`" % f.base if f.base else "",
                "%s %s" % (fmt(f.base_value), f.unit) if f.base else "",
                "%s×" % fmt(f.ratio) if f.ratio is not None else ""))
    return "\n".join(out) + "\n"


# -------------------------------------------------------------------------
# SVG

PALETTE = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b",
           "#e377c2", "#7f7f7f", "#bcbd22", "#17becf", "#393b79", "#637939",
           "#8c6d31", "#843c39", "#7b4173", "#3182bd", "#e6550d", "#31a354",
           "#756bb1", "#636363"]
DASHES = ["", "6,3", "2,2", "8,3,2,3"]


def esc(s):
    return (s.replace("&", "&amp;").replace("<", "&lt;")
            .replace(">", "&gt;").replace('"', "&quot;"))


def decades(lo, hi):
    a, b = math.floor(math.log10(lo)), math.ceil(math.log10(hi))
    if a == b:
        b += 1
    return a, b


def count_label(v):
    for div, sfx in ((1e6, "M"), (1e3, "k")):
        if v >= div:
            return "%g%s" % (v / div, sfx)
    return "%g" % v


def time_label(us):
    for div, sfx in ((1e6, "s"), (1e3, "ms"), (1.0, "µs")):
        if us >= div:
            return "%g %s" % (us / div, sfx)
    return "%g ns" % (us * 1e3)


def svg_plot(series, title, ylabel, path, ylab=count_label):
    """series: list of (label, [(x, y), ...]); log-log axes."""
    series = [(l, [(x, y) for x, y in p if x > 0 and y > 0])
              for l, p in series]
    series = [(l, p) for l, p in series if p]
    # the legend, right of the plot, is as wide as the longest label
    longest = max([len(l) for l, _ in series] + [10])
    L, R, T, B = 80, 60 + 7 * longest, 40, 60
    pw, ph = 570, 500
    W, H = L + pw + R, T + ph + B
    out = ['<?xml version="1.0" encoding="UTF-8"?>',
           '<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" '
           'viewBox="0 0 %d %d" font-family="sans-serif" font-size="12">'
           % (W, H, W, H),
           '<rect width="100%" height="100%" fill="white"/>',
           '<text x="%d" y="22" font-size="15" font-weight="bold">%s</text>'
           % (L, esc(title))]
    if not series:
        out.append('<text x="%d" y="%d">no data</text>' % (L, T + 20))
        out.append("</svg>")
        with open(path, "w", encoding="utf-8") as f:
            f.write("\n".join(out) + "\n")
        return
    xs = [x for _, p in series for x, _ in p]
    ys = [y for _, p in series for _, y in p]
    x0, x1 = decades(min(xs), max(xs))
    y0, y1 = decades(min(ys), max(ys))

    def px(x):
        return L + (math.log10(x) - x0) / (x1 - x0) * pw

    def py(y):
        return T + ph - (math.log10(y) - y0) / (y1 - y0) * ph

    # grid and ticks
    for e in range(x0, x1 + 1):
        for m in range(1, 10):
            v = m * 10 ** e
            if v > 10 ** x1:
                break
            X = px(v)
            out.append('<line x1="%.1f" y1="%d" x2="%.1f" y2="%d" stroke="%s"/>'
                       % (X, T, X, T + ph, "#ccc" if m == 1 else "#eee"))
        out.append('<text x="%.1f" y="%d" text-anchor="middle">%s</text>'
                   % (px(10 ** e), T + ph + 18, count_label(10 ** e)))
    for e in range(y0, y1 + 1):
        for m in range(1, 10):
            v = m * 10 ** e
            if v > 10 ** y1:
                break
            Y = py(v)
            out.append('<line x1="%d" y1="%.1f" x2="%d" y2="%.1f" stroke="%s"/>'
                       % (L, Y, L + pw, Y, "#ccc" if m == 1 else "#eee"))
        out.append('<text x="%d" y="%.1f" text-anchor="end">%s</text>'
                   % (L - 6, py(10 ** e) + 4, esc(ylab(10 ** e))))
    out.append('<rect x="%d" y="%d" width="%d" height="%d" fill="none" '
               'stroke="black"/>' % (L, T, pw, ph))
    out.append('<text x="%d" y="%d" text-anchor="middle">DEs (log)</text>'
               % (L + pw // 2, H - 18))
    out.append('<text x="18" y="%d" text-anchor="middle" '
               'transform="rotate(-90 18 %d)">%s</text>'
               % (T + ph // 2, T + ph // 2, esc(ylabel)))
    # lines and legend
    for i, (label, pts) in enumerate(series):
        pts = sorted(pts)
        col = PALETTE[i % len(PALETTE)]
        dash = DASHES[(i // len(PALETTE)) % len(DASHES)]
        d = " ".join("%.1f,%.1f" % (px(x), py(y)) for x, y in pts)
        out.append('<polyline points="%s" fill="none" stroke="%s" '
                   'stroke-width="2"%s/>' %
                   (d, col, ' stroke-dasharray="%s"' % dash if dash else ""))
        for x, y in pts:
            out.append('<circle cx="%.1f" cy="%.1f" r="3" fill="%s"/>'
                       % (px(x), py(y), col))
        ly = T + 8 + i * 18
        out.append('<line x1="%d" y1="%d" x2="%d" y2="%d" stroke="%s" '
                   'stroke-width="2"%s/>' %
                   (L + pw + 12, ly, L + pw + 36, ly, col,
                    ' stroke-dasharray="%s"' % dash if dash else ""))
        out.append('<text x="%d" y="%d">%s</text>'
                   % (L + pw + 42, ly + 4, esc(label)))
    out.append("</svg>")
    with open(path, "w", encoding="utf-8") as f:
        f.write("\n".join(out) + "\n")


def gnuplot_png(series, title, ylabel, path, tmpdir):
    gp = shutil.which("gnuplot")
    if not gp:
        return False
    plots = []
    for i, (label, pts) in enumerate(series):
        dat = os.path.join(tmpdir, "series-%d.dat" % i)
        with open(dat, "w", encoding="utf-8") as f:
            for x, y in sorted(pts):
                if x > 0 and y > 0:
                    f.write("%d %g\n" % (x, y))
        plots.append("'%s' using 1:2 with linespoints title '%s'"
                     % (dat, label.replace("'", "")))
    script = "\n".join([
        "set terminal png size 1100,650 noenhanced",
        "set output '%s'" % path,
        "set title '%s'" % title,
        "set logscale xy", "set grid",
        "set xrange [%g:%g]" % (min(x for _, p in series for x, _ in p) / 1.2,
                                max(x for _, p in series for x, _ in p) * 1.2),
        "set xlabel 'DEs'", "set ylabel '%s'" % ylabel,
        "set key outside right",
        "plot " + ", ".join(plots), ""])
    r = subprocess.run([gp], input=script, text=True, capture_output=True,
                       check=False)
    for i in range(len(series)):
        os.unlink(os.path.join(tmpdir, "series-%d.dat" % i))
    return r.returncode == 0


def replace_blocks(doc, blocks):
    with open(doc, encoding="utf-8") as f:
        text = f.read()
    for name, body in blocks.items():
        pat = re.compile(r"(<!-- bench:%s -->\n)(.*?)(<!-- /bench:%s -->)"
                         % (name, name), re.S)
        if not pat.search(text):
            continue
        text = pat.sub(lambda m: m.group(1) + body + m.group(3), text)
    with open(doc, "w", encoding="utf-8") as f:
        f.write(text)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("dir", help="results directory (raw.txt, machine.txt)")
    ap.add_argument("--update-doc", metavar="FILE",
                    help="replace the generated blocks of FILE")
    a = ap.parse_args()

    figs = parse(os.path.join(a.dir, "raw.txt"))
    if not figs:
        sys.exit("bench-report: no BENCH line in %s/raw.txt" % a.dir)
    machine = read_machine(os.path.join(a.dir, "machine.txt"))
    sizes = sorted({f.des for f in figs})

    blocks = {
        "machine": machine_md(machine),
        "scaling": scaling_md(figs, sizes),
        "results": results_md(figs),
    }
    with open(os.path.join(a.dir, "scaling.md"), "w", encoding="utf-8") as f:
        f.write("# Benchmark scaling, %s to %s DEs\n\n"
                % (size_label(sizes[0]), size_label(sizes[-1])))
        f.write("Generated by `make bench` (scripts/bench-report.py).\n\n")
        f.write("## Machine\n\n" + blocks["machine"] + "\n")
        f.write("## Scaling\n\nEach cell: value (ratio to the same-run "
                "baseline). `k`: least-squares exponent of cost against "
                "DEs (1: linear, 0: flat).\n\n" + blocks["scaling"] + "\n")
        f.write("![scaling](scaling.svg)\n\n![ratios](ratios.svg)\n")
    with open(os.path.join(a.dir, "results.md"), "w", encoding="utf-8") as f:
        f.write("# Every benchmark figure\n\nGenerated by `make bench` "
                "(scripts/bench-report.py). Each baseline was measured by "
                "the same program in the same run; ratio = value / "
                "baseline.\n\n")
        f.write("## Machine\n\n" + blocks["machine"] + "\n")
        f.write("## Figures\n\n" + blocks["results"])

    d = by_name(figs)
    times, ratios = [], []
    for name in ordered_names(figs):
        row = d[name]
        unit = next(iter(row.values())).unit
        if unit in TIME_UNITS:
            times.append((name, [(s, f.value * TIME_UNITS[unit])
                                 for s, f in row.items()]))
        pts = [(s, f.ratio) for s, f in row.items() if f.ratio is not None]
        if pts:
            ratios.append(("%s / %s" % (name, next(
                f.base for f in row.values() if f.base)), pts))
    svg_plot(times, "stlm benchmarks: cost against the number of DEs",
             "time (log)", os.path.join(a.dir, "scaling.svg"), time_label)
    svg_plot(ratios, "stlm benchmarks: ratio to the same-run baseline",
             "ratio (log)", os.path.join(a.dir, "ratios.svg"))
    if gnuplot_png(times, "stlm benchmarks: cost against the number of DEs",
                   "time (us)", os.path.join(a.dir, "scaling.png"), a.dir):
        print("bench-report: wrote scaling.png with gnuplot")

    if a.update_doc:
        replace_blocks(a.update_doc, blocks)
    print("bench-report: %d figures, %d sizes -> %s/{results.md,scaling.md,"
          "scaling.svg,ratios.svg}" % (len(figs), len(sizes), a.dir))


if __name__ == "__main__":
    main()
