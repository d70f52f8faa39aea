/*
 * clouddns.c
 * Rackspace Cloud DNS v1.0: zone and record look-up, changes, async jobs.
 * SPDX-License-Identifier: ISC
 *
 * https://docs.rackspace.com/docs/cloud-dns/v1/ (rackspace-api.md B)
 *
 * Endpoints used, under the account's base URL {dns}:
 *   GET {dns}/domains?name=ZONE                      the zone's id
 *   GET {dns}/domains/{d}/records?type=T&name=FQDN   the record's id and data
 *   GET {dns}/domains/{d}/records/{r}                one record
 *   PUT {dns}/domains/{d}/records/{r}                change it: a job
 *   GET {dns}/status/{job}?showDetails=true          the job's progress
 * A GET never carries a body (since 2021 that is a 403) and "data=" is
 * never a filter (a 503 in 2018).  Ids are opaque strings: the API has sent
 * numbers and strings, and both are accepted.
 *
 * Changes are asynchronous.  The 202 answer holds a job, which since 2021
 * may already be COMPLETED or ERROR; otherwise the status is polled, the
 * first time within 0.5 s, then backing off to 2 s apart (the status URL
 * allows 5 requests a second), until job_timeout.  Any status but
 * COMPLETED or ERROR (INITIALIZED, RUNNING, one never seen before) means
 * wait; a poll may answer 200 or 202 while the job runs.
 *
 * Error policy, for every request (CONTRACT.md 2, 6): a 401 is a token
 * that expired or was revoked: authenticate once more and repeat the
 * request once; a second 401, or a 403, is ST_NOPERM.  413 and 429 are
 * rate limits: the wait is stored in the state, and no request is sent to
 * Rackspace before it ends; a 413 with a flat body and no wait is an
 * absolute limit, a refusal.  A 5xx or no answer at all is ST_TEMPFAIL
 * (api.c has already repeated a GET or PUT twice); any other 4xx is
 * ST_PROTOCOL.  Each failure is logged once, with the URL, the status and
 * the API's own message.
 */

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cjson/cJSON.h>

#include "api.h"
#include "clouddns.h"
#include "http.h"
#include "identity.h"
#include "log.h"

#define POLL_FIRST_MS	200	/* 5 a second at most, the status limit */
#define POLL_MAX_MS	2000

static void dns_err(const struct dns_session *, const char *, ...)
    __attribute__((format(printf, 2, 3)));
static void dns_info(const struct dns_session *, const char *, ...)
    __attribute__((format(printf, 2, 3)));

/*
 * The text of a message, with what the session works on (s->what) first;
 * caller frees.
 */
static char *
with_what(const struct dns_session *s, const char *fmt, va_list ap)
{
	char *msg, *line;

	if (vasprintf(&msg, fmt, ap) == -1)
		msg = xstrdup(fmt);
	if (s->what == NULL)
		return msg;
	line = xasprintf("%s: %s", s->what, msg);
	free(msg);
	return line;
}

static void
dns_err(const struct dns_session *s, const char *fmt, ...)
{
	va_list ap;
	char *line;

	va_start(ap, fmt);
	line = with_what(s, fmt, ap);
	va_end(ap);
	log_err("%s", line);
	free(line);
}

static void
dns_info(const struct dns_session *s, const char *fmt, ...)
{
	va_list ap;
	char *line;

	if (!log_is_verbose())
		return;
	va_start(ap, fmt);
	line = with_what(s, fmt, ap);
	va_end(ap);
	log_info("%s", line);
	free(line);
}

void
live_record_free(struct live_record *rec)
{
	if (rec == NULL)
		return;
	free(rec->id);
	free(rec->name);
	free(rec->type);
	free(rec->data);
	memset(rec, 0, sizeof(*rec));
}

void
job_free(struct job *job)
{
	size_t i;

	if (job == NULL)
		return;
	free(job->id);
	free(job->status);
	free(job->error);
	for (i = 0; i < job->ncreated; i++)
		live_record_free(&job->created[i]);
	free(job->created);
	memset(job, 0, sizeof(*job));
}

static const char *
text_of(const cJSON *obj, const char *key)
{
	const cJSON *it = cJSON_GetObjectItemCaseSensitive(obj, key);

	return cJSON_IsString(it) ? it->valuestring : NULL;
}

/* Appends s to a URL, percent-encoding all but unreserved characters. */
static char *
escape(const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	char *out, *p;

	out = p = xmalloc(strlen(s) * 3 + 1);
	for (; *s != '\0'; s++) {
		if ((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		    (*s >= '0' && *s <= '9') || *s == '-' || *s == '.' ||
		    *s == '_' || *s == '~')
			*p++ = *s;
		else {
			*p++ = '%';
			*p++ = hex[(unsigned char)*s >> 4];
			*p++ = hex[(unsigned char)*s & 15];
		}
	}
	*p = '\0';
	return out;
}

/*
 * Logs a failed answer and picks its class (see the top of the file).
 * quiet (CLOUDDNS_QUIET_*) names the refusals logged only at -v, because
 * the caller has another way to try.
 */
static enum status
failure(struct dns_session *s, const char *method, const char *url,
    const struct http_response *resp, unsigned quiet)
{
	char msg[512], when[32];

	api_error_message(resp, msg, sizeof(msg));
	switch (resp->status) {
	case 401:
		dns_err(s, "%s %s: HTTP 401 even with a fresh token: %s; check "
		    "that the user may use Cloud DNS", method, url, msg);
		return ST_NOPERM;
	case 403:
		dns_err(s, "%s %s: HTTP 403: %s; the user lacks the Cloud DNS "
		    "role needed (dnsaas:creator or admin)", method, url, msg);
		return ST_NOPERM;
	case 413:
	case 429:
		if (!api_rate_limit(resp, s->now, &s->st->backoff_until)) {
			dns_err(s, "%s %s: HTTP %ld: %s", method, url,
			    resp->status, msg);
			return ST_PROTOCOL;
		}
		iso8601_format(s->st->backoff_until, when, sizeof(when));
		dns_err(s, "%s %s: HTTP %ld: rate limited (%s); not asking "
		    "Rackspace again before %s", method, url, resp->status,
		    msg, when);
		s->backoff_said = true;
		return ST_TEMPFAIL;
	}
	if (resp->status >= 500) {
		dns_err(s, "%s %s: HTTP %ld: %s", method, url, resp->status, msg);
		return ST_TEMPFAIL;
	}
	if ((quiet & CLOUDDNS_QUIET_REFUSED) ||
	    (resp->status == 404 && (quiet & CLOUDDNS_QUIET_GONE)))
		dns_info(s, "%s %s: HTTP %ld: %s", method, url, resp->status, msg);
	else
		dns_err(s, "%s %s: HTTP %ld: %s", method, url, resp->status, msg);
	return ST_PROTOCOL;
}

/*
 * Sends one request to {dns}/path with a valid token, authenticating
 * first when needed and once more after a 401.  ST_OK means an answer
 * arrived (any status) in *resp, which the caller frees.
 */
static enum status
call(struct dns_session *s, const char *method, const char *path,
    const char *body, struct http_response *resp, char **urlp)
{
	struct http_request req;
	char when[32];
	enum status st;

	memset(resp, 0, sizeof(*resp));
	*urlp = NULL;
	if (s->auth_failed != ST_OK)
		return s->auth_failed;	/* said once, by the first try */
	if (s->st->backoff_until > s->now) {
		if (!s->backoff_said) {
			iso8601_format(s->st->backoff_until, when,
			    sizeof(when));
			log_err("Rackspace asked to wait (rate limit) until %s; "
			    "not asking it before then", when);
			s->backoff_said = true;
		}
		return ST_TEMPFAIL;
	}
	if (!s->authed && !identity_is_valid(s->cf, s->st, s->now)) {
		s->requests++;
		if ((st = identity_authenticate(s->cf, s->st, s->now)) !=
		    ST_OK)
			return s->auth_failed = st;
		s->authed = true;
	}
	memset(&req, 0, sizeof(req));
	req.method = method;
	req.body = body;
	req.max_body = HTTP_API_MAX_BODY;
	req.fresh = strcmp(method, "POST") == 0;	/* never resent */
	for (;;) {
		/* the token goes only where it belongs: asked again after a
		 * fresh authentication, which may name another endpoint */
		free(*urlp);
		*urlp = xasprintf("%s%s", identity_dns_url(s->cf, s->st), path);
		req.url = *urlp;
		req.token = s->st->token;
		s->requests++;
		if ((st = api_request(&req, resp)) != ST_OK) {
			dns_err(s, "%s %s: %s", method, *urlp, resp->error);
			return st;
		}
		if (resp->status != 401 || s->reauthed)
			return ST_OK;
		/* expired or revoked: one fresh token, one repeat */
		log_info("%s %s: HTTP 401, authenticating again", method,
		    *urlp);
		s->reauthed = true;
		http_response_free(resp);
		cache_forget_token(s->st);
		s->requests++;
		if ((st = identity_authenticate(s->cf, s->st, s->now)) !=
		    ST_OK)
			return s->auth_failed = st;
	}
}

static enum status
get_json(struct dns_session *s, const char *path, cJSON **root)
{
	struct http_response resp;
	char *url;
	enum status st;

	*root = NULL;
	if ((st = call(s, "GET", path, NULL, &resp, &url)) != ST_OK)
		goto out;
	if (resp.status == 404)
		goto out;	/* the caller decides what a 404 means */
	if (resp.status != 200) {
		st = failure(s, "GET", url, &resp, 0);
		goto out;
	}
	if ((*root = cJSON_ParseWithLength(resp.body, resp.len)) == NULL) {
		dns_err(s, "GET %s: HTTP 200 with an answer that is not JSON",
		    url);
		st = ST_PROTOCOL;
	}
out:
	http_response_free(&resp);
	free(url);
	return st;
}

/* The memo of zone name, or NULL. */
static struct zone_memo *
zone_memo(struct dns_session *s, const char *name)
{
	size_t i;

	for (i = 0; i < s->nzones; i++)
		if (strcaseeq(s->zones[i].name, name))
			return &s->zones[i];
	return NULL;
}

/*
 * Notes that zone name has id (NULL: no such zone), sparing a look-up;
 * fresh when the API said so in this run, else it comes from the state.
 */
static void
remember_zone(struct dns_session *s, const char *name, const char *id,
    bool fresh)
{
	struct zone_memo *z;

	if ((z = zone_memo(s, name)) == NULL) {
		s->zones = xrealloc(s->zones, s->nzones + 1,
		    sizeof(*s->zones));
		z = &s->zones[s->nzones++];
		z->name = xstrdup(name);
	} else if (!fresh)
		return;
	else
		free(z->id);
	z->id = id != NULL ? xstrdup(id) : NULL;
	z->fresh = fresh;
}

void
clouddns_session_free(struct dns_session *s)
{
	size_t i;

	if (s == NULL)
		return;
	for (i = 0; i < s->nzones; i++) {
		free(s->zones[i].name);
		free(s->zones[i].id);
	}
	free(s->zones);
	s->zones = NULL;
	s->nzones = 0;
}

/*
 * One zone look-up; *zone_id NULL when there is no such zone.  What is
 * known already spares the request, unless fresh asks for what the API
 * says in this run.
 */
static enum status
lookup_zone(struct dns_session *s, const char *name, bool fresh,
    char **zone_id)
{
	const cJSON *list, *it, *match = NULL;
	struct zone_memo *z;
	cJSON *root;
	char *path, *q;
	enum status st;
	size_t i;
	int n = 0;

	*zone_id = NULL;
	if (!s->zones_seeded) {
		/* only runs that look a zone up pay for this */
		for (i = 0; i < s->st->nrecs; i++)
			if (s->st->recs[i].zone != NULL &&
			    s->st->recs[i].domain_id != NULL)
				remember_zone(s, s->st->recs[i].zone,
				    s->st->recs[i].domain_id, false);
		s->zones_seeded = true;
	}
	if ((z = zone_memo(s, name)) != NULL && (z->fresh || !fresh)) {
		if (z->id != NULL)
			*zone_id = xstrdup(z->id);
		return ST_OK;
	}
	q = escape(name);
	path = xasprintf("/domains?name=%s", q);
	free(q);
	st = get_json(s, path, &root);
	free(path);
	if (st != ST_OK || root == NULL)
		return st;	/* a 404 is no zone */
	list = cJSON_GetObjectItemCaseSensitive(root, "domains");
	if (!cJSON_IsArray(list)) {
		dns_err(s, "GET /domains?name=%s: the answer has no \"domains\" "
		    "list", name);
		cJSON_Delete(root);
		return ST_PROTOCOL;
	}
	cJSON_ArrayForEach(it, list)
		if (strcaseeq(text_of(it, "name"), name)) {
			match = it;
			n++;
		}
	if (n > 1) {
		dns_err(s, "zone %s: the API returned %d zones of that name", name,
		    n);
		st = ST_PROTOCOL;
	} else if (match != NULL &&
	    (*zone_id = api_id(cJSON_GetObjectItemCaseSensitive(match, "id"))) ==
	    NULL) {
		dns_err(s, "zone %s: the API returned it without an id", name);
		st = ST_PROTOCOL;
	}
	if (st == ST_OK)
		remember_zone(s, name, *zone_id, true);
	cJSON_Delete(root);
	return st;
}

/* The zone names clouddns_find_zone tries for fqdn, as a list; caller
 * frees. */
static char *
zones_tried(const char *fqdn)
{
	const char *p;
	char *list = NULL, *more;

	for (p = strchr(fqdn, '.'); p != NULL && strchr(p + 1, '.') != NULL;
	    p = strchr(p + 1, '.')) {
		more = xasprintf("%s%s%s", list != NULL ? list : "",
		    list != NULL ? ", " : "", p + 1);
		free(list);
		list = more;
	}
	more = xasprintf("%s%s%s", list != NULL ? list : "",
	    list != NULL ? " and " : "", fqdn);
	free(list);
	return more;
}

enum status
clouddns_find_zone(struct dns_session *s, const char *fqdn, const char *zone,
    bool fresh, char **zone_id, char **zone_name)
{
	const char *p;
	char *tried;
	enum status st;

	*zone_id = *zone_name = NULL;
	if (zone != NULL) {
		if ((st = lookup_zone(s, zone, fresh, zone_id)) != ST_OK)
			return st;
		if (*zone_id == NULL) {
			dns_err(s, "zone %s does not exist in account %s", zone,
			    s->st->tenant != NULL ? s->st->tenant : "");
			return ST_PROTOCOL;
		}
		*zone_name = xstrdup(zone);
		return ST_OK;
	}
	/* parents from the longest, stopping before the bare TLD */
	for (p = strchr(fqdn, '.'); p != NULL && strchr(p + 1, '.') != NULL;
	    p = strchr(p + 1, '.')) {
		if ((st = lookup_zone(s, p + 1, fresh, zone_id)) != ST_OK)
			return st;
		if (*zone_id != NULL) {
			*zone_name = xstrdup(p + 1);
			return ST_OK;
		}
	}
	/* a record at the apex of its zone */
	if ((st = lookup_zone(s, fqdn, fresh, zone_id)) != ST_OK)
		return st;
	if (*zone_id == NULL) {
		tried = zones_tried(fqdn);
		dns_err(s, "no zone of account %s holds it (tried %s); set "
		    "\"domain\" if the zone is named otherwise",
		    s->st->tenant != NULL ? s->st->tenant : "", tried);
		free(tried);
		return ST_PROTOCOL;
	}
	*zone_name = xstrdup(fqdn);
	return ST_OK;
}

/* Copies a record object; -1 when it lacks an id or data. */
static int
record_of(const cJSON *obj, struct live_record *rec)
{
	const cJSON *ttl;
	const char *name, *data, *type;
	double d;

	memset(rec, 0, sizeof(*rec));
	name = text_of(obj, "name");
	data = text_of(obj, "data");
	if ((rec->id = api_id(cJSON_GetObjectItemCaseSensitive(obj, "id"))) ==
	    NULL || name == NULL || data == NULL) {
		live_record_free(rec);
		return -1;
	}
	rec->name = xstrdup(name);
	rec->data = xstrdup(data);
	if ((type = text_of(obj, "type")) != NULL)
		rec->type = xstrdup(type);
	/* a number or, in one doc example, a string; one out of range is
	 * unknown (0) rather than converted */
	ttl = cJSON_GetObjectItemCaseSensitive(obj, "ttl");
	if (cJSON_IsNumber(ttl))
		d = ttl->valuedouble;
	else if (cJSON_IsString(ttl))
		d = strtod(ttl->valuestring, NULL);
	else
		d = 0;
	rec->ttl = d >= 0 && d <= 2147483647.0 ? (long)d : 0;
	return 0;
}

enum status
clouddns_find_record(struct dns_session *s, const char *zone_id,
    enum family fam, const char *fqdn, struct live_record *rec, bool *found)
{
	const cJSON *list, *it, *match = NULL;
	cJSON *root;
	char *path, *d, *q, *id, ids[512];
	size_t used = 0;
	enum status st;
	int n = 0;

	memset(rec, 0, sizeof(*rec));
	*found = false;
	d = escape(zone_id);
	q = escape(fqdn);
	path = xasprintf("/domains/%s/records?type=%s&name=%s", d,
	    family_rtype(fam), q);
	free(d);
	free(q);
	st = get_json(s, path, &root);
	if (st != ST_OK || root == NULL)
		goto out;	/* a 404 is no record */
	st = ST_PROTOCOL;
	if (!cJSON_IsArray(list = cJSON_GetObjectItemCaseSensitive(root,
	    "records"))) {
		dns_err(s, "GET %s: the answer has no \"records\" list", path);
		goto out;
	}
	ids[0] = '\0';
	cJSON_ArrayForEach(it, list) {
		if (!strcaseeq(text_of(it, "name"), fqdn) ||
		    !streq(text_of(it, "type"), family_rtype(fam)))
			continue;
		if ((id = api_id(cJSON_GetObjectItemCaseSensitive(it, "id"))) ==
		    NULL) {
			dns_err(s, "GET %s: a record without an id", path);
			goto out;
		}
		if (used < sizeof(ids))
			used += (size_t)snprintf(ids + used, sizeof(ids) - used,
			    "%s%s", n > 0 ? ", " : "", id);
		if (match == NULL)
			match = it;
		free(id);
		n++;
	}
	st = ST_OK;
	if (n == 0)
		goto out;
	if (n > 1) {
		dns_err(s, "%d records of that name and type (ids %s); set "
		    "\"record_id\" to pick the one to update", n, ids);
		st = ST_PROTOCOL;
		goto out;
	}
	if (record_of(match, rec) == -1) {
		dns_err(s, "GET %s: a record without name or data", path);
		st = ST_PROTOCOL;
		goto out;
	}
	*found = true;
out:
	cJSON_Delete(root);
	free(path);
	return st;
}

enum status
clouddns_get_record(struct dns_session *s, const char *zone_id,
    const char *record_id, struct live_record *rec, bool *found)
{
	cJSON *root;
	char *path, *d, *r;
	enum status st;

	memset(rec, 0, sizeof(*rec));
	*found = false;
	d = escape(zone_id);
	r = escape(record_id);
	path = xasprintf("/domains/%s/records/%s", d, r);
	free(d);
	free(r);
	st = get_json(s, path, &root);
	if (st == ST_OK && root != NULL) {
		if (record_of(root, rec) == -1) {
			dns_err(s, "GET %s: the answer is not a record", path);
			st = ST_PROTOCOL;
		} else
			*found = true;
	}
	cJSON_Delete(root);
	free(path);
	return st;
}

enum status
clouddns_job_parse(const char *body, size_t len, struct job *job,
    const char **why)
{
	const cJSON *err, *recs, *faults, *it;
	const char *status, *msg;
	cJSON *root;

	memset(job, 0, sizeof(*job));
	*why = "not JSON";
	if ((root = cJSON_ParseWithLength(body, len)) == NULL)
		return ST_PROTOCOL;
	*why = "no job status";
	if ((status = text_of(root, "status")) == NULL || *status == '\0') {
		cJSON_Delete(root);
		return ST_PROTOCOL;
	}
	job->status = xstrdup(status);
	job->id = api_id(cJSON_GetObjectItemCaseSensitive(root, "jobId"));
	if (strcmp(status, "COMPLETED") == 0) {
		job->state = JOB_COMPLETED;
		recs = cJSON_GetObjectItemCaseSensitive(
		    cJSON_GetObjectItemCaseSensitive(root, "response"),
		    "records");
		if (cJSON_IsArray(recs)) {
			job->created = xcalloc((size_t)cJSON_GetArraySize(recs),
			    sizeof(*job->created));
			cJSON_ArrayForEach(it, recs)
				if (record_of(it, &job->created[job->ncreated])
				    == 0)
					job->ncreated++;
		}
	} else if (strcmp(status, "ERROR") == 0) {
		job->state = JOB_ERROR;
		err = cJSON_GetObjectItemCaseSensitive(root, "error");
		faults = cJSON_GetObjectItemCaseSensitive(
		    cJSON_GetObjectItemCaseSensitive(err, "failedItems"),
		    "faults");
		if ((msg = text_of(err, "details")) == NULL || *msg == '\0')
			msg = text_of(err, "message");
		if ((msg == NULL || *msg == '\0') && cJSON_IsArray(faults) &&
		    faults->child != NULL &&
		    ((msg = text_of(faults->child, "details")) == NULL ||
		    *msg == '\0'))
			msg = text_of(faults->child, "message");
		job->error = xstrdup(msg != NULL && *msg != '\0' ? msg :
		    "(no message)");
	} else
		job->state = JOB_RUNNING;
	if (job->id == NULL && job->state == JOB_RUNNING) {
		*why = "a running job without a jobId";
		cJSON_Delete(root);
		job_free(job);
		return ST_PROTOCOL;
	}
	cJSON_Delete(root);
	*why = NULL;
	return ST_OK;
}

static double
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1000.0 + (double)ts.tv_nsec / 1e6;
}

static void
sleep_ms(double ms)
{
	struct timespec ts;

	if (ms <= 0)
		return;
	ts.tv_sec = (time_t)(ms / 1000);
	ts.tv_nsec = (long)((ms - (double)ts.tv_sec * 1000) * 1e6);
	nanosleep(&ts, NULL);
}

/*
 * Waits for job until it is COMPLETED (ST_OK) or ERROR (ST_PROTOCOL, not
 * logged), or job_timeout passes (ST_TEMPFAIL).  what names the change for
 * messages.
 */
static enum status
wait_job(struct dns_session *s, struct job *job)
{
	struct http_response resp;
	const char *why;
	char *path, *url, *j;
	double deadline, delay = POLL_FIRST_MS;
	enum status st;

	deadline = now_ms() + (double)s->cf->job_timeout * 1000;
	j = escape(job->id != NULL ? job->id : "");
	path = xasprintf("/status/%s?showDetails=true", j);
	free(j);
	st = ST_OK;
	while (job->state == JOB_RUNNING) {
		if (now_ms() + delay > deadline) {
			dns_err(s, "job %s still %s after job_timeout %ld s; "
			    "the change may yet happen, the next run checks",
			    job->id, job->status, s->cf->job_timeout);
			st = ST_TEMPFAIL;
			break;
		}
		sleep_ms(delay);
		delay = delay * 2 > POLL_MAX_MS ? POLL_MAX_MS : delay * 2;
		if ((st = call(s, "GET", path, NULL, &resp, &url)) != ST_OK) {
			http_response_free(&resp);
			free(url);
			break;
		}
		if (resp.status != 200 && resp.status != 202) {
			st = resp.status == 404 ? ST_PROTOCOL :
			    failure(s, "GET", url, &resp, 0);
			if (resp.status == 404)
				dns_err(s, "job %s is unknown to the API "
				    "(GET %s: HTTP 404)", job->id, url);
		} else {
			job_free(job);
			if (clouddns_job_parse(resp.body, resp.len, job,
			    &why) != ST_OK) {
				dns_err(s, "GET %s: HTTP %ld with an answer "
				    "that is not a job: %s", url, resp.status,
				    why);
				st = ST_PROTOCOL;
			} else
				dns_info(s, "job %s is %s", job->id,
				    job->status);
		}
		http_response_free(&resp);
		free(url);
		if (st != ST_OK)
			break;
	}
	free(path);
	if (st == ST_OK && job->state == JOB_ERROR)
		st = ST_PROTOCOL;	/* the caller tells what it means */
	return st;
}

/*
 * Sends a change and waits for its job, whose last state is left in *job
 * (caller frees).  ST_OK when it COMPLETED; ST_PROTOCOL, not logged, when
 * it ended in ERROR, so that the caller can tell a duplicate from a
 * refusal; any other failure is logged here.
 */
static enum status
change(struct dns_session *s, const char *method, const char *path,
    const char *body, unsigned quiet, struct job *job,
    struct dns_result *res)
{
	struct http_response resp;
	const char *why;
	char *url;
	enum status st;

	memset(job, 0, sizeof(*job));
	if ((st = call(s, method, path, body, &resp, &url)) != ST_OK)
		goto out;
	if (resp.status != 202 && resp.status != 200) {
		res->gone = resp.status == 404;
		st = failure(s, method, url, &resp, quiet);
		goto out;
	}
	if (clouddns_job_parse(resp.body, resp.len, job, &why) != ST_OK) {
		dns_err(s, "%s %s: HTTP %ld with an answer that is not a job: "
		    "%s", method, url, resp.status, why);
		st = ST_PROTOCOL;
		goto out;
	}
	dns_info(s, "job %s is %s", job->id != NULL ? job->id : "",
	    job->status);
	st = wait_job(s, job);
out:
	http_response_free(&resp);
	free(url);
	return st;
}

/* What a change is about, for messages: "home.example.com A" or "3
 * records of zone 2725257"; caller frees. */
static char *
describe(const char *zone_id, const struct dns_change *c, size_t n)
{
	if (n == 1)
		return xasprintf("%s %s", c[0].name, family_rtype(c[0].family));
	return xasprintf("%zu records of zone %s", n, zone_id);
}

/* The members of one record in a PUT or POST body. */
static cJSON *
change_object(const struct dns_change *c, bool with_id, bool with_type)
{
	cJSON *obj = cJSON_CreateObject();

	if (with_id)
		cJSON_AddStringToObject(obj, "id", c->record_id);
	cJSON_AddStringToObject(obj, "name", c->name);
	if (with_type)
		cJSON_AddStringToObject(obj, "type", family_rtype(c->family));
	cJSON_AddStringToObject(obj, "data", c->data);
	if (c->ttl > 0)
		cJSON_AddNumberToObject(obj, "ttl", (double)c->ttl);
	if (c->comment != NULL)
		cJSON_AddStringToObject(obj, "comment", c->comment);
	return obj;
}

/*
 * Sends root (freed here) to {dns}/domains/{zone}/records, or .../{record}
 * when record_id is given, and waits for the job; see change().
 */
static enum status
send_change(struct dns_session *s, const char *method, const char *zone_id,
    const char *record_id, cJSON *root, const char *what, unsigned quiet,
    struct job *job, struct dns_result *res)
{
	const char *saved;
	char *body, *path, *d, *r;
	enum status st;

	body = xnonnull(cJSON_PrintUnformatted(root));
	cJSON_Delete(root);
	d = escape(zone_id);
	if (record_id != NULL) {
		r = escape(record_id);
		path = xasprintf("/domains/%s/records/%s", d, r);
		free(r);
	} else
		path = xasprintf("/domains/%s/records", d);
	saved = s->what;
	s->what = what;
	st = change(s, method, path, body, quiet, job, res);
	s->what = saved;
	free(d);
	free(path);
	cJSON_free(body);
	return st;
}

enum status
clouddns_update(struct dns_session *s, const char *zone_id,
    struct dns_change *c, size_t n, unsigned quiet, struct dns_result *res)
{
	struct job job;
	cJSON *root, *list;
	char *what;
	size_t i;
	enum status st;

	if (n == 1)
		root = change_object(&c[0], false, false);
	else {
		root = cJSON_CreateObject();
		list = cJSON_AddArrayToObject(root, "records");
		for (i = 0; i < n; i++)
			cJSON_AddItemToArray(list,
			    change_object(&c[i], true, false));
	}
	what = describe(zone_id, c, n);
	memset(res, 0, sizeof(*res));
	st = send_change(s, "PUT", zone_id, n == 1 ? c[0].record_id : NULL,
	    root, what, quiet, &job, res);
	if (st == ST_PROTOCOL && job.state == JOB_ERROR) {
		if (quiet & CLOUDDNS_QUIET_REFUSED)
			log_info("%s: the API refused the change: %s", what,
			    job.error);
		else
			log_err("%s: the API refused the change: %s", what,
			    job.error);
	}
	job_free(&job);
	free(what);
	return st;
}

enum status
clouddns_create(struct dns_session *s, const char *zone_id,
    struct dns_change *c, size_t n, struct dns_result *res)
{
	struct job job;
	cJSON *root, *list;
	char *what;
	size_t i, j;
	enum status st;

	memset(res, 0, sizeof(*res));
	root = cJSON_CreateObject();
	list = cJSON_AddArrayToObject(root, "records");
	for (i = 0; i < n; i++)
		cJSON_AddItemToArray(list, change_object(&c[i], false, true));
	what = describe(zone_id, c, n);
	st = send_change(s, "POST", zone_id, NULL, root, what, 0, &job, res);
	if (st == ST_PROTOCOL && job.state == JOB_ERROR) {
		if (strncmp(job.error, CLOUDDNS_DUPLICATE,
		    strlen(CLOUDDNS_DUPLICATE)) == 0) {
			log_info("%s: %s", what, job.error);
			res->duplicate = true;
		} else
			log_err("%s: the API refused the change: %s", what,
			    job.error);
	}
	for (i = 0; st == ST_OK && i < n; i++)
		for (j = 0; j < job.ncreated; j++)
			if (strcaseeq(job.created[j].name, c[i].name) &&
			    streq(job.created[j].type,
			    family_rtype(c[i].family))) {
				c[i].new_id = xstrdup(job.created[j].id);
				break;
			}
	job_free(&job);
	free(what);
	return st;
}
