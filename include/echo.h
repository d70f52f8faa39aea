/*
 * echo.h
 * The echo source: an HTTPS service that answers with the caller's address.
 * SPDX-License-Identifier: ISC
 */

#ifndef ECHO_H
#define ECHO_H

#include <arpa/inet.h>
#include <stddef.h>

#include "ddnsupdate.h"
#include "netaddr.h"

#define ECHO_MAX_BODY	1024

/* One echo service's outcome (echo_ask_many). */
struct echo_result {
	enum status	 st;
	char		 addr[INET6_ADDRSTRLEN];	/* canonical, on ST_OK */
	char		 why[256];			/* else why not */
};

/*
 * Parses an echo service's answer: exactly one address of family fam in
 * text form, optionally surrounded by white space, at most 1 KiB.  Writes
 * its canonical text form to out (INET6_ADDRSTRLEN bytes).  Returns ST_OK,
 * or ST_TEMPFAIL with *why set to a static description and out empty.
 */
enum status	 echo_parse(const char *body, size_t len, enum family fam,
		    char *out, const char **why);

/*
 * Asks the n echo services urls[i] at once, each over fam, directly (never
 * through a proxy), an IPv6 one preferring the host's public source
 * address, and parses each answer (an HTTP status other than 200 fails
 * it).  res[i] gets each outcome; ST_TEMPFAIL is the only failure.  The
 * address is not checked for global reach here.  Needs http_init().
 */
void		 echo_ask_many(const char *const *urls, size_t n,
		    enum family fam, struct echo_result *res);

#endif /* ECHO_H */
