#!/usr/bin/env python3
# test_hooks.py: the network hooks, run as their daemons run them.
# SPDX-License-Identifier: ISC
"""The network hooks of hooks/ (CONTRACT.md 7), run as their daemons run
them, and `make install-hooks` / `uninstall-hooks`.

The hooks are installed with `make install-hooks PREFIX=<tmp>/prefix`, so
that the configuration they look for is <tmp>/prefix/etc/ddnsupdate/
config.json and the binary they start is <tmp>/prefix/bin/ddnsupdate: a
stub that records its arguments and then waits until the test releases it
(at most 30 s).  A stub systemctl and a stub logger, first on PATH, record
theirs.  Every hook runs inside `unshare -m` with a fresh tmpfs on /run,
holding /run/systemd/system or not: systemd "runs the host" or not.

For each event a hook must act on, four runs: with systemd, exactly
`systemctl start --no-block ddnsupdate.service` and no run; without, one
run of exactly `ddnsupdate -w 60`, detached (a session of its own, stdin
from /dev/null, cwd /, none of the hook's descriptors), still waiting for
its release when the hook has returned, then finishing once released, its
stdout and stderr in syslog; and with the configuration missing, nothing
in either case.  Events it must ignore: nothing, with or without systemd.
The sourced hooks (dhclient, dhcpcd) are sourced by a copy of their
caller's loop, which must go on after them with every variable, option,
trap, directory and umask as it was.

Needs root (unshare, mount): without it, it says so and fails at once.
Ends with one line "hooks: N passed, N failed".
Usage: test_hooks.py [-k substring]
"""

import argparse
import os
import shutil
import signal
import stat
import subprocess
import sys
import tempfile
import time
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
SYS_PATH = "/usr/sbin:/usr/bin:/sbin:/bin"
HOOK_TIMEOUT = 10       # seconds for one hook run; the hooks take ms
START_WAIT = 10         # seconds for a background run to show up
GRACE = 0.5             # seconds given to a run that must not start
UNSET = "(unset)"       # the event of a sourced hook called without $reason

T = None                # the suite's directory, made by setUpModule
longest = [0.0]         # the slowest hook run, reported at the end

STUB_DDNSUPDATE = """#!/bin/sh
# stub ddnsupdate: writes one line on stdout and one on stderr, records
# how it was started (after the lines: the shell moves descriptors 1 and 2
# about to write them), then waits until the test releases it (at most
# 30 s).
rec=@REC@
echo "stub stdout line"
echo "stub stderr line" >&2
printf '%s\\n' "${DDNS_TEST_CASE-}" "$0" "$@" >"$rec/run.$$.tmp"
mv "$rec/run.$$.tmp" "$rec/run.$$"
i=0
while [ ! -e "$rec/release.$$" ] && [ "$i" -lt 300 ]; do
	sleep 0.1
	i=$((i + 1))
done
touch "$rec/done.$$"
"""

STUB_SYSTEMCTL = """#!/bin/sh
# stub systemctl: records its arguments; fails as for a missing unit when
# told to.
rec=@REC@
printf '%s\\n' "${DDNS_TEST_CASE-}" "$@" >"$rec/systemctl.$$"
if [ -e "$rec/systemctl-fails" ]; then
	echo "Failed to start ddnsupdate.service: Unit ddnsupdate.service" \\
	    "not found." >&2
	exit 5
fi
exit 0
"""

STUB_LOGGER = """#!/bin/sh
# stub logger: records its arguments and what it read.
rec=@REC@
{ printf '%s\\n' "$*"; cat; } >"$rec/logger.$$.tmp"
mv "$rec/logger.$$.tmp" "$rec/logger.$$"
"""

# Makes the mount namespace's /run, with /run/systemd/system when $1 is 1,
# then becomes the daemon's command.
IN_NAMESPACE = """\
mount -t tmpfs -o mode=755,size=64k ddnsupdate-test /run || exit 97
if [ "$1" = 1 ]; then mkdir -p /run/systemd/system || exit 97; fi
shift
exec "$@"
"""

# What a caller's shell looks like around a sourced hook: all variables
# (LINENO moves on), functions (bash alone can list them), options, traps,
# directory and umask.
SNAPSHOT = """snapshot() {
	set | grep -v -e '^LINENO=' -e '^_=' -e '^BASH_LINENO=' \\
	    -e '^BASH_COMMAND=' -e '^BASH_ARGC=' -e '^BASH_ARGV=' \\
	    -e '^BASH_SOURCE=' -e '^FUNCNAME=' -e '^PIPESTATUS=' \\
	    -e '^SECONDS=' -e '^RANDOM=' -e '^SRANDOM=' -e '^EPOCH'
	if [ -n "${BASH_VERSION-}" ]; then declare -F; fi
	echo "options=$-"
	trap
	pwd
	umask
}
"""

# dhclient-script of isc-dhcp-client 4.4.3 (Debian 12 and 13): its exit
# hooks are sourced by run_hook, from run_hookdir, from exit_with_hooks.
DHCLIENT_CALLER = """#!/bin/sh
# mimics dhclient-script's exit_with_hooks (isc-dhcp-client, Debian 12/13)
@SNAPSHOT@
run_hook() {
    local script="$1"
    local exit_status=0

    if [ -f $script ]; then
        @STRICT@
        snapshot >@SNAP@/before
        . $script
        exit_status=$?
        snapshot >@SNAP@/after
        @UNSTRICT@
    fi

    if [ -n "$exit_status" ] && [ "$exit_status" -ne 0 ]; then
        echo "$script returned non-zero exit status $exit_status"
    fi

    return $exit_status
}

run_hookdir() {
    local dir="$1"
    local exit_status=0

    if [ -d "$dir" ]; then
        for script in $(run-parts --list $dir); do
            run_hook $script
            exit_status=$((exit_status|$?))
        done
    fi

    return $exit_status
}

exit_with_hooks() {
    local exit_status=$1

    if ! run_hookdir @HOOKDIR@; then
        exit_status=$?
    fi
    echo "after hooks: reason=$reason exit_status=$exit_status"
    exit $exit_status
}

exit_with_hooks 0
"""

# dhcpcd-run-hooks of dhcpcd 9.4.1 and 10.1.0 (Debian 12 and 13): every
# file of the hook directory is sourced, between the enter and exit hooks.
DHCPCD_CALLER = """#!/bin/sh
# mimics dhcpcd-run-hooks (dhcpcd 9.4 and 10.1, Debian 12/13)
@SNAPSHOT@
ifname="$interface${protocol+.}$protocol"
from=from
signature_base="# Generated by dhcpcd"
signature="$signature_base $from $ifname"
state_dir=/run/dhcpcd/hook-state
_detected_init=false

: ${if_up:=false}
: ${if_down:=false}
: ${syslog_debug:=false}

for hook in \\
	@ETC@/dhcpcd.enter-hook \\
	@HOOKDIR@/* \\
	@ETC@/dhcpcd.exit-hook
do
	case "$hook" in
		*/*~)	continue;;
	esac
	for skip in $skip_hooks; do
		case "$hook" in
			*/"$skip")			continue 2;;
			*/[0-9][0-9]"-$skip")		continue 2;;
			*/[0-9][0-9]"-$skip.sh")	continue 2;;
		esac
	done
	if [ -f "$hook" ] && [ "$hook" = @HOOKDIR@/ddnsupdate ]; then
		@STRICT@
		snapshot >@SNAP@/before
		. "$hook"
		echo "status $?"
		snapshot >@SNAP@/after
		@UNSTRICT@
	elif [ -f "$hook" ]; then
		. "$hook"
	fi
done
echo "after hooks: reason=$reason hook=$hook"
"""

# /etc/dhcpcd.exit-hook, sourced after ours: dhcpcd-run-hooks went on.
DHCPCD_EXIT_HOOK = 'echo "exit hook: reason=$reason interface=$interface"\n'


def sub(text, **kw):
    for k, v in kw.items():
        text = text.replace(f"@{k}@", v)
    return text


def write(path, text, mode):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        f.write(text)
    os.chmod(path, mode)


def make(*args):
    p = subprocess.run(["make", "-s", "-C", ROOT, *args],
                       capture_output=True, text=True, timeout=120)
    if p.returncode != 0:
        raise AssertionError(f"make {' '.join(args)}: {p.stderr}")
    return p


class Suite:
    """The installed hooks and stubs, shared by every case."""

    def __init__(self):
        self.dir = tempfile.mkdtemp(prefix="ddns-hooks-")
        self.prefix = os.path.join(self.dir, "prefix")
        self.rec = os.path.join(self.dir, "rec")
        self.snap = os.path.join(self.dir, "snap")
        self.stubbin = os.path.join(self.dir, "stubbin")
        for d in (self.rec, self.snap, self.stubbin):
            os.makedirs(d)
        make("install-hooks", f"PREFIX={self.prefix}")
        p = self.prefix
        self.etc = f"{p}/etc"
        self.config = f"{p}/etc/ddnsupdate/config.json"
        self.bin = f"{p}/bin/ddnsupdate"
        self.trigger = f"{p}/libexec/ddnsupdate/trigger"
        self.nm = f"{p}/etc/NetworkManager/dispatcher.d"
        self.networkd = f"{p}/etc/networkd-dispatcher/routable.d"
        self.ifup = f"{p}/etc/network/if-up.d"
        self.dhclient = f"{p}/etc/dhcp/dhclient-exit-hooks.d"
        self.dhcpcd = f"{p}/lib/dhcpcd/dhcpcd-hooks"
        self.ppp = f"{p}/etc/ppp/ip-up.d"
        write(self.bin, sub(STUB_DDNSUPDATE, REC=self.rec), 0o755)
        write(f"{self.stubbin}/systemctl",
              sub(STUB_SYSTEMCTL, REC=self.rec), 0o755)
        write(f"{self.stubbin}/logger", sub(STUB_LOGGER, REC=self.rec),
              0o755)
        write(f"{self.etc}/dhcpcd.exit-hook", DHCPCD_EXIT_HOOK, 0o644)
        self.path = f"{self.stubbin}:{SYS_PATH}"
        # "strict": a caller that sources the hook under set -eu
        for name, on, off in (("plain", ":", ":"),
                              ("strict", "set -eu", "set +eu")):
            kw = dict(STRICT=on, UNSTRICT=off, SNAPSHOT=SNAPSHOT,
                      SNAP=self.snap)
            write(f"{self.dir}/dhclient-script.{name}",
                  sub(DHCLIENT_CALLER, HOOKDIR=self.dhclient, **kw), 0o755)
            write(f"{self.dir}/dhcpcd-run-hooks.{name}",
                  sub(DHCPCD_CALLER, HOOKDIR=self.dhcpcd, ETC=self.etc,
                      **kw), 0o755)

    def configure(self, present):
        if present:
            write(self.config, "{}\n", 0o600)
        elif os.path.exists(self.config):
            os.unlink(self.config)

    # ------------------------------------------------------------ records

    def records(self, kind):
        """[(pid, [marker, argv...])] of the stub runs ("run") or
        systemctl calls ("systemctl") recorded so far."""
        out = []
        for name in sorted(os.listdir(self.rec)):
            parts = name.split(".")
            if parts[0] == kind and len(parts) == 2:
                with open(os.path.join(self.rec, name)) as f:
                    out.append((int(parts[1]), f.read().splitlines()))
        return out

    def stub_alive(self, pid):
        try:
            with open(f"/proc/{pid}/cmdline", "rb") as f:
                return self.bin.encode() in f.read()
        except OSError:
            return False

    def release_all(self):
        """Releases every stub run, kills one that does not finish in 5 s,
        and empties the record directory."""
        pids = [pid for pid, _ in self.records("run")]
        for pid in pids:
            open(os.path.join(self.rec, f"release.{pid}"), "w").close()
        deadline = time.monotonic() + 5
        while any(self.stub_alive(p) for p in pids) and \
                time.monotonic() < deadline:
            time.sleep(0.05)
        for pid in pids:
            if self.stub_alive(pid):
                os.kill(pid, signal.SIGKILL)
        # the loggers end when the stub's pipes close
        time.sleep(0.05)
        for name in os.listdir(self.rec):
            os.unlink(os.path.join(self.rec, name))

    def cleanup(self):
        """Ends every stub still running, recorded or not, then removes
        the suite's directory."""
        self.release_all()
        for pid in os.listdir("/proc"):
            if pid.isdigit() and self.stub_alive(int(pid)):
                os.kill(int(pid), signal.SIGKILL)
        shutil.rmtree(self.dir, ignore_errors=True)


def setUpModule():
    global T
    if os.geteuid() != 0:
        raise unittest.SkipTest("needs root")      # main() fails on it
    T = Suite()


def tearDownModule():
    if T is not None:
        T.cleanup()


def proc_session(pid):
    with open(f"/proc/{pid}/stat") as f:
        return int(f.read().rsplit(")", 1)[1].split()[3])


def low_fd_pipe():
    """A pipe whose write end is a free descriptor of 3..9, the kind a
    daemon leaves open to its scripts (a lock, a log)."""
    r, w = os.pipe()
    for fd in range(3, 10):
        try:
            os.fstat(fd)
        except OSError:
            os.dup2(w, fd)
            os.close(w)
            return r, fd
    return r, w


def poll(cond, seconds):
    """True once cond() is, polling for at most seconds."""
    deadline = time.monotonic() + seconds
    while True:
        if cond():
            return True
        if time.monotonic() >= deadline:
            return False
        time.sleep(0.02)


class HookCase(unittest.TestCase):
    """One daemon's hook.  A subclass says how its daemon runs it
    (invoke), which events start a run (STARTS) and which do not
    (IGNORES)."""

    STARTS = []
    IGNORES = []
    SOURCED = False
    maxDiff = None

    def setUp(self):
        T.configure(True)
        self.addCleanup(T.release_all)
        self.runs = 0

    def invoke(self, event, shell="plain"):
        """(argv, env) of the daemon's call of the hook for event."""
        raise NotImplementedError

    # ------------------------------------------------------------ a run

    def run_hook(self, event, systemd, marker, shell="plain", leak=None):
        """Runs the hook for event in a mount namespace; returns the
        CompletedProcess.  leak is a descriptor the caller leaves open to
        the hook, as a daemon may."""
        argv, env = self.invoke(event, shell)
        env = dict(env, DDNS_TEST_CASE=marker)
        if event == UNSET:
            del env["reason"]
        cmd = ["unshare", "-m", "--propagation", "private", "--",
               "/bin/sh", "-c", IN_NAMESPACE, "sh",
               "1" if systemd else "0", *argv]
        for name in ("before", "after"):
            path = os.path.join(T.snap, name)
            if os.path.exists(path):
                os.unlink(path)
        # stdin: a pipe of the daemon's, that the run must not keep
        r, w = os.pipe()
        t0 = time.monotonic()
        try:
            p = subprocess.run(cmd, env=env, capture_output=True, text=True,
                               timeout=HOOK_TIMEOUT, cwd="/", stdin=r,
                               pass_fds=(leak,) if leak is not None else ())
        finally:
            os.close(r)
            os.close(w)
        longest[0] = max(longest[0], time.monotonic() - t0)
        self.assertNotEqual(p.returncode, 97, f"mount failed: {p.stderr}")
        self.assertEqual(p.returncode, 0, f"{marker}: {p}")
        self.assertEqual(p.stderr, "", marker)
        self.check_caller(p, event, marker)
        return p

    def check_caller(self, p, event, marker):
        """An executed hook prints nothing; a sourced hook's caller goes
        on with everything as it was."""
        if not self.SOURCED:
            self.assertEqual(p.stdout, "", marker)
            return
        reason = "" if event == UNSET else event
        self.assertEqual(p.stdout, self.CALLER_OUT.format(reason=reason),
                         marker)
        with open(os.path.join(T.snap, "before")) as f:
            before = f.read()
        with open(os.path.join(T.snap, "after")) as f:
            after = f.read()
        self.assertIn("options=", before)
        self.assertEqual(before, after, f"{marker}: the caller's state "
                         "changed")

    # ------------------------------------------------------------ checks

    def check_starts(self, event):
        """The four runs of an event that starts a run."""
        T.configure(False)
        for systemd in (True, False):
            self.run_hook(event, systemd,
                          f"{event} unconfigured systemd={systemd}")
        T.configure(True)
        self.run_hook(event, True, f"{event} systemd")
        self.assertEqual([r[1] for r in T.records("systemctl")],
                         [[f"{event} systemd", "start", "--no-block",
                           "ddnsupdate.service"]])
        r, w = low_fd_pipe()
        try:
            self.run_hook(event, False, f"{event} background", leak=w)
            self.check_background(f"{event} background", r)
        finally:
            os.close(r)
            os.close(w)
        self.assertEqual(len(T.records("systemctl")), 1,
                         "systemctl called without systemd")

    def check_background(self, marker, leaked):
        """The hook has returned: its one run is there, detached, and
        still waiting for its release; released, it ends, its output in
        syslog."""
        self.assertTrue(poll(lambda: T.records("run"), START_WAIT),
                        f"{marker}: no run started")
        runs = T.records("run")
        self.assertEqual([r[1] for r in runs],
                         [[marker, T.bin, "-w", "60"]])
        pid = runs[0][0]
        done = os.path.join(T.rec, f"done.{pid}")
        self.assertTrue(T.stub_alive(pid) and not os.path.exists(done),
                        "the hook waited for the run")
        self.assertNotEqual(proc_session(pid), os.getsid(0),
                            "the run is in the hook's session")
        self.assertEqual(os.readlink(f"/proc/{pid}/fd/0"), "/dev/null")
        self.assertEqual(os.readlink(f"/proc/{pid}/cwd"), "/")
        out, err = (os.readlink(f"/proc/{pid}/fd/{n}") for n in (1, 2))
        self.assertTrue(out.startswith("pipe:") and err.startswith("pipe:")
                        and out != err, (out, err))
        leak = os.readlink(f"/proc/self/fd/{leaked}")
        held = []
        for fd in os.listdir(f"/proc/{pid}/fd"):
            try:
                held.append(os.readlink(f"/proc/{pid}/fd/{fd}"))
            except FileNotFoundError:
                pass
        self.assertNotIn(leak, held, "the run holds the hook's descriptor")
        open(os.path.join(T.rec, f"release.{pid}"), "w").close()
        self.assertTrue(poll(lambda: os.path.exists(done), 10),
                        "the run did not finish once released")
        self.assertTrue(poll(lambda: len(T.records("logger")) == 2, 5),
                        "the run's output did not reach logger")
        got = sorted(r[1] for r in T.records("logger"))
        self.assertEqual(got, [
            ["-t ddnsupdate -p daemon.err", "stub stderr line"],
            ["-t ddnsupdate -p daemon.notice", "stub stdout line"]])

    def check_ignores(self, events):
        """Every event, with and without systemd: nothing happens."""
        for event in events:
            for systemd in (True, False):
                self.run_hook(event, systemd, f"{event} systemd={systemd}")
                self.assertEqual(T.records("systemctl"), [], event)
        time.sleep(GRACE)
        self.assertEqual(T.records("run"), [])
        self.assertEqual(T.records("systemctl"), [])

    @classmethod
    def add_cases(cls):
        """One test per event that starts a run, one for the others."""
        for event in cls.STARTS:
            name = "test_" + event.replace("-", "_").replace(" ", "_")
            setattr(cls, name, lambda self, e=event: self.check_starts(e))
            getattr(cls, name).__doc__ = f"{event}: starts a run"
        if cls.IGNORES:
            def ignores(self):
                self.check_ignores(self.IGNORES)
            ignores.__doc__ = "ignored: " + ", ".join(cls.IGNORES)
            cls.test_other_events_do_nothing = ignores


# ---------------------------------------------------------------- daemons

class NetworkManager(HookCase):
    """NetworkManager-dispatcher(8): `SCRIPT IFACE ACTION`, environment
    from scratch (CONNECTIVITY_STATE only for connectivity-change)."""

    STARTS = ["up", "dhcp4-change", "dhcp6-change", "connectivity-change"]
    IGNORES = ["down", "pre-up", "pre-down", "vpn-up", "vpn-down",
               "vpn-pre-up", "vpn-pre-down", "hostname", "reapply",
               "dns-change"]

    def invoke(self, event, shell="plain"):
        env = {"PATH": T.path, "NM_DISPATCHER_ACTION": event}
        iface = "enp1s0"
        if event == "connectivity-change":
            iface = ""
            env["CONNECTIVITY_STATE"] = "FULL"
        elif event != "hostname":
            env.update({
                "CONNECTION_UUID": "5fb3c7a1-2d4e-4c1b-9a6f-0c1d2e3f4a5b",
                "CONNECTION_ID": "Wired connection 1",
                "CONNECTION_DBUS_PATH":
                    "/org/freedesktop/NetworkManager/Settings/1",
                "DEVICE_IFACE": iface, "DEVICE_IP_IFACE": iface,
                "IP4_NUM_ADDRESSES": "1",
                "IP4_ADDRESS_0": "192.0.2.10/24 192.0.2.1",
                "IP4_GATEWAY": "192.0.2.1",
                "DHCP4_IP_ADDRESS": "192.0.2.10",
            })
        return [f"{T.nm}/ddnsupdate", iface, event], env

    def test_installed_as_networkmanager_requires(self):
        """owned by root, 0755, not writable by group or other"""
        st = os.stat(f"{T.nm}/ddnsupdate")
        self.assertEqual((st.st_uid, stat.S_IMODE(st.st_mode)), (0, 0o755))

    def test_systemctl_failure_is_one_line_and_exit_0(self):
        """a failing systemctl: its one line on stderr, the hook exits 0"""
        open(os.path.join(T.rec, "systemctl-fails"), "w").close()
        argv, env = self.invoke("up")
        p = subprocess.run(
            ["unshare", "-m", "--propagation", "private", "--", "/bin/sh",
             "-c", IN_NAMESPACE, "sh", "1", *argv],
            env=env, capture_output=True, text=True, timeout=HOOK_TIMEOUT,
            stdin=subprocess.DEVNULL)
        self.assertEqual(p.returncode, 0)
        self.assertEqual(p.stderr, "Failed to start ddnsupdate.service: "
                         "Unit ddnsupdate.service not found.\n")
        self.assertEqual(len(T.records("systemctl")), 1)
        time.sleep(GRACE)
        self.assertEqual(T.records("run"), [], "no fallback run")


class NetworkdDispatcher(HookCase):
    """networkd-dispatcher(8): the scripts of routable.d, no arguments,
    its own environment plus IFACE, STATE, ..."""

    STARTS = ["routable"]
    IGNORES = ["off", "no-carrier", "dormant", "carrier", "degraded",
               "degraded-carrier", "enslaved", "configured", "configuring",
               "failed", "unmanaged", "linger"]

    def invoke(self, event, shell="plain"):
        env = {"PATH": T.path, "LANG": "C.UTF-8",
               "ADDR": "192.0.2.10", "ESSID": "",
               "IP_ADDRS": "192.0.2.10", "IP6_ADDRS": "2001:db8::10",
               "IFACE": "enp1s0", "STATE": event,
               "AdministrativeState": "configured",
               "OperationalState": event, "json": "{}"}
        return [f"{T.networkd}/ddnsupdate"], env

    def test_installed_as_networkd_dispatcher_requires(self):
        """file and directory 0755 root:root"""
        for path in (f"{T.networkd}/ddnsupdate", T.networkd):
            st = os.stat(path)
            self.assertEqual((st.st_uid, st.st_gid,
                              stat.S_IMODE(st.st_mode)), (0, 0, 0o755),
                             path)


class Ifupdown(HookCase):
    """ifup(8): `run-parts /etc/network/if-up.d` with IFACE, ADDRFAM,
    METHOD, MODE=start, PHASE=post-up, ..."""

    STARTS = ["inet", "inet6", "all"]
    IGNORES = ["stop post-down", "stop pre-down", "start pre-up"]

    def invoke(self, event, shell="plain"):
        mode, phase = "start", "post-up"
        env = {"PATH": "/usr/local/sbin:/usr/local/bin:" + T.path,
               "IFACE": "enp1s0", "LOGICAL": "enp1s0", "ADDRFAM": "inet",
               "METHOD": "dhcp", "VERBOSITY": "0"}
        if event == "inet6":
            env.update(ADDRFAM="inet6", METHOD="auto")
        elif event == "all":        # after `ifup -a`
            env.update(IFACE="--all", LOGICAL="auto", ADDRFAM="meta",
                       METHOD="none", CLASS="auto")
        elif " " in event:
            mode, phase = event.split()
        env.update(MODE=mode, PHASE=phase)
        return ["run-parts", "--exit-on-error", T.ifup], env


def check_callers(case):
    """A sourced hook under bash and under set -eu, for an event that
    starts a run, one that does not, and no $reason at all."""
    for shell in ("bash", "strict"):
        for event in ("BOUND", "EXPIRE", UNSET):
            case.run_hook(event, True, f"{event} {shell}", shell=shell)
    case.assertEqual([r[1][0] for r in T.records("systemctl")],
                     ["BOUND bash", "BOUND strict"])


class Dhclient(HookCase):
    """dhclient-script sources dhclient-exit-hooks.d/* (run-parts
    --list) at its end, with reason, interface, new_* in the
    environment."""

    SOURCED = True
    STARTS = ["BOUND", "RENEW", "REBIND", "REBOOT", "BOUND6", "RENEW6",
              "REBIND6", "REBOOT6"]
    IGNORES = ["PREINIT", "MEDIUM", "ARPCHECK", "ARPSEND", "EXPIRE", "FAIL",
               "RELEASE", "STOP", "TIMEOUT", "PREINIT6", "DEPREF6",
               "EXPIRE6", "RELEASE6", "STOP6"]
    CALLER_OUT = "after hooks: reason={reason} exit_status=0\n"

    def invoke(self, event, shell="plain"):
        env = {"PATH": T.path, "reason": event, "interface": "enp1s0",
               "new_ip_address": "192.0.2.10",
               "new_subnet_mask": "255.255.255.0",
               "new_routers": "192.0.2.1", "new_expiry": "1767225600",
               "new_dhcp_lease_time": "3600"}
        if event.endswith("6"):
            env.update(new_ip6_address="2001:db8::10", new_ip6_prefixlen="128",
                       new_max_life="7200", new_preferred_life="3600")
        return [*self.SHELL[shell][0],
                f"{T.dir}/dhclient-script.{self.SHELL[shell][1]}"], env

    SHELL = {"plain": (["/bin/sh"], "plain"),
             "strict": (["/bin/sh"], "strict"),
             "bash": (["bash", "--posix"], "plain")}

    def test_caller_state_kept_under_bash_and_set_eu(self):
        """sourced by bash, and by a caller with set -eu: it returns"""
        check_callers(self)

    def test_trigger_missing_does_nothing(self):
        """after the package is removed, the hook left in /etc is inert"""
        os.rename(T.trigger, T.trigger + ".away")
        try:
            for systemd in (True, False):
                self.run_hook("BOUND", systemd, "BOUND no trigger")
            time.sleep(GRACE)
            self.assertEqual(T.records("run") + T.records("systemctl"), [])
        finally:
            os.rename(T.trigger + ".away", T.trigger)


class Dhcpcd(HookCase):
    """dhcpcd-run-hooks(8) sources every file of its hook directory, with
    reason, interface, protocol, if_up, new_* (dhcpcd clears the rest but
    PATH)."""

    SOURCED = True
    STARTS = ["BOUND", "RENEW", "REBIND", "REBOOT", "BOUND6", "RENEW6",
              "REBIND6", "REBOOT6", "ROUTERADVERT"]
    IGNORES = ["PREINIT", "CARRIER", "NOCARRIER", "NOCARRIER_ROAMING",
               "INFORM", "INFORM6", "DELEGATED6", "IPV4LL", "STATIC",
               "3RDPARTY", "TIMEOUT", "EXPIRE", "EXPIRE6", "NAK",
               "RECONFIGURE", "STOP", "STOP6", "STOPPED", "DEPARTED",
               "FAIL", "TEST"]
    CALLER_OUT = ("status 0\nexit hook: reason={reason} interface=enp1s0\n"
                  "after hooks: reason={reason} hook=@EXIT@\n")
    SHELL = Dhclient.SHELL

    def setUp(self):
        super().setUp()
        self.CALLER_OUT = self.CALLER_OUT.replace(
            "@EXIT@", f"{T.etc}/dhcpcd.exit-hook")

    def invoke(self, event, shell="plain"):
        proto = {"ROUTERADVERT": "ra"}.get(
            event, "dhcp6" if event.endswith("6") else "dhcp")
        env = {"PATH": T.path, "reason": event, "interface": "enp1s0",
               "protocol": proto, "pid": "321", "ifcarrier": "up",
               "ifmetric": "1002", "ifwireless": "0",
               "ifflags": "69699", "ifmtu": "1500", "if_up": "true",
               "if_down": "false", "new_ip_address": "192.0.2.10",
               "new_subnet_cidr": "24", "new_routers": "192.0.2.1"}
        if event == "ROUTERADVERT":
            env.update(nd1_from="fe80::1", nd1_addr1="2001:db8::10/64")
        return [*self.SHELL[shell][0],
                f"{T.dir}/dhcpcd-run-hooks.{self.SHELL[shell][1]}"], env

    def test_caller_state_kept_under_bash_and_set_eu(self):
        """sourced by bash, and by a caller with set -eu: it returns"""
        check_callers(self)


class Ppp(HookCase):
    """/etc/ppp/ip-up: `run-parts /etc/ppp/ip-up.d --arg=IFACE ...` with
    PPP_IFACE, PPP_LOCAL, ... and pppd's own variables."""

    STARTS = ["ip-up"]

    def invoke(self, event, shell="plain"):
        args = ["ppp0", "/dev/ttyUSB0", "115200", "203.0.113.7",
                "203.0.113.1", ""]
        env = {"PATH": "/usr/local/sbin:/usr/sbin:/sbin:" + T.path,
               "PPP_IFACE": "ppp0", "PPP_TTY": "/dev/ttyUSB0",
               "PPP_SPEED": "115200", "PPP_LOCAL": "203.0.113.7",
               "PPP_REMOTE": "203.0.113.1", "PPP_IPPARAM": "",
               "PPP_TTYNAME": "ttyUSB0", "IFNAME": "ppp0",
               "DEVICE": "/dev/ttyUSB0", "IPLOCAL": "203.0.113.7",
               "IPREMOTE": "203.0.113.1", "PPPD_PID": "321",
               "PPPLOGNAME": "root", "ORIG_UID": "0", "SPEED": "115200"}
        return ["run-parts", T.ppp, *(f"--arg={a}" for a in args)], env


class Trigger(HookCase):
    """What the hooks share."""

    def invoke(self, event, shell="plain"):
        return NetworkManager.invoke(self, event, shell)

    def test_binary_missing_does_nothing(self):
        """no ddnsupdate binary, no systemd: nothing, exit 0"""
        os.rename(T.bin, T.bin + ".away")
        try:
            self.run_hook("up", False, "up no binary")
            time.sleep(GRACE)
            self.assertEqual(T.records("run") + T.records("systemctl"), [])
        finally:
            os.rename(T.bin + ".away", T.bin)

    def test_trigger_missing_does_nothing(self):
        """after the package is removed, the hook left in /etc is inert"""
        os.rename(T.trigger, T.trigger + ".away")
        try:
            for systemd in (True, False):
                self.run_hook("up", systemd, "up no trigger")
            time.sleep(GRACE)
            self.assertEqual(T.records("run") + T.records("systemctl"), [])
        finally:
            os.rename(T.trigger + ".away", T.trigger)


for _cls in (NetworkManager, NetworkdDispatcher, Ifupdown, Dhclient, Dhcpcd,
             Ppp):
    _cls.add_cases()
del _cls


# ---------------------------------------------------------------- install

class Install(unittest.TestCase):
    """make install-hooks and uninstall-hooks into a DESTDIR."""

    maxDiff = None
    HOOKS = {   # installed path under the prefix's dirs: mode
        "NetworkManager/dispatcher.d/ddnsupdate": 0o755,
        "networkd-dispatcher/routable.d/ddnsupdate": 0o755,
        "network/if-up.d/ddnsupdate": 0o755,
        "dhcp/dhclient-exit-hooks.d/ddnsupdate": 0o644,
        "ppp/ip-up.d/ddnsupdate": 0o755,
    }

    def install(self, *args):
        dest = tempfile.mkdtemp(prefix="ddns-hooks-destdir-")
        self.addCleanup(shutil.rmtree, dest, True)
        make("install-hooks", f"DESTDIR={dest}", *args)
        files = {}
        for top, _, names in os.walk(dest):
            for n in names:
                path = os.path.join(top, n)
                with open(path) as f:
                    text = f.read()
                self.assertNotIn("@", text.replace("@(#)", ""), path)
                files["/" + os.path.relpath(path, dest)] = (
                    stat.S_IMODE(os.stat(path).st_mode), text)
        return dest, files

    def check_tree(self, files, etc, lib, libexec, config, binary):
        want = {f"{etc}/{h}": m for h, m in self.HOOKS.items()}
        want[f"{lib}/dhcpcd/dhcpcd-hooks/ddnsupdate"] = 0o644
        want[f"{libexec}/ddnsupdate/trigger"] = 0o755
        self.assertEqual({k: v[0] for k, v in files.items()}, want)
        trigger = files[f"{libexec}/ddnsupdate/trigger"][1]
        self.assertIn(f"\nconfig={config}\n", trigger)
        self.assertIn(f"\nbin={binary}\n", trigger)
        for path, (_, text) in files.items():
            if not path.endswith("/trigger"):
                self.assertIn(f"{libexec}/ddnsupdate/trigger", text, path)

    def test_prefix_usr(self):
        """PREFIX=/usr: /etc, /usr/lib/dhcpcd, /usr/libexec, /usr/bin"""
        _, files = self.install("PREFIX=/usr")
        self.check_tree(files, "/etc", "/usr/lib", "/usr/libexec",
                        "/etc/ddnsupdate/config.json", "/usr/bin/ddnsupdate")

    def test_prefix_usr_local(self):
        """PREFIX=/usr/local: the daemons' directories, /etc config"""
        _, files = self.install("PREFIX=/usr/local")
        self.check_tree(files, "/etc", "/usr/lib", "/usr/local/libexec",
                        "/etc/ddnsupdate/config.json",
                        "/usr/local/bin/ddnsupdate")

    def test_other_prefix_and_overrides(self):
        """PREFIX=/opt/ddns: all under it; each directory can be set"""
        _, files = self.install("PREFIX=/opt/ddns")
        self.check_tree(files, "/opt/ddns/etc", "/opt/ddns/lib",
                        "/opt/ddns/libexec",
                        "/opt/ddns/etc/ddnsupdate/config.json",
                        "/opt/ddns/bin/ddnsupdate")
        _, files = self.install(
            "PREFIX=/usr", "BINDIR=/usr/sbin", "LIBEXECDIR=/usr/lib",
            "NMDISPATCHERDIR=/usr/lib/NetworkManager/dispatcher.d",
            "NETWORKDDISPATCHERDIR=/usr/lib/networkd-dispatcher/routable.d",
            "IFUPDIR=/x/if-up.d", "DHCLIENTHOOKDIR=/x/dhclient",
            "DHCPCDHOOKDIR=/lib/dhcpcd/dhcpcd-hooks", "PPPIPUPDIR=/x/ppp",
            "SYSCONFDIR=/x/etc")
        self.assertEqual(sorted(files), [
            "/lib/dhcpcd/dhcpcd-hooks/ddnsupdate",
            "/usr/lib/NetworkManager/dispatcher.d/ddnsupdate",
            "/usr/lib/ddnsupdate/trigger",
            "/usr/lib/networkd-dispatcher/routable.d/ddnsupdate",
            "/x/dhclient/ddnsupdate", "/x/if-up.d/ddnsupdate",
            "/x/ppp/ddnsupdate"])
        trigger = files["/usr/lib/ddnsupdate/trigger"][1]
        self.assertIn("\nconfig=/x/etc/ddnsupdate/config.json\n", trigger)
        self.assertIn("\nbin=/usr/sbin/ddnsupdate\n", trigger)
        self.assertIn("Installed as /lib/dhcpcd/dhcpcd-hooks/ddnsupdate",
                      files["/lib/dhcpcd/dhcpcd-hooks/ddnsupdate"][1])

    def test_uninstall_removes_every_hook(self):
        """uninstall-hooks leaves no file (and no libexec/ddnsupdate)"""
        dest, _ = self.install("PREFIX=/usr")
        make("uninstall-hooks", f"DESTDIR={dest}", "PREFIX=/usr")
        left = [os.path.join(t, n) for t, _, ns in os.walk(dest) for n in ns]
        self.assertEqual(left, [])
        self.assertFalse(os.path.exists(f"{dest}/usr/libexec/ddnsupdate"))

    def test_run_parts_names(self):
        """run-parts --list accepts every name it must run or list"""
        dest, _ = self.install("PREFIX=/usr")
        for d in ("network/if-up.d", "ppp/ip-up.d",
                  "dhcp/dhclient-exit-hooks.d"):
            p = subprocess.run(["run-parts", "--list", f"{dest}/etc/{d}"],
                               capture_output=True, text=True, timeout=10)
            self.assertEqual(p.stdout, f"{dest}/etc/{d}/ddnsupdate\n")


# ---------------------------------------------------------------- main

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("-k", dest="pattern", action="append",
                    help="only cases whose name holds this")
    args = ap.parse_args()
    missing = [c for c in ("unshare", "mount", "run-parts", "setsid",
                           "bash", "make") if shutil.which(c) is None]
    if os.geteuid() != 0 or missing:
        why = ("needs root: it mounts /run in a mount namespace"
               if os.geteuid() != 0 else "missing: " + " ".join(missing))
        print(f"hooks: cannot run: {why}")
        print("hooks: 0 passed, 1 failed")
        return 1
    loader = unittest.TestLoader()
    if args.pattern:
        loader.testNamePatterns = [f"*{p}*" for p in args.pattern]
    suite = loader.loadTestsFromModule(sys.modules[__name__])
    result = unittest.TextTestRunner(verbosity=2, stream=sys.stdout).run(
        suite)
    failed = len(result.failures) + len(result.errors)
    passed = result.testsRun - failed - len(result.skipped)
    print(f"hooks: slowest hook run {longest[0] * 1000:.0f} ms "
          "(unshare and mount included)")
    print(f"hooks: {passed} passed, {failed} failed")
    return 0 if failed == 0 and not result.skipped and result.testsRun else 1


if __name__ == "__main__":
    sys.exit(main())
