#!/usr/bin/python3
"""A wired test model that passes INTEGER tensors between graphs (Debian's PyTorch; tests never run this).

    /usr/bin/python3 tests/Dime.Inference.Tests/Fixtures/int_wiring/make_int_wiring.py

A "selector" graph looks at an 8x8 image and returns, as int64 [batch, 2], the indices of its two brightest 4x4
quadrants (top-k indices, as a detector returns class or box indices); a "head" graph embeds those indices and the
question's token ids and returns 6 logits. full.onnx is the same as one graph. Writes, next to this script:
selector.onnx, head.onnx, full.onnx, vocab.txt (../bert_tokens), manifest.json (format 2, "resize": "none"), two
8x8 PNG images and reference.json (the indices and logits PyTorch computes for every image x question pair).
"""
import json
import os
import shutil
import sys

import numpy as np
import torch
from PIL import Image

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "bert_tokens"))
import make_bert_tokens  # noqa: E402

OPSET = 17
SIZE, MAX_LENGTH, HIDDEN = 8, 12, 16
LABELS = ["top-left", "top-right", "bottom-left", "bottom-right", "yes", "no"]
QUESTIONS = ["which part is brightest?", "is the cube red"]

torch.manual_seed(99)


class Selector(torch.nn.Module):
    def forward(self, pixel_values):
        quadrants = pixel_values.mean(dim=1).reshape(-1, 2, 4, 2, 4).mean(dim=(2, 4)).flatten(1)  # [B, 4]
        return torch.topk(quadrants, 2, dim=1).indices  # int64 [B, 2]


class Head(torch.nn.Module):
    def __init__(self, vocab_size):
        super().__init__()
        self.regions = torch.nn.Embedding(4, HIDDEN)
        self.words = torch.nn.Embedding(vocab_size, HIDDEN)
        self.out = torch.nn.Linear(HIDDEN, len(LABELS))

    def forward(self, region_ids, input_ids, attention_mask):
        mask = attention_mask.unsqueeze(-1).float()
        text = (self.words(input_ids) * mask).sum(1) / mask.sum(1).clamp(min=1.0)
        regions = self.regions(region_ids[:, 0]) + 0.5 * self.regions(region_ids[:, 1])
        return self.out(torch.tanh(regions * text + regions)) * 2.0


class Full(torch.nn.Module):
    def __init__(self, selector, head):
        super().__init__()
        self.selector, self.head = selector, head

    def forward(self, pixel_values, input_ids, attention_mask):
        return self.head(self.selector(pixel_values), input_ids, attention_mask)


def export(module, args, names, outputs, path):
    torch.onnx.export(module, args, path, input_names=names, output_names=outputs,
                      dynamic_axes={n: {0: "batch"} for n in names + outputs}, opset_version=OPSET)


def main():
    shutil.copyfile(os.path.join(HERE, "..", "bert_tokens", "vocab.txt"), os.path.join(HERE, "vocab.txt"))
    vocab_list = [line.rstrip("\n") for line in open(os.path.join(HERE, "vocab.txt"), encoding="utf-8")]
    vocab = {t: i for i, t in enumerate(vocab_list)}
    selector, head = Selector().eval(), Head(len(vocab_list)).eval()
    full = Full(selector, head).eval()
    pixels = torch.rand(2, 3, SIZE, SIZE)
    ids = torch.ones(2, MAX_LENGTH, dtype=torch.long)
    export(selector, (pixels,), ["pixel_values"], ["region_ids"], os.path.join(HERE, "selector.onnx"))
    export(head, (selector(pixels), ids, ids), ["region_ids", "input_ids", "attention_mask"], ["logits"], os.path.join(HERE, "head.onnx"))
    export(full, (pixels, ids, ids), ["pixel_values", "input_ids", "attention_mask"], ["logits"], os.path.join(HERE, "full.onnx"))

    rng = np.random.default_rng(5)
    images = []
    for name in ["image_a.png", "image_b.png"]:
        Image.fromarray(rng.integers(0, 256, (SIZE, SIZE, 3), dtype=np.uint8)).save(os.path.join(HERE, name))
        images.append(name)
    encoded = [make_bert_tokens.encode(q, True, MAX_LENGTH, vocab) for q in QUESTIONS]
    pairs = []
    with torch.no_grad():
        for name in images:
            x = np.asarray(Image.open(os.path.join(HERE, name)).convert("RGB"), dtype=np.float32) * np.float32(1 / 255)
            x = torch.from_numpy(x.transpose(2, 0, 1).copy())[None]
            for t, e in enumerate(encoded):
                region_ids = selector(x)
                logits = head(region_ids, torch.tensor([e["ids"]]), torch.tensor([e["attentionMask"]]))[0]
                pairs.append({"image": name, "question": QUESTIONS[t], "regionIds": region_ids[0].tolist(),
                              "logits": [round(float(v), 7) for v in logits]})
    with open(os.path.join(HERE, "reference.json"), "w", encoding="utf-8") as f:
        json.dump({"generator": "make_int_wiring.py (PyTorch)", "pairs": pairs}, f)
        f.write("\n")
    manifest = {
        "version": 2,
        "name": "integer wiring (test)",
        "graphs": {
            "selector": {"path": "selector.onnx", "inputs": {"pixel_values": "image"}},
            "head": {"path": "head.onnx", "inputs": {"region_ids": "selector.region_ids", "input_ids": "text.ids", "attention_mask": "text.attentionMask"}},
        },
        "logits": "head.logits",
        "full": {"path": "full.onnx", "inputs": {"pixel_values": "image", "input_ids": "text.ids", "attention_mask": "text.attentionMask"}, "output": "logits"},
        "image": {"width": SIZE, "height": SIZE, "resize": "none"},
        "tokenizer": {"kind": "wordpiece", "vocabulary": "vocab.txt", "lowercase": True, "maxLength": MAX_LENGTH, "bosToken": "[CLS]", "eosToken": "[SEP]", "maskToken": "[MASK]"},
        "labels": LABELS,
    }
    with open(os.path.join(HERE, "manifest.json"), "w", encoding="utf-8") as f:
        json.dump(manifest, f, indent=1)
        f.write("\n")
    print("wrote", ", ".join(sorted(os.listdir(HERE))))


if __name__ == "__main__":
    main()
