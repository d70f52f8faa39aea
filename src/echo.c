/*
 * echo.c
 * The echo source: an HTTPS service that answers with the caller's address.
 * SPDX-License-Identifier: ISC
 *
 * An echo service answers a GET with the caller's address as plain text.
 * The answer is trusted only when it is exactly one address of the family
 * asked for (CONTRACT.md 6): an HTML error page, two addresses or an
 * address of the other family reject the source.  The request goes over
 * the family asked for (CURLOPT_IPRESOLVE), directly (a proxy would be the
 * one the service sees), and over IPv6 from the host's public address
 * rather than a temporary one (IPV6_PREFER_SRC_PUBLIC), so that the
 * service sees the address that is published.  Redirects are never
 * followed.  Whether the address is global is ipdetect.c's to judge.
 */

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "echo.h"
#include "http.h"
#include "log.h"

static int
is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

enum status
echo_parse(const char *body, size_t len, enum family fam, char *out,
    const char **why)
{
	unsigned char bin[16];
	char text[INET6_ADDRSTRLEN + 1];
	size_t start = 0, end = len, n;

	out[0] = '\0';
	if (len > ECHO_MAX_BODY) {
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
	if (netaddr_parse(fam, text, bin) == -1) {
		*why = netaddr_parse(fam == FAM_V4 ? FAM_V6 : FAM_V4, text,
		    bin) == 0 ? "answer is an address of the other family" :
		    "answer is not one address";
		return ST_TEMPFAIL;
	}
	netaddr_format(fam, bin, out);
	return ST_OK;
}

static void
make_request(struct http_request *req, enum family fam, const char *url)
{
	memset(req, 0, sizeof(*req));
	req->method = "GET";
	req->url = url;
	req->family = fam == FAM_V4 ? 4 : 6;
	req->max_body = ECHO_MAX_BODY;
	req->plain = true;
	req->direct = true;
	req->public_src = fam == FAM_V6;
}

/* Judges one answer into *res. */
static void
judge(enum family fam, enum status st, const struct http_response *resp,
    struct echo_result *res)
{
	const char *reason;

	res->addr[0] = '\0';
	res->why[0] = '\0';
	res->st = ST_TEMPFAIL;
	if (st != ST_OK)
		snprintf(res->why, sizeof(res->why), "%s", resp->error);
	else if (resp->status != 200)
		snprintf(res->why, sizeof(res->why), "HTTP %ld",
		    resp->status);
	else if (echo_parse(resp->body, resp->len, fam, res->addr, &reason) !=
	    ST_OK)
		snprintf(res->why, sizeof(res->why), "%s", reason);
	else
		res->st = ST_OK;
}

void
echo_ask_many(const char *const *urls, size_t n, enum family fam,
    struct echo_result *res)
{
	struct http_request *reqs;
	struct http_response *resps;
	enum status *sts;
	size_t i;

	if (n == 0)
		return;
	reqs = xcalloc(n, sizeof(*reqs));
	resps = xcalloc(n, sizeof(*resps));
	sts = xcalloc(n, sizeof(*sts));
	for (i = 0; i < n; i++)
		make_request(&reqs[i], fam, urls[i]);
	if (n == 1)
		sts[0] = http_request(&reqs[0], &resps[0]);
	else
		http_request_many(reqs, resps, sts, n);
	for (i = 0; i < n; i++) {
		judge(fam, sts[i], &resps[i], &res[i]);
		http_response_free(&resps[i]);
	}
	free(reqs);
	free(resps);
	free(sts);
}
