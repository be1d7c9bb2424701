// Options page: the host's status and the user-level settings, with IT-locked ones shown
// disabled ("Set by your organisation").

import { loadSettings } from "../modules/settings.mjs";
import { versionMismatchNote } from "../modules/host-version.mjs";
import { trustLines } from "../modules/host-trust.mjs";

const t = (key, substitutions = []) => messenger.i18n.getMessage(key, substitutions.map(String));

function translatePage() {
  document.documentElement.lang = messenger.i18n.getUILanguage();
  for (const node of document.querySelectorAll("[data-i18n]")) {
    node.textContent = t(node.dataset.i18n);
  }
}

function listInto(id, lines) {
  const list = document.getElementById(id);
  list.replaceChildren(...lines.map((line) => {
    const item = document.createElement("li");
    item.textContent = line;
    return item;
  }));
  list.hidden = lines.length === 0;
}

/** Which host answered (PROTOCOL.md `host`, `policy.keyId`) and what does not match. */
function showTrust(status) {
  const trust = status?.trust ?? { problems: [], untrusted: false };
  document.getElementById("trustUntrusted").hidden = !trust.untrusted;
  listInto("trustProblems", trustLines(trust.problems, t));
  // Refused: red and bold; only shown (IT set no expectation): a plain note.
  document.getElementById("trustProblems").className = trust.untrusted ? "warning" : "notice";
  const host = status?.host ?? null;
  const text = (value) => (value === null || value === undefined || value === "" ? t("optionsTrustUnknown") : String(value));
  const yesNo = (value) => (value === true ? t("optionsTrustYes") : value === false ? t("optionsTrustNo") : t("optionsTrustUnknown"));
  const facts = status?.found ? [
    t("optionsTrustPath", [text(host?.path)]),
    t("optionsTrustManifest", [text(host?.manifest)]),
    t("optionsTrustSystemHost", [yesNo(host?.systemHost)]),
    t("optionsTrustSystemManifest", [yesNo(host?.systemManifest)]),
    t("optionsTrustKeyId", [text(status.policy?.keyId)]),
    t("optionsTrustOverridden", [yesNo(host?.overridden)]),
  ] : [];
  listInto("trustFacts", facts);
}

/** IT's expectations (managed only): shown, never editable. */
function showExpectations(values) {
  const lines = [];
  if (values.requireSignedPolicy) {
    lines.push(t("optionsTrustRequireSigned"));
  }
  if (values.expectedPolicyKeyId) {
    lines.push(t("optionsTrustExpectedKeyId", [values.expectedPolicyKeyId]));
  }
  if (values.expectedHostPath) {
    lines.push(t("optionsTrustExpectedHostPath", [values.expectedHostPath]));
  }
  listInto("trustExpectations", lines);
}

async function showHostStatus() {
  const status = await messenger.runtime.sendMessage({ command: "hostStatus" });
  showTrust(status);
  const host = document.getElementById("hostStatus");
  const policy = document.getElementById("policyStatus");
  const mismatch = document.getElementById("versionMismatch");
  mismatch.textContent = versionMismatchNote(status?.hostVersion, { t }, "optionsVersionMismatch");
  mismatch.hidden = mismatch.textContent === "";
  if (!status?.found) {
    host.textContent = t("optionsHostMissing", [status?.message ?? ""]);
    host.dataset.found = "false";
    return;
  }
  host.textContent = t("optionsHostFound", [status.hostVersion ?? ""]);
  host.dataset.found = "true";
  const info = status.policy ?? {};
  const source = !info.source || info.source === "built-in" ? t("optionsPolicyBuiltIn") : info.source;
  let state = t("optionsPolicyStatusOk");
  if (info.status === "default") {
    state = t("optionsPolicyStatusDefault");
  } else if (info.status === "error") {
    state = t("optionsPolicyStatusError", [info.error?.message ?? ""]);
  }
  const signed = info.signed ? `, ${t("optionsPolicySigned")}` : "";
  policy.textContent = `${t("optionsPolicySource", [source])} (${state}${signed})`;
}

function flashSaved() {
  const saved = document.getElementById("saved");
  saved.hidden = false;
  setTimeout(() => {
    saved.hidden = true;
  }, 1500);
}

async function showSettings() {
  const { values, locked } = await loadSettings(messenger.storage);
  showExpectations(values);
  for (const radio of document.querySelectorAll("input[name=onHostError]")) {
    radio.checked = radio.value === values.onHostError;
    radio.disabled = locked.has("onHostError");
    radio.addEventListener("change", async () => {
      await messenger.storage.local.set({ onHostError: radio.value });
      flashSaved();
    });
  }
  const timeout = document.querySelector("input[name=hostTimeoutMs]");
  timeout.value = String(values.hostTimeoutMs);
  timeout.disabled = locked.has("hostTimeoutMs");
  timeout.addEventListener("change", async () => {
    const value = Number.parseInt(timeout.value, 10);
    if (Number.isInteger(value) && value >= 500 && value <= 120000) {
      await messenger.storage.local.set({ hostTimeoutMs: value });
      flashSaved();
    }
  });
  for (const name of locked) {
    const note = document.querySelector(`#${name} .locked`);
    if (note) {
      note.hidden = false;
    }
  }
}

translatePage();
showSettings();
showHostStatus();
