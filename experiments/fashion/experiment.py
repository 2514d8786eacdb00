#!/usr/bin/python3
"""The learning experiments of "Compiling to recurrent neurons", with and without compiled neurons.

Two tasks on Fashion-MNIST (Debian's dataset-fashion-mnist), one fixed step (a 3x1 vertical
grey-scale dilation, then 70 % of the way toward the dilated image):

* iterate:     an image x of class c maps to x with the step applied c times;
* conditional: odd classes as in `iterate`, even classes map to themselves.

Models (every one sees only x):

* direct:          the paper's. The Cajal program (iterate.cj or conditional.cj) compiled with
                   `cajal compile --emit torch`; a count CNN gives the soft natural n (a
                   distribution over 0..9); the learned step is a 13x13 convolution (-1 padding)
                   whose kernel (tanh) a CNN of the same trunk predicts from the current state,
                   once per iteration, as in the authors' code.
* indirect:        the paper's baseline: three 13x13 convolutions (1->6->6->1, ReLU, -1 padding).
* direct_resstep:  the same compiled program with a smaller count CNN and a learned residual
                   convolutional step (this project's first model).
* indirect_unet:   an encoder-decoder CNN with skip connections and a residual connection to x
                   (this project's first baseline).

Protocol: learning rate and batch size chosen per task and model on held-out validation images
from the paper's grid; then every model, training-set size and seed trained until the validation
PSNR has not improved for `patience` evaluations, or up to a cap of images seen; the test figures
are those at the best validation checkpoint. Metric: aggregate PSNR, 10 log10(2^2 / MSE) with the
MSE over all pixels of all test images (pixels in [-1, 1], range 2), beside the mean per-image
PSNR over the images whose target differs from their input, and the MSE.

Runs on CPU processes in parallel (--jobs, one thread each) or on a GPU (--device cuda, one job
at a time). Writes CSV files, PNG plots, summary.json and results.md to --out.

    experiment.py --cajal build/cajal --out experiments/fashion/results
"""
import argparse
import csv
import gzip
import importlib.util
import json
import math
import multiprocessing
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
TASKS = {"iterate": "iterate.cj", "conditional": "conditional.cj"}
MODELS = ["direct", "indirect", "direct_resstep", "indirect_unet"]
VALIDATION = 5000  # the last images of the training file: never trained on
EXAMPLES = 10  # test images shown in the example figures (one per class)


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


def times(c, task):
    """How many times the step is applied to an image of class c."""
    return c if task == "iterate" else torch.where(c % 2 == 1, c, torch.zeros_like(c))


def targets(x, c, task):
    y, t = x, times(c, task)
    for k in range(DEPTH):
        y = torch.where((t > k).view(-1, 1, 1, 1), true_step(y), y)
    return y


# ---- the metric ------------------------------------------------------------------------------
def metrics(prediction, target, x):
    """Aggregate PSNR (one MSE over every pixel of every image), the mean per-image PSNR over the
    images whose target differs from their input, and the MSE. Pixels are in [-1, 1] (range 2).
    No per-image PSNR of an unchanged image enters: an exact copy of one would score without bound."""
    per_image = ((prediction - target) ** 2).flatten(1).mean(1).double()
    mse = per_image.mean().item()
    changed = (target != x).flatten(1).any(1)
    changed_psnr = (10 * torch.log10(4.0 / per_image[changed].clamp_min(1e-30))).mean().item() if changed.any() else float("nan")
    return {"psnr": 10 * math.log10(4.0 / max(mse, 1e-30)), "psnr_changed": changed_psnr, "mse": mse}


# ---- models ----------------------------------------------------------------------------------
class Trunk(nn.Module):
    """The paper's CNN trunk: conv 1->8 5x5, conv 8->16 5x5 (padding 2, ReLU), max-pool 3, a
    linear layer to `out`."""

    def __init__(self, out):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 8, 5, padding=2)
        self.conv2 = nn.Conv2d(8, 16, 5, padding=2)
        self.out = nn.Linear(16 * 9 * 9, out)

    def forward(self, x):
        h = F.max_pool2d(F.relu(self.conv2(F.relu(self.conv1(x)))), 3)
        return self.out(h.flatten(1))


def pad_minus_one(x, p):
    """Pads with -1, the background (black) of the images."""
    return F.pad(x, (p, p, p, p), value=-1.0)


class KernelStep(nn.Module):
    """The paper's learned step, as in the authors' code: the kernel CNN predicts a 13x13 kernel
    (tanh) from the current state, and the step convolves the state with it, padded with -1.
    Called by the exported module on [batch, 784] (Vec 784 -o Vec 784), once per iteration."""

    def __init__(self):
        super().__init__()
        self.kernel = Trunk(13 * 13)

    def forward(self, v):
        b = v.shape[0]
        kernels = torch.tanh(self.kernel(v.reshape(b, 1, 28, 28))).view(b, 1, 13, 13)
        y = pad_minus_one(v.reshape(1, b, 28, 28), 6)
        return F.conv2d(y, kernels, groups=b).reshape(b, 784)


class ResStep(nn.Module):
    """This project's first learned step, y + conv(relu(conv(y))), the same for every image; on
    [batch, 784] like KernelStep."""

    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 8, 3, padding=1)
        self.conv2 = nn.Conv2d(8, 1, 3, padding=1)
        # It starts as the identity: a random step applied up to 9 times drives the count to
        # n = 0, where the step gets no gradient, and the model then stays the identity map.
        nn.init.zeros_(self.conv2.weight)
        nn.init.zeros_(self.conv2.bias)

    def forward(self, v):
        y = v.reshape(-1, 1, 28, 28)
        return (y + self.conv2(F.relu(self.conv1(y)))).reshape(-1, 784)


class SmallCount(nn.Module):
    """This project's first count CNN (strided convolutions)."""

    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 8, 5, stride=2, padding=2)
        self.conv2 = nn.Conv2d(8, 16, 5, stride=2, padding=2)
        self.out = nn.Linear(16 * 7 * 7, DEPTH + 1)

    def forward(self, x):
        return self.out(F.relu(self.conv2(F.relu(self.conv1(x)))).flatten(1))


class Direct(nn.Module):
    """The compiled Cajal program with a learned count and a learned step. For the conditional
    task the program takes the count twice (p for the parity, n for the iteration: a linear
    program uses a natural once) and gets the same distribution for both."""

    def __init__(self, program, task, paper):
        super().__init__()
        self.program = program.Program().to(torch.float32)
        self.conditional = task == "conditional"
        self.count = Trunk(DEPTH + 1) if paper else SmallCount()
        self.step = KernelStep() if paper else ResStep()

    def counts(self, x):
        return F.softmax(self.count(x), dim=1)  # [batch, 10]: a soft natural

    def forward(self, x, n=None):
        """The program on x; n, the soft count, when the caller has it already."""
        b = x.shape[0]
        n = self.counts(x) if n is None else n
        args = (n, n) if self.conditional else (n,)
        return self.program(*args, x.reshape(b, 784), step=self.step).reshape(b, 1, 28, 28)


class Indirect(nn.Module):
    """The paper's baseline: three 13x13 convolutions, 1->6->6->1, ReLU between, -1 padding."""

    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 6, 13)
        self.conv2 = nn.Conv2d(6, 6, 13)
        self.conv3 = nn.Conv2d(6, 1, 13)

    def forward(self, x):
        h = F.relu(self.conv1(pad_minus_one(x, 6)))
        h = F.relu(self.conv2(pad_minus_one(h, 6)))
        return self.conv3(pad_minus_one(h, 6))


class UNet(nn.Module):
    """This project's first baseline: an encoder-decoder with skip connections, residual to x."""

    def __init__(self):
        super().__init__()
        self.enc1 = nn.Conv2d(1, 8, 3, padding=1)
        self.enc2 = nn.Conv2d(8, 16, 3, stride=2, padding=1)
        self.enc3 = nn.Conv2d(16, 24, 3, stride=2, padding=1)
        self.dec2 = nn.Conv2d(24, 16, 3, padding=1)
        self.dec1 = nn.Conv2d(32, 8, 3, padding=1)
        self.out = nn.Conv2d(16, 1, 3, padding=1)
        nn.init.zeros_(self.out.weight)  # it starts as the identity, like direct_resstep
        nn.init.zeros_(self.out.bias)

    def forward(self, x):
        e1 = F.relu(self.enc1(x))                                             # 28 x 28
        e2 = F.relu(self.enc2(e1))                                            # 14 x 14
        e3 = F.relu(self.enc3(e2))                                            # 7 x 7
        d2 = F.relu(self.dec2(F.interpolate(e3, scale_factor=2.0)))           # 14 x 14
        d1 = F.relu(self.dec1(F.interpolate(torch.cat([d2, e2], 1), scale_factor=2.0)))  # 28 x 28
        return x + self.out(torch.cat([d1, e1], 1))


def make_model(kind, task, programs):
    if kind == "direct":
        return Direct(programs[task], task, paper=True)
    if kind == "direct_resstep":
        return Direct(programs[task], task, paper=False)
    return Indirect() if kind == "indirect" else UNet()


def parameters(model):
    return sum(p.numel() for p in model.parameters())


# ---- the exported programs -------------------------------------------------------------------
def export_programs(cajal, workdir):
    """Compiles each task's .cj file with `cajal compile --emit torch` into workdir; the paths."""
    paths = {}
    for task, source in TASKS.items():
        path = os.path.join(workdir, f"{task}_program.py")
        subprocess.run([cajal, "compile", os.path.join(HERE, source), "--depth", str(DEPTH), "--emit", "torch",
                        "--out", path], check=True)
        paths[task] = path
    return paths


def import_programs(paths):
    modules = {}
    for task, path in paths.items():
        spec = importlib.util.spec_from_file_location(f"{task}_program", path)
        modules[task] = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(modules[task])
    return modules


# ---- one training run (in a worker) ----------------------------------------------------------
STATE = {}


def init_worker(paths, cfg, device):
    """Loads the data and the exported programs once per worker process."""
    torch.set_num_threads(cfg["threads"])
    x_train, c_train = load_split("train")
    x_test, c_test = load_split("t10k")
    STATE.update(cfg=cfg, device=device, programs=import_programs(paths), data={})
    pool = x_train.shape[0] - VALIDATION
    val, test = slice(pool, pool + cfg["val_images"]), slice(0, cfg["test_images"])
    STATE["train"] = (x_train[:pool], c_train[:pool])
    for task in TASKS:
        STATE["data"][task] = {
            "val": (x_train[val], targets(x_train[val], c_train[val], task), c_train[val]),
            "test": (x_test[test], targets(x_test[test], c_test[test], task), c_test[test]),
        }


def evaluate(model, split, task, device):
    x, y, c = split
    model.eval()
    with torch.no_grad():
        chunks, counts = [], []
        for i in range(0, x.shape[0], 250):
            xb = x[i:i + 250].to(device)
            if isinstance(model, Direct):
                n = model.counts(xb)
                chunks.append(model(xb, n).cpu())
                counts.append(n.cpu())
            else:
                chunks.append(model(xb).cpu())
    model.train()
    out = metrics(torch.cat(chunks), y, x)
    out["count_agreement"] = out["parity_agreement"] = float("nan")
    if counts:
        n = torch.cat(counts)
        t = times(c, task)
        relevant = t > 0 if task == "conditional" else torch.ones_like(t, dtype=torch.bool)
        out["count_agreement"] = (n.argmax(1) == c)[relevant].double().mean().item()
        if task == "conditional":
            # The learned condition: `odd p` of the compiled program on the soft count, which is
            # P(n odd) = the sum of n's odd entries (the neuron iterates `not` from false).
            p_odd = n[:, 1::2].sum(1)
            out["parity_agreement"] = ((p_odd > 0.5) == (c % 2 == 1)).double().mean().item()
    return out


def run_schedule(cfg, size):
    """Images seen at the cap (`cap_epochs` epochs of the training set, and at least `cap_min_images`)
    and between evaluations."""
    return max(cfg["cap_epochs"] * size, cfg["cap_min_images"]), cfg["eval_images_every"]


def train_run(job):
    """Trains one model; returns the evaluation rows and the best-validation row."""
    cfg, device = STATE["cfg"], STATE["device"]
    task, kind, size, seed = job["task"], job["model"], job["size"], job["seed"]
    data = STATE["data"][task]
    torch.manual_seed(seed)
    g = torch.Generator().manual_seed(seed)
    x_pool, c_pool = STATE["train"]
    subset = torch.randperm(x_pool.shape[0], generator=g)[:size]  # (its targets only: 1 s per 1 000 images)
    xs, ys = x_pool[subset].to(device), targets(x_pool[subset], c_pool[subset], task).to(device)
    model = make_model(kind, task, STATE["programs"]).to(device)
    optimizer = torch.optim.Adam(model.parameters(), lr=job["lr"])
    batch, grid = job["batch"], job["phase"] == "grid"
    cap, every = (cfg["grid_images"], cfg["grid_images"]) if grid else run_schedule(cfg, size)
    rows, best, since_best, step, seen, seconds = [], None, 0, 0, 0, 0.0
    examples = None

    def record():
        nonlocal best, since_best, examples
        row = {"step": step, "images": seen, "seconds": round(seconds, 2)}
        row.update({f"val_{k}": v for k, v in evaluate(model, data["val"], task, device).items()})
        if not grid:
            row.update({f"test_{k}": v for k, v in evaluate(model, data["test"], task, device).items()})
        rows.append(row)
        if best is None or row["val_psnr"] > best["val_psnr"] + cfg["min_delta"]:
            best, since_best = row, 0
            if job.get("examples") is not None:
                with torch.no_grad():
                    model.eval()
                    examples = model(data["test"][0][job["examples"]].to(device)).cpu()
                    model.train()
        else:
            since_best += 1

    record()
    stop = f"cap of {cap} images"
    while seen < cap:
        t0 = time.perf_counter()
        idx = torch.randint(0, size, (batch,), generator=g)
        prediction = model(xs[idx])
        loss = F.l1_loss(prediction, ys[idx])
        optimizer.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), cfg["clip"])
        optimizer.step()
        if device != "cpu":
            torch.cuda.synchronize()
        seconds += time.perf_counter() - t0
        step, seen = step + 1, seen + batch
        if not math.isfinite(loss.item()):
            stop = f"non-finite loss at step {step}"
            record()
            break
        if seen // every != (seen - batch) // every or seen >= cap:
            record()
            if since_best >= cfg["patience"]:
                stop = f"no validation gain for {cfg['patience']} evaluations"
                break
    return {"job": job, "rows": rows, "best": best, "stop": stop, "steps": step, "images": seen,
            "seconds": round(seconds, 2), "examples": examples}


# ---- the cost of the compiled module against a hand-written loop ------------------------------
def overhead(programs, images, device, repeats, batch=64):
    """Seconds per training step of the paper's direct model on the iterate task, with the
    compiled module and with the same iteration written by hand, and where the module's time goes."""
    torch.manual_seed(0)
    model = Direct(programs["iterate"], "iterate", paper=True).to(device)
    x = images[:batch].to(device)

    def by_hand(n, xv, step):
        h, out = xv, n[:, 0:1] * xv
        for k in range(1, DEPTH + 1):
            h = step(h)
            out = out + n[:, k:k + 1] * h
        return out

    def compiled(n, xv, step):
        return model.program(n, xv, step=step)

    def one_step(iteration):
        n, step = model.counts(x), model.step
        out = iteration(n, x.reshape(batch, 784), step)
        out.sum().backward()
        return out

    same = torch.allclose(one_step(compiled), one_step(by_hand), atol=1e-5)
    result = {"batch": batch, "same_output": bool(same)}
    for name, fn in (("compiled", compiled), ("by_hand", by_hand)):
        one_step(fn)
        t0 = time.perf_counter()
        for _ in range(repeats):
            one_step(fn)
        result[f"{name}_ms_per_step"] = round(1000 * (time.perf_counter() - t0) / repeats, 2)
    with torch.profiler.profile() as prof:
        for _ in range(3):
            one_step(compiled)
    events = sorted(prof.key_averages(), key=lambda e: e.self_cpu_time_total, reverse=True)
    total = sum(e.self_cpu_time_total for e in events)
    result["compiled_top_ops"] = [(e.key, round(100.0 * e.self_cpu_time_total / total, 1)) for e in events[:6]]
    return result


def check_programs(programs, x, c):
    """With the true step and one-hot counts (the class), each compiled program computes the task's
    targets exactly on the images x of classes c: the program is right before any learning."""
    for task, program in programs.items():
        n = F.one_hot(c, DEPTH + 1).to(torch.float32)
        module = program.Program().to(torch.float32)
        args = (n, n) if task == "conditional" else (n,)
        step = lambda v: true_step(v.reshape(-1, 1, 28, 28)).reshape(-1, 784)
        out = module(*args, x.reshape(-1, 784), step=step).reshape(-1, 1, 28, 28)
        error = (out - targets(x, c, task)).abs().max().item()
        if error > 1e-5:
            sys.exit(f"the compiled {TASKS[task]} does not compute the {task} targets (max error {error})")


# ---- reporting -------------------------------------------------------------------------------
T975 = {1: 12.706, 2: 4.303, 3: 3.182, 4: 2.776, 5: 2.571, 6: 2.447, 7: 2.365, 8: 2.306, 9: 2.262}


def mean_ci(values):
    """Mean and the half-width of its 95 % t-interval."""
    v = np.array([x for x in values if math.isfinite(x)], dtype=float)
    if len(v) == 0:
        return float("nan"), float("nan")
    if len(v) == 1:
        return float(v[0]), float("nan")
    return float(v.mean()), float(T975.get(len(v) - 1, 1.96) * v.std(ddof=1) / math.sqrt(len(v)))


def fmt(mean, half, digits=2):
    if not math.isfinite(mean):
        return "–"
    return f"{mean:.{digits}f}" if not math.isfinite(half) else f"{mean:.{digits}f} ± {half:.{digits}f}"


def write_csv(path, rows):
    with open(path, "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0].keys()))
        w.writeheader()
        for r in rows:
            w.writerow({k: (f"{v:.4f}" if isinstance(v, float) else v) for k, v in r.items()})


def runs_of(results, model, size, task=None):
    """The runs of one model at one training-set size (of one task, or of the results given)."""
    return [r for r in results if r["job"]["model"] == model and r["job"]["size"] == size
            and (task is None or r["job"]["task"] == task)]


def final_psnr(results, model, size, task=None):
    """Mean and 95 % half-width of those runs' test PSNR at their best validation checkpoint."""
    return mean_ci([r["best"]["test_psnr"] for r in runs_of(results, model, size, task)])


def first_reaching(rows, level, key):
    for r in rows:
        if r["test_psnr"] >= level:
            return r[key]
    return None


def plots(out, task, results, cfg, identity, examples, example_labels):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    colors = dict(zip(MODELS, ["tab:blue", "tab:orange", "tab:cyan", "tab:red"]))
    largest = cfg["sizes"][-1]
    fig, axes = plt.subplots(1, 2, figsize=(11, 4))
    for kind in MODELS:
        runs = runs_of(results, kind, largest)
        for ax, key in zip(axes, ("step", "seconds")):
            longest = max(len(r["rows"]) for r in runs)
            xs, means, lows, highs = [], [], [], []
            for i in range(longest):
                present = [r["rows"][i] for r in runs if i < len(r["rows"])]
                m, h = mean_ci([p["test_psnr"] for p in present])
                xs.append(np.mean([p[key] for p in present]))
                means.append(m)
                lows.append(m - (h if math.isfinite(h) else 0))
                highs.append(m + (h if math.isfinite(h) else 0))
            ax.plot(xs, means, color=colors[kind], label=f"{kind} (mean of {len(runs)} seeds, 95 % interval)")
            ax.fill_between(xs, lows, highs, color=colors[kind], alpha=0.2)
    for ax, label in zip(axes, ("training steps", "training seconds (one CPU core)")):
        ax.axhline(identity["psnr"], color="gray", linestyle="--", label="the identity map")
        ax.set_xlabel(label)
        ax.set_ylabel("test PSNR, aggregate (dB)")
    axes[0].legend(fontsize=7)
    fig.suptitle(f"{task}: learning speed ({largest} training images)")
    fig.tight_layout()
    fig.savefig(os.path.join(out, f"{task}_learning.png"), dpi=110)
    plt.close(fig)

    fig, ax = plt.subplots(figsize=(6, 4))
    for kind in MODELS:
        ms, hs = zip(*[final_psnr(results, kind, s) for s in cfg["sizes"]])
        ax.errorbar(cfg["sizes"], ms, yerr=[h if math.isfinite(h) else 0 for h in hs], marker="o", capsize=3,
                    label=kind, color=colors[kind])
    ax.axhline(identity["psnr"], color="gray", linestyle="--", label="the identity map")
    ax.set_xscale("log")
    ax.set_xlabel("training images")
    ax.set_ylabel("test PSNR at the best validation checkpoint (dB)")
    ax.set_title(f"{task}: data efficiency")
    ax.legend(fontsize=7)
    fig.tight_layout()
    fig.savefig(os.path.join(out, f"{task}_data_efficiency.png"), dpi=110)
    plt.close(fig)

    rows = [("input", examples["input"]), ("target", examples["target"])]
    rows += [(kind, examples[kind]) for kind in MODELS if examples.get(kind) is not None]
    fig, axes = plt.subplots(len(rows), EXAMPLES, figsize=(1.2 * EXAMPLES, 1.25 * len(rows)))
    for r, (name, images) in enumerate(rows):
        for j in range(EXAMPLES):
            a = axes[r, j]
            a.imshow(images[j, 0].numpy(), cmap="gray", vmin=-1, vmax=1)
            a.set_xticks([])
            a.set_yticks([])
            if j == 0:
                a.set_ylabel(name, fontsize=7)
            if r == 0:
                a.set_title(f"c = {example_labels[j]}", fontsize=7)
    fig.tight_layout()
    fig.savefig(os.path.join(out, f"{task}_examples.png"), dpi=110)
    plt.close(fig)


def report_task(task, results, grid_rows, chosen, cfg, identity):
    """The markdown section of one task."""
    largest, sizes = cfg["sizes"][-1], cfg["sizes"]
    lines = [f"## {task}", ""]
    lines.append(f"The identity map (output = input) scores {identity['psnr']:.2f} dB aggregate PSNR, "
                 f"{identity['psnr_changed']:.2f} dB mean PSNR over the changed images, MSE {identity['mse']:.4f} "
                 f"(on the {cfg['test_images']} test images).")
    lines += ["", "Chosen on validation images (learning rate, batch size): " +
              ", ".join(f"{k} {chosen[k]['lr']:g}, {chosen[k]['batch']}" for k in MODELS) + ".", ""]
    lines += [f"Test figures at the best validation checkpoint, {largest} training images, mean ± 95 % interval "
              f"over {len(cfg['seeds'])} seeds:", ""]
    lines += ["| model | aggregate PSNR (dB) | PSNR, changed images (dB) | MSE | count = class | condition = parity "
              "| steps | images seen | training s | stopped by |",
              "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |"]
    for kind in MODELS:
        runs = runs_of(results, kind, largest)
        b = [r["best"] for r in runs]
        cells = [fmt(*mean_ci([x["test_psnr"] for x in b])), fmt(*mean_ci([x["test_psnr_changed"] for x in b])),
                 fmt(*mean_ci([x["test_mse"] for x in b]), digits=4),
                 fmt(*mean_ci([100 * x["test_count_agreement"] for x in b]), digits=1) + (" %" if kind.startswith("direct") else ""),
                 fmt(*mean_ci([100 * x["test_parity_agreement"] for x in b]), digits=1) + (" %" if kind.startswith("direct") and task == "conditional" else ""),
                 fmt(*mean_ci([x["step"] for x in b]), digits=0), fmt(*mean_ci([x["images"] for x in b]), digits=0),
                 fmt(*mean_ci([x["seconds"] for x in b]), digits=0),
                 "; ".join(sorted({r["stop"] for r in runs}))]
        lines.append(f"| {kind} | " + " | ".join(cells) + " |")
    lines += ["", "(count = class: how often the learned count's most likely n is the class c"
              + (", over the odd classes, the only ones whose count matters; condition = parity: how often the "
                 "compiled `odd p` on the learned count is above 1/2 exactly when c is odd)." if task == "conditional"
                 else ").")]

    lines += ["", f"Reaching fixed levels of test PSNR at {largest} training images: mean over the seeds that "
              "reached it (how many of them did), in steps, in training seconds on one core, and the smallest "
              "training set whose mean final PSNR reaches it:", ""]
    levels = [round(identity["psnr"]) + d for d in (3, 6, 9, 12)]
    lines += ["| level | " + " | ".join(f"{k}: steps / s / images" for k in MODELS) + " |",
              "| --- |" + " --- |" * len(MODELS)]
    for level in levels:
        cells = []
        for kind in MODELS:
            runs = runs_of(results, kind, largest)
            steps = [s for s in (first_reaching(r["rows"], level, "step") for r in runs) if s is not None]
            secs = [s for s in (first_reaching(r["rows"], level, "seconds") for r in runs) if s is not None]
            size = next((s for s in sizes if final_psnr(results, kind, s)[0] >= level), None)
            reach = f"{np.mean(steps):.0f} / {np.mean(secs):.0f} ({len(steps)}/{len(runs)})" if steps else "not reached"
            cells.append(f"{reach} / {size if size is not None else '–'}")
        lines.append(f"| {level} dB | " + " | ".join(cells) + " |")

    lines += ["", "Test aggregate PSNR (dB) at the best validation checkpoint per training-set size, mean ± 95 % interval:", ""]
    lines += ["| model | " + " | ".join(str(s) for s in sizes) + " |", "| --- |" + " --- |" * len(sizes)]
    for kind in MODELS:
        lines.append(f"| {kind} | " + " | ".join(
            fmt(*final_psnr(results, kind, s)) for s in sizes) + " |")
    lines += ["", "Validation aggregate PSNR (dB) of the grid (one seed, "
              f"{cfg['grid_size']} training images, {cfg['grid_images']} images seen):", ""]
    lines += ["| model | " + " | ".join(f"lr {lr:g}, batch {b}" for lr in cfg["lrs"] for b in cfg["batches"]) + " |",
              "| --- |" + " --- |" * (len(cfg["lrs"]) * len(cfg["batches"]))]
    for kind in MODELS:
        score = {(g["lr"], g["batch"]): g["val_psnr"] for g in grid_rows if g["model"] == kind}
        lines.append(f"| {kind} | " + " | ".join(f"{score[(lr, b)]:.2f}" for lr in cfg["lrs"] for b in cfg["batches"]) + " |")
    return "\n".join(lines) + "\n"


# ---- the driver ------------------------------------------------------------------------------
def config(smoke):
    if smoke:
        return dict(seeds=[0], sizes=[200], lrs=[1e-3], batches=[32], grid_size=200, grid_images=320,
                    cap_epochs=3, cap_min_images=640, eval_images_every=320, patience=2,
                    min_delta=0.01, val_images=100, test_images=100, threads=1, clip=1.0, overhead_repeats=2)
    return dict(seeds=[0, 1, 2], sizes=[250, 2000, 16000, 55000], lrs=[1e-3, 5e-4, 1e-4], batches=[32, 64, 128],
                grid_size=4000, grid_images=8000, cap_epochs=3, cap_min_images=32000, eval_images_every=4000,
                patience=3, min_delta=0.01, val_images=1000, test_images=1000, threads=1,
                clip=1.0, overhead_repeats=10)


class Runner:
    """Runs jobs in `workers` processes (one thread each, data loaded once per process), or in
    this process on a GPU or with one worker."""

    def __init__(self, paths, cfg, device, workers):
        self.pool = None
        if device != "cpu" or workers == 1:
            init_worker(paths, cfg, device)
        else:
            self.pool = multiprocessing.get_context("spawn").Pool(workers, initializer=init_worker,
                                                                  initargs=(paths, cfg, device))

    def run(self, jobs, label):
        results, start = [], time.time()
        outcomes = self.pool.imap_unordered(train_run, jobs) if self.pool else map(train_run, jobs)
        for k, r in enumerate(outcomes, 1):
            j, b = r["job"], r["best"]
            print(f"[{label} {k}/{len(jobs)} {time.time() - start:.0f} s] {j['task']} {j['model']} size={j['size']} "
                  f"seed={j['seed']} lr={j['lr']:g} batch={j['batch']}: best validation {b['val_psnr']:.2f} dB at "
                  f"step {b['step']}; {r['steps']} steps, {r['seconds']:.0f} s ({r['stop']})", flush=True)
            results.append(r)
        return results

    def close(self):
        if self.pool:
            self.pool.close()
            self.pool.join()


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--cajal", required=True, help="the cajal binary")
    parser.add_argument("--out", required=True, help="where to write CSV, PNG, summary.json and results.md")
    parser.add_argument("--smoke", action="store_true", help="a small run for CI")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1,
                        help="training processes on the CPU, one thread each (default: the number of cores)")
    parser.add_argument("--device", default="cpu", help="cpu (default) or cuda: on a GPU, one run at a time")
    args = parser.parse_args()
    if args.device.startswith("cuda") and not torch.cuda.is_available():
        sys.exit("--device cuda: this PyTorch sees no GPU (torch.cuda.is_available() is False)")
    cfg = config(args.smoke)
    torch.set_num_threads(cfg["threads"])  # here too: the cost comparison runs on one thread, as training does
    os.makedirs(args.out, exist_ok=True)
    start = time.time()
    with tempfile.TemporaryDirectory() as exported:  # generated code; loaded, then not kept
        paths = export_programs(args.cajal, exported)
        programs = import_programs(paths)
        x_test, c_test = load_split("t10k")
        check_programs(programs, x_test[:200], c_test[:200])
        counts = {task: {k: parameters(make_model(k, task, programs)) for k in MODELS} for task in TASKS}

        # 1. The grid: learning rate and batch size per task and model, on validation images (seed 0).
        grid_jobs = [dict(phase="grid", task=t, model=k, size=cfg["grid_size"], seed=0, lr=lr, batch=b)
                     for t in TASKS for k in MODELS for lr in cfg["lrs"] for b in cfg["batches"]]
        grid_jobs.sort(key=lambda j: j["model"] != "direct")  # the slowest model first: the cores stay busy
        runner = Runner(paths, cfg, args.device, args.jobs)
        grid = runner.run(grid_jobs, "grid")
        grid_rows = [dict(task=r["job"]["task"], model=r["job"]["model"], lr=r["job"]["lr"], batch=r["job"]["batch"],
                          val_psnr=r["best"]["val_psnr"], steps=r["steps"], seconds=r["seconds"]) for r in grid]
        # In the grid's order, whatever order the runs finished in: a tie (a model that never left
        # its initial state scores the same at every pair) goes to the first pair.
        grid_rows.sort(key=lambda g: (list(TASKS).index(g["task"]), MODELS.index(g["model"]),
                                      cfg["lrs"].index(g["lr"]), cfg["batches"].index(g["batch"])))
        chosen = {t: {k: max((g for g in grid_rows if g["task"] == t and g["model"] == k),
                             key=lambda g: g["val_psnr"] if math.isfinite(g["val_psnr"]) else -math.inf)
                      for k in MODELS} for t in TASKS}

        # 2. Every task, model, size and seed, to the patience or the cap; tested at the best
        # validation checkpoint. Example images: one per class, from seed 0 at the largest size.
        example_index = torch.tensor([int((c_test[:cfg["test_images"]] == k).nonzero()[0]) for k in range(EXAMPLES)])
        main_jobs = [dict(phase="main", task=t, model=k, size=s, seed=seed, lr=chosen[t][k]["lr"],
                          batch=chosen[t][k]["batch"],
                          examples=example_index if (s == cfg["sizes"][-1] and seed == cfg["seeds"][0]) else None)
                     for s in reversed(cfg["sizes"]) for t in TASKS for k in MODELS for seed in cfg["seeds"]]
        main_jobs.sort(key=lambda j: (j["model"] != "direct", -j["size"]))
        results = runner.run(main_jobs, "run")
        runner.close()
        cost = overhead(programs, x_test, args.device, cfg["overhead_repeats"])

    # 3. Reports.
    x_test, c_test = x_test[:cfg["test_images"]], c_test[:cfg["test_images"]]
    curve_rows, final_rows, sections, identity = [], [], [], {}
    for task in TASKS:
        y_test = targets(x_test, c_test, task)
        identity[task] = metrics(x_test, y_test, x_test)
        mine = [r for r in results if r["job"]["task"] == task]
        for r in mine:
            j = r["job"]
            key = dict(task=task, model=j["model"], size=j["size"], seed=j["seed"], lr=j["lr"], batch=j["batch"])
            curve_rows += [dict(key, **row) for row in r["rows"]]
            final_rows.append(dict(key, **{f"best_{k}": v for k, v in r["best"].items()}, steps=r["steps"],
                                   images=r["images"], seconds=r["seconds"], stopped_by=r["stop"]))
        examples = {"input": x_test[example_index], "target": y_test[example_index]}
        for r in mine:
            if r["examples"] is not None:
                examples[r["job"]["model"]] = r["examples"]
        plots(args.out, task, mine, cfg, identity[task], examples, c_test[example_index].tolist())
        sections.append(report_task(task, mine, [g for g in grid_rows if g["task"] == task],
                                    chosen[task], cfg, identity[task]))
    write_csv(os.path.join(args.out, "grid.csv"), grid_rows)
    write_csv(os.path.join(args.out, "curves.csv"), curve_rows)
    write_csv(os.path.join(args.out, "finals.csv"), final_rows)
    seconds = round(time.time() - start)
    summary = {
        "seconds": seconds, "jobs": args.jobs, "device": args.device, "parameters": counts,
        "identity": identity, "chosen": {t: {k: {"lr": v["lr"], "batch": v["batch"]} for k, v in c.items()}
                                         for t, c in chosen.items()},
        "final_test_psnr": {t: {k: {str(s): final_psnr(results, k, s, t)[0] for s in cfg["sizes"]} for k in MODELS}
                            for t in TASKS},
        "overhead": cost, "config": cfg,
    }
    with open(os.path.join(args.out, "summary.json"), "w") as f:
        json.dump(summary, f, indent=1)
    with open(os.path.join(args.out, "results.md"), "w") as f:
        f.write(f"# Results ({'smoke run' if args.smoke else 'full run'}: {seconds} s on {args.jobs} "
                f"{'processes' if args.device == 'cpu' else args.device})\n\n")
        f.write("Parameters:\n\n| model | " + " | ".join(TASKS) + " |\n| --- |" + " --- |" * len(TASKS) + "\n")
        for k in MODELS:
            f.write(f"| {k} | " + " | ".join(str(counts[t][k]) for t in TASKS) + " |\n")
        f.write("\nSchedule per training-set size (a run stops at the cap, or after " f"{cfg['patience']} evaluations "
                "without a validation gain): " + "; ".join(
                    f"{s}: cap {c} images ({c / s:g} epochs), evaluated every {e} images"
                    for s, (c, e) in ((s, run_schedule(cfg, s)) for s in cfg["sizes"])) + ".\n")
        f.write("\n" + "\n".join(sections))
        f.write(f"\n## The compiled module's cost per training step\n\nThe paper's direct model on the iterate task, "
                f"batch {cost['batch']}, one forward and backward pass (mean of {cfg['overhead_repeats']}): with the compiled module "
                f"{cost['compiled_ms_per_step']} ms, with the same iteration written by hand "
                f"{cost['by_hand_ms_per_step']} ms (same output: {cost['same_output']}). Where the compiled module's "
                "time goes (share of CPU time by operator): "
                + ", ".join(f"{name} {share} %" for name, share in cost["compiled_top_ops"]) + ".\n")
    print(open(os.path.join(args.out, "results.md")).read())
    return 0


if __name__ == "__main__":
    sys.exit(main())
