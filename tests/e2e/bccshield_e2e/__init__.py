"""End-to-end harness for BccShield in a real Thunderbird (Marionette, Xvfb, SMTP sink)."""
