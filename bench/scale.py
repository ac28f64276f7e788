#!/usr/bin/env python3
"""How git-session scales with the number of sessions, against git on the same refs.

    python3 bench/scale.py [--sessions N] [--rounds R] [--bin PATH] [--workdir DIR]

1. A small repository gets one real session (`start --name template`); its
   `session.json`, `event.json` and commit message are the template of N
   generated sessions written with one `git fast-import` (each with its own
   id and name `s<i>`, so the name index has N distinct names), then
   `git pack-refs --all` (what `git gc` does to refs).
2. `list --all` vs `git for-each-ref refs/aura/sessions` over the N refs.
3. `start --name` at 10 / 1,000 / 10,000 / N sessions (repositories made the
   same way; each start is a new session, so the refs grow by R per size).
4. `status`, `note`, `checkpoint -m` in the current session at 10 vs N sessions.
5. A bare remote with N sessions (the same fast-import): `fetch <url> <id>` of
   one session into a fresh clone vs `git fetch <url> <ref>:<ref>` (time,
   bytes of pack received, refs advertised per GIT_TRACE_PACKET on the
   server side); `push <url> <session>` of one new session vs `git push` of
   its ref, to a copy of that remote.

Only the python3 standard library and git are needed. Prints a table of
medians and ratios; exits 0 whatever the figures are.
"""
import argparse
import glob
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def log(msg):
    print(msg, file=sys.stderr, flush=True)


class Scale:
    def __init__(self, args):
        self.args = args
        self.bin = os.path.abspath(args.bin)
        os.makedirs(args.workdir, exist_ok=True)
        self.work = tempfile.mkdtemp(prefix="scale-", dir=args.workdir)
        self.home = os.path.join(self.work, "home")
        os.makedirs(self.home)
        with open(os.path.join(self.home, ".gitconfig"), "w") as f:
            f.write("[user]\n\tname = Bench\n\temail = bench@example.com\n"
                    "[init]\n\tdefaultBranch = main\n")
        env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_") and k != "NO_COLOR"}
        env.update({"HOME": self.home, "GIT_CONFIG_NOSYSTEM": "1", "LC_ALL": "C"})
        self.env = env
        self.rows = []
        self.notes = []
        self.first_start = {}

    def run(self, argv, cwd, capture=False, env=None, input=None):
        p = subprocess.run(argv, cwd=cwd, env=env or self.env, input=input,
                           stdout=subprocess.PIPE if capture else subprocess.DEVNULL,
                           stderr=subprocess.PIPE)
        if p.returncode != 0:
            raise SystemExit(f"`{' '.join(argv)}` failed in {cwd}: "
                             f"{p.stderr.decode(errors='replace').strip()[-1500:]}")
        return p.stdout.decode() if capture else p

    def timed(self, argv, cwd, env=None):
        t0 = time.perf_counter()
        p = self.run(argv, cwd, env=env)
        return time.perf_counter() - t0, p

    def alternate(self, cmds, cwd, rounds, before=None):
        times = {name: [] for name, _ in cmds}
        for r in range(rounds):
            k = r % len(cmds)
            for name, argv in cmds[k:] + cmds[:k]:
                if before:
                    before()
                times[name].append(self.timed(argv, cwd)[0])
        return times

    def row(self, op, ours, vs, theirs, goal="", unit="ms"):
        scale = 1000 if unit == "ms" else 1
        o = statistics.median(ours) * scale if isinstance(ours, list) else ours
        g = statistics.median(theirs) * scale if isinstance(theirs, list) else theirs
        self.rows.append((op, vs, o, g, o / g if g else float("inf"), goal, unit))
        log(f"scale: {op}: {o:.1f} {unit} vs {g:.1f} ({vs})")

    # ---- making sessions --------------------------------------------------

    def small_repo(self, name):
        repo = os.path.join(self.work, name)
        os.makedirs(repo)
        self.run(["git", "init", "-q", "-b", "main"], repo)
        for i in range(5):
            with open(os.path.join(repo, f"file{i}.txt"), "w") as f:
                f.write(f"small file {i}\n")
        self.run(["git", "add", "-A"], repo)
        self.run(["git", "commit", "-q", "-m", "small repo"], repo)
        return repo

    def template(self, repo):
        """The one real session of `repo`: its ref, commit, blobs and message."""
        self.run([self.bin, "-q", "start", "--name", "template"], repo)
        ref = self.run(["git", "for-each-ref", "--format=%(refname)", "refs/aura/sessions"],
                       repo, capture=True).split()[0]
        sid = ref.rsplit("/", 1)[1]
        commit = self.run(["git", "rev-parse", ref], repo, capture=True).strip()
        parents = self.run(["git", "rev-parse", f"{commit}^@"], repo, capture=True).split()
        tree = {}
        for line in self.run(["git", "ls-tree", commit], repo, capture=True).splitlines():
            meta, path = line.split("\t")
            mode, kind, oid = meta.split()
            tree[path] = (mode, kind, oid)
        blob = lambda p: self.run(["git", "cat-file", "blob", tree[p][2]], repo, capture=True)
        message = self.run(["git", "log", "-1", "--format=%B", commit], repo, capture=True)
        return {"sid": sid, "parents": parents, "tree": tree, "session": blob("session.json"),
                "event": blob("event.json"), "message": message.rstrip("\n") + "\n"}

    def generate(self, repo, tpl, n, first=0):
        """n sessions like the template, each with its own id and name, via one fast-import."""
        t0 = time.perf_counter()
        sid = tpl["sid"]
        out = []
        mark = 0
        extra = [(p, m) for p, m in tpl["tree"].items() if p not in ("session.json", "event.json")]
        for i in range(first, first + n):
            new = sid[:20] + f"{i:012x}"
            name = f"s{i}"
            sess = tpl["session"].replace(sid, new).replace('"name": "template"', f'"name": "{name}"')
            ev = tpl["event"].replace('"name": "template"', f'"name": "{name}"')
            msg = tpl["message"].replace(sid, new).replace("start: template", f"start: {name}")
            b = []
            for data in (sess, ev):
                mark += 1
                raw = data.encode()
                b.append(mark)
                out.append(b"blob\nmark :%d\ndata %d\n%s\n" % (mark, len(raw), raw))
            raw = msg.encode()
            cmd = [b"commit refs/aura/sessions/%s\n" % new.encode(),
                   b"committer Bench <bench@example.com> 1796000000 +0000\n",
                   b"data %d\n%s\n" % (len(raw), raw)]
            if tpl["parents"]:
                cmd.append(b"from %s\n" % tpl["parents"][0].encode())
                for p in tpl["parents"][1:]:
                    cmd.append(b"merge %s\n" % p.encode())
            cmd.append(b"deleteall\n")
            cmd.append(b"M 100644 :%d session.json\n" % b[0])
            cmd.append(b"M 100644 :%d event.json\n" % b[1])
            for path, (mode, _, oid) in extra:
                cmd.append(b"M %s %s %s\n" % (mode.encode(), oid.encode(), path.encode()))
            out.append(b"".join(cmd) + b"\n")
        self.run(["git", "fast-import", "--quiet", "--force"], repo, input=b"".join(out))
        self.run(["git", "pack-refs", "--all"], repo)
        log(f"scale: {n} sessions generated in {repo} in {time.perf_counter() - t0:.1f} s")

    def repo_with(self, name, n):
        repo = self.small_repo(name)
        tpl = self.template(repo)
        if n > 1:
            self.generate(repo, tpl, n - 1)
        # The listing cache and the name index are filled once, untimed.
        self.run([self.bin, "list", "--all"], repo)
        return repo, tpl

    # ---- phases -----------------------------------------------------------

    def bench_list(self, repo):
        ls = self.alternate([
            ("ours", [self.bin, "list", "--all"]),
            ("git", ["git", "for-each-ref", "refs/aura/sessions"]),
        ], repo, self.args.rounds)
        self.row(f"list --all ({self.args.sessions} sessions)", ls["ours"],
                 "git for-each-ref refs/aura/sessions", ls["git"], "<= 2x")

    def bench_start(self, sizes, big):
        medians = {}
        for n in sizes:
            if n == self.args.sessions:
                repo = big
            else:
                repo, _ = self.repo_with(f"start-{n}", n)
            # The first start after `git pack-refs` builds the name index.
            if repo != big:
                self.first_start[n] = self.timed([self.bin, "-q", "start", "--name", f"first-{n}"], repo)[0] * 1000
            times = []
            for r in range(self.args.rounds):
                times.append(self.timed([self.bin, "-q", "start", "--name", f"bench-{n}-{r}"], repo)[0])
            medians[n] = statistics.median(times) * 1000
            log(f"scale: start at {n} sessions: {medians[n]:.1f} ms")
            if repo != big:
                shutil.rmtree(repo, ignore_errors=True)
        return medians

    def bench_recording(self, small, big):
        out = {}
        for label, repo in (("10", small), (str(self.args.sessions), big)):
            self.run([self.bin, "-q", "start", "--name", f"recording-{label}"], repo)
            counter = [0]

            def edit():
                counter[0] += 1
                with open(os.path.join(repo, "file0.txt"), "a") as f:
                    f.write(f"edit {counter[0]}\n")
            t = self.alternate([
                ("status", [self.bin, "status"]),
                ("note", [self.bin, "-q", "note", "some words about the work"]),
                ("checkpoint", [self.bin, "-q", "checkpoint", "-m", "x"]),
            ], repo, self.args.rounds, before=edit)
            out[label] = {k: statistics.median(v) * 1000 for k, v in t.items()}
        return out

    def advertised(self, trace):
        """Refs the server sent in its ls-refs reply (protocol v2), per its packet trace."""
        sent = 0
        try:
            with open(trace, errors="replace") as f:
                for line in f:
                    if re.search(r"packet: +upload-pack> [0-9a-f]{40} refs/", line):
                        sent += 1
        except OSError:
            pass
        return sent

    def bench_remote(self):
        n = self.args.sessions
        seed = self.small_repo("remote-seed")
        tpl = self.template(seed)
        self.generate(seed, tpl, n - 1, first=1)
        remote = os.path.join(self.work, "remote.git")
        self.run(["git", "clone", "-q", "--bare", "--mirror", seed, remote], self.work)
        self.run(["git", "pack-refs", "--all"], remote)
        url = f"file://{remote}"
        # The session asked for: one in the middle.
        target = tpl["sid"][:20] + f"{n // 2:012x}"
        ref = f"refs/aura/sessions/{target}"
        times = {"ours": [], "git": []}
        sizes = {"ours": [], "git": []}
        adverts = {"ours": [], "git": []}
        for r in range(self.args.rounds):
            for who in (["ours", "git"] if r % 2 == 0 else ["git", "ours"]):
                clone = os.path.join(self.work, f"clone-{who}-{r}")
                self.run(["git", "init", "-q", clone], self.work)
                self.run(["git", "config", "fetch.unpackLimit", "1"], clone)
                trace = os.path.join(self.work, f"trace-{who}-{r}")
                env = dict(self.env, GIT_TRACE_PACKET=trace)
                if who == "ours":
                    argv = [self.bin, "-q", "fetch", url, target]
                else:
                    argv = ["git", "fetch", "-q", url, f"{ref}:{ref}"]
                t, _ = self.timed(argv, clone, env=env)
                times[who].append(t)
                sizes[who].append(sum(os.path.getsize(p) for p in
                                      glob.glob(os.path.join(clone, ".git", "objects", "pack", "*.pack"))))
                adverts[who].append(self.advertised(trace))
                shutil.rmtree(clone, ignore_errors=True)
                os.remove(trace) if os.path.exists(trace) else None
        self.row(f"fetch of 1 session from a {n}-session remote", times["ours"],
                 "git fetch <url> <ref>:<ref>", times["git"], "<= 1x")
        self.row("  pack bytes received", statistics.median(sizes["ours"]), "same", statistics.median(sizes["git"]),
                 "<= 1.1x", unit="B")
        self.row("  refs advertised", statistics.median(adverts["ours"]), "same",
                 statistics.median(adverts["git"]), "1", unit="refs")

        # Push of one new session to copies of that remote.
        self.run([self.bin, "-q", "start", "--name", "pushed"], seed)
        sid = json.loads(self.run([self.bin, "status", "--json"], seed, capture=True))["session"]["id"]
        pref = f"refs/aura/sessions/{sid}"
        push = {"ours": [], "git": []}
        for r in range(self.args.rounds):
            for who in (["ours", "git"] if r % 2 == 0 else ["git", "ours"]):
                copy = os.path.join(self.work, f"push-{who}-{r}.git")
                shutil.rmtree(copy, ignore_errors=True)
                shutil.copytree(remote, copy, symlinks=True)
                curl = f"file://{copy}"
                if who == "ours":
                    argv = [self.bin, "-q", "push", curl, sid]
                else:
                    argv = ["git", "push", "-q", curl, f"{pref}:{pref}"]
                push[who].append(self.timed(argv, seed)[0])
                shutil.rmtree(copy, ignore_errors=True)
        self.row(f"push of 1 session to a {n}-session remote", push["ours"],
                 "git push <url> <ref>:<ref>", push["git"], "<= 1x")
        shutil.rmtree(remote, ignore_errors=True)
        shutil.rmtree(seed, ignore_errors=True)

    def report(self, start, recording):
        print()
        print(f"git-session scale benchmark: {self.args.sessions} sessions, {self.args.rounds} rounds, medians")
        print(f"  git: {self.run(['git', '--version'], self.work, capture=True).strip()}")
        print()
        print(f"{'operation':<46} {'ours':>10} {'git':>10} {'ratio':>7}  {'goal':<7} vs")
        for op, vs, o, g, ratio, goal, unit in self.rows:
            print(f"{op:<46} {o:>10.1f} {g:>10.1f} {ratio:>6.2f}x  {goal:<7} {vs} ({unit})")
        if start:
            sizes = sorted(start)
            base = start[sizes[0]]
            print()
            print("start --name (ms) by sessions in the repository: " + ", ".join(
                f"{n}: {start[n]:.1f} ({start[n] / base:.2f}x)" for n in sizes))
            if self.first_start:
                print("  the first start after `git pack-refs` (it builds the name index): " + ", ".join(
                    f"{n}: {t:.1f}" for n, t in sorted(self.first_start.items())))
        if recording:
            print()
            small, big = "10", str(self.args.sessions)
            for op in ("status", "note", "checkpoint"):
                a, b = recording[small][op], recording[big][op]
                print(f"{op:<11} at 10: {a:6.1f} ms   at {big}: {b:6.1f} ms   ({b / a:.2f}x)")
        for n in self.notes:
            print(n)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sessions", type=int, default=100_000)
    ap.add_argument("--rounds", type=int, default=7)
    ap.add_argument("--workdir", default="/tmp/git-session-bench")
    ap.add_argument("--bin", default=os.path.join(ROOT, "target", "release", "git-session"))
    ap.add_argument("--skip", default="", help="comma-separated phases to skip: list,start,recording,remote")
    args = ap.parse_args()
    if not os.access(args.bin, os.X_OK):
        sys.exit(f"bench: {args.bin} not found; `cargo build --release` first")
    skip = set(filter(None, args.skip.split(",")))
    s = Scale(args)
    start, recording = {}, {}
    try:
        big, _ = s.repo_with("big", args.sessions)
        if "list" not in skip:
            s.bench_list(big)
        if "recording" not in skip:
            small, _ = s.repo_with("small", 10)
            recording = s.bench_recording(small, big)
            shutil.rmtree(small, ignore_errors=True)
        if "start" not in skip:
            sizes = sorted({n for n in (10, 1000, 10_000) if n < args.sessions} | {args.sessions})
            start = s.bench_start(sizes, big)
        shutil.rmtree(big, ignore_errors=True)
        if "remote" not in skip:
            s.bench_remote()
    finally:
        s.report(start, recording)
        shutil.rmtree(s.work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
