"""Living with it (CONTRACT.md v2, issues 10 and 11): repeated failures
told once and their end told too, --status, ping_url, -w, the journal's
priorities, the key order, ipv6_suffix and --check-config's state check.
"""

import fcntl
import json
import os
import subprocess
import threading
import time

from harness import BIN, KEY, NEW, OLD, Case

LINE = f"home.example.com A {OLD} -> {NEW}\n"
ISO = r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ"


class RepeatedFailures(Case):
    """CONTRACT.md 3: a failure printed by the previous run is printed
    again only once report_interval has passed; its end is said once."""

    def break_sources(self):
        self.sim.set_echo("a", "oops", status=503)
        self.sim.set_echo("b", "oops", status=503)

    def test_printed_once_then_held_back_then_the_recovery(self):
        self.break_sources()
        first = self.run_ddns()
        self.assertRun(first, 75, out="", err_re=r"^ddnsupdate: no IPv4 "
                       r"address could be detected")
        self.assertOneMessage(first)
        for _ in range(2):
            res = self.run_ddns()
            self.assertRun(res, 75, out="", err="")    # same status, silent
        res = self.run_ddns("-v")
        line = [l for l in first.err.splitlines()
                if "no IPv4 address could be detected" in l]
        self.assertEqual(len(line), 1, first)
        self.assertIn(line[0], res.err, "-v prints it every time")
        st = self.state()
        self.assertEqual(st["detect"]["ipv4"]["failures"], 4)
        # --status tells how long it has been going on
        res = self.run_ddns("--status")
        self.assertRun(res, 0, err="", out_re=rf"^IPv4: no address detected "
                       rf"since {ISO} \(4 runs\)$")
        # the sources work again: the change, then one recovery line
        self.sim.set_echo("a", NEW + "\n")
        self.sim.set_echo("b", NEW + "\n")
        res = self.run_ddns()
        self.assertRun(res, 0, err="", out=LINE + "IPv4: an address is "
                       f"detected again (none since {st['detect']['ipv4']['failing_since']})\n")
        self.assertNotIn("detect", self.state())
        self.assertNotIn("reported", self.state())
        # and a new failure is printed at once
        self.break_sources()
        res = self.run_ddns("-f")
        self.assertEqual(res.rc, 75, res)
        self.assertOneMessage(res)

    def test_printed_again_once_report_interval_has_passed(self):
        self.break_sources()
        conf = self.config(report_interval=3600)
        res = self.run_ddns(conf=conf)
        self.assertOneMessage(res)
        self.assertRun(self.run_ddns(conf=conf), 75, err="")
        doc = self.state()
        doc["reported"][0]["when"] = time.strftime(
            "%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() - 3601))
        self.write_state(doc)
        res = self.run_ddns(conf=conf)
        self.assertOneMessage(res)
        self.assertRun(self.run_ddns(conf=conf), 75, err="")

    def test_report_interval_0_prints_every_run(self):
        self.break_sources()
        conf = self.config(report_interval=0)
        for _ in range(3):
            res = self.run_ddns(conf=conf)
            self.assertEqual(res.rc, 75, res)
            self.assertOneMessage(res)

    def test_a_record_that_works_again_says_since_when(self):
        self.sim.job_plan = [{"initial": "ERROR", "polls": 0,
                              "final": "ERROR", "running_code": 200,
                              "error": {"message": "Bad Request",
                                        "code": 400, "details": "No."}}] * 2
        res = self.run_ddns()
        self.assertRun(res, 76, out="", err_re=r"refused the change: No")
        res = self.run_ddns()
        self.assertRun(res, 76, out="", err="")
        since = self.state()["records"][0]["failing_since"]
        self.assertEqual(self.state()["records"][0]["failures"], 2)
        res = self.run_ddns()
        self.assertRun(res, 0, err="", out=LINE + "home.example.com A: works "
                       f"again (failing since {since})\n")

    def test_the_same_failure_of_several_records_is_held_back_whole(self):
        for name in ("a", "b"):
            self.sim.add_record(self.zone, f"{name}.example.com", "A", OLD)
        conf = self.config(records=[{"name": "home.example.com"},
                                    {"name": "a.example.com"},
                                    {"name": "b.example.com"}])
        self.sim.add_fault("GET", r"/domains$", 503, times=None)
        res = self.run_ddns(conf=conf)
        self.assertEqual(res.rc, 75, res)
        self.assertTrue(res.err, res)
        res = self.run_ddns(conf=conf)
        self.assertRun(res, 75, out="", err="")

    def test_a_refused_login_is_asked_and_said_once(self):
        self.write(self.keyfile, "a-wrong-key\n", 0o600)
        conf = self.config(records=[{"name": "home.example.com"},
                                    {"name": "a.example.com"},
                                    {"name": "b.example.com"}])
        res = self.run_ddns(conf=conf)
        self.assertRun(res, 77, out="", err_re="Username or api key is "
                       "invalid")
        self.assertOneMessage(res)
        self.assertEqual(len(self.sim.requests("POST", "/tokens$")), 1)

    def test_quiet_silences_the_recovery_line(self):
        self.break_sources()
        self.run_ddns()
        self.sim.set_echo("a", NEW + "\n")
        self.sim.set_echo("b", NEW + "\n")
        res = self.run_ddns("-q")
        self.assertRun(res, 0, out="", err="")


class Status(Case):
    """CONTRACT.md 1: --status prints what the state says, no network."""

    def test_after_a_change(self):
        conf = self.config(records=[
            {"name": "home.example.com", "type": "A", "ttl": 600},
            {"name": "home.example.com", "type": "AAAA"}],
            ip_sources={"ipv4": [self.sim.echo_url("a")],
                        "ipv6": [self.sim.echo_url("six", ipv6=True)]})
        self.sim.set_echo("six", "oops", status=500)
        self.run_ddns(conf=conf)
        st = self.state()
        rec = st["records"][0]
        res = self.run_ddns("--status", conf=conf)
        self.assertRun(res, 0, err="", out=(
            f"state file {self.cache}\n"
            f"home.example.com A: {NEW}, ttl 600; changed {rec['changed']}, "
            f"verified {rec['verified']}\n"
            "home.example.com AAAA: not known yet (no run has published or "
            "read it)\n"
            f"IPv6: no address detected since "
            f"{st['detect']['ipv6']['failing_since']} (1 run)\n"
            f"token: expires {st['auth']['expires']}\n"))
        self.assertEqual(self.sim.requests(), [])
        self.assertNotIn(st["auth"]["token"], res.out)

    def test_needs_no_key_and_no_lock_and_writes_nothing(self):
        self.first_run()
        before = open(self.cache).read(), os.stat(self.cache).st_mtime_ns
        conf = self.config(api_key_file=None, name="nokey.json")
        with open(self.cache + ".lock") as held:
            fcntl.flock(held, fcntl.LOCK_EX)
            res = self.run_ddns("--status", conf=conf)
        self.assertRun(res, 0, err="", out_re=rf"^home.example.com A: {NEW}")
        self.assertEqual((open(self.cache).read(),
                          os.stat(self.cache).st_mtime_ns), before)
        self.assertEqual(self.sim.requests(), [])

    def test_a_failure_and_a_rate_limit_wait(self):
        self.first_run()
        self.sim.set_echo("a", "81.2.69.161\n")
        self.sim.set_echo("b", "81.2.69.161\n")
        self.sim.add_fault("PUT", "/records/", 413, headers={
            "Retry-After": "600"}, body={"overLimit": {"code": 413,
                                                      "message": "slow"}})
        self.assertEqual(self.run_ddns().rc, 75)
        res = self.run_ddns("--status")
        self.assertRun(res, 0, err="", out_re=(
            rf"home.example.com A: failing since {ISO} \(1 run\)\n"
            rf"token: expires {ISO}\n"
            rf"rate limit: no request to Rackspace before {ISO}\n\Z"))

    def test_a_first_run_state(self):
        res = self.run_ddns("--status")
        self.assertRun(res, 0, err="", out=(
            f"state file {self.cache}\n"
            "home.example.com A: not known yet (no run has published or "
            "read it)\n"
            "token: none (the next run that needs Rackspace "
            "authenticates)\n"))


class Ping(Case):
    """CONTRACT.md 4: ping_url, GET {ping_url}/{exit status}, once."""

    def pings(self):
        return [e["path"] for e in self.sim.requests("GET", "^/ping/")]

    def test_each_run_pings_its_exit_status(self):
        conf = self.config(ping_url=self.sim.ping_url())
        self.assertRun(self.run_ddns(conf=conf), 0, out=LINE, err="")
        self.assertEqual(self.pings(), ["/ping/check/0"])
        # the fast path: the echo and the ping, nothing to Rackspace
        self.assertRun(self.run_ddns(conf=conf), 0, out="", err="")
        self.assertEqual(self.pings(), ["/ping/check/0"])
        self.assertEqual(self.sim.rackspace_requests(), [])
        self.sim.set_echo("a", "oops", status=503)
        self.sim.set_echo("b", "oops", status=503)
        self.assertEqual(self.run_ddns(conf=conf).rc, 75)
        self.assertEqual(self.pings(), ["/ping/check/75"])

    def test_a_failed_ping_is_one_warning_and_changes_nothing(self):
        conf = self.config(ping_url=self.sim.ping_url())
        self.sim.add_fault("GET", "^/ping/", 500, times=None)
        res = self.run_ddns(conf=conf)
        self.assertRun(res, 0, out=LINE, err_re=r"^ddnsupdate: warning: "
                       r"ping_url: GET https://.*/ping/check/0: HTTP 500$")
        self.assertOneMessage(res)
        self.assertEqual(len(self.pings()), 1, "a ping is never retried")
        # the same warning is held back like any repeated failure
        res = self.run_ddns(conf=conf)
        self.assertRun(res, 0, out="", err="")
        self.assertEqual(len(self.pings()), 1)

    def test_an_unreachable_ping_url(self):
        conf = self.config(ping_url="http://127.0.0.1:1/ping/x")
        res = self.run_ddns(conf=conf)
        self.assertRun(res, 0, out=LINE, err_re=r"^ddnsupdate: warning: "
                       r"ping_url: GET http://127.0.0.1:1/ping/x/0: ")

    def test_no_ping_from_the_other_modes(self):
        conf = self.config(ping_url=self.sim.ping_url())
        self.run_ddns(conf=conf)
        for args in (("--check-config",), ("--status",), ("--detect",),
                     ("-n",)):
            with self.subTest(args[0]):
                self.run_ddns(*args, conf=conf)
                self.assertEqual(self.pings(), [])

    def test_no_ping_when_the_lock_is_held(self):
        conf = self.config(ping_url=self.sim.ping_url())
        open(self.cache + ".lock", "w").close()
        with open(self.cache + ".lock") as held:
            fcntl.flock(held, fcntl.LOCK_EX)
            self.assertEqual(self.run_ddns(conf=conf).rc, 75)
        self.assertEqual(self.pings(), [])


class Wait(Case):
    """CONTRACT.md 1: -w waits for a run that holds the lock."""

    def hold_lock(self, seconds):
        open(self.cache + ".lock", "w").close()
        held = open(self.cache + ".lock")
        fcntl.flock(held, fcntl.LOCK_EX)
        timer = threading.Timer(seconds, held.close)
        timer.start()
        self.addCleanup(timer.cancel)
        self.addCleanup(held.close)

    def test_wait_for_the_lock_then_run(self):
        self.hold_lock(1.5)
        res = self.run_ddns("-w", "20")
        self.assertRun(res, 0, out=LINE, err="")
        self.assertGreaterEqual(res.seconds, 1.0)

    def test_without_w_a_held_lock_is_75_at_once(self):
        self.hold_lock(5)
        res = self.run_ddns()
        self.assertRun(res, 75, out="", err_re="another ddnsupdate run holds")
        self.assertEqual(self.sim.requests(), [])

    def test_w_gives_up_after_its_seconds(self):
        self.hold_lock(10)
        res = self.run_ddns("-w", "1")
        self.assertRun(res, 75, out="", err_re=r"still holds .* after 1 s")
        self.assertEqual(self.sim.requests(), [])

    def test_w_out_of_range_is_a_usage_error(self):
        for bad in ("601", "-1", "ten", ""):
            with self.subTest(bad):
                res = self.run_ddns("-w", bad)
                self.assertRun(res, 64, out="", err_re="^ddnsupdate: -w")


class Journal(Case):
    """CONTRACT.md 3: lines written to the journal carry their priority."""

    def run_to_journal(self, *args):
        r, w = os.pipe()
        st = os.fstat(w)
        env = {k: v for k, v in os.environ.items()
               if k not in ("CREDENTIALS_DIRECTORY", "STATE_DIRECTORY")}
        env["JOURNAL_STREAM"] = f"{st.st_dev}:{st.st_ino}"
        p = subprocess.Popen([BIN, "-c", self.conf, *args], stdout=w,
                             stderr=w, stdin=subprocess.DEVNULL, env=env)
        os.close(w)
        with os.fdopen(r) as f:
            out = f.read()
        p.wait(timeout=60)
        return p.returncode, out

    def test_priorities(self):
        rc, out = self.run_to_journal()
        self.assertEqual((rc, out), (0, "<5>" + LINE))
        self.sim.set_echo("a", "oops", status=503)
        self.sim.set_echo("b", "oops", status=503)
        rc, out = self.run_to_journal("-v")
        self.assertEqual(rc, 75)
        lines = out.splitlines()
        self.assertTrue(lines)
        self.assertTrue(all(l[:3] in ("<7>", "<3>") for l in lines), out)
        self.assertRegex(out, r"(?m)^<3>ddnsupdate: no IPv4 address")


class KeyOrder(Case):
    """CONTRACT.md 4 (v2): the service's own credential wins."""

    def test_the_credential_wins_over_api_key_file(self):
        creds = os.path.join(self.dir, "creds")
        os.mkdir(creds, 0o700)
        self.write(os.path.join(creds, "api_key"), KEY + "\n", 0o440)
        self.write(self.keyfile, "a-wrong-key\n", 0o600)
        res = self.run_ddns(env={"CREDENTIALS_DIRECTORY": creds})
        self.assertRun(res, 0, out=LINE, err="")
        # without the credential, api_key_file's wrong key is used
        self.fresh_state()
        res = self.run_ddns("-f")
        self.assertRun(res, 77, out="", err_re="Username or api key is "
                       r"invalid; check username and the API key \(from "
                       r"api_key_file")


class Suffix(Case):
    """CONTRACT.md 4 (v2): ipv6_suffix, another host of the same /64."""

    def test_the_prefix_with_the_interface_identifier(self):
        rec = self.sim.add_record(self.zone, "nas.example.com", "AAAA",
                                  "2a02:1234:5:6::99")
        conf = self.config(records=[
            {"name": "home.example.com", "type": "AAAA"},
            {"name": "nas.example.com", "type": "AAAA",
             "ipv6_suffix": "::5054:ff:fe12:3456"}], create_missing=True)
        res = self.run_ddns("--ipv6", "2a02:1234:5:6:a:b:c:d", conf=conf)
        self.assertRun(res, 0, err="", out=(
            "home.example.com AAAA (none) -> 2a02:1234:5:6:a:b:c:d\n"
            "nas.example.com AAAA 2a02:1234:5:6::99 -> "
            "2a02:1234:5:6:5054:ff:fe12:3456\n"))
        self.assertEqual(self.sim.record(self.zone, rec)["data"],
                         "2a02:1234:5:6:5054:ff:fe12:3456")
        res = self.run_ddns("--ipv6", "2a02:1234:5:6:a:b:c:d", conf=conf)
        self.assertRun(res, 0, out="", err="")


class CheckConfig(Case):
    def test_a_state_directory_that_is_missing_is_73(self):
        conf = self.config(cache_file=os.path.join(self.dir, "no", "c.json"))
        res = self.run_ddns("--check-config", conf=conf)
        self.assertRun(res, 73, out="", err_re=r"cannot write the state "
                       r"file's directory .*/no: No such file")
        self.assertEqual(self.sim.requests(), [])

    def test_valid(self):
        res = self.run_ddns("--check-config")
        self.assertRun(res, 0, err="", out=f"{self.conf}: valid, 1 record\n")
