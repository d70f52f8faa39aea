/*
 * fuzz_scrub.c
 * libFuzzer target: log_scrub, the one place text from outside is made safe.
 * SPDX-License-Identifier: ISC
 */

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "fuzz.h"
#include "log.h"

#define SECRET	"0123456789abcdef0123456789abcdef"

/*
 * The promises of log.h, whatever the text: one line, no control or escape
 * byte, valid UTF-8 without C1 controls, no secret, and no query string
 * after a URL's scheme; scrubbing again changes nothing.
 */
static void
check(const char *out)
{
	const unsigned char *s = (const unsigned char *)out;
	const char *url, *end;
	char *again;
	size_t n, i;

	for (; *s != '\0'; s += n) {
		FUZZ_CHECK(*s >= 0x20 && *s != 0x7f);
		if (*s < 0x80) {
			n = 1;
			continue;
		}
		n = *s >= 0xf0 ? 4 : *s >= 0xe0 ? 3 : 2;
		FUZZ_CHECK(*s >= 0xc2 && *s <= 0xf4);
		for (i = 1; i < n; i++)
			FUZZ_CHECK((s[i] & 0xc0) == 0x80);
		FUZZ_CHECK(!(s[0] == 0xc2 && s[1] <= 0x9f));	/* C1 */
	}
	FUZZ_CHECK(strstr(out, SECRET) == NULL);
	for (url = out; (url = strstr(url, "://")) != NULL; url += 3) {
		end = url + strcspn(url, " \t\"'<>");
		if ((url - out >= 4 && strncasecmp(url - 4, "http", 4) == 0) ||
		    (url - out >= 5 && strncasecmp(url - 5, "https", 5) == 0))
			FUZZ_CHECK(memchr(url, '?', (size_t)(end - url)) == NULL &&
			    memchr(url, '#', (size_t)(end - url)) == NULL);
	}
	again = log_scrub(out);
	FUZZ_CHECK(strcmp(again, out) == 0);
	free(again);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text, *out;

	log_secret(SECRET);
	text = fuzz_text(data, size);
	out = log_scrub(text);
	check(out);
	free(out);
	fuzz_free(text, size);
	return 0;
}
