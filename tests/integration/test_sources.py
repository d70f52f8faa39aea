"""The address sources of CONTRACT.md 6 on real kernels' addresses: the
interface source (every flag the kernel sets), NAT-PMP against a responder,
kinds mixed in one list and in the quorum, the fast path without a single
request, and --detect (CONTRACT.md 1).

Each case class has a namespace of its own ("host": the binary, the
simulator on its loopback, a veth v0 and a bridge br0) and a second one
("peer": the other end of the veth, v1, where a router or a duplicate
lives); every case lays its addresses anew.  Nothing here touches the
host's own interfaces.
"""

import os
import re
import shutil
import subprocess
import tempfile
import time

import harness
from harness import NEW, OLD
from netns import NatPmp, Netns
from simulator import Simulator

STABLE = "2a0c:9::ffff"     # what iface: must choose among every kind


class NetnsCase(harness.Case):
    @classmethod
    def setUpClass(cls):
        cls.ns = Netns("host")
        cls.peer = Netns("peer")
        cls.simdir = tempfile.mkdtemp(prefix="ddns-sim-ns-")
        with cls.ns.entered():
            cls.nssim = Simulator(cls.simdir, ipv6=True)
        cls.run_prefix = cls.ns.prefix()

    @classmethod
    def tearDownClass(cls):
        cls.nssim.stop()
        shutil.rmtree(cls.simdir, ignore_errors=True)
        cls.peer.delete()
        cls.ns.delete()

    def make_simulator(self):
        return self.nssim

    def setUp(self):
        super().setUp()
        self.ns.sh("ip link del v0 2>/dev/null || true; "
                   "ip link del br0 2>/dev/null || true; "
                   "ip -4 route flush table main proto static || true")
        self.ns.sh(f"ip link add v0 type veth peer name v1 netns "
                   f"{self.peer.name}")
        self.peer.sh("ip link set v1 up")
        self.ns.sh("sysctl -qw net.ipv6.conf.v0.use_tempaddr=2; "
                   "ip link set v0 up")

    def responder(self, netns=None, addr="127.0.0.1", **knobs):
        r = NatPmp(netns or self.ns, addr)
        self.addCleanup(r.stop)
        r.reset(**knobs)
        return r

    def sources(self, ipv4=None, ipv6=None, records=None, **keys):
        """A config with these sources (and AAAA records when ipv6)."""
        src = {}
        if ipv4 is not None:
            src["ipv4"] = ipv4
        if ipv6 is not None:
            src["ipv6"] = ipv6
        if records is None:
            records = []
            if ipv4 is not None:
                records.append({"name": "home.example.com", "type": "A"})
            if ipv6 is not None:
                records.append({"name": "home.example.com",
                                "type": "AAAA"})
        return self.config(records=records, ip_sources=src, **keys)

    def wait_flags(self, want, seconds=15):
        """Waits until every (address, flag) of want shows in ip addr."""
        deadline = time.monotonic() + seconds
        while True:
            have = {(a, f) for _, a, flags in self.ns.addrs()
                    for f in flags}
            missing = set(want) - have
            if not missing:
                return
            if time.monotonic() > deadline:
                self.fail(f"the kernel never showed {sorted(missing)}: "
                          f"{self.ns.addrs()}")
            time.sleep(0.1)

    def detect(self, conf, *args):
        before = self.snapshot()
        res = self.run_ddns("--detect", *args, conf=conf)
        self.assertEqual(self.sim.rackspace_requests(), [], res)
        self.assertEqual(self.snapshot(), before, "--detect wrote state")
        return res

    def snapshot(self):
        """The state file and its lock as they are: (bytes, mtime)."""
        return [(open(p, "rb").read(), os.stat(p).st_mtime_ns)
                if os.path.exists(p) else None
                for p in (self.cache, self.cache + ".lock")]


class InterfaceV6(NetnsCase):
    def every_kind(self):
        """v0 and br0 holding an address of every kind the kernel makes;
        all but STABLE are refused, and each would win otherwise: the
        refused ones are permanent and lower, or temporary and forever."""
        self.peer.sh("ip -6 addr add 2a0c::2/64 dev v1 nodad")
        self.ns.sh("""
            ip link add br0 type bridge
            ip link set br0 addrgenmode none
            sysctl -qw net.ipv6.conf.br0.dad_transmits=100
            sysctl -qw net.ipv6.neigh.br0.retrans_time_ms=5000
            ip link set br0 up
            ip -6 addr add 2a0c::1/64 dev br0
            ip -6 addr add 2a0c::2/64 dev v0
            ip -6 addr add 2a0c:1::1/64 dev v0 nodad preferred_lft 0
            ip -6 addr add 2a0c:2::1/64 dev v0 nodad mngtmpaddr \
                preferred_lft 3000 valid_lft 6000
            ip -6 addr add fd00:1::1/64 dev v0 nodad
            ip -6 addr add %s/64 dev v0 nodad
        """ % STABLE)
        self.wait_flags({("2a0c::1", "tentative"),
                         ("2a0c::2", "dadfailed"),
                         ("2a0c:1::1", "deprecated")})
        # the kernel's own temporary address, made to live forever
        deadline = time.monotonic() + 15
        while True:
            temps = [(a, f) for d, a, f in self.ns.addrs("v0")
                     if "temporary" in f]
            if temps and "tentative" not in temps[0][1]:
                break
            self.assertLess(time.monotonic(), deadline, self.ns.addrs())
            time.sleep(0.1)
        self.temp = temps[0][0]
        self.ns.sh(f"ip -6 addr change {self.temp}/64 dev v0 "
                   "valid_lft forever preferred_lft forever")
        self.assertLess(self.temp, "2a0c:9")    # it would win as the lowest
        # v0's link-local address done with its own DAD, so that it is
        # told for what it is (link-local), not as tentative
        deadline = time.monotonic() + 15
        while any(a.startswith("fe80") and "tentative" in f
                  for _, a, f in self.ns.addrs("v0")):
            self.assertLess(time.monotonic(), deadline, self.ns.addrs())
            time.sleep(0.1)

    def test_every_kind_of_address_the_stable_one_is_chosen(self):
        self.every_kind()
        self.sim.set_echo("six", STABLE + "\n")
        echo = self.sim.echo_url("six", ipv6=True)
        conf = self.sources(ipv6=["iface:*", "iface:v0", "iface:br0",
                                  "iface:nosuch0", echo])
        res = self.detect(conf)
        self.assertRun(res, 0, out=(
            f"IPv6 iface:* {STABLE}\n"
            f"IPv6 iface:v0 {STABLE}\n"
            "IPv6 iface:br0 refused: no usable IPv6 address on br0 "
            "(skipped: 1 tentative)\n"
            "IPv6 iface:nosuch0 refused: no such interface nosuch0\n"
            f"IPv6 {echo} {STABLE}\n"
            f"IPv6 -> {STABLE}\n"), err="")
        self.assertEqual(len(self.echo_calls()), 1)

    def test_every_verdict_is_told_at_v(self):
        self.every_kind()
        conf = self.sources(ipv6=["iface:*"])
        res = self.detect(conf, "-v")
        self.assertRun(res, 0, out=f"IPv6 iface:* {STABLE}\nIPv6 -> "
                       f"{STABLE}\n")
        for addr, verdict in ((self.temp, "skipped: temporary"),
                              ("2a0c::1", "skipped: tentative"),
                              ("2a0c::2", "skipped: failed duplicate "
                               "address detection"),
                              ("2a0c:1::1", "skipped: deprecated"),
                              ("fd00:1::1", "skipped: not globally "
                               "reachable"),
                              ("2a0c:2::1", "usable"),
                              (STABLE, "chosen")):
            self.assertRegex(res.err, re.compile(
                rf"^ddnsupdate: iface:\*: {re.escape(addr)} on \w+ "
                rf"\(flags 0x[0-9a-f]+, [^)]*\): {verdict}$", re.M))
        self.assertRegex(res.err, r"fe80::[0-9a-f:]+ on v0 .*: skipped: "
                         r"link-local")

    def test_lifetimes_then_allow_nonglobal(self):
        self.ns.sh("""
            ip -6 addr add 2a0c:5::1/64 dev v0 nodad preferred_lft 600 \
                valid_lft 1200
            ip -6 addr add 2a0c:5::2/64 dev v0 nodad preferred_lft 1800 \
                valid_lft 3600
            ip -6 addr add 2a0c:5::3/64 dev v0 nodad preferred_lft 900 \
                valid_lft 3600
            ip -6 addr add fd00:5::1/64 dev v0 nodad
            ip link add br0 type bridge
            ip link set br0 up
            ip -6 addr add 2a0c:6::1/64 dev br0 nodad
        """)
        res = self.detect(self.sources(ipv6=["iface:v0", "iface:*"]))
        self.assertRun(res, 0, out="IPv6 iface:v0 2a0c:5::2\n"
                       "IPv6 iface:* 2a0c:6::1\nIPv6 -> 2a0c:5::2\n")
        res = self.detect(self.sources(ipv6=["iface:v0"],
                                       allow_nonglobal=True))
        self.assertRun(res, 0, out="IPv6 iface:v0 fd00:5::1\n"
                       "IPv6 -> fd00:5::1\n")

    def test_only_refused_addresses_fall_through_to_the_next_source(self):
        self.ns.sh("ip -6 addr flush dev v0 scope link; "
                   "ip -6 addr add fd00:5::1/64 dev v0 nodad; "
                   "ip -6 addr add 2a0c:5::1/64 dev v0 nodad "
                   "preferred_lft 0 valid_lft 600")
        self.sim.set_echo("six", "2a0c:7::1\n")
        echo = self.sim.echo_url("six", ipv6=True)
        res = self.detect(self.sources(ipv6=["iface:v0", echo]))
        self.assertRun(res, 0, out=(
            "IPv6 iface:v0 refused: no usable IPv6 address on v0 "
            "(skipped: 1 deprecated, 1 not globally reachable)\n"
            f"IPv6 {echo} 2a0c:7::1\nIPv6 -> 2a0c:7::1\n"))

    def test_aaaa_record_from_the_interface(self):
        self.ns.sh(f"ip -6 addr add {STABLE}/64 dev v0 nodad")
        aaaa = self.sim.add_record(self.zone, "home.example.com", "AAAA",
                                   "2a0c::dead", ttl=300)
        conf = self.sources(ipv6=["iface:v0"])
        res = self.run_ddns(conf=conf)
        self.assertRun(res, 0, out=f"home.example.com AAAA 2a0c::dead -> "
                       f"{STABLE}\n", err="")
        self.assertEqual(self.live(aaaa)["data"], STABLE)
        self.assertEqual(self.echo_calls(), [])


class InterfaceV4(NetnsCase):
    def test_global_first_and_the_local_end_of_a_point_to_point_link(self):
        self.ns.sh("""
            ip addr add 10.1.1.1/24 dev v0
            ip addr add 100.64.0.2/10 dev v0
            ip addr add 81.2.69.160/24 dev v0 preferred_lft 600 \
                valid_lft 1200
            ip addr add 81.2.69.200/24 dev v0 preferred_lft 0 \
                valid_lft 1200
        """)
        res = self.detect(self.sources(ipv4=["iface:v0"]))
        self.assertRun(res, 0, out="IPv4 iface:v0 81.2.69.160\n"
                       "IPv4 -> 81.2.69.160\n")
        # PPP: IFA_LOCAL is ours, IFA_ADDRESS (lower, permanent) the peer's
        self.ns.sh("ip addr add 81.2.69.170 peer 81.2.69.1/32 dev v0")
        res = self.detect(self.sources(ipv4=["iface:v0"]))
        self.assertRun(res, 0, out="IPv4 iface:v0 81.2.69.170\n"
                       "IPv4 -> 81.2.69.170\n")
        res = self.detect(self.sources(ipv4=["iface:v0"],
                                       allow_nonglobal=True))
        self.assertRun(res, 0, out="IPv4 iface:v0 10.1.1.1\n"
                       "IPv4 -> 10.1.1.1\n")

    def test_fast_path_with_local_sources_makes_no_request(self):
        self.ns.sh(f"ip addr add {NEW}/24 dev v0")
        conf = self.sources(ipv4=["iface:v0"])
        res, loaded = self.run_traced(conf)
        self.assertRun(res, 0, out=f"home.example.com A {OLD} -> {NEW}\n",
                       err="")
        self.assertEqual(self.echo_calls(), [])
        self.assertIn("libcurl", loaded)    # the trace sees a dlopen
        res, loaded = self.run_traced(conf)
        self.assertRun(res, 0, out="", err="")
        self.assertEqual(self.sim.requests(), [])   # none at all
        self.assertNotIn("libcurl", loaded, "a run without a request "
                         "loaded libcurl")

    def run_traced(self, conf):
        """A run under the dynamic loader's trace (LD_DEBUG=files, to
        files of its own): the Result and the names of the libraries
        the binary itself mapped, at start or by dlopen."""
        d = tempfile.mkdtemp(prefix="ddns-ld-")
        self.addCleanup(shutil.rmtree, d, True)
        res = self.run_ddns(conf=conf, env={
            "LD_DEBUG": "files", "LD_DEBUG_OUTPUT": os.path.join(d, "ld")})
        ours = []
        for name in os.listdir(d):      # one file per PID: nsenter, then
            with open(os.path.join(d, name)) as f:     # what it execs
                text = f.read()
            start = text.find(f"needed by {harness.BIN} ")
            if start != -1:     # from the line of its first library
                ours.append(text[text.rfind("\n", 0, start) + 1:])
        self.assertEqual(len(ours), 1, f"no loader trace of {harness.BIN}")
        loaded = " ".join(re.findall(r"file=(\S+) \[\d+\];\s+(?:needed|"
                                     r"dynamically loaded) by", ours[0]))
        self.assertIn("libcjson", loaded)   # the trace works
        return res, loaded

    def test_without_libcurl_only_runs_that_need_a_request_fail(self):
        """libcurl replaced by an empty file: the fast path with local
        sources still works; a run that needs Rackspace fails with 75
        and one line naming the package."""
        lib = os.path.realpath([line.split(" => ")[1] for line in
                                subprocess.run(
                                    ["ldconfig", "-p"], capture_output=True,
                                    text=True, check=True).stdout.splitlines()
                                if line.strip().startswith("libcurl.so.4 ")
                                and " => " in line][0])
        hide = ["unshare", "-m", "--propagation", "private", "--", "sh",
                "-c", 'mount --bind /dev/null "$0" && exec "$@"', lib]
        self.ns.sh(f"ip addr add {NEW}/24 dev v0")
        conf = self.sources(ipv4=["iface:v0"])
        res = self.run_ddns(conf=conf, prefix=hide)
        self.assertRun(res, 75, out="", err_re=(
            r"^ddnsupdate: POST \S+/tokens: cannot load libcurl\.so\.4 "
            r"\(.*\): install the libcurl4\S* package$"))
        self.assertOneMessage(res)
        self.assertEqual(self.sim.requests(), [])
        self.assertRun(self.run_ddns(conf=conf), 0)     # with libcurl
        res = self.run_ddns(conf=conf, prefix=hide)
        self.assertRun(res, 0, out="", err="")

    def test_fast_path_with_iface_and_natpmp_makes_no_http_request(self):
        self.responder(answer=NEW)
        conf = self.sources(ipv4=["natpmp:127.0.0.1"])
        self.assertRun(self.run_ddns(conf=conf), 0)
        self.ns.sh(f"ip addr add {NEW}/24 dev v0")
        conf = self.sources(ipv4=["iface:v0", "natpmp:127.0.0.1"],
                            ip_quorum=2)
        res = self.run_ddns(conf=conf)
        self.assertRun(res, 0, out="", err="")
        self.assertEqual(self.sim.requests(), [])


class Router(NetnsCase):
    def gateway(self):
        """v0 10.0.0.2/24, default route via the peer's 10.0.0.1."""
        self.peer.sh("ip addr add 10.0.0.1/24 dev v1")
        self.ns.sh("ip addr add 10.0.0.2/24 dev v0; "
                   "ip route add default via 10.0.0.1 dev v0")

    def test_default_gateway_answers(self):
        self.gateway()
        r = self.responder(self.peer, "10.0.0.1", answer=NEW)
        res = self.run_ddns(conf=self.sources(ipv4=["natpmp:"]))
        self.assertRun(res, 0, out=f"home.example.com A {OLD} -> {NEW}\n",
                       err="")
        self.assertEqual(len(r.log), 1)
        self.assertEqual(r.log[0][1][0], "10.0.0.2")
        self.assertEqual(self.echo_calls(), [])

    def test_named_router_and_cgnat_falls_through(self):
        self.responder(answer="100.64.0.1")
        conf = self.sources(ipv4=["natpmp:127.0.0.1",
                                  self.sim.echo_url("a")])
        res = self.detect(conf)
        self.assertRun(res, 0, out=(
            "IPv4 natpmp:127.0.0.1 refused: 100.64.0.1 is not globally "
            "reachable (set allow_nonglobal to accept it)\n"
            f"IPv4 {self.sim.echo_url('a')} {NEW}\n"
            f"IPv4 -> {NEW}\n"))
        res = self.run_ddns(conf=conf)
        self.assertRun(res, 0, out=f"home.example.com A {OLD} -> {NEW}\n")
        self.assertEqual(len(self.echo_calls()), 1)

    def test_result_codes_fail_the_source(self):
        r = self.responder()
        conf = self.sources(ipv4=["natpmp:127.0.0.1"])
        for code, text in ((1, "unsupported version"),
                           (2, "not authorized or refused"),
                           (3, "network failure"),
                           (4, "out of resources"),
                           (5, "unsupported opcode")):
            r.reset(result=code)
            res = self.detect(conf)
            self.assertRun(res, 75, out=(
                f"IPv4 natpmp:127.0.0.1 refused: the router refused: "
                f"{text} (result {code})\nIPv4 -> none\n"))
            self.assertOneMessage(res)

    def test_malformed_answers_fail_the_source(self):
        r = self.responder()
        conf = self.sources(ipv4=["natpmp:127.0.0.1"])
        for raw, text in ((b"\x00\x80\x00\x00\x00\x00", "6 bytes is too "
                           "short"),
                          (b"\x01\x80\x00\x00\x00\x00\x00\x01\x51\x02\x45"
                           b"\xa0", "version 1, not 0"),
                          (b"\x00\x81\x00\x00\x00\x00\x00\x01\x51\x02\x45"
                           b"\xa0", "opcode 129, not 128")):
            r.reset(raw=raw)
            res = self.detect(conf)
            self.assertRun(res, 75, out=(
                f"IPv4 natpmp:127.0.0.1 refused: answer of {text}\n"
                "IPv4 -> none\n"))

    def test_retransmission_doubles_and_stops_at_the_timeout(self):
        r = self.responder(silent=True)
        conf = self.sources(ipv4=["natpmp:127.0.0.1",
                                  self.sim.echo_url("a")], timeout=2)
        res = self.detect(conf)
        self.assertRun(res, 0, out=(
            "IPv4 natpmp:127.0.0.1 refused: no answer from 127.0.0.1 "
            "within 2 s (4 tries)\n"
            f"IPv4 {self.sim.echo_url('a')} {NEW}\nIPv4 -> {NEW}\n"))
        times = [t for t, _, _ in r.log]
        self.assertEqual(len(times), 4, times)
        gaps = [b - a for a, b in zip(times, times[1:])]
        for got, want in zip(gaps, (0.25, 0.5, 1.0)):
            self.assertAlmostEqual(got, want, delta=0.12, msg=gaps)
        self.assertGreaterEqual(res.seconds, 2.0)
        self.assertLess(res.seconds, 3.5)

    def test_late_answer_after_retransmissions(self):
        r = self.responder(ignore=2, answer=NEW)
        res = self.detect(self.sources(ipv4=["natpmp:127.0.0.1"]))
        self.assertRun(res, 0, out=f"IPv4 natpmp:127.0.0.1 {NEW}\n"
                       f"IPv4 -> {NEW}\n")
        self.assertEqual(len(r.log), 3)
        self.assertLess(res.seconds, 2.0)

    def test_answer_from_another_address_is_discarded(self):
        self.ns.sh("ip addr add 127.0.0.2/8 dev lo 2>/dev/null || true")
        self.responder(answer=NEW, decoy="127.0.0.2", delay=0.3)
        res = self.detect(self.sources(ipv4=["natpmp:127.0.0.1"]))
        self.assertRun(res, 0, out=f"IPv4 natpmp:127.0.0.1 {NEW}\n"
                       f"IPv4 -> {NEW}\n")

    def test_no_service_and_no_gateway_fail_at_once(self):
        conf = self.sources(ipv4=["natpmp:127.0.0.1", "natpmp:"])
        res = self.detect(conf)
        self.assertRun(res, 75, out=(
            "IPv4 natpmp:127.0.0.1 refused: no NAT-PMP service at "
            "127.0.0.1 (port 5351 unreachable)\n"
            "IPv4 natpmp: refused: no default IPv4 route with a gateway\n"
            "IPv4 -> none\n"))
        self.assertLess(res.seconds, 1.0)


class Mixed(NetnsCase):
    def test_quorum_across_kinds_agrees(self):
        self.ns.sh(f"ip addr add {NEW}/24 dev v0")
        self.responder(answer="100.64.0.1")
        conf = self.sources(ipv4=["natpmp:127.0.0.1", "iface:v0",
                                  self.sim.echo_url("a")], ip_quorum=2)
        res = self.run_ddns(conf=conf)
        self.assertRun(res, 0, out=f"home.example.com A {OLD} -> {NEW}\n",
                       err="")
        self.assertEqual(len(self.echo_calls()), 1)

    def test_quorum_across_kinds_disagrees(self):
        self.ns.sh("ip addr add 81.2.69.170/24 dev v0")
        conf = self.sources(ipv4=["iface:v0", self.sim.echo_url("a")],
                            ip_quorum=2)
        res = self.run_ddns(conf=conf)
        self.assertRun(res, 75, out="", err_re="the IPv4 sources disagree")
        self.assertOneMessage(res)
        self.assertEqual(self.sim.rackspace_requests(), [])
        res = self.detect(conf)
        self.assertRun(res, 75, out=(
            "IPv4 iface:v0 81.2.69.170\n"
            f"IPv4 {self.sim.echo_url('a')} {NEW}\nIPv4 -> none\n"))

    def test_first_source_wins_without_asking_the_rest(self):
        self.ns.sh(f"ip addr add {NEW}/24 dev v0")
        conf = self.sources(ipv4=["iface:v0", self.sim.echo_url("a")])
        self.assertRun(self.run_ddns(conf=conf), 0)
        self.assertEqual(self.echo_calls(), [])


class NoConnectivity(NetnsCase):
    """Issue 10: a family with no connectivity at all says so, with what
    to do, instead of failing every run as if a service were down."""

    def test_no_ipv6_default_route_says_so(self):
        conf = self.sources(ipv6=["https://[2a02:1234::9]/ip"], timeout=2)
        res = self.run_ddns(conf=conf)
        self.assertRun(res, 75, out="", err_re=r"^ddnsupdate: no IPv6 "
                       r"address could be detected: every source failed "
                       r"\(.*\); this host has no IPv6 default route: no "
                       r"IPv6 connectivity \(if it never has any, remove "
                       r"the AAAA records from the configuration\)$")
        self.assertOneMessage(res)

    def test_a_route_but_no_global_ipv6_address_says_so(self):
        self.ns.sh("ip -6 addr add fd00:1::2/64 dev v0 nodad; "
                   "ip -6 route add default via fd00:1::1 dev v0")
        conf = self.sources(ipv6=["https://[2a02:1234::9]/ip"], timeout=2)
        res = self.run_ddns(conf=conf)
        self.assertRun(res, 75, out="", err_re=r"; this host has no global "
                       r"IPv6 address: no IPv6 connectivity")

    def test_no_ipv4_default_route_says_so(self):
        conf = self.sources(ipv4=["https://81.2.69.9/ip"], timeout=2)
        res = self.run_ddns(conf=conf)
        self.assertRun(res, 75, out="", err_re=r"; this host has no IPv4 "
                       r"default route: it is not connected to a network "
                       r"now$")

    def test_a_connected_host_blames_the_sources_alone(self):
        self.ns.sh("ip addr add 81.2.69.2/24 dev v0; "
                   "ip route add default via 81.2.69.1")
        self.sim.set_echo("a", "oops", status=500)
        conf = self.sources(ipv4=[self.sim.echo_url("a")])
        res = self.run_ddns(conf=conf)
        self.assertRun(res, 75, out="", err_re=r"every source failed "
                       r"\(last .*/echo/a: HTTP 500\)$")


class Detect(NetnsCase):
    def test_needs_no_key_and_prints_both_families(self):
        self.ns.sh(f"ip addr add {NEW}/24 dev v0; "
                   f"ip -6 addr add {STABLE}/64 dev v0 nodad")
        conf = self.sources(ipv4=["iface:v0"], ipv6=["iface:v0"],
                            api_key_file=None)
        res = self.detect(conf)
        self.assertRun(res, 0, out=(
            f"IPv4 iface:v0 {NEW}\nIPv4 -> {NEW}\n"
            f"IPv6 iface:v0 {STABLE}\nIPv6 -> {STABLE}\n"), err="")
        # a real run still wants the key
        res = self.run_ddns(conf=conf)
        self.assertRun(res, 78, err_re="no API key")

    def test_only_families_in_use_and_none_is_75(self):
        conf = self.sources(ipv4=["iface:v0"], ipv6=["iface:v0"],
                            records=[{"name": "home.example.com",
                                      "type": "A"}])
        res = self.detect(conf)
        self.assertRun(res, 75, out=(
            "IPv4 iface:v0 refused: no usable IPv4 address on v0\n"
            "IPv4 -> none\n"))
        self.assertOneMessage(res)

    def test_usage_and_configuration_errors(self):
        for args in (("-n",), ("-f",), ("--ipv4", NEW), ("-C", "/x"),
                     ("--check-config",)):
            res = self.run_ddns("--detect", *args)
            self.assertRun(res, 64, out="", err_re="--detect takes only|"
                           "are different runs; give one")
        conf = self.sources(ipv6=["iface:*", "natpmp:"])
        res = self.run_ddns("--detect", conf=conf)
        self.assertRun(res, 78, out="", err_re=r'ip_sources\.ipv6\[1\]: '
                       r'"natpmp:" is IPv4 only')
