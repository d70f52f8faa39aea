# Makefile for ddnsupdate.  `make deps check` and `make deps demo` are the
# README's two set-up commands on a fresh Debian machine.

PREFIX	?= /usr/local
BINDIR	?= $(PREFIX)/bin
MANDIR	?= $(PREFIX)/share/man
DOCDIR	?= $(PREFIX)/share/doc/ddnsupdate
# /etc for the usual prefixes, so that the default configuration is
# /etc/ddnsupdate/config.json; a prefix of its own gets its own etc.
SYSCONFDIR ?= $(if $(filter /usr /usr/local,$(PREFIX)),/etc,$(PREFIX)/etc)
# systemd reads units from /usr/local/lib/systemd/system too; the package
# sets the distribution's directory (debian/rules).
UNITDIR	?= $(PREFIX)/lib/systemd/system
DESTDIR	?=

PKG_CONFIG ?= pkg-config
PYTHON	?= python3
# Evaluated when a recipe needs them, so that `make deps` runs first.
DEPS_CFLAGS = $(shell $(PKG_CONFIG) --cflags libcurl libcjson)
# libcurl is not linked: src/http.c loads it (dlopen) when a run first
# needs a request, so that a run that needs none never maps it.  Its
# soname is the one the build would have linked against, and its package
# the one dpkg says holds that file.  dlopen is in libc from glibc 2.34.
DEPS_LIBS   = $(shell $(PKG_CONFIG) --libs libcjson) $(DL_LIBS)
DL_LIBS	    = $(shell printf '\043include <dlfcn.h>\nint main(void) { \
	return dlopen("", 0) != 0; }\n' | $(CC) -x c -o /dev/null - \
	2>/dev/null || echo -ldl)
CURL_LIBDIR = $(shell $(PKG_CONFIG) --variable=libdir libcurl)
CURL_SONAME ?= $(shell readelf -d $(CURL_LIBDIR)/libcurl.so 2>/dev/null | \
	sed -n 's/.*soname: \[\(.*\)\]/\1/p')
CURL_PACKAGE ?= $(shell dpkg -S $(CURL_LIBDIR)/$(CURL_SONAME) 2>/dev/null | \
	sed -n '1s/:.*//p')
CURL_DEFS = $(if $(CURL_SONAME),-DCURL_SONAME='"$(CURL_SONAME)"') \
	    $(if $(CURL_PACKAGE),-DCURL_PACKAGE='"$(CURL_PACKAGE)"')
CMOCKA_LIBS = $(shell $(PKG_CONFIG) --libs cmocka)

# CPPFLAGS, CFLAGS and LDFLAGS from the environment (dpkg-buildflags) are
# honoured.  Warnings are errors while developing; the package build
# empties WERROR, so that a newer compiler's new warning cannot stop it.
CFLAGS	?= -O2 -g
WERROR	?= -Werror
WARN	 = -Wall -Wextra -Wpedantic $(WERROR)
# When it was built: a clock earlier than this is plainly unset.  The
# release date (SOURCE_DATE_EPOCH, as Debian sets it), else the last commit.
BUILD_EPOCH ?= $(shell echo $${SOURCE_DATE_EPOCH:-$$(git log -1 \
	--format=%ct 2>/dev/null || echo 0)})
PATH_FLAGS = -DCONFIG_DEFAULT_PATH='"$(SYSCONFDIR)/ddnsupdate/config.json"'
ALL_CFLAGS = -std=c99 -D_GNU_SOURCE $(WARN) -Iinclude $(DEPS_CFLAGS) \
	     -DBUILD_EPOCH=$(BUILD_EPOCH) $(PATH_FLAGS) $(CPPFLAGS) $(CFLAGS)
SAN_FLAGS = -fsanitize=address,undefined -fno-omit-frame-pointer \
	    -fno-sanitize-recover=all

MODULES	 = util log netaddr files config cache http netlink echo iface \
	   natpmp ipdetect api identity clouddns
OBJS	 = $(MODULES:%=build/%.o) build/main.o
SAN_OBJS = $(MODULES:%=build/asan/%.o) build/asan/main.o
UNIT_TESTS = config cache ipdetect echo iface natpmp identity clouddns api \
	     util log netaddr

# Debian packages, by their names in Debian 12 and 13 alike: what the
# build and the demo need (make deps), and what the tests add (make
# check-deps: unit and fuzz tests, valgrind, the man page lint, the
# package and its lint, the containers of make check-systemd).
DEPS_PACKAGES = gcc make pkg-config libcurl4-openssl-dev libcjson-dev \
	       python3 openssl
CHECK_PACKAGES = libcmocka-dev valgrind clang libclang-rt-dev mandoc \
	       faketime iproute2 dpkg-dev debhelper lintian devscripts \
	       debootstrap systemd-container
SUDO	= $(shell [ "$$(id -u)" -eq 0 ] || echo sudo)

all: ddnsupdate

ddnsupdate: $(OBJS)
	$(CC) $(LDFLAGS) -o $@ $(OBJS) $(DEPS_LIBS)

build/%.o: src/%.c include/*.h | build/.deps-ok
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

build/asan/%.o: src/%.c include/*.h | build/.deps-ok
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(SAN_FLAGS) -c -o $@ $<

# Only http.c loads libcurl; it needs the soname and the package's name.
build/http.o build/asan/http.o: ALL_CFLAGS += $(CURL_DEFS)

build/asan/ddnsupdate: $(SAN_OBJS)
	$(CC) $(SAN_FLAGS) $(LDFLAGS) -o $@ $(SAN_OBJS) $(DEPS_LIBS)

# Fail loudly, naming the package, when a library is missing.
build/.deps-ok:
	@command -v $(PKG_CONFIG) >/dev/null || \
	    { echo "pkg-config is missing: run make deps (apt-get install pkg-config)"; exit 1; }
	@$(PKG_CONFIG) --exists libcurl || \
	    { echo "libcurl is missing: run make deps (apt-get install libcurl4-openssl-dev)"; exit 1; }
	@$(PKG_CONFIG) --exists libcjson || \
	    { echo "cJSON is missing: run make deps (apt-get install libcjson-dev)"; exit 1; }
	@mkdir -p build && touch $@

# The default configuration path is compiled in: a new SYSCONFDIR
# rebuilds what uses it.
build/.sysconfdir: FORCE | build/.deps-ok
	@echo '$(SYSCONFDIR)' | cmp -s - $@ || echo '$(SYSCONFDIR)' >$@
build/main.o build/config.o build/asan/main.o build/asan/config.o: \
    build/.sysconfdir

# Install with apt-get what is missing; do nothing when all is there.
APT_MISSING = command -v dpkg-query >/dev/null || { echo "$@: not a Debian \
	    system; install by hand what provides: $(1)"; exit 0; }; \
	missing=""; for p in $(1); do \
	    dpkg-query -W -f='$${Status}' $$p 2>/dev/null | \
	    grep -q 'ok installed' || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	    echo "installing:$$missing"; \
	    $(SUDO) apt-get update -qq && \
	    $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y \
	        -qq --no-install-recommends $$missing; \
	else echo "$@: all present"; fi
deps:
	@$(call APT_MISSING,$(DEPS_PACKAGES))
check-deps: deps
	@$(call APT_MISSING,$(CHECK_PACKAGES))

# Unit tests (cmocka), one binary per module, linked with the module.
build/tests/test_%: tests/unit/test_%.c $(MODULES:%=build/%.o) tests/unit/*.h
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -Itests/unit -o $@ $< $(MODULES:%=build/%.o) \
	    $(DEPS_LIBS) $(CMOCKA_LIBS)

build/asan/tests/test_%: tests/unit/test_%.c $(MODULES:%=build/asan/%.o) tests/unit/*.h
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(SAN_FLAGS) -Itests/unit -o $@ $< \
	    $(MODULES:%=build/asan/%.o) $(DEPS_LIBS) $(CMOCKA_LIBS)

unit: $(UNIT_TESTS:%=build/tests/test_%)
	@rc=0; for t in $(UNIT_TESTS:%=build/tests/test_%); do \
	    $$t || rc=1; done; exit $$rc

# The crash test's LD_PRELOAD shim that widens the save window.
build/slowio.so: tests/crash/slowio.c
	@mkdir -p $(@D)
	$(CC) -std=c99 -D_GNU_SOURCE $(WARN) -O1 -shared -fPIC -o $@ $< -ldl

integration: ddnsupdate build/slowio.so
	DDNSUPDATE_BIN=$(CURDIR)/ddnsupdate $(PYTHON) tests/integration/run_tests.py

check: check-deps unit integration

# The same tests with AddressSanitizer and UndefinedBehaviorSanitizer.
check-sanitize: check-deps build/asan/ddnsupdate build/slowio.so \
	    $(UNIT_TESTS:%=build/asan/tests/test_%)
	@rc=0; for t in $(UNIT_TESTS:%=build/asan/tests/test_%); do \
	    $$t || rc=1; done; exit $$rc
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 \
	UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	DDNSUPDATE_BIN=$(CURDIR)/build/asan/ddnsupdate \
	    $(PYTHON) tests/integration/run_tests.py

# Every integration run again at -v: no secret in any output or file.
check-secrets: check-deps ddnsupdate build/slowio.so
	DDNSUPDATE_TEST_VERBOSE=1 DDNSUPDATE_BIN=$(CURDIR)/ddnsupdate \
	    $(PYTHON) tests/integration/run_tests.py

# The cycle, configuration and state cases under valgrind memcheck; any
# error or leak makes the run exit 99 and its case fail.  The logs stay in
# build/valgrind; the line after the tests sums their ERROR SUMMARY lines.
VALGRIND = valgrind --leak-check=full \
	--show-leak-kinds=definite,indirect,possible \
	--errors-for-leak-kinds=definite,indirect,possible --error-exitcode=99
check-valgrind: check-deps ddnsupdate
	rm -rf build/valgrind && mkdir -p build/valgrind
	DDNSUPDATE_WRAPPER="$(VALGRIND) --log-file=$(CURDIR)/build/valgrind/%p.log" \
	DDNSUPDATE_BIN=$(CURDIR)/ddnsupdate \
	    $(PYTHON) tests/integration/run_tests.py test_cycle test_config_state
	@cat build/valgrind/*.log | awk '/ERROR SUMMARY/ { n++; e += $$4 } \
	    /definitely lost:/ { d += $$4 } \
	    END { printf "valgrind: %d runs, ERROR SUMMARY: %d errors, " \
	    "definitely lost: %d bytes\n", n, e, d; exit (e > 0) }'

# The benchmark against the tools people use instead (not part of check):
# installs the peers with apt-get, writes tests/bench/RESULTS.md.
bench: ddnsupdate
	$(PYTHON) tests/bench/bench.py --binary $(CURDIR)/ddnsupdate

demo: ddnsupdate
	$(PYTHON) tests/integration/demo.py $(CURDIR)/ddnsupdate

lint: check-deps
	mandoc -Tlint -Wwarning man/ddnsupdate.1 man/ddnsupdate.json.5

# install puts the units in UNITDIR and, with the other examples, in
# DOCDIR/examples; both with the paths of this install written in (the
# sources in examples/ say @BINDIR@ and @SYSCONFDIR@).  The configuration
# directory and the state directory (STATEDIR, the program's default,
# include/cache.h) are made, closed to others, only when missing: the
# service's systemd moves the state directory to /var/lib/private on its
# first run, and a cron user makes it theirs (README).
STATEDIR = /var/lib/ddnsupdate
UNITS	 = ddnsupdate.service ddnsupdate.timer
EXAMPLES = README.md config.json original-config.json crontab
SUBST	 = sed -e 's|@BINDIR@|$(BINDIR)|g' -e 's|@SYSCONFDIR@|$(SYSCONFDIR)|g'

install: ddnsupdate install-hooks
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1 \
	    $(DESTDIR)$(MANDIR)/man5 $(DESTDIR)$(UNITDIR) \
	    $(DESTDIR)$(DOCDIR)/examples
	install -m 755 ddnsupdate $(DESTDIR)$(BINDIR)/ddnsupdate
	install -m 644 man/ddnsupdate.1 $(DESTDIR)$(MANDIR)/man1/ddnsupdate.1
	install -m 644 man/ddnsupdate.json.5 \
	    $(DESTDIR)$(MANDIR)/man5/ddnsupdate.json.5
	for u in $(UNITS); do \
	    $(SUBST) examples/$$u >$(DESTDIR)$(UNITDIR)/$$u && \
	    chmod 644 $(DESTDIR)$(UNITDIR)/$$u && \
	    cp -p $(DESTDIR)$(UNITDIR)/$$u $(DESTDIR)$(DOCDIR)/examples/ || \
	    exit 1; done
	install -m 644 $(EXAMPLES:%=examples/%) $(DESTDIR)$(DOCDIR)/examples/
	[ -d $(DESTDIR)$(SYSCONFDIR)/ddnsupdate ] || \
	    install -d -m 750 $(DESTDIR)$(SYSCONFDIR)/ddnsupdate
	[ -e $(DESTDIR)$(STATEDIR) ] || [ -L $(DESTDIR)$(STATEDIR) ] || \
	    install -d -m 700 $(DESTDIR)$(STATEDIR)

# Removes what install installed, and the configuration and state
# directories only when they are empty.
uninstall: uninstall-hooks
	rm -f $(DESTDIR)$(BINDIR)/ddnsupdate \
	    $(DESTDIR)$(MANDIR)/man1/ddnsupdate.1 \
	    $(DESTDIR)$(MANDIR)/man5/ddnsupdate.json.5 \
	    $(UNITS:%=$(DESTDIR)$(UNITDIR)/%) \
	    $(UNITS:%=$(DESTDIR)$(DOCDIR)/examples/%) \
	    $(EXAMPLES:%=$(DESTDIR)$(DOCDIR)/examples/%)
	for d in $(DESTDIR)$(DOCDIR)/examples $(DESTDIR)$(DOCDIR) \
	    $(DESTDIR)$(SYSCONFDIR)/ddnsupdate $(DESTDIR)$(STATEDIR); do \
	    [ -L $$d ] || [ ! -d $$d ] || \
	    rmdir --ignore-fail-on-non-empty $$d; done

include tests/fuzz/fuzz.mk
# install-hooks, uninstall-hooks (install and uninstall run them, and so
# the package ships the hooks); it adds check-hooks to check and
# lint-hooks to lint.
include hooks/hooks.mk

# make deb: the Debian package (debian/), built into build/deb/: the .deb,
# its .buildinfo and .changes.  dpkg-buildpackage writes beside the tree
# it builds, so it builds a copy of this one, build/deb/ddnsupdate/.
DEB_DIR	 = build/deb
deb-deps:
	@$(call APT_MISSING,dpkg-dev debhelper)
	@dpkg-checkbuilddeps 2>/dev/null || { \
	    echo "$@: installing the build dependencies of debian/control"; \
	    $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get build-dep \
	        -y -qq ./; }

deb: deb-deps
	rm -rf $(DEB_DIR) && mkdir -p $(DEB_DIR)/ddnsupdate
	tar -cf - --anchored --exclude=./.git --exclude=./build \
	    --exclude=./ddnsupdate . | tar -C $(DEB_DIR)/ddnsupdate -xf -
	cd $(DEB_DIR)/ddnsupdate && dpkg-buildpackage -us -uc -b
	@ls $(DEB_DIR)/*.deb

# The package judged: make check-deb shows its contents, lintian's tags
# and hardening-check's report, and fails on a lintian error or warning;
# make check-systemd boots it in containers of the Debian releases in
# CONTAINER_SUITES (a real systemd: timer, dynamic user, credentials,
# journal priorities; and README's cron path), as root, with their root
# file systems cached in /var/tmp (tests/package/containers.py).
CONTAINER_SUITES ?= bookworm
check-deb: check-deps deb
	tests/package/check-deb.sh $(DEB_DIR)/ddnsupdate_*.deb

check-systemd: check-deps deb
	$(PYTHON) tests/package/containers.py --suites $(CONTAINER_SUITES) \
	    $(DEB_DIR)/ddnsupdate_*.deb


clean:
	rm -rf build ddnsupdate

.PHONY: FORCE all deps check-deps deb-deps deb check-deb check-systemd unit integration check check-sanitize check-secrets \
	check-valgrind bench demo lint install fuzz fuzz-ci fuzz-build fuzz-check-deps \
	uninstall clean
.SECONDARY:
