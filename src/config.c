/*
 * config.c
 * Reads and validates the configuration file and finds the API key.
 * SPDX-License-Identifier: ISC
 *
 * Two forms are accepted (CONTRACT.md 4).  The full form lists "records".
 * The original Python script's form has no "records" but names one A record
 * by "domain_id" and "record_id" (or a nested "record": {"id","name","ttl"})
 * with an "account_id"; it may carry any other top-level key of the full
 * form.  Validation is strict and reports every problem, one line each,
 * naming the key as a path ("records[1].ttl"), so that --check-config shows
 * the whole list at once.  The key comes from exactly one source, the first
 * present of: $CREDENTIALS_DIRECTORY/api_key (the systemd service's own
 * credential), api_key, api_key_file, $DDNSUPDATE_API_KEY.  Whether each
 * file may be trusted is files.c's to say: the configuration and ca_file
 * must not be writable by group or others, a file that holds the key must
 * not be open to others at all, and a key its group may read is fine
 * (--check-config notes it).  A JSON syntax error says where, and what
 * JSON expected there.
 */

#include <sys/stat.h>

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "config.h"
#include "files.h"
#include "ipdetect.h"
#include "log.h"

#define CONFIG_MAX_SIZE		(1024 * 1024)
#define KEY_MAX_SIZE		4096
#define TTL_MIN			300
#define TTL_MAX			2147483647L
#define COMMENT_MAX		160
#define MAX_KEYS		64	/* in any one object */

static const char *const default_sources[FAM_COUNT][3] = {
	{ "https://api.ipify.org", "https://ipv4.icanhazip.com",
	    "https://v4.ident.me" },
	{ "https://api6.ipify.org", "https://ipv6.icanhazip.com",
	    "https://v6.ident.me" },
};

/* Keys of the full form; the original form adds its own below. */
static const char *const top_keys[] = {
	"username", "api_key", "api_key_file", "records", "ip_sources",
	"ip_quorum", "allow_nonglobal", "identity_url", "dns_url", "ca_file",
	"timeout", "job_timeout", "verify_interval", "create_missing",
	"cache_file", "report_interval", "ping_url", NULL
};
static const char *const original_keys[] = {
	"account_id", "domain_id", "record_id", "record", NULL
};
static const char *const record_keys[] = {
	"name", "type", "ttl", "domain", "domain_id", "record_id", "comment",
	"ipv6_suffix", NULL
};

/* Counts the problems found while checking one file. */
struct checker {
	const char	*path;
	int		 nerr;
};

static void bad(struct checker *, const char *, ...)
    __attribute__((format(printf, 2, 3)));

static void
bad(struct checker *ck, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);	/* a cut message still helps */
	va_end(ap);
	log_err("%s: %s", ck->path, msg);
	ck->nerr++;
}

static int
in_list(const char *key, const char *const *list)
{
	for (; *list != NULL; list++)
		if (strcmp(key, *list) == 0)
			return 1;
	return 0;
}

/* The edit distance between a and b (both short), for suggestions. */
static size_t
distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b), i, j, d[64], prev, tmp;

	if (la >= 63 || lb >= 63)
		return 64;
	for (j = 0; j <= lb; j++)
		d[j] = j;
	for (i = 1; i <= la; i++) {
		prev = d[0];
		d[0] = i;
		for (j = 1; j <= lb; j++) {
			tmp = d[j];
			d[j] = a[i - 1] == b[j - 1] ? prev : 1 + (prev < d[j] ?
			    (prev < d[j - 1] ? prev : d[j - 1]) :
			    (d[j] < d[j - 1] ? d[j] : d[j - 1]));
			prev = tmp;
		}
	}
	return d[lb];
}

/* The known key nearest to key, when it is near enough to be a typo. */
static const char *
nearest(const char *key, const char *const *allowed, const char *const *also)
{
	const char *const *lists[2] = { allowed, also }, *const *l, *best = NULL;
	size_t i, d, bestd = 3;		/* up to two edits ... */

	for (i = 0; i < 2; i++)
		for (l = lists[i]; l != NULL && *l != NULL; l++) {
			d = distance(key, *l);
			if (d < bestd && d * 3 <= strlen(*l)) {
				bestd = d;	/* ... and a third of the key */
				best = *l;
			}
		}
	return best;
}

/*
 * Unknown and repeated keys of one object, reported under prefix.  No
 * object of the format has more than MAX_KEYS keys; one that has is
 * refused whole rather than searched for repeats pair by pair.
 */
static void
check_keys(struct checker *ck, const cJSON *obj, const char *prefix,
    const char *const *allowed, const char *const *also)
{
	const cJSON *it, *prev;
	const char *near;

	if (cJSON_GetArraySize(obj) > MAX_KEYS) {
		bad(ck, "%s: more than %d keys", *prefix != '\0' ? prefix :
		    "the top level", MAX_KEYS);
		return;
	}
	cJSON_ArrayForEach(it, obj) {
		if (!in_list(it->string, allowed) &&
		    (also == NULL || !in_list(it->string, also))) {
			if ((near = nearest(it->string, allowed, also)) != NULL)
				bad(ck, "%s%s: unknown key; did you mean "
				    "\"%s\"?", prefix, it->string, near);
			else
				bad(ck, "%s%s: unknown key", prefix,
				    it->string);
		}
		for (prev = obj->child; prev != it; prev = prev->next)
			if (strcmp(prev->string, it->string) == 0) {
				bad(ck, "%s%s: key given twice", prefix,
				    it->string);
				break;
			}
	}
}

/* A string value, copied; NULL when absent.  Reports a wrong type. */
static char *
get_string(struct checker *ck, const cJSON *obj, const char *key,
    const char *prefix)
{
	const cJSON *it;

	if ((it = cJSON_GetObjectItemCaseSensitive(obj, key)) == NULL)
		return NULL;
	if (!cJSON_IsString(it) || it->valuestring[0] == '\0') {
		bad(ck, "%s%s: must be a non-empty string", prefix, key);
		return NULL;
	}
	return xstrdup(it->valuestring);
}

/*
 * An id: the API sends numbers or strings and so may the user; kept as an
 * opaque string.
 */
static char *
get_id(struct checker *ck, const cJSON *obj, const char *key,
    const char *prefix)
{
	const cJSON *it;
	double d;

	if ((it = cJSON_GetObjectItemCaseSensitive(obj, key)) == NULL)
		return NULL;
	if (cJSON_IsNumber(it)) {
		d = it->valuedouble;
		if (d >= 0 && d <= 9007199254740992.0 && d == (double)(long long)d)
			return xasprintf("%lld", (long long)d);
	} else if (cJSON_IsString(it) && it->valuestring[0] != '\0' &&
	    strlen(it->valuestring) <= 255)
		return xstrdup(it->valuestring);
	bad(ck, "%s%s: must be a non-empty string or a whole number", prefix,
	    key);
	return NULL;
}

/* An integer in [min, max]; *out keeps its default when absent. */
static void
get_long(struct checker *ck, const cJSON *obj, const char *key,
    const char *prefix, long min, long max, long *out)
{
	const cJSON *it;
	double d;

	if ((it = cJSON_GetObjectItemCaseSensitive(obj, key)) == NULL)
		return;
	if (cJSON_IsNumber(it)) {
		d = it->valuedouble;
		if (d >= (double)min && d <= (double)max && d == (double)(long)d) {
			*out = (long)d;
			return;
		}
	}
	bad(ck, "%s%s: must be a whole number from %ld to %ld", prefix, key,
	    min, max);
}

static void
get_bool(struct checker *ck, const cJSON *obj, const char *key, bool *out)
{
	const cJSON *it;

	if ((it = cJSON_GetObjectItemCaseSensitive(obj, key)) == NULL)
		return;
	if (!cJSON_IsBool(it)) {
		bad(ck, "%s: must be true or false", key);
		return;
	}
	*out = cJSON_IsTrue(it);
}

/* For a name with letters beyond ASCII: how to write it for DNS. */
static const char *
idn_hint(const char *name)
{
	for (; *name != '\0'; name++)
		if ((unsigned char)*name >= 0x80)
			return "; write an internationalised name in its ASCII "
			    "\"xn--\" form, which idn2(1) prints";
	return "";
}

/* Lower case, without the trailing dot; caller frees. */
static char *
normal_name(const char *name)
{
	char *s, *p;
	size_t len;

	s = xstrdup(name);
	for (p = s; *p != '\0'; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p - 'A' + 'a');
	len = strlen(s);
	if (len > 0 && s[len - 1] == '.')
		s[len - 1] = '\0';
	return s;
}

int
config_fqdn_valid(const char *name)
{
	size_t len, label = 0, labels = 0, i;
	char c;

	len = strlen(name);
	if (len > 0 && name[len - 1] == '.')
		len--;
	if (len == 0 || len > 253)
		return 0;
	for (i = 0; i <= len; i++) {
		c = i < len ? name[i] : '.';
		if (c == '.') {
			if (label == 0 || label > 63 || name[i - 1] == '-')
				return 0;
			labels++;
			label = 0;
			continue;
		}
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || c == '-' || c == '_'))
			return 0;
		if (label == 0 && c == '-')
			return 0;
		label++;
	}
	return labels >= 2;
}

/* A URL key: allowed scheme, kept without a trailing slash. */
static char *
get_url(struct checker *ck, const cJSON *obj, const char *key)
{
	char *url;
	size_t len;

	if ((url = get_string(ck, obj, key, "")) == NULL)
		return NULL;
	if (!netaddr_url_allowed(url)) {
		bad(ck, "%s: \"%s\" must be an https:// URL (http:// only to a "
		    "loopback host)", key, url);
		free(url);
		return NULL;
	}
	len = strlen(url);
	while (len > 0 && url[len - 1] == '/')
		url[--len] = '\0';
	return url;
}

/*
 * ip_sources: each entry is parsed by ipdetect_source_parse, which knows the
 * kinds; a bad one is reported with its key and index.
 */
static void
parse_sources(struct checker *ck, const cJSON *obj, struct config *cf)
{
	static const char *const fam_keys[] = { "ipv4", "ipv6", NULL };
	const cJSON *list, *it;
	char why[256];
	size_t n, i;
	int fam;

	if (!cJSON_IsObject(obj)) {
		bad(ck, "ip_sources: must be an object "
		    "{\"ipv4\": [source, ...], \"ipv6\": [source, ...]}");
		return;
	}
	check_keys(ck, obj, "ip_sources.", fam_keys, NULL);
	for (fam = 0; fam < FAM_COUNT; fam++) {
		list = cJSON_GetObjectItemCaseSensitive(obj, fam_keys[fam]);
		if (list == NULL)
			continue;
		n = (size_t)cJSON_GetArraySize(list);
		if (!cJSON_IsArray(list) || n == 0 || n > CONFIG_MAX_SOURCES) {
			bad(ck, "ip_sources.%s: must be a list of 1 to %d "
			    "sources", fam_keys[fam], CONFIG_MAX_SOURCES);
			continue;
		}
		cf->sources[fam] = xcalloc(n, sizeof(struct source));
		i = 0;
		cJSON_ArrayForEach(it, list) {
			if (!cJSON_IsString(it))
				bad(ck, "ip_sources.%s[%zu]: must be a string",
				    fam_keys[fam], i);
			else if (ipdetect_source_parse(it->valuestring, fam,
			    &cf->sources[fam][cf->nsources[fam]], why,
			    sizeof(why)) == ST_OK)
				cf->nsources[fam]++;
			else
				bad(ck, "ip_sources.%s[%zu]: \"%s\" %s",
				    fam_keys[fam], i, it->valuestring, why);
			i++;
		}
	}
}

/*
 * ipv6_suffix: an interface identifier, written as an IPv6 address whose
 * upper 64 bits are zero; AAAA records only.
 */
static void
parse_suffix(struct checker *ck, const cJSON *obj, const char *prefix,
    struct record_conf *rc)
{
	static const unsigned char zero[8];
	unsigned char bin[16];
	char *s;

	if ((s = get_string(ck, obj, "ipv6_suffix", prefix)) == NULL)
		return;
	if (rc->family != FAM_V6)
		bad(ck, "%sipv6_suffix: only for a record of type AAAA", prefix);
	else if (netaddr_parse(FAM_V6, s, bin) == -1 ||
	    memcmp(bin, zero, 8) != 0 || memcmp(bin + 8, zero, 8) == 0)
		bad(ck, "%sipv6_suffix: \"%s\" must be an interface identifier "
		    "written as an IPv6 address with the upper 64 bits zero, "
		    "such as \"::5054:ff:fe12:3456\"", prefix, s);
	else {
		rc->has_suffix = true;
		memcpy(rc->suffix, bin + 8, 8);
	}
	free(s);
}

static void
parse_record(struct checker *ck, const cJSON *obj, size_t idx,
    struct record_conf *rc)
{
	char prefix[32], *s;
	size_t len, dlen;

	snprintf(prefix, sizeof(prefix), "records[%zu].", idx);
	rc->ttl = TTL_MIN;
	if (!cJSON_IsObject(obj)) {
		bad(ck, "records[%zu]: must be an object", idx);
		return;
	}
	check_keys(ck, obj, prefix, record_keys, NULL);
	if ((s = get_string(ck, obj, "name", prefix)) == NULL) {
		if (cJSON_GetObjectItemCaseSensitive(obj, "name") == NULL)
			bad(ck, "%sname: required", prefix);
	} else if (!config_fqdn_valid(s)) {
		bad(ck, "%sname: \"%s\" is not a valid domain name%s", prefix,
		    s, idn_hint(s));
	} else
		rc->name = normal_name(s);
	free(s);
	if ((s = get_string(ck, obj, "type", prefix)) != NULL) {
		if (strcasecmp(s, "A") == 0)
			rc->family = FAM_V4;
		else if (strcasecmp(s, "AAAA") == 0)
			rc->family = FAM_V6;
		else
			bad(ck, "%stype: must be \"A\" or \"AAAA\"", prefix);
		free(s);
	}
	get_long(ck, obj, "ttl", prefix, TTL_MIN, TTL_MAX, &rc->ttl);
	if ((s = get_string(ck, obj, "domain", prefix)) != NULL) {
		if (!config_fqdn_valid(s))
			bad(ck, "%sdomain: \"%s\" is not a valid domain name%s",
			    prefix, s, idn_hint(s));
		else {
			rc->domain = normal_name(s);
			len = rc->name != NULL ? strlen(rc->name) : 0;
			dlen = strlen(rc->domain);
			if (rc->name != NULL && strcmp(rc->name, rc->domain) != 0 &&
			    (len <= dlen + 1 ||
			    strcmp(rc->name + len - dlen, rc->domain) != 0 ||
			    rc->name[len - dlen - 1] != '.'))
				bad(ck, "%sdomain: \"%s\" is not a parent of "
				    "\"%s\"", prefix, rc->domain, rc->name);
		}
		free(s);
	}
	rc->domain_id = get_id(ck, obj, "domain_id", prefix);
	rc->record_id = get_id(ck, obj, "record_id", prefix);
	if ((rc->comment = get_string(ck, obj, "comment", prefix)) != NULL &&
	    strlen(rc->comment) > COMMENT_MAX)
		bad(ck, "%scomment: longer than %d characters", prefix,
		    COMMENT_MAX);
	parse_suffix(ck, obj, prefix, rc);
}

static void
parse_records(struct checker *ck, const cJSON *list, struct config *cf)
{
	const cJSON *it;
	size_t n, i, j;

	n = (size_t)cJSON_GetArraySize(list);
	if (!cJSON_IsArray(list) || n == 0 || n > CONFIG_MAX_RECORDS) {
		bad(ck, "records: must be a list of 1 to %d record objects",
		    CONFIG_MAX_RECORDS);
		return;
	}
	cf->records = xcalloc(n, sizeof(*cf->records));
	i = 0;
	cJSON_ArrayForEach(it, list)
		parse_record(ck, it, i++, &cf->records[cf->nrecords++]);
	for (i = 0; i < cf->nrecords; i++)
		for (j = 0; j < i; j++)
			if (cf->records[i].name != NULL &&
			    streq(cf->records[i].name, cf->records[j].name) &&
			    cf->records[i].family == cf->records[j].family) {
				bad(ck, "records[%zu]: duplicate of records[%zu] "
				    "(%s %s)", i, j, cf->records[i].name,
				    family_rtype(cf->records[i].family));
				break;
			}
}

/*
 * The original script's form: one A record known by its ids, either flat
 * ("domain_id", "record_id") or nested ("record": {"id","name","ttl"}).
 */
static void
parse_original(struct checker *ck, const cJSON *root, struct config *cf)
{
	static const char *const nested_keys[] = { "id", "name", "ttl", NULL };
	const cJSON *rec;
	struct record_conf *rc;
	char *s;

	cf->original_form = true;
	cf->records = xcalloc(1, sizeof(*cf->records));
	cf->nrecords = 1;
	rc = &cf->records[0];
	rc->family = FAM_V4;
	rc->ttl = -1;
	cf->account_id = get_id(ck, root, "account_id", "");
	if ((rc->domain_id = get_id(ck, root, "domain_id", "")) == NULL &&
	    cJSON_GetObjectItemCaseSensitive(root, "domain_id") == NULL)
		bad(ck, "domain_id: required (or give \"records\")");
	rc->record_id = get_id(ck, root, "record_id", "");
	if ((rec = cJSON_GetObjectItemCaseSensitive(root, "record")) != NULL) {
		if (!cJSON_IsObject(rec)) {
			bad(ck, "record: must be an object {\"id\", \"name\", "
			    "\"ttl\"}");
			return;
		}
		check_keys(ck, rec, "record.", nested_keys, NULL);
		if (rc->record_id != NULL)
			bad(ck, "record.id: record_id is given too; keep one");
		else
			rc->record_id = get_id(ck, rec, "id", "record.");
		if ((s = get_string(ck, rec, "name", "record.")) != NULL) {
			if (config_fqdn_valid(s))
				rc->name = normal_name(s);
			else
				bad(ck, "record.name: \"%s\" is not a valid "
				    "domain name%s", s, idn_hint(s));
			free(s);
		}
		get_long(ck, rec, "ttl", "record.", TTL_MIN, TTL_MAX, &rc->ttl);
	}
	if (rc->record_id == NULL &&
	    cJSON_GetObjectItemCaseSensitive(root, "record_id") == NULL &&
	    (rec == NULL || cJSON_GetObjectItemCaseSensitive(rec, "id") == NULL))
		bad(ck, "record_id: required (or give \"records\")");
}

/*
 * What a JSON text lacks where cJSON stopped reading it (at off), for the
 * message: the mistakes people make by hand.
 */
static const char *
json_expected(const char *text, size_t len, size_t *offp)
{
	char stack[64], cur, prev, before_word, inner = '\0';
	size_t i, q, w, depth = 0, off = *offp, comma = len;
	int in_string = 0;

	/* strings, and the brackets open where cJSON stopped and at the end */
	for (i = 0; i < len; i++) {
		if (i == off)
			inner = depth > 0 && depth <= sizeof(stack) ?
			    stack[depth - 1] : '\0';
		if (in_string) {
			if (text[i] == '\\')
				i++;
			else if (text[i] == '"')
				in_string = 0;
		} else if (text[i] == '"')
			in_string = 1;
		else if (text[i] == ',' && comma == len) {
			for (q = i + 1; q < len && strchr(" \t\r\n", text[q]) !=
			    NULL; q++)
				;
			if (q < len && (text[q] == '}' || text[q] == ']') &&
			    q <= off + 1)
				comma = i;	/* the first trailing comma */
		} else if (text[i] == '{' || text[i] == '[') {
			if (depth < sizeof(stack))
				stack[depth] = text[i];
			depth++;
		} else if ((text[i] == '}' || text[i] == ']') && depth > 0)
			depth--;
	}
	if (in_string)
		return "a string that is never closed (a missing \")";
	if (comma < len) {
		*offp = comma;
		return "a comma before a closing bracket: JSON allows no "
		    "trailing comma";
	}
	if (strspn(text, " \t\r\n") >= len)
		return "the file is empty";
	cur = off < len ? text[off] : '\0';
	for (q = off; q > 0 && strchr(" \t\r\n", text[q - 1]) != NULL; q--)
		;
	prev = q > 0 ? text[q - 1] : '\0';
	/* the character before the bare word cJSON stopped in or after */
	for (w = off; w > 0 && (isalnum((unsigned char)text[w - 1]) ||
	    text[w - 1] == '_'); w--)
		;
	for (; w > 0 && strchr(" \t\r\n", text[w - 1]) != NULL; w--)
		;
	before_word = w > 0 ? text[w - 1] : '\0';
	if (cur == '\'' || prev == '\'')
		return "strings and keys take double quotes (\"), not single "
		    "ones";
	if (depth > 0 && off + 1 >= len)
		return "the text ends before its closing } or ]";
	if (cur == '\0')
		return "the text is empty or ends too early";
	if (inner == '{' && (before_word == '{' || before_word == ',') &&
	    cur != '"')
		return "keys take double quotes: \"key\": value";
	if (prev == '"' || prev == '}' || prev == ']' ||
	    (prev >= '0' && prev <= '9') || prev == 'e' || prev == 'l')
		return "expected a ',' between two members, or a ':' after a "
		    "key";
	return "expected a value: a string in double quotes, a number, true, "
	    "false, null, { ... } or [ ... ]";
}

/* "line L, column C" of the byte at off. */
static void
position(const char *text, size_t off, int *line, int *col)
{
	size_t i;

	*line = 1;
	*col = 1;
	for (i = 0; i < off; i++) {
		if (text[i] == '\n') {
			(*line)++;
			*col = 1;
		} else
			(*col)++;
	}
}

/*
 * Where text holds the escape \u0000, or NULL.  cJSON would end the
 * string there, silently cutting a key short.
 */
static const char *
escaped_nul(const char *text, size_t len)
{
	size_t i, slashes = 0;

	for (i = 0; i < len; i++) {
		if (text[i] == '\\') {
			slashes++;
			continue;
		}
		if (slashes % 2 == 1 && len - i >= 5 &&
		    (text[i] == 'u' || text[i] == 'U') &&
		    strncmp(text + i + 1, "0000", 4) == 0)
			return text + i - 1;
		slashes = 0;
	}
	return NULL;
}

enum status
config_parse(const char *text, size_t len, const char *path,
    struct config *cf)
{
	struct checker ck = { path, 0 };
	const char *end = NULL, *hint;
	cJSON *root;
	const cJSON *it;
	char why[256];
	int line, col, fam;
	long quorum;
	size_t i, off;

	memset(cf, 0, sizeof(*cf));
	cf->path = xstrdup(path);
	cf->ip_quorum = 1;
	cf->timeout = 10;
	cf->job_timeout = 60;
	cf->verify_interval = 86400;
	cf->report_interval = 86400;

	if ((end = escaped_nul(text, len)) != NULL) {
		position(text, (size_t)(end - text), &line, &col);
		bad(&ck, "line %d, column %d: \\u0000 (a NUL character) is "
		    "not allowed in a string", line, col);
		return ST_CONFIG;
	}
	if ((root = cJSON_ParseWithLengthOpts(text, len, &end, 0)) == NULL) {
		if (end == NULL || end < text || end > text + len)
			end = text + len;
		off = (size_t)(end - text);
		hint = json_expected(text, len, &off);
		position(text, off, &line, &col);
		bad(&ck, "line %d, column %d: not valid JSON: %s", line, col,
		    hint);
		return ST_CONFIG;
	}
	while (end < text + len && (*end == ' ' || *end == '\t' ||
	    *end == '\n' || *end == '\r'))
		end++;
	if (end < text + len) {
		position(text, (size_t)(end - text), &line, &col);
		bad(&ck, "line %d, column %d: not valid JSON: text after the "
		    "end of the object (one } too many?)", line, col);
		cJSON_Delete(root);
		return ST_CONFIG;
	}
	if (!cJSON_IsObject(root)) {
		bad(&ck, "must hold a JSON object { ... }");
		goto out;
	}
	it = cJSON_GetObjectItemCaseSensitive(root, "records");
	check_keys(&ck, root, "", top_keys, it == NULL ? original_keys : NULL);

	if ((cf->username = get_string(&ck, root, "username", "")) == NULL &&
	    cJSON_GetObjectItemCaseSensitive(root, "username") == NULL)
		bad(&ck, "username: required");
	cf->api_key = get_string(&ck, root, "api_key", "");
	if (cf->api_key != NULL) {
		cf->key_source = xasprintf("api_key in %s", path);
		if (strspn(cf->api_key, " \t\r\n") == strlen(cf->api_key))
			bad(&ck, "api_key: holds no key, only white space");
	}
	cf->api_key_file = get_string(&ck, root, "api_key_file", "");
	cf->cache_file = get_string(&ck, root, "cache_file", "");
	cf->ca_file = get_string(&ck, root, "ca_file", "");
	cf->identity_url = get_url(&ck, root, "identity_url");
	if (cf->identity_url == NULL)
		cf->identity_url = xstrdup(CONFIG_IDENTITY_URL);
	cf->dns_url = get_url(&ck, root, "dns_url");
	quorum = cf->ip_quorum;
	get_long(&ck, root, "ip_quorum", "", 1, 5, &quorum);
	cf->ip_quorum = (int)quorum;
	get_bool(&ck, root, "allow_nonglobal", &cf->allow_nonglobal);
	get_bool(&ck, root, "create_missing", &cf->create_missing);
	get_long(&ck, root, "timeout", "", 1, 300, &cf->timeout);
	get_long(&ck, root, "job_timeout", "", 1, 600, &cf->job_timeout);
	get_long(&ck, root, "verify_interval", "", 0, TTL_MAX,
	    &cf->verify_interval);
	get_long(&ck, root, "report_interval", "", 0, TTL_MAX,
	    &cf->report_interval);
	cf->ping_url = get_url(&ck, root, "ping_url");

	if (it != NULL)
		parse_records(&ck, it, cf);
	else if (cJSON_GetObjectItemCaseSensitive(root, "domain_id") != NULL ||
	    cJSON_GetObjectItemCaseSensitive(root, "record_id") != NULL ||
	    cJSON_GetObjectItemCaseSensitive(root, "record") != NULL ||
	    cJSON_GetObjectItemCaseSensitive(root, "account_id") != NULL)
		parse_original(&ck, root, cf);
	else
		bad(&ck, "records: required");

	if ((it = cJSON_GetObjectItemCaseSensitive(root, "ip_sources")) != NULL)
		parse_sources(&ck, it, cf);
	for (fam = 0; fam < FAM_COUNT; fam++) {
		if (cf->sources[fam] != NULL)
			continue;
		cf->sources[fam] = xcalloc(3, sizeof(struct source));
		for (i = 0; i < 3; i++)
			if (ipdetect_source_parse(default_sources[fam][i], fam,
			    &cf->sources[fam][i], why, sizeof(why)) != ST_OK)
				abort();	/* the defaults are valid */
		cf->nsources[fam] = 3;
	}
	for (i = 0; i < cf->nrecords; i++) {
		fam = cf->records[i].family;
		if ((size_t)cf->ip_quorum > cf->nsources[fam]) {
			bad(&ck, "ip_quorum: %d is more than the %zu %s sources",
			    cf->ip_quorum, cf->nsources[fam],
			    fam == FAM_V4 ? "ipv4" : "ipv6");
			break;
		}
	}
out:
	cJSON_Delete(root);
	return ck.nerr == 0 ? ST_OK : ST_CONFIG;
}

/*
 * A file that may not be trusted: what it is, then why, with the command
 * that fixes it (which names the file).
 */
static void
refuse(struct checker *ck, const char *what, const char *why)
{
	log_err("%s %s", what, why);
	ck->nerr++;
}

/* Notes a file in --check-config, when there is something to say. */
static void
note(const char *path, const struct stat *sb, enum file_role role,
    unsigned flags)
{
	char buf[512];

	if ((flags & CONFIG_NOTES) && files_note(path, sb, role, buf,
	    sizeof(buf)))
		log_out("note: %s", buf);
}

/*
 * A key file: the whole file, surrounding white space removed.  A key
 * holding a NUL byte (a binary file, or a key cut short) or white space
 * inside, or nothing but white space, is refused.
 */
static char *
read_key_file(struct checker *ck, const char *path, const char *what,
    unsigned flags)
{
	struct stat sb;
	const char *why;
	char *buf, *start, *end, *key = NULL, reason[512];
	size_t len;

	if ((buf = files_read(path, KEY_MAX_SIZE, &len, &sb, &why)) == NULL) {
		bad(ck, "%s: cannot read %s: %s", what, path, why);
		return NULL;
	}
	start = buf;
	end = buf + len;
	while (start < end && (*start == ' ' || *start == '\t' ||
	    *start == '\n' || *start == '\r'))
		start++;
	while (end > start && (end[-1] == ' ' || end[-1] == '\t' ||
	    end[-1] == '\n' || end[-1] == '\r'))
		end--;
	if (end == start)
		bad(ck, "%s: %s holds no key (it is empty or only white space)",
		    what, path);
	else if (memchr(start, '\0', (size_t)(end - start)) != NULL)
		bad(ck, "%s: %s holds a NUL byte; it must hold the key alone, "
		    "as text", what, path);
	else if (strcspn(start, "\r\n\t ") < (size_t)(end - start))
		bad(ck, "%s: %s must hold the key alone on one line", what,
		    path);
	else if (!files_trusted(path, &sb, FILE_KEY, geteuid(), reason,
	    sizeof(reason)))
		refuse(ck, what, reason);
	else {
		key = xstrndup(start, (size_t)(end - start));
		note(path, &sb, FILE_KEY, flags);
	}
	explicit_bzero(buf, len);
	free(buf);
	return key;
}

/*
 * The key from the first source present (CONTRACT.md 4): the service's
 * own systemd credential wins, so that a unit's LoadCredential= works
 * whatever the configuration names; then api_key, api_key_file and the
 * environment.
 */
static void
find_key(struct checker *ck, unsigned flags, struct config *cf)
{
	const char *dir, *env;
	char *path;

	if ((dir = getenv("CREDENTIALS_DIRECTORY")) != NULL && *dir != '\0') {
		path = xasprintf("%s/api_key", dir);
		if (access(path, F_OK) == 0) {
			freezero_str(cf->api_key);
			cf->api_key = read_key_file(ck, path,
			    "$CREDENTIALS_DIRECTORY/api_key", flags);
			free(cf->key_source);
			cf->key_source = xasprintf("credential %s", path);
			free(path);
			return;
		}
		free(path);
	}
	if (cf->api_key != NULL)
		return;		/* checked with the file that holds it */
	if (cf->api_key_file != NULL) {
		cf->api_key = read_key_file(ck, cf->api_key_file,
		    "api_key_file", flags);
		cf->key_source = xasprintf("api_key_file %s", cf->api_key_file);
		return;
	}
	if ((env = getenv("DDNSUPDATE_API_KEY")) != NULL) {
		if (*env == '\0' || strspn(env, " \t\r\n") == strlen(env)) {
			bad(ck, "$DDNSUPDATE_API_KEY holds no key");
			return;
		}
		cf->api_key = xstrdup(env);
		cf->key_source = xstrdup("environment DDNSUPDATE_API_KEY");
		/* wipe the environment's copy: /proc/PID/environ shows it */
		explicit_bzero((char *)env, strlen(env));
		return;
	}
	if (!(flags & CONFIG_NO_KEY))
		bad(ck, "no API key: set api_key_file (or api_key, "
		    "$CREDENTIALS_DIRECTORY/api_key, $DDNSUPDATE_API_KEY)");
}

enum status
config_load(const char *path, unsigned flags, struct config *cf)
{
	struct checker ck = { path, 0 };
	struct stat sb;
	enum file_role role;
	enum status st;
	const char *why;
	char *text, reason[512];
	size_t len;
	int fd;

	memset(cf, 0, sizeof(*cf));
	if ((text = files_read(path, CONFIG_MAX_SIZE, &len, &sb, &why)) ==
	    NULL) {
		log_err("cannot read configuration %s: %s%s", path,
		    strcmp(why, "too large") == 0 ? "larger than 1 MiB" : why,
		    errno == ENOENT ? "; see " CONFIG_EXAMPLE : "");
		return ST_CONFIG;
	}
	if ((st = config_parse(text, len, path, cf)) != ST_OK)
		goto out;
	role = cf->api_key != NULL ? FILE_CONFIG_KEY : FILE_CONFIG;
	if (!files_trusted(path, &sb, role, geteuid(), reason,
	    sizeof(reason)))
		refuse(&ck, "the configuration", reason);
	else if (cf->api_key != NULL)
		note(path, &sb, role, flags);
	if (!(flags & CONFIG_NO_KEY) || cf->api_key != NULL)
		find_key(&ck, flags, cf);
	if (cf->ca_file != NULL) {
		if ((fd = files_open(cf->ca_file, &sb, &why)) == -1)
			bad(&ck, "ca_file: cannot read %s: %s", cf->ca_file,
			    why);
		else {
			close(fd);
			if (!files_trusted(cf->ca_file, &sb, FILE_CA,
			    geteuid(), reason, sizeof(reason)))
				refuse(&ck, "ca_file", reason);
		}
	}
	log_secret(cf->api_key);
	st = ck.nerr == 0 ? ST_OK : ST_CONFIG;
out:
	explicit_bzero(text, len);
	free(text);
	return st;
}

void
config_dump(const struct config *cf)
{
	const struct record_conf *rc;
	char ttl[32];
	size_t i, j;
	int fam;

	if (!log_is_verbose())
		return;
	log_info("configuration %s (%s form):", cf->path,
	    cf->original_form ? "original script's" : "full");
	log_info("  username %s; API key from %s", cf->username,
	    cf->key_source != NULL ? cf->key_source : "(none)");
	log_info("  identity_url %s", cf->identity_url);
	log_info("  dns_url %s", cf->dns_url != NULL ? cf->dns_url :
	    "(from the service catalog)");
	log_info("  ca_file %s", cf->ca_file != NULL ? cf->ca_file :
	    "(the system store)");
	log_info("  timeout %ld s, job_timeout %ld s, verify_interval %ld s",
	    cf->timeout, cf->job_timeout, cf->verify_interval);
	log_info("  ip_quorum %d, allow_nonglobal %s, create_missing %s",
	    cf->ip_quorum, cf->allow_nonglobal ? "true" : "false",
	    cf->create_missing ? "true" : "false");
	if (cf->cache_file != NULL)
		log_info("  cache_file %s", cf->cache_file);
	if (cf->account_id != NULL)
		log_info("  account_id %s", cf->account_id);
	for (fam = 0; fam < FAM_COUNT; fam++)
		for (j = 0; j < cf->nsources[fam]; j++)
			log_info("  ip_sources.%s[%zu] %s",
			    fam == FAM_V4 ? "ipv4" : "ipv6", j,
			    cf->sources[fam][j].text);
	for (i = 0; i < cf->nrecords; i++) {
		rc = &cf->records[i];
		if (rc->ttl < 0)
			snprintf(ttl, sizeof(ttl), "(the live one)");
		else
			snprintf(ttl, sizeof(ttl), "%ld", rc->ttl);
		log_info("  records[%zu] %s %s ttl %s domain %s "
		    "domain_id %s record_id %s%s%s", i,
		    rc->name != NULL ? rc->name : "(from the API)",
		    family_rtype(rc->family), ttl,
		    rc->domain != NULL ? rc->domain : "(discover)",
		    rc->domain_id != NULL ? rc->domain_id : "(look up)",
		    rc->record_id != NULL ? rc->record_id : "(look up)",
		    rc->comment != NULL ? " comment " : "",
		    rc->comment != NULL ? rc->comment : "");
	}
}

void
config_free(struct config *cf)
{
	struct record_conf *rc;
	size_t i;
	int fam;

	if (cf == NULL)
		return;
	for (i = 0; i < cf->nrecords; i++) {
		rc = &cf->records[i];
		free(rc->name);
		free(rc->domain);
		free(rc->domain_id);
		free(rc->record_id);
		free(rc->comment);
	}
	free(cf->records);
	for (fam = 0; fam < FAM_COUNT; fam++) {
		for (i = 0; i < cf->nsources[fam]; i++)
			ipdetect_source_free(&cf->sources[fam][i]);
		free(cf->sources[fam]);
	}
	free(cf->path);
	free(cf->username);
	freezero_str(cf->api_key);
	free(cf->key_source);
	free(cf->api_key_file);
	free(cf->identity_url);
	free(cf->dns_url);
	free(cf->ping_url);
	free(cf->ca_file);
	free(cf->cache_file);
	free(cf->account_id);
	memset(cf, 0, sizeof(*cf));
}
