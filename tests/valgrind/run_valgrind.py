#!/usr/bin/env python3
"""Runs tests/protocol/test_host_binary.py with every host process under valgrind memcheck.

The protocol tests start the host through $BCCSHIELD_HOST; here that is a wrapper running
  valgrind --error-exitcode=1 --leak-check=full --log-file=<dir>/vg.%p.log <host> "$@"
The host itself exits 1 on framing errors, so the verdict comes from the logs: every process
must report "ERROR SUMMARY: 0 errors" (leaks count as errors with --leak-check=full), and the
protocol tests must pass as they do without valgrind.
"""
import argparse
import glob
import os
import re
import shlex
import subprocess
import sys
import tempfile


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--valgrind", required=True)
    parser.add_argument("--host", required=True)
    parser.add_argument("--protocol-tests", required=True)
    parser.add_argument("--vectors", required=True)
    args = parser.parse_args()
    args.host = os.path.abspath(args.host)  # the protocol tests run from their own directory
    args.vectors = os.path.abspath(args.vectors)

    scratch = tempfile.mkdtemp(prefix="bccshield-valgrind-")
    wrapper = os.path.join(scratch, "bccshield-host-under-valgrind")
    with open(wrapper, "w", encoding="utf-8") as out:
        out.write("#!/bin/sh\nexec " + " ".join(shlex.quote(a) for a in [
            args.valgrind, "--quiet", "--error-exitcode=1", "--leak-check=full", "--show-leak-kinds=definite,possible",
            "--errors-for-leak-kinds=definite,possible", "--track-origins=yes",
            "--log-file=" + os.path.join(scratch, "vg.%p.log"), args.host]) + ' "$@"\n')
    os.chmod(wrapper, 0o755)

    env = dict(os.environ, BCCSHIELD_HOST=wrapper, BCCSHIELD_VECTORS=args.vectors, PYTHONDONTWRITEBYTECODE="1")
    tests = subprocess.run([sys.executable, "-m", "unittest", "-v", "test_host_binary"], cwd=args.protocol_tests,
                           env=env, check=False)

    logs = sorted(glob.glob(os.path.join(scratch, "vg.*.log")))
    bad = []
    for log in logs:
        text = open(log, encoding="utf-8", errors="replace").read()
        # --quiet prints nothing for a clean process; anything else is a finding.
        if text.strip() or re.search(r"ERROR SUMMARY: [1-9]", text):
            bad.append((log, text))
    for log, text in bad:
        print(f"== valgrind findings in {log}:\n{text}")
    print(f"valgrind: {len(logs)} host processes, {len(bad)} with findings; protocol tests exit {tests.returncode}")
    if not logs:
        print("no host process ran under valgrind")
        return 1
    return 1 if bad or tests.returncode != 0 else 0


if __name__ == "__main__":
    sys.exit(main())
