/*
 * clouddns.h
 * Rackspace Cloud DNS v1.0: zone and record look-up, changes, async jobs.
 * SPDX-License-Identifier: ISC
 */

#ifndef CLOUDDNS_H
#define CLOUDDNS_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "cache.h"
#include "config.h"
#include "ddnsupdate.h"

/*
 * One run's conversation with Cloud DNS.  The token, endpoint and any
 * rate-limit back-off live in *st, so that what was learnt is saved.
 */
struct dns_session {
	const struct config	*cf;
	struct state		*st;
	time_t			 now;
	const char		*what;		/* what is being worked on, to
						   begin each message with: "home
						   .example.com A", or NULL */
	bool			 authed;	/* a token was obtained in this
						   run: use it, even if a
						   skewed clock calls it old */
	enum status		 auth_failed;	/* an authentication failed in
						   this run: every request
						   fails so, without asking
						   again (ST_OK: none did) */
	bool			 reauthed;	/* the one fresh authentication
						   after a 401 is spent */
	bool			 backoff_said;	/* the wait was reported */
	int			 requests;	/* Rackspace requests made */
	struct zone_memo	*zones;		/* zones known (from the state)
						   or looked up: one request
						   per name and run */
	size_t			 nzones;
	bool			 zones_seeded;	/* the state's zones are in */
};

struct zone_memo {
	char	*name;
	char	*id;		/* NULL: no zone of that name */
	bool	 fresh;		/* the API said so in this run */
};

/* Releases what the session holds (not cf or st); NULL-safe. */
void		 clouddns_session_free(struct dns_session *s);

/* A live record as the API returned it.  Strings are owned. */
struct live_record {
	char	*id;
	char	*name;
	char	*type;		/* or NULL when the API left it out */
	char	*data;
	long	 ttl;
};

/* One record to change or create.  Strings are borrowed, but new_id. */
struct dns_change {
	const char	*record_id;	/* update: the record; create: NULL */
	const char	*name;
	enum family	 family;
	const char	*data;
	long		 ttl;		/* <= 0: left out of the request */
	const char	*comment;	/* or NULL */
	char		*new_id;	/* create: the id the API gave, or NULL;
					   caller frees */
};

/* The most records one PUT or POST may carry (rackspace-api.md B.11). */
#define CLOUDDNS_MAX_CHANGE	100

/* How a create job that collides with a live record ends (B.5). */
#define CLOUDDNS_DUPLICATE	"Record is a duplicate of another record"

/* The state of an async job (rackspace-api.md B.8). */
enum job_state {
	JOB_RUNNING,		/* INITIALIZED, RUNNING, or unknown: wait */
	JOB_COMPLETED,
	JOB_ERROR,
};

struct job {
	enum job_state	 state;
	char		*id;		/* jobId */
	char		*status;	/* as the API spelt it */
	char		*error;		/* ERROR: details, else message */
	struct live_record *created;	/* POST: the records made */
	size_t		 ncreated;
};

/*
 * Finds the id of the zone holding fqdn: zone when given, else the
 * record's parent names from the longest (then the name itself, for a
 * record at the apex).  GET /domains?name=ZONE must return exactly one
 * case-insensitive match.  Zones are looked up once a run, and those the
 * state knows not at all, unless fresh: then what the API says now, once
 * a run (a cached id answered 404: the zone may have been made again).
 * Sets *zone_id and *zone_name (caller frees).  Returns ST_OK;
 * ST_PROTOCOL (logged) when no zone matches; or the status of a failed
 * request.
 */
enum status	 clouddns_find_zone(struct dns_session *s, const char *fqdn,
		    const char *zone, bool fresh, char **zone_id,
		    char **zone_name);

/*
 * Searches zone_id for the record of family fam named fqdn.  *found is 0
 * when there is none (an empty list or a 404).  Several records of that
 * name and type (round robin) are refused with ST_PROTOCOL naming their
 * ids: a configured record_id is read by its id instead, with
 * clouddns_get_record().  *rec must be released with live_record_free().
 */
enum status	 clouddns_find_record(struct dns_session *s,
		    const char *zone_id, enum family fam, const char *fqdn,
		    struct live_record *rec, bool *found);

/*
 * Reads record record_id of zone_id.  *found is 0 on a 404.  *rec must be
 * released with live_record_free().
 */
enum status	 clouddns_get_record(struct dns_session *s,
		    const char *zone_id, const char *record_id,
		    struct live_record *rec, bool *found);

/* How a change failed, beyond its status, for the caller to act on. */
struct dns_result {
	bool	 gone;		/* HTTP 404: a zone or record id that no
				   longer exists (deleted and made again) */
	bool	 duplicate;	/* a create: the record exists already */
};

/*
 * Changes records of zone_id to their data and ttl, and waits for the job:
 * one record with PUT {dns}/domains/{d}/records/{r}, several (at most 100)
 * with one PUT {dns}/domains/{d}/records, which the API applies all or
 * nothing.  Returns ST_OK only when the job COMPLETED; *res says more of
 * a failure.  quiet names the refusals that are logged only at -v, since
 * the caller will try again another way: CLOUDDNS_QUIET_GONE a 404 (it
 * looks the ids up again), CLOUDDNS_QUIET_REFUSED any 4xx about the
 * change or a job that ended in ERROR (it sends each record alone).
 */
#define CLOUDDNS_QUIET_GONE	0x1
#define CLOUDDNS_QUIET_REFUSED	0x2
enum status	 clouddns_update(struct dns_session *s, const char *zone_id,
		    struct dns_change *c, size_t n, unsigned quiet,
		    struct dns_result *res);

/*
 * Creates records (at most 100) in zone_id with one POST, and waits for the
 * job; sets each c[i].new_id from the job's answer.  A POST is never
 * repeated.  Returns ST_OK only when the job COMPLETED; when it failed
 * because a record already exists, returns ST_PROTOCOL with
 * res->duplicate set and nothing logged, so that the caller can look the
 * records up and update them instead.
 */
enum status	 clouddns_create(struct dns_session *s, const char *zone_id,
		    struct dns_change *c, size_t n, struct dns_result *res);

/*
 * Parses a job answer (the 202 of a change, or a status poll).  Returns
 * ST_OK, or ST_PROTOCOL with *why set when it is not a job.  *job must be
 * released with job_free() in both cases.
 */
enum status	 clouddns_job_parse(const char *body, size_t len,
		    struct job *job, const char **why);

void		 job_free(struct job *job);			/* NULL-safe */
void		 live_record_free(struct live_record *rec);	/* NULL-safe */

#endif /* CLOUDDNS_H */
