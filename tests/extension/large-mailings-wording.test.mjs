// Large mailings (issue 14): the popup says how Convert will send before the user clicks, in
// English and French; the bulk tool line; the notices after a batch failed. Outlook cannot
// split a send: the sentence it uses (convertSentence) never mentions batches.
import { test } from "node:test";
import assert from "node:assert/strict";
import { buildPopupModel, createTranslator } from "../../extension/thunderbird/modules/popup-model.mjs";
import { wording } from "../../extension/thunderbird/modules/verdict-wording.mjs";
import { loadMessages } from "./messenger-stub.mjs";

const en = createTranslator(loadMessages("en"), "en-US");
const fr = createTranslator(loadMessages("fr"), "fr");
const FROM = "Office <accueil@tourisme.example>";

function mailing(n, extra = {}) {
  const to = Array.from({ length: n }, (_, i) => `p${i}@gmail.com`);
  const draft = { from: FROM, to, cc: [], bcc: [], type: "new" };
  const verdict = {
    decision: "warn",
    summary: { visibleRecipients: n, externalParties: n },
    findings: [{ rule: "exposed-parties", action: "warn", visibleRecipients: n, externalParties: n, parties: [] }],
    rewrite: { strategy: "self", to: [FROM], cc: [], bcc: to },
    ...extra,
  };
  return { mode: "warn", draft, verdict, rewrite: verdict.rewrite };
}

const batches = { mode: "batches", messages: 3, limit: 100, repeated: 1, bounds: [1, 100, 199, 281] };

test("batches: the plain sentence of the issue, in English and French", () => {
  assert.equal(buildPopupModel(mailing(280, { delivery: batches }), en).convertLine,
    "Convert to Bcc: 3 messages of at most 100 recipients each; you stay in To.");
  assert.equal(buildPopupModel(mailing(280, { delivery: batches }), fr).convertLine,
    "Convertir en Cci : 3 messages d'au plus 100 destinataires chacun ; vous restez en À.");
  const undisclosed = { ...batches, repeated: 0, bounds: [0, 100, 200, 280] };
  assert.equal(buildPopupModel(mailing(280, { delivery: undisclosed }), en).convertLine,
    "Convert to Bcc: 3 messages of at most 100 recipients each.");
});

test("one message: the sentence of before", () => {
  const model = buildPopupModel(mailing(30, { delivery: { mode: "single", messages: 1, limit: 100 } }), en);
  assert.equal(model.convertLine, "Convert to Bcc: you stay in To; the 30 others move to Bcc.");
});

test("individual, and individual above its maximum", () => {
  const individual = mailing(20, { delivery: { mode: "individual", messages: 20, repeated: 1 } });
  assert.equal(buildPopupModel(individual, en).convertLine,
    "Convert: 20 separate messages, each person alone in To; nobody sees the others.");
  assert.match(buildPopupModel(individual, fr).convertLine, /^Convertir : 20 messages séparés/);
  const over = mailing(60, { delivery: { mode: "single", messages: 1, individualMax: 50 } });
  assert.equal(buildPopupModel(over, en).convertLine,
    "One copy per person is for at most 50 recipients: Convert uses Bcc instead.");
});

test("the bulk tool line and its link, only for a web link", () => {
  const bulkChannel = { name: "the newsletter tool", url: "https://news.example/new", recipients: 300 };
  const model = buildPopupModel(mailing(300, { bulkChannel }), en);
  assert.deepEqual(model.bulk, {
    text: "Mailings of this size belong in the newsletter tool:", link: "open it", url: "https://news.example/new",
  });
  assert.equal(buildPopupModel(mailing(300, { bulkChannel }), fr).bulk.text,
    "Les envois de cette taille passent par the newsletter tool :");
  const hostile = { ...bulkChannel, url: "javascript:alert(1)" };
  assert.equal(buildPopupModel(mailing(300, { bulkChannel: hostile }), en).bulk, null);
  assert.equal(buildPopupModel(mailing(300), en).bulk, null);
});

test("Outlook's sentence never promises batches", () => {
  for (const delivery of [batches, { mode: "individual", messages: 20, repeated: 1 }]) {
    const input = mailing(280, { delivery });
    const plain = mailing(280);
    for (const tr of [en, fr]) {
      const sentence = wording.convertSentence(input.draft, input.rewrite, tr);
      assert.equal(sentence, wording.convertSentence(plain.draft, plain.rewrite, tr));
      assert.doesNotMatch(sentence, /messages|100/);
    }
  }
});

test("after a refused batch: how many did not get it, and what to press", () => {
  const model = buildPopupModel({ mode: "batchesFailed", messages: 3, failedMessages: 1, missedRecipients: 100, openWindows: 1, unopened: [] }, en);
  assert.equal(model.title, "Part of the mailing was not sent");
  assert.equal(model.headline, "100 recipients did not get the message.");
  assert.deepEqual(model.notes, [
    "2 of the 3 messages left normally; nobody got it twice.",
    "Its compose window is open with exactly those recipients: press Send there to finish.",
  ]);
  assert.deepEqual(model.buttons, { ok: true });
  const french = buildPopupModel({ mode: "batchesFailed", messages: 3, failedMessages: 2, missedRecipients: 199, openWindows: 2, unopened: [] }, fr);
  assert.equal(french.headline, "199 destinataires n'ont pas reçu le message.");
  assert.match(french.notes[1], /^2 fenêtres de rédaction sont ouvertes/);
  const lost = buildPopupModel({ mode: "batchesFailed", messages: 2, failedMessages: 1, missedRecipients: 2, openWindows: 0, unopened: ["A <a@x.example>", "b@y.example"] }, en);
  assert.equal(lost.notes.at(-1), "2 recipients have no window and must be sent the message again: a@x.example, b@y.example");
});
