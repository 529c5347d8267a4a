//! A run chart as SVG, drawn on the server: the points in time order, the median, and the
//! points in a shift marked; its title and description say the signal in words, so it
//! reads without the picture, prints, and fits a 320 px phone (it scales to its box).
use crate::domain::chart::run::{RunAnalysis, analyse};
use leptos::prelude::*;

const WIDTH: f64 = 320.0;
const HEIGHT: f64 = 180.0;
const LEFT: f64 = 36.0;
const RIGHT: f64 = 8.0;
const TOP: f64 = 10.0;
const BOTTOM: f64 = 28.0;

/// Plain numbers for axis labels: "12", "3.5".
fn number(v: f64) -> String {
    if (v - v.round()).abs() < 1e-9 {
        format!("{}", v.round() as i64)
    } else {
        format!("{v:.1}")
    }
}

/// Where each point goes, and the median's height, in the chart's own units.
struct Layout {
    xs: Vec<f64>,
    ys: Vec<f64>,
    median_y: f64,
    low: f64,
    high: f64,
}

/// `top`, when given, is the height of the scale (charts side by side share one).
fn layout(values: &[f64], median: f64, top: Option<f64>) -> Layout {
    let low = values.iter().copied().fold(median, f64::min).min(0.0);
    let mut high = values.iter().copied().fold(median, f64::max);
    if let Some(top) = top {
        high = high.max(top);
    }
    if high <= low {
        high = low + 1.0;
    }
    let y = |v: f64| TOP + (high - v) / (high - low) * (HEIGHT - TOP - BOTTOM);
    let step = if values.len() > 1 {
        (WIDTH - LEFT - RIGHT) / (values.len() - 1) as f64
    } else {
        0.0
    };
    Layout {
        xs: (0..values.len()).map(|i| LEFT + i as f64 * step).collect(),
        ys: values.iter().map(|v| y(*v)).collect(),
        median_y: y(median),
        low,
        high,
    }
}

/// A run chart of `values` labelled by `labels` (months, say), with `id` unique on the
/// page. What it says in words is the analysis's own.
#[component]
pub fn RunChart(
    id: String,
    title: String,
    labels: Vec<String>,
    values: Vec<f64>,
    /// The top of the scale, shared by charts shown side by side (small multiples).
    #[prop(default = None)]
    top: Option<f64>,
    /// Numbered notes on the chart (a change tried, an event): (point index, number).
    #[prop(default = vec![])]
    notes: Vec<(usize, u32)>,
) -> impl IntoView {
    let Some(a): Option<RunAnalysis> = analyse(&values, None) else {
        return view! { <p class="muted">"No data for this period yet."</p> }.into_any();
    };
    let l = layout(&values, a.median, top);
    let path: String =
        l.xs.iter()
            .zip(&l.ys)
            .enumerate()
            .map(|(i, (x, y))| format!("{}{x:.1},{y:.1}", if i == 0 { "M" } else { " L" }))
            .collect();
    let words = a.words();
    let (title_id, desc_id) = (format!("{id}-title"), format!("{id}-desc"));
    let first = labels.first().cloned().unwrap_or_default();
    let last = labels.last().cloned().unwrap_or_default();
    let points = l
        .xs
        .iter()
        .zip(&l.ys)
        .enumerate()
        .map(|(i, (x, y))| {
            let signal = a.shifted.contains(&i);
            view! {
                <circle cx=format!("{x:.1}") cy=format!("{y:.1}") r=if signal { "4" } else { "3" }
                    class=if signal { "run-chart__point run-chart__point--signal" } else { "run-chart__point" }>
                    <title>{format!("{}: {}", labels.get(i).cloned().unwrap_or_default(), number(values[i]))}</title>
                </circle>
            }
        })
        .collect_view();
    view! {
        <figure class="run-chart">
            <svg viewBox=format!("0 0 {WIDTH} {HEIGHT}") role="img"
                aria-labelledby=title_id.clone() aria-describedby=desc_id.clone()>
                <title id=title_id.clone()>{title.clone()}</title>
                <desc id=desc_id.clone()>{format!("Median {}. {words}", number(a.median))}</desc>
                <line class="run-chart__axis" x1=LEFT y1=TOP x2=LEFT y2=HEIGHT - BOTTOM />
                <line class="run-chart__axis" x1=LEFT y1=HEIGHT - BOTTOM x2=WIDTH - RIGHT y2=HEIGHT - BOTTOM />
                <text class="run-chart__tick" x=LEFT - 4.0 y=TOP + 4.0 text-anchor="end">{number(l.high)}</text>
                <text class="run-chart__tick" x=LEFT - 4.0 y=HEIGHT - BOTTOM text-anchor="end">{number(l.low)}</text>
                <line class="run-chart__median" x1=LEFT y1=format!("{:.1}", l.median_y) x2=WIDTH - RIGHT y2=format!("{:.1}", l.median_y) />
                <path class="run-chart__line" d=path />
                <NoteMarks xs=l.xs.clone() notes />
                {points}
                <text class="run-chart__tick" x=LEFT y=HEIGHT - 10.0 text-anchor="start">{first}</text>
                <text class="run-chart__tick" x=WIDTH - RIGHT y=HEIGHT - 10.0 text-anchor="end">{last}</text>
            </svg>
            <figcaption class:run-chart__signal=a.signal()>{words}</figcaption>
        </figure>
    }
    .into_any()
}

/// Where notes stand on a chart: a dashed upright at the point, numbered at the top.
#[component]
pub fn NoteMarks(xs: Vec<f64>, notes: Vec<(usize, u32)>) -> impl IntoView {
    notes
        .into_iter()
        .filter_map(|(i, n)| xs.get(i).map(|x| (*x, n)))
        .map(|(x, n)| {
            view! {
                <line class="run-chart__note" x1=format!("{x:.1}") y1=TOP x2=format!("{x:.1}") y2=HEIGHT - BOTTOM />
                <text class="run-chart__note-number" x=format!("{:.1}", x + 2.0) y=TOP + 8.0>{n.to_string()}</text>
            }
        })
        .collect_view()
}

/// The chart's frame, for the SPC chart to share: width, height and margins.
pub const FRAME: (f64, f64, f64, f64, f64, f64) = (WIDTH, HEIGHT, LEFT, RIGHT, TOP, BOTTOM);

/// Plain numbers for labels, shared with the SPC chart.
pub fn plain(v: f64) -> String {
    number(v)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn points_fill_the_width_and_the_median_sits_between_low_and_high() {
        let l = layout(&[0.0, 5.0, 10.0], 5.0, None);
        assert_eq!(l.xs.first().copied(), Some(LEFT));
        assert_eq!(l.xs.last().copied(), Some(WIDTH - RIGHT));
        assert!(
            l.ys[0] > l.median_y && l.median_y > l.ys[2],
            "higher values draw higher"
        );
        assert_eq!((l.low, l.high), (0.0, 10.0));
        // A flat series still has a height to draw in.
        let flat = layout(&[3.0, 3.0], 3.0, None);
        // Side by side, charts share the top of their scale.
        assert_eq!(layout(&[1.0, 2.0], 1.5, Some(40.0)).high, 40.0);
        assert!(flat.high > flat.low);
        assert_eq!(number(12.0), "12");
        assert_eq!(number(3.25), "3.2");
    }
}
