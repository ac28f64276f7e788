#!/usr/bin/env python3
"""How many loose objects and how many bytes checkpoints leave behind.

    python3 bench/objects.py [--files N] [--checkpoints C] [--bin PATH]
                             [--workdir DIR] [--keep]

  1. a repository of N files (default 20,000: 20 directories of 20
     sub-directories of N/400 files, a few lines each), committed and packed
     with `git repack -ad` (gc.auto off), then copied;
  2. in the first copy: `start`, then C times (default 1,000) a line appended
     to one file (a different one each time, the same sequence in both) and
     `git session checkpoint -m cN` through the release binary;
  3. in the second copy: the same edits, each followed by `git stash create`
     (the work tree as a commit, git's own way of snapshotting it);
  4. for both, what grew: loose objects (`git count-objects -v`), the bytes
     of loose object files, of packs with their indexes, and the total; the ratio of the
     totals (ours / stash; goal <= 1.2), the loose objects (goal <= 1,000
     after 1,000 checkpoints), and the time per checkpoint; then
     `git fsck --strict` on ours.

Only the python3 standard library and git are needed. Exit status 0 whatever
the figures are; non-zero only when the benchmark cannot run.
"""
import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEFAULT_BIN = os.path.join(ROOT, "target", "release", "git-session")


def log(msg):
    print(msg, file=sys.stderr, flush=True)


def sealed_env(home):
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_") and k != "NO_COLOR"}
    env.update({
        "HOME": home,
        "XDG_CONFIG_HOME": os.path.join(home, ".config"),
        "GIT_CONFIG_NOSYSTEM": "1",
        "LC_ALL": "C",
        "TZ": "UTC",
    })
    return env


def run(argv, cwd, env, capture=False):
    p = subprocess.run(argv, cwd=cwd, env=env, stdout=subprocess.PIPE if capture else subprocess.DEVNULL,
                       stderr=subprocess.PIPE, text=True)
    if p.returncode != 0:
        raise RuntimeError(f"`{' '.join(argv)}` in {cwd} exited {p.returncode}: {p.stderr.strip()[-2000:]}")
    return p.stdout if capture else None


def count_objects(repo, env):
    """`git count-objects -v` as a dict of ints (sizes in KiB of disk use),
    with the exact byte sizes of loose objects (`loose-bytes`) and of packs
    with their indexes (`pack-bytes`) added."""
    out = run(["git", "count-objects", "-v"], repo, env, capture=True)
    counts = {k: int(v) for k, v in (line.split(": ", 1) for line in out.splitlines())}
    objects = os.path.join(repo, ".git", "objects")
    loose = packed = 0
    for d in os.listdir(objects):
        full = os.path.join(objects, d)
        if len(d) == 2 and os.path.isdir(full):
            loose += sum(os.path.getsize(os.path.join(full, f)) for f in os.listdir(full))
    pack_dir = os.path.join(objects, "pack")
    if os.path.isdir(pack_dir):
        packed = sum(os.path.getsize(os.path.join(pack_dir, f)) for f in os.listdir(pack_dir)
                     if f.endswith((".pack", ".idx")))
    counts["loose-bytes"], counts["pack-bytes"] = loose, packed
    return counts


def make_repo(path, files, env):
    os.makedirs(path)
    run(["git", "init", "-q", "-b", "main"], path, env)
    run(["git", "config", "gc.auto", "0"], path, env)
    paths = []
    for i in range(files):
        d = os.path.join(f"d{i % 20:02}", f"s{(i // 20) % 20:02}")
        name = os.path.join(d, f"f{i // 400:04}-{i}.txt")
        paths.append(name)
        full = os.path.join(path, name)
        os.makedirs(os.path.dirname(full), exist_ok=True)
        with open(full, "w") as f:
            f.write(f"file {i}\n" + "".join(f"line {j} of file {i}\n" for j in range(8)))
    run(["git", "add", "-A"], path, env)
    run(["git", "commit", "-q", "-m", "initial"], path, env)
    run(["git", "repack", "-adq"], path, env)
    run(["git", "prune-packed"], path, env)
    return sorted(paths)


def edit(repo, paths, n):
    """Appends a line to the n-th file of a fixed pseudo-random sequence."""
    path = paths[(n * 7919) % len(paths)]
    with open(os.path.join(repo, path), "a") as f:
        f.write(f"edit {n}\n")


def grown(before, after):
    """What grew: loose objects, loose bytes, pack bytes, total bytes."""
    loose = after["count"] - before["count"]
    loose_bytes = after["loose-bytes"] - before["loose-bytes"]
    pack_bytes = after["pack-bytes"] - before["pack-bytes"]
    return loose, loose_bytes, pack_bytes, loose_bytes + pack_bytes


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--files", type=int, default=20000)
    ap.add_argument("--checkpoints", type=int, default=1000)
    ap.add_argument("--bin", default=DEFAULT_BIN)
    ap.add_argument("--workdir", default=None, help="where the repositories go (default: a temporary directory)")
    ap.add_argument("--keep", action="store_true", help="keep the repositories afterwards")
    args = ap.parse_args()
    binary = os.path.abspath(args.bin)
    if not os.access(binary, os.X_OK):
        log(f"bench: error: {binary} is not an executable (cargo build --release)")
        return 2

    work = args.workdir or tempfile.mkdtemp(prefix="git-session-objects-")
    os.makedirs(work, exist_ok=True)
    home = os.path.join(work, "home")
    os.makedirs(home, exist_ok=True)
    with open(os.path.join(home, ".gitconfig"), "w") as f:
        f.write("[user]\n\tname = Bench\n\temail = bench@example.com\n")
    env = sealed_env(home)
    ours, theirs = os.path.join(work, "ours"), os.path.join(work, "stash")
    try:
        for d in (ours, theirs):
            shutil.rmtree(d, ignore_errors=True)
        t0 = time.perf_counter()
        paths = make_repo(ours, args.files, env)
        shutil.copytree(ours, theirs, symlinks=True)
        log(f"bench: {args.files}-file repository in {time.perf_counter() - t0:.1f}s")

        base_ours = count_objects(ours, env)
        run([binary, "-q", "start", "--name", "bench"], ours, env)
        times = []
        for n in range(args.checkpoints):
            edit(ours, paths, n)
            t = time.perf_counter()
            run([binary, "-q", "checkpoint", "-m", f"c{n}"], ours, env)
            times.append(time.perf_counter() - t)
        after_ours = count_objects(ours, env)
        log(f"bench: {args.checkpoints} checkpoints in {sum(times):.1f}s")

        base_theirs = count_objects(theirs, env)
        stash_times = []
        for n in range(args.checkpoints):
            edit(theirs, paths, n)
            t = time.perf_counter()
            run(["git", "stash", "create"], theirs, env)
            stash_times.append(time.perf_counter() - t)
        after_theirs = count_objects(theirs, env)

        fsck = subprocess.run(["git", "fsck", "--strict", "--no-dangling"], cwd=ours, env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)

        o, s = grown(base_ours, after_ours), grown(base_theirs, after_theirs)
        print(f"{args.checkpoints} one-file edits on a {args.files}-file tree")
        print("what grew (bytes are file sizes: loose objects; packs with their .idx)")
        print(f"{'':24}{'loose objects':>14}{'loose bytes':>13}{'pack bytes':>12}{'total bytes':>13}{'packs':>7}")
        for name, g, a in (("git session checkpoint", o, after_ours), ("git stash create", s, after_theirs)):
            print(f"{name:24}{g[0]:>14}{g[1]:>13}{g[2]:>12}{g[3]:>13}{a['packs']:>7}")
        ratio = o[3] / s[3] if s[3] else float("nan")
        print(f"bytes, ours / stash: {ratio:.2f} (goal <= 1.20)")
        print(f"loose objects after the checkpoints: {after_ours['count']} (goal <= 1000; gc.auto is 6700)")
        print(f"time per checkpoint: median {statistics.median(times) * 1000:.1f} ms, "
              f"mean {statistics.mean(times) * 1000:.1f} ms, max {max(times) * 1000:.1f} ms "
              f"(git stash create: median {statistics.median(stash_times) * 1000:.1f} ms)")
        print(f"git fsck --strict: {'clean' if fsck.returncode == 0 and not fsck.stdout.strip() else fsck.stdout.strip()[-2000:]}")
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
        else:
            log(f"bench: kept {work}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
