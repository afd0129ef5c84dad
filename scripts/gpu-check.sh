#!/usr/bin/env bash
# GPU check: one command for a machine with an NVIDIA GPU and its driver, given the self-contained
# publish (scripts/publish-linux-x64.sh); it needs no .NET SDK, no network, no python or jq (bash and
# coreutils only). Runs, each under a time limit (the limits add up to under 8 minutes):
#   devices                  gpugen devices --json
#   check                    gpugen check --device cuda:0 --json   (every kernel against cpu)
#   sgemm                    gpugen bench sgemm_n1024 sgemm_n4096 --device cuda:0 --json
#                            (hand-written and cuBLAS GFLOP/s, each as a fraction of the card's FP32 peak)
#   ddpm_unet_step           gpugen bench ddpm_unet_step --device cuda:0 --json
#   ddpm_unet_sample         gpugen bench ddpm_unet_sample --device cuda:0 --json   (1000 steps, extrapolated)
# and writes ONE JSON object to $OUT/gpu-check.json ($OUT set) or ./gpu-check.json: per step its exit
# code, seconds, whether it timed out, the last lines of its stderr, and its JSON result (the command's
# last stdout line; null when it printed none); the header has nvidia-smi's line for the card. Each step's full stdout/stderr stay beside it in
# gpu-check-logs/. Exit 0 when every step exited 0.
# Usage: scripts/gpu-check.sh [path/to/gpugen] [device]   (defaults: dist/linux-x64/gpugen, cuda:0)
set -uo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bin="${1:-$root/dist/linux-x64/gpugen}"
device="${2:-cuda:0}"
dest="${OUT:-.}"
[[ -x "$bin" ]] || { echo "gpu-check: $bin is not an executable; build it with scripts/publish-linux-x64.sh" >&2; exit 2; }
mkdir -p "$dest/gpu-check-logs" || exit 2
logs="$(cd "$dest/gpu-check-logs" && pwd)"
json="$dest/gpu-check.json"
# No network, no telemetry, no first-run chatter from the bundled runtime.
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_BUNDLE_EXTRACT_BASE_DIR="${DOTNET_BUNDLE_EXTRACT_BASE_DIR:-$logs/.bundle}"

# A string as a JSON string literal: backslashes and quotes escaped, control characters as spaces.
json_string() { printf '"%s"' "$(printf '%s' "$1" | tr '\t\r\n' '   ' | tr -d '\000-\010\013\014\016-\037' | sed 's/\\/\\\\/g; s/"/\\"/g')"; }

entries=()
failed=0
# step NAME LIMIT_SECONDS ARGS...: runs gpugen ARGS... under a time limit and records one JSON entry.
step() {
  local name="$1" limit="$2"; shift 2
  echo "==> $name: gpugen $* (limit ${limit}s)" >&2
  local start end rc last result timed_out=false
  start=$(date +%s%N)
  timeout --kill-after=10 "$limit" "$bin" "$@" >"$logs/$name.out" 2>"$logs/$name.err"
  rc=$?
  end=$(date +%s%N)
  [[ $rc -eq 124 || $rc -eq 137 ]] && timed_out=true
  last="$(grep -v '^[[:space:]]*$' "$logs/$name.out" | tail -n 1)"
  if [[ "$last" == "{"*"}" ]]; then result="$last"; else result=null; fi
  local ms=$(( (end - start) / 1000000 ))
  entries+=("$(json_string "$name"):{\"command\":$(json_string "gpugen $*"),\"exit_code\":$rc,\"timed_out\":$timed_out,\"seconds\":$((ms / 1000)).$(printf '%03d' $((ms % 1000))),\"stderr_tail\":$(json_string "$(tail -n 5 "$logs/$name.err")"),\"result\":$result}")
  [[ $rc -eq 0 ]] || failed=$((failed + 1))
  echo "    exit $rc in $((ms / 1000)) s$([[ $timed_out == true ]] && echo ' (timed out)')" >&2
}

begin=$(date +%s)
# The card as the driver describes it (for RESULTS.md); null where nvidia-smi is missing.
smi=null
if command -v nvidia-smi >/dev/null; then
  smi="$(json_string "$(timeout 20 nvidia-smi --query-gpu=name,driver_version,memory.total,clocks.max.sm,power.limit --format=csv,noheader 2>&1)")"
fi
step devices 30 devices --json
step check 100 check --device "$device" --json
step sgemm 120 bench sgemm_n1024 sgemm_n4096 --device "$device" --json
step ddpm_unet_step 90 bench ddpm_unet_step --device "$device" --json
step ddpm_unet_sample 120 bench ddpm_unet_sample --device "$device" --json

{
  printf '{"gpu_check":{"device":%s,"binary":%s,"host":%s,"nvidia_smi":%s,"started_utc":%s,"seconds":%d,"failed_steps":%d},\n' \
    "$(json_string "$device")" "$(json_string "$bin")" "$(json_string "$(uname -n) $(uname -r)")" "$smi" \
    "$(json_string "$(date -u -d "@$begin" +%Y-%m-%dT%H:%M:%SZ)")" $(( $(date +%s) - begin )) "$failed"
  for i in "${!entries[@]}"; do
    printf '%s%s\n' "${entries[$i]}" "$([[ $i -lt $((${#entries[@]} - 1)) ]] && echo ,)"
  done
  printf '}\n'
} >"$json.tmp" && mv -f "$json.tmp" "$json"
echo "==> wrote $json ($failed of ${#entries[@]} steps failed)" >&2
[[ $failed -eq 0 ]]
