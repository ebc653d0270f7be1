//! The results of the store shapes as a Markdown table and a summary.

use std::time::Duration;

use crate::measure::Measure;
use crate::{Filter, Kind, Strategy};

/// One line of the results.
pub(crate) struct Line {
    pub(crate) shape: &'static str,
    pub(crate) indexed: bool,
    pub(crate) kind: Kind,
    pub(crate) filter: Filter,
    pub(crate) fanless: Measure,
    pub(crate) strategies: Vec<(Strategy, Measure)>,
}

pub(crate) fn ms(time: Duration) -> String {
    let ms = time.as_secs_f64() * 1e3;
    if ms >= 100.0 {
        format!("{ms:.0}")
    } else if ms >= 1.0 {
        format!("{ms:.2}")
    } else {
        format!("{ms:.3}")
    }
}

/// What a line says of fanless: its time over the best hand-written
/// strategy's, and over the naive join's (inverted: how much faster).
pub(crate) fn ratios(line: &Line) -> (Option<f64>, Option<f64>) {
    let time = |measure: &Measure| match measure {
        Measure::Time(time, _) => Some(time.as_secs_f64()),
        Measure::Capped => None,
    };
    let fanless = time(&line.fanless);
    let best = line
        .strategies
        .iter()
        .filter(|(strategy, _)| *strategy != Strategy::Naive)
        .filter_map(|(_, measure)| time(measure))
        .reduce(f64::min);
    let naive = line
        .strategies
        .iter()
        .find(|(strategy, _)| *strategy == Strategy::Naive)
        .and_then(|(_, measure)| time(measure));
    (
        fanless.zip(best).map(|(f, b)| f / b),
        fanless.zip(naive).map(|(f, n)| n / f),
    )
}

pub(crate) fn describe(line: &Line) -> String {
    let kind = match line.kind {
        Kind::Counts => "2 counts",
        Kind::Several => "4 aggregates",
    };
    let filter = match line.filter {
        Filter::All => "all stores",
        Filter::Key => "`where id = {k}`",
        Filter::Limit => "`order by id limit 20`",
    };
    let indexes = if line.indexed { "with" } else { "without" };
    format!(
        "{} shape {indexes} FK indexes, {kind}, {filter}",
        line.shape
    )
}

pub(crate) fn print_summary(lines: &[Line]) {
    let mut worst: Option<(f64, &Line)> = None;
    let mut above = Vec::new();
    let mut naive = Vec::new();
    for line in lines {
        let (best, faster) = ratios(line);
        if let Some(ratio) = best {
            if worst.is_none_or(|(w, _)| ratio > w) {
                worst = Some((ratio, line));
            }
            if ratio > 1.2 {
                above.push(format!("{ratio:.2}× on the {}", describe(line)));
            }
        }
        if let Some(faster) = faster {
            naive.push(format!("{faster:.0}× on the {}", describe(line)));
        }
    }
    println!();
    if let Some((ratio, line)) = worst {
        println!(
            "- Worst fanless ÷ best hand-written: {ratio:.2}×, on the {}.",
            describe(line)
        );
    }
    match above.as_slice() {
        [] => println!("- fanless is within 1.2× of the best hand-written SQL on every line."),
        above => println!("- Above 1.2×: {}.", above.join("; ")),
    }
    if !naive.is_empty() {
        println!(
            "- fanless is faster than the naive join by {}.",
            naive.join("; ")
        );
    }
}

pub(crate) fn print_table(title: &str, lines: &[Line], cap: Duration) {
    println!("\n### {title}\n");
    print!("| shape | FK indexes | query | fanless |");
    for strategy in Strategy::ALL {
        print!(" {} |", strategy.label());
    }
    println!(" fanless ÷ best hand-written |");
    println!("|---|---|---|---|---|---|---|---|---|---|");
    let capped = format!(">{} s", cap.as_secs());
    for line in lines {
        let time = |measure: &Measure| match measure {
            Measure::Time(time, _) => Some(*time),
            Measure::Capped => None,
        };
        let hand: Vec<Duration> = line
            .strategies
            .iter()
            .filter(|(strategy, _)| *strategy != Strategy::Naive)
            .filter_map(|(_, measure)| time(measure))
            .collect();
        let fastest = hand.iter().chain(time(&line.fanless).iter()).min().copied();
        let cell = |measure: Option<&Measure>| match (measure, fastest) {
            (None, _) => "–".to_owned(),
            (Some(Measure::Capped), _) => capped.clone(),
            (Some(Measure::Time(time, _)), Some(fastest)) => {
                let ratio = time.as_secs_f64() / fastest.as_secs_f64();
                if ratio < 1.005 {
                    format!("**{}**", ms(*time))
                } else {
                    format!("{} ({ratio:.1}×)", ms(*time))
                }
            }
            (Some(Measure::Time(time, _)), None) => ms(*time),
        };
        let kind = match line.kind {
            Kind::Counts => "2 counts",
            Kind::Several => "4 aggregates",
        };
        let filter = match line.filter {
            Filter::All => "all stores",
            Filter::Key => "`where id = {k}`",
            Filter::Limit => "`order by id limit 20`",
        };
        print!(
            "| {} | {} | {kind}, {filter} | {} |",
            line.shape,
            if line.indexed { "yes" } else { "no" },
            cell(Some(&line.fanless))
        );
        for strategy in Strategy::ALL {
            let measure = line
                .strategies
                .iter()
                .find(|(s, _)| *s == strategy)
                .map(|(_, m)| m);
            print!(" {} |", cell(measure));
        }
        let best = hand.iter().min();
        match (time(&line.fanless), best) {
            (Some(fanless), Some(best)) => {
                println!(" {:.2}× |", fanless.as_secs_f64() / best.as_secs_f64())
            }
            _ => println!(" – |"),
        }
    }
}
