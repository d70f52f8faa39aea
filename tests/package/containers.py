#!/usr/bin/env python3
"""make check-systemd: the package in a real systemd, and the cron path.

For each Debian release asked for, boots a container (systemd-nspawn) with
the package installed, the bundled simulator inside it and no network but
its own loopback, once per scenario of container_driver.py:

  systemd  the timer starts the service; it runs as a dynamic user with the
           key from LoadCredential= and README's configuration as written;
           changes reach the journal at notice, errors at err; a second
           start is silent and asks Rackspace nothing; sudo runs in between
           leave the service working; an unconfigured start does nothing
  cron     README's "With cron" commands as written, then the crontab's job
           run as cron would run it: change lines mailed, silence otherwise

then judges what the driver recorded and what the journal holds, prints
the journal lines of the runs with their priorities, and exits 1 when any
check failed.  Needs root (it re-runs itself with sudo otherwise).

Each release's root file system (debootstrap, with the package's
dependencies) is cached in CACHE and rebuilt when its recipe or the
package's dependencies change; every boot runs on a throwaway overlay of
it, bounded by BOOT_LIMIT.  What each boot left (journal, record) stays in
build/containers/.

Usage: containers.py [--suites bookworm,trixie] [--scenarios systemd,cron]
                     DEB
"""

import argparse
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
CACHE = os.environ.get("DDNSUPDATE_CONTAINER_CACHE",
                       "/var/tmp/ddnsupdate-containers")
MIRROR = os.environ.get("DEBIAN_MIRROR", "http://deb.debian.org/debian")
OUT = os.path.join(ROOT, "build", "containers")
# The root's recipe: a change here rebuilds every cached root.
RECIPE = 1
INCLUDE = ["systemd", "systemd-sysv", "dbus", "python3", "openssl", "sudo",
           "cron"]
BOOT_LIMIT = 420        # seconds for one boot, the timer's wait included
BUILD_LIMIT = 1200      # seconds for debootstrap and apt in one root
# systemd's dynamic users (DynamicUser=) get a UID from this range.
DYNAMIC = range(61184, 65520)

sys.path[:0] = [HERE, os.path.join(ROOT, "tests", "integration")]
import container_driver as drv  # noqa: E402

failures = []


def log(msg):
    print(msg, flush=True)


def check(what, ok, detail=""):
    log(f"  {'ok  ' if ok else 'FAIL'} {what}"
        + ("" if ok or not detail else f"\n         {detail}"))
    if not ok:
        failures.append(what)
    return ok


def sh(argv, timeout, **kw):
    return subprocess.run(argv, check=True, timeout=timeout, **kw)


# ------------------------------------------------------------ roots

def deb_depends(deb):
    return subprocess.run(["dpkg-deb", "-f", deb, "Depends"],
                          capture_output=True, text=True,
                          check=True).stdout.strip()


def cached_root(suite, deb):
    """The cached root of this release with the package's dependencies,
    built (and older roots of the release removed) when missing."""
    recipe = {"recipe": RECIPE, "suite": suite, "include": INCLUDE,
              "mirror": MIRROR, "depends": deb_depends(deb)}
    key = hashlib.sha256(json.dumps(recipe, sort_keys=True).encode())
    path = os.path.join(CACHE, f"{suite}-{key.hexdigest()[:16]}")
    if os.path.isfile(os.path.join(path, ".complete")):
        log(f"{suite}: cached root {path}")
        return path
    os.makedirs(CACHE, exist_ok=True)
    for name in os.listdir(CACHE):
        if name.startswith(suite + "-") or name.startswith(".tmp-" + suite):
            log(f"{suite}: removing stale root {name}")
            shutil.rmtree(os.path.join(CACHE, name))
    tmp = os.path.join(CACHE, f".tmp-{suite}-{os.getpid()}")
    log(f"{suite}: building the root (debootstrap from {MIRROR})")
    t0 = time.monotonic()
    sh(["debootstrap", "--variant=minbase", "--include=" + ",".join(INCLUDE),
        suite, tmp, MIRROR], BUILD_LIMIT, stdout=subprocess.DEVNULL)
    # The package's dependencies, whatever their names in this release:
    # apt installs them with the package, which then goes again.
    shutil.copy(deb, os.path.join(tmp, "tmp", "ddnsupdate.deb"))
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    sh(["chroot", tmp, "apt-get", "install", "-y", "-q",
        "--no-install-recommends", "/tmp/ddnsupdate.deb"], BUILD_LIMIT,
       env=env, stdout=subprocess.DEVNULL)
    sh(["chroot", tmp, "dpkg", "--purge", "ddnsupdate"], 60,
       stdout=subprocess.DEVNULL)
    sh(["chroot", tmp, "apt-get", "clean"], 60)
    os.remove(os.path.join(tmp, "tmp", "ddnsupdate.deb"))
    os.makedirs(os.path.join(tmp, "var", "log", "journal"), exist_ok=True)
    with open(os.path.join(tmp, ".recipe.json"), "w") as f:
        json.dump(recipe, f, indent=1)
    open(os.path.join(tmp, ".complete"), "w").close()
    os.rename(tmp, path)
    log(f"{suite}: root built in {time.monotonic() - t0:.0f} s")
    return path


# ------------------------------------------------------------ boots

DRIVER_UNIT = """[Unit]
Description=ddnsupdate package test, {scenario} scenario
After=multi-user.target
SuccessAction=poweroff
FailureAction=poweroff

[Service]
Type=oneshot
ExecStart=/usr/bin/python3 {dir}/container_driver.py {scenario}
TimeoutStartSec={limit}

[Install]
WantedBy=multi-user.target
"""
TEST_DIR = "/usr/local/lib/ddnsupdate-test"


def boot(suite, root, deb, scenario):
    """Installs the package on an overlay of root, boots it with the
    driver, and returns (record, journal entries, install facts)."""
    out = os.path.join(OUT, f"{suite}-{scenario}")
    shutil.rmtree(out, ignore_errors=True)
    os.makedirs(out)
    work = tempfile.mkdtemp(prefix=f"ddns-{suite}-{scenario}-",
                            dir="/var/tmp")
    merged = os.path.join(work, "root")
    for d in ("upper", "work", "root"):
        os.mkdir(os.path.join(work, d))
    sh(["mount", "-t", "overlay", "overlay", "-o",
        f"lowerdir={root},upperdir={work}/upper,workdir={work}/work",
        merged], 30)
    try:
        shutil.copy(deb, os.path.join(merged, "tmp", "ddnsupdate.deb"))
        p = subprocess.run(["chroot", merged, "dpkg", "-i",
                            "/tmp/ddnsupdate.deb"], capture_output=True,
                           text=True, timeout=120)
        installed = {"rc": p.returncode, "output": p.stdout + p.stderr,
                     "timer_wants": os.path.islink(os.path.join(
                         merged, "etc/systemd/system/timers.target.wants/"
                         "ddnsupdate.timer")),
                     "service_links": sorted(
                         os.path.join(top, n) for top, _, names in
                         os.walk(os.path.join(merged, "etc/systemd/system"))
                         for n in names if n == "ddnsupdate.service")}
        # A name the container resolves (sudo asks).
        with open(os.path.join(merged, "etc/hostname"), "w") as f:
            f.write("ddnsupdate-test\n")
        with open(os.path.join(merged, "etc/hosts"), "a") as f:
            f.write("127.0.1.1\tddnsupdate-test\n")
        d = merged + TEST_DIR
        os.makedirs(d)
        for src in (os.path.join(HERE, "container_driver.py"),
                    os.path.join(ROOT, "tests/integration/simulator.py"),
                    os.path.join(ROOT, "README.md")):
            shutil.copy(src, d)
        unit = os.path.join(merged, "etc/systemd/system",
                            "ddnsupdate-test.service")
        with open(unit, "w") as f:
            f.write(DRIVER_UNIT.format(scenario=scenario, dir=TEST_DIR,
                                       limit=BOOT_LIMIT - 60))
        wants = os.path.join(merged,
                             "etc/systemd/system/multi-user.target.wants")
        os.makedirs(wants, exist_ok=True)
        os.symlink("../ddnsupdate-test.service",
                   os.path.join(wants, "ddnsupdate-test.service"))
        env = dict(os.environ)
        if suite != "bookworm":
            # systemd 256 and later refuse the hybrid/legacy cgroup
            # hierarchy of the host.
            env["SYSTEMD_NSPAWN_UNIFIED_HIERARCHY"] = "1"
        log(f"{suite}/{scenario}: booting (at most {BOOT_LIMIT} s)")
        t0 = time.monotonic()
        with open(os.path.join(out, "nspawn.log"), "w") as f:
            p = subprocess.run(
                ["timeout", "-k", "10", str(BOOT_LIMIT), "systemd-nspawn",
                 "-q", "-D", merged, "--register=no", "--keep-unit", "-b",
                 "--console=pipe", "--private-network"],
                env=env, stdout=f, stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL)
        log(f"{suite}/{scenario}: powered off after "
            f"{time.monotonic() - t0:.0f} s (nspawn exit {p.returncode})")
        installed["nspawn_rc"] = p.returncode
        record_path = merged + drv.RESULT
        record = {}
        if os.path.exists(record_path):
            shutil.copy(record_path, out)
            with open(record_path) as f:
                record = json.load(f)
        j = subprocess.run(["journalctl", "-D",
                            os.path.join(merged, "var/log/journal"),
                            "-o", "json", "--no-pager"],
                           capture_output=True, text=True, timeout=120)
        entries = [json.loads(line) for line in j.stdout.splitlines()
                   if line.startswith("{")]
        with open(os.path.join(out, "journal.txt"), "w") as f:
            subprocess.run(["journalctl", "-D",
                            os.path.join(merged, "var/log/journal"),
                            "-o", "short-monotonic", "--no-pager"],
                           stdout=f, stderr=subprocess.STDOUT, timeout=120)
        return record, entries, installed
    finally:
        subprocess.run(["umount", merged], timeout=60)
        shutil.rmtree(work, ignore_errors=True)


# ------------------------------------------------------------ checks

PRIORITY = ["emerg", "alert", "crit", "err", "warning", "notice", "info",
            "debug"]


def program_lines(entries):
    """{invocation id: [(priority, message)]}: what ddnsupdate wrote to
    its stdout and stderr under the service."""
    lines = {}
    for e in entries:
        if e.get("_SYSTEMD_UNIT") == "ddnsupdate.service" and \
                e.get("_TRANSPORT") == "stdout":
            msg = e.get("MESSAGE")
            if isinstance(msg, list):
                msg = bytes(msg).decode(errors="replace")
            lines.setdefault(e.get("_SYSTEMD_INVOCATION_ID"), []).append(
                (int(e.get("PRIORITY", 6)), msg, int(e.get("_UID", -1))))
    return lines


def usec(span):
    """systemctl's time span ("18min 15.633450s", "0", "infinity") in
    microseconds; None for infinity or nothing."""
    units = {"us": 1, "ms": 1000, "s": 10**6, "min": 60 * 10**6,
             "h": 3600 * 10**6, "d": 86400 * 10**6}
    if span in (None, "", "infinity"):
        return None
    total = 0
    for part in span.split():
        m = re.fullmatch(r"([0-9.]+)([a-z]*)", part)
        if m is None or m.group(2) not in units and m.group(2) != "":
            return None
        total += float(m.group(1)) * units.get(m.group(2) or "us", 1)
    return int(total)


def steps(record):
    return {s["name"]: s for s in record.get("steps", [])}


def show_journal(name, lines):
    if not lines:
        log(f"    [{name}] (no line)")
    for prio, msg, _ in lines:
        log(f"    [{name}] <{prio}> {PRIORITY[prio]:7} {msg}")


def readme_ran(st, section):
    """Checks that every sh block of README's section ran, and shows what
    they printed."""
    want = len(st.get(f"{section}: blocks", {}).get("blocks", []))
    ran = [s for n, s in st.items() if n.startswith("readme block")]
    check(f"README's {section!r} commands run as written",
          want > 0 and len(ran) == want and
          all(b["run"]["rc"] == 0 for b in ran),
          [b["run"] for b in ran if b["run"]["rc"] != 0] or
          f"{len(ran)} of {want} blocks ran")
    for b in ran:
        for line in (b["run"]["stdout"] + b["run"]["stderr"]).splitlines():
            log(f"    | {line}")


def judge_systemd(suite, record, entries, installed):
    log(f"{suite}/systemd:")
    st = steps(record)
    check("the package installs", installed["rc"] == 0,
          installed["output"])
    check("installing enables the timer", installed["timer_wants"])
    check("installing does not enable the service",
          installed["service_links"] == [], installed["service_links"])
    check("the driver finished", record.get("finished"),
          record.get("exception", f"nspawn exit {installed['nspawn_rc']}"))
    readme_ran(st, "With systemd")
    inst = st.get("installed", {})
    check("timer enabled and active after boot",
          (inst.get("timer_enabled"), inst.get("timer_active")) ==
          ("enabled", "active"), inst)
    check("the service is static (started only by the timer and hooks)",
          inst.get("service_enabled") == "static", inst)
    etc = (inst.get("files") or {}).get("/etc/ddnsupdate") or {}
    check("/etc/ddnsupdate is root's, closed to others",
          (etc.get("uid"), etc.get("mode")) == (0, "0o750"), etc)
    un = st.get("unconfigured start", {})
    check("unconfigured, a start is skipped by its condition and asks "
          "nobody", un.get("ConditionResult") == "no" and
          un.get("requests") == [], un)

    lines = program_lines(entries)
    runs = ["timer start", "second start", "start after sudo", "change",
            "error"]
    for name in runs:
        show_journal(name, lines.get(st.get(name, {}).get("InvocationID"),
                                     []))

    def run_lines(name):
        return [(p, m) for p, m, _ in
                lines.get(st.get(name, {}).get("InvocationID"), [])]

    t = st.get("timer start", {})
    timer = t.get("timer", {})
    trig = usec(timer.get("LastTriggerUSecMonotonic")) or 0
    started = usec(t.get("ExecMainStartTimestampMonotonic")) or 0
    check("the timer started the service",
          trig > 0 and started >= trig, (timer, started))
    check("the timer's next start is set, after this one",
          (usec(timer.get("NextElapseUSecMonotonic")) or 0) > trig, timer)
    check("the timer's run succeeded", (t.get("Result"),
          t.get("ExecMainStatus")) == ("success", "0"), t)
    check("it changed both records", t.get("live") ==
          {"A": drv.NEW4, "AAAA": drv.NEW6}, t.get("live"))
    check("README's configuration was used as written (api_key_file "
          "kept), the key came from the credential",
          st.get("configured", {}).get("readme_config", {}).get(
              "api_key_file") == "/etc/ddnsupdate/api_key" and
          "POST /v2.0/tokens" in t.get("requests", []), t.get("requests"))
    want = sorted([(5, f"home.example.com A {drv.OLD4} -> {drv.NEW4}"),
                   (5, f"home.example.com AAAA {drv.OLD6} -> {drv.NEW6}")])
    check("the change lines reached the journal at notice",
          sorted(run_lines("timer start")) == want, run_lines("timer start"))
    uids = {u for _, _, u in lines.get(t.get("InvocationID"), [])}
    f = t.get("files", {})
    state = f.get("/var/lib/private/ddnsupdate/cache.json") or {}
    check("it ran as a dynamic user, who owns the state",
          len(uids) == 1 and uids <= set(DYNAMIC) and
          state.get("uid") in uids and state.get("mode") == "0o600",
          (uids, state))
    check("/var/lib/ddnsupdate is systemd's link to the private state",
          (f.get("/var/lib/ddnsupdate") or {}).get("link") is True, f)
    dyn = state.get("uid")

    s = st.get("second start", {})
    check("a second start succeeds, prints nothing, asks only the echo "
          "services", (s.get("Result"), s.get("ExecMainStatus")) ==
          ("success", "0") and run_lines("second start") == [] and
          s.get("requests") and all(r.startswith("GET /echo/")
                                    for r in s["requests"]), s)

    sr = st.get("sudo run", {})
    r = sr.get("run", {})
    check("sudo ddnsupdate -v changes the record",
          r.get("rc") == 0 and r.get("stdout") ==
          f"home.example.com A {drv.NEW4} -> {drv.NEXT4}\n", r)
    check("sudo's run leaves state and lock to the dynamic user",
          all((v or {}).get("uid") == dyn
              for v in sr.get("files", {}).values()), sr.get("files"))
    ss = st.get("sudo status", {}).get("run", {})
    check("sudo ddnsupdate --status works", ss.get("rc") == 0, ss)
    a = st.get("start after sudo", {})
    check("the service works after the sudo runs, silently, from the "
          "state they left", (a.get("Result"), a.get("ExecMainStatus")) ==
          ("success", "0") and run_lines("start after sudo") == [] and
          a.get("requests") and all(r.startswith("GET /echo/")
                                    for r in a["requests"]), a)
    c = st.get("change", {})
    check("a change by the service: notice",
          c.get("ExecMainStatus") == "0" and run_lines("change") ==
          [(5, f"home.example.com A {drv.NEXT4} -> {drv.LAST4}")],
          run_lines("change"))
    e = st.get("error", {})
    el = run_lines("error")
    check("an error: exit 75, one line at err",
          e.get("ExecMainStatus") == "75" and len(el) == 1 and
          el[0][0] == 3 and el[0][1].startswith("ddnsupdate: ") and
          "IPv4" in el[0][1], (e.get("ExecMainStatus"), el))
    every = [x for v in lines.values() for x in v]
    check("no warning in any run (a group-readable credential is fine)",
          not [x for x in every if x[0] == 4 or
               x[1].startswith("ddnsupdate: warning")], every)
    check("every line of the service has a priority of its own (no '<N>' "
          "left in the text)", not [x for x in every if x[1][:1] == "<"],
          every)


def judge_cron(suite, record, installed):
    log(f"{suite}/cron:")
    st = steps(record)
    check("the package installs", installed["rc"] == 0, installed["output"])
    check("the driver finished", record.get("finished"),
          record.get("exception", f"nspawn exit {installed['nspawn_rc']}"))
    readme_ran(st, "With cron")
    ct = st.get("crontab", {})
    check("the crontab sets MAILTO", ct.get("assignments", {}).get(
        "MAILTO"), ct.get("assignments"))
    check("one job, every five minutes", [j["schedule"] for j in
          ct.get("jobs", [])] == ["*/5 * * * *"], ct.get("jobs"))
    check("the service and timer are masked for cron's sake",
          ct.get("units") == {"ddnsupdate.timer": "masked",
                              "ddnsupdate.service": "masked"},
          ct.get("units"))
    for name in ("cron first", "cron unchanged", "cron change",
                 "cron error", "cron error again"):
        s = st.get(name, {})
        mail = s.get("mail", "")
        log(f"    [{name}] exit {s.get('rc')}, "
            + (f"mail:\n      " + mail.rstrip("\n").replace(
                "\n", "\n      ") if mail else "no mail"))
    first = st.get("cron first", {})
    want = sorted([f"home.example.com A {drv.OLD4} -> {drv.NEW4}",
                   f"home.example.com AAAA {drv.OLD6} -> {drv.NEW6}"])
    check("first run: exit 0, the change lines are the mail",
          first.get("rc") == 0 and
          sorted(first.get("mail", "").splitlines()) == want, first)
    f = first.get("files", {})
    d = f.get("/var/lib/ddnsupdate") or {}
    s = f.get("/var/lib/ddnsupdate/cache.json") or {}
    check("the state directory is the cron user's own",
          (d.get("user"), d.get("mode"), d.get("link")) ==
          ("ddnsupdate", "0o700", False) and
          (s.get("user"), s.get("mode")) == ("ddnsupdate", "0o600"), f)
    u = st.get("cron unchanged", {})
    check("unchanged run: exit 0, no mail, only the echo services asked",
          u.get("rc") == 0 and u.get("mail") == "" and u.get("requests")
          and all(r.startswith("GET /echo/") for r in u["requests"]), u)
    c = st.get("cron change", {})
    check("address change: exit 0, one change line mailed",
          c.get("rc") == 0 and c.get("mail") ==
          f"home.example.com A {drv.NEW4} -> {drv.NEXT4}\n", c)
    e = st.get("cron error", {})
    lines = e.get("mail", "").splitlines()
    check("an error: exit 75, one line mailed",
          e.get("rc") == 75 and len(lines) == 1 and
          lines[0].startswith("ddnsupdate: ") and "IPv4" in lines[0], e)
    a = st.get("cron error again", {})
    check("the same error again: exit 75, no mail (report_interval)",
          a.get("rc") == 75 and a.get("mail") == "", a)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--suites", default="bookworm")
    ap.add_argument("--scenarios", default="systemd,cron")
    ap.add_argument("deb")
    args = ap.parse_args()
    if os.geteuid() != 0:
        os.execvp("sudo", ["sudo", sys.executable, *sys.argv])
    deb = os.path.abspath(args.deb)
    for tool in ("debootstrap", "systemd-nspawn", "journalctl"):
        if shutil.which(tool) is None:
            sys.exit(f"containers.py: {tool} is missing (make check-deps)")
    t0 = time.monotonic()
    for suite in args.suites.split(","):
        root = cached_root(suite, deb)
        for scenario in args.scenarios.split(","):
            record, entries, installed = boot(suite, root, deb, scenario)
            if scenario == "systemd":
                judge_systemd(suite, record, entries, installed)
            else:
                judge_cron(suite, record, installed)
    log(f"containers: {len(failures)} failed checks in "
        f"{time.monotonic() - t0:.0f} s; records and journals in {OUT}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
