/*
 * fuzz.h
 * What the libFuzzer targets share: quiet logging, NUL-terminated copies.
 * SPDX-License-Identifier: ISC
 *
 * The parsers take (text, len) and must not read past len.  Most real
 * callers hand them a buffer with a NUL after the text (config.c's
 * read_file, http.c's bodies; cache_load leaves its spare byte unset), so
 * the targets do the same by default.
 * Built with -DFUZZ_EXACT_LEN the copy has no spare byte at all: it ends
 * at an inaccessible page, and any read past len faults, in libcjson too.
 *
 * The modules log every rejected input on stderr.  At tens of thousands
 * of inputs a second that would bury libFuzzer's own output, so the
 * targets point the stdio stream stderr at /dev/null (glibc allows the
 * assignment); libFuzzer and the sanitizers write to their own copy of
 * it and to descriptor 2, and still print.  FUZZ_VERBOSE=1 in the
 * environment keeps the messages, for replaying one input.
 */

#ifndef FUZZ_H
#define FUZZ_H

#ifdef FUZZ_EXACT_LEN
#include <sys/mman.h>
#endif

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ddnsupdate.h"
#include "log.h"

int	LLVMFuzzerInitialize(int *, char ***);
int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

/* Where the targets report a broken promise; stderr before it is muted. */
static FILE *fuzz_err;

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	FILE *null;

	(void)argc;
	(void)argv;
	log_init(1, 0, 0);
	fuzz_err = stderr;
	if (getenv("FUZZ_VERBOSE") == NULL &&
	    (null = fopen("/dev/null", "w")) != NULL)
		stderr = null;
	return 0;
}

#ifndef FUZZ_EXACT_LEN
/* A heap copy of n bytes of data and a NUL; release with fuzz_free. */
static char * __attribute__((unused))
fuzz_text(const void *data, size_t n)
{
	char *p;

	p = xmalloc(n + 1);
	if (n > 0)
		memcpy(p, data, n);
	p[n] = '\0';
	return p;
}

static void __attribute__((unused))
fuzz_free(char *p, size_t n)
{
	(void)n;
	free(p);
}
#else
/*
 * A copy of n bytes of data that ends where an inaccessible page begins,
 * so that reading one byte past n faults even in code that was built
 * without the sanitizers (libcjson); caller releases it with fuzz_free.
 */
static size_t __attribute__((unused))
fuzz_span(size_t n)
{
	size_t page = (size_t)sysconf(_SC_PAGESIZE);

	return n == 0 ? page : (n + page - 1) / page * page;
}

static char * __attribute__((unused))
fuzz_text(const void *data, size_t n)
{
	size_t span = fuzz_span(n), page = (size_t)sysconf(_SC_PAGESIZE);
	char *base;

	base = mmap(NULL, span + page, PROT_READ | PROT_WRITE,
	    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (base == MAP_FAILED || mprotect(base + span, page, PROT_NONE) == -1)
		abort();
	if (n > 0)
		memcpy(base + span - n, data, n);
	return base + span - n;
}

static void __attribute__((unused))
fuzz_free(char *p, size_t n)
{
	size_t span = fuzz_span(n);

	munmap(p + n - span, span + (size_t)sysconf(_SC_PAGESIZE));
}
#endif

/* A promise of a header comment was broken: report it as a crash. */
#define FUZZ_CHECK(cond) do {						\
	if (!(cond)) {							\
		fprintf(fuzz_err != NULL ? fuzz_err : stderr,		\
		    "%s:%d: broken promise: %s\n",			\
		    __FILE__, __LINE__, #cond);				\
		abort();						\
	}								\
} while (0)

#endif /* FUZZ_H */
