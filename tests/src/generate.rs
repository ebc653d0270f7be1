//! Seeded generators of datasets and plans over the [`library`] schema,
//! for the differential tests.
//!
//! Datasets hold what aggregates get wrong: parents without children,
//! `NULL`s and repeated values in aggregated columns, negative and
//! fractional numbers (quarters, so that sums are exact in any order),
//! unicode, quotes, `%`, `_` and backslashes in text. Plans cover every
//! construct of the path form: each aggregate, with `distinct` and with
//! `where`, over paths of one to four hops beginning with to-one or
//! to-many hops; nested `exists`; to-one columns; conditions of every
//! kind, over to-many paths too; `order by`, `limit`, `offset`, and
//! parameters.
//!
//! [`library`]: crate::library

use fanless::__private::{
    Agg, AggFn, CmpOp, CollectionPlan, ColumnPath, Cond, Expr, Item, Join, JoinedAgg, Number,
    Order, Parent, Plan, Temporal,
};

use crate::library::{ColumnInfo, Kind, ModelInfo, RelInfo};
use crate::reference::{Dataset, Value};

/// A small deterministic generator (xorshift*), so that a seed reproduces a
/// run.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    /// A generator from `seed`.
    pub fn new(seed: u64) -> Self {
        Self(seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1)
    }

    /// A number in `0..n`.
    pub fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d) % n.max(1)
    }

    /// `true` with probability `percent` / 100.
    pub fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }

    /// A number in `low..=high`.
    pub fn range(&mut self, low: i64, high: i64) -> i64 {
        low + self.below((high - low + 1) as u64) as i64
    }

    /// One of `items`.
    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }
}

/// Text values: repeated, empty, cased, quoted, unicode, and holding the
/// characters `like` treats specially.
const TEXTS: [&str; 14] = [
    "",
    "a",
    "A",
    "ab",
    "Ab",
    "abc",
    "O'Brien",
    "Grace \"Hopper\"",
    "naïve",
    "日本語",
    "50% off",
    "snake_case",
    "back\\slash",
    "x%y_z",
];

fn text(rng: &mut Rng) -> Value {
    Value::Text((*rng.pick(&TEXTS)).to_owned())
}

/// A multiple of 0.25 in `low..=high` quarters.
fn quarter(rng: &mut Rng, low: i64, high: i64) -> Value {
    Value::Float(rng.range(low, high) as f64 * 0.25)
}

fn maybe(rng: &mut Rng, percent_null: u64, value: impl FnOnce(&mut Rng) -> Value) -> Value {
    if rng.chance(percent_null) {
        Value::Null
    } else {
        value(rng)
    }
}

fn key(rng: &mut Rng, count: usize) -> Value {
    Value::Int(rng.range(1, count as i64))
}

/// The rows of a dataset from `seed`.
pub fn dataset(seed: u64) -> Dataset {
    let mut rng = Rng::new(seed);
    let mut data = Dataset::default();
    let regions = rng.range(1, 4) as usize;
    let publishers = rng.range(1, 8) as usize;
    let authors = rng.range(2, 10) as usize;
    let books = rng.range(0, 20) as usize;
    let rng = &mut rng;
    let rows = |count: usize, rng: &mut Rng, row: &mut dyn FnMut(i64, &mut Rng) -> Vec<Value>| {
        (1..=count as i64)
            .map(|id| row(id, rng))
            .collect::<Vec<_>>()
    };
    let table = rows(regions, rng, &mut |id, rng| vec![Value::Int(id), text(rng)]);
    data.tables.insert("lib_region", table);
    let table = rows(publishers, rng, &mut |id, rng| {
        vec![
            Value::Int(id),
            maybe(rng, 25, |rng| key(rng, regions)),
            text(rng),
            maybe(rng, 25, |rng| Value::Int(rng.range(1990, 1995))),
        ]
    });
    data.tables.insert("lib_publisher", table);
    let table = rows(authors, rng, &mut |id, rng| {
        vec![
            Value::Int(id),
            // A mentor listed before (the foreign key is checked row by row).
            match id {
                1 => Value::Null,
                _ => maybe(rng, 40, |rng| key(rng, id as usize - 1)),
            },
            text(rng),
            maybe(rng, 25, |rng| Value::Int(rng.range(-5, 60))),
        ]
    });
    data.tables.insert("lib_author", table);
    let table = rows(books, rng, &mut |id, rng| {
        vec![
            Value::Int(id),
            key(rng, publishers),
            maybe(rng, 40, |rng| key(rng, authors)),
            text(rng),
            quarter(rng, -40, 200),
            maybe(rng, 30, |rng| Value::Int(rng.range(0, 12) * 50)),
            maybe(rng, 30, |rng| quarter(rng, 0, 20)),
            Value::Bool(rng.chance(60)),
        ]
    });
    data.tables.insert("lib_book", table);
    let reviews = if books == 0 {
        0
    } else {
        rng.range(0, 40) as usize
    };
    let table = rows(reviews, rng, &mut |id, rng| {
        vec![
            Value::Int(id),
            key(rng, books),
            maybe(rng, 30, |rng| key(rng, authors)),
            Value::Int(rng.range(-3, 10)),
            maybe(rng, 30, text),
            maybe(rng, 33, |rng| Value::Bool(rng.chance(50))),
        ]
    });
    data.tables.insert("lib_review", table);
    // At most one link per book and author: the pair is the key.
    let links = if books == 0 {
        0
    } else {
        rng.range(0, 30) as usize
    };
    let mut table: Vec<Vec<Value>> = Vec::new();
    for _ in 0..links {
        let (book, author) = (key(rng, books), key(rng, authors));
        let share = quarter(rng, -4, 4);
        if !table.iter().any(|row| row[0] == book && row[1] == author) {
            table.push(vec![book, author, share]);
        }
    }
    data.tables.insert("lib_book_author", table);
    // Mostly at most one profile per author, as `has_one` promises; now
    // and then two, as data that break the promise (the tests drop the
    // unique index).
    let mut profiles = Vec::new();
    for author in 1..=authors as i64 {
        let count = match rng.below(10) {
            0..=4 => 0,
            5..=8 => 1,
            _ => 2,
        };
        for _ in 0..count {
            let id = profiles.len() as i64 + 1;
            profiles.push(vec![Value::Int(id), Value::Int(author), text(rng)]);
        }
    }
    data.tables.insert("lib_profile", profiles);
    let friendships = rng.range(0, 12) as usize;
    let table = rows(friendships, rng, &mut |id, rng| {
        vec![Value::Int(id), key(rng, authors), key(rng, authors)]
    });
    data.tables.insert("lib_friendship", table);
    let stores = rng.range(0, 4) as usize;
    let table = rows(stores, rng, &mut |id, rng| vec![Value::Int(id), text(rng)]);
    data.tables.insert("lib_store", table);
    let mut table: Vec<Vec<Value>> = Vec::new();
    if stores > 0 && books > 0 {
        for _ in 0..rng.range(0, 25) {
            let (store, book) = (key(rng, stores), key(rng, books));
            if !table.iter().any(|row| row[0] == store && row[1] == book) {
                table.push(vec![store, book]);
            }
        }
    }
    data.tables.insert("lib_store_book", table);
    data
}

/// A generated query: its plan, its parameters, and what its output
/// columns hold.
#[derive(Debug, Clone)]
pub struct Case {
    /// The plan.
    pub plan: Plan,
    /// Parameter `i`'s kind and value.
    pub params: Vec<(Kind, Value)>,
    /// The kind of each output column.
    pub kinds: Vec<Kind>,
    /// The kinds of the columns of each collection of the plan, in turn.
    pub collections: Vec<Kinds>,
    /// Whether the order of the rows is defined (a total `order by`).
    pub ordered: bool,
}

/// The kinds of the columns of a collection's rows, and of its own
/// collections.
#[derive(Debug, Clone)]
pub struct Kinds {
    /// The kind of each column.
    pub columns: Vec<Kind>,
    /// Its collections'.
    pub collections: Vec<Kinds>,
}

/// Builds plans over `models`.
pub struct Generator<'m> {
    models: &'m [ModelInfo],
    rng: Rng,
    params: Vec<(Kind, Value)>,
}

/// A value a condition reads, with what it needs to be compared.
struct Operand {
    expr: Expr,
    kind: Kind,
    nullable: bool,
}

impl<'m> Generator<'m> {
    /// A generator of plans over `models` from `seed`.
    pub fn new(models: &'m [ModelInfo], seed: u64) -> Self {
        Self {
            models,
            rng: Rng::new(seed),
            params: Vec::new(),
        }
    }

    /// The name of the next item after `taken`: `c0`, `c1`... or, one
    /// time in four, the name of a column of some model or of a derived
    /// table (`k`, `a0`), so that items shadow the columns a statement
    /// reads and `order by` must read the item.
    fn item_name(&mut self, taken: &[Item]) -> &'static str {
        const PLAIN: [&str; 6] = ["c0", "c1", "c2", "c3", "c4", "c5"];
        const DERIVED: [&str; 3] = ["k", "a0", "a1"];
        if self.rng.chance(25) {
            let models: &'m [ModelInfo] = self.models;
            let model = self.rng.pick(models);
            let name = match self.rng.chance(20) {
                true => *self.rng.pick(&DERIVED),
                false => self.rng.pick(&model.columns).name,
            };
            if !taken.iter().any(|item| item.name == name) {
                return name;
            }
        }
        PLAIN
            .into_iter()
            .find(|name| !taken.iter().any(|item| item.name == *name))
            .unwrap_or("c6")
    }

    fn model(&self, meta: &fanless::ModelMeta) -> &'m ModelInfo {
        let models: &'m [ModelInfo] = self.models;
        models
            .iter()
            .find(|m| m.meta.table == meta.table)
            .unwrap_or_else(|| panic!("no model {}", meta.name))
    }

    /// The next case: in the path form, or one time in four in the
    /// explicit join form.
    pub fn case(&mut self) -> Case {
        self.params.clear();
        if self.rng.chance(25) {
            return self.joined_case();
        }
        if self.rng.chance(8) {
            return self.whole_table_case();
        }
        let models: &'m [ModelInfo] = self.models;
        let root = self.rng.pick(models);
        let mut kinds = Vec::new();
        let mut items = Vec::new();
        let mut nullable_outputs = Vec::new();
        let select = if self.rng.chance(85) {
            for _ in 0..self.rng.range(1, 4) {
                let (expr, kind, nullable) = self.item(root);
                let name = self.item_name(&items);
                items.push(Item { expr, name });
                kinds.push(kind);
                nullable_outputs.push(nullable);
            }
            Some(items.clone())
        } else {
            kinds = root.columns.iter().map(|c| c.kind).collect();
            None
        };
        let (mut plans, collections) = match select.is_some() && self.rng.chance(30) {
            true => self.collections(root, 0),
            false => (Vec::new(), Vec::new()),
        };
        // Rows of collections alone.
        let select = match select {
            Some(_) if !plans.is_empty() && self.rng.chance(15) => {
                items.clear();
                kinds.clear();
                nullable_outputs.clear();
                Some(Vec::new())
            }
            select => select,
        };
        let filter = self.rng.chance(60).then(|| self.cond(root, 2));
        let mut order = Vec::new();
        if self.rng.chance(60) {
            for _ in 0..self.rng.range(1, 2) {
                let by_output = !items.is_empty() && self.rng.chance(60);
                let desc = self.rng.chance(40);
                if by_output {
                    let index = self.rng.below(items.len() as u64) as usize;
                    order.push(Order {
                        expr: Expr::Output(items[index].name),
                        desc,
                        nullable: nullable_outputs[index],
                    });
                } else {
                    let column = *self.rng.pick(&root.columns);
                    order.push(Order {
                        expr: root_column(column.name),
                        desc,
                        nullable: column.nullable,
                    });
                }
            }
        }
        let limit = self.rng.chance(30).then(|| self.count());
        let offset = self.rng.chance(20).then(|| self.count());
        // A total order whenever rows are ordered or cut: the key last.
        let ordered = !order.is_empty() || limit.is_some() || offset.is_some();
        if ordered {
            let desc = self.rng.chance(30);
            for key in root.meta.primary_key {
                order.push(Order {
                    expr: root_column(key),
                    desc,
                    nullable: false,
                });
            }
        }
        // The parents' keys are the argument past the query's own.
        let keys = self.params.len();
        for collection in &mut plans {
            keyed_by(&mut collection.plan, keys);
        }
        Case {
            plan: Plan {
                select,
                filter,
                order,
                limit,
                offset,
                collections: plans,
                ..Plan::new(root.meta)
            },
            params: std::mem::take(&mut self.params),
            kinds,
            collections,
            ordered,
        }
    }

    /// One or two collections of the rows of `root`, over to-many paths;
    /// below the first level (`depth` 0), none of their own.
    fn collections(
        &mut self,
        root: &'m ModelInfo,
        depth: u32,
    ) -> (Vec<CollectionPlan>, Vec<Kinds>) {
        let mut plans = Vec::new();
        let mut kinds = Vec::new();
        if root.meta.key_column().is_none() {
            return (plans, kinds);
        }
        for name in ["k0", "k1"].into_iter().take(self.rng.range(1, 2) as usize) {
            let (hops, _, end) = self.walk(root, 3, true);
            if !hops.iter().any(|hop| hop.many) {
                continue;
            }
            let (plan, columns) = self.collection(root, hops, end, depth);
            // Every kind of value can be carried as JSON on SQLite: in
            // about half the cases, so that both forms are compared.
            let json = self.rng.range(0, 1) == 1;
            plans.push(CollectionPlan { name, plan, json });
            kinds.push(columns);
        }
        (plans, kinds)
    }

    /// The rows `hops` reach from a row of `parent`: items, a `where`, an
    /// order, `limit` and `offset` per parent, and collections of their
    /// own.
    fn collection(
        &mut self,
        parent: &'m ModelInfo,
        hops: Vec<fanless::RelationMeta>,
        end: &'m ModelInfo,
        depth: u32,
    ) -> (Plan, Kinds) {
        let (collections, kinds) = match depth == 0 && self.rng.chance(35) {
            true => self.collections(end, depth + 1),
            false => (Vec::new(), Vec::new()),
        };
        // No item where the rows hold collections, now and then.
        let least = i64::from(collections.is_empty() || self.rng.chance(80));
        let mut items = Vec::new();
        let mut columns = Vec::new();
        let mut nullable = Vec::new();
        for _ in 0..self.rng.range(least, 3) {
            let (expr, kind, null) = self.item(end);
            let name = self.item_name(&items);
            items.push(Item { expr, name });
            columns.push(kind);
            nullable.push(null);
        }
        let filter = self.rng.chance(40).then(|| self.cond(end, 1));
        let mut order = Vec::new();
        for _ in 0..self.rng.range(0, 2) {
            let desc = self.rng.chance(40);
            if !items.is_empty() && self.rng.chance(50) {
                let index = self.rng.below(items.len() as u64) as usize;
                order.push(Order {
                    expr: Expr::Output(items[index].name),
                    desc,
                    nullable: nullable[index],
                });
            } else {
                let column = *self.rng.pick(&end.columns);
                order.push(Order {
                    expr: root_column(column.name),
                    desc,
                    nullable: column.nullable,
                });
            }
        }
        let limit = self.rng.chance(30).then(|| self.count());
        let offset = self.rng.chance(20).then(|| self.count());
        let plan = Plan {
            select: Some(items),
            filter,
            order,
            limit,
            offset,
            parent: Some(Parent {
                model: parent.meta,
                hops,
                keys: 0,
            }),
            collections,
            ..Plan::new(end.meta)
        };
        let kinds = Kinds {
            columns,
            collections: kinds,
        };
        (plan, kinds)
    }

    /// A query of the path form whose aggregates read every root row its
    /// `where` keeps, into one row: `count(*)` (the root alias's count)
    /// and `sum`, `avg`, `min`, `max` of root columns, as the macro plans
    /// them, beside a `where` that may read paths.
    fn whole_table_case(&mut self) -> Case {
        let models: &'m [ModelInfo] = self.models;
        let root = self.rng.pick(models);
        let mut items = Vec::new();
        let mut kinds = Vec::new();
        for _ in 0..self.rng.range(1, 3) {
            let (expr, kind) = self.joined_agg(0, root, false);
            let name = self.item_name(&items);
            items.push(Item { expr, name });
            kinds.push(kind);
        }
        let filter = self.rng.chance(70).then(|| self.cond(root, 2));
        // One row, ordered by an aggregate all the same.
        let order = match self.rng.chance(30) {
            true => {
                let item = self.rng.pick(&items);
                vec![Order {
                    expr: Expr::Output(item.name),
                    desc: self.rng.chance(50),
                    nullable: may_be_null(&item.expr),
                }]
            }
            false => Vec::new(),
        };
        Case {
            plan: Plan {
                select: Some(items),
                filter,
                order,
                ..Plan::new(root.meta)
            },
            params: std::mem::take(&mut self.params),
            kinds,
            collections: Vec::new(),
            ordered: false,
        }
    }

    /// A query in the explicit join form that the fan-out rules allow:
    /// its joins one chain from the root (so no two to-many branches),
    /// `count`, `sum` and `avg` without `distinct` only over aliases with no
    /// to-many join below them; grouped, aggregated over every row, or
    /// plain rows.
    fn joined_case(&mut self) -> Case {
        let models: &'m [ModelInfo] = self.models;
        let root = self.rng.pick(models);
        // Per alias: its model, whether a `left join` may leave it empty,
        // and whether a to-many join follows it in the chain.
        let mut aliases: Vec<(&'m ModelInfo, bool)> = vec![(root, false)];
        let mut joins = Vec::new();
        let mut many_after: Vec<bool> = vec![false];
        for _ in 0..self.rng.range(1, 3) {
            let parent = aliases.len() - 1;
            let (hops, _, end) = self.walk(aliases[parent].0, 2, true);
            if hops.is_empty() {
                break;
            }
            let many = hops.iter().any(|hop| hop.many);
            if many {
                many_after.fill(true);
            }
            let left = self.rng.chance(50);
            joins.push(Join { parent, hops, left });
            aliases.push((end, left || aliases[parent].1));
            many_after.push(false);
        }
        let column_of = |alias: usize, column: &ColumnInfo| {
            Expr::Column(ColumnPath {
                alias,
                hops: Vec::new(),
                column: column.name,
                temporal: Temporal::Plain,
            })
        };
        let mut items = Vec::new();
        let mut kinds = Vec::new();
        let mut nullable = Vec::new();
        let mut group = Vec::new();
        let shape = self.rng.below(3);
        // Grouped (0) or aggregated (1): group keys, then aggregates.
        if shape == 0 {
            for _ in 0..self.rng.range(1, 2) {
                let alias = self.rng.below(aliases.len() as u64) as usize;
                let column = *self.rng.pick(&aliases[alias].0.columns);
                let expr = column_of(alias, &column);
                if group.contains(&expr) {
                    continue;
                }
                group.push(expr.clone());
                let name = self.item_name(&items);
                items.push(Item { expr, name });
                kinds.push(column.kind);
                nullable.push(column.nullable || aliases[alias].1);
            }
        }
        if shape < 2 {
            for _ in 0..self.rng.range(1, 3) {
                let alias = self.rng.below(aliases.len() as u64) as usize;
                let (expr, kind) = self.joined_agg(alias, aliases[alias].0, many_after[alias]);
                nullable.push(may_be_null(&expr));
                let name = self.item_name(&items);
                items.push(Item { expr, name });
                kinds.push(kind);
            }
        } else {
            // Plain rows: columns of the aliases.
            for _ in 0..self.rng.range(1, 4) {
                let alias = self.rng.below(aliases.len() as u64) as usize;
                let column = *self.rng.pick(&aliases[alias].0.columns);
                let name = self.item_name(&items);
                items.push(Item {
                    expr: column_of(alias, &column),
                    name,
                });
                kinds.push(column.kind);
                nullable.push(column.nullable || aliases[alias].1);
            }
        }
        let filter = self.rng.chance(40).then(|| {
            let alias = self.rng.below(aliases.len() as u64) as usize;
            let column = *self.rng.pick(&aliases[alias].0.columns);
            let left = Operand {
                expr: column_of(alias, &column),
                kind: column.kind,
                nullable: column.nullable || aliases[alias].1,
            };
            let right = self.constant(left.kind, left.nullable);
            self.compare(left, right)
        });
        let having = (shape == 0 && self.rng.chance(40)).then(|| {
            let alias = self.rng.below(aliases.len() as u64) as usize;
            let (expr, kind) = self.joined_agg(alias, aliases[alias].0, many_after[alias]);
            let left = Operand {
                expr,
                kind,
                nullable: true,
            };
            let right = self.constant(kind, false);
            self.compare(left, right)
        });
        // A total order: every output of a group, or every alias's key.
        let mut order = Vec::new();
        if shape == 0 {
            // An aggregate first now and then, the groups breaking ties.
            if items.len() > group.len() && self.rng.chance(30) {
                let index = self.rng.range(group.len() as i64, items.len() as i64 - 1) as usize;
                order.push(Order {
                    expr: Expr::Output(items[index].name),
                    desc: self.rng.chance(50),
                    nullable: nullable[index],
                });
            }
            for (i, item) in items.iter().enumerate().take(group.len()) {
                order.push(Order {
                    expr: Expr::Output(item.name),
                    desc: self.rng.chance(30),
                    nullable: nullable[i],
                });
            }
        } else if shape == 2 {
            for (alias, (model, left)) in aliases.iter().enumerate() {
                for key in model.meta.primary_key {
                    order.push(Order {
                        expr: column_of(alias, model.column(key)),
                        desc: self.rng.chance(30),
                        nullable: *left,
                    });
                }
            }
        }
        let limit = (shape != 1 && self.rng.chance(30)).then(|| self.count());
        Case {
            plan: Plan {
                joins,
                select: Some(items),
                filter,
                group,
                having,
                order,
                limit,
                ..Plan::new(root.meta)
            },
            params: std::mem::take(&mut self.params),
            kinds,
            collections: Vec::new(),
            ordered: shape != 1,
        }
    }

    /// An aggregate over the joined rows of `alias`; `count`, `sum` and
    /// `avg` take `distinct` when a to-many join follows the alias.
    fn joined_agg(&mut self, alias: usize, model: &'m ModelInfo, many_after: bool) -> (Expr, Kind) {
        let (numeric, ordered) = numeric_and_ordered(model);
        let (func, column, kind) = match self.rng.below(5) {
            0 if !numeric.is_empty() => {
                let column = *self.rng.pick(&numeric);
                let number = number_of(column.kind);
                (AggFn::Sum { number }, Some(column.name), column.kind)
            }
            1 if !numeric.is_empty() => {
                let column = *self.rng.pick(&numeric);
                let number = Number::Float;
                (AggFn::Avg { number }, Some(column.name), Kind::Float)
            }
            2 => {
                let column = *self.rng.pick(&ordered);
                let func = *self.rng.pick(&[AggFn::Min, AggFn::Max]);
                (func, Some(column.name), column.kind)
            }
            3 => (AggFn::Exists, None, Kind::Bool),
            _ => {
                let column = if self.rng.chance(50) {
                    None
                } else {
                    Some(self.rng.pick(&model.columns).name)
                };
                (AggFn::Count, column, Kind::Int)
            }
        };
        let inflatable = matches!(func, AggFn::Count | AggFn::Sum { .. } | AggFn::Avg { .. });
        let distinct = (inflatable && many_after) || (func != AggFn::Exists && self.rng.chance(30));
        let agg = JoinedAgg {
            func,
            distinct,
            alias,
            column,
            temporal: Temporal::Plain,
        };
        (Expr::Joined(Box::new(agg)), kind)
    }

    fn param(&mut self, kind: Kind, value: Value) -> Expr {
        self.params.push((kind, value));
        Expr::Param(self.params.len() - 1)
    }

    /// `limit` or `offset`: a literal or a parameter.
    fn count(&mut self) -> Expr {
        let n = self.rng.range(0, 6);
        if self.rng.chance(50) {
            Expr::Int(n)
        } else {
            self.param(Kind::Int, Value::Int(n))
        }
    }

    /// A `select` item: a column, a to-one path's column or an aggregate.
    fn item(&mut self, root: &'m ModelInfo) -> (Expr, Kind, bool) {
        match self.rng.below(10) {
            0..=2 => {
                let column = *self.rng.pick(&root.columns);
                (root_column(column.name), column.kind, column.nullable)
            }
            3..=4 => {
                let (hops, optional, end) = self.walk(root, 2, false);
                let column = *self.rng.pick(&end.columns);
                let expr = Expr::Column(ColumnPath {
                    alias: 0,
                    hops,
                    column: column.name,
                    temporal: Temporal::Plain,
                });
                (expr, column.kind, column.nullable || optional)
            }
            _ => self.agg(root, 1),
        }
    }

    /// A random path of up to `max` hops from `from` (at least one), only
    /// to-one hops unless `many`; with whether a hop may lead to no row,
    /// and the last model.
    fn walk(
        &mut self,
        from: &'m ModelInfo,
        max: i64,
        many: bool,
    ) -> (Vec<fanless::RelationMeta>, bool, &'m ModelInfo) {
        let mut hops = Vec::new();
        let mut optional = false;
        let mut model = from;
        for _ in 0..self.rng.range(1, max) {
            let choices: Vec<&RelInfo> = model
                .relations
                .iter()
                .filter(|rel| many || !rel.many())
                .collect();
            if choices.is_empty() {
                break;
            }
            let rel = *self.rng.pick(&choices);
            optional |= rel.optional;
            hops.extend_from_slice(&rel.hops);
            model = self.model(rel.target());
        }
        (hops, optional, model)
    }

    /// An aggregate over a path from `from`: its expression, the kind of
    /// its value, and whether it may be `NULL`.
    fn agg(&mut self, from: &'m ModelInfo, depth: u32) -> (Expr, Kind, bool) {
        let (hops, _, end) = self.walk(from, 4, true);
        if hops.is_empty() {
            return (Expr::Int(0), Kind::Int, false);
        }
        let (numeric, ordered) = numeric_and_ordered(end);
        let distinct = self.rng.chance(30);
        let (func, column, kind, nullable) = match self.rng.below(6) {
            0 if !numeric.is_empty() => {
                let column = *self.rng.pick(&numeric);
                let number = number_of(column.kind);
                (AggFn::Sum { number }, Some(column.name), column.kind, false)
            }
            1 if !numeric.is_empty() => {
                let column = *self.rng.pick(&numeric);
                let number = Number::Float;
                (AggFn::Avg { number }, Some(column.name), Kind::Float, true)
            }
            2 | 3 => {
                let column = *self.rng.pick(&ordered);
                let func = if self.rng.chance(50) {
                    AggFn::Min
                } else {
                    AggFn::Max
                };
                (func, Some(column.name), column.kind, true)
            }
            4 => (AggFn::Exists, None, Kind::Bool, false),
            _ => {
                let column = self
                    .rng
                    .chance(30)
                    .then(|| self.rng.pick(&end.columns).name);
                (AggFn::Count, column, Kind::Int, false)
            }
        };
        let filter = self.rng.chance(40).then(|| self.cond(end, depth));
        let agg = Agg {
            func,
            distinct: distinct && func != AggFn::Exists,
            hops,
            column,
            temporal: Temporal::Plain,
            filter,
        };
        (Expr::Agg(Box::new(agg)), kind, nullable)
    }

    /// A condition over `model`, nested up to `depth` levels.
    fn cond(&mut self, model: &'m ModelInfo, depth: u32) -> Cond {
        if depth > 0 && self.rng.chance(35) {
            let a = Box::new(self.cond(model, depth - 1));
            return match self.rng.below(3) {
                0 => Cond::Not(a),
                1 => Cond::And(vec![*a, self.cond(model, depth - 1)]),
                _ => Cond::Or(vec![*a, self.cond(model, depth - 1)]),
            };
        }
        match self.rng.below(12) {
            0 if depth > 0 => {
                // `exists(path where ...)`, nested.
                let (hops, _, end) = self.walk(model, 3, true);
                let filter = self.rng.chance(60).then(|| self.cond(end, depth - 1));
                Cond::Truth(Expr::Agg(Box::new(Agg {
                    func: AggFn::Exists,
                    distinct: false,
                    hops,
                    column: None,
                    temporal: Temporal::Plain,
                    filter,
                })))
            }
            1 if depth > 0 => {
                // `count(path) > n`.
                let (expr, kind, nullable) = self.agg(model, depth - 1);
                let right = self.constant(kind, nullable);
                self.compare(
                    Operand {
                        expr,
                        kind,
                        nullable,
                    },
                    right,
                )
            }
            2 => {
                let operand = self.operand(model);
                Cond::Null {
                    expr: operand.expr,
                    negated: self.rng.chance(50),
                }
            }
            3 => {
                // A column, or an aggregate (whose `where` may hold
                // parameters).
                let operand = if depth > 0 && self.rng.chance(30) {
                    let (expr, kind, nullable) = self.agg(model, depth - 1);
                    Operand {
                        expr,
                        kind,
                        nullable,
                    }
                } else {
                    self.operand(model)
                };
                let list: Vec<Operand> = (0..self.rng.range(1, 4))
                    .map(|_| self.constant(operand.kind, operand.nullable))
                    .collect();
                let nullable = operand.nullable || list.iter().any(|o| o.nullable);
                Cond::In {
                    expr: operand.expr,
                    list: list.into_iter().map(|o| o.expr).collect(),
                    negated: self.rng.chance(40),
                    nullable,
                }
            }
            4 => {
                let operand = self.operand_of(model, |c| c.kind == Kind::Bool);
                match operand {
                    Some(operand) => Cond::Truth(operand.expr),
                    None => self.cond(model, depth),
                }
            }
            5 => match self.operand_of(model, |c| c.kind == Kind::Text) {
                Some(operand) => {
                    let pattern = self.pattern();
                    Cond::Like {
                        expr: operand.expr,
                        pattern: self.param(Kind::Text, Value::Text(pattern)),
                        negated: self.rng.chance(30),
                    }
                }
                None => self.cond(model, depth),
            },
            7 => match self.operand_of(model, |c| matches!(c.kind, Kind::Int | Kind::Text)) {
                // `column [not] in {list}`: empty, short (one placeholder
                // each, padded to its length class) or long (of integers,
                // one JSON array on SQLite and MySQL); duplicates and
                // absent values; integers, or text (a `&[&str]`).
                Some(operand) => {
                    let texts = operand.kind == Kind::Text;
                    let len = match self.rng.below(4) {
                        0 => 0,
                        1 | 2 => self.rng.range(1, 9),
                        _ if texts => self.rng.range(20, 70),
                        _ => self.rng.range(500, 700),
                    };
                    let list = (0..len)
                        .map(|_| match texts {
                            true => text(&mut self.rng),
                            false => Value::Int(self.rng.range(-3, 30)),
                        })
                        .collect();
                    let Expr::Param(param) = self.param(operand.kind, Value::List(list)) else {
                        unreachable!("a parameter")
                    };
                    Cond::InList {
                        expr: operand.expr,
                        param,
                        negated: self.rng.chance(40),
                        nullable: operand.nullable,
                    }
                }
                None => self.cond(model, depth),
            },
            6 => {
                // Two columns of one kind.
                let left = self.operand(model);
                let kind = left.kind;
                match self.operand_of(model, |c| c.kind == kind) {
                    Some(right) => self.compare(left, right),
                    None => self.cond(model, depth),
                }
            }
            _ => {
                let left = self.operand(model);
                let right = self.constant(left.kind, left.nullable);
                self.compare(left, right)
            }
        }
    }

    fn compare(&mut self, left: Operand, right: Operand) -> Cond {
        let ops: &[CmpOp] = match left.kind {
            Kind::Bool => &[CmpOp::Eq, CmpOp::Ne],
            _ => &[
                CmpOp::Eq,
                CmpOp::Ne,
                CmpOp::Lt,
                CmpOp::Le,
                CmpOp::Gt,
                CmpOp::Ge,
            ],
        };
        let op = *self.rng.pick(ops);
        // An optional filter (`{?x}`) that is `None`: the comparison is not
        // written.
        if let Expr::Param(index) = right.expr {
            if self.rng.chance(12) {
                self.params[index].1 = Value::Absent;
            }
        }
        let (left, right) = if self.rng.chance(20) {
            (right, left)
        } else {
            (left, right)
        };
        Cond::Cmp {
            nullable: left.nullable || right.nullable,
            left: left.expr,
            op,
            right: right.expr,
        }
    }

    /// A column read from `model`: its own, through to-one relations, or
    /// through a to-many path.
    fn operand(&mut self, model: &'m ModelInfo) -> Operand {
        loop {
            if let Some(operand) = self.operand_of(model, |_| true) {
                return operand;
            }
        }
    }

    /// A column read from `model` whose column passes `keep`, if the path
    /// drawn has one.
    fn operand_of(
        &mut self,
        model: &'m ModelInfo,
        keep: impl Fn(&ColumnInfo) -> bool,
    ) -> Option<Operand> {
        let (hops, optional, end) = match self.rng.below(3) {
            0 => (Vec::new(), false, model),
            1 => self.walk(model, 2, false),
            _ => self.walk(model, 3, true),
        };
        let columns: Vec<ColumnInfo> = end.columns.iter().filter(|c| keep(c)).copied().collect();
        if columns.is_empty() {
            return None;
        }
        let column = *self.rng.pick(&columns);
        Some(Operand {
            expr: Expr::Column(ColumnPath {
                alias: 0,
                hops,
                column: column.name,
                temporal: Temporal::Plain,
            }),
            kind: column.kind,
            nullable: column.nullable || optional,
        })
    }

    /// A literal or a parameter of `kind`; a `NULL` parameter only where
    /// the value it meets is nullable, as parameter types allow.
    fn constant(&mut self, kind: Kind, nullable: bool) -> Operand {
        if nullable && self.rng.chance(15) {
            return Operand {
                expr: self.param(kind, Value::Null),
                kind,
                nullable: true,
            };
        }
        let value = match kind {
            Kind::Int => Value::Int(self.rng.range(-3, 12)),
            Kind::Float => quarter(&mut self.rng, -8, 40),
            Kind::Text => text(&mut self.rng),
            Kind::Bool => Value::Bool(self.rng.chance(50)),
        };
        // Text is always bound; other values are literals half the time.
        let expr = match (&value, self.rng.chance(50)) {
            (Value::Int(n), true) => Expr::Int(*n),
            (Value::Float(x), true) => Expr::Float(*x),
            (Value::Bool(b), true) => Expr::Bool(*b),
            _ => self.param(kind, value),
        };
        Operand {
            expr,
            kind,
            nullable: false,
        }
    }

    /// A `like` pattern: part of a text value, escaped, with wildcards.
    fn pattern(&mut self) -> String {
        let source: Vec<char> = self.rng.pick(&TEXTS).chars().collect();
        let start = self.rng.below(source.len() as u64 + 1) as usize;
        let end = start + self.rng.below((source.len() - start) as u64 + 1) as usize;
        let mut pattern = String::new();
        if self.rng.chance(60) {
            pattern.push('%');
        }
        for &c in &source[start..end] {
            match c {
                _ if self.rng.chance(15) => pattern.push('_'),
                '%' | '_' | '\\' => {
                    pattern.push('\\');
                    pattern.push(c);
                }
                c => pattern.push(c),
            }
        }
        if self.rng.chance(60) {
            pattern.push('%');
        }
        pattern
    }
}

/// Whether an aggregate over joined rows may be `NULL`: `avg`, `min` and
/// `max` of no row.
fn may_be_null(expr: &Expr) -> bool {
    matches!(expr, Expr::Joined(agg) if matches!(agg.func, AggFn::Avg { .. } | AggFn::Min | AggFn::Max))
}

/// The columns of `model` that `sum` and `avg` take, and those `min` and
/// `max` take.
fn numeric_and_ordered(model: &ModelInfo) -> (Vec<ColumnInfo>, Vec<ColumnInfo>) {
    let of = |keep: &dyn Fn(&ColumnInfo) -> bool| -> Vec<ColumnInfo> {
        model.columns.iter().filter(|c| keep(c)).copied().collect()
    };
    (
        of(&|c| matches!(c.kind, Kind::Int | Kind::Float)),
        of(&|c| c.kind != Kind::Bool),
    )
}

/// Sets the argument of the parents' keys of `plan` and of its
/// collections to `keys`.
fn keyed_by(plan: &mut Plan, keys: usize) {
    if let Some(parent) = &mut plan.parent {
        parent.keys = keys;
    }
    for collection in &mut plan.collections {
        keyed_by(&mut collection.plan, keys);
    }
}

fn root_column(column: &'static str) -> Expr {
    Expr::Column(ColumnPath {
        alias: 0,
        hops: Vec::new(),
        column,
        temporal: Temporal::Plain,
    })
}

/// What `sum` and `avg` read in a column of `kind`.
fn number_of(kind: Kind) -> Number {
    if kind == Kind::Float {
        Number::Float
    } else {
        Number::Integer
    }
}
