#!/usr/bin/python3
# The expected values of tests/test_layers_pooling.cpp, test_layers_merging.cpp and
# test_layers_reshaping.cpp, computed by PyTorch (Debian's python3-torch) independently of
# bottleneck. Inputs are wavy(shape, phase): 0.8 * sin(0.7 * i + phase) over the row-major
# index i, as the tests build them. Prints C++ initialiser lists to paste. Offline only.
import math

import torch
import torch.nn.functional as F


def wavy(shape, phase=0.0):
    n = math.prod(shape)
    return (0.8 * torch.sin(0.7 * torch.arange(n, dtype=torch.float64) + phase)).float().reshape(shape)


def show(name, t):
    def literal(v):
        text = f"{v:.7g}"
        return text + (".0f" if text.lstrip("-").isdigit() else "f")
    values = ", ".join(literal(v) for v in t.flatten().tolist())
    print(f"// {name}: shape {tuple(t.shape)}\n{{{values}}}\n")


def tf_same_pads(size, k, s):
    out = -(-size // s)
    total = max((out - 1) * s + k - size, 0)
    return total // 2, total - total // 2


def nhwc_pool(x, k, s, same, kind):
    # x NHWC -> NCHW; TensorFlow 'same': the odd extra pixel after; padded cells ignored.
    x = x.permute(0, 3, 1, 2)
    ph = tf_same_pads(x.shape[2], k[0], s[0]) if same else (0, 0)
    pw = tf_same_pads(x.shape[3], k[1], s[1]) if same else (0, 0)
    pads = (pw[0], pw[1], ph[0], ph[1])
    if kind == "max":
        y = F.max_pool2d(F.pad(x, pads, value=-math.inf), k, s)
    else:
        sums = F.avg_pool2d(F.pad(x, pads), k, s, divisor_override=1)
        counts = F.avg_pool2d(F.pad(torch.ones_like(x), pads), k, s, divisor_override=1)
        y = sums / counts
    return y.permute(0, 2, 3, 1)


# Pooling: a (1, 5, 4, 2) map, 3x3 windows, strides 2, padding same.
x = wavy((1, 5, 4, 2))
show("AveragePooling2D 3x3/2 same", nhwc_pool(x, (3, 3), (2, 2), True, "avg"))
show("AveragePooling2D 2x2/1 valid", nhwc_pool(x, (2, 2), (1, 1), False, "avg"))
show("MaxPooling2D 3x3/2 same on -(|x| + 1)", nhwc_pool(-(x.abs() + 1), (3, 3), (2, 2), True, "max"))
show("MaxPooling2D 2x3/2 same", nhwc_pool(x, (2, 3), (2, 2), True, "max"))

# Merging with broadcasting.
a = wavy((2, 2, 3, 4))
gate = wavy((2, 1, 1, 4), 0.3)
row = wavy((2, 1, 3, 1), 1.1)
show("Multiply (2,2,3,4) x (2,1,1,4)", a * gate)
show("Subtract (2,1,3,1) - (2,1,1,4)", row - gate)
show("Average (2,2,3,4), (2,1,1,4), (2,1,3,1)", (a + gate + row) / 3)
show("Maximum (2,2,3,4), (2,1,3,1)", torch.maximum(a, row))
show("Minimum (2,1,1,4), (2,1,3,1)", torch.minimum(gate, row))

# Reshaping.
p = wavy((2, 2, 3, 4))
show("Permute (3, 1, 2) of (2,2,3,4)", p.permute(0, 3, 1, 2))
show("Concatenate axis 2 of (2,2,3,4) and (2,2,1,4)", torch.cat([p, wavy((2, 2, 1, 4), 0.5)], dim=2))
