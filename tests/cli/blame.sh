#!/bin/sh
# SPDX-License-Identifier: MIT
# Copyright (c) 2026 The stlm authors
#
# Errors that name what failed and whose fault it is:
# - a busy port: `stlm export --listen` says "cannot listen on ADDR:
#   address in use" (not libmicrohttpd's own "port 0" line), and
#   stlm-platform says "cannot listen" once;
# - `export --textfile` without a single value fails as `read` does;
# - a platform the user may not open locally (a 0700 directory) is a local
#   permission, not "denied by the platform".
. "$(dirname "$0")/lib.sh"

PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
python3 -c 'import socket,sys,time; s=socket.socket(); s.bind(("127.0.0.1", int(sys.argv[1]))); s.listen(1); time.sleep(60)' "$PORT" &
HOLDER=$!
PIDS="$PIDS $HOLDER"
for _ in $(seq 100); do
	python3 -c 'import socket,sys; socket.create_connection(("127.0.0.1", int(sys.argv[1])), 1)' "$PORT" 2>/dev/null && break
	sleep 0.05
done

start_platform p
P=$(uri p)
expect_rc 1 "export on a busy port" timeout 20 "$STLM" -q -p "$P" export --listen "127.0.0.1:$PORT"
[ "$(cat "$T/err")" = "stlm: cannot listen on 127.0.0.1:$PORT: address in use (another program serves that port)" ] &&
	ok || fail "export busy port: $(cat "$T/err")"
expect_rc 1 "stlm-platform on a busy port" timeout 20 "$STLM_PLATFORM_BIN" --listen "tcp:127.0.0.1:$PORT"
[ "$(grep -c "cannot listen" "$T/err")" -eq 1 ] && grep -q "Address already in use" "$T/err" &&
	ok || fail "stlm-platform busy port: $(cat "$T/err")"

# export --textfile without the memory file: no value, exit 1, read's words
NOMEM="unix:$T/p.sock"
expect_rc 0 "enable" "$STLM" -q -p "$P" enable --all
expect_rc 0 "config --on" "$STLM" -q -p "$P" config --on
expect_rc 1 "read without the memory file" "$STLM" -q -p "$NOMEM" read
read_err=$(sed 's/^stlm: //' "$T/err")
expect_rc 1 "export --textfile without the memory file" "$STLM" -q -p "$NOMEM" export --textfile "$T/metrics.prom"
[ "$(sed 's/^stlm: //' "$T/err")" = "$read_err" ] && ok ||
	fail "export --textfile: '$(cat "$T/err")', read said '$read_err'"

# a local permission is not the platform's refusal
if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null 2>&1; then
	mkdir -m 0700 "$T/private"
	start_platform q
	mv "$T/q.sock" "$T/q.mem" "$T/private/"
	chmod 0755 "$T"
	expect_rc 1 "unprivileged open" setpriv --reuid 65534 --regid 65534 --clear-groups \
		"$STLM" -q -p "unix:$T/private/q.sock?mem=$T/private/q.mem" info
	grep -q "permission denied here" "$T/err" && ! grep -q "denied by the platform" "$T/err" &&
		ok || fail "local permission: $(cat "$T/err")"
else
	echo "SKIP part: unprivileged open (needs root and setpriv)"
fi
finish
