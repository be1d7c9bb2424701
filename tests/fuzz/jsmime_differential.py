#!/usr/bin/env python3
"""Wrong-domain differential against Thunderbird's own parser (a manual tool, not in CI).

Runs every input of the given corpus directories through BccShield's parser
(bccshield_fuzz_replay --dump-addresses) and through the jsmime.mjs shipped in the installed
Thunderbird (omni.ja, parseAddressingHeader(s, false): how the compose window reads
recipients), and lists the inputs where the host names a domain Thunderbird would not
deliver to. Inputs that are not valid UTF-8 are skipped (Thunderbird hands the extension
JavaScript strings). Whitespace-only differences (jsmime keeps "a. b" from folded domains,
which no server accepts) are counted apart.

  python3 tests/fuzz/jsmime_differential.py build/fuzz/tests/fuzz/bccshield_fuzz_replay \\
      build/fuzz/corpus/address_list tests/fuzz/corpus/address_list
Needs node and /usr/lib/thunderbird/omni.ja. Exits 1 when a real domain difference is found.
"""
import collections
import json
import os
import pathlib
import shutil
import subprocess
import sys
import tempfile
import zipfile

OMNI = os.environ.get("THUNDERBIRD_OMNI", "/usr/lib/thunderbird/omni.ja")
NODE_SCRIPT = r"""
import { jsmime } from "./jsmime.mjs";
import fs from "fs";
for (const f of fs.readFileSync(0, "utf8").split("\n").filter(Boolean)) {
  const s = fs.readFileSync(f).toString("utf8");
  let r; try { r = jsmime.headerparser.parseAddressingHeader(s, false); } catch (e) { r = []; }
  const emails = [];
  const walk = (list) => { for (const a of list || []) { if (a.group) walk(a.group); else emails.push(a.email); } };
  walk(r);
  console.log(JSON.stringify({ file: f, emails }));
}
"""


def domain(email):
    at = email.rfind("@")
    return email[at + 1:].lower() if at >= 0 else None


def main():
    if len(sys.argv) < 3:
        print(__doc__)
        return 2
    replay, roots = sys.argv[1], sys.argv[2:]
    scratch = pathlib.Path(tempfile.mkdtemp(prefix="bccshield-jsmime-"))
    with zipfile.ZipFile(OMNI) as omni:
        (scratch / "jsmime.mjs").write_bytes(omni.read("modules/jsmime/jsmime.mjs"))
    (scratch / "dump.mjs").write_text(NODE_SCRIPT, encoding="utf-8")
    # Snapshot: libFuzzer may be rewriting the corpus while this runs.
    snap = scratch / "inputs"
    snap.mkdir()
    for root in roots:
        for path in pathlib.Path(root).rglob("*"):
            if path.is_file():
                try:
                    path.read_bytes().decode("utf-8")
                except UnicodeDecodeError:
                    continue
                shutil.copyfile(path, snap / (path.parent.name + "-" + path.name))
    files = sorted(str(p) for p in snap.iterdir())
    ours = {}
    out = subprocess.run([replay, "--dump-addresses", str(snap)], capture_output=True, text=True, check=True)
    for line in out.stdout.splitlines():
        record = json.loads(line)
        ours[record["file"]] = record
    out = subprocess.run(["node", "dump.mjs"], input="\n".join(files), capture_output=True, text=True, check=True,
                         cwd=scratch)
    theirs = {json.loads(line)["file"]: json.loads(line) for line in out.stdout.splitlines()}

    wrong, spacing = [], 0
    for file in files:
        if file not in ours or file not in theirs:
            continue
        delivered = collections.Counter(d for d in map(domain, theirs[file]["emails"]) if d)
        squeezed = {d.replace(" ", "") for d in delivered}
        for mailbox in ours[file]["mailboxes"]:
            ours_domain = mailbox["domain"].lower()
            if not ours_domain or ours_domain in delivered:
                continue
            if ours_domain in squeezed:
                spacing += 1
                continue
            wrong.append((file, ours_domain, sorted(delivered)))
    print(f"{len(files)} inputs; host domains not delivered to by Thunderbird: {len(wrong)}; "
          f"whitespace-only differences: {spacing}")
    for file, ours_domain, delivered in wrong[:30]:
        text = pathlib.Path(file).read_bytes()[:200]
        print(f"  host {ours_domain!r}, Thunderbird {delivered}: {text!r}")
    return 1 if wrong else 0


if __name__ == "__main__":
    sys.exit(main())
