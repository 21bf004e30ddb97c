#!/usr/bin/env bash
# Current PyTorch for bench/train-vs-pytorch.sh on a machine where PyPI is out of reach: Debian
# sid's python3-torch (2.14.1 on 2026-12-07: oneDNN, OpenMP, AVX-512 kernels, BLAS chosen at run
# time) in a debootstrapped chroot, with OpenBLAS (pthread) and Intel MKL 2020.4 (non-free).
# Needs root, debootstrap and Debian's mirror. Prints the PYTHON= setting that runs all three:
#   PYTHON="$(bench/pytorch-chroot.sh)" bench/train-vs-pytorch.sh
# The three interpreters it writes beside the chroot (ROOT, default /work/torchroot):
#   python-openblas     PyTorch on OpenBLAS
#   python-mkl          PyTorch on MKL as MKL runs on AMD CPUs (its generic kernels)
#   python-mkl-avx512   PyTorch on MKL with its Intel-only CPU check answered yes (a known
#                       workaround, mkl_serv_intel_cpu_true), so it runs its AVX-512 kernels here
set -euo pipefail
ROOT=${ROOT:-/work/torchroot}
CHROOT=$ROOT/trixie
MIRROR=${MIRROR:-http://deb.debian.org/debian}
[ "$(id -u)" -eq 0 ] || { echo "bench/pytorch-chroot.sh needs root (debootstrap, chroot, mount)" >&2; exit 1; }
command -v debootstrap >/dev/null || apt-get install -y -qq debootstrap >&2

if [ ! -x "$CHROOT/usr/bin/python3" ] || ! chroot "$CHROOT" python3 -c 'import torch' 2>/dev/null; then
  [ -d "$CHROOT/etc" ] || debootstrap --variant=minbase --components=main,contrib,non-free trixie "$CHROOT" "$MIRROR" >&2
  printf 'deb %s trixie main contrib non-free\ndeb %s sid main contrib non-free\n' "$MIRROR" "$MIRROR" > "$CHROOT/etc/apt/sources.list"
  cp /etc/resolv.conf "$CHROOT/etc/" 2>/dev/null || true
  # sid's Release file may be older than apt's validity window on a mirror snapshot
  chroot "$CHROOT" apt-get -o Acquire::Check-Valid-Until=false update -qq >&2
  chroot "$CHROOT" env DEBIAN_FRONTEND=noninteractive apt-get -o Acquire::Check-Valid-Until=false install -y -qq \
      -t sid python3-torch python3-numpy libopenblas0-pthread libmkl-rt >&2
fi
if [ ! -f "$CHROOT/usr/local/lib/libfakeintel.so" ]; then  # no libc calls: the host's gcc builds it
  echo 'int mkl_serv_intel_cpu_true(void) { return 1; }' | gcc -shared -fPIC -O2 -x c -o "$CHROOT/usr/local/lib/libfakeintel.so" -
fi
# the benchmark runs from the repository: the same paths inside the chroot
for dir in /proc /dev /tmp "$(cd "$(dirname "$0")/.." && pwd)"; do
  mkdir -p "$CHROOT$dir"
  mountpoint -q "$CHROOT$dir" || mount --bind "$dir" "$CHROOT$dir"
done
write() {  # name, environment of python3 inside the chroot
  printf '#!/bin/sh\nexec chroot %s /bin/sh -c '\''cd "$0" && %s exec python3 "$@"'\'' "$PWD" "$@"\n' "$CHROOT" "$2" > "$ROOT/$1"
  chmod +x "$ROOT/$1"
}
MKL=LD_LIBRARY_PATH=/usr/lib/x86_64-linux-gnu/mkl
write python-openblas ""
write python-mkl "$MKL"
write python-mkl-avx512 "LD_PRELOAD=/usr/local/lib/libfakeintel.so $MKL"
"$ROOT/python-openblas" -c 'import torch; print("PyTorch", torch.__version__)' >&2
echo "$ROOT/python-openblas $ROOT/python-mkl $ROOT/python-mkl-avx512"
