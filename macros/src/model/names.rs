//! The names the derive makes: relation names from model names, and
//! identifiers from SQL names.

use proc_macro2::{Ident, Span};

/// `name` as an identifier at `span`, raw where it is a keyword (`type`
/// is `r#type`); `None` where no identifier spells it (`self`, `_`, `""`).
pub fn ident(name: &str, span: Span) -> Option<Ident> {
    if syn::parse_str::<Ident>(name).is_ok() {
        return Some(Ident::new(name, span));
    }
    syn::parse_str::<Ident>(&format!("r#{name}"))
        .ok()
        .map(|_| Ident::new_raw(name, span))
}

/// `ShopStore` → `shop_store`.
pub fn snake_case(name: &str) -> String {
    let mut out = String::new();
    for (i, c) in name.chars().enumerate() {
        if c.is_uppercase() {
            if i > 0 {
                out.push('_');
            }
            out.extend(c.to_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spells_keywords_raw_and_refuses_what_no_identifier_spells() {
        let span = Span::call_site();
        assert_eq!(ident("store", span).unwrap().to_string(), "store");
        assert_eq!(ident("type", span).unwrap().to_string(), "r#type");
        for name in ["self", "Self", "super", "crate", "_", "", "1a"] {
            assert!(ident(name, span).is_none(), "{name}");
        }
    }

    #[test]
    fn snake_cases_model_names() {
        assert_eq!(snake_case("Store"), "store");
        assert_eq!(snake_case("ShopStore"), "shop_store");
    }
}
