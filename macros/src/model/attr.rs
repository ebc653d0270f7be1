//! Parsing `#[model(...)]` attributes, keeping the span of every key and
//! value for the checks.

use proc_macro2::Span;
use syn::meta::ParseNestedMeta;
use syn::punctuated::Punctuated;
use syn::{Attribute, Ident, LitStr, Path, Token};

use super::names::snake_case;
use crate::diag::{did_you_mean, Ctxt};

const STRUCT_KEYS: [&str; 4] = ["table", "has_many", "has_one", "many_to_many"];
const FIELD_KEYS: [&str; 5] = [
    "primary_key",
    "column",
    "sql_type",
    "sqlite_text",
    "belongs_to",
];

/// The attributes on the struct.
#[derive(Default)]
pub struct StructAttrs {
    pub table: Option<LitStr>,
    pub inverses: Vec<InverseAttr>,
}

/// `has_many(name = Target [, via = relation] [, through = path])`,
/// `has_one(name = Target [, via = relation])` or
/// `many_to_many(name = Target, through = JoinModel [, via = relation] [, to = relation])`.
pub struct InverseAttr {
    pub kind: InverseKind,
    pub name: Ident,
    pub target: Path,
    pub via: Option<Ident>,
}

/// Which relation an [`InverseAttr`] declares.
pub enum InverseKind {
    /// `has_many`: the reverse of the target's `belongs_to`.
    HasMany,
    /// `has_one`: the reverse of the target's unique `belongs_to`.
    HasOne,
    /// `has_many(..., through = a.b)`: the relations `a.b` of this model,
    /// then the relation named `via` (or as this one) on the model they
    /// lead to.
    Through(Vec<Ident>),
    /// `many_to_many(..., through = JoinModel)`: the reverse of the join
    /// model's `belongs_to` named `via` (or after this model), then its
    /// `belongs_to` named `to` (or after the target).
    ManyToMany { join: Path, to: Option<Ident> },
}

/// The attributes on one field.
#[derive(Default)]
pub struct FieldAttrs {
    pub primary_key: Option<Span>,
    pub column: Option<LitStr>,
    pub sql_type: Option<LitStr>,
    pub sqlite_text: Option<LitStr>,
    pub belongs_to: Option<BelongsToAttr>,
}

/// `belongs_to(Target)` or `belongs_to(name = Target)`, then optionally
/// `indexed = false` and `unique`.
pub struct BelongsToAttr {
    pub name: Option<Ident>,
    pub target: Path,
    pub indexed: bool,
    pub unique: bool,
}

impl StructAttrs {
    pub fn from_ast(attrs: &[Attribute], cx: &mut Ctxt) -> Self {
        let mut out = Self::default();
        for attr in model_attrs(attrs) {
            let result = attr.parse_nested_meta(|meta| {
                let key = key_of(&meta)?;
                match key.to_string().as_str() {
                    // #[model(table = "shop_store")]
                    "table" => set_once(&mut out.table, &key, meta.value()?.parse()?, cx),
                    // #[model(has_many(departments = Department, via = store))]
                    // #[model(has_many(employees = Employee, through = departments))]
                    // #[model(has_one(profile = Profile))]
                    // #[model(many_to_many(authors = Author, through = BookAuthor))]
                    "has_many" | "has_one" | "many_to_many" => {
                        out.inverses.push(InverseAttr::parse(&meta, key)?);
                    }
                    _ => unknown(&meta, &key, &STRUCT_KEYS, "on a struct", cx)?,
                }
                Ok(())
            });
            if let Err(error) = result {
                cx.push(error);
            }
        }
        out
    }
}

impl InverseAttr {
    fn parse(meta: &ParseNestedMeta<'_>, key: Ident) -> syn::Result<Self> {
        let needs = if key == "many_to_many" {
            format!("`{key}` needs the relation's name, target model and join model: `{key}(name = Target, through = JoinModel)`")
        } else {
            format!("`{key}` needs the relation's name and target model: `{key}(name = Target)`")
        };
        require_nested(meta, &needs)?;
        let mut relation: Option<(Ident, Path)> = None;
        let (mut via, mut to, mut through) = (None, None, None);
        meta.parse_nested_meta(|inner| {
            let name = key_of(&inner)?;
            match name.to_string().as_str() {
                "via" => via = Some(inner.value()?.parse::<Ident>()?),
                "to" if key == "many_to_many" => to = Some(inner.value()?.parse::<Ident>()?),
                "through" if key == "many_to_many" => {
                    through = Some(Through::Model(inner.value()?.parse()?));
                }
                "through" if key == "has_many" => {
                    let path = Punctuated::<Ident, Token![.]>::parse_separated_nonempty(
                        inner.value()?,
                    )?;
                    through = Some(Through::Path(path.into_iter().collect()));
                }
                "to" | "through" => {
                    return Err(inner.error(format!(
                        "`{key}` takes no `{name}`: {}",
                        match name.to_string().as_str() {
                            "to" => "`to` names the join model's relation to the target of a `many_to_many`",
                            _ => "a relation through other relations is a `has_many(name = Target, through = path)`",
                        }
                    )));
                }
                _ if relation.is_some() => {
                    return Err(inner.error(format!(
                        "`{key}` declares one relation; write a second `{key}(...)` for `{name}`"
                    )));
                }
                _ if !inner.input.peek(syn::Token![=]) => {
                    let relation = snake_case(&name.to_string());
                    return Err(inner.error(format!(
                        "`{key}` needs a name for the relation: `{key}({relation}s = {name})`"
                    )));
                }
                _ => relation = Some((name, inner.value()?.parse()?)),
            }
            Ok(())
        })?;
        let (name, target) = relation.ok_or_else(|| meta.error(&needs))?;
        let kind = match (key.to_string().as_str(), through) {
            ("has_one", _) => InverseKind::HasOne,
            ("has_many", None) => InverseKind::HasMany,
            (_, Some(Through::Path(path))) => InverseKind::Through(path),
            (_, Some(Through::Model(join))) => InverseKind::ManyToMany { join, to },
            (_, None) => {
                return Err(syn::Error::new(
                    name.span(),
                    format!("`many_to_many` goes through a join model: `many_to_many({name} = ..., through = JoinModel)`"),
                ))
            }
        };
        Ok(Self {
            kind,
            name,
            target,
            via,
        })
    }
}

/// The value of `through`: a path of relations, or a join model.
enum Through {
    Path(Vec<Ident>),
    Model(Path),
}

impl FieldAttrs {
    pub fn from_ast(attrs: &[Attribute], cx: &mut Ctxt) -> Self {
        let mut out = Self::default();
        for attr in model_attrs(attrs) {
            let result = attr.parse_nested_meta(|meta| {
                let key = key_of(&meta)?;
                match key.to_string().as_str() {
                    // #[model(primary_key)]
                    "primary_key" => set_once(&mut out.primary_key, &key, key.span(), cx),
                    // #[model(column = "name")]
                    "column" => set_once(&mut out.column, &key, meta.value()?.parse()?, cx),
                    // #[model(sql_type = "DECIMAL(10, 2)")]
                    "sql_type" => set_once(&mut out.sql_type, &key, meta.value()?.parse()?, cx),
                    // #[model(sqlite_text = "sqlx")]
                    "sqlite_text" => {
                        set_once(&mut out.sqlite_text, &key, meta.value()?.parse()?, cx);
                    }
                    // #[model(belongs_to(Store))] or #[model(belongs_to(store = Store))]
                    "belongs_to" => {
                        let attr = BelongsToAttr::parse(&meta)?;
                        set_once(&mut out.belongs_to, &key, attr, cx);
                    }
                    _ => unknown(&meta, &key, &FIELD_KEYS, "on a field", cx)?,
                }
                Ok(())
            });
            if let Err(error) = result {
                cx.push(error);
            }
        }
        out
    }
}

impl BelongsToAttr {
    fn parse(meta: &ParseNestedMeta<'_>) -> syn::Result<Self> {
        let needs = "`belongs_to` needs the target model: `belongs_to(Store)`";
        require_nested(meta, needs)?;
        let mut target: Option<(Option<Ident>, Path)> = None;
        let mut indexed = true;
        let mut unique = false;
        meta.parse_nested_meta(|inner| {
            if inner.path.is_ident("unique") && target.is_some() {
                // belongs_to(Author, unique)
                if !inner.input.is_empty() && !inner.input.peek(syn::Token![,]) {
                    return Err(inner.error(
                        "`unique` takes no value: `belongs_to(Author, unique)`",
                    ));
                }
                unique = true;
            } else if inner.path.is_ident("indexed") {
                // belongs_to(Store, indexed = false)
                let value: syn::Lit = inner.value()?.parse()?;
                match value {
                    syn::Lit::Bool(value) => indexed = value.value,
                    other => return Err(syn::Error::new(
                        other.span(),
                        "`indexed` takes `true` or `false`: `belongs_to(Store, indexed = false)`",
                    )),
                }
            } else if target.is_some() {
                return Err(inner.error(
                    "`belongs_to` takes one target model, then optionally `indexed = false` and `unique`",
                ));
            } else if inner.input.peek(syn::Token![=]) {
                let name = key_of(&inner)?;
                target = Some((Some(name), inner.value()?.parse()?));
            } else {
                target = Some((None, inner.path.clone()));
            }
            Ok(())
        })?;
        let (name, target) = target.ok_or_else(|| meta.error(needs))?;
        Ok(Self {
            name,
            target,
            indexed,
            unique,
        })
    }
}

/// Fails with `message` on the key unless it is followed by non-empty
/// parentheses.
fn require_nested(meta: &ParseNestedMeta<'_>, message: &str) -> syn::Result<()> {
    let input = meta.input.fork();
    let content;
    let empty = input.peek(syn::token::Paren) && {
        syn::parenthesized!(content in input);
        content.is_empty()
    };
    if empty || !meta.input.peek(syn::token::Paren) {
        return Err(syn::Error::new_spanned(&meta.path, message));
    }
    Ok(())
}

fn model_attrs(attrs: &[Attribute]) -> impl Iterator<Item = &Attribute> {
    attrs.iter().filter(|attr| attr.path().is_ident("model"))
}

/// The key of a nested meta item, which must be a single identifier.
fn key_of(meta: &ParseNestedMeta<'_>) -> syn::Result<Ident> {
    meta.path
        .get_ident()
        .cloned()
        .ok_or_else(|| meta.error("expected a `model` attribute key"))
}

fn set_once<T>(slot: &mut Option<T>, key: &Ident, value: T, cx: &mut Ctxt) {
    if slot.is_some() {
        cx.error(key.span(), format!("duplicate `model` attribute `{key}`"));
    } else {
        *slot = Some(value);
    }
}

/// Reports an unknown key, then skips its value so that the keys after it
/// are still read.
fn unknown(
    meta: &ParseNestedMeta<'_>,
    key: &Ident,
    expected: &[&str],
    place: &str,
    cx: &mut Ctxt,
) -> syn::Result<()> {
    let hint = did_you_mean(&key.to_string(), expected.iter().copied());
    let hint = if hint.is_empty() {
        format!("; expected one of {}", list(expected))
    } else {
        hint
    };
    cx.error(
        key.span(),
        format!("unknown `model` attribute `{key}` {place}{hint}"),
    );
    if meta.input.peek(syn::Token![=]) {
        meta.value()?.parse::<syn::Expr>()?;
    } else if meta.input.peek(syn::token::Paren) {
        meta.input.parse::<proc_macro2::TokenTree>()?;
    }
    Ok(())
}

fn list(keys: &[&str]) -> String {
    keys.iter()
        .map(|key| format!("`{key}`"))
        .collect::<Vec<_>>()
        .join(", ")
}
