//! trybuild cases of fanless: see `tests/ui.rs`.
