//! Capture a snapshot of the work tree at argv[1] and print the tree, the number of hashed files
//! and the elapsed time: `cargo run --release --example capture -- <path> [runs]`.
use std::time::Instant;

fn main() -> anyhow::Result<()> {
    let mut args = std::env::args().skip(1);
    let path = args.next().unwrap_or_else(|| ".".into());
    let runs: usize = args.next().map(|r| r.parse()).transpose()?.unwrap_or(1);
    let opts = git_session::snapshot::CaptureOptions::default();
    for _ in 0..runs {
        let start = Instant::now();
        let repo = gix::open(&path)?;
        let c = git_session::snapshot::capture(&repo, &opts)?;
        let ms = start.elapsed().as_secs_f64() * 1000.0;
        println!(
            "{} hashed={} index_tree={} skipped={} {:.1} ms",
            c.tree,
            c.hashed,
            c.index_tree.map_or_else(|| "none".into(), |t| t.to_string()),
            c.skipped.len(),
            ms
        );
    }
    Ok(())
}
