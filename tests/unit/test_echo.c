/*
 * test_echo.c
 * Unit tests for echo.c: strict parsing of echo answers.
 * SPDX-License-Identifier: ISC
 */

#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

#include "unit.h"

#include "echo.h"

#define V4	FAM_V4
#define V6	FAM_V6

/* len 0: strlen(body); otherwise exactly len bytes (embedded NULs). */
struct parse_case {
	const char	*body;
	size_t		 len;
	enum family	 fam;
	enum status	 st;
	const char	*out;
};

static const struct parse_case parse_cases[] = {
	{ "81.2.69.160\n", 0, V4, ST_OK, "81.2.69.160" },
	{ "81.2.69.160", 0, V4, ST_OK, "81.2.69.160" },
	{ "  81.2.69.160 \r\n", 0, V4, ST_OK, "81.2.69.160" },
	{ "\t81.2.69.160\t\n", 0, V4, ST_OK, "81.2.69.160" },
	{ "2001:DB8:0:0::1", 0, V6, ST_OK, "2001:db8::1" },
	{ "2001:0db8:0000:0000:0000:0000:0000:0001\n", 0, V6, ST_OK,
	    "2001:db8::1" },
	{ " 2A00:1450:4001:081A:0000:0000:0000:200E\r\n", 0, V6, ST_OK,
	    "2a00:1450:4001:81a::200e" },
	{ "::ffff:81.2.69.160", 0, V6, ST_OK, "::ffff:81.2.69.160" },

	{ "", 0, V4, ST_TEMPFAIL, NULL },
	{ "   ", 0, V4, ST_TEMPFAIL, NULL },
	{ "\r\n", 0, V6, ST_TEMPFAIL, NULL },
	{ "<html><body>81.2.69.160</body></html>", 0, V4, ST_TEMPFAIL, NULL },
	{ "<html>\n<head><title>502 Bad Gateway</title></head>\n</html>\n", 0,
	    V4, ST_TEMPFAIL, NULL },
	{ "81.2.69.160 81.2.69.161", 0, V4, ST_TEMPFAIL, NULL },
	{ "81.2.69.160\n81.2.69.161", 0, V4, ST_TEMPFAIL, NULL },
	{ "81.2.69.160\n81.2.69.161\n", 0, V4, ST_TEMPFAIL, NULL },
	{ "81.2.69.160,81.2.69.161", 0, V4, ST_TEMPFAIL, NULL },
	{ "2001:db8::1", 0, V4, ST_TEMPFAIL, NULL },	/* wrong family */
	{ "81.2.69.160", 0, V6, ST_TEMPFAIL, NULL },	/* wrong family */
	{ "2001:db8::1 2001:db8::2", 0, V6, ST_TEMPFAIL, NULL },
	{ "081.2.69.160", 0, V4, ST_TEMPFAIL, NULL },
	{ "1.2.3.4.5", 0, V4, ST_TEMPFAIL, NULL },
	{ "1.2.3", 0, V4, ST_TEMPFAIL, NULL },
	{ "256.2.69.160", 0, V4, ST_TEMPFAIL, NULL },
	{ "81.2.69.160/32", 0, V4, ST_TEMPFAIL, NULL },
	{ "ip=81.2.69.160", 0, V4, ST_TEMPFAIL, NULL },
	{ "\"81.2.69.160\"", 0, V4, ST_TEMPFAIL, NULL },
	{ "[2001:db8::1]", 0, V6, ST_TEMPFAIL, NULL },
	{ "fe80::1%eth0", 0, V6, ST_TEMPFAIL, NULL },
	{ "2001:db8::1::2", 0, V6, ST_TEMPFAIL, NULL },
	{ "81.2.69.160\0" "81.2.69.161", 23, V4, ST_TEMPFAIL, NULL },
	{ "81.2.69.160\0", 12, V4, ST_TEMPFAIL, NULL },
	{ "\0" "81.2.69.160", 12, V4, ST_TEMPFAIL, NULL },
	{ "2001:db8::1\0", 12, V6, ST_TEMPFAIL, NULL },
};

static void
check_parse(const char *body, size_t len, enum family fam, enum status want,
    const char *want_out, const char *row)
{
	char out[INET6_ADDRSTRLEN];
	const char *why = NULL;
	enum status st;

	memset(out, 'x', sizeof(out));
	out[sizeof(out) - 1] = '\0';
	st = echo_parse(body, len, fam, out, &why);
	CHECK_INT(st, want, "echo_parse(%s)", row);
	if (want == ST_OK && st == ST_OK)
		CHECK_STR(out, want_out, "echo_parse(%s)", row);
	if (want != ST_OK && st != ST_OK)
		CHECK(why != NULL && why[0] != '\0',
		    "echo_parse(%s) gives no reason", row);
}

static void
test_parse_table(void **state)
{
	const struct parse_case *c;
	char row[128];
	size_t i;

	UNIT_START(state);
	for (i = 0; i < NELEM(parse_cases); i++) {
		c = &parse_cases[i];
		snprintf(row, sizeof(row), "row %zu \"%.60s\" %s", i, c->body,
		    c->fam == V4 ? "v4" : "v6");
		check_parse(c->body, c->len != 0 ? c->len : strlen(c->body),
		    c->fam, c->st, c->out, row);
	}
	UNIT_END();
}

/* At most 1 KiB: 1024 bytes with white space pass, 1025 do not. */
static void
test_parse_size_limit(void **state)
{
	char body[ECHO_MAX_BODY + 2];
	const char *addr = "81.2.69.160";
	size_t alen = strlen(addr);

	UNIT_START(state);
	memset(body, ' ', sizeof(body));
	memcpy(body, addr, alen);
	body[ECHO_MAX_BODY - 1] = '\n';
	check_parse(body, ECHO_MAX_BODY, V4, ST_OK, addr,
	    "address + white space, 1024 bytes");
	body[ECHO_MAX_BODY] = '\n';
	check_parse(body, ECHO_MAX_BODY + 1, V4, ST_TEMPFAIL, NULL,
	    "address + white space, 1025 bytes");
	memset(body, ' ', sizeof(body));
	memcpy(body + ECHO_MAX_BODY + 1 - alen, addr, alen);
	check_parse(body, ECHO_MAX_BODY + 1, V4, ST_TEMPFAIL, NULL,
	    "white space + address, 1025 bytes");
	UNIT_END();
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_table),
		cmocka_unit_test(test_parse_size_limit),
	};

	return cmocka_run_group_tests_name("echo", tests, unit_quiet, NULL);
}
