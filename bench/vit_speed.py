"""Forward and forward+backward time of a preset's image tower: fused vs explicit attention, fp32 vs bf16 autocast.

    python bench/vit_speed.py                 # the `shapes` preset's ViT, batch 64 on the CPU
    python bench/vit_speed.py --reps 20 --device cuda
    python bench/vit_speed.py --smoke         # seconds: the `tiny` preset's ViT, batch 4, one repetition, 1 thread (CI)

The config is `get_preset(--preset).vision`, the tower the course trains on Shapes by default (its size, patch, width,
depth and stem are printed in the header). bf16 autocast is emulated, and slow, on CPUs without AVX512-BF16 or AMX.
"Explicit" is the path `ViT` takes with output_attentions=True (it also returns every layer's probabilities).
Prints a markdown table; numbers depend on the machine and on whatever else is running on it.
"""
import argparse
import contextlib
import time

import torch

from clip_nb.clip import get_preset
from clip_nb.training import cpu_has_bf16
from clip_nb.vit import ViT


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
    ap.add_argument('--preset', default=None,
                    help='CLIP preset whose image tower is timed (default shapes; smoke tiny)')
    ap.add_argument('--batch', type=int, default=None, help='images per call (default 64; smoke 4)')
    ap.add_argument('--reps', type=int, default=None,
                    help='timed repetitions per cell, after one warm-up (default 5; smoke 1)')
    ap.add_argument('--device', default='cpu')
    ap.add_argument('--threads', type=int, default=None,
                    help='torch.set_num_threads (CPU); default: torch decides (smoke: 1)')
    ap.add_argument('--smoke', action='store_true',
                    help='seconds: tiny tower, small batch, one repetition, one thread (CI)')
    args = ap.parse_args()
    for key, full, smoke in (('preset', 'shapes', 'tiny'), ('batch', 64, 4), ('reps', 5, 1), ('threads', None, 1)):
        if getattr(args, key) is None: setattr(args, key, smoke if args.smoke else full)
    if args.threads: torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    vcfg = get_preset(args.preset).vision
    model = ViT(vcfg).to(args.device)
    x = torch.randn(args.batch, 3, vcfg.image_size, vcfg.image_size, device=args.device)
    n_params = sum(p.numel() for p in model.parameters())
    print(f'`{args.preset}` ViT {vcfg.image_size}px/p{vcfg.patch_size}, dim {vcfg.dim}, depth {vcfg.depth}, '
          f'{vcfg.heads} heads, '
          f'{vcfg.stem} stem, {n_params:,} params; batch {args.batch}, device {args.device}, '
          f'{torch.get_num_threads()} threads, torch {torch.__version__}, CPU bf16: {cpu_has_bf16()}, '
          f"mean of {args.reps}{' (smoke)' if args.smoke else ''}\n")
    print('| attention | precision | forward ms | fwd+bwd ms | fwd+bwd img/s |')
    print('| --- | --- | ---: | ---: | ---: |')
    for explicit in (False, True):
        for bf16 in (False, True):
            fwd, fwd_bwd = measure(model, x, explicit, bf16, args.reps, args.device)
            print(f"| {'explicit' if explicit else 'fused'} | {'bf16 autocast' if bf16 else 'fp32'} | "
                  f'{fwd:.1f} | {fwd_bwd:.1f} | {args.batch / fwd_bwd * 1e3:.0f} |', flush=True)


if __name__ == '__main__':
    main()
