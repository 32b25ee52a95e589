//! Importing contracts from CSV: the file is read and checked as a whole (every problem with
//! its spreadsheet row and column), names are matched to stored records, and each contract goes
//! through the entry form's own parser. The preview then makes the commit's writes in a
//! transaction it rolls back, so whatever the storage would refuse (a buyer other than the
//! framework's, a line below its deliveries…) is in the preview too, at its row and column.
//! Only a file without problems is committed, in one transaction. Rows carry the contract's
//! external id (`contract_ref`): a file imported again updates the same contracts, and
//! contracts it has exactly as stored are left alone.

mod changes;
mod form_fields;
mod grouping;
mod names;
mod plans;
mod read;
mod write;

use super::{ImportPreview, Imported, PlannedRow, Problem};
use crate::contracts::form::ContractForm;
use crate::domain::register::{Contract, ContractDraft};
use crate::error::AppError;
use crate::storage::Db;
use crate::storage::contracts;
use grouping::FileContract;
use names::{Names, Unmatched};
use read::Table;
use std::collections::HashMap;

/// The longest `contract_ref` the database keeps.
const EXTERNAL_ID_MAX: usize = 100;

/// A checked file: the preview, and what committing it would write.
pub struct Plan {
    pub preview: ImportPreview,
    items: Vec<Item>,
}

/// A contract of the plan, ready to write.
struct Item {
    /// The spreadsheet row of the contract's first line.
    row: u64,
    external_id: Option<String>,
    draft: ContractDraft,
    /// `(id, version)` of the stored contract with this external id.
    stored: Option<(i64, i64)>,
    unchanged: bool,
    /// The spreadsheet row of each of the draft's lines, in order.
    line_rows: Vec<u64>,
    /// The stored contract's lines: id, number (1, 2…) and system.
    stored_lines: Vec<(i64, usize, String)>,
    /// Each of the draft's lines' delivery plan, in order; `None` keeps the stored plans (the
    /// file has no `delivery_plan` column).
    plans: Option<Vec<Vec<plans::FilePlan>>>,
}

fn problem(row: u64, column: &str, message: impl Into<String>) -> Problem {
    Problem {
        row,
        column: column.to_owned(),
        message: message.into(),
    }
}

/// What checking a file found: its problems, and the names it uses that match no record.
struct Findings {
    problems: Vec<Problem>,
    unknown: Vec<String>,
}

impl Findings {
    /// A name that matches no record: its problem, and the name once in the preview's list.
    fn not_found(&mut self, unmatched: Unmatched) {
        self.problems.push(unmatched.problem);
        if !self.unknown.contains(&unmatched.what) {
            self.unknown.push(unmatched.what);
        }
    }
}

/// Reads `bytes` and matches their names: the plan of what a commit would write, with the
/// file's own problems. The write's checks come with [`plan`] (a trial write) or [`commit`].
#[tracing::instrument(name = "import.prepare", skip(db, bytes), fields(bytes = bytes.len()))]
pub async fn prepare(db: &Db, file_name: &str, bytes: &[u8]) -> Result<Plan, AppError> {
    let mut preview = ImportPreview {
        file_name: file_name.to_owned(),
        ..ImportPreview::default()
    };
    let (table, problems) = match read::read(bytes) {
        Ok(read) => read,
        Err(problems) => {
            preview.problems = problems;
            return Ok(Plan {
                preview,
                items: Vec::new(),
            });
        }
    };
    preview.rows = table.rows.len();
    let names = Names::load(db).await?;
    let mut findings = Findings {
        problems,
        unknown: Vec::new(),
    };
    let groups = grouping::by_contract(&table);
    let stored = stored_ids(db, &groups).await?;
    let mut items = Vec::new();
    for group in groups {
        let Some(contract) = grouping::checked(group, &table, &mut findings.problems) else {
            continue;
        };
        let existing = match contract.external_id.as_ref().and_then(|r| stored.get(r)) {
            Some(id) => contracts::get(db, *id).await?,
            None => None,
        };
        let planned = plan_contract(&table, &names, &contract, existing, &mut findings);
        if let Some((item, row)) = planned {
            match (item.unchanged, row.id) {
                (true, _) => preview.unchanged += 1,
                (false, Some(_)) => preview.updates.push(row),
                (false, None) => preview.creates.push(row),
            }
            items.push(item);
        }
    }
    findings.problems.sort_by_key(|p| p.row);
    preview.problems = findings.problems;
    preview.unknown = findings.unknown;
    Ok(Plan { preview, items })
}

/// The ids of the stored contracts the file's `contract_ref`s name. A reference that cannot be
/// stored is refused with its contract; it is never sent to the database (PostgreSQL refuses a
/// NUL in any text parameter).
async fn stored_ids(db: &Db, groups: &[grouping::Group]) -> Result<HashMap<String, i64>, AppError> {
    let refs: Vec<String> = groups
        .iter()
        .filter_map(|g| g.external_id.clone())
        .filter(|r| crate::domain::text::clean(r, crate::domain::text::Lines::One).is_ok())
        .collect();
    Ok(contracts::by_external_ids(db, &refs)
        .await?
        .into_iter()
        .map(|(external_id, id, _)| (external_id, id))
        .collect())
}

/// One contract of the file through the entry form's parser: the item to write and its row in
/// the preview, or `None` with the form's messages in `findings`.
fn plan_contract(
    table: &Table,
    names: &Names,
    contract: &FileContract,
    existing: Option<Contract>,
    findings: &mut Findings,
) -> Option<(Item, PlannedRow)> {
    let form = form_fields::contract_form(table, names, contract, existing.as_ref(), findings);
    let reported = findings.problems.len();
    let draft = match ContractDraft::try_from(&form) {
        Ok(draft) => draft,
        Err(errors) => {
            form_fields::report(&errors, contract, table, reported, &mut findings.problems);
            return None;
        }
    };
    if let Some((field, message)) = existing
        .as_ref()
        .and_then(|stored| crate::contracts::service::life_refusal(stored, &draft))
    {
        let errors = crate::domain::FieldErrors::single(field, message);
        form_fields::report(&errors, contract, table, reported, &mut findings.problems);
        return None;
    }
    let row = table.rows[contract.rows[0]].row;
    let kept: Vec<bool> = form.lines.iter().map(|l| !l.is_blank()).collect();
    let plans = plans::read(table, contract, &kept, &mut findings.problems);
    if findings.problems.len() > reported {
        return None;
    }
    // What the stored contract's lines have planned, line by line of the draft (a new line:
    // nothing).
    let stored_plans: Vec<Vec<plans::FilePlan>> = draft
        .lines
        .iter()
        .map(|line| match (&existing, line.id) {
            (Some(stored), Some(id)) => plans::stored(&stored.plans, id),
            _ => Vec::new(),
        })
        .collect();
    let plans_kept = plans.as_ref().is_none_or(|p| *p == stored_plans);
    let stored_draft = existing
        .as_ref()
        .and_then(|c| ContractDraft::try_from(&ContractForm::from(c)).ok());
    let unchanged = plans_kept && stored_draft.as_ref().is_some_and(|stored| *stored == draft);
    let mut changes = stored_draft
        .as_ref()
        .map(|stored| changes::changes(stored, &draft, names))
        .unwrap_or_default();
    if existing.is_some()
        && let Some(plans) = &plans
    {
        for (k, (new, old)) in plans.iter().zip(&stored_plans).enumerate() {
            if new != old {
                changes.push(crate::domain::audit::FieldChange {
                    field: format!("Line {}: delivery plan", k + 1),
                    before: plans::describe(old),
                    after: plans::describe(new),
                });
            }
        }
    }
    let planned = PlannedRow {
        row,
        contract_ref: contract.external_id.clone().unwrap_or_default(),
        title: draft.title.to_string(),
        lines: draft.lines.len(),
        id: existing.as_ref().map(|c| c.id),
        changes,
    };
    let item = Item {
        row,
        external_id: contract.external_id.clone(),
        line_rows: form_fields::draft_line_rows(&form, contract, table),
        draft,
        stored: existing.as_ref().map(|c| (c.id, c.version)),
        unchanged,
        stored_lines: existing.as_ref().map_or_else(Vec::new, |c| {
            c.lines
                .iter()
                .enumerate()
                .map(|(i, l)| (l.id, i + 1, l.system.name.clone()))
                .collect()
        }),
        plans,
    };
    Some((item, planned))
}

/// Reads and checks `bytes` as a commit would store them: the preview lists every problem of
/// the file and every refusal of the write, because it makes the commit's very writes in a
/// transaction that it rolls back. Nothing is stored.
#[tracing::instrument(name = "import.plan", skip(db, bytes), fields(bytes = bytes.len()))]
pub async fn plan(db: &Db, file_name: &str, bytes: &[u8]) -> Result<Plan, AppError> {
    let mut plan = prepare(db, file_name, bytes).await?;
    if plan.items.iter().any(|item| !item.unchanged) {
        let mut tx = db.begin().await?;
        let (_, refused) = write::write(&mut tx, &plan.items).await?;
        // Dropping the transaction rolls the trial back.
        drop(tx);
        plan.preview.problems.extend(refused);
        plan.preview.problems.sort_by_key(|p| p.row);
    }
    Ok(plan)
}

/// Stores a plan in one transaction: all of it, or nothing and the preview with every reason
/// (row and column). A plan from [`prepare`] goes through the same checks as [`plan`] makes.
#[tracing::instrument(name = "import.commit", skip_all, fields(contracts = plan.items.len()))]
pub async fn commit(db: &Db, plan: Plan) -> Result<Result<Imported, ImportPreview>, AppError> {
    let Plan { mut preview, items } = plan;
    if !preview.problems.is_empty() {
        return Ok(Err(preview));
    }
    let mut tx = db.begin().await?;
    let (done, refused) = write::write(&mut tx, &items).await?;
    if !refused.is_empty() {
        // Dropping the transaction rolls everything back.
        preview.problems = refused;
        return Ok(Err(preview));
    }
    tx.commit().await?;
    tracing::info!(
        created = done.created,
        updated = done.updated,
        unchanged = done.unchanged,
        "import committed"
    );
    Ok(Ok(done))
}
