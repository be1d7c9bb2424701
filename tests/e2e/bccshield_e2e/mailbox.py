"""Test data and Thunderbird state that is not a compose window: address-book lists and
received messages (driven through Marionette's chrome context)."""
import random

FIRST = ["Camille", "Léa", "Hugo", "Chloé", "Lucas", "Manon", "Louis", "Inès", "Jules", "Zoé",
         "Gabriel", "Élodie", "Arthur", "Jeanne", "Raphaël", "Anaïs", "Théo", "Margaux", "Noé", "Lucie"]
LAST = ["Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand", "Leroy",
        "Moreau", "Simon", "Laurent", "Lefèvre", "Michel", "Garcia", "David", "Bertrand", "Roux"]
PRIVATE_DOMAINS = ["gmail.com", "orange.fr", "free.fr", "wanadoo.fr", "laposte.net", "sfr.fr",
                   "hotmail.fr", "yahoo.fr", "outlook.fr", "icloud.com"]


def private_people(count, seed=1, prefix=""):
    """``count`` distinct private addresses with French names: ["Léa Martin <lea.martin3@free.fr>", ...]."""
    rng = random.Random(seed)
    people = []
    for index in range(count):
        first, last = rng.choice(FIRST), rng.choice(LAST)
        local = f"{prefix}{first}.{last}{index}".lower()
        for accented, plain in (("é", "e"), ("è", "e"), ("ë", "e"), ("ï", "i"), ("ë", "e")):
            local = local.replace(accented, plain)
        people.append(f"{first} {last} <{local}@{PRIVATE_DOMAINS[index % len(PRIVATE_DOMAINS)]}>")
    return people


def address_of(mailbox):
    return mailbox[mailbox.index("<") + 1:mailbox.index(">")] if "<" in mailbox else mailbox


def create_mailing_list(tb, name, members):
    """An address-book mailing list ``name`` in the Personal Address Book."""
    return tb.js("""
const [name, members, resolve] = arguments;
const book = MailServices.ab.getDirectory("jsaddrbook://abook.sqlite");
let list = Cc["@mozilla.org/addressbook/directoryproperty;1"].createInstance(Ci.nsIAbDirectory);
list.isMailList = true;
list.dirName = name;
list = book.addMailList(list);
for (const [displayName, email] of members) {
  let card = Cc["@mozilla.org/addressbook/cardproperty;1"].createInstance(Ci.nsIAbCard);
  card.displayName = displayName;
  card.primaryEmail = email;
  card = book.addCard(card);
  list.addCard(card);
}
resolve({ name: list.dirName, members: list.childCards.length });
""", name, members)


def add_received_message(tb, raw_message):
    """Store ``raw_message`` in Local Folders/Inbox; returns its folder URI and key."""
    return tb.js("""
const [raw, resolve] = arguments;
const root = MailServices.accounts.localFoldersServer.rootFolder.QueryInterface(Ci.nsIMsgLocalMailFolder);
let inbox = MailServices.accounts.localFoldersServer.rootFolder.getChildNamed("Inbox");
if (!inbox) inbox = root.createLocalSubfolder("Inbox");
inbox.QueryInterface(Ci.nsIMsgLocalMailFolder);
const header = inbox.addMessage(raw);
resolve({ folder: inbox.URI, key: header.messageKey, messageId: header.messageId, recipients: header.recipients });
""", raw_message)


def open_reply_all(tb, folder_uri, key, subject):
    """Open a Reply All compose window to a stored message; waits until it is ready."""
    return tb.js("""
const [folderUri, key, resolve] = arguments;
const folder = MailServices.folderLookup.getFolderForURL(folderUri);
const header = folder.GetMessageHeader(key);
const uri = folder.getUriForMsg(header);
const observer = {
  observe(win, topic) {
    if (topic !== "domwindowopened") return;
    win.addEventListener("compose-editor-ready", () => {
      Services.ww.unregisterNotification(observer);
      resolve({ ok: true });
    }, { once: true });
  }
};
Services.ww.registerNotification(observer);
MailServices.compose.OpenComposeWindow(null, header, uri, Ci.nsIMsgCompType.ReplyAll,
  Ci.nsIMsgCompFormat.PlainText, MailServices.accounts.defaultAccount.defaultIdentity, null, null);
""", folder_uri, key, timeout_s=120)
