/*
 * test_iface.c
 * Unit tests for iface.c: reading RTM_NEWADDR dumps built by hand, the choice.
 * SPDX-License-Identifier: ISC
 */

#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

#include "unit.h"
#include "nlbuild.h"

#include "iface.h"

#define V4	FAM_V4
#define V6	FAM_V6
#define FOREVER	IFACE_FOREVER
#define T	IFA_F_TEMPORARY		/* IFA_F_SECONDARY for IPv4 */
#define P	IFA_F_PERMANENT
#define D	IFA_F_DEPRECATED
#define TENT	IFA_F_TENTATIVE
#define DADF	IFA_F_DADFAILED
#define OPT	IFA_F_OPTIMISTIC
#define NODAD	IFA_F_NODAD
#define MNG	IFA_F_MANAGETEMPADDR
#define STABLE	0x800			/* IFA_F_STABLE_PRIVACY */

/* How one address is sent. */
enum { BOTH, HDR_ONLY, ATTR_ONLY };	/* where the flags go */
enum { CI, NO_CI };			/* IFA_CACHEINFO or none */

struct spec {
	const char	*addr;		/* IFA_ADDRESS; NULL ends the list */
	uint32_t	 flags;
	uint32_t	 preferred;
	int		 ifindex;	/* 0: 2 */
	const char	*local;		/* IFA_LOCAL, or NULL: none */
	int		 how;		/* BOTH, HDR_ONLY, ATTR_ONLY */
	int		 ci;		/* CI, NO_CI */
	uint8_t		 hdr;		/* with ATTR_ONLY: ifa_flags */
};

/* Rows of struct spec, every field given (-Wmissing-field-initializers). */
#define A(a, f, p)		{ a, f, p, 0, NULL, BOTH, CI, 0 }
#define A_ON(a, f, p, i)	{ a, f, p, i, NULL, BOTH, CI, 0 }
#define A_PEER(a, f, p, l)	{ a, f, p, 0, l, BOTH, CI, 0 }
#define A_HDR(a, f, p)		{ a, f, p, 0, NULL, HDR_ONLY, CI, 0 }
#define A_ATTR(a, f, p, h)	{ a, f, p, 0, NULL, ATTR_ONLY, CI, h }
#define A_NOCI(a, f)		{ a, f, 0, 0, NULL, BOTH, NO_CI, 0 }
#define END			{ NULL, 0, 0, 0, NULL, 0, 0, 0 }

struct choice_case {
	const char	*name;
	enum family	 fam;
	int		 ifindex;	/* 0: every interface */
	bool		 allow_nonglobal;
	const char	*want;		/* NULL: none */
	struct spec	 addrs[8];
};

static const struct choice_case choice_cases[] = {
	{ "a permanent address first, before a longer lifetime", V6, 0, false,
	    "2a00:1::9", {
	    A("2a00:1::1", 0, 86400),
	    A("2a00:1::9", P | NODAD, FOREVER),
	    END } },
	{ "then the longest preferred lifetime", V6, 0, false, "2a00:1::2", {
	    A("2a00:1::1", 0, 600),
	    A("2a00:1::2", 0, 3600),
	    A("2a00:1::3", 0, 1800),
	    END } },
	{ "then the lowest address", V6, 0, false, "2a00:1::3", {
	    A("2a00:1::9", P, FOREVER),
	    A("2a00:1:0:1::1", P, FOREVER),
	    A("2a00:1::3", P, FOREVER),
	    END } },
	{ "the lowest as bytes, not as text", V4, 0, false, "81.2.69.9", {
	    A("81.2.69.10", P, FOREVER),
	    A("81.2.69.9", P, FOREVER),
	    END } },
	{ "a temporary address is skipped, however long it lives", V6, 0,
	    false, "2a00:1::ffff", {
	    A("2a00:1::1", T, 90000),
	    A("2a00:1::2", T | P, FOREVER),
	    A("2a00:1::ffff", MNG, 3600),
	    END } },
	{ "temporary in the 8-bit header alone", V6, 0, false, "2a00:1::5", {
	    A_HDR("2a00:1::1", T, 90000),
	    A_HDR("2a00:1::5", 0, 60),
	    END } },
	{ "the IFA_FLAGS attribute wins over the header (deprecated)", V6, 0,
	    false, "2a00:1::5", {
	    A_ATTR("2a00:1::1", D, 3600, 0),
	    A("2a00:1::5", 0, 60),
	    END } },
	{ "the IFA_FLAGS attribute wins over the header (clean)", V6, 0,
	    false, "2a00:1::1", {
	    A_ATTR("2a00:1::1", P, FOREVER, D | T),
	    A("2a00:1::5", 0, 60),
	    END } },
	{ "high flags only in IFA_FLAGS: mngtmpaddr, stable privacy", V6, 0,
	    false, "2a00:1::7", {
	    A("2a00:1::7", MNG | STABLE, 7200),
	    A("2a00:1::8", STABLE, 3600),
	    END } },
	{ "deprecated is skipped", V6, 0, false, "2a00:1::9", {
	    A("2a00:1::1", D | P, FOREVER),
	    A("2a00:1::9", 0, 10),
	    END } },
	{ "tentative is skipped", V6, 0, false, "2a00:1::9", {
	    A("2a00:1::1", TENT | P, FOREVER),
	    A("2a00:1::9", 0, 10),
	    END } },
	{ "optimistic is still tentative", V6, 0, false, "2a00:1::9", {
	    A("2a00:1::1", TENT | OPT | P, FOREVER),
	    A("2a00:1::9", 0, 10),
	    END } },
	{ "failed duplicate detection is skipped", V6, 0, false, "2a00:1::9", {
	    A("2a00:1::1", DADF | TENT | P, FOREVER),
	    A("2a00:1::9", 0, 10),
	    END } },
	{ "no preferred lifetime left is skipped, flag or not", V6, 0, false,
	    "2a00:1::9", {
	    A("2a00:1::1", 0, 0),
	    A("2a00:1::9", 0, 10),
	    END } },
	{ "INFINITY_LIFE_TIME is longer than any number", V6, 0, false,
	    "2a00:1::9", {
	    A("2a00:1::1", 0, 0xfffffffe),
	    A("2a00:1::9", 0, FOREVER),
	    END } },
	{ "no IFA_CACHEINFO: a lifetime without end", V6, 0, false,
	    "2a00:1::9", {
	    A("2a00:1::1", 0, 86400),
	    A_NOCI("2a00:1::9", 0),
	    END } },
	{ "only bad ones: none", V6, 0, false, NULL, {
	    A("2a00:1::1", T, 3600),
	    A("2a00:1::2", D, 0),
	    A("2a00:1::3", TENT, 3600),
	    A("2a00:1::4", DADF | TENT, 3600),
	    END } },
	{ "ULA, link-local, documentation filtered before choosing", V6, 0,
	    false, "2a00:1::9", {
	    A("fd00::1", P, FOREVER),
	    A("fe80::1", P, FOREVER),
	    A("2001:db8::1", P, FOREVER),
	    A("2a00:1::9", 0, 60),
	    END } },
	{ "ULA with allow_nonglobal, permanent first", V6, 0, true,
	    "fd00::1", {
	    A("fd00::1", P, FOREVER),
	    A("2a00:1::9", 0, 60),
	    END } },
	{ "never link-local or loopback, even with allow_nonglobal", V6, 0,
	    true, NULL, {
	    A("fe80::1", P, FOREVER),
	    A_ON("::1", P, FOREVER, 1),
	    A("ff02::1", P, FOREVER),
	    END } },
	{ "only ULA without allow_nonglobal: none", V6, 0, false, NULL, {
	    A("fd12:3456::1", P, FOREVER),
	    END } },
	{ "IPv4: CGNAT and private filtered", V4, 0, false, "81.2.69.160", {
	    A("100.64.1.1", P, FOREVER),
	    A("192.168.1.10", P, FOREVER),
	    A("81.2.69.160", 0, 3600),
	    END } },
	{ "IPv4: CGNAT with allow_nonglobal", V4, 0, true, "100.64.1.1", {
	    A("100.64.1.1", P, FOREVER),
	    A("81.2.69.160", 0, 3600),
	    END } },
	{ "IPv4: never loopback or link-local", V4, 0, true, "10.0.0.1", {
	    A_ON("127.0.0.1", P, FOREVER, 1),
	    A("169.254.1.1", P, FOREVER),
	    A("10.0.0.1", 0, 60),
	    END } },
	{ "IPv4: secondary is the temporary bit, and is kept", V4, 0, false,
	    "81.2.69.161", {
	    A("81.2.69.161", T | P, FOREVER),
	    A("81.2.69.170", P, FOREVER),
	    END } },
	{ "IPv4 point-to-point: IFA_LOCAL is ours, IFA_ADDRESS the peer's",
	    V4, 0, false, "81.2.69.160", {
	    A_PEER("81.2.69.1", P, FOREVER, "81.2.69.160"),
	    END } },
	{ "IPv4 point-to-point: a private local, a global peer: none", V4, 0,
	    false, NULL, {
	    A_PEER("81.2.69.1", P, FOREVER, "10.64.0.2"),
	    END } },
	{ "IPv6 with a peer: IFA_LOCAL too", V6, 0, false, "2a00:1::2", {
	    A_PEER("2a00:1::1", P, FOREVER, "2a00:1::2"),
	    END } },
	{ "one interface: the better address elsewhere is not taken", V6, 2,
	    false, "2a00:2::9", {
	    A_ON("2a00:3::1", P, FOREVER, 3),
	    A_ON("2a00:2::9", 0, 60, 2),
	    END } },
	{ "every interface: the best of all", V6, 0, false, "2a00:3::1", {
	    A_ON("2a00:2::9", 0, 60, 2),
	    A_ON("2a00:3::1", P, FOREVER, 3),
	    A_ON("2a00:4::1", 0, 86400, 4),
	    END } },
	{ "an interface without addresses: none", V6, 5, false, NULL, {
	    A_ON("2a00:2::9", 0, 60, 2),
	    END } },
};

/* Appends one RTM_NEWADDR message for s. */
static void
add_addr(struct nlbuf *b, enum family fam, const struct spec *s)
{
	struct ifaddrmsg ifa;
	struct ifa_cacheinfo ci;
	unsigned char bin[16];
	size_t alen = fam == V4 ? 4 : 16;

	memset(&ifa, 0, sizeof(ifa));
	ifa.ifa_family = fam == V4 ? AF_INET : AF_INET6;
	ifa.ifa_prefixlen = fam == V4 ? 24 : 64;
	ifa.ifa_index = (uint32_t)(s->ifindex != 0 ? s->ifindex : 2);
	ifa.ifa_flags = s->how == ATTR_ONLY ? s->hdr : (uint8_t)s->flags;
	nl_begin(b, RTM_NEWADDR, &ifa, sizeof(ifa));
	assert_int_equal(inet_pton(ifa.ifa_family, s->addr, bin), 1);
	nl_attr(b, IFA_ADDRESS, bin, alen);
	if (s->local != NULL) {
		assert_int_equal(inet_pton(ifa.ifa_family, s->local, bin), 1);
		nl_attr(b, IFA_LOCAL, bin, alen);
	}
	if (s->how != HDR_ONLY)
		nl_attr_u32(b, IFA_FLAGS, s->flags);
	if (s->ci == CI) {
		memset(&ci, 0, sizeof(ci));
		ci.ifa_prefered = s->preferred;
		ci.ifa_valid = s->preferred == FOREVER ? FOREVER :
		    s->preferred + 3600;
		nl_attr(b, IFA_CACHEINFO, &ci, sizeof(ci));
	}
	nl_end(b);
}

/* The dump of a row, with noise: a link message, the other family. */
static void
build(struct nlbuf *b, const struct choice_case *c)
{
	static const struct spec other4 = A("81.2.69.1", P, FOREVER);
	static const struct spec other6 = A("2a00:ffff::1", P, FOREVER);
	static const struct spec late4 = A("1.1.1.1", P, FOREVER);
	static const struct spec late6 = A("2000::1", P, FOREVER);
	struct ifinfomsg ifi;
	size_t i;

	memset(&ifi, 0, sizeof(ifi));
	ifi.ifi_index = 2;
	nl_begin(b, RTM_NEWLINK, &ifi, sizeof(ifi));
	nl_attr(b, IFLA_IFNAME, "eth0", 5);
	nl_end(b);
	add_addr(b, c->fam == V4 ? V6 : V4, c->fam == V4 ? &other6 : &other4);
	for (i = 0; c->addrs[i].addr != NULL; i++)
		add_addr(b, c->fam, &c->addrs[i]);
	nl_done(b);
	/* after NLMSG_DONE: never read */
	add_addr(b, c->fam, c->fam == V4 ? &late4 : &late6);
}

static void
test_choice_table(void **state)
{
	const struct choice_case *c;
	struct iface_addr *addrs;
	struct nlbuf b;
	char got[INET6_ADDRSTRLEN];
	size_t n, i, want_n;
	long best;

	UNIT_START(state);
	for (i = 0; i < NELEM(choice_cases); i++) {
		c = &choice_cases[i];
		memset(&b, 0, sizeof(b));
		build(&b, c);
		for (want_n = 0; c->addrs[want_n].addr != NULL; want_n++)
			continue;
		REQUIRE(iface_parse(b.p, b.len, c->fam, &addrs, &n) == 0,
		    "%s: parse", c->name);
		CHECK_INT(n, want_n, "%s: addresses read", c->name);
		best = iface_choose(addrs, n, c->ifindex, c->allow_nonglobal);
		if (best >= 0)
			netaddr_format(c->fam, addrs[best].addr, got);
		CHECK_STR(best >= 0 ? got : NULL, c->want, "%s", c->name);
		free(addrs);
		nl_free(&b);
	}
	UNIT_END();
}

/* What iface_parse reads of one message, field by field. */
static void
test_parse_fields(void **state)
{
	static const struct spec s = { "81.2.69.1", D | P | 0x400, 1234, 7,
	    "81.2.69.160", BOTH, CI, 0 };
	struct iface_addr *addrs;
	struct nlbuf b;
	size_t n;

	UNIT_START(state);
	memset(&b, 0, sizeof(b));
	add_addr(&b, V4, &s);
	REQUIRE(iface_parse(b.p, b.len, V4, &addrs, &n) == 0 && n == 1,
	    "one IPv4 address");
	CHECK_INT(addrs[0].fam, V4, "fam");
	CHECK_INT(addrs[0].ifindex, 7, "ifindex");
	CHECK_INT(addrs[0].flags, D | P | 0x400, "flags, above 8 bits too");
	CHECK_INT(addrs[0].preferred, 1234, "preferred");
	CHECK(memcmp(addrs[0].addr, "\x51\x02\x45\xa0", 4) == 0,
	    "IFA_LOCAL, not the peer's IFA_ADDRESS");
	free(addrs);
	/* no dump at all, or only NLMSG_DONE: nothing, and no error */
	REQUIRE(iface_parse(b.p, 0, V4, &addrs, &n) == 0 && n == 0 &&
	    addrs == NULL, "empty buffer");
	nl_free(&b);
	nl_done(&b);
	REQUIRE(iface_parse(b.p, b.len, V6, &addrs, &n) == 0 && n == 0,
	    "NLMSG_DONE alone");
	free(addrs);
	nl_free(&b);
	UNIT_END();
}

/* A malformed dump is refused whole; a strange attribute is skipped. */
static void
test_parse_malformed(void **state)
{
	static const struct spec s = A("2a00:1::1", P, FOREVER);
	struct iface_addr *addrs;
	struct nlmsghdr *h;
	struct rtattr *rta;
	struct ifaddrmsg ifa;
	unsigned char four[4] = { 81, 2, 69, 160 };
	struct nlbuf b;
	size_t n, cut;

	UNIT_START(state);
	/* every cut inside a message */
	memset(&b, 0, sizeof(b));
	add_addr(&b, V6, &s);
	for (cut = 1; cut < b.len; cut++) {
		CHECK_INT(iface_parse(b.p, cut, V6, &addrs, &n), -1,
		    "message cut at %zu of %zu", cut, b.len);
		CHECK(addrs == NULL && n == 0, "cut at %zu: nothing kept", cut);
	}
	/* a message shorter than its ifaddrmsg */
	h = (struct nlmsghdr *)(void *)b.p;
	h->nlmsg_len = NLMSG_LENGTH(4);
	CHECK_INT(iface_parse(b.p, b.len, V6, &addrs, &n), -1,
	    "nlmsg_len under the ifaddrmsg");
	/* an attribute longer than what is left of the message */
	h->nlmsg_len = (uint32_t)b.len;
	rta = IFA_RTA(NLMSG_DATA(h));
	rta->rta_len = (unsigned short)(b.len * 2);
	CHECK_INT(iface_parse(b.p, b.len, V6, &addrs, &n), -1,
	    "attribute overruns");
	nl_free(&b);
	/* an IPv4-sized address in an IPv6 message: no address, skipped */
	memset(&ifa, 0, sizeof(ifa));
	ifa.ifa_family = AF_INET6;
	ifa.ifa_index = 2;
	nl_begin(&b, RTM_NEWADDR, &ifa, sizeof(ifa));
	nl_attr(&b, IFA_ADDRESS, four, sizeof(four));
	nl_end(&b);
	add_addr(&b, V6, &s);
	REQUIRE(iface_parse(b.p, b.len, V6, &addrs, &n) == 0,
	    "wrong-length address");
	CHECK_INT(n, 1, "only the good message is read");
	free(addrs);
	nl_free(&b);
	UNIT_END();
}

struct refusal_case {
	enum family	 fam;
	const char	*addr;
	uint32_t	 flags;
	uint32_t	 preferred;
	bool		 allow_nonglobal;
	const char	*why;		/* NULL: usable */
};

static const struct refusal_case refusal_cases[] = {
	{ V6, "2a00:1::1", P, FOREVER, false, NULL },
	{ V6, "2a00:1::1", T, 3600, false, "temporary" },
	{ V6, "2a00:1::1", D, 3600, false, "deprecated" },
	{ V6, "2a00:1::1", TENT, 3600, false, "tentative" },
	{ V6, "2a00:1::1", DADF | TENT, 3600, false,
	    "failed duplicate address detection" },
	{ V6, "2a00:1::1", 0, 0, false, "no preferred lifetime left" },
	{ V6, "fd00::1", P, FOREVER, false, "not globally reachable" },
	{ V6, "fd00::1", P, FOREVER, true, NULL },
	{ V6, "fe80::1", P, FOREVER, true, "link-local" },
	{ V6, "::1", P, FOREVER, true, "loopback" },
	{ V6, "::", P, FOREVER, true, "not unicast" },
	{ V6, "ff02::1", P, FOREVER, true, "not unicast" },
	{ V6, "2002::1", P, FOREVER, false, "not globally reachable" },
	{ V4, "81.2.69.160", T, 3600, false, NULL },	/* secondary */
	{ V4, "81.2.69.160", D, 3600, false, "deprecated" },
	{ V4, "81.2.69.160", 0, 0, false, "no preferred lifetime left" },
	{ V4, "100.64.0.1", P, FOREVER, false, "not globally reachable" },
	{ V4, "100.64.0.1", P, FOREVER, true, NULL },
	{ V4, "127.0.0.1", P, FOREVER, true, "loopback" },
	{ V4, "169.254.0.1", P, FOREVER, true, "link-local" },
	{ V4, "224.0.0.1", P, FOREVER, true, "not unicast" },
	{ V4, "0.0.0.0", P, FOREVER, true, "not unicast" },
};

static void
test_refusal_table(void **state)
{
	const struct refusal_case *c;
	struct iface_addr a;
	size_t i;

	UNIT_START(state);
	for (i = 0; i < NELEM(refusal_cases); i++) {
		c = &refusal_cases[i];
		memset(&a, 0, sizeof(a));
		a.fam = c->fam;
		a.flags = c->flags;
		a.preferred = c->preferred;
		REQUIRE(inet_pton(c->fam == V4 ? AF_INET : AF_INET6, c->addr,
		    a.addr) == 1, "bad row %zu", i);
		CHECK_STR(iface_refusal(&a, c->allow_nonglobal), c->why,
		    "%s flags 0x%x", c->addr, (unsigned int)c->flags);
	}
	UNIT_END();
}

/* The source itself, on this host: a missing interface names itself. */
static void
test_ask_missing(void **state)
{
	char out[INET6_ADDRSTRLEN], why[256];

	UNIT_START(state);
	CHECK_INT(iface_ask("nosuchif0", V6, false, out, why, sizeof(why)),
	    ST_TEMPFAIL, "nosuchif0");
	CHECK_STR(why, "no such interface nosuchif0", "nosuchif0");
	CHECK_STR(out, "", "nosuchif0");
	/* lo holds only loopback addresses: never one to publish */
	CHECK_INT(iface_ask("lo", V4, true, out, why, sizeof(why)),
	    ST_TEMPFAIL, "lo");
	CHECK(strstr(why, "1 loopback") != NULL, "lo: %s", why);
	UNIT_END();
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_choice_table),
		cmocka_unit_test(test_parse_fields),
		cmocka_unit_test(test_parse_malformed),
		cmocka_unit_test(test_refusal_table),
		cmocka_unit_test(test_ask_missing),
	};

	return cmocka_run_group_tests_name("iface", tests, unit_quiet, NULL);
}
