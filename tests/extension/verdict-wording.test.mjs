// The wording shared by Thunderbird and Outlook (extension/thunderbird/modules/verdict-wording.js):
// every golden verdict reads as sentences in English and French, every key it asks for exists in
// both _locales, and protocol v2's integer recipient elements read like the strings they index.
// (The Outlook suite runs the same vectors through its bundle: extension/outlook/test/wording.test.js.)
import { resolveVerdict } from "../../extension/thunderbird/modules/recipient-refs.mjs";
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, readdirSync } from "node:fs";
import path from "node:path";
import { EXTENSION_DIR, loadMessages } from "./messenger-stub.mjs";
import { wording } from "../../extension/thunderbird/modules/verdict-wording.mjs";
import { createTranslator } from "../../extension/thunderbird/modules/popup-model.mjs";
import { addressKey, addressOf } from "../../extension/thunderbird/modules/recipients.mjs";

const VECTORS = path.resolve(EXTENSION_DIR, "../../tests/vectors");
const LOCALES = ["en", "fr"];
const tables = Object.fromEntries(LOCALES.map((lang) =>
  [lang, JSON.parse(readFileSync(path.join(EXTENSION_DIR, "_locales", lang, "messages.json"), "utf8"))]));

const vectors = readdirSync(VECTORS).filter((name) => name.endsWith(".response.json")).map((name) => {
  const base = name.slice(0, -".response.json".length);
  const response = JSON.parse(readFileSync(path.join(VECTORS, name), "utf8"));
  let request = null;
  try {
    request = JSON.parse(readFileSync(path.join(VECTORS, `${base}.request.json`), "utf8"));
  } catch {
    request = null;
  }
  return { base, verdict: response.result, draft: request?.draft };
}).filter(({ verdict, draft }) => verdict?.decision && draft);

// A translator that records every key asked for.
function recordingTranslator(lang) {
  const asked = new Set();
  const inner = createTranslator(loadMessages(lang), lang);
  return {
    asked,
    t: (key, substitutions) => {
      asked.add(key);
      return inner.t(key, substitutions);
    },
    plural: (key, n, more) => {
      asked.add(`${key}One`);
      asked.add(`${key}Other`);
      return inner.plural(key, n, more);
    },
    count: inner.count,
  };
}

function sentences(verdict, draft, tr) {
  return [wording.headline(verdict, draft, tr), ...wording.otherFindings(verdict, draft, tr),
    wording.convertSentence(draft, verdict.rewrite, tr), wording.convertedSentence(draft, verdict.rewrite, tr)];
}

test("there are golden check vectors with a finding", () => {
  assert.ok(vectors.filter((v) => v.verdict.decision !== "allow").length >= 8);
});

for (const { base, verdict, draft } of vectors) {
  test(`vector ${base}: worded in en and fr, every key in both _locales`, () => {
    for (const lang of LOCALES) {
      const tr = recordingTranslator(lang);
      for (const text of sentences(verdict, draft, tr)) {
        assert.doesNotMatch(text, /\$\d|undefined|NaN|null|\bpopup[A-Z]/, `${lang}: ${text}`);
      }
      for (const key of tr.asked) {
        for (const other of LOCALES) assert.ok(key in tables[other], `${key} missing from _locales/${other}`);
      }
    }
  });
}

test("the sentences the issue named: unparsable headline and both values of reply and alias", () => {
  const byBase = Object.fromEntries(vectors.map((v) => [v.base, v]));
  const en = createTranslator(loadMessages("en"), "en");
  const unparsable = byBase["check-unparsable-entry"];
  const finding = unparsable.verdict.findings.find((f) => f.rule === "unparsable-recipient");
  assert.match(wording.findingSentence(finding, unparsable.verdict, unparsable.draft, en), /could not be read/);
  const reply = byBase["check-reply-all-leak"];
  const replyFinding = reply.verdict.findings.find((f) => f.rule === "reply-exposure");
  const replyText = wording.findingSentence(replyFinding, reply.verdict, reply.draft, en);
  assert.ok(replyText.includes(String(replyFinding.keptVisible)), replyText);
  assert.ok(replyText.includes(String(replyFinding.originalExternalParties)), replyText);
  const alias = byBase["check-policy-large-alias"];
  const aliasFinding = alias.verdict.findings.find((f) => f.rule === "large-alias");
  const aliasText = wording.findingSentence(aliasFinding, alias.verdict, alias.draft, en);
  assert.ok(aliasText.includes("parents@ecole.example") && aliasText.includes("350"), aliasText);
});

test("French headlines read naturally", () => {
  const fr = createTranslator(loadMessages("fr"), "fr");
  const verdict = {
    decision: "warn",
    summary: { visibleRecipients: 30, externalParties: 30 },
    findings: [{ rule: "exposed-parties", action: "warn", visibleRecipients: 30, externalParties: 30,
      parties: [{ party: "gmail.com", kind: "private", recipients: [] }], omittedParties: 0 }],
  };
  assert.equal(wording.headline(verdict, { to: [], cc: [], bcc: [] }, fr),
    "30 personnes avec une adresse privée verront les adresses des autres destinataires.");
});

// Protocol v2: an element is a string or an index into [...to, ...cc, ...bcc].
function asIndices(draft, verdict) {
  const flat = [...draft.to, ...draft.cc, ...draft.bcc];
  const index = (element) => {
    const i = flat.indexOf(element);
    return i === -1 ? element : i;
  };
  const copy = structuredClone(verdict);
  if (copy.rewrite) for (const field of ["to", "cc", "bcc"]) copy.rewrite[field] = copy.rewrite[field].map(index);
  for (const finding of copy.findings) {
    for (const party of finding.parties ?? []) party.recipients = (party.recipients ?? []).map(index);
    if (finding.recipients) finding.recipients = finding.recipients.map(index);
    for (const alias of finding.aliases ?? []) alias.recipient = index(alias.recipient);
    for (const entry of finding.entries ?? []) entry.text = index(entry.text);
  }
  return copy;
}

test("integer elements resolve to the draft's strings, in the order to, cc, bcc", () => {
  const draft = { from: "me@x.example", to: ["A <a@x.example>", "b@y.example"], cc: ["c@z.example"], bcc: ["d@w.example"] };
  assert.deepEqual([0, 1, 2, 3].map((i) => wording.recipientText(draft, i)),
    ["A <a@x.example>", "b@y.example", "c@z.example", "d@w.example"]);
  assert.equal(wording.recipientText(draft, "as text"), "as text");
  assert.equal(wording.recipientText(draft, 4), "");
  assert.equal(wording.recipientText(draft, -1), "");
});

test("a verdict with integer elements is worded exactly like its string form", () => {
  // The golden replies are protocol 2 (indices); their string form is what protocol 1 sent.
  let converted = 0;
  for (const { base, verdict: indexed, draft } of vectors) {
    const verdict = resolveVerdict(indexed, draft);
    if (JSON.stringify(indexed) !== JSON.stringify(verdict)) converted += 1;
    assert.deepEqual(asIndices(draft, verdict).rewrite, indexed.rewrite, `${base}: indices round-trip`);
    for (const lang of LOCALES) {
      const tr = createTranslator(loadMessages(lang), lang);
      assert.deepEqual(sentences(indexed, draft, tr), sentences(verdict, draft, tr), `${base} ${lang}`);
    }
  }
  assert.ok(converted >= 8, `only ${converted} vectors had elements to index`);
});

test("the wording's recipient key is Thunderbird's addressKey", () => {
  const samples = ["Léa <Lea.Martin@Gmail.COM>", "x@Y.example", "no-at", "\"a, b\" <A@B.c>", "  spaced@Mail.example  ", ""];
  for (const { draft } of vectors) samples.push(...draft.to, ...draft.cc, ...draft.bcc, draft.from ?? "");
  for (const sample of samples) {
    assert.equal(wording.recipientKey(sample), addressKey(sample), sample);
    assert.equal(wording.addressOf(sample), addressOf(sample), sample);
  }
});
