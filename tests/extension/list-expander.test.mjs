import { test } from "node:test";
import assert from "node:assert/strict";
import { createListExpander, expandRecipients } from "../../extension/thunderbird/modules/list-expander.mjs";
import { createMessengerStub } from "./messenger-stub.mjs";

const walkers = [["Zoé Martin", "zoe.martin@gmail.com"], ["Jean Petit", "jean.petit@orange.fr"], ["", "anon@free.fr"]];

test("expands with parseMailboxString(expandMailingLists) where it exists (TB 147+)", async () => {
  const messenger = createMessengerStub({ lists: { Randonneurs: walkers }, parseMailboxString: true });
  const { recipients, lists } = await expandRecipients(
    ["Randonneurs <Randonneurs>", "Alice <alice@gmail.com>"], createListExpander(messenger));
  assert.deepEqual(recipients, [
    "Zoé Martin <zoe.martin@gmail.com>", "Jean Petit <jean.petit@orange.fr>", "anon@free.fr", "Alice <alice@gmail.com>",
  ]);
  assert.deepEqual(lists, [{ name: "Randonneurs", members: 3 }]);
  assert.deepEqual(messenger.calls, [["parseMailboxString", "Randonneurs <Randonneurs>", { expandMailingLists: true }]]);
});

test("falls back to addressBooks.mailingLists on 128/140", async () => {
  const messenger = createMessengerStub({ lists: { Randonneurs: walkers } });
  const { recipients } = await expandRecipients(["Randonneurs <Randonneurs>"], createListExpander(messenger));
  assert.equal(recipients.length, 3);
  assert.equal(recipients[0], "Zoé Martin <zoe.martin@gmail.com>");
});

test("plain addresses never touch the address book", async () => {
  const messenger = createMessengerStub({ lists: { Randonneurs: walkers } });
  const { recipients } = await expandRecipients(["a@gmail.com", "B <b@x.org>"], createListExpander(messenger));
  assert.deepEqual(recipients, ["a@gmail.com", "B <b@x.org>"]);
  assert.deepEqual(messenger.calls, []);
});

test("an unknown list or a failing API keeps the token: no recipient is dropped", async () => {
  const messenger = createMessengerStub({ lists: {} });
  const unknown = await expandRecipients(["Ghosts <Ghosts>"], createListExpander(messenger));
  assert.deepEqual(unknown.recipients, ["Ghosts <Ghosts>"]);
  const failing = await expandRecipients(["Team <Team>"], async () => { throw new Error("boom"); });
  assert.deepEqual(failing.recipients, ["Team <Team>"]);
});
