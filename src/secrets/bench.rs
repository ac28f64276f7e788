//! Timings of the scan, printed, never asserted: `cargo test --release --lib
//! secrets::bench -- --ignored --nocapture`. `SECRETS_BENCH_DIR=<dir>` adds
//! every file under a directory (say a checkout of a medium repository) to
//! the sample.

use std::time::Instant;

use super::*;

/// Every file under `dir` (no `.git`, no `target`), path and bytes.
fn files_under(dir: &std::path::Path, out: &mut Vec<(String, Vec<u8>)>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        let path = entry.path();
        let name = entry.file_name();
        if name == ".git" || name == "target" {
            continue;
        }
        let Ok(kind) = entry.file_type() else { continue };
        if kind.is_dir() {
            files_under(&path, out);
        } else if kind.is_file() {
            if let Ok(data) = std::fs::read(&path) {
                out.push((path.display().to_string(), data));
            }
        }
    }
}

/// About `n` bytes of text that is not secret but looks busy: code,
/// configuration, lock-file hashes, base64 and long minified lines.
fn generated_text(n: usize) -> String {
    let mut out = String::with_capacity(n + 4096);
    let mut i = 0u64;
    while out.len() < n {
        i += 1;
        let h = i.wrapping_mul(0x9E37_79B9_7F4A_7C15);
        match i % 8 {
            0 => out.push_str(&format!(
                "    let token = parse_token(&input[{i}..])?; // token {h:x}\n"
            )),
            1 => out.push_str(&format!("password_policy: strict\nreplicas: {}\n", i % 7)),
            2 => out.push_str(&format!(
                "\"integrity\": \"sha512-{:016x}{:016x}{:016x}{:016x}AbCd+/Ef==\",\n",
                h,
                h.rotate_left(7),
                h.rotate_left(13),
                h.rotate_left(29)
            )),
            3 => out.push_str(&format!(
                "checksum = \"{h:016x}{:016x}{:016x}{:016x}\"\n",
                !h,
                h ^ 7,
                h >> 3
            )),
            4 => {
                out.push_str("function(a,b){return a.token===b?secret(a):null};var x=document.getElementById('pw');\n")
            }
            5 => out.push_str(&format!(
                "  image: aGVsbG8gd29ybGQsIHRoaXMgaXMgbm90IGEgc2VjcmV0IGF0IGFsbA{}==\n",
                i % 10
            )),
            6 => out.push_str(&format!(
                "url = \"https://example.com/api/v{}/items?page={i}\"\n",
                i % 3
            )),
            _ => out.push_str(&format!("{i}: INFO request id={h:x} took {} ms\n", i % 1000)),
        }
    }
    out
}

fn time<T>(what: &str, bytes: usize, f: impl FnOnce() -> T) -> T {
    let start = Instant::now();
    let out = f();
    let secs = start.elapsed().as_secs_f64();
    eprintln!(
        "{what}: {:.1} MB in {:.1} ms ({:.0} MB/s)",
        bytes as f64 / 1e6,
        secs * 1e3,
        bytes as f64 / 1e6 / secs.max(1e-9)
    );
    out
}

#[test]
#[ignore = "prints timings; run with --release --ignored --nocapture"]
fn scan_timings() {
    // Warm up the compiled rules so that their one-time cost is apart.
    time("compile the rules", 0, || scan_blob("warm-up", b"warm up"));

    let mut files = Vec::new();
    files_under(std::path::Path::new(env!("CARGO_MANIFEST_DIR")), &mut files);
    if let Some(dir) = std::env::var_os("SECRETS_BENCH_DIR") {
        files_under(std::path::Path::new(&dir), &mut files);
    }
    let bytes: usize = files.iter().map(|(_, d)| d.len()).sum();
    let found = time(&format!("scan_blob over {} files", files.len()), bytes, || {
        files.iter().flat_map(|(p, d)| scan_blob(p, d)).collect::<Vec<_>>()
    });
    eprintln!("  ({} findings)", found.len());
    let mut rules: Vec<&str> = found.iter().map(|f| f.rule).collect();
    rules.sort_unstable();
    rules.dedup();
    for rule in rules {
        let of_rule: Vec<&Finding> = found.iter().filter(|f| f.rule == rule).collect();
        eprintln!("  {rule}: {}", of_rule.len());
        for f in of_rule.iter().take(12) {
            eprintln!("    {}:{}: {}", f.path, f.line, f.excerpt);
        }
    }

    let text = generated_text(8 << 20);
    let found = time(
        "scan_blob over 8 MiB of generated text in 2 MiB blobs",
        text.len(),
        || {
            text.as_bytes()
                .chunks(MAX_BLOB_SIZE as usize)
                .map(|c| scan_blob("gen.txt", c).len())
                .sum::<usize>()
        },
    );
    eprintln!("  ({found} findings)");

    let repo = gix::open(env!("CARGO_MANIFEST_DIR")).expect("the crate is a git checkout");
    let head = repo.head_id().expect("HEAD").detach();
    let found = time("scan_new_blobs over HEAD of this repository", 0, || {
        scan_new_blobs(&repo, &[head], &[]).expect("scan").len()
    });
    eprintln!("  ({found} findings)");

    let big = generated_text(100 << 20);
    let found = time("scan_new_blobs' path for one 100 MiB text blob", big.len(), || {
        scan_blob_streaming("big.log", big.as_bytes()).len()
    });
    eprintln!("  ({found} findings)");
    // Random bytes (what compressed or encrypted data looks like), with the
    // generated text's lines sprinkled in every 64 KiB.
    let mut state = 0x9E37_79B9_7F4A_7C15u64;
    let mut binary: Vec<u8> = (0..big.len())
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state as u8
        })
        .collect();
    for (chunk, line) in binary.chunks_mut(64 << 10).zip(big.lines()) {
        chunk[..line.len()].copy_from_slice(line.as_bytes());
    }
    let found = time("scan_new_blobs' path for one 100 MiB binary blob", binary.len(), || {
        scan_blob_streaming("big.bin", &binary).len()
    });
    eprintln!("  ({found} findings)");
}

#[test]
#[ignore = "prints timings; run with --release --ignored --nocapture"]
fn rule_timings() {
    let text = generated_text(8 << 20);
    let transcript = transcript_jsonl(8 << 20, &[]);
    let mut sample = Vec::new();
    files_under(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src").as_path(),
        &mut sample,
    );
    let code: Vec<u8> = sample.into_iter().flat_map(|(_, d)| d).collect();
    for (name, hay) in [
        ("generated", text.as_bytes()),
        ("src/", &code[..]),
        ("transcript", transcript.as_bytes()),
    ] {
        for (rule, re) in RULES.iter().zip(COMPILED.iter()) {
            let start = Instant::now();
            let n = re.find_iter(hay).count();
            eprintln!(
                "{name} {:<28} {:>7.2} ms {n}",
                rule.id,
                start.elapsed().as_secs_f64() * 1e3
            );
        }
        let start = Instant::now();
        let n = matcher::scan_text(hay, false, 0).len();
        eprintln!(
            "{name} scan_text {:>7.2} ms {n} ({} bytes)",
            start.elapsed().as_secs_f64() * 1e3,
            hay.len()
        );
        let start = Instant::now();
        let n = matcher::BASE64_RUN.find_iter(hay).count();
        eprintln!(
            "{name} base64 runs, regex {:>7.2} ms {n}",
            start.elapsed().as_secs_f64() * 1e3
        );
        let start = Instant::now();
        let n = matcher::base64_runs(hay).count();
        eprintln!(
            "{name} base64 runs, table {:>7.2} ms {n}",
            start.elapsed().as_secs_f64() * 1e3
        );
        let start = Instant::now();
        let n = hay
            .chunks(1 << 20)
            .map(|c| matcher::scan_text_all(c, true).len())
            .sum::<usize>();
        eprintln!(
            "{name} scan_text_all, configuration rules too, 1 MiB at a time {:>7.2} ms {n}",
            start.elapsed().as_secs_f64() * 1e3
        );
        let start = Instant::now();
        let n = redact::redact(hay).findings.len();
        eprintln!("{name} redact {:>7.2} ms {n}", start.elapsed().as_secs_f64() * 1e3);
    }
}

/// About `n` bytes of JSON Lines shaped like a Claude Code transcript: the
/// lines of the captured one (`AGENT_TRANSCRIPT`, or the copy in
/// `../shared/agents/`), then turns of prompts, assistant text and tool
/// results that show this crate's sources as the Read tool does (numbered
/// lines), ids and times varied. Each secret of `plant` is written three
/// times, into a `.env` the Read tool shows, at offsets spread evenly.
fn transcript_jsonl(n: usize, plant: &[String]) -> String {
    let captured = std::env::var_os("AGENT_TRANSCRIPT")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| {
            std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("../shared/agents/claude-code-2.1.332/transcript.jsonl")
        });
    let captured = std::fs::read_to_string(captured).unwrap_or_default();
    let mut sources = Vec::new();
    files_under(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src").as_path(),
        &mut sources,
    );
    sources.retain(|(p, _)| p.ends_with(".rs") && !p.contains("secrets"));
    let mut out = String::with_capacity(n + (1 << 20));
    let mut i = 0usize;
    let mut planted = 0;
    while out.len() < n {
        i += 1;
        let uuid = format!(
            "{:08x}-{:04x}-4{:03x}-a{:03x}-{:012x}",
            i * 2_654_435_761 % (1 << 32),
            i % 65536,
            i % 4096,
            (i * 7) % 4096,
            i * 97
        );
        let time = format!(
            "2026-12-01T{:02}:{:02}:{:02}.{:03}Z",
            10 + i / 3600 % 12,
            i / 60 % 60,
            i % 60,
            i % 1000
        );
        let wanted = (planted < plant.len() * 3)
            .then(|| planted * n / (plant.len() * 3).max(1))
            .filter(|&at| out.len() >= at);
        let line = if wanted.is_some() {
            let secret = &plant[planted % plant.len()];
            planted += 1;
            serde_json::json!({
                "parentUuid": uuid, "type": "user", "timestamp": time,
                "message": {"role": "user", "content": [{"type": "tool_result", "tool_use_id": format!("toolu_{i:024x}"),
                    "content": format!("     1\t# deploy settings\n     2\t{secret}\n     3\tPORT=8080\n")}]},
                "sessionId": "452c024c-3056-4c0e-ab6f-8a3374870cd5", "cwd": "/home/dev/project"
            })
            .to_string()
        } else {
            match i % 4 {
                0 if !captured.is_empty() => {
                    let lines: Vec<&str> = captured.lines().collect();
                    lines[i / 4 % lines.len()].replace("452c024c-3056-4c0e-ab6f-8a3374870cd5", &uuid)
                }
                1 if !sources.is_empty() => {
                    let (path, data) = &sources[i % sources.len()];
                    let text = String::from_utf8_lossy(data);
                    let numbered: String = text
                        .lines()
                        .take(400)
                        .enumerate()
                        .map(|(n, l)| format!("{:>6}\t{l}\n", n + 1))
                        .collect();
                    serde_json::json!({
                        "parentUuid": uuid, "type": "user", "timestamp": time,
                        "message": {"role": "user", "content": [{"type": "tool_result", "tool_use_id": format!("toolu_{i:024x}"), "content": numbered}]},
                        "toolUseResult": {"type": "text", "file": {"filePath": path, "numLines": 400}},
                        "sessionId": "452c024c-3056-4c0e-ab6f-8a3374870cd5", "cwd": "/home/dev/project"
                    })
                    .to_string()
                }
                2 => serde_json::json!({
                    "parentUuid": uuid, "type": "assistant", "timestamp": time,
                    "message": {"model": "claude-opus-4-5", "role": "assistant", "content": [
                        {"type": "text", "text": format!("Step {i}: I'll read the matcher and then edit `src/secrets/redact.rs` so that the \"view\" maps back.\n\n```rust\nlet view = View::of(raw, {i}..{});\n```", i + 100)},
                        {"type": "tool_use", "id": format!("toolu_{i:024x}"), "name": "Edit", "input": {"file_path": "/home/dev/project/src/lib.rs", "old_string": "fn a() {}\n", "new_string": format!("fn a() {{ let x = {i}; }}\n")}}
                    ], "usage": {"input_tokens": i % 5000, "output_tokens": i % 700}},
                    "uuid": uuid
                })
                .to_string(),
                _ => serde_json::json!({
                    "type": "user", "timestamp": time, "uuid": uuid,
                    "message": {"role": "user", "content": format!("please continue with step {i} and run the tests; the last run printed `test result: ok. {i} passed`")}
                })
                .to_string(),
            }
        };
        out.push_str(&line);
        out.push('\n');
    }
    out
}

#[test]
#[ignore = "prints timings; run with --release --ignored --nocapture"]
fn redact_timings() {
    time("compile the rules", 0, || redact::redact(b"warm up"));
    let token = ["gh", "p_", "Zk3rT9wQ2mX8vB4nL6pY1sD7fH5jC0aE3gU9"].concat();
    let plant = vec![
        format!("GITHUB_TOKEN={token}"),
        ["DB_PASSWORD=", "Tr0ub4dor&3"].concat(),
        ["DATABASE_URL=postgres://app:", "xK9-vQ2-mP7", "@db.corp.net/app"].concat(),
    ];
    // The machine is shared: each measurement is the best of three.
    let best = |what: &str, text: &str| {
        let mut times = Vec::new();
        let mut findings = Vec::new();
        for _ in 0..3 {
            let start = Instant::now();
            let out = redact::redact(text.as_bytes());
            times.push(start.elapsed().as_secs_f64());
            assert!(!out.bytes.windows(token.len()).any(|w| w == token.as_bytes()));
            findings = out.findings;
        }
        times.sort_by(f64::total_cmp);
        eprintln!(
            "{what}: {:.1} MB in {:.0} ms, best of 3 ({:.0} MB/s; worst {:.0} ms); findings {findings:?}",
            text.len() as f64 / 1e6,
            times[0] * 1e3,
            text.len() as f64 / 1e6 / times[0],
            times[2] * 1e3
        );
    };
    let text = transcript_jsonl(65 << 20, &plant);
    best("redact a 65 MiB Claude-like transcript, 9 secrets", &text);
    let clean = transcript_jsonl(65 << 20, &[]);
    best("redact a 65 MiB Claude-like transcript, no secret", &clean);
    time("scan_blob_streaming of the same text", clean.len(), || {
        scan_blob_streaming("t.jsonl", clean.as_bytes()).len()
    });
    // What redaction replaces in code that the push scan passes: the
    // rules for configuration files read code too (`SECRETS_BENCH_DIR`).
    if let Some(dir) = std::env::var_os("SECRETS_BENCH_DIR") {
        let mut files = Vec::new();
        files_under(std::path::Path::new(&dir), &mut files);
        let bytes: usize = files.iter().map(|(_, d)| d.len()).sum();
        let mut by_rule: Vec<(&str, usize, Vec<String>)> = Vec::new();
        let start = Instant::now();
        for (path, data) in &files {
            let out = redact::redact(data);
            for (rule, n) in &out.findings {
                let i = match by_rule.iter().position(|(r, _, _)| r == rule) {
                    Some(i) => i,
                    None => {
                        by_rule.push((rule, 0, Vec::new()));
                        by_rule.len() - 1
                    }
                };
                by_rule[i].1 += n;
                if by_rule[i].2.len() < 8 {
                    let text = String::from_utf8_lossy(&out.bytes);
                    let marker = redact::marker(rule);
                    if let Some(line) = text.lines().find(|l| l.contains(&marker)) {
                        by_rule[i]
                            .2
                            .push(format!("{path}: {}", line.trim().chars().take(160).collect::<String>()));
                    }
                }
            }
        }
        eprintln!(
            "redact {} files of SECRETS_BENCH_DIR, {:.1} MB, in {:.0} ms",
            files.len(),
            bytes as f64 / 1e6,
            start.elapsed().as_secs_f64() * 1e3
        );
        for (rule, n, examples) in by_rule {
            eprintln!("  {rule}: {n}");
            for e in examples {
                eprintln!("    {e}");
            }
        }
    }
    // Increments of a few KiB, as each hook attaches them.
    let mut pieces = Vec::new();
    let mut piece = String::new();
    for line in text.lines().take(20_000) {
        piece.push_str(line);
        piece.push('\n');
        if piece.len() > 4096 {
            pieces.push(std::mem::take(&mut piece));
        }
    }
    let bytes: usize = pieces.iter().map(String::len).sum();
    let mut each = Vec::new();
    for p in &pieces {
        let start = Instant::now();
        redact::redact(p.as_bytes());
        each.push(start.elapsed().as_secs_f64() * 1e3);
    }
    each.sort_by(f64::total_cmp);
    eprintln!(
        "redact {} increments of {:.1} KB on average: median {:.3} ms, 99th percentile {:.3} ms, max {:.3} ms",
        pieces.len(),
        bytes as f64 / pieces.len() as f64 / 1e3,
        each[each.len() / 2],
        each[each.len() * 99 / 100],
        each[each.len() - 1]
    );
}
