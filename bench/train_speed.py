"""Training throughput of each mode, in full precision and with bf16 autocast: pairs per second of the `shapes` preset.

    python bench/train_speed.py                      # 4 modes x (no, bf16), batch 64, 20 timed steps each
    python bench/train_speed.py --modes locked_text --precisions bf16 --steps 50

Each row builds a `Trainer` (chapter 8) for the mode, runs a few warm-up steps, then times `--steps` optimiser steps on
batches drawn beforehand from the run's in-memory image pool, with the locked-text cache already holding their captions:
the steady state of a run. A real run also pays, once, for filling the image pool and for encoding each new caption
(both reported by `clip_nb_train` as start-up and early-step time), and for validation.
"""
import argparse, itertools, os, tempfile, time

import torch

from clip_nb.training import MODES, TrainConfig, Trainer


def measure(mode: str, precision: str, steps: int, warmup: int, batch_size: int, out: str) -> float:
    "Pairs per second of `steps` training steps of `mode` at `precision`, after `warmup` untimed steps."
    n = (steps + warmup) * batch_size
    cfg = TrainConfig(name=f'{mode}_{precision}', output_dir=out, mode=mode, mixed_precision=precision, batch_size=batch_size,
                      train_size=n, val_size=batch_size, test_size=batch_size, steps=steps + warmup, progress=False)
    trainer = Trainer(cfg)
    batches = list(itertools.islice(trainer.epoch_batches(), steps + warmup))
    if trainer.text_cache is not None: trainer.text_cache([c for b in batches for c in b['captions']])
    for b in batches[:warmup]: trainer.train_step(b)
    start = time.perf_counter()
    for b in batches[warmup:]: trainer.train_step(b)
    return steps * batch_size / (time.perf_counter() - start)


def main():
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('--modes', nargs='+', default=list(MODES), choices=MODES)
    p.add_argument('--precisions', nargs='+', default=['no', 'bf16'], choices=['no', 'bf16'])
    p.add_argument('--steps', type=int, default=20, help='timed steps per row')
    p.add_argument('--warmup', type=int, default=3, help='untimed steps first')
    p.add_argument('--batch_size', type=int, default=64)
    args = p.parse_args()
    print(f'torch {torch.__version__}, {torch.get_num_threads()} threads, {os.cpu_count()} CPUs; shapes preset, '
          f'batch {args.batch_size}, {args.steps} timed steps after {args.warmup}')
    print(f"{'mode':<14}" + ''.join(f"{'pairs/s ' + ('fp32' if p == 'no' else p):>16}" for p in args.precisions))
    with tempfile.TemporaryDirectory() as out:
        for mode in args.modes:
            speeds = [measure(mode, prec, args.steps, args.warmup, args.batch_size, out) for prec in args.precisions]
            print(f'{mode:<14}' + ''.join(f'{s:>16.0f}' for s in speeds), flush=True)


if __name__ == '__main__':
    main()
