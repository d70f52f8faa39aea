#!/usr/bin/env python3
"""Runs every integration case (test_*.py here) against $DDNSUPDATE_BIN and
ends with one line "integration: N passed, N failed".

Usage: run_tests.py [-k substring] [module ...]
"""

import argparse
import os
import sys
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import harness  # noqa: E402


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("-k", dest="pattern", action="append",
                    help="only cases whose name holds this")
    ap.add_argument("modules", nargs="*")
    args = ap.parse_args()
    if not os.access(harness.BIN, os.X_OK):
        sys.exit(f"run_tests.py: no binary at {harness.BIN}")
    loader = unittest.TestLoader()
    if args.pattern:
        loader.testNamePatterns = [f"*{p}*" for p in args.pattern]
    if args.modules:
        suite = loader.loadTestsFromNames(args.modules)
    else:
        suite = loader.discover(HERE, pattern="test_*.py", top_level_dir=HERE)
    runner = unittest.TextTestRunner(verbosity=2, stream=sys.stdout)
    try:
        result = runner.run(suite)
    finally:
        harness.stop_simulator()
    failed = len(result.failures) + len(result.errors)
    passed = result.testsRun - failed - len(result.skipped)
    print(f"integration: {passed} passed, {failed} failed")
    # a skipped case is a defect here: none may be skipped
    return 0 if failed == 0 and not result.skipped and result.testsRun else 1


if __name__ == "__main__":
    sys.exit(main())
