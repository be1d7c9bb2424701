#!/usr/bin/env python3
"""Writes the fuzz seed corpus (tests/fuzz/corpus/<target>/) from the test vectors.

Sources: tests/vectors (golden check requests and policies), tests/conformance/vectors (when
present) and the shared peer vectors (/work/shared/vectors, or $BCCSHIELD_SHARED_VECTORS):
the address strings of those suites are copied in as seeds; corpus/NOTICE names them and
their licences. Deterministic: file names are the SHA-1 of the content, as libFuzzer names them.
Re-run after the vectors change:  python3 tests/fuzz/make_seeds.py
"""
import hashlib
import json
import os
import pathlib
import shutil
import struct

HERE = pathlib.Path(__file__).resolve().parent
ROOT = HERE.parent.parent
SHARED = pathlib.Path(os.environ.get("BCCSHIELD_SHARED_VECTORS", "/work/shared/vectors"))
CORPUS = HERE / "corpus"
MAX_SEED = 64 * 1024


def address_strings(node, out):
    """Every input string of a vector file, whatever its layout."""
    if isinstance(node, dict):
        if isinstance(node.get("input_hex"), str):
            out.append(bytes.fromhex(node["input_hex"]))
        elif isinstance(node.get("input"), str):
            out.append(node["input"].encode("utf-8", "surrogatepass"))
        elif isinstance(node.get("input"), list):
            out.extend(s.encode("utf-8") for s in node["input"] if isinstance(s, str))
        if isinstance(node.get("address"), str):
            out.append(node["address"].encode("utf-8"))
        if isinstance(node.get("args"), list):
            out.extend(s.encode("utf-8") for s in node["args"] if isinstance(s, str))
        for value in node.values():
            if isinstance(value, (dict, list)):
                address_strings(value, out)
    elif isinstance(node, list):
        for value in node:
            address_strings(value, out)


def frame(body):
    return struct.pack("<I", len(body)) + body


def check_request(to, cc=(), from_="Clerk <clerk@corp.example>"):
    return json.dumps({"protocolVersion": 2, "id": 1, "type": "check", "client": "thunderbird/153.0",
                       "draft": {"from": from_, "to": list(to), "cc": list(cc), "bcc": [], "type": "new"}}).encode()


def main():
    seeds = {"address_list": set(), "eml": set(), "policy": set(), "protocol": set()}

    addresses = []
    sources = []
    for path in sorted(SHARED.glob("*.json")) if SHARED.is_dir() else []:
        found = []
        address_strings(json.loads(path.read_text(encoding="utf-8")), found)
        addresses.extend(found)
        sources.append((path.name, len(found)))
    conformance = ROOT / "tests" / "conformance" / "vectors"
    for path in sorted(conformance.rglob("*.json")) if conformance.is_dir() else []:
        found = []
        address_strings(json.loads(path.read_text(encoding="utf-8")), found)
        addresses.extend(found)
    requests = []
    for path in sorted((ROOT / "tests" / "vectors").glob("*.request.json")):
        request = json.loads(path.read_text(encoding="utf-8"))
        requests.append(json.dumps(request).encode())
        draft = request.get("draft", {})
        for field in ("from", "to", "cc", "bcc"):
            values = draft.get(field, [])
            addresses.extend(v.encode() for v in ([values] if isinstance(values, str) else values))
    for path in sorted((ROOT / "tests" / "vectors").glob("*.policy.json")):
        seeds["policy"].add(path.read_bytes())

    # Pathological shapes, small (the fuzzer grows them).
    addresses += [b"(" * 200, b":" * 100 + b";" * 100, b"," * 500, b"\"" * 3 + b"a@b", b"<<<a@b",
                  b"a@b\x00c@d", b"a@b\rc@d\n", b"\xff\xfe@\xc3", b"=?UTF-8?Q?a=40b?= <c@d>" * 5,
                  b"\"a@evil.example\"@corp.example", b"user@corp.example(x)evil.example", b"a@b@c",
                  b"=?UTF-8?B?PGFAZXZpbC5leGFtcGxlPg==?= <x@corp.example>", b"g: a@b, c@d;, e@f"]
    addresses = [a for a in addresses if len(a) <= MAX_SEED]
    seeds["address_list"].update(addresses)

    for i, address in enumerate(addresses):
        if i % 3 == 0:
            seeds["eml"].add(b"From: Clerk <clerk@corp.example>\r\nTo: " + address + b"\r\nSubject: x\r\n\r\nbody\r\n")
    seeds["eml"].update([
        b"From: a@corp.example\nTo: b@gmail.com,\n c@orange.fr\nCc: d@acme.example\nTo: e@free.fr\n\nbody",
        b"To: a@b\r\n\tc@d\r\n\r\n",
        b"no header here",
        b"Bcc: x@y\r\n",
        b"To : spaced@name.example\r\nX Y: z\r\n\r\n",
    ])

    for request in requests:
        seeds["protocol"].add(b"\x00" + request)
        seeds["protocol"].add(b"\x01" + frame(request))
    for i, address in enumerate(addresses):
        if i % 4 == 0:
            try:
                seeds["protocol"].add(b"\x00" + check_request([address.decode("utf-8")]))
            except UnicodeDecodeError:
                pass
    hello = json.dumps({"type": "hello", "id": "h"}).encode()
    report = json.dumps({"type": "report", "checkId": "x", "choice": "send-anyway", "reason": "ok"}).encode()
    seeds["protocol"].update([
        b"\x01" + frame(hello) + frame(report) + frame(b"{broken"),
        b"\x01" + frame(hello)[:-3],
        b"\x01" + struct.pack("<I", 0xFFFFFFFF) + b"{}",
        b"\x01" + b"\x02\x00",
        b"\x00" + json.dumps({"type": "check", "protocolVersion": 3}).encode(),
        b"\x00[1,2]", b"\x00\xff", b"\x00" + report,
        b"\x00" + check_request(["a@gmail.com"] * 3, cc=["all@corp.example", "b@corp.example"]),
    ])

    seeds["policy"].update([
        b"{}", b"[]", b"{\"version\": 2}", b"{\"rules\": {\"exposed-partys\": {}}}",
        json.dumps({"version": 1, "internalDomains": ["corp.example", "B\u00fccher.example"], "minExposedParties": 2,
                    "consumerDomains": ["mail.example"], "largeAudienceAddresses": {"all@corp.example": 300},
                    "rules": {"exposed-parties": {"action": "block"}, "large-alias": {"action": "convert"}},
                    "rewriteStrategy": "undisclosed"}).encode(),
    ])

    if CORPUS.exists():
        for target in seeds:
            shutil.rmtree(CORPUS / target, ignore_errors=True)
    for target, items in seeds.items():
        directory = CORPUS / target
        directory.mkdir(parents=True, exist_ok=True)
        for item in items:
            (directory / hashlib.sha1(item).hexdigest()).write_bytes(item)
        print(f"{target}: {len(items)} seeds")
    with open(CORPUS / "NOTICE", "w", encoding="utf-8") as notice:
        notice.write(NOTICE_HEAD)
        for name, count in sources:
            notice.write(f"- {name}: {count} input strings ({LICENCES.get(name, 'see the vectors README')})\n")


NOTICE_HEAD = """Fuzz seed corpus, written by tests/fuzz/make_seeds.py. Test data only.

Built from BccShield's own vectors (tests/vectors, tests/conformance/vectors) and from the
address strings of other projects' test suites, as extracted into the shared peer vectors
(their README names the exact commits). The strings are copied verbatim as fuzz seeds; no
code of those projects is included. Their licences apply to those strings:

"""

LICENCES = {
    "jsmime_thunderbird.json": "Thunderbird comm-central jsmime tests, MIT (jsmime) / MPL-2.0",
    "go_net_mail.json": "Go net/mail tests, BSD-3-Clause",
    "python_email.json": "CPython Lib/test/test_email, PSF-2.0",
    "gmime.json": "GMime tests/test-mime.c, LGPL-2.1+",
    "nodemailer_addressparser.json": "nodemailer addressparser tests, MIT-0",
    "email_addresses_npm.json": "email-addresses tests, MIT",
    "isemail_dominicsayers.json": "isemail tests.xml, BSD-3-Clause",
}

if __name__ == "__main__":
    main()
