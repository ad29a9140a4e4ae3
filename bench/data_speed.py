"""Throughput of the Shapes data pipeline in one process: prints a table, asserts nothing about time.

    python bench/data_speed.py            # per-stage rows on 2,000 items, then a full pass over 10,000
    python bench/data_speed.py --n 500 --full 2000 --threads 0   # smaller; torch's default thread count

Wall-clock rates depend on what else the machine runs, so each row also gives items per CPU-second of this
process, and the header gives the load average. Torch runs on one thread by default here, as it does in a DataLoader
worker: tiny per-image tensor ops gain nothing from more, and on a busy machine several threads cost far more.
"""
import argparse, os, platform, time

import torch
from torch.utils.data import DataLoader

from clip_nb.data import ShapesDataset, TokenizingCollate, default_tokenizer, render, sample_layout


def measure(fn, n: int) -> tuple:
    "Run fn() once; return (seconds, items/s wall clock, items per CPU-second) for n items."
    wall, cpu = time.perf_counter(), time.process_time()
    fn()
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    return wall, n / wall, n / max(cpu, 1e-9)


def cases(n: int, full: int) -> list:
    "(name, items, function) for each row of the table."
    layouts = {size: [sample_layout(i) for i in range(n)] for size in (64, 224)}
    datasets = {(size, train): ShapesDataset('train' if train else 'val', n=max(n, full), image_size=size)
                for size in (64, 224) for train in (True, False)}
    collate = TokenizingCollate(default_tokenizer())
    items = [datasets[64, True][i] for i in range(n)]
    rows = [('layout only (no pixels)', 10 * n, lambda: [sample_layout(i) for i in range(10 * n)])]
    for size in (64, 224):
        rows.append((f'render {size} px (PIL image + masks)', n, lambda s=size: [render(l, s) for l in layouts[s]]))
        for train in (True, False):
            ds = datasets[size, train]
            rows.append((f"item {size} px, {'train' if train else 'eval'} transform", n, lambda d=ds: [d[i] for i in range(n)]))
    rows.append(('collate + tokenise, batches of 64', n, lambda: [collate(items[k:k + 64]) for k in range(0, n, 64)]))
    loader = DataLoader(datasets[64, True], batch_size=64, collate_fn=collate, num_workers=0)
    full_pass = lambda: [b for b, _ in zip(loader, range(-(-full // 64)))]  # the first `full` items (rounded up to batches)
    rows.append((f'full pass: {full:,} items, 64 px, train, DataLoader', full, full_pass))
    return rows


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--n', type=int, default=2000, help='items per stage row')
    parser.add_argument('--full', type=int, default=10_000, help='items in the full DataLoader pass')
    parser.add_argument('--threads', type=int, default=1,
                        help="torch intra-op threads: 1, as in a DataLoader worker; 0 leaves torch's default")
    args = parser.parse_args()
    if args.threads: torch.set_num_threads(args.threads)
    print(f'python {platform.python_version()}, torch {torch.__version__}, {os.cpu_count()} cores, '
          f'torch threads {torch.get_num_threads()}, load average {os.getloadavg()[0]:.1f} at start')
    print(f"{'case':52s} {'items':>7s} {'seconds':>8s} {'items/s':>9s} {'items/CPU-s':>12s}")
    for name, n, fn in cases(args.n, args.full):
        seconds, per_s, per_cpu_s = measure(fn, n)
        print(f'{name:52s} {n:7,d} {seconds:8.2f} {per_s:9,.0f} {per_cpu_s:12,.0f}', flush=True)
    print(f'load average {os.getloadavg()[0]:.1f} at end')


if __name__ == '__main__':
    main()
