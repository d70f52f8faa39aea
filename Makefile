# Makefile for ddnsupdate.  `make deps check` and `make deps demo` are the
# README's two set-up commands on a fresh Debian machine.

PREFIX	?= /usr/local
BINDIR	?= $(PREFIX)/bin
MANDIR	?= $(PREFIX)/share/man
DOCDIR	?= $(PREFIX)/share/doc/ddnsupdate
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

CFLAGS	?= -O2 -g
WARN	 = -Wall -Wextra -Wpedantic -Werror
# When it was built: a clock earlier than this is plainly unset.  The
# release date (SOURCE_DATE_EPOCH, as Debian sets it), else the last commit.
BUILD_EPOCH ?= $(shell echo $${SOURCE_DATE_EPOCH:-$$(git log -1 \
	--format=%ct 2>/dev/null || echo 0)})
ALL_CFLAGS = -std=c99 -D_GNU_SOURCE $(WARN) -Iinclude $(DEPS_CFLAGS) \
	     -DBUILD_EPOCH=$(BUILD_EPOCH) $(CPPFLAGS) $(CFLAGS)
SAN_FLAGS = -fsanitize=address,undefined -fno-omit-frame-pointer \
	    -fno-sanitize-recover=all

MODULES	 = util log netaddr files config cache http netlink echo iface \
	   natpmp ipdetect api identity clouddns
OBJS	 = $(MODULES:%=build/%.o) build/main.o
SAN_OBJS = $(MODULES:%=build/asan/%.o) build/asan/main.o
UNIT_TESTS = config cache ipdetect echo iface natpmp identity clouddns api \
	     util log netaddr

# Debian packages: what the build, the tests and the demo need.
DEB_PACKAGES = gcc make pkg-config libcurl4-openssl-dev libcjson-dev \
	       libcmocka-dev python3 openssl mandoc valgrind clang \
	       libclang-rt-14-dev
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

# Installs with apt-get what is missing; does nothing when all is there.
deps:
	@missing=""; for p in $(DEB_PACKAGES); do \
	    dpkg-query -W -f='$${Status}' $$p 2>/dev/null | \
	    grep -q 'ok installed' || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	    echo "installing:$$missing"; \
	    $(SUDO) apt-get update -qq && \
	    DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq \
	        --no-install-recommends $$missing; \
	else echo "deps: all present"; fi

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
	@rc=0; for t in $^; do $$t || rc=1; done; exit $$rc

# The crash test's LD_PRELOAD shim that widens the save window.
build/slowio.so: tests/crash/slowio.c
	@mkdir -p $(@D)
	$(CC) -std=c99 -D_GNU_SOURCE $(WARN) -O1 -shared -fPIC -o $@ $< -ldl

integration: ddnsupdate build/slowio.so
	DDNSUPDATE_BIN=$(CURDIR)/ddnsupdate $(PYTHON) tests/integration/run_tests.py

check: unit integration

# The same tests with AddressSanitizer and UndefinedBehaviorSanitizer.
check-sanitize: build/asan/ddnsupdate build/slowio.so \
	    $(UNIT_TESTS:%=build/asan/tests/test_%)
	@rc=0; for t in $(UNIT_TESTS:%=build/asan/tests/test_%); do \
	    $$t || rc=1; done; exit $$rc
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 \
	UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	DDNSUPDATE_BIN=$(CURDIR)/build/asan/ddnsupdate \
	    $(PYTHON) tests/integration/run_tests.py

# Every integration run again at -v: no secret in any output or file.
check-secrets: ddnsupdate build/slowio.so
	DDNSUPDATE_TEST_VERBOSE=1 DDNSUPDATE_BIN=$(CURDIR)/ddnsupdate \
	    $(PYTHON) tests/integration/run_tests.py

# The cycle, configuration and state cases under valgrind memcheck; any
# error or leak makes the run exit 99 and its case fail.  The logs stay in
# build/valgrind; the line after the tests sums their ERROR SUMMARY lines.
VALGRIND = valgrind --leak-check=full \
	--show-leak-kinds=definite,indirect,possible \
	--errors-for-leak-kinds=definite,indirect,possible --error-exitcode=99
check-valgrind: ddnsupdate
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

lint:
	mandoc -Tlint -Wwarning man/ddnsupdate.1 man/ddnsupdate.json.5

install: ddnsupdate install-hooks
	mkdir -p $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1 \
	    $(DESTDIR)$(MANDIR)/man5 $(DESTDIR)$(DOCDIR)/examples
	install -m 755 ddnsupdate $(DESTDIR)$(BINDIR)/ddnsupdate
	install -m 644 man/ddnsupdate.1 $(DESTDIR)$(MANDIR)/man1/ddnsupdate.1
	install -m 644 man/ddnsupdate.json.5 \
	    $(DESTDIR)$(MANDIR)/man5/ddnsupdate.json.5
	install -m 644 examples/* $(DESTDIR)$(DOCDIR)/examples/

uninstall: uninstall-hooks
	rm -f $(DESTDIR)$(BINDIR)/ddnsupdate \
	    $(DESTDIR)$(MANDIR)/man1/ddnsupdate.1 \
	    $(DESTDIR)$(MANDIR)/man5/ddnsupdate.json.5
	rm -rf $(DESTDIR)$(DOCDIR)

include tests/fuzz/fuzz.mk
# install-hooks, uninstall-hooks; it adds check-hooks to check and
# lint-hooks to lint.
include hooks/hooks.mk

clean:
	rm -rf build ddnsupdate

.PHONY: all deps unit integration check check-sanitize check-secrets \
	check-valgrind bench demo lint install fuzz fuzz-ci fuzz-build fuzz-check-deps \
	uninstall clean
.SECONDARY:
