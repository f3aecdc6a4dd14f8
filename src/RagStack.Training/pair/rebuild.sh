#!/usr/bin/env bash
# Rebuilds the inference benchmark's trained model pair in models/bench, in three steps (the second on a GPU machine):
#
#   rebuild.sh corpus WORK          Debian docs → WORK/docs.jsonl, heldout.jsonl, heldout.txt (build_corpus.py), then token
#                                   ids through llama.cpp → WORK/train.u16, WORK/heldout.u16 (ragstack models tokenize)
#   rebuild.sh stage WORK DIR       copies train_pair.py, device_run.sh and the token files into DIR, a folder the GPU
#                                   machine receives; there run:  bash DIR/device_run.sh DIR   (OUT set to where files come back)
#                                   It trains the target (140 s on one H200), distills the draft (90 s) and leaves pair.tgz.*
#   rebuild.sh import PARTS WORK    unpacks PARTS/pair.tgz.* into WORK, converts both models with ragstack models import-hf
#                                   (F32, into models/bench/build, not committed), quantizes (target F16, Q8_0, Q4_K_M;
#                                   draft Q8_0) and copies the Q8_0 pair, the reference logits and the records into models/bench
#
# TrainedPairTests then checks llama.cpp's logits against transformers' (F32 ≤ 1e-3 when models/bench/build exists).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)"
here="$root/src/RagStack.Training/pair"
bench="$root/models/bench"
vocab="${VOCAB:-$root/../shared/models/vocab/ggml-vocab-llama-spm.gguf}"
ragstack="$root/ragstack"

case "${1:-}" in
corpus)
    work="${2:?rebuild.sh corpus WORK}"
    python3 "$root/src/RagStack.Training/corpus/build_corpus.py" --out "$work"
    "$ragstack" models tokenize "$vocab" "$work/docs.jsonl" "$work/train.u16" --max-tokens 28000000
    "$ragstack" models tokenize "$vocab" "$work/heldout.jsonl" "$work/heldout.u16"
    ;;
stage)
    work="${2:?rebuild.sh stage WORK DIR}"; dir="${3:?rebuild.sh stage WORK DIR}"
    mkdir -p "$dir"
    cp "$here/train_pair.py" "$here/device_run.sh" "$work/train.u16" "$work/heldout.u16" "$dir/"
    echo "on the GPU machine: bash $dir/device_run.sh $dir"
    ;;
import)
    parts="${2:?rebuild.sh import PARTS WORK}"; work="${3:?rebuild.sh import PARTS WORK}"
    mkdir -p "$work" "$bench/build"
    cat "$parts"/pair.tgz.* | tar -C "$work" -xzf -
    "$ragstack" models import-hf "$work/pair/target" "$bench/build/target-f32.gguf" --vocab "$vocab" --name ragstack-docs-target-26m
    "$ragstack" models import-hf "$work/pair/draft" "$bench/build/draft-f32.gguf" --vocab "$vocab" --name ragstack-docs-draft-5m
    for type in F16 Q8_0 Q4_K_M; do
        "$ragstack" models quantize "$bench/build/target-f32.gguf" "$bench/build/target-$(echo $type | tr A-Z a-z).gguf" -t $type
    done
    "$ragstack" models quantize "$bench/build/draft-f32.gguf" "$bench/build/draft-q8_0.gguf" -t Q8_0
    cp "$bench/build/target-q8_0.gguf" "$bench/ragstack-docs-target-26m-q8_0.gguf"
    cp "$bench/build/draft-q8_0.gguf" "$bench/ragstack-docs-draft-5m-q8_0.gguf"
    cp "$work/pair/reference.safetensors" "$bench/reference-logits.safetensors"
    cp "$work/pair/metrics.json" "$bench/training-metrics.json"
    cp "$work/pair/train.log" "$bench/training.log"
    ;;
*)
    sed -n '2,16p' "$0"; exit 2
    ;;
esac
