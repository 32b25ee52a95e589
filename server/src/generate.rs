//! `server generate`: fills a database with synthetic contracts (realistic buyers, suppliers,
//! systems, dates, currencies, confidence and deliveries) for benchmarks, and `server measure`:
//! times the summary queries on it.
//!
//! The data is data the app itself could hold: a line's delivered units are the sum of its
//! delivery rows (one to four per delivered line, each a real date between the signing and
//! today, as recording a delivery writes them), never more than the line's quantity, and the
//! summary's maintained totals are rebuilt from them at the end.
//!
//! Contracts go in with multi-row INSERTs in batches, one transaction per batch, with explicit
//! ids so their lines (and the lines' deliveries) can refer to them; PostgreSQL needs
//! `OVERRIDING SYSTEM VALUE` for that and its identity sequences moved past them afterwards
//! (the one dialect difference here). Deliveries take the ids their table gives them.

use app::domain::filter::ContractFilter;
use app::domain::rate::{from_nanos, usd_equivalent};
use app::domain::summary::Dimension;
use app::domain::{ContractStatus, CountryCode, CurrencyCode, HasStanding, Money, Standing};
use app::storage::{Backend, Db, Tx};
use chrono::{Datelike, Days, NaiveDate, SubsecRound};
use indicatif::{ProgressBar, ProgressStyle};
use std::time::Instant;

/// A small deterministic generator (SplitMix64): the same `--seed` gives the same data.
struct Random(u64);

impl Random {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `low..=high`.
    fn range(&mut self, low: i64, high: i64) -> i64 {
        low + (self.next() % (high - low + 1) as u64) as i64
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.next() as usize % items.len()]
    }

    /// `true` with probability `percent` / 100.
    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }
}

const BUYERS: [&str; 24] = [
    "PL", "RO", "EE", "FI", "NO", "AU", "EG", "MY", "PH", "IN", "ID", "TR", "AE", "SA", "QA", "TH",
    "VN", "PE", "CO", "BR", "CZ", "SK", "HU", "LT",
];
/// (currency, lowest and highest value in minor units)
const CURRENCIES: [(&str, i64, i64); 5] = [
    ("USD", 100_000_000, 500_000_000_000),
    ("USD", 100_000_000, 500_000_000_000),
    ("EUR", 100_000_000, 300_000_000_000),
    ("KRW", 1_000_000_000, 5_000_000_000_000),
    ("PLN", 400_000_000, 1_000_000_000_000),
];
const CONFIDENCE: [&str; 6] = [
    "confirmed",
    "confirmed",
    "confirmed",
    "reported",
    "reported",
    "estimated",
];
const BATCH: usize = 1000;

/// A currency's rates: (rate date, rate id, USD nanos per unit), oldest first.
type Rates = Vec<(String, i64, i64)>;

struct Reference {
    firms: Vec<i64>,
    systems: Vec<i64>,
    rates: Vec<(String, Rates)>,
}

async fn reference(db: &Db) -> Result<Reference, String> {
    if app::storage::firms::count(db)
        .await
        .map_err(|e| e.to_string())?
        == 0
    {
        crate::demo::load(db).await.map_err(|e| e.to_string())?;
    }
    let firms = app::storage::firms::list(db)
        .await
        .map_err(|e| e.to_string())?
        .into_iter()
        .map(|f| f.id)
        .collect();
    let systems = app::storage::systems::list(db)
        .await
        .map_err(|e| e.to_string())?
        .into_iter()
        .map(|s| s.id)
        .collect();
    let mut rates: Vec<(String, Rates)> = Vec::new();
    for rate in app::storage::rates::list(db)
        .await
        .map_err(|e| e.to_string())?
    {
        let code = rate.currency.to_string();
        let entry = (
            rate.date.to_string(),
            rate.id,
            app::domain::rate::to_nanos(rate.usd_per_unit),
        );
        match rates.iter_mut().find(|(c, _)| *c == code) {
            Some((_, list)) => list.push(entry),
            None => rates.push((code, vec![entry])),
        }
    }
    for (_, list) in &mut rates {
        list.sort();
    }
    Ok(Reference {
        firms,
        systems,
        rates,
    })
}

/// Adds `count` synthetic contracts (with one or two lines each, and the deliveries behind
/// their lines' delivered units) to `db`.
pub async fn generate(db: &Db, count: u64, seed: u64) -> Result<(), String> {
    let reference = reference(db).await?;
    let postgres = db.backend() == Backend::Postgres;
    let mut random = Random(seed);
    // The deliveries draw from a stream of their own, so a seed gives the same contracts and
    // lines as it did before deliveries were generated.
    let mut random_deliveries = Random(seed ^ 0x6465_6C69_7665_7279); // "delivery"
    let mut ids = NextIds {
        contract: next_id(db, "contracts").await?,
        line: next_id(db, "contract_lines").await?,
        amendment: next_id(db, "amendments").await?,
    };
    let bar = ProgressBar::new(count);
    bar.set_style(
        ProgressStyle::with_template(
            "{spinner} {wide_bar} {human_pos}/{human_len} contracts ({per_sec}, {eta} left)",
        )
        .map_err(|e| e.to_string())?,
    );
    let override_ids = if postgres {
        " OVERRIDING SYSTEM VALUE"
    } else {
        ""
    };
    // As the app stores its timestamps: to the microsecond.
    let now = chrono::Utc::now().trunc_subsecs(6);
    let today = now.date_naive();
    let now = now.to_rfc3339();
    let mut left = count;
    while left > 0 {
        let size = left.min(BATCH as u64) as usize;
        let mut batch = Batch::default();
        for _ in 0..size {
            batch.add_contract(
                &mut random,
                &mut random_deliveries,
                &reference,
                &mut ids,
                (&now, today),
            );
        }
        batch.insert(db, override_ids).await?;
        left -= size as u64;
        bar.inc(size as u64);
    }
    if postgres {
        for table in ["contracts", "contract_lines", "amendments"] {
            let sql = format!(
                "SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT MAX(id) FROM {table}))"
            );
            app::storage::scalar_i64(db, &sql)
                .await
                .map_err(|e| e.to_string())?;
        }
    }
    bar.set_message("adding up the summary's totals");
    app::storage::rollup::rebuild(db)
        .await
        .map_err(|e| e.to_string())?;
    // Fresh statistics for the planner (and, on PostgreSQL, the visibility map that lets a
    // count use the index alone) after a bulk load.
    bar.set_message("updating the query planner's statistics");
    let analyze = if postgres {
        "VACUUM ANALYZE"
    } else {
        "ANALYZE"
    };
    app::storage::execute(db, analyze)
        .await
        .map_err(|e| e.to_string())?;
    bar.finish_with_message("done");
    Ok(())
}

/// The first id after the largest in `table`.
async fn next_id(db: &Db, table: &'static str) -> Result<i64, String> {
    let sql = format!("SELECT CAST(COALESCE(MAX(id), 0) + 1 AS BIGINT) FROM {table}");
    app::storage::scalar_i64(db, &sql)
        .await
        .map_err(|e| e.to_string())
}

/// The ids the next contract, line and amendment get.
struct NextIds {
    contract: i64,
    line: i64,
    amendment: i64,
}

/// The VALUES of one batch's INSERTs.
#[derive(Default)]
struct Batch {
    contracts: String,
    lines: String,
    deliveries: String,
    amendments: String,
    changes: String,
    sources: String,
    plans: String,
}

impl Batch {
    /// Adds a contract, its lines and their deliveries (drawn from `random_deliveries`). The
    /// order of each generator's draws is what makes a seed give the same data: keep it.
    fn add_contract(
        &mut self,
        random: &mut Random,
        random_deliveries: &mut Random,
        reference: &Reference,
        ids: &mut NextIds,
        (now, today): (&str, NaiveDate),
    ) {
        let contract_id = ids.contract;
        let year = random.range(1996, 2025);
        let month = random.range(1, 12);
        let day = random.range(1, 28);
        let signed = format!("{year}-{month:02}-{day:02}");
        let signed_on = NaiveDate::from_ymd_opt(year as i32, month as u32, day as u32)
            .expect("days up to the 28th exist in every month");
        let (currency, low, high) = *random.pick(&CURRENCIES);
        let valued = !random.chance(10);
        let minor = random.range(low, high);
        let confidence = *random.pick(&CONFIDENCE);
        let usd = if !valued {
            None
        } else if currency == "USD" {
            Some((minor, None))
        } else {
            usd_at_signing(reference, currency, minor, &signed)
        };
        // One in ten is still in the pipeline: a stage, a probability and the date drawn as its
        // expected signing date (no signing date). Chosen without drawing more numbers, so
        // the rest of the data is what the same seed always gave.
        let stages = ContractStatus::of(Standing::Pipeline);
        let status = match random.range(0, 9) {
            0 => "cancelled",
            1 | 2 => "completed",
            3..=5 => "in delivery",
            9 => stages[contract_id as usize % stages.len()].as_str(),
            _ => "signed",
        };
        let pipeline = stages
            .iter()
            .any(|s| s.as_str() == status)
            .then(|| (contract_id * 37) % 101);
        let buyer = *random.pick(&BUYERS);
        debug_assert!(CountryCode::parse(buyer).is_ok());
        let sql_text = |v: Option<String>| v.map_or("NULL".to_owned(), |v| format!("'{v}'"));
        let sql_int = |v: Option<i64>| v.map_or("NULL".to_owned(), |v| v.to_string());
        if !self.contracts.is_empty() {
            self.contracts.push(',');
        }
        self.contracts.push_str(&format!(
            "({contract_id}, 'Synthetic contract {contract_id}', {supplier}, '{buyer}', {signed_on}, {year}, '{status}', \
             {value}, {currency}, {confidence}, '{now}', '{now}', {usd}, {rate}, '{external_id}', \
             {likely}, {probability}, {probability_confidence})",
            signed_on = sql_text(pipeline.is_none().then(|| signed.clone())),
            likely = sql_text(pipeline.map(|_| signed.clone())),
            probability = sql_int(pipeline),
            probability_confidence = sql_text(pipeline.map(|_| "estimated".to_owned())),
            supplier = random.pick(&reference.firms),
            value = sql_int(valued.then_some(minor)),
            currency = sql_text(valued.then(|| currency.to_owned())),
            confidence = sql_text(valued.then(|| confidence.to_owned())),
            usd = sql_int(usd.map(|(cents, _)| cents)),
            rate = sql_int(usd.and_then(|(_, rate)| rate)),
            external_id = app::storage::contracts::new_external_id(),
        ));
        // One in ten contracts in force has options on its first line and an amendment of
        // it (an option exercised, or more units ordered), a year after signing; as the other
        // choices above, made without drawing more numbers.
        let amended = pipeline.is_none() && status != "cancelled" && contract_id % 10 == 3;
        for position in 0..random.range(1, 2) {
            let quantity = random.range(1, 300);
            let delivered = match status {
                "completed" => quantity,
                "in delivery" => random.range(0, quantity),
                _ => 0,
            };
            if !self.lines.is_empty() {
                self.lines.push(',');
            }
            let amendment = (amended && position == 0 && quantity >= 2).then(|| {
                let exercised = contract_id % 20 == 3;
                (exercised, (contract_id % 7) + 1)
            });
            let (options, exercised_units) = match amendment {
                Some((true, options)) => (options, 1),
                Some((false, options)) => (options, 0),
                None => (0, 0),
            };
            self.lines.push_str(&format!(
                "({line_id}, {contract_id}, {position}, {system}, {quantity}, '{confidence}', {delivered}, {options}, {exercised_units})",
                line_id = ids.line,
                system = random.pick(&reference.systems),
                confidence = random.pick(&CONFIDENCE),
            ));
            if let Some((exercised, _)) = amendment {
                self.add_amendment(ids, ids.line, exercised, year + 1, month, now);
            }
            // One in five contracts in force has a delivery plan: half its units the year after
            // signing, the rest the year after that (again without drawing).
            if pipeline.is_none() && status != "cancelled" && contract_id % 5 == 1 {
                self.add_plan(ids.line, quantity, year);
            }
            self.add_deliveries(
                random_deliveries,
                ids.line,
                delivered,
                signed_on,
                now,
                today,
            );
            ids.line += 1;
        }
        ids.contract += 1;
    }

    /// Adds the deliveries of `delivered` units on line `line_id` of a contract signed on
    /// `signed_on`: one to four of them, oldest first, each with at least one unit, dated
    /// between the signing and `today`, in the shape `storage::deliveries::record` writes.
    fn add_deliveries(
        &mut self,
        random: &mut Random,
        line_id: i64,
        delivered: i64,
        signed_on: NaiveDate,
        now: &str,
        today: NaiveDate,
    ) {
        let parts = random.range(1, 4).min(delivered);
        let mut left = delivered;
        let mut on = signed_on;
        for part in 0..parts {
            let after = if part == 0 { (30, 720) } else { (30, 365) };
            on = on
                .checked_add_days(Days::new(random.range(after.0, after.1) as u64))
                .unwrap_or(today)
                .min(today)
                .max(signed_on);
            let still_to_come = parts - part - 1;
            let units = if still_to_come == 0 {
                left
            } else {
                // Leave at least one unit for each delivery still to come.
                random.range(1, (left - still_to_come).min(((left + 1) / 2).max(1)))
            };
            left -= units;
            if !self.deliveries.is_empty() {
                self.deliveries.push(',');
            }
            self.deliveries.push_str(&format!(
                "({line_id}, '{on}', {year}, {units}, '{confidence}', '', 1, '{now}', '{now}')",
                year = on.year(),
                confidence = random.pick(&CONFIDENCE),
            ));
        }
        debug_assert_eq!(left, 0);
    }

    /// Adds the plan of line `line_id`, of `quantity` units, signed in `year`: half the units
    /// in the year after, the rest in the year after that.
    fn add_plan(&mut self, line_id: i64, quantity: i64, year: i64) {
        let first = quantity / 2;
        for (position, (units, year)) in [(first, year + 1), (quantity - first, year + 2)]
            .into_iter()
            .filter(|(units, _)| *units > 0)
            .enumerate()
        {
            if !self.plans.is_empty() {
                self.plans.push(',');
            }
            self.plans.push_str(&format!(
                "({line_id}, {position}, '{year}', '{year}-01-01', '{year}-12-31', {year}, {year}, {units}, 'reported', 'Synthetic plan')"
            ));
        }
    }

    /// Adds an amendment of line `line_id` (of contract `ids.contract`) in `year`-`month`: one
    /// option exercised, or one more unit ordered; the line as written already holds it.
    fn add_amendment(
        &mut self,
        ids: &mut NextIds,
        line_id: i64,
        exercised: bool,
        year: i64,
        month: i64,
        now: &str,
    ) {
        let id = ids.amendment;
        ids.amendment += 1;
        let (kind, units, exercised) = if exercised {
            ("option exercised", 0, 1)
        } else {
            ("quantity change", 1, 0)
        };
        for (list, row) in [
            (
                &mut self.amendments,
                format!(
                    "({id}, {contract}, '{year}-{month:02}', {year}, '{kind}', 'Synthetic {kind}', 'reported', '{now}')",
                    contract = ids.contract
                ),
            ),
            (
                &mut self.changes,
                format!("({id}, {line_id}, {units}, 0, {exercised})"),
            ),
            (
                &mut self.sources,
                format!("({id}, 0, 'Synthetic source {id}')"),
            ),
        ] {
            if !list.is_empty() {
                list.push(',');
            }
            list.push_str(&row);
        }
    }

    /// Stores the batch in one transaction.
    async fn insert(self, db: &Db, override_ids: &str) -> Result<(), String> {
        let Batch {
            contracts,
            lines,
            deliveries,
            amendments,
            changes,
            sources,
            plans,
        } = self;
        // Every value is a number or generated text without quotes: nothing to escape.
        let insert_contracts = format!(
            "INSERT INTO contracts (id, title, supplier_id, buyer_code, signed_on, signed_year, status, \
             value_minor, value_currency, value_confidence, created_at, updated_at, usd_minor, usd_rate_id, external_id, \
             likely_signed_on, probability, probability_confidence){override_ids} \
             VALUES {contracts}"
        );
        let insert_lines = format!(
            "INSERT INTO contract_lines (id, contract_id, position, system_id, quantity, quantity_confidence, delivered_units, \
             option_units, exercised_units){override_ids} \
             VALUES {lines}"
        );
        let mut tx = db.begin().await.map_err(|e| e.to_string())?;
        execute(&mut tx, &insert_contracts).await?;
        execute(&mut tx, &insert_lines).await?;
        if !deliveries.is_empty() {
            let insert_deliveries = format!(
                "INSERT INTO deliveries (line_id, delivered_on, delivered_year, units, confidence, notes, version, created_at, updated_at) \
                 VALUES {deliveries}"
            );
            execute(&mut tx, &insert_deliveries).await?;
        }
        if !plans.is_empty() {
            let insert_plans = format!(
                "INSERT INTO delivery_plans (line_id, position, period, starts_on, ends_on, from_year, to_year, units, \
                 confidence, source) VALUES {plans}"
            );
            execute(&mut tx, &insert_plans).await?;
        }
        if !amendments.is_empty() {
            for sql in [
                format!(
                    "INSERT INTO amendments (id, contract_id, amended_on, amended_year, kind, reason, confidence, created_at){override_ids} \
                     VALUES {amendments}"
                ),
                format!(
                    "INSERT INTO amendment_changes (amendment_id, line_id, units_change, options_change, exercised) VALUES {changes}"
                ),
                format!(
                    "INSERT INTO amendment_sources (amendment_id, position, title) VALUES {sources}"
                ),
            ] {
                execute(&mut tx, &sql).await?;
            }
        }
        tx.commit().await.map_err(|e| e.to_string())
    }
}

/// The USD equivalent (minor units) of `minor` in `currency` at the latest rate on or before
/// the signing day, with that rate's id; `None` without such a rate.
fn usd_at_signing(
    reference: &Reference,
    currency: &str,
    minor: i64,
    signed: &str,
) -> Option<(i64, Option<i64>)> {
    reference
        .rates
        .iter()
        .find(|(c, _)| c == currency)
        .and_then(|(_, list)| {
            list.iter()
                .rev()
                .find(|(date, _, _)| date.as_str() <= signed)
        })
        .map(|(_, id, nanos)| {
            let code = CurrencyCode::parse(currency).expect("listed currency");
            let usd = usd_equivalent(Money::from_minor(minor, code), from_nanos(*nanos));
            (usd.to_minor(), Some(*id))
        })
}

async fn execute(tx: &mut Tx, sql: &str) -> Result<(), String> {
    app::storage::execute_in(tx, sql)
        .await
        .map_err(|e| e.to_string())
}

/// The median and 90th percentile of `runs` timings of `work`, in milliseconds, after two
/// warm-up runs.
async fn time<F, Fut>(runs: usize, mut work: F) -> Result<(f64, f64), String>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Result<(), String>>,
{
    for _ in 0..2 {
        work().await?;
    }
    let mut millis = Vec::with_capacity(runs);
    for _ in 0..runs {
        let start = Instant::now();
        work().await?;
        millis.push(start.elapsed().as_secs_f64() * 1000.0);
    }
    millis.sort_by(f64::total_cmp);
    let at = |q: f64| millis[((millis.len() - 1) as f64 * q).round() as usize];
    Ok((at(0.5), at(0.9)))
}

/// Times the summary queries on `db` and prints one line per measurement.
pub async fn measure(db: &Db, runs: usize) -> Result<(), String> {
    let contracts = app::storage::scalar_i64(db, "SELECT CAST(COUNT(*) AS BIGINT) FROM contracts")
        .await
        .map_err(|e| e.to_string())?;
    let backend = match db.backend() {
        Backend::Sqlite => "sqlite",
        Backend::Postgres => "postgres",
    };
    let print = |what: &str, (median, p90): (f64, f64)| {
        println!("{backend}\t{contracts}\t{what}\tmedian {median:.1} ms\tp90 {p90:.1} ms");
    };
    measure_reads(db, runs, print).await?;
    measure_rate_change(db, runs, print).await
}

/// The summary's reads: one buyer over ten years (maintained totals, plain SQL, summed over
/// the contracts), and the dashboard for it and for everything.
async fn measure_reads(
    db: &Db,
    runs: usize,
    print: impl Fn(&str, (f64, f64)),
) -> Result<(), String> {
    let one_buyer = ContractFilter {
        buyer: CountryCode::parse("PL").ok(),
        year_from: Some(2015),
        year_to: Some(2024),
        ..Default::default()
    };
    let timing = time(runs, || async {
        app::storage::summary::groups(db, &one_buyer, None, None)
            .await
            .map(|_| ())
            .map_err(|e| e.to_string())
    })
    .await?;
    print("filtered total (one buyer, ten years)", timing);
    let plain = "SELECT CAST(COUNT(*) AS BIGINT) FROM contracts WHERE buyer_code = 'PL' AND signed_year BETWEEN 2015 AND 2024";
    let timing = time(runs, || async {
        app::storage::scalar_i64(db, plain)
            .await
            .map(|_| ())
            .map_err(|e| e.to_string())
    })
    .await?;
    print("plain SQL count for the same filter", timing);
    let timing = time(runs, || async {
        app::storage::summary::groups_from_contracts(db, &one_buyer, None, None)
            .await
            .map(|_| ())
            .map_err(|e| e.to_string())
    })
    .await?;
    print(
        "same total summed over the contracts (no maintained cells)",
        timing,
    );
    // Computed every time: the pages keep a portfolio at the register's version, so timing
    // `portfolio` would time that kept answer after the first run.
    let timing = time(runs, || async {
        app::summary::service::computed_portfolio(db, &one_buyer, Dimension::Supplier)
            .await
            .map(|_| ())
            .map_err(|e| e.logged().to_string())
    })
    .await?;
    print("dashboard for one buyer, ten years", timing);
    let everything = ContractFilter::default();
    let timing = time(runs, || async {
        app::summary::service::computed_portfolio(db, &everything, Dimension::Supplier)
            .await
            .map(|_| ())
            .map_err(|e| e.logged().to_string())
    })
    .await?;
    print("whole dashboard (all groups and charts)", timing);
    Ok(())
}

/// A rate change refreshes the USD figure of every contract in its currency and moves them in
/// the totals: the slowest write there is. The EUR rate is saved unchanged, so the data stays
/// the same.
async fn measure_rate_change(
    db: &Db,
    runs: usize,
    print: impl Fn(&str, (f64, f64)),
) -> Result<(), String> {
    let rates = app::storage::rates::list(db)
        .await
        .map_err(|e| e.to_string())?;
    let Some(rate) = rates.iter().find(|r| r.currency.as_str() == "EUR") else {
        return Ok(());
    };
    let draft = app::domain::rate::RateDraft {
        currency: rate.currency,
        date: rate.date,
        usd_per_unit: rate.usd_per_unit,
        source: rate.source.clone(),
    };
    let sql = format!(
        "SELECT CAST(COUNT(*) AS BIGINT) FROM contracts WHERE usd_rate_id = {}",
        rate.id
    );
    let on_rate = app::storage::scalar_i64(db, &sql)
        .await
        .map_err(|e| e.to_string())?;
    let in_currency = app::storage::scalar_i64(
        db,
        "SELECT CAST(COUNT(*) AS BIGINT) FROM contracts WHERE value_currency = 'EUR'",
    )
    .await
    .map_err(|e| e.to_string())?;
    let timing = time(runs.min(5), || async {
        let version = app::storage::rates::get(db, rate.id)
            .await
            .map_err(|e| e.to_string())?
            .map_or(0, |r| r.version);
        app::storage::rates::update(
            db,
            app::domain::RateId(rate.id),
            app::domain::Version(version),
            &draft,
        )
        .await
        .map(|_| ())
        .map_err(|e| e.to_string())
    })
    .await?;
    print(
        &format!(
            "one exchange-rate change (EUR {date}: {on_rate} of {in_currency} EUR contracts on it)",
            date = rate.date
        ),
        timing,
    );
    Ok(())
}
