"""The host the program lives on (CONTRACT.md v2, issue 9): other users and
planted files, a wrong clock, FIFOs, re-created zones and records, a slow
resolver, proxies, hostile text and secrets, closed descriptors, root runs.
Each case is a defect that was reproduced on the program before these
rules, written as the contract's sentence.  Runs as root (setpriv, unshare
and chown need it); as any other user the module fails, it never skips.
"""

import json
import os
import socket
import socketserver
import stat
import subprocess
import tempfile
import threading
import time
import unittest
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from harness import BIN, KEY, NEW, OLD, RECOVERED, Case, mode_of

LINE = f"home.example.com A {OLD} -> {NEW}\n"
UID = 4321          # a service user; no such account needs to exist
OTHER_UID = 1234    # a stranger


def setUpModule():
    if os.geteuid() != 0:
        raise RuntimeError("test_host needs root (setpriv, unshare, chown)")


class Stranger:
    """A plain-HTTP server on loopback that answers 401 to everything and
    remembers every token it was sent: the endpoint a planted state names."""

    def __init__(self):
        self.tokens, self.paths = [], []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def _any(self):
                outer.paths.append(f"{self.command} {self.path}")
                outer.tokens.append(self.headers.get("X-Auth-Token"))
                n = int(self.headers.get("Content-Length") or 0)
                self.rfile.read(n)
                body = b'{"message":"Invalid authentication token.","code":401}'
                self.send_response(401)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            do_GET = do_PUT = do_POST = do_DELETE = _any

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/v1.0/123456"
        threading.Thread(target=self.server.serve_forever, daemon=True,
                         kwargs={"poll_interval": 0.05}).start()

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


class ConnectProxy:
    """An HTTP CONNECT proxy on loopback that records each target, then
    relays bytes both ways (bounded by a 10 s idle timeout)."""

    def __init__(self):
        self.targets = []
        outer = self

        class Handler(socketserver.StreamRequestHandler):
            def handle(self):
                line = self.rfile.readline(4096).decode(errors="replace")
                while self.rfile.readline(4096) not in (b"\r\n", b"\n", b""):
                    pass
                parts = line.split()
                if len(parts) < 2 or parts[0] != "CONNECT":
                    self.wfile.write(b"HTTP/1.1 405 No\r\n\r\n")
                    return
                outer.targets.append(parts[1])
                host, _, port = parts[1].rpartition(":")
                try:
                    up = socket.create_connection((host.strip("[]"),
                                                   int(port)), timeout=10)
                except OSError:
                    self.wfile.write(b"HTTP/1.1 502 No\r\n\r\n")
                    return
                self.wfile.write(b"HTTP/1.1 200 Connection established"
                                 b"\r\n\r\n")
                self.wfile.flush()
                self.connection.settimeout(10)
                threading.Thread(target=self._pipe, args=(up, self.connection),
                                 daemon=True).start()
                self._pipe(self.connection, up)

            @staticmethod
            def _pipe(src, dst):
                try:
                    while True:
                        data = src.recv(65536)
                        if not data:
                            break
                        dst.sendall(data)
                except OSError:
                    pass
                finally:
                    for s in (src, dst):
                        try:
                            s.shutdown(socket.SHUT_RDWR)
                        except OSError:
                            pass

        class Server(socketserver.ThreadingTCPServer):
            daemon_threads = True
            allow_reuse_address = True

        self.server = Server(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True,
                         kwargs={"poll_interval": 0.05}).start()

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


class Tokens(Case):
    def test_a_fresh_token_goes_only_to_the_endpoint_that_came_with_it(self):
        """CONTRACT.md 6: after a 401, the fresh authentication's token
        goes to the endpoint that came with it, never to the one in the
        state file (which may have been planted)."""
        self.first_run()
        stranger = Stranger()
        self.addCleanup(stranger.stop)
        doc = self.state()
        doc["auth"]["dns_url"] = stranger.url
        self.write_state(doc)
        self.sim.set_echo("a", "81.2.69.161\n")
        self.sim.set_echo("b", "81.2.69.161\n")
        res = self.run_ddns()
        self.assertRun(res, 0, err="",
                       out=f"home.example.com A {NEW} -> 81.2.69.161\n")
        fresh = set(self.sim.tokens) - {doc["auth"]["token"]}
        self.assertTrue(fresh, "no fresh authentication")
        self.assertEqual(len(stranger.paths), 1, stranger.paths)
        self.assertEqual(stranger.tokens, [doc["auth"]["token"]],
                         "only the token that came with it")
        self.assertFalse(fresh & set(stranger.tokens), "a token leaked")
        self.assertEqual(len(self.sim.requests("PUT")), 1)
        self.assertEqual(self.state()["auth"]["dns_url"], self.sim.dns_url)

    def test_a_token_of_another_user_is_not_used(self):
        self.first_run()
        doc = self.state()
        doc["auth"]["username"] = "someone-else"
        self.write_state(doc)
        self.sim.set_echo("a", "81.2.69.161\n")
        self.sim.set_echo("b", "81.2.69.161\n")
        res = self.run_ddns()
        self.assertRun(res, 0, err="")
        self.assertEqual(len(self.sim.requests("POST", "/tokens$")), 1)
        for e in self.sim.rackspace_requests():
            if e["path"].startswith("/v1.0/"):
                self.assertNotEqual(e["headers"].get("x-auth-token"),
                                    doc["auth"]["token"])


class StateTrust(Case):
    """CONTRACT.md 5 (v2): only what the program itself wrote is believed."""

    def planted(self):
        """A state claiming the record is current and verified till 2099,
        while the live record holds something else."""
        self.first_run()
        doc = self.state()
        doc["records"][0]["verified"] = "2099-01-01T00:00:00Z"
        self.write_state(doc)
        self.sim.set_record(self.zone, self.rec, data="198.51.100.99")
        return doc

    def test_a_state_others_may_write_is_ignored(self):
        for mode in (0o666, 0o620, 0o602):
            with self.subTest(oct(mode)):
                self.planted()
                os.chmod(self.cache, mode)
                res = self.run_ddns()
                self.assertRun(res, 0, err_re=r"^ddnsupdate: warning: state "
                               r"file .* may be written by .*; not "
                               r"believing it", out=f"home.example.com A "
                               f"198.51.100.99 -> {NEW}\n")
                self.assertEqual(self.live()["data"], NEW)
                self.assertEqual(mode_of(self.cache), 0o600)

    def test_a_state_owned_by_a_stranger_is_ignored(self):
        self.planted()
        self.give_to(UID)
        os.chown(self.cache, OTHER_UID, OTHER_UID)
        os.chmod(self.cache, 0o644)
        res = self.run_ddns(user=UID)
        self.assertRun(res, 0, err_re=r"owned by uid 1234, neither this "
                       r"user \(uid 4321\) nor root",
                       out=f"home.example.com A 198.51.100.99 -> {NEW}\n")
        self.assertEqual(os.stat(self.cache).st_uid, UID)

    def test_a_state_owned_by_root_or_the_user_is_believed(self):
        for owner in (0, UID):
            with self.subTest(owner=owner):
                self.fresh_state()
                self.first_run()
                self.give_to(UID)
                os.chown(self.cache, owner, owner)
                os.chmod(self.cache, 0o644)     # root's: readable
                res = self.run_ddns(user=UID)
                self.assertRun(res, 0, out="", err="")
                self.assertEqual(self.sim.rackspace_requests(), [])

    def test_root_trusts_the_state_it_was_pointed_at(self):
        self.first_run()
        os.chown(self.cache, OTHER_UID, OTHER_UID)
        res = self.run_ddns()
        self.assertRun(res, 0, out="", err="")
        self.assertEqual(self.sim.rackspace_requests(), [])


class Clock(Case):
    """CONTRACT.md 5 (v2): times are not believed past reason."""

    def test_a_wait_saved_by_a_fast_clock_is_cut_to_an_hour(self):
        self.first_run()
        doc = self.state()
        doc["backoff_until"] = time.strftime(
            "%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() + 2 * 86400))
        self.write_state(doc)
        self.sim.set_echo("a", "81.2.69.161\n")
        self.sim.set_echo("b", "81.2.69.161\n")
        res = self.run_ddns()
        self.assertRun(res, 75, out="", err_re=r"until \d{4}-")
        self.assertEqual(self.sim.rackspace_requests(), [])
        until = time.mktime(time.strptime(self.state()["backoff_until"],
                                          "%Y-%m-%dT%H:%M:%SZ")) - time.timezone
        self.assertLessEqual(until, time.time() + 3600 + 5, "saved so")
        self.assertGreater(until, time.time() + 3600 - 60)

    def test_a_verified_time_in_the_future_makes_the_record_due(self):
        self.first_run()
        doc = self.state()
        doc["records"][0]["verified"] = "2099-01-01T00:00:00Z"
        self.write_state(doc)
        self.sim.set_record(self.zone, self.rec, data="198.51.100.99")
        res = self.run_ddns()
        self.assertRun(res, 0, err="",
                       out=f"home.example.com A 198.51.100.99 -> {NEW}\n")
        self.assertEqual(self.live()["data"], NEW)

    def test_a_changed_time_in_the_future_makes_the_record_due(self):
        self.first_run()
        doc = self.state()
        doc["records"][0]["changed"] = "2099-01-01T00:00:00Z"
        self.write_state(doc)
        res = self.run_ddns()
        self.assertRun(res, 0, out="", err="")
        self.assertEqual(len(self.sim.requests("GET", "/records/")), 1)

    def test_a_clock_before_the_build_is_75_before_any_traffic(self):
        # faketime preloads its library: ASan must allow it (check-sanitize)
        asan = os.environ.get("ASAN_OPTIONS", "")
        res = self.run_ddns(prefix=["faketime", "2001-01-01 00:00:00"], env={
            "ASAN_OPTIONS": asan + ":verify_asan_link_order=0"})
        self.assertRun(res, 75, out="", err_re=r"^ddnsupdate: the system "
                       r"clock says 2001-01-01T00:00:\d\dZ, before this "
                       r"program was built \(\d{4}-.*\); set the clock")
        self.assertOneMessage(res)
        self.assertEqual(self.sim.requests(), [])
        self.assertFalse(os.path.exists(self.cache))


class RecreatedIds(Case):
    """CONTRACT.md 6 (v2): a cached id that answers 404 is dropped and the
    name looked up again, once, in the same run."""

    def change_address(self):
        self.sim.set_echo("a", "81.2.69.161\n")
        self.sim.set_echo("b", "81.2.69.161\n")

    def test_a_record_made_again_is_found_and_changed(self):
        self.first_run()
        self.sim.delete_record(self.zone, self.rec)
        rec = self.sim.add_record(self.zone, "home.example.com", "A", NEW)
        self.change_address()
        res = self.run_ddns()
        self.assertRun(res, 0, err="",
                       out=f"home.example.com A {NEW} -> 81.2.69.161\n")
        self.assertEqual(self.live(rec)["data"], "81.2.69.161")
        self.assertEqual(self.state()["records"][0]["record_id"], rec)
        res = self.run_ddns()
        self.assertRun(res, 0, out="", err="")

    def test_a_zone_made_again_is_found_and_changed(self):
        self.first_run()
        self.sim.delete_zone(self.zone)
        zone = self.sim.add_zone("example.com")
        rec = self.sim.add_record(zone, "home.example.com", "A", NEW)
        self.change_address()
        res = self.run_ddns()
        self.assertRun(res, 0, err="",
                       out=f"home.example.com A {NEW} -> 81.2.69.161\n")
        self.assertEqual(self.sim.record(zone, rec)["data"], "81.2.69.161")
        self.assertEqual(self.state()["records"][0]["domain_id"], zone)
        self.assertEqual(len(self.sim.requests("GET", r"/domains$")), 1)

    def test_a_zone_made_again_is_found_when_verification_is_due(self):
        self.first_run()
        self.sim.delete_zone(self.zone)
        zone = self.sim.add_zone("example.com")
        rec = self.sim.add_record(zone, "home.example.com", "A", OLD)
        res = self.run_ddns("-f")
        self.assertRun(res, 0, err="", out=LINE)
        self.assertEqual(self.sim.record(zone, rec)["data"], NEW)

    def test_ids_in_the_configuration_are_never_replaced(self):
        conf = self.config(records=[{"name": "home.example.com",
                                     "domain_id": self.zone,
                                     "record_id": self.rec}])
        res = self.run_ddns(conf=conf)
        self.assertRun(res, 0, out=LINE, err="")
        self.sim.delete_record(self.zone, self.rec)
        self.sim.add_record(self.zone, "home.example.com", "A", NEW)
        self.change_address()
        res = self.run_ddns(conf=conf)
        self.assertRun(res, 76, out="", err_re=r"HTTP 404")
        self.assertEqual(len(self.sim.requests("PUT")), 1)
        self.assertEqual(self.sim.requests("GET", r"/domains$"), [])

    def test_one_stale_id_does_not_stop_the_others(self):
        """Several records of one zone go in one PUT; one of them made
        again: the PUT fails, each goes alone, all are changed."""
        other = self.sim.add_record(self.zone, "www.example.com", "A", OLD)
        conf = self.config(records=[{"name": "home.example.com"},
                                    {"name": "www.example.com"}])
        res = self.run_ddns(conf=conf)
        self.assertRun(res, 0, err="")
        self.sim.delete_record(self.zone, other)
        other = self.sim.add_record(self.zone, "www.example.com", "A", NEW)
        self.change_address()
        res = self.run_ddns(conf=conf)
        self.assertRun(res, 0, err="", out=f"home.example.com A {NEW} -> "
                       f"81.2.69.161\nwww.example.com A {NEW} -> "
                       "81.2.69.161\n")
        self.assertEqual(self.live()["data"], "81.2.69.161")
        self.assertEqual(self.live(other)["data"], "81.2.69.161")

    def test_a_refused_record_does_not_stop_the_others(self):
        other = self.sim.add_record(self.zone, "www.example.com", "A", OLD)
        conf = self.config(records=[{"name": "home.example.com"},
                                    {"name": "www.example.com"}])
        res = self.run_ddns(conf=conf)
        self.assertRun(res, 0, err="")
        self.change_address()
        self.sim.add_fault("PUT", r"/records$", 400, body={
            "message": "Bad Request", "code": 400,
            "details": "Simulated refusal of the list"})
        self.sim.add_fault("PUT", rf"/records/{other}$", 400, body={
            "message": "Bad Request", "code": 400,
            "details": "Simulated refusal of www"})
        res = self.run_ddns(conf=conf)
        self.assertRun(res, 76, out=f"home.example.com A {NEW} -> "
                       "81.2.69.161\n", err_re=r"^ddnsupdate: www\.example"
                       r"\.com A: PUT .*HTTP 400: .*Simulated refusal of "
                       r"www\n\Z")
        self.assertEqual(self.live()["data"], "81.2.69.161")
        self.assertEqual(self.live(other)["data"], NEW)


class Fifos(Case):
    """CONTRACT.md 4 (v2): files are opened without blocking and must be
    regular files: a FIFO is 78 at once (or, for the state, a first run)."""

    def fifo(self, name):
        path = os.path.join(self.dir, name)
        os.mkfifo(path, 0o600)
        return path

    def test_a_fifo_as_config_key_or_ca_file_is_78_at_once(self):
        cases = {
            "config": lambda p: {"conf": p},
            "api_key_file": lambda p: {"conf": self.config(
                name="k.json", api_key_file=p)},
            "ca_file": lambda p: {"conf": self.config(name="c.json",
                                                       ca_file=p)},
        }
        for what, make in cases.items():
            with self.subTest(what):
                kw = make(self.fifo(what + ".fifo"))
                res = self.run_ddns(timeout=10, **kw)
                self.assertRun(res, 78, out="", err_re="FIFO")
                self.assertLess(res.seconds, 5)

    def test_a_fifo_as_the_credential_is_78_at_once(self):
        creds = os.path.join(self.dir, "creds")
        os.mkdir(creds, 0o700)
        os.mkfifo(os.path.join(creds, "api_key"), 0o600)
        res = self.run_ddns(env={"CREDENTIALS_DIRECTORY": creds}, timeout=10)
        self.assertRun(res, 78, out="", err_re="FIFO")

    def test_a_fifo_as_the_state_is_a_first_run_and_never_holds_the_lock(self):
        os.mkfifo(self.cache, 0o600)
        res = self.run_ddns(timeout=10)
        self.assertRun(res, 0, out=LINE, err_re=r"FIFO, not a regular file")
        self.assertTrue(stat.S_ISREG(os.stat(self.cache).st_mode))
        res = self.run_ddns(timeout=10)
        self.assertRun(res, 0, out="", err="")


class Files(Case):
    def test_a_config_others_may_write_is_refused_even_without_the_key(self):
        for mode in (0o664, 0o646, 0o666):
            with self.subTest(oct(mode)):
                conf = self.config(mode=mode)
                res = self.run_ddns(conf=conf)
                self.assertRun(res, 78, out="", err_re=r"configuration may "
                               r"be written by .*send the API key "
                               rf"elsewhere; run: chmod go-w {conf}$")
                self.assertEqual(self.sim.requests(), [])

    def test_a_ca_file_others_may_write_is_refused(self):
        ca = self.write(os.path.join(self.dir, "ca.pem"),
                        open(self.sim.ca_file).read(), 0o666)
        res = self.run_ddns(conf=self.config(ca_file=ca))
        self.assertRun(res, 78, out="", err_re=rf"ca_file .*chmod go-w {ca}")

    def test_a_key_file_with_a_nul_byte_is_78(self):
        with open(self.keyfile, "wb") as f:
            f.write(KEY[:8].encode() + b"\0" + KEY[8:].encode() + b"\n")
        res = self.run_ddns()
        self.assertRun(res, 78, out="", err_re="NUL")
        self.assertEqual(self.sim.requests(), [])

    def test_only_our_own_temporaries_are_removed(self):
        mine = self.write(self.cache + ".abcdef", "a user's file")
        ours = self.write(self.cache + ".ddnsupdate-tmp-Xy12Zq", "{\"torn")
        self.state_files.add(ours)
        self.first_run()
        self.assertTrue(os.path.exists(mine), "a user's file was removed")
        self.assertFalse(os.path.exists(ours), "a stale temporary was left")

    def test_the_state_directory_is_checked_before_any_traffic(self):
        """73 before the change, not after it (CONTRACT.md 6)."""
        statedir = os.path.join(self.dir, "state")
        os.mkdir(statedir, 0o755)
        cache = os.path.join(statedir, "cache.json")
        open(cache + ".lock", "w").close()
        self.give_to(UID)
        os.chown(statedir, 0, 0)            # root's, not the user's
        res = self.run_ddns("-C", cache, user=UID)
        self.assertRun(res, 73, out="", err_re=r"cannot write the state "
                       r"file's directory .*state: Permission denied")
        self.assertOneMessage(res)
        self.assertEqual(self.sim.requests(), [])
        self.assertEqual(self.live()["data"], OLD)

    def test_a_failed_save_says_what_the_next_run_does(self):
        os.mkdir(self.cache)
        os.mkdir(os.path.join(self.cache, "x"))  # rename cannot replace it
        res = self.run_ddns()
        self.assertEqual(res.rc, 73, res)
        self.assertEqual(res.out, LINE)
        self.assertRegex(res.err, r"1 DNS record was changed as printed, but "
                         r"the state file was not written; the next run "
                         r"will send the same change again")
        self.assertNotIn("read the live records again", res.err)


class Resolver(Case):
    def test_a_hanging_name_lookup_ends_at_the_timeout(self):
        """CONTRACT.md 6 (v2): the timeout covers name resolution.  In a
        private network and mount namespace, the resolver is a loopback
        server that never answers, asked for 20 s."""
        d = tempfile.mkdtemp(prefix="ddns-resolv-")
        self.addCleanup(subprocess.run, ["rm", "-rf", d])
        with open(os.path.join(d, "resolv.conf"), "w") as f:
            f.write("nameserver 127.0.0.1\noptions timeout:20 attempts:1\n")
        with open(os.path.join(d, "hosts"), "w") as f:
            f.write("127.0.0.1 localhost\n")
        mute = os.path.join(d, "mute.py")
        with open(mute, "w") as f:
            f.write("import socket, time\n"
                    "s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)\n"
                    "s.bind(('127.0.0.1', 53))\n"
                    "t = time.time() + 60\n"
                    "while time.time() < t:\n"
                    "    s.settimeout(1)\n"
                    "    try: s.recvfrom(512)\n"
                    "    except OSError: pass\n")
        conf = self.config(timeout=3, ip_sources={"ipv4": [
            "https://echo.invalid.example/ip"]})
        script = (f"ip link set lo up && "
                  f"mount --bind {d}/resolv.conf /etc/resolv.conf && "
                  f"mount --bind {d}/hosts /etc/hosts && "
                  f"(timeout 60 python3 {mute} </dev/null >/dev/null 2>&1 &)"
                  f" && sleep 0.3 && "
                  f"exec \"$@\"")
        res = self.run_ddns(conf=conf, timeout=60, prefix=[
            "unshare", "-n", "-m", "--", "sh", "-c", script, "sh"])
        self.assertRun(res, 75, out="", err_re=r"no IPv4 address could be "
                       r"detected.*(Resolving timed out|timed out)")
        self.assertLess(res.seconds, 10, "the 20 s look-up was not cut")


class Proxies(Case):
    def test_address_sources_never_go_through_a_proxy(self):
        proxy = ConnectProxy()
        self.addCleanup(proxy.stop)
        env = {"https_proxy": proxy.url, "HTTPS_PROXY": proxy.url,
               "all_proxy": proxy.url, "no_proxy": ""}
        res = self.run_ddns(env=env)
        self.assertRun(res, 0, out=LINE, err="")
        self.assertEqual(len(self.echo_calls()), 1)
        port = str(self.sim.port)
        # Rackspace's requests went through it; the echo service's did not
        self.assertTrue(proxy.targets, "Rackspace requests ignored the proxy")
        self.assertTrue(all(t.endswith(":" + port) for t in proxy.targets))
        echo = self.echo_calls()[0]
        self.assertEqual(len([t for t in proxy.targets]),
                         len({e["conn"] for e in self.sim.requests()
                              if not e["path"].startswith("/echo/")}))
        self.assertNotIn(echo["conn"], {e["conn"] for e in
                                        self.sim.rackspace_requests()})


class HostileText(Case):
    """CONTRACT.md 3 (v2): text from outside is one printable line, and no
    secret is printed, not even when an API message quotes it back."""

    def test_a_job_error_with_a_stack_trace_and_escapes_is_one_line(self):
        self.sim.job_plan = [{"initial": "RUNNING", "polls": 1,
                              "final": "ERROR", "running_code": 200,
                              "error": {"message": "Bad Request",
                                        "code": 400, "details":
                                        "java.lang.Error: \x1b[31mboom"
                                        "\x1b[0m\n\tat a.B(B.java:1)\r\n"
                                        "\tat c.D\x07\x1b]0;owned\x07"}}]
        res = self.run_ddns()
        self.assertRun(res, 76, out="", err_re=r"java\.lang\.Error: boom at "
                       r"a\.B\(B\.java:1\) at c\.D\?$")
        self.assertOneMessage(res)
        self.assertNotIn("\x1b", res.err)
        self.assertNotIn("\x07", res.err)

    def test_an_api_message_quoting_the_key_prints_no_key(self):
        self.sim.add_fault("POST", "/tokens$", 400, body={"badRequest": {
            "code": 400, "message": "Invalid request body: {\"auth\":{"
            f"\"apiKey\":\"{KEY}\",\"username\":\"jdoe\"}}"}})
        res = self.run_ddns()
        self.assertRun(res, 76, out="", err_re=r"\[secret\]")

    def test_an_api_message_quoting_the_token_prints_no_token(self):
        self.first_run()
        token = self.state()["auth"]["token"]
        self.sim.set_echo("a", "81.2.69.161\n")
        self.sim.set_echo("b", "81.2.69.161\n")
        self.sim.add_fault("PUT", "/records/", 400, body={
            "message": "Bad Request", "code": 400,
            "details": f"X-Auth-Token {token} may not do this"})
        res = self.run_ddns()
        self.assertRun(res, 76, out="", err_re=r"X-Auth-Token \[secret\] may")

    def test_an_echo_url_is_printed_without_its_query(self):
        self.sim.set_echo("a", "oops", status=500)
        conf = self.config(ip_sources={"ipv4": [
            self.sim.echo_url("a") + "?token=Qz7sEcReT"]})
        res = self.run_ddns(conf=conf)
        self.assertRun(res, 75, out="", err_re=r"/echo/a: HTTP 500")
        self.assertNotIn("Qz7sEcReT", res.err)
        res = self.run_ddns("-v", conf=conf)
        self.assertNotIn("Qz7sEcReT", res.err)


class Process(Case):
    """CONTRACT.md 7 (v2)."""

    def test_with_stderr_closed_nothing_goes_into_the_program_files(self):
        """fds 0-2 exist before any file is opened: with stderr closed, a
        failure's line would otherwise land in the lock file, the first
        file still open when it is written."""
        closed = ["sh", "-c", 'exec "$@" 2>&-', "sh"]
        self.sim.set_echo("a", "oops", status=500)
        self.sim.set_echo("b", "oops", status=500)
        res = self.run_ddns(prefix=closed)
        self.assertEqual(res.rc, 75, res)
        self.assertEqual(os.path.getsize(self.cache + ".lock"), 0,
                         "a message was written into the lock file")

    def test_the_exit_status_does_not_depend_on_stderr(self):
        """errno is kept across logging: another run holding the lock is
        75 whether or not the message could be written."""
        import fcntl
        open(self.cache + ".lock", "w").close()
        with open(self.cache + ".lock") as held:
            fcntl.flock(held, fcntl.LOCK_EX)
            for prefix in ([], ["sh", "-c", 'exec "$@" 2>&-', "sh"],
                           ["sh", "-c", 'exec "$@" 2>/dev/full', "sh"]):
                with self.subTest(prefix=" ".join(prefix[2:3])):
                    res = self.run_ddns(prefix=prefix)
                    self.assertEqual(res.rc, 75, res)

    def test_the_key_is_in_no_core_dump_and_no_readable_environ(self):
        """Non-dumpable before the key is read: /proc/PID/environ and
        /proc/PID/mem are root's, and the environment's key is wiped."""
        self.give_to(UID)
        self.sim.set_echo("a", NEW + "\n", delay=3)
        conf = self.config(ip_sources={"ipv4": [self.sim.echo_url("a")]},
                           api_key_file=None)
        self.give_to(UID)
        env = {k: v for k, v in os.environ.items()
               if k not in ("CREDENTIALS_DIRECTORY", "STATE_DIRECTORY")}
        env["DDNSUPDATE_API_KEY"] = KEY
        p = subprocess.Popen(["setpriv", f"--reuid={UID}", f"--regid={UID}",
                              "--clear-groups", "--", BIN, "-c", conf],
                             env=env, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True)
        try:
            deadline = time.monotonic() + 10
            seen = None
            while time.monotonic() < deadline and seen is None:
                time.sleep(0.2)
                if self.sim.requests("GET", "^/echo/"):
                    st = os.stat(f"/proc/{p.pid}/environ")
                    with open(f"/proc/{p.pid}/environ", "rb") as f:
                        seen = (st.st_uid, f.read())
            self.assertIsNotNone(seen, "the run never asked its source")
            self.assertEqual(seen[0], 0, "/proc/PID/environ is the user's")
            self.assertNotIn(KEY.encode(), seen[1])
            out, err = p.communicate(timeout=30)
        finally:
            p.kill()
            p.wait()
        self.assertEqual(p.returncode, 0, err)

    def test_an_aaaa_record_in_another_text_form_is_not_changed(self):
        rec = self.sim.add_record(self.zone, "home.example.com", "AAAA",
                                  "2A02:1234:0:0:0:0:0:1")
        conf = self.config(records=[{"name": "home.example.com",
                                     "type": "AAAA"}])
        res = self.run_ddns("--ipv6", "2a02:1234::1", conf=conf)
        self.assertRun(res, 0, out="", err="")
        self.assertEqual(self.sim.requests("PUT"), [])
        self.assertEqual(self.sim.record(self.zone, rec)["data"],
                         "2A02:1234:0:0:0:0:0:1")

    def test_an_invalid_live_ttl_is_reported_as_such(self):
        self.sim.set_record(self.zone, self.rec, data=NEW, ttl=-5)
        res = self.run_ddns()
        self.assertRun(res, 0, err="", out=f"home.example.com A {NEW} -> "
                       f"{NEW} (ttl invalid -> 300)\n")

    def test_sudo_runs_leave_the_service_users_files_to_it(self):
        """A run as root keeps the owner of the state and its lock."""
        self.give_to(UID)
        res = self.run_ddns(user=UID)
        self.assertRun(res, 0, out=LINE, err="")
        self.sim.set_echo("a", "81.2.69.161\n")
        self.sim.set_echo("b", "81.2.69.161\n")
        res = self.run_ddns("-v")           # sudo ddnsupdate -v
        self.assertEqual(res.rc, 0, res)
        for path in (self.cache, self.cache + ".lock"):
            self.assertEqual(os.stat(path).st_uid, UID, path)
        self.sim.set_echo("a", "81.2.69.162\n")
        self.sim.set_echo("b", "81.2.69.162\n")
        res = self.run_ddns(user=UID)
        self.assertRun(res, 0, err="", out="home.example.com A 81.2.69.161 "
                       "-> 81.2.69.162\n")

    def test_a_lock_made_by_root_in_the_users_directory_is_the_users(self):
        self.give_to(UID)
        res = self.run_ddns()               # root, first of all
        self.assertRun(res, 0, out=LINE, err="")
        for path in (self.cache, self.cache + ".lock"):
            self.assertEqual(os.stat(path).st_uid, UID, path)
        res = self.run_ddns(user=UID)
        self.assertRun(res, 0, out="", err="")


if __name__ == "__main__":
    unittest.main()
