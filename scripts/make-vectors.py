#!/usr/bin/env python3
"""Writes the golden check vectors in tests/vectors/ (requests, optional policies, and with
--update the responses produced by the built host). Review the diff before committing: the
responses are the contract that PROTOCOL.md, the Outlook parity test and the host tests share.

usage: scripts/make-vectors.py [--update HOST_BINARY]
"""
import json
import os
import struct
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
VECTORS = os.path.join(HERE, "..", "tests", "vectors")
sys.path.insert(0, os.path.join(HERE, "..", "tests", "support"))
from private_machine import PrivateMachine  # noqa: E402  (serve mode reads /etc/bccshield only)

SYSTEM_MANIFEST = "/usr/lib/mozilla/native-messaging-hosts/org.bccshield.host.json"
SENDER = "Accueil Office de tourisme <accueil@tourisme-vallee.fr>"
PROVIDERS = ["gmail.com", "orange.fr", "free.fr", "laposte.net", "hotmail.fr", "wanadoo.fr", "yahoo.fr", "sfr.fr"]


def visitors(count, offset=0):
    return [f"Visiteur {i} <visiteur{i}@{PROVIDERS[i % len(PROVIDERS)]}>" for i in range(offset, offset + count)]


def draft(to, cc=(), bcc=(), kind="new", original=None, sender=SENDER):
    d = {"from": sender, "to": list(to), "cc": list(cc), "bcc": list(bcc), "type": kind}
    if original is not None:
        d["original"] = original
    return d


CASES = {
    "tourism-office": (draft(visitors(30)), None),
    "minimal-warn": (draft([f"p{i}@{PROVIDERS[i]}" for i in range(8)], sender="Clerk <clerk@mairie.example>"), None),
    "below-threshold": (draft(visitors(7)), None),
    "colleagues": (draft([f"Collègue {i} <c{i}@tourisme-vallee.fr>" for i in range(40)]), None),
    "three-partners": (draft([f"p{i}@{c}" for c in ("acme.example", "globex.example", "initech.example")
                              for i in range(4)]), None),
    "subdomains-one-party": (draft(["a@mail.acme.co.uk", "b@acme.co.uk", "c@lyon.acme.co.uk"] + visitors(6)), None),
    "duplicates-to-cc": (draft(visitors(8), cc=["VISITEUR 0 <visiteur0@GMAIL.COM>", "visiteur1@Orange.FR"]), None),
    "group-and-encoded-names": (draft(["Parents 6eB: =?UTF-8?Q?Am=C3=A9lie?= <amelie@free.fr>, "
                                       "\"Martin, Paul\" <paul.martin@orange.fr>, zoe@gmail.com;",
                                       "undisclosed-recipients:;"] + visitors(6, 100)), None),
    "idn-domains": (draft(["anna@bücher.example", "anna@XN--BCHER-KVA.example", "Élise <elise@école.example>"]
                          + visitors(7, 200)), None),
    "reply-all-leak": (draft(visitors(3), kind="reply", original={"to": visitors(20), "cc": []}), None),
    "unparsable-entry": (draft(["Team <Team>", "alice@acme.example"]), None),
    "bcc-already": (draft([SENDER], bcc=visitors(40)), None),
    "consumer-sender": (draft([f"ami{i}@gmail.com" for i in range(9)], sender="Jean <jean.dupont@gmail.com>"), None),
    "policy-keep-internal": (draft(visitors(9) + ["Chef <chef@tourisme-vallee.fr>"], cc=["compta@tourisme-vallee.fr"]),
                             {"rewriteStrategy": "keep-internal", "rules": {"exposed-parties": {"action": "justify"}}}),
    "policy-undisclosed-block": (draft(visitors(12)), {"rewriteStrategy": "undisclosed",
                                                        "rules": {"exposed-parties": {"action": "block"}}}),
    "policy-large-alias": (draft(["Tous les parents <parents@ecole.example>", "nouveau@gmail.com"]),
                           {"largeAudienceAddresses": {"parents@ecole.example": 350}, "internalDomains": ["ecole.example"]}),
    "policy-convert": (draft(visitors(10)), {"rules": {"exposed-parties": {"action": "convert"}}}),
    # Large mailings (issue 14): batches within the provider's limit, one copy per person, the bulk tool.
    "policy-batches": (draft(visitors(25)), {"maxRecipientsPerMessage": 10}),
    "policy-batches-by-sender": (draft(visitors(12)), {"maxRecipientsPerMessage": 100,
                                                       "maxRecipientsPerMessageBySender": {"tourisme-vallee.fr": 5}}),
    "policy-individual": (draft(visitors(9)), {"rewriteStrategy": "individual"}),
    "policy-individual-over-max": (draft(visitors(12)), {"rewriteStrategy": "individual", "individualMax": 10}),
    "policy-bulk-channel": (draft(visitors(20)), {"bulkChannel": {"name": "Lettre d'information",
                                                                  "url": "https://newsletter.tourisme-vallee.fr/",
                                                                  "minRecipients": 20}}),
}


def ask(host, request, policy_path):
    body = json.dumps(request).encode()
    machine = PrivateMachine(tempfile.mkdtemp(prefix="bccshield-vectors-"))
    if policy_path:
        with open(policy_path, "rb") as f:
            machine.write("policy.json", f.read())
    env = {"PATH": "/usr/bin:/bin", "HOME": "/nonexistent"}  # no audit log is written
    try:
        out = subprocess.run(machine.command([host, SYSTEM_MANIFEST, "bccshield@bccshield.org"]),
                             input=struct.pack("=I", len(body)) + body, capture_output=True, env=env,
                             check=True).stdout
    finally:
        machine.cleanup()
    reply = json.loads(out[4:])
    reply["result"].pop("checkId", None)
    reply["result"]["checkId"] = "(random)"
    # The machine's facts, written as a packaged install would give them.
    reply["policy"]["source"] = os.path.basename(reply["policy"]["source"])
    reply["host"].update({"path": "/usr/bin/bccshield-host", "systemHost": True, "systemManifest": True})
    return reply


def main():
    host = sys.argv[2] if len(sys.argv) == 3 and sys.argv[1] == "--update" else None
    for name, (d, policy) in CASES.items():
        base = os.path.join(VECTORS, f"check-{name}")
        request = {"protocolVersion": 2, "id": name, "type": "check", "client": "thunderbird/153.7.0", "draft": d}
        with open(base + ".request.json", "w", encoding="utf-8") as f:
            json.dump(request, f, ensure_ascii=False, indent=2)
            f.write("\n")
        policy_path = None
        if policy is not None:
            policy_path = base + ".policy.json"
            with open(policy_path, "w", encoding="utf-8") as f:
                json.dump(policy, f, ensure_ascii=False, indent=2)
                f.write("\n")
        if host:
            with open(base + ".response.json", "w", encoding="utf-8") as f:
                json.dump(ask(host, request, policy_path), f, ensure_ascii=False, indent=2)
                f.write("\n")


if __name__ == "__main__":
    main()
