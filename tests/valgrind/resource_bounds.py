#!/usr/bin/env python3
"""Peak memory and CPU time of the host for 1 MiB drafts, under hard limits.

Each draft is one framed check request of about 1 MiB (the largest a compose window
plausibly sends; the host accepts up to 16 MiB): many ordinary recipients, one giant To
header, and the worst pathological shapes. The host runs under RLIMIT_AS and RLIMIT_CPU, so
a blow-up fails here instead of on a user's machine; the measured peak RSS and CPU time are
printed (the stated bounds are in tests/fuzz/README.md).
Usage: resource_bounds.py HOST [--as-mb 512] [--cpu-s 10] [--max-rss-mb 128]
"""
import argparse
import json
import os
import resource
import struct
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "support"))
from private_machine import PrivateMachine  # noqa: E402  (no machine policy or key leaks in)

MIB = 1024 * 1024


def frame(body):
    return struct.pack("=I", len(body)) + body


def request(to):
    return json.dumps({"type": "check", "id": 1, "draft": {"from": "Clerk <clerk@corp.example>", "to": to}}).encode()


def fill(unit, target=MIB - 200):
    return unit * max(1, target // len(unit))


def drafts():
    providers = ["gmail.com", "orange.fr", "free.fr", "acme.example", "corp.example"]
    many = []
    size = 0
    i = 0
    while size < MIB - 300:
        address = f"Visitor {i} <visitor{i}@{providers[i % 5]}>"
        many.append(address)
        size += len(address) + 4
        i += 1
    yield "10000-recipients", request(many[:10000])
    yield "many-recipients", request(many)
    yield "one-giant-header", request([", ".join(many)])
    yield "nested-comments", request([fill("(")])
    yield "commas", request(["a@corp.example" + fill(",") + "b@gmail.com"])
    yield "encoded-words", request([fill("=?UTF-8?Q?=C3=A9?= ") + "<a@gmail.com>"])
    yield "colons-semicolons", request([fill(":;")])
    yield "at-signs", request([fill("a@")])


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("host")
    parser.add_argument("--as-mb", type=int, default=512)
    parser.add_argument("--cpu-s", type=int, default=10)
    parser.add_argument("--max-rss-mb", type=int, default=128)
    args = parser.parse_args()
    scratch = tempfile.mkdtemp(prefix="bccshield-resources-")
    env = {"PATH": "/usr/bin:/bin", "HOME": scratch}  # the audit log goes under this HOME
    machine = PrivateMachine(os.path.join(scratch, "machine"))  # an empty /etc/bccshield

    def limits():
        resource.setrlimit(resource.RLIMIT_AS, (args.as_mb * MIB, args.as_mb * MIB))
        resource.setrlimit(resource.RLIMIT_CPU, (args.cpu_s, args.cpu_s))

    failures = 0
    print(f"{'draft':<18} {'bytes':>9} {'exit':>4} {'peak RSS MB':>11} {'CPU s':>6} {'wall s':>6}  reply")
    for name, body in drafts():
        data = frame(body)
        stdin_path = os.path.join(scratch, name + ".bin")
        with open(stdin_path, "wb") as out:
            out.write(data)
        stdout_path = os.path.join(scratch, name + ".out")
        with open(stdin_path, "rb") as stdin, open(stdout_path, "wb") as stdout:
            start = time.monotonic()
            # unshare and sh exec into the host: wait4 measures the host itself.
            proc = subprocess.Popen(machine.command([args.host, "/tmp/org.bccshield.host.json",
                                                     "bccshield@bccshield.org"]),
                                    stdin=stdin, stdout=stdout, stderr=subprocess.DEVNULL, env=env,
                                    preexec_fn=limits)
            _, status, usage = os.wait4(proc.pid, 0)
            wall = time.monotonic() - start
        code = os.waitstatus_to_exitcode(status)
        rss_mb = usage.ru_maxrss / 1024
        cpu = usage.ru_utime + usage.ru_stime
        reply = open(stdout_path, "rb").read()
        outcome = "none"
        if len(reply) >= 4:
            (length,) = struct.unpack("=I", reply[:4])
            parsed = json.loads(reply[4:4 + length])
            outcome = "result:" + parsed["result"]["decision"] if "result" in parsed else f"error:{parsed['error']['code']}"
        print(f"{name:<18} {len(data):>9} {code:>4} {rss_mb:>11.1f} {cpu:>6.2f} {wall:>6.2f}  {outcome}")
        if code != 0 or outcome == "none" or rss_mb > args.max_rss_mb:
            failures += 1
    print(f"limits: address space {args.as_mb} MB, CPU {args.cpu_s} s, peak RSS must stay under {args.max_rss_mb} MB")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
