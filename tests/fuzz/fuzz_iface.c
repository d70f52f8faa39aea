/*
 * fuzz_iface.c
 * libFuzzer target: an RTM_GETADDR dump, read and chosen from, both families.
 * SPDX-License-Identifier: ISC
 *
 * The input is the bytes the kernel would send.  It is copied to a heap
 * buffer of exactly its length, aligned as netlink_dump() hands it over, so
 * that ASan catches any read past the end.  Promises: a dump is refused
 * whole or read whole; the address chosen is one of those read, on the
 * interface asked, of the family asked, not refused, not beaten by any
 * other under the rule of iface_choose(), and global unless
 * allow_nonglobal; when none is chosen, every address there is refused.
 */

#include <arpa/inet.h>
#include <linux/if_addr.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "iface.h"

/* 1 when a ranks before b: permanent, longer lifetime, lower address. */
static int
ranks_before(const struct iface_addr *a, const struct iface_addr *b)
{
	int pa = (a->flags & IFA_F_PERMANENT) != 0;
	int pb = (b->flags & IFA_F_PERMANENT) != 0;

	if (pa != pb)
		return pa;
	if (a->preferred != b->preferred)
		return a->preferred > b->preferred;
	return memcmp(a->addr, b->addr, a->fam == FAM_V4 ? 4 : 16) < 0;
}

static void
choose_as(const struct iface_addr *addrs, size_t n, int ifindex,
    bool allow_nonglobal)
{
	const struct iface_addr *c;
	size_t i;
	long best;

	best = iface_choose(addrs, n, ifindex, allow_nonglobal);
	FUZZ_CHECK(best >= -1 && best < (long)n);
	if (best == -1) {
		for (i = 0; i < n; i++)
			FUZZ_CHECK((ifindex != 0 && addrs[i].ifindex !=
			    ifindex) ||
			    iface_refusal(&addrs[i], allow_nonglobal) != NULL);
		return;
	}
	c = &addrs[best];
	FUZZ_CHECK(ifindex == 0 || c->ifindex == ifindex);
	FUZZ_CHECK(iface_refusal(c, allow_nonglobal) == NULL);
	FUZZ_CHECK(allow_nonglobal || netaddr_is_global(c->fam, c->addr));
	FUZZ_CHECK(c->fam != FAM_V6 || !(c->flags & (IFA_F_TEMPORARY |
	    IFA_F_DEPRECATED | IFA_F_TENTATIVE | IFA_F_DADFAILED)));
	FUZZ_CHECK(c->preferred != 0);
	for (i = 0; i < n; i++)
		if ((long)i != best && (ifindex == 0 ||
		    addrs[i].ifindex == ifindex) &&
		    iface_refusal(&addrs[i], allow_nonglobal) == NULL)
			FUZZ_CHECK(!ranks_before(&addrs[i], c));
}

static void
read_as(const unsigned char *buf, size_t size, enum family fam)
{
	struct iface_addr *addrs;
	size_t n, i;

	if (iface_parse(buf, size, fam, &addrs, &n) == -1) {
		FUZZ_CHECK(addrs == NULL && n == 0);
		return;
	}
	FUZZ_CHECK(n <= IFACE_MAX_ADDRS && (n == 0) == (addrs == NULL));
	for (i = 0; i < n; i++)
		FUZZ_CHECK(addrs[i].fam == fam);
	choose_as(addrs, n, 0, false);
	choose_as(addrs, n, 0, true);
	if (n > 0) {
		choose_as(addrs, n, addrs[n - 1].ifindex, false);
		choose_as(addrs, n, addrs[n - 1].ifindex, true);
	}
	free(addrs);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	unsigned char *buf;

	buf = xmalloc(size > 0 ? size : 1);
	if (size > 0)
		memcpy(buf, data, size);
	read_as(buf, size, FAM_V4);
	read_as(buf, size, FAM_V6);
	free(buf);
	return 0;
}
