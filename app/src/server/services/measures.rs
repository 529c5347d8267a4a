//! A space's own improvement measures: defined, filled with data entered or pasted, and
//! noted (a change tried, an event), by the members who may hold a workshop there; read
//! by every member of the community, as the dashboards are.
use crate::domain::measure::{Better, ChartKind, Grain, parse_day, parse_points};
use crate::domain::membership::Action;
use crate::error::{AppError, Validation};
use crate::model::measures::{MeasureNoteLine, MeasurePage, MeasureSummary, SpaceMeasures};
use crate::server::entities::{measure, measure_note, measure_point, space};
use crate::server::services::membership;
use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter,
    QueryOrder, QuerySelect, Set,
};

pub const NOTE_MAX: usize = 200;

fn choices<T: Copy>(
    all: &[T],
    code: fn(T) -> &'static str,
    label: fn(T) -> &'static str,
) -> Vec<(String, String)> {
    all.iter()
        .map(|k| (code(*k).to_owned(), label(*k).to_owned()))
        .collect()
}

async fn space_by_slug(db: &impl ConnectionTrait, slug: &str) -> Result<space::Model, AppError> {
    space::Entity::find()
        .filter(space::Column::Slug.eq(slug))
        .one(db)
        .await?
        .ok_or_else(|| AppError::NotFound("There is no such space.".into()))
}

async fn may_keep(
    db: &impl ConnectionTrait,
    person_id: i64,
    s: &space::Model,
) -> Result<bool, AppError> {
    Ok(membership::authorise(db, person_id, Action::KeepMeasure, s)
        .await
        .is_ok())
}

/// A space's measures, for any member of the community.
pub async fn space_measures(
    db: &DatabaseConnection,
    viewer_id: i64,
    slug: &str,
) -> Result<SpaceMeasures, AppError> {
    membership::require_member_or_team(db, viewer_id).await?;
    let s = space_by_slug(db, slug).await?;
    let measures = measure::Entity::find()
        .filter(measure::Column::SpaceId.eq(s.id))
        .order_by_asc(measure::Column::Name)
        .all(db)
        .await?;
    let counts: std::collections::HashMap<i64, i64> = measure_point::Entity::find()
        .select_only()
        .column(measure_point::Column::MeasureId)
        .column_as(measure_point::Column::Id.count(), "n")
        .filter(measure_point::Column::MeasureId.is_in(measures.iter().map(|m| m.id)))
        .group_by(measure_point::Column::MeasureId)
        .into_tuple::<(i64, i64)>()
        .all(db)
        .await?
        .into_iter()
        .collect();
    Ok(SpaceMeasures {
        space_slug: s.slug.clone(),
        space_name: s.name.clone(),
        measures: measures
            .into_iter()
            .map(|m| MeasureSummary {
                points: counts.get(&m.id).copied().unwrap_or(0),
                id: m.id,
                better_label: Better::from_code(&m.direction)
                    .map(|b| b.label())
                    .unwrap_or_default()
                    .to_owned(),
                grain_label: Grain::from_code(&m.grain)
                    .map(|g| g.label())
                    .unwrap_or_default()
                    .to_owned(),
                chart_label: ChartKind::from_code(&m.chart)
                    .map(|c| c.label())
                    .unwrap_or_default()
                    .to_owned(),
                name: m.name,
                unit: m.unit,
            })
            .collect(),
        may_define: may_keep(db, viewer_id, &s).await?,
        betters: choices(Better::ALL, Better::code, Better::label),
        grains: choices(Grain::ALL, Grain::code, Grain::label),
        charts: choices(ChartKind::ALL, ChartKind::code, ChartKind::label),
    })
}

pub struct MeasureForm {
    pub name: String,
    pub unit: String,
    pub better: String,
    pub target: String,
    pub grain: String,
    pub chart: String,
}

/// Define a measure in a space.
pub async fn define(
    db: &DatabaseConnection,
    actor_id: i64,
    slug: &str,
    f: &MeasureForm,
) -> Result<measure::Model, AppError> {
    let s = space_by_slug(db, slug).await?;
    membership::authorise(db, actor_id, Action::KeepMeasure, &s).await?;
    let mut v = Validation::default();
    let name = f.name.split_whitespace().collect::<Vec<_>>().join(" ");
    if name.is_empty() || name.chars().count() > 120 {
        v.refuse("name", "Name the measure (at most 120 characters).");
    }
    let unit = f.unit.trim().to_owned();
    if unit.is_empty() || unit.chars().count() > 40 {
        v.refuse(
            "unit",
            "Say what is counted, e.g. calls, days or % (at most 40 characters).",
        );
    }
    let better = v.check(
        Better::from_code(&f.better)
            .ok_or_else(|| AppError::invalid("better", "Choose which way is better.")),
    );
    let target = match f.target.trim() {
        "" => None,
        t => v.check(
            t.parse::<f64>()
                .ok()
                .filter(|x| x.is_finite())
                .ok_or_else(|| {
                    AppError::invalid("target", "Enter the target as a number, or leave it empty.")
                }),
        ),
    };
    let grain = v.check(
        Grain::from_code(&f.grain)
            .ok_or_else(|| AppError::invalid("grain", "Choose monthly or weekly.")),
    );
    let chart = v.check(
        ChartKind::from_code(&f.chart).ok_or_else(|| AppError::invalid("chart", "Choose a chart.")),
    );
    v.finish()?;
    let (Some(better), Some(grain), Some(chart)) = (better, grain, chart) else {
        return Err(AppError::Internal);
    };
    Ok(measure::ActiveModel {
        space_id: Set(s.id),
        name: Set(name),
        unit: Set(unit),
        direction: Set(better.code().into()),
        target: Set(target),
        grain: Set(grain.code().into()),
        chart: Set(chart.code().into()),
        created_by: Set(actor_id),
        created_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(db)
    .await?)
}

/// The measure and its space, if the actor may keep it.
async fn kept(
    db: &impl ConnectionTrait,
    actor_id: i64,
    id: i64,
) -> Result<(measure::Model, space::Model), AppError> {
    let m = measure::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or_else(|| AppError::NotFound("There is no such measure.".into()))?;
    let s = space::Entity::find_by_id(m.space_id)
        .one(db)
        .await?
        .ok_or(AppError::Internal)?;
    membership::authorise(db, actor_id, Action::KeepMeasure, &s).await?;
    Ok((m, s))
}

/// Add pasted points; a period already there is corrected. With any bad line, nothing is
/// stored and every bad line is named.
pub async fn add_points(
    db: &DatabaseConnection,
    actor_id: i64,
    id: i64,
    text: &str,
) -> Result<usize, AppError> {
    let txn = crate::server::db::begin_write(db).await?;
    let (m, _) = kept(&txn, actor_id, id).await?;
    let grain = Grain::from_code(&m.grain).ok_or(AppError::Internal)?;
    let points =
        parse_points(text, grain).map_err(|lines| AppError::invalid("points", lines.join(" ")))?;
    let existing: std::collections::HashMap<chrono::NaiveDate, measure_point::Model> =
        measure_point::Entity::find()
            .filter(measure_point::Column::MeasureId.eq(id))
            .all(&txn)
            .await?
            .into_iter()
            .map(|p| (p.period, p))
            .collect();
    let now = Utc::now();
    for (period, value) in &points {
        match existing.get(period) {
            Some(p) => {
                let mut a: measure_point::ActiveModel = p.clone().into();
                a.value = Set(*value);
                a.entered_by = Set(actor_id);
                a.entered_at = Set(now);
                a.update(&txn).await?;
            }
            None => {
                measure_point::ActiveModel {
                    measure_id: Set(id),
                    period: Set(*period),
                    value: Set(*value),
                    entered_by: Set(actor_id),
                    entered_at: Set(now),
                    ..Default::default()
                }
                .insert(&txn)
                .await?;
            }
        }
    }
    txn.commit().await?;
    Ok(points.len())
}

/// Note a change tried or an event on the chart; `rebase` starts the SPC limits again there.
pub async fn annotate(
    db: &DatabaseConnection,
    actor_id: i64,
    id: i64,
    on: &str,
    text: &str,
    rebase: bool,
) -> Result<(), AppError> {
    let (m, _) = kept(db, actor_id, id).await?;
    let grain = Grain::from_code(&m.grain).ok_or(AppError::Internal)?;
    let mut v = Validation::default();
    let day = v.check(
        chrono::NaiveDate::parse_from_str(on.trim(), "%Y-%m-%d")
            .ok()
            .or_else(|| parse_day(on, grain))
            .ok_or_else(|| AppError::invalid("on", "Enter the date, e.g. 2026-03-14.")),
    );
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if text.is_empty() || text.chars().count() > NOTE_MAX {
        v.refuse(
            "text",
            format!("Say what changed or happened (at most {NOTE_MAX} characters)."),
        );
    }
    v.finish()?;
    measure_note::ActiveModel {
        measure_id: Set(id),
        on_date: Set(day.ok_or(AppError::Internal)?),
        text: Set(text),
        rebase: Set(rebase),
        created_by: Set(actor_id),
        created_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(())
}

/// A measure with its points and notes, for any member of the community.
pub async fn page(
    db: &DatabaseConnection,
    viewer_id: i64,
    id: i64,
) -> Result<MeasurePage, AppError> {
    membership::require_member_or_team(db, viewer_id).await?;
    let m = measure::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or_else(|| AppError::NotFound("There is no such measure.".into()))?;
    let s = space::Entity::find_by_id(m.space_id)
        .one(db)
        .await?
        .ok_or(AppError::Internal)?;
    let grain = Grain::from_code(&m.grain).ok_or(AppError::Internal)?;
    let points = measure_point::Entity::find()
        .filter(measure_point::Column::MeasureId.eq(id))
        .order_by_asc(measure_point::Column::Period)
        .all(db)
        .await?;
    let notes = measure_note::Entity::find()
        .filter(measure_note::Column::MeasureId.eq(id))
        .order_by_asc(measure_note::Column::OnDate)
        .order_by_asc(measure_note::Column::Id)
        .all(db)
        .await?;
    let last = points.len().saturating_sub(1);
    // The notes written on the measure, and the PDSA cycles of the trials it reads, in
    // the order of their days.
    let mut marks: Vec<(chrono::NaiveDate, String, bool)> = notes
        .into_iter()
        .map(|n| (n.on_date, n.text, n.rebase))
        .collect();
    marks.extend(
        crate::server::services::trials::cycles_on_measure(db, id)
            .await?
            .into_iter()
            .map(|(on, text)| (on, text, false)),
    );
    marks.sort_by_key(|(on, _, _)| *on);
    let notes = marks
        .into_iter()
        .enumerate()
        .map(|(i, (on, text, rebase))| {
            let period = grain.period_of(on);
            MeasureNoteLine {
                number: i as u32 + 1,
                on: on.format("%-d %b %Y").to_string(),
                index: points
                    .iter()
                    .position(|p| p.period >= period)
                    .unwrap_or(last),
                text,
                rebase,
            }
        })
        .collect();
    Ok(MeasurePage {
        id: m.id,
        space_slug: s.slug.clone(),
        space_name: s.name.clone(),
        better_label: Better::from_code(&m.direction)
            .map(|b| b.label())
            .unwrap_or_default()
            .to_owned(),
        better: m.direction.clone(),
        target: m.target,
        grain_label: grain.label().to_owned(),
        chart: m.chart.clone(),
        labels: points
            .iter()
            .map(|p| grain.period_label(p.period))
            .collect(),
        values: points.iter().map(|p| p.value).collect(),
        notes,
        may_edit: may_keep(db, viewer_id, &s).await?,
        name: m.name,
        unit: m.unit,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::server::services::{accounts, demo};
    use crate::server::testing::for_each_database;
    use sea_orm::PaginatorTrait;

    async fn id(db: &DatabaseConnection, email: &str) -> i64 {
        accounts::find_by_email(db, email)
            .await
            .unwrap()
            .unwrap()
            .id
    }

    fn form() -> MeasureForm {
        MeasureForm {
            name: "Patients called back within 2 days".into(),
            unit: "%".into(),
            better: "up".into(),
            target: "90".into(),
            grain: "month".into(),
            chart: "run".into(),
        }
    }

    /// 24 months: 12 around 60, then 12 around 75 (a shift after the call-back rota).
    fn two_years(bad_line: bool) -> String {
        let mut text = String::from("month,percent\n");
        for i in 0..24 {
            let (y, mo) = (2025 + i / 12, i % 12 + 1);
            let v = if i < 12 { 60 + (i % 3) } else { 75 + (i % 3) };
            if bad_line && i == 5 {
                text.push_str(&format!("{y}-{mo:02}, sixty\n"));
            } else {
                text.push_str(&format!("{y}-{mo:02}, {v}\n"));
            }
        }
        text
    }

    #[tokio::test]
    async fn a_steward_keeps_a_measure_whose_run_chart_shows_the_shift() {
        for_each_database(async |db| {
            demo::seed_if_empty(&db).await.unwrap();
            let sam = id(&db, "sam@demo.q-commons.org").await;
            let helen = id(&db, "helen@demo.q-commons.org").await;
            // Another region's convener keeps no measure here; bad input is named.
            assert_eq!(
                define(&db, helen, "west-of-england", &form())
                    .await
                    .unwrap_err(),
                AppError::Forbidden
            );
            let bad = define(
                &db,
                sam,
                "west-of-england",
                &MeasureForm {
                    name: " ".into(),
                    unit: String::new(),
                    better: "sideways".into(),
                    target: "ninety".into(),
                    grain: "daily".into(),
                    chart: "pie".into(),
                },
            )
            .await
            .unwrap_err();
            for field in ["name", "unit", "better", "target", "grain", "chart"] {
                assert!(bad.message_for(field).is_some(), "{field}");
            }
            let m = define(&db, sam, "west-of-england", &form()).await.unwrap();

            // A paste with a bad line stores nothing and names the line.
            let e = add_points(&db, sam, m.id, &two_years(true))
                .await
                .unwrap_err();
            assert!(e.message_for("points").unwrap().contains("Line 7"), "{e:?}");
            assert_eq!(measure_point::Entity::find().count(&db).await.unwrap(), 0);
            assert_eq!(
                add_points(&db, sam, m.id, &two_years(false)).await.unwrap(),
                24
            );
            // Entering a month again corrects it.
            add_points(&db, sam, m.id, "2025-01, 61").await.unwrap();
            assert_eq!(measure_point::Entity::find().count(&db).await.unwrap(), 24);
            assert_eq!(
                add_points(&db, helen, m.id, "2027-01, 1")
                    .await
                    .unwrap_err(),
                AppError::Forbidden
            );

            annotate(
                &db,
                sam,
                m.id,
                "2026-01-05",
                "Started the call-back rota",
                true,
            )
            .await
            .unwrap();
            assert!(
                annotate(&db, sam, m.id, "soon", "", false)
                    .await
                    .unwrap_err()
                    .message_for("on")
                    .is_some()
            );

            // Any member reads it: 24 points, the note at January 2026, and a shift.
            let page = page(&db, helen, m.id).await.unwrap();
            assert_eq!(page.values.len(), 24);
            assert_eq!(page.values[0], 61.0);
            assert_eq!(page.notes[0].index, 12);
            assert_eq!(page.labels[12], "2026-01");
            assert!(!page.may_edit);
            let run = crate::domain::chart::run::analyse(&page.values, None).unwrap();
            assert!(run.shift, "{run:?}");
            let listed = space_measures(&db, helen, "west-of-england").await.unwrap();
            assert_eq!(listed.measures[0].points, 24);
            assert!(!listed.may_define);
            assert!(
                space_measures(&db, sam, "west-of-england")
                    .await
                    .unwrap()
                    .may_define
            );
        })
        .await;
    }
}
