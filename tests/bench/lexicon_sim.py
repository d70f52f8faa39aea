#!/usr/bin/python3
"""Run the `lexicon` CLI with its Rackspace provider pointed at the loopback
simulator, for the change-run benchmark (tests/bench/bench.py).

    lexicon_sim.py --identity-url https://127.0.0.1:PORT/v2.0 \\
                   --dns-url https://127.0.0.1:PORT/v1.0 \\
                   -- rackspace update example.com A --name ... --content ...

lexicon's Rackspace provider (lexicon/providers/rackspace.py) hard-codes
its two endpoints in Provider.__init__: `auth_api_endpoint` (Identity v2.0,
POST /tokens is appended) and `api_endpoint` (Cloud DNS v1.0, the account
id is appended to it).  This wrapper replaces both after the original
__init__ ran, then calls lexicon's own CLI main() with the arguments after
`--`, so that everything else (argument parsing, the provider's request
sequence, its fixed sleep between job polls) is lexicon's own code.

The simulator's CA is trusted through REQUESTS_CA_BUNDLE, which the caller
sets (requests reads it).  lexicon also resolves the zone with tldextract;
the wrapper keeps tldextract to local suffix lists (file:// URLs, else its
bundled snapshot) so that a run never reaches outside the machine.

It must run under the interpreter lexicon is installed for (Debian's
/usr/bin/python3), which bench.py takes from /usr/bin/lexicon's #! line.
"""

import argparse
import sys


def patch_tldextract():
    """Keep tldextract off the network: only file:// suffix lists."""
    import tldextract

    original = tldextract.TLDExtract.__init__

    def offline_init(self, *args, **kwargs):
        urls = kwargs.get("suffix_list_urls")
        if urls is None:
            # the signature's default (Debian lists a file:// URL first)
            import inspect
            urls = inspect.signature(original).parameters[
                "suffix_list_urls"].default
        kwargs["suffix_list_urls"] = tuple(
            u for u in (urls or ()) if str(u).startswith("file://"))
        kwargs["fallback_to_snapshot"] = True
        original(self, *args, **kwargs)

    tldextract.TLDExtract.__init__ = offline_init


def patch_rackspace(identity_url, dns_url):
    """Point the Rackspace provider's two endpoints at the simulator."""
    from lexicon.providers import rackspace

    original = rackspace.Provider.__init__

    def init(self, config):
        original(self, config)
        self.auth_api_endpoint = identity_url.rstrip("/")
        self.api_endpoint = dns_url.rstrip("/")

    rackspace.Provider.__init__ = init


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--identity-url", required=True,
                        help="Identity v2.0 base, e.g. https://H:P/v2.0")
    parser.add_argument("--dns-url", required=True,
                        help="Cloud DNS base without the account, "
                             "e.g. https://H:P/v1.0")
    parser.add_argument("lexicon_args", nargs=argparse.REMAINDER,
                        help="-- then the lexicon command line")
    args = parser.parse_args()
    rest = args.lexicon_args
    if rest and rest[0] == "--":
        rest = rest[1:]
    patch_tldextract()
    patch_rackspace(args.identity_url, args.dns_url)
    from lexicon.cli import main as lexicon_main
    sys.argv = ["lexicon", *rest]
    lexicon_main()
    return 0


if __name__ == "__main__":
    sys.exit(main())
