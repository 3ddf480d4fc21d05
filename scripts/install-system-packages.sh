#!/usr/bin/env bash
# Installs the Debian 12 packages the package builds against (libav, libcurl, zlib), and those only the tests and
# benchmarks use: ffmpeg (an outside witness), GNU time (CPU figures), systemd (`systemd-analyze verify` of the unit in
# deploy/). Safe to run again.
set -euo pipefail
packages=(pkg-config libavformat-dev libavcodec-dev libavutil-dev libcurl4-openssl-dev zlib1g-dev ffmpeg time systemd)
sudo=""
if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${packages[@]}" >/dev/null
echo "system packages ready: ${packages[*]}"
