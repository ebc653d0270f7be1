//! The models the trybuild cases in `tests/ui/` query: the seed scenario of
//! DESIGN.md, from the fixtures the tests share. The cases need no database.

pub use fanless_fixtures::seed::*;
