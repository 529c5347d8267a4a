//! The relationship map: the community's spaces on the left, the partner organisations on
//! the right, a line for each relationship drawn by its kind — server-rendered SVG with a
//! title and a description that say what it shows, and a table of the same ties beside it.
use crate::model::partners::PartnerView;
use leptos::prelude::*;

const WIDTH: f64 = 480.0;
const ROW: f64 = 34.0;
const TOP: f64 = 24.0;
const LEFT_X: f64 = 170.0;
const RIGHT_X: f64 = 310.0;
/// Longest name drawn in full; longer ones are cut (the full name is each node's title).
const NAME_MAX: usize = 18;

fn cut(name: &str) -> String {
    if name.chars().count() > NAME_MAX {
        format!("{}…", name.chars().take(NAME_MAX - 1).collect::<String>())
    } else {
        name.to_owned()
    }
}

/// The y of row `i` of `n`, the shorter column centred against the longer of `rows`.
fn y(i: usize, n: usize, rows: usize) -> f64 {
    TOP + (rows - n) as f64 * ROW / 2.0 + i as f64 * ROW
}

#[component]
pub fn RelationshipMap(partners: Vec<PartnerView>) -> impl IntoView {
    let mut spaces: Vec<(String, String)> = partners
        .iter()
        .flat_map(|p| p.spaces.iter().map(|t| (t.slug.clone(), t.name.clone())))
        .collect();
    spaces.sort_by(|a, b| a.1.cmp(&b.1));
    spaces.dedup();
    let linked: Vec<&PartnerView> = partners.iter().filter(|p| !p.spaces.is_empty()).collect();
    let rows = spaces.len().max(linked.len()).max(1);
    let height = TOP * 2.0 + rows as f64 * ROW;
    let ties: usize = linked.iter().map(|p| p.spaces.len()).sum();
    let description = format!(
        "{} spaces and {} partner organisations, joined by {} relationships: {}.",
        spaces.len(),
        linked.len(),
        ties,
        linked
            .iter()
            .flat_map(|p| p.spaces.iter().map(move |t| format!(
                "{} is {} of {}",
                p.name,
                t.relationship_label.to_lowercase(),
                t.name
            )))
            .collect::<Vec<_>>()
            .join("; ")
    );
    let space_y = |slug: &str| {
        spaces
            .iter()
            .position(|(s, _)| s == slug)
            .map_or(0.0, |i| y(i, spaces.len(), rows))
    };
    let lines: Vec<_> = linked
        .iter()
        .enumerate()
        .flat_map(|(j, p)| {
            let to = y(j, linked.len(), rows);
            p.spaces
                .iter()
                .map(|t| {
                    view! {
                        <line x1=LEFT_X y1=space_y(&t.slug) x2=RIGHT_X y2=to
                            class=format!("relationship-map__tie relationship-map__tie--{}", t.relationship) />
                    }
                })
                .collect::<Vec<_>>()
        })
        .collect();
    view! {
        <figure class="relationship-map">
            <svg viewBox=format!("0 0 {WIDTH} {height}") role="img" aria-labelledby="relationship-map-title relationship-map-desc">
                <title id="relationship-map-title">"The relationship map"</title>
                <desc id="relationship-map-desc">{description}</desc>
                {lines}
                {spaces.iter().enumerate().map(|(i, (_, name))| {
                    let at = y(i, spaces.len(), rows);
                    view! {
                        <g class="relationship-map__node">
                            <title>{name.clone()}</title>
                            <circle cx=LEFT_X cy=at r=5 />
                            <text x=LEFT_X - 10.0 y=at + 5.0 text-anchor="end">{cut(name)}</text>
                        </g>
                    }
                }).collect_view()}
                {linked.iter().enumerate().map(|(j, p)| {
                    let at = y(j, linked.len(), rows);
                    view! {
                        <g class="relationship-map__node relationship-map__node--partner">
                            <title>{p.name.clone()}</title>
                            <circle cx=RIGHT_X cy=at r=5 />
                            <text x=RIGHT_X + 10.0 y=at + 5.0>{cut(&p.name)}</text>
                        </g>
                    }
                }).collect_view()}
            </svg>
            <figcaption>
                <span class="relationship-map__key relationship-map__key--host">"Host"</span>
                <span class="relationship-map__key relationship-map__key--funder">"Funder"</span>
                <span class="relationship-map__key relationship-map__key--collaborator">"Collaborator"</span>
                <span class="relationship-map__key relationship-map__key--partner">"Partner"</span>
            </figcaption>
        </figure>
        <details>
            <summary>"The map as a table"</summary>
            <div class="table-wrap" tabindex="0" role="region" aria-label="The relationships as a table">
                <table class="lines">
                    <thead><tr><th scope="col">"Space"</th><th scope="col">"Organisation"</th><th scope="col">"Relationship"</th></tr></thead>
                    <tbody>
                        {linked.iter().flat_map(|p| p.spaces.iter().map(move |t| view! {
                            <tr><td>{t.name.clone()}</td><td>{p.name.clone()}</td><td>{t.relationship_label.clone()}</td></tr>
                        })).collect_view()}
                    </tbody>
                </table>
            </div>
        </details>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shorter_column_is_centred_and_long_names_are_cut() {
        assert_eq!(y(0, 3, 3), TOP);
        assert_eq!(y(0, 1, 3), TOP + ROW);
        assert_eq!(cut("West of England"), "West of England");
        assert_eq!(
            cut("North East and North Cumbria AHSN").chars().count(),
            NAME_MAX
        );
    }
}
