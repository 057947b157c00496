#!/usr/bin/python3
"""The PyTorch reference point for `convnet train --model resnet8|resnet20` on Fashion-MNIST.

The same network (He et al.'s CIFAR-style ResNet: a 3x3 stem of 16 channels, three stages of
16/32/64 channels with n basic blocks each, zero-padded identity shortcuts ("option A") where the
shape changes, global average pooling, a linear classifier) and the same recipe as convnet-ts's
defaults for the ResNet presets: SGD with momentum 0.9, one-cycle learning rate up to
0.1, weight decay 5e-4 on the weights only (not on BatchNorm or biases), label smoothing 0.1,
random crop with 2 pixels of zero padding and horizontal flips, batch 128, inputs normalized by
the training set's pixel mean and standard deviation. It prints one line per epoch (held-out =
the 10,000 test images) and, last, one JSON line with the results.

    apt-get install python3-torch dataset-fashion-mnist
    /usr/bin/python3 bench/torch_fashion.py --model resnet8 --epochs 15 --threads 2

Only the standard library and torch are used (the IDX files are read directly).
"""
import argparse
import gzip
import json
import os
import struct
import time

import torch
import torch.nn as nn
import torch.nn.functional as F


def read_idx(path):
    opener = gzip.open if path.endswith('.gz') else open
    with opener(path, 'rb') as f:
        data = f.read()
    _, kind, ndim = struct.unpack('>HBB', data[:4])
    dims = struct.unpack('>' + 'I' * ndim, data[4:4 + 4 * ndim])
    return torch.frombuffer(bytearray(data[4 + 4 * ndim:]), dtype=torch.uint8).reshape(dims)


def load(directory, split):
    prefix = 'train' if split == 'train' else 't10k'
    def find(name):
        for ext in ('', '.gz'):
            p = os.path.join(directory, name + ext)
            if os.path.exists(p):
                return p
        raise FileNotFoundError(name)
    images = read_idx(find(f'{prefix}-images-idx3-ubyte')).float().div(255).unsqueeze(1)
    labels = read_idx(find(f'{prefix}-labels-idx1-ubyte')).long()
    return images, labels


class ShortcutA(nn.Module):
    """Zero-padded identity: every second row and column, and the new channels zero."""
    def __init__(self, extra):
        super().__init__()
        self.extra = extra

    def forward(self, x):
        return F.pad(x[:, :, ::2, ::2], (0, 0, 0, 0, self.extra // 2, self.extra - self.extra // 2))


class BasicBlock(nn.Module):
    def __init__(self, cin, cout, stride):
        super().__init__()
        self.conv1 = nn.Conv2d(cin, cout, 3, stride, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(cout)
        self.conv2 = nn.Conv2d(cout, cout, 3, 1, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(cout)
        self.shortcut = ShortcutA(cout - cin) if stride != 1 or cin != cout else nn.Identity()

    def forward(self, x):
        out = F.relu(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        return F.relu(out + self.shortcut(x))


class ResNet(nn.Module):
    def __init__(self, n, in_channels=1, classes=10):
        super().__init__()
        self.conv = nn.Conv2d(in_channels, 16, 3, 1, 1, bias=False)
        self.bn = nn.BatchNorm2d(16)
        layers, cin = [], 16
        for cout, stride in ((16, 1), (32, 2), (64, 2)):
            for b in range(n):
                layers.append(BasicBlock(cin, cout, stride if b == 0 else 1))
                cin = cout
        self.layers = nn.Sequential(*layers)
        self.fc = nn.Linear(64, classes)
        for m in self.modules():
            if isinstance(m, nn.Conv2d):
                nn.init.kaiming_normal_(m.weight, mode='fan_out', nonlinearity='relu')
        for m in self.modules():
            if isinstance(m, BasicBlock):
                nn.init.zeros_(m.bn2.weight)

    def forward(self, x):
        x = F.relu(self.bn(self.conv(x)))
        x = self.layers(x)
        return self.fc(torch.flatten(F.adaptive_avg_pool2d(x, 1), 1))


class VGG(nn.Module):
    """convnet-ts's `vgg6` preset: two stages of two 3x3 conv -> BN -> ReLU, each closed by a 2x2
    max pooling (32 and 64 channels), then dropout, linear to 128 -> BN -> ReLU, dropout, linear."""
    def __init__(self, widths=(32, 64), hidden=128, dropout=0.25, in_channels=1, classes=10, size=28):
        super().__init__()
        layers, cin = [], in_channels
        for w in widths:
            for _ in range(2):
                layers += [nn.Conv2d(cin, w, 3, 1, 1, bias=False), nn.BatchNorm2d(w), nn.ReLU()]
                cin = w
            layers.append(nn.MaxPool2d(2))
            size //= 2
        layers += [nn.Flatten(), nn.Dropout(dropout), nn.Linear(cin * size * size, hidden, bias=False), nn.BatchNorm1d(hidden),
                   nn.ReLU(), nn.Dropout(dropout), nn.Linear(hidden, classes)]
        self.layers = nn.Sequential(*layers)
        for m in self.modules():
            if isinstance(m, nn.Conv2d):
                nn.init.kaiming_normal_(m.weight, mode='fan_out', nonlinearity='relu')

    def forward(self, x):
        return self.layers(x)


def augment(x, pad, flip, generator):
    n, _, h, w = x.shape
    padded = F.pad(x, (pad, pad, pad, pad))
    tops = torch.randint(0, 2 * pad + 1, (n,), generator=generator)
    lefts = torch.randint(0, 2 * pad + 1, (n,), generator=generator)
    out = torch.empty_like(x)
    for i in range(n):
        out[i] = padded[i, :, tops[i]:tops[i] + h, lefts[i]:lefts[i] + w]
    if flip:
        mask = torch.rand(n, generator=generator) < 0.5
        out[mask] = out[mask].flip(3)
    return out


def main():
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('--data', default='/usr/share/datasets/fashion-mnist')
    p.add_argument('--model', choices=['resnet8', 'resnet20', 'vgg6'], default='resnet8')
    p.add_argument('--epochs', type=int, default=15)
    p.add_argument('--batch-size', type=int, default=128)
    p.add_argument('--lr', type=float, default=0.1)
    p.add_argument('--weight-decay', type=float, default=5e-4)
    p.add_argument('--label-smoothing', type=float, default=0.1)
    p.add_argument('--pad', type=int, default=2)
    p.add_argument('--no-flip', action='store_true')
    p.add_argument('--threads', type=int, default=2)
    p.add_argument('--seed', type=int, default=0)
    args = p.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    g = torch.Generator().manual_seed(args.seed)

    train_x, train_y = load(args.data, 'train')
    test_x, test_y = load(args.data, 'test')
    mean, std = train_x.mean().item(), train_x.std().item()
    train_x, test_x = (train_x - mean) / std, (test_x - mean) / std

    model = VGG() if args.model == 'vgg6' else ResNet(1 if args.model == 'resnet8' else 3)
    decay = [q for q in model.parameters() if q.ndim > 1]
    no_decay = [q for q in model.parameters() if q.ndim <= 1]
    opt = torch.optim.SGD([{'params': decay, 'weight_decay': args.weight_decay}, {'params': no_decay, 'weight_decay': 0}],
                          lr=args.lr, momentum=0.9)
    steps = (len(train_x) + args.batch_size - 1) // args.batch_size
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=args.lr, epochs=args.epochs, steps_per_epoch=steps)
    params = sum(q.numel() for q in model.parameters())
    print(f'{args.model}: {params:,} parameters, {args.epochs} epochs, batch {args.batch_size}, {torch.get_num_threads()} threads', flush=True)

    epochs, train_seconds = [], 0.0
    for epoch in range(1, args.epochs + 1):
        model.train()
        started = time.perf_counter()
        order = torch.randperm(len(train_x), generator=g)
        total = 0.0
        for b in range(steps):
            idx = order[b * args.batch_size:(b + 1) * args.batch_size]
            x = augment(train_x[idx], args.pad, not args.no_flip, g)
            loss = F.cross_entropy(model(x), train_y[idx], label_smoothing=args.label_smoothing)
            opt.zero_grad()
            loss.backward()
            opt.step()
            sched.step()
            total += loss.item() * len(idx)
        seconds = time.perf_counter() - started
        train_seconds += seconds
        model.eval()
        correct = 0
        with torch.no_grad():
            for b in range(0, len(test_x), 1000):
                correct += (model(test_x[b:b + 1000]).argmax(1) == test_y[b:b + 1000]).sum().item()
        accuracy = correct / len(test_x)
        epochs.append({'epoch': epoch, 'train_loss': total / len(train_x), 'test_accuracy': accuracy, 'seconds': seconds})
        print(f'epoch {epoch:2d}/{args.epochs}  train loss {total / len(train_x):.4f}  test accuracy {accuracy * 100:.2f}%  {seconds:.1f} s', flush=True)
    print(json.dumps({'engine': f'pytorch {torch.__version__}', 'model': args.model, 'parameters': params, 'epochs': epochs,
                      'test_accuracy': epochs[-1]['test_accuracy'], 'seconds_per_epoch': train_seconds / args.epochs}))


if __name__ == '__main__':
    main()
