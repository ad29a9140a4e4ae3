"""Throughput of the Shapes data pipeline in one process: prints a table, asserts nothing about time.

    python bench/data_speed.py            # per-stage rows on 2,000 items, then a full pass over 10,000
    python bench/data_speed.py --n 500 --full 2000 --threads 0   # smaller; torch's default thread count
    python bench/data_speed.py --smoke    # seconds: 32 items per row, one batch in the full pass (CI)

Image sizes are the default run's (`TrainConfig().model`'s preset: 48 px for `shapes`) and ViT-B/16's 224 px; batches
are `TrainConfig().batch_size` pairs, tokenised as the preset's text tower does (`max_length`).

Wall-clock rates depend on what else the machine runs, so each row also gives items per CPU-second of this
process, and the header gives the load average. Torch runs on one thread by default here, as it does in a DataLoader
worker: tiny per-image tensor ops gain nothing from more, and on a busy machine several threads cost far more.
"""
import argparse, os, platform, time

import torch
from torch.utils.data import DataLoader

from clip_nb.clip import get_preset
from clip_nb.data import ShapesDataset, TokenizingCollate, render, sample_layout
from clip_nb.text_encoder import default_tokenizer
from clip_nb.training import TrainConfig


def measure(fn, n: int) -> tuple:
    "Run fn() once; return (seconds, items/s wall clock, items per CPU-second) for n items."
    wall, cpu = time.perf_counter(), time.process_time()
    fn()
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    return wall, n / wall, n / max(cpu, 1e-9)


def cases(n: int, full: int) -> list:
    "(name, items, function) for each row of the table."
    cfg = TrainConfig()
    model = get_preset(cfg.model)
    sizes = (cfg.image_size or model.vision.image_size,  # the default run's resolution
             get_preset('vit_b16_bert_base').vision.image_size)  # ViT-B/16's
    small = sizes[0]
    bs = cfg.batch_size
    layouts = {size: [sample_layout(i) for i in range(n)] for size in sizes}
    datasets = {(size, train): ShapesDataset('train' if train else 'val', n=max(n, full), image_size=size)
                for size in sizes for train in (True, False)}
    collate = TokenizingCollate(default_tokenizer(), max_length=model.text.max_length)
    items = [datasets[small, True][i] for i in range(n)]
    rows = [('layout only (no pixels)', 10 * n, lambda: [sample_layout(i) for i in range(10 * n)])]
    for size in sizes:
        rows.append((f'render {size} px (PIL image + masks)', n, lambda s=size: [render(l, s) for l in layouts[s]]))
        for train in (True, False):
            ds = datasets[size, train]
            rows.append((f"item {size} px, {'train' if train else 'eval'} transform", n,
                         lambda d=ds: [d[i] for i in range(n)]))
    rows.append((f'collate + tokenise, batches of {bs}', n,
                 lambda: [collate(items[k:k + bs]) for k in range(0, n, bs)]))
    loader = DataLoader(datasets[small, True], batch_size=bs, collate_fn=collate, num_workers=0)
    # the first `full` items (rounded up to batches)
    full_pass = lambda: [b for b, _ in zip(loader, range(-(-full // bs)))]
    rows.append((f'full pass: {full:,} items, {small} px, train, DataLoader', full, full_pass))
    return rows


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--n', type=int, default=None, help='items per stage row (default 2,000; smoke 32)')
    parser.add_argument('--full', type=int, default=None,
                        help='items in the full DataLoader pass (default 10,000; smoke 64)')
    parser.add_argument('--threads', type=int, default=1,
                        help="torch intra-op threads: 1, as in a DataLoader worker; 0 leaves torch's default")
    parser.add_argument('--smoke', action='store_true', help='seconds: a few items per row (CI)')
    args = parser.parse_args()
    for key, full, smoke in (('n', 2000, 32), ('full', 10_000, 64)):
        if getattr(args, key) is None: setattr(args, key, smoke if args.smoke else full)
    if args.threads: torch.set_num_threads(args.threads)
    print(f'python {platform.python_version()}, torch {torch.__version__}, {os.cpu_count()} cores, '
          f"torch threads {torch.get_num_threads()}, load average {os.getloadavg()[0]:.1f} at start"
          + (' (smoke)' if args.smoke else ''))
    print(f"{'case':52s} {'items':>7s} {'seconds':>8s} {'items/s':>9s} {'items/CPU-s':>12s}")
    for name, n, fn in cases(args.n, args.full):
        seconds, per_s, per_cpu_s = measure(fn, n)
        print(f'{name:52s} {n:7,d} {seconds:8.2f} {per_s:9,.0f} {per_cpu_s:12,.0f}', flush=True)
    print(f'load average {os.getloadavg()[0]:.1f} at end')


if __name__ == '__main__':
    main()
