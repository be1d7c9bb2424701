// What a real Outlook does and the happy-path mock did not: Convert must lose nobody, every event
// must complete exactly once, requirement checks survive a missing isSetSupported, distribution
// lists count as their audience.
"use strict";

const test = require("node:test");
const assert = require("node:assert/strict");
const { makeOutlook, load, fire, fireAll, people } = require("./harness.js");

const SENDER = { displayName: "Clerk", emailAddress: "clerk@tourism.example" };
const privatePeople = (n) => people(n, () => "gmail.com");
const keys = (list) => list.map((d) => d.emailAddress.toLowerCase()).sort();
const snapshot = (state) => JSON.stringify([state.to, state.cc, state.bcc].map(keys));
const note = (outlook) => outlook.state.notifications.get("bccshieldExposure").message;

// --- 2. Convert loses nobody ---------------------------------------------------------------------

test("convert refuses when a field holds an entry without an address (contact list), nothing changed", async () => {
  const to = privatePeople(12).concat([{ displayName: "Parents 2026", emailAddress: "", recipientType: "distributionList" }]);
  const outlook = makeOutlook({ from: SENDER, to });
  const before = snapshot(outlook.state);
  await fire(load(outlook).handlers, "convertToBcc");
  assert.equal(outlook.state.calls.length, 0, "nothing written");
  assert.equal(snapshot(outlook.state), before);
  assert.match(note(outlook), /"Parents 2026" has no e-mail address.*Nothing was changed/);
});

test("convert refuses an unresolved typed name Outlook returns without an address", async () => {
  const to = privatePeople(12).concat([{ displayName: "jean dupont", emailAddress: "jean dupont" }]);
  const outlook = makeOutlook({ from: SENDER, to });
  await fire(load(outlook).handlers, "convertToBcc");
  assert.equal(outlook.state.calls.length, 0);
  assert.match(note(outlook), /has no e-mail address/);
});

test("convert refuses a field read at the 1,000 cap (web/new Outlook may hold more)", async () => {
  const outlook = makeOutlook({ from: SENDER, to: privatePeople(1200) });
  await fire(load(outlook).handlers, "convertToBcc");
  assert.equal(outlook.state.calls.length, 0);
  assert.match(note(outlook), /1,000 or more entries/);
});

test("convert verifies by reading back and puts the original fields back when a recipient went missing", async () => {
  const to = privatePeople(150);
  const outlook = makeOutlook({ from: SENDER, to, dropOnAdd: "bcc" });
  await fire(load(outlook).handlers, "convertToBcc");
  // addAsync "succeeded" but kept nothing: the read-back sees 100 of 150 in Bcc.
  assert.deepEqual(keys(outlook.state.to), keys(to), "To is back as it was");
  assert.deepEqual(outlook.state.cc, []);
  assert.equal(outlook.state.bcc.length, 0, "Bcc is back as it was (empty)");
  assert.match(note(outlook), /put To, Cc and Bcc back/);
});

test("convert: a write that throws part-way loses nobody (Bcc is written first) and completes once", async () => {
  const to = privatePeople(20);
  // Calls: 5 reads (to, cc, bcc, from, compose type), set bcc, set to, then set cc throws.
  const outlook = makeOutlook({ from: SENDER, to, throwAt: 7 });
  const completions = await fireAll(load(outlook).handlers, "convertToBcc");
  assert.equal(completions.length, 1);
  const everyone = keys(outlook.state.to.concat(outlook.state.cc, outlook.state.bcc));
  for (const key of keys(to)) assert.ok(everyone.includes(key), `${key} lost`);
});

test("protocol v2: integer rewrite elements map back to the very Office objects", async () => {
  const outlook = makeOutlook({ from: SENDER, to: [{ displayName: "Martin, Paul", emailAddress: "Paul@Orange.fr" }] });
  const { context } = load(outlook);
  const Lookup = context.BccShieldRecipients.Lookup;
  const to = [{ displayName: "Martin, Paul", emailAddress: "Paul@Orange.fr" }, { displayName: "", emailAddress: "x@free.fr" }];
  const cc = [{ displayName: "Zoé", emailAddress: "zoe@gmail.com" }];
  const bcc = [{ displayName: "Hidden", emailAddress: "h@laposte.net" }];
  const lookup = new Lookup(SENDER, to, cc, bcc);
  assert.deepEqual(JSON.parse(JSON.stringify([0, 1, 2, 3].map((i) => lookup.resolve(i)))), [
    { emailAddress: "Paul@Orange.fr", displayName: "Martin, Paul" },
    { emailAddress: "x@free.fr", displayName: "x@free.fr" },
    { emailAddress: "zoe@gmail.com", displayName: "Zoé" },
    { emailAddress: "h@laposte.net", displayName: "Hidden" },
  ]);
  assert.deepEqual(JSON.parse(JSON.stringify(lookup.resolve("Clerk <clerk@tourism.example>"))),
    { emailAddress: "clerk@tourism.example", displayName: "Clerk" });
  assert.throws(() => lookup.resolve(4), /outside the draft/);
});

// --- 3. every path completes the event exactly once ---------------------------------------------

for (const name of ["onMessageSendHandler", "convertToBcc", "onMessageRecipientsChangedHandler"]) {
  test(`${name}: completes exactly once whichever Office call throws`, async () => {
    let calls = 0;
    {
      const outlook = makeOutlook({ from: SENDER, to: privatePeople(12) });
      assert.equal((await fireAll(load(outlook).handlers, name)).length, 1);
      calls = outlook.state.officeCalls;
    }
    assert.ok(calls >= 5, `${name} made ${calls} Office calls`);
    for (let throwAt = 0; throwAt < calls; throwAt++) {
      const outlook = makeOutlook({ from: SENDER, to: privatePeople(12), throwAt });
      const completions = await fireAll(load(outlook).handlers, name);
      assert.equal(completions.length, 1, `${name}, throw at call ${throwAt}: ${completions.length} completions`);
      if (name === "onMessageSendHandler") {
        assert.equal(completions[0].allowEvent, false, `throw at ${throwAt}: not sent silently`);
        assert.match(completions[0].errorMessage, /could not check|people/);
      }
    }
  });
}

test("an exception inside the engine's answer completes the send with the engine-error choice", async () => {
  const outlook = makeOutlook({ from: SENDER, to: privatePeople(12) });
  const { context, handlers } = load(outlook);
  context.BccShieldWording.headline = () => {
    throw new Error("wording exploded");
  };
  const completions = await fireAll(handlers, "onMessageSendHandler");
  assert.equal(completions.length, 1);
  assert.equal(completions[0].allowEvent, false);
  assert.equal(completions[0].sendModeOverride, "promptUser");
  assert.match(completions[0].errorMessage, /could not check this message \(wording exploded\)/);
});

// --- 5. isSetSupported missing (office-js #5091) --------------------------------------------------

test("isSetSupported undefined: PromptUser and the Convert button from feature detection", async () => {
  const outlook = makeOutlook({ from: SENDER, to: privatePeople(12), requirements: "missing", sendAsync: true });
  const options = await fire(load(outlook).handlers, "onMessageSendHandler");
  assert.equal(options.allowEvent, false);
  assert.equal(options.sendModeOverride, "promptUser");
  assert.equal(options.commandId, "convertToBcc");
  assert.equal(options.cancelLabel, "Convert to Bcc");
});

test("isSetSupported undefined on an older client: no button it lacks", async () => {
  const outlook = makeOutlook({ from: SENDER, to: privatePeople(12), requirements: "missing", mailbox: "1.12" });
  const options = await fire(load(outlook).handlers, "onMessageSendHandler");
  assert.equal(options.allowEvent, false);
  assert.equal(options.sendModeOverride, undefined);
  assert.equal(options.commandId, undefined);
});

// --- 6. distribution lists -------------------------------------------------------------------------

test("a distribution list at an outside domain counts as a large audience, and the dialog says so", async () => {
  const to = [{ displayName: "Parents de l'école", emailAddress: "parents@ecole.example", recipientType: "distributionList" },
    { displayName: "New parent", emailAddress: "new.parent@gmail.com" }];
  const outlook = makeOutlook({ from: SENDER, to });
  const options = await fire(load(outlook).handlers, "onMessageSendHandler");
  assert.equal(options.allowEvent, false);
  assert.match(options.errorMessage, /reaches about 25 people/);
  assert.match(options.errorMessage, /Parents de l'école is a distribution list, counted as 25 people/);
});

test("without recipientType the same two addresses are allowed (what today's main does for a list)", async () => {
  const to = [{ displayName: "Parents", emailAddress: "parents@ecole.example" },
    { displayName: "New parent", emailAddress: "new.parent@gmail.com" }];
  const options = await fire(load(makeOutlook({ from: SENDER, to })).handlers, "onMessageSendHandler");
  assert.deepEqual(options, { allowEvent: true });
});

test("a distribution list at an internal domain stays internal: 40 colleagues do not warn", async () => {
  const to = [{ displayName: "All staff", emailAddress: "staff@tourism.example", recipientType: "distributionList" }]
    .concat(people(3, () => "tourism.example"));
  const options = await fire(load(makeOutlook({ from: SENDER, to })).handlers, "onMessageSendHandler");
  assert.deepEqual(options, { allowEvent: true });
});

test("the policy's own audience for a list wins over the default", async () => {
  const to = [{ displayName: "Parents", emailAddress: "parents@ecole.example", recipientType: "distributionList" },
    { displayName: "New parent", emailAddress: "new.parent@gmail.com" }];
  const outlook = makeOutlook({ from: SENDER, to });
  const { handlers } = load(outlook, { largeAudienceAddresses: { "parents@ecole.example": 350 } });
  const options = await fire(handlers, "onMessageSendHandler");
  assert.match(options.errorMessage, /reaches about 350 people/);
  assert.doesNotMatch(options.errorMessage, /counted as 25/);
});

test("the per-check list audience does not leak into the next check", async () => {
  const list = { displayName: "Parents", emailAddress: "parents@ecole.example", recipientType: "distributionList" };
  const outlook = makeOutlook({ from: SENDER, to: [list, { displayName: "P", emailAddress: "p@gmail.com" }] });
  const { handlers } = load(outlook);
  assert.equal((await fire(handlers, "onMessageSendHandler")).allowEvent, false);
  outlook.state.to = [Object.assign({}, list, { recipientType: "user" }), { displayName: "P", emailAddress: "p@gmail.com" }];
  assert.deepEqual(await fire(handlers, "onMessageSendHandler"), { allowEvent: true });
});
