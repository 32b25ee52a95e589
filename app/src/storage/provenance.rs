//! Alternatives and sources of an agreement or a contract: the same two tables serve both,
//! keyed by `agreement_id` or `contract_id`.

use super::{Db, Result, StorageError, Tx, on_db, on_tx};
use crate::domain::register::{Alternative, Figure, Provenance, SourceRef};
use crate::domain::{Confidence, CurrencyCode, Money, PartialDate};

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
    for table in ["sources", "alternative_values"] {
        let sql = format!("DELETE FROM {table} WHERE {} = $1", owner.column());
        on_tx!(tx, conn => {
            sqlx::query(&sql).bind(owner.id()).execute(conn).await?;
        });
    }
    insert(tx, owner, provenance).await
}

#[derive(sqlx::FromRow)]
struct SourceRow {
    owner_id: i64,
    alternative_id: Option<i64>,
    backs_value: bool,
    title: String,
    publisher: String,
    url: Option<String>,
    published_on: Option<String>,
}

#[derive(sqlx::FromRow)]
struct AlternativeRow {
    owner_id: i64,
    id: i64,
    amount_minor: i64,
    currency: String,
    confidence: String,
    basis: String,
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

async fn load_many(db: &Db, column: &str, ids: &[i64]) -> Result<Vec<(i64, Provenance)>> {
    use super::args::{Args, bind_all};
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let mut args = Args::default();
    let placeholders: Vec<String> = ids.iter().map(|id| args.int(*id)).collect();
    let placeholders = placeholders.join(", ");
    let sources_sql = format!(
        "SELECT {column} AS owner_id, alternative_id, backs_value, title, publisher, url, published_on FROM sources \
         WHERE {column} IN ({placeholders}) ORDER BY {column}, position, id"
    );
    let alternatives_sql = format!(
        "SELECT {column} AS owner_id, id, amount_minor, currency, confidence, basis FROM alternative_values \
         WHERE {column} IN ({placeholders}) ORDER BY {column}, position, id"
    );
    let (sources, alternatives) = on_db!(db, pool => {
        let sources = bind_all!(sqlx::query_as::<_, SourceRow>(&sources_sql), args.0.clone()).fetch_all(pool).await?;
        let alternatives = bind_all!(sqlx::query_as::<_, AlternativeRow>(&alternatives_sql), args.0).fetch_all(pool).await?;
        (sources, alternatives)
    });
    let mut loaded: Vec<(i64, Provenance)> = Vec::new();
    fn entry(loaded: &mut Vec<(i64, Provenance)>, owner: i64) -> &mut Provenance {
        match loaded.iter().position(|(id, _)| *id == owner) {
            Some(index) => &mut loaded[index].1,
            None => {
                loaded.push((owner, Provenance::default()));
                &mut loaded.last_mut().expect("just pushed").1
            }
        }
    }
    let mut alternative_ids: Vec<(i64, usize)> = Vec::new();
    for row in alternatives {
        let figure = figure(
            Some(row.amount_minor),
            Some(&row.currency),
            Some(&row.confidence),
            row.basis,
        )?
        .ok_or_else(|| StorageError::Corrupt("alternative without a value".into()))?;
        let provenance = entry(&mut loaded, row.owner_id);
        alternative_ids.push((row.id, provenance.alternatives.len()));
        provenance.alternatives.push(Alternative {
            figure,
            sources: Vec::new(),
        });
    }
    for row in sources {
        let source = SourceRef {
            title: row.title,
            publisher: row.publisher,
            url: row.url,
            published_on: partial_date(row.published_on)?,
        };
        let provenance = entry(&mut loaded, row.owner_id);
        match row.alternative_id {
            Some(id) => {
                if let Some((_, index)) = alternative_ids.iter().find(|(a, _)| *a == id) {
                    provenance.alternatives[*index].sources.push(source);
                }
            }
            None if row.backs_value => provenance.value_sources.push(source),
            None => provenance.sources.push(source),
        }
    }
    Ok(loaded)
}
