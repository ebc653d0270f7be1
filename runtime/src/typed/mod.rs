//! What generated code asks rustc to check, and how it decodes rows: the
//! items `__private` re-exports beside the runtime's own.

mod paths;
mod rows;
mod values;

pub use paths::*;
pub use rows::*;
pub use values::*;
