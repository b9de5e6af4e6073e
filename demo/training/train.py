#!/usr/bin/env python3
"""Regenerates DIME's demo: mini-CLEVR data, the clean and the biased model, their ONNX graphs,
manifests, the committed held-out samples and the accuracy report. Deterministic for a seed.

Run with Debian's Python (apt-get install python3-torch python3-onnx python3-numpy):
    /usr/bin/python3 demo/training/train.py            # everything (about 25 minutes on 2 cores)
    /usr/bin/python3 demo/training/train.py --skip-training   # export, verify and report from the checkpoints
"""
from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F

sys.path.insert(0, str(Path(__file__).resolve().parent))
from miniclevr import model as M  # noqa: E402
from miniclevr import scenes  # noqa: E402

DEMO = Path(__file__).resolve().parent.parent
REPO = DEMO.parent
MODELS = {"clean": "trained on balanced data", "biased": "trained on a split where 'is there a red ...?' is almost always 'yes'"}
TRAIN_SIZE, VALID_SIZE, TEST_SIZE, PROBE_SIZE = 36000, 2000, 5000, 1000
# counting is the hardest type: training asks it twice as often (answers stay balanced within each type)
TRAIN_SCHEDULE = [*scenes.QUESTION_TYPES, "count"]
COMMITTED_BALANCED, COMMITTED_PROBES = 280, 20
EPOCHS, BATCH, LR = 20, 128, 3e-3


def log(msg: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", flush=True)


def tensors(samples: list[dict], vocab: dict[str, int]) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    images = np.stack([scenes.render_sample(s) for s in samples])
    x = torch.cat([M.preprocess(torch.from_numpy(images[i:i + 512])) for i in range(0, len(images), 512)])
    tokens = torch.tensor([M.tokenize(s["question"], vocab) for s in samples], dtype=torch.long)
    labels = torch.tensor([scenes.LABELS.index(s["answer"]) for s in samples], dtype=torch.long)
    return x, tokens, labels


def mask_words(tokens: torch.Tensor, gen: torch.Generator, rate: float = 0.03) -> torch.Tensor:
    """A few words become <mask>, so that DIME's mask perturbation stays close to what the model saw."""
    hit = (torch.rand(tokens.shape, generator=gen) < rate) & (tokens != M.PAD)
    return torch.where(hit, torch.full_like(tokens, M.MASK), tokens)


def accuracy(net: torch.nn.Module, data, batch: int = 1000) -> torch.Tensor:
    x, t, y = data
    net.eval()
    with torch.no_grad():
        pred = torch.cat([net(x[i:i + batch], t[i:i + batch]).argmax(1) for i in range(0, len(y), batch)])
    return pred == y


def train(name: str, data, valid, vocab_size: int, seed: int) -> M.MiniClevrModel:
    torch.manual_seed(seed)
    gen = torch.Generator().manual_seed(seed)
    net = M.MiniClevrModel(vocab_size, len(scenes.LABELS))
    opt = torch.optim.AdamW(net.parameters(), lr=LR, weight_decay=1e-4)
    x, t, y = data
    steps = EPOCHS * ((len(y) + BATCH - 1) // BATCH)
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=LR, total_steps=steps, pct_start=0.1)
    for epoch in range(EPOCHS):
        net.train()
        order = torch.randperm(len(y), generator=gen)
        total = 0.0
        for i in range(0, len(y), BATCH):
            idx = order[i:i + BATCH]
            xb = x[idx]
            # small brightness jitter keeps the model from keying on exact colour values
            xb = xb * (1 + 0.05 * (torch.rand(len(idx), 1, 1, 1, generator=gen) - 0.5))
            loss = F.cross_entropy(net(xb, mask_words(t[idx], gen)), y[idx])
            opt.zero_grad()
            loss.backward()
            opt.step()
            sched.step()
            total += loss.item() * len(idx)
        log(f"{name}: epoch {epoch + 1}/{EPOCHS} loss {total / len(y):.4f} valid acc {accuracy(net, valid).float().mean():.4f}")
    net.eval()
    return net


# ---------------------------------------------------------------- export

def export(net: M.MiniClevrModel, folder: Path, vocab: list[str]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    image = torch.randn(2, 3, M.MODEL_SIZE, M.MODEL_SIZE)
    tokens = torch.randint(3, len(vocab), (2, M.MAX_TOKENS))
    with torch.no_grad():
        image_features = net.image_encoder(image)
        text_features = net.text_encoder(tokens)
    batch = {0: "batch"}
    graphs = [
        ("model.onnx", net, (image, tokens), ["image", "tokens"], ["logits"]),
        ("image_encoder.onnx", net.image_encoder, (image,), ["image"], ["image_features"]),
        ("text_encoder.onnx", net.text_encoder, (tokens,), ["tokens"], ["text_features"]),
        ("fusion.onnx", net.fusion, (image_features, text_features), ["image_features", "text_features"], ["logits"]),
    ]
    for file, module, args, inputs, outputs in graphs:
        torch.onnx.export(module, args, str(folder / file), opset_version=17, input_names=inputs, output_names=outputs,
                          dynamic_axes={n: batch for n in inputs + outputs}, do_constant_folding=True)


def manifest(name: str, description: str) -> dict:
    """The model manifest DIME loads; every field is documented in docs/manifest.md."""
    return {
        "version": 1,
        "name": f"mini-CLEVR {name}",
        "description": f"Demo VQA model {description}.",
        "graphs": {
            "full": {"path": "model.onnx", "inputs": {"image": "image", "text": "tokens"}, "output": "logits"},
            "imageEncoder": {"path": "image_encoder.onnx", "inputs": {"image": "image"}, "output": "image_features"},
            "textEncoder": {"path": "text_encoder.onnx", "inputs": {"text": "tokens"}, "output": "text_features"},
            "fusion": {"path": "fusion.onnx", "inputs": {"image": "image_features", "text": "text_features"}, "output": "logits"},
        },
        "image": {"width": M.MODEL_SIZE, "height": M.MODEL_SIZE, "resize": "area", "channelOrder": "rgb",
                  "scale": 1.0 / 255.0, "mean": list(M.IMAGE_MEAN), "std": list(M.IMAGE_STD), "layout": "nchw"},
        "tokenizer": {"kind": "words", "vocabulary": "vocab.txt", "lowercase": True, "pattern": M.TOKEN_PATTERN,
                      "maxLength": M.MAX_TOKENS, "padding": "maxLength", "padToken": "<pad>", "unknownToken": "<unk>",
                      "maskToken": "<mask>"},
        "labels": scenes.LABELS,
        "referenceDataset": "../../dataset/samples.jsonl",
        "output": "logits",
    }


def verify_split(folder: Path) -> None:
    """The full graph must equal the composition of the three split graphs (to 1e-5), checked by
    ONNX Runtime through the daemon's own model checker."""
    cmd = ["dotnet", "run", "--project", str(REPO / "src/Dime.Daemon"), "-c", "Release", "--",
           "check-model", str(folder / "manifest.json"), "--tolerance", "1e-5"]
    log("verifying: " + " ".join(cmd))
    subprocess.run(cmd, check=True)


# ---------------------------------------------------------------- committed dataset and report

def write_dataset(samples: list[dict], folder: Path) -> None:
    from PIL import Image
    if folder.exists():
        shutil.rmtree(folder)
    (folder / "images").mkdir(parents=True)
    with open(folder / "samples.jsonl", "w") as out:
        for i, s in enumerate(samples):
            path = f"images/{i:04d}.png"
            Image.fromarray(scenes.render_sample(s)).save(folder / path, optimize=True)
            row = {"id": f"{i:04d}", "image": path, "question": s["question"], "answer": s["answer"], "type": s["type"]}
            if s.get("probe"):
                row["probe"] = "shortcut"
            out.write(json.dumps(row) + "\n")


def per_type(correct: torch.Tensor, samples: list[dict]) -> dict:
    result = {"overall": round(correct.float().mean().item() * 100, 2), "samples": len(samples)}
    for qtype in scenes.QUESTION_TYPES:
        idx = [i for i, s in enumerate(samples) if s["type"] == qtype]
        if idx:
            result[qtype] = round(correct[idx].float().mean().item() * 100, 2)
    return result


def report(nets: dict, splits: dict, vocab: dict, timings: dict, sizes: dict) -> None:
    results: dict = {"labels": scenes.LABELS, "training": timings, "graphSizesBytes": sizes, "models": {}}
    for name, net in nets.items():
        entry = {}
        for split, samples in splits.items():
            correct = accuracy(net, tensors(samples, vocab))
            entry[split] = per_type(correct, samples)
            if split == "probe":
                no = [i for i, s in enumerate(samples) if s["answer"] == "no"]
                entry[split]["counterExamples"] = round(correct[no].float().mean().item() * 100, 2)
        results["models"][name] = entry
    gap = results["models"]["clean"]["probe"]["counterExamples"] - results["models"]["biased"]["probe"]["counterExamples"]
    results["shortcutGapPoints"] = round(gap, 2)
    (DEMO / "report.json").write_text(json.dumps(results, indent=2) + "\n")
    lines = ["# mini-CLEVR demo models: held-out accuracy", "",
             "Generated by `demo/training/train.py`. Accuracy in percent.", ""]
    names = {"test": f"balanced held-out split ({TEST_SIZE} samples)", "committed": "committed samples (demo/dataset)",
             "probe": f"shortcut probes: 'is there a red ...?' ({PROBE_SIZE}, half 'no')"}
    cols = ["overall", *scenes.QUESTION_TYPES]
    for split, title in names.items():
        lines += [f"## {title}", "", "| model | " + " | ".join(cols) + (" | counter-examples ('no') |" if split == "probe" else " |"),
                  "|---" * (len(cols) + 1 + (split == "probe")) + "|"]
        for name in nets:
            r = results["models"][name][split]
            cells = [str(r.get(c, "")) for c in cols] + ([str(r["counterExamples"])] if split == "probe" else [])
            lines.append(f"| {name} | " + " | ".join(cells) + " |")
        lines.append("")
    lines += [f"Shortcut gap on counter-examples (clean - biased): **{gap:.1f} points**.", "",
              "Training time (s): " + ", ".join(f"{k} {v}" for k, v in timings.items()) + ".", "",
              "Graph sizes (bytes): " + ", ".join(f"{k} {v}" for k, v in sizes.items()) + ".", ""]
    (DEMO / "report.md").write_text("\n".join(lines))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seed", type=int, default=2022)
    parser.add_argument("--skip-training", action="store_true", help="reuse the committed checkpoints")
    parser.add_argument("--skip-verify", action="store_true", help="do not check the graphs with ONNX Runtime")
    args = parser.parse_args()
    torch.set_num_threads(max(1, os.cpu_count() or 1))
    torch.use_deterministic_algorithms(True)
    vocab_list = M.build_vocabulary()
    vocab = {w: i for i, w in enumerate(vocab_list)}
    seed = args.seed
    test = scenes.generate(seed + 3, TEST_SIZE)
    probe = scenes.generate(seed + 4, PROBE_SIZE, probe=True)
    committed = scenes.generate(seed + 5, COMMITTED_BALANCED) + [dict(s, probe=True) for s in scenes.generate(seed + 6, COMMITTED_PROBES, probe=True)]
    nets, timings = {}, {}
    for name in MODELS:
        folder = DEMO / "models" / name
        if args.skip_training:
            net = M.MiniClevrModel(len(vocab_list), len(scenes.LABELS))
            net.load_state_dict(torch.load(folder / "checkpoint.pt"))
            net.eval()
            timings = json.loads((DEMO / "report.json").read_text())["training"]
        else:
            log(f"{name}: generating data")
            started = time.time()
            train_samples = scenes.generate(seed + (1 if name == "clean" else 11), TRAIN_SIZE, bias=name == "biased", schedule=TRAIN_SCHEDULE)
            data = tensors(train_samples, vocab)
            valid = tensors(scenes.generate(seed + 2, VALID_SIZE), vocab)
            log(f"{name}: data ready in {time.time() - started:.0f} s")
            started = time.time()
            net = train(name, data, valid, len(vocab_list), seed)
            timings[name] = round(time.time() - started)
            folder.mkdir(parents=True, exist_ok=True)
            torch.save(net.state_dict(), folder / "checkpoint.pt")
        nets[name] = net
    sizes = {}
    for name, net in nets.items():
        folder = DEMO / "models" / name
        with tempfile.TemporaryDirectory() as tmp:
            staging = Path(tmp)
            export(net, staging, vocab_list)
            (staging / "vocab.txt").write_text("\n".join(vocab_list) + "\n")
            (staging / "manifest.json").write_text(json.dumps(manifest(name, MODELS[name]), indent=2) + "\n")
            if not args.skip_verify:
                verify_split(staging)
            for f in staging.iterdir():
                shutil.copy(f, folder / f.name)
                if f.suffix == ".onnx":
                    sizes[f"{name}/{f.name}"] = f.stat().st_size
        log(f"{name}: exported to {folder}")
    write_dataset(committed, DEMO / "dataset")
    report(nets, {"test": test, "committed": committed, "probe": probe}, vocab, timings, sizes)
    log("report written: " + (DEMO / "report.md").read_text())


if __name__ == "__main__":
    main()
