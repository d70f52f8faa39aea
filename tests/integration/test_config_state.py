"""Configuration, key sources, state file and lock, end to end
(CONTRACT.md 1, 4, 5): bad input is one clear line per problem and the
contract's status, with no network traffic; the state is written whole,
0600, and only when it should be."""

import fcntl
import json
import os

from harness import Case, KEY, NEW, OLD, mode_of

LINE = f"home.example.com A {OLD} -> {NEW}\n"


class BadConfig(Case):
    def test_malformed_json_is_78_with_line_and_column(self):
        path = self.write(os.path.join(self.dir, "bad.json"),
                          '{\n  "username": "jdoe",\n  "records": [,]\n}\n')
        res = self.run_ddns(conf=path)
        # issue 10: the message says what JSON expected there
        self.assertRun(res, 78, out="", err=f"ddnsupdate: {path}: line 3, "
                       "column 15: not valid JSON: a comma before a closing "
                       "bracket: JSON allows no trailing comma\n")
        self.assertEqual(self.sim.requests(), [])

    def test_world_readable_config_holding_the_key_is_78(self):
        conf = self.config(api_key=KEY, api_key_file=None, mode=0o644)
        res = self.run_ddns(conf=conf)
        self.assertRun(res, 78, out="", err_re=r"holds the API key and is "
                       r"readable by others; run: chmod o-rwx " + conf)
        self.assertOneMessage(res)
        self.assertEqual(self.sim.requests(), [])

    def test_world_readable_key_file_is_78(self):
        os.chmod(self.keyfile, 0o604)
        res = self.run_ddns()
        self.assertRun(res, 78, out="", err_re=r"chmod o-rwx " +
                       self.keyfile)
        self.assertEqual(self.sim.requests(), [])

    def test_group_readable_key_file_is_fine_and_noted_by_check_config(self):
        # CONTRACT.md 4 (v2): root:ddnsupdate 0640 is the usual way
        os.chmod(self.keyfile, 0o640)
        res = self.run_ddns()
        self.assertRun(res, 0, out=LINE, err="")
        res = self.run_ddns("--check-config")
        self.assertRun(res, 0, err="", out_re=r"^note: .*api_key.* "
                       r"readable by its group")

    def test_world_readable_config_without_key_is_fine(self):
        conf = self.config(mode=0o644)
        res = self.run_ddns(conf=conf)
        self.assertRun(res, 0, out=LINE, err="")

    def test_every_problem_is_named_one_line_each(self):
        conf = self.config(records=[{"name": "home.example.com", "ttl": 60,
                                     "colour": "red"},
                                    {"name": "-bad-.example.com"}],
                           timeout=0, surprise=True)
        res = self.run_ddns("--check-config", conf=conf)
        self.assertEqual(res.rc, 78, res)
        lines = res.err.splitlines()
        self.assertEqual(len(lines), 5, res)
        for key in ("surprise: unknown key", "timeout: must be",
                    "records[0].colour: unknown key", "records[0].ttl:",
                    "records[1].name:"):
            self.assertTrue(any(key in l for l in lines), (key, res))
        self.assertEqual(self.sim.requests(), [])

    def test_duplicate_record_is_78(self):
        conf = self.config(records=[{"name": "home.example.com"},
                                    {"name": "Home.Example.com."}])
        res = self.run_ddns(conf=conf)
        self.assertRun(res, 78, err_re=r"records\[1\]: duplicate of "
                       r"records\[0\]")

    def test_missing_config_is_78(self):
        res = self.run_ddns(conf=os.path.join(self.dir, "nope.json"))
        self.assertRun(res, 78, out="", err_re=r"cannot read configuration "
                       r".*nope.json: No such file")

    def test_http_url_to_a_remote_host_is_78(self):
        conf = self.config(identity_url="http://identity.example.com/v2.0")
        res = self.run_ddns(conf=conf)
        self.assertRun(res, 78, err_re=r"identity_url: .* must be an "
                       r"https:// URL")

    def test_no_key_anywhere_is_78(self):
        conf = self.config(api_key_file=None)
        res = self.run_ddns(conf=conf)
        self.assertRun(res, 78, err_re=r"no API key")


class KeySources(Case):
    def test_environment_key(self):
        conf = self.config(api_key_file=None)
        res = self.run_ddns(conf=conf, env={"DDNSUPDATE_API_KEY": KEY})
        self.assertRun(res, 0, out=LINE, err="")

    def test_systemd_credential_wins_over_the_environment(self):
        creds = os.path.join(self.dir, "creds")
        os.mkdir(creds)
        self.write(os.path.join(creds, "api_key"), KEY, 0o400)
        conf = self.config(api_key_file=None)
        res = self.run_ddns(conf=conf, env={"CREDENTIALS_DIRECTORY": creds,
                                            "DDNSUPDATE_API_KEY": "wrong"})
        self.assertRun(res, 0, out=LINE, err="")

    def test_check_config_names_the_source_never_the_key(self):
        res = self.run_ddns("--check-config", "-v")
        self.assertRun(res, 0, err_re=r"API key from api_key_file " +
                       self.keyfile)
        self.assertEqual(self.sim.requests(), [])


class StateFile(Case):
    def test_corrupt_state_is_one_warning_then_a_first_run(self):
        for junk in ("", "{\"records\": [", "\x00\x01\x02binary",
                     "[1, 2, 3]"):
            self.write(self.cache, junk)
            res = self.run_ddns("-f")
            self.assertEqual(res.rc, 0, res)
            self.assertOneMessage(res)
            warnings = [l for l in res.err.splitlines() if "warning:" in l]
            self.assertEqual(len(warnings), 1, res)
            self.assertRegex(warnings[0], r"^ddnsupdate: warning: state file "
                             r".* starting as a first run")
            self.assertEqual(self.state()["records"][0]["data"], NEW)

    def test_unwritable_state_directory_is_73_before_any_request(self):
        conf = self.config(cache_file=os.path.join(self.dir, "no", "such",
                                                   "cache.json"))
        res = self.run_ddns(conf=conf)
        self.assertRun(res, 73, out="", err_re=r"cannot create lock file")
        self.assertEqual(self.sim.requests(), [])

    def test_state_that_cannot_be_replaced_is_73_saying_the_change_was_made(
            self):
        # the lock and the directory are fine, but cache.json is a directory
        # so the rename fails after the DNS change
        os.mkdir(self.cache)
        os.mkdir(os.path.join(self.cache, "x"))
        res = self.run_ddns()
        self.assertEqual(res.rc, 73, res)
        self.assertEqual(res.out, LINE)
        self.assertRegex(res.err, r"cannot replace state file")
        self.assertRegex(res.err, r"1 DNS record was changed")
        self.assertEqual(self.live()["data"], NEW)
        self.assertEqual([f for f in os.listdir(self.dir)
                          if f.startswith("cache.json.") and
                          f != "cache.json.lock"], [])

    def test_lock_held_is_75_at_once_without_traffic(self):
        with open(self.cache + ".lock", "w") as f:
            fcntl.flock(f, fcntl.LOCK_EX)
            res = self.run_ddns()
        self.assertRun(res, 75, out="", err_re=r"another ddnsupdate run "
                       r"holds")
        self.assertEqual(self.sim.requests(), [])
        self.assertLess(res.seconds, 2)

    def test_state_mode_is_0600_even_with_a_loose_umask(self):
        old = os.umask(0)
        try:
            self.first_run()
        finally:
            os.umask(old)
        self.assertEqual(mode_of(self.cache), 0o600)

    def test_cache_option_overrides_cache_file(self):
        other = os.path.join(self.dir, "other.json")
        self.state_files.add(other)
        res = self.run_ddns("-C", other)
        self.assertRun(res, 0, out=LINE, err="")
        self.assertTrue(os.path.exists(other))
        self.assertFalse(os.path.exists(self.cache))

    def test_state_directory_from_systemd(self):
        statedir = os.path.join(self.dir, "state")
        self.state_files.add(os.path.join(statedir, "cache.json"))
        os.mkdir(statedir)
        conf = self.config(cache_file=None)
        res = self.run_ddns(conf=conf, env={"STATE_DIRECTORY": statedir})
        self.assertRun(res, 0, out=LINE, err="")
        with open(os.path.join(statedir, "cache.json")) as f:
            self.assertEqual(json.load(f)["ip"], NEW)

    def test_verify_interval_zero_reads_every_run(self):
        conf = self.config(verify_interval=0)
        self.run_ddns(conf=conf)
        res = self.run_ddns(conf=conf)
        self.assertRun(res, 0, out="", err="")
        self.assertEqual(len(self.sim.requests("GET", "/records/")), 1)
        self.assertEqual(self.sim.requests("PUT"), [])

    def test_drift_is_repaired_when_verification_is_due(self):
        conf = self.config(verify_interval=0)
        self.run_ddns(conf=conf)
        self.sim.set_record(self.zone, self.rec, data="203.0.113.50")
        res = self.run_ddns(conf=conf)
        self.assertRun(res, 0, out=f"home.example.com A 203.0.113.50 -> "
                       f"{NEW}\n", err="")
        self.assertEqual(self.live()["data"], NEW)
