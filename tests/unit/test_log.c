/*
 * test_log.c
 * Unit tests for log.c: scrubbing, secrets, the journal's priorities, repeats.
 * SPDX-License-Identifier: ISC
 */

#include <sys/stat.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "unit.h"

#include "log.h"

/* One row: what a message held, and what is printed of it. */
struct scrub_case {
	const char	*why;
	const char	*in;
	const char	*out;
};

static const struct scrub_case scrub_cases[] = {
	{ "plain text stays", "PUT https://dns/v1.0/1/domains/2: HTTP 400",
	    "PUT https://dns/v1.0/1/domains/2: HTTP 400" },
	{ "a stack trace is one line",
	    "Main fault: java.lang.NullPointerException\n\tat Foo(Foo.java:4)"
	    "\r\n\tat Bar", "Main fault: java.lang.NullPointerException at "
	    "Foo(Foo.java:4) at Bar" },
	{ "a colour escape is removed", "\x1b[31mred\x1b[0m text",
	    "red text" },
	{ "a title escape (OSC) is removed", "a\x1b]0;owned\x07" "b", "ab" },
	{ "an OSC ended by ST is removed", "a\x1b]8;;http://x\x1b\\b", "ab" },
	{ "cursor movement is removed", "x\x1b[2J\x1b[1;1Hy", "xy" },
	{ "a lone ESC is removed", "a\x1b", "a" },
	{ "a C1 CSI byte is removed", "a\x9b" "31mb", "ab" },
	{ "a C1 CSI in UTF-8 goes too", "a\xc2\x9b" "31mb", "a?b" },
	{ "other controls become ?", "a\x01\x7f" "b\x08", "a??b?" },
	{ "UTF-8 stays", "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80",
	    "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80" },
	{ "invalid UTF-8 becomes ?", "a\xff\xc3(b\xe2\x82", "a?" "?(b?" "?" },
	{ "an overlong form becomes ?", "a\xc0\xafz", "a??z" },
	{ "a surrogate becomes ?", "a\xed\xa0\x80z", "a???z" },
	{ "trailing white space goes", "text \n\n", "text" },
	{ "a query string is cut", "GET https://echo.example/ip?token=abc: "
	    "HTTP 500", "GET https://echo.example/ip: HTTP 500" },
	{ "a fragment is cut", "https://a.example/x#frag and more",
	    "https://a.example/x and more" },
	{ "query at the end", "see http://127.0.0.1:8/e?k=v",
	    "see http://127.0.0.1:8/e" },
	{ "punctuation after the query stays", "(https://a.example/?q=1).",
	    "(https://a.example/)." },
	{ "a URL in capitals", "HTTPS://A.EXAMPLE/P?Q=1 x",
	    "HTTPS://A.EXAMPLE/P x" },
	{ "a path's query without a scheme stays",
	    "GET /domains?name=example.com", "GET /domains?name=example.com" },
	{ "an escape inside a URL", "https://a.example/\x1b[31mx?y=1",
	    "https://a.example/x" },
};

static void
test_scrub_table(void **state)
{
	const struct scrub_case *c;
	char *got;
	size_t i;

	UNIT_START(state);
	for (i = 0; i < NELEM(scrub_cases); i++) {
		c = &scrub_cases[i];
		got = log_scrub(c->in);
		CHECK_STR(got, c->out, "log_scrub: %s", c->why);
		free(got);
	}
	UNIT_END();
}

/* The key and tokens never reach a line, whatever quotes them. */
static void
test_secrets(void **state)
{
	static const char key[] = "0123456789abcdef0123456789abcdef";
	static const char token[] = "d74f592f986e4d6e995853ccf01d25fe";
	struct capture cap;
	char *got, *msgs;

	UNIT_START(state);
	log_secret(key);
	log_secret(token);
	log_secret(NULL);
	log_secret("");
	got = log_scrub("Invalid request: {\"apiKey\":\"0123456789abcdef"
	    "0123456789abcdef\",\"token\":\"d74f592f986e4d6e995853ccf01d25fe\"}");
	CHECK_STR(got, "Invalid request: {\"apiKey\":\"[secret]\","
	    "\"token\":\"[secret]\"}", "an API message quoting both");
	free(got);
	/* in a URL's path too, and where the query cut would not reach */
	got = log_scrub("https://x.example/d74f592f986e4d6e995853ccf01d25fe/"
	    "a?key=0123456789abcdef0123456789abcdef");
	CHECK_STR(got, "https://x.example/[secret]/a", "in a URL");
	free(got);
	/* an escape sequence that cuts a key in two goes, and the key with
	 * it (found by fuzz_scrub) */
	got = log_scrub("k=0123456789abcdef\x1b[m0123456789abcdef!");
	CHECK_STR(got, "k=[secret]!", "a key cut by an escape");
	free(got);
	/* through log_err, which is what callers use */
	log_init(0, 0, 0);
	capture_begin(&cap);
	log_err("POST %s: HTTP 400: %s", "https://id.example/v2.0/tokens",
	    "bad key 0123456789abcdef0123456789abcdef\nsee logs");
	msgs = capture_end(&cap);
	CHECK_STR(msgs, "ddnsupdate: POST https://id.example/v2.0/tokens: "
	    "HTTP 400: bad key [secret] see logs\n", "log_err");
	free(msgs);
	log_close();		/* wipes the secrets */
	got = log_scrub(key);
	CHECK_STR(got, key, "after log_close, nothing is secret");
	free(got);
	log_init(1, 0, 0);
	UNIT_END();
}

/* errno survives logging, whatever stderr is. */
static void
test_errno_kept(void **state)
{
	struct capture cap;
	char *msgs;
	int saved;

	UNIT_START(state);
	log_init(0, 0, 0);
	capture_begin(&cap);
	errno = EACCES;
	log_err("one");
	CHECK_INT(errno, EACCES, "errno after log_err");
	errno = ENOSPC;
	log_warn("two");
	CHECK_INT(errno, ENOSPC, "errno after log_warn");
	msgs = capture_end(&cap);
	free(msgs);
	/* with stderr closed */
	fflush(stderr);
	saved = dup(STDERR_FILENO);
	close(STDERR_FILENO);
	errno = EROFS;
	log_err("three");
	CHECK_INT(errno, EROFS, "errno after log_err to a closed stderr");
	dup2(saved, STDERR_FILENO);
	close(saved);
	clearerr(stderr);
	log_init(1, 0, 0);
	UNIT_END();
}

/* With $JOURNAL_STREAM naming stderr, each line carries its priority. */
static void
test_journal_priorities(void **state)
{
	struct capture cap;
	struct stat sb;
	char env[64], *msgs;

	UNIT_START(state);
	capture_begin(&cap);
	REQUIRE(fstat(STDERR_FILENO, &sb) == 0, "fstat");
	snprintf(env, sizeof(env), "%llu:%llu", (unsigned long long)sb.st_dev,
	    (unsigned long long)sb.st_ino);
	setenv("JOURNAL_STREAM", env, 1);
	log_init(0, 1, 0);
	log_err("an error");
	log_warn("a warning");
	log_info("progress");
	msgs = capture_end(&cap);
	CHECK_STR(msgs, "<3>ddnsupdate: an error\n"
	    "<4>ddnsupdate: warning: a warning\n"
	    "<7>ddnsupdate: progress\n", "journal lines");
	free(msgs);
	/* another stream: no prefix */
	setenv("JOURNAL_STREAM", "1:2", 1);
	capture_begin(&cap);
	log_init(0, 0, 0);
	log_err("an error");
	msgs = capture_end(&cap);
	CHECK_STR(msgs, "ddnsupdate: an error\n", "not the journal");
	free(msgs);
	unsetenv("JOURNAL_STREAM");
	log_init(1, 0, 0);
	UNIT_END();
}

/*
 * A line the previous run printed is held back within the interval;
 * each line is remembered with when it was last printed.
 */
static void
test_repeats(void **state)
{
	static char l0[] = "old failure", l1[] = "recent failure",
	    l2[] = "warning: recent warning", l3[] = "future";
	static const struct reported prev[] = { { l0, 1000 }, { l1, 9500 },
	    { l2, 9600 }, { l3, 20000 } };
	struct reported *saved;
	struct capture cap;
	char *msgs;
	size_t n, i;

	UNIT_START(state);
	log_init(0, 0, 0);
	log_report_start(prev, NELEM(prev), 10000, 3600);
	capture_begin(&cap);
	log_err("old failure");		/* older than the interval */
	log_err("recent failure");	/* held back */
	log_err("recent failure");	/* held back again (three records) */
	log_warn("recent warning");	/* held back */
	log_err("future");		/* a time after now is not believed */
	log_err("new failure");
	log_err("new failure");		/* twice in one run: both */
	msgs = capture_end(&cap);
	CHECK_STR(msgs, "ddnsupdate: old failure\nddnsupdate: future\n"
	    "ddnsupdate: new failure\nddnsupdate: new failure\n", "printed");
	free(msgs);
	/* what the state held is replaced by this run's lines */
	n = 1;
	saved = xcalloc(1, sizeof(*saved));
	saved[0].line = xstrdup("a line of the run before");
	log_report_save(&saved, &n);
	REQUIRE(n == 5, "remembered %zu lines", n);
	CHECK_STR(saved[0].line, "old failure", "line 0");
	CHECK_INT(saved[0].when, 10000, "old failure: printed now");
	CHECK_STR(saved[1].line, "recent failure", "line 1");
	CHECK_INT(saved[1].when, 9500, "recent failure: when it was printed");
	CHECK_STR(saved[2].line, "warning: recent warning", "line 2");
	CHECK_INT(saved[2].when, 9600, "recent warning: when it was printed");
	CHECK_INT(saved[3].when, 10000, "future: printed now");
	CHECK_STR(saved[4].line, "new failure", "line 4");
	for (i = 0; i < n; i++)
		free(saved[i].line);
	free(saved);
	log_close();

	/* -v prints every time; interval 0 likewise */
	log_init(0, 1, 0);
	log_report_start(prev, NELEM(prev), 10000, 3600);
	capture_begin(&cap);
	log_err("recent failure");
	msgs = capture_end(&cap);
	CHECK_STR(msgs, "ddnsupdate: recent failure\n", "-v");
	free(msgs);
	log_close();
	log_init(0, 0, 0);
	log_report_start(prev, NELEM(prev), 10000, 0);
	capture_begin(&cap);
	log_err("recent failure");
	msgs = capture_end(&cap);
	CHECK_STR(msgs, "ddnsupdate: recent failure\n", "interval 0");
	free(msgs);
	log_close();
	log_init(1, 0, 0);
	UNIT_END();
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_scrub_table),
		cmocka_unit_test(test_secrets),
		cmocka_unit_test(test_errno_kept),
		cmocka_unit_test(test_journal_priorities),
		cmocka_unit_test(test_repeats),
	};

	return cmocka_run_group_tests_name("log", tests, unit_quiet, NULL);
}
