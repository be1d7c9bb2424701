#!/usr/bin/python3 -S
"""A stand-in native host that speaks the issue-11 wire contract (PROTOCOL.md: `policy.keyId`,
`policy.strictestAction`, the `host` object, `report` of kind `host-error`), for running
run_host_trust.py before the real host implements it:

    /usr/bin/python3 tests/e2e/run_host_trust.py --host tests/e2e/contract_host.py --xpi ...

Never registered by ctest (the e2e there runs the real host). It decides like a one-rule
policy: `rules.exposed-parties.action` of the policy file the harness gives the host
($BCCSHIELD_POLICY; default warn) applies from 15 visible recipients; every `report` becomes
one JSON line in $BCCSHIELD_AUDIT_LOG (event report, and kind/choice/error per entry).
"""
import json
import os
import struct
import sys

MANIFEST_DIRS = ("/usr/lib/mozilla/native-messaging-hosts/", "/usr/lib64/mozilla/native-messaging-hosts/")
THRESHOLD = 15


def read_frame():
    header = sys.stdin.buffer.read(4)
    if len(header) < 4:
        return None
    return json.loads(sys.stdin.buffer.read(struct.unpack("<I", header)[0]))


def write_frame(message):
    body = json.dumps(message).encode()
    sys.stdout.buffer.write(struct.pack("<I", len(body)) + body)
    sys.stdout.buffer.flush()


def policy_action():
    try:
        with open(os.environ.get("BCCSHIELD_POLICY", ""), encoding="utf-8") as handle:
            policy = json.load(handle)
    except (OSError, ValueError):
        policy = {}
    return policy.get("rules", {}).get("exposed-parties", {}).get("action", "warn"), bool(policy)


def audit(line):
    path = os.environ.get("BCCSHIELD_AUDIT_LOG")
    if path:
        with open(path, "a", encoding="utf-8") as handle:
            handle.write(json.dumps(line) + "\n")


def main():
    manifest = sys.argv[1] if len(sys.argv) > 1 else None
    here = os.path.abspath(__file__)
    host = {"path": here, "manifest": manifest, "systemHost": here.startswith("/usr/"),
            "systemManifest": bool(manifest) and manifest.startswith(MANIFEST_DIRS), "overridden": False}
    while True:
        request = read_frame()
        if request is None:
            return
        action, configured = policy_action()
        strictest = "block" if action == "block" else ("warn" if action in ("warn", "justify", "convert") else "allow")
        envelope = {"protocolVersion": 2, "id": request.get("id"), "hostVersion": "0.0.0-contract",
                    "policy": {"status": "ok" if configured else "default", "source": "contract", "signed": False,
                               "keyId": None, "serial": None, "notAfter": None, "strictestAction": strictest},
                    "host": host}
        kind = request.get("type")
        if kind == "hello":
            envelope["result"] = {"hostVersion": "0.0.0-contract", "protocolVersion": 2}
        elif kind == "check":
            draft = request.get("draft", {})
            to, cc, bcc = draft.get("to", []), draft.get("cc", []), draft.get("bcc", [])
            visible = len(to) + len(cc)
            decision = action if visible >= THRESHOLD else "allow"
            result = {"checkId": f"contract-{request.get('id')}", "decision": decision, "findings": []}
            if decision != "allow":
                result["rewrite"] = {"strategy": "self", "to": [draft.get("from", "")], "cc": [],
                                     "bcc": list(range(visible + len(bcc)))}
                result["findings"] = [{"rule": "exposed-parties", "action": decision, "threshold": THRESHOLD,
                                       "visibleRecipients": visible, "externalRecipients": visible,
                                       "externalParties": visible, "parties": [], "omittedParties": 0}]
                result["summary"] = {"visibleRecipients": visible}
            envelope["result"] = result
        elif kind == "report":
            entries = request.get("entries") if request.get("kind") == "host-error" else [request]
            for entry in entries:
                audit({"event": "report", "kind": request.get("kind", "check"), "choice": entry.get("choice"),
                       "error": entry.get("error"), "visibleRecipients": entry.get("visibleRecipients")})
            envelope["result"] = {"recorded": True, "entries": len(entries)}
        else:
            envelope["error"] = {"code": 201, "name": "unknown-type", "message": "unknown type"}
        write_frame(envelope)


if __name__ == "__main__":
    main()
