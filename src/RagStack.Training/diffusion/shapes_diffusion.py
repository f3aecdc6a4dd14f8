#!/usr/bin/env python3
"""Trains the `shapes-64` text-to-image model and exports it, with the tiny random-weight CI fixture, to the
Stable Diffusion ONNX layout that RagStack.Imaging reads.

One run does everything: it draws coloured shapes on coloured backgrounds on the GPU, trains a small VAE (64x64 RGB to
4x16x16 latents), then a CLIP-style text encoder and a U-Net with cross-attention together (epsilon prediction,
caption dropout for classifier-free guidance, min-SNR weighting, EMA), and writes

    OUT/shapes-64/   model_index.json, tokenizer/{vocab.json,merges.txt,...}, text_encoder/model.onnx,
                     unet/model.onnx, vae_decoder/{model.onnx,config.json}, scheduler/scheduler_config.json
    OUT/tiny-sd/     the same layout with random weights (int64 ids and timestep, float16 VAE decoder)
    OUT/samples.png  a contact sheet sampled from the trained model in PyTorch
    OUT/train-log.txt

    python3 shapes_diffusion.py --out OUT [--budget 300] [--smoke]

--smoke trains for a few seconds on the CPU at tiny widths: a check that every stage and export runs.
"""
import argparse
import json
import math
import os
import random
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

COLOURS = {
    "red": (220, 40, 40), "green": (40, 170, 60), "blue": (40, 80, 220), "yellow": (240, 220, 40),
    "purple": (140, 60, 180), "orange": (245, 140, 30), "white": (245, 245, 245), "black": (20, 20, 20),
}
COLOUR_NAMES = list(COLOURS)
SHAPES = ["circle", "square", "triangle", "star"]
WORDS = ["a", "on", "background", "left", "right", "of", "and"] + COLOUR_NAMES + SHAPES
MAX_LEN = 77
IMAGE = 64


def held_out(colour, background, shape):
    """Colour/background/shape combinations never drawn in training; the bench's prompts include them."""
    c, b, s = COLOUR_NAMES.index(colour), COLOUR_NAMES.index(background), SHAPES.index(shape)
    return (c * 7 + b * 3 + s * 5) % 9 == 0


# ---------------------------------------------------------------- tokenizer (CLIP BPE file format, one token a word)

def build_tokenizer_files():
    """vocab.json and merges.txt in CLIP's format whose merges rebuild every word of WORDS into one token.

    Each word gets the chain of merges that joins its characters left to right; a chain's pair can fire inside
    another word (the 'r e' of 'red' inside 'green'), so word orders are tried, longest first, until every word
    comes out whole."""
    chars = sorted({ch for w in WORDS for ch in w})
    orders = [sorted(WORDS, key=lambda w: (-len(w), w))]
    shuffler = random.Random(0)
    for _ in range(2000):
        order = list(WORDS)
        shuffler.shuffle(order)
        orders.append(order)
    for order in orders:
        vocab = {}
        for ch in chars:
            vocab.setdefault(ch, len(vocab))
        for ch in chars:
            vocab.setdefault(ch + "</w>", len(vocab))
        merges = []
        for w in order:
            pieces = list(w[:-1]) + [w[-1] + "</w>"]
            while len(pieces) > 1:
                a, b = pieces[0], pieces[1]
                if (a, b) not in merges:
                    merges.append((a, b))
                vocab.setdefault(a + b, len(vocab))
                pieces = [a + b] + pieces[2:]
        ranks = {m: i for i, m in enumerate(merges)}
        if all(bpe_word(w, ranks) == [w + "</w>"] for w in WORDS):
            vocab["<|startoftext|>"] = len(vocab)
            vocab["<|endoftext|>"] = len(vocab)
            return vocab, merges
    raise RuntimeError("no merge order keeps every word one token")


def bpe_word(word, ranks):
    """The standard CLIP BPE of one lower-cased word (lowest-ranked adjacent pair merged first)."""
    pieces = list(word[:-1]) + [word[-1] + "</w>"]
    while len(pieces) > 1:
        best = None
        for i in range(len(pieces) - 1):
            r = ranks.get((pieces[i], pieces[i + 1]))
            if r is not None and (best is None or r < best[0]):
                best = (r, i)
        if best is None:
            break
        i = best[1]
        pieces = pieces[:i] + [pieces[i] + pieces[i + 1]] + pieces[i + 2:]
    return pieces


class Tokenizer:
    def __init__(self):
        self.vocab, self.merges = build_tokenizer_files()
        self.ranks = {m: i for i, m in enumerate(self.merges)}
        self.bos = self.vocab["<|startoftext|>"]
        self.eos = self.vocab["<|endoftext|>"]
        for w in WORDS:
            pieces = bpe_word(w, self.ranks)
            assert pieces == [w + "</w>"], f"'{w}' splits into {pieces}: the merges are not one token a word"

    def encode(self, text):
        ids = [self.bos]
        for word in text.lower().replace(",", " ").split():
            ids += [self.vocab[p] for p in bpe_word(word, self.ranks)]
        ids = ids[:MAX_LEN - 1] + [self.eos]
        return ids + [self.eos] * (MAX_LEN - len(ids))

    def write(self, folder):
        os.makedirs(folder, exist_ok=True)
        with open(os.path.join(folder, "vocab.json"), "w") as f:
            json.dump(self.vocab, f, indent=0)
        with open(os.path.join(folder, "merges.txt"), "w") as f:
            f.write("#version: 0.2\n")
            for a, b in self.merges:
                f.write(f"{a} {b}\n")
        with open(os.path.join(folder, "special_tokens_map.json"), "w") as f:
            json.dump({"bos_token": "<|startoftext|>", "eos_token": "<|endoftext|>",
                       "pad_token": "<|endoftext|>", "unk_token": "<|endoftext|>"}, f, indent=2)
        with open(os.path.join(folder, "tokenizer_config.json"), "w") as f:
            json.dump({"tokenizer_class": "CLIPTokenizer", "model_max_length": MAX_LEN, "do_lower_case": True,
                       "bos_token": "<|startoftext|>", "eos_token": "<|endoftext|>",
                       "pad_token": "<|endoftext|>", "unk_token": "<|endoftext|>"}, f, indent=2)


# ---------------------------------------------------------------- data: shapes drawn on the GPU

def signed_distance(shape, x, y, r):
    """Signed distance (pixels, negative inside) of axis-aligned shapes of 'radius' r centred at the origin; y down."""
    if shape == 0:  # circle
        return torch.sqrt(x * x + y * y) - r
    if shape == 1:  # square
        s = r * 0.82
        return torch.maximum(x.abs(), y.abs()) - s
    if shape == 2:  # equilateral triangle pointing up (iq's formula, y up)
        k = math.sqrt(3.0)
        yy = -y + r * 0.25
        px = x.abs() - r
        py = yy + r / k
        fold = px + k * py > 0
        qx = torch.where(fold, (px - k * py) / 2, px)
        qy = torch.where(fold, (-k * px - py) / 2, py)
        qx = qx - torch.clamp(qx, -2 * r, torch.zeros_like(r))
        return -torch.sqrt(qx * qx + qy * qy) * torch.sign(qy)
    # five-pointed star (iq's sdStar5, y up), inner radius 0.45 of the outer, drawn larger to cover a like area
    r = r * 1.15
    k1x, k1y = 0.809016994375, -0.587785252292
    k2x, k2y = -k1x, k1y
    rf = 0.45
    px = x.abs()
    py = -y + r * 0.1
    d = torch.clamp(k1x * px + k1y * py, min=0) * 2
    px, py = px - d * k1x, py - d * k1y
    d = torch.clamp(k2x * px + k2y * py, min=0) * 2
    px, py = px - d * k2x, py - d * k2y
    px = px.abs()
    py = py - r
    bax, bay = rf * -k1y - 0.0, rf * k1x - 1.0
    h = torch.clamp((px * bax + py * bay) / (bax * bax + bay * bay), min=torch.zeros_like(r), max=r)
    dx, dy = px - bax * h, py - bay * h
    return torch.sqrt(dx * dx + dy * dy) * torch.sign(py * bax - px * bay)


class ShapeScenes:
    """Random scenes and their captions; one object on a background, or two objects side by side."""

    def __init__(self, device, two_object_share=0.2, background_drop=0.1):
        self.device = device
        self.palette = torch.tensor([COLOURS[c] for c in COLOUR_NAMES], dtype=torch.float32, device=device) / 127.5 - 1
        self.two = two_object_share
        self.bg_drop = background_drop
        ys, xs = torch.meshgrid(torch.arange(IMAGE, device=device), torch.arange(IMAGE, device=device), indexing="ij")
        self.xs, self.ys = xs.float() + 0.5, ys.float() + 0.5

    def sample_single(self, rng):
        while True:
            b = rng.randrange(8)
            c = rng.randrange(8)
            s = rng.randrange(4)
            if c != b and not held_out(COLOUR_NAMES[c], COLOUR_NAMES[b], SHAPES[s]):
                return c, b, s

    def batch(self, n, rng):
        images = torch.empty(n, 3, IMAGE, IMAGE, device=self.device)
        captions = []
        objects = []  # (index, colour, shape, cx, cy, r)
        for i in range(n):
            if rng.random() < self.two:
                b = rng.randrange(8)
                c1, c2 = rng.sample([k for k in range(8) if k != b], 2)
                s1, s2 = rng.randrange(4), rng.randrange(4)
                r = rng.uniform(9, 12)
                cy = rng.uniform(24, 40)
                x1, x2 = rng.uniform(14, 22), rng.uniform(42, 50)
                objects += [(i, c1, s1, x1, cy + rng.uniform(-3, 3), r), (i, c2, s2, x2, cy + rng.uniform(-3, 3), r)]
                if rng.random() < 0.5:
                    cap = f"a {COLOUR_NAMES[c1]} {SHAPES[s1]} left of a {COLOUR_NAMES[c2]} {SHAPES[s2]}"
                else:
                    cap = f"a {COLOUR_NAMES[c2]} {SHAPES[s2]} right of a {COLOUR_NAMES[c1]} {SHAPES[s1]}"
            else:
                c, b, s = self.sample_single(rng)
                r = rng.uniform(15, 22)
                objects.append((i, c, s, 32 + rng.uniform(-7, 7), 32 + rng.uniform(-7, 7), r))
                cap = f"a {COLOUR_NAMES[c]} {SHAPES[s]}"
            if rng.random() >= self.bg_drop:
                cap += f" on a {COLOUR_NAMES[b]} background"
            images[i] = self.palette[b].view(3, 1, 1)
            captions.append(cap)
        jitter = (torch.rand(n, 3, 1, 1, device=self.device) - 0.5) * 0.08
        images += jitter
        for shape in range(4):
            sel = [o for o in objects if o[2] == shape]
            if not sel:
                continue
            idx = torch.tensor([o[0] for o in sel], device=self.device)
            col = self.palette[torch.tensor([o[1] for o in sel], device=self.device)]
            cx = torch.tensor([o[3] for o in sel], device=self.device).view(-1, 1, 1)
            cy = torch.tensor([o[4] for o in sel], device=self.device).view(-1, 1, 1)
            r = torch.tensor([o[5] for o in sel], device=self.device).view(-1, 1, 1)
            d = signed_distance(shape, self.xs - cx, self.ys - cy, r)
            alpha = torch.clamp(0.5 - d, 0, 1).unsqueeze(1)
            images[idx] = images[idx] * (1 - alpha) + col.view(-1, 3, 1, 1) * alpha
        return images.clamp(-1, 1), captions


# ---------------------------------------------------------------- models

class ResBlock(nn.Module):
    def __init__(self, cin, cout, tdim=None, groups=8):
        super().__init__()
        self.n1 = nn.GroupNorm(min(groups, cin), cin)
        self.c1 = nn.Conv2d(cin, cout, 3, padding=1)
        self.t = nn.Linear(tdim, cout) if tdim else None
        self.n2 = nn.GroupNorm(min(groups, cout), cout)
        self.c2 = nn.Conv2d(cout, cout, 3, padding=1)
        self.skip = nn.Conv2d(cin, cout, 1) if cin != cout else nn.Identity()

    def forward(self, x, temb=None):
        h = self.c1(F.silu(self.n1(x)))
        if self.t is not None:
            h = h + self.t(F.silu(temb))[:, :, None, None]
        h = self.c2(F.silu(self.n2(h)))
        return self.skip(x) + h


class VaeEncoder(nn.Module):
    def __init__(self, ch=(32, 64, 64), z=4):
        super().__init__()
        layers = [nn.Conv2d(3, ch[0], 3, padding=1)]
        for i in range(len(ch) - 1):
            layers += [ResBlock(ch[i], ch[i]), nn.Conv2d(ch[i], ch[i + 1], 3, stride=2, padding=1)]
        layers += [ResBlock(ch[-1], ch[-1]), nn.GroupNorm(8, ch[-1]), nn.SiLU(), nn.Conv2d(ch[-1], 2 * z, 3, padding=1)]
        self.net = nn.Sequential(*layers)

    def forward(self, x):
        mean, logvar = self.net(x).chunk(2, dim=1)
        return mean, logvar.clamp(-30, 20)


class VaeDecoder(nn.Module):
    def __init__(self, ch=(32, 64, 64), z=4):
        super().__init__()
        rch = list(reversed(ch))
        layers = [nn.Conv2d(z, rch[0], 3, padding=1), ResBlock(rch[0], rch[0])]
        for i in range(len(rch) - 1):
            layers += [nn.Upsample(scale_factor=2, mode="nearest"), nn.Conv2d(rch[i], rch[i + 1], 3, padding=1),
                       ResBlock(rch[i + 1], rch[i + 1])]
        layers += [nn.GroupNorm(8, rch[-1]), nn.SiLU(), nn.Conv2d(rch[-1], 3, 3, padding=1)]
        self.net = nn.Sequential(*layers)

    def forward(self, z):
        return self.net(z)


class Attention(nn.Module):
    """Multi-head attention written out (exports to plain MatMul/Softmax; fused kernel while training)."""

    def __init__(self, dim, heads, kdim=None):
        super().__init__()
        self.heads = heads
        self.q = nn.Linear(dim, dim)
        self.k = nn.Linear(kdim or dim, dim)
        self.v = nn.Linear(kdim or dim, dim)
        self.o = nn.Linear(dim, dim)

    def forward(self, x, ctx=None, mask=None):
        ctx = x if ctx is None else ctx
        b, n, d = x.shape
        h = self.heads
        q = self.q(x).view(b, n, h, d // h).transpose(1, 2)
        k = self.k(ctx).view(b, ctx.shape[1], h, d // h).transpose(1, 2)
        v = self.v(ctx).view(b, ctx.shape[1], h, d // h).transpose(1, 2)
        if hasattr(F, "scaled_dot_product_attention") and not torch.onnx.is_in_onnx_export():
            out = F.scaled_dot_product_attention(q, k, v, attn_mask=None if mask is None else mask > -1)
        else:
            w = torch.matmul(q, k.transpose(-1, -2)) * (1.0 / math.sqrt(d // h))
            if mask is not None:
                w = w + mask
            out = torch.matmul(torch.softmax(w, dim=-1), v)
        return self.o(out.transpose(1, 2).reshape(b, n, d))


class ClipLayer(nn.Module):
    def __init__(self, hidden, heads):
        super().__init__()
        self.ln1 = nn.LayerNorm(hidden)
        self.attn = Attention(hidden, heads)
        self.ln2 = nn.LayerNorm(hidden)
        self.fc1 = nn.Linear(hidden, hidden * 4)
        self.fc2 = nn.Linear(hidden * 4, hidden)

    def forward(self, h, mask):
        h = h + self.attn(self.ln1(h), mask=mask)
        m = self.fc1(self.ln2(h))
        return h + self.fc2(m * torch.sigmoid(1.702 * m))


class ClipStyleTextEncoder(nn.Module):
    """The CLIP text transformer (pre-LN, causal, quick-GELU), for machines without transformers."""

    def __init__(self, vocab, hidden, layers, heads):
        super().__init__()
        self.token_embedding = nn.Embedding(vocab, hidden)
        self.position_embedding = nn.Embedding(MAX_LEN, hidden)
        self.layers = nn.ModuleList(ClipLayer(hidden, heads) for _ in range(layers))
        self.final_layer_norm = nn.LayerNorm(hidden)
        self.register_buffer("mask", torch.triu(torch.full((MAX_LEN, MAX_LEN), -1e9), 1), persistent=False)

    def forward(self, input_ids):
        n = input_ids.shape[1]
        h = self.token_embedding(input_ids.long()) + self.position_embedding.weight[:n].unsqueeze(0)
        for layer in self.layers:
            h = layer(h, self.mask[:n, :n])
        return self.final_layer_norm(h)


def make_text_encoder(vocab, hidden, layers, heads, log):
    try:
        from transformers import CLIPTextConfig, CLIPTextModel
        config = CLIPTextConfig(vocab_size=vocab, hidden_size=hidden, intermediate_size=hidden * 4,
                                num_hidden_layers=layers, num_attention_heads=heads, max_position_embeddings=MAX_LEN,
                                bos_token_id=vocab - 2, eos_token_id=vocab - 1, pad_token_id=vocab - 1)
        try:
            model = CLIPTextModel(config, attn_implementation="eager")
        except TypeError:
            model = CLIPTextModel(config)

        class Wrapped(nn.Module):
            def __init__(self, m):
                super().__init__()
                self.m = m

            def forward(self, input_ids):
                return self.m(input_ids=input_ids.long()).last_hidden_state

        wrapped = Wrapped(model).eval()
        probe = os.path.join("/tmp", f"probe-text-{os.getpid()}.onnx")
        ids = torch.randint(0, vocab - 2, (2, MAX_LEN))
        export(wrapped, (ids,), probe, ["input_ids"],
               ["last_hidden_state"], {"input_ids": {0: "batch"}, "last_hidden_state": {0: "batch"}})
        try:
            import onnxruntime as ort
            got = ort.InferenceSession(probe).run(None, {"input_ids": ids.numpy()})[0]
            with torch.no_grad():
                diff = float(abs(wrapped(ids).numpy() - got).max())
            if diff > 1e-3:
                raise RuntimeError(f"its ONNX export differs from PyTorch by {diff}")
        except ImportError:
            pass
        os.remove(probe)
        log("text encoder: transformers CLIPTextModel")
        return wrapped
    except Exception as e:  # noqa: BLE001 - any failure falls back to the same architecture written here
        log(f"text encoder: transformers CLIPTextModel unavailable or not exportable ({type(e).__name__}: {e}); "
            "using the CLIP-style encoder in this script")
        return ClipStyleTextEncoder(vocab, hidden, layers, heads)


class CrossAttnBlock(nn.Module):
    def __init__(self, ch, ctx, heads):
        super().__init__()
        self.norm = nn.GroupNorm(8, ch)
        self.proj_in = nn.Conv2d(ch, ch, 1)
        self.ln1 = nn.LayerNorm(ch)
        self.self_attn = Attention(ch, heads)
        self.ln2 = nn.LayerNorm(ch)
        self.cross = Attention(ch, heads, kdim=ctx)
        self.ln3 = nn.LayerNorm(ch)
        self.ff = nn.Sequential(nn.Linear(ch, ch * 4), nn.GELU(), nn.Linear(ch * 4, ch))
        self.proj_out = nn.Conv2d(ch, ch, 1)

    def forward(self, x, ctx):
        b, c, h, w = x.shape
        t = self.proj_in(self.norm(x)).flatten(2).transpose(1, 2)
        t = t + self.self_attn(self.ln1(t))
        t = t + self.cross(self.ln2(t), ctx)
        t = t + self.ff(self.ln3(t))
        return x + self.proj_out(t.transpose(1, 2).reshape(b, c, h, w))


def timestep_embedding(t, dim):
    half = dim // 2
    freqs = torch.exp(-math.log(10000.0) * torch.arange(half, device=t.device, dtype=torch.float32) / half)
    args = t.float().view(-1, 1) * freqs.view(1, -1)
    return torch.cat([torch.cos(args), torch.sin(args)], dim=1)


class UNet(nn.Module):
    def __init__(self, ch=(64, 128, 128), ctx=128, heads=4, z=4):
        super().__init__()
        self.tdim = ch[0] * 4
        self.time = nn.Sequential(nn.Linear(ch[0], self.tdim), nn.SiLU(), nn.Linear(self.tdim, self.tdim))
        self.conv_in = nn.Conv2d(z, ch[0], 3, padding=1)
        self.down = nn.ModuleList()
        self.downsample = nn.ModuleList()
        skips = [ch[0]]
        cur = ch[0]
        for i, c in enumerate(ch):
            self.down.append(nn.ModuleList([ResBlock(cur, c, self.tdim), CrossAttnBlock(c, ctx, heads)]))
            cur = c
            skips.append(cur)
            if i < len(ch) - 1:
                self.downsample.append(nn.Conv2d(cur, cur, 3, stride=2, padding=1))
                skips.append(cur)
        self.mid1 = ResBlock(cur, cur, self.tdim)
        self.mid_attn = CrossAttnBlock(cur, ctx, heads)
        self.mid2 = ResBlock(cur, cur, self.tdim)
        self.up = nn.ModuleList()
        self.upsample = nn.ModuleList()
        for i, c in reversed(list(enumerate(ch))):
            blocks = nn.ModuleList()
            for _ in range(2):
                blocks.append(nn.ModuleList([ResBlock(cur + skips.pop(), c, self.tdim), CrossAttnBlock(c, ctx, heads)]))
                cur = c
            self.up.append(blocks)
            if i > 0:
                self.upsample.append(nn.Conv2d(cur, cur, 3, padding=1))
        self.out = nn.Sequential(nn.GroupNorm(8, cur), nn.SiLU(), nn.Conv2d(cur, z, 3, padding=1))
        self.base = ch[0]

    def forward(self, sample, timestep, encoder_hidden_states):
        # a scalar or [1] timestep broadcasts over the batch, a [B] one is per sample
        t = timestep.reshape(-1)
        temb = self.time(timestep_embedding(t, self.base))
        h = self.conv_in(sample)
        hs = [h]
        for i, (res, attn) in enumerate(self.down):
            h = attn(res(h, temb), encoder_hidden_states)
            hs.append(h)
            if i < len(self.downsample):
                h = self.downsample[i](h)
                hs.append(h)
        h = self.mid2(self.mid_attn(self.mid1(h, temb), encoder_hidden_states), temb)
        for i, blocks in enumerate(self.up):
            for res, attn in blocks:
                h = attn(res(torch.cat([h, hs.pop()], dim=1), temb), encoder_hidden_states)
            if i < len(self.upsample):
                h = self.upsample[i](F.interpolate(h, scale_factor=2.0, mode="nearest"))
        return self.out(h)


# ---------------------------------------------------------------- diffusion math (SD 1.5's scaled-linear schedule)

def alphas_cumprod(n=1000, beta_start=0.00085, beta_end=0.012):
    betas = torch.linspace(beta_start ** 0.5, beta_end ** 0.5, n, dtype=torch.float64) ** 2
    return torch.cumprod(1 - betas, 0).float()


@torch.no_grad()
def ddim_sample(unet, text, ids, uncond_ids, latent_shape, steps, guidance, acp, gen, device):
    cond = text(ids)
    unc = text(uncond_ids.expand_as(ids))
    x = torch.randn(latent_shape, generator=gen, device="cpu").to(device)
    ts = list(range(999, -1, -(1000 // steps)))[:steps]
    for i, t in enumerate(ts):
        a = acp[t]
        a_prev = acp[ts[i + 1]] if i + 1 < len(ts) else torch.tensor(1.0, device=device)
        tt = torch.full((x.shape[0],), float(t), device=device)
        eps_c = unet(x, tt, cond)
        eps_u = unet(x, tt, unc)
        eps = eps_u + guidance * (eps_c - eps_u)
        x0 = (x - (1 - a).sqrt() * eps) / a.sqrt()
        x = a_prev.sqrt() * x0 + (1 - a_prev).sqrt() * eps
    return x


# ---------------------------------------------------------------- export

def export(module, args, path, inputs, outputs, dynamic_axes, opset=17):
    os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
    module.eval()
    kwargs = dict(input_names=inputs, output_names=outputs, dynamic_axes=dynamic_axes, opset_version=opset,
                  do_constant_folding=True)
    with torch.no_grad():
        try:
            torch.onnx.export(module, args, path, dynamo=False, **kwargs)
        except TypeError:  # PyTorch before 2.5 has one exporter and no 'dynamo' argument
            torch.onnx.export(module, args, path, **kwargs)
        except Exception as e:  # noqa: BLE001 - a PyTorch without the TorchScript exporter: use the new one
            print(f"TorchScript export failed ({type(e).__name__}: {e}); trying dynamo=True", flush=True)
            torch.onnx.export(module, args, path, dynamo=True, **kwargs)
    import onnx
    model = onnx.load(path)
    onnx.checker.check_model(model)


def store_weights_as_float16(path, min_elements=256):
    """Keeps the large float32 weights as float16 initializers, each cast back to float32 in the graph: half the file,
    the same float32 arithmetic (ONNX Runtime folds the casts once, at session start)."""
    import numpy as np
    import onnx
    from onnx import helper, numpy_helper
    model = onnx.load(path)
    graph = model.graph
    keep, casts = [], []
    for init in graph.initializer:
        if init.data_type == onnx.TensorProto.FLOAT and int(np.prod(init.dims)) >= min_elements:
            arr = numpy_helper.to_array(init).astype(np.float16)
            half = numpy_helper.from_array(arr, init.name + "_fp16")
            keep.append(half)
            casts.append(helper.make_node("Cast", [half.name], [init.name], to=onnx.TensorProto.FLOAT,
                                          name=init.name + "_cast"))
        else:
            keep.append(init)
    del graph.initializer[:]
    graph.initializer.extend(keep)
    nodes = casts + list(graph.node)
    del graph.node[:]
    graph.node.extend(nodes)
    onnx.checker.check_model(model)
    onnx.save(model, path)


class TimestepAs(nn.Module):
    """The U-Net with its timestep taken in another dtype, or its tensors in float16 (computed in float32)."""

    def __init__(self, unet, half_io=False):
        super().__init__()
        self.unet, self.half_io = unet, half_io

    def forward(self, sample, timestep, encoder_hidden_states):
        out = self.unet(sample.float(), timestep.float(), encoder_hidden_states.float())
        return out.half() if self.half_io else out


class HalfIo(nn.Module):
    def __init__(self, m):
        super().__init__()
        self.m = m

    def forward(self, x):
        return self.m(x.float()).half()


def write_layout(folder, tok, text, unet, decoder, vae_channels, scaling, hidden, scheduler, ids_dtype, t_dtype,
                 half_vae=False, half_unet=False, latent=16):
    tok.write(os.path.join(folder, "tokenizer"))
    ids = torch.tensor([tok.encode("a red circle on a blue background")], dtype=ids_dtype)
    export(text, (ids,), os.path.join(folder, "text_encoder", "model.onnx"), ["input_ids"], ["last_hidden_state"],
           {"input_ids": {0: "batch"}, "last_hidden_state": {0: "batch"}})
    fdt = torch.float16 if half_unet else torch.float32
    sample = torch.randn(2, 4, latent, latent).to(fdt)
    ts = torch.tensor([500, 500], dtype=t_dtype)
    ehs = torch.randn(2, MAX_LEN, hidden).to(fdt)
    export(TimestepAs(unet, half_unet), (sample, ts, ehs), os.path.join(folder, "unet", "model.onnx"),
           ["sample", "timestep", "encoder_hidden_states"], ["out_sample"],
           {"sample": {0: "batch", 2: "height", 3: "width"}, "timestep": {0: "batch"},
            "encoder_hidden_states": {0: "batch"}, "out_sample": {0: "batch", 2: "height", 3: "width"}})
    dec = HalfIo(decoder) if half_vae else decoder
    z = torch.randn(1, 4, latent, latent).to(torch.float16 if half_vae else torch.float32)
    export(dec, (z,), os.path.join(folder, "vae_decoder", "model.onnx"), ["latent_sample"], ["sample"],
           {"latent_sample": {0: "batch", 2: "height", 3: "width"}, "sample": {0: "batch", 2: "height", 3: "width"}})
    with open(os.path.join(folder, "vae_decoder", "config.json"), "w") as f:
        json.dump({"_class_name": "AutoencoderKL", "latent_channels": 4, "scaling_factor": scaling,
                   "block_out_channels": list(vae_channels), "sample_size": IMAGE}, f, indent=2)
    os.makedirs(os.path.join(folder, "scheduler"), exist_ok=True)
    with open(os.path.join(folder, "scheduler", "scheduler_config.json"), "w") as f:
        json.dump(scheduler, f, indent=2)
    with open(os.path.join(folder, "model_index.json"), "w") as f:
        json.dump({"_class_name": "OnnxStableDiffusionPipeline", "_diffusers_version": "0.30.0",
                   "scheduler": ["diffusers", scheduler["_class_name"]], "text_encoder": ["onnx", "model.onnx"],
                   "tokenizer": ["transformers", "CLIPTokenizer"], "unet": ["onnx", "model.onnx"],
                   "vae_decoder": ["onnx", "model.onnx"]}, f, indent=2)


def scheduler_config(class_name, spacing):
    return {"_class_name": class_name, "num_train_timesteps": 1000, "beta_start": 0.00085, "beta_end": 0.012,
            "beta_schedule": "scaled_linear", "prediction_type": "epsilon", "timestep_spacing": spacing,
            "steps_offset": 1, "set_alpha_to_one": False, "clip_sample": False}


def check_with_onnxruntime(folder, tok, text, unet, decoder, t_dtype, log, device):
    try:
        import numpy as np
        import onnxruntime as ort
    except ImportError:
        log("onnxruntime not installed: exported models not compared")
        return
    ids = torch.tensor([tok.encode("a green square on a yellow background")], dtype=torch.int64)
    with torch.no_grad():
        ref_text = text(ids.to(device)).float().cpu().numpy()
        s = ort.InferenceSession(os.path.join(folder, "text_encoder", "model.onnx"))
        dt = np.int32 if "int32" in s.get_inputs()[0].type else np.int64
        got = s.run(None, {"input_ids": ids.numpy().astype(dt)})[0]
        log(f"onnx check text_encoder max|diff| {abs(got - ref_text).max():.2e}")
        x = torch.randn(2, 4, 16, 16)
        ehs = torch.from_numpy(np.concatenate([ref_text, ref_text]))
        ref = unet(x.to(device), torch.tensor([321.0, 321.0], device=device), ehs.to(device)).float().cpu().numpy()
        s = ort.InferenceSession(os.path.join(folder, "unet", "model.onnx"))
        got = s.run(None, {"sample": x.numpy(), "timestep": np.array([321, 321]).astype(
            np.float32 if t_dtype == torch.float32 else np.int64), "encoder_hidden_states": ehs.numpy()})[0]
        log(f"onnx check unet max|diff| {abs(got - ref).max():.2e}")
        z = torch.randn(1, 4, 16, 16)
        ref = decoder(z.to(device)).float().cpu().numpy()
        s = ort.InferenceSession(os.path.join(folder, "vae_decoder", "model.onnx"))
        got = s.run(None, {"latent_sample": z.numpy()})[0]
        log(f"onnx check vae_decoder max|diff| {abs(got - ref).max():.2e}")


def save_sheet(images, path, cols):
    from PIL import Image
    n = images.shape[0]
    rows = (n + cols - 1) // cols
    arr = ((images.clamp(-1, 1) + 1) * 127.5).round().byte().permute(0, 2, 3, 1).cpu().numpy()
    sheet = Image.new("RGB", (cols * (IMAGE + 2), rows * (IMAGE + 2)), (128, 128, 128))
    for i in range(n):
        sheet.paste(Image.fromarray(arr[i]), ((i % cols) * (IMAGE + 2) + 1, (i // cols) * (IMAGE + 2) + 1))
    sheet = sheet.resize((sheet.width * 2, sheet.height * 2), Image.NEAREST)
    sheet.save(path)


# ---------------------------------------------------------------- main

def main():
    p = argparse.ArgumentParser()
    p.add_argument("--out", required=True)
    p.add_argument("--budget", type=float, default=300, help="seconds for training, export excluded")
    p.add_argument("--smoke", action="store_true")
    p.add_argument("--fixture-only", action="store_true")
    p.add_argument("--no-fixture", action="store_true")
    a = p.parse_args()
    os.makedirs(a.out, exist_ok=True)
    started = time.time()
    log_file = open(os.path.join(a.out, "train-log.txt"), "w")

    def log(msg):
        line = f"[{time.time() - started:7.1f}s] {msg}"
        print(line, flush=True)
        log_file.write(line + "\n")
        log_file.flush()

    torch.manual_seed(0)
    rng = random.Random(0)
    tok = Tokenizer()
    vocab = len(tok.vocab)
    log(f"torch {torch.__version__}, vocab {vocab} tokens")

    # The CI fixture: random weights, tiny widths, int64 ids and timestep, a float16 VAE decoder.
    fx_text = ClipStyleTextEncoder(vocab, 32, 1, 2)
    fx_unet = UNet(ch=(16, 32), ctx=32, heads=2)
    fx_dec = VaeDecoder(ch=(16, 16))
    if not a.no_fixture:
        write_layout(os.path.join(a.out, "tiny-sd"), tok, fx_text, fx_unet, fx_dec, (16, 16), 0.18215, 32,
                     scheduler_config("EulerAncestralDiscreteScheduler", "leading"), torch.int64, torch.int64,
                     half_vae=True, latent=8)
        log("tiny-sd fixture written")
    if a.fixture_only:
        return

    device = "cuda" if torch.cuda.is_available() and not a.smoke else "cpu"
    if device == "cuda":
        torch.backends.cuda.matmul.allow_tf32 = True
        torch.backends.cudnn.allow_tf32 = True
    scenes = ShapeScenes(device)
    vae_ch = (32, 64, 64) if not a.smoke else (8, 8, 8)
    unet_ch = (64, 128, 128) if not a.smoke else (16, 16, 16)
    hidden = 128 if not a.smoke else 32
    budget = a.budget if not a.smoke else 20
    vae_share = 0.14
    bs_vae, bs = (128, 512) if not a.smoke else (8, 8)
    amp = dict(device_type="cuda", dtype=torch.bfloat16) if device == "cuda" else None

    # Data is drawn once into a pool (fast on the GPU) and re-drawn in part each step, so the Python loop that
    # builds captions is not the bottleneck.
    pool_n = 16384 if not a.smoke else 64
    t0 = time.time()
    pool_images, pool_caps = [], []
    for _ in range(pool_n // 512 if not a.smoke else 1):
        im, caps = scenes.batch(512 if not a.smoke else pool_n, rng)
        pool_images.append(im)
        pool_caps += caps
    pool_images = torch.cat(pool_images)
    pool_ids = torch.tensor([tok.encode(c) for c in pool_caps], device=device)
    log(f"drew {pool_images.shape[0]} scenes in {time.time() - t0:.1f}s on {device}")
    save_sheet(pool_images[:32], os.path.join(a.out, "training-scenes.png"), 8)

    def refresh(k):
        im, caps = scenes.batch(k, rng)
        pos = torch.randint(0, pool_images.shape[0], (k,), device=device)
        pool_images[pos] = im
        pool_ids[pos] = torch.tensor([tok.encode(c) for c in caps], device=device)

    # ---- VAE
    enc, dec = VaeEncoder(vae_ch).to(device), VaeDecoder(vae_ch).to(device)
    opt = torch.optim.AdamW(list(enc.parameters()) + list(dec.parameters()), lr=1e-3, weight_decay=0.0)
    deadline = time.time() + budget * vae_share
    step = 0
    while time.time() < deadline:
        x = pool_images[torch.randint(0, pool_images.shape[0], (bs_vae,), device=device)]
        with torch.autocast(**amp) if amp else torch.enable_grad():
            mean, logvar = enc(x)
            z = mean + torch.randn_like(mean) * (0.5 * logvar).exp()
            rec = dec(z)
        rec_loss = F.l1_loss(rec.float(), x) + F.mse_loss(rec.float(), x)
        kl = 0.5 * (mean.float() ** 2 + logvar.float().exp() - 1 - logvar.float()).mean()
        loss = rec_loss + 1e-5 * kl
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        if step % 200 == 0:
            log(f"vae step {step} rec {rec_loss.item():.4f} kl {kl.item():.2f}")
            refresh(64)
        step += 1
    enc.eval()
    dec.eval()
    with torch.no_grad():
        means = torch.cat([enc(pool_images[i:i + 512])[0] for i in range(0, min(2048, pool_images.shape[0]), 512)])
        scaling = float(1.0 / means.std())
        log(f"vae trained {step} steps; latent std {means.std().item():.3f}, scaling_factor {scaling:.5f}")

    # ---- text encoder + U-Net
    text = make_text_encoder(vocab, hidden, 3 if not a.smoke else 1, 4 if not a.smoke else 2, log).to(device)
    unet = UNet(unet_ch, ctx=hidden, heads=4 if not a.smoke else 2).to(device)
    n_params = sum(p.numel() for p in unet.parameters())
    log(f"unet {n_params / 1e6:.2f} M parameters, text encoder {sum(p.numel() for p in text.parameters()) / 1e6:.2f} M")
    params = list(text.parameters()) + list(unet.parameters())
    opt = torch.optim.AdamW(params, lr=4e-4, weight_decay=0.01)
    ema_unet = UNet(unet_ch, ctx=hidden, heads=4 if not a.smoke else 2).to(device)
    ema_unet.load_state_dict(unet.state_dict())
    import copy
    ema_text = copy.deepcopy(text)
    ema_params = list(ema_unet.parameters()) + list(ema_text.parameters())
    live_params = list(unet.parameters()) + list(text.parameters())
    acp = alphas_cumprod().to(device)
    uncond = torch.tensor([tok.encode("")], device=device)
    train_start = time.time()
    deadline = train_start + budget * (1 - vae_share)
    step = 0
    while time.time() < deadline:
        frac = (time.time() - train_start) / max(1.0, deadline - train_start)
        lr = 4e-4 * min(1.0, step / 300) * (0.1 + 0.9 * 0.5 * (1 + math.cos(math.pi * min(frac, 1.0))))
        for g in opt.param_groups:
            g["lr"] = lr
        idx = torch.randint(0, pool_images.shape[0], (bs,), device=device)
        x, ids = pool_images[idx], pool_ids[idx].clone()
        drop = torch.rand(bs, device=device) < 0.12
        ids[drop] = uncond
        with torch.no_grad():
            z0 = enc(x)[0] * scaling
        t = torch.randint(0, 1000, (bs,), device=device)
        noise = torch.randn_like(z0) + 0.05 * torch.randn(bs, z0.shape[1], 1, 1, device=device)
        a_t = acp[t].view(-1, 1, 1, 1)
        zt = a_t.sqrt() * z0 + (1 - a_t).sqrt() * noise
        with torch.autocast(**amp) if amp else torch.enable_grad():
            pred = unet(zt, t.float(), text(ids))
        snr = a_t.view(-1) / (1 - a_t.view(-1))
        weight = torch.clamp(snr, max=5.0) / snr
        loss = (weight * ((pred.float() - noise) ** 2).mean(dim=(1, 2, 3))).mean()
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(params, 1.0)
        opt.step()
        decay = min(0.999, (1 + step) / (10 + step))
        with torch.no_grad():
            if hasattr(torch, "_foreach_lerp_"):
                torch._foreach_lerp_(ema_params, live_params, 1 - decay)
            else:
                for pe, pm in zip(ema_params, live_params):
                    pe.lerp_(pm, 1 - decay)
        if step % 250 == 0:
            log(f"unet step {step} loss {loss.item():.4f} lr {lr:.2e}")
        if step % 20 == 0:
            refresh(32)
        step += 1
    log(f"unet trained {step} steps of {bs} in {time.time() - train_start:.0f}s")
    ema_unet.eval()
    ema_text.eval()
    torch.save({"unet": ema_unet.state_dict(), "text": ema_text.state_dict(), "vae_decoder": dec.state_dict(),
                "vae_encoder": enc.state_dict(), "scaling": scaling, "unet_ch": unet_ch, "vae_ch": vae_ch,
                "hidden": hidden}, os.path.join(a.out, "checkpoint.pt"))

    # ---- samples from PyTorch (DDIM 20 steps, guidance 5) for the contact sheet
    prompts = []
    for s in SHAPES:
        for c, b in (("red", "blue"), ("green", "yellow"), ("white", "black"), ("orange", "purple")):
            prompts.append(f"a {c} {s} on a {b} background")
    prompts += ["a blue circle left of a yellow star on a white background",
                "a red square right of a green triangle on a black background"]
    ids = torch.tensor([tok.encode(q) for q in prompts], device=device)
    gen = torch.Generator().manual_seed(1)
    with torch.no_grad():
        z = ddim_sample(ema_unet, ema_text, ids, uncond, (len(prompts), 4, 16, 16) if not a.smoke else (
            len(prompts), 4, 16, 16), 20, 5.0, acp, gen, device)
        images = dec(z / scaling)
    save_sheet(images, os.path.join(a.out, "samples.png"), 6)
    with open(os.path.join(a.out, "samples.txt"), "w") as f:
        f.write("\n".join(prompts) + "\n")
    log("samples.png written (rows of 6, prompts in samples.txt)")

    # ---- export
    folder = os.path.join(a.out, "shapes-64")
    cpu = lambda m: m.float().cpu().eval()  # noqa: E731
    text_cpu, unet_cpu, dec_cpu = cpu(ema_text), cpu(ema_unet), cpu(dec)
    write_layout(folder, tok, text_cpu, unet_cpu, dec_cpu, vae_ch, scaling, hidden,
                 scheduler_config("EulerAncestralDiscreteScheduler", "trailing"), torch.int32, torch.float32)
    store_weights_as_float16(os.path.join(folder, "unet", "model.onnx"))
    store_weights_as_float16(os.path.join(folder, "text_encoder", "model.onnx"))
    with open(os.path.join(folder, "README.md"), "w") as f:
        f.write(f"shapes-64: a {n_params / 1e6:.1f} M-parameter text-conditioned latent diffusion model drawing "
                f"{', '.join(SHAPES)} in {', '.join(COLOUR_NAMES)} on a background of those colours, 64x64. "
                f"Trained by src/RagStack.Training/diffusion/shapes_diffusion.py for {step} steps of {bs}.\n")
    total = sum(os.path.getsize(os.path.join(r, n)) for r, _, fs in os.walk(folder) for n in fs)
    log(f"shapes-64 exported, {total / 1e6:.1f} MB")
    check_with_onnxruntime(folder, tok, text_cpu, unet_cpu, dec_cpu, torch.float32, log, "cpu")
    log("done")


if __name__ == "__main__":
    sys.exit(main())
