/*
 * natpmp.h
 * The router source: the NAT's external IPv4 address by NAT-PMP (RFC 6886).
 * SPDX-License-Identifier: ISC
 */

#ifndef NATPMP_H
#define NATPMP_H

#include <stddef.h>

#include "ddnsupdate.h"

#define NATPMP_PORT		5351
#define NATPMP_FIRST_WAIT_MS	250	/* RFC 6886 3.1: then doubling */

/*
 * Parses a datagram that answered an external-address request (opcode
 * 0): version 0, opcode 128, result code 0 and at least 12 bytes (more
 * are ignored, as a later version may add them).  Writes the address in
 * text form to out (INET6_ADDRSTRLEN bytes).  Returns ST_OK, or
 * ST_TEMPFAIL with why saying what is wrong (a result code other than 0
 * is named: "the router refused: not authorized (result 2)").
 */
enum status	 natpmp_parse(const unsigned char *buf, size_t len, char *out,
		    char *why, size_t whylen);

/*
 * Finds the default gateway in a netlink RTM_GETROUTE dump of AF_INET
 * (len bytes at buf, as netlink_dump() gives it): among the unicast routes
 * of the main table to 0.0.0.0/0 that have a gateway (RTA_GATEWAY, or the
 * first hop of RTA_MULTIPATH), the one of lowest metric (RTA_PRIORITY),
 * the first of equals.  Writes its address in text form to out
 * (INET6_ADDRSTRLEN bytes).  Returns 1 when found, 0 when there is none,
 * -1 when a message is malformed.
 */
int		 natpmp_gateway_parse(const void *buf, size_t len, char *out);

/*
 * The router source: asks router (an IPv4 address in text form, or NULL
 * for the default gateway) for its external address, on UDP port 5351,
 * sending the request again after 250 ms, then doubling the wait, until
 * an answer comes from that address or timeout seconds have passed.
 * Writes the address to out (INET6_ADDRSTRLEN bytes) and returns ST_OK,
 * or ST_TEMPFAIL with why set (no default gateway, no answer within the
 * timeout, the port unreachable, a malformed answer or a result code
 * other than 0).  The address is not checked for global reach here.
 */
enum status	 natpmp_ask(const char *router, long timeout, char *out,
		    char *why, size_t whylen);

#endif /* NATPMP_H */
