pub struct CaptureOptions { pub max_untracked_size: Option<u64> }
pub struct SkippedFile { pub path: bstr::BString, pub size: u64 }
pub struct Capture { pub tree: gix::ObjectId, pub index_tree: Option<gix::ObjectId>, pub skipped: Vec<SkippedFile>, pub hashed: usize }
pub fn capture(repo: &gix::Repository, _opts: &CaptureOptions) -> anyhow::Result<Capture> {
    let out = std::process::Command::new("sh").arg("-c").arg("cp \"$(git rev-parse --git-path index)\" /tmp/stub-index.$$ 2>/dev/null; GIT_INDEX_FILE=/tmp/stub-index.$$ git add -A && GIT_INDEX_FILE=/tmp/stub-index.$$ git write-tree; rm -f /tmp/stub-index.$$").current_dir(repo.workdir().unwrap()).output()?;
    let tree = gix::ObjectId::from_hex(String::from_utf8_lossy(&out.stdout).trim().as_bytes())?;
    Ok(Capture { tree, index_tree: None, skipped: vec![], hashed: 0 })
}
