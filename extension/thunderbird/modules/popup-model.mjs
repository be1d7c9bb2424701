// Builds everything the popup shows (sentences, groups, buttons) from the host's finding
// data. The sentences about a verdict come from the wording shared with the Outlook add-in
// (verdict-wording.js). Pure: the translation function is injected (browser.i18n.getMessage in the
// extension, a stub reading _locales in the tests). Plurals follow Intl.PluralRules of
// Thunderbird's UI language: a key `fooOne` / `fooOther` pair per counted phrase.

import { buttonsFor } from "./verdict.mjs";
import { toUnicodeDomain } from "./punycode.mjs";
import { wording } from "./verdict-wording.mjs";
import { trustLines } from "./host-trust.mjs";

/** Recipients shown unfolded when the whole list is at most this long. */
export const OPEN_GROUPS_UP_TO = 12;
/** Recipients listed per group in the popup (must match popup.mjs). */
export const MAX_LISTED = 200;
/** Names shown in a collapsed group's one-line preview. */
const PREVIEW_NAMES = 3;

export function createTranslator(getMessage, locale) {
  const pluralRules = new Intl.PluralRules(locale || "en");
  const numbers = new Intl.NumberFormat(locale || "en");
  const t = (key, substitutions = []) => {
    const text = getMessage(key, substitutions.map(String));
    return text || key;
  };
  const count = (n) => numbers.format(n);
  /** `key` + One/Other chosen by plural rules; the count is $1, other values follow. */
  const plural = (key, n, more = []) => {
    const form = pluralRules.select(n) === "one" ? "One" : "Other";
    return t(key + form, [count(n), ...more]);
  };
  return { t, plural, count, locale: locale || "en" };
}

/** Groups of visible recipients by party; private mailboxes together in one group. */
export function buildGroups(finding, draft, tr) {
  const parties = finding?.parties;
  let groups = [];
  if (Array.isArray(parties) && parties.length > 0) {
    const privateRecipients = [];
    let privateSize = 0;
    const organisations = [];
    for (const party of parties) {
      const recipients = wording.recipientTexts(draft, party.recipients);
      const size = Number.isInteger(party.size) ? Math.max(party.size, recipients.length) : recipients.length;
      if (party.kind === "private") {
        privateRecipients.push(...recipients);
        privateSize += size;
      } else {
        organisations.push({ label: toUnicodeDomain(party.party ?? ""), recipients, size });
      }
    }
    if (privateRecipients.length > 0 || privateSize > 0) {
      groups.push({ label: tr.t("popupGroupPrivate"), recipients: privateRecipients, size: privateSize });
    }
    organisations.sort((a, b) => b.size - a.size || a.label.localeCompare(b.label));
    groups.push(...organisations);
  } else if (draft) {
    const visible = [...draft.to, ...draft.cc];
    groups.push({ label: tr.t("popupGroupVisible"), recipients: visible, size: visible.length });
  }
  const total = groups.reduce((sum, group) => sum + group.size, 0);
  groups = groups.map((group) => ({
    ...group,
    title: tr.plural("popupGroupTitle", group.size, [group.label]),
    preview: previewOf(group.recipients, group.size, tr),
    moreLine: group.size > MAX_LISTED ? tr.plural("popupGroupMore", group.size - MAX_LISTED) : "",
    open: total <= OPEN_GROUPS_UP_TO,
  }));
  return groups;
}

/** "Léa Martin, Hugo Petit, Zoé Roux and 27 others": what a collapsed group shows. */
function previewOf(recipients, size, tr) {
  const shown = recipients.slice(0, PREVIEW_NAMES).map(wording.shortName).join(", ");
  const rest = size - Math.min(recipients.length, PREVIEW_NAMES);
  return rest > 0 ? tr.plural("popupGroupPreview", rest, [shown]) : shown;
}

function hostErrorSentence(hostError, tr) {
  const kind = hostError?.kind ?? "failed";
  const key = {
    missing: "popupHostErrorMissing",
    timeout: "popupHostErrorTimeout",
    invalid: "popupHostErrorInvalid",
    refused: "popupHostErrorRefused",
    untrusted: "popupHostErrorUntrusted",
  }[kind] ?? "popupHostErrorFailed";
  return tr.t(key, [String(hostError?.message ?? "")]);
}

/** A link the popup may open in the browser: http or https only (the policy is checked too). */
export function isWebLink(url) {
  try {
    const parsed = new URL(String(url));
    return parsed.protocol === "https:" || parsed.protocol === "http:";
  } catch {
    return false;
  }
}

/** Addresses listed in a notice about recipients left without a window. */
const MAX_UNOPENED_LISTED = 20;

/** Large mailings: what a split Convert left undone (the send guard's batch sender). */
function batchesModel(input, tr) {
  const labels = { ok: tr.t("popupButtonOk") };
  const base = { mode: input.mode, notes: [], explanation: "", groups: [], omittedLine: "", convertLine: "",
    buttons: { ok: true }, labels, bulk: null };
  if (input.mode === "batchesNotStarted") {
    return { ...base, title: tr.t("popupBatchesNotStartedTitle"), headline: tr.t("popupBatchesNotStarted") };
  }
  const notes = [];
  const sent = input.messages - input.failedMessages;
  if (sent > 0) {
    notes.push(tr.plural("popupBatchesFailedSent", sent, [tr.count(input.messages)]));
  }
  if (input.openWindows > 0) {
    notes.push(tr.plural("popupBatchesFailedWindows", input.openWindows));
  }
  const unopened = input.unopened ?? [];
  if (unopened.length > 0) {
    const listed = unopened.slice(0, MAX_UNOPENED_LISTED).map(wording.addressOf).join(", ");
    notes.push(tr.plural("popupBatchesUnopened", unopened.length, [listed]));
  }
  return {
    ...base,
    title: tr.t("popupBatchesFailedTitle"),
    headline: tr.plural("popupBatchesFailedMissed", input.missedRecipients),
    notes,
  };
}

/**
 * @param {object} input
 * @param {"warn"|"justify"|"block"|"hostError"|"converted"|"hostErrorSent"|"batchesFailed"|"batchesNotStarted"} input.mode
 * @param {object} [input.verdict] the host's verdict
 * @param {object} input.draft the expanded draft that was checked
 * @param {object} [input.rewrite] what Convert applies (verdict.rewrite or the fallback)
 * @param {{kind: string, message: string}} [input.hostError]
 * @param {string} [input.onHostError]
 * @param {{name: string, members: number}[]} [input.lists] expanded mailing lists
 * @param {object} [input.policy] the host's policy status
 * @param {boolean} [input.policyBlocks] the policy blocks (verdict.mjs hostErrorMode): no Send anyway
 * @param {{problems: object[]}} [input.trust] what host-trust.mjs found about the answering host
 * @param {ReturnType<typeof createTranslator>} tr
 */
export function buildPopupModel(input, tr) {
  const { mode, verdict, draft, rewrite, hostError, onHostError, lists, policy, policyBlocks, trust } = input;
  if (mode === "batchesFailed" || mode === "batchesNotStarted") {
    return batchesModel(input, tr);
  }
  const finding = wording.primaryFinding(verdict);
  const notes = [];
  let title;
  let headline;
  let buttons;
  let explanation = "";

  if (mode === "hostError" || mode === "hostErrorSent") {
    title = tr.t("popupHostErrorTitle");
    headline = hostErrorSentence(hostError, tr);
    notes.push(...trustLines(hostError?.problems, tr.t));
    notes.push(tr.plural("popupHostErrorVisible", draft.to.length + draft.cc.length));
    if (mode === "hostErrorSent") {
      explanation = tr.t("popupHostErrorSentExplanation");
    } else if (policyBlocks) {
      explanation = tr.t("popupHostErrorPolicyBlockExplanation");
    } else if (onHostError === "block") {
      explanation = tr.t("popupHostErrorBlockExplanation");
    }
    buttons = mode === "hostErrorSent"
      ? { ok: true }
      : buttonsFor("hostError", onHostError);
  } else {
    title = tr.t(mode === "converted" ? "popupConvertedTitle" : "popupWarnTitle");
    headline = wording.headline(verdict, draft, tr);
    notes.push(...wording.otherFindings(verdict, draft, tr));
    if (mode === "converted") {
      // Already done: say what happened first, not what would have happened.
      headline = wording.convertedSentence(draft, rewrite, tr);
      notes.length = 0;
      buttons = { ok: true };
    } else {
      buttons = buttonsFor(mode);
      if (mode === "block") {
        explanation = tr.t("popupBlockExplanation");
      } else if (mode === "justify") {
        explanation = tr.t("popupJustifyExplanation");
      }
    }
  }
  if (mode !== "hostError" && mode !== "hostErrorSent") {
    // Shown, not refused (IT set no expectation): e.g. a per-user host manifest answered.
    notes.push(...trustLines(trust?.problems, tr.t));
  }
  for (const list of lists ?? []) {
    notes.push(tr.plural("popupListExpanded", list.members, [list.name]));
  }
  if (policy?.status === "error") {
    notes.push(tr.t("popupPolicyError"));
  }
  const omitted = finding?.omittedParties ?? 0;
  // Large mailings: the organisation's bulk tool, from the audience size its policy names.
  const channel = verdict?.bulkChannel;
  const bulk = channel && isWebLink(channel.url) && typeof channel.name === "string"
    ? { text: tr.t("popupBulkChannel", [channel.name]), link: tr.t("popupBulkChannelOpen"), url: channel.url }
    : null;
  return {
    mode,
    title,
    headline,
    notes,
    explanation,
    groups: buildGroups(finding, draft, tr),
    omittedLine: omitted > 0 ? tr.plural("popupOmittedParties", omitted) : "",
    convertLine: mode === "converted" || mode === "hostErrorSent"
      ? ""
      : (verdict ? wording.deliverySentence(verdict, tr) : "") || wording.convertSentence(draft, rewrite, tr),
    bulk,
    buttons,
    labels: {
      convert: tr.t("popupButtonConvert"),
      sendAnyway: tr.t("popupButtonSendAnyway"),
      cancel: tr.t("popupButtonCancel"),
      ok: tr.t("popupButtonOk"),
      reason: tr.t("popupReasonLabel"),
      reasonPlaceholder: tr.t("popupReasonPlaceholder"),
    },
  };
}

/** Popup window limits; the page fits the window to its content between them. */
export const POPUP_WIDTH = 600;
export const POPUP_MIN_HEIGHT = 260;
export const POPUP_MAX_HEIGHT = 720;

/** First estimate of the popup window size, before the page measures itself. */
export function popupSize(model) {
  const rows = model.groups.reduce((sum, group) => sum + 2 + (group.open ? group.recipients.length : 0), 0);
  const extra = model.notes.length * 22 + (model.buttons.needsReason ? 90 : 0) + (model.explanation ? 24 : 0) + (model.bulk ? 24 : 0);
  const height = Math.min(POPUP_MAX_HEIGHT, 250 + Math.min(rows, 14) * 20 + extra);
  return { width: POPUP_WIDTH, height: Math.max(POPUP_MIN_HEIGHT, height) };
}
