/*
 * ddnsupdate.h
 * The status type shared by every module, and small helpers that exit on OOM.
 * SPDX-License-Identifier: ISC
 */

#ifndef DDNSUPDATE_H
#define DDNSUPDATE_H

#include <stddef.h>
#include <time.h>

#define DDNSUPDATE_VERSION	"0.1.0"

/* The longest wait a rate limit may impose, saved or asked (seconds). */
#define RATE_LIMIT_MAX_WAIT	3600

/*
 * Every fallible function returns one of these; main() returns the worst
 * one as the exit status (CONTRACT.md 2).  The values are the sysexits(3)
 * codes the contract names.
 */
enum status {
	ST_OK = 0,		/* done, or nothing to do */
	ST_USAGE = 64,		/* bad command line */
	ST_CANTCREAT = 73,	/* state file or lock cannot be written */
	ST_TEMPFAIL = 75,	/* network, 5xx, rate limit: next run may work */
	ST_PROTOCOL = 76,	/* the API refused or garbled the change */
	ST_NOPERM = 77,		/* authentication refused */
	ST_CONFIG = 78,		/* configuration error */
};

/*
 * Of two statuses, the one that decides the exit status: 78, 77, 76, 73,
 * 75, 0 in that order (CONTRACT.md 2).  ST_USAGE ranks above all.
 */
enum status	 status_worst(enum status, enum status);

/* Allocation helpers: print one line and exit 75 when memory runs out. */
void		*xmalloc(size_t);
void		*xcalloc(size_t, size_t);
void		*xrealloc(void *, size_t, size_t);
char		*xstrdup(const char *);
char		*xstrndup(const char *, size_t);

/*
 * Formats into a new string; caller frees.  Exits like xmalloc on OOM.
 */
char		*xasprintf(const char *, ...)
		    __attribute__((format(printf, 1, 2)));

/* Exits like xmalloc when p is NULL (a library's allocation failed). */
void		*xnonnull(void *p);

/* Wipes a secret string (may be NULL) and frees it. */
void		 freezero_str(char *);

/*
 * 1 when both are NULL or both hold equal strings; strcaseeq folds ASCII
 * case.
 */
int		 streq(const char *, const char *);
int		 strcaseeq(const char *, const char *);

/*
 * Parses an ISO 8601 date-time, "2018-03-27T20:55:09.330Z", with "Z",
 * "+hh:mm", "-hh:mm", "+hhmm" or "UTC" for the zone and optional fractions,
 * into seconds since the epoch (UTC) in *t.  Returns 0 on success, -1 when
 * the text is anything else.
 */
int		 iso8601_parse(const char *, time_t *);

/* Formats t as "2026-11-25T20:44:15Z" into buf (at least 21 bytes). */
void		 iso8601_format(time_t, char *, size_t);

#endif /* DDNSUPDATE_H */
