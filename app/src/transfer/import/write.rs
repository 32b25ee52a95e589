//! Writing a plan's contracts, each behind a savepoint, with the storage's refusals as
//! problems at their rows and columns.

use super::{EXTERNAL_ID_MAX, Item, problem};
use crate::domain::CountryCode;
use crate::domain::{ContractId, Version};
use crate::error::AppError;
use crate::storage::contracts::{self, ContractRefusal};
use crate::storage::{Inserted, Versioned};
use crate::storage::{StorageError, Tx, execute_in};
use crate::transfer::{Imported, Problem};

/// Writes the plan's contracts in `tx`, each behind a savepoint: a contract the storage refuses
/// is undone alone and its reason kept, so one pass finds every refusal, and the contracts
/// after it are checked against the register as it is. The caller commits only when there is
/// no refusal.
pub(super) async fn write(
    tx: &mut Tx,
    items: &[Item],
) -> Result<(Imported, Vec<Problem>), AppError> {
    let mut done = Imported::default();
    let mut refused = Vec::new();
    for item in items {
        if item.unchanged {
            done.unchanged += 1;
            continue;
        }
        execute_in(tx, "SAVEPOINT import_contract").await?;
        let written = match write_contract(tx, item).await {
            Ok(written) => written,
            Err(error) => Err(refused_by_database(item, error)?),
        };
        match written {
            Ok(Written::Created) => done.created += 1,
            Ok(Written::Updated) => done.updated += 1,
            Err(problem) => {
                execute_in(tx, "ROLLBACK TO SAVEPOINT import_contract").await?;
                refused.push(problem);
            }
        }
        execute_in(tx, "RELEASE SAVEPOINT import_contract").await?;
    }
    refused.sort_by_key(|p| p.row);
    Ok((done, refused))
}

enum Written {
    Created,
    Updated,
}

/// Writes one contract of the plan inside `tx`, or says why the storage refuses it (at its row
/// and column). On a refusal the caller undoes what was written of it.
async fn write_contract(
    tx: &mut Tx,
    item: &Item,
) -> Result<Result<Written, Problem>, StorageError> {
    if let Some(gone) = deleted_since_checked(tx, item).await? {
        return Ok(Err(gone));
    }
    let Some((id, version)) = item.stored else {
        return Ok(match contracts::insert_in(tx, &item.draft).await? {
            Inserted::Done(id) => {
                if let Some(external_id) = &item.external_id {
                    contracts::set_external_id(tx, id, external_id).await?;
                }
                write_plans(tx, id, item).await?;
                Ok(Written::Created)
            }
            Inserted::Refused(refusal) => Err(refused(item, refusal)),
        });
    };
    let edit = contracts::update_in(tx, ContractId(id), Version(version), &item.draft).await?;
    let written = updated(item, edit);
    if written.is_ok() {
        write_plans(tx, id, item).await?;
    }
    Ok(written)
}

/// Saves the file's delivery plans over contract `id`'s (just written: its lines are the
/// draft's, in order), when the file has them.
async fn write_plans(tx: &mut Tx, id: i64, item: &Item) -> Result<(), StorageError> {
    let Some(plans) = &item.plans else {
        return Ok(());
    };
    let lines = crate::storage::plans::line_ids_in(tx, id).await?;
    let drafts: Vec<crate::domain::plan::PlanDraft> = lines
        .iter()
        .zip(plans)
        .flat_map(|(line_id, plans)| {
            plans.iter().map(|p| crate::domain::plan::PlanDraft {
                line_id: *line_id,
                period: p.period,
                units: p.units,
                confidence: p.confidence,
                source: p.source.clone(),
            })
        })
        .collect();
    crate::storage::plans::replace_in(tx, id, &drafts).await
}

/// The supplier or a system the item names, when it was deleted after the file was checked:
/// names were matched when the file was read, and the database would refuse them without
/// saying which.
async fn deleted_since_checked(tx: &mut Tx, item: &Item) -> Result<Option<Problem>, StorageError> {
    if let Some(id) = item.draft.supplier_id
        && !crate::storage::exists_in(tx, "firms", id).await?
    {
        return Ok(Some(problem(
            item.row,
            "supplier",
            "This firm was deleted after the file was checked: check the file again.",
        )));
    }
    for (k, line) in item.draft.lines.iter().enumerate() {
        if !crate::storage::exists_in(tx, "systems", line.system_id).await? {
            return Ok(Some(problem(
                item.line_rows.get(k).copied().unwrap_or(item.row),
                "system",
                "This system was deleted after the file was checked: check the file again.",
            )));
        }
    }
    Ok(None)
}

/// What saving the item over its stored contract came to: updated, or why the storage refused
/// it, at its row and column.
fn updated(item: &Item, edit: Versioned<ContractRefusal>) -> Result<Written, Problem> {
    Err(match edit {
        Versioned::Done => return Ok(Written::Updated),
        Versioned::Stale => problem(
            item.row,
            "contract_ref",
            "Someone saved this contract after the file was checked: check the file again to see their changes.",
        ),
        Versioned::Missing => problem(
            item.row,
            "contract_ref",
            "This contract was deleted after the file was checked: check the file again.",
        ),
        Versioned::Refused(refusal) => refused(item, refusal),
    })
}

/// A write the contract's rules refused, as a problem at the row and column it is about.
fn refused(item: &Item, refusal: ContractRefusal) -> Problem {
    match refusal {
        ContractRefusal::BuyerMismatch { agreement_buyer } => {
            agreement_problem(item.row, Some(agreement_buyer))
        }
        ContractRefusal::MissingAgreement => agreement_problem(item.row, None),
        ContractRefusal::LineDelivered { line_id, delivered } => problem(
            item.row,
            "line",
            format!(
                "{} has {} delivered and is not in the file: keep its row (a line cannot be removed while deliveries are recorded on it).",
                item.stored_line(line_id),
                units(delivered)
            ),
        ),
        ContractRefusal::LineAmended {
            line_id,
            amendments,
        } => problem(
            item.row,
            "line",
            format!(
                "{} has {} recorded and is not in the file: keep its row (a line cannot be removed while amendments are recorded on it).",
                item.stored_line(line_id),
                plural_amendments(amendments)
            ),
        ),
        ContractRefusal::BelowDelivered { line_id, delivered } => problem(
            item.line_row(line_id),
            "quantity",
            format!(
                "{} already delivered on this line: the quantity cannot be less.",
                units(delivered)
            ),
        ),
        ContractRefusal::UnknownLine { line_id } => problem(
            item.line_row(line_id),
            "line",
            "This line is no longer part of the contract (it changed after the file was checked): check the file again.",
        ),
    }
}

fn plural_amendments(n: i64) -> String {
    if n == 1 {
        "1 amendment".to_owned()
    } else {
        format!("{n} amendments")
    }
}

/// A constraint the database enforced on a contract's write, as a problem at its row; other
/// storage faults stay faults.
fn refused_by_database(item: &Item, error: StorageError) -> Result<Problem, AppError> {
    Ok(match error {
        StorageError::UniqueViolation {
            constraint: Some(ref name),
        } if name == crate::storage::constraints::CONTRACT_REF => problem(
            item.row,
            "contract_ref",
            "Another contract has this contract_ref (it was stored after the file was checked): check the file again.",
        ),
        StorageError::ForeignKeyViolation { constraint } => {
            let constraint = constraint.unwrap_or_default();
            let column = ["system", "agreement", "supplier"]
                .into_iter()
                .find(|c| constraint.contains(c))
                .unwrap_or("supplier");
            problem(
                item.row,
                column,
                "A firm, system or agreement this row names was deleted after the file was checked: check the file again.",
            )
        }
        StorageError::CheckViolation(constraint) if constraint.contains("external_id") => problem(
            item.row,
            "contract_ref",
            format!("A contract_ref has at most {EXTERNAL_ID_MAX} characters."),
        ),
        StorageError::CheckViolation(constraint) if constraint.contains("delivered") => problem(
            item.row,
            "quantity",
            "A line's quantity is below what has been delivered on it (a delivery was recorded after the file was checked): check the file again.",
        ),
        error => return Err(error.into()),
    })
}

/// The entry form's message for a contract its framework agreement refuses, at its column.
fn agreement_problem(row: u64, agreement_buyer: Option<CountryCode>) -> Problem {
    let (field, message) = crate::contracts::service::agreement_refusal(agreement_buyer);
    let column = if field == "buyer" {
        "buyer"
    } else {
        "agreement"
    };
    problem(row, column, message)
}

fn units(n: i64) -> String {
    if n == 1 {
        "1 unit".to_owned()
    } else {
        format!("{n} units")
    }
}

impl Item {
    /// The spreadsheet row of the draft's line that is stored line `line_id`.
    fn line_row(&self, line_id: i64) -> u64 {
        self.draft
            .lines
            .iter()
            .position(|l| l.id == Some(line_id))
            .and_then(|k| self.line_rows.get(k).copied())
            .unwrap_or(self.row)
    }

    /// "Line 2 (K2PL)": a stored line, as the contract page numbers it.
    fn stored_line(&self, line_id: i64) -> String {
        self.stored_lines
            .iter()
            .find(|(id, _, _)| *id == line_id)
            .map_or_else(
                || "A line".to_owned(),
                |(_, number, system)| format!("Line {number} ({system})"),
            )
    }
}
