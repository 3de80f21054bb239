//! Replays every committed fuzz corpus file (`fuzz/corpus/<target>/*`)
//! through the same target functions the fuzzer runs, on stable Rust and
//! without libFuzzer, so a regression the fuzzer once found (or a seed that
//! stopped meaning what it meant) fails `cargo test --all-features`.
#![cfg(feature = "fuzzing")]

use std::path::Path;

use hooksig::fuzzing::{self, Outcome};

/// Runs every file of one target's corpus; returns (files, accepted).
fn replay(target: &str) -> (usize, usize) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fuzz/corpus")
        .join(target);
    let entries = std::fs::read_dir(&dir).unwrap_or_else(|err| panic!("{}: {err}", dir.display()));
    let (mut files, mut accepted) = (0, 0);
    for entry in entries {
        let path = entry.expect("directory entry").path();
        let data = std::fs::read(&path).expect("corpus file");
        let result = std::panic::catch_unwind(|| fuzzing::run(target, &data));
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
    for target in fuzzing::TARGETS {
        let (files, accepted) = replay(target);
        assert!(files > 0, "no corpus files for {target}");
        // The seeds must reach the accepting path too, not only rejections.
        assert!(accepted > 0, "no corpus file of {target} is accepted");
        println!("{target}: {files} files replayed, {accepted} accepted");
    }
}

#[test]
fn every_target_has_a_fuzz_target_file() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz");
    let manifest = std::fs::read_to_string(root.join("Cargo.toml")).expect("fuzz/Cargo.toml");
    for target in fuzzing::TARGETS {
        let source = std::fs::read_to_string(root.join(format!("fuzz_targets/{target}.rs")))
            .unwrap_or_else(|err| panic!("fuzz_targets/{target}.rs: {err}"));
        assert!(
            source.contains(&format!("hooksig::fuzzing::{target}(")),
            "fuzz_targets/{target}.rs must call hooksig::fuzzing::{target}"
        );
        assert!(
            manifest.contains(&format!("name = \"{target}\"")),
            "fuzz/Cargo.toml lacks the {target} bin"
        );
    }
}
