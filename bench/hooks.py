#!/usr/bin/env python3
"""Time added to `git commit` by git-session's hooks.

    python3 bench/hooks.py [--commits N] [--bin PATH]

Two small repositories (20 files, one session started in each); one has
`git session hooks install`, the other none. N rounds, alternating which
repository commits first: a line is appended to one file, `git commit -q -am`
is timed. Prints the median and mean of each, their difference (the time the
hooks add: two extra processes, the trailers, one `commit` event) and the
ratio. The goal is a difference of at most 20 ms. Only python3 and git.
"""
import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEFAULT_BIN = os.path.join(ROOT, "target", "release", "git-session")


def env(home):
    e = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    e.update(
        HOME=home,
        GIT_CONFIG_NOSYSTEM="1",
        GIT_CONFIG_GLOBAL="/dev/null",
        GIT_AUTHOR_NAME="Bench",
        GIT_AUTHOR_EMAIL="bench@example.com",
        GIT_COMMITTER_NAME="Bench",
        GIT_COMMITTER_EMAIL="bench@example.com",
        LC_ALL="C",
    )
    return e


def run(args, cwd, e):
    subprocess.run(args, cwd=cwd, env=e, check=True, stdout=subprocess.DEVNULL)


def make_repo(path, binary, e, hooks):
    os.makedirs(path)
    run(["git", "init", "-q", "-b", "main"], path, e)
    for i in range(20):
        with open(os.path.join(path, f"f{i}.txt"), "w") as f:
            f.write(f"file {i}\n")
    run(["git", "add", "."], path, e)
    run(["git", "commit", "-q", "-m", "initial"], path, e)
    run([binary, "-q", "start", "--name", "bench"], path, e)
    run([binary, "-q", "intent", "measure the hooks"], path, e)
    if hooks:
        run([binary, "-q", "hooks", "install"], path, e)


def timed_commit(path, e, n):
    with open(os.path.join(path, "f0.txt"), "a") as f:
        f.write(f"line {n}\n")
    start = time.perf_counter()
    run(["git", "commit", "-q", "-am", f"change {n}"], path, e)
    return (time.perf_counter() - start) * 1000


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--commits", type=int, default=50)
    p.add_argument("--bin", default=DEFAULT_BIN)
    a = p.parse_args()
    if not os.access(a.bin, os.X_OK):
        sys.exit(f"no binary at {a.bin}: run `cargo build --release` first")
    binary = os.path.abspath(a.bin)
    with tempfile.TemporaryDirectory(prefix="git-session-hooks-bench") as tmp:
        e = env(tmp)
        plain, hooked = os.path.join(tmp, "plain"), os.path.join(tmp, "hooked")
        make_repo(plain, binary, e, False)
        make_repo(hooked, binary, e, True)
        # Warm-up: one commit each.
        timed_commit(plain, e, -1)
        timed_commit(hooked, e, -1)
        without, with_hooks = [], []
        for n in range(a.commits):
            order = [(plain, without), (hooked, with_hooks)]
            if n % 2:
                order.reverse()
            for path, times in order:
                times.append(timed_commit(path, e, n))
        out = subprocess.run(
            ["git", "log", "-1", "--format=%B"], cwd=hooked, env=e, check=True, capture_output=True, text=True
        ).stdout
        assert "Session-Id:" in out, "the hooks did not run"
        m0, m1 = statistics.median(without), statistics.median(with_hooks)
        print(f"git commit, {a.commits} commits each (ms)   median   mean")
        print(f"  without hooks                      {m0:7.2f} {statistics.mean(without):7.2f}")
        print(f"  with git-session hooks             {m1:7.2f} {statistics.mean(with_hooks):7.2f}")
        print(f"  added by the hooks (median)        {m1 - m0:7.2f}   (goal <= 20 ms)")
        print(f"  ratio                              {m1 / m0:7.2f}x")


if __name__ == "__main__":
    main()
