// The golden host replies in tests/vectors drive the popup wording: every verdict the host
// can give must read as plain sentences in English and French, and the client must accept it.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, readdirSync } from "node:fs";
import path from "node:path";
import { EXTENSION_DIR, loadMessages } from "./messenger-stub.mjs";
import { buildPopupModel, createTranslator } from "../../extension/thunderbird/modules/popup-model.mjs";
import { unwrapReply, validateVerdict } from "../../extension/thunderbird/modules/host-client.mjs";
import { mapDraft } from "../../extension/thunderbird/modules/draft-mapper.mjs";
import { resolveVerdict } from "../../extension/thunderbird/modules/recipient-refs.mjs";

const VECTORS = path.resolve(EXTENSION_DIR, "../../tests/vectors");
const cases = readdirSync(VECTORS).filter((name) => name.endsWith(".response.json"))
  .map((name) => {
    const base = name.slice(0, -".response.json".length);
    const response = JSON.parse(readFileSync(path.join(VECTORS, name), "utf8"));
    const requestFile = path.join(VECTORS, `${base}.request.json`);
    let request = null;
    try {
      request = JSON.parse(readFileSync(requestFile, "utf8"));
    } catch {
      request = null;
    }
    return { base, response, request };
  })
  .filter(({ response, request }) => response.result?.decision && request?.draft);

const translators = { en: createTranslator(loadMessages("en"), "en"), fr: createTranslator(loadMessages("fr"), "fr") };

test("there are golden check vectors to read", () => {
  assert.ok(cases.length >= 5, `found ${cases.length}`);
});

for (const { base, response, request } of cases) {
  test(`vector ${base}: accepted and worded in en and fr`, () => {
    const draft = mapDraft(request.draft);
    const verdict = validateVerdict(resolveVerdict(unwrapReply(response), draft));
    if (verdict.decision === "allow") {
      return;
    }
    const mode = verdict.decision === "convert" ? "converted" : verdict.decision;
    for (const [lang, tr] of Object.entries(translators)) {
      const model = buildPopupModel({ mode, verdict, draft, rewrite: verdict.rewrite, policy: response.policy }, tr);
      const texts = [model.title, model.headline, model.explanation, model.convertLine, ...model.notes,
        ...model.groups.map((g) => g.title), ...model.groups.map((g) => g.preview)];
      for (const text of texts) {
        assert.doesNotMatch(text, /\$\d|undefined|NaN|null|^popup[A-Z]/, `${lang}: ${text}`);
      }
      assert.ok(model.headline.length > 20, `${lang} headline: ${model.headline}`);
    }
  });
}

test("the tourism-office vector reads as the issue's example", () => {
  const found = cases.find((c) => c.base === "check-tourism-office");
  assert.ok(found);
  const draft = mapDraft(found.request.draft);
  const verdict = resolveVerdict(unwrapReply(found.response), draft);
  const model = buildPopupModel({ mode: "warn", verdict, draft, rewrite: verdict.rewrite }, translators.en);
  const count = verdict.summary.visibleRecipients;
  assert.match(model.headline, new RegExp(`^${count} people`));
  assert.match(model.convertLine, /you stay in To/);
});

test("every index in a golden reply names a string of its request (protocol 2)", () => {
  let indices = 0;
  for (const { base, response, request } of cases) {
    const draft = mapDraft(request.draft);
    const strings = [...draft.to, ...draft.cc, ...draft.bcc];
    const rewrite = response.result.rewrite ?? { to: [], cc: [], bcc: [] };
    for (const element of [...rewrite.to, ...rewrite.cc, ...rewrite.bcc]) {
      if (typeof element === "number") {
        indices += 1;
        assert.ok(Number.isInteger(element) && element >= 0 && element < strings.length, `${base}: ${element}`);
      } else {
        assert.equal(typeof element, "string", base);
      }
    }
    const resolved = resolveVerdict(response.result, draft);
    if (resolved.rewrite) {
      assert.ok([...resolved.rewrite.to, ...resolved.rewrite.cc, ...resolved.rewrite.bcc].every((r) => typeof r === "string"));
    }
  }
  assert.ok(indices > 100, `the vectors refer to ${indices} pills by index`);
});
