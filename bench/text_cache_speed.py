"""The locked-text cache of the default run: its captions encoded up front vs batch by batch as training meets them.

    python bench/text_cache_speed.py

The caption set is exactly the default run's: the first caption of each of the 6,000 training images
(`train_caption: first`) and the caption each validation and test image is paired with. "Up front" is what `Trainer.prepare`
does (one `TextFeatureCache.add` of the distinct captions); "batch by batch" feeds the same captions, shuffled, 64 at a time,
as a lazily filled cache would meet them during the first epoch.
"""
import time

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


def main():
    cfg = TrainConfig()
    model = build_model(cfg).eval()
    captions = run_captions(cfg, build_datasets(cfg, model.cfg.vision.image_size))
    distinct = sorted(set(captions))
    start = time.perf_counter(); TextFeatureCache(model).add(distinct); upfront = time.perf_counter() - start
    order = [captions[i] for i in torch.randperm(len(captions), generator=torch.Generator().manual_seed(0)).tolist()]
    lazy, start = TextFeatureCache(model), time.perf_counter()
    for b in range(0, len(order), 64): lazy(order[b:b + 64])
    batched = time.perf_counter() - start
    print(f'torch {torch.__version__}, {torch.get_num_threads()} threads; {len(captions)} pairs, {len(distinct)} distinct captions')
    print(f"{'filled':<16}{'seconds':>9}{'ms/caption':>12}")
    for name, s in (('up front', upfront), ('batch by batch', batched)): print(f'{name:<16}{s:>9.1f}{1000 * s / len(distinct):>12.1f}')


if __name__ == '__main__':
    main()
