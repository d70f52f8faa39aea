/*
 * fuzz_config.c
 * libFuzzer target: config_parse on any text, in either form, then free.
 * SPDX-License-Identifier: ISC
 */

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "config.h"
#include "fuzz.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct record_conf *rc;
	struct config cf;
	enum status st;
	char *text;
	size_t i;

	text = fuzz_text(data, size);
	st = config_parse(text, size, "fuzz.json", &cf);
	FUZZ_CHECK(st == ST_OK || st == ST_CONFIG);
	if (st == ST_OK) {
		/* What the run takes for granted in a valid configuration. */
		FUZZ_CHECK(cf.username != NULL);
		FUZZ_CHECK(cf.identity_url != NULL &&
		    netaddr_url_allowed(cf.identity_url));
		FUZZ_CHECK(cf.nrecords >= 1 &&
		    cf.nrecords <= CONFIG_MAX_RECORDS);
		for (i = 0; i < cf.nrecords; i++) {
			rc = &cf.records[i];
			FUZZ_CHECK(rc->family == FAM_V4 ||
			    rc->family == FAM_V6);
			FUZZ_CHECK(rc->name != NULL || cf.original_form);
			FUZZ_CHECK(rc->name == NULL ||
			    config_fqdn_valid(rc->name));
			FUZZ_CHECK(rc->ttl == -1 || rc->ttl >= 300);
			FUZZ_CHECK(cf.ip_quorum >= 1 &&
			    (size_t)cf.ip_quorum <= cf.nsources[rc->family]);
		}
		/* -v prints the effective configuration: format it too. */
		log_init(1, 1, 0);
		config_dump(&cf);
		log_init(1, 0, 0);
	}
	config_free(&cf);
	config_free(&cf);	/* idempotent, says config.h */
	fuzz_free(text, size);
	return 0;
}
