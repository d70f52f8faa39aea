/*
 * config.h
 * The configuration file (CONTRACT.md 4): both forms, strict validation, key.
 * SPDX-License-Identifier: ISC
 */

#ifndef CONFIG_H
#define CONFIG_H

#include <stdbool.h>
#include <stddef.h>

#include "ddnsupdate.h"
#include "netaddr.h"

#ifndef CONFIG_DEFAULT_PATH	/* the Makefile sets it from SYSCONFDIR */
#define CONFIG_DEFAULT_PATH	"/etc/ddnsupdate/config.json"
#endif
#define CONFIG_EXAMPLE	"ddnsupdate.json(5), or the examples in " \
			"/usr/share/doc/ddnsupdate/examples"
#define CONFIG_IDENTITY_URL	"https://identity.api.rackspacecloud.com/v2.0"
#define CONFIG_MAX_SOURCES	16
#define CONFIG_MAX_RECORDS	100

/* The kinds of address source (CONTRACT.md 6). */
enum source_kind {
	SOURCE_ECHO,		/* https://...: an echo service */
	SOURCE_IFACE,		/* iface:NAME, iface:*: the host's own */
	SOURCE_NATPMP,		/* natpmp:, natpmp:ADDR: the router's */
};

/* One entry of ip_sources.  Strings are owned by the config. */
struct source {
	enum source_kind kind;
	char		*text;		/* as written, for messages */
	char		*arg;		/* the URL, the interface name or "*",
					   the router's address or NULL (the
					   default gateway) */
};

/* One record to keep current.  Strings are owned by the config. */
struct record_conf {
	char		*name;		/* FQDN, lower case, no trailing dot;
					   NULL for the original script's form
					   without a name (learnt from the API) */
	enum family	 family;
	long		 ttl;		/* -1: keep the live record's TTL */
	char		*domain;	/* zone name, or NULL: discover */
	char		*domain_id;	/* or NULL: look up */
	char		*record_id;	/* or NULL: look up */
	char		*comment;	/* or NULL */
	bool		 has_suffix;	/* ipv6_suffix: publish the detected
					   /64 prefix with this interface
					   identifier */
	unsigned char	 suffix[8];	/* its lower 64 bits */
};

struct config {
	char			*path;
	char			*username;
	char			*api_key;	/* secret: wiped by config_free */
	char			*api_key_file;	/* or NULL */
	char			*key_source;	/* where the key came from, for -v */
	struct record_conf	*records;
	size_t			 nrecords;
	struct source		*sources[FAM_COUNT];	/* in order */
	size_t			 nsources[FAM_COUNT];
	int			 ip_quorum;
	bool			 allow_nonglobal;
	char			*identity_url;	/* no trailing slash */
	char			*dns_url;	/* or NULL: from the catalog */
	char			*ca_file;	/* or NULL: the system store */
	long			 timeout;
	long			 job_timeout;
	long			 verify_interval;
	long			 report_interval;
	char			*ping_url;	/* or NULL */
	bool			 create_missing;
	char			*cache_file;	/* or NULL */
	char			*account_id;	/* original form only, or NULL */
	bool			 original_form;	/* the original script's form */
};

/* config_load flags */
#define CONFIG_NO_KEY	0x1	/* the run needs no key (--detect, --status):
				   none is no error */
#define CONFIG_NOTES	0x2	/* print notes on files (--check-config) */

/*
 * Reads and validates the configuration file at path into *cf, and finds the
 * API key ($CREDENTIALS_DIRECTORY/api_key, api_key, api_key_file,
 * $DDNSUPDATE_API_KEY: the first present).  Every file is read through
 * files.c and must be one it trusts in its role.  Every problem is logged
 * on its own line naming the key (JSON syntax errors with line and
 * column).  The key is handed to log_secret().  Returns ST_OK or
 * ST_CONFIG.  *cf must be released with config_free() in both cases.
 */
enum status	 config_load(const char *path, unsigned flags,
		    struct config *cf);

/*
 * Validates and stores the configuration held in text (len bytes), as
 * config_load does for a file, without looking at permissions or finding
 * the key.  For config_load and the unit tests.
 */
enum status	 config_parse(const char *text, size_t len, const char *path,
		    struct config *cf);

/* Logs the effective configuration at -v, never the key itself. */
void		 config_dump(const struct config *cf);

/* Releases everything cf holds and wipes the key; NULL-safe, idempotent. */
void		 config_free(struct config *cf);

/*
 * Checks name as a host name under DNS rules (labels of 1..63 letters,
 * digits, hyphens and underscores, not starting or ending with a hyphen,
 * at least two labels, 253 characters at most).  A trailing dot is allowed.
 * Returns 1 when valid.
 */
int		 config_fqdn_valid(const char *name);

#endif /* CONFIG_H */
