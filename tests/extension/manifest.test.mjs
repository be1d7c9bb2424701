import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { EXTENSION_DIR } from "./messenger-stub.mjs";
import { XPI_ROOT } from "./build-tree.mjs";
import { EXTENSION_VERSION, HOST_NAME } from "../../extension/thunderbird/modules/identity.mjs";

const ROOT = path.resolve(EXTENSION_DIR, "../..");
// The manifest as shipped: CMake writes it from manifest.json.in.
const manifest = JSON.parse(readFileSync(path.join(XPI_ROOT, "manifest.json"), "utf8"));

test("MV3, fixed id, Thunderbird 128 and later", () => {
  assert.equal(manifest.manifest_version, 3);
  assert.equal(manifest.browser_specific_settings.gecko.id, "bccshield@bccshield.org");
  assert.equal(manifest.browser_specific_settings.gecko.strict_min_version, "128.0");
  assert.equal(manifest.default_locale, "en");
  assert.equal(manifest.experiment_apis, undefined, "stable APIs only");
  for (const permission of ["compose", "nativeMessaging", "storage", "addressBooks", "messagesRead"]) {
    assert.ok(manifest.permissions.includes(permission), permission);
  }
});

test("the extension version is the project's single version", () => {
  const cmake = readFileSync(path.join(ROOT, "cmake", "identity.cmake"), "utf8");
  const version = cmake.match(/set\(BCCSHIELD_VERSION ([0-9.]+)\)/)[1];
  assert.equal(manifest.version, version);
  assert.equal(EXTENSION_VERSION, version);
  assert.doesNotMatch(readFileSync(path.join(EXTENSION_DIR, "manifest.json.in"), "utf8"), /"version": "\d/,
    "the source manifest takes its version from CMake");
});

test("the host name agrees everywhere: generated constant, CMake, protocol", () => {
  assert.equal(HOST_NAME, "org.bccshield.host");
  assert.match(readFileSync(path.join(ROOT, "cmake", "identity.cmake"), "utf8"), /BCCSHIELD_HOST_NAME "org\.bccshield\.host"/);
  assert.match(readFileSync(path.join(ROOT, "PROTOCOL.md"), "utf8"), /`org\.bccshield\.host`/);
});

test("the managed-storage schema covers exactly the extension's settings", async () => {
  const schema = JSON.parse(readFileSync(path.join(ROOT, "manifests", "managed-storage.json"), "utf8"));
  const { DEFAULT_SETTINGS, ON_HOST_ERROR_VALUES } = await import("../../extension/thunderbird/modules/constants.mjs");
  const { MANAGED_POLICY_KEY } = await import("../../extension/thunderbird/modules/engine-choice.mjs");
  // The settings, plus IT's policy for the built-in engine (read by engine-choice.mjs).
  assert.deepEqual(Object.keys(schema.properties).sort(), [...Object.keys(DEFAULT_SETTINGS), MANAGED_POLICY_KEY].sort());
  assert.deepEqual(schema.properties.onHostError.enum, ON_HOST_ERROR_VALUES);
  const { ENGINE_VALUES } = await import("../../extension/thunderbird/modules/constants.mjs");
  assert.deepEqual(schema.properties.engine.enum, ENGINE_VALUES);
  assert.equal(schema.properties.engine.default, DEFAULT_SETTINGS.engine);
  assert.equal(schema.properties.onHostError.default, DEFAULT_SETTINGS.onHostError);
  assert.equal(schema.properties.hostTimeoutMs.default, DEFAULT_SETTINGS.hostTimeoutMs);
});

test("the CSP is Thunderbird's MV3 default plus 'wasm-unsafe-eval' exactly when the XPI carries a .wasm", () => {
  const wasm = existsSync(path.join(XPI_ROOT, "bccshield-engine.wasm"));
  const csp = manifest.content_security_policy;
  if (wasm) {
    assert.deepEqual(csp, { extension_pages: "script-src 'self' 'wasm-unsafe-eval'; upgrade-insecure-requests;" });
  } else {
    assert.equal(csp, undefined, "no loosening without WebAssembly");
  }
});
