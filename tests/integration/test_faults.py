"""Faults and bad input (CONTRACT.md 2, 3, 5, 6): rate limits, retries,
bounded time, concurrency, bad echo answers and bad API answers.  Every
case ends with the contract's exit status and one message line, never a
crash, a wrong address published, or a state that lies.

The table of cases and their expected statuses is tests/README.md."""

import json
import os
import subprocess
import time

from harness import RECOVERED, BIN, Case, NEW, OLD

LINE = f"home.example.com A {OLD} -> {NEW}\n"
OVERLIMIT = {"overLimit": {"code": 413, "message": "OverLimit Retry...",
                           "details": "Error Details..."}}
ABSOLUTE = {"message": "Your account is currently over the limit so your "
            "request could not be processed.", "code": 413,
            "details": "Limit of 500 records per domain has been reached."}


def epoch(iso):
    return time.mktime(time.strptime(iso, "%Y-%m-%dT%H:%M:%SZ")) - \
        time.timezone


class RateLimits(Case):
    def backoff_left(self):
        return epoch(self.state()["backoff_until"]) - time.time()

    def test_413_with_retry_after_saves_the_wait_and_the_next_run_waits(self):
        self.sim.add_fault("PUT", "/records/", 413, body=OVERLIMIT,
                           headers={"Retry-After": "120"})
        res = self.run_ddns()
        self.assertRun(res, 75, out="", err_re=r"HTTP 413: rate limited .*"
                       r"OverLimit Retry.*not asking Rackspace again before "
                       r"\d{4}-")
        self.assertOneMessage(res)
        self.assertEqual(len(self.sim.requests("PUT")), 1, "retried a 413")
        self.assertTrue(110 <= self.backoff_left() <= 121,
                        self.backoff_left())
        self.assertNotEqual(self.state()["records"][0].get("data"), NEW)
        # the next run still asks the echo service, but nothing else
        res = self.run_ddns()
        self.assertRun(res, 75, out="", err_re=r"^ddnsupdate: Rackspace "
                       r"asked to wait \(rate limit\) until \d{4}-.*Z; not "
                       r"asking it before then\n\Z")
        self.assertEqual(self.sim.rackspace_requests(), [])
        self.assertEqual(len(self.echo_calls()), 1)
        # once the wait is over, the change goes through
        doc = self.state()
        doc["backoff_until"] = "2000-01-01T00:00:00Z"
        self.write_state(doc)
        res = self.run_ddns()
        self.assertRun(res, 0, err="", out_re=RECOVERED)
        self.assertEqual(res.out.splitlines()[0] + "\n", LINE)
        self.assertNotIn("backoff_until", self.state())

    def test_a_run_on_the_fast_path_ignores_a_saved_wait(self):
        self.first_run()
        doc = self.state()
        doc["backoff_until"] = time.strftime(
            "%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() + 600))
        self.write_state(doc)
        res = self.run_ddns()
        self.assertRun(res, 0, out="", err="")

    def test_wait_forms(self):
        future = time.strftime("%Y-%m-%dT%H:%M:%SZ",
                               time.gmtime(time.time() + 300))
        http_date = time.strftime("%a, %d %b %Y %H:%M:%S GMT",
                                  time.gmtime(time.time() + 300))
        cases = [
            ("429 Retry-After HTTP date", 429, "", {"Retry-After":
                                                    http_date}, 300),
            ("413 Reply-After ISO 8601", 413, OVERLIMIT,
             {"Reply-After": future}, 300),
            ("413 body retryAfter ISO 8601", 413, {"overLimit": {
                "code": 413, "message": "OverLimit Retry...",
                "retryAfter": future}}, None, 300),
            ("413 body retryAfter seconds", 413, {"overLimit": {
                "code": 413, "message": "This request was rate-limited.",
                "retryAfter": "54"}}, None, 54),
            ("413 nothing that parses", 413, OVERLIMIT,
             {"Retry-After": "soon"}, 60),
            ("429 no body at all", 429, "", None, 60),
            ("413 absurd wait", 413, OVERLIMIT,
             {"Retry-After": "999999999"}, 3600),
        ]
        for what, status, body, headers, wait in cases:
            with self.subTest(what):
                if os.path.exists(self.cache):
                    os.unlink(self.cache)
                self.sim.add_fault("GET", r"/domains$", status, body=body,
                                   headers=headers)
                res = self.run_ddns()
                self.assertRun(res, 75, out="", err_re=r"rate limited")
                self.assertAlmostEqual(self.backoff_left(), wait, delta=10)

    def test_identity_rate_limit_is_75_and_saved(self):
        self.sim.add_fault("POST", "/tokens$", 413, body=OVERLIMIT,
                           headers={"Retry-After": "30"})
        res = self.run_ddns()
        self.assertRun(res, 75, out="", err_re=r"POST .*/tokens: HTTP 413: "
                       r"rate limited")
        self.assertEqual(len(self.sim.requests("POST")), 1)
        self.assertAlmostEqual(self.backoff_left(), 30, delta=5)

    def test_absolute_limit_is_a_refusal(self):
        self.sim.add_fault("PUT", "/records/", 413, body=ABSOLUTE)
        res = self.run_ddns()
        self.assertRun(res, 76, out="", err_re=r"HTTP 413: Your account is "
                       r"currently over the limit.*Limit of 500 records")
        self.assertNotIn("backoff_until", self.state())


class Retries(Case):
    def test_get_5xx_twice_then_success(self):
        self.sim.add_fault("GET", r"/domains$", 503, times=2, body={
            "message": "The DNS API is currently not available.",
            "code": 503})
        res = self.run_ddns()
        self.assertRun(res, 0, out=LINE, err="")
        self.assertEqual(len(self.sim.requests("GET", r"/domains$")), 3)
        gaps = [b["time"] - a["time"] for a, b in
                zip(*[iter(self.sim.requests("GET", r"/domains$"))] * 2)]
        self.assertTrue(all(g >= 0.9 for g in gaps), gaps)

    def test_put_5xx_three_times_is_75(self):
        self.sim.add_fault("PUT", "/records/", 500, times=3, body={
            "message": "Main fault", "code": 500, "details": "Error Details"})
        res = self.run_ddns()
        self.assertRun(res, 75, out="", err_re=r"PUT .*: HTTP 500: Main "
                       r"fault: Error Details")
        self.assertOneMessage(res)
        self.assertEqual(len(self.sim.requests("PUT")), 3)
        self.assertEqual(self.live()["data"], OLD)
        self.assertNotEqual(self.state()["records"][0].get("data"), NEW)

    def test_connection_closed_without_answer_is_retried(self):
        self.sim.add_fault("GET", r"/records$", 0, close=True)
        res = self.run_ddns()
        self.assertRun(res, 0, out=LINE, err="")
        self.assertEqual(len(self.sim.requests("GET", r"/records$")), 2)

    def test_post_is_never_repeated(self):
        self.sim.add_fault("POST", "/tokens$", 503, body={
            "serviceUnavailable": {"code": 503, "message": "Try later"}})
        res = self.run_ddns()
        self.assertRun(res, 75, out="", err_re=r"HTTP 503: Try later")
        self.assertEqual(len(self.sim.requests("POST")), 1)

    def test_failed_create_is_looked_up_before_posting_again(self):
        conf = self.config(records=[{"name": "new.example.com"}],
                           create_missing=True)
        self.sim.add_fault("POST", "/records$", 0, close=True)
        res = self.run_ddns(conf=conf)
        self.assertRun(res, 75, out="")
        self.assertEqual(len(self.sim.requests("POST", "/records$")), 1)
        res = self.run_ddns(conf=conf)
        self.assertRun(res, 0, err="", out_re=r"\Anew.example.com A \(none\) "
                       rf"-> {NEW}\nnew.example.com A: works again \(failing "
                       r"since \S+\)\n\Z")
        calls = self.calls()
        search = [i for i, c in enumerate(calls) if "records?type=A" in c]
        post = [i for i, c in enumerate(calls) if c.startswith("POST")
                and c.endswith("/records")]
        self.assertTrue(search and post and search[0] < post[0], calls)


class BoundedTime(Case):
    def test_hanging_echo_source_is_cut_at_the_timeout(self):
        self.sim.set_echo("a", NEW, delay=30)
        conf = self.config(timeout=1)
        res = self.run_ddns(conf=conf)
        self.assertRun(res, 0, out=LINE, err="")
        self.assertLess(res.seconds, 10)

    def test_trickling_echo_answer_is_cut_at_the_timeout(self):
        self.sim.set_echo("a", "81.2.69.160\n", trickle=0.5)
        self.sim.set_echo("b", "81.2.69.160\n", trickle=0.5)
        conf = self.config(timeout=2)
        res = self.run_ddns(conf=conf)
        self.assertRun(res, 75, out="", err_re=r"no IPv4 address could be "
                       r"detected.*(Timeout|timed out)")
        self.assertLess(res.seconds, 8)

    def test_hanging_api_ends_within_the_bound(self):
        # three attempts of `timeout` plus 1 s and 2 s between them
        self.sim.add_fault("GET", r"/domains$", 200, delay=30, times=None)
        conf = self.config(timeout=1)
        res = self.run_ddns(conf=conf)
        # the record first, then the URL without its query string
        self.assertRun(res, 75, out="", err_re=r"^ddnsupdate: home\.example"
                       r"\.com A: GET https://[^ ?]*/domains: .*(Timeout|"
                       r"timed out)")
        self.assertEqual(len(self.sim.requests("GET", r"/domains$")), 3)
        self.assertLess(res.seconds, 3 * 1 + 3 + 4)

    def test_connection_closed_every_time_is_75(self):
        self.sim.add_fault("PUT", "/records/", 0, close=True, times=None)
        res = self.run_ddns()
        self.assertRun(res, 75, out="", err_re=r"PUT .*: ")
        # three attempts; libcurl may resend a PUT once more on its own
        # when a reused connection dies before any answer (idempotent)
        self.assertIn(len(self.sim.requests("PUT")), (3, 4))
        self.assertEqual(self.live()["data"], OLD)


class Concurrency(Case):
    def test_second_run_while_the_first_waits_on_a_job(self):
        self.sim.job_default = {"initial": "RUNNING", "polls": 1000,
                                "final": "COMPLETED", "running_code": 200,
                                "error": None}
        conf = self.config(job_timeout=4)
        first = subprocess.Popen([BIN, "-c", conf], stdout=subprocess.PIPE,
                                 stderr=subprocess.PIPE, text=True)
        try:
            deadline = time.monotonic() + 10
            while not self.sim.requests("GET", "/status/"):
                self.assertLess(time.monotonic(), deadline,
                                "the first run never polled")
                time.sleep(0.05)
            before = len(self.sim.requests())
            res = self.run_ddns(conf=conf, clear_log=False)
            self.assertRun(res, 75, out="", err_re=r"another ddnsupdate run "
                           r"holds .*cache.json.lock")
            self.assertLess(res.seconds, 1)
            new = self.sim.requests()[before:]
            self.assertTrue(all("/status/" in e["path"] for e in new),
                            [e["path"] for e in new])
        finally:
            out, err = first.communicate(timeout=30)
        self.assertEqual(first.returncode, 75, err)


class BadEchoAnswers(Case):
    def test_each_bad_answer_rejects_the_source(self):
        bad = [
            ("html", "<!DOCTYPE html><html><body>error</body></html>", {}),
            ("empty", "", {}),
            ("two addresses", "81.2.69.160 81.2.69.161\n", {}),
            ("two lines", "81.2.69.160\n81.2.69.161\n", {}),
            ("wrong family", "2001:4860:4860::8888\n", {}),
            ("private", "192.168.1.10\n", {}),
            ("cgnat", "100.64.0.1\n", {}),
            ("loopback", "127.0.0.1\n", {}),
            ("link-local", "169.254.1.1\n", {}),
            ("documentation", "203.0.113.7\n", {}),
            ("benchmarking", "198.18.0.1\n", {}),
            ("multicast", "224.0.0.1\n", {}),
            ("reserved", "240.0.0.1\n", {}),
            ("1 MiB", "8" * (1 << 20), {}),
            ("redirect", "", {"status": 302, "headers": {
                "Location": "https://127.0.0.1/"}}),
            ("error status", "81.2.69.160\n", {"status": 500}),
            ("not found", "81.2.69.160\n", {"status": 404}),
        ]
        for what, body, kw in bad:
            with self.subTest(what):
                self.fresh_state()  # else a repeated line is held back
                self.sim.set_echo("a", body, **kw)
                conf = self.config(name="one-source.json", ip_sources={
                    "ipv4": [self.sim.echo_url("a")]})
                res = self.run_ddns(conf=conf)
                self.assertRun(res, 75, out="", err_re=r"^ddnsupdate: no "
                               r"IPv4 address could be detected")
                self.assertOneMessage(res)
                self.assertEqual(self.sim.rackspace_requests(), [])
                self.assertEqual(self.live()["data"], OLD)
                # with a good second source, the run succeeds
                self.sim.set_echo("b", NEW + "\n")
                res = self.run_ddns("-n")
                self.assertEqual(res.rc, 0, res)

    def test_nonglobal_is_accepted_with_allow_nonglobal(self):
        self.sim.set_echo("a", "192.168.1.10\n")
        conf = self.config(allow_nonglobal=True)
        res = self.run_ddns(conf=conf)
        self.assertRun(res, 0, out=f"home.example.com A {OLD} -> "
                       "192.168.1.10\n", err="")


class BadApiAnswers(Case):
    def test_identity_answers(self):
        token_doc = {"access": {"token": {
            "id": "x" * (100 * 1024), "expires": "2099-01-01T00:00:00Z",
            "tenant": {"id": "123456"}}, "serviceCatalog": []}}
        cases = [
            ("not JSON", 200, "<html>oops</html>", 76),
            ("JSON of the wrong shape", 200, {"access": []}, 76),
            ("null token id", 200, {"access": {"token": {
                "id": None, "expires": "2099-01-01T00:00:00Z",
                "tenant": {"id": "1"}}}}, 76),
            ("missing expires", 200, {"access": {"token": {
                "id": "abc", "tenant": {"id": "1"}}}}, 76),
            ("400 wrapped fault", 400, {"badRequest": {
                "code": 400, "message": "Invalid request body"}}, 76),
            ("403 disabled user", 403, {"forbidden": {
                "code": 403, "message": "User disabled"}}, 77),
            ("unexpected 302", 302, "", 76),
        ]
        for what, status, body, rc in cases:
            with self.subTest(what):
                self.fresh_state()  # else a repeated line is held back
                self.sim.add_fault("POST", "/tokens$", status, body=body)
                res = self.run_ddns()
                self.assertRun(res, rc, out="")
                self.assertOneMessage(res)
                self.assertEqual(self.sim.requests("PUT"), [])
        # a 100 KiB token is not a crash: it is used (and never printed)
        with self.subTest("100 KiB token"):
            self.sim.add_fault("POST", "/tokens$", 200, body=token_doc)
            conf = self.config(dns_url=self.sim.dns_url)
            res = self.run_ddns(conf=conf)
            self.assertIn(res.rc, (75, 76, 77), res)
            self.assertNotIn("x" * 64, res.out + res.err)

    def test_dns_answers(self):
        cases = [
            ("zone search not JSON", "GET", r"/domains$", 200, "<html>", 76),
            ("zone search of the wrong shape", "GET", r"/domains$", 200,
             {"domains": "none"}, 76),
            ("zone without id", "GET", r"/domains$", 200,
             {"domains": [{"name": "example.com"}]}, 76),
            ("record search of the wrong shape", "GET", r"/records$", 200,
             {"records": {}}, 76),
            ("record without data", "GET", r"/records$", 200,
             {"records": [{"name": "home.example.com", "type": "A",
                           "id": "A-1", "data": None}]}, 76),
            ("PUT answered 200 without a job", "PUT", "/records/", 200,
             {"hello": "world"}, 76),
            ("PUT answered 204", "PUT", "/records/", 204, "", 76),
            ("PUT validation errors", "PUT", "/records/", 400,
             {"validationErrors": {"messages": [
                 "Record TTL is required and must be greater than or "
                 "equal to 300"]}, "code": 400}, 76),
            ("PUT 409", "PUT", "/records/", 409, {
                "message": "The object already exists.", "code": 409}, 76),
            ("PUT 403", "PUT", "/records/", 403, "", 77),
            ("job poll 404", "GET", "/status/", 404, {
                "message": "Object not Found.", "code": 404}, 76),
            ("job poll not JSON", "GET", "/status/", 200, "<html>", 76),
        ]
        for what, method, path, status, body, rc in cases:
            with self.subTest(what):
                if os.path.exists(self.cache):
                    os.unlink(self.cache)
                self.sim.add_fault(method, path, status, body=body)
                res = self.run_ddns()
                self.assertRun(res, rc, out="")
                self.assertOneMessage(res)
                self.assertEqual(self.live()["data"], OLD)
                self.sim.revoke_tokens()

    def test_unknown_job_status_is_waited_for_until_job_timeout(self):
        self.sim.job_default = {"initial": "RUNNING", "polls": 0,
                                "final": "WEIRD", "running_code": 200,
                                "error": None}
        conf = self.config(job_timeout=2)
        res = self.run_ddns(conf=conf)
        self.assertRun(res, 75, out="", err_re=r"still WEIRD after "
                       r"job_timeout 2 s")

    def test_empty_search_as_404_means_no_record(self):
        self.sim.empty_records_404 = True
        conf = self.config(records=[{"name": "other.example.com"}])
        res = self.run_ddns(conf=conf)
        self.assertRun(res, 76, out="", err_re=r"other.example.com A: no "
                       r"such record in zone example.com; set "
                       r"\"create_missing\"")

    def test_round_robin_is_refused_naming_the_ids(self):
        second = self.sim.add_record(self.zone, "home.example.com", "A",
                                     "198.51.100.5")
        res = self.run_ddns()
        self.assertRun(res, 76, out="", err_re=r"2 records of that name and "
                       rf"type \(ids {self.rec}, {second}\)")
        conf = self.config(records=[{"name": "home.example.com",
                                     "record_id": second}])
        res = self.run_ddns(conf=conf)
        self.assertRun(res, 0, err="", out_re=RECOVERED)
        self.assertEqual(res.out.splitlines()[0], "home.example.com A "
                         f"198.51.100.5 -> {NEW}")
        self.assertEqual(self.live()["data"], OLD)
        self.assertEqual(self.live(second)["data"], NEW)
