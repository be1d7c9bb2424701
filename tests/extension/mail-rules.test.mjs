// mail-rules.js against tests/vectors/mailbox-rules.json, the file the C++ core is tested on
// too (tests/unit/mailbox_rules_test.cpp): one definition per language, and they agree.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import path from "node:path";
import { EXTENSION_DIR } from "./messenger-stub.mjs";
import { rules } from "../../extension/thunderbird/modules/mail-rules.mjs";
import { DECISIONS } from "../../extension/thunderbird/modules/constants.mjs";
import { addressKey, formatMailbox } from "../../extension/thunderbird/modules/recipients.mjs";

const vectors = JSON.parse(readFileSync(path.resolve(EXTENSION_DIR, "../../tests/vectors/mailbox-rules.json"), "utf8"));

test("actions in order of strictness, as the core ranks them", () => {
  assert.deepEqual(rules.ACTIONS, vectors.actions);
  assert.equal(DECISIONS, rules.ACTIONS);
  assert.ok(rules.actionRank("block") > rules.actionRank("convert"));
  assert.equal(rules.actionRank("nonsense"), 0);
});

test("the recipient key is the core's", () => {
  for (const { recipient, key } of vectors.keys) {
    assert.equal(rules.recipientKey(recipient), key, recipient);
    assert.equal(addressKey(recipient), key, recipient);
  }
});

test("a mailbox is written as the core writes it", () => {
  for (const { name, email, formatted } of vectors.mailboxes) {
    assert.equal(rules.formatMailbox(name, email), formatted, name);
    assert.equal(formatMailbox(name, email), formatted, name);
  }
});
