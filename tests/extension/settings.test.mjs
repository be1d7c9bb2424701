import { test } from "node:test";
import assert from "node:assert/strict";
import { loadSettings, resolveSettings } from "../../extension/thunderbird/modules/settings.mjs";

test("defaults, user values, and IT values that win and lock", () => {
  assert.equal(resolveSettings({}, {}).values.onHostError, "ask");
  assert.equal(resolveSettings({ onHostError: "allow" }, {}).values.onHostError, "allow");
  const locked = resolveSettings({ onHostError: "allow" }, { onHostError: "block" });
  assert.equal(locked.values.onHostError, "block");
  assert.deepEqual([...locked.locked], ["onHostError"]);
});

test("invalid values are ignored", () => {
  const resolved = resolveSettings({ onHostError: "yolo", hostTimeoutMs: -1 }, { hostTimeoutMs: "5" });
  assert.equal(resolved.values.onHostError, "ask");
  assert.equal(resolved.values.hostTimeoutMs, 8000);
  assert.equal(resolved.locked.size, 0);
});

test("no enterprise policy (managed storage throws) is not an error", async () => {
  const storage = {
    local: { get: async () => ({ hostTimeoutMs: 3000 }) },
    managed: { get: async () => { throw new Error("Managed storage manifest not found"); } },
  };
  const { values } = await loadSettings(storage);
  assert.equal(values.hostTimeoutMs, 3000);
});

test("host-trust settings: IT only, validated, key ids lowercase", () => {
  const user = resolveSettings({ requireSignedPolicy: true, expectedPolicyKeyId: "3f2a9c0d41e7b6a8", expectedHostPath: "/tmp/x" }, {});
  assert.equal(user.values.requireSignedPolicy, false);
  assert.equal(user.values.expectedPolicyKeyId, "");
  assert.equal(user.values.expectedHostPath, "");
  const it = resolveSettings({}, { requireSignedPolicy: true, expectedPolicyKeyId: "3F2A9C0D41E7B6A8", expectedHostPath: "/usr/bin/bccshield-host" });
  assert.deepEqual([it.values.requireSignedPolicy, it.values.expectedPolicyKeyId, it.values.expectedHostPath],
    [true, "3f2a9c0d41e7b6a8", "/usr/bin/bccshield-host"]);
  assert.deepEqual([...it.locked].sort(), ["expectedHostPath", "expectedPolicyKeyId", "requireSignedPolicy"]);
  const bad = resolveSettings({}, { requireSignedPolicy: "yes", expectedPolicyKeyId: "xyz", expectedHostPath: "relative/path" });
  assert.deepEqual(bad.invalidManaged.sort(), ["expectedHostPath", "expectedPolicyKeyId", "requireSignedPolicy"]);
  assert.equal(bad.locked.size, 0);
  assert.equal(resolveSettings({}, { expectedHostPath: "C:\\Program Files\\BccShield\\bccshield-host.exe" }).values.expectedHostPath,
    "C:\\Program Files\\BccShield\\bccshield-host.exe");
});
