import { test } from "node:test";
import assert from "node:assert/strict";
import { mapDraft, originalFromMessageHeader } from "../../extension/thunderbird/modules/draft-mapper.mjs";

test("maps compose details to a PROTOCOL.md draft", () => {
  const draft = mapDraft({
    from: "Office <accueil@tourisme.example>", to: ["a@gmail.com", ""], cc: "b@orange.fr",
    bcc: undefined, type: "new", subject: "not sent to the host", body: "nor this",
  });
  assert.deepEqual(draft, {
    from: "Office <accueil@tourisme.example>", to: ["a@gmail.com"], cc: ["b@orange.fr"], bcc: [], type: "new",
  });
});

test("unknown compose types become new", () => {
  assert.equal(mapDraft({ type: "something-else" }).type, "new");
  assert.equal(mapDraft({ type: "forward" }).type, "forward");
});

test("a reply carries the original message's To/Cc", () => {
  const original = originalFromMessageHeader({
    author: "Club <club@asso.example>", recipients: ["x@gmail.com", "y@free.fr"], ccList: ["z@sfr.fr"],
  });
  const draft = mapDraft({ type: "reply", from: "me@t.example", to: ["club@asso.example"] }, original);
  assert.deepEqual(draft.original, { from: "Club <club@asso.example>", to: ["x@gmail.com", "y@free.fr"], cc: ["z@sfr.fr"] });
  assert.equal(mapDraft({ type: "new" }, original).original, undefined);
});
