//! The macros never panic: seeded mutations of valid models and queries
//! (tokens dropped, swapped, duplicated, keywords, literals and raw
//! identifiers inserted, deep nesting), and valid queries from a generator
//! of the grammar, fed to the macros' internals. Every error must point at
//! a token of the input, except those about its end, which rustc shows on
//! the whole invocation.
//!
//! `FANLESS_FUZZ_CASES` sets how many inputs each test tries (10,000 by
//! default), `FANLESS_FUZZ_SEED` the first seed.

use std::panic::{catch_unwind, AssertUnwindSafe};

use proc_macro2::{Delimiter, Group, TokenStream, TokenTree};

/// A small deterministic generator (xorshift*).
struct Rng(u64);

impl Rng {
    fn new(seed: u64) -> Self {
        Self(seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1)
    }

    fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        (self.0.wrapping_mul(0x2545_f491_4f6c_dd1d) % n.max(1) as u64) as usize
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }
}

fn env_number(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|value| value.parse().ok())
        .unwrap_or(default)
}

fn tokens(text: &str) -> TokenStream {
    text.parse()
        .unwrap_or_else(|e| panic!("{text} does not lex: {e}"))
}

const QUERIES: [&str; 14] = [
    "from Store select id, name, count(departments.employees) as staff, \
     avg(products.price where not discontinued) as price \
     where name != {excluded} and (id in (1, {two}) or name like \"a%\") \
     order by staff desc, id limit 20 offset {skip}",
    "from Store s left join s.products p left join s.departments d \
     select s.id, count(distinct p.id) as n group by s.id having count(p) > 1",
    "from Employee e join e.department d left join e.manager m \
     select d.name, count(e.id) as n group by d.name order by n desc",
    "from Employee where manager.name = {name} or exists(reports where salary > 10 and not exists(badge)) \
     order by id desc",
    "from Product select r#type, store.name as store where price >= -2.5 and r#select is not null",
    "from crate::models::Store select min(products.price) as low, max(products.name) as high, \
     sum(distinct departments.employees.salary) as total",
    "from Order",
    "from Store where count(products where price < {p.max(1.0)}) = 0 limit {n}",
    "from Product select count(*) as n, avg(price) as mean, max(name) as last \
     where exists(store.departments) order by n",
    "from Product select id where id in {ids} and (name = {?name} or price < {?max}) \
     and store_id not in {?stores}",
    "from Store select id, products { id, name where price > {p} order by price desc limit 3 } as top, \
     departments { name, count(employees) as staff, employees { id order by id } as people \
     order by name offset {skip} } order by id",
    "from Employee select department.store.products { id } as shelf, reports { name } where id = 1",
    "from Employee select id, manager.name as name, max(reports.name) as full_name \
     order by name desc, full_name, id",
    "from Employee e left join e.reports r select e.id, max(r.name) as name \
     group by e.id order by name desc",
];

const QUERY_AS: [&str; 5] = [
    "Row, from Store select id, count(products) as products",
    "rows::Page<Row, u8>, from Store select id, products { id } as items: Item<i64>",
    "Vec<Row>, from Store select id",
    "Row, from Store select id, products { id, name order by id } as products: ProductRow",
    "crate::Summary, from Store s join s.departments d select s.id, count(d) as n group by s.id",
];

const MODELS: [&str; 6] = [
    "#[model(table = \"shop_store\")] #[model(has_many(departments = Department))] \
     #[model(has_one(profile = Profile, via = owner))] \
     pub struct Store { #[model(primary_key)] pub id: i64, pub name: String }",
    "#[model(table = \"shop_employee\")] #[model(has_many(reports = Employee, via = manager))] \
     struct Employee { #[model(primary_key)] id: i64, \
     #[model(belongs_to(Department, indexed = false))] department_id: i64, \
     #[model(belongs_to(manager = Employee))] manager_id: Option<i64>, \
     #[model(column = \"full_name\")] name: String }",
    "#[model(has_many(raws = Raw, via = r#match))] \
     struct r#Raw { #[model(primary_key)] r#type: i64, #[model(belongs_to(Raw))] match_id: Option<i64>, \
     #[model(belongs_to(Raw))] type_id: i64 }",
    "#[model(has_many(items = Item))] struct Bag { #[model(primary_key)] id: i64, r#in: bool }",
    "#[model(many_to_many(authors = Author, through = Credit))] \
     #[model(many_to_many(r#friends = r#Book, through = Link, via = from, to = r#to))] \
     #[model(has_many(shelf = Book, through = publisher.books, via = r#type))] \
     struct r#Book { #[model(primary_key)] id: i64, #[model(belongs_to(Publisher))] publisher_id: i64 }",
    "struct Credit { #[model(primary_key, belongs_to(Book))] book_id: i64, \
     #[model(primary_key, belongs_to(r#Author))] author_id: i64, share: f64 }",
];

/// What a mutation may insert.
const INSERTS: [&str; 44] = [
    "from",
    "select",
    "where",
    "and",
    "or",
    "not",
    "is",
    "null",
    "in",
    "like",
    "distinct",
    "join",
    "left",
    "group",
    "by",
    "having",
    "order",
    "asc",
    "desc",
    "limit",
    "offset",
    "as",
    "count",
    "sum",
    "exists",
    "true",
    "false",
    "1",
    "-1",
    "1.5",
    "1e400",
    "99999999999999999999",
    "\"x\"",
    "'c'",
    "b\"x\"",
    "r#type",
    "r#select",
    ".",
    ",",
    "=",
    "!=",
    "<>",
    "{x}",
    "#[model(primary_key)]",
];

/// One random change to `input`, at its top level or inside a group.
fn mutate(rng: &mut Rng, input: TokenStream) -> TokenStream {
    let mut trees: Vec<TokenTree> = input.into_iter().collect();
    let at = rng.below(trees.len() + 1);
    match rng.below(9) {
        0 if !trees.is_empty() => {
            trees.remove(at.min(trees.len() - 1));
        }
        1 if trees.len() > 1 => {
            let at = at.min(trees.len() - 2);
            trees.swap(at, at + 1);
        }
        2 if !trees.is_empty() => {
            let tree = trees[at.min(trees.len() - 1)].clone();
            trees.insert(at.min(trees.len()), tree);
        }
        3 => {
            let insert = tokens(rng.pick(&INSERTS));
            trees.splice(at..at, insert);
        }
        4 => {
            // Deep nesting: `not` repeated, or groups in groups.
            let depth = 20 + rng.below(60);
            let insert = if rng.below(2) == 0 {
                tokens(&"not ".repeat(depth))
            } else {
                let mut nested = tokens("a");
                for _ in 0..depth {
                    nested = TokenTree::Group(Group::new(Delimiter::Parenthesis, nested)).into();
                }
                nested
            };
            trees.splice(at..at, insert);
        }
        5 if !trees.is_empty() => {
            // Wrap a run of tokens in a group.
            let end = at + rng.below(trees.len() - at.min(trees.len()) + 1);
            let end = end.min(trees.len());
            let delimiter =
                [Delimiter::Parenthesis, Delimiter::Brace, Delimiter::Bracket][rng.below(3)];
            let inner: TokenStream = trees.drain(at.min(end)..end).collect();
            trees.insert(at.min(trees.len()), Group::new(delimiter, inner).into());
        }
        _ => {
            // Inside a group: its delimiter and span kept.
            let groups: Vec<usize> = (0..trees.len())
                .filter(|&i| matches!(trees[i], TokenTree::Group(_)))
                .collect();
            if !groups.is_empty() {
                let index = groups[rng.below(groups.len())];
                if let TokenTree::Group(group) = &trees[index] {
                    let mut inner = Group::new(group.delimiter(), mutate(rng, group.stream()));
                    inner.set_span(group.span());
                    trees[index] = inner.into();
                }
            }
        }
    }
    trees.into_iter().collect()
}

/// Errors whose span is not on a token of the input, and are not about
/// its end: each a message.
fn unplaced(error: syn::Error) -> Vec<String> {
    error
        .into_iter()
        .filter(|error| {
            let span = error.span();
            let placed = !span.byte_range().is_empty();
            let message = error.to_string();
            let at_end = message.contains("end of input");
            !placed && !at_end
        })
        .map(|error| error.to_string())
        .collect()
}

/// The stack rustc runs macros with (`rustc_interface`'s default, 8 MiB);
/// a test thread has 2 MiB.
const RUSTC_STACK: usize = 8 << 20;

/// Runs `f` on each of `cases` inputs, on a stack as large as rustc's;
/// fails with every input that made the macro panic or report an error
/// nowhere.
fn run(
    name: &'static str,
    cases: impl Iterator<Item = (String, TokenStream)> + Send + 'static,
    f: fn(TokenStream) -> Option<syn::Error>,
) {
    std::thread::Builder::new()
        .stack_size(RUSTC_STACK)
        .spawn(move || run_here(name, cases, f))
        .expect("spawn a thread")
        .join()
        .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
}

fn run_here(
    name: &str,
    cases: impl Iterator<Item = (String, TokenStream)>,
    f: fn(TokenStream) -> Option<syn::Error>,
) {
    let mut failures = Vec::new();
    let mut tried = 0;
    for (text, input) in cases {
        tried += 1;
        match catch_unwind(AssertUnwindSafe(|| f(input))) {
            Err(panic) => {
                let message = panic
                    .downcast_ref::<String>()
                    .cloned()
                    .or_else(|| panic.downcast_ref::<&str>().map(|s| (*s).to_owned()))
                    .unwrap_or_default();
                failures.push(format!("panic `{message}` on: {text}"));
            }
            Ok(Some(error)) => {
                for message in unplaced(error) {
                    failures.push(format!("`{message}` has no span, on: {text}"));
                }
            }
            Ok(None) => {}
        }
        if failures.len() >= 10 {
            break;
        }
    }
    assert!(
        failures.is_empty(),
        "{name}: {} failures in {tried} inputs:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// `count` mutated copies of the corpus, each 1 to 4 mutations away.
fn mutations(
    corpus: &'static [&'static str],
    count: u64,
    seed: u64,
) -> impl Iterator<Item = (String, TokenStream)> {
    (0..count).map(move |case| {
        let mut rng = Rng::new(seed.wrapping_add(case));
        let mut input = tokens(corpus[rng.below(corpus.len())]);
        for _ in 0..=rng.below(4) {
            input = mutate(&mut rng, input);
        }
        // Lexed again, so that every token has a place, as in a source
        // file (the groups a mutation makes have none).
        let text = input.to_string();
        let input = tokens(&text);
        (text, input)
    })
}

fn query(input: TokenStream) -> Option<syn::Error> {
    crate::query::try_expand(input, false).err()
}

fn query_as(input: TokenStream) -> Option<syn::Error> {
    crate::query::try_expand(input, true).err()
}

fn model(input: TokenStream) -> Option<syn::Error> {
    crate::model::try_expand(input).1
}

#[test]
fn mutated_queries_never_panic() {
    let cases = env_number("FANLESS_FUZZ_CASES", 10_000);
    let seed = env_number("FANLESS_FUZZ_SEED", 1);
    run("query!", mutations(&QUERIES, cases, seed), query);
    run(
        "query_as!",
        mutations(&QUERY_AS, cases / 10, seed),
        query_as,
    );
}

#[test]
fn mutated_models_never_panic() {
    let cases = env_number("FANLESS_FUZZ_CASES", 10_000);
    let seed = env_number("FANLESS_FUZZ_SEED", 1);
    run("derive(Model)", mutations(&MODELS, cases, seed), model);
}

/// A query of the grammar: clauses, joins, items and conditions drawn at
/// random, with names from a small set.
fn grammar(rng: &mut Rng) -> String {
    let names = [
        "id",
        "name",
        "price",
        "products",
        "departments",
        "r#type",
        "store",
        "employees",
    ];
    let path = |rng: &mut Rng| -> String {
        (0..=rng.below(3))
            .map(|_| rng.pick(&names))
            .collect::<Vec<_>>()
            .join(".")
    };
    let value = |rng: &mut Rng| -> String {
        match rng.below(5) {
            0 => path(rng),
            1 => format!(
                "{{{}}}",
                rng.pick(&[
                    "x",
                    "&y",
                    "z.len() as i64",
                    "None::<i64>",
                    "?x",
                    "?None::<i64>"
                ])
            ),
            2 => rng.pick(&["1", "-2", "2.5", "\"s\"", "true"]).to_owned(),
            _ => {
                let agg = rng.pick(&["count", "sum", "avg", "min", "max", "exists"]);
                let distinct = if rng.below(3) == 0 { "distinct " } else { "" };
                let argument = if rng.below(6) == 0 {
                    "*".to_owned()
                } else {
                    path(rng)
                };
                format!("{agg}({distinct}{argument})")
            }
        }
    };
    fn cond(rng: &mut Rng, depth: usize, value: &dyn Fn(&mut Rng) -> String) -> String {
        if depth > 0 && rng.below(3) == 0 {
            let joiner = rng.pick(&[" and ", " or "]);
            let parts: Vec<String> = (0..2 + rng.below(3))
                .map(|_| cond(rng, depth - 1, value))
                .collect();
            return format!("({})", parts.join(joiner));
        }
        match rng.below(6) {
            0 => format!("not {}", cond(rng, depth.saturating_sub(1), value)),
            1 => format!("{} is {}null", value(rng), rng.pick(&["", "not "])),
            2 => format!("{} in ({}, {})", value(rng), value(rng), value(rng)),
            3 if rng.below(2) == 0 => format!(
                "{} {}in {{{}ids}}",
                value(rng),
                rng.pick(&["", "not "]),
                rng.pick(&["", "?"])
            ),
            3 => format!("{} like {}", value(rng), value(rng)),
            _ => format!(
                "{} {} {}",
                value(rng),
                rng.pick(&["=", "!=", "<", "<=", ">", ">="]),
                value(rng)
            ),
        }
    }
    let mut query = format!(
        "from {}",
        rng.pick(&["Store", "Employee", "crate::Product"])
    );
    let joined = rng.below(3) == 0;
    if joined {
        query.push_str(" s");
        for i in 0..rng.below(3) {
            let left = rng.pick(&["", "left "]);
            query.push_str(&format!(" {left}join s.{} j{i}", path(rng)));
        }
    }
    if rng.below(4) != 0 {
        let mut items: Vec<String> = (0..1 + rng.below(4))
            .map(|i| format!("{} as c{i}", value(rng)))
            .collect();
        // Collections, and collections in them.
        for depth in 0..rng.below(3) {
            let inner: Vec<String> = (0..1 + rng.below(3)).map(|_| value(rng)).collect();
            let mut body = inner.join(", ");
            if rng.below(2) == 0 {
                body.push_str(&format!(" where {}", cond(rng, 1, &value)));
            }
            if rng.below(2) == 0 {
                body.push_str(&format!(" order by {}", path(rng)));
            }
            if rng.below(3) == 0 {
                body.push_str(&format!(" limit {}", rng.pick(&["3", "{n}"])));
            }
            let item = format!("{} {{ {body} }} as k{depth}", path(rng));
            match items.last_mut() {
                Some(last) if depth > 0 && rng.below(2) == 0 => {
                    *last = format!("{} {{ {last} }}", path(rng));
                }
                _ => items.push(item),
            }
        }
        query.push_str(&format!(" select {}", items.join(", ")));
    }
    if rng.below(2) == 0 {
        query.push_str(&format!(" where {}", cond(rng, 3, &value)));
    }
    if joined && rng.below(2) == 0 {
        query.push_str(&format!(" group by {}", path(rng)));
        if rng.below(2) == 0 {
            query.push_str(&format!(" having {}", cond(rng, 1, &value)));
        }
    }
    if rng.below(2) == 0 {
        query.push_str(&format!(
            " order by {} {}",
            path(rng),
            rng.pick(&["asc", "desc", ""])
        ));
    }
    if rng.below(3) == 0 {
        query.push_str(&format!(" limit {}", rng.pick(&["10", "{n}", "0"])));
    }
    if rng.below(4) == 0 {
        query.push_str(&format!(" offset {}", rng.pick(&["5", "{m}"])));
    }
    query
}

#[test]
fn queries_of_the_grammar_never_panic() {
    let cases = env_number("FANLESS_FUZZ_CASES", 10_000);
    let seed = env_number("FANLESS_FUZZ_SEED", 1);
    let inputs = (0..cases).map(move |case| {
        let text = grammar(&mut Rng::new(seed.wrapping_add(case)));
        let input = tokens(&text);
        (text, input)
    });
    run("query! (grammar)", inputs, query);
}
