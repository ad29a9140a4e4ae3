"""Forward and forward+backward time of the Shapes-size ViT: fused vs explicit attention, fp32 vs bf16 autocast.

    python bench/vit_speed.py                 # batch 64 on the CPU
    python bench/vit_speed.py --reps 20 --device cuda

The config is the one the course trains on Shapes (64 px, patch 8, width 128, depth 4, 4 heads, conv stem).
"Explicit" is the path `ViT` takes with output_attentions=True (it also returns every layer's probabilities).
Prints a markdown table; numbers depend on the machine and on whatever else is running on it.
"""
import argparse
import contextlib
import time

import torch

from clip_nb.vit import ViT, ViTConfig

SHAPES_VIT = ViTConfig(image_size=64, patch_size=8, dim=128, depth=4, heads=4, stem='conv')


def sync(device: str):
    if device.startswith('cuda'): torch.cuda.synchronize()


def time_ms(fn, reps: int, device: str) -> float:
    "Mean wall time of `fn()` in ms over `reps` calls, after one warm-up call."
    fn(); sync(device)
    t0 = time.perf_counter()
    for _ in range(reps): fn()
    sync(device)
    return (time.perf_counter() - t0) / reps * 1e3


def measure(model: ViT, x: torch.Tensor, explicit: bool, bf16: bool, reps: int, device: str) -> tuple[float, float]:
    "(forward ms, forward+backward ms) for one path and precision."
    amp = torch.autocast(device.split(':')[0], dtype=torch.bfloat16) if bf16 else contextlib.nullcontext()

    def forward():
        with torch.no_grad(), amp: model.eval()(x, output_attentions=explicit)

    def forward_backward():
        model.train().zero_grad(set_to_none=True)
        with amp: out = model(x, output_attentions=explicit)
        out.pooled.float().pow(2).mean().backward()

    return time_ms(forward, reps, device), time_ms(forward_backward, reps, device)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--batch', type=int, default=64)
    ap.add_argument('--reps', type=int, default=5, help='timed repetitions per cell, after one warm-up')
    ap.add_argument('--device', default='cpu')
    ap.add_argument('--threads', type=int, default=None, help='torch.set_num_threads (CPU); default: torch decides')
    args = ap.parse_args()
    if args.threads: torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    model = ViT(SHAPES_VIT).to(args.device)
    x = torch.randn(args.batch, 3, SHAPES_VIT.image_size, SHAPES_VIT.image_size, device=args.device)
    n_params = sum(p.numel() for p in model.parameters())
    print(f'ViT {SHAPES_VIT.image_size}px/p{SHAPES_VIT.patch_size}, dim {SHAPES_VIT.dim}, depth {SHAPES_VIT.depth}, '
          f'{SHAPES_VIT.stem} stem, {n_params:,} params; batch {args.batch}, device {args.device}, '
          f'{torch.get_num_threads()} threads, torch {torch.__version__}, mean of {args.reps}\n')
    print('| attention | precision | forward ms | fwd+bwd ms | fwd+bwd img/s |')
    print('| --- | --- | ---: | ---: | ---: |')
    for explicit in (False, True):
        for bf16 in (False, True):
            fwd, fwd_bwd = measure(model, x, explicit, bf16, args.reps, args.device)
            print(f"| {'explicit' if explicit else 'fused'} | {'bf16 autocast' if bf16 else 'fp32'} | "
                  f'{fwd:.1f} | {fwd_bwd:.1f} | {args.batch / fwd_bwd * 1e3:.0f} |', flush=True)


if __name__ == '__main__':
    main()
