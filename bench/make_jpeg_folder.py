#!/usr/bin/env python3
"""Writes N JPEGs in two class folders (ROOT/a, ROOT/b) for the benchmarks: copies of the
real photos in ../shared/data when present, else random-noise images of a photo's size."""
import glob
import os
import sys

import numpy as np
from PIL import Image

root, n = sys.argv[1], int(sys.argv[2])
photos = sorted(glob.glob(os.path.join(os.path.dirname(__file__), "../../shared/data/cats_and_dogs/train/*/*.jpg")))
rng = np.random.default_rng(0)
for cls in ("a", "b"):
    os.makedirs(os.path.join(root, cls), exist_ok=True)
for i in range(n):
    if photos:
        img = Image.open(photos[i % len(photos)]).convert("RGB")
    else:
        img = Image.fromarray(rng.integers(0, 255, (375, 500, 3), dtype=np.uint8))
    img.save(os.path.join(root, "a" if i < n // 2 else "b", f"{i:05d}.jpg"), quality=90)
