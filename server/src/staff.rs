//! Staff accounts: the first administrator, created on the first start; accounts an administrator adds
//! (the admin page and `motcua staff add`), each with a generated temporary password.

use anyhow::Context as _;
use argon2::{
    Argon2, PasswordHasher as _,
    password_hash::{SaltString, rand_core::OsRng},
};
use rand::Rng as _;

use crate::{NewStaff, Store};

/// The administrator created on a first start; its password is shown once and stored only as a hash.
#[derive(Clone)]
pub struct FirstAdmin {
    /// The login name.
    pub username: String,
    /// The generated password, in clear, to print once.
    pub password: String,
}

impl std::fmt::Debug for FirstAdmin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FirstAdmin")
            .field("username", &self.username)
            .field("password", &"[redacted]")
            .finish()
    }
}

const FIRST_ADMIN_USERNAME: &str = "admin";
/// No 0/O, 1/l/I: the password is read off a terminal and typed on a tablet.
const PASSWORD_ALPHABET: &[u8] = b"abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
const PASSWORD_LEN: usize = 20;

pub(crate) fn generate_password() -> String {
    let mut rng = rand::rng();
    (0..PASSWORD_LEN)
        .map(|_| char::from(PASSWORD_ALPHABET[rng.random_range(0..PASSWORD_ALPHABET.len())]))
        .collect()
}

/// Hashes a password with argon2id and a random salt (PHC string).
///
/// # Errors
/// When the hasher fails (it does not for these inputs).
pub(crate) fn hash_password(password: &str) -> anyhow::Result<String> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|hash| hash.to_string())
        .map_err(|e| anyhow::anyhow!("argon2 failed: {e}"))
}

/// Why an account could not be added.
#[derive(Debug, thiserror::Error)]
pub enum AddStaffError {
    /// The data breaks a rule.
    #[error("{}", .0.message(domain::Lang::En))]
    Invalid(domain::accounts::AccountError),
    /// The login name is taken (case ignored).
    #[error("the login name {0} is taken")]
    Taken(String),
    /// The database failed.
    #[error(transparent)]
    Unexpected(#[from] anyhow::Error),
}

/// Adds a staff account with a generated temporary password (to be changed at the first sign-in);
/// the account and the password, to show once.
///
/// # Errors
/// When the data breaks a rule of `domain::accounts`, the name is taken or the database fails.
pub async fn add_staff(
    store: &dyn Store,
    new: &domain::api::NewStaffAccount,
) -> Result<(crate::store::auth::StaffRecord, String), AddStaffError> {
    use domain::accounts::{check_title, parse_display_name, parse_jurisdictions, parse_username};
    let username = parse_username(&new.username).map_err(AddStaffError::Invalid)?;
    let display_name = parse_display_name(&new.display_name).map_err(AddStaffError::Invalid)?;
    let jurisdictions =
        parse_jurisdictions(new.role, &new.jurisdictions).map_err(AddStaffError::Invalid)?;
    let title = check_title(new.title, &jurisdictions).map_err(AddStaffError::Invalid)?;
    let password = generate_password();
    let hash = {
        let password = password.clone();
        tokio::task::spawn_blocking(move || hash_password(&password))
            .await
            .map_err(anyhow::Error::from)??
    };
    let id = uuid::Uuid::new_v4();
    let created = store
        .create_staff(
            &NewStaff {
                id,
                username: username.clone(),
                display_name,
                password_hash: hash,
                role: new.role.as_str().to_owned(),
                title: title.as_str().to_owned(),
                must_change_password: true,
                created_at: chrono::Utc::now(),
            },
            &jurisdictions,
        )
        .await?;
    if !created {
        return Err(AddStaffError::Taken(username));
    }
    let record = store
        .staff_by_id(id)
        .await?
        .ok_or_else(|| anyhow::anyhow!("the new account {id} is not there"))?;
    tracing::info!(staff.username = %record.username, staff.role = %record.role, "staff account added");
    Ok((record, password))
}

/// Creates the administrator `admin` with a random password when the database has no administrator.
/// Safe to run from several servers at once: only one insert wins.
///
/// # Errors
/// When the database fails.
pub async fn ensure_first_admin(store: &dyn Store) -> anyhow::Result<Option<FirstAdmin>> {
    if store
        .has_administrator()
        .await
        .context("cannot count administrators")?
    {
        return Ok(None);
    }
    let password = generate_password();
    let inserted = store
        .insert_staff(&NewStaff {
            id: uuid::Uuid::new_v4(),
            username: FIRST_ADMIN_USERNAME.to_owned(),
            display_name: "Quản trị viên".to_owned(),
            password_hash: hash_password(&password)?,
            role: "administrator".to_owned(),
            title: domain::accounts::Title::default().as_str().to_owned(),
            must_change_password: true,
            created_at: chrono::Utc::now(),
        })
        .await
        .context("cannot create the first administrator")?;
    if !inserted {
        tracing::warn!(
            "no administrator exists, but the login name \"{FIRST_ADMIN_USERNAME}\" is taken: none was created"
        );
        return Ok(None);
    }
    tracing::info!(
        staff.username = FIRST_ADMIN_USERNAME,
        "created the first administrator"
    );
    Ok(Some(FirstAdmin {
        username: FIRST_ADMIN_USERNAME.to_owned(),
        password,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_passwords_are_long_unambiguous_and_different() {
        let a = generate_password();
        let b = generate_password();
        assert_eq!(a.chars().count(), PASSWORD_LEN);
        assert!(a.bytes().all(|c| PASSWORD_ALPHABET.contains(&c)), "{a}");
        assert_ne!(a, b);
    }

    #[test]
    fn password_hash_is_argon2id_and_verifies() {
        use argon2::{PasswordHash, PasswordVerifier as _};
        let hash = hash_password("mật khẩu thử").expect("hash");
        assert!(hash.starts_with("$argon2id$"), "{hash}");
        let parsed = PasswordHash::new(&hash).expect("parse");
        assert!(
            Argon2::default()
                .verify_password("mật khẩu thử".as_bytes(), &parsed)
                .is_ok()
        );
        assert!(
            Argon2::default()
                .verify_password(b"wrong", &parsed)
                .is_err()
        );
    }
}
