#!/usr/bin/env python3
"""Start to reply for 300 recipients: the Windows host under Wine against the Linux host, same run.

usage: bench/windows_start_to_reply.py LINUX_HOST WINDOWS_HOST_EXE   (WINEPREFIX set and warm:
       scripts/test-windows.sh --bench does both)

Each run spawns the host, writes one framed check (as Thunderbird's sendNativeMessage does) and
stops the clock at the first complete reply frame. Runs alternate between the two hosts so load
on the machine hits both alike; the medians and their ratio are printed.
"""
import json
import os
import statistics
import struct
import subprocess
import sys
import time

RUNS = 15


def request(recipients=300):
    draft = {"from": "Accueil <accueil@tourisme-vallee.fr>", "type": "new",
             "to": [f"Visiteur {i} <visiteur{i}@{['gmail.com', 'orange.fr', 'free.fr'][i % 3]}>"
                    for i in range(recipients)]}
    body = json.dumps({"protocolVersion": 2, "type": "check", "id": 1, "draft": draft}).encode()
    return struct.pack("=I", len(body)) + body


def start_to_reply(command, data, env):
    start = time.perf_counter()
    proc = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env)
    proc.stdin.write(data)
    proc.stdin.close()
    (length,) = struct.unpack("=I", proc.stdout.read(4))
    reply = proc.stdout.read(length)
    elapsed = time.perf_counter() - start
    proc.wait()
    assert json.loads(reply)["result"]["decision"] == "warn"
    return elapsed


def main():
    linux, windows = sys.argv[1], sys.argv[2]
    data = request()
    args = ["C:\\org.bccshield.host.json", "bccshield@bccshield.org"]
    # No audit line on disk for either (the Windows one would land in the prefix's LOCALAPPDATA).
    linux_env = {"PATH": "/usr/bin:/bin", "HOME": "/nonexistent", "BCCSHIELD_AUDIT_LOG": "/dev/null"}
    wine_env = {"PATH": "/usr/bin:/bin", "BCCSHIELD_AUDIT_LOG": "NUL",
                **{k: v for k, v in os.environ.items() if k.startswith("WINE")}}
    times = {"linux": [], "wine": []}
    for _ in range(RUNS):
        times["linux"].append(start_to_reply([linux, "/nonexistent/org.bccshield.host.json", "bccshield@bccshield.org"],
                                             data, linux_env))
        times["wine"].append(start_to_reply(["wine", windows, *args], data, wine_env))
    linux_ms = statistics.median(times["linux"]) * 1000
    wine_ms = statistics.median(times["wine"]) * 1000
    print(f"start to reply, 300 recipients, median of {RUNS}: Linux {linux_ms:.1f} ms, "
          f"Windows host under Wine {wine_ms:.1f} ms, ratio {wine_ms / linux_ms:.1f}")


if __name__ == "__main__":
    main()
