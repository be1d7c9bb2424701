#!/usr/bin/python3
"""BccShield end-to-end tests in a real Thunderbird (Debian's thunderbird, Xvfb), with the
real native host and the built XPI, and an SMTP sink on 127.0.0.1.

    /usr/bin/python3 tests/e2e/run_e2e.py --host build/dev/host/bccshield-host \
        --xpi build/dev/extension/bccshield.xpi [--artifacts DIR] [--only 1,2] [--headless]

One Thunderbird per locale is reused across scenarios; each scenario closes what it opened.
Artefacts (popup screenshots, sent messages, timings.json, logs) go to --artifacts or
$BCCSHIELD_ARTIFACTS. Timings are measured and printed, never asserted.
"""
import argparse
import json
import os
import re
import signal
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from bccshield_e2e import actions  # noqa: E402
from bccshield_e2e.mailbox import (address_of, add_received_message, create_mailing_list,  # noqa: E402
                                   open_reply_all, private_people)
from bccshield_e2e.scenarios import (exit_code, print_summary, reset, run_scenarios, select,  # noqa: E402
                                     setup_failed, write_results)
from bccshield_e2e.thunderbird import SENDER_EMAIL, SENDER_NAME, Thunderbird  # noqa: E402

SENDER = f"{SENDER_NAME} <{SENDER_EMAIL}>"
# The MV3 background sleeps after this much idle time (Thunderbird's default: 30 s). Short in
# the tests, so every scenario also exercises a background woken by Send or a compose window.
IDLE_TIMEOUT_MS = 3000
ADDRESS = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}")


class Context:
    def __init__(self, tb, artifacts):
        self.tb = tb
        self.artifacts = artifacts
        self.timings = []


def check(condition, message):
    if not condition:
        raise AssertionError(message)


def header_block(raw):
    return raw.split(b"\r\n\r\n", 1)[0].split(b"\n\n", 1)[0].decode("utf-8", "replace")


def header_addresses(raw):
    """Addresses in every header except Message-ID / References (which hold ids, not people)."""
    found = set()
    unfolded = re.sub(r"\r?\n[ \t]+", " ", header_block(raw))
    for line in unfolded.splitlines():
        name = line.split(":", 1)[0].strip().lower()
        if name in ("message-id", "references", "in-reply-to"):
            continue
        found.update(address.lower() for address in ADDRESS.findall(line))
    return found


def sent_raw(message):
    with open(message["file"], "rb") as handle:
        return handle.read()


def send_and_wait_popup(ctx, subject, to, cc="", expect_popup=True):
    tb = ctx.tb
    actions.open_compose(tb, subject, to=to, cc=cc)
    sent_at = actions.press_send(tb, subject)
    check(sent_at is not None, "compose window not found")
    if not expect_popup:
        return None
    popup = actions.wait_popup(tb, timeout_s=90)
    check(popup and "error" not in popup, f"no BccShield popup after Send: {popup}")
    popup["sendToPopupMs"] = popup["readyAt"] - sent_at
    return popup


def wait_audit(ctx, choice, timeout_s=20):
    """The host's audit entries reporting ``choice`` (waits up to ``timeout_s`` for one)."""
    deadline = time.monotonic() + timeout_s
    while True:
        entries = [e for e in ctx.tb.audit_entries() if e.get("event") == "report" and e.get("choice") == choice]
        if entries or time.monotonic() >= deadline:
            return entries
        time.sleep(0.2)


def cancel_and_check_draft(ctx, subject, expected, how="cancel"):
    tb = ctx.tb
    if how == "cancel":
        actions.click(tb, "cancel")
    elif how == "escape":
        actions.press_key(tb, "Escape")
    elif how == "close":
        actions.close_popup_window(tb)
    check(actions.wait_popup_closed(tb), "popup still open after Cancel")
    state = actions.wait_compose_unlocked(tb, subject)
    check(state and state["open"], "compose window closed after Cancel: the draft is lost")
    check(not state["locked"], "compose window still locked after Cancel")
    pills = {address_of(p).lower() for p in state["pills"]}
    missing = {address_of(r).lower() for r in expected} - pills
    check(not missing, f"recipients lost after Cancel: {sorted(missing)[:5]}")
    time.sleep(1.0)
    check(not tb.sink.find(subject), "a message was sent although the user cancelled")
    return state


def scenario_1_convert(ctx):
    """30 private addresses in To: popup; Convert -> To is the sender only, envelope keeps all 30."""
    tb, subject = ctx.tb, "Programme des randonnées d'automne"
    people = private_people(30, seed=1)
    popup = send_and_wait_popup(ctx, subject, ", ".join(people))
    check(popup["mode"] == "warn", f"expected a warn popup, got {popup['mode']}")
    check("30" in popup["headline"], f"headline does not count 30: {popup['headline']}")
    check(popup["focused"] == "convert", f"Convert is not the default button: {popup['focused']}")
    check(popup["buttons"] == ["convert", "sendAnyway", "cancel"], f"buttons: {popup['buttons']}")
    shot = actions.screenshot_popup(tb, os.path.join(ctx.artifacts, "popup-en-30.png"))
    print(f"    headline: {popup['headline']}\n    convert:  {popup['convertLine']}\n    screenshot: {shot}")
    actions.press_key(tb, "Enter")  # the default button
    message = tb.sink.wait_for(subject)
    check(message is not None, "nothing reached the SMTP sink after Convert")
    raw = sent_raw(message)
    to_header = str(message["message"]["To"])
    check(address_of(to_header).lower() == SENDER_EMAIL, f"To is not the sender: {to_header}")
    others = header_addresses(raw) - {SENDER_EMAIL}
    check(not others, f"addresses visible in the headers: {sorted(others)[:5]}")
    envelope = {r.lower() for r in message["rcptTos"]}
    lost = {address_of(p).lower() for p in people} - envelope
    check(not lost, f"recipients lost from the envelope: {sorted(lost)}")
    check(len(tb.sink.find(subject)) == 1, "more than one message sent")
    check(wait_audit(ctx, "convert"), "the host did not record the convert report")
    check(actions.wait_compose_closed(tb, subject), "compose window still open after sending")


def scenario_2_cancel(ctx):
    """Same draft, Cancel (button, Escape, closing the window) -> nothing sent, draft intact."""
    tb, subject = ctx.tb, "Programme des randonnées (annulé)"
    people = private_people(30, seed=1)
    send_and_wait_popup(ctx, subject, ", ".join(people))
    cancel_and_check_draft(ctx, subject, people, "cancel")
    for how in ("escape", "close"):
        actions.press_send(tb, subject)
        popup = actions.wait_popup(tb, timeout_s=90)
        check(popup and popup.get("mode") == "warn", f"no popup on second Send: {popup}")
        cancel_and_check_draft(ctx, subject, people, how)
    check(wait_audit(ctx, "cancel"), "the host did not record the cancel report")
    actions.close_compose(tb, subject)


def scenario_3_send_anyway(ctx):
    """Same draft, Send anyway -> sent as written; the host received the report."""
    tb, subject = ctx.tb, "Programme des randonnées (tel quel)"
    people = private_people(30, seed=1)
    send_and_wait_popup(ctx, subject, ", ".join(people))
    actions.click(tb, "sendAnyway")
    message = tb.sink.wait_for(subject)
    check(message is not None, "nothing sent after Send anyway")
    to_addresses = {a.lower() for a in ADDRESS.findall(str(message["message"]["To"]))}
    check(to_addresses == {address_of(p).lower() for p in people}, "the message was not sent as written")
    check(wait_audit(ctx, "send-anyway"), "the host did not record the send-anyway report")


def scenario_4_colleagues(ctx):
    """Five colleagues at the sender's domain -> no popup, sent at once."""
    tb, subject = ctx.tb, "Réunion d'équipe"
    colleagues = [f"Collègue {i} <agent{i}@tourisme-lac.example>" for i in range(5)]
    send_and_wait_popup(ctx, subject, ", ".join(colleagues), expect_popup=False)
    message = tb.sink.wait_for(subject, timeout_s=60)
    check(message is not None, "the message to colleagues was not sent")
    check(not actions.popup_open(tb), "a popup was shown for colleagues")
    envelope = {r.lower() for r in message["rcptTos"]}
    check({address_of(c).lower() for c in colleagues} <= envelope, "colleagues missing from the envelope")


def scenario_5_mailing_list(ctx):
    """An address-book list of 12 private addresses plus 2 more in To -> popup counting 14."""
    tb, subject = ctx.tb, "Sortie du club"
    members = private_people(12, seed=5, prefix="club.")
    created = create_mailing_list(tb, "Randonneurs", [[m.split(" <")[0], address_of(m)] for m in members])
    check(created["members"] == 12, f"mailing list not created: {created}")
    extra = private_people(2, seed=6, prefix="extra.")
    popup = send_and_wait_popup(ctx, subject, ", ".join(["Randonneurs <Randonneurs>"] + extra))
    check("14" in popup["headline"], f"the popup does not count 14: {popup['headline']}")
    check("12" in popup["text"], "the popup does not mention the list's 12 members")
    actions.screenshot_popup(tb, os.path.join(ctx.artifacts, "popup-en-list.png"))
    cancel_and_check_draft(ctx, subject, extra)
    actions.close_compose(tb, subject)


def scenario_6_reply_all(ctx):
    """Reply all to a received message that exposed 20 private addresses -> popup."""
    tb = ctx.tb
    exposed = private_people(20, seed=7, prefix="asso.")
    raw = ("From: Club Rando <club@asso-rando.example>\r\n"
           f"To: {SENDER}, {', '.join(exposed)}\r\n"
           "Subject: Sortie du 12\r\n"
           "Date: Mon, 23 Nov 2026 10:00:00 +0100\r\n"
           "Message-ID: <sortie-12@asso-rando.example>\r\n"
           "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=UTF-8\r\n\r\n"
           "Rendez-vous à 9 h au parking.\r\n")
    stored = add_received_message(tb, raw)
    check(stored.get("key") is not None, f"message not stored: {stored}")
    open_reply_all(tb, stored["folder"], stored["key"], "Re: Sortie du 12")
    subject = "Re: Sortie du 12"
    actions.wait_compose_ready(tb, subject)
    state = actions.compose_state(tb, subject)
    check(len(state["pills"]) >= 20, f"reply all did not address everyone: {len(state['pills'])}")
    sent_at = actions.press_send(tb, subject)
    popup = actions.wait_popup(tb, timeout_s=90)
    check(popup and popup.get("mode") in ("warn", "justify", "block"), f"no popup for reply all: {popup}")
    popup["sendToPopupMs"] = popup["readyAt"] - sent_at
    print(f"    headline: {popup['headline']}")
    cancel_and_check_draft(ctx, subject, exposed)
    actions.close_compose(tb, subject)


def scenario_7_host_missing(ctx):
    """Host missing -> the `ask` popup says the check could not run; Cancel keeps the draft."""
    tb, subject = ctx.tb, "Programme (sans vérification)"
    people = private_people(30, seed=1)
    check(tb.wait_host_stopped(), "the host still runs with no compose window open")
    tb.remove_host_manifest()
    try:
        popup = send_and_wait_popup(ctx, subject, ", ".join(people))
        check(popup["mode"] == "hostError", f"expected the host-error popup, got {popup['mode']}")
        check(popup["buttons"] == ["convert", "sendAnyway", "cancel"], f"buttons: {popup['buttons']}")
        print(f"    headline: {popup['headline']}")
        actions.screenshot_popup(tb, os.path.join(ctx.artifacts, "popup-en-host-missing.png"))
        cancel_and_check_draft(ctx, subject, people)
    finally:
        tb.install_host_manifest()
    actions.close_compose(tb, subject)


def scenario_9_policy_convert(ctx):
    """Policy action `convert`: converted without asking; the user is told; nothing lost."""
    tb, subject = ctx.tb, "Programme (conversion automatique)"
    people = private_people(30, seed=9)
    tb.set_policy({"rules": {"exposed-parties": {"action": "convert"}}})
    try:
        actions.open_compose(tb, subject, to=", ".join(people))
        actions.press_send(tb, subject)
        message = tb.sink.wait_for(subject)
        check(message is not None, "nothing sent with the convert policy")
        check(address_of(str(message["message"]["To"])).lower() == SENDER_EMAIL, "To is not the sender")
        check(not (header_addresses(sent_raw(message)) - {SENDER_EMAIL}), "addresses visible in the headers")
        lost = {address_of(p).lower() for p in people} - {r.lower() for r in message["rcptTos"]}
        check(not lost, f"recipients lost: {sorted(lost)}")
        notice = actions.wait_popup(tb, timeout_s=30)
        check(notice and notice.get("mode") == "converted", f"the user was not told: {notice}")
        check(notice["buttons"] == ["ok"], f"notice buttons: {notice['buttons']}")
        print(f"    notice: {notice['text'].splitlines()[0]} / {notice['headline']}")
        actions.screenshot_popup(tb, os.path.join(ctx.artifacts, "popup-en-auto-convert.png"))
        actions.click(tb, "ok")
        check(actions.wait_popup_closed(tb), "notice did not close")
        check(wait_audit(ctx, "auto-convert"), "the host did not record the auto-convert report")
    finally:
        tb.set_policy({})


def scenario_10_policy_justify(ctx):
    """Policy action `justify`: Send anyway needs a typed reason."""
    tb, subject = ctx.tb, "Programme (avec motif)"
    people = private_people(30, seed=10)
    tb.set_policy({"rules": {"exposed-parties": {"action": "justify"}}})
    try:
        before = len(wait_audit(ctx, "send-anyway", timeout_s=0))
        popup = send_and_wait_popup(ctx, subject, ", ".join(people))
        check(popup["mode"] == "justify", f"expected justify, got {popup['mode']}")
        disabled = actions.popup_script(tb, "return document.getElementById('sendAnyway').disabled;")
        check(disabled is True, "Send anyway is enabled without a reason")
        actions.popup_script(tb, """
const box = document.getElementById("reason");
box.value = "Les participants ont accepté de partager leurs adresses";
box.dispatchEvent(new Event("input", { bubbles: true }));
return true;""")
        actions.screenshot_popup(tb, os.path.join(ctx.artifacts, "popup-en-justify.png"))
        actions.click(tb, "sendAnyway")
        message = tb.sink.wait_for(subject)
        check(message is not None, "not sent after a reason was given")
        deadline = time.monotonic() + 20
        while len(wait_audit(ctx, "send-anyway", timeout_s=0)) <= before and time.monotonic() < deadline:
            time.sleep(0.2)
        check(len(wait_audit(ctx, "send-anyway", timeout_s=0)) > before, "the justified send was not reported")
    finally:
        tb.set_policy({})


def scenario_11_policy_block(ctx):
    """Policy action `block`: only Convert to Bcc or Cancel."""
    tb, subject = ctx.tb, "Programme (bloqué)"
    people = private_people(30, seed=11)
    tb.set_policy({"rules": {"exposed-parties": {"action": "block"}}})
    try:
        popup = send_and_wait_popup(ctx, subject, ", ".join(people))
        check(popup["mode"] == "block", f"expected block, got {popup['mode']}")
        check(popup["buttons"] == ["convert", "cancel"], f"buttons: {popup['buttons']}")
        actions.screenshot_popup(tb, os.path.join(ctx.artifacts, "popup-en-block.png"))
        cancel_and_check_draft(ctx, subject, people, "escape")
        actions.close_compose(tb, subject)
    finally:
        tb.set_policy({})


OPTIONS_STATE = """
const host = document.getElementById("hostStatus");
return { host: host.textContent, found: host.dataset.found,
         policy: document.getElementById("policyStatus").textContent,
         onHostError: document.querySelector("input[name=onHostError]:checked")?.value,
         locked: [...document.querySelectorAll("input[name=onHostError]")].every(r => r.disabled),
         lockedNote: !document.querySelector("#onHostError .locked").hidden,
         text: document.body.innerText };
"""


def scenario_12_options(ctx):
    """Options page: shows the host's status (version, policy source) and the settings."""
    page = actions.options_page(ctx.tb, OPTIONS_STATE)
    check(page and "error" not in page, f"options page: {page}")
    print(f"    {page['host']} {page['policy']}")
    check(page["found"] == "true", f"host not found by the options page: {page['host']}")
    check("0." in page["host"] or "version" in page["host"], f"no host version: {page['host']}")
    check(page["policy"] != "", "no policy status")
    check(page["onHostError"] == "ask" and not page["locked"], f"default onHostError: {page}")


def scenario_14_managed(ctx):
    """Enterprise policy locks onHostError=block: shown locked; host missing -> Convert or Cancel only."""
    tb, subject = ctx.tb, "Programme (règle de l'organisation)"
    page = actions.options_page(tb, OPTIONS_STATE)
    check(page and "error" not in page, f"options page: {page}")
    check(page["onHostError"] == "block", f"managed value not applied: {page['onHostError']}")
    check(page["locked"] and page["lockedNote"], "managed setting not shown as locked")
    people = private_people(30, seed=14)
    check(tb.wait_host_stopped(), "the host still runs with no compose window open")
    tb.remove_host_manifest()
    try:
        popup = send_and_wait_popup(ctx, subject, ", ".join(people))
        check(popup["mode"] == "hostError", f"expected the host-error popup, got {popup['mode']}")
        check(popup["buttons"] == ["convert", "cancel"], f"Send anyway offered despite block: {popup['buttons']}")
        actions.screenshot_popup(tb, os.path.join(ctx.artifacts, "popup-en-host-missing-block.png"))
        cancel_and_check_draft(ctx, subject, people)
    finally:
        tb.install_host_manifest()
    actions.close_compose(tb, subject)


CLICK_ON_HOST_ERROR = """
document.querySelector(`input[name=onHostError][value=${arguments[0]}]`).click();
return true;
"""


def set_on_host_error(tb, value):
    """Choose ``value`` in the options page like a user, then read it back from a fresh page."""
    actions.options_page(tb, CLICK_ON_HOST_ERROR, [value])
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        if actions.options_page(tb, OPTIONS_STATE).get("onHostError") == value:
            return True
        time.sleep(0.3)
    return False


def scenario_15_on_host_error_allow(ctx):
    """User sets onHostError=allow in the options page; host missing -> sent as written, user told."""
    tb, subject = ctx.tb, "Programme (sans vérification, envoyé)"
    people = private_people(12, seed=15)
    check(set_on_host_error(tb, "allow"), "could not set onHostError=allow in the options page")
    check(tb.wait_host_stopped(), "the host still runs with no compose window open")
    tb.remove_host_manifest()
    try:
        actions.open_compose(tb, subject, to=", ".join(people))
        actions.press_send(tb, subject)
        message = tb.sink.wait_for(subject)
        check(message is not None, "not sent although onHostError=allow")
        sent_to = {a.lower() for a in ADDRESS.findall(str(message["message"]["To"]))}
        check(sent_to == {address_of(p).lower() for p in people}, "not sent as written")
        notice = actions.wait_popup(tb, timeout_s=30)
        check(notice and notice.get("mode") == "hostErrorSent", f"the user was not told: {notice}")
        print(f"    notice: {notice['headline']}")
        actions.click(tb, "ok")
    finally:
        tb.install_host_manifest()
        set_on_host_error(tb, "ask")


def scenario_13_think_time(ctx):
    """A sleeping MV3 background wakes for a new compose; a long think time still applies."""
    tb, subject = ctx.tb, "Programme (réflexion)"
    people = private_people(30, seed=13)
    actions.open_compose(tb, subject, to=", ".join(people))
    reset(tb)  # no compose window: the host connection closes, the background may sleep
    deadline = time.monotonic() + 60
    while tb.background_state() != "stopped" and time.monotonic() < deadline:
        time.sleep(0.5)
    check(tb.background_state() == "stopped", f"the background never went idle: {tb.background_state()}")
    popup = send_and_wait_popup(ctx, subject, ", ".join(people))
    check(popup["mode"] == "warn", f"no warn popup after waking the background: {popup['mode']}")
    time.sleep(4 * IDLE_TIMEOUT_MS / 1000)  # the user reads the popup
    check(actions.popup_open(tb), "the popup disappeared while the user was thinking")
    actions.click(tb, "convert")
    message = tb.sink.wait_for(subject)
    check(message is not None, "nothing sent after a long think time")
    check(address_of(str(message["message"]["To"])).lower() == SENDER_EMAIL, "not converted")
    lost = {address_of(p).lower() for p in people} - {r.lower() for r in message["rcptTos"]}
    check(not lost, f"recipients lost: {sorted(lost)}")


def measure(ctx, count, rounds=3):
    """Send -> decision for ``count`` private recipients (host included, no think time),
    ``rounds`` sends of the same draft; the median is reported."""
    tb, subject = ctx.tb, f"Mesure {count}"
    people = private_people(count, seed=count)
    actions.open_compose(tb, subject, to=", ".join(people))
    samples = []
    for round_index in range(rounds):
        sent_at = actions.press_send(tb, subject)
        popup = actions.wait_popup(tb, timeout_s=90)
        check(popup and "error" not in popup and popup.get("decisionMs") is not None, f"no popup: {popup}")
        timing = popup.get("timing") or {}
        samples.append({"decisionMs": popup["decisionMs"], "draftMs": timing.get("draftMs"),
                        "hostMs": timing.get("hostMs"), "sendToPopupMs": popup["readyAt"] - sent_at,
                        "windowSize": popup["windowSize"]})
        if round_index == 0 and count in (10, 300):
            actions.screenshot_popup(tb, os.path.join(ctx.artifacts, f"popup-en-{count}.png"))
        actions.click(tb, "cancel")
        check(actions.wait_popup_closed(tb), "popup did not close")
        actions.wait_compose_unlocked(tb, subject)
    actions.close_compose(tb, subject)

    def median(key):
        values = sorted(sample[key] for sample in samples)
        return values[len(values) // 2]

    record = {"recipients": count, "rounds": rounds, "decisionMs": median("decisionMs"),
              "hostMs": median("hostMs"), "sendToPopupMs": median("sendToPopupMs"), "samples": samples}
    ctx.timings.append(record)
    print(f"    {count:>5} recipients: Send -> decision {record['decisionMs']} ms median of {rounds} "
          f"(host round trip {record['hostMs']} ms; all: {[s['decisionMs'] for s in samples]}); "
          f"Send -> popup shown {record['sendToPopupMs']} ms", flush=True)


def scenario_timings(ctx):
    """Measure Send -> decision for 10, 300 and 3,000 recipients."""
    for count in (10, 300, 3000):
        measure(ctx, count)


def scenario_8_french(ctx):
    """French UI: the popup is in French."""
    tb, subject = ctx.tb, "Programme des randonnées (fr)"
    locales = tb.js("arguments[0](Services.locale.appLocalesAsBCP47);")
    check(locales and locales[0].startswith("fr"), f"Thunderbird's UI is not French: {locales}")
    people = private_people(30, seed=1)
    popup = send_and_wait_popup(ctx, subject, ", ".join(people))
    check(popup["lang"].startswith("fr"), f"popup language: {popup['lang']}")
    check("personnes" in popup["headline"], f"headline not French: {popup['headline']}")
    check("Passer en Cci" in popup["text"], "buttons not French")
    shot = actions.screenshot_popup(tb, os.path.join(ctx.artifacts, "popup-fr-30.png"))
    print(f"    headline: {popup['headline']}\n    screenshot: {shot}")
    cancel_and_check_draft(ctx, subject, people)
    actions.close_compose(tb, subject)


ENGLISH = [("1", scenario_1_convert), ("2", scenario_2_cancel), ("3", scenario_3_send_anyway),
           ("4", scenario_4_colleagues), ("5", scenario_5_mailing_list), ("6", scenario_6_reply_all),
           ("7", scenario_7_host_missing), ("9", scenario_9_policy_convert), ("10", scenario_10_policy_justify),
           ("11", scenario_11_policy_block), ("12", scenario_12_options), ("15", scenario_15_on_host_error_allow),
           ("13", scenario_13_think_time),
           ("timings", scenario_timings)]
FRENCH = [("8", scenario_8_french)]
MANAGED = [("14", scenario_14_managed)]
MANAGED_POLICIES = {"3rdparty": {"Extensions": {"bccshield@bccshield.org": {"onHostError": "block"}}}}


def run_group(args, locale, scenarios, results, timings, enterprise_policies=None):
    selected = select(scenarios, args.only)
    if not selected:
        return
    print(f"== Thunderbird ({locale}{', enterprise policy' if enterprise_policies else ''}) ==", flush=True)
    started = time.monotonic()
    try:
        with Thunderbird(args.host, args.xpi, args.artifacts, locale=locale, headless=args.headless,
                         prefs={"extensions.background.idle.timeout": IDLE_TIMEOUT_MS},
                         enterprise_policies=enterprise_policies) as tb:
            print(f"   started in {time.monotonic() - started:.1f} s (profile and HOME under {tb.root})", flush=True)
            ctx = Context(tb, args.artifacts)
            run_scenarios(tb, ctx, selected, args.artifacts, results)
            timings.extend(ctx.timings)
            sink_dir = os.path.join(args.artifacts, f"sink-{locale}")
            os.makedirs(sink_dir, exist_ok=True)
            for message in tb.sink.messages:
                target = os.path.join(sink_dir, os.path.basename(message["file"]))
                with open(target, "wb") as handle:
                    handle.write(sent_raw(message))
                with open(target.replace(".eml", ".envelope.json"), "w", encoding="utf-8") as handle:
                    json.dump({k: v for k, v in message.items() if k != "message"}, handle, indent=1)
    except Exception as error:  # noqa: BLE001 - Thunderbird itself failed
        setup_failed(selected, results, error)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--host", required=True, help="path of the built bccshield-host")
    parser.add_argument("--xpi", required=True, help="path of the built bccshield.xpi")
    parser.add_argument("--artifacts", default=os.environ.get("BCCSHIELD_ARTIFACTS", "artifacts/e2e"))
    parser.add_argument("--only", type=lambda s: set(s.split(",")), default=None,
                        help="comma-separated scenario names (1..8, timings)")
    parser.add_argument("--headless", action="store_true", help="thunderbird --headless instead of Xvfb")
    args = parser.parse_args()
    for path in (args.host, args.xpi):
        if not os.path.isfile(path):
            print(f"missing: {path}", file=sys.stderr)
            return 2
    args.host = os.path.abspath(args.host)
    args.artifacts = os.path.abspath(args.artifacts)
    os.makedirs(args.artifacts, exist_ok=True)
    results, timings = [], []
    began = time.monotonic()
    run_group(args, "en-US", ENGLISH, results, timings)
    run_group(args, "fr", FRENCH, results, timings)
    run_group(args, "en-US", MANAGED, results, timings, enterprise_policies=MANAGED_POLICIES)
    with open(os.path.join(args.artifacts, "timings.json"), "w", encoding="utf-8") as handle:
        json.dump({"measuredAt": time.strftime("%Y-%m-%dT%H:%M:%S%z"), "sendToDecision": timings}, handle, indent=1)
    write_results(args.artifacts, results)
    print_summary(results, f"== Summary ({time.monotonic() - began:.0f} s; artefacts in {args.artifacts}) ==")
    for record in timings:
        print(f"  Send -> decision, {record['recipients']:>5} recipients: {record['decisionMs']} ms "
              f"(host round trip {record['hostMs']} ms; popup shown after {record['sendToPopupMs']} ms)")
    return exit_code(results)


if __name__ == "__main__":
    # SIGTERM (ctest timeout, kill) unwinds like Ctrl-C, so Thunderbird, Xvfb and the sink stop.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    sys.exit(main())
