/*
 * main.c
 * The one-shot run: options, lock, load, detect, decide, apply, save, exit.
 * SPDX-License-Identifier: ISC
 *
 * A run follows CONTRACT.md from top to bottom:
 *   guard_process       fds 0-2 exist; no core dump can hold the key
 *   parse_options       the command line (exit 64 on a mistake)
 *   config_load         the configuration and the API key (78)
 *   check_clock         a clock before the build is no clock at all (75)
 *   cache_lock          one run at a time (75 when another holds it)
 *   cache_check_dir     the state can be written, before any traffic (73)
 *   cache_load          what was published and learnt before
 *   detect_addresses    the host's address for each family in use
 *   prepare_record      for each record: the fast path, or read the live
 *                       record and decide whether it is stale
 *   apply_changes       change the stale records, per zone
 *   note_outcomes       failures that go on, and the ones that ended
 *   ping                the health check, with the exit status
 *   save_state          only what changed, never in a dry run
 * and returns the worst status of all as the exit status.  The other
 * modes stop early: --check-config after the configuration, --status and
 * --detect without a lock, a state write or a request to Rackspace.
 */

#include <sys/prctl.h>
#include <sys/resource.h>

#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cache.h"
#include "clouddns.h"
#include "config.h"
#include "ddnsupdate.h"
#include "http.h"
#include "identity.h"
#include "ipdetect.h"
#include "log.h"

#ifndef BUILD_EPOCH		/* the Makefile sets it: when it was built */
#define BUILD_EPOCH	0
#endif
#define WAIT_MAX	600	/* -w */

struct options {
	const char	*config_path;
	const char	*cache_path;
	const char	*addr[FAM_COUNT];	/* --ipv4, --ipv6 */
	long		 wait;			/* -w, seconds */
	int		 check_config;
	int		 status;
	int		 detect;
	int		 dry_run;
	int		 force;
	int		 quiet;
	int		 verbose;
	int		 use_syslog;
};

/* What one record needs in this run. */
struct task {
	const struct record_conf *rc;
	struct record_state	*rs;
	enum status		 st;		/* this record's outcome */
	enum { TODO_NOTHING, TODO_UPDATE, TODO_CREATE } todo;
	bool			 grouped;	/* taken into a change */
	bool			 alone;		/* its group failed: send it
						   in a change of its own */
	bool			 dup_seen;	/* its create was a duplicate */
	bool			 relooked;	/* its ids were looked up
						   again after a 404 */
	bool			 has_old;	/* else "(none)": a create */
	char			 label[300];	/* "home.example.com A" */
	char			 addr[INET6_ADDRSTRLEN];	/* to publish */
	char			 old[INET6_ADDRSTRLEN + 64];
	long			 old_ttl;
	long			 ttl;		/* to publish; <= 0: keep */
};

/* What one run works on. */
struct run {
	const struct options	*opt;
	const struct config	*cf;
	struct state		 state;
	struct dns_session	 dns;
	char			 addr[FAM_COUNT][INET6_ADDRSTRLEN];
	enum status		 detected[FAM_COUNT];
	bool			 used[FAM_COUNT];
	time_t			 now;
	int			 changed;	/* records changed this run */
	int			 stale;		/* dry run: would change */
};

static const char synopsis[] =
    "usage: ddnsupdate [-fnqv] [-c file] [-C file] [-w seconds] "
    "[--ipv4 addr]\n"
    "                  [--ipv6 addr] [--syslog]\n"
    "       ddnsupdate --check-config [-c file]\n"
    "       ddnsupdate --detect [-v] [-c file]\n"
    "       ddnsupdate --status [-c file] [-C file]\n"
    "       ddnsupdate -V | -h\n";

static const char option_help[] =
    "  -c, --config FILE   configuration (default $DDNSUPDATE_CONFIG, else\n"
    "                      " CONFIG_DEFAULT_PATH ")\n"
    "  -C, --cache FILE    state file (default cache_file, else\n"
    "                      $STATE_DIRECTORY/cache.json, else\n"
    "                      " CACHE_DEFAULT_PATH ")\n"
    "  -n, --dry-run       read everything, change nothing, print what "
    "would change\n"
    "  -f, --force         read every live record and repair it if stale\n"
    "  -q, --quiet         print nothing but errors\n"
    "  -v, --verbose       print progress on stderr\n"
    "  -w, --wait SECONDS  wait up to SECONDS (0-600) for a run that holds "
    "the lock\n"
    "      --ipv4 ADDR     publish ADDR in the A records instead of "
    "detecting it\n"
    "      --ipv6 ADDR     publish ADDR in the AAAA records instead of "
    "detecting it\n"
    "      --check-config  check the configuration and the state "
    "directory\n"
    "      --detect        print what each address source says, without "
    "Rackspace\n"
    "      --status        print what the state file says, without "
    "network\n"
    "      --syslog        also send every message to syslog\n"
    "  -V, --version       print the version\n"
    "  -h, --help          print this help\n"
    "Exit status: 0 done, 64 usage, 73 state file, 75 temporary failure,\n"
    "76 API refused, 77 authentication, 78 configuration.  "
    "See ddnsupdate(1).\n";

static void
usage_error(const char *fmt, const char *arg)
{
	fputs("ddnsupdate: ", stderr);
	fprintf(stderr, fmt, arg);
	fputc('\n', stderr);
	fputs(synopsis, stderr);
	exit(ST_USAGE);
}

/*
 * Before anything else: fds 0, 1 and 2 exist, so that no file the run
 * opens becomes its stderr (and takes its messages); and the process
 * cannot be dumped, so that neither a core file nor /proc/PID/environ
 * and /proc/PID/mem can give the key away.
 */
static void
guard_process(void)
{
	struct rlimit none = { 0, 0 };
	int fd;

	while ((fd = open("/dev/null", O_RDWR)) != -1 && fd <= 2)
		;
	if (fd == -1)
		_exit(ST_TEMPFAIL);	/* no fd 2 to say so on, either */
	close(fd);
	prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
	setrlimit(RLIMIT_CORE, &none);
}

static void
parse_options(int argc, char *argv[], struct options *opt)
{
	enum { OPT_IPV4 = 256, OPT_IPV6, OPT_CHECK, OPT_DETECT, OPT_STATUS,
	    OPT_SYSLOG };
	static const struct option longopts[] = {
		{ "cache", required_argument, NULL, 'C' },
		{ "check-config", no_argument, NULL, OPT_CHECK },
		{ "config", required_argument, NULL, 'c' },
		{ "detect", no_argument, NULL, OPT_DETECT },
		{ "dry-run", no_argument, NULL, 'n' },
		{ "force", no_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ "ipv4", required_argument, NULL, OPT_IPV4 },
		{ "ipv6", required_argument, NULL, OPT_IPV6 },
		{ "quiet", no_argument, NULL, 'q' },
		{ "status", no_argument, NULL, OPT_STATUS },
		{ "syslog", no_argument, NULL, OPT_SYSLOG },
		{ "verbose", no_argument, NULL, 'v' },
		{ "version", no_argument, NULL, 'V' },
		{ "wait", required_argument, NULL, 'w' },
		{ NULL, 0, NULL, 0 }
	};
	unsigned char bin[16];
	char *end;
	int ch, fam;

	memset(opt, 0, sizeof(*opt));
	opt->wait = -1;
	opterr = 0;
	while ((ch = getopt_long(argc, argv, ":C:c:fhnqVvw:", longopts,
	    NULL)) != -1) {
		switch (ch) {
		case 'C':
			opt->cache_path = optarg;
			break;
		case 'c':
			opt->config_path = optarg;
			break;
		case 'f':
			opt->force = 1;
			break;
		case 'h':
			fputs(synopsis, stdout);
			fputs(option_help, stdout);
			exit(ST_OK);
		case 'n':
			opt->dry_run = 1;
			break;
		case 'q':
			opt->quiet = 1;
			break;
		case 'V':
			puts("ddnsupdate " DDNSUPDATE_VERSION);
			exit(ST_OK);
		case 'v':
			opt->verbose = 1;
			break;
		case 'w':
			opt->wait = strtol(optarg, &end, 10);
			if (end == optarg || *end != '\0' || opt->wait < 0 ||
			    opt->wait > WAIT_MAX)
				usage_error("-w %s: must be a number of "
				    "seconds from 0 to 600", optarg);
			break;
		case OPT_IPV4:
		case OPT_IPV6:
			/* the family now; the global check once the
			 * configuration says whether allow_nonglobal */
			fam = ch == OPT_IPV4 ? FAM_V4 : FAM_V6;
			if (netaddr_parse(fam, optarg, bin) == -1)
				usage_error(fam == FAM_V4 ?
				    "--ipv4 %s: not an IPv4 address" :
				    "--ipv6 %s: not an IPv6 address", optarg);
			opt->addr[fam] = optarg;
			break;
		case OPT_CHECK:
			opt->check_config = 1;
			break;
		case OPT_DETECT:
			opt->detect = 1;
			break;
		case OPT_STATUS:
			opt->status = 1;
			break;
		case OPT_SYSLOG:
			opt->use_syslog = 1;
			break;
		case ':':
			usage_error("%s needs an argument", argv[optind - 1]);
			break;
		default:
			usage_error("unknown option %s", argv[optind - 1]);
		}
	}
	if (optind < argc)
		usage_error("unexpected argument %s", argv[optind]);
	if (opt->quiet && opt->verbose)
		usage_error("%s", "-q and -v contradict each other");
	if (opt->check_config + opt->status + opt->detect > 1)
		usage_error("%s", "--check-config, --detect and --status are "
		    "different runs; give one");
	if (opt->check_config && (opt->dry_run || opt->force ||
	    opt->addr[FAM_V4] != NULL || opt->addr[FAM_V6] != NULL ||
	    opt->cache_path != NULL || opt->wait >= 0))
		usage_error("%s", "--check-config takes only -c, -q, -v and "
		    "--syslog");
	if (opt->status && (opt->dry_run || opt->force || opt->quiet ||
	    opt->addr[FAM_V4] != NULL || opt->addr[FAM_V6] != NULL ||
	    opt->wait >= 0))
		usage_error("%s", "--status takes only -c, -C, -v and "
		    "--syslog");
	if (opt->detect && (opt->dry_run || opt->force ||
	    opt->addr[FAM_V4] != NULL || opt->addr[FAM_V6] != NULL ||
	    opt->cache_path != NULL || opt->wait >= 0))
		usage_error("%s", "--detect takes only -c, -q, -v and "
		    "--syslog");
}

static const char *
config_path(const struct options *opt)
{
	const char *env;

	if (opt->config_path != NULL)
		return opt->config_path;
	if ((env = getenv("DDNSUPDATE_CONFIG")) != NULL && *env != '\0')
		return env;
	return CONFIG_DEFAULT_PATH;
}

/* The state file path; caller frees. */
static char *
cache_path(const struct options *opt, const struct config *cf)
{
	const char *dir;
	size_t n;

	if (opt->cache_path != NULL)
		return xstrdup(opt->cache_path);
	if (cf->cache_file != NULL)
		return xstrdup(cf->cache_file);
	if ((dir = getenv("STATE_DIRECTORY")) != NULL && *dir != '\0') {
		n = strcspn(dir, ":");	/* systemd may list several */
		return xasprintf("%.*s/cache.json", (int)n, dir);
	}
	return xstrdup(CACHE_DEFAULT_PATH);
}

/* "2026-11-25T20:44:15Z", or what to say when t is 0. */
static const char *
when(time_t t, char *buf, size_t len, const char *never)
{
	if (t == 0)
		snprintf(buf, len, "%s", never);
	else
		iso8601_format(t, buf, len);
	return buf;
}

/*
 * --check-config: the configuration was read and found valid; the state
 * file's directory must also exist and be writable, or every run would
 * end in 73.
 */
static enum status
check_config(const struct options *opt, const struct config *cf)
{
	enum status st;
	char *path;

	config_dump(cf);
	path = cache_path(opt, cf);
	st = cache_check_dir(path);
	free(path);
	if (st == ST_OK && !opt->quiet)
		log_out("%s: valid, %zu record%s", cf->path, cf->nrecords,
		    cf->nrecords == 1 ? "" : "s");
	return st;
}

/*
 * --status: what the state file says of each configured record, then of
 * the token and any rate-limit wait.  No lock, no network, no write.
 */
static enum status
show_status(const struct options *opt, const struct config *cf, time_t now)
{
	const struct record_state *rs;
	const struct record_conf *rc;
	struct state state;
	char *path, a[32], b[32];
	const char *name;
	size_t i;
	int fam;

	path = cache_path(opt, cf);
	cache_load(path, now, &state);
	log_out("state file %s", path);
	for (i = 0; i < cf->nrecords; i++) {
		rc = &cf->records[i];
		rs = cache_record_find(&state, rc);
		name = rc->name != NULL ? rc->name : rc->record_id;
		if (rs == NULL || (rs->data == NULL && rs->verified == 0 &&
		    rs->failure.since == 0)) {
			log_out("%s %s: not known yet (no run has published "
			    "or read it)", name, family_rtype(rc->family));
			continue;
		}
		if (rs->data != NULL)
			log_out("%s %s: %s, ttl %ld; changed %s, verified %s",
			    name, family_rtype(rc->family), rs->data, rs->ttl,
			    when(rs->changed, a, sizeof(a), "never by this "
			    "program"), when(rs->verified, b, sizeof(b),
			    "never"));
		if (rs->failure.since != 0)
			log_out("%s %s: failing since %s (%ld run%s)", name,
			    family_rtype(rc->family), when(rs->failure.since,
			    a, sizeof(a), ""), rs->failure.runs,
			    rs->failure.runs == 1 ? "" : "s");
	}
	for (fam = 0; fam < FAM_COUNT; fam++)
		if (state.detect[fam].since != 0)
			log_out("%s: no address detected since %s (%ld run%s)",
			    family_name(fam), when(state.detect[fam].since, a,
			    sizeof(a), ""), state.detect[fam].runs,
			    state.detect[fam].runs == 1 ? "" : "s");
	if (state.token != NULL)
		log_out("token: %s %s", state.expires > now ? "expires" :
		    "expired", when(state.expires, a, sizeof(a), "(unknown)"));
	else
		log_out("token: none (the next run that needs Rackspace "
		    "authenticates)");
	if (state.backoff_until > now)
		log_out("rate limit: no request to Rackspace before %s",
		    when(state.backoff_until, a, sizeof(a), ""));
	state_free(&state);
	free(path);
	return ST_OK;
}

/* The addresses given with --ipv4/--ipv6 must also be global. */
static enum status
check_cli_addresses(struct run *r)
{
	const char *why;
	int fam;

	for (fam = 0; fam < FAM_COUNT; fam++) {
		if (r->opt->addr[fam] == NULL)
			continue;
		if (ipdetect_check(r->opt->addr[fam], fam,
		    r->cf->allow_nonglobal, r->addr[fam], &why) != ST_OK) {
			log_err("%s %s: %s", fam == FAM_V4 ? "--ipv4" :
			    "--ipv6", r->opt->addr[fam], why);
			fputs(synopsis, stderr);
			return ST_USAGE;
		}
	}
	return ST_OK;
}

/*
 * A clock earlier than the program's own build is plainly unset (a board
 * without a real-time clock, before NTP): nothing it says of token expiry,
 * waits or verification can be believed, and TLS would fail anyway.
 */
static enum status
check_clock(time_t now)
{
	char a[32], b[32];

	if (now >= (time_t)BUILD_EPOCH)
		return ST_OK;
	log_err("the system clock says %s, before this program was built (%s); "
	    "set the clock (is NTP running?), then run again",
	    when(now, a, sizeof(a), ""), when((time_t)BUILD_EPOCH, b,
	    sizeof(b), ""));
	return ST_TEMPFAIL;
}

/* The address of each family that a record uses, once per family. */
static void
detect_addresses(struct run *r)
{
	size_t i;
	int fam;

	for (i = 0; i < r->cf->nrecords; i++)
		r->used[r->cf->records[i].family] = true;
	for (fam = 0; fam < FAM_COUNT; fam++) {
		r->detected[fam] = ST_OK;
		if (!r->used[fam] || r->addr[fam][0] != '\0')
			continue;
		r->detected[fam] = ipdetect_run(r->cf, fam, r->addr[fam]);
		if (r->detected[fam] == ST_OK)
			log_info("%s address %s", family_name(fam),
			    r->addr[fam]);
	}
}

/*
 * --detect (CONTRACT.md 1): asks every source of each family a record
 * uses and prints on stdout, whatever -q says, one line per source:
 *	IPv6 iface:eth0 2001:db8:1::5
 *	IPv6 https://api6.ipify.org refused: HTTP 503
 * (the family, the source as the configuration writes it, then the
 * address it gave or "refused: " and why), then one line per family with
 * the address a run would publish, after ip_quorum, or "none":
 *	IPv6 -> 2001:db8:1::5
 *	IPv4 -> none
 * No key, no state, no lock, nothing sent to Rackspace.  ST_OK when every
 * family in use has an address, else ST_TEMPFAIL.
 */
static enum status
detect_only(const struct config *cf)
{
	struct ipdetect_answer ans[CONFIG_MAX_SOURCES];
	char addr[INET6_ADDRSTRLEN];
	bool used[FAM_COUNT] = { false, false };
	enum status st = ST_OK;
	size_t i;
	int fam;

	if ((st = http_init(cf->timeout, cf->ca_file)) != ST_OK)
		return st;
	for (i = 0; i < cf->nrecords; i++)
		used[cf->records[i].family] = true;
	for (fam = 0; fam < FAM_COUNT; fam++) {
		if (!used[fam])
			continue;
		if (ipdetect_survey(cf, fam, ans, addr) != ST_OK)
			st = ST_TEMPFAIL;
		for (i = 0; i < cf->nsources[fam]; i++)
			log_out("%s %s %s%s", family_name(fam),
			    cf->sources[fam][i].text,
			    ans[i].st == ST_OK ? "" : "refused: ",
			    ans[i].st == ST_OK ? ans[i].addr : ans[i].why);
		log_out("%s -> %s", family_name(fam),
		    addr[0] != '\0' ? addr : "none");
	}
	http_cleanup();
	return st;
}

/* Replaces *dst with a copy of src (may be NULL). */
static void
set_string(char **dst, const char *src)
{
	char *copy = src != NULL ? xstrdup(src) : NULL;

	free(*dst);
	*dst = copy;
}

/*
 * Makes the state entry of rc (it may move the entries: take pointers
 * only after the last one) and makes it agree with the configuration: ids
 * that the configuration gives win, and a zone or id that changed makes
 * what was learnt under the old one stale.
 */
static void
record_state(struct run *r, const struct record_conf *rc)
{
	struct record_state *rs;

	if ((rs = cache_record_find(&r->state, rc)) == NULL)
		rs = cache_record_add(&r->state, rc);
	if ((rc->domain != NULL && rs->zone != NULL &&
	    !streq(rc->domain, rs->zone)) ||
	    (rc->domain_id != NULL && rs->domain_id != NULL &&
	    !streq(rc->domain_id, rs->domain_id)) ||
	    (rc->record_id != NULL && rs->record_id != NULL &&
	    !streq(rc->record_id, rs->record_id))) {
		set_string(&rs->zone, NULL);
		set_string(&rs->domain_id, NULL);
		set_string(&rs->record_id, NULL);
		set_string(&rs->data, NULL);
		rs->verified = 0;
	}
	if (rc->domain_id != NULL)
		set_string(&rs->domain_id, rc->domain_id);
	if (rc->record_id != NULL)
		set_string(&rs->record_id, rc->record_id);
}

/* The address record rc is to hold: the family's, or with ipv6_suffix
 * its /64 prefix and that interface identifier. */
static void
record_address(const struct run *r, const struct record_conf *rc, char *out)
{
	unsigned char bin[16];

	snprintf(out, INET6_ADDRSTRLEN, "%s", r->addr[rc->family]);
	if (!rc->has_suffix || netaddr_parse(FAM_V6, out, bin) == -1)
		return;
	memcpy(bin + 8, rc->suffix, 8);
	netaddr_format(FAM_V6, bin, out);
}

/*
 * The zone of t: looked up by name unless known (fresh: ask the API
 * again, the cached id may be stale).
 */
static enum status
find_zone(struct run *r, struct task *t, bool fresh)
{
	char *zone_id = NULL, *zone_name = NULL;
	enum status st;

	st = clouddns_find_zone(&r->dns, t->rs->name, t->rc->domain != NULL ?
	    t->rc->domain : fresh ? t->rs->zone : NULL, fresh, &zone_id,
	    &zone_name);
	if (st == ST_OK) {
		set_string(&t->rs->domain_id, zone_id);
		set_string(&t->rs->zone, zone_name);
	}
	free(zone_id);
	free(zone_name);
	return st;
}

/*
 * 1 when t's ids came from the state and may be looked up again once: a
 * zone or record made again has a new id, and the old one answers 404.
 * Ids given in the configuration are never replaced.
 */
static int
may_look_again(const struct task *t)
{
	return !t->relooked && t->rc->domain_id == NULL &&
	    t->rc->record_id == NULL && t->rs->name != NULL;
}

/* Finds the live record: by its known id, else by name; *found 0 if none. */
static enum status
read_live(struct run *r, struct task *t, struct live_record *live,
    bool *found)
{
	const struct record_conf *rc = t->rc;
	struct record_state *rs = t->rs;
	char *old_zone;
	enum status st;

	*found = false;
	if (rs->record_id != NULL) {
		if ((st = clouddns_get_record(&r->dns, rs->domain_id,
		    rs->record_id, live, found)) != ST_OK || *found)
			return st;
		if (rc->record_id != NULL) {
			log_err("%s: record %s does not exist in zone %s "
			    "(record_id in %s)", rs->name != NULL ? rs->name :
			    "the record", rc->record_id, rs->domain_id,
			    r->cf->path);
			return ST_PROTOCOL;
		}
		log_info("%s: cached record id %s is gone; looking it up",
		    t->label, rs->record_id);
		set_string(&rs->record_id, NULL);
	}
	if (rs->name == NULL)
		return ST_OK;	/* no name and no id: nothing to search by */
	st = clouddns_find_record(&r->dns, rs->domain_id, rc->family, rs->name,
	    live, found);
	if (st == ST_OK && !*found && may_look_again(t)) {
		/* nothing under the cached zone id: the zone may have been
		 * made again, under a new id */
		t->relooked = true;
		old_zone = xstrdup(rs->domain_id);
		log_info("%s: not found in zone %s; looking the zone up "
		    "again", t->label, old_zone);
		if ((st = find_zone(r, t, true)) == ST_OK &&
		    !streq(old_zone, rs->domain_id))
			st = clouddns_find_record(&r->dns, rs->domain_id,
			    rc->family, rs->name, live, found);
		free(old_zone);
	}
	if (st == ST_OK && *found)
		set_string(&rs->record_id, live->id);
	return st;
}

/* The change line of CONTRACT.md 3. */
static void
print_change(struct run *r, const struct task *t)
{
	char ttls[64] = "";

	/* CONTRACT.md 3: the suffix marks a change of TTL alone */
	if (t->has_old && netaddr_equal(t->rc->family, t->old, t->addr) &&
	    t->ttl > 0 && t->old_ttl != t->ttl) {
		if (t->old_ttl > 0)
			snprintf(ttls, sizeof(ttls), " (ttl %ld -> %ld)",
			    t->old_ttl, t->ttl);
		else
			snprintf(ttls, sizeof(ttls), " (ttl invalid -> %ld)",
			    t->ttl);
	}
	log_change("%s %s %s -> %s%s%s", t->rs->name,
	    family_rtype(t->rc->family), t->has_old ? t->old : "(none)",
	    t->addr, ttls, r->opt->dry_run ? " (dry run)" : "");
}

/* The record's state after the API confirmed that it holds the address. */
static void
published(struct run *r, struct task *t, bool changed)
{
	set_string(&t->rs->data, t->addr);
	t->rs->ttl = t->ttl;
	t->rs->verified = r->now;
	if (changed)
		t->rs->changed = r->now;
	if (t->rc->family == FAM_V4 && !t->rc->has_suffix)
		set_string(&r->state.ip, t->addr);
}

/*
 * Decides what one record needs.  The fast path needs nothing from
 * Rackspace; otherwise the zone and record are found (ids cached), and the
 * live record is read when it is due for verification.  A record that is
 * stale is left with t->todo set for apply_changes(); a dry run prints it.
 */
static void
prepare_record(struct run *r, struct task *t)
{
	const struct record_conf *rc = t->rc;
	struct record_state *rs;
	struct live_record live;
	bool due, found = false;

	t->todo = TODO_NOTHING;
	if ((t->st = r->detected[rc->family]) != ST_OK)
		return;
	rs = t->rs;
	record_address(r, rc, t->addr);
	r->dns.what = t->label;
	memset(&live, 0, sizeof(live));
	due = r->opt->force || r->opt->dry_run || rs->verified == 0 ||
	    rs->data == NULL || rs->name == NULL ||
	    r->cf->verify_interval == 0 ||
	    r->now - rs->verified >= r->cf->verify_interval;
	t->ttl = rc->ttl > 0 ? rc->ttl : rs->ttl;
	if (!due && netaddr_equal(rc->family, rs->data, t->addr) &&
	    t->ttl == rs->ttl) {
		log_info("%s: holds %s (verified within %ld s): nothing to "
		    "do", t->label, t->addr, r->cf->verify_interval);
		return;
	}

	/* the zone: what the API says now, when a cached id was gone */
	if (rs->domain_id == NULL && (t->st = find_zone(r, t, t->relooked)) !=
	    ST_OK)
		goto out;
	/* the live record, when due or when its id is unknown */
	if (due || rs->record_id == NULL) {
		log_info("%s: reading the live record (%s)", t->label,
		    r->opt->force ? "-f" :
		    r->opt->dry_run ? "dry run" : rs->verified == 0 ?
		    "never verified" : "verification due");
		if ((t->st = read_live(r, t, &live, &found)) != ST_OK)
			goto out;
		if (found) {
			if (rs->name == NULL)
				rs->name = xstrdup(live.name);
			if (rc->ttl <= 0)
				t->ttl = live.ttl;
			if (netaddr_equal(rc->family, live.data, t->addr) &&
			    live.ttl == t->ttl) {
				log_info("%s: the live record holds %s: "
				    "nothing to change", t->label, t->addr);
				published(r, t, false);
				goto out;
			}
		} else if (!r->cf->create_missing) {
			log_err("%s: no such record in zone %s; set "
			    "\"create_missing\": true to create it", t->label,
			    rs->zone != NULL ? rs->zone : rs->domain_id);
			t->st = ST_PROTOCOL;
			goto out;
		}
	}

	/* stale: the old value is the live one when read, else the last
	 * published (CONTRACT.md 3) */
	t->has_old = found || rs->record_id != NULL;
	snprintf(t->old, sizeof(t->old), "%s", found ? live.data :
	    rs->data != NULL ? rs->data : "");
	t->old_ttl = found ? live.ttl : rs->ttl;
	t->todo = rs->record_id != NULL ? TODO_UPDATE : TODO_CREATE;
	if (t->todo == TODO_CREATE && t->ttl <= 0)
		t->ttl = 300;
	log_info("%s: %s, %s to %s", t->label, t->has_old ? t->old :
	    "missing", t->todo == TODO_UPDATE ? "update" : "create", t->addr);
	if (r->opt->dry_run) {
		print_change(r, t);
		r->stale++;
		t->todo = TODO_NOTHING;
	}
out:
	r->dns.what = NULL;
	live_record_free(&live);
}

/*
 * The records of one change: same kind, same zone, at most 100; a record
 * whose group failed goes alone.
 */
static size_t
gather(struct task *tasks, size_t ntasks, size_t first, struct task **group,
    struct dns_change *c)
{
	struct task *t;
	size_t i, n = 0;

	for (i = first; i < ntasks && n < CLOUDDNS_MAX_CHANGE; i++) {
		t = &tasks[i];
		if (t->todo != tasks[first].todo || t->grouped ||
		    !streq(t->rs->domain_id, tasks[first].rs->domain_id) ||
		    (n > 0 && (t->alone || tasks[first].alone)))
			continue;
		t->grouped = true;
		group[n] = t;
		memset(&c[n], 0, sizeof(c[n]));
		c[n].record_id = t->rs->record_id;
		c[n].name = t->rs->name;
		c[n].family = t->rc->family;
		c[n].data = t->addr;
		c[n].ttl = t->ttl;
		c[n].comment = t->rc->comment;
		n++;
	}
	return n;
}

/* Puts t back to be prepared and applied again in this run. */
static void
again(struct run *r, struct task *t)
{
	t->todo = TODO_NOTHING;
	t->grouped = false;
	t->rs->verified = 0;
	prepare_record(r, t);
}

/*
 * Makes the changes prepare_record() decided: per zone, one PUT for the
 * records to update and one POST for those to create, each one job.  When
 * a change of several records fails, each is sent alone, so that one bad
 * record does not stop the others.  A record whose cached id answers 404
 * (deleted and made again) is looked up again, once.  A create that
 * collides with a record made meanwhile is looked up again and updated.
 */
static void
apply_changes(struct run *r, struct task *tasks, size_t ntasks)
{
	struct task *group[CLOUDDNS_MAX_CHANGE];
	struct dns_change c[CLOUDDNS_MAX_CHANGE];
	struct dns_result res;
	bool more = false;
	enum status st;
	unsigned quiet;
	size_t i, j, n;

	for (i = 0; i < ntasks; i++) {
		if (tasks[i].todo == TODO_NOTHING || tasks[i].grouped)
			continue;
		n = gather(tasks, ntasks, i, group, c);
		if (tasks[i].todo == TODO_UPDATE) {
			quiet = n > 1 ? CLOUDDNS_QUIET_REFUSED :
			    may_look_again(group[0]) ? CLOUDDNS_QUIET_GONE : 0;
			st = clouddns_update(&r->dns, tasks[i].rs->domain_id,
			    c, n, quiet, &res);
		} else
			st = clouddns_create(&r->dns, tasks[i].rs->domain_id,
			    c, n, &res);
		for (j = 0; j < n; j++) {
			if (st == ST_OK) {
				if (c[j].new_id != NULL)
					set_string(&group[j]->rs->record_id,
					    c[j].new_id);
				published(r, group[j], true);
				print_change(r, group[j]);
				r->changed++;
				group[j]->todo = TODO_NOTHING;
			} else if (st == ST_PROTOCOL && n > 1 &&
			    group[j]->todo == TODO_UPDATE) {
				group[j]->grouped = false;
				group[j]->alone = true;
				more = true;
			} else if (res.gone && may_look_again(group[j])) {
				/* its zone or itself was made again: both
				 * ids are looked up afresh */
				log_info("%s: zone %s or record %s is gone; "
				    "looking them up again", group[j]->label,
				    group[j]->rs->domain_id,
				    group[j]->rs->record_id);
				group[j]->relooked = true;
				set_string(&group[j]->rs->record_id, NULL);
				set_string(&group[j]->rs->domain_id, NULL);
				again(r, group[j]);
				more = true;
			} else if (res.duplicate && !group[j]->dup_seen) {
				/* made meanwhile: find it, then update it */
				group[j]->dup_seen = true;
				again(r, group[j]);
				more = true;
			} else {
				if (res.duplicate)
					log_err("%s: the API says it exists "
					    "but a look-up does not find it",
					    group[j]->label);
				group[j]->st = st;
				group[j]->todo = TODO_NOTHING;
			}
			free(c[j].new_id);
		}
	}
	if (more)
		apply_changes(r, tasks, ntasks);
}

/*
 * Keeps count of the failures that go on (CONTRACT.md 1, --status) and
 * says, on stdout like a change, when one ended (CONTRACT.md 3): an
 * address family detected again, a record that works again.
 */
static void
note_outcomes(struct run *r, struct task *tasks, size_t ntasks)
{
	struct failure *f;
	struct task *t;
	char since[32];
	size_t i;
	int fam;

	for (fam = 0; fam < FAM_COUNT; fam++) {
		f = &r->state.detect[fam];
		if (!r->used[fam] || r->opt->addr[fam] != NULL)
			continue;
		if (r->detected[fam] != ST_OK) {
			if (f->since == 0)
				f->since = r->now;
			f->runs++;
		} else if (f->since != 0) {
			log_change("%s: an address is detected again (none "
			    "since %s)", family_name(fam), when(f->since,
			    since, sizeof(since), ""));
			memset(f, 0, sizeof(*f));
		}
	}
	for (i = 0; i < ntasks; i++) {
		t = &tasks[i];
		f = &t->rs->failure;
		if (r->detected[t->rc->family] != ST_OK)
			continue;	/* its family's failure says it */
		if (t->st != ST_OK) {
			if (f->since == 0)
				f->since = r->now;
			f->runs++;
		} else if (f->since != 0) {
			log_change("%s: works again (failing since %s)",
			    t->label, when(f->since, since, sizeof(since),
			    ""));
			memset(f, 0, sizeof(*f));
		}
	}
}

/*
 * The health check (ping_url): GET {ping_url}/{exit status}, once, never
 * retried; a failure is one warning and leaves the exit status alone.
 */
static void
ping(const struct config *cf, enum status st)
{
	struct http_request req;
	struct http_response resp;
	char *url;

	if (cf->ping_url == NULL)
		return;
	url = xasprintf("%s/%d", cf->ping_url, (int)st);
	memset(&req, 0, sizeof(req));
	req.method = "GET";
	req.url = url;
	req.max_body = 4096;
	if (http_request(&req, &resp) != ST_OK)
		log_warn("ping_url: GET %s: %s", url, resp.error);
	else if (resp.status < 200 || resp.status > 299)
		log_warn("ping_url: GET %s: HTTP %ld", url, resp.status);
	http_response_free(&resp);
	free(url);
}

/*
 * Writes the state, with the failures reported in this run, when it
 * changed; never in a dry run.
 */
static enum status
save_state(struct run *r, const char *path)
{
	enum status st;

	if (r->opt->dry_run)
		return ST_OK;
	log_report_save(&r->state.reported, &r->state.nreported);
	if ((st = cache_save(path, &r->state)) != ST_OK) {
		if (r->changed > 0)
			log_err("%d DNS record%s changed as printed, but the "
			    "state file was not written; the next run will "
			    "send the same change again", r->changed,
			    r->changed == 1 ? " was" : "s were");
		else
			log_err("no DNS record was changed");
	}
	return st;
}

/* A run that updates the records (also a dry run); see the top. */
static enum status
run(const struct options *opt, const struct config *cf, time_t now)
{
	struct run r;
	struct task *tasks = NULL;
	char *state_path = NULL;
	enum status st, saved;
	size_t i;
	int lockfd = -1;

	memset(&r, 0, sizeof(r));
	r.opt = opt;
	r.cf = cf;
	r.now = now;
	if ((st = check_cli_addresses(&r)) != ST_OK ||
	    (st = check_clock(now)) != ST_OK)
		goto out;
	state_path = cache_path(opt, cf);
	/* a dry run writes nothing, and the rename in cache_save makes
	 * every read see a whole file: it needs no lock */
	if (!opt->dry_run && ((st = cache_lock(state_path, opt->wait < 0 ?
	    0 : opt->wait, &lockfd)) != ST_OK ||
	    (st = cache_check_dir(state_path)) != ST_OK))
		goto out;
	cache_load(state_path, now, &r.state);
	log_report_start(r.state.reported, r.state.nreported, now,
	    cf->report_interval);
	if (opt->dry_run)
		cache_forget_token(&r.state);	/* prove the credentials */
	if (r.state.backoff_until <= now)
		r.state.backoff_until = 0;	/* the wait is over */
	if ((st = http_init(cf->timeout, cf->ca_file)) != ST_OK)
		goto out;
	r.dns.cf = cf;
	r.dns.st = &r.state;
	r.dns.now = now;

	detect_addresses(&r);
	/* every state entry exists before pointers to them are taken */
	for (i = 0; i < cf->nrecords; i++)
		record_state(&r, &cf->records[i]);
	tasks = xcalloc(cf->nrecords, sizeof(*tasks));
	for (i = 0; i < cf->nrecords; i++) {
		tasks[i].rc = &cf->records[i];
		tasks[i].rs = cache_record_find(&r.state, tasks[i].rc);
		snprintf(tasks[i].label, sizeof(tasks[i].label), "%s %s",
		    tasks[i].rs->name != NULL ? tasks[i].rs->name :
		    tasks[i].rc->record_id, family_rtype(tasks[i].rc->family));
		prepare_record(&r, &tasks[i]);
	}
	apply_changes(&r, tasks, cf->nrecords);
	for (i = 0; i < cf->nrecords; i++)
		st = status_worst(st, tasks[i].st);
	if (opt->dry_run && st == ST_OK && r.stale == 0)
		log_change("nothing to change: every record holds its address "
		    "(dry run)");
	if (!opt->dry_run) {
		note_outcomes(&r, tasks, cf->nrecords);
		saved = save_state(&r, state_path);
		st = status_worst(st, saved);
		ping(cf, st);
		/* a ping's warning is remembered too, for the next run; a
		 * state that could not be written was said once already */
		if (saved == ST_OK)
			save_state(&r, state_path);
	}
out:
	free(tasks);
	clouddns_session_free(&r.dns);
	http_cleanup();
	state_free(&r.state);
	cache_unlock(lockfd);
	free(state_path);
	return st;
}

int
main(int argc, char *argv[])
{
	struct options opt;
	struct config cf;
	enum status st;
	time_t now;

	guard_process();
	parse_options(argc, argv, &opt);
	log_init(opt.quiet, opt.verbose, opt.use_syslog);
	now = time(NULL);

	if ((st = config_load(config_path(&opt), opt.check_config &&
	    !opt.quiet ? CONFIG_NOTES : opt.status || opt.detect ?
	    CONFIG_NO_KEY : 0, &cf)) != ST_OK)
		goto out;
	if (opt.check_config)
		st = check_config(&opt, &cf);
	else if (opt.detect)
		st = detect_only(&cf);
	else if (opt.status)
		st = show_status(&opt, &cf, now);
	else
		st = run(&opt, &cf, now);
out:
	config_free(&cf);
	log_close();
	return st;
}
