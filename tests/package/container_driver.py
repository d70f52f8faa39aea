#!/usr/bin/env python3
"""The inside of make check-systemd: runs in a booted Debian container
that has the package installed, as the unit ddnsupdate-test.service, with
the bundled simulator in this process on the container's own loopback.

  container_driver.py systemd   the timer, the dynamic user, credentials,
                                the journal, sudo runs in between
  container_driver.py cron      README's "With cron" commands as written,
                                then the crontab's job run as cron runs it

It only acts and records: what each step did goes to RESULT as JSON, and
containers.py, outside, judges it together with the container's journal.
The unit powers the container off when this ends, however it ends.
"""

import grp
import json
import os
import pwd
import re
import subprocess
import sys
import time
import traceback

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

from simulator import Simulator  # noqa: E402

RESULT = "/var/lib/ddnsupdate-test/result.json"
SIMDIR = "/var/lib/ddnsupdate-test/sim"     # readable by the dynamic user
README = os.path.join(HERE, "README.md")
ETC = "/etc/ddnsupdate"
OLD4, NEW4, NEXT4, LAST4 = ("198.51.100.4", "81.2.69.160", "81.2.69.161",
                            "81.2.69.162")
OLD6, NEW6 = "2a00:1450:4001:81c::1", "2a00:1450:4001:81c::200e"
TIMER_WAIT = 200        # seconds: OnBootSec=1min plus up to 60 s of delay
CMD_TIMEOUT = 120

result = {"steps": []}


def run(argv, **kw):
    """Runs argv; returns a dict of what happened, for the record."""
    kw.setdefault("timeout", CMD_TIMEOUT)
    p = subprocess.run(argv, capture_output=True, text=True,
                       stdin=subprocess.DEVNULL, **kw)
    return {"argv": argv, "rc": p.returncode, "stdout": p.stdout,
            "stderr": p.stderr}


def show(unit, *props):
    p = run(["systemctl", "show", unit, "-p", ",".join(props)])
    return dict(line.split("=", 1) for line in p["stdout"].splitlines()
                if "=" in line)


def step(name, **facts):
    facts["name"] = name
    result["steps"].append(facts)
    save()
    return facts


def save():
    os.makedirs(os.path.dirname(RESULT), exist_ok=True)
    with open(RESULT + ".tmp", "w") as f:
        json.dump(result, f, indent=1)
    os.replace(RESULT + ".tmp", RESULT)


def owner(path):
    st = os.lstat(path)
    return {"uid": st.st_uid, "gid": st.st_gid,
            "mode": oct(st.st_mode & 0o7777),
            "link": os.path.islink(path),
            "user": _name(pwd.getpwuid, st.st_uid),
            "group": _name(grp.getgrgid, st.st_gid)}


def _name(lookup, ident):
    try:
        return lookup(ident)[0]
    except KeyError:
        return None


def files(*paths):
    return {p: owner(p) if os.path.lexists(p) else None for p in paths}


def start_simulator():
    os.makedirs(SIMDIR, exist_ok=True)
    os.chmod(SIMDIR, 0o755)
    sim = Simulator(SIMDIR, ipv6=True)
    zone = sim.add_zone("example.com")
    ids = {"A": sim.add_record(zone, "home.example.com", "A", OLD4),
           "AAAA": sim.add_record(zone, "home.example.com", "AAAA", OLD6)}
    sim.set_echo("a", NEW4 + "\n")
    sim.set_echo("b", NEW4 + "\n")
    sim.set_echo("v6", NEW6 + "\n")
    return sim, zone, ids


def live(sim, zone, ids):
    return {t: sim.record(zone, r)["data"] for t, r in ids.items()}


def readme_section(heading):
    """The text of README's section under this heading (any level)."""
    with open(README) as f:
        text = f.read()
    m = re.search(r"^(#+) " + re.escape(heading) + r"\n", text, re.M)
    if m is None:
        raise SystemExit(f"README.md has no section {heading!r}")
    level = len(m.group(1))
    rest = text[m.end():]
    end = re.search(r"^#{1,%d} " % level, rest, re.M)
    return rest[:end.start()] if end else rest


def blocks(section, lang):
    return re.findall(r"^```" + lang + r"\n(.*?)^```", section, re.M | re.S)


def simulator_keys(sim):
    """What a configuration needs to talk to the simulator instead of
    Rackspace and the public echo services."""
    return {"identity_url": sim.identity_url, "ca_file": sim.ca_file,
            "ip_sources": {"ipv4": [sim.echo_url("a"), sim.echo_url("b")],
                           "ipv6": [sim.echo_url("v6", ipv6=True)]}}


EDITOR = """#!/usr/bin/python3
# The editor of README's steps: types the key into a key file; into a
# configuration, the simulator's URLs (on BASE_CONFIG, when set, as if
# the user had pasted that).
import json, os, sys
path = sys.argv[-1]
with open(os.environ["SIM_KEYS"]) as f:
    sim = json.load(f)
if "api_key" in os.path.basename(path):
    with open(path, "w") as f:
        f.write(sim.pop("key") + "\\n")
else:
    sim.pop("key")
    base = os.environ.get("BASE_CONFIG") or path
    with open(base) as f:
        doc = json.load(f)
    doc.update(sim)
    with open(path, "w") as f:
        json.dump(doc, f, indent=2)
"""


def editor_env(sim, base_config=None):
    """The environment for README's commands: EDITOR, VISUAL and
    SUDO_EDITOR are the editor above."""
    keys = dict(simulator_keys(sim), key=sim.accounts["jdoe"])
    with open(os.path.join(HERE, "sim-keys.json"), "w") as f:
        json.dump(keys, f)
    path = os.path.join(HERE, "editor")
    with open(path, "w") as f:
        f.write(EDITOR)
    os.chmod(path, 0o755)
    env = dict(os.environ, EDITOR=path, VISUAL=path, SUDO_EDITOR=path,
               SIM_KEYS=os.path.join(HERE, "sim-keys.json"))
    if base_config:
        env["BASE_CONFIG"] = base_config
    return env


def readme_blocks(section, env, files_of, between=None):
    """Runs the sh blocks of README's section as root, one shell each,
    stopping at the first that fails; between(i) runs before block i > 0.
    True when all ran."""
    sh = blocks(readme_section(section), "sh")
    step(f"{section}: blocks", blocks=sh)
    for i, block in enumerate(sh):
        if i > 0 and between:
            between(i)
        r = run(["/bin/sh", "-exc", block], env=env, cwd="/")
        r.pop("argv")
        step(f"readme block {i + 1}", run=r, files=files(*files_of))
        if r["rc"] != 0:
            return False
    return bool(sh)


def requests_summary(sim):
    return [f"{e['method']} {e['url_path']}" for e in sim.requests()]


# ------------------------------------------------------------ systemd

def service_run(sim, name, start=True):
    """Starts the service (after reset-failed, against the start rate
    limit) and records how it ended; start=False only records the run the
    timer made."""
    facts = {}
    if start:
        sim.clear_log()
        facts["reset"] = run(["systemctl", "reset-failed",
                              "ddnsupdate.service"])["rc"]
        facts["start"] = run(["systemctl", "start", "ddnsupdate.service"])
    facts.update(show("ddnsupdate.service", "InvocationID", "Result",
                      "ExecMainStatus", "ActiveState", "ConditionResult",
                      "ExecMainStartTimestampMonotonic"))
    facts["requests"] = requests_summary(sim)
    return step(name, **facts)


def scenario_systemd():
    sim, zone, ids = start_simulator()
    step("installed",
         timer_enabled=run(["systemctl", "is-enabled",
                            "ddnsupdate.timer"])["stdout"].strip(),
         timer_active=run(["systemctl", "is-active",
                           "ddnsupdate.timer"])["stdout"].strip(),
         service_enabled=run(["systemctl", "is-enabled",
                              "ddnsupdate.service"])["stdout"].strip(),
         files=files(ETC, "/var/lib/ddnsupdate"))

    # Not configured yet: a start is skipped and asks nobody anything.
    service_run(sim, "unconfigured start")

    # Configure as README's "With systemd" says, with README's
    # configuration pasted (and the simulator's URLs added), then check
    # it and make a dry run by hand with sudo.
    conf = json.loads(blocks(readme_section("Configure"), "json")[0])
    base = os.path.join(HERE, "readme-config.json")
    with open(base, "w") as f:
        json.dump(conf, f)
    sim.clear_log()
    ok = readme_blocks("With systemd", editor_env(sim, base),
                       (ETC, ETC + "/api_key", ETC + "/config.json",
                        "/var/lib/ddnsupdate"))
    with open(os.path.join(ETC, "config.json")) as f:
        step("configured", readme_config=conf, config=json.load(f),
             requests=requests_summary(sim))
    if not ok:
        return
    sim.clear_log()

    # The timer's first start: OnBootSec=1min, RandomizedDelaySec=60.
    deadline = time.monotonic() + TIMER_WAIT
    while time.monotonic() < deadline:
        s = show("ddnsupdate.service", "ExecMainExitTimestampMonotonic",
                 "ActiveState")
        if s.get("ExecMainExitTimestampMonotonic", "0") not in ("", "0") \
                and s.get("ActiveState") != "activating":
            break
        time.sleep(1)
    timer = show("ddnsupdate.timer", "LastTriggerUSecMonotonic",
                 "NextElapseUSecMonotonic", "ActiveState")
    facts = service_run(sim, "timer start", start=False)
    facts["timer"] = timer
    facts["live"] = live(sim, zone, ids)
    facts["files"] = files("/var/lib/ddnsupdate",
                           "/var/lib/private/ddnsupdate",
                           "/var/lib/private/ddnsupdate/cache.json",
                           "/var/lib/private/ddnsupdate/cache.json.lock")
    save()

    # Nothing changed: silent, and only the echo services are asked.
    service_run(sim, "second start")

    # An administrator's runs with sudo, the first changing the record.
    sim.set_echo("a", NEXT4 + "\n")
    sim.set_echo("b", NEXT4 + "\n")
    sim.clear_log()
    step("sudo run", run=run(["sudo", "ddnsupdate", "-v"]),
         requests=requests_summary(sim), live=live(sim, zone, ids),
         files=files("/var/lib/private/ddnsupdate/cache.json",
                     "/var/lib/private/ddnsupdate/cache.json.lock"))
    step("sudo status", run=run(["sudo", "ddnsupdate", "--status"]))
    service_run(sim, "start after sudo")

    sim.set_echo("a", LAST4 + "\n")
    sim.set_echo("b", LAST4 + "\n")
    facts = service_run(sim, "change")
    facts["live"] = live(sim, zone, ids)
    save()

    sim.set_echo("a", "<html>busy</html>\n")
    sim.set_echo("b", "<html>busy</html>\n")
    service_run(sim, "error")
    run(["systemctl", "reset-failed", "ddnsupdate.service"])
    sim.stop()


# ------------------------------------------------------------ cron

def cron_env(user, assignments):
    """The environment cron gives a job (crontab(5)): SHELL, LOGNAME and
    HOME from the passwd entry, cron's PATH, then the crontab's own
    assignments, which may override all but LOGNAME."""
    pw = pwd.getpwnam(user)
    env = {"SHELL": "/bin/sh", "LOGNAME": user, "HOME": pw.pw_dir,
           "PATH": "/usr/bin:/bin"}
    for k, v in assignments.items():
        if k != "LOGNAME":
            env[k] = v
    return env


def parse_crontab(text):
    assignments, jobs = {}, []
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        m = re.match(r"^([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*)$", line)
        if m:
            value = m.group(2)
            if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
                value = value[1:-1]
            assignments[m.group(1)] = value
            continue
        fields = line.split(None, 5)
        jobs.append({"schedule": " ".join(fields[:5]), "command": fields[5]})
    return assignments, jobs


def cron_job(user, env, command):
    """Runs a crontab command as cron does: /bin/sh -c as the user, in the
    user's home, stdin from nothing; what it prints is the mail."""
    pw = pwd.getpwnam(user)
    groups = [g.gr_gid for g in grp.getgrall() if user in g.gr_mem]
    p = subprocess.run(["/bin/sh", "-c", command], env=env, cwd=pw.pw_dir,
                       user=pw.pw_uid, group=pw.pw_gid, extra_groups=groups,
                       umask=0o022, stdin=subprocess.DEVNULL,
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                       text=True, timeout=CMD_TIMEOUT)
    return {"rc": p.returncode, "mail": p.stdout}


def scenario_cron():
    sim, zone, ids = start_simulator()

    def edit_config(i):
        # README, between the blocks: edit the configuration to hold your
        # user name and records; here, to reach the simulator.
        r = run([os.path.join(HERE, "editor"), ETC + "/config.json"],
                env=env)
        with open(ETC + "/config.json") as f:
            step("edited", run=r, config=json.load(f))

    env = editor_env(sim)
    if not readme_blocks("With cron", env,
                         (ETC, ETC + "/api_key", ETC + "/config.json",
                          "/var/lib/ddnsupdate"), edit_config):
        return
    tab = run(["crontab", "-l", "-u", "ddnsupdate"])
    assignments, jobs = parse_crontab(tab["stdout"])
    step("crontab", crontab=tab, assignments=assignments, jobs=jobs,
         units={u: run(["systemctl", "is-enabled", u])["stdout"].strip()
                for u in ("ddnsupdate.timer", "ddnsupdate.service")})
    if len(jobs) != 1:
        return
    env = cron_env("ddnsupdate", assignments)
    command = jobs[0]["command"]

    def job(name):
        sim.clear_log()
        step(name, env=env, **cron_job("ddnsupdate", env, command),
             requests=requests_summary(sim), live=live(sim, zone, ids),
             files=files("/var/lib/ddnsupdate",
                         "/var/lib/ddnsupdate/cache.json",
                         "/var/lib/ddnsupdate/cache.json.lock"))

    job("cron first")
    job("cron unchanged")
    sim.set_echo("a", NEXT4 + "\n")
    sim.set_echo("b", NEXT4 + "\n")
    job("cron change")
    sim.set_echo("a", "<html>busy</html>\n")
    sim.set_echo("b", "<html>busy</html>\n")
    job("cron error")
    job("cron error again")
    sim.stop()


def main():
    scenario = sys.argv[1]
    result["scenario"] = scenario
    try:
        {"systemd": scenario_systemd, "cron": scenario_cron}[scenario]()
        result["finished"] = True
    except BaseException:
        result["exception"] = traceback.format_exc()
        raise
    finally:
        save()
    return 0


if __name__ == "__main__":
    sys.exit(main())
