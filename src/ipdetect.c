/*
 * ipdetect.c
 * The host's address: the sources in order, the quorum, the global check.
 * SPDX-License-Identifier: ISC
 *
 * The policy of CONTRACT.md 6, whatever the kind of source: the entries of
 * ip_sources are asked in the order written, kinds mixed (echo.c: an HTTPS
 * echo service; iface.c: the host's own addresses; natpmp.c: the router's
 * external address), until ip_quorum of them give the same address,
 * compared as addresses.  With a quorum k > 1 the first k are asked
 * together, then one more at a time.  Every answer passes the global check
 * (netaddr.c, after the IANA registries) unless allow_nonglobal:
 * publishing 192.168.1.10 to the world is never what the user meant, and
 * a router behind carrier-grade NAT that answers 100.64.0.1 sends the run
 * on to the next source.  The interface source applies the same check
 * before it chooses, so that a ULA never hides a global address.  A
 * source is asked once per run, never retried.
 */

#include <linux/rtnetlink.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "echo.h"
#include "iface.h"
#include "ipdetect.h"
#include "log.h"
#include "natpmp.h"
#include "netlink.h"

enum status
ipdetect_source_parse(const char *text, enum family fam, struct source *src,
    char *why, size_t whylen)
{
	unsigned char bin[4];
	const char *arg, *p;
	size_t len;

	memset(src, 0, sizeof(*src));
	if (strncasecmp(text, "https://", 8) == 0 ||
	    strncasecmp(text, "http://", 7) == 0) {
		if (!netaddr_url_allowed(text)) {
			snprintf(why, whylen, "must be an https:// URL "
			    "(http:// only to a loopback host)");
			return ST_CONFIG;
		}
		src->kind = SOURCE_ECHO;
		src->arg = xstrdup(text);
	} else if (strncmp(text, "iface:", 6) == 0) {
		arg = text + 6;
		len = strlen(arg);
		if (len == 0) {
			snprintf(why, whylen, "names no interface (iface:NAME, "
			    "or iface:* for every one)");
			return ST_CONFIG;
		}
		if (len >= IF_NAMESIZE) {
			snprintf(why, whylen, "names an interface longer than "
			    "%d characters", IF_NAMESIZE - 1);
			return ST_CONFIG;
		}
		for (p = arg; *p != '\0'; p++)
			if (*p == '/' || *p == ':' || *p <= ' ' || *p == 0x7f)
				break;
		if (*p != '\0' || strcmp(arg, ".") == 0 ||
		    strcmp(arg, "..") == 0 ||
		    (strchr(arg, '*') != NULL && strcmp(arg, "*") != 0)) {
			snprintf(why, whylen, "is not a valid interface name");
			return ST_CONFIG;
		}
		src->kind = SOURCE_IFACE;
		src->arg = xstrdup(arg);
	} else if (strncmp(text, "natpmp:", 7) == 0) {
		arg = text + 7;
		if (fam != FAM_V4) {
			snprintf(why, whylen, "is IPv4 only");
			return ST_CONFIG;
		}
		if (*arg != '\0' && netaddr_parse(FAM_V4, arg, bin) == -1) {
			snprintf(why, whylen, "names no IPv4 address (natpmp: "
			    "for the default gateway, or natpmp:ADDR)");
			return ST_CONFIG;
		}
		src->kind = SOURCE_NATPMP;
		src->arg = *arg != '\0' ? xstrdup(arg) : NULL;
	} else {
		snprintf(why, whylen, "is not a source (https://URL, "
		    "iface:NAME, iface:*, natpmp: or natpmp:ADDR)");
		return ST_CONFIG;
	}
	src->text = xstrdup(text);
	return ST_OK;
}

void
ipdetect_source_free(struct source *src)
{
	if (src == NULL)
		return;
	free(src->text);
	free(src->arg);
	src->text = src->arg = NULL;
}

enum status
ipdetect_check(const char *text, enum family fam, bool allow_nonglobal,
    char *out, const char **why)
{
	unsigned char bin[16];

	if (netaddr_parse(fam, text, bin) == -1) {
		*why = fam == FAM_V4 ? "not an IPv4 address" :
		    "not an IPv6 address";
		return ST_USAGE;
	}
	netaddr_format(fam, bin, out);
	if (!allow_nonglobal && !netaddr_is_global(fam, bin)) {
		*why = "not globally reachable (set allow_nonglobal to "
		    "publish it)";
		return ST_USAGE;
	}
	return ST_OK;
}

/*
 * Asks the n sources from first on together: the local ones (interface,
 * router) in turn, then the echo services at once; ans[i] is what source
 * first + i said, after the global check.
 */
static void
ask(const struct config *cf, enum family fam, size_t first, size_t n,
    struct ipdetect_answer *ans)
{
	const char *urls[CONFIG_MAX_SOURCES] = { NULL };
	struct echo_result er[CONFIG_MAX_SOURCES];
	const struct source *src;
	struct ipdetect_answer *a;
	unsigned char bin[16];
	size_t idx[CONFIG_MAX_SOURCES], nurl = 0, i;

	for (i = 0; i < n; i++) {
		src = &cf->sources[fam][first + i];
		a = &ans[i];
		memset(a, 0, sizeof(*a));
		switch (src->kind) {
		case SOURCE_ECHO:
			urls[nurl] = src->arg;
			idx[nurl++] = i;
			break;
		case SOURCE_IFACE:
			a->st = iface_ask(src->arg, fam, cf->allow_nonglobal,
			    a->addr, a->why, sizeof(a->why));
			break;
		case SOURCE_NATPMP:
			a->st = natpmp_ask(src->arg, cf->timeout, a->addr,
			    a->why, sizeof(a->why));
			break;
		}
	}
	echo_ask_many(urls, nurl, fam, er);
	for (i = 0; i < nurl; i++) {
		a = &ans[idx[i]];
		a->st = er[i].st;
		snprintf(a->addr, sizeof(a->addr), "%s", er[i].addr);
		snprintf(a->why, sizeof(a->why), "%s", er[i].why);
	}
	for (i = 0; i < n; i++) {
		a = &ans[i];
		if (a->st != ST_OK)
			continue;
		if (netaddr_parse(fam, a->addr, bin) == -1) {
			a->st = ST_TEMPFAIL;	/* cannot happen */
			snprintf(a->why, sizeof(a->why), "no address");
		} else if (!cf->allow_nonglobal &&
		    !netaddr_is_global(fam, bin)) {
			a->st = ST_TEMPFAIL;
			snprintf(a->why, sizeof(a->why), "%s is not globally "
			    "reachable (set allow_nonglobal to accept it)",
			    a->addr);
			a->addr[0] = '\0';
		}
	}
}

/* The answers counted so far, and whether a quorum agrees. */
struct tally {
	char	 addr[CONFIG_MAX_SOURCES][INET6_ADDRSTRLEN];
	size_t	 n;
	size_t	 best;		/* the most sources that agree */
	char	 last[400];	/* the last failure, for the message */
};

/* Counts one source's answer; 1 when quorum sources now agree. */
static int
count(const struct config *cf, enum family fam, struct tally *t,
    const struct source *src, const struct ipdetect_answer *a)
{
	size_t j, votes = 0;

	if (a->st != ST_OK) {
		log_info("%s source %s refused: %s", family_name(fam),
		    src->text, a->why);
		snprintf(t->last, sizeof(t->last), "%s: %s", src->text,
		    a->why);
		return 0;
	}
	log_info("%s source %s answered %s", family_name(fam), src->text,
	    a->addr);
	snprintf(t->addr[t->n], sizeof(t->addr[t->n]), "%s", a->addr);
	for (j = 0; j <= t->n; j++)
		if (netaddr_equal(fam, t->addr[j], t->addr[t->n]))
			votes++;
	t->n++;
	if (votes > t->best)
		t->best = votes;
	return votes >= (size_t)cf->ip_quorum;
}

/*
 * When no source answered: whether the host has any connectivity of the
 * family at all, said with what to do, or "" when it seems to have.  A
 * host without a default route of the family is not connected; an IPv6
 * host without any global IPv6 address has no IPv6 (IPv4 hosts behind NAT
 * routinely hold none, so only the route tells for IPv4).
 */
static const char *
connectivity(enum family fam)
{
	unsigned char *buf;
	char addr[INET6_ADDRSTRLEN], why[256];
	size_t len;
	int route;

	if (netlink_dump(RTM_GETROUTE, family_af(fam), &buf, &len, why,
	    sizeof(why)) != ST_OK)
		return "";
	route = netlink_has_default_route(buf, len, family_af(fam));
	free(buf);
	if (route == 0)
		return fam == FAM_V6 ? "; this host has no IPv6 default route: "
		    "no IPv6 connectivity (if it never has any, remove the "
		    "AAAA records from the configuration)" : "; this host has "
		    "no IPv4 default route: it is not connected to a network "
		    "now";
	if (fam == FAM_V6 && iface_ask("*", FAM_V6, false, addr, why,
	    sizeof(why)) != ST_OK)
		return "; this host has no global IPv6 address: no IPv6 "
		    "connectivity (if it never has any, remove the AAAA "
		    "records from the configuration)";
	return "";
}

/* The outcome once the answers are counted: out, or the logged failure. */
static enum status
conclude(const struct config *cf, enum family fam, const struct tally *t,
    int agreed, char *out)
{
	out[0] = '\0';
	if (agreed) {
		snprintf(out, INET6_ADDRSTRLEN, "%s", t->addr[t->n - 1]);
		return ST_OK;
	}
	if (t->n == 0)
		log_err("no %s address could be detected: every source failed "
		    "(last %s)%s", family_name(fam), t->last,
		    connectivity(fam));
	else
		log_err("the %s sources disagree: no address was given by %d "
		    "of them (at most %zu agreed); nothing is published",
		    family_name(fam), cf->ip_quorum, t->best);
	return ST_TEMPFAIL;
}

enum status
ipdetect_run(const struct config *cf, enum family fam, char *out)
{
	struct ipdetect_answer ans[CONFIG_MAX_SOURCES];
	const struct source *srcs = cf->sources[fam];
	struct tally t;
	size_t i, first = 0;
	int agreed = 0;

	memset(&t, 0, sizeof(t));
	if (cf->ip_quorum > 1) {
		first = (size_t)cf->ip_quorum < cf->nsources[fam] ?
		    (size_t)cf->ip_quorum : cf->nsources[fam];
		ask(cf, fam, 0, first, ans);
		for (i = 0; i < first && !agreed; i++)
			agreed = count(cf, fam, &t, &srcs[i], &ans[i]);
	}
	for (i = first; !agreed && i < cf->nsources[fam]; i++) {
		ask(cf, fam, i, 1, &ans[0]);
		agreed = count(cf, fam, &t, &srcs[i], &ans[0]);
	}
	return conclude(cf, fam, &t, agreed, out);
}

enum status
ipdetect_survey(const struct config *cf, enum family fam,
    struct ipdetect_answer *ans, char *out)
{
	struct tally t;
	size_t i;
	int agreed = 0;

	memset(&t, 0, sizeof(t));
	ask(cf, fam, 0, cf->nsources[fam], ans);
	/* in order, as ipdetect_run counts them: the same outcome */
	for (i = 0; i < cf->nsources[fam] && !agreed; i++)
		agreed = count(cf, fam, &t, &cf->sources[fam][i], &ans[i]);
	for (; i < cf->nsources[fam]; i++)
		log_info("%s source %s: %s", family_name(fam),
		    cf->sources[fam][i].text, ans[i].st == ST_OK ?
		    ans[i].addr : ans[i].why);
	return conclude(cf, fam, &t, agreed, out);
}
