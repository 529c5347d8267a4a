//! An SPC (XmR) chart as "Making Data Count" draws it, as SVG on the server: the mean and
//! the process limits (mean ± 2.66 × mean moving range) of each segment, points coloured
//! as improvement, concern or common cause given which way is better, the target, and
//! numbered notes. Its title and description say the variation and assurance in words.
use crate::domain::chart::Direction;
use crate::domain::chart::spc::{Variation, XmrAnalysis, analyse};
use crate::ui::run_chart::{FRAME, NoteMarks, plain};
use leptos::prelude::*;

#[component]
pub fn XmrChart(
    id: String,
    title: String,
    labels: Vec<String>,
    values: Vec<f64>,
    direction: Direction,
    target: Option<f64>,
    /// Indexes where the limits start again.
    rebase_at: Vec<usize>,
    #[prop(default = vec![])] notes: Vec<(usize, u32)>,
) -> impl IntoView {
    let (width, height, left, right, top, bottom) = FRAME;
    let Some(a): Option<XmrAnalysis> = analyse(&values, direction, target, &rebase_at) else {
        return view! { <p class="muted">"At least two points are needed for an SPC chart."</p> }
            .into_any();
    };
    let mut low = values.iter().copied().fold(f64::INFINITY, f64::min);
    let mut high = values.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    for (_, l) in &a.segments {
        low = low.min(l.lower);
        high = high.max(l.upper);
    }
    if let Some(t) = target {
        low = low.min(t);
        high = high.max(t);
    }
    if high <= low {
        high = low + 1.0;
    }
    let y = |v: f64| top + (high - v) / (high - low) * (height - top - bottom);
    let step = if values.len() > 1 {
        (width - left - right) / (values.len() - 1) as f64
    } else {
        0.0
    };
    let xs: Vec<f64> = (0..values.len()).map(|i| left + i as f64 * step).collect();
    let path: String = xs
        .iter()
        .zip(&values)
        .enumerate()
        .map(|(i, (x, v))| format!("{}{x:.1},{:.1}", if i == 0 { "M" } else { " L" }, y(*v)))
        .collect();
    let segments = a
        .segments
        .iter()
        .enumerate()
        .map(|(k, (start, l))| {
            let end = a.segments.get(k + 1).map_or(values.len() - 1, |s| s.0.saturating_sub(1).max(*start));
            let (x1, x2) = (xs[*start], xs[end]);
            let line = move |v: f64, class: &'static str| {
                view! { <line class=class x1=format!("{x1:.1}") y1=format!("{:.1}", y(v)) x2=format!("{x2:.1}") y2=format!("{:.1}", y(v)) /> }
            };
            view! {
                {line(l.mean, "spc-chart__mean")}
                {line(l.upper, "spc-chart__limit")}
                {line(l.lower, "spc-chart__limit")}
            }
        })
        .collect_view();
    let points = a
        .points
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let class = match p.variation {
                Variation::Improvement => "spc-chart__point spc-chart__point--improvement",
                Variation::Concern => "spc-chart__point spc-chart__point--concern",
                Variation::Neither => "spc-chart__point spc-chart__point--neither",
                Variation::Common => "spc-chart__point",
            };
            let said = match p.variation {
                Variation::Improvement => " (special cause: improvement)",
                Variation::Concern => " (special cause: concern)",
                Variation::Neither => " (special cause)",
                Variation::Common => "",
            };
            view! {
                <circle cx=format!("{:.1}", xs[i]) cy=format!("{:.1}", y(p.value)) r="3.5" class=class>
                    <title>{format!("{}: {}{said}", labels.get(i).cloned().unwrap_or_default(), plain(p.value))}</title>
                </circle>
            }
        })
        .collect_view();
    let latest = a.segments.last().map(|(_, l)| *l);
    let words = a.words();
    let described = match latest {
        Some(l) => format!(
            "Mean {}, process limits {} to {}. {words}",
            plain(l.mean),
            plain(l.lower),
            plain(l.upper)
        ),
        None => words.clone(),
    };
    let (title_id, desc_id) = (format!("{id}-title"), format!("{id}-desc"));
    let first = labels.first().cloned().unwrap_or_default();
    let last = labels.last().cloned().unwrap_or_default();
    let signal = a.variation != Variation::Common;
    let icon = match a.variation {
        Variation::Improvement => "spc-chart__icon spc-chart__icon--improvement",
        Variation::Concern => "spc-chart__icon spc-chart__icon--concern",
        Variation::Neither => "spc-chart__icon spc-chart__icon--neither",
        Variation::Common => "spc-chart__icon",
    };
    view! {
        <figure class="run-chart spc-chart">
            <svg viewBox=format!("0 0 {width} {height}") role="img"
                aria-labelledby=title_id.clone() aria-describedby=desc_id.clone()>
                <title id=title_id.clone()>{title.clone()}</title>
                <desc id=desc_id.clone()>{described}</desc>
                <line class="run-chart__axis" x1=left y1=top x2=left y2=height - bottom />
                <line class="run-chart__axis" x1=left y1=height - bottom x2=width - right y2=height - bottom />
                <text class="run-chart__tick" x=left - 4.0 y=top + 4.0 text-anchor="end">{plain(high)}</text>
                <text class="run-chart__tick" x=left - 4.0 y=height - bottom text-anchor="end">{plain(low)}</text>
                {segments}
                {target.map(|t| view! {
                    <line class="spc-chart__target" x1=left y1=format!("{:.1}", y(t)) x2=width - right y2=format!("{:.1}", y(t)) />
                })}
                <path class="run-chart__line spc-chart__line" d=path />
                <NoteMarks xs=xs.clone() notes />
                {points}
                <text class="run-chart__tick" x=left y=height - 10.0 text-anchor="start">{first}</text>
                <text class="run-chart__tick" x=width - right y=height - 10.0 text-anchor="end">{last}</text>
            </svg>
            <figcaption class:run-chart__signal=signal>
                <span class=icon aria-hidden="true"></span>
                {words}
                {latest.map(|l| format!(" Mean {}; limits {} to {}.", plain(l.mean), plain(l.lower), plain(l.upper)))}
            </figcaption>
        </figure>
    }
    .into_any()
}
