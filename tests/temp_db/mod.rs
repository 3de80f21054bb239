//! A fresh SQLite database path under the temp dir, removed (with its WAL
//! files) when dropped: shared by the inbox tests.

use std::path::PathBuf;
use std::time::SystemTime;

pub(crate) struct TempDb(pub(crate) PathBuf);

impl TempDb {
    /// A path no other test or run uses: the process id, the time and the
    /// test's name.
    pub(crate) fn new(test: &str) -> Self {
        let nanos = SystemTime::now()
            .duration_since(SystemTime::UNIX_EPOCH)
            .unwrap()
            .as_nanos();
        TempDb(std::env::temp_dir().join(format!(
            "hooksig-inbox-{}-{nanos}-{test}.db",
            std::process::id()
        )))
    }
}

impl Drop for TempDb {
    fn drop(&mut self) {
        for suffix in ["", "-wal", "-shm"] {
            let mut path = self.0.clone().into_os_string();
            path.push(suffix);
            let _ = std::fs::remove_file(path);
        }
    }
}
