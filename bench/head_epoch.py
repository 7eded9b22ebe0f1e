#!/usr/bin/python3
"""One epoch of the seed's head (Flatten -> Dense 256 relu -> Dropout 0.5 -> Dense 1 sigmoid,
Adadelta, batch 32, shuffled) on 864 random 7x11x512 features: `bottleneck train` against the
same network in PyTorch, measured in the same run on the same threads.

Ours is timed through the CLI as (time of N+1 epochs - time of 1 epoch) / N, each the best of
--repeats runs, so start-up, initialisation and saving the model cancel out; PyTorch's epochs
are timed directly after one warm-up epoch. Prints both, and the ratio.

usage: bench/head_epoch.py [path/to/bottleneck] [--epochs N] [--threads T]
"""
import argparse
import os
import subprocess
import tempfile
import time

import numpy as np
import torch


def time_cli(binary, train_dir, out_dir, epochs, env):
    start = time.perf_counter()
    subprocess.run([binary, "train", "--train", train_dir, "-o", os.path.join(out_dir, "head.h5"),
                    "--epochs", str(epochs), "--batch-size", "32", "--quiet"], check=True, env=env)
    return time.perf_counter() - start


def torch_epoch_seconds(x, y, epochs):
    torch.manual_seed(0)
    model = torch.nn.Sequential(torch.nn.Flatten(), torch.nn.Linear(x.shape[1] * x.shape[2] * x.shape[3], 256),
                                torch.nn.ReLU(), torch.nn.Dropout(0.5), torch.nn.Linear(256, 1), torch.nn.Sigmoid())
    optimizer = torch.optim.Adadelta(model.parameters(), lr=1.0, rho=0.95, eps=1e-7)
    loss_fn = torch.nn.BCELoss()
    xt, yt = torch.from_numpy(x), torch.from_numpy(y).reshape(-1, 1)

    def epoch():
        model.train()
        order = torch.randperm(len(xt))
        for begin in range(0, len(xt), 32):
            index = order[begin:begin + 32]
            optimizer.zero_grad()
            loss = loss_fn(model(xt[index]), yt[index])
            loss.backward()
            optimizer.step()

    epoch()  # warm-up
    start = time.perf_counter()
    for _ in range(epochs):
        epoch()
    return (time.perf_counter() - start) / epochs


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("binary", nargs="?", default="build/bottleneck")
    parser.add_argument("--epochs", type=int, default=3, help="epochs timed (after the first)")
    parser.add_argument("--threads", type=int, default=os.cpu_count())
    parser.add_argument("--repeats", type=int, default=3, help="runs of each CLI timing; the best counts")
    args = parser.parse_args()

    rng = np.random.default_rng(0)
    x = rng.random((864, 7, 11, 512), dtype=np.float32)
    y = (rng.random(864) < 0.5).astype(np.int32)
    env = dict(os.environ, OMP_NUM_THREADS=str(args.threads))
    torch.set_num_threads(args.threads)
    with tempfile.TemporaryDirectory() as tmp:
        train_dir = os.path.join(tmp, "train")
        os.makedirs(train_dir)
        np.save(os.path.join(train_dir, "features.npy"), x)
        np.save(os.path.join(train_dir, "labels.npy"), y)
        time_cli(args.binary, train_dir, tmp, 1, env)  # warm the page cache
        one = min(time_cli(args.binary, train_dir, tmp, 1, env) for _ in range(args.repeats))
        many = min(time_cli(args.binary, train_dir, tmp, 1 + args.epochs, env) for _ in range(args.repeats))
        ours = (many - one) / args.epochs
    theirs = torch_epoch_seconds(x, y.astype(np.float32), args.epochs)
    print(f"head epoch, 864 x 7x11x512, batch 32, Adadelta, {args.threads} threads")
    print(f"bottleneck: {ours:.3f} s/epoch")
    print(f"pytorch {torch.__version__}: {theirs:.3f} s/epoch")
    print(f"ratio (pytorch / bottleneck): {theirs / ours:.2f}x")


if __name__ == "__main__":
    main()
