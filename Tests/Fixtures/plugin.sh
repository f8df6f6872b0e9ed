#!/bin/sh
# A Nagios-style plugin for tests: exits with $1 and prints "code $1: $2".
# With "mask", prints its blocked-signal mask instead (a plugin must start with none blocked).
if [ "$1" = mask ]; then
  grep SigBlk /proc/$$/status
  exit 0
fi
echo "code $1: $2"
echo "second line, ignored"
exit "$1"
