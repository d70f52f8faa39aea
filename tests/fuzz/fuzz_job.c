/*
 * fuzz_job.c
 * libFuzzer target: Cloud DNS job answers, error bodies and rate-limit waits.
 * SPDX-License-Identifier: ISC
 *
 * One input is one HTTP answer built by hand.  Its first byte says what
 * surrounds the body:
 *
 *   bit 0	a Retry-After header: the next line
 *   bit 1	a Reply-After header: the line after that
 *   bits 2-3	the status: 413, 429, 400 or 503
 *   bits 4-7	the size, 1 to 16, of a second, short message buffer
 *
 * and the rest is the body, NUL-terminated as http.c leaves it.  The
 * body is read as a job (the 202 of a change, a status poll), as an
 * error (api_error_message) and as a rate limit at a fixed time.  The
 * seeds start with a printable flag byte: '8' a bare body with status
 * 400, '0' a 413, '4' a 429, '<' a 503, '1' '2' '3' a 413 with headers.
 */

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "api.h"
#include "clouddns.h"
#include "fuzz.h"
#include "http.h"
#include "log.h"

#define FUZZ_NOW	((time_t)1764100000)	/* 2025-11-25T19:46:40Z */

/* The next line of the input as a header value; caller frees. */
static char *
header_line(const uint8_t **p, size_t *n)
{
	const uint8_t *nl;
	size_t len;
	char *s;

	nl = memchr(*p, '\n', *n);
	len = nl != NULL ? (size_t)(nl - *p) : *n;
	s = xstrndup((const char *)*p, len);	/* a header holds no NUL */
	*p += len;
	*n -= len;
	if (nl != NULL) {
		(*p)++;
		(*n)--;
	}
	return s;
}

static void
job(const char *body, size_t len)
{
	static const struct job zero;
	struct job j;
	const char *why = "unset";
	enum status st;
	size_t i;

	st = clouddns_job_parse(body, len, &j, &why);
	if (st == ST_OK) {
		FUZZ_CHECK(why == NULL && j.status != NULL);
		FUZZ_CHECK(j.state != JOB_RUNNING || j.id != NULL);
		FUZZ_CHECK(j.state != JOB_ERROR || j.error != NULL);
		FUZZ_CHECK(j.state == JOB_COMPLETED || j.ncreated == 0);
		for (i = 0; i < j.ncreated; i++)
			FUZZ_CHECK(j.created[i].id != NULL &&
			    j.created[i].name != NULL &&
			    j.created[i].data != NULL);
	} else
		FUZZ_CHECK(st == ST_PROTOCOL && why != NULL);
	job_free(&j);
	FUZZ_CHECK(memcmp(&j, &zero, sizeof(j)) == 0);
	job_free(NULL);
}

/* The message fits the buffer, and is printed as one line (log.c). */
static void
message(const struct http_response *resp, size_t size)
{
	char *buf, *line;

	buf = xmalloc(size);
	api_error_message(resp, buf, size);
	FUZZ_CHECK(memchr(buf, '\0', size) != NULL);
	line = log_scrub(buf);
	FUZZ_CHECK(strpbrk(line, "\n\r\t\033") == NULL);
	free(line);
	free(buf);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const long statuses[] = { 413, 429, 400, 503 };
	struct http_response resp;
	const uint8_t *p = data;
	size_t n = size;
	time_t until;
	uint8_t flags;
	int wait;

	if (size == 0)
		return 0;
	flags = *p++;
	n--;
	memset(&resp, 0, sizeof(resp));
	resp.status = statuses[(flags >> 2) & 3];
	if (flags & 1)
		resp.retry_after = header_line(&p, &n);
	if (flags & 2)
		resp.reply_after = header_line(&p, &n);
	resp.body = fuzz_text(p, n);
	resp.len = n;

	job(resp.body, resp.len);
	message(&resp, 512);	/* what clouddns.c and identity.c use */
	message(&resp, (size_t)(flags >> 4) + 1);

	until = 0;
	wait = api_rate_limit(&resp, FUZZ_NOW, &until);
	FUZZ_CHECK(wait == 0 || wait == 1);
	if (wait)
		FUZZ_CHECK(until >= FUZZ_NOW + 1 &&
		    until <= FUZZ_NOW + RATE_LIMIT_MAX_WAIT);
	else
		FUZZ_CHECK(resp.status == 413);

	fuzz_free(resp.body, resp.len);
	free(resp.retry_after);
	free(resp.reply_after);
	return 0;
}
