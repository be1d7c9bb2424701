// Small helpers over Thunderbird's recipient strings ("Name <addr>", "addr", "List <List>").
// Full RFC 5322 parsing is the host's job; here we only need to recognise address-book
// mailing lists, format mailboxes and compare addresses.

/** The part between the last "<" and ">" if any, else the trimmed string. */
export function addressOf(recipient) {
  const text = String(recipient ?? "").trim();
  const open = text.lastIndexOf("<");
  const close = text.lastIndexOf(">");
  if (open !== -1 && close > open) {
    return text.slice(open + 1, close).trim();
  }
  return text;
}

/** Key to compare two recipients: the address with its domain lower-cased. */
export function addressKey(recipient) {
  const address = addressOf(recipient);
  const at = address.lastIndexOf("@");
  if (at === -1) {
    return address.toLowerCase();
  }
  return address.slice(0, at) + "@" + address.slice(at + 1).toLowerCase();
}

/**
 * Thunderbird passes an address-book mailing list as "Name <Name>": an angle part
 * without "@". A bare word without "@" is treated the same way.
 */
export function isMailingListToken(recipient) {
  if (typeof recipient === "string" && recipient.includes("@")) {
    return false; // the common case, kept cheap for thousands of recipients
  }
  const text = String(recipient ?? "").trim();
  if (text === "" || text.includes(",")) {
    return false;
  }
  return !addressOf(text).includes("@");
}

/** The list name Thunderbird uses in a mailing-list token. */
export function mailingListName(recipient) {
  return addressOf(recipient);
}

/** Format a mailbox the way Thunderbird does: `Name <addr>` or `addr`. */
export function formatMailbox(name, email) {
  const cleanName = String(name ?? "").trim();
  const cleanEmail = String(email ?? "").trim();
  if (cleanName === "" || cleanName === cleanEmail) {
    return cleanEmail;
  }
  const needsQuotes = /[",;:<>@()[\]\\]/.test(cleanName);
  const shownName = needsQuotes ? `"${cleanName.replace(/(["\\])/g, "\\$1")}"` : cleanName;
  return `${shownName} <${cleanEmail}>`;
}

/** Remove repeated recipients (same address key), keeping the first occurrence. */
export function uniqueRecipients(recipients) {
  const seen = new Set();
  const result = [];
  for (const recipient of recipients) {
    const key = addressKey(recipient);
    if (key === "" || seen.has(key)) {
      continue;
    }
    seen.add(key);
    result.push(recipient);
  }
  return result;
}
