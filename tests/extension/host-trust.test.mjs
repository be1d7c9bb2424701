import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import path from "node:path";
import { assessHost, builtInEngineAllowed, TRUST_CHECKS, TRUST_MESSAGES, trustLines } from "../../extension/thunderbird/modules/host-trust.mjs";
import { resolveSettings } from "../../extension/thunderbird/modules/settings.mjs";
import { EXTENSION_DIR, loadMessages } from "./messenger-stub.mjs";

const KEY = "3f2a9c0d41e7b6a8";
const SYSTEM_HOST = {
  path: "/usr/bin/bccshield-host", manifest: "/usr/lib/mozilla/native-messaging-hosts/org.bccshield.host.json",
  systemHost: true, systemManifest: true, overridden: false,
};
const signed = (extra = {}) => ({ policy: { status: "ok", keyId: KEY, strictestAction: "block" }, host: { ...SYSTEM_HOST }, ...extra });
const managed = (values) => resolveSettings({}, values);
const checks = (assessment) => assessment.problems.map((p) => p.check);

test("no expectation set: a system host with a signed policy has nothing to say", () => {
  const result = assessHost(signed(), managed({}));
  assert.deepEqual(result, { enforced: false, untrusted: false, problems: [] });
});

test("no expectation set: a per-user manifest, a user host and overrides are shown, not refused", () => {
  const reply = signed({ host: { ...SYSTEM_HOST, path: "/home/u/.local/lib/bccshield/bccshield-host", manifest: "/home/u/.mozilla/native-messaging-hosts/org.bccshield.host.json", systemHost: false, systemManifest: false, overridden: true } });
  const result = assessHost(reply, managed({}));
  assert.equal(result.untrusted, false);
  assert.deepEqual(checks(result), ["userManifest", "userHost", "overridden"]);
  assert.equal(result.problems[0].got, "/home/u/.mozilla/native-messaging-hosts/org.bccshield.host.json");
});

test("requireSignedPolicy: unsigned, strict or unknown key id is untrusted-host", () => {
  const settings = managed({ requireSignedPolicy: true });
  assert.equal(assessHost(signed(), settings).untrusted, false);
  for (const policy of [{ status: "ok", keyId: null }, { status: "strict", keyId: KEY }, { status: "default" }, null]) {
    const result = assessHost({ policy, host: SYSTEM_HOST }, settings);
    assert.equal(result.untrusted, true, JSON.stringify(policy));
    assert.deepEqual(checks(result), ["unsignedPolicy"]);
  }
});

test("expectedPolicyKeyId: another key or none is untrusted, with expected and got", () => {
  const settings = managed({ expectedPolicyKeyId: KEY.toUpperCase() });
  assert.equal(settings.values.expectedPolicyKeyId, KEY);
  assert.equal(assessHost(signed(), settings).untrusted, false);
  const other = assessHost({ policy: { status: "ok", keyId: "00112233aabbccdd" }, host: SYSTEM_HOST }, settings);
  assert.equal(other.untrusted, true);
  assert.deepEqual(other.problems, [{ check: "policyKeyId", expected: KEY, got: "00112233aabbccdd" }]);
  const none = assessHost({ policy: { status: "default", keyId: null }, host: SYSTEM_HOST }, settings);
  assert.deepEqual(none.problems, [{ check: "policyKeyId", expected: KEY, got: null }]);
});

test("expectedHostPath: another path is untrusted", () => {
  const settings = managed({ expectedHostPath: "/usr/bin/bccshield-host" });
  assert.equal(assessHost(signed(), settings).untrusted, false);
  const other = assessHost(signed({ host: { ...SYSTEM_HOST, path: "/tmp/evil" } }), settings);
  assert.deepEqual(other.problems, [{ check: "hostPath", expected: "/usr/bin/bccshield-host", got: "/tmp/evil" }]);
  assert.equal(other.untrusted, true);
});

test("with any expectation set, a shadowing user manifest is untrusted even with the right key", () => {
  const settings = managed({ expectedPolicyKeyId: KEY });
  const shadow = assessHost(signed({ host: { ...SYSTEM_HOST, manifest: "/home/u/.mozilla/native-messaging-hosts/org.bccshield.host.json", systemManifest: false } }), settings);
  assert.equal(shadow.untrusted, true);
  assert.deepEqual(checks(shadow), ["userManifest"]);
  const overridden = assessHost(signed({ host: { ...SYSTEM_HOST, overridden: true } }), settings);
  assert.deepEqual(checks(overridden), ["overridden"]);
  assert.equal(overridden.untrusted, true);
});

test("an older host that says nothing about itself is untrusted only when IT expects something", () => {
  assert.equal(assessHost({ policy: { status: "ok", keyId: KEY } }, managed({})).untrusted, false);
  const result = assessHost({ policy: { status: "ok", keyId: KEY } }, managed({ expectedPolicyKeyId: KEY }));
  assert.deepEqual(checks(result), ["hostUnknown"]);
  assert.equal(result.untrusted, true);
});

test("an invalid IT value fails closed (every host refused), and is named", () => {
  const settings = managed({ expectedPolicyKeyId: "not hex!" });
  assert.equal(settings.values.expectedPolicyKeyId, "");
  assert.deepEqual(settings.invalidManaged, ["expectedPolicyKeyId"]);
  const result = assessHost(signed(), settings);
  assert.equal(result.untrusted, true);
  assert.deepEqual(result.problems, [{ check: "invalidSetting", expected: "expectedPolicyKeyId", got: null }]);
  assert.equal(builtInEngineAllowed(settings), false);
});

test("the built-in engine does not decide when a signature is expected", () => {
  assert.equal(builtInEngineAllowed(managed({})), true);
  assert.equal(builtInEngineAllowed(managed({ expectedHostPath: "/usr/bin/bccshield-host" })), true);
  assert.equal(builtInEngineAllowed(managed({ requireSignedPolicy: true })), false);
  assert.equal(builtInEngineAllowed(managed({ expectedPolicyKeyId: KEY })), false);
});

test("every problem has a sentence in English and French, with expected and got", () => {
  for (const lang of ["en", "fr"]) {
    const messages = JSON.parse(readFileSync(path.join(EXTENSION_DIR, "_locales", lang, "messages.json"), "utf8"));
    for (const check of Object.values(TRUST_CHECKS)) {
      assert.ok(messages[TRUST_MESSAGES[check]], `${lang}: ${check}`);
    }
  }
  const en = loadMessages("en");
  const fr = loadMessages("fr");
  const problems = [{ check: "policyKeyId", expected: KEY, got: null }, { check: "hostPath", expected: "/usr/bin/bccshield-host", got: "/tmp/evil" }];
  assert.deepEqual(trustLines(problems, en), [
    `The policy is signed with another key: expected ${KEY}, got none.`,
    "Another program answered: expected /usr/bin/bccshield-host, got /tmp/evil.",
  ]);
  assert.deepEqual(trustLines(problems, fr), [
    `La règle est signée par une autre clé : attendue ${KEY}, reçue aucune.`,
    "Un autre programme a répondu : attendu /usr/bin/bccshield-host, reçu /tmp/evil.",
  ]);
});
