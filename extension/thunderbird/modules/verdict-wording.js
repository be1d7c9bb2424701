/* BccShield: the words for a verdict, written once for both clients.
 * A plain ES2016 script (no modules, no `?.`, no Array.prototype.includes): the Outlook build
 * concatenates it into its one-file bundle (extension/outlook/tools/build-addin.js) and
 * Thunderbird imports it through the thin wrapper modules/verdict-wording.mjs.
 *
 * Every function takes a translator `tr` = {t(key, substitutions), plural(key, n, more),
 * count(n)}: Thunderbird's createTranslator (popup-model.mjs) or Outlook's BccShieldStrings.
 * The message keys are the popup* keys of extension/thunderbird/_locales, the only copy of them.
 *
 * Recipient lists in a verdict (rewrite.to/cc/bcc and the lists inside findings) hold strings
 * today and, from protocol v2, integers: an index into the checked draft's recipients flattened
 * as [...draft.to, ...draft.cc, ...draft.bcc]. recipientText() reads both. */
/* global BccShieldMailRules */
/* exported BccShieldWording */
var BccShieldWording = (function () {
  "use strict";

  // Action order, recipient key and address: the shared mail facts (mail-rules.js, loaded first).
  var rules = BccShieldMailRules;
  var addressOf = rules.addressOf;
  var recipientKey = rules.recipientKey;

  function pick(value, fallback) {
    return value === undefined || value === null ? fallback : value;
  }

  // One recipient element of a verdict -> its text ("" for an index outside the draft).
  function recipientText(draft, element) {
    if (element === undefined || element === null) return "";
    return pick(rules.recipientAt(draft, element), "");
  }

  function recipientTexts(draft, elements) {
    return (Array.isArray(elements) ? elements : []).map(function (element) {
      return recipientText(draft, element);
    });
  }

  // Display name, or the address when there is none.
  function shortName(recipient) {
    var text = String(pick(recipient, "")).trim();
    var open = text.lastIndexOf("<");
    var name = open > 0 ? text.slice(0, open).trim().replace(/^"(.*)"$/, "$1") : "";
    return name || addressOf(text);
  }

  // The finding that set the decision: the strictest, the first of those.
  function primaryFinding(verdict) {
    var best = null;
    var findings = verdict && Array.isArray(verdict.findings) ? verdict.findings : [];
    for (var i = 0; i < findings.length; i++) {
      if (!best || rules.actionRank(findings[i].action) > rules.actionRank(best.action)) best = findings[i];
    }
    return best;
  }

  function findingSentence(finding, verdict, draft, tr) {
    var summary = (verdict && verdict.summary) || {};
    var people = pick(finding.visibleRecipients, pick(summary.visibleRecipients, 0));
    var parties = pick(finding.externalParties, pick(summary.externalParties, 0));
    switch (finding.rule) {
      case "exposed-parties": {
        var list = Array.isArray(finding.parties) ? finding.parties : [];
        var allPrivate = list.length > 0 && pick(finding.omittedParties, 0) === 0 && parties === people &&
          list.every(function (party) { return party.kind === "private"; });
        if (allPrivate) return tr.plural("popupHeadlinePrivate", people);
        return tr.t("popupHeadlineExposed", [tr.plural("popupPeople", people), tr.plural("popupParties", parties)]);
      }
      case "reply-exposure":
        return tr.plural("popupHeadlineReply", pick(finding.keptVisible, people),
          [tr.count(pick(finding.originalExternalParties, parties))]);
      case "large-alias": {
        var alias = (Array.isArray(finding.aliases) && finding.aliases[0]) || {};
        var recipient = recipientText(draft, alias.recipient);
        var name = shortName(recipient);
        var address = addressOf(recipient);
        var shown = name && name !== address ? name + " (" + address + ")" : address;
        return tr.t("popupHeadlineLargeAlias", [shown, tr.count(pick(alias.audience, 0))]);
      }
      case "unparsable-recipient":
        return tr.plural("popupHeadlineUnparsable",
          pick(finding.count, Array.isArray(finding.entries) ? finding.entries.length : 1));
      default:
        return tr.plural("popupHeadlineGeneric", people);
    }
  }

  // The first sentence: what the strictest finding means for the people in To/Cc.
  function headline(verdict, draft, tr) {
    var finding = primaryFinding(verdict);
    if (finding) return findingSentence(finding, verdict, draft, tr);
    return tr.plural("popupHeadlineGeneric", pick(verdict && verdict.summary && verdict.summary.visibleRecipients, 0));
  }

  // One sentence for each other finding, in the verdict's order.
  function otherFindings(verdict, draft, tr) {
    var main = primaryFinding(verdict);
    var findings = verdict && Array.isArray(verdict.findings) ? verdict.findings : [];
    return findings.filter(function (finding) { return finding !== main; }).map(function (finding) {
      return findingSentence(finding, verdict, draft, tr);
    });
  }

  // Recipients Convert moves into Bcc (those already in Bcc are not counted).
  function movedToBcc(draft, rewrite) {
    var hidden = Object.create(null);
    (draft.bcc || []).forEach(function (recipient) { hidden[recipientKey(recipient)] = true; });
    return recipientTexts(draft, rewrite.bcc).filter(function (recipient) { return !hidden[recipientKey(recipient)]; }).length;
  }

  // Recipients Convert leaves in To/Cc, other than the sender.
  function stayingVisible(draft, rewrite) {
    var senderKey = recipientKey(draft.from || "");
    return recipientTexts(draft, rewrite.to).concat(recipientTexts(draft, rewrite.cc)).filter(function (recipient) {
      return recipientKey(recipient) !== senderKey;
    }).length;
  }

  // What Convert to Bcc will do ("" without a rewrite).
  function convertSentence(draft, rewrite, tr) {
    if (!rewrite) return "";
    var moved = movedToBcc(draft, rewrite);
    var visible = stayingVisible(draft, rewrite);
    var senderKey = recipientKey(draft.from || "");
    var senderInTo = senderKey !== "" && recipientTexts(draft, rewrite.to).some(function (recipient) {
      return recipientKey(recipient) === senderKey;
    });
    if (visible > 0) return tr.t("popupConvertKeep", [tr.plural("popupPeople", visible), tr.plural("popupOthers", moved)]);
    if (senderInTo) return tr.plural("popupConvertSelf", moved);
    return tr.plural("popupConvertUndisclosed", moved);
  }

  // Large mailings (issue 14), Thunderbird only: how Convert will send (several messages within
  // the provider's limit, or one copy per person), "" for one message. Outlook cannot split a
  // send: its handler never calls this, so its words never promise batches (PROTOCOL.md).
  function deliverySentence(verdict, tr) {
    var delivery = verdict && verdict.delivery;
    if (!delivery || typeof delivery !== "object") return "";
    var messages = pick(delivery.messages, 1);
    var sentence = "";
    if (delivery.mode === "batches") {
      var key = delivery.repeated === 1 ? "popupDeliveryBatchesSelf" : "popupDeliveryBatches";
      sentence = tr.plural(key, messages, [tr.count(pick(delivery.limit, 0))]);
    } else if (delivery.mode === "individual") {
      sentence = tr.plural("popupDeliveryIndividual", messages);
    }
    if (delivery.individualMax) {
      var fallback = tr.t("popupDeliveryIndividualMax", [tr.count(delivery.individualMax)]);
      sentence = sentence ? sentence + " " + fallback : fallback;
    }
    return sentence;
  }

  // What Convert did, once done.
  function convertedSentence(draft, rewrite, tr) {
    return tr.plural("popupConvertedExplanation", rewrite ? movedToBcc(draft, rewrite) : 0);
  }

  var wording = {
    recipientText: recipientText,
    recipientTexts: recipientTexts,
    addressOf: addressOf,
    recipientKey: recipientKey,
    shortName: shortName,
    primaryFinding: primaryFinding,
    findingSentence: findingSentence,
    headline: headline,
    otherFindings: otherFindings,
    movedToBcc: movedToBcc,
    convertSentence: convertSentence,
    deliverySentence: deliverySentence,
    convertedSentence: convertedSentence
  };
  return wording;
})();

// For the ES-module wrapper (modules/verdict-wording.mjs imports this file for its effect: a
// `var` in a module stays local). In classic Outlook's runtime the var above is already global.
if (typeof globalThis === "object" && globalThis) globalThis.BccShieldWording = BccShieldWording;
