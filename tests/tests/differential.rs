//! Differential tests: generated plans over generated datasets, rendered
//! with every SQL strategy the planner can choose, run on SQLite,
//! PostgreSQL and MariaDB, and compared with the reference evaluator.
//!
//! `FANLESS_DIFF_CASES` sets how many plans run (300 by default), each on
//! every database with every strategy; `FANLESS_DIFF_SEED` starts from
//! another seed. A failure prints the seed, the shrunk plan, the SQL and
//! both answers.

use fanless::__private::{render_with, Plan, Strategy};
use fanless_tests::generate::{self, Case, Generator};
use fanless_tests::library::{self, Kind};
use fanless_tests::reference::{self, Dataset, Value};
use fanless_tests::{connect, dialect, drop_databases, name, run_tree, Db};

/// Plans per dataset: each dataset is inserted once per database.
const PLANS_PER_DATASET: usize = 50;

fn env_number(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .map(|value| {
            value
                .parse()
                .unwrap_or_else(|_| panic!("{name}={value} is not a number"))
        })
        .unwrap_or(default)
}

#[tokio::test]
async fn every_strategy_returns_what_the_reference_says() {
    let cases = env_number("FANLESS_DIFF_CASES", 300) as usize;
    let seed = env_number("FANLESS_DIFF_SEED", 1);
    let models = library::models();
    let dbs = connect("differential").await;
    for db in &dbs {
        library::create(db).await;
    }
    let mut failures = Vec::new();
    let mut runs = 0;
    for dataset in 0..cases.div_ceil(PLANS_PER_DATASET) as u64 {
        let data_seed = seed.wrapping_add(dataset);
        let data = generate::dataset(data_seed);
        for db in &dbs {
            library::insert(db, &data).await;
        }
        let mut generator = Generator::new(&models, data_seed);
        let plans = PLANS_PER_DATASET.min(cases - dataset as usize * PLANS_PER_DATASET);
        for _ in 0..plans {
            let case = generator.case();
            let want = reference::evaluate(&case.plan, &data, &values(&case));
            for db in &dbs {
                for &strategy in Strategy::all(dialect(db)) {
                    runs += 1;
                    if let Err(error) = check(db, &case, strategy, &want).await {
                        let case = shrink(db, case.clone(), strategy, &data).await;
                        // The rows too, for the first failure: it reloads
                        // the tables at each step.
                        let rows = match failures.is_empty() {
                            true => format!(
                                "{:?}",
                                shrink_data(db, &case, strategy, &data).await.tables
                            ),
                            false => "(shrunk for the first failure only)".to_owned(),
                        };
                        failures.push(format!(
                            "dataset seed {data_seed}, {} with {strategy:?}: {error}\nshrunk plan: {:#?}\nparameters: {:?}\nshrunk rows: {rows}",
                            name(db),
                            case.plan,
                            case.params,
                        ));
                    }
                }
            }
            if failures.len() >= 5 {
                break;
            }
        }
        if failures.len() >= 5 {
            break;
        }
    }
    drop_databases(dbs).await;
    assert!(
        failures.is_empty(),
        "{} of {runs} runs differ from the reference:\n\n{}",
        failures.len(),
        failures.join("\n\n")
    );
}

fn values(case: &Case) -> Vec<Value> {
    case.params.iter().map(|(_, value)| value.clone()).collect()
}

/// Runs `case` on `db` with `strategy`, and compares with `want`.
async fn check(
    db: &Db,
    case: &Case,
    strategy: Strategy,
    want: &[Vec<Value>],
) -> Result<(), String> {
    let got = run_tree(
        db,
        &case.plan,
        &case.params,
        &case.kinds,
        &case.collections,
        strategy,
    )
    .await?;
    if reference::same_rows(&got, want, case.ordered) {
        Ok(())
    } else {
        let sql = render_with(&case.plan, dialect(db), strategy).sql;
        Err(format!(
            "rows differ\nSQL: {sql}\nwant: {want:?}\n got: {got:?}"
        ))
    }
}

/// Drops select items, conditions and order keys one at a time while the
/// case still fails.
async fn shrink(db: &Db, mut case: Case, strategy: Strategy, data: &Dataset) -> Case {
    let fails = |case: Case| async move {
        let want = reference::evaluate(&case.plan, data, &values(&case));
        check(db, &case, strategy, &want).await.is_err()
    };
    loop {
        let mut smaller = None;
        for candidate in smaller_cases(&case) {
            if fails(candidate.clone()).await {
                smaller = Some(candidate);
                break;
            }
        }
        match smaller {
            Some(next) => case = next,
            None => return case,
        }
    }
}

/// Removes rows of `data` (with the rows that refer to them), in runs
/// halved down to single rows, while `case` still fails on `db`; then puts
/// `data` back and returns the rows left.
async fn shrink_data(db: &Db, case: &Case, strategy: Strategy, data: &Dataset) -> Dataset {
    let models = library::models();
    let fails = |data: Dataset| async move {
        library::insert(db, &data).await;
        let want = reference::evaluate(&case.plan, &data, &values(case));
        check(db, case, strategy, &want).await.is_err()
    };
    let mut current = data.clone();
    for model in models.iter().rev() {
        let table = model.meta.table;
        let mut run = current.tables[table].len().div_ceil(2).max(1);
        loop {
            let mut start = 0;
            while start < current.tables[table].len() {
                let candidate = without(&current, &models, table, start..start + run);
                if fails(candidate.clone()).await {
                    current = candidate;
                } else {
                    start += run;
                }
            }
            if run == 1 {
                break;
            }
            run = run.div_ceil(2);
        }
    }
    library::insert(db, data).await;
    current
}

/// `data` without the rows `rows` of `table`, nor any row that refers to
/// a row removed.
fn without(
    data: &Dataset,
    models: &[library::ModelInfo],
    table: &'static str,
    rows: std::ops::Range<usize>,
) -> Dataset {
    let mut data = data.clone();
    let key_of = |table: &str, row: &Vec<Value>| {
        // No foreign key points to a composite key: its rows are no one's.
        let model = models.iter().find(|m| m.meta.table == table).unwrap();
        let Some(key) = model.meta.key_column() else {
            return Value::Null;
        };
        let index = model.meta.columns.iter().position(|c| *c == key);
        row[index.unwrap()].clone()
    };
    let all = data.tables.get_mut(table).unwrap();
    let end = rows.end.min(all.len());
    let mut removed: Vec<(&'static str, Value)> = all
        .drain(rows.start..end)
        .map(|row| (table, key_of(table, &row)))
        .collect();
    while let Some((table, key)) = removed.pop() {
        for model in models {
            for rel in &model.relations {
                let [meta] = rel.hops[..] else { continue };
                let refers = !meta.many
                    && meta.target.table == table
                    && meta.target.key_column() == Some(meta.target_key);
                if !refers {
                    continue;
                }
                let column = model
                    .meta
                    .columns
                    .iter()
                    .position(|c| *c == meta.source_key)
                    .unwrap();
                let rows = data.tables.get_mut(model.meta.table).unwrap();
                let (gone, kept): (Vec<_>, Vec<_>) =
                    rows.drain(..).partition(|row| row[column] == key);
                *rows = kept;
                removed.extend(
                    gone.iter()
                        .map(|row| (model.meta.table, key_of(model.meta.table, row))),
                );
            }
        }
    }
    data
}

fn smaller_cases(case: &Case) -> Vec<Case> {
    let mut out = Vec::new();
    let with = |f: &dyn Fn(&mut Plan, &mut Vec<Kind>)| {
        let mut smaller = case.clone();
        f(&mut smaller.plan, &mut smaller.kinds);
        smaller
    };
    if let Some(items) = &case.plan.select {
        for i in 0..items.len() {
            let name = items[i].name;
            let ordered_by = case
                .plan
                .order
                .iter()
                .any(|o| matches!(o.expr, fanless::__private::Expr::Output(n) if n == name));
            if items.len() > 1 && !ordered_by {
                out.push(with(&|plan, kinds| {
                    if let Some(items) = &mut plan.select {
                        items.remove(i);
                    }
                    kinds.remove(i);
                }));
            }
        }
    }
    for i in 0..case.plan.collections.len() {
        let mut smaller = case.clone();
        smaller.plan.collections.remove(i);
        smaller.collections.remove(i);
        out.push(smaller);
    }
    if case.plan.filter.is_some() {
        out.push(with(&|plan, _| plan.filter = None));
    }
    if let Some(filter) = &case.plan.filter {
        use fanless::__private::Cond;
        let parts: Vec<Cond> = match filter {
            Cond::And(parts) | Cond::Or(parts) => parts.clone(),
            Cond::Not(a) => vec![(**a).clone()],
            _ => Vec::new(),
        };
        for part in parts {
            out.push(with(&|plan, _| plan.filter = Some(part.clone())));
        }
    }
    if case.plan.limit.is_some() {
        out.push(with(&|plan, _| plan.limit = None));
    }
    if case.plan.offset.is_some() {
        out.push(with(&|plan, _| plan.offset = None));
    }
    out
}
