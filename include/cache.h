/*
 * cache.h
 * The state file (CONTRACT.md 5): load, atomic save, and the run's lock.
 * SPDX-License-Identifier: ISC
 */

#ifndef CACHE_H
#define CACHE_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "config.h"
#include "ddnsupdate.h"
#include "log.h"

#define CACHE_DEFAULT_PATH	"/var/lib/ddnsupdate/cache.json"

/* A failure still going on: since when, and how many runs saw it. */
struct failure {
	time_t		 since;		/* 0: none */
	long		 runs;
};

/* What the state remembers of one record.  Strings are owned. */
struct record_state {
	char		*name;		/* FQDN as published */
	enum family	 family;
	char		*zone;		/* zone name, or NULL */
	char		*domain_id;	/* or NULL */
	char		*record_id;	/* or NULL */
	char		*data;		/* address last published, or NULL */
	long		 ttl;		/* TTL last published, 0: unknown */
	time_t		 changed;	/* last changed by this program */
	time_t		 verified;	/* last read or confirmed; 0: never */
	struct failure	 failure;
};

struct state {
	char			*username;	/* whose token this is */
	char			*token;		/* secret: wiped by state_free */
	time_t			 expires;	/* token expiry, UTC */
	char			*tenant;
	char			*dns_url;	/* the endpoint that came with
						   the token */
	char			*ip;		/* last IPv4 published */
	time_t			 backoff_until;	/* rate limit; 0: none */
	struct failure		 detect[FAM_COUNT];	/* no address */
	struct record_state	*recs;
	size_t			 nrecs;
	struct reported		*reported;	/* the last run's failures */
	size_t			 nreported;
	char			*loaded;	/* the text read, to save only a
						   change; secret (the token) */
};

/*
 * Takes the run's exclusive lock, flock(2) on path + ".lock" (a regular
 * file, created 0600; when root creates it, it is given the owner of the
 * state file or its directory, so that the service's own user can still
 * open it).  When another run holds it, waits up to wait seconds for it
 * (0: not at all).  Returns ST_OK with its descriptor in *fd; ST_TEMPFAIL
 * when another run still holds it; ST_CANTCREAT when it cannot be created
 * or locked.  Each failure is logged.
 */
enum status	 cache_lock(const char *path, long wait, int *fd);

/* Releases the lock taken by cache_lock; -1 is ignored. */
void		 cache_unlock(int fd);

/*
 * Checks, before any network traffic, that this user can make the state
 * file at path: its directory exists and may be written (a rename needs
 * that).  Returns ST_OK, or ST_CANTCREAT (logged, saying what to do).
 */
enum status	 cache_check_dir(const char *path);

/*
 * Loads the state file at path into *st.  A missing file is a first run
 * (ST_OK, empty state).  A file that cannot be read or parsed, or that
 * may not be trusted (files.h: not a regular file, writable by others,
 * owned by a stranger), is one warning and an empty state (ST_OK): the
 * run starts over and rewrites it.  The original script's cache,
 * {"ip": ..., "auth": {"token", "expires"}}, is read as a state without
 * DNS endpoint or records.  Times are not believed past reason: a
 * back-off ending more than RATE_LIMIT_MAX_WAIT after now is cut to that, and
 * a "verified" or "changed" time after now makes the record unverified.
 * The token is handed to log_secret().  *st must be freed with
 * state_free().
 */
enum status	 cache_load(const char *path, time_t now, struct state *st);

/*
 * Parses state text into *st; ST_PROTOCOL with *why set to a static
 * description when it is not a state file.  For cache_load and the tests.
 */
enum status	 cache_parse(const char *text, size_t len, struct state *st,
		    const char **why);

/*
 * Writes *st to path atomically, unless it is what was loaded: a
 * temporary file in the same directory (named path + ".ddnsupdate-tmp-"
 * and six random characters), mode 0600, fsync, rename over path, fsync
 * of the directory.  When root writes it, it keeps the owner of the file
 * it replaces (or takes its directory's).  On failure nothing is left
 * behind, the old file is intact, the cause is logged and ST_CANTCREAT
 * returned.  Temporary files of killed runs are removed, and only those.
 * After a save, st->loaded holds what was written.
 */
enum status	 cache_save(const char *path, struct state *st);

/*
 * The state kept for a configured record: matched by type and name, or by
 * record id when the configuration gives no name.  NULL when none; the
 * pointer is valid until the next cache_record_add.
 */
struct record_state *cache_record_find(struct state *st,
		    const struct record_conf *rc);

/* Adds an empty entry for rc and returns it. */
struct record_state *cache_record_add(struct state *st,
		    const struct record_conf *rc);

/* Forgets the token (after a 401 or on a change of user). */
void		 cache_forget_token(struct state *st);

/* Releases everything st holds, wiping the token; NULL-safe, idempotent. */
void		 state_free(struct state *st);

#endif /* CACHE_H */
