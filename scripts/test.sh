#!/usr/bin/env bash
# Runs every test (`swift test`), at most 6 at a time.
#
# Many tests play a simulated TikTok in real time: scripted lives, faults switched on at second 3, chat that must land
# on the right frame. Started all at once on a 2-core machine (70 suites), their timers fire seconds late and they
# measure the machine instead of the code. Six at a time keeps them honest and the whole run at about 3 minutes
# with two busy loops beside it. Extra arguments go to `swift test` (e.g. --filter RecorderServiceTests).
set -euo pipefail
cd "$(dirname "$0")/.."
export SWT_EXPERIMENTAL_MAXIMUM_PARALLELIZATION_WIDTH="${SWT_EXPERIMENTAL_MAXIMUM_PARALLELIZATION_WIDTH:-6}"
exec swift test "$@"
