/*
 * netaddr.h
 * Addresses and URLs: the two families, text forms, the global check, the URL rule.
 * SPDX-License-Identifier: ISC
 */

#ifndef NETADDR_H
#define NETADDR_H

#include <arpa/inet.h>
#include <stdbool.h>
#include <stddef.h>

/* Address families in use; a record has exactly one. */
enum family {
	FAM_V4 = 0,		/* A record, IPv4 */
	FAM_V6 = 1,		/* AAAA record, IPv6 */
	FAM_COUNT
};

/* "A" or "AAAA". */
const char	*family_rtype(enum family);

/* "IPv4" or "IPv6", for messages. */
const char	*family_name(enum family);

/* AF_INET or AF_INET6. */
int		 family_af(enum family);

/*
 * Parses text as one address of fam in its usual text form (nothing
 * around it) into bin (4 or 16 bytes, network order).  Returns 0, or -1
 * when it is anything else.
 */
int		 netaddr_parse(enum family fam, const char *text,
		    unsigned char *bin);

/* Writes the canonical text form of bin to out (INET6_ADDRSTRLEN bytes). */
void		 netaddr_format(enum family fam, const unsigned char *bin,
		    char *out);

/*
 * 1 when a and b are the same address of fam, whatever their text form
 * ("2A02:1234:0:0:0:0:0:1" and "2a02:1234::1"); 0 when they differ or
 * either is NULL or not an address.
 */
int		 netaddr_equal(enum family fam, const char *a, const char *b);

/*
 * 1 when the IANA special-purpose registries mark the address globally
 * reachable; 0 for private, CGNAT, loopback, link-local, documentation,
 * benchmarking, multicast, reserved, ULA, NAT64, mapped and the like.
 * addr points to 4 (FAM_V4) or 16 (FAM_V6) bytes in network order.
 */
int		 netaddr_is_global(enum family fam, const unsigned char *addr);

/*
 * 1 when url is https://, or http:// to a loopback host (127.0.0.0/8, ::1,
 * localhost), as CONTRACT.md 6 allows; 0 otherwise (and for user info in
 * the URL).
 */
int		 netaddr_url_allowed(const char *url);

#endif /* NETADDR_H */
