#!/usr/bin/env bash
# Installs Debian's `chromium` package for the tests that render the SLA report
# in a headless browser (tests/reports). Does nothing when /usr/bin/chromium is
# already there, so running it again is safe.
#
# Usage: bash scripts/browser.sh
#
# Needs root or sudo for apt-get. Prints the browser's version when done.
set -euo pipefail

CHROMIUM=/usr/bin/chromium
# Seconds apt-get waits for another apt or dpkg process to release its lock,
# because other installs may run on the same machine at the same time.
APT_LOCK_TIMEOUT_SECONDS=600

if [[ -x $CHROMIUM ]]; then
  printf 'chromium already installed: %s\n' "$("$CHROMIUM" --version 2>/dev/null || echo "$CHROMIUM")"
  exit 0
fi

if [[ $(id -u) -eq 0 ]]; then
  as_root=()
elif command -v sudo >/dev/null 2>&1; then
  as_root=(sudo)
else
  printf 'scripts/browser.sh: %s is missing, and installing it needs root or sudo: run "apt-get install chromium" as root.\n' "$CHROMIUM" >&2
  exit 1
fi

apt_get() {
  "${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get -o "DPkg::Lock::Timeout=$APT_LOCK_TIMEOUT_SECONDS" "$@"
}

printf 'installing chromium with apt-get\n'
apt_get update -q
apt_get install -y -q --no-install-recommends chromium fonts-dejavu-core

if [[ ! -x $CHROMIUM ]]; then
  printf 'scripts/browser.sh: apt-get finished but %s is still missing.\n' "$CHROMIUM" >&2
  exit 1
fi
printf 'chromium installed: %s\n' "$("$CHROMIUM" --version 2>/dev/null || echo "$CHROMIUM")"
