/*
 * natpmp.c
 * The router source: the NAT's external IPv4 address by NAT-PMP (RFC 6886).
 * SPDX-License-Identifier: ISC
 *
 * A host behind a home router holds no public IPv4 address; the router
 * does, and NAT-PMP tells it in one UDP exchange on the local network, with
 * no TLS and no third party (https://www.rfc-editor.org/rfc/rfc6886):
 * the request is two bytes (version 0, opcode 0) to port 5351 of the
 * default gateway; the answer is twelve (version 0, opcode 128, a 16-bit
 * result code, the router's uptime, the address).  Unanswered, the
 * request is sent again after 250 ms, then after twice as long each time
 * (3.1), nine times at most, and never past the run's timeout.  Only an
 * answer from the address asked counts (3.1: "silently discard").  A
 * router behind carrier-grade NAT answers a 100.64.0.0/10 address, which
 * ipdetect.c's global check refuses; the next source is then tried.
 *
 * The exchange is a dozen lines, so it is written here rather than taken
 * from libnatpmp: that library finds the gateway in /proc/net/route, which
 * the systemd unit hides (ProcSubset=pid), and its retransmission runs to
 * 128 s on its own clock; the default gateway comes from netlink instead.
 */

#include <sys/socket.h>

#include <arpa/inet.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <netinet/in.h>
#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "natpmp.h"
#include "netaddr.h"
#include "netlink.h"

#define MAX_SENDS	9	/* RFC 6886 3.1 */

static const char *const results[] = {
	"success", "unsupported version", "not authorized or refused",
	"network failure", "out of resources", "unsupported opcode",
};

enum status
natpmp_parse(const unsigned char *buf, size_t len, char *out, char *why,
    size_t whylen)
{
	unsigned int result;

	out[0] = '\0';
	if (len < 8) {
		snprintf(why, whylen, "answer of %zu bytes is too short", len);
		return ST_TEMPFAIL;
	}
	if (buf[0] != 0) {
		snprintf(why, whylen, "answer of version %u, not 0", buf[0]);
		return ST_TEMPFAIL;
	}
	if (buf[1] != 128) {
		snprintf(why, whylen, "answer of opcode %u, not 128", buf[1]);
		return ST_TEMPFAIL;
	}
	result = (unsigned int)buf[2] << 8 | buf[3];
	if (result != 0) {
		snprintf(why, whylen, "the router refused: %s (result %u)",
		    result < sizeof(results) / sizeof(results[0]) ?
		    results[result] : "unknown result", result);
		return ST_TEMPFAIL;
	}
	if (len < 12) {
		snprintf(why, whylen, "answer of %zu bytes is too short", len);
		return ST_TEMPFAIL;
	}
	netaddr_format(FAM_V4, buf + 8, out);
	return ST_OK;
}

int
natpmp_gateway_parse(const void *buf, size_t len, char *out)
{
	const unsigned char *best = NULL;
	struct netlink_route r;
	uint32_t best_metric = 0;
	size_t off = 0;
	int rc;

	out[0] = '\0';
	while ((rc = netlink_next_route(buf, len, &off, &r)) == 1) {
		if (r.family != AF_INET || r.dst_len != 0 ||
		    r.type != RTN_UNICAST || r.table != RT_TABLE_MAIN ||
		    r.gateway4 == NULL)
			continue;
		if (best == NULL || r.metric < best_metric) {
			best = r.gateway4;
			best_metric = r.metric;
		}
	}
	if (rc == -1)
		return -1;
	if (best == NULL)
		return 0;
	netaddr_format(FAM_V4, best, out);
	return 1;
}

/* The default gateway from the kernel's main routing table. */
static enum status
default_gateway(char *out, char *why, size_t whylen)
{
	unsigned char *buf;
	size_t len;
	int rc;

	if (netlink_dump(RTM_GETROUTE, AF_INET, &buf, &len, why, whylen) !=
	    ST_OK)
		return ST_TEMPFAIL;
	rc = natpmp_gateway_parse(buf, len, out);
	free(buf);
	if (rc == 1)
		return ST_OK;
	snprintf(why, whylen, "%s", rc == 0 ? "no default IPv4 route with a "
	    "gateway" : "netlink: malformed route list");
	return ST_TEMPFAIL;
}

static long long
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/*
 * Waits until wake (ms, monotonic) for an answer from *to.  Returns 1 with
 * the outcome in *st, or 0 when none came.
 */
static int
await(int fd, const struct sockaddr_in *to, long long wake, char *out,
    char *why, size_t whylen, enum status *st)
{
	struct pollfd pfd = { fd, POLLIN, 0 };
	struct sockaddr_in from;
	socklen_t fromlen;
	unsigned char buf[64];
	long long left;
	ssize_t n;

	while ((left = wake - now_ms()) > 0) {
		if (poll(&pfd, 1, left > INT_MAX ? INT_MAX : (int)left) <= 0)
			continue;	/* EINTR or the wait is over */
		fromlen = sizeof(from);
		n = recvfrom(fd, buf, sizeof(buf), MSG_DONTWAIT,
		    (struct sockaddr *)&from, &fromlen);
		if (n == -1 && (errno == EAGAIN || errno == EINTR))
			continue;
		if (n == -1) {
			if (errno == ECONNREFUSED)
				snprintf(why, whylen, "no NAT-PMP service at "
				    "%s (port %d unreachable)",
				    inet_ntoa(to->sin_addr), NATPMP_PORT);
			else
				snprintf(why, whylen, "%s", strerror(errno));
			*st = ST_TEMPFAIL;
			return 1;
		}
		if (fromlen != sizeof(from) || from.sin_family != AF_INET ||
		    from.sin_addr.s_addr != to->sin_addr.s_addr ||
		    from.sin_port != to->sin_port)
			continue;	/* not from the router: discard */
		*st = natpmp_parse(buf, (size_t)n, out, why, whylen);
		return 1;
	}
	return 0;
}

enum status
natpmp_ask(const char *router, long timeout, char *out, char *why,
    size_t whylen)
{
	static const unsigned char request[2] = { 0, 0 };
	struct sockaddr_in to;
	char gw[INET6_ADDRSTRLEN];
	long long start, deadline, wake, wait = NATPMP_FIRST_WAIT_MS;
	enum status st = ST_TEMPFAIL;
	int fd, sends;

	out[0] = '\0';
	if (router == NULL) {
		if (default_gateway(gw, why, whylen) != ST_OK)
			return ST_TEMPFAIL;
	} else
		snprintf(gw, sizeof(gw), "%s", router);
	memset(&to, 0, sizeof(to));
	to.sin_family = AF_INET;
	to.sin_port = htons(NATPMP_PORT);
	if (inet_pton(AF_INET, gw, &to.sin_addr) != 1) {
		snprintf(why, whylen, "%s is not an IPv4 address", gw);
		return ST_TEMPFAIL;
	}
	if ((fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0)) == -1 ||
	    connect(fd, (struct sockaddr *)&to, sizeof(to)) == -1) {
		snprintf(why, whylen, "cannot reach %s: %s", gw,
		    strerror(errno));
		if (fd != -1)
			close(fd);
		return ST_TEMPFAIL;
	}
	start = now_ms();
	deadline = start + timeout * 1000;
	for (sends = 1; sends <= MAX_SENDS; sends++, wait *= 2) {
		log_info("natpmp: asking %s:%d for its external address "
		    "(try %d)", gw, NATPMP_PORT, sends);
		if (send(fd, request, sizeof(request), 0) == -1) {
			if (errno == ECONNREFUSED)
				snprintf(why, whylen, "no NAT-PMP service at "
				    "%s (port %d unreachable)", gw,
				    NATPMP_PORT);
			else
				snprintf(why, whylen, "%s:%d: %s", gw,
				    NATPMP_PORT, strerror(errno));
			goto out;
		}
		wake = now_ms() + wait;
		if (wake > deadline || sends == MAX_SENDS)
			wake = deadline;
		if (await(fd, &to, wake, out, why, whylen, &st)) {
			log_info("natpmp: %s: %s (after %.3f s)", gw,
			    st == ST_OK ? out : why,
			    (double)(now_ms() - start) / 1000);
			goto out;
		}
		if (now_ms() >= deadline)
			break;
	}
	snprintf(why, whylen, "no answer from %s within %ld s (%d tries)", gw,
	    timeout, sends > MAX_SENDS ? MAX_SENDS : sends);
	st = ST_TEMPFAIL;
out:
	close(fd);
	return st;
}
