"""Write README.md from nbs/index.ipynb (Quarto, which `nbdev_readme` needs, is not available here).

Usage: `python tools/make_readme.py` writes README.md; `python tools/make_readme.py --check` exits 1 if it is stale.
Cells marked `#| hide` are left out, cells marked `#| echo: false` give their output alone, \
`#| output: asis` cells give their output as markdown (a table), `#|` directive lines are stripped, code cells
become ```python blocks followed by their text outputs. Figures belong in `assets/` and are referenced from markdown cells, so the README stays small.
"""
import argparse, sys
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parent.parent


def _directives(src):
    return [l.strip()[3:].strip() for l in src.splitlines() if l.strip().startswith('#|')]


def _strip_directives(src):
    return '\n'.join(l for l in src.splitlines() if not l.strip().startswith('#|')).strip()


def _outputs(cell):
    texts = []
    for out in cell.get('outputs', []):
        if out.output_type == 'stream': texts.append(out.text)
        elif 'text/plain' in out.get('data', {}) and 'image/png' not in out.get('data', {}):
            texts.append(out.data['text/plain'])
    return ''.join(t if t.endswith('\n') else t + '\n' for t in texts).rstrip('\n')


def render(nb_path=ROOT / 'nbs' / 'index.ipynb'):
    "The README text for the notebook at `nb_path`."
    nb = nbformat.read(nb_path, as_version=4)
    parts = []
    for cell in nb.cells:
        if any(d.startswith('hide') or d.startswith('default_exp') for d in _directives(cell.source)): continue
        src = _strip_directives(cell.source)
        if not src: continue
        if cell.cell_type == 'markdown': parts.append(src)
        elif cell.cell_type == 'code':
            if 'echo: false' not in _directives(cell.source): parts.append(f'```python\n{src}\n```')
            out = _outputs(cell)
            if out: parts.append(out if 'output: asis' in _directives(cell.source) else f'```\n{out}\n```')
    header = ('<!-- Generated from nbs/index.ipynb by `python tools/make_readme.py`; '
              'edit the notebook, not this file. -->')
    return header + '\n\n' + '\n\n'.join(parts) + '\n'


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--check', action='store_true', help='exit 1 if README.md is not what nbs/index.ipynb gives')
    args = ap.parse_args()
    text, readme = render(), ROOT / 'README.md'
    if args.check:
        if not readme.exists() or readme.read_text(encoding='utf-8') != text:
            sys.exit('README.md is out of date with nbs/index.ipynb: run `python tools/make_readme.py` and commit it')
        print('README.md is in sync with nbs/index.ipynb')
        return
    tmp = readme.with_suffix('.md.tmp')
    tmp.write_text(text, encoding='utf-8')
    tmp.replace(readme)


if __name__ == '__main__': main()
