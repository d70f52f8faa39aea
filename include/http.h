/*
 * http.h
 * HTTP requests over one reused libcurl handle; the only user of libcurl.
 * SPDX-License-Identifier: ISC
 */

#ifndef HTTP_H
#define HTTP_H

#include <stdbool.h>
#include <stddef.h>

#include "ddnsupdate.h"

#define HTTP_API_MAX_BODY	(4 * 1024 * 1024)

/* What to ask; NULL members are left out. */
struct http_request {
	const char	*method;	/* "GET", "PUT", "POST", "DELETE" */
	const char	*url;		/* https://, or http:// to loopback */
	const char	*body;		/* JSON, sent with its Content-Type;
					   never with GET */
	const char	*token;		/* X-Auth-Token; secret, never logged */
	int		 family;	/* 0 any, 4 or 6: resolve and connect
					   over that IP version only */
	size_t		 max_body;	/* answers longer than this fail */
	bool		 plain;		/* echo service: Accept text/plain */
	bool		 direct;	/* never through a proxy, whatever the
					   environment says (address sources:
					   a proxy would be the one seen) */
	bool		 public_src;	/* IPv6: prefer the host's public,
					   non-temporary source address */
	bool		 fresh;		/* on a new connection, so that libcurl
					   never resends it by itself when a
					   reused one dies (a create) */
};

/* What came back.  Release with http_response_free(). */
struct http_response {
	long		 status;	/* HTTP status; 0 when none arrived */
	char		*body;		/* NUL-terminated, may be empty */
	size_t		 len;
	char		*retry_after;	/* Retry-After header, or NULL */
	char		*reply_after;	/* Reply-After header, or NULL */
	char		 error[256];	/* why no answer arrived */
	bool		 local;		/* the request was never sent (libcurl
					   missing, a URL refused): trying
					   again cannot help */
	double		 seconds;	/* time taken */
};

/*
 * Sets what every request of the run uses: timeout in seconds for each
 * whole request, ca_file (PEM) instead of the system trust store when not
 * NULL.  Loads nothing: libcurl is loaded, and the handle shared by the
 * run's requests made, by the first request.  Returns ST_OK.
 */
enum status	 http_init(long timeout, const char *ca_file);

/*
 * Releases the handle; safe to call when http_init failed or never ran,
 * and when no request loaded libcurl.
 */
void		 http_cleanup(void);

/*
 * Makes one request.  Returns ST_OK when an HTTP answer arrived, whatever
 * its status, with the answer in *resp; ST_TEMPFAIL when none did (network,
 * DNS, TLS, timeout, an answer over max_body, libcurl missing: "cannot load
 * libcurl.so.4 (...): install the libcurl4 package"), with resp->error
 * saying why.
 * TLS peers are always verified; redirects are never followed.  Logs the
 * method, URL, status and time at -v.  *resp must be released with
 * http_response_free() in both cases.
 */
enum status	 http_request(const struct http_request *req,
		    struct http_response *resp);

/*
 * Makes the n requests at once (curl multi) and waits for all of them; the
 * outcome of each is as http_request() would give it, in sts[i] and
 * resps[i] (each released with http_response_free()).
 */
void		 http_request_many(const struct http_request *reqs,
		    struct http_response *resps, enum status *sts, size_t n);

/* Wipes (it may hold a token) and frees the body; NULL-safe. */
void		 http_response_free(struct http_response *resp);

#endif /* HTTP_H */
