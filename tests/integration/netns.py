"""Private network namespaces for the address-source cases, and a NAT-PMP
responder to put in them.

Every namespace is made here with a unique name (ip netns add), and
deleted when its case class ends or, at the latest, when the test run
exits: the host's own interfaces are never touched.  Sockets belong to the
namespace they were created in, so entered() lets the test process make a
listening socket (the simulator's, the responder's) inside a namespace and
come back; the binary runs inside through prefix().  Root is required (CI
runs as root); without it the cases fail loudly rather than skip.
"""

import atexit
import contextlib
import ctypes
import itertools
import json
import os
import socket
import struct
import subprocess
import threading
import time

CLONE_NEWNET = 0x40000000
NATPMP_PORT = 5351
_libc = ctypes.CDLL(None, use_errno=True)
_serial = itertools.count(1)


def require_root():
    if os.geteuid() != 0:
        raise RuntimeError("the address-source cases make network "
                           "namespaces and must run as root (CI does)")


def _setns(fd):
    if _libc.setns(fd, CLONE_NEWNET) != 0:
        err = ctypes.get_errno()
        raise OSError(err, f"setns: {os.strerror(err)}")


class Netns:
    """One network namespace of our own, loopback up."""

    def __init__(self, tag="ns"):
        require_root()
        self.name = f"ddns-{os.getpid()}-{tag}-{next(_serial)}"
        subprocess.run(["ip", "netns", "add", self.name], check=True,
                       capture_output=True, timeout=30)
        self.path = f"/run/netns/{self.name}"
        atexit.register(self.delete)
        self.sh("ip link set lo up")

    def prefix(self):
        """The argv prefix that runs a command inside."""
        return ["nsenter", f"--net={self.path}", "--"]

    def sh(self, script, check=True):
        """Runs a shell script inside; returns its stdout."""
        p = subprocess.run([*self.prefix(), "sh", "-ec", script],
                           capture_output=True, text=True, timeout=60)
        if check and p.returncode != 0:
            raise RuntimeError(f"in {self.name}: {script!r} failed: "
                               f"{p.stderr.strip()}")
        return p.stdout

    def addrs(self, dev=None):
        """`ip -j addr` inside: a list of (dev, address, flags) tuples,
        flags as ip(8) names them ("temporary", "deprecated", ...)."""
        out = self.sh("ip -j addr show" + (f" dev {dev}" if dev else ""))
        result = []
        for link in json.loads(out):
            for a in link.get("addr_info", []):
                flags = {k for k, v in a.items() if v is True}
                if a.get("preferred_life_time") == 0:
                    flags.add("deprecated")
                result.append((link["ifname"], a["local"], flags))
        return result

    @contextlib.contextmanager
    def entered(self):
        """The calling thread in this namespace for the with block."""
        home = os.open("/proc/thread-self/ns/net", os.O_RDONLY)
        target = os.open(self.path, os.O_RDONLY)
        try:
            _setns(target)
            try:
                yield self
            finally:
                _setns(home)
        finally:
            os.close(target)
            os.close(home)

    def delete(self):
        if self.name is not None:
            subprocess.run(["ip", "netns", "del", self.name],
                           capture_output=True, timeout=30)
            self.name = None


class NatPmp:
    """A NAT-PMP responder (RFC 6886, opcode 0) on addr:5351 of a
    namespace.  Knobs: answer (the external address), result (the result
    code), delay (seconds before answering), ignore (requests left
    unanswered first), silent (never answer), decoy (an address of the
    namespace from which a wrong answer is sent first), raw (bytes sent
    instead of a well-formed answer).  log holds (monotonic time, client)
    for each request received."""

    def __init__(self, netns, addr="127.0.0.1"):
        self.addr = addr
        self.netns = netns
        with netns.entered():
            self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            self.sock.bind((addr, NATPMP_PORT))
            self.decoy_sock = None
        self.sock.settimeout(0.05)
        self.reset()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def reset(self, answer="81.2.69.160", result=0, delay=0.0, ignore=0,
              silent=False, decoy=None, raw=None):
        self.answer, self.result, self.delay = answer, result, delay
        self.ignore, self.silent, self.raw = ignore, silent, raw
        self.decoy = decoy
        self.log = []

    def _reply(self, client):
        if self.raw is not None:
            return self.raw
        return (struct.pack(">BBHI", 0, 128, self.result, 3600) +
                socket.inet_aton(self.answer if self.result == 0
                                 else "0.0.0.0"))

    def _serve(self):
        while not self._stop.is_set():
            try:
                data, client = self.sock.recvfrom(64)
            except (socket.timeout, OSError):
                continue
            self.log.append((time.monotonic(), client, data))
            if self.silent or data[:2] != b"\x00\x00":
                continue
            if self.ignore > 0:
                self.ignore -= 1
                continue
            if self.decoy is not None:
                with self.netns.entered():
                    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
                    s.bind((self.decoy, NATPMP_PORT))
                s.sendto(struct.pack(">BBHI", 0, 128, 0, 1) +
                         socket.inet_aton("81.2.69.99"), client)
                s.close()
            if self.delay:
                time.sleep(self.delay)
            self.sock.sendto(self._reply(client), client)

    def stop(self):
        self._stop.set()
        self._thread.join(timeout=5)
        self.sock.close()
