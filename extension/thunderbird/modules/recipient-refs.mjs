// Protocol 2 replies name a recipient by its index in the request's [...to, ...cc, ...bcc]
// (PROTOCOL.md, "Recipients in a reply"); an entry cut out of a longer string comes as text.
// The rest of the extension works with strings: this is the one place that maps indices back
// (with mail-rules.js's recipientAt, which the shared wording uses too).

import { rules } from "./mail-rules.mjs";

/**
 * @param {{to: string[], cc: string[], bcc: string[]}} draft the draft exactly as sent
 * @param {number|string} element
 * @returns {string|null} null for anything that names no request string
 */
export function resolveRecipient(draft, element) {
  return rules.recipientAt(draft, element);
}

function resolveList(draft, list) {
  if (!Array.isArray(list)) {
    return list;
  }
  const resolved = list.map((element) => resolveRecipient(draft, element));
  return resolved.includes(null) ? null : resolved;
}

const FINDING_LISTS = {
  "exposed-parties": (finding, draft) => ({
    ...finding,
    parties: (finding.parties ?? []).map((party) => ({ ...party, recipients: resolveList(draft, party.recipients) })),
  }),
  "reply-exposure": (finding, draft) => ({ ...finding, recipients: resolveList(draft, finding.recipients) }),
  "large-alias": (finding, draft) => ({
    ...finding,
    aliases: (finding.aliases ?? []).map((alias) => ({ ...alias, recipient: resolveRecipient(draft, alias.recipient) })),
  }),
  "unparsable-recipient": (finding, draft) => ({
    ...finding,
    entries: (finding.entries ?? []).map((entry) => ({ ...entry, text: resolveRecipient(draft, entry.text) })),
  }),
};

/**
 * The verdict with every recipient written out as the draft's own string. A rewrite element
 * that names no request string becomes null, which validation refuses (fail closed).
 */
export function resolveVerdict(verdict, draft) {
  if (!verdict || typeof verdict !== "object") {
    return verdict;
  }
  const resolved = { ...verdict };
  if (verdict.rewrite && typeof verdict.rewrite === "object") {
    resolved.rewrite = { ...verdict.rewrite };
    for (const field of ["to", "cc", "bcc"]) {
      resolved.rewrite[field] = resolveList(draft, verdict.rewrite[field]);
    }
  }
  if (Array.isArray(verdict.findings)) {
    resolved.findings = verdict.findings.map((finding) => {
      const resolve = FINDING_LISTS[finding?.rule];
      return resolve ? resolve(finding, draft) : finding;
    });
  }
  return resolved;
}
