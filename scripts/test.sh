#!/usr/bin/env bash
# Runs the whole test suite, installing what it needs first: Pacemaker's real tools
# (crm_verify, crm_simulate, its RelaxNG schemas, its daemons' option metadata), the real
# resource and fence agents, xmllint, and Neovim (a real editor for the language server).
set -euo pipefail
cd "$(dirname "$0")/.."

need=()
command -v crm_verify >/dev/null 2>&1 || need+=(pacemaker-cli-utils)
[ -d /usr/lib/ocf/resource.d/heartbeat ] || need+=(resource-agents)
command -v xmllint >/dev/null 2>&1 || need+=(libxml2-utils)
[ -x /usr/sbin/fence_ipmilan ] || need+=(fence-agents)
[ -x /usr/lib/pacemaker/pacemaker-schedulerd ] || need+=(pacemaker)
command -v nvim >/dev/null 2>&1 || need+=(neovim)
command -v npm >/dev/null 2>&1 || need+=(nodejs npm)
if [ ${#need[@]} -gt 0 ]; then
  echo "installing: ${need[*]}"
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need[@]}" >/dev/null
fi

log="$(mktemp)"
trap 'rm -f "$log"' EXIT
set +e
cargo test --workspace --locked "$@" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
set -e
# One closing line for the whole run (cargo prints one per test binary, the last often "0 passed").
awk '/^test result:/ { for (i = 1; i <= NF; i++) { if ($i ~ /^passed/) p += $(i-1); if ($i ~ /^failed/) f += $(i-1) } }
     END { printf "%d passed, %d failed\n", p, f }' "$log"
exit "$status"
