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
	if (!allow_nonglobal && !netaddr_is_global(fam, bin)) {
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
	req->direct = true;
	req->public_src = fam == FAM_V6;
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
	if (!cf->allow_nonglobal && !netaddr_is_global(fam, bin)) {
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
		if (netaddr_equal(fam, t->addr[j], t->addr[t->n]))
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
