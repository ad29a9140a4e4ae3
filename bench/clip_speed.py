"""Forward time of a preset's CLIP (default `shapes`, batch 64; one caption per image): fused vs explicit attention.

    python bench/clip_speed.py [--preset shapes] [--batch 64] [--reps 5] [--threads N]
    python bench/clip_speed.py --smoke        # seconds: the `tiny` preset, batch 4, one repetition, 1 thread (CI)

Images are random, at the preset's own resolution (`cfg.vision.image_size`).

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
    ap.add_argument('--preset', default=None, help='a key of clip_nb.clip.PRESETS (default shapes; smoke tiny)')
    ap.add_argument('--batch', type=int, default=None, help='images and captions per call (default 64; smoke 4)')
    ap.add_argument('--reps', type=int, default=None,
                    help='timed repetitions per cell, after one warm-up (default 5; smoke 1)')
    ap.add_argument('--threads', type=int, default=None,
                    help='torch.set_num_threads; default: torch decides (smoke: 1)')
    ap.add_argument('--smoke', action='store_true',
                    help='seconds: tiny preset, small batch, one repetition, one thread (CI)')
    args = ap.parse_args()
    for key, full, smoke in (('preset', 'shapes', 'tiny'), ('batch', 64, 4), ('reps', 5, 1), ('threads', None, 1)):
        if getattr(args, key) is None: setattr(args, key, smoke if args.smoke else full)
    if args.threads: torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    model = CLIP(get_preset(args.preset)).eval()
    size = model.cfg.vision.image_size
    px = torch.randn(args.batch, 3, size, size)
    tok = model.text.tokenize(['a small red circle in the top left corner of a noisy picture'] * args.batch)

    def full(explicit):
        with torch.no_grad():
            if not explicit: return model(px, **tok)
            with attn_implementation(model.text.model, 'eager', model.text.fused_impl):
                model.vision(px, output_attentions=True)
                return model.text(**tok, output_attentions=True)

    def image(explicit):
        with torch.no_grad(): return model.vision(px, output_attentions=explicit)

    print(f"CLIP `{args.preset}` preset, {size} px images, batch {args.batch}, "
          f"{tok['input_ids'].shape[1]} tokens per caption, "
          f"{torch.get_num_threads()} threads, torch {torch.__version__}{' (smoke)' if args.smoke else ''}\n")
    print('| part | fused ms | explicit ms |\n| --- | ---: | ---: |')
    for name, fn in [('both towers (forward)', full), ('image tower only', image)]:
        print(f'| {name} | {mean_ms(lambda: fn(False), args.reps):.1f} | {mean_ms(lambda: fn(True), args.reps):.1f} |')


if __name__ == '__main__': main()
