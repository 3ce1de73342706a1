#!/usr/bin/env python3
"""Summarise a JMH JSON result (-rf json) as the median over forks, per benchmark.

Usage:
  bench/jmh-summary.py avgt result.json BASELINE [DAT]  time per op, CPU per job (ProcessCpu counters), bytes per
                                                        op (-prof gc), ratios to BASELINE (a benchmark's short name)
  bench/jmh-summary.py sample result.json [DAT]          percentiles per fork (SampleTime), median over forks
DAT: a whitespace table for gnuplot.
"""
import json, statistics, sys

mode, path = sys.argv[1], sys.argv[2]
results = json.load(open(path))
short = lambda r: r["benchmark"].rsplit(".", 1)[-1]


def fork_means(raw):
    return [statistics.mean(iters) for iters in raw]


def percentile(hist_iters, p):
    """hist_iters: [[[value, count], ...] per iteration] of one fork."""
    pairs = sorted((v, c) for it in hist_iters for v, c in it)
    total = sum(c for _, c in pairs)
    seen = 0
    for v, c in pairs:
        seen += c
        if seen >= p / 100.0 * total:
            return v
    return pairs[-1][0]


if mode == "avgt":
    baseline = sys.argv[3]
    dat = sys.argv[4] if len(sys.argv) > 4 else None
    rows = {}
    for r in results:
        pm, sec = r["primaryMetric"], r.get("secondaryMetrics", {})
        wall = fork_means(pm["rawData"])
        cpu = None
        if "cpuNanos" in sec and "jobs" in sec:
            per_fork = [sum(c) / max(1, sum(j)) / 1000.0
                        for c, j in zip(sec["cpuNanos"]["rawData"], sec["jobs"]["rawData"])]
            cpu = statistics.median(per_fork)
        alloc = None
        if "gc.alloc.rate.norm" in sec:
            alloc = statistics.median(fork_means(sec["gc.alloc.rate.norm"]["rawData"]))
        rows[short(r)] = (statistics.median(wall), min(wall), max(wall), cpu, alloc, len(wall), pm["scoreUnit"])
    base = rows[baseline]
    print(f"{'benchmark':<22} {'forks':>5} {'wall us/job (median, min-max)':>32} {'x ' + baseline:>14} "
          f"{'CPU us/job':>11} {'x ' + baseline:>14} {'alloc B/job':>12}")
    for name, (w, lo, hi, cpu, alloc, n, unit) in rows.items():
        cpu_s = f"{cpu:11.1f}" if cpu is not None else f"{'-':>11}"
        cpu_r = f"{cpu / base[3]:13.1f}x" if cpu is not None and base[3] else f"{'-':>14}"
        alloc_s = f"{alloc:12.0f}" if alloc is not None else f"{'-':>12}"
        print(f"{name:<22} {n:>5} {w:>12.2f} ({lo:.2f}-{hi:.2f}){'':>4} {w / base[0]:13.1f}x {cpu_s} {cpu_r} {alloc_s}")
    if dat:
        with open(dat, "w") as f:
            f.write("# name wall cpu\n")
            for name, (w, lo, hi, cpu, alloc, n, unit) in rows.items():
                f.write(f"{name} {w} {cpu if cpu is not None else 0}\n")
elif mode == "sample":
    dat = sys.argv[3] if len(sys.argv) > 3 else None
    ps = [50, 90, 99, 99.9]
    lines = []
    print(f"{'benchmark':<12} {'forks':>5} " + " ".join(f"{'p' + str(p) + ' us':>10}" for p in ps)
          + "   (median over forks; per-fork range for p99)")
    for r in results:
        hists = r["primaryMetric"]["rawDataHistogram"]
        per = {p: [percentile(h, p) for h in hists] for p in ps}
        med = {p: statistics.median(per[p]) for p in ps}
        print(f"{short(r):<12} {len(hists):>5} " + " ".join(f"{med[p]:10.1f}" for p in ps)
              + f"   p99 {min(per[99]):.1f}-{max(per[99]):.1f}")
        lines.append((short(r), med))
    if dat:
        with open(dat, "w") as f:
            f.write("# percentile " + " ".join(n for n, _ in lines) + "\n")
            for p in ps:
                f.write(f"p{p} " + " ".join(str(m[p]) for _, m in lines) + "\n")
