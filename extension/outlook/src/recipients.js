/* BccShield Outlook add-in: Outlook recipients <-> the engine's recipient strings.
 * Outlook gives EmailAddressDetails {displayName, emailAddress}; the engine reads RFC 5322
 * strings ("Name <addr>", as Thunderbird gives them) and answers the rewrite in the same form.
 * ES2016, no modules. */
/* global BccShieldMailRules */
/* exported BccShieldRecipients */
var BccShieldRecipients = (function () {
  "use strict";

  // How a mailbox is written and how two are compared: the shared mail facts (mail-rules.js).
  var rules = BccShieldMailRules;

  // One EmailAddressDetails -> "Name <addr>" (or "addr" without a name).
  function format(details) {
    if (!details) return "";
    return rules.formatMailbox(details.displayName, details.emailAddress);
  }

  // The address inside one engine recipient string: the last <...>, else the whole text.
  function addressOf(text) {
    var value = String(text || "").trim();
    var match = /<([^<>]*)>\s*$/.exec(value);
    return (match ? match[1] : value).trim();
  }

  function unquote(phrase) {
    var text = phrase.trim();
    if (text.length >= 2 && text.charAt(0) === '"' && text.charAt(text.length - 1) === '"') {
      return text.slice(1, -1).replace(/\\(.)/g, "$1");
    }
    return text;
  }

  // An engine string -> {displayName, emailAddress}, for recipients Outlook did not give us.
  function parse(text) {
    var value = String(text || "").trim();
    var match = /^(.*)<([^<>]*)>\s*$/.exec(value);
    if (!match) return { displayName: "", emailAddress: value };
    return { displayName: unquote(match[1]), emailAddress: match[2].trim() };
  }

  function key(address) {
    return rules.recipientKey(address);
  }

  // An entry Convert can write back as it was: Outlook gave it an address. An unresolved typed
  // name or a contact list returned without an address would not survive setAsync.
  function hasAddress(details) {
    return !!details && /^[^@\s]+@[^@\s]+$/.test(String(details.emailAddress || "").trim());
  }

  function exactly(details) {
    var result = { emailAddress: String(details.emailAddress || "") };
    var name = rules.displayName(details.displayName, result.emailAddress);
    result.displayName = name === "" ? result.emailAddress : name;
    return result;
  }

  // Maps the engine's recipient elements back to the EmailAddressDetails Outlook gave, so names
  // and addresses are written back exactly as they were. An element is an index into
  // [...to, ...cc, ...bcc] (protocol v2: the very object it came from) or a string (matched by
  // text, then by address; parsed only for a recipient Outlook did not give, the sender).
  function Lookup(from, to, cc, bcc) {
    this.flat = to.concat(cc, bcc);
    this.byText = Object.create(null);
    this.byAddress = Object.create(null);
    var all = (from ? [from] : []).concat(this.flat);
    for (var i = 0; i < all.length; i++) {
      var details = all[i];
      if (!details) continue;
      var text = format(details);
      if (!(text in this.byText)) this.byText[text] = details;
      var address = key(details.emailAddress);
      if (address !== "" && !(address in this.byAddress)) this.byAddress[address] = details;
    }
  }

  Lookup.prototype.resolve = function (element) {
    if (typeof element === "number") {
      if (element < 0 || element >= this.flat.length) throw new Error("recipient index " + element + " outside the draft");
      return exactly(this.flat[element]);
    }
    var text = String(element);
    return exactly(this.byText[text] || this.byAddress[key(addressOf(text))] || parse(text));
  };

  return { format: format, key: key, hasAddress: hasAddress, Lookup: Lookup };
})();
