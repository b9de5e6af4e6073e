#!/usr/bin/python3
"""An MDETR-signature test model (CLEVR question answering) with seeded random weights (Debian's PyTorch and onnx;
tests never run this).

    /usr/bin/python3 tests/Dime.Inference.Tests/Fixtures/mdetr/make_mdetr.py

Shaped like MDETR fine-tuned on CLEVR, only small: a convolutional "backbone" whose image input has DYNAMIC height
and width (it reads the image at its own size, as MDETR reads 480x320 CLEVR images unresized; here 48x32), a text
encoder (BERT-style embeddings and one self-attention layer), and a "transformer" graph that attends over the
image tokens and the text tokens together, then answers through three heads as MDETR does on CLEVR: answer_binary
[batch, 1] (the "yes" logit of a sigmoid), answer_attr [batch, 15] and answer_count [batch, 20]. The manifest
assembles them into one 37-column label space: yes, no (= -1 x the yes logit, since sigmoid(-x) = 1 - sigmoid(x)),
15 attributes, counts 0-19. full.onnx is the same computation as one graph with the same three outputs.

Writes, next to this script: backbone.onnx, text_encoder.onnx, transformer.onnx, full.onnx, vocab.txt (the BERT
vocabulary of ../bert_tokens), manifest.json (format 2, "resize": "none"), three 48x32 PNG images and a 50x32 one
(the wrong size), samples.jsonl (the nine image x question pairs, a dataset of the model's size) and reference.json: the token ids (../bert_tokens/make_bert_tokens.py) and the 37 logits of every
image x question pair computed by PyTorch on the unresized images.
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
WIDTH, HEIGHT, HIDDEN, MAX_LENGTH = 48, 32, 32, 20
MEAN, STD = [0.485, 0.456, 0.406], [0.229, 0.224, 0.225]
ATTRIBUTES = ["gray", "red", "blue", "green", "brown", "purple", "cyan", "yellow", "cube", "sphere", "cylinder",
              "rubber", "metal", "small", "large"]
COUNTS = [str(i) for i in range(20)]
LABELS = ["yes", "no"] + ATTRIBUTES + COUNTS
QUESTIONS = ["is there a red cube?", "what color is the large sphere", "how many cylinders are there?"]

torch.manual_seed(1703)


def attention(q, k, v, key_mask):
    scores = q @ k.transpose(1, 2) / math.sqrt(q.shape[-1])
    if key_mask is not None:
        scores = scores + (1.0 - key_mask[:, None, :].float()) * -10000.0
    return torch.softmax(scores, dim=-1) @ v


class Backbone(torch.nn.Module):
    """Image at its own size -> one token per 8x8 cell, with a 2-D sine position code: [batch, H/8 * W/8, HIDDEN]."""

    def __init__(self):
        super().__init__()
        self.convs = torch.nn.Sequential(
            torch.nn.Conv2d(3, 16, kernel_size=3, stride=2, padding=1), torch.nn.ReLU(),
            torch.nn.Conv2d(16, 32, kernel_size=3, stride=2, padding=1), torch.nn.ReLU(),
            torch.nn.Conv2d(32, HIDDEN, kernel_size=3, stride=2, padding=1))

    def forward(self, pixel_values):
        features = self.convs(pixel_values)  # [B, HIDDEN, H/8, W/8]
        h, w = features.shape[2], features.shape[3]
        ys = torch.arange(h, dtype=torch.float32)[:, None].expand(h, w)
        xs = torch.arange(w, dtype=torch.float32)[None, :].expand(h, w)
        freqs = torch.arange(HIDDEN // 4, dtype=torch.float32)
        angles_y = ys[..., None] / (4.0 ** freqs)
        angles_x = xs[..., None] / (4.0 ** freqs)
        position = torch.cat([angles_y.sin(), angles_y.cos(), angles_x.sin(), angles_x.cos()], dim=-1)  # [h, w, HIDDEN]
        return features.flatten(2).transpose(1, 2) + 0.1 * position.reshape(1, h * w, HIDDEN)


class TextEncoder(torch.nn.Module):
    def __init__(self, vocab_size):
        super().__init__()
        self.words = torch.nn.Embedding(vocab_size, HIDDEN)
        self.positions = torch.nn.Embedding(MAX_LENGTH, HIDDEN)
        self.norm = torch.nn.LayerNorm(HIDDEN)
        self.qkv = torch.nn.Linear(HIDDEN, 3 * HIDDEN)

    def forward(self, input_ids, attention_mask):
        positions = torch.arange(input_ids.shape[1], device=input_ids.device)
        text = self.norm(self.words(input_ids) + self.positions(positions)[None])
        q, k, v = self.qkv(text).chunk(3, dim=-1)
        return text + attention(q, k, v, attention_mask)


class Transformer(torch.nn.Module):
    """Image and text tokens attended together, then an answer query over them and CLEVR's three answer heads."""

    def __init__(self):
        super().__init__()
        self.image_proj = torch.nn.Linear(HIDDEN, HIDDEN)
        self.qkv = torch.nn.Linear(HIDDEN, 3 * HIDDEN)
        self.norm = torch.nn.LayerNorm(HIDDEN)
        self.query = torch.nn.Parameter(torch.randn(1, 1, HIDDEN))
        self.cross_kv = torch.nn.Linear(HIDDEN, 2 * HIDDEN)
        self.answer_binary = torch.nn.Linear(HIDDEN, 1)
        self.answer_attr = torch.nn.Linear(HIDDEN, len(ATTRIBUTES))
        self.answer_count = torch.nn.Linear(HIDDEN, len(COUNTS))

    def forward(self, image_tokens, text_states, attention_mask):
        image = self.image_proj(image_tokens)
        tokens = torch.cat([image, text_states], dim=1)
        mask = torch.cat([torch.ones(image.shape[0], image.shape[1], dtype=attention_mask.dtype), attention_mask], dim=1)
        q, k, v = self.qkv(tokens).chunk(3, dim=-1)
        memory = self.norm(tokens + attention(q, k, v, mask))
        mk, mv = self.cross_kv(memory).chunk(2, dim=-1)
        answer = attention(self.query.expand(memory.shape[0], 1, HIDDEN), mk, mv, mask)[:, 0]
        return self.answer_binary(answer) * 3.0, self.answer_attr(answer) * 3.0, self.answer_count(answer) * 3.0


class Full(torch.nn.Module):
    def __init__(self, backbone, text_encoder, transformer):
        super().__init__()
        self.backbone, self.text_encoder, self.transformer = backbone, text_encoder, transformer

    def forward(self, pixel_values, input_ids, attention_mask):
        return self.transformer(self.backbone(pixel_values), self.text_encoder(input_ids, attention_mask), attention_mask)


HEADS = ["answer_binary", "answer_attr", "answer_count"]


def export(module, args, names, outputs, path, dynamic=None):
    axes = {name: {0: "batch"} for name in names + outputs}
    axes.update(dynamic or {})
    torch.onnx.export(module, args, path, input_names=names, output_names=outputs, dynamic_axes=axes, opset_version=OPSET)


def pixels_of(path):
    image = Image.open(path).convert("RGB")  # no resize: MDETR reads CLEVR images at their own size
    x = np.asarray(image, dtype=np.float32) * np.float32(1 / 255)
    x = (x - np.array(MEAN, dtype=np.float32)) / np.array(STD, dtype=np.float32)
    return torch.from_numpy(x.transpose(2, 0, 1).copy())


def write_images():
    rng = np.random.default_rng(3)
    names = []
    for name, (width, height) in [("image_a.png", (WIDTH, HEIGHT)), ("image_b.png", (WIDTH, HEIGHT)), ("image_c.png", (WIDTH, HEIGHT)), ("wrong_size.png", (WIDTH + 2, HEIGHT))]:
        pixels = np.full((height, width, 3), 110 + rng.integers(0, 30, 3), dtype=np.uint8)
        for _ in range(4):
            w, h = rng.integers(4, 12), rng.integers(4, 12)
            x, y = rng.integers(0, width - w), rng.integers(0, height - h)
            pixels[y:y + h, x:x + w] = rng.integers(0, 256, 3)
        Image.fromarray(pixels).save(os.path.join(HERE, name))
        names.append(name)
    return names[:3]


def logit_parts(prefix):
    return [f"{prefix}answer_binary", {"output": f"{prefix}answer_binary", "scale": -1}, f"{prefix}answer_attr", f"{prefix}answer_count"]


def main():
    shutil.copyfile(os.path.join(HERE, "..", "bert_tokens", "vocab.txt"), os.path.join(HERE, "vocab.txt"))
    vocab_list = [line.rstrip("\n") for line in open(os.path.join(HERE, "vocab.txt"), encoding="utf-8")]
    vocab = {t: i for i, t in enumerate(vocab_list)}
    backbone, text_encoder, transformer = Backbone().eval(), TextEncoder(len(vocab_list)).eval(), Transformer().eval()
    full = Full(backbone, text_encoder, transformer).eval()

    pixels = torch.zeros(2, 3, HEIGHT, WIDTH)
    ids = torch.zeros(2, MAX_LENGTH, dtype=torch.long)
    spatial = {"pixel_values": {0: "batch", 2: "height", 3: "width"}, "image_tokens": {0: "batch", 1: "cells"}}
    export(backbone, (pixels,), ["pixel_values"], ["image_tokens"], os.path.join(HERE, "backbone.onnx"), spatial)
    export(text_encoder, (ids, ids), ["input_ids", "attention_mask"], ["text_states"], os.path.join(HERE, "text_encoder.onnx"))
    export(transformer, (backbone(pixels), text_encoder(ids, ids), ids), ["image_tokens", "text_states", "attention_mask"], HEADS,
           os.path.join(HERE, "transformer.onnx"), spatial)
    export(full, (pixels, ids, ids), ["pixel_values", "input_ids", "attention_mask"], HEADS, os.path.join(HERE, "full.onnx"), spatial)

    images = write_images()
    encoded = [make_bert_tokens.encode(q, True, MAX_LENGTH, vocab) for q in QUESTIONS]
    with torch.no_grad():
        pairs = []
        for name in images:
            x = pixels_of(os.path.join(HERE, name))[None]
            for t, e in enumerate(encoded):
                binary, attr, count = full(x, torch.tensor([e["ids"]]), torch.tensor([e["attentionMask"]]))
                logits = torch.cat([binary[0], -binary[0], attr[0], count[0]])
                pairs.append({"image": name, "question": QUESTIONS[t], "logits": [round(float(v), 7) for v in logits]})
    reference = {
        "generator": "make_mdetr.py (PyTorch, unresized images, make_bert_tokens.py; no = -yes)",
        "tokens": [{"text": e["text"], "ids": e["ids"], "attentionMask": e["attentionMask"]} for e in encoded],
        "pairs": pairs,
    }
    with open(os.path.join(HERE, "reference.json"), "w", encoding="utf-8") as f:
        json.dump(reference, f)
        f.write("\n")
    # a dataset of the model's own image size, for `bench explain --dataset` and the daemon
    with open(os.path.join(HERE, "samples.jsonl"), "w", encoding="utf-8") as f:
        for i, (name, question) in enumerate((name, q) for name in images for q in QUESTIONS):
            f.write(json.dumps({"id": f"m{i}", "image": name, "question": question}) + "\n")

    manifest = {
        "version": 2,
        "name": "mdetr-clevr-signature (test)",
        "description": "Seeded random weights shaped like MDETR on CLEVR: three answer heads as one 37-column label space.",
        "graphs": {
            "backbone": {"path": "backbone.onnx", "inputs": {"pixel_values": "image"}},
            "textEncoder": {"path": "text_encoder.onnx", "inputs": {"input_ids": "text.ids", "attention_mask": "text.attentionMask"}},
            "transformer": {"path": "transformer.onnx", "inputs": {"image_tokens": "backbone.image_tokens", "text_states": "textEncoder.text_states",
                                                                   "attention_mask": "text.attentionMask"}},
        },
        "logits": logit_parts("transformer."),
        "full": {"path": "full.onnx", "inputs": {"pixel_values": "image", "input_ids": "text.ids", "attention_mask": "text.attentionMask"},
                 "output": logit_parts("")},
        "image": {"width": WIDTH, "height": HEIGHT, "resize": "none", "mean": MEAN, "std": STD},
        "tokenizer": {"kind": "wordpiece", "vocabulary": "vocab.txt", "lowercase": True, "maxLength": MAX_LENGTH, "maskToken": "[MASK]",
                      "bosToken": "[CLS]", "eosToken": "[SEP]"},
        "labels": LABELS,
    }
    with open(os.path.join(HERE, "manifest.json"), "w", encoding="utf-8") as f:
        json.dump(manifest, f, indent=1)
        f.write("\n")
    print("wrote", ", ".join(sorted(os.listdir(HERE))))


if __name__ == "__main__":
    main()
