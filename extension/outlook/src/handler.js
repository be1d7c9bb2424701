/* BccShield Outlook add-in: the Smart Alerts send check, the Convert to Bcc command and the
 * compose-time notification. Runs in classic Outlook's JavaScript-only event runtime (one file,
 * no DOM, ES2016), in new Outlook and on the web (commands.html).
 * ES2016 only: no async/await, no optional chaining, no Array.prototype.includes. */
/* global Office, BccShieldEngine, BccShieldRecipients, BccShieldStrings */
/* exported BccShieldAddin */
var BccShieldAddin = (function () {
  "use strict";

  var CONVERT_COMMAND_ID = "convertToBcc"; // manifest.xml Control id / manifest.json action id
  var NOTIFICATION_KEY = "bccshieldExposure";
  var CHUNK = 100; // recipients per setAsync/addAsync call (Outlook's limit)
  var ACTION_ORDER = { allow: 0, warn: 1, justify: 2, convert: 3, block: 4 };

  // --- Office helpers ------------------------------------------------------------------------

  function officeContext() {
    return typeof Office !== "undefined" && Office && Office.context ? Office.context : {};
  }

  function supports(version) {
    var requirements = officeContext().requirements;
    try {
      return !!(requirements && requirements.isSetSupported("Mailbox", version));
    } catch (error) {
      return false;
    }
  }

  function lang() {
    return BccShieldStrings.language(officeContext().displayLanguage);
  }

  function t(key, substitutions) {
    return BccShieldStrings.t(lang(), key, substitutions);
  }

  function plural(key, n, more) {
    return BccShieldStrings.plural(lang(), key, n, more);
  }

  function failed(result) {
    if (!result) return true;
    var failedValue = typeof Office !== "undefined" && Office.AsyncResultStatus ? Office.AsyncResultStatus.Failed : "failed";
    return result.status === failedValue || result.status === "failed";
  }

  function reason(error) {
    if (!error) return "unknown error";
    var message = error.message || error.name || String(error);
    return String(message).slice(0, 120);
  }

  function enumValue(path, fallback) {
    var value = typeof Office !== "undefined" ? Office : undefined;
    for (var i = 0; i < path.length && value; i++) value = value[path[i]];
    return value === undefined || value === null ? fallback : value;
  }

  function currentItem() {
    var mailbox = officeContext().mailbox;
    return mailbox ? mailbox.item : undefined;
  }

  // --- reading the draft ---------------------------------------------------------------------

  function getRecipients(field, callback) {
    if (!field || typeof field.getAsync !== "function") {
      callback(null, []);
      return;
    }
    field.getAsync(function (result) {
      if (failed(result)) callback(result && result.error ? result.error : new Error("getAsync failed"));
      else callback(null, Array.isArray(result.value) ? result.value : []);
    });
  }

  // The sender: item.from (compose, Mailbox 1.7), else the signed-in user, else nobody.
  function getSender(item, callback) {
    function fallback() {
      var profile = officeContext().mailbox ? officeContext().mailbox.userProfile : undefined;
      if (profile && profile.emailAddress) {
        callback({ displayName: profile.displayName || "", emailAddress: profile.emailAddress });
      } else {
        callback(null);
      }
    }
    if (!item.from || typeof item.from.getAsync !== "function") {
      fallback();
      return;
    }
    item.from.getAsync(function (result) {
      if (failed(result) || !result.value || !result.value.emailAddress) fallback();
      else callback(result.value);
    });
  }

  function getComposeType(item, callback) {
    if (typeof item.getComposeTypeAsync !== "function") {
      callback("new");
      return;
    }
    item.getComposeTypeAsync(function (result) {
      var type = !failed(result) && result.value ? result.value.composeType : "";
      callback(type === "reply" || type === "forward" ? type : "new");
    });
  }

  // callback(error, {draft, details}) with details = the EmailAddressDetails Outlook gave.
  function readDraft(item, callback) {
    var details = { from: null, to: [], cc: [], bcc: [] };
    var type = "new";
    var pending = 5;
    var firstError = null;
    function done(error) {
      if (error && !firstError) firstError = error;
      pending -= 1;
      if (pending > 0) return;
      if (firstError) {
        callback(firstError);
        return;
      }
      var format = BccShieldRecipients.format;
      callback(null, {
        details: details,
        draft: {
          from: details.from ? format(details.from) : "",
          to: details.to.map(format),
          cc: details.cc.map(format),
          bcc: details.bcc.map(format),
          type: type
        }
      });
    }
    ["to", "cc", "bcc"].forEach(function (name) {
      getRecipients(item[name], function (error, value) {
        if (!error) details[name] = value;
        done(error);
      });
    });
    getSender(item, function (sender) {
      details.from = sender;
      done(null);
    });
    getComposeType(item, function (value) {
      type = value;
      done(null);
    });
  }

  // callback(error, {draft, details, verdict, reply})
  function runCheck(item, callback) {
    if (!item) {
      callback(new Error("no message item"));
      return;
    }
    BccShieldEngine.ready(function (engineError, engine) {
      if (engineError || !engine) {
        callback(engineError || new Error("engine unavailable"));
        return;
      }
      readDraft(item, function (readError, read) {
        if (readError) {
          callback(readError);
          return;
        }
        var reply;
        try {
          reply = engine.check(read.draft);
        } catch (error) {
          callback(error);
          return;
        }
        if (!reply || reply.error || !reply.result) {
          var error = new Error(reply && reply.error ? reply.error.name + ": " + reply.error.message : "no verdict");
          error.reply = reply;
          callback(error);
          return;
        }
        callback(null, { draft: read.draft, details: read.details, verdict: reply.result, reply: reply });
      });
    });
  }

  // --- words for a verdict: Thunderbird's popup sentences (popup-model.mjs), in ES2016 --------

  // The finding that set the decision (the strictest; the first of those).
  function mainFinding(verdict) {
    var best = null;
    (verdict.findings || []).forEach(function (finding) {
      if (!best || (ACTION_ORDER[finding.action] || 0) > (ACTION_ORDER[best.action] || 0)) best = finding;
    });
    return best;
  }

  function pick(value, fallback) {
    return value === undefined || value === null ? fallback : value;
  }

  function findingSentence(finding, verdict) {
    var summary = verdict.summary || {};
    var people = pick(finding.visibleRecipients, pick(summary.visibleRecipients, 0));
    var parties = pick(finding.externalParties, pick(summary.externalParties, 0));
    if (finding.rule === "exposed-parties") {
      var list = Array.isArray(finding.parties) ? finding.parties : [];
      var allPrivate = list.length > 0 && (finding.omittedParties || 0) === 0 && parties === people &&
        list.every(function (party) { return party.kind === "private"; });
      if (allPrivate) return plural("popupHeadlinePrivate", people);
      return t("popupHeadlineExposed", [plural("popupPeople", people), plural("popupParties", parties)]);
    }
    if (finding.rule === "reply-exposure") return plural("popupHeadlineReply", people);
    if (finding.rule === "large-alias") {
      var alias = finding.aliases && finding.aliases[0] ? finding.aliases[0].recipient : "";
      return t("popupHeadlineLargeAlias", [alias]);
    }
    if (finding.rule === "unparsable-recipient") return t("popupHeadlineUnparsable");
    return plural("popupHeadlineGeneric", people);
  }

  function addressKey(text) {
    return BccShieldRecipients.key(BccShieldRecipients.addressOf(text));
  }

  function movedToBcc(draft, rewrite) {
    var hidden = Object.create(null);
    draft.bcc.forEach(function (recipient) { hidden[addressKey(recipient)] = true; });
    return rewrite.bcc.filter(function (recipient) { return !hidden[addressKey(recipient)]; }).length;
  }

  function convertSentence(draft, rewrite) {
    if (!rewrite) return "";
    var senderKey = addressKey(draft.from || "");
    var moved = movedToBcc(draft, rewrite);
    var visible = rewrite.to.concat(rewrite.cc).filter(function (recipient) {
      return addressKey(recipient) !== senderKey;
    }).length;
    var senderInTo = senderKey !== "" && rewrite.to.some(function (recipient) {
      return addressKey(recipient) === senderKey;
    });
    if (visible > 0) return t("popupConvertKeep", [plural("popupPeople", visible), plural("popupOthers", moved)]);
    if (senderInTo) return plural("popupConvertSelf", moved);
    return plural("popupConvertUndisclosed", moved);
  }

  // The Smart Alerts dialog text: headline, what Convert does, what the user may do.
  function sendMessage(verdict, draft, hasConvertButton) {
    var finding = mainFinding(verdict);
    var parts = [finding ? findingSentence(finding, verdict) : plural("popupHeadlineGeneric", verdict.summary.visibleRecipients)];
    if (verdict.decision === "block") parts.push(t("popupBlockExplanation"));
    if (verdict.decision === "justify") parts.push(t("outlookJustifyUnavailable"));
    parts.push(hasConvertButton ? convertSentence(draft, verdict.rewrite) : t("outlookChoiceBlockRibbon"));
    return BccShieldStrings.truncate(parts.filter(function (part) { return part; }).join(" "), 500);
  }

  function bccLimit() {
    // A recipient field holds 500 entries in classic Outlook up to Mailbox 1.15, 1,000 elsewhere.
    return supports("1.16") ? 1000 : 500;
  }

  // --- applying the rewrite ------------------------------------------------------------------

  function setChunked(field, list, callback) {
    var offset = Math.min(CHUNK, list.length);
    field.setAsync(list.slice(0, offset), function (result) {
      if (failed(result)) {
        callback(result && result.error ? result.error : new Error("setAsync failed"));
        return;
      }
      (function addNext() {
        if (offset >= list.length) {
          callback(null);
          return;
        }
        var chunk = list.slice(offset, offset + CHUNK);
        offset += chunk.length;
        field.addAsync(chunk, function (addResult) {
          if (failed(addResult)) callback(addResult && addResult.error ? addResult.error : new Error("addAsync failed"));
          else addNext();
        });
      })();
    });
  }

  // Writes the engine's rewrite into the item. Bcc is filled first, so a failure part-way leaves
  // every recipient still in the message (possibly twice, never lost).
  function applyRewrite(item, rewrite, details, draft, callback) {
    var lookup = new BccShieldRecipients.Lookup([details.from ? [details.from] : [], details.to, details.cc, details.bcc]);
    function resolveAll(list) {
      return (list || []).map(function (entry) {
        return lookup.resolve(entry);
      });
    }
    var to = resolveAll(rewrite.to);
    var cc = resolveAll(rewrite.cc);
    var bcc = resolveAll(rewrite.bcc);
    var limit = bccLimit();
    var largest = Math.max(to.length, cc.length, bcc.length);
    if (largest > limit) {
      var tooMany = new Error("too many recipients");
      tooMany.code = "too-many";
      tooMany.count = largest;
      tooMany.limit = limit;
      callback(tooMany);
      return;
    }
    setChunked(item.bcc, bcc, function (bccError) {
      if (bccError) {
        callback(bccError);
        return;
      }
      setChunked(item.to, to, function (toError) {
        if (toError) {
          callback(toError);
          return;
        }
        setChunked(item.cc, cc, function (ccError) {
          callback(ccError, { to: to.length, cc: cc.length, bcc: bcc.length, moved: movedToBcc(draft, rewrite) });
        });
      });
    });
  }

  function convertError(error) {
    if (error && error.code === "too-many") return t("outlookTooManyForBcc", [error.count, error.limit]);
    return t("outlookConvertFailed", [reason(error)]);
  }

  function notify(item, message, callback) {
    var done = callback || function () {};
    var messages = item && item.notificationMessages;
    if (!messages || typeof messages.replaceAsync !== "function") {
      done();
      return;
    }
    messages.replaceAsync(
      NOTIFICATION_KEY,
      {
        type: enumValue(["MailboxEnums", "ItemNotificationMessageType", "InformationalMessage"], "informationalMessage"),
        message: BccShieldStrings.truncate(message, 150),
        icon: "Icon.16x16",
        persistent: false
      },
      function () {
        done();
      }
    );
  }

  function clearNotification(item, callback) {
    var messages = item && item.notificationMessages;
    if (!messages || typeof messages.removeAsync !== "function") {
      callback();
      return;
    }
    messages.removeAsync(NOTIFICATION_KEY, function () {
      callback();
    });
  }

  // --- OnMessageSend ---------------------------------------------------------------------------

  function completeEngineFailure(event, error) {
    var mode = BccShieldEngine.settings.onEngineError || "ask";
    if (mode === "allow") {
      event.completed({ allowEvent: true });
      return;
    }
    var message = t("outlookCheckFailed", [reason(error)]) + " " + t(mode === "block" ? "outlookCheckFailedBlock" : "outlookCheckFailedAsk");
    var options = { allowEvent: false, errorMessage: BccShieldStrings.truncate(message, 500) };
    if (mode !== "block" && supports("1.14")) {
      options.sendModeOverride = enumValue(["MailboxEnums", "SendModeOverride", "PromptUser"], "promptUser");
    }
    event.completed(options);
  }

  function onMessageSendHandler(event) {
    var item = currentItem();
    runCheck(item, function (error, checked) {
      if (error) {
        completeEngineFailure(event, error);
        return;
      }
      var verdict = checked.verdict;
      if (verdict.decision === "allow") {
        event.completed({ allowEvent: true });
        return;
      }
      if (verdict.decision === "convert") {
        applyRewrite(item, verdict.rewrite, checked.details, checked.draft, function (convertErr, counts) {
          event.completed({
            allowEvent: false,
            errorMessage: convertErr ? convertError(convertErr) : plural("outlookAutoConverted", counts.moved)
          });
        });
        return;
      }
      // warn: Send Anyway | Convert to Bcc | Don't Send (PromptUser).
      // justify and block: no Send Anyway (the manifest's SoftBlock stays in force).
      var hasConvertButton = supports("1.15");
      var options = { allowEvent: false, errorMessage: sendMessage(verdict, checked.draft, hasConvertButton) };
      if (hasConvertButton) {
        options.cancelLabel = t("outlookConvertLabel");
        options.commandId = CONVERT_COMMAND_ID;
        options.contextData = JSON.stringify({ checkId: verdict.checkId, decision: verdict.decision });
      }
      if (verdict.decision === "warn" && supports("1.14")) {
        options.sendModeOverride = enumValue(["MailboxEnums", "SendModeOverride", "PromptUser"], "promptUser");
      }
      event.completed(options);
    });
  }

  // --- Convert to Bcc (function command: the dialog's button and the ribbon button) -----------

  function convertToBcc(event) {
    var item = currentItem();
    function finish() {
      if (event && typeof event.completed === "function") event.completed();
    }
    runCheck(item, function (error, checked) {
      if (error) {
        notify(item, t("outlookConvertFailed", [reason(error)]), finish);
        return;
      }
      var verdict = checked.verdict;
      if (verdict.decision === "allow" || !verdict.rewrite) {
        notify(item, t("outlookNothingToConvert"), finish);
        return;
      }
      applyRewrite(item, verdict.rewrite, checked.details, checked.draft, function (convertErr, counts) {
        notify(item, convertErr ? convertError(convertErr) : plural("outlookConverted", counts.moved), finish);
      });
    });
  }

  // --- OnMessageRecipientsChanged: warn early, while composing --------------------------------

  function onMessageRecipientsChangedHandler(event) {
    var item = currentItem();
    function finish() {
      if (event && typeof event.completed === "function") event.completed();
    }
    runCheck(item, function (error, checked) {
      if (error || checked.verdict.decision === "allow") {
        clearNotification(item, finish);
        return;
      }
      var finding = mainFinding(checked.verdict);
      var message =
        finding && finding.rule === "exposed-parties"
          ? t("outlookNotifyExposed", [BccShieldStrings.count(lang(), finding.externalParties)])
          : t("outlookNotifyOther");
      notify(item, message, finish);
    });
  }

  function register() {
    if (typeof Office === "undefined" || !Office || !Office.actions || typeof Office.actions.associate !== "function") {
      return false;
    }
    Office.actions.associate("onMessageSendHandler", onMessageSendHandler);
    Office.actions.associate("onMessageRecipientsChangedHandler", onMessageRecipientsChangedHandler);
    Office.actions.associate(CONVERT_COMMAND_ID, convertToBcc);
    // The HTML runtime (new Outlook, web, Mac, the ribbon's function file) initialises office.js
    // through onReady; classic Outlook's JavaScript-only runtime does not need it.
    if (typeof Office.onReady === "function") {
      try {
        Office.onReady();
      } catch (error) {
        // not available in this runtime
      }
    }
    return true;
  }

  var addin = {
    onMessageSendHandler: onMessageSendHandler,
    onMessageRecipientsChangedHandler: onMessageRecipientsChangedHandler,
    convertToBcc: convertToBcc,
    readDraft: readDraft,
    applyRewrite: applyRewrite,
    register: register,
    CONVERT_COMMAND_ID: CONVERT_COMMAND_ID
  };
  return addin;
})();

BccShieldAddin.register();
// Start the engine now, so it is ready when the first event arrives.
BccShieldEngine.ready(function () {});
