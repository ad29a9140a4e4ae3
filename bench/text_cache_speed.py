"""The locked-text cache of the default run: its captions encoded up front vs batch by batch as training meets them.

    python bench/text_cache_speed.py
    python bench/text_cache_speed.py --smoke    # seconds: `tiny` preset, 64 training + 32 held-out images (CI)

The caption set is exactly the default run's (`TrainConfig()`): the first caption of each of the training images
(`train_caption: first`) and the caption each validation and test image is paired with. "Up front" is what
`Trainer.prepare` does (one `TextFeatureCache.add` of the distinct captions); "batch by batch" feeds the same captions,
shuffled, one training batch (`batch_size`) at a time, as a lazily filled cache would meet them during the first epoch.
"""
import argparse, dataclasses, time

import torch

from clip_nb.data import choose_caption
from clip_nb.training import TextFeatureCache, TrainConfig, build_datasets, build_model


def run_captions(cfg: TrainConfig, datasets: dict) -> list:
    "Every (image, caption) pairing of the run's pools, in dataset order."
    out = []
    for split, ds in datasets.items():
        mode = cfg.train_caption if split == 'train' else 'random'
        out += [choose_caption(ds.captions_of(i), mode, (ds.seed, ds.sid, i, 0)) for i in range(len(ds))]
    return out


SMOKE = dict(model='tiny', train_size=64, val_size=16, test_size=16, batch_size=8)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--threads', type=int, default=None,
                    help='torch.set_num_threads; default: torch decides (smoke: 1)')
    ap.add_argument('--smoke', action='store_true', help='seconds: tiny preset, about 100 captions, one thread (CI)')
    args = ap.parse_args()
    threads = args.threads or (1 if args.smoke else None)  # smoke: one thread, which never stalls on a busy machine
    if threads: torch.set_num_threads(threads)
    cfg = dataclasses.replace(TrainConfig(), **SMOKE) if args.smoke else TrainConfig()
    model = build_model(cfg).eval()
    captions = run_captions(cfg, build_datasets(cfg, model.cfg.vision.image_size))
    distinct = sorted(set(captions))
    start = time.perf_counter(); TextFeatureCache(model).add(distinct); upfront = time.perf_counter() - start
    order = [captions[i] for i in torch.randperm(len(captions), generator=torch.Generator().manual_seed(0)).tolist()]
    lazy, start = TextFeatureCache(model), time.perf_counter()
    for b in range(0, len(order), cfg.batch_size): lazy(order[b:b + cfg.batch_size])
    batched = time.perf_counter() - start
    print(f"torch {torch.__version__}, {torch.get_num_threads()} threads; `{cfg.model}` preset; {len(captions)} pairs, "
          f"{len(distinct)} distinct captions{' (smoke)' if args.smoke else ''}")
    print(f"{'filled':<16}{'seconds':>9}{'ms/caption':>12}")
    for name, s in (('up front', upfront), ('batch by batch', batched)):
        print(f'{name:<16}{s:>9.1f}{1000 * s / len(distinct):>12.1f}')


if __name__ == '__main__':
    main()
