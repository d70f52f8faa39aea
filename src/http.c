/*
 * http.c
 * HTTP requests over one reused libcurl handle; the only user of libcurl.
 * SPDX-License-Identifier: ISC
 *
 * libcurl is loaded when the first request is made, not when the program
 * starts: a run that needs no request (the fast path with local address
 * sources, --status, --check-config) never maps libcurl nor the thirty
 * libraries it pulls in (OpenSSL, Kerberos, LDAP, SSH, ...), whose binding
 * alone costs a libcurl program some 12 M instructions and 6 MB before
 * main().  This is how systemd loads its optional libraries
 * (src/shared/dlfcn-util.c): dlopen() of the soname the build linked
 * against (CURL_SONAME, from the Makefile), each function in use resolved
 * once into a table typed from <curl/curl.h> itself, and, when the library
 * is missing, a message naming the package that brings it.  RTLD_LAZY,
 * not systemd's RTLD_NOW: the mode applies to every library libcurl pulls
 * in, and binding all of OpenSSL's, Kerberos's and LDAP's functions up
 * front costs a run some 3.5 M instructions (10 %) that loading at start
 * never did; libcurl itself is built BIND_NOW, and a function missing
 * from it is found by dlsym here.  The failure is
 * the request's, ST_TEMPFAIL with that message, logged by the caller
 * with what it was asking: only runs that need a request fail, and a
 * health-check ping that cannot be sent stays a warning.  The library is
 * never unloaded: a resolver thread that quick exit left behind may still
 * run its code.  curl_easy_setopt() and curl_easy_getinfo() take their
 * argument through "...", so libcurl reads it with the type the option
 * names: every call goes through a setter of that one type (SET_LONG,
 * SET_STR, ...) that also checks, when compiled, that the option is of
 * that kind.
 *
 * One easy handle serves the whole run (a quorum of echo sources asked at
 * once adds short-lived ones beside it, in one multi handle).
 * curl_easy_reset() between requests clears the options but keeps the
 * connection cache, so the second request to a host reuses the first
 * one's TLS connection.  Every request has the run's timeout for its whole
 * length.  TLS is always verified: against ca_file alone when it is set,
 * else against the system store, looked up by subject hash in libcurl's
 * certificate directory so that a run does not parse the whole bundle.
 * Redirects are never followed, only https:// (and http:// to a loopback
 * host, for tests) is spoken, a GET never carries a body, and an answer
 * longer than the caller's limit is cut off as an error, not buffered.
 */

#include <sys/socket.h>

#include <netinet/in.h>
#include <dlfcn.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <curl/curl.h>

#include "http.h"
#include "log.h"
#include "netaddr.h"

#ifndef IPV6_PREFER_SRC_PUBLIC
#define IPV6_PREFER_SRC_PUBLIC	0x0002	/* <linux/in6.h>, which clashes
					   with <netinet/in.h> */
#endif
#ifndef CURL_SONAME		/* the Makefile sets both from the build */
#define CURL_SONAME	"libcurl.so.4"
#endif
#ifndef CURL_PACKAGE
#define CURL_PACKAGE	"libcurl4 (libcurl4t64 on Debian 13)"
#endif

/* The functions of libcurl in use, without their curl_ prefix. */
#define CURL_FUNCTIONS(X)						\
	X(global_init) X(global_cleanup) X(version_info)		\
	X(easy_init) X(easy_cleanup) X(easy_reset) X(easy_setopt)	\
	X(easy_getinfo) X(easy_perform) X(easy_strerror)		\
	X(slist_append) X(slist_free_all)				\
	X(multi_init) X(multi_add_handle) X(multi_remove_handle)	\
	X(multi_perform) X(multi_info_read) X(multi_poll)		\
	X(multi_cleanup)

/* Each a pointer of the very type <curl/curl.h> declares: cu.easy_init. */
#define CURL_MEMBER(f)	__typeof__(curl_##f) *f;
static struct curl_api {
	CURL_FUNCTIONS(CURL_MEMBER)
} cu;

#define CURL_SYMBOL(f)	{ "curl_" #f, offsetof(struct curl_api, f) },
static const struct {
	const char	*name;
	size_t		 off;
} curl_symbols[] = {
	CURL_FUNCTIONS(CURL_SYMBOL)
};

/* A compile error unless a function pointer is the size of a void *. */
typedef char fp_fits_void_ptr[sizeof(cu.easy_init) == sizeof(void *) ? 1 :
    -1];

/*
 * Nothing, or a compile error when option o is not of kind k
 * (CURLOPTTYPE_LONG, _OBJECTPOINT, _FUNCTIONPOINT: the option's number
 * rounded down to 10000), or info i not of kind k (CURLINFO_LONG, ...).
 */
#define OPT_IS(o, k)	((void)sizeof(struct { int option_kind :	\
	    (o) - (o) % 10000 == (k) ? 1 : -1; }))
#define INFO_IS(i, k)	((void)sizeof(struct { int info_kind :		\
	    ((i) & CURLINFO_TYPEMASK) == (k) ? 1 : -1; }))

/* curl_easy_setopt of one kind of option, the argument of its type. */
#define SET_LONG(h, o, v)	(OPT_IS(o, CURLOPTTYPE_LONG),		\
	    set_long(h, o, v))
#define SET_STR(h, o, v)	(OPT_IS(o, CURLOPTTYPE_STRINGPOINT),	\
	    set_str(h, o, v))
#define SET_PTR(h, o, v)	(OPT_IS(o, CURLOPTTYPE_OBJECTPOINT),	\
	    set_ptr(h, o, v))
#define SET_SLIST(h, o, v)	(OPT_IS(o, CURLOPTTYPE_SLISTPOINT),	\
	    set_slist(h, o, v))
#define SET_WRITE(h, o, v)	(OPT_IS(o, CURLOPTTYPE_FUNCTIONPOINT),	\
	    set_write(h, o, v))
#define SET_SOCKOPT(h, o, v)	(OPT_IS(o, CURLOPTTYPE_FUNCTIONPOINT),	\
	    set_sockopt(h, o, v))
/* curl_easy_getinfo of a long or a double. */
#define GET_LONG(h, i, p)	(INFO_IS(i, CURLINFO_LONG), get_long(h, i, p))
#define GET_DOUBLE(h, i, p)	(INFO_IS(i, CURLINFO_DOUBLE),		\
	    get_double(h, i, p))

static enum { CURL_UNLOADED, CURL_READY, CURL_MISSING } curl_state;
static char	 load_error[256];	/* why libcurl is missing */
static CURL	*curl;
static long	 timeout_ms;
static char	*ca_path;
static const char *sys_capath;

static CURLcode
set_long(CURL *h, CURLoption o, long v)
{
	return cu.easy_setopt(h, o, v);
}

static CURLcode
set_str(CURL *h, CURLoption o, const char *v)
{
	return cu.easy_setopt(h, o, v);
}

static CURLcode
set_ptr(CURL *h, CURLoption o, void *v)
{
	return cu.easy_setopt(h, o, v);
}

static CURLcode
set_slist(CURL *h, CURLoption o, struct curl_slist *v)
{
	return cu.easy_setopt(h, o, v);
}

static CURLcode
set_write(CURL *h, CURLoption o, curl_write_callback v)
{
	return cu.easy_setopt(h, o, v);
}

static CURLcode
set_sockopt(CURL *h, CURLoption o, curl_sockopt_callback v)
{
	return cu.easy_setopt(h, o, v);
}

static CURLcode
get_long(CURL *h, CURLINFO i, long *p)
{
	return cu.easy_getinfo(h, i, p);
}

static CURLcode
get_double(CURL *h, CURLINFO i, double *p)
{
	return cu.easy_getinfo(h, i, p);
}

enum status
http_init(long timeout, const char *ca_file)
{
	timeout_ms = timeout * 1000;
	free(ca_path);
	ca_path = ca_file != NULL ? xstrdup(ca_file) : NULL;
	return ST_OK;
}

/*
 * Loads libcurl and makes the run's handle, once; later calls say how
 * that went.  Returns 0, or -1 with load_error saying why.
 */
static int
load_curl(void)
{
	const curl_version_info_data *info;
	void *lib, *sym;
	const char *why;
	size_t i;

	if (curl_state != CURL_UNLOADED)
		return curl_state == CURL_READY ? 0 : -1;
	curl_state = CURL_MISSING;
	if ((lib = dlopen(CURL_SONAME, RTLD_LAZY | RTLD_LOCAL)) == NULL) {
		why = dlerror();
		snprintf(load_error, sizeof(load_error), "cannot load %s (%s): "
		    "install the %s package", CURL_SONAME, why != NULL ? why :
		    "?", CURL_PACKAGE);
		return -1;
	}
	for (i = 0; i < sizeof(curl_symbols) / sizeof(curl_symbols[0]); i++) {
		if ((sym = dlsym(lib, curl_symbols[i].name)) == NULL) {
			snprintf(load_error, sizeof(load_error), "%s has no %s: "
			    "it is older than the one this program was built "
			    "with; upgrade the %s package", CURL_SONAME,
			    curl_symbols[i].name, CURL_PACKAGE);
			return -1;	/* not unloaded: see the top */
		}
		/* POSIX: a void * from dlsym holds the function's address */
		memcpy((char *)&cu + curl_symbols[i].off, &sym, sizeof(sym));
	}
	if (cu.global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK ||
	    (curl = cu.easy_init()) == NULL) {
		snprintf(load_error, sizeof(load_error), "cannot initialise "
		    "libcurl");
		return -1;
	}
	/* libcurl's own hashed certificate directory, when it was built
	 * with one (Debian: /etc/ssl/certs); else its defaults stand */
	info = cu.version_info(CURLVERSION_NOW);
	sys_capath = info != NULL && info->capath != NULL &&
	    access(info->capath, X_OK) == 0 ? info->capath : NULL;
	curl_state = CURL_READY;
	log_info("%s loaded", CURL_SONAME);
	return 0;
}

void
http_cleanup(void)
{
	if (curl != NULL)
		cu.easy_cleanup(curl);
	curl = NULL;
	free(ca_path);
	ca_path = NULL;
	if (curl_state == CURL_READY)
		cu.global_cleanup();
	/* a later http_init may start again; the library stays mapped */
	if (curl_state != CURL_MISSING)
		curl_state = CURL_UNLOADED;
}

/* The answer being received. */
struct sink {
	struct http_response	*resp;
	size_t			 cap;
	size_t			 max;
	bool			 too_big;
};

static size_t
on_body(char *data, size_t size, size_t nmemb, void *arg)
{
	struct sink *s = arg;
	struct http_response *r = s->resp;
	size_t n = size * nmemb, cap;
	char *nb;

	if (r->len + n > s->max) {
		s->too_big = true;
		return 0;	/* makes curl fail with CURLE_WRITE_ERROR */
	}
	if (r->len + n + 1 > s->cap) {
		cap = s->cap == 0 ? 1024 : s->cap;
		while (cap < r->len + n + 1)
			cap *= 2;
		/* grow by hand so that the old buffer, which may hold a
		 * token, is wiped rather than left in freed memory */
		nb = xmalloc(cap);
		if (r->body != NULL) {
			memcpy(nb, r->body, r->len);
			explicit_bzero(r->body, r->len);
			free(r->body);
		}
		r->body = nb;
		s->cap = cap;
	}
	memcpy(r->body + r->len, data, n);
	r->len += n;
	r->body[r->len] = '\0';
	return n;
}

/* Keeps a copy of one header's value, trimmed, in *out. */
static void
keep_header(const char *line, size_t len, const char *name, char **out)
{
	size_t nlen = strlen(name);
	const char *v, *end;

	if (len <= nlen || strncasecmp(line, name, nlen) != 0 ||
	    line[nlen] != ':')
		return;
	v = line + nlen + 1;
	end = line + len;
	while (v < end && (*v == ' ' || *v == '\t'))
		v++;
	while (end > v && (end[-1] == '\r' || end[-1] == '\n' ||
	    end[-1] == ' ' || end[-1] == '\t'))
		end--;
	free(*out);
	*out = xstrndup(v, (size_t)(end - v));
}

static size_t
on_header(char *data, size_t size, size_t nmemb, void *arg)
{
	struct http_response *r = arg;
	size_t n = size * nmemb;

	if (n >= 5 && strncmp(data, "HTTP/", 5) == 0) {
		/* a new answer (after a 100 Continue): forget the last one's */
		free(r->retry_after);
		free(r->reply_after);
		r->retry_after = r->reply_after = NULL;
	}
	keep_header(data, n, "Retry-After", &r->retry_after);
	keep_header(data, n, "Reply-After", &r->reply_after);
	return n;
}

/*
 * Before an IPv6 socket connects: prefer the public source address to a
 * temporary (privacy) one, so that an echo service sees the stable address
 * that is published.  Only IPv6 TCP sockets are touched.
 */
static int
prefer_public(void *arg, curl_socket_t fd, curlsocktype purpose)
{
	int pref = IPV6_PREFER_SRC_PUBLIC, domain;
	socklen_t len = sizeof(domain);

	(void)arg;
	if (purpose != CURLSOCKTYPE_IPCXN ||
	    getsockopt(fd, SOL_SOCKET, SO_DOMAIN, &domain, &len) == -1 ||
	    domain != AF_INET6)
		return CURL_SOCKOPT_OK;
	if (setsockopt(fd, IPPROTO_IPV6, IPV6_ADDR_PREFERENCES, &pref,
	    sizeof(pref)) == -1)
		log_info("cannot prefer the public IPv6 source address: %s",
		    strerror(errno));
	return CURL_SOCKOPT_OK;
}

/* One request on its way: its handle, headers, answer and error text. */
struct transfer {
	CURL				*h;
	const struct http_request	*req;
	struct curl_slist		*hdrs;
	struct sink			 sink;
	char				 errbuf[CURL_ERROR_SIZE];
};

/* Sets the options of one request; returns 0, or -1 when one is refused. */
static int
setup(struct transfer *x)
{
	const struct http_request *req = x->req;
	CURL *h = x->h;
	char *tok;
	int bad = 0;

	cu.easy_reset(h);
	bad |= SET_STR(h, CURLOPT_URL, req->url) != CURLE_OK;
	bad |= SET_PTR(h, CURLOPT_ERRORBUFFER, x->errbuf) != CURLE_OK;
	bad |= SET_LONG(h, CURLOPT_NOSIGNAL, 1L) != CURLE_OK;
	bad |= SET_LONG(h, CURLOPT_TIMEOUT_MS, timeout_ms) != CURLE_OK;
	/* the timeout covers name resolution, but a resolver thread that
	 * is still waiting would be joined at the end of the request;
	 * quick exit leaves it behind instead, so the bound holds */
	bad |= SET_LONG(h, CURLOPT_QUICK_EXIT, 1L) != CURLE_OK;
	bad |= SET_STR(h, CURLOPT_PROTOCOLS_STR,
	    strncasecmp(req->url, "https:", 6) == 0 ? "https" : "http") !=
	    CURLE_OK;
	bad |= SET_LONG(h, CURLOPT_FOLLOWLOCATION, 0L) != CURLE_OK;
	bad |= SET_LONG(h, CURLOPT_FRESH_CONNECT, req->fresh ? 1L : 0L) !=
	    CURLE_OK;
	bad |= SET_LONG(h, CURLOPT_SSL_VERIFYPEER, 1L) != CURLE_OK;
	bad |= SET_LONG(h, CURLOPT_SSL_VERIFYHOST, 2L) != CURLE_OK;
	if (ca_path != NULL) {
		/* instead of the system store, not beside it */
		bad |= SET_STR(h, CURLOPT_CAINFO, ca_path) != CURLE_OK;
		bad |= SET_STR(h, CURLOPT_CAPATH, NULL) != CURLE_OK;
	} else if (sys_capath != NULL) {
		/* look certificates up by subject hash rather than parse the
		 * whole bundle on every run */
		bad |= SET_STR(h, CURLOPT_CAINFO, NULL) != CURLE_OK;
		bad |= SET_STR(h, CURLOPT_CAPATH, sys_capath) != CURLE_OK;
	}
	bad |= SET_LONG(h, CURLOPT_IPRESOLVE, req->family == 4 ?
	    CURL_IPRESOLVE_V4 : req->family == 6 ? CURL_IPRESOLVE_V6 :
	    CURL_IPRESOLVE_WHATEVER) != CURLE_OK;
	/* "" turns off the proxy that https_proxy and the rest would
	 * choose; otherwise libcurl honours them, as Rackspace requests
	 * should */
	if (req->direct)
		bad |= SET_STR(h, CURLOPT_PROXY, "") != CURLE_OK;
	if (req->public_src) {
		bad |= SET_SOCKOPT(h, CURLOPT_SOCKOPTFUNCTION, prefer_public) !=
		    CURLE_OK;
		bad |= SET_PTR(h, CURLOPT_SOCKOPTDATA, NULL) != CURLE_OK;
	}
	bad |= SET_STR(h, CURLOPT_USERAGENT, "ddnsupdate/" DDNSUPDATE_VERSION) !=
	    CURLE_OK;
	bad |= SET_WRITE(h, CURLOPT_WRITEFUNCTION, on_body) != CURLE_OK;
	bad |= SET_PTR(h, CURLOPT_WRITEDATA, &x->sink) != CURLE_OK;
	bad |= SET_WRITE(h, CURLOPT_HEADERFUNCTION, on_header) != CURLE_OK;
	bad |= SET_PTR(h, CURLOPT_HEADERDATA, x->sink.resp) != CURLE_OK;

	x->hdrs = cu.slist_append(x->hdrs, req->plain ?
	    "Accept: text/plain" : "Accept: application/json");
	x->hdrs = cu.slist_append(x->hdrs, "Expect:");
	if (req->token != NULL) {
		tok = xasprintf("X-Auth-Token: %s", req->token);
		x->hdrs = cu.slist_append(x->hdrs, tok);
		freezero_str(tok);
	}
	if (strcmp(req->method, "GET") == 0)
		bad |= SET_LONG(h, CURLOPT_HTTPGET, 1L) != CURLE_OK;
	else {
		bad |= SET_STR(h, CURLOPT_CUSTOMREQUEST, req->method) !=
		    CURLE_OK;
		if (req->body != NULL) {
			x->hdrs = cu.slist_append(x->hdrs,
			    "Content-Type: application/json");
			bad |= SET_LONG(h, CURLOPT_POSTFIELDSIZE,
			    (long)strlen(req->body)) != CURLE_OK;
			bad |= SET_STR(h, CURLOPT_POSTFIELDS, req->body) !=
			    CURLE_OK;
		}
	}
	if (x->hdrs == NULL)
		return -1;
	bad |= SET_SLIST(h, CURLOPT_HTTPHEADER, x->hdrs) != CURLE_OK;
	return bad ? -1 : 0;
}

/*
 * Prepares x to make req on handle h into resp; -1 when it cannot, with
 * resp->error saying why.  Only after load_curl() has run.
 */
static int
start(struct transfer *x, CURL *h, const struct http_request *req,
    struct http_response *resp)
{
	memset(x, 0, sizeof(*x));
	memset(resp, 0, sizeof(*resp));
	x->h = h;
	x->req = req;
	x->sink.resp = resp;
	x->sink.max = req->max_body;
	if (curl_state != CURL_READY || h == NULL ||
	    !netaddr_url_allowed(req->url)) {
		snprintf(resp->error, sizeof(resp->error), "%s",
		    curl_state != CURL_READY ? load_error : h == NULL ?
		    "cannot make a libcurl handle" :
		    "only https:// URLs are allowed");
		resp->local = true;
		return -1;
	}
	if (setup(x) == -1) {
		snprintf(resp->error, sizeof(resp->error),
		    "libcurl refused an option (is it too old?)");
		resp->local = true;
		return -1;
	}
	return 0;
}

/* Collects the outcome of x, ended with rc; see http_request(). */
static enum status
finish(struct transfer *x, CURLcode rc)
{
	const struct http_request *req = x->req;
	struct http_response *resp = x->sink.resp;
	struct curl_slist *h;
	double t = 0;

	/* wipe the header that held the token before the list is freed */
	for (h = x->hdrs; h != NULL; h = h->next)
		explicit_bzero(h->data, strlen(h->data));
	if (x->hdrs != NULL)
		cu.slist_free_all(x->hdrs);
	x->hdrs = NULL;
	if (x->h != NULL && curl_state == CURL_READY)
		GET_DOUBLE(x->h, CURLINFO_TOTAL_TIME, &t);
	resp->seconds = t;
	if (rc == CURLE_OK)
		GET_LONG(x->h, CURLINFO_RESPONSE_CODE, &resp->status);
	if (resp->body == NULL)
		resp->body = xcalloc(1, 1);
	if (rc != CURLE_OK) {
		resp->status = 0;
		if (x->sink.too_big)
			snprintf(resp->error, sizeof(resp->error),
			    "answer larger than %zu bytes", req->max_body);
		else if (resp->error[0] == '\0')
			snprintf(resp->error, sizeof(resp->error), "%s",
			    x->errbuf[0] != '\0' ? x->errbuf :
			    cu.easy_strerror(rc));
		log_info("%s %s: no answer: %s (%.3f s)", req->method, req->url,
		    resp->error, t);
		return ST_TEMPFAIL;
	}
	log_info("%s %s: HTTP %ld (%.3f s)", req->method, req->url,
	    resp->status, t);
	return ST_OK;
}

enum status
http_request(const struct http_request *req, struct http_response *resp)
{
	struct transfer x;
	CURLcode rc;

	load_curl();
	rc = start(&x, curl, req, resp) == -1 ? CURLE_FAILED_INIT :
	    cu.easy_perform(curl);
	return finish(&x, rc);
}

void
http_request_many(const struct http_request *reqs,
    struct http_response *resps, enum status *sts, size_t n)
{
	struct transfer *xs;
	CURLM *multi = NULL;
	CURLMsg *msg;
	CURLcode *rcs;
	size_t i;
	int running, left;

	xs = xcalloc(n, sizeof(*xs));
	rcs = xcalloc(n, sizeof(*rcs));
	if (load_curl() == 0)
		multi = xnonnull(cu.multi_init());
	for (i = 0; i < n; i++) {
		/* the run's handle takes the first, so that its connection
		 * stays in the cache for later requests */
		rcs[i] = CURLE_FAILED_INIT;
		if (start(&xs[i], multi == NULL ? NULL : i == 0 ? curl :
		    cu.easy_init(), &reqs[i], &resps[i]) == 0 &&
		    cu.multi_add_handle(multi, xs[i].h) == CURLM_OK)
			rcs[i] = CURLE_AGAIN;	/* under way */
	}
	do {
		if (multi == NULL ||
		    cu.multi_perform(multi, &running) != CURLM_OK)
			break;
		while ((msg = cu.multi_info_read(multi, &left)) != NULL)
			for (i = 0; i < n; i++)
				if (msg->msg == CURLMSG_DONE &&
				    rcs[i] == CURLE_AGAIN &&
				    xs[i].h == msg->easy_handle)
					rcs[i] = msg->data.result;
		/* every handle has its timeout, so this loop ends */
	} while (running > 0 && cu.multi_poll(multi, NULL, 0, 1000,
	    NULL) == CURLM_OK);
	for (i = 0; i < n; i++) {
		if (rcs[i] != CURLE_FAILED_INIT)
			cu.multi_remove_handle(multi, xs[i].h);
		if (rcs[i] == CURLE_AGAIN)	/* the multi loop failed */
			rcs[i] = CURLE_OPERATION_TIMEDOUT;
		sts[i] = finish(&xs[i], rcs[i]);
		if (i > 0 && xs[i].h != NULL)
			cu.easy_cleanup(xs[i].h);
	}
	if (multi != NULL)
		cu.multi_cleanup(multi);
	free(xs);
	free(rcs);
}

void
http_response_free(struct http_response *resp)
{
	if (resp == NULL)
		return;
	if (resp->body != NULL) {
		explicit_bzero(resp->body, resp->len);
		free(resp->body);
	}
	free(resp->retry_after);
	free(resp->reply_after);
	memset(resp, 0, sizeof(*resp));
}
