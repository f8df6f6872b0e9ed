#!/bin/sh
# A Nagios-style plugin for tests: exits with $1 and prints "code $1: $2".
# With "mask", prints its blocked-signal mask instead (a plugin must start with none blocked).
if [ "$1" = mask ]; then
  # Read by the shell itself: a forked grep would catch the shell mid-fork, signals blocked.
  while read -r line; do
    case "$line" in SigBlk*) echo "$line" ;; esac
  done < /proc/$$/status
  exit 0
fi
echo "code $1: $2"
echo "second line, ignored"
exit "$1"
