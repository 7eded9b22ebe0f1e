#!/usr/bin/env python3
"""The PyTorch equivalent of `bottleneck extract DIR`: Keras-style load_img (Pillow,
nearest resize, RGB), caffe preprocessing, a torchvision network's convolutional base
(vgg16, resnet50, mobilenet_v2, efficientnet_b0) in its fastest CPU form, np.save. float32:
to_mkldnn, or channels_last where mkldnn tensors lack an operator; bfloat16: to_mkldnn in
bfloat16 or autocast over channels_last, whichever runs a probe batch faster.
Prints one JSON line with images/s and the form used. Benchmark-only; not part of the product."""
import argparse
import copy
import json
import os
import time

import numpy as np
import torch
import torch.utils.mkldnn
import torchvision
from PIL import Image

KERAS_EXTENSIONS = (".png", ".jpg", ".jpeg", ".bmp", ".ppm", ".tif", ".tiff")


def list_images(root):
    files = []
    for dirpath, _, names in sorted(os.walk(root)):
        files += [os.path.join(dirpath, n) for n in sorted(names) if n.lower().endswith(KERAS_EXTENSIONS)]
    return files


def load(path, height, width):
    img = Image.open(path)
    if img.mode != "RGB":
        img = img.convert("RGB")
    if img.size != (width, height):
        img = img.resize((width, height), Image.NEAREST)
    x = np.asarray(img, dtype=np.float32)[..., ::-1] - np.array([103.939, 116.779, 123.68], np.float32)
    return torch.from_numpy(np.ascontiguousarray(x.transpose(2, 0, 1)))


# The convolutional bases, as Keras' include_top=False ends them.
BASES = {
    "vgg16": lambda: torchvision.models.vgg16().features,
    "resnet50": lambda: torch.nn.Sequential(*list(torchvision.models.resnet50().children())[:-2]),
    "mobilenet_v2": lambda: torchvision.models.mobilenet_v2().features,
    "efficientnet_b0": lambda: torchvision.models.efficientnet_b0().features,
}


def fastest_float32_form(base, height, width):
    """to_mkldnn where every operator of the network runs on mkldnn tensors, else channels_last."""
    probe = torch.zeros(1, 3, height, width)
    try:
        mkldnn = torch.utils.mkldnn.to_mkldnn(copy.deepcopy(base))  # it converts in place
        with torch.no_grad():
            mkldnn(probe.to_mkldnn()).to_dense()
        return (lambda x: mkldnn(x.to_mkldnn()).to_dense()), "to_mkldnn"
    except (RuntimeError, NotImplementedError):
        cl = base.to(memory_format=torch.channels_last)
        return (lambda x: cl(x.to(memory_format=torch.channels_last)).contiguous()), "channels_last"


def fastest_bfloat16_form(base, height, width, batch_size):
    """to_mkldnn in bfloat16 (where every operator has one) or autocast over channels_last,
    whichever runs a probe batch faster (the second of two runs: the first creates primitives).
    Returns the form, its name and the seconds spent converting and probing."""
    forms = {}
    try:
        mkldnn = torch.utils.mkldnn.to_mkldnn(copy.deepcopy(base), torch.bfloat16)
        forms["to_mkldnn bfloat16"] = lambda x: mkldnn(x.to_mkldnn(torch.bfloat16)).to_dense(torch.float32)
    except (RuntimeError, NotImplementedError):
        pass
    cl = copy.deepcopy(base).to(memory_format=torch.channels_last)

    def autocast(x):
        with torch.autocast("cpu", dtype=torch.bfloat16):
            y = cl(x.to(memory_format=torch.channels_last))
        return y.float().contiguous()
    forms["autocast channels_last"] = autocast
    probe = torch.rand(batch_size, 3, height, width) * 255 - 128
    probing_started = time.perf_counter()
    seconds = {}
    with torch.no_grad():
        for name, form in list(forms.items()):
            try:
                for _ in range(2):
                    start = time.perf_counter()
                    form(probe)
                    seconds[name] = time.perf_counter() - start
            except (RuntimeError, NotImplementedError):
                pass
    name = min(seconds, key=seconds.get)
    return forms[name], name, time.perf_counter() - probing_started


def main():
    p = argparse.ArgumentParser()
    p.add_argument("directory")
    p.add_argument("output")
    p.add_argument("--height", type=int, default=224)
    p.add_argument("--width", type=int, default=224)
    p.add_argument("--batch-size", type=int, default=16)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--model", default="vgg16", choices=sorted(BASES))
    p.add_argument("--dtype", default="float32", choices=["float32", "bfloat16"])
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    setup_started = time.perf_counter()
    base = BASES[a.model]().eval()
    if a.dtype == "bfloat16":
        model, form, probe_seconds = fastest_bfloat16_form(base, a.height, a.width, a.batch_size)
    else:
        model, form = fastest_float32_form(base, a.height, a.width)
        probe_seconds = 0.0
    setup_seconds = time.perf_counter() - setup_started - probe_seconds
    files = list_images(a.directory)
    start = time.perf_counter()
    outputs = []
    load_seconds = forward_seconds = 0.0
    with torch.no_grad():
        for i in range(0, len(files), a.batch_size):
            t0 = time.perf_counter()
            batch = torch.stack([load(f, a.height, a.width) for f in files[i:i + a.batch_size]])
            t1 = time.perf_counter()
            outputs.append(model(batch).permute(0, 2, 3, 1).numpy())
            load_seconds += t1 - t0
            forward_seconds += time.perf_counter() - t1
    np.save(a.output, np.concatenate(outputs))
    seconds = time.perf_counter() - start
    # images_per_second: the loop alone; setup_seconds: building and converting the model
    # (the probing of forms left out), which "end to end after imports" adds.
    print(json.dumps({"images": len(files), "seconds": seconds, "images_per_second": len(files) / seconds,
                      "setup_seconds": setup_seconds, "load_seconds": load_seconds,
                      "forward_seconds": forward_seconds, "form": form}))


if __name__ == "__main__":
    main()
