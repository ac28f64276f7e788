#!/usr/bin/env python3
"""Benchmark git-session against the git commands it should keep pace with.

    python3 bench/run.py [--files N] [--rounds R] [--sessions S]
                         [--workdir DIR] [--bin PATH]

Phases (see bench/README.md):
  1. build, or reuse from the cache, the N-file repository of
     shared/bench/make-repo.py (DIR/repo-<N>);
  2. in it: start a session, one warm-up checkpoint, then R alternating rounds
     of `checkpoint -m x` / `git status --porcelain` / `git stash create`
     (a line is appended to one tracked file before every timed command), and
     R alternating rounds of `note "text"` / `git rev-parse HEAD`, and R
     alternating rounds of `rewind` to a checkpoint 5 files away / `git restore
     --source=<its tree> --worktree -- .` (the 5 files edited before each);
  3. in a fresh small repository: S sessions made with `start --name s<i>`,
     then R alternating rounds of `list --all` / `git for-each-ref refs/aura/sessions`;
  4. a table of medians, ratios and goals.

Only the python3 standard library and git are needed. The exit status is 0
whatever the figures are (this is a report, not a test); it is non-zero only
when the benchmark cannot run at all (binary missing, repo build failed).
"""
import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEFAULT_BIN = os.path.join(ROOT, "target", "release", "git-session")
CMD_TIMEOUT = 900  # seconds; a single command slower than this is a hang


def log(msg):
    print(msg, file=sys.stderr, flush=True)


def die(msg, code=2):
    print(f"bench: error: {msg}", file=sys.stderr)
    sys.exit(code)


class Bench:
    def __init__(self, args):
        self.args = args
        self.bin = os.path.abspath(args.bin)
        self.home = tempfile.mkdtemp(prefix="git-session-bench-home-")
        with open(os.path.join(self.home, ".gitconfig"), "w") as f:
            f.write("[user]\n\tname = Bench\n\temail = bench@example.com\n"
                    "[init]\n\tdefaultBranch = main\n")
        env = {k: v for k, v in os.environ.items()
               if not k.startswith("GIT_") and k not in ("NO_COLOR",)}
        env.update({
            "HOME": self.home,
            "XDG_CONFIG_HOME": os.path.join(self.home, ".config"),
            "GIT_CONFIG_NOSYSTEM": "1",
            "LC_ALL": "C",
        })
        self.env = env
        self.phases = []  # (name, seconds)
        self.results = []  # rows of the table
        self.problems = []

    # ---- running commands -------------------------------------------------

    def run(self, argv, cwd, check=True, capture=False, stdout=None):
        p = subprocess.run(argv, cwd=cwd, env=self.env, timeout=CMD_TIMEOUT,
                           stdout=subprocess.PIPE if capture else (stdout or subprocess.DEVNULL),
                           stderr=subprocess.PIPE, text=True)
        if check and p.returncode != 0:
            raise RuntimeError(f"`{' '.join(argv)}` in {cwd} exited {p.returncode}: "
                               f"{(p.stderr or '').strip()[-2000:]}")
        return p

    def git(self, cwd, *args, **kw):
        return self.run(["git", *args], cwd, **kw)

    def ours(self, cwd, *args, **kw):
        return self.run([self.bin, *args], cwd, **kw)

    def timed(self, argv, cwd):
        """Seconds taken by one run of argv (stdout to /dev/null). Raises on failure."""
        t0 = time.perf_counter()
        p = subprocess.run(argv, cwd=cwd, env=self.env, timeout=CMD_TIMEOUT,
                           stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        dt = time.perf_counter() - t0
        if p.returncode != 0:
            err = p.stderr.decode(errors="replace").strip()[-2000:]
            raise RuntimeError(f"`{' '.join(argv)}` exited {p.returncode}: {err}")
        return dt

    def phase(self, name, t0):
        dt = time.perf_counter() - t0
        self.phases.append((name, dt))
        log(f"bench: {name}: {fmt_secs(dt)}")

    # ---- phase 1: the big repository -------------------------------------

    def make_repo_script(self):
        cands = [os.path.join(os.path.dirname(ROOT), "shared", "bench", "make-repo.py"),
                 "/work/shared/bench/make-repo.py"]
        if os.environ.get("BENCH_MAKE_REPO"):
            cands.append(os.environ["BENCH_MAKE_REPO"])
        for c in cands:
            if os.path.isfile(c):
                return c
        die("make-repo.py not found; looked in " + ", ".join(cands)
            + " (set BENCH_MAKE_REPO to its path)")

    def big_repo(self):
        n = self.args.files
        repo = os.path.join(self.args.workdir, f"repo-{n}")
        marker = repo + ".complete"
        if os.path.isdir(repo) and os.path.isfile(marker):
            with open(marker) as f:
                meta = json.load(f)
            log(f"bench: reusing {repo} (built {meta.get('built', '?')})")
            return repo, meta, False
        if os.path.exists(repo):
            log(f"bench: {repo} is incomplete; removing it")
            shutil.rmtree(repo)
        if os.path.exists(marker):
            os.remove(marker)
        os.makedirs(self.args.workdir, exist_ok=True)
        script = self.make_repo_script()
        log(f"bench: building {repo} with {n} files ({script}); this takes a while")
        p = subprocess.run([sys.executable, script, repo, "--files", str(n)], env=self.env)
        if p.returncode != 0:
            die(f"make-repo.py failed (exit {p.returncode})", 1)
        # The file the benchmark edits: a tracked file make-repo left clean.
        dirty = {line[3:] for line in
                 self.git(repo, "status", "--porcelain", "-uall", capture=True).stdout.splitlines()}
        target = None
        for path in self.git(repo, "ls-files", capture=True).stdout.splitlines():
            if path.endswith(".rs") and path not in dirty:
                target = path
                break
        if target is None:
            die("no clean tracked file to edit in the bench repo", 1)
        meta = {"files": n, "target": target, "dirty": sorted(dirty),
                "built": time.strftime("%Y-%m-%d %H:%M:%S"), "script": script}
        with open(marker, "w") as f:
            json.dump(meta, f, indent=1)
        return repo, meta, True

    def reset_repo(self, repo, target):
        """Undo what an earlier (maybe interrupted) run left: our refs, our state, the edits."""
        refs = self.git(repo, "for-each-ref", "--format=%(refname)", "refs/aura",
                        capture=True).stdout.split()
        if refs:
            stdin = "".join(f"delete {r}\n" for r in refs)
            subprocess.run(["git", "update-ref", "--stdin"], cwd=repo, env=self.env,
                           input=stdin, text=True, check=True)
        gitdir = self.git(repo, "rev-parse", "--absolute-git-dir", capture=True).stdout.strip()
        shutil.rmtree(os.path.join(gitdir, "aura"), ignore_errors=True)
        self.git(repo, "checkout", "-q", "--", target)

    # ---- measurements ----------------------------------------------------

    def alternate(self, label, cmds, cwd, rounds, before=None):
        """Time each of `cmds` (list of (name, argv)) once per round, rotating
        which goes first; `before()` runs, untimed, before every command."""
        times = {name: [] for name, _ in cmds}
        for r in range(rounds):
            k = r % len(cmds)
            for name, argv in cmds[k:] + cmds[:k]:
                if before:
                    before()
                times[name].append(self.timed(argv, cwd))
            log(f"bench: {label}: round {r + 1}/{rounds}")
        return times

    def add_row(self, op, ours, theirs_name, ours_t, theirs_t, goal):
        m_ours = statistics.median(ours_t) * 1000
        m_git = statistics.median(theirs_t) * 1000
        ratio = m_ours / m_git if m_git > 0 else float("inf")
        self.results.append({
            "op": op, "vs": theirs_name, "ours": m_ours, "git": m_git, "ratio": ratio,
            "goal": goal, "pass": ratio <= goal,
            "ours_range": (min(ours_t) * 1000, max(ours_t) * 1000),
            "git_range": (min(theirs_t) * 1000, max(theirs_t) * 1000),
        })

    def bench_big(self):
        a = self.args
        t0 = time.perf_counter()
        repo, meta, built = self.big_repo()
        self.phase("repo build" if built else "repo reuse", t0)
        self.repo_files = int(self.git(repo, "ls-files", capture=True).stdout.count("\n"))
        target = os.path.join(repo, meta["target"])
        counter = [0]

        def touch():
            counter[0] += 1
            with open(target, "a") as f:
                f.write(f"// bench edit {counter[0]}\n")

        t0 = time.perf_counter()
        self.reset_repo(repo, meta["target"])
        name = f"bench-{os.getpid()}-{int(time.time())}"
        try:
            self.ours(repo, "-q", "start", "--name", name)
            self.phase("session start (first snapshot)", t0)
            t0 = time.perf_counter()
            # Warm-ups: one checkpoint (fills the stat cache) and one of each git command.
            touch()
            self.ours(repo, "-q", "checkpoint", "-m", "warm-up")
            self.git(repo, "status", "--porcelain")
            self.git(repo, "stash", "create")
            self.git(repo, "rev-parse", "HEAD")
            self.ours(repo, "-q", "note", "warm-up")
            self.phase("warm-up", t0)

            t0 = time.perf_counter()
            try:
                ck = self.alternate("checkpoint", [
                    ("checkpoint", [self.bin, "checkpoint", "-m", "x"]),
                    ("status", ["git", "status", "--porcelain"]),
                    ("stash", ["git", "stash", "create"]),
                ], repo, a.rounds, before=touch)
                self.add_row("checkpoint -m x", ck["checkpoint"], "git status --porcelain",
                             ck["checkpoint"], ck["status"], 1.0)
                self.add_row("checkpoint -m x", ck["checkpoint"], "git stash create",
                             ck["checkpoint"], ck["stash"], 0.5)
            except (RuntimeError, subprocess.TimeoutExpired) as e:
                self.problems.append(f"checkpoint rounds failed: {e}")
            self.phase(f"checkpoint/status/stash x{a.rounds}", t0)

            t0 = time.perf_counter()
            try:
                nt = self.alternate("note", [
                    ("note", [self.bin, "note", "text"]),
                    ("rev-parse", ["git", "rev-parse", "HEAD"]),
                ], repo, a.rounds)
                self.add_row('note "text"', nt["note"], "git rev-parse HEAD",
                             nt["note"], nt["rev-parse"], 3.0)
            except (RuntimeError, subprocess.TimeoutExpired) as e:
                self.problems.append(f"note rounds failed: {e}")
            self.phase(f"note/rev-parse x{a.rounds}", t0)

            t0 = time.perf_counter()
            try:
                self.bench_rewind(repo, meta)
            except (RuntimeError, subprocess.TimeoutExpired) as e:
                self.problems.append(f"rewind rounds failed: {e}")
            self.phase(f"rewind/restore x{a.rounds}", t0)
        except (RuntimeError, subprocess.TimeoutExpired) as e:
            self.problems.append(f"big-repo phase failed: {e}")
        finally:
            try:
                self.reset_repo(repo, meta["target"])  # leave the cache as make-repo built it
            except Exception as e:  # noqa: BLE001 - report, never hide the table
                self.problems.append(f"could not reset {repo}: {e}")

    def bench_rewind(self, repo, meta):
        """`rewind` to a checkpoint that differs in 5 files, against
        `git restore --source=<that snapshot's tree> --worktree -- .`; before
        every timed command the 5 files are edited again, untimed."""
        dirty = set(meta["dirty"]) | {meta["target"]}
        files = [p for p in self.git(repo, "ls-files", capture=True).stdout.splitlines()
                 if p.endswith(".rs") and p not in dirty][:5]
        originals = {}
        for p in files:
            with open(os.path.join(repo, p), "rb") as f:
                originals[p] = f.read()
        out = self.ours(repo, "checkpoint", "-m", "rewind-target", "--json", capture=True).stdout
        tree = json.loads(out)["events"][-1]["tree"]

        def edit():
            for p in files:
                with open(os.path.join(repo, p), "wb") as f:
                    f.write(originals[p] + b"// edited after the checkpoint\n")

        try:
            edit()
            self.ours(repo, "-q", "rewind", "rewind-target")  # warm-up
            rw = self.alternate("rewind", [
                ("rewind", [self.bin, "-q", "rewind", "rewind-target"]),
                ("restore", ["git", "restore", f"--source={tree}", "--worktree", "--", "."]),
            ], repo, self.args.rounds, before=edit)
            self.add_row("rewind (5 files differ)", rw["rewind"],
                         "git restore --source=<tree> --worktree -- .",
                         rw["rewind"], rw["restore"], 1.0)
        finally:
            for p, data in originals.items():
                with open(os.path.join(repo, p), "wb") as f:
                    f.write(data)

    def bench_sessions(self):
        a = self.args
        os.makedirs(a.workdir, exist_ok=True)
        small = tempfile.mkdtemp(prefix="sessions-", dir=a.workdir)
        t0 = time.perf_counter()
        try:
            self.git(small, "init", "-q", "-b", "main")
            for i in range(5):
                with open(os.path.join(small, f"file{i}.txt"), "w") as f:
                    f.write(f"small file {i}\n")
            self.git(small, "add", "-A")
            self.git(small, "commit", "-q", "-m", "small repo")
            t0 = time.perf_counter()
            step = max(1, a.sessions // 10)
            batch_t, batch_n, self.batch_ms = t0, 0, []
            for i in range(a.sessions):
                self.ours(small, "-q", "start", "--name", f"s{i}")
                batch_n += 1
                if (i + 1) % step == 0 or i + 1 == a.sessions:
                    now = time.perf_counter()
                    self.batch_ms.append((now - batch_t) / batch_n * 1000)
                    log(f"bench: sessions: {i + 1}/{a.sessions} ({fmt_secs(now - t0)}; "
                        f"{self.batch_ms[-1]:.1f} ms/start over the last {batch_n})")
                    batch_t, batch_n = now, 0
            self.sessions_created = a.sessions
            self.phase(f"create {a.sessions} sessions", t0)
            self.start_ms = (self.phases[-1][1] / max(1, a.sessions)) * 1000
            t0 = time.perf_counter()
            # Warm-up: the first list may build a listing cache; time the steady state.
            self.ours(small, "list", "--all")
            self.git(small, "for-each-ref", "refs/aura/sessions")
            ls = self.alternate("list", [
                ("list", [self.bin, "list", "--all"]),
                ("for-each-ref", ["git", "for-each-ref", "refs/aura/sessions"]),
            ], small, a.rounds)
            self.add_row("list --all", ls["list"], "git for-each-ref refs/aura/sessions",
                         ls["list"], ls["for-each-ref"], 2.0)
            self.phase(f"list/for-each-ref x{a.rounds}", t0)
        except (RuntimeError, subprocess.TimeoutExpired) as e:
            self.problems.append(f"sessions phase failed: {e}")
            self.phase("sessions phase (failed)", t0)
        finally:
            shutil.rmtree(small, ignore_errors=True)

    # ---- report -----------------------------------------------------------

    def report(self, t_all):
        git_version = self.git(ROOT, "--version", capture=True, check=False).stdout.strip()
        ours_version = self.ours(ROOT, "--version", capture=True, check=False).stdout.strip()
        try:
            usable = len(os.sched_getaffinity(0))
        except AttributeError:
            usable = os.cpu_count()
        stub = os.path.exists(os.path.join(ROOT, "src", "cmd", "snapshot_stub.rs"))
        print()
        print("git-session benchmark")
        print(f"  machine : nproc {usable} (cpu_count {os.cpu_count()}), {os.uname().sysname} "
              f"{os.uname().release} {os.uname().machine}")
        print(f"  git     : {git_version}")
        print(f"  binary  : {self.bin} ({ours_version})")
        print(f"  repo    : {getattr(self, 'repo_files', '?')} tracked files "
              f"(--files {self.args.files}), rounds {self.args.rounds}, "
              f"sessions {getattr(self, 'sessions_created', 0)}/{self.args.sessions}")
        if stub:
            print("  NOTE    : src/cmd/snapshot_stub.rs exists: snapshots go through the "
                  "stub (git add -A on an index copy), not the real engine")
        print()
        hdr = ("operation", "vs git", "ours ms", "git ms", "ratio", "goal", "result")
        rows = [(r["op"], r["vs"], f"{r['ours']:.1f}", f"{r['git']:.1f}", f"{r['ratio']:.2f}x",
                 f"<= {r['goal']:g}x", "PASS" if r["pass"] else "MISS") for r in self.results]
        widths = [max(len(str(x[i])) for x in [hdr] + rows) for i in range(len(hdr))]
        line = lambda cells: "  ".join(str(c).ljust(w) if i < 2 else str(c).rjust(w)
                                       for i, (c, w) in enumerate(zip(cells, widths)))
        print(line(hdr))
        print("  ".join("-" * w for w in widths))
        for row in rows:
            print(line(row))
        print("(medians; ranges min-max ms: " + "; ".join(
            f"{r['op']} {r['ours_range'][0]:.0f}-{r['ours_range'][1]:.0f} vs "
            f"{r['vs'].split()[1]} {r['git_range'][0]:.0f}-{r['git_range'][1]:.0f}"
            for r in self.results) + ")")
        if hasattr(self, "start_ms"):
            print(f"start --name (creating {self.sessions_created} sessions): "
                  f"{self.start_ms:.1f} ms per start on average, "
                  f"{self.batch_ms[0]:.1f} ms in the first tenth, "
                  f"{self.batch_ms[-1]:.1f} ms in the last")
        print()
        print("phases:")
        for name, dt in self.phases:
            print(f"  {name:<40} {fmt_secs(dt)}")
        print(f"  {'total':<40} {fmt_secs(t_all)}")
        for p in self.problems:
            print(f"PROBLEM: {p}")


def fmt_secs(s):
    return f"{s:.1f} s" if s < 120 else f"{s / 60:.1f} min"


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--files", type=int, default=100_000, help="files in the big repo (100000)")
    ap.add_argument("--rounds", type=int, default=11, help="timed runs of each command (11)")
    ap.add_argument("--sessions", type=int, default=10_000, help="sessions for list --all (10000)")
    ap.add_argument("--workdir", default="/tmp/git-session-bench",
                    help="cache directory for the repos (/tmp/git-session-bench)")
    ap.add_argument("--bin", default=DEFAULT_BIN, help="git-session binary (target/release/git-session)")
    args = ap.parse_args()
    if args.files < 1 or args.rounds < 1 or args.sessions < 1:
        die("--files, --rounds and --sessions must be positive")
    args.workdir = os.path.abspath(args.workdir)
    if not (os.path.isfile(args.bin) and os.access(args.bin, os.X_OK)):
        die(f"binary {args.bin} not found or not executable; "
            "build it with `cargo build --release` or pass --bin PATH")
    if shutil.which("git") is None:
        die("git is not on PATH")

    bench = Bench(args)
    t_all = time.perf_counter()
    try:
        bench.bench_big()
        bench.bench_sessions()
    finally:
        bench.report(time.perf_counter() - t_all)
        shutil.rmtree(bench.home, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
