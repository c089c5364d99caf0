#!/usr/bin/env python3
"""Regenerates the matcher benchmark inputs from the shared corpus generator.

    python3 testdata/bench/gen.py [../shared/bench]

Builds a small `mono` corpus (the n300k shape at 1/20 scale, tiny file bodies) with
../shared/bench/mkcorpus.py in a temp dir and writes, next to this script:

  ignore-30.txt    the realistic 30-line .dockerignore (mkcorpus MONO_IGNORE)
  ignore-1000.txt  the 1000-line variant (mkcorpus gen_ignore_1000 on that tree)
  paths.txt        3000 context-relative paths of that tree (files, dirs, symlinks), sampled
                   deterministically, one per line, parents before children
"""
import os
import random
import shutil
import sys
import tempfile

here = os.path.dirname(os.path.abspath(__file__))
bench = sys.argv[1] if len(sys.argv) > 1 else os.path.join(here, "..", "..", "..", "shared", "bench")
sys.path.insert(0, os.path.abspath(bench))
import mkcorpus as M  # noqa: E402

SEED = 42
tmp = tempfile.mkdtemp(prefix="ctxsize-bench-gen-")
try:
    root = os.path.join(tmp, "mono")
    os.makedirs(root)
    tpool, bpool = M.make_pools(SEED)
    r = random.Random(f"{SEED}:n300k")
    w = M.W(root, r, tpool, bpool)
    M.mono(w, 0.05, 0.0002)
    pruned = [".git", "node_modules", "target", "logs", "testdata/large"] + [
        d for d in w.dirlist if os.path.basename(d) in ("node_modules", "dist", "coverage", ".turbo")
    ]
    ign = M.gen_ignore_1000(random.Random(f"{SEED}:n300k:ignore"), M.MONO_IGNORE, w, pruned)
    with open(os.path.join(here, "ignore-30.txt"), "w") as f:
        f.write(M.MONO_IGNORE)
    with open(os.path.join(here, "ignore-1000.txt"), "w") as f:
        f.write(ign)
    paths = []
    for dp, dns, fns in os.walk(root):
        dns.sort()
        rel = os.path.relpath(dp, root)
        for n in sorted(dns) + sorted(fns):
            paths.append(n if rel == "." else f"{rel}/{n}")
    keep = sorted(random.Random(f"{SEED}:paths").sample(range(len(paths)), min(3000, len(paths))))
    with open(os.path.join(here, "paths.txt"), "w") as f:
        for i in keep:
            f.write(paths[i] + "\n")
    print(f"{len(paths)} paths in the tree, {len(keep)} kept; ignore-1000 has {ign.count(chr(10))} lines")
finally:
    shutil.rmtree(tmp)
