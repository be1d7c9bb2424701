#!/usr/bin/python3
"""CTest entry for test_system_install: exit 77 (skipped) unless BCCSHIELD_SYSTEM_TESTS=1."""
import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
if os.environ.get("BCCSHIELD_SYSTEM_TESTS") != "1":
    print("skipped: set BCCSHIELD_SYSTEM_TESTS=1 to install the .deb for real (root, changes /etc)")
    sys.exit(77)
result = unittest.main(module="test_system_install", argv=[sys.argv[0], "-v"], exit=False).result
sys.exit(0 if result.wasSuccessful() and result.testsRun > 0 else 1)
