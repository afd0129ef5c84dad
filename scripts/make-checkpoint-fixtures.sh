#!/usr/bin/env bash
# Writes the checkpoint fixtures of tests/GpuGen.Tests/Fixtures/Checkpoints: tiny checkpoints of every
# model family (scripts/CheckpointFixtures.cs trains each a few steps on cpu), two float16 exports, and
# the samples `gpugen sample` draws from each with a fixed seed. CheckpointFixtureTests loads every file
# with the code of the day and checks it samples the same, so a change to the checkpoint layout or the
# config JSON that breaks old files fails a test. Rewrite the fixtures only on purpose (a deliberate
# format change), and say in the README which commit wrote them.
# Usage: scripts/make-checkpoint-fixtures.sh [OUTDIR]   (default: the fixtures folder)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
out="${1:-tests/GpuGen.Tests/Fixtures/Checkpoints}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
mkdir -p "$out"

./gpugen devices >/dev/null   # builds the CLI (Release) when the sources changed
gpugen() { dotnet .gpugen/cli/GpuGen.Cli.dll "$@"; }
dotnet run scripts/CheckpointFixtures.cs -- "$work"

for f in ddpm-2d ddpm-image-cond classifier nice-toy realnvp-toy realnvp-image-conv gan-mlp pixelcnn-cond; do
  cp "$work/$f.safetensors" "$out/"
done
cp "$work/classifier-inputs.npy" "$work/classifier-logits.npy" "$out/"
# The conv CVAE's full checkpoint is 1.2 MB (its widths are fixed); its float16 export is kept instead.
gpugen export "$work/cvae-conv.safetensors" "$out/cvae-conv-f16.safetensors"
gpugen export "$out/ddpm-2d.safetensors" "$out/ddpm-2d-f16.safetensors"

# The samples: the same arguments as CheckpointFixtureTests passes.
sample() { local name="$1"; shift; gpugen sample "$out/$name.safetensors" --seed 7 --npy "$out/$name-samples.npy" "$@"; }
sample ddpm-2d -n 16
sample ddpm-2d-f16 -n 16
sample ddpm-image-cond -n 4 --sampler ddim --steps 4
sample nice-toy -n 16
sample realnvp-toy -n 16
sample realnvp-image-conv -n 2
sample gan-mlp -n 16
sample pixelcnn-cond -n 2
sample cvae-conv-f16 -n 4
ls -l "$out"
