/*
 * netlink.c
 * Dumps of the kernel's routing tables (addresses, routes) over rtnetlink.
 * SPDX-License-Identifier: ISC
 *
 * One NETLINK_ROUTE socket per dump: a request with NLM_F_DUMP, then
 * datagrams of messages until NLMSG_DONE (rtnetlink(7)).  Only the reading
 * is here; what the messages mean is for the parsers of iface.c and
 * natpmp.c, which take the buffer whole so that the unit tests and the
 * fuzz targets can hand them messages built by hand.  Netlink, not /proc:
 * the systemd unit hides /proc/net (ProcSubset=pid).
 */

#include <sys/socket.h>
#include <sys/time.h>

#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "netlink.h"

#define DUMP_MAX	(4 * 1024 * 1024)	/* more is not a host's table */
#define CHUNK		32768

const struct nlmsghdr *
netlink_next(const void *buf, size_t len, size_t *off, int *bad)
{
	const struct nlmsghdr *h;
	size_t left, step;

	if (*off >= len)
		return NULL;
	left = len - *off;
	h = (const void *)((const unsigned char *)buf + *off);
	if (left < sizeof(*h) || h->nlmsg_len < sizeof(*h) ||
	    h->nlmsg_len > left) {
		*bad = 1;
		return NULL;
	}
	step = NLMSG_ALIGN(h->nlmsg_len);
	*off += step < left ? step : left;
	return h;
}

/* Checks the messages of one datagram; 1 at NLMSG_DONE, 0 more, -1 bad. */
static int
check_chunk(const unsigned char *p, size_t n, unsigned int seq, int *intr,
    char *why, size_t whylen)
{
	const struct nlmsghdr *h;
	struct nlmsgerr err;
	size_t off = 0;
	int bad = 0;

	while ((h = netlink_next(p, n, &off, &bad)) != NULL) {
		if (h->nlmsg_seq != seq)
			continue;	/* not ours */
		if (h->nlmsg_flags & NLM_F_DUMP_INTR)
			*intr = 1;
		if (h->nlmsg_type == NLMSG_DONE)
			return 1;
		if (h->nlmsg_type == NLMSG_ERROR) {
			memset(&err, 0, sizeof(err));
			if (h->nlmsg_len >= NLMSG_LENGTH(sizeof(err.error)))
				memcpy(&err.error, NLMSG_DATA(h),
				    sizeof(err.error));
			snprintf(why, whylen, "netlink: %s",
			    strerror(err.error < 0 ? -err.error : EPROTO));
			return -1;
		}
	}
	if (bad) {
		snprintf(why, whylen, "netlink: message cut short");
		return -1;
	}
	return 0;
}

/* One dump; 1 when the kernel marked it interrupted, 0 done, -1 failed. */
static int
dump_once(int type, int af, unsigned int seq, unsigned char **bufp,
    size_t *lenp, char *why, size_t whylen)
{
	struct {
		struct nlmsghdr	 h;
		struct rtgenmsg	 g;
		unsigned char	 pad[12];
	} req;
	struct sockaddr_nl kernel = { .nl_family = AF_NETLINK };
	struct timeval tv = { 5, 0 };	/* the kernel answers at once */
	unsigned char *buf = NULL;
	size_t len = 0, cap = 0;
	ssize_t n;
	int fd, rc = -1, intr = 0, done = 0;

	if ((fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC,
	    NETLINK_ROUTE)) == -1) {
		snprintf(why, whylen, "netlink socket: %s", strerror(errno));
		return -1;
	}
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	memset(&req, 0, sizeof(req));
	req.h.nlmsg_len = NLMSG_LENGTH(sizeof(req.g));
	req.h.nlmsg_type = (unsigned short)type;
	req.h.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	req.h.nlmsg_seq = seq;
	req.g.rtgen_family = (unsigned char)af;
	if (sendto(fd, &req, req.h.nlmsg_len, 0,
	    (struct sockaddr *)&kernel, sizeof(kernel)) == -1) {
		snprintf(why, whylen, "netlink request: %s", strerror(errno));
		goto out;
	}
	while (!done) {
		if (cap - len < CHUNK) {
			if (cap >= DUMP_MAX) {
				snprintf(why, whylen, "netlink: dump larger "
				    "than %d bytes", DUMP_MAX);
				goto out;
			}
			cap += 4 * CHUNK;
			buf = xrealloc(buf, cap, 1);
		}
		n = recv(fd, buf + len, CHUNK, 0);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0) {
			snprintf(why, whylen, "netlink: %s", n == 0 ?
			    "connection closed" : strerror(errno));
			goto out;
		}
		if ((done = check_chunk(buf + len, (size_t)n, seq, &intr, why,
		    whylen)) == -1)
			goto out;
		len += (size_t)n;
	}
	rc = intr;
out:
	close(fd);
	if (rc == -1) {
		free(buf);
		buf = NULL;
		len = 0;
	}
	*bufp = buf;
	*lenp = len;
	return rc;
}

enum status
netlink_dump(int type, int af, unsigned char **buf, size_t *len, char *why,
    size_t whylen)
{
	unsigned int seq;
	int tries, rc = -1;

	*buf = NULL;
	*len = 0;
	seq = (unsigned int)getpid() ^ (unsigned int)type << 16;
	for (tries = 0; tries < 3; tries++) {
		free(*buf);
		if ((rc = dump_once(type, af, seq + (unsigned int)tries, buf,
		    len, why, whylen)) <= 0)
			break;
	}
	if (rc == -1)
		return ST_TEMPFAIL;
	return ST_OK;	/* still interrupted after three: the last is used */
}

/* The first hop of an RTA_MULTIPATH payload with an IPv4 gateway. */
static const unsigned char *
first_hop(const struct rtattr *mp)
{
	const struct rtnexthop *nh;
	const struct rtattr *rta;
	int left = (int)RTA_PAYLOAD(mp), rleft;

	for (nh = RTA_DATA(mp); left >= (int)sizeof(*nh) &&
	    nh->rtnh_len >= sizeof(*nh) && nh->rtnh_len <= left;
	    left -= (int)RTNH_ALIGN(nh->rtnh_len), nh = RTNH_NEXT(nh)) {
		rleft = nh->rtnh_len - (int)sizeof(*nh);
		for (rta = RTNH_DATA(nh); RTA_OK(rta, rleft);
		    rta = RTA_NEXT(rta, rleft))
			if (rta->rta_type == RTA_GATEWAY &&
			    RTA_PAYLOAD(rta) == 4)
				return RTA_DATA(rta);
	}
	return NULL;
}

int
netlink_route(const struct nlmsghdr *h, struct netlink_route *r)
{
	const struct rtattr *rta;
	struct rtmsg rt;
	int rleft;

	memset(r, 0, sizeof(*r));
	if (h->nlmsg_len < NLMSG_LENGTH(sizeof(rt)))
		return -1;
	memcpy(&rt, NLMSG_DATA(h), sizeof(rt));
	r->family = rt.rtm_family;
	r->dst_len = rt.rtm_dst_len;
	r->type = rt.rtm_type;
	r->table = rt.rtm_table;
	rleft = (int)RTM_PAYLOAD(h);
	for (rta = RTM_RTA(NLMSG_DATA(h)); RTA_OK(rta, rleft);
	    rta = RTA_NEXT(rta, rleft)) {
		if (rta->rta_type == RTA_TABLE && RTA_PAYLOAD(rta) >= 4)
			memcpy(&r->table, RTA_DATA(rta), 4);
		else if (rta->rta_type == RTA_PRIORITY && RTA_PAYLOAD(rta) >= 4)
			memcpy(&r->metric, RTA_DATA(rta), 4);
		else if (rta->rta_type == RTA_GATEWAY && RTA_PAYLOAD(rta) == 4)
			r->gateway4 = RTA_DATA(rta);
		else if (rta->rta_type == RTA_MULTIPATH && r->gateway4 == NULL)
			r->gateway4 = first_hop(rta);
	}
	if (rleft >= (int)sizeof(*rta))
		return -1;	/* an attribute overruns the message */
	return 0;
}

int
netlink_next_route(const void *buf, size_t len, size_t *off,
    struct netlink_route *r)
{
	const struct nlmsghdr *h;
	int cut = 0;

	while ((h = netlink_next(buf, len, off, &cut)) != NULL) {
		if (h->nlmsg_type == NLMSG_DONE)
			return 0;
		if (h->nlmsg_type == RTM_NEWROUTE)
			return netlink_route(h, r) == -1 ? -1 : 1;
	}
	return cut ? -1 : 0;
}

int
netlink_has_default_route(const void *buf, size_t len, int af)
{
	struct netlink_route r;
	size_t off = 0;
	int rc;

	while ((rc = netlink_next_route(buf, len, &off, &r)) == 1)
		if (r.family == af && r.dst_len == 0 &&
		    r.type == RTN_UNICAST && r.table == RT_TABLE_MAIN)
			return 1;
	return rc;
}
