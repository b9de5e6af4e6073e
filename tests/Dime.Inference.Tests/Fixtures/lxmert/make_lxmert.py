#!/usr/bin/python3
"""An LXMERT-signature test model with seeded random weights (Debian's PyTorch and onnx; tests never run this).

    /usr/bin/python3 tests/Dime.Inference.Tests/Fixtures/lxmert/make_lxmert.py

Shaped like LXMERT on VQA, only small: a "detector" graph takes the image and has TWO outputs, region features
[batch, 16, 32] and boxes [batch, 16, 4]; a "crossmodal" graph takes both plus input_ids, attention_mask and
token_type_ids (BERT-style) and answers with 3129 logits. full.onnx is the same computation as one graph.
Writes, next to this script: detector.onnx, crossmodal.onnx, full.onnx, vocab.txt (the BERT vocabulary of
../bert_tokens), manifest.json (format version 2), preprocessor_config.json (PIL bicubic), config.json (id2label),
two PNG images and reference.json: the token ids (from ../bert_tokens/make_bert_tokens.py, an independent
implementation of BERT's tokenization) and the logits of every image x question pair computed by PyTorch with
PIL preprocessing.
"""
import json
import math
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
SIZE, REGIONS, FEATURES, HIDDEN, MAX_LENGTH, LABELS = 32, 16, 32, 32, 20, 3129
MEAN, STD = [0.5, 0.5, 0.5], [0.5, 0.5, 0.5]
QUESTIONS = ["what color is the cube?", "how many red balls are there", "is there a blue $ cube"]

torch.manual_seed(2022)


class Detector(torch.nn.Module):
    """Image -> (region features, boxes): a small convolutional backbone, then a 4x4 grid of regions. As in LXMERT,
    the detector costs far more per image (about 3 MFLOP here) than the cross-modal graph per pair."""

    def __init__(self):
        super().__init__()
        self.backbone = torch.nn.Sequential(
            torch.nn.Conv2d(3, 16, kernel_size=3, padding=1), torch.nn.ReLU(),
            torch.nn.Conv2d(16, 32, kernel_size=3, stride=2, padding=1), torch.nn.ReLU())
        self.patch = torch.nn.Conv2d(32, 16, kernel_size=4, stride=4)
        self.features = torch.nn.Linear(16, FEATURES)
        self.offsets = torch.nn.Linear(16, 4)
        grid = [[x / 4, y / 4, (x + 1) / 4, (y + 1) / 4] for y in range(4) for x in range(4)]
        self.register_buffer("grid", torch.tensor(grid, dtype=torch.float32))

    def forward(self, pixel_values):
        patches = self.patch(self.backbone(pixel_values)).flatten(2).transpose(1, 2)  # [B, 16, 16]
        visual_feats = torch.relu(self.features(patches))
        visual_pos = (self.grid + 0.1 * torch.tanh(self.offsets(patches))).clamp(0, 1)
        return visual_feats, visual_pos


def attention(q, k, v, key_mask):
    scores = q @ k.transpose(1, 2) / math.sqrt(q.shape[-1])
    if key_mask is not None:
        scores = scores + (1.0 - key_mask[:, None, :].float()) * -10000.0
    return torch.softmax(scores, dim=-1) @ v


class CrossModal(torch.nn.Module):
    """BERT-style text embeddings, text self-attention, text-to-regions cross-attention, a pooled [CLS] answer head."""

    def __init__(self, vocab_size):
        super().__init__()
        self.words = torch.nn.Embedding(vocab_size, HIDDEN)
        self.positions = torch.nn.Embedding(MAX_LENGTH, HIDDEN)
        self.types = torch.nn.Embedding(2, HIDDEN)
        self.norm = torch.nn.LayerNorm(HIDDEN)
        self.qkv = torch.nn.Linear(HIDDEN, 3 * HIDDEN)
        self.visual = torch.nn.Linear(FEATURES, HIDDEN)
        self.boxes = torch.nn.Linear(4, HIDDEN)
        self.cross_q = torch.nn.Linear(HIDDEN, HIDDEN)
        self.cross_kv = torch.nn.Linear(HIDDEN, 2 * HIDDEN)
        self.pool = torch.nn.Linear(HIDDEN, HIDDEN)
        self.answer = torch.nn.Linear(HIDDEN, LABELS)

    def forward(self, visual_feats, visual_pos, input_ids, attention_mask, token_type_ids):
        positions = torch.arange(input_ids.shape[1], device=input_ids.device)
        text = self.norm(self.words(input_ids) + self.positions(positions)[None] + self.types(token_type_ids))
        q, k, v = self.qkv(text).chunk(3, dim=-1)
        text = text + attention(q, k, v, attention_mask)
        regions = torch.tanh(self.visual(visual_feats) + self.boxes(visual_pos))
        rk, rv = self.cross_kv(regions).chunk(2, dim=-1)
        text = text + attention(self.cross_q(text), rk, rv, None)
        pooled = torch.tanh(self.pool(text[:, 0]))
        return self.answer(pooled) * 4.0


class Full(torch.nn.Module):
    def __init__(self, detector, crossmodal):
        super().__init__()
        self.detector, self.crossmodal = detector, crossmodal

    def forward(self, pixel_values, input_ids, attention_mask, token_type_ids):
        visual_feats, visual_pos = self.detector(pixel_values)
        return self.crossmodal(visual_feats, visual_pos, input_ids, attention_mask, token_type_ids)


def export(module, args, names, outputs, path):
    dynamic = {name: {0: "batch"} for name in names + outputs}
    torch.onnx.export(module, args, path, input_names=names, output_names=outputs, dynamic_axes=dynamic, opset_version=OPSET)


def preprocess(path):
    image = Image.open(path).convert("RGB").resize((SIZE, SIZE), Image.BICUBIC)
    x = np.asarray(image, dtype=np.float32) / 255.0
    x = (x - np.array(MEAN, dtype=np.float32)) / np.array(STD, dtype=np.float32)
    return torch.from_numpy(x.transpose(2, 0, 1).copy())


def write_images():
    rng = np.random.default_rng(11)
    names = []
    for name, (width, height) in [("image_a.png", (45, 37)), ("image_b.png", (64, 48))]:
        pixels = np.full((height, width, 3), rng.integers(0, 256, 3), dtype=np.uint8)
        for _ in range(4):
            w, h = rng.integers(4, width // 2), rng.integers(4, height // 2)
            x, y = rng.integers(0, width - w), rng.integers(0, height - h)
            pixels[y:y + h, x:x + w] = rng.integers(0, 256, 3)
        pixels = np.clip(pixels.astype(np.int16) + rng.integers(-12, 13, pixels.shape), 0, 255).astype(np.uint8)
        Image.fromarray(pixels).save(os.path.join(HERE, name))
        names.append(name)
    return names


def main():
    shutil.copyfile(os.path.join(HERE, "..", "bert_tokens", "vocab.txt"), os.path.join(HERE, "vocab.txt"))
    vocab_list = [line.rstrip("\n") for line in open(os.path.join(HERE, "vocab.txt"), encoding="utf-8")]
    vocab = {t: i for i, t in enumerate(vocab_list)}
    detector, crossmodal = Detector().eval(), CrossModal(len(vocab_list)).eval()
    full = Full(detector, crossmodal).eval()

    pixels = torch.zeros(2, 3, SIZE, SIZE)
    ids = torch.zeros(2, MAX_LENGTH, dtype=torch.long)
    export(detector, (pixels,), ["pixel_values"], ["visual_feats", "visual_pos"], os.path.join(HERE, "detector.onnx"))
    feats, pos = detector(pixels)
    export(crossmodal, (feats, pos, ids, ids, ids), ["visual_feats", "visual_pos", "input_ids", "attention_mask", "token_type_ids"], ["logits"], os.path.join(HERE, "crossmodal.onnx"))
    export(full, (pixels, ids, ids, ids), ["pixel_values", "input_ids", "attention_mask", "token_type_ids"], ["logits"], os.path.join(HERE, "full.onnx"))

    labels = [f"answer {i}" for i in range(LABELS)]
    images = write_images()
    encoded = [make_bert_tokens.encode(q, True, MAX_LENGTH, vocab) for q in QUESTIONS]
    with torch.no_grad():
        x = torch.stack([preprocess(os.path.join(HERE, name)) for name in images])
        input_ids = torch.tensor([e["ids"] for e in encoded])
        mask = torch.tensor([e["attentionMask"] for e in encoded])
        pairs = []
        for i, name in enumerate(images):
            for t, e in enumerate(encoded):
                logits = full(x[i:i + 1], input_ids[t:t + 1], mask[t:t + 1], torch.zeros_like(input_ids[t:t + 1]))[0]
                pairs.append({"image": name, "question": QUESTIONS[t], "logits": [round(float(v), 7) for v in logits]})
    reference = {
        "generator": "make_lxmert.py (PyTorch, PIL bicubic, make_bert_tokens.py)",
        "tokens": [{"text": e["text"], "ids": e["ids"], "attentionMask": e["attentionMask"]} for e in encoded],
        "pairs": pairs,
    }
    with open(os.path.join(HERE, "reference.json"), "w", encoding="utf-8") as f:
        json.dump(reference, f)
        f.write("\n")

    manifest = {
        "version": 2,
        "name": "lxmert-signature (test)",
        "description": "Seeded random weights shaped like LXMERT on VQA: a two-output detector and a cross-modal graph.",
        "graphs": {
            "detector": {"path": "detector.onnx", "inputs": {"pixel_values": "image"}},
            "crossmodal": {
                "path": "crossmodal.onnx",
                "inputs": {
                    "visual_feats": "detector.visual_feats",
                    "visual_pos": "detector.visual_pos",
                    "input_ids": "text.ids",
                    "attention_mask": "text.attentionMask",
                    "token_type_ids": "text.tokenTypeIds",
                },
            },
        },
        "logits": "crossmodal.logits",
        "full": {
            "path": "full.onnx",
            "inputs": {"pixel_values": "image", "input_ids": "text.ids", "attention_mask": "text.attentionMask", "token_type_ids": "text.tokenTypeIds"},
            "output": "logits",
        },
        "image": {"width": SIZE, "height": SIZE, "resize": "pil-bicubic", "mean": MEAN, "std": STD},
        "tokenizer": {"kind": "wordpiece", "vocabulary": "vocab.txt", "lowercase": True, "maxLength": MAX_LENGTH, "maskToken": "[MASK]", "bosToken": "[CLS]", "eosToken": "[SEP]"},
        "labels": labels,
    }
    with open(os.path.join(HERE, "manifest.json"), "w", encoding="utf-8") as f:
        json.dump(manifest, f, indent=1)
        f.write("\n")
    with open(os.path.join(HERE, "preprocessor_config.json"), "w", encoding="utf-8") as f:
        json.dump({"do_resize": True, "size": {"height": SIZE, "width": SIZE}, "resample": 3, "do_rescale": True,
                   "rescale_factor": 1 / 255, "do_normalize": True, "image_mean": MEAN, "image_std": STD}, f, indent=1)
        f.write("\n")
    with open(os.path.join(HERE, "config.json"), "w", encoding="utf-8") as f:
        json.dump({"model_type": "lxmert", "id2label": {str(i): label for i, label in enumerate(labels)}}, f)
        f.write("\n")
    print("wrote", ", ".join(sorted(os.listdir(HERE))))


if __name__ == "__main__":
    main()
