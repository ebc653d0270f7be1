//! Error context: every problem of one macro invocation is collected, then
//! combined into one `compile_error!` list at the entry point.

use std::fmt::Display;

use proc_macro2::{Span, TokenStream, TokenTree};

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

/// How deeply the input of a macro may nest groups (`(...)`, `[...]`,
/// `{...}`): syn parses each level with a call of its own, so this bounds
/// the stack the macros take.
pub const MAX_NESTING: usize = 64;

/// Fails at the first group nested deeper than [`MAX_NESTING`], walking
/// the tokens without recursion.
pub fn check_nesting(input: &TokenStream) -> Result<(), syn::Error> {
    let mut stack = vec![input.clone().into_iter()];
    while let Some(tokens) = stack.last_mut() {
        match tokens.next() {
            Some(TokenTree::Group(group)) => {
                if stack.len() > MAX_NESTING {
                    return Err(syn::Error::new(
                        group.span_open(),
                        format!("groups nest more than {MAX_NESTING} levels deep here; flatten the input"),
                    ));
                }
                stack.push(group.stream().into_iter());
            }
            Some(_) => {}
            None => {
                stack.pop();
            }
        }
    }
    Ok(())
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
    fn bounds_how_deeply_groups_nest() {
        let nested = |depth: usize| -> TokenStream {
            format!("x {}y{}", "(".repeat(depth), ")".repeat(depth))
                .parse()
                .unwrap()
        };
        assert!(check_nesting(&nested(MAX_NESTING)).is_ok());
        let error = check_nesting(&nested(MAX_NESTING + 1)).unwrap_err();
        assert!(error
            .to_string()
            .starts_with("groups nest more than 64 levels"));
        assert!(check_nesting(&nested(100_000)).is_err());
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
