//! What a workshop leaves behind: prioritising (impact and effort ratings of themes),
//! polls, reflections, actions with their status history, and agenda templates (three
//! shipped with the platform).
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveIden)]
enum Person {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Space {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Workshop {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum WorkshopActivity {
    Table,
    Id,
    Multiple,
}

#[derive(DeriveIden)]
enum WorkshopParticipant {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum WorkshopTheme {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum WorkshopNote {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum WorkshopRating {
    Table,
    ActivityId,
    ParticipantId,
    ThemeId,
    Impact,
    Effort,
}

#[derive(DeriveIden)]
enum WorkshopPollOption {
    Table,
    Id,
    ActivityId,
    Position,
    Label,
}

#[derive(DeriveIden)]
enum WorkshopPollChoice {
    Table,
    ActivityId,
    ParticipantId,
    OptionId,
}

#[derive(DeriveIden)]
enum WorkshopReflection {
    Table,
    Id,
    WorkshopId,
    ActivityId,
    ParticipantId,
    Prompt,
    Body,
    Anonymous,
    ClientKey,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Action {
    Table,
    Id,
    WorkshopId,
    SpaceId,
    ThemeId,
    NoteId,
    Title,
    OwnerId,
    DueOn,
    Status,
    CreatedBy,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum ActionEvent {
    Table,
    Id,
    ActionId,
    Status,
    ById,
    At,
}

#[derive(DeriveIden)]
enum WorkshopTemplate {
    Table,
    Id,
    Name,
    Description,
    SpaceId,
    CreatedBy,
    CreatedAt,
}

#[derive(DeriveIden)]
enum WorkshopTemplateActivity {
    Table,
    Id,
    TemplateId,
    Position,
    Kind,
    Prompt,
    DotBudget,
    DotCap,
    VoteTarget,
    Multiple,
    Options,
}

fn fk(
    from: (impl IntoIden, impl IntoIden),
    to: (impl IntoIden, impl IntoIden),
    on_delete: ForeignKeyAction,
) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .from(from.0, from.1)
        .to(to.0, to.1)
        .on_delete(on_delete)
        .to_owned()
}

use ForeignKeyAction::{Cascade, SetNull};

/// (kind, prompt, dot budget, dot cap, vote target, multiple, poll options one a line)
type Step = (
    &'static str,
    &'static str,
    i32,
    Option<i32>,
    &'static str,
    bool,
    &'static str,
);

/// The templates every community starts with.
const TEMPLATES: &[(&str, &str, &[Step])] = &[
    (
        "Explore a problem with patients and carers",
        "Hear first from those with lived experience, find the themes together, and agree which matter most.",
        &[
            (
                "idea_capture",
                "What is it like to live with this problem, or to care for someone who does?",
                5,
                Some(3),
                "themes",
                false,
                "",
            ),
            (
                "grouping",
                "Which notes belong together?",
                5,
                Some(3),
                "themes",
                false,
                "",
            ),
            (
                "dot_vote",
                "Which themes matter most to you?",
                5,
                Some(3),
                "themes",
                false,
                "",
            ),
            (
                "reflection",
                "How did this session feel?",
                5,
                Some(3),
                "themes",
                false,
                "",
            ),
        ],
    ),
    (
        "Prioritise improvement ideas",
        "Gather ideas, group them, and weigh each theme for impact and effort before choosing where to start.",
        &[
            (
                "idea_capture",
                "What could we change to improve this?",
                5,
                Some(3),
                "themes",
                false,
                "",
            ),
            (
                "grouping",
                "Which ideas belong together?",
                5,
                Some(3),
                "themes",
                false,
                "",
            ),
            (
                "prioritise",
                "How much difference would each make, and how hard would it be?",
                5,
                Some(3),
                "themes",
                false,
                "",
            ),
            (
                "poll",
                "Which should we try first?",
                5,
                Some(3),
                "themes",
                false,
                "The highest impact theme\nThe quickest win\nNeither yet: we need to learn more",
            ),
        ],
    ),
    (
        "Reflect on a trial",
        "Look back on a trial or PDSA cycle: what worked, what to change, and what we learned.",
        &[
            (
                "poll",
                "Should we adopt, adapt or abandon what we tried?",
                5,
                Some(3),
                "themes",
                false,
                "Adopt\nAdapt\nAbandon",
            ),
            (
                "idea_capture",
                "What did you notice during the trial?",
                5,
                Some(3),
                "themes",
                false,
                "",
            ),
            (
                "grouping",
                "What patterns do we see?",
                5,
                Some(3),
                "themes",
                false,
                "",
            ),
            (
                "reflection",
                "Looking back on the trial",
                5,
                Some(3),
                "themes",
                false,
                "",
            ),
        ],
    ),
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table(WorkshopActivity::Table)
                .add_column(boolean(WorkshopActivity::Multiple).default(false))
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(WorkshopRating::Table)
                .col(big_integer(WorkshopRating::ActivityId))
                .col(big_integer(WorkshopRating::ParticipantId))
                .col(big_integer(WorkshopRating::ThemeId))
                .col(small_integer(WorkshopRating::Impact))
                .col(small_integer(WorkshopRating::Effort))
                .primary_key(
                    Index::create()
                        .col(WorkshopRating::ActivityId)
                        .col(WorkshopRating::ParticipantId)
                        .col(WorkshopRating::ThemeId),
                )
                .foreign_key(&mut fk(
                    (WorkshopRating::Table, WorkshopRating::ActivityId),
                    (WorkshopActivity::Table, WorkshopActivity::Id),
                    Cascade,
                ))
                .foreign_key(&mut fk(
                    (WorkshopRating::Table, WorkshopRating::ParticipantId),
                    (WorkshopParticipant::Table, WorkshopParticipant::Id),
                    Cascade,
                ))
                .foreign_key(&mut fk(
                    (WorkshopRating::Table, WorkshopRating::ThemeId),
                    (WorkshopTheme::Table, WorkshopTheme::Id),
                    Cascade,
                ))
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(WorkshopPollOption::Table)
                .col(big_pk_auto(WorkshopPollOption::Id))
                .col(big_integer(WorkshopPollOption::ActivityId))
                .col(integer(WorkshopPollOption::Position))
                .col(string_len(WorkshopPollOption::Label, 200))
                .foreign_key(&mut fk(
                    (WorkshopPollOption::Table, WorkshopPollOption::ActivityId),
                    (WorkshopActivity::Table, WorkshopActivity::Id),
                    Cascade,
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_workshop_poll_option_activity")
                .table(WorkshopPollOption::Table)
                .col(WorkshopPollOption::ActivityId)
                .col(WorkshopPollOption::Position)
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(WorkshopPollChoice::Table)
                .col(big_integer(WorkshopPollChoice::ActivityId))
                .col(big_integer(WorkshopPollChoice::ParticipantId))
                .col(big_integer(WorkshopPollChoice::OptionId))
                .primary_key(
                    Index::create()
                        .col(WorkshopPollChoice::ActivityId)
                        .col(WorkshopPollChoice::ParticipantId)
                        .col(WorkshopPollChoice::OptionId),
                )
                .foreign_key(&mut fk(
                    (WorkshopPollChoice::Table, WorkshopPollChoice::ActivityId),
                    (WorkshopActivity::Table, WorkshopActivity::Id),
                    Cascade,
                ))
                .foreign_key(&mut fk(
                    (WorkshopPollChoice::Table, WorkshopPollChoice::ParticipantId),
                    (WorkshopParticipant::Table, WorkshopParticipant::Id),
                    Cascade,
                ))
                .foreign_key(&mut fk(
                    (WorkshopPollChoice::Table, WorkshopPollChoice::OptionId),
                    (WorkshopPollOption::Table, WorkshopPollOption::Id),
                    Cascade,
                ))
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(WorkshopReflection::Table)
                .col(big_pk_auto(WorkshopReflection::Id))
                .col(big_integer(WorkshopReflection::WorkshopId))
                .col(big_integer(WorkshopReflection::ActivityId))
                .col(big_integer(WorkshopReflection::ParticipantId))
                .col(string_len(WorkshopReflection::Prompt, 20))
                .col(text(WorkshopReflection::Body))
                .col(boolean(WorkshopReflection::Anonymous).default(false))
                .col(string_len(WorkshopReflection::ClientKey, 64))
                .col(timestamp_with_time_zone(WorkshopReflection::CreatedAt))
                .foreign_key(&mut fk(
                    (WorkshopReflection::Table, WorkshopReflection::WorkshopId),
                    (Workshop::Table, Workshop::Id),
                    Cascade,
                ))
                .foreign_key(&mut fk(
                    (WorkshopReflection::Table, WorkshopReflection::ActivityId),
                    (WorkshopActivity::Table, WorkshopActivity::Id),
                    Cascade,
                ))
                .foreign_key(&mut fk(
                    (WorkshopReflection::Table, WorkshopReflection::ParticipantId),
                    (WorkshopParticipant::Table, WorkshopParticipant::Id),
                    Cascade,
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_workshop_reflection_client_key")
                .table(WorkshopReflection::Table)
                .col(WorkshopReflection::ParticipantId)
                .col(WorkshopReflection::ClientKey)
                .unique()
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_workshop_reflection_workshop")
                .table(WorkshopReflection::Table)
                .col(WorkshopReflection::WorkshopId)
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(Action::Table)
                .col(big_pk_auto(Action::Id))
                .col(big_integer_null(Action::WorkshopId))
                .col(big_integer_null(Action::SpaceId))
                .col(big_integer_null(Action::ThemeId))
                .col(big_integer_null(Action::NoteId))
                .col(string_len(Action::Title, 300))
                .col(big_integer(Action::OwnerId))
                .col(date(Action::DueOn))
                .col(string_len(Action::Status, 20))
                .col(big_integer(Action::CreatedBy))
                .col(timestamp_with_time_zone(Action::CreatedAt))
                .col(timestamp_with_time_zone(Action::UpdatedAt))
                .foreign_key(&mut fk(
                    (Action::Table, Action::WorkshopId),
                    (Workshop::Table, Workshop::Id),
                    SetNull,
                ))
                .foreign_key(&mut fk(
                    (Action::Table, Action::SpaceId),
                    (Space::Table, Space::Id),
                    SetNull,
                ))
                .foreign_key(&mut fk(
                    (Action::Table, Action::ThemeId),
                    (WorkshopTheme::Table, WorkshopTheme::Id),
                    SetNull,
                ))
                .foreign_key(&mut fk(
                    (Action::Table, Action::NoteId),
                    (WorkshopNote::Table, WorkshopNote::Id),
                    SetNull,
                ))
                .foreign_key(&mut fk(
                    (Action::Table, Action::OwnerId),
                    (Person::Table, Person::Id),
                    Cascade,
                ))
                .foreign_key(&mut fk(
                    (Action::Table, Action::CreatedBy),
                    (Person::Table, Person::Id),
                    Cascade,
                ))
                .to_owned(),
        )
        .await?;
        for (name, col) in [
            ("idx_action_owner", Action::OwnerId),
            ("idx_action_workshop", Action::WorkshopId),
            ("idx_action_space", Action::SpaceId),
        ] {
            m.create_index(
                Index::create()
                    .name(name)
                    .table(Action::Table)
                    .col(col)
                    .to_owned(),
            )
            .await?;
        }

        m.create_table(
            Table::create()
                .table(ActionEvent::Table)
                .col(big_pk_auto(ActionEvent::Id))
                .col(big_integer(ActionEvent::ActionId))
                .col(string_len(ActionEvent::Status, 20))
                .col(big_integer(ActionEvent::ById))
                .col(timestamp_with_time_zone(ActionEvent::At))
                .foreign_key(&mut fk(
                    (ActionEvent::Table, ActionEvent::ActionId),
                    (Action::Table, Action::Id),
                    Cascade,
                ))
                .foreign_key(&mut fk(
                    (ActionEvent::Table, ActionEvent::ById),
                    (Person::Table, Person::Id),
                    Cascade,
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_action_event_action")
                .table(ActionEvent::Table)
                .col(ActionEvent::ActionId)
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(WorkshopTemplate::Table)
                .col(big_pk_auto(WorkshopTemplate::Id))
                .col(string_len(WorkshopTemplate::Name, 200))
                .col(text(WorkshopTemplate::Description).default(""))
                .col(big_integer_null(WorkshopTemplate::SpaceId))
                .col(big_integer_null(WorkshopTemplate::CreatedBy))
                .col(timestamp_with_time_zone(WorkshopTemplate::CreatedAt))
                .foreign_key(&mut fk(
                    (WorkshopTemplate::Table, WorkshopTemplate::SpaceId),
                    (Space::Table, Space::Id),
                    Cascade,
                ))
                .foreign_key(&mut fk(
                    (WorkshopTemplate::Table, WorkshopTemplate::CreatedBy),
                    (Person::Table, Person::Id),
                    SetNull,
                ))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(WorkshopTemplateActivity::Table)
                .col(big_pk_auto(WorkshopTemplateActivity::Id))
                .col(big_integer(WorkshopTemplateActivity::TemplateId))
                .col(integer(WorkshopTemplateActivity::Position))
                .col(string_len(WorkshopTemplateActivity::Kind, 40))
                .col(text(WorkshopTemplateActivity::Prompt).default(""))
                .col(integer(WorkshopTemplateActivity::DotBudget).default(5))
                .col(integer_null(WorkshopTemplateActivity::DotCap))
                .col(string_len(WorkshopTemplateActivity::VoteTarget, 20).default("themes"))
                .col(boolean(WorkshopTemplateActivity::Multiple).default(false))
                .col(text(WorkshopTemplateActivity::Options).default(""))
                .foreign_key(&mut fk(
                    (
                        WorkshopTemplateActivity::Table,
                        WorkshopTemplateActivity::TemplateId,
                    ),
                    (WorkshopTemplate::Table, WorkshopTemplate::Id),
                    Cascade,
                ))
                .to_owned(),
        )
        .await?;

        for (t, (name, description, steps)) in TEMPLATES.iter().enumerate() {
            let template_id = t as i64 + 1;
            m.exec_stmt(
                Query::insert()
                    .into_table(WorkshopTemplate::Table)
                    .columns([
                        WorkshopTemplate::Id,
                        WorkshopTemplate::Name,
                        WorkshopTemplate::Description,
                        WorkshopTemplate::CreatedAt,
                    ])
                    .values_panic([
                        template_id.into(),
                        (*name).into(),
                        (*description).into(),
                        Expr::current_timestamp(),
                    ])
                    .to_owned(),
            )
            .await?;
            for (position, (kind, prompt, budget, cap, target, multiple, options)) in
                steps.iter().enumerate()
            {
                m.exec_stmt(
                    Query::insert()
                        .into_table(WorkshopTemplateActivity::Table)
                        .columns([
                            WorkshopTemplateActivity::TemplateId,
                            WorkshopTemplateActivity::Position,
                            WorkshopTemplateActivity::Kind,
                            WorkshopTemplateActivity::Prompt,
                            WorkshopTemplateActivity::DotBudget,
                            WorkshopTemplateActivity::DotCap,
                            WorkshopTemplateActivity::VoteTarget,
                            WorkshopTemplateActivity::Multiple,
                            WorkshopTemplateActivity::Options,
                        ])
                        .values_panic([
                            template_id.into(),
                            (position as i32).into(),
                            (*kind).into(),
                            (*prompt).into(),
                            (*budget).into(),
                            (*cap).into(),
                            (*target).into(),
                            (*multiple).into(),
                            (*options).into(),
                        ])
                        .to_owned(),
                )
                .await?;
            }
        }
        // PostgreSQL's sequence must move past the ids given above.
        if m.get_database_backend() == sea_orm::DbBackend::Postgres {
            m.get_connection()
                .execute_unprepared(
                    "SELECT setval(pg_get_serial_sequence('workshop_template', 'id'), \
                     (SELECT MAX(id) FROM workshop_template))",
                )
                .await?;
        }
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for t in [
            WorkshopTemplateActivity::Table.into_iden(),
            WorkshopTemplate::Table.into_iden(),
            ActionEvent::Table.into_iden(),
            Action::Table.into_iden(),
            WorkshopReflection::Table.into_iden(),
            WorkshopPollChoice::Table.into_iden(),
            WorkshopPollOption::Table.into_iden(),
            WorkshopRating::Table.into_iden(),
        ] {
            m.drop_table(Table::drop().table(t).to_owned()).await?;
        }
        m.alter_table(
            Table::alter()
                .table(WorkshopActivity::Table)
                .drop_column(WorkshopActivity::Multiple)
                .to_owned(),
        )
        .await?;
        Ok(())
    }
}

#[derive(DeriveMigrationName)]
pub struct Migration;
