//! The real binary: its `--help`, start-up with and without demo data, a clear error for a bad
//! database URL, and a clean stop on SIGTERM.

use std::net::TcpListener;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const BINARY: &str = env!("CARGO_BIN_EXE_server");

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

struct Server {
    child: Child,
    base: String,
    _data: tempfile::TempDir,
}

impl Server {
    async fn start(extra: &[&str]) -> Server {
        let data = tempfile::tempdir().unwrap();
        let port = free_port();
        let child = Command::new(BINARY)
            .args(["--addr", &format!("127.0.0.1:{port}")])
            .args(extra)
            .env(
                "DATABASE_URL",
                format!("sqlite://{}/deals.db", data.path().display()),
            )
            .env("RUST_LOG", "warn")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let server = Server {
            child,
            base: format!("http://127.0.0.1:{port}"),
            _data: data,
        };
        let deadline = Instant::now() + Duration::from_secs(30);
        while Instant::now() < deadline {
            if let Ok(response) = reqwest::get(format!("{}/healthz", server.base)).await
                && response.status().is_success()
            {
                return server;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("the server did not answer /healthz within 30 s");
    }

    async fn firm_count(&self) -> i64 {
        reqwest::get(format!("{}/api/firms/count", self.base))
            .await
            .unwrap()
            .json()
            .await
            .unwrap()
    }

    /// Sends SIGTERM and waits for the process to end.
    fn terminate(mut self) -> std::process::ExitStatus {
        let pid = self.child.id().to_string();
        assert!(
            Command::new("kill")
                .args(["-TERM", &pid])
                .status()
                .unwrap()
                .success()
        );
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status;
            }
            assert!(
                Instant::now() < deadline,
                "still running 10 s after SIGTERM"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

#[test]
fn help_explains_every_setting() {
    let output = Command::new(BINARY).arg("--help").output().unwrap();
    assert!(output.status.success());
    let help = String::from_utf8(output.stdout).unwrap();
    for expected in [
        "--database-url",
        "[env: DATABASE_URL=",
        "postgres://",
        "--addr",
        "--no-demo-data",
        "--request-timeout",
        "/healthz",
        "SIGTERM",
    ] {
        assert!(
            help.contains(expected),
            "--help should mention {expected}:\n{help}"
        );
    }
}

#[test]
fn a_bad_database_url_is_a_clear_error() {
    let output = Command::new(BINARY)
        .args(["--database-url", "mysql://localhost/x"])
        .output()
        .unwrap();
    assert!(!output.status.success());
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(
        stderr.contains("use sqlite://PATH or postgres://"),
        "{stderr}"
    );
}

#[tokio::test]
async fn a_new_database_gets_the_demo_data_and_sigterm_stops_cleanly() {
    let server = Server::start(&[]).await;
    let seed: serde_json::Value = serde_json::from_str(include_str!("../seed/deals.json")).unwrap();
    let seeded_firms = seed["firms"].as_array().unwrap().len() as i64;
    assert!(seeded_firms > 5);
    assert_eq!(
        server.firm_count().await,
        seeded_firms,
        "the demo firms of seed/deals.json"
    );
    assert!(server.terminate().success(), "graceful shutdown exits 0");
}

#[tokio::test]
async fn no_demo_data_starts_empty() {
    let server = Server::start(&["--no-demo-data"]).await;
    assert_eq!(server.firm_count().await, 0);
    assert!(server.terminate().success());
}
