/*
 * iface.c
 * The interface source: the host's own addresses, read from the kernel.
 * SPDX-License-Identifier: ISC
 *
 * A host that holds its public address itself (IPv6, or IPv4 over PPPoE or
 * on a VPS) needs no third party to learn it: the kernel lists its
 * addresses in an RTM_GETADDR dump (rtnetlink(7)), each with its flags
 * (the 32-bit IFA_FLAGS attribute; the 8-bit ifa_flags of the header holds
 * only the low ones) and its lifetimes (IFA_CACHEINFO).  Picking the one
 * to publish is where peers fail their users (CONTRACT.md 6): a temporary
 * privacy address (RFC 8981) rotates daily, a deprecated one is on its way
 * out after a renumbering, a tentative one may yet prove a duplicate, and
 * a ULA or link-local address reaches no one outside.  So only addresses
 * the global check accepts are considered, the IPv6 ones not temporary,
 * deprecated, tentative or failed, and with preferred lifetime left; then
 * a static one (IFA_F_PERMANENT) wins, then the longest preferred
 * lifetime, then the lowest address, so that two runs choose alike.  On a
 * point-to-point link (PPP) IFA_LOCAL is the host's address and
 * IFA_ADDRESS the peer's; elsewhere the kernel sends both alike or
 * IFA_ADDRESS alone.  Parsing and choosing take a buffer and an array, so
 * that the unit tests and the fuzz target feed them messages built by
 * hand; netlink.c does the reading.
 */

#include <sys/socket.h>

#include <linux/if_addr.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "iface.h"
#include "log.h"
#include "netlink.h"

#ifndef IFA_F_MANAGETEMPADDR
#define IFA_F_MANAGETEMPADDR	0x100
#endif

int
iface_parse(const void *buf, size_t len, enum family fam,
    struct iface_addr **addrs, size_t *n)
{
	const struct nlmsghdr *h;
	const struct rtattr *rta;
	struct ifaddrmsg ifa;
	struct ifa_cacheinfo ci;
	struct iface_addr a, *v = NULL;
	const unsigned char *local, *address;
	size_t alen = fam == FAM_V4 ? 4 : 16, cap = 0, count = 0, plen, off = 0;
	int rleft, cut = 0;

	*addrs = NULL;
	*n = 0;
	while ((h = netlink_next(buf, len, &off, &cut)) != NULL) {
		if (h->nlmsg_type == NLMSG_DONE)
			break;
		if (h->nlmsg_type != RTM_NEWADDR)
			continue;
		if (h->nlmsg_len < NLMSG_LENGTH(sizeof(ifa)))
			goto bad;
		memcpy(&ifa, NLMSG_DATA(h), sizeof(ifa));
		if (ifa.ifa_family != family_af(fam))
			continue;
		memset(&a, 0, sizeof(a));
		a.fam = fam;
		a.ifindex = (int)ifa.ifa_index;
		a.flags = ifa.ifa_flags;
		a.preferred = IFACE_FOREVER;
		local = address = NULL;
		rleft = (int)IFA_PAYLOAD(h);
		for (rta = IFA_RTA(NLMSG_DATA(h)); RTA_OK(rta, rleft);
		    rta = RTA_NEXT(rta, rleft)) {
			plen = RTA_PAYLOAD(rta);
			switch (rta->rta_type) {
			case IFA_LOCAL:
				if (plen == alen)
					local = RTA_DATA(rta);
				break;
			case IFA_ADDRESS:
				if (plen == alen)
					address = RTA_DATA(rta);
				break;
			case IFA_FLAGS:
				if (plen >= sizeof(a.flags))
					memcpy(&a.flags, RTA_DATA(rta),
					    sizeof(a.flags));
				break;
			case IFA_CACHEINFO:
				if (plen >= sizeof(ci)) {
					memcpy(&ci, RTA_DATA(rta), sizeof(ci));
					a.preferred = ci.ifa_prefered;
				}
				break;
			}
		}
		if (rleft >= (int)sizeof(*rta))
			goto bad;	/* an attribute overruns the message */
		if (local == NULL && (local = address) == NULL)
			continue;
		memcpy(a.addr, local, alen);
		if (count == IFACE_MAX_ADDRS)
			goto bad;
		if (count == cap) {
			cap = cap == 0 ? 16 : cap * 2;
			v = xrealloc(v, cap, sizeof(*v));
		}
		v[count++] = a;
	}
	if (cut)
		goto bad;
	*addrs = v;
	*n = count;
	return 0;
bad:
	free(v);
	return -1;
}

const char *
iface_refusal(const struct iface_addr *a, bool allow_nonglobal)
{
	static const unsigned char v6_loopback[16] = { [15] = 1 };
	static const unsigned char v6_any[16];
	const unsigned char *p = a->addr;

	if (a->fam == FAM_V6 && (a->flags & IFA_F_TEMPORARY))
		return "temporary";
	if (a->flags & IFA_F_DADFAILED)
		return "failed duplicate address detection";
	if (a->flags & IFA_F_TENTATIVE)
		return "tentative";
	if (a->flags & IFA_F_DEPRECATED)
		return "deprecated";
	if (a->preferred == 0)
		return "no preferred lifetime left";
	if (a->fam == FAM_V4) {
		if (p[0] == 127)
			return "loopback";
		if (p[0] == 169 && p[1] == 254)
			return "link-local";
		if (p[0] == 0 || p[0] >= 224)
			return "not unicast";
	} else {
		if (memcmp(p, v6_loopback, 16) == 0)
			return "loopback";
		if (p[0] == 0xfe && (p[1] & 0xc0) == 0x80)
			return "link-local";
		if (memcmp(p, v6_any, 16) == 0 || p[0] == 0xff)
			return "not unicast";
	}
	if (!allow_nonglobal && !netaddr_is_global(a->fam, p))
		return "not globally reachable";
	return NULL;
}

/* 1 when a is to be published rather than b. */
static int
better(const struct iface_addr *a, const struct iface_addr *b)
{
	int pa = (a->flags & IFA_F_PERMANENT) != 0;
	int pb = (b->flags & IFA_F_PERMANENT) != 0;

	if (pa != pb)
		return pa;
	if (a->preferred != b->preferred)
		return a->preferred > b->preferred;
	return memcmp(a->addr, b->addr, a->fam == FAM_V4 ? 4 : 16) < 0;
}

long
iface_choose(const struct iface_addr *addrs, size_t n, int ifindex,
    bool allow_nonglobal)
{
	long best = -1;
	size_t i;

	for (i = 0; i < n; i++) {
		if ((ifindex != 0 && addrs[i].ifindex != ifindex) ||
		    iface_refusal(&addrs[i], allow_nonglobal) != NULL)
			continue;
		if (best == -1 || better(&addrs[i], &addrs[best]))
			best = (long)i;
	}
	return best;
}

/* "permanent", or the preferred lifetime left, for -v. */
static void
describe(const struct iface_addr *a, char *buf, size_t len)
{
	if (a->flags & IFA_F_PERMANENT)
		snprintf(buf, len, "permanent");
	else if (a->preferred == IFACE_FOREVER)
		snprintf(buf, len, "preferred forever");
	else
		snprintf(buf, len, "preferred %lu s",
		    (unsigned long)a->preferred);
}

/* The reasons of why, and how many addresses each turned away. */
static void
explain(const struct iface_addr *addrs, size_t n, int ifindex,
    bool allow_nonglobal, const char *where, enum family fam, char *why,
    size_t whylen)
{
	static const char *const reasons[] = {
		"temporary", "deprecated", "tentative",
		"failed duplicate address detection",
		"no preferred lifetime left", "loopback", "link-local",
		"not unicast", "not globally reachable",
	};
	size_t i, r, count, seen = 0, off;
	const char *why1;
	int nr;

	off = (size_t)snprintf(why, whylen, "no usable %s address on %s",
	    family_name(fam), where);
	for (r = 0; r < sizeof(reasons) / sizeof(reasons[0]); r++) {
		count = 0;
		for (i = 0; i < n; i++) {
			if (ifindex != 0 && addrs[i].ifindex != ifindex)
				continue;
			why1 = iface_refusal(&addrs[i], allow_nonglobal);
			if (why1 != NULL && strcmp(why1, reasons[r]) == 0)
				count++;
		}
		if (count == 0 || off >= whylen)
			continue;
		nr = snprintf(why + off, whylen - off, "%s%zu %s",
		    seen++ == 0 ? " (skipped: " : ", ", count, reasons[r]);
		off = nr < 0 ? whylen : off + (size_t)nr;
	}
	if (seen > 0 && off < whylen)
		snprintf(why + off, whylen - off, ")");
}

enum status
iface_ask(const char *name, enum family fam, bool allow_nonglobal, char *out,
    char *why, size_t whylen)
{
	struct iface_addr *addrs = NULL;
	unsigned char *buf = NULL;
	char text[INET6_ADDRSTRLEN], ifname[IF_NAMESIZE], life[32];
	const char *refusal;
	size_t len, n = 0, i;
	enum status st = ST_TEMPFAIL;
	long best;
	int ifindex = 0;

	out[0] = '\0';
	if (strcmp(name, "*") != 0 &&
	    (ifindex = (int)if_nametoindex(name)) == 0) {
		snprintf(why, whylen, "no such interface %s", name);
		return ST_TEMPFAIL;
	}
	if (netlink_dump(RTM_GETADDR, family_af(fam), &buf, &len, why,
	    whylen) != ST_OK)
		return ST_TEMPFAIL;
	if (iface_parse(buf, len, fam, &addrs, &n) == -1) {
		snprintf(why, whylen, "netlink: malformed address list");
		goto out;
	}
	best = iface_choose(addrs, n, ifindex, allow_nonglobal);
	for (i = 0; log_is_verbose() && i < n; i++) {
		if (ifindex != 0 && addrs[i].ifindex != ifindex)
			continue;
		netaddr_format(fam, addrs[i].addr, text);
		if (if_indextoname((unsigned int)addrs[i].ifindex,
		    ifname) == NULL)
			snprintf(ifname, sizeof(ifname), "#%d",
			    addrs[i].ifindex);
		describe(&addrs[i], life, sizeof(life));
		refusal = iface_refusal(&addrs[i], allow_nonglobal);
		log_info("iface:%s: %s on %s (flags 0x%x, %s): %s%s", name,
		    text, ifname, (unsigned int)addrs[i].flags, life,
		    refusal != NULL ? "skipped: " : (long)i == best ?
		    "chosen" : "usable", refusal != NULL ? refusal : "");
	}
	if (best == -1) {
		explain(addrs, n, ifindex, allow_nonglobal,
		    ifindex == 0 ? "any interface" : name, fam, why, whylen);
		goto out;
	}
	netaddr_format(fam, addrs[best].addr, out);
	st = ST_OK;
out:
	free(addrs);
	free(buf);
	return st;
}
