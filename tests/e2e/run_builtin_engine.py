#!/usr/bin/python3
"""BccShield with the add-on alone (issue 9): a real Thunderbird with NO native host registered
(HOME without a manifest, the system manifest folders hidden), so the engine inside the XPI
decides; the managed policy comes through Thunderbird's enterprise policies.

    /usr/bin/python3 tests/e2e/run_builtin_engine.py --xpi build/ci/extension/bccshield.xpi \
        [--artifacts DIR] [--only a1,a2] [--headless]

Timings (Send -> decision at 10 / 300 / 3,000 recipients, the first check after start and after a
background suspension) are measured and printed into timings.json, never asserted.
"""
import argparse
import json
import os
import signal
import sys
import time
import zipfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from bccshield_e2e import actions  # noqa: E402
from bccshield_e2e.mailbox import address_of, private_people  # noqa: E402
from bccshield_e2e.thunderbird import EXTENSION_ID, SENDER_EMAIL, Thunderbird  # noqa: E402
from bccshield_e2e.scenarios import exit_code, print_summary, run_scenarios, select, setup_failed  # noqa: E402
from run_e2e import check, header_addresses, sent_raw  # noqa: E402

# Short, so the MV3 background really is suspended between scenarios. Gecko suspends an idle
# event page after extensions.background.idle.timeout ms (default 30000): gecko-dev
# toolkit/components/extensions/docs/events.rst names the pref for exactly this use in tests
# (an open NativeMessaging port resets the timer: with no host there is none). Seen here:
# backgroundState "stopped" within seconds, then Send wakes it.
IDLE_TIMEOUT_MS = 3000
BLOCK_POLICY = {"minExposedParties": 5, "rules": {"exposed-parties": {"action": "block"}}}


class NoHostThunderbird(Thunderbird):
    """The harness's Thunderbird, but no native manifest is ever written for this HOME."""

    def install_host_manifest(self):
        self.remove_host_manifest()


class Context:
    def __init__(self, tb, artifacts):
        self.tb = tb
        self.artifacts = artifacts
        self.timings = []


def wait_suspended(tb, timeout_s=60):
    deadline = time.monotonic() + timeout_s
    while tb.background_state() != "stopped" and time.monotonic() < deadline:
        time.sleep(0.3)
    return tb.background_state() == "stopped"


def send_popup(ctx, subject, to, timeout_s=120):
    tb = ctx.tb
    actions.open_compose(tb, subject, to=to)
    sent_at = actions.press_send(tb, subject)
    check(sent_at is not None, "compose window not found")
    popup = actions.wait_popup(tb, timeout_s=timeout_s)
    check(popup and "error" not in popup, f"no BccShield popup after Send: {popup}")
    popup["sendToPopupMs"] = popup["readyAt"] - sent_at
    return popup


OPTIONS = """
return { ready: document.body.dataset.engineReady === "true",
         host: document.getElementById("hostStatus").textContent,
         lastCheck: document.getElementById("lastCheck").textContent,
         builtin: document.getElementById("builtinStatus").textContent,
         noAudit: document.getElementById("builtinNoAudit").textContent,
         engine: document.querySelector("input[name=engine]:checked")?.value,
         engineLocked: [...document.querySelectorAll("input[name=engine]")].every(r => r.disabled),
         text: document.body.innerText };
"""


def options(tb):
    deadline = time.monotonic() + 30
    while True:
        page = actions.options_page(tb, OPTIONS)
        if (page and page.get("ready")) or time.monotonic() > deadline:
            check(page and "error" not in page, f"options page: {page}")
            return page
        time.sleep(0.5)


def no_audit_log(tb):
    check(not os.path.exists(tb.audit_log), "an audit log was written although no host ran")
    check(not tb.host_pids(), "a host process runs although none is registered")


# ----- group A: the add-on alone, defaults ---------------------------------------------------


def scenario_a1_convert(ctx):
    """No host: 30 private addresses -> the warn popup; Convert -> headers clean, all 30 in the envelope."""
    tb, subject = ctx.tb, "Programme des randonnées (moteur intégré)"
    people = private_people(30, seed=1)
    popup = send_popup(ctx, subject, ", ".join(people))
    check(popup["mode"] == "warn", f"expected the warn popup (not the host-error one), got {popup['mode']}")
    check("30" in popup["headline"], f"headline does not count 30: {popup['headline']}")
    check(popup["buttons"] == ["convert", "sendAnyway", "cancel"], f"buttons: {popup['buttons']}")
    print(f"    headline: {popup['headline']}\n    decision: {popup['decisionMs']} ms {popup.get('timing')}")
    actions.screenshot_popup(tb, os.path.join(ctx.artifacts, "builtin-popup-en-30.png"))
    ctx.first_check = popup
    actions.press_key(tb, "Enter")  # Convert, the default button
    message = tb.sink.wait_for(subject)
    check(message is not None, "nothing reached the SMTP sink after Convert")
    others = header_addresses(sent_raw(message)) - {SENDER_EMAIL}
    check(not others, f"private addresses visible in the headers: {sorted(others)[:5]}")
    envelope = {r.lower() for r in message["rcptTos"]}
    lost = {address_of(p).lower() for p in people} - envelope
    check(not lost, f"recipients lost from the envelope: {sorted(lost)}")
    no_audit_log(tb)


def scenario_a2_colleagues(ctx):
    """No host: 5 colleagues -> sent at once, no popup."""
    tb, subject = ctx.tb, "Réunion d'équipe (moteur intégré)"
    colleagues = [f"Collègue {i} <agent{i}@tourisme-lac.example>" for i in range(5)]
    actions.open_compose(tb, subject, to=", ".join(colleagues))
    actions.press_send(tb, subject)
    message = tb.sink.wait_for(subject, timeout_s=60)
    check(message is not None, "the message to colleagues was not sent")
    check(not actions.popup_open(tb), "a popup was shown for colleagues")
    check({address_of(c).lower() for c in colleagues} <= {r.lower() for r in message["rcptTos"]}, "envelope")


def scenario_a3_one_correspondent(ctx):
    """No host: 1 correspondent -> sent at once, no popup."""
    tb, subject = ctx.tb, "Votre réservation (moteur intégré)"
    actions.open_compose(tb, subject, to="Marie Client <marie.client@gmail.com>")
    actions.press_send(tb, subject)
    message = tb.sink.wait_for(subject, timeout_s=60)
    check(message is not None, "the message to one correspondent was not sent")
    check(not actions.popup_open(tb), "a popup was shown for one correspondent")
    no_audit_log(tb)


def scenario_a4_options(ctx):
    """Options page: the built-in engine decided the last check; its version; the policy; no audit log."""
    page = options(ctx.tb)
    print(f"    host: {page['host']}\n    last: {page['lastCheck']}\n    builtin: {page['builtin']}")
    check("engine built into the add-on" in page["lastCheck"], f"last check: {page['lastCheck']}")
    check("built-in defaults" in page["lastCheck"], f"policy of the last check: {page['lastCheck']}")
    check("version" in page["builtin"] and "Policy" in page["builtin"], f"builtin status: {page['builtin']}")
    check("no audit log" in page["noAudit"], f"no-audit note: {page['noAudit']}")
    check(page["engine"] == "auto" and not page["engineLocked"], f"engine setting: {page}")


def measure(ctx, count, rounds=3):
    tb, subject = ctx.tb, f"Mesure intégrée {count}"
    people = private_people(count, seed=count)
    actions.open_compose(tb, subject, to=", ".join(people))
    samples = []
    for _ in range(rounds):
        sent_at = actions.press_send(tb, subject)
        popup = actions.wait_popup(tb, timeout_s=120)
        check(popup and popup.get("decisionMs") is not None, f"no popup: {popup}")
        samples.append({"decisionMs": popup["decisionMs"], "engineMs": (popup.get("timing") or {}).get("hostMs"),
                        "sendToPopupMs": popup["readyAt"] - sent_at})
        actions.click(tb, "cancel")
        check(actions.wait_popup_closed(tb), "popup did not close")
        actions.wait_compose_unlocked(tb, subject)
    actions.close_compose(tb, subject)
    values = sorted(s["decisionMs"] for s in samples)
    record = {"case": f"warm, {count} recipients", "recipients": count, "decisionMs": values[len(values) // 2],
              "samples": samples}
    ctx.timings.append(record)
    print(f"    {count:>5} recipients (warm): Send -> decision {record['decisionMs']:.1f} ms median of {rounds} "
          f"{[round(s['decisionMs'], 1) for s in samples]}", flush=True)


def scenario_a5_timings(ctx):
    """Send -> decision with the built-in engine at 10 / 300 / 3,000 recipients (warm)."""
    for count in (10, 300, 3000):
        measure(ctx, count)


def scenario_a6_after_suspension(ctx):
    """First check after a background suspension: Send itself wakes the background and loads the engine."""
    tb, subject = ctx.tb, "Programme (réveil)"
    people = private_people(300, seed=6)
    actions.open_compose(tb, subject, to=", ".join(people))
    check(wait_suspended(tb), f"the background never went idle: {tb.background_state()}")
    sent_at = actions.press_send(tb, subject)
    popup = actions.wait_popup(tb, timeout_s=120)
    check(popup and popup.get("mode") == "warn", f"no warn popup after a wake: {popup}")
    record = {"case": "first check after a suspension (woken by Send), 300 recipients", "recipients": 300,
              "decisionMs": popup["decisionMs"], "engineMs": (popup.get("timing") or {}).get("hostMs"),
              "sendToPopupMs": popup["readyAt"] - sent_at}
    ctx.timings.append(record)
    print(f"    after a suspension: Send -> decision {popup['decisionMs']:.1f} ms (engine {record['engineMs']}), "
          f"popup shown after {record['sendToPopupMs']} ms", flush=True)
    # The compose window stayed responsive: Thunderbird's main thread answers while deciding.
    actions.click(tb, "cancel")
    check(actions.wait_popup_closed(tb), "popup did not close")
    state = actions.wait_compose_unlocked(tb, subject)
    check(state and not state["locked"], "compose window still locked")
    actions.close_compose(tb, subject)


def scenario_a7_engine_host(ctx):
    """The user chooses engine `host` in the options page: no host -> today's host-error popup."""
    tb, subject = ctx.tb, "Programme (programme exigé)"
    actions.options_page(tb, "document.querySelector('input[name=engine][value=host]').click(); return true;")
    deadline = time.monotonic() + 20
    while options(tb)["engine"] != "host" and time.monotonic() < deadline:
        time.sleep(0.3)
    try:
        people = private_people(30, seed=7)
        popup = send_popup(ctx, subject, ", ".join(people))
        check(popup["mode"] == "hostError", f"expected the host-error popup, got {popup['mode']}")
        print(f"    headline: {popup['headline']}")
        actions.screenshot_popup(tb, os.path.join(ctx.artifacts, "builtin-engine-host-missing.png"))
        actions.click(tb, "cancel")
        actions.wait_popup_closed(tb)
        actions.close_compose(tb, subject)
    finally:
        actions.options_page(tb, "document.querySelector('input[name=engine][value=auto]').click(); return true;")


def scenario_a8_timings_builtin_only(ctx):
    """Send -> decision at 300 / 3,000 recipients with engine `builtin` (no host attempt first)."""
    tb = ctx.tb
    actions.options_page(tb, "document.querySelector('input[name=engine][value=builtin]').click(); return true;")
    deadline = time.monotonic() + 20
    while options(tb)["engine"] != "builtin" and time.monotonic() < deadline:
        time.sleep(0.3)
    try:
        for count in (300, 3000):
            measure(ctx, count)
            ctx.timings[-1]["case"] = f"warm, {count} recipients, engine builtin"
    finally:
        actions.options_page(tb, "document.querySelector('input[name=engine][value=auto]').click(); return true;")


# ----- group B: the organisation's policy through Thunderbird's enterprise policies ----------


def scenario_b1_managed_block(ctx):
    """Managed policy (block, minExposedParties 5): 6 private addresses -> the block popup."""
    tb, subject = ctx.tb, "Programme (règle de l'organisation, moteur intégré)"
    people = private_people(6, seed=21)
    popup = send_popup(ctx, subject, ", ".join(people))
    check(popup["mode"] == "block", f"expected block, got {popup['mode']}")
    check(popup["buttons"] == ["convert", "cancel"], f"buttons: {popup['buttons']}")
    actions.screenshot_popup(tb, os.path.join(ctx.artifacts, "builtin-popup-en-managed-block.png"))
    actions.click(tb, "cancel")
    check(actions.wait_popup_closed(tb), "popup did not close")
    actions.close_compose(tb, subject)
    page = options(tb)
    print(f"    last: {page['lastCheck']}")
    check("organisation's policy" in page["lastCheck"] and "in force" in page["lastCheck"], page["lastCheck"])
    no_audit_log(tb)


def scenario_d1_refused_policy(ctx):
    """A refused managed policy: shown as the host's refusal is (popup line, options page); the defaults decide."""
    tb, subject = ctx.tb, "Programme (règle refusée)"
    popup = send_popup(ctx, subject, ", ".join(private_people(30, seed=41)))
    check(popup["mode"] == "warn", f"the defaults should warn, got {popup['mode']}")
    check("policy file could not be used" in popup["text"], f"no refused-policy line in the popup: {popup['text']}")
    actions.screenshot_popup(tb, os.path.join(ctx.artifacts, "builtin-popup-en-refused-policy.png"))
    actions.click(tb, "cancel")
    actions.wait_popup_closed(tb)
    actions.close_compose(tb, subject)
    page = options(tb)
    print(f"    builtin: {page['builtin']}")
    check("refused" in page["builtin"] and "/minExposedParties" in page["builtin"], f"options page: {page['builtin']}")


def scenario_c1_managed_engine_host(ctx):
    """IT locks engine `host` (as the packages do): no host -> the host-error popup; the setting is locked."""
    tb, subject = ctx.tb, "Programme (moteur verrouillé)"
    page = options(tb)
    check(page["engine"] == "host" and page["engineLocked"], f"engine not locked to host: {page}")
    popup = send_popup(ctx, subject, ", ".join(private_people(30, seed=31)))
    check(popup["mode"] == "hostError", f"expected the host-error popup, got {popup['mode']}")
    actions.click(tb, "cancel")
    actions.wait_popup_closed(tb)
    actions.close_compose(tb, subject)


def scenario_f1_french(ctx):
    """French UI, no host: the built-in engine's warn popup is in French."""
    tb, subject = ctx.tb, "Programme des randonnées (fr, moteur intégré)"
    popup = send_popup(ctx, subject, ", ".join(private_people(30, seed=1)))
    check(popup["mode"] == "warn", f"expected warn, got {popup['mode']}")
    check(popup["lang"].startswith("fr"), f"popup language: {popup['lang']}")
    check("personnes" in popup["headline"], f"headline not French: {popup['headline']}")
    check("Passer en Cci" in popup["text"], "buttons not French")
    print(f"    headline: {popup['headline']}")
    actions.screenshot_popup(tb, os.path.join(ctx.artifacts, "builtin-popup-fr-30.png"))
    actions.click(tb, "cancel")
    actions.wait_popup_closed(tb)
    actions.close_compose(tb, subject)


GROUPS = [
    ("en-US", None, [("a1", scenario_a1_convert), ("a2", scenario_a2_colleagues),
                     ("a3", scenario_a3_one_correspondent), ("a4", scenario_a4_options),
                     ("a5", scenario_a5_timings), ("a6", scenario_a6_after_suspension),
                     ("a7", scenario_a7_engine_host), ("a8", scenario_a8_timings_builtin_only)]),
    ("en-US", {"3rdparty": {"Extensions": {EXTENSION_ID: {"policy": BLOCK_POLICY}}}},
     [("b1", scenario_b1_managed_block)]),
    ("en-US", {"3rdparty": {"Extensions": {EXTENSION_ID: {"engine": "host"}}}},
     [("c1", scenario_c1_managed_engine_host)]),
    ("en-US", {"3rdparty": {"Extensions": {EXTENSION_ID: {"policy": {"minExposedParties": "five"}}}}},
     [("d1", scenario_d1_refused_policy)]),
    ("fr", None, [("f1", scenario_f1_french)]),
]


def xpi_sizes(xpi):
    with zipfile.ZipFile(xpi) as archive:
        raw = sum(info.file_size for info in archive.infolist())
        engine = {info.filename: [info.file_size, info.compress_size] for info in archive.infolist()
                  if info.filename.startswith("bccshield-engine")}
    return {"xpiZipped": os.path.getsize(xpi), "xpiRaw": raw, "engineFiles": engine}


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--xpi", required=True)
    parser.add_argument("--artifacts", default=os.environ.get("BCCSHIELD_ARTIFACTS", "artifacts/e2e-builtin"))
    parser.add_argument("--only", type=lambda s: set(s.split(",")), default=None)
    parser.add_argument("--headless", action="store_true")
    args = parser.parse_args()
    args.artifacts = os.path.abspath(args.artifacts)
    os.makedirs(args.artifacts, exist_ok=True)
    results, timings = [], []
    for locale, policies, scenarios in GROUPS:
        selected = select(scenarios, args.only)
        if not selected:
            continue
        print(f"== Thunderbird ({locale}, no native host{', enterprise policy' if policies else ''}) ==", flush=True)
        started = time.monotonic()
        try:
            # The host path is never registered; it only fills the harness's environment.
            with NoHostThunderbird("/nonexistent/bccshield-host", args.xpi, args.artifacts, locale=locale,
                                   headless=args.headless, enterprise_policies=policies,
                                   prefs={"extensions.background.idle.timeout": IDLE_TIMEOUT_MS}) as tb:
                print(f"   started in {time.monotonic() - started:.1f} s", flush=True)
                check(not os.path.exists(tb.host_manifest_path), "a host manifest exists")
                ctx = Context(tb, args.artifacts)
                run_scenarios(tb, ctx, selected, args.artifacts, results)
                if getattr(ctx, "first_check", None):  # set by scenario a1
                    first = ctx.first_check
                    timings.append({"case": "first check after Thunderbird started, 30 recipients",
                                    "recipients": 30, "decisionMs": first["decisionMs"],
                                    "engineMs": (first.get("timing") or {}).get("hostMs"),
                                    "sendToPopupMs": first["sendToPopupMs"]})
                timings.extend(ctx.timings)
        except Exception as error:  # noqa: BLE001 - Thunderbird itself failed
            setup_failed(selected, results, error)
    sizes = xpi_sizes(args.xpi)
    with open(os.path.join(args.artifacts, "timings.json"), "w", encoding="utf-8") as handle:
        json.dump({"measuredAt": time.strftime("%Y-%m-%dT%H:%M:%S%z"), "builtinEngine": timings, "sizes": sizes},
                  handle, indent=1)
    print_summary(results)
    for record in timings:
        print(f"  {record['case']}: Send -> decision {record['decisionMs']:.1f} ms")
    print(f"  XPI: {sizes['xpiZipped']} bytes zipped, {sizes['xpiRaw']} bytes raw; engine {sizes['engineFiles']}")
    return exit_code(results)


if __name__ == "__main__":
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    sys.exit(main())
