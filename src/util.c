/*
 * util.c
 * Status ranking, allocation helpers that exit on OOM, string helpers.
 * SPDX-License-Identifier: ISC
 */

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "ddnsupdate.h"

static int
rank(enum status st)
{
	switch (st) {
	case ST_OK:
		return 0;
	case ST_TEMPFAIL:
		return 1;
	case ST_CANTCREAT:
		return 2;
	case ST_PROTOCOL:
		return 3;
	case ST_NOPERM:
		return 4;
	case ST_CONFIG:
		return 5;
	case ST_USAGE:
		return 6;
	}
	return 6;
}

enum status
status_worst(enum status a, enum status b)
{
	return rank(a) >= rank(b) ? a : b;
}

static void
oom(void)
{
	fputs("ddnsupdate: out of memory\n", stderr);
	exit(ST_TEMPFAIL);	/* the next run may have memory */
}

void *
xnonnull(void *p)
{
	if (p == NULL)
		oom();
	return p;
}

void *
xmalloc(size_t n)
{
	void *p;

	if ((p = malloc(n == 0 ? 1 : n)) == NULL)
		oom();
	return p;
}

void *
xcalloc(size_t nmemb, size_t size)
{
	void *p;

	if ((p = calloc(nmemb == 0 ? 1 : nmemb, size == 0 ? 1 : size)) == NULL)
		oom();
	return p;
}

void *
xrealloc(void *old, size_t nmemb, size_t size)
{
	void *p;

	if (size != 0 && nmemb > (size_t)-1 / size)
		oom();
	if ((p = realloc(old, nmemb * size == 0 ? 1 : nmemb * size)) == NULL)
		oom();
	return p;
}

char *
xstrdup(const char *s)
{
	char *p;

	if ((p = strdup(s)) == NULL)
		oom();
	return p;
}

char *
xstrndup(const char *s, size_t n)
{
	char *p;

	if ((p = strndup(s, n)) == NULL)
		oom();
	return p;
}

char *
xasprintf(const char *fmt, ...)
{
	va_list ap;
	char *p;
	int n;

	va_start(ap, fmt);
	n = vasprintf(&p, fmt, ap);
	va_end(ap);
	if (n < 0)
		oom();
	return p;
}

void
freezero_str(char *s)
{
	if (s == NULL)
		return;
	explicit_bzero(s, strlen(s));
	free(s);
}

int
streq(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return a == b;
	return strcmp(a, b) == 0;
}

int
strcaseeq(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return a == b;
	return strcasecmp(a, b) == 0;
}

/*
 * Days since 1970-01-01 of a date of the proleptic Gregorian calendar, and
 * back (the algorithms of H. Hinnant's "chrono-Compatible Low-Level Date
 * Algorithms").  Times in the state file and the APIs are UTC: plain
 * arithmetic, where timegm() and gmtime_r() would first load the time
 * zone database (/etc/localtime) that UTC never needs.
 */
static long long
days_from_civil(long long y, int m, int d)
{
	long long era, yoe, doy;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	return era * 146097 + yoe * 365 + yoe / 4 - yoe / 100 + doy - 719468;
}

static void
civil_from_days(long long z, long long *y, int *m, int *d)
{
	long long era, doe, yoe, doy, mp;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = yoe + era * 400 + (*m <= 2);
}

/* Reads exactly n digits; returns -1 when one is missing. */
static int
digits(const char **pp, int n)
{
	int v = 0;

	for (; n > 0; n--, (*pp)++) {
		if (**pp < '0' || **pp > '9')
			return -1;
		v = v * 10 + (**pp - '0');
	}
	return v;
}

int
iso8601_parse(const char *s, time_t *t)
{
	static const int mdays[] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31,
	    30, 31 };
	const char *p = s;
	int y, mo, d, h, mi, sec, oh, om, sign;
	time_t v;

	if ((y = digits(&p, 4)) < 0 || *p++ != '-' ||
	    (mo = digits(&p, 2)) < 0 || *p++ != '-' ||
	    (d = digits(&p, 2)) < 0 || (*p != 'T' && *p != 't' && *p != ' '))
		return -1;
	p++;
	if ((h = digits(&p, 2)) < 0 || *p++ != ':' ||
	    (mi = digits(&p, 2)) < 0 || *p++ != ':' ||
	    (sec = digits(&p, 2)) < 0)
		return -1;
	if (y < 1970 || mo < 1 || mo > 12 || d < 1 || d > mdays[mo - 1] ||
	    h > 23 || mi > 59 || sec > 60)
		return -1;
	if (mo == 2 && d == 29 && !(y % 4 == 0 && (y % 100 != 0 ||
	    y % 400 == 0)))
		return -1;
	if (*p == '.' || *p == ',') {
		p++;
		if (*p < '0' || *p > '9')
			return -1;
		while (*p >= '0' && *p <= '9')
			p++;
	}
	oh = om = 0;
	sign = 1;
	if (*p == 'Z' || *p == 'z')
		p++;
	else if (strcmp(p, "UTC") == 0)
		p += 3;
	else if (*p == '+' || *p == '-') {
		sign = *p++ == '-' ? -1 : 1;
		if ((oh = digits(&p, 2)) < 0)
			return -1;
		if (*p == ':')
			p++;
		if ((om = digits(&p, 2)) < 0 || oh > 23 || om > 59)
			return -1;
	} else
		return -1;
	if (*p != '\0')
		return -1;
	/* a leap second, :60, is the next minute's first, as timegm has it */
	v = (time_t)(days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 +
	    sec);
	*t = v - sign * (oh * 3600 + om * 60);
	return 0;
}

void
iso8601_format(time_t t, char *buf, size_t len)
{
	long long days, secs, y;
	int m, d;

	days = (long long)t / 86400;
	secs = (long long)t % 86400;
	if (secs < 0) {
		secs += 86400;
		days--;
	}
	civil_from_days(days, &y, &m, &d);
	snprintf(buf, len, "%04lld-%02d-%02dT%02lld:%02lld:%02lldZ", y, m, d,
	    secs / 3600, secs / 60 % 60, secs % 60);
}
