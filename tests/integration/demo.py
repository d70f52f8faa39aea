#!/usr/bin/env python3
"""make demo: a full update cycle against the loopback simulator, so that a
newcomer sees ddnsupdate work without a Rackspace account.

Three runs, each after a line saying what to expect: a first run (it
authenticates, finds the zone and the record, changes it and waits for
the job), a run with nothing to do (one request, to the echo service, and
silence), and a run after the address changed (one PUT, with the token
kept from the first run).  Every request the simulator received is shown
under each run.
"""

import json
import os
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

from simulator import Simulator  # noqa: E402


def show_run(sim, argv, title):
    print(f"\n== {title}")
    print("$ " + " ".join(["ddnsupdate"] + argv[1:]))
    sim.clear_log()
    p = subprocess.run(argv, capture_output=True, text=True, timeout=120,
                       stdin=subprocess.DEVNULL)
    for line in p.stdout.splitlines():
        print("  stdout: " + line)
    for line in p.stderr.splitlines():
        print("  stderr: " + line)
    if not p.stdout and not p.stderr:
        print("  (no output at all: nothing for cron to mail)")
    print(f"  exit status {p.returncode}")
    print("  requests the simulator received:")
    for e in sim.requests():
        print(f"    {e['method']} {e['url_path']}")
    return p.returncode


def main():
    binary = sys.argv[1] if len(sys.argv) > 1 else \
        os.path.join(HERE, "..", "..", "ddnsupdate")
    work = tempfile.mkdtemp(prefix="ddnsupdate-demo-")
    sim = Simulator(work)
    try:
        zone = sim.add_zone("example.com")
        rec = sim.add_record(zone, "home.example.com", "A", "198.51.100.4")
        sim.set_echo("a", "81.2.69.160\n")
        key = os.path.join(work, "api_key")
        with open(key, "w") as f:
            f.write(sim.accounts["jdoe"] + "\n")
        os.chmod(key, 0o600)
        conf = os.path.join(work, "config.json")
        cache = os.path.join(work, "cache.json")
        with open(conf, "w") as f:
            json.dump({"username": "jdoe", "api_key_file": key,
                       "identity_url": sim.identity_url,
                       "ca_file": sim.ca_file,
                       "ip_sources": {"ipv4": [sim.echo_url("a")]},
                       "cache_file": cache,
                       "records": [{"name": "home.example.com",
                                    "type": "A", "ttl": 300}]}, f, indent=2)
        print("A simulated Rackspace account (Identity and Cloud DNS) and an "
              "address echo service\nrun on 127.0.0.1 over HTTPS. The zone "
              "example.com holds home.example.com A\n198.51.100.4; the echo "
              "service says this host is 81.2.69.160.")
        print(f"\nThe configuration ({conf}):")
        with open(conf) as f:
            print("  " + f.read().replace("\n", "\n  "))
        argv = [binary, "-c", conf]
        rcs = [show_run(sim, argv, "First run, no state yet: it "
                        "authenticates, finds the zone and the record, "
                        "changes the record, and polls the async job until "
                        "it is COMPLETED")]
        with open(cache) as f:
            doc = json.load(f)
        doc["auth"]["token"] = "(hidden)"
        print("  state file written (mode "
              f"{oct(os.stat(cache).st_mode & 0o777)}), token hidden here:")
        print("    " + json.dumps(doc, indent=2).replace("\n", "\n    "))
        rcs.append(show_run(sim, argv, "Second run, nothing changed: one "
                            "request to the echo service, nothing to "
                            "Rackspace, no output"))
        sim.set_echo("a", "81.2.69.161\n")
        rcs.append(show_run(sim, argv, "The ISP changed the address to "
                            "81.2.69.161: one PUT and its job, with the "
                            "token kept from the first run"))
        live = sim.record(zone, rec)
        print(f"\nThe live record now holds {live['data']}.")
        if rcs != [0, 0, 0] or live["data"] != "81.2.69.161":
            print("demo: something went wrong (see above)", file=sys.stderr)
            return 1
        return 0
    finally:
        sim.stop()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
