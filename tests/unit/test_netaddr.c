/*
 * test_netaddr.c
 * Unit tests for netaddr.c: address forms and equality, the URL rule.
 * SPDX-License-Identifier: ISC
 */

#include <stdlib.h>
#include <string.h>

#include "unit.h"

#include "netaddr.h"

/* Two spellings of one address are one address (CONTRACT.md 6, v2). */
static void
test_equal(void **state)
{
	static const struct {
		enum family	 fam;
		const char	*a, *b;
		int		 equal;
	} rows[] = {
		{ FAM_V6, "2A02:1234:0:0:0:0:0:1", "2a02:1234::1", 1 },
		{ FAM_V6, "2a02:1234:0000::0001", "2a02:1234::1", 1 },
		{ FAM_V6, "::ffff:81.2.69.160", "::ffff:5102:45a0", 1 },
		{ FAM_V6, "2a02:1234::1", "2a02:1234::2", 0 },
		{ FAM_V4, "81.2.69.160", "81.2.69.160", 1 },
		{ FAM_V4, "81.2.69.160", "81.2.69.161", 0 },
		{ FAM_V4, "081.2.69.160", "81.2.69.160", 0 },	/* not a form */
		{ FAM_V4, "81.2.69.160", "2a02:1234::1", 0 },
		{ FAM_V6, "not an address", "not an address", 0 },
		{ FAM_V4, NULL, "81.2.69.160", 0 },
		{ FAM_V4, NULL, NULL, 0 },
	};
	size_t i;

	UNIT_START(state);
	for (i = 0; i < NELEM(rows); i++)
		CHECK_INT(netaddr_equal(rows[i].fam, rows[i].a, rows[i].b),
		    rows[i].equal, "netaddr_equal(%s, %s)",
		    rows[i].a != NULL ? rows[i].a : "NULL",
		    rows[i].b != NULL ? rows[i].b : "NULL");
	UNIT_END();
}

/* Parse and format give the canonical form. */
static void
test_parse_format(void **state)
{
	unsigned char bin[16];
	char out[INET6_ADDRSTRLEN];

	UNIT_START(state);
	REQUIRE(netaddr_parse(FAM_V6, "2A02:1234:0:0:0:0:0:1", bin) == 0,
	    "parse");
	netaddr_format(FAM_V6, bin, out);
	CHECK_STR(out, "2a02:1234::1", "canonical IPv6");
	CHECK_INT(netaddr_parse(FAM_V4, "2a02:1234::1", bin), -1,
	    "IPv6 as IPv4");
	CHECK_INT(netaddr_parse(FAM_V4, " 81.2.69.160", bin), -1,
	    "white space is no part of an address");
	CHECK_STR(family_rtype(FAM_V4), "A", "rtype");
	CHECK_STR(family_rtype(FAM_V6), "AAAA", "rtype");
	CHECK_STR(family_name(FAM_V6), "IPv6", "name");
	UNIT_END();
}

struct url_case {
	const char	*url;
	int		 ok;
};

static const struct url_case url_cases[] = {
	{ "https://identity.api.rackspacecloud.com/v2.0", 1 },
	{ "https://lon.dns.api.rackspacecloud.com/v1.0/123456", 1 },
	{ "https://api.ipify.org", 1 },
	{ "https://example.com:8443/x?y=1", 1 },
	{ "HTTPS://EXAMPLE.COM/", 1 },
	{ "http://127.0.0.1:8080", 1 },
	{ "http://127.0.0.1:8080/v2.0", 1 },
	{ "http://127.1.2.3/", 1 },
	{ "http://[::1]:8080", 1 },
	{ "http://[::1]/v1.0/1", 1 },
	{ "http://localhost", 1 },
	{ "http://localhost:8080/ip", 1 },
	{ "http://api.ipify.org", 0 },
	{ "http://identity.api.rackspacecloud.com/v2.0", 0 },
	{ "http://128.0.0.1/", 0 },
	{ "http://10.0.0.1/", 0 },
	{ "http://[::2]/", 0 },
	{ "http://[2001:db8::1]:8080/", 0 },
	{ "http://127.0.0.1.example.com/", 0 },
	{ "http://localhost.example.com/", 0 },
	{ "http://127.0.0.1@example.com/", 0 },	/* the host is example.com */
	{ "ftp://example.com/", 0 },
	{ "file:///etc/passwd", 0 },
	{ "example.com", 0 },
	{ "", 0 },
	{ "https://", 0 },
	{ "http://", 0 },
};

static void
test_url_allowed(void **state)
{
	size_t i;

	UNIT_START(state);
	for (i = 0; i < NELEM(url_cases); i++)
		CHECK_INT(netaddr_url_allowed(url_cases[i].url) != 0,
		    url_cases[i].ok, "netaddr_url_allowed(\"%s\")",
		    url_cases[i].url);
	UNIT_END();
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_equal),
		cmocka_unit_test(test_parse_format),
		cmocka_unit_test(test_url_allowed),
	};

	return cmocka_run_group_tests_name("netaddr", tests, unit_quiet,
	    NULL);
}
