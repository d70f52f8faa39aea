"""The update cycle end to end (CONTRACT.md 3, 5, 6): first run, fast path,
address change, token life, dry run, the original script's forms, ids,
async jobs, authentication, echo sources.  Each case asserts the exit
status, the output, the requests the simulator received and the state."""

import json
import os
import re
import time

from harness import RECOVERED, Case, KEY, NEW, OLD, mode_of

LINE = f"home.example.com A {OLD} -> {NEW}\n"


class FirstRun(Case):
    def test_first_run_discovers_updates_and_saves(self):
        res = self.run_ddns()
        self.assertRun(res, 0, out=LINE, err="")
        self.assertEqual(self.calls(), [
            "POST /v2.0/tokens",
            "GET " + self.dns("/domains?name=example.com"),
            "GET " + self.dns(f"/domains/{self.zone}/records?type=A"
                              "&name=home.example.com"),
            "PUT " + self.dns(f"/domains/{self.zone}/records/{self.rec}"),
            # the default job answers RUNNING once before COMPLETED
            "GET " + self.dns("/status/") + self.sim.log[-2]["path"]
            .rsplit("/", 1)[1] + "?showDetails=true",
            "GET " + self.dns("/status/") + self.sim.log[-1]["path"]
            .rsplit("/", 1)[1] + "?showDetails=true",
        ])
        put = self.sim.requests("PUT")[0]
        self.assertEqual(put["json"], {"name": "home.example.com",
                                       "data": NEW, "ttl": 300})
        self.assertEqual(put["headers"]["content-type"], "application/json")
        auth = self.sim.requests("POST", "/tokens")[0]["json"]
        self.assertEqual(auth, {"auth": {"RAX-KSKEY:apiKeyCredentials": {
            "username": "jdoe", "apiKey": KEY}}})
        for get in self.sim.requests("GET"):
            self.assertEqual(get["body"], "", "a GET carried a body")
        self.assertEqual(self.live()["data"], NEW)
        self.assertEqual(mode_of(self.cache), 0o600)
        st = self.state()
        self.assertEqual(st["ip"], NEW)
        self.assertEqual(st["auth"]["dns_url"], self.sim.dns_url)
        rec = st["records"][0]
        self.assertEqual((rec["name"], rec["type"], rec["domain_id"],
                          rec["record_id"], rec["data"], rec["ttl"]),
                         ("home.example.com", "A", self.zone, self.rec, NEW,
                          300))
        self.assertIn("verified", rec)
        leftovers = [f for f in os.listdir(self.dir)
                     if f.startswith("cache.json.") and
                     f != "cache.json.lock"]
        self.assertEqual(leftovers, [], "a temporary file was left")

    def test_one_connection_serves_the_whole_run(self):
        # echo, Identity and Cloud DNS share one host here, so the reused
        # handle makes one TLS connection for all seven requests
        before = self.sim.connections
        res = self.run_ddns()
        self.assertRun(res, 0, out=LINE, err="")
        self.assertEqual(len(self.sim.requests()), 7)
        self.assertEqual(self.sim.connections - before, 1)
        self.assertEqual(len({e["conn"] for e in self.sim.requests()}), 1)

    def test_second_run_asks_only_the_echo_source(self):
        self.first_run()
        before = open(self.cache).read()
        mtime = os.stat(self.cache).st_mtime_ns
        res = self.run_ddns()
        self.assertRun(res, 0, out="", err="")
        self.assertEqual([e["path"] for e in self.sim.requests()],
                         ["/echo/a"])
        self.assertEqual(open(self.cache).read(), before)
        self.assertEqual(os.stat(self.cache).st_mtime_ns, mtime)

    def test_quiet_prints_nothing_on_change(self):
        res = self.run_ddns("-q")
        self.assertRun(res, 0, out="", err="")
        self.assertEqual(self.live()["data"], NEW)

    def test_verbose_shows_progress_on_stderr_only(self):
        res = self.run_ddns("-v")
        self.assertRun(res, 0, out=LINE)
        self.assertIn("POST " + self.sim.identity_url + "/tokens: HTTP 200",
                      res.err)
        self.assertIn("PUT ", res.err)


class AddressChange(Case):
    def test_change_with_cached_token_does_not_authenticate(self):
        self.first_run()
        self.sim.set_echo("a", "81.2.69.161\n")
        res = self.run_ddns()
        self.assertRun(res, 0, out=f"home.example.com A {NEW} -> "
                       "81.2.69.161\n", err="")
        self.assertEqual(self.sim.requests("POST"), [])
        calls = self.calls()
        self.assertEqual(calls[0], "PUT " + self.dns(
            f"/domains/{self.zone}/records/{self.rec}"))
        self.assertTrue(all(c.startswith("GET " + self.dns("/status/"))
                            for c in calls[1:]), calls)
        self.assertEqual(self.live()["data"], "81.2.69.161")
        self.assertEqual(self.state()["records"][0]["data"], "81.2.69.161")

    def test_expired_token_authenticates_again(self):
        self.first_run()
        self.expire_token(-60)
        self.sim.set_echo("a", "81.2.69.161\n")
        res = self.run_ddns()
        self.assertRun(res, 0, err="")
        self.assertEqual(len(self.sim.requests("POST", "/tokens")), 1)
        self.assertEqual(self.calls()[0], "POST /v2.0/tokens")

    def test_token_expiring_within_five_minutes_is_renewed(self):
        self.first_run()
        self.expire_token(240)
        self.sim.set_echo("a", "81.2.69.161\n")
        res = self.run_ddns()
        self.assertRun(res, 0, err="")
        self.assertEqual(len(self.sim.requests("POST", "/tokens")), 1)

    def test_token_expiring_later_is_reused(self):
        self.first_run()
        self.expire_token(600)
        self.sim.set_echo("a", "81.2.69.161\n")
        res = self.run_ddns()
        self.assertRun(res, 0, err="")
        self.assertEqual(self.sim.requests("POST", "/tokens"), [])

    def test_expires_with_negative_offset_is_parsed_as_utc(self):
        # 14:55-06:00 is 20:55Z: read as local or naive it would be
        # six hours off and the token would look expired (or too fresh)
        self.sim.expires_format = "-06:00"
        self.first_run()
        st = self.state()
        token_expiry = list(self.sim.tokens.values())[0]
        want = time.strftime("%Y-%m-%dT%H:%M:%SZ",
                             time.gmtime(int(token_expiry)))
        self.assertEqual(st["auth"]["expires"], want)


class DryRun(Case):
    def test_dry_run_reads_but_changes_nothing(self):
        res = self.run_ddns("-n")
        self.assertRun(res, 0, out=LINE[:-1] + " (dry run)\n", err="")
        for e in self.sim.rackspace_requests():
            self.assertFalse(e["method"] in ("PUT", "POST", "DELETE")
                             and e["path"].startswith("/v1.0"), e["path"])
        self.assertTrue(self.sim.requests("GET", "/records"),
                        "the dry run did not read the record")
        self.assertEqual(self.live()["data"], OLD)
        self.assertFalse(os.path.exists(self.cache))

    def test_dry_run_on_the_fast_path_still_reads_and_authenticates(self):
        self.first_run()
        res = self.run_ddns("-n")
        # CONTRACT.md 1 (v2): with nothing to change, one line says so
        self.assertRun(res, 0, out="nothing to change: every record holds "
                       "its address (dry run)\n", err="")
        self.assertEqual(len(self.sim.requests("POST", "/tokens")), 1)
        self.assertEqual(len(self.sim.requests("GET", "/records/")), 1)
        self.assertEqual(self.sim.requests("PUT"), [])

    def test_dry_run_leaves_an_existing_state_untouched(self):
        self.first_run()
        before = open(self.cache).read()
        self.sim.set_echo("a", "81.2.69.161\n")
        res = self.run_ddns("--dry-run")
        self.assertRun(res, 0, out=f"home.example.com A {NEW} -> "
                       "81.2.69.161 (dry run)\n", err="")
        self.assertEqual(self.sim.requests("PUT"), [])
        self.assertEqual(open(self.cache).read(), before)


class OriginalForms(Case):
    def original_config(self, **extra):
        doc = {"username": "jdoe", "api_key": KEY, "account_id": "123456",
               "domain_id": self.zone, "record_id": self.rec,
               "identity_url": self.sim.identity_url,
               "ca_file": self.sim.ca_file, "cache_file": self.cache,
               "ip_sources": {"ipv4": [self.sim.echo_url("a")]}}
        doc.update(extra)
        return self.write(os.path.join(self.dir, "orig.json"),
                          json.dumps(doc), 0o600)

    def test_original_config_and_cache_are_read_as_they_are(self):
        self.sim.add_token("0ld70k3n0ld70k3n0ld70k3n0ld70k3n",
                           time.time() + 3600)
        self.write_state({"ip": OLD, "auth": {
            "token": "0ld70k3n0ld70k3n0ld70k3n0ld70k3n",
            "expires": time.strftime("%Y-%m-%dT%H:%M:%S.000Z",
                                     time.gmtime(time.time() + 3600))}})
        conf = self.original_config()
        res = self.run_ddns(conf=conf)
        self.assertRun(res, 0, out=LINE, err="")
        # no DNS endpoint in the old cache: authenticate once; the record
        # counts as never verified: read it by its id; no look-ups
        self.assertEqual(self.calls()[:3], [
            "POST /v2.0/tokens",
            "GET " + self.dns(f"/domains/{self.zone}/records/{self.rec}"),
            "PUT " + self.dns(f"/domains/{self.zone}/records/{self.rec}"),
        ])
        self.assertEqual(self.sim.requests("GET", r"/domains$"), [])
        st = self.state()
        self.assertEqual(st["ip"], NEW)
        self.assertEqual(st["records"][0]["record_id"], self.rec)
        self.assertEqual(self.live()["data"], NEW)
        # and the next run is the fast path
        res = self.run_ddns(conf=conf)
        self.assertRun(res, 0, out="", err="")
        self.assertEqual(self.sim.rackspace_requests(), [])

    def test_nested_record_variant(self):
        conf = self.original_config(record_id=None)
        doc = json.load(open(conf))
        del doc["record_id"]
        doc["record"] = {"id": self.rec, "name": "home.example.com",
                         "ttl": 300}
        self.write(conf, json.dumps(doc), 0o600)
        res = self.run_ddns(conf=conf)
        self.assertRun(res, 0, out=LINE, err="")
        self.assertEqual(self.live()["data"], NEW)

    def test_account_id_mismatch_is_a_warning(self):
        conf = self.original_config(account_id="999999")
        res = self.run_ddns(conf=conf)
        self.assertRun(res, 0, out=LINE)
        self.assertRegex(res.err, re.compile(
            r"^ddnsupdate: warning: account_id 999999.*123456", re.M))


class KnownIds(Case):
    def test_record_known_by_ids_needs_no_lookup(self):
        conf = self.config(records=[{"name": "home.example.com",
                                     "domain_id": self.zone,
                                     "record_id": self.rec}])
        res = self.run_ddns(conf=conf)
        self.assertRun(res, 0, out=LINE, err="")
        self.assertEqual(self.sim.requests("GET", r"/domains$"), [])
        self.assertEqual(self.sim.requests("GET", r"/records$"), [])
        self.assertEqual(self.live()["data"], NEW)

    def test_numeric_ids_from_2018_are_accepted(self):
        self.sim.id_mode = "number"
        res = self.run_ddns()
        self.assertRun(res, 0, out=LINE, err="")
        self.assertEqual(self.state()["records"][0]["domain_id"], self.zone)

    def test_record_id_that_does_not_exist_is_refused(self):
        conf = self.config(records=[{"name": "home.example.com",
                                     "domain_id": self.zone,
                                     "record_id": "A-1"}])
        res = self.run_ddns(conf=conf)
        self.assertRun(res, 76, out="", err_re=r"record A-1 does not exist")


class Jobs(Case):
    def test_job_already_completed_in_the_202_is_not_polled(self):
        self.sim.job_default = {"initial": "COMPLETED", "polls": 0,
                                "final": "COMPLETED", "running_code": 200,
                                "error": None}
        res = self.run_ddns()
        self.assertRun(res, 0, out=LINE, err="")
        self.assertEqual(self.sim.requests("GET", "/status/"), [])

    def test_running_answered_with_202_and_initialized(self):
        self.sim.job_default = {"initial": "INITIALIZED", "polls": 3,
                                "final": "COMPLETED", "running_code": 202,
                                "error": None}
        res = self.run_ddns()
        self.assertRun(res, 0, out=LINE, err="")
        polls = self.sim.requests("GET", "/status/")
        self.assertEqual(len(polls), 4)
        self.assertEqual(polls[0]["query"], {"showDetails": ["true"]})
        put = self.sim.requests("PUT")[0]
        self.assertLess(polls[0]["time"] - put["time"], 0.5,
                        "the first poll came later than 0.5 s")
        gaps = [b["time"] - a["time"] for a, b in zip(polls, polls[1:])]
        self.assertTrue(all(g >= 0.2 for g in gaps),
                        f"polled faster than 5 a second: {gaps}")

    def test_job_error_is_76_and_the_next_run_tries_again(self):
        self.sim.job_plan = [{"initial": "RUNNING", "polls": 1,
                              "final": "ERROR", "running_code": 200,
                              "error": {"message": "Bad Request",
                                        "code": 400, "details":
                                        "Simulated refusal"}}]
        res = self.run_ddns()
        self.assertRun(res, 76, out="", err_re=r"Simulated refusal")
        self.assertOneMessage(res)
        self.assertEqual(self.live()["data"], OLD)
        st = self.state()
        self.assertNotEqual(st["records"][0].get("data"), NEW)
        # CONTRACT.md 3: the failure that ended is said once, like a change
        res = self.run_ddns()
        self.assertRun(res, 0, err="", out_re=RECOVERED)
        self.assertEqual(res.out.splitlines()[0] + "\n", LINE)
        self.assertEqual(len(self.sim.requests("PUT")), 1)

    def test_job_still_running_at_job_timeout_is_75(self):
        self.sim.job_default = {"initial": "RUNNING", "polls": 1000,
                                "final": "COMPLETED", "running_code": 200,
                                "error": None}
        conf = self.config(job_timeout=2)
        res = self.run_ddns(conf=conf)
        self.assertRun(res, 75, out="", err_re=r"still RUNNING after "
                       r"job_timeout 2 s")
        self.assertLess(res.seconds, 5)
        self.assertNotEqual(self.state()["records"][0].get("data"), NEW)


class Authentication(Case):
    def test_bad_credentials_are_77(self):
        self.sim.accounts = {"jdoe": "another key"}
        res = self.run_ddns()
        self.assertRun(res, 77, out="", err_re=r"HTTP 401: Username or api key "
                       r"is invalid")
        self.assertOneMessage(res)
        self.assertEqual(len(self.sim.requests("POST", "/tokens")), 1)

    def test_dns_401_authenticates_once_and_repeats(self):
        self.first_run()
        self.sim.revoke_tokens()
        self.sim.set_echo("a", "81.2.69.161\n")
        res = self.run_ddns()
        self.assertRun(res, 0, out=f"home.example.com A {NEW} -> "
                       "81.2.69.161\n", err="")
        self.assertEqual(self.calls()[:3], [
            "PUT " + self.dns(f"/domains/{self.zone}/records/{self.rec}"),
            "POST /v2.0/tokens",
            "PUT " + self.dns(f"/domains/{self.zone}/records/{self.rec}"),
        ])
        self.assertEqual(len(self.sim.requests("POST", "/tokens")), 1)

    def test_dns_401_that_persists_is_77(self):
        self.first_run()
        self.sim.set_echo("a", "81.2.69.161\n")
        self.sim.dns_401_empty_body = True
        self.sim.add_fault("PUT", "/records/", 401, times=None)
        res = self.run_ddns()
        self.assertRun(res, 77, out="", err_re=r"HTTP 401")
        self.assertEqual(len(self.sim.requests("POST", "/tokens")), 1)
        self.assertEqual(len(self.sim.requests("PUT")), 2)
        self.assertEqual(self.live()["data"], NEW)


class EchoSources(Case):
    def test_html_answer_falls_through_to_the_next_source(self):
        self.sim.set_echo("a", "<html><body>502 Bad Gateway</body></html>")
        res = self.run_ddns()
        self.assertRun(res, 0, out=LINE, err="")
        self.assertEqual([e["path"] for e in self.echo_calls()],
                         ["/echo/a", "/echo/b"])
        self.assertEqual(self.live()["data"], NEW)

    def test_no_source_answers_an_address_is_75_and_nothing_published(self):
        self.sim.set_echo("a", "<html>", status=200)
        self.sim.set_echo("b", "", status=503)
        res = self.run_ddns()
        self.assertRun(res, 75, out="", err_re=r"no IPv4 address could be "
                       r"detected")
        self.assertEqual(self.sim.rackspace_requests(), [])
        self.assertEqual(self.live()["data"], OLD)

    def test_private_address_is_refused(self):
        self.sim.set_echo("a", "192.168.1.10\n")
        self.sim.set_echo("b", "10.0.0.1\n")
        res = self.run_ddns()
        self.assertRun(res, 75, out="")
        self.assertEqual(self.live()["data"], OLD)

    def test_echo_request_goes_over_ipv4_with_no_redirect(self):
        self.sim.set_echo("a", "", status=302,
                          headers={"Location": self.sim.echo_url("b")})
        res = self.run_ddns()
        self.assertRun(res, 0, out=LINE, err="")
        self.assertEqual([e["path"] for e in self.echo_calls()],
                         ["/echo/a", "/echo/b"])

    def test_plain_http_echo_on_loopback_is_allowed(self):
        conf = self.config(ip_sources={"ipv4": [
            self.sim.echo_url("a", plain_http=True)]})
        res = self.run_ddns(conf=conf)
        self.assertRun(res, 0, out=LINE, err="")


class Options(Case):
    def test_ipv4_option_skips_detection(self):
        res = self.run_ddns("--ipv4", "81.2.69.170")
        self.assertRun(res, 0, out=f"home.example.com A {OLD} -> "
                       "81.2.69.170\n", err="")
        self.assertEqual(self.echo_calls(), [])

    def test_ipv4_option_with_private_address_is_64(self):
        res = self.run_ddns("--ipv4", "192.168.1.1")
        self.assertRun(res, 64, out="", err_re=r"not globally reachable")
        self.assertEqual(self.sim.requests(), [])

    def test_force_reads_and_repairs(self):
        self.first_run()
        self.sim.set_record(self.zone, self.rec, data="203.0.113.9")
        res = self.run_ddns()
        self.assertRun(res, 0, out="", err="")      # not due yet
        res = self.run_ddns("-f")
        self.assertRun(res, 0, out=f"home.example.com A 203.0.113.9 -> "
                       f"{NEW}\n", err="")
        self.assertEqual(self.live()["data"], NEW)

    def test_force_with_a_right_record_sends_no_put(self):
        self.first_run()
        res = self.run_ddns("-f")
        self.assertRun(res, 0, out="", err="")
        self.assertEqual(self.sim.requests("PUT"), [])
        self.assertEqual(len(self.sim.requests("GET", "/records/")), 1)

    def test_ttl_change_alone_is_published(self):
        self.first_run()
        conf = self.config(records=[{"name": "home.example.com",
                                     "ttl": 600}])
        res = self.run_ddns(conf=conf)
        self.assertRun(res, 0, out=f"home.example.com A {NEW} -> {NEW} "
                       "(ttl 300 -> 600)\n", err="")
        self.assertEqual(self.live()["ttl"], 600)

    def test_syslog_is_accepted_and_changes_no_output(self):
        res = self.run_ddns("--syslog")
        self.assertRun(res, 0, out=LINE, err="")

    def test_version_and_help(self):
        res = self.run_ddns("-V")
        self.assertRun(res, 0, out_re=r"^ddnsupdate \d+\.\d+\.\d+\n$", err="")
        res = self.run_ddns("-h")
        self.assertRun(res, 0, out_re=r"^usage: ddnsupdate \[-fnqv\]", err="")

    def test_unknown_option_is_64_with_the_synopsis(self):
        res = self.run_ddns("--bogus")
        self.assertRun(res, 64, out="", err_re=r"^ddnsupdate: unknown option "
                       r"--bogus\nusage: ddnsupdate")
