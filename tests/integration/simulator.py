#!/usr/bin/env python3
"""Loopback simulator of the services ddnsupdate talks to.

It plays three parts over HTTPS on 127.0.0.1 (and ::1 on request), with a
throwaway CA made by the openssl command-line tool:

- Rackspace Cloud Identity v2.0, POST /v2.0/tokens with API-key credentials
  (research/rackspace-api.md A.1-A.6): the access document of A.2, slashes
  escaped as "\\/" like the real service, a service catalog whose "rax:dns"
  entry points back here and a decoy "managedDNS"/"dns" entry before it
  (A.3, A.4), the wrapped fault bodies of A.5, and a configurable token
  lifetime and "expires" style.
- Rackspace Cloud DNS v1.0 under /v1.0/{tenant} (B.0-B.11): zone look-up by
  name, record search and get, PUT (one record or several), POST and DELETE
  answered with asynchronous jobs polled at /status/{jobId} (B.8), the flat
  fault bodies of B.10, 503 for a data= filter (B.3) and /limits (B.11).
  The post-2021 behaviour is the default (string ids, 403 for a GET or
  DELETE with a body, B.0, B.1); the 2018 one (numeric ids, 404 for an
  empty search) is behind switches.
- A health-check service at /ping/... (ping_url), answering 200 "OK".
- Plain-text address "echo" services at /echo/{name}, with delays, trickled
  bodies, dropped connections and arbitrary status codes; also over plain
  HTTP on 127.0.0.1 and over IPv6.

Tests import Simulator, change its plain attributes between runs, inject
faults with add_fault(), and read every request received from its log.
Not simulated: the password form of Identity, paging, /domains/search,
domain changes, bulk DELETE and rate limiting (inject 413s with add_fault).
Run as a program, it serves a small demo zone until SIGTERM or SIGINT.
Nothing here ever prints a token or an API key.
"""

import argparse
import ipaddress
import itertools
import json
import os
import re
import signal
import socket
import socketserver
import ssl
import subprocess
import sys
import threading
import time
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, quote, unquote, urlsplit

TENANT = "123456"
DEFAULT_ACCOUNTS = {"jdoe": "0123456789abcdef0123456789abcdef"}
FIRST_ZONE_ID = 2725257         # B.1, the post-2021 sample
FIRST_RECORD_ID = 23763619      # B.3, the 2018 sample
ZONE_TTL = 3600                 # B.5: a record's default TTL
IDLE_TIMEOUT = 20               # B.0: keep-alive sessions close after ~20 s
HANDSHAKE_TIMEOUT = 10
MAX_BODY = 1 << 20
MAX_LINE = 1 << 16
MAX_TRAILERS = 64
RECORD_TYPES = ("A", "AAAA", "CNAME", "MX", "NS", "SRV", "TXT")
FINAL_STATES = ("COMPLETED", "ERROR")
UPDATABLE_FIELDS = ("data", "ttl", "comment")   # B.6: name cannot change
LOG_FIELDS = ("method", "path", "query", "url_path", "headers", "body",
              "json", "time", "conn", "server")

JOB_DEFAULT = {"initial": "RUNNING", "polls": 1, "final": "COMPLETED",
               "running_code": 200, "error": None}
GENERIC_JOB_ERROR = {"message": "Bad Request", "code": 400,
                     "details": "The simulated job failed (job_plan)."}

DNS_HEADERS = {"Content-Type": "application/json",
               "X-API-VERSION": "1.0.37",
               "Via": "1.1 Repose (Repose/2.13.2)"}

# A.5
IDENTITY_BAD_BODY = {"badRequest": {
    "code": 400,
    "message": "Invalid request body: unable to parse Auth data. "
               "Please review XML or JSON formatting."}}
IDENTITY_UNAUTHORIZED = {"unauthorized": {
    "code": 401, "message": "Username or api key is invalid."}}

# B.11, GET /limits
LIMITS = {
    "rates": {"rate": [
        {"uri": "*/status/*",
         "regex": ".*/v\\d+\\.\\d+/(\\d+/status).*",
         "limit": [{"value": 5, "verb": "GET", "unit": "SECOND"}]},
        {"uri": "*/domains*",
         "regex": ".*/v\\d+\\.\\d+/(\\d+/domains).*",
         "limit": [{"value": 100, "verb": "GET", "unit": "MINUTE"},
                   {"value": 25, "verb": "POST", "unit": "MINUTE"},
                   {"value": 50, "verb": "PUT", "unit": "MINUTE"},
                   {"value": 50, "verb": "DELETE", "unit": "MINUTE"}]}]},
    "absolute": {"limit": [{"name": "domains", "value": 500},
                           {"name": "records per domain", "value": 500}]}}

FILES_TENANT = "MossoCloudFS_c7bd7f81-bf86-4957-8d40-c4d7f13affb2"

OPENSSL_CONFIG = """\
[req]
distinguished_name = dn
prompt = no
[dn]
CN = ddnsupdate simulator CA
[ca_ext]
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
[server_ext]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = serverAuth
subjectAltName = IP:127.0.0.1, IP:::1, DNS:localhost
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
"""


# ---------------------------------------------------------------- answers

@dataclass
class Reply:
    """One answer; delay, trickle and close shape how it is sent."""
    status: int
    body: bytes = b""
    headers: dict = field(default_factory=dict)
    delay: float = 0.0
    trickle: float | None = None
    close: bool = False


class _Fault(Exception):
    """Raised by a handler to answer with reply at once."""

    def __init__(self, reply):
        super().__init__(reply.status)
        self.reply = reply


def _json_bytes(doc):
    return json.dumps(doc, separators=(",", ":")).encode()


def dns_json(status, doc):
    return Reply(status, _json_bytes(doc), dict(DNS_HEADERS))


def identity_json(status, doc, escape_slashes=False):
    body = _json_bytes(doc)
    if escape_slashes:      # A.2: the real service sends "https:\/\/..."
        body = body.replace(b"/", b"\\/")
    return Reply(status, body, {"Content-Type": "application/json"})


def text_reply(status, text):
    return Reply(status, text.encode(), {"Content-Type": "text/plain"})


def flat_fault(status, message, details=""):
    """B.10: Cloud DNS faults are flat {message, code, details}."""
    return _Fault(dns_json(status, {"message": message, "code": status,
                                    "details": details}))


def validation_fault(*messages):
    return _Fault(dns_json(400, {"validationErrors": {
        "messages": list(messages)}, "code": 400}))


# ---------------------------------------------------------------- time

def _iso(epoch_ms, offset=timedelta(0)):
    secs, ms = divmod(epoch_ms, 1000)
    local = datetime.fromtimestamp(secs, timezone(offset))
    return local.strftime("%Y-%m-%dT%H:%M:%S"), ms


def format_token_time(epoch_ms, style):
    """A.3: "Z" (.330Z), "nofrac" (...:09Z) or an offset "-06:00"."""
    if style == "nofrac":
        return _iso(epoch_ms)[0] + "Z"
    if style == "Z":
        text, ms = _iso(epoch_ms)
        return f"{text}.{ms:03d}Z"
    m = re.fullmatch(r"([+-])(\d\d):(\d\d)", style)
    if m is None:
        raise ValueError(f"unknown expires_format {style!r}")
    offset = timedelta(hours=int(m[2]), minutes=int(m[3]))
    text, ms = _iso(epoch_ms, offset if m[1] == "+" else -offset)
    return f"{text}.{ms:03d}{style}"


def api_date(epoch, id_mode):
    """B.1: "2021-09-21T03:25:53.146Z" now, "...T20:43:00.000+0000" in 2018."""
    text, ms = _iso(int(epoch * 1000))
    if id_mode == "number":
        return f"{text}.000+0000"
    return f"{text}.{ms:03d}Z"


# ---------------------------------------------------------------- certificates

def _openssl(*args):
    done = subprocess.run(["openssl", *args], capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"openssl {args[0]} failed: {done.stderr.strip()}")


def make_certificates(workdir):
    """Make (or reuse) a CA and a server certificate for 127.0.0.1, ::1 and
    localhost, with P-256 keys; return the paths (ca, cert, key)."""
    def path(name):
        return os.path.join(workdir, name)

    ca, cert, key = path("ca.pem"), path("server.pem"), path("server.key")
    if all(os.path.exists(p) for p in (ca, cert, key)):
        return ca, cert, key
    with open(path("openssl.cnf"), "w") as f:
        f.write(OPENSSL_CONFIG)
    for name in ("ca.key", "server.key"):
        _openssl("genpkey", "-algorithm", "EC", "-pkeyopt",
                 "ec_paramgen_curve:P-256", "-out", path(name))
    _openssl("req", "-x509", "-new", "-key", path("ca.key"), "-sha256",
             "-days", "3650", "-config", path("openssl.cnf"),
             "-extensions", "ca_ext", "-out", ca)
    _openssl("req", "-new", "-key", key, "-subj", "/CN=localhost",
             "-config", path("openssl.cnf"), "-out", path("server.csr"))
    _openssl("x509", "-req", "-in", path("server.csr"), "-CA", ca,
             "-CAkey", path("ca.key"), "-set_serial",
             "0x" + uuid.uuid4().hex, "-days", "3650", "-sha256",
             "-extfile", path("openssl.cnf"), "-extensions", "server_ext",
             "-out", cert + ".tmp")
    os.replace(cert + ".tmp", cert)     # the last file: marks a finished set
    return ca, cert, key


# ---------------------------------------------------------------- state

@dataclass
class _Request:
    method: str
    path: str
    query: dict
    url_path: str
    headers: dict
    body: str
    json: object
    time: float
    conn: int
    server: str
    base_url: str       # scheme://host:port of the server it came to
    has_body: bool

    def log_entry(self):
        return {name: getattr(self, name) for name in LOG_FIELDS}

    def param(self, name, default=None):
        values = self.query.get(name)
        return values[0] if values else default


@dataclass
class _Zone:
    id: str
    name: str
    created: float
    updated: float
    records: dict = field(default_factory=dict)   # record id -> record


@dataclass
class _Job:
    job_id: str
    verb: str
    request: str
    request_url: str
    callback_url: str
    apply: object           # callable: makes the change, returns "response"
    status: str
    polls_left: int
    final: str
    running_code: int
    error: dict
    settled: bool = False
    response: dict | None = None


@dataclass
class _InjectedFault:
    method: str
    pattern: re.Pattern
    reply: Reply
    times: int | None


def _api_key_credentials(doc):
    """A.1: (username, apiKey) from the RAX-KSKEY form, or None."""
    try:
        creds = doc["auth"]["RAX-KSKEY:apiKeyCredentials"]
        username, key = creds["username"], creds["apiKey"]
    except (TypeError, KeyError):
        return None
    if isinstance(username, str) and isinstance(key, str):
        return username, key
    return None


def _json_object(request):
    if not isinstance(request.json, dict):
        raise flat_fault(400, "The request could not be processed.",
                         "The request body is not a JSON object.")
    return request.json


def _records_list(doc):
    items = doc.get("records")
    if (not isinstance(items, list) or not items
            or not all(isinstance(item, dict) for item in items)):
        raise validation_fault("Must provide at least one record.")
    return items


def _valid_data(rtype, data):
    if not isinstance(data, str) or not data:
        return False
    family = {"A": ipaddress.IPv4Address, "AAAA": ipaddress.IPv6Address}
    if rtype not in family:
        return True
    try:
        family[rtype](data)
    except ValueError:
        return False
    return True


def _field_errors(rtype, item):
    """B.11 field constraints on data, ttl and comment."""
    errors = []
    ttl = item.get("ttl")
    if "ttl" in item and (type(ttl) is not int or ttl < 300):
        errors.append("Record TTL is required and must be greater than "
                      "or equal to 300")
    if "data" in item and not _valid_data(rtype, item["data"]):
        errors.append(f"Invalid data for a record of type {rtype}.")
    comment = item.get("comment")
    if "comment" in item and (not isinstance(comment, str)
                              or len(comment) > 160):
        errors.append("Comment must be at most 160 characters.")
    return errors


def _in_zone(name, zone_name):
    name, zone_name = name.lower(), zone_name.lower()
    return name == zone_name or name.endswith("." + zone_name)


def _service(name, stype, *endpoints):
    return {"endpoints": list(endpoints), "name": name, "type": stype}


# ---------------------------------------------------------------- simulator

class Simulator:
    """Identity, Cloud DNS and echo services on loopback; see the module
    docstring. Plain attributes are knobs that tests may change."""

    tenant = TENANT

    def __init__(self, workdir, ipv6=False):
        self._lock = threading.Lock()
        self._conn_ids = itertools.count(1)
        self.reset()
        self.ca_file, cert, key = make_certificates(workdir)
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(cert, key)
        self._servers = []
        try:
            self._v4 = self._start(_Server, "127.0.0.1", context, "v4")
            self._v6 = (self._start(_Server6, "::1", context, "v6")
                        if ipv6 else None)
            self._http = self._start(_Server, "127.0.0.1", None, "http")
        except BaseException:
            self.stop()
            raise
        self.port = self._v4.server_port
        self.port6 = self._v6.server_port if self._v6 else None
        self.http_port = self._http.server_port
        self.identity_url = f"{self._v4.base_url}/v2.0"
        self.dns_url = f"{self._v4.base_url}/v1.0/{self.tenant}"

    def _start(self, server_class, host, context, label):
        server = server_class((host, 0), self, context, label)
        self._servers.append(server)
        threading.Thread(target=server.serve_forever, daemon=True,
                         kwargs={"poll_interval": 0.05}).start()
        return server

    def stop(self):
        for server in self._servers:
            server.stop()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()

    def reset(self):
        """Back to defaults: no zones, jobs, tokens, faults, echoes or log."""
        with self._lock:
            self.accounts = dict(DEFAULT_ACCOUNTS)
            self.token_lifetime = 86400
            self.expires_format = "Z"
            self.tokens = {}
            self.catalog_dns = True
            self.dns_401_empty_body = False
            self.id_mode = "string"
            self.empty_records_404 = False
            self.job_plan = []
            self.job_default = dict(JOB_DEFAULT)
            self.log = []
            self.connections = 0
            self._zones = {}
            self._jobs = {}
            self._faults = []
            self._echoes = {}
            self._zone_ids = itertools.count(FIRST_ZONE_ID)
            self._record_ids = itertools.count(FIRST_RECORD_ID)

    def echo_url(self, name, ipv6=False, plain_http=False):
        if plain_http and ipv6:
            raise ValueError("plain HTTP is served on 127.0.0.1 only")
        if ipv6 and self._v6 is None:
            raise ValueError("the simulator was started without ipv6=True")
        server = self._http if plain_http else self._v6 if ipv6 else self._v4
        return f"{server.base_url}/echo/{quote(name)}"

    # ------------------------------------------------------------ knobs

    def revoke_tokens(self):
        with self._lock:
            self.tokens.clear()

    def add_token(self, token, expires_epoch):
        with self._lock:
            self.tokens[token] = expires_epoch

    def add_zone(self, name, zone_id=None):
        with self._lock:
            if zone_id is not None:
                zid = str(zone_id)
                if zid in self._zones:
                    raise ValueError(f"zone id {zid} is taken")
            else:
                zid = str(next(self._zone_ids))
                while zid in self._zones:
                    zid = str(next(self._zone_ids))
            now = time.time()
            self._zones[zid] = _Zone(zid, name, now, now)
            return zid

    def add_record(self, zone_id, name, rtype, data, ttl=300, comment=None,
                   record_id=None):
        with self._lock:
            zone = self._zones[str(zone_id)]
            fields = {"name": name, "type": rtype, "data": data, "ttl": ttl}
            if comment is not None:
                fields["comment"] = comment
            return self._store_record(zone, fields, record_id)["id"]

    def record(self, zone_id, record_id):
        with self._lock:
            zone = self._zones.get(str(zone_id))
            rec = zone.records.get(record_id) if zone else None
            return self._render_record(rec) if rec else None

    def records(self, zone_id):
        with self._lock:
            zone = self._zones[str(zone_id)]
            return [self._render_record(r) for r in zone.records.values()]

    def set_record(self, zone_id, record_id, **fields):
        """Change a record behind the client's back (comment=None drops it)."""
        with self._lock:
            rec = self._zones[str(zone_id)].records[record_id]
            rec.update(fields)
            if rec.get("comment") in (None, ""):
                rec.pop("comment", None)
            rec["updated"] = time.time()

    def delete_record(self, zone_id, record_id):
        """Deletes a record behind the client's back (made again later
        with add_record, it has a new id)."""
        with self._lock:
            del self._zones[str(zone_id)].records[record_id]

    def delete_zone(self, zone_id):
        """Deletes a zone and its records behind the client's back."""
        with self._lock:
            del self._zones[str(zone_id)]

    def set_echo(self, name, body="81.2.69.160\n", status=200, delay=0.0,
                 headers=None, trickle=None, close=False):
        data = body.encode() if isinstance(body, str) else bytes(body)
        reply = Reply(status, data, {"Content-Type": "text/plain",
                                     **(headers or {})},
                      delay, trickle, close)
        with self._lock:
            self._echoes[name] = reply

    def add_fault(self, method, path_regex, status, body="", headers=None,
                  times=1, delay=0.0, close=False):
        """The next `times` (None: all) matching requests get this answer.
        A dict body is sent as JSON, a non-empty str as text/plain; headers
        may override the Content-Type."""
        if isinstance(body, (dict, list)):
            data = _json_bytes(body)
            base = {"Content-Type": "application/json"}
        else:
            data = body.encode()
            base = {"Content-Type": "text/plain"} if data else {}
        reply = Reply(status, data, {**base, **(headers or {})}, delay,
                      None, close)
        with self._lock:
            self._faults.append(_InjectedFault(
                method.upper(), re.compile(path_regex), reply, times))

    # ------------------------------------------------------------ log

    def requests(self, method=None, path_regex=None):
        with self._lock:
            entries = list(self.log)
        return [e for e in entries
                if (method is None or e["method"] == method.upper())
                and (path_regex is None or re.search(path_regex, e["path"]))]

    def rackspace_requests(self):
        return [e for e in self.requests()
                if not e["path"].startswith(("/echo/", "/ping/"))]

    def ping_url(self, name="check"):
        """A health-check URL (Healthchecks convention: /ping/NAME/STATUS
        answers 200)."""
        return f"{self._v4.base_url}/ping/{quote(name)}"

    def clear_log(self):
        with self._lock:
            self.log = []

    def _accept_connection(self):
        with self._lock:
            self.connections += 1
            return next(self._conn_ids)

    # ------------------------------------------------------------ dispatch

    def _handle(self, request):
        """Log the request, then answer it: an injected fault, or normally."""
        with self._lock:
            self.log.append(request.log_entry())
            injected = self._take_fault(request)
            if injected is not None:
                return injected
            try:
                return self._route(request)
            except _Fault as fault:
                return fault.reply

    def _take_fault(self, request):
        for fault in self._faults:
            if (fault.method in ("*", request.method)
                    and fault.pattern.search(request.path)):
                if fault.times is not None:
                    fault.times -= 1
                    if fault.times <= 0:
                        self._faults.remove(fault)
                return fault.reply
        return None

    def _route(self, request):
        path = request.path
        if path.startswith("/echo/"):
            return self._echo(request)
        if path.startswith("/ping/"):
            return text_reply(200, "OK")    # a Healthchecks-like service
        if path == "/v2.0" or path.startswith("/v2.0/"):
            return self._identity(request)
        if path.startswith("/v1.0/"):
            return self._dns(request)
        raise flat_fault(404, "Object not Found.")

    def _echo(self, request):
        reply = self._echoes.get(unquote(request.path[len("/echo/"):]))
        if reply is None:
            return text_reply(404, "no such echo service\n")
        if request.method != "GET":
            return text_reply(405, "GET only\n")
        return reply

    # ------------------------------------------------------------ identity

    def _identity(self, request):
        if request.path != "/v2.0/tokens":
            return identity_json(404, {"itemNotFound": {
                "code": 404, "message": "Resource not found"}})
        if request.method != "POST":
            reply = identity_json(405, {"badMethod": {
                "code": 405, "message": "Method Not Allowed"}})
            reply.headers["Allow"] = "POST"
            return reply
        creds = _api_key_credentials(request.json)
        if creds is None:
            return identity_json(400, IDENTITY_BAD_BODY)
        username, key = creds
        if self.accounts.get(username) != key:
            return identity_json(401, IDENTITY_UNAUTHORIZED)
        return identity_json(200, self._access_document(username), True)

    def _access_document(self, username):
        """A.2, in the key order of the recorded 2018 answer."""
        token = uuid.uuid4().hex
        issued_ms = int(time.time() * 1000)
        expires_ms = issued_ms + int(self.token_lifetime * 1000)
        if self.expires_format == "nofrac":
            expires_ms -= expires_ms % 1000
        self.tokens[token] = expires_ms / 1000
        t = self.tenant
        return {"access": {
            "serviceCatalog": self._catalog(),
            "user": {
                "RAX-AUTH:sessionInactivityTimeout": "PT12H",
                "RAX-AUTH:defaultRegion": "DFW",
                "roles": [
                    {"name": "compute:default", "tenantId": t,
                     "description": "A Role that allows a user access to "
                                    "keystone Service methods", "id": "6"},
                    {"name": "identity:user-admin",
                     "description": "User Admin Role.", "id": "3"}],
                "name": username, "id": "324963", "RAX-AUTH:domainId": t},
            "token": {
                "expires": format_token_time(expires_ms, self.expires_format),
                "RAX-AUTH:issued": format_token_time(issued_ms,
                                                     self.expires_format),
                "RAX-AUTH:authenticatedBy": ["APIKEY"],
                "id": token,
                "tenant": {"name": t, "id": t}}}}

    def _catalog(self):
        """A.3: the decoy Managed DNS entry (a dead URL) comes first."""
        t = self.tenant
        servers = "https://dfw.servers.api.rackspacecloud.com"
        catalog = [
            _service("managedDNS", "dns", {
                "tenantId": t, "publicURL": f"https://127.0.0.1:1/v2/{t}"}),
            _service("cloudFiles", "object-store", {
                "tenantId": FILES_TENANT,
                "publicURL": "https://storage101.dfw1.clouddrive.com/v1/"
                             + FILES_TENANT,
                "internalURL": "https://snet-storage101.dfw1.clouddrive.com"
                               "/v1/" + FILES_TENANT,
                "region": "DFW"}),
            _service("cloudServersOpenStack", "compute", {
                "versionId": "2", "tenantId": t,
                "publicURL": f"{servers}/v2/{t}",
                "versionList": f"{servers}/",
                "versionInfo": f"{servers}/v2",
                "region": "DFW"})]
        if self.catalog_dns:
            catalog.append(_service("cloudDNS", "rax:dns", {
                "tenantId": t, "publicURL": self.dns_url}))
        catalog.append(_service("Cloud Auth Service", "identity", {
            "tenantId": t, "publicURL": self.identity_url, "region": "DFW"}))
        return catalog

    # ------------------------------------------------------------ cloud dns

    def _dns(self, request):
        tenant, _, rest = request.path[len("/v1.0/"):].partition("/")
        if unquote(tenant) != self.tenant:
            return Reply(401)           # B.10: lexicon#364, empty body
        self._check_token(request)
        if request.has_body and request.method in ("GET", "DELETE"):
            raise flat_fault(403, "Forbidden")          # B.0, since 2021
        content_type = request.headers.get("content-type", "")
        if (request.has_body and content_type.split(";")[0].strip().lower()
                != "application/json"):
            raise flat_fault(415, "Unsupported Media Type",
                             "Content-Type must be application/json.")
        for method, pattern, handler in self._DNS_ROUTES:
            match = pattern.fullmatch("/" + rest)
            if match and method == request.method:
                return handler(self, request, *map(unquote, match.groups()))
        raise flat_fault(404, "Object not Found.")

    def _check_token(self, request):
        token = request.headers.get("x-auth-token")
        if token is not None and self.tokens.get(token, 0) > time.time():
            return
        if self.dns_401_empty_body:
            raise _Fault(Reply(401))
        raise _Fault(dns_json(401, {
            "message": "Invalid authentication token. Please renew.",
            "code": 401}))

    def _zone(self, zone_id):
        zone = self._zones.get(zone_id)
        if zone is None:
            raise flat_fault(404, "Object not Found.")
        return zone

    @staticmethod
    def _record_of(zone, record_id):
        rec = zone.records.get(record_id)
        if rec is None:
            raise flat_fault(404, "Object not Found.")
        return rec

    def _api_id(self, value):
        """B.1: ids are JSON numbers in the 2018 mode, strings since."""
        return int(value) if self.id_mode == "number" and value.isdigit() \
            else value

    def _render_zone(self, zone):
        return {"id": self._api_id(zone.id),
                "accountId": self._api_id(self.tenant),
                "name": zone.name, "ttl": ZONE_TTL,
                "emailAddress": f"hostmaster@{zone.name}",
                "updated": api_date(zone.updated, self.id_mode),
                "created": api_date(zone.created, self.id_mode)}

    def _render_record(self, rec):
        out = {k: rec[k] for k in ("name", "id", "type", "data", "ttl")}
        if "comment" in rec:
            out["comment"] = rec["comment"]
        out["updated"] = api_date(rec["updated"], self.id_mode)
        out["created"] = api_date(rec["created"], self.id_mode)
        return out

    def _store_record(self, zone, fields, record_id=None):
        now = time.time()
        rid = record_id or f"{fields['type']}-{next(self._record_ids)}"
        rec = {**fields, "id": rid, "created": now, "updated": now}
        zone.records[rid] = rec
        zone.updated = now
        return rec

    def _list_domains(self, request):
        """B.2: exact, case-insensitive match on ?name=."""
        name = request.param("name")
        zones = [z for z in self._zones.values()
                 if name is None or z.name.lower() == name.lower()]
        return dns_json(200, {"domains": [self._render_zone(z) for z in zones],
                              "totalEntries": len(zones)})

    def _get_domain(self, request, zone_id):
        return dns_json(200, self._render_zone(self._zone(zone_id)))

    def _search_records(self, request, zone_id):
        """B.3: filtered search has no totalEntries; data= gives 503."""
        if "data" in request.query:
            raise flat_fault(503, "The DNS API is currently not available.")
        zone = self._zone(zone_id)
        rtype, name = request.param("type"), request.param("name")
        found = [r for r in zone.records.values()
                 if (rtype is None or r["type"].upper() == rtype.upper())
                 and (name is None or r["name"].lower() == name.lower())]
        if not found and self.empty_records_404:
            raise flat_fault(404, "Not Found")
        doc = {"records": [self._render_record(r) for r in found]}
        if rtype is None and name is None:
            doc["totalEntries"] = len(found)
        return dns_json(200, doc)

    def _get_record(self, request, zone_id, record_id):
        zone = self._zone(zone_id)
        return dns_json(200, self._render_record(self._record_of(zone,
                                                                 record_id)))

    @staticmethod
    def _record_changes(rtype, item):
        errors = _field_errors(rtype, item)
        if errors:
            raise validation_fault(*errors)
        return {k: item[k] for k in UPDATABLE_FIELDS if k in item}

    def _put_record(self, request, zone_id, record_id):
        """B.6: only data, ttl and comment change; a name is ignored."""
        item = _json_object(request)
        zone = self._zone(zone_id)
        rec = self._record_of(zone, record_id)
        changes = [(rec["id"], self._record_changes(rec["type"], item))]
        return self._start_job(request, "PUT",
                               lambda: self._apply_updates(zone, changes))

    def _put_records(self, request, zone_id):
        """B.7: every item names an existing record; one job for all."""
        items = _records_list(_json_object(request))
        zone = self._zone(zone_id)
        changes = []
        for item in items:
            if not isinstance(item.get("id"), str):
                raise validation_fault("Must provide an id for each record.")
            rec = self._record_of(zone, item["id"])
            changes.append((rec["id"],
                            self._record_changes(rec["type"], item)))
        return self._start_job(request, "PUT",
                               lambda: self._apply_updates(zone, changes))

    def _post_records(self, request, zone_id):
        """B.5: a duplicate of a live record ends the job in ERROR."""
        items = _records_list(_json_object(request))
        zone = self._zone(zone_id)
        new = [self._new_record_fields(zone, item) for item in items]
        return self._start_job(request, "POST",
                               lambda: self._apply_creations(zone, new),
                               self._duplicate_error(zone, new))

    def _delete_record(self, request, zone_id, record_id):
        """B.7a: the record goes when the job completes."""
        zone = self._zone(zone_id)
        rid = self._record_of(zone, record_id)["id"]
        return self._start_job(request, "DELETE",
                               lambda: self._apply_deletion(zone, rid))

    def _new_record_fields(self, zone, item):
        """B.5: name, type and data required; ttl defaults to the zone's."""
        missing = [k for k in ("name", "type", "data")
                   if not isinstance(item.get(k), str) or not item[k]]
        if missing:
            raise validation_fault(*(f"Must provide a {k} for each record."
                                     for k in missing))
        rtype = item["type"].upper()
        if rtype not in RECORD_TYPES:
            raise validation_fault(f"Unsupported record type {item['type']}.")
        if not _in_zone(item["name"], zone.name):
            raise validation_fault(f"Record name {item['name']} is not in "
                                   f"domain {zone.name}.")
        fields = {"name": item["name"], "type": rtype, "data": item["data"],
                  "ttl": ZONE_TTL}
        fields.update(self._record_changes(rtype, item))
        if fields.get("comment") == "":
            del fields["comment"]
        return fields

    @staticmethod
    def _duplicate_error(zone, new):
        """B.5: the recorded job error for a record that exists already."""
        for fields in new:
            for rec in zone.records.values():
                if (rec["name"].lower() == fields["name"].lower()
                        and rec["type"] == fields["type"]
                        and rec["data"] == fields["data"]):
                    number = rec["id"].rpartition("-")[2]
                    return {"message": "Bad Request", "code": 400,
                            "details": "Record is a duplicate of another "
                                       f"record: (id={number}, "
                                       f"fqdn={rec['name']}, "
                                       f"data={rec['data']})"}
        return None

    @staticmethod
    def _apply_updates(zone, changes):
        now = time.time()
        for rid, fields in changes:
            rec = zone.records.get(rid)
            if rec is not None:
                rec.update(fields)
                if rec.get("comment") == "":    # B.11: "" removes it
                    del rec["comment"]
                rec["updated"] = now
        zone.updated = now
        return None

    def _apply_creations(self, zone, new):
        created = [self._store_record(zone, fields) for fields in new]
        return {"records": [self._render_record(r) for r in created]}

    @staticmethod
    def _apply_deletion(zone, rid):
        zone.records.pop(rid, None)
        zone.updated = time.time()
        return None

    # ------------------------------------------------------------ jobs

    def _start_job(self, request, verb, apply, forced_error=None):
        """B.8: a 202 with a job that follows the next job_plan entry."""
        plan = {**JOB_DEFAULT, **self.job_default,
                **(self.job_plan.pop(0) if self.job_plan else {})}
        job_id = str(uuid.uuid4())
        job = _Job(
            job_id=job_id, verb=verb, request=request.body,
            request_url=request.base_url + request.path,
            callback_url=f"{request.base_url}/v1.0/{self.tenant}"
                         f"/status/{job_id}",
            apply=apply, status=plan["initial"], polls_left=plan["polls"],
            final="ERROR" if forced_error else plan["final"],
            running_code=plan["running_code"],
            error=forced_error or plan["error"] or GENERIC_JOB_ERROR)
        self._jobs[job_id] = job
        if plan["initial"] in FINAL_STATES:     # since 2021, B.8
            self._settle(job, "ERROR" if forced_error else plan["initial"])
        return dns_json(202, self._render_job(job, True))

    @staticmethod
    def _settle(job, status):
        """The job reaches its last status; COMPLETED applies the change."""
        job.settled = True
        job.status = status
        if status == "COMPLETED":
            job.response = job.apply()

    def _job_status(self, request, job_id):
        job = self._jobs.get(job_id)
        if job is None:
            raise flat_fault(404, "Object not Found.")
        code = 200
        if not job.settled and job.polls_left > 0:
            job.polls_left -= 1
            job.status = "RUNNING"
            code = job.running_code
        elif not job.settled:
            self._settle(job, job.final)
        details = request.param("showDetails", "").lower() == "true"
        return dns_json(code, self._render_job(job, details))

    @staticmethod
    def _render_job(job, details):
        """B.8, in the key order of the recorded answers."""
        if not details:
            return {"status": job.status, "jobId": job.job_id,
                    "callbackUrl": job.callback_url}
        doc = {"request": job.request, "status": job.status}
        if job.status == "COMPLETED" and job.response is not None:
            doc["response"] = job.response
        if job.status == "ERROR":
            doc["error"] = job.error
        doc.update(verb=job.verb, jobId=job.job_id,
                   callbackUrl=job.callback_url, requestUrl=job.request_url)
        return doc

    def _limits(self, request):
        return dns_json(200, LIMITS)

    # Paths below /v1.0/{tenant}; anything else is a flat 404.
    _DNS_ROUTES = tuple(
        (method, re.compile(pattern), handler)
        for method, pattern, handler in (
            ("GET", r"/domains", _list_domains),
            ("GET", r"/domains/([^/]+)", _get_domain),
            ("GET", r"/domains/([^/]+)/records", _search_records),
            ("PUT", r"/domains/([^/]+)/records", _put_records),
            ("POST", r"/domains/([^/]+)/records", _post_records),
            ("GET", r"/domains/([^/]+)/records/([^/]+)", _get_record),
            ("PUT", r"/domains/([^/]+)/records/([^/]+)", _put_record),
            ("DELETE", r"/domains/([^/]+)/records/([^/]+)", _delete_record),
            ("GET", r"/status/([^/]+)", _job_status),
            ("GET", r"/limits", _limits)))


# ---------------------------------------------------------------- http

class _Handler(BaseHTTPRequestHandler):
    """Reads one request at a time off a keep-alive connection."""

    protocol_version = "HTTP/1.1"
    timeout = IDLE_TIMEOUT

    def __init__(self, request, client_address, server, conn_id):
        self.conn_id = conn_id
        super().__init__(request, client_address, server)

    def log_message(self, format, *args):
        """No access log on stderr."""

    def version_string(self):
        return "rackspace-simulator"

    def _serve(self):
        try:
            body = self._read_body()
        except ValueError:
            self.send_error(400, "Bad request body framing")
            return
        reply = self.server.simulator._handle(self._request(body))
        self._send(reply)

    do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = _serve
    do_HEAD = do_OPTIONS = _serve

    def _request(self, body):
        split = urlsplit(self.path)
        headers = {}
        for name, value in self.headers.items():
            name = name.lower()
            if name in headers:
                value = f"{headers[name]}, {value}"
            headers[name] = value
        text = body.decode("utf-8", "replace")
        try:
            parsed = json.loads(text) if text else None
        except ValueError:
            parsed = None
        has_body = "transfer-encoding" in headers or len(body) > 0
        return _Request(
            method=self.command, path=split.path,
            query=parse_qs(split.query, keep_blank_values=True),
            url_path=self.path, headers=headers, body=text, json=parsed,
            time=time.monotonic(), conn=self.conn_id,
            server=self.server.label, base_url=self.server.base_url,
            has_body=has_body)

    def _read_body(self):
        """The body by Content-Length or chunked; ValueError when garbled."""
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            return self._read_chunked()
        length = int(self.headers.get("Content-Length", "0"))
        if not 0 <= length <= MAX_BODY:
            raise ValueError("bad Content-Length")
        body = self.rfile.read(length)
        if len(body) != length:
            raise ValueError("short body")
        return body

    def _read_chunked(self):
        body = b""
        while True:
            size = int(self.rfile.readline(MAX_LINE).split(b";")[0], 16)
            if size == 0:
                break
            if size < 0 or len(body) + size > MAX_BODY:
                raise ValueError("bad chunk size")
            body += self.rfile.read(size)
            if self.rfile.readline(MAX_LINE).strip():
                raise ValueError("bad chunk end")
        for _ in range(MAX_TRAILERS):
            if not self.rfile.readline(MAX_LINE).strip():
                return body
        raise ValueError("too many trailers")

    def _send(self, reply):
        if reply.delay:
            time.sleep(reply.delay)
        if reply.close:                 # drop the connection, no answer
            self.close_connection = True
            return
        self.send_response(reply.status)
        for name, value in reply.headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(reply.body)))
        self.end_headers()
        if self.command == "HEAD":
            return
        if reply.trickle:
            self._trickle(reply.body, reply.trickle)
        else:
            self.wfile.write(reply.body)

    def _trickle(self, body, interval):
        """One byte per interval; a write to a closed peer raises OSError,
        which ends the connection."""
        for i in range(len(body)):
            time.sleep(interval)
            self.wfile.write(body[i:i + 1])


class _Server(ThreadingHTTPServer):
    """One listener; TLS is set up in the connection's own thread so a slow
    handshake never blocks accept()."""

    daemon_threads = True

    def __init__(self, address, simulator, ssl_context, label):
        self.simulator = simulator
        self.ssl_context = ssl_context
        self.label = label
        self._active = set()
        self._active_lock = threading.Lock()
        super().__init__(address, _Handler)
        host = f"[{address[0]}]" if ":" in address[0] else address[0]
        scheme = "https" if ssl_context else "http"
        self.base_url = f"{scheme}://{host}:{self.server_port}"

    def server_bind(self):
        """Bind without HTTPServer's reverse look-up of the address."""
        socketserver.TCPServer.server_bind(self)
        self.server_name = "localhost"
        self.server_port = self.server_address[1]

    def finish_request(self, request, client_address):
        conn_id = self.simulator._accept_connection()
        if self.ssl_context is None:
            self._serve_connection(request, client_address, conn_id)
            return
        request.settimeout(HANDSHAKE_TIMEOUT)
        tls = self.ssl_context.wrap_socket(request, server_side=True)
        try:
            self._serve_connection(tls, client_address, conn_id)
        finally:
            tls.close()

    def _serve_connection(self, sock, client_address, conn_id):
        with self._active_lock:
            self._active.add(sock)
        try:
            self.RequestHandlerClass(sock, client_address, self, conn_id)
        finally:
            with self._active_lock:
                self._active.discard(sock)

    def handle_error(self, request, client_address):
        """Peers that go away or fail TLS are normal here; bugs are not."""
        if not isinstance(sys.exc_info()[1], OSError):
            super().handle_error(request, client_address)

    def stop(self):
        self.shutdown()
        with self._active_lock:
            active = list(self._active)
        for sock in active:     # wake the threads of idle keep-alives
            try:
                socket.socket.shutdown(sock, socket.SHUT_RDWR)
            except OSError:
                pass
        self.server_close()


class _Server6(_Server):
    address_family = socket.AF_INET6


# ---------------------------------------------------------------- demo

def main(argv=None):
    parser = argparse.ArgumentParser(
        description="Serve a demo Rackspace Identity/Cloud DNS/echo "
                    "simulator on loopback until SIGTERM or SIGINT.")
    parser.add_argument("--workdir", required=True,
                        help="where the CA and server certificate live")
    parser.add_argument("--ipv6", action="store_true",
                        help="also listen on ::1")
    args = parser.parse_args(argv)
    os.makedirs(args.workdir, exist_ok=True)
    stopping = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stopping.set())
    sim = Simulator(args.workdir, ipv6=args.ipv6)
    try:
        zone = sim.add_zone("example.com")
        sim.add_record(zone, "home.example.com", "A", "198.51.100.4", ttl=300)
        sim.set_echo("a", "81.2.69.160\n")
        sim.set_echo("b", "81.2.69.160\n")
        print(json.dumps({"identity_url": sim.identity_url,
                          "dns_url": sim.dns_url, "ca_file": sim.ca_file,
                          "echo_url": sim.echo_url("a"),
                          "echo_url_b": sim.echo_url("b"),
                          "port": sim.port}), flush=True)
        stopping.wait()
    finally:
        sim.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
