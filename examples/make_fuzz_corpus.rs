//! Writes the seed corpus of the fuzz targets to `fuzz/corpus/<target>/`.
//!
//! ```text
//! cargo run --example make_fuzz_corpus --features fuzzing
//! ```
//!
//! The seeds come from `hooksig::fuzzing::seeds` (internal API), so they
//! follow the targets' input layout. Existing files of the same name are
//! overwritten; other files (such as saved crash regressions) are kept.

use std::path::Path;

fn main() -> std::io::Result<()> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/corpus");
    let seeds = hooksig::fuzzing::seeds();
    for (target, name, bytes) in &seeds {
        let dir = root.join(target);
        std::fs::create_dir_all(&dir)?;
        std::fs::write(dir.join(name), bytes)?;
    }
    println!("wrote {} seeds under {}", seeds.len(), root.display());
    Ok(())
}
