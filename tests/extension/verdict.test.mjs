import { test } from "node:test";
import assert from "node:assert/strict";
import { applyChoice, buttonsFor, fallbackRewrite, movedToBcc } from "../../extension/thunderbird/modules/verdict.mjs";
import { addressKey } from "../../extension/thunderbird/modules/recipients.mjs";

const rewrite = { strategy: "self", to: ["Me <me@t.example>"], cc: [], bcc: ["a@gmail.com", "b@free.fr"] };

test("Convert sets only to/cc/bcc", () => {
  assert.deepEqual(applyChoice("convert", rewrite), {
    details: { to: ["Me <me@t.example>"], cc: [], bcc: ["a@gmail.com", "b@free.fr"] },
  });
  assert.deepEqual(Object.keys(applyChoice("auto-convert", rewrite).details).sort(), ["bcc", "cc", "to"]);
});

test("Send anyway sends as written; Cancel and anything unknown cancel", () => {
  assert.equal(applyChoice("send-anyway", rewrite), undefined);
  assert.equal(applyChoice("host-error-send", null), undefined);
  assert.deepEqual(applyChoice("cancel", rewrite), { cancel: true });
  assert.deepEqual(applyChoice("whatever", rewrite), { cancel: true });
  assert.deepEqual(applyChoice("convert", null), { cancel: true });
});

test("buttons per decision", () => {
  assert.deepEqual(buttonsFor("warn"), { convert: true, sendAnyway: true, cancel: true, needsReason: false });
  assert.equal(buttonsFor("justify").needsReason, true);
  assert.equal(buttonsFor("block").sendAnyway, false);
  assert.equal(buttonsFor("hostError", "ask").sendAnyway, true);
  assert.equal(buttonsFor("hostError", "block").sendAnyway, false);
});

test("the fallback rewrite loses nobody and duplicates nobody", () => {
  const draft = {
    from: "Me <me@t.example>",
    to: ["a@gmail.com", "Me <me@t.example>", "B <b@free.fr>"],
    cc: ["a@GMAIL.com", "c@sfr.fr"],
    bcc: ["d@orange.fr"],
  };
  const result = fallbackRewrite(draft);
  assert.deepEqual(result.to, ["Me <me@t.example>"]);
  assert.deepEqual(result.cc, []);
  const all = [...result.to, ...result.cc, ...result.bcc].map(addressKey);
  assert.equal(new Set(all).size, all.length);
  for (const recipient of [...draft.to, ...draft.cc, ...draft.bcc]) {
    assert.ok(all.includes(addressKey(recipient)), recipient);
  }
  assert.equal(movedToBcc(draft, result), 3);
});

test("without a sender address the fallback leaves To empty (undisclosed recipients)", () => {
  const result = fallbackRewrite({ from: "", to: ["a@gmail.com"], cc: [], bcc: [] });
  assert.deepEqual(result, { strategy: "undisclosed", to: [], cc: [], bcc: ["a@gmail.com"] });
});

test("host error: a blocking policy beats onHostError (the one rule)", async () => {
  const { hostErrorMode } = await import("../../extension/thunderbird/modules/verdict.mjs");
  assert.deepEqual(hostErrorMode({ onHostError: "ask" }), { onHostError: "ask", policyBlocks: false });
  assert.deepEqual(hostErrorMode({ onHostError: "ask", strictestAction: "block" }), { onHostError: "block", policyBlocks: true });
  assert.deepEqual(hostErrorMode({ onHostError: "allow", carriedDecision: "block" }), { onHostError: "block", policyBlocks: true });
  assert.deepEqual(hostErrorMode({ onHostError: "allow", strictestAction: "warn", carriedDecision: "warn" }), { onHostError: "allow", policyBlocks: false });
  assert.equal(buttonsFor("hostError", hostErrorMode({ onHostError: "ask", strictestAction: "block" }).onHostError).sendAnyway, false);
  assert.deepEqual(applyChoice("host-error-convert", rewrite).details.bcc, rewrite.bcc);
});
