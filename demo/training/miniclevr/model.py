"""The demo model: image encoder, text encoder and a FiLM fusion head.

The split matters for DIME's fast path: the encoders are the expensive part,
the fusion head is cheap, so explaining with cached encodings is much faster
than running the full graph for every (image, text) pair.
"""
from __future__ import annotations

import re

import torch
from torch import nn
import torch.nn.functional as F

from . import scenes

MODEL_SIZE = 64          # the model's input resolution (scenes are rendered at 128)
MAX_TOKENS = 16
SPECIALS = ["<pad>", "<unk>", "<mask>"]
PAD, UNK, MASK = 0, 1, 2
IMAGE_MEAN = (0.5, 0.5, 0.5)
IMAGE_STD = (0.25, 0.25, 0.25)
TOKEN_PATTERN = r"<mask>|[a-z0-9]+"
TEXT_FEATURES = 64


def build_vocabulary() -> list[str]:
    words: set[str] = set()
    for templates in scenes.TEMPLATES.values():
        for t in templates:
            words.update(re.findall(r"[a-z]+", re.sub(r"\{[a-z]+\}", " ", t)))
    words.update(scenes.COLORS)
    words.update(scenes.SHAPES)
    words.update(scenes.PLURALS.values())
    words.update(scenes.SIZES)
    return SPECIALS + sorted(words)


def tokenize(text: str, vocab: dict[str, int]) -> list[int]:
    ids = [vocab.get(w, UNK) for w in re.findall(TOKEN_PATTERN, text.lower())][:MAX_TOKENS]
    return ids + [PAD] * (MAX_TOKENS - len(ids))


def preprocess(images_uint8: torch.Tensor) -> torch.Tensor:
    """uint8 NHWC at 128 px -> float NCHW at 64 px, normalised; the manifest describes the same steps."""
    x = images_uint8.permute(0, 3, 1, 2).float() / 255.0
    x = F.interpolate(x, size=(MODEL_SIZE, MODEL_SIZE), mode="area")
    mean = torch.tensor(IMAGE_MEAN).view(1, 3, 1, 1)
    std = torch.tensor(IMAGE_STD).view(1, 3, 1, 1)
    return (x - mean) / std


def _conv(cin: int, cout: int, stride: int) -> nn.Sequential:
    return nn.Sequential(nn.Conv2d(cin, cout, 3, stride, 1), nn.BatchNorm2d(cout), nn.ReLU())


class ImageEncoder(nn.Module):
    """[B,3,64,64] -> [B,64,8,8] feature map; coordinate channels help locate objects."""

    def __init__(self) -> None:
        super().__init__()
        self.body = nn.Sequential(_conv(5, 32, 2), _conv(32, 48, 2), _conv(48, 64, 1), _conv(64, 64, 2), _conv(64, 64, 1))

    def forward(self, image: torch.Tensor) -> torch.Tensor:
        b, _, h, w = image.shape
        ys = torch.linspace(-1.0, 1.0, h).view(1, 1, h, 1).expand(b, 1, h, w)
        xs = torch.linspace(-1.0, 1.0, w).view(1, 1, 1, w).expand(b, 1, h, w)
        return self.body(torch.cat([image, xs, ys], dim=1))


class TextEncoder(nn.Module):
    """[B,16] token ids -> [B,TEXT_FEATURES], the GRU state after the last real token."""

    def __init__(self, vocab_size: int) -> None:
        super().__init__()
        self.embed = nn.Embedding(vocab_size, 64, padding_idx=PAD)
        self.gru = nn.GRU(64, TEXT_FEATURES, batch_first=True)

    def forward(self, tokens: torch.Tensor) -> torch.Tensor:
        out, _ = self.gru(self.embed(tokens))
        last = ((tokens != PAD).long().sum(dim=1) - 1).clamp(min=0)
        return out[torch.arange(tokens.shape[0]), last]


class FusionHead(nn.Module):
    """FiLM: the question scales and shifts each image feature channel, then pooling and an MLP."""

    def __init__(self, labels: int) -> None:
        super().__init__()
        self.film1 = nn.Linear(TEXT_FEATURES, 128)
        self.conv1 = nn.Conv2d(64, 64, 1)
        self.film2 = nn.Linear(TEXT_FEATURES, 128)
        self.conv2 = nn.Conv2d(64, 64, 1)
        self.head = nn.Sequential(nn.Linear(128 + TEXT_FEATURES, 128), nn.ReLU(), nn.Linear(128, labels))

    def forward(self, image_features: torch.Tensor, text_features: torch.Tensor) -> torch.Tensor:
        x = image_features
        for film, conv in ((self.film1, self.conv1), (self.film2, self.conv2)):
            gamma, beta = film(text_features).unsqueeze(-1).unsqueeze(-1).chunk(2, dim=1)
            x = F.relu(conv(x) * (1 + gamma) + beta) + x
        pooled = torch.cat([x.mean(dim=(2, 3)), x.amax(dim=(2, 3))], dim=1)
        return self.head(torch.cat([pooled, text_features], dim=1))


class MiniClevrModel(nn.Module):
    def __init__(self, vocab_size: int, labels: int) -> None:
        super().__init__()
        self.image_encoder = ImageEncoder()
        self.text_encoder = TextEncoder(vocab_size)
        self.fusion = FusionHead(labels)

    def forward(self, image: torch.Tensor, tokens: torch.Tensor) -> torch.Tensor:
        return self.fusion(self.image_encoder(image), self.text_encoder(tokens))
