// Small helpers over Thunderbird's recipient strings ("Name <addr>", "addr", "List <List>").
// Full RFC 5322 parsing is the host's job; here we only need to recognise address-book
// mailing lists, format mailboxes and compare addresses.

import { rules } from "./mail-rules.mjs";

/** The part between the last "<" and ">" if any, else the trimmed string. */
export const addressOf = rules.addressOf;

/** Key to compare two recipients (the core's recipient key, see mail-rules.js). */
export const addressKey = rules.recipientKey;

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

/** Format a mailbox: `Name <addr>` (the name quoted only when RFC 5322 needs it) or `addr`. */
export const formatMailbox = rules.formatMailbox;

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
