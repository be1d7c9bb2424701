// Expands address-book mailing lists ("Team <Team>") into their members before the check.
// Thunderbird only expands them after onBeforeSend, so the host would otherwise see one
// opaque token instead of the people who will actually see each other.

import { formatMailbox, isMailingListToken, mailingListName } from "./recipients.mjs";

/**
 * Build an expander over the messenger API.
 * Uses `messengerUtilities.parseMailboxString(s, {expandMailingLists: true})` where it
 * exists (Thunderbird 147+), else `addressBooks` + `addressBooks.mailingLists` (128/140).
 * @param {object} messenger the `messenger` global (or a stub with the same shape)
 */
export function createListExpander(messenger) {
  const utilities = messenger?.messengerUtilities;
  if (typeof utilities?.parseMailboxString === "function") {
    return async (token) => {
      const mailboxes = await utilities.parseMailboxString(token, { expandMailingLists: true });
      return flattenMailboxes(mailboxes);
    };
  }
  let listsByName = null;
  return async (token) => {
    listsByName ??= await loadMailingLists(messenger);
    const list = listsByName.get(mailingListName(token).toLowerCase());
    if (!list) {
      return null;
    }
    const members = await messenger.addressBooks.mailingLists.getMembers(list.id);
    return members.map((contact) => contactToMailbox(contact)).filter((mailbox) => mailbox !== "");
  };
}

/**
 * Replace each mailing-list token of `recipients` by its members.
 * A token that cannot be expanded (unknown list, API failure) is kept as it is: the host
 * then reports it as unparsable rather than the extension dropping a recipient.
 * @param {string[]} recipients
 * @param {(token: string) => Promise<string[]|null>} expand
 * @returns {Promise<{recipients: string[], lists: {name: string, members: number}[]}>}
 */
export async function expandRecipients(recipients, expand) {
  if (!(recipients ?? []).some(isMailingListToken)) {
    return { recipients: [...(recipients ?? [])], lists: [] };
  }
  const result = [];
  const lists = [];
  for (const recipient of recipients ?? []) {
    if (!isMailingListToken(recipient)) {
      result.push(recipient);
      continue;
    }
    let members = null;
    try {
      members = await expand(recipient);
    } catch {
      members = null;
    }
    if (Array.isArray(members) && members.length > 0) {
      result.push(...members);
      lists.push({ name: mailingListName(recipient), members: members.length });
    } else {
      result.push(recipient);
    }
  }
  return { recipients: result, lists };
}

function flattenMailboxes(mailboxes) {
  const result = [];
  for (const mailbox of mailboxes ?? []) {
    if (Array.isArray(mailbox?.group)) {
      result.push(...flattenMailboxes(mailbox.group));
    } else if (mailbox?.email) {
      result.push(formatMailbox(mailbox.name, mailbox.email));
    }
  }
  return result;
}

async function loadMailingLists(messenger) {
  const byName = new Map();
  const books = await messenger.addressBooks.list(false);
  for (const book of books) {
    const lists = await messenger.addressBooks.mailingLists.list(book.id);
    for (const list of lists) {
      if (!byName.has(list.name.toLowerCase())) {
        byName.set(list.name.toLowerCase(), list);
      }
    }
  }
  return byName;
}

function contactToMailbox(contact) {
  const properties = contact?.properties ?? {};
  const email = properties.PrimaryEmail ?? properties.SecondEmail ?? "";
  const name = properties.DisplayName
    ?? [properties.FirstName, properties.LastName].filter(Boolean).join(" ");
  return email ? formatMailbox(name, email) : "";
}
