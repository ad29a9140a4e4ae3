"""Time and peak memory of retrieval evaluation at scale, on random embeddings.

    python bench/retrieval_scale.py            # 10k x 50k, then 100k images x 500k captions (float16);
                                               # the table also goes to assets/retrieval_scale.json
    python bench/retrieval_scale.py --quick    # 10k x 50k only
    python bench/retrieval_scale.py --smoke    # seconds: 1k x 5k in small tiles, one thread (CI)

The embedding width is the default run's (`embed_dim` of `TrainConfig().model`'s preset: 128 for `shapes`) unless --dim.

Each row runs in its own process so that its peak RSS (resource.getrusage) is its own. Captions are noisy copies
of their image's embedding (5 per image), so the recalls are neither 0 nor 1. Prints a table; asserts nothing
about time. CPU time is user + system of the process: on a shared machine it moves less than wall time.

The floor of a `ranks` row is the time the similarity matrix's multiply-adds alone take at this machine's measured
float32 matmul peak (2 N M dim FLOPs over the GFLOP/s of a 2048 x 2048 `torch.mm` with the same threads, measured in
its own process first); `x floor` is the row's wall time over it. Tiles default to `retrieval_ranks`' own.
"""
import argparse, json, os, resource, subprocess, sys, time

ROWS_QUICK = [('ranks', 10_000, 50_000), ('topk', 10_000, 50_000)]
ROWS_FULL = ROWS_QUICK + [('ranks', 100_000, 500_000), ('topk', 100_000, 500_000)]
ROWS_SMOKE = [('ranks', 1_000, 5_000), ('topk', 1_000, 5_000)]
SMOKE_TILES = (256, 1024)  # several tiles each way, as at scale


def default_dim() -> int:
    "The shared embedding width of the default run's preset."
    from clip_nb.clip import get_preset
    from clip_nb.training import TrainConfig
    return get_preset(TrainConfig().model).embed_dim


def default_tiles() -> tuple:
    "(image_chunk, text_chunk): `retrieval_ranks`' defaults, what a user gets."
    import inspect
    from clip_nb.retrieval import retrieval_ranks
    ps = inspect.signature(retrieval_ranks).parameters
    return ps['image_chunk'].default, ps['text_chunk'].default


def matmul_peak(threads, n: int = 2048) -> float:
    "GFLOP/s of a float32 n x n torch.mm, best of 5 after 2 warm-ups, in this process."
    import torch
    if threads: torch.set_num_threads(threads)
    a, b = torch.randn(n, n), torch.randn(n, n)
    for _ in range(2): torch.mm(a, b)
    best = min(_timed(lambda: torch.mm(a, b)) for _ in range(5))
    return 2 * n ** 3 / best / 1e9


def _timed(f) -> float:
    t0 = time.perf_counter(); f(); return time.perf_counter() - t0


def make_embeddings(n_images, n_texts, dim, dtype, seed=0, chunk=65536):
    "Unit-norm image embeddings and captions = normalised (image + noise), `n_texts // n_images` per image."
    import torch
    g = torch.Generator().manual_seed(seed)
    img = torch.nn.functional.normalize(torch.randn(n_images, dim, generator=g), dim=1).to(dtype)
    txt = torch.empty(n_texts, dim, dtype=dtype)
    per_image = n_texts // n_images
    for t0 in range(0, n_texts, chunk):  # in chunks: no float32 copy of all captions
        owner = torch.arange(t0, min(t0 + chunk, n_texts)) // per_image
        noisy = img[owner].float() + 3.0 * torch.randn(len(owner), dim, generator=g) / dim ** 0.5
        txt[t0:t0 + len(owner)] = torch.nn.functional.normalize(noisy, dim=1).to(dtype)
    relevant = torch.stack([torch.arange(n_texts) // per_image, torch.arange(n_texts)], 1)
    return img, txt, relevant


def run_one(task, n_images, n_texts, dim, dtype, image_chunk, text_chunk, threads=None):
    "Run one measurement in this process; print one JSON line."
    import torch
    if threads: torch.set_num_threads(threads)
    from clip_nb.retrieval import chunked_topk, retrieval_metrics_from_embeddings
    img, txt, relevant = make_embeddings(n_images, n_texts, dim, getattr(torch, dtype))
    rss_data = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    cpu0, t0 = time.process_time(), time.perf_counter()
    if task == 'ranks':  # both directions, one pass over the tiles
        out = retrieval_metrics_from_embeddings(img, txt, relevant, image_chunk=image_chunk, text_chunk=text_chunk)
        out = {k: round(v, 4) for k, v in out.items()
               if k in ('i2t_R@1', 'i2t_R@10', 't2i_R@1', 't2i_R@10', 't2i_medR')}
    else:  # top-10 captions of every image
        _, idx = chunked_topk(img, txt, 10, key_chunk=text_chunk, query_chunk=image_chunk)
        out = {'i2t_R@10(topk)': round((relevant[idx.reshape(-1), 0].view(-1, 10)
                                        == torch.arange(n_images)[:, None]).any(1).float().mean().item(), 4)}
    wall, cpu = time.perf_counter() - t0, time.process_time() - cpu0
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux -> MiB
    print(json.dumps(dict(task=task, n_images=n_images, n_texts=n_texts, wall_s=wall, cpu_s=cpu,
                          rss_after_data_mib=rss_data, peak_rss_mib=peak, threads=torch.get_num_threads(), **out)))


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument('--quick', action='store_true', help='only the 10k x 50k rows')
    p.add_argument('--smoke', action='store_true', help='seconds: 1k x 5k rows, small tiles, one thread (CI)')
    p.add_argument('--dim', type=int, default=None,
                   help="embedding width; default: the default run's preset's embed_dim")
    p.add_argument('--dtype', default='float16', choices=['float16', 'float32'], help='storage dtype of the embeddings')
    p.add_argument('--image-chunk', type=int, default=None,
                   help='tile height (images, or image queries for topk); default 2048 (smoke 256)')
    p.add_argument('--text-chunk', type=int, default=None, help='tile width (captions); default 8192 (smoke 1024)')
    p.add_argument('--threads', type=int, default=None,
                   help='torch threads of each row; default: torch decides (smoke: 1)')
    p.add_argument('--one', nargs=3, metavar=('TASK', 'N_IMAGES', 'N_TEXTS'), help=argparse.SUPPRESS)
    p.add_argument('--peak', action='store_true', help=argparse.SUPPRESS)
    p.add_argument('--out', default='assets/retrieval_scale.json', help='the rows as JSON (not with --smoke)')
    a = p.parse_args()
    if a.peak: return print(json.dumps({'gflops': matmul_peak(a.threads)}))
    tiles = SMOKE_TILES if a.smoke else default_tiles()
    a.image_chunk, a.text_chunk = a.image_chunk or tiles[0], a.text_chunk or tiles[1]
    a.threads = a.threads or (1 if a.smoke else None)
    if a.one:
        return run_one(a.one[0], int(a.one[1]), int(a.one[2]), a.dim, a.dtype, a.image_chunk, a.text_chunk, a.threads)
    a.dim = a.dim or default_dim()
    peak_cmd = [sys.executable, __file__, '--peak'] + (['--threads', str(a.threads)] if a.threads else [])
    peak = json.loads(subprocess.run(peak_cmd, capture_output=True, text=True, check=True).stdout)['gflops']
    print(f"matmul peak {peak:.0f} GFLOP/s (float32, measured now); "
          f"dim {a.dim}, {a.dtype} embeddings, tiles {a.image_chunk} x {a.text_chunk}, "
          f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f} at start{' (smoke)' if a.smoke else ''}",
          flush=True)
    head = (f"{'task':6} {'images':>8} {'captions':>9} {'full matrix':>12} "
            f"{'wall s':>8} {'cpu s':>8} {'floor s':>8} {'x floor':>8} {'peak RSS':>9}  result")
    print(head + '\n' + '-' * len(head), flush=True)
    rows = []
    for task, n, m in (ROWS_SMOKE if a.smoke else ROWS_QUICK if a.quick else ROWS_FULL):
        cmd = [sys.executable, __file__, '--one', task, str(n), str(m), '--dim', str(a.dim), '--dtype', a.dtype,
               '--image-chunk', str(a.image_chunk), '--text-chunk', str(a.text_chunk)]
        cmd += ['--threads', str(a.threads)] if a.threads else []
        proc = subprocess.run(cmd, capture_output=True, text=True)
        if proc.returncode != 0:
            sys.stderr.write(proc.stdout[-4000:] + proc.stderr[-8000:])
            sys.exit(f'retrieval_scale: row {task} {n} x {m} failed (exit {proc.returncode})')
        r = json.loads(proc.stdout.strip().splitlines()[-1])
        result = ', '.join(f'{k} {v}' for k, v in r.items() if '@' in k or 'medR' in k)
        floor = 2 * n * m * a.dim / (peak * 1e9)
        rows.append(r | {'floor_s': floor if task == 'ranks' else None})
        vs = f"{floor:>8.1f} {r['wall_s'] / floor:>7.2f}x" if task == 'ranks' else f"{'':>8} {'':>8}"
        print(f"{task:6} {n:>8,} {m:>9,} {n * m * 4 / 2**30:>9.1f} GiB {r['wall_s']:>8.1f} {r['cpu_s']:>8.1f} {vs} "
              f"{r['peak_rss_mib'] / 1024:>6.2f} GiB  {result}", flush=True)
    print(f"load average {os.getloadavg()[0]:.1f} at end")
    if not a.smoke and a.out:
        info = {'matmul_peak_gflops': peak, 'dim': a.dim, 'dtype': a.dtype, 'tiles': [a.image_chunk, a.text_chunk],
                'cpus': os.cpu_count(), 'date': time.strftime('%Y-%m-%d'), 'command': ' '.join(sys.argv)}
        os.makedirs(os.path.dirname(a.out) or '.', exist_ok=True)
        with open(a.out, 'w') as f: json.dump({'machine': info, 'rows': rows}, f, indent=1)
        print(f'written to {a.out}')


if __name__ == '__main__':
    main()
