#!/usr/bin/env bash
# GpuGen's CPU SGEMM beside OpenBLAS, shape by shape: `gpugen bench sgemm_shapes --json` and
# bench/reference/openblas_shapes.c (the same shapes through the system OpenBLAS, on every core, at its
# best of the ways it can run them) in alternating rounds, GpuGen first in odd rounds. Prints one row per
# shape (medians over the rounds, GFLOP/s; GpuGen's fraction of its run's FMA peak; GpuGen / OpenBLAS
# per round, its median and range), then one JSON object on the last line.
# The machine's OPENBLAS_* settings (a core type, an L2 size) are kept unless --drop-openblas-env is given;
# OPENBLAS_NUM_THREADS is always the core count.
# Usage: bench/sgemm-peer.sh [rounds (default 3)] [--drop-openblas-env]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
rounds=3; drop=0
for arg in "$@"; do
  case "$arg" in
    --drop-openblas-env) drop=1 ;;
    ''|*[!0-9]*) echo "sgemm-peer: unknown argument '$arg' (usage: bench/sgemm-peer.sh [rounds] [--drop-openblas-env])" >&2; exit 2 ;;
    *) rounds="$arg" ;;
  esac
done
[ "$rounds" -ge 1 ] || { echo "sgemm-peer: rounds must be at least 1" >&2; exit 2; }
"$root/scripts/ensure-packages.sh" gcc libc6-dev libopenblas-dev python3
"$root/gpugen" --help >/dev/null   # builds once
cli="$root/.gpugen/cli/GpuGen.Cli.dll"
peer="$root/.gpugen/peer/openblas_shapes"
mkdir -p "$(dirname "$peer")"
gcc -O2 -pthread "$root/bench/reference/openblas_shapes.c" -o "$peer" -lopenblas -lm

peer_env=(env "OPENBLAS_NUM_THREADS=$(nproc)")
settings=$(env | grep -E '^OPENBLAS_' | grep -v '^OPENBLAS_NUM_THREADS=' || true)
if [ -n "$settings" ]; then
  if [ "$drop" = 1 ]; then
    echo "OpenBLAS settings dropped: $(echo $settings)"
    for name in $(echo "$settings" | cut -d= -f1); do peer_env+=(-u "$name"); done
  else
    echo "OpenBLAS settings kept: $(echo $settings) (--drop-openblas-env to drop them)"
  fi
fi

out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
for ((r = 1; r <= rounds; r++)); do
  order=(gpugen openblas)
  [ $((r % 2)) = 0 ] && order=(openblas gpugen)
  for side in "${order[@]}"; do
    echo "$(date -u +%H:%M:%S) round $r/$rounds: $side" >&2
    if [ "$side" = gpugen ]; then
      dotnet "$cli" bench sgemm_shapes --json 2>/dev/null | tail -1 > "$out/gpugen.$r.json"
    else
      "${peer_env[@]}" "$peer" | tail -1 > "$out/openblas.$r.json"
    fi
  done
done

python3 - "$out" "$rounds" <<'PY'
import json, statistics, sys
out, rounds = sys.argv[1], int(sys.argv[2])
gg = [json.load(open(f"{out}/gpugen.{r}.json")) for r in range(1, rounds + 1)]
ob = [json.load(open(f"{out}/openblas.{r}.json")) for r in range(1, rounds + 1)]
names = list(ob[0]["results"])
shapes = gg[0]["results"]["sgemm_shapes"]
ours = [k[:-len("_gflops")] for k in shapes if k.endswith("_gflops")]
if sorted(ours) != sorted(names):
    sys.exit(f"sgemm-peer: the shape lists differ; only GpuGen: {sorted(set(ours) - set(names))}, "
             f"only OpenBLAS: {sorted(set(names) - set(ours))} (bench/reference/openblas_shapes.c follows SgemmShapes.cs)")
med = statistics.median
print(f"OpenBLAS core {ob[0]['core']}, {ob[0]['threads']} threads ({ob[0]['config']}); GpuGen FMA peak "
      f"{med(g['fma_peak_gflops'] for g in gg):.0f} GFLOP/s (median of {rounds} runs)")
print(f"{'shape':28} {'GpuGen':>8} {'of peak':>8} {'OpenBLAS':>9} {'best':>7}  GpuGen/OpenBLAS per round")
summary = {}
for n in names:
    ours_r = [g["results"]["sgemm_shapes"][f"{n}_gflops"] for g in gg]
    frac_r = [g["results"]["sgemm_shapes"][f"{n}_fraction_of_peak"] for g in gg]
    peer_r = [o["results"][n]["gflops"] for o in ob]
    best = max(o["results"][n]["best_gflops"] for o in ob)
    ratio = [a / b for a, b in zip(ours_r, peer_r)]
    print(f"{n:28} {med(ours_r):8.1f} {med(frac_r):8.1%} {med(peer_r):9.1f} {best:7.1f}  "
          f"{med(ratio):.2f} ({min(ratio):.2f}–{max(ratio):.2f})")
    summary[n] = {"gpugen_gflops": round(med(ours_r), 1), "gpugen_fraction_of_peak": round(med(frac_r), 4),
                  "openblas_gflops": round(med(peer_r), 1), "openblas_best_gflops": round(best, 1),
                  "ratio": round(med(ratio), 3), "ratio_min": round(min(ratio), 3), "ratio_max": round(max(ratio), 3)}
print(json.dumps({"rounds": rounds, "openblas_core": ob[0]["core"], "openblas_config": ob[0]["config"],
                  "fma_peak_gflops": round(med(g["fma_peak_gflops"] for g in gg), 1), "shapes": summary}))
PY
