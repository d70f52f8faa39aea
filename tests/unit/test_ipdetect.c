/*
 * test_ipdetect.c
 * Unit tests for ipdetect.c: the source forms, the global check, --ipv4/--ipv6.
 * SPDX-License-Identifier: ISC
 */

#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

#include "unit.h"

#include "ipdetect.h"

#define V4	FAM_V4
#define V6	FAM_V6

struct source_case {
	const char	*text;
	enum family	 fam;
	enum status	 st;
	enum source_kind kind;
	const char	*arg;		/* NULL: none (natpmp: alone) */
	const char	*why;		/* a part of the reason, on failure */
};

static const struct source_case source_cases[] = {
	{ "https://api.ipify.org", V4, ST_OK, SOURCE_ECHO,
	    "https://api.ipify.org", NULL },
	{ "HTTPS://api6.ipify.org/", V6, ST_OK, SOURCE_ECHO,
	    "HTTPS://api6.ipify.org/", NULL },
	{ "http://127.0.0.1:8080/ip", V4, ST_OK, SOURCE_ECHO,
	    "http://127.0.0.1:8080/ip", NULL },
	{ "http://[::1]:8080/", V6, ST_OK, SOURCE_ECHO, "http://[::1]:8080/",
	    NULL },
	{ "http://api.ipify.org", V4, ST_CONFIG, 0, NULL, "https://" },
	{ "https://user@api.ipify.org", V4, ST_CONFIG, 0, NULL, "https://" },
	{ "ftp://example.com", V4, ST_CONFIG, 0, NULL, "not a source" },
	{ "iface:eth0", V4, ST_OK, SOURCE_IFACE, "eth0", NULL },
	{ "iface:eth0", V6, ST_OK, SOURCE_IFACE, "eth0", NULL },
	{ "iface:*", V6, ST_OK, SOURCE_IFACE, "*", NULL },
	{ "iface:ppp0", V4, ST_OK, SOURCE_IFACE, "ppp0", NULL },
	{ "iface:enp0s31f6.100", V6, ST_OK, SOURCE_IFACE, "enp0s31f6.100",
	    NULL },
	{ "iface:abcdefghijklmno", V4, ST_OK, SOURCE_IFACE, "abcdefghijklmno",
	    NULL },				/* 15: IFNAMSIZ - 1 */
	{ "iface:abcdefghijklmnop", V4, ST_CONFIG, 0, NULL, "longer than 15" },
	{ "iface:", V4, ST_CONFIG, 0, NULL, "names no interface" },
	{ "iface:eth0:1", V4, ST_CONFIG, 0, NULL, "not a valid" },
	{ "iface:eth 0", V4, ST_CONFIG, 0, NULL, "not a valid" },
	{ "iface:a/b", V4, ST_CONFIG, 0, NULL, "not a valid" },
	{ "iface:..", V4, ST_CONFIG, 0, NULL, "not a valid" },
	{ "iface:eth*", V4, ST_CONFIG, 0, NULL, "not a valid" },
	{ "iface:**", V4, ST_CONFIG, 0, NULL, "not a valid" },
	{ "iface:eth0\t", V4, ST_CONFIG, 0, NULL, "not a valid" },
	{ "IFACE:eth0", V4, ST_CONFIG, 0, NULL, "not a source" },
	{ "natpmp:", V4, ST_OK, SOURCE_NATPMP, NULL, NULL },
	{ "natpmp:192.168.1.1", V4, ST_OK, SOURCE_NATPMP, "192.168.1.1",
	    NULL },
	{ "natpmp:", V6, ST_CONFIG, 0, NULL, "is IPv4 only" },
	{ "natpmp:192.168.1.1", V6, ST_CONFIG, 0, NULL, "is IPv4 only" },
	{ "natpmp:fe80::1", V4, ST_CONFIG, 0, NULL, "no IPv4 address" },
	{ "natpmp:router.lan", V4, ST_CONFIG, 0, NULL, "no IPv4 address" },
	{ "natpmp:192.168.1.1:5351", V4, ST_CONFIG, 0, NULL,
	    "no IPv4 address" },
	{ "natpmp", V4, ST_CONFIG, 0, NULL, "not a source" },
	{ "", V4, ST_CONFIG, 0, NULL, "not a source" },
	{ "eth0", V4, ST_CONFIG, 0, NULL, "not a source" },
};

static void
test_source_table(void **state)
{
	const struct source_case *c;
	struct source src;
	char why[256];
	enum status st;
	size_t i;

	UNIT_START(state);
	for (i = 0; i < NELEM(source_cases); i++) {
		c = &source_cases[i];
		why[0] = '\0';
		st = ipdetect_source_parse(c->text, c->fam, &src, why,
		    sizeof(why));
		CHECK_INT(st, c->st, "source \"%s\" %s", c->text,
		    c->fam == V4 ? "ipv4" : "ipv6");
		if (st == ST_OK && c->st == ST_OK) {
			CHECK_INT(src.kind, c->kind, "source \"%s\"", c->text);
			CHECK_STR(src.arg, c->arg, "source \"%s\"", c->text);
			CHECK_STR(src.text, c->text, "source \"%s\"", c->text);
		}
		if (st != ST_OK && c->st != ST_OK) {
			CHECK(strstr(why, c->why) != NULL, "source \"%s\": "
			    "reason \"%s\" lacks \"%s\"", c->text, why,
			    c->why);
			CHECK(src.text == NULL && src.arg == NULL,
			    "source \"%s\" left something", c->text);
		}
		ipdetect_source_free(&src);
		ipdetect_source_free(&src);	/* idempotent */
	}
	UNIT_END();
}

struct global_case {
	enum family	 fam;
	const char	*addr;
	int		 global;
};

static const struct global_case global_cases[] = {
	/* IPv4 special-purpose blocks, with their edges */
	{ V4, "0.0.0.0", 0 },
	{ V4, "0.255.255.255", 0 },
	{ V4, "1.0.0.0", 1 },
	{ V4, "10.0.0.0", 0 },
	{ V4, "10.255.255.255", 0 },
	{ V4, "9.255.255.255", 1 },
	{ V4, "11.0.0.0", 1 },
	{ V4, "100.64.0.0", 0 },
	{ V4, "100.127.255.255", 0 },
	{ V4, "100.63.255.255", 1 },
	{ V4, "100.128.0.0", 1 },
	{ V4, "127.0.0.1", 0 },
	{ V4, "127.255.255.255", 0 },
	{ V4, "169.254.0.1", 0 },
	{ V4, "169.254.255.255", 0 },
	{ V4, "169.253.255.255", 1 },
	{ V4, "169.255.0.0", 1 },
	{ V4, "172.16.0.0", 0 },
	{ V4, "172.31.255.255", 0 },
	{ V4, "172.15.255.255", 1 },
	{ V4, "172.32.0.0", 1 },
	{ V4, "192.0.0.0", 0 },
	{ V4, "192.0.0.8", 0 },
	{ V4, "192.0.0.9", 1 },		/* PCP anycast */
	{ V4, "192.0.0.10", 1 },	/* TURN anycast */
	{ V4, "192.0.0.11", 0 },
	{ V4, "192.0.0.170", 0 },
	{ V4, "192.0.0.255", 0 },
	{ V4, "192.0.1.0", 1 },
	{ V4, "192.0.2.0", 0 },
	{ V4, "192.0.2.255", 0 },
	{ V4, "192.0.3.0", 1 },
	{ V4, "192.31.196.1", 1 },	/* AS112-v4: global */
	{ V4, "192.52.193.1", 1 },	/* AMT: global */
	{ V4, "192.88.99.0", 0 },
	{ V4, "192.88.99.255", 0 },
	{ V4, "192.88.98.255", 1 },
	{ V4, "192.168.0.0", 0 },
	{ V4, "192.168.1.10", 0 },
	{ V4, "192.168.255.255", 0 },
	{ V4, "192.167.255.255", 1 },
	{ V4, "192.169.0.0", 1 },
	{ V4, "192.175.48.1", 1 },	/* AS112 direct delegation: global */
	{ V4, "198.18.0.0", 0 },
	{ V4, "198.19.255.255", 0 },
	{ V4, "198.17.255.255", 1 },
	{ V4, "198.20.0.0", 1 },
	{ V4, "198.51.100.0", 0 },
	{ V4, "198.51.100.255", 0 },
	{ V4, "198.51.101.0", 1 },
	{ V4, "203.0.113.0", 0 },
	{ V4, "203.0.113.255", 0 },
	{ V4, "203.0.112.255", 1 },
	{ V4, "203.0.114.0", 1 },
	{ V4, "223.255.255.255", 1 },
	{ V4, "224.0.0.1", 0 },
	{ V4, "239.255.255.255", 0 },
	{ V4, "240.0.0.1", 0 },
	{ V4, "255.255.255.254", 0 },
	{ V4, "255.255.255.255", 0 },
	/* ordinary global IPv4 */
	{ V4, "81.2.69.160", 1 },
	{ V4, "8.8.8.8", 1 },
	{ V4, "1.1.1.1", 1 },

	/* IPv6 special-purpose blocks */
	{ V6, "::", 0 },
	{ V6, "::1", 0 },
	{ V6, "::ffff:1.2.3.4", 0 },		/* mapped */
	{ V6, "::ffff:81.2.69.160", 0 },
	{ V6, "64:ff9b::1", 0 },		/* NAT64 */
	{ V6, "64:ff9b::8.8.8.8", 0 },
	{ V6, "64:ff9b:1::1", 0 },		/* local-use NAT64 */
	{ V6, "100::1", 0 },			/* discard-only */
	{ V6, "2001::1", 0 },			/* Teredo */
	{ V6, "2001:0:4136:e378:8000:63bf:3fff:fdd2", 0 },
	{ V6, "2001:1::1", 1 },			/* PCP anycast */
	{ V6, "2001:1::2", 1 },			/* TURN anycast */
	{ V6, "2001:1::3", 1 },			/* DNS-SD SRP anycast,
						   RFC 9665 */
	{ V6, "2001:1::4", 0 },
	{ V6, "2001:2::1", 0 },			/* benchmarking */
	{ V6, "2001:3::1", 1 },			/* AMT */
	{ V6, "2001:4:112::1", 1 },		/* AS112-v6 */
	{ V6, "2001:4:113::1", 0 },
	{ V6, "2001:10::1", 0 },		/* ORCHID, deprecated */
	{ V6, "2001:20::1", 1 },		/* ORCHIDv2 */
	{ V6, "2001:30::1", 1 },		/* drone remote ID */
	{ V6, "2001:1ff:ffff::1", 0 },		/* end of 2001::/23 */
	{ V6, "2001:200::1", 1 },		/* just after it */
	{ V6, "2001:db8::1", 0 },		/* documentation */
	{ V6, "2001:db8:ffff::1", 0 },
	{ V6, "2002::1", 0 },			/* 6to4 */
	{ V6, "2002:5102:45a0::1", 0 },
	{ V6, "3fff::1", 0 },			/* documentation */
	{ V6, "3fff:fff:ffff::1", 0 },
	{ V6, "3fff:1000::1", 1 },
	{ V6, "5f00::1", 0 },			/* SRv6 SIDs */
	{ V6, "fc00::1", 0 },			/* ULA */
	{ V6, "fd12::1", 0 },
	{ V6, "fe80::1", 0 },			/* link-local */
	{ V6, "febf::1", 0 },
	{ V6, "fec0::1", 0 },			/* site-local, deprecated */
	{ V6, "ff02::1", 0 },			/* multicast */
	{ V6, "ff0e::1", 0 },
	/* ordinary global IPv6 */
	{ V6, "2001:4860:4860::8888", 1 },
	{ V6, "2a00:1450::1", 1 },
	{ V6, "2606:4700::1111", 1 },
	{ V6, "2620:4f:8000::1", 1 },		/* AS112 direct delegation */
	{ V6, "2c0f:f248::1", 1 },
};

static void
test_is_global_table(void **state)
{
	const struct global_case *c;
	unsigned char bin[16];
	size_t i;

	UNIT_START(state);
	for (i = 0; i < NELEM(global_cases); i++) {
		c = &global_cases[i];
		memset(bin, 0, sizeof(bin));
		REQUIRE(inet_pton(c->fam == V4 ? AF_INET : AF_INET6, c->addr,
		    bin) == 1, "bad test row %zu \"%s\"", i, c->addr);
		CHECK_INT(netaddr_is_global(c->fam, bin) != 0, c->global,
		    "netaddr_is_global(%s)", c->addr);
	}
	UNIT_END();
}

struct check_case {
	const char	*text;
	enum family	 fam;
	bool		 allow_nonglobal;
	enum status	 st;
	const char	*out;
};

static const struct check_case check_cases[] = {
	{ "81.2.69.160", V4, false, ST_OK, "81.2.69.160" },
	{ "81.2.69.160", V4, true, ST_OK, "81.2.69.160" },
	{ "192.168.1.10", V4, false, ST_USAGE, NULL },
	{ "192.168.1.10", V4, true, ST_OK, "192.168.1.10" },
	{ "100.64.0.1", V4, false, ST_USAGE, NULL },
	{ "100.64.0.1", V4, true, ST_OK, "100.64.0.1" },
	{ "127.0.0.1", V4, false, ST_USAGE, NULL },
	{ "2a00:1450::1", V6, false, ST_OK, "2a00:1450::1" },
	{ "2001:DB8:0:0::1", V6, false, ST_USAGE, NULL },
	{ "2001:DB8:0:0::1", V6, true, ST_OK, "2001:db8::1" },
	{ "fd12::1", V6, false, ST_USAGE, NULL },
	{ "fd12::1", V6, true, ST_OK, "fd12::1" },
	{ "81.2.69.160", V6, true, ST_USAGE, NULL },	/* wrong family */
	{ "2a00:1450::1", V4, true, ST_USAGE, NULL },
	{ "not-an-address", V4, true, ST_USAGE, NULL },
	{ "", V4, true, ST_USAGE, NULL },
	{ "81.2.69.160 81.2.69.161", V4, true, ST_USAGE, NULL },
	{ " 81.2.69.160", V4, true, ST_USAGE, NULL },	/* as typed */
};

static void
test_check_table(void **state)
{
	const struct check_case *c;
	char out[INET6_ADDRSTRLEN];
	const char *why;
	enum status st;
	size_t i;

	UNIT_START(state);
	for (i = 0; i < NELEM(check_cases); i++) {
		c = &check_cases[i];
		why = NULL;
		st = ipdetect_check(c->text, c->fam, c->allow_nonglobal, out,
		    &why);
		CHECK_INT(st, c->st, "ipdetect_check(\"%s\", %s, %s)", c->text,
		    c->fam == V4 ? "v4" : "v6",
		    c->allow_nonglobal ? "allow_nonglobal" : "global only");
		if (c->st == ST_OK && st == ST_OK)
			CHECK_STR(out, c->out, "ipdetect_check(\"%s\")",
			    c->text);
		if (c->st != ST_OK && st != ST_OK)
			CHECK(why != NULL && why[0] != '\0',
			    "ipdetect_check(\"%s\") gives no reason", c->text);
	}
	UNIT_END();
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_source_table),
		cmocka_unit_test(test_is_global_table),
		cmocka_unit_test(test_check_table),
	};

	return cmocka_run_group_tests_name("ipdetect", tests, unit_quiet,
	    NULL);
}
