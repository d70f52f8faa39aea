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

#define CACHE_DEFAULT_PATH	"/var/lib/ddnsupdate/cache.json"

/* What the state remembers of one record.  Strings are owned. */
struct record_state {
	char		*name;		/* FQDN as published */
	enum family	 family;
	char		*zone;		/* zone name, or NULL */
	char		*domain_id;	/* or NULL */
	char		*record_id;	/* or NULL */
	char		*data;		/* address last published, or NULL */
	long		 ttl;		/* TTL last published, 0: unknown */
	time_t		 verified;	/* last read or confirmed; 0: never */
};

struct state {
	char			*username;	/* whose token this is */
	char			*token;		/* secret: wiped by state_free */
	time_t			 expires;	/* token expiry, UTC */
	char			*tenant;
	char			*dns_url;	/* from the catalog */
	char			*ip;		/* last IPv4 published */
	time_t			 backoff_until;	/* rate limit; 0: none */
	struct record_state	*recs;
	size_t			 nrecs;
};

/*
 * Takes the run's exclusive lock, flock(2) on path + ".lock" (created 0600),
 * and returns its descriptor in *fd.  Returns ST_OK; ST_TEMPFAIL when
 * another run holds it; ST_CANTCREAT when it cannot be created (missing or
 * read-only directory).  Each failure is logged.
 */
enum status	 cache_lock(const char *path, int *fd);

/* Releases the lock taken by cache_lock; -1 is ignored. */
void		 cache_unlock(int fd);

/*
 * Loads the state file at path into *st.  A missing file is a first run
 * (ST_OK, empty state).  A file that cannot be read or parsed is one
 * warning and an empty state (ST_OK): the run starts over and rewrites it.
 * The original script's cache, {"ip": ..., "auth": {"token", "expires"}},
 * is read as a state without DNS endpoint or records.  *st must be freed
 * with state_free().
 */
enum status	 cache_load(const char *path, struct state *st);

/*
 * Parses state text into *st; ST_PROTOCOL with *why set to a static
 * description when it is not a state file.  For cache_load and the tests.
 */
enum status	 cache_parse(const char *text, size_t len, struct state *st,
		    const char **why);

/*
 * Writes *st to path atomically: a temporary file in the same directory,
 * mode 0600, fsync, rename over path, fsync of the directory.  On failure
 * nothing is left behind, the old file is intact, the cause is logged and
 * ST_CANTCREAT returned.
 */
enum status	 cache_save(const char *path, const struct state *st);

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
