#!/bin/bash
# The README's results: the default recipe (domain mixed) on seeds 0, 1, 2; the same recipe on the narrow domain on
# seeds 0, 1, 2 and on the wide domain on seeds 0, 1, 2; each timed with /usr/bin/time -v, then gathered into assets/ by
# tools/collect_results.py (the first run gives the figures). About 40 minutes on 2 cores.
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p runs
runs=()
train() {  # train NAME ARGS...: one timed run, its printed output and timing kept in the run folder
  local name=$1; shift
  /usr/bin/time -v clip_nb_train --name "$name" --overwrite "$@" > "runs/$name.stdout" 2> "runs/$name.time"
  mv "runs/$name.stdout" "runs/$name/stdout.txt"; mv "runs/$name.time" "runs/$name/time.txt"
  runs+=("runs/$name")
}
train shapes
train shapes_seed1 --seed 1
train shapes_seed2 --seed 2
for seed in 0 1 2; do train "narrow_seed$seed" --domain narrow --seed "$seed"; done
for seed in 0 1 2; do train "wide_seed$seed" --domain wide --seed "$seed"; done
python tools/collect_results.py "${runs[@]}"
