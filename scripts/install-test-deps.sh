#!/usr/bin/env bash
# Installs what `make test` needs when it is missing and the machine allows
# it (Debian/Ubuntu with apt-get, as root or with passwordless sudo):
# PostgreSQL server binaries, Chromium for UI tests, nginx for the decision
# API test, buildah for the image test. Tests that need a tool that could
# not be installed fail with a message naming it.
set -u

need=()
have_pg() {
  command -v initdb >/dev/null 2>&1 && command -v postgres >/dev/null 2>&1 && return 0
  ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1
}
have_pg || need+=(postgresql)
for pkg in "$@"; do
  case "$pkg" in
    chromium) command -v chromium >/dev/null 2>&1 || need+=(chromium) ;;
    nginx) command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || need+=(nginx) ;;
    buildah) command -v buildah >/dev/null 2>&1 || need+=(buildah) ;;
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
# The postgresql package's post-install starts a system cluster; tests use
# their own private servers, so it is stopped again if it was started.
$sudo apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null 2>&1 ||
  echo "install-test-deps: apt-get could not install ${need[*]}" >&2
exit 0
