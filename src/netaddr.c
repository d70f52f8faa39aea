/*
 * netaddr.c
 * Addresses and URLs: the two families, text forms, the global check, the URL rule.
 * SPDX-License-Identifier: ISC
 *
 * Whether an address is globally reachable follows the IANA special-purpose
 * registries,
 * https://www.iana.org/assignments/iana-ipv4-special-registry and
 * https://www.iana.org/assignments/iana-ipv6-special-registry: publishing
 * 192.168.1.10 to the world is never what the user meant.  Addresses are
 * compared in binary, never as text, so that two spellings of one IPv6
 * address are one address.  The URL rule is CONTRACT.md 6: https://
 * everywhere, plain http:// only to a loopback host, for tests.
 */

#include <sys/socket.h>

#include <arpa/inet.h>
#include <string.h>
#include <strings.h>

#include "netaddr.h"

const char *
family_rtype(enum family fam)
{
	return fam == FAM_V6 ? "AAAA" : "A";
}

const char *
family_name(enum family fam)
{
	return fam == FAM_V6 ? "IPv6" : "IPv4";
}

int
family_af(enum family fam)
{
	return fam == FAM_V6 ? AF_INET6 : AF_INET;
}

int
netaddr_parse(enum family fam, const char *text, unsigned char *bin)
{
	return inet_pton(family_af(fam), text, bin) == 1 ? 0 : -1;
}

void
netaddr_format(enum family fam, const unsigned char *bin, char *out)
{
	if (inet_ntop(family_af(fam), bin, out, INET6_ADDRSTRLEN) == NULL)
		out[0] = '\0';	/* cannot happen with a valid family */
}

int
netaddr_equal(enum family fam, const char *a, const char *b)
{
	unsigned char ba[16], bb[16];

	if (a == NULL || b == NULL || netaddr_parse(fam, a, ba) == -1 ||
	    netaddr_parse(fam, b, bb) == -1)
		return 0;
	return memcmp(ba, bb, fam == FAM_V6 ? 16 : 4) == 0;
}

struct prefix {
	unsigned char	 addr[16];
	int		 len;		/* bits */
	int		 global;	/* what the registry says */
};

/* Most specific first: the first match decides. */
static const struct prefix v4_table[] = {
	{ { 192, 0, 0, 9 }, 32, 1 },		/* PCP anycast */
	{ { 192, 0, 0, 10 }, 32, 1 },		/* TURN anycast */
	{ { 0, 0, 0, 0 }, 8, 0 },		/* "this network" */
	{ { 10, 0, 0, 0 }, 8, 0 },		/* private */
	{ { 100, 64, 0, 0 }, 10, 0 },		/* shared (CGNAT) */
	{ { 127, 0, 0, 0 }, 8, 0 },		/* loopback */
	{ { 169, 254, 0, 0 }, 16, 0 },		/* link-local */
	{ { 172, 16, 0, 0 }, 12, 0 },		/* private */
	{ { 192, 0, 0, 0 }, 24, 0 },		/* IETF protocol assignments */
	{ { 192, 0, 2, 0 }, 24, 0 },		/* documentation */
	{ { 192, 88, 99, 0 }, 24, 0 },		/* 6to4 relay, deprecated */
	{ { 192, 168, 0, 0 }, 16, 0 },		/* private */
	{ { 198, 18, 0, 0 }, 15, 0 },		/* benchmarking */
	{ { 198, 51, 100, 0 }, 24, 0 },		/* documentation */
	{ { 203, 0, 113, 0 }, 24, 0 },		/* documentation */
	{ { 224, 0, 0, 0 }, 4, 0 },		/* multicast */
	{ { 240, 0, 0, 0 }, 4, 0 },		/* reserved, broadcast */
};

static const struct prefix v6_table[] = {
	{ { 0x20, 0x01, 0x00, 0x01, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1 },
	    128, 1 },				/* PCP anycast */
	{ { 0x20, 0x01, 0x00, 0x01, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2 },
	    128, 1 },				/* TURN anycast */
	{ { 0x20, 0x01, 0x00, 0x01, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 3 },
	    128, 1 },				/* DNS-SD SRP anycast */
	{ { 0x20, 0x01, 0x00, 0x03 }, 32, 1 },	/* AMT */
	{ { 0x20, 0x01, 0x00, 0x04, 0x01, 0x12 }, 48, 1 },	/* AS112 */
	{ { 0x20, 0x01, 0x00, 0x20 }, 28, 1 },	/* ORCHIDv2 */
	{ { 0x20, 0x01, 0x00, 0x30 }, 28, 1 },	/* drone remote ID */
	{ { 0x20, 0x01, 0x0d, 0xb8 }, 32, 0 },	/* documentation */
	{ { 0x20, 0x01 }, 23, 0 },		/* IETF protocol assignments,
						   Teredo, benchmarking */
	{ { 0x20, 0x02 }, 16, 0 },		/* 6to4 */
	{ { 0x3f, 0xff, 0x00 }, 20, 0 },	/* documentation */
	{ { 0x20 }, 3, 1 },			/* global unicast */
	{ { 0 }, 0, 0 },	/* everything else: ::, ::1, mapped, NAT64
				   64:ff9b::/96, discard, ULA fc00::/7,
				   link-local fe80::/10, multicast */
};

static int
matches(const unsigned char *addr, const struct prefix *p)
{
	int full = p->len / 8, rest = p->len % 8;
	unsigned char mask;

	if (memcmp(addr, p->addr, (size_t)full) != 0)
		return 0;
	if (rest == 0)
		return 1;
	mask = (unsigned char)(0xff << (8 - rest));
	return (addr[full] & mask) == (p->addr[full] & mask);
}

int
netaddr_is_global(enum family fam, const unsigned char *addr)
{
	const struct prefix *t = fam == FAM_V4 ? v4_table : v6_table;
	size_t i, n = fam == FAM_V4 ? sizeof(v4_table) / sizeof(v4_table[0]) :
	    sizeof(v6_table) / sizeof(v6_table[0]);

	for (i = 0; i < n; i++)
		if (matches(addr, &t[i]))
			return t[i].global;
	return 1;	/* IPv4 not in the table */
}

static int
host_is_loopback(const char *host)
{
	struct in_addr a4;

	if (strcasecmp(host, "localhost") == 0 || strcmp(host, "::1") == 0)
		return 1;
	if (inet_pton(AF_INET, host, &a4) == 1)
		return (ntohl(a4.s_addr) >> 24) == 127;
	return 0;
}

int
netaddr_url_allowed(const char *url)
{
	char host[256];
	const char *p, *end;
	size_t n;

	if (strncasecmp(url, "https://", 8) == 0)
		p = url + 8;
	else if (strncasecmp(url, "http://", 7) == 0)
		p = url + 7;
	else
		return 0;
	end = p + strcspn(p, "/?#");
	if (memchr(p, '@', (size_t)(end - p)) != NULL)
		return 0;	/* user info in a URL: no */
	if (*p == '[') {
		p++;
		if ((end = strchr(p, ']')) == NULL)
			return 0;
	} else
		end = p + strcspn(p, ":/?#");
	if ((n = (size_t)(end - p)) == 0 || n >= sizeof(host))
		return 0;
	if (url[4] == 's' || url[4] == 'S')
		return 1;
	memcpy(host, p, n);
	host[n] = '\0';
	return host_is_loopback(host);
}
