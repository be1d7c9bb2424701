import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
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
  assert.deepEqual(Object.keys(schema.properties).sort(), Object.keys(DEFAULT_SETTINGS).sort());
  assert.deepEqual(schema.properties.onHostError.enum, ON_HOST_ERROR_VALUES);
  assert.equal(schema.properties.onHostError.default, DEFAULT_SETTINGS.onHostError);
  assert.equal(schema.properties.hostTimeoutMs.default, DEFAULT_SETTINGS.hostTimeoutMs);
});
