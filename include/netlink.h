/*
 * netlink.h
 * Dumps of the kernel's routing tables (addresses, routes) over rtnetlink.
 * SPDX-License-Identifier: ISC
 */

#ifndef NETLINK_H
#define NETLINK_H

#include <linux/netlink.h>
#include <stddef.h>
#include <stdint.h>

#include "ddnsupdate.h"

/*
 * Walks the messages of a dump held in buf (len bytes, 4-byte aligned as
 * malloc gives it): returns the message at *off and moves *off past it,
 * or NULL at the end of the buffer.  A message cut short (its header or
 * its nlmsg_len running past len) ends the walk with *bad set to 1.
 */
const struct nlmsghdr *netlink_next(const void *buf, size_t len,
		    size_t *off, int *bad);

/*
 * Asks the kernel for a dump of type (RTM_GETADDR, RTM_GETROUTE) of
 * address family af (AF_INET, AF_INET6) and reads all of it.  On ST_OK
 * *buf (caller frees) holds the messages received, up to and including
 * NLMSG_DONE, *len bytes in all; a dump the kernel marks interrupted
 * (NLM_F_DUMP_INTR: the table changed under it) is asked again, twice at
 * most.  Returns ST_TEMPFAIL with why set when the socket, the request or
 * the reading fails, or the kernel answers an error.
 */
enum status	 netlink_dump(int type, int af, unsigned char **buf,
		    size_t *len, char *why, size_t whylen);

/* What one RTM_NEWROUTE message says, of what the program uses. */
struct netlink_route {
	int			 family;	/* AF_INET, AF_INET6 */
	int			 dst_len;	/* 0: a default route */
	int			 type;		/* RTN_UNICAST, ... */
	uint32_t		 table;		/* RT_TABLE_MAIN, ... */
	uint32_t		 metric;
	const unsigned char	*gateway4;	/* IPv4 gateway (the first hop
						   of a multipath route), in
						   the message, or NULL */
};

/*
 * Reads the route message h into *r.  Returns 0, or -1 when it is cut
 * short or an attribute overruns it.
 */
int		 netlink_route(const struct nlmsghdr *h,
		    struct netlink_route *r);

/*
 * The next route of the dump buf (an RTM_GETROUTE dump, len bytes) from
 * *off on, into *r: returns 1, or 0 at the end of the dump, or -1 when it
 * is malformed.  *off starts at 0.
 */
int		 netlink_next_route(const void *buf, size_t len, size_t *off,
		    struct netlink_route *r);

/*
 * 1 when the kernel's main routing table has a default route (a unicast
 * route to ::/0 or 0.0.0.0/0, with or without a gateway) of family af in
 * the dump buf (an RTM_GETROUTE dump, len bytes); 0 when it has none; -1
 * when the dump is malformed.
 */
int		 netlink_has_default_route(const void *buf, size_t len, int af);

#endif /* NETLINK_H */
