#!/usr/bin/env python3
"""PyTorch benchmark worker for `npm run bench`: runs one workload, prints a result line.

    /usr/bin/python3 bench/torch_bench.py --workload W1 --budget 20 [--data DIR] [--threads 2]
    /usr/bin/python3 bench/torch_bench.py --probe        # prints the torch version and its BLAS, exits

The same workloads and timing protocol as bench/common.ts (keep the two in step). CPU only,
float32, eager mode, torch.set_num_threads(2) unless --threads says otherwise. W4 reads the
training digits that the orchestrator exported once as .npy files.
"""
import argparse
import json
import math
import os
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

RESULT_MARKER = 'BENCH_RESULT '
STARTED_MARKER = 'BENCH_STARTED'
W1_BATCH, W2_BATCH, W4_BATCH, W5_BATCH, W6_BATCH = 64, 256, 64, 64, 128
W6_WARMUPS, W6_REPEATS = 2, 5
LR, MOMENTUM = 0.01, 0.9
W3 = dict(n=32, c=64, h=32, w=32, k=3)
ENOUGH_REPEATS, ENOUGH_SECONDS, MAX_REPEATS, WARMUP_SECONDS = 10, 3, 2000, 1


def now_ms():
    return time.perf_counter() * 1000.0


def median(values):
    s = sorted(values)
    pos = (len(s) - 1) * 0.5
    lo = math.floor(pos)
    hi = min(lo + 1, len(s) - 1)
    return s[lo] + (s[hi] - s[lo]) * (pos - lo)


def mark_started():
    print('\n' + STARTED_MARKER, flush=True)


def measure(fn, budget):
    """bench/common.ts measure(), in Python."""
    mark_started()
    started = now_ms()
    deadline = started + budget * 1000

    def time_once():
        t = now_ms()
        fn()
        return now_ms() - t

    warmup = [time_once()]
    samples = []
    first_counted = False
    if warmup[0] > budget * 1000 / 3:
        samples.append(warmup[0])
        first_counted = True
    else:
        warmup_end = min(started + WARMUP_SECONDS * 1000, started + budget * 1000 / 3)
        while len(warmup) < 2 or now_ms() + warmup[-1] <= warmup_end:
            if now_ms() + warmup[-1] > deadline:
                break
            warmup.append(time_once())
    start = now_ms()
    while len(samples) < MAX_REPEATS:
        estimate = samples[-1] if samples else warmup[-1]
        t = now_ms()
        if samples and t + estimate > deadline:
            break
        if len(samples) >= ENOUGH_REPEATS and t - start >= ENOUGH_SECONDS * 1000:
            break
        samples.append(time_once())
    return dict(samplesMs=samples, warmupMs=warmup, firstRunCounted=first_counted)


def measure_counted(fn, warmups, repeats, budget):
    """bench/common.ts measureCounted(), in Python."""
    mark_started()
    deadline = now_ms() + budget * 1000

    def time_once():
        t = now_ms()
        fn()
        return now_ms() - t

    warmup, samples, first_counted = [], [], False
    while len(warmup) < warmups:
        warmup.append(time_once())
        if warmup[0] > budget * 1000 / 3:
            samples.append(warmup[0])
            first_counted = True
            break
    while len(samples) < repeats:
        last = samples[-1] if samples else (warmup[-1] if warmup else None)
        if samples and last is not None and now_ms() + last > deadline:
            break
        samples.append(time_once())
    return dict(samplesMs=samples, warmupMs=warmup, firstRunCounted=first_counted)


def measure_epoch(step, batches, budget):
    """bench/common.ts measureEpoch(), in Python."""
    mark_started()
    warmup = []
    for k in range(min(2, batches)):
        t = now_ms()
        step(k)
        warmup.append(now_ms() - t)
        if warmup[0] > budget * 1000 / 10:
            break
    start = now_ms()
    deadline = start + budget * 1000
    samples = []
    losses = []
    for k in range(batches):
        t = now_ms()
        losses.append(step(k))
        samples.append(now_ms() - t)
        if now_ms() > deadline:
            break
    elapsed = (now_ms() - start) / 1000
    done = len(samples)
    last = losses[-10:]
    return dict(samplesMs=samples, warmupMs=warmup, epochSeconds=elapsed if done == batches else elapsed / done * batches,
                batchesDone=done, batchesTotal=batches, lossEnd=sum(last) / len(last))


def lenet():
    return nn.Sequential(
        nn.Conv2d(1, 6, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(6, 16, 5), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(),
        nn.Linear(400, 120), nn.ReLU(),
        nn.Linear(120, 84), nn.ReLU(),
        nn.Linear(84, 10),
    )


# LeNet-5's C3 link table (LeCun et al., 1998, Table I): the 6 inputs of each of the 16 maps
C3_TABLE = [[0, 1, 2], [1, 2, 3], [2, 3, 4], [3, 4, 5], [0, 4, 5], [0, 1, 5], [0, 1, 2, 3], [1, 2, 3, 4], [2, 3, 4, 5],
            [0, 3, 4, 5], [0, 1, 4, 5], [0, 1, 2, 5], [0, 1, 3, 4], [1, 2, 4, 5], [0, 2, 3, 5], [0, 1, 2, 3, 4, 5]]


class Subsampling(nn.Module):
    """LeNet-5's trainable subsampling: tanh(w[c] * avg_pool2d(x)[c] + b[c]), as convnet-ts's nn.Subsampling."""

    def __init__(self, channels):
        super().__init__()
        self.weight = nn.Parameter(torch.ones(channels))
        self.bias = nn.Parameter(torch.zeros(channels))

    def forward(self, x):
        return torch.tanh(F.avg_pool2d(x, 2) * self.weight.view(1, -1, 1, 1) + self.bias.view(1, -1, 1, 1))


class LinkedConv2d(nn.Conv2d):
    """A convolution whose weight is masked by a link table, as convnet-ts's nn.LinkedConv2d."""

    def __init__(self, table, in_channels, out_channels, kernel_size):
        super().__init__(in_channels, out_channels, kernel_size)
        mask = torch.zeros(out_channels, in_channels, 1, 1)
        for p, inputs in enumerate(table):
            mask[p, inputs] = 1
        self.register_buffer('mask', mask)

    def forward(self, x):
        return F.conv2d(x, self.weight * self.mask, self.bias)


def lenet_classic():
    """W5: the classic LeNet-5 that `convnet train` trains by default (convnet-ts's lenet5())."""
    return nn.Sequential(
        nn.Conv2d(1, 6, 5, padding=2), nn.Tanh(), Subsampling(6),
        LinkedConv2d(C3_TABLE, 6, 16, 5), nn.Tanh(), Subsampling(16),
        nn.Conv2d(16, 120, 5), nn.Tanh(),
        nn.Flatten(),
        nn.Linear(120, 84), nn.Tanh(),
        nn.Linear(84, 10),
    )


# W6: He et al.'s CIFAR ResNet-20, torch_fashion.py's ResNet(3) (beside this file), the network of
# convnet-ts's buildModel('resnet', { blocksPerStage: 3 })
from torch_fashion import ResNet  # noqa: E402


def trainer(model):
    opt = torch.optim.SGD(model.parameters(), lr=LR, momentum=MOMENTUM)

    def step(x, y):
        opt.zero_grad(set_to_none=True)
        loss = F.cross_entropy(model(x), y)
        loss.backward()
        opt.step()
        return loss.item()
    return step


def run(workload, budget, data_dir):
    if workload in ('W1', 'W5'):
        step = trainer(lenet() if workload == 'W1' else lenet_classic())
        batch = W1_BATCH if workload == 'W1' else W5_BATCH
        x = torch.randn(batch, 1, 28, 28)
        y = torch.arange(batch) * 7 % 10
        return measure(lambda: step(x, y), budget)
    if workload == 'W6':
        step = trainer(ResNet(3).train())  # BatchNorm in training mode
        x = torch.randn(W6_BATCH, 1, 28, 28)
        y = torch.arange(W6_BATCH) * 7 % 10
        return measure_counted(lambda: step(x, y), W6_WARMUPS, W6_REPEATS, budget)
    if workload == 'W2':
        model = lenet().eval()
        x = torch.randn(W2_BATCH, 1, 28, 28)

        def infer():
            with torch.no_grad():
                return model(x)
        return measure(infer, budget)
    if workload in ('W3f', 'W3fb'):
        n, c, h, w, k = W3['n'], W3['c'], W3['h'], W3['w'], W3['k']
        grad = workload == 'W3fb'
        x = torch.randn(n, c, h, w, requires_grad=grad)
        wt = torch.randn(c, c, k, k, requires_grad=grad)
        if not grad:
            def fwd():
                with torch.no_grad():
                    return F.conv2d(x, wt, None, padding=k // 2)
            return measure(fwd, budget)
        dy = torch.randn(n, c, h, w)

        def fwd_bwd():
            x.grad = None
            wt.grad = None
            F.conv2d(x, wt, None, padding=k // 2).backward(dy)
        return measure(fwd_bwd, budget)
    if workload == 'W4':
        if data_dir is None:
            raise ValueError('W4 needs --data')
        images = torch.from_numpy(np.load(f'{data_dir}/train_x.npy'))
        labels = torch.from_numpy(np.load(f'{data_dir}/train_y.npy').astype(np.int64))
        n = labels.shape[0]
        step = trainer(lenet())
        batches = (n + W4_BATCH - 1) // W4_BATCH
        g = torch.Generator().manual_seed(7)
        state = dict(order=torch.randperm(n, generator=g), calls=0)

        def epoch_step(k):
            if state['calls'] == 2:
                state['order'] = torch.randperm(n, generator=g)  # the timed epoch: a fresh shuffle
            state['calls'] += 1
            idx = state['order'][k * W4_BATCH:(k + 1) * W4_BATCH]
            return step(images[idx], labels[idx])
        return measure_epoch(epoch_step, batches, budget)
    raise ValueError(f'unknown workload {workload}')


def blas_library():
    """The BLAS this process loaded (the linear layers' speed depends on it): the file names mapped for
    libblas (names only: where they sit on this machine says nothing about the library)."""
    with open('/proc/self/maps') as f:
        names = sorted({os.path.basename(line.split()[-1]) for line in f if 'blas' in line and '/' in line})
    return ', '.join(names) or 'unknown'


def main():
    p = argparse.ArgumentParser()
    p.add_argument('--probe', action='store_true')
    p.add_argument('--workload')
    p.add_argument('--budget', type=float, default=20)
    p.add_argument('--data')
    p.add_argument('--threads', type=int, default=2)
    p.add_argument('--config', default='pytorch')
    a = p.parse_args()
    if a.probe:
        print(torch.__version__)
        print(blas_library())
        return
    torch.set_num_threads(a.threads)
    torch.manual_seed(1234)
    info = dict(torch=torch.__version__, threads=torch.get_num_threads(), numpy=np.__version__)
    base = dict(engine='pytorch', config=a.config, workload=a.workload)
    try:
        r = run(a.workload, a.budget, a.data)
        info['blas'] = blas_library()
        out = dict(base, status='ok', info=info, **r)
    except Exception as e:  # reported, not raised: the orchestrator prints it in the table
        out = dict(base, status='error', reason=f'{type(e).__name__}: {e}', info=info)
    print('\n' + RESULT_MARKER + json.dumps(out), flush=True)


if __name__ == '__main__':
    main()
