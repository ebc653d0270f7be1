//! The one option of the examples that take nothing else.

/// The URL of `--database-url URL`, embedded SQLite without it; `usage`
/// is the error for any other argument.
pub(crate) fn database_url(usage: &'static str) -> Result<String, &'static str> {
    let mut url = String::from("sqlite::memory:");
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match (arg.as_str(), args.next()) {
            ("--database-url", Some(value)) => url = value,
            _ => return Err(usage),
        }
    }
    Ok(url)
}
