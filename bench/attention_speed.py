"""Cost of attention maps: rollout and caption relevance against a plain fused forward of the image tower, and flow.

    python bench/attention_speed.py            # the issue's sizes: shapes tower at batch 64, ViT-B/16-sized at batch 8
    python bench/attention_speed.py --smoke    # a few seconds: small batches, one repetition (CI)

Rollout is timed end to end (`image_rollout`: the explicit forward plus the rollout itself), and so is caption-conditioned
relevance (`caption_relevance`: the explicit forward, the image-caption logits, their gradient with respect to every
layer's attention, and the gradient-weighted rollout), each against the fused
forward of the same tower on the same batch, run back to back; the ratio is the median over repetitions of each
pair's ratio, so a burst of other work on the machine tends to hit both sides of a pair. On a machine that other
jobs keep busy the numbers still mean little: torch's threads spin-wait for busy cores. Flow is `image_flow` per image \
(explicit forward plus one max-flow per token).
Towers have random weights: speed does not depend on them. Exits 1 when a full run misses a limit (rollout at most
1.5x the fused forward; flow at most 2 s per image on the shapes tower); --smoke only prints.
"""
import argparse, statistics, time

import torch

from clip_nb.attention_maps import caption_relevance, image_flow, image_rollout
from clip_nb.clip import get_preset
from clip_nb.similarity import LogitScale, ProjectionHead
from clip_nb.vit import ViT

ROLLOUT_LIMIT, FLOW_LIMIT_S = 1.5, 2.0


def tower(preset: str) -> ViT:
    torch.manual_seed(0)
    return ViT(get_preset(preset).vision).eval()


class ImageSide(torch.nn.Module):
    "The image half of a preset's CLIP (tower, projection, temperature): all that caption relevance uses."
    def __init__(self, preset: str):
        super().__init__()
        cfg = get_preset(preset)
        self.vision = tower(preset)
        self.image_proj = ProjectionHead(cfg.vision.dim, cfg.embed_dim, kind=cfg.projection)
        self.logit_scale = LogitScale()


def rollout_row(preset: str, batch: int, reps: int) -> dict:
    "Median ms of the fused forward, the explicit forward, rollout and caption relevance, interleaved."
    side = ImageSide(preset).eval()
    vit = side.vision
    x = torch.randn(batch, 3, vit.cfg.image_size, vit.cfg.image_size)
    captions = torch.nn.functional.normalize(torch.randn(batch, side.image_proj(torch.zeros(1, vit.cfg.dim)).shape[-1]),
                                             dim=-1)  # one caption embedding per image
    runs = {'fused': lambda: vit(x), 'explicit': lambda: vit(x, output_attentions=True),
            'rollout': lambda: image_rollout(vit, x), 'relevance': lambda: caption_relevance(side, x, captions)}
    times = {k: [] for k in runs}
    with torch.no_grad():
        for fn in runs.values(): fn()  # warm-up
        for _ in range(reps):
            for k, fn in runs.items():
                t0 = time.perf_counter(); fn(); times[k].append((time.perf_counter() - t0) * 1e3)
    ms = {k: statistics.median(v) for k, v in times.items()}
    ratio = lambda k: statistics.median(r / f for r, f in zip(times[k], times['fused']))  # pairs run back to back
    return {'tower': preset, 'batch': batch, **ms, 'ratio': ratio('rollout'), 'relevance_ratio': ratio('relevance')}


def flow_row(preset: str, images: int) -> dict:
    "Seconds per image of attention flow (one call for the batch)."
    vit = tower(preset)
    x = torch.randn(images, 3, vit.cfg.image_size, vit.cfg.image_size)
    image_flow(vit, x[:1])  # warm-up (imports SciPy)
    t0 = time.perf_counter()
    image_flow(vit, x)
    return {'tower': preset, 'images': images, 'tokens': (vit.cfg.image_size // vit.cfg.patch_size) ** 2 + 1,
            's_per_image': (time.perf_counter() - t0) / images}


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--smoke', action='store_true', help='tiny sizes, one repetition, no limits checked')
    ap.add_argument('--threads', type=int, default=None, help='torch.set_num_threads; default: torch decides')
    args = ap.parse_args()
    if args.threads: torch.set_num_threads(args.threads)
    if args.smoke: rollouts, flows = [('shapes', 8, 1), ('tiny', 8, 1)], [('shapes', 1)]
    else:  # the sizes
        rollouts = [('shapes', 64, 15), ('vit_b16_bert_base', 8, 3)]
        flows = [('shapes', 16), ('vit_b16_bert_base', 1)]
    smoke = ' (smoke: not the issue sizes)' if args.smoke else ''
    print(f"{torch.get_num_threads()} threads, torch {torch.__version__}{smoke}\n")
    print('| image tower | batch | fused ms | explicit ms | rollout ms | rollout / fused | relevance ms '
          '| relevance / fused |')
    print('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |')
    ok = True
    for preset, batch, reps in rollouts:
        r = rollout_row(preset, batch, reps)
        ok &= r['ratio'] <= ROLLOUT_LIMIT
        print(f"| {preset} | {batch} | {r['fused']:.1f} | {r['explicit']:.1f} | {r['rollout']:.1f} "
              f"| {r['ratio']:.2f} | {r['relevance']:.1f} | {r['relevance_ratio']:.2f} |")
    print('\n| image tower | tokens | images | flow s per image |\n| --- | ---: | ---: | ---: |')
    for preset, images in flows:
        r = flow_row(preset, images)
        if preset == 'shapes': ok &= r['s_per_image'] <= FLOW_LIMIT_S
        print(f"| {preset} | {r['tokens']} | {images} | {r['s_per_image']:.3f} |")
    print(f"\nlimits (rollout <= {ROLLOUT_LIMIT}x fused, shapes flow <= {FLOW_LIMIT_S} s/image): "
          + ('not checked (--smoke)' if args.smoke else 'met' if ok else 'MISSED'))
    if not (ok or args.smoke): raise SystemExit(1)


if __name__ == '__main__':
    main()
