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
    let mut sample = Vec::new();
    files_under(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src").as_path(),
        &mut sample,
    );
    let code: Vec<u8> = sample.into_iter().flat_map(|(_, d)| d).collect();
    for (name, hay) in [("generated", text.as_bytes()), ("src/", &code[..])] {
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
    }
}
