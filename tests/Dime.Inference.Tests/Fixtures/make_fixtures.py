#!/usr/bin/env python3
"""Regenerates the small committed test fixtures of Dime.Inference.Tests. Tests never run this.

    /usr/bin/python3 tests/Dime.Inference.Tests/Fixtures/make_fixtures.py

Writes, next to this script:
- toy/: a tiny split model (image encoder, text encoder with an attention mask, fusion head) plus the full
  graph that composes them, fusion heads that take raw tokens or the raw image, graphs that output NaN, an
  image encoder with dynamic height and width, and a deliberately slow graph (for cancelling a run in flight);
- resize_reference.json: PyTorch's F.interpolate (area, bilinear align_corners=False, nearest) on small
  uint8 images, the reference for the C# resize;
- preprocess_reference.*: a 128x128 noise PNG and the demo preprocessing of it (area to 64, (x-0.5)/0.25).
"""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import onnx
import torch
import torch.nn.functional as F
from onnx import TensorProto, helper, numpy_helper

HERE = Path(__file__).resolve().parent
TOY = HERE / "toy"
OPSET = 17
SIZE, TOKENS, IMG_FEATURES, TXT_FEATURES, LABELS = 8, 6, 12, 5, 4

rng = np.random.default_rng(7)
W = {
    "img_scale": rng.normal(0, 1, (IMG_FEATURES,)).astype(np.float32),
    "E": rng.normal(0, 0.5, (7, TXT_FEATURES)).astype(np.float32),
    "W1": rng.normal(0, 0.5, (IMG_FEATURES + TXT_FEATURES, 8)).astype(np.float32),
    "b1": rng.normal(0, 0.1, (8,)).astype(np.float32),
    "W2": rng.normal(0, 0.5, (8, LABELS)).astype(np.float32),
    "A": rng.normal(0, 0.5, (IMG_FEATURES, LABELS)).astype(np.float32),
    "B": rng.normal(0, 0.5, (TXT_FEATURES, LABELS)).astype(np.float32),
}


class Graph:
    def __init__(self) -> None:
        self.nodes, self.inits, self.n = [], [], 0

    def const(self, name: str, value: np.ndarray) -> str:
        if name not in [i.name for i in self.inits]:
            self.inits.append(numpy_helper.from_array(value, name))
        return name

    def op(self, kind: str, inputs: list[str], output: str | None = None, **attrs) -> str:
        self.n += 1
        out = output or f"{kind.lower()}_{self.n}"
        self.nodes.append(helper.make_node(kind, inputs, [out], **attrs))
        return out

    def save(self, path: Path, inputs: list, outputs: list) -> None:
        graph = helper.make_graph(self.nodes, path.stem, inputs, outputs, self.inits)
        model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", OPSET)], producer_name="dime-fixtures")
        model.ir_version = 8
        onnx.checker.check_model(model)
        onnx.save(model, str(path))


def image_input(name: str = "image"):
    return helper.make_tensor_value_info(name, TensorProto.FLOAT, ["batch", 3, SIZE, SIZE])


def tokens_input(name: str, elem=TensorProto.INT64):
    return helper.make_tensor_value_info(name, elem, ["batch", TOKENS])


def features(name: str, width: int):
    return helper.make_tensor_value_info(name, TensorProto.FLOAT, ["batch", width])


def image_encoder(g: Graph, image: str, out: str | None = None) -> str:
    pooled = g.op("AveragePool", [image], kernel_shape=[4, 4], strides=[4, 4])
    flat = g.op("Flatten", [pooled], axis=1)
    return g.op("Tanh", [g.op("Mul", [flat, g.const("img_scale", W["img_scale"])])], out)


def text_encoder(g: Graph, tokens: str, mask: str, out: str | None = None) -> str:
    tf = g.op("Cast", [tokens], to=TensorProto.FLOAT)
    mf = g.op("Cast", [mask], to=TensorProto.FLOAT)
    masked = g.op("Mul", [g.op("Mul", [tf, mf]), g.const("tenth", np.array(0.1, np.float32))])
    count = g.op("ReduceSum", [mf, g.const("axis1", np.array([1], np.int64))], keepdims=1)
    feat = g.op("Concat", [masked, count], axis=1)
    return g.op("Tanh", [g.op("MatMul", [feat, g.const("E", W["E"])])], out)


def fusion(g: Graph, img: str, txt: str, out: str, nan: bool = False) -> str:
    h = g.op("Concat", [img, txt], axis=1)
    h1 = g.op("Tanh", [g.op("Add", [g.op("MatMul", [h, g.const("W1", W["W1"])]), g.const("b1", W["b1"])])])
    additive = g.op("MatMul", [h1, g.const("W2", W["W2"])])
    product = g.op("Mul", [g.op("MatMul", [img, g.const("A", W["A"])]), g.op("MatMul", [txt, g.const("B", W["B"])])])
    if not nan:
        return g.op("Add", [additive, product], out)
    logits = g.op("Add", [additive, product])
    # sqrt(-1) is NaN: every logit becomes NaN
    return g.op("Add", [logits, g.op("Sqrt", [g.const("minus_one", np.array(-1.0, np.float32))])], out)


def toy() -> None:
    TOY.mkdir(parents=True, exist_ok=True)
    logits = features("logits", LABELS)

    g = Graph()
    image_encoder(g, "image", "image_features")
    g.save(TOY / "image_encoder.onnx", [image_input()], [features("image_features", IMG_FEATURES)])

    g = Graph()
    text_encoder(g, "tokens", "attention_mask", "text_features")
    g.save(TOY / "text_encoder.onnx", [tokens_input("tokens"), tokens_input("attention_mask")], [features("text_features", TXT_FEATURES)])

    for name, nan in (("fusion.onnx", False), ("fusion_nan.onnx", True)):
        g = Graph()
        fusion(g, "image_features", "text_features", "logits", nan)
        g.save(TOY / name, [features("image_features", IMG_FEATURES), features("text_features", TXT_FEATURES)], [logits])

    for name, nan in (("model.onnx", False), ("model_nan.onnx", True)):
        g = Graph()
        fusion(g, image_encoder(g, "image"), text_encoder(g, "tokens", "attention_mask"), "logits", nan)
        g.save(TOY / name, [image_input(), tokens_input("tokens"), tokens_input("attention_mask")], [logits])

    # the full graph with int32 token inputs, as some exporters write them
    g = Graph()
    t64 = g.op("Cast", ["tokens"], to=TensorProto.INT64)
    m64 = g.op("Cast", ["attention_mask"], to=TensorProto.INT64)
    fusion(g, image_encoder(g, "image"), text_encoder(g, t64, m64), "logits")
    g.save(TOY / "model_int32.onnx", [image_input(), tokens_input("tokens", TensorProto.INT32), tokens_input("attention_mask", TensorProto.INT32)], [logits])

    # fusion heads for a split without a text encoder / without an image encoder
    g = Graph()
    fusion(g, "image_features", text_encoder(g, "tokens", "attention_mask"), "logits")
    g.save(TOY / "fusion_raw_text.onnx", [features("image_features", IMG_FEATURES), tokens_input("tokens"), tokens_input("attention_mask")], [logits])
    g = Graph()
    fusion(g, image_encoder(g, "image"), "text_features", "logits")
    g.save(TOY / "fusion_raw_image.onnx", [image_input(), features("text_features", TXT_FEATURES)], [logits])

    # slow: every pair becomes 64 rows pushed through 120 matmuls of 512x512 (about 4 GMAC per pair);
    # RunOptions.Terminate stops it between nodes
    g = Graph()
    flat = g.op("Flatten", ["image"], axis=1)
    tiled = g.op("Tile", [flat, g.const("tile", np.array([64, 1], np.int64))])
    x = g.op("MatMul", [tiled, g.const("Win", rng.normal(0, 0.05, (3 * SIZE * SIZE, 512)).astype(np.float32))])
    wchain = g.const("Wchain", (rng.normal(0, 1, (512, 512)) / np.sqrt(512)).astype(np.float32))
    for _ in range(120):
        x = g.op("Tanh", [g.op("MatMul", [x, wchain])])
    shaped = g.op("Reshape", [x, g.const("shape", np.array([64, -1, 512], np.int64))])
    pooled = g.op("ReduceMean", [shaped], axes=[0], keepdims=0)
    tf = g.op("ReduceSum", [g.op("Cast", ["tokens"], to=TensorProto.FLOAT), g.const("axis1", np.array([1], np.int64))], keepdims=1)
    mf = g.op("ReduceSum", [g.op("Cast", ["attention_mask"], to=TensorProto.FLOAT), g.const("axis1", np.array([1], np.int64))], keepdims=1)
    out = g.op("MatMul", [pooled, g.const("Wout", rng.normal(0, 0.1, (512, LABELS)).astype(np.float32))])
    g.op("Add", [out, g.op("Add", [tf, mf])], "logits")
    g.save(TOY / "slow.onnx", [image_input(), tokens_input("tokens"), tokens_input("attention_mask")], [logits])

    # an image encoder with dynamic spatial dimensions: any height and width, pooled to one mean per channel
    g = Graph()
    pooled = g.op("Flatten", [g.op("GlobalAveragePool", ["image"])], axis=1)
    scales = np.random.default_rng(11).normal(0, 1, (3, IMG_FEATURES)).astype(np.float32)
    g.op("Tanh", [g.op("MatMul", [pooled, g.const("channel_scales", scales)])], "image_features")
    dynamic_image = helper.make_tensor_value_info("image", TensorProto.FLOAT, ["batch", 3, "height", "width"])
    g.save(TOY / "image_encoder_dynamic.onnx", [dynamic_image], [features("image_features", IMG_FEATURES)])

    (TOY / "vocab.txt").write_text("\n".join(["<pad>", "<unk>", "<mask>", "is", "there", "a", "red", "blue", "cube", "ball", "what", "color"]) + "\n")


def resize_reference() -> None:
    cases = []
    for (h, w), (oh, ow) in [((7, 5), (3, 4)), ((13, 9), (5, 6)), ((3, 3), (5, 7)), ((8, 8), (4, 4)), ((10, 6), (10, 6)), ((6, 11), (4, 3))]:
        img = rng.integers(0, 256, (h, w, 3), dtype=np.uint8)
        x = torch.from_numpy(img).permute(2, 0, 1).unsqueeze(0).float() / 255.0
        case = {"width": w, "height": h, "outWidth": ow, "outHeight": oh, "pixels": img.flatten().tolist()}
        for mode in ("area", "bilinear", "nearest"):
            kwargs = {"align_corners": False} if mode == "bilinear" else {}
            y = F.interpolate(x, size=(oh, ow), mode=mode, **kwargs)
            case[mode] = [round(float(v), 7) for v in y.flatten().tolist()]  # CHW
        cases.append(case)
    (HERE / "resize_reference.json").write_text(json.dumps(cases) + "\n")


def preprocess_reference() -> None:
    from PIL import Image
    img = rng.integers(0, 256, (128, 128, 3), dtype=np.uint8)
    Image.fromarray(img).save(HERE / "preprocess_reference.png")
    x = torch.from_numpy(img).permute(2, 0, 1).unsqueeze(0).float() / 255.0
    x = F.interpolate(x, size=(64, 64), mode="area")
    x = (x - 0.5) / 0.25
    x.numpy().astype("<f4").tofile(HERE / "preprocess_reference.f32")


if __name__ == "__main__":
    toy()
    resize_reference()
    preprocess_reference()
    print("fixtures written to", HERE)
