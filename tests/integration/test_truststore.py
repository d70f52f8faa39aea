"""The trust store (CONTRACT.md 4 ca_file, 6): without ca_file the system
store is used, looked up by subject hash; with ca_file only that file is
trusted, never the system store beside it; an unknown CA is refused.

The system store is changed only inside a private mount namespace
(unshare -m, a bind mount over /etc/ssl/certs), never for real."""

import os
import shutil
import subprocess
import tempfile

from harness import BIN, Case, NEW, OLD

CERTS = "/etc/ssl/certs"
LINE = f"home.example.com A {OLD} -> {NEW}\n"


def unshare_works():
    if shutil.which("unshare") is None or os.geteuid() != 0:
        return False
    p = subprocess.run(["unshare", "-m", "--propagation", "private", "true"],
                       capture_output=True)
    return p.returncode == 0


class TrustStore(Case):
    def store_with(self, ca):
        """A copy of the system's hashed directory with ca added."""
        d = tempfile.mkdtemp(prefix="ddns-certs-")
        self.addCleanup(shutil.rmtree, d, True)
        for name in os.listdir(CERTS):
            src = os.path.join(CERTS, name)
            if os.path.isfile(src):
                shutil.copy(src, os.path.join(d, name))
        h = subprocess.run(["openssl", "x509", "-hash", "-noout", "-in", ca],
                           capture_output=True, text=True,
                           check=True).stdout.strip()
        shutil.copy(ca, os.path.join(d, "ddnsupdate-sim.pem"))
        os.symlink("ddnsupdate-sim.pem", os.path.join(d, h + ".0"))
        return d

    def run_in_namespace(self, store, conf):
        script = f'mount --bind "$0" {CERTS} && exec "$@"'
        argv = ["unshare", "-m", "--propagation", "private", "sh", "-c",
                script, store, BIN, "-c", conf]
        p = subprocess.run(argv, capture_output=True, text=True, timeout=60)
        return p

    def other_ca(self):
        """A CA that signed nothing the simulator serves."""
        d = tempfile.mkdtemp(prefix="ddns-otherca-")
        self.addCleanup(shutil.rmtree, d, True)
        ca = os.path.join(d, "other.pem")
        subprocess.run(["openssl", "req", "-x509", "-newkey", "ec",
                        "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                        "-keyout", os.path.join(d, "k.pem"), "-out", ca,
                        "-days", "2", "-subj", "/CN=unrelated test CA"],
                       capture_output=True, check=True)
        return ca

    def test_unknown_ca_is_refused(self):
        conf = self.config(ca_file=self.other_ca())
        res = self.run_ddns(conf=conf)
        self.assertRun(res, 75, out="", err_re=r"no IPv4 address could be "
                       r"detected.*(certificate|SSL)")
        self.assertEqual(self.sim.rackspace_requests(), [])
        self.assertEqual(self.live()["data"], OLD)

    def test_system_store_by_hash_and_ca_file_alone(self):
        if not unshare_works():
            self.skipTest("needs root and unshare -m")
        store = self.store_with(self.sim.ca_file)
        # no ca_file: the system store (with the simulator's CA) is used
        conf = self.config(ca_file=None)
        p = self.run_in_namespace(store, conf)
        self.assertEqual((p.returncode, p.stdout, p.stderr), (0, LINE, ""))
        self.assertEqual(self.live()["data"], NEW)
        # ca_file is used instead of the system store, not beside it: an
        # unrelated CA in ca_file must fail although the system store
        # would trust the simulator
        self.sim.set_echo("a", "81.2.69.161\n")
        conf = self.config(ca_file=self.other_ca(), name="other.json")
        p = self.run_in_namespace(store, conf)
        self.assertEqual(p.returncode, 75, p.stderr)
        self.assertRegex(p.stderr, r"certificate|SSL")
        self.assertEqual(self.live()["data"], NEW)
