#!/usr/bin/env bash
# Installs the Debian packages GpuGen needs, only if some are missing (idempotent, non-interactive).
# Usage: scripts/ensure-packages.sh PACKAGE[@COMPONENT]...
# A package written NAME@COMPONENT (e.g. libnvrtc11.2@non-free) lives outside Debian's main
# component: when it is missing, that component is enabled in the Debian apt sources first
# (deb822 /etc/apt/sources.list.d/debian.sources or one-line /etc/apt/sources.list).
set -euo pipefail
missing=()
components=()
for spec in "$@"; do
  pkg="${spec%@*}"
  if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$pkg")
    [ "$spec" != "$pkg" ] && components+=("${spec##*@}")
  fi
done
[ ${#missing[@]} -eq 0 ] && exit 0
sudo=""
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || { echo "gpugen: need root (or sudo) to install: ${missing[*]}" >&2; exit 1; }
  sudo="sudo"
fi

# Adds component $1 to every Debian source that lacks it.
enable_component() {
  local c="$1" f
  for f in /etc/apt/sources.list.d/debian.sources; do
    [ -f "$f" ] || continue
    if grep -E '^Components:' "$f" | grep -qvE -- "[[:space:]]$c([[:space:]]|\$)"; then
      echo "==> enabling the Debian '$c' component in $f" >&2
      $sudo sed -i -E "/^Components:/{/[[:space:]]$c([[:space:]]|\$)/!s/\$/ $c/}" "$f"
    fi
  done
  f=/etc/apt/sources.list
  if [ -f "$f" ] && grep -Eq '^deb .*debian' "$f" && grep -E '^deb .*debian' "$f" | grep -qvE -- "[[:space:]]$c([[:space:]]|\$)"; then
    echo "==> enabling the Debian '$c' component in $f" >&2
    $sudo sed -i -E "/^deb .*debian/{/[[:space:]]$c([[:space:]]|\$)/!s/\$/ $c/}" "$f"
  fi
}
for c in ${components[@]+"${components[@]}"}; do enable_component "$c"; done

echo "==> installing Debian packages: ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -q >/dev/null
$sudo apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null
echo "==> installed ${missing[*]}" >&2
