// The send check, the Convert to Bcc command and the compose-time notification, run from the
// built bundle against a mocked Outlook (office-addin-mock).
"use strict";

const test = require("node:test");
const assert = require("node:assert/strict");
const { bundle, makeOutlook, load, fire, people } = require("./harness.js");

const SENDER = { displayName: "Clerk", emailAddress: "clerk@tourism.example" };
const privatePeople = (n) => people(n, () => "gmail.com");
const key = (d) => `${d.displayName}|${d.emailAddress.toLowerCase()}`;

test("allow: colleagues only, the send goes ahead", async () => {
  const outlook = makeOutlook({ from: SENDER, to: people(20, () => "tourism.example") });
  const { handlers } = load(outlook);
  const options = await fire(handlers, "onMessageSendHandler");
  assert.deepEqual(options, { allowEvent: true });
  assert.equal(outlook.state.calls.length, 0, "nothing written on allow");
});

test("allow: a few partner organisations stay below the threshold", async () => {
  const outlook = makeOutlook({ from: SENDER, to: people(3, (i) => `partner${i}.example`) });
  const options = await fire(load(outlook).handlers, "onMessageSendHandler");
  assert.equal(options.allowEvent, true);
});

test("warn: Send Anyway | Convert to Bcc | Don't Send, with Thunderbird's wording", async () => {
  const outlook = makeOutlook({ from: SENDER, to: privatePeople(12) });
  const options = await fire(load(outlook).handlers, "onMessageSendHandler");
  assert.equal(options.allowEvent, false);
  assert.equal(options.sendModeOverride, "promptUser");
  assert.equal(options.cancelLabel, "Convert to Bcc");
  assert.equal(options.commandId, "convertToBcc");
  assert.equal(JSON.parse(options.contextData).decision, "warn");
  assert.match(options.errorMessage, /^12 people with private mailboxes will see each other's address\./);
  assert.match(options.errorMessage, /Convert to Bcc: you stay in To; the 12 others move to Bcc\./);
  assert.ok(options.errorMessage.length <= 500);
  assert.ok(options.cancelLabel.length <= 20);
  assert.equal(outlook.state.calls.length, 0, "the send check itself changes nothing on warn");
});

test("warn in French", async () => {
  const outlook = makeOutlook({ from: SENDER, to: privatePeople(9), language: "fr-FR" });
  const options = await fire(load(outlook).handlers, "onMessageSendHandler");
  assert.equal(options.cancelLabel, "Passer en Cci");
  assert.equal(options.sendModeOverride, "promptUser");
  assert.match(options.errorMessage, /^9 personnes avec une adresse privée verront les adresses des autres destinataires\./);
});

test("warn on Mailbox 1.14: PromptUser without a function-command button", async () => {
  const outlook = makeOutlook({ from: SENDER, to: privatePeople(12), mailbox: "1.14" });
  const options = await fire(load(outlook).handlers, "onMessageSendHandler");
  assert.equal(options.allowEvent, false);
  assert.equal(options.sendModeOverride, "promptUser");
  assert.equal(options.cancelLabel, undefined);
  assert.equal(options.commandId, undefined);
  assert.match(options.errorMessage, /Convert to Bcc on the ribbon/);
});

test("warn on Mailbox 1.12: the manifest's SoftBlock only", async () => {
  const outlook = makeOutlook({ from: SENDER, to: privatePeople(12), mailbox: "1.12" });
  const options = await fire(load(outlook).handlers, "onMessageSendHandler");
  assert.equal(options.allowEvent, false);
  assert.equal(options.sendModeOverride, undefined);
  assert.equal(options.cancelLabel, undefined);
});

test("block: Convert to Bcc or Don't Send, no Send Anyway", async () => {
  const outlook = makeOutlook({ from: SENDER, to: privatePeople(12) });
  const { handlers } = load(outlook, { rules: { "exposed-parties": { action: "block" } } });
  const options = await fire(handlers, "onMessageSendHandler");
  assert.equal(options.allowEvent, false);
  assert.equal(options.sendModeOverride, undefined, "block keeps SoftBlock");
  assert.equal(options.cancelLabel, "Convert to Bcc");
  assert.equal(options.commandId, "convertToBcc");
  assert.match(options.errorMessage, /does not allow sending this message with every address visible/);
});

test("justify: handled like block (Outlook cannot ask for a reason)", async () => {
  const outlook = makeOutlook({ from: SENDER, to: privatePeople(12) });
  const { handlers } = load(outlook, { rules: { "exposed-parties": { action: "justify" } } });
  const options = await fire(handlers, "onMessageSendHandler");
  assert.equal(options.allowEvent, false);
  assert.equal(options.sendModeOverride, undefined);
  assert.match(options.errorMessage, /needs a reason/);
});

function assertConverted(state, originals, expectedTo) {
  assert.deepEqual(state.to.map(key), expectedTo.map(key));
  assert.deepEqual(state.cc, []);
  const bccKeys = state.bcc.map(key);
  assert.equal(new Set(bccKeys).size, bccKeys.length, "nothing duplicated in Bcc");
  const everyone = state.to.concat(state.cc, state.bcc).map(key).sort();
  assert.deepEqual(everyone, originals.map(key).sort(), "nothing lost, nothing added");
}

test("convert: 250 recipients move to Bcc in chunks of 100, sender in To", async () => {
  const to = privatePeople(200);
  const cc = people(50, (i) => `firm${i}.example`);
  const outlook = makeOutlook({ from: SENDER, to, cc });
  const options = await fire(load(outlook).handlers, "onMessageSendHandler");
  assert.equal(options.commandId, "convertToBcc");
  await fire(outlook.state.handlers, "convertToBcc");
  assertConverted(outlook.state, [SENDER].concat(to, cc), [SENDER]);
  assert.deepEqual(
    outlook.state.calls.filter((c) => c.field === "bcc").map((c) => `${c.op}:${c.count}`),
    ["set:100", "add:100", "add:50"]
  );
  assert.ok(outlook.state.calls.every((c) => c.count <= 100));
  // Bcc is written before To/Cc are emptied: a failure part-way loses nobody.
  assert.equal(outlook.state.calls[0].field, "bcc");
  const note = outlook.state.notifications.get("bccshieldExposure");
  assert.match(note.message, /moved 250 recipients to Bcc.*press Send again/);
  assert.ok(note.message.length <= 150);
});

test("convert writes names and addresses back exactly as Outlook gave them", async () => {
  const tricky = [
    { displayName: "Martin, Paul", emailAddress: "paul.martin@orange.fr" },
    { displayName: 'Jean "Jo" Dupont', emailAddress: "jo@free.fr" },
    { displayName: "Zoé Ünal", emailAddress: "zoe@gmail.com" },
    { displayName: "=?UTF-8?Q?not_encoded?=", emailAddress: "lit@gmail.com" },
    { displayName: "back\\slash (and) <angles>", emailAddress: "bs@laposte.net" },
    { displayName: "", emailAddress: "noname@wanadoo.fr" },
    { displayName: "same@sfr.fr", emailAddress: "same@sfr.fr" },
    { displayName: "Upper Case", emailAddress: "Upper.Case@GMAIL.com" },
    { displayName: "Müller", emailAddress: "m@bücher.example" },
  ].concat(privatePeople(5));
  const outlook = makeOutlook({ from: SENDER, to: tricky.slice(0, 7), cc: tricky.slice(7) });
  await fire(load(outlook).handlers, "convertToBcc");
  const expected = tricky.map((d) => ({ displayName: d.displayName || d.emailAddress, emailAddress: d.emailAddress }));
  assert.deepEqual(outlook.state.bcc.map(key).sort(), expected.map(key).sort());
  assert.deepEqual(outlook.state.to.map(key), [key(SENDER)]);
});

test("a recipient in both To and Cc ends up once, in Bcc", async () => {
  const to = privatePeople(10);
  const outlook = makeOutlook({ from: SENDER, to, cc: [to[0], to[1]] });
  await fire(load(outlook).handlers, "convertToBcc");
  assertConverted(outlook.state, [SENDER].concat(to), [SENDER]);
});

test("convert keeps recipients already in Bcc, and the sender appears once", async () => {
  const to = privatePeople(10).concat([SENDER]);
  const bcc = people(3, () => "hidden.example");
  const outlook = makeOutlook({ from: SENDER, to, bcc });
  await fire(load(outlook).handlers, "convertToBcc");
  assertConverted(outlook.state, to.concat(bcc), [SENDER]);
});

test("convert: a mailing larger than Outlook's Bcc field is refused, nothing changed", async () => {
  const to = privatePeople(450);
  const cc = people(100, (i) => `firm${i}.example`);
  const outlook = makeOutlook({ from: SENDER, to, cc });
  await fire(load(outlook).handlers, "convertToBcc");
  assert.equal(outlook.state.calls.length, 0);
  assert.match(outlook.state.notifications.get("bccshieldExposure").message, /cannot convert: 550 recipients/);
});

test("missing From: the signed-in user is the sender", async () => {
  const to = privatePeople(12);
  const outlook = makeOutlook({ from: null, profile: SENDER, to });
  const options = await fire(load(outlook).handlers, "onMessageSendHandler");
  assert.equal(options.allowEvent, false);
  await fire(outlook.state.handlers, "convertToBcc");
  assertConverted(outlook.state, [SENDER].concat(to), [SENDER]);
});

test("missing From and no profile: still checked, everyone to Bcc, To left empty", async () => {
  const to = privatePeople(12);
  const outlook = makeOutlook({ to });
  const options = await fire(load(outlook).handlers, "onMessageSendHandler");
  assert.equal(options.allowEvent, false);
  assert.match(options.errorMessage, /Convert to Bcc: all 12 recipients move to Bcc/);
  await fire(outlook.state.handlers, "convertToBcc");
  assertConverted(outlook.state, to, []);
});

test("convert policy: converted in the send check, the user is told to send again", async () => {
  const to = privatePeople(30);
  const outlook = makeOutlook({ from: SENDER, to });
  const { handlers } = load(outlook, { rules: { "exposed-parties": { action: "convert" } } });
  const options = await fire(handlers, "onMessageSendHandler");
  assert.equal(options.allowEvent, false);
  assert.match(options.errorMessage, /moved 30 recipients to Bcc/);
  assertConverted(outlook.state, [SENDER].concat(to), [SENDER]);
});

test("Convert to Bcc on an allowed message changes nothing", async () => {
  const outlook = makeOutlook({ from: SENDER, to: people(3, () => "tourism.example") });
  await fire(load(outlook).handlers, "convertToBcc");
  assert.equal(outlook.state.calls.length, 0);
  assert.match(outlook.state.notifications.get("bccshieldExposure").message, /no recipient needs to move/);
});

test("compose-time notification appears and goes away", async () => {
  const outlook = makeOutlook({ from: SENDER, to: privatePeople(10) });
  const { handlers } = load(outlook);
  await fire(handlers, "onMessageRecipientsChangedHandler");
  const note = outlook.state.notifications.get("bccshieldExposure");
  assert.equal(note.type, "informationalMessage");
  assert.match(note.message, /10 outside parties/);
  assert.ok(note.message.length <= 150);
  outlook.state.to = people(2, () => "tourism.example");
  await fire(handlers, "onMessageRecipientsChangedHandler");
  assert.equal(outlook.state.notifications.has("bccshieldExposure"), false);
});

test("the check cannot run (recipients unreadable): ask by default", async () => {
  const outlook = makeOutlook({ from: SENDER, to: privatePeople(12), failGet: true });
  const options = await fire(load(outlook).handlers, "onMessageSendHandler");
  assert.equal(options.allowEvent, false);
  assert.equal(options.sendModeOverride, "promptUser");
  assert.match(options.errorMessage, /^BccShield could not check this message \(recipients unavailable\)\./);
});

test("the check cannot run: block and allow as the admin set them", async () => {
  let outlook = makeOutlook({ from: SENDER, to: privatePeople(12), failGet: true });
  let options = await fire(load(outlook, null, "block").handlers, "onMessageSendHandler");
  assert.equal(options.allowEvent, false);
  assert.equal(options.sendModeOverride, undefined);
  assert.match(options.errorMessage, /does not allow sending without the check/);
  outlook = makeOutlook({ from: SENDER, to: privatePeople(12), failGet: true });
  options = await fire(load(outlook, null, "allow").handlers, "onMessageSendHandler");
  assert.deepEqual(options, { allowEvent: true });
});

test("a policy the host refuses fails the add-in build", () => {
  assert.throws(() => bundle({ minExposedParties: 1 }), /minExposedParties/);
});

test("an unreadable recipient is worded, not shown as a message key", async () => {
  const to = people(2, () => "tourism.example").concat([{ displayName: "Jean", emailAddress: "jean at home" }]);
  const options = await fire(load(makeOutlook({ from: SENDER, to })).handlers, "onMessageSendHandler");
  assert.equal(options.allowEvent, false);
  assert.match(options.errorMessage, /^1 recipient could not be read: check the addresses\./);
  assert.doesNotMatch(options.errorMessage, /popup[A-Z]|outlook[A-Z]|\$\d/);
});
