# hooks.mk
# The network hooks (CONTRACT.md 7); included by the top-level Makefile.
# SPDX-License-Identifier: ISC
#
# `make install` installs, through install-hooks, the trigger as
# $(LIBEXECDIR)/ddnsupdate/trigger and one thin hook per network daemon,
# each named ddnsupdate, in the directory that daemon reads on Debian 12
# and 13, as their packages show (network-manager 1.42 and 1.52,
# networkd-dispatcher 2.2, ifupdown 0.8, isc-dhcp-client 4.4, dhcpcd-base
# 9.4 and 10.1, ppp 2.4 and 2.5):
#
#   NMDISPATCHERDIR        /etc/NetworkManager/dispatcher.d (NetworkManager
#                          also reads /usr/lib/NetworkManager/dispatcher.d)
#   NETWORKDDISPATCHERDIR  /etc/networkd-dispatcher/routable.d (also
#                          /usr/lib/networkd-dispatcher/routable.d)
#   IFUPDIR                /etc/network/if-up.d
#   DHCLIENTHOOKDIR        /etc/dhcp/dhclient-exit-hooks.d
#   DHCPCDHOOKDIR          /usr/lib/dhcpcd/dhcpcd-hooks (compiled into
#                          dhcpcd-run-hooks; /lib/dhcpcd/dhcpcd-hooks on an
#                          older system whose /usr is not merged)
#   PPPIPUPDIR             /etc/ppp/ip-up.d
#
# Like SYSCONFDIR, these are the system's directories when PREFIX is /usr
# or /usr/local (the daemons read no others), and under PREFIX otherwise;
# each one can be set on the command line.  @SYSCONFDIR@, @BINDIR@,
# @LIBEXECDIR@ and the directories are written into the installed files,
# so that a hook checks the configuration and runs the binary of its own
# install.  Executed hooks are mode 0755 (NetworkManager and
# networkd-dispatcher also want them owned by root, as an install by root
# makes them); the sourced ones (dhclient, dhcpcd) 0644.
#
# `make check-hooks` (part of `make check`) runs tests/hooks/test_hooks.py,
# as root: it uses unshare -m.  `make lint` runs shellcheck on the hooks.
# Uses PREFIX, BINDIR, DESTDIR, PYTHON and CHECK_PACKAGES of the top-level
# Makefile.

ifneq ($(filter /usr /usr/local,$(PREFIX)),)
SYSCONFDIR ?= /etc
HOOKS_LIBDIR ?= /usr/lib
else
SYSCONFDIR ?= $(PREFIX)/etc
HOOKS_LIBDIR ?= $(PREFIX)/lib
endif
LIBEXECDIR ?= $(PREFIX)/libexec
NMDISPATCHERDIR ?= $(SYSCONFDIR)/NetworkManager/dispatcher.d
NETWORKDDISPATCHERDIR ?= $(SYSCONFDIR)/networkd-dispatcher/routable.d
IFUPDIR ?= $(SYSCONFDIR)/network/if-up.d
DHCLIENTHOOKDIR ?= $(SYSCONFDIR)/dhcp/dhclient-exit-hooks.d
DHCPCDHOOKDIR ?= $(HOOKS_LIBDIR)/dhcpcd/dhcpcd-hooks
PPPIPUPDIR ?= $(SYSCONFDIR)/ppp/ip-up.d

HOOKS_DIRVARS = SYSCONFDIR BINDIR LIBEXECDIR NMDISPATCHERDIR \
	NETWORKDDISPATCHERDIR IFUPDIR DHCLIENTHOOKDIR DHCPCDHOOKDIR PPPIPUPDIR
HOOKS_SED = sed $(foreach v,$(HOOKS_DIRVARS),-e 's|@$(v)@|$($(v))|g')
HOOKS_SRC = trigger networkmanager networkd-dispatcher ifupdown dhclient \
	dhcpcd ppp
HOOKS_DIRS = $(LIBEXECDIR)/ddnsupdate $(NMDISPATCHERDIR) \
	$(NETWORKDDISPATCHERDIR) $(IFUPDIR) $(DHCLIENTHOOKDIR) \
	$(DHCPCDHOOKDIR) $(PPPIPUPDIR)
HOOKS_INSTALLED = $(LIBEXECDIR)/ddnsupdate/trigger \
	$(NMDISPATCHERDIR)/ddnsupdate $(NETWORKDDISPATCHERDIR)/ddnsupdate \
	$(IFUPDIR)/ddnsupdate $(DHCLIENTHOOKDIR)/ddnsupdate \
	$(DHCPCDHOOKDIR)/ddnsupdate $(PPPIPUPDIR)/ddnsupdate

CHECK_PACKAGES += shellcheck

# Each file is written next to its place, as NAME~, with the directories
# filled in, then renamed into it and given its mode (no shared build
# file: `make -j check` may run two installs at once).  A NAME~ left by an
# interrupted install is never run: dhcpcd and NetworkManager skip names
# ending in ~, run-parts refuses them, and it is not executable.  A
# directory that is missing is made 0755, as networkd-dispatcher requires;
# one that exists is left as it is.
hook_put = @echo "hooks/$(1) -> $(DESTDIR)$(3), mode $(2)" && \
	$(HOOKS_SED) hooks/$(1) >$(DESTDIR)$(3)~ && \
	mv -f $(DESTDIR)$(3)~ $(DESTDIR)$(3) && chmod $(2) $(DESTDIR)$(3)

install-hooks:
	for d in $(HOOKS_DIRS:%=$(DESTDIR)%); do \
	    [ -d "$$d" ] || install -d -m 755 "$$d" || exit 1; done
	$(call hook_put,trigger,755,$(LIBEXECDIR)/ddnsupdate/trigger)
	$(call hook_put,networkmanager,755,$(NMDISPATCHERDIR)/ddnsupdate)
	$(call hook_put,networkd-dispatcher,755,$(NETWORKDDISPATCHERDIR)/ddnsupdate)
	$(call hook_put,ifupdown,755,$(IFUPDIR)/ddnsupdate)
	$(call hook_put,dhclient,644,$(DHCLIENTHOOKDIR)/ddnsupdate)
	$(call hook_put,dhcpcd,644,$(DHCPCDHOOKDIR)/ddnsupdate)
	$(call hook_put,ppp,755,$(PPPIPUPDIR)/ddnsupdate)

uninstall-hooks:
	rm -f $(HOOKS_INSTALLED:%=$(DESTDIR)%) $(HOOKS_INSTALLED:%=$(DESTDIR)%~)
	rmdir $(DESTDIR)$(LIBEXECDIR)/ddnsupdate 2>/dev/null || true

check-hooks:
	$(PYTHON) tests/hooks/test_hooks.py

lint-hooks:
	@command -v shellcheck >/dev/null || \
	    { echo "shellcheck is missing: run make check-deps" \
	    "(apt-get install shellcheck)"; exit 1; }
	shellcheck -s sh $(HOOKS_SRC:%=hooks/%)

check: check-hooks
lint: lint-hooks

.PHONY: install-hooks uninstall-hooks check-hooks lint-hooks
