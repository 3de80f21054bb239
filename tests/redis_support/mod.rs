//! Redis for the tests: the shared server of `.ci/redis.sh` (`REDIS_URL`),
//! or a redis-server of a test's own, durable (AOF, `appendfsync always`),
//! that the test can kill with SIGKILL and restart from its files.
//!
//! Without `REDIS_URL` (or without a `redis-server` binary) the tests say
//! so loudly and pass, except under CI (`CI` set), where they fail: CI can
//! never skip them silently.
#![allow(dead_code, unreachable_pub)]

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

fn skipped(what: &str) {
    // Straight to stderr: the test harness captures `eprintln!`.
    let _ = writeln!(
        std::io::stderr(),
        "\n*** SKIPPED: {what}; run `.ci/redis.sh run cargo test --all-features` ***"
    );
}

/// The shared server's URL (`REDIS_URL`).
pub fn redis_url() -> Option<String> {
    match std::env::var("REDIS_URL") {
        Ok(url) if !url.is_empty() => Some(url),
        _ if std::env::var_os("CI").is_some() => {
            panic!("REDIS_URL is not set under CI: start a redis-server (.ci/redis.sh) so the Redis tests run")
        }
        _ => {
            skipped("REDIS_URL is not set");
            None
        }
    }
}

/// A key prefix no other test run uses.
pub fn unique_prefix(test: &str) -> String {
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    format!("hooksig-test:{}:{nanos}:{test}:", std::process::id())
}

/// A redis-server of the test's own, on a free loopback port, its files
/// in a fresh directory, AOF on with `appendfsync always` (`REDIS_APPENDFSYNC`
/// for the bench); killed and its
/// directory removed when dropped.
pub struct RedisServer {
    child: Option<Child>,
    port: u16,
    dir: PathBuf,
    appendfsync: String,
}

impl RedisServer {
    /// Starts one; `None` (loudly) when there is no `redis-server`, except
    /// under CI.
    pub fn start(test: &str) -> Option<Self> {
        let found = Command::new("redis-server")
            .arg("--version")
            .stdout(Stdio::null())
            .status()
            .is_ok_and(|status| status.success());
        if !found {
            assert!(
                std::env::var_os("CI").is_none(),
                "no redis-server under CI: install it (.ci/redis.sh does)"
            );
            skipped("no redis-server binary");
            return None;
        }
        let dir = std::env::temp_dir().join(unique_prefix(test).replace(':', "-"));
        std::fs::create_dir_all(&dir).unwrap();
        let port = TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        // `REDIS_APPENDFSYNC` is for benches/inbox.rs's comparison only.
        let appendfsync = std::env::var("REDIS_APPENDFSYNC").unwrap_or_else(|_| "always".into());
        let mut server = RedisServer {
            child: None,
            port,
            dir,
            appendfsync,
        };
        server.spawn();
        Some(server)
    }

    fn spawn(&mut self) {
        let child = Command::new("redis-server")
            .args(["--bind", "127.0.0.1", "--port", &self.port.to_string()])
            .args([
                "--appendonly",
                "yes",
                "--appendfsync",
                &self.appendfsync,
                "--save",
                "",
                "--maxmemory-policy",
                "noeviction",
            ])
            .arg("--dir")
            .arg(&self.dir)
            .args(["--logfile", "redis.log"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        self.child = Some(child);
        let deadline = Instant::now() + Duration::from_secs(20);
        while !self.ping() {
            assert!(
                Instant::now() < deadline,
                "redis-server did not come up on port {}: {}",
                self.port,
                std::fs::read_to_string(self.dir.join("redis.log")).unwrap_or_default()
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Whether it answers `PING` with `PONG` (not `LOADING`).
    fn ping(&self) -> bool {
        let Ok(mut stream) = TcpStream::connect(("127.0.0.1", self.port)) else {
            return false;
        };
        let _ = stream.set_read_timeout(Some(Duration::from_secs(1)));
        let mut answer = [0; 5];
        stream.write_all(b"PING\r\n").is_ok()
            && stream.read_exact(&mut answer).is_ok()
            && &answer == b"+PONG"
    }

    /// Its `appendfsync` policy.
    pub fn appendfsync(&self) -> &str {
        &self.appendfsync
    }

    /// `redis://127.0.0.1:<port>/`.
    pub fn url(&self) -> String {
        format!("redis://127.0.0.1:{}/", self.port)
    }

    /// SIGKILL: no shutdown, no last write; what it acknowledged is what
    /// its AOF has.
    pub fn kill_9(&mut self) {
        if let Some(mut child) = self.child.take() {
            child.kill().unwrap();
            child.wait().unwrap();
        }
    }

    /// Starts it again on the same port from the same files.
    pub fn restart(&mut self) {
        self.kill_9();
        self.spawn();
    }
}

impl Drop for RedisServer {
    fn drop(&mut self) {
        self.kill_9();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}
