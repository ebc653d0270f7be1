//! Conditions: a to-many operand becomes `EXISTS` over its path, `=` of
//! nullable operands compares as Rust's `Option` does.

use std::fmt::Write;

use super::{ListForm, Renderer, Scope};
use crate::plan::{CmpOp, ColumnPath, Cond, Expr};

impl<'p> Renderer<'p> {
    pub(super) fn cond(&mut self, cond: &Cond, scope: &mut Scope) -> String {
        match cond {
            Cond::Not(inner) => format!("NOT ({})", self.cond(inner, scope)),
            Cond::And(all) => self.conds(all, " AND ", scope),
            Cond::Or(any) => self.conds(any, " OR ", scope),
            atom => self.atom(atom, scope),
        }
    }

    /// `(a op b op ...)`, in parenthesized groups of at most 16 when
    /// longer: databases parse a chain as a tree as deep as it is long,
    /// and SQLite refuses trees over 1,000 deep.
    fn conds(&mut self, conds: &[Cond], op: &str, scope: &mut Scope) -> String {
        const GROUP: usize = 16;
        let mut terms: Vec<String> = conds.iter().map(|cond| self.cond(cond, scope)).collect();
        while terms.len() > GROUP {
            terms = terms
                .chunks(GROUP)
                .map(|group| format!("({})", group.join(op)))
                .collect();
        }
        format!("({})", terms.join(op))
    }

    /// A condition without `and`/`or`/`not`. Each operand read through a
    /// to-many path wraps the atom in `EXISTS` over that path, so the root
    /// row matches once however many related rows do.
    fn atom(&mut self, atom: &Cond, scope: &mut Scope) -> String {
        let mut exists = Vec::new();
        let body = match atom {
            Cond::Cmp {
                left,
                op,
                right,
                nullable,
            } => {
                let temporal = Self::either_temporal(left, right);
                let a = self.operand(left, scope, &mut exists);
                let a = self.compared(left, a, temporal);
                let b = self.operand(right, scope, &mut exists);
                let b = self.compared(right, b, temporal);
                match op {
                    CmpOp::Eq | CmpOp::Ne if *nullable => {
                        let mut out = String::new();
                        self.syntax.null_safe_eq(&mut out, &a, &b, *op == CmpOp::Ne);
                        out
                    }
                    _ => format!("{a} {} {b}", op.sql()),
                }
            }
            Cond::Null { expr, negated } => {
                let expr = self.operand(expr, scope, &mut exists);
                let not = if *negated { " NOT" } else { "" };
                format!("{expr} IS{not} NULL")
            }
            Cond::In {
                expr,
                list,
                negated,
                nullable,
            } => {
                let temporal = list.iter().fold(Self::temporal_of(expr), Self::either);
                let before = self.params.len();
                let value = self.operand(expr, scope, &mut exists);
                let expr_params = self.params.len() - before;
                let expr = self.compared(expr, value, temporal);
                let list: Vec<String> = list
                    .iter()
                    .map(|e| {
                        let candidate = self.operand(e, scope, &mut exists);
                        self.compared(e, candidate, temporal)
                    })
                    .collect();
                if *nullable && expr_params > 0 && !self.syntax.numbered() {
                    // The value once (its placeholders bind once), the
                    // candidates as rows it meets: the text then takes the
                    // candidates' parameters first.
                    let mut params = self.params.split_off(before);
                    let candidates = params.split_off(expr_params);
                    self.params.extend(candidates);
                    self.params.extend(params);
                    let rows: Vec<String> =
                        list.iter().map(|c| format!("SELECT {c} AS v")).collect();
                    let alias = self.alias();
                    let mut eq = String::new();
                    self.syntax
                        .null_safe_eq(&mut eq, &format!("{alias}.v"), &expr, false);
                    let not = if *negated { "NOT " } else { "" };
                    format!(
                        "{not}EXISTS (SELECT 1 FROM ({}) AS {alias} WHERE {eq})",
                        rows.join(" UNION ALL ")
                    )
                } else if *nullable {
                    // As many `=` as candidates, each comparing `NULL`s as
                    // equal.
                    let mut any = String::from(if *negated { "NOT (" } else { "(" });
                    for (i, candidate) in list.iter().enumerate() {
                        if i > 0 {
                            any.push_str(" OR ");
                        }
                        self.syntax.null_safe_eq(&mut any, &expr, candidate, false);
                    }
                    any.push(')');
                    any
                } else {
                    let not = if *negated { " NOT" } else { "" };
                    format!("{expr}{not} IN ({})", list.join(", "))
                }
            }
            Cond::InList {
                expr,
                param,
                negated,
                nullable,
            } => {
                let before = self.params.len();
                let value = self.operand(expr, scope, &mut exists);
                let value_params = self.params.len() > before;
                let temporal = Self::temporal_of(expr);
                let value = self.compared(expr, value, temporal);
                let form = self.shape.list_form(*param);
                if form != ListForm::Placeholders(0) || self.syntax.numbered() {
                    self.params.push(*param);
                }
                let mut member = String::new();
                let position = self.position(*param);
                match self.instant_rows(temporal, position, form) {
                    Some(rows) => {
                        let _ = write!(member, "{value} IN ({rows})");
                    }
                    None => self.syntax.list_member(&mut member, &value, position, form),
                }
                // A list holds no `NULL`: a `NULL` value is in no list, and
                // the test is two-valued so that `not` flips it.
                let member = match (*nullable, value_params && !self.syntax.numbered()) {
                    (false, _) => member,
                    // The value once: its placeholders bind once.
                    (true, true) => format!("COALESCE({member}, FALSE)"),
                    (true, false) => format!("({value} IS NOT NULL AND {member})"),
                };
                if *negated {
                    format!("NOT ({member})")
                } else {
                    member
                }
            }
            Cond::Like {
                expr,
                pattern,
                negated,
            } => {
                let expr = self.operand(expr, scope, &mut exists);
                let pattern = self.operand(pattern, scope, &mut exists);
                let mut out = String::new();
                self.syntax.like(&mut out, &expr, &pattern);
                if *negated {
                    out = format!("NOT ({out})");
                }
                out
            }
            Cond::Truth(expr) => self.operand(expr, scope, &mut exists),
            Cond::Not(_) | Cond::And(..) | Cond::Or(..) => self.cond(atom, scope),
        };
        let mut out = String::new();
        for (from, correlation) in &exists {
            let _ = write!(out, "EXISTS (SELECT 1 FROM {from} WHERE {correlation} AND ");
        }
        out.push_str(&body);
        out.push_str(&")".repeat(exists.len()));
        out
    }

    /// An operand of an atom. A column through a to-many path is read from
    /// a new `EXISTS` level pushed on `exists`.
    fn operand(
        &mut self,
        expr: &Expr,
        scope: &mut Scope,
        exists: &mut Vec<(String, String)>,
    ) -> String {
        match expr {
            Expr::Column(path) if path.is_many() => self.many_column(path, scope, exists),
            _ => self.expr(expr, scope),
        }
    }

    fn many_column(
        &mut self,
        path: &ColumnPath,
        scope: &Scope,
        exists: &mut Vec<(String, String)>,
    ) -> String {
        let chain = self.chain(&path.hops, &scope.aliases[path.alias]);
        exists.push((chain.from, chain.correlation));
        let mut out = String::new();
        self.column(&mut out, &chain.last, path.column);
        out
    }
}
