/*
 * test_api.c
 * Unit tests for api.c: the API's error messages and rate-limit waits.
 * SPDX-License-Identifier: ISC
 */

#include <stdlib.h>
#include <string.h>

#include "unit.h"

#include "api.h"
#include "http.h"

/* An answer built by hand; the strings are not owned. */
static struct http_response
response(long status, const char *body, const char *retry_after,
    const char *reply_after)
{
	struct http_response r;

	memset(&r, 0, sizeof(r));
	r.status = status;
	r.body = (char *)body;
	r.len = strlen(body);
	r.retry_after = (char *)retry_after;
	r.reply_after = (char *)reply_after;
	return r;
}

struct msg_case {
	const char	*why;
	long		 status;
	const char	*body;
	const char	*msg;
};

static const struct msg_case msg_cases[] = {
	{ "flat, empty details", 404,
	    "{\"message\":\"Object not Found.\",\"code\":404,\"details\":\"\"}",
	    "Object not Found" },
	{ "flat, no details", 404,
	    "{\"message\":\"Object not Found.\",\"code\":404}",
	    "Object not Found" },
	{ "flat with details", 400,
	    "{\"message\":\"The request could not be processed.\",\"code\":400,"
	    "\"details\":\"Unexpected close tag </domains>; expected "
	    "</domain>.\"}",
	    "The request could not be processed: Unexpected close tag "
	    "</domains>; expected </domain>" },
	{ "flat 413 absolute limit", 413,
	    "{\"message\":\"Your account is currently over the limit so your "
	    "request could not be processed.\",\"code\":413,\"details\":"
	    "\"Limit of 500 records per domain has been reached.\"}",
	    "Your account is currently over the limit so your request could "
	    "not be processed: Limit of 500 records per domain has been "
	    "reached" },
	{ "wrapped unauthorized", 401,
	    "{\"unauthorized\":{\"code\":401,\"message\":"
	    "\"Username or api key is invalid.\"}}",
	    "Username or api key is invalid" },
	{ "wrapped forbidden", 403,
	    "{\"forbidden\":{\"code\":403,\"message\":"
	    "\"User must setup multi-factor\"}}",
	    "User must setup multi-factor" },
	{ "wrapped overLimit with details", 413,
	    "{\"overLimit\":{\"code\":413,\"message\":\"OverLimit Retry...\","
	    "\"details\":\"Error Details...\","
	    "\"retryAfter\":\"2015-06-13T22:30:10Z\"}}",
	    "OverLimit Retry...: Error Details..." },
	{ "validationErrors, two", 400,
	    "{\"validationErrors\":{\"messages\":[\"Must provide a name for "
	    "each domain.\",\"null is not a valid domain name.\"]},"
	    "\"code\":400}",
	    "Must provide a name for each domain; null is not a valid domain "
	    "name" },
	{ "validationErrors, one", 400,
	    "{\"validationErrors\":{\"messages\":[\"Domain TTL is required and "
	    "must be greater than or equal to 300\"]},\"code\":400}",
	    "Domain TTL is required and must be greater than or equal to 300" },
	{ "empty body", 401, "", "(no message)" },
	{ "not JSON", 502,
	    "<html><head><title>502 Bad Gateway</title></head></html>",
	    "(no message)" },
	{ "JSON null", 500, "null", "(no message)" },
	{ "JSON list", 500, "[]", "(no message)" },
	{ "empty object", 500, "{}", "(no message)" },
};

static void
test_error_message_table(void **state)
{
	const struct msg_case *c;
	struct http_response r;
	char buf[512];
	size_t i;

	UNIT_START(state);
	for (i = 0; i < NELEM(msg_cases); i++) {
		c = &msg_cases[i];
		r = response(c->status, c->body, NULL, NULL);
		memset(buf, 'x', sizeof(buf));
		buf[sizeof(buf) - 1] = '\0';
		api_error_message(&r, buf, sizeof(buf));
		CHECK_STR(buf, c->msg, "api_error_message: %s", c->why);
	}
	UNIT_END();
}

/*
 * The API's details may hold a stack trace: it is printed as one line
 * (log.c makes every printed line so; this is the text it is given).
 */
static void
test_error_message_one_line(void **state)
{
	static const char *const bodies[] = {
		"{\"message\":\"Main fault\",\"code\":500,\"details\":"
		    "\"java.lang.NullPointerException\\n\\tat com.rackspace."
		    "dns.Foo(Foo.java:42)\\r\\n\\tat Bar\"}",
		"{\"message\":\"two\\nlines\",\"code\":500}",
		"{\"dnsFault\":{\"message\":\"Main fault\",\"code\":500,"
		    "\"details\":\"a\\nb\"}}",
		"{\"validationErrors\":{\"messages\":[\"one\\nline\","
		    "\"two\"]},\"code\":400}",
	};
	struct http_response r;
	char buf[512], *line;
	size_t i;

	UNIT_START(state);
	for (i = 0; i < NELEM(bodies); i++) {
		r = response(500, bodies[i], NULL, NULL);
		api_error_message(&r, buf, sizeof(buf));
		line = log_scrub(buf);
		CHECK(strpbrk(line, "\r\n\t") == NULL,
		    "body %zu: not one line: \"%s\"", i, line);
		CHECK(strcmp(buf, "(no message)") != 0,
		    "body %zu: message lost", i);
		free(line);
	}
	r = response(500, bodies[0], NULL, NULL);
	api_error_message(&r, buf, sizeof(buf));
	CHECK(strncmp(buf, "Main fault", 10) == 0 &&
	    strstr(buf, "java.lang.NullPointerException") != NULL &&
	    strstr(buf, "Foo.java:42") != NULL,
	    "stack trace: \"%s\"", buf);
	UNIT_END();
}

/* A small buffer is cut, never overrun, and stays a string. */
static void
test_error_message_small_buffer(void **state)
{
	struct http_response r;
	char buf[16 + 8];
	size_t i;

	UNIT_START(state);
	r = response(413, msg_cases[3].body, NULL, NULL);
	memset(buf, '#', sizeof(buf));
	api_error_message(&r, buf, 16);
	CHECK(memchr(buf, '\0', 16) != NULL, "not terminated within 16");
	for (i = 16; i < sizeof(buf); i++)
		CHECK(buf[i] == '#', "byte %zu beyond the buffer written", i);
	CHECK(strncmp(buf, "Your account is", 15) == 0, "cut: \"%s\"", buf);
	r = response(400, msg_cases[7].body, NULL, NULL);
	memset(buf, '#', sizeof(buf));
	api_error_message(&r, buf, 16);
	CHECK(memchr(buf, '\0', 16) != NULL, "list not terminated within 16");
	for (i = 16; i < sizeof(buf); i++)
		CHECK(buf[i] == '#', "list: byte %zu beyond the buffer", i);
	UNIT_END();
}

#define NOW	1795639455LL	/* 2026-11-25T20:44:15Z */
#define AT21	1795640400LL	/* 2026-11-25T21:00:00Z */

/* until: absolute when abs is set, else NOW + rel. */
struct rate_case {
	const char	*why;
	long		 status;
	const char	*body;
	const char	*retry_after;
	const char	*reply_after;
	int		 ret;
	long long	 abs;
	long long	 rel;
};

static const struct rate_case rate_cases[] = {
	{ "Retry-After seconds", 413, "", "30", NULL, 1, 0, 30 },
	{ "Retry-After seconds, 429", 429, "", "30", NULL, 1, 0, 30 },
	{ "Retry-After HTTP date", 413, "",
	    "Wed, 25 Nov 2026 21:00:00 GMT", NULL, 1, AT21, 0 },
	{ "Reply-After ISO 8601", 413, "", NULL, "2026-11-25T21:00:00Z", 1,
	    AT21, 0 },
	{ "Reply-After ISO 8601 with fractions", 413, "", NULL,
	    "2026-11-25T21:00:00.000Z", 1, AT21, 0 },
	{ "body overLimit.retryAfter ISO 8601", 413,
	    "{\"overLimit\":{\"code\":413,\"message\":\"OverLimit Retry...\","
	    "\"retryAfter\":\"2026-11-25T21:00:00Z\"}}", NULL, NULL, 1, AT21,
	    0 },
	{ "body overLimit.retryAfter seconds", 413,
	    "{\"overLimit\":{\"message\":\"This request was rate-limited.\","
	    "\"code\":413,\"retryAfter\":\"54\",\"details\":\"Only 1 POST "
	    "request(s) can be made to \\\"*\\\" every minute.\"}}", NULL, NULL,
	    1, 0, 54 },
	{ "body overLimit.retryAt ...UTC", 413,
	    "{\"overLimit\":{\"code\":413,\"message\":\"OverLimit Retry...\","
	    "\"retryAt\":\"2026-11-25T21:00:00UTC\"}}", NULL, NULL, 1, AT21,
	    0 },
	{ "Retry-After wins over the body", 413,
	    "{\"overLimit\":{\"code\":413,\"message\":\"x\","
	    "\"retryAfter\":\"54\"}}", "30", NULL, 1, 0, 30 },
	{ "Retry-After wins over Reply-After", 413, "", "30",
	    "2026-11-25T21:00:00Z", 1, 0, 30 },
	{ "nothing parses: 60 s", 413,
	    "{\"overLimit\":{\"code\":413,\"message\":\"x\","
	    "\"retryAfter\":\"soon\"}}", "later", "whenever", 1, 0, 60 },
	{ "wrapped, no wait at all: 60 s", 413,
	    "{\"overLimit\":{\"code\":413,\"message\":\"OverLimit Retry...\"}}",
	    NULL, NULL, 1, 0, 60 },
	{ "429 without a body: 60 s", 429, "", NULL, NULL, 1, 0, 60 },
	{ "413 without a body: 60 s", 413, "", NULL, NULL, 1, 0, 60 },
	{ "absurd Retry-After: an hour", 413, "", "999999999", NULL, 1, 0,
	    3600 },
	{ "absurd Reply-After: an hour", 413, "", NULL,
	    "2099-01-01T00:00:00Z", 1, 0, 3600 },
	{ "absurd body retryAfter: an hour", 429,
	    "{\"overLimit\":{\"code\":413,\"message\":\"x\","
	    "\"retryAfter\":\"2999-11-23T21:00:14Z\"}}", NULL, NULL, 1, 0,
	    3600 },
	{ "flat 413 with a Retry-After: a wait", 413,
	    "{\"message\":\"Your account is currently over the limit so your "
	    "request could not be processed.\",\"code\":413}", "30", NULL, 1,
	    0, 30 },
	{ "flat 413, no wait: a refusal", 413,
	    "{\"message\":\"Your account is currently over the limit so your "
	    "request could not be processed.\",\"code\":413,\"details\":"
	    "\"Limit of 500 records per domain has been reached.\"}", NULL,
	    NULL, 0, 0, 0 },
};

static void
test_rate_limit_table(void **state)
{
	const struct rate_case *c;
	struct http_response r;
	long long want;
	time_t until;
	size_t i;
	int ret;

	UNIT_START(state);
	for (i = 0; i < NELEM(rate_cases); i++) {
		c = &rate_cases[i];
		r = response(c->status, c->body, c->retry_after,
		    c->reply_after);
		until = (time_t)-1;
		ret = api_rate_limit(&r, (time_t)NOW, &until);
		CHECK_INT(ret, c->ret, "api_rate_limit: %s", c->why);
		if (c->ret == 1 && ret == 1) {
			want = c->abs != 0 ? c->abs : NOW + c->rel;
			CHECK_INT(until - (time_t)NOW, want - NOW,
			    "api_rate_limit: %s: seconds from now", c->why);
		}
	}
	UNIT_END();
}

/* Whatever the answer says, the wait ends in [now, now + an hour]. */
static void
test_rate_limit_bounds(void **state)
{
	static const char *const waits[] = {
		"0", "1", "-5", "3600", "3601", "2012-11-14T21:51:28Z",
		"Wed, 25 Nov 2026 20:44:15 GMT", "2026-11-25T20:44:14Z",
	};
	struct http_response r;
	time_t until;
	size_t i;

	UNIT_START(state);
	for (i = 0; i < NELEM(waits); i++) {
		r = response(429, "", waits[i], NULL);
		until = (time_t)-1;
		CHECK_INT(api_rate_limit(&r, (time_t)NOW, &until), 1,
		    "Retry-After \"%s\"", waits[i]);
		CHECK(until >= (time_t)NOW &&
		    until <= (time_t)NOW + RATE_LIMIT_MAX_WAIT,
		    "Retry-After \"%s\": until now%+lld", waits[i],
		    (long long)until - NOW);
	}
	UNIT_END();
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_error_message_table),
		cmocka_unit_test(test_error_message_one_line),
		cmocka_unit_test(test_error_message_small_buffer),
		cmocka_unit_test(test_rate_limit_table),
		cmocka_unit_test(test_rate_limit_bounds),
	};

	return cmocka_run_group_tests_name("api", tests, unit_quiet, NULL);
}
