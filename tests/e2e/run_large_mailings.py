#!/usr/bin/python3
"""Large mailings (issue 14) in a real Thunderbird: Convert within the provider's recipient
limit, a refused batch and its retry, one copy per person, the bulk tool line.

    /usr/bin/python3 tests/e2e/run_large_mailings.py --host build/ci/host/bccshield-host \
        --xpi build/ci/extension/bccshield.xpi [--artifacts DIR] [--only batches,refused]

The SMTP sink plays the provider: it answers `452 4.5.3 Too many recipients` from the
(N+1)th RCPT of a message, and can refuse a whole message at DATA. Popup screenshots (en, fr)
go to the artefacts folder.
"""
import argparse
import email
import email.policy
import json
import os
import signal
import sys
import time
from collections import Counter

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from bccshield_e2e import actions  # noqa: E402
from bccshield_e2e.mailbox import address_of, private_people  # noqa: E402
from bccshield_e2e.thunderbird import SENDER_EMAIL, Thunderbird  # noqa: E402
from bccshield_e2e.scenarios import exit_code, print_summary, run_scenarios, select, setup_failed, write_results  # noqa: E402
from run_e2e import IDLE_TIMEOUT_MS, check, header_addresses, sent_raw  # noqa: E402

LIMIT = 100
ATTACHMENT_BYTES = 100 * 1024


def attach_file(tb, subject, path, name):
    """Attach ``path`` to the compose window titled ``subject`` (as the user's file picker does)."""
    result = tb.js("""
const [subject, path, name, resolve] = arguments;
for (const w of Services.wm.getEnumerator("msgcompose")) {
  if (w.document.getElementById("msgSubject")?.value === subject) {
    const file = Cc["@mozilla.org/file/local;1"].createInstance(Ci.nsIFile);
    file.initWithPath(path);
    const attachment = Cc["@mozilla.org/messengercompose/attachment;1"].createInstance(Ci.nsIMsgAttachment);
    attachment.url = Services.io.newFileURI(file).spec;
    attachment.name = name;
    attachment.size = file.fileSize;
    Promise.resolve(w.AddAttachments([attachment])).then(() => resolve(true), e => resolve(String(e)));
    return;
  }
}
resolve("no compose window");
""", subject, path, name)
    check(result is True, f"could not attach the file: {result}")


def compose_windows(tb, subject):
    """Every open compose window titled ``subject``: its recipient pills."""
    return tb.js("""
const [subject, resolve] = arguments;
const found = [];
for (const w of Services.wm.getEnumerator("msgcompose")) {
  if (!w.closed && w.document.getElementById("msgSubject")?.value === subject) {
    found.push({ locked: !!w.gWindowLocked,
                 pills: [...w.document.querySelectorAll("mail-address-pill")].map(p => p.fullAddress) });
  }
}
resolve(found);
""", subject)


def dismiss_alerts(tb):
    """Accept Thunderbird's own modal alerts (the send-failure one); returns their texts."""
    return tb.js("""
const [resolve] = arguments;
const texts = [];
function accept(doc) {
  const dialog = doc && doc.querySelector("dialog");
  if (!dialog || !doc.documentURI.includes("commonDialog")) return;
  texts.push([doc.getElementById("infoTitle")?.textContent, doc.getElementById("infoBody")?.textContent]
             .filter(Boolean).join(": "));
  dialog.acceptDialog();
}
for (const w of Services.wm.getEnumerator(null)) {
  try {
    accept(w.document);
    for (const b of w.document.querySelectorAll("browser")) {
      try { accept(b.contentDocument); } catch (e) {}
    }
  } catch (e) {}
}
resolve(texts);
""")


def addresses(mailboxes):
    return [address_of(m).lower() for m in mailboxes]


def parts(message):
    """(body bytes, attachment bytes) of a stored message."""
    parsed = email.message_from_bytes(sent_raw(message), policy=email.policy.default)
    body, attachment = None, None
    for part in parsed.walk():
        if part.is_multipart():
            continue
        if part.get_content_disposition() == "attachment":
            attachment = part.get_payload(decode=True)
        elif body is None and part.get_content_type() in ("text/plain", "text/html"):
            body = part.get_payload(decode=True)
    return body, attachment


def check_messages(messages, people, attachment):
    """Only the sender in To, no Bcc header, within the limit, nobody twice, nobody lost,
    body and attachment byte-identical to the first message's."""
    seen = Counter()
    first_body = parts(messages[0])[0]
    for message in messages:
        to = addresses(str(message["message"].get("To", "")).split(","))
        check(to == [SENDER_EMAIL], f"To is not the sender alone: {to}")
        check(message["message"].get("Bcc") is None, "a Bcc header was written")
        check(not (header_addresses(sent_raw(message)) - {SENDER_EMAIL}), "addresses visible in the headers")
        check(len(message["rcptTos"]) <= LIMIT, f"{len(message['rcptTos'])} envelope recipients > {LIMIT}")
        seen.update(r.lower() for r in message["rcptTos"])
        body, attached = parts(message)
        check(body == first_body, "a message's body differs from the first one's")
        if attachment is not None:
            check(attached == attachment, "a message's attachment is not byte-identical to the file")
    expected = set(addresses(people))
    check(set(seen) - {SENDER_EMAIL} == expected,
          f"envelopes differ from the recipients: lost {sorted(expected - set(seen))[:5]}, "
          f"extra {sorted(set(seen) - expected - {SENDER_EMAIL})[:5]}")
    twice = [r for r, n in seen.items() if n > 1 and r != SENDER_EMAIL]
    check(not twice, f"recipients got the message twice: {twice[:5]}")
    check(seen[SENDER_EMAIL] == len(messages), "the sender is not in every message's To")


def wait_messages(tb, subject, count, timeout_s=180):
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        found = tb.sink.find(subject)
        if len(found) >= count:
            return found
        time.sleep(0.3)
    return tb.sink.find(subject)


def start_mailing(ctx, subject, people, policy, attachment_path=None):
    tb = ctx.tb
    tb.set_policy(policy)
    actions.open_compose(tb, subject, to=", ".join(people))
    if attachment_path:
        attach_file(tb, subject, attachment_path, "programme-2026.bin")
    check(actions.press_send(tb, subject) is not None, "compose window not found")
    popup = actions.wait_popup(tb, timeout_s=120)
    check(popup and "error" not in popup, f"no BccShield popup after Send: {popup}")
    return popup


def make_attachment(ctx):
    path = os.path.join(ctx.tb.root, "programme-2026.bin")
    data = bytes((i * 7 + 3) % 256 for i in range(ATTACHMENT_BYTES))
    with open(path, "wb") as handle:
        handle.write(data)
    return path, data


class Context:
    def __init__(self, tb, artifacts, locale):
        self.tb, self.artifacts, self.locale = tb, artifacts, locale
        self.lang = locale.split("-")[0]


def scenario_batches(ctx):
    """280 private addresses, maxRecipientsPerMessage 100: Convert -> exactly 3 messages."""
    tb, subject = ctx.tb, "Programme de la saison (280)"
    people = private_people(280, seed=14)
    tb.sink.max_recipients = LIMIT
    path, data = make_attachment(ctx)
    popup = start_mailing(ctx, subject, people, {"maxRecipientsPerMessage": LIMIT}, path)
    print(f"    popup: {popup['convertLine']}")
    check(popup["convertLine"] == "Convert to Bcc: 3 messages of at most 100 recipients each; you stay in To.",
          f"convert line: {popup['convertLine']}")
    actions.screenshot_popup(tb, os.path.join(ctx.artifacts, "popup-en-batches.png"))
    actions.click(tb, "convert")
    messages = wait_messages(tb, subject, 3)
    time.sleep(3)  # nothing more may follow
    messages = tb.sink.find(subject)
    check(len(messages) == 3, f"{len(messages)} messages at the sink, not 3")
    check_messages(messages, people, data)
    check(not compose_windows(tb, subject), "a compose window stayed open")
    entries = [e for e in tb.audit_entries() if e.get("event") == "check" and e.get("messages") == 3]
    check(entries, "the audit line does not record the 3 messages")
    print(f"    envelopes: {[len(m['rcptTos']) for m in messages]}")


def scenario_refused(ctx):
    """The provider refuses one whole message: told, its window holds exactly it, Send delivers."""
    tb, subject = ctx.tb, "Programme de la saison (refus)"
    people = private_people(280, seed=15)
    tb.sink.max_recipients = LIMIT
    tb.sink.transactions = 0
    tb.sink.refuse_transaction = lambda number: number == 2  # the second message at the sink
    path, data = make_attachment(ctx)
    start_mailing(ctx, subject, people, {"maxRecipientsPerMessage": LIMIT}, path)
    actions.click(tb, "convert")
    alerts, notice = [], None
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline and notice is None:
        alerts += dismiss_alerts(tb)
        if actions.popup_open(tb):
            candidate = actions.wait_popup(tb, timeout_s=5)
            if candidate and candidate.get("mode") == "batchesFailed":
                notice = candidate
        time.sleep(0.3)
    tb.sink.refuse_transaction = None
    if notice is None:  # diagnostics: what the background recorded
        journal = actions.options_page(tb, "return messenger.runtime.sendMessage({command: 'journal'});")
        print(f"    journal: {json.dumps(journal)[-3000:]}")
    check(notice is not None, f"the user was not told (alerts seen: {alerts})")
    print(f"    Thunderbird's alert: {alerts}")
    print(f"    BccShield's notice: {notice['headline']} / {notice['text'].splitlines()[1:4]}")
    refused = tb.sink.refused
    check(len(refused) == 1, f"refused transactions: {len(refused)}")
    missed = len(refused[0]["rcptTos"]) - 1  # the sender is in every message's To
    expected = {"en": f"{missed} recipients did not get the message.",
                "fr": f"{missed} destinataires n'ont pas reçu le message."}[ctx.lang]
    check(notice["headline"] == expected, f"headline: {notice['headline']}")
    actions.screenshot_popup(tb, os.path.join(ctx.artifacts, f"popup-{ctx.lang}-batch-refused.png"))
    actions.click(tb, "ok")
    delivered = wait_messages(tb, subject, 2)
    check(len(delivered) == 2, f"{len(delivered)} messages delivered before the retry, not 2")
    deadline = time.monotonic() + 30
    windows = compose_windows(tb, subject)
    while time.monotonic() < deadline and len(windows) != 1:
        time.sleep(0.3)
        windows = compose_windows(tb, subject)
    check(len(windows) == 1, f"{len(windows)} compose windows open, not the refused batch's one")
    check(sorted(addresses(windows[0]["pills"])) == sorted(r.lower() for r in refused[0]["rcptTos"]),
          "the open window does not hold exactly the refused batch")
    actions.press_send(tb, subject)  # the user finishes the job; checked again, all in Bcc
    finished = wait_messages(tb, subject, 3, timeout_s=90)
    check(len(finished) == 3, f"{len(finished)} messages after the retry, not 3")
    time.sleep(2)
    check(len(tb.sink.find(subject)) == 3, "more than one retry message")
    check_messages(tb.sink.find(subject), people, data)
    with open(os.path.join(ctx.artifacts, "batch-refused-messages.json"), "w", encoding="utf-8") as handle:
        json.dump({"thunderbirdAlerts": alerts, "bccshieldNotice": notice["text"]}, handle, indent=1,
                  ensure_ascii=False)


def scenario_individual(ctx):
    """rewriteStrategy individual, 20 recipients: 20 messages, each alone in To and envelope."""
    tb, subject = ctx.tb, "Votre inscription (individuel)"
    people = private_people(20, seed=16)
    tb.sink.max_recipients = LIMIT
    popup = start_mailing(ctx, subject, people, {"rewriteStrategy": "individual"})
    print(f"    popup: {popup['convertLine']}")
    check(popup["convertLine"] ==
          "Convert: 20 separate messages, each person alone in To; nobody sees the others.",
          f"convert line: {popup['convertLine']}")
    actions.screenshot_popup(tb, os.path.join(ctx.artifacts, "popup-en-individual.png"))
    actions.click(tb, "convert")
    messages = wait_messages(tb, subject, 20)
    time.sleep(3)
    messages = tb.sink.find(subject)
    check(len(messages) == 20, f"{len(messages)} messages, not 20")
    seen = Counter()
    for message in messages:
        to = addresses(str(message["message"].get("To", "")).split(","))
        rcpt = [r.lower() for r in message["rcptTos"]]
        check(len(to) == 1 and rcpt == to, f"not one person alone in To and envelope: {to} / {rcpt}")
        check(message["message"].get("Bcc") is None and message["message"].get("Cc") is None, "Cc or Bcc written")
        seen.update(rcpt)
    check(set(seen) == set(addresses(people)) and max(seen.values()) == 1, "not everyone exactly once")


def scenario_bulk(ctx):
    """bulkChannel set, 300 recipients: the popup shows the bulk line and the link."""
    tb, subject = ctx.tb, "Lettre d'information (300)"
    people = private_people(300, seed=17)
    tb.sink.max_recipients = None
    policy = {"maxRecipientsPerMessage": LIMIT,
              "bulkChannel": {"name": "the newsletter tool" if ctx.lang == "en" else "l'outil de newsletter",
                              "url": "https://newsletter.tourisme-vallee.example/new", "minRecipients": 300}}
    start_mailing(ctx, subject, people, policy)
    bulk = actions.popup_script(tb, """
const line = document.getElementById("bulkLine"), link = document.getElementById("bulkLink");
return { hidden: line.hidden, text: line.textContent, link: link && link.textContent, href: link && link.href,
         convertLine: document.getElementById("convertLine").textContent };""")
    print(f"    bulk line: {bulk}")
    expected = {"en": ("Mailings of this size belong in the newsletter tool: open it", "open it"),
                "fr": ("Les envois de cette taille passent par l'outil de newsletter : l'ouvrir", "l'ouvrir")}[ctx.lang]
    check(not bulk["hidden"] and bulk["text"] == expected[0] and bulk["link"] == expected[1],
          f"bulk line: {bulk}")
    check(bulk["href"] == "https://newsletter.tourisme-vallee.example/new", f"link: {bulk['href']}")
    actions.screenshot_popup(tb, os.path.join(ctx.artifacts, f"popup-{ctx.lang}-bulk-batches.png"))
    actions.click(tb, "cancel")
    check(actions.wait_popup_closed(tb), "popup still open after Cancel")
    state = actions.wait_compose_unlocked(tb, subject)
    check(state["open"] and len(state["pills"]) == 300, "Cancel did not leave the draft as it was")
    time.sleep(1)
    check(not tb.sink.find(subject), "something was sent although the user cancelled")


ENGLISH = [("batches", scenario_batches), ("refused", scenario_refused), ("individual", scenario_individual),
           ("bulk", scenario_bulk)]
FRENCH = [("bulk-fr", scenario_bulk), ("refused-fr", scenario_refused)]


def run_group(args, locale, scenarios, results):
    selected = select(scenarios, args.only)
    if not selected:
        return
    print(f"== Thunderbird ({locale}) ==", flush=True)
    try:
        with Thunderbird(args.host, args.xpi, args.artifacts, locale=locale, headless=args.headless,
                         prefs={"extensions.background.idle.timeout": IDLE_TIMEOUT_MS}) as tb:
            ctx = Context(tb, args.artifacts, locale)

            def undo_scenario():
                tb.sink.refuse_transaction = None
                tb.set_policy({})

            run_scenarios(tb, ctx, selected, args.artifacts, results, after_each=undo_scenario)
    except Exception as error:  # noqa: BLE001 - Thunderbird itself failed
        setup_failed(selected, results, error)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--host", required=True)
    parser.add_argument("--xpi", required=True)
    parser.add_argument("--artifacts", default=os.environ.get("BCCSHIELD_ARTIFACTS", "artifacts/e2e-large-mailings"))
    parser.add_argument("--only", type=lambda s: set(s.split(",")), default=None)
    parser.add_argument("--headless", action="store_true")
    args = parser.parse_args()
    args.host, args.artifacts = os.path.abspath(args.host), os.path.abspath(args.artifacts)
    os.makedirs(args.artifacts, exist_ok=True)
    results = []
    run_group(args, "en-US", ENGLISH, results)
    run_group(args, "fr", FRENCH, results)
    write_results(args.artifacts, results)
    print_summary(results)
    return exit_code(results)


if __name__ == "__main__":
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    sys.exit(main())
