//! What makes a name, an e-mail address and a password acceptable for an account.
use crate::error::{AppError, Validation};

pub const NAME_MAX: usize = 120;
pub const EMAIL_MAX: usize = 254;
pub const PASSWORD_MIN: usize = 10;
pub const PASSWORD_MAX: usize = 200;

/// A person's name as they want it shown: trimmed, not empty, at most [`NAME_MAX`] characters.
pub fn validate_name(raw: &str) -> Result<String, AppError> {
    let name = raw.split_whitespace().collect::<Vec<_>>().join(" ");
    if name.is_empty() {
        return Err(AppError::invalid("name", "Enter your name."));
    }
    if name.chars().count() > NAME_MAX {
        return Err(AppError::invalid(
            "name",
            format!("Your name can be at most {NAME_MAX} characters."),
        ));
    }
    if name.chars().any(char::is_control) {
        return Err(AppError::invalid(
            "name",
            "Your name has characters we cannot show.",
        ));
    }
    Ok(name)
}

/// An e-mail address, trimmed and lower-cased so that one address is one account.
pub fn validate_email(raw: &str) -> Result<String, AppError> {
    let email = raw.trim().to_lowercase();
    if email.is_empty() {
        return Err(AppError::invalid("email", "Enter your e-mail address."));
    }
    if email.len() > EMAIL_MAX {
        return Err(AppError::invalid(
            "email",
            format!("An e-mail address can be at most {EMAIL_MAX} characters."),
        ));
    }
    let domain_has_dot = email
        .rsplit_once('@')
        .is_some_and(|(_, domain)| domain.contains('.') && !domain.ends_with('.'));
    if !email_address::EmailAddress::is_valid(&email) || !domain_has_dot {
        return Err(AppError::invalid(
            "email",
            "Enter an e-mail address like name@example.org.",
        ));
    }
    Ok(email)
}

/// A new password: long enough to resist guessing, short enough to hash cheaply.
pub fn validate_new_password(field: &str, raw: &str) -> Result<(), AppError> {
    let len = raw.chars().count();
    if len < PASSWORD_MIN {
        return Err(AppError::invalid(
            field,
            format!("Choose a password of at least {PASSWORD_MIN} characters."),
        ));
    }
    if len > PASSWORD_MAX {
        return Err(AppError::invalid(
            field,
            format!("A password can be at most {PASSWORD_MAX} characters."),
        ));
    }
    if raw.trim().is_empty() {
        return Err(AppError::invalid(
            field,
            "A password cannot be only spaces.",
        ));
    }
    Ok(())
}

/// A registration form, checked whole: the normalised name and e-mail, or every problem.
pub fn validate_registration(
    name: &str,
    email: &str,
    password: &str,
) -> Result<(String, String), AppError> {
    let mut v = Validation::default();
    let name = v.check(validate_name(name));
    let email = v.check(validate_email(email));
    v.check(validate_new_password("password", password));
    v.finish()?;
    name.zip(email).ok_or(AppError::Internal)
}

/// Failed sign-ins in a row, from one client for one address, before each next try must
/// wait.
pub const FREE_SIGN_IN_TRIES: u32 = 3;
/// The longest a client waits between tries, in seconds.
pub const SIGN_IN_WAIT_MAX_SECONDS: i64 = 15 * 60;

/// How long a client must wait after its last failed sign-in for an address, having
/// failed `failures` times in a row: nothing for the first few, then 15 seconds, doubling
/// with each failure up to 15 minutes. Per client and address, so a stranger guessing
/// from elsewhere never locks the owner out; the owner's e-mailed link always works.
pub fn sign_in_wait_seconds(failures: u32) -> i64 {
    match failures.checked_sub(FREE_SIGN_IN_TRIES) {
        None => 0,
        Some(over) => 15i64
            .checked_shl(over.min(20))
            .unwrap_or(SIGN_IN_WAIT_MAX_SECONDS)
            .min(SIGN_IN_WAIT_MAX_SECONDS),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn name_is_trimmed_and_inner_spaces_folded() {
        assert_eq!(validate_name("  Ada   Lovelace ").unwrap(), "Ada Lovelace");
    }

    #[test]
    fn empty_or_long_names_are_refused_on_the_name_field() {
        assert_eq!(validate_name("   ").unwrap_err().field(), Some("name"));
        let long = "x".repeat(NAME_MAX + 1);
        assert!(
            validate_name(&long)
                .unwrap_err()
                .to_string()
                .contains("at most")
        );
        assert!(validate_name(&"é".repeat(NAME_MAX)).is_ok());
    }

    #[test]
    fn email_is_lowercased() {
        assert_eq!(
            validate_email(" Ada@Example.ORG ").unwrap(),
            "ada@example.org"
        );
    }

    #[test]
    fn malformed_emails_are_refused() {
        for bad in [
            "",
            "ada",
            "ada@",
            "@example.org",
            "ada@example",
            "a b@example.org",
            "ada@@example.org",
        ] {
            let err = validate_email(bad).unwrap_err();
            assert_eq!(err.field(), Some("email"), "{bad:?} should be refused");
        }
        let long = format!("{}@example.org", "a".repeat(EMAIL_MAX));
        assert!(validate_email(&long).is_err());
    }

    #[test]
    fn a_registration_reports_every_bad_field_at_once() {
        let err = validate_registration("", "nope", "short").unwrap_err();
        let fields: Vec<_> = err
            .field_errors()
            .iter()
            .map(|e| e.field.as_str())
            .collect();
        assert_eq!(fields, ["name", "email", "password"]);
        assert_eq!(
            validate_registration(" Ada ", "ADA@example.org", "long enough now").unwrap(),
            ("Ada".to_owned(), "ada@example.org".to_owned())
        );
    }

    #[test]
    fn passwords_need_a_minimum_length() {
        assert!(validate_new_password("password", "short").is_err());
        assert!(validate_new_password("password", "          ").is_err());
        assert!(validate_new_password("password", "long enough now").is_ok());
        let err = validate_new_password("new_password", &"x".repeat(PASSWORD_MAX + 1)).unwrap_err();
        assert_eq!(err.field(), Some("new_password"));
    }

    #[test]
    fn sign_in_waits_grow_with_failures_up_to_a_ceiling() {
        let waits: Vec<i64> = (0..12).map(sign_in_wait_seconds).collect();
        assert_eq!(&waits[..6], &[0, 0, 0, 15, 30, 60]);
        assert!(waits.windows(2).all(|w| w[0] <= w[1]));
        assert_eq!(sign_in_wait_seconds(11), SIGN_IN_WAIT_MAX_SECONDS);
        assert_eq!(sign_in_wait_seconds(u32::MAX), SIGN_IN_WAIT_MAX_SECONDS);
    }
}
