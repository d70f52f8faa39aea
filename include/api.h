/*
 * api.h
 * What identity.c and clouddns.c share: retries, error bodies, rate limits.
 * SPDX-License-Identifier: ISC
 */

#ifndef API_H
#define API_H

#include <stddef.h>
#include <time.h>

#include "ddnsupdate.h"
#include "http.h"

#define API_RETRY_DEFAULT	60	/* seconds, when no wait parses */
#define API_ATTEMPTS		3	/* for GET and PUT */

struct cJSON;

/*
 * Makes req, repeating a GET or PUT that got no answer or a 5xx twice more
 * after a short back-off (1 s, then 2 s), unless it was never sent (no
 * libcurl: trying again cannot help).  Other methods are sent once.
 * Same return and ownership as http_request().
 */
enum status	 api_request(const struct http_request *req,
		    struct http_response *resp);

/*
 * The API's own words for a failed answer, as one line in buf: "message:
 * details" from a flat fault {"message","details","code"}, from one wrapped
 * in a fault name {"unauthorized": {...}}, or the validationErrors list;
 * "(no message)" when the body is empty or not JSON.
 */
void		 api_error_message(const struct http_response *resp, char *buf,
		    size_t len);

/*
 * For a 413 or 429: when the API asks to wait, returns 1 and sets *until to
 * the time to wait for, from Retry-After (seconds, HTTP date or ISO 8601),
 * Reply-After, or the body's overLimit.retryAfter / retryAt; 60 s when none
 * parses, at most an hour.  Returns 0 for a 413 that is an absolute limit
 * (a flat fault body and no wait at all), which is a refusal, not a delay.
 */
int		 api_rate_limit(const struct http_response *resp, time_t now,
		    time_t *until);

/*
 * An id as the API sends it, a JSON string or (before 2021) a whole
 * number, as an opaque string; caller frees.  NULL when it is neither.
 */
char		*api_id(const struct cJSON *it);

#endif /* API_H */
