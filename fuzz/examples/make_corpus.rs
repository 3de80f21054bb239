//! Writes the seed corpus of the fuzz targets to `corpus/<target>/`.
//!
//! ```text
//! cargo run --manifest-path fuzz/Cargo.toml --example make_corpus
//! ```
//!
//! Existing files of the same name are overwritten; other files (such as
//! saved crash regressions) are kept.

use std::path::Path;

fn main() -> std::io::Result<()> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus");
    let seeds = hooksig_fuzz::seeds::seeds();
    for (target, name, bytes) in &seeds {
        let dir = root.join(target);
        std::fs::create_dir_all(&dir)?;
        std::fs::write(dir.join(name), bytes)?;
    }
    println!("wrote {} seeds under {}", seeds.len(), root.display());
    Ok(())
}
