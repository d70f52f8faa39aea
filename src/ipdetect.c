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

static void
make_request(struct http_request *req, enum family fam, const char *url)
{
	memset(req, 0, sizeof(*req));
	req->method = "GET";
	req->url = url;
	req->family = fam == FAM_V4 ? 4 : 6;
	req->max_body = IPDETECT_MAX_BODY;
	req->plain = true;
}

/* Judges one source's answer; ST_OK with a global address in out. */
static enum status
judge(const struct config *cf, enum family fam, enum status st,
    const struct http_response *resp, char *out, char *why, size_t whylen)
{
	unsigned char bin[16];
	const char *reason;

	if (st != ST_OK) {
		snprintf(why, whylen, "%s", resp->error);
		return st;
	}
	if (resp->status != 200) {
		snprintf(why, whylen, "HTTP %ld", resp->status);
		return ST_TEMPFAIL;
	}
	if (ipdetect_parse(resp->body, resp->len, fam, out, &reason) != ST_OK) {
		snprintf(why, whylen, "%s", reason);
		return ST_TEMPFAIL;
	}
	inet_pton(fam == FAM_V4 ? AF_INET : AF_INET6, out, bin);
	if (!cf->allow_nonglobal && !ipdetect_is_global(fam, bin)) {
		snprintf(why, whylen, "%s is not globally reachable (set "
		    "allow_nonglobal to accept it)", out);
		return ST_TEMPFAIL;
	}
	return ST_OK;
}

/* The answers gathered so far, and whether a quorum agrees. */
struct tally {
	char	 addr[CONFIG_MAX_SOURCES][INET6_ADDRSTRLEN];
	size_t	 n;
	size_t	 best;		/* the most sources that agree */
	char	 last[400];	/* the last failure, for the message */
};

/* Counts one source's outcome; 1 when quorum sources now agree. */
static int
count(const struct config *cf, enum family fam, struct tally *t,
    const char *url, enum status st, const char *why)
{
	const char *fname = fam == FAM_V4 ? "IPv4" : "IPv6";
	size_t j, votes = 0;

	if (st != ST_OK) {
		log_info("%s source %s rejected: %s", fname, url, why);
		snprintf(t->last, sizeof(t->last), "%s: %s", url, why);
		return 0;
	}
	log_info("%s source %s answered %s", fname, url, t->addr[t->n]);
	for (j = 0; j <= t->n; j++)
		if (strcmp(t->addr[j], t->addr[t->n]) == 0)
			votes++;
	t->n++;
	if (votes > t->best)
		t->best = votes;
	return votes >= (size_t)cf->ip_quorum;
}

enum status
ipdetect_run(const struct config *cf, enum family fam, char *out)
{
	struct http_request reqs[5];
	struct http_response resps[5];
	enum status sts[5];
	struct tally t;
	char why[320];
	size_t i, first = 0;
	int agreed = 0;

	memset(&t, 0, sizeof(t));
	memset(reqs, 0, sizeof(reqs));
	/* a quorum: the first k sources at once, then one at a time */
	if (cf->ip_quorum > 1) {
		first = (size_t)cf->ip_quorum < cf->nsources[fam] ?
		    (size_t)cf->ip_quorum : cf->nsources[fam];
		for (i = 0; i < first; i++)
			make_request(&reqs[i], fam, cf->sources[fam][i]);
		http_request_many(reqs, resps, sts, first);
		for (i = 0; i < first; i++) {
			sts[i] = judge(cf, fam, sts[i], &resps[i],
			    t.addr[t.n], why, sizeof(why));
			if (!agreed)
				agreed = count(cf, fam, &t, reqs[i].url,
				    sts[i], why);
			http_response_free(&resps[i]);
		}
	}
	for (i = first; !agreed && i < cf->nsources[fam]; i++) {
		make_request(&reqs[0], fam, cf->sources[fam][i]);
		sts[0] = http_request(&reqs[0], &resps[0]);
		sts[0] = judge(cf, fam, sts[0], &resps[0], t.addr[t.n], why,
		    sizeof(why));
		http_response_free(&resps[0]);
		agreed = count(cf, fam, &t, reqs[0].url, sts[0], why);
	}
	if (agreed) {
		snprintf(out, INET6_ADDRSTRLEN, "%s", t.addr[t.n - 1]);
		return ST_OK;
	}
	if (t.n == 0)
		log_err("no %s address could be detected: every source failed "
		    "(last %s)", fam == FAM_V4 ? "IPv4" : "IPv6", t.last);
	else
		log_err("the %s sources disagree: no address was given by %d "
		    "of them (at most %zu agreed); nothing is published",
		    fam == FAM_V4 ? "IPv4" : "IPv6", cf->ip_quorum, t.best);
	return ST_TEMPFAIL;
}
