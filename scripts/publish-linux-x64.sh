#!/usr/bin/env bash
# Publishes `gpugen` as one self-contained linux-x64 executable (the .NET runtime inside): copy it to
# a machine without .NET and run it there. On a GPU server the NVIDIA driver (libcuda.so.1) is all
# `--device cuda:N` needs: ILGPU compiles the kernels to PTX itself and the driver JIT-assembles it,
# so no NVRTC and no CUDA toolkit. cuBLAS (libcublas.so from the CUDA toolkit) is optional: only the
# cuBLAS rows of `gpugen bench` and `--cublas` use it. Not trimmed and not NativeAOT: ILGPU reads the
# kernels' IL at run time, so ILGPU and GpuGen.Kernels must ship whole.
# Then, on the GPU machine: scripts/gpu-check.sh [path/to/gpugen]  (see bench/README.md, "GPU check").
# Usage: scripts/publish-linux-x64.sh [OUTPUT_DIR]   (default: dist/linux-x64)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="${1:-$root/dist/linux-x64}"
command -v dotnet >/dev/null || { echo "publish: the .NET SDK (dotnet) is not on PATH; install .NET 10 first" >&2; exit 1; }
mkdir -p "$out"
echo "==> publishing gpugen (Release, linux-x64, self-contained single file, untrimmed) to $out ..." >&2
dotnet publish "$root/src/GpuGen.Cli/GpuGen.Cli.csproj" -c Release -r linux-x64 --self-contained \
  -p:PublishSingleFile=true -p:PublishTrimmed=false -p:PublishAot=false -p:IncludeNativeLibrariesForSelfExtract=true \
  -p:EnableCompressionInSingleFile=true -p:DebugType=none -o "$out/.publish" -nologo -v quiet
mv -f "$out/.publish/GpuGen.Cli" "$out/gpugen"
rm -rf "$out/.publish"
chmod +x "$out/gpugen"
echo "==> $out/gpugen ($(du -h "$out/gpugen" | cut -f1)); try: $out/gpugen devices" >&2
