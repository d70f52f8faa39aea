/*
 * log.c
 * Messages to stdout, stderr and syslog, at the verbosity the user asked for.
 * SPDX-License-Identifier: ISC
 */

#include <stdarg.h>
#include <stdio.h>
#include <syslog.h>

#include "log.h"

static int quiet_opt;
static int verbose_opt;
static int syslog_opt;

void
log_init(int quiet, int verbose, int use_syslog)
{
	quiet_opt = quiet;
	verbose_opt = verbose;
	syslog_opt = use_syslog;
	if (syslog_opt)
		openlog("ddnsupdate", LOG_PID, LOG_DAEMON);
}

void
log_close(void)
{
	if (syslog_opt)
		closelog();
	syslog_opt = 0;
}

int
log_is_verbose(void)
{
	return verbose_opt;
}

static void
emit(FILE *fp, int prio, const char *prefix, const char *fmt, va_list ap)
{
	va_list ap2;

	va_copy(ap2, ap);
	fputs(prefix, fp);
	vfprintf(fp, fmt, ap);
	fputc('\n', fp);
	fflush(fp);
	if (syslog_opt)
		vsyslog(prio, fmt, ap2);
	va_end(ap2);
}

void
log_err(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	emit(stderr, LOG_ERR, "ddnsupdate: ", fmt, ap);
	va_end(ap);
}

void
log_warn(const char *fmt, ...)
{
	va_list ap;

	if (quiet_opt)
		return;
	va_start(ap, fmt);
	emit(stderr, LOG_WARNING, "ddnsupdate: warning: ", fmt, ap);
	va_end(ap);
}

void
log_info(const char *fmt, ...)
{
	va_list ap;

	if (!verbose_opt)
		return;
	va_start(ap, fmt);
	emit(stderr, LOG_INFO, "ddnsupdate: ", fmt, ap);
	va_end(ap);
}

void
log_change(const char *fmt, ...)
{
	va_list ap;

	if (quiet_opt)
		return;
	va_start(ap, fmt);
	emit(stdout, LOG_NOTICE, "", fmt, ap);
	va_end(ap);
}
