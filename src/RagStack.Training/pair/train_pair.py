#!/usr/bin/env python3
"""Trains the inference benchmark's model pair on token ids from `ragstack models tokenize`: a Llama target, then a draft
distilled from the target's logits (KL divergence on its soft labels), both with the llama-spm vocabulary.

Both models are plain Hugging Face LlamaForCausalLM in layout: the module and parameter names below are transformers',
RMSNorm, rotary embedding (two halves, rotate_half) and the SwiGLU MLP compute what transformers computes, and each is
saved as config.json + model.safetensors that `LlamaForCausalLM.from_pretrained` loads (checked at the end when
transformers is importable: its logits against ours). Weights are saved in BF16 (what training kept in its matrices' last
rounding doesn't matter: the F32 GGUF is made from these exact BF16 values, so it is the reference transformers loads).

Usage (one device run does everything):
  python3 train_pair.py --train train.u16 --heldout heldout.u16 --out DIR [--target-seconds 140] [--draft-seconds 90]
  python3 train_pair.py ... --micro      # a tiny CPU run of the whole path, to test the script

Writes into --out: target/{config.json,model.safetensors}, draft/{...}, reference.safetensors (held-out token ids and
transformers' F32 logits for them, when transformers is there), metrics.json (losses, perplexities, draft/target greedy
agreement on held-out text), train.log.
"""

import argparse
import json
import math
import os
import sys
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

VOCAB = 32000
BOS, EOS = 1, 2


def log(*args):
    line = " ".join(str(a) for a in args)
    print(line, flush=True)
    if LOG_FILE is not None:
        LOG_FILE.write(line + "\n")
        LOG_FILE.flush()


LOG_FILE = None


class Config:
    def __init__(self, hidden, layers, heads, kv_heads, ffn, context=2048, eps=1e-5, theta=10000.0):
        self.hidden, self.layers, self.heads, self.kv_heads, self.ffn = hidden, layers, heads, kv_heads, ffn
        self.head_dim = hidden // heads
        self.context, self.eps, self.theta = context, eps, theta

    def hf(self):
        """The config.json transformers' LlamaForCausalLM reads (rope given both ways: transformers 4 and 5 each read one)."""
        return {
            "architectures": ["LlamaForCausalLM"],
            "model_type": "llama",
            "vocab_size": VOCAB,
            "hidden_size": self.hidden,
            "intermediate_size": self.ffn,
            "num_hidden_layers": self.layers,
            "num_attention_heads": self.heads,
            "num_key_value_heads": self.kv_heads,
            "head_dim": self.head_dim,
            "hidden_act": "silu",
            "max_position_embeddings": self.context,
            "rms_norm_eps": self.eps,
            "rope_theta": self.theta,
            "rope_parameters": {"rope_type": "default", "rope_theta": self.theta},
            "attention_bias": False,
            "attention_dropout": 0.0,
            "mlp_bias": False,
            "tie_word_embeddings": True,
            "bos_token_id": BOS,
            "eos_token_id": EOS,
            "torch_dtype": "float32",
        }


class RMSNorm(nn.Module):
    def __init__(self, size, eps):
        super().__init__()
        self.weight = nn.Parameter(torch.ones(size))
        self.eps = eps

    def forward(self, x):
        dtype = x.dtype
        x = x.float()
        x = x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + self.eps)
        return self.weight * x.to(dtype)


def rotate_half(x):
    half = x.shape[-1] // 2
    return torch.cat((-x[..., half:], x[..., :half]), dim=-1)


class Attention(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.c = c
        self.q_proj = nn.Linear(c.hidden, c.heads * c.head_dim, bias=False)
        self.k_proj = nn.Linear(c.hidden, c.kv_heads * c.head_dim, bias=False)
        self.v_proj = nn.Linear(c.hidden, c.kv_heads * c.head_dim, bias=False)
        self.o_proj = nn.Linear(c.heads * c.head_dim, c.hidden, bias=False)

    def forward(self, x, cos, sin):
        b, t, _ = x.shape
        c = self.c
        q = self.q_proj(x).view(b, t, c.heads, c.head_dim).transpose(1, 2)
        k = self.k_proj(x).view(b, t, c.kv_heads, c.head_dim).transpose(1, 2)
        v = self.v_proj(x).view(b, t, c.kv_heads, c.head_dim).transpose(1, 2)
        q = ((q * cos) + (rotate_half(q) * sin)).to(v.dtype)
        k = ((k * cos) + (rotate_half(k) * sin)).to(v.dtype)
        if c.kv_heads != c.heads:
            k = k.repeat_interleave(c.heads // c.kv_heads, dim=1)
            v = v.repeat_interleave(c.heads // c.kv_heads, dim=1)
        if hasattr(F, "scaled_dot_product_attention"):
            y = F.scaled_dot_product_attention(q, k, v, is_causal=True)
        else:  # torch < 2.0 (the CPU test)
            scores = (q @ k.transpose(-1, -2)) / math.sqrt(c.head_dim)
            mask = torch.ones(t, t, dtype=torch.bool, device=x.device).triu(1)
            y = scores.masked_fill(mask, float("-inf")).softmax(-1).to(v.dtype) @ v
        return self.o_proj(y.transpose(1, 2).reshape(b, t, c.heads * c.head_dim))


class Mlp(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.gate_proj = nn.Linear(c.hidden, c.ffn, bias=False)
        self.up_proj = nn.Linear(c.hidden, c.ffn, bias=False)
        self.down_proj = nn.Linear(c.ffn, c.hidden, bias=False)

    def forward(self, x):
        return self.down_proj(F.silu(self.gate_proj(x)) * self.up_proj(x))


class Layer(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.self_attn = Attention(c)
        self.mlp = Mlp(c)
        self.input_layernorm = RMSNorm(c.hidden, c.eps)
        self.post_attention_layernorm = RMSNorm(c.hidden, c.eps)

    def forward(self, x, cos, sin):
        x = x + self.self_attn(self.input_layernorm(x), cos, sin)
        return x + self.mlp(self.post_attention_layernorm(x))


class Body(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.embed_tokens = nn.Embedding(VOCAB, c.hidden)
        self.layers = nn.ModuleList(Layer(c) for _ in range(c.layers))
        self.norm = RMSNorm(c.hidden, c.eps)


class Llama(nn.Module):
    """LlamaForCausalLM with tied embeddings: state_dict keys are transformers' (model.embed_tokens.weight, model.layers.N...)."""

    def __init__(self, c):
        super().__init__()
        self.c = c
        self.model = Body(c)
        inv_freq = 1.0 / (c.theta ** (torch.arange(0, c.head_dim, 2, dtype=torch.int64).float() / c.head_dim))
        self.register_buffer("inv_freq", inv_freq, persistent=False)
        self.apply(self._init)
        for name, p in self.named_parameters():
            if name.endswith("o_proj.weight") or name.endswith("down_proj.weight"):
                nn.init.normal_(p, std=0.02 / math.sqrt(2 * c.layers))

    @staticmethod
    def _init(m):
        if isinstance(m, (nn.Linear, nn.Embedding)):
            nn.init.normal_(m.weight, std=0.02)

    def forward(self, ids):
        t = ids.shape[1]
        pos = torch.arange(t, device=ids.device, dtype=torch.float32)
        freqs = torch.outer(pos, self.inv_freq.float())
        emb = torch.cat((freqs, freqs), dim=-1)
        x = self.model.embed_tokens(ids)
        cos, sin = emb.cos()[None, None], emb.sin()[None, None]
        for layer in self.model.layers:
            x = layer(x, cos, sin)
        x = self.model.norm(x)
        return F.linear(x, self.model.embed_tokens.weight)

    def parameter_count(self):
        return sum(p.numel() for p in self.parameters())


def batches(tokens, batch, seq, device, generator):
    """Random windows of seq + 1 tokens from the flat token array (on the device), as (inputs, targets)."""
    n = tokens.numel() - seq - 1
    offsets = torch.arange(seq + 1, device=device)
    while True:
        starts = torch.randint(0, n, (batch,), device=device, generator=generator)
        window = tokens[starts[:, None] + offsets[None, :]].long()
        yield window[:, :-1], window[:, 1:]


def schedule(progress, warmup, peak):
    """Linear warm-up over the first `warmup` of the time budget, then cosine down to a tenth of the peak."""
    if progress < warmup:
        return peak * progress / warmup
    p = min(1.0, (progress - warmup) / (1 - warmup))
    return peak * (0.1 + 0.9 * 0.5 * (1 + math.cos(math.pi * p)))


def optimizer_for(model, lr, device):
    decay = [p for n, p in model.named_parameters() if p.dim() >= 2]
    plain = [p for n, p in model.named_parameters() if p.dim() < 2]
    groups = [{"params": decay, "weight_decay": 0.1}, {"params": plain, "weight_decay": 0.0}]
    kwargs = {"lr": lr, "betas": (0.9, 0.95), "eps": 1e-8}
    if device.type == "cuda":
        kwargs["fused"] = True
    return torch.optim.AdamW(groups, **kwargs)


def autocast(device):
    return torch.autocast(device_type=device.type, dtype=torch.bfloat16, enabled=device.type == "cuda")


def train(name, model, tokens, args, device, seconds, loss_of, lr):
    """Trains `model` for `seconds` of wall time (the learning rate follows the time spent), logging now and then."""
    opt = optimizer_for(model, lr, device)
    gen = torch.Generator(device=device)
    gen.manual_seed(1234 if name == "target" else 4321)
    data = batches(tokens, args.batch, args.seq, device, gen)
    start = time.time()
    step, seen, last = 0, 0, start
    model.train()
    while True:
        elapsed = time.time() - start
        if elapsed >= seconds or (args.max_steps and step >= args.max_steps):
            break
        progress = elapsed / seconds if not args.max_steps else step / args.max_steps
        for g in opt.param_groups:
            g["lr"] = schedule(progress, 0.04, lr)
        x, y = next(data)
        with autocast(device):
            loss = loss_of(model, x, y)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        step += 1
        seen += x.numel()
        if step % 100 == 0 or step == 1 or time.time() - last > 20:
            if device.type == "cuda":
                torch.cuda.synchronize()
            last = time.time()
            log(f"{name} step {step} loss {loss.item():.4f} lr {opt.param_groups[0]['lr']:.2e} tokens {seen:,} {seen / max(1e-9, last - start):,.0f} tok/s {last - start:.0f}s")
    if device.type == "cuda":
        torch.cuda.synchronize()
    log(f"{name}: {step} steps, {seen:,} tokens in {time.time() - start:.1f}s")
    model.eval()
    return {"steps": step, "tokens": seen, "seconds": round(time.time() - start, 1)}


def ce_loss(model, x, y):
    return F.cross_entropy(model(x).float().view(-1, VOCAB), y.reshape(-1))


def distill_loss(teacher):
    def loss(model, x, y):
        with torch.no_grad():
            t = F.log_softmax(teacher(x).float(), dim=-1).view(-1, VOCAB)
        s = F.log_softmax(model(x).float(), dim=-1).view(-1, VOCAB)
        # KL(teacher || student) per token, on the teacher's soft labels.
        return F.kl_div(s, t, log_target=True, reduction="batchmean")
    return loss


@torch.no_grad()
def evaluate(models, heldout, args, device):
    """Held-out cross-entropy of each model, and how often the draft's greedy token is the target's, over fixed windows."""
    n = (heldout.numel() - 1) // args.seq
    n = min(n, args.eval_windows)
    totals = {name: 0.0 for name in models}
    agree, count = 0, 0
    for i in range(0, n, args.batch):
        rows = range(i, min(n, i + args.batch))
        window = torch.stack([heldout[r * args.seq: r * args.seq + args.seq + 1] for r in rows]).long()
        x, y = window[:, :-1], window[:, 1:]
        argmax = {}
        with autocast(device):
            for name, model in models.items():
                logits = model(x).float()
                totals[name] += F.cross_entropy(logits.view(-1, VOCAB), y.reshape(-1), reduction="sum").item()
                argmax[name] = logits.argmax(-1)
        if "draft" in argmax and "target" in argmax:
            agree += (argmax["draft"] == argmax["target"]).sum().item()
        count += y.numel()
    result = {f"{name}_heldout_loss": totals[name] / count for name in models}
    result.update({f"{name}_heldout_ppl": math.exp(totals[name] / count) for name in models})
    if "draft" in models and "target" in models:
        result["draft_target_top1_agreement"] = agree / count
    result["heldout_eval_tokens"] = count
    return result


SAFETENSORS_DTYPES = {torch.bfloat16: ("BF16", torch.int16), torch.float32: ("F32", torch.float32), torch.int32: ("I32", torch.int32)}


def save_file(tensors, path, metadata=None):
    """Writes a .safetensors file (8-byte header length, JSON header, data), so neither side needs the safetensors package."""
    header, blobs, offset = {}, [], 0
    if metadata:
        header["__metadata__"] = metadata
    for name, t in tensors.items():
        dtype, view = SAFETENSORS_DTYPES[t.dtype]
        data = t.detach().contiguous().cpu().view(view).numpy().tobytes()
        header[name] = {"dtype": dtype, "shape": list(t.shape), "data_offsets": [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * (-len(text) % 8)
    with open(path + ".tmp", "wb") as f:
        f.write(len(text).to_bytes(8, "little"))
        f.write(text)
        for blob in blobs:
            f.write(blob)
    os.replace(path + ".tmp", path)


def save(model, folder):
    """config.json + model.safetensors (BF16), transformers' layout; returns the F32 copy of exactly the saved values."""
    os.makedirs(folder, exist_ok=True)
    state = {k: v.detach().to(torch.bfloat16).contiguous().cpu() for k, v in model.state_dict().items()}
    save_file(state, os.path.join(folder, "model.safetensors"), metadata={"format": "pt"})
    with open(os.path.join(folder, "config.json"), "w") as f:
        json.dump(model.c.hf(), f, indent=2)
    exact = Llama(model.c)
    exact.load_state_dict({k: v.float() for k, v in state.items()})
    return exact.eval()


@torch.no_grad()
def reference(target_exact, draft_exact, folders, heldout, args, out):
    """Held-out token ids with F32 logits of both saved models, from transformers when importable (else ours), and the
    largest difference between transformers' logits and this script's on the same weights."""
    seqs = []
    for i in range(args.ref_sequences):
        start = 1 + i * 4099
        ids = heldout[start: start + args.ref_tokens].long().cpu().clone()
        ids[0] = BOS
        seqs.append(ids)
    ids = torch.stack(seqs)
    tensors = {"input_ids": ids.to(torch.int32)}
    info = {}
    for name, exact, folder in (("target", target_exact, folders[0]), ("draft", draft_exact, folders[1])):
        if exact is None:
            continue
        ours = exact.cpu().float()(ids)
        logits = ours
        try:
            from transformers import LlamaForCausalLM
            try:
                hf = LlamaForCausalLM.from_pretrained(folder, dtype=torch.float32)
            except TypeError:  # transformers 4 names it torch_dtype
                hf = LlamaForCausalLM.from_pretrained(folder, torch_dtype=torch.float32)
            hf = hf.float().eval()
            theirs = hf(input_ids=ids).logits.float()
            info[f"{name}_transformers_vs_script_max_abs"] = (theirs - ours).abs().max().item()
            logits = theirs
            info[f"{name}_reference_from"] = "transformers"
        except Exception as e:  # noqa: BLE001 - the reference still comes from this script's forward pass
            info[f"{name}_reference_from"] = f"script ({type(e).__name__}: {e})"[:300]
        tensors[f"{name}_logits"] = logits.contiguous()
    save_file(tensors, os.path.join(out, "reference.safetensors"))
    return info


def main():
    global LOG_FILE
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--train", required=True)
    parser.add_argument("--heldout", required=True)
    parser.add_argument("--out", required=True)
    parser.add_argument("--target-seconds", type=float, default=140)
    parser.add_argument("--draft-seconds", type=float, default=90)
    parser.add_argument("--batch", type=int, default=64)
    parser.add_argument("--seq", type=int, default=1024)
    parser.add_argument("--target-lr", type=float, default=1.5e-3)
    parser.add_argument("--draft-lr", type=float, default=3e-3)
    parser.add_argument("--eval-windows", type=int, default=256)
    parser.add_argument("--ref-sequences", type=int, default=1)
    parser.add_argument("--ref-tokens", type=int, default=16)
    parser.add_argument("--max-steps", type=int, default=0, help="stop after N steps instead of the time budget (tests)")
    parser.add_argument("--micro", action="store_true", help="tiny models on the CPU: a test of the whole path")
    args = parser.parse_args()

    os.makedirs(args.out, exist_ok=True)
    LOG_FILE = open(os.path.join(args.out, "train.log"), "a")
    device = torch.device("cuda" if torch.cuda.is_available() and not args.micro else "cpu")
    torch.manual_seed(17)
    if device.type == "cuda":
        torch.backends.cuda.matmul.allow_tf32 = True
        torch.backends.cudnn.allow_tf32 = True
    if args.micro:
        target_c, draft_c = Config(64, 2, 2, 2, 128), Config(32, 1, 2, 2, 64)
    else:
        target_c = Config(384, 8, 6, 6, 1024)     # 26.5 M parameters
        draft_c = Config(128, 4, 4, 4, 384)       # 4.9 M parameters
    tokens = torch.from_numpy(np.fromfile(args.train, dtype="<u2").astype(np.int32)).to(device)
    heldout = torch.from_numpy(np.fromfile(args.heldout, dtype="<u2").astype(np.int32)).to(device)
    if int(tokens.max()) >= VOCAB or int(heldout.max()) >= VOCAB:
        sys.exit(f"token ids reach {max(int(tokens.max()), int(heldout.max()))}, past the vocabulary of {VOCAB}")
    log(f"device {device} ({torch.cuda.get_device_name() if device.type == 'cuda' else 'cpu'}), torch {torch.__version__}; "
        f"{tokens.numel():,} training tokens, {heldout.numel():,} held out")

    metrics = {"train_tokens": tokens.numel(), "heldout_tokens": heldout.numel(), "seq": args.seq, "batch": args.batch}
    target = Llama(target_c).to(device)
    metrics["target_parameters"] = target.parameter_count()
    log(f"target: {target.parameter_count():,} parameters {vars(target_c)}")
    metrics["target_training"] = train("target", target, tokens, args, device, args.target_seconds, ce_loss, args.target_lr)
    target_exact = save(target, os.path.join(args.out, "target"))
    metrics.update(evaluate({"target": target}, heldout, args, device))
    log(json.dumps(metrics))
    with open(os.path.join(args.out, "metrics.json"), "w") as f:
        json.dump(metrics, f, indent=2)

    draft_exact = None
    try:
        draft = Llama(draft_c).to(device)
        metrics["draft_parameters"] = draft.parameter_count()
        log(f"draft: {draft.parameter_count():,} parameters {vars(draft_c)}")
        for p in target.parameters():
            p.requires_grad_(False)
        metrics["draft_training"] = train("draft", draft, tokens, args, device, args.draft_seconds, distill_loss(target), args.draft_lr)
        draft_exact = save(draft, os.path.join(args.out, "draft"))
        metrics.update(evaluate({"target": target, "draft": draft}, heldout, args, device))
    except Exception as e:  # noqa: BLE001 - keep the target's results
        log(f"draft failed: {type(e).__name__}: {e}")
        metrics["draft_error"] = f"{type(e).__name__}: {e}"
    log(json.dumps(metrics))
    with open(os.path.join(args.out, "metrics.json"), "w") as f:
        json.dump(metrics, f, indent=2)

    try:
        metrics["reference"] = reference(target_exact, draft_exact, (os.path.join(args.out, "target"), os.path.join(args.out, "draft")), heldout, args, args.out)
    except Exception as e:  # noqa: BLE001
        log(f"reference failed: {type(e).__name__}: {e}")
        metrics["reference_error"] = f"{type(e).__name__}: {e}"
    log(json.dumps(metrics))
    with open(os.path.join(args.out, "metrics.json"), "w") as f:
        json.dump(metrics, f, indent=2)


if __name__ == "__main__":
    main()
