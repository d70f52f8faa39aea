/*
 * main.c
 * The one-shot run: options, lock, load, detect, decide, apply, save, exit.
 * SPDX-License-Identifier: ISC
 *
 * A run follows CONTRACT.md from top to bottom:
 *   parse_options       the command line (exit 64 on a mistake)
 *   config_load         the configuration and the API key (78)
 *   cache_lock          one run at a time (75 when another holds it)
 *   cache_load          what was published and learnt before
 *   detect_addresses    the host's address for each family in use
 *   update_record       for each record: the fast path, or read the live
 *                       record, and change it when it is stale
 *   save_state          only after Rackspace was asked, never in a dry run
 * and returns the worst status of all as the exit status.
 */

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cache.h"
#include "clouddns.h"
#include "config.h"
#include "ddnsupdate.h"
#include "http.h"
#include "identity.h"
#include "ipdetect.h"
#include "log.h"

struct options {
	const char	*config_path;
	const char	*cache_path;
	const char	*addr[FAM_COUNT];	/* --ipv4, --ipv6 */
	int		 check_config;
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
	bool			 dup_seen;	/* its create was a duplicate */
	bool			 has_old;	/* else "(none)": a create */
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
	time_t			 now;
	int			 changed;	/* records changed this run */
};

static const char synopsis[] =
    "usage: ddnsupdate [-fnqv] [-c file] [-C file] [--ipv4 addr] "
    "[--ipv6 addr] [--syslog]\n"
    "       ddnsupdate --check-config [-c file]\n"
    "       ddnsupdate --detect [-v] [-c file]\n"
    "       ddnsupdate -V | -h\n";

static const char option_help[] =
    "  -c, --config FILE   configuration (default $DDNSUPDATE_CONFIG, else "
    CONFIG_DEFAULT_PATH ")\n"
    "  -C, --cache FILE    state file (default cache_file, else "
    "$STATE_DIRECTORY/cache.json,\n"
    "                      else " CACHE_DEFAULT_PATH ")\n"
    "  -n, --dry-run       read everything, change nothing, print what "
    "would change\n"
    "  -f, --force         read every live record and repair it if stale\n"
    "  -q, --quiet         print nothing but errors\n"
    "  -v, --verbose       print progress on stderr\n"
    "      --ipv4 ADDR     publish ADDR in the A records instead of "
    "detecting it\n"
    "      --ipv6 ADDR     publish ADDR in the AAAA records instead of "
    "detecting it\n"
    "      --check-config  validate the configuration, without network\n"
    "      --detect        print what each address source says, without "
    "Rackspace\n"
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

static void
parse_options(int argc, char *argv[], struct options *opt)
{
	enum { OPT_IPV4 = 256, OPT_IPV6, OPT_CHECK, OPT_DETECT, OPT_SYSLOG };
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
		{ "syslog", no_argument, NULL, OPT_SYSLOG },
		{ "verbose", no_argument, NULL, 'v' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 }
	};
	unsigned char bin[16];
	int ch;

	memset(opt, 0, sizeof(*opt));
	opterr = 0;
	while ((ch = getopt_long(argc, argv, ":C:c:fhnqVv", longopts,
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
		case OPT_IPV4:
		case OPT_IPV6:
			/* the family now; the global check once the
			 * configuration says whether allow_nonglobal */
			if (netaddr_parse(ch == OPT_IPV4 ? FAM_V4 : FAM_V6,
			    optarg, bin) == -1)
				usage_error(ch == OPT_IPV4 ?
				    "--ipv4 %s: not an IPv4 address" :
				    "--ipv6 %s: not an IPv6 address", optarg);
			opt->addr[ch == OPT_IPV4 ? FAM_V4 : FAM_V6] = optarg;
			break;
		case OPT_CHECK:
			opt->check_config = 1;
			break;
		case OPT_DETECT:
			opt->detect = 1;
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
	if (opt->check_config && (opt->dry_run || opt->force ||
	    opt->addr[FAM_V4] != NULL || opt->addr[FAM_V6] != NULL ||
	    opt->cache_path != NULL))
		usage_error("%s", "--check-config takes only -c, -q, -v and "
		    "--syslog");
	if (opt->detect && (opt->check_config || opt->dry_run || opt->force ||
	    opt->addr[FAM_V4] != NULL || opt->addr[FAM_V6] != NULL ||
	    opt->cache_path != NULL))
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

/* The address of each family that a record uses, once per family. */
static void
detect_addresses(struct run *r)
{
	bool used[FAM_COUNT] = { false, false };
	size_t i;
	int fam;

	for (i = 0; i < r->cf->nrecords; i++)
		used[r->cf->records[i].family] = true;
	for (fam = 0; fam < FAM_COUNT; fam++) {
		r->detected[fam] = ST_OK;
		if (!used[fam] || r->addr[fam][0] != '\0')
			continue;
		r->detected[fam] = ipdetect_run(r->cf, fam, r->addr[fam]);
		if (r->detected[fam] == ST_OK)
			log_info("%s address %s", fam == FAM_V4 ? "IPv4" :
			    "IPv6", r->addr[fam]);
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
			printf("%s %s %s%s\n", family_name(fam),
			    cf->sources[fam][i].text,
			    ans[i].st == ST_OK ? "" : "refused: ",
			    ans[i].st == ST_OK ? ans[i].addr : ans[i].why);
		printf("%s -> %s\n", family_name(fam),
		    addr[0] != '\0' ? addr : "none");
		fflush(stdout);
	}
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

/* Finds the live record: by its known id, else by name; *found 0 if none. */
static enum status
read_live(struct run *r, const struct record_conf *rc,
    struct record_state *rs, struct live_record *live, bool *found)
{
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
		log_info("%s %s: cached record id %s is gone; looking it up",
		    rs->name, family_rtype(rc->family), rs->record_id);
		set_string(&rs->record_id, NULL);
	}
	if (rs->name == NULL)
		return ST_OK;	/* no name and no id: nothing to search by */
	st = clouddns_find_record(&r->dns, rs->domain_id, rc->family, rs->name,
	    live, found);
	if (st == ST_OK && *found)
		set_string(&rs->record_id, live->id);
	return st;
}

/* The change line of CONTRACT.md 3. */
static void
print_change(struct run *r, const struct task *t)
{
	const char *addr = r->addr[t->rc->family];
	char ttls[64] = "";

	/* CONTRACT.md 3: the suffix marks a change of TTL alone */
	if (t->has_old && strcmp(t->old, addr) == 0 && t->old_ttl > 0 &&
	    t->ttl > 0 && t->old_ttl != t->ttl)
		snprintf(ttls, sizeof(ttls), " (ttl %ld -> %ld)", t->old_ttl,
		    t->ttl);
	log_change("%s %s %s -> %s%s%s", t->rs->name,
	    family_rtype(t->rc->family), t->has_old ? t->old : "(none)", addr,
	    ttls, r->opt->dry_run ? " (dry run)" : "");
}

/* The record's state after the API confirmed that it holds the address. */
static void
published(struct run *r, struct task *t)
{
	const char *addr = r->addr[t->rc->family];

	set_string(&t->rs->data, addr);
	t->rs->ttl = t->ttl;
	t->rs->verified = r->now;
	if (t->rc->family == FAM_V4)
		set_string(&r->state.ip, addr);
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
	const char *addr = r->addr[rc->family];
	char *zone_id = NULL, *zone_name = NULL;
	bool due, found = false;

	t->todo = TODO_NOTHING;
	if ((t->st = r->detected[rc->family]) != ST_OK)
		return;
	rs = t->rs;
	memset(&live, 0, sizeof(live));
	due = r->opt->force || r->opt->dry_run || rs->verified == 0 ||
	    rs->data == NULL || rs->name == NULL ||
	    r->cf->verify_interval == 0 ||
	    r->now - rs->verified >= r->cf->verify_interval;
	t->ttl = rc->ttl > 0 ? rc->ttl : rs->ttl;
	if (!due && streq(rs->data, addr) && t->ttl == rs->ttl) {
		log_info("%s %s: holds %s (verified within %ld s): nothing "
		    "to do", rs->name, family_rtype(rc->family), addr,
		    r->cf->verify_interval);
		return;
	}

	/* the zone */
	if (rs->domain_id == NULL) {
		if ((t->st = clouddns_find_zone(&r->dns, rs->name, rc->domain,
		    &zone_id, &zone_name)) != ST_OK)
			goto out;
		set_string(&rs->domain_id, zone_id);
		set_string(&rs->zone, zone_name);
	}
	/* the live record, when due or when its id is unknown */
	if (due || rs->record_id == NULL) {
		log_info("%s %s: reading the live record (%s)",
		    rs->name != NULL ? rs->name : rc->record_id,
		    family_rtype(rc->family), r->opt->force ? "-f" :
		    r->opt->dry_run ? "dry run" : rs->verified == 0 ?
		    "never verified" : "verification due");
		if ((t->st = read_live(r, rc, rs, &live, &found)) != ST_OK)
			goto out;
		if (found) {
			if (rs->name == NULL)
				rs->name = xstrdup(live.name);
			if (rc->ttl <= 0)
				t->ttl = live.ttl;
			if (streq(live.data, addr) && live.ttl == t->ttl) {
				log_info("%s %s: the live record holds %s: "
				    "nothing to change", rs->name,
				    family_rtype(rc->family), addr);
				published(r, t);
				goto out;
			}
		} else if (!r->cf->create_missing) {
			log_err("%s %s: no such record in zone %s; set "
			    "\"create_missing\": true to create it", rs->name,
			    family_rtype(rc->family),
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
	log_info("%s %s: %s, %s to %s", rs->name, family_rtype(rc->family),
	    t->has_old ? t->old : "missing", t->todo == TODO_UPDATE ?
	    "update" : "create", addr);
	if (r->opt->dry_run) {
		print_change(r, t);
		t->todo = TODO_NOTHING;
	}
out:
	live_record_free(&live);
	free(zone_id);
	free(zone_name);
}

/* The records of one change: same kind, same zone, at most 100. */
static size_t
gather(struct run *r, struct task *tasks, size_t ntasks, size_t first,
    struct task **group, struct dns_change *c)
{
	struct task *t;
	size_t i, n = 0;

	for (i = first; i < ntasks && n < CLOUDDNS_MAX_CHANGE; i++) {
		t = &tasks[i];
		if (t->todo != tasks[first].todo || t->grouped ||
		    !streq(t->rs->domain_id, tasks[first].rs->domain_id))
			continue;
		t->grouped = true;
		group[n] = t;
		memset(&c[n], 0, sizeof(c[n]));
		c[n].record_id = t->rs->record_id;
		c[n].name = t->rs->name;
		c[n].family = t->rc->family;
		c[n].data = r->addr[t->rc->family];
		c[n].ttl = t->ttl;
		c[n].comment = t->rc->comment;
		n++;
	}
	return n;
}

/*
 * Makes the changes prepare_record() decided: per zone, one PUT for the
 * records to update and one POST for those to create, each one job.  A
 * create that collides with a record made meanwhile is looked up again
 * and updated instead.
 */
static void
apply_changes(struct run *r, struct task *tasks, size_t ntasks)
{
	struct task *group[CLOUDDNS_MAX_CHANGE];
	struct dns_change c[CLOUDDNS_MAX_CHANGE];
	bool duplicate, again = false;
	enum status st;
	size_t i, j, n;

	for (i = 0; i < ntasks; i++) {
		if (tasks[i].todo == TODO_NOTHING || tasks[i].grouped)
			continue;
		n = gather(r, tasks, ntasks, i, group, c);
		duplicate = false;
		if (tasks[i].todo == TODO_UPDATE)
			st = clouddns_update(&r->dns, tasks[i].rs->domain_id,
			    c, n);
		else
			st = clouddns_create(&r->dns, tasks[i].rs->domain_id,
			    c, n, &duplicate);
		for (j = 0; j < n; j++) {
			if (st == ST_OK) {
				if (c[j].new_id != NULL)
					set_string(&group[j]->rs->record_id,
					    c[j].new_id);
				published(r, group[j]);
				print_change(r, group[j]);
				r->changed++;
				group[j]->todo = TODO_NOTHING;
			} else if (duplicate && !group[j]->dup_seen) {
				/* made meanwhile: find it, then update it */
				group[j]->dup_seen = true;
				group[j]->todo = TODO_NOTHING;
				group[j]->grouped = false;
				group[j]->rs->verified = 0;
				prepare_record(r, group[j]);
				again = true;
			} else {
				if (duplicate)
					log_err("%s %s: the API says it exists "
					    "but a look-up does not find it",
					    group[j]->rs->name, family_rtype(
					    group[j]->rc->family));
				group[j]->st = st;
				group[j]->todo = TODO_NOTHING;
			}
			free(c[j].new_id);
		}
	}
	if (again)
		apply_changes(r, tasks, ntasks);
}

/* Writes the state when Rackspace was asked; never in a dry run. */
static enum status
save_state(struct run *r, const char *path)
{
	enum status st;

	if (r->opt->dry_run || r->dns.requests == 0)
		return ST_OK;
	if ((st = cache_save(path, &r->state)) != ST_OK) {
		if (r->changed > 0)
			log_err("%d DNS record%s changed as printed, but the "
			    "state file was not written; the next run will "
			    "read the live records again", r->changed,
			    r->changed == 1 ? " was" : "s were");
		else
			log_err("no DNS record was changed");
	}
	return st;
}

int
main(int argc, char *argv[])
{
	struct options opt;
	struct config cf;
	struct run run;
	struct task *tasks = NULL;
	char *state_path = NULL;
	enum status st;
	size_t i;
	int lockfd = -1;

	parse_options(argc, argv, &opt);
	log_init(opt.quiet, opt.verbose, opt.use_syslog);
	memset(&run, 0, sizeof(run));
	run.opt = &opt;
	run.cf = &cf;
	run.now = time(NULL);

	if ((st = config_load(config_path(&opt), &cf, !opt.detect)) != ST_OK)
		goto out;
	if (opt.detect) {
		st = detect_only(&cf);
		goto out;
	}
	if (opt.check_config) {
		config_dump(&cf);
		if (!opt.quiet)
			printf("%s: valid, %zu record%s\n", cf.path,
			    cf.nrecords, cf.nrecords == 1 ? "" : "s");
		goto out;
	}
	if ((st = check_cli_addresses(&run)) != ST_OK)
		goto out;
	state_path = cache_path(&opt, &cf);
	/* a dry run writes nothing, and the rename in cache_save makes
	 * every read see a whole file: it needs no lock */
	if (!opt.dry_run && (st = cache_lock(state_path, &lockfd)) != ST_OK)
		goto out;
	cache_load(state_path, &run.state);
	if (opt.dry_run)
		cache_forget_token(&run.state);	/* prove the credentials */
	if (run.state.backoff_until <= run.now)
		run.state.backoff_until = 0;	/* the wait is over */
	if ((st = http_init(cf.timeout, cf.ca_file)) != ST_OK)
		goto out;
	run.dns.cf = &cf;
	run.dns.st = &run.state;
	run.dns.now = run.now;

	detect_addresses(&run);
	/* every state entry exists before pointers to them are taken */
	for (i = 0; i < cf.nrecords; i++)
		record_state(&run, &cf.records[i]);
	tasks = xcalloc(cf.nrecords, sizeof(*tasks));
	for (i = 0; i < cf.nrecords; i++) {
		tasks[i].rc = &cf.records[i];
		tasks[i].rs = cache_record_find(&run.state, tasks[i].rc);
		prepare_record(&run, &tasks[i]);
	}
	apply_changes(&run, tasks, cf.nrecords);
	for (i = 0; i < cf.nrecords; i++)
		st = status_worst(st, tasks[i].st);
	st = status_worst(st, save_state(&run, state_path));
out:
	free(tasks);
	clouddns_session_free(&run.dns);
	http_cleanup();
	state_free(&run.state);
	cache_unlock(lockfd);
	free(state_path);
	config_free(&cf);
	log_close();
	return st;
}
