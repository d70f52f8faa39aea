/*
 * fuzz_state.c
 * libFuzzer target: cache_parse on any state file text, then state_free.
 * SPDX-License-Identifier: ISC
 */

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cache.h"
#include "config.h"
#include "fuzz.h"

/* What the run does next with a loaded state: find and add records. */
static void
use_state(struct state *st)
{
	struct record_conf rc;
	struct record_state *rs;
	size_t i, n = st->nrecs;

	for (i = 0; i < n; i++) {
		rs = &st->recs[i];
		FUZZ_CHECK(rs->family == FAM_V4 || rs->family == FAM_V6);
		FUZZ_CHECK(rs->name != NULL || rs->record_id != NULL);
		FUZZ_CHECK(rs->ttl >= 0);
		memset(&rc, 0, sizeof(rc));
		rc.name = rs->name;
		rc.family = rs->family;
		rc.record_id = rs->record_id;
		rs = cache_record_find(st, &rc);
		FUZZ_CHECK(rs != NULL && rs->family == rc.family);
	}
	memset(&rc, 0, sizeof(rc));
	rc.name = "fuzz.example.com";
	rc.family = FAM_V6;
	if (cache_record_find(st, &rc) == NULL) {
		rs = cache_record_add(st, &rc);
		FUZZ_CHECK(st->nrecs == n + 1 && rs == &st->recs[n]);
		FUZZ_CHECK(cache_record_find(st, &rc) == rs);
	}
	cache_forget_token(st);
	FUZZ_CHECK(st->token == NULL && st->expires == 0);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct state zero;
	struct state st;
	const char *why = "unset";
	enum status ret;
	char *text;

	text = fuzz_text(data, size);
	ret = cache_parse(text, size, &st, &why);
	if (ret == ST_OK) {
		FUZZ_CHECK(why == NULL);
		use_state(&st);
	} else {
		FUZZ_CHECK(ret == ST_PROTOCOL && why != NULL);
		FUZZ_CHECK(memcmp(&st, &zero, sizeof(st)) == 0);
	}
	state_free(&st);
	state_free(&st);	/* idempotent, says cache.h */
	state_free(NULL);
	fuzz_free(text, size);
	return 0;
}
