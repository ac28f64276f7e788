#!/usr/bin/env python3
"""Time added to `git commit` by git-session's hooks.

    python3 bench/hooks.py [--commits N] [--bin PATH]

Three small repositories (20 files, one session started in each, its
intent declaring `--writes f0.txt docs/`): one has `git session hooks
install`, one `hooks install --verify` (the commit-msg scope check as well),
the third none. N rounds, alternating which repository commits first: a line
is appended to one file, `git commit -q -am` is timed. Prints the median and
mean of each, their differences (the time the hooks add: extra processes,
the trailers, one `commit` event, the scope check) and the ratio. The goal
is a difference of at most 20 ms. Only python3 and git.

    python3 bench/hooks.py --big PATH

also times the scope check alone in the work tree PATH (the 100,000-file
repository of bench/run.py; a session is started there, one file staged and
unstaged again) beside `git diff --cached --quiet`, git's own reading of the
index against HEAD.
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


def make_repo(path, binary, e, hooks, verify=False):
    os.makedirs(path)
    run(["git", "init", "-q", "-b", "main"], path, e)
    for i in range(20):
        with open(os.path.join(path, f"f{i}.txt"), "w") as f:
            f.write(f"file {i}\n")
    run(["git", "add", "."], path, e)
    run(["git", "commit", "-q", "-m", "initial"], path, e)
    run([binary, "-q", "start", "--name", "bench"], path, e)
    run([binary, "-q", "intent", "measure the hooks", "--writes", "f0.txt", "docs/"], path, e)
    if hooks:
        run([binary, "-q", "hooks", "install"] + (["--verify"] if verify else []), path, e)


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
    p.add_argument("--big", metavar="PATH", help="also time the scope check alone in this large work tree")
    a = p.parse_args()
    if not os.access(a.bin, os.X_OK):
        sys.exit(f"no binary at {a.bin}: run `cargo build --release` first")
    binary = os.path.abspath(a.bin)
    with tempfile.TemporaryDirectory(prefix="git-session-hooks-bench") as tmp:
        e = env(tmp)
        plain, hooked = os.path.join(tmp, "plain"), os.path.join(tmp, "hooked")
        verified = os.path.join(tmp, "verified")
        make_repo(plain, binary, e, False)
        make_repo(hooked, binary, e, True)
        make_repo(verified, binary, e, True, verify=True)
        # Warm-up: one commit each.
        for path in (plain, hooked, verified):
            timed_commit(path, e, -1)
        without, with_hooks, with_verify = [], [], []
        for n in range(a.commits):
            order = [(plain, without), (hooked, with_hooks), (verified, with_verify)]
            for path, times in order[n % 3 :] + order[: n % 3]:
                times.append(timed_commit(path, e, n))
        out = subprocess.run(
            ["git", "log", "-1", "--format=%B"], cwd=hooked, env=e, check=True, capture_output=True, text=True
        ).stdout
        assert "Session-Id:" in out, "the hooks did not run"
        m0, m1 = statistics.median(without), statistics.median(with_hooks)
        m2 = statistics.median(with_verify)
        print(f"git commit, {a.commits} commits each (ms)   median   mean")
        print(f"  without hooks                      {m0:7.2f} {statistics.mean(without):7.2f}")
        print(f"  with git-session hooks             {m1:7.2f} {statistics.mean(with_hooks):7.2f}")
        print(f"  with hooks --verify                {m2:7.2f} {statistics.mean(with_verify):7.2f}")
        print(f"  added by the hooks (median)        {m1 - m0:7.2f}   (goal <= 20 ms)")
        print(f"  added by the scope check (median)  {m2 - m1:7.2f}   (goal <= 20 ms)")
        print(f"  ratio, hooks --verify / none       {m2 / m0:7.2f}x")
    if a.big:
        big(binary, os.path.abspath(a.big), a.commits)


def timed(args, cwd, e):
    start = time.perf_counter()
    subprocess.run(args, cwd=cwd, env=e, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return (time.perf_counter() - start) * 1000


def big(binary, path, rounds):
    """The scope check alone in a large work tree, beside git's own index-vs-HEAD read."""
    e = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    e.update(GIT_AUTHOR_NAME="Bench", GIT_AUTHOR_EMAIL="b@example.com",
             GIT_COMMITTER_NAME="Bench", GIT_COMMITTER_EMAIL="b@example.com", LC_ALL="C")
    files = subprocess.run(["git", "ls-files"], cwd=path, env=e, check=True, capture_output=True, text=True).stdout.split("\n")
    target = files[len(files) // 2]
    top = target.split("/")[0]
    run([binary, "-q", "start", "--name", f"verify-bench-{os.getpid()}"], path, e)
    run([binary, "-q", "intent", "bench the scope check", "--writes", f"{top}/"], path, e)
    msg = os.path.join(path, ".git", "VERIFY_BENCH_MSG")
    with open(msg, "w") as f:
        f.write("bench\n")
    with open(os.path.join(path, target), "a") as f:
        f.write("staged line\n")
    run(["git", "add", target], path, e)
    try:
        ours, git = [], []
        for n in range(rounds):
            pair = [(ours, [binary, "hook", "commit-msg", msg]), (git, ["git", "diff", "--cached", "--quiet"])]
            for times, args in (pair if n % 2 else pair[::-1]):
                times.append(timed(args, path, e))
        mo, mg = statistics.median(ours), statistics.median(git)
        print(f"scope check in {path} ({len(files) - 1} files, 1 staged), {rounds} rounds (ms)   median")
        print(f"  git-session hook commit-msg        {mo:7.2f}")
        print(f"  git diff --cached --quiet          {mg:7.2f}")
        print(f"  ratio                              {mo / mg:7.2f}x")
    finally:
        run(["git", "reset", "-q", "--", target], path, e)
        run(["git", "checkout", "-q", "--", target], path, e)
        run([binary, "-q", "close", "--abandon", "--reason", "bench"], path, e)
        os.remove(msg)


if __name__ == "__main__":
    main()
