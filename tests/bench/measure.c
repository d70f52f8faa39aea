/*
 * Runs one command and reports what it cost, for tests/bench/bench.py.
 *
 *     measure RESULTFILE TIMEOUT_SECONDS PROGRAM [ARG...]
 *
 * It forks, execs PROGRAM, and collects it with wait4(2): CPU time is
 * ru_utime + ru_stime, peak RSS is ru_maxrss (KiB), and wall time is
 * CLOCK_MONOTONIC from just before the fork to the end of wait4.  The
 * command's output goes where this program's goes.  After TIMEOUT_SECONDS
 * the command is killed.  RESULTFILE gets one line:
 *
 *     exit_status term_signal utime_us stime_us maxrss_kib wall_ns timed_out
 *     minflt
 *
 * (minflt: ru_minflt, the page faults served without I/O, each of which
 * maps a page, or with fault-around up to 16 of a file's cached pages.)
 *
 * Why not os.wait4 in Python: Linux keeps a process's peak RSS across
 * execve(2), so a child forked from the (large) Python process reports at
 * least Python's RSS however small the program it runs.  A child forked
 * from this small program starts from this program's RSS instead, which
 * is what /usr/bin/time and a shell would report.  bench.py also runs it
 * inside a private mount namespace, so only the command is measured, not
 * unshare, sh or mount.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static volatile pid_t child;
static volatile sig_atomic_t timed_out;

static void on_alarm(int sig)
{
	(void)sig;
	timed_out = 1;
	if (child > 0)
		kill(child, SIGKILL);
}

int main(int argc, char **argv)
{
	struct sigaction sa = { .sa_handler = on_alarm };
	struct timespec t0, t1;
	struct rusage ru;
	FILE *out;
	int status = 0;
	pid_t got;

	if (argc < 4) {
		fprintf(stderr, "usage: measure RESULTFILE TIMEOUT PROGRAM "
		    "[ARG...]\n");
		return 2;
	}
	sigemptyset(&sa.sa_mask);
	sigaction(SIGALRM, &sa, NULL);	/* no SA_RESTART: wait4 sees EINTR */
	clock_gettime(CLOCK_MONOTONIC, &t0);
	child = fork();
	if (child < 0)
		return 3;
	if (child == 0) {
		execvp(argv[3], argv + 3);
		_exit(127);
	}
	alarm((unsigned)atoi(argv[2]));
	do
		got = wait4(child, &status, 0, &ru);
	while (got < 0 && errno == EINTR);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	alarm(0);
	if (got < 0)
		return 3;
	out = fopen(argv[1], "w");
	if (out == NULL)
		return 3;
	fprintf(out, "%d %d %ld %ld %ld %lld %d %ld\n",
	    WIFEXITED(status) ? WEXITSTATUS(status) : -1,
	    WIFSIGNALED(status) ? WTERMSIG(status) : 0,
	    (long)ru.ru_utime.tv_sec * 1000000L + (long)ru.ru_utime.tv_usec,
	    (long)ru.ru_stime.tv_sec * 1000000L + (long)ru.ru_stime.tv_usec,
	    ru.ru_maxrss,
	    (long long)(t1.tv_sec - t0.tv_sec) * 1000000000LL +
	    (t1.tv_nsec - t0.tv_nsec), (int)timed_out, ru.ru_minflt);
	return fclose(out) == 0 ? 0 : 3;
}
