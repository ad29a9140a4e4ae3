"""Write assets/similarity_training.gif: the default recipe trained once more, with chapter 8's SimilarityRecorder.

    python tools/record_similarity.py                    # the README's animation (about the default run's time)
    python tools/record_similarity.py --every 40 --out /tmp/sim.gif

The run is `TrainConfig()` (what `clip_nb_train` trains with no arguments) written into a temporary folder, so no run
of runs/ is touched; only the GIF is kept.
"""
import argparse, tempfile
from pathlib import Path

from clip_nb.training import SimilarityRecorder, TrainConfig, train

ROOT = Path(__file__).resolve().parent.parent


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('--out', default=str(ROOT / 'assets' / 'similarity_training.gif'))
    p.add_argument('--every', type=int, default=20, help='steps between frames')
    p.add_argument('--n', type=int, default=6, help='validation pairs in the matrix')
    args = p.parse_args()
    with tempfile.TemporaryDirectory() as out:
        train(TrainConfig(output_dir=out, name='similarity'), [SimilarityRecorder(args.out, args.every, args.n)])
    print(f'written to {args.out}')


if __name__ == '__main__':
    main()
