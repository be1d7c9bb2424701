import { test } from "node:test";
import assert from "node:assert/strict";
import {
  addressKey, addressOf, formatMailbox, isMailingListToken, uniqueRecipients,
} from "../../extension/thunderbird/modules/recipients.mjs";

test("addressOf takes the angle part or the bare address", () => {
  assert.equal(addressOf("Alice <alice@gmail.com>"), "alice@gmail.com");
  assert.equal(addressOf("  bob@orange.fr "), "bob@orange.fr");
  assert.equal(addressOf("\"Dupont, Élodie\" <e.dupont@free.fr>"), "e.dupont@free.fr");
});

test("mailing lists arrive as Name <Name>", () => {
  assert.equal(isMailingListToken("Randonneurs <Randonneurs>"), true);
  assert.equal(isMailingListToken("Amis du lac <Amis du lac>"), true);
  assert.equal(isMailingListToken("Alice <alice@gmail.com>"), false);
  assert.equal(isMailingListToken(""), false);
});

test("formatMailbox quotes names that need it", () => {
  assert.equal(formatMailbox("Élodie Dupont", "e@free.fr"), "Élodie Dupont <e@free.fr>");
  assert.equal(formatMailbox("Dupont, Élodie", "e@free.fr"), "\"Dupont, Élodie\" <e@free.fr>");
  assert.equal(formatMailbox("", "e@free.fr"), "e@free.fr");
});

test("uniqueRecipients compares addresses case-folded, as the core does (the first spelling stays)", () => {
  assert.deepEqual(uniqueRecipients(["A <a@X.org>", "a@x.org", "A@x.org", "b@x.org"]), ["A <a@X.org>", "b@x.org"]);
  assert.equal(addressKey("Bob <Bob@Orange.FR>"), "bob@orange.fr");
});

test("internationalised domains are shown in Unicode", async () => {
  const { toUnicodeDomain } = await import("../../extension/thunderbird/modules/punycode.mjs");
  assert.equal(toUnicodeDomain("xn--cole-9oa.example"), "école.example");
  assert.equal(toUnicodeDomain("xn--bcher-kva.example"), "bücher.example");
  assert.equal(toUnicodeDomain("anna@xn--bcher-kva.example"), "anna@bücher.example");
  assert.equal(toUnicodeDomain("xn--mnchen-3ya.de"), "münchen.de");
  assert.equal(toUnicodeDomain("plain.example"), "plain.example");
  assert.equal(toUnicodeDomain("xn--!!.example"), "xn--!!.example");
});
