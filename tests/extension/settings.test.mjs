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
