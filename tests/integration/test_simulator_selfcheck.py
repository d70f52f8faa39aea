"""Self-check of simulator.py: the simulator itself speaks the protocol of
research/rackspace-api.md before the integration suite trusts it.

Run: cd tests/integration && python3 -m unittest test_simulator_selfcheck -v
"""

import http.client
import json
import ssl
import tempfile
import unittest
import urllib.error
import urllib.request

from simulator import Simulator

USERNAME = "jdoe"
API_KEY = "0123456789abcdef0123456789abcdef"


class SimulatorSelfCheck(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()
        cls.sim = Simulator(cls.tmp.name)
        cls.ctx = ssl.create_default_context(cafile=cls.sim.ca_file)

    @classmethod
    def tearDownClass(cls):
        cls.sim.stop()
        cls.tmp.cleanup()

    def setUp(self):
        self.sim.reset()
        self.zone = self.sim.add_zone("example.com")
        self.rid = self.sim.add_record(self.zone, "home.example.com", "A",
                                       "198.51.100.4")

    def call(self, method, url, body=None, token=None):
        """(status, raw body) of one request on a fresh connection."""
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(url, data=data, method=method)
        if data is not None:
            req.add_header("Content-Type", "application/json")
        if token is not None:
            req.add_header("X-Auth-Token", token)
        try:
            with urllib.request.urlopen(req, context=self.ctx,
                                        timeout=5) as resp:
                return resp.status, resp.read()
        except urllib.error.HTTPError as err:
            with err:
                return err.code, err.read()

    def call_json(self, method, url, body=None, token=None):
        status, raw = self.call(method, url, body, token)
        return status, json.loads(raw) if raw else None

    def authenticate(self, key=API_KEY):
        return self.call("POST", self.sim.identity_url + "/tokens",
                         {"auth": {"RAX-KSKEY:apiKeyCredentials": {
                             "username": USERNAME, "apiKey": key}}})

    def token(self):
        status, raw = self.authenticate()
        self.assertEqual(status, 200)
        return json.loads(raw)["access"]["token"]["id"]

    def test_authentication(self):
        status, raw = self.authenticate()
        self.assertEqual(status, 200)
        self.assertIn(b'"publicURL":"https:\\/\\/127.0.0.1', raw)
        token = json.loads(raw)["access"]["token"]
        self.assertRegex(token["id"], r"^[0-9a-f]{32}$")
        self.assertRegex(token["expires"],
                         r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")
        self.assertEqual(token["tenant"], {"name": "123456", "id": "123456"})
        self.assertIn(token["id"], self.sim.tokens)

    def test_authentication_refused(self):
        status, raw = self.authenticate(key="wrong")
        self.assertEqual(status, 401)
        self.assertEqual(json.loads(raw)["unauthorized"]["code"], 401)
        status, raw = self.call("POST", self.sim.identity_url + "/tokens",
                                {"auth": {}})
        self.assertEqual(status, 400)
        self.assertIn("badRequest", json.loads(raw))

    def test_expires_offset_style(self):
        self.sim.expires_format = "-06:00"
        _, raw = self.authenticate()
        expires = json.loads(raw)["access"]["token"]["expires"]
        self.assertRegex(expires, r"T\d\d:\d\d:\d\d\.\d{3}-06:00$")

    def test_catalog(self):
        _, raw = self.authenticate()
        catalog = json.loads(raw)["access"]["serviceCatalog"]
        types = [entry["type"] for entry in catalog]
        self.assertLess(types.index("dns"), types.index("rax:dns"))
        dns = catalog[types.index("rax:dns")]
        self.assertEqual(dns["name"], "cloudDNS")
        self.assertEqual(dns["endpoints"], [{"tenantId": "123456",
                                             "publicURL": self.sim.dns_url}])

    def test_zone_lookup(self):
        token = self.token()
        status, doc = self.call_json(
            "GET", self.sim.dns_url + "/domains?name=EXAMPLE.com", token=token)
        self.assertEqual(status, 200)
        self.assertEqual(doc["totalEntries"], 1)
        self.assertEqual(doc["domains"][0]["id"], "2725257")
        self.sim.id_mode = "number"
        _, doc = self.call_json(
            "GET", self.sim.dns_url + "/domains?name=example.com", token=token)
        self.assertEqual(doc["domains"][0]["id"], 2725257)
        _, doc = self.call_json(
            "GET", self.sim.dns_url + "/domains?name=other.com", token=token)
        self.assertEqual(doc, {"domains": [], "totalEntries": 0})

    def test_record_search(self):
        token = self.token()
        base = f"{self.sim.dns_url}/domains/{self.zone}/records"
        status, doc = self.call_json(
            "GET", base + "?type=A&name=home.example.com", token=token)
        self.assertEqual(status, 200)
        self.assertEqual(list(doc), ["records"])
        self.assertEqual(doc["records"][0]["id"], self.rid)
        self.assertEqual(doc["records"][0]["data"], "198.51.100.4")
        status, doc = self.call_json(
            "GET", base + "?type=AAAA&name=home.example.com", token=token)
        self.assertEqual((status, doc), (200, {"records": []}))

    def test_put_job_lifecycle(self):
        token = self.token()
        url = f"{self.sim.dns_url}/domains/{self.zone}/records/{self.rid}"
        body = {"name": "home.example.com", "data": "81.2.69.160", "ttl": 300}
        status, job = self.call_json("PUT", url, body, token)
        self.assertEqual((status, job["status"]), (202, "RUNNING"))
        self.assertEqual(json.loads(job["request"]), body)
        self.assertEqual(job["callbackUrl"],
                         f"{self.sim.dns_url}/status/{job['jobId']}")
        self.assertEqual(job["requestUrl"], url)
        poll = f"{self.sim.dns_url}/status/{job['jobId']}?showDetails=true"
        status, doc = self.call_json("GET", poll, token=token)
        self.assertEqual((status, doc["status"]), (200, "RUNNING"))
        self.assertEqual(self.sim.record(self.zone, self.rid)["data"],
                         "198.51.100.4")
        status, doc = self.call_json("GET", poll, token=token)
        self.assertEqual((status, doc["status"]), (200, "COMPLETED"))
        self.assertNotIn("response", doc)
        self.assertEqual(self.sim.record(self.zone, self.rid)["data"],
                         "81.2.69.160")

    def test_post_duplicate_ends_in_error(self):
        token = self.token()
        self.sim.job_plan = [{"initial": "COMPLETED"}]
        status, job = self.call_json(
            "POST", f"{self.sim.dns_url}/domains/{self.zone}/records",
            {"records": [{"name": "home.example.com", "type": "A",
                          "data": "198.51.100.4", "ttl": 300}]}, token)
        self.assertEqual((status, job["status"]), (202, "ERROR"))
        self.assertTrue(job["error"]["details"].startswith(
            "Record is a duplicate of another record"))
        self.assertEqual(len(self.sim.records(self.zone)), 1)

    def test_bad_ttl_is_a_validation_error(self):
        token = self.token()
        url = f"{self.sim.dns_url}/domains/{self.zone}/records/{self.rid}"
        status, doc = self.call_json("PUT", url,
                                     {"data": "81.2.69.160", "ttl": 60}, token)
        self.assertEqual(status, 400)
        self.assertIn("validationErrors", doc)

    def test_get_with_body_is_forbidden(self):
        status, doc = self.call_json(
            "GET", self.sim.dns_url + "/domains?name=example.com", {},
            self.token())
        self.assertEqual(status, 403)
        self.assertEqual(doc["code"], 403)

    def test_data_filter_is_unavailable(self):
        status, doc = self.call_json(
            "GET", f"{self.sim.dns_url}/domains/{self.zone}/records"
                   "?type=A&name=home.example.com&data=198.51.100.4",
            token=self.token())
        self.assertEqual((status, doc["code"]), (503, 503))

    def test_revoked_token_gets_401(self):
        token = self.token()
        self.sim.revoke_tokens()
        status, doc = self.call_json(
            "GET", self.sim.dns_url + "/domains", token=token)
        self.assertEqual((status, doc["code"]), (401, 401))

    def test_fault_injected_once(self):
        token = self.token()
        self.sim.add_fault("GET", r"/domains$", 413,
                           {"overLimit": {"code": 413}},
                           headers={"Retry-After": "7"})
        url = self.sim.dns_url + "/domains?name=example.com"
        status, doc = self.call_json("GET", url, token=token)
        self.assertEqual((status, doc), (413, {"overLimit": {"code": 413}}))
        status, _ = self.call_json("GET", url, token=token)
        self.assertEqual(status, 200)

    def test_echo(self):
        self.sim.set_echo("a", "81.2.69.160\n")
        status, raw = self.call("GET", self.sim.echo_url("a"))
        self.assertEqual((status, raw), (200, b"81.2.69.160\n"))
        status, raw = self.call("GET", self.sim.echo_url("a", plain_http=True))
        self.assertEqual((status, raw), (200, b"81.2.69.160\n"))
        self.assertEqual(self.call("GET", self.sim.echo_url("nope"))[0], 404)
        self.assertEqual([e["server"] for e in self.sim.requests()],
                         ["v4", "http", "v4"])
        self.assertEqual(self.sim.rackspace_requests(), [])

    def test_log_and_keep_alive(self):
        token = self.token()
        self.sim.clear_log()
        connections = self.sim.connections
        conn = http.client.HTTPSConnection("127.0.0.1", self.sim.port,
                                           context=self.ctx, timeout=5)
        try:
            for data in ("81.2.69.160", "81.2.69.161"):
                conn.request(
                    "PUT", f"/v1.0/123456/domains/{self.zone}/records/"
                           f"{self.rid}?x=1",
                    body=json.dumps({"data": data}),
                    headers={"Content-Type": "application/json",
                             "X-Auth-Token": token})
                response = conn.getresponse()
                response.read()
                self.assertEqual(response.status, 202)
        finally:
            conn.close()
        log = self.sim.requests("PUT", r"/records/")
        self.assertEqual(len(log), 2)
        first = log[0]
        self.assertEqual(first["method"], "PUT")
        self.assertEqual(first["path"], f"/v1.0/123456/domains/{self.zone}"
                                        f"/records/{self.rid}")
        self.assertEqual(first["query"], {"x": ["1"]})
        self.assertTrue(first["url_path"].endswith("?x=1"))
        self.assertEqual(first["json"], {"data": "81.2.69.160"})
        self.assertEqual(first["headers"]["x-auth-token"], token)
        self.assertEqual(log[0]["conn"], log[1]["conn"])
        self.assertEqual(self.sim.connections, connections + 1)
        self.assertEqual(first["body"], '{"data": "81.2.69.160"}')


if __name__ == "__main__":
    unittest.main()
