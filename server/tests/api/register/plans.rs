//! Delivery plans: every rule at its field with nothing stored, what is late against the plan
//! (and after a late delivery), the "behind schedule" filter, a plan saved over an edit made
//! meanwhile, and the contract and summary pages that show them.

use app::domain::filter::ContractFilter;
use app::domain::register::Contract;
use app::domain::{Confidence, FormOutcome};
use app::forms::EntryFields;
use app::plans::service::save_plan;
use app::storage::Db;
use chrono::Datelike;

use super::{fields, framework, listed, system, with_demo_data};

test_support::on_both_backends!(
    prepare = super::with_demo_data;
    every_plan_rule_is_a_message_at_its_field,
    a_plan_says_what_is_late_and_the_list_finds_it_behind_schedule,
    a_plan_saved_over_an_edit_made_meanwhile_is_a_conflict,
    the_demo_data_tells_the_fa50pl_delay_as_a_plan_that_slipped,
    the_plan_form_and_the_pages_show_the_schedule,
);

/// This year and the years around it: the tests read plans against today.
fn year(offset: i32) -> String {
    (chrono::Utc::now().year() + offset).to_string()
}

/// A signed contract for 10 K2PL (line 0) and 5 K2PL (line 1), signed three years ago.
async fn plannable(db: &Db) -> Contract {
    let main = framework(db, "K2 tanks").await.id.to_string();
    let k2pl = system(db, "K2PL").await.id.to_string();
    let signed = format!("{}-03-01", year(-3));
    let form = fields(&[
        ("title", "K2PL plan test contract"),
        ("agreement_id", &main),
        ("buyer", "PL"),
        ("signed_on", &signed),
        ("status", "in delivery"),
        ("line0_system", &k2pl),
        ("line0_quantity", "10"),
        ("line0_confidence", "reported"),
        ("line1_system", &k2pl),
        ("line1_quantity", "5"),
        ("line1_confidence", "reported"),
    ]);
    let FormOutcome::Saved(contract) = app::contracts::service::create_contract(db, &form)
        .await
        .unwrap()
    else {
        panic!("the test contract saves")
    };
    contract
}

/// A plan form of `contract`: 6 units of line 0 two years ago, 4 in two years' time; with
/// `extra` fields over it.
fn plan(contract: &Contract, extra: &[(&str, &str)]) -> EntryFields {
    let version = contract.version.to_string();
    let line0 = contract.lines[0].id.to_string();
    let (past, future) = (year(-2), year(2));
    let mut pairs: Vec<(&str, &str)> = vec![
        ("version", &version),
        ("plan0_line", &line0),
        ("plan0_period", &past),
        ("plan0_units", "6"),
        ("plan0_confidence", "reported"),
        ("plan0_source", "Armament Agency schedule"),
        ("plan0_url", "https://www.gov.pl/web/agency/schedule"),
        ("plan1_line", &line0),
        ("plan1_period", &future),
        ("plan1_units", "4"),
        ("plan1_confidence", "estimated"),
        ("plan1_source", "Armament Agency schedule"),
    ];
    for (key, value) in extra {
        pairs.retain(|(k, _)| k != key);
        pairs.push((key, value));
    }
    fields(&pairs)
}

async fn saved(db: &Db, contract: &Contract, form: &EntryFields) -> Contract {
    match save_plan(db, contract.id, form).await.unwrap() {
        FormOutcome::Saved(contract) => contract,
        other => panic!("the plan did not save: {other:?}"),
    }
}

/// Each rule of a plan is refused at the field it is about, and nothing is stored.
async fn every_plan_rule_is_a_message_at_its_field(db: &Db) {
    let contract = plannable(db).await;
    let past = year(-2);
    for (what, extra, field, words) in [
        (
            "a period that is not one",
            vec![("plan0_period", "by 2027")],
            "plan0_period",
            "not a period",
        ),
        (
            "no period",
            vec![("plan0_period", "")],
            "plan0_period",
            "Enter the period",
        ),
        (
            "a month that does not exist",
            vec![("plan0_period", "2026-13")],
            "plan0_period",
            "a month is 01 to 12",
        ),
        (
            "a quarter that does not exist",
            vec![("plan0_period", "2026-Q5")],
            "plan0_period",
            "not a period",
        ),
        (
            "years backwards",
            vec![("plan0_period", "2027–2025")],
            "plan0_period",
            "after the first",
        ),
        (
            "no units",
            vec![("plan0_units", "")],
            "plan0_units",
            "number of units",
        ),
        (
            "zero units",
            vec![("plan0_units", "0")],
            "plan0_units",
            "at least 1",
        ),
        (
            "part of a unit",
            vec![("plan0_units", "2.5")],
            "plan0_units",
            "whole number",
        ),
        (
            "units in words",
            vec![("plan0_units", "six")],
            "plan0_units",
            "whole number",
        ),
        (
            "no source",
            vec![("plan0_source", " ")],
            "plan0_source",
            "Give the plan's source",
        ),
        (
            "a source address that is not one",
            vec![("plan0_url", "not a web address")],
            "plan0_url",
            "not a web address",
        ),
        (
            "an unknown confidence",
            vec![("plan0_confidence", "likely")],
            "plan0_confidence",
            "",
        ),
        (
            "no line",
            vec![("plan0_line", "")],
            "plan0_line",
            "Choose the line",
        ),
        (
            "a line of another contract",
            vec![("plan0_line", "999999999")],
            "plan0_line",
            "no longer exists on the contract",
        ),
        (
            "one period twice on a line",
            vec![("plan1_period", past.as_str())],
            "plan1_period",
            "already has a row for",
        ),
    ] {
        let outcome = save_plan(db, contract.id, &plan(&contract, &extra))
            .await
            .unwrap();
        let FormOutcome::Invalid(errors) = outcome else {
            panic!("{what}: saved");
        };
        let message = errors
            .get(field)
            .unwrap_or_else(|| panic!("{what}: no message at {field}: {errors:?}"));
        assert!(message.contains(words), "{what}: {message}");
        let now = app::contracts::service::get_contract(db, contract.id)
            .await
            .unwrap();
        assert_eq!(now, contract, "{what}: the contract changed");
    }
    // A plan that adds up to more than is ordered is kept (sources disagree): the page warns.
    let over = saved(db, &contract, &plan(&contract, &[("plan1_units", "40")])).await;
    let page = app::plans::pages::schedules(&over, chrono::Utc::now().date_naive());
    assert_eq!(
        page[0].2.mismatch(page[0].1).as_deref(),
        Some("The plan adds up to 46 units; 10 are ordered.")
    );
}

/// Six units planned two years ago and two delivered: four are late, and the list finds the
/// contract behind schedule; a late delivery of the four puts it back on schedule, while its
/// past period still shows what was delivered by its end.
async fn a_plan_says_what_is_late_and_the_list_finds_it_behind_schedule(db: &Db) {
    let contract = plannable(db).await;
    let planned = saved(db, &contract, &plan(&contract, &[])).await;
    assert_eq!(planned.plans.len(), 2);
    assert_eq!(
        planned.version,
        contract.version + 1,
        "the plan moves the version"
    );
    assert_eq!(
        planned.plans[0].source.url.as_deref(),
        Some("https://www.gov.pl/web/agency/schedule")
    );
    let deliver = |on: String, units: &str| {
        let delivery = app::deliveries::form::DeliveryFields {
            line_id: contract.lines[0].id.to_string(),
            delivered_on: on,
            units: units.into(),
            confidence: "reported".into(),
            notes: String::new(),
        };
        async move {
            let FormOutcome::Saved(contract) =
                app::deliveries::service::record_delivery(db, contract.id, &delivery)
                    .await
                    .unwrap()
            else {
                panic!("the delivery saves")
            };
            contract
        }
    };
    let delivered = deliver(format!("{}-06", year(-2)), "2").await;
    let today = chrono::Utc::now().date_naive();
    let schedules = app::plans::pages::schedules(&delivered, today);
    assert_eq!(schedules.len(), 1, "only line 0 has a plan");
    let (_, _, line) = &schedules[0];
    assert_eq!(
        (line.planned, line.due, line.delivered, line.late()),
        (10, 6, 2, 4)
    );
    assert_eq!(
        (line.rows[0].short_at_end(), line.rows[0].still_late()),
        (4, 4)
    );
    assert_eq!(line.rows[1].still_late(), 0, "a period to come is not late");

    let behind = ContractFilter {
        behind: true,
        ..ContractFilter::default()
    };
    let listed_ids = |page: app::domain::register::Page<app::domain::register::ContractSummary>| {
        page.rows.iter().map(|c| c.id).collect::<Vec<_>>()
    };
    assert!(listed_ids(listed(db, &behind).await).contains(&contract.id));
    assert_eq!(
        ContractFilter::from_query(&[("schedule".into(), "behind".into())]).0,
        behind,
        "schedule=behind in the address"
    );
    assert_eq!(behind.to_query(), "schedule=behind");

    // The four delivered late: on schedule now, and the past period keeps its shortfall.
    let caught_up = deliver(today.to_string(), "4").await;
    let schedules = app::plans::pages::schedules(&caught_up, today);
    let (_, _, line) = &schedules[0];
    assert_eq!(line.late(), 0);
    assert_eq!(line.rows[0].delivered_by_end, 2);
    assert_eq!(
        (line.rows[0].short_at_end(), line.rows[0].still_late()),
        (4, 0)
    );
    assert!(!listed_ids(listed(db, &behind).await).contains(&contract.id));

    // The summary counts the plan in its years: six in the past year, four in the future one.
    let summed = |rows: &[app::domain::summary::ScheduleYear], y: &str| {
        rows.iter()
            .find(|r| r.from_year.to_string() == y && r.to_year == r.from_year)
            .map_or((0, 0), |r| (r.planned, r.delivered))
    };
    let portfolio = app::summary::service::portfolio(
        db,
        &ContractFilter {
            q: Some("K2PL plan test contract".into()),
            ..ContractFilter::default()
        },
        app::domain::summary::Dimension::Buyer,
    )
    .await
    .unwrap();
    assert_eq!(summed(&portfolio.schedule, &year(-2)), (6, 2));
    assert_eq!(summed(&portfolio.schedule, &year(0)), (0, 4));
    assert_eq!(summed(&portfolio.schedule, &year(2)), (4, 0));
    // At "confirmed only", reported plans and deliveries do not count.
    let confirmed = app::summary::service::portfolio(
        db,
        &ContractFilter {
            q: Some("K2PL plan test contract".into()),
            confidence: Some(Confidence::Confirmed),
            ..ContractFilter::default()
        },
        app::domain::summary::Dimension::Buyer,
    )
    .await
    .unwrap();
    assert!(confirmed.schedule.is_empty(), "{:?}", confirmed.schedule);

    // Emptied rows remove the plan.
    let cleared = saved(
        db,
        &caught_up,
        &fields(&[("version", &caught_up.version.to_string())]),
    )
    .await;
    assert!(cleared.plans.is_empty());
}

/// A plan form opened before someone else saved the contract does not save over it: nothing
/// is stored, and the answer carries the contract as it is now.
async fn a_plan_saved_over_an_edit_made_meanwhile_is_a_conflict(db: &Db) {
    let contract = plannable(db).await;
    let opened = plan(&contract, &[]);
    let edited = saved(db, &contract, &plan(&contract, &[("plan1_units", "3")])).await;
    let FormOutcome::Conflict { current } = save_plan(db, contract.id, &opened).await.unwrap()
    else {
        panic!("a stale plan saved")
    };
    assert_eq!(current, edited);
    assert_eq!(
        app::contracts::service::get_contract(db, contract.id)
            .await
            .unwrap(),
        edited
    );
}

/// The demo data: the FA-50PL's first aircraft was planned for November 2025 and has not come,
/// so the FA-50 contract is behind schedule; the K2 contract delivered its plan.
async fn the_demo_data_tells_the_fa50pl_delay_as_a_plan_that_slipped(db: &Db) {
    let behind = listed(
        db,
        ContractFilter {
            behind: true,
            ..ContractFilter::default()
        },
    )
    .await;
    let titles: Vec<&str> = behind.rows.iter().map(|c| c.title.as_str()).collect();
    assert!(titles.contains(&"FA-50 executive contract"), "{titles:?}");
    assert!(!titles.contains(&"K2 executive contract #1"), "{titles:?}");
    let fa50 = app::contracts::service::get_contract(
        db,
        super::contract_id(db, "FA-50 executive contract").await,
    )
    .await
    .unwrap();
    let schedules = app::plans::pages::schedules(&fa50, chrono::Utc::now().date_naive());
    let pl = schedules
        .iter()
        .find(|(system, _, _)| system == "FA-50PL")
        .expect("the FA-50PL line has a plan");
    assert_eq!(pl.2.rows[0].period.to_string(), "2025-11");
    assert_eq!(pl.2.late(), 1);
    // Delivery periods that name years became plans of the whole quantity over those years.
    let k2 = app::contracts::service::get_contract(
        db,
        super::contract_id(db, "K2 executive contract #2").await,
    )
    .await
    .unwrap();
    assert_eq!(k2.plans.len(), 3);
    assert!(k2.plans.iter().all(|p| p.period.to_string() == "2026–2030"));
}

/// Without JavaScript: the plan form refuses at its fields and keeps what was typed, saves,
/// and the contract page, the list filtered behind schedule and the summary show the plan.
async fn the_plan_form_and_the_pages_show_the_schedule(db: &Db) {
    let contract = plannable(db).await;
    let app = crate::support::spawn_app(db.clone()).await;
    let editor = app.as_role(app::domain::account::Role::Editor).await;
    let path = format!("/contracts/{}", contract.id);
    let (status, form) = editor.get(&format!("{path}/plan")).await;
    assert_eq!(status, reqwest::StatusCode::OK);
    for label in [
        "Delivery plan",
        "Period",
        "Units planned",
        "Plan source",
        "Line 1: K2PL (10 ordered)",
    ] {
        assert!(form.contains(label), "the plan form lacks {label:?}");
    }
    let line0 = contract.lines[0].id.to_string();
    let version = contract.version.to_string();
    let response = editor
        .post_form(
            &format!("{path}/plan"),
            &[
                ("version", &version),
                ("plan0_line", &line0),
                ("plan0_period", "sometime"),
                ("plan0_units", "6"),
                ("plan0_source", ""),
            ],
        )
        .await;
    assert_eq!(response.status(), reqwest::StatusCode::UNPROCESSABLE_ENTITY);
    let page = response.text().await.unwrap();
    for message in ["not a period", "Give the plan", "value=\"sometime\""] {
        assert!(page.contains(message), "the refused form lacks {message:?}");
    }
    let past = year(-2);
    let source = "Agency <schedule> & notes";
    editor
        .post_saved(
            &format!("{path}/plan"),
            &[
                ("version", &version),
                ("plan0_line", &line0),
                ("plan0_period", &past),
                ("plan0_units", "6"),
                ("plan0_confidence", "reported"),
                ("plan0_source", source),
            ],
        )
        .await;
    let (_, page) = editor.get(&path).await;
    assert!(
        page.contains("id=\"schedule\""),
        "the contract page has its plan"
    );
    assert!(
        page.contains("Behind schedule on"),
        "the contract page says it is late"
    );
    assert!(page.contains("late: 6"), "the period says by how much");
    assert!(
        page.contains("Agency &lt;schedule&gt; &amp; notes"),
        "the source is escaped"
    );
    assert!(
        page.contains("No plan for: K2PL"),
        "the unplanned line is named"
    );
    let (_, list) = editor.get("/contracts?schedule=behind").await;
    assert!(
        list.contains("K2PL plan test contract"),
        "the list behind schedule"
    );
    assert!(list.contains("checked"), "the filter shows as chosen");
    // The plans file: the period against what was delivered by its end, and its state.
    let (status, csv) = editor.get("/export/plans?q=K2PL+plan+test+contract").await;
    assert_eq!(status, reqwest::StatusCode::OK);
    assert!(
        csv.starts_with("contract_ref,contract,buyer,line,system,ordered,period,planned,confidence,source,source_url,planned_by_end,delivered_by_end,state,late"),
        "{csv}"
    );
    assert!(
        csv.contains(&format!(
            ",K2PL plan test contract,PL,1,K2PL,10,{past},6,reported,{source},,6,0,late,6"
        )),
        "{csv}"
    );
    // The deliveries page: its plans by year, and the deliveries of contracts behind schedule
    // (the demo data's FA-50 contract, not the K2 contract that delivered its plan).
    let (_, deliveries) = editor.get("/deliveries").await;
    assert!(deliveries.contains("Units planned and delivered, by year"));
    let (_, behind) = editor.get("/deliveries?schedule=behind").await;
    assert!(behind.contains("FA-50 executive contract"), "{behind}");
    assert!(!behind.contains("K2 executive contract #1"), "{behind}");
    assert!(
        behind.contains(
            "id=\"dl-behind\" name=\"schedule\" type=\"checkbox\" value=\"behind\" checked"
        ),
        "{behind}"
    );
    let (_, summary) = editor.get("/summary").await;
    assert!(summary.contains("Units planned and delivered, by year"));
    assert!(
        summary.contains("status=in+force&amp;schedule=behind"),
        "the summary links the contracts behind schedule"
    );
}
