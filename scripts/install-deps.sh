#!/usr/bin/env bash
# Installs the system packages hostdev builds and tests against, when they are missing.
set -euo pipefail

packages=(libvirt-dev libxml2-dev libxml2-utils pkg-config)

missing=()
pkg-config --exists libvirt 2>/dev/null || missing+=(libvirt-dev)
pkg-config --exists libxml-2.0 2>/dev/null || missing+=(libxml2-dev)
command -v xmllint >/dev/null 2>&1 || missing+=(libxml2-utils)
command -v pkg-config >/dev/null 2>&1 || missing+=(pkg-config)
[ -f /usr/share/libvirt/schemas/domain.rng ] || missing+=(libvirt-dev)

if ! command -v swift >/dev/null 2>&1; then
    echo "error: no Swift toolchain on PATH; install Swift 6 (https://www.swift.org/install/linux/) first" >&2
    exit 1
fi

[ ${#missing[@]} -eq 0 ] && exit 0

if ! command -v apt-get >/dev/null 2>&1; then
    echo "error: missing ${missing[*]} and no apt-get here; install: ${packages[*]}" >&2
    exit 1
fi
sudo=""
if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1; then
        sudo="sudo"
    else
        echo "error: missing ${missing[*]}; run as root or install sudo" >&2
        exit 1
    fi
fi
echo "installing: ${packages[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq "${packages[@]}" >/dev/null
