// A small stand-in for Thunderbird's `messenger` global and for _locales lookups.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import path from "node:path";

export const EXTENSION_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../extension/thunderbird");

/** i18n.getMessage over a real _locales/<lang>/messages.json ($1..$9 substitutions). */
export function loadMessages(lang) {
  const file = path.join(EXTENSION_DIR, "_locales", lang, "messages.json");
  const messages = JSON.parse(readFileSync(file, "utf8"));
  return (key, substitutions = []) => {
    const entry = messages[key];
    if (!entry) {
      return "";
    }
    return entry.message.replace(/\$(\d)/g, (_, n) => substitutions[Number(n) - 1] ?? "");
  };
}

/** Address books with mailing lists, in the shape of the addressBooks API. */
export function createMessengerStub({ lists = {}, parseMailboxString = false } = {}) {
  const calls = [];
  const books = [{ id: "book-1", name: "Personal" }];
  const listEntries = Object.entries(lists).map(([name, members], index) => ({
    id: `list-${index}`, name, members,
  }));
  const stub = {
    calls,
    addressBooks: {
      list: async () => books,
      mailingLists: {
        list: async (bookId) => {
          calls.push(["mailingLists.list", bookId]);
          return listEntries.map(({ id, name }) => ({ id, name }));
        },
        getMembers: async (id) => {
          calls.push(["mailingLists.getMembers", id]);
          const entry = listEntries.find((list) => list.id === id);
          return entry.members.map(([name, email]) => ({ properties: { DisplayName: name, PrimaryEmail: email } }));
        },
      },
    },
  };
  if (parseMailboxString) {
    stub.messengerUtilities = {
      parseMailboxString: async (text, options) => {
        calls.push(["parseMailboxString", text, options]);
        const name = text.replace(/^.*<|>$/g, "");
        const entry = listEntries.find((list) => list.name === name);
        if (!entry || !options?.expandMailingLists) {
          return [{ name, email: name }];
        }
        return entry.members.map(([memberName, email]) => ({ name: memberName, email }));
      },
    };
  }
  return stub;
}

/** A fake native host: `respond(request)` returns the reply (or throws / never resolves). */
export function createNativeStub(respond) {
  const requests = [];
  return {
    requests,
    sendNativeMessage: async (name, request) => {
      requests.push({ name, request });
      return respond(request);
    },
  };
}

export function envelope(request, result) {
  return {
    protocolVersion: 2, id: request.id, hostVersion: "0.1.0",
    policy: { status: "default", source: "built-in", signed: false }, result,
  };
}
