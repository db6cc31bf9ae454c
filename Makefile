# SPDX-License-Identifier: MIT
#
# The two commands: `make test` and `make run`. Both install missing Debian
# packages first (scripts/install-deps.sh), then configure build/ with meson.

BUILD ?= build
MESON_OPTS ?=

.PHONY: all deps setup build test test-slow run bench fuzz clean

all: build

deps:
	@scripts/install-deps.sh

$(BUILD)/build.ninja:
	@scripts/install-deps.sh
	meson setup $(BUILD) $(MESON_OPTS)

setup: deps $(BUILD)/build.ninja

build: setup
	meson compile -C $(BUILD)

test: build
	meson test -C $(BUILD) --print-errorlogs --num-processes 2 --no-suite slow

# The slow suite (real kernels, packages installed into a clean root): what
# it builds is cached under $(STLM_CACHE), ~/.cache/stlm by default.
test-slow: build
	meson test -C $(BUILD) --print-errorlogs --num-processes 1 --suite slow \
		--logbase testlog-slow

run: build
	@scripts/run-demo.sh $(BUILD)

bench: build
	@scripts/run-bench.sh $(BUILD)

fuzz:
	@scripts/run-fuzzers.sh $(or $(SECONDS_PER_FUZZER),60)

clean:
	rm -rf $(BUILD)
