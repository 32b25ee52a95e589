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
    data: tempfile::TempDir,
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
            .stderr(std::fs::File::create(data.path().join("console.txt")).unwrap())
            .spawn()
            .unwrap();
        let server = Server {
            child,
            base: format!("http://127.0.0.1:{port}"),
            data,
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

    /// Firms in the server's database (read directly: the API needs a signed-in user).
    async fn firm_count(&self) -> i64 {
        let db =
            app::storage::Db::connect(&format!("sqlite://{}/deals.db", self.data.path().display()))
                .await
                .unwrap();
        let count = app::storage::firms::count(&db).await.unwrap();
        db.close().await;
        count
    }

    /// What the server printed on its console so far.
    fn console(&self) -> String {
        std::fs::read_to_string(self.data.path().join("console.txt")).unwrap_or_default()
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
    let seed: serde_json::Value = serde_json::from_str(include_str!(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/seed/deals.json"
    )))
    .unwrap();
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

/// Runs the binary on the SQLite database in `data` with `args`; (success, stdout, stderr).
fn run(data: &tempfile::TempDir, args: &[&str]) -> (bool, String, String) {
    let output = Command::new(BINARY)
        .args(args)
        .env(
            "DATABASE_URL",
            format!("sqlite://{}/deals.db", data.path().display()),
        )
        .env("RUST_LOG", "error")
        .output()
        .unwrap();
    (
        output.status.success(),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

#[test]
fn export_and_import_on_the_command_line() {
    let data = tempfile::tempdir().unwrap();
    let (ok, _, _) = run(&data, &["generate", "--contracts", "40"]);
    assert!(ok);
    let file = data.path().join("pl.csv");
    let file = file.to_str().unwrap();
    let (ok, _, stderr) = run(
        &data,
        &[
            "export",
            "contracts",
            "--query",
            "buyer=PL&sort=value",
            "--format",
            "excel-eu",
            "--output",
            file,
        ],
    );
    assert!(ok, "{stderr}");
    let bytes = std::fs::read(file).unwrap();
    assert!(bytes.starts_with(b"\xEF\xBB\xBFcontract_ref;title;buyer;"));
    let text = String::from_utf8(bytes[3..].to_vec()).unwrap();
    assert!(
        text.lines()
            .skip(1)
            .filter(|l| l.starts_with("c-"))
            .all(|l| l.contains(";PL;Poland;"))
    );

    // To standard output, the same rows as over HTTP; `--show-sql` prints the query it runs.
    let (ok, stdout, _) = run(&data, &["export", "firms"]);
    assert!(ok);
    assert!(stdout.starts_with("name,country,country_name,group,"));
    let (ok, stdout, _) = run(&data, &["export", "contracts", "--show-sql"]);
    assert!(ok && stdout.starts_with("SELECT c.id, c.external_id"));

    // The exported file, checked: nothing would change.
    let (ok, _, stderr) = run(&data, &["import", "contracts", file, "--dry-run"]);
    assert!(ok, "{stderr}");
    assert!(stderr.contains("0 new contracts, 0 updated,"), "{stderr}");
    assert!(stderr.contains("--dry-run: nothing was stored"));

    // A file with a mistake: where it is, and exit status 1.
    let bad = data.path().join("bad.csv");
    std::fs::write(&bad, "title,buyer,status,system,quantity,quantity_confidence\r\nNew lot,PL,signed,K99,3,confirmed\r\n").unwrap();
    let (ok, _, stderr) = run(&data, &["import", "contracts", bad.to_str().unwrap()]);
    assert!(!ok);
    assert!(
        stderr.contains("row 2, system: No system is called \u{201c}K99\u{201d}"),
        "{stderr}"
    );
    assert!(stderr.contains("nothing was stored"));
    let fixed = data.path().join("fixed.csv");
    std::fs::write(&fixed, "title,buyer,status,system,quantity,quantity_confidence\r\nNew lot,PL,signed,K9,3,confirmed\r\n").unwrap();
    let (ok, _, stderr) = run(&data, &["import", "contracts", fixed.to_str().unwrap()]);
    assert!(ok, "{stderr}");
    assert!(
        stderr.contains("stored: 1 created, 0 updated, 0 unchanged"),
        "{stderr}"
    );

    let (ok, _, stderr) = run(&data, &["export", "passwords"]);
    assert!(!ok);
    assert!(
        stderr.contains(
            "no export called \u{201c}passwords\u{201d}: use one of contracts, deliveries"
        ),
        "{stderr}"
    );
    let (ok, _, stderr) = run(&data, &["export", "contracts", "--query", "buyer=XX"]);
    assert!(!ok);
    assert!(
        stderr.contains("not understood in --query: buyer=XX"),
        "{stderr}"
    );
}

/// First start: the console shows a one-time set-up link; it creates the first administrator
/// (signed in at once), and works only once. `server user add` adds users from a shell.
#[tokio::test]
async fn first_start_prints_a_setup_link_that_works_once() {
    let server = Server::start(&[]).await;
    let console = server.console();
    let link = console
        .split_whitespace()
        .find(|word| word.contains("/setup?token="))
        .unwrap_or_else(|| panic!("no set-up link in the console output:\n{console}"))
        .to_owned();
    let token = link.split("token=").nth(1).unwrap().to_owned();
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    // Nothing is readable before.
    let response = client
        .get(format!("{}/contracts", server.base))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), reqwest::StatusCode::UNAUTHORIZED);
    let page = client.get(&link).send().await.unwrap();
    assert_eq!(page.status(), reqwest::StatusCode::OK);
    assert!(
        page.text()
            .await
            .unwrap()
            .contains("Create the first administrator")
    );
    let form = |password: &str| {
        vec![
            ("token", token.clone()),
            ("username", "chief".to_owned()),
            ("password", password.to_owned()),
            ("password_repeat", password.to_owned()),
        ]
    };
    // A short password is refused at its field.
    let refused = client
        .post(format!("{}/setup", server.base))
        .form(&form("short"))
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), reqwest::StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        refused
            .text()
            .await
            .unwrap()
            .contains("at least 12 characters")
    );
    let created = client
        .post(format!("{}/setup", server.base))
        .form(&form("a long enough passphrase"))
        .send()
        .await
        .unwrap();
    assert_eq!(created.status(), reqwest::StatusCode::SEE_OTHER);
    let cookie = created
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("__Host-dealtracker="))
        .expect("signed in at once")
        .split(';')
        .next()
        .unwrap()
        .to_owned();
    let count: i64 = client
        .get(format!("{}/api/firms/count", server.base))
        .header("cookie", &cookie)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(count, server.firm_count().await);
    // The link is spent.
    let again = client
        .post(format!("{}/setup", server.base))
        .form(&form("another long passphrase"))
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), reqwest::StatusCode::FORBIDDEN);
    assert!(server.terminate().success());

    // From a shell: a user with a password from standard input, then listed.
    let data = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}/deals.db", data.path().display());
    let add = |name: &str, role: &str, password: &str| {
        let mut child = Command::new(BINARY)
            .args(["--no-demo-data", "user", "add", name, "--role", role])
            .env("DATABASE_URL", &url)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        use std::io::Write;
        writeln!(child.stdin.take().unwrap(), "{password}").unwrap();
        child.wait_with_output().unwrap()
    };
    let added = add("Anna", "editor", "a long enough passphrase");
    assert!(
        added.status.success(),
        "{}",
        String::from_utf8_lossy(&added.stderr)
    );
    let short = add("bob", "viewer", "short");
    assert!(!short.status.success());
    assert!(String::from_utf8_lossy(&short.stderr).contains("at least 12"));
    let taken = add("anna", "viewer", "a long enough passphrase");
    assert!(String::from_utf8_lossy(&taken.stderr).contains("reset-password"));
    let list = Command::new(BINARY)
        .args(["user", "list"])
        .env("DATABASE_URL", &url)
        .output()
        .unwrap();
    let listed = String::from_utf8_lossy(&list.stdout);
    assert!(
        listed.contains("Anna") && listed.contains("editor"),
        "{listed}"
    );
    assert!(!listed.contains("bob"));
}
