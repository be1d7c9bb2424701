#!/usr/bin/env python3
"""Runs the benchmarks that carry DESIGN.md's quality bars and prints the ratios.

usage: bench/run.py [BUILD_DIR]     (default build/ci; needs the bench targets built:
       cmake --build BUILD_DIR --target bccshield_host_bench bccshield_instructions)

- whole process, 10,000-address header: the host serving Thunderbird's framed check, and the
  admin CLI (check --eml), each against GMime 3's parse-only process, same run;
- in-process instructions (callgrind, repeatable): evaluate() against internet_address_list_parse,
  at 1k / 10k / 100k addresses (linearity);
- host start to reply for 300 and 3,000 recipients, with peak RSS.

What the process benchmarks measure (bench/host_process_bench.cpp): the real binary, spawned with
only HOME set, to a private folder made per bench run (removed at its end). Serve mode there is
a user's host: it ignores BCCSHIELD_* variables (host.conf), so it writes its audit line into
$HOME/.local/state/bccshield/audit.jsonl after the reply, with a per-user audit key made by an
untimed first run. Wall time is spawn to the first complete reply frame (what Thunderbird waits
for); the child's CPU time includes the audit line written after it. Rotated logs are removed
between runs, so each run appends to a log of up to 16 MiB, as a user's is.
"""
import json
import os
import re
import subprocess
import sys
import tempfile

BUILD = sys.argv[1] if len(sys.argv) > 1 else "build/ci"
BENCH = os.path.join(BUILD, "bench")


def process_benchmarks():
    out = subprocess.run([os.path.join(BENCH, "bccshield_host_bench"), "--benchmark_format=json",
                          "--benchmark_repetitions=7", "--benchmark_report_aggregates_only=true"],
                         check=True, capture_output=True, text=True).stdout
    rows = {}
    for bench in json.loads(out)["benchmarks"]:
        if bench.get("aggregate_name") == "median":
            rows[bench["run_name"].replace("/manual_time", "")] = bench
    return rows


def instructions(kind, addresses):
    with tempfile.TemporaryDirectory() as scratch:
        out_file = os.path.join(scratch, "callgrind.out")
        function = "bccshield_measured_evaluate" if kind == "bccshield" else "bccshield_measured_gmime"
        subprocess.run(["valgrind", "--tool=callgrind", f"--callgrind-out-file={out_file}",
                        f"--toggle-collect={function}", os.path.join(BENCH, "bccshield_instructions"), kind,
                        str(addresses)], check=True, capture_output=True)
        with open(out_file, encoding="utf-8") as f:
            for line in f:
                found = re.match(r"(?:summary|totals):\s+(\d+)", line)
                if found:
                    return int(found.group(1))
    raise RuntimeError("no callgrind totals")


def main():
    rows = process_benchmarks()
    gmime = rows["BM_GMimeProcess10k"]
    print("Whole process, 10,000-address header (median of 7; wall ms / the child's CPU ms):")
    print(f"  GMime 3 parse-only process           {gmime['real_time']:7.2f} / {gmime['child_cpu_ms']:6.2f}")
    for name, label in (("BM_HostProcessHeader10k", "host, Thunderbird's framed check"),
                        ("BM_HostCheckEml10k", "host CLI, check --eml (readable)")):
        row = rows[name]
        print(f"  {label:36} {row['real_time']:7.2f} / {row['child_cpu_ms']:6.2f}"
              f"  = {row['real_time'] / gmime['real_time']:.2f}x / {row['child_cpu_ms'] / gmime['child_cpu_ms']:.2f}x GMime"
              f"  (peak RSS {row['peak_rss_KiB'] / 1024:.1f} MB, output {int(row['output_bytes'])} bytes)")
    print("Host start to reply (median of 7; wall ms / CPU ms):")
    for recipients in (300, 3000):
        row = rows[f"BM_HostProcessCheck/{recipients}"]
        print(f"  {recipients:5} recipients  {row['real_time']:6.2f} / {row['child_cpu_ms']:5.2f}"
              f"  peak RSS {row['peak_rss_KiB'] / 1024:.1f} MB")
    print("In-process instructions (callgrind), evaluate() vs internet_address_list_parse:")
    for addresses in (1000, 10000, 100000):
        ours = instructions("bccshield", addresses)
        theirs = instructions("gmime", addresses)
        print(f"  {addresses:6} addresses  {ours / 1e6:8.2f}M vs {theirs / 1e6:8.2f}M  = {theirs / ours:.2f}x fewer"
              f"  ({ours / addresses:.0f} per address)")


if __name__ == "__main__":
    main()
