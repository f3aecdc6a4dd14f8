#!/usr/bin/env bash
# One device run: train the target, distill the draft, save both with reference logits, and pack everything under $OUT
# in parts of at most 15 MiB (the device tool brings back at most 8 files of 16 MiB). Run from a folder holding
# train_pair.py, train.u16 and heldout.u16:   bash device_run.sh FOLDER
# Put the parts back together here with:       cat pair.tgz.* | tar -xzf -
set -uo pipefail
dir="${1:?the folder with train_pair.py, train.u16 and heldout.u16}"
out="${OUT:?set OUT to the folder whose files come back}"
export PYTHONUNBUFFERED=1
nvidia-smi --query-gpu=name,memory.total --format=csv,noheader || true
python3 "$dir/train_pair.py" --train "$dir/train.u16" --heldout "$dir/heldout.u16" --out /tmp/pair \
    --target-seconds "${TARGET_SECONDS:-140}" --draft-seconds "${DRAFT_SECONDS:-90}" 2>&1 | tee "$out/run.log"
cp /tmp/pair/metrics.json "$out/" 2>/dev/null
tar -C /tmp -cf - pair | gzip -1 | split -b 15m -d - "$out/pair.tgz."
ls -la "$out"
