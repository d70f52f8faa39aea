/*
 * ipdetect.c
 * The host's public address: echo sources, strict parsing, the global check.
 * SPDX-License-Identifier: ISC
 *
 * An echo service answers a GET with the caller's address as plain text.
 * The answer is trusted only when it is exactly one address of the family
 * asked for (CONTRACT.md 6): an HTML error page, two addresses or an
 * address of the other family reject the source, and the next one is
 * tried.  The request goes over the family asked for (CURLOPT_IPRESOLVE),
 * so that the service sees the address being published.  An address that
 * the IANA special-purpose registries do not mark globally reachable is
 * refused unless allow_nonglobal: publishing 192.168.1.10 to the world is
 * never what the user meant.  The tables below follow
 * https://www.iana.org/assignments/iana-ipv4-special-registry and
 * https://www.iana.org/assignments/iana-ipv6-special-registry.
 */

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "http.h"
#include "ipdetect.h"
#include "log.h"

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
ipdetect_is_global(enum family fam, const unsigned char *addr)
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
is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

enum status
ipdetect_parse(const char *body, size_t len, enum family fam, char *out,
    const char **why)
{
	unsigned char bin[16];
	char text[INET6_ADDRSTRLEN + 1];
	size_t start = 0, end = len, n;
	int af = fam == FAM_V4 ? AF_INET : AF_INET6;
	int other = fam == FAM_V4 ? AF_INET6 : AF_INET;

	out[0] = '\0';
	if (len > IPDETECT_MAX_BODY) {
		*why = "answer longer than 1 KiB";
		return ST_TEMPFAIL;
	}
	while (start < end && is_space(body[start]))
		start++;
	while (end > start && is_space(body[end - 1]))
		end--;
	if ((n = end - start) == 0) {
		*why = "empty answer";
		return ST_TEMPFAIL;
	}
	if (n >= sizeof(text) || memchr(body + start, '\0', n) != NULL) {
		*why = "answer is not one address";
		return ST_TEMPFAIL;
	}
	memcpy(text, body + start, n);
	text[n] = '\0';
	if (inet_pton(af, text, bin) != 1) {
		*why = inet_pton(other, text, bin) == 1 ?
		    "answer is an address of the other family" :
		    "answer is not one address";
		return ST_TEMPFAIL;
	}
	if (inet_ntop(af, bin, out, INET6_ADDRSTRLEN) == NULL) {
		*why = "answer is not one address";
		return ST_TEMPFAIL;
	}
	return ST_OK;
}

enum status
ipdetect_check(const char *text, enum family fam, bool allow_nonglobal,
    char *out, const char **why)
{
	unsigned char bin[16];

	if (ipdetect_parse(text, strlen(text), fam, out, why) != ST_OK) {
		*why = fam == FAM_V4 ? "not an IPv4 address" :
		    "not an IPv6 address";
		return ST_USAGE;
	}
	inet_pton(fam == FAM_V4 ? AF_INET : AF_INET6, out, bin);
	if (!allow_nonglobal && !ipdetect_is_global(fam, bin)) {
		*why = "not globally reachable (set allow_nonglobal to "
		    "publish it)";
		return ST_USAGE;
	}
	return ST_OK;
}

/* Asks one source; ST_OK with a global address in out, else why. */
static enum status
ask(const struct config *cf, enum family fam, const char *url, char *out,
    char *why, size_t whylen)
{
	struct http_request req;
	struct http_response resp;
	unsigned char bin[16];
	const char *reason;
	enum status st;

	memset(&req, 0, sizeof(req));
	req.method = "GET";
	req.url = url;
	req.family = fam == FAM_V4 ? 4 : 6;
	req.max_body = IPDETECT_MAX_BODY;
	req.plain = true;
	if ((st = http_request(&req, &resp)) != ST_OK)
		snprintf(why, whylen, "%s", resp.error);
	else if (resp.status != 200) {
		snprintf(why, whylen, "HTTP %ld", resp.status);
		st = ST_TEMPFAIL;
	} else if ((st = ipdetect_parse(resp.body, resp.len, fam, out,
	    &reason)) != ST_OK)
		snprintf(why, whylen, "%s", reason);
	else {
		inet_pton(fam == FAM_V4 ? AF_INET : AF_INET6, out, bin);
		if (!cf->allow_nonglobal && !ipdetect_is_global(fam, bin)) {
			snprintf(why, whylen, "%s is not globally reachable "
			    "(set allow_nonglobal to accept it)", out);
			st = ST_TEMPFAIL;
		}
	}
	http_response_free(&resp);
	return st;
}

enum status
ipdetect_run(const struct config *cf, enum family fam, char *out)
{
	char answers[CONFIG_MAX_SOURCES][INET6_ADDRSTRLEN];
	char why[320], last[400] = "";
	size_t i, j, nanswers = 0, votes, best = 0;
	const char *url;

	for (i = 0; i < cf->nsources[fam]; i++) {
		url = cf->sources[fam][i];
		if (ask(cf, fam, url, answers[nanswers], why, sizeof(why)) !=
		    ST_OK) {
			log_info("%s source %s rejected: %s",
			    fam == FAM_V4 ? "IPv4" : "IPv6", url, why);
			snprintf(last, sizeof(last), "%s: %s", url, why);
			continue;
		}
		log_info("%s source %s answered %s",
		    fam == FAM_V4 ? "IPv4" : "IPv6", url, answers[nanswers]);
		votes = 0;
		for (j = 0; j <= nanswers; j++)
			if (strcmp(answers[j], answers[nanswers]) == 0)
				votes++;
		if (votes > best)
			best = votes;
		if (votes >= (size_t)cf->ip_quorum) {
			snprintf(out, INET6_ADDRSTRLEN, "%s", answers[nanswers]);
			return ST_OK;
		}
		nanswers++;
	}
	if (nanswers == 0)
		log_err("no %s address could be detected: every source failed "
		    "(last %s)", fam == FAM_V4 ? "IPv4" : "IPv6", last);
	else
		log_err("the %s sources disagree: no address was given by %d "
		    "of them (at most %zu agreed); nothing is published",
		    fam == FAM_V4 ? "IPv4" : "IPv6", cf->ip_quorum, best);
	return ST_TEMPFAIL;
}
