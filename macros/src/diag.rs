//! Error context: every problem of one macro invocation is collected, then
//! combined into one `compile_error!` list at the entry point.

use std::fmt::Display;

use proc_macro2::Span;

/// Collects errors; converts them to tokens once.
#[derive(Default)]
pub struct Ctxt {
    errors: Option<syn::Error>,
}

impl Ctxt {
    /// Records an error at `span`.
    pub fn error(&mut self, span: Span, message: impl Display) {
        self.push(syn::Error::new(span, message));
    }

    /// Records an error already built (from syn's parsers).
    pub fn push(&mut self, error: syn::Error) {
        match &mut self.errors {
            Some(errors) => errors.combine(error),
            None => self.errors = Some(error),
        }
    }

    /// `Err` with every error recorded, if any.
    pub fn finish(self) -> Result<(), syn::Error> {
        self.errors.map_or(Ok(()), Err)
    }
}

/// `; did you mean `x`` for the closest of `candidates` to `word`, if one
/// is close enough to be a likely typo.
pub fn did_you_mean<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> String {
    candidates
        .into_iter()
        .map(|candidate| (distance(word, candidate), candidate))
        .filter(|(d, candidate)| *d <= candidate.len().max(word.len()).div_ceil(3))
        .min()
        .map(|(_, candidate)| format!("; did you mean `{candidate}`"))
        .unwrap_or_default()
}

/// Levenshtein distance over chars.
fn distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut current = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let substitution = previous[j] + usize::from(ca != *cb);
            current.push(substitution.min(previous[j + 1] + 1).min(current[j] + 1));
        }
        previous = current;
    }
    previous[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_the_closest_candidate() {
        assert_eq!(
            did_you_mean("colum", ["table", "column", "primary_key"]),
            "; did you mean `column`"
        );
        assert_eq!(did_you_mean("zzz", ["table", "column"]), "");
    }

    #[test]
    fn collects_every_error() {
        let mut cx = Ctxt::default();
        cx.error(Span::call_site(), "first");
        cx.error(Span::call_site(), "second");
        let errors = cx.finish().unwrap_err();
        let messages: Vec<String> = errors.into_iter().map(|e| e.to_string()).collect();
        assert_eq!(messages, ["first", "second"]);
    }
}
