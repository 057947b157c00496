#!/usr/bin/env bash
# Unpacks Debian's OpenBLAS (libopenblas0-pthread) into build/openblas without installing it, for
# the bench's `pytorch-openblas` engine: PyTorch then loads its libblas.so.3 through
# LD_LIBRARY_PATH instead of the reference BLAS that Debian's python3-torch is installed with.
# Needs apt-get (the package index may need `apt-get update` first).
set -euo pipefail
cd "$(dirname "$0")/.."
dest=build/openblas
mkdir -p build
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
(cd "$tmp" && apt-get download libopenblas0-pthread >/dev/null)
rm -rf "$dest"
dpkg -x "$tmp"/libopenblas0-pthread_*.deb "$dest"
ls "$dest"/usr/lib/x86_64-linux-gnu/openblas-pthread/libblas.so.3 >/dev/null
echo "OpenBLAS unpacked into $dest (the bench's pytorch-openblas engine uses it)"
