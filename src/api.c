/*
 * api.c
 * What identity.c and clouddns.c share: retries, error bodies, rate limits.
 * SPDX-License-Identifier: ISC
 *
 * Rackspace answers failures in three shapes (rackspace-api.md A.5, B.10):
 * Cloud DNS faults are flat, {"message","code","details"}; Identity and the
 * Repose proxy in front of both wrap the same members in one key named
 * after the fault, {"overLimit": {...}}; and some answers, a DNS 401 among
 * them, have no body at all.  Validation errors carry a list of messages.
 * A rate limit (413, or an undocumented 429) says how long to wait in a
 * header or in the wrapped body, each in its own format.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "api.h"
#include "log.h"

enum status
api_request(const struct http_request *req, struct http_response *resp)
{
	enum status st;
	int attempt, repeatable;

	repeatable = strcmp(req->method, "GET") == 0 ||
	    strcmp(req->method, "PUT") == 0;
	for (attempt = 1;; attempt++) {
		st = http_request(req, resp);
		if (!repeatable || attempt == API_ATTEMPTS || resp->local ||
		    (st == ST_OK && resp->status < 500))
			return st;
		log_info("%s %s: %s; trying again in %d s", req->method,
		    req->url, st == ST_OK ? "server error" : resp->error,
		    attempt);
		http_response_free(resp);
		sleep((unsigned)attempt);
	}
}

/* The object holding message/details: the root, or its one member. */
static const cJSON *
fault_object(const cJSON *root)
{
	const cJSON *child;

	if (!cJSON_IsObject(root))
		return NULL;
	if (cJSON_GetObjectItemCaseSensitive(root, "message") != NULL ||
	    cJSON_GetObjectItemCaseSensitive(root, "validationErrors") != NULL)
		return root;
	child = root->child;
	if (child != NULL && child->next == NULL && cJSON_IsObject(child))
		return child;
	return root;
}

static const char *
member_text(const cJSON *obj, const char *key)
{
	const cJSON *it = cJSON_GetObjectItemCaseSensitive(obj, key);

	return cJSON_IsString(it) && it->valuestring[0] != '\0' ?
	    it->valuestring : NULL;
}

/*
 * Appends part to buf (*used bytes so far), after sep unless it is the
 * first, without the one final period a sentence of the API ends with:
 * the parts are joined, and the whole is embedded in a line of ours
 * ("...; check the key"), so "invalid.; check" never happens.  An
 * ellipsis stays.
 */
static void
append_part(char *buf, size_t len, size_t *used, const char *sep,
    const char *part)
{
	size_t n = strlen(part);
	int w;

	if (*used >= len)
		return;
	if (n >= 1 && part[n - 1] == '.' && (n < 2 || part[n - 2] != '.'))
		n--;
	w = snprintf(buf + *used, len - *used, "%s%.*s", *used > 0 ? sep : "",
	    (int)n, part);
	if (w > 0)
		*used += (size_t)w;
}

void
api_error_message(const struct http_response *resp, char *buf, size_t len)
{
	const cJSON *f, *list, *it;
	const char *msg, *details;
	cJSON *root;
	size_t used = 0;

	snprintf(buf, len, "(no message)");
	if ((root = cJSON_ParseWithLength(resp->body, resp->len)) == NULL)
		return;
	if ((f = fault_object(root)) == NULL)
		goto out;
	msg = member_text(f, "message");
	details = member_text(f, "details");
	list = cJSON_GetObjectItemCaseSensitive(
	    cJSON_GetObjectItemCaseSensitive(f, "validationErrors"),
	    "messages");
	buf[0] = '\0';
	if (msg != NULL)
		append_part(buf, len, &used, "", msg);
	if (details != NULL && (msg == NULL || strcmp(msg, details) != 0))
		append_part(buf, len, &used, ": ", details);
	if (msg == NULL && details == NULL && cJSON_IsArray(list))
		cJSON_ArrayForEach(it, list)
			if (cJSON_IsString(it))
				append_part(buf, len, &used, "; ",
				    it->valuestring);
	if (buf[0] == '\0')
		snprintf(buf, len, "(no message)");
out:
	cJSON_Delete(root);	/* log.c makes it one printable line */
}

/* A wait as seconds, an HTTP date or an ISO 8601 time; -1 if none. */
static int
parse_wait(const char *s, time_t now, time_t *until)
{
	struct tm tm;
	char *end;
	long secs;
	time_t t;

	if (s == NULL || *s == '\0')
		return -1;
	secs = strtol(s, &end, 10);
	if (end != s && *end == '\0' && secs >= 0) {
		*until = now + (secs > RATE_LIMIT_MAX_WAIT ? RATE_LIMIT_MAX_WAIT : secs);
		return 0;
	}
	if (iso8601_parse(s, &t) == 0) {
		*until = t;
		return 0;
	}
	memset(&tm, 0, sizeof(tm));
	end = strptime(s, "%a, %d %b %Y %H:%M:%S GMT", &tm);
	if (end != NULL && *end == '\0' && (t = timegm(&tm)) != (time_t)-1) {
		*until = t;
		return 0;
	}
	return -1;
}

int
api_rate_limit(const struct http_response *resp, time_t now, time_t *until)
{
	const cJSON *f, *over;
	cJSON *root;
	int found, wrapped;

	found = parse_wait(resp->retry_after, now, until) == 0 ||
	    parse_wait(resp->reply_after, now, until) == 0;
	root = cJSON_ParseWithLength(resp->body, resp->len);
	over = cJSON_GetObjectItemCaseSensitive(root, "overLimit");
	wrapped = cJSON_IsObject(over);
	if (!found && wrapped)
		found = parse_wait(member_text(over, "retryAfter"), now,
		    until) == 0 || parse_wait(member_text(over, "retryAt"),
		    now, until) == 0;
	f = fault_object(root);
	if (!found && resp->status == 413 && !wrapped && f != NULL &&
	    f == root && cJSON_GetObjectItemCaseSensitive(f, "code") != NULL) {
		cJSON_Delete(root);
		return 0;	/* "Limit of 500 records per domain" */
	}
	cJSON_Delete(root);
	if (!found)
		*until = now + API_RETRY_DEFAULT;
	if (*until < now + 1)
		*until = now + 1;
	if (*until > now + RATE_LIMIT_MAX_WAIT)
		*until = now + RATE_LIMIT_MAX_WAIT;
	return 1;
}

char *
api_id(const cJSON *it)
{
	double d;

	if (cJSON_IsString(it) && it->valuestring[0] != '\0')
		return xstrdup(it->valuestring);
	if (cJSON_IsNumber(it)) {
		d = it->valuedouble;
		if (d >= 0 && d <= 9007199254740992.0 &&
		    d == (double)(long long)d)
			return xasprintf("%lld", (long long)d);
	}
	return NULL;
}
