"""Dual stack, many records, quorum, create, round robin and drift
(CONTRACT.md 4, 6), each with the number of Rackspace requests it made
compared with the fewest the API allows."""

import time

from harness import Case, NEW, OLD

V6 = "2a00:1450:4001:81c::200e"
V6_OLD = "2a00:1450:4001:81c::1"


class DualStack(Case):
    def setUp(self):
        super().setUp()
        self.rec6 = self.sim.add_record(self.zone, "home.example.com",
                                        "AAAA", V6_OLD)
        self.sim.set_echo("a6", V6 + "\n")
        self.sim.set_echo("b6", V6 + "\n")
        self.sources = {"ipv4": [self.sim.echo_url("a"),
                                 self.sim.echo_url("b")],
                        "ipv6": [self.sim.echo_url("a6", ipv6=True),
                                 self.sim.echo_url("b6", ipv6=True)]}

    def test_aaaa_from_an_ipv6_source_over_ipv6(self):
        conf = self.config(ip_sources=self.sources, records=[
            {"name": "home.example.com", "type": "AAAA"}])
        res = self.run_ddns(conf=conf)
        self.assertRun(res, 0, out=f"home.example.com AAAA {V6_OLD} -> "
                       f"{V6}\n", err="")
        echo = self.echo_calls()
        self.assertEqual([(e["path"], e["server"]) for e in echo],
                         [("/echo/a6", "v6")])
        self.assertEqual(self.live(self.rec6)["data"], V6)
        # fewest: auth, zone, record, PUT, polls
        self.assertEqual(len(self.sim.rackspace_requests()), 6)

    def test_a_and_aaaa_in_one_run_one_put(self):
        conf = self.config(ip_sources=self.sources, records=[
            {"name": "home.example.com", "type": "A"},
            {"name": "home.example.com", "type": "AAAA"}])
        res = self.run_ddns(conf=conf)
        self.assertRun(res, 0, out=f"home.example.com A {OLD} -> {NEW}\n"
                       f"home.example.com AAAA {V6_OLD} -> {V6}\n", err="")
        # each family detected once
        self.assertEqual([e["path"] for e in self.echo_calls()],
                         ["/echo/a", "/echo/a6"])
        puts = self.sim.requests("PUT")
        self.assertEqual(len(puts), 1)
        self.assertEqual(puts[0]["path"],
                         self.dns(f"/domains/{self.zone}/records"))
        self.assertEqual(puts[0]["json"], {"records": [
            {"id": self.rec, "name": "home.example.com", "data": NEW,
             "ttl": 300},
            {"id": self.rec6, "name": "home.example.com", "data": V6,
             "ttl": 300}]})
        self.assertEqual(self.live()["data"], NEW)
        self.assertEqual(self.live(self.rec6)["data"], V6)
        # auth, one zone, two searches, one PUT, its polls
        calls = self.calls()
        self.assertEqual(len(self.sim.requests("GET", r"/domains$")), 1)
        self.assertEqual(len(calls), 1 + 1 + 2 + 1 + 2, calls)

    def test_ipv6_option_and_ipv4_detection_together(self):
        conf = self.config(ip_sources=self.sources, records=[
            {"name": "home.example.com", "type": "A"},
            {"name": "home.example.com", "type": "AAAA"}])
        res = self.run_ddns("--ipv6", "2001:4860:4860::8888", conf=conf)
        self.assertRun(res, 0, err="")
        self.assertEqual([e["path"] for e in self.echo_calls()],
                         ["/echo/a"])
        self.assertEqual(self.live(self.rec6)["data"],
                         "2001:4860:4860::8888")

    def test_nonglobal_ipv6_answers_are_refused(self):
        for addr in ("fd12:3456::1", "fe80::1", "2001:db8::1",
                     "64:ff9b::1.2.3.4", "::ffff:81.2.69.160", "::1"):
            with self.subTest(addr):
                self.sim.set_echo("a6", addr + "\n")
                self.sim.set_echo("b6", addr + "\n")
                conf = self.config(ip_sources=self.sources, records=[
                    {"name": "home.example.com", "type": "AAAA"}])
                res = self.run_ddns(conf=conf)
                self.assertRun(res, 75, out="", err_re=r"no IPv6 address "
                               r"could be detected")
                self.assertEqual(self.sim.rackspace_requests(), [])


class ManyRecords(Case):
    def test_three_records_of_one_zone_change_in_one_put(self):
        ids = [self.rec,
               self.sim.add_record(self.zone, "www.example.com", "A", OLD),
               self.sim.add_record(self.zone, "vpn.example.com", "A", OLD)]
        conf = self.config(records=[{"name": "home.example.com"},
                                    {"name": "www.example.com"},
                                    {"name": "vpn.example.com"}])
        res = self.run_ddns(conf=conf)
        self.assertRun(res, 0, err="", out="".join(
            f"{n}.example.com A {OLD} -> {NEW}\n"
            for n in ("home", "www", "vpn")))
        self.assertEqual(len(self.sim.requests("PUT")), 1)
        self.assertEqual(len(self.sim.requests("PUT")[0]["json"]
                             ["records"]), 3)
        self.assertEqual(len({e["path"] for e in
                              self.sim.requests("GET", "/status/")}), 1,
                         "more than one job")
        for rid in ids:
            self.assertEqual(self.live(rid)["data"], NEW)
        # fewest: auth, one zone, three searches, one PUT, two polls
        self.assertEqual(len(self.sim.requests("GET", r"/domains$")), 1)
        self.assertEqual(len(self.calls()), 1 + 1 + 3 + 1 + 2)
        # next change: one PUT, polls; no read at all
        self.sim.set_echo("a", "81.2.69.161\n")
        res = self.run_ddns(conf=conf)
        self.assertEqual(res.rc, 0, res)
        self.assertEqual([c.split()[0] for c in self.calls()],
                         ["PUT", "GET", "GET"])

    def test_records_in_two_zones(self):
        net = self.sim.add_zone("example.net")
        rnet = self.sim.add_record(net, "home.example.net", "A", OLD)
        conf = self.config(records=[{"name": "home.example.com"},
                                    {"name": "home.example.net"}])
        res = self.run_ddns(conf=conf)
        self.assertRun(res, 0, err="", out=f"home.example.com A {OLD} -> "
                       f"{NEW}\nhome.example.net A {OLD} -> {NEW}\n")
        self.assertEqual(len(self.sim.requests("PUT")), 2)
        self.assertEqual(len(self.sim.requests("GET", r"/domains$")), 2)
        self.assertEqual(self.sim.record(net, rnet)["data"], NEW)
        self.assertEqual(self.live()["data"], NEW)
        # fewest: auth, two zones, two searches, two PUTs, four polls
        self.assertEqual(len(self.calls()), 1 + 2 + 2 + 2 + 4)

    def test_one_failing_record_among_three(self):
        www = self.sim.add_record(self.zone, "www.example.com", "A", OLD)
        conf = self.config(records=[{"name": "home.example.com"},
                                    {"name": "missing.example.com"},
                                    {"name": "www.example.com"}])
        res = self.run_ddns(conf=conf)
        self.assertRun(res, 76, out=f"home.example.com A {OLD} -> {NEW}\n"
                       f"www.example.com A {OLD} -> {NEW}\n",
                       err_re=r"missing.example.com A: no such record")
        self.assertOneMessage(res)
        self.assertEqual(self.live()["data"], NEW)
        self.assertEqual(self.live(www)["data"], NEW)
        recs = {r["name"]: r for r in self.state()["records"]}
        self.assertEqual(recs["home.example.com"]["data"], NEW)
        self.assertEqual(recs["www.example.com"]["data"], NEW)
        self.assertNotIn("data", recs.get("missing.example.com", {}))

    def test_worst_status_decides(self):
        # a temporary failure (75) and a refusal (76): 76 wins
        conf = self.config(records=[{"name": "home.example.com"},
                                    {"name": "home.example.org",
                                     "domain": "example.org"}])
        self.sim.add_fault("PUT", "/records", 503, times=None)
        res = self.run_ddns(conf=conf)
        self.assertEqual(res.rc, 76, res)


class Create(Case):
    def test_missing_record_without_create_missing_is_76(self):
        conf = self.config(records=[{"name": "new.example.com"}])
        res = self.run_ddns(conf=conf)
        self.assertRun(res, 76, out="", err_re=r"new.example.com A: no such "
                       r"record in zone example.com; set \"create_missing\"")
        self.assertEqual(self.sim.requests("POST", "/records"), [])

    def test_create_missing(self):
        conf = self.config(records=[{"name": "new.example.com",
                                     "comment": "ddns"}],
                           create_missing=True)
        res = self.run_ddns(conf=conf)
        self.assertRun(res, 0, out=f"new.example.com A (none) -> {NEW}\n",
                       err="")
        post = self.sim.requests("POST", "/records$")
        self.assertEqual(len(post), 1)
        self.assertEqual(post[0]["json"], {"records": [{
            "name": "new.example.com", "type": "A", "data": NEW,
            "ttl": 300, "comment": "ddns"}]})
        new = [r for r in self.sim.records(self.zone)
               if r["name"] == "new.example.com"]
        self.assertEqual(len(new), 1)
        self.assertEqual(self.state()["records"][0]["record_id"],
                         new[0]["id"])
        # fewest: auth, zone, search, POST, polls
        self.assertEqual(len(self.calls()), 6)
        res = self.run_ddns(conf=conf)
        self.assertRun(res, 0, out="", err="")
        self.assertEqual(self.sim.rackspace_requests(), [])

    def test_duplicate_create_is_looked_up_and_updated(self):
        # the record appears between the search and the POST
        self.sim.set_record(self.zone, self.rec, data=NEW, ttl=3600)
        self.sim.add_fault("GET", r"/records$", 200, body={"records": []})
        conf = self.config(create_missing=True)
        res = self.run_ddns(conf=conf)
        self.assertRun(res, 0, err="", out=f"home.example.com A {NEW} -> "
                       f"{NEW} (ttl 3600 -> 300)\n")
        self.assertEqual(len(self.sim.requests("POST", "/records$")), 1)
        self.assertEqual(len(self.sim.requests("GET", r"/records$")), 2)
        self.assertEqual(len(self.sim.requests("PUT")), 1)
        self.assertEqual(self.live()["ttl"], 300)
        self.assertEqual(self.state()["records"][0]["record_id"], self.rec)


class Quorum(Case):
    def quorum_conf(self, k, names):
        return self.config(ip_quorum=k, ip_sources={"ipv4": [
            self.sim.echo_url(n) for n in names]})

    def test_quorum_agrees_and_asks_in_parallel(self):
        for n in ("q1", "q2", "q3"):
            self.sim.set_echo(n, NEW + "\n", delay=1.0)
        conf = self.quorum_conf(3, ["q1", "q2", "q3"])
        res = self.run_ddns("-n", conf=conf)
        self.assertRun(res, 0, out=LINE_DRY, err="")
        echo = self.echo_calls()
        self.assertEqual(len(echo), 3)
        spread = max(e["time"] for e in echo) - min(e["time"] for e in echo)
        self.assertLess(spread, 0.5, "the sources were not asked at once")
        print(f"\n    quorum 3 of sources that each take 1 s: run "
              f"{res.seconds:.2f} s", end=" ")

    def test_quorum_disagreement_publishes_nothing(self):
        self.sim.set_echo("q1", "81.2.69.160\n")
        self.sim.set_echo("q2", "81.2.69.161\n")
        self.sim.set_echo("q3", "81.2.69.162\n")
        conf = self.quorum_conf(2, ["q1", "q2", "q3"])
        res = self.run_ddns(conf=conf)
        self.assertRun(res, 75, out="", err_re=r"the IPv4 sources disagree")
        self.assertOneMessage(res)
        self.assertEqual(len(self.echo_calls()), 3)
        self.assertEqual(self.sim.rackspace_requests(), [])
        self.assertEqual(self.live()["data"], OLD)

    def test_quorum_reached_after_one_more_source(self):
        self.sim.set_echo("q1", "81.2.69.160\n")
        self.sim.set_echo("q2", "<html>busy</html>")
        self.sim.set_echo("q3", "81.2.69.160\n")
        conf = self.quorum_conf(2, ["q1", "q2", "q3"])
        res = self.run_ddns(conf=conf)
        self.assertRun(res, 0, out=f"home.example.com A {OLD} -> {NEW}\n",
                       err="")
        self.assertEqual(len(self.echo_calls()), 3)
        # fast path with a quorum: exactly ip_quorum requests
        res = self.run_ddns(conf=conf)
        self.assertRun(res, 0, out="", err="")
        self.assertEqual(len(self.sim.requests()), 3)


LINE_DRY = f"home.example.com A {OLD} -> {NEW} (dry run)\n"


class Drift(Case):
    def test_verification_finding_the_record_right_sends_no_put(self):
        conf = self.config(verify_interval=1)
        self.run_ddns(conf=conf)
        time.sleep(1.1)
        res = self.run_ddns(conf=conf)
        self.assertRun(res, 0, out="", err="")
        self.assertEqual([c.split()[0] for c in self.calls()], ["GET"])
        self.assertEqual(self.sim.requests("PUT"), [])
