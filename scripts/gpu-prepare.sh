#!/usr/bin/env bash
# Fills .gpu/ (ignored by git, carried to a lent GPU machine, which has no network): the `webgpu` package pruned to
# linux-x64 (≈ 22 MB of its 132) and the Vulkan loader's .deb, so scripts/gpu-bench.mjs runs there from the built
# tree. See docs/BENCHMARKS.md, "WebGPU", for the one command that runs it there.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -f dist/backend/webgpu/compute.js ] || npm run build
rm -rf .gpu && mkdir -p .gpu/webgpu/dist
cp node_modules/webgpu/index.js node_modules/webgpu/package.json .gpu/webgpu/
cp -r node_modules/webgpu/dist/linux-x64 .gpu/webgpu/dist/
(cd .gpu && apt-get download libvulkan1 >/dev/null)
du -sh .gpu
