//! The "Export CSV" form of every list, and the import pages: upload, preview, result.

use super::{CsvFormat, ImportPreview, View};
use crate::components::ErrorPanel;
use crate::components::format::plural;
use crate::error::AppError;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};
use server_fn::codec::GetUrl;

/// A GET form to `/export/{view}` carrying the page's filters and sort: works without
/// JavaScript, and the browser keeps the page while it downloads the file.
#[component]
pub fn ExportCsv(
    view: View,
    pairs: Vec<(String, String)>,
    /// The button's words, when the page exports more than one file.
    #[prop(default = "Export CSV")]
    label: &'static str,
) -> impl IntoView {
    let kept = pairs.into_iter().filter(|(k, v)| {
        !v.trim().is_empty()
            && !["page", "format", "deleted", "created", "saved"].contains(&k.as_str())
    });
    view! {
        <form class="export-csv" method="get" action=format!("/export/{}", view.as_str())>
            {kept.map(|(name, value)| view! { <input type="hidden" name=name value=value /> }).collect_view()}
            <label>
                <span class="visually-hidden">"File format"</span>
                <select name="format">
                    {CsvFormat::ALL.map(|f| view! { <option value=f.as_str()>{f.label()}</option> }).collect_view()}
                </select>
            </label>
            <button type="submit" class="button">{label}</button>
        </form>
    }
}

fn query_value(name: &str) -> Option<String> {
    use_query_map().with_untracked(|q| q.get(name))
}

/// `/import`: upload a contract file; after a commit, what it did.
#[component]
pub fn ImportPage() -> impl IntoView {
    let count = |name: &str| query_value(name).and_then(|v| v.parse::<usize>().ok());
    let done = count("created").map(|created| {
        let updated = count("updated").unwrap_or(0);
        let unchanged = count("unchanged").unwrap_or(0);
        format!(
            "Imported: {} created, {updated} updated, {unchanged} unchanged.",
            plural(created, "contract")
        )
    });
    let refused = query_value("refused").map(|reason| match reason.as_str() {
        "too-large" => format!("That file is larger than {} MB: split it into smaller files.", super::IMPORT_LIMIT / 1_048_576),
        "no-file" => "Choose a CSV file to import.".to_owned(),
        "expired" => "That upload is no longer here (an upload is kept for a day, until it is imported): upload the file again.".to_owned(),
        _ => "The upload did not arrive whole. Try again.".to_owned(),
    });
    view! {
        <Title text="Import contracts" />
        <h1>"Import contracts"</h1>
        {done.map(|text| view! {
            <p class="alert alert-success" role="status">{text}" "<a href="/contracts?sort=signed">"See the contracts"</a></p>
        })}
        {refused.map(|text| view! { <p class="alert alert-error" role="alert">{text}</p> })}
        <p class="lead">"Add or update many contracts at once from a spreadsheet. Nothing is stored until you have seen what the file would change, and then all of it is stored or none."</p>
        <form class="import-form" method="post" action="/import" enctype="multipart/form-data">
            <div class="field">
                <label for="import-file">"CSV file of contracts"</label>
                <input id="import-file" type="file" name="file" accept=".csv,text/csv" required />
                <p class="hint">{format!("UTF-8, comma or semicolon separated, at most {} MB.", super::IMPORT_LIMIT / 1_048_576)}</p>
            </div>
            <button type="submit" class="button primary">"Check the file"</button>
        </form>
        <h2>"The file"</h2>
        <p>"The columns of the contract export, one row per contract line: start from "<a href="/export/contracts">"an export of the contracts"</a>" and edit it. In short:"</p>
        <ul class="prose">
            <li><strong>"contract_ref"</strong>": the contract's id. Rows with the same id are the lines of one contract; a known id updates that contract, a new one creates it; left empty, each row is a new contract."</li>
            <li><strong>"supplier"</strong>", "<strong>"system"</strong>", "<strong>"agreement"</strong>": names of firms, systems and agreements already here (case does not matter); "<strong>"buyer"</strong>": ISO code or country name. Unknown names are listed, never created."</li>
            <li><strong>"value"</strong>", "<strong>"line_value"</strong>": plain decimals in "<strong>"currency"</strong>" (a decimal comma in a semicolon file); "<strong>"signed_on"</strong>": 2025-08-01, 2025-08 or 2025."</li>
            <li><strong>"other_values"</strong>" and "<strong>"sources"</strong>": one per line in the cell, fields separated by |: amount | currency | confidence | basis, and supports | title | publisher | url | date, where supports is value, record or other N."</li>
            <li>"buyer_name, usd_value, usd_rate, usd_rate_date, category and delivered are computed: they are read past. Deliveries are recorded on each contract's page."</li>
        </ul>
    }
}

#[server(endpoint = "import/preview", input = GetUrl)]
pub async fn check_import(token: String) -> Result<Option<ImportPreview>, AppError> {
    crate::context::answer(
        async {
            let db = crate::context::db()?;
            let Some(pending) = crate::storage::imports::get(&db, &token).await? else {
                return Ok(None);
            };
            let plan = super::import::plan(&db, &pending.file_name, &pending.content).await?;
            Ok(Some(plan.preview))
        }
        .await,
    )
}

/// A commit the storage refused: the page shows its reasons instead of checking the file again
/// (provided by the server's commit route when it renders this page).
#[derive(Debug, Clone)]
pub struct RefusedImport(pub ImportPreview);

/// `/import/:token`: what the uploaded file would change (each update's changes), every
/// problem with its spreadsheet row and column, and the button that stores it.
#[component]
pub fn ImportPreviewPage() -> impl IntoView {
    let token = use_params_map()
        .with_untracked(|p| p.get("token"))
        .unwrap_or_default();
    if let Some(RefusedImport(preview)) = use_context::<RefusedImport>() {
        return view! {
            <Title text="Import refused" />
            <h1>"Import refused"</h1>
            <p class="alert alert-error" role="alert">
                "The import was refused: nothing was stored. The reasons are below. "
                <a href=format!("/import/{token}")>"Check the file again"</a>
            </p>
            {preview_view(preview, token.clone())}
        }
        .into_any();
    }
    let preview = Resource::new(
        {
            let token = token.clone();
            move || token.clone()
        },
        check_import,
    );
    view! {
        <Title text="Check the import" />
        <h1>"Check the import"</h1>
        <Suspense fallback=|| view! { <p class="placeholder">"Reading the file…"</p> }>
            {move || {
                let token = token.clone();
                Suspend::new(async move {
                    match preview.await {
                        Ok(Some(preview)) => preview_view(preview, token).into_any(),
                        Ok(None) => view! {
                            <p class="alert alert-error" role="alert">"That upload is no longer here: it was imported, or is older than a day. "<a href="/import">"Upload the file again"</a></p>
                        }.into_any(),
                        Err(error) => view! { <ErrorPanel error /> }.into_any(),
                    }
                })
            }}
        </Suspense>
    }
    .into_any()
}

fn preview_view(preview: ImportPreview, token: String) -> impl IntoView {
    let changes = preview.creates.len() + preview.updates.len();
    let summary = format!(
        "{}: {}. Contracts: {} new, {} to update, {} unchanged.",
        preview.file_name,
        plural(preview.rows, "row"),
        preview.creates.len(),
        preview.updates.len(),
        preview.unchanged
    );
    let problems = preview.problems.clone();
    let ok = problems.is_empty();
    view! {
        <p class="lead">{summary}</p>
        {(!ok).then(|| view! {
            <div class="alert alert-error" role="alert">
                <p>{format!("{} problem(s): nothing can be stored until the file is fixed. Correct them in the file and upload it again.", problems.len())}</p>
                {(!preview.unknown.is_empty()).then(|| view! { <p>{format!("Not found here: {}.", preview.unknown.join(", "))}</p> })}
            </div>
            <div class="table-wrap">
                <table class="data" aria-label="Problems in the file">
                    <thead><tr><th scope="col" class="num">"Row"</th><th scope="col">"Column"</th><th scope="col">"Problem"</th></tr></thead>
                    <tbody>
                        {problems.into_iter().map(|p| view! {
                            <tr>
                                <td class="num">{if p.row == 0 { "—".to_owned() } else { p.row.to_string() }}</td>
                                <td>{if p.column.is_empty() { "—".to_owned() } else { p.column }}</td>
                                <td>{p.message}</td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
            </div>
            <p><a class="button" href="/import">"Upload a corrected file"</a></p>
        })}
        {ok.then(|| view! {
            {planned_table("New contracts", preview.creates.clone())}
            {planned_table("Contracts to update", preview.updates.clone())}
            {if changes == 0 {
                view! { <p class="empty">"Every contract in the file is already stored as it is: there is nothing to import."</p> }.into_any()
            } else {
                view! {
                    <form method="post" action=format!("/import/{token}/commit")>
                        <button type="submit" class="button primary">{format!("Import {}", plural(changes, "contract"))}</button>
                        " "<a href="/import">"Cancel"</a>
                    </form>
                }.into_any()
            }}
        })}
    }
}

/// The contracts a file creates or updates; an update lists its changes.
fn planned_table(title: &'static str, rows: Vec<super::PlannedRow>) -> impl IntoView {
    let updates = rows.iter().any(|r| r.id.is_some());
    (!rows.is_empty()).then(|| view! {
        <h2>{format!("{title} ({})", rows.len())}</h2>
        <div class="table-wrap">
            <table class="data" aria-label=title>
                <thead><tr>
                    <th scope="col" class="num">"Row"</th><th scope="col">"Contract"</th><th scope="col">"Ref"</th><th scope="col" class="num">"Lines"</th>
                    {updates.then(|| view! { <th scope="col">"Changes"</th> })}
                </tr></thead>
                <tbody>
                    {rows.into_iter().map(|r| view! {
                        <tr>
                            <td class="num">{r.row}</td>
                            <td>{match r.id {
                                Some(id) => view! { <a href=format!("/contracts/{id}")>{r.title}</a> }.into_any(),
                                None => r.title.into_any(),
                            }}</td>
                            <td class="mono small">{r.contract_ref}</td>
                            <td class="num">{r.lines}</td>
                            {updates.then(|| view! {
                                <td>
                                    <ul class="changes">
                                        {r.changes.into_iter().map(|c| view! {
                                            <li>{c.to_string()}</li>
                                        }).collect_view()}
                                    </ul>
                                </td>
                            })}
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    })
}
