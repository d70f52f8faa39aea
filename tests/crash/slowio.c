/*
 * slowio.c
 * LD_PRELOAD shim for the crash test: stretches the state file's save.
 * SPDX-License-Identifier: ISC
 *
 * A save takes microseconds, so SIGKILLs sent at random moments would
 * almost never land inside it.  This shim sleeps before and after each
 * write, fsync and rename, which widens that window to tens of
 * milliseconds without changing what the program does.  Test use only.
 */

#include <sys/types.h>

#include <dlfcn.h>
#include <time.h>
#include <unistd.h>

#define PAUSE_NS	15000000L	/* 15 ms */

static void
pause_a_little(void)
{
	struct timespec ts = { 0, PAUSE_NS };

	nanosleep(&ts, NULL);
}

int
fsync(int fd)
{
	int (*real)(int);
	int rc;

	*(void **)&real = dlsym(RTLD_NEXT, "fsync");
	pause_a_little();
	rc = real(fd);
	pause_a_little();
	return rc;
}

int
rename(const char *from, const char *to)
{
	int (*real)(const char *, const char *);
	int rc;

	*(void **)&real = dlsym(RTLD_NEXT, "rename");
	pause_a_little();
	rc = real(from, to);
	pause_a_little();
	return rc;
}
