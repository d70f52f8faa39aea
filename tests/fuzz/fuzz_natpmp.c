/*
 * fuzz_natpmp.c
 * libFuzzer target: a NAT-PMP answer, and an RTM_GETROUTE dump.
 * SPDX-License-Identifier: ISC
 *
 * The same bytes are read as the router's datagram and as the kernel's
 * route dump (on an aligned heap copy of exactly their length, as
 * netlink_dump() hands it over).  Promises: an answer is accepted only
 * with version 0, opcode 128, result 0 and 12 bytes at least, and then
 * the address is the one in bytes 8 to 11; a refusal says why and leaves
 * no address; a gateway is an IPv4 address or nothing.
 */

#include <arpa/inet.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "natpmp.h"
#include "netaddr.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char out[INET6_ADDRSTRLEN], want[INET6_ADDRSTRLEN], why[256];
	unsigned char *buf, bin[4];
	int rc;

	buf = xmalloc(size > 0 ? size : 1);
	if (size > 0)
		memcpy(buf, data, size);

	why[0] = '\0';
	memset(out, 'x', sizeof(out));
	if (natpmp_parse(buf, size, out, why, sizeof(why)) == ST_OK) {
		FUZZ_CHECK(size >= 12 && buf[0] == 0 && buf[1] == 128 &&
		    buf[2] == 0 && buf[3] == 0);
		netaddr_format(FAM_V4, buf + 8, want);
		FUZZ_CHECK(strcmp(out, want) == 0);
	} else
		FUZZ_CHECK(why[0] != '\0' && out[0] == '\0' &&
		    memchr(why, '\0', sizeof(why)) != NULL);

	memset(out, 'x', sizeof(out));
	rc = natpmp_gateway_parse(buf, size, out);
	FUZZ_CHECK(rc >= -1 && rc <= 1);
	if (rc == 1)
		FUZZ_CHECK(netaddr_parse(FAM_V4, out, bin) == 0);
	else
		FUZZ_CHECK(out[0] == '\0');
	free(buf);
	return 0;
}
