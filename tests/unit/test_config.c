/*
 * test_config.c
 * Unit tests for config.c: both forms, strict validation, the key's sources.
 * SPDX-License-Identifier: ISC
 */

#include <sys/stat.h>

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "unit.h"

#include "config.h"

/* The default of CONTRACT.md 4, spelt out rather than taken from config.h. */
#define DEFAULT_IDENTITY_URL "https://identity.api.rackspacecloud.com/v2.0"

#define USER	"\"username\":\"jdoe\","
#define REC1	"\"records\":[{\"name\":\"home.example.com\"}]"

/* config_parse with its error lines silenced. */
static enum status
parse(const char *json, struct config *cf)
{
	enum status st;
	int saved;

	saved = stderr_off();
	st = config_parse(json, strlen(json), "test.json", cf);
	stderr_on(saved);
	return st;
}

/* The full form of CONTRACT.md 4, word for word. */
static const char contract_example[] =
    "{\n"
    "  \"username\": \"jdoe\",\n"
    "  \"api_key_file\": \"/etc/ddnsupdate/api_key\",\n"
    "  \"records\": [\n"
    "    { \"name\": \"home.example.com\", \"type\": \"A\", \"ttl\": 300 },\n"
    "    { \"name\": \"home.example.com\", \"type\": \"AAAA\", \"ttl\": 300 }\n"
    "  ]\n"
    "}\n";

static void
check_default_sources(const struct config *cf, const char *row)
{
	size_t i;
	int fam;

	for (fam = 0; fam < FAM_COUNT; fam++) {
		CHECK(cf->nsources[fam] >= 2, "%s: family %d has %zu default "
		    "sources", row, fam, cf->nsources[fam]);
		for (i = 0; i < cf->nsources[fam]; i++)
			CHECK(cf->sources[fam][i].kind == SOURCE_ECHO &&
			    strncmp(cf->sources[fam][i].text, "https://", 8) ==
			    0, "%s: default source %s", row,
			    cf->sources[fam][i].text);
	}
}

static void
test_full_form_example(void **state)
{
	struct config cf;
	const struct record_conf *rc;
	size_t i;

	UNIT_START(state);
	REQUIRE(parse(contract_example, &cf) == ST_OK, "contract example");
	CHECK_STR(cf.username, "jdoe", "username");
	CHECK_STR(cf.api_key, NULL, "api_key");
	CHECK_STR(cf.api_key_file, "/etc/ddnsupdate/api_key", "api_key_file");
	REQUIRE(cf.nrecords == 2, "nrecords %zu", cf.nrecords);
	for (i = 0; i < 2; i++) {
		rc = &cf.records[i];
		CHECK_STR(rc->name, "home.example.com", "records[%zu].name", i);
		CHECK_INT(rc->ttl, 300, "records[%zu].ttl", i);
		CHECK_STR(rc->domain, NULL, "records[%zu].domain", i);
		CHECK_STR(rc->domain_id, NULL, "records[%zu].domain_id", i);
		CHECK_STR(rc->record_id, NULL, "records[%zu].record_id", i);
		CHECK_STR(rc->comment, NULL, "records[%zu].comment", i);
	}
	CHECK_INT(cf.records[0].family, FAM_V4, "records[0].type");
	CHECK_INT(cf.records[1].family, FAM_V6, "records[1].type");
	CHECK_INT(cf.ip_quorum, 1, "ip_quorum default");
	CHECK_INT(cf.allow_nonglobal, false, "allow_nonglobal default");
	CHECK_INT(cf.create_missing, false, "create_missing default");
	CHECK_INT(cf.timeout, 10, "timeout default");
	CHECK_INT(cf.job_timeout, 60, "job_timeout default");
	CHECK_INT(cf.verify_interval, 86400, "verify_interval default");
	CHECK_STR(cf.identity_url, DEFAULT_IDENTITY_URL,
	    "identity_url default");
	CHECK_STR(cf.dns_url, NULL, "dns_url default");
	CHECK_STR(cf.ca_file, NULL, "ca_file default");
	CHECK_STR(cf.cache_file, NULL, "cache_file default");
	CHECK_STR(cf.account_id, NULL, "account_id");
	CHECK_INT(cf.original_form, false, "original_form");
	check_default_sources(&cf, "contract example");
	config_free(&cf);
	config_free(&cf);	/* idempotent */
	UNIT_END();
}

/* A record with only its name: type A, ttl 300. */
static void
test_record_defaults(void **state)
{
	struct config cf;

	UNIT_START(state);
	REQUIRE(parse("{" USER REC1 "}", &cf) == ST_OK, "minimal record");
	REQUIRE(cf.nrecords == 1, "nrecords %zu", cf.nrecords);
	CHECK_INT(cf.records[0].family, FAM_V4, "type default");
	CHECK_INT(cf.records[0].ttl, 300, "ttl default");
	check_default_sources(&cf, "minimal record");
	config_free(&cf);
	UNIT_END();
}

/* Every key of the full form given, and kept. */
static void
test_every_key(void **state)
{
	static const char json[] = "{"
	    "\"username\":\"jdoe\","
	    "\"api_key\":\"secret\","
	    "\"api_key_file\":\"/k\","
	    "\"ip_sources\":{\"ipv4\":[\"https://a.example/ip\","
	    "\"http://127.0.0.1:8080/ip\"],\"ipv6\":[\"https://b.example/\","
	    "\"https://c.example/\",\"http://[::1]:8080/\"]},"
	    "\"ip_quorum\":2,"
	    "\"allow_nonglobal\":true,"
	    "\"identity_url\":\"https://identity.example.com/v2.0/\","
	    "\"dns_url\":"
	    "\"https://lon.dns.api.rackspacecloud.com/v1.0/123456\","
	    "\"ca_file\":\"/etc/ssl/ca.pem\","
	    "\"timeout\":30,"
	    "\"job_timeout\":120,"
	    "\"verify_interval\":0,"
	    "\"create_missing\":true,"
	    "\"cache_file\":\"/var/tmp/c.json\","
	    "\"records\":[{\"name\":\"home.example.com\",\"type\":\"AAAA\","
	    "\"ttl\":3600,\"domain\":\"example.com\",\"domain_id\":6156121,"
	    "\"record_id\":\"AAAA-1\",\"comment\":\"kept by ddnsupdate\"}]}";
	struct config cf;
	const struct record_conf *rc;

	UNIT_START(state);
	REQUIRE(parse(json, &cf) == ST_OK, "every key");
	CHECK_STR(cf.api_key, "secret", "api_key");
	CHECK_STR(cf.api_key_file, "/k", "api_key_file");
	REQUIRE(cf.nsources[FAM_V4] == 2 && cf.nsources[FAM_V6] == 3,
	    "nsources %zu %zu", cf.nsources[FAM_V4], cf.nsources[FAM_V6]);
	CHECK_STR(cf.sources[FAM_V4][0].text, "https://a.example/ip",
	    "ipv4[0]");
	CHECK_STR(cf.sources[FAM_V4][1].arg, "http://127.0.0.1:8080/ip",
	    "ipv4[1]");
	CHECK_STR(cf.sources[FAM_V6][2].text, "http://[::1]:8080/",
	    "ipv6[2]");
	CHECK_INT(cf.ip_quorum, 2, "ip_quorum");
	CHECK_INT(cf.allow_nonglobal, true, "allow_nonglobal");
	CHECK_STR(cf.identity_url, "https://identity.example.com/v2.0",
	    "identity_url (no trailing slash)");
	CHECK_STR(cf.dns_url,
	    "https://lon.dns.api.rackspacecloud.com/v1.0/123456", "dns_url");
	CHECK_STR(cf.ca_file, "/etc/ssl/ca.pem", "ca_file");
	CHECK_INT(cf.timeout, 30, "timeout");
	CHECK_INT(cf.job_timeout, 120, "job_timeout");
	CHECK_INT(cf.verify_interval, 0, "verify_interval");
	CHECK_INT(cf.create_missing, true, "create_missing");
	CHECK_STR(cf.cache_file, "/var/tmp/c.json", "cache_file");
	REQUIRE(cf.nrecords == 1, "nrecords %zu", cf.nrecords);
	rc = &cf.records[0];
	CHECK_STR(rc->name, "home.example.com", "name");
	CHECK_INT(rc->family, FAM_V6, "type");
	CHECK_INT(rc->ttl, 3600, "ttl");
	CHECK_STR(rc->domain, "example.com", "domain");
	CHECK_STR(rc->domain_id, "6156121", "domain_id (number -> string)");
	CHECK_STR(rc->record_id, "AAAA-1", "record_id");
	CHECK_STR(rc->comment, "kept by ddnsupdate", "comment");
	CHECK_INT(cf.original_form, false, "original_form");
	config_free(&cf);
	UNIT_END();
}

struct name_case {
	const char	*json_name;
	const char	*name;
};

static const struct name_case name_cases[] = {
	{ "home.example.com", "home.example.com" },
	{ "home.example.com.", "home.example.com" },
	{ "Home.Example.COM", "home.example.com" },
	{ "HOME.EXAMPLE.COM.", "home.example.com" },
	{ "_dyn.Example.org", "_dyn.example.org" },
};

static void
test_name_normalised(void **state)
{
	struct config cf;
	char json[256];
	size_t i;

	UNIT_START(state);
	for (i = 0; i < NELEM(name_cases); i++) {
		snprintf(json, sizeof(json), "{" USER "\"records\":[{\"name\":"
		    "\"%s\",\"domain\":\"EXAMPLE.%s.\"}]}",
		    name_cases[i].json_name,
		    strstr(name_cases[i].name, ".org") ? "org" : "com");
		if (parse(json, &cf) != ST_OK) {
			CHECK(0, "name \"%s\" refused",
			    name_cases[i].json_name);
			config_free(&cf);
			continue;
		}
		CHECK_STR(cf.records[0].name, name_cases[i].name, "name \"%s\"",
		    name_cases[i].json_name);
		CHECK_STR(cf.records[0].domain,
		    strstr(name_cases[i].name, ".org") ? "example.org" :
		    "example.com", "domain of \"%s\"", name_cases[i].json_name);
		config_free(&cf);
	}
	UNIT_END();
}

/*
 * why names the row; says is what the error lines must mention (the key,
 * CONTRACT.md 4), NULL when there is no key to name.
 */
struct parse_case {
	const char	*why;
	const char	*json;
	enum status	 st;
	const char	*says;
};

#define LABEL63 "abcdefghij" "abcdefghij" "abcdefghij" "abcdefghij" \
	    "abcdefghij" "abcdefghij" "abc"
#define C160 "0123456789" "0123456789" "0123456789" "0123456789" \
	    "0123456789" "0123456789" "0123456789" "0123456789" \
	    "0123456789" "0123456789" "0123456789" "0123456789" \
	    "0123456789" "0123456789" "0123456789" "0123456789"
#define L49 "abcdefghij" "abcdefghij" "abcdefghij" "abcdefghij" \
	    "abcdefghi"
/* four labels of 50, a dot each, and one of 49: 253 characters */
#define NAME253 L49 "x." L49 "x." L49 "x." L49 "x." L49
/* the same with a last label of 50: 254 characters, no label too long */
#define NAME254 L49 "x." L49 "x." L49 "x." L49 "x." L49 "x"
#define RECNAME(n) "{" USER "\"records\":[{\"name\":\"" n "\"}]}"
#define RECKEY(kv) "{" USER "\"records\":[{\"name\":\"home.example.com\"," \
	    kv "}]}"
#define TOPKEY(kv) "{" USER REC1 "," kv "}"

static const struct parse_case parse_cases[] = {
	/* failures: each is exit 78 */
	{ "unknown top-level key", TOPKEY("\"bogus\":1"), ST_CONFIG,
	    "bogus" },
	{ "unknown top-level key, case", TOPKEY("\"Username\":\"x\""),
	    ST_CONFIG, "Username" },
	{ "unknown record key", RECKEY("\"bogus\":1"), ST_CONFIG, "bogus" },
	{ "top-level key twice", "{" USER USER REC1 "}", ST_CONFIG,
	    "username" },
	{ "record key twice", RECKEY("\"ttl\":300,\"ttl\":600"), ST_CONFIG,
	    "ttl" },
	{ "ttl as a string", RECKEY("\"ttl\":\"300\""), ST_CONFIG, "ttl" },
	{ "ttl 299", RECKEY("\"ttl\":299"), ST_CONFIG, "ttl" },
	{ "ttl -1", RECKEY("\"ttl\":-1"), ST_CONFIG, "ttl" },
	{ "ttl 300.5", RECKEY("\"ttl\":300.5"), ST_CONFIG, "ttl" },
	{ "allow_nonglobal 1", TOPKEY("\"allow_nonglobal\":1"), ST_CONFIG,
	    "allow_nonglobal" },
	{ "create_missing \"true\"", TOPKEY("\"create_missing\":\"true\""),
	    ST_CONFIG, "create_missing" },
	{ "records not a list",
	    "{" USER "\"records\":{\"name\":\"home.example.com\"}}",
	    ST_CONFIG, "records" },
	{ "record not an object",
	    "{" USER "\"records\":[\"home.example.com\"]}", ST_CONFIG,
	    "records" },
	{ "username a number", "{\"username\":5," REC1 "}", ST_CONFIG,
	    "username" },
	{ "ip_quorum 0", TOPKEY("\"ip_quorum\":0"), ST_CONFIG, "ip_quorum" },
	{ "ip_quorum 6", TOPKEY("\"ip_quorum\":6"), ST_CONFIG, "ip_quorum" },
	{ "ip_quorum \"1\"", TOPKEY("\"ip_quorum\":\"1\""), ST_CONFIG,
	    "ip_quorum" },
	{ "timeout 0", TOPKEY("\"timeout\":0"), ST_CONFIG, "timeout" },
	{ "timeout 301", TOPKEY("\"timeout\":301"), ST_CONFIG, "timeout" },
	{ "timeout 1.5", TOPKEY("\"timeout\":1.5"), ST_CONFIG, "timeout" },
	{ "job_timeout 0", TOPKEY("\"job_timeout\":0"), ST_CONFIG,
	    "job_timeout" },
	{ "job_timeout 601", TOPKEY("\"job_timeout\":601"), ST_CONFIG,
	    "job_timeout" },
	{ "verify_interval -1", TOPKEY("\"verify_interval\":-1"), ST_CONFIG,
	    "verify_interval" },
	{ "verify_interval \"86400\"", TOPKEY("\"verify_interval\":\"86400\""),
	    ST_CONFIG, "verify_interval" },
	{ "name -bad.example.com", RECNAME("-bad.example.com"), ST_CONFIG,
	    "name" },
	{ "name bad-.example.com", RECNAME("bad-.example.com"), ST_CONFIG,
	    "name" },
	{ "name a..b", RECNAME("a..b"), ST_CONFIG, "name" },
	{ "name .example.com", RECNAME(".example.com"), ST_CONFIG, "name" },
	{ "name single label", RECNAME("localhost"), ST_CONFIG, "name" },
	{ "name with a space", RECNAME("ho me.example.com"), ST_CONFIG,
	    "name" },
	{ "name 64-char label", RECNAME(LABEL63 "x.example.com"), ST_CONFIG,
	    "name" },
	{ "name of 254 chars", RECNAME(NAME254), ST_CONFIG, "name" },
	{ "name empty", RECNAME(""), ST_CONFIG, "name" },
	{ "name missing", "{" USER "\"records\":[{\"type\":\"A\"}]}",
	    ST_CONFIG, "name" },
	{ "type CNAME", RECKEY("\"type\":\"CNAME\""), ST_CONFIG, "type" },
	{ "type MX", RECKEY("\"type\":\"MX\""), ST_CONFIG, "type" },
	{ "duplicate record",
	    "{" USER "\"records\":[{\"name\":\"home.example.com\"},"
	    "{\"name\":\"home.example.com\",\"type\":\"A\"}]}", ST_CONFIG,
	    "records" },
	{ "duplicate record by case",
	    "{" USER "\"records\":[{\"name\":\"home.example.com\","
	    "\"type\":\"AAAA\"},{\"name\":\"HOME.Example.com\","
	    "\"type\":\"AAAA\"}]}", ST_CONFIG, "records" },
	{ "duplicate record by trailing dot",
	    "{" USER "\"records\":[{\"name\":\"home.example.com\"},"
	    "{\"name\":\"home.example.com.\"}]}", ST_CONFIG, "records" },
	{ "comment of 161 chars", RECKEY("\"comment\":\"" C160 "x\""),
	    ST_CONFIG, "comment" },
	{ "identity_url http://",
	    TOPKEY("\"identity_url\":\"http://identity.example.com/v2.0\""),
	    ST_CONFIG, "identity_url" },
	{ "identity_url ftp://",
	    TOPKEY("\"identity_url\":\"ftp://identity.example.com/\""),
	    ST_CONFIG, "identity_url" },
	{ "dns_url http://",
	    TOPKEY("\"dns_url\":\"http://dns.api.rackspacecloud.com/v1.0/1\""),
	    ST_CONFIG, "dns_url" },
	{ "ip_sources.ipv4 http://",
	    TOPKEY("\"ip_sources\":{\"ipv4\":[\"http://api.ipify.org\"]}"),
	    ST_CONFIG, "ip_sources" },
	{ "ip_sources.ipv6 http:// after a good one",
	    TOPKEY("\"ip_sources\":{\"ipv6\":[\"https://api6.ipify.org\","
	    "\"http://v6.ident.me\"]}"), ST_CONFIG, "ip_sources" },
	{ "ip_sources.ipv6 natpmp:",
	    TOPKEY("\"ip_sources\":{\"ipv6\":[\"iface:*\",\"natpmp:\"]}"),
	    ST_CONFIG, "ip_sources.ipv6[1]: \"natpmp:\" is IPv4 only" },
	{ "ip_sources.ipv4 natpmp: with an IPv6 router",
	    TOPKEY("\"ip_sources\":{\"ipv4\":[\"natpmp:fe80::1\"]}"),
	    ST_CONFIG, "ip_sources.ipv4[0]: \"natpmp:fe80::1\" names no IPv4" },
	{ "ip_sources.ipv4 interface name of 16 characters",
	    TOPKEY("\"ip_sources\":{\"ipv4\":[\"iface:abcdefghijklmnop\"]}"),
	    ST_CONFIG, "ip_sources.ipv4[0]: \"iface:abcdefghijklmnop\" names "
	    "an interface longer than 15" },
	{ "ip_sources.ipv4 iface: alone",
	    TOPKEY("\"ip_sources\":{\"ipv4\":[\"iface:\"]}"), ST_CONFIG,
	    "ip_sources.ipv4[0]: \"iface:\" names no interface" },
	{ "ip_sources.ipv4 unknown kind",
	    TOPKEY("\"ip_sources\":{\"ipv4\":[\"upnp:\"]}"), ST_CONFIG,
	    "ip_sources.ipv4[0]: \"upnp:\" is not a source" },
	{ "ip_sources.ipv4 not a string",
	    TOPKEY("\"ip_sources\":{\"ipv4\":[5]}"), ST_CONFIG,
	    "ip_sources.ipv4[0]: must be a string" },
	{ "ip_sources.ipv4 http:// to a remote host names the index",
	    TOPKEY("\"ip_sources\":{\"ipv4\":[\"iface:*\","
	    "\"http://api.ipify.org\"]}"), ST_CONFIG,
	    "ip_sources.ipv4[1]: \"http://api.ipify.org\" must be an https://" },
	{ "ip_sources not an object",
	    TOPKEY("\"ip_sources\":[\"https://api.ipify.org\"]"), ST_CONFIG,
	    "ip_sources" },
	{ "ip_sources unknown family",
	    TOPKEY("\"ip_sources\":{\"ipv5\":[\"https://api.ipify.org\"]}"),
	    ST_CONFIG, "ipv5" },
	{ "ip_sources.ipv4 not a list",
	    TOPKEY("\"ip_sources\":{\"ipv4\":\"https://api.ipify.org\"}"),
	    ST_CONFIG, "ip_sources" },
	{ "domain not a parent",
	    RECKEY("\"domain\":\"example.org\""), ST_CONFIG, "domain" },
	{ "domain a suffix but not a parent",
	    RECKEY("\"domain\":\"ample.com\""), ST_CONFIG, "domain" },
	{ "domain a child", RECKEY("\"domain\":\"x.home.example.com\""),
	    ST_CONFIG, "domain" },
	{ "missing username", "{" REC1 "}", ST_CONFIG, "username" },
	{ "missing records (full form)",
	    "{" USER "\"api_key_file\":\"/etc/ddnsupdate/api_key\"}",
	    ST_CONFIG, "records" },
	{ "records and domain_id mixed", TOPKEY("\"domain_id\":\"123456789\""),
	    ST_CONFIG, "domain_id" },
	{ "records and record_id mixed", TOPKEY("\"record_id\":\"A-1\""),
	    ST_CONFIG, "record_id" },
	{ "records and account_id mixed", TOPKEY("\"account_id\":\"1\""),
	    ST_CONFIG, "account_id" },
	{ "JSON: trailing comma", "{" USER REC1 ",}", ST_CONFIG, "column" },
	{ "JSON: unclosed", "{" USER REC1, ST_CONFIG, "column" },
	{ "JSON: a trailing comma is named where it is",
	    "{\n  \"username\": \"jdoe\",\n}\n", ST_CONFIG,
	    "line 2, column 21: not valid JSON: a comma before" },
	{ "JSON: empty text", "", ST_CONFIG, "column" },
	{ "JSON: bare word", "username", ST_CONFIG, "column" },
	{ "JSON: not an object", "[1, 2]", ST_CONFIG, NULL },
	{ "JSON: trailing comma, said so", "{" USER REC1 ",}", ST_CONFIG,
	    "JSON allows no trailing comma" },
	{ "JSON: trailing comma in a record, said so",
	    "{" USER "\"records\":[{\"name\":\"home.example.com\",}]}",
	    ST_CONFIG, "not valid JSON: a comma before a closing bracket" },
	{ "JSON: single quotes", "{'username':'jdoe'}", ST_CONFIG,
	    "double quotes" },
	{ "JSON: a bare key", "{username:\"jdoe\"}", ST_CONFIG,
	    "keys take double quotes" },
	{ "JSON: a missing comma", "{\"username\":\"jdoe\" " REC1 "}",
	    ST_CONFIG, "expected a ','" },
	{ "JSON: a bad value", TOPKEY("\"ip_quorum\":tru"), ST_CONFIG,
	    "expected a value" },
	{ "JSON: unclosed, said so", "{" USER REC1, ST_CONFIG,
	    "ends before its closing" },
	{ "JSON: one } too many", "{" USER REC1 "}}", ST_CONFIG,
	    "text after the end" },
	{ "JSON: an unclosed string", "{\"username\":\"jdoe}", ST_CONFIG,
	    "never closed" },
	{ "an internationalised name", RECNAME("b\xc3\xbc" "cher.example.com"),
	    ST_CONFIG, "\"xn--\" form" },
	{ "api_key with \\u0000", "{" USER "\"api_key\":\"abc\\u0000def\","
	    REC1 "}", ST_CONFIG, "\\u0000" },
	{ "api_key only white space", TOPKEY("\"api_key\":\" \\t \""),
	    ST_CONFIG, "api_key" },
	{ "type aaa", RECKEY("\"type\":\"aaa\""), ST_CONFIG, "type" },
	{ "unknown key, near a known one", TOPKEY("\"verify_intervall\":5"),
	    ST_CONFIG, "did you mean \"verify_interval\"?" },
	{ "unknown record key, near", RECKEY("\"tll\":300"), ST_CONFIG,
	    "did you mean \"ttl\"?" },
	{ "report_interval -1", TOPKEY("\"report_interval\":-1"), ST_CONFIG,
	    "report_interval" },
	{ "ping_url http://", TOPKEY("\"ping_url\":\"http://hc.example/x\""),
	    ST_CONFIG, "ping_url" },
	{ "ipv6_suffix on an A record",
	    RECKEY("\"ipv6_suffix\":\"::5054:ff:fe12:3456\""), ST_CONFIG,
	    "ipv6_suffix" },
	{ "ipv6_suffix with a prefix",
	    "{" USER "\"records\":[{\"name\":\"nas.example.com\",\"type\":"
	    "\"AAAA\",\"ipv6_suffix\":\"2001:db8::1\"}]}", ST_CONFIG,
	    "ipv6_suffix" },
	{ "ipv6_suffix not an address",
	    "{" USER "\"records\":[{\"name\":\"nas.example.com\",\"type\":"
	    "\"AAAA\",\"ipv6_suffix\":\"5054:ff\"}]}", ST_CONFIG,
	    "ipv6_suffix" },

	/* accepted: the edges of each range */
	{ "ttl 300", RECKEY("\"ttl\":300"), ST_OK, NULL },
	{ "ttl 86400", RECKEY("\"ttl\":86400"), ST_OK, NULL },
	{ "ip_quorum 1", TOPKEY("\"ip_quorum\":1"), ST_OK, NULL },
	{ "ip_quorum 5 with five sources",
	    TOPKEY("\"ip_quorum\":5,\"ip_sources\":{\"ipv4\":["
	    "\"https://a.example\",\"https://b.example\",\"https://c.example\","
	    "\"https://d.example\",\"https://e.example\"]}"), ST_OK, NULL },
	{ "timeout 1", TOPKEY("\"timeout\":1"), ST_OK, NULL },
	{ "timeout 300", TOPKEY("\"timeout\":300"), ST_OK, NULL },
	{ "job_timeout 1", TOPKEY("\"job_timeout\":1"), ST_OK, NULL },
	{ "job_timeout 600", TOPKEY("\"job_timeout\":600"), ST_OK, NULL },
	{ "verify_interval 0", TOPKEY("\"verify_interval\":0"), ST_OK, NULL },
	{ "allow_nonglobal false", TOPKEY("\"allow_nonglobal\":false"),
	    ST_OK, NULL },
	{ "comment of 160 chars", RECKEY("\"comment\":\"" C160 "\""), ST_OK,
	    NULL },
	{ "name of 253 chars", RECNAME(NAME253), ST_OK, NULL },
	{ "name with a 63-char label", RECNAME(LABEL63 ".example.com"),
	    ST_OK, NULL },
	{ "A and AAAA of one name",
	    "{" USER "\"records\":[{\"name\":\"home.example.com\"},"
	    "{\"name\":\"home.example.com\",\"type\":\"AAAA\"}]}", ST_OK,
	    NULL },
	{ "identity_url http://127.0.0.1:8080",
	    TOPKEY("\"identity_url\":\"http://127.0.0.1:8080/v2.0\""), ST_OK,
	    NULL },
	{ "dns_url http://[::1]:8080",
	    TOPKEY("\"dns_url\":\"http://[::1]:8080/v1.0/123456\""), ST_OK,
	    NULL },
	{ "dns_url http://localhost",
	    TOPKEY("\"dns_url\":\"http://localhost/v1.0/123456\""), ST_OK,
	    NULL },
	{ "ip_sources http://127.0.0.1",
	    TOPKEY("\"ip_sources\":{\"ipv4\":[\"http://127.0.0.1:8081/\"]}"),
	    ST_OK, NULL },
	{ "ip_sources of every kind, mixed",
	    TOPKEY("\"ip_quorum\":2,\"ip_sources\":{\"ipv4\":[\"iface:ppp0\","
	    "\"natpmp:\",\"natpmp:192.168.1.1\",\"https://api.ipify.org\"],"
	    "\"ipv6\":[\"iface:*\",\"iface:eth0\",\"https://api6.ipify.org\"]}"),
	    ST_OK, NULL },
	{ "domain equal to the name (apex)",
	    "{" USER "\"records\":[{\"name\":\"example.com\","
	    "\"domain\":\"example.com\"}]}", ST_OK, NULL },
	{ "domain with trailing dot and case",
	    RECKEY("\"domain\":\"Example.COM.\""), ST_OK, NULL },
	{ "type in any case", "{" USER "\"records\":[{\"name\":"
	    "\"home.example.com\",\"type\":\"aaaa\"},{\"name\":"
	    "\"home.example.com\",\"type\":\"a\"}]}", ST_OK, NULL },
	{ "report_interval 0", TOPKEY("\"report_interval\":0"), ST_OK, NULL },
	{ "ping_url https://", TOPKEY("\"ping_url\":"
	    "\"https://hc-ping.com/5f0c1a2e\""), ST_OK, NULL },
	{ "ipv6_suffix on AAAA",
	    "{" USER "\"records\":[{\"name\":\"nas.example.com\",\"type\":"
	    "\"AAAA\",\"ipv6_suffix\":\"::5054:ff:fe12:3456\"}]}", ST_OK,
	    NULL },
	{ "an escaped backslash before u0000 is no NUL",
	    TOPKEY("\"ping_url\":\"https://hc.example/\\\\u0000\""),
	    ST_OK, NULL },
};

/*
 * Each row's status; a refusal must be told on stderr, in lines that
 * begin with "ddnsupdate: " and name the key; a valid file says nothing.
 */
static void
test_parse_table(void **state)
{
	const struct parse_case *c;
	struct capture cap;
	struct config cf;
	enum status st;
	char *msgs;
	size_t i;

	UNIT_START(state);
	for (i = 0; i < NELEM(parse_cases); i++) {
		c = &parse_cases[i];
		capture_begin(&cap);
		st = config_parse(c->json, strlen(c->json), "test.json", &cf);
		msgs = capture_end(&cap);
		CHECK_INT(st, c->st, "config_parse: %s", c->why);
		if (c->st == ST_OK)
			CHECK_STR(msgs, "", "config_parse: %s: output", c->why);
		else {
			CHECK(msgs[0] != '\0', "config_parse: %s: silent",
			    c->why);
			CHECK(unit_lines_prefixed(msgs),
			    "config_parse: %s: output \"%s\"", c->why, msgs);
		}
		if (c->says != NULL)
			CHECK(strstr(msgs, c->says) != NULL,
			    "config_parse: %s: \"%s\" not named in \"%s\"",
			    c->why, c->says, msgs);
		free(msgs);
		config_free(&cf);	/* after failures too */
	}
	UNIT_END();
}

/* The original script's configuration, unchanged. */
static void
test_original_form_flat(void **state)
{
	static const char json[] = "{ \"username\": \"YOUR_USERNAME\", "
	    "\"api_key\": \"YOUR_API_KEY\",\n  \"account_id\": \"123456789\", "
	    "\"domain_id\": \"123456789\", \"record_id\": \"A-123456789\" }";
	struct config cf;

	UNIT_START(state);
	REQUIRE(parse(json, &cf) == ST_OK, "original form");
	CHECK_INT(cf.original_form, true, "original_form");
	CHECK_STR(cf.username, "YOUR_USERNAME", "username");
	CHECK_STR(cf.api_key, "YOUR_API_KEY", "api_key");
	CHECK_STR(cf.account_id, "123456789", "account_id");
	REQUIRE(cf.nrecords == 1, "nrecords %zu", cf.nrecords);
	CHECK_INT(cf.records[0].family, FAM_V4, "one A record");
	CHECK_STR(cf.records[0].domain_id, "123456789", "domain_id");
	CHECK_STR(cf.records[0].record_id, "A-123456789", "record_id");
	CHECK_STR(cf.records[0].name, NULL, "name (learnt from the API)");
	CHECK_INT(cf.ip_quorum, 1, "ip_quorum default");
	CHECK_INT(cf.timeout, 10, "timeout default");
	CHECK_STR(cf.identity_url, DEFAULT_IDENTITY_URL,
	    "identity_url default");
	check_default_sources(&cf, "original form");
	config_free(&cf);
	UNIT_END();
}

/* Ids sent as numbers are kept as strings. */
static void
test_original_form_numeric_ids(void **state)
{
	static const char json[] = "{\"username\":\"u\",\"api_key\":\"k\","
	    "\"account_id\":123456789,\"domain_id\":6156121,"
	    "\"record_id\":23763619}";
	struct config cf;

	UNIT_START(state);
	REQUIRE(parse(json, &cf) == ST_OK, "numeric ids");
	REQUIRE(cf.nrecords == 1, "nrecords %zu", cf.nrecords);
	CHECK_STR(cf.account_id, "123456789", "account_id");
	CHECK_STR(cf.records[0].domain_id, "6156121", "domain_id");
	CHECK_STR(cf.records[0].record_id, "23763619", "record_id");
	CHECK_INT(cf.original_form, true, "original_form");
	config_free(&cf);
	UNIT_END();
}

static void
test_original_form_nested(void **state)
{
	static const char json[] = "{\"username\":\"u\",\"api_key\":\"k\","
	    "\"account_id\":\"123456789\",\"domain_id\":\"6156121\","
	    "\"record\":{\"id\":\"A-23763619\",\"name\":\"Home.Example.com.\","
	    "\"ttl\":600}}";
	struct config cf;

	UNIT_START(state);
	REQUIRE(parse(json, &cf) == ST_OK, "nested record");
	REQUIRE(cf.nrecords == 1, "nrecords %zu", cf.nrecords);
	CHECK_INT(cf.original_form, true, "original_form");
	CHECK_INT(cf.records[0].family, FAM_V4, "one A record");
	CHECK_STR(cf.records[0].record_id, "A-23763619", "record.id");
	CHECK_STR(cf.records[0].name, "home.example.com", "record.name");
	CHECK_INT(cf.records[0].ttl, 600, "record.ttl");
	CHECK_STR(cf.records[0].domain_id, "6156121", "domain_id");
	config_free(&cf);
	UNIT_END();
}

/* The original form may carry any other top-level key of the full form. */
static void
test_original_form_other_keys(void **state)
{
	static const char json[] = "{\"username\":\"u\",\"api_key\":\"k\","
	    "\"account_id\":\"1\",\"domain_id\":\"2\",\"record_id\":\"A-3\","
	    "\"dns_url\":\"https://lon.dns.api.rackspacecloud.com/v1.0/1\","
	    "\"timeout\":20,\"ip_quorum\":2,\"cache_file\":\"/tmp/x.json\"}";
	static const char bad_key[] = "{\"username\":\"u\",\"api_key\":\"k\","
	    "\"account_id\":\"1\",\"domain_id\":\"2\",\"record_id\":\"A-3\","
	    "\"bogus\":true}";
	struct config cf;

	UNIT_START(state);
	REQUIRE(parse(json, &cf) == ST_OK, "original form + full-form keys");
	CHECK_STR(cf.dns_url, "https://lon.dns.api.rackspacecloud.com/v1.0/1",
	    "dns_url");
	CHECK_INT(cf.timeout, 20, "timeout");
	CHECK_INT(cf.ip_quorum, 2, "ip_quorum");
	CHECK_STR(cf.cache_file, "/tmp/x.json", "cache_file");
	CHECK_INT(cf.original_form, true, "original_form");
	config_free(&cf);
	CHECK_INT(parse(bad_key, &cf), ST_CONFIG, "original form, unknown key");
	config_free(&cf);
	UNIT_END();
}

struct fqdn_case {
	const char	*name;
	int		 ok;
};

static const struct fqdn_case fqdn_cases[] = {
	{ "home.example.com", 1 },
	{ "home.example.com.", 1 },
	{ "example.com", 1 },
	{ "HOME.Example.COM", 1 },
	{ "a-b.example.com", 1 },
	{ "_acme-challenge.example.com", 1 },
	{ "123.example.com", 1 },
	{ "xn--bcher-kva.example", 1 },
	{ LABEL63 ".example.com", 1 },
	{ NAME253, 1 },
	{ NAME253 ".", 1 },
	{ "-bad.example.com", 0 },
	{ "bad-.example.com", 0 },
	{ "home.-example.com", 0 },
	{ "home.example-.com", 0 },
	{ "a..b", 0 },
	{ ".example.com", 0 },
	{ "example.com..", 0 },
	{ "localhost", 0 },
	{ "localhost.", 0 },
	{ "", 0 },
	{ ".", 0 },
	{ LABEL63 "x.example.com", 0 },
	{ NAME254, 0 },
	{ NAME254 ".", 0 },
	{ "ho me.example.com", 0 },
	{ "home.example.com/", 0 },
	{ "*.example.com", 0 },
	{ "home@example.com", 0 },
	{ "bücher.example", 0 },
};

static void
test_fqdn_valid(void **state)
{
	size_t i;

	UNIT_START(state);
	for (i = 0; i < NELEM(fqdn_cases); i++)
		CHECK_INT(config_fqdn_valid(fqdn_cases[i].name) != 0,
		    fqdn_cases[i].ok,
		    "config_fqdn_valid(\"%.70s\") [%zu chars]",
		    fqdn_cases[i].name, strlen(fqdn_cases[i].name));
	UNIT_END();
}

/*
 * config_load with real files.  Each test runs in its own directory, with
 * the key's environment sources cleared.
 */
struct files {
	char	*dir;
	char	*conf;
	char	*key;
	char	*cred;		/* a $CREDENTIALS_DIRECTORY */
};

static int
files_setup(void **state)
{
	struct files *f;

	f = xcalloc(1, sizeof(*f));
	f->dir = unit_mkdtemp();
	f->conf = unit_path(f->dir, "config.json");
	f->key = unit_path(f->dir, "api_key.txt");
	f->cred = unit_path(f->dir, "creds");
	assert_int_equal(mkdir(f->cred, 0700), 0);
	unsetenv("CREDENTIALS_DIRECTORY");
	unsetenv("DDNSUPDATE_API_KEY");
	*state = f;
	return 0;
}

static int
files_teardown(void **state)
{
	struct files *f = *state;
	char *p;

	unsetenv("CREDENTIALS_DIRECTORY");
	unsetenv("DDNSUPDATE_API_KEY");
	p = unit_path(f->cred, "api_key");
	unlink(p);
	free(p);
	rmdir(f->cred);
	free(f->cred);
	free(f->conf);
	free(f->key);
	unit_rmtree(f->dir);
	free(f);
	return 0;
}

static void
write_str(const char *path, const char *text, mode_t mode)
{
	unit_write(path, text, strlen(text), mode);
}

/*
 * config_load; checks the status, on ST_OK the key, and that what it
 * printed names says (when not NULL) and never holds secret.
 */
static void
check_load_says(const char *path, enum status want, const char *want_key,
    const char *says, const char *secret, const char *row)
{
	struct capture cap;
	struct config cf;
	enum status st;
	char *msgs;

	capture_begin(&cap);
	st = config_load(path, 0, &cf);
	msgs = capture_end(&cap);
	CHECK_INT(st, want, "config_load: %s", row);
	if (st == ST_OK && want == ST_OK)
		CHECK_STR(cf.api_key, want_key, "config_load: %s: key", row);
	if (want != ST_OK)
		CHECK(msgs[0] != '\0' && unit_lines_prefixed(msgs),
		    "config_load: %s: output \"%s\"", row, msgs);
	if (says != NULL)
		CHECK(strstr(msgs, says) != NULL,
		    "config_load: %s: \"%s\" not in \"%s\"", row, says, msgs);
	if (secret != NULL)
		CHECK(strstr(msgs, secret) == NULL,
		    "config_load: %s: the key is printed: \"%s\"", row, msgs);
	free(msgs);
	config_free(&cf);
}

static void
check_load(const char *path, enum status want, const char *want_key,
    const char *row)
{
	check_load_says(path, want, want_key, NULL, want_key, row);
}

#define CONF_WITH_KEY(k) \
	    "{\"username\":\"jdoe\",\"api_key\":\"" k "\"," REC1 "}"

static void
test_load_inline_key_modes(void **state)
{
	struct files *f = *state;
	static const struct {
		mode_t		 mode;
		enum status	 st;
	} modes[] = {
		{ 0644, ST_CONFIG },	/* readable by other */
		{ 0604, ST_CONFIG },
		{ 0602, ST_CONFIG },	/* writable by other */
		{ 0666, ST_CONFIG },
		{ 0640, ST_OK },	/* group may read: fine */
		{ 0660, ST_CONFIG },	/* group may write: no */
		{ 0620, ST_CONFIG },
		{ 0600, ST_OK },
		{ 0400, ST_OK },
	};
	char row[64];
	size_t i;

	UNIT_START(state);
	for (i = 0; i < NELEM(modes); i++) {
		write_str(f->conf, CONF_WITH_KEY("inline-key"), modes[i].mode);
		snprintf(row, sizeof(row), "api_key in a %04o config",
		    (unsigned)modes[i].mode);
		check_load_says(f->conf, modes[i].st, "inline-key",
		    modes[i].st == ST_CONFIG ? "chmod" : NULL, "inline-key",
		    row);
	}
	UNIT_END();
}

/*
 * A key its group may read (root:ddnsupdate 0640, or a systemd credential)
 * is fine: nothing said in a run, a note from --check-config only.
 */
static void
test_load_group_readable_is_fine(void **state)
{
	struct files *f = *state;
	struct capture cap;
	struct config cf;
	char *json, *msgs;
	int out;

	UNIT_START(state);
	log_init(0, 0, 0);
	write_str(f->conf, CONF_WITH_KEY("inline-key"), 0640);
	check_load_says(f->conf, ST_OK, "inline-key", NULL, "inline-key",
	    "api_key in a 0640 config, not quiet");
	json = xasprintf("{\"username\":\"jdoe\",\"api_key_file\":\"%s\","
	    REC1 "}", f->key);
	write_str(f->conf, json, 0600);
	write_str(f->key, "s3cr3tkey\n", 0640);
	capture_begin(&cap);
	CHECK_INT(config_load(f->conf, 0, &cf), ST_OK, "0640 key file");
	msgs = capture_end(&cap);
	CHECK_STR(msgs, "", "0640 key file: a run says nothing");
	free(msgs);
	config_free(&cf);
	/* --check-config notes it, on stdout */
	fflush(stdout);
	out = dup(STDOUT_FILENO);
	capture_begin(&cap);
	dup2(STDERR_FILENO, STDOUT_FILENO);
	CHECK_INT(config_load(f->conf, CONFIG_NOTES, &cf), ST_OK,
	    "0640 key file, --check-config");
	fflush(stdout);
	dup2(out, STDOUT_FILENO);
	close(out);
	msgs = capture_end(&cap);
	CHECK(strncmp(msgs, "note: ", 6) == 0 &&
	    strstr(msgs, "readable by its group") != NULL,
	    "--check-config: no note: \"%s\"", msgs);
	CHECK(strstr(msgs, "s3cr3tkey") == NULL, "the key in \"%s\"", msgs);
	free(msgs);
	config_free(&cf);
	log_init(1, 0, 0);
	free(json);
	UNIT_END();
}

/*
 * A configuration others may write could send the key elsewhere, key or
 * not; so could a ca_file.  FIFOs in place of any file never block.
 */
static void
test_load_untrusted_files(void **state)
{
	struct files *f = *state;
	char *json, *ca, *fifo;

	UNIT_START(state);
	setenv("DDNSUPDATE_API_KEY", "from-env", 1);
	write_str(f->conf, "{\"username\":\"jdoe\"," REC1 "}", 0664);
	check_load_says(f->conf, ST_CONFIG, NULL, "chmod go-w", NULL,
	    "0664 config without the key");
	write_str(f->conf, "{\"username\":\"jdoe\"," REC1 "}", 0646);
	check_load_says(f->conf, ST_CONFIG, NULL, "chmod go-w", NULL,
	    "0646 config without the key");
	write_str(f->conf, "{\"username\":\"jdoe\"," REC1 "}", 0644);
	setenv("DDNSUPDATE_API_KEY", "from-env", 1);
	check_load(f->conf, ST_OK, "from-env", "0644 config (control)");

	ca = unit_path(f->dir, "ca.pem");
	json = xasprintf("{\"username\":\"jdoe\",\"ca_file\":\"%s\"," REC1
	    "}", ca);
	write_str(f->conf, json, 0600);
	write_str(ca, "-----BEGIN CERTIFICATE-----\n", 0664);
	setenv("DDNSUPDATE_API_KEY", "from-env", 1);
	check_load_says(f->conf, ST_CONFIG, NULL, "ca_file", NULL,
	    "group-writable ca_file");
	free(json);

	/* FIFOs: 78 at once, never a hang */
	fifo = unit_path(f->dir, "fifo");
	REQUIRE(mkfifo(fifo, 0600) == 0, "mkfifo");
	setenv("DDNSUPDATE_API_KEY", "from-env", 1);
	check_load_says(fifo, ST_CONFIG, NULL, "FIFO", NULL, "config FIFO");
	json = xasprintf("{\"username\":\"jdoe\",\"api_key_file\":\"%s\","
	    REC1 "}", fifo);
	write_str(f->conf, json, 0600);
	check_load_says(f->conf, ST_CONFIG, NULL, "FIFO", NULL, "key FIFO");
	free(json);
	json = xasprintf("{\"username\":\"jdoe\",\"ca_file\":\"%s\"," REC1
	    "}", fifo);
	write_str(f->conf, json, 0600);
	setenv("DDNSUPDATE_API_KEY", "from-env", 1);
	check_load_says(f->conf, ST_CONFIG, NULL, "FIFO", NULL, "ca FIFO");
	free(json);
	free(fifo);
	free(ca);
	UNIT_END();
}

/* Without the key in it, a world-readable config is fine. */
static void
test_load_keyless_config_world_readable(void **state)
{
	struct files *f = *state;
	char *json;

	UNIT_START(state);
	json = xasprintf("{\"username\":\"jdoe\",\"api_key_file\":\"%s\","
	    REC1 "}", f->key);
	write_str(f->conf, json, 0644);
	write_str(f->key, "filekey\n", 0600);
	check_load(f->conf, ST_OK, "filekey", "0644 config, 0600 key file");
	free(json);
	UNIT_END();
}

static void
test_load_key_file(void **state)
{
	struct files *f = *state;
	static const struct {
		const char	*text;
		mode_t		 mode;
		enum status	 st;
		const char	*key;
		const char	*says;
		size_t		 len;	/* 0: strlen(text) */
	} rows[] = {
		{ "  s3cr3tkey\n", 0600, ST_OK, "s3cr3tkey", NULL, 0 },
		{ "s3cr3tkey", 0600, ST_OK, "s3cr3tkey", NULL, 0 },
		{ "\tk3y-With.Chars_09\r\n\n", 0400, ST_OK, "k3y-With.Chars_09",
		    NULL, 0 },
		{ "s3cr3tkey\n", 0640, ST_OK, "s3cr3tkey", NULL, 0 },
		{ "s3cr3tkey\n", 0644, ST_CONFIG, NULL, "chmod", 0 },
		{ "s3cr3tkey\n", 0606, ST_CONFIG, NULL, "chmod", 0 },
		{ "", 0600, ST_CONFIG, NULL, "api_key_file", 0 },
		{ " \n\t\n", 0600, ST_CONFIG, NULL, "api_key_file", 0 },
		{ "s3cr3t\0key\n", 0600, ST_CONFIG, NULL, "NUL", 11 },
		{ "s3cr3tkey\0\n", 0600, ST_CONFIG, NULL, "NUL", 11 },
	};
	char *json, row[96];
	size_t i;

	UNIT_START(state);
	json = xasprintf("{\"username\":\"jdoe\",\"api_key_file\":\"%s\","
	    REC1 "}", f->key);
	write_str(f->conf, json, 0600);
	for (i = 0; i < NELEM(rows); i++) {
		unit_write(f->key, rows[i].text, rows[i].len != 0 ?
		    rows[i].len : strlen(rows[i].text), rows[i].mode);
		snprintf(row, sizeof(row), "key file row %zu, mode %04o", i,
		    (unsigned)rows[i].mode);
		check_load_says(f->conf, rows[i].st, rows[i].key,
		    rows[i].says, "s3cr3tkey", row);
	}
	unlink(f->key);
	check_load(f->conf, ST_CONFIG, NULL, "key file missing");
	free(json);
	UNIT_END();
}

static void
set_cred(struct files *f, const char *key)
{
	char *p = unit_path(f->cred, "api_key");

	write_str(p, key, 0600);
	free(p);
	setenv("CREDENTIALS_DIRECTORY", f->cred, 1);
}

/*
 * $CREDENTIALS_DIRECTORY/api_key > api_key > api_key_file > env: the
 * service's own credential wins (CONTRACT.md 4, v2).
 */
static void
test_load_key_precedence(void **state)
{
	struct files *f = *state;
	char *with_file, *p;

	UNIT_START(state);
	with_file = xasprintf("{\"username\":\"jdoe\","
	    "\"api_key\":\"from-conf\","
	    "\"api_key_file\":\"%s\"," REC1 "}", f->key);
	write_str(f->key, "from-file\n", 0600);
	set_cred(f, "from-cred\n");
	setenv("DDNSUPDATE_API_KEY", "from-env", 1);

	write_str(f->conf, with_file, 0600);
	check_load(f->conf, ST_OK, "from-cred", "all four sources");
	p = unit_path(f->cred, "api_key");
	unlink(p);
	setenv("DDNSUPDATE_API_KEY", "from-env", 1);
	check_load(f->conf, ST_OK, "from-conf",
	    "conf, file, env (credentials directory without api_key)");
	free(with_file);

	with_file = xasprintf("{\"username\":\"jdoe\",\"api_key_file\":\"%s\","
	    REC1 "}", f->key);
	write_str(f->conf, with_file, 0600);
	check_load(f->conf, ST_OK, "from-file", "file, env");
	free(with_file);

	write_str(f->conf, "{\"username\":\"jdoe\"," REC1 "}", 0600);
	setenv("DDNSUPDATE_API_KEY", "from-env", 1);
	check_load(f->conf, ST_OK, "from-env", "env only");
	/* the environment's copy is wiped once read */
	CHECK_STR(getenv("DDNSUPDATE_API_KEY"), "", "env wiped");

	set_cred(f, "from-cred\n");
	check_load(f->conf, ST_OK, "from-cred", "credential alone");
	unlink(p);
	free(p);

	unsetenv("CREDENTIALS_DIRECTORY");
	setenv("DDNSUPDATE_API_KEY", "  ", 1);
	check_load(f->conf, ST_CONFIG, NULL, "env only white space");
	unsetenv("DDNSUPDATE_API_KEY");
	check_load(f->conf, ST_CONFIG, NULL, "no key anywhere");
	UNIT_END();
}

static void
test_load_bad_files(void **state)
{
	struct files *f = *state;
	char *missing;

	UNIT_START(state);
	setenv("DDNSUPDATE_API_KEY", "from-env", 1);
	missing = unit_path(f->dir, "no-such-config.json");
	check_load(missing, ST_CONFIG, NULL, "config file missing");
	check_load(f->dir, ST_CONFIG, NULL, "config is a directory");
	write_str(f->conf, "{\"username\":\"jdoe\",", 0600);
	check_load(f->conf, ST_CONFIG, NULL, "config not JSON");
	write_str(f->conf, "{\"username\":\"jdoe\",\"bogus\":1," REC1 "}",
	    0600);
	check_load(f->conf, ST_CONFIG, NULL, "config with unknown key");
	write_str(f->conf, "{\"username\":\"jdoe\"," REC1 "}", 0600);
	check_load(f->conf, ST_OK, "from-env", "good config (control)");
	free(missing);
	UNIT_END();
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_full_form_example),
		cmocka_unit_test(test_record_defaults),
		cmocka_unit_test(test_every_key),
		cmocka_unit_test(test_name_normalised),
		cmocka_unit_test(test_parse_table),
		cmocka_unit_test(test_original_form_flat),
		cmocka_unit_test(test_original_form_numeric_ids),
		cmocka_unit_test(test_original_form_nested),
		cmocka_unit_test(test_original_form_other_keys),
		cmocka_unit_test(test_fqdn_valid),
		cmocka_unit_test_setup_teardown(test_load_inline_key_modes,
		    files_setup, files_teardown),
		cmocka_unit_test_setup_teardown(
		    test_load_group_readable_is_fine, files_setup,
		    files_teardown),
		cmocka_unit_test_setup_teardown(test_load_untrusted_files,
		    files_setup, files_teardown),
		cmocka_unit_test_setup_teardown(
		    test_load_keyless_config_world_readable, files_setup,
		    files_teardown),
		cmocka_unit_test_setup_teardown(test_load_key_file,
		    files_setup, files_teardown),
		cmocka_unit_test_setup_teardown(test_load_key_precedence,
		    files_setup, files_teardown),
		cmocka_unit_test_setup_teardown(test_load_bad_files,
		    files_setup, files_teardown),
	};

	return cmocka_run_group_tests_name("config", tests, unit_quiet, NULL);
}
