/*
 * The floor of the no-change run with a local source: a C program that
 * returns at once.  Built twice by tests/bench/bench.py: alone ("C exit":
 * exec, the dynamic loader, libc, exit) and linked to libcurl without
 * calling it ("C exit + libcurl": what merely having libcurl among a
 * program's libraries costs, before main()).
 *
 *     cc -O2 exit.c                                  (C exit)
 *     cc -O2 exit.c -Wl,--no-as-needed -lcurl        (C exit + libcurl)
 */
int main(void)
{
	return 0;
}
