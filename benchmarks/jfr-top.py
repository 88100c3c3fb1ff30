#!/usr/bin/env python3
"""Top frames of a JFR recording (JDK 17 has no `jfr view`): reads `jfr print --events jdk.ExecutionSample`,
prints the hottest leaf frames (self time), the hottest frames anywhere on the stack (total time), the
hottest io.switchgate frames (total), and samples per thread. With --under FRAME, only the samples with that frame
on the stack, cut at it (e.g. --under txn.Engine.process: where the decision's own time goes, 100% = that frame).

  benchmarks/jfr-top.py recording.jfr [--top 25] [--package io.switchgate] [--thread SUBSTRING] [--under FRAME]
"""
import collections, re, subprocess, sys, argparse

ap = argparse.ArgumentParser()
ap.add_argument("jfr")
ap.add_argument("--top", type=int, default=25)
ap.add_argument("--package", default="io.switchgate")
ap.add_argument("--thread", default=None)
ap.add_argument("--depth", type=int, default=64)
ap.add_argument("--under", default=None)
a = ap.parse_args()
out = subprocess.run(["jfr", "print", "--events", "jdk.ExecutionSample", "--stack-depth", str(a.depth), a.jfr],
                     capture_output=True, text=True, check=True).stdout
frame_re = re.compile(r"^\s+([\w$.<>/]+)\(.*\)\s+line:")
self_c, total_c, threads = collections.Counter(), collections.Counter(), collections.Counter()
n = 0
for ev in out.split("jdk.ExecutionSample")[1:]:
    t = re.search(r'sampledThread = "([^"]*)"', ev)
    tname = t.group(1) if t else "?"
    if a.thread and a.thread not in tname:
        continue
    frames = [m.group(1) for m in (frame_re.match(l) for l in ev.splitlines()) if m]
    if a.under:
        at = [i for i, f in enumerate(frames) if f.endswith(a.under)]
        frames = frames[:at[-1] + 1] if at else []
    if not frames:
        continue
    n += 1
    threads[re.sub(r"\d+", "N", tname)] += 1
    self_c[frames[0]] += 1
    for f in set(frames):
        total_c[f] += 1
def show(title, c):
    print(f"\n{title} ({n} samples)")
    for f, k in c.most_common(a.top):
        print(f"  {k*100.0/n:5.1f}%  {f}")
show("Self (leaf frame)", self_c)
show("Total (anywhere on the stack)", total_c)
ours_total = collections.Counter({f: k for f, k in total_c.items() if f.startswith(a.package)})
show(f"Total, {a.package} frames only", ours_total)
show("Samples by thread (digits folded)", threads)
