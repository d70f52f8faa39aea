/*
 * unit.h
 * What the cmocka unit tests share: row-naming checks, quiet stderr, files.
 * SPDX-License-Identifier: ISC
 */

#ifndef UNIT_H
#define UNIT_H

#include <sys/stat.h>

#include <dirent.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "ddnsupdate.h"
#include "log.h"

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

/*
 * Checks that name the failing row.  The trailing arguments are a printf
 * format and its arguments saying which row ran; they are printed with
 * the values that differ.  A failed CHECK is counted and the test goes on
 * with the next row, so that one run lists every failing row; UNIT_END()
 * then fails the test.  REQUIRE fails at once, for a condition without
 * which the rest of the row cannot run.  Each test that uses them begins
 * with UNIT_START(state) and ends with UNIT_END().
 */
static int unit_nfail __attribute__((unused));

#define UNIT_START(state) do {						\
	(void)(state);							\
	unit_nfail = 0;							\
} while (0)

#define UNIT_END() do {							\
	if (unit_nfail > 0) {						\
		print_error("%d check(s) failed\n", unit_nfail);	\
		unit_nfail = 0;						\
		fail();							\
	}								\
} while (0)

#define CHECK(cond, ...) do {						\
	if (!(cond)) {							\
		print_error(__VA_ARGS__);				\
		print_error(": %s is false\n", #cond);			\
		unit_nfail++;						\
	}								\
} while (0)

#define REQUIRE(cond, ...) do {						\
	if (!(cond)) {							\
		print_error(__VA_ARGS__);				\
		print_error(": %s is false\n", #cond);			\
		fail();							\
	}								\
} while (0)

#define CHECK_INT(got, want, ...) do {					\
	long long got_ = (long long)(got), want_ = (long long)(want);	\
	if (got_ != want_) {						\
		print_error(__VA_ARGS__);				\
		print_error(": %s is %lld, want %lld\n", #got, got_,	\
		    want_);						\
		unit_nfail++;						\
	}								\
} while (0)

#define CHECK_STR(got, want, ...) do {					\
	const char *got_ = (got), *want_ = (want);			\
	if (!unit_streq(got_, want_)) {					\
		print_error(__VA_ARGS__);				\
		print_error(": %s is %s%s%s, want %s%s%s\n", #got,	\
		    got_ != NULL ? "\"" : "",				\
		    got_ != NULL ? got_ : "NULL",			\
		    got_ != NULL ? "\"" : "",				\
		    want_ != NULL ? "\"" : "",				\
		    want_ != NULL ? want_ : "NULL",			\
		    want_ != NULL ? "\"" : "");				\
		unit_nfail++;						\
	}								\
} while (0)

/* Equal strings, or both NULL; independent of util.c's streq. */
static inline int
unit_streq(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return a == b;
	return strcmp(a, b) == 0;
}

/*
 * Sends stderr to /dev/null around a call that logs on purpose, and
 * returns what stderr_on needs to restore it.  UNIT_VERBOSE=1 in the
 * environment keeps the messages.  Restore before asserting: cmocka
 * reports failures on stderr.
 */
static inline int
stderr_off(void)
{
	int saved, fd;

	if (getenv("UNIT_VERBOSE") != NULL)
		return -1;
	fflush(stderr);
	if ((saved = dup(STDERR_FILENO)) == -1)
		return -1;
	if ((fd = open("/dev/null", O_WRONLY)) == -1) {
		close(saved);
		return -1;
	}
	dup2(fd, STDERR_FILENO);
	close(fd);
	return saved;
}

static inline void
stderr_on(int saved)
{
	if (saved == -1)
		return;
	fflush(stderr);
	dup2(saved, STDERR_FILENO);
	close(saved);
}

/*
 * Captures what is written to stderr between capture_begin and
 * capture_end, which returns it as a string (caller frees).  With
 * UNIT_VERBOSE=1 the text is echoed once stderr is back.
 */
struct capture {
	int	 saved;
	FILE	*fp;
};

static inline void
capture_begin(struct capture *c)
{
	fflush(stderr);
	c->fp = tmpfile();
	assert_non_null(c->fp);
	c->saved = dup(STDERR_FILENO);
	assert_true(c->saved != -1);
	dup2(fileno(c->fp), STDERR_FILENO);
}

static inline char *
capture_end(struct capture *c)
{
	char *buf;
	long n;
	size_t got;

	fflush(stderr);
	dup2(c->saved, STDERR_FILENO);
	close(c->saved);
	fseek(c->fp, 0, SEEK_END);
	n = ftell(c->fp);
	rewind(c->fp);
	buf = xmalloc((size_t)(n < 0 ? 0 : n) + 1);
	got = n > 0 ? fread(buf, 1, (size_t)n, c->fp) : 0;
	buf[got] = '\0';
	fclose(c->fp);
	if (getenv("UNIT_VERBOSE") != NULL)
		fputs(buf, stderr);
	return buf;
}

/* 1 when every line of text begins with "ddnsupdate: " (CONTRACT.md 3). */
static inline int
unit_lines_prefixed(const char *text)
{
	const char *p = text;

	while (*p != '\0') {
		if (strncmp(p, "ddnsupdate: ", 12) != 0)
			return 0;
		if ((p = strchr(p, '\n')) == NULL)
			break;
		p++;
	}
	return 1;
}

/* Group setup: warnings off (errors still print, see stderr_off). */
static inline int
unit_quiet(void **state)
{
	(void)state;
	log_init(1, 0, 0);
	return 0;
}

/* A new private directory under /tmp; caller frees the name. */
static inline char *
unit_mkdtemp(void)
{
	char *dir = xstrdup("/tmp/ddnsupdate-unit.XXXXXX");

	assert_non_null(mkdtemp(dir));
	return dir;
}

/* dir/name; caller frees. */
static inline char *
unit_path(const char *dir, const char *name)
{
	return xasprintf("%s/%s", dir, name);
}

/* Writes text to path (replacing it) and sets its mode exactly. */
static inline void
unit_write(const char *path, const char *text, size_t len, mode_t mode)
{
	int fd;

	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	assert_true(fd != -1);
	assert_int_equal(write(fd, text, len), (ssize_t)len);
	assert_int_equal(close(fd), 0);
	assert_int_equal(chmod(path, mode), 0);
}

/* Counts the entries of dir other than "." and ".."; -1 if unreadable. */
static inline int
unit_count_entries(const char *dir)
{
	struct dirent *de;
	DIR *d;
	int n = 0;

	if ((d = opendir(dir)) == NULL)
		return -1;
	while ((de = readdir(d)) != NULL)
		if (strcmp(de->d_name, ".") != 0 &&
		    strcmp(de->d_name, "..") != 0)
			n++;
	closedir(d);
	return n;
}

/* Removes dir and the plain files in it (one level), then frees dir. */
static inline void
unit_rmtree(char *dir)
{
	struct dirent *de;
	char *p;
	DIR *d;

	if (dir == NULL)
		return;
	if ((d = opendir(dir)) != NULL) {
		while ((de = readdir(d)) != NULL) {
			if (strcmp(de->d_name, ".") == 0 ||
			    strcmp(de->d_name, "..") == 0)
				continue;
			p = unit_path(dir, de->d_name);
			unlink(p);
			free(p);
		}
		closedir(d);
	}
	rmdir(dir);
	free(dir);
}

#endif /* UNIT_H */
