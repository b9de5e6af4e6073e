#!/usr/bin/env python3
"""Reference fixtures for Dime.Engine's parity tests, made once with Debian's Python
(numpy 1.24, scikit-image 0.19.3, scikit-learn 1.2.1, PIL) and committed; the tests never run Python.

    /usr/bin/python3 tests/Dime.Engine.Tests/Fixtures/make_fixtures.py

Writes, next to this script:
- quickshift/*.rgb.gz, *.labels.gz and quickshift.json: images and skimage.segmentation.quickshift label maps
  with LIME's parameters (kernel_size=4, max_dist=200, ratio=0.2).
- noise.json: SHA-256 of numpy default_rng(seed).normal(scale=1e-5, size=n) (quickshift's tie-breaking noise).
- lab.json: skimage.color.rgb2lab of a small random image.
- lime_fit.json: rows, kernel weights and targets with what LIME 0.2.0.1's lime_base computes from them using
  sklearn 1.2.1 Ridge (feature selection 'none', 'forward_selection', 'highest_weights', 'auto').
- lime_text.json: LIME's IndexedString split (r'(\\W+)|$') and inverse_removing on a few strings.
"""
import gzip
import hashlib
import json
import re
from pathlib import Path

import numpy as np
import sklearn
import skimage
from PIL import Image
from skimage import data
from skimage.color import rgb2lab
from skimage.segmentation import quickshift
from sklearn.linear_model import Ridge
from sklearn.metrics import pairwise_distances

HERE = Path(__file__).resolve().parent
assert skimage.__version__ == "0.19.3" and sklearn.__version__ == "1.2.1", (skimage.__version__, sklearn.__version__)


def write_gz(path: Path, array: np.ndarray) -> None:
    with gzip.GzipFile(path, "wb", mtime=0, compresslevel=9) as f:
        f.write(np.ascontiguousarray(array).tobytes())


def synthetic_scene(width: int, height: int) -> np.ndarray:
    """Flat background and flat shapes: most densities tie, so the noise decides the segments."""
    yy, xx = np.mgrid[0:height, 0:width]
    img = np.zeros((height, width, 3), np.uint8)
    img[:] = (128, 128, 128)
    img[(xx - 18) ** 2 + (yy - 20) ** 2 < 100] = (200, 30, 30)
    img[(abs(xx - 44) < 9) & (abs(yy - 40) < 9)] = (30, 60, 200)
    img[(yy > 50) & (xx < 20)] = (40, 170, 60)
    return img


def quickshift_cases():
    out = HERE / "quickshift"
    out.mkdir(exist_ok=True)
    cat = data.chelsea()[:, 75:375]  # 300 x 300 centre crop
    photo = np.asarray(Image.fromarray(cat).resize((224, 224), Image.BILINEAR))
    astronaut = np.asarray(Image.fromarray(data.astronaut()[30:330, 100:400]).resize((96, 128), Image.BILINEAR))
    coffee = np.asarray(Image.fromarray(data.coffee()).resize((120, 80), Image.BILINEAR))
    cases = []
    for name, image, seeds in [("photo224", photo, [42, 7]), ("astronaut96x128", astronaut, [0]),
                               ("coffee120x80", coffee, [5]), ("scene64", synthetic_scene(64, 64), [3, 999])]:
        write_gz(out / f"{name}.rgb.gz", image)
        for seed in seeds:
            labels = quickshift(image, kernel_size=4, max_dist=200, ratio=0.2, random_seed=seed)
            write_gz(out / f"{name}.seed{seed}.labels.gz", labels.astype("<i4"))
            cases.append({"name": name, "width": image.shape[1], "height": image.shape[0], "seed": seed,
                          "image": f"quickshift/{name}.rgb.gz", "labels": f"quickshift/{name}.seed{seed}.labels.gz",
                          "segments": int(labels.max()) + 1})
            print(name, seed, int(labels.max()) + 1)
    (HERE / "quickshift.json").write_text(json.dumps(cases, indent=1) + "\n")


def noise():
    cases = []
    for seed in [0, 3, 42, 999, 123456]:
        values = np.random.default_rng(seed).normal(scale=0.00001, size=60000)
        cases.append({"seed": seed, "count": 60000, "first": [repr(float(v)) for v in values[:4]],
                      "sha256": hashlib.sha256(values.astype("<f8").tobytes()).hexdigest()})
    (HERE / "noise.json").write_text(json.dumps(cases, indent=1) + "\n")


def lab():
    rng = np.random.RandomState(5)
    image = rng.randint(0, 256, size=(16, 16, 3)).astype(np.uint8)
    image[0, :8] = [[0, 0, 0], [255, 255, 255], [10, 10, 10], [255, 0, 0], [0, 255, 0], [0, 0, 255], [3, 200, 7], [128, 128, 128]]
    values = rgb2lab(image)
    (HERE / "lab.json").write_text(json.dumps({"rgb": image.ravel().tolist(), "lab": [repr(float(v)) for v in values.ravel()]}) + "\n")


# ---- LIME 0.2.0.1's lime_base, restated: the fixture must come from sklearn exactly as LIME calls it ----
def lime_kernel(d, width):
    return np.sqrt(np.exp(-(d ** 2) / width ** 2))


def lime_forward_selection(data, labels, weights, num_features):
    clf = Ridge(alpha=0, fit_intercept=True, random_state=0)
    used = []
    for _ in range(min(num_features, data.shape[1])):
        max_ = -100000000
        best = 0
        for feature in range(data.shape[1]):
            if feature in used:
                continue
            clf.fit(data[:, used + [feature]], labels, sample_weight=weights)
            score = clf.score(data[:, used + [feature]], labels, sample_weight=weights)
            if score > max_:
                best = feature
                max_ = score
        used.append(best)
    return np.array(used)


def lime_feature_selection(data, labels, weights, num_features, method):
    if method == "none":
        return np.array(range(data.shape[1]))
    if method == "forward_selection":
        return lime_forward_selection(data, labels, weights, num_features)
    if method == "highest_weights":
        clf = Ridge(alpha=0.01, fit_intercept=True, random_state=0)
        clf.fit(data, labels, sample_weight=weights)
        weighted_data = clf.coef_ * data[0]
        feature_weights = sorted(zip(range(data.shape[1]), weighted_data), key=lambda x: np.abs(x[1]), reverse=True)
        return np.array([x[0] for x in feature_weights[:num_features]])
    if method == "auto":
        return lime_feature_selection(data, labels, weights, num_features,
                                      "forward_selection" if num_features <= 6 else "highest_weights")
    raise ValueError(method)


def lime_explain(data, labels, weights, num_features, method):
    used = lime_feature_selection(data, labels, weights, num_features, method)
    model = Ridge(alpha=1, fit_intercept=True, random_state=0)
    model.fit(data[:, used], labels, sample_weight=weights)
    score = model.score(data[:, used], labels, sample_weight=weights)
    local = model.predict(data[0, used].reshape(1, -1))
    return {"method": method, "num_features": num_features, "used": [int(u) for u in used],
            "coef": [repr(float(c)) for c in model.coef_], "intercept": repr(float(model.intercept_)),
            "score": repr(float(score)), "local_pred": repr(float(local[0]))}


def lime_fit():
    rng = np.random.RandomState(2022)
    samples, features = 240, 9
    rows = rng.randint(0, 2, size=(samples, features)).astype(float)
    rows[0] = 1
    rows[7] = 0  # an empty row: cosine distance 1
    image_distances = pairwise_distances(rows, rows[0].reshape(1, -1), metric="cosine").ravel()
    image_weights = lime_kernel(image_distances, 0.25)
    text_weights = lime_kernel(image_distances * 100, 25)
    truth = np.array([2.0, -1.5, 0.0, 0.7, 0.0, 3.0, -0.2, 0.0, 1.1])
    targets = [
        rows @ truth + 0.3 + 0.1 * rng.normal(size=samples),
        rows[:, 0] * rows[:, 1] * 2 - rows[:, 5] + 0.5 * rng.normal(size=samples),
        rng.normal(size=samples),
    ]
    cases = []
    for t, y in enumerate(targets):
        for method, k in [("none", features), ("forward_selection", 3), ("highest_weights", 4), ("auto", 5), ("auto", 7)]:
            case = lime_explain(rows, y, image_weights, k, method)
            case["target"] = t
            cases.append(case)
    fixture = {"rows": rows.astype(int).ravel().tolist(), "samples": samples, "features": features,
               "weights": [repr(float(w)) for w in image_weights],
               "text_weights": [repr(float(w)) for w in text_weights],
               "targets": [[repr(float(v)) for v in y] for y in targets], "cases": cases}
    (HERE / "lime_fit.json").write_text(json.dumps(fixture) + "\n")


def lime_text():
    splitter = re.compile(r"(%s)|$" % r"\W+")
    cases = []
    for text, remove in [("What color is the big cube left of the red sphere?", [1, 4]),
                         ("Is there a red cube? Is it red, or is it blue?", [1, 2]),
                         ("  leading spaces, and trailing!!  ", [0]),
                         ("snake_case and digits 42 x2 ... ok", [0, 3]),
                         ("café über naïve", [1])]:
        tokens = [s for s in splitter.split(text) if s]
        vocab, inverse_vocab, positions, non_vocab = {}, [], [], set()
        for i, word in enumerate(tokens):
            if word in non_vocab:
                continue
            if splitter.match(word):
                non_vocab.add(word)
                continue
            if word not in vocab:
                vocab[word] = len(vocab)
                inverse_vocab.append(word)
                positions.append([])
            positions[vocab[word]].append(i)
        mask = np.ones(len(tokens), bool)
        for w in remove:
            mask[positions[w]] = False
        deleted = "".join(tokens[v] for v in range(len(tokens)) if mask[v])
        masked = "".join(tokens[v] if mask[v] else "[MASK]" for v in range(len(tokens)))
        cases.append({"text": text, "tokens": tokens, "words": inverse_vocab, "positions": positions,
                      "remove": remove, "deleted": deleted, "masked": masked})
    (HERE / "lime_text.json").write_text(json.dumps(cases, indent=1, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    quickshift_cases()
    noise()
    lab()
    lime_fit()
    lime_text()
