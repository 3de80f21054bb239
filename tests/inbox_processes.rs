//! Crash tests with real processes: examples/inbox.rs as the receiver and
//! the worker, killed with SIGKILL (`Child::kill`) at the worst moments,
//! over a SQLite file and over a redis-server of the test's own.
#![cfg(unix)]

mod redis_support;
mod temp_db;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::PathBuf;
use std::process::{Child, ChildStdout, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant, SystemTime};

use bytes::Bytes;
use hooksig::github::GitHub;
use hooksig::inbox::{Envelope, Inbox, RedisInbox, SqliteInbox, State};
use hooksig::{Outgoing, Provider};
use temp_db::TempDb;

const SECRET: &str = "crash-test-secret";

/// The example binary: `cargo test` builds the examples beside the tests;
/// built here if it is missing.
fn example() -> PathBuf {
    let exe = std::env::current_exe().unwrap();
    let debug = exe.parent().unwrap().parent().unwrap();
    let path = debug.join("examples").join("inbox");
    if !path.exists() {
        let status = Command::new(env!("CARGO"))
            .args(["build", "--example", "inbox"])
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .status()
            .unwrap();
        assert!(status.success(), "cargo build --example inbox failed");
    }
    path
}

/// A running example process whose stdout lines arrive on a channel;
/// killed (SIGKILL) when dropped.
struct Process {
    child: Child,
    lines: mpsc::Receiver<String>,
}

impl Process {
    fn start(mode: &str, db: &TempDb, env: &[(&str, &str)]) -> Self {
        Process::start_with(mode, &format!("sqlite:{}", db.0.display()), env)
    }

    /// Started with `INBOX=<inbox>`.
    fn start_with(mode: &str, inbox: &str, env: &[(&str, &str)]) -> Self {
        let mut command = Command::new(example());
        command
            .arg(mode)
            .env("INBOX", inbox)
            .env("GITHUB_WEBHOOK_SECRET", SECRET)
            .env("BIND", "127.0.0.1:0")
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit());
        for (name, value) in env {
            command.env(name, value);
        }
        let mut child = command.spawn().unwrap();
        let stdout: ChildStdout = child.stdout.take().unwrap();
        let (send, lines) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                if send.send(line).is_err() {
                    break;
                }
            }
        });
        Process { child, lines }
    }

    /// The first line starting with `prefix`, within `timeout`.
    fn wait_for(&self, prefix: &str, timeout: Duration) -> String {
        let deadline = Instant::now() + timeout;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.lines.recv_timeout(left) {
                Ok(line) if line.starts_with(prefix) => return line,
                Ok(_) => {}
                Err(_) => panic!("no line starting with {prefix:?} within {timeout:?}"),
            }
        }
    }

    fn kill_9(&mut self) {
        self.child.kill().unwrap();
        self.child.wait().unwrap();
    }
}

impl Drop for Process {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

fn wait_for_state(inbox: &SqliteInbox, key: &str, state: State) -> Envelope {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        if let Some(envelope) = runtime().block_on(inbox.get(key)).unwrap() {
            if envelope.state() == state {
                return envelope;
            }
        }
        assert!(Instant::now() < deadline, "{key} never reached {state}");
        std::thread::sleep(Duration::from_millis(10));
    }
}

/// POSTs a signed GitHub delivery over real HTTP; the status and body.
fn post(addr: &str, id: &str, body: &[u8]) -> (u16, String) {
    let github = GitHub::new(SECRET).unwrap();
    let headers = github
        .sign_headers(&Outgoing::new(body).id(id).event("push"))
        .unwrap();
    let mut request = format!(
        "POST /webhooks/github HTTP/1.1\r\nhost: {addr}\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n",
        body.len()
    );
    for (name, value) in &headers {
        request.push_str(&format!("{name}: {}\r\n", value.to_str().unwrap()));
    }
    request.push_str("\r\n");
    let mut stream = TcpStream::connect(addr).unwrap();
    stream.write_all(request.as_bytes()).unwrap();
    stream.write_all(body).unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    let status = response[9..12].parse().unwrap();
    let body = response.split("\r\n\r\n").nth(1).unwrap_or("").to_owned();
    (status, body)
}

#[test]
fn a_worker_killed_while_its_handler_runs_leaves_the_delivery_to_another() {
    let db = TempDb::new("worker");
    let inbox = SqliteInbox::open(&db.0).unwrap();
    let envelope = Envelope::new(
        "github:d-crash",
        "github",
        Bytes::from_static(b"{}"),
        SystemTime::now(),
    )
    .with_id(Some("d-crash".into()));
    runtime().block_on(inbox.accept(&envelope)).unwrap();

    let mut slow = Process::start(
        "work",
        &db,
        &[("HANDLER_MS", "600000"), ("LEASE_MS", "600")],
    );
    slow.wait_for("working", Duration::from_secs(20));
    let leased = wait_for_state(&inbox, "github:d-crash", State::Leased);
    assert_eq!(leased.attempts(), 1);
    // Let one renewal happen, then kill it mid-handler.
    std::thread::sleep(Duration::from_millis(300));
    slow.kill_9();

    let other = Process::start("work", &db, &[("LEASE_MS", "600")]);
    let line = other.wait_for("processed", Duration::from_secs(20));
    assert_eq!(line, "processed github d-crash");
    let done = wait_for_state(&inbox, "github:d-crash", State::Succeeded);
    assert_eq!(done.attempts(), 2);
}

#[test]
fn a_receiver_killed_right_after_its_202_has_the_delivery_on_disk() {
    let db = TempDb::new("receiver");
    let mut receiver = Process::start("receive", &db, &[]);
    let addr = receiver.wait_for("listening on ", Duration::from_secs(20))["listening on ".len()..]
        .to_owned();
    let (status, body) = post(&addr, "d-202", br#"{"ref":"main"}"#);
    assert_eq!(
        (status, body.as_str()),
        (202, r#"{"id":"github:d-202","status":"queued"}"#)
    );
    receiver.kill_9();

    // On disk, whatever the receiver had time for.
    let inbox = SqliteInbox::open(&db.0).unwrap();
    let queued = runtime()
        .block_on(inbox.get("github:d-202"))
        .unwrap()
        .unwrap();
    assert_eq!(queued.state(), State::Queued);
    assert_eq!(queued.body().as_ref(), br#"{"ref":"main"}"#);

    // After a restart the sender's retry is a duplicate, and a worker
    // processes the delivery once.
    let receiver = Process::start("receive", &db, &[]);
    let addr = receiver.wait_for("listening on ", Duration::from_secs(20))["listening on ".len()..]
        .to_owned();
    let (status, body) = post(&addr, "d-202", br#"{"ref":"main"}"#);
    assert_eq!((status, body.as_str()), (200, r#"{"status":"duplicate"}"#));
    let worker = Process::start("work", &db, &[("FAIL_EVERY", "1000")]);
    assert_eq!(
        worker.wait_for("processed", Duration::from_secs(20)),
        "processed github d-202"
    );
    wait_for_state(&inbox, "github:d-202", State::Succeeded);
}

#[test]
fn over_redis_a_receiver_answers_202_and_a_killed_workers_delivery_is_processed_by_another() {
    let Some(server) = redis_support::RedisServer::start("processes") else {
        return;
    };
    let url = server.url();
    // One runtime for the test: the inbox's connection lives on it.
    let runtime = runtime();
    let inbox = runtime.block_on(RedisInbox::connect(&url)).unwrap();
    let state = |key: &str, state: State| {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            if let Some(envelope) = runtime.block_on(inbox.get(key)).unwrap() {
                if envelope.state() == state {
                    return envelope;
                }
            }
            assert!(Instant::now() < deadline, "{key} never reached {state}");
            std::thread::sleep(Duration::from_millis(10));
        }
    };

    let mut receiver = Process::start_with("receive", &url, &[]);
    let addr = receiver.wait_for("listening on ", Duration::from_secs(20))["listening on ".len()..]
        .to_owned();
    let (status, body) = post(&addr, "d-redis", br#"{"ref":"main"}"#);
    assert_eq!(
        (status, body.as_str()),
        (202, r#"{"id":"github:d-redis","status":"queued"}"#)
    );
    let (status, body) = post(&addr, "d-redis", br#"{"ref":"main"}"#);
    assert_eq!((status, body.as_str()), (200, r#"{"status":"duplicate"}"#));
    receiver.kill_9();
    let queued = state("github:d-redis", State::Queued);
    assert_eq!(queued.body().as_ref(), br#"{"ref":"main"}"#);

    // A worker takes it and is killed mid-handler: once its lease is idle
    // past 600 ms, XAUTOCLAIM gives it to the next worker.
    let mut slow = Process::start_with(
        "work",
        &url,
        &[("HANDLER_MS", "600000"), ("LEASE_MS", "600")],
    );
    slow.wait_for("working", Duration::from_secs(20));
    assert_eq!(state("github:d-redis", State::Leased).attempts(), 1);
    std::thread::sleep(Duration::from_millis(300));
    slow.kill_9();

    let other = Process::start_with("work", &url, &[("LEASE_MS", "600")]);
    assert_eq!(
        other.wait_for("processed", Duration::from_secs(20)),
        "processed github d-redis"
    );
    assert_eq!(state("github:d-redis", State::Succeeded).attempts(), 2);
}

#[test]
fn a_bad_redis_url_is_a_clear_error_at_start_up_not_a_panic() {
    for mode in ["receive", "work"] {
        let output = Command::new(example())
            .arg(mode)
            .env("INBOX", "redis://[::1")
            .env("GITHUB_WEBHOOK_SECRET", SECRET)
            .env("BIND", "127.0.0.1:0")
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(!output.status.success(), "{mode}");
        assert!(stderr.contains("not a valid Redis URL"), "{mode}: {stderr}");
        assert!(!stderr.contains("panicked"), "{mode}: {stderr}");
    }
}
