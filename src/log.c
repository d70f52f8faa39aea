/*
 * log.c
 * Every line the program prints: verbosity, scrubbing, secrets, journal, syslog.
 * SPDX-License-Identifier: ISC
 *
 * All output goes through emit(), so that what CONTRACT.md 3 promises of
 * every line is kept in one place, whoever built the text and wherever its
 * parts came from (an API's message, a job's stack trace, a URL with a
 * token in its query): log_scrub() makes it one printable line without a
 * secret, then it is written with its "ddnsupdate: " prefix, and with its
 * syslog priority in front when the stream is the journal, which reads
 * "<3>" as err (sd-daemon(3)).  A repeated failure is held back here too,
 * since only here is the printed line known.
 */

#include <sys/stat.h>

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <syslog.h>
#include <unistd.h>

#include "ddnsupdate.h"
#include "log.h"

#define SECRETS_MAX	8
#define REPORT_MAX	64

static int	 quiet_opt;
static int	 verbose_opt;
static int	 syslog_opt;
static bool	 journal[3];		/* fd 1 and 2 are the journal */
static char	*secrets[SECRETS_MAX];

/* The lines reported in the previous run and in this one. */
static struct reported	 prev[REPORT_MAX], cur[REPORT_MAX];
static bool		 cur_held[REPORT_MAX];	/* held back in this run */
static size_t		 nprev, ncur;
static bool		 report_on;
static time_t		 report_now;
static long		 report_interval;

/* 1 when fd is the stream $JOURNAL_STREAM names ("DEVICE:INODE"). */
static bool
is_journal(int fd)
{
	unsigned long long dev, ino;
	const char *env;
	struct stat sb;
	char tail;

	if ((env = getenv("JOURNAL_STREAM")) == NULL ||
	    sscanf(env, "%llu:%llu%c", &dev, &ino, &tail) != 2 ||
	    fstat(fd, &sb) == -1)
		return false;
	return (unsigned long long)sb.st_dev == dev &&
	    (unsigned long long)sb.st_ino == ino;
}

void
log_init(int quiet, int verbose, int use_syslog)
{
	quiet_opt = quiet;
	verbose_opt = verbose;
	syslog_opt = use_syslog;
	journal[STDOUT_FILENO] = is_journal(STDOUT_FILENO);
	journal[STDERR_FILENO] = is_journal(STDERR_FILENO);
	if (syslog_opt)
		openlog("ddnsupdate", LOG_PID, LOG_DAEMON);
}

void
log_close(void)
{
	size_t i;

	if (syslog_opt)
		closelog();
	syslog_opt = 0;
	for (i = 0; i < SECRETS_MAX; i++) {
		freezero_str(secrets[i]);
		secrets[i] = NULL;
	}
	for (i = 0; i < nprev; i++)
		free(prev[i].line);
	for (i = 0; i < ncur; i++)
		free(cur[i].line);
	nprev = ncur = 0;
	report_on = false;
}

int
log_is_verbose(void)
{
	return verbose_opt;
}

void
log_secret(const char *secret)
{
	size_t i;

	if (secret == NULL || *secret == '\0')
		return;
	for (i = 0; i < SECRETS_MAX; i++) {
		if (secrets[i] != NULL && strcmp(secrets[i], secret) == 0)
			return;
		if (secrets[i] == NULL) {
			secrets[i] = xstrdup(secret);
			return;
		}
	}
	/* full: the oldest token has long been replaced; keep the key */
	freezero_str(secrets[SECRETS_MAX - 1]);
	secrets[SECRETS_MAX - 1] = xstrdup(secret);
}

/* A growing output buffer. */
struct buf {
	char	*p;
	size_t	 len, cap;
};

static void
put(struct buf *b, const char *s, size_t n)
{
	if (b->len + n + 1 > b->cap) {
		b->cap = (b->len + n + 1) * 2;
		b->p = xrealloc(b->p, b->cap, 1);
	}
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
}

/*
 * The length of the escape sequence at s (s[0] is ESC or the C1 CSI),
 * ECMA-48: CSI parameters up to a final byte, OSC and the other strings
 * up to BEL or ST, else ESC and one more byte.
 */
static size_t
escape_len(const unsigned char *s)
{
	size_t i;

	if (s[0] == 0x1b && s[1] == '[')
		i = 2;
	else if (s[0] == 0x1b && (s[1] == ']' || s[1] == 'P' ||
	    s[1] == 'X' || s[1] == '^' || s[1] == '_')) {
		for (i = 2; s[i] != '\0'; i++) {
			if (s[i] == 0x07)
				return i + 1;
			if (s[i] == 0x1b && s[i + 1] == '\\')
				return i + 2;
		}
		return i;
	} else if (s[0] == 0x1b)
		return s[1] != '\0' ? 2 : 1;
	else
		i = 1;		/* a lone C1 CSI (0x9b) */
	while (s[i] >= 0x20 && s[i] <= 0x3f)
		i++;		/* parameters and intermediates */
	if (s[i] >= 0x40 && s[i] <= 0x7e)
		i++;		/* the final byte */
	return i;
}

/* The length of the valid UTF-8 character at s, 0 when it is not one. */
static size_t
utf8_len(const unsigned char *s)
{
	size_t n, i;
	unsigned int c;

	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		n = 2;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		n = 3;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		n = 4;
	else
		return 0;
	for (i = 1; i < n; i++)
		if ((s[i] & 0xc0) != 0x80)
			return 0;
	c = s[0] & (0x7f >> n);
	for (i = 1; i < n; i++)
		c = c << 6 | (s[i] & 0x3f);
	if ((n == 3 && c < 0x800) || (n == 4 && (c < 0x10000 ||
	    c > 0x10ffff)) || (c >= 0xd800 && c <= 0xdfff))
		return 0;	/* overlong, out of range, or a surrogate */
	if (c >= 0x80 && c <= 0x9f)
		return 0;	/* C1 controls: terminals obey them too */
	return n;
}

/* The secret that text starts with, or NULL. */
static const char *
secret_at(const char *text)
{
	size_t i;

	for (i = 0; i < SECRETS_MAX; i++)
		if (secrets[i] != NULL && strncmp(text, secrets[i],
		    strlen(secrets[i])) == 0)
			return secrets[i];
	return NULL;
}

/* Drops the query string of the URL that starts at s; returns its end. */
static const char *
url_without_query(struct buf *b, const char *s)
{
	size_t n = strcspn(s, " \t\"'<>"), q = strcspn(s, "?#");
	size_t keep;

	if (q >= n) {
		put(b, s, n);
		return s + n;
	}
	put(b, s, q);
	/* punctuation after the URL belongs to the sentence */
	keep = n;
	while (keep > q && strchr(":;,.)", s[keep - 1]) != NULL)
		keep--;
	put(b, s + keep, n - keep);
	return s + n;
}

/*
 * Escapes and control characters out: the first pass, before the secrets
 * are looked for, since removing an escape sequence joins the text around
 * it (a key cut in two by "\033[m" is whole again once it goes).
 */
static char *
clean(const char *text)
{
	const unsigned char *s = (const unsigned char *)text;
	struct buf b = { NULL, 0, 0 };
	size_t n;

	put(&b, "", 0);
	while (*s != '\0') {
		if (*s == 0x1b || *s == 0x9b) {
			s += escape_len(s);
		} else if (*s == '\n' || *s == '\r' || *s == '\t') {
			if (b.len > 0 && b.p[b.len - 1] != ' ')
				put(&b, " ", 1);
			s++;
		} else if (*s < 0x20 || *s == 0x7f) {
			put(&b, "?", 1);
			s++;
		} else if (*s < 0x80) {
			put(&b, (const char *)s, 1);
			s++;
		} else if ((n = utf8_len(s)) > 0) {
			put(&b, (const char *)s, n);
			s += n;
		} else {
			put(&b, "?", 1);
			s++;
		}
	}
	while (b.len > 0 && b.p[b.len - 1] == ' ')
		b.p[--b.len] = '\0';
	return b.p;
}

char *
log_scrub(const char *text)
{
	struct buf b = { NULL, 0, 0 }, u = { NULL, 0, 0 };
	char *clean_text;
	const char *s, *sec;

	clean_text = clean(text);
	put(&b, "", 0);
	for (s = clean_text; *s != '\0';) {
		if ((sec = secret_at(s)) != NULL) {
			put(&b, "[secret]", 8);
			s += strlen(sec);
		} else
			put(&b, s++, 1);
	}
	/* last, as it only removes: the query strings */
	put(&u, "", 0);
	for (s = b.p; *s != '\0';) {
		if (strncasecmp(s, "https://", 8) == 0 ||
		    strncasecmp(s, "http://", 7) == 0)
			s = url_without_query(&u, s);
		else
			put(&u, s++, 1);
	}
	freezero_str(clean_text);
	freezero_str(b.p);
	return u.p;
}

/*
 * A line already printed by the previous run within report_interval: 1
 * when it is to be held back.  Either way it is remembered for the next.
 */
static int
held_back(const char *line)
{
	time_t when = report_now;
	size_t i;
	int hold = 0;

	if (!report_on)
		return 0;
	for (i = 0; i < ncur; i++)
		if (strcmp(cur[i].line, line) == 0)
			return cur_held[i];	/* again in this run: alike */
	for (i = 0; i < nprev; i++)
		if (strcmp(prev[i].line, line) == 0 && !verbose_opt &&
		    report_interval > 0 && prev[i].when <= report_now &&
		    report_now - prev[i].when < report_interval) {
			when = prev[i].when;
			hold = 1;
			break;
		}
	if (ncur < REPORT_MAX) {
		cur[ncur].line = xstrdup(line);
		cur[ncur].when = when;
		cur_held[ncur] = hold;
		ncur++;
	}
	return hold;
}

/*
 * Prints one line to fd: the journal's "<prio>" when fd is the journal,
 * "ddnsupdate: " when tagged, then level ("warning: " or "") and the
 * scrubbed text.  A report line (an error or a warning) may be held back.
 */
static void
emit(int fd, int prio, bool tagged, const char *level, bool report,
    const char *fmt, va_list ap)
{
	FILE *fp = fd == STDOUT_FILENO ? stdout : stderr;
	char *raw, *text, *line;
	int saved = errno;

	if (vasprintf(&raw, fmt, ap) == -1) {
		errno = saved;
		return;
	}
	text = log_scrub(raw);
	freezero_str(raw);
	line = xasprintf("%s%s", level, text);
	free(text);
	if (!report || !held_back(line)) {
		if (journal[fd])
			fprintf(fp, "<%d>", prio);
		fprintf(fp, "%s%s\n", tagged ? "ddnsupdate: " : "", line);
		fflush(fp);
		if (syslog_opt)
			syslog(prio, "%s", line);
	}
	free(line);
	errno = saved;
}

void
log_err(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	emit(STDERR_FILENO, LOG_ERR, true, "", true, fmt, ap);
	va_end(ap);
}

void
log_warn(const char *fmt, ...)
{
	va_list ap;

	if (quiet_opt)
		return;
	va_start(ap, fmt);
	emit(STDERR_FILENO, LOG_WARNING, true, "warning: ", true, fmt, ap);
	va_end(ap);
}

void
log_info(const char *fmt, ...)
{
	va_list ap;

	if (!verbose_opt)
		return;
	va_start(ap, fmt);
	emit(STDERR_FILENO, LOG_DEBUG, true, "", false, fmt, ap);
	va_end(ap);
}

void
log_change(const char *fmt, ...)
{
	va_list ap;

	if (quiet_opt)
		return;
	va_start(ap, fmt);
	emit(STDOUT_FILENO, LOG_NOTICE, false, "", false, fmt, ap);
	va_end(ap);
}

void
log_out(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	emit(STDOUT_FILENO, LOG_INFO, false, "", false, fmt, ap);
	va_end(ap);
}

void
log_report_start(const struct reported *lines, size_t n, time_t now,
    long interval)
{
	size_t i;

	for (i = 0; i < n && nprev < REPORT_MAX; i++) {
		prev[nprev].line = xstrdup(lines[i].line);
		prev[nprev].when = lines[i].when;
		nprev++;
	}
	report_now = now;
	report_interval = interval;
	report_on = true;
}

void
log_report_save(struct reported **list, size_t *n)
{
	size_t i;

	for (i = 0; i < *n; i++)
		free((*list)[i].line);
	*list = xrealloc(*list, ncur, sizeof(**list));
	for (i = 0; i < ncur; i++) {
		(*list)[i].line = xstrdup(cur[i].line);
		(*list)[i].when = cur[i].when;
	}
	*n = ncur;
}
