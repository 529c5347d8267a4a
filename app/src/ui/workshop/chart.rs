//! The impact/effort chart of prioritised themes: each theme at its mean, with whiskers
//! over the middle half of the ratings (the spread), and a numbered list beside it that
//! says the same in words.
use crate::domain::workshop::responses::{Histogram, RatingTally};
use leptos::prelude::*;

// Whole SVG units: the chart is drawn in integers so the browser's WASM carries no
// floating-point formatting (14 KB of it before wasm-opt).
const LOW: i32 = 44;
const HIGH: i32 = 300;

/// Where a rating (in tenths, 10–50) falls along an axis, rounded to the nearest unit.
fn along(tenths: u32) -> i32 {
    let t = tenths.clamp(10, 50) as i32 - 10;
    LOW + (t * (HIGH - LOW) + 20) / 40
}

fn up(tenths: u32) -> i32 {
    HIGH + LOW - along(tenths)
}

fn tenths(t: Option<u32>) -> String {
    t.map_or("–".into(), |t| format!("{}.{}", t / 10, t % 10))
}

fn spread(h: &Histogram) -> String {
    match (h.quartiles(), h.range()) {
        (Some((q1, _, q3)), Some((lo, hi))) => {
            format!("middle half {q1}–{q3}, all {lo}–{hi}")
        }
        _ => "no ratings".into(),
    }
}

#[component]
pub fn PriorityChart(
    /// (theme name, tally), in the order they are numbered.
    themes: Vec<(String, RatingTally)>,
    /// Unique on the page, for the chart's title.
    id: String,
) -> impl IntoView {
    let rated: Vec<(usize, String, RatingTally)> = themes
        .into_iter()
        .filter(|(_, t)| t.impact.count() > 0)
        .enumerate()
        .map(|(i, (n, t))| (i + 1, n, t))
        .collect();
    if rated.is_empty() {
        return view! { <p class="muted">"No ratings yet, or not revealed."</p> }.into_any();
    }
    let title_id = format!("{id}-title");
    let title_id2 = title_id.clone();
    let mid = along(30);
    let points = rated
        .iter()
        .map(|(n, _, t)| {
            let x = along(t.effort.mean_tenths().unwrap_or(30));
            let y = up(t.impact.mean_tenths().unwrap_or(30));
            let (eq1, _, eq3) = t.effort.quartiles().unwrap_or((3, 3, 3));
            let (iq1, _, iq3) = t.impact.quartiles().unwrap_or((3, 3, 3));
            let (ex1, ex2) = (along(u32::from(eq1) * 10), along(u32::from(eq3) * 10));
            let (iy1, iy2) = (up(u32::from(iq1) * 10), up(u32::from(iq3) * 10));
            view! {
                <g class="chart__point">
                    <line x1=ex1 y1=y x2=ex2 y2=y class="chart__whisker" />
                    <line x1=x y1=iy1 x2=x y2=iy2 class="chart__whisker" />
                    <circle cx=x cy=y r="11" />
                    <text x=x y=y + 4 text-anchor="middle">{n.to_string()}</text>
                </g>
            }
        })
        .collect_view();
    let legend = rated
        .iter()
        .map(|(n, name, t)| {
            view! {
                <li value=n.to_string()>
                    <strong>{name.clone()}</strong>
                    {format!(
                        ": impact {} ({}), effort {} ({}); {} rated",
                        tenths(t.impact.mean_tenths()),
                        spread(&t.impact),
                        tenths(t.effort.mean_tenths()),
                        spread(&t.effort),
                        t.impact.count()
                    )}
                    {t.quadrant().map(|q| view! { <span class="tag">{q.label().split(':').next().unwrap_or_default().to_owned()}</span> })}
                </li>
            }
        })
        .collect_view();
    view! {
        <figure class="chart">
            <svg viewBox="0 0 340 340" role="img" aria-labelledby=title_id.clone() class="chart__svg">
                <title id=title_id2>"Impact against effort for each rated theme, numbered as in the list"</title>
                <rect x=LOW y=LOW width=HIGH - LOW height=HIGH - LOW class="chart__area" />
                <line x1=mid y1=LOW x2=mid y2=HIGH class="chart__mid" />
                <line x1=LOW y1=mid x2=HIGH y2=mid class="chart__mid" />
                <text x=LOW + 6 y=LOW + 16 class="chart__quadrant">"Quick wins"</text>
                <text x=HIGH - 6 y=LOW + 16 text-anchor="end" class="chart__quadrant">"Major projects"</text>
                <text x=LOW + 6 y=HIGH - 8 class="chart__quadrant">"Fill-ins"</text>
                <text x=HIGH - 6 y=HIGH - 8 text-anchor="end" class="chart__quadrant">"Reconsider"</text>
                <text x=(LOW + HIGH) / 2 y=HIGH + 30 text-anchor="middle" class="chart__axis">"Effort → (1 easy, 5 hard)"</text>
                <text x=14 y=(LOW + HIGH) / 2 text-anchor="middle" class="chart__axis"
                    transform=format!("rotate(-90 14 {})", (LOW + HIGH) / 2)>"Impact → (1 little, 5 a lot)"</text>
                {points}
            </svg>
            <figcaption>
                <ol class="chart__legend">{legend}</ol>
            </figcaption>
        </figure>
    }
    .into_any()
}
