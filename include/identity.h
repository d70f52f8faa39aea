/*
 * identity.h
 * Rackspace Identity v2.0: the token, its expiry and the Cloud DNS endpoint.
 * SPDX-License-Identifier: ISC
 */

#ifndef IDENTITY_H
#define IDENTITY_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "cache.h"
#include "config.h"
#include "ddnsupdate.h"

#define IDENTITY_MARGIN		300	/* renew this long before expiry */
#define IDENTITY_DNS_FALLBACK	"https://dns.api.rackspacecloud.com/v1.0/"

/* What an authentication returns.  Strings are owned; token is secret. */
struct identity {
	char	*token;
	time_t	 expires;
	char	*tenant;
	char	*dns_url;	/* rax:dns endpoint, or NULL when the
				   catalog has none */
};

/*
 * Parses the answer to POST /tokens: access.token.id, .expires (ISO 8601,
 * to UTC), .tenant.id, and the first endpoint of the catalog entry of type
 * "rax:dns" (never the Managed DNS entry of type "dns").  Returns ST_OK, or
 * ST_PROTOCOL with *why set to a static description.  *id must be released
 * with identity_free() in both cases.
 */
enum status	 identity_parse(const char *body, size_t len,
		    struct identity *id, const char **why);

/* Releases and wipes what id holds; NULL-safe, idempotent. */
void		 identity_free(struct identity *id);

/*
 * 1 when st holds a token of cf's user that is good for IDENTITY_MARGIN
 * more seconds at now and a DNS endpoint is known (in st or cf->dns_url).
 */
int		 identity_is_valid(const struct config *cf,
		    const struct state *st, time_t now);

/*
 * Authenticates with the API key and stores the token, expiry, tenant and
 * DNS endpoint in *st (cf->dns_url wins over the catalog; a catalog without
 * rax:dns falls back to IDENTITY_DNS_FALLBACK + tenant with a warning).
 * Returns ST_OK; ST_NOPERM on 401/403; ST_TEMPFAIL on network trouble,
 * 5xx or a rate limit (whose wait is stored in st->backoff_until);
 * ST_PROTOCOL for an answer it cannot use.  Each failure is logged.
 */
enum status	 identity_authenticate(const struct config *cf,
		    struct state *st, time_t now);

/* The Cloud DNS base URL for this run: cf->dns_url, else st's. */
const char	*identity_dns_url(const struct config *cf,
		    const struct state *st);

#endif /* IDENTITY_H */
