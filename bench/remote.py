#!/usr/bin/env python3
"""Push, fetch and merge of 1,000-event sessions, against git on the same refs.

    python3 bench/remote.py [--events N] [--rounds R] [--bin PATH]

1. A small repository gets a session of N events (notes, with a checkpoint
   that edits a file every 50 events, so snapshots travel too).
2. R alternating rounds, each against fresh bare remotes:
   `git-session push <remote> <session>` vs `git push <remote> <ref>:<ref>`.
3. R alternating rounds, each into fresh clones:
   `git-session fetch` (which also creates the local session) vs
   `git fetch origin 'refs/aura/sessions/*:refs/aura/remotes/origin/sessions/*'`.
4. Bytes: the size of the pack each remote (or clone) received
   (`receive.unpackLimit`/`fetch.unpackLimit` = 1 keeps every pack).
5. Merge: both sides append N events to the same session while apart, then
   one side runs `git-session fetch`, which merges the diverged heads; R runs.

Only the python3 standard library and git are needed. Prints a table.
"""
import argparse
import glob
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--events", type=int, default=1000)
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--bin", default=os.path.join(ROOT, "target", "release", "git-session"))
    args = ap.parse_args()
    bin_ = os.path.abspath(args.bin)
    if not os.access(bin_, os.X_OK):
        sys.exit(f"bench: {bin_} not found; `cargo build --release` first")
    work = tempfile.mkdtemp(prefix="git-session-remote-bench-")
    home = os.path.join(work, "home")
    os.makedirs(home)
    with open(os.path.join(home, ".gitconfig"), "w") as f:
        f.write("[user]\n\tname = Bench\n\temail = bench@example.com\n[init]\n\tdefaultBranch = main\n")
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    env.update({"HOME": home, "GIT_CONFIG_NOSYSTEM": "1", "LC_ALL": "C"})

    def run(argv, cwd, capture=False):
        p = subprocess.run(argv, cwd=cwd, env=env, stdout=subprocess.PIPE if capture else subprocess.DEVNULL,
                           stderr=subprocess.PIPE, text=True)
        if p.returncode != 0:
            raise SystemExit(f"`{' '.join(argv)}` failed in {cwd}: {p.stderr.strip()[-1500:]}")
        return p.stdout if capture else None

    def timed(argv, cwd):
        t0 = time.perf_counter()
        run(argv, cwd)
        return time.perf_counter() - t0

    def pack_bytes(repo_git_dir):
        return sum(os.path.getsize(p) for p in glob.glob(os.path.join(repo_git_dir, "objects", "pack", "*.pack")))

    def bare(name):
        path = os.path.join(work, name)
        run(["git", "init", "-q", "--bare", path], work)
        run(["git", "config", "receive.unpackLimit", "1"], path)
        return path

    try:
        a = os.path.join(work, "a")
        os.makedirs(a)
        run(["git", "init", "-q"], a)
        for i in range(20):
            with open(os.path.join(a, f"file{i}.txt"), "w") as f:
                f.write("".join(f"line {j} of file {i}\n" for j in range(200)))
        run(["git", "add", "-A"], a)
        run(["git", "commit", "-q", "-m", "base"], a)
        t0 = time.perf_counter()
        run([bin_, "-q", "start", "--name", "big"], a)
        for i in range(1, args.events):
            if i % 50 == 0:
                with open(os.path.join(a, f"file{i % 20}.txt"), "a") as f:
                    f.write(f"edit {i}\n")
                run([bin_, "-q", "checkpoint", "-m", f"cp {i}"], a)
            else:
                run([bin_, "-q", "note", f"note {i}: some words about the work"], a)
        sid = json.loads(run([bin_, "status", "--json"], a, capture=True))["session"]["id"]
        ref = f"refs/aura/sessions/{sid}"
        print(f"bench: a session of {args.events} events made in {time.perf_counter() - t0:.1f} s", file=sys.stderr)

        push_t = {"ours": [], "git": []}
        push_b = {"ours": [], "git": []}
        for r in range(args.rounds):
            order = ["ours", "git"] if r % 2 == 0 else ["git", "ours"]
            for who in order:
                remote = bare(f"push-{who}-{r}.git")
                url = f"file://{remote}"
                if who == "ours":
                    push_t[who].append(timed([bin_, "-q", "push", url, sid], a))
                else:
                    push_t[who].append(timed(["git", "push", "-q", url, f"{ref}:{ref}"], a))
                push_b[who].append(pack_bytes(remote))

        # Fetch: into fresh clones of a remote that holds the session.
        origin = bare("origin.git")
        run(["git", "push", "-q", f"file://{origin}", "main", f"{ref}:{ref}"], a)
        fetch_t = {"ours": [], "git": []}
        fetch_b = {"ours": [], "git": []}
        for r in range(args.rounds):
            order = ["ours", "git"] if r % 2 == 0 else ["git", "ours"]
            for who in order:
                clone = os.path.join(work, f"fetch-{who}-{r}")
                run(["git", "clone", "-q", f"file://{origin}", clone], work)
                run(["git", "config", "fetch.unpackLimit", "1"], clone)
                before = pack_bytes(os.path.join(clone, ".git"))
                if who == "ours":
                    fetch_t[who].append(timed([bin_, "-q", "fetch", "origin"], clone))
                else:
                    fetch_t[who].append(timed(["git", "fetch", "-q", "origin",
                                               "refs/aura/sessions/*:refs/aura/remotes/origin/sessions/*"], clone))
                fetch_b[who].append(pack_bytes(os.path.join(clone, ".git")) - before)

        # Merge of two diverged heads of N events each.
        merge_t = []
        for r in range(args.rounds):
            b = os.path.join(work, f"merge-{r}")
            run(["git", "clone", "-q", f"file://{origin}", b], work)
            run([bin_, "-q", "fetch", "origin"], b)
            if r == 0:
                run([bin_, "-q", "resume", "big"], b)
                for i in range(args.events):
                    run([bin_, "-q", "note", f"b {i}"], b)
                side_b = os.path.join(work, "side-b.git")
                run(["git", "init", "-q", "--bare", side_b], work)
                run(["git", "push", "-q", f"file://{side_b}", f"{ref}:{ref}", "main"], b)
                for i in range(args.events):
                    run([bin_, "-q", "note", f"a {i}"], a)
            else:
                run(["git", "fetch", "-q", f"file://{side_b}", f"+{ref}:{ref}"], b)
            t = timed([bin_, "-q", "fetch", f"file://{a}", sid], b)
            merge_t.append(t)
            kinds = [e["event"]["kind"] for e in json.loads(run([bin_, "log", sid, "--json"], b, capture=True))]
            assert kinds.count("merge") >= 1, "the fetch did not merge"

        med = lambda xs: statistics.median(xs)
        print()
        print(f"git-session remote benchmark: a {args.events}-event session, {args.rounds} rounds, medians")
        print(f"  git: {run(['git', '--version'], work, capture=True).strip()}")
        print()
        print(f"{'operation':<34} {'ours':>10} {'git':>10} {'ratio':>7}  goal")
        print(f"{'push (time, ms)':<34} {med(push_t['ours'])*1000:>10.1f} {med(push_t['git'])*1000:>10.1f} "
              f"{med(push_t['ours'])/med(push_t['git']):>6.2f}x  <= 1.0x")
        print(f"{'push (pack bytes)':<34} {med(push_b['ours']):>10.0f} {med(push_b['git']):>10.0f} "
              f"{med(push_b['ours'])/med(push_b['git']):>6.2f}x  <= 1.1x")
        print(f"{'fetch (time, ms; ours also merges)':<34} {med(fetch_t['ours'])*1000:>10.1f} "
              f"{med(fetch_t['git'])*1000:>10.1f} {med(fetch_t['ours'])/med(fetch_t['git']):>6.2f}x  <= 1.0x")
        print(f"{'fetch (pack bytes)':<34} {med(fetch_b['ours']):>10.0f} {med(fetch_b['git']):>10.0f} "
              f"{med(fetch_b['ours'])/max(1, med(fetch_b['git'])):>6.2f}x  <= 1.1x")
        print(f"{'fetch + merge of 2 x ' + str(args.events) + ' diverged events':<34} {med(merge_t)*1000:>10.1f} ms")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
