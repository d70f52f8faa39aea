/*
 * files.h
 * Reading the files the program is given, and whether each may be trusted.
 * SPDX-License-Identifier: ISC
 */

#ifndef FILES_H
#define FILES_H

#include <sys/stat.h>

#include <stdbool.h>
#include <stddef.h>

/* What a file is to the program; each role has its own trust rule. */
enum file_role {
	FILE_CONFIG,		/* the configuration */
	FILE_CONFIG_KEY,	/* the configuration, holding "api_key" */
	FILE_KEY,		/* api_key_file or the systemd credential */
	FILE_CA,		/* ca_file */
	FILE_STATE,		/* the state file */
};

/*
 * Opens path for reading without blocking, so that a FIFO or a device
 * never stalls the run, and only when it is a regular file.  Fills *sb.
 * Returns the descriptor (close-on-exec), or -1 with *why set to a static
 * description ("no such file", "a FIFO, not a regular file", ...).
 */
int		 files_open(const char *path, struct stat *sb,
		    const char **why);

/*
 * Reads the whole regular file at path, at most max bytes, into a new
 * NUL-terminated buffer (caller frees; wipe it if it may hold a secret)
 * and its length into *len; *sb as files_open.  Returns NULL with *why set
 * when it cannot (including a file larger than max).  A NUL byte inside is
 * kept: *len, not strlen, is the length.
 */
char		*files_read(const char *path, size_t max, size_t *len,
		    struct stat *sb, const char **why);

/*
 * The one place that decides whether a file may be trusted in its role
 * (CONTRACT.md 4, 5).  Returns true when it may; false with the reason,
 * and the command that fixes it where there is one, in why (one line, no
 * trailing period), e.g. "is readable by others and holds the API key;
 * run: chmod o-rwx /etc/ddnsupdate/config.json".  uid is the running
 * user's.
 *   FILE_CONFIG       no write access for group or others
 *   FILE_CONFIG_KEY   that, and no access at all for others
 *   FILE_KEY          no access for others
 *   FILE_CA           no write access for group or others
 *   FILE_STATE        no write access for group or others, and owned by
 *                     uid or root (any owner when uid is root)
 */
bool		 files_trusted(const char *path, const struct stat *sb,
		    enum file_role role, uid_t uid, char *why, size_t len);

/*
 * A note on a file that is trusted but worth knowing about, for
 * --check-config: a key readable by its group (the usual root:ddnsupdate
 * 0640).  Returns true with the note in buf, false when there is none.
 */
bool		 files_note(const char *path, const struct stat *sb,
		    enum file_role role, char *buf, size_t len);

#endif /* FILES_H */
