#!/usr/bin/env node
// Offline manifest checks for the built add-in directory:
// - manifest.json validates with office-addin-manifest (bundled schemas, no network);
// - manifest.xml is well-formed (xmllint) and, converted to JSON by office-addin-manifest-converter
//   (offline), validates too;
// - both manifests agree with the handler: function names, the commandId of the Convert button,
//   SoftBlock, HTTPS URLs under the configured base URL.
//
//   node tests/outlook/validate-manifests.js ADDIN_DIR XMLLINT
"use strict";

const assert = require("assert/strict");
const fs = require("fs");
const os = require("os");
const path = require("path");
const { createRequire } = require("module");
const { execFileSync } = require("child_process");

const [dir, xmllint] = process.argv.slice(2);
const addinRoot = path.resolve(__dirname, "..", "..", "extension", "outlook");
const requireAddin = createRequire(path.join(addinRoot, "package.json"));

async function main() {
  let manifestTools;
  try {
    manifestTools = requireAddin("office-addin-manifest");
  } catch (error) {
    // One line, no stack (see extension/outlook/tools/npm-ci.cmake).
    process.stderr.write(`office-addin-manifest is missing: run "cd ${addinRoot} && npm ci --no-audit --no-fund"\n`);
    process.exit(1);
  }
  const converterCli = path.join(addinRoot, "node_modules", ".bin", "office-addin-manifest-converter");

  // 1. JSON manifest.
  const jsonPath = path.join(dir, "manifest.json");
  const jsonResult = await manifestTools.validateManifest(jsonPath);
  assert.equal(jsonResult.isValid, true, `manifest.json invalid: ${JSON.stringify(jsonResult.report)}`);

  // The same through the command line an admin would use (exit status 0 = valid).
  const manifestCli = path.join(addinRoot, "node_modules", ".bin", "office-addin-manifest");
  execFileSync(process.execPath, [manifestCli, "validate", jsonPath], { stdio: "pipe" });

  // Negative control: the validator does reject a broken manifest.
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "bccshield-manifest-"));
  const broken = JSON.parse(fs.readFileSync(jsonPath, "utf8"));
  delete broken.id;
  broken.extensions[0].autoRunEvents[0].events[0].options.sendMode = "sometimes";
  fs.writeFileSync(path.join(tmp, "manifest.json"), JSON.stringify(broken));
  let brokenValid = true;
  try {
    brokenValid = (await manifestTools.validateManifest(path.join(tmp, "manifest.json"))).isValid;
  } catch (error) {
    brokenValid = false;
  }
  assert.equal(brokenValid, false, "the validator accepted a broken manifest");
  assert.throws(() => execFileSync(process.execPath, [manifestCli, "validate", path.join(tmp, "manifest.json")],
    { stdio: "pipe" }), "office-addin-manifest validate accepted a broken manifest");

  // 2. XML manifest: well-formed, then converted and validated.
  const xmlPath = path.join(dir, "manifest.xml");
  execFileSync(xmllint, ["--noout", xmlPath], { stdio: "inherit" });
  const converted = path.join(tmp, "converted");
  execFileSync(process.execPath, [converterCli, "convert", xmlPath, "--output", converted], { stdio: "pipe" });
  const convertedResult = await manifestTools.validateManifest(path.join(converted, "manifest.json"));
  assert.equal(convertedResult.isValid, true, `converted XML manifest invalid: ${JSON.stringify(convertedResult.report)}`);

  // 3. Both manifests agree with the handler.
  const xml = fs.readFileSync(xmlPath, "utf8");
  const json = JSON.parse(fs.readFileSync(jsonPath, "utf8"));
  const bundle = fs.readFileSync(path.join(dir, "bccshield-outlook.js"), "utf8");
  assert.match(xml, /<LaunchEvent Type="OnMessageSend" FunctionName="onMessageSendHandler" SendMode="SoftBlock"\/>/);
  assert.match(xml, /<LaunchEvent Type="OnMessageRecipientsChanged" FunctionName="onMessageRecipientsChangedHandler"\/>/);
  assert.match(xml, /<Control xsi:type="Button" id="convertToBcc">/);
  assert.match(xml, /<FunctionName>convertToBcc<\/FunctionName>/);
  assert.match(bundle, /var CONVERT_COMMAND_ID = "convertToBcc";/);
  for (const name of ["onMessageSendHandler", "onMessageRecipientsChangedHandler"]) {
    assert.ok(bundle.includes(`Office.actions.associate("${name}"`), `${name} not registered`);
  }
  // Clients below Mailbox 1.12 ignore VersionOverrides and show only FormSettings: the page
  // that says the add-in needs a newer Outlook, not the runtime.
  assert.match(xml, /<FormSettings>[\s\S]*<SourceLocation DefaultValue="[^"]*\/requirements\.html"\/>[\s\S]*<\/FormSettings>/);
  const extension = json.extensions[0];
  // The dialog's Convert button is found by the control id (XML <Control id>, JSON controls[].id),
  // which must equal the handler's commandId; an unknown id makes the button simply cancel the send
  // (office-js-docs-reference office.smartalertseventcompletedoptions.yml, commandId remarks).
  const commandId = bundle.match(/var CONVERT_COMMAND_ID = "([^"]+)";/)[1];
  const xmlControlIds = [...xml.matchAll(/<Control xsi:type="Button" id="([^"]+)">/g)].map((m) => m[1]);
  assert.ok(xmlControlIds.includes(commandId), `manifest.xml has no <Control id="${commandId}"> (${xmlControlIds})`);
  const jsonControls = [];
  for (const ribbon of extension.ribbons || []) {
    for (const tab of ribbon.tabs || []) {
      for (const group of tab.groups || []) jsonControls.push(...(group.controls || []));
    }
  }
  const convertControl = jsonControls.find((control) => control.id === commandId);
  assert.ok(convertControl, `manifest.json has no control with id "${commandId}" (${jsonControls.map((c) => c.id)})`);
  assert.equal(convertControl.actionId, commandId, "the Convert control runs the convertToBcc function");
  const actions = extension.runtimes[0].actions.map((action) => action.id).sort();
  assert.deepEqual(actions, ["convertToBcc", "onMessageRecipientsChangedHandler", "onMessageSendHandler"]);
  const sending = extension.autoRunEvents[0].events.find((event) => event.type === "messageSending");
  assert.equal(sending.options.sendMode, "softBlock");
  const urls = (xml.match(/https?:\/\/[^"<\s]+/g) || [])
    .filter((url) => !url.startsWith("http://schemas.microsoft.com/") && !url.startsWith("http://www.w3.org/"));
  const base = xml.match(/<bt:Url id="JSRuntime.Url" DefaultValue="([^"]+)bccshield-outlook.js"\/>/)[1];
  for (const url of urls) {
    assert.ok(url.startsWith("https://"), `not HTTPS: ${url}`);
    if (!/<AppDomain>/.test(url)) assert.ok(url.startsWith(new URL(base).origin), `outside the base URL: ${url}`);
  }
  for (const icon of ["assets/icon-16.png", "assets/icon-32.png", "assets/icon-64.png", "assets/icon-80.png",
    "assets/icon-128.png", json.icons.color, json.icons.outline, "commands.html", "requirements.html"]) {
    assert.ok(fs.existsSync(path.join(dir, icon)), `missing ${icon}`);
  }
  fs.rmSync(tmp, { recursive: true, force: true });
  process.stdout.write(`manifests OK: manifest.json valid, manifest.xml well-formed and valid after conversion (base ${base})\n`);
}

main().catch((error) => {
  process.stderr.write(`validate-manifests: ${error && error.stack ? error.stack : error}\n`);
  process.exit(1);
});
