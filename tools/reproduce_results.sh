#!/bin/bash
# The README's results, in three parts: `tools/reproduce_results.sh [results|siglip|modes|all]` (default all).
# results: the default recipe (domain mixed) on seeds 0, 1, 2, and the same recipe on the narrow and on the wide
#   domain, seeds 0, 1, 2 each; gathered into assets/results.json and the figures (about 40 minutes).
# siglip: the default recipe with the SigLIP loss, as it comes and with one change each to its temperature and bias
#   start, its batch size and its learning rate; gathered into assets/siglip_sweep.json (about 50 minutes).
# modes: the default recipe in the modes heads_only and full; gathered with runs/shapes and two SigLIP runs of the
#   second part into assets/modes.json (about 45 minutes, most of it the full mode).
# Each run is timed with /usr/bin/time -v; tools/collect_results.py reads the run folders. On 2 cores.
set -euo pipefail
cd "$(dirname "$0")/.."
part=${1:-all}
case $part in results|siglip|modes|all) ;; *) echo "usage: $0 [results|siglip|modes|all]" >&2; exit 2 ;; esac
mkdir -p runs
train() {  # train NAME ARGS...: one timed run, its printed output and timing kept in the run folder
  local name=$1; shift
  /usr/bin/time -v clip_nb_train --name "$name" --overwrite "$@" > "runs/$name.stdout" 2> "runs/$name.time"
  mv "runs/$name.stdout" "runs/$name/stdout.txt"; mv "runs/$name.time" "runs/$name/time.txt"
}
if [ "$part" = results ] || [ "$part" = all ]; then
  train shapes
  train shapes_seed1 --seed 1
  train shapes_seed2 --seed 2
  for seed in 0 1 2; do train "narrow_seed$seed" --domain narrow --seed "$seed"; done
  for seed in 0 1 2; do train "wide_seed$seed" --domain wide --seed "$seed"; done
  python tools/collect_results.py runs/shapes runs/shapes_seed{1,2} runs/narrow_seed{0,1,2} runs/wide_seed{0,1,2}
fi
if [ "$part" = siglip ] || [ "$part" = all ]; then
  train sw_siglip_base --loss siglip                              # the paper's start: t = 10, b = -10
  train sw_siglip_t14 --loss siglip --init_logit_scale 2.6593     # t starts at CLIP's 1/0.07
  train sw_siglip_t30 --loss siglip --init_logit_scale 3.4012     # t starts at 30
  train sw_siglip_b5 --loss siglip --init_logit_bias -5           # b starts at -5
  train sw_siglip_bs64 --loss siglip --batch_size 64 --steps 3200 # the same pairs in batches of 64
  train sw_siglip_lr1e-3 --loss siglip --lr 1e-3
  train sw_siglip_lr4e-3 --loss siglip --lr 4e-3
  train sw_siglip_lr5e-4 --loss siglip --lr 5e-4
  python tools/collect_results.py --into siglip_sweep.json --no_figures \
    runs/sw_siglip_{base,t14,t30,b5,bs64,lr1e-3,lr4e-3,lr5e-4}
fi
if [ "$part" = modes ] || [ "$part" = all ]; then
  for run in shapes sw_siglip_base sw_siglip_lr1e-3; do
    [ -f "runs/$run/metrics.json" ] || { echo "runs/$run is missing: run $0 results and $0 siglip first" >&2; exit 2; }
  done
  train modes_heads_only --mode heads_only
  train modes_full --mode full
  python tools/collect_results.py --into modes.json --no_figures runs/shapes runs/modes_{heads_only,full} \
    runs/sw_siglip_base runs/sw_siglip_lr1e-3
fi
