#!/bin/sh
# A Nagios-style plugin for tests: exits with $1 and prints "code $1: $2".
echo "code $1: $2"
echo "second line, ignored"
exit "$1"
