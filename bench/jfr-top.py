#!/usr/bin/env python3
"""Summarise a JFR recording: hottest methods (self), and the first frame of ours (dev.enrich) on each sample.

Usage: bench/jfr-top.py recording.jfr [cpu|alloc] [top=25]
cpu: jdk.ExecutionSample counts; alloc: jdk.ObjectAllocationSample weights (bytes).
"""
import collections, json, subprocess, sys

path, kind = sys.argv[1], (sys.argv[2] if len(sys.argv) > 2 else "cpu")
top = int(sys.argv[3]) if len(sys.argv) > 3 else 25
event = "jdk.ExecutionSample" if kind == "cpu" else "jdk.ObjectAllocationSample"
out = subprocess.run(["jfr", "print", "--json", "--stack-depth", "64", "--events", event, path],
                     capture_output=True, text=True, check=True).stdout
events = json.loads(out)["recording"]["events"]
self_w, ours_w, cls_w = collections.Counter(), collections.Counter(), collections.Counter()
total = 0
for e in events:
    v = e["values"]
    w = v.get("weight", 1) if kind == "alloc" else 1
    total += w
    frames = (v.get("stackTrace") or {}).get("frames") or []
    name = lambda f: f["method"]["type"]["name"].replace("/", ".") + "." + f["method"]["name"]
    if frames:
        self_w[name(frames[0])] += w
        mine = next((name(f) for f in frames if f["method"]["type"]["name"].replace("/", ".").startswith("dev.enrich")
                     and "$$Lambda" not in f["method"]["type"]["name"]), "(none of ours)")
        ours_w[mine] += w
    if kind == "alloc":
        cls_w[v["objectClass"]["name"]] += w
print(f"{event}: {len(events)} samples, total weight {total}")
for title, c in (("self", self_w), ("first frame of ours", ours_w)) + ((("class", cls_w),) if kind == "alloc" else ()):
    print(f"--- {title}")
    for k, w in c.most_common(top):
        print(f"{100.0 * w / total:6.1f}%  {k}")
if len(sys.argv) > 4:
    depth = int(sys.argv[4])
    stacks = collections.Counter()
    for e in events:
        v = e["values"]
        w = v.get("weight", 1) if kind == "alloc" else 1
        frames = (v.get("stackTrace") or {}).get("frames") or []
        stacks[" < ".join(f["method"]["type"]["name"].split("/")[-1] + "." + f["method"]["name"] for f in frames[:depth])] += w
    print(f"--- stacks, {depth} frames")
    for k, w in stacks.most_common(top):
        print(f"{100.0 * w / total:6.1f}%  {k}")
