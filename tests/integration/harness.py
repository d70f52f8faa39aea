"""Shared scaffolding for the integration cases: one simulator, a fresh
directory per case, a config writer, a runner for the real binary, and the
checks every case makes (no secret printed, one line per message).

The binary under test is $DDNSUPDATE_BIN (the Makefile sets it; the
sanitizer run points it at the ASan/UBSan build).
"""

import json
import os
import re
import shutil
import stat
import subprocess
import sys
import tempfile
import time
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

from simulator import Simulator  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(HERE))
BIN = os.environ.get("DDNSUPDATE_BIN", os.path.join(ROOT, "ddnsupdate"))
# make check-secrets: every run also gets -v, stderr is not compared, and
# no secret may appear in any output or in any file the program wrote
# other than the state file.
VERBOSE = os.environ.get("DDNSUPDATE_TEST_VERBOSE") == "1"
# make check-valgrind: every run goes through this command (split on
# white space), e.g. "valgrind --error-exitcode=99 ..."
WRAPPER = os.environ.get("DDNSUPDATE_WRAPPER", "").split()
USER = "jdoe"
KEY = "0123456789abcdef0123456789abcdef"
OLD = "198.51.100.4"        # what the live record holds at the start
NEW = "81.2.69.160"         # what the echo services answer
RUN_TIMEOUT = 60            # seconds; no case comes near it
# CONTRACT.md 3: the line that says a failing record works again
RECOVERED = (r"^home\.example\.com A: works again \(failing since "
             r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ\)$")

_sim = None
_simdir = None


def simulator():
    """The one simulator of the test run, started on first use."""
    global _sim, _simdir
    if _sim is None:
        _simdir = tempfile.mkdtemp(prefix="ddns-sim-")
        _sim = Simulator(_simdir, ipv6=True)
        # runs as another user (setpriv) read the CA too
        os.chmod(_simdir, 0o755)
        os.chmod(_sim.ca_file, 0o644)
    return _sim


def stop_simulator():
    global _sim
    if _sim is not None:
        _sim.stop()
        shutil.rmtree(_simdir, ignore_errors=True)
        _sim = None


class Result:
    def __init__(self, rc, out, err, seconds):
        self.rc, self.out, self.err, self.seconds = rc, out, err, seconds

    def __repr__(self):
        return (f"rc={self.rc} ({self.seconds:.2f} s)\n--- stdout\n"
                f"{self.out}--- stderr\n{self.err}")


class Case(unittest.TestCase):
    """A zone example.com holding home.example.com A 198.51.100.4, two echo
    sources answering 81.2.69.160, and a config that points at them."""

    maxDiff = None
    run_prefix = []     # argv before the binary: nsenter into a namespace

    def make_simulator(self):
        """The simulator of this case; test_sources.py has its own."""
        return simulator()

    def setUp(self):
        self.sim = self.make_simulator()
        self.sim.reset()
        self.dir = tempfile.mkdtemp(prefix="ddns-case-")
        self.addCleanup(shutil.rmtree, self.dir, True)
        self.cache = os.path.join(self.dir, "cache.json")
        self.state_files = {self.cache}     # may hold the token
        self.inputs = set()
        self.seen_tokens = set()
        self.addCleanup(self.check_files_hold_no_secret)
        self.keyfile = os.path.join(self.dir, "api_key")
        self.write(self.keyfile, KEY + "\n", 0o600)
        self.zone = self.sim.add_zone("example.com")
        self.rec = self.sim.add_record(self.zone, "home.example.com", "A",
                                       OLD, ttl=300)
        self.sim.set_echo("a", NEW + "\n")
        self.sim.set_echo("b", NEW + "\n")
        self.conf = self.config()

    # ------------------------------------------------------------ files

    def write(self, path, text, mode=0o600):
        with open(path, "w") as f:
            f.write(text)
        os.chmod(path, mode)
        if path != self.cache:
            self.inputs.add(path)
        return path

    def config(self, records=None, mode=0o600, name="config.json", **keys):
        """Writes a full-form config; keys override or add top-level keys
        (a value of None removes the key)."""
        doc = {
            "username": USER,
            "api_key_file": self.keyfile,
            "identity_url": self.sim.identity_url,
            "ca_file": self.sim.ca_file,
            "ip_sources": {"ipv4": [self.sim.echo_url("a"),
                                    self.sim.echo_url("b")]},
            "cache_file": self.cache,
            "timeout": 5,
            "records": records if records is not None else
            [{"name": "home.example.com", "type": "A", "ttl": 300}],
        }
        for k, v in keys.items():
            if v is None:
                doc.pop(k, None)
            else:
                doc[k] = v
        path = os.path.join(self.dir, name)
        return self.write(path, json.dumps(doc, indent=2), mode)

    def state(self):
        with open(self.cache) as f:
            return json.load(f)

    def write_state(self, doc):
        self.write(self.cache, json.dumps(doc), 0o600)

    def give_to(self, uid):
        """Makes the case's directory and every file in it uid's, as a
        service user's own would be."""
        for top, dirs, files in os.walk(self.dir):
            for name in [top, *(os.path.join(top, n) for n in files)]:
                os.chown(name, uid, uid)

    def fresh_state(self):
        """Forgets the state, as before a first run (a table of failures
        in one case: a line printed by the previous run is held back)."""
        if os.path.exists(self.cache):
            os.unlink(self.cache)

    # ------------------------------------------------------------ runs

    def run_ddns(self, *args, conf=None, env=None, timeout=RUN_TIMEOUT,
                 clear_log=True, user=None, prefix=()):
        """Runs the binary with -c conf; returns a Result.  Clears the
        simulator's log first so that each run's requests stand alone.
        user: a uid to run as (setpriv, as a service user would); prefix:
        a command to run it under (faketime, unshare, ...)."""
        if clear_log:
            self.sim.clear_log()
        e = {k: v for k, v in os.environ.items()
             if k not in ("DDNSUPDATE_API_KEY", "CREDENTIALS_DIRECTORY",
                          "STATE_DIRECTORY", "DDNSUPDATE_CONFIG")}
        e.update(env or {})
        if VERBOSE and not {"-q", "--quiet", "-V", "-h"} & set(args):
            args = ("-v", *args)
        if user is not None:
            prefix = ["setpriv", f"--reuid={user}", f"--regid={user}",
                      "--clear-groups", "--", *prefix]
        argv = [*self.run_prefix, *prefix, *WRAPPER, BIN, "-c",
                conf or self.conf, *args]
        t0 = time.monotonic()
        p = subprocess.run(argv, capture_output=True, text=True, env=e,
                           timeout=timeout, stdin=subprocess.DEVNULL)
        res = Result(p.returncode, p.stdout, p.stderr,
                     time.monotonic() - t0)
        self.check_output_hygiene(res)
        return res

    def check_output_hygiene(self, res):
        """What every run must show: no secret anywhere, and every stderr
        line starting with "ddnsupdate: " (one line per message)."""
        self.seen_tokens |= set(self.sim.tokens)
        for s in [KEY, *self.seen_tokens]:
            self.assertNotIn(s, res.out + res.err, "a secret was printed")
        for line in res.err.splitlines():
            if line.startswith("usage:") or line.startswith("       ddns") \
                    or line.startswith("                  ["):
                continue
            if line.startswith("==") or "runtime error" in line:
                self.fail(f"sanitizer report:\n{res.err}")
            self.assertTrue(line.startswith("ddnsupdate: "),
                            f"stray stderr line {line!r}\n{res}")

    def check_files_hold_no_secret(self):
        """No file the program wrote, but the state file, holds a secret."""
        for top, dirs, files in os.walk(self.dir):
            for name in files:
                path = os.path.join(top, name)
                if path in self.inputs or path in self.state_files or \
                        not stat.S_ISREG(os.lstat(path).st_mode):
                    continue    # a FIFO a case made would block
                with open(path, "rb") as f:
                    data = f.read()
                for s in [KEY, *self.seen_tokens]:
                    self.assertNotIn(s.encode(), data,
                                     f"a secret was written to {path}")

    # ------------------------------------------------------------ checks

    def assertRun(self, res, rc, out=None, err=None, out_re=None,
                  err_re=None):
        """Exit status; stdout/stderr equal to out/err, or searched by the
        regular expressions out_re/err_re (multi-line mode)."""
        self.assertEqual(res.rc, rc, res)
        checks = [(res.out, out, out_re, "stdout")]
        if not VERBOSE:
            checks.append((res.err, err, err_re, "stderr"))
        for got, want, pattern, what in checks:
            if want is not None:
                self.assertEqual(got, want, f"{what}\n{res}")
            if pattern is not None:
                self.assertRegex(got, re.compile(pattern, re.M),
                                 f"{what}\n{res}")

    def assertOneMessage(self, res):
        """Exactly one line on stderr (at -v, progress lines come too)."""
        lines = res.err.splitlines()
        if VERBOSE:
            self.assertGreaterEqual(len(lines), 1, res)
        else:
            self.assertEqual(len(lines), 1, res)

    def calls(self):
        """The Rackspace requests of the last run as "METHOD path" lines
        (query kept), for golden comparisons."""
        return [f"{e['method']} {e['url_path']}"
                for e in self.sim.rackspace_requests()]

    def echo_calls(self):
        return [e for e in self.sim.requests() if
                e["path"].startswith("/echo/")]

    def live(self, rec=None):
        return self.sim.record(self.zone, rec or self.rec)

    def first_run(self):
        """A completed first run: the record holds NEW, the state agrees."""
        res = self.run_ddns()
        self.assertRun(res, 0)
        self.assertEqual(self.live()["data"], NEW)
        return res

    def expire_token(self, seconds_left):
        doc = self.state()
        t = time.gmtime(time.time() + seconds_left)
        doc["auth"]["expires"] = time.strftime("%Y-%m-%dT%H:%M:%SZ", t)
        self.write_state(doc)

    def dns(self, path):
        return "/v1.0/123456" + path


def mode_of(path):
    return stat.S_IMODE(os.stat(path).st_mode)
