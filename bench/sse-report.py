#!/usr/bin/env python3
"""Summarise bench/sse-connections.sh and bench/sse-deliveries.sh results: medians of the runs, ratios, gnuplot."""
import statistics
import sys
from collections import defaultdict

mode, path, work, machine = sys.argv[1:5]
rows = []
for line in open(path):
    rows.append(dict(f.split("=", 1) for f in line.split()))


def med(values):
    return statistics.median(values) if values else float("nan")


def connections():
    by = defaultdict(list)
    for r in rows:
        if r["n"] != "0":
            by[(r["flags"], int(r["n"]), r["server"])].append(r)
    flags = sorted({k[0] for k in by}, key=lambda f: f != "default")
    counts = sorted({k[1] for k in by})
    print(machine)
    print(f"runs per figure: {max(len(v) for v in by.values())} (median)\n")
    print("| JVM flags | streams | Enrich RSS/conn raw | SseEmitter raw | ratio | Enrich after GC | SseEmitter after GC"
          " | ratio | closed |")
    print("|---|---|---|---|---|---|---|---|---|")
    data = open(f"{work}/conn.dat", "w")
    for f in flags:
        for n in counts:
            e, s = by.get((f, n, "enrich"), []), by.get((f, n, "emitter"), [])
            er, sr = med([float(r["raw_per"]) for r in e]) / 1024, med([float(r["raw_per"]) for r in s]) / 1024
            eg, sg = med([float(r["gc_per"]) for r in e]) / 1024, med([float(r["gc_per"]) for r in s]) / 1024
            closed = sum(int(r["closed"]) for r in e + s)
            print(f"| {f} | {n:,} | {er:.1f} KB | {sr:.1f} KB | {er / sr:.2f}x | {eg:.1f} KB | {sg:.1f} KB"
                  f" | {eg / sg:.2f}x | {closed} |")
            data.write(f'"{f}" {n} {er:.2f} {sr:.2f} {eg:.2f} {sg:.2f}\n')
    data.close()
    with open(f"{work}/chart.gp", "w") as gp:
        gp.write(f"""set terminal pngcairo size 900,520 font ',10'
set output 'bench/charts/sse-connections.png'
set title 'Server RSS per held SSE connection (median of runs; lower is better)'
set xlabel 'connections held'
set ylabel 'KB per connection (RSS delta / connections)'
set key top right
set grid
set yrange [0:*]
plot """)
        plots = []
        for i, f in enumerate(flags):
            sel = f"(strcol(1) eq '{f}' ? $2 : NaN)"
            plots.append(f"'{work}/conn.dat' using {sel}:5 with linespoints lw 2 dt {i + 1} lc rgb '#1f77b4'"
                         f" title 'Enrich, {f}, after GC'")
            plots.append(f"'{work}/conn.dat' using {sel}:3 with linespoints lw 1 dt {i + 1} lc rgb '#6baed6'"
                         f" title 'Enrich, {f}, raw'")
            plots.append(f"'{work}/conn.dat' using {sel}:6 with linespoints lw 2 dt {i + 1} lc rgb '#d62728'"
                         f" title 'SseEmitter, {f}, after GC'")
            plots.append(f"'{work}/conn.dat' using {sel}:4 with linespoints lw 1 dt {i + 1} lc rgb '#fc9272'"
                         f" title 'SseEmitter, {f}, raw'")
        gp.write(", \\\n     ".join(plots) + "\n")


def deliveries():
    by = defaultdict(list)
    for r in rows:
        by[(int(r["n"]), r["server"])].append(r)
    counts = sorted({k[0] for k in by})
    print(machine)
    print(f"runs per figure: {max(len(v) for v in by.values())} (median)\n")
    print("| subscribers | server | deliveries/s | vs bare Netty | vs SseEmitter | latency p50 / p99 / max (ms)"
          " | arrived | p99 at full load (ms) | closed |")
    print("|---|---|---|---|---|---|---|---|---|")
    data = open(f"{work}/deliv.dat", "w")
    names = {"enrich": "Enrich", "netty": "bare Reactor Netty", "emitter": "SseEmitter"}
    for n in counts:
        t = {s: med([float(r["tput"]) for r in by.get((n, s), [])]) for s in names}
        p99 = {s: med([float(r["lat_p99"]) for r in by.get((n, s), [])]) for s in names}
        for s, name in names.items():
            rs = by.get((n, s), [])
            if not rs:
                continue
            p50, mx = med([float(r["lat_p50"]) for r in rs]), med([float(r["lat_max"]) for r in rs])
            arrived = med([float(r["lat_arrived"]) for r in rs])
            tp99 = med([float(r["tput_p99"]) for r in rs])
            closed = sum(int(r["closed"]) for r in rs)
            print(f"| {n:,} | {name} | {t[s]:,.0f} | {t[s] / t['netty']:.2f}x | {t[s] / t['emitter']:.2f}x"
                  f" | {p50:.0f} / {p99[s]:.0f} / {mx:.0f} | {arrived:.1%} | {tp99:.0f} | {closed} |")
        data.write(f"{n} {t['enrich']:.0f} {t['netty']:.0f} {t['emitter']:.0f}"
                   f" {p99['enrich']:.0f} {p99['netty']:.0f} {p99['emitter']:.0f}\n")
    data.close()
    with open(f"{work}/chart.gp", "w") as gp:
        gp.write(f"""set terminal pngcairo size 1100,480 font ',10'
set output 'bench/charts/sse-deliveries.png'
set multiplot layout 1,2 title 'SSE fan-out vs subscribers (median of runs)'
set grid
set key top left
set xlabel 'subscribers'
set ylabel 'event deliveries/s (higher is better)'
set yrange [0:*]
set format y '%.0s%c'
plot '{work}/deliv.dat' using 1:2 with linespoints lw 2 lc rgb '#1f77b4' title 'Enrich', \\
     '' using 1:3 with linespoints lw 2 lc rgb '#2ca02c' title 'bare Reactor Netty', \\
     '' using 1:4 with linespoints lw 2 lc rgb '#d62728' title 'SseEmitter'
set ylabel 'publish-to-client latency p99, ms (lower is better)'
set format y '%g'
set logscale y
set yrange [1:*]
plot '{work}/deliv.dat' using 1:5 with linespoints lw 2 lc rgb '#1f77b4' title 'Enrich', \\
     '' using 1:6 with linespoints lw 2 lc rgb '#2ca02c' title 'bare Reactor Netty', \\
     '' using 1:7 with linespoints lw 2 lc rgb '#d62728' title 'SseEmitter', \\
     50 with lines dt 2 lc rgb 'black' title 'goal 50 ms'
unset multiplot
""")


connections() if mode == "connections" else deliveries()
