/*
 * nlbuild.h
 * Netlink messages built by hand, for the parsers of iface.c and natpmp.c.
 * SPDX-License-Identifier: ISC
 */

#ifndef NLBUILD_H
#define NLBUILD_H

#include <linux/if_addr.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ddnsupdate.h"

/* A dump being built: messages one after the other, 4-byte aligned. */
struct nlbuf {
	unsigned char	*p;
	size_t		 len;
	size_t		 cap;
	size_t		 msg;		/* where the open message begins */
};

static inline void *
nl_room(struct nlbuf *b, size_t n)
{
	size_t need = b->len + NLMSG_ALIGN(n);
	void *at;

	if (need > b->cap) {
		b->cap = need * 2 + 256;
		b->p = xrealloc(b->p, b->cap, 1);
	}
	at = b->p + b->len;
	memset(at, 0, NLMSG_ALIGN(n));
	b->len = need;
	return at;
}

/* Opens a message of type whose fixed part is hdr (hlen bytes). */
static inline void
nl_begin(struct nlbuf *b, int type, const void *hdr, size_t hlen)
{
	struct nlmsghdr *h;

	b->msg = b->len;
	h = nl_room(b, NLMSG_HDRLEN);
	h->nlmsg_type = (uint16_t)type;
	h->nlmsg_flags = NLM_F_MULTI;
	h->nlmsg_seq = 1;
	memcpy(nl_room(b, hlen), hdr, hlen);
}

static inline void
nl_attr(struct nlbuf *b, int type, const void *data, size_t n)
{
	struct rtattr *rta;

	rta = nl_room(b, RTA_LENGTH(n));
	rta->rta_type = (unsigned short)type;
	rta->rta_len = (unsigned short)RTA_LENGTH(n);
	memcpy(RTA_DATA(rta), data, n);
}

static inline void
nl_attr_u32(struct nlbuf *b, int type, uint32_t v)
{
	nl_attr(b, type, &v, sizeof(v));
}

/* Closes the open message: its length is all that was added since. */
static inline void
nl_end(struct nlbuf *b)
{
	struct nlmsghdr *h = (struct nlmsghdr *)(void *)(b->p + b->msg);

	h->nlmsg_len = (uint32_t)(b->len - b->msg);
}

static inline void
nl_done(struct nlbuf *b)
{
	int zero = 0;

	nl_begin(b, NLMSG_DONE, &zero, sizeof(zero));
	nl_end(b);
}

static inline void
nl_free(struct nlbuf *b)
{
	free(b->p);
	memset(b, 0, sizeof(*b));
}

#endif /* NLBUILD_H */
