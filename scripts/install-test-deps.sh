#!/usr/bin/env bash
# Installs what `make test` (and, for PostgreSQL, `make run`) needs when it
# is missing and the machine allows it (Debian/Ubuntu with apt-get, as root
# or with passwordless sudo):
# PostgreSQL server binaries, Chromium for UI tests, nginx for the decision
# API test, buildah for the image test (and `make image`), wrk for
# `make bench`, the CA bundle the image ships. Tests that need a tool that could
# not be installed fail with a message naming it.
#
#   install-test-deps.sh [TOOL...]          PostgreSQL plus the named tools
#   install-test-deps.sh --only TOOL...     just the named tools (make image)
#
# It is quiet when everything is present, so it can run on every make.
set -u

need=()
have_pg() {
  command -v initdb >/dev/null 2>&1 && command -v postgres >/dev/null 2>&1 && return 0
  ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1
}
if [ "${1:-}" = "--only" ]; then shift; else have_pg || need+=(postgresql); fi
for pkg in "$@"; do
  case "$pkg" in
    postgresql) have_pg || need+=(postgresql) ;;
    ca-certificates) [ -s /etc/ssl/certs/ca-certificates.crt ] || need+=(ca-certificates) ;;
    wrk) command -v wrk >/dev/null 2>&1 || need+=(wrk) ;;
    chromium) command -v chromium >/dev/null 2>&1 || need+=(chromium) ;;
    nginx) command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || need+=(nginx) ;;
    buildah) command -v buildah >/dev/null 2>&1 || need+=(buildah) ;;
    *) echo "install-test-deps: unknown tool $pkg" >&2; exit 2 ;;
  esac
done
[ ${#need[@]} -eq 0 ] && exit 0

if ! command -v apt-get >/dev/null 2>&1; then
  echo "install-test-deps: missing ${need[*]} and there is no apt-get here; install them by hand" >&2
  exit 0
fi
sudo=""
if [ "$(id -u)" -ne 0 ]; then
  if sudo -n true 2>/dev/null; then sudo="sudo -n"; else
    echo "install-test-deps: missing ${need[*]}; run as root or install them by hand" >&2
    exit 0
  fi
fi
echo "install-test-deps: installing ${need[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq >/dev/null 2>&1 || true
# The postgresql package's post-install may start a system cluster on port
# 5432; nothing here uses it: tests and `make run` start private servers on
# free ports.
$sudo apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null 2>&1 ||
  echo "install-test-deps: apt-get could not install ${need[*]}" >&2
exit 0
