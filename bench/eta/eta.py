#!/usr/bin/env python3
"""ETA accuracy harness (issue 18, BENCHMARKS row 6). Run through bench/eta.sh, which builds and makes the media.

For each mode (no AI provider; the fake OpenAI-compatible provider as its own process, answering slower the more
audio or text it gets), starts the built jar as its own process (memory backend), uploads one session per media
file, runs warm-up jobs so the duration model has learned, then measured jobs one at a time in a seeded shuffled
order. Every job's events are read over SSE (/jobs/{id}/events?lastEventId=0: replayed from its first, then live);
each progress or stage event gives (server time `at`, overall progress, etaSeconds). After the job ends, true
remaining = finishedAt - at. For every event at >= 25% progress with work left it computes:

  error    = how far the true remaining time lies outside what the ETA says. etaSeconds is whole seconds rounded up
             (never 0 while work remains), so ETA e means "between e-1 and e seconds": error = max(0, t - e, e-1-t).
  naive    = |e - t| (no allowance for the rounding), reported too.

each relative to the true remaining t (the goal: median <= 10%) and to the job's running time. Events with less
than MIN_REMAINING of true remaining time left are left out of the relative figures (a 1-second ETA cannot be
closer than its rounding to 0.2 s left; counted and reported). Writes all samples to OUT/samples.tsv, a summary
table to stdout, and the data gnuplot charts.
"""
import argparse
import http.client
import json
import os
import random
import signal
import statistics
import subprocess
import sys
import time
import urllib.request
from datetime import datetime

MIN_REMAINING = 1.0


def parse_at(text):
    # 2026-12-06T06:40:01.123456789Z -> epoch seconds (float)
    text = text.rstrip("Z")
    if "." in text:
        head, frac = text.split(".")
        frac = (frac + "000000")[:6]
        text = head + "." + frac
        dt = datetime.strptime(text, "%Y-%m-%dT%H:%M:%S.%f")
    else:
        dt = datetime.strptime(text, "%Y-%m-%dT%H:%M:%S")
    return dt.timestamp()


class Service:
    def __init__(self, args, mode, work):
        self.args = args
        self.mode = mode
        self.port = args.port
        self.key = "bench-eta-" + os.urandom(12).hex()
        self.procs = []
        self.work = work

    def start(self):
        sha = __import__("hashlib").sha256(self.key.encode()).hexdigest()
        cmd = ["taskset", "-c", self.args.app_cpu, "java", "-XX:+ExitOnOutOfMemoryError", "-Xmx1g",
               "-jar", self.args.jar, f"--server.port={self.port}", "--enrich.pool.concurrency=1",
               f"--enrich.media.dir={self.work}/media-{self.mode}",
               f"--enrich.security.api-keys[0].sha256={sha}", "--enrich.security.api-keys[0].tenant=bench",
               "--enrich.security.api-keys[0].roles=USER,ADMIN", "--enrich.limits.requests-per-second=100000",
               "--enrich.access-log.enabled=false", "--enrich.security.dev-key.enabled=false"]
        if self.mode == "ai":
            fake_port = self.port + 1
            fake = ["taskset", "-c", self.args.load_cpu, "java", "-cp", self.args.test_classpath,
                    "dev.enrich.ai.fake.FakeOpenAiServer", str(fake_port), str(self.args.ai_base_ms), "0", "42",
                    str(self.args.ai_ms_per_audio_second), str(self.args.ai_ms_per_kchar), str(self.args.ai_jitter)]
            log = open(f"{self.work}/fake-ai.log", "w")
            self.procs.append(subprocess.Popen(fake, stdout=log, stderr=subprocess.STDOUT))
            cmd += [f"--enrich.ai.base-url=http://127.0.0.1:{fake_port}/v1", "--enrich.ai.api-key=sk-bench"]
            wait_port(fake_port)
        cmd += self.args.jvm_extra
        log = open(f"{self.work}/app-{self.mode}.log", "w")
        self.procs.append(subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT))
        for _ in range(240):
            try:
                self.get("/api/v1/pool")
                return
            except Exception:
                time.sleep(0.5)
        raise SystemExit(f"service did not start; see {self.work}/app-{self.mode}.log")

    def stop(self):
        for p in reversed(self.procs):
            p.send_signal(signal.SIGTERM)
        for p in self.procs:
            try:
                p.wait(timeout=30)
            except subprocess.TimeoutExpired:
                p.kill()

    def request(self, method, path, body=None, headers=None):
        h = {"Authorization": f"Bearer {self.key}"}
        h.update(headers or {})
        req = urllib.request.Request(f"http://127.0.0.1:{self.port}{path}", data=body, method=method, headers=h)
        with urllib.request.urlopen(req, timeout=600) as r:
            return json.loads(r.read() or b"null")

    def get(self, path):
        return self.request("GET", path)

    def upload(self, kind, path, title):
        out = subprocess.run(["curl", "-fsS", "-H", f"Authorization: Bearer {self.key}",
                              "-F", "metadata=" + json.dumps({"title": title}) + ";type=application/json",
                              "-F", f"{kind}=@{path}", f"http://127.0.0.1:{self.port}/api/v1/sessions"],
                             check=True, capture_output=True, text=True).stdout
        return json.loads(out)["id"]

    def run_job(self, session_id, stages):
        body = json.dumps({"stages": stages}).encode()
        job_id = self.request("POST", f"/api/v1/sessions/{session_id}/enrichments", body,
                              {"Content-Type": "application/json"})["jobId"]
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=900)
        conn.request("GET", f"/api/v1/jobs/{job_id}/events?lastEventId=0",
                     headers={"Authorization": f"Bearer {self.key}", "Accept": "text/event-stream"})
        resp = conn.getresponse()
        events, data, name = [], [], None
        while True:
            line = resp.readline()
            if not line:
                break
            line = line.decode().rstrip("\r\n")
            if line.startswith("event:"):
                name = line[6:].strip()
            elif line.startswith("data:"):
                data.append(line[5:].lstrip())
            elif line == "":
                if data and name:
                    ev = json.loads("\n".join(data))
                    ev["_type"] = name
                    ev["_received"] = time.time()
                    events.append(ev)
                    if name in ("completed", "partial", "failed", "cancelled", "interrupted"):
                        break
                data, name = [], None
        conn.close()
        job = self.get(f"/api/v1/jobs/{job_id}")
        return job_id, job, events


def wait_port(port):
    for _ in range(240):
        try:
            c = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            c.request("GET", "/v1/models")
            c.getresponse().read()
            return
        except Exception:
            time.sleep(0.5)
    raise SystemExit(f"fake AI provider did not start on {port}")


def percentile(values, q):
    if not values:
        return float("nan")
    s = sorted(values)
    k = (len(s) - 1) * q
    lo, hi = int(k), min(int(k) + 1, len(s) - 1)
    return s[lo] + (s[hi] - s[lo]) * (k - lo)


def samples_of(job, events):
    start = parse_at(job["startedAt"])
    end = parse_at(job["finishedAt"])
    total = end - start
    out = []
    for ev in events:
        if ev["_type"] not in ("progress", "stage") or ev.get("etaSeconds") is None:
            continue
        at = parse_at(ev["at"])
        progress = ev.get("progress") or 0
        remaining = end - at
        if remaining <= 0 or progress >= 1:
            continue
        out.append({"progress": progress, "eta": float(ev["etaSeconds"]), "remaining": remaining,
                    "total": total, "elapsed": at - start})
    return total, out


def errors(s):
    e, t = s["eta"], s["remaining"]
    return max(0.0, t - e, (e - 1) - t), abs(e - t)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--jar", required=True)
    ap.add_argument("--test-classpath", required=True)
    ap.add_argument("--media", required=True, help="dir with audio-<s>.wav and video-<s>.mp4")
    ap.add_argument("--lengths", default="30,120,600")
    ap.add_argument("--modes", default="noai,ai")
    ap.add_argument("--warmup", type=int, default=2, help="warm-up rounds (every session once per round)")
    ap.add_argument("--rounds", type=int, default=3, help="measured rounds")
    ap.add_argument("--port", type=int, default=18480)
    ap.add_argument("--app-cpu", default="1")
    ap.add_argument("--load-cpu", default="0")
    ap.add_argument("--ai-base-ms", type=float, default=300)
    ap.add_argument("--ai-ms-per-audio-second", type=float, default=40)
    ap.add_argument("--ai-ms-per-kchar", type=float, default=300)
    ap.add_argument("--ai-jitter", type=float, default=0.1)
    ap.add_argument("--out", required=True)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("jvm_extra", nargs="*")
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)
    lengths = [int(x) for x in args.lengths.split(",")]
    rng = random.Random(args.seed)
    all_rows = []
    firsts = []
    for mode in args.modes.split(","):
        svc = Service(args, mode, args.out)
        svc.start()
        try:
            sessions = []
            for kind in ("audio", "video"):
                for n in lengths:
                    path = f"{args.media}/{kind}-{n}.{'wav' if kind == 'audio' else 'mp4'}"
                    sid = svc.upload(kind, path, f"{kind} {n}s")
                    sessions.append((kind, n, sid, [kind, "summary", "canvas"]))
            for phase, rounds in (("warmup", args.warmup), ("measured", args.rounds)):
                for r in range(rounds):
                    order = sessions[:]
                    rng.shuffle(order)
                    for kind, n, sid, stages in order:
                        job_id, job, events = svc.run_job(sid, stages)
                        total, samples = samples_of(job, events)
                        first = next((s for s in samples), None)
                        print(f"{mode:5s} {phase:8s} {kind:5s} {n:4d}s job={job_id} state={job['state']} "
                              f"took={total:6.2f}s events={len(samples)} first_eta="
                              f"{first['eta'] if first else '-'}", flush=True)
                        if phase == "measured":
                            if first:
                                firsts.append((mode, kind, n, first["eta"], total))
                            for s in samples:
                                s.update(mode=mode, kind=kind, length=n, job=job_id)
                                all_rows.append(s)
        finally:
            svc.stop()

    with open(f"{args.out}/samples.tsv", "w") as f:
        f.write("mode\tkind\tlength\tjob\tprogress\telapsed\teta\tremaining\ttotal\terror\tnaive\n")
        for s in all_rows:
            err, naive = errors(s)
            f.write(f"{s['mode']}\t{s['kind']}\t{s['length']}\t{s['job']}\t{s['progress']:.4f}\t{s['elapsed']:.3f}\t"
                    f"{s['eta']:.0f}\t{s['remaining']:.3f}\t{s['total']:.3f}\t{err:.3f}\t{naive:.3f}\n")

    print()
    print("ETA error from 25% progress on (error = distance of the true remaining time from the ETA's "
          "whole-second interval)")
    header = (f"{'mode':6s} {'media':6s} {'jobs':>4s} {'events':>6s} {'<1s left':>8s} "
              f"{'median':>7s} {'p90':>7s} {'worst':>7s} {'naive med':>9s} {'of total med':>12s} "
              f"{'p90':>6s} {'worst':>6s} {'job s (min-max)':>16s}")
    print(header)
    groups = []
    for mode in args.modes.split(",") + ["all"]:
        for kind in ("audio", "video", "all"):
            groups.append((mode, kind))
    summary = []
    for mode, kind in groups:
        rows = [s for s in all_rows if s["progress"] >= 0.25 and (mode == "all" or s["mode"] == mode)
                and (kind == "all" or s["kind"] == kind)]
        kept = [s for s in rows if s["remaining"] >= MIN_REMAINING]
        rel = [errors(s)[0] / s["remaining"] for s in kept]
        naive = [errors(s)[1] / s["remaining"] for s in kept]
        of_total = [errors(s)[0] / s["total"] for s in kept]
        jobs = {s["job"] for s in rows}
        totals = [s["total"] for s in rows]
        line = (f"{mode:6s} {kind:6s} {len(jobs):4d} {len(kept):6d} {len(rows) - len(kept):8d} "
                f"{100 * percentile(rel, 0.5):6.1f}% {100 * percentile(rel, 0.9):6.1f}% "
                f"{100 * (max(rel) if rel else float('nan')):6.1f}% {100 * percentile(naive, 0.5):8.1f}% "
                f"{100 * percentile(of_total, 0.5):11.1f}% {100 * percentile(of_total, 0.9):5.1f}% "
                f"{100 * (max(of_total) if of_total else float('nan')):5.1f}% "
                f"{(min(totals) if totals else 0):7.1f}-{(max(totals) if totals else 0):.1f}")
        print(line)
        summary.append(line)
    with open(f"{args.out}/summary.txt", "w") as f:
        f.write(header + "\n" + "\n".join(summary) + "\n")

    print()
    print("First ETA after learning vs job time, per media length (measured rounds, medians):")
    for mode in args.modes.split(","):
        for kind in ("audio", "video"):
            for n in lengths:
                fs = [(e, t) for m, k, l, e, t in firsts if m == mode and k == kind and l == n]
                if fs:
                    print(f"  {mode:5s} {kind:5s} {n:4d}s  first ETA {statistics.median(e for e, _ in fs):6.1f}s"
                          f"  job took {statistics.median(t for _, t in fs):6.2f}s")

    # gnuplot data: per mode, predicted vs true remaining (as a share of the job), and the error distribution
    for mode in args.modes.split(","):
        with open(f"{args.out}/scatter-{mode}.dat", "w") as f:
            for s in all_rows:
                if s["mode"] == mode and s["remaining"] >= MIN_REMAINING:
                    f.write(f"{s['remaining']:.3f} {s['eta']:.0f} {s['progress']:.3f} "
                            f"{0 if s['kind'] == 'audio' else 1}\n")
        rel = sorted(errors(s)[0] / s["remaining"] for s in all_rows
                     if s["mode"] == mode and s["progress"] >= 0.25 and s["remaining"] >= MIN_REMAINING)
        with open(f"{args.out}/cdf-{mode}.dat", "w") as f:
            for i, v in enumerate(rel):
                f.write(f"{100 * v:.3f} {(i + 1) / len(rel):.4f}\n")


if __name__ == "__main__":
    sys.exit(main())
