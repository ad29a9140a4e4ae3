"""Forward time of the `shapes` CLIP at batch 64 (both towers, one Shapes-like caption per image): fused vs explicit attention.

    python bench/clip_speed.py [--batch 64] [--reps 5] [--threads N]

"Fused" is the default path (SDPA in the ViT and in the Hugging Face text model); "explicit" asks both towers for
their attention probabilities (the ViT's written-out attention, the text model's eager attention), which is what
attention maps need. Also shows the image tower alone, since the default training run locks the text tower and
caches its outputs. Prints a markdown table; numbers depend on the machine and on what else runs on it.
"""
import argparse, time

import torch

from clip_nb.clip import CLIP, get_preset
from clip_nb.text_encoder import attn_implementation


def mean_ms(fn, reps: int) -> float:
    "Mean wall time of `fn()` in ms over `reps` calls, after one warm-up call."
    fn()
    t0 = time.perf_counter()
    for _ in range(reps): fn()
    return (time.perf_counter() - t0) / reps * 1e3


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--batch', type=int, default=64)
    ap.add_argument('--reps', type=int, default=5)
    ap.add_argument('--threads', type=int, default=None, help='torch.set_num_threads; default: torch decides')
    args = ap.parse_args()
    if args.threads: torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    model = CLIP(get_preset('shapes')).eval()
    px = torch.randn(args.batch, 3, 64, 64)
    tok = model.text.tokenize(['a small red circle in the top left corner of a noisy picture'] * args.batch)

    def full(explicit):
        with torch.no_grad():
            if not explicit: return model(px, **tok)
            with attn_implementation(model.text.model, 'eager'):
                model.vision(px, output_attentions=True)
                return model.text(**tok, output_attentions=True)

    def image(explicit):
        with torch.no_grad(): return model.vision(px, output_attentions=explicit)

    print(f"CLIP `shapes` preset, batch {args.batch}, {tok['input_ids'].shape[1]} tokens per caption, "
          f"{torch.get_num_threads()} threads, torch {torch.__version__}\n")
    print('| part | fused ms | explicit ms |\n| --- | ---: | ---: |')
    for name, fn in [('both towers (forward)', full), ('image tower only', image)]:
        print(f'| {name} | {mean_ms(lambda: fn(False), args.reps):.1f} | {mean_ms(lambda: fn(True), args.reps):.1f} |')


if __name__ == '__main__': main()
