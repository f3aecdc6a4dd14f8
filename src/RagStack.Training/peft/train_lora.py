#!/usr/bin/env python3
"""Train a LoRA adapter with Hugging Face PEFT on a llama model exported by `ragstack models export-hf`.

The classic recipe: LlamaForCausalLM in float32, LoraConfig(task_type=CAUSAL_LM), get_peft_model, AdamW with gradient
accumulation over token-id windows, save_pretrained (adapter_config.json + adapter_model.safetensors). It needs only torch,
transformers and peft: the data is token ids already (JSON lines {"input_ids": [1, ...]}, as `ragstack adapters dataset`
writes them), so there is no tokenizer, no datasets package and no download.

    python train_lora.py --model <export-hf dir> --data train.jsonl --out <adapter dir> \
        [--r 16 --alpha 32 --dropout 0.05 --targets q_proj,v_proj --lr 2e-4 --epochs 3 \
         --batch-size 4 --grad-accum 4 --seq-len 256 --seed 0] [--eval heldout.jsonl]

The last line printed is one JSON object: steps, tokens (non-padding tokens trained on, all epochs), seconds (the
training loop), tokens_per_second, final_loss (mean loss over the last --log-every steps), and the perplexities before
and after training when --eval is given.
"""

import argparse
import json
import math
import os
import random
import sys
import time

# The projections PeftAdapterImporter can bring back to a GGUF LoRA (embedding and lm_head adapters are not supported there).
SUPPORTED_TARGETS = ("q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj")


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description="Train a LoRA adapter with PEFT on a `ragstack models export-hf` folder.")
    parser.add_argument("--model", required=True, help="folder with config.json and model.safetensors (ragstack models export-hf)")
    parser.add_argument("--data", required=True, help='training token ids: JSON lines {"input_ids": [1, ...]}')
    parser.add_argument("--out", required=True, help="folder to save the adapter to (adapter_config.json + adapter_model.safetensors)")
    parser.add_argument("--r", type=int, default=16, help="LoRA rank (default 16)")
    parser.add_argument("--alpha", type=float, default=32.0, help="LoRA alpha; the update is scaled by alpha / r (default 32)")
    parser.add_argument("--dropout", type=float, default=0.05, help="dropout on the LoRA input (default 0.05)")
    parser.add_argument("--targets", default="q_proj,v_proj", help="comma-separated projections to adapt (default q_proj,v_proj)")
    parser.add_argument("--lr", type=float, default=2e-4, help="AdamW learning rate (default 2e-4)")
    parser.add_argument("--weight-decay", type=float, default=0.0, help="AdamW weight decay (default 0)")
    parser.add_argument("--epochs", type=int, default=3, help="passes over the training windows (default 3)")
    parser.add_argument("--batch-size", type=int, default=4, help="windows per forward pass (default 4)")
    parser.add_argument("--grad-accum", type=int, default=4, help="forward passes per optimizer step (default 4)")
    parser.add_argument("--seq-len", type=int, default=256, help="tokens per training window (default 256)")
    parser.add_argument("--seed", type=int, default=0, help="seed for LoRA initialisation, dropout and shuffling (default 0)")
    parser.add_argument("--eval", metavar="HELDOUT", help="held-out token ids (same format): perplexity is printed before and after training")
    parser.add_argument("--log-every", type=int, default=10, help="print the loss every N optimizer steps (default 10)")
    parser.add_argument("--device", default=None, help="torch device (default: cuda when available, else cpu)")
    args = parser.parse_args(argv)

    args.targets = [t.strip() for t in args.targets.split(",") if t.strip()]
    unknown = [t for t in args.targets if t not in SUPPORTED_TARGETS]
    if not args.targets or unknown:
        parser.error(f"--targets must list some of {', '.join(SUPPORTED_TARGETS)}; {', '.join(unknown) or 'none given'} cannot be imported back to GGUF")
    for name in ("r", "epochs", "batch_size", "grad_accum", "seq_len", "log_every"):
        if getattr(args, name) <= 0:
            parser.error(f"--{name.replace('_', '-')} must be positive")
    if not 0 <= args.dropout < 1:
        parser.error("--dropout must be in [0, 1)")
    return args


def read_token_ids(path):
    """Reads JSON lines {"input_ids": [...]}; blank lines are skipped, anything else that is not a list of ints is an error."""
    sequences = []
    with open(path, encoding="utf-8") as lines:
        for number, line in enumerate(lines, start=1):
            if not line.strip():
                continue
            try:
                ids = json.loads(line)["input_ids"]
            except (ValueError, KeyError, TypeError) as e:
                raise SystemExit(f"error: {path}:{number}: expected a JSON object with \"input_ids\" ({e})")
            if not isinstance(ids, list) or not all(isinstance(i, int) and not isinstance(i, bool) for i in ids):
                raise SystemExit(f"error: {path}:{number}: \"input_ids\" must be a list of integers")
            if ids:
                sequences.append(ids)
    if not sequences:
        raise SystemExit(f"error: {path}: holds no token ids")
    return sequences


def pack(sequences, seq_len, pad_id, vocab_size, path):
    """Concatenates the sequences and cuts the stream into seq_len windows (run_clm's grouping); the last window is
    right-padded with labels -100 and attention mask 0, so padding is neither attended to nor learned."""
    import torch

    stream = [token for sequence in sequences for token in sequence]
    bad = next((t for t in stream if not 0 <= t < vocab_size), None)
    if bad is not None:
        raise SystemExit(f"error: {path}: token id {bad} is outside the model's vocabulary of {vocab_size}; were the ids made with this model's tokenizer?")

    windows = math.ceil(len(stream) / seq_len)
    input_ids = torch.full((windows, seq_len), pad_id, dtype=torch.long)
    labels = torch.full((windows, seq_len), -100, dtype=torch.long)
    attention_mask = torch.zeros((windows, seq_len), dtype=torch.long)
    for w in range(windows):
        chunk = torch.tensor(stream[w * seq_len:(w + 1) * seq_len], dtype=torch.long)
        input_ids[w, :len(chunk)] = chunk
        labels[w, :len(chunk)] = chunk
        attention_mask[w, :len(chunk)] = 1
    return input_ids, attention_mask, labels


def batches(tensors, batch_size, order=None):
    count = tensors[0].shape[0]
    order = order if order is not None else range(count)
    order = list(order)
    for start in range(0, count, batch_size):
        index = order[start:start + batch_size]
        yield tuple(t[index] for t in tensors)


def perplexity(model, tensors, batch_size, device):
    """exp(mean next-token negative log-likelihood) over every labelled token, each window on its own."""
    import torch
    import torch.nn.functional as F

    model.eval()
    total, count = 0.0, 0
    with torch.no_grad():
        for input_ids, attention_mask, labels in batches(tensors, batch_size):
            logits = model(input_ids=input_ids.to(device), attention_mask=attention_mask.to(device)).logits.float()
            targets = labels[:, 1:].to(device)
            nll = F.cross_entropy(logits[:, :-1].reshape(-1, logits.shape[-1]), targets.reshape(-1), ignore_index=-100, reduction="sum")
            total += nll.item()
            count += int((targets != -100).sum().item())
    return math.exp(total / count) if count else float("nan")


def load_model(path):
    import torch
    import transformers
    from transformers import LlamaForCausalLM

    for required in ("config.json", "model.safetensors"):
        if not os.path.isfile(os.path.join(path, required)):
            raise SystemExit(f"error: {path}: no {required}; make the folder with `ragstack models export-hf <GGUF> {path}`")

    # transformers 4.56 renamed torch_dtype to dtype; either way the export is float32 and training stays in float32.
    major, minor = (int(part) for part in transformers.__version__.split(".")[:2])
    dtype_argument = "dtype" if (major, minor) >= (4, 56) else "torch_dtype"
    model = LlamaForCausalLM.from_pretrained(path, **{dtype_argument: torch.float32})
    model.config.use_cache = False
    return model.float()


def main(argv=None):
    args = parse_args(argv)

    import torch
    from peft import LoraConfig, TaskType, get_peft_model

    random.seed(args.seed)
    torch.manual_seed(args.seed)
    device = torch.device(args.device or ("cuda" if torch.cuda.is_available() else "cpu"))

    model = load_model(args.model)
    config = model.config
    if args.seq_len > config.max_position_embeddings:
        raise SystemExit(f"error: --seq-len {args.seq_len} is longer than the model's context of {config.max_position_embeddings}")
    pad_id = config.pad_token_id if config.pad_token_id is not None else (config.eos_token_id if isinstance(config.eos_token_id, int) else 0)

    train = pack(read_token_ids(args.data), args.seq_len, pad_id, config.vocab_size, args.data)
    heldout = pack(read_token_ids(args.eval), args.seq_len, pad_id, config.vocab_size, args.eval) if args.eval else None

    lora = LoraConfig(
        task_type=TaskType.CAUSAL_LM,
        r=args.r,
        lora_alpha=args.alpha,
        lora_dropout=args.dropout,
        target_modules=args.targets,
        bias="none",
    )
    model = get_peft_model(model, lora)
    model.print_trainable_parameters()
    model.to(device)

    before = perplexity(model, heldout, args.batch_size, device) if heldout is not None else None
    if before is not None:
        print(f"held-out perplexity before training: {before:.4f}", flush=True)

    windows = train[0].shape[0]
    micro_batches = math.ceil(windows / args.batch_size)
    steps_per_epoch = math.ceil(micro_batches / args.grad_accum)
    total_steps = steps_per_epoch * args.epochs
    print(f"{windows} windows of {args.seq_len} tokens, {int((train[2] != -100).sum())} labelled tokens; "
          f"{args.epochs} epochs x {steps_per_epoch} optimizer steps (batch {args.batch_size} x {args.grad_accum} accumulated) on {device}", flush=True)

    optimizer = torch.optim.AdamW([p for p in model.parameters() if p.requires_grad], lr=args.lr, weight_decay=args.weight_decay)
    shuffle = torch.Generator().manual_seed(args.seed)
    step, tokens, final_loss = 0, 0, float("nan")
    window_loss, window_tokens = 0.0, 0
    if device.type == "cuda":
        torch.cuda.synchronize()
    started = time.perf_counter()
    model.train()
    for epoch in range(args.epochs):
        order = torch.randperm(windows, generator=shuffle).tolist()
        pending, step_loss, step_tokens = 0, 0.0, 0
        for index, (input_ids, attention_mask, labels) in enumerate(batches(train, args.batch_size, order)):
            labelled = int((labels[:, 1:] != -100).sum())
            output = model(input_ids=input_ids.to(device), attention_mask=attention_mask.to(device), labels=labels.to(device))
            # Weigh each micro-batch by its labelled tokens, so a short padded last window counts for what it holds.
            (output.loss * labelled).div(max(1, args.grad_accum * args.batch_size * (args.seq_len - 1))).backward()
            pending += 1
            step_loss += output.loss.item() * labelled
            step_tokens += labelled
            tokens += int(attention_mask.sum())
            if pending == args.grad_accum or index == micro_batches - 1:
                optimizer.step()
                optimizer.zero_grad(set_to_none=True)
                step += 1
                window_loss, window_tokens = window_loss + step_loss, window_tokens + step_tokens
                pending, step_loss, step_tokens = 0, 0.0, 0
                if step % args.log_every == 0 or step == total_steps:
                    # The loss reported last (final_loss) is the mean over the last --log-every steps, not one noisy step.
                    final_loss = window_loss / max(1, window_tokens)
                    elapsed = time.perf_counter() - started
                    print(f"step {step}/{total_steps} epoch {epoch + 1} loss {final_loss:.4f} "
                          f"({tokens / elapsed:.0f} tokens/s)", flush=True)
                    window_loss, window_tokens = 0.0, 0
    if device.type == "cuda":
        torch.cuda.synchronize()
    seconds = time.perf_counter() - started

    after = perplexity(model, heldout, args.batch_size, device) if heldout is not None else None
    if after is not None:
        print(f"held-out perplexity after training: {after:.4f}", flush=True)

    os.makedirs(args.out, exist_ok=True)
    model.save_pretrained(args.out, safe_serialization=True)
    print(f"saved the adapter to {args.out}", flush=True)

    summary = {
        "steps": step,
        "tokens": tokens,
        "seconds": round(seconds, 3),
        "tokens_per_second": round(tokens / seconds, 1) if seconds > 0 else None,
        "final_loss": final_loss,
    }
    if heldout is not None:
        summary["eval_perplexity_before"] = before
        summary["eval_perplexity_after"] = after
    print(json.dumps(summary), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
