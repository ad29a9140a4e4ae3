"""Training throughput of each mode, fp32 and bf16 autocast: pairs per second of the default run's preset.

    python bench/train_speed.py                      # 4 modes x (no, bf16), the default batch, 20 timed steps each
    python bench/train_speed.py --modes locked_text --precisions bf16 --steps 50
    python bench/train_speed.py --smoke              # seconds: `tiny` preset, batch 4, 1 timed step (CI)

Everything not set here is `TrainConfig()`'s default (preset, batch size, data, optimiser). Each row builds a `Trainer`
(chapter 8) for the mode, runs a few warm-up steps, then times `--steps` optimiser steps on batches drawn beforehand
from the run's in-memory image pool, with the locked-text cache already holding their captions: the steady state of a
run. A real run also pays, once, for filling the image pool and for encoding each new caption (both reported by
`clip_nb_train` as start-up and early-step time), and for validation.

Accelerate keeps one mixed-precision setting per process, so each (mode, precision) is measured in a process of its own
(which also keeps one row's memory and threads out of the next). `--smoke` checks that everything runs, not speed: it
starts one single-threaded process per precision, side by side, each measuring every mode. Exits non-zero if any
measurement fails.
"""
import argparse, dataclasses, itertools, json, os, subprocess, sys, tempfile, time

import torch

from clip_nb.training import MODES, TrainConfig, Trainer, cpu_has_bf16, resolve_precision

PRECISIONS = ('no', 'bf16')  # autocast on or off: what `mixed_precision` can be on a CPU
# one thread: no OpenMP stalls on a shared CI machine
SMOKE = dict(model='tiny', batch_size=4, steps=1, warmup=1, threads=1)


def measure(mode: str, precision: str, steps: int, warmup: int, out: str, **overrides) -> float:
    "Pairs per second of `steps` training steps of `mode` at `precision`, after `warmup` untimed steps."
    base = TrainConfig(**overrides)
    n = (steps + warmup) * base.batch_size
    cfg = dataclasses.replace(base, name=f'{mode}_{precision}', output_dir=out, mode=mode, mixed_precision=precision,
                              train_size=n, val_size=base.batch_size, test_size=base.batch_size, steps=steps + warmup,
                              progress=False)
    trainer = Trainer(cfg)
    batches = list(itertools.islice(trainer.epoch_batches(), steps + warmup))
    assert len(batches) == steps + warmup, f'{len(batches)} batches drawn; {steps + warmup} needed'
    if trainer.text_cache is not None: trainer.text_cache([c for b in batches for c in b['captions']])
    for b in batches[:warmup]: trainer.train_step(b)
    start = time.perf_counter()
    for b in batches[warmup:]: trainer.train_step(b)
    return steps * cfg.batch_size / (time.perf_counter() - start)


def run_worker(precision: str, modes: list, steps: int, warmup: int, overrides: dict):
    "Measure `modes` at one precision in this process; print one JSON line {mode: pairs/s}."
    with tempfile.TemporaryDirectory() as out:
        print(json.dumps({m: measure(m, precision, steps, warmup, out, **overrides) for m in modes}))


def spawn(precision: str, modes: list, args, overrides: dict) -> tuple:
    "Start a worker process that measures `modes` at `precision`; (what it measures, the process)."
    cmd = [sys.executable, __file__, '--one', precision, *modes, '--steps', str(args.steps),
           '--warmup', str(args.warmup),
           '--overrides', json.dumps(overrides)] + (['--threads', str(args.threads)] if args.threads else [])
    return (precision, modes), subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def collect(job: tuple) -> dict:
    "{mode: pairs/s} of a worker; on failure, show its output and exit 1."
    (precision, modes), proc = job
    out, err = proc.communicate()
    if proc.returncode != 0:
        sys.stderr.write(out[-4000:] + err[-8000:])
        sys.exit(f'train_speed: measuring {precision} x {modes} failed (exit {proc.returncode})')
    return json.loads(out.strip().splitlines()[-1])


def main():
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('--modes', nargs='+', default=list(MODES), choices=MODES)
    p.add_argument('--precisions', nargs='+', default=list(PRECISIONS), choices=PRECISIONS)
    p.add_argument('--steps', type=int, default=None, help='timed steps per row (default 20; smoke 1)')
    p.add_argument('--warmup', type=int, default=None, help='untimed steps first (default 3; smoke 1)')
    p.add_argument('--batch_size', type=int, default=None, help="pairs per step; default TrainConfig's (smoke 4)")
    p.add_argument('--model', default=None, help="CLIP preset; default TrainConfig's (smoke: tiny)")
    p.add_argument('--threads', type=int, default=None,
                   help='torch threads of each worker; default: torch decides (smoke: 1)')
    p.add_argument('--smoke', action='store_true',
                   help='seconds: tiny preset, batch 4, 1 step, a process per precision (CI)')
    p.add_argument('--one', nargs='+', metavar=('PRECISION', 'MODE'), help=argparse.SUPPRESS)  # worker process
    p.add_argument('--overrides', default='{}', help=argparse.SUPPRESS)
    args = p.parse_args()
    defaults = SMOKE if args.smoke else dict(steps=20, warmup=3)
    for key in ('steps', 'warmup'):
        if getattr(args, key) is None: setattr(args, key, defaults[key])
    args.threads = args.threads or defaults.get('threads')
    if args.threads: torch.set_num_threads(args.threads)
    if args.one: return run_worker(args.one[0], args.one[1:], args.steps, args.warmup, json.loads(args.overrides))
    overrides = {k: v for k, v in dict(model=args.model or defaults.get('model'),
                                       batch_size=args.batch_size or defaults.get('batch_size')).items()
                 if v is not None}
    cfg = TrainConfig(**overrides)
    print(f"torch {torch.__version__}, {torch.get_num_threads()} threads, {os.cpu_count()} CPUs, "
          f"CPU bf16: {cpu_has_bf16()} "
          f"(mixed_precision 'auto' = {resolve_precision('auto', not torch.cuda.is_available())}); {cfg.model} preset, "
          f"batch {cfg.batch_size}, {args.steps} timed steps after {args.warmup}{' (smoke)' if args.smoke else ''}",
          flush=True)
    print(f"{'mode':<14}" + ''.join(f"{'pairs/s ' + ('fp32' if p == 'no' else p):>16}" for p in args.precisions),
          flush=True)
    if args.smoke:  # one process per precision, side by side: import and start-up once each, not once per row
        jobs = [spawn(prec, args.modes, args, overrides) for prec in args.precisions]
        try: speeds = dict(zip(args.precisions, map(collect, jobs)))
        finally:
            for _, proc in jobs:  # after a failure, stop the other worker too
                if proc.poll() is None: proc.kill()
        for mode in args.modes: print(f'{mode:<14}' + ''.join(f'{speeds[p][mode]:>16.0f}' for p in args.precisions))
        return
    for mode in args.modes:  # one process per row, one at a time
        speeds = [collect(spawn(prec, [mode], args, overrides))[mode] for prec in args.precisions]
        print(f'{mode:<14}' + ''.join(f'{s:>16.0f}' for s in speeds), flush=True)


if __name__ == '__main__':
    main()
