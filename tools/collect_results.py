"""Gather the README's numbers and figures from real `clip_nb_train` runs into assets/.

Usage: `python tools/collect_results.py runs/shapes runs/shapes_seed1 runs/shapes_seed2 runs/narrow ...`
(`tools/reproduce_results.sh` makes these runs and calls it.)
Each run folder needs metrics.json (written by clip_nb_train) and may hold time.txt (the output of `/usr/bin/time -v`)
and stdout.txt (what the command printed). The first run's figures (its figures/ folder) and printed output are \
copied to assets/;
assets/results.json (or the file --into names) gets every run's evaluation, wall time and peak memory.
"""
import argparse, json, re, shutil
from pathlib import Path

from clip_nb.core import write_atomic
from clip_nb.evaluate import FIGURES

ROOT = Path(__file__).resolve().parent.parent


def time_stats(path: Path) -> dict:
    "Wall seconds and peak resident memory (GiB) from `/usr/bin/time -v` output, if present."
    if not path.is_file(): return {}
    text = path.read_text()
    wall = re.search(r'Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): ([\d:.]+)', text)
    rss = re.search(r'Maximum resident set size \(kbytes\): (\d+)', text)
    parts = [float(p) for p in wall.group(1).split(':')] if wall else []
    seconds = sum(p * 60 ** i for i, p in enumerate(reversed(parts))) if parts else None
    return {'wall_s': seconds, 'peak_rss_gib': int(rss.group(1)) / 2 ** 20 if rss else None}


def machine() -> str:
    "This machine's CPU model, core count and whether it computes bf16 natively (what mixed_precision 'auto' looks at)."
    import os, platform
    from clip_nb.training import cpu_has_bf16
    info = Path('/proc/cpuinfo').read_text() if Path('/proc/cpuinfo').is_file() else ''
    model = re.search(r'model name\s*:\s*(.*)', info)
    return (f"{model.group(1).strip() if model else platform.processor()}, {os.cpu_count()} cores, "
            f"{'native bf16 (AVX512-BF16/AMX)' if cpu_has_bf16() else 'no native bf16'}")


def overrides(config: dict) -> list:
    "The command-line words that turn `clip_nb_train` (no arguments) into this run's recipe."
    from clip_nb.training import RECIPE_FREE, TrainConfig
    cfg, default = TrainConfig.from_dict(config), TrainConfig()
    def word(v): return ','.join(map(str, v)) if isinstance(v, (list, tuple)) else str(v)  # betas: 0.9,0.95
    return [f'--{k} {word(getattr(cfg, k))}' for k in TrainConfig.keys()
            if k not in RECIPE_FREE and getattr(cfg, k) != getattr(default, k)]


def last_scalars(run: Path) -> dict:
    "The temperature (and SigLIP bias) of the run's last logged training row."
    rows = [json.loads(line) for line in (run / 'metrics.jsonl').read_text().splitlines() if line.strip()]
    last = [r for r in rows if r.get('split') == 'train'][-1]
    out = {k: last[k] for k in ('logit_scale', 'logit_bias') if k in last}
    if 'logit_bias' not in out:  # a run from before the bias was logged: its final checkpoint's bias, if it has one
        from safetensors import safe_open
        from clip_nb.training import find_checkpoint
        with safe_open(find_checkpoint(run) / 'model.safetensors', 'pt') as f:
            if 'logit_bias' in f.keys(): out['logit_bias'] = f.get_tensor('logit_bias').item()
    return out


def run_summary(run: Path) -> dict:
    from clip_nb.clip import get_preset
    m = json.loads((run / 'metrics.json').read_text())
    if 'eval' not in m or 'shapes' not in m['eval']:
        raise SystemExit(f'{run}/metrics.json has no Shapes evaluation: run clip_nb_train without --no_eval')
    c = m['config']
    return {'run': run.name, 'seed': c['seed'], 'domain': c['domain'], 'mode': c['mode'],
            'loss': c.get('loss') or get_preset(c['model']).loss, 'overrides': overrides(c), 'steps': m['step'],
            'pairs_per_s': m['pairs_per_s'], 'train_time_s': m['train_time'],
            'precision': m.get('precision', c['mixed_precision']), 'test': m['test'],
            'eval': m['eval']['shapes'], **last_scalars(run),
            'machine': machine(), **time_stats(run / 'time.txt'), 'config': c}


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('runs', nargs='+', type=Path,
                    help='run folders; the first one gives the figures and printed output')
    ap.add_argument('--assets', type=Path, default=ROOT / 'assets')
    ap.add_argument('--into', default='results.json',
                    help='the file under assets/ that gets the summaries (modes.json: the modes-and-losses table)')
    ap.add_argument('--no_figures', action='store_true', help="leave assets/' figures and printed output as they are")
    args = ap.parse_args()
    args.assets.mkdir(exist_ok=True)
    summaries = [run_summary(r) for r in args.runs]
    if not args.no_figures:
        for name in FIGURES: shutil.copyfile(args.runs[0] / 'figures' / name, args.assets / name)
        if (args.runs[0] / 'stdout.txt').is_file():
            shutil.copyfile(args.runs[0] / 'stdout.txt', args.assets / 'shapes_run.txt')
    write_atomic(args.assets / args.into, json.dumps(summaries, indent=1))
    for s in summaries:
        print(f"{s['run']}: {s['domain']} seed {s['seed']} {' '.join(s['overrides'])}, "
              f"shape {s['eval']['zs_test_shape_top1']:.1%}, wall {s.get('wall_s')} s")


if __name__ == '__main__': main()
