#!/usr/bin/python3
"""An iterative image transform learned with and without a compiled recurrent neuron.

The task of "Compiling to recurrent neurons" (Velez-Ginorio et al., 2025), on Fashion-MNIST from
Debian's dataset-fashion-mnist: an image x (pixels in [-1, 1]) with class label c in 0..9 is mapped
to x transformed c times by one fixed step, a 3x1 vertical grey-scale dilation followed by
blending 70 % toward the dilated image. A model sees only x: it must infer how many times and
what step.

* direct:   the Cajal program iterate.cj, `iter { x | y => step y } (n)`, compiled to neurons and
            exported with `cajal compile --emit torch`; n is a soft natural (a distribution over
            0..9) from a small CNN on x, and `step` a learned convolutional network, passed to the
            exported module as a callable. Iteration is given; perception and the step are learned.
* indirect: a plain CNN (an encoder-decoder with skip connections) from x to the target, with a
            comparable number of parameters.

Both: Adam, L1 loss, the same batch size, the same learning-rate grid, several seeds. Writes CSV
files, PNG plots and results.md to --out. `--smoke` is a small version for CI.

    experiment.py --cajal build/cajal --out experiments/fashion_iter/results
"""
import argparse
import csv
import gzip
import importlib.util
import json
import math
import os
import subprocess
import sys
import tempfile
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

DATA = "/usr/share/datasets/fashion-mnist"
HERE = os.path.dirname(os.path.abspath(__file__))
DEPTH = 9  # n ranges over 0..9, the class labels


# ---- data ------------------------------------------------------------------------------------
def read_idx(path):
    with gzip.open(path, "rb") as f:
        data = f.read()
    dims = data[3]
    shape = [int.from_bytes(data[4 + 4 * k:8 + 4 * k], "big") for k in range(dims)]
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * dims).reshape(shape)


def load_split(kind):
    images = os.path.join(DATA, f"{kind}-images-idx3-ubyte.gz")
    labels = os.path.join(DATA, f"{kind}-labels-idx1-ubyte.gz")
    if not os.path.exists(images):
        sys.exit(f"Fashion-MNIST is missing ({images}): install Debian's dataset-fashion-mnist "
                 "(bash scripts/install-deps.sh)")
    x = torch.tensor(read_idx(images), dtype=torch.float32).unsqueeze(1) / 127.5 - 1.0
    c = torch.tensor(read_idx(labels), dtype=torch.long)
    return x, c


def true_step(x):
    """3x1 vertical grey-scale dilation, then 70 % of the way toward it."""
    dilated = F.max_pool2d(x, kernel_size=(3, 1), stride=1, padding=(1, 0))
    return 0.3 * x + 0.7 * dilated


def targets(x, c):
    y = x
    for k in range(DEPTH):
        y = torch.where((c > k).view(-1, 1, 1, 1), true_step(y), y)
    return y


def psnr(prediction, target):
    """Mean over images of 10 log10(range² / MSE), range 2 (pixels in [-1, 1])."""
    mse = ((prediction - target) ** 2).flatten(1).mean(1).clamp_min(1e-12)
    return (10 * torch.log10(4.0 / mse)).mean().item()


# ---- models ----------------------------------------------------------------------------------
class CountNet(nn.Module):
    """x -> a distribution over n = 0..9."""

    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 8, 5, stride=2, padding=2)
        self.conv2 = nn.Conv2d(8, 16, 5, stride=2, padding=2)
        self.out = nn.Linear(16 * 7 * 7, DEPTH + 1)

    def forward(self, x):
        h = F.relu(self.conv2(F.relu(self.conv1(x))))
        return F.softmax(self.out(h.flatten(1)), dim=1)


class StepNet(nn.Module):
    """A learned convolutional step on one image, y + conv(relu(conv(y)))."""

    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 8, 3, padding=1)
        self.conv2 = nn.Conv2d(8, 1, 3, padding=1)
        # It starts as the identity, so applying it any number of times is harmless at first (a
        # random step applied up to 9 times drives the count to n = 0, where the step gets no
        # gradient: the model then stays the identity map).
        nn.init.zeros_(self.conv2.weight)
        nn.init.zeros_(self.conv2.bias)

    def forward(self, y):
        return y + self.conv2(F.relu(self.conv1(y)))


class Direct(nn.Module):
    """The compiled program, with a learned count and a learned step."""

    def __init__(self, program_module):
        super().__init__()
        self.program = program_module.Program().to(torch.float32)
        self.count = CountNet()
        self.step = StepNet()

    def forward(self, x):
        b = x.shape[0]
        n = self.count(x)  # [batch, 10]: a soft natural
        step = lambda v: self.step(v.reshape(-1, 1, 28, 28)).reshape(-1, 784)  # Vec 784 -o Vec 784
        return self.program(n, x.reshape(b, 784), step=step).reshape(b, 1, 28, 28)


class Indirect(nn.Module):
    """A plain CNN from x to the target: an encoder-decoder with skip connections."""

    def __init__(self):
        super().__init__()
        self.enc1 = nn.Conv2d(1, 8, 3, padding=1)
        self.enc2 = nn.Conv2d(8, 16, 3, stride=2, padding=1)
        self.enc3 = nn.Conv2d(16, 24, 3, stride=2, padding=1)
        self.dec2 = nn.Conv2d(24, 16, 3, padding=1)
        self.dec1 = nn.Conv2d(32, 8, 3, padding=1)
        self.out = nn.Conv2d(16, 1, 3, padding=1)
        nn.init.zeros_(self.out.weight)  # it starts as the identity too, like the direct model
        nn.init.zeros_(self.out.bias)

    def forward(self, x):
        e1 = F.relu(self.enc1(x))                                             # 28 × 28
        e2 = F.relu(self.enc2(e1))                                            # 14 × 14
        e3 = F.relu(self.enc3(e2))                                            # 7 × 7
        d2 = F.relu(self.dec2(F.interpolate(e3, scale_factor=2.0)))           # 14 × 14
        d1 = F.relu(self.dec1(F.interpolate(torch.cat([d2, e2], 1), scale_factor=2.0)))  # 28 × 28
        return x + self.out(torch.cat([d1, e1], 1))


def parameters(model):
    return sum(p.numel() for p in model.parameters())


# ---- training --------------------------------------------------------------------------------
def make_model(kind, program_module):
    return Direct(program_module) if kind == "direct" else Indirect()


def train_run(kind, program_module, data, size, lr, seed, cfg, record=None):
    """Trains one model; returns the curve [(step, test PSNR)] and the final PSNR."""
    torch.manual_seed(seed)
    x_train, y_train, x_eval, y_eval = data
    g = torch.Generator().manual_seed(seed)
    subset = torch.randperm(x_train.shape[0], generator=g)[:size]
    xs, ys = x_train[subset], y_train[subset]
    model = make_model(kind, program_module)
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    curve = []

    def evaluate(step):
        model.eval()
        with torch.no_grad():
            p = torch.cat([model(x_eval[i:i + 250]) for i in range(0, x_eval.shape[0], 250)])
        model.train()
        curve.append((step, psnr(p, y_eval)))
        if record is not None:
            record(step, model)

    evaluate(0)
    for step in range(1, cfg.steps + 1):
        idx = torch.randint(0, size, (cfg.batch,), generator=g)
        loss = F.l1_loss(model(xs[idx]), ys[idx])
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        if step % cfg.eval_every == 0 or step == cfg.steps:
            evaluate(step)
    return curve, curve[-1][1], model


def export_program(cajal, workdir):
    path = os.path.join(workdir, "iterate_program.py")
    subprocess.run([cajal, "compile", os.path.join(HERE, "iterate.cj"), "--depth", str(DEPTH), "--emit", "torch",
                    "--out", path], check=True)
    spec = importlib.util.spec_from_file_location("iterate_program", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# ---- reporting -------------------------------------------------------------------------------
def write_csv(path, header, rows):
    with open(path, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(header)
        w.writerows(rows)


def first_step_reaching(curve, level):
    for step, value in curve:
        if value >= level:
            return step
    return None


def plots(out, curves, efficiency, grids, sizes, identity):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    colors = {"direct": "tab:blue", "indirect": "tab:orange"}
    fig, ax = plt.subplots(figsize=(6, 4))
    for kind, runs in curves.items():
        steps = [s for s, _ in runs[0]]
        values = np.array([[v for _, v in run] for run in runs])
        mean, spread = values.mean(0), values.std(0)
        ax.plot(steps, mean, label=f"{kind} (mean of {len(runs)} seeds)", color=colors[kind])
        ax.fill_between(steps, mean - spread, mean + spread, color=colors[kind], alpha=0.2)
    ax.axhline(identity, color="gray", linestyle="--", label="the identity map (output = input)")
    ax.set_xlabel("training steps")
    ax.set_ylabel("test PSNR (dB)")
    ax.set_title(f"Learning speed ({sizes[-1]} training images)")
    ax.legend()
    fig.tight_layout()
    fig.savefig(os.path.join(out, "learning_speed.png"), dpi=120)
    plt.close(fig)

    fig, ax = plt.subplots(figsize=(6, 4))
    for kind in ("direct", "indirect"):
        means = [np.mean(efficiency[kind][s]) for s in sizes]
        spreads = [np.std(efficiency[kind][s]) for s in sizes]
        ax.errorbar(sizes, means, yerr=spreads, marker="o", capsize=3, label=kind, color=colors[kind])
    ax.axhline(identity, color="gray", linestyle="--", label="the identity map")
    ax.set_xscale("log")
    ax.set_xlabel("training images")
    ax.set_ylabel("final test PSNR (dB)")
    ax.set_title("Data efficiency")
    ax.legend()
    fig.tight_layout()
    fig.savefig(os.path.join(out, "data_efficiency.png"), dpi=120)
    plt.close(fig)

    # Example grid: inputs, targets, and both models early and late in training.
    rows = [("input", grids["input"]), ("target", grids["target"])]
    for kind in ("direct", "indirect"):
        for when in ("early", "late"):
            if (kind, when) in grids:
                rows.append((f"{kind} ({when})", grids[(kind, when)]))
    k = grids["input"].shape[0]
    fig, axes = plt.subplots(len(rows), k, figsize=(1.2 * k, 1.25 * len(rows)))
    for r, (name, images) in enumerate(rows):
        for j in range(k):
            a = axes[r, j]
            a.imshow(images[j, 0].numpy(), cmap="gray", vmin=-1, vmax=1)
            a.set_xticks([])
            a.set_yticks([])
            if j == 0:
                a.set_ylabel(name, fontsize=7)
            if r == 0:
                a.set_title(f"c = {grids['labels'][j]}", fontsize=7)
    fig.tight_layout()
    fig.savefig(os.path.join(out, "examples.png"), dpi=120)
    plt.close(fig)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--cajal", required=True, help="the cajal binary")
    parser.add_argument("--out", required=True, help="where to write CSV, PNG and results.md")
    parser.add_argument("--smoke", action="store_true", help="a small run for CI")
    args = parser.parse_args()
    cfg = argparse.Namespace(
        seeds=[0] if args.smoke else [0, 1, 2],
        sizes=[200] if args.smoke else [250, 1000, 4000, 16000],
        lrs=[3e-3] if args.smoke else [1e-3, 3e-3],
        steps=30 if args.smoke else 800,
        eval_every=10 if args.smoke else 50,
        batch=32,
        eval_images=100 if args.smoke else 500,
    )
    torch.set_num_threads(2)
    os.makedirs(args.out, exist_ok=True)
    start = time.time()

    x_train, c_train = load_split("train")
    x_test, c_test = load_split("t10k")
    # Validation (for the learning rate) from the training set; the test set only for reporting.
    validation = slice(x_train.shape[0] - 1000, x_train.shape[0])
    pool = slice(0, x_train.shape[0] - 1000)
    y_train = targets(x_train, c_train)
    x_test, y_test = x_test[:cfg.eval_images], targets(x_test[:cfg.eval_images], c_test[:cfg.eval_images])
    x_val, y_val = x_train[validation][:cfg.eval_images], y_train[validation][:cfg.eval_images]
    train_data = (x_train[pool], y_train[pool])
    with tempfile.TemporaryDirectory() as exported:  # (generated code; loaded, then not kept)
        program = export_program(args.cajal, exported)

    counts = {kind: parameters(make_model(kind, program)) for kind in ("direct", "indirect")}
    largest = cfg.sizes[-1]

    # 1. The learning rate, per model, on validation data at the largest training set (seed 0).
    lr_rows, best_lr = [], {}
    for kind in ("direct", "indirect"):
        scores = {}
        for lr in cfg.lrs:
            _, final, _ = train_run(kind, program, train_data + (x_val, y_val), largest, lr, 0, cfg)
            scores[lr] = final
            lr_rows.append((kind, lr, f"{final:.3f}"))
            print(f"lr grid: {kind} lr={lr}: validation PSNR {final:.2f} dB", flush=True)
        best_lr[kind] = max(scores, key=scores.get)
    write_csv(os.path.join(args.out, "lr_grid.csv"), ["model", "lr", "validation_psnr"], lr_rows)

    # 2. Every model, size and seed, on the test images.
    curves = {"direct": [], "indirect": []}
    efficiency = {kind: {s: [] for s in cfg.sizes} for kind in ("direct", "indirect")}
    curve_rows, final_rows = [], []
    examples = torch.arange(10) * 7 % x_test.shape[0]
    grids = {"input": x_test[examples], "target": y_test[examples], "labels": c_test[:cfg.eval_images][examples].tolist()}
    for kind in ("direct", "indirect"):
        for size in cfg.sizes:
            for seed in cfg.seeds:
                record = None
                if size == largest and seed == cfg.seeds[0]:
                    def record(step, model, kind=kind):
                        if step == cfg.eval_every or step == cfg.steps:
                            with torch.no_grad():
                                grids[(kind, "early" if step == cfg.eval_every else "late")] = model(grids["input"])
                t0 = time.time()
                curve, final, _ = train_run(kind, program, train_data + (x_test, y_test), size, best_lr[kind], seed, cfg,
                                            record)
                print(f"{kind} size={size} seed={seed}: test PSNR {final:.2f} dB ({time.time() - t0:.0f} s)", flush=True)
                efficiency[kind][size].append(final)
                final_rows.append((kind, size, seed, best_lr[kind], f"{final:.3f}"))
                if size == largest:
                    curves[kind].append(curve)
                    curve_rows += [(kind, seed, size, best_lr[kind], s, f"{v:.3f}") for s, v in curve]
    write_csv(os.path.join(args.out, "learning_speed.csv"), ["model", "seed", "train_size", "lr", "step", "test_psnr"],
              curve_rows)
    write_csv(os.path.join(args.out, "data_efficiency.csv"), ["model", "train_size", "seed", "lr", "final_test_psnr"],
              final_rows)
    identity = psnr(x_test, y_test)  # the baseline that learns nothing: output the input
    plots(args.out, curves, efficiency, grids, cfg.sizes, identity)

    # 3. The table: steps and examples each model needs to reach a given PSNR.
    mean_curve = {k: [(s, float(np.mean([run[i][1] for run in curves[k]]))) for i, (s, _) in enumerate(curves[k][0])]
                  for k in curves}
    finals = {k: {s: float(np.mean(v)) for s, v in efficiency[k].items()} for k in efficiency}
    best = max(v for k in mean_curve for _, v in mean_curve[k])
    levels = sorted({round(best - d) for d in (6, 3, 1)} | {round(mean_curve["indirect"][-1][1]), math.ceil(identity)})
    lines = [
        "| test PSNR reached | direct: steps | indirect: steps | direct: training images | indirect: training images |",
        "| --- | --- | --- | --- | --- |",
    ]
    for level in levels:
        cells = []
        for k in ("direct", "indirect"):
            step = first_step_reaching(mean_curve[k], level)
            cells.append(str(step) if step is not None else f"not within {cfg.steps}")
        for k in ("direct", "indirect"):
            size = next((s for s in cfg.sizes if finals[k][s] >= level), None)
            cells.append(str(size) if size is not None else f"not with ≤ {largest}")
        lines.append(f"| {level} dB | " + " | ".join(cells) + " |")
    summary = {
        "seconds": round(time.time() - start),
        "parameters": counts,
        "identity_psnr": round(identity, 3),
        "learning_rate": best_lr,
        "final_test_psnr_mean": {k: {str(s): round(v, 3) for s, v in finals[k].items()} for k in finals},
        "config": {k: v for k, v in vars(cfg).items()},
    }
    with open(os.path.join(args.out, "summary.json"), "w") as f:
        json.dump(summary, f, indent=1)
    with open(os.path.join(args.out, "results.md"), "w") as f:
        f.write(f"Parameters: direct {counts['direct']}, indirect {counts['indirect']}. "
                f"Learning rates chosen on validation data: direct {best_lr['direct']}, "
                f"indirect {best_lr['indirect']}. Seeds: {len(cfg.seeds)}. Batch {cfg.batch}, "
                f"{cfg.steps} steps, test PSNR on {cfg.eval_images} test images (mean over seeds; "
                f"steps from the mean learning curve at {largest} images, images from the mean final PSNR). "
                f"The identity map (output = input, nothing learned) scores {identity:.2f} dB.\n\n")
        f.write("\n".join(lines) + "\n\n")
        f.write("| training images | " + " | ".join(str(s) for s in cfg.sizes) + " |\n")
        f.write("| --- |" + " --- |" * len(cfg.sizes) + "\n")
        for k in ("direct", "indirect"):
            f.write(f"| {k}: final test PSNR (dB) | " +
                    " | ".join(f"{finals[k][s]:.2f} ± {np.std(efficiency[k][s]):.2f}" for s in cfg.sizes) + " |\n")
        f.write(f"\nTotal time: {summary['seconds']} s.\n")
    print(open(os.path.join(args.out, "results.md")).read())
    return 0


if __name__ == "__main__":
    sys.exit(main())
