#!/bin/sh
# SPDX-License-Identifier: MIT
#
# Install the Debian packages stlm needs to build and test. Idempotent:
# quiet when nothing is missing, runs apt-get update only when something is.
# When not root, prints the exact apt-get line and fails.
#
# Usage: scripts/install-deps.sh [extra-package...]
set -eu

PKGS="gcc make meson ninja-build pkg-config python3 libjson-c-dev \
libfuse3-dev fuse3 libmicrohttpd-dev prometheus gnuplot-nox valgrind \
bash-completion acl python3-yaml python3-dev python3-numpy python3-pandas \
python3-pytest libncurses-dev tmux"

missing=""
for p in $PKGS "$@"; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
		missing="$missing $p"
	fi
done

[ -z "$missing" ] && exit 0

line="apt-get install -y --no-install-recommends$missing"
if [ "$(id -u)" -ne 0 ]; then
	echo "stlm: missing Debian packages:$missing" >&2
	echo "stlm: run as root: apt-get update && $line" >&2
	exit 1
fi

echo "stlm: installing:$missing" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >&2
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $missing >&2
