"""Crash safety (CONTRACT.md 5): SIGKILL at random moments, at least 100
times, never leaves a torn or lying state file, and the next unhurried run
converges.

Each run changes the record (the echo answer alternates between two
addresses), so each one saves the state.  build/slowio.so, preloaded,
stretches every fsync and rename by tens of milliseconds so that many
kills land inside the save.  After every kill the state file must be
absent, byte for byte the one before the run, or a whole new JSON state;
a new state must never claim an address the live record does not hold."""

import json
import os
import random
import signal
import subprocess
import time

from harness import BIN, ROOT, Case, NEW

KILLS = 100
OTHER = "81.2.69.161"
SLOWIO = os.path.join(ROOT, "build", "slowio.so")


class CrashSafety(Case):
    def start(self):
        env = dict(os.environ, LD_PRELOAD=SLOWIO,
                   ASAN_OPTIONS="verify_asan_link_order=0:detect_leaks=0")
        return subprocess.Popen([BIN, "-c", self.conf],
                                stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL, env=env)

    def read_state(self):
        try:
            with open(self.cache, "rb") as f:
                return f.read()
        except FileNotFoundError:
            return None

    def temporaries(self):
        return [f for f in os.listdir(self.dir)
                if f.startswith("cache.json.") and f != "cache.json.lock"]

    def test_sigkill_at_random_moments(self):
        self.assertTrue(os.path.exists(SLOWIO), "make build/slowio.so")
        self.sim.job_default = {"initial": "RUNNING", "polls": 0,
                                "final": "COMPLETED", "running_code": 200,
                                "error": None}
        # how long an unhurried run takes with the shim
        t0 = time.monotonic()
        p = self.start()
        self.assertEqual(p.wait(timeout=60), 0)
        span = time.monotonic() - t0
        rng = random.Random(20261125)
        outcomes = {"absent": 0, "old": 0, "new": 0, "mid-save": 0}
        for i in range(KILLS):
            addr = OTHER if i % 2 == 0 else NEW
            self.sim.set_echo("a", addr + "\n")
            before = self.read_state()
            p = self.start()
            time.sleep(rng.uniform(0, span * 1.1))
            p.send_signal(signal.SIGKILL)
            p.wait(timeout=30)
            after = self.read_state()
            if self.temporaries():
                outcomes["mid-save"] += 1
            if after is None:
                self.assertIsNone(before, f"kill {i}: the state vanished")
                outcomes["absent"] += 1
                continue
            doc = json.loads(after)         # never torn: always JSON
            if after == before:
                outcomes["old"] += 1
                continue
            outcomes["new"] += 1
            rec = doc["records"][0]
            live = self.live()
            self.assertEqual(rec["data"], live["data"],
                             f"kill {i}: the state claims {rec['data']} "
                             f"but the record holds {live['data']}")
        # the kills landed before, inside and after the save
        self.assertGreater(outcomes["old"], 0, outcomes)
        self.assertGreater(outcomes["new"], 0, outcomes)
        self.assertGreater(outcomes["mid-save"], 0, outcomes)
        # an unhurried run converges
        self.sim.set_echo("a", NEW + "\n")
        res = self.run_ddns("-f")
        self.assertEqual(res.rc, 0, res)
        self.assertEqual(self.live()["data"], NEW)
        self.assertEqual(self.state()["records"][0]["data"], NEW)
        self.assertEqual(self.temporaries(), [], "temporary files were left")
        print(f"\n    {KILLS} kills: {outcomes}", end=" ")
