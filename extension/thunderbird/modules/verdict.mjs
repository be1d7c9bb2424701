// Turns a verdict (or a host failure) and the user's choice into what onBeforeSend returns.

import { CHOICES } from "./constants.mjs";
import { addressKey, uniqueRecipients } from "./recipients.mjs";

/**
 * What the popup offers. `mode` is the decision ("warn", "justify", "block") or
 * "hostError" (the check could not run; `onHostError` is "ask" or "block").
 */
export function buttonsFor(mode, onHostError = "ask") {
  switch (mode) {
    case "block":
      return { convert: true, sendAnyway: false, cancel: true, needsReason: false };
    case "justify":
      return { convert: true, sendAnyway: true, cancel: true, needsReason: true };
    case "hostError":
      return { convert: true, sendAnyway: onHostError !== "block", cancel: true, needsReason: false };
    default:
      return { convert: true, sendAnyway: true, cancel: true, needsReason: false };
  }
}

/**
 * How a host error is handled, the one place where a blocking policy beats onHostError:
 * when the error reply itself carried `decision: "block"` (error 206) or the last trusted
 * reply said the policy's strictest action is `block`, the answer is "block" (Convert or
 * Cancel only) whatever onHostError says, "allow" included; otherwise onHostError.
 * @param {{onHostError: string, carriedDecision?: string|null, strictestAction?: string|null}} input
 * @returns {{onHostError: "ask"|"block"|"allow", policyBlocks: boolean}}
 */
export function hostErrorMode({ onHostError, carriedDecision = null, strictestAction = null }) {
  const policyBlocks = carriedDecision === "block" || strictestAction === "block";
  if (policyBlocks) {
    return { onHostError: "block", policyBlocks };
  }
  return { onHostError: ["ask", "block", "allow"].includes(onHostError) ? onHostError : "ask", policyBlocks };
}

/**
 * The rewrite to apply on Convert when the host could not answer: the sender alone in To
 * (or nobody when there is no sender address), every recipient in Bcc, none lost, none
 * duplicated.
 * @param {{from: string, to: string[], cc: string[], bcc: string[]}} draft expanded draft
 */
export function fallbackRewrite(draft) {
  const sender = String(draft.from ?? "").includes("@") ? draft.from : "";
  const senderKey = sender ? addressKey(sender) : "";
  const everyone = uniqueRecipients([...draft.to, ...draft.cc, ...draft.bcc]);
  const bcc = everyone.filter((recipient) => addressKey(recipient) !== senderKey);
  return { strategy: sender ? "self" : "undisclosed", to: sender ? [sender] : [], cc: [], bcc };
}

/**
 * The value onBeforeSend resolves to for a choice: undefined sends as written.
 * Convert sets only to/cc/bcc (never the other compose fields).
 * @param {string} choice one of CHOICES
 * @param {{to: string[], cc: string[], bcc: string[]}|null} rewrite
 */
export function applyChoice(choice, rewrite) {
  switch (choice) {
    case CHOICES.convert:
    case CHOICES.autoConvert:
    case CHOICES.hostErrorConvert:
      if (!rewrite) {
        return { cancel: true };
      }
      return { details: { to: [...rewrite.to], cc: [...rewrite.cc], bcc: [...rewrite.bcc] } };
    case CHOICES.sendAnyway:
    case CHOICES.hostErrorSend:
      return undefined;
    default:
      return { cancel: true };
  }
}

/** Number of recipients Convert moves into Bcc (those not already in Bcc). */
export function movedToBcc(draft, rewrite) {
  const alreadyHidden = new Set(draft.bcc.map(addressKey));
  return rewrite.bcc.filter((recipient) => !alreadyHidden.has(addressKey(recipient))).length;
}

/** Recipients Convert leaves visible, other than the sender. */
export function stayingVisible(draft, rewrite) {
  const senderKey = addressKey(draft.from ?? "");
  return [...rewrite.to, ...rewrite.cc].filter((recipient) => addressKey(recipient) !== senderKey).length;
}
