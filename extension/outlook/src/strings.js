/* BccShield Outlook add-in: the words the user sees, English and French.
 * The sentences about the recipients are Thunderbird's own popup messages
 * (extension/thunderbird/_locales/<lang>/messages.json, keys popup*), baked into the bundle by
 * tools/build-addin.js as BCCSHIELD_BUILD.messages, so both clients say the same thing. Only what
 * exists in Outlook alone is written here (Outlook limits: errorMessage <= 500 characters,
 * cancelLabel <= 20, notifications <= 150).
 * ES2016, no modules: this file is concatenated into the one-file bundle. */
/* global BCCSHIELD_BUILD */
/* exported BccShieldStrings */
var BccShieldStrings = (function () {
  "use strict";

  var OUTLOOK = {
    en: {
      outlookConvertLabel: "Convert to Bcc",
      outlookChoiceWarn: "Send Anyway sends it as written.",
      outlookChoiceBlockRibbon: "Use Convert to Bcc on the ribbon, then send again.",
      outlookJustifyUnavailable: "Sending it as written needs a reason, which Outlook cannot ask for: convert to Bcc or don't send.",
      outlookAutoConvertedOne: "BccShield moved $1 recipient to Bcc, as your organisation requires. Check the message and press Send again.",
      outlookAutoConvertedOther: "BccShield moved $1 recipients to Bcc, as your organisation requires. Check the message and press Send again.",
      outlookConvertedOne: "BccShield moved $1 recipient to Bcc. Check the message and press Send again.",
      outlookConvertedOther: "BccShield moved $1 recipients to Bcc. Check the message and press Send again.",
      outlookNothingToConvert: "BccShield: no recipient needs to move to Bcc.",
      outlookTooManyForBcc: "BccShield cannot convert: $1 recipients is more than an Outlook field holds ($2). Split the mailing into several messages.",
      outlookConvertFailed: "BccShield could not convert this message to Bcc ($1). No recipient was removed: check To, Cc and Bcc.",
      outlookCheckFailed: "BccShield could not check this message ($1).",
      outlookCheckFailedAsk: "Send it only if no private addresses are visible to everyone.",
      outlookCheckFailedBlock: "Your organisation does not allow sending without the check. Try again later.",
      outlookNotifyExposed: "BccShield: $1 outside parties can see each other's address in To/Cc. Consider Convert to Bcc.",
      outlookNotifyOther: "BccShield: recipients in To/Cc can see each other's address. Consider Convert to Bcc.",
      outlookDistributionList: "$1 is a distribution list, counted as $2 people (Outlook cannot list its members).",
      outlookConvertReadCap: "BccShield cannot convert: a recipient field holds $1 or more entries and Outlook may not have returned them all. Nothing was changed.",
      outlookConvertNoAddress: "BccShield cannot convert: \"$1\" has no e-mail address (unresolved name or contact list). Nothing was changed: resolve or remove it, then try again.",
      outlookConvertRestored: "BccShield could not convert without losing a recipient, so it put To, Cc and Bcc back as they were.",
      outlookConvertNotRestored: "BccShield could not convert ($1) and could not put the recipients back: check To, Cc and Bcc before sending."
    },
    fr: {
      outlookConvertLabel: "Passer en Cci",
      outlookChoiceWarn: "Envoyer quand même l'envoie tel quel.",
      outlookChoiceBlockRibbon: "Utilisez Passer en Cci dans le ruban, puis renvoyez.",
      outlookJustifyUnavailable: "L'envoyer tel quel demande un motif, qu'Outlook ne permet pas de saisir : passez en Cci ou n'envoyez pas.",
      outlookAutoConvertedOne: "BccShield a passé $1 destinataire en Cci, comme l'exige votre organisation. Vérifiez le message puis cliquez à nouveau sur Envoyer.",
      outlookAutoConvertedOther: "BccShield a passé $1 destinataires en Cci, comme l'exige votre organisation. Vérifiez le message puis cliquez à nouveau sur Envoyer.",
      outlookConvertedOne: "BccShield a passé $1 destinataire en Cci. Vérifiez le message puis cliquez à nouveau sur Envoyer.",
      outlookConvertedOther: "BccShield a passé $1 destinataires en Cci. Vérifiez le message puis cliquez à nouveau sur Envoyer.",
      outlookNothingToConvert: "BccShield : aucun destinataire n'a besoin de passer en Cci.",
      outlookTooManyForBcc: "BccShield ne peut pas passer en Cci : $1 destinataires dépassent ce qu'un champ d'Outlook contient ($2). Envoyez le message en plusieurs fois.",
      outlookConvertFailed: "BccShield n'a pas pu passer ce message en Cci ($1). Aucun destinataire n'a été retiré : vérifiez À, Cc et Cci.",
      outlookCheckFailed: "BccShield n'a pas pu vérifier ce message ($1).",
      outlookCheckFailedAsk: "Ne l'envoyez que si aucune adresse privée n'est visible de tous.",
      outlookCheckFailedBlock: "Votre organisation n'autorise pas l'envoi sans la vérification. Réessayez plus tard.",
      outlookNotifyExposed: "BccShield : $1 destinataires externes en À/Cc voient les adresses des autres. Pensez à Passer en Cci.",
      outlookNotifyOther: "BccShield : les destinataires en À/Cc voient les adresses des autres. Pensez à Passer en Cci.",
      outlookDistributionList: "$1 est une liste de distribution, comptée pour $2 personnes (Outlook ne peut pas en lister les membres).",
      outlookConvertReadCap: "BccShield ne peut pas passer en Cci : un champ de destinataires en contient $1 ou plus et Outlook ne les a peut-être pas tous donnés. Rien n'a été modifié.",
      outlookConvertNoAddress: "BccShield ne peut pas passer en Cci : « $1 » n'a pas d'adresse (nom non résolu ou liste de contacts). Rien n'a été modifié : résolvez-le ou retirez-le, puis recommencez.",
      outlookConvertRestored: "BccShield n'a pas pu passer en Cci sans perdre un destinataire : À, Cc et Cci ont été remis comme avant.",
      outlookConvertNotRestored: "BccShield n'a pas pu passer en Cci ($1) ni remettre les destinataires : vérifiez À, Cc et Cci avant d'envoyer."
    }
  };

  var SHARED = typeof BCCSHIELD_BUILD === "object" && BCCSHIELD_BUILD && BCCSHIELD_BUILD.messages
    ? BCCSHIELD_BUILD.messages
    : { en: {}, fr: {} };

  function language(displayLanguage) {
    return /^fr\b/i.test(String(displayLanguage || "")) ? "fr" : "en";
  }

  function lookup(lang, key) {
    var tables = [OUTLOOK[lang], SHARED[lang], OUTLOOK.en, SHARED.en];
    for (var i = 0; i < tables.length; i++) {
      if (tables[i] && Object.prototype.hasOwnProperty.call(tables[i], key)) return String(tables[i][key]);
    }
    return key;
  }

  // "$1".."$9" as in WebExtension messages.
  function t(lang, key, substitutions) {
    var values = substitutions || [];
    return lookup(lang, key).replace(/\$(\d)/g, function (whole, digit) {
      var value = values[Number(digit) - 1];
      return value === undefined ? "" : String(value);
    });
  }

  function count(lang, n) {
    try {
      if (typeof Intl === "object" && Intl.NumberFormat) return new Intl.NumberFormat(lang).format(n);
    } catch (error) {
      // fall through
    }
    return String(n);
  }

  function isOne(lang, n) {
    try {
      if (typeof Intl === "object" && Intl.PluralRules) return new Intl.PluralRules(lang).select(n) === "one";
    } catch (error) {
      // fall through
    }
    return lang === "fr" ? n === 0 || n === 1 : n === 1;
  }

  // key + One/Other; the count is $1, further values follow (as Thunderbird's popup).
  function plural(lang, key, n, more) {
    return t(lang, key + (isOne(lang, n) ? "One" : "Other"), [count(lang, n)].concat(more || []));
  }

  function truncate(text, limit) {
    if (text.length <= limit) return text;
    return text.slice(0, limit - 1) + "\u2026";
  }

  return { language: language, t: t, plural: plural, count: count, truncate: truncate, OUTLOOK: OUTLOOK };
})();
