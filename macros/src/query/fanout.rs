//! The fan-out rules of the explicit join form, over the tree of joined
//! paths.
//!
//! Which joins are to-many is known only to rustc (it is in the models'
//! relation types), so this module derives from the query's syntax the
//! *checks* to make: sets of joins that must not be to-many together. The
//! expansion hands each check to rustc as a type-level condition whose
//! failure message is written here, naming the user's paths. [`evaluate`]
//! applies the same checks to known cardinalities, for the unit tests.

use proc_macro2::Span;
use syn::Ident;

use super::ir::{AggFn, Expr, Query};
use super::visit::visit_cond_top;

/// The aliases of a join-form query: the root's, then one per join.
pub struct Tree {
    pub aliases: Vec<Alias>,
}

pub struct Alias {
    pub name: Ident,
    /// The alias joined from; `None` for the root.
    pub parent: Option<usize>,
    /// The path from the root, as a path-form query would write it
    /// (`departments.employees`); empty for the root.
    pub path: String,
    /// Whether a `left join` on the way from the root makes its columns
    /// nullable.
    pub nullable: bool,
}

impl Tree {
    /// The tree of a join-form query whose joins name known aliases (as the
    /// checks make sure); `None` for the path form.
    pub fn from_query(query: &Query) -> Option<Self> {
        let root = query.alias.clone()?;
        let mut aliases = vec![Alias {
            name: root,
            parent: None,
            path: String::new(),
            nullable: false,
        }];
        for join in &query.joins {
            let parent = aliases
                .iter()
                .position(|alias| alias.name == join.path.segments[0])?;
            let relations: Vec<String> = join.path.segments[1..]
                .iter()
                .map(ToString::to_string)
                .collect();
            let path = match aliases[parent].path.as_str() {
                "" => relations.join("."),
                base => format!("{base}.{}", relations.join(".")),
            };
            aliases.push(Alias {
                name: join.alias.clone(),
                parent: Some(parent),
                path,
                nullable: join.left || aliases[parent].nullable,
            });
        }
        Some(Self { aliases })
    }

    pub fn index_of(&self, name: &Ident) -> Option<usize> {
        self.aliases.iter().position(|alias| alias.name == *name)
    }

    /// The join that made alias `index` (alias `i` is join `i - 1`).
    fn join_of(index: usize) -> usize {
        index - 1
    }

    fn ancestors(&self, mut index: usize) -> Vec<usize> {
        let mut chain = vec![index];
        while let Some(parent) = self.aliases[index].parent {
            chain.push(parent);
            index = parent;
        }
        chain
    }

    /// The joins below alias `index`, at any depth.
    pub fn joins_below(&self, index: usize) -> Vec<usize> {
        (index + 1..self.aliases.len())
            .filter(|&other| self.ancestors(other)[1..].contains(&index))
            .map(Self::join_of)
            .collect()
    }

    /// The aliases no join starts from.
    fn leaves(&self) -> Vec<usize> {
        (1..self.aliases.len())
            .filter(|&index| !self.aliases.iter().any(|alias| alias.parent == Some(index)))
            .collect()
    }

    /// The joins from the lowest common ancestor of `a` and `b` down to
    /// each of them.
    fn branches(&self, a: usize, b: usize) -> (Vec<usize>, Vec<usize>) {
        let up_a = self.ancestors(a);
        let up_b = self.ancestors(b);
        let below = |up: &[usize], other: &[usize]| -> Vec<usize> {
            up.iter()
                .take_while(|index| !other.contains(index))
                .map(|&index| Self::join_of(index))
                .collect()
        };
        (below(&up_a, &up_b), below(&up_b, &up_a))
    }
}

/// A condition rustc checks: not every set in `all_of` may hold a to-many
/// join.
pub struct Check {
    pub rule: Rule,
    /// Sets of joins; the check fails when each set has a to-many join.
    pub all_of: Vec<Vec<usize>>,
    /// Where the error points.
    pub span: Span,
    pub message: String,
    pub label: String,
    pub notes: Vec<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Rule {
    /// Two independent to-many branches in a query that aggregates.
    FanTrap,
    /// An aggregate over an alias with a to-many join below it.
    Inflated,
    /// Two independent to-many branches in a plain select.
    Cartesian,
}

/// The checks of a join-form query.
pub fn checks(query: &Query, tree: &Tree) -> Vec<Check> {
    let root_model = query
        .from
        .segments
        .last()
        .map_or(String::new(), |segment| segment.ident.to_string());
    let aggregates = joined_aggregates(query, tree);
    let aggregating = !aggregates.is_empty() || !query.group.is_empty();
    let mut checks = Vec::new();

    // Rule 1 and 3: two branches of the join tree, neither on the other's
    // path from the root, that are both to-many multiply each other's rows.
    // Checking pairs of leaves covers every pair of branches.
    let leaves = tree.leaves();
    for (i, &a) in leaves.iter().enumerate() {
        for &b in &leaves[i + 1..] {
            let (branch_a, branch_b) = tree.branches(a, b);
            let second = &query.joins[*branch_b.last().unwrap_or(&0)];
            let span = second.path.segments[1].span();
            let (path_a, path_b) = (&tree.aliases[a].path, &tree.aliases[b].path);
            let root = &tree.aliases[0].name;
            let written =
                format!("`{root}.{path_a}` and `{root}.{path_b}` are joined side by side");
            let check = if aggregating {
                let on = |branch: &[usize]| {
                    aggregates
                        .iter()
                        .find(|(alias, _)| {
                            // An aggregate over the root alias is on no branch.
                            alias
                                .checked_sub(1)
                                .is_some_and(|join| branch.contains(&join))
                        })
                        .map(|(_, text)| text.clone())
                };
                let message = match (on(&branch_a), on(&branch_b)) {
                    (Some(x), Some(y)) => format!(
                        "`{x}` and `{y}` aggregate over two independent to-many paths from `{root_model}`"
                    ),
                    _ => format!(
                        "`{path_a}` and `{path_b}` are two independent to-many paths from `{root_model}`, \
                         joined in a query that aggregates"
                    ),
                };
                Check {
                    rule: Rule::FanTrap,
                    all_of: vec![branch_a, branch_b],
                    span,
                    message,
                    label: format!("a second to-many branch, joined beside `{path_a}`"),
                    notes: vec![
                        format!(
                            "{written}, so every row of `{path_a}` is repeated once per row of `{path_b}` \
                             of the same `{root_model}`: counts and sums come out multiplied, and even \
                             `distinct` ones pay for every combination"
                        ),
                        format!(
                            "aggregate over the paths instead, in a query without `join`; each \
                             aggregate becomes its own subquery: `{}`",
                            path_form(query, tree, &root_model)
                        ),
                    ],
                }
            } else {
                Check {
                    rule: Rule::Cartesian,
                    all_of: vec![branch_a, branch_b],
                    span,
                    message: format!(
                        "`{path_a}` and `{path_b}` are two independent to-many joins from `{root_model}`: \
                         every row of one is repeated with every row of the other"
                    ),
                    label: format!("joined beside `{path_a}`"),
                    notes: vec![
                        format!("{written}, which yields their cartesian product for each `{root_model}`"),
                        format!(
                            "select them in two queries, one per path; to count or sum them, \
                             aggregate over the paths: `count({path_a})`, `count({path_b})`"
                        ),
                    ],
                }
            };
            checks.push(check);
        }
    }

    // Rule 2: `count`, `sum` and `avg` without `distinct` see each row of
    // their alias once per row of any to-many join below it.
    for agg in joined_aggs(query) {
        let Some(alias) = agg.alias(tree) else {
            continue;
        };
        if agg.distinct || !matches!(agg.func, AggFn::Count | AggFn::Sum | AggFn::Avg) {
            continue;
        }
        let below = tree.joins_below(alias);
        if below.is_empty() {
            continue;
        }
        let name = &tree.aliases[alias].name;
        let below_paths: Vec<String> = below
            .iter()
            .map(|&join| format!("`{}`", query.joins[join].path))
            .collect();
        let below_text = below_paths.join(" or ");
        let text = agg.text;
        let path = &tree.aliases[alias].path;
        let (verb, fix) = match agg.func {
            AggFn::Count if path.is_empty() => (
                "counts",
                format!("count each row once: `count(distinct {})`", agg.argument),
            ),
            AggFn::Count => (
                "counts",
                format!(
                    "count each row once with `count(distinct {})`, or drop the joins below `{name}` \
                     and count over the path: `count({path})`",
                    agg.argument
                ),
            ),
            _ => {
                let verb = if agg.func == AggFn::Sum { "sums" } else { "averages" };
                let fix = match (path.as_str(), agg.column.as_deref()) {
                    ("", _) | (_, None) => format!(
                        "aggregate `{}` in a query without the joins below `{name}`",
                        agg.argument
                    ),
                    (path, Some(column)) => format!(
                        "drop the joins below `{name}` and aggregate over the path, which is its own \
                         subquery: `{}({path}.{column})`",
                        agg.func_name
                    ),
                };
                (verb, fix)
            }
        };
        checks.push(Check {
            rule: Rule::Inflated,
            all_of: vec![below],
            span: agg.span,
            message: format!("`{text}` {verb} each `{name}` row once per joined row of {below_text}"),
            label: format!("inflated by the join of {below_text}"),
            notes: vec![
                format!("the rows of `{name}` are repeated by the to-many join below them before `{text}` sees them"),
                fix,
            ],
        });
    }
    checks
}

/// An aggregate over joined rows, as the rules need it.
struct JoinedAgg {
    func: AggFn,
    func_name: &'static str,
    distinct: bool,
    /// `e` or `e.id`.
    argument: String,
    alias_name: Ident,
    column: Option<String>,
    text: String,
    span: Span,
}

impl JoinedAgg {
    fn alias(&self, tree: &Tree) -> Option<usize> {
        tree.index_of(&self.alias_name)
    }
}

/// Every aggregate of the query (in `select`, `having`, `order by`), all of
/// which are over joined rows in the join form.
fn joined_aggs(query: &Query) -> Vec<JoinedAgg> {
    let mut out = Vec::new();
    let mut visit = |expr: &Expr| {
        if let Expr::Agg(agg) = expr {
            let Some(alias_name) = agg.path.segments.first() else {
                return;
            };
            let func_name = match agg.func {
                AggFn::Count => "count",
                AggFn::Sum => "sum",
                AggFn::Avg => "avg",
                AggFn::Min => "min",
                AggFn::Max => "max",
                AggFn::Exists => "exists",
            };
            let distinct = if agg.distinct.is_some() {
                "distinct "
            } else {
                ""
            };
            out.push(JoinedAgg {
                func: agg.func,
                func_name,
                distinct: agg.distinct.is_some(),
                argument: agg.path.to_string(),
                alias_name: alias_name.clone(),
                column: agg.path.segments.get(1).map(ToString::to_string),
                text: format!("{func_name}({distinct}{})", agg.path),
                span: agg.name.span(),
            });
        }
    };
    for item in query.select.iter().flatten() {
        visit(&item.expr);
    }
    if let Some(having) = &query.having {
        visit_cond_top(having, &mut visit);
    }
    for order in &query.order {
        visit(&order.expr);
    }
    out
}

/// `(alias, text)` of each aggregate, in written order.
fn joined_aggregates(query: &Query, tree: &Tree) -> Vec<(usize, String)> {
    joined_aggs(query)
        .into_iter()
        .filter_map(|agg| Some((agg.alias(tree)?, agg.text)))
        .collect()
}

/// The `select` list rewritten in the path form, where each aggregate is
/// its own subquery. Items with no path-form equivalent (columns of a
/// joined alias) are left out.
fn path_form(query: &Query, tree: &Tree, root_model: &str) -> String {
    let mut items = Vec::new();
    for item in query.select.iter().flatten() {
        let name = item.name().map(ToString::to_string);
        let rewritten = match &item.expr {
            Expr::Path(path)
                if path.segments.len() > 1 && tree.index_of(&path.segments[0]) == Some(0) =>
            {
                let rest: Vec<String> =
                    path.segments[1..].iter().map(ToString::to_string).collect();
                let rest = rest.join(".");
                match name {
                    Some(name) if name != *rest.rsplit('.').next().unwrap_or("") => {
                        Some(format!("{rest} as {name}"))
                    }
                    _ => Some(rest),
                }
            }
            Expr::Agg(agg) => {
                let alias = tree.index_of(&agg.path.segments[0]).unwrap_or(0);
                let path = &tree.aliases[alias].path;
                (!path.is_empty()).then(|| {
                    let func = agg.name.to_string();
                    let distinct = if agg.distinct.is_some() {
                        "distinct "
                    } else {
                        ""
                    };
                    let column = agg
                        .path
                        .segments
                        .get(1)
                        .map_or(String::new(), |column| format!(".{column}"));
                    let alias = name.map_or(String::new(), |name| format!(" as {name}"));
                    format!("{func}({distinct}{path}{column}){alias}")
                })
            }
            _ => None,
        };
        items.push(rewritten.unwrap_or_else(|| "…".to_owned()));
    }
    format!("from {root_model} select {}", items.join(", "))
}

/// The checks that fail given which joins are to-many.
#[cfg(test)]
pub fn evaluate<'c>(checks: &'c [Check], many: &[bool]) -> Vec<&'c Check> {
    checks
        .iter()
        .filter(|check| {
            check
                .all_of
                .iter()
                .all(|set| set.iter().any(|&join| many[join]))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use quote::quote;

    use super::*;

    /// The rules that fail for `tokens` when the joins whose index is in
    /// `many` are to-many.
    fn failing(tokens: proc_macro2::TokenStream, many: &[usize]) -> Vec<(Rule, String)> {
        let query: Query = syn::parse2(tokens).unwrap();
        let tree = Tree::from_query(&query).unwrap();
        let flags: Vec<bool> = (0..query.joins.len()).map(|j| many.contains(&j)).collect();
        let checks = checks(&query, &tree);
        evaluate(&checks, &flags)
            .into_iter()
            .map(|check| (check.rule, check.message.clone()))
            .collect()
    }

    fn rules(found: &[(Rule, String)]) -> Vec<Rule> {
        found.iter().map(|(rule, _)| *rule).collect()
    }

    #[test]
    fn two_to_many_branches_at_the_root_are_a_fan_trap() {
        let found = failing(
            quote! {
                from Store s left join s.products p left join s.departments d left join d.employees e
                select s.id, count(distinct p.id) as products, count(distinct e.id) as employees
                group by s.id
            },
            &[0, 1, 2],
        );
        assert_eq!(
            found,
            [(
                Rule::FanTrap,
                "`count(distinct p.id)` and `count(distinct e.id)` aggregate over two independent \
                 to-many paths from `Store`"
                    .to_owned()
            )]
        );
    }

    #[test]
    fn a_to_one_branch_beside_a_to_many_one_is_fine() {
        let query = quote! {
            from Employee e join e.department d join e.reports r
            select e.id, d.name, count(r.id) as reports group by e.id, d.name
        };
        assert!(failing(query.clone(), &[1]).is_empty());
        assert_eq!(rules(&failing(query, &[0, 1])), [Rule::FanTrap]);
    }

    #[test]
    fn an_aggregate_over_the_root_beside_two_branches_is_on_neither() {
        let query = quote! {
            from Employee e join e.department d left join e.manager m
            select d.name, count(e.id) as n group by d.name
        };
        assert!(failing(query.clone(), &[]).is_empty());
        let found = failing(query, &[0, 1]);
        assert_eq!(rules(&found), [Rule::FanTrap, Rule::Inflated]);
        assert!(found[0]
            .1
            .starts_with("`department` and `manager` are two independent"));
    }

    #[test]
    fn one_chain_of_to_many_joins_is_fine() {
        let found = failing(
            quote! {
                from Store s join s.departments d join d.employees e
                select s.id, count(e.id) as employees group by s.id
            },
            &[0, 1],
        );
        assert!(found.is_empty(), "{found:?}");
    }

    #[test]
    fn branches_that_split_below_to_one_hops_are_a_fan_trap() {
        let query = quote! {
            from Employee e
            join e.department.store.products p
            join e.department.employees c
            select e.id, count(p.id) as products, count(c.id) as colleagues group by e.id
        };
        let found = failing(query, &[0, 1]);
        assert_eq!(rules(&found), [Rule::FanTrap]);
        assert!(
            found[0].1.contains("`count(p.id)` and `count(c.id)`"),
            "{found:?}"
        );
    }

    #[test]
    fn three_branches_are_three_pairs() {
        let found = failing(
            quote! {
                from Store s join s.products p join s.departments d join s.orders o
                select s.id, count(p.id) as a, count(d.id) as b, count(o.id) as c group by s.id
            },
            &[0, 1, 2],
        );
        assert_eq!(rules(&found), [Rule::FanTrap; 3]);
        // Only two of them to-many: one pair.
        let found = failing(
            quote! {
                from Store s join s.products p join s.departments d join s.orders o
                select s.id, count(p.id) as a, count(d.id) as b, count(o.id) as c group by s.id
            },
            &[0, 2],
        );
        assert_eq!(rules(&found), [Rule::FanTrap]);
    }

    #[test]
    fn group_by_alone_makes_two_branches_a_fan_trap() {
        let query =
            quote!(from Store s join s.products p join s.departments d select s.id group by s.id);
        assert_eq!(rules(&failing(query, &[0, 1])), [Rule::FanTrap]);
    }

    #[test]
    fn a_plain_select_over_two_branches_is_cartesian_rows() {
        let query =
            quote!(from Store s join s.products p join s.departments d select p.name, d.name);
        let found = failing(query.clone(), &[0, 1]);
        assert_eq!(rules(&found), [Rule::Cartesian]);
        assert!(failing(query, &[0]).is_empty());
    }

    #[test]
    fn an_aggregate_above_a_to_many_join_is_inflated() {
        let query = quote! {
            from Department d join d.employees e
            select d.id, count(d.id) as a, sum(d.budget) as b, avg(d.budget) as c,
                   count(distinct d.id) as fine, max(d.budget) as also_fine, count(e.id) as deepest
            group by d.id
        };
        let found = failing(query.clone(), &[0]);
        assert_eq!(rules(&found), [Rule::Inflated; 3]);
        assert!(found[0]
            .1
            .starts_with("`count(d.id)` counts each `d` row once per joined row of `d.employees`"));
        assert!(found[1].1.starts_with("`sum(d.budget)` sums"));
        assert!(found[2].1.starts_with("`avg(d.budget)` averages"));
        // Below a to-one join, nothing is repeated.
        assert!(failing(query, &[]).is_empty());
    }

    #[test]
    fn an_inflated_aggregate_in_having_or_order_by_is_found_too() {
        let query = quote! {
            from Department d join d.employees e
            select d.id group by d.id having count(d.id) > 1 order by sum(d.budget)
        };
        assert_eq!(rules(&failing(query, &[0])), [Rule::Inflated; 2]);
    }

    #[test]
    fn the_fix_rewrites_the_select_list_in_the_path_form() {
        let query: Query = syn::parse2(quote! {
            from Store s left join s.products p left join s.departments d left join d.employees e
            select s.id, s.name as title, count(distinct p.id) as products, sum(e.salary) as payroll, d.name
            group by s.id, s.name, d.name
        })
        .unwrap();
        let tree = Tree::from_query(&query).unwrap();
        assert_eq!(
            path_form(&query, &tree, "Store"),
            "from Store select id, name as title, count(distinct products.id) as products, \
             sum(departments.employees.salary) as payroll, …"
        );
    }
}
