/*
 * test_natpmp.c
 * Unit tests for natpmp.c: the answer's parsing, the default gateway's.
 * SPDX-License-Identifier: ISC
 */

#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

#include "unit.h"
#include "nlbuild.h"

#include "natpmp.h"

struct answer_case {
	const char	*name;
	const char	*bytes;
	size_t		 len;
	enum status	 st;
	const char	*want;		/* the address, or a part of why */
};

#define OK_HDR	"\x00\x80\x00\x00" "\x00\x01\x51\x80"	/* up one day */

static const struct answer_case answer_cases[] = {
	{ "a global address", OK_HDR "\x51\x02\x45\xa0", 12, ST_OK,
	    "81.2.69.160" },
	{ "a CGNAT address (the global check is ipdetect's)",
	    OK_HDR "\x64\x40\x00\x01", 12, ST_OK, "100.64.0.1" },
	{ "extra bytes are ignored", OK_HDR "\x51\x02\x45\xa0\x00\x00", 14,
	    ST_OK, "81.2.69.160" },
	{ "result 1", "\x00\x80\x00\x01" "\x00\x00\x00\x10", 8, ST_TEMPFAIL,
	    "unsupported version (result 1)" },
	{ "result 2", "\x00\x80\x00\x02" "\x00\x00\x00\x10" "\0\0\0\0", 12,
	    ST_TEMPFAIL, "not authorized or refused (result 2)" },
	{ "result 3", "\x00\x80\x00\x03" "\x00\x00\x00\x10" "\0\0\0\0", 12,
	    ST_TEMPFAIL, "network failure (result 3)" },
	{ "result 4", "\x00\x80\x00\x04" "\x00\x00\x00\x10" "\0\0\0\0", 12,
	    ST_TEMPFAIL, "out of resources (result 4)" },
	{ "result 5", "\x00\x80\x00\x05" "\x00\x00\x00\x10" "\0\0\0\0", 12,
	    ST_TEMPFAIL, "unsupported opcode (result 5)" },
	{ "result 256", "\x00\x80\x01\x00" "\x00\x00\x00\x10" "\0\0\0\0", 12,
	    ST_TEMPFAIL, "unknown result (result 256)" },
	{ "result 0 and a good address, but 11 bytes", OK_HDR "\x51\x02\x45",
	    11, ST_TEMPFAIL, "11 bytes is too short" },
	{ "8 bytes", OK_HDR, 8, ST_TEMPFAIL, "too short" },
	{ "7 bytes", "\x00\x80\x00\x00\x00\x01\x51", 7, ST_TEMPFAIL,
	    "too short" },
	{ "nothing", "", 0, ST_TEMPFAIL, "0 bytes is too short" },
	{ "version 1", "\x01\x80\x00\x00" "\x00\x01\x51\x80" "\x51\x02\x45\xa0",
	    12, ST_TEMPFAIL, "version 1, not 0" },
	{ "opcode 129 (a UDP mapping's)",
	    "\x00\x81\x00\x00" "\x00\x01\x51\x80" "\x51\x02\x45\xa0", 12,
	    ST_TEMPFAIL, "opcode 129, not 128" },
	{ "opcode 0 (our own request, looped back)",
	    "\x00\x00\x00\x00" "\x00\x01\x51\x80" "\x51\x02\x45\xa0", 12,
	    ST_TEMPFAIL, "opcode 0, not 128" },
};

static void
test_answer_table(void **state)
{
	const struct answer_case *c;
	char out[INET6_ADDRSTRLEN], why[256];
	enum status st;
	size_t i;

	UNIT_START(state);
	for (i = 0; i < NELEM(answer_cases); i++) {
		c = &answer_cases[i];
		why[0] = '\0';
		memset(out, 'x', sizeof(out));
		st = natpmp_parse((const unsigned char *)c->bytes, c->len, out,
		    why, sizeof(why));
		CHECK_INT(st, c->st, "%s", c->name);
		if (st == ST_OK && c->st == ST_OK)
			CHECK_STR(out, c->want, "%s", c->name);
		if (st != ST_OK && c->st != ST_OK) {
			CHECK(strstr(why, c->want) != NULL, "%s: \"%s\" lacks "
			    "\"%s\"", c->name, why, c->want);
			CHECK_STR(out, "", "%s", c->name);
		}
	}
	UNIT_END();
}

/* One route, as `ip -4 route` would show it. */
struct route {
	const char	*dst;		/* NULL: 0.0.0.0/0 */
	int		 dst_len;
	const char	*gw;		/* NULL: none (a device route) */
	uint32_t	 metric;	/* 0: no RTA_PRIORITY */
	uint32_t	 table;		/* RT_TABLE_MAIN, ... */
	int		 table_attr;	/* also as RTA_TABLE (tables > 255) */
	int		 type;		/* RTN_UNICAST, ... */
	int		 family;	/* AF_INET, ... */
	const char	*hop;		/* a gateway in RTA_MULTIPATH only */
};

#define R_DEFAULT(gw, metric) \
	{ NULL, 0, gw, metric, RT_TABLE_MAIN, 0, RTN_UNICAST, AF_INET, NULL }
#define R_NET(dst, len, gw) \
	{ dst, len, gw, 0, RT_TABLE_MAIN, 0, RTN_UNICAST, AF_INET, NULL }
#define R_END	{ NULL, -1, NULL, 0, 0, 0, 0, 0, NULL }

struct gateway_case {
	const char	*name;
	int		 rc;
	const char	*want;
	struct route	 routes[6];
};

static const struct gateway_case gateway_cases[] = {
	{ "one default route", 1, "192.168.1.1", {
	    R_NET("192.168.1.0", 24, NULL),
	    R_DEFAULT("192.168.1.1", 0),
	    R_END } },
	{ "the lowest metric", 1, "10.0.0.1", {
	    R_DEFAULT("192.168.1.1", 600),
	    R_DEFAULT("10.0.0.1", 100),
	    R_DEFAULT("172.16.0.1", 20000),
	    R_END } },
	{ "the first of equal metrics", 1, "192.168.1.1", {
	    R_DEFAULT("192.168.1.1", 100),
	    R_DEFAULT("10.0.0.1", 100),
	    R_END } },
	{ "no default route", 0, NULL, {
	    R_NET("192.168.1.0", 24, NULL),
	    R_NET("10.0.0.0", 8, "192.168.1.254"),
	    R_END } },
	{ "a default route without a gateway (PPP)", 0, NULL, {
	    R_DEFAULT(NULL, 0),
	    R_END } },
	{ "another table, another type, another family", 1, "192.168.1.1", {
	    { NULL, 0, "10.9.9.9", 0, 100, 0, RTN_UNICAST, AF_INET, NULL },
	    { NULL, 0, "10.9.9.8", 0, 252, 1, RTN_UNICAST, AF_INET, NULL },
	    { NULL, 0, "10.9.9.7", 0, RT_TABLE_MAIN, 0, RTN_BLACKHOLE,
		AF_INET, NULL },
	    { NULL, 0, "10.9.9.6", 0, RT_TABLE_MAIN, 0, RTN_UNICAST,
		AF_INET6, NULL },
	    R_DEFAULT("192.168.1.1", 1000),
	    R_END } },
	{ "the main table named by RTA_TABLE", 1, "10.1.1.1", {
	    { NULL, 0, "10.1.1.1", 0, RT_TABLE_MAIN, 1, RTN_UNICAST, AF_INET,
		NULL },
	    R_END } },
	{ "multipath: the first hop", 1, "10.2.2.2", {
	    { NULL, 0, NULL, 0, RT_TABLE_MAIN, 0, RTN_UNICAST, AF_INET,
		"10.2.2.2" },
	    R_END } },
};

/* Appends one RTM_NEWROUTE message for r. */
static void
add_route(struct nlbuf *b, const struct route *r)
{
	struct rtmsg rt;
	unsigned char bin[4], hop[sizeof(struct rtnexthop) + RTA_LENGTH(4)];
	struct rtnexthop *nh = (struct rtnexthop *)(void *)hop;
	struct rtattr *rta;

	memset(&rt, 0, sizeof(rt));
	rt.rtm_family = (unsigned char)r->family;
	rt.rtm_dst_len = (unsigned char)r->dst_len;
	rt.rtm_table = (unsigned char)(r->table_attr ? RT_TABLE_UNSPEC :
	    r->table);
	rt.rtm_protocol = RTPROT_BOOT;
	rt.rtm_scope = RT_SCOPE_UNIVERSE;
	rt.rtm_type = (unsigned char)r->type;
	nl_begin(b, RTM_NEWROUTE, &rt, sizeof(rt));
	if (r->table_attr)
		nl_attr_u32(b, RTA_TABLE, r->table);
	if (r->dst != NULL) {
		assert_int_equal(inet_pton(AF_INET, r->dst, bin), 1);
		nl_attr(b, RTA_DST, bin, 4);
	}
	if (r->metric != 0)
		nl_attr_u32(b, RTA_PRIORITY, r->metric);
	if (r->gw != NULL) {
		assert_int_equal(inet_pton(AF_INET, r->gw, bin), 1);
		nl_attr(b, RTA_GATEWAY, bin, 4);
	}
	nl_attr_u32(b, RTA_OIF, 2);
	if (r->hop != NULL) {
		memset(hop, 0, sizeof(hop));
		nh->rtnh_len = sizeof(hop);
		nh->rtnh_ifindex = 2;
		rta = RTNH_DATA(nh);
		rta->rta_type = RTA_GATEWAY;
		rta->rta_len = RTA_LENGTH(4);
		assert_int_equal(inet_pton(AF_INET, r->hop, RTA_DATA(rta)), 1);
		nl_attr(b, RTA_MULTIPATH, hop, sizeof(hop));
	}
	nl_end(b);
}

static void
test_gateway_table(void **state)
{
	const struct gateway_case *c;
	const struct route *r;
	struct nlbuf b;
	char out[INET6_ADDRSTRLEN];
	size_t i;
	int rc;

	UNIT_START(state);
	for (i = 0; i < NELEM(gateway_cases); i++) {
		c = &gateway_cases[i];
		memset(&b, 0, sizeof(b));
		for (r = c->routes; r->dst_len != -1; r++)
			add_route(&b, r);
		nl_done(&b);
		rc = natpmp_gateway_parse(b.p, b.len, out);
		CHECK_INT(rc, c->rc, "%s", c->name);
		CHECK_STR(rc == 1 ? out : NULL, c->want, "%s", c->name);
		nl_free(&b);
	}
	UNIT_END();
}

/* A cut or overrunning message is an error, not a gateway. */
static void
test_gateway_malformed(void **state)
{
	static const struct route r = R_DEFAULT("192.168.1.1", 100);
	struct nlmsghdr *h;
	struct nlbuf b;
	char out[INET6_ADDRSTRLEN];
	size_t cut;

	UNIT_START(state);
	memset(&b, 0, sizeof(b));
	add_route(&b, &r);
	for (cut = 1; cut < b.len; cut++)
		CHECK_INT(natpmp_gateway_parse(b.p, cut, out), -1, "cut at %zu",
		    cut);
	h = (struct nlmsghdr *)(void *)b.p;
	h->nlmsg_len = NLMSG_LENGTH(2);
	CHECK_INT(natpmp_gateway_parse(b.p, b.len, out), -1,
	    "shorter than its rtmsg");
	nl_free(&b);
	UNIT_END();
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_answer_table),
		cmocka_unit_test(test_gateway_table),
		cmocka_unit_test(test_gateway_malformed),
	};

	return cmocka_run_group_tests_name("natpmp", tests, unit_quiet, NULL);
}
