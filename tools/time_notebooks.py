"""Time a full run of every chapter (not the shrunken test run) and write assets/notebook_times.json.

    python tools/time_notebooks.py                 # every notebook in nbs/, one after another
    python tools/time_notebooks.py 03_vit 10_retrieval
    python tools/time_notebooks.py --tests         # the README's test command, nbdev_test, from a fresh clone

Each notebook is executed from a temporary copy with `nbs/` as its working directory, as Jupyter would run it, so the
notebooks themselves are not rewritten. Chapters 9-11 and the README use the trained run in runs/shapes when it is
there (train it first with `clip_nb_train`), and their time includes evaluating it. The README's reading path prints
these times. With --tests it times `nbdev_test` in a fresh clone of this repository (the committed notebooks; the
package they import is the installed clip_nb, so commit and `nbdev_export` first): there is no run there, so the time
includes the one training of the default recipe that chapters 9-11 share; it is stored under "nbdev_test".
"""
import json, subprocess, sys, tempfile, time
from pathlib import Path

import nbformat
from nbconvert.preprocessors import ExecutePreprocessor

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / 'assets' / 'notebook_times.json'


def time_tests() -> float:
    "Seconds that `nbdev_test` takes in a fresh clone; an error if a test fails."
    with tempfile.TemporaryDirectory() as d:
        subprocess.run(['git', 'clone', '-q', str(ROOT), f'{d}/c'], check=True)
        t0 = time.perf_counter()
        subprocess.run(['nbdev_test'], cwd=f'{d}/c', check=True)
        return time.perf_counter() - t0


def main(names):
    paths = sorted((ROOT / 'nbs').glob('[0-9][0-9]_*.ipynb'))
    times = json.loads(OUT.read_text()) if OUT.is_file() else {}
    if '--tests' in names:
        if names != ['--tests']: sys.exit('--tests times nbdev_test alone; give it no notebook names')
        names, paths, times['nbdev_test'] = None, [], round(time_tests(), 1)
    if names: paths = [p for p in paths if p.stem in names or p.stem[:2] in names]
    for p in paths:
        nb = nbformat.read(p, as_version=4)
        t0 = time.perf_counter()
        ExecutePreprocessor(timeout=3600, kernel_name='python3').preprocess(nb, {'metadata': {'path': str(p.parent)}})
        times[p.stem] = round(time.perf_counter() - t0, 1)
        print(f'{p.stem}: {times[p.stem]:.0f} s', flush=True)
    if 'nbdev_test' in times: print(f"nbdev_test: {times['nbdev_test']:.0f} s")
    tmp = OUT.with_suffix('.tmp')
    tmp.write_text(json.dumps(dict(sorted(times.items())), indent=1)); tmp.replace(OUT)
    print(f'written to {OUT}')


if __name__ == '__main__':
    main(sys.argv[1:])
