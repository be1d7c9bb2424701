import { test } from "node:test";
import assert from "node:assert/strict";
import { buildPopupModel, createTranslator, popupSize } from "../../extension/thunderbird/modules/popup-model.mjs";
import { loadMessages } from "./messenger-stub.mjs";

const en = createTranslator(loadMessages("en"), "en-US");
const fr = createTranslator(loadMessages("fr"), "fr");
const FROM = "Office <accueil@tourisme.example>";

function tourismCase(people = 27, organisations = 2) {
  const to = Array.from({ length: people }, (_, i) => `P${i} <p${i}@${i < organisations ? "acme.example" : "gmail.com"}>`);
  const parties = [
    ...(organisations > 0 ? [{ party: "acme.example", kind: "organisation", recipients: to.slice(0, organisations) }] : []),
    ...to.slice(organisations).map((r) => ({ party: "gmail.com", kind: "private", recipients: [r] })),
  ];
  const draft = { from: FROM, to, cc: [], bcc: [], type: "new" };
  const verdict = {
    decision: "warn",
    summary: { visibleRecipients: people, externalParties: parties.length },
    findings: [{ rule: "exposed-parties", action: "warn", visibleRecipients: people, externalParties: parties.length, parties, omittedParties: 0 }],
    rewrite: { strategy: "self", to: [FROM], cc: [], bcc: to },
  };
  return { draft, verdict, rewrite: verdict.rewrite };
}

test("the headline is built from the finding's counts (English)", () => {
  const model = buildPopupModel({ mode: "warn", ...tourismCase(27, 3) }, en);
  assert.equal(model.headline, "27 people from 25 different organisations or private mailboxes will see each other's address.");
  assert.equal(model.convertLine, "Convert to Bcc: you stay in To; the 27 others move to Bcc.");
  assert.deepEqual(model.buttons, { convert: true, sendAnyway: true, cancel: true, needsReason: false });
});

test("French wording and plurals", () => {
  const model = buildPopupModel({ mode: "warn", ...tourismCase(27, 3) }, fr);
  assert.equal(model.headline, "27 personnes de 25 organisations ou adresses privées différentes verront les adresses des autres destinataires.");
  assert.equal(model.convertLine, "Passer en Cci : vous restez en À ; les 27 autres passent en Cci.");
  assert.equal(model.labels.convert, "Passer en Cci");
  const one = tourismCase(1, 0);
  one.verdict.findings[0].rule = "unknown-rule";
  assert.equal(buildPopupModel({ mode: "warn", ...one }, fr).headline, "1 personne verra l'adresse des autres destinataires.");
});

test("all private mailboxes get the plain-words variant; thousands are formatted", () => {
  assert.equal(buildPopupModel({ mode: "warn", ...tourismCase(3000, 0) }, en).headline,
    "3,000 people with private mailboxes will see each other's address.");
  assert.match(buildPopupModel({ mode: "warn", ...tourismCase(3000, 0) }, fr).headline, /^3\u202f000 personnes/);
});

test("recipients grouped by party: private together, organisations by size; collapsed when long", () => {
  const small = buildPopupModel({ mode: "warn", ...tourismCase(10, 3) }, en);
  assert.deepEqual(small.groups.map((g) => g.title), ["Private mailboxes — 7 people", "acme.example — 3 people"]);
  assert.ok(small.groups.every((g) => g.open));
  const large = buildPopupModel({ mode: "warn", ...tourismCase(300, 3) }, en);
  assert.ok(large.groups.every((g) => !g.open));
  assert.ok(popupSize(large).height <= 720);
  assert.ok(popupSize(small).height >= 300);
});

test("justify and block", () => {
  const justify = buildPopupModel({ mode: "justify", ...tourismCase() }, en);
  assert.equal(justify.buttons.needsReason, true);
  assert.notEqual(justify.explanation, "");
  const block = buildPopupModel({ mode: "block", ...tourismCase() }, en);
  assert.equal(block.buttons.sendAnyway, false);
});

test("host error: says the check could not run", () => {
  const { draft } = tourismCase(30, 0);
  const model = buildPopupModel({
    mode: "hostError", draft, hostError: { kind: "missing", message: "x" }, onHostError: "ask",
    rewrite: { strategy: "self", to: [FROM], cc: [], bcc: draft.to },
  }, en);
  assert.equal(model.title, "The check could not run");
  assert.match(model.headline, /not installed/);
  assert.deepEqual(model.notes, ["30 recipients will see each other's address in To and Cc."]);
  assert.equal(model.groups[0].title, "Visible recipients — 30 people");
  assert.equal(model.buttons.sendAnyway, true);
  const fr30 = buildPopupModel({ mode: "hostError", draft, hostError: { kind: "timeout" }, onHostError: "block", rewrite: null }, fr);
  assert.match(fr30.headline, /n'a pas répondu à temps/);
  assert.equal(fr30.buttons.sendAnyway, false);
});

test("auto-convert notice and expanded lists", () => {
  const model = buildPopupModel({ mode: "converted", ...tourismCase(30, 0), lists: [{ name: "Walkers", members: 12 }] }, en);
  assert.equal(model.buttons.ok, true);
  assert.equal(model.headline, "BccShield moved 30 recipients to Bcc before sending, as your organisation requires. The message was sent.");
  assert.deepEqual(model.notes, ["The list “Walkers” has 12 members."]);
});

test("host error with a blocking policy: Convert and Cancel only, said plainly (en, fr)", () => {
  const { draft } = tourismCase(6, 0);
  const input = { mode: "hostError", hostError: { kind: "failed", message: "crash" }, onHostError: "block", policyBlocks: true, draft, rewrite: { strategy: "self", to: [FROM], cc: [], bcc: draft.to } };
  const model = buildPopupModel(input, en);
  assert.deepEqual(model.buttons, { convert: true, sendAnyway: false, cancel: true, needsReason: false });
  assert.equal(model.explanation, "Your organisation's policy blocks messages like this one, so it cannot be sent as written while the check is unavailable.");
  assert.match(buildPopupModel(input, fr).explanation, /^La règle de votre organisation bloque/);
});

test("untrusted host: which expectation failed, in the popup (en, fr)", () => {
  const { draft } = tourismCase(3, 0);
  const hostError = { kind: "untrusted", message: "x", problems: [
    { check: "policyKeyId", expected: "3f2a9c0d41e7b6a8", got: "00112233aabbccdd" },
    { check: "userManifest", got: "/home/u/.mozilla/native-messaging-hosts/org.bccshield.host.json" },
  ] };
  const model = buildPopupModel({ mode: "hostError", hostError, onHostError: "ask", draft, rewrite: { strategy: "self", to: [FROM], cc: [], bcc: draft.to } }, en);
  assert.equal(model.headline, "The check was not used: the program that answered is not the one your organisation expects.");
  assert.deepEqual(model.notes.slice(0, 2), [
    "The policy is signed with another key: expected 3f2a9c0d41e7b6a8, got 00112233aabbccdd.",
    "The check program was found through a personal registration (/home/u/.mozilla/native-messaging-hosts/org.bccshield.host.json), not the one installed for the whole computer.",
  ]);
  const french = buildPopupModel({ mode: "hostError", hostError, onHostError: "ask", draft, rewrite: { strategy: "self", to: [FROM], cc: [], bcc: draft.to } }, fr);
  assert.match(french.headline, /^La vérification n'a pas été retenue/);
  assert.match(french.notes[0], /attendue 3f2a9c0d41e7b6a8, reçue 00112233aabbccdd/);
});

test("a warning from a host found through a user manifest says so (not refused)", () => {
  const model = buildPopupModel({ mode: "warn", ...tourismCase(27, 3), trust: { problems: [{ check: "userManifest", got: "/home/u/m.json" }] } }, en);
  assert.ok(model.notes.includes("The check program was found through a personal registration (/home/u/m.json), not the one installed for the whole computer."));
});
