//! Snapshots of the SQL of each query shape, in every dialect.

use super::*;
use crate::model::ModelMeta;
use crate::model::RelationMeta;
use crate::plan::{
    Agg, AggFn, CmpOp, ColumnPath, Cond, Expr, Item, Join, JoinedAgg, Number, Order, Plan, Temporal,
};

static STORE: ModelMeta = ModelMeta {
    name: "Store",
    table: "shop_store",
    columns: &["id", "name"],
    primary_key: &["id"],
};
static DEPARTMENT: ModelMeta = ModelMeta {
    name: "Department",
    table: "shop_department",
    columns: &["id", "store_id", "name"],
    primary_key: &["id"],
};
static EMPLOYEE: ModelMeta = ModelMeta {
    name: "Employee",
    table: "shop_employee",
    columns: &["id", "department_id", "manager_id", "name", "salary"],
    primary_key: &["id"],
};
static PRODUCT: ModelMeta = ModelMeta {
    name: "Product",
    table: "shop_product",
    columns: &["id", "store_id", "name", "price", "discontinued"],
    primary_key: &["id"],
};
static ORDER: ModelMeta = ModelMeta {
    name: "Order",
    table: "order",
    columns: &["id", "store_id", "group"],
    primary_key: &["id"],
};

/// `source.many_name` reversed from `target.fk -> source.pk`.
fn has_many(
    name: &'static str,
    source: &'static ModelMeta,
    target: &'static ModelMeta,
    fk: &'static str,
) -> RelationMeta {
    RelationMeta {
        name,
        source,
        target,
        source_key: source.primary_key[0],
        target_key: fk,
        many: true,
        source_indexed: true,
        target_indexed: true,
    }
}

fn belongs_to(
    name: &'static str,
    source: &'static ModelMeta,
    target: &'static ModelMeta,
    fk: &'static str,
) -> RelationMeta {
    RelationMeta {
        name,
        source,
        target,
        source_key: fk,
        target_key: target.primary_key[0],
        many: false,
        source_indexed: true,
        target_indexed: true,
    }
}

fn departments() -> RelationMeta {
    has_many("departments", &STORE, &DEPARTMENT, "store_id")
}
fn employees() -> RelationMeta {
    has_many("employees", &DEPARTMENT, &EMPLOYEE, "department_id")
}
fn products() -> RelationMeta {
    has_many("products", &STORE, &PRODUCT, "store_id")
}
fn department() -> RelationMeta {
    belongs_to("department", &EMPLOYEE, &DEPARTMENT, "department_id")
}
fn store() -> RelationMeta {
    belongs_to("store", &DEPARTMENT, &STORE, "store_id")
}
fn manager() -> RelationMeta {
    belongs_to("manager", &EMPLOYEE, &EMPLOYEE, "manager_id")
}

/// `left op right` over values that are never `NULL`.
fn cmp(left: Expr, op: CmpOp, right: Expr) -> Cond {
    Cond::Cmp {
        left,
        op,
        right,
        nullable: false,
    }
}

fn column(hops: Vec<RelationMeta>, column: &'static str) -> Expr {
    Expr::Column(ColumnPath {
        alias: 0,
        hops,
        column,
        temporal: Temporal::Plain,
    })
}

fn aliased(alias: usize, column: &'static str) -> Expr {
    Expr::Column(ColumnPath {
        alias,
        hops: Vec::new(),
        column,
        temporal: Temporal::Plain,
    })
}

fn joined(func: AggFn, distinct: bool, alias: usize, column: &'static str) -> Expr {
    Expr::Joined(Box::new(JoinedAgg {
        func,
        distinct,
        alias,
        column: Some(column),
        temporal: Temporal::Plain,
    }))
}

fn agg(
    func: AggFn,
    hops: Vec<RelationMeta>,
    column: Option<&'static str>,
    filter: Option<Cond>,
) -> Expr {
    Expr::Agg(Box::new(Agg {
        func,
        distinct: false,
        hops,
        column,
        temporal: Temporal::Plain,
        filter,
    }))
}

fn item(name: &'static str, expr: Expr) -> Item {
    Item { expr, name }
}

/// The plan in every dialect, one per line.
fn all(plan: &Plan) -> String {
    DialectKind::ALL
        .iter()
        .map(|&dialect| format!("{dialect:?}: {}\n", render(plan, dialect).sql))
        .collect()
}

#[test]
fn model_rows_with_a_parameter() {
    let mut plan = Plan::new(&STORE);
    plan.filter = Some(cmp(column(vec![], "id"), CmpOp::Eq, Expr::Param(0)));
    insta::assert_snapshot!(all(&plan));
}

#[test]
fn the_design_query() {
    let mut plan = Plan::new(&STORE);
    plan.select = Some(vec![
        item("id", column(vec![], "id")),
        item(
            "total_employees",
            agg(AggFn::Count, vec![departments(), employees()], None, None),
        ),
        item(
            "total_products",
            agg(AggFn::Count, vec![products()], None, None),
        ),
        item(
            "expensive",
            agg(
                AggFn::Count,
                vec![products()],
                None,
                Some(cmp(column(vec![], "price"), CmpOp::Gt, Expr::Param(0))),
            ),
        ),
        item(
            "avg_price",
            agg(
                AggFn::Avg {
                    number: Number::Float,
                },
                vec![products()],
                Some("price"),
                None,
            ),
        ),
        item(
            "total",
            agg(
                AggFn::Sum {
                    number: Number::Float,
                },
                vec![products()],
                Some("price"),
                None,
            ),
        ),
        item(
            "payroll",
            agg(
                AggFn::Sum {
                    number: Number::Integer,
                },
                vec![departments(), employees()],
                Some("salary"),
                None,
            ),
        ),
        item(
            "top",
            agg(
                AggFn::Max,
                vec![departments(), employees()],
                Some("salary"),
                None,
            ),
        ),
        item(
            "has_discontinued",
            agg(
                AggFn::Exists,
                vec![products()],
                None,
                Some(Cond::Truth(column(vec![], "discontinued"))),
            ),
        ),
    ]);
    plan.filter = Some(cmp(column(vec![], "name"), CmpOp::Ne, Expr::Param(1)));
    plan.order = vec![
        Order {
            expr: Expr::Output("total_products"),
            desc: true,
            nullable: false,
        },
        Order {
            expr: Expr::Output("id"),
            desc: false,
            nullable: false,
        },
    ];
    plan.limit = Some(Expr::Param(2));
    insta::assert_snapshot!(all(&plan));
}

#[test]
fn to_one_paths_share_their_joins_and_sort_null_last() {
    let mut plan = Plan::new(&EMPLOYEE);
    plan.select = Some(vec![
        item("department", column(vec![department()], "name")),
        item("store", column(vec![department(), store()], "name")),
        item("manager", column(vec![manager()], "name")),
    ]);
    plan.order = vec![Order {
        expr: Expr::Output("manager"),
        desc: false,
        nullable: true,
    }];
    insta::assert_snapshot!(all(&plan));
}

#[test]
fn conditions_over_to_many_paths_become_exists() {
    let mut plan = Plan::new(&STORE);
    plan.select = Some(vec![item("id", column(vec![], "id"))]);
    plan.filter = Some(Cond::Or(vec![
        cmp(
            column(vec![products()], "price"),
            CmpOp::Gt,
            Expr::Float(10.5),
        ),
        Cond::And(vec![
            Cond::Like {
                expr: column(vec![departments(), employees()], "name"),
                pattern: Expr::Param(0),
                negated: false,
            },
            Cond::Not(Box::new(Cond::In {
                expr: column(vec![], "id"),
                list: vec![Expr::Int(1), Expr::Param(1)],
                negated: false,
                nullable: false,
            })),
        ]),
    ]));
    insta::assert_snapshot!(all(&plan));
}

#[test]
fn aggregates_after_to_one_hops_with_joined_filters() {
    let mut plan = Plan::new(&EMPLOYEE);
    plan.select = Some(vec![item(
        "store_value",
        agg(
            AggFn::Sum {
                number: Number::Float,
            },
            vec![department(), store(), products()],
            Some("price"),
            Some(Cond::Null {
                expr: column(vec![store()], "name"),
                negated: true,
            }),
        ),
    )]);
    plan.order = vec![Order {
        expr: agg(
            AggFn::Min,
            vec![department(), employees()],
            Some("salary"),
            None,
        ),
        desc: true,
        nullable: true,
    }];
    insta::assert_snapshot!(all(&plan));
}

#[test]
fn keyword_names_are_quoted_and_offset_stands_alone() {
    let mut plan = Plan::new(&ORDER);
    plan.select = Some(vec![item("group", column(vec![], "group"))]);
    plan.offset = Some(Expr::Int(5));
    insta::assert_snapshot!(all(&plan));
}

#[test]
fn one_joined_chain_grouped_with_having() {
    // from Store s join s.departments.employees e left join s.products p ...
    // is rejected by the macro; one chain and a to-one join are not.
    let mut plan = Plan::new(&DEPARTMENT);
    plan.joins = vec![
        Join {
            parent: 0,
            hops: vec![employees()],
            left: false,
        },
        Join {
            parent: 0,
            hops: vec![store()],
            left: true,
        },
    ];
    plan.select = Some(vec![
        item("name", aliased(0, "name")),
        item("store", aliased(2, "name")),
        item("employees", joined(AggFn::Count, false, 1, "id")),
        item(
            "payroll",
            joined(
                AggFn::Sum {
                    number: Number::Integer,
                },
                false,
                1,
                "salary",
            ),
        ),
        item(
            "average",
            joined(
                AggFn::Avg {
                    number: Number::Float,
                },
                false,
                1,
                "salary",
            ),
        ),
    ]);
    plan.filter = Some(cmp(aliased(1, "salary"), CmpOp::Gt, Expr::Param(0)));
    plan.group = vec![aliased(0, "id"), aliased(0, "name"), aliased(2, "name")];
    plan.having = Some(cmp(
        joined(AggFn::Count, true, 1, "name"),
        CmpOp::Ge,
        Expr::Param(1),
    ));
    plan.order = vec![Order {
        expr: Expr::Output("average"),
        desc: true,
        nullable: true,
    }];
    insta::assert_snapshot!(all(&plan));
}

#[test]
fn a_join_path_of_several_hops_joins_each_table() {
    let mut plan = Plan::new(&EMPLOYEE);
    plan.joins = vec![Join {
        parent: 0,
        hops: vec![department(), store(), products()],
        left: true,
    }];
    plan.select = Some(vec![
        item("id", aliased(0, "id")),
        item("prices", joined(AggFn::Max, false, 1, "price")),
    ]);
    plan.group = vec![aliased(0, "id")];
    insta::assert_snapshot!(all(&plan));
}

#[test]
fn identifiers_are_quoted_whatever_they_hold() {
    let mut out = String::new();
    quote_with(&mut out, "we\"ird", '"');
    assert_eq!(out, "\"we\"\"ird\"");
}

#[test]
fn tables_with_foreign_keys_and_their_indexes() {
    use crate::model::ForeignKey;
    let columns = [
        ColumnDef {
            name: "id",
            sql: "BIGINT",
            nullable: false,
        },
        ColumnDef {
            name: "department_id",
            sql: "BIGINT",
            nullable: false,
        },
        ColumnDef {
            name: "manager_id",
            sql: "BIGINT",
            nullable: true,
        },
    ];
    let keys = [
        ForeignKey {
            relation: "department",
            column: "department_id",
            target: &DEPARTMENT,
            indexed: true,
            unique: false,
        },
        ForeignKey {
            relation: "manager",
            column: "manager_id",
            target: &EMPLOYEE,
            indexed: false,
            unique: true,
        },
    ];
    let all: String = DialectKind::ALL
        .iter()
        .map(|&dialect| {
            let statements = create_table(&EMPLOYEE, &columns, &keys, dialect);
            format!("{dialect:?}:\n{}\n", statements.join("\n"))
        })
        .collect();
    insta::assert_snapshot!(all);
}

#[test]
fn a_composite_key_is_a_table_constraint() {
    use crate::model::ForeignKey;
    static CREDIT: ModelMeta = ModelMeta {
        name: "Credit",
        table: "credit",
        columns: &["store_id", "employee_id"],
        primary_key: &["store_id", "employee_id"],
    };
    let column = |name| ColumnDef {
        name,
        sql: "BIGINT",
        nullable: false,
    };
    let key = |relation, column, target| ForeignKey {
        relation,
        column,
        target,
        indexed: true,
        unique: false,
    };
    let statements = create_table(
        &CREDIT,
        &[column("store_id"), column("employee_id")],
        &[
            key("store", "store_id", &STORE),
            key("employee", "employee_id", &EMPLOYEE),
        ],
        DialectKind::Postgres,
    );
    assert_eq!(
        statements,
        [
            r#"CREATE TABLE "credit" ("store_id" BIGINT NOT NULL, "employee_id" BIGINT NOT NULL, PRIMARY KEY ("store_id", "employee_id"), FOREIGN KEY ("store_id") REFERENCES "shop_store" ("id"), FOREIGN KEY ("employee_id") REFERENCES "shop_employee" ("id"))"#,
            r#"CREATE INDEX "credit_store_id_idx" ON "credit" ("store_id")"#,
            r#"CREATE INDEX "credit_employee_id_idx" ON "credit" ("employee_id")"#,
        ]
    );
}

#[test]
fn several_aggregates_over_one_path_share_a_derived_table() {
    let mut plan = Plan::new(&STORE);
    let filter = cmp(column(vec![], "price"), CmpOp::Gt, Expr::Param(1));
    plan.select = Some(vec![
        item("id", column(vec![], "id")),
        item(
            "employees",
            agg(AggFn::Count, vec![departments(), employees()], None, None),
        ),
        item(
            "named",
            agg(
                AggFn::Exists,
                vec![products()],
                None,
                Some(cmp(column(vec![], "name"), CmpOp::Eq, Expr::Param(0))),
            ),
        ),
        item("products", agg(AggFn::Count, vec![products()], None, None)),
        item(
            "total",
            agg(
                AggFn::Sum {
                    number: Number::Float,
                },
                vec![products()],
                Some("price"),
                None,
            ),
        ),
        item(
            "expensive",
            agg(AggFn::Count, vec![products()], None, Some(filter)),
        ),
        item(
            "average",
            agg(
                AggFn::Avg {
                    number: Number::Float,
                },
                vec![products()],
                Some("price"),
                None,
            ),
        ),
    ]);
    insta::assert_snapshot!(all(&plan));
    // The derived table's parameter comes after the select list's in the
    // text: `?` dialects bind in that order, `$n` in written order.
    assert_eq!(render(&plan, DialectKind::Sqlite).order, [0, 1]);
    assert_eq!(render(&plan, DialectKind::Postgres).order, [0, 1]);
}

#[test]
fn parameters_bind_in_the_order_the_text_takes_them() {
    let mut plan = Plan::new(&STORE);
    plan.select = Some(vec![
        item(
            "a",
            agg(
                AggFn::Count,
                vec![products()],
                None,
                Some(Cond::Truth(Expr::Param(0))),
            ),
        ),
        item(
            "b",
            agg(
                AggFn::Exists,
                vec![departments()],
                None,
                Some(Cond::Truth(Expr::Param(1))),
            ),
        ),
        item(
            "c",
            agg(
                AggFn::Max,
                vec![products()],
                Some("price"),
                Some(Cond::Truth(Expr::Param(2))),
            ),
        ),
    ]);
    // `a` and `c` share a derived table after the select list, where `b`
    // stays a correlated subquery.
    assert_eq!(render(&plan, DialectKind::MySql).order, [1, 0, 2]);
    assert_eq!(render(&plan, DialectKind::Postgres).order, [0, 1, 2]);
}

#[test]
fn an_unindexed_path_is_derived_over_the_whole_table_only() {
    let unindexed = RelationMeta {
        target_indexed: false,
        ..products()
    };
    let mut plan = Plan::new(&STORE);
    plan.select = Some(vec![
        item("id", column(vec![], "id")),
        item("products", agg(AggFn::Count, vec![unindexed], None, None)),
    ]);
    let whole = render(&plan, DialectKind::Postgres).sql;
    assert!(whole.contains("LEFT JOIN (SELECT"), "{whole}");
    // With a key filter, one root row: the correlated subquery is best.
    plan.filter = Some(cmp(column(vec![], "id"), CmpOp::Eq, Expr::Param(0)));
    let keyed = render(&plan, DialectKind::Postgres).sql;
    assert!(keyed.contains("(SELECT COUNT(*) FROM"), "{keyed}");
    insta::assert_snapshot!(format!("{whole}\n{keyed}\n"));
}

#[test]
fn an_unindexed_path_under_a_limit_aggregates_the_selected_keys_only() {
    let unindexed = RelationMeta {
        target_indexed: false,
        ..products()
    };
    let mut plan = Plan::new(&STORE);
    plan.select = Some(vec![
        item("title", column(vec![], "name")),
        item(
            "products",
            agg(
                AggFn::Count,
                vec![unindexed],
                None,
                Some(cmp(column(vec![], "price"), CmpOp::Gt, Expr::Param(1))),
            ),
        ),
        item(
            "employees",
            agg(AggFn::Count, vec![departments(), employees()], None, None),
        ),
    ]);
    plan.filter = Some(cmp(column(vec![], "name"), CmpOp::Ne, Expr::Param(2)));
    plan.order = vec![Order {
        expr: Expr::Output("title"),
        desc: false,
        nullable: false,
    }];
    plan.limit = Some(Expr::Param(0));
    insta::assert_snapshot!(all(&plan));
    // The keys (with `where` and `limit`) come first in the text, then the
    // derived table's filter.
    assert_eq!(render(&plan, DialectKind::MySql).order, [2, 0, 1]);
    // Ordered by an aggregate, the keys depend on every store's count: the
    // whole derived table.
    plan.order[0].expr = Expr::Output("products");
    let sql = render(&plan, DialectKind::Sqlite).sql;
    assert!(
        !sql.contains("fanless_keys") && sql.contains("GROUP BY"),
        "{sql}"
    );
}

/// The plan in every dialect, one per line, with list argument `list`
/// holding three keys.
fn all_keyed(plan: &Plan, list: usize) -> String {
    let shape = Shape {
        lists: vec![(list, ListForm::Placeholders(length_class(3)))],
        absent: Vec::new(),
    };
    DialectKind::ALL
        .iter()
        .map(|&dialect| {
            let sql = render_shaped(plan, dialect, Strategy::Planner, &shape).sql;
            format!("{dialect:?}: {sql}\n")
        })
        .collect()
}

/// The rows of a collection over `hops` from `parent`, whose keys are
/// argument `keys`.
fn collection(parent: &'static ModelMeta, hops: Vec<RelationMeta>, keys: usize) -> Plan {
    let root = hops.last().map_or(parent, |hop| hop.target);
    let mut plan = Plan::new(root);
    plan.parent = Some(crate::plan::Parent {
        model: parent,
        hops,
        keys,
    });
    plan
}

#[test]
fn a_collection_reads_its_rows_by_the_parents_keys_in_order() {
    let mut plan = collection(&STORE, vec![products()], 1);
    plan.select = Some(vec![item("name", column(vec![], "name"))]);
    plan.filter = Some(cmp(column(vec![], "price"), CmpOp::Gt, Expr::Param(0)));
    plan.order = vec![Order {
        expr: Expr::Output("name"),
        desc: false,
        nullable: false,
    }];
    insta::assert_snapshot!(all_keyed(&plan, plan.parent.as_ref().map_or(0, |p| p.keys)));
}

#[test]
fn a_collection_limited_per_parent_numbers_each_parents_rows() {
    let mut plan = collection(&STORE, vec![products()], 2);
    plan.select = Some(vec![item("name", column(vec![], "name"))]);
    plan.order = vec![Order {
        expr: column(vec![], "price"),
        desc: true,
        nullable: false,
    }];
    plan.limit = Some(Expr::Param(0));
    plan.offset = Some(Expr::Param(1));
    insta::assert_snapshot!(all_keyed(&plan, plan.parent.as_ref().map_or(0, |p| p.keys)));
}

#[test]
fn a_collection_whose_path_leaves_the_parents_key_joins_the_parent() {
    // The colleagues of an employee: its department's employees.
    let mut plan = collection(&EMPLOYEE, vec![department(), employees()], 0);
    plan.select = Some(vec![item("name", column(vec![], "name"))]);
    plan.collections = vec![Collection {
        name: "reports",
        plan: collection(
            &EMPLOYEE,
            vec![has_many("reports", &EMPLOYEE, &EMPLOYEE, "manager_id")],
            0,
        ),
        json: false,
    }];
    insta::assert_snapshot!(all_keyed(&plan, plan.parent.as_ref().map_or(0, |p| p.keys)));
}

#[test]
fn a_carried_collection_is_one_json_array_per_row_on_sqlite_only() {
    // Each store with its three departments of the highest keys above a
    // parameter, each with its staff count: inside the stores' statement
    // on SQLite, limited per store; a statement of their own elsewhere.
    let mut departments_plan = collection(&STORE, vec![departments()], 1);
    departments_plan.select = Some(vec![
        item("name", column(vec![], "name")),
        item("staff", agg(AggFn::Count, vec![employees()], None, None)),
    ]);
    departments_plan.filter = Some(cmp(column(vec![], "id"), CmpOp::Gt, Expr::Param(0)));
    departments_plan.order = vec![Order {
        expr: column(vec![], "id"),
        desc: true,
        nullable: false,
    }];
    departments_plan.limit = Some(Expr::Int(3));
    let mut plan = Plan::new(&STORE);
    plan.select = Some(vec![item("name", column(vec![], "name"))]);
    plan.collections = vec![Collection {
        name: "top",
        plan: departments_plan,
        json: true,
    }];
    insta::assert_snapshot!(all(&plan));
    let rendered = render(&plan, DialectKind::Sqlite);
    assert_eq!(rendered.order, [0]);
}

#[test]
fn a_row_past_the_arguments_of_one_json_array_is_not_carried() {
    let names: Vec<&'static str> = (0..128)
        .map(|i| &*Box::leak(format!("c{i}").into_boxed_str()))
        .collect();
    let mut rows = collection(&STORE, vec![departments()], 0);
    rows.select = Some(
        names
            .iter()
            .map(|name| item(name, column(vec![], "name")))
            .collect(),
    );
    let mut wide = Collection {
        name: "departments",
        plan: rows,
        json: true,
    };
    assert!(!carried(&wide, DialectKind::Sqlite));
    if let Some(items) = &mut wide.plan.select {
        items.pop();
    }
    assert!(carried(&wide, DialectKind::Sqlite));
    assert!(!carried(&wide, DialectKind::Postgres));
    assert!(!carried(&wide, DialectKind::MySql));
}

/// A column of dates and times (`name` of products holds them here) in a comparison,
/// an `in` list, `max` and `order by`: SQLite reads each by instant, the
/// parameter once, through a row of its own; the servers as stored.
#[test]
fn dates_and_times_compare_by_instant_on_sqlite() {
    let placed = |alias| {
        Expr::Column(ColumnPath {
            alias,
            hops: Vec::new(),
            column: "name",
            temporal: Temporal::DateTime,
        })
    };
    let mut plan = Plan::new(&STORE);
    plan.select = Some(vec![
        item("id", column(vec![], "id")),
        item(
            "last",
            Expr::Agg(Box::new(Agg {
                func: AggFn::Max,
                distinct: false,
                hops: vec![products()],
                column: Some("name"),
                temporal: Temporal::DateTime,
                filter: Some(cmp(placed(0), CmpOp::Ge, Expr::Param(0))),
            })),
        ),
    ]);
    plan.filter = Some(Cond::InList {
        expr: Expr::Column(ColumnPath {
            alias: 0,
            hops: vec![products()],
            column: "name",
            temporal: Temporal::DateTime,
        }),
        param: 1,
        negated: false,
        nullable: false,
    });
    plan.order = vec![Order {
        expr: Expr::Output("last"),
        desc: true,
        nullable: true,
    }];
    let shape = Shape {
        lists: vec![(1, ListForm::Placeholders(2))],
        absent: Vec::new(),
    };
    insta::assert_snapshot!(DialectKind::ALL
        .iter()
        .map(|&dialect| format!(
            "{dialect:?}: {}\n",
            render_shaped(&plan, dialect, Strategy::Correlated, &shape).sql
        ))
        .collect::<String>());
}
