//! Alternatives and sources of an agreement or a contract: the same two tables serve both,
//! keyed by `agreement_id` or `contract_id`.

use super::{Db, Result, StorageError, Tx, on_tx};
use crate::domain::register::{Alternative, Figure, Provenance, SourceRef};
use crate::domain::{Confidence, CurrencyCode, Money, PartialDate};
use std::collections::HashMap;

#[derive(Clone, Copy, Debug)]
pub enum Owner {
    Agreement(i64),
    Contract(i64),
}

impl Owner {
    fn column(self) -> &'static str {
        match self {
            Owner::Agreement(_) => "agreement_id",
            Owner::Contract(_) => "contract_id",
        }
    }

    fn id(self) -> i64 {
        match self {
            Owner::Agreement(id) | Owner::Contract(id) => id,
        }
    }
}

pub(super) fn money(minor: Option<i64>, currency: Option<&str>) -> Result<Option<Money>> {
    match (minor, currency) {
        (Some(minor), Some(code)) => {
            let currency = CurrencyCode::parse(code).map_err(StorageError::Corrupt)?;
            Ok(Some(Money::from_minor(minor, currency)))
        }
        _ => Ok(None),
    }
}

pub(super) fn figure(
    minor: Option<i64>,
    currency: Option<&str>,
    confidence: Option<&str>,
    basis: String,
) -> Result<Option<Figure>> {
    let Some(money) = money(minor, currency)? else {
        return Ok(None);
    };
    let confidence =
        Confidence::parse(confidence.unwrap_or_default()).map_err(StorageError::Corrupt)?;
    Ok(Some(Figure {
        money,
        confidence,
        basis,
    }))
}

pub(super) fn partial_date(text: Option<String>) -> Result<Option<PartialDate>> {
    text.map(|t| PartialDate::parse(&t).map_err(StorageError::Corrupt))
        .transpose()
}

async fn insert_source(
    tx: &mut Tx,
    owner: Owner,
    alternative_id: Option<i64>,
    backs_value: bool,
    position: i64,
    source: &SourceRef,
) -> Result<()> {
    let sql = format!(
        "INSERT INTO sources ({}, alternative_id, backs_value, position, title, publisher, url, published_on) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        owner.column()
    );
    on_tx!(tx, conn => {
        sqlx::query(&sql)
            .bind(owner.id())
            .bind(alternative_id)
            .bind(backs_value)
            .bind(position)
            .bind(&source.title)
            .bind(&source.publisher)
            .bind(source.url.as_deref())
            .bind(source.published_on.map(|d| d.to_string()))
            .execute(conn)
            .await?;
    });
    Ok(())
}

/// Stores the alternatives and sources of a new record, inside its transaction.
pub async fn insert(tx: &mut Tx, owner: Owner, provenance: &Provenance) -> Result<()> {
    let mut position = 0;
    for source in &provenance.value_sources {
        position += 1;
        insert_source(tx, owner, None, true, position, source).await?;
    }
    for source in &provenance.sources {
        position += 1;
        insert_source(tx, owner, None, false, position, source).await?;
    }
    let identifier_sql = format!(
        "INSERT INTO identifiers ({}, position, kind, value) VALUES ($1, $2, $3, $4)",
        owner.column()
    );
    for (position, identifier) in provenance.identifiers.iter().enumerate() {
        on_tx!(tx, conn => {
            sqlx::query(&identifier_sql)
                .bind(owner.id())
                .bind(position as i64)
                .bind(identifier.kind().as_str())
                .bind(identifier.value())
                .execute(conn)
                .await?;
        });
    }
    let sql = format!(
        "INSERT INTO alternative_values ({}, position, amount_minor, currency, confidence, basis) \
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
        owner.column()
    );
    for (index, alternative) in provenance.alternatives.iter().enumerate() {
        let figure = &alternative.figure;
        let id: i64 = on_tx!(tx, conn => {
            sqlx::query_scalar(&sql)
                .bind(owner.id())
                .bind(index as i64)
                .bind(figure.money.to_minor())
                .bind(figure.money.currency().as_str())
                .bind(figure.confidence.as_str())
                .bind(&figure.basis)
                .fetch_one(conn)
                .await?
        });
        for source in &alternative.sources {
            position += 1;
            insert_source(tx, owner, Some(id), false, position, source).await?;
        }
    }
    Ok(())
}

/// Replaces the alternatives and sources of a record being edited, inside its transaction.
pub async fn replace(tx: &mut Tx, owner: Owner, provenance: &Provenance) -> Result<()> {
    // Sources of alternatives go with them (ON DELETE CASCADE); the rest are deleted here.
    for table in ["sources", "alternative_values", "identifiers"] {
        let sql = format!("DELETE FROM {table} WHERE {} = $1", owner.column());
        on_tx!(tx, conn => {
            sqlx::query(&sql).bind(owner.id()).execute(conn).await?;
        });
    }
    insert(tx, owner, provenance).await
}

/// A row of [`queries`]' sources query, in its column order.
#[derive(sqlx::FromRow)]
pub(super) struct SourceRow {
    pub owner_id: i64,
    pub alternative_id: Option<i64>,
    pub backs_value: bool,
    pub title: String,
    pub publisher: String,
    pub url: Option<String>,
    pub published_on: Option<String>,
}

/// A row of [`queries`]' identifiers query, in its column order.
#[derive(sqlx::FromRow)]
pub(super) struct IdentifierRow {
    pub owner_id: i64,
    pub kind: String,
    pub value: String,
}

/// A row of [`queries`]' alternatives query, in its column order.
#[derive(sqlx::FromRow)]
pub(super) struct AlternativeRow {
    pub owner_id: i64,
    pub id: i64,
    pub amount_minor: i64,
    pub currency: String,
    pub confidence: String,
    pub basis: String,
}

/// Loads the alternatives and sources of a record; `value` is the record's chosen figure.
pub async fn load(db: &Db, owner: Owner, value: Option<Figure>) -> Result<Provenance> {
    let column = owner.column();
    let mut loaded = load_many(db, column, &[owner.id()]).await?;
    let mut provenance = loaded.pop().map(|(_, p)| p).unwrap_or_default();
    provenance.value = value;
    Ok(provenance)
}

/// The alternatives and sources of the contracts `ids` (for an export, a batch at a time),
/// without their chosen values: `(contract id, provenance)` for each contract that has any.
pub async fn load_contracts(db: &Db, ids: &[i64]) -> Result<Vec<(i64, Provenance)>> {
    load_many(db, Owner::Contract(0).column(), ids).await
}

/// [`queries`] for the contracts `ids` on SQLite (the export's own reader runs them there).
pub(super) fn sqlite_contract_queries(ids: &[i64]) -> Queries {
    queries(Owner::Contract(0).column(), &sqlite_owners(ids))
}
async fn load_many(db: &Db, column: &str, ids: &[i64]) -> Result<Vec<(i64, Provenance)>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let (sources, alternatives, identifiers) = match db {
        Db::Sqlite(pool) => {
            let q = queries(column, &sqlite_owners(ids));
            let sources = sqlx::query_as::<_, SourceRow>(&q.sources)
                .fetch_all(pool)
                .await?;
            let alternatives = sqlx::query_as::<_, AlternativeRow>(&q.alternatives)
                .fetch_all(pool)
                .await?;
            let identifiers = sqlx::query_as::<_, IdentifierRow>(&q.identifiers)
                .fetch_all(pool)
                .await?;
            (sources, alternatives, identifiers)
        }
        Db::Postgres(pool) => {
            let q = queries(column, "= ANY($1)");
            let sources = sqlx::query_as::<_, SourceRow>(&q.sources)
                .bind(ids)
                .fetch_all(pool)
                .await?;
            let alternatives = sqlx::query_as::<_, AlternativeRow>(&q.alternatives)
                .bind(ids)
                .fetch_all(pool)
                .await?;
            let identifiers = sqlx::query_as::<_, IdentifierRow>(&q.identifiers)
                .bind(ids)
                .fetch_all(pool)
                .await?;
            (sources, alternatives, identifiers)
        }
    };
    assemble(sources, alternatives, identifiers)
}

/// The queries that load the provenance of some records.
pub(super) struct Queries {
    pub sources: String,
    pub alternatives: String,
    pub identifiers: String,
}

/// The queries that load the provenance of the records whose `column` matches `owners` (a
/// condition such as `= ANY($1)`): their sources, their alternatives and their identifiers.
///
/// How the owners are given is the one difference between the backends here, each as it
/// handles an export's batch of thousands of ids fastest: PostgreSQL runs `= ANY($1)` with one
/// bound array (a prepared statement) in about 2 ms for 2,048 ids, where an `IN` list of the
/// same ids took ~10 ms, half of it planning; SQLite has no arrays, and its parser looks up
/// each `$n` among those before it (quadratic in the batch), so there the ids are integer
/// literals ([`sqlite_owners`]).
fn queries(column: &str, owners: &str) -> Queries {
    let sources_sql = format!(
        "SELECT {column} AS owner_id, alternative_id, backs_value, title, publisher, url, published_on FROM sources \
         WHERE {column} {owners} ORDER BY {column}, position, id"
    );
    let alternatives_sql = format!(
        "SELECT {column} AS owner_id, id, amount_minor, currency, confidence, basis FROM alternative_values \
         WHERE {column} {owners} ORDER BY {column}, position, id"
    );
    let identifiers_sql = format!(
        "SELECT {column} AS owner_id, kind, value FROM identifiers \
         WHERE {column} {owners} ORDER BY {column}, position, id"
    );
    Queries {
        sources: sources_sql,
        alternatives: alternatives_sql,
        identifiers: identifiers_sql,
    }
}

/// `IN (1, 2, …)`: the owners condition for SQLite (integers cannot inject anything).
fn sqlite_owners(ids: &[i64]) -> String {
    let ids: Vec<String> = ids.iter().map(i64::to_string).collect();
    format!("IN ({})", ids.join(", "))
}

/// Puts the rows of [`queries`] together: `(owner id, provenance)` for each owner with any.
pub(super) fn assemble(
    sources: Vec<SourceRow>,
    alternatives: Vec<AlternativeRow>,
    identifiers: Vec<IdentifierRow>,
) -> Result<Vec<(i64, Provenance)>> {
    // Indexes by id: an export batch has thousands of contracts, so no linear searches.
    let mut loaded: Vec<(i64, Provenance)> = Vec::new();
    let mut index_of: HashMap<i64, usize> = HashMap::new();
    let mut entry = |loaded: &mut Vec<(i64, Provenance)>, owner: i64| -> usize {
        *index_of.entry(owner).or_insert_with(|| {
            loaded.push((owner, Provenance::default()));
            loaded.len() - 1
        })
    };
    // An alternative's id → its owner's entry and its place among the owner's alternatives.
    let mut alternative_at: HashMap<i64, (usize, usize)> = HashMap::new();
    for row in alternatives {
        let figure = figure(
            Some(row.amount_minor),
            Some(&row.currency),
            Some(&row.confidence),
            row.basis,
        )?
        .ok_or_else(|| StorageError::Corrupt("alternative without a value".into()))?;
        let owner = entry(&mut loaded, row.owner_id);
        let alternatives = &mut loaded[owner].1.alternatives;
        alternative_at.insert(row.id, (owner, alternatives.len()));
        alternatives.push(Alternative {
            figure,
            sources: Vec::new(),
        });
    }
    for row in identifiers {
        let kind =
            crate::domain::IdentifierKind::parse(&row.kind).map_err(StorageError::Corrupt)?;
        let identifier = crate::domain::identifier::Identifier::parse(kind, &row.value)
            .map_err(StorageError::Corrupt)?;
        let owner = entry(&mut loaded, row.owner_id);
        loaded[owner].1.identifiers.push(identifier);
    }
    for row in sources {
        let source = SourceRef {
            title: row.title,
            publisher: row.publisher,
            url: row.url,
            published_on: partial_date(row.published_on)?,
        };
        match row.alternative_id {
            Some(id) => {
                if let Some(&(owner, index)) = alternative_at.get(&id) {
                    loaded[owner].1.alternatives[index].sources.push(source);
                }
            }
            None => {
                let owner = entry(&mut loaded, row.owner_id);
                let provenance = &mut loaded[owner].1;
                if row.backs_value {
                    provenance.value_sources.push(source);
                } else {
                    provenance.sources.push(source);
                }
            }
        }
    }
    Ok(loaded)
}
