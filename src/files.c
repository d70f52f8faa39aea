/*
 * files.c
 * Reading the files the program is given, and whether each may be trusted.
 * SPDX-License-Identifier: ISC
 *
 * Every file the program reads (the configuration, the key file, the
 * systemd credential, ca_file, the state file) is opened here: without
 * blocking, so that a FIFO put in its place cannot hang a run (and, at the
 * state path, hold the lock for ever), and only when it is a regular file
 * (CONTRACT.md 4).
 *
 * Whether a file may be believed is decided here too, by its role.  The
 * configuration says where the key is sent (identity_url), so whoever may
 * write it could send the key elsewhere: group or "other" write access is
 * refused, like for ca_file, which decides whom TLS trusts.  A file that
 * holds the key must not be open to "other" at all; its group may read it
 * (root:ddnsupdate 0640 is the usual Debian way, and systemd hands
 * credentials over group-readable).  The state file says what is
 * published and where tokens go, so only what the program itself wrote is
 * believed (CONTRACT.md 5): not writable by group or others, and owned by
 * the running user or root, or by anyone when root runs (root trusts the
 * state it was pointed at).
 */

#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ddnsupdate.h"
#include "files.h"

static const char *
kind_of(mode_t mode)
{
	if (S_ISDIR(mode))
		return "a directory, not a regular file";
	if (S_ISFIFO(mode))
		return "a FIFO, not a regular file";
	if (S_ISCHR(mode) || S_ISBLK(mode))
		return "a device, not a regular file";
	if (S_ISSOCK(mode))
		return "a socket, not a regular file";
	return "not a regular file";
}

int
files_open(const char *path, struct stat *sb, const char **why)
{
	int fd, saved;

	fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	if (fd == -1) {
		*why = strerror(errno);
		return -1;
	}
	if (fstat(fd, sb) == -1) {
		saved = errno;
		close(fd);
		*why = strerror(saved);
		return -1;
	}
	if (!S_ISREG(sb->st_mode)) {
		close(fd);
		*why = kind_of(sb->st_mode);
		return -1;
	}
	return fd;
}

char *
files_read(const char *path, size_t max, size_t *len, struct stat *sb,
    const char **why)
{
	char *buf, *nb;
	ssize_t n;
	size_t got = 0, cap;
	int fd;

	if ((fd = files_open(path, sb, why)) == -1)
		return NULL;
	if (sb->st_size < 0 || (size_t)sb->st_size > max) {
		close(fd);
		*why = "too large";
		return NULL;
	}
	/* room for what fstat says, and one byte more to tell a file that
	 * grew: then for up to max + 1 (the old copy wiped, like the file) */
	cap = (size_t)sb->st_size + 2;
	buf = xmalloc(cap);
	while (got <= max) {
		if (got == cap - 1) {
			nb = xmalloc(cap * 2 < max + 2 ? cap * 2 : max + 2);
			memcpy(nb, buf, got);
			explicit_bzero(buf, got);
			free(buf);
			buf = nb;
			cap = cap * 2 < max + 2 ? cap * 2 : max + 2;
		}
		if ((n = read(fd, buf + got, cap - 1 - got)) == 0)
			break;
		if (n == -1) {
			if (errno == EINTR)
				continue;
			*why = strerror(errno);
			explicit_bzero(buf, got);
			free(buf);
			close(fd);
			return NULL;
		}
		got += (size_t)n;
	}
	close(fd);
	if (got > max) {
		explicit_bzero(buf, got);
		free(buf);
		*why = "too large";
		return NULL;
	}
	buf[got] = '\0';
	*len = got;
	return buf;
}

bool
files_trusted(const char *path, const struct stat *sb, enum file_role role,
    uid_t uid, char *why, size_t len)
{
	mode_t m = sb->st_mode;

	switch (role) {
	case FILE_CONFIG_KEY:
	case FILE_KEY:
		if (m & (S_IROTH | S_IWOTH)) {
			snprintf(why, len, "holds the API key and is %s by "
			    "others; run: chmod o-rwx %s", (m & S_IROTH) ?
			    "readable" : "writable", path);
			return false;
		}
		if (role == FILE_KEY)
			return true;
		/* FALLTHROUGH */
	case FILE_CONFIG:
	case FILE_CA:
		if (m & (S_IWGRP | S_IWOTH)) {
			snprintf(why, len, "may be written by %s, who could "
			    "then %s; run: chmod go-w %s",
			    (m & S_IWOTH) ? "others" : "its group",
			    role == FILE_CA ? "make TLS trust any server" :
			    "send the API key elsewhere", path);
			return false;
		}
		return true;
	case FILE_STATE:
		if (m & (S_IWGRP | S_IWOTH)) {
			snprintf(why, len, "may be written by %s",
			    (m & S_IWOTH) ? "others" : "its group");
			return false;
		}
		if (uid != 0 && sb->st_uid != uid && sb->st_uid != 0) {
			snprintf(why, len, "is owned by uid %lu, neither this "
			    "user (uid %lu) nor root", (unsigned long)sb->st_uid,
			    (unsigned long)uid);
			return false;
		}
		return true;
	}
	return false;
}

bool
files_note(const char *path, const struct stat *sb, enum file_role role,
    char *buf, size_t len)
{
	if ((role == FILE_KEY || role == FILE_CONFIG_KEY) &&
	    (sb->st_mode & S_IRGRP)) {
		snprintf(buf, len, "%s holds the API key and is readable by "
		    "its group (gid %lu): fine when that group is only the "
		    "user that runs ddnsupdate", path,
		    (unsigned long)sb->st_gid);
		return true;
	}
	return false;
}
