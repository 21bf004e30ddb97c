#!/usr/bin/env bash
# Regenerates the PTX of mka1-backend-cuda from its CUDA C sources (needs nvcc, any CUDA >= 12).
# Each module src/main/cuda/NAME.cu becomes src/main/resources/com/mka1/backend/cuda/ptx/NAME.ptx:
#   nvcc --ptx -arch=compute_75 -O3 (or the arch named by a "// mka1-arch: compute_XX" line in the
#   source: the tensor-core module needs compute_80). CUDA 13's nvcc no longer emits compute_70,
#   so the ".target sm_75" line is lowered to sm_70 (Volta; PtxModulesTest proves that the PTX
#   compiles for sm_70), and the ".version" line is pinned to 8.0 so that JCuda 12's
#   bundled PTX compiler and CUDA 12 drivers accept it (the kernels use no newer instructions),
#   and a first line recording the SHA-256 of common.cuh + NAME.cu (a unit test fails on stale PTX).
# Modules whose recorded hash already matches are skipped; pass --force to rebuild all.
set -euo pipefail
cd "$(dirname "$0")/../mka1-backend-cuda"
NVCC="${NVCC:-/usr/local/cuda/bin/nvcc}"
src=src/main/cuda
out=src/main/resources/com/mka1/backend/cuda/ptx
force=${1:-}
mkdir -p "$out"
for cu in "$src"/*.cu; do
  name=$(basename "$cu" .cu)
  hash=$(cat "$src/common.cuh" "$cu" | sha256sum | cut -d' ' -f1)
  ptx="$out/$name.ptx"
  if [ "$force" != "--force" ] && [ -f "$ptx" ] && head -n1 "$ptx" | grep -q "$hash"; then
    continue
  fi
  arch=$(sed -n 's|^// mka1-arch: \(compute_[0-9]*\)$|\1|p' "$cu")
  tmp=$(mktemp)
  "$NVCC" --ptx -arch="${arch:-compute_75}" -O3 -o "$tmp" "$cu"
  { echo "// mka1-source-sha256: $hash"
    sed -e 's/^\.version [0-9.]*$/.version 8.0/' -e 's/^\.target sm_75$/.target sm_70/' "$tmp"; } > "$ptx"
  rm -f "$tmp"
  echo "regen-ptx: $ptx"
done
