/* BccShield: the mail facts both clients' JavaScript needs, each written once (the C++ core
 * holds the other copy; tests/vectors/mailbox-rules.json is checked by both test suites):
 *   - the order of actions by strictness (PROTOCOL.md, policy.hpp Action);
 *   - the recipient key two recipients are compared by (recipient_set.hpp recipient_key);
 *   - how a mailbox is written, quoting its name only when RFC 5322 needs it
 *     (format_mailbox in the core);
 *   - which request string a reply's recipient index names (verdict.hpp RecipientRef).
 * A plain ES2016 script: the Outlook build concatenates it into its bundle, Thunderbird
 * imports it through modules/mail-rules.mjs. */
/* exported BccShieldMailRules */
var BccShieldMailRules = (function () {
  "use strict";

  // Mildest to strictest; a verdict's decision is the strictest action of its findings.
  var ACTIONS = ["allow", "warn", "justify", "convert", "block"];

  function actionRank(action) {
    var rank = ACTIONS.indexOf(action);
    return rank === -1 ? 0 : rank;
  }

  // The address in a recipient string: the part between the last "<" and ">", else the text.
  function addressOf(recipient) {
    var text = String(recipient === undefined || recipient === null ? "" : recipient).trim();
    var open = text.lastIndexOf("<");
    var close = text.lastIndexOf(">");
    return open !== -1 && close > open ? text.slice(open + 1, close).trim() : text;
  }

  function asciiLower(text) {
    return text.replace(/[A-Z]+/g, function (letters) { return letters.toLowerCase(); });
  }

  // local@domain with the local part's ASCII letters folded (providers treat local parts
  // case-insensitively) and the domain lower-cased. The core also maps a Unicode domain to
  // its IDNA form; here it is compared as written, lower-cased (the clients only use this key
  // for the counts of the "could not check" popup and its fallback rewrite).
  function recipientKey(recipient) {
    var address = addressOf(recipient);
    var at = address.lastIndexOf("@");
    if (at === -1) return address.toLowerCase();
    return asciiLower(address.slice(0, at)) + "@" + address.slice(at + 1).toLowerCase();
  }

  // RFC 5322 atext, plus any non-ASCII character (RFC 6532).
  var ATEXT = /^[A-Za-z0-9!#$%&'*+\-\/=?^_`{|}~\u0080-\uFFFF]$/;

  // A display name that can go out as it is: atoms separated by single spaces, none of them
  // looking like the start of an encoded-word ("=?"), which a reader would decode.
  function isPlainPhrase(name) {
    if (name === "" || name.charAt(0) === " " || name.charAt(name.length - 1) === " ") return false;
    for (var i = 0; i < name.length; i++) {
      var c = name.charAt(i);
      if (c === " ") {
        if (name.charAt(i - 1) === " ") return false;
      } else if (!ATEXT.test(c) || (c === "?" && name.charAt(i - 1) === "=")) {
        return false;
      }
    }
    return true;
  }

  function quoted(text) {
    return '"' + text.replace(/[\\"]/g, "\\$&") + '"';
  }

  // The display name worth writing: line breaks and tabs as spaces, trimmed, "" when it is
  // only the address again.
  function displayName(name, email) {
    var address = String(email === undefined || email === null ? "" : email).trim();
    var text = String(name === undefined || name === null ? "" : name).replace(/[\r\n\t]+/g, " ").trim();
    return text.toLowerCase() === address.toLowerCase() ? "" : text;
  }

  // "Name <addr>", or "addr" when there is no name (or the name is the address itself).
  function formatMailbox(name, email) {
    var address = String(email === undefined || email === null ? "" : email).trim();
    var text = displayName(name, address);
    if (text === "") return address;
    if (address === "") return text;
    return (isPlainPhrase(text) ? text : quoted(text)) + " <" + address + ">";
  }

  // A recipient element of a protocol 2 reply: a string, or the index of a request string in
  // [...draft.to, ...draft.cc, ...draft.bcc] (PROTOCOL.md). null when it names no string.
  function recipientAt(draft, element) {
    if (typeof element === "string") return element;
    if (typeof element !== "number" || element < 0 || element % 1 !== 0 || !draft) return null;
    var lists = [draft.to || [], draft.cc || [], draft.bcc || []];
    var index = element;
    for (var i = 0; i < lists.length; i++) {
      if (index < lists[i].length) return String(lists[i][index]);
      index -= lists[i].length;
    }
    return null;
  }

  return {
    ACTIONS: ACTIONS,
    actionRank: actionRank,
    addressOf: addressOf,
    recipientKey: recipientKey,
    displayName: displayName,
    formatMailbox: formatMailbox,
    recipientAt: recipientAt
  };
})();
if (typeof globalThis === "object" && globalThis) globalThis.BccShieldMailRules = BccShieldMailRules;
