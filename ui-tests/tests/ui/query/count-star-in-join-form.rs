// With aliases, `count` takes the alias whose rows it counts.
fn main() {
    let _ = fanless::query!(from Store s join s.products p select s.id, count(*) as n group by s.id);
}
