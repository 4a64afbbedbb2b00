#!/usr/bin/env bash
# Runs the whole test suite, installing what it needs first: Pacemaker's real tools
# (crm_verify, crm_simulate, its RelaxNG schemas), the real resource agents, and xmllint.
set -euo pipefail
cd "$(dirname "$0")/.."

need=()
command -v crm_verify >/dev/null 2>&1 || need+=(pacemaker-cli-utils)
[ -d /usr/lib/ocf/resource.d/heartbeat ] || need+=(resource-agents)
command -v xmllint >/dev/null 2>&1 || need+=(libxml2-utils)
if [ ${#need[@]} -gt 0 ]; then
  echo "installing: ${need[*]}"
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need[@]}" >/dev/null
fi

cargo test --workspace --locked "$@"
