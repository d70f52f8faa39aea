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

from harness import BIN, ROOT, Case

EXAMPLES = os.path.join(ROOT, "examples")


class Install(unittest.TestCase):
    def test_install_and_uninstall_into_destdir(self):
        dest = tempfile.mkdtemp(prefix="ddns-destdir-")
        self.addCleanup(shutil.rmtree, dest, True)
        make = ["make", "-s", "-C", ROOT, f"DESTDIR={dest}", "PREFIX=/usr"]
        p = subprocess.run(make + ["install"], capture_output=True,
                           text=True, timeout=300)
        self.assertEqual(p.returncode, 0, p.stderr)
        files = sorted(os.path.relpath(os.path.join(top, f), dest)
                       for top, _, names in os.walk(dest) for f in names)
        want = ["usr/bin/ddnsupdate", "usr/share/man/man1/ddnsupdate.1",
                "usr/share/man/man5/ddnsupdate.json.5"] + sorted(
            "usr/share/doc/ddnsupdate/examples/" + f
            for f in os.listdir(EXAMPLES))
        # the network hooks (hooks/hooks.mk; tests/hooks runs them)
        want += ["usr/libexec/ddnsupdate/trigger",
                 "etc/NetworkManager/dispatcher.d/ddnsupdate",
                 "etc/networkd-dispatcher/routable.d/ddnsupdate",
                 "etc/network/if-up.d/ddnsupdate",
                 "etc/dhcp/dhclient-exit-hooks.d/ddnsupdate",
                 "usr/lib/dhcpcd/dhcpcd-hooks/ddnsupdate",
                 "etc/ppp/ip-up.d/ddnsupdate"]
        self.assertEqual(files, sorted(want))
        mode = stat.S_IMODE(os.stat(os.path.join(
            dest, "usr/bin/ddnsupdate")).st_mode)
        self.assertEqual(mode, 0o755)
        self.assertEqual(stat.S_IMODE(os.stat(os.path.join(
            dest, "usr/share/man/man1/ddnsupdate.1")).st_mode), 0o644)
        p = subprocess.run(make + ["uninstall"], capture_output=True,
                           text=True, timeout=60)
        self.assertEqual(p.returncode, 0, p.stderr)
        left = [os.path.join(top, f) for top, _, names in os.walk(dest)
                for f in names]
        self.assertEqual(left, [])

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
                     "RestrictAddressFamilies=AF_INET AF_INET6 AF_UNIX",
                     "LoadCredential=api_key:"):
            self.assertIn(line, svc)
        tim = open(timer).read()
        self.assertRegex(tim, r"RandomizedDelaySec=\d+")
        self.assertRegex(tim, r"OnUnitActiveSec=\d+min")
        if shutil.which("systemd-analyze") is None:
            return      # parsed above; the full check needs systemd
        # verify with ExecStart pointing at a binary that exists
        d = tempfile.mkdtemp(prefix="ddns-units-")
        self.addCleanup(shutil.rmtree, d, True)
        with open(os.path.join(d, "ddnsupdate.service"), "w") as f:
            f.write(svc.replace("/usr/local/bin/ddnsupdate", BIN))
        shutil.copy(timer, d)
        p = subprocess.run(["systemd-analyze", "verify", "--man=no",
                            os.path.join(d, "ddnsupdate.service"),
                            os.path.join(d, "ddnsupdate.timer")],
                           capture_output=True, text=True, timeout=60)
        self.assertEqual(p.returncode, 0, p.stderr)
