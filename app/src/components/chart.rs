//! Bar charts drawn as SVG on the server: readable without JavaScript, nothing in the wasm.
//! Each bar carries its numbers in a `<title>` (a tooltip, and read by screen readers), and the
//! pages print the same numbers as a table beside the chart.

use leptos::prelude::*;

/// Series colours, told apart in grey too (dark to light), and a pattern-free legend.
const COLOURS: [&str; 8] = [
    "#1f4e79", "#c55a11", "#548235", "#7030a0", "#bf9000", "#2e75b6", "#a5a5a5", "#843c0c",
];

const WIDTH: f64 = 760.0;
const HEIGHT: f64 = 300.0;
const LEFT: f64 = 80.0;
const RIGHT: f64 = 10.0;
const TOP: f64 = 12.0;
const BOTTOM: f64 = 28.0;

/// A round step for about four gridlines up to `max`.
fn step_for(max: i64) -> i64 {
    if max <= 0 {
        return 1;
    }
    let raw = max as f64 / 4.0;
    let magnitude = 10f64.powf(raw.log10().floor());
    let step = [1.0, 2.0, 2.5, 5.0, 10.0]
        .into_iter()
        .map(|m| m * magnitude)
        .find(|s| *s >= raw)
        .unwrap_or(10.0 * magnitude);
    (step.round() as i64).max(1)
}

/// Bars per category: stacked (each bar the sum of its series) or side by side (`grouped`).
/// `label` formats a value for the axis and the tooltips.
#[component]
pub fn BarChart(
    id: String,
    title: String,
    categories: Vec<String>,
    series: Vec<(String, Vec<i64>)>,
    #[prop(optional)] grouped: bool,
    label: fn(i64) -> String,
) -> impl IntoView {
    let heights: Vec<i64> = (0..categories.len())
        .map(|i| {
            let values = series
                .iter()
                .map(|(_, v)| v.get(i).copied().unwrap_or(0).max(0));
            if grouped {
                values.max().unwrap_or(0)
            } else {
                values.sum()
            }
        })
        .collect();
    let max = heights.iter().copied().max().unwrap_or(0);
    let step = step_for(max);
    let top = ((max + step - 1) / step).max(1) * step;
    let plot_w = WIDTH - LEFT - RIGHT;
    let plot_h = HEIGHT - TOP - BOTTOM;
    let y = move |value: i64| TOP + plot_h - (value as f64 / top as f64) * plot_h;
    let slot = plot_w / categories.len().max(1) as f64;
    let bar_w = (slot * 0.6).min(60.0);
    let gridlines: Vec<i64> = (0..=top / step).map(|i| i * step).collect();
    let mut bars = Vec::new();
    for (i, category) in categories.iter().enumerate() {
        let x0 = LEFT + slot * i as f64 + (slot - bar_w) / 2.0;
        let mut base = 0i64;
        for (s, (name, values)) in series.iter().enumerate() {
            let value = values.get(i).copied().unwrap_or(0).max(0);
            if value == 0 {
                continue;
            }
            let (x, w, from) = if grouped {
                let w = bar_w / series.len() as f64;
                (x0 + w * s as f64, w, 0)
            } else {
                (x0, bar_w, base)
            };
            let (y_top, y_bottom) = (y(from + value), y(from));
            base += value;
            bars.push(view! {
                <rect x=format!("{x:.1}") y=format!("{y_top:.1}") width=format!("{w:.1}") height=format!("{:.1}", (y_bottom - y_top).max(0.5))
                    fill=COLOURS[s % COLOURS.len()]>
                    <title>{format!("{category}, {name}: {}", label(value))}</title>
                </rect>
            });
        }
    }
    let title_id = format!("{id}-title");
    let labelled_by = title_id.clone();
    view! {
        <figure class="chart">
            <svg viewBox=format!("0 0 {WIDTH} {HEIGHT}") role="img" aria-labelledby=labelled_by xmlns="http://www.w3.org/2000/svg">
                <title id=title_id>{title.clone()}</title>
                {gridlines.into_iter().map(|g| {
                    let gy = y(g);
                    view! {
                        <line x1=LEFT x2=WIDTH - RIGHT y1=format!("{gy:.1}") y2=format!("{gy:.1}") class="grid" />
                        <text x=LEFT - 6.0 y=format!("{:.1}", gy + 4.0) text-anchor="end" class="tick">{label(g)}</text>
                    }
                }).collect_view()}
                {bars}
                {categories.iter().enumerate().map(|(i, c)| view! {
                    <text x=format!("{:.1}", LEFT + slot * (i as f64 + 0.5)) y=HEIGHT - 8.0 text-anchor="middle" class="tick">{c.clone()}</text>
                }).collect_view()}
            </svg>
            <figcaption>
                <strong>{title}</strong>
                <ul class="legend">
                    {series.iter().enumerate().map(|(s, (name, _))| view! {
                        <li><svg class="swatch" viewBox="0 0 1 1" aria-hidden="true"><rect width="1" height="1" fill=COLOURS[s % COLOURS.len()] /></svg>{name.clone()}</li>
                    }).collect_view()}
                </ul>
            </figcaption>
        </figure>
    }
}

/// US cents as a short axis label: `$1.2bn`, `$350m`, `$75k`.
pub fn compact_usd(cents: i64) -> String {
    let dollars = cents as f64 / 100.0;
    let (value, unit) = if dollars >= 1e9 {
        (dollars / 1e9, "bn")
    } else if dollars >= 1e6 {
        (dollars / 1e6, "m")
    } else if dollars >= 1e3 {
        (dollars / 1e3, "k")
    } else {
        (dollars, "")
    };
    let text = format!("{value:.1}");
    let text = text.strip_suffix(".0").unwrap_or(&text);
    format!("${text}{unit}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn steps_are_round_and_cover_the_maximum() {
        assert_eq!(step_for(0), 1);
        assert_eq!(step_for(100), 25);
        assert_eq!(step_for(1_512), 500);
        assert_eq!(step_for(26_790_000_000), 10_000_000_000);
    }

    #[test]
    fn usd_labels_are_short() {
        assert_eq!(compact_usd(337_000_000_000), "$3.4bn");
        assert_eq!(compact_usd(35_000_000_000), "$350m");
        assert_eq!(compact_usd(0), "$0");
    }
}
