/*
 * ipdetect.h
 * The host's public address: echo sources, strict parsing, the global check.
 * SPDX-License-Identifier: ISC
 */

#ifndef IPDETECT_H
#define IPDETECT_H

#include <arpa/inet.h>
#include <stdbool.h>
#include <stddef.h>

#include "config.h"
#include "ddnsupdate.h"

#define IPDETECT_MAX_BODY	1024

/*
 * Parses an echo service's answer: exactly one address of family fam in
 * text form, optionally surrounded by white space, at most 1 KiB.  Writes
 * its canonical text form to out (INET6_ADDRSTRLEN bytes).  Returns ST_OK,
 * or ST_TEMPFAIL with *why set to a static description.
 */
enum status	 ipdetect_parse(const char *body, size_t len, enum family fam,
		    char *out, const char **why);

/*
 * Validates an address given on the command line (--ipv4, --ipv6): one
 * address of fam, globally reachable unless allow_nonglobal.  Writes the
 * canonical form to out.  Returns ST_OK or ST_USAGE with *why set.
 */
enum status	 ipdetect_check(const char *text, enum family fam,
		    bool allow_nonglobal, char *out, const char **why);

/*
 * Detects the address of family fam by asking the configured sources in
 * order, over that IP version, until ip_quorum of them agree.  A source
 * that fails or answers anything but one acceptable address is skipped.
 * Returns ST_OK with the address in out, or ST_TEMPFAIL (logged) when no
 * address could be detected or the sources disagree.
 */
enum status	 ipdetect_run(const struct config *cf, enum family fam,
		    char *out);

#endif /* IPDETECT_H */
