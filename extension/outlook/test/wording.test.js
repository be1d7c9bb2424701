// The Outlook side of the shared wording (verdict-wording.js inside the bundle): every golden
// verdict worded in English and French through Outlook's own strings (BccShieldStrings), every key
// asked for present in both languages, and every outlook* key the handler uses present in both.
// (Thunderbird runs the same vectors: tests/extension/verdict-wording.test.mjs.)
"use strict";

const test = require("node:test");
const assert = require("node:assert/strict");
const fs = require("fs");
const path = require("path");
const { makeOutlook, load, ROOT } = require("./harness.js");

const VECTORS = path.resolve(ROOT, "..", "..", "tests", "vectors");
const LANGS = ["en", "fr"];
const vectors = fs.readdirSync(VECTORS).filter((name) => name.endsWith(".response.json")).map((name) => {
  const base = name.slice(0, -".response.json".length);
  const requestFile = path.join(VECTORS, `${base}.request.json`);
  const request = fs.existsSync(requestFile) ? JSON.parse(fs.readFileSync(requestFile, "utf8")) : null;
  return { base, verdict: JSON.parse(fs.readFileSync(path.join(VECTORS, name), "utf8")).result, draft: request && request.draft };
}).filter((v) => v.verdict && v.verdict.decision && v.draft);

const { context } = load(makeOutlook({}));
const { BccShieldWording: wording, BccShieldStrings: strings } = context;
const shared = context.BCCSHIELD_BUILD.messages;

function has(lang, key) {
  return Object.prototype.hasOwnProperty.call(strings.OUTLOOK[lang], key) ||
    Object.prototype.hasOwnProperty.call(shared[lang], key);
}

function recordingTranslator(lang) {
  const asked = new Set();
  return {
    asked,
    t: (key, subs) => {
      asked.add(key);
      return strings.t(lang, key, subs);
    },
    plural: (key, n, more) => {
      asked.add(`${key}One`);
      asked.add(`${key}Other`);
      return strings.plural(lang, key, n, more);
    },
    count: (n) => strings.count(lang, n),
  };
}

test("golden vectors with findings are there", () => {
  assert.ok(vectors.filter((v) => v.verdict.decision !== "allow").length >= 8);
});

for (const { base, verdict, draft } of vectors) {
  test(`vector ${base}: worded by the bundle in en and fr`, () => {
    for (const lang of LANGS) {
      const tr = recordingTranslator(lang);
      const texts = [wording.headline(verdict, draft, tr), ...wording.otherFindings(verdict, draft, tr),
        wording.convertSentence(draft, verdict.rewrite, tr)];
      for (const text of texts) assert.doesNotMatch(text, /\$\d|undefined|NaN|null|\bpopup[A-Z]|\boutlook[A-Z]/, `${lang}: ${text}`);
      for (const key of tr.asked) for (const other of LANGS) assert.ok(has(other, key), `${key} missing in ${other}`);
    }
  });
}

test("every outlook* key the handler asks for exists in English and French with the same substitutions", () => {
  const source = fs.readFileSync(path.join(ROOT, "src", "handler.js"), "utf8");
  const used = new Set();
  for (const match of source.matchAll(/\b(t|plural)\("((?:outlook|popup)[A-Za-z]+)"/g)) {
    if (match[1] === "plural") used.add(`${match[2]}One`).add(`${match[2]}Other`);
    else used.add(match[2]);
  }
  assert.ok(used.size >= 10, [...used].join());
  const placeholders = (lang, key) => [...strings.t(lang, key, ["$1", "$2", "$3"]).matchAll(/\$\d/g)].join();
  for (const key of used) {
    for (const lang of LANGS) assert.ok(has(lang, key), `${key} missing in ${lang}`);
    assert.equal(placeholders("fr", key), placeholders("en", key), key);
  }
  assert.deepEqual(Object.keys(strings.OUTLOOK.fr).sort(), Object.keys(strings.OUTLOOK.en).sort());
});
