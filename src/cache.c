/*
 * cache.c
 * The state file: load, tolerate the original script's form, atomic save, lock.
 * SPDX-License-Identifier: ISC
 *
 * The state is a small JSON document owned by the program:
 *
 *   {"version": 1, "ip": "81.2.69.160",
 *    "auth": {"username", "token", "expires", "tenant", "dns_url"},
 *    "backoff_until": "2026-11-25T21:00:00Z",
 *    "detect": {"ipv4": {"failing_since", "failures"}, "ipv6": {...}},
 *    "records": [{"name", "type", "zone", "domain_id", "record_id",
 *                 "data", "ttl", "changed", "verified",
 *                 "failing_since", "failures"}],
 *    "reported": [{"line", "when"}]}
 *
 * "ip" and "auth" keep the names of the original script's cache, which
 * had only {"ip": ..., "auth": {"token": ..., "expires": ...}}: such a file
 * is read as a state without DNS endpoint or records (a file without
 * "version" is taken to be of that form).  Times are ISO 8601 in UTC.
 *
 * Only what the program itself wrote is believed (CONTRACT.md 5):
 * files.c decides whether the file may be trusted, and times in it are
 * checked against the clock, since a clock that ran fast once (a Raspberry
 * Pi without a real-time clock) must not freeze the program for days.
 *
 * Saving never tears the file: the new text goes to a temporary file in
 * the same directory (mkstemp, so mode 0600, with a name no user file
 * would have), which is fsynced and renamed over the old one; then the
 * directory is fsynced so that the rename itself survives a power cut.  A
 * crash at any moment leaves the old or the new file.  Nothing is written
 * when the state did not change, so a run with nothing to do leaves the
 * file as it was.  The run's lock is a separate file, path + ".lock", so
 * that the rename does not swap the lock away from under a waiting run.
 * A run as root keeps both owned by whoever owned them, so that
 * "sudo ddnsupdate -v" never locks the service's own user out.
 */

#include <sys/file.h>
#include <sys/stat.h>

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "cache.h"
#include "files.h"
#include "log.h"

#define STATE_VERSION	1
#define STATE_MAX_SIZE	(1024 * 1024)
#define TMP_MARK	".ddnsupdate-tmp-"	/* path + this + 6 characters */
#define LOCK_POLL_MS	100

/*
 * The owner root should give a file it makes at path: the owner of the
 * file there, else of its directory.  0 when it need not change.
 */
static int
owner_for(const char *path, uid_t *uid, gid_t *gid)
{
	struct stat sb;
	char *copy;
	int found;

	if (geteuid() != 0)
		return 0;
	if (stat(path, &sb) == 0)
		found = 1;
	else {
		copy = xstrdup(path);
		found = stat(dirname(copy), &sb) == 0;
		free(copy);
	}
	if (!found || (sb.st_uid == 0 && sb.st_gid == 0))
		return 0;
	*uid = sb.st_uid;
	*gid = sb.st_gid;
	return 1;
}

static void
sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

enum status
cache_lock(const char *path, long wait, int *fdp)
{
	struct stat sb;
	char *lock;
	long waited = 0;
	uid_t uid;
	gid_t gid;
	int fd, created = 1, rc;

	*fdp = -1;
	lock = xasprintf("%s.lock", path);
	fd = open(lock, O_RDWR | O_CREAT | O_EXCL | O_NONBLOCK | O_NOFOLLOW |
	    O_CLOEXEC, 0600);
	if (fd == -1 && errno == EEXIST) {
		created = 0;
		fd = open(lock, O_RDWR | O_NONBLOCK | O_NOFOLLOW | O_CLOEXEC);
	}
	if (fd == -1) {
		log_err("cannot create lock file %s: %s; the state directory "
		    "must exist and be writable by this user", lock,
		    strerror(errno));
		free(lock);
		return ST_CANTCREAT;
	}
	if (fstat(fd, &sb) == -1 || !S_ISREG(sb.st_mode)) {
		log_err("lock file %s is not a regular file; remove it", lock);
		goto fail;
	}
	if (created && owner_for(path, &uid, &gid) && fchown(fd, uid, gid))
		log_warn("cannot give lock file %s to uid %lu: %s", lock,
		    (unsigned long)uid, strerror(errno));
	while ((rc = flock(fd, LOCK_EX | LOCK_NB)) == -1 &&
	    errno == EWOULDBLOCK && waited < wait * 1000) {
		sleep_ms(LOCK_POLL_MS);
		waited += LOCK_POLL_MS;
	}
	if (rc == -1) {
		if (errno == EWOULDBLOCK) {
			if (wait > 0)
				log_err("another ddnsupdate run still holds %s "
				    "after %ld s; this run stops without doing "
				    "anything", lock, wait);
			else
				log_err("another ddnsupdate run holds %s; this "
				    "run stops without doing anything", lock);
			close(fd);
			free(lock);
			return ST_TEMPFAIL;
		}
		log_err("cannot lock %s: %s", lock, strerror(errno));
		goto fail;
	}
	free(lock);
	*fdp = fd;
	return ST_OK;
fail:
	close(fd);
	free(lock);
	return ST_CANTCREAT;
}

enum status
cache_check_dir(const char *path)
{
	char *copy;
	const char *dir;
	enum status st = ST_OK;

	copy = xstrdup(path);
	dir = dirname(copy);
	if (faccessat(AT_FDCWD, dir, W_OK | X_OK, AT_EACCESS) == -1) {
		log_err("cannot write the state file's directory %s: %s; "
		    "create it for this user (or set cache_file)", dir,
		    strerror(errno));
		st = ST_CANTCREAT;
	}
	free(copy);
	return st;
}

void
cache_unlock(int fd)
{
	if (fd != -1)
		close(fd);	/* releases the flock */
}

/* A copy of an optional string member; -1 when present but not a string. */
static int
opt_string(const cJSON *obj, const char *key, char **out)
{
	const cJSON *it;

	*out = NULL;
	if ((it = cJSON_GetObjectItemCaseSensitive(obj, key)) == NULL ||
	    cJSON_IsNull(it))
		return 0;
	if (!cJSON_IsString(it))
		return -1;
	*out = xstrdup(it->valuestring);
	return 0;
}

/* An optional time member; -1 when present but not a date. */
static int
opt_time(const cJSON *obj, const char *key, time_t *out)
{
	const cJSON *it;

	*out = 0;
	if ((it = cJSON_GetObjectItemCaseSensitive(obj, key)) == NULL ||
	    cJSON_IsNull(it))
		return 0;
	if (!cJSON_IsString(it) || iso8601_parse(it->valuestring, out) == -1)
		return -1;
	return 0;
}

/* An optional count of at least 0; -1 when present but not one. */
static int
opt_count(const cJSON *obj, const char *key, long *out)
{
	const cJSON *it;

	*out = 0;
	if ((it = cJSON_GetObjectItemCaseSensitive(obj, key)) == NULL)
		return 0;
	if (!cJSON_IsNumber(it) || it->valuedouble < 0 ||
	    it->valuedouble > 2147483647.0)
		return -1;
	*out = (long)it->valuedouble;
	return 0;
}

/* "failing_since" and "failures" of obj. */
static int
opt_failure(const cJSON *obj, struct failure *f)
{
	if (opt_time(obj, "failing_since", &f->since) == -1 ||
	    opt_count(obj, "failures", &f->runs) == -1)
		return -1;
	if (f->since == 0)
		f->runs = 0;
	return 0;
}

/* "reported": [{"line", "when"}] */
static int
parse_reported(const cJSON *list, struct state *st)
{
	const cJSON *it;
	struct reported *r;

	if (list == NULL)
		return 0;
	if (!cJSON_IsArray(list))
		return -1;
	st->reported = xcalloc((size_t)cJSON_GetArraySize(list),
	    sizeof(*st->reported));
	cJSON_ArrayForEach(it, list) {
		r = &st->reported[st->nreported];
		if (!cJSON_IsObject(it) || opt_string(it, "line", &r->line) ==
		    -1 || r->line == NULL || opt_time(it, "when", &r->when) ==
		    -1) {
			free(r->line);
			return -1;
		}
		st->nreported++;
	}
	return 0;
}

static int
parse_record(const cJSON *obj, struct record_state *rs)
{
	char *type = NULL;
	int rc = -1;

	if (!cJSON_IsObject(obj))
		return -1;
	if (opt_string(obj, "name", &rs->name) == -1 ||
	    opt_string(obj, "type", &type) == -1 || type == NULL ||
	    opt_string(obj, "zone", &rs->zone) == -1 ||
	    opt_string(obj, "domain_id", &rs->domain_id) == -1 ||
	    opt_string(obj, "record_id", &rs->record_id) == -1 ||
	    opt_string(obj, "data", &rs->data) == -1 ||
	    opt_time(obj, "changed", &rs->changed) == -1 ||
	    opt_time(obj, "verified", &rs->verified) == -1 ||
	    opt_failure(obj, &rs->failure) == -1)
		goto out;
	if (strcmp(type, "A") == 0)
		rs->family = FAM_V4;
	else if (strcmp(type, "AAAA") == 0)
		rs->family = FAM_V6;
	else
		goto out;
	if (opt_count(obj, "ttl", &rs->ttl) == -1)
		goto out;
	if (rs->name == NULL && rs->record_id == NULL)
		goto out;
	rc = 0;
out:
	free(type);
	return rc;
}

enum status
cache_parse(const char *text, size_t len, struct state *st, const char **why)
{
	cJSON *root;
	const cJSON *auth, *recs, *detect, *it;
	size_t n;

	memset(st, 0, sizeof(*st));
	*why = NULL;
	if (memchr(text, '\0', len) != NULL) {
		*why = "binary, not JSON";
		return ST_PROTOCOL;
	}
	if ((root = cJSON_ParseWithLength(text, len)) == NULL) {
		*why = len == 0 ? "empty" : "not valid JSON";
		return ST_PROTOCOL;
	}
	if (!cJSON_IsObject(root)) {
		*why = "not a JSON object";
		goto bad;
	}
	it = cJSON_GetObjectItemCaseSensitive(root, "version");
	if (it != NULL && (!cJSON_IsNumber(it) ||
	    it->valueint != STATE_VERSION)) {
		*why = "of an unknown version";
		goto bad;
	}
	*why = "of the wrong shape";
	if (opt_string(root, "ip", &st->ip) == -1 ||
	    opt_time(root, "backoff_until", &st->backoff_until) == -1)
		goto bad;
	if ((auth = cJSON_GetObjectItemCaseSensitive(root, "auth")) != NULL &&
	    !cJSON_IsNull(auth)) {
		if (!cJSON_IsObject(auth) ||
		    opt_string(auth, "username", &st->username) == -1 ||
		    opt_string(auth, "token", &st->token) == -1 ||
		    opt_string(auth, "tenant", &st->tenant) == -1 ||
		    opt_string(auth, "dns_url", &st->dns_url) == -1)
			goto bad;
		/* The original script's expiry may be in any ISO form; one
		 * that does not parse only means a fresh token. */
		if (opt_time(auth, "expires", &st->expires) == -1)
			st->expires = 0;
	}
	detect = cJSON_GetObjectItemCaseSensitive(root, "detect");
	if (detect != NULL && (!cJSON_IsObject(detect) ||
	    opt_failure(cJSON_GetObjectItemCaseSensitive(detect, "ipv4"),
	    &st->detect[FAM_V4]) == -1 ||
	    opt_failure(cJSON_GetObjectItemCaseSensitive(detect, "ipv6"),
	    &st->detect[FAM_V6]) == -1))
		goto bad;
	if (parse_reported(cJSON_GetObjectItemCaseSensitive(root, "reported"),
	    st) == -1)
		goto bad;
	recs = cJSON_GetObjectItemCaseSensitive(root, "records");
	if (recs != NULL) {
		if (!cJSON_IsArray(recs))
			goto bad;
		n = (size_t)cJSON_GetArraySize(recs);
		st->recs = xcalloc(n, sizeof(*st->recs));
		cJSON_ArrayForEach(it, recs) {
			if (parse_record(it, &st->recs[st->nrecs++]) == -1)
				goto bad;
		}
	}
	cJSON_Delete(root);
	*why = NULL;
	return ST_OK;
bad:
	cJSON_Delete(root);
	state_free(st);
	return ST_PROTOCOL;
}

/*
 * Times in the state are not believed past reason (CONTRACT.md 5): a
 * clock that ran fast when they were written must not stop the program
 * until it catches up.
 */
static void
check_times(struct state *st, time_t now)
{
	struct record_state *rs;
	size_t i;

	if (st->backoff_until > now + RATE_LIMIT_MAX_WAIT) {
		log_info("the saved rate-limit wait ends more than %d s from "
		    "now; cut to %d s", RATE_LIMIT_MAX_WAIT,
		    RATE_LIMIT_MAX_WAIT);
		st->backoff_until = now + RATE_LIMIT_MAX_WAIT;
	}
	for (i = 0; i < st->nrecs; i++) {
		rs = &st->recs[i];
		if (rs->verified > now || rs->changed > now) {
			log_info("%s %s: verified or changed in the future; "
			    "due for verification", rs->name != NULL ?
			    rs->name : rs->record_id, family_rtype(rs->family));
			rs->verified = 0;
			if (rs->changed > now)
				rs->changed = now;
		}
	}
}

enum status
cache_load(const char *path, time_t now, struct state *st)
{
	struct stat sb;
	const char *why;
	char *buf, reason[256];
	size_t len;

	memset(st, 0, sizeof(*st));
	if ((buf = files_read(path, STATE_MAX_SIZE, &len, &sb, &why)) ==
	    NULL) {
		if (errno == ENOENT && strcmp(why, strerror(ENOENT)) == 0)
			log_info("no state file %s: a first run", path);
		else
			log_warn("cannot read state file %s: %s; starting as a "
			    "first run", path, why);
		return ST_OK;
	}
	if (!files_trusted(path, &sb, FILE_STATE, geteuid(), reason,
	    sizeof(reason))) {
		log_warn("state file %s %s; not believing it, starting as a "
		    "first run", path, reason);
		goto out;
	}
	if (cache_parse(buf, len, st, &why) != ST_OK) {
		log_warn("state file %s is %s; starting as a first run, it "
		    "will be rewritten", path, why);
		goto out;
	}
	log_secret(st->token);
	check_times(st, now);
	st->loaded = buf;
	return ST_OK;
out:
	explicit_bzero(buf, len);
	free(buf);
	return ST_OK;
}

static void
add_string(cJSON *obj, const char *key, const char *val)
{
	if (val != NULL)
		cJSON_AddStringToObject(obj, key, val);
}

/*
 * An integer, as text: cJSON prints every number with "%1.15g" and reads
 * it back with sscanf to check it, which maps libc's floating-point
 * printing and scanning into every run for a "300" (the text is the same).
 */
static void
add_integer(cJSON *obj, const char *key, long v)
{
	char buf[32];

	snprintf(buf, sizeof(buf), "%ld", v);
	cJSON_AddRawToObject(obj, key, buf);
}

static void
add_time(cJSON *obj, const char *key, time_t t)
{
	char buf[32];

	if (t == 0)
		return;
	iso8601_format(t, buf, sizeof(buf));
	cJSON_AddStringToObject(obj, key, buf);
}

static void
add_failure(cJSON *obj, const struct failure *f)
{
	if (f->since == 0)
		return;
	add_time(obj, "failing_since", f->since);
	add_integer(obj, "failures", f->runs);
}

/* The state as the file's text, newline included; caller wipes, frees. */
static char *
render(const struct state *st)
{
	const struct record_state *rs;
	cJSON *root, *auth, *recs, *r, *list;
	char *json, *text;
	size_t i;
	int fam;

	root = cJSON_CreateObject();
	add_integer(root, "version", STATE_VERSION);
	add_string(root, "ip", st->ip);
	if (st->token != NULL || st->dns_url != NULL || st->tenant != NULL) {
		auth = cJSON_AddObjectToObject(root, "auth");
		add_string(auth, "username", st->username);
		add_string(auth, "token", st->token);
		add_time(auth, "expires", st->expires);
		add_string(auth, "tenant", st->tenant);
		add_string(auth, "dns_url", st->dns_url);
	}
	add_time(root, "backoff_until", st->backoff_until);
	if (st->detect[FAM_V4].since != 0 || st->detect[FAM_V6].since != 0) {
		list = cJSON_AddObjectToObject(root, "detect");
		for (fam = 0; fam < FAM_COUNT; fam++)
			if (st->detect[fam].since != 0)
				add_failure(cJSON_AddObjectToObject(list,
				    fam == FAM_V4 ? "ipv4" : "ipv6"),
				    &st->detect[fam]);
	}
	recs = cJSON_AddArrayToObject(root, "records");
	for (i = 0; i < st->nrecs; i++) {
		rs = &st->recs[i];
		r = cJSON_CreateObject();
		add_string(r, "name", rs->name);
		add_string(r, "type", family_rtype(rs->family));
		add_string(r, "zone", rs->zone);
		add_string(r, "domain_id", rs->domain_id);
		add_string(r, "record_id", rs->record_id);
		add_string(r, "data", rs->data);
		if (rs->ttl > 0)
			add_integer(r, "ttl", rs->ttl);
		add_time(r, "changed", rs->changed);
		add_time(r, "verified", rs->verified);
		add_failure(r, &rs->failure);
		cJSON_AddItemToArray(recs, r);
	}
	if (st->nreported > 0) {
		list = cJSON_AddArrayToObject(root, "reported");
		for (i = 0; i < st->nreported; i++) {
			r = cJSON_CreateObject();
			add_string(r, "line", st->reported[i].line);
			add_time(r, "when", st->reported[i].when);
			cJSON_AddItemToArray(list, r);
		}
	}
	json = xnonnull(cJSON_Print(root));
	cJSON_Delete(root);
	text = xasprintf("%s\n", json);
	explicit_bzero(json, strlen(json));
	cJSON_free(json);
	return text;
}

/*
 * Removes temporary files that a run killed in the middle of a save left
 * beside path: path + TMP_MARK + six mkstemp characters, a name that no
 * user file has.  The caller holds the lock, so no other run is writing
 * one.
 */
static void
remove_stale(const char *path)
{
	struct dirent *de;
	char *dircopy, *basecopy, *prefix;
	const char *rest;
	size_t plen, i;
	DIR *dir;

	dircopy = xstrdup(path);
	basecopy = xstrdup(path);
	prefix = xasprintf("%s" TMP_MARK, basename(basecopy));
	plen = strlen(prefix);
	if ((dir = opendir(dirname(dircopy))) != NULL) {
		while ((de = readdir(dir)) != NULL) {
			if (strncmp(de->d_name, prefix, plen) != 0 ||
			    de->d_type != DT_REG)
				continue;
			rest = de->d_name + plen;
			for (i = 0; i < 6; i++)
				if (!isalnum((unsigned char)rest[i]))
					break;
			if (i == 6 && rest[6] == '\0' &&
			    unlinkat(dirfd(dir), de->d_name, 0) == 0)
				log_info("removed %s, left by a run that was "
				    "killed while saving", de->d_name);
		}
		closedir(dir);
	}
	free(dircopy);
	free(basecopy);
	free(prefix);
}

static int
write_all(int fd, const char *buf, size_t len)
{
	ssize_t n;

	while (len > 0) {
		if ((n = write(fd, buf, len)) == -1) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

enum status
cache_save(const char *path, struct state *st)
{
	char *text, *tmp, *dircopy;
	const char *what;
	size_t len;
	uid_t uid;
	gid_t gid;
	int fd, dfd, saved;

	text = render(st);
	len = strlen(text);
	if (st->loaded != NULL && strcmp(text, st->loaded) == 0) {
		freezero_str(text);
		return ST_OK;	/* nothing new: leave the file alone */
	}
	remove_stale(path);
	tmp = xasprintf("%s" TMP_MARK "XXXXXX", path);
	dircopy = xstrdup(path);
	what = "create a temporary file beside";
	if ((fd = mkostemp(tmp, O_CLOEXEC)) == -1)
		goto fail;
	what = "write";
	if (fchmod(fd, 0600) == -1 || (owner_for(path, &uid, &gid) &&
	    fchown(fd, uid, gid) == -1) || write_all(fd, text, len) == -1 ||
	    fsync(fd) == -1) {
		saved = errno;
		close(fd);
		unlink(tmp);
		errno = saved;
		goto fail;
	}
	if (close(fd) == -1 || rename(tmp, path) == -1) {
		saved = errno;
		unlink(tmp);
		errno = saved;
		what = "replace";
		goto fail;
	}
	/* The rename is done; make it durable.  A failure here cannot undo
	 * it, so it is only a warning. */
	if ((dfd = open(dirname(dircopy), O_RDONLY | O_DIRECTORY |
	    O_CLOEXEC)) == -1 || fsync(dfd) == -1)
		log_warn("cannot sync the directory of %s: %s", path,
		    strerror(errno));
	if (dfd != -1)
		close(dfd);
	log_info("state written to %s", path);
	freezero_str(st->loaded);
	st->loaded = text;	/* what the file holds now */
	free(tmp);
	free(dircopy);
	return ST_OK;
fail:
	log_err("cannot %s state file %s: %s", what, path, strerror(errno));
	freezero_str(text);
	free(tmp);
	free(dircopy);
	return ST_CANTCREAT;
}

struct record_state *
cache_record_find(struct state *st, const struct record_conf *rc)
{
	struct record_state *rs;
	size_t i;

	for (i = 0; i < st->nrecs; i++) {
		rs = &st->recs[i];
		if (rs->family != rc->family)
			continue;
		if (rc->name != NULL ? streq(rs->name, rc->name) :
		    (rc->record_id != NULL && streq(rs->record_id,
		    rc->record_id)))
			return rs;
	}
	return NULL;
}

struct record_state *
cache_record_add(struct state *st, const struct record_conf *rc)
{
	struct record_state *rs;

	st->recs = xrealloc(st->recs, st->nrecs + 1, sizeof(*st->recs));
	rs = &st->recs[st->nrecs++];
	memset(rs, 0, sizeof(*rs));
	rs->family = rc->family;
	if (rc->name != NULL)
		rs->name = xstrdup(rc->name);
	return rs;
}

void
cache_forget_token(struct state *st)
{
	freezero_str(st->token);
	st->token = NULL;
	st->expires = 0;
}

static void
record_state_free(struct record_state *rs)
{
	free(rs->name);
	free(rs->zone);
	free(rs->domain_id);
	free(rs->record_id);
	free(rs->data);
}

void
state_free(struct state *st)
{
	size_t i;

	if (st == NULL)
		return;
	for (i = 0; i < st->nrecs; i++)
		record_state_free(&st->recs[i]);
	free(st->recs);
	free(st->username);
	freezero_str(st->token);
	free(st->tenant);
	free(st->dns_url);
	free(st->ip);
	for (i = 0; i < st->nreported; i++)
		free(st->reported[i].line);
	free(st->reported);
	freezero_str(st->loaded);
	memset(st, 0, sizeof(*st));
}
