//! Outgoing e-mail. Every message is written to the outbox table first (so nothing is
//! lost), then sent by SMTP when configured; otherwise it stays there and in the log.
//! SMTP is `lettre`: the maintained, async, rustls-capable mail crate for Rust.
use crate::error::AppError;
use crate::model::account::OutboxEmail;
use crate::server::entities::outbox_email;
use chrono::Utc;
use lettre::message::Mailbox;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use sea_orm::{ActiveModelTrait, ActiveValue::Unchanged, DatabaseConnection, Set};

#[derive(Clone)]
pub struct Mailer {
    transport: Option<AsyncSmtpTransport<Tokio1Executor>>,
    from: Mailbox,
}

impl Mailer {
    /// `smtp_url` as lettre reads it, e.g. `smtps://user:pass@smtp.example.org:465`.
    pub fn new(smtp_url: Option<&str>, from: &str) -> Result<Self, String> {
        let from: Mailbox = from
            .parse()
            .map_err(|e| format!("mail sender {from:?}: {e}"))?;
        let transport = smtp_url
            .filter(|u| !u.is_empty())
            .map(|url| {
                AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
                    .map(|b| b.build())
                    .map_err(|e| format!("SMTP URL: {e}"))
            })
            .transpose()?;
        Ok(Mailer { transport, from })
    }

    /// A mailer that only writes to the outbox (tests, and deployments without SMTP).
    pub fn outbox_only() -> Self {
        Mailer {
            transport: None,
            from: "Q Commons <no-reply@localhost>"
                .parse()
                .expect("a valid literal mailbox"),
        }
    }

    pub async fn send(
        &self,
        db: &DatabaseConnection,
        to: &str,
        subject: &str,
        body: &str,
    ) -> Result<(), AppError> {
        let row = outbox_email::ActiveModel {
            to_address: Set(to.to_owned()),
            subject: Set(subject.to_owned()),
            body: Set(body.to_owned()),
            created_at: Set(Utc::now()),
            ..Default::default()
        }
        .insert(db)
        .await?;

        // Never the body: sign-in and reset links are in it, and logs travel further than
        // the database.
        let Some(transport) = &self.transport else {
            tracing::info!(
                to,
                subject,
                "e-mail kept in the outbox (no SMTP configured)"
            );
            return Ok(());
        };
        let outcome = match to.parse::<Mailbox>() {
            Ok(to_box) => match Message::builder()
                .from(self.from.clone())
                .to(to_box)
                .subject(subject)
                .body(body.to_owned())
            {
                Ok(message) => transport
                    .send(message)
                    .await
                    .map(|_| ())
                    .map_err(|e| e.to_string()),
                Err(e) => Err(e.to_string()),
            },
            Err(e) => Err(e.to_string()),
        };
        let mut update = outbox_email::ActiveModel {
            id: Unchanged(row.id),
            ..Default::default()
        };
        match outcome {
            Ok(()) => update.sent_at = Set(Some(Utc::now())),
            Err(e) => {
                tracing::warn!(to, error = %e, "SMTP delivery failed; the message stays in the outbox");
                update.last_error = Set(Some(e));
            }
        }
        update.update(db).await?;
        Ok(())
    }
}

/// The e-mail outbox, newest first: shown only in demo mode, where no real person's mail
/// is in it.
pub async fn outbox(db: &DatabaseConnection, demo: bool) -> Result<Vec<OutboxEmail>, AppError> {
    use sea_orm::{EntityTrait, QueryOrder, QuerySelect};
    if !demo {
        return Err(AppError::NotFound("There is no outbox here.".into()));
    }
    let rows = outbox_email::Entity::find()
        .order_by_desc(outbox_email::Column::Id)
        .limit(50)
        .all(db)
        .await?;
    Ok(rows
        .into_iter()
        .map(|m| OutboxEmail {
            id: m.id,
            to_address: m.to_address,
            subject: m.subject,
            body: m.body,
            created_at: m.created_at.format("%Y-%m-%d %H:%M UTC").to_string(),
            sent: m.sent_at.is_some(),
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::server::testing::for_each_database;
    use std::sync::{Arc, Mutex};

    /// Everything logged, as text.
    #[derive(Clone, Default)]
    struct Captured(Arc<Mutex<Vec<u8>>>);

    impl std::io::Write for Captured {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    /// Outside demo mode the outbox holds real people's mail (sign-in links among it):
    /// it is never shown, whoever asks; in demo mode it is.
    #[tokio::test]
    async fn the_outbox_is_shown_only_in_demo_mode() {
        for_each_database(|db| async move {
            Mailer::outbox_only()
                .send(
                    &db,
                    "sam@example.org",
                    "Your sign-in link",
                    "https://q.example.org/sign-in/secret-token",
                )
                .await
                .unwrap();
            let err = outbox(&db, false).await.unwrap_err();
            assert!(matches!(err, AppError::NotFound(_)), "{err:?}");
            assert!(!err.to_string().contains("secret-token"));
            let shown = outbox(&db, true).await.unwrap();
            assert_eq!(shown.len(), 1);
            assert_eq!(shown[0].subject, "Your sign-in link");
        })
        .await;
    }

    #[tokio::test]
    async fn the_log_names_the_recipient_and_subject_but_never_the_body() {
        for_each_database(|db| async move {
            let captured = Captured::default();
            let writer = captured.clone();
            let subscriber = tracing_subscriber::fmt()
                .with_writer(move || writer.clone())
                .with_max_level(tracing::Level::TRACE)
                .finish();
            let guard = tracing::subscriber::set_default(subscriber);
            Mailer::outbox_only()
                .send(
                    &db,
                    "ada@example.org",
                    "Your sign-in link",
                    "Use https://q.example/sign-in-link/use?token=SECRET-TOKEN-123",
                )
                .await
                .unwrap();
            drop(guard);
            let log = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
            assert!(
                log.contains("ada@example.org") && log.contains("Your sign-in link"),
                "{log}"
            );
            assert!(!log.contains("SECRET-TOKEN-123"), "{log}");
        })
        .await;
    }
}
