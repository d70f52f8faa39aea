/*
 * test_util.c
 * Unit tests for util.c: ISO 8601 dates, the status ranking, string helpers.
 * SPDX-License-Identifier: ISC
 */

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "unit.h"

#include "ddnsupdate.h"

/*
 * Expected epochs were computed independently, with python3:
 * int(datetime.datetime.fromisoformat(s).timestamp()).
 */
struct iso_case {
	const char	*in;
	int		 ret;
	long long	 t;
};

static const struct iso_case iso_cases[] = {
	{ "2018-03-27T20:55:09.330Z", 0, 1522184109LL },
	{ "2014-01-09T15:08:53.645-06:00", 0, 1389301733LL },
	{ "2012-06-05T11:26:53.000-05:00", 0, 1338913613LL },
	{ "2999-11-23T21:00:14.000-06:00", 0, 32500407614LL },
	{ "2026-11-25T20:44:15Z", 0, 1795639455LL },
	{ "2026-11-25T20:44:15+02:00", 0, 1795632255LL },
	{ "2026-11-25T20:44:15+0200", 0, 1795632255LL },
	{ "2026-11-25T21:00:00+05:30", 0, 1795620600LL },
	{ "2026-11-25T20:44:15.5+00:00", 0, 1795639455LL },
	{ "2012-11-14T21:51:28UTC", 0, 1352929888LL },
	{ "1970-01-01T00:00:00Z", 0, 0LL },
	{ "2000-02-29T12:00:00Z", 0, 951825600LL },
	{ "2024-02-29T23:59:59Z", 0, 1709251199LL },
	{ "1999-12-31T23:59:59Z", 0, 946684799LL },
	{ "2100-03-01T00:00:00Z", 0, 4107542400LL },	/* 2100: no leap */
	{ "2016-12-31T23:59:60Z", 0, 1483228800LL },	/* leap second */

	{ "", -1, 0 },
	{ "2018-03-27", -1, 0 },
	{ "2018-03-27T", -1, 0 },
	{ "2018-13-01T00:00:00Z", -1, 0 },
	{ "2018-00-10T00:00:00Z", -1, 0 },
	{ "2018-03-00T00:00:00Z", -1, 0 },
	{ "2018-03-32T00:00:00Z", -1, 0 },
	{ "2018-04-31T00:00:00Z", -1, 0 },
	{ "2018-02-29T00:00:00Z", -1, 0 },	/* 2018 is no leap year */
	{ "2018-03-27T20:55:09", -1, 0 },	/* no zone */
	{ "2018-03-27T20:55:09.330", -1, 0 },
	{ "2018-03-27T20:55:09Zjunk", -1, 0 },
	{ "2018-03-27T20:55:09.330Z ", -1, 0 },
	{ "2018-03-27T20:55:09+02:00x", -1, 0 },
	{ "2018-03-27T20:55:09UTCx", -1, 0 },
	{ "2018-03-27T25:00:00Z", -1, 0 },
	{ "2018-03-27T20:60:00Z", -1, 0 },
	{ "2018-03-27T20:55:09.Z", -1, 0 },
	{ "2018-03-27T20:55:09+02", -1, 0 },
	{ "2018-03-27T20:55:09+2:00", -1, 0 },
	{ "18-03-27T20:55:09Z", -1, 0 },
	{ "2018/03/27T20:55:09Z", -1, 0 },
	{ "2018-03-27X20:55:09Z", -1, 0 },
	{ "tomorrow", -1, 0 },
};

static void
test_iso8601_parse(void **state)
{
	const struct iso_case *c;
	time_t t;
	size_t i;
	int ret;

	UNIT_START(state);
	for (i = 0; i < NELEM(iso_cases); i++) {
		c = &iso_cases[i];
		t = (time_t)-12345;
		ret = iso8601_parse(c->in, &t);
		CHECK_INT(ret, c->ret, "iso8601_parse(\"%s\")", c->in);
		if (c->ret == 0)
			CHECK_INT(t, c->t, "iso8601_parse(\"%s\")", c->in);
	}
	UNIT_END();
}

struct fmt_case {
	long long	 t;
	const char	*text;
};

static const struct fmt_case fmt_cases[] = {
	{ 0LL, "1970-01-01T00:00:00Z" },
	{ 1522184109LL, "2018-03-27T20:55:09Z" },
	{ 1795639455LL, "2026-11-25T20:44:15Z" },
	{ 1709251199LL, "2024-02-29T23:59:59Z" },
	{ 951782400LL, "2000-02-29T00:00:00Z" },
	{ 4107542399LL, "2100-02-28T23:59:59Z" },
	{ 32500407614LL, "2999-11-24T03:00:14Z" },
};

/* Formats into the smallest buffer the header allows, and parses back. */
static void
test_iso8601_format_round_trip(void **state)
{
	const struct fmt_case *c;
	char buf[21];
	time_t back;
	size_t i;

	UNIT_START(state);
	for (i = 0; i < NELEM(fmt_cases); i++) {
		c = &fmt_cases[i];
		memset(buf, 'x', sizeof(buf));
		iso8601_format((time_t)c->t, buf, sizeof(buf));
		CHECK_STR(buf, c->text, "iso8601_format(%lld)", c->t);
		back = (time_t)-1;
		CHECK_INT(iso8601_parse(buf, &back), 0, "parse of \"%s\"", buf);
		CHECK_INT(back, c->t, "round trip of %lld", c->t);
	}
	UNIT_END();
}

/* CONTRACT.md 2: 78, 77, 76, 73, 75, 0, worst first. */
static void
test_status_worst_order(void **state)
{
	static const enum status order[] = { ST_CONFIG, ST_NOPERM,
	    ST_PROTOCOL, ST_CANTCREAT, ST_TEMPFAIL, ST_OK };
	enum status want;
	size_t i, j;

	UNIT_START(state);
	for (i = 0; i < NELEM(order); i++)
		for (j = 0; j < NELEM(order); j++) {
			want = order[i < j ? i : j];
			CHECK_INT(status_worst(order[i], order[j]), want,
			    "status_worst(%d, %d)", order[i], order[j]);
		}
	UNIT_END();
}

static void
test_status_worst_usage_ranks_first(void **state)
{
	static const enum status all[] = { ST_OK, ST_USAGE, ST_CANTCREAT,
	    ST_TEMPFAIL, ST_PROTOCOL, ST_NOPERM, ST_CONFIG };
	size_t i;

	UNIT_START(state);
	for (i = 0; i < NELEM(all); i++) {
		CHECK_INT(status_worst(ST_USAGE, all[i]), ST_USAGE,
		    "status_worst(64, %d)", all[i]);
		CHECK_INT(status_worst(all[i], ST_USAGE), ST_USAGE,
		    "status_worst(%d, 64)", all[i]);
	}
	UNIT_END();
}

struct streq_case {
	const char	*a, *b;
	int		 eq, caseeq;
};

static const struct streq_case streq_cases[] = {
	{ NULL, NULL, 1, 1 },
	{ NULL, "a", 0, 0 },
	{ "a", NULL, 0, 0 },
	{ NULL, "", 0, 0 },
	{ "", NULL, 0, 0 },
	{ "", "", 1, 1 },
	{ "a", "a", 1, 1 },
	{ "a", "A", 0, 1 },
	{ "abc", "abd", 0, 0 },
	{ "abc", "ab", 0, 0 },
	{ "ab", "abc", 0, 0 },
	{ "Home.Example.COM", "home.example.com", 0, 1 },
	{ "home.example.com", "home.example.com.", 0, 0 },
};

static void
test_streq_strcaseeq(void **state)
{
	const struct streq_case *c;
	size_t i;

	UNIT_START(state);
	for (i = 0; i < NELEM(streq_cases); i++) {
		c = &streq_cases[i];
		CHECK_INT(streq(c->a, c->b) != 0, c->eq, "streq row %zu", i);
		CHECK_INT(strcaseeq(c->a, c->b) != 0, c->caseeq,
		    "strcaseeq row %zu", i);
	}
	UNIT_END();
}

static void
test_xasprintf_and_copies(void **state)
{
	char *s;

	(void)state;
	s = xasprintf("%s/%d/%s", "domains", 6156121, "records");
	assert_string_equal(s, "domains/6156121/records");
	free(s);
	s = xstrndup("home.example.com", 4);
	assert_string_equal(s, "home");
	free(s);
	s = xstrdup("");
	assert_string_equal(s, "");
	freezero_str(s);
	freezero_str(NULL);	/* NULL-safe */
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_iso8601_parse),
		cmocka_unit_test(test_iso8601_format_round_trip),
		cmocka_unit_test(test_status_worst_order),
		cmocka_unit_test(test_status_worst_usage_ranks_first),
		cmocka_unit_test(test_streq_strcaseeq),
		cmocka_unit_test(test_xasprintf_and_copies),
	};

	return cmocka_run_group_tests_name("util", tests, unit_quiet, NULL);
}
