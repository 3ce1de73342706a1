#!/usr/bin/env python3
"""Print the classes whose live instances grew between two `jcmd GC.class_histogram` outputs, per unit (e.g. per stream).
Usage: bench/histodiff.py before.txt after.txt [units=1000] [rows=40]"""
import re, sys
def load(path):
    rows = {}
    for line in open(path):
        m = re.match(r"\s*\d+:\s+(\d+)\s+(\d+)\s+(\S+)", line)
        if m:
            rows[m.group(3)] = (int(m.group(1)), int(m.group(2)))
    return rows
a, b = load(sys.argv[1]), load(sys.argv[2])
units = int(sys.argv[3]) if len(sys.argv) > 3 else 1
top = int(sys.argv[4]) if len(sys.argv) > 4 else 40
diff = sorted(((b[k][1] - a.get(k, (0, 0))[1], b[k][0] - a.get(k, (0, 0))[0], k) for k in b), reverse=True)
total = sum(d[0] for d in diff)
print(f"total: {total / units:.0f} bytes per unit")
for bytes_, count, name in diff[:top]:
    print(f"{bytes_ / units:8.0f} B {count / units:6.1f} x  {name}")
