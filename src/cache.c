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
 *    "records": [{"name", "type", "zone", "domain_id", "record_id",
 *                 "data", "ttl", "verified"}]}
 *
 * "ip" and "auth" keep the names of the original script's cache, which
 * had only {"ip": ..., "auth": {"token": ..., "expires": ...}}: such a file
 * is read as a state without DNS endpoint or records (a file without
 * "version" is taken to be of that form).  Times are ISO 8601 in UTC.
 *
 * Saving never tears the file: the new text goes to a temporary file in
 * the same directory (mkstemp, so mode 0600), which is fsynced and renamed
 * over the old one; then the directory is fsynced so that the rename itself
 * survives a power cut.  A crash at any moment leaves the old or the new
 * file.  The run's lock is a separate file, path + ".lock", so that the
 * rename does not swap the lock away from under a waiting run.
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
#include "log.h"

#define STATE_VERSION	1
#define STATE_MAX_SIZE	(1024 * 1024)

enum status
cache_lock(const char *path, int *fdp)
{
	char *lock;
	int fd;

	*fdp = -1;
	lock = xasprintf("%s.lock", path);
	fd = open(lock, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd == -1) {
		log_err("cannot create lock file %s: %s", lock,
		    strerror(errno));
		free(lock);
		return ST_CANTCREAT;
	}
	if (flock(fd, LOCK_EX | LOCK_NB) == -1) {
		if (errno == EWOULDBLOCK)
			log_err("another ddnsupdate run holds %s; this run "
			    "stops without doing anything", lock);
		else
			log_err("cannot lock %s: %s", lock, strerror(errno));
		close(fd);
		free(lock);
		return errno == EWOULDBLOCK ? ST_TEMPFAIL : ST_CANTCREAT;
	}
	free(lock);
	*fdp = fd;
	return ST_OK;
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

static int
parse_record(const cJSON *obj, struct record_state *rs)
{
	const cJSON *it;
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
	    opt_time(obj, "verified", &rs->verified) == -1)
		goto out;
	if (strcmp(type, "A") == 0)
		rs->family = FAM_V4;
	else if (strcmp(type, "AAAA") == 0)
		rs->family = FAM_V6;
	else
		goto out;
	if ((it = cJSON_GetObjectItemCaseSensitive(obj, "ttl")) != NULL) {
		if (!cJSON_IsNumber(it) || it->valuedouble < 0 ||
		    it->valuedouble > 2147483647.0)
			goto out;
		rs->ttl = (long)it->valuedouble;
	}
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
	const cJSON *auth, *recs, *it;
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

enum status
cache_load(const char *path, struct state *st)
{
	struct stat sb;
	const char *why;
	char *buf;
	ssize_t n;
	size_t len = 0;
	int fd;

	memset(st, 0, sizeof(*st));
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1) {
		if (errno == ENOENT) {
			log_info("no state file %s: a first run", path);
			return ST_OK;
		}
		log_warn("cannot read state file %s: %s; starting as a first "
		    "run", path, strerror(errno));
		return ST_OK;
	}
	if (fstat(fd, &sb) == -1 || !S_ISREG(sb.st_mode) ||
	    sb.st_size > STATE_MAX_SIZE) {
		log_warn("state file %s is not a regular file of at most 1 MiB; "
		    "starting as a first run", path);
		close(fd);
		return ST_OK;
	}
	buf = xmalloc((size_t)sb.st_size + 1);
	while (len < (size_t)sb.st_size &&
	    (n = read(fd, buf + len, (size_t)sb.st_size - len)) > 0)
		len += (size_t)n;
	close(fd);
	if (cache_parse(buf, len, st, &why) != ST_OK)
		log_warn("state file %s is %s; starting as a first run, it "
		    "will be rewritten", path, why);
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

static void
add_time(cJSON *obj, const char *key, time_t t)
{
	char buf[32];

	if (t == 0)
		return;
	iso8601_format(t, buf, sizeof(buf));
	cJSON_AddStringToObject(obj, key, buf);
}

/* The state as text; caller wipes and frees. */
static char *
render(const struct state *st)
{
	const struct record_state *rs;
	cJSON *root, *auth, *recs, *r;
	char *text;
	size_t i;

	root = cJSON_CreateObject();
	cJSON_AddNumberToObject(root, "version", STATE_VERSION);
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
			cJSON_AddNumberToObject(r, "ttl", (double)rs->ttl);
		add_time(r, "verified", rs->verified);
		cJSON_AddItemToArray(recs, r);
	}
	text = cJSON_Print(root);
	cJSON_Delete(root);
	if (text == NULL) {
		fputs("ddnsupdate: out of memory\n", stderr);
		exit(ST_TEMPFAIL);
	}
	return text;
}

/*
 * Removes temporary files that a run killed in the middle of a save left
 * beside path (path + "." + six mkstemp characters).  The caller holds the
 * lock, so no other run is writing one.
 */
static void
remove_stale(const char *path)
{
	struct dirent *de;
	char *dircopy, *basecopy;
	const char *base, *rest;
	size_t blen, i;
	DIR *dir;

	dircopy = xstrdup(path);
	basecopy = xstrdup(path);
	base = basename(basecopy);
	blen = strlen(base);
	if ((dir = opendir(dirname(dircopy))) != NULL) {
		while ((de = readdir(dir)) != NULL) {
			if (strncmp(de->d_name, base, blen) != 0 ||
			    de->d_name[blen] != '.')
				continue;
			rest = de->d_name + blen + 1;
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
cache_save(const char *path, const struct state *st)
{
	char *text, *tmp, *dircopy;
	const char *what;
	size_t len;
	int fd, dfd, saved;

	remove_stale(path);
	text = render(st);
	len = strlen(text);
	tmp = xasprintf("%s.XXXXXX", path);
	dircopy = xstrdup(path);
	what = "create a temporary file beside";
	if ((fd = mkostemp(tmp, O_CLOEXEC)) == -1)
		goto fail;
	what = "write";
	if (fchmod(fd, 0600) == -1 || write_all(fd, text, len) == -1 ||
	    write_all(fd, "\n", 1) == -1 || fsync(fd) == -1) {
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
	explicit_bzero(text, len);
	free(text);
	free(tmp);
	free(dircopy);
	return ST_OK;
fail:
	log_err("cannot %s state file %s: %s", what, path, strerror(errno));
	explicit_bzero(text, len);
	free(text);
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
	memset(st, 0, sizeof(*st));
}
