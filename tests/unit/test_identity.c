/*
 * test_identity.c
 * Unit tests for identity.c: the answer to POST /tokens and token reuse.
 * SPDX-License-Identifier: ISC
 */

#include <stdlib.h>
#include <string.h>

#include "unit.h"

#include "cache.h"
#include "config.h"
#include "identity.h"

/*
 * rackspace-api.md A.2, with slashes escaped as "\/" as the real service
 * sends them.
 */
static const char realistic[] =
    "{\"access\":{"
    "\"token\":{"
    "\"id\":\"d74f592f986e4d6e995853ccf01d25fe\","
    "\"expires\":\"2018-03-27T20:55:09.330Z\","
    "\"RAX-AUTH:issued\":\"2018-03-26T20:42:58.330Z\","
    "\"RAX-AUTH:authenticatedBy\":[\"APIKEY\"],"
    "\"tenant\":{\"id\":\"123456\",\"name\":\"123456\"}},"
    "\"serviceCatalog\":["
    "{\"name\":\"cloudFiles\",\"type\":\"object-store\",\"endpoints\":["
    "{\"region\":\"DFW\",\"tenantId\":"
    "\"MossoCloudFS_c7bd7f81-bf86-4957-8d40-c4d7f13affb2\","
    "\"publicURL\":\"https:\\/\\/storage101.dfw1.clouddrive.com\\/v1\\/"
    "MossoCloudFS_c7bd7f81-bf86-4957-8d40-c4d7f13affb2\","
    "\"internalURL\":\"https:\\/\\/snet-storage101.dfw1.clouddrive.com\\/v1"
    "\\/MossoCloudFS_c7bd7f81-bf86-4957-8d40-c4d7f13affb2\"}]},"
    "{\"name\":\"cloudServersOpenStack\",\"type\":\"compute\",\"endpoints\":["
    "{\"region\":\"DFW\",\"tenantId\":\"123456\",\"publicURL\":"
    "\"https:\\/\\/dfw.servers.api.rackspacecloud.com\\/v2\\/123456\","
    "\"versionId\":\"2\",\"versionInfo\":"
    "\"https:\\/\\/dfw.servers.api.rackspacecloud.com\\/v2\","
    "\"versionList\":\"https:\\/\\/dfw.servers.api.rackspacecloud.com\\/\"}]},"
    "{\"name\":\"cloudDNS\",\"type\":\"rax:dns\",\"endpoints\":["
    "{\"tenantId\":\"123456\",\"publicURL\":"
    "\"https:\\/\\/dns.api.rackspacecloud.com\\/v1.0\\/123456\"}]},"
    "{\"name\":\"Cloud Auth Service\",\"type\":\"identity\",\"endpoints\":["
    "{\"region\":\"DFW\",\"tenantId\":\"123456\",\"publicURL\":"
    "\"https:\\/\\/identity.api.rackspacecloud.com\\/v2.0\"}]}],"
    "\"user\":{"
    "\"id\":\"324963\",\"name\":\"jdoe\","
    "\"RAX-AUTH:defaultRegion\":\"DFW\",\"RAX-AUTH:domainId\":\"123456\","
    "\"RAX-AUTH:sessionInactivityTimeout\":\"PT12H\","
    "\"roles\":[{\"id\":\"3\",\"name\":\"identity:user-admin\","
    "\"description\":\"User Admin Role.\"},"
    "{\"id\":\"6\",\"name\":\"compute:default\",\"tenantId\":\"123456\","
    "\"description\":\"A Role that allows a user access to keystone "
    "Service methods\"}]}}}";

#define TOKEN_OK "\"token\":{\"id\":\"tok\"," \
	    "\"expires\":\"2018-03-27T20:55:09.330Z\"," \
	    "\"tenant\":{\"id\":\"123456\",\"name\":\"123456\"}}"
#define MANAGED_DNS "{\"name\":\"managedDNS\",\"type\":\"dns\"," \
	    "\"endpoints\":[{\"tenantId\":\"123456\",\"publicURL\":" \
	    "\"https:\\/\\/global.dns.api.rackspacecloud.com\\/v2\\/123456\"}]}"
#define CLOUD_DNS(url) "{\"name\":\"cloudDNS\",\"type\":\"rax:dns\"," \
	    "\"endpoints\":[{\"tenantId\":\"123456\",\"publicURL\":\"" url \
	    "\"}]}"
#define DNS_URL "https://dns.api.rackspacecloud.com/v1.0/123456"

struct parse_case {
	const char	*why;
	const char	*body;
	enum status	 st;
	const char	*token;
	long long	 expires;
	const char	*tenant;
	const char	*dns_url;
};

static const struct parse_case parse_cases[] = {
	{ "realistic answer (A.2)", realistic, ST_OK,
	    "d74f592f986e4d6e995853ccf01d25fe", 1522184109LL, "123456",
	    DNS_URL },
	{ "Managed DNS decoy first",
	    "{\"access\":{" TOKEN_OK ",\"serviceCatalog\":[" MANAGED_DNS ","
	    CLOUD_DNS("https:\\/\\/dns.api.rackspacecloud.com\\/v1.0\\/123456")
	    "]}}", ST_OK, "tok", 1522184109LL, "123456", DNS_URL },
	{ "Managed DNS decoy after",
	    "{\"access\":{" TOKEN_OK ",\"serviceCatalog\":["
	    CLOUD_DNS("https://lon.dns.api.rackspacecloud.com/v1.0/123456") ","
	    MANAGED_DNS "]}}", ST_OK, "tok", 1522184109LL, "123456",
	    "https://lon.dns.api.rackspacecloud.com/v1.0/123456" },
	{ "only the Managed DNS entry",
	    "{\"access\":{" TOKEN_OK ",\"serviceCatalog\":[" MANAGED_DNS "]}}",
	    ST_OK, "tok", 1522184109LL, "123456", NULL },
	{ "empty catalog",
	    "{\"access\":{" TOKEN_OK ",\"serviceCatalog\":[]}}",
	    ST_OK, "tok", 1522184109LL, "123456", NULL },
	{ "numeric tenant id",
	    "{\"access\":{\"token\":{\"id\":\"tok\",\"expires\":"
	    "\"2018-03-27T20:55:09.330Z\",\"tenant\":{\"id\":123456,"
	    "\"name\":\"123456\"}},\"serviceCatalog\":["
	    CLOUD_DNS("https:\\/\\/dns.api.rackspacecloud.com\\/v1.0\\/123456")
	    "]}}", ST_OK, "tok", 1522184109LL, "123456", DNS_URL },
	{ "expires with -06:00",
	    "{\"access\":{\"token\":{\"id\":\"tok\",\"expires\":"
	    "\"2014-01-09T15:08:53.645-06:00\",\"tenant\":{\"id\":\"123456\"}},"
	    "\"serviceCatalog\":["
	    CLOUD_DNS("https:\\/\\/dns.api.rackspacecloud.com\\/v1.0\\/123456")
	    "]}}", ST_OK, "tok", 1389301733LL, "123456", DNS_URL },
	{ "expires without fractions",
	    "{\"access\":{\"token\":{\"id\":\"tok\",\"expires\":"
	    "\"2026-11-25T20:44:15Z\",\"tenant\":{\"id\":\"123456\"}}}}",
	    ST_OK, "tok", 1795639455LL, "123456", NULL },

	{ "missing token id",
	    "{\"access\":{\"token\":{\"expires\":\"2018-03-27T20:55:09.330Z\","
	    "\"tenant\":{\"id\":\"123456\"}}}}", ST_PROTOCOL, NULL, 0, NULL,
	    NULL },
	{ "missing expires",
	    "{\"access\":{\"token\":{\"id\":\"tok\","
	    "\"tenant\":{\"id\":\"123456\"}}}}", ST_PROTOCOL, NULL, 0, NULL,
	    NULL },
	{ "unparseable expires",
	    "{\"access\":{\"token\":{\"id\":\"tok\",\"expires\":\"tomorrow\","
	    "\"tenant\":{\"id\":\"123456\"}}}}", ST_PROTOCOL, NULL, 0, NULL,
	    NULL },
	{ "expires a number",
	    "{\"access\":{\"token\":{\"id\":\"tok\",\"expires\":1522184109,"
	    "\"tenant\":{\"id\":\"123456\"}}}}", ST_PROTOCOL, NULL, 0, NULL,
	    NULL },
	{ "not JSON", "<html><body>Service Unavailable</body></html>",
	    ST_PROTOCOL, NULL, 0, NULL, NULL },
	{ "empty object", "{}", ST_PROTOCOL, NULL, 0, NULL, NULL },
	{ "empty body", "", ST_PROTOCOL, NULL, 0, NULL, NULL },
	{ "an error body",
	    "{\"unauthorized\":{\"code\":401,\"message\":"
	    "\"Username or api key is invalid.\"}}", ST_PROTOCOL, NULL, 0,
	    NULL, NULL },
};

static void
test_parse_table(void **state)
{
	const struct parse_case *c;
	struct identity id;
	const char *why;
	enum status st;
	size_t i;

	UNIT_START(state);
	for (i = 0; i < NELEM(parse_cases); i++) {
		c = &parse_cases[i];
		why = NULL;
		st = identity_parse(c->body, strlen(c->body), &id, &why);
		CHECK_INT(st, c->st, "identity_parse: %s", c->why);
		if (c->st == ST_OK && st == ST_OK) {
			CHECK_STR(id.token, c->token, "%s: token", c->why);
			CHECK_INT(id.expires, c->expires, "%s: expires",
			    c->why);
			CHECK_STR(id.tenant, c->tenant, "%s: tenant", c->why);
			CHECK_STR(id.dns_url, c->dns_url, "%s: dns_url",
			    c->why);
		}
		if (c->st != ST_OK && st != ST_OK)
			CHECK(why != NULL && why[0] != '\0', "%s: no why",
			    c->why);
		identity_free(&id);
		identity_free(&id);	/* idempotent */
	}
	identity_free(NULL);
	UNIT_END();
}

/* Tokens are opaque and of any length: 100 KiB arrive intact. */
static void
test_parse_huge_token(void **state)
{
	const size_t toklen = 100 * 1024;
	struct identity id;
	const char *why = NULL;
	char *token, *body;
	size_t i;

	UNIT_START(state);
	token = xmalloc(toklen + 1);
	for (i = 0; i < toklen; i++)
		token[i] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
		    "abcdefghijklmnopqrstuvwxyz0123456789-_"[i % 64];
	token[toklen] = '\0';
	body = xasprintf("{\"access\":{\"token\":{\"id\":\"%s\",\"expires\":"
	    "\"2018-03-27T20:55:09.330Z\",\"tenant\":{\"id\":\"123456\"}},"
	    "\"serviceCatalog\":[" CLOUD_DNS("https://dns.api.rackspacecloud"
	    ".com/v1.0/123456") "]}}", token);
	CHECK_INT(identity_parse(body, strlen(body), &id, &why), ST_OK,
	    "100 KiB token");
	CHECK(id.token != NULL && strlen(id.token) == toklen &&
	    strcmp(id.token, token) == 0, "100 KiB token not intact");
	CHECK_STR(id.dns_url, DNS_URL, "100 KiB token: dns_url");
	identity_free(&id);
	free(body);
	free(token);
	UNIT_END();
}

#define NOW	1795639455LL	/* 2026-11-25T20:44:15Z */

struct valid_case {
	const char	*why;
	const char	*token;
	long long	 expires;	/* relative to NOW */
	const char	*st_user;
	const char	*st_dns;
	const char	*cf_user;
	const char	*cf_dns;
	int		 valid;
};

static const struct valid_case valid_cases[] = {
	{ "expires in 301 s", "t", 301, "jdoe", DNS_URL, "jdoe", NULL, 1 },
	{ "expires in a day", "t", 86400, "jdoe", DNS_URL, "jdoe", NULL, 1 },
	{ "expires in 299 s", "t", 299, "jdoe", DNS_URL, "jdoe", NULL, 0 },
	{ "expires in 1 s", "t", 1, "jdoe", DNS_URL, "jdoe", NULL, 0 },
	{ "expired", "t", -3600, "jdoe", DNS_URL, "jdoe", NULL, 0 },
	{ "no token", NULL, 86400, "jdoe", DNS_URL, "jdoe", NULL, 0 },
	{ "another user's token", "t", 86400, "other", DNS_URL, "jdoe", NULL,
	    0 },
	{ "no DNS endpoint anywhere", "t", 86400, "jdoe", NULL, "jdoe", NULL,
	    0 },
	{ "dns_url in the config", "t", 86400, "jdoe", NULL, "jdoe",
	    "https://lon.dns.api.rackspacecloud.com/v1.0/123456", 1 },
	{ "dns_url in the config, expiring", "t", 299, "jdoe", NULL, "jdoe",
	    "https://lon.dns.api.rackspacecloud.com/v1.0/123456", 0 },
	/* the original script's cache has no user and no endpoint */
	{ "original cache with dns_url", "t", 86400, NULL, NULL, "jdoe",
	    "https://lon.dns.api.rackspacecloud.com/v1.0/123456", 1 },
	{ "original cache without dns_url", "t", 86400, NULL, NULL, "jdoe",
	    NULL, 0 },
};

static void
test_is_valid_table(void **state)
{
	const struct valid_case *c;
	struct config cf;
	struct state st;
	size_t i;

	UNIT_START(state);
	for (i = 0; i < NELEM(valid_cases); i++) {
		c = &valid_cases[i];
		memset(&cf, 0, sizeof(cf));
		memset(&st, 0, sizeof(st));
		cf.username = (char *)c->cf_user;
		cf.dns_url = (char *)c->cf_dns;
		st.token = (char *)c->token;
		st.expires = (time_t)(NOW + c->expires);
		st.username = (char *)c->st_user;
		st.dns_url = (char *)c->st_dns;
		CHECK_INT(identity_is_valid(&cf, &st, (time_t)NOW) != 0,
		    c->valid, "identity_is_valid: %s", c->why);
	}
	UNIT_END();
}

static void
test_dns_url(void **state)
{
	struct config cf;
	struct state st;

	UNIT_START(state);
	memset(&cf, 0, sizeof(cf));
	memset(&st, 0, sizeof(st));
	CHECK_STR(identity_dns_url(&cf, &st), NULL, "neither");
	st.dns_url = (char *)DNS_URL;
	CHECK_STR(identity_dns_url(&cf, &st), DNS_URL, "state only");
	cf.dns_url = (char *)"http://127.0.0.1:8080/v1.0/1";
	CHECK_STR(identity_dns_url(&cf, &st), "http://127.0.0.1:8080/v1.0/1",
	    "config wins");
	st.dns_url = NULL;
	CHECK_STR(identity_dns_url(&cf, &st), "http://127.0.0.1:8080/v1.0/1",
	    "config only");
	UNIT_END();
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_table),
		cmocka_unit_test(test_parse_huge_token),
		cmocka_unit_test(test_is_valid_table),
		cmocka_unit_test(test_dns_url),
	};

	return cmocka_run_group_tests_name("identity", tests, unit_quiet,
	    NULL);
}
