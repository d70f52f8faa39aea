/*
 * ipdetect.h
 * The host's address: the sources in order, the quorum, the global check.
 * SPDX-License-Identifier: ISC
 */

#ifndef IPDETECT_H
#define IPDETECT_H

#include <arpa/inet.h>
#include <stdbool.h>
#include <stddef.h>

#include "config.h"
#include "ddnsupdate.h"

/* What one source said (ipdetect_survey). */
struct ipdetect_answer {
	enum status	 st;		/* ST_OK: addr is usable */
	char		 addr[INET6_ADDRSTRLEN];
	char		 why[320];	/* else why it was refused */
};

/*
 * Parses one entry of ip_sources of family fam, as written, into *src
 * (release with ipdetect_source_free): "https://..." (or "http://" to a
 * loopback host), "iface:NAME", "iface:*", "natpmp:" or "natpmp:ADDR".
 * Returns ST_OK, or ST_CONFIG with why completing the sentence that
 * begins with the entry in quotes ("is IPv4 only", "names no interface
 * ...") and *src empty.  Whether an interface exists is learnt at run
 * time: interfaces come and go.
 */
enum status	 ipdetect_source_parse(const char *text, enum family fam,
		    struct source *src, char *why, size_t whylen);

/* Releases what src holds; NULL-safe, idempotent. */
void		 ipdetect_source_free(struct source *src);

/*
 * Validates an address given on the command line (--ipv4, --ipv6): one
 * address of fam, globally reachable unless allow_nonglobal.  Writes the
 * canonical form to out.  Returns ST_OK or ST_USAGE with *why set.
 */
enum status	 ipdetect_check(const char *text, enum family fam,
		    bool allow_nonglobal, char *out, const char **why);

/*
 * Detects the address of family fam by asking the configured sources in
 * order, each kind its own way, until ip_quorum of them agree: with a
 * quorum k > 1 the first k are asked together, then one more at a time.
 * A source that fails, or answers an address that is not globally
 * reachable (unless allow_nonglobal), is skipped.  Returns ST_OK with the
 * address in out, or ST_TEMPFAIL (logged) when no address could be
 * detected or the sources disagree.  Echo sources need http_init();
 * interface and router sources make no HTTP request.
 */
enum status	 ipdetect_run(const struct config *cf, enum family fam,
		    char *out);

/*
 * For --detect: asks every source of fam (the echo services together),
 * writes what each said to ans[i] (cf->nsources[fam] entries, refusals by
 * the global check included), and the address that ipdetect_run() would
 * give from these answers to out (empty when none).  Returns ST_OK when
 * there is one, else ST_TEMPFAIL (logged as ipdetect_run() logs it).
 */
enum status	 ipdetect_survey(const struct config *cf, enum family fam,
		    struct ipdetect_answer *ans, char *out);

#endif /* IPDETECT_H */
