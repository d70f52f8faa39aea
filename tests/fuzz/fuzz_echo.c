/*
 * fuzz_echo.c
 * libFuzzer target: an echo service's answer, as IPv4 and as IPv6.
 * SPDX-License-Identifier: ISC
 */

#include <arpa/inet.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "echo.h"
#include "fuzz.h"
#include "ipdetect.h"

/* Parses body as fam; an accepted address goes through the global check. */
static void
parse_as(const char *body, size_t len, enum family fam)
{
	char out[INET6_ADDRSTRLEN], again[INET6_ADDRSTRLEN];
	unsigned char bin[16];
	const char *why = NULL;
	int af = fam == FAM_V4 ? AF_INET : AF_INET6, g;

	memset(out, 'x', sizeof(out));
	if (echo_parse(body, len, fam, out, &why) != ST_OK) {
		FUZZ_CHECK(why != NULL && out[0] == '\0');
		return;
	}
	FUZZ_CHECK(len <= ECHO_MAX_BODY);
	FUZZ_CHECK(memchr(out, '\0', sizeof(out)) != NULL);
	FUZZ_CHECK(inet_pton(af, out, bin) == 1);
	g = netaddr_is_global(fam, bin);
	FUZZ_CHECK(g == 0 || g == 1);
	/* The canonical form is accepted as it is. */
	FUZZ_CHECK(echo_parse(out, strlen(out), fam, again, &why) ==
	    ST_OK && strcmp(out, again) == 0);
}

#ifndef FUZZ_EXACT_LEN
/* --ipv4 and --ipv6 take a C string: the copy's NUL ends it. */
static void
check_as(const char *text, enum family fam)
{
	char out[INET6_ADDRSTRLEN];
	unsigned char bin[16];
	const char *why = NULL;

	if (ipdetect_check(text, fam, false, out, &why) == ST_OK) {
		FUZZ_CHECK(inet_pton(fam == FAM_V4 ? AF_INET : AF_INET6, out,
		    bin) == 1 && netaddr_is_global(fam, bin));
		FUZZ_CHECK(ipdetect_check(text, fam, true, out, &why) ==
		    ST_OK);
	} else
		FUZZ_CHECK(why != NULL);
}
#endif

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text;
	int g;

	text = fuzz_text(data, size);
	parse_as(text, size, FAM_V4);
	parse_as(text, size, FAM_V6);
#ifndef FUZZ_EXACT_LEN
	check_as(text, FAM_V4);
	check_as(text, FAM_V6);
#endif
	/* The global check on raw bytes too, not only on parsed ones. */
	if (size >= 16) {
		g = netaddr_is_global(FAM_V4, data + size - 4);
		FUZZ_CHECK(g == 0 || g == 1);
		g = netaddr_is_global(FAM_V6, data + size - 16);
		FUZZ_CHECK(g == 0 || g == 1);
	}
	fuzz_free(text, size);
	return 0;
}
