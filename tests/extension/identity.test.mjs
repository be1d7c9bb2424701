// The generated identity agrees everywhere it lands: the host's identity.hpp, the extension's
// identity.mjs and manifest.json, the running host, the packages' files (all from cmake/identity.cmake).
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";
import { EXTENSION_DIR } from "./messenger-stub.mjs";
import { XPI_ROOT } from "./build-tree.mjs";
import * as identity from "../../extension/thunderbird/modules/identity.mjs";

const ROOT = path.resolve(EXTENSION_DIR, "../..");
const header = readFileSync(process.env.BCCSHIELD_IDENTITY_HPP, "utf8");
const manifest = JSON.parse(readFileSync(path.join(XPI_ROOT, "manifest.json"), "utf8"));

function constant(name) {
  const found = header.match(new RegExp(`constexpr [^=]* ${name} = ("([^"]*)"|(\\d+)U?);`));
  assert.ok(found, `identity.hpp defines ${name}`);
  return found[2] ?? Number(found[3]);
}

test("identity.hpp and identity.mjs hold the same facts", () => {
  assert.equal(identity.EXTENSION_VERSION, constant("host_version"));
  assert.equal(identity.PROTOCOL_VERSION, constant("protocol_version"));
  assert.equal(identity.HOST_NAME, constant("host_name"));
  assert.equal(identity.EXTENSION_ID, constant("default_extension_id"));
  assert.equal(identity.MAX_REQUEST_BYTES, constant("max_request_bytes"));
  assert.equal(identity.MAX_REPLY_BYTES, constant("max_reply_bytes"));
  assert.equal(identity.MAX_REPLY_BYTES, 1024 * 1024, "Thunderbird's limit on host replies");
  assert.equal(constant("system_policy_file"), "/etc/bccshield/policy.json", "system paths ignore the prefix");
});

test("the shipped manifest.json carries the generated version and id", () => {
  assert.equal(manifest.version, identity.EXTENSION_VERSION);
  assert.equal(manifest.browser_specific_settings.gecko.id, identity.EXTENSION_ID);
});

test("the host binary reports the same version, name and extension id", () => {
  const host = process.env.BCCSHIELD_HOST;
  const version = execFileSync(host, ["--version"], { encoding: "utf8" });
  const [first, second, ...rest] = version.split("\n");
  assert.equal(first, `bccshield-host ${identity.EXTENSION_VERSION} (protocol ${identity.PROTOCOL_VERSION})`);
  assert.match(second, /^public suffix list of \d{4}-\d{2}-\d{2} \(built in\)$/);
  assert.deepEqual(rest, [""]);
  const hostManifest = JSON.parse(execFileSync(host, ["manifest", "--host-path", "/usr/bin/bccshield-host"], { encoding: "utf8" }));
  assert.equal(hostManifest.name, identity.HOST_NAME);
  assert.deepEqual(hostManifest.allowed_extensions, [identity.EXTENSION_ID]);
});

test("the Debian changelog's latest entry is this version", () => {
  const changelog = readFileSync(path.join(ROOT, "installer", "debian", "changelog"), "utf8");
  assert.equal(changelog.match(/^bccshield \(([^)]+)\)/)[1], identity.EXTENSION_VERSION);
});
