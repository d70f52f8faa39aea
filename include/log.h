/*
 * log.h
 * Messages to stdout, stderr and syslog, at the verbosity the user asked for.
 * SPDX-License-Identifier: ISC
 */

#ifndef LOG_H
#define LOG_H

/*
 * Sets what is printed: quiet drops warnings and change lines, verbose adds
 * progress; use_syslog copies every printed message to syslog (ident
 * "ddnsupdate", facility daemon).  Before log_init, errors and warnings
 * go to stderr.
 */
void	 log_init(int quiet, int verbose, int use_syslog);
void	 log_close(void);

/* 1 when -v was given: callers skip building costly progress text. */
int	 log_is_verbose(void);

/*
 * One line on stderr, "ddnsupdate: " first.  log_err always prints;
 * log_warn adds "warning: " and is silenced by -q; log_info prints only
 * with -v.  Callers never pass a secret.
 */
void	 log_err(const char *, ...) __attribute__((format(printf, 1, 2)));
void	 log_warn(const char *, ...) __attribute__((format(printf, 1, 2)));
void	 log_info(const char *, ...) __attribute__((format(printf, 1, 2)));

/* One change line on stdout (CONTRACT.md 3); silenced by -q. */
void	 log_change(const char *, ...) __attribute__((format(printf, 1, 2)));

#endif /* LOG_H */
