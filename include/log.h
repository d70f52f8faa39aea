/*
 * log.h
 * Every line the program prints: verbosity, scrubbing, secrets, journal, syslog.
 * SPDX-License-Identifier: ISC
 */

#ifndef LOG_H
#define LOG_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

/*
 * Sets what is printed: quiet drops warnings, change and recovery lines;
 * verbose adds progress; use_syslog copies every printed message to syslog
 * (ident "ddnsupdate", facility daemon).  Also notes whether stdout and
 * stderr are the systemd journal ($JOURNAL_STREAM), whose lines then begin
 * with their priority, "<3>".  Before log_init, errors and warnings go to
 * stderr.
 */
void	 log_init(int quiet, int verbose, int use_syslog);

/* Closes syslog and wipes the secrets and the report memory. */
void	 log_close(void);

/* 1 when -v was given: callers skip building costly progress text. */
int	 log_is_verbose(void);

/*
 * Adds a secret (the API key, a token) that no printed line may hold: every
 * occurrence in any line, wherever its text came from, is printed as
 * "[secret]".  A copy is kept and wiped by log_close.  NULL and "" are
 * ignored.
 */
void	 log_secret(const char *secret);

/*
 * One line on stderr, "ddnsupdate: " first.  log_err always prints;
 * log_warn adds "warning: " and is silenced by -q; log_info prints only
 * with -v.  The text is scrubbed (see log_scrub) before it is printed.
 * errno is the same after the call as before.
 */
void	 log_err(const char *, ...) __attribute__((format(printf, 1, 2)));
void	 log_warn(const char *, ...) __attribute__((format(printf, 1, 2)));
void	 log_info(const char *, ...) __attribute__((format(printf, 1, 2)));

/*
 * One change or recovery line on stdout (CONTRACT.md 3), at notice
 * priority; silenced by -q.
 */
void	 log_change(const char *, ...) __attribute__((format(printf, 1, 2)));

/* One line of a report the user asked for (--status, --detect) on stdout. */
void	 log_out(const char *, ...) __attribute__((format(printf, 1, 2)));

/*
 * Makes text fit to print, in one place for every line: one line of
 * printable characters (a newline or tab becomes a space, a terminal
 * escape sequence is removed, any other control character and any byte
 * that is not UTF-8 becomes "?"), every secret replaced, and the query
 * string cut from every http:// or https:// URL (it may carry a token).
 * Returns a new string; caller frees.
 */
char	*log_scrub(const char *text);

/* One line a run reported, and when it was last printed. */
struct reported {
	char	*line;
	time_t	 when;
};

/*
 * Repeated failures (CONTRACT.md 3).  A line that the previous run printed
 * at time "when" is not printed again by log_err or log_warn before
 * when + interval, unless -v; each line of this run is remembered, with
 * the time it was last printed.  log_report_start takes the previous
 * run's lines (copied); until it is called, nothing is held back.
 */
void	 log_report_start(const struct reported *prev, size_t n, time_t now,
		    long interval);

/*
 * Replaces *list (*n entries, each line freed; the array reallocated) with
 * the lines this run reported, printed or held back, for the state file.
 */
void	 log_report_save(struct reported **list, size_t *n);

#endif /* LOG_H */
