/*
 * fuzz_identity.c
 * libFuzzer target: identity_parse on any answer to POST /tokens.
 * SPDX-License-Identifier: ISC
 */

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "fuzz.h"
#include "identity.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct identity zero;
	struct identity id;
	const char *why = "unset";
	enum status st;
	char *text;
	size_t n;

	text = fuzz_text(data, size);
	st = identity_parse(text, size, &id, &why);
	if (st == ST_OK) {
		FUZZ_CHECK(why == NULL);
		FUZZ_CHECK(id.token != NULL && id.token[0] != '\0');
		FUZZ_CHECK(id.tenant != NULL && id.tenant[0] != '\0');
		if (id.dns_url != NULL) {
			n = strlen(id.dns_url);
			FUZZ_CHECK(netaddr_url_allowed(id.dns_url));
			FUZZ_CHECK(n > 0 && id.dns_url[n - 1] != '/');
		}
	} else {
		FUZZ_CHECK(st == ST_PROTOCOL && why != NULL);
		FUZZ_CHECK(memcmp(&id, &zero, sizeof(id)) == 0);
	}
	identity_free(&id);
	identity_free(&id);	/* idempotent, says identity.h */
	identity_free(NULL);
	fuzz_free(text, size);
	return 0;
}
