#!/usr/bin/env bash
# Publishes `gpugen` as one self-contained linux-x64 executable (the .NET runtime inside, trimmed):
# copy it to a GPU server that has the NVIDIA driver (libcuda.so.1) and NVRTC (libnvrtc.so.12 or
# .13 from the CUDA toolkit, or Debian's libnvrtc11.2) but no .NET, and run it there.
# Usage: scripts/publish-linux-x64.sh [OUTPUT_DIR]   (default: dist/linux-x64)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="${1:-$root/dist/linux-x64}"
command -v dotnet >/dev/null || { echo "publish: the .NET SDK (dotnet) is not on PATH; install .NET 10 first" >&2; exit 1; }
mkdir -p "$out"
echo "==> publishing gpugen (Release, linux-x64, self-contained single file, trimmed) to $out ..." >&2
dotnet publish "$root/src/GpuGen.Cli/GpuGen.Cli.csproj" -c Release -r linux-x64 --self-contained \
  -p:PublishSingleFile=true -p:PublishTrimmed=true -p:IncludeNativeLibrariesForSelfExtract=true \
  -p:DebugType=none -o "$out/.publish" -nologo -v quiet
mv -f "$out/.publish/GpuGen.Cli" "$out/gpugen"
rm -rf "$out/.publish"
chmod +x "$out/gpugen"
echo "==> $out/gpugen ($(du -h "$out/gpugen" | cut -f1)); try: $out/gpugen devices" >&2
