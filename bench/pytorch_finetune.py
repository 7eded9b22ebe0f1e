#!/usr/bin/env python3
"""PyTorch's fine-tuning of a network's top block + the seed head, the usual way: the frozen
layers run under no_grad (and in eval mode) every epoch. vgg16: block 5 trains; resnet50:
layer4 (Keras' conv5 block) trains, its BatchNorms in training mode. Images are decoded once (Keras-style load_img, caffe
preprocessing) and kept in memory. Prints one JSON line with seconds per epoch.
Benchmark-only; not part of the product."""
import argparse
import json
import time

import numpy as np
import torch
import torchvision

from pytorch_extract import list_images, load


def main():
    p = argparse.ArgumentParser()
    p.add_argument("directory")
    p.add_argument("--size", type=int, default=224)
    p.add_argument("--epochs", type=int, default=2)
    p.add_argument("--batch-size", type=int, default=32)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--model", default="vgg16", choices=["vgg16", "resnet50"])
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(0)
    if a.model == "vgg16":
        features = torchvision.models.vgg16().features
        frozen, top = features[:24], features[24:]  # block5_conv1 is features[24]
    else:
        frozen = torch.nn.Sequential(*list(torchvision.models.resnet50().children())[:-3])
        top = torchvision.models.resnet50().layer4
        features = torch.nn.Sequential(frozen, top)
    for param in frozen.parameters():
        param.requires_grad = False
    out = features(torch.zeros(1, 3, a.size, a.size)).numel()
    head = torch.nn.Sequential(torch.nn.Flatten(), torch.nn.Linear(out, 256), torch.nn.ReLU(), torch.nn.Dropout(0.5),
                               torch.nn.Linear(256, 1), torch.nn.Sigmoid())
    files = list_images(a.directory)
    x = torch.stack([load(f, a.size, a.size) for f in files])
    y = torch.tensor([float("/b/" in f) for f in files]).unsqueeze(1)
    params = list(top.parameters()) + list(head.parameters())
    optimizer = torch.optim.SGD(params, lr=1e-4, momentum=0.9)
    loss_fn = torch.nn.BCELoss()
    frozen.eval()
    times = []
    for _ in range(a.epochs):
        start = time.perf_counter()
        order = torch.randperm(len(files))
        for i in range(0, len(files), a.batch_size):
            idx = order[i:i + a.batch_size]
            with torch.no_grad():
                f = frozen(x[idx])
            loss = loss_fn(head(top(f)), y[idx])
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
        times.append(time.perf_counter() - start)
    print(json.dumps({"images": len(files), "epoch_seconds": times}))


if __name__ == "__main__":
    main()
