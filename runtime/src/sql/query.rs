//! The statement around the aggregates: the select list, the root table
//! and its joins, `where`, `group by`, `having`, order and limit.

use std::fmt::Write;

use super::strategy::{self, Form, Strategy};
use super::temporal::named;
use super::{
    carried, Chain, DialectKind, Renderer, Scope, ToOneJoin, CARRIED, KEY, KEYS, PARENT, RANK,
    RENAMED,
};
use crate::model::RelationMeta;
use crate::plan::{Agg, Collection, Expr, Join, Parent, Plan};

impl<'p> Renderer<'p> {
    /// The number of argument `param` among those the query binds, for
    /// placeholders that name their argument.
    pub(super) fn position(&self, param: usize) -> usize {
        match &self.bound {
            Some(bound) => bound.partition_point(|&index| index < param),
            None => param,
        }
    }

    pub(super) fn query(&mut self, plan: &'p Plan, strategy: Strategy) -> String {
        self.statement(plan, strategy, None)
    }

    /// The statement of `plan`; for a collection carried as JSON, the
    /// statement of its rows in the parent row at `outer`.
    fn statement(&mut self, plan: &'p Plan, strategy: Strategy, outer: Option<&str>) -> String {
        // A collection's rows come from its path, from the parents' keys.
        let (mut scope, root, parent) = match &plan.parent {
            Some(parent) => {
                let (from, alias, key) = self.parent_from(parent);
                (Scope::new(alias), from, Some((key, parent.keys)))
            }
            None => {
                let alias = self.alias();
                let mut from = String::new();
                self.syntax.quote(&mut from, plan.root.table);
                let _ = write!(from, " AS {alias}");
                (Scope::new(alias), from, None)
            }
        };
        let mut explicit = String::new();
        self.explicit.push(plan.root);
        for join in &plan.joins {
            let alias = self.explicit_join(&mut explicit, join, &scope);
            scope.aliases.push(alias);
            self.explicit.extend(join.hops.last().map(|hop| hop.target));
        }
        let choice = strategy::choose(plan, self.dialect, strategy);
        // With `restricted`, the root keys the query selects come first.
        // (The strategy restricts only a root whose key is one column.)
        let keys = match (choice.restricted, plan.root.key_column()) {
            (true, Some(key)) => Some((key, self.selected_keys(plan, key))),
            _ => None,
        };
        let tables: Vec<(Form, Vec<&Agg>, String)> = choice
            .tables()
            .into_iter()
            .map(|(form, group)| {
                let alias = self.place(&group);
                (form, group, alias)
            })
            .collect();
        // Limited per parent, rows are numbered in each parent's order;
        // carried as JSON, they are gathered in that order.
        let windowed =
            parent.is_some() && outer.is_none() && (plan.limit.is_some() || plan.offset.is_some());
        let renamed = match windowed || outer.is_some() {
            true => Vec::new(),
            false => self.renamed(plan),
        };
        let mut select = String::new();
        match &plan.select {
            Some(items) => {
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        select.push_str(", ");
                    }
                    let value = self.expr(&item.expr, &mut scope);
                    select.push_str(&value);
                    select.push_str(" AS ");
                    if renamed.contains(&i) {
                        let _ = write!(select, "{RENAMED}{i}");
                    } else {
                        self.syntax.quote(&mut select, item.name);
                    }
                }
            }
            None => {
                for (i, column) in plan.root.columns.iter().enumerate() {
                    if i > 0 {
                        select.push_str(", ");
                    }
                    self.column(&mut select, &scope.aliases[0], column);
                }
            }
        }
        // A row of collections alone selects no item before these.
        let comma = |select: &mut String| {
            if !select.is_empty() {
                select.push_str(", ");
            }
        };
        // Rows carried as JSON need neither their parent's key nor their
        // own: their collections are carried inside them.
        if outer.is_none() {
            if let Some((key, _)) = &parent {
                comma(&mut select);
                let _ = write!(select, "{key} AS {PARENT}");
            }
            if !plan.collections.is_empty() {
                comma(&mut select);
                self.key_columns(&mut select, plan, &scope.aliases[0], Some(KEY));
            }
        }
        let mut ranked = Vec::new();
        if windowed || outer.is_some() {
            let items = plan.select.as_deref().unwrap_or_default();
            for (i, key) in plan.order.iter().enumerate() {
                // An item that selects a column of dates and times is
                // ranked by its instant, in a column of its own.
                let item = named(&key.expr, items).map(|(_, item)| item);
                let name = match (&key.expr, item) {
                    (Expr::Output(name), Some(item))
                        if !self.by_instant(Self::order_temporal(&item.expr, items)) =>
                    {
                        (*name).to_owned()
                    }
                    (Expr::Output(name), None) => (*name).to_owned(),
                    (expr, item) => {
                        let expr = item.map_or(expr, |item| &item.expr);
                        let value = self.expr(expr, &mut scope);
                        let value = self.ordered(expr, value, items);
                        let name = format!("fanless_o{i}");
                        comma(&mut select);
                        let _ = write!(select, "{value} AS {name}");
                        name
                    }
                };
                ranked.push((name, key.desc, key.nullable));
            }
            for (i, column) in plan.root.primary_key.iter().enumerate() {
                let name = format!("fanless_t{i}");
                comma(&mut select);
                self.column(&mut select, &scope.aliases[0], column);
                let _ = write!(select, " AS {name}");
                ranked.push((name, false, false));
            }
        }
        for (i, collection) in plan.collections.iter().enumerate() {
            if carried(collection, self.dialect) {
                comma(&mut select);
                let rows = self.carried(collection, strategy, &scope.aliases[0]);
                let _ = write!(select, "{rows} AS {CARRIED}{i}");
            }
        }
        // Derived tables come after the select list in the text, and take
        // their parameters in that order.
        if let Some((key, _)) = keys {
            let _ = write!(explicit, " INNER JOIN {KEYS} ON {KEYS}.k = ");
            self.column(&mut explicit, &scope.aliases[0], key);
        }
        for (form, group, alias) in &tables {
            let table = self.derived_table(group, alias, &scope, *form);
            explicit.push_str(&table);
        }
        // The parents' keys come first in `where`, and take their argument
        // first.
        let member = parent.as_ref().map(|(key, param)| {
            if let Some(outer) = outer {
                let mut member = format!("{key} = ");
                let column = plan
                    .parent
                    .as_ref()
                    .and_then(|p| p.model.primary_key.first());
                self.column(&mut member, outer, column.copied().unwrap_or_default());
                return member;
            }
            let form = self.shape.list_form(*param);
            self.params.push(*param);
            let mut member = String::new();
            let position = self.position(*param);
            self.syntax.list_member(&mut member, key, position, form);
            member
        });
        // The selected keys already hold the filter and the limit.
        let filter = match keys {
            Some(_) => None,
            None => plan.filter.as_ref().map(|cond| self.cond(cond, &mut scope)),
        };
        let filter = match (member, filter) {
            (Some(member), Some(filter)) => Some(format!("{member} AND ({filter})")),
            (member, filter) => member.or(filter),
        };
        let group: Vec<String> = plan
            .group
            .iter()
            .map(|e| self.expr(e, &mut scope))
            .collect();
        let having = plan.having.as_ref().map(|cond| self.cond(cond, &mut scope));
        let mut order = String::new();
        if !windowed {
            self.order_by(&mut order, plan, &mut scope, Some(&renamed));
        }
        if parent.is_some() && !windowed {
            // The key breaks ties, so that each parent's rows come in one
            // order.
            order.push_str(if order.is_empty() { " ORDER BY " } else { ", " });
            self.key_columns(&mut order, plan, &scope.aliases[0], None);
        }
        if keys.is_none() && !windowed {
            self.limit_offset(&mut order, plan, &mut scope);
        }

        let mut sql: String = match keys {
            Some((_, keys)) => format!("WITH {KEYS} AS{} ({keys}) ", self.syntax.inline_cte()),
            None => String::new(),
        };
        let _ = write!(sql, "SELECT {select} FROM {root}{explicit}");
        self.joins(&mut sql, &scope);
        if let Some(filter) = filter {
            sql.push_str(" WHERE ");
            sql.push_str(&filter);
        }
        if !group.is_empty() {
            sql.push_str(" GROUP BY ");
            sql.push_str(&group.join(", "));
        }
        if let Some(having) = having {
            sql.push_str(" HAVING ");
            sql.push_str(&having);
        }
        sql.push_str(&order);
        if windowed {
            sql = self.per_parent(plan, &sql, &ranked, &mut scope);
        }
        if outer.is_some() {
            sql = self.gathered(plan, &sql, &ranked);
        }
        sql
    }

    /// The rows of `collection` in the parent row at `outer`, as one JSON
    /// array: a scalar subquery.
    fn carried(&mut self, collection: &'p Collection, strategy: Strategy, outer: &str) -> String {
        // Its explicit tables are its own.
        let explicit = std::mem::take(&mut self.explicit);
        let rows = self.statement(&collection.plan, strategy, Some(outer));
        self.explicit = explicit;
        format!("({rows})")
    }

    /// `inner`'s rows gathered into one JSON array in their order
    /// (`ranked`), each an array of its items then of its collections, by
    /// SQLite's JSON functions (only SQLite carries collections).
    fn gathered(&mut self, plan: &Plan, inner: &str, ranked: &[(String, bool, bool)]) -> String {
        let mut values = Vec::new();
        for item in plan.select.iter().flatten() {
            let mut value = String::from("tj.");
            self.syntax.quote(&mut value, item.name);
            // JSON would print a float to 15 digits; 17 read back exactly.
            values.push(format!(
                "CASE WHEN typeof({value}) = 'real' THEN printf('%!.17g', {value}) ELSE {value} END"
            ));
        }
        for i in 0..plan.collections.len() {
            values.push(format!("json(tj.{CARRIED}{i})"));
        }
        let order = self.ranked_order("tj.", ranked);
        format!(
            "SELECT json_group_array(json_array({}) ORDER BY {order}) FROM ({inner}) AS tj",
            values.join(", ")
        )
    }

    /// The `ORDER BY` list of `ranked` columns of the table at `alias`.
    fn ranked_order(&self, alias: &str, ranked: &[(String, bool, bool)]) -> String {
        let mut order = String::new();
        for (i, (name, desc, nullable)) in ranked.iter().enumerate() {
            if i > 0 {
                order.push_str(", ");
            }
            let mut key = String::from(alias);
            self.syntax.quote(&mut key, name);
            if *nullable {
                self.syntax.nullable_order(&mut order, &key, &key, *desc);
            } else {
                order.push_str(&key);
                order.push_str(if *desc { " DESC" } else { " ASC" });
            }
        }
        order
    }

    /// The rows of `inner`, a collection's statement, cut to `limit` and
    /// `offset` per parent: numbered in each parent's order (`ranked`: the
    /// inner columns of the order keys, then of the primary key), then
    /// kept by number. Each parent's rows come in that order.
    fn per_parent(
        &mut self,
        plan: &Plan,
        inner: &str,
        ranked: &[(String, bool, bool)],
        scope: &mut Scope,
    ) -> String {
        let order = self.ranked_order("tw.", ranked);
        let number = format!("ROW_NUMBER() OVER (PARTITION BY tw.{PARENT} ORDER BY {order})");
        // MySQL numbers rows as unsigned integers, which subtracting the
        // offset must not overflow.
        let number = match self.dialect {
            DialectKind::MySql => format!("CAST({number} AS SIGNED)"),
            DialectKind::Postgres | DialectKind::Sqlite => number,
        };
        let mut columns = String::new();
        for item in plan.select.iter().flatten() {
            columns.push_str("tr.");
            self.syntax.quote(&mut columns, item.name);
            columns.push_str(", ");
        }
        let _ = write!(columns, "tr.{PARENT}");
        if !plan.collections.is_empty() {
            let _ = write!(columns, ", tr.{KEY}");
        }
        for (i, collection) in plan.collections.iter().enumerate() {
            if carried(collection, self.dialect) {
                let _ = write!(columns, ", tr.{CARRIED}{i}");
            }
        }
        let offset = plan.offset.as_ref().map(|e| self.expr(e, scope));
        let limit = plan.limit.as_ref().map(|e| self.expr(e, scope));
        let kept = match (offset, limit) {
            (Some(offset), Some(limit)) => {
                format!("tr.{RANK} - {offset} BETWEEN 1 AND {limit}")
            }
            (Some(offset), None) => format!("tr.{RANK} > {offset}"),
            (None, Some(limit)) => format!("tr.{RANK} <= {limit}"),
            (None, None) => "TRUE".to_owned(),
        };
        format!(
            "SELECT {columns} FROM (SELECT tw.*, {number} AS {RANK} FROM ({inner}) AS tw) AS tr \
             WHERE {kept} ORDER BY tr.{RANK}"
        )
    }

    /// The columns of the root's primary key at `alias`, in ascending
    /// order, or as the column `name` (a key of one column).
    fn key_columns(&self, out: &mut String, plan: &Plan, alias: &str, name: Option<&str>) {
        for (i, column) in plan.root.primary_key.iter().enumerate() {
            if i > 0 {
                out.push_str(", ");
            }
            self.column(out, alias, column);
            match name {
                Some(name) => {
                    let _ = write!(out, " AS {name}");
                }
                None => out.push_str(" ASC"),
            }
        }
    }

    /// The `FROM` of a collection's statement: its path from the parent,
    /// the alias of its last table, and the value of the parent's key.
    /// Where the path starts from the parent's key, the parent's table is
    /// left out.
    fn parent_from(&mut self, parent: &Parent) -> (String, String, String) {
        let outer = self.alias();
        let chain = self.chain(&parent.hops, &outer);
        let key = parent
            .model
            .primary_key
            .first()
            .copied()
            .unwrap_or_default();
        if chain.outer == key {
            return (chain.from, chain.last, chain.key);
        }
        let mut from = chain.from;
        from.push_str(" INNER JOIN ");
        self.syntax.quote(&mut from, parent.model.table);
        let _ = write!(from, " AS {outer} ON {}", chain.correlation);
        let mut value = String::new();
        self.column(&mut value, &outer, key);
        (from, chain.last, value)
    }

    /// An alias for a group's table, by which its aggregates are read.
    fn place(&mut self, group: &[&'p Agg]) -> String {
        let alias = self.alias();
        for (column, agg) in group.iter().enumerate() {
            self.derived.push((agg, alias.clone(), column));
        }
        alias
    }

    /// ` ORDER BY ...`. A key naming a `select` item is written as the
    /// item's name where the statement has that select list, its items
    /// named as `renamed` says; as the item's value where it has not
    /// (`renamed` is `None`).
    fn order_by(
        &mut self,
        out: &mut String,
        plan: &Plan,
        scope: &mut Scope,
        renamed: Option<&[usize]>,
    ) {
        let items = plan.select.as_deref().unwrap_or_default();
        for (i, key) in plan.order.iter().enumerate() {
            out.push_str(if i == 0 { " ORDER BY " } else { ", " });
            let item = named(&key.expr, items).map(|(index, _)| index);
            let (value, test) = match (item, renamed) {
                (Some(index), None) => {
                    let value = self.expr(&items[index].expr, scope);
                    (self.ordered(&items[index].expr, value, items), None)
                }
                (Some(index), Some(renamed)) if renamed.contains(&index) => {
                    (format!("{RENAMED}{index}"), None)
                }
                // A column or an aggregate over joined rows is tested for
                // `NULL` by its value where the dialect cannot read the
                // item's name in an expression: it binds no parameter.
                (Some(index), Some(_)) if key.nullable && !self.syntax.names_in_expressions() => {
                    let test = self.expr(&items[index].expr, scope);
                    (self.expr(&key.expr, scope), Some(test))
                }
                _ => {
                    let value = self.expr(&key.expr, scope);
                    (self.ordered(&key.expr, value, items), None)
                }
            };
            if key.nullable {
                let test = test.as_deref().unwrap_or(&value);
                self.syntax.nullable_order(out, &value, test, key.desc);
            } else {
                out.push_str(&value);
                out.push_str(if key.desc { " DESC" } else { " ASC" });
            }
        }
    }

    /// The items of `plan` that a nullable order key names and whose value
    /// is an aggregate over a path, where the dialect cannot read an
    /// item's name in an expression: their names could be columns' too.
    /// Such an item takes a name of fanless's own in the statement (the
    /// row reads its columns by position).
    fn renamed(&self, plan: &Plan) -> Vec<usize> {
        if self.syntax.names_in_expressions() {
            return Vec::new();
        }
        let items = plan.select.as_deref().unwrap_or_default();
        plan.order
            .iter()
            .filter(|key| key.nullable)
            .filter_map(|key| named(&key.expr, items).map(|(index, _)| index))
            .filter(|&index| matches!(items[index].expr, Expr::Agg(_)))
            .collect()
    }

    /// ` LIMIT ... OFFSET ...`, as the dialect spells an offset alone.
    fn limit_offset(&mut self, out: &mut String, plan: &Plan, scope: &mut Scope) {
        let limit = plan.limit.as_ref().map(|e| self.expr(e, scope));
        let offset = plan.offset.as_ref().map(|e| self.expr(e, scope));
        if limit.is_some() || offset.is_some() {
            let limit = limit.as_deref().unwrap_or(self.syntax.no_limit());
            let _ = write!(out, " LIMIT {limit}");
        }
        if let Some(offset) = offset {
            let _ = write!(out, " OFFSET {offset}");
        }
    }

    /// The keys of the root rows the query selects, in its order: its
    /// `where`, `order by`, `limit` and `offset` over the root table alone.
    fn selected_keys(&mut self, plan: &Plan, key: &str) -> String {
        let mut scope = Scope::new(self.alias());
        let filter = plan.filter.as_ref().map(|cond| self.cond(cond, &mut scope));
        let mut tail = String::new();
        self.order_by(&mut tail, plan, &mut scope, None);
        self.limit_offset(&mut tail, plan, &mut scope);
        let mut sql = String::from("SELECT ");
        self.column(&mut sql, &scope.aliases[0], key);
        sql.push_str(" AS k FROM ");
        self.syntax.quote(&mut sql, plan.root.table);
        let _ = write!(sql, " AS {}", scope.aliases[0]);
        self.joins(&mut sql, &scope);
        if let Some(filter) = filter {
            let _ = write!(sql, " WHERE {filter}");
        }
        sql.push_str(&tail);
        sql
    }

    /// Writes an explicit join, one `JOIN` per relation of its path, and
    /// returns the alias of its last table.
    fn explicit_join(&mut self, out: &mut String, join: &Join, scope: &Scope) -> String {
        let kind = if join.left { "LEFT JOIN" } else { "INNER JOIN" };
        let mut previous = scope.aliases[join.parent].clone();
        for rel in &join.hops {
            let current = self.alias();
            let _ = write!(out, " {kind} ");
            self.syntax.quote(out, rel.target.table);
            let _ = write!(out, " AS {current} ON ");
            self.column(out, &current, rel.target_key);
            out.push_str(" = ");
            self.column(out, &previous, rel.source_key);
            previous = current;
        }
        previous
    }

    pub(super) fn alias(&mut self) -> String {
        let alias = format!("t{}", self.aliases);
        self.aliases += 1;
        alias
    }

    pub(super) fn column(&self, out: &mut String, alias: &str, column: &str) {
        out.push_str(alias);
        out.push('.');
        self.syntax.quote(out, column);
    }

    /// The scope's to-one joins. A `has_one` joins the related row with
    /// the least key only, so that rows are never repeated where the data
    /// break its uniqueness.
    pub(super) fn joins(&mut self, out: &mut String, scope: &Scope) {
        for join in &scope.joins {
            let parent = scope.alias_of(join.from, &join.hops[..join.hops.len() - 1]);
            out.push_str(" LEFT JOIN ");
            self.syntax.quote(out, join.rel.target.table);
            let _ = write!(out, " AS {} ON ", join.alias);
            self.column(out, &join.alias, join.rel.target_key);
            out.push_str(" = ");
            self.column(out, parent, join.rel.source_key);
            let rel = join.rel;
            // A `has_one` leads to a model whose key is one column.
            let key = rel.target.key_column().filter(|key| *key != rel.target_key);
            if let Some(key) = key {
                let first = self.alias();
                out.push_str(" AND ");
                self.column(out, &join.alias, key);
                out.push_str(" = (SELECT MIN(");
                self.column(out, &first, key);
                out.push_str(") FROM ");
                self.syntax.quote(out, rel.target.table);
                let _ = write!(out, " AS {first} WHERE ");
                self.column(out, &first, rel.target_key);
                out.push_str(" = ");
                self.column(out, parent, rel.source_key);
                out.push(')');
            }
        }
    }

    /// The alias of the last model of the to-one path `hops` from the
    /// scope's alias `from`, joining what the scope has not joined yet.
    fn join_to_one(&mut self, from: usize, hops: &[RelationMeta], scope: &mut Scope) -> String {
        debug_assert!(hops.iter().all(|hop| !hop.many), "to-many path in a join");
        let names: Vec<&'static str> = hops.iter().map(|hop| hop.name).collect();
        for (depth, rel) in hops.iter().enumerate() {
            let prefix = &names[..=depth];
            if !scope
                .joins
                .iter()
                .any(|join| join.from == from && join.hops == prefix)
            {
                let alias = self.alias();
                scope.joins.push(ToOneJoin {
                    from,
                    hops: prefix.to_vec(),
                    rel: *rel,
                    alias,
                });
            }
        }
        scope.alias_of(from, &names).to_owned()
    }

    /// The path `hops` from `alias` as one chain of inner joins.
    pub(super) fn chain(&mut self, hops: &[RelationMeta], alias: &str) -> Chain {
        let mut from = String::new();
        let mut correlation = String::new();
        let mut key = String::new();
        let mut outer = "";
        // The value the next table joins on: a column of the previous
        // table, the hop's own source key unless a table was left out.
        let (mut previous, mut value) = (alias.to_owned(), None);
        for (depth, rel) in hops.iter().enumerate() {
            // A to-one hop to a key that the next hop starts from again is
            // left out: its foreign key holds the same value (the
            // constraint `create_table` makes sees that the row exists).
            let next = hops.get(depth + 1);
            let skipped = !rel.many
                && rel.target.key_column() == Some(rel.target_key)
                && next.is_some_and(|next| next.source_key == rel.target_key);
            if skipped {
                value = Some(value.unwrap_or(rel.source_key));
                continue;
            }
            let current = self.alias();
            let mut on = String::new();
            self.column(&mut on, &current, rel.target_key);
            let inner = on.clone();
            on.push_str(" = ");
            self.column(&mut on, &previous, value.unwrap_or(rel.source_key));
            if from.is_empty() {
                outer = value.unwrap_or(rel.source_key);
                self.syntax.quote(&mut from, rel.target.table);
                let _ = write!(from, " AS {current}");
                correlation = on;
                key = inner;
            } else {
                from.push_str(" INNER JOIN ");
                self.syntax.quote(&mut from, rel.target.table);
                let _ = write!(from, " AS {current} ON {on}");
            }
            (previous, value) = (current, None);
        }
        Chain {
            from,
            correlation,
            key,
            last: previous,
            outer,
        }
    }

    pub(super) fn expr(&mut self, expr: &Expr, scope: &mut Scope) -> String {
        let mut out = String::new();
        match expr {
            Expr::Column(path) => {
                let alias = self.join_to_one(path.alias, &path.hops, scope);
                self.column(&mut out, &alias, path.column);
            }
            Expr::Agg(agg) => out = self.agg(agg, scope),
            Expr::Joined(agg) => out = self.joined(agg, scope),
            Expr::Param(index) => {
                self.params.push(*index);
                self.syntax.placeholder(&mut out, self.position(*index));
            }
            Expr::Int(value) => out = value.to_string(),
            Expr::Float(value) => out = format!("{value:?}"),
            Expr::Bool(value) => out.push_str(if *value { "TRUE" } else { "FALSE" }),
            Expr::Output(name) => self.syntax.quote(&mut out, name),
        }
        out
    }
}
