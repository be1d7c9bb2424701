/* BccShield Outlook add-in: the Smart Alerts send check, the Convert to Bcc command and the
 * compose-time notification. Runs in classic Outlook's JavaScript-only event runtime (one file,
 * no DOM, ES2016), in new Outlook and on the web (commands.html).
 * ES2016 only: no async/await, no optional chaining, no Array.prototype.includes.
 *
 * Office.js rules this file relies on (checked against Microsoft's reference, see also
 * docs/ADMIN-outlook.md):
 * - commandId must equal the control's id (XML <Control id>, unified manifest controls[].id); an
 *   unknown id makes the dialog button simply cancel the send.
 *   https://learn.microsoft.com/javascript/api/outlook/office.smartalertseventcompletedoptions
 * - recipients.getAsync returns resolved recipients only (at most 1,000 per field); setAsync
 *   overwrites the field; set/addAsync take at most 100 recipients per call.
 *   https://learn.microsoft.com/javascript/api/outlook/office.recipients
 * - recipientType "distributionList" marks a distribution list; Office.js cannot expand it.
 *   https://learn.microsoft.com/javascript/api/outlook/office.mailboxenums.recipienttype
 * - Office.context.requirements.isSetSupported is at times undefined in classic Outlook's event
 *   runtime: OfficeDev/office-js issues #5091 and #2286.
 * - A handler that never calls event.completed leaves the send waiting up to 5 minutes.
 *   https://learn.microsoft.com/office/dev/add-ins/outlook/onmessagesend-onappointmentsend-events */
/* global Office, BccShieldEngine, BccShieldRecipients, BccShieldStrings, BccShieldWording */
/* exported BccShieldAddin */
var BccShieldAddin = (function () {
  "use strict";

  var CONVERT_COMMAND_ID = "convertToBcc"; // manifest.xml <Control id>, manifest.json controls[].id
  var NOTIFICATION_KEY = "bccshieldExposure";
  var CHUNK = 100; // recipients per setAsync/addAsync call (Outlook's limit)
  var READ_CAP = 1000; // getAsync returns at most this many recipients per field
  // A distribution list at an outside domain counts as this many people unless the policy's
  // largeAudienceAddresses names it (Exchange's own "large audience" MailTip starts at 25).
  var DISTRIBUTION_LIST_AUDIENCE = 25;

  // --- Office helpers ------------------------------------------------------------------------

  function officeContext() {
    return typeof Office !== "undefined" && Office && Office.context ? Office.context : {};
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

  // What each Mailbox version adds that this add-in uses, for when isSetSupported itself is
  // missing (office-js #5091): then the objects are asked directly.
  var FEATURE_OF_VERSION = {
    "1.14": function () { return enumValue(["MailboxEnums", "SendModeOverride", "PromptUser"], null) !== null; },
    "1.15": function () {
      var item = currentItem();
      return !!item && typeof item.sendAsync === "function";
    },
    // No object tells 1.16 (1,000-recipient fields) apart: assume the smaller field.
    "1.16": function () { return false; }
  };

  function supports(version) {
    var requirements = officeContext().requirements;
    if (requirements && typeof requirements.isSetSupported === "function") {
      try {
        return !!requirements.isSetSupported("Mailbox", version);
      } catch (error) {
        // fall through to feature detection
      }
    }
    var feature = FEATURE_OF_VERSION[version];
    return feature ? feature() : false;
  }

  function lang() {
    return BccShieldStrings.language(officeContext().displayLanguage);
  }

  // The translator the shared wording (verdict-wording.js) asks for.
  function translator() {
    var language = lang();
    return {
      t: function (key, substitutions) { return BccShieldStrings.t(language, key, substitutions); },
      plural: function (key, n, more) { return BccShieldStrings.plural(language, key, n, more); },
      count: function (n) { return BccShieldStrings.count(language, n); }
    };
  }

  function failed(result) {
    if (!result) return true;
    var failedValue = enumValue(["AsyncResultStatus", "Failed"], "failed");
    return result.status === failedValue || result.status === "failed";
  }

  function errorOf(result, what) {
    return result && result.error ? result.error : new Error(what + " failed");
  }

  function reason(error) {
    if (!error) return "unknown error";
    var message = error.message || error.name || String(error);
    return String(message).slice(0, 120);
  }

  // --- one event, completed exactly once -------------------------------------------------------

  // Every callback of an event's chain goes through flow.step(), so an exception anywhere ends
  // in onError (which completes the event) instead of a send left waiting. complete() calls
  // event.completed once; later calls and steps are ignored.
  function Flow(event, onError, lastResort) {
    this.event = event;
    this.onError = onError;
    this.lastResort = lastResort; // the options when onError itself throws
    this.done = false;
  }

  Flow.prototype.complete = function (options) {
    if (this.done) return;
    this.done = true;
    var event = this.event;
    if (!event || typeof event.completed !== "function") return;
    if (options === undefined) event.completed();
    else event.completed(options);
  };

  Flow.prototype.fail = function (error) {
    if (this.done) return;
    try {
      this.onError(error);
    } catch (secondError) {
      this.complete(this.lastResort);
    }
    // onError may have started asynchronous work (a notification) that completes later.
  };

  Flow.prototype.step = function (fn) {
    var flow = this;
    return function () {
      if (flow.done) return undefined;
      try {
        return fn.apply(null, arguments);
      } catch (error) {
        flow.fail(error);
        return undefined;
      }
    };
  };

  // Runs the event's first step.
  Flow.prototype.run = function (body) {
    this.step(body)();
  };

  // --- reading the draft ---------------------------------------------------------------------

  function getRecipients(flow, field, callback) {
    if (!field || typeof field.getAsync !== "function") {
      callback(null, []);
      return;
    }
    field.getAsync(flow.step(function (result) {
      if (failed(result)) callback(errorOf(result, "getAsync"));
      else callback(null, Array.isArray(result.value) ? result.value : []);
    }));
  }

  // The sender: item.from (compose, Mailbox 1.7), else the signed-in user, else nobody.
  function getSender(flow, item, callback) {
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
    item.from.getAsync(flow.step(function (result) {
      if (failed(result) || !result.value || !result.value.emailAddress) fallback();
      else callback(result.value);
    }));
  }

  function getComposeType(flow, item, callback) {
    if (typeof item.getComposeTypeAsync !== "function") {
      callback("new");
      return;
    }
    item.getComposeTypeAsync(flow.step(function (result) {
      var type = !failed(result) && result.value ? result.value.composeType : "";
      callback(type === "reply" || type === "forward" ? type : "new");
    }));
  }

  // callback(error, {draft, details}) with details = the EmailAddressDetails Outlook gave.
  function readDraft(flow, item, callback) {
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
      getRecipients(flow, item[name], function (error, value) {
        if (!error) details[name] = value;
        done(error);
      });
    });
    getSender(flow, item, function (sender) {
      details.from = sender;
      done(null);
    });
    getComposeType(flow, item, function (value) {
      type = value;
      done(null);
    });
  }

  // Distribution lists in To/Cc at an outside domain, each with the audience to count it as.
  // Whether a domain is outside is the engine's own decision (a one-recipient check), so the
  // policy's internalDomains and the sender's domain apply exactly as for everyone else.
  function outsideDistributionLists(engine, read) {
    var listType = enumValue(["MailboxEnums", "RecipientType", "DistributionList"], "distributionList");
    var lists = [];
    read.details.to.concat(read.details.cc).forEach(function (details) {
      if (!details || details.recipientType !== listType || !BccShieldRecipients.hasAddress(details)) return;
      var text = BccShieldRecipients.format(details);
      var probe = engine.check({ from: read.draft.from, to: [text], cc: [], bcc: [], type: "new" });
      if (probe && probe.result && probe.result.summary.externalRecipients === 1) {
        lists.push({ text: text, address: BccShieldRecipients.key(details.emailAddress) });
      }
    });
    return lists;
  }

  // callback(error, {draft, details, verdict, lists})
  function runCheck(flow, item, callback) {
    if (!item) {
      callback(new Error("no message item"));
      return;
    }
    BccShieldEngine.ready(flow.step(function (engineError, engine) {
      if (engineError || !engine) {
        callback(engineError || new Error("engine unavailable"));
        return;
      }
      readDraft(flow, item, function (readError, read) {
        if (readError) {
          callback(readError);
          return;
        }
        var lists = outsideDistributionLists(engine, read);
        var audiences = {};
        lists.forEach(function (list) { audiences[list.address] = DISTRIBUTION_LIST_AUDIENCE; });
        var reply = lists.length > 0 ? engine.checkWithAudiences(read.draft, audiences) : engine.check(read.draft);
        if (!reply || reply.error || !reply.result) {
          var error = new Error(reply && reply.error ? reply.error.name + ": " + reply.error.message : "no verdict");
          error.reply = reply;
          callback(error);
          return;
        }
        callback(null, { draft: read.draft, details: read.details, verdict: reply.result, lists: lists });
      });
    }));
  }

  // --- words for a verdict (verdict-wording.js, shared with Thunderbird's popup) ----------------

  // The Smart Alerts dialog text: headline, distribution lists, what Convert does, the choice.
  function sendMessage(checked, hasConvertButton) {
    var verdict = checked.verdict;
    var tr = translator();
    var parts = [BccShieldWording.headline(verdict, checked.draft, tr)];
    checked.lists.forEach(function (list) {
      parts.push(tr.t("outlookDistributionList", [BccShieldWording.shortName(list.text), tr.count(DISTRIBUTION_LIST_AUDIENCE)]));
    });
    if (verdict.decision === "block") parts.push(tr.t("popupBlockExplanation"));
    if (verdict.decision === "justify") parts.push(tr.t("outlookJustifyUnavailable"));
    parts.push(hasConvertButton ? BccShieldWording.convertSentence(checked.draft, verdict.rewrite, tr) : tr.t("outlookChoiceBlockRibbon"));
    return BccShieldStrings.truncate(parts.filter(function (part) { return part; }).join(" "), 500);
  }

  function fieldCapacity() {
    // A recipient field holds 500 entries in classic Outlook up to Mailbox 1.15, 1,000 elsewhere.
    return supports("1.16") ? 1000 : 500;
  }

  // --- applying the rewrite ------------------------------------------------------------------

  function setChunked(flow, field, list, callback) {
    var offset = Math.min(CHUNK, list.length);
    field.setAsync(list.slice(0, offset), flow.step(function (result) {
      if (failed(result)) {
        callback(errorOf(result, "setAsync"));
        return;
      }
      (function addNext() {
        if (offset >= list.length) {
          callback(null);
          return;
        }
        var chunk = list.slice(offset, offset + CHUNK);
        offset += chunk.length;
        field.addAsync(chunk, flow.step(function (addResult) {
          if (failed(addResult)) callback(errorOf(addResult, "addAsync"));
          else addNext();
        }));
      })();
    }));
  }

  // Writes to, cc and bcc (Bcc first: a failure part-way leaves every recipient in the message,
  // possibly twice, never lost).
  function writeFields(flow, item, fields, callback) {
    setChunked(flow, item.bcc, fields.bcc, function (bccError) {
      if (bccError) {
        callback(bccError);
        return;
      }
      setChunked(flow, item.to, fields.to, function (toError) {
        if (toError) {
          callback(toError);
          return;
        }
        setChunked(flow, item.cc, fields.cc, callback);
      });
    });
  }

  function keysOf(lists) {
    var keys = Object.create(null);
    lists.forEach(function (list) {
      list.forEach(function (details) { keys[BccShieldRecipients.key(details.emailAddress)] = true; });
    });
    return keys;
  }

  function sameKeys(a, b) {
    var aKeys = Object.keys(a);
    return aKeys.length === Object.keys(b).length && aKeys.every(function (key) { return b[key] === true; });
  }

  function convertRefusal(code, values) {
    var error = new Error(code);
    error.code = code;
    error.values = values || [];
    return error;
  }

  // Before anything is written: what Outlook gave must be the whole message. A field read at the
  // cap may hold more; an entry without an address would not survive setAsync.
  function checkReadable(details) {
    var fields = ["to", "cc", "bcc"];
    for (var i = 0; i < fields.length; i++) {
      var list = details[fields[i]];
      if (list.length >= READ_CAP) return convertRefusal("read-cap", [READ_CAP]);
      for (var j = 0; j < list.length; j++) {
        if (!BccShieldRecipients.hasAddress(list[j])) {
          return convertRefusal("no-address", [String(list[j] && list[j].displayName || "?").slice(0, 60)]);
        }
      }
    }
    return null;
  }

  // Reads every field back: the union must be exactly what was written, which holds everyone
  // the message had.
  function verifyWritten(flow, item, expected, original, callback) {
    var read = { to: [], cc: [], bcc: [] };
    var pending = 3;
    var firstError = null;
    ["to", "cc", "bcc"].forEach(function (name) {
      getRecipients(flow, item[name], function (error, value) {
        if (error && !firstError) firstError = error;
        if (!error) read[name] = value;
        pending -= 1;
        if (pending > 0) return;
        if (firstError) {
          callback(firstError);
          return;
        }
        var now = keysOf([read.to, read.cc, read.bcc]);
        var before = keysOf([original.to, original.cc, original.bcc]);
        var everyoneKept = Object.keys(before).every(function (key) { return now[key] === true; });
        callback(everyoneKept && sameKeys(now, keysOf([expected.to, expected.cc, expected.bcc])) ? null
          : convertRefusal("verify-failed"));
      });
    });
  }

  // Applies the engine's rewrite; on a failed write or check, the original fields are put back.
  // callback(error, counts) with error.restored telling whether the original fields are back.
  function applyRewrite(flow, item, checked, callback) {
    var details = checked.details;
    var refusal = checkReadable(details);
    if (refusal) {
      callback(refusal);
      return;
    }
    var rewrite = checked.verdict.rewrite;
    var lookup = new BccShieldRecipients.Lookup(details.from, details.to, details.cc, details.bcc);
    function resolveAll(list) {
      return (list || []).map(function (element) { return lookup.resolve(element); });
    }
    var fields = { to: resolveAll(rewrite.to), cc: resolveAll(rewrite.cc), bcc: resolveAll(rewrite.bcc) };
    var largest = Math.max(fields.to.length, fields.cc.length, fields.bcc.length);
    var capacity = fieldCapacity();
    if (largest > capacity) {
      callback(convertRefusal("too-many", [largest, capacity]));
      return;
    }
    var moved = BccShieldWording.movedToBcc(checked.draft, rewrite);
    function restore(cause) {
      var original = { to: details.to.map(copyDetails), cc: details.cc.map(copyDetails), bcc: details.bcc.map(copyDetails) };
      writeFields(flow, item, original, function (restoreError) {
        cause.restored = !restoreError;
        callback(cause);
      });
    }
    writeFields(flow, item, fields, function (writeError) {
      if (writeError) {
        restore(writeError);
        return;
      }
      verifyWritten(flow, item, fields, details, function (verifyError) {
        if (verifyError) restore(verifyError);
        else callback(null, { moved: moved });
      });
    });
  }

  function copyDetails(details) {
    return { displayName: details.displayName || details.emailAddress, emailAddress: details.emailAddress };
  }

  function convertError(error) {
    var tr = translator();
    var values = (error && error.values || []).map(function (value) {
      return typeof value === "number" ? tr.count(value) : value;
    });
    if (error && error.code === "too-many") return tr.t("outlookTooManyForBcc", values);
    if (error && error.code === "read-cap") return tr.t("outlookConvertReadCap", values);
    if (error && error.code === "no-address") return tr.t("outlookConvertNoAddress", values);
    if (error && error.restored === false) return tr.t("outlookConvertNotRestored", [reason(error)]);
    if (error && error.code === "verify-failed") return tr.t("outlookConvertRestored");
    return tr.t("outlookConvertFailed", [reason(error)]);
  }

  function notify(flow, item, message, callback) {
    var messages = item && item.notificationMessages;
    if (!messages || typeof messages.replaceAsync !== "function") {
      callback();
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
      flow.step(function () {
        callback();
      })
    );
  }

  function clearNotification(flow, item, callback) {
    var messages = item && item.notificationMessages;
    if (!messages || typeof messages.removeAsync !== "function") {
      callback();
      return;
    }
    messages.removeAsync(NOTIFICATION_KEY, flow.step(function () {
      callback();
    }));
  }

  // --- OnMessageSend ---------------------------------------------------------------------------

  function engineFailureOptions(error) {
    var mode = BccShieldEngine.settings.onEngineError || "ask";
    if (mode === "allow") return { allowEvent: true };
    var tr = translator();
    var message = tr.t("outlookCheckFailed", [reason(error)]) + " " + tr.t(mode === "block" ? "outlookCheckFailedBlock" : "outlookCheckFailedAsk");
    var options = { allowEvent: false, errorMessage: BccShieldStrings.truncate(message, 500) };
    if (mode !== "block" && supports("1.14")) {
      options.sendModeOverride = enumValue(["MailboxEnums", "SendModeOverride", "PromptUser"], "promptUser");
    }
    return options;
  }

  function onMessageSendHandler(event) {
    var lastResort = BccShieldEngine.settings.onEngineError === "allow" ? { allowEvent: true }
      : { allowEvent: false, errorMessage: "BccShield could not check this message." };
    var flow = new Flow(event, function (error) { flow.complete(engineFailureOptions(error)); }, lastResort);
    flow.run(function () {
      var item = currentItem();
      runCheck(flow, item, function (error, checked) {
        if (error) {
          flow.fail(error);
          return;
        }
        var verdict = checked.verdict;
        if (verdict.decision === "allow") {
          flow.complete({ allowEvent: true });
          return;
        }
        if (verdict.decision === "convert") {
          applyRewrite(flow, item, checked, function (convertErr, counts) {
            flow.complete({
              allowEvent: false,
              errorMessage: convertErr ? convertError(convertErr) : translator().plural("outlookAutoConverted", counts.moved)
            });
          });
          return;
        }
        // warn: Send Anyway | Convert to Bcc | Don't Send (PromptUser).
        // justify and block: no Send Anyway (the manifest's SoftBlock stays in force).
        var hasConvertButton = supports("1.15");
        var options = { allowEvent: false, errorMessage: sendMessage(checked, hasConvertButton) };
        if (hasConvertButton) {
          options.cancelLabel = translator().t("outlookConvertLabel");
          options.commandId = CONVERT_COMMAND_ID;
          options.contextData = JSON.stringify({ checkId: verdict.checkId, decision: verdict.decision });
        }
        if (verdict.decision === "warn" && supports("1.14")) {
          options.sendModeOverride = enumValue(["MailboxEnums", "SendModeOverride", "PromptUser"], "promptUser");
        }
        flow.complete(options);
      });
    });
  }

  // --- Convert to Bcc (function command: the dialog's button and the ribbon button) -----------

  function convertToBcc(event) {
    var item;
    function finish() {
      flow.complete(undefined);
    }
    // An exception: tell the user what happened if we can, complete in any case.
    var flow = new Flow(event, function (error) {
      var rescue = new Flow(null, finish);
      rescue.run(function () { notify(rescue, item, convertError(error), finish); });
    });
    flow.run(function () {
      item = currentItem();
      runCheck(flow, item, function (error, checked) {
        if (error) {
          notify(flow, item, translator().t("outlookConvertFailed", [reason(error)]), finish);
          return;
        }
        var verdict = checked.verdict;
        if (verdict.decision === "allow" || !verdict.rewrite) {
          notify(flow, item, translator().t("outlookNothingToConvert"), finish);
          return;
        }
        applyRewrite(flow, item, checked, function (convertErr, counts) {
          notify(flow, item, convertErr ? convertError(convertErr) : translator().plural("outlookConverted", counts.moved), finish);
        });
      });
    });
  }

  // --- OnMessageRecipientsChanged: warn early, while composing --------------------------------

  function onMessageRecipientsChangedHandler(event) {
    function finish() {
      flow.complete(undefined);
    }
    var flow = new Flow(event, finish);
    flow.run(function () {
      var item = currentItem();
      runCheck(flow, item, function (error, checked) {
        if (error || checked.verdict.decision === "allow") {
          clearNotification(flow, item, finish);
          return;
        }
        var finding = BccShieldWording.primaryFinding(checked.verdict);
        var tr = translator();
        var message =
          finding && finding.rule === "exposed-parties"
            ? tr.t("outlookNotifyExposed", [tr.count(finding.externalParties)])
            : tr.t("outlookNotifyOther");
        notify(flow, item, message, finish);
      });
    });
  }

  function register() {
    if (typeof Office === "undefined" || !Office || !Office.actions || typeof Office.actions.associate !== "function") {
      return;
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
  }

  return { register: register };
})();

BccShieldAddin.register();
// Start the engine now, so it is ready when the first event arrives.
BccShieldEngine.ready(function () {});
