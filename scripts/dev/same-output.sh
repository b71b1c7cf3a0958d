#!/bin/bash
# Checks that the simulator's outputs are byte for byte what they were when the reference
# hashes below were taken (docs/DEVELOPING.md, "Simulator performance work"): run it after
# any change meant to make the simulator faster and nothing else. A change that is meant to
# alter the model updates the hashes in the same commit and says why.
#   usage: scripts/dev/same-output.sh [outdir]
set -u
out=${1:-$(mktemp -d)}
cd "$(dirname "$0")/../.."
rm -rf "$out/small" "$out/default"
node scripts/lorakit.mjs simulate test/fixtures/small-fleet.yaml --out "$out/small" --json > /dev/null || exit 2
node scripts/lorakit.mjs simulate simulator/fleets/default.yaml --duration 6h --out "$out/default" --json > /dev/null || exit 2
status=0
check() {
  local got
  got=$(sha256sum "$1" | cut -c1-64)
  if [ "$got" = "$2" ]; then echo "same: $1"; else echo "DIFFERENT: $1 ($got)"; status=1; fi
}
check "$out/small/uplinks.jsonl" 360b2109a197ba60c0e047c8e821a3ad90a5d2fb73d1b2a5a3285df67466fb89
check "$out/default/uplinks.jsonl" b8cce8e16d9ef8675349812aa3d410dcfe2261882c9d3647d837d1ab1963e3f7
exit $status
