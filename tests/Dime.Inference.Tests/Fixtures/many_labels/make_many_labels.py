#!/usr/bin/python3
"""A tiny model with VQA's label count (3129), for measuring result sizes: Debian's python3-onnx, seeded weights.

    /usr/bin/python3 make_many_labels.py    # rewrites model.onnx and manifest.json next to this file

image [B,3,32,32] and tokens [B,16] -> logits [B,3129]: the channel means of the image, the token ids scaled, and
their products (so that the model has multimodal interactions), through a seeded rank-8 linear layer. The first 21
labels are the demo's answers, so that demo samples have their ground truth among the labels.
"""
import json
import os
import random

import onnx
from onnx import TensorProto, helper

HERE = os.path.dirname(os.path.abspath(__file__))
LABELS = 3129
TOKENS = 16
DEMO_ANSWERS = ["yes", "no", "0", "1", "2", "3", "4", "large", "red", "green", "blue", "yellow", "purple", "cyan",
                "orange", "gray", "circle", "square", "triangle", "cross", "small"]


def main():
    rng = random.Random(3129)
    features = 3 + TOKENS + TOKENS
    rank = 8
    down = [rng.gauss(0, 0.5) for _ in range(features * rank)]
    up = [rng.gauss(0, 0.5) for _ in range(rank * LABELS)]
    bias = [rng.gauss(0, 0.1) for _ in range(LABELS)]
    nodes = [
        helper.make_node("ReduceMean", ["image"], ["channels"], axes=[2, 3], keepdims=0),
        helper.make_node("Cast", ["tokens"], ["tokens_f"], to=TensorProto.FLOAT),
        helper.make_node("Mul", ["tokens_f", "token_scale"], ["words"]),
        helper.make_node("MatMul", ["channels", "first_channel"], ["red"]),
        helper.make_node("Mul", ["red", "words"], ["interactions"]),
        helper.make_node("Concat", ["channels", "words", "interactions"], ["hidden"], axis=1),
        helper.make_node("MatMul", ["hidden", "down"], ["low"]),
        helper.make_node("MatMul", ["low", "up"], ["scores"]),
        helper.make_node("Add", ["scores", "bias"], ["logits"]),
    ]
    initializers = [
        helper.make_tensor("token_scale", TensorProto.FLOAT, [1], [0.05]),
        helper.make_tensor("first_channel", TensorProto.FLOAT, [3, 1], [1.0, 0.0, 0.0]),
        helper.make_tensor("down", TensorProto.FLOAT, [features, rank], down),
        helper.make_tensor("up", TensorProto.FLOAT, [rank, LABELS], up),
        helper.make_tensor("bias", TensorProto.FLOAT, [LABELS], bias),
    ]
    graph = helper.make_graph(
        nodes,
        "many_labels",
        [helper.make_tensor_value_info("image", TensorProto.FLOAT, ["batch", 3, 32, 32]),
         helper.make_tensor_value_info("tokens", TensorProto.INT64, ["batch", TOKENS])],
        [helper.make_tensor_value_info("logits", TensorProto.FLOAT, ["batch", LABELS])],
        initializers,
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)], producer_name="make_many_labels.py")
    model.ir_version = 8
    onnx.checker.check_model(model)
    onnx.save(model, os.path.join(HERE, "model.onnx"))
    labels = DEMO_ANSWERS + ["answer_%04d" % i for i in range(len(DEMO_ANSWERS), LABELS)]
    manifest = {
        "version": 1,
        "name": "many labels (3129)",
        "graphs": {"full": {"path": "model.onnx", "inputs": {"image": "image", "text": "tokens"}, "output": "logits"}},
        "image": {"width": 32, "height": 32, "resize": "area", "scale": 1 / 255, "mean": [0.5, 0.5, 0.5], "std": [0.25, 0.25, 0.25]},
        "tokenizer": {"kind": "words", "vocabulary": "vocab.txt", "lowercase": True, "pattern": "<mask>|[a-z0-9]+",
                      "maxLength": TOKENS, "padToken": "<pad>", "unknownToken": "<unk>", "maskToken": "<mask>"},
        "labels": labels,
    }
    with open(os.path.join(HERE, "manifest.json"), "w", encoding="utf-8", newline="\n") as f:
        json.dump(manifest, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
