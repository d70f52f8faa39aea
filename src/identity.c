/*
 * identity.c
 * Rackspace Identity v2.0: the token, its expiry and the Cloud DNS endpoint.
 * SPDX-License-Identifier: ISC
 *
 * https://docs.rackspace.com/docs/cloud-identity/v2/ (rackspace-api.md A)
 *
 * POST {identity_url}/tokens with the user name and API key returns a token
 * that lasts about a day, the tenant (the account number in Cloud DNS URLs)
 * and a service catalog.  The token is kept in the state file and reused
 * until IDENTITY_MARGIN seconds before it expires, so most runs never ask
 * Identity at all; a 401 from Cloud DNS (a revoked token) makes clouddns.c
 * ask for a fresh one once.  The Cloud DNS base is the catalog entry of
 * type "rax:dns" (name "cloudDNS"), which has one endpoint and no region;
 * the entry of type "dns" is Managed DNS, a different API, and is never
 * used.  The API key and token never reach a log.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "api.h"
#include "http.h"
#include "identity.h"
#include "log.h"

static const char *
string_member(const cJSON *obj, const char *key)
{
	const cJSON *it = cJSON_GetObjectItemCaseSensitive(obj, key);

	return cJSON_IsString(it) && it->valuestring[0] != '\0' ?
	    it->valuestring : NULL;
}

/* The publicURL of the first endpoint of the rax:dns entry, or NULL. */
static const char *
catalog_dns(const cJSON *catalog)
{
	const cJSON *svc, *eps, *chosen = NULL;
	const char *type, *name;

	cJSON_ArrayForEach(svc, catalog) {
		type = string_member(svc, "type");
		name = string_member(svc, "name");
		if (type != NULL && strcmp(type, "rax:dns") == 0) {
			chosen = svc;
			break;
		}
		if (chosen == NULL && type == NULL && name != NULL &&
		    strcmp(name, "cloudDNS") == 0)
			chosen = svc;
	}
	if (chosen == NULL)
		return NULL;
	eps = cJSON_GetObjectItemCaseSensitive(chosen, "endpoints");
	if (!cJSON_IsArray(eps) || eps->child == NULL)
		return NULL;
	return string_member(eps->child, "publicURL");
}

enum status
identity_parse(const char *body, size_t len, struct identity *id,
    const char **why)
{
	const cJSON *access, *token, *catalog;
	const char *s;
	cJSON *root;
	size_t n;

	memset(id, 0, sizeof(*id));
	*why = "not JSON";
	if ((root = cJSON_ParseWithLength(body, len)) == NULL)
		return ST_PROTOCOL;
	access = cJSON_GetObjectItemCaseSensitive(root, "access");
	token = cJSON_GetObjectItemCaseSensitive(access, "token");
	*why = "no access.token.id";
	if ((s = string_member(token, "id")) == NULL)
		goto bad;
	id->token = xstrdup(s);
	*why = "no access.token.expires in ISO 8601";
	if ((s = string_member(token, "expires")) == NULL ||
	    iso8601_parse(s, &id->expires) == -1)
		goto bad;
	*why = "no access.token.tenant.id";
	if ((id->tenant = api_id(cJSON_GetObjectItemCaseSensitive(
	    cJSON_GetObjectItemCaseSensitive(token, "tenant"), "id"))) == NULL)
		goto bad;
	catalog = cJSON_GetObjectItemCaseSensitive(access, "serviceCatalog");
	if ((s = catalog_dns(catalog)) != NULL) {
		*why = "a rax:dns endpoint that is not https://";
		if (!netaddr_url_allowed(s))
			goto bad;
		id->dns_url = xstrdup(s);
		n = strlen(id->dns_url);
		while (n > 0 && id->dns_url[n - 1] == '/')
			id->dns_url[--n] = '\0';
	}
	cJSON_Delete(root);
	*why = NULL;
	return ST_OK;
bad:
	cJSON_Delete(root);
	identity_free(id);
	return ST_PROTOCOL;
}

void
identity_free(struct identity *id)
{
	if (id == NULL)
		return;
	freezero_str(id->token);
	free(id->tenant);
	free(id->dns_url);
	memset(id, 0, sizeof(*id));
}

/*
 * The one place that knows where a token may go: to dns_url when the
 * configuration sets it, else only to the endpoint that came with the
 * token (they are stored, saved and replaced together, in store()).
 */
const char *
identity_dns_url(const struct config *cf, const struct state *st)
{
	return cf->dns_url != NULL ? cf->dns_url : st->dns_url;
}

int
identity_is_valid(const struct config *cf, const struct state *st,
    time_t now)
{
	if (st->token == NULL || st->expires - IDENTITY_MARGIN <= now)
		return 0;
	if (st->username != NULL && !streq(st->username, cf->username))
		return 0;
	return identity_dns_url(cf, st) != NULL;
}

/* The request body; holds the key: caller wipes and frees. */
static char *
auth_body(const struct config *cf)
{
	cJSON *root, *auth, *creds;
	char *text, *copy;

	root = cJSON_CreateObject();
	auth = cJSON_AddObjectToObject(root, "auth");
	creds = cJSON_AddObjectToObject(auth, "RAX-KSKEY:apiKeyCredentials");
	cJSON_AddStringToObject(creds, "username", cf->username);
	cJSON_AddStringToObject(creds, "apiKey", cf->api_key);
	text = cJSON_PrintUnformatted(root);
	/* wipe the key's copy inside the tree before freeing it */
	creds = cJSON_GetObjectItemCaseSensitive(creds, "apiKey");
	if (creds != NULL && creds->valuestring != NULL)
		explicit_bzero(creds->valuestring, strlen(creds->valuestring));
	cJSON_Delete(root);
	xnonnull(text);
	copy = xstrdup(text);
	explicit_bzero(text, strlen(text));
	cJSON_free(text);
	return copy;
}

/* Moves the answer into the state. */
static void
store(const struct config *cf, struct state *st, struct identity *id)
{
	cache_forget_token(st);
	free(st->username);
	free(st->tenant);
	free(st->dns_url);
	st->username = xstrdup(cf->username);
	st->token = id->token;
	st->expires = id->expires;
	st->tenant = id->tenant;
	st->dns_url = id->dns_url;
	memset(id, 0, sizeof(*id));
	log_secret(st->token);
	if (st->dns_url == NULL && cf->dns_url == NULL) {
		st->dns_url = xasprintf("%s%s", IDENTITY_DNS_FALLBACK,
		    st->tenant);
		log_warn("the service catalog has no Cloud DNS (rax:dns) "
		    "entry; using %s (set dns_url to choose)", st->dns_url);
	}
	if (cf->account_id != NULL && !streq(cf->account_id, st->tenant))
		log_warn("account_id %s in %s differs from the account %s "
		    "that Identity returned for %s; using %s", cf->account_id,
		    cf->path, st->tenant, cf->username, st->tenant);
}

enum status
identity_authenticate(const struct config *cf, struct state *st, time_t now)
{
	struct http_request req;
	struct http_response resp;
	struct identity id;
	char *url, *body, msg[512], when[32];
	const char *why;
	enum status st_ret;

	url = xasprintf("%s/tokens", cf->identity_url);
	body = auth_body(cf);
	memset(&req, 0, sizeof(req));
	req.method = "POST";
	req.url = url;
	req.body = body;
	req.max_body = HTTP_API_MAX_BODY;
	log_info("authenticating as %s", cf->username);
	st_ret = api_request(&req, &resp);
	freezero_str(body);
	if (st_ret != ST_OK) {
		log_err("POST %s: %s", url, resp.error);
		goto out;
	}
	if (resp.status == 200 || resp.status == 203) {
		if ((st_ret = identity_parse(resp.body, resp.len, &id,
		    &why)) != ST_OK)
			log_err("POST %s: HTTP %ld with an answer that cannot "
			    "be used: %s", url, resp.status, why);
		else {
			store(cf, st, &id);
			iso8601_format(st->expires, when, sizeof(when));
			log_info("new token for account %s, expires %s",
			    st->tenant, when);
		}
		identity_free(&id);
		goto out;
	}
	api_error_message(&resp, msg, sizeof(msg));
	if (resp.status == 401 || resp.status == 403) {
		log_err("POST %s: HTTP %ld: %s; check username and the API key "
		    "(from %s)", url, resp.status, msg, cf->key_source);
		st_ret = ST_NOPERM;
	} else if ((resp.status == 413 || resp.status == 429) &&
	    api_rate_limit(&resp, now, &st->backoff_until)) {
		iso8601_format(st->backoff_until, when, sizeof(when));
		log_err("POST %s: HTTP %ld: rate limited (%s); not asking "
		    "Rackspace again before %s", url, resp.status, msg, when);
		st_ret = ST_TEMPFAIL;
	} else if (resp.status >= 500) {
		log_err("POST %s: HTTP %ld: %s", url, resp.status, msg);
		st_ret = ST_TEMPFAIL;
	} else {
		log_err("POST %s: HTTP %ld: %s", url, resp.status, msg);
		st_ret = ST_PROTOCOL;
	}
out:
	http_response_free(&resp);
	free(url);
	return st_ret;
}
