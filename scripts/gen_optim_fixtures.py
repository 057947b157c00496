#!/usr/bin/env python3
"""Generate PyTorch reference trajectories for the optimizers and LR schedulers of src/optim.

How to run (from the repository root):

    /usr/bin/python3 scripts/gen_optim_fixtures.py

Requires only PyTorch (written against torch 1.13). Writes test/fixtures/optim.json:

    { "generator": "scripts/gen_optim_fixtures.py", "torch": torch.__version__,
      "problem": { "x", "y", "w", "b" },
      "optimizers": [ { "name", "optimizer", "options", "steps": [ { "w", "b" }, ... ] } ],
      "schedulers": [ { "name", "scheduler", "options", "baseLr", "lrs": [...] } ] }

Every tensor is {"shape": [...], "data": [flat row-major numbers]}. The problem is a small
float32 regression: params w (3, 4) and b (4) drawn from a fixed seed, fixed inputs x (5, 3)
and targets y (5, 4), and the loss

    loss(w, b) = mean((tanh(x @ w + b) - y) ** 2)

Each optimizer case starts from the same w, b and records both after each of STEPS steps
(zero_grad, forward, backward, step), all in float32. Options are written exactly as the
TypeScript API takes them (camelCase). Scheduler cases record get_last_lr() at epoch 0 and
after each of EPOCHS scheduler.step() calls (each preceded by an optimizer.step(), as in a
training loop).

The output is deterministic: rerunning the script rewrites an identical file.
"""

import json
import os

import torch

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "test", "fixtures", "optim.json")
STEPS = 8
EPOCHS = 12


def enc(t):
    t = t.detach()
    return {"shape": list(t.shape), "data": t.reshape(-1).tolist()}


torch.manual_seed(0)
X = torch.randn(5, 3, dtype=torch.float32)
Y = (torch.rand(5, 4, dtype=torch.float32) * 2 - 1) * 0.9
W0 = torch.randn(3, 4, dtype=torch.float32) * 0.5
B0 = torch.randn(4, dtype=torch.float32) * 0.1


def loss_fn(w, b):
    return ((X @ w + b).tanh() - Y).pow(2).mean()


def snake(options):
    """camelCase options (the TypeScript API) -> torch keyword arguments."""
    names = {"weightDecay": "weight_decay"}
    return {names.get(k, k): (tuple(v) if isinstance(v, list) else v) for k, v in options.items()}


OPTIMIZERS = [
    ("SGD plain", "SGD", {"lr": 0.3}),
    ("SGD momentum", "SGD", {"lr": 0.1, "momentum": 0.9}),
    ("SGD momentum dampening", "SGD", {"lr": 0.1, "momentum": 0.9, "dampening": 0.1}),
    ("SGD nesterov", "SGD", {"lr": 0.1, "momentum": 0.9, "nesterov": True}),
    ("SGD weightDecay momentum", "SGD", {"lr": 0.1, "momentum": 0.9, "weightDecay": 1e-2}),
    ("Adam default", "Adam", {}),
    ("Adam lr weightDecay", "Adam", {"lr": 0.05, "betas": [0.8, 0.99], "eps": 1e-6, "weightDecay": 1e-2}),
    ("AdamW default", "AdamW", {}),
    ("AdamW lr weightDecay", "AdamW", {"lr": 0.05, "weightDecay": 0.1}),
]


def run_optimizer(kind, options):
    w = W0.clone().requires_grad_(True)
    b = B0.clone().requires_grad_(True)
    kwargs = snake(options)
    if kind in ("Adam", "AdamW"):
        kwargs["foreach"] = False  # the plain per-tensor loop (the 1.13 default as well)
    opt = getattr(torch.optim, kind)([w, b], **kwargs)
    steps = []
    for _ in range(STEPS):
        opt.zero_grad(set_to_none=True)
        loss_fn(w, b).backward()
        opt.step()
        steps.append({"w": enc(w), "b": enc(b)})
    return steps


SCHEDULERS = [
    ("StepLR", "StepLR", {"stepSize": 3, "gamma": 0.5}, 0.1),
    ("StepLR default gamma", "StepLR", {"stepSize": 4}, 0.2),
    ("CosineAnnealingLR", "CosineAnnealingLR", {"tMax": 10, "etaMin": 0.001}, 0.1),
    ("CosineAnnealingLR default etaMin", "CosineAnnealingLR", {"tMax": 5}, 0.5),
]


def run_scheduler(kind, options, base_lr):
    p = torch.zeros(1, requires_grad=True)
    opt = torch.optim.SGD([p], lr=base_lr)
    if kind == "StepLR":
        sched = torch.optim.lr_scheduler.StepLR(opt, step_size=options["stepSize"], gamma=options.get("gamma", 0.1))
    else:
        sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=options["tMax"], eta_min=options.get("etaMin", 0))
    lrs = [sched.get_last_lr()[0]]
    for _ in range(EPOCHS):
        opt.step()
        sched.step()
        lrs.append(sched.get_last_lr()[0])
    return lrs


def main():
    out = {
        "generator": "scripts/gen_optim_fixtures.py",
        "torch": torch.__version__,
        "problem": {"x": enc(X), "y": enc(Y), "w": enc(W0), "b": enc(B0)},
        "optimizers": [
            {"name": name, "optimizer": kind, "options": options, "steps": run_optimizer(kind, options)}
            for name, kind, options in OPTIMIZERS
        ],
        "schedulers": [
            {"name": name, "scheduler": kind, "options": options, "baseLr": base_lr,
             "lrs": run_scheduler(kind, options, base_lr)}
            for name, kind, options, base_lr in SCHEDULERS
        ],
    }
    with open(OUT, "w") as f:
        json.dump(out, f, separators=(",", ":"))
        f.write("\n")
    print("wrote", os.path.relpath(OUT, ROOT))


if __name__ == "__main__":
    main()
