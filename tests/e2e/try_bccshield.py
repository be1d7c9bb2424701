#!/usr/bin/python3
"""Try BccShield in a throwaway Thunderbird: scratch HOME and profile, SMTP sink on
127.0.0.1, the extension and host registered for that profile only, and a compose window
holding a tourism-office mailing with dozens of private addresses in To.

With a display ($DISPLAY): Thunderbird opens on it; press Send to see the popup; quit
Thunderbird to end (what reached the sink is printed). Without a display: the same scenario
runs headless (Send, popup, Convert to Bcc) and prints what happened and the screenshot.
Your real Thunderbird profile and HOME are never touched.
"""
import argparse
import os
import signal
import socket
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from bccshield_e2e import actions  # noqa: E402
from bccshield_e2e.mailbox import private_people  # noqa: E402
from bccshield_e2e.thunderbird import Thunderbird  # noqa: E402

SUBJECT = "Programme des animations de l'été au lac"
BODY = ("Bonjour à toutes et à tous,\r\n\r\nL'Office de Tourisme du Lac a le plaisir de vous envoyer "
        "le programme des animations de l'été.\r\n\r\nBien cordialement,\r\nL'équipe de l'Office\r\n")


def report_sink(tb):
    if not tb.sink.messages:
        print("Nothing reached the SMTP sink.")
    for message in tb.sink.messages:
        parsed = message["message"]
        print(f"Sent: \"{message['subject']}\"\n  To:  {parsed['To']}\n  Cc:  {parsed['Cc'] or '-'}\n"
              f"  envelope: {len(message['rcptTos'])} recipients")


def close_marionette(tb):
    """Marionette is an unauthenticated, chrome-privileged remote control on 127.0.0.1 (any local
    process could drive Thunderbird through it): once the scenario is set up, nothing needs it.
    Gecko's Marionette.server is a TCPListener whose stop() closes the listening socket
    (remote/marionette/server.sys.mjs; open connections stay until closed), then our own
    connection goes. Returns the port, which now refuses connections (checked)."""
    port = tb.js("arguments[arguments.length - 1](Services.prefs.getIntPref('marionette.port'));")
    alive = tb.js("""const resolve = arguments[arguments.length - 1];
        const { Marionette } = ChromeUtils.importESModule(
          "chrome://remote/content/components/Marionette.sys.mjs");
        Marionette.server.stop().then(() => resolve(Marionette.server.alive));""")
    tb.marionette.close()
    tb.marionette = None
    try:
        socket.create_connection(("127.0.0.1", port), timeout=5).close()
    except ConnectionRefusedError:
        return port
    raise RuntimeError(f"Marionette still accepts connections on 127.0.0.1:{port} (alive={alive})")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--host", required=True)
    parser.add_argument("--xpi", required=True)
    parser.add_argument("--artifacts", default=os.environ.get("BCCSHIELD_ARTIFACTS", "artifacts/try"))
    parser.add_argument("--recipients", type=int, default=42)
    parser.add_argument("--locale", default="en-US", help="Thunderbird UI language, e.g. fr")
    parser.add_argument("--headless", action="store_true", help="force the headless run")
    args = parser.parse_args()
    args.artifacts = os.path.abspath(args.artifacts)
    display = os.environ.get("DISPLAY")
    interactive = bool(display) and not args.headless
    people = private_people(args.recipients, seed=2024)
    with Thunderbird(os.path.abspath(args.host), args.xpi, args.artifacts, locale=args.locale,
                     headless=not interactive, display=display if interactive else None) as tb:
        print(f"Throwaway Thunderbird: profile and HOME under {tb.root}; SMTP sink on 127.0.0.1:{tb.sink.port}")
        actions.open_compose(tb, SUBJECT, to=", ".join(people), body=BODY)
        if interactive:
            port = close_marionette(tb)
            print(f"Marionette (remote control) closed: 127.0.0.1:{port} refuses connections now.")
            print(f"A compose window holds a mailing to {len(people)} private addresses in To.\n"
                  "Press Send to see BccShield's popup. Quit Thunderbird to finish.")
            tb.wait_exit()
            report_sink(tb)
            return 0
        print(f"No display: running the scenario headless ({len(people)} private addresses in To).")
        began = time.monotonic()
        actions.press_send(tb, SUBJECT)
        popup = actions.wait_popup(tb, timeout_s=90)
        if not popup or "error" in popup:
            print(f"No popup appeared after {time.monotonic() - began:.1f} s: {popup}")
            state = actions.compose_state(tb, SUBJECT)
            print(f"Compose window: open={state['open']} locked={state.get('locked')}")
            report_sink(tb)
            return 1
        shot = actions.screenshot_popup(tb, os.path.join(args.artifacts, "try-popup.png"))
        print(f"Popup after Send ({popup['decisionMs']} ms to the decision):\n"
              f"  {popup['title']}\n  {popup['headline']}\n  {popup['convertLine']}\n"
              f"  buttons: {', '.join(popup['buttons'])} (focused: {popup['focused']})\n"
              f"Screenshot: {shot}\nClicking \"Convert to Bcc\"...")
        actions.click(tb, "convert")
        tb.sink.wait_for(SUBJECT, timeout_s=60)
        time.sleep(0.5)
        report_sink(tb)
    return 0


if __name__ == "__main__":
    # SIGTERM (ctest timeout, kill) unwinds like Ctrl-C, so Thunderbird, Xvfb and the sink stop.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    sys.exit(main())
