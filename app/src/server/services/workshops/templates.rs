//! Workshop templates: agendas to start from. Three ship with the platform; a facilitator
//! saves any workshop's agenda as another.
use super::{PROMPT_MAX, activities, facilitated, text};
use crate::domain::workshop::board::VoteTarget;
use crate::domain::workshop::{ActivityKind, AgendaStep, VoteRules};
use crate::error::AppError;
pub use crate::model::workshops::TemplateChoice as TemplateSummary;
use crate::server::auth::Who;
use crate::server::entities::{workshop_template, workshop_template_activity};
use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter,
    QueryOrder, Set,
};

pub const NAME_MAX: usize = 120;
pub const DESCRIPTION_MAX: usize = 500;

fn step_of(a: &workshop_template_activity::Model) -> Option<AgendaStep> {
    Some(AgendaStep {
        kind: ActivityKind::from_code(&a.kind)?,
        prompt: a.prompt.clone(),
        rules: VoteRules {
            budget: u32::try_from(a.dot_budget).unwrap_or(5),
            cap_per_item: a.dot_cap.and_then(|c| u32::try_from(c).ok()),
        },
        target: VoteTarget::from_code(&a.vote_target).unwrap_or(VoteTarget::Themes),
        multiple: a.multiple,
        options: a
            .options
            .lines()
            .filter(|l| !l.trim().is_empty())
            .map(str::to_owned)
            .collect(),
    })
}

/// Every template, those shipped first, then by name: two queries.
pub async fn list(db: &impl ConnectionTrait) -> Result<Vec<TemplateSummary>, AppError> {
    let templates = workshop_template::Entity::find()
        .order_by_asc(workshop_template::Column::Id)
        .all(db)
        .await?;
    let steps = workshop_template_activity::Entity::find()
        .order_by_asc(workshop_template_activity::Column::TemplateId)
        .order_by_asc(workshop_template_activity::Column::Position)
        .all(db)
        .await?;
    let mut out: Vec<TemplateSummary> = templates
        .into_iter()
        .map(|t| TemplateSummary {
            id: t.id,
            steps: steps
                .iter()
                .filter(|s| s.template_id == t.id)
                .filter_map(|s| ActivityKind::from_code(&s.kind))
                .collect(),
            shipped: t.created_by.is_none(),
            name: t.name,
            description: t.description,
        })
        .collect();
    out.sort_by(|a, b| b.shipped.cmp(&a.shipped).then(a.name.cmp(&b.name)));
    Ok(out)
}

/// A template's agenda, for a new workshop.
pub async fn steps(
    db: &impl ConnectionTrait,
    template_id: i64,
) -> Result<Vec<AgendaStep>, AppError> {
    workshop_template::Entity::find_by_id(template_id)
        .one(db)
        .await?
        .ok_or_else(|| AppError::invalid("template", "Choose a template from the list."))?;
    Ok(workshop_template_activity::Entity::find()
        .filter(workshop_template_activity::Column::TemplateId.eq(template_id))
        .order_by_asc(workshop_template_activity::Column::Position)
        .all(db)
        .await?
        .iter()
        .filter_map(step_of)
        .collect())
}

/// Save a workshop's agenda as a template (its facilitator only).
pub async fn save(
    db: &DatabaseConnection,
    workshop_id: i64,
    who: &Who,
    name: &str,
    description: &str,
) -> Result<i64, AppError> {
    let name = text("name", name, "a name for the template", NAME_MAX, true)?;
    let description = text(
        "description",
        description,
        "the description",
        DESCRIPTION_MAX,
        false,
    )?;
    let (w, _, _) = facilitated(db, workshop_id, who).await?;
    let agenda = activities(db, workshop_id).await?;
    let txn = crate::server::db::begin_write(db).await?;
    let t = workshop_template::ActiveModel {
        name: Set(name),
        description: Set(description),
        space_id: Set(w.space_id),
        created_by: Set(Some(w.facilitator_id)),
        created_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    for (i, a) in agenda.iter().enumerate() {
        let prompt: String = a.prompt.chars().take(PROMPT_MAX).collect();
        workshop_template_activity::ActiveModel {
            template_id: Set(t.id),
            position: Set(i as i32),
            kind: Set(a.kind.code().to_owned()),
            prompt: Set(prompt),
            dot_budget: Set(a.rules.budget as i32),
            dot_cap: Set(a.rules.cap_per_item.map(|c| c as i32)),
            vote_target: Set(a.target.code().to_owned()),
            multiple: Set(a.multiple),
            options: Set(a
                .options
                .iter()
                .map(|o| o.label.as_str())
                .collect::<Vec<_>>()
                .join("\n")),
            ..Default::default()
        }
        .insert(&txn)
        .await?;
    }
    txn.commit().await?;
    Ok(t.id)
}

#[cfg(test)]
mod tests {
    use super::super::tests::{form, setup};
    use super::super::{activities, create};
    use super::*;
    use crate::domain::workshop::board::Settings;
    use crate::server::testing::for_each_database;

    #[tokio::test]
    async fn a_workshop_starts_from_a_shipped_template_with_its_poll_options() {
        for_each_database(async |db| {
            let (_, _, hein) = setup(&db, Settings::default()).await;
            let hein = hein.person.unwrap();
            let trial = list(&db)
                .await
                .unwrap()
                .into_iter()
                .find(|t| t.name == "Reflect on a trial")
                .unwrap();
            let mut f = form(Settings::default());
            f.template = Some(trial.id);
            f.prompt = "What surprised you?".into();
            let w = create(&db, &hein, &f).await.unwrap();
            let agenda = activities(&db, w.id).await.unwrap();
            let kinds: Vec<ActivityKind> = agenda.iter().map(|a| a.kind).collect();
            assert_eq!(kinds, trial.steps);
            let labels: Vec<&str> = agenda[0].options.iter().map(|o| o.label.as_str()).collect();
            assert_eq!(labels, vec!["Adopt", "Adapt", "Abandon"]);
            assert_eq!(agenda[1].prompt, "What surprised you?");
            // A template that is not there changes nothing.
            f.template = Some(9_999);
            let before = crate::server::entities::workshop::Entity::find().all(&db).await.unwrap().len();
            assert!(matches!(create(&db, &hein, &f).await, Err(AppError::Invalid(e)) if e[0].field == "template"));
            assert_eq!(crate::server::entities::workshop::Entity::find().all(&db).await.unwrap().len(), before);
        })
        .await;
    }
}
