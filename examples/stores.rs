//! The hand-written SQL of the store shapes, in each strategy.

use crate::{Dialect, Filter, Kind, Strategy};

/// An aggregate of a query, as the hand-written SQL spells it.
struct Agg {
    /// Over `departments.employees` rather than `products`.
    employees: bool,
    /// `COUNT`, `SUM` or `AVG`.
    func: &'static str,
    /// The aggregated column; `None` counts rows.
    column: Option<&'static str>,
    /// A condition on the aggregated rows.
    filter: Option<&'static str>,
}

impl Kind {
    fn aggs(self) -> Vec<Agg> {
        let agg = |employees, func, column, filter| Agg {
            employees,
            func,
            column,
            filter,
        };
        match self {
            Self::Counts => vec![
                agg(false, "COUNT", None, None),
                agg(true, "COUNT", None, None),
            ],
            Self::Several => vec![
                agg(false, "COUNT", None, None),
                agg(false, "SUM", Some("p.price"), None),
                agg(false, "COUNT", None, Some("p.price > 50")),
                agg(true, "AVG", Some("e.salary"), None),
            ],
        }
    }
}

/// The tables of a path, its key column, and its alias for columns.
fn path(employees: bool) -> (&'static str, &'static str) {
    if employees {
        (
            "shop_department d JOIN shop_employee e ON e.department_id = d.id",
            "d.store_id",
        )
    } else {
        ("shop_product p", "p.store_id")
    }
}

/// `func(arg)` over a group of rows, with a filter as `CASE`.
fn grouped(agg: &Agg) -> String {
    match (agg.column, agg.filter) {
        (None, None) => format!("{}(*)", agg.func),
        (Some(column), None) => format!("{}({column})", agg.func),
        (None, Some(filter)) => format!("{}(CASE WHEN {filter} THEN 1 END)", agg.func),
        (Some(column), Some(filter)) => {
            format!("{}(CASE WHEN {filter} THEN {column} END)", agg.func)
        }
    }
}

/// A value per store: 0 for an empty `COUNT` or `SUM`, `NULL` for `AVG`.
fn finish(agg: &Agg, value: String, dialect: Dialect) -> String {
    let value = if agg.func == "AVG" {
        value
    } else {
        format!("COALESCE({value}, 0)")
    };
    format!("CAST({value} AS {})", dialect.double())
}

/// The hand-written SQL of `strategy`, or `None` where it does not apply.
pub(crate) fn hand_written(
    strategy: Strategy,
    kind: Kind,
    filter: Filter,
    dialect: Dialect,
) -> Option<String> {
    let double = dialect.double();
    let key = dialect.placeholder();
    let filter_sql = match filter {
        Filter::Key => format!(" WHERE s.id = {key}"),
        _ => String::new(),
    };
    let limit = if filter == Filter::Limit {
        " LIMIT 20"
    } else {
        ""
    };
    let aggs = kind.aggs();
    let relations: Vec<bool> = [false, true]
        .into_iter()
        .filter(|&employees| aggs.iter().any(|agg| agg.employees == employees))
        .collect();
    let sql = match strategy {
        Strategy::Naive => {
            if kind != Kind::Counts {
                return None;
            }
            format!(
                "SELECT s.id, CAST(COUNT(DISTINCT p.id) AS {double}), CAST(COUNT(DISTINCT e.id) AS {double}) \
                 FROM shop_store s LEFT JOIN shop_product p ON p.store_id = s.id \
                 LEFT JOIN shop_department d ON d.store_id = s.id \
                 LEFT JOIN shop_employee e ON e.department_id = d.id{filter_sql} \
                 GROUP BY s.id ORDER BY s.id{limit}"
            )
        }
        Strategy::Correlated => {
            let values: Vec<String> = aggs
                .iter()
                .map(|agg| {
                    let (from, fk) = path(agg.employees);
                    let extra = agg.filter.map_or(String::new(), |f| format!(" AND {f}"));
                    let plain = Agg {
                        filter: None,
                        ..*agg
                    };
                    let value = format!(
                        "(SELECT {} FROM {from} WHERE {fk} = s.id{extra})",
                        grouped(&plain)
                    );
                    finish(agg, value, dialect)
                })
                .collect();
            format!(
                "SELECT s.id, {} FROM shop_store s{filter_sql} ORDER BY s.id{limit}",
                values.join(", ")
            )
        }
        Strategy::Derived | Strategy::Lateral | Strategy::Restricted => {
            if strategy == Strategy::Lateral && dialect != Dialect::Postgres {
                return None;
            }
            if strategy == Strategy::Restricted && filter == Filter::All {
                return None;
            }
            let mut joins = String::new();
            for (i, &employees) in relations.iter().enumerate() {
                let (from, fk) = path(employees);
                let columns: Vec<String> = aggs
                    .iter()
                    .enumerate()
                    .filter(|(_, agg)| agg.employees == employees)
                    .map(|(j, agg)| format!("{} AS a{j}", grouped(agg)))
                    .collect();
                let columns = columns.join(", ");
                match strategy {
                    Strategy::Lateral => joins.push_str(&format!(
                        " LEFT JOIN LATERAL (SELECT {columns} FROM {from} WHERE {fk} = s.id) x{i} ON TRUE"
                    )),
                    Strategy::Derived => joins.push_str(&format!(
                        " LEFT JOIN (SELECT {fk} AS k, {columns} FROM {from} GROUP BY {fk}) x{i} ON x{i}.k = s.id"
                    )),
                    _ => {
                        let restrict = match dialect {
                            Dialect::Sqlite => format!("{from} WHERE {fk} IN (SELECT id FROM o)"),
                            _ => format!("{from} JOIN o ON o.id = {fk}"),
                        };
                        joins.push_str(&format!(
                            " LEFT JOIN (SELECT {fk} AS k, {columns} FROM {restrict} GROUP BY {fk}) x{i} ON x{i}.k = s.id"
                        ));
                    }
                }
            }
            let values: Vec<String> = aggs
                .iter()
                .enumerate()
                .map(|(j, agg)| {
                    let i = relations
                        .iter()
                        .position(|&r| r == agg.employees)
                        .unwrap_or(0);
                    finish(agg, format!("x{i}.a{j}"), dialect)
                })
                .collect();
            let values = values.join(", ");
            if strategy == Strategy::Restricted {
                let keys = filter_sql.replace("s.id", "id");
                let materialized = if dialect == Dialect::Postgres {
                    " NOT MATERIALIZED"
                } else {
                    ""
                };
                format!(
                    "WITH o AS{materialized} (SELECT id FROM shop_store{keys} ORDER BY id{limit}) \
                     SELECT s.id, {values} FROM shop_store s JOIN o ON o.id = s.id{joins} ORDER BY s.id"
                )
            } else {
                format!("SELECT s.id, {values} FROM shop_store s{joins}{filter_sql} ORDER BY s.id{limit}")
            }
        }
    };
    Some(sql)
}
