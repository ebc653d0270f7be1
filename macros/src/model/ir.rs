//! The model as the expansion sees it: names resolved, defaults applied,
//! every user span kept.

use proc_macro2::Span;
use syn::ext::IdentExt;
use syn::{Data, DeriveInput, Fields, Ident, LitStr, Path, Type, Visibility};

use super::attr::{FieldAttrs, InverseAttr, StructAttrs};
use super::names::{ident, snake_case};
use crate::diag::Ctxt;

pub struct Model {
    pub ident: Ident,
    pub vis: Visibility,
    /// The table name, and the span to report a bad name at.
    pub table: (String, Span),
    pub columns: Vec<Column>,
    /// Indexes into `columns` of the fields marked `primary_key`.
    pub primary_keys: Vec<usize>,
    pub belongs_to: Vec<BelongsTo>,
    pub inverses: Vec<InverseAttr>,
}

pub struct Column {
    pub field: Ident,
    pub ty: Type,
    /// The type of the column's values: `ty`, or `T` when `ty` is written
    /// `Option<T>`.
    pub value: Type,
    /// Whether `ty` is written `Option<T>`.
    pub nullable: bool,
    /// The SQL type `create_table` writes, when the field names one.
    pub sql_type: Option<LitStr>,
    /// `sqlite_text = "..."`: the one form SQLite holds the column's dates
    /// and times in.
    pub sqlite_text: Option<LitStr>,
    /// The column name, and the span to report a bad name at.
    pub name: (String, Span),
}

/// A to-one relation held by a foreign key field.
pub struct BelongsTo {
    pub name: Ident,
    pub target: Path,
    /// Index into `columns` of the foreign key.
    pub column: usize,
    /// Whether the foreign key is an `Option`.
    pub nullable: bool,
    /// Whether the foreign key column is indexed (`indexed = false` says not).
    pub indexed: bool,
    /// Whether no two rows hold one key (`unique`), as a `has_one` needs.
    pub unique: bool,
}

impl Model {
    /// The names of every relation: `belongs_to`, then the inverses.
    pub fn relation_names(&self) -> impl Iterator<Item = &Ident> + Clone {
        self.belongs_to
            .iter()
            .map(|rel| &rel.name)
            .chain(self.inverses.iter().map(|inverse| &inverse.name))
    }

    /// Whether `first` is a relation of this model that the relation
    /// `name` may go through: any other.
    pub fn goes_through(&self, first: &Ident, name: &Ident) -> bool {
        let first = first.unraw();
        first != name.unraw() && self.relation_names().any(|rel| rel.unraw() == first)
    }

    pub fn from_ast(input: &DeriveInput, cx: &mut Ctxt) -> Option<Self> {
        let attrs = StructAttrs::from_ast(&input.attrs, cx);
        let fields = match &input.data {
            Data::Struct(data) => match &data.fields {
                Fields::Named(fields) => &fields.named,
                _ => {
                    cx.error(
                        input.ident.span(),
                        "`Model` needs a struct with named fields, one per column",
                    );
                    return None;
                }
            },
            _ => {
                cx.error(
                    input.ident.span(),
                    "`Model` can only be derived for a struct with named fields",
                );
                return None;
            }
        };
        if let Some(param) = input.generics.params.first() {
            cx.error(
                syn::spanned::Spanned::span(param),
                "`Model` cannot be derived for a generic struct: a model is one table",
            );
            return None;
        }
        let table = match attrs.table {
            Some(table) => (table.value(), table.span()),
            None => (
                snake_case(&input.ident.unraw().to_string()),
                input.ident.span(),
            ),
        };
        let mut model = Self {
            ident: input.ident.clone(),
            vis: input.vis.clone(),
            table,
            columns: Vec::new(),
            primary_keys: Vec::new(),
            belongs_to: Vec::new(),
            inverses: attrs.inverses,
        };
        for field in fields {
            let Some(ident) = field.ident.clone() else {
                continue;
            };
            let attrs = FieldAttrs::from_ast(&field.attrs, cx);
            let index = model.columns.len();
            let name = match attrs.column {
                Some(column) => (column.value(), column.span()),
                None => (ident.unraw().to_string(), ident.span()),
            };
            if attrs.primary_key.is_some() {
                model.primary_keys.push(index);
            }
            if let Some(belongs_to) = attrs.belongs_to {
                let name = belongs_to.name.or_else(|| relation_name(&ident, cx));
                if let Some(name) = name {
                    model.belongs_to.push(BelongsTo {
                        name,
                        target: belongs_to.target,
                        column: index,
                        nullable: option_of(&field.ty).is_some(),
                        indexed: belongs_to.indexed,
                        unique: belongs_to.unique,
                    });
                }
            }
            let value = option_of(&field.ty);
            model.columns.push(Column {
                field: ident,
                ty: field.ty.clone(),
                value: value.unwrap_or(&field.ty).clone(),
                nullable: value.is_some(),
                sql_type: attrs.sql_type,
                sqlite_text: attrs.sqlite_text,
                name,
            });
        }
        Some(model)
    }
}

/// `store_id` names the relation `store` (`type_id` names `r#type`).
fn relation_name(field: &Ident, cx: &mut Ctxt) -> Option<Ident> {
    let field_name = field.unraw().to_string();
    let name = field_name.strip_suffix("_id").unwrap_or_default();
    match ident(name, field.span()) {
        Some(name) => Some(name),
        None if !name.is_empty() => {
            cx.error(
                field.span(),
                format!(
                    "`{name}` cannot name a relation; name it: `belongs_to({name}_model = Target)`"
                ),
            );
            None
        }
        None => {
            cx.error(
                field.span(),
                format!(
                    "cannot name the relation of `{field_name}`: it does not end in `_id`; \
                     name it: `belongs_to(name = Target)`"
                ),
            );
            None
        }
    }
}

/// `T`, when `ty` is written `Option<T>` (also through a path, such as
/// `std::option::Option<T>`).
fn option_of(ty: &Type) -> Option<&Type> {
    let Type::Path(path) = ty else {
        return None;
    };
    let segment = path.path.segments.last().filter(|_| path.qself.is_none())?;
    if segment.ident != "Option" {
        return None;
    }
    let syn::PathArguments::AngleBracketed(args) = &segment.arguments else {
        return None;
    };
    match args.args.first() {
        Some(syn::GenericArgument::Type(inner)) if args.args.len() == 1 => Some(inner),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_columns_keys_and_relations() {
        let input: DeriveInput = syn::parse_quote! {
            #[model(table = "shop_employee")]
            struct Employee {
                #[model(primary_key)]
                id: i64,
                #[model(belongs_to(Department))]
                department_id: i64,
                #[model(belongs_to(manager = Employee), column = "boss")]
                manager_id: Option<i64>,
                r#type: String,
            }
        };
        let mut cx = Ctxt::default();
        let model = Model::from_ast(&input, &mut cx).unwrap();
        assert!(cx.finish().is_ok());
        assert_eq!(model.table.0, "shop_employee");
        let names: Vec<&str> = model.columns.iter().map(|c| c.name.0.as_str()).collect();
        assert_eq!(names, ["id", "department_id", "boss", "type"]);
        assert_eq!(model.primary_keys, [0]);
        let relations: Vec<(String, usize, bool)> = model
            .belongs_to
            .iter()
            .map(|b| (b.name.to_string(), b.column, b.nullable))
            .collect();
        assert_eq!(
            relations,
            [("department".into(), 1, false), ("manager".into(), 2, true)]
        );
    }
}
