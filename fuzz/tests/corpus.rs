//! Replays every committed corpus file (`corpus/<target>/*`) through the
//! same target functions the fuzzer runs, on stable Rust and without
//! libFuzzer, so a regression the fuzzer once found (or a seed that stopped
//! meaning what it meant) fails the test.
//!
//! ```text
//! cargo test --manifest-path fuzz/Cargo.toml --no-default-features
//! ```

use std::path::Path;

use hooksig_fuzz::{run, Outcome, TARGETS};

/// Runs every file of one target's corpus; returns (files, accepted).
fn replay(target: &str) -> (usize, usize) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("corpus")
        .join(target);
    let entries = std::fs::read_dir(&dir).unwrap_or_else(|err| panic!("{}: {err}", dir.display()));
    let (mut files, mut accepted) = (0, 0);
    for entry in entries {
        let path = entry.expect("directory entry").path();
        let data = std::fs::read(&path).expect("corpus file");
        let result = std::panic::catch_unwind(|| run(target, &data));
        match result {
            Ok(Some(outcome)) => accepted += usize::from(outcome == Outcome::Accepted),
            Ok(None) => panic!("unknown target {target}"),
            Err(_) => panic!("{} fails target {target}", path.display()),
        }
        files += 1;
    }
    (files, accepted)
}

#[test]
fn every_corpus_file_passes_its_target() {
    for target in TARGETS {
        let (files, accepted) = replay(target);
        assert!(files > 0, "no corpus files for {target}");
        // The seeds must reach the accepting path too, not only rejections.
        assert!(accepted > 0, "no corpus file of {target} is accepted");
        println!("{target}: {files} files replayed, {accepted} accepted");
    }
}

#[test]
fn every_seed_is_in_the_corpus() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus");
    for (target, name, bytes) in hooksig_fuzz::seeds::seeds() {
        let path = root.join(target).join(&name);
        let committed =
            std::fs::read(&path).unwrap_or_else(|err| panic!("{}: {err}", path.display()));
        assert!(
            committed == bytes,
            "{} is stale: run the make_corpus example",
            path.display()
        );
    }
}

#[test]
fn every_target_has_a_fuzz_target_file() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let manifest = std::fs::read_to_string(root.join("Cargo.toml")).expect("Cargo.toml");
    let dir = root.join("fuzz_targets");
    let files = std::fs::read_dir(&dir).expect("fuzz_targets").count();
    assert_eq!(
        files,
        TARGETS.len(),
        "a file in fuzz_targets/ is not in TARGETS"
    );
    for target in TARGETS {
        let source = std::fs::read_to_string(dir.join(format!("{target}.rs")))
            .unwrap_or_else(|err| panic!("fuzz_targets/{target}.rs: {err}"));
        assert!(
            source.contains(&format!("hooksig_fuzz::families::{target}(data)")),
            "fuzz_targets/{target}.rs must run the {target} target"
        );
        assert!(
            manifest.contains(&format!("name = \"{target}\"")),
            "Cargo.toml lacks the {target} bin"
        );
    }
}
