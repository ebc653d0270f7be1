#!/usr/bin/env bash
# What `query!` adds to `cargo check`: a crate of 20 models and 200 queries
# against the same crate without the queries. Prints the time and peak
# memory of each (median of 3 checks after the dependencies are built), and
# the cost per query. Usage: benches/compile-cost.sh
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
work="$root/target/compile-cost"
export CARGO_TARGET_DIR="$work/target"
MODELS=20
QUERIES=200

generate() { # directory, whether to write the queries
    local dir=$1 queries=$2
    mkdir -p "$dir/src"
    cat > "$dir/Cargo.toml" <<TOML
[package]
name = "compile-cost-$(basename "$dir")"
version = "0.0.0"
edition = "2021"
publish = false

[dependencies]
fanless = { path = "$root/runtime", default-features = false }

[workspace]
TOML
    {
        echo '#![allow(dead_code)]'
        echo 'use fanless::{query, Model};'
        for ((m = 0; m < MODELS; m++)); do
            echo '#[derive(Model)]'
            echo "#[model(table = \"model_$m\")]"
            if ((m + 1 < MODELS)); then echo "#[model(has_many(children = M$((m + 1)), via = parent))]"; fi
            echo "pub struct M$m {"
            echo '    #[model(primary_key)] pub id: i64,'
            if ((m > 0)); then echo "    #[model(belongs_to(parent = M$((m - 1))))] pub parent_id: i64,"; fi
            echo '    pub name: String, pub price: f64, pub active: bool,'
            echo '}'
        done
        if [[ $queries == 1 ]]; then
            for ((q = 0; q < QUERIES; q++)); do
                local m=$((q % (MODELS - 2) + 1))
                echo "pub fn q$q(x: &str, y: f64) -> impl Sized + '_ {"
                case $((q % 4)) in
                    0) echo "    query!(from M$m select id, name, count(children) as c, sum(children.price) as s, avg(children.children.price) as a where name != {x} and price > {y} order by c desc, id limit 20)" ;;
                    1) echo "    query!(from M$m select id, parent.name as p, exists(children where active) as e where price > {y} or name like {x} order by id)" ;;
                    2) echo "    let _ = y; query!(from M$m m join m.children c select m.id, count(c.id) as n, max(c.price) as top where c.name != {x} group by m.id having count(c.id) > 1 order by n desc)" ;;
                    *) echo "    let _ = (x, y); query!(from M$m where active order by name limit 10)" ;;
                esac
                echo "}"
            done
        fi
        echo 'fn main() {}'
    } > "$dir/src/main.rs"
}

measure() { # directory -> "seconds peak_kb", median of 3
    local dir=$1
    (cd "$dir" && cargo check -q 2>/dev/null) # dependencies
    for _ in 1 2 3; do
        touch "$dir/src/main.rs"
        (cd "$dir" && /usr/bin/time -f "%e %M" cargo check -q 2>&1 >/dev/null | tail -1)
    done | sort -n | sed -n 2p
}

rm -rf "$work/with" "$work/without"
generate "$work/without" 0
generate "$work/with" 1
read -r without_s without_kb < <(measure "$work/without")
read -r with_s with_kb < <(measure "$work/with")
echo "| crate | \`cargo check\` | peak memory |"
echo "|---|---|---|"
echo "| $MODELS models | ${without_s} s | $((without_kb / 1024)) MiB |"
echo "| $MODELS models, $QUERIES queries | ${with_s} s | $((with_kb / 1024)) MiB |"
awk -v a="$with_s" -v b="$without_s" -v ma="$with_kb" -v mb="$without_kb" -v n="$QUERIES" \
    'BEGIN { printf "| per query | %.1f ms | %.0f KiB |\n", (a - b) * 1000 / n, (ma - mb) / n }'
