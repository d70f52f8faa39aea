#!/bin/sh
# check-deb.sh: make check-deb; judges the package that make deb built.
# SPDX-License-Identifier: ISC
#
# Usage: check-deb.sh DEB
# Shows dpkg -c, lintian's tags (info included; an error or a warning
# fails) and hardening-check's report on the packaged binary (control-flow
# and branch protection aside: Debian's amd64 start files lack CET
# marking, and branch protection is arm64's), then checks what the package
# holds: every file make install installs (the program, both man pages,
# the units with /usr/bin written in, the examples, the network hooks),
# and nothing under /usr/local.
set -eu

deb=$1
fail=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

echo "== dpkg -c $deb"
dpkg -c "$deb" | tee "$tmp/contents"

echo "== lintian"
# lintian warns when run as root, which CI is; that line is not a tag.
lintian --display-info --show-overrides "$deb" 2>&1 |
    grep -v 'running with root privileges' | tee "$tmp/lintian"
if grep -q '^[EW]: ' "$tmp/lintian"; then
	echo "check-deb: lintian reported errors or warnings"
	fail=1
fi
[ -s "$tmp/lintian" ] || echo "(no tag)"

echo "== hardening-check"
dpkg-deb -x "$deb" "$tmp/root"
skip=--nocfprotection
if hardening-check --help 2>&1 | grep -q -- --nobranchprotection; then
	skip="$skip --nobranchprotection"
fi
# shellcheck disable=SC2086
if ! hardening-check $skip "$tmp/root/usr/bin/ddnsupdate"; then
	echo "check-deb: hardening-check failed"
	fail=1
fi

echo "== contents: every file make install installs, and the copyright"
units=$(find "$tmp/root" -path '*/systemd/system/ddnsupdate.*' | sort)
unitdir=$(dirname "$(echo "$units" | head -n 1)")
unitdir=${unitdir#"$tmp/root"}
make -s -C "$(dirname "$0")/../.." install DESTDIR="$tmp/install" \
    PREFIX=/usr UNITDIR="$unitdir" >/dev/null
(cd "$tmp/install" && find . -type f | sort) >"$tmp/installed"
missing=0
while read -r f; do
	# dh_compress compresses man pages and large documents
	if [ ! -e "$tmp/root/$f" ] && [ ! -e "$tmp/root/$f.gz" ]; then
		echo "FAIL $f (make install) is not in the package"
		missing=1
	fi
done <"$tmp/installed"
[ -e "$tmp/root/usr/share/doc/ddnsupdate/copyright" ] || missing=1
if [ "$missing" -eq 0 ]; then
	echo "ok   the $(wc -l <"$tmp/installed") files of make install" \
	    "and the copyright"
else
	fail=1
fi
if [ "$(echo "$units" | wc -l)" -ne 2 ]; then
	echo "FAIL the service and the timer, under systemd/system: $units"
	fail=1
fi
for u in $units; do
	if grep -q '@[A-Z]*@\|/usr/local' "$u"; then
		echo "FAIL $u names a placeholder or /usr/local"
		fail=1
	fi
done
svc=$(echo "$units" | grep '\.service$' || true)
if [ -n "$svc" ] && grep -qx 'ExecStart=/usr/bin/ddnsupdate' "$svc" &&
    grep -qx 'ConditionPathExists=/etc/ddnsupdate/config.json' "$svc"; then
	echo "ok   the service runs /usr/bin/ddnsupdate once configured"
else
	echo "FAIL the service's ExecStart= or ConditionPathExists="
	fail=1
fi
# libcurl is loaded with dlopen, out of dpkg-shlibdeps' sight
if dpkg-deb -f "$deb" Depends | grep -q 'libcurl4'; then
	echo "ok   it depends on libcurl: $(dpkg-deb -f "$deb" Depends)"
else
	echo "FAIL no dependency on libcurl: $(dpkg-deb -f "$deb" Depends)"
	fail=1
fi
if grep -q ' \./usr/local\| \./etc/ddnsupdate' "$tmp/contents"; then
	echo "FAIL the package ships /usr/local or /etc/ddnsupdate"
	fail=1
fi
[ "$fail" -eq 0 ] && echo "check-deb: ok" || echo "check-deb: FAILED"
exit "$fail"
