//! CSV export and import on both backends: the round trip (export → import into a database
//! without those contracts → export) gives the same file; a file with problems stores nothing
//! and says where each one is; a fixed file goes in once and a second import changes nothing;
//! bad files are refused with a reason; exports follow the view's filters, sort and format, and
//! a download cut short releases its query.

use app::storage::Db;
use reqwest::StatusCode;

use crate::support;

mod exports;
mod files;
mod preview;

/// The demo register without its contracts (firms, systems, agreements and rates stay), so
/// the names a contract file uses are all there.
async fn demo_without_contracts(db: &Db) {
    server::demo::load(db).await.unwrap();
    for sql in [
        "DELETE FROM deliveries",
        "DELETE FROM sources WHERE contract_id IS NOT NULL",
        "DELETE FROM alternative_values WHERE contract_id IS NOT NULL",
        "DELETE FROM contract_lines",
        "DELETE FROM contracts",
    ] {
        app::storage::execute(db, sql).await.unwrap();
    }
    app::storage::rollup::rebuild(db).await.unwrap();
}

async fn export(
    app: &support::TestApp,
    query: &str,
) -> (StatusCode, reqwest::header::HeaderMap, Vec<u8>) {
    let response = app
        .client
        .get(format!("{}/export/{query}", app.base))
        .send()
        .await
        .unwrap();
    let status = response.status();
    let headers = response.headers().clone();
    (status, headers, response.bytes().await.unwrap().to_vec())
}

/// Uploads `content` as the browser's import form does; the preview page's address.
async fn upload(app: &support::TestApp, name: &str, content: Vec<u8>) -> String {
    let form = reqwest::multipart::Form::new().part(
        "file",
        reqwest::multipart::Part::bytes(content).file_name(name.to_owned()),
    );
    let response = app
        .client
        .post(format!("{}/import", app.base))
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    response.headers()["location"].to_str().unwrap().to_owned()
}

async fn contract_count(db: &Db) -> i64 {
    app::storage::scalar_i64(db, "SELECT COUNT(*) FROM contracts")
        .await
        .unwrap()
}

const HEADER: &str = "contract_ref,title,buyer,supplier,agreement,signed_on,status,value,currency,value_confidence,line,system,quantity,quantity_confidence,line_value,notes,sources";

fn file(rows: &[String]) -> Vec<u8> {
    format!("{HEADER}\r\n{}\r\n", rows.join("\r\n")).into_bytes()
}
