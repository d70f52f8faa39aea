/*
 * iface.h
 * The interface source: the host's own addresses, read from the kernel.
 * SPDX-License-Identifier: ISC
 */

#ifndef IFACE_H
#define IFACE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ddnsupdate.h"
#include "netaddr.h"

#define IFACE_FOREVER	0xffffffffU	/* INFINITY_LIFE_TIME */
#define IFACE_MAX_ADDRS	4096		/* read from one dump, at most */

/* One address of an RTM_NEWADDR message. */
struct iface_addr {
	enum family	 fam;
	unsigned char	 addr[16];	/* network order; 4 bytes for IPv4 */
	int		 ifindex;
	uint32_t	 flags;		/* IFA_F_*: the IFA_FLAGS attribute
					   when present, else ifa_flags */
	uint32_t	 preferred;	/* seconds of preferred lifetime left
					   (IFA_CACHEINFO), IFACE_FOREVER */
};

/*
 * Reads the RTM_NEWADDR messages of a netlink dump (len bytes at buf, as
 * netlink_dump() gives it) into a new array *addrs (caller frees), *n
 * entries, those of family fam only; the host's address of each is
 * IFA_LOCAL when present (on a point-to-point link IFA_ADDRESS is the
 * peer's), else IFA_ADDRESS.  Messages of other types and families are
 * skipped, as is an address attribute of the wrong length.  Returns 0, or
 * -1 (with *addrs NULL and *n 0) when a message is cut short, an
 * attribute overruns its message, or more than IFACE_MAX_ADDRS come.
 */
int		 iface_parse(const void *buf, size_t len, enum family fam,
		    struct iface_addr **addrs, size_t *n);

/*
 * Why a may not be published, as a short static phrase ("temporary",
 * "deprecated", "tentative", "failed duplicate address detection", "no
 * preferred lifetime left", "loopback", "link-local", "not globally
 * reachable"), or NULL when it may.  Loopback and link-local addresses
 * are refused even with allow_nonglobal: no other host reaches them by
 * name.  The IPv6-only flags are not read for IPv4, where the bit of
 * IFA_F_TEMPORARY means IFA_F_SECONDARY.
 */
const char	*iface_refusal(const struct iface_addr *a,
		    bool allow_nonglobal);

/*
 * The index in addrs of the address to publish among those on interface
 * ifindex (0: on every interface) that iface_refusal() lets through: one
 * the kernel marks permanent (IFA_F_PERMANENT) first, then the longest
 * preferred lifetime, then the lowest address.  -1 when there is none.
 */
long		 iface_choose(const struct iface_addr *addrs, size_t n,
		    int ifindex, bool allow_nonglobal);

/*
 * The interface source: reads the addresses of fam from the kernel and
 * chooses as iface_choose() does on interface name, or on every interface
 * when name is "*".  Writes the canonical text form to out
 * (INET6_ADDRSTRLEN bytes) and returns ST_OK, or ST_TEMPFAIL with why
 * saying what was found (no such interface, the addresses skipped and
 * why).  At -v each address seen is logged with its verdict.
 */
enum status	 iface_ask(const char *name, enum family fam,
		    bool allow_nonglobal, char *out, char *why,
		    size_t whylen);

#endif /* IFACE_H */
