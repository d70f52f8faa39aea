/*
 * test_cache.c
 * Unit tests for cache.c: the state file's parsing, atomic save, and lock.
 * SPDX-License-Identifier: ISC
 */

#include <sys/stat.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "unit.h"

#include "cache.h"

/* "now" for every load: after every time in the states below. */
#define NOW	((time_t)1795700000)

/* The state file as cache.c describes it, every member present. */
static const char full_state[] =
    "{\"version\": 1, \"ip\": \"81.2.69.160\",\n"
    " \"auth\": {\"username\": \"jdoe\", \"token\": \"tok-123\",\n"
    "   \"expires\": \"2026-11-26T20:44:15Z\", \"tenant\": \"123456\",\n"
    "   \"dns_url\": \"https://dns.api.rackspacecloud.com/v1.0/123456\"},\n"
    " \"backoff_until\": \"2026-11-25T21:00:00Z\",\n"
    " \"records\": [\n"
    "  {\"name\": \"home.example.com\", \"type\": \"A\",\n"
    "   \"zone\": \"example.com\", \"domain_id\": \"6156121\",\n"
    "   \"record_id\": \"A-23763619\", \"data\": \"81.2.69.160\",\n"
    "   \"ttl\": 300, \"verified\": \"2026-11-25T20:44:15Z\"},\n"
    "  {\"name\": \"home.example.com\", \"type\": \"AAAA\",\n"
    "   \"zone\": \"example.com\", \"domain_id\": \"6156121\",\n"
    "   \"record_id\": \"AAAA-1\", \"data\": \"2a00:1450::1\",\n"
    "   \"ttl\": 3600}]}\n";

static void
test_parse_full(void **state)
{
	struct state st;
	const char *why = "unset";

	UNIT_START(state);
	REQUIRE(cache_parse(full_state, strlen(full_state), &st, &why) ==
	    ST_OK, "full state: %s", why != NULL ? why : "(why NULL)");
	CHECK_STR(st.ip, "81.2.69.160", "ip");
	CHECK_STR(st.username, "jdoe", "auth.username");
	CHECK_STR(st.token, "tok-123", "auth.token");
	CHECK_INT(st.expires, 1795725855LL, "auth.expires");
	CHECK_STR(st.tenant, "123456", "auth.tenant");
	CHECK_STR(st.dns_url, "https://dns.api.rackspacecloud.com/v1.0/123456",
	    "auth.dns_url");
	CHECK_INT(st.backoff_until, 1795640400LL, "backoff_until");
	REQUIRE(st.nrecs == 2, "nrecs %zu", st.nrecs);
	CHECK_STR(st.recs[0].name, "home.example.com", "records[0].name");
	CHECK_INT(st.recs[0].family, FAM_V4, "records[0].type");
	CHECK_STR(st.recs[0].zone, "example.com", "records[0].zone");
	CHECK_STR(st.recs[0].domain_id, "6156121", "records[0].domain_id");
	CHECK_STR(st.recs[0].record_id, "A-23763619", "records[0].record_id");
	CHECK_STR(st.recs[0].data, "81.2.69.160", "records[0].data");
	CHECK_INT(st.recs[0].ttl, 300, "records[0].ttl");
	CHECK_INT(st.recs[0].verified, 1795639455LL, "records[0].verified");
	CHECK_INT(st.recs[1].family, FAM_V6, "records[1].type");
	CHECK_STR(st.recs[1].data, "2a00:1450::1", "records[1].data");
	CHECK_INT(st.recs[1].ttl, 3600, "records[1].ttl");
	CHECK_INT(st.recs[1].verified, 0, "records[1].verified (never)");
	state_free(&st);
	state_free(&st);	/* idempotent */
	UNIT_END();
}

/* The original script's cache is a state without endpoint or records. */
static void
test_parse_original_cache(void **state)
{
	static const char text[] = "{\"ip\":\"81.2.69.160\",\"auth\":"
	    "{\"token\":\"t\",\"expires\":\"2018-03-27T20:55:09.330Z\"}}";
	struct state st;
	const char *why = "unset";

	UNIT_START(state);
	REQUIRE(cache_parse(text, strlen(text), &st, &why) == ST_OK,
	    "original cache: %s", why != NULL ? why : "(why NULL)");
	CHECK_STR(st.ip, "81.2.69.160", "ip");
	CHECK_STR(st.token, "t", "token");
	CHECK_INT(st.expires, 1522184109LL, "expires");
	CHECK_STR(st.dns_url, NULL, "dns_url");
	CHECK_STR(st.tenant, NULL, "tenant");
	CHECK_STR(st.username, NULL, "username");
	CHECK_INT(st.backoff_until, 0, "backoff_until");
	CHECK_INT(st.nrecs, 0, "nrecs");
	state_free(&st);
	UNIT_END();
}

struct corrupt_case {
	const char	*why;
	const char	*text;
	size_t		 len;		/* 0: strlen(text) */
};

static const struct corrupt_case corrupt_cases[] = {
	{ "empty", "", 0 },
	{ "unclosed brace", "{", 0 },
	{ "a list", "[]", 0 },
	{ "null", "null", 0 },
	{ "a number", "42", 0 },
	{ "records a number", "{\"records\":5}", 0 },
	{ "record of type MX", "{\"version\":1,\"records\":[{\"name\":"
	    "\"home.example.com\",\"type\":\"MX\","
	    "\"data\":\"mx.example.com\"}]}",
	    0 },
	{ "record not an object", "{\"version\":1,\"records\":[\"x\"]}", 0 },
	{ "auth a string", "{\"ip\":\"81.2.69.160\",\"auth\":\"t\"}", 0 },
	{ "ip a number", "{\"ip\":5}", 0 },
	{ "truncated", "{\"version\": 1, \"ip\": \"81.2.69.160\", \"rec", 0 },
	{ "binary bytes", "\x7f" "ELF\x02\x01\x01\0\0\0\xff\xfe", 12 },
	{ "zero-filled (a crash before the data reached disk)",
	    "\0\0\0\0\0\0\0\0", 8 },
	{ "a NUL before valid JSON", "\0{}", 3 },
};

static void
test_parse_corrupt(void **state)
{
	const struct corrupt_case *c;
	struct state st;
	const char *why;
	enum status ret;
	size_t i;

	UNIT_START(state);
	for (i = 0; i < NELEM(corrupt_cases); i++) {
		c = &corrupt_cases[i];
		why = NULL;
		ret = cache_parse(c->text, c->len != 0 ? c->len :
		    strlen(c->text), &st, &why);
		CHECK_INT(ret, ST_PROTOCOL, "cache_parse: %s", c->why);
		if (ret != ST_OK)
			CHECK(why != NULL && why[0] != '\0',
			    "cache_parse: %s: no why", c->why);
		state_free(&st);
	}
	UNIT_END();
}

/* A state with every member set; strings on the heap for state_free. */
static void
fill_state(struct state *st)
{
	struct record_state *rs;

	memset(st, 0, sizeof(*st));
	st->username = xstrdup("jdoe");
	st->token = xstrdup("d74f592f986e4d6e995853ccf01d25fe");
	st->expires = 1795725855;
	st->tenant = xstrdup("123456");
	st->dns_url = xstrdup("https://dns.api.rackspacecloud.com/v1.0/123456");
	st->ip = xstrdup("81.2.69.160");
	st->backoff_until = 1795640400;
	st->recs = xcalloc(3, sizeof(*st->recs));
	st->nrecs = 3;
	rs = &st->recs[0];
	rs->name = xstrdup("home.example.com");
	rs->family = FAM_V4;
	rs->zone = xstrdup("example.com");
	rs->domain_id = xstrdup("6156121");
	rs->record_id = xstrdup("A-23763619");
	rs->data = xstrdup("81.2.69.160");
	rs->ttl = 300;
	rs->changed = 1795600000;
	rs->verified = 1795639455;
	rs = &st->recs[1];
	rs->name = xstrdup("home.example.com");
	rs->family = FAM_V6;
	rs->zone = xstrdup("example.com");
	rs->domain_id = xstrdup("6156121");
	rs->record_id = xstrdup("AAAA-1");
	rs->data = xstrdup("2a00:1450::1");
	rs->ttl = 3600;
	rs->verified = 1795639000;
	rs->failure.since = 1795630000;
	rs->failure.runs = 12;
	rs = &st->recs[2];		/* the original form: ids only */
	rs->family = FAM_V4;
	rs->domain_id = xstrdup("123456789");
	rs->record_id = xstrdup("A-123456789");
	st->detect[FAM_V6].since = 1795620000;
	st->detect[FAM_V6].runs = 3;
	st->reported = xcalloc(2, sizeof(*st->reported));
	st->nreported = 2;
	st->reported[0].line = xstrdup("no IPv6 address could be detected");
	st->reported[0].when = 1795620000;
	st->reported[1].line = xstrdup("warning: a \"quoted\" line");
	st->reported[1].when = 1795620001;
}

static void
check_same_state(const struct state *a, const struct state *b,
    const char *row)
{
	size_t i;

	CHECK_STR(b->username, a->username, "%s: username", row);
	CHECK_STR(b->token, a->token, "%s: token", row);
	CHECK_INT(b->expires, a->expires, "%s: expires", row);
	CHECK_STR(b->tenant, a->tenant, "%s: tenant", row);
	CHECK_STR(b->dns_url, a->dns_url, "%s: dns_url", row);
	CHECK_STR(b->ip, a->ip, "%s: ip", row);
	CHECK_INT(b->backoff_until, a->backoff_until, "%s: backoff_until",
	    row);
	CHECK_INT(b->detect[FAM_V4].since, a->detect[FAM_V4].since,
	    "%s: detect v4", row);
	CHECK_INT(b->detect[FAM_V6].since, a->detect[FAM_V6].since,
	    "%s: detect v6", row);
	CHECK_INT(b->detect[FAM_V6].runs, a->detect[FAM_V6].runs,
	    "%s: detect v6 runs", row);
	REQUIRE(b->nreported == a->nreported, "%s: nreported %zu, want %zu",
	    row, b->nreported, a->nreported);
	for (i = 0; i < a->nreported; i++) {
		CHECK_STR(b->reported[i].line, a->reported[i].line,
		    "%s: reported[%zu]", row, i);
		CHECK_INT(b->reported[i].when, a->reported[i].when,
		    "%s: reported[%zu]", row, i);
	}
	REQUIRE(b->nrecs == a->nrecs, "%s: nrecs %zu, want %zu", row,
	    b->nrecs, a->nrecs);
	for (i = 0; i < a->nrecs; i++) {
		CHECK_STR(b->recs[i].name, a->recs[i].name, "%s: recs[%zu]",
		    row, i);
		CHECK_INT(b->recs[i].family, a->recs[i].family,
		    "%s: recs[%zu]", row, i);
		CHECK_STR(b->recs[i].zone, a->recs[i].zone, "%s: recs[%zu]",
		    row, i);
		CHECK_STR(b->recs[i].domain_id, a->recs[i].domain_id,
		    "%s: recs[%zu]", row, i);
		CHECK_STR(b->recs[i].record_id, a->recs[i].record_id,
		    "%s: recs[%zu]", row, i);
		CHECK_STR(b->recs[i].data, a->recs[i].data, "%s: recs[%zu]",
		    row, i);
		CHECK_INT(b->recs[i].ttl, a->recs[i].ttl, "%s: recs[%zu]",
		    row, i);
		CHECK_INT(b->recs[i].verified, a->recs[i].verified,
		    "%s: recs[%zu]", row, i);
		CHECK_INT(b->recs[i].changed, a->recs[i].changed,
		    "%s: recs[%zu]", row, i);
		CHECK_INT(b->recs[i].failure.since, a->recs[i].failure.since,
		    "%s: recs[%zu]", row, i);
		CHECK_INT(b->recs[i].failure.runs, a->recs[i].failure.runs,
		    "%s: recs[%zu]", row, i);
	}
}

static void
check_empty_state(const struct state *st, const char *row)
{
	CHECK_STR(st->token, NULL, "%s: token", row);
	CHECK_STR(st->ip, NULL, "%s: ip", row);
	CHECK_STR(st->dns_url, NULL, "%s: dns_url", row);
	CHECK_INT(st->expires, 0, "%s: expires", row);
	CHECK_INT(st->backoff_until, 0, "%s: backoff_until", row);
	CHECK_INT(st->nrecs, 0, "%s: nrecs", row);
}

/* Writes text to path, mode 0600. */
static void
put(const char *path, const char *text)
{
	unit_write(path, text, strlen(text), 0600);
}

static int
dir_setup(void **state)
{
	*state = unit_mkdtemp();
	return 0;
}

static int
dir_teardown(void **state)
{
	unit_rmtree(*state);
	return 0;
}

/* Save, then load: every member equal; 0600; no temporary left over. */
static void
test_save_load_round_trip(void **state)
{
	char *dir = *state, *path;
	struct state a, b;
	struct stat sb;

	UNIT_START(state);
	path = unit_path(dir, "cache.json");
	/* an old, world-readable file is replaced */
	put(path, "{\"ip\":\"1.1.1.1\"}");
	assert_int_equal(chmod(path, 0644), 0);
	fill_state(&a);
	CHECK_INT(cache_save(path, &a), ST_OK, "cache_save");
	REQUIRE(stat(path, &sb) == 0, "stat %s", path);
	CHECK_INT(sb.st_mode & 07777, 0600, "mode of the state file");
	CHECK_INT(unit_count_entries(dir), 1, "entries in the directory");
	CHECK_INT(cache_load(path, NOW, &b), ST_OK, "cache_load");
	check_same_state(&a, &b, "round trip");
	state_free(&b);

	/* a second save replaces the first */
	free(a.ip);
	a.ip = xstrdup("81.2.69.161");
	free(a.recs[0].data);
	a.recs[0].data = xstrdup("81.2.69.161");
	a.recs[0].verified = 1795640000;
	a.backoff_until = 0;
	CHECK_INT(cache_save(path, &a), ST_OK, "second cache_save");
	CHECK_INT(unit_count_entries(dir), 1, "entries after second save");
	CHECK_INT(cache_load(path, NOW, &b), ST_OK, "second cache_load");
	check_same_state(&a, &b, "second round trip");
	REQUIRE(stat(path, &sb) == 0, "stat %s", path);
	CHECK_INT(sb.st_mode & 07777, 0600, "mode after second save");
	state_free(&a);
	state_free(&b);
	free(path);
	UNIT_END();
}

/* An empty state saves and loads as empty. */
static void
test_save_load_empty(void **state)
{
	char *dir = *state, *path;
	struct state a, b;

	UNIT_START(state);
	path = unit_path(dir, "cache.json");
	memset(&a, 0, sizeof(a));
	CHECK_INT(cache_save(path, &a), ST_OK, "cache_save of empty state");
	CHECK_INT(cache_load(path, NOW, &b), ST_OK, "cache_load of empty state");
	check_empty_state(&b, "empty round trip");
	state_free(&a);		/* cache_save keeps the text it wrote */
	state_free(&b);
	free(path);
	UNIT_END();
}

static void
test_load_missing_and_corrupt(void **state)
{
	char *dir = *state, *path;
	struct state st;
	int saved;

	UNIT_START(state);
	path = unit_path(dir, "cache.json");
	CHECK_INT(cache_load(path, NOW, &st), ST_OK, "missing file: first run");
	check_empty_state(&st, "missing file");
	state_free(&st);

	put(path, "{\"version\": 1, \"ip\": \"81.");
	saved = stderr_off();
	CHECK_INT(cache_load(path, NOW, &st), ST_OK, "corrupt file: first run");
	stderr_on(saved);
	check_empty_state(&st, "corrupt file");
	state_free(&st);

	put(path, "");
	saved = stderr_off();
	CHECK_INT(cache_load(path, NOW, &st), ST_OK, "empty file: first run");
	stderr_on(saved);
	check_empty_state(&st, "empty file");
	state_free(&st);

	saved = stderr_off();
	CHECK_INT(cache_load(dir, NOW, &st), ST_OK, "a directory: first run");
	stderr_on(saved);
	check_empty_state(&st, "a directory");
	state_free(&st);

	put(path, "{\"ip\":\"81.2.69.160\",\"auth\":{\"token\":\"t\","
	    "\"expires\":\"2018-03-27T20:55:09.330Z\"}}");
	CHECK_INT(cache_load(path, NOW, &st), ST_OK, "original cache file");
	CHECK_STR(st.ip, "81.2.69.160", "original cache file: ip");
	CHECK_STR(st.token, "t", "original cache file: token");
	CHECK_INT(st.expires, 1522184109LL, "original cache file: expires");
	state_free(&st);
	free(path);
	UNIT_END();
}

/* A corrupt state file is one warning, on stderr, "ddnsupdate: " first. */
static void
test_load_corrupt_warns(void **state)
{
	char *dir = *state, *path, *msgs;
	struct capture cap;
	struct state st;

	UNIT_START(state);
	path = unit_path(dir, "cache.json");
	put(path, "{garbage");
	log_init(0, 0, 0);
	capture_begin(&cap);
	CHECK_INT(cache_load(path, NOW, &st), ST_OK, "corrupt file");
	msgs = capture_end(&cap);
	log_init(1, 0, 0);
	CHECK(msgs[0] != '\0', "corrupt file: no warning");
	CHECK(unit_lines_prefixed(msgs), "corrupt file: output \"%s\"", msgs);
	CHECK(strchr(msgs, '\n') == msgs + strlen(msgs) - 1,
	    "corrupt file: more than one line: \"%s\"", msgs);
	state_free(&st);
	free(msgs);
	free(path);
	UNIT_END();
}

/* Saving into a missing directory: ST_CANTCREAT, nothing created. */
static void
test_save_missing_dir(void **state)
{
	char *dir = *state, *sub, *path;
	struct state a;
	struct stat sb;
	enum status ret;
	int saved;

	UNIT_START(state);
	sub = unit_path(dir, "missing");
	path = unit_path(sub, "cache.json");
	fill_state(&a);
	saved = stderr_off();
	ret = cache_save(path, &a);
	stderr_on(saved);
	CHECK_INT(ret, ST_CANTCREAT, "cache_save into a missing directory");
	CHECK(stat(sub, &sb) == -1 && errno == ENOENT,
	    "the missing directory was created");
	CHECK_INT(unit_count_entries(dir), 0, "entries in the parent");
	state_free(&a);
	free(path);
	free(sub);
	UNIT_END();
}

/* flock conflicts between two open file descriptions, even in one process. */
static void
test_lock(void **state)
{
	char *dir = *state, *path, *lock, *sub, *subpath;
	struct stat sb;
	enum status ret;
	int fd1 = -1, fd2 = -1, fd3 = -1, saved;

	UNIT_START(state);
	path = unit_path(dir, "cache.json");
	lock = unit_path(dir, "cache.json.lock");
	CHECK_INT(cache_lock(path, 0, &fd1), ST_OK, "first lock");
	CHECK(fd1 >= 0, "first lock: fd %d", fd1);
	REQUIRE(stat(lock, &sb) == 0, "lock file %s not created", lock);
	CHECK_INT(sb.st_mode & 07777, 0600, "mode of the lock file");

	saved = stderr_off();
	ret = cache_lock(path, 0, &fd2);
	stderr_on(saved);
	CHECK_INT(ret, ST_TEMPFAIL, "second lock while the first is held");
	if (ret == ST_OK)
		cache_unlock(fd2);

	cache_unlock(fd1);
	CHECK_INT(cache_lock(path, 0, &fd3), ST_OK, "lock after unlock");
	cache_unlock(fd3);
	cache_unlock(-1);	/* ignored */

	sub = unit_path(dir, "missing");
	subpath = unit_path(sub, "cache.json");
	saved = stderr_off();
	ret = cache_lock(subpath, 0, &fd2);
	stderr_on(saved);
	CHECK_INT(ret, ST_CANTCREAT, "lock in a missing directory");
	if (ret == ST_OK)
		cache_unlock(fd2);
	CHECK(stat(sub, &sb) == -1, "the missing directory was created");
	free(sub);
	free(subpath);
	free(lock);
	free(path);
	UNIT_END();
}

static void
test_record_find_add(void **state)
{
	struct record_conf a = { 0 }, aaaa = { 0 }, byid = { 0 },
	    other = { 0 }, noname = { 0 };
	struct record_state *rs;
	struct state st;

	UNIT_START(state);
	memset(&st, 0, sizeof(st));
	a.name = "home.example.com";
	a.family = FAM_V4;
	aaaa.name = "home.example.com";
	aaaa.family = FAM_V6;
	other.name = "other.example.com";
	other.family = FAM_V4;
	byid.record_id = "A-123456789";
	byid.family = FAM_V4;
	noname.family = FAM_V4;

	CHECK(cache_record_find(&st, &a) == NULL, "find in an empty state");
	rs = cache_record_add(&st, &a);
	REQUIRE(rs != NULL, "add A");
	CHECK_STR(rs->name, "home.example.com", "added A: name");
	CHECK_INT(rs->family, FAM_V4, "added A: family");
	CHECK_STR(rs->data, NULL, "added A: data");
	CHECK_STR(rs->record_id, NULL, "added A: record_id");
	CHECK_INT(rs->verified, 0, "added A: verified");
	CHECK(rs->name != a.name, "added A: name not copied");
	rs->data = xstrdup("81.2.69.160");

	CHECK(cache_record_find(&st, &aaaa) == NULL, "AAAA of the same name");
	CHECK(cache_record_find(&st, &other) == NULL, "another name");
	rs = cache_record_add(&st, &aaaa);
	REQUIRE(rs != NULL, "add AAAA");
	CHECK_INT(rs->family, FAM_V6, "added AAAA: family");

	rs = cache_record_find(&st, &a);
	REQUIRE(rs != NULL, "find A after adding AAAA");
	CHECK_INT(rs->family, FAM_V4, "found A: family");
	CHECK_STR(rs->data, "81.2.69.160", "found A: data");
	rs = cache_record_find(&st, &aaaa);
	REQUIRE(rs != NULL, "find AAAA");
	CHECK_INT(rs->family, FAM_V6, "found AAAA: family");

	/* the original form: no name, found by record id */
	CHECK(cache_record_find(&st, &byid) == NULL, "by id, none yet");
	rs = cache_record_add(&st, &byid);
	REQUIRE(rs != NULL, "add by id");
	CHECK_STR(rs->name, NULL, "added by id: name");
	rs->record_id = xstrdup("A-123456789");
	rs->data = xstrdup("81.2.69.1");
	rs = cache_record_find(&st, &byid);
	REQUIRE(rs != NULL, "find by id");
	CHECK_STR(rs->record_id, "A-123456789", "found by id: record_id");
	CHECK_STR(rs->data, "81.2.69.1", "found by id: data");
	byid.record_id = "A-999";
	CHECK(cache_record_find(&st, &byid) == NULL, "another id");
	CHECK(cache_record_find(&st, &noname) == NULL, "neither name nor id");
	CHECK_INT(st.nrecs, 3, "nrecs");
	state_free(&st);
	UNIT_END();
}

static void
test_forget_token(void **state)
{
	struct state st;

	UNIT_START(state);
	fill_state(&st);
	cache_forget_token(&st);
	CHECK_STR(st.token, NULL, "token");
	CHECK_INT(st.expires, 0, "expires");
	CHECK_STR(st.ip, "81.2.69.160", "ip kept");
	CHECK_INT(st.nrecs, 3, "records kept");
	state_free(&st);
	state_free(NULL);
	UNIT_END();
}

/* A state nobody else could have written, as CONTRACT.md 5 (v2) says. */
static void
test_load_untrusted(void **state)
{
	char *dir = *state, *path;
	struct state a, st;
	int saved;

	UNIT_START(state);
	path = unit_path(dir, "cache.json");
	fill_state(&a);
	REQUIRE(cache_save(path, &a) == ST_OK, "cache_save");
	state_free(&a);

	/* group- or other-writable: ignored, a first run */
	REQUIRE(chmod(path, 0620) == 0, "chmod");
	saved = stderr_off();
	CHECK_INT(cache_load(path, NOW, &st), ST_OK, "group-writable");
	stderr_on(saved);
	check_empty_state(&st, "group-writable");
	state_free(&st);
	REQUIRE(chmod(path, 0602) == 0, "chmod");
	saved = stderr_off();
	CHECK_INT(cache_load(path, NOW, &st), ST_OK, "other-writable");
	stderr_on(saved);
	check_empty_state(&st, "other-writable");
	state_free(&st);
	/* group- and other-readable is no threat to what it says */
	REQUIRE(chmod(path, 0644) == 0, "chmod");
	CHECK_INT(cache_load(path, NOW, &st), ST_OK, "0644");
	CHECK_STR(st.ip, "81.2.69.160", "0644 is believed");
	state_free(&st);
	/* a FIFO in its place never blocks */
	REQUIRE(unlink(path) == 0 && mkfifo(path, 0600) == 0, "mkfifo");
	saved = stderr_off();
	CHECK_INT(cache_load(path, NOW, &st), ST_OK, "a FIFO");
	stderr_on(saved);
	check_empty_state(&st, "a FIFO");
	state_free(&st);
	free(path);
	UNIT_END();
}

/* Times written by a clock that ran fast are not believed. */
static void
test_load_clock(void **state)
{
	char *dir = *state, *path;
	struct state a, st;

	UNIT_START(state);
	path = unit_path(dir, "cache.json");
	fill_state(&a);
	a.backoff_until = NOW + 2 * 86400;		/* two days */
	a.recs[0].verified = NOW + 86400;
	a.recs[1].changed = NOW + 60;
	REQUIRE(cache_save(path, &a) == ST_OK, "cache_save");
	CHECK_INT(cache_load(path, NOW, &st), ST_OK, "cache_load");
	CHECK_INT(st.backoff_until, NOW + RATE_LIMIT_MAX_WAIT,
	    "a wait of two days is cut to an hour");
	CHECK_INT(st.recs[0].verified, 0, "verified tomorrow: due");
	CHECK_INT(st.recs[1].verified, 0, "changed in a minute: due");
	CHECK_INT(st.recs[1].changed, NOW, "changed in a minute: now");
	CHECK_INT(st.recs[2].verified, 0, "never verified stays so");
	/* what is cut is saved so */
	CHECK_INT(cache_save(path, &st), ST_OK, "save the cut wait");
	state_free(&st);
	CHECK_INT(cache_load(path, NOW, &st), ST_OK, "load again");
	CHECK_INT(st.backoff_until, NOW + RATE_LIMIT_MAX_WAIT, "saved cut");
	state_free(&st);
	/* a wait within the hour stands */
	a.backoff_until = NOW + 600;
	a.recs[0].verified = NOW - 60;
	REQUIRE(cache_save(path, &a) == ST_OK, "cache_save");
	CHECK_INT(cache_load(path, NOW, &st), ST_OK, "cache_load");
	CHECK_INT(st.backoff_until, NOW + 600, "ten minutes stand");
	CHECK_INT(st.recs[0].verified, NOW - 60, "a minute ago stands");
	state_free(&st);
	state_free(&a);
	free(path);
	UNIT_END();
}

/* An unchanged state is not written; only our own temporaries go. */
static void
test_save_unchanged_and_temporaries(void **state)
{
	char *dir = *state, *path, *user, *ours, *lookalike;
	struct state a, st;
	struct stat before, after;

	UNIT_START(state);
	path = unit_path(dir, "cache.json");
	fill_state(&a);
	REQUIRE(cache_save(path, &a) == ST_OK, "cache_save");
	state_free(&a);
	REQUIRE(cache_load(path, NOW, &st) == ST_OK, "cache_load");
	REQUIRE(stat(path, &before) == 0, "stat");
	REQUIRE(chmod(path, 0400) == 0, "chmod: a rename would reset it");
	CHECK_INT(cache_save(path, &st), ST_OK, "save unchanged");
	REQUIRE(stat(path, &after) == 0, "stat");
	CHECK_INT(after.st_ino, before.st_ino, "unchanged: the same file");
	CHECK_INT(after.st_mode & 07777, 0400, "unchanged: not rewritten");

	/* a user's file named like a temporary is never removed */
	user = unit_path(dir, "cache.json.abcdef");
	lookalike = unit_path(dir, "cache.json.ddnsupdate-tmp-abcdefg");
	ours = unit_path(dir, "cache.json.ddnsupdate-tmp-Ab3dE9");
	put(user, "mine");
	put(lookalike, "mine too");
	put(ours, "{\"torn");
	free(st.ip);
	st.ip = xstrdup("81.2.69.200");
	CHECK_INT(cache_save(path, &st), ST_OK, "save changed");
	CHECK(access(user, F_OK) == 0, "a user's file was removed");
	CHECK(access(lookalike, F_OK) == 0, "a look-alike was removed");
	CHECK(access(ours, F_OK) == -1, "a stale temporary was left");
	CHECK_INT(unit_count_entries(dir), 3, "entries after the save");
	state_free(&st);
	free(user);
	free(lookalike);
	free(ours);
	free(path);
	UNIT_END();
}

/* Root keeps the owner of the state and its lock (sudo ddnsupdate -v). */
static void
test_root_keeps_owner(void **state)
{
	char *dir = *state, *path, *lock;
	struct state a;
	struct stat sb;
	int fd = -1;

	UNIT_START(state);
	if (geteuid() != 0) {
		print_message("not root: ownership is root's matter only\n");
		UNIT_END();
		return;
	}
	path = unit_path(dir, "cache.json");
	lock = unit_path(dir, "cache.json.lock");
	fill_state(&a);
	REQUIRE(cache_save(path, &a) == ST_OK, "cache_save");
	REQUIRE(chown(path, 4242, 4343) == 0, "chown the state");
	free(a.ip);
	a.ip = xstrdup("81.2.69.201");
	CHECK_INT(cache_save(path, &a), ST_OK, "save as root");
	REQUIRE(stat(path, &sb) == 0, "stat");
	CHECK_INT(sb.st_uid, 4242, "state owner kept");
	CHECK_INT(sb.st_gid, 4343, "state group kept");
	/* a lock root makes takes the state's owner */
	CHECK_INT(cache_lock(path, 0, &fd), ST_OK, "lock");
	cache_unlock(fd);
	REQUIRE(stat(lock, &sb) == 0, "stat lock");
	CHECK_INT(sb.st_uid, 4242, "lock owner");
	/* a new state in a directory of another user takes its owner */
	REQUIRE(unlink(path) == 0 && chown(dir, 4242, 4343) == 0, "chown dir");
	freezero_str(a.loaded);		/* as if never loaded */
	a.loaded = NULL;
	CHECK_INT(cache_save(path, &a), ST_OK, "first save as root");
	REQUIRE(stat(path, &sb) == 0, "stat");
	CHECK_INT(sb.st_uid, 4242, "new state owner");
	REQUIRE(chown(dir, 0, 0) == 0, "chown dir back");
	state_free(&a);
	free(lock);
	free(path);
	UNIT_END();
}

/* -w: a held lock is waited for, up to the limit. */
static void
test_lock_wait(void **state)
{
	char *dir = *state, *path;
	struct timespec t0, t1;
	enum status ret;
	double secs;
	int fd1 = -1, fd2 = -1, saved;

	UNIT_START(state);
	path = unit_path(dir, "cache.json");
	REQUIRE(cache_lock(path, 0, &fd1) == ST_OK, "first lock");
	clock_gettime(CLOCK_MONOTONIC, &t0);
	saved = stderr_off();
	ret = cache_lock(path, 1, &fd2);
	stderr_on(saved);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	secs = (double)(t1.tv_sec - t0.tv_sec) +
	    (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	CHECK_INT(ret, ST_TEMPFAIL, "still held after -w 1");
	CHECK(secs >= 0.9, "waited only %.2f s", secs);
	if (ret == ST_OK)
		cache_unlock(fd2);
	cache_unlock(fd1);
	free(path);
	UNIT_END();
}

/* The state directory is checked before any traffic. */
static void
test_check_dir(void **state)
{
	char *dir = *state, *path, *sub, *subpath;
	int saved;

	UNIT_START(state);
	path = unit_path(dir, "cache.json");
	CHECK_INT(cache_check_dir(path), ST_OK, "a writable directory");
	sub = unit_path(dir, "missing");
	subpath = unit_path(sub, "cache.json");
	saved = stderr_off();
	CHECK_INT(cache_check_dir(subpath), ST_CANTCREAT, "a missing one");
	stderr_on(saved);
	free(sub);
	free(subpath);
	free(path);
	UNIT_END();
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_full),
		cmocka_unit_test(test_parse_original_cache),
		cmocka_unit_test(test_parse_corrupt),
		cmocka_unit_test_setup_teardown(test_save_load_round_trip,
		    dir_setup, dir_teardown),
		cmocka_unit_test_setup_teardown(test_save_load_empty,
		    dir_setup, dir_teardown),
		cmocka_unit_test_setup_teardown(test_load_missing_and_corrupt,
		    dir_setup, dir_teardown),
		cmocka_unit_test_setup_teardown(test_load_corrupt_warns,
		    dir_setup, dir_teardown),
		cmocka_unit_test_setup_teardown(test_save_missing_dir,
		    dir_setup, dir_teardown),
		cmocka_unit_test_setup_teardown(test_lock,
		    dir_setup, dir_teardown),
		cmocka_unit_test_setup_teardown(test_load_untrusted,
		    dir_setup, dir_teardown),
		cmocka_unit_test_setup_teardown(test_load_clock,
		    dir_setup, dir_teardown),
		cmocka_unit_test_setup_teardown(
		    test_save_unchanged_and_temporaries, dir_setup,
		    dir_teardown),
		cmocka_unit_test_setup_teardown(test_root_keeps_owner,
		    dir_setup, dir_teardown),
		cmocka_unit_test_setup_teardown(test_lock_wait,
		    dir_setup, dir_teardown),
		cmocka_unit_test_setup_teardown(test_check_dir,
		    dir_setup, dir_teardown),
		cmocka_unit_test(test_record_find_add),
		cmocka_unit_test(test_forget_token),
	};

	return cmocka_run_group_tests_name("cache", tests, unit_quiet, NULL);
}
