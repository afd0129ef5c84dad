#!/usr/bin/env bash
# Data-parallel overhead on this machine: each family trained with 1 process and with `mpirun -np 2`
# on the same global batch, printing one Markdown row per run (steps/s, ms a step in MPI collectives,
# gradient bytes averaged a step). Two processes on two cores (one core each, as mpirun's processes share
# a machine's cores) measure the overhead, not a speed-up.
# Usage: bench/mpi-overhead.sh [out-dir]   (needs mpich: apt-get install mpich)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="${1:-$(mktemp -d)}"
"$root/gpugen" --help >/dev/null   # builds once, before the ranks start
cli="$root/.gpugen/cli/GpuGen.Cli.dll"
runs=(
  "ddpm-2d|ddpm --data 8gaussians --steps 400"
  "ddpm-image (the shipped model's config)|ddpm --data fashion-mnist --cond --p-uncond 0.1 --schedule cosine --prediction v --channels 32,64,64 --blocks 1 --time-dim 128 --attention --batch 64 --steps 100 --samples 4 --sample-steps 2"
  "vae (MLP)|vae --data fashion-mnist --batch 128 --steps 100 --samples 4"
  "realnvp-2d|realnvp --data 8gaussians --steps 300"
  "dcgan|gan --data fashion-mnist --batch 64 --steps 100 --samples 4"
  "pixelcnn|pixelcnn --data fashion-mnist --batch 32 --steps 50 --samples 1"
)
echo "| family | processes | steps/s | ms a step in collectives | share of the step | gradient bytes a step |"
echo "|---|---|---|---|---|---|"
for entry in "${runs[@]}"; do
  name="${entry%%|*}"; args="${entry#*|}"
  for n in 1 2; do
    dir="$out/$(echo "$name" | tr -c 'a-z0-9' '-')-$n"
    if [ "$n" = 1 ]; then
      json="$(dotnet "$cli" train $args --out "$dir" --force --json 2>/dev/null | tail -1)"
    else
      json="$(mpirun.mpich -np "$n" dotnet "$cli" train $args --out "$dir" --force --json 2>/dev/null | tail -1)"
    fi
    python3 - "$name" "$n" "$json" <<'PY'
import json, sys
name, n, j = sys.argv[1], int(sys.argv[2]), json.loads(sys.argv[3])
rate = j["steps_per_s"]
comm = j.get("comm_ms_per_step", 0.0)
share = comm / 1e3 * rate
grad = j.get("gradient_bytes_per_step")
print(f"| {name} | {n} | {rate:.2f} | {comm:.2f} | {share:.0%} | {grad:,} |" if grad else f"| {name} | {n} | {rate:.2f} | – | – | – |")
PY
  done
done
