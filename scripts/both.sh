#!/bin/sh
# Runs two commands at once (the machines have two cores) and fails if either fails, after both
# have finished. Each command's output is collected and printed whole, first command first, so
# the two never interleave. Usage: sh scripts/both.sh 'command one' 'command two'
set -u
[ $# -eq 2 ] || { echo "usage: sh scripts/both.sh 'command one' 'command two'" >&2; exit 2; }
out1=$(mktemp) out2=$(mktemp)
trap 'rm -f "$out1" "$out2"' EXIT
sh -c "$1" >"$out1" 2>&1 &
pid=$!
sh -c "$2" >"$out2" 2>&1
rc2=$?
wait "$pid"
rc1=$?
printf '> %s (exit %s)\n' "$1" "$rc1"; cat "$out1"
printf '> %s (exit %s)\n' "$2" "$rc2"; cat "$out2"
[ "$rc1" -eq 0 ] && [ "$rc2" -eq 0 ]
