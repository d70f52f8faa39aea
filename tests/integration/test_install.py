"""What surrounds the binary: make install and uninstall into a DESTDIR,
the example configurations through --check-config, the systemd units, the
man pages' SYNOPSIS against usage()."""

import configparser
import json
import os
import re
import shutil
import stat
import subprocess
import tempfile
import unittest

from harness import BIN, ROOT, Case, mode_of

EXAMPLES = os.path.join(ROOT, "examples")


class Install(unittest.TestCase):
    def make(self, dest, *args, dry=False):
        argv = ["make", "-s", "-C", ROOT, f"DESTDIR={dest}", *args]
        if dry:
            argv.insert(1, "-n")
        p = subprocess.run(argv, capture_output=True, text=True,
                           timeout=300)
        self.assertEqual(p.returncode, 0, p.stderr)
        return p.stdout

    def test_install_and_uninstall_into_destdir(self):
        dest = tempfile.mkdtemp(prefix="ddns-destdir-")
        self.addCleanup(shutil.rmtree, dest, True)
        self.make(dest, "PREFIX=/usr", "install")
        files = sorted(os.path.relpath(os.path.join(top, f), dest)
                       for top, _, names in os.walk(dest) for f in names)
        examples = ["README.md", "config.json", "crontab",
                    "ddnsupdate.service", "ddnsupdate.timer",
                    "original-config.json"]
        self.assertEqual(sorted(os.listdir(EXAMPLES)), examples)
        want = ["usr/bin/ddnsupdate", "usr/share/man/man1/ddnsupdate.1",
                "usr/share/man/man5/ddnsupdate.json.5",
                "usr/lib/systemd/system/ddnsupdate.service",
                "usr/lib/systemd/system/ddnsupdate.timer"] + [
            "usr/share/doc/ddnsupdate/examples/" + f for f in examples]
        # the network hooks (hooks/hooks.mk; tests/hooks runs them)
        want += ["usr/libexec/ddnsupdate/trigger",
                 "etc/NetworkManager/dispatcher.d/ddnsupdate",
                 "etc/networkd-dispatcher/routable.d/ddnsupdate",
                 "etc/network/if-up.d/ddnsupdate",
                 "etc/dhcp/dhclient-exit-hooks.d/ddnsupdate",
                 "usr/lib/dhcpcd/dhcpcd-hooks/ddnsupdate",
                 "etc/ppp/ip-up.d/ddnsupdate"]
        self.assertEqual(files, sorted(want))
        for path, mode in (("usr/bin/ddnsupdate", 0o755),
                           ("usr/share/man/man1/ddnsupdate.1", 0o644),
                           ("usr/lib/systemd/system/ddnsupdate.service",
                            0o644),
                           ("usr/share/doc/ddnsupdate/examples/crontab",
                            0o644),
                           ("etc/ddnsupdate", 0o750),
                           ("var/lib/ddnsupdate", 0o700)):
            self.assertEqual(mode_of(os.path.join(dest, path)), mode, path)
        # The units, installed and as examples, name this install's paths.
        for unit in ("usr/lib/systemd/system/ddnsupdate.service",
                     "usr/share/doc/ddnsupdate/examples/ddnsupdate.service"):
            text = open(os.path.join(dest, unit)).read()
            self.assertIn("\nExecStart=/usr/bin/ddnsupdate\n", text)
            self.assertIn("\nConditionPathExists=/etc/ddnsupdate/"
                          "config.json\n", text)
            self.assertIn("\nLoadCredential=api_key:/etc/ddnsupdate/"
                          "api_key\n", text)
            self.assertNotRegex(text, r"@[A-Z]+@")
            self.assertNotIn("/usr/local", text)
        # A configuration the administrator wrote stays, and so does its
        # directory; uninstall removes every file it installed.
        self.make(dest, "PREFIX=/usr", "install")
        conf = os.path.join(dest, "etc/ddnsupdate/config.json")
        open(conf, "w").close()
        os.chmod(os.path.join(dest, "etc/ddnsupdate"), 0o755)
        self.make(dest, "PREFIX=/usr", "install")
        self.assertEqual(mode_of(os.path.join(dest, "etc/ddnsupdate")),
                         0o755)
        self.make(dest, "PREFIX=/usr", "uninstall")
        left = [os.path.relpath(os.path.join(top, f), dest)
                for top, _, names in os.walk(dest) for f in names]
        self.assertEqual(left, ["etc/ddnsupdate/config.json"])
        self.assertFalse(os.path.exists(os.path.join(
            dest, "var/lib/ddnsupdate")))

    def test_paths_follow_prefix(self):
        """/etc for /usr and /usr/local, PREFIX/etc otherwise; the binary
        is told the same (the commands only: nothing is rebuilt)."""
        dest = tempfile.mkdtemp(prefix="ddns-destdir-")
        self.addCleanup(shutil.rmtree, dest, True)
        for prefix, etc, units in (
                ("/usr/local", "/etc", "/usr/local/lib/systemd/system"),
                ("/usr", "/etc", "/usr/lib/systemd/system"),
                ("/opt/ddns", "/opt/ddns/etc", "/opt/ddns/lib/systemd/system")):
            out = self.make(dest, f"PREFIX={prefix}", "install", dry=True)
            self.assertIn(f"s|@BINDIR@|{prefix}/bin|g", out)
            self.assertIn(f"s|@SYSCONFDIR@|{etc}|g", out)
            self.assertIn(f"{dest}{units}/", out)
            self.assertIn(f"install -d -m 750 {dest}{etc}/ddnsupdate", out)

    def test_synopsis_equals_usage(self):
        p = subprocess.run([BIN, "-h"], capture_output=True, text=True)
        # the synopsis: the lines up to the first option, each form
        # starting with "ddnsupdate" (a long one wraps onto the next line)
        lines = [l.split(None, 1)[1] if l.startswith("usage:") else
                 l.strip() for l in p.stdout.split("\n  -", 1)[0].splitlines()]
        usage = []
        for l in lines:
            if l.startswith("ddnsupdate") or not usage:
                usage.append(l)
            else:
                usage[-1] += " " + l
        self.assertGreaterEqual(len(usage), 4, p.stdout)
        for l in p.stdout.splitlines():
            self.assertLessEqual(len(l), 80, f"--help wider than 80: {l!r}")
        man = subprocess.run(["mandoc", "-Tascii", "-Ofragment",
                              os.path.join(ROOT, "man", "ddnsupdate.1")],
                             capture_output=True, text=True)
        if man.returncode != 0:
            self.fail("mandoc is needed (make deps)")
        text = re.sub(r".\x08", "", man.stdout)
        synopsis = text.split("SYNOPSIS", 1)[1].split("DESCRIPTION", 1)[0]
        flat = " ".join(synopsis.split())
        for form in usage:
            self.assertIn(" ".join(form.split()), flat)


class Examples(Case):
    def test_full_example_config_is_valid(self):
        with open(os.path.join(EXAMPLES, "config.json")) as f:
            doc = json.load(f)
        doc["api_key_file"] = self.keyfile      # the example's is in /etc
        path = self.write(os.path.join(self.dir, "example.json"),
                          json.dumps(doc), 0o644)
        res = self.run_ddns("--check-config", conf=path,
                            env={"STATE_DIRECTORY": self.dir})
        self.assertRun(res, 0, err="", out=f"{path}: valid, 2 records\n")
        self.assertEqual(self.sim.requests(), [])

    def test_original_example_config_is_valid(self):
        path = os.path.join(self.dir, "original.json")
        shutil.copy(os.path.join(EXAMPLES, "original-config.json"), path)
        os.chmod(path, 0o600)
        self.inputs.add(path)
        res = self.run_ddns("--check-config", conf=path,
                            env={"STATE_DIRECTORY": self.dir})
        self.assertRun(res, 0, err="", out=f"{path}: valid, 1 record\n")

    def test_systemd_units(self):
        unit = os.path.join(EXAMPLES, "ddnsupdate.service")
        timer = os.path.join(EXAMPLES, "ddnsupdate.timer")
        for path in (unit, timer):
            cp = configparser.ConfigParser(strict=False,
                                           interpolation=None)
            cp.optionxform = str
            with open(path) as f:
                cp.read_string(f.read())
            self.assertIn("Unit", cp.sections())
        svc = open(unit).read()
        for line in ("Type=oneshot", "DynamicUser=yes",
                     "StateDirectory=ddnsupdate", "NoNewPrivileges=yes",
                     "ProtectSystem=strict",
                     "RestrictAddressFamilies=AF_INET AF_INET6 AF_UNIX "
                     "AF_NETLINK",
                     "ExecStart=@BINDIR@/ddnsupdate\n",
                     "ConditionPathExists=@SYSCONFDIR@/ddnsupdate/"
                     "config.json\n",
                     "LoadCredential=api_key:@SYSCONFDIR@/ddnsupdate/"
                     "api_key\n"):
            self.assertIn(line, svc)
        # Changes must reach the journal: no -q anywhere, nor in cron's.
        self.assertNotRegex(svc, r"(?m)^ExecStart=.*\s-q")
        self.assertNotIn("[Install]", svc)      # only the timer starts it
        tab = open(os.path.join(EXAMPLES, "crontab")).read()
        self.assertRegex(tab, r"(?m)^MAILTO=\S+$")
        self.assertRegex(tab, r"(?m)^\*/5 \* \* \* \* ddnsupdate$")
        tim = open(timer).read()
        self.assertRegex(tim, r"RandomizedDelaySec=\d+")
        self.assertRegex(tim, r"OnUnitActiveSec=\d+min")
        self.assertIn("WantedBy=timers.target", tim)
        if shutil.which("systemd-analyze") is None:
            self.fail("systemd-analyze is needed (systemd)")
        # verify the units as installed, ExecStart= naming a binary that
        # exists
        dest = tempfile.mkdtemp(prefix="ddns-units-")
        self.addCleanup(shutil.rmtree, dest, True)
        p = subprocess.run(["make", "-s", "-C", ROOT, f"DESTDIR={dest}",
                            "PREFIX=/usr", f"BINDIR={os.path.dirname(BIN)}",
                            "UNITDIR=/units", "install"],
                           capture_output=True, text=True, timeout=300)
        self.assertEqual(p.returncode, 0, p.stderr)
        installed = open(os.path.join(dest, "units/ddnsupdate.service")).read()
        self.assertIn(f"\nExecStart={os.path.dirname(BIN)}/ddnsupdate\n",
                      installed)
        p = subprocess.run(["systemd-analyze", "verify", "--man=no",
                            os.path.join(dest, "units/ddnsupdate.service"),
                            os.path.join(dest, "units/ddnsupdate.timer")],
                           capture_output=True, text=True, timeout=60)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(p.stderr, "")
