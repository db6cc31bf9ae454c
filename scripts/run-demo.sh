#!/bin/sh
# SPDX-License-Identifier: MIT
# `make run`: the main job. Filled in as the emulator, CLI and daemon land.
set -eu
BUILD=${1:-build}
echo "stlm $(sed -n "s/^\s*version: '\(.*\)',/\1/p" meson.build | head -1): built in $BUILD/."
echo "Not built yet: stlm-platform (emulator), stlm (CLI), stlmd (daemon)."
