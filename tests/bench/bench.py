#!/usr/bin/env python3
"""make bench: what one ddnsupdate run costs, next to the tools people use
instead, all against the loopback simulator over HTTPS.

    python3 tests/bench/bench.py --binary ./ddnsupdate [--runs N | --quick]
                                 [--out FILE] [--no-install]

Scenarios (each tool is run once to warm up, then the tools take turns:
run 1 of every tool, run 2 of every tool, ..., each round starting one
tool further on; medians are reported):

1. No-change run, the one that matters most: the tool asks the same HTTPS
   echo service (/echo/a) for the address, finds it equal to what it last
   published, and exits.  Peers: `curl -s` of the same URL; `inadyn --once`
   and `ddclient` with caches that already hold the address; and the floor,
   tests/bench/floor.c, which does nothing but the libcurl fetch.  Every
   measured run must make exactly that one request: a tool that sends
   anything else (an update, say) is not in the same scenario and is
   dropped from it, loudly.  A reference row, tests/bench/startup.c,
   shows what merely starting a libcurl program costs (load libcurl and
   its libraries, curl_global_init, no request).  Measured twice:
   - with ca_file: each tool is given the simulator's CA file (ddnsupdate
     `ca_file`, curl --cacert, the floor's CAINFO argument, inadyn
     `ca-trust-file`, ddclient `ssl_ca_file`);
   - with the system trust store: no tool is told about a CA; the run
     happens inside `unshare -m --propagation private` with a bind mount
     over /etc/ssl/certs of a copy of the machine's store plus the
     simulator's CA (a PEM file, its OpenSSL subject-hash link <hash>.0,
     and a ca-certificates.crt bundle with the CA appended).  The
     machine's real store is never touched.
   Instruction counts (valgrind --tool=callgrind, "Collected") of
   ddnsupdate and the floor are reported too: they do not move with
   machine noise; the profiles stay in build/bench/callgrind/, and the
   report splits ddnsupdate's count into dynamic loading,
   curl_global_init, curl_easy_perform, exit and the rest.
2. Change run with a cached token: the address changed since the last run
   and the Cloud DNS job completes at the first poll; ddnsupdate (state
   from its previous run, so a cached token) against
   `lexicon rackspace update` of the same record (through lexicon_sim.py,
   which points lexicon at the simulator; lexicon keeps no token, so it
   authenticates every time, and sleeps its default 1 s before each job
   poll).  Also the same with a 202 that is already COMPLETED.
3. Cold first run: ddnsupdate with no state file (authenticate, find the
   zone and the record, PUT, poll), lexicon as in 2.
   For 2 and 3: wall time, Rackspace requests (everything but /echo/) and
   TLS handshakes (connections the simulator accepted) per run.
4. No-change run with a local source, in a network namespace the bench
   makes (ip netns add; deleted at the end) with a veth whose v0 holds the
   address and a simulator of its own on the namespace's loopback:
   ddnsupdate with `iface:v0` (state of a completed run) against inadyn's
   interface mode (`iface = v0`) and ddclient's (`use=if, if=v0`), each
   with a cache holding the address, and the floors: tests/bench/exit.c,
   a C program that returns at once, alone and linked to libcurl.  No
   tool may make a single request.  CPU, wall, peak RSS, page faults, and
   instructions (callgrind) of each, ddnsupdate's split by phase (load,
   config, state, detection, exit); `ldd` of the binary and the libraries
   the loader mapped (LD_DEBUG=files) in this run and in an echo run.
5. Network hook latency, in the same namespace: the hooks installed with
   `make install-hooks PREFIX=<tmp>`; 10 times, the address of v0 changes,
   NetworkManager's dispatcher hook is run as the dispatcher runs it, and
   the time until the simulator's record holds the new address (the job
   completed) is taken.  Median and max.

How a run is measured: tests/bench/measure.c forks and execs the command
and collects it with wait4(2): CPU time = ru_utime + ru_stime, peak RSS =
ru_maxrss (KiB), wall time = CLOCK_MONOTONIC (the clock of Python's
time.monotonic) from fork to the end of wait4, page faults =
ru_minflt.  It is a small C program
and not os.wait4 in this script because Linux carries a process's peak
RSS across execve: any child forked from this Python process reports at
least this process's RSS.  In the system-store variant the helper runs
inside the namespace, so unshare, sh and mount are not counted either.

Peers missing from the machine are installed with apt-get (curl, inadyn,
ddclient, lexicon, valgrind); a peer that cannot be installed, or fails,
is reported and left out, never fatal.  Every subprocess has a timeout and
every loop is bounded.  The results go to stdout and to RESULTS.md with
the machine they ran on (--quick: build/bench/RESULTS-quick.md, so that a
smoke run does not replace the real results).  Exit status 0 when the
report was written, whatever the targets say; 1 when ddnsupdate itself
failed in a scenario; 2 when the bench cannot start.
"""

import argparse
import dataclasses
import fcntl
import hashlib
import json
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timezone

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(ROOT, "tests", "integration"))

from netns import Netns  # noqa: E402
from simulator import Simulator  # noqa: E402

BUILD = os.path.join(ROOT, "build", "bench")
DEFAULT_OUT = os.path.join(HERE, "RESULTS.md")
QUICK_OUT = os.path.join(BUILD, "RESULTS-quick.md")

ZONE = "example.com"
HOST = "home.example.com"
OLD = "198.51.100.4"          # what the live record holds at the start
ADDR1 = "81.2.69.160"         # the two public addresses the echo answers
ADDR2 = "81.2.69.161"
USER = "jdoe"

RUN_TIMEOUT = 60              # seconds for one measured command
TOOL_TIMEOUT = 120            # seconds for set-up commands and callgrind
APT_TIMEOUT = 900             # seconds for one apt-get call
CALLGRIND_RUNS = 3
STARTUP = "libcurl start-up"  # the reference row of the no-change tables
PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

# The peers and the Debian packages that bring them.
PACKAGES = {"curl": "curl", "inadyn": "inadyn", "ddclient": "ddclient",
            "lexicon": "lexicon", "valgrind": "valgrind"}
# Services that some of these packages enable on install; the bench stops
# the ones it installed itself (they would otherwise poll the Internet).
SERVICES = {"ddclient": "ddclient.service", "inadyn": "inadyn.service"}

# The system-store variant: the bind mount is made by sh in the new mount
# namespace, then sh execs the measuring helper.  $0 is the directory.
NS_PREFIX = ["unshare", "-m", "--propagation", "private", "sh", "-c",
             'mount --bind "$0" /etc/ssl/certs && exec "$@"']


def log(msg=""):
    print(msg, flush=True)


def run(argv, timeout=TOOL_TIMEOUT, **kw):
    """A set-up command (not measured): CompletedProcess, or None when it
    could not be started or timed out."""
    try:
        return subprocess.run(argv, capture_output=True, text=True,
                              timeout=timeout, stdin=subprocess.DEVNULL, **kw)
    except (OSError, subprocess.TimeoutExpired) as e:
        log(f"  ({' '.join(argv[:3])}: {e})")
        return None


def first_line(argv):
    p = run(argv, timeout=30)
    if p is None:
        return "?"
    text = (p.stdout or p.stderr).strip()
    return text.splitlines()[0] if text else "?"


def which(name):
    return shutil.which(name, path=PATH + ":" + os.environ.get("PATH", ""))


# ---------------------------------------------------------------- peers

def install_peers(no_install):
    """Install with apt-get the peers that are missing; return (notes,
    names that could not be had)."""
    notes, missing = [], [n for n in PACKAGES if which(n) is None]
    if not missing:
        return notes, []
    if no_install:
        return [f"not installed (--no-install): {', '.join(missing)}"], \
            missing
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    log(f"installing {', '.join(missing)} with apt-get")
    p = run(["apt-get", "update"], timeout=APT_TIMEOUT, env=env)
    if p is None or p.returncode != 0:
        notes.append("apt-get update failed; trying the install anyway")
    failed = []
    for name in missing:       # one at a time: one failure spoils no other
        # with its Recommends: ddclient speaks HTTPS only with
        # libio-socket-ssl-perl, which it merely recommends
        p = run(["apt-get", "install", "-y", PACKAGES[name]],
                timeout=APT_TIMEOUT, env=env)
        if p is None or p.returncode != 0 or which(name) is None:
            said = (p.stderr.strip().splitlines() or ["?"])[-1] if p \
                else "timeout"
            notes.append(f"{name}: apt-get install failed ({said}); "
                         "left out")
            failed.append(name)
            continue
        notes.append(f"{name}: installed with apt-get")
        service = SERVICES.get(name)
        if service and os.path.isdir("/run/systemd/system") and \
                which("systemctl"):
            # the package enables a daemon with a stock configuration
            run(["systemctl", "disable", "--now", service], timeout=60)
            notes.append(f"{name}: stopped and disabled {service}, which "
                         "the package had enabled")
    return notes, failed


def build_helpers():
    """cc -O2 the floor and the measuring helper into build/bench."""
    os.makedirs(BUILD, exist_ok=True)
    out = {}
    for name, src, libs in (
            ("measure", "measure", []), ("floor", "floor", ["-lcurl"]),
            ("startup", "startup", ["-lcurl"]), ("exit", "exit", []),
            ("exit-curl", "exit", ["-Wl,--no-as-needed", "-lcurl"])):
        exe = os.path.join(BUILD, name)
        p = run(["cc", "-O2", "-Wall", "-o", exe,
                 os.path.join(HERE, src + ".c"), *libs])
        if p is None or p.returncode != 0:
            log(f"cc {name}.c failed: {p.stderr.strip() if p else ''}")
            out[name] = None
        else:
            out[name] = exe
    return out


def lexicon_python():
    """The interpreter lexicon is installed for, from its #! line."""
    path = which("lexicon")
    try:
        with open(path, "rb") as f:
            line = f.readline().decode(errors="replace").strip()
    except (OSError, TypeError):
        return None
    if not line.startswith("#!"):
        return None
    words = line[2:].split()
    if words and os.path.basename(words[0]) == "env":
        words = words[1:]
    return which(words[0]) if words else None


# ---------------------------------------------------------------- measuring

@dataclasses.dataclass
class Run:
    """One measured run of one tool."""
    rc: int = -1
    signal: int = 0
    timed_out: bool = False
    cpu_ms: float = 0.0
    wall_ms: float = 0.0
    rss_kib: int = 0
    minflt: int = 0             # page faults served without I/O
    out: str = ""
    err: str = ""
    requests: list = dataclasses.field(default_factory=list)
    connections: int = 0        # TCP (here TLS) connections accepted
    error: str | None = None    # why the run does not count

    @property
    def rackspace(self):
        return [e for e in self.requests if not e["path"].startswith("/echo/")]

    @property
    def echo(self):
        return [e for e in self.requests if e["path"].startswith("/echo/")]

    def conns(self, entries):
        return len({e["conn"] for e in entries})

    def hosts(self, entries):
        return len({e["headers"].get("host", "?") for e in entries})

    def output(self):
        return (self.out + self.err).strip()


@dataclasses.dataclass
class Tool:
    """A command in a scenario: argv() gives its command line for the next
    run (after prepare()), check(run) says why a run is not the scenario
    (None when it is)."""
    name: str
    argv: object
    check: object
    prepare: object = None
    env: dict | None = None
    note: str = ""


class Bench:
    def __init__(self, helpers):
        self.measure_bin = helpers["measure"]
        self.floor_bin = helpers["floor"]
        self.startup_bin = helpers["startup"]
        self.exit_bin = helpers["exit"]
        self.exit_curl_bin = helpers["exit-curl"]
        self.work = tempfile.mkdtemp(prefix="ddnsupdate-bench-")
        try:
            os.makedirs(os.path.join(self.work, "sim"))
            self.sim = Simulator(os.path.join(self.work, "sim"))
        except BaseException:
            shutil.rmtree(self.work, ignore_errors=True)
            raise
        self.env = {"PATH": PATH, "LANG": "C.UTF-8",
                    "HOME": os.path.join(self.work, "home")}
        os.makedirs(self.env["HOME"], exist_ok=True)

    def close(self):
        self.sim.stop()
        shutil.rmtree(self.work, ignore_errors=True)

    def path(self, *names):
        return os.path.join(self.work, *names)

    def measure(self, argv, ns_dir=None, env=None, timeout=RUN_TIMEOUT,
                prefix=()):
        """Run argv once through the helper (in the namespace when ns_dir;
        after prefix, e.g. nsenter into a network namespace, when given)
        and return a Run with its cost and output."""
        res = self.path("measure.result")
        if os.path.exists(res):
            os.unlink(res)
        cmd = [self.measure_bin, res, str(timeout), *argv]
        if ns_dir:
            cmd = [*NS_PREFIX, ns_dir, *cmd]
        cmd = [*prefix, *cmd]
        r = Run()
        with open(self.path("out"), "w+b") as fo, \
                open(self.path("err"), "w+b") as fe:
            try:
                p = subprocess.Popen(cmd, stdin=subprocess.DEVNULL,
                                     stdout=fo, stderr=fe, cwd=self.work,
                                     env=env or self.env,
                                     start_new_session=True)
            except OSError as e:
                r.error = f"cannot start: {e}"
                return r
            try:
                p.wait(timeout + 15)
            except subprocess.TimeoutExpired:
                os.killpg(p.pid, signal.SIGKILL)
                p.wait(10)
                r.error = "the helper itself hung; killed"
            fo.seek(0)
            fe.seek(0)
            r.out = fo.read().decode(errors="replace")
            r.err = fe.read().decode(errors="replace")
        try:
            with open(res) as f:
                fields = f.read().split()
            rc, sig, ut, st, rss, wall, tmo, flt = (int(x) for x in fields)
        except (OSError, ValueError):
            r.error = r.error or ("no measurement (helper or namespace "
                                  f"set-up failed): {r.output()[-300:]}")
            return r
        r.rc, r.signal, r.timed_out = rc, sig, bool(tmo)
        r.cpu_ms = (ut + st) / 1000.0
        r.wall_ms = wall / 1e6
        r.rss_kib = rss
        r.minflt = flt
        if r.timed_out:
            r.error = f"timed out after {timeout} s"
        elif sig:
            r.error = f"killed by signal {sig}"
        return r

    def run_tool(self, tool, ns_dir=None, sim=None, prefix=()):
        """prepare, clear the simulator's log, measure, then check (sim:
        the simulator that the tool talks to, the bench's by default)."""
        sim = sim or self.sim
        try:
            if tool.prepare:
                tool.prepare()
            argv = tool.argv()
        except Exception as e:          # a set-up bug is this tool's failure
            return Run(error=f"set-up failed: {e}")
        sim.clear_log()
        before = sim.connections
        r = self.measure(argv, ns_dir, tool.env, prefix=prefix)
        r.requests = sim.requests()
        r.connections = sim.connections - before
        if r.error is None:
            try:
                r.error = tool.check(r)
            except Exception as e:
                r.error = f"check failed: {e!r}"
        return r

    def scenario(self, title, tools, runs, ns_dir=None, sim=None,
                 prefix=()):
        """One warm-up run of each tool, then `runs` rounds, each round one
        run of every tool.  A tool whose run does not count is dropped
        from the scenario."""
        log(f"\n== {title}: {len(tools)} tools, 1 warm-up + {runs} runs each")
        if not tools:
            return Scenario(title, [], {}, {}, skipped="no tool to run")
        samples = {t.name: [] for t in tools}
        failed = {}
        for rnd in range(runs + 1):
            # each round starts one tool further on, so that no tool always
            # runs right after the same other one
            for t in tools[rnd % len(tools):] + tools[:rnd % len(tools)]:
                if t.name in failed:
                    continue
                r = self.run_tool(t, ns_dir, sim, prefix)
                if r.error:
                    which_run = "warm-up" if rnd == 0 else f"run {rnd}"
                    failed[t.name] = f"{which_run}: {r.error}"
                    log(f"  !! {t.name} DROPPED from this scenario "
                        f"({which_run}): {r.error}")
                    out = r.output()
                    if out:
                        log("     its output: " + out[-500:].replace(
                            "\n", "\n     "))
                elif rnd > 0:
                    samples[t.name].append(r)
            log(f"  round {rnd}/{runs} done" if rnd else "  warm-up done")
        return Scenario(title, tools, samples, failed)


@dataclasses.dataclass
class Scenario:
    title: str
    tools: list
    samples: dict
    failed: dict
    skipped: str | None = None

    def median(self, name, attr):
        """The median of a Run attribute over the tool's runs, or None."""
        runs = self.samples.get(name) or []
        if not runs:
            return None
        return statistics.median(getattr(r, attr) for r in runs)

    def ok(self, name):
        return bool(self.samples.get(name)) and name not in self.failed


def expect_only_echo(r, path="/echo/a"):
    """The no-change scenario: one GET of the echo URL and nothing else."""
    seen = [f"{e['method']} {e['path']}" for e in r.requests]
    if seen != [f"GET {path}"]:
        return ("made requests " + (", ".join(seen) or "(none)") +
                f" instead of exactly GET {path}: not the same scenario")
    return None


def describe(requests):
    """'POST /v2.0/tokens, GET .../domains, ...', the tenant elided."""
    out = []
    for e in requests:
        p = e["path"].replace(f"/v1.0/{Simulator.tenant}", "")
        p = re.sub(r"/status/[0-9a-f-]{36}", "/status/{job}", p)
        out.append(f"{e['method']} {p}")
    return ", ".join(out)


# ---------------------------------------------------------------- set-up

class Setup:
    """The zone, the configurations and caches of every tool."""

    def __init__(self, bench, binary, have):
        self.b, self.binary, self.have = bench, binary, have
        sim = bench.sim
        self.zone = sim.add_zone(ZONE)
        self.rec = sim.add_record(self.zone, HOST, "A", OLD, ttl=300)
        sim.set_echo("a", ADDR1 + "\n")     # no-change scenarios
        sim.set_echo("c", ADDR2 + "\n")     # change scenarios
        self.url = sim.echo_url("a")
        self.key = bench.path("api_key")
        with open(self.key, "w") as f:
            f.write(sim.accounts[USER] + "\n")
        os.chmod(self.key, 0o600)
        self.notes = []

    # -- ddnsupdate

    def dd_config(self, name, echo, state, ca=True):
        sim = self.b.sim
        doc = {"username": USER, "api_key_file": self.key,
               "identity_url": sim.identity_url,
               "ip_sources": {"ipv4": [sim.echo_url(echo)]},
               "cache_file": state,
               "records": [{"name": HOST, "type": "A", "ttl": 300}]}
        if ca:
            doc["ca_file"] = sim.ca_file
        path = self.b.path(name)
        with open(path, "w") as f:
            json.dump(doc, f, indent=2)
        os.chmod(path, 0o600)
        return path

    def seed_ddnsupdate(self, conf):
        """A first run, so that the state file holds a token, the ids and
        the published address, as a completed previous run leaves it."""
        r = self.b.measure([self.binary, "-c", conf], timeout=TOOL_TIMEOUT)
        if r.error or r.rc != 0:
            raise RuntimeError(f"ddnsupdate's first run failed (exit {r.rc}"
                               f"{', ' + r.error if r.error else ''}): "
                               f"{r.output()[-500:]}")

    def seed_once(self, conf, state):
        """Seed the state file unless it exists; return a prepare() for
        ddnsupdate's Tool that raises the seeding error, if any, so that
        ddnsupdate is dropped from the scenario with the reason."""
        error = None
        if not os.path.exists(state):
            try:
                self.seed_ddnsupdate(conf)
            except RuntimeError as e:
                error = str(e)

        def prepare():
            if error:
                raise RuntimeError(error)
        return prepare

    def no_change_tools(self, ca):
        """The tools of the no-change scenario; ca: told the CA file, else
        the system store."""
        b, sim, url, tools = self.b, self.b.sim, self.url, []
        state = b.path("state-nochange.json")
        conf = self.dd_config(f"dd-nochange-{'ca' if ca else 'sys'}.json",
                              "a", state, ca)
        seeded = self.seed_once(conf, state)

        def check_dd(r):
            if r.rc != 0 or r.output():
                return f"exit {r.rc}, output {r.output()[-300:]!r}"
            return expect_only_echo(r)
        tools.append(Tool("ddnsupdate", lambda: [self.binary, "-c", conf],
                          check_dd, seeded,
                          note="one echo source, "
                               + ("ca_file" if ca else "no ca_file")
                               + "; state file of a completed run"))

        if self.have.get("floor"):
            argv = [b.floor_bin, url] + ([sim.ca_file] if ca else [])

            def check_floor(r):
                return f"exit {r.rc}" if r.rc else expect_only_echo(r)
            tools.append(Tool("floor", lambda: argv, check_floor,
                              note="tests/bench/floor.c: curl_easy_init, "
                                   "URL, [CAINFO], perform, cleanup"))

        if self.have.get("startup"):
            def check_startup(r):
                if r.rc or r.requests:
                    return f"exit {r.rc}, {len(r.requests)} requests"
                return None
            tools.append(Tool(STARTUP, lambda: [b.startup_bin],
                              check_startup,
                              note="for reference, no request: "
                                   "tests/bench/startup.c loads libcurl and "
                                   "calls curl_global_init"))

        if self.have.get("curl"):
            argv = [which("curl"), "-s"] + \
                (["--cacert", sim.ca_file] if ca else []) + [url]

            def check_curl(r):
                if r.rc != 0 or r.out.strip() != ADDR1:
                    return f"exit {r.rc}, output {r.output()[-200:]!r}"
                return expect_only_echo(r)
            tools.append(Tool("curl -s", lambda: argv, check_curl,
                              note="curl -s" + (" --cacert CA" if ca else "")
                                   + " URL"))

        if self.have.get("inadyn"):
            tools.append(self.inadyn_tool(ca))
        if self.have.get("ddclient"):
            tools.append(self.ddclient_tool(ca))
        return tools

    # -- inadyn

    def inadyn_tool(self, ca):
        """inadyn 2.x, a custom provider whose checkip server is the echo
        and whose update server is the simulator (which would answer the
        update with a 404).  Its cache, <cache-dir>/<hostname>.cache,
        holds the last address sent and, in its mtime, when: with the
        address there and a recent mtime, --once checks and exits."""
        b, sim = self.b, self.b.sim
        hostport = f"127.0.0.1:{sim.port}"
        cache_dir = b.path("inadyn-cache")
        os.makedirs(cache_dir, exist_ok=True)
        conf = b.path(f"inadyn-{'ca' if ca else 'sys'}.conf")
        with open(conf, "w") as f:
            if ca:
                f.write(f"ca-trust-file = {sim.ca_file}\n")
            f.write(f"""custom bench {{
    ssl            = true
    checkip-server = {hostport}
    checkip-path   = /echo/a
    checkip-ssl    = true
    ddns-server    = {hostport}
    ddns-path      = "/nic/update?hostname=%h&myip=%i"
    username       = bench
    password       = bench
    hostname       = {HOST}
}}
""")
        cache = os.path.join(cache_dir, HOST + ".cache")

        def prepare():
            with open(cache, "w") as f:
                f.write(ADDR1)           # its format: the bare address

        def check(r):
            if r.rc != 0:
                return f"exit {r.rc}: {r.output()[-300:]}"
            return expect_only_echo(r)
        return Tool("inadyn --once",
                    lambda: [which("inadyn"), "--once", "--foreground",
                             "--no-pidfile", f"--cache-dir={cache_dir}",
                             "-f", conf],
                    check, prepare,
                    note="custom provider, checkip over HTTPS, cache "
                         f"{HOST}.cache holding the address"
                         + ("; ca-trust-file = CA" if ca else ""))

    # -- ddclient

    def ddclient_tool(self, ca):
        """ddclient 3.10, protocol dyndns2 with the simulator as server,
        use=web with the echo URL (usev4=webv4 also works, but then the
        legacy use=ip default is tried as well and warns), and a cache
        that says the address was set, successfully, just now."""
        b, sim = self.b, self.b.sim
        conf = b.path(f"ddclient-{'ca' if ca else 'sys'}.conf")
        with open(conf, "w") as f:
            f.write("ssl=yes\n")
            if ca:
                f.write(f"ssl_ca_file={sim.ca_file}\n")
            f.write(f"use=web, web={self.url}\n"
                    "protocol=dyndns2\n"
                    f"server=127.0.0.1:{sim.port}\n"
                    "login=bench\npassword=bench\n"
                    f"{HOST}\n")
        os.chmod(conf, 0o600)
        cache = b.path("ddclient.cache")

        def prepare():
            now = int(time.time())
            with open(cache, "w") as f:
                f.write(f"## ddclient-3.10.0\n## last updated at ({now})\n"
                        f"atime={now},backupmx=0,custom=0,host={HOST},"
                        f"ip={ADDR1},mtime={now},mx=,script=/nic/update,"
                        "static=0,status=good,status-ipv4=good,wildcard=0,"
                        f"wtime=0 {HOST}\n")
            os.chmod(cache, 0o600)

        def check(r):
            # ddclient exits 0 whatever happened: read what it said
            if r.rc != 0 or re.search(r"WARNING|FAILED|FATAL", r.output()):
                return f"exit {r.rc}: {r.output()[-300:]}"
            return expect_only_echo(r)
        return Tool("ddclient",
                    lambda: [which("ddclient"), "-daemon=0", "-foreground",
                             "-file", conf, "-cache", cache, "-noquiet"],
                    check, prepare,
                    note="dyndns2, use=web, cache holding the address "
                         "(status good, set now)"
                         + ("; ssl_ca_file=CA" if ca else ""))

    # -- change runs

    def live(self):
        return self.b.sim.record(self.zone, self.rec)["data"]

    def change_tools(self, cold):
        """ddnsupdate and lexicon, each making one real change of the
        record per run."""
        b, sim, tools = self.b, self.b.sim, []
        state = b.path("state-cold.json" if cold else "state-change.json")
        conf = self.dd_config("dd-cold.json" if cold else "dd-change.json",
                              "c", state)
        seeded = None if cold else self.seed_once(conf, state)
        target = {}

        def other(addr):
            return ADDR2 if addr == ADDR1 else ADDR1

        def prepare_dd():
            if seeded:
                seeded()                     # raises when seeding failed
            if cold:
                for p in (state, state + ".lock"):
                    if os.path.exists(p):
                        os.unlink(p)
                new = other(self.live())     # it reads the live record
            else:
                with open(state) as f:       # "ip": the last one published
                    new = other(json.load(f).get("ip"))
            target["dd"] = new
            sim.set_echo("c", new + "\n")

        def check_dd(r):
            if r.rc != 0:
                return f"exit {r.rc}: {r.output()[-300:]}"
            if not any(e["method"] == "PUT" for e in r.rackspace):
                return "no PUT: not a change run"
            if self.live() != target["dd"]:
                return f"the record holds {self.live()}, not {target['dd']}"
            if len(r.echo) != 1:
                return f"{len(r.echo)} echo requests"
            return None
        tools.append(Tool("ddnsupdate", lambda: [self.binary, "-c", conf],
                          check_dd, prepare_dd))

        py = lexicon_python()
        if self.have.get("lexicon") and py:
            env = dict(b.env, REQUESTS_CA_BUNDLE=sim.ca_file,
                       TLDEXTRACT_CACHE_PATH=b.path("tldextract"))

            def prepare_lex():
                target["lex"] = other(self.live())

            def argv_lex():
                return [py, os.path.join(HERE, "lexicon_sim.py"),
                        "--identity-url", sim.identity_url,
                        "--dns-url", sim.dns_url.rsplit("/", 1)[0],
                        "--", "rackspace", "update", ZONE, "A",
                        "--name", HOST, "--content", target["lex"],
                        "--auth-account", sim.tenant,
                        "--auth-username", USER,
                        "--auth-api-key", sim.accounts[USER]]

            def check_lex(r):
                if r.rc != 0:
                    return f"exit {r.rc}: {r.output()[-300:]}"
                if not any(e["method"] == "PUT" for e in r.rackspace):
                    return "no PUT: not a change run"
                if self.live() != target["lex"]:
                    return (f"the record holds {self.live()}, "
                            f"not {target['lex']}")
                return None
            tools.append(Tool("lexicon update", argv_lex, check_lex,
                              prepare_lex, env=env,
                              note="lexicon_sim.py: lexicon's CLI, both "
                                   "endpoints patched, default "
                                   "--sleep-time 1"))
        elif self.have.get("lexicon"):
            self.notes.append("lexicon: cannot tell its Python interpreter "
                              "from its #! line; left out")
        return tools


# ---------------------------------------------------------------- trust store

def make_trust_dir(bench):
    """A copy of /etc/ssl/certs with the simulator's CA added both ways
    libraries look: <subject hash>.N (CAPATH) and the bundle."""
    ca = bench.sim.ca_file
    d = bench.path("certs")
    shutil.copytree("/etc/ssl/certs", d, symlinks=True)
    pem = "ddnsupdate-bench-ca.pem"
    shutil.copy(ca, os.path.join(d, pem))
    p = run(["openssl", "x509", "-hash", "-noout", "-in", ca])
    if p is None or p.returncode != 0:
        raise RuntimeError("openssl x509 -hash failed")
    h = p.stdout.strip()
    for n in range(10):                 # the first free <hash>.N
        link = os.path.join(d, f"{h}.{n}")
        if not os.path.lexists(link):
            os.symlink(pem, link)
            break
    bundle = os.path.join(d, "ca-certificates.crt")
    text = ""
    if os.path.exists(bundle):
        with open(bundle) as f:
            text = f.read()
        os.unlink(bundle)               # a copy, or a link into /etc
    with open(ca) as f:
        text = text.rstrip("\n") + "\n" + f.read()
    with open(bundle, "w") as f:
        f.write(text)
    return d, pem


def probe_namespace(d, marker):
    """None when the bind mount works in a private namespace and does not
    leak out of it; else why not."""
    if not os.path.isdir("/etc/ssl/certs"):
        return "/etc/ssl/certs is not a directory here"
    for tool in ("unshare", "mount"):
        if which(tool) is None:
            return f"{tool} is not installed"
    p = run([*NS_PREFIX, d, "test", "-e", f"/etc/ssl/certs/{marker}"],
            timeout=30)
    if p is None or p.returncode != 0:
        return ("unshare -m with a bind mount over /etc/ssl/certs failed: "
                + ((p.stderr or p.stdout).strip()[-200:] if p else "timeout"))
    if os.path.exists(f"/etc/ssl/certs/{marker}"):
        return "the bind mount leaked out of the namespace"
    return None


# ---------------------------------------------------------------- local source

LOCAL_DEV = "v0"
LATENCY_RUNS = 10
LATENCY_LIMIT = 30            # seconds for one hook's run to land
# Where ddnsupdate's instructions go in the no-change run with a local
# source: the phases of main.c (the static helpers of main.c may be
# inlined, so the public functions they call are counted).
LOCAL_PHASES = (
    ("load: the dynamic loader (exec to main: libc, cJSON)",
     ("_dl_start", "_dl_init")),
    ("config: config_load (read, parse, check the file)", ("config_load",)),
    ("state: cache_lock, cache_check_dir, cache_load",
     ("cache_lock", "cache_check_dir", "cache_load")),
    ("detection: ipdetect_run (netlink dump, choice)", ("ipdetect_run",)),
    ("state compared with what was read, not written: cache_save",
     ("cache_save",)),
    ("exit (atexit handlers)", ("exit",)),
)


class Local:
    """A network namespace of the bench's own (ip netns add, a unique
    name, deleted at the end): a veth pair whose v0 holds ADDR1, and a
    simulator on the namespace's loopback.  The no-change run with a local
    source (iface:v0), its peers' interface modes and the floors run in it
    through nsenter; so do the network hook and the run it starts."""

    def __init__(self, bench, binary, have):
        self.b, self.binary, self.have, self.notes = bench, binary, have, []
        if os.geteuid() != 0:
            raise RuntimeError("needs root (ip netns add)")
        self.ns = Netns("bench")
        try:
            self.ns.sh(f"ip link add {LOCAL_DEV} type veth peer name v1; "
                       f"ip link set v1 up; ip link set {LOCAL_DEV} up; "
                       f"ip addr add {ADDR1}/24 dev {LOCAL_DEV}")
            simdir = bench.path("nssim")
            os.makedirs(simdir)
            with self.ns.entered():
                self.sim = Simulator(simdir)
        except BaseException:
            self.ns.delete()
            raise
        self.prefix = self.ns.prefix()
        self.zone = self.sim.add_zone(ZONE)
        self.rec = self.sim.add_record(self.zone, HOST, "A", OLD, ttl=300)
        self.key = bench.path("api_key_ns")
        with open(self.key, "w") as f:
            f.write(self.sim.accounts[USER] + "\n")
        os.chmod(self.key, 0o600)
        self.state = bench.path("state-local.json")
        self.conf = self.dd_config("dd-local.json", self.state)
        self.argv = {}

    def close(self):
        self.sim.stop()
        self.ns.delete()

    def dd_config(self, name, state, path=None):
        doc = {"username": USER, "api_key_file": self.key,
               "identity_url": self.sim.identity_url,
               "ca_file": self.sim.ca_file,
               "ip_sources": {"ipv4": [f"iface:{LOCAL_DEV}"]},
               "cache_file": state,
               "records": [{"name": HOST, "type": "A", "ttl": 300}]}
        path = path or self.b.path(name)
        with open(path, "w") as f:
            json.dump(doc, f, indent=2)
        os.chmod(path, 0o600)
        return path

    def seed(self, argv):
        """A first run in the namespace: the state of a completed run."""
        r = self.b.measure(argv, timeout=TOOL_TIMEOUT, prefix=self.prefix)
        if r.error or r.rc != 0:
            raise RuntimeError(f"ddnsupdate's first run failed (exit {r.rc}"
                               f"{', ' + r.error if r.error else ''}): "
                               f"{r.output()[-500:]}")

    def tools(self):
        b, sim, tools = self.b, self.sim, []
        hostport = f"127.0.0.1:{sim.port}"
        error = None
        try:
            self.seed([self.binary, "-c", self.conf])
        except RuntimeError as e:
            error = str(e)

        def seeded():
            if error:
                raise RuntimeError(error)

        def none_at_all(r):
            if r.requests:
                return ("made requests " + describe(r.requests) +
                        ": not a run with a local source")
            return None

        def check_dd(r):
            if r.rc != 0 or r.output():
                return f"exit {r.rc}, output {r.output()[-300:]!r}"
            return none_at_all(r)
        self.argv["ddnsupdate"] = [self.binary, "-c", self.conf]
        tools.append(Tool("ddnsupdate", lambda: self.argv["ddnsupdate"],
                          check_dd, seeded,
                          note=f"iface:{LOCAL_DEV}, ca_file; state file of a "
                               "completed run"))

        for name, exe, note in (
                ("C exit", b.exit_bin, "tests/bench/exit.c: returns at once"),
                ("C exit + libcurl", b.exit_curl_bin,
                 "the same, linked to libcurl (-Wl,--no-as-needed -lcurl), "
                 "never called")):
            if not exe:
                continue
            self.argv[name] = [exe]

            def check(r):
                return f"exit {r.rc}" if r.rc else none_at_all(r)
            tools.append(Tool(name, (lambda a=self.argv[name]: a), check,
                              note=note))

        if self.have.get("inadyn"):
            cache_dir = b.path("inadyn-cache-local")
            os.makedirs(cache_dir, exist_ok=True)
            conf = b.path("inadyn-local.conf")
            with open(conf, "w") as f:
                f.write(f"""iface = {LOCAL_DEV}
ca-trust-file = {sim.ca_file}
custom bench {{
    ssl            = true
    ddns-server    = {hostport}
    ddns-path      = "/nic/update?hostname=%h&myip=%i"
    username       = bench
    password       = bench
    hostname       = {HOST}
}}
""")
            icache = os.path.join(cache_dir, HOST + ".cache")

            def prepare_inadyn():
                with open(icache, "w") as f:
                    f.write(ADDR1)

            def check_inadyn(r):
                if r.rc != 0:
                    return f"exit {r.rc}: {r.output()[-300:]}"
                return none_at_all(r)
            self.argv["inadyn iface"] = [
                which("inadyn"), "--once", "--foreground", "--no-pidfile",
                f"--cache-dir={cache_dir}", "-f", conf]
            tools.append(Tool("inadyn iface",
                              lambda: self.argv["inadyn iface"],
                              check_inadyn, prepare_inadyn,
                              note=f"iface = {LOCAL_DEV}, custom provider over "
                                   "HTTPS, ca-trust-file; cache holding the "
                                   "address"))

        if self.have.get("ddclient"):
            conf = b.path("ddclient-local.conf")
            with open(conf, "w") as f:
                f.write(f"ssl=yes\nssl_ca_file={sim.ca_file}\n"
                        f"use=if, if={LOCAL_DEV}\n"
                        "protocol=dyndns2\n"
                        f"server={hostport}\n"
                        f"login=bench\npassword=bench\n{HOST}\n")
            os.chmod(conf, 0o600)
            dcache = b.path("ddclient-local.cache")

            def prepare_ddclient():
                now = int(time.time())
                with open(dcache, "w") as f:
                    f.write(f"## ddclient-3.10.0\n## last updated at "
                            f"({now})\natime={now},backupmx=0,custom=0,"
                            f"host={HOST},ip={ADDR1},mtime={now},mx=,"
                            "script=/nic/update,static=0,status=good,"
                            "status-ipv4=good,wildcard=0,"
                            f"wtime=0 {HOST}\n")
                os.chmod(dcache, 0o600)

            def check_ddclient(r):
                if r.rc != 0 or re.search(r"WARNING|FAILED|FATAL",
                                          r.output()):
                    return f"exit {r.rc}: {r.output()[-300:]}"
                return none_at_all(r)
            self.argv["ddclient use=if"] = [
                which("ddclient"), "-daemon=0", "-foreground", "-file", conf,
                "-cache", dcache, "-noquiet"]
            tools.append(Tool("ddclient use=if",
                              lambda: self.argv["ddclient use=if"],
                              check_ddclient, prepare_ddclient,
                              note=f"use=if, if={LOCAL_DEV} (it runs ip(8) to "
                                   "read the address, counted), dyndns2; "
                                   "cache holding the address"))
        return tools

    def instructions(self):
        """callgrind counts of every tool of the scenario (children not
        followed), and the phases of ddnsupdate's: ({name: (Ir or None,
        error)}, phases or None)."""
        log("\n== callgrind, no-change run with a local source")
        counts = {}

        def none_at_all(reqs):
            return f"{len(reqs)} requests" if reqs else None
        for name, argv in self.argv.items():
            n, err = callgrind(self.b, argv, f"local-{name.replace(' ', '_')}",
                               check=none_at_all, sim=self.sim,
                               prefix=self.prefix)
            counts[name] = (n, err)
            log(f"  {name}: " + (f"{n:,.0f}" if err is None else err))
        phases = None
        if counts.get("ddnsupdate", (None,))[0]:
            phases = breakdown(os.path.join(BUILD, "callgrind",
                                            "local-ddnsupdate.out"),
                               LOCAL_PHASES, "the rest: main.c's own steps, "
                               "parse_options, log_init, lock release")
        return counts, phases

    def libraries(self, setup):
        """ldd of the binary, and the libraries the dynamic loader mapped
        (LD_DEBUG=files) in a no-change run with a local source and in
        one with an echo source."""
        out = {}
        p = run(["ldd", self.binary])
        out["ldd"] = p.stdout.strip() if p else "(ldd failed)"
        for label, argv, prefix in (
                ("local", [self.binary, "-c", self.conf], self.prefix),
                ("echo", [self.binary, "-c",
                          self.b.path("dd-nochange-ca.json")], ())):
            d = tempfile.mkdtemp(dir=self.b.work)
            env = dict(self.b.env, LD_DEBUG="files",
                       LD_DEBUG_OUTPUT=os.path.join(d, "ld"))
            p = run([*prefix, *argv], env=env)
            names = []
            for f in sorted(os.listdir(d)):
                with open(os.path.join(d, f)) as fh:
                    text = fh.read()
                start = text.find(f"needed by {self.binary} ")
                if start < 0:
                    continue
                text = text[text.rfind("\n", 0, start) + 1:]
                names += re.findall(r"file=(\S+) \[\d+\];\s+(?:needed|"
                                    r"dynamically loaded) by", text)
            out[label] = (p.returncode if p else None, names)
        return out

    def latency(self, runs):
        """The hook's latency: the address of v0 changes, NetworkManager's
        dispatcher hook is run as the dispatcher runs it (`ddnsupdate v0
        up`, NM_DISPATCHER_ACTION=up), and the time from its start until
        the simulator's record holds the new address (the job completed)
        is taken.  The hooks are installed with `make install-hooks
        PREFIX=<tmp>`, the binary copied to <tmp>/bin; without systemd
        the trigger starts `<tmp>/bin/ddnsupdate -w 60` in the
        background.  Returns a dict: runs [(seconds, hook seconds,
        Rackspace requests)], or error."""
        log(f"\n== network hook latency: {runs} runs")
        prefix_dir = self.b.path("hooks-prefix")
        p = run(["make", "-s", "-C", ROOT, "install-hooks",
                 f"PREFIX={prefix_dir}"])
        if p is None or p.returncode != 0:
            return {"error": "make install-hooks failed: " +
                    ((p.stderr or p.stdout).strip()[-300:] if p else "")}
        bindir = os.path.join(prefix_dir, "bin")
        os.makedirs(bindir, exist_ok=True)
        shutil.copy2(self.binary, os.path.join(bindir, "ddnsupdate"))
        confdir = os.path.join(prefix_dir, "etc", "ddnsupdate")
        os.makedirs(confdir, exist_ok=True)
        state = self.b.path("state-latency.json")
        conf = self.dd_config(None, state, os.path.join(confdir,
                                                        "config.json"))
        hook = os.path.join(prefix_dir, "etc", "NetworkManager",
                            "dispatcher.d", "ddnsupdate")
        # the binary's default configuration is /etc's: the hook passes
        # its environment on, as the dispatcher's is passed to it
        env = dict(self.b.env, DDNSUPDATE_CONFIG=conf,
                   NM_DISPATCHER_ACTION="up", DEVICE_IFACE=LOCAL_DEV,
                   CONNECTION_ID="bench")
        hide = []
        if os.path.isdir("/run/systemd/system"):
            # a host run by systemd: the trigger would start the unit
            hide = ["unshare", "-m", "--propagation", "private", "--", "sh",
                    "-c", 'mount -t tmpfs tmpfs /run/systemd && exec "$@"',
                    "sh"]
            self.notes.append("latency: /run/systemd hidden (tmpfs in a "
                              "private mount namespace), so that the "
                              "trigger starts the run itself")
        try:
            self.seed([os.path.join(bindir, "ddnsupdate"), "-c", conf])
        except RuntimeError as e:
            return {"error": str(e)}
        results = []
        for i in range(runs):
            new = f"81.2.69.{170 + i}"
            self.ns.sh(f"ip -4 addr flush dev {LOCAL_DEV}; "
                       f"ip addr add {new}/24 dev {LOCAL_DEV}")
            self.sim.clear_log()
            t0 = time.monotonic()
            try:
                h = subprocess.run([*self.prefix, *hide, hook, LOCAL_DEV,
                                    "up"], env=env, timeout=30,
                                   capture_output=True, text=True,
                                   stdin=subprocess.DEVNULL)
            except subprocess.TimeoutExpired:
                return {"error": f"run {i + 1}: the hook did not return "
                                 "within 30 s", "runs": results}
            t_hook = time.monotonic() - t0
            if h.returncode != 0:
                return {"error": f"run {i + 1}: the hook exited "
                                 f"{h.returncode}: {h.stderr[-300:]}",
                        "runs": results}
            while self.sim.record(self.zone, self.rec)["data"] != new:
                if time.monotonic() - t0 > LATENCY_LIMIT:
                    return {"error": f"run {i + 1}: the record did not "
                                     f"hold {new} after {LATENCY_LIMIT} s",
                            "runs": results}
                time.sleep(0.002)
            t = time.monotonic() - t0
            if not wait_unlocked(state + ".lock", 70):
                return {"error": f"run {i + 1}: the run did not end",
                        "runs": results}
            results.append((t, t_hook, len([
                e for e in self.sim.requests()
                if not e["path"].startswith("/echo/")])))
            log(f"  run {i + 1}: {t * 1000:.0f} ms (hook returned after "
                f"{t_hook * 1000:.1f} ms), {results[-1][2]} requests")
        return {"runs": results, "state": state}


def wait_unlocked(path, seconds):
    """True once nobody holds the flock on path (the run ended)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            fd = os.open(path, os.O_RDONLY)
        except FileNotFoundError:
            time.sleep(0.01)
            continue
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return True
        except BlockingIOError:
            time.sleep(0.01)
        finally:
            os.close(fd)
    return False


# ---------------------------------------------------------------- callgrind

def callgrind(bench, argv, label, ns_dir=None, check=None, sim=None,
              prefix=()):
    """Median of CALLGRIND_RUNS instruction counts (Ir), or an error text.
    The last profile is kept in build/bench/callgrind/ for
    callgrind_annotate."""
    out_dir = os.path.join(BUILD, "callgrind")
    os.makedirs(out_dir, exist_ok=True)
    out_file = os.path.join(out_dir, f"{label}.out")
    counts = []
    for _ in range(CALLGRIND_RUNS):
        cmd = ["valgrind", "--tool=callgrind",
               f"--callgrind-out-file={out_file}", *argv]
        if ns_dir:
            cmd = [*NS_PREFIX, ns_dir, *cmd]
        cmd = [*prefix, *cmd]
        sim = sim or bench.sim
        sim.clear_log()
        p = run(cmd, timeout=TOOL_TIMEOUT, env=bench.env, cwd=bench.work)
        if p is None:
            return None, "timed out"
        m = re.search(r"Collected\s*:\s*(\d+)", p.stderr)
        if p.returncode != 0 or not m:
            said = [ln for ln in p.stderr.splitlines()
                    if ln.strip() and not ln.startswith("==")]
            return None, f"exit {p.returncode}" + \
                (f": {said[-1][:150]}" if said else "")
        err = check(sim.requests()) if check else None
        if err:
            return None, err
        counts.append(int(m.group(1)))
    return statistics.median(counts), None


# Where a profile's instructions go: (label, functions whose inclusive
# counts make the part).  What is left is the program's own work.
BREAKDOWN = (
    ("dynamic loading: ld.so at start (libc, cJSON), then dlopen of "
     "libcurl and its libraries", ("_dl_start", "dlopen")),
    ("curl_global_init (OpenSSL set-up, openssl.cnf)", ("curl_global_init",)),
    ("curl_easy_perform (connect, TLS handshake and verification, GET)",
     ("curl_easy_perform",)),
    ("exit (atexit handlers, library clean-up)", ("exit",)),
)


def breakdown(profile, parts=BREAKDOWN,
              rest="the rest: ddnsupdate's own code, curl handle clean-up"):
    """[(label, Ir, share)] from callgrind_annotate --inclusive=yes, or
    None when it cannot be read: parts are (label, functions), whose
    inclusive counts add up to the part; rest is what is left."""
    p = run(["callgrind_annotate", "--inclusive=yes", "--threshold=100",
             profile], timeout=TOOL_TIMEOUT)
    if p is None or p.returncode != 0:
        return None
    total, incl = None, {}
    for line in p.stdout.splitlines():
        m = re.match(r"\s*([\d,]+)\s+\(\s*[\d.]+%\)\s+(\S+)", line)
        if not m:
            continue
        n, name = int(m.group(1).replace(",", "")), m.group(2)
        if name == "PROGRAM":
            total = n
            continue
        func = name.rsplit(":", 1)[-1].split("@@")[0]
        incl.setdefault(func, n)         # the first is the largest
    if not total:
        return None
    rows, rest_n, rest_label = [], total, rest
    for label, funcs in parts:
        n = sum(incl.get(f, 0) for f in funcs)
        rows.append((label, n, n / total))
        rest_n -= n
    rows.append((rest_label, rest_n, rest_n / total))
    return rows


def instruction_counts(bench, binary, url, floor, ns_dir):
    """callgrind counts of ddnsupdate and the floor in the no-change run,
    with ca_file and (when ns_dir) with the system store; returns (table
    rows by program, (variant, breakdown of ddnsupdate's count))."""
    log("\n== callgrind instruction counts")
    out_dir = os.path.join(BUILD, "callgrind")
    if os.path.isdir(out_dir):
        shutil.rmtree(out_dir, ignore_errors=True)   # no stale profiles
    ca = bench.sim.ca_file
    progs = [("ddnsupdate",
              [binary, "-c", bench.path("dd-nochange-ca.json")],
              [binary, "-c", bench.path("dd-nochange-sys.json")])]
    if floor:
        progs.append(("floor", [bench.floor_bin, url, ca],
                      [bench.floor_bin, url]))
    counts, rows = {}, {}
    for name, argv_ca, argv_sys in progs:
        rows[name] = []
        for label, argv in (("ca", argv_ca), ("sys", argv_sys)):
            if label == "sys" and not ns_dir:
                rows[name].append("skipped")
                continue
            n, err = callgrind(
                bench, argv, f"{name}-{label}", ns_dir if label == "sys"
                else None, lambda reqs: expect_only_echo(Run(requests=reqs)))
            counts[name, label] = n
            rows[name].append(f"{n:,.0f}" if err is None else
                              f"failed: {err}")
            log(f"  {name} {label}: {rows[name][-1]}")
    if floor:
        rows["ddnsupdate / floor"] = [
            f"{counts[('ddnsupdate', v)] / counts[('floor', v)]:.3f}"
            if counts.get(("ddnsupdate", v)) and counts.get(("floor", v))
            else "-" for v in ("ca", "sys")]
    where = None
    for label, variant in (("sys", "no-change run, system store"),
                           ("ca", "no-change run, with ca_file")):
        if counts.get(("ddnsupdate", label)):
            split = breakdown(os.path.join(out_dir,
                                           f"ddnsupdate-{label}.out"))
            if split:
                where = (variant, split)
                break
    return rows, where, counts


def job(initial):
    """The simulator's job plan: `initial` in the 202, COMPLETED at the
    first poll."""
    return {"initial": initial, "polls": 0, "final": "COMPLETED",
            "running_code": 200, "error": None}


# ---------------------------------------------------------------- report

def fmt(v, digits=1):
    """A number with `digits` decimals; "-" for None."""
    if v is None:
        return "-"
    return f"{v:.{digits}f}" if digits else str(round(v))


def ratio(a, b):
    return None if a is None or not b else a / b


def table(headers, rows):
    """A Markdown table, columns padded so it also reads as text."""
    rows = [[str(c).replace("\n", " ").replace("|", "\\|") for c in r]
            for r in rows]
    widths = [max(len(str(x)) for x in col) for col in zip(headers, *rows)]
    line = lambda cells: "| " + " | ".join(   # noqa: E731
        str(c).ljust(w) for c, w in zip(cells, widths)) + " |"
    return "\n".join([line(headers),
                      "|" + "|".join("-" * (w + 2) for w in widths) + "|",
                      *(line(r) for r in rows)])


def cost_table(sc, ref="ddnsupdate", requests=False):
    """Medians of CPU, wall, RSS and page faults per tool, ddnsupdate /
    tool, and (requests) the most requests any run made."""
    if sc.skipped:
        return f"skipped: {sc.skipped}"
    rows = []
    base = {a: sc.median(ref, a) if sc.ok(ref) else None
            for a in ("cpu_ms", "wall_ms", "rss_kib")}
    for t in sc.tools:
        n = len(sc.samples.get(t.name) or [])
        if t.name in sc.failed:
            rows.append([t.name, *["-"] * (8 if requests else 7), "0",
                         "dropped: " + sc.failed[t.name][:150]])
            continue
        med = {a: sc.median(t.name, a) for a in base}
        rs = ["-"] * 3 if t.name == ref else \
            [fmt(ratio(base[a], med[a]), 2) for a in base]
        extra = [str(max(len(r.requests) for r in sc.samples[t.name]))] \
            if requests else []
        rows.append([t.name, fmt(med["cpu_ms"]), fmt(med["wall_ms"]),
                     fmt(med["rss_kib"], 0),
                     fmt(sc.median(t.name, "minflt"), 0), *rs, *extra,
                     str(n), t.note])
    return table(["tool", "CPU ms", "wall ms", "peak RSS KiB", "faults",
                  "dd/tool CPU", "dd/tool wall", "dd/tool RSS",
                  *(["requests (max)"] if requests else []), "runs",
                  "set-up"], rows)


def network_table(sc, ref="ddnsupdate"):
    """Change runs: wall, Rackspace requests and TLS handshakes."""
    if sc.skipped:
        return f"skipped: {sc.skipped}"
    rows = []
    ref_wall = sc.median(ref, "wall_ms") if sc.ok(ref) else None
    for t in sc.tools:
        if t.name in sc.failed:
            rows.append([t.name, "-", "-", "-", "-", "-", "-",
                         "dropped: " + sc.failed[t.name][:150]])
            continue
        runs = sc.samples[t.name]
        wall = sc.median(t.name, "wall_ms")
        rq = [len(r.rackspace) for r in runs]
        hs = [r.connections for r in runs]
        rs_conns = [r.conns(r.rackspace) for r in runs]
        rows.append([t.name, fmt(wall), fmt(sc.median(t.name, "cpu_ms")),
                     "-" if t.name == ref else fmt(ratio(ref_wall, wall), 2),
                     f"{fmt(statistics.median(rq), 0)} (max {max(rq)})",
                     f"{fmt(statistics.median(hs), 0)} (max {max(hs)})",
                     f"{fmt(statistics.median(rs_conns), 0)} "
                     f"(max {max(rs_conns)})",
                     describe(runs[0].rackspace)])
    return table(["tool", "wall ms", "CPU ms", "dd/tool wall",
                  "Rackspace requests", "TLS handshakes (all)",
                  "of them to Rackspace", "Rackspace requests of run 1"],
                 rows)


class Targets:
    """The issue's targets, each PASS, MISS or SKIP with its numbers."""

    def __init__(self):
        self.rows = []

    def add(self, text, ok, numbers):
        verdict = "SKIP" if ok is None else "PASS" if ok else "MISS"
        self.rows.append([verdict, text, numbers])

    def cost(self, sc, peer, attr, limit, text):
        if sc is None or sc.skipped:
            self.add(text, None, sc.skipped if sc else "not run")
            return
        a, b = sc.median("ddnsupdate", attr), sc.median(peer, attr)
        if not sc.ok("ddnsupdate") or not sc.ok(peer):
            self.add(text, None, f"no valid runs of ddnsupdate or {peer}")
            return
        r = a / b
        unit, d = ("KiB", 0) if attr == "rss_kib" else ("ms", 1)
        self.add(text, r <= limit,
                 f"{fmt(a, d)} {unit} vs {fmt(b, d)} {unit}: {r:.2f} x "
                 f"(limit {limit} x)")

    def network(self, sc, max_requests, text):
        """At most max_requests (a function of the run) to Rackspace in
        every run, and one TLS handshake per host and role."""
        if sc is None or sc.skipped or not sc.ok("ddnsupdate"):
            self.add(text, None, "no valid ddnsupdate runs")
            return
        runs = sc.samples["ddnsupdate"]
        rq = [len(r.rackspace) for r in runs]
        limits = [max_requests(r) for r in runs]
        over_rq = [i for i, (n, m) in enumerate(zip(rq, limits)) if n > m]
        bad_hs = [i for i, r in enumerate(runs)
                  if r.conns(r.rackspace) > r.hosts(r.rackspace)
                  or r.conns(r.echo) > r.hosts(r.echo)
                  or r.connections > r.conns(r.rackspace) + r.conns(r.echo)]
        hs = [r.connections for r in runs]
        self.add(text, not over_rq and not bad_hs,
                 f"Rackspace requests median {fmt(statistics.median(rq), 0)}"
                 f", max {max(rq)} (limit {max(limits)}); TLS handshakes "
                 f"median {fmt(statistics.median(hs), 0)}, max {max(hs)} "
                 f"(echo and Rackspace are one host:port here)"
                 + (f"; {len(bad_hs)} runs over one handshake per host"
                    if bad_hs else ""))

    def no_requests(self, sc, text):
        """Not one request, in any run of ddnsupdate."""
        if sc is None or sc.skipped or not sc.ok("ddnsupdate"):
            self.add(text, None, "no valid ddnsupdate runs")
            return
        n = [len(r.requests) for r in sc.samples["ddnsupdate"]]
        self.add(text, max(n) == 0, f"requests: max {max(n)} over "
                 f"{len(n)} runs (the simulator's log, echo included)")

    def instructions(self, a, b, peer, limit, text):
        if not a or not b:
            self.add(text, None, f"no instruction count of ddnsupdate or "
                     f"{peer}")
            return
        self.add(text, a / b <= limit, f"{a:,.0f} vs {b:,.0f}: "
                 f"{a / b:.3f} x (limit {limit} x)")

    def wall(self, sc, peer, limit, text):
        self.cost(sc, peer, "wall_ms", limit, text)

    def markdown(self):
        return table(["", "target", "measured"], self.rows)


def polls(r):
    return sum(1 for e in r.rackspace if "/status/" in e["path"])


def evaluate(res):
    t = Targets()
    lc = res.get("local")
    t.cost(lc, "C exit", "cpu_ms", 1.5,
           "No-change, local source: CPU <= 1.5 x the bare C program")
    t.cost(lc, "inadyn iface", "cpu_ms", 0.4,
           "No-change, local source: CPU <= 0.4 x inadyn's interface mode")
    t.cost(lc, "inadyn iface", "rss_kib", 0.4,
           "No-change, local source: peak RSS <= 0.4 x inadyn's interface "
           "mode")
    t.no_requests(lc, "No-change, local source: 0 network requests")
    cg = res.get("cg") or {}
    for v, what in (("ca", "ca_file"), ("sys", "system store")):
        sc = res.get("nochange-" + v)
        t.cost(sc, "floor", "cpu_ms", 1.05,
               f"No-change, echo source, {what}: CPU <= 1.05 x the bare "
               "libcurl fetch (floor)")
        t.instructions(cg.get(("ddnsupdate", v)), cg.get(("floor", v)),
                       "the floor", 1.05,
                       f"No-change, echo source, {what}: instructions <= "
                       "1.05 x the bare libcurl fetch (floor)")
    sys_sc = res.get("nochange-sys")
    t.cost(sys_sc, "inadyn --once", "cpu_ms", 0.75,
           "No-change, system store: CPU <= 0.75 x inadyn")
    t.cost(sys_sc, "curl -s", "cpu_ms", 0.35,
           "No-change, system store: CPU <= 0.35 x curl -s")
    t.cost(sys_sc, "floor", "cpu_ms", 1.15,
           "No-change, system store: CPU <= 1.15 x the floor")
    t.cost(sys_sc, "inadyn --once", "rss_kib", 1.0,
           "No-change, system store: peak RSS <= inadyn's")
    ch = res.get("change")
    t.wall(ch, "lexicon update", 0.2,
           "Change, cached token: wall <= 0.2 x lexicon")
    t.network(ch, lambda r: 2,
              "Change, cached token: <= 2 Rackspace requests (PUT + one "
              "poll), one TLS handshake per host")
    t.network(res.get("change-completed"), lambda r: 1,
              "Change, 202 already COMPLETED: 1 Rackspace request")
    t.network(res.get("cold"), lambda r: 4 + max(polls(r), 1),
              "Cold first run: <= auth + zone + record + PUT + polls, "
              "one TLS handshake per host")
    return t


def bounds(sc):
    """What libcurl start-up alone costs, next to the no-change limits."""
    if sc is None or sc.skipped or not sc.ok(STARTUP):
        return ""
    cpu, rss = sc.median(STARTUP, "cpu_ms"), sc.median(STARTUP, "rss_kib")
    parts = [f"Starting a libcurl program at all ({STARTUP}: load libcurl "
             "and its libraries, curl_global_init, no request) costs "
             f"{fmt(cpu)} ms CPU and {fmt(rss, 0)} KiB here"]
    for peer, attr, limit in (("inadyn --once", "cpu_ms", 0.75),
                              ("curl -s", "cpu_ms", 0.35),
                              ("inadyn --once", "rss_kib", 1.0)):
        if sc.ok(peer):
            v = sc.median(peer, attr)
            what = "CPU" if attr == "cpu_ms" else "peak RSS"
            unit, d = ("KiB", 0) if attr == "rss_kib" else ("ms", 1)
            parts.append(f"the limit {limit} x {peer}'s {what} is "
                         f"{fmt(limit * v, d)} {unit}")
    return "; ".join(parts) + "."


def local_sections(res):
    """The no-change run with a local source: costs, instructions, the
    phases of ddnsupdate's, and the libraries mapped."""
    sc = res.get("local")
    if sc is None:
        return ["## No-change run with a local source", "",
                "skipped (see the notes)", ""]
    out = ["## No-change run with a local source", "",
           f"In a network namespace of the bench's own, `{LOCAL_DEV}` holds "
           f"{ADDR1}; each tool reads it from the kernel, finds it equal "
           "to what it last published, and exits. No tool may make a "
           "request (the simulator in the namespace logs every one). The "
           "floors: a C program that returns at once, and the same linked "
           "to libcurl. Faults: minor page faults (ru_minflt), which here "
           "cost more CPU than the program's own instructions.", "",
           cost_table(sc, requests=True), ""]
    cg = res.get("local-cg")
    if cg:
        counts, phases = cg
        dd = counts.get("ddnsupdate", (None, None))[0]
        rows = []
        for name, (n, err) in counts.items():
            rows.append([name, f"{n:,.0f}" if err is None else
                         f"failed: {err}",
                         "-" if name == "ddnsupdate" or not dd or not n
                         else f"{dd / n:.2f}"])
        out += ["Instructions (valgrind --tool=callgrind, median of "
                f"{CALLGRIND_RUNS}; a child process, such as ddclient's "
                "ip(8), is not followed):", "",
                table(["program", "instructions", "dd/tool"], rows), ""]
        if phases:
            out += ["Where ddnsupdate's instructions go, by phase (inclusive "
                    "counts from callgrind_annotate):", "",
                    table(["phase", "Ir", "share"],
                          [[lbl, f"{n:,}", f"{share:.1%}"]
                           for lbl, n, share in phases]), ""]
    libs = res.get("libs")
    if libs:
        out += ["### Libraries", "", "`ldd` of the binary:", "", "```",
                libs["ldd"], "```", ""]
        for label, what in (("local", "a no-change run with a local "
                             "source"),
                            ("echo", "a no-change run with an echo source "
                             "(for contrast: a request loads libcurl)")):
            rc, names = libs[label]
            out += [f"Libraries the dynamic loader mapped into ddnsupdate "
                    f"in {what} (LD_DEBUG=files, exit {rc}): "
                    + (", ".join(names) if names else "(none seen)"), ""]
    return out


def latency_section(res):
    lat = res.get("latency")
    out = ["## Network hook latency", ""]
    if lat is None:
        return out + ["skipped (see the notes)", ""]
    out += ["In the namespace of the local-source run: the address of "
            f"`{LOCAL_DEV}` changes (`ip -4 addr flush`, `ip addr add`), "
            "then NetworkManager's dispatcher hook, installed by `make "
            "install-hooks PREFIX=<tmp>`, is run as the dispatcher runs it "
            f"(`ddnsupdate {LOCAL_DEV} up`, NM_DISPATCHER_ACTION=up); "
            "without systemd its trigger starts `ddnsupdate -w 60` in the "
            "background and returns. Timed from the hook's start until the "
            "simulator's record holds the new address, i.e. the job "
            "completed (RUNNING in the 202, COMPLETED at the first poll, "
            "which ddnsupdate makes within 0.5 s). The state holds a "
            "token, so a run is PUT + one poll.", ""]
    runs = lat.get("runs") or []
    if runs:
        ts = [r[0] * 1000 for r in runs]
        out += [table(["run", "latency ms", "hook returned after ms",
                       "Rackspace requests"],
                      [[str(i + 1), fmt(t * 1000), fmt(h * 1000, 1),
                        str(n)]
                       for i, (t, h, n) in enumerate(runs)]), "",
                f"Latency over {len(ts)} runs: median "
                f"{fmt(statistics.median(ts))} ms, max {fmt(max(ts))} ms.",
                ""]
    if lat.get("error"):
        out += [f"Stopped: {lat['error']}", ""]
    return out


def loadavg():
    try:
        with open("/proc/loadavg") as f:
            return " ".join(f.read().split()[:3])
    except OSError:
        return "?"


def machine(load_at_start):
    cpu = "?"
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    mem = "?"
    try:
        with open("/proc/meminfo") as f:
            kib = int(f.readline().split()[1])
            mem = f"{kib / 1048576:.1f} GiB"
    except (OSError, ValueError, IndexError):
        pass
    return {"uname -a": first_line(["uname", "-a"]),
            "CPU": cpu, "cores": str(os.cpu_count()), "memory": mem,
            "load average (1, 5, 15 min) at the start and the end":
                f"{load_at_start}; {loadavg()} (other work on the machine "
                "makes the CPU and wall times noisier)",
            "libcurl (curl-config --version)":
                first_line(["curl-config", "--version"])}


def versions(binary):
    with open(binary, "rb") as f:
        digest = hashlib.sha256(f.read()).hexdigest()[:12]
    out = {"ddnsupdate": f"{first_line([binary, '-V'])} (sha256 {digest}...)"}
    g = run(["git", "-C", ROOT, "rev-parse", "--short", "HEAD"], timeout=30)
    if g is not None and g.returncode == 0:
        d = run(["git", "-C", ROOT, "status", "--porcelain", "--", "src",
                 "include", "Makefile"], timeout=30)
        dirty = " (src/ modified)" if d is not None and d.stdout.strip() \
            else ""
        out["ddnsupdate"] += f", commit {g.stdout.strip()}{dirty}"
    pkgs = ["curl", "inadyn", "ddclient", "lexicon", "valgrind", "libcurl4",
            "libssl3", "python3-requests"]
    p = run(["dpkg-query", "-W", "-f", "${Package} ${Version}\n", *pkgs],
            timeout=30)
    if p is not None:
        for line in p.stdout.splitlines():
            name, _, ver = line.partition(" ")
            if ver:
                out[name] = ver
    return out


def report(args, res, targets, cg, where, notes, binary, started,
           load_at_start):
    """The whole report as Markdown (also printed)."""
    cmd = " ".join(["python3", *sys.argv])
    m = machine(load_at_start)
    parts = [
        "# ddnsupdate benchmark results",
        "",
        "Written by `tests/bench/bench.py` (`make bench`); the method is in "
        "its docstring. Medians of "
        f"{args.runs} runs per tool after one warm-up run each, the tools "
        "taking turns run by run. CPU = user + system time of the process; "
        "peak RSS = ru_maxrss; wall from fork to exit. dd/tool is "
        "ddnsupdate's median over the tool's: below 1 is better for "
        "ddnsupdate.",
        "",
        f"- date: {started.strftime('%Y-%m-%d %H:%M UTC')}",
        f"- command: `{cmd}`",
        *(f"- {k}: {v}" for k, v in m.items()),
        *(f"- {k}: {v}" for k, v in versions(binary).items()),
        "",
        "## Targets",
        "",
        targets.markdown(),
        "",
        bounds(res["nochange-sys"]),
        "",
        *local_sections(res),
        *latency_section(res),
        "## No-change run, system trust store",
        "",
        "Each tool asks the echo service once, finds the address it last "
        "published, and exits; no tool is told the CA, which is in the "
        "system store of a private mount namespace.",
        "",
        cost_table(res["nochange-sys"]),
        "",
        "## No-change run, with ca_file",
        "",
        "The same, each tool given the simulator's CA file.",
        "",
        cost_table(res["nochange-ca"]),
        "",
        "## Instructions (valgrind --tool=callgrind), no-change run",
        "",
        table(["program", "with ca_file", "system store"],
              [[k, *v] for k, v in cg.items()]) if cg else
        "skipped: valgrind is not installed",
        "",
        "Profiles of the last callgrind run of each are kept in "
        "`build/bench/callgrind/` for `callgrind_annotate`.",
        "",
        *([f"Where ddnsupdate's instructions go ({where[0]}; inclusive "
           "counts from callgrind_annotate):", "",
           table(["part", "Ir", "share"],
                 [[lbl, f"{n:,}", f"{share:.1%}"]
                  for lbl, n, share in where[1]]), ""] if where else []),
        "## Change run with a cached token",
        "",
        "The address changed since the previous run; the job is RUNNING "
        "in the 202 and COMPLETED at the first poll. ddnsupdate has the "
        "state (token, ids) of its previous run; lexicon has none and "
        "authenticates, and sleeps 1 s (its default --sleep-time) before "
        "polling.",
        "",
        network_table(res["change"]),
        "",
        "### The same, the 202 already COMPLETED",
        "",
        network_table(res["change-completed"]),
        "",
        "## Cold first run",
        "",
        "ddnsupdate with no state file; lexicon as above (it keeps no "
        "state). The job completes at the first poll.",
        "",
        network_table(res["cold"]),
        "",
        "## Notes",
        "",
        *(f"- {n}" for n in notes),
        "",
    ]
    return "\n".join(parts)


# ---------------------------------------------------------------- main

def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--binary", default=os.path.join(ROOT, "ddnsupdate"),
                    help="the ddnsupdate to measure")
    ap.add_argument("--runs", type=int, default=15,
                    help="measured runs per tool and scenario (default 15)")
    ap.add_argument("--quick", action="store_true",
                    help="a smoke run: 3 runs, report to "
                         "build/bench/RESULTS-quick.md unless --out")
    ap.add_argument("--out", help="the report (default "
                                  "tests/bench/RESULTS.md)")
    ap.add_argument("--no-install", action="store_true",
                    help="do not apt-get install missing peers")
    args = ap.parse_args()
    if args.quick:
        args.runs = 3
    args.runs = max(1, min(args.runs, 1000))
    out = args.out or (QUICK_OUT if args.quick else DEFAULT_OUT)
    binary = os.path.abspath(args.binary)
    if not os.access(binary, os.X_OK):
        log(f"bench: {binary} is not an executable (run make first)")
        return 2
    started, load_at_start = datetime.now(timezone.utc), loadavg()

    notes, unavailable = install_peers(args.no_install)
    for n in notes:
        log("  " + n)
    helpers = build_helpers()
    if helpers["measure"] is None:
        log("bench: cannot build tests/bench/measure.c")
        return 2
    have = {n: which(n) is not None and n not in unavailable
            for n in PACKAGES}
    for name in ("floor", "startup", "exit", "exit-curl"):
        have[name] = helpers[name] is not None
        if not have[name]:
            notes.append(f"{name}: cc of its .c failed; left out")

    bench = Bench(helpers)
    try:
        setup = Setup(bench, binary, have)
        res = {}
        res["nochange-ca"] = bench.scenario(
            "No-change run, with ca_file", setup.no_change_tools(True),
            args.runs)

        try:
            ns_dir, pem = make_trust_dir(bench)
            why = probe_namespace(ns_dir, pem)
        except (OSError, RuntimeError, shutil.Error) as e:
            ns_dir, why = None, f"cannot copy the trust store: {e}"
        if why:
            log(f"\n== system trust store variant skipped: {why}")
            res["nochange-sys"] = Scenario("No-change, system store", [],
                                           {}, {}, skipped=why)
            notes.append(f"system-store variant skipped: {why}")
        else:
            res["nochange-sys"] = bench.scenario(
                "No-change run, system trust store",
                setup.no_change_tools(False), args.runs, ns_dir)

        cg, where, counts = ({}, None, {}) if not have["valgrind"] else \
            instruction_counts(bench, binary, setup.url, have["floor"],
                               None if why else ns_dir)
        res["cg"] = counts

        # The no-change run with a local source and the hook's latency,
        # in a network namespace of the bench's own.
        local = None
        try:
            local = Local(bench, binary, have)
        except (OSError, RuntimeError, subprocess.SubprocessError) as e:
            notes.append(f"local-source scenario and latency skipped: {e}")
            log(f"\n== local source skipped: {e}")
        try:
            if local:
                res["local"] = bench.scenario(
                    "No-change run, local source (iface:)", local.tools(),
                    args.runs, sim=local.sim, prefix=local.prefix)
                res["local-cg"] = local.instructions() \
                    if have["valgrind"] else None
                res["libs"] = local.libraries(setup)
                local.sim.job_default = job("RUNNING")
                res["latency"] = local.latency(LATENCY_RUNS)
        finally:
            if local:
                notes += local.notes
                local.close()

        # The change scenarios: the job completes at the first poll, or is
        # already COMPLETED in the 202.
        bench.sim.job_default = job("RUNNING")
        res["change"] = bench.scenario("Change run, cached token",
                                       setup.change_tools(False), args.runs)
        bench.sim.job_default = job("COMPLETED")
        res["change-completed"] = bench.scenario(
            "Change run, cached token, 202 already COMPLETED",
            setup.change_tools(False), args.runs)
        bench.sim.job_default = job("RUNNING")
        res["cold"] = bench.scenario("Cold first run",
                                     setup.change_tools(True), args.runs)
    finally:
        bench.close()

    notes += setup.notes
    notes += [
        "inadyn: a `custom` provider whose checkip-server is the echo "
        "(HTTPS) and whose ddns-server is the simulator; its cache file "
        f"`{HOST}.cache` (the bare address; the time of the last update is "
        "the file's mtime, written just before each run) makes `--once` "
        "check and exit. It uses GnuTLS: with the system store it loads "
        "the ca-certificates.crt bundle.",
        "ddclient: `use=web` (3.10 also has `usev4=webv4`, but then its "
        "legacy `use=ip` default is tried too and warns), protocol dyndns2 "
        "at the simulator, and a cache line with ip=, status=good and "
        "mtime=now written before each run (ddclient rewrites it). It "
        "exits 0 even on failure, so a run counts only if it printed no "
        "warning and made exactly the echo request. It fetches with "
        "IO::Socket::SSL (its curl option is off by default).",
        "lexicon: run by tests/bench/lexicon_sim.py under the interpreter "
        "of its #! line; its Rackspace provider opens a new connection "
        "for every request (requests without a session) and sleeps "
        "--sleep-time (1 s by default) before each job poll. tldextract is "
        "kept to local suffix lists.",
        "The echo service and the Rackspace API are one host:port in the "
        "simulator, so one handshake per host means at most one "
        "connection for the echo requests and one for the Rackspace ones.",
        "Local source, where the cost goes: a run this short is mostly the "
        "kernel's. ddnsupdate's own instructions are some 0.4 M (the "
        "phases above; C exit: 0.1 M), a fraction of a millisecond; its "
        "CPU and peak RSS over the C exit's are page faults (see the "
        "faults column): each first touch of a page of the binary, the "
        "heap or the stack, and of each 64 KiB region of a cached library "
        "(fault-around maps it whole), costs here some 50-70 us and up to "
        "64 KiB of RSS. Beyond the C exit's, the run touches libc's code "
        "and tables for getopt_long, getenv, time, strtod (cJSON's "
        "numbers), the printf family, inet_pton and if_nametoindex, "
        "geteuid and getpid; cJSON's pages; and its own. What was done: "
        "libcurl is loaded only by a request (dlopen; the C exit + "
        "libcurl row is what linking it cost); UTC dates by arithmetic "
        "instead of timegm/gmtime_r, which read /etc/localtime (six "
        "system calls and a file parse); the state's integers written "
        "without cJSON's %1.15g and sscanf round trip (libc's float "
        "printing and scanning); files read into a buffer of their size "
        "rather than 1 MiB (an mmap and munmap per file). Not done: "
        "replacing libc functions by hand so as not to touch their "
        "regions of libc (64 KiB and one fault each, and dependent on "
        "glibc's layout).",
    ]
    text = report(args, res, evaluate(res), cg, where, notes, binary,
                  started, load_at_start)
    log("\n" + text)
    os.makedirs(os.path.dirname(os.path.abspath(out)), exist_ok=True)
    with open(out, "w") as f:
        f.write(text)
    log(f"bench: report written to {os.path.relpath(out)}")
    dropped = [sc.title for sc in res.values()
               if isinstance(sc, Scenario) and "ddnsupdate" in sc.failed]
    if dropped:
        log("bench: ddnsupdate itself failed in: " + "; ".join(dropped))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
