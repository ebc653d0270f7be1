//! The expansion of a checked model: `impl Model`, the companion structs
//! `<Model>Columns` and `<Model>Relations`, and row decoding.

use proc_macro2::TokenStream;
use quote::{format_ident, quote, quote_spanned};
use syn::ext::IdentExt;
use syn::Ident;

use super::attr::{InverseAttr, InverseKind};
use super::ir::{BelongsTo, Column, Model};
use super::names::{ident as ident_of, snake_case};
use crate::private::Private;

/// The impls and companion types of `model`. Total over any IR, valid or
/// not: after a check error it still yields items that type-check.
pub fn expand(model: &Model) -> TokenStream {
    let fl = Private;
    let ident = &model.ident;
    let vis = &model.vis;
    let columns_ty = format_ident!("{ident}Columns");
    let relations_ty = format_ident!("{ident}Relations");
    let belongs_to_ty = format_ident!("{ident}BelongsTo");
    let hops_ty = format_ident!("{ident}Hops");

    let fields: Vec<&Ident> = model.columns.iter().map(|c| &c.field).collect();
    let types: Vec<&syn::Type> = model.columns.iter().map(|c| &c.ty).collect();
    let column_types: Vec<TokenStream> = model
        .columns
        .iter()
        .enumerate()
        .map(|(i, column)| column_type(column, model.primary_keys == [i]))
        .collect();
    // The SQL type of each column: its `sql_type`, or its Rust type's.
    let column_defs = model.columns.iter().map(|column| {
        let (name, ty) = (&column.name.0, &column.ty);
        let (sql, nullable) = match &column.sql_type {
            Some(sql) => {
                let nullable = column.nullable;
                (quote!(#sql), quote!(#nullable))
            }
            None => (
                quote!(<#ty as ::fanless::SqlType<__DB>>::SQL),
                quote!(<#ty as ::fanless::SqlType<__DB>>::NULLABLE),
            ),
        };
        quote!(#fl::ColumnDef { name: #name, sql: #sql, nullable: #nullable })
    });
    let sql_typed = model
        .columns
        .iter()
        .filter(|column| column.sql_type.is_none())
        .map(|column| &column.ty);
    let names: Vec<&str> = model.columns.iter().map(|c| c.name.0.as_str()).collect();
    // Each column's metadata; a column whose dates and times SQLite holds
    // in the one form sqlx writes says so.
    let column_values: Vec<TokenStream> = model
        .columns
        .iter()
        .map(|c| {
            let name = c.name.0.as_str();
            match c.sqlite_text.as_ref().map(syn::LitStr::value).as_deref() {
                Some("unix") => {
                    quote!(#fl::Column::new(#name).sqlite_text(::fanless::SqliteText::Unix))
                }
                Some(_) => quote!(#fl::Column::new(#name).sqlite_text(::fanless::SqliteText::Sqlx)),
                None => quote!(#fl::Column::new(#name)),
            }
        })
        .collect();
    let nullables = model.columns.iter().map(|c| c.nullable);
    let value_types: Vec<&syn::Type> = model.columns.iter().map(|c| &c.value).collect();
    let type_names: Vec<String> = model
        .columns
        .iter()
        .map(|c| {
            let ty = &c.ty;
            quote!(#ty).to_string().replace(' ', "").replace(',', ", ")
        })
        .collect();
    // `sqlite_text` is for dates and times, checked on its value.
    let sqlite_text_checks = model.columns.iter().filter_map(|c| {
        let form = c.sqlite_text.as_ref()?;
        let value = &c.value;
        let fl = fl.at(form.span());
        Some(quote_spanned!(form.span()=> const _: () = #fl::sqlx_text::<#value>();))
    });
    let indexes: Vec<usize> = (0..model.columns.len()).collect();
    let table = &model.table.0;
    // Checked to be exactly one; after that error, any name keeps the
    // expansion well-formed.
    let primary_key = model.primary_keys.iter().map(|&key| names[key]);
    let model_name = ident.unraw().to_string();

    let belongs_to_fields: Vec<TokenStream> = model
        .belongs_to
        .iter()
        .map(|rel| {
            let name = &rel.name;
            let ty = belongs_to_type(model, rel);
            quote!(pub #name: #ty)
        })
        .collect();
    let belongs_to_values: Vec<TokenStream> = model
        .belongs_to
        .iter()
        .map(|rel| {
            let name = &rel.name;
            let name_str = name.unraw().to_string();
            let foreign_key = names[rel.column];
            let target = &rel.target;
            let span = syn::spanned::Spanned::span(target);
            let fl = fl.at(span);
            let constructor =
                quote_spanned!(span=> #fl::Relation::<#ident, #target, _>::belongs_to);
            let indexed = rel.indexed;
            quote!(#name: #constructor(#name_str, #foreign_key, #indexed))
        })
        .collect();
    let belongs_to_names: Vec<&Ident> = model.belongs_to.iter().map(|rel| &rel.name).collect();
    // Each foreign key's type, checked against its target's key, on the
    // field's type.
    let key_checks = model.belongs_to.iter().map(|rel| {
        let ty = &model.columns[rel.column].ty;
        let target = &rel.target;
        let span = syn::spanned::Spanned::span(ty);
        let fl = fl.at(span);
        let check = if rel.nullable {
            quote_spanned!(span=> #fl::nullable_foreign_key::<#ty, #target>())
        } else {
            quote_spanned!(span=> #fl::foreign_key::<#ty, #target>())
        };
        quote!(const _: () = #check;)
    });
    // A composite key has a type no foreign key holds: `belongs_to` leads
    // to a model whose key is one column.
    let key = match model.primary_keys.as_slice() {
        [index] => {
            let ty = &model.columns[*index].ty;
            quote!(#ty)
        }
        [] => quote!(()),
        _ => quote!(#fl::CompositeKey),
    };

    let mut inverse_fields = Vec::new();
    let mut inverse_values = Vec::new();
    let mut inverse_consts = Vec::new();
    let mut inverse_checks = Vec::new();
    let belongs_to_field_types = model
        .belongs_to
        .iter()
        .map(|rel| belongs_to_type(model, rel));
    for inverse in &model.inverses {
        let name = &inverse.name;
        let target = &inverse.target;
        let Some(value) = inverse_value(model, inverse) else {
            continue;
        };
        let card = match inverse.kind {
            InverseKind::HasOne => quote!(#fl::Optional),
            _ => quote!(#fl::Many),
        };
        let ty = quote!(#fl::Relation<#ident, #target, #card>);
        inverse_fields.push(quote!(pub #name: #ty));
        inverse_values.push(quote!(#name: #hops_ty.#name()));
        inverse_consts.push(quote! {
            pub const fn #name(self) -> #ty {
                #value
            }
        });
        inverse_checks.extend(back_checks(model, inverse));
        // Evaluated here, so that a relation the const functions refuse is
        // an error where the model is declared, not where a query reads it.
        let mut hops = hops_ty.clone();
        hops.set_span(name.span());
        inverse_checks.push(quote_spanned!(name.span()=> const _: () = {
            #hops.#name();
        };));
    }

    let back_relations = back_relations(model);
    let foreign_keys = model.belongs_to.iter().map(|rel| {
        let name = rel.name.unraw().to_string();
        let column = names[rel.column];
        let target = &rel.target;
        let (indexed, unique) = (rel.indexed, rel.unique);
        quote! {
            ::fanless::ForeignKey {
                relation: #name,
                column: #column,
                target: <#target as ::fanless::Model>::META,
                indexed: #indexed,
                unique: #unique,
            }
        }
    });
    // The columns beside the relations, but for one a relation's name
    // already takes (an error the checks report).
    let relation_names: Vec<String> = model
        .relation_names()
        .map(|name| name.unraw().to_string())
        .collect();
    let free: Vec<usize> = (0..model.columns.len())
        .filter(|&i| !relation_names.contains(&model.columns[i].field.unraw().to_string()))
        .collect();
    let relation_columns: Vec<&Ident> = free.iter().map(|&i| &model.columns[i].field).collect();
    let relation_column_values: Vec<&TokenStream> =
        free.iter().map(|&i| &column_values[i]).collect();
    let relation_column_types: Vec<&TokenStream> = free.iter().map(|&i| &column_types[i]).collect();
    let columns_doc = format!("The columns of [`{ident}`], as `query!` resolves them.");
    let relations_doc = format!("The relations of [`{ident}`], as `query!` resolves them.");
    let belongs_to_doc = format!("The `belongs_to` relations of [`{ident}`].");

    quote! {
        impl ::fanless::Model for #ident {
            type Columns = #columns_ty;
            const COLUMNS: #columns_ty = #columns_ty {
                #(#fields: #column_values,)*
            };
            type Relations = #relations_ty;
            const RELATIONS: #relations_ty = #relations_ty {
                #(#belongs_to_names: <#ident as ::fanless::Model>::BELONGS_TO.#belongs_to_names,)*
                #(#inverse_values,)*
                #(#relation_columns: #relation_column_values,)*
            };
            // Built from `META` alone, so that relations (even to this same
            // model) read it without a cycle.
            type BelongsTo = #belongs_to_ty;
            type Hops = #hops_ty;
            const HOPS: #hops_ty = #hops_ty;
            const BELONGS_TO: #belongs_to_ty = #belongs_to_ty {
                #(#belongs_to_values,)*
            };
            const META: &'static ::fanless::ModelMeta = &::fanless::ModelMeta {
                name: #model_name,
                table: #table,
                columns: &[#(#names),*],
                primary_key: &[#(#primary_key),*],
            };
            const FOREIGN_KEYS: &'static [::fanless::ForeignKey] = &[#(#foreign_keys),*];
            const NULLABLE: &'static [bool] = &[#(#nullables),*];
            type Key = #key;
        }

        #(#key_checks)*
        #(#sqlite_text_checks)*
        #(#inverse_checks)*
        #(#back_relations)*

        // Checked only where `verify` is called, so that a model with a
        // column one database cannot read still runs on the others.
        impl<__DB: ::fanless::Dialect> #fl::Decodes<__DB> for #ident
        where
            #(#value_types: ::fanless::sqlx::Type<__DB> + 'static,)*
            i32: ::fanless::sqlx::Type<__DB>,
            i16: ::fanless::sqlx::Type<__DB>,
        {
            fn compatible(column: usize, ty: &<__DB as ::fanless::sqlx::Database>::TypeInfo) -> bool {
                match column {
                    #(#indexes => <#value_types as ::fanless::sqlx::Type<__DB>>::compatible(ty)
                        || #fl::widens::<#value_types, __DB>(ty),)*
                    _ => false,
                }
            }

            fn rust_type(column: usize) -> &'static str {
                [#(#type_names),*].get(column).copied().unwrap_or_default()
            }
        }

        // Checked only where `create_table` is called, so that columns of
        // types without an SQL type still work in queries.
        impl<__DB: ::fanless::Dialect> #fl::Table<__DB> for #ident
        where
            #(#sql_typed: ::fanless::SqlType<__DB>,)*
        {
            fn ddl() -> ::std::vec::Vec<::std::string::String> {
                #fl::create_table(
                    <Self as ::fanless::Model>::META,
                    &[#(#column_defs),*],
                    <Self as ::fanless::Model>::FOREIGN_KEYS,
                    <__DB as ::fanless::Dialect>::KIND,
                )
            }
        }

        #[doc = #columns_doc]
        #[derive(Debug, Clone, Copy)]
        #vis struct #columns_ty {
            #(#[allow(missing_docs)] pub #fields: #fl::Column<#ident, #column_types>,)*
        }

        #[doc = #relations_doc]
        #[derive(Debug, Clone, Copy)]
        #vis struct #relations_ty {
            #(#[allow(missing_docs)] #belongs_to_fields,)*
            #(#[allow(missing_docs)] #inverse_fields,)*
            #(#[allow(missing_docs)] pub #relation_columns: #fl::Column<#ident, #relation_column_types>,)*
        }

        /// Each relation of the model by a function of its own, so that a
        /// `through` path reads the relations it follows and no other:
        /// reading a whole `RELATIONS` would make relations of several hops
        /// that lead back to each other's models a cycle.
        #[doc(hidden)]
        #[derive(Debug, Clone, Copy)]
        #vis struct #hops_ty;

        #[doc(hidden)]
        impl #hops_ty {
            #(pub const fn #belongs_to_names(self) -> #belongs_to_field_types {
                <#ident as ::fanless::Model>::BELONGS_TO.#belongs_to_names
            })*
            #(#inverse_consts)*
        }

        #[doc = #belongs_to_doc]
        #[doc(hidden)]
        #[derive(Debug, Clone, Copy)]
        #vis struct #belongs_to_ty {
            #(#[allow(missing_docs)] #belongs_to_fields,)*
        }

        impl<__R: #fl::sqlx::Row> #fl::FromRow<__R> for #ident
        where
            #(#types: #fl::Decoded<__R, #fl::Plain>,)*
        {
            fn from_row(row: &__R) -> ::core::result::Result<Self, #fl::sqlx::Error> {
                ::core::result::Result::Ok(Self {
                    #(#fields: <#types as #fl::Decoded<__R, #fl::Plain>>::decode(row, #indexes)?,)*
                })
            }
        }
    }
}

/// The value of an inverse relation, built from the relations it goes
/// through; a missing or mismatched one is rustc's error on the user's
/// tokens. `None` where a check already reported why it cannot be built.
fn inverse_value(model: &Model, inverse: &InverseAttr) -> Option<TokenStream> {
    let fl = Private;
    let name = &inverse.name;
    let name_str = name.unraw().to_string();
    let target = &inverse.target;
    // Without `via`, the relation back to this model is named after it; a
    // model whose snake_case name is no identifier (`Self_`) must say
    // `via`: the checks say so.
    let back = || {
        inverse
            .via
            .clone()
            .or_else(|| ident_of(&default_back(model), name.span()))
    };
    Some(match &inverse.kind {
        InverseKind::HasMany | InverseKind::HasOne => {
            let via = back()?;
            let constructor = match inverse.kind {
                InverseKind::HasOne => quote!(has_one),
                _ => quote!(has_many),
            };
            quote_spanned! {name.span()=>
                #fl::Relation::#constructor(
                    #name_str,
                    &<#target as ::fanless::Model>::BELONGS_TO.#via,
                )
            }
        }
        InverseKind::ManyToMany { join, to } => {
            let via = back()?;
            let to = match to {
                Some(to) => to.clone(),
                None => ident_of(&default_to(target)?, name.span())?,
            };
            let belongs_to = quote_spanned!(name.span()=> <#join as ::fanless::Model>::BELONGS_TO);
            quote_spanned! {name.span()=>
                #fl::Relation::many_to_many(
                    &const {[
                        #belongs_to.#via.parts().0.reversed(#name_str, true),
                        #belongs_to.#to.parts().0,
                    ]},
                    &#belongs_to.#via,
                    &#belongs_to.#to,
                )
            }
        }
        InverseKind::Through(path) => {
            let (first, rest) = path.split_first()?;
            if !model.goes_through(first, name) {
                return None;
            }
            let hops_ty = format_ident!("{}Hops", model.ident, span = first.span());
            let mut segments = vec![quote_spanned!(first.span()=> #hops_ty.#first())];
            let last = inverse.via.as_ref().unwrap_or(name);
            for segment in rest.iter().chain([last]) {
                let previous = segments.last()?.clone();
                segments.push(quote_spanned!(segment.span()=> #previous.then().#segment()));
            }
            let end = segments.last()?.clone();
            quote_spanned! {name.span()=>
                #fl::Relation::through(
                    &const {
                        #fl::path::<{ #(#segments.hop_count())+* }>(&[#(#segments.parts()),*])
                    },
                    &#end,
                )
            }
        }
    })
}

/// The relation back a `has_many`, `has_one` or `many_to_many` without
/// `via` reads: named after the model, in snake_case.
fn default_back(model: &Model) -> String {
    snake_case(&model.ident.unraw().to_string())
}

/// The relation of a join model a `many_to_many` without `to` reads:
/// named after the target, in snake_case.
fn default_to(target: &syn::Path) -> Option<String> {
    last_ident(target).map(|last| snake_case(&last))
}

/// The checks that the relations back which `inverse` reads without
/// `via` (or `to`) exist on the model they are read on, which otherwise
/// names its candidates.
fn back_checks(model: &Model, inverse: &InverseAttr) -> Vec<TokenStream> {
    let fl = Private;
    let (ident, name, target) = (&model.ident, &inverse.name, &inverse.target);
    let own = default_back(model);
    let check = |on: &syn::Path, to: TokenStream, back: String| {
        let fl = fl.at(name.span());
        quote_spanned!(name.span()=> const _: () = #fl::goes_back::<#on, #to>(#back);)
    };
    match &inverse.kind {
        InverseKind::HasMany | InverseKind::HasOne if inverse.via.is_none() => {
            vec![check(target, quote!(#ident), own)]
        }
        InverseKind::ManyToMany { join, to } => {
            let mut checks = Vec::new();
            if inverse.via.is_none() {
                checks.push(check(join, quote!(#ident), own));
            }
            if let (None, Some(to)) = (to, default_to(target)) {
                checks.push(check(join, quote!(#target), to));
            }
            checks
        }
        _ => Vec::new(),
    }
}

/// Per model the `belongs_to` relations lead to (as written), the names
/// of those relations: what a `has_many`, `has_one` or `many_to_many` on
/// that model without `via` checks its relation back against.
fn back_relations(model: &Model) -> Vec<TokenStream> {
    let fl = Private;
    let ident = &model.ident;
    let mut targets: Vec<(String, &syn::Path, Vec<String>)> = Vec::new();
    for rel in &model.belongs_to {
        let target = &rel.target;
        let key = quote!(#target).to_string();
        let name = rel.name.unraw().to_string();
        match targets.iter_mut().find(|(k, ..)| *k == key) {
            Some((_, _, names)) => names.push(name),
            None => targets.push((key, &rel.target, vec![name])),
        }
    }
    targets
        .into_iter()
        .map(|(_, target, names)| {
            let listed: Vec<String> = names.iter().map(|name| format!("`{name}`")).collect();
            let hint = format!(
                "`{}`'s relations to `{}` are {}: name the one this relation goes back through \
                 with `via`, such as `via = {}`",
                ident.unraw(),
                quote!(#target).to_string().replace(' ', ""),
                listed.join(" and "),
                names[0],
            );
            quote! {
                impl #fl::BelongsToModel<#target> for #ident {
                    const NAMES: &'static [&'static str] = &[#(#names),*];
                    const HINT: &'static str = #hint;
                }
            }
        })
        .collect()
}

/// The type of a `belongs_to` relation: to-one, nullable where its key
/// is, unique where declared.
fn belongs_to_type(model: &Model, rel: &BelongsTo) -> TokenStream {
    let fl = Private;
    let (ident, target) = (&model.ident, &rel.target);
    let mut card = if rel.nullable {
        quote!(#fl::Optional)
    } else {
        quote!(#fl::One)
    };
    if rel.unique {
        card = quote!(#fl::Unique<#card>);
    }
    quote!(#fl::Relation<#ident, #target, #card>)
}

/// The last identifier of a path (`Author` of `crate::Author`).
fn last_ident(path: &syn::Path) -> Option<String> {
    path.segments
        .last()
        .map(|segment| segment.ident.unraw().to_string())
}

/// The type, nullity and key parameters of a column's `Column<M, T, N,
/// K>`: `K` is `Key` for the column that is the whole primary key.
fn column_type(column: &Column, key: bool) -> TokenStream {
    let (fl, value) = (Private, &column.value);
    let nullity = if column.nullable {
        quote!(#fl::Nullable)
    } else {
        quote!(#fl::NotNull)
    };
    let key = if key {
        quote!(#fl::Key)
    } else {
        quote!(#fl::NotKey)
    };
    quote!(#value, #nullity, #key)
}
