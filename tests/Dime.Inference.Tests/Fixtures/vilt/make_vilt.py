#!/usr/bin/python3
"""A ViLT-signature test model as a Hugging Face export folder, with seeded random weights (Debian's PyTorch, onnx
and PIL; tests never run this).

    /usr/bin/python3 tests/Dime.Inference.Tests/Fixtures/vilt/make_vilt.py

Shaped like ViLT fine-tuned on VQA, only small: ONE graph takes pixel_values [batch, 3, 32, 48], pixel_mask
[batch, 32, 48], input_ids, attention_mask and token_type_ids [batch, length] (the length is dynamic, at most
max_position_embeddings = 40); 8x8 patches and BERT-style word embeddings go through two transformer layers
together, and a pooled first token through ViLT's VQA head (Linear, LayerNorm, GELU, Linear) gives 32 logits.

Writes vilt-tiny-vqa/ as Hugging Face tooling lays an export out, and no manifest.json: model.onnx, config.json (id2label
with VQA-style answers, max_position_embeddings), tokenizer.json (BertNormalizer, BertPreTokenizer, WordPiece with
the vocabulary of ../bert_tokens, TemplateProcessing [CLS] $A [SEP]), tokenizer_config.json,
special_tokens_map.json and preprocessor_config.json (PIL bicubic to 48x32, rescale 1/255, mean/std 0.5). Beside
vilt-tiny-vqa/: three PNG images (up- and down-scaled, odd aspect ratios) and reference.json, the token ids (from
../bert_tokens/make_bert_tokens.py, an independent implementation of BERT's tokenization) and the logits of every
image x question pair from PyTorch with PIL preprocessing. The size is {height, width} rather than ViLT's
shortest_edge + pad, which keeps each image's aspect ratio: DIME resizes every image to one size (a derived
manifest says so when it meets shortest_edge).
"""
import json
import math
import os
import sys

import numpy as np
import torch
from PIL import Image

HERE = os.path.dirname(os.path.abspath(__file__))
MODEL = os.path.join(HERE, "vilt-tiny-vqa")
sys.path.insert(0, os.path.join(HERE, "..", "bert_tokens"))
import make_bert_tokens  # noqa: E402

OPSET = 17
HEIGHT, WIDTH, PATCH, HIDDEN, HEADS, LAYERS, MAX_POSITIONS = 32, 48, 8, 32, 2, 2, 40
MEAN, STD = [0.5, 0.5, 0.5], [0.5, 0.5, 0.5]
ANSWERS = ["yes", "no", "0", "1", "2", "3", "4", "5", "red", "blue", "green", "yellow", "gray", "brown", "purple",
           "cyan", "cube", "sphere", "cylinder", "small", "large", "rubber", "metal", "left", "right", "nothing",
           "2 cubes", "many", "a ball", "one", "two", "dog"]
QUESTIONS = ["what color is the cube?", "how many red balls are there", "is there a blue $ cube", "what's 2+2?"]

torch.manual_seed(2022)


class Layer(torch.nn.Module):
    """A post-norm transformer layer (BERT/ViT style) with an additive key mask."""

    def __init__(self):
        super().__init__()
        self.qkv = torch.nn.Linear(HIDDEN, 3 * HIDDEN)
        self.out = torch.nn.Linear(HIDDEN, HIDDEN)
        self.norm1 = torch.nn.LayerNorm(HIDDEN)
        self.ff = torch.nn.Sequential(torch.nn.Linear(HIDDEN, 2 * HIDDEN), torch.nn.GELU(), torch.nn.Linear(2 * HIDDEN, HIDDEN))
        self.norm2 = torch.nn.LayerNorm(HIDDEN)

    def forward(self, x, key_mask):
        b, n, _ = x.shape
        q, k, v = (t.reshape(b, n, HEADS, HIDDEN // HEADS).transpose(1, 2) for t in self.qkv(x).chunk(3, dim=-1))
        scores = q @ k.transpose(-1, -2) / math.sqrt(HIDDEN // HEADS) + (1.0 - key_mask[:, None, None, :]) * -10000.0
        attended = (torch.softmax(scores, dim=-1) @ v).transpose(1, 2).reshape(b, n, HIDDEN)
        x = self.norm1(x + self.out(attended))
        return self.norm2(x + self.ff(x))


class Vilt(torch.nn.Module):
    def __init__(self, vocab_size, labels):
        super().__init__()
        self.words = torch.nn.Embedding(vocab_size, HIDDEN)
        self.positions = torch.nn.Embedding(MAX_POSITIONS, HIDDEN)
        self.types = torch.nn.Embedding(2, HIDDEN)
        self.text_norm = torch.nn.LayerNorm(HIDDEN)
        self.patches = torch.nn.Conv2d(3, HIDDEN, kernel_size=PATCH, stride=PATCH)
        self.patch_positions = torch.nn.Parameter(0.02 * torch.randn(1, (HEIGHT // PATCH) * (WIDTH // PATCH), HIDDEN))
        self.modality = torch.nn.Embedding(2, HIDDEN)
        self.layers = torch.nn.ModuleList([Layer() for _ in range(LAYERS)])
        self.pool = torch.nn.Linear(HIDDEN, HIDDEN)
        self.head = torch.nn.Sequential(torch.nn.Linear(HIDDEN, 2 * HIDDEN), torch.nn.LayerNorm(2 * HIDDEN), torch.nn.GELU(), torch.nn.Linear(2 * HIDDEN, labels))

    def forward(self, pixel_values, pixel_mask, input_ids, attention_mask, token_type_ids):
        positions = torch.arange(input_ids.shape[1], device=input_ids.device)
        text = self.text_norm(self.words(input_ids) + self.positions(positions)[None] + self.types(token_type_ids)) + self.modality.weight[0]
        patches = self.patches(pixel_values).flatten(2).transpose(1, 2) + self.patch_positions + self.modality.weight[1]
        patch_mask = pixel_mask[:, ::PATCH, ::PATCH].flatten(1)  # a patch counts where its first pixel is real
        x = torch.cat([text, patches], dim=1)
        key_mask = torch.cat([attention_mask, patch_mask], dim=1).float()
        for layer in self.layers:
            x = layer(x, key_mask)
        return self.head(torch.tanh(self.pool(x[:, 0]))) * 3.0


def preprocess(path):
    image = Image.open(path).convert("RGB").resize((WIDTH, HEIGHT), Image.BICUBIC)
    x = np.asarray(image, dtype=np.float32) * np.float32(1 / 255)
    x = (x - np.array(MEAN, dtype=np.float32)) / np.array(STD, dtype=np.float32)
    return torch.from_numpy(x.transpose(2, 0, 1).copy())


def write_images():
    rng = np.random.default_rng(7)
    names = []
    for name, (width, height) in [("image_a.png", (61, 45)), ("image_b.png", (30, 22)), ("image_c.png", (96, 40))]:
        pixels = np.full((height, width, 3), rng.integers(0, 256, 3), dtype=np.uint8)
        for _ in range(5):
            w, h = rng.integers(3, width // 2), rng.integers(3, height // 2)
            x, y = rng.integers(0, width - w), rng.integers(0, height - h)
            pixels[y:y + h, x:x + w] = rng.integers(0, 256, 3)
        pixels = np.clip(pixels.astype(np.int16) + rng.integers(-12, 13, pixels.shape), 0, 255).astype(np.uint8)
        Image.fromarray(pixels).save(os.path.join(HERE, name))
        names.append(name)
    return names


def write_json(name, value):
    with open(os.path.join(MODEL, name), "w", encoding="utf-8") as f:
        json.dump(value, f, indent=1, ensure_ascii=False)
        f.write("\n")


def write_export(vocab_list, vocab):
    """The files as Hugging Face tooling writes them for a BERT-uncased tokenizer and an image processor."""
    specials = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    write_json("tokenizer.json", {
        "version": "1.0",
        "truncation": None,
        "padding": None,
        "added_tokens": [{"id": vocab[t], "content": t, "single_word": False, "lstrip": False, "rstrip": False,
                          "normalized": False, "special": True} for t in specials],
        "normalizer": {"type": "BertNormalizer", "clean_text": True, "handle_chinese_chars": True, "strip_accents": None, "lowercase": True},
        "pre_tokenizer": {"type": "BertPreTokenizer"},
        "post_processor": {
            "type": "TemplateProcessing",
            "single": [{"SpecialToken": {"id": "[CLS]", "type_id": 0}}, {"Sequence": {"id": "A", "type_id": 0}},
                       {"SpecialToken": {"id": "[SEP]", "type_id": 0}}],
            "pair": [{"SpecialToken": {"id": "[CLS]", "type_id": 0}}, {"Sequence": {"id": "A", "type_id": 0}},
                     {"SpecialToken": {"id": "[SEP]", "type_id": 0}}, {"Sequence": {"id": "B", "type_id": 1}},
                     {"SpecialToken": {"id": "[SEP]", "type_id": 1}}],
            "special_tokens": {t: {"id": t, "ids": [vocab[t]], "tokens": [t]} for t in ["[CLS]", "[SEP]"]},
        },
        "decoder": {"type": "WordPiece", "prefix": "##", "cleanup": True},
        "model": {"type": "WordPiece", "unk_token": "[UNK]", "continuing_subword_prefix": "##", "max_input_chars_per_word": 100,
                  "vocab": {t: i for i, t in enumerate(vocab_list)}},
    })
    write_json("tokenizer_config.json", {"do_lower_case": True, "model_max_length": MAX_POSITIONS, "tokenizer_class": "BertTokenizer",
                                         "cls_token": "[CLS]", "sep_token": "[SEP]", "pad_token": "[PAD]", "unk_token": "[UNK]", "mask_token": "[MASK]"})
    write_json("special_tokens_map.json", {"cls_token": "[CLS]", "mask_token": "[MASK]", "pad_token": "[PAD]", "sep_token": "[SEP]", "unk_token": "[UNK]"})
    write_json("preprocessor_config.json", {"do_resize": True, "size": {"height": HEIGHT, "width": WIDTH}, "resample": 3, "do_rescale": True,
                                            "rescale_factor": 1 / 255, "do_normalize": True, "image_mean": MEAN, "image_std": STD, "do_pad": True})
    write_json("config.json", {
        "architectures": ["ViltForQuestionAnswering"], "model_type": "vilt", "hidden_size": HIDDEN, "num_attention_heads": HEADS,
        "num_hidden_layers": LAYERS, "patch_size": PATCH, "max_position_embeddings": MAX_POSITIONS, "vocab_size": len(vocab_list),
        "id2label": {str(i): a for i, a in enumerate(ANSWERS)}, "label2id": {a: i for i, a in enumerate(ANSWERS)},
    })


def main():
    os.makedirs(MODEL, exist_ok=True)
    vocab_list = [line.rstrip("\n") for line in open(os.path.join(HERE, "..", "bert_tokens", "vocab.txt"), encoding="utf-8")]
    vocab = {t: i for i, t in enumerate(vocab_list)}
    model = Vilt(len(vocab_list), len(ANSWERS)).eval()

    pixels = torch.zeros(2, 3, HEIGHT, WIDTH)
    mask = torch.ones(2, HEIGHT, WIDTH, dtype=torch.long)
    ids = torch.zeros(2, 12, dtype=torch.long)
    names = ["pixel_values", "pixel_mask", "input_ids", "attention_mask", "token_type_ids"]
    dynamic = {"pixel_values": {0: "batch"}, "pixel_mask": {0: "batch"}, "logits": {0: "batch"}}
    dynamic.update({n: {0: "batch", 1: "sequence"} for n in ["input_ids", "attention_mask", "token_type_ids"]})
    torch.onnx.export(model, (pixels, mask, ids, ids, ids), os.path.join(MODEL, "model.onnx"), input_names=names,
                      output_names=["logits"], dynamic_axes=dynamic, opset_version=OPSET)
    write_export(vocab_list, vocab)

    images = write_images()
    encoded = [make_bert_tokens.encode(q, True, MAX_POSITIONS, vocab) for q in QUESTIONS]
    with torch.no_grad():
        x = torch.stack([preprocess(os.path.join(HERE, name)) for name in images])
        pairs = []
        for i, name in enumerate(images):
            for t, e in enumerate(encoded):
                input_ids = torch.tensor([e["ids"]])
                attention = torch.tensor([e["attentionMask"]])
                logits = model(x[i:i + 1], torch.ones(1, HEIGHT, WIDTH, dtype=torch.long), input_ids, attention, torch.zeros_like(input_ids))[0]
                pairs.append({"image": name, "question": QUESTIONS[t], "logits": [round(float(v), 7) for v in logits]})
    reference = {
        "generator": "make_vilt.py (PyTorch, PIL bicubic to 48x32, make_bert_tokens.py, padded to 40 tokens)",
        "tokens": [{"text": e["text"], "ids": e["ids"], "attentionMask": e["attentionMask"]} for e in encoded],
        "pairs": pairs,
    }
    with open(os.path.join(HERE, "reference.json"), "w", encoding="utf-8") as f:
        json.dump(reference, f)
        f.write("\n")
    print("wrote", ", ".join(sorted(os.listdir(HERE)) + sorted("vilt-tiny-vqa/" + n for n in os.listdir(MODEL))))


if __name__ == "__main__":
    main()
