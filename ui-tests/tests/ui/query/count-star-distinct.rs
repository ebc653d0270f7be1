// Every row is distinct from every other.
fn main() {
    let _ = fanless::query!(from Product select count(distinct *) as n);
}
