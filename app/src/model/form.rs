//! A form sent back: what a person typed into a form that failed before the page's
//! script loaded (or on a page with none), shown back to them once with the error.

/// The input and error of a form post that failed, for the page it returns to.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ReturnedForm {
    /// The server function the form posted to, e.g. `/api/sign_in`.
    pub path: String,
    /// The error as the server function encoded it for an address (`__err`).
    pub error: String,
    /// What was typed, in order; a name may repeat (checkboxes). Never a password.
    pub fields: Vec<(String, String)>,
}

impl ReturnedForm {
    /// The first value typed under `name`.
    pub fn value(&self, name: &str) -> Option<&str> {
        self.fields
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    /// Every value sent under `name` (checkboxes send one each).
    pub fn values<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.fields
            .iter()
            .filter(move |(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    /// Whether a field may be kept and shown back: never a password or a one-time token.
    pub fn keeps(name: &str) -> bool {
        let name = name.to_ascii_lowercase();
        !(name.contains("password") || name.contains("token"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_and_tokens_are_never_kept() {
        for name in [
            "password",
            "new_password",
            "current_password",
            "token",
            "Password",
        ] {
            assert!(!ReturnedForm::keeps(name), "{name}");
        }
        for name in ["email", "name", "prompt", "perspectives[]", "code"] {
            assert!(ReturnedForm::keeps(name), "{name}");
        }
    }

    #[test]
    fn values_are_found_by_name() {
        let form = ReturnedForm {
            fields: vec![
                ("email".into(), "ada@example.org".into()),
                ("p[]".into(), "patient".into()),
                ("p[]".into(), "carer".into()),
            ],
            ..Default::default()
        };
        assert_eq!(form.value("email"), Some("ada@example.org"));
        assert_eq!(form.value("name"), None);
        assert_eq!(form.values("p[]").collect::<Vec<_>>(), ["patient", "carer"]);
    }
}
